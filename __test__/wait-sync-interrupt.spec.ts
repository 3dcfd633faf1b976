// An untimed waitSync() blocks its thread in the engine (as Godot's wait() does), yet must not
// outlive its worker: terminating the worker, or process.exit() in the main thread (which
// terminates every worker and joins it), ends the wait promptly. Each case runs in a child
// process, so a wait that never ends fails the test at the deadline instead of hanging ava.
import test from "ava";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { collectLines, exitOf } from "./child-output.js";

const CHILD = join(__dirname, "fixtures", "wait-sync-worker-child.ts");
const DEADLINE_MS = 20000;

interface Run {
  lines: string[];
  /** The exit code, or "timeout" when the child was still running at the deadline (then killed). */
  exit: Promise<number | null | "timeout">;
}

function runChild(mode: "terminate" | "exit"): Run {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, mode], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = collectLines(child.stdout);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve("timeout");
    }, DEADLINE_MS);
  });
  const exit = Promise.race([exitOf(child), timeout]).finally(() => clearTimeout(timer));
  return { lines, exit };
}

test("an untimed waitSync() in a worker ends when the worker is terminated", async (t) => {
  const run = runChild("terminate");
  const exit = await run.exit;
  t.is(exit, 0, `child output: ${JSON.stringify(run.lines)}`);
  const line = run.lines.find((l) => l.startsWith("terminated "));
  t.truthy(line, `child output: ${JSON.stringify(run.lines)}`);
  const ms = Number(line?.split(" ")[1]);
  t.log(`worker.terminate() took ${ms} ms`);
  // One poll slice (50 ms) plus thread teardown; generous for slow CI machines.
  t.true(ms < 2000, `terminate() took ${ms} ms`);
});

test("an untimed waitSync() in a worker does not keep process.exit() from ending the process", async (t) => {
  const run = runChild("exit");
  const exit = await run.exit;
  t.deepEqual(run.lines, ["exiting"]);
  t.is(exit, 7);
});

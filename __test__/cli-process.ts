// The godot-udp command as a child process of a test: its output as it arrives, waiting for a line
// with a deadline, and every child killed when its test ends. Shared by the CLI specs.
import test from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import { slowdown } from "./emulation.js";

export const ROOT = resolve(__dirname, "..");
export const CLI = join(ROOT, "dist", "cli", "main.js");
/** A child still running after this is killed (stretched under emulation). */
export const CHILD_TIMEOUT_MS = 20_000 * slowdown;
/** The default deadline of `waitFor`. */
export const WAIT_MS = 10_000 * slowdown;

export interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first match of `pattern` in stdout; rejects if the child exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Children of the running test (add any you spawn yourself): killed when it ends. */
export const children = new Set<ChildProcess>();

test.afterEach.always(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
});

/** Starts `godot-udp <args>`. */
export function start(args: string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    for (const l of listeners) l();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      for (const l of listeners) l();
      resolveExit({ code, signal });
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = WAIT_MS) {
      return new Promise((resolveMatch, reject) => {
        const check = (): void => {
          const m = out.match(pattern);
          if (m) {
            done();
            resolveMatch(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`exited before ${pattern}: stdout=${JSON.stringify(out)} stderr=${JSON.stringify(err)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms: stdout=${JSON.stringify(out)} stderr=${JSON.stringify(err)}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}


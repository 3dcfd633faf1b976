// Child processes of the harness: optionally pinned to a core with taskset, stdout parsed for
// "READY <port>" and the one JSON result line, killed only if they overrun their own deadline
// (every bench process is meant to exit by itself; the kill is a safety net).
import { spawn, spawnSync } from "node:child_process";

export const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;

export function startProcess(cmd, args, { cpu, timeoutMs = 60000, env } = {}) {
  const argv = hasTaskset && cpu !== undefined ? ["taskset", ["-c", String(cpu), cmd, ...args]] : [cmd, args];
  const child = spawn(argv[0], argv[1], { stdio: ["ignore", "pipe", "pipe"], env: env ? { ...process.env, ...env } : process.env });
  let out = "";
  let err = "";
  let readyResolve;
  let readyReject;
  const ready = new Promise((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (d) => {
    out += d;
    const m = /^READY (\d+)$/m.exec(out);
    if (m) readyResolve(Number(m[1]));
  });
  child.stderr.on("data", (d) => (err += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      readyReject(new Error(`${cmd} exited before READY (code ${code}, ${signal ?? ""}): ${err.trim()}`));
      const line = out
        .split("\n")
        .reverse()
        .find((l) => l.startsWith("{"));
      let result = null;
      try {
        result = line ? JSON.parse(line) : null;
      } catch {
        result = null;
      }
      if (!result) result = { error: `no result (exit ${code}${signal ? " " + signal : ""}): ${err.trim().slice(-400)}` };
      resolve({ code, result, stderr: err });
    });
  });
  ready.catch(() => {});
  return { child, ready, done };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// What a child process of a test prints: its stdout as lines (filled as they arrive), and its exit.
import type { ChildProcess } from "node:child_process";
import type { Readable } from "node:stream";

/** The complete lines `stream` has printed so far; the array grows as more arrive. */
export function collectLines(stream: Readable): string[] {
  const lines: string[] = [];
  let buffered = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    lines.push(...parts);
  });
  return lines;
}

/** Resolves with the child's exit code (null when a signal ended it). */
export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

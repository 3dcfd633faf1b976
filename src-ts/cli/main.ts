#!/usr/bin/env node
/** Entry point of the `godot-udp` command (the package's `bin`). */
import { runCli } from "./commands.js";

/** After a command returns, anything still holding the event loop open gets this long. */
const EXIT_GRACE_MS = 2000;

// A reader that goes away (`godot-udp listen 4242 | head -3`) is a normal way to stop.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  },
  (err: unknown) => {
    process.stderr.write(`godot-udp: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

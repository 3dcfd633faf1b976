#!/usr/bin/env node
// ENet host to host on loopback, ours beside upstream C ENet in the same process and run: runs the
// Rust example crates/enet/examples/bench_vs_c.rs in a release build and prints its table.
// Rows: reliable (ENet's own window paces it) and unreliable *windowed* (the receiver reports
// progress on a reliable channel every 100 messages and the sender keeps at most 1,000 beyond the
// last report in flight, so the row measures delivery, not overload); both give delivered
// messages/s, delivered %, CPU per sent and per delivered message, and ratios ours/C of the
// medians. The example's header comment has the whole method.
//
//   node bench/enet/bench-vs-c.mjs [--quick] [--count N] [--size B] [--runs N] [--batch N]
//     [--window N] [--ack-every N] [--unpaced]
//
// Defaults: 200,000 x 64-byte messages, 3 runs (--quick: 50,000). The first run compiles the
// example (about 2 minutes on 2 cores); a full run then takes a few seconds.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const pass = args.filter((a) => a !== "--quick");
// Defaults only for what the command line does not set (the example takes the first of a repeated flag).
const defaults = [
  ["--count", quick ? "50000" : "200000"],
  ["--runs", "3"],
].flatMap(([flag, value]) => (pass.includes(flag) ? [] : [flag, value]));
const r = spawnSync(
  "cargo",
  ["run", "--quiet", "--release", "-p", "godot-udp-enet", "--example", "bench_vs_c", "--", ...defaults, ...pass],
  { cwd: root, stdio: ["ignore", "inherit", "inherit"] },
);
process.exit(r.status ?? 1);

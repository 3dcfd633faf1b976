#!/usr/bin/env node
// ENet host to host on loopback, ours beside upstream C ENet in the same process and run: runs the
// Rust example crates/enet/examples/bench_vs_c.rs in a release build and prints its table.
//
//   node bench/enet/bench-vs-c.mjs [--quick] [--count N] [--size B] [--runs N]
//
// The first run compiles the example (about 2 minutes on 2 cores).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const pass = args.filter((a) => a !== "--quick");
const defaults = quick ? ["--count", "50000", "--runs", "1"] : ["--count", "200000", "--runs", "3"];
const r = spawnSync(
  "cargo",
  ["run", "--quiet", "--release", "-p", "godot-udp-enet", "--example", "bench_vs_c", "--", ...defaults, ...pass],
  { cwd: root, stdio: ["ignore", "inherit", "inherit"] },
);
process.exit(r.status ?? 1);

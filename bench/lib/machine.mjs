// What the figures were measured on: cores, CPU model, kernel, node version, load.
import { readFileSync } from "node:fs";
import os from "node:os";

export function machineInfo() {
  let model = os.cpus()[0]?.model ?? "unknown";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) model = m[1].trim();
  } catch {
    /* not Linux */
  }
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: model,
    kernel: os.release(),
    node: process.version,
    load: os.loadavg().map((x) => x.toFixed(2)).join(" "),
  };
}

/** UDP RcvbufErrors / InErrors from /proc/net/snmp (kernel-level receive drops, all sockets). */
export function kernelUdpDrops() {
  try {
    const lines = readFileSync("/proc/net/snmp", "utf8").split("\n").filter((l) => l.startsWith("Udp:"));
    const names = lines[0].split(/\s+/).slice(1);
    const vals = lines[1].split(/\s+/).slice(1).map(Number);
    const get = (n) => vals[names.indexOf(n)];
    return { rcvbufErrors: get("RcvbufErrors"), inErrors: get("InErrors") };
  } catch {
    return undefined;
  }
}

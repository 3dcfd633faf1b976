// Issue 4, "no busy polling": a process whose sockets are all being watched (a 'packet' listener,
// a for await loop, a pending wait(), a server in event mode) and that receives nothing uses
// (almost) no CPU and is not woken up periodically. Measured in a child process over ~1 s of
// idleness; the child then proves its watchers were live by answering datagrams, closes
// everything and exits by itself.
import test from "ava";
import { spawn } from "node:child_process";
import { GodotError } from "../src-ts/errors.js";
import { boundPeer, until, withDeadline } from "./packet-peer-helpers.js";
import { collectLines, exitOf } from "./child-output.js";

const PEER_MODULE = require.resolve("../src-ts/packet-peer-udp.ts");
const SERVER_MODULE = require.resolve("../src-ts/udp-server.ts");
const IDLE_MS = 1000;
// Generous bounds: a busy loop would use ~IDLE_MS of CPU, and a 1 ms polling timer would be woken
// ~1000 times.
const MAX_IDLE_CPU_MS = 100;
const MAX_IDLE_WAKEUPS = 300;

const CHILD = `
const { readdirSync, readFileSync } = require("node:fs");
const { PacketPeerUDP } = require(process.env.PEER_MODULE);
const { UDPServer } = require(process.env.SERVER_MODULE);
const IDLE_MS = ${IDLE_MS};
// Context switches of every thread of this process (wakeups included).
function switches() {
  let n = 0;
  for (const task of readdirSync("/proc/self/task")) {
    let status;
    try { status = readFileSync("/proc/self/task/" + task + "/status", "utf8"); } catch { continue; }
    for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\\s+(\\d+)$/gm)) n += Number(m[1]);
  }
  return n;
}
const got = new Set();
let everything = [];
function done(what) {
  got.add(what);
  if (got.size === 4) {
    console.log("got all");
    for (const close of everything) close();
  }
}
const listened = new PacketPeerUDP();
if (listened.bind(0, "127.0.0.1") !== 0) throw new Error("bind");
listened.on("packet", () => done("packet"));
const iterated = new PacketPeerUDP();
if (iterated.bind(0, "127.0.0.1") !== 0) throw new Error("bind");
(async () => { for await (const _ of iterated) { done("iterator"); break; } })();
const waiting = new PacketPeerUDP();
if (waiting.bind(0, "127.0.0.1") !== 0) throw new Error("bind");
waiting.wait().then((code) => { if (code === 0) done("wait"); });
const server = new UDPServer();
if (server.listen(0, "127.0.0.1") !== 0) throw new Error("listen");
server.on("connection", (peer) => { peer.close(); done("connection"); });
everything = [() => listened.close(), () => iterated.close(), () => waiting.close(), () => server.stop()];
const ports = [listened, iterated, waiting, server].map((s) => s.getLocalPort());
// Let start-up work (module compilation, first GC) settle, then measure an idle window.
setTimeout(() => {
  const cpu0 = process.cpuUsage();
  const sw0 = switches();
  const t0 = process.hrtime.bigint();
  setTimeout(() => {
    const cpu = process.cpuUsage(cpu0);
    const wakeups = switches() - sw0;
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wakeups, wallMs, ports }));
  }, IDLE_MS);
}, 300);
`;

test("an idle process watching four sockets uses no CPU and is not woken up; the watchers are live", async (t) => {
  const child = spawn(process.execPath, ["--import", "tsx", "-e", CHILD], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PEER_MODULE, SERVER_MODULE },
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  const lines = collectLines(child.stdout);
  const exited = exitOf(child);

  await until(() => lines.length > 0, "the idle measurement", 20_000);
  const report = JSON.parse(lines[0] ?? "{}") as { cpuMs: number; wakeups: number; wallMs: number; ports: number[] };
  t.log(`idle ${report.wallMs.toFixed(0)} ms: ${report.cpuMs.toFixed(1)} ms CPU, ${report.wakeups} context switches`);
  t.true(report.wallMs >= IDLE_MS);
  t.true(report.cpuMs < MAX_IDLE_CPU_MS, `CPU while idle: ${report.cpuMs} ms`);
  t.true(report.wakeups < MAX_IDLE_WAKEUPS, `context switches while idle: ${report.wakeups}`);

  // Each watcher is live: one datagram to each socket wakes it, then the child closes all.
  const { peer } = boundPeer(t);
  t.is(report.ports.length, 4);
  for (const port of report.ports) {
    t.is(peer.setDestAddress("127.0.0.1", port), GodotError.OK);
    t.is(peer.putPacket(Buffer.from("wake up")), GodotError.OK);
  }
  t.is(await withDeadline(exited, "the child exits by itself after closing everything", 15_000), 0);
  t.deepEqual(lines.slice(1), ["got all"]);
  t.is(peer.getAvailablePacketCount(), 0, "nothing answered");
});


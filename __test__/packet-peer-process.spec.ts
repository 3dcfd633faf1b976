// PacketPeerUDP in child processes: what keeps a process alive (ref()/unref()), and what must not
// keep it from ending or from turning its event loop (a throwing 'packet' listener, a wait() loop
// that never reads).
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { collectLines, exitOf } from "./child-output.js";
import { GodotError } from "../src-ts/errors.js";
import type { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { boundPeer, until, untilCount, withDeadline } from "./packet-peer-helpers.js";

const PEER_MODULE = require.resolve("../src-ts/packet-peer-udp.ts");

function runChild(script: string): { child: ReturnType<typeof spawn>; lines: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PEER_MODULE },
  });
  const lines = collectLines(child.stdout!);
  const exited = exitOf(child);
  return { child, lines, exited };
}

test("unref(): a bound peer with a 'packet' listener lets the process exit", async (t) => {
  const { child, lines, exited } = runChild(`
    const { PacketPeerUDP } = require(process.env.PEER_MODULE);
    const peer = new PacketPeerUDP();
    if (peer.bind(0, "127.0.0.1") !== 0) throw new Error("bind");
    peer.on("packet", () => {});
    peer.unref();
    console.log("ready " + peer.getLocalPort());
  `);
  t.teardown(() => child.kill());
  t.is(await withDeadline(exited, "the unref'd child exits by itself", 15_000), 0);
  t.true(lines[0]?.startsWith("ready "));
});

test("ref() (the default): a peer with a 'packet' listener keeps the process alive until close()", async (t) => {
  const { child, lines, exited } = runChild(`
    const { PacketPeerUDP } = require(process.env.PEER_MODULE);
    const peer = new PacketPeerUDP();
    if (peer.bind(0, "127.0.0.1") !== 0) throw new Error("bind");
    peer.unref().ref();
    peer.on("packet", (data, rinfo) => {
      const text = data.toString();
      peer.setDestAddress(rinfo.address, rinfo.port);
      peer.putPacket(Buffer.from("pong " + text));
      if (text === "close") peer.close();
    });
    console.log("ready " + peer.getLocalPort());
  `);
  t.teardown(() => child.kill());
  await withDeadline(until(() => lines.length > 0, "ready line", 15_000), "child ready", 15_000);
  const childPort = Number(lines[0]!.split(" ")[1]);
  const { peer } = boundPeer(t);
  peer.setDestAddress("127.0.0.1", childPort);
  // The child's script ended when it printed "ready": only the watched socket keeps it alive
  // to answer.
  peer.putPacket(Buffer.from("ping"));
  await untilCount(peer, 1, "pong from the child");
  t.is(peer.getPacket().toString(), "pong ping");
  peer.putPacket(Buffer.from("close"));
  t.is(await withDeadline(exited, "the child exits after close()", 15_000), 0);
});

/**
 * The child's 'packet' listener for the two tests below (its peer is `peer`): throws on "throw",
 * logs any other packet and closes the peer; then the child prints its port.
 */
const THROWING_LISTENER = `
    peer.on("packet", (data) => {
      const text = data.toString();
      if (text === "throw") throw new Error("listener failed");
      console.log("got " + text);
      peer.close();
    });
    console.log("ready " + peer.getLocalPort());`;

/** Once the child printed its port, sends it "throw" from a peer of this process (returned). */
async function sendThrow(t: ExecutionContext, lines: string[]): Promise<PacketPeerUDP> {
  await withDeadline(until(() => lines.length > 0, "ready line", 15_000), "child ready", 15_000);
  const { peer } = boundPeer(t);
  peer.setDestAddress("127.0.0.1", Number(lines[0]!.split(" ")[1]));
  peer.putPacket(Buffer.from("throw"));
  return peer;
}

test("a throwing 'packet' listener surfaces as an uncaught exception and delivery continues", async (t) => {
  const { child, lines, exited } = runChild(`
    const { PacketPeerUDP } = require(process.env.PEER_MODULE);
    const peer = new PacketPeerUDP();
    if (peer.bind(0, "127.0.0.1") !== 0) throw new Error("bind");
    process.on("uncaughtException", (err) => console.log("uncaught " + err.message));
    ${THROWING_LISTENER}
  `);
  t.teardown(() => child.kill());
  const peer = await sendThrow(t, lines);
  peer.putPacket(Buffer.from("after"));
  t.is(await withDeadline(exited, "the child exits after the second packet", 15_000), 0);
  t.deepEqual(lines.slice(1).sort(), ["got after", "uncaught listener failed"]);
});

test("a throwing 'packet' listener with a wait() pending: the wait settles and delivery continues", async (t) => {
  // The listener's exception ends the native readiness callback, so the binding never sees its
  // "re-arm" answer; the watch must still be re-armed, or the wait and later packets hang.
  // The second datagram is sent by the child itself from its uncaughtException handler, so it
  // always reaches the socket before the wait's continuation runs (a race the parent lost only
  // sometimes, under qemu); only the re-armed watch can deliver it.
  const { child, lines, exited } = runChild(`
    const { PacketPeerUDP } = require(process.env.PEER_MODULE);
    const peer = new PacketPeerUDP();
    if (peer.bind(0, "127.0.0.1") !== 0) throw new Error("bind");
    const sender = new PacketPeerUDP();
    sender.setDestAddress("127.0.0.1", peer.getLocalPort());
    process.on("uncaughtException", (err) => {
      console.log("uncaught " + err.message);
      sender.putPacket(Buffer.from("after"));
      sender.close();
    });
    peer.wait({ timeout: 10000 }).then((code) => console.log("wait " + code));
    ${THROWING_LISTENER}
  `);
  t.teardown(() => child.kill());
  await sendThrow(t, lines);
  t.is(await withDeadline(exited, "the child exits after the second packet", 15_000), 0);
  t.deepEqual(lines.slice(1).sort(), ["got after", "uncaught listener failed", "wait 0"]);
});

test("a wait({ timeout }) answered in time does not keep the process alive until its timeout", async (t) => {
  // The waits' timeouts share one timer that stays armed after a wait is answered: it must not
  // keep the process alive (the watch does that, and only while a wait is pending).
  const { child, lines, exited } = runChild(`
    const { PacketPeerUDP } = require(process.env.PEER_MODULE);
    const peer = new PacketPeerUDP();
    if (peer.bind(0, "127.0.0.1") !== 0) throw new Error("bind");
    const sender = new PacketPeerUDP();
    sender.setDestAddress("127.0.0.1", peer.getLocalPort());
    peer.wait({ timeout: 60000 }).then((code) => {
      console.log("wait " + code + ", count " + peer.getAvailablePacketCount());
      sender.close();
    });
    sender.putPacket(Buffer.from("x"));
  `);
  t.teardown(() => child.kill());
  t.is(await withDeadline(exited, "the child exits once its wait is answered", 15_000), 0);
  t.deepEqual(lines, ["wait 0, count 1"]);
});

test("a wait({ timeout }) pending when unref() is called still keeps the process alive until it settles", async (t) => {
  // docs/api.md: a pending wait() keeps the process alive whatever unref() says.
  const { child, lines, exited } = runChild(`
    const { PacketPeerUDP } = require(process.env.PEER_MODULE);
    const peer = new PacketPeerUDP();
    if (peer.bind(0, "127.0.0.1") !== 0) throw new Error("bind");
    const started = performance.now();
    peer.wait({ timeout: 300 }).then((code) => {
      // A timer may fire up to 1 ms early by libuv's cached clock.
      console.log("wait " + code + (performance.now() - started >= 298 ? " after its timeout" : " early"));
    });
    peer.unref();
  `);
  t.teardown(() => child.kill());
  t.is(await withDeadline(exited, "the child exits once its wait timed out", 15_000), 0);
  t.deepEqual(lines, [`wait ${GodotError.ERR_TIMEOUT} after its timeout`]);
});

test("a wait() loop that never reads lets the event loop turn while a datagram stays readable", async (t) => {
  // A readable socket answers wait() at once; re-waiting in a promise chain without reading would
  // never let the event loop turn (no timer, no I/O callback, no watch delivery: a spinning
  // process). The child's timer is what ends it.
  const { child, lines, exited } = runChild(`
    const { PacketPeerUDP } = require(process.env.PEER_MODULE);
    const peer = new PacketPeerUDP();
    if (peer.bind(0, "127.0.0.1") !== 0) throw new Error("bind");
    const sender = new PacketPeerUDP();
    sender.setDestAddress("127.0.0.1", peer.getLocalPort());
    sender.putPacket(Buffer.from("x"));
    sender.close();
    let waits = 0;
    const again = () => peer.wait({ timeout: 10000 }).then((code) => {
      if (code === 0) waits++;
      if (peer.isBound()) again();
    });
    again();
    setTimeout(() => {
      console.log("timer after " + (waits > 1 ? "waits" : "no waits"));
      peer.close();
    }, 0);
  `);
  t.teardown(() => child.kill());
  t.is(await withDeadline(exited, "the child exits from its timer", 15_000), 0);
  t.deepEqual(lines, ["timer after waits"]);
});

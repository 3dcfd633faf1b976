// The binding's event mode (src-ts/native.ts: watch/rearm/unwatch/ref/unref, close() ending a
// watch with one ERR_UNCONFIGURED call), driven on NativePeer/NativeServer directly: the watch
// is a libuv poll handle on Node's own loop (src/watch.rs).
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { GodotError } from "../src-ts/errors.js";
import { native, type NativePeer } from "../src-ts/native.js";
import { until, withDeadline } from "./packet-peer-helpers.js";
import { collectLines, exitOf } from "./child-output.js";
import { WINDOWS_NO_ICMP_ERRORS, unlessWindows } from "./emulation.js";

function peerOn(t: ExecutionContext, address = "127.0.0.1"): NativePeer {
  const peer = new native.NativePeer();
  t.teardown(() => peer.close());
  t.is(peer.bind(0, address, 65536, false), GodotError.OK);
  return peer;
}

function senderTo(t: ExecutionContext, port: number, host = "127.0.0.1"): NativePeer {
  const sender = new native.NativePeer();
  t.teardown(() => sender.close());
  t.is(sender.setDestAddress(host, port), GodotError.OK);
  return sender;
}

/** Lets the event loop run `turns` times (immediates and a timer each). */
async function loopTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

test("one call per readiness, then nothing until rearm(), even while data stays unread", async (t) => {
  const peer = peerOn(t);
  const sender = senderTo(t, peer.getLocalPort());
  const calls: number[] = [];
  t.is(peer.watch((status) => calls.push(status)), GodotError.OK);
  await loopTurns(3);
  t.deepEqual(calls, [], "an idle socket does not call");
  sender.putPacket(Buffer.from("a"));
  await until(() => calls.length === 1, "the first call");
  await loopTurns(10);
  t.deepEqual(calls, [GodotError.OK], "not called again while not re-armed");
  // Re-armed with the datagram still unread: called again (level-triggered, nothing lost).
  peer.rearm();
  await until(() => calls.length === 2, "the call after rearm()");
  t.is(peer.getPacket()?.toString(), "a");
  peer.rearm();
  await loopTurns(5);
  t.is(calls.length, 2, "drained and re-armed: quiet");
  sender.putPacket(Buffer.from("b"));
  await until(() => calls.length === 3, "the next datagram");
  t.deepEqual(calls, [GodotError.OK, GodotError.OK, GodotError.OK]);
});

test("a callback that returns true is re-armed without rearm(); one that returns anything else is not", async (t) => {
  const peer = peerOn(t);
  const sender = senderTo(t, peer.getLocalPort());
  const calls: number[] = [];
  let answer: unknown = true;
  t.is(
    peer.watch((status) => {
      calls.push(status);
      peer.getPacket(); // drained: only a new datagram makes the socket readable again
      return answer;
    }),
    GodotError.OK,
  );
  sender.putPacket(Buffer.from("a"));
  await until(() => calls.length === 1, "the first call");
  answer = 1; // truthy, but not true
  sender.putPacket(Buffer.from("b"));
  await until(() => calls.length === 2, "the call without rearm(): the first returned true");
  sender.putPacket(Buffer.from("c"));
  await loopTurns(10);
  t.is(calls.length, 2, "returned 1, not true: not re-armed");
  peer.rearm();
  await until(() => calls.length === 3, "the call after rearm()");
  t.deepEqual(calls, [GodotError.OK, GodotError.OK, GodotError.OK]);
});

test("the callback runs on the JS thread as a Node callback: its microtasks and nextTicks run right after it", async (t) => {
  const peer = peerOn(t);
  const sender = senderTo(t, peer.getLocalPort());
  const order: string[] = [];
  peer.watch(() => {
    order.push("callback");
    process.nextTick(() => order.push("tick"));
    void Promise.resolve().then(() => order.push("microtask"));
    setImmediate(() => order.push("immediate"));
  });
  sender.putPacket(Buffer.from("x"));
  await until(() => order.length === 4, "callback, tick, microtask and immediate");
  t.deepEqual(order, ["callback", "tick", "microtask", "immediate"]);
});

test("close() stops watching at once and ends the watch with one asynchronous ERR_UNCONFIGURED call", async (t) => {
  const peer = peerOn(t);
  const sender = senderTo(t, peer.getLocalPort());
  const calls: number[] = [];
  peer.watch((status) => calls.push(status));
  peer.close();
  t.deepEqual(calls, [], "not called from inside close()");
  sender.putPacket(Buffer.from("late"));
  await until(() => calls.length === 1, "the last call");
  await loopTurns(5);
  t.deepEqual(calls, [GodotError.ERR_UNCONFIGURED]);
  // The peer can be bound and watched again.
  t.is(peer.bind(0, "127.0.0.1", 65536, false), GodotError.OK);
  peer.watch((status) => calls.push(status));
  senderTo(t, peer.getLocalPort()).putPacket(Buffer.from("again"));
  await until(() => calls.length === 2, "a call on the new socket");
  t.deepEqual(calls, [GodotError.ERR_UNCONFIGURED, GodotError.OK]);
});

test("unwatch() ends silently; a second watch() replaces the first", async (t) => {
  const peer = peerOn(t);
  const sender = senderTo(t, peer.getLocalPort());
  const first: number[] = [];
  const second: number[] = [];
  peer.watch((status) => first.push(status));
  peer.watch((status) => second.push(status));
  sender.putPacket(Buffer.from("one"));
  await until(() => second.length === 1, "the second watcher's call");
  peer.getPacket();
  peer.unwatch();
  sender.putPacket(Buffer.from("two"));
  peer.close();
  await loopTurns(5);
  t.deepEqual(first, []);
  t.deepEqual(second, [GodotError.OK]);
});

test("watch(): ERR_UNCONFIGURED when no socket is open, ERR_LOCKED for a server peer", async (t) => {
  const idle = new native.NativePeer();
  t.is(
    idle.watch(() => undefined),
    GodotError.ERR_UNCONFIGURED,
  );
  const server = new native.NativeServer();
  t.teardown(() => server.stop());
  t.is(server.listen(0, "127.0.0.1", false), GodotError.OK);
  senderTo(t, server.getLocalPort()).putPacket(Buffer.from("hello"));
  await until(() => {
    server.poll();
    return server.isConnectionAvailable();
  }, "a pending peer");
  const taken = server.takeConnection()!;
  t.teardown(() => taken.close());
  t.is(
    taken.watch(() => undefined),
    GodotError.ERR_LOCKED,
  );
});

unlessWindows(WINDOWS_NO_ICMP_ERRORS, test)("a connected socket's ICMP error is reported as FAILED, and watching goes on after rearm()", async (t) => {
  const gone = new native.NativePeer();
  t.is(gone.bind(0, "127.0.0.1", 65536, false), GodotError.OK);
  const closedPort = gone.getLocalPort();
  gone.close();
  const peer = new native.NativePeer();
  t.teardown(() => peer.close());
  t.is(peer.connectToHost("127.0.0.1", closedPort), GodotError.OK);
  const calls: number[] = [];
  peer.watch((status) => calls.push(status));
  peer.putPacket(Buffer.from("ping"));
  await until(() => calls.length === 1, "the error call");
  t.deepEqual(calls, [GodotError.FAILED]);
  t.is(peer.getAvailablePacketCount(), -1, "the error is pending until read");
  peer.rearm();
  await loopTurns(5);
  t.deepEqual(calls, [GodotError.FAILED], "consumed: no further call");
});

test("a failed connectToHost closes the socket: the watch ends with ERR_UNCONFIGURED", async (t) => {
  const peer = peerOn(t, "127.0.0.1");
  const calls: number[] = [];
  peer.watch((status) => calls.push(status));
  // An IPv6 host for an IPv4 socket: Godot closes the socket and returns FAILED.
  t.is(peer.connectToHost("::1", 9), GodotError.FAILED);
  t.false(peer.isBound());
  await until(() => calls.length === 1, "the last call");
  t.deepEqual(calls, [GodotError.ERR_UNCONFIGURED]);
  // A successful connect keeps watching the same socket.
  const other = peerOn(t, "127.0.0.1");
  const target = other.getLocalPort();
  t.is(other.watch((status) => calls.push(status)), GodotError.OK);
  t.is(other.connectToHost("127.0.0.1", target), GodotError.OK);
  other.putPacket(Buffer.from("self"));
  await until(() => calls.length === 2, "a call after the connect");
  t.deepEqual(calls, [GodotError.ERR_UNCONFIGURED, GodotError.OK]);
});

test("a server watches its shared socket; stop() ends the watch with ERR_UNCONFIGURED", async (t) => {
  const server = new native.NativeServer();
  t.teardown(() => server.stop());
  t.is(server.listen(0, "127.0.0.1", false), GodotError.OK);
  const calls: number[] = [];
  t.is(server.watch((status) => calls.push(status)), GodotError.OK);
  senderTo(t, server.getLocalPort()).putPacket(Buffer.from("hi"));
  await until(() => calls.length === 1, "the server's call");
  t.is(server.poll(), GodotError.OK);
  t.is(server.pendingCount(), 1);
  server.rearm();
  server.stop();
  await until(() => calls.length === 2, "the last call");
  t.deepEqual(calls, [GodotError.OK, GodotError.ERR_UNCONFIGURED]);
});

// ---------------------------------------------------------------------------------------------
// Child processes: what must not take the test worker down with it.

const NATIVE_MODULE = require.resolve("../src-ts/native.ts");
const PEER_MODULE = require.resolve("../src-ts/packet-peer-udp.ts");

function runChild(script: string): { lines: string[]; exited: Promise<number | null>; kill: () => void } {
  const child = spawn(process.execPath, ["--import", "tsx", "-e", script], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NATIVE_MODULE, PEER_MODULE },
  });
  const lines = collectLines(child.stdout);
  child.stderr.resume();
  const exited = exitOf(child);
  return { lines, exited, kill: () => child.kill() };
}

test("an exception thrown by the watch callback is an uncaught exception; watching goes on", async (t) => {
  const { lines, exited, kill } = runChild(`
    const { native } = require(process.env.NATIVE_MODULE);
    const peer = new native.NativePeer();
    peer.bind(0, "127.0.0.1", 65536, false);
    const sender = new native.NativePeer();
    sender.setDestAddress("127.0.0.1", peer.getLocalPort());
    let calls = 0;
    process.on("uncaughtException", (error) => {
      console.log("uncaught " + error.message);
      sender.putPacket(Buffer.from("second"));
    });
    peer.watch((status) => {
      calls++;
      if (calls > 2) return console.log("last call " + status);
      peer.getPacket();
      peer.rearm();
      if (calls === 1) throw new Error("boom");
      console.log("call " + calls + " " + status);
      peer.close();
      sender.close();
    });
    sender.putPacket(Buffer.from("first"));
  `);
  t.teardown(kill);
  t.is(await withDeadline(exited, "the child ends by itself", 15_000), 0);
  t.deepEqual(lines, ["uncaught boom", `call 2 ${GodotError.OK}`, `last call ${GodotError.ERR_UNCONFIGURED}`]);
});

test("a worker thread watching sockets can be terminated or end by itself; the process goes on", async (t) => {
  const { lines, exited, kill } = runChild(`
    const { Worker } = require("node:worker_threads");
    const body = \`
      require("tsx/cjs");
      const { parentPort, workerData } = require("node:worker_threads");
      const { PacketPeerUDP } = require(workerData.peerModule);
      const peer = new PacketPeerUDP();
      peer.bind(0, "127.0.0.1");
      peer.on("packet", (data) => parentPort.postMessage("got " + data.toString()));
      const sender = new PacketPeerUDP();
      sender.setDestAddress("127.0.0.1", peer.getLocalPort());
      sender.putPacket(Buffer.from("hi"));
      if (workerData.mode === "unref") {
        peer.unref();
        parentPort.postMessage("unref'd");
      }
    \`;
    const run = (mode) => new Promise((resolve) => {
      const worker = new Worker(body, { eval: true, workerData: { mode, peerModule: process.env.PEER_MODULE } });
      worker.on("message", (m) => {
        // An unref'd worker may end before its datagram is delivered: only its own line counts.
        if (mode === "unref" && m !== "unref'd") return;
        console.log(mode + " " + m);
        if (mode === "terminate") worker.terminate();
      });
      worker.on("error", (e) => console.log(mode + " error " + e.message));
      worker.on("exit", resolve);
    });
    (async () => {
      for (const mode of ["terminate", "unref", "terminate"]) console.log(mode + " exit " + (await run(mode)));
      console.log("main alive");
    })();
  `);
  t.teardown(kill);
  t.is(await withDeadline(exited, "the child ends by itself", 30_000), 0);
  t.deepEqual(lines, [
    "terminate got hi",
    "terminate exit 1",
    "unref unref'd",
    "unref exit 0",
    "terminate got hi",
    "terminate exit 1",
    "main alive",
  ]);
});

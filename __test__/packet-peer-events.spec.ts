// PacketPeerUDP, Node layer: 'packet'/'error'/'close' events, for await, wait() with timeout and
// AbortSignal, many waits against libuv's thread pool (process liveness and what must let a
// process end: packet-peer-process.spec.ts).
import test from "ava";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { GodotError } from "../src-ts/errors.js";
import { PacketPeerUDP, type RemoteInfo, type UDPPacket } from "../src-ts/packet-peer-udp.js";
import { UDPSocketError } from "../src-ts/udp-socket-error.js";
import {
  boundPeer,
  DEADLINE_MS,
  newPeer,
  payload,
  releasedPort,
  until,
  untilCount,
  withDeadline,
} from "./packet-peer-helpers.js";
import { WINDOWS_NO_ICMP_ERRORS, unlessWindows } from "./emulation.js";

const V6 = "0:0:0:0:0:0:0:1";

function collect(peer: PacketPeerUDP): Array<{ data: Buffer; rinfo: RemoteInfo }> {
  const got: Array<{ data: Buffer; rinfo: RemoteInfo }> = [];
  peer.on("packet", (data, rinfo) => got.push({ data, rinfo }));
  return got;
}

// ---------------------------------------------------------------------------------------------
// 'packet' events

test("'packet' events deliver every datagram in order with Godot addresses, port, family and size", async (t) => {
  const { peer, port } = boundPeer(t, "*");
  const got = collect(peer);
  const { peer: s4, port: p4 } = boundPeer(t, "127.0.0.1");
  const { peer: s6, port: p6 } = boundPeer(t, "::1");
  s4.setDestAddress("127.0.0.1", port);
  s6.setDestAddress("::1", port);
  const n = 300;
  for (let i = 0; i < n; i++) {
    t.is((i % 3 === 2 ? s6 : s4).putPacket(payload(i, 1 + (i % 200))), GodotError.OK);
    // Stay below the receive queue's capacity: the test is about order, not loss.
    if (i % 50 === 49) await until(() => got.length === i + 1, `packet ${i}`);
  }
  await until(() => got.length === n, `${n} events`);
  got.forEach(({ data, rinfo }, i) => {
    t.true(data.equals(payload(i, 1 + (i % 200))), `payload ${i}`);
    const v6 = i % 3 === 2;
    t.deepEqual(rinfo.address, v6 ? V6 : "127.0.0.1");
    t.is(rinfo.family, v6 ? "IPv6" : "IPv4");
    t.is(rinfo.port, v6 ? p6 : p4);
    t.is(rinfo.size, data.length);
  });
  t.is(peer.droppedPackets, 0);
});

test("'packet' payloads are independent copies: a held Buffer never changes", async (t) => {
  const { peer, port } = boundPeer(t);
  const got = collect(peer);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(Buffer.from("first"));
  await until(() => got.length === 1, "first event");
  for (let i = 0; i < 20; i++) sender.putPacket(Buffer.alloc(3000, 0x55));
  await until(() => got.length === 21, "later events");
  t.is(got[0]!.data.toString(), "first");
});

test("getPacketIp/getPacketPort inside a 'packet' listener name that packet's sender", async (t) => {
  const { peer, port } = boundPeer(t);
  const seen: Array<[string, number, number]> = [];
  peer.on("packet", (_data, rinfo) => seen.push([peer.getPacketIp(), peer.getPacketPort(), rinfo.port]));
  const a = boundPeer(t);
  const b = boundPeer(t);
  a.peer.setDestAddress("127.0.0.1", port);
  b.peer.setDestAddress("127.0.0.1", port);
  a.peer.putPacket(Buffer.from("a"));
  b.peer.putPacket(Buffer.from("b"));
  a.peer.putPacket(Buffer.from("a"));
  await until(() => seen.length === 3, "3 events");
  t.deepEqual(
    seen,
    [a.port, b.port, a.port].map((p) => ["127.0.0.1", p, p] as [string, number, number]),
  );
});

test("a listener added before bind starts delivering once the peer is bound", async (t) => {
  const peer = newPeer(t);
  const got = collect(peer);
  t.is(peer.bind(0, "127.0.0.1"), GodotError.OK);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", peer.getLocalPort());
  sender.putPacket(Buffer.from("hello"));
  await until(() => got.length === 1, "the event");
  t.is(got[0]!.data.toString(), "hello");
});

test("a listener added after datagrams were drained into the queue receives them at once", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(Buffer.from("one"));
  sender.putPacket(Buffer.from("two"));
  await untilCount(peer, 2); // now in the native queue, the OS socket is empty
  const got = collect(peer);
  await until(() => got.length === 2, "the queued packets as events");
  t.deepEqual(got.map((g) => g.data.toString()), ["one", "two"]);
});

test("removing the last 'packet' listener returns to the pull model: later datagrams wait for getPacket", async (t) => {
  const { peer, port } = boundPeer(t);
  const got: string[] = [];
  const listener = (data: Buffer): void => void got.push(data.toString());
  peer.on("packet", listener);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(Buffer.from("event"));
  await until(() => got.length === 1, "the event");
  peer.off("packet", listener);
  sender.putPacket(Buffer.from("pulled"));
  await untilCount(peer, 1);
  t.is(peer.getPacket().toString(), "pulled");
  t.deepEqual(got, ["event"]);
});

test("once('packet'): the rest of a batch stays readable with getPacket, in order, nothing lost", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  for (let i = 0; i < 10; i++) sender.putPacket(payload(i, 16));
  await untilCount(peer, 10);
  const [data, rinfo] = (await withDeadline(once(peer, "packet"), "one event")) as [Buffer, RemoteInfo];
  t.is(data.readUInt32BE(0), 0);
  t.is(rinfo.port, sender.getLocalPort());
  t.is(peer.getAvailablePacketCount(), 9);
  for (let i = 1; i < 10; i++) {
    t.is(peer.getPacket().readUInt32BE(0), i);
    t.is(peer.getPacketPort(), sender.getLocalPort());
  }
  t.is(peer.getAvailablePacketCount(), 0);
});

test("removeAllListeners() stops delivery and a new listener restarts it", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  collect(peer);
  peer.removeAllListeners();
  sender.putPacket(Buffer.from("pulled"));
  await untilCount(peer, 1);
  t.is(peer.getPacket().toString(), "pulled");
  const got = collect(peer);
  sender.putPacket(Buffer.from("event"));
  await until(() => got.length === 1, "the event after re-adding");
  t.is(got[0]!.data.toString(), "event");
});

test("'close' is emitted by close() of an open socket; listeners survive and resume after a re-bind", async (t) => {
  const { peer } = boundPeer(t);
  let closes = 0;
  peer.on("close", () => closes++);
  const got = collect(peer);
  peer.close();
  t.is(closes, 1);
  peer.close();
  t.is(closes, 1, "closing a closed peer emits nothing");
  t.is(peer.bind(0, "127.0.0.1"), GodotError.OK);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", peer.getLocalPort());
  sender.putPacket(Buffer.from("after re-bind"));
  await until(() => got.length === 1, "event after re-bind");
  t.is(got[0]!.data.toString(), "after re-bind");
});

test("close() inside a 'packet' listener stops delivery of the rest", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  for (let i = 0; i < 5; i++) sender.putPacket(payload(i, 8));
  await untilCount(peer, 5);
  const got: number[] = [];
  peer.on("packet", (data) => {
    got.push(data.readUInt32BE(0));
    if (got.length === 2) peer.close();
  });
  await withDeadline(once(peer, "close"), "close");
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(got, [0, 1]);
  t.is(peer.getAvailablePacketCount(), -1);
});

unlessWindows(WINDOWS_NO_ICMP_ERRORS, test)("'error': a connected socket's ICMP port-unreachable is reported as UDPSocketError(FAILED) and counted", async (t) => {
  const closedPort = releasedPort("127.0.0.1");
  const { peer } = boundPeer(t);
  const errors: UDPSocketError[] = [];
  peer.on("error", (err) => errors.push(err));
  collect(peer);
  t.is(peer.connectToHost("127.0.0.1", closedPort), GodotError.OK);
  t.is(peer.putPacket(Buffer.from("nobody home")), GodotError.OK);
  await until(() => errors.length === 1, "the error event");
  t.true(errors[0] instanceof UDPSocketError);
  t.is(errors[0]!.error, GodotError.FAILED);
  t.is(errors[0]!.code, "FAILED");
  t.is(peer.socketErrors, 1);
  t.true(peer.isBound(), "the socket keeps working");
});

unlessWindows(WINDOWS_NO_ICMP_ERRORS, test)("socket errors without an 'error' listener are counted, not thrown; delivery goes on", async (t) => {
  const closedPort = releasedPort("127.0.0.1");
  const { peer, port } = boundPeer(t);
  const got = collect(peer);
  t.is(peer.connectToHost("127.0.0.1", closedPort), GodotError.OK);
  t.is(peer.putPacket(Buffer.from("nobody home")), GodotError.OK);
  await until(() => peer.socketErrors === 1, "the counted error");
  t.is(peer.listenerCount("error"), 0);
  // Still delivering: reconnect to a live host and receive from it.
  const { peer: host, port: hostPort } = boundPeer(t);
  t.is(peer.connectToHost("127.0.0.1", hostPort), GodotError.OK);
  host.setDestAddress("127.0.0.1", port);
  host.putPacket(Buffer.from("alive"));
  await until(() => got.length === 1, "an event after the error");
  t.is(got[0]!.data.toString(), "alive");
});

// ---------------------------------------------------------------------------------------------
// for await

test("for await yields every datagram in order with address and port, and ends on close()", async (t) => {
  const { peer, port } = boundPeer(t, "*");
  const { peer: s4, port: p4 } = boundPeer(t, "127.0.0.1");
  const { peer: s6, port: p6 } = boundPeer(t, "::1");
  s4.setDestAddress("127.0.0.1", port);
  s6.setDestAddress("::1", port);
  const n = 200;
  const received: UDPPacket[] = [];
  const loop = (async () => {
    for await (const packet of peer) {
      received.push(packet);
      if (received.length === n) setImmediate(() => peer.close());
    }
    return "ended";
  })();
  for (let i = 0; i < n; i++) {
    (i % 2 === 0 ? s4 : s6).putPacket(payload(i, 32));
    if (i % 50 === 49) await until(() => received.length === i + 1, `packet ${i}`);
  }
  t.is(await withDeadline(loop, "the loop ends after close()"), "ended");
  t.is(received.length, n);
  received.forEach((p, i) => {
    t.is(p.data.readUInt32BE(0), i);
    t.is(p.address, i % 2 === 0 ? "127.0.0.1" : V6);
    t.is(p.port, i % 2 === 0 ? p4 : p6);
    t.is(p.family, i % 2 === 0 ? "IPv4" : "IPv6");
  });
});

test("for await on an idle peer ends on close(), and 'close' is emitted", async (t) => {
  const { peer } = boundPeer(t);
  const closed = once(peer, "close");
  const loop = (async () => {
    let count = 0;
    for await (const _ of peer) count++;
    return count;
  })();
  setImmediate(() => peer.close());
  t.is(await withDeadline(loop, "loop end"), 0);
  await withDeadline(closed, "'close'");
});

test("breaking out of for await stops watching: later datagrams wait for getPacket", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(Buffer.from("first"));
  for await (const packet of peer) {
    t.is(packet.data.toString(), "first");
    break;
  }
  sender.putPacket(Buffer.from("second"));
  await untilCount(peer, 1);
  t.is(peer.getPacket().toString(), "second");
});

test("for await pulls from the bounded native queue: a slow consumer gets the oldest, the rest is counted", async (t) => {
  const { peer, port } = boundPeer(t, "127.0.0.1", 1024);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  // Nothing consumes while these arrive: they wait in the OS buffer.
  for (let i = 0; i < 100; i++) sender.putPacket(payload(i, 100));
  const seqs: number[] = [];
  const iterator = peer[Symbol.asyncIterator]();
  const first = await withDeadline(iterator.next(), "first packet");
  t.false(first.done);
  seqs.push((first.value as UDPPacket).data.readUInt32BE(0));
  // The first pull drained the OS buffer into the 2048-byte ring: 16 kept, 84 dropped.
  t.is(peer.droppedPackets, 84);
  while (seqs.length < 16) {
    const next = await withDeadline(iterator.next(), "queued packet");
    seqs.push((next.value as UDPPacket).data.readUInt32BE(0));
  }
  t.deepEqual(seqs, Array.from({ length: 16 }, (_, i) => i));
  t.is(peer.getAvailablePacketCount(), 0);
  await iterator.return?.();
});

test("for await under a flood yields to the event loop: a timer fires while the iterator consumes", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  const total = 20000;
  const inFlight = 64;
  // Every packet taken is replaced by a new one, so the queue never runs dry and the iterator
  // never has to wait for readability (which would yield by itself).
  t.is(sender.putPackets(Array.from({ length: inFlight }, (_, i) => payload(i, 8))), GodotError.OK);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  t.teardown(() => clearInterval(timer));
  const consume = async (): Promise<number> => {
    let received = 0;
    let receivedAtFirstTick = -1;
    for await (const packet of peer) {
      t.is(packet.data.readUInt32BE(0), received);
      received++;
      if (ticks > 0 && receivedAtFirstTick < 0) receivedAtFirstTick = received;
      if (received === total) break;
      if (received + inFlight <= total) sender.putPacket(payload(received + inFlight - 1, 8));
    }
    return receivedAtFirstTick;
  };
  const receivedAtFirstTick = await withDeadline(consume(), "20,000 packets");
  t.true(receivedAtFirstTick > 0 && receivedAtFirstTick < total, `first tick after ${receivedAtFirstTick} packets`);
  t.is(peer.droppedPackets, 0);
});

test("events take priority over iteration; iterators pull again once the last listener is removed", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  const got: string[] = [];
  const listener = (data: Buffer): void => void got.push(data.toString());
  peer.on("packet", listener);
  const iterator = peer[Symbol.asyncIterator]();
  const pending = iterator.next();
  sender.putPacket(Buffer.from("to the listener"));
  await until(() => got.length === 1, "the event");
  peer.off("packet", listener);
  sender.putPacket(Buffer.from("to the iterator"));
  const result = await withDeadline(pending, "iterator result");
  t.is((result.value as UDPPacket).data.toString(), "to the iterator");
  t.deepEqual(got, ["to the listener"]);
  await iterator.return?.();
});

// ---------------------------------------------------------------------------------------------
// wait()

test("wait(): OK at once when a datagram waits in the OS buffer, without consuming it", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(Buffer.from("x"));
  t.is(await withDeadline(peer.wait(), "wait"), GodotError.OK);
  t.is(peer.getAvailablePacketCount(), 1);
});

test("wait(): resolves OK when a datagram arrives later", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  const waiting = peer.wait();
  setImmediate(() => sender.putPacket(Buffer.from("wake")));
  t.is(await withDeadline(waiting, "wait"), GodotError.OK);
});

test("wait({ timeout }): ERR_TIMEOUT when nothing arrives; datagrams already in the queue do not count (Q9)", async (t) => {
  const { peer, port } = boundPeer(t);
  t.is(await withDeadline(peer.wait({ timeout: 30 }), "timeout"), GodotError.ERR_TIMEOUT);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(Buffer.from("queued"));
  await untilCount(peer, 1); // drained from the OS socket into the queue
  t.is(await withDeadline(peer.wait({ timeout: 50 }), "timeout"), GodotError.ERR_TIMEOUT);
  t.is(await peer.wait({ timeout: 0 }), GodotError.ERR_TIMEOUT);
});

test("wait() after datagrams came and were drained while nobody waited: ERR_TIMEOUT, never a stale OK from the watch", async (t) => {
  // The watch an earlier wait() left in place saw these datagrams arrive; they were drained into
  // the queue before the next wait(). On Windows libuv's poll request reported them again (an OK
  // on an empty socket) until the binding confirmed each report with WSAPoll.
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  const first = peer.wait({ timeout: DEADLINE_MS });
  sender.putPacket(Buffer.from("first"));
  t.is(await withDeadline(first, "the first wait"), GodotError.OK);
  await untilCount(peer, 1);
  peer.getPacket();
  for (let round = 0; round < 5; round++) {
    sender.putPacket(Buffer.from(`round ${round}`));
    await untilCount(peer, 1); // drained from the OS socket while no wait is pending
    t.is(await withDeadline(peer.wait({ timeout: 50 }), "timeout"), GodotError.ERR_TIMEOUT, `round ${round}`);
    t.is(peer.getPacket().toString(), `round ${round}`);
  }
});

test("wait() on an unbound peer: ERR_UNCONFIGURED at once", async (t) => {
  t.is(await newPeer(t).wait(), GodotError.ERR_UNCONFIGURED);
});

test("close() settles every pending wait() with ERR_UNCONFIGURED", async (t) => {
  const { peer } = boundPeer(t);
  const waits = [peer.wait(), peer.wait(), peer.wait({ timeout: 60_000 })];
  setImmediate(() => peer.close());
  t.deepEqual(await withDeadline(Promise.all(waits), "settled waits"), [
    GodotError.ERR_UNCONFIGURED,
    GodotError.ERR_UNCONFIGURED,
    GodotError.ERR_UNCONFIGURED,
  ]);
});

test("wait({ signal }): abort rejects with an AbortError carrying the reason; the peer keeps working", async (t) => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  t.teardown(() => process.off("unhandledRejection", onUnhandled));

  const { peer, port } = boundPeer(t);
  const controller = new AbortController();
  const waiting = peer.wait({ signal: controller.signal });
  const reason = new Error("stop waiting");
  setImmediate(() => controller.abort(reason));
  const err = await t.throwsAsync(withDeadline(waiting, "abort"), { name: "AbortError" });
  t.is((err as Error & { code?: string }).code, "ABORT_ERR");
  t.is((err as Error).cause, reason);

  // Already aborted: rejects at once.
  await t.throwsAsync(peer.wait({ signal: AbortSignal.abort() }), { name: "AbortError" });

  // The aborted wait was cancelled natively; a new one still works.
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  const again = peer.wait({ signal: new AbortController().signal, timeout: DEADLINE_MS });
  setImmediate(() => sender.putPacket(Buffer.from("x")));
  t.is(await withDeadline(again, "wait after abort"), GodotError.OK);
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(unhandled, []);
});

test("wait({ signal }) then close(): resolves ERR_UNCONFIGURED, a later abort changes nothing", async (t) => {
  const { peer } = boundPeer(t);
  const controller = new AbortController();
  const waiting = peer.wait({ signal: controller.signal });
  setImmediate(() => {
    peer.close();
    controller.abort();
  });
  t.is(await withDeadline(waiting, "wait"), GodotError.ERR_UNCONFIGURED);
});

test("wait() argument checks: timeout must be a non-negative number, signal an AbortSignal", (t) => {
  const peer = newPeer(t);
  t.throws(() => void peer.wait({ timeout: "1" as unknown as number }), { instanceOf: TypeError });
  t.throws(() => void peer.wait({ timeout: -1 }), { instanceOf: RangeError });
  t.throws(() => void peer.wait({ signal: {} as AbortSignal }), { instanceOf: TypeError });
  t.throws(() => void peer.wait(5 as unknown as object), { instanceOf: TypeError });
});

test("waitSync: ERR_UNCONFIGURED unbound, OK with a datagram in the OS buffer, ERR_TIMEOUT otherwise", async (t) => {
  t.is(newPeer(t).waitSync(0), GodotError.ERR_UNCONFIGURED);
  const { peer, port } = boundPeer(t);
  t.is(peer.waitSync(10), GodotError.ERR_TIMEOUT);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(Buffer.from("x"));
  t.is(peer.waitSync(DEADLINE_MS), GodotError.OK);
  t.is(peer.getAvailablePacketCount(), 1);
});

test("16 sockets waiting at once do not take libuv's thread pool: a file read still completes", async (t) => {
  const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const count = Math.max(16, poolSize * 4);
  const peers = Array.from({ length: count }, () => boundPeer(t).peer);
  const waits = peers.map((p) => p.wait());
  const text = await withDeadline(readFile(__filename, "utf8"), "fs.readFile while the waits are pending");
  t.true(text.includes("libuv's thread pool"));
  for (const p of peers) p.close();
  const codes = await withDeadline(Promise.all(waits), "waits settled by close()");
  t.true(codes.every((c) => c === GodotError.ERR_UNCONFIGURED));
});

// The facade's hot paths cross into the addon once per operation: every native method of
// NativePeer is wrapped with a counter (this file runs in its own worker, tests serially) and
// the counts after sends, receives and event delivery are asserted exactly.
import test, { type ExecutionContext } from "ava";
import { GodotError } from "../src-ts/errors.js";
import { native, type NativePeer } from "../src-ts/native.js";
import { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { UDPServer } from "../src-ts/udp-server.js";
import { boundPeer, newPeer, payload, until, untilCount } from "./packet-peer-helpers.js";

const calls = new Map<string, number>();
/** `entries()` calls: a peer makes its entries when one is first called (native.ts). */
let entriesMade = 0;
const proto = native.NativePeer.prototype as unknown as Record<string, unknown>;
const originals = new Map<string, (...args: unknown[]) => unknown>();
for (const name of Object.getOwnPropertyNames(proto)) {
  const original = proto[name];
  if (name === "constructor" || typeof original !== "function") continue;
  originals.set(name, original as (...args: unknown[]) => unknown);
  proto[name] = function (this: NativePeer, ...args: unknown[]): unknown {
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    // `entries()` hands out hot-path methods as functions of their own: count them by name.
    if (name === "entries") {
      entriesMade++;
      return counted(result as Record<string, (...a: unknown[]) => unknown>);
    }
    calls.set(name, (calls.get(name) ?? 0) + 1);
    return result;
  };
}

function counted(entries: Record<string, (...args: unknown[]) => unknown>): object {
  return Object.fromEntries(
    Object.entries(entries).map(([name, f]) => [
      name,
      (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return f(...args);
      },
    ]),
  );
}
test.after.always(() => {
  for (const [name, original] of originals) proto[name] = original;
});

/** Native calls made by `run()`, by method name (zero counts left out). */
async function countCalls(run: () => unknown): Promise<Record<string, number>> {
  calls.clear();
  await run();
  return Object.fromEntries([...calls].sort(([a], [b]) => a.localeCompare(b)));
}

/** A receiver and a sender whose socket is open; the first datagram between them already read. */
async function primedPair(t: ExecutionContext): Promise<{ rx: PacketPeerUDP; sender: PacketPeerUDP }> {
  const { peer: rx, port } = boundPeer(t);
  const sender = newPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(payload(0, 8)); // opens the sender's socket
  await untilCount(rx, 1);
  rx.getPacket();
  return { rx, sender };
}

test.serial("putPacket / putPackets: one native call each, none to serverPeerId or isBound", async (t) => {
  const { peer: rx, port } = boundPeer(t);
  const sender = newPeer(t);
  t.is(sender.setDestAddress("127.0.0.1", port), GodotError.OK);
  t.is(sender.putPacket(payload(0, 8)), GodotError.OK); // opens the socket
  const counts = await countCalls(() => {
    for (let i = 1; i <= 100; i++) sender.putPacket(payload(i, 8));
    for (let i = 0; i < 10; i++) sender.putPackets([payload(0, 8), payload(1, 8)]);
  });
  t.deepEqual(counts, { putPacket: 100, putPackets: 10 });
  await untilCount(rx, 121);
});

test.serial("getPacket: served from the batch the last count lent, then one lendPackets; getPacketError is never asked", async (t) => {
  const { peer: rx, port } = boundPeer(t);
  const sender = newPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  for (let i = 0; i < 50; i++) sender.putPacket(payload(i, 8));
  await untilCount(rx, 50);
  // The count that found the 50 lent them in its own call: they are still the head of the native
  // queue (an unconnected socket's get_packet serves the head without draining), so the gets of
  // later code are served from that batch.
  const counts = await countCalls(() => {
    for (let i = 0; i < 50; i++) t.is(rx.getPacket().readUInt32BE(0), i);
  });
  t.deepEqual(counts, {});
  t.is(rx.getPacketError(), GodotError.OK);
  // Spent: the next get lends (releasing the 50 first) and finds nothing.
  const empty = await countCalls(() => t.is(rx.getPacket().length, 0));
  t.deepEqual(empty, { lendPackets: 1 });
  t.is(rx.getPacketError(), GodotError.ERR_UNAVAILABLE);
  t.is(rx.stats().packetsReceived, 50);
  // getVar takes the same path.
  sender.putVar(42);
  await untilCount(rx, 1);
  t.deepEqual(await countCalls(() => t.is(rx.getVar(), 42)), {});
});

test.serial("Godot's loop (wait, then while count() > 0 getPacket()): one native call per batch; wait() never uses the engine's reactor", async (t) => {
  const { rx, sender } = await primedPair(t);
  const got: number[] = [];
  const counts = await countCalls(async () => {
    // Nothing in the OS buffer: the wait is served by the socket's libuv watch.
    const waiting = rx.wait({ timeout: 5000 });
    for (let i = 0; i < 50; i++) sender.putPacket(payload(i, 8));
    t.is(await waiting, GodotError.OK);
    while (rx.getAvailablePacketCount() > 0) got.push(rx.getPacket().readUInt32BE(0));
  });
  t.deepEqual(got, Array.from({ length: 50 }, (_, i) => i));
  // The first count drains, counts and lends the batch in one call; the gets, the counts while
  // the batch lasts, and the 0 once it is spent, are answered from it.
  t.is(counts.countAndLend, 1);
  t.false("lendPackets" in counts || "getAvailablePacketCount" in counts, JSON.stringify(counts));
  // A count with no packet read since the last one always drains (a Godot program polling the
  // count keeps the OS buffer from filling).
  t.deepEqual(await countCalls(() => t.is(rx.getAvailablePacketCount(), 0)), { countAndLend: 1 });
  // At most one level check (of the idle socket); the watch answers.
  t.true((counts.waitSync ?? 0) <= 1, `waitSync: ${counts.waitSync ?? 0} calls`);
  t.false("wait" in counts, "no reactor wait");
  // More than one scratch area holds (512 packets): two lent batches. The count that starts the
  // loop lends the first and asks how many are queued (no second drain); the count after the
  // first batch is spent lends the second, which holds the rest.
  for (let i = 0; i < 600; i++) {
    sender.putPacket(payload(i, 8));
    // In steps the OS receive buffer holds.
    if (i % 100 === 99) await untilCount(rx, i + 1);
  }
  got.length = 0;
  const big = await countCalls(() => {
    while (rx.getAvailablePacketCount() > 0) got.push(rx.getPacket().readUInt32BE(0));
  });
  t.deepEqual(got, Array.from({ length: 600 }, (_, i) => i));
  t.deepEqual(big, { countAndLend: 2, queuedCount: 1 });
  // A datagram waiting in the OS buffer: wait() answers from one level check, nothing else.
  sender.putPacket(payload(50, 8));
  t.is(await rx.wait({ timeout: 5000 }), GodotError.OK);
  t.deepEqual(await countCalls(() => rx.wait()), { waitSync: 1 });
  t.is(rx.getPacket().readUInt32BE(0), 50);
});

test.serial("a wait() loop over 20 request/response rounds: no rearm, ref, unref or level check per round", async (t) => {
  const { rx, sender } = await primedPair(t);
  const got: number[] = [];
  let waits = 0;
  const loop = (async () => {
    while (got.length < 20 && (await rx.wait({ timeout: 5000 })) === GodotError.OK) {
      waits++;
      while (rx.getAvailablePacketCount() > 0) got.push(rx.getPacket().readUInt32BE(0));
      if (got.length < 20) sender.putPacket(payload(got.length, 8)); // the next request
    }
  })();
  const counts = await countCalls(async () => {
    sender.putPacket(payload(0, 8));
    await loop;
  });
  t.deepEqual(got, Array.from({ length: 20 }, (_, i) => i));
  t.is(waits, 20);
  // The first wait started the watch; every later one is served by the re-armed watch.
  for (const name of ["rearm", "ref", "unref", "waitSync", "wait"]) {
    t.true((counts[name] ?? 0) <= 1, `${name}: ${counts[name] ?? 0} calls`);
  }
});

/** A receiver connected to its sender, with the sender's datagrams 0..19 queued. */
async function connectedWith20Queued(t: ExecutionContext): Promise<PacketPeerUDP> {
  const { rx, sender } = await primedPair(t);
  t.is(rx.connectToHost("127.0.0.1", sender.getLocalPort()), GodotError.OK);
  for (let i = 0; i < 20; i++) sender.putPacket(payload(i, 8));
  await untilCount(rx, 20);
  return rx;
}

test.serial("getPacket on a connected socket: one native getPacket per packet (each call drains)", async (t) => {
  const rx = await connectedWith20Queued(t);
  const counts = await countCalls(() => {
    for (let i = 0; i < 20; i++) t.is(rx.getPacket().readUInt32BE(0), i);
  });
  t.deepEqual(counts, { getPacket: 20 });
  const empty = await countCalls(() => t.is(rx.getPacket().length, 0));
  t.deepEqual(empty, { getPacket: 1, getPacketError: 1 });
  t.is(rx.getPacketError(), GodotError.ERR_UNAVAILABLE);
});

test.serial("getPacket on a connected socket right after a count: served from the batch the count lent; in later code, a drain per packet again", async (t) => {
  const rx = await connectedWith20Queued(t);
  // The count drains and lends what it found in the same call: the gets are served from it.
  const batch = await countCalls(() => {
    t.is(rx.getAvailablePacketCount(), 20);
    for (let i = 0; i < 10; i++) t.is(rx.getPacket().readUInt32BE(0), i);
  });
  t.deepEqual(batch, { countAndLend: 1 });
  // Later code: the rest of that batch is given back (still queued) and each get drains again.
  const later = await countCalls(() => {
    for (let i = 10; i < 20; i++) t.is(rx.getPacket().readUInt32BE(0), i);
  });
  t.deepEqual(later, { getPacket: 10 });
  t.is(rx.getAvailablePacketCount(), 0);
  t.is(rx.stats().packetsReceived, 21);
});

test.serial("getPackets: one takePackets per batch and no count when a batch empties the queue", async (t) => {
  const { peer: rx, port } = boundPeer(t);
  const sender = newPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  for (let i = 0; i < 100; i++) sender.putPacket(payload(i, 8));
  await untilCount(rx, 100);
  const counts = await countCalls(() => t.is(rx.getPackets().length, 100));
  t.deepEqual(counts, { takePackets: 1 });
});

test.serial("a server peer replying from its 'packet' listener: one putPacket per reply", async (t) => {
  const server = new UDPServer();
  t.teardown(() => server.stop());
  t.is(server.listen(0, "127.0.0.1"), GodotError.OK);
  const client = newPeer(t);
  t.is(client.connectToHost("127.0.0.1", server.getLocalPort()), GodotError.OK);
  const replies: number[] = [];
  client.on("packet", (data) => replies.push(data.readUInt32BE(0)));
  let sends = 0;
  server.on("connection", (peer: PacketPeerUDP) => {
    peer.on("packet", (data) => {
      const before = calls.get("putPacket") ?? 0;
      const others = calls.get("serverPeerId") ?? 0;
      peer.putPacket(data);
      if ((calls.get("putPacket") ?? 0) === before + 1 && (calls.get("serverPeerId") ?? 0) === others) sends++;
    });
  });
  for (let i = 0; i < 20; i++) client.putPacket(payload(i, 8));
  await until(() => replies.length === 20, "20 replies");
  t.is(sends, 20);
  t.deepEqual(replies, Array.from({ length: 20 }, (_, i) => i));
});

test.serial("a peer makes its hot-path entries once, on first use: none for peers taken and closed without a read or a send", async (t) => {
  const server = new UDPServer();
  t.teardown(() => server.stop());
  t.is(server.listen(0, "127.0.0.1"), GodotError.OK);
  entriesMade = 0;
  const clients = Array.from({ length: 5 }, () => newPeer(t));
  for (const client of clients) t.is(client.connectToHost("127.0.0.1", server.getLocalPort()), GodotError.OK);
  t.is(entriesMade, 0, "constructing and connecting make none");
  for (const client of clients) t.is(client.putPacket(Buffer.from("hello")), GodotError.OK);
  t.is(entriesMade, 5, "each client's first putPacket made them");
  clients[0]!.putPacket(Buffer.from("again"));
  t.is(entriesMade, 5, "once per peer");
  await until(() => {
    server.poll();
    return server.pendingConnectionCount === 5;
  }, "5 pending peers");
  const taken: PacketPeerUDP[] = [];
  for (let peer = server.takeConnection(); peer !== null; peer = server.takeConnection()) taken.push(peer);
  t.is(taken.length, 5);
  t.is(entriesMade, 5, "taking makes none");
  t.is(taken[0]!.getAvailablePacketCount(), 2, "the first client's two datagrams");
  t.is(entriesMade, 6, "the first read made the taken peer's");
  t.is(taken[0]!.getPacket().toString(), "hello");
  for (const peer of taken) peer.close();
  t.is(entriesMade, 6, "closing makes none");
});

test.serial("a taken peer that is closed is an ordinary peer again: bound anew, it watches its own socket", async (t) => {
  const server = new UDPServer();
  t.teardown(() => server.stop());
  t.is(server.listen(0, "127.0.0.1"), GodotError.OK);
  const client = newPeer(t);
  client.connectToHost("127.0.0.1", server.getLocalPort());
  client.putPacket(Buffer.from("hi"));
  await until(() => {
    server.poll();
    return server.isConnectionAvailable();
  }, "a pending peer");
  const peer = server.takeConnection() as PacketPeerUDP;
  t.teardown(() => peer.close());
  peer.close();
  t.is(peer.bind(0, "127.0.0.1"), GodotError.OK);
  const got: string[] = [];
  peer.on("packet", (data) => got.push(data.toString()));
  const other = newPeer(t);
  other.setDestAddress("127.0.0.1", peer.getLocalPort());
  other.putPacket(Buffer.from("own socket"));
  await until(() => got.length === 1, "the event on the peer's own socket");
  t.deepEqual(got, ["own socket"]);
});

test.serial("a 'packet' listener on a peer opened by its first putPacket receives the reply", async (t) => {
  const { peer: echo, port } = boundPeer(t);
  const asker = newPeer(t);
  asker.setDestAddress("127.0.0.1", port);
  const got: string[] = [];
  asker.on("packet", (data) => got.push(data.toString()));
  t.is(asker.putPacket(Buffer.from("ping")), GodotError.OK);
  await untilCount(echo, 1);
  t.is(echo.getPacket().toString(), "ping");
  echo.setDestAddress(echo.getPacketIp(), echo.getPacketPort());
  echo.putPacket(Buffer.from("pong"));
  await until(() => got.length === 1, "the reply event");
  t.deepEqual(got, ["pong"]);
});

test.serial("'packet' events: one takePackets per wake-up, which also re-arms the watch (no rearm call, no empty take)", async (t) => {
  const { peer: rx, port } = boundPeer(t);
  const got: number[] = [];
  rx.on("packet", (data) => got.push(data.readUInt32BE(0)));
  const sender = newPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(payload(0, 8));
  await until(() => got.length === 1, "the first event");
  const counts = await countCalls(async () => {
    for (let i = 1; i <= 5; i++) {
      sender.putPacket(payload(i, 8));
      await until(() => got.length === i + 1, `event ${i}`);
    }
  });
  t.deepEqual(counts, { putPacket: 5, takePackets: 5 });
  t.deepEqual(got, [0, 1, 2, 3, 4, 5]);
});

test.serial("for await: one takePackets per wake-up, which also re-arms the watch", async (t) => {
  const { peer: rx, port } = boundPeer(t);
  const sender = newPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  const iterator = rx[Symbol.asyncIterator]();
  t.teardown(() => void iterator.return?.());
  const round = async (i: number): Promise<void> => {
    const next = iterator.next();
    sender.putPacket(payload(i, 8));
    t.is((await next).value?.data.readUInt32BE(0), i);
  };
  // Warm-up: the watch starts armed, so the first wake-up needs no rearm.
  await round(0);
  await round(1);
  const counts = await countCalls(async () => {
    for (let i = 2; i <= 6; i++) await round(i);
  });
  t.deepEqual(counts, { putPacket: 5, takePackets: 5 });
});

test.serial("event delivery after getAvailablePacketCount refilled the queue takes again instead of re-arming", async (t) => {
  const { peer: rx, port } = boundPeer(t);
  const sender = newPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  const got: number[] = [];
  const listener = (data: Buffer): void => {
    got.push(data.readUInt32BE(0));
    // The listener drains the OS socket into the native queue while the batch is delivered.
    if (got.length === 1) {
      sender.putPacket(payload(1, 8));
      sender.putPacket(payload(2, 8));
      t.is(rx.getAvailablePacketCount(), 2);
    }
  };
  rx.on("packet", listener);
  sender.putPacket(payload(0, 8));
  await until(() => got.length === 3, "all three events");
  t.deepEqual(got, [0, 1, 2]);
});

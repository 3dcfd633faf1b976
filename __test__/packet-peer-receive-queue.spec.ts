// PacketPeerUDP's receive queue against real sockets on loopback: batches taken with getPackets,
// when the OS socket is drained (a full queue, counts answered from a lent batch), and Godot's
// accounting with its drop counter (spec packet-peer-udp.md §4.5). Ports come from bind(0).
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { boundPeer, newPeer, payload, until, untilCount } from "./packet-peer-helpers.js";

const V6 = "0:0:0:0:0:0:0:1";

// ---------------------------------------------------------------------------------------------
// getPackets and when the OS socket is drained

test("getPackets(max): a batch of queued packets, oldest first, with senders; the rest stays queued", async (t) => {
  const { peer, port } = boundPeer(t, "*");
  const { peer: s4, port: p4 } = boundPeer(t, "127.0.0.1");
  const { peer: s6, port: p6 } = boundPeer(t, "::1");
  s4.setDestAddress("127.0.0.1", port);
  s6.setDestAddress("::1", port);
  for (let i = 0; i < 10; i++) (i % 2 === 0 ? s4 : s6).putPacket(payload(i, 10 + i));
  await untilCount(peer, 10);
  const first = peer.getPackets(4);
  t.deepEqual(
    first.map((p) => [p.data.readUInt32BE(0), p.address, p.port, p.family, p.size]),
    [0, 1, 2, 3].map((i) => [i, i % 2 === 0 ? "127.0.0.1" : V6, i % 2 === 0 ? p4 : p6, i % 2 === 0 ? "IPv4" : "IPv6", 10 + i]),
  );
  t.is(peer.getPacketError(), GodotError.OK);
  t.is(peer.getPacketIp(), V6, "the last packet returned");
  t.is(peer.getPacketPort(), p6);
  t.is(peer.getAvailablePacketCount(), 6);
  t.is(peer.getPacket().readUInt32BE(0), 4, "getPacket continues where the batch stopped");
  const rest = peer.getPackets();
  t.deepEqual(rest.map((p) => p.data.readUInt32BE(0)), [5, 6, 7, 8, 9]);
  t.true(rest.every((p) => p.data.equals(payload(p.data.readUInt32BE(0), p.size))));
  t.deepEqual(peer.getPackets(), []);
  t.is(peer.getPacketError(), GodotError.ERR_UNAVAILABLE);
  t.deepEqual(newPeer(t).getPackets(), []);
  t.throws(() => peer.getPackets(1.5), { instanceOf: TypeError });
});

test("getPackets() takes more than one native batch in one call (600 datagrams)", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  for (let i = 0; i < 600; i++) {
    sender.putPacket(payload(i, 50));
    if (i % 50 === 49) peer.getAvailablePacketCount();
  }
  await untilCount(peer, 600);
  const all = peer.getPackets();
  t.is(all.length, 600);
  t.true(all.every((p, i) => p.data.readUInt32BE(0) === i));
  t.is(peer.droppedPackets, 0);
});

/** A peer whose queue (recvBufSize 1024) holds exactly 16 datagrams of 100 bytes, filled. */
async function fullQueueOf16(t: Parameters<typeof boundPeer>[0]) {
  const { peer, port } = boundPeer(t, "127.0.0.1", 1024);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  for (let i = 0; i < 16; i++) sender.putPacket(payload(i, 100));
  await untilCount(peer, 16);
  t.is(peer.droppedPackets, 0);
  // A 17th datagram waits in the OS buffer while the queue is full.
  sender.putPacket(payload(16, 100));
  t.is(await peer.wait({ timeout: 5000 }), GodotError.OK);
  return { peer, sender };
}

test("getPacket serves a queued datagram without draining the OS socket first (nothing refused by the full queue)", async (t) => {
  const { peer } = await fullQueueOf16(t);
  t.is(peer.getPacket().readUInt32BE(0), 0);
  t.is(peer.droppedPackets, 0);
  // The count drains (Godot's count always does): the 17th fits behind the 15 left.
  t.is(peer.getAvailablePacketCount(), 16, "the 17th fits now");
  const rest = Array.from({ length: 16 }, () => peer.getPacket().readUInt32BE(0));
  t.deepEqual(rest, Array.from({ length: 16 }, (_, i) => i + 1));
  t.is(peer.droppedPackets, 0);
});

test("in the code that read a packet, the count is known from the batch without a drain (issue 13); once that code yields, it drains", async (t) => {
  const { peer, sender } = await fullQueueOf16(t);
  t.is(peer.getPacket().readUInt32BE(0), 0);
  t.is(peer.getAvailablePacketCount(), 16, "this code's first count drains: the 17th fits now");
  t.is(peer.getPacket().readUInt32BE(0), 1);
  // An 18th reaches the OS buffer now (loopback delivers within the send): indistinguishable from
  // one still in flight, it is not drained by a count answered from the batch.
  sender.putPacket(payload(17, 100));
  t.is(peer.getAvailablePacketCount(), 15, "same synchronous run, a packet read since: the lent batch");
  t.is(peer.stats().packetsReceived, 17, "no drain");
  await until(() => peer.getAvailablePacketCount() === 16, "the 18th, drained once this code yields");
  t.is(peer.droppedPackets, 0);
  t.is(peer.stats().packetsReceived, 18);
});

test("getPackets drains the OS socket once per call: a full queue is taken before the OS buffer is read", async (t) => {
  const { peer } = await fullQueueOf16(t);
  // The 16 queued (lent to JS by the count that found them) come first, released before the one
  // drain of this call: the 17th then fits, nothing is refused.
  const first = peer.getPackets();
  t.deepEqual(first.map((p) => p.data.readUInt32BE(0)), Array.from({ length: 17 }, (_, i) => i));
  t.is(peer.droppedPackets, 0);
  t.deepEqual(peer.getPackets(), []);
  t.is(peer.getPacketError(), GodotError.ERR_UNAVAILABLE);
  t.is(peer.droppedPackets, 0);
});

test("getPackets(max) across several native batches stops at max and keeps the rest queued", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  for (let i = 0; i < 1100; i++) {
    sender.putPacket(payload(i, 20));
    if (i % 50 === 49) peer.getAvailablePacketCount();
  }
  await untilCount(peer, 1100);
  const some = peer.getPackets(700);
  t.is(some.length, 700);
  t.true(some.every((p, i) => p.data.readUInt32BE(0) === i));
  t.is(peer.getAvailablePacketCount(), 400);
  const rest = peer.getPackets();
  t.is(rest.length, 400);
  t.true(rest.every((p, i) => p.data.readUInt32BE(0) === 700 + i));
  t.deepEqual(peer.getPackets(), []);
  t.is(peer.droppedPackets, 0);
});

// ---------------------------------------------------------------------------------------------
// Receive queue: Godot's accounting and the drop counter

test("queue overflow: recvBufSize 1024 holds 16 datagrams of 100 bytes, the newest are dropped and counted", async (t) => {
  const { peer, port } = boundPeer(t, "127.0.0.1", 1024);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  for (let i = 0; i < 100; i++) {
    t.is(sender.putPacket(payload(i, 100)), GodotError.OK);
    // Drain the OS buffer regularly so only Godot's ring limits what is kept.
    if (i % 10 === 9) peer.getAvailablePacketCount();
  }
  await until(() => peer.getAvailablePacketCount() + peer.droppedPackets >= 100, "100 datagrams accounted");
  t.is(peer.getAvailablePacketCount(), 16);
  t.is(peer.droppedPackets, 84);
  const stats = peer.stats();
  t.is(stats.packetsDropped, 84);
  t.is(stats.bytesDropped, 8400);
  for (let i = 0; i < 16; i++) t.is(peer.getPacket().readUInt32BE(0), i, "the oldest are kept, in order");
  t.is(peer.getAvailablePacketCount(), 0);
});

test("recvBufSize 0 queues nothing (Q10); every datagram is counted as dropped", async (t) => {
  const { peer, port } = boundPeer(t, "127.0.0.1", 0);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  for (let i = 0; i < 3; i++) sender.putPacket(payload(i, 4));
  await until(() => peer.getAvailablePacketCount() === 0 && peer.droppedPackets === 3, "3 drops");
  t.is(peer.stats().bytesDropped, 12);
});

test("stats(): packets and bytes sent and received", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  for (let i = 0; i < 5; i++) sender.putPacket(payload(i, 10 + i));
  await untilCount(peer, 5);
  const sent = sender.stats();
  t.is(sent.packetsSent, 5);
  t.is(sent.bytesSent, 10 + 11 + 12 + 13 + 14);
  const received = peer.stats();
  t.is(received.packetsReceived, 5);
  t.is(received.bytesReceived, 60);
  t.is(received.packetsDropped, 0);
  t.is(received.bytesDropped, 0);
  t.is(received.osDropped, 0);
  t.deepEqual(Object.keys(received).sort(), [
    "bytesDropped",
    "bytesReceived",
    "bytesSent",
    "osDropped",
    "packetsDropped",
    "packetsReceived",
    "packetsSent",
  ]);
});

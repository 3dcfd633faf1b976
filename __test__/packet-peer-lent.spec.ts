// getPacket() on an unconnected peer reads from a lent batch: one native call copies every queued
// packet, which stays in the native queue (keeping its space, as in Godot's ring) until a later
// native call releases the ones handed out. These tests pin Godot's accounting and that mixing
// every read path loses, duplicates and reorders nothing. Loopback only.
import test, { type ExecutionContext } from "ava";
import { GodotError } from "../src-ts/errors.js";
import type { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { UDPServer } from "../src-ts/udp-server.js";
import { boundPeer, newPeer, payload, until, untilCount, withDeadline } from "./packet-peer-helpers.js";

/** The sequence number `payload()` wrote, after checking the rest of the bytes. */
function seqOf(t: ExecutionContext, data: Buffer, size: number): number {
  const seq = data.readUInt32BE(0);
  t.is(Buffer.compare(data, payload(seq, size)), 0, `payload of packet ${seq}`);
  return seq;
}

/** Drains until every datagram sent so far was read from the OS (queued or dropped). */
function untilRead(peer: PacketPeerUDP, total: number): Promise<void> {
  return until(() => {
    peer.getAvailablePacketCount();
    const s = peer.stats();
    return s.packetsReceived + s.packetsDropped >= total;
  }, `${total} datagrams read from the OS`);
}

test("getPacket keeps Godot's queue accounting between reads: a packet read frees its space only then", async (t) => {
  // recvBufSize 1024: a 2048-byte ring, 2047 usable; 100-byte datagrams take 124: 16 fit.
  const { peer: rx, port } = boundPeer(t, "127.0.0.1", 1024);
  const tx = newPeer(t);
  tx.setDestAddress("127.0.0.1", port);
  for (let i = 0; i < 16; i++) t.is(tx.putPacket(payload(i, 100)), GodotError.OK);
  await untilCount(rx, 16);
  t.is(rx.stats().packetsDropped, 0);
  t.is(seqOf(t, rx.getPacket(), 100), 0);
  t.is(rx.getPacketError(), GodotError.OK);
  t.is(rx.getPacketIp(), "127.0.0.1");
  t.is(rx.getPacketPort(), tx.getLocalPort());
  for (let i = 16; i < 21; i++) t.is(tx.putPacket(payload(i, 100)), GodotError.OK);
  await untilRead(rx, 21);
  // Godot: 15 old + 1 new (the space packet 0 freed); 4 refused by the full ring.
  t.is(rx.getAvailablePacketCount(), 16);
  t.is(rx.stats().packetsDropped, 4);
  t.is(rx.stats().packetsReceived, 17);
  const got: number[] = [];
  for (let i = 0; i < 16; i++) got.push(seqOf(t, rx.getPacket(), 100));
  t.deepEqual(got, [...Array.from({ length: 15 }, (_, i) => i + 1), 16]);
  t.is(rx.getAvailablePacketCount(), 0);
  t.is(rx.getPacket().length, 0);
  t.is(rx.getPacketError(), GodotError.ERR_UNAVAILABLE);
  t.is(rx.getPacketPort(), tx.getLocalPort());
});

test("a server peer's lent packets free their space before the server routes more", async (t) => {
  const server = new UDPServer();
  t.teardown(() => server.stop());
  t.is(server.listen(0, "127.0.0.1"), GodotError.OK);
  const client = newPeer(t);
  t.is(client.connectToHost("127.0.0.1", server.getLocalPort()), GodotError.OK);
  // A server peer's ring is 65536 bytes: 63 datagrams of 1000 bytes (1024 each) fit.
  client.putPacket(payload(0, 1000));
  await until(() => server.poll() === GodotError.OK && server.isConnectionAvailable(), "the peer");
  const peer = server.takeConnection()!;
  t.teardown(() => peer.close());
  for (let i = 1; i < 63; i++) client.putPacket(payload(i, 1000));
  await until(() => server.poll() === GodotError.OK && peer.getAvailablePacketCount() === 63, "63 queued");
  t.is(seqOf(t, peer.getPacket(), 1000), 0);
  client.putPacket(payload(63, 1000));
  client.putPacket(payload(64, 1000));
  await until(() => {
    server.poll();
    const s = peer.stats();
    return s.packetsReceived + s.packetsDropped >= 65;
  }, "both routed");
  t.is(peer.getAvailablePacketCount(), 63);
  t.is(peer.stats().packetsDropped, 1);
  const got: number[] = [];
  for (let i = 0; i < 63; i++) got.push(seqOf(t, peer.getPacket(), 1000));
  t.deepEqual(got, Array.from({ length: 63 }, (_, i) => i + 1));
  t.is(peer.getPacketPort(), client.getLocalPort());
  t.is(peer.getPacket().length, 0);
  t.is(peer.getPacketError(), GodotError.ERR_UNAVAILABLE);
});

test("mixing getPacket, getPackets, counts, a listener added mid-batch, for await, connect and close loses and repeats nothing", async (t) => {
  const { peer: rx, port } = boundPeer(t);
  const tx = newPeer(t);
  tx.setDestAddress("127.0.0.1", port);
  const got: number[] = [];
  const read = (data: Buffer): void => {
    got.push(seqOf(t, data, 20));
  };
  let sent = 0;
  const send = (n: number): void => {
    for (let i = 0; i < n; i++) t.is(tx.putPacket(payload(sent++, 20)), GodotError.OK);
  };
  const expectAll = (): void => {
    t.deepEqual(got, Array.from({ length: sent }, (_, i) => i));
  };

  send(100);
  await untilCount(rx, 100);
  for (let i = 0; i < 10; i++) read(rx.getPacket()); // 0..9 from a lent batch of 100
  t.is(rx.getAvailablePacketCount(), 90, "the lent rest, counted natively once");
  for (const p of rx.getPackets(5)) read(p.data); // 10..14
  read(rx.getPacket()); // 15
  t.is(rx.getPacketPort(), tx.getLocalPort());
  send(50); // 100..149 arrive behind the lent rest
  await untilCount(rx, 134);
  t.is(rx.getAvailablePacketCount(), 134);
  read(rx.getPacket()); // 16, from the batch still held
  // A listener added mid-batch takes the rest of it, then what is queued; it leaves after 40.
  await withDeadline(
    new Promise<void>((resolve) => {
      const listener = (data: Buffer): void => {
        read(data);
        if (got.length === 57) {
          rx.off("packet", listener);
          resolve();
        }
      };
      rx.on("packet", listener);
    }),
    "40 events",
  );
  // for await continues where the listener stopped.
  let n = 0;
  for await (const p of rx) {
    read(p.data);
    if (++n === 20) break;
  }
  t.is(got.length, 77);
  t.is(rx.getAvailablePacketCount(), sent - got.length);
  for (let c = rx.getAvailablePacketCount(); c > 0; c = rx.getAvailablePacketCount()) read(rx.getPacket());
  t.is(rx.getPacket().length, 0);
  t.is(rx.getPacketError(), GodotError.ERR_UNAVAILABLE);
  expectAll();

  // A lent batch held across connectToHost: the connect empties the queue (Godot), so its rest
  // is never served; afterwards each getPacket drains natively.
  send(10);
  await untilCount(rx, 10);
  read(rx.getPacket());
  const dropped = sent - got.length;
  t.is(rx.connectToHost("127.0.0.1", tx.getLocalPort()), GodotError.OK);
  t.is(rx.getAvailablePacketCount(), 0);
  t.is(rx.getPacket().length, 0);
  t.is(rx.getPacketError(), GodotError.ERR_UNAVAILABLE);
  got.push(...Array.from({ length: dropped }, (_, i) => got.length + i));
  send(10);
  await untilCount(rx, 10);
  read(rx.getPacket());
  for (const p of rx.getPackets(3)) read(p.data);
  for (let i = 0; i < 6; i++) read(rx.getPacket());
  t.is(rx.getAvailablePacketCount(), 0);
  expectAll();

  // close() with a lent batch held: nothing of it is served; a re-bound peer lends again.
  t.is(rx.connectToHost("127.0.0.1", tx.getLocalPort()), GodotError.OK); // still connected: fine
  rx.close();
  t.is(rx.bind(0, "127.0.0.1"), GodotError.OK);
  tx.setDestAddress("127.0.0.1", rx.getLocalPort());
  send(30);
  await untilCount(rx, 30);
  read(rx.getPacket());
  const unread = sent - got.length;
  rx.close();
  t.is(rx.getAvailablePacketCount(), -1);
  t.is(rx.getPacket().length, 0);
  t.is(rx.getPacketError(), GodotError.FAILED);
  t.is(rx.getPacketPort(), tx.getLocalPort(), "close() keeps the last sender");
  got.push(...Array.from({ length: unread }, (_, i) => got.length + i));
  t.is(rx.bind(0, "127.0.0.1"), GodotError.OK);
  tx.setDestAddress("127.0.0.1", rx.getLocalPort());
  send(30);
  await untilCount(rx, 30);
  for (let i = 0; i < 10; i++) read(rx.getPacket());
  t.is(rx.getVar(), null, "getVar consumes the next lent packet (these bytes decode as null)");
  got.push(got.length);
  for (const p of rx.getPackets()) read(p.data);
  expectAll();
});

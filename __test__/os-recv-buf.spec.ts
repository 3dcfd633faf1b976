// The osRecvBufSize extension of bind/listen: SO_RCVBUF is set when asked (and only then), the
// OS reports it back through getOsRecvBufSize(), and traffic and counters are unchanged.
import test from "ava";
import dgram from "node:dgram";
import { readFileSync } from "node:fs";
import { GodotError } from "../src-ts/errors.js";
import { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { UDPServer } from "../src-ts/udp-server.js";
import { boundPeer, newPeer, payload, until, untilCount } from "./packet-peer-helpers.js";

const isLinux = process.platform === "linux";

/** SO_RCVBUF of a socket nobody configured, as node:dgram reads it. */
async function osDefault(): Promise<number> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const size = socket.getRecvBufferSize();
  socket.close();
  return size;
}

function rmemMax(): number {
  try {
    return Number(readFileSync("/proc/sys/net/core/rmem_max", "utf8").trim());
  } catch {
    return 0;
  }
}

test("without osRecvBufSize the socket keeps the OS default (Godot never sets SO_RCVBUF)", async (t) => {
  const { peer } = boundPeer(t);
  t.is(peer.getOsRecvBufSize(), await osDefault());
  peer.close();
  t.is(peer.getOsRecvBufSize(), 0, "no socket: 0");
});

test("bind(..., { osRecvBufSize }) sets SO_RCVBUF; datagrams and counters are as without it", async (t) => {
  const peer = newPeer(t);
  t.is(peer.bind(0, "127.0.0.1", 65536, { osRecvBufSize: 65536 }), GodotError.OK);
  const reported = peer.getOsRecvBufSize();
  t.true(reported >= 65536, `reported ${reported}`);
  if (isLinux) t.is(reported, 131072, "Linux reports twice the request");
  t.not(reported, await osDefault());
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", peer.getLocalPort());
  for (let i = 0; i < 50; i++) sender.putPacket(payload(i, 20));
  await untilCount(peer, 50);
  const packets = peer.getPackets();
  t.deepEqual(
    packets.map((p) => p.data.readUInt32BE(0)),
    Array.from({ length: 50 }, (_, i) => i),
  );
  t.true(packets.every((p) => p.data.equals(payload(p.data.readUInt32BE(0), 20))));
  t.deepEqual(peer.stats(), {
    packetsReceived: 50,
    bytesReceived: 1000,
    packetsSent: 0,
    bytesSent: 0,
    packetsDropped: 0,
    bytesDropped: 0,
    osDropped: 0,
  });
});

test("a larger OS buffer holds a burst nobody reads yet: every datagram arrives", async (t) => {
  const asked = Math.min(4 << 20, rmemMax());
  t.true(asked > 0, "net.core.rmem_max is readable");
  const peer = newPeer(t);
  t.is(peer.bind(0, "127.0.0.1", 1 << 20, { osRecvBufSize: asked }), GodotError.OK);
  const limit = peer.getOsRecvBufSize();
  // A small datagram costs the kernel about 1 KiB of buffer: 2 KiB each leaves a wide margin.
  const burst = Math.min(1000, Math.floor(limit / 2048));
  t.true(burst >= 100, `a burst of ${burst} fits ${limit} bytes`);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", peer.getLocalPort());
  for (let i = 0; i < burst; i++) t.is(sender.putPacket(payload(i, 32)), GodotError.OK);
  // Nothing was read while the burst went out: it all waited in the OS buffer.
  await untilCount(peer, burst);
  t.is(peer.getAvailablePacketCount(), burst);
  t.is(peer.droppedPackets, 0);
});

test("osRecvBufSize: out of range is ERR_INVALID_PARAMETER (socket not opened), a wrong type a TypeError", (t) => {
  const peer = newPeer(t);
  for (const bad of [0, -1, 2 ** 31]) {
    t.is(peer.bind(0, "127.0.0.1", 65536, { osRecvBufSize: bad }), GodotError.ERR_INVALID_PARAMETER, String(bad));
    t.false(peer.isBound());
  }
  t.throws(() => peer.bind(0, "127.0.0.1", 65536, { osRecvBufSize: 1.5 }), { instanceOf: TypeError });
  t.throws(() => peer.bind(0, "127.0.0.1", 65536, { osRecvBufSize: "big" as unknown as number }), {
    instanceOf: TypeError,
  });
  t.is(peer.bind(0, "127.0.0.1", 65536, { osRecvBufSize: 2 ** 31 - 1 }), GodotError.OK, "capped by the kernel");
  t.true(peer.getOsRecvBufSize() > 0);
});

test("UDPServer.listen(..., { osRecvBufSize }) sets it on the shared socket; taken peers report the server's", async (t) => {
  const server = new UDPServer();
  t.teardown(() => server.stop());
  t.is(server.getOsRecvBufSize(), 0);
  t.is(server.listen(0, "127.0.0.1", { osRecvBufSize: 0 }), GodotError.ERR_INVALID_PARAMETER);
  t.false(server.isListening());
  t.throws(() => server.listen(0, "127.0.0.1", { osRecvBufSize: 0.5 }), { instanceOf: TypeError });
  t.is(server.listen(0, "127.0.0.1", { osRecvBufSize: 65536 }), GodotError.OK);
  const reported = server.getOsRecvBufSize();
  t.true(reported >= 65536);
  if (isLinux) t.is(reported, 131072);
  const client = newPeer(t);
  client.connectToHost("127.0.0.1", server.getLocalPort());
  client.putPacket(Buffer.from("hello"));
  await until(() => {
    server.poll();
    return server.isConnectionAvailable();
  }, "a pending peer");
  const peer = server.takeConnection() as PacketPeerUDP;
  t.teardown(() => peer.close());
  t.is(peer.getOsRecvBufSize(), reported);
  t.is(peer.getPacket().toString(), "hello");
  t.is(server.stats().packetsReceived, 1);
  server.stop();
  t.is(server.getOsRecvBufSize(), 0);
  const plain = new UDPServer();
  t.teardown(() => plain.stop());
  t.is(plain.listen(0, "127.0.0.1"), GodotError.OK);
  t.is(plain.getOsRecvBufSize(), await osDefault());
});

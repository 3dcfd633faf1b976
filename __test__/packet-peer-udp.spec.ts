// PacketPeerUDP, Godot API: every method against real sockets on loopback (spec
// packet-peer-udp.md §4). Ports always come from bind(0): spec files run concurrently.
import test from "ava";
import dgram from "node:dgram";
import { once } from "node:events";
import { GodotError } from "../src-ts/errors.js";
import { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import {
  boundPeer,
  loopbackInterfaceName,
  newPeer,
  payload,
  until,
  untilCount,
} from "./packet-peer-helpers.js";
import { QEMU_NO_MULTICAST_IF, unlessQemu, unlessWindows, unlessWine } from "./emulation.js";

const V6 = "0:0:0:0:0:0:0:1";

// ---------------------------------------------------------------------------------------------
// bind / getLocalPort / isBound

test("bind(0) picks a free port; isBound and getLocalPort follow it; a second bind is ERR_ALREADY_IN_USE", (t) => {
  const peer = newPeer(t);
  t.false(peer.isBound());
  t.is(peer.getLocalPort(), 0);
  t.is(peer.bind(0, "127.0.0.1"), GodotError.OK);
  t.true(peer.isBound());
  t.false(peer.isSocketConnected());
  const port = peer.getLocalPort();
  t.true(port > 0 && port <= 65535);
  t.is(peer.bind(0, "127.0.0.1"), GodotError.ERR_ALREADY_IN_USE);
  t.is(peer.getLocalPort(), port);
});

test("bind defaults: '*' and recvBufSize 65536 (127 datagrams of 1000 bytes fit)", async (t) => {
  const peer = newPeer(t);
  t.is(peer.bind(0), GodotError.OK);
  const port = peer.getLocalPort();
  const { peer: sender } = boundPeer(t);
  t.is(sender.setDestAddress("127.0.0.1", port), GodotError.OK);
  for (let i = 0; i < 130; i++) {
    t.is(sender.putPacket(payload(i, 1000)), GodotError.OK);
    if (i % 10 === 9) peer.getAvailablePacketCount();
  }
  await until(() => peer.getAvailablePacketCount() + peer.droppedPackets >= 130, "130 datagrams accounted");
  t.is(peer.getAvailablePacketCount(), 127);
  t.is(peer.droppedPackets, 3);
});

test("bind: out-of-range ports and malformed addresses give ERR_INVALID_PARAMETER and leave the peer unbound", (t) => {
  const peer = newPeer(t);
  for (const port of [-1, 65536, 70000]) {
    t.is(peer.bind(port, "127.0.0.1"), GodotError.ERR_INVALID_PARAMETER, `port ${port}`);
  }
  for (const address of ["localhost", "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "a.b.c.d", "127.0.0.1.", " 127.0.0.1", "[::1]", "::1%lo"]) {
    t.is(peer.bind(0, address), GodotError.ERR_INVALID_PARAMETER, `address ${JSON.stringify(address)}`);
  }
  t.false(peer.isBound());
  t.is(peer.getAvailablePacketCount(), -1);
});

test("bind accepts Godot's IPv4 leading zeros ('0127.0.0.1', '127.000.000.001'); 16 characters are too many", async (t) => {
  t.is(newPeer(t).bind(0, "0127.0.0.1"), GodotError.OK);
  t.is(newPeer(t).bind(0, "0127.000.000.001"), GodotError.ERR_INVALID_PARAMETER);
  const { peer, port } = boundPeer(t, "127.000.000.001");
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  t.is(sender.putPacket(Buffer.from("zeros")), GodotError.OK);
  await untilCount(peer, 1);
  t.is(peer.getPacket().toString(), "zeros");
});

unlessWine(
  "wine binds to any address, local or not (Windows refuses with WSAEADDRNOTAVAIL)",
  test,
)("bind to an address no interface has gives ERR_UNAVAILABLE and stays unbound", (t) => {
  const peer = newPeer(t);
  // TEST-NET-3: never local; bind fails locally, nothing is sent.
  t.is(peer.bind(0, "203.0.113.7"), GodotError.ERR_UNAVAILABLE);
  t.false(peer.isBound());
});

test("port in use: ERR_UNAVAILABLE for 127.0.0.1, 0.0.0.0 and '*'; the other family's ::1 binds", (t) => {
  const { port } = boundPeer(t, "127.0.0.1");
  for (const address of ["127.0.0.1", "0.0.0.0", "*"]) {
    const other = newPeer(t);
    t.is(other.bind(port, address), GodotError.ERR_UNAVAILABLE, address);
    t.false(other.isBound());
  }
  const v6 = newPeer(t);
  t.is(v6.bind(port, "::1"), GodotError.OK);
});

unlessWindows(
  "there is no SO_REUSEPORT: reusePort is refused (ERR_CANT_CREATE)",
  test,
)("bind options: reusePort lets two sockets share a port; without it the second is ERR_UNAVAILABLE", (t) => {
  const a = newPeer(t);
  t.is(a.bind(0, "127.0.0.1", 65536, { reusePort: true }), GodotError.OK);
  const port = a.getLocalPort();
  const b = newPeer(t);
  t.is(b.bind(port, "127.0.0.1", 65536, { reusePort: true }), GodotError.OK);
  const c = newPeer(t);
  t.is(c.bind(port, "127.0.0.1"), GodotError.ERR_UNAVAILABLE);
  t.is(c.bind(port, "127.0.0.1", 65536, {}), GodotError.ERR_UNAVAILABLE);
});

unlessWine(
  "wine binds a socket bound to an interface's address to 0.0.0.0 on that interface, so 127.0.0.2 cannot take the same port (WSAEADDRINUSE; Windows allows it)",
  test,
)("a bind to one address receives only datagrams to that address (127.0.0.1 vs 127.0.0.2)", async (t) => {
  // Linux puts all of 127.0.0.0/8 on lo; elsewhere 127.0.0.2 may not be local.
  const probe = newPeer(t);
  const probed = probe.bind(0, "127.0.0.2");
  probe.close();
  if (probed !== GodotError.OK) {
    t.log(`skipped: 127.0.0.2 is not a local address here (bind returned ${GodotError[probed]})`);
    t.pass();
    return;
  }
  const { peer: a, port } = boundPeer(t, "127.0.0.1");
  const { peer: sender, port: senderPort } = boundPeer(t, "127.0.0.3");

  // Nothing listens on 127.0.0.2:port yet; a bind that ignored its address would get the first.
  t.is(sender.setDestAddress("127.0.0.2", port), GodotError.OK);
  t.is(sender.putPacket(Buffer.from("to 127.0.0.2")), GodotError.OK);
  t.is(sender.setDestAddress("127.0.0.1", port), GodotError.OK);
  t.is(sender.putPacket(Buffer.from("to 127.0.0.1")), GodotError.OK);
  await untilCount(a, 1, "the datagram to 127.0.0.1");
  t.is(a.getPacket().toString(), "to 127.0.0.1");
  // A marker sent after both: once it is in, anything queued before it would be too.
  t.is(sender.putPacket(Buffer.from("marker 1")), GodotError.OK);
  await untilCount(a, 1, "marker 1");
  t.is(a.getPacket().toString(), "marker 1");
  t.is(a.getAvailablePacketCount(), 0);

  // A second peer on the same port, bound to 127.0.0.2: it gets what is sent there, A does not.
  const b = newPeer(t);
  t.is(b.bind(port, "127.0.0.2"), GodotError.OK);
  t.is(sender.setDestAddress("127.0.0.2", port), GodotError.OK);
  t.is(sender.putPacket(Buffer.from("to b")), GodotError.OK);
  await untilCount(b, 1, "the datagram to 127.0.0.2");
  t.is(b.getPacket().toString(), "to b");
  t.is(b.getPacketIp(), "127.0.0.3", "the sender's address");
  t.is(b.getPacketPort(), senderPort);
  t.is(sender.setDestAddress("127.0.0.1", port), GodotError.OK);
  t.is(sender.putPacket(Buffer.from("marker 2")), GodotError.OK);
  await untilCount(a, 1, "marker 2");
  t.is(a.getPacket().toString(), "marker 2");
  t.is(a.getPacketIp(), "127.0.0.3");
  t.is(a.getAvailablePacketCount(), 0);
  t.is(b.getAvailablePacketCount(), 0);
  for (const peer of [a, b, sender]) peer.close();
  t.false(a.isBound() || b.isBound() || sender.isBound());
});

// ---------------------------------------------------------------------------------------------
// Address families

test("'*' is dual-stack: receives from 127.0.0.1 and ::1, reported as '127.0.0.1' and '0:0:0:0:0:0:0:1'", async (t) => {
  const { peer, port } = boundPeer(t, "*");
  const { peer: s4, port: p4 } = boundPeer(t, "127.0.0.1");
  const { peer: s6, port: p6 } = boundPeer(t, "::1");
  s4.setDestAddress("127.0.0.1", port);
  s6.setDestAddress("::1", port);
  t.is(s4.putPacket(Buffer.from("four")), GodotError.OK);
  await untilCount(peer, 1, "the IPv4 datagram");
  t.is(s6.putPacket(Buffer.from("six")), GodotError.OK);
  await untilCount(peer, 2, "the IPv6 datagram");
  t.is(peer.getPacket().toString(), "four");
  t.is(peer.getPacketIp(), "127.0.0.1");
  t.is(peer.getPacketPort(), p4);
  t.is(peer.getPacket().toString(), "six");
  t.is(peer.getPacketIp(), V6);
  t.is(peer.getPacketPort(), p6);
});

test("a '*'-bound peer sends to '::ffff:127.0.0.1' and the receiver sees '127.0.0.1'", async (t) => {
  const { peer: receiver, port } = boundPeer(t, "127.0.0.1");
  const { peer: sender, port: senderPort } = boundPeer(t, "*");
  t.is(sender.setDestAddress("::ffff:127.0.0.1", port), GodotError.OK);
  t.is(sender.putPacket(Buffer.from("mapped")), GodotError.OK);
  await untilCount(receiver, 1);
  t.is(receiver.getPacket().toString(), "mapped");
  t.is(receiver.getPacketIp(), "127.0.0.1");
  t.is(receiver.getPacketPort(), senderPort);
});

test("'0.0.0.0' is IPv4 only: a datagram from ::1 to its port is not received", async (t) => {
  // Hold the port in IPv6 space while binding the IPv4 socket, then release it: the ::1
  // datagram then reaches no socket at all (not another test's).
  const guard = newPeer(t);
  t.is(guard.bind(0, "::"), GodotError.OK);
  const port = guard.getLocalPort();
  const peer = newPeer(t);
  t.is(peer.bind(port, "0.0.0.0"), GodotError.OK);
  guard.close();
  const { peer: s6 } = boundPeer(t, "::1");
  const { peer: s4 } = boundPeer(t, "127.0.0.1");
  s6.setDestAddress("::1", port);
  s4.setDestAddress("127.0.0.1", port);
  t.is(s6.putPacket(Buffer.from("six")), GodotError.OK);
  // Loopback delivers in order of sending: once the later IPv4 datagram is in, the IPv6 one
  // would be too.
  t.is(s4.putPacket(Buffer.from("four")), GodotError.OK);
  await untilCount(peer, 1);
  t.is(peer.getAvailablePacketCount(), 1);
  t.is(peer.getPacket().toString(), "four");
  t.is(peer.getPacketIp(), "127.0.0.1");
});

test("'::' is IPv6 only: a datagram from 127.0.0.1 to its port is not received", async (t) => {
  const guard = newPeer(t);
  t.is(guard.bind(0, "0.0.0.0"), GodotError.OK);
  const port = guard.getLocalPort();
  const peer = newPeer(t);
  t.is(peer.bind(port, "::"), GodotError.OK);
  guard.close();
  const { peer: s6 } = boundPeer(t, "::1");
  const { peer: s4 } = boundPeer(t, "127.0.0.1");
  s4.setDestAddress("127.0.0.1", port);
  s6.setDestAddress("::1", port);
  t.is(s4.putPacket(Buffer.from("four")), GodotError.OK);
  t.is(s6.putPacket(Buffer.from("six")), GodotError.OK);
  await untilCount(peer, 1);
  t.is(peer.getAvailablePacketCount(), 1);
  t.is(peer.getPacket().toString(), "six");
  t.is(peer.getPacketIp(), V6);
});

test("family mismatch: an IPv4 socket sending to ::1 and an IPv6 one sending to 127.0.0.1 get FAILED", (t) => {
  const { peer: v4 } = boundPeer(t, "127.0.0.1");
  const { peer: v6, port: p6 } = boundPeer(t, "::1");
  t.is(v4.setDestAddress("::1", p6), GodotError.OK);
  t.is(v4.putPacket(Buffer.from("x")), GodotError.FAILED);
  t.is(v6.setDestAddress("127.0.0.1", v4.getLocalPort()), GodotError.OK);
  t.is(v6.putPacket(Buffer.from("x")), GodotError.FAILED);
});

// ---------------------------------------------------------------------------------------------
// getPacket / getAvailablePacketCount / getPacketError / getPacketIp / getPacketPort

test("unbound peer: count -1, getPacket empty with FAILED, packet ip '' and port 0", (t) => {
  const peer = newPeer(t);
  t.is(peer.getPacketIp(), "");
  t.is(peer.getPacketPort(), 0);
  t.is(peer.getPacketError(), GodotError.OK);
  t.is(peer.getAvailablePacketCount(), -1);
  const data = peer.getPacket();
  t.true(Buffer.isBuffer(data));
  t.is(data.length, 0);
  t.is(peer.getPacketError(), GodotError.FAILED);
});

test("bound empty peer: count 0, getPacket ERR_UNAVAILABLE; a packet then gives OK", async (t) => {
  const { peer, port } = boundPeer(t);
  t.is(peer.getAvailablePacketCount(), 0);
  t.is(peer.getPacket().length, 0);
  t.is(peer.getPacketError(), GodotError.ERR_UNAVAILABLE);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(Buffer.from([1, 2, 3]));
  await untilCount(peer, 1);
  t.deepEqual([...peer.getPacket()], [1, 2, 3]);
  t.is(peer.getPacketError(), GodotError.OK);
  t.is(peer.getAvailablePacketCount(), 0);
});

test("getPacketIp/getPacketPort follow each packet taken, in FIFO order across senders", async (t) => {
  const { peer, port } = boundPeer(t);
  const senders = [boundPeer(t), boundPeer(t), boundPeer(t)];
  for (const s of senders) s.peer.setDestAddress("127.0.0.1", port);
  const order = [0, 2, 1, 0, 1, 2, 2];
  order.forEach((which, seq) => senders[which]!.peer.putPacket(payload(seq, 8)));
  await untilCount(peer, order.length);
  order.forEach((which, seq) => {
    const data = peer.getPacket();
    t.is(data.readUInt32BE(0), seq);
    t.is(peer.getPacketIp(), "127.0.0.1");
    t.is(peer.getPacketPort(), senders[which]!.port);
  });
});

test("a zero-length datagram (from node:dgram) is a packet: empty data with OK and its sender", async (t) => {
  const { peer, port } = boundPeer(t);
  const socket = dgram.createSocket("udp4");
  t.teardown(() => socket.close());
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  socket.send(Buffer.alloc(0), port, "127.0.0.1");
  await untilCount(peer, 1);
  const data = peer.getPacket();
  t.is(data.length, 0);
  t.is(peer.getPacketError(), GodotError.OK);
  t.is(peer.getPacketIp(), "127.0.0.1");
  t.is(peer.getPacketPort(), socket.address().port);
});

test("the returned Buffer is the caller's: later packets do not change it", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(Buffer.from("first"));
  await untilCount(peer, 1);
  const first = peer.getPacket();
  sender.putPacket(Buffer.from("other"));
  await untilCount(peer, 1);
  peer.getPacket();
  t.is(first.toString(), "first");
});

// ---------------------------------------------------------------------------------------------
// putPacket / putPackets / setDestAddress

test("putPacket without a destination: ERR_UNCONFIGURED; an empty packet: OK, nothing sent, socket not opened", (t) => {
  const peer = newPeer(t);
  t.is(peer.putPacket(Buffer.from([1])), GodotError.ERR_UNCONFIGURED);
  t.is(peer.putPacket(new Uint8Array(0)), GodotError.OK);
  t.false(peer.isBound());
});

test("putPacket opens an ephemeral socket that also receives; bind afterwards is ERR_ALREADY_IN_USE (Q2)", async (t) => {
  const { peer: receiver, port } = boundPeer(t);
  const peer = newPeer(t);
  t.is(peer.setDestAddress("127.0.0.1", port), GodotError.OK);
  t.false(peer.isBound(), "setDestAddress does not open the socket");
  t.is(peer.putPacket(Buffer.from("hi")), GodotError.OK);
  t.true(peer.isBound());
  const local = peer.getLocalPort();
  t.true(local > 0);
  await untilCount(receiver, 1);
  receiver.getPacket();
  t.is(receiver.getPacketPort(), local);
  t.is(peer.bind(0), GodotError.ERR_ALREADY_IN_USE);
  receiver.setDestAddress("127.0.0.1", local);
  receiver.putPacket(Buffer.from("back"));
  await untilCount(peer, 1);
  t.is(peer.getPacket().toString(), "back");
});

test("putPacket before any bind to ::1 opens an IPv6-only ephemeral socket: seen as ::1, and 127.0.0.1 is then FAILED", async (t) => {
  const { peer: receiver, port } = boundPeer(t, "*");
  const peer = newPeer(t);
  t.is(peer.setDestAddress("::1", port), GodotError.OK);
  t.is(peer.putPacket(Buffer.from("six")), GodotError.OK);
  t.true(peer.isBound());
  await untilCount(receiver, 1);
  t.is(receiver.getPacket().toString(), "six");
  t.is(receiver.getPacketIp(), V6);
  t.is(receiver.getPacketPort(), peer.getLocalPort());
  // Never dual-stack (spec 4.4): the other family is refused.
  t.is(peer.setDestAddress("127.0.0.1", port), GodotError.OK);
  t.is(peer.putPacket(Buffer.from("four")), GodotError.FAILED);
});

test("an empty empty packet is not sent (Q1): the next real one is the first to arrive", async (t) => {
  const { peer: receiver, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  t.is(sender.putPacket(Buffer.alloc(0)), GodotError.OK);
  t.is(sender.putPacket(Buffer.from("real")), GodotError.OK);
  await untilCount(receiver, 1);
  t.is(receiver.getAvailablePacketCount(), 1);
  t.is(receiver.getPacket().toString(), "real");
});

test("putPacket accepts any Uint8Array view (offset and length honoured)", async (t) => {
  const { peer: receiver, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
  t.is(sender.putPacket(backing.subarray(2, 5)), GodotError.OK);
  await untilCount(receiver, 1);
  t.deepEqual([...receiver.getPacket()], [1, 2, 3]);
});

test("sizes: 65507 bytes to 127.0.0.1 arrive whole, 65508 are FAILED", async (t) => {
  const { peer: receiver, port } = boundPeer(t, "127.0.0.1");
  const { peer: sender } = boundPeer(t, "127.0.0.1");
  sender.setDestAddress("127.0.0.1", port);
  const big = payload(7, 65507);
  t.is(sender.putPacket(big), GodotError.OK);
  t.is(sender.putPacket(payload(8, 65508)), GodotError.FAILED);
  t.is(sender.putPacket(Buffer.from("marker")), GodotError.OK);
  await untilCount(receiver, 2);
  t.is(receiver.getAvailablePacketCount(), 2);
  t.true(receiver.getPacket().equals(big));
  t.is(receiver.getPacket().toString(), "marker");
});

test("sizes: 65527 bytes to ::1 arrive whole, 65528 are FAILED", async (t) => {
  const { peer: receiver, port } = boundPeer(t, "::1");
  const { peer: sender } = boundPeer(t, "::1");
  sender.setDestAddress("::1", port);
  const big = payload(7, 65527);
  t.is(sender.putPacket(big), GodotError.OK);
  t.is(sender.putPacket(payload(8, 65528)), GodotError.FAILED);
  t.is(sender.putPacket(Buffer.from("marker")), GodotError.OK);
  await untilCount(receiver, 2);
  t.is(receiver.getAvailablePacketCount(), 2);
  t.true(receiver.getPacket().equals(big));
  t.is(receiver.getPacket().toString(), "marker");
});

test("putPackets sends each buffer as its own datagram, in order", async (t) => {
  const { peer: receiver, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  t.is(sender.putPackets([Buffer.from("x")]), GodotError.ERR_UNCONFIGURED);
  sender.setDestAddress("127.0.0.1", port);
  const list = Array.from({ length: 50 }, (_, i) => payload(i, 20 + i));
  t.is(sender.putPackets(list), GodotError.OK);
  t.is(sender.putPackets([]), GodotError.OK);
  await untilCount(receiver, 50);
  for (let i = 0; i < 50; i++) t.true(receiver.getPacket().equals(list[i]!), `packet ${i}`);
  t.is(sender.stats().packetsSent, 50);
});

test("fixed (beside Q12): setDestAddress ports outside 0..65535 are ERR_INVALID_PARAMETER, not wrapped; nothing is sent", async (t) => {
  const { peer: receiver, port } = boundPeer(t);
  const sender = newPeer(t);
  // Godot truncates the port to 16 bits when sending: each of these would reach `port` (or 4464,
  // 65535, 0) there.
  const outside = [70000, -1, 65536, 4294971760, port + 65536, port - 65536, port + 2 ** 32];
  for (const bad of outside) {
    t.is(sender.setDestAddress("127.0.0.1", bad), GodotError.ERR_INVALID_PARAMETER, `port ${bad}`);
    t.is(sender.setDestAddress("localhost", bad), GodotError.ERR_INVALID_PARAMETER, `port ${bad}, a name`);
    t.is(await sender.setDestAddressAsync("localhost", bad), GodotError.ERR_INVALID_PARAMETER, `async, port ${bad}`);
  }
  t.is(sender.putPacket(Buffer.from("wrapped")), GodotError.ERR_UNCONFIGURED, "no destination was set");
  t.false(sender.isBound(), "nothing opened a socket");
  // A valid destination stays as it was after a refused call.
  t.is(sender.setDestAddress("127.0.0.1", port), GodotError.OK);
  t.is(sender.setDestAddress("127.0.0.1", port + 65536), GodotError.ERR_INVALID_PARAMETER);
  t.is(await sender.setDestAddressAsync("127.0.0.1", -1), GodotError.ERR_INVALID_PARAMETER);
  t.is(sender.putPacket(Buffer.from("marker")), GodotError.OK);
  await untilCount(receiver, 1);
  t.is(receiver.getPacket().toString(), "marker", "the first datagram to arrive is the marker");
  t.is(receiver.getAvailablePacketCount(), 0);
  // The edges are fine.
  t.is(sender.setDestAddress("127.0.0.1", 0), GodotError.OK);
  t.is(sender.setDestAddress("127.0.0.1", 65535), GodotError.OK);
});

test("setDestAddress resolves names ('localhost' from the hosts file); unresolvable -> ERR_CANT_RESOLVE", async (t) => {
  const { peer: receiver, port } = boundPeer(t, "*");
  const sender = newPeer(t);
  t.is(sender.setDestAddress("localhost", port), GodotError.OK);
  t.is(sender.putPacket(Buffer.from("by name")), GodotError.OK);
  await untilCount(receiver, 1);
  t.is(receiver.getPacket().toString(), "by name");
  // Neither is sent to a DNS server: glibc refuses "" and empty labels before any query.
  t.is(newPeer(t).setDestAddress("", port), GodotError.ERR_CANT_RESOLVE);
  t.is(newPeer(t).setDestAddress("bad..name", port), GodotError.ERR_CANT_RESOLVE);
});

test("setDestAddressAsync: literals and names reach the destination; unresolvable -> ERR_CANT_RESOLVE", async (t) => {
  const { peer: receiver, port } = boundPeer(t, "*");
  const a = newPeer(t);
  t.is(await a.setDestAddressAsync("::1", port), GodotError.OK);
  t.is(a.putPacket(Buffer.from("literal")), GodotError.OK);
  const b = newPeer(t);
  t.is(await b.setDestAddressAsync("localhost", port), GodotError.OK);
  t.is(b.putPacket(Buffer.from("name")), GodotError.OK);
  await untilCount(receiver, 2);
  t.deepEqual([receiver.getPacket().toString(), receiver.getPacket().toString()], ["literal", "name"]);
  t.is(await newPeer(t).setDestAddressAsync("", port), GodotError.ERR_CANT_RESOLVE);
  t.is(await newPeer(t).setDestAddressAsync("bad..name", port), GodotError.ERR_CANT_RESOLVE);
});

test("setDestAddressAsync: a name is looked up after the call returns; a literal is set at once, without a lookup", async (t) => {
  const { peer: receiver, port } = boundPeer(t, "*");
  const sender = newPeer(t);
  const byName = sender.setDestAddressAsync("localhost", port);
  // Nothing resolved on the JS thread during the call: no destination yet.
  t.is(sender.putPacket(Buffer.from("early")), GodotError.ERR_UNCONFIGURED);
  t.false(sender.isBound());
  t.is(await byName, GodotError.OK);
  const literal = sender.setDestAddressAsync("127.0.0.1", port);
  t.is(sender.putPacket(Buffer.from("literal")), GodotError.OK, "the literal was set before the promise settled");
  t.is(await literal, GodotError.OK);
  await untilCount(receiver, 1);
  t.is(receiver.getPacket().toString(), "literal");
  t.is(receiver.getPacketIp(), "127.0.0.1");
});

test("setDestAddressAsync: the last call wins; a lookup finishing later never overrides a newer destination", async (t) => {
  const { peer: receiver, port } = boundPeer(t, "*");
  const { peer: stale, port: stalePort } = boundPeer(t, "*");
  const sender = newPeer(t);
  // A name lookup, then a literal (async), before the lookup finished.
  const byName = sender.setDestAddressAsync("localhost", stalePort);
  const literal = sender.setDestAddressAsync("127.0.0.1", port);
  t.deepEqual(await Promise.all([byName, literal]), [GodotError.OK, GodotError.OK]);
  t.is(sender.putPacket(Buffer.from("async literal")), GodotError.OK);
  // A name lookup, then a synchronous setDestAddress, before the lookup finished.
  const byName2 = sender.setDestAddressAsync("localhost", stalePort);
  t.is(sender.setDestAddress("127.0.0.1", port), GodotError.OK);
  t.is(await byName2, GodotError.OK);
  t.is(sender.putPacket(Buffer.from("sync literal")), GodotError.OK);
  // A name lookup, then connectToHost: the connect's destination stays after close().
  const byName3 = sender.setDestAddressAsync("localhost", stalePort);
  t.is(sender.connectToHost("127.0.0.1", port), GodotError.OK);
  t.is(await byName3, GodotError.OK);
  sender.close();
  t.is(sender.putPacket(Buffer.from("after connect")), GodotError.OK);
  await untilCount(receiver, 3);
  t.deepEqual(
    [receiver.getPacket(), receiver.getPacket(), receiver.getPacket()].map(String),
    ["async literal", "sync literal", "after connect"],
  );
  // The superseded destination got nothing: a marker sent there last is its only datagram.
  t.is(sender.setDestAddress("127.0.0.1", stalePort), GodotError.OK);
  t.is(sender.putPacket(Buffer.from("marker")), GodotError.OK);
  await untilCount(stale, 1);
  t.is(stale.getAvailablePacketCount(), 1);
  t.is(stale.getPacket().toString(), "marker");
  // A superseded lookup that fails still reports it.
  const failing = sender.setDestAddressAsync("bad..name", stalePort);
  sender.setDestAddress("127.0.0.1", port);
  t.is(await failing, GodotError.ERR_CANT_RESOLVE);
});

// ---------------------------------------------------------------------------------------------
// Broadcast (127.255.255.255 only: it never leaves the machine)

test("broadcast: refused (FAILED) without setBroadcastEnabled, delivered over lo with it", async (t) => {
  const guard = newPeer(t);
  t.is(guard.bind(0, "0.0.0.0"), GodotError.OK);
  const port = guard.getLocalPort();
  const sender = newPeer(t);
  t.is(sender.setDestAddress("127.255.255.255", port), GodotError.OK);
  t.is(sender.putPacket(Buffer.from("nope")), GodotError.FAILED);
  t.true(sender.isBound(), "the failed send opened the socket (Godot)");
  sender.setBroadcastEnabled(true);
  const code = sender.putPacket(Buffer.from("broadcast"));
  if (code !== GodotError.OK) {
    t.log(`the kernel refused a broadcast to 127.255.255.255 even with SO_BROADCAST (${GodotError[code]}); no broadcast route on lo`);
    t.pass();
    return;
  }
  await untilCount(guard, 1);
  t.is(guard.getPacket().toString(), "broadcast");
  t.is(guard.getPacketIp(), "127.0.0.1");
  sender.setBroadcastEnabled(false);
  t.is(sender.putPacket(Buffer.from("off again")), GodotError.FAILED);
});

// ---------------------------------------------------------------------------------------------
// Multicast (loopback interface only; sends use TTL 0 and lo as outgoing interface)

test("multicast IPv4 join/leave codes on the loopback interface", (t) => {
  const lo = loopbackInterfaceName();
  if (lo === null) {
    t.log("skipped: os.networkInterfaces() lists no internal interface");
    t.pass();
    return;
  }
  const { peer } = boundPeer(t, "0.0.0.0");
  const first = peer.joinMulticastGroup("239.255.42.42", lo);
  if (first !== GodotError.OK) {
    t.log(`skipped: the kernel refused IP_ADD_MEMBERSHIP on ${lo} (${GodotError[first]})`);
    t.pass();
    return;
  }
  t.is(peer.joinMulticastGroup("239.255.42.42", lo), GodotError.FAILED, "already joined");
  t.is(peer.joinMulticastGroup("239.255.42.43", "no-such-if0"), GodotError.ERR_INVALID_PARAMETER);
  t.is(peer.joinMulticastGroup("ff15::4242", lo), GodotError.ERR_INVALID_PARAMETER, "IPv6 group, IPv4 socket");
  t.is(peer.joinMulticastGroup("*", lo), GodotError.ERR_INVALID_PARAMETER);
  t.is(peer.joinMulticastGroup("localhost", lo), GodotError.ERR_INVALID_PARAMETER);
  t.is(peer.leaveMulticastGroup("239.255.42.42", lo), GodotError.OK);
  t.is(peer.leaveMulticastGroup("239.255.42.42", lo), GodotError.FAILED, "not joined any more");
  // Dual-stack socket: IPv4 groups work too.
  const { peer: dual } = boundPeer(t, "*");
  t.is(dual.joinMulticastGroup("239.255.42.44", lo), GodotError.OK);
  t.is(dual.leaveMulticastGroup("239.255.42.44", lo), GodotError.OK);
});

test("multicast IPv6 join/leave on an IPv6-only socket; an IPv4 group there is ERR_INVALID_PARAMETER", (t) => {
  const lo = loopbackInterfaceName();
  if (lo === null) {
    t.log("skipped: os.networkInterfaces() lists no internal interface");
    t.pass();
    return;
  }
  const { peer } = boundPeer(t, "::");
  t.is(peer.joinMulticastGroup("239.255.42.42", lo), GodotError.ERR_INVALID_PARAMETER);
  const join = peer.joinMulticastGroup("ff15::4242", lo);
  if (join !== GodotError.OK) {
    t.log(`skipped: the kernel refused IPV6_JOIN_GROUP on ${lo} (${GodotError[join]})`);
    t.pass();
    return;
  }
  t.is(peer.leaveMulticastGroup("ff15::4242", lo), GodotError.OK);
});

test("multicast join on an unbound peer opens an unbound socket; bind then fails (Q16); leave unbound -> ERR_UNCONFIGURED", (t) => {
  const lo = loopbackInterfaceName();
  const leaver = newPeer(t);
  t.is(leaver.leaveMulticastGroup("239.1.1.1", lo ?? "lo"), GodotError.ERR_UNCONFIGURED);
  if (lo === null) {
    t.log("skipped the join half: no internal interface");
    return;
  }
  const peer = newPeer(t);
  const join = peer.joinMulticastGroup("239.255.42.45", lo);
  if (join !== GodotError.OK) {
    t.log(`skipped the join half: the kernel refused it (${GodotError[join]})`);
    return;
  }
  t.true(peer.isBound());
  t.is(peer.bind(0), GodotError.ERR_ALREADY_IN_USE);
});

unlessQemu(QEMU_NO_MULTICAST_IF, test)("multicast extensions: interface, loopback and TTL; a group datagram is delivered over lo", async (t) => {
  const lo = loopbackInterfaceName();
  if (lo === null) {
    t.log("skipped: os.networkInterfaces() lists no internal interface");
    t.pass();
    return;
  }
  const group = "239.255.42.46";
  const { peer: receiver, port } = boundPeer(t, "0.0.0.0");
  const joined = receiver.joinMulticastGroup(group, lo);
  if (joined !== GodotError.OK) {
    t.log(`skipped: the kernel refused IP_ADD_MEMBERSHIP on ${lo} (${GodotError[joined]})`);
    t.pass();
    return;
  }
  const { peer: sender } = boundPeer(t, "0.0.0.0");
  // Outgoing interface lo and TTL 0: the datagram is only looped back, never sent out.
  t.is(sender.setMulticastInterface(lo), GodotError.OK);
  t.is(sender.setMulticastTtl(0), GodotError.OK);
  t.is(sender.setMulticastLoopback(true), GodotError.OK);
  t.is(sender.setMulticastInterface("no-such-if0"), GodotError.ERR_INVALID_PARAMETER);
  t.is(sender.setDestAddress(group, port), GodotError.OK);
  t.is(sender.putPacket(Buffer.from("to the group")), GodotError.OK);
  // Unicast marker after it: once the marker is in, the group datagram would be too.
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(Buffer.from("marker"));
  await untilCount(receiver, 1);
  const first = receiver.getPacket().toString();
  if (first === "marker") {
    t.log("the kernel did not loop the group datagram back over lo; multicast delivery unchecked");
    t.pass();
    return;
  }
  t.is(first, "to the group");
  t.is(receiver.getPacketIp(), "127.0.0.1");
  t.is(receiver.getPacket().toString(), "marker");
  // Loopback off is accepted; its effect cannot be seen here: a datagram whose outgoing interface
  // is lo is delivered by lo itself, whatever IP_MULTICAST_LOOP says (Linux).
  t.is(sender.setMulticastLoopback(false), GodotError.OK);
});

// ---------------------------------------------------------------------------------------------
// setBroadcastEnabled / argument types

test("wrong argument types throw TypeError with a clear message", (t) => {
  const peer = newPeer(t);
  const bad = peer as unknown as Record<string, (...args: unknown[]) => unknown>;
  const cases: Array<[string, unknown[], RegExp]> = [
    ["bind", ["4242"], /port must be an integer, got the string "4242"/],
    ["bind", [1.5], /port must be an integer, got the number 1.5/],
    ["bind", [NaN], /port must be an integer, got NaN/],
    ["bind", [0, 127], /bindAddress must be a string/],
    ["bind", [0, "*", "big"], /recvBufSize must be an integer/],
    ["bind", [0, "*", 65536, { reusePort: 1 }], /options.reusePort must be a boolean/],
    ["bind", [0, "*", 65536, "yes"], /options must be an object/],
    ["connectToHost", [127001, 80], /host must be a string/],
    ["connectToHost", ["127.0.0.1", "80"], /port must be an integer/],
    ["setDestAddress", ["127.0.0.1", null], /port must be an integer, got null/],
    ["setDestAddressAsync", [1, 80], /host must be a string/],
    ["putPacket", [42], /data must be a Uint8Array or Buffer, got the number 42/],
    ["putPacket", ["text"], /data must be a Uint8Array or Buffer/],
    ["putPacket", [[1, 2]], /data must be a Uint8Array or Buffer, got an array/],
    ["putPacket", [new ArrayBuffer(2)], /data must be a Uint8Array or Buffer, got an instance of ArrayBuffer/],
    ["putPackets", [Buffer.from("x")], /packets must be an array/],
    ["putPackets", [[Buffer.from("x"), 3]], /packets\[1\] must be a Uint8Array/],
    ["setBroadcastEnabled", [1], /enabled must be a boolean, got the number 1/],
    ["setBroadcastEnabled", ["true"], /enabled must be a boolean/],
    ["joinMulticastGroup", ["239.1.1.1"], /interfaceName must be a string/],
    ["leaveMulticastGroup", [239, "lo"], /multicastAddress must be a string/],
    ["setMulticastInterface", [1], /interfaceName must be a string/],
    ["setMulticastLoopback", ["no"], /enabled must be a boolean/],
    ["setMulticastTtl", [1.5], /ttl must be an integer/],
    ["waitSync", ["1"], /timeoutMs must be a number/],
    ["putVar", [1, "yes"], /fullObjects must be a boolean/],
    ["getVar", ["yes"], /allowObjects must be a boolean/],
  ];
  for (const [method, args, message] of cases) {
    t.throws(() => bad[method]!.apply(peer, args), { instanceOf: TypeError, message }, `${method}(${args.map(String).join(", ")})`);
  }
  t.throws(() => {
    peer.encodeBufferMaxSize = "4096" as unknown as number;
  }, { instanceOf: TypeError });
  t.false(peer.isBound(), "nothing reached the socket");
});

test("out-of-range integers reach the native side and return Godot's code", (t) => {
  const peer = newPeer(t);
  t.is(peer.bind(2 ** 40, "127.0.0.1"), GodotError.ERR_INVALID_PARAMETER);
  t.is(peer.bind(0, "127.0.0.1", -1), GodotError.ERR_INVALID_PARAMETER, "negative recvBufSize (spec §4.5)");
  t.false(peer.isBound());
  t.is(peer.connectToHost("127.0.0.1", -5), GodotError.ERR_INVALID_PARAMETER);
});

test("GodotError and PacketPeerUDP come from the package entry", async (t) => {
  const entry = await import("../src-ts/index.js");
  t.is(entry.PacketPeerUDP, PacketPeerUDP);
  t.is(entry.GodotError.ERR_UNAVAILABLE, 2);
  t.true(newPeer(t) instanceof entry.PacketPeer);
});

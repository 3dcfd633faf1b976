// PacketPeerUDP, Godot API: connectToHost / isSocketConnected and close() against real sockets on
// loopback (spec packet-peer-udp.md §4); the other methods are in packet-peer-udp.spec.ts. Ports
// always come from bind(0): spec files run concurrently.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import {
  boundPeer,
  loopbackInterfaceName,
  newPeer,
  payload,
  releasedPort,
  until,
  untilCount,
  withDeadline,
} from "./packet-peer-helpers.js";
import { WINDOWS_NO_ICMP_ERRORS, unlessWindows } from "./emulation.js";

const V6 = "0:0:0:0:0:0:0:1";
// ---------------------------------------------------------------------------------------------
// connectToHost / isSocketConnected

test("connectToHost filters a third party's packets, sends to the host, and refuses setDestAddress changes (Q7)", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: host, port: hostPort } = boundPeer(t);
  const { peer: third } = boundPeer(t);
  t.is(peer.connectToHost("127.0.0.1", hostPort), GodotError.OK);
  t.true(peer.isSocketConnected());
  t.true(peer.isBound());
  t.is(peer.getLocalPort(), port);
  third.setDestAddress("127.0.0.1", port);
  host.setDestAddress("127.0.0.1", port);
  t.is(third.putPacket(Buffer.from("third")), GodotError.OK);
  t.is(host.putPacket(Buffer.from("host")), GodotError.OK);
  await untilCount(peer, 1);
  t.is(peer.getAvailablePacketCount(), 1);
  t.is(peer.getPacket().toString(), "host");
  t.is(peer.getPacketPort(), hostPort);

  // setDestAddress on a connected peer: OK, but sends still go to the host.
  t.is(peer.setDestAddress("127.0.0.1", third.getLocalPort()), GodotError.OK);
  t.is(peer.putPacket(Buffer.from("to host")), GodotError.OK);
  t.is(third.putPacket(Buffer.from("ignored")), GodotError.OK);
  await untilCount(host, 1);
  t.is(host.getPacket().toString(), "to host");
  t.is(host.getPacketPort(), port);
  t.is(third.getAvailablePacketCount(), 0);
});

test("connectToHost empties the queue without phantom packets (Q5 fixed)", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: host, port: hostPort } = boundPeer(t);
  host.setDestAddress("127.0.0.1", port);
  for (let i = 0; i < 3; i++) host.putPacket(payload(i, 8));
  await untilCount(peer, 3);
  t.is(peer.connectToHost("127.0.0.1", hostPort), GodotError.OK);
  t.is(peer.getAvailablePacketCount(), 0);
  host.putPacket(Buffer.from("after"));
  await untilCount(peer, 1);
  t.is(peer.getAvailablePacketCount(), 1);
  t.is(peer.getPacket().toString(), "after");
  t.is(peer.getAvailablePacketCount(), 0);
});

test("connectToHost: names, port 0/65536 -> ERR_INVALID_PARAMETER; a failed connect closes a bound socket (Q6)", (t) => {
  const fresh = newPeer(t);
  t.is(fresh.connectToHost("localhost", 4242), GodotError.ERR_INVALID_PARAMETER);
  t.is(fresh.connectToHost("127.0.0.1", 0), GodotError.ERR_INVALID_PARAMETER);
  t.is(fresh.connectToHost("127.0.0.1", 65536), GodotError.ERR_INVALID_PARAMETER);
  t.false(fresh.isBound());
  const { peer } = boundPeer(t, "127.0.0.1");
  t.is(peer.connectToHost("::1", 9), GodotError.FAILED);
  t.false(peer.isBound());
  t.false(peer.isSocketConnected());
  t.is(peer.getAvailablePacketCount(), -1);
});

test("connectToHost on an unbound peer opens a socket of the host's family on an ephemeral port", async (t) => {
  const { peer: host, port: hostPort } = boundPeer(t, "::1");
  const peer = newPeer(t);
  t.is(peer.connectToHost("::1", hostPort), GodotError.OK);
  t.true(peer.isBound());
  t.true(peer.getLocalPort() > 0);
  t.is(peer.putPacket(Buffer.from("v6")), GodotError.OK);
  await untilCount(host, 1);
  t.is(host.getPacket().toString(), "v6");
  t.is(host.getPacketIp(), V6);
  t.is(host.getPacketPort(), peer.getLocalPort());
});

unlessWindows(WINDOWS_NO_ICMP_ERRORS, test)("a connected socket that sent to a closed port reports it once: count -1, then 0 (ICMP, Linux)", async (t) => {
  const closedPort = releasedPort("127.0.0.1");
  const { peer } = boundPeer(t);
  t.is(peer.connectToHost("127.0.0.1", closedPort), GodotError.OK);
  t.is(peer.putPacket(Buffer.from("nobody")), GodotError.OK);
  // The ICMP error is delivered with the send on loopback; it is reported by exactly one call.
  await until(() => peer.getAvailablePacketCount() === -1, "the pending ICMP error");
  t.is(peer.getAvailablePacketCount(), 0);
});

unlessWindows(WINDOWS_NO_ICMP_ERRORS, test)("a connected socket's getPacket: served right after a count; in later code it drains, so an ICMP error fails it with packets queued (ICMP, Linux)", async (t) => {
  const { peer: rx, port } = boundPeer(t);
  const { peer: tx } = boundPeer(t);
  t.is(rx.connectToHost("127.0.0.1", tx.getLocalPort()), GodotError.OK);
  tx.setDestAddress("127.0.0.1", port);
  for (let i = 0; i < 4; i++) t.is(tx.putPacket(payload(i, 8)), GodotError.OK);
  await untilCount(rx, 4);
  // One run of code: the count drains; then tx goes and rx's next send draws an ICMP
  // port-unreachable (delivered with the send on loopback). The count drained a moment ago, so
  // the packets it found are served (the error is as good as still in flight).
  t.is(rx.getAvailablePacketCount(), 4);
  tx.close();
  t.is(rx.putPacket(Buffer.from("to nobody")), GodotError.OK);
  t.is(rx.getPacket().readUInt32BE(0), 0);
  t.is(rx.getPacket().readUInt32BE(0), 1);
  t.is(rx.getPacketError(), GodotError.OK);
  await new Promise((resolve) => setImmediate(resolve));
  // Later code: each get drains first, as Godot's get_packet polls, so the error comes first.
  t.is(rx.getPacket().length, 0);
  t.is(rx.getPacketError(), GodotError.FAILED);
  t.is(rx.getPacket().readUInt32BE(0), 2);
  t.is(rx.getPacket().readUInt32BE(0), 3);
  t.is(rx.getPacketError(), GodotError.OK);
  t.is(rx.getAvailablePacketCount(), 0);
});

// ---------------------------------------------------------------------------------------------
// close

test("close(): idempotent; unbound afterwards; every method still answers without crashing", async (t) => {
  const { peer } = boundPeer(t);
  peer.close();
  peer.close();
  t.false(peer.isBound());
  t.false(peer.isSocketConnected());
  t.is(peer.getLocalPort(), 0);
  t.is(peer.getAvailablePacketCount(), -1);
  t.is(peer.getPacket().length, 0);
  t.is(peer.getPacketError(), GodotError.FAILED);
  t.is(peer.putPacket(Buffer.from("x")), GodotError.ERR_UNCONFIGURED);
  t.is(peer.leaveMulticastGroup("239.255.42.42", "lo"), GodotError.ERR_UNCONFIGURED);
  t.is(await peer.wait(), GodotError.ERR_UNCONFIGURED);
  t.is(peer.waitSync(0), GodotError.ERR_UNCONFIGURED);
  t.is(typeof peer.stats().packetsReceived, "number");
  t.is(peer.ref(), peer);
  t.is(peer.unref(), peer);
  peer.setBroadcastEnabled(true);
  t.notThrows(() => peer.getVar());
});

test("close() releases the port at once, also with pending wait()s, a 'packet' listener or a for await loop", async (t) => {
  for (const [address, watch] of [
    ["127.0.0.1", "wait"],
    ["::1", "listener"],
    ["127.0.0.1", "iterator"],
    ["*", "wait"],
  ] as const) {
    const { peer, port } = boundPeer(t, address);
    let waits: Promise<GodotError>[] = [];
    let loop: Promise<void> = Promise.resolve();
    if (watch === "wait") waits = [peer.wait(), peer.wait({ timeout: 60_000 })];
    if (watch === "listener") peer.on("packet", () => t.fail("no datagram was sent"));
    if (watch === "iterator") {
      loop = (async () => {
        for await (const _ of peer) t.fail("no datagram was sent");
      })();
    }
    // Let the watch reach the engine before closing.
    await new Promise((resolve) => setImmediate(resolve));
    peer.close();
    const next = newPeer(t);
    t.is(next.bind(port, address), GodotError.OK, `${address} after close() with a pending ${watch}`);
    t.deepEqual(await withDeadline(Promise.all(waits), "settled waits"), waits.map(() => GodotError.ERR_UNCONFIGURED));
    await withDeadline(loop, "the for await loop ends");
    next.close();
  }
});

test("after close(), every public method answers without throwing (none may crash the process)", async (t) => {
  const { peer: receiver, port } = boundPeer(t);
  const lo = loopbackInterfaceName() ?? "lo";
  const peer = newPeer(t);
  t.is(peer.bind(0, "127.0.0.1"), GodotError.OK);
  peer.close();
  const calls: Array<[string, () => unknown]> = [
    ["getPacket", () => peer.getPacket()],
    ["getPackets", () => peer.getPackets()],
    ["getVar", () => peer.getVar()],
    ["getVarResult", () => peer.getVarResult()],
    ["getAvailablePacketCount", () => peer.getAvailablePacketCount()],
    ["getPacketError", () => peer.getPacketError()],
    ["getPacketIp", () => peer.getPacketIp()],
    ["getPacketPort", () => peer.getPacketPort()],
    ["getLocalPort", () => peer.getLocalPort()],
    ["getOsRecvBufSize", () => peer.getOsRecvBufSize()],
    ["isBound", () => peer.isBound()],
    ["isSocketConnected", () => peer.isSocketConnected()],
    ["droppedPackets", () => peer.droppedPackets],
    ["socketErrors", () => peer.socketErrors],
    ["stats", () => peer.stats()],
    ["setBroadcastEnabled", () => peer.setBroadcastEnabled(false)],
    ["leaveMulticastGroup", () => peer.leaveMulticastGroup("239.255.42.47", lo)],
    ["setMulticastInterface", () => peer.setMulticastInterface(lo)],
    ["setMulticastLoopback", () => peer.setMulticastLoopback(true)],
    ["setMulticastTtl", () => peer.setMulticastTtl(0)],
    ["waitSync", () => peer.waitSync(0)],
    ["putPacket (no destination)", () => peer.putPacket(Buffer.from("x"))],
    ["putPackets (no destination)", () => peer.putPackets([Buffer.from("x")])],
    ["putVar (no destination)", () => peer.putVar(1)],
    ["ref", () => peer.ref()],
    ["unref", () => peer.unref()],
    ["removeAllListeners", () => peer.removeAllListeners()],
    ["close", () => peer.close()],
  ];
  for (const [name, call] of calls) t.notThrows(call, name);
  t.is(await peer.wait({ timeout: 0 }), GodotError.ERR_UNCONFIGURED);
  // Methods that open a socket again work after close() and close() again.
  t.is(await peer.setDestAddressAsync("127.0.0.1", port), GodotError.OK);
  t.is(peer.setDestAddress("127.0.0.1", port), GodotError.OK);
  t.is(peer.putPackets([Buffer.from("one"), Buffer.from("two")]), GodotError.OK);
  peer.close();
  t.is(peer.connectToHost("127.0.0.1", port), GodotError.OK);
  t.is(peer.putPacket(Buffer.from("three")), GodotError.OK);
  peer.close();
  t.is(peer.bind(0, "127.0.0.1"), GodotError.OK);
  peer.close();
  await untilCount(receiver, 3);
  t.deepEqual(receiver.getPackets().map((p) => p.data.toString()), ["one", "two", "three"]);
  t.false(peer.isBound());
});

test("close() empties the queue (Q4 fixed): nothing stale after a re-bind", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(Buffer.from("OLD1"));
  sender.putPacket(Buffer.from("OLD2"));
  await untilCount(peer, 2);
  peer.close();
  t.is(peer.bind(0, "127.0.0.1"), GodotError.OK);
  t.is(peer.getAvailablePacketCount(), 0);
  sender.setDestAddress("127.0.0.1", peer.getLocalPort());
  sender.putPacket(Buffer.from("NEW1"));
  await untilCount(peer, 1);
  t.is(peer.getPacket().toString(), "NEW1");
  t.is(peer.getAvailablePacketCount(), 0);
});

test("close() keeps the destination: a later putPacket re-opens an ephemeral socket (Q3)", async (t) => {
  const { peer: receiver, port } = boundPeer(t);
  const { peer } = boundPeer(t);
  const firstPort = peer.getLocalPort();
  peer.setDestAddress("127.0.0.1", port);
  peer.close();
  t.is(peer.putPacket(Buffer.from("again")), GodotError.OK);
  t.true(peer.isBound());
  await untilCount(receiver, 1);
  t.is(receiver.getPacket().toString(), "again");
  t.is(receiver.getPacketPort(), peer.getLocalPort());
  t.not(peer.getLocalPort(), 0);
  t.log(`first port ${firstPort}, re-opened on ${peer.getLocalPort()}`);
});

test("close() keeps getPacketIp/getPacketPort", async (t) => {
  const { peer, port } = boundPeer(t);
  const { peer: sender, port: senderPort } = boundPeer(t);
  sender.setDestAddress("127.0.0.1", port);
  sender.putPacket(Buffer.from("x"));
  await untilCount(peer, 1);
  peer.getPacket();
  peer.close();
  t.is(peer.getPacketIp(), "127.0.0.1");
  t.is(peer.getPacketPort(), senderPort);
});

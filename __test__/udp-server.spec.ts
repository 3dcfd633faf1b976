// UDPServer, Godot-style (listen / poll / takeConnection), on loopback. Mirrors Godot's
// test_udp_server and the behaviour of spec §5 and §4.7, plus routing with many clients and the
// deviations from Godot (Q12, Q13).
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { UDPServer } from "../src-ts/udp-server.js";
import {
  clientOf,
  drain,
  listeningServer,
  newPeer,
  pendingReached,
  send,
  until,
} from "./udp-server-helpers.js";

test("Godot test_udp_server: listen, poll, take, reply, stop", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  t.true(server.isListening());
  t.false(server.isConnectionAvailable());
  t.is(server.maxPendingConnections, 16);

  const client = clientOf(t, port);
  t.true(client.isBound());
  t.true(client.isSocketConnected());
  send(t, client, "Hello World!");

  t.true(await until(() => server.isConnectionAvailable(), 5000, () => server.poll()));
  const peer = server.takeConnection();
  if (peer === null) return t.fail("no connection to take");
  t.true(peer.isBound());
  t.true(peer.isSocketConnected());
  t.is(peer.getLocalPort(), port);
  t.is(peer.getPacketIp(), "127.0.0.1"); // known before any getPacket (§4.7)
  t.is(peer.getPacketPort(), client.getLocalPort());
  t.is(peer.getAvailablePacketCount(), 1);
  t.is(peer.getPacket().toString(), "Hello World!");
  t.is(peer.getPacketError(), GodotError.OK);

  t.is(peer.putPacket(Buffer.from("3.1415")), GodotError.OK);
  t.true(await until(() => client.getAvailablePacketCount() > 0));
  t.is(client.getPacket().toString(), "3.1415");
  t.is(client.getPacketPort(), port);

  server.stop();
  t.false(server.isListening());
  t.false(server.isConnectionAvailable());
});

test("several clients become peers in first-datagram order; each keeps its own datagrams", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  const [c0, c1, c2] = [clientOf(t, port), clientOf(t, port), clientOf(t, port)];
  send(t, c1, "c1-a");
  send(t, c0, "c0-a");
  send(t, c2, "c2-a");
  send(t, c1, "c1-b");

  t.true(await pendingReached(server, 3));
  const taken = [server.takeConnection(), server.takeConnection(), server.takeConnection()];
  t.is(server.takeConnection(), null);
  t.deepEqual(
    taken.map((p) => p?.getPacketPort()),
    [c1, c0, c2].map((c) => c.getLocalPort()),
  );
  t.deepEqual(taken.map((p) => (p === null ? [] : drain(p))), [["c1-a", "c1-b"], ["c0-a"], ["c2-a"]]);

  // A taken peer's later datagrams go to it and create no pending peer.
  send(t, c0, "c0-c");
  t.true(await until(() => taken[1]?.getAvailablePacketCount() === 1, 5000, () => server.poll()));
  t.false(server.isConnectionAvailable());
  t.is(taken[1]?.getPacket().toString(), "c0-c");

  // Two more clients: five peers in all, as in Godot's test.
  const [c3, c4] = [clientOf(t, port), clientOf(t, port)];
  send(t, c3, "c3");
  send(t, c4, "c4");
  t.true(await pendingReached(server, 2));
  t.not(server.takeConnection(), null);
  t.not(server.takeConnection(), null);
  t.is(server.takeConnection(), null);
  t.is(server.connectionCount, 5);
});

test("a server that is not listening: poll ERR_UNCONFIGURED, nothing to take, port 0", (t) => {
  const server = new UDPServer();
  t.teardown(() => server.stop());
  t.false(server.isListening());
  t.is(server.poll(), GodotError.ERR_UNCONFIGURED);
  t.false(server.isConnectionAvailable());
  t.is(server.takeConnection(), null);
  t.is(server.getLocalPort(), 0);
  t.is(server.maxPendingConnections, 16);
  server.stop(); // idempotent, no listening socket
  t.false(server.isListening());
});

test("listen errors: already listening, bad address, port held by a PacketPeerUDP", (t) => {
  const server = listeningServer(t);
  t.is(server.listen(0, "127.0.0.1"), GodotError.ERR_ALREADY_IN_USE);

  for (const address of ["localhost", "", "1.2.3", "256.1.1.1", "[::1]"]) {
    const other = new UDPServer();
    t.teardown(() => other.stop());
    t.is(other.listen(0, address), GodotError.ERR_INVALID_PARAMETER, address);
    t.false(other.isListening());
  }

  const holder = newPeer(t);
  t.is(holder.bind(0, "127.0.0.1"), GodotError.OK);
  const blocked = new UDPServer();
  t.teardown(() => blocked.stop());
  t.is(blocked.listen(holder.getLocalPort(), "127.0.0.1"), GodotError.ERR_UNAVAILABLE);
  t.false(blocked.isListening());
  t.is(blocked.getLocalPort(), 0);

  // And the other way round: a plain bind on the server's port.
  const late = newPeer(t);
  t.is(late.bind(server.getLocalPort(), "127.0.0.1"), GodotError.ERR_UNAVAILABLE);
});

test("fixed (Q12): listen ports outside 0..65535 are ERR_INVALID_PARAMETER, not wrapped", (t) => {
  for (const port of [-1, 65536, 70000, -65536, 2 ** 32]) {
    const server = new UDPServer();
    t.teardown(() => server.stop());
    t.is(server.listen(port, "127.0.0.1"), GodotError.ERR_INVALID_PARAMETER, String(port));
    t.false(server.isListening());
    t.is(server.getLocalPort(), 0);
  }
});

test("max pending connections: a new client beyond the limit is dropped, counted, not remembered", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  server.maxPendingConnections = 2;
  t.is(server.maxPendingConnections, 2);
  const [c0, c1, c2] = [clientOf(t, port), clientOf(t, port), clientOf(t, port)];
  send(t, c0, "c0");
  send(t, c1, "c1");
  t.true(await pendingReached(server, 2));
  const droppedBefore = server.stats().packetsDropped;
  send(t, c2, "c2 dropped");
  t.true(await until(() => server.stats().packetsDropped > droppedBefore, 5000, () => server.poll()));
  t.is(server.pendingConnectionCount, 2);

  t.is(server.takeConnection()?.getPacketPort(), c0.getLocalPort());
  send(t, c2, "c2 again");
  t.true(await pendingReached(server, 2));
  server.takeConnection(); // c1
  const p2 = server.takeConnection();
  t.is(p2?.getPacketPort(), c2.getLocalPort());
  t.deepEqual(p2 === null ? [] : drain(p2), ["c2 again"]); // the dropped datagram is gone
});

test("max pending connections 0: new clients are dropped while taken peers still receive", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  const known = clientOf(t, port);
  send(t, known, "hello");
  t.true(await pendingReached(server, 1));
  const peer = server.takeConnection();
  if (peer === null) return t.fail("no connection");
  drain(peer);

  server.maxPendingConnections = 0;
  const stranger = clientOf(t, port);
  const droppedBefore = server.stats().packetsDropped;
  send(t, stranger, "let me in");
  send(t, known, "still here");
  t.true(await until(() => peer.getAvailablePacketCount() === 1, 5000, () => server.poll()));
  t.true(await until(() => server.stats().packetsDropped > droppedBefore, 5000, () => server.poll()));
  t.false(server.isConnectionAvailable());
  t.is(peer.getPacket().toString(), "still here");
});

test("maxPendingConnections: a negative value leaves it unchanged; non-integers are a TypeError", (t) => {
  const server = new UDPServer();
  t.teardown(() => server.stop());
  server.maxPendingConnections = 5;
  server.maxPendingConnections = -1;
  t.is(server.maxPendingConnections, 5);
  for (const bad of ["3", 1.5, Number.NaN, null, undefined]) {
    t.throws(() => {
      (server as unknown as { maxPendingConnections: unknown }).maxPendingConnections = bad;
    }, { instanceOf: TypeError });
  }
  t.is(server.maxPendingConnections, 5);
});

test("fixed (Q13): raising the maximum keeps pending peers; lowering trims from the newest end", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  const clients = [clientOf(t, port), clientOf(t, port), clientOf(t, port)];
  for (const [i, c] of clients.entries()) send(t, c, `c${i}`);
  t.true(await pendingReached(server, 3));

  server.maxPendingConnections = 20; // Godot: discards all three
  t.is(server.pendingConnectionCount, 3);
  server.maxPendingConnections = 4; // Godot: discards all three
  t.is(server.pendingConnectionCount, 3);
  server.maxPendingConnections = 3;
  t.is(server.pendingConnectionCount, 3);
  server.maxPendingConnections = 1; // Godot: keeps all three
  t.is(server.pendingConnectionCount, 1);

  const oldest = server.takeConnection();
  t.is(oldest?.getPacketPort(), clients[0]?.getLocalPort());
  t.is(server.takeConnection(), null);

  // The trimmed clients were forgotten: their next datagram makes a new pending peer.
  server.maxPendingConnections = 16;
  send(t, clients[2] as PacketPeerUDP, "c2 again");
  t.true(await pendingReached(server, 1));
  const again = server.takeConnection();
  t.is(again?.getPacketPort(), clients[2]?.getLocalPort());
  t.deepEqual(again === null ? [] : drain(again), ["c2 again"]);
});

test("stop() detaches taken peers and discards pending ones; listen works again", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  const [a, b] = [clientOf(t, port), clientOf(t, port)];
  send(t, a, "a");
  send(t, b, "b");
  t.true(await pendingReached(server, 2));
  const taken = server.takeConnection();
  if (taken === null) return t.fail("no connection");

  server.stop();
  t.false(server.isListening());
  t.false(server.isConnectionAvailable());
  t.is(server.takeConnection(), null);
  t.is(server.poll(), GodotError.ERR_UNCONFIGURED);
  t.is(server.getLocalPort(), 0);

  t.false(taken.isBound());
  t.false(taken.isSocketConnected());
  t.is(taken.getAvailablePacketCount(), -1);
  t.is(taken.getPacketIp(), "127.0.0.1"); // kept, as in Godot

  t.is(server.listen(0, "127.0.0.1"), GodotError.OK);
  t.true(server.isListening());
  t.false(server.isConnectionAvailable());
});

test("closing a taken peer makes the server forget it: the next datagram is a new pending peer", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  // Unconnected, so it also sees datagrams from ports other than the server's.
  const client = newPeer(t);
  t.is(client.bind(0, "127.0.0.1"), GodotError.OK);
  t.is(client.setDestAddress("127.0.0.1", port), GodotError.OK);
  send(t, client, "first");
  t.true(await pendingReached(server, 1));
  const peer = server.takeConnection();
  if (peer === null) return t.fail("no connection");
  t.is(server.connectionCount, 1);

  peer.close();
  t.teardown(() => peer.close());
  t.false(peer.isBound());
  t.false(peer.isSocketConnected());
  t.is(peer.getAvailablePacketCount(), -1);
  t.true(server.isListening());
  t.is(server.connectionCount, 0);

  // As in Godot, the closed peer keeps its destination: a send re-opens an ephemeral socket.
  t.is(peer.putPacket(Buffer.from("from a new port")), GodotError.OK);
  t.true(peer.isBound());
  t.true(await until(() => client.getAvailablePacketCount() === 1));
  t.is(client.getPacket().toString(), "from a new port");
  t.not(client.getPacketPort(), port);
  t.is(client.getPacketPort(), peer.getLocalPort());
  peer.close();

  send(t, client, "second");
  t.true(await pendingReached(server, 1));
  const again = server.takeConnection();
  if (again === null) return t.fail("no new connection");
  t.not(again, peer);
  t.deepEqual(drain(again), ["second"]);
});

test("server peer rules (§4.7): bind 22, connect/join/leave 23, setDestAddress ignored, sends from the server port", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  // Unconnected clients, so they see the source port of whatever reaches them.
  const client = newPeer(t);
  const other = newPeer(t);
  t.is(client.bind(0, "127.0.0.1"), GodotError.OK);
  t.is(other.bind(0, "127.0.0.1"), GodotError.OK);
  t.is(client.setDestAddress("127.0.0.1", port), GodotError.OK);
  send(t, client, "hi");
  t.true(await pendingReached(server, 1));
  const peer = server.takeConnection();
  if (peer === null) return t.fail("no connection");

  t.is(peer.bind(0), GodotError.ERR_ALREADY_IN_USE);
  t.is(peer.connectToHost("127.0.0.1", other.getLocalPort()), GodotError.ERR_LOCKED);
  t.is(peer.joinMulticastGroup("239.255.42.42", "lo"), GodotError.ERR_LOCKED);
  t.is(peer.leaveMulticastGroup("239.255.42.42", "lo"), GodotError.ERR_LOCKED);
  peer.setBroadcastEnabled(true); // no effect, no crash
  t.true(peer.isSocketConnected());

  t.is(peer.setDestAddress("127.0.0.1", other.getLocalPort()), GodotError.OK);
  t.is(peer.putPacket(Buffer.from("reply")), GodotError.OK);
  t.true(await until(() => client.getAvailablePacketCount() === 1));
  t.is(client.getPacket().toString(), "reply");
  t.is(client.getPacketIp(), "127.0.0.1");
  t.is(client.getPacketPort(), port);
  t.is(other.getAvailablePacketCount(), 0);

  // Its own count never reads the socket: only server.poll() routes.
  drain(peer);
  send(t, client, "later");
  t.is(peer.getAvailablePacketCount(), 0);
  t.true(await until(() => peer.getAvailablePacketCount() === 1, 5000, () => server.poll()));

  // Its queue is Godot's 65536-byte ring: one 40000-byte datagram fits, the second does not.
  const big = newPeer(t);
  t.is(big.connectToHost("127.0.0.1", port), GodotError.OK);
  const droppedBefore = server.stats().packetsDropped;
  t.is(big.putPacket(new Uint8Array(40000)), GodotError.OK);
  t.is(big.putPacket(new Uint8Array(40000)), GodotError.OK);
  t.true(await pendingReached(server, 1));
  const bigPeer = server.takeConnection();
  t.is(bigPeer?.getAvailablePacketCount(), 1);
  t.is(server.stats().packetsDropped, droppedBefore + 1); // counted, not silent
  t.is(server.stats().bytesDropped, 40000);
});

test("a '*' server gets one peer per family, reported as Godot prints them", async (t) => {
  const server = listeningServer(t, "*");
  const port = server.getLocalPort();
  const v6 = new PacketPeerUDP();
  t.teardown(() => v6.close());
  if (v6.connectToHost("::1", port) !== GodotError.OK) return t.pass("no IPv6 loopback here");
  const v4 = clientOf(t, port);
  send(t, v4, "v4");
  send(t, v6, "v6");
  t.true(await pendingReached(server, 2));
  const ips = [server.takeConnection()?.getPacketIp(), server.takeConnection()?.getPacketIp()];
  t.deepEqual(ips.sort(), ["0:0:0:0:0:0:0:1", "127.0.0.1"]);
});

test("routing with 1,000 clients: every taken peer gets only its own datagrams", async (t) => {
  const CLIENTS = 1000;
  const BATCH = 50; // stays far below the server socket's OS receive buffer
  const server = listeningServer(t);
  const port = server.getLocalPort();
  server.maxPendingConnections = BATCH;
  const clients: PacketPeerUDP[] = [];
  const peerOf = new Map<number, PacketPeerUDP>(); // client port -> taken peer

  for (let start = 0; start < CLIENTS; start += BATCH) {
    const batch: PacketPeerUDP[] = [];
    for (let i = start; i < start + BATCH; i++) {
      const client = clientOf(t, port);
      clients.push(client);
      batch.push(client);
      send(t, client, `c${i}:0`);
    }
    t.true(await pendingReached(server, BATCH), `batch at ${start}`);
    for (;;) {
      const peer = server.takeConnection();
      if (peer === null) break;
      peerOf.set(peer.getPacketPort(), peer);
    }
  }
  t.is(peerOf.size, CLIENTS);
  t.is(server.connectionCount, CLIENTS);

  const expected = (i: number, rounds: number[]): string[] => rounds.map((r) => `c${i}:${r}`);
  // Two more rounds, in batches, now that all 1,000 peers are taken.
  for (let start = 0; start < CLIENTS; start += BATCH) {
    for (let i = start; i < start + BATCH; i++) {
      send(t, clients[i] as PacketPeerUDP, `c${i}:1`);
      send(t, clients[i] as PacketPeerUDP, `c${i}:2`);
    }
    const batchPeers = clients.slice(start, start + BATCH).map((c) => peerOf.get(c.getLocalPort()));
    t.true(
      await until(() => batchPeers.every((p) => p?.getAvailablePacketCount() === 3), 5000, () => server.poll()),
      `round batch at ${start}`,
    );
  }
  t.false(server.isConnectionAvailable());
  let wrong = 0;
  for (const [i, client] of clients.entries()) {
    const peer = peerOf.get(client.getLocalPort());
    const got = peer === undefined ? [] : drain(peer);
    if (JSON.stringify(got) !== JSON.stringify(expected(i, [0, 1, 2]))) wrong++;
  }
  t.is(wrong, 0);
  t.is(server.stats().packetsReceived, CLIENTS * 3);
});

test("replies from many taken peers reach their own clients", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  server.maxPendingConnections = 32; // above the default 16
  const clients = Array.from({ length: 20 }, () => clientOf(t, port));
  for (const [i, c] of clients.entries()) send(t, c, `hello ${i}`);
  t.true(await pendingReached(server, clients.length));
  for (;;) {
    const peer = server.takeConnection();
    if (peer === null) break;
    const text = peer.getPacket().toString();
    t.is(peer.putPacket(Buffer.from(`echo ${text}`)), GodotError.OK);
  }
  t.true(await until(() => clients.every((c) => c.getAvailablePacketCount() === 1)));
  t.deepEqual(
    clients.map((c) => c.getPacket().toString()),
    clients.map((_, i) => `echo hello ${i}`),
  );
  const stats = server.stats();
  t.is(stats.packetsSent, clients.length);
  t.true(stats.bytesSent > 0);
  t.is(stats.packetsReceived, clients.length);
});

test("wrong argument types are a TypeError", (t) => {
  const server = new UDPServer();
  t.teardown(() => server.stop());
  const loose = server as unknown as {
    listen(...args: unknown[]): number;
    connections(...args: unknown[]): unknown;
  };
  t.throws(() => loose.listen("0"), { instanceOf: TypeError, message: /port/ });
  t.throws(() => loose.listen(1.5), { instanceOf: TypeError, message: /port/ });
  t.throws(() => loose.listen(0, 127), { instanceOf: TypeError, message: /bindAddress/ });
  t.throws(() => loose.listen(0, "*", "reuse"), { instanceOf: TypeError, message: /options/ });
  t.throws(() => loose.listen(0, "*", { reusePort: 1 }), { instanceOf: TypeError, message: /reusePort/ });
  t.throws(() => loose.connections({ signal: 5 }), { instanceOf: TypeError, message: /signal/ });
  t.false(server.isListening());
});

test("any call after stop() is harmless", (t) => {
  const server = listeningServer(t);
  server.stop();
  server.stop();
  t.is(server.poll(), GodotError.ERR_UNCONFIGURED);
  t.false(server.isConnectionAvailable());
  t.is(server.takeConnection(), null);
  t.is(server.getLocalPort(), 0);
  server.maxPendingConnections = 3;
  t.is(server.maxPendingConnections, 3);
  t.is(typeof server.stats().packetsReceived, "number");
  server.ref();
  server.unref();
  t.is(server.listen(0, "127.0.0.1"), GodotError.OK);
  server.stop();
});

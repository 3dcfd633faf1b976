// ENet over DTLS through ENetConnection (dtlsServerSetup / dtlsClientSetup, Godot's
// ENetDTLSServer / ENetDTLSClient) on 127.0.0.1 with a self-signed certificate: service() loops
// and event mode (whose watch must follow the socket the setup reopens), refusals and failures
// with their counters, ENetMultiplayerPeer + SceneMultiplayer on top, and the setup codes.
import test, { type ExecutionContext } from "ava";
import { GodotError } from "../src-ts/errors.js";
import { ENetConnection } from "../src-ts/enet/enet-connection.js";
import { ENetPacketPeer } from "../src-ts/enet/enet-packet-peer.js";
import { ConnectionStatus, TransferMode } from "../src-ts/multiplayer/multiplayer-peer.js";
import { TLSOptions } from "../src-ts/dtls/index.js";
import { cryptoIdentity, type Identity } from "./dtls-helpers.js";
import { slowdown } from "./emulation.js";
import { bound, host, of, pump, type Seen } from "./enet-helpers.js";
import { mpPeer, packets, pollFor, scene, server as mpServer, until } from "./enet-multiplayer-helpers.js";

const { EVENT_CONNECT, EVENT_DISCONNECT, EVENT_ERROR, EVENT_RECEIVE } = ENetConnection;
const RELIABLE = ENetPacketPeer.FLAG_RELIABLE;
/** A DTLS connection takes one ENet CONNECT retransmission more than a plain one (~0.5-1 s). */
const CONNECT_MS = 8000 * slowdown;

// One identity (an RSA key takes a while) for every test: CN=localhost.
let identity: Identity | undefined;
function id(): Identity {
  identity ??= cryptoIdentity("localhost");
  return identity;
}

/** A DTLS server on 127.0.0.1 (its port unchanged by the setup). */
function dtlsServer(t: ExecutionContext, maxPeers = 32): ENetConnection {
  const server = bound(t, "127.0.0.1", maxPeers);
  const port = server.getLocalPort();
  t.is(server.dtlsServerSetup(TLSOptions.server(id().key, id().cert)), GodotError.OK);
  t.is(server.getLocalPort(), port, "the same port, reopened under DTLS");
  return server;
}

/** A DTLS client host trusting the test certificate, verifying `hostname`. */
function dtlsClient(t: ExecutionContext, hostname = "localhost"): ENetConnection {
  const client = host(t);
  t.is(client.createHost(1), GodotError.OK);
  t.is(client.dtlsClientSetup(hostname, TLSOptions.client(id().cert)), GodotError.OK);
  return client;
}

/** Takes the packet of every RECEIVE pump() sees, per connection and channel. */
function collector(): { got: Map<ENetConnection, Buffer[][]>; each: (s: Seen) => void } {
  const got = new Map<ENetConnection, Buffer[][]>();
  const each = (s: Seen): void => {
    const [type, peer, , channel] = s.event;
    if (type !== EVENT_RECEIVE) return;
    const lists = got.get(s.from) ?? [];
    got.set(s.from, lists);
    (lists[channel] ??= []).push(peer!.getPacket());
  };
  return { got, each };
}

function counted(list: Buffer[] | undefined): number[] {
  return (list ?? []).map((b) => b.readUInt32LE(0));
}

/** Resolves with the first event `pick` accepts, rejects after `ms`. */
function eventOf<A extends unknown[]>(
  emitter: ENetConnection,
  name: "connect" | "disconnect" | "receive",
  ms: number,
  pick: (...args: A) => boolean = () => true,
): Promise<A> {
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      if (!pick(...(args as A))) return;
      clearTimeout(timer);
      emitter.off(name, listener);
      resolve(args as A);
    };
    const timer = setTimeout(() => {
      emitter.off(name, listener);
      reject(new Error(`no ${name} within ${ms} ms`));
    }, ms);
    emitter.on(name, listener);
  });
}

const seq = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(n);
  return b;
};

test("service() loops: connect with data, 300 reliable messages each way on 2 channels in order, 100 KiB both ways, disconnect with data", async (t) => {
  const server = dtlsServer(t);
  const client = dtlsClient(t);
  const toServer = client.connectToHost("127.0.0.1", server.getLocalPort(), 4, 0x0badcafe);
  t.not(toServer, null);
  const { got, each } = collector();
  const seen = await pump(
    [server, client],
    (s) => of(s, server, EVENT_CONNECT).length === 1 && of(s, client, EVENT_CONNECT).length === 1,
    CONNECT_MS,
    each,
  );
  t.is(of(seen, server, EVENT_CONNECT)[0]![2], 0x0badcafe, "CONNECT data through DTLS");
  const toClient = of(seen, server, EVENT_CONNECT)[0]![1]!;
  t.deepEqual(of(seen, client, EVENT_ERROR), [], "no failed service on the way");

  const N = 300;
  for (let i = 0; i < N; i++) {
    t.is(toServer!.send(i % 2, seq(i), RELIABLE), GodotError.OK);
    t.is(toClient.send(i % 2, seq(i), RELIABLE), GodotError.OK);
  }
  const big = Buffer.alloc(100 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
  t.is(toServer!.send(2, big, RELIABLE), GodotError.OK);
  t.is(toClient.send(2, big, RELIABLE), GodotError.OK);
  const total = (c: ENetConnection): number => (got.get(c) ?? []).reduce((n, l) => n + (l?.length ?? 0), 0);
  await pump([server, client], () => total(server) === N + 1 && total(client) === N + 1, 10000 * slowdown, each);
  const evens = Array.from({ length: N / 2 }, (_, i) => 2 * i);
  for (const c of [server, client]) {
    t.deepEqual(counted(got.get(c)![0]), evens, "channel 0 complete and in order");
    t.deepEqual(counted(got.get(c)![1]), evens.map((n) => n + 1), "channel 1 complete and in order");
    t.true(got.get(c)![2]![0]!.equals(big), "100 KiB intact");
  }

  toServer!.peerDisconnect(4242);
  const end = await pump(
    [server, client],
    (s) => of(s, server, EVENT_DISCONNECT).length === 1 && of(s, client, EVENT_DISCONNECT).length === 1,
    5000 * slowdown,
  );
  t.is(of(end, server, EVENT_DISCONNECT)[0]![2], 4242, "DISCONNECT data through DTLS");
  const srv = server.stats().dtls!;
  t.is(srv.server!.handshakesCompleted, 1);
  t.is(srv.server!.notClientHello, 0);
  t.true(client.stats().dtls!.sendsWhileHandshaking >= 1, "the first CONNECT waited for the handshake");
  t.is(client.stats().dtls!.handshakesFailed, 0);
});

test("event mode: listeners attached before the setups follow the reopened sockets (200 round trips on readiness, 100 KiB, disconnect)", async (t) => {
  const server = bound(t, "127.0.0.1");
  const client = host(t);
  t.is(client.createHost(1), GodotError.OK);
  // Echo every packet; listening starts the watch on the plain sockets, before the setups.
  server.on("receive", (peer, packet, channel) => {
    peer.send(channel, packet, RELIABLE);
  });
  const connected = eventOf<[ENetPacketPeer, number]>(server, "connect", CONNECT_MS);
  const clientConnected = eventOf(client, "connect", CONNECT_MS);
  t.is(server.dtlsServerSetup(TLSOptions.server(id().key, id().cert)), GodotError.OK);
  t.is(client.dtlsClientSetup("localhost", TLSOptions.client(id().cert)), GodotError.OK);
  const toServer = client.connectToHost("127.0.0.1", server.getLocalPort(), 2, 77)!;
  const [, data] = await connected;
  await clientConnected;
  t.is(data, 77);

  // Sequential round trips: each waits for the last answer, so each costs a full wake-up of both
  // hosts. On readiness that is well under a millisecond; the 10 ms ENet tick alone would take
  // ~2 s for 200 (the watch lost after the setup would show here).
  const ROUNDS = 200;
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    const answer = eventOf<[ENetPacketPeer, Buffer]>(client, "receive", 5000 * slowdown);
    t.is(toServer.send(1, seq(i), RELIABLE), GodotError.OK);
    const [, packet] = await answer;
    if (packet.readUInt32LE(0) !== i) t.fail(`round ${i}: got ${packet.readUInt32LE(0)}`);
  }
  const elapsed = performance.now() - started;
  t.log(`${ROUNDS} DTLS round trips in event mode: ${elapsed.toFixed(1)} ms`);
  t.true(elapsed < 1200 * slowdown, `round trips on readiness, not on the tick (${elapsed.toFixed(0)} ms)`);

  const big = Buffer.alloc(100 * 1024, 0xa5);
  const echoed = eventOf<[ENetPacketPeer, Buffer]>(client, "receive", 5000 * slowdown);
  t.is(toServer.send(0, big, RELIABLE), GodotError.OK);
  t.true((await echoed)[1].equals(big), "100 KiB there and back");

  const gone = eventOf<[ENetPacketPeer, number]>(server, "disconnect", 5000 * slowdown);
  const clientGone = eventOf(client, "disconnect", 5000 * slowdown);
  toServer.peerDisconnect(99);
  t.is((await gone)[1], 99);
  await clientGone;
  t.is(server.stats().dtls!.server!.handshakesCompleted, 1);
});

test("a plain ENet client gets no connection and is counted, while a connected DTLS client keeps exchanging on the same server", async (t) => {
  const server = dtlsServer(t);
  const client = dtlsClient(t);
  const toServer = client.connectToHost("127.0.0.1", server.getLocalPort(), 2, 6)!;
  const { got, each } = collector();
  const seen = await pump([server, client], (s) => of(s, server, EVENT_CONNECT).length === 1 && of(s, client, EVENT_CONNECT).length === 1, CONNECT_MS, each);
  const toClient = of(seen, server, EVENT_CONNECT)[0]![1]!;

  // Each plain datagram is refused by OpenSSL's DTLSv1_listen; that must not touch the session
  // that is connected (a regression: OpenSSL's per-thread error queue, left full, failed it).
  const plain = host(t);
  t.is(plain.createHost(1), GodotError.OK);
  const peer = plain.connectToHost("127.0.0.1", server.getLocalPort(), 2, 5)!;
  plain.socketSend("127.0.0.1", server.getLocalPort(), Buffer.from("not DTLS at all"));
  let i = 0;
  const during = await pump(
    [server, client, plain],
    () => {
      toServer.send(0, seq(i), RELIABLE);
      toClient.send(0, seq(i), RELIABLE);
      i++;
      return (server.stats().dtls!.server?.notClientHello ?? 0) >= 3 && i >= 20;
    },
    5000 * slowdown,
    each,
  );
  t.deepEqual(of(during, server, EVENT_CONNECT), [], "nothing of the plain client reached ENet");
  t.deepEqual(of(during, plain, EVENT_CONNECT), []);
  t.is(peer.getState(), ENetPacketPeer.STATE_CONNECTING);
  t.is(server.getPeers().length, 1);
  await pump([server, client], () => counted(got.get(server)?.[0]).length === i && counted(got.get(client)?.[0]).length === i, 5000 * slowdown, each);
  t.deepEqual(counted(got.get(server)![0]), Array.from({ length: i }, (_, n) => n), "the DTLS session unaffected");
  t.deepEqual(counted(got.get(client)![0]), Array.from({ length: i }, (_, n) => n));
  t.deepEqual(of(during, client, EVENT_DISCONNECT), []);
  t.deepEqual(of(during, client, EVENT_ERROR), []);
  t.is(server.stats().dtls!.sessionsClosed, 0);
});

test("a wrong hostname: the client's service reports EVENT_ERROR (hostname mismatch) and nothing connects", async (t) => {
  const server = dtlsServer(t);
  const client = dtlsClient(t, "not-the-cn.example");
  const peer = client.connectToHost("127.0.0.1", server.getLocalPort(), 2, 1)!;
  const seen = await pump([server, client], (s) => of(s, client, EVENT_ERROR).length >= 1, CONNECT_MS);
  t.deepEqual(of(seen, server, EVENT_CONNECT), []);
  t.deepEqual(of(seen, client, EVENT_CONNECT), []);
  const dtls = client.stats().dtls!;
  t.true(dtls.handshakesFailed >= 1);
  t.is(dtls.lastFailureStatus, 4, "PacketPeerDTLS.STATUS_ERROR_HOSTNAME_MISMATCH");
  t.is(server.getPeers().length, 0);
  t.not(peer.getState(), ENetPacketPeer.STATE_CONNECTED);
});

test("refuseNewConnections: a new client is refused and counted while the connected one keeps exchanging; refuse(false) lets a new one in", async (t) => {
  const server = dtlsServer(t);
  const first = dtlsClient(t);
  const toServer = first.connectToHost("127.0.0.1", server.getLocalPort(), 2, 1)!;
  const { got, each } = collector();
  const seen = await pump([server, first], (s) => of(s, server, EVENT_CONNECT).length === 1 && of(s, first, EVENT_CONNECT).length === 1, CONNECT_MS, each);
  const toFirst = of(seen, server, EVENT_CONNECT)[0]![1]!;

  server.refuseNewConnections(true);
  const second = dtlsClient(t);
  second.connectToHost("127.0.0.1", server.getLocalPort(), 2, 2);
  let i = 0;
  const during = await pump(
    [server, first, second],
    () => {
      // The connected client keeps talking both ways meanwhile.
      toServer.send(0, seq(i), RELIABLE);
      toFirst.send(0, seq(i), RELIABLE);
      i++;
      return server.stats().dtls!.datagramsRefused >= 2 && i >= 20;
    },
    5000 * slowdown,
    each,
  );
  t.deepEqual(of(during, server, EVENT_CONNECT), [], "the new client was not let in");
  t.deepEqual(of(during, second, EVENT_CONNECT), []);
  await pump([server, first], () => counted(got.get(server)?.[0]).length === i && counted(got.get(first)?.[0]).length === i, 5000 * slowdown, each);
  t.deepEqual(counted(got.get(server)![0]), Array.from({ length: i }, (_, n) => n), "old session unaffected");
  t.deepEqual(counted(got.get(first)![0]), Array.from({ length: i }, (_, n) => n));

  // A new client gets in once accepting again (the refused one would too, at its next DTLS
  // retransmission: up to 4 s later; it is not waited for).
  second.destroy();
  server.refuseNewConnections(false);
  const third = dtlsClient(t);
  third.connectToHost("127.0.0.1", server.getLocalPort(), 2, 3);
  const after = await pump([server, first, third], (s) => of(s, server, EVENT_CONNECT).length === 1, CONNECT_MS);
  t.is(of(after, server, EVENT_CONNECT)[0]![2], 3);
  t.is(server.getPeers().length, 2);
});

test("ENetMultiplayerPeer + SceneMultiplayer over DTLS (host.dtlsServerSetup after createServer, dtlsClientSetup after createClient): sendBytes both ways", async (t) => {
  const srv = mpServer(t);
  t.is(srv.peer.host!.dtlsServerSetup(TLSOptions.server(id().key, id().cert)), GodotError.OK);
  const srvNode = scene(srv.peer);
  const client = mpPeer(t);
  t.is(client.createClient("127.0.0.1", srv.port), GodotError.OK);
  t.is(client.host!.dtlsClientSetup("localhost", TLSOptions.client(id().cert)), GodotError.OK);
  const clientNode = scene(client);
  await until(
    [srvNode, clientNode],
    () => client.getConnectionStatus() === ConnectionStatus.CONNECTION_CONNECTED && srvNode.getPeers().length === 1,
    CONNECT_MS,
    "connected over DTLS",
  );
  const toServer = packets(srvNode);
  const toClient = packets(clientNode);
  const cid = client.getUniqueId();
  for (let i = 0; i < 10; i++) {
    t.is(clientNode.sendBytes(Buffer.from([i, 1]), 1, TransferMode.TRANSFER_MODE_RELIABLE), GodotError.OK);
    t.is(srvNode.sendBytes(Buffer.from([i, 2]), cid, TransferMode.TRANSFER_MODE_RELIABLE), GodotError.OK);
  }
  await until([srvNode, clientNode], () => toServer.length === 10 && toClient.length === 10, 5000 * slowdown, "sendBytes");
  t.deepEqual(toServer, Array.from({ length: 10 }, (_, i) => [cid, [i, 1]]));
  t.deepEqual(toClient, Array.from({ length: 10 }, (_, i) => [1, [i, 2]]));
  t.is(srv.peer.getHost()!.stats().dtls!.server!.handshakesCompleted, 1);
  await pollFor([srvNode, clientNode], 20);
});

test("setup codes: no host, the wrong kind of options, null server options, twice, a key that does not match its certificate; TypeErrors", (t) => {
  const c = new ENetConnection();
  const server = TLSOptions.server(id().key, id().cert);
  const client = TLSOptions.client(id().cert);
  t.is(c.dtlsServerSetup(server), GodotError.ERR_UNCONFIGURED);
  t.is(c.dtlsClientSetup("localhost", client), GodotError.ERR_UNCONFIGURED);
  c.refuseNewConnections(true); // ignored without a host, as Godot (an error print)

  const a = bound(t);
  t.is(a.dtlsServerSetup(null), GodotError.ERR_INVALID_PARAMETER);
  t.is(a.dtlsServerSetup(client), GodotError.ERR_INVALID_PARAMETER);
  t.is(a.dtlsServerSetup(TLSOptions.clientUnsafe()), GodotError.ERR_INVALID_PARAMETER);
  t.is(a.dtlsClientSetup("localhost", server), GodotError.ERR_INVALID_PARAMETER);
  t.is(a.stats().dtls, null, "still plain");
  t.is(a.dtlsServerSetup(server), GodotError.OK);
  t.is(a.dtlsServerSetup(server), GodotError.FAILED, "only a plain host can be upgraded");
  t.is(a.dtlsClientSetup("localhost", client), GodotError.FAILED);
  t.not(a.stats().dtls, null);

  const b = bound(t);
  t.is(b.dtlsClientSetup("localhost", client), GodotError.OK);
  const noOptions = bound(t);
  t.is(noOptions.dtlsClientSetup("localhost"), GodotError.OK, "no options: TLSOptions.client(), as Godot's docs say (its code refuses)");
  t.not(noOptions.stats().dtls, null);
  t.is(b.dtlsClientSetup("localhost", client), GodotError.FAILED);
  t.is(b.dtlsServerSetup(server), GodotError.FAILED);

  const other = cryptoIdentity("other");
  const d = bound(t);
  t.is(d.dtlsServerSetup(TLSOptions.server(other.key, id().cert)), GodotError.ERR_INVALID_PARAMETER, "key and certificate do not match");
  t.is(d.stats().dtls, null, "the socket was not touched");

  const e = bound(t);
  t.throws(() => e.dtlsServerSetup({} as TLSOptions), { instanceOf: TypeError });
  t.throws(() => e.dtlsClientSetup(5 as unknown as string, client), { instanceOf: TypeError });
  t.throws(() => e.dtlsClientSetup("localhost", "x" as unknown as TLSOptions), { instanceOf: TypeError });
  t.throws(() => e.refuseNewConnections(1 as unknown as boolean), { instanceOf: TypeError });
  t.is(e.stats().dtls, null);
});

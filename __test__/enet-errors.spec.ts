// ENetConnection/ENetPacketPeer argument handling: TypeErrors for wrong JS types, Godot's error
// codes and "inactive" values for out-of-range arguments, missing or destroyed hosts and
// inactive peers.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { TLSOptions } from "../src-ts/dtls/tls-options.js";
import { ENetConnection, type ENetCompressionMode } from "../src-ts/enet/enet-connection.js";
import { ENetPacketPeer } from "../src-ts/enet/enet-packet-peer.js";
import { bound, connectedPair, host, of, pump } from "./enet-helpers.js";

const NONE_RESULT = [ENetConnection.EVENT_NONE, null, 0, 0];
const ERROR_RESULT = [ENetConnection.EVENT_ERROR, null, 0, 0];

test("createHost/createHostBound: Godot's checks and codes", (t) => {
  const c = host(t);
  const P = GodotError.ERR_INVALID_PARAMETER;
  t.is(c.createHostBound("localhost", 0), P, "a name is not an IP");
  t.is(c.createHostBound("", 0), P);
  t.is(c.createHostBound("127.0.0.1", -1), P);
  t.is(c.createHostBound("127.0.0.1", 65536), P);
  t.is(c.createHost(0), P);
  t.is(c.createHost(4096), P);
  t.is(c.createHost(32, -1), P);
  t.is(c.createHost(32, 256), P);
  t.is(c.createHost(32, 0, -1), P);
  t.is(c.createHost(32, 0, 0, -1), P);
  t.false(c.active);
  t.is(c.createHost(4095, 255, 1000, 1000), GodotError.OK);
  t.is(c.getMaxChannels(), 255);
  t.is(c.createHost(), GodotError.ERR_ALREADY_IN_USE);
  t.is(c.createHostBound("*", 0), GodotError.ERR_ALREADY_IN_USE);
  const taken = bound(t);
  const other = host(t);
  t.is(other.createHostBound("127.0.0.1", taken.getLocalPort()), GodotError.ERR_CANT_CREATE);
  t.is(other.createHostBound("*", 0, 1, 4), GodotError.OK);
  t.is(other.getMaxChannels(), 4);
  t.not(other.getLocalPort(), 0);
});

test("wrong JS argument types throw TypeError", async (t) => {
  const c = bound(t);
  const bad: unknown = "1";
  const call = (f: () => unknown): void => void t.throws(f, { instanceOf: TypeError });
  call(() => c.createHostBound(1 as unknown as string, 0));
  call(() => c.createHostBound("*", bad as number));
  call(() => c.createHost(1.5));
  call(() => c.connectToHost(null as unknown as string, 1));
  call(() => c.connectToHost("127.0.0.1", bad as number));
  call(() => c.service(bad as number));
  call(() => c.service(0.5));
  call(() => c.broadcast(0, "x" as unknown as Uint8Array, 1));
  call(() => c.compress(bad as ENetCompressionMode));
  call(() => c.socketSend("127.0.0.1", 1, [1] as unknown as Uint8Array));
  call(() => c.refuseNewConnections(1 as unknown as boolean));
  call(() => c.dtlsServerSetup({} as TLSOptions));
  call(() => c.channelLimit(bad as number));
  call(() => c.bandwidthLimit(bad as number));
  t.throws(() => new (ENetPacketPeer as unknown as new () => unknown)(), { instanceOf: TypeError });
  const { toServer } = await connectedPair(t);
  call(() => toServer.send(bad as number, Buffer.alloc(1), 1));
  call(() => toServer.send(0, "x" as unknown as Uint8Array, 1));
  call(() => toServer.putPacket("x" as unknown as Uint8Array));
  call(() => toServer.peerDisconnect(bad as number));
  call(() => toServer.setTimeout(1, 2, bad as number));
  call(() => toServer.getStatistic(bad as number));
  call(() => toServer.pingInterval(NaN));
});

test("a connection without a host: EVENT_ERROR, null peers, zeros, ERR_UNCONFIGURED", (t) => {
  const c = new ENetConnection();
  t.deepEqual(c.service(), ERROR_RESULT);
  t.is(c.connectToHost("127.0.0.1", 1234), null);
  t.is(c.getLocalPort(), 0);
  t.is(c.getMaxChannels(), 0);
  t.is(c.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA), 0);
  t.deepEqual(c.getPeers(), []);
  t.is(c.dtlsServerSetup(null), GodotError.ERR_UNCONFIGURED);
  t.is(c.dtlsClientSetup("localhost"), GodotError.ERR_UNCONFIGURED);
  // Godot prints an error and does nothing.
  c.flush();
  c.broadcast(0, Buffer.from("x"), 1);
  c.socketSend("127.0.0.1", 9, Buffer.from("x"));
  c.compress(ENetConnection.COMPRESS_RANGE_CODER);
  c.bandwidthLimit(1, 1);
  c.channelLimit(1);
  c.refuseNewConnections(true);
  c.destroy();
  c.destroy();
  t.is(c.stats().datagramsSent, 0);
});

test("connectToHost: Godot's port range and address checks give null", (t) => {
  const c = bound(t);
  t.is(c.connectToHost("127.0.0.1", 0), null);
  t.is(c.connectToHost("127.0.0.1", 65536), null);
  t.is(c.connectToHost("*", 1234), null);
  t.deepEqual(c.getPeers(), []);
  const p = c.connectToHost("127.0.0.1", 9, 0, 0);
  t.truthy(p);
  t.is(p!.getState(), ENetPacketPeer.STATE_CONNECTING);
  t.is(p!.getRemotePort(), 9);
  t.is(p!.getChannels(), 255);
});

test("DTLS setup: ERR_INVALID_PARAMETER for null server options or the wrong kind; null client options are TLSOptions.client() (more in enet-dtls.spec.ts)", (t) => {
  const c = bound(t);
  t.is(c.dtlsServerSetup(null), GodotError.ERR_INVALID_PARAMETER);
  t.is(c.dtlsServerSetup(TLSOptions.clientUnsafe()), GodotError.ERR_INVALID_PARAMETER);
  t.is(c.dtlsClientSetup("localhost"), GodotError.OK, "Godot's documented default (its code refuses null)");
  t.is(c.dtlsClientSetup("localhost", TLSOptions.clientUnsafe()), GodotError.FAILED, "already set up");
});

test("ENetPacketPeer: Godot's codes for bad channels and flags; ignored setTimeout", async (t) => {
  const { server, client, toServer, toClient } = await connectedPair(t, { channels: 2 });
  const data = Buffer.from("x");
  t.is(toServer.getChannels(), 2);
  t.is(toServer.send(-1, data, 1), GodotError.ERR_INVALID_PARAMETER);
  t.is(toServer.send(3, data, 1), GodotError.ERR_INVALID_PARAMETER);
  t.is(toServer.send(2, data, 1), GodotError.FAILED, "channel == count passes Godot's check, ENet refuses it");
  t.is(toServer.send(0, data, 4), GodotError.ERR_INVALID_PARAMETER, "4 is not an allowed flag");
  t.is(toServer.send(0, data, 1 | 2 | 8), GodotError.OK);
  toServer.setTimeout(100, 50, 200); // limit > min: ignored
  toServer.setTimeout(32, 1000, 500); // min > max: ignored
  toServer.setTimeout(8, 100, 300);
  toServer.pingInterval(100);
  toServer.throttleConfigure(1000, 2, 2);
  toServer.ping();
  t.is(toServer.getStatistic(ENetPacketPeer.PEER_PACKET_THROTTLE_INTERVAL), 1000);
  t.is(toServer.getStatistic(ENetPacketPeer.PEER_PACKET_THROTTLE_ACCELERATION), 2);
  t.is(toServer.getStatistic(99 as never), 0);
  t.true(toServer.getStatistic(ENetPacketPeer.PEER_ROUND_TRIP_TIME) > 0);
  // broadcast checks: channel beyond the host's channel limit, bad flags: nothing sent.
  server.broadcast(255, data, 1);
  server.broadcast(0, data, 16);
  server.broadcast(1, Buffer.from("all"), 1);
  const seen = await pump([server, client], (s) => of(s, client, ENetConnection.EVENT_RECEIVE).length === 1);
  t.deepEqual(of(seen, client, ENetConnection.EVENT_RECEIVE), [[ENetConnection.EVENT_RECEIVE, toServer, 0, 1]]);
  t.is(toServer.getPacket().toString(), "all");
  void toClient;
});

test("destroy: every peer inactive with Godot's inactive values; the connection can host again", async (t) => {
  const { server, toServer, toClient } = await connectedPair(t);
  server.destroy();
  t.false(server.active);
  t.deepEqual(server.service(), ERROR_RESULT);
  t.false(toClient.isActive());
  t.is(toClient.getState(), ENetPacketPeer.STATE_DISCONNECTED);
  t.is(toClient.getRemoteAddress(), "");
  t.is(toClient.getRemotePort(), 0);
  t.is(toClient.getChannels(), 0);
  t.is(toClient.getStatistic(ENetPacketPeer.PEER_ROUND_TRIP_TIME), 0);
  t.is(toClient.send(0, Buffer.from("x"), 1), GodotError.ERR_UNCONFIGURED);
  t.is(toClient.putPacket(Buffer.from("x")), GodotError.ERR_UNCONFIGURED);
  t.is(toClient.putVar(1), GodotError.ERR_UNCONFIGURED);
  t.is(toClient.getVar(), null);
  t.is(toClient.getPacket().length, 0);
  t.is(toClient.getPacketError(), GodotError.ERR_UNCONFIGURED);
  toClient.peerDisconnect();
  toClient.peerDisconnectLater();
  toClient.peerDisconnectNow();
  toClient.reset();
  toClient.ping();
  t.deepEqual(server.getPeers(), []);
  t.is(server.createHostBound("127.0.0.1", 0), GodotError.OK);
  t.false(toClient.isActive(), "a new host does not revive old peers");
  t.true(toServer.isActive(), "the other end has not noticed yet");
  t.deepEqual(server.service(), NONE_RESULT);
});

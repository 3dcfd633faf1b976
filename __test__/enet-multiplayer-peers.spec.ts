// ENetMultiplayerPeer at both ends (server, clients, mesh) with SceneMultiplayer on top, on
// 127.0.0.1: what modules/enet/enet_multiplayer_peer.cpp does for connect, send in each mode,
// disconnect_peer, close, and the peer events, driven by poll() loops on a deadline.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { ENetConnection } from "../src-ts/enet/enet-connection.js";
import { ENetPacketPeer } from "../src-ts/enet/enet-packet-peer.js";
import { ConnectionStatus, TransferMode } from "../src-ts/multiplayer/multiplayer-peer.js";
import { mpPeer, packets, pollFor, scene, server, until } from "./enet-multiplayer-helpers.js";

const { TRANSFER_MODE_RELIABLE: RELIABLE, TRANSFER_MODE_UNRELIABLE: UNRELIABLE } = TransferMode;
const UNRELIABLE_ORDERED = TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED;

function events(peer: { on(e: "peerConnected" | "peerDisconnected", f: (id: number) => void): unknown }): string[] {
  const log: string[] = [];
  peer.on("peerConnected", (id) => log.push(`+${id}`));
  peer.on("peerDisconnected", (id) => log.push(`-${id}`));
  return log;
}

async function clientOf(t: Parameters<typeof server>[0], port: number) {
  const peer = mpPeer(t);
  t.is(peer.createClient("127.0.0.1", port), GodotError.OK);
  t.is(peer.getConnectionStatus(), ConnectionStatus.CONNECTION_CONNECTING);
  const id = peer.getUniqueId();
  t.true(id >= 2 && id <= 0x7fffffff);
  return { peer, id, node: scene(peer), log: events(peer) };
}

test("client and server: CONNECTING then CONNECTED, peer events both sides, sendBytes both ways in all three modes and on a channel", async (t) => {
  const srv = server(t);
  const srvNode = scene(srv.peer);
  const srvLog = events(srv.peer);
  const c = await clientOf(t, srv.port);
  await until([srvNode, c.node], () => c.peer.getConnectionStatus() === ConnectionStatus.CONNECTION_CONNECTED && srvLog.length === 1);
  t.deepEqual(c.log, ["+1"]);
  t.deepEqual(srvLog, [`+${c.id}`]);
  t.is(srv.peer.getUniqueId(), 1);
  t.true(srv.peer.isServer());
  t.false(c.peer.isServer());
  t.true(srv.peer.isServerRelaySupported() && c.peer.isServerRelaySupported());
  t.is(c.peer.getPeer(1)?.getState(), ENetPacketPeer.STATE_CONNECTED);
  t.is(c.peer.getPeer(c.id), null, "a client knows only the server");

  const toServer = packets(srvNode);
  const toClient = packets(c.node);
  // Each mode reaches the other side, as does a 3,000-byte unreliable packet (sent as fragments).
  const modes: Array<[TransferMode, number]> = [
    [RELIABLE, 0],
    [UNRELIABLE, 0],
    [UNRELIABLE_ORDERED, 0],
    [RELIABLE, 3],
  ];
  for (const [i, [mode, channel]] of modes.entries()) {
    t.is(c.node.sendBytes(Buffer.from([i]), 1, mode, channel), GodotError.OK);
    t.is(srvNode.sendBytes(Buffer.from([i]), c.id, mode, channel), GodotError.OK);
  }
  const big = Buffer.alloc(3000, 0x5a);
  t.is(c.node.sendBytes(big, 1, UNRELIABLE), GodotError.OK);
  await until([srvNode, c.node], () => toServer.length === 5 && toClient.length === 4, 5000, "all modes");
  t.deepEqual(toServer.slice(0, 4).map(([id, b]) => [id, b]).sort(), [0, 1, 2, 3].map((i) => [c.id, [i]]));
  t.deepEqual(toClient.map(([id, b]) => [id, b]).sort(), [0, 1, 2, 3].map((i) => [1, [i]]));
  t.deepEqual(toServer[4], [c.id, [...big]]);
});

test("getPacketMode/getPacketChannel describe the next packet as Godot maps ENet's flags and channels back", async (t) => {
  const srv = server(t);
  const c = mpPeer(t);
  t.is(c.createClient("127.0.0.1", srv.port), GodotError.OK);
  await until([srv.peer, c], () => c.getConnectionStatus() === ConnectionStatus.CONNECTION_CONNECTED && srv.peer.getAvailablePacketCount() === 0 && srv.peer.getPeer(c.getUniqueId()) !== null);
  const sends: Array<[TransferMode, number, number]> = [
    [RELIABLE, 0, 1],
    [UNRELIABLE, 0, 2],
    [UNRELIABLE_ORDERED, 0, 3],
    [RELIABLE, 2, 4],
    [UNRELIABLE, 5, 5],
  ];
  c.setTargetPeer(1);
  for (const [mode, channel, tag] of sends) {
    c.transferMode = mode;
    c.transferChannel = channel;
    t.is(c.putPacket(Buffer.from([tag])), GodotError.OK);
  }
  c.transferChannel = 0;
  c.transferMode = UNRELIABLE;
  t.is(c.putPacket(Buffer.alloc(3000, 6)), GodotError.OK, "larger than the MTU: sent as unreliable fragments");
  const got = new Map<number, [number, TransferMode, number]>();
  await until([srv.peer, c], () => {
    while (srv.peer.getAvailablePacketCount() > 0) {
      const from = srv.peer.getPacketPeer();
      const mode = srv.peer.getPacketMode();
      const channel = srv.peer.getPacketChannel();
      const data = srv.peer.getPacket();
      t.is(srv.peer.getPacketError(), GodotError.OK);
      got.set(data[0]!, [from, mode, channel]);
    }
    return got.size === 6;
  });
  const id = c.getUniqueId();
  t.deepEqual(got.get(1), [id, RELIABLE, 0]);
  t.deepEqual(got.get(2), [id, UNRELIABLE, 0]);
  t.deepEqual(got.get(3), [id, UNRELIABLE_ORDERED, 0]);
  t.deepEqual(got.get(4), [id, RELIABLE, 2]);
  t.deepEqual(got.get(5), [id, UNRELIABLE, 5]);
  t.deepEqual(got.get(6), [id, UNRELIABLE_ORDERED, 0], "fragments carry UNRELIABLE_FRAGMENT, not UNSEQUENCED");
  // Empty queue: Godot's error values.
  t.is(srv.peer.getPacketPeer(), 1);
  t.is(srv.peer.getPacketChannel(), 1);
  t.is(srv.peer.getPacketMode(), RELIABLE);
  t.is(srv.peer.getPacket().length, 0);
  t.is(srv.peer.getPacketError(), GodotError.ERR_UNAVAILABLE);
});

test("two clients see each other through the server (SceneMultiplayer relay), and the server's disconnectPeer reaches everyone", async (t) => {
  const srv = server(t);
  const srvNode = scene(srv.peer);
  const a = await clientOf(t, srv.port);
  const b = await clientOf(t, srv.port);
  const aNodeLog: number[] = [];
  a.node.on("peerConnected", (id) => aNodeLog.push(id));
  await until([srvNode, a.node, b.node], () => a.node.getPeers().length === 2 && b.node.getPeers().length === 2, 5000, "relay admission");
  t.deepEqual(a.node.getPeers().sort(), [1, b.id].sort());
  t.deepEqual(a.log, ["+1"], "the transport itself only knows the server");
  const toB = packets(b.node);
  t.is(a.node.sendBytes(Buffer.from("hi b"), b.id), GodotError.OK);
  t.is(a.node.sendBytes(Buffer.from("all"), 0, UNRELIABLE), GodotError.OK);
  await until([srvNode, a.node, b.node], () => toB.length === 2, 5000, "relayed");
  t.deepEqual(toB.map(([id, p]) => [id, Buffer.from(p).toString()]).sort(), [
    [a.id, "all"],
    [a.id, "hi b"],
  ]);

  // Server drops A: A's transport sees the server leave, B hears DEL_PEER.
  srvNode.disconnectPeer(a.id);
  await until([srvNode, a.node, b.node], () => a.peer.getConnectionStatus() === ConnectionStatus.CONNECTION_DISCONNECTED && b.node.getPeers().length === 1, 5000, "disconnect");
  t.deepEqual(a.log, ["+1", "-1"]);
  t.is(a.peer.getUniqueId(), 0);
  t.deepEqual(b.node.getPeers(), [1]);
  t.deepEqual(srvNode.getPeers(), [b.id]);
  t.true(aNodeLog.includes(b.id));
});

test("disconnectPeer(id, true) forgets at once without an event; close() tells the clients", async (t) => {
  const srv = server(t);
  const srvLog = events(srv.peer);
  const a = await clientOf(t, srv.port);
  const b = await clientOf(t, srv.port);
  await until([srv.peer, a.peer, b.peer], () => srvLog.length === 2 && a.log.length === 1 && b.log.length === 1);
  srv.peer.disconnectPeer(a.id, true);
  t.is(srv.peer.getPeer(a.id), null);
  await until([srv.peer, a.peer, b.peer], () => a.log.length === 2, 5000, "a told");
  t.deepEqual(a.log, ["+1", "-1"]);
  t.deepEqual(srvLog, [`+${a.id}`, `+${b.id}`], "forced: no peerDisconnected on the server");
  // The server closes: B's transport hears it (ENet's immediate disconnect), the server emits nothing.
  srv.peer.close();
  t.is(srv.peer.getConnectionStatus(), ConnectionStatus.CONNECTION_DISCONNECTED);
  t.is(srv.peer.getHost(), null);
  await until([b.peer], () => b.peer.getConnectionStatus() === ConnectionStatus.CONNECTION_DISCONNECTED, 5000, "b told");
  t.deepEqual(b.log, ["+1", "-1"]);
  t.deepEqual(srvLog, [`+${a.id}`, `+${b.id}`]);
  // Reusable after close.
  t.is(srv.peer.createServer(0), GodotError.OK);
  t.is(srv.peer.getUniqueId(), 1);
});

test("a client whose server never answers stays CONNECTING; one whose server closes goes DISCONNECTED with peerDisconnected 1", async (t) => {
  const srv = server(t);
  const srvLog = events(srv.peer);
  const c = await clientOf(t, srv.port);
  // Both ends: close() only tells peers the server has admitted (Godot's peers map).
  await until([srv.peer, c.peer], () => c.log.length === 1 && srvLog.length === 1);
  t.is(c.peer.putPacket(Buffer.from([1])), GodotError.OK);
  srv.peer.close();
  await until([c.peer], () => c.peer.getConnectionStatus() === ConnectionStatus.CONNECTION_DISCONNECTED);
  t.deepEqual(c.log, ["+1", "-1"]);
  t.is(c.peer.putPacket(Buffer.from([1])), GodotError.ERR_UNCONFIGURED);

  // A host that is never serviced never answers: ENet keeps retrying; the client stays CONNECTING.
  const silent = new ENetConnection();
  t.teardown(() => silent.destroy());
  t.is(silent.createHostBound("127.0.0.1", 0, 1), GodotError.OK);
  const d = mpPeer(t);
  t.is(d.createClient("127.0.0.1", silent.getLocalPort()), GodotError.OK);
  await pollFor([d], 100);
  t.is(d.getConnectionStatus(), ConnectionStatus.CONNECTION_CONNECTING);
  t.is(d.putPacket(Buffer.from([1])), GodotError.ERR_UNCONFIGURED);
});

test("mesh: two peers linked by addMeshPeer exchange bytes through SceneMultiplayer and see each other leave", async (t) => {
  // Link two plain ENetConnections first (Godot's documented mesh set-up), then hand them over.
  const h1 = new ENetConnection();
  const h2 = new ENetConnection();
  t.teardown(() => {
    h1.destroy();
    h2.destroy();
  });
  t.is(h1.createHostBound("127.0.0.1", 0, 1), GodotError.OK);
  t.is(h2.createHostBound("127.0.0.1", 0, 1), GodotError.OK);
  t.not(h2.connectToHost("127.0.0.1", h1.getLocalPort()), null);
  const deadline = Date.now() + 5000;
  let ok1 = false;
  let ok2 = false;
  while (!(ok1 && ok2)) {
    if (Date.now() > deadline) throw new Error("mesh link did not connect");
    if (h1.service()[0] === ENetConnection.EVENT_CONNECT) ok1 = true;
    if (h2.service()[0] === ENetConnection.EVENT_CONNECT) ok2 = true;
    await new Promise((r) => setImmediate(r));
  }
  const m1 = mpPeer(t);
  const m2 = mpPeer(t);
  t.is(m1.addMeshPeer(20, h1), GodotError.ERR_UNCONFIGURED, "createMesh first");
  t.is(m1.createMesh(10), GodotError.OK);
  t.is(m2.createMesh(20), GodotError.OK);
  t.is(m1.createMesh(10), GodotError.ERR_ALREADY_IN_USE);
  const log1 = events(m1);
  const log2 = events(m2);
  // SceneMultiplayer first: it learns peers from the events addMeshPeer emits at once.
  const n1 = scene(m1);
  const n2 = scene(m2);
  t.is(m1.addMeshPeer(20, h1), GodotError.OK);
  t.is(m2.addMeshPeer(10, h2), GodotError.OK);
  t.deepEqual([log1, log2], [["+20"], ["+10"]], "emitted at once, as Godot does");
  t.is(m1.getHost(), null, "a mesh has no single host");
  t.is(m1.getPeer(20)?.getState(), ENetPacketPeer.STATE_CONNECTED);
  t.false(m1.isServer());
  t.false(m1.isServerRelaySupported());
  t.deepEqual(n1.getPeers(), [20]);
  const got2 = packets(n2);
  const got1 = packets(n1);
  t.is(n1.sendBytes(Buffer.from([1, 2, 3]), 20), GodotError.OK);
  t.is(n2.sendBytes(Buffer.from([4]), 0, UNRELIABLE), GodotError.OK);
  await until([n1, n2], () => got2.length === 1 && got1.length === 1, 5000, "mesh bytes");
  t.deepEqual(got2, [[10, [1, 2, 3]]]);
  t.deepEqual(got1, [[20, [4]]]);
  // m2 leaves: m1 sees peer 20 go; m1's link host is destroyed with it.
  m2.close();
  await until([n1], () => log1.length === 2, 5000, "mesh leave");
  t.deepEqual(log1, ["+20", "-20"]);
  t.false(h1.active);
});

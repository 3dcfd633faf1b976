// Godot's client side played byte for byte against ENetMultiplayerPeer + SceneMultiplayer in
// Node: raw ENetConnection clients do what modules/enet/enet_multiplayer_peer.cpp (create_client,
// put_packet) and modules/multiplayer/scene_multiplayer.cpp (send_bytes, the SYS RELAY and AUTH
// messages) put on the wire: the unique id as CONNECT data, 0 channels asked (ENet's maximum),
// RELIABLE on channel 0, UNSEQUENCED|UNRELIABLE_FRAGMENT on channel 1, user channel n on n + 1.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { ENetPacketPeer } from "../src-ts/enet/enet-packet-peer.js";
import { TransferMode } from "../src-ts/multiplayer/multiplayer-peer.js";
import { i32, packets, pollFor, RawClient, scene, server, until } from "./enet-multiplayer-helpers.js";

const RELIABLE = ENetPacketPeer.FLAG_RELIABLE;
const UNSEQUENCED = ENetPacketPeer.FLAG_UNSEQUENCED;
const UNRELIABLE_FRAGMENT = ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT;
const RAW = 3;
const SYS = 7;
const AUTH = 0;
const ADD_PEER = 1;
const DEL_PEER = 2;
const RELAY = 3;

test("a Godot client's send_bytes reaches peerPacket on every channel and mode, and the server's bytes come back framed as Godot's", async (t) => {
  const { peer, port } = server(t);
  const node = scene(peer);
  const got = packets(node);
  const connected: number[] = [];
  node.on("peerConnected", (id) => connected.push(id));
  const client = new RawClient(t, port, 123456);
  await until([node, client], () => client.connected && connected.length === 1, 5000, "connect");
  t.deepEqual(connected, [123456]);
  t.deepEqual(peer.getPeer(123456)?.getRemotePort(), client.host.getLocalPort());
  t.is(client.peer.getChannels(), 255, "0 channels asked: ENet's maximum, as Godot asks");

  // Godot's client: reliable on 0, unreliable (unsequenced) on 1, unreliable-ordered on 1, channel 3 on 4.
  client.send(0, [RAW, 1, 2], RELIABLE);
  client.send(1, [RAW, 3], UNSEQUENCED | UNRELIABLE_FRAGMENT);
  client.send(1, [RAW, 4], UNRELIABLE_FRAGMENT);
  client.send(4, [RAW, 5], RELIABLE);
  await until([node, client], () => got.length === 4, 5000, "4 packets");
  t.deepEqual(
    got.map(([id, bytes]) => [id, bytes[0]]),
    [
      [123456, 1],
      [123456, 3],
      [123456, 4],
      [123456, 5],
    ],
  );
  t.deepEqual(got[0]![1], [1, 2]);

  // The server's send_bytes in each mode and on channel 2 (ENet channel 3).
  t.is(node.sendBytes(Buffer.from([9, 9]), 123456, TransferMode.TRANSFER_MODE_RELIABLE), GodotError.OK);
  t.is(node.sendBytes(Buffer.from([8]), 123456, TransferMode.TRANSFER_MODE_UNRELIABLE), GodotError.OK);
  t.is(node.sendBytes(Buffer.from([7]), 123456, TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED), GodotError.OK);
  t.is(node.sendBytes(Buffer.from([6]), 123456, TransferMode.TRANSFER_MODE_RELIABLE, 2), GodotError.OK);
  await until([node, client], () => client.received.length === 4, 5000, "4 packets back");
  const byPayload = new Map(client.received.map((p) => [p.bytes[1], p]));
  t.deepEqual(byPayload.get(9), { channel: 0, flags: RELIABLE, bytes: [RAW, 9, 9] });
  t.deepEqual(byPayload.get(8), { channel: 1, flags: UNSEQUENCED, bytes: [RAW, 8] });
  t.deepEqual(byPayload.get(7), { channel: 1, flags: 0, bytes: [RAW, 7] });
  t.deepEqual(byPayload.get(6), { channel: 3, flags: RELIABLE, bytes: [RAW, 6] });
});

test("relay: the server announces each client to the other (ADD_PEER), forwards RELAY with the source id, and DEL_PEER on leave", async (t) => {
  const { peer, port } = server(t);
  const node = scene(peer);
  const a = new RawClient(t, port, 1000);
  await until([node, a], () => a.connected && node.getPeers().length === 1, 5000, "a");
  t.deepEqual(a.received, [], "alone: nobody to announce");
  const b = new RawClient(t, port, 2000);
  await until([node, a, b], () => a.received.length === 1 && b.received.length === 1, 5000, "ADD_PEER both ways");
  t.deepEqual(a.received, [{ channel: 0, flags: RELIABLE, bytes: [SYS, ADD_PEER, ...i32(2000)] }]);
  t.deepEqual(b.received, [{ channel: 0, flags: RELIABLE, bytes: [SYS, ADD_PEER, ...i32(1000)] }]);

  // A's send_bytes to B: [SYS][RELAY][dest i32][RAW payload], reliable and unreliable.
  const got = packets(node);
  a.send(0, [SYS, RELAY, ...i32(2000), RAW, 0xab], RELIABLE);
  a.send(1, [SYS, RELAY, ...i32(2000), RAW, 0xcd], UNSEQUENCED | UNRELIABLE_FRAGMENT);
  await until([node, a, b], () => b.received.length === 3, 5000, "relayed");
  t.deepEqual(b.received[1], { channel: 0, flags: RELIABLE, bytes: [SYS, RELAY, ...i32(1000), RAW, 0xab] });
  t.deepEqual(b.received[2], { channel: 1, flags: UNSEQUENCED, bytes: [SYS, RELAY, ...i32(1000), RAW, 0xcd] });
  t.deepEqual(got, [], "relayed packets are not the server's");

  // A broadcast (dest 0) reaches B and the server.
  a.send(0, [SYS, RELAY, ...i32(0), RAW, 0xef], RELIABLE);
  await until([node, a, b], () => b.received.length === 4 && got.length === 1, 5000, "broadcast");
  t.deepEqual(b.received[3]!.bytes, [SYS, RELAY, ...i32(1000), RAW, 0xef]);
  t.deepEqual(got, [[1000, [0xef]]]);

  // A leaves (ENet disconnect): B hears DEL_PEER.
  a.peer.peerDisconnect(0);
  await until([node, a, b], () => b.received.length === 5, 5000, "DEL_PEER");
  t.deepEqual(b.received[4], { channel: 0, flags: RELIABLE, bytes: [SYS, DEL_PEER, ...i32(1000)] });
  t.true(a.disconnected);
  t.deepEqual(node.getPeers(), [2000]);
});

test("auth: AUTH bytes both ways on channel 0, and the peer admitted only after both ends completed", async (t) => {
  const { peer, port } = server(t);
  const node = scene(peer);
  const authSeen: Array<[number, number[]]> = [];
  node.authCallback = (id, data) => {
    authSeen.push([id, [...data]]);
    if (Buffer.from(data).toString() === "secret") {
      node.sendAuth(id, Buffer.from("ok"));
      node.completeAuth(id);
    }
  };
  const authenticating: number[] = [];
  node.on("peerAuthenticating", (id) => authenticating.push(id));
  const a = new RawClient(t, port, 77);
  await until([node, a], () => a.connected && authenticating.length === 1, 5000, "authenticating");
  t.deepEqual(node.getAuthenticatingPeers(), [77]);
  a.send(0, [SYS, AUTH, ...Buffer.from("secret")], RELIABLE);
  await until([node, a], () => a.received.length === 2, 5000, "auth answer");
  t.deepEqual(authSeen, [[77, [...Buffer.from("secret")]]]);
  t.deepEqual(a.received, [
    { channel: 0, flags: RELIABLE, bytes: [SYS, AUTH, ...Buffer.from("ok")] },
    { channel: 0, flags: RELIABLE, bytes: [SYS, AUTH] },
  ]);
  t.deepEqual(node.getPeers(), [], "not admitted until the client completes too");
  a.send(0, [SYS, AUTH], RELIABLE);
  await until([node, a], () => node.getPeers().length === 1, 5000, "admitted");
  t.deepEqual(node.getPeers(), [77]);
});

test("refused as Godot refuses: ids 0, 1, >= 2^31 and a duplicate are reset (nothing sent back; the client times out)", async (t) => {
  const { peer, port } = server(t);
  const node = scene(peer);
  const connected: number[] = [];
  node.on("peerConnected", (id) => connected.push(id));
  const good = new RawClient(t, port, 5);
  await until([node, good], () => connected.length === 1, 5000, "good");
  const bad = [0, 1, 0x80000000, 5].map((id) => new RawClient(t, port, id));
  // ENet connects them (VERIFY_CONNECT comes before the server's CONNECT event), then the server forgets them.
  await until([node, good, ...bad], () => bad.every((c) => c.connected), 5000, "bad ones connect at ENet level");
  for (const c of bad) c.peer.setTimeout(32, 300, 600);
  await until([node, good, ...bad], () => bad.every((c) => c.disconnected), 5000, "bad ones time out");
  t.deepEqual(connected, [5]);
  t.deepEqual(node.getPeers(), [5]);
  t.like(peer.stats(), { refusedInvalidId: 3, refusedDuplicateId: 1 });
  t.deepEqual(
    bad.map((c) => c.received),
    [[], [], [], []],
  );
  t.is(peer.getHost()!.getPeers().length, 1, "only the good client is left on the host");
  // The good client was not disturbed.
  good.send(0, [RAW, 1], RELIABLE);
  const got = packets(node);
  await until([node, good], () => got.length === 1, 5000, "good still works");
  t.deepEqual(got, [[5, [1]]]);
});

test("refuseNewConnections: a CONNECT is reset and counted while set; admitted again once cleared", async (t) => {
  const { peer, port } = server(t);
  const node = scene(peer);
  peer.refuseNewConnections = true;
  const c = new RawClient(t, port, 9);
  c.peer.setTimeout(32, 300, 600);
  await until([node, c], () => c.disconnected, 5000, "refused client times out");
  t.deepEqual(node.getPeers(), []);
  t.like(peer.stats(), { refusedNewConnection: 1 });
  peer.refuseNewConnections = false;
  const d = new RawClient(t, port, 9);
  await until([node, d], () => node.getPeers().length === 1, 5000, "admitted");
  await pollFor([node, d], 20);
  t.deepEqual(node.getPeers(), [9]);
});

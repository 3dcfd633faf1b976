// Hostile SceneMultiplayer input: truncated SYS headers, unknown commands, relays to the server
// itself or to unknown peers, AUTH from an admitted peer, unknown senders, and seeded random
// packets. Nothing throws, every packet is taken, what Godot would skip (ERR_FAIL / ERR_CONTINUE
// in scene_multiplayer.cpp) is dropped under a counter, and the admitted peers keep working.
import test from "ava";
import type { SceneMultiplayerStats } from "../src-ts/multiplayer/scene-multiplayer-stats.js";
import { i32, network, settle } from "./multiplayer-helpers.js";
import { prng } from "./seeded-random.js";

function admitted() {
  const net = network([2, 3]);
  const [c2, c3] = net.clients as [(typeof net.clients)[0], (typeof net.clients)[0]];
  const nodes = [net.server, c2.node, c3.node];
  net.hub.connect(c2.peer);
  settle(net.hub, nodes);
  net.hub.connect(c3.peer);
  settle(net.hub, nodes);
  for (const peer of [net.serverPeer, c2.peer, c3.peer]) peer.takeSent();
  return { ...net, c2, c3, nodes };
}

function dropped(stats: SceneMultiplayerStats): Partial<SceneMultiplayerStats> {
  const out: Partial<SceneMultiplayerStats> = {};
  for (const [key, value] of Object.entries(stats) as Array<[keyof SceneMultiplayerStats, number]>) {
    if (key.startsWith("dropped") && value > 0) out[key] = value;
  }
  return out;
}

// [bytes from client 2 to the server, the counter it lands in (null: handled, not dropped)].
const CASES: Array<[string, number[], keyof SceneMultiplayerStats | null]> = [
  ["empty packet", [], "droppedMalformed"],
  ["SYS alone", [7], "droppedMalformed"],
  ["SYS ADD_PEER without its peer id", [7, 1], "droppedMalformed"],
  ["SYS RELAY with 3 of 4 id bytes", [7, 3, 0, 0, 0], "droppedMalformed"],
  ["RELAY without an inner packet", [7, 3, ...i32(3)], "droppedMalformed"],
  ["RAW without payload", [3], "droppedMalformed"],
  ["AUTH with data from an admitted peer", [7, 0, 1, 2], "droppedMalformed"],
  ["unknown SYS command 4", [7, 4, ...i32(0)], "droppedRefusedSys"],
  ["unknown SYS command 255", [0xff, 0xff, ...i32(-1), 9], "droppedRefusedSys"],
  ["ADD_PEER sent to the server", [7, 1, ...i32(5)], "droppedRefusedSys"],
  ["DEL_PEER from a client", [7, 2, ...i32(3)], "droppedRefusedSys"],
  ["RELAY to the server itself", [7, 3, ...i32(1), 3, 1], "droppedRelayTarget"],
  ["RELAY to an unknown peer", [7, 3, ...i32(99), 3, 1], "droppedRelayTarget"],
  ["REMOTE_CALL", [0, 1, 2, 3], "droppedUnsupported"],
  ["SIMPLIFY_PATH", [1, 0, 0, 0, 0], "droppedUnsupported"],
  ["CONFIRM_PATH", [2, 0], "droppedUnsupported"],
  ["SPAWN", [4], "droppedUnsupported"],
  ["DESPAWN", [5, 1], "droppedUnsupported"],
  ["SYNC with flag bits", [0x36, 1], "droppedUnsupported"],
  ["AUTH confirmation from an admitted peer", [7, 0], null],
];

for (const [name, bytes, counter] of CASES) {
  test(`hostile: ${name} ${counter === null ? "is accepted quietly" : `counts in ${counter}`}`, (t) => {
    const { hub, server, serverPeer, c3, nodes } = admitted();
    const events: string[] = [];
    for (const event of ["peerPacket", "peerConnected", "peerDisconnected"] as const) {
      server.on(event, () => events.push(event));
    }
    hub.inject(1, 2, Buffer.from(bytes));
    t.notThrows(() => server.poll());
    const stats = server.stats();
    t.is(stats.packetsReceived, 1);
    t.deepEqual(dropped(stats), counter === null ? {} : { [counter]: 1 });
    t.is(stats.packetsDropped, counter === null ? 0 : 1);
    t.deepEqual(events, []);
    t.deepEqual(serverPeer.takeSent(), []);
    t.deepEqual(server.getPeers(), [2, 3]);
    // The peers still work.
    const got: number[] = [];
    c3.node.on("peerPacket", (id) => got.push(id));
    server.sendBytes(Buffer.from([1]), 3);
    settle(hub, nodes);
    t.deepEqual(got, [1]);
  });
}

test("hostile: the RAW command is the low 3 bits only; flag bits and bit 3 still deliver (Godot's CMD_MASK)", (t) => {
  const { hub, server } = admitted();
  const got: number[][] = [];
  server.on("peerPacket", (_id, data) => got.push([...data]));
  hub.inject(1, 2, Buffer.from([0x0b, 1]));
  hub.inject(1, 2, Buffer.from([0xf3, 2]));
  server.poll();
  t.deepEqual(got, [[1], [2]]);
});

test("hostile: a SYS inside a RELAY is forwarded as Godot forwards it, and refused wherever it lands", (t) => {
  const { hub, server, serverPeer, c3, nodes } = admitted();
  hub.inject(1, 2, Buffer.from([7, 3, ...i32(0), 7, 1, ...i32(9)]));
  settle(hub, nodes);
  t.deepEqual(serverPeer.sent.map((p) => p.bytes), [[7, 3, ...i32(2), 7, 1, ...i32(9)]]);
  t.is(server.stats().droppedRefusedSys, 1);
  t.is(c3.node.stats().droppedRefusedSys, 1);
  t.deepEqual(c3.node.getPeers(), [1, 2]);
});

test("hostile: packets from an id that is neither connected nor authenticating are dropped", (t) => {
  const { hub, server } = admitted();
  for (const from of [0, 77, -2, 2 ** 31 - 1]) hub.inject(1, from, Buffer.from([3, 1]));
  server.poll();
  t.deepEqual(dropped(server.stats()), { droppedUnknownSender: 4 });
});

test("hostile: a client drops SYS RELAY/ADD_PEER/DEL_PEER that do not come from the server", (t) => {
  const { hub, c2 } = admitted();
  // Client 2 knows peer 3 (announced); a direct packet from 3 cannot carry SYS for it.
  hub.inject(2, 3, Buffer.from([7, 1, ...i32(8)]));
  hub.inject(2, 3, Buffer.from([7, 2, ...i32(1)]));
  hub.inject(2, 3, Buffer.from([7, 3, ...i32(3), 3, 1]));
  c2.node.poll();
  t.deepEqual(dropped(c2.node.stats()), { droppedRefusedSys: 3 });
  t.deepEqual(c2.node.getPeers(), [1, 3]);
});

test("hostile: every prefix of every valid message is handled without throwing", (t) => {
  const { hub, server, c2, nodes } = admitted();
  const messages = [
    [7, 1, ...i32(3)],
    [7, 2, ...i32(3)],
    [7, 3, ...i32(0), 3, 1, 2, 3],
    [7, 0, 9, 9],
    [3, 1, 2],
  ];
  let sent = 0;
  for (const message of messages) {
    for (let length = 0; length <= message.length; length++) {
      hub.inject(1, 2, Buffer.from(message.slice(0, length)));
      hub.inject(2, 1, Buffer.from(message.slice(0, length)));
      sent++;
    }
  }
  t.notThrows(() => settle(hub, nodes));
  t.is(server.stats().packetsReceived, sent);
  t.true(server.stats().packetsDropped > 0);
  t.true(c2.node.stats().packetsDropped > 0);
});


test("hostile: 20,000 seeded random packets at the server and at a client never throw and are all taken", (t) => {
  const { hub, server, c2, c3, nodes } = admitted();
  const random = prng(0x5eed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const ids = [-3, -2, -1, 0, 1, 2, 3, 99, -0x80000000, 0x7fffffff];
  let toServer = 0;
  for (let i = 0; i < 20_000; i++) {
    const length = Math.floor(random() * 24);
    const bytes = Buffer.alloc(length);
    for (let j = 0; j < length; j++) bytes[j] = Math.floor(random() * 256);
    // Bias towards the structured commands so the SYS paths are reached often.
    if (length > 0 && random() < 0.6) bytes[0] = pick([3, 7, 7, 0x13, 0x87]);
    if (length > 1 && bytes[0]! % 8 === 7 && random() < 0.8) bytes[1] = pick([0, 1, 2, 3, 4]);
    if (length >= 6 && random() < 0.8) bytes.writeInt32LE(pick(ids), 2);
    if (random() < 0.5) {
      hub.inject(1, pick([2, 3, 77]), bytes);
      toServer++;
    } else {
      hub.inject(2, 1, bytes);
    }
    if (i % 500 === 499) t.notThrows(() => settle(hub, nodes, 100));
  }
  t.notThrows(() => settle(hub, nodes, 100));
  const stats = server.stats();
  t.is(stats.packetsReceived, toServer);
  t.true(stats.packetsDropped > 0);
  t.true(stats.packetsRelayed > 0);
  // The server's admitted peers are untouched: clients cannot add or remove peers there.
  t.deepEqual(server.getPeers(), [2, 3]);
  const got: number[] = [];
  c3.node.on("peerPacket", (id) => got.push(id));
  server.sendBytes(Buffer.from([1]), 3);
  settle(hub, nodes);
  t.deepEqual(got, [1]);
  t.true(c2.node.stats().packetsReceived > 0);
});

// SceneMultiplayer's bytes and peers over an in-memory MultiplayerPeer: admission, Godot's
// ADD_PEER/DEL_PEER announcements, send_bytes, server relay between two clients, disconnects.
// Every expected packet is written by hand from Godot's modules/multiplayer/scene_multiplayer.cpp
// (function named beside it); enums and SYS_CMD_SIZE from scene_multiplayer.h.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { TransferMode } from "../src-ts/multiplayer/multiplayer-peer.js";
import { SceneMultiplayer } from "../src-ts/multiplayer/scene-multiplayer.js";
import { MemoryHub, i32, network, recordEvents, settle } from "./multiplayer-helpers.js";

const RELIABLE = TransferMode.TRANSFER_MODE_RELIABLE;
const UNRELIABLE = TransferMode.TRANSFER_MODE_UNRELIABLE;
const ORDERED = TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED;

/** A server and clients 2 and 3, all admitted, with every send so far forgotten. */
function threePeers(setup?: (node: SceneMultiplayer) => void) {
  const net = network([2, 3], setup);
  const [c2, c3] = net.clients as [(typeof net.clients)[0], (typeof net.clients)[0]];
  const nodes = [net.server, c2.node, c3.node];
  net.hub.connect(c2.peer);
  settle(net.hub, nodes);
  net.hub.connect(c3.peer);
  settle(net.hub, nodes);
  for (const peer of [net.serverPeer, c2.peer, c3.peer]) peer.takeSent();
  return { ...net, c2, c3, nodes };
}

test("a new SceneMultiplayer runs on Godot's OfflineMultiplayerPeer: id 1, server, no peers", (t) => {
  const node = new SceneMultiplayer();
  t.is(node.getUniqueId(), 1);
  t.true(node.isServer());
  t.true(node.hasMultiplayerPeer());
  t.deepEqual(node.getPeers(), []);
  t.is(node.poll(), GodotError.OK);
  // send_command broadcasts to no one (OK); a single unknown target is Godot's ERR_BUG.
  t.is(node.sendBytes(Buffer.from([1])), GodotError.OK);
  t.is(node.sendBytes(Buffer.from([1]), 2), GodotError.ERR_BUG);
});

test("a client joins: server and client admit each other; nothing else is sent when alone", (t) => {
  const { hub, server, serverPeer, clients } = network([2]);
  const client = clients[0]!;
  const serverLog = recordEvents(server);
  const clientLog = recordEvents(client.node);
  t.is(client.node.getUniqueId(), 2);
  t.false(client.node.isServer());
  hub.connect(client.peer);
  settle(hub, [server, client.node]);
  t.deepEqual(serverLog, ["peerConnected 2"]);
  // _admit_peer: connected_to_server before peer_connected for id 1.
  t.deepEqual(clientLog, ["connectedToServer", "peerConnected 1"]);
  t.deepEqual(server.getPeers(), [2]);
  t.deepEqual(client.node.getPeers(), [1]);
  t.deepEqual(serverPeer.sent, []);
  t.deepEqual(client.peer.sent, []);
});

test("a second client: the server sends ADD_PEER both ways, reliable on channel 0 (_admit_peer)", (t) => {
  const { hub, server, serverPeer, clients } = network([2, 3]);
  const [c2, c3] = clients as [(typeof clients)[0], (typeof clients)[0]];
  const nodes = [server, c2.node, c3.node];
  hub.connect(c2.peer);
  settle(hub, nodes);
  const log2 = recordEvents(c2.node);
  const log3 = recordEvents(c3.node);
  hub.connect(c3.peer);
  settle(hub, nodes);
  // For each connected P: [SYS][ADD_PEER][new id] to P, then [SYS][ADD_PEER][P] to the new peer.
  t.deepEqual(serverPeer.sent, [
    { target: 2, channel: 0, mode: RELIABLE, bytes: [7, 1, ...i32(3)] },
    { target: 3, channel: 0, mode: RELIABLE, bytes: [7, 1, ...i32(2)] },
  ]);
  t.deepEqual(log2, ["peerConnected 3"]);
  t.deepEqual(log3, ["connectedToServer", "peerConnected 1", "peerConnected 2"]);
  t.deepEqual(c2.node.getPeers(), [1, 3]);
  t.deepEqual(c3.node.getPeers(), [1, 2]);
  t.deepEqual(server.getPeers(), [2, 3]);
});

test("send_bytes from the server: [RAW][bytes] to one, all, or all but one, with mode and channel", (t) => {
  const { hub, server, serverPeer, c2, c3, nodes } = threePeers();
  const got: string[] = [];
  for (const c of [c2, c3]) {
    c.node.on("peerPacket", (id, data) => got.push(`${c.id}<-${id}:${[...data].join(",")}:${c.node.getRemoteSenderId()}`));
  }
  t.is(server.sendBytes(Buffer.from([0xaa, 0xbb]), 3, UNRELIABLE, 2), GodotError.OK);
  t.is(server.sendBytes(Buffer.from([1])), GodotError.OK);
  t.is(server.sendBytes(Buffer.from([2]), -2, ORDERED, 1), GodotError.OK);
  // send_bytes: packet_cache = [NETWORK_COMMAND_RAW] + data; send_command sets the target per peer.
  t.deepEqual(serverPeer.takeSent(), [
    { target: 3, channel: 2, mode: UNRELIABLE, bytes: [3, 0xaa, 0xbb] },
    { target: 2, channel: 0, mode: RELIABLE, bytes: [3, 1] },
    { target: 3, channel: 0, mode: RELIABLE, bytes: [3, 1] },
    { target: 3, channel: 1, mode: ORDERED, bytes: [3, 2] },
  ]);
  settle(hub, nodes);
  t.deepEqual(got.sort(), ["2<-1:1:1", "3<-1:170,187:1", "3<-1:1:1", "3<-1:2:1"].sort());
  t.is(c2.node.getRemoteSenderId(), 0);
});

test("relay: client 2 to client 3 goes [SYS][RELAY][3][RAW..] to the server, which forwards [SYS][RELAY][2][RAW..]", (t) => {
  const { hub, server, serverPeer, c2, c3, nodes } = threePeers();
  const serverGot: number[] = [];
  server.on("peerPacket", (id) => serverGot.push(id));
  const got: Array<[number, number[], number]> = [];
  c3.node.on("peerPacket", (id, data) => got.push([id, [...data], c3.node.getRemoteSenderId()]));
  t.is(c2.node.sendBytes(Buffer.from("hi"), 3, UNRELIABLE, 4), GodotError.OK);
  // send_command on a client with relay: [SYS][RELAY][i32 destination][packet], to the server.
  t.deepEqual(c2.peer.takeSent(), [{ target: 1, channel: 4, mode: UNRELIABLE, bytes: [7, 3, ...i32(3), 3, 0x68, 0x69] }]);
  settle(hub, nodes);
  // _process_sys RELAY on the server: the source replaces the destination; mode and channel kept.
  t.deepEqual(serverPeer.takeSent(), [{ target: 3, channel: 4, mode: UNRELIABLE, bytes: [7, 3, ...i32(2), 3, 0x68, 0x69] }]);
  t.deepEqual(got, [[2, [0x68, 0x69], 2]]);
  t.deepEqual(serverGot, []);
  t.is(server.stats().packetsRelayed, 1);
  // A client's direct send to the server is not relayed.
  t.is(c2.node.sendBytes(Buffer.from([9]), 1), GodotError.OK);
  t.deepEqual(c2.peer.takeSent(), [{ target: 1, channel: 0, mode: RELIABLE, bytes: [3, 9] }]);
  settle(hub, nodes);
  t.deepEqual(serverGot, [2]);
});

test("relay broadcast and exclusion: 0 reaches everyone, -1 all but the server, -3 all but 3", (t) => {
  const { hub, server, serverPeer, c2, c3, nodes } = threePeers();
  const got: string[] = [];
  for (const [name, node] of [["s", server], ["c2", c2.node], ["c3", c3.node]] as const) {
    node.on("peerPacket", (id, data) => got.push(`${name}<-${id}:${data[0]}`));
  }
  c2.node.sendBytes(Buffer.from([10]));
  settle(hub, nodes);
  t.deepEqual(c2.peer.takeSent(), [{ target: 1, channel: 0, mode: RELIABLE, bytes: [7, 3, ...i32(0), 3, 10] }]);
  t.deepEqual(serverPeer.takeSent(), [{ target: 3, channel: 0, mode: RELIABLE, bytes: [7, 3, ...i32(2), 3, 10] }]);
  t.deepEqual(got.splice(0).sort(), ["c3<-2:10", "s<-2:10"]);

  c2.node.sendBytes(Buffer.from([11]), -1);
  settle(hub, nodes);
  t.deepEqual(serverPeer.takeSent().map((p) => p.target), [3]);
  t.deepEqual(got.splice(0), ["c3<-2:11"]);

  c2.node.sendBytes(Buffer.from([12]), -3);
  settle(hub, nodes);
  t.deepEqual(serverPeer.takeSent(), []);
  t.deepEqual(got.splice(0), ["s<-2:12"]);
});

test("a client relaying to itself gets its packet back, as Godot's server does", (t) => {
  const { hub, serverPeer, c2, nodes } = threePeers();
  const got: number[] = [];
  c2.node.on("peerPacket", (id) => got.push(id));
  c2.node.sendBytes(Buffer.from([5]), 2);
  settle(hub, nodes);
  t.deepEqual(serverPeer.takeSent(), [{ target: 2, channel: 0, mode: RELIABLE, bytes: [7, 3, ...i32(2), 3, 5] }]);
  t.deepEqual(got, [2]);
});

test("without server relay: no ADD_PEER, clients see only the server, other ids are ERR_BUG", (t) => {
  const { server, serverPeer, c2 } = threePeers((node) => {
    node.serverRelay = false;
  });
  t.false(server.serverRelay);
  t.deepEqual(serverPeer.sent, []);
  t.deepEqual(c2.node.getPeers(), [1]);
  t.is(c2.node.sendBytes(Buffer.from([1]), 3), GodotError.ERR_BUG);
  t.is(c2.node.sendBytes(Buffer.from([1])), GodotError.OK);
  t.deepEqual(c2.peer.takeSent(), [{ target: 1, channel: 0, mode: RELIABLE, bytes: [3, 1] }]);
});

test("a transport without relay support gets no ADD_PEER, and a RELAY to it is refused", (t) => {
  const hub = new MemoryHub();
  const serverPeer = hub.createServer();
  serverPeer.relaySupported = false;
  const server = new SceneMultiplayer();
  server.multiplayerPeer = serverPeer;
  const nodes = [server];
  for (const id of [2, 3]) {
    const peer = hub.createClient(id);
    const node = new SceneMultiplayer();
    node.multiplayerPeer = peer;
    nodes.push(node);
    hub.connect(peer);
    settle(hub, nodes);
  }
  t.deepEqual(serverPeer.sent, []);
  hub.inject(1, 2, Buffer.from([7, 3, ...i32(3), 3, 1]));
  server.poll();
  t.is(server.stats().droppedRefusedSys, 1);
  t.deepEqual(serverPeer.sent, []);
});

test("a client leaves: the server announces [SYS][DEL_PEER][id] to the others (_del_peer)", (t) => {
  const { hub, server, serverPeer, c2, c3, nodes } = threePeers();
  const serverLog = recordEvents(server);
  const log2 = recordEvents(c2.node);
  const log3 = recordEvents(c3.node);
  c3.peer.close();
  settle(hub, nodes);
  t.deepEqual(serverPeer.takeSent(), [{ target: 2, channel: 0, mode: RELIABLE, bytes: [7, 2, ...i32(3)] }]);
  t.deepEqual(serverLog, ["peerDisconnected 3"]);
  t.deepEqual(log2, ["peerDisconnected 3"]);
  // The closed client's SceneMultiplayer learns it at its own poll: connected -> disconnected.
  t.deepEqual(log3, ["serverDisconnected"]);
  t.deepEqual(server.getPeers(), [2]);
  t.deepEqual(c2.node.getPeers(), [1]);
  t.deepEqual(c3.node.getPeers(), []);
});

test("SceneMultiplayer.disconnectPeer: no local event, DEL_PEER to the others, the peer is dropped", (t) => {
  const { hub, server, serverPeer, c2, c3, nodes } = threePeers();
  const serverLog = recordEvents(server);
  const log2 = recordEvents(c2.node);
  const log3 = recordEvents(c3.node);
  server.disconnectPeer(2);
  t.deepEqual(server.getPeers(), [3]);
  t.deepEqual(serverPeer.takeSent(), [{ target: 3, channel: 0, mode: RELIABLE, bytes: [7, 2, ...i32(2)] }]);
  settle(hub, nodes);
  t.deepEqual(serverLog, []);
  t.deepEqual(log3, ["peerDisconnected 2"]);
  t.deepEqual(log2, ["peerDisconnected 1", "serverDisconnected"]);
  t.is(c2.node.getUniqueId(), 0);
});

test("the server closes: each client reports peer 1 gone, then serverDisconnected, and forgets its peers", (t) => {
  const { hub, serverPeer, c2, c3, nodes } = threePeers();
  const log2 = recordEvents(c2.node);
  serverPeer.close();
  settle(hub, nodes);
  t.deepEqual(log2, ["peerDisconnected 1", "serverDisconnected"]);
  t.deepEqual(c2.node.getPeers(), []);
  t.deepEqual(c3.node.getPeers(), []);
});

test("a refused client reports connectionFailed (connecting -> disconnected)", (t) => {
  const { hub, server, clients } = network([2]);
  const client = clients[0]!;
  const log = recordEvents(client.node);
  hub.refuse(client.peer);
  settle(hub, [server, client.node]);
  t.deepEqual(log, ["connectionFailed"]);
  t.is(client.node.poll(), GodotError.OK);
  t.deepEqual(log, ["connectionFailed"]);
});

test("sendBytes: Godot's error codes", (t) => {
  const { hub, server, clients } = network([2]);
  const client = clients[0]!;
  // Still connecting: ERR_UNCONFIGURED.
  t.is(client.node.sendBytes(Buffer.from([1]), 1), GodotError.ERR_UNCONFIGURED);
  hub.connect(client.peer);
  settle(hub, [server, client.node]);
  t.is(server.sendBytes(new Uint8Array(0)), GodotError.ERR_INVALID_DATA);
  t.is(server.sendBytes(Buffer.from([1]), 9), GodotError.ERR_BUG);
  t.is(server.sendBytes(Buffer.from([1]), 1), GodotError.ERR_BUG);
  t.is(server.sendBytes(Buffer.from([1]), 2, 3 as TransferMode), GodotError.ERR_INVALID_PARAMETER);
  t.is(server.sendBytes(Buffer.from([1]), 2 ** 31), GodotError.ERR_INVALID_PARAMETER);
  // A single target returns the transport's own error (the test transport refuses channel 256).
  t.is(server.sendBytes(Buffer.from([1]), 2, RELIABLE, 256), GodotError.ERR_INVALID_PARAMETER);
  t.is(server.sendBytes(Buffer.from([1]), 2, RELIABLE, 255), GodotError.OK);
  server.multiplayerPeer = null;
  t.is(server.sendBytes(Buffer.from([1])), GodotError.ERR_UNCONFIGURED);
  t.is(server.getUniqueId(), 0);
  t.false(server.isServer());
  t.deepEqual(server.getPeers(), []);
  t.false(server.refuseNewConnections);
  t.is(server.poll(), GodotError.OK);
});

test("wrong argument types throw TypeError", (t) => {
  const node = new SceneMultiplayer();
  const bad = node as unknown as Record<string, (...args: unknown[]) => unknown>;
  t.throws(() => bad.sendBytes!("abc"), { instanceOf: TypeError });
  t.throws(() => bad.sendBytes!([1, 2]), { instanceOf: TypeError });
  t.throws(() => bad.sendBytes!(Buffer.from([1]), "1"), { instanceOf: TypeError });
  t.throws(() => bad.sendBytes!(Buffer.from([1]), 0, 1.5), { instanceOf: TypeError });
  t.throws(() => bad.sendBytes!(Buffer.from([1]), 0, 2, null), { instanceOf: TypeError });
  t.throws(() => bad.sendAuth!(2, "x"), { instanceOf: TypeError });
  t.throws(() => bad.completeAuth!("2"), { instanceOf: TypeError });
  t.throws(() => bad.disconnectPeer!(undefined), { instanceOf: TypeError });
  t.throws(() => bad.setMultiplayerPeer!({}), { instanceOf: TypeError });
  t.throws(() => bad.setAuthCallback!("f"), { instanceOf: TypeError });
  t.throws(() => bad.setAuthTimeout!("3"), { instanceOf: TypeError });
  t.throws(() => bad.setAuthTimeout!(NaN), { instanceOf: TypeError });
  t.throws(() => bad.setServerRelayEnabled!(1), { instanceOf: TypeError });
  t.throws(() => bad.setRefuseNewConnections!("yes"), { instanceOf: TypeError });
  t.throws(() => bad.setAllowObjectDecoding!(0), { instanceOf: TypeError });
  t.throws(() => new SceneMultiplayer({ clock: 5 as unknown as () => number }), { instanceOf: TypeError });
});

test("multiplayerPeer: a disconnected peer is refused and the current one kept; switching clears state quietly", (t) => {
  const { hub, server, serverPeer, clients } = network([2]);
  hub.connect(clients[0]!.peer);
  settle(hub, [server, clients[0]!.node]);
  const closed = new MemoryHub().createClient(5);
  closed.close();
  t.is(server.setMultiplayerPeer(closed), GodotError.ERR_UNCONFIGURED);
  t.is(server.multiplayerPeer, serverPeer);
  const log = recordEvents(server);
  server.multiplayerPeer = new MemoryHub().createServer();
  t.deepEqual(server.getPeers(), []);
  t.deepEqual(log, []);
});

test("refuseNewConnections and the stored settings reach the MultiplayerPeer / keep Godot's defaults", (t) => {
  const { server, serverPeer } = network([]);
  t.false(server.refuseNewConnections);
  server.refuseNewConnections = true;
  t.true(serverPeer.isRefusingNewConnections());
  t.true(server.isRefusingNewConnections());
  t.false(server.allowObjectDecoding);
  server.setAllowObjectDecoding(true);
  t.true(server.isObjectDecodingAllowed());
  t.true(server.isServerRelayEnabled());
  t.is(server.getAuthTimeout(), 3);
  t.is(server.authCallback, null);
});

// SceneMultiplayer's optional auth exchange, as modules/multiplayer/scene_multiplayer.cpp runs it
// (poll, _add_peer, send_auth, complete_auth, the auth_timeout loop at the end of poll): AUTH
// messages are [SYS][AUTH][data] with no peer field, [SYS][AUTH] alone means "complete", and a
// peer counts as connected only when both ends have completed. Time comes from an injected clock.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { TransferMode } from "../src-ts/multiplayer/multiplayer-peer.js";
import type { SceneMultiplayer } from "../src-ts/multiplayer/scene-multiplayer.js";
import { i32, network, recordEvents, settle } from "./multiplayer-helpers.js";

const RELIABLE = TransferMode.TRANSFER_MODE_RELIABLE;
const SECRET = [...Buffer.from("secret")];

/**
 * Godot's documented pattern: the client sends its secret and completes on peer_authenticating;
 * the server completes when the secret matches and disconnects the peer otherwise.
 */
function withAuth(ids: number[], secretOf: (id: number) => number[] = () => SECRET) {
  let now = 0;
  const received: Array<[string, number, number[]]> = [];
  const net = network(
    ids,
    (node) => {
      node.authCallback = (id, data) => received.push([node.isServer() ? "server" : `c${node.getUniqueId()}`, id, [...data]]);
    },
    { clock: () => now },
  );
  net.server.authCallback = (id, data) => {
    received.push(["server", id, [...data]]);
    if (Buffer.from(data).equals(Buffer.from(SECRET))) net.server.completeAuth(id);
    else net.server.disconnectPeer(id);
  };
  for (const { id, node } of net.clients) {
    node.on("peerAuthenticating", (peer) => {
      node.sendAuth(peer, Buffer.from(secretOf(id)));
      node.completeAuth(peer);
    });
  }
  const nodes: SceneMultiplayer[] = [net.server, ...net.clients.map((c) => c.node)];
  return {
    ...net,
    nodes,
    received,
    setNow: (ms: number) => {
      now = ms;
    },
  };
}

test("auth success: AUTH bytes both ways, and each end admits the other only after both completed", (t) => {
  const { hub, server, serverPeer, clients, nodes, received } = withAuth([2]);
  const client = clients[0]!;
  const serverLog = recordEvents(server);
  const clientLog = recordEvents(client.node);
  hub.connect(client.peer);
  server.poll();
  t.deepEqual(serverLog, ["peerAuthenticating 2"]);
  t.deepEqual(server.getAuthenticatingPeers(), [2]);
  t.deepEqual(server.getPeers(), []);
  client.node.poll();
  // send_auth: [SYS][AUTH][data]; complete_auth: [SYS][AUTH]; both reliable on channel 0.
  t.deepEqual(client.peer.takeSent(), [
    { target: 1, channel: 0, mode: RELIABLE, bytes: [7, 0, ...SECRET] },
    { target: 1, channel: 0, mode: RELIABLE, bytes: [7, 0] },
  ]);
  t.deepEqual(clientLog, ["peerAuthenticating 1"]);
  server.poll();
  t.deepEqual(received, [["server", 2, SECRET]]);
  t.deepEqual(serverPeer.takeSent(), [{ target: 2, channel: 0, mode: RELIABLE, bytes: [7, 0] }]);
  t.deepEqual(serverLog, ["peerAuthenticating 2", "peerConnected 2"]);
  t.deepEqual(server.getAuthenticatingPeers(), []);
  // The client has completed but not heard the server's completion yet: still authenticating.
  t.deepEqual(client.node.getPeers(), []);
  settle(hub, nodes);
  t.deepEqual(clientLog, ["peerAuthenticating 1", "connectedToServer", "peerConnected 1"]);
  t.deepEqual(client.node.getPeers(), [1]);
  const got: number[] = [];
  server.on("peerPacket", (id) => got.push(id));
  t.is(client.node.sendBytes(Buffer.from([1]), 1), GodotError.OK);
  settle(hub, nodes);
  t.deepEqual(got, [2]);
});

test("the remote end completes first: the peer is admitted when this end calls completeAuth", (t) => {
  const { hub, server, serverPeer, clients, nodes } = withAuth([2]);
  server.authCallback = () => {}; // Decides later.
  hub.connect(clients[0]!.peer);
  settle(hub, nodes);
  const log = recordEvents(server);
  t.deepEqual(server.getAuthenticatingPeers(), [2]);
  t.is(server.sendAuth(2, Buffer.from([1])), GodotError.ERR_FILE_CANT_WRITE); // remote completed
  serverPeer.takeSent();
  t.is(server.completeAuth(2), GodotError.OK);
  t.deepEqual(serverPeer.takeSent(), [{ target: 2, channel: 0, mode: RELIABLE, bytes: [7, 0] }]);
  t.deepEqual(log, ["peerConnected 2"]);
});

test("with relay, a peer still authenticating is not announced; ADD_PEER follows its admission", (t) => {
  const { hub, server, serverPeer, clients, nodes } = withAuth([2, 3]);
  const [c2, c3] = clients as [(typeof clients)[0], (typeof clients)[0]];
  hub.connect(c2.peer);
  settle(hub, nodes);
  serverPeer.takeSent();
  const log2 = recordEvents(c2.node);
  hub.connect(c3.peer);
  server.poll();
  t.deepEqual(serverPeer.takeSent(), []);
  settle(hub, nodes);
  // complete_auth's [SYS][AUTH] first, then _admit_peer's announcements.
  t.deepEqual(serverPeer.takeSent(), [
    { target: 3, channel: 0, mode: RELIABLE, bytes: [7, 0] },
    { target: 2, channel: 0, mode: RELIABLE, bytes: [7, 1, ...i32(3)] },
    { target: 3, channel: 0, mode: RELIABLE, bytes: [7, 1, ...i32(2)] },
  ]);
  t.deepEqual(log2, ["peerConnected 3"]);
  t.deepEqual(c3.node.getPeers(), [1, 2]);
});

test("packets other than AUTH from an authenticating peer are dropped and counted", (t) => {
  const { hub, server, clients } = withAuth([2]);
  server.authCallback = () => {};
  hub.connect(clients[0]!.peer);
  server.poll();
  const got: number[] = [];
  server.on("peerPacket", (id) => got.push(id));
  hub.inject(1, 2, Buffer.from([3, 1, 2]));
  hub.inject(1, 2, Buffer.from([7, 3, ...i32(0), 3, 1]));
  hub.inject(1, 2, Buffer.from([7]));
  server.poll();
  t.deepEqual(got, []);
  t.is(server.stats().droppedUnauthenticated, 3);
  t.is(server.stats().packetsDropped, 3);
});

test("auth failure: the server disconnects the peer quietly; the client reports it failed and disconnected", (t) => {
  const { hub, server, clients, nodes, received } = withAuth([2], () => [...Buffer.from("wrong")]);
  const client = clients[0]!;
  const serverLog = recordEvents(server);
  const clientLog = recordEvents(client.node);
  hub.connect(client.peer);
  settle(hub, nodes);
  t.deepEqual(received, [["server", 2, [...Buffer.from("wrong")]]]);
  // SceneMultiplayer.disconnect_peer blocks signals around _del_peer.
  t.deepEqual(serverLog, ["peerAuthenticating 2"]);
  t.deepEqual(server.getAuthenticatingPeers(), []);
  t.deepEqual(clientLog, ["peerAuthenticating 1", "peerAuthenticationFailed 1", "serverDisconnected"]);
});

test("auth timeout: dropped at time + auth_timeout <= now, disconnected and reported failed", (t) => {
  const { hub, server, clients, nodes, setNow } = withAuth([2]);
  const client = clients[0]!;
  client.node.removeAllListeners("peerAuthenticating"); // The client never answers.
  server.authTimeout = 0.5;
  t.is(server.getAuthTimeout(), 0.5);
  const serverLog = recordEvents(server);
  const clientLog = recordEvents(client.node);
  hub.connect(client.peer);
  settle(hub, nodes);
  setNow(499);
  settle(hub, nodes);
  t.deepEqual(server.getAuthenticatingPeers(), [2]);
  setNow(500);
  server.poll();
  t.deepEqual(serverLog, ["peerAuthenticating 2", "peerAuthenticationFailed 2"]);
  t.deepEqual(server.getAuthenticatingPeers(), []);
  settle(hub, nodes);
  t.deepEqual(serverLog, ["peerAuthenticating 2", "peerAuthenticationFailed 2"]);
  t.deepEqual(clientLog, ["peerAuthenticating 1", "peerAuthenticationFailed 1", "serverDisconnected"]);
});

test("auth timeout 0 never expires; negative values are ignored", (t) => {
  const { hub, server, clients, nodes, setNow } = withAuth([2]);
  clients[0]!.node.removeAllListeners("peerAuthenticating");
  // The client's own timeout (default 3 s) would drop the server; both ends wait forever.
  for (const node of nodes) node.authTimeout = 0;
  server.authTimeout = -1;
  t.is(server.authTimeout, 0);
  hub.connect(clients[0]!.peer);
  settle(hub, nodes);
  setNow(1e12);
  settle(hub, nodes);
  t.deepEqual(server.getAuthenticatingPeers(), [2]);
});

test("sendAuth / completeAuth: Godot's error codes", (t) => {
  const { hub, server, clients } = withAuth([2]);
  server.authCallback = () => {};
  t.is(server.sendAuth(2, Buffer.from([1])), GodotError.ERR_INVALID_PARAMETER); // not authenticating
  t.is(server.completeAuth(2), GodotError.ERR_INVALID_PARAMETER);
  hub.connect(clients[0]!.peer);
  server.poll();
  t.is(server.sendAuth(2, new Uint8Array(0)), GodotError.ERR_INVALID_PARAMETER);
  t.is(server.sendAuth(2, Buffer.from([1])), GodotError.OK);
  t.is(server.completeAuth(2), GodotError.OK);
  t.is(server.completeAuth(2), GodotError.ERR_FILE_CANT_WRITE);
  t.is(server.sendAuth(2, Buffer.from([1])), GodotError.ERR_FILE_CANT_WRITE);
  const connecting = clients[0]!.node;
  connecting.multiplayerPeer = null;
  t.is(connecting.sendAuth(1, Buffer.from([1])), GodotError.ERR_UNCONFIGURED);
  t.is(connecting.completeAuth(1), GodotError.ERR_UNCONFIGURED);
});

test("AUTH data while no authCallback is set is dropped and counted; the exchange can still finish", (t) => {
  const { hub, server, serverPeer, clients } = withAuth([2]);
  server.authCallback = () => {};
  hub.connect(clients[0]!.peer);
  server.poll();
  server.authCallback = null;
  hub.inject(1, 2, Buffer.from([7, 0, 1, 2]));
  hub.inject(1, 2, Buffer.from([7, 0]));
  server.poll();
  t.is(server.stats().droppedAuthWithoutCallback, 1);
  t.is(server.stats().authMessagesReceived, 0);
  serverPeer.takeSent();
  t.is(server.completeAuth(2), GodotError.OK);
  t.deepEqual(server.getPeers(), [2]);
});

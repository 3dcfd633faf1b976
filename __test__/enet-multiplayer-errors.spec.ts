// ENetMultiplayerPeer's argument checks (TypeError for a wrong JS type) and Godot's error codes
// for calls in the wrong state, as modules/enet/enet_multiplayer_peer.cpp returns them.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { ENetConnection } from "../src-ts/enet/enet-connection.js";
import { ENetMultiplayerPeer } from "../src-ts/enet/enet-multiplayer-peer.js";
import { ConnectionStatus, MultiplayerPeer, TransferMode } from "../src-ts/multiplayer/multiplayer-peer.js";
import { mpPeer, server } from "./enet-multiplayer-helpers.js";

test("inactive: Godot's values everywhere, nothing throws", (t) => {
  const p = new ENetMultiplayerPeer();
  t.true(p instanceof MultiplayerPeer);
  t.is(p.getConnectionStatus(), ConnectionStatus.CONNECTION_DISCONNECTED);
  t.is(p.getUniqueId(), 0);
  t.is(p.getHost(), null);
  t.is(p.host, null);
  t.is(p.getPeer(1), null);
  t.false(p.isServer());
  t.false(p.isServerRelaySupported());
  t.is(p.putPacket(Buffer.from([1])), GodotError.ERR_UNCONFIGURED);
  t.is(p.getAvailablePacketCount(), 0);
  t.is(p.getPacket().length, 0);
  t.is(p.getPacketError(), GodotError.ERR_UNAVAILABLE);
  t.is(p.getPacketPeer(), 1);
  t.is(p.getPacketChannel(), 1);
  t.is(p.getPacketMode(), TransferMode.TRANSFER_MODE_RELIABLE);
  t.is(p.getMaxPacketSize(), 1 << 24);
  t.notThrows(() => p.poll());
  t.notThrows(() => p.close());
  t.notThrows(() => p.disconnectPeer(2));
  t.is(p.addMeshPeer(2, null), GodotError.ERR_INVALID_PARAMETER);
  const g = p.generateUniqueId();
  t.true(Number.isInteger(g) && g >= 2 && g <= 0x7fffffff);
});

test("wrong JS types throw TypeError", (t) => {
  const p = mpPeer(t);
  const bad: unknown[] = ["1", 1.5, null, undefined, {}];
  for (const v of bad) {
    t.throws(() => p.createServer(v as number), { instanceOf: TypeError });
    t.throws(() => p.createClient("127.0.0.1", v as number), { instanceOf: TypeError });
    t.throws(() => p.createMesh(v as number), { instanceOf: TypeError });
    t.throws(() => p.setTargetPeer(v as number), { instanceOf: TypeError });
    t.throws(() => p.disconnectPeer(v as number), { instanceOf: TypeError });
    t.throws(() => p.getPeer(v as number), { instanceOf: TypeError });
  }
  t.throws(() => p.createClient(1 as unknown as string, 1), { instanceOf: TypeError });
  t.throws(() => p.createServer(0, 32, 0, 0, "0" as unknown as number), { instanceOf: TypeError });
  t.throws(() => p.createClient("127.0.0.1", 1, 0, 0, 0, 1.5), { instanceOf: TypeError });
  t.throws(() => p.setBindIp(5 as unknown as string), { instanceOf: TypeError });
  t.throws(() => p.putPacket("x" as unknown as Uint8Array), { instanceOf: TypeError });
  t.throws(() => p.disconnectPeer(2, 1 as unknown as boolean), { instanceOf: TypeError });
  t.throws(() => p.addMeshPeer(2, {} as unknown as ENetConnection), { instanceOf: TypeError });
  t.throws(() => p.addMeshPeer("2" as unknown as number, null), { instanceOf: TypeError });
  t.throws(() => (p.refuseNewConnections = 1 as unknown as boolean), { instanceOf: TypeError });
  t.is(p.getConnectionStatus(), ConnectionStatus.CONNECTION_DISCONNECTED, "nothing started");
});

test("wrong state: ERR_ALREADY_IN_USE, ERR_INVALID_PARAMETER, ERR_UNCONFIGURED, ERR_CANT_CREATE as Godot", (t) => {
  const { peer } = server(t);
  t.is(peer.createServer(0), GodotError.ERR_ALREADY_IN_USE);
  t.is(peer.createClient("127.0.0.1", 1), GodotError.ERR_ALREADY_IN_USE);
  t.is(peer.createMesh(5), GodotError.ERR_ALREADY_IN_USE);
  t.is(peer.addMeshPeer(5, new ENetConnection()), GodotError.ERR_UNCONFIGURED);
  peer.setTargetPeer(42);
  t.is(peer.putPacket(Buffer.from([1])), GodotError.ERR_INVALID_PARAMETER, "not a connected peer");
  peer.setTargetPeer(-42);
  t.is(peer.putPacket(Buffer.from([1])), GodotError.ERR_INVALID_PARAMETER);
  peer.setTargetPeer(0);
  t.is(peer.putPacket(Buffer.from([1])), GodotError.OK, "broadcast to nobody");

  const m = mpPeer(t);
  t.is(m.createMesh(0), GodotError.ERR_INVALID_PARAMETER);
  t.is(m.createMesh(-3), GodotError.ERR_INVALID_PARAMETER);
  t.is(m.getConnectionStatus(), ConnectionStatus.CONNECTION_DISCONNECTED);
  t.is(m.createMesh(3), GodotError.OK);
  t.is(m.getConnectionStatus(), ConnectionStatus.CONNECTION_CONNECTED);
  t.is(m.getUniqueId(), 3);
  const lonely = new ENetConnection();
  t.teardown(() => lonely.destroy());
  t.is(m.addMeshPeer(4, lonely), GodotError.ERR_INVALID_PARAMETER, "no host");
  t.is(lonely.createHost(1), GodotError.OK);
  t.is(m.addMeshPeer(4, lonely), GodotError.ERR_INVALID_PARAMETER, "no peer");

  const c = mpPeer(t);
  t.is(c.createClient("127.0.0.1", 0), GodotError.ERR_CANT_CREATE, "port 0");
  t.is(c.getConnectionStatus(), ConnectionStatus.CONNECTION_DISCONNECTED);
  t.is(c.createClient("not an address !", 9), GodotError.ERR_CANT_CREATE);
  t.is(c.createServer(70000), GodotError.ERR_INVALID_PARAMETER, "port out of range (the host's check)");
  t.is(c.createServer(0, 0), GodotError.ERR_INVALID_PARAMETER, "0 clients");
  t.is(c.createServer(0, 32, 254), GodotError.ERR_INVALID_PARAMETER, "254 + 2 system channels > 255");
  t.is(c.getConnectionStatus(), ConnectionStatus.CONNECTION_DISCONNECTED);
});

test("setBindIp: an IP or '*' is used; anything else is ignored as Godot ignores it", (t) => {
  const p = mpPeer(t);
  p.setBindIp("::1");
  p.setBindIp("not an ip");
  t.is(p.createServer(0), GodotError.OK);
  const host = p.getHost()!;
  t.true(host.getLocalPort() > 0);
  p.close();
  p.setBindIp("*");
  t.is(p.createServer(0), GodotError.OK);
});

test("transferMode and transferChannel: Godot's defaults and checks (the base class's)", (t) => {
  const p = new ENetMultiplayerPeer();
  t.is(p.transferMode, TransferMode.TRANSFER_MODE_RELIABLE);
  t.is(p.transferChannel, 0);
  t.throws(() => (p.transferMode = 3 as TransferMode), { instanceOf: RangeError });
  t.false(p.refuseNewConnections);
  p.refuseNewConnections = true;
  t.true(p.refuseNewConnections);
});

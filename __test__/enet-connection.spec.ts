// ENetConnection + ENetPacketPeer driven Godot's way (service(0) in a loop), server and client hosts
// in one process on loopback: Godot's event shapes, ordering, fragmentation, flags, PacketPeer
// methods, disconnects, statistics and raw sends.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { ENetConnection, type ENetHostStatistic } from "../src-ts/enet/enet-connection.js";
import { ENetPacketPeer } from "../src-ts/enet/enet-packet-peer.js";
import { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { bound, connectedPair, host, of, pump } from "./enet-helpers.js";

const { EVENT_CONNECT, EVENT_DISCONNECT, EVENT_RECEIVE, EVENT_NONE } = ENetConnection;
const { FLAG_RELIABLE, FLAG_UNSEQUENCED, FLAG_UNRELIABLE_FRAGMENT } = ENetPacketPeer;

test("connect with data: EVENT_CONNECT on both ends in Godot's [type, peer, data, channel] shape", async (t) => {
  const { server, client, toServer, toClient, seen } = await connectedPair(t, { data: 0x4badf00d });
  t.deepEqual(of(seen, server, EVENT_CONNECT), [[EVENT_CONNECT, toClient, 0x4badf00d, 0]]);
  // Our own connection completing carries 0 (ENet reports the CONNECT data to the accepting side).
  t.deepEqual(of(seen, client, EVENT_CONNECT), [[EVENT_CONNECT, toServer, 0, 0]]);
  t.true(toClient instanceof ENetPacketPeer);
  t.deepEqual(server.getPeers(), [toClient]);
  t.deepEqual(client.getPeers(), [toServer]);
  for (const p of [toServer, toClient]) {
    t.true(p.isActive());
    t.is(p.getState(), ENetPacketPeer.STATE_CONNECTED);
    t.is(p.getChannels(), 255, "channels 0 asks for ENet's maximum");
    t.is(p.getRemoteAddress(), "127.0.0.1");
  }
  t.is(toServer.getRemotePort(), server.getLocalPort());
  t.is(toClient.getRemotePort(), client.getLocalPort());
  t.deepEqual(server.service(), [EVENT_NONE, null, 0, 0]);
  // Godot: a host with peers does not connect again.
  t.is(client.connectToHost("127.0.0.1", server.getLocalPort()), null);
});

test("CONNECT data is a 32-bit value: -1 arrives as 4294967295", async (t) => {
  const { server, seen } = await connectedPair(t, { data: -1, channels: 2 });
  const [event] = of(seen, server, EVENT_CONNECT);
  t.is(event![2], 4294967295);
  t.is(event![1]!.getChannels(), 2);
});

test("1,000 reliable messages on 3 channels arrive complete and in order per channel", async (t) => {
  const { server, client, toServer, toClient } = await connectedPair(t, { channels: 3 });
  const N = 1000;
  for (let i = 0; i < N; i++) {
    const packet = Buffer.alloc(8);
    packet.writeUInt32LE(i % 3, 0);
    packet.writeUInt32LE(i, 4);
    t.is(toServer.send(i % 3, packet, FLAG_RELIABLE), GodotError.OK);
  }
  const got: number[][] = [[], [], []];
  let total = 0;
  let wrongChannel = 0;
  await pump([server, client], () => total === N, 15000, ({ from, event }) => {
    if (from !== server || event[0] !== EVENT_RECEIVE) return;
    t.is(event[1], toClient);
    t.is(toClient.getPacketFlags(), FLAG_RELIABLE);
    const packet = toClient.getPacket();
    t.is(toClient.getPacketError(), GodotError.OK);
    if (packet.readUInt32LE(0) !== event[3]) wrongChannel++;
    got[event[3]]!.push(packet.readUInt32LE(4));
    total++;
  });
  t.is(wrongChannel, 0, "each packet reported on the channel it was sent on");
  for (let ch = 0; ch < 3; ch++) {
    const expected = Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 === ch);
    t.deepEqual(got[ch], expected, `channel ${ch} complete and in order`);
  }
  t.is(toClient.getAvailablePacketCount(), 0);
});

test("a 100 KiB reliable message is fragmented and reassembled intact", async (t) => {
  const { server, client, toServer, toClient } = await connectedPair(t);
  const big = Buffer.alloc(100 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 8)) & 0xff;
  t.is(toServer.send(1, big, FLAG_RELIABLE), GodotError.OK);
  const seen = await pump([server, client], (s) => of(s, server, EVENT_RECEIVE).length === 1);
  t.deepEqual(of(seen, server, EVENT_RECEIVE), [[EVENT_RECEIVE, toClient, 0, 1]]);
  t.true(toClient.getPacket().equals(big));
  t.true(server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_PACKETS) > 25, "arrived in many datagrams");
});

test("getPacketFlags reports the flag each packet was delivered with", async (t) => {
  const { server, client, toServer, toClient } = await connectedPair(t);
  const big = Buffer.alloc(8000, 1); // > MTU: fragments
  const sends: Array<[Buffer, number, number]> = [
    [Buffer.from("reliable"), FLAG_RELIABLE, FLAG_RELIABLE],
    [Buffer.from("unsequenced"), FLAG_UNSEQUENCED, FLAG_UNSEQUENCED],
    [Buffer.from("sequenced unreliable"), 0, 0],
    [big, FLAG_UNRELIABLE_FRAGMENT, FLAG_UNRELIABLE_FRAGMENT],
  ];
  const flags = new Map<string, number>();
  for (const [data, flag] of sends) {
    t.is(toServer.send(0, data, flag), GodotError.OK);
    // One at a time: unreliable kinds are not ordered against each other.
    await pump([server, client], () => flags.has(data.subarray(0, 8).toString("hex")), 5000, ({ from, event }) => {
      if (from !== server || event[0] !== EVENT_RECEIVE) return;
      const f = toClient.getPacketFlags();
      flags.set(toClient.getPacket().subarray(0, 8).toString("hex"), f);
    });
  }
  for (const [data, , expected] of sends) t.is(flags.get(data.subarray(0, 8).toString("hex")), expected);
  t.is(toClient.getPacketFlags(), 0, "0 when nothing is queued");
});

test("putPacket/getPacket and putVar/getVar round trips: channel 0, reliable, both ways", async (t) => {
  const { server, client, toServer, toClient } = await connectedPair(t);
  t.is(toServer.putPacket(Buffer.from("hello")), GodotError.OK);
  t.is(toServer.putVar([42, "two", 3.5, true]), GodotError.OK);
  t.is(toClient.putVar("from server"), GodotError.OK);
  const seen = await pump(
    [server, client],
    (s) => of(s, server, EVENT_RECEIVE).length === 2 && of(s, client, EVENT_RECEIVE).length === 1,
  );
  t.deepEqual(of(seen, server, EVENT_RECEIVE), [
    [EVENT_RECEIVE, toClient, 0, 0],
    [EVENT_RECEIVE, toClient, 0, 0],
  ]);
  t.is(toClient.getAvailablePacketCount(), 2);
  t.is(toClient.getPacketFlags(), FLAG_RELIABLE);
  t.is(toClient.getPacket().toString(), "hello");
  t.deepEqual(toClient.getVar(), [42, "two", 3.5, true]);
  t.is(toServer.getVar(), "from server");
  t.is(toServer.getPacket().length, 0);
  t.is(toServer.getPacketError(), GodotError.ERR_UNAVAILABLE);
});

test("disconnect with data, both ways: DISCONNECT events, peers inactive and dropped from getPeers", async (t) => {
  {
    const { server, client, toServer, toClient } = await connectedPair(t);
    toServer.peerDisconnect(42);
    const seen = await pump(
      [server, client],
      (s) => of(s, server, EVENT_DISCONNECT).length === 1 && of(s, client, EVENT_DISCONNECT).length === 1,
    );
    t.deepEqual(of(seen, server, EVENT_DISCONNECT), [[EVENT_DISCONNECT, toClient, 42, 0]]);
    t.deepEqual(of(seen, client, EVENT_DISCONNECT), [[EVENT_DISCONNECT, toServer, 0, 0]]);
    for (const p of [toServer, toClient]) {
      t.false(p.isActive());
      t.is(p.getState(), ENetPacketPeer.STATE_DISCONNECTED);
      t.is(p.send(0, Buffer.from("x"), FLAG_RELIABLE), GodotError.ERR_UNCONFIGURED);
    }
    t.deepEqual(server.getPeers(), []);
    t.deepEqual(client.getPeers(), []);
  }
  {
    const { server, client, toServer, toClient } = await connectedPair(t);
    t.is(toClient.putPacket(Buffer.from("last words")), GodotError.OK);
    toClient.peerDisconnectLater(7);
    const seen = await pump([server, client], (s) => of(s, client, EVENT_DISCONNECT).length === 1);
    t.deepEqual(of(seen, client, EVENT_RECEIVE), [[EVENT_RECEIVE, toServer, 0, 0]], "queued data went first");
    t.deepEqual(of(seen, client, EVENT_DISCONNECT), [[EVENT_DISCONNECT, toServer, 7, 0]]);
    t.is(toServer.getAvailablePacketCount(), 1, "the queue outlives the peer, as Godot's");
    t.is(toServer.getPacket().length, 0, "but an inactive peer reads nothing");
    t.is(toServer.getPacketError(), GodotError.ERR_UNCONFIGURED);
  }
  {
    const { server, client, toServer, toClient } = await connectedPair(t);
    toClient.peerDisconnectNow(9);
    t.false(toClient.isActive(), "inactive at once, no event on this side");
    t.deepEqual(server.getPeers(), [toClient], "listed until the next service, as Godot's");
    const seen = await pump([server, client], (s) => of(s, client, EVENT_DISCONNECT).length === 1);
    t.deepEqual(of(seen, client, EVENT_DISCONNECT), [[EVENT_DISCONNECT, toServer, 9, 0]]);
    t.deepEqual(of(seen, server, EVENT_DISCONNECT), []);
    t.deepEqual(server.getPeers(), []);
  }
});

test("a peer object never acts on a later occupant of its ENet slot", async (t) => {
  const server = bound(t, "127.0.0.1", 1);
  const first = host(t);
  const second = host(t);
  first.createHost();
  second.createHost();
  first.connectToHost("127.0.0.1", server.getLocalPort(), 0, 1);
  let seen = await pump([server, first], (s) => of(s, server, EVENT_CONNECT).length === 1);
  const old = of(seen, server, EVENT_CONNECT)[0]![1]!;
  old.reset(); // frees the only slot without telling the client
  t.false(old.isActive());
  second.connectToHost("127.0.0.1", server.getLocalPort(), 0, 2);
  seen = await pump([server, second], (s) => of(s, server, EVENT_CONNECT).length === 1);
  const [event] = of(seen, server, EVENT_CONNECT);
  const fresh = event![1]!;
  t.is(event![2], 2);
  t.not(fresh, old);
  t.true(fresh.isActive());
  t.false(old.isActive());
  t.is(old.getState(), ENetPacketPeer.STATE_DISCONNECTED);
  t.is(old.getRemotePort(), 0);
  t.is(old.send(0, Buffer.from("stale"), FLAG_RELIABLE), GodotError.ERR_UNCONFIGURED);
  old.peerDisconnectNow(); // must not touch the new occupant
  old.reset();
  t.true(fresh.isActive());
  t.is(fresh.getRemotePort(), second.getLocalPort());
  t.deepEqual(server.getPeers(), [fresh]);
});

test("popStatistic counts datagrams and bytes, and resets each statistic it reads", async (t) => {
  const { server, client, toServer } = await connectedPair(t);
  for (const stat of [0, 1, 2, 3]) {
    server.popStatistic(stat);
    client.popStatistic(stat);
  }
  for (let i = 0; i < 10; i++) toServer.send(0, Buffer.alloc(100, i), FLAG_UNSEQUENCED);
  client.flush();
  await pump([server, client], (s) => of(s, server, EVENT_RECEIVE).length === 10);
  const sentPackets = client.popStatistic(ENetConnection.HOST_TOTAL_SENT_PACKETS);
  const sentData = client.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA);
  const receivedPackets = server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_PACKETS);
  const receivedData = server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_DATA);
  t.true(sentPackets >= 1, `sent ${sentPackets} datagrams`);
  t.true(sentData >= 1000, `sent ${sentData} bytes`);
  t.true(receivedPackets >= 1);
  t.true(receivedData >= 1000);
  t.is(client.popStatistic(ENetConnection.HOST_TOTAL_SENT_PACKETS), 0, "reset by the read");
  t.is(server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_DATA), 0);
  t.is(server.popStatistic(4 as ENetHostStatistic), 0, "not a statistic");
});

test("socketSend delivers one raw datagram from the host's port to a PacketPeerUDP", async (t) => {
  const udp = new PacketPeerUDP();
  t.teardown(() => udp.close());
  t.is(udp.bind(0, "127.0.0.1"), GodotError.OK);
  const c = bound(t);
  c.socketSend("127.0.0.1", udp.getLocalPort(), Buffer.from("punch"));
  t.is(await udp.wait({ timeout: 5000 }), GodotError.OK);
  t.is(udp.getPacket().toString(), "punch");
  t.is(udp.getPacketPort(), c.getLocalPort());
  t.is(udp.getPacketIp(), "127.0.0.1");
});

test("IPv6: a host bound to ::1 serves a client connecting to ::1", async (t) => {
  const { toServer, toClient } = await connectedPair(t, { address: "::1", data: 5 });
  t.is(toServer.getRemoteAddress(), "0:0:0:0:0:0:0:1");
  t.is(toClient.getRemoteAddress(), "0:0:0:0:0:0:0:1");
});

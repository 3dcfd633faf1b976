// Every method of Godot's class reference for ENetConnection and ENetPacketPeer (Godot 4's
// modules/enet/doc_classes) is a camelCase method here, and every constant has Godot's number.
import test from "ava";
import { ENetConnection } from "../src-ts/enet/enet-connection.js";
import { ENetPacketPeer } from "../src-ts/enet/enet-packet-peer.js";
import * as index from "../src-ts/index.js";
import { bound } from "./enet-helpers.js";

const camel = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const CONNECTION_METHODS = [
  "bandwidth_limit",
  "broadcast",
  "channel_limit",
  "compress",
  "connect_to_host",
  "create_host",
  "create_host_bound",
  "destroy",
  "dtls_client_setup",
  "dtls_server_setup",
  "flush",
  "get_local_port",
  "get_max_channels",
  "get_peers",
  "pop_statistic",
  "refuse_new_connections",
  "service",
  "socket_send",
];

const PEER_METHODS = [
  "get_channels",
  "get_packet_flags",
  "get_remote_address",
  "get_remote_port",
  "get_state",
  "get_statistic",
  "is_active",
  "peer_disconnect",
  "peer_disconnect_later",
  "peer_disconnect_now",
  "ping",
  "ping_interval",
  "reset",
  "send",
  "set_timeout",
  "throttle_configure",
  // PacketPeer's
  "get_available_packet_count",
  "get_packet",
  "get_packet_error",
  "get_var",
  "put_packet",
  "put_var",
  "get_encode_buffer_max_size",
  "set_encode_buffer_max_size",
];

test("ENetConnection and ENetPacketPeer: every Godot method is a camelCase method", (t) => {
  const c = bound(t);
  const peer = c.connectToHost("127.0.0.1", 9);
  t.truthy(peer);
  for (const m of CONNECTION_METHODS) t.is(typeof (c as unknown as Record<string, unknown>)[camel(m)], "function", m);
  for (const m of PEER_METHODS) t.is(typeof (peer as unknown as Record<string, unknown>)[camel(m)], "function", m);
  t.true(peer instanceof index.PacketPeer);
  t.is(index.ENetConnection, ENetConnection);
  t.is(index.ENetPacketPeer, ENetPacketPeer);
});

test("every constant has Godot's name and number", (t) => {
  const expect = (cls: object, table: Record<string, number>): void => {
    for (const [name, value] of Object.entries(table)) t.is((cls as Record<string, unknown>)[name], value, name);
  };
  expect(ENetConnection, {
    EVENT_ERROR: -1,
    EVENT_NONE: 0,
    EVENT_CONNECT: 1,
    EVENT_DISCONNECT: 2,
    EVENT_RECEIVE: 3,
    COMPRESS_NONE: 0,
    COMPRESS_RANGE_CODER: 1,
    COMPRESS_FASTLZ: 2,
    COMPRESS_ZLIB: 3,
    COMPRESS_ZSTD: 4,
    HOST_TOTAL_SENT_DATA: 0,
    HOST_TOTAL_SENT_PACKETS: 1,
    HOST_TOTAL_RECEIVED_DATA: 2,
    HOST_TOTAL_RECEIVED_PACKETS: 3,
  });
  const states = [
    "DISCONNECTED",
    "CONNECTING",
    "ACKNOWLEDGING_CONNECT",
    "CONNECTION_PENDING",
    "CONNECTION_SUCCEEDED",
    "CONNECTED",
    "DISCONNECT_LATER",
    "DISCONNECTING",
    "ACKNOWLEDGING_DISCONNECT",
    "ZOMBIE",
  ];
  expect(ENetPacketPeer, Object.fromEntries(states.map((s, i) => [`STATE_${s}`, i])));
  const stats = [
    "PACKET_LOSS",
    "PACKET_LOSS_VARIANCE",
    "PACKET_LOSS_EPOCH",
    "ROUND_TRIP_TIME",
    "ROUND_TRIP_TIME_VARIANCE",
    "LAST_ROUND_TRIP_TIME",
    "LAST_ROUND_TRIP_TIME_VARIANCE",
    "PACKET_THROTTLE",
    "PACKET_THROTTLE_LIMIT",
    "PACKET_THROTTLE_COUNTER",
    "PACKET_THROTTLE_EPOCH",
    "PACKET_THROTTLE_ACCELERATION",
    "PACKET_THROTTLE_DECELERATION",
    "PACKET_THROTTLE_INTERVAL",
  ];
  expect(ENetPacketPeer, Object.fromEntries(stats.map((s, i) => [`PEER_${s}`, i])));
  expect(ENetPacketPeer, {
    PACKET_LOSS_SCALE: 65536,
    PACKET_THROTTLE_SCALE: 32,
    FLAG_RELIABLE: 1,
    FLAG_UNSEQUENCED: 2,
    FLAG_UNRELIABLE_FRAGMENT: 8,
  });
  t.is(index.ENetEventType.EVENT_RECEIVE, 3);
  t.is(index.ENetPeerState.STATE_ZOMBIE, 9);
  t.is(index.ENetPeerStatistic.PEER_PACKET_THROTTLE_INTERVAL, 13);
  t.is(index.ENetCompressionMode.COMPRESS_ZSTD, 4);
  t.is(index.ENetHostStatistic.HOST_TOTAL_RECEIVED_PACKETS, 3);
});

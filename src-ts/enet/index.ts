/** Godot's ENet classes: ENetConnection (a host) and ENetPacketPeer (one of its peers). */
export {
  ENetConnection,
  ENetEventType,
  ENetCompressionMode,
  ENetHostStatistic,
  type ENetConnectionEvents,
  type ENetConnectionStats,
  type ENetServiceResult,
} from "./enet-connection.js";
export { type ENetConnectionEvent } from "./enet-driver.js";
export {
  ENetPacketPeer,
  ENetPeerState,
  ENetPeerStatistic,
  MAX_QUEUED_PACKETS,
  MAX_QUEUED_BYTES,
} from "./enet-packet-peer.js";
export { ENetMultiplayerPeer } from "./enet-multiplayer-peer.js";
export { type ENetMultiplayerPeerStats } from "./enet-multiplayer-packets.js";

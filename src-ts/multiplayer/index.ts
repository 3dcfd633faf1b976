export {
  MultiplayerPeer,
  TransferMode,
  ConnectionStatus,
  TARGET_PEER_BROADCAST,
  TARGET_PEER_SERVER,
  type MultiplayerPeerEvents,
} from "./multiplayer-peer.js";
export { OfflineMultiplayerPeer } from "./offline-multiplayer-peer.js";
export {
  SceneMultiplayer,
  type AuthCallback,
  type SceneMultiplayerEvents,
  type SceneMultiplayerOptions,
  type AnyMultiplayerPeer,
} from "./scene-multiplayer.js";
export type { SceneMultiplayerStats } from "./scene-multiplayer-stats.js";
export { NetworkCommand, SysCommand } from "./scene-multiplayer-codec.js";

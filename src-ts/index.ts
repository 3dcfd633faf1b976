export { GodotError, errorName } from "./errors.js";
export * from "./variant/index.js";
export {
  varToStr,
  strToVar,
  typeName,
  variantTypeOf,
  VariantTextParseError,
  VariantTextWriteError,
  type VarToStrOptions,
  type TextPosition,
} from "./variant/text.js";
export {
  PacketPeer,
  DEFAULT_ENCODE_BUFFER_MAX_SIZE,
  type GetVarOptions,
  type VarResult,
} from "./packet-peer.js";
export {
  PacketPeerUDP,
  type BindOptions,
  type PacketPeerUDPEvents,
  type PacketPeerUDPStats,
  type RemoteInfo,
  type UDPPacket,
  type WaitOptions,
} from "./packet-peer-udp.js";
export {
  UDPServer,
  type UDPServerConnectionsOptions,
  type UDPServerEvents,
  type UDPServerListenOptions,
  type UDPServerStats,
} from "./udp-server.js";
export { UDPSocketError } from "./udp-socket-error.js";
export { AbortError } from "./abort-error.js";
export {
  Crypto,
  CryptoKey,
  X509Certificate,
  TLSOptions,
  PacketPeerDTLS,
  DTLSStatus,
  DTLSServer,
  type PacketPeerDTLSEvents,
  type PacketPeerDTLSStats,
  type DTLSServerStats,
} from "./dtls/index.js";
export {
  ENetConnection,
  ENetPacketPeer,
  ENetEventType,
  ENetCompressionMode,
  ENetHostStatistic,
  ENetPeerState,
  ENetPeerStatistic,
  type ENetConnectionEvent,
  type ENetConnectionEvents,
  type ENetConnectionStats,
  type ENetServiceResult,
  ENetMultiplayerPeer,
  type ENetMultiplayerPeerStats,
} from "./enet/index.js";
export {
  MultiplayerPeer,
  OfflineMultiplayerPeer,
  SceneMultiplayer,
  TransferMode,
  ConnectionStatus,
  TARGET_PEER_BROADCAST,
  TARGET_PEER_SERVER,
  type AnyMultiplayerPeer,
  type AuthCallback,
  type MultiplayerPeerEvents,
  type SceneMultiplayerEvents,
  type SceneMultiplayerOptions,
  type SceneMultiplayerStats,
} from "./multiplayer/index.js";

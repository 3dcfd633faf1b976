/**
 * SceneMultiplayer's counters. Godot prints an error and skips a packet it cannot use; here each
 * skipped packet is counted under its reason, and `packetsDropped` is their sum.
 */
export interface SceneMultiplayerStats {
  /** Packets taken from the MultiplayerPeer by `poll()`. */
  packetsReceived: number;
  /** Packets handed to the MultiplayerPeer (each copy of a broadcast, relay and announcement). */
  packetsSent: number;
  /** `'peerPacket'` events emitted (RAW payloads, direct or relayed). */
  bytesPacketsReceived: number;
  /** Copies of a client's RELAY the server forwarded to other clients. */
  packetsRelayed: number;
  /** AUTH payloads handed to `authCallback`. */
  authMessagesReceived: number;
  /** Every packet dropped, whatever the reason below. */
  packetsDropped: number;
  /**
   * Too short for its command: an empty packet, RAW without payload, SYS shorter than 6 bytes,
   * RELAY without an inner packet, an AUTH confirmation with bytes after it.
   */
  droppedMalformed: number;
  /** From a peer still authenticating, and not an AUTH message. */
  droppedUnauthenticated: number;
  /** AUTH data from an authenticating peer while no `authCallback` is set. */
  droppedAuthWithoutCallback: number;
  /** From a peer id that is neither connected nor authenticating. */
  droppedUnknownSender: number;
  /**
   * A SYS message not allowed here: ADD_PEER/DEL_PEER not from the server or without relay,
   * RELAY without relay or (on a client) not from the server, an unknown SYS command, a SYS
   * command inside a relayed packet.
   */
  droppedRefusedSys: number;
  /** A RELAY to a peer the server does not have (gone in transit, or never there, or itself). */
  droppedRelayTarget: number;
  /**
   * REMOTE_CALL, SIMPLIFY_PATH, CONFIRM_PATH, SPAWN, DESPAWN, SYNC: Godot's RPC and replication,
   * not implemented yet (see docs/multiplayer.md).
   */
  droppedUnsupported: number;
}

export type DropReason = Exclude<
  keyof SceneMultiplayerStats,
  | "packetsReceived"
  | "packetsSent"
  | "bytesPacketsReceived"
  | "packetsRelayed"
  | "authMessagesReceived"
  | "packetsDropped"
>;

export function newStats(): SceneMultiplayerStats {
  return {
    packetsReceived: 0,
    packetsSent: 0,
    bytesPacketsReceived: 0,
    packetsRelayed: 0,
    authMessagesReceived: 0,
    packetsDropped: 0,
    droppedMalformed: 0,
    droppedUnauthenticated: 0,
    droppedAuthWithoutCallback: 0,
    droppedUnknownSender: 0,
    droppedRefusedSys: 0,
    droppedRelayTarget: 0,
    droppedUnsupported: 0,
  };
}

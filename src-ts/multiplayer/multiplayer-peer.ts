/**
 * Godot's abstract `MultiplayerPeer` (`scene/main/multiplayer_peer.h/.cpp`): a `PacketPeer` that
 * talks to several peers by id, which `SceneMultiplayer` drives. A transport (ENet now, WebSocket
 * later) extends it and implements the abstract members below; the transfer settings, the
 * refuse flag and `generateUniqueId` are written once here, as Godot writes them in the base.
 *
 * The contract a transport keeps (SceneMultiplayer relies on it, as Godot's does):
 * - `poll()` does the transport's I/O and emits `'peerConnected'` / `'peerDisconnected'`
 *   synchronously from inside `poll()`; listeners may call `putPacket` re-entrantly.
 * - `getPacketPeer()`, `getPacketChannel()` and `getPacketMode()` describe the packet that the
 *   next `getPacket()` returns (the head of the queue), so they are read before it.
 * - `putPacket` sends to the target set by `setTargetPeer` with the current `transferMode` and
 *   `transferChannel`: 0 is everyone, a negative id everyone but that peer.
 */
import { randomBytes } from "node:crypto";
import { PacketPeer } from "../packet-peer.js";
import { checkBoolean, checkInteger } from "../validate.js";

/** Godot's `MultiplayerPeer.TransferMode`. */
export enum TransferMode {
  TRANSFER_MODE_UNRELIABLE = 0,
  TRANSFER_MODE_UNRELIABLE_ORDERED = 1,
  TRANSFER_MODE_RELIABLE = 2,
}

/** Godot's `MultiplayerPeer.ConnectionStatus`. */
export enum ConnectionStatus {
  CONNECTION_DISCONNECTED = 0,
  CONNECTION_CONNECTING = 1,
  CONNECTION_CONNECTED = 2,
}

/** Godot's `TARGET_PEER_BROADCAST`: every connected peer. */
export const TARGET_PEER_BROADCAST = 0;
/** Godot's `TARGET_PEER_SERVER`: the server's id is always 1. */
export const TARGET_PEER_SERVER = 1;

/** True for Godot's three transfer modes (0, 1, 2). */
export function isTransferMode(value: number): value is TransferMode {
  return (
    value === TransferMode.TRANSFER_MODE_UNRELIABLE ||
    value === TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED ||
    value === TransferMode.TRANSFER_MODE_RELIABLE
  );
}

/** Godot's `MultiplayerPeer` signals, as events. */
export interface MultiplayerPeerEvents {
  /** Godot's `peer_connected`: a remote peer connected (for a client: the server, id 1). */
  peerConnected: [id: number];
  /** Godot's `peer_disconnected`. */
  peerDisconnected: [id: number];
}

/**
 * A transport with more events than these declares them in its own interface extending
 * `MultiplayerPeerEvents`.
 */
export abstract class MultiplayerPeer<
  Events extends MultiplayerPeerEvents & Record<keyof Events, unknown[]> = MultiplayerPeerEvents,
> extends PacketPeer<Events> {
  static readonly TARGET_PEER_BROADCAST = TARGET_PEER_BROADCAST;
  static readonly TARGET_PEER_SERVER = TARGET_PEER_SERVER;
  static readonly CONNECTION_DISCONNECTED = ConnectionStatus.CONNECTION_DISCONNECTED;
  static readonly CONNECTION_CONNECTING = ConnectionStatus.CONNECTION_CONNECTING;
  static readonly CONNECTION_CONNECTED = ConnectionStatus.CONNECTION_CONNECTED;
  static readonly TRANSFER_MODE_UNRELIABLE = TransferMode.TRANSFER_MODE_UNRELIABLE;
  static readonly TRANSFER_MODE_UNRELIABLE_ORDERED = TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED;
  static readonly TRANSFER_MODE_RELIABLE = TransferMode.TRANSFER_MODE_RELIABLE;

  #transferChannel = 0;
  #transferMode: TransferMode = TransferMode.TRANSFER_MODE_RELIABLE;
  #refuseNewConnections = false;

  // ---------------------------------------------------------------------------------------------
  // What a transport implements (Godot's pure virtuals).

  /** Godot `set_target_peer`: where the next `putPacket` goes (0 all, -id all but id). */
  abstract setTargetPeer(id: number): void;
  /** Godot `get_packet_peer`: the sender of the packet the next `getPacket()` returns. */
  abstract getPacketPeer(): number;
  /** Godot `get_packet_mode`: the transfer mode that packet arrived with. */
  abstract getPacketMode(): TransferMode;
  /** Godot `get_packet_channel`: the channel that packet arrived on. */
  abstract getPacketChannel(): number;
  /** Godot `disconnect_peer`: drops one peer (`force`: at once, without notifying it). */
  abstract disconnectPeer(id: number, force?: boolean): void;
  /** Godot `is_server`. */
  abstract isServer(): boolean;
  /** Godot `poll`: runs the transport; emits the peer events from inside the call. */
  abstract poll(): void;
  /** Godot `close`: ends every connection at once. */
  abstract close(): void;
  /** Godot `get_unique_id`: 1 for the server, the client's own id otherwise, 0 when inactive. */
  abstract getUniqueId(): number;
  /** Godot `get_connection_status`. */
  abstract getConnectionStatus(): ConnectionStatus;

  // ---------------------------------------------------------------------------------------------
  // Written once, overridable (Godot's non-pure virtuals).

  /** Godot's `transfer_channel` property (default 0): the channel `putPacket` sends on. */
  get transferChannel(): number {
    return this.getTransferChannel();
  }

  set transferChannel(channel: number) {
    this.setTransferChannel(channel);
  }

  /** Godot `set_transfer_channel`. The transport checks the range when it sends. */
  setTransferChannel(channel: number): void {
    checkInteger(channel, "channel");
    this.#transferChannel = channel;
  }

  /** Godot `get_transfer_channel`. */
  getTransferChannel(): number {
    return this.#transferChannel;
  }

  /** Godot's `transfer_mode` property (default `TRANSFER_MODE_RELIABLE`). */
  get transferMode(): TransferMode {
    return this.getTransferMode();
  }

  set transferMode(mode: TransferMode) {
    this.setTransferMode(mode);
  }

  /**
   * Godot `set_transfer_mode`. Not an integer: `TypeError`; an integer other than 0, 1 or 2:
   * `RangeError` (Godot stores any int and its transports then send it as they see fit).
   */
  setTransferMode(mode: TransferMode): void {
    checkInteger(mode, "mode");
    if (!isTransferMode(mode)) {
      throw new RangeError(`mode must be a TransferMode (0, 1 or 2), got ${String(mode)}`);
    }
    this.#transferMode = mode;
  }

  /** Godot `get_transfer_mode`. */
  getTransferMode(): TransferMode {
    return this.#transferMode;
  }

  /** Godot's `refuse_new_connections` property (default false). */
  get refuseNewConnections(): boolean {
    return this.isRefusingNewConnections();
  }

  set refuseNewConnections(enable: boolean) {
    this.setRefuseNewConnections(enable);
  }

  /** Godot `set_refuse_new_connections`. A transport overrides it to act on its host too. */
  setRefuseNewConnections(enable: boolean): void {
    checkBoolean(enable, "enable");
    this.#refuseNewConnections = enable;
  }

  /** Godot `is_refusing_new_connections`. */
  isRefusingNewConnections(): boolean {
    return this.#refuseNewConnections;
  }

  /**
   * Godot `is_server_relay_supported`: whether SceneMultiplayer may relay through the server
   * (false in Godot's base class; ENet says true).
   */
  isServerRelaySupported(): boolean {
    return false;
  }

  /**
   * Godot `generate_unique_id`: a random id in [2, 2^31 - 1]. Godot hashes the clock and ASLR
   * addresses and keeps the low 31 bits (negative ids mean exclusion), retrying 0 and 1; this
   * draws the 31 bits from the OS's CSPRNG instead, with the same range and retry.
   */
  generateUniqueId(): number {
    for (;;) {
      const id = randomBytes(4).readUInt32LE(0) & 0x7fffffff;
      if (id > 1) return id;
    }
  }
}

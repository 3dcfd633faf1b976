/**
 * Godot's `OfflineMultiplayerPeer` (`modules/multiplayer/scene_multiplayer.h`): the peer a new
 * SceneMultiplayer starts with. Always connected, always the server (id 1), never any peers:
 * sends succeed and go nowhere, nothing is ever received.
 */
import { GodotError } from "../errors.js";
import type { TakenPacket } from "../packet-peer.js";
import { checkBoolean, checkBytes, checkInteger } from "../validate.js";
import { ConnectionStatus, MultiplayerPeer, TARGET_PEER_SERVER, TransferMode } from "./multiplayer-peer.js";

const EMPTY = Buffer.alloc(0);

export class OfflineMultiplayerPeer extends MultiplayerPeer {
  /** Godot: accepted and discarded (`OK`). */
  putPacket(data: Uint8Array): GodotError {
    checkBytes(data, "data");
    return GodotError.OK;
  }

  /** Godot: an empty packet with `OK` (there is never one to take). */
  getPacket(): Buffer {
    return EMPTY;
  }

  getAvailablePacketCount(): number {
    return 0;
  }

  getPacketError(): GodotError {
    return GodotError.OK;
  }

  protected takePacketForVar(): TakenPacket {
    return { error: GodotError.ERR_UNAVAILABLE, data: null };
  }

  setTargetPeer(id: number): void {
    checkInteger(id, "id");
  }

  getPacketPeer(): number {
    return 0;
  }

  getPacketMode(): TransferMode {
    return TransferMode.TRANSFER_MODE_RELIABLE;
  }

  getPacketChannel(): number {
    return 0;
  }

  disconnectPeer(id: number, force = false): void {
    checkInteger(id, "id");
    checkBoolean(force, "force");
  }

  isServer(): boolean {
    return true;
  }

  poll(): void {}

  close(): void {}

  getUniqueId(): number {
    return TARGET_PEER_SERVER;
  }

  getConnectionStatus(): ConnectionStatus {
    return ConnectionStatus.CONNECTION_CONNECTED;
  }
}

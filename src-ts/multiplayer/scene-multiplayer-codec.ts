/**
 * SceneMultiplayer's framing on the wire (`modules/multiplayer/scene_multiplayer.h/.cpp`). Every
 * packet starts with one byte whose low 3 bits (`CMD_MASK`) are the command; bits 4 to 7 are
 * per-command flags (the RPC and replication commands use them, RAW and SYS do not), bit 3 is
 * unused. Integers are little-endian.
 *
 * | command | bytes |
 * |---|---|
 * | RAW (3) | `[3][payload...]` (`send_bytes`; a payload of at least one byte) |
 * | SYS AUTH | `[7][0][auth data...]`: no peer field; empty data = "auth complete" |
 * | SYS ADD_PEER / DEL_PEER | `[7][1 or 2][peer i32]` (server to clients, relay mode) |
 * | SYS RELAY | `[7][3][peer i32][inner packet...]`: peer = destination from a client, source from the server |
 *
 * REMOTE_CALL, SIMPLIFY_PATH, CONFIRM_PATH, SPAWN, DESPAWN and SYNC keep their numbers here;
 * their bodies get their own codec files when RPC and replication come.
 */

/** Godot's `SceneMultiplayer::NetworkCommands`: the low 3 bits of byte 0. */
export enum NetworkCommand {
  REMOTE_CALL = 0,
  SIMPLIFY_PATH = 1,
  CONFIRM_PATH = 2,
  RAW = 3,
  SPAWN = 4,
  DESPAWN = 5,
  SYNC = 6,
  SYS = 7,
}

/** Godot's `SceneMultiplayer::SysCommands`: byte 1 of a SYS packet. */
export enum SysCommand {
  AUTH = 0,
  ADD_PEER = 1,
  DEL_PEER = 2,
  RELAY = 3,
}

/** Godot's `CMD_MASK`: the command is `byte0 & 7`. */
export const CMD_MASK = 0x07;
/** Godot's `CMD_FLAG_0_SHIFT`: the first of the four per-command flag bits (4, 5, 6, 7). */
export const CMD_FLAG_0_SHIFT = 4;
/** Godot's `SYS_CMD_SIZE`: command, sys command and the i32 peer id. */
export const SYS_CMD_SIZE = 6;
/** An AUTH message's header: command and sys command, no peer id. */
export const AUTH_HEADER_SIZE = 2;

/** The command of a packet (`byte0 & CMD_MASK`), or -1 for an empty packet. */
export function commandOf(packet: Uint8Array): NetworkCommand | -1 {
  return packet.length === 0 ? -1 : ((packet[0]! & CMD_MASK) as NetworkCommand);
}

/** True when the packet is a SYS AUTH message (of any length >= 2), as Godot tests it. */
export function isAuthMessage(packet: Uint8Array): boolean {
  return (
    packet.length >= AUTH_HEADER_SIZE &&
    commandOf(packet) === NetworkCommand.SYS &&
    packet[1] === SysCommand.AUTH
  );
}

/** `send_bytes`' packet: `[RAW][payload]`. */
export function encodeRaw(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(payload.length + 1);
  out[0] = NetworkCommand.RAW;
  out.set(payload, 1);
  return out;
}

/** `send_auth` (`payload` non-empty) or `complete_auth` (empty): `[SYS][AUTH][payload]`. */
export function encodeAuth(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(payload.length + AUTH_HEADER_SIZE);
  out[0] = NetworkCommand.SYS;
  out[1] = SysCommand.AUTH;
  out.set(payload, AUTH_HEADER_SIZE);
  return out;
}

/** A SYS header with its peer id: `[SYS][sys][peer i32]` (ADD_PEER, DEL_PEER). */
export function encodeSysPeer(sys: SysCommand, peer: number): Buffer {
  const out = Buffer.allocUnsafe(SYS_CMD_SIZE);
  out[0] = NetworkCommand.SYS;
  out[1] = sys;
  out.writeInt32LE(peer | 0, 2);
  return out;
}

/** `[SYS][RELAY][peer i32][inner]`: a client's destination, or the server's source. */
export function encodeRelay(peer: number, inner: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(SYS_CMD_SIZE + inner.length);
  out[0] = NetworkCommand.SYS;
  out[1] = SysCommand.RELAY;
  out.writeInt32LE(peer | 0, 2);
  out.set(inner, SYS_CMD_SIZE);
  return out;
}

/** A decoded SYS header (ADD_PEER, DEL_PEER, RELAY; AUTH has no peer field). */
export interface SysHeader {
  sys: number;
  /** The i32 at bytes 2..5, signed as Godot reads it. */
  peer: number;
  /** The bytes after the header (a RELAY's inner packet). A view, not a copy. */
  body: Buffer;
}

/** Reads a SYS header; `null` when the packet is shorter than `SYS_CMD_SIZE`. */
export function decodeSysHeader(packet: Buffer): SysHeader | null {
  if (packet.length < SYS_CMD_SIZE) return null;
  return { sys: packet[1]!, peer: packet.readInt32LE(2), body: packet.subarray(SYS_CMD_SIZE) };
}

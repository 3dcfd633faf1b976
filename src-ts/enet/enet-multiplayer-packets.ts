/**
 * ENetMultiplayerPeer's packets: how a transfer mode and channel map to ENet's channel and flags
 * (both ways, as `modules/enet/enet_multiplayer_peer.cpp` maps them), the bounded queue of
 * received packets that `getPacket()` reads, and the counters of what was refused or dropped.
 */
import { GodotError } from "../errors.js";
import type { TakenPacket } from "../packet-peer.js";
import { TransferMode } from "../multiplayer/multiplayer-peer.js";
import { ENetPacketPeer } from "./enet-packet-peer.js";

/** Godot's `SYSCH_RELIABLE`, `SYSCH_UNRELIABLE`, `SYSCH_MAX`: ENet channels 0 and 1 are the system's. */
export const SYSCH_RELIABLE = 0;
export const SYSCH_UNRELIABLE = 1;
export const SYSCH_MAX = 2;

/** Most packets held for `getPacket()`; past it (or past the bytes) packets are dropped and counted. */
export const MAX_INCOMING_PACKETS = 65536;
export const MAX_INCOMING_BYTES = 32 * 1024 * 1024;

const FLAG_RELIABLE = ENetPacketPeer.FLAG_RELIABLE;
const FLAG_UNSEQUENCED = ENetPacketPeer.FLAG_UNSEQUENCED;
const FLAG_UNRELIABLE_FRAGMENT = ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT;

/** Where `put_packet` sends: ENet channel and `FLAG_*`. */
export interface Route {
  channel: number;
  flags: number;
}

/**
 * Godot's `put_packet` choice: RELIABLE on channel 0 with `FLAG_RELIABLE`; UNRELIABLE on channel 1
 * with `UNSEQUENCED | UNRELIABLE_FRAGMENT`; UNRELIABLE_ORDERED on channel 1 with
 * `UNRELIABLE_FRAGMENT` (ENet sequences it); a `transferChannel` n > 0 moves it to channel n + 1
 * with the same flags.
 */
export function routeOf(mode: TransferMode, transferChannel: number): Route {
  let route: Route;
  if (mode === TransferMode.TRANSFER_MODE_UNRELIABLE) {
    route = { channel: SYSCH_UNRELIABLE, flags: FLAG_UNSEQUENCED | FLAG_UNRELIABLE_FRAGMENT };
  } else if (mode === TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED) {
    route = { channel: SYSCH_UNRELIABLE, flags: FLAG_UNRELIABLE_FRAGMENT };
  } else {
    route = { channel: SYSCH_RELIABLE, flags: FLAG_RELIABLE };
  }
  if (transferChannel > 0) route.channel = SYSCH_MAX + transferChannel - 1;
  return route;
}

/**
 * Godot `_store_packet`: a received packet's mode from its ENet flags. A packet sent UNRELIABLE but
 * larger than one datagram travels as unreliable fragments and so arrives as UNRELIABLE_ORDERED.
 */
export function modeOf(flags: number): TransferMode {
  if ((flags & FLAG_RELIABLE) !== 0) return TransferMode.TRANSFER_MODE_RELIABLE;
  if ((flags & FLAG_UNSEQUENCED) !== 0) return TransferMode.TRANSFER_MODE_UNRELIABLE;
  return TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED;
}

/** Godot `get_packet_channel`: ENet channel - 1 from channel 2 on, else 0. */
export function userChannelOf(enetChannel: number): number {
  return enetChannel >= SYSCH_MAX ? enetChannel - SYSCH_MAX + 1 : 0;
}

/** A received packet as `getPacket*` describe it. */
export interface Incoming {
  data: Buffer;
  from: number;
  /** ENet's channel. */
  channel: number;
  mode: TransferMode;
}

/** The received packets, oldest first, bounded by count and bytes. */
export class IncomingQueue {
  /** Read from `#head`; taken slots hold undefined until compacted. */
  #items: (Incoming | undefined)[] = [];
  #head = 0;
  #bytes = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** The packet `take()` returns next. */
  peek(): Incoming | undefined {
    return this.#items[this.#head];
  }

  /** False (nothing kept) when the queue is full. */
  push(item: Incoming): boolean {
    if (this.length >= MAX_INCOMING_PACKETS || this.#bytes + item.data.length > MAX_INCOMING_BYTES) return false;
    this.#items.push(item);
    this.#bytes += item.data.length;
    return true;
  }

  take(): TakenPacket & { data: Buffer | null } {
    const item = this.#items[this.#head];
    if (item === undefined) return { error: GodotError.ERR_UNAVAILABLE, data: null };
    this.#items[this.#head] = undefined;
    this.#head++;
    this.#bytes -= item.data.length;
    if (this.#head === this.#items.length) this.clear();
    else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return { error: GodotError.OK, data: item.data };
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}

/** What this class refused or dropped (cumulative; an extension, Godot prints errors instead). */
export interface ENetMultiplayerPeerStats {
  /** CONNECTs reset because the id was < 2 or above 2^31 - 1 (Godot admits those as negative ids). */
  refusedInvalidId: number;
  /** CONNECTs reset because a connected peer already had that id. */
  refusedDuplicateId: number;
  /** CONNECTs reset while refusing new connections (and every CONNECT a mesh host got). */
  refusedNewConnection: number;
  /** Packets from an ENet peer that is not (or no longer) a connected peer here. */
  droppedUnknownPeer: number;
  /** Packets dropped because `MAX_INCOMING_PACKETS` / `MAX_INCOMING_BYTES` were reached. */
  droppedQueueFull: number;
  /** `putPacket` sends ENet refused (e.g. a channel beyond the connection's); Godot returns OK then too. */
  sendFailed: number;
}

export function newStats(): ENetMultiplayerPeerStats {
  return {
    refusedInvalidId: 0,
    refusedDuplicateId: 0,
    refusedNewConnection: 0,
    droppedUnknownPeer: 0,
    droppedQueueFull: 0,
    sendFailed: 0,
  };
}

/**
 * Godot's `ENetPacketPeer`: one ENet peer of an `ENetConnection`, as a `PacketPeer`
 * (putPacket/getPacket on channel 0, reliable; putVar/getVar over them).
 *
 * Peers are made by their connection (`connectToHost`, or an incoming CONNECT in `service`), never
 * with `new`. A peer stays active until its DISCONNECT event, `peerDisconnectNow()`, `reset()` or
 * the connection's `destroy()`; after that every call is a no-op returning Godot's "inactive"
 * value, even if ENet gives its slot to a new peer (the binding's handles never name two peers).
 */
import { GodotError } from "../errors.js";
import type { NativeEnetHost } from "../native.js";
import { PacketPeer, type TakenPacket } from "../packet-peer.js";
import { checkBytes, checkInteger } from "../validate.js";

/** Godot's `ENetPacketPeer.PeerState` (ENet's peer states). */
export enum ENetPeerState {
  STATE_DISCONNECTED = 0,
  STATE_CONNECTING = 1,
  STATE_ACKNOWLEDGING_CONNECT = 2,
  STATE_CONNECTION_PENDING = 3,
  STATE_CONNECTION_SUCCEEDED = 4,
  STATE_CONNECTED = 5,
  STATE_DISCONNECT_LATER = 6,
  STATE_DISCONNECTING = 7,
  STATE_ACKNOWLEDGING_DISCONNECT = 8,
  STATE_ZOMBIE = 9,
}

/** Godot's `ENetPacketPeer.PeerStatistic`. */
export enum ENetPeerStatistic {
  PEER_PACKET_LOSS = 0,
  PEER_PACKET_LOSS_VARIANCE = 1,
  PEER_PACKET_LOSS_EPOCH = 2,
  PEER_ROUND_TRIP_TIME = 3,
  PEER_ROUND_TRIP_TIME_VARIANCE = 4,
  PEER_LAST_ROUND_TRIP_TIME = 5,
  PEER_LAST_ROUND_TRIP_TIME_VARIANCE = 6,
  PEER_PACKET_THROTTLE = 7,
  PEER_PACKET_THROTTLE_LIMIT = 8,
  PEER_PACKET_THROTTLE_COUNTER = 9,
  PEER_PACKET_THROTTLE_EPOCH = 10,
  PEER_PACKET_THROTTLE_ACCELERATION = 11,
  PEER_PACKET_THROTTLE_DECELERATION = 12,
  PEER_PACKET_THROTTLE_INTERVAL = 13,
}

/**
 * Bounds of one peer's queue of received packets (Godot's is unbounded): the count, and the bytes,
 * which are ENet's own limit on data waiting in a host (`ENET_HOST_DEFAULT_MAXIMUM_WAITING_DATA`).
 * A packet past either is dropped and counted in `droppedPackets`.
 */
export const MAX_QUEUED_PACKETS = 65536;
export const MAX_QUEUED_BYTES = 32 * 1024 * 1024;

const EMPTY = Buffer.alloc(0);
const TOKEN = Symbol("ENetPacketPeer");

/** What the connection does with its peers (set in the class's static block). */
/** What a peer tells its connection. */
export interface PeerLink {
  /** The peer went inactive by its own call (disconnect now, reset). */
  gone(peer: ENetPacketPeer): void;
  /** The peer queued a send (event mode flushes it soon). */
  sent(): void;
}

export interface PeerInternals {
  create(host: NativeEnetHost, handle: number, link: PeerLink): ENetPacketPeer;
  handle(peer: ENetPacketPeer): number;
  /** Godot's `_queue_packet`; false when the bounded queue dropped it. */
  queue(peer: ENetPacketPeer, packet: Buffer, flags: number): boolean;
}

export let peerInternals!: PeerInternals;

export class ENetPacketPeer extends PacketPeer {
  static readonly STATE_DISCONNECTED = ENetPeerState.STATE_DISCONNECTED;
  static readonly STATE_CONNECTING = ENetPeerState.STATE_CONNECTING;
  static readonly STATE_ACKNOWLEDGING_CONNECT = ENetPeerState.STATE_ACKNOWLEDGING_CONNECT;
  static readonly STATE_CONNECTION_PENDING = ENetPeerState.STATE_CONNECTION_PENDING;
  static readonly STATE_CONNECTION_SUCCEEDED = ENetPeerState.STATE_CONNECTION_SUCCEEDED;
  static readonly STATE_CONNECTED = ENetPeerState.STATE_CONNECTED;
  static readonly STATE_DISCONNECT_LATER = ENetPeerState.STATE_DISCONNECT_LATER;
  static readonly STATE_DISCONNECTING = ENetPeerState.STATE_DISCONNECTING;
  static readonly STATE_ACKNOWLEDGING_DISCONNECT = ENetPeerState.STATE_ACKNOWLEDGING_DISCONNECT;
  static readonly STATE_ZOMBIE = ENetPeerState.STATE_ZOMBIE;

  static readonly PEER_PACKET_LOSS = ENetPeerStatistic.PEER_PACKET_LOSS;
  static readonly PEER_PACKET_LOSS_VARIANCE = ENetPeerStatistic.PEER_PACKET_LOSS_VARIANCE;
  static readonly PEER_PACKET_LOSS_EPOCH = ENetPeerStatistic.PEER_PACKET_LOSS_EPOCH;
  static readonly PEER_ROUND_TRIP_TIME = ENetPeerStatistic.PEER_ROUND_TRIP_TIME;
  static readonly PEER_ROUND_TRIP_TIME_VARIANCE = ENetPeerStatistic.PEER_ROUND_TRIP_TIME_VARIANCE;
  static readonly PEER_LAST_ROUND_TRIP_TIME = ENetPeerStatistic.PEER_LAST_ROUND_TRIP_TIME;
  static readonly PEER_LAST_ROUND_TRIP_TIME_VARIANCE = ENetPeerStatistic.PEER_LAST_ROUND_TRIP_TIME_VARIANCE;
  static readonly PEER_PACKET_THROTTLE = ENetPeerStatistic.PEER_PACKET_THROTTLE;
  static readonly PEER_PACKET_THROTTLE_LIMIT = ENetPeerStatistic.PEER_PACKET_THROTTLE_LIMIT;
  static readonly PEER_PACKET_THROTTLE_COUNTER = ENetPeerStatistic.PEER_PACKET_THROTTLE_COUNTER;
  static readonly PEER_PACKET_THROTTLE_EPOCH = ENetPeerStatistic.PEER_PACKET_THROTTLE_EPOCH;
  static readonly PEER_PACKET_THROTTLE_ACCELERATION = ENetPeerStatistic.PEER_PACKET_THROTTLE_ACCELERATION;
  static readonly PEER_PACKET_THROTTLE_DECELERATION = ENetPeerStatistic.PEER_PACKET_THROTTLE_DECELERATION;
  static readonly PEER_PACKET_THROTTLE_INTERVAL = ENetPeerStatistic.PEER_PACKET_THROTTLE_INTERVAL;

  /** `ENET_PEER_PACKET_LOSS_SCALE`: `PEER_PACKET_LOSS` is out of this. */
  static readonly PACKET_LOSS_SCALE = 65536;
  /** `ENET_PEER_PACKET_THROTTLE_SCALE`: the throttle values are out of this. */
  static readonly PACKET_THROTTLE_SCALE = 32;

  static readonly FLAG_RELIABLE = 1;
  static readonly FLAG_UNSEQUENCED = 2;
  static readonly FLAG_UNRELIABLE_FRAGMENT = 8;

  readonly #host: NativeEnetHost;
  readonly #handle: number;
  readonly #link: PeerLink;
  // Received packets and their flags, oldest at #head (a queue without per-shift copies).
  #packets: Buffer[] = [];
  #flags: number[] = [];
  #head = 0;
  #queuedBytes = 0;
  #dropped = 0;
  #lastError: GodotError = GodotError.OK;

  static {
    peerInternals = {
      create: (host, handle, link) => new ENetPacketPeer(TOKEN, host, handle, link),
      handle: (peer) => peer.#handle,
      queue: (peer, packet, flags) => peer.#queue(packet, flags),
    };
  }

  /** Not for users: peers come from `ENetConnection.connectToHost` and `service`. */
  constructor(token: symbol, host: NativeEnetHost, handle: number, link: PeerLink) {
    if (token !== TOKEN) {
      throw new TypeError("ENetPacketPeer is made by ENetConnection (connectToHost, service), not with new");
    }
    super();
    this.#host = host;
    this.#handle = handle;
    this.#link = link;
  }

  // ---------------------------------------------------------------------------------------------
  // PacketPeer

  /**
   * Godot `put_packet`: sends `data` reliably on channel 0. `ERR_UNCONFIGURED` when inactive,
   * `FAILED` when ENet refuses it.
   */
  putPacket(data: Uint8Array): GodotError {
    checkBytes(data, "data");
    if (!this.#host.peerIsActive(this.#handle)) return GodotError.ERR_UNCONFIGURED;
    const code = this.#host.peerSend(this.#handle, 0, data, ENetPacketPeer.FLAG_RELIABLE) as GodotError;
    if (code !== GodotError.OK) return GodotError.FAILED;
    this.#link.sent();
    return GodotError.OK;
  }

  /** Godot `get_packet`: the oldest queued packet; empty on failure (see `getPacketError`). */
  getPacket(): Buffer {
    const taken = this.#take();
    this.#lastError = taken.error;
    return taken.data ?? EMPTY;
  }

  /** Godot `get_available_packet_count`: queued packets (kept after the peer goes inactive). */
  getAvailablePacketCount(): number {
    return this.#packets.length - this.#head;
  }

  /** The result of the last `getPacket()`. */
  getPacketError(): GodotError {
    return this.#lastError;
  }

  protected takePacketForVar(): TakenPacket {
    return this.#take();
  }

  // ---------------------------------------------------------------------------------------------
  // ENetPacketPeer

  /**
   * Godot `send`: queues `packet` on `channel` with `flags` (`FLAG_*`), sent on the next service
   * or flush. `ERR_UNCONFIGURED` when inactive, `ERR_INVALID_PARAMETER` for a channel outside
   * 0..getChannels() or unknown flags, `FAILED` when ENet refuses it (Godot's checks let channel
   * == getChannels() through to ENet, which refuses it).
   */
  send(channel: number, packet: Uint8Array, flags: number): GodotError {
    checkInteger(channel, "channel");
    checkBytes(packet, "packet");
    checkInteger(flags, "flags");
    const code = this.#host.peerSend(this.#handle, channel, packet, flags) as GodotError;
    if (code === GodotError.OK) this.#link.sent();
    return code;
  }

  /** Godot `get_packet_flags`: the flags of the packet `getPacket` returns next (0 when none). */
  getPacketFlags(): number {
    return this.#head < this.#packets.length ? this.#flags[this.#head]! : 0;
  }

  /** Godot `get_channels`: the channels of this connection (0 when inactive). */
  getChannels(): number {
    return this.#host.peerChannels(this.#handle);
  }

  /**
   * Godot `peer_disconnect`: asks the peer to disconnect with `data`; a DISCONNECT event follows
   * once it acknowledges (or times out).
   */
  peerDisconnect(data = 0): void {
    checkInteger(data, "data");
    this.#host.peerDisconnect(this.#handle, data, 0);
  }

  /** Godot `peer_disconnect_later`: disconnects once every queued packet is sent. */
  peerDisconnectLater(data = 0): void {
    checkInteger(data, "data");
    this.#host.peerDisconnect(this.#handle, data, 1);
  }

  /**
   * Godot `peer_disconnect_now`: sends one unreliable DISCONNECT and forgets the peer at once
   * (no DISCONNECT event here); the peer is inactive from now on.
   */
  peerDisconnectNow(data = 0): void {
    checkInteger(data, "data");
    if (this.#host.peerDisconnect(this.#handle, data, 2) === GodotError.OK) this.#link.gone(this);
  }

  /** Godot `ping`: sends a ping now (ENet pings on its own every ping interval). */
  ping(): void {
    this.#host.peerPing(this.#handle);
  }

  /** Godot `ping_interval`: milliseconds between pings (0: ENet's default, 500). */
  pingInterval(pingInterval: number): void {
    checkInteger(pingInterval, "pingInterval");
    this.#host.peerPingInterval(this.#handle, pingInterval);
  }

  /** Godot `reset`: forgets the peer without telling it; inactive from now on. */
  reset(): void {
    if (this.#host.peerReset(this.#handle) === GodotError.OK) this.#link.gone(this);
  }

  /**
   * Godot `set_timeout(timeout, timeout_min, timeout_max)`: ENet's timeout limit and bounds in ms
   * (0: ENet's defaults). Ignored unless timeout <= timeoutMin <= timeoutMax (Godot prints an
   * error).
   */
  setTimeout(timeout: number, timeoutMin: number, timeoutMax: number): void {
    checkInteger(timeout, "timeout");
    checkInteger(timeoutMin, "timeoutMin");
    checkInteger(timeoutMax, "timeoutMax");
    this.#host.peerSetTimeout(this.#handle, timeout, timeoutMin, timeoutMax);
  }

  /** Godot `throttle_configure(interval, acceleration, deceleration)`. */
  throttleConfigure(interval: number, acceleration: number, deceleration: number): void {
    checkInteger(interval, "interval");
    checkInteger(acceleration, "acceleration");
    checkInteger(deceleration, "deceleration");
    this.#host.peerThrottleConfigure(this.#handle, interval, acceleration, deceleration);
  }

  /** Godot `get_remote_address`: the peer's IP as Godot prints it ("" when inactive). */
  getRemoteAddress(): string {
    return this.#host.peerAddress(this.#handle);
  }

  /** Godot `get_remote_port` (0 when inactive). */
  getRemotePort(): number {
    return this.#host.peerPort(this.#handle);
  }

  /** Godot `get_state`: ENet's state, `STATE_DISCONNECTED` when inactive. */
  getState(): ENetPeerState {
    return this.#host.peerState(this.#handle) as ENetPeerState;
  }

  /** Godot `get_statistic` (`PEER_*`); 0 when inactive or for another number. */
  getStatistic(statistic: ENetPeerStatistic): number {
    checkInteger(statistic, "statistic");
    return this.#host.peerStatistic(this.#handle, statistic);
  }

  /** Godot `is_active`: false once disconnected, reset, or its connection destroyed. */
  isActive(): boolean {
    return this.#host.peerIsActive(this.#handle);
  }

  /** Received packets dropped because this peer's queue was full (an extension; Godot has none). */
  get droppedPackets(): number {
    return this.#dropped;
  }

  // ---------------------------------------------------------------------------------------------

  #take(): { error: GodotError; data: Buffer | null } {
    if (!this.#host.peerIsActive(this.#handle)) return { error: GodotError.ERR_UNCONFIGURED, data: null };
    if (this.#head >= this.#packets.length) return { error: GodotError.ERR_UNAVAILABLE, data: null };
    const data = this.#packets[this.#head]!;
    this.#packets[this.#head] = EMPTY;
    this.#head++;
    this.#queuedBytes -= data.length;
    if (this.#head === this.#packets.length) {
      this.#packets = [];
      this.#flags = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#packets.length) {
      this.#packets = this.#packets.slice(this.#head);
      this.#flags = this.#flags.slice(this.#head);
      this.#head = 0;
    }
    return { error: GodotError.OK, data };
  }

  #queue(packet: Buffer, flags: number): boolean {
    if (
      this.#packets.length - this.#head >= MAX_QUEUED_PACKETS ||
      this.#queuedBytes + packet.length > MAX_QUEUED_BYTES
    ) {
      this.#dropped++;
      return false;
    }
    this.#packets.push(packet);
    this.#flags.push(flags);
    this.#queuedBytes += packet.length;
    return true;
  }
}

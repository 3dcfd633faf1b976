/**
 * Godot's `SceneMultiplayer` (`modules/multiplayer/scene_multiplayer.cpp`), the bytes-and-peers
 * part: peer admission with the optional auth exchange, ADD_PEER/DEL_PEER announcements and
 * server relay, and `sendBytes` / `'peerPacket'`. It sits on any `MultiplayerPeer` (ENet now,
 * WebSocket later) and writes Godot's bytes exactly (see `scene-multiplayer-codec.ts`).
 *
 * Nothing runs by itself: as in Godot, `poll()` drives everything. Call it regularly (a game
 * calls it every frame; a server every few milliseconds): it polls the MultiplayerPeer, takes
 * every queued packet, emits the events, and drops peers whose auth timed out. No timers, so a
 * server that stops polling sends and receives nothing.
 */
import { GodotError } from "../errors.js";
import { checkBytes, checkInteger } from "../validate.js";
import {
  ConnectionStatus,
  MultiplayerPeer,
  TARGET_PEER_BROADCAST,
  TARGET_PEER_SERVER,
  TransferMode,
  isTransferMode,
} from "./multiplayer-peer.js";
import { OfflineMultiplayerPeer } from "./offline-multiplayer-peer.js";
import { PeerSet } from "./peer-set.js";
import { AuthSessions } from "./scene-multiplayer-auth.js";
import {
  AUTH_HEADER_SIZE,
  NetworkCommand,
  SysCommand,
  commandOf,
  decodeSysHeader,
  encodeAuth,
  encodeRaw,
  encodeRelay,
  encodeSysPeer,
  isAuthMessage,
} from "./scene-multiplayer-codec.js";
import {
  SceneMultiplayerSettings,
  type AnyMultiplayerPeer,
  type SceneMultiplayerEvents,
} from "./scene-multiplayer-settings.js";
import { newStats, type DropReason, type SceneMultiplayerStats } from "./scene-multiplayer-stats.js";

export type {
  AnyMultiplayerPeer,
  AuthCallback,
  SceneMultiplayerEvents,
} from "./scene-multiplayer-settings.js";

export interface SceneMultiplayerOptions {
  /**
   * The auth timeout's clock, in milliseconds (default `performance.now`). Tests and simulations
   * pass their own; it is read only inside `poll()`, when a peer starts authenticating.
   */
  clock?: () => number;
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

function transportId(id: unknown): number {
  checkInteger(id, "peer id from the MultiplayerPeer");
  return id;
}

export class SceneMultiplayer extends SceneMultiplayerSettings {
  #peer: AnyMultiplayerPeer | null = null;
  #lastStatus: ConnectionStatus = ConnectionStatus.CONNECTION_DISCONNECTED;
  readonly #pending = new AuthSessions();
  readonly #connected = new PeerSet();
  #remoteSenderId = 0;
  /** Godot's `set_block_signals` around `disconnect_peer`. */
  #muted = false;
  readonly #clock: () => number;
  readonly #stats = newStats();
  // Typed loosely because a transport's event map is open; a non-integer id is a transport bug.
  readonly #onPeerConnected = (...args: unknown[]): void => this.#addPeer(transportId(args[0]));
  readonly #onPeerDisconnected = (...args: unknown[]): void => this.#delPeer(transportId(args[0]));

  constructor(options: SceneMultiplayerOptions = {}) {
    super();
    if (typeof options !== "object" || options === null) {
      throw new TypeError("options must be an object");
    }
    const clock = options.clock ?? (() => performance.now());
    if (typeof clock !== "function") throw new TypeError("options.clock must be a function");
    this.#clock = clock;
    // Godot starts with an OfflineMultiplayerPeer: connected, id 1, no peers.
    this.setMultiplayerPeer(new OfflineMultiplayerPeer());
  }

  // ---------------------------------------------------------------------------------------------
  // The MultiplayerPeer

  /** Godot's `multiplayer_peer` property (`null`: none). */
  get multiplayerPeer(): AnyMultiplayerPeer | null {
    return this.#peer;
  }

  set multiplayerPeer(peer: AnyMultiplayerPeer | null) {
    this.setMultiplayerPeer(peer);
  }

  /**
   * Godot `set_multiplayer_peer`. The old peer's state (peers, auth sessions) is cleared without
   * events. A peer whose status is `CONNECTION_DISCONNECTED` is refused as Godot refuses it (the
   * current one stays); unlike Godot's void method this returns `ERR_UNCONFIGURED` then, else
   * `OK`. Not a MultiplayerPeer or `null`: `TypeError`.
   */
  setMultiplayerPeer(peer: AnyMultiplayerPeer | null): GodotError {
    if (peer !== null && !(peer instanceof MultiplayerPeer)) {
      throw new TypeError("peer must be a MultiplayerPeer or null");
    }
    if (peer === this.#peer) return GodotError.OK;
    if (peer !== null && peer.getConnectionStatus() === ConnectionStatus.CONNECTION_DISCONNECTED) {
      return GodotError.ERR_UNCONFIGURED;
    }
    if (this.#peer !== null) {
      this.#peer.off("peerConnected", this.#onPeerConnected);
      this.#peer.off("peerDisconnected", this.#onPeerDisconnected);
      this.clear();
    }
    this.#peer = peer;
    if (peer !== null) {
      peer.on("peerConnected", this.#onPeerConnected);
      peer.on("peerDisconnected", this.#onPeerDisconnected);
    }
    this.#updateStatus();
    return GodotError.OK;
  }

  /** Godot `get_multiplayer_peer`. */
  override getMultiplayerPeer(): AnyMultiplayerPeer | null {
    return this.#peer;
  }

  /** Godot `has_multiplayer_peer`. */
  hasMultiplayerPeer(): boolean {
    return this.#peer !== null;
  }

  // ---------------------------------------------------------------------------------------------
  // Polling

  /**
   * Godot `poll`: polls the MultiplayerPeer (its peer events arrive here), then takes and handles
   * every packet it queued, then drops authenticating peers whose timeout passed. Returns `OK`,
   * or the transport's error when it fails to hand over a packet it announced.
   */
  poll(): GodotError {
    this.#updateStatus();
    if (this.#lastStatus === ConnectionStatus.CONNECTION_DISCONNECTED) return GodotError.OK;
    this.#peer!.poll();
    this.#updateStatus();
    if (this.#lastStatus !== ConnectionStatus.CONNECTION_CONNECTED) return GodotError.OK;

    const peer = this.#peer!;
    while (peer.getAvailablePacketCount() > 0) {
      const sender = peer.getPacketPeer();
      const channel = peer.getPacketChannel();
      const mode = peer.getPacketMode();
      const packet = peer.getPacket();
      const error = peer.getPacketError();
      if (error !== GodotError.OK) return error;
      this.#stats.packetsReceived++;
      this.#handlePacket(sender, packet, mode, channel);
      this.#updateStatus();
      // Handling a packet may have ended the connection (a listener closed the peer).
      if (this.#lastStatus !== ConnectionStatus.CONNECTION_CONNECTED) return GodotError.OK;
      if (this.#peer !== peer) return GodotError.OK;
    }
    this.#expireAuth();
    this.#updateStatus();
    return GodotError.OK;
  }

  #handlePacket(sender: number, packet: Buffer, mode: TransferMode, channel: number): void {
    if (this.#pending.has(sender)) {
      this.#handleAuthPacket(sender, packet);
      return;
    }
    if (!this.#connected.has(sender)) {
      this.#drop("droppedUnknownSender");
      return;
    }
    if (commandOf(packet) === NetworkCommand.SYS) {
      if (packet.length > 1 && packet[1] === SysCommand.AUTH) {
        // The other end's "auth complete" after we admitted it; anything longer is not Godot's.
        if (packet.length !== AUTH_HEADER_SIZE) this.#drop("droppedMalformed");
        return;
      }
      this.#processSys(sender, packet, mode, channel);
      return;
    }
    this.#processPacket(sender, packet);
  }

  /** A packet from a peer still authenticating: only AUTH messages count. */
  #handleAuthPacket(sender: number, packet: Buffer): void {
    if (!isAuthMessage(packet)) {
      this.#drop("droppedUnauthenticated");
      return;
    }
    if (packet.length > AUTH_HEADER_SIZE) {
      const callback = this.getAuthCallback();
      if (callback === null) {
        this.#drop("droppedAuthWithoutCallback");
        return;
      }
      this.#stats.authMessagesReceived++;
      callback(sender, Buffer.from(packet.subarray(AUTH_HEADER_SIZE)));
      return;
    }
    // Empty AUTH: the other end completed; admitted once this end has completed too.
    this.#pending.markRemoteDone(sender);
    if (this.#pending.isLocalDone(sender)) {
      this.#pending.delete(sender);
      this.#admitPeer(sender);
    }
  }

  /** Godot `_process_packet`: the commands a packet (direct or relayed) may carry. */
  #processPacket(from: number, packet: Buffer): void {
    switch (commandOf(packet)) {
      case -1:
        this.#drop("droppedMalformed");
        return;
      case NetworkCommand.RAW:
        this.#processRaw(from, packet);
        return;
      case NetworkCommand.REMOTE_CALL:
      case NetworkCommand.SIMPLIFY_PATH:
      case NetworkCommand.CONFIRM_PATH:
      case NetworkCommand.SPAWN:
      case NetworkCommand.DESPAWN:
      case NetworkCommand.SYNC:
        // RPC and replication: their handlers come with the RPC work.
        this.#drop("droppedUnsupported");
        return;
      case NetworkCommand.SYS:
        // Only reachable inside a RELAY: Godot refuses SYS there too ("Invalid network command").
        this.#drop("droppedRefusedSys");
        return;
    }
  }

  #processRaw(from: number, packet: Buffer): void {
    if (packet.length < 2) {
      this.#drop("droppedMalformed");
      return;
    }
    this.#stats.bytesPacketsReceived++;
    const payload = Buffer.from(packet.subarray(1));
    this.#remoteSenderId = from;
    try {
      this.#signal("peerPacket", from, payload);
    } finally {
      this.#remoteSenderId = 0;
    }
  }

  /** Godot `_process_sys`: ADD_PEER, DEL_PEER, RELAY (AUTH is handled before). */
  #processSys(from: number, packet: Buffer, mode: TransferMode, channel: number): void {
    const header = decodeSysHeader(packet);
    if (header === null) {
      this.#drop("droppedMalformed");
      return;
    }
    const relaying = this.#relayActive();
    const isServer = this.getUniqueId() === TARGET_PEER_SERVER;
    switch (header.sys) {
      case SysCommand.ADD_PEER:
        if (!relaying || isServer || from !== TARGET_PEER_SERVER) break;
        this.#admitPeer(header.peer); // Relayed peers are admitted as the server says.
        return;
      case SysCommand.DEL_PEER:
        if (!relaying || isServer || from !== TARGET_PEER_SERVER) break;
        this.#delPeer(header.peer);
        return;
      case SysCommand.RELAY:
        if (!relaying) break;
        if (header.body.length < 1) {
          this.#drop("droppedMalformed");
          return;
        }
        if (isServer) this.#relayFromClient(from, header.peer, header.body, mode, channel);
        else if (from === TARGET_PEER_SERVER) this.#deliverRelayed(header.peer, header.body);
        else break;
        return;
    }
    this.#drop("droppedRefusedSys");
  }

  /**
   * The server's side of a RELAY from `from` to `target` (> 0 one peer; 0 everyone; -id everyone
   * but id): forwarded as `[SYS][RELAY][from][inner]` with the mode and channel it came with, and
   * handled here too when the server is among the targets.
   */
  #relayFromClient(from: number, target: number, inner: Buffer, mode: TransferMode, channel: number): void {
    // The target may have left while the packet was in transit (Godot returns silently).
    if (target > 0 && !this.#connected.has(target)) {
      this.#drop("droppedRelayTarget");
      return;
    }
    const peer = this.#peer!;
    const relayed = encodeRelay(from, inner);
    peer.setTransferMode(mode);
    peer.setTransferChannel(channel);
    if (target > 0) {
      this.#sendTo(target, relayed);
      this.#stats.packetsRelayed++;
      return;
    }
    for (const id of this.#connected.toArray()) {
      if (id === from || id === -target) continue;
      this.#sendTo(id, relayed);
      this.#stats.packetsRelayed++;
    }
    // The server is a target unless it was the excluded one (-1).
    if (target !== -TARGET_PEER_SERVER) this.#deliverRelayed(from, inner);
  }

  /** A relayed packet handled as if `source` had sent it directly. */
  #deliverRelayed(source: number, inner: Buffer): void {
    this.#processPacket(source, inner);
  }

  // ---------------------------------------------------------------------------------------------
  // Peers

  /** Godot `_add_peer`: the transport connected a peer. */
  #addPeer(id: number): void {
    if (this.getAuthCallback() !== null) {
      this.#pending.start(id, this.#clock());
      this.#signal("peerAuthenticating", id);
      return;
    }
    this.#admitPeer(id);
  }

  /** Godot `_admit_peer`: announce it (server with relay), then count it as connected. */
  #admitPeer(id: number): void {
    if (this.#relayActive() && this.getUniqueId() === TARGET_PEER_SERVER) {
      const peer = this.#peer!;
      peer.setTransferChannel(0);
      peer.setTransferMode(TransferMode.TRANSFER_MODE_RELIABLE);
      for (const other of this.#connected.toArray()) {
        // The new peer to each connected one, then that one to the new peer.
        this.#sendTo(other, encodeSysPeer(SysCommand.ADD_PEER, id));
        this.#sendTo(id, encodeSysPeer(SysCommand.ADD_PEER, other));
      }
    }
    this.#connected.add(id);
    if (id === TARGET_PEER_SERVER) this.#signal("connectedToServer");
    this.#signal("peerConnected", id);
  }

  /** Godot `_del_peer`: the transport (or the server's DEL_PEER) says a peer left. */
  #delPeer(id: number): void {
    if (this.#pending.delete(id)) {
      this.#signal("peerAuthenticationFailed", id);
      return;
    }
    if (!this.#connected.has(id)) return;
    if (this.#relayActive() && this.getUniqueId() === TARGET_PEER_SERVER) {
      const peer = this.#peer!;
      peer.setTransferChannel(0);
      peer.setTransferMode(TransferMode.TRANSFER_MODE_RELIABLE);
      const notice = encodeSysPeer(SysCommand.DEL_PEER, id);
      for (const other of this.#connected.toArray()) {
        if (other !== id) this.#sendTo(other, notice);
      }
    }
    this.#connected.delete(id);
    this.#signal("peerDisconnected", id);
  }

  /** Authenticating peers whose timeout passed: disconnected, then reported as failed. */
  #expireAuth(): void {
    if (this.#pending.size === 0 || this.authTimeoutMs === 0) return;
    const expired = this.#pending.expired(this.#clock(), this.authTimeoutMs);
    for (const id of expired) this.#peer!.disconnectPeer(id);
    for (const id of expired) {
      // A transport that reports the disconnect at once has already failed it through #delPeer.
      if (this.#pending.delete(id)) this.#signal("peerAuthenticationFailed", id);
    }
  }

  /**
   * Godot `disconnect_peer`: drops a peer without emitting `'peerDisconnected'` (nor
   * `'peerAuthenticationFailed'`); the server still announces DEL_PEER to the others. Does
   * nothing unless the MultiplayerPeer is connected.
   */
  disconnectPeer(id: number): void {
    checkInteger(id, "id");
    if (this.#peer === null) return;
    if (this.#peer.getConnectionStatus() !== ConnectionStatus.CONNECTION_CONNECTED) return;
    const muted = this.#muted;
    this.#muted = true;
    try {
      this.#delPeer(id);
    } finally {
      this.#muted = muted;
    }
    this.#peer.disconnectPeer(id);
  }

  /** Godot `clear`: forgets every peer and auth session, without events. */
  clear(): void {
    this.#lastStatus = ConnectionStatus.CONNECTION_DISCONNECTED;
    this.#pending.clear();
    this.#connected.clear();
  }

  /** Godot `_update_status`: reports the transport leaving, and clears the state after. */
  #updateStatus(): void {
    const status = this.#peer?.getConnectionStatus() ?? ConnectionStatus.CONNECTION_DISCONNECTED;
    if (this.#lastStatus === status) return;
    if (status === ConnectionStatus.CONNECTION_DISCONNECTED) {
      const was = this.#lastStatus;
      try {
        if (was === ConnectionStatus.CONNECTION_CONNECTING) this.#signal("connectionFailed");
        else this.#signal("serverDisconnected");
      } finally {
        this.clear();
      }
    }
    this.#lastStatus = status;
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

  /**
   * Godot `send_bytes`: sends `[RAW][bytes]` to `id` (0: every peer; -id: every peer but id)
   * with `mode` on `channel`. A client with server relay sends every target but the server as a
   * RELAY through the server. Returns `ERR_INVALID_DATA` (empty bytes), `ERR_UNCONFIGURED` (no
   * peer, or not connected), `ERR_BUG` (an id that is not a connected peer: Godot's code), the
   * transport's error for a single target, else `OK`. An extension: `ERR_INVALID_PARAMETER` for
   * a mode other than 0, 1, 2 or an id outside int32 (Godot would pass them through).
   */
  sendBytes(
    bytes: Uint8Array,
    id: number = TARGET_PEER_BROADCAST,
    mode: TransferMode = TransferMode.TRANSFER_MODE_RELIABLE,
    channel = 0,
  ): GodotError {
    checkBytes(bytes, "bytes");
    checkInteger(id, "id");
    checkInteger(mode, "mode");
    checkInteger(channel, "channel");
    if (bytes.length === 0) return GodotError.ERR_INVALID_DATA;
    if (this.#peer === null) return GodotError.ERR_UNCONFIGURED;
    if (this.#peer.getConnectionStatus() !== ConnectionStatus.CONNECTION_CONNECTED) {
      return GodotError.ERR_UNCONFIGURED;
    }
    if (!isTransferMode(mode) || id < INT32_MIN || id > INT32_MAX) {
      return GodotError.ERR_INVALID_PARAMETER;
    }
    this.#peer.setTransferChannel(channel);
    this.#peer.setTransferMode(mode);
    return this.#sendCommand(id, encodeRaw(bytes));
  }

  /** Godot `send_command`: direct, broadcast, or wrapped in a RELAY for the server. */
  #sendCommand(to: number, packet: Buffer): GodotError {
    if (this.#relayActive() && this.getUniqueId() !== TARGET_PEER_SERVER && to !== TARGET_PEER_SERVER) {
      return this.#sendTo(TARGET_PEER_SERVER, encodeRelay(to, packet));
    }
    if (to > 0) {
      if (!this.#connected.has(to)) return GodotError.ERR_BUG;
      return this.#sendTo(to, packet);
    }
    for (const id of this.#connected.toArray()) {
      if (to !== 0 && id === -to) continue;
      this.#sendTo(id, packet);
    }
    return GodotError.OK;
  }

  #sendTo(id: number, packet: Buffer): GodotError {
    const peer = this.#peer!;
    peer.setTargetPeer(id);
    this.#stats.packetsSent++;
    return peer.putPacket(packet);
  }

  // ---------------------------------------------------------------------------------------------
  // Authentication

  /**
   * Godot `send_auth`: sends `[SYS][AUTH][data]` to an authenticating peer (reliable, channel
   * 0). `ERR_UNCONFIGURED` (not connected), `ERR_INVALID_PARAMETER` (not authenticating, or empty
   * data), `ERR_FILE_CANT_WRITE` (either end already completed).
   */
  sendAuth(id: number, data: Uint8Array): GodotError {
    checkInteger(id, "id");
    checkBytes(data, "data");
    if (!this.#isConnected()) return GodotError.ERR_UNCONFIGURED;
    if (!this.#pending.has(id)) return GodotError.ERR_INVALID_PARAMETER;
    if (data.length === 0) return GodotError.ERR_INVALID_PARAMETER;
    if (this.#pending.isLocalDone(id) || this.#pending.isRemoteDone(id)) {
      return GodotError.ERR_FILE_CANT_WRITE;
    }
    return this.#sendSystem(id, encodeAuth(data));
  }

  /**
   * Godot `complete_auth`: marks this end done and tells the peer (`[SYS][AUTH]`); the peer is
   * admitted now if its end is done too, else when its completion arrives. `ERR_UNCONFIGURED`,
   * `ERR_INVALID_PARAMETER` (not authenticating), `ERR_FILE_CANT_WRITE` (already completed).
   */
  completeAuth(id: number): GodotError {
    checkInteger(id, "id");
    if (!this.#isConnected()) return GodotError.ERR_UNCONFIGURED;
    if (!this.#pending.has(id)) return GodotError.ERR_INVALID_PARAMETER;
    if (this.#pending.isLocalDone(id)) return GodotError.ERR_FILE_CANT_WRITE;
    this.#pending.markLocalDone(id);
    const error = this.#sendSystem(id, encodeAuth(new Uint8Array(0)));
    // Admitting may send ADD_PEERs, so it comes after the confirmation, as in Godot.
    if (this.#pending.isRemoteDone(id)) {
      this.#pending.delete(id);
      this.#admitPeer(id);
    }
    return error;
  }

  #sendSystem(id: number, packet: Buffer): GodotError {
    const peer = this.#peer!;
    peer.setTargetPeer(id);
    peer.setTransferChannel(0);
    peer.setTransferMode(TransferMode.TRANSFER_MODE_RELIABLE);
    this.#stats.packetsSent++;
    return peer.putPacket(packet);
  }

  /** Godot `get_authenticating_peers`: ids still exchanging AUTH messages. */
  getAuthenticatingPeers(): number[] {
    return this.#pending.ids();
  }

  // ---------------------------------------------------------------------------------------------
  // Queries and settings

  /** Godot `get_peers`: the admitted peers (a client also sees relayed peers). */
  getPeers(): number[] {
    return this.#peer === null ? [] : this.#connected.toArray();
  }

  /** Godot `get_remote_sender_id`: inside a `'peerPacket'` listener, the sender; 0 elsewhere. */
  getRemoteSenderId(): number {
    return this.#remoteSenderId;
  }

  /** Counters of what `poll()` took, sent, relayed and dropped (a copy). */
  stats(): SceneMultiplayerStats {
    return { ...this.#stats };
  }

  // ---------------------------------------------------------------------------------------------

  #relayActive(): boolean {
    return this.isServerRelayEnabled() && this.#peer !== null && this.#peer.isServerRelaySupported();
  }

  #isConnected(): boolean {
    return (
      this.#peer !== null &&
      this.#peer.getConnectionStatus() === ConnectionStatus.CONNECTION_CONNECTED
    );
  }

  #drop(reason: DropReason): void {
    this.#stats[reason]++;
    this.#stats.packetsDropped++;
  }

  #signal<K extends keyof SceneMultiplayerEvents>(event: K, ...args: SceneMultiplayerEvents[K]): void {
    if (!this.#muted) (this.emit as (event: K, ...args: SceneMultiplayerEvents[K]) => boolean)(event, ...args);
  }
}


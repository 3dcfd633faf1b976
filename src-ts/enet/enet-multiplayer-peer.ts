/**
 * Godot's `ENetMultiplayerPeer` (`modules/enet/enet_multiplayer_peer.cpp/.h`, Godot 4.2+): the
 * MultiplayerPeer that SceneMultiplayer drives over ENet, as server (id 1), client, or mesh.
 * Its wire (ids in CONNECT data, refusals by reset, system channels, flags) is in
 * docs/enet-multiplayer.md and enet-multiplayer-packets.ts; it sends nothing of its own.
 *
 * Driven Godot's way: call `poll()` (or `SceneMultiplayer.poll()`) regularly; the peer events are
 * emitted from inside it. The hosts are serviced with `service(0)` only: event listeners on
 * `getHost()` would take the events this class needs.
 */
import { isIP } from "node:net";
import { GodotError } from "../errors.js";
import type { TakenPacket } from "../packet-peer.js";
import { checkBoolean, checkBytes, checkInteger, checkString } from "../validate.js";
import {
  ConnectionStatus,
  MultiplayerPeer,
  TARGET_PEER_SERVER,
  TransferMode,
  type MultiplayerPeerEvents,
} from "../multiplayer/multiplayer-peer.js";
import { ENetConnection } from "./enet-connection.js";
import { ENetPacketPeer } from "./enet-packet-peer.js";
import {
  IncomingQueue,
  modeOf,
  newStats,
  routeOf,
  SYSCH_MAX,
  userChannelOf,
  type ENetMultiplayerPeerStats,
  type Incoming,
} from "./enet-multiplayer-packets.js";

/** Most events taken from one host in one `poll()` (Godot takes all; a flood must not stall Node). */
export const MAX_EVENTS_PER_POLL = 4096;

const INT32_MAX = 0x7fffffff;
const EMPTY = Buffer.alloc(0);

enum Mode {
  NONE,
  SERVER,
  CLIENT,
  MESH,
}

export class ENetMultiplayerPeer extends MultiplayerPeer<MultiplayerPeerEvents> {
  #mode = Mode.NONE;
  #uniqueId = 0;
  #targetPeer = 0;
  #status = ConnectionStatus.CONNECTION_DISCONNECTED;
  /** Key 0: the server's or client's host; in a mesh, one host per peer id. */
  readonly #hosts = new Map<number, ENetConnection>();
  /** Connected peers by id (a client has only the server, 1). */
  readonly #peers = new Map<number, ENetPacketPeer>();
  /** Godot's `_net_id` meta: the id a server admitted each ENet peer with. */
  #netId = new WeakMap<ENetPacketPeer, number>();
  readonly #incoming = new IncomingQueue();
  #lastError = GodotError.OK;
  #bindIp = "*";
  readonly #stats = newStats();

  // ---------------------------------------------------------------------------------------------
  // Creating

  /**
   * Godot `create_server`: listens on `port` (on the `setBindIp` address) for `maxClients` peers
   * with `maxChannels` user channels (0: as many as ENet allows), bandwidth in bytes/s (0: none).
   * `ERR_ALREADY_IN_USE` when active, else what `ENetConnection.createHostBound` returns.
   *
   * Godot 4.2-4.6 hands `maxChannels + 2` to the host as its *incoming bandwidth* and drops
   * `inBandwidth` (godotengine/godot#123254); this passes each to its place, so with the
   * defaults the wire is the same and with `maxChannels > 0` the host's channel limit is
   * `maxChannels + 2` as Godot's documentation means.
   */
  createServer(port: number, maxClients = 32, maxChannels = 0, inBandwidth = 0, outBandwidth = 0): GodotError {
    checkIntegers({ port, maxClients, maxChannels, inBandwidth, outBandwidth });
    if (this.#active()) return GodotError.ERR_ALREADY_IN_USE;
    this.setRefuseNewConnections(false);
    const host = new ENetConnection();
    const channels = maxChannels > 0 ? maxChannels + SYSCH_MAX : 0;
    const err = host.createHostBound(this.#bindIp, port, maxClients, channels, inBandwidth, outBandwidth);
    if (err !== GodotError.OK) return err;
    this.#mode = Mode.SERVER;
    this.#uniqueId = TARGET_PEER_SERVER;
    this.#status = ConnectionStatus.CONNECTION_CONNECTED;
    this.#hosts.set(0, host);
    return GodotError.OK;
  }

  /**
   * Godot `create_client`: connects to `address`:`port` with a fresh `generateUniqueId()` as the
   * CONNECT data and `channelCount` user channels (0: ENet's maximum). `localPort` > 0 binds that
   * port on the `setBindIp` address. `CONNECTION_CONNECTING` until ENet connects (then
   * `'peerConnected'` 1 from `poll()`). `ERR_ALREADY_IN_USE` when active, the host's error when
   * it cannot be made, `ERR_CANT_CREATE` when the connection cannot start (bad address or port).
   */
  createClient(address: string, port: number, channelCount = 0, inBandwidth = 0, outBandwidth = 0, localPort = 0): GodotError {
    checkString(address, "address");
    checkIntegers({ port, channelCount, inBandwidth, outBandwidth, localPort });
    if (this.#active()) return GodotError.ERR_ALREADY_IN_USE;
    this.setRefuseNewConnections(false);
    const host = new ENetConnection();
    const err =
      localPort !== 0
        ? host.createHostBound(this.#bindIp, localPort, 1, 0, inBandwidth, outBandwidth)
        : host.createHost(1, 0, inBandwidth, outBandwidth);
    if (err !== GodotError.OK) return err;
    const id = this.generateUniqueId();
    const channels = channelCount > 0 ? channelCount + SYSCH_MAX : 0;
    const peer = host.connectToHost(address, port, channels, id);
    if (peer === null) {
      host.destroy();
      return GodotError.ERR_CANT_CREATE;
    }
    this.#uniqueId = id;
    this.#status = ConnectionStatus.CONNECTION_CONNECTING;
    this.#mode = Mode.CLIENT;
    this.#peers.set(TARGET_PEER_SERVER, peer);
    this.#hosts.set(0, host);
    return GodotError.OK;
  }

  /**
   * Godot `create_mesh`: a peer with id `uniqueId` (> 0, else `ERR_INVALID_PARAMETER`) whose
   * links are added with `addMeshPeer`; connected at once. `ERR_ALREADY_IN_USE` when active.
   */
  createMesh(uniqueId: number): GodotError {
    checkInteger(uniqueId, "uniqueId");
    if (uniqueId <= 0 || uniqueId > INT32_MAX) return GodotError.ERR_INVALID_PARAMETER;
    if (this.#active()) return GodotError.ERR_ALREADY_IN_USE;
    this.#mode = Mode.MESH;
    this.#uniqueId = uniqueId;
    this.#status = ConnectionStatus.CONNECTION_CONNECTED;
    return GodotError.OK;
  }

  /**
   * Godot `add_mesh_peer`: `host` (an ENetConnection with exactly one peer, connected) becomes
   * the link to peer `peerId`; emits `'peerConnected'` at once. From now on this peer services
   * and owns the host (`close()` destroys it). `ERR_INVALID_PARAMETER` for a null host or one
   * without exactly one connected peer, `ERR_UNCONFIGURED` unless `createMesh` was called.
   */
  addMeshPeer(peerId: number, host: ENetConnection | null): GodotError {
    checkInteger(peerId, "peerId");
    if (host !== null && !(host instanceof ENetConnection)) {
      throw new TypeError("host must be an ENetConnection or null");
    }
    if (host === null) return GodotError.ERR_INVALID_PARAMETER;
    if (this.#mode !== Mode.MESH) return GodotError.ERR_UNCONFIGURED;
    const hostPeers = host.getPeers();
    if (hostPeers.length !== 1 || hostPeers[0]!.getState() !== ENetPacketPeer.STATE_CONNECTED) {
      return GodotError.ERR_INVALID_PARAMETER;
    }
    const replaced = this.#hosts.get(peerId);
    if (replaced !== undefined && replaced !== host) replaced.destroy();
    this.#hosts.set(peerId, host);
    this.#peers.set(peerId, hostPeers[0]!);
    this.emit("peerConnected", peerId);
    return GodotError.OK;
  }

  /**
   * Godot `set_bind_ip`: the address `createServer` and `createClient` (with a local port) bind
   * (default `"*"`: every address). Not an IP literal nor `"*"`: ignored, as Godot does.
   */
  setBindIp(ip: string): void {
    checkString(ip, "ip");
    if (ip !== "*" && isIP(ip) === 0) return;
    this.#bindIp = ip;
  }

  /** Godot's `host` property: the server's or client's ENetConnection (null when inactive or a mesh). */
  get host(): ENetConnection | null {
    return this.getHost();
  }

  /** Godot `get_host`. */
  getHost(): ENetConnection | null {
    if (this.#mode === Mode.NONE || this.#mode === Mode.MESH) return null;
    return this.#hosts.get(0) ?? null;
  }

  /** Godot `get_peer`: the ENetPacketPeer of a connected peer (a client has only the server, 1). */
  getPeer(id: number): ENetPacketPeer | null {
    checkInteger(id, "id");
    if (!this.#active()) return null;
    if (this.#mode === Mode.CLIENT && id !== TARGET_PEER_SERVER) return null;
    return this.#peers.get(id) ?? null;
  }

  /** This class's refusal and drop counters (cumulative). */
  stats(): ENetMultiplayerPeerStats {
    return { ...this.#stats };
  }

  // ---------------------------------------------------------------------------------------------
  // MultiplayerPeer

  setTargetPeer(id: number): void {
    checkInteger(id, "id");
    this.#targetPeer = id;
  }

  /** Godot: the sender of the next packet; 1 when none (Godot's error value). */
  getPacketPeer(): number {
    const next = this.#next();
    return next === undefined ? 1 : next.from;
  }

  /** Godot: the next packet's mode, from its ENet flags; RELIABLE when none. */
  getPacketMode(): TransferMode {
    return this.#next()?.mode ?? TransferMode.TRANSFER_MODE_RELIABLE;
  }

  /** Godot: the next packet's user channel (ENet channel - 1 from 2 on, else 0); 1 when none. */
  getPacketChannel(): number {
    const next = this.#next();
    return next === undefined ? 1 : userChannelOf(next.channel);
  }

  /**
   * Godot `disconnect_peer`: asks peer `id` to disconnect (data 0); `'peerDisconnected'` follows
   * from `poll()` once ENet confirms. `force`: forgotten at once, with no event (a client closes).
   * Ignored when inactive or for an unknown id.
   */
  disconnectPeer(id: number, force = false): void {
    checkInteger(id, "id");
    checkBoolean(force, "force");
    const peer = this.#peers.get(id);
    if (!this.#active() || peer === undefined) return;
    peer.peerDisconnect(0);
    const host = this.#hosts.get(this.#mode === Mode.MESH ? id : 0);
    if (host === undefined) return;
    host.flush();
    if (!force) return;
    this.#peers.delete(id);
    if (this.#mode === Mode.MESH) this.#dropHost(id);
    if (this.#mode === Mode.CLIENT) this.close();
  }

  isServer(): boolean {
    return this.#mode === Mode.SERVER;
  }

  /** Godot: true as server or client (SceneMultiplayer may relay through the server). */
  override isServerRelaySupported(): boolean {
    return this.#mode === Mode.SERVER || this.#mode === Mode.CLIENT;
  }

  /** Godot: also tells each host (only DTLS hosts act on it). */
  override setRefuseNewConnections(enable: boolean): void {
    checkBoolean(enable, "enable");
    for (const host of this.#hosts.values()) host.refuseNewConnections(enable);
    super.setRefuseNewConnections(enable);
  }

  getUniqueId(): number {
    return this.#active() ? this.#uniqueId : 0;
  }

  getConnectionStatus(): ConnectionStatus {
    return this.#status;
  }

  /** Godot `get_max_packet_size`: 1 << 24 ("anything is good"). */
  getMaxPacketSize(): number {
    return 1 << 24;
  }

  /**
   * Godot `poll`: drops peers that went inactive (`'peerDisconnected'`), then services the
   * host(s) and handles every event (`'peerConnected'`, `'peerDisconnected'`, packets queued for
   * `getPacket`). Nothing when inactive.
   */
  poll(): void {
    if (!this.#active()) return;
    this.#disconnectInactivePeers();
    switch (this.#mode) {
      case Mode.CLIENT:
        if (!this.#peers.has(TARGET_PEER_SERVER)) {
          this.close();
          return;
        }
        this.#pollClient(this.#hosts.get(0)!);
        break;
      case Mode.SERVER:
        this.#pollServer(this.#hosts.get(0)!);
        break;
      case Mode.MESH:
        this.#pollMesh();
        break;
      default:
        break;
    }
  }

  /**
   * Godot `close`: every connected peer gets ENet's immediate disconnect (data 0), the hosts are
   * flushed and destroyed, queued packets dropped; no events. Inactive: nothing.
   */
  close(): void {
    if (!this.#active()) return;
    for (const peer of this.#peers.values()) {
      if (peer.getState() === ENetPacketPeer.STATE_CONNECTED) peer.peerDisconnectNow(0);
    }
    for (const host of this.#hosts.values()) host.flush();
    for (const host of this.#hosts.values()) host.destroy();
    this.#mode = Mode.NONE;
    this.#incoming.clear();
    this.#peers.clear();
    this.#hosts.clear();
    this.#netId = new WeakMap();
    this.#uniqueId = 0;
    this.#status = ConnectionStatus.CONNECTION_DISCONNECTED;
    this.setRefuseNewConnections(false);
  }

  // ---------------------------------------------------------------------------------------------
  // PacketPeer

  getAvailablePacketCount(): number {
    return this.#incoming.length;
  }

  /** Godot `get_packet`: the next packet as sent (empty with `ERR_UNAVAILABLE` when none). */
  getPacket(): Buffer {
    const taken = this.#incoming.take();
    this.#lastError = taken.error;
    return taken.data ?? EMPTY;
  }

  getPacketError(): GodotError {
    return this.#lastError;
  }

  protected takePacketForVar(): TakenPacket {
    return this.#incoming.take();
  }

  /**
   * Godot `put_packet`: sends `data` to the target peer with the transfer mode and channel (see
   * the file comment), flushing at once. `ERR_UNCONFIGURED` unless connected,
   * `ERR_INVALID_PARAMETER` for a target that is not a connected peer. A send ENet refuses is
   * counted in `stats().sendFailed` and, as in Godot, still returns `OK`.
   */
  putPacket(data: Uint8Array): GodotError {
    checkBytes(data, "data");
    if (!this.#active()) return GodotError.ERR_UNCONFIGURED;
    if (this.#status !== ConnectionStatus.CONNECTION_CONNECTED) return GodotError.ERR_UNCONFIGURED;
    const target = this.#targetPeer;
    if (target !== 0 && !this.#peers.has(Math.abs(target))) return GodotError.ERR_INVALID_PARAMETER;
    if (this.#mode === Mode.CLIENT && !this.#peers.has(TARGET_PEER_SERVER)) return GodotError.ERR_BUG;

    const { channel, flags } = routeOf(this.getTransferMode(), this.getTransferChannel());
    // ENet's channel ids are one byte; past it nothing can be sent (Godot: ENet refuses too).
    if (channel > 255) {
      this.#stats.sendFailed++;
      return GodotError.OK;
    }

    if (this.#mode === Mode.SERVER) {
      const host = this.#hosts.get(0)!;
      if (target === 0) host.broadcast(channel, data, flags);
      else if (target < 0) {
        for (const [id, peer] of this.#peers) if (id !== -target) this.#send(peer, channel, data, flags);
      } else this.#send(this.#peers.get(target)!, channel, data, flags);
      host.flush();
    } else if (this.#mode === Mode.CLIENT) {
      this.#send(this.#peers.get(TARGET_PEER_SERVER)!, channel, data, flags);
      this.#hosts.get(0)!.flush();
    } else if (target <= 0) {
      for (const [id, peer] of this.#peers) {
        if (id === -target) continue;
        this.#send(peer, channel, data, flags);
        this.#hosts.get(id)?.flush();
      }
    } else {
      this.#send(this.#peers.get(target)!, channel, data, flags);
      this.#hosts.get(target)?.flush();
    }
    return GodotError.OK;
  }

  // ---------------------------------------------------------------------------------------------

  #active(): boolean {
    return this.#mode !== Mode.NONE;
  }

  #next(): Incoming | undefined {
    return this.#active() ? this.#incoming.peek() : undefined;
  }

  #send(peer: ENetPacketPeer, channel: number, data: Uint8Array, flags: number): void {
    if (peer.send(channel, data, flags) !== GodotError.OK) this.#stats.sendFailed++;
  }

  /** Godot `_store_packet`: takes the packet the last service queued on `peer`. */
  #store(from: number, peer: ENetPacketPeer, channel: number): void {
    const flags = peer.getPacketFlags();
    const data = peer.getPacket();
    if (!this.#incoming.push({ data, from, channel, mode: modeOf(flags) })) this.#stats.droppedQueueFull++;
  }

  /** Discards the packet the last service queued on `peer` (counted). */
  #discard(peer: ENetPacketPeer): void {
    peer.getPacket();
    this.#stats.droppedUnknownPeer++;
  }

  /** Godot `_disconnect_inactive_peers`. */
  #disconnectInactivePeers(): void {
    const drop: number[] = [];
    for (const [id, peer] of this.#peers) if (!peer.isActive()) drop.push(id);
    for (const id of drop) {
      this.#peers.delete(id);
      this.#dropHost(id);
      // A client's only peer is the server (Godot: ERR_CONTINUE otherwise).
      if (this.#mode === Mode.CLIENT && id !== TARGET_PEER_SERVER) continue;
      this.emit("peerDisconnected", id);
    }
  }

  #pollClient(host: ENetConnection): void {
    for (let i = 0; i < MAX_EVENTS_PER_POLL && this.#mode === Mode.CLIENT; i++) {
      const [type, peer, , channel] = host.service(0);
      if (type === ENetConnection.EVENT_NONE) return;
      if (type === ENetConnection.EVENT_CONNECT) {
        this.#status = ConnectionStatus.CONNECTION_CONNECTED;
        this.emit("peerConnected", TARGET_PEER_SERVER);
      } else if (type === ENetConnection.EVENT_DISCONNECT) {
        if (this.#status === ConnectionStatus.CONNECTION_CONNECTED) {
          this.emit("peerDisconnected", TARGET_PEER_SERVER);
        }
        this.close();
      } else if (type === ENetConnection.EVENT_RECEIVE) {
        this.#store(TARGET_PEER_SERVER, peer!, channel);
      } else {
        this.close();
      }
    }
  }

  #pollServer(host: ENetConnection): void {
    for (let i = 0; i < MAX_EVENTS_PER_POLL && this.#mode === Mode.SERVER; i++) {
      const [type, peer, data, channel] = host.service(0);
      if (type === ENetConnection.EVENT_NONE) return;
      if (type === ENetConnection.EVENT_CONNECT) this.#admit(peer!, data);
      else if (type === ENetConnection.EVENT_DISCONNECT) {
        const id = this.#netId.get(peer!);
        // Never fully connected, or forgotten by a forced disconnectPeer.
        if (id === undefined || this.#peers.get(id) !== peer) continue;
        this.emit("peerDisconnected", id);
        this.#peers.delete(id);
      } else if (type === ENetConnection.EVENT_RECEIVE) {
        const id = this.#netId.get(peer!);
        if (id === undefined || this.#peers.get(id) !== peer) this.#discard(peer!);
        else this.#store(id, peer!, channel);
      } else {
        this.close();
      }
    }
  }

  /** The server's CONNECT: Godot resets (silently forgets) refused peers. */
  #admit(peer: ENetPacketPeer, data: number): void {
    if (this.isRefusingNewConnections()) {
      this.#stats.refusedNewConnection++;
      peer.reset();
      return;
    }
    // The data is ENet's u32; Godot compares it unsigned, then stores it in an int.
    const id = data >>> 0;
    if (id < 2 || id > INT32_MAX) {
      this.#stats.refusedInvalidId++;
      peer.reset();
      return;
    }
    if (this.#peers.has(id)) {
      this.#stats.refusedDuplicateId++;
      peer.reset();
      return;
    }
    this.#netId.set(peer, id);
    this.#peers.set(id, peer);
    this.emit("peerConnected", id);
  }

  #pollMesh(): void {
    const drop: number[] = [];
    for (const [id, host] of this.#hosts) {
      for (let i = 0; i < MAX_EVENTS_PER_POLL; i++) {
        const [type, peer, , channel] = host.service(0);
        if (type === ENetConnection.EVENT_NONE) break;
        if (type === ENetConnection.EVENT_CONNECT) {
          this.#stats.refusedNewConnection++;
          peer!.reset();
        } else if (type === ENetConnection.EVENT_RECEIVE) {
          if (this.#peers.get(id) === peer) this.#store(id, peer!, channel);
          else this.#discard(peer!);
        } else {
          drop.push(id); // Error or disconnect.
          break;
        }
      }
    }
    for (const id of drop) {
      if (this.#peers.has(id)) {
        this.emit("peerDisconnected", id);
        this.#peers.delete(id);
      }
      this.#dropHost(id);
    }
  }

  /** A mesh link's host leaves with its peer (Godot drops its last reference: destroyed). */
  #dropHost(id: number): void {
    if (this.#mode !== Mode.MESH) return;
    const host = this.#hosts.get(id);
    if (host === undefined) return;
    this.#hosts.delete(id);
    host.destroy();
  }
}

function checkIntegers(values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) checkInteger(value, name);
}

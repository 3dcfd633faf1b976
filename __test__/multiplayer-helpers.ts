// A test-only MultiplayerPeer that moves packets in memory: a hub with a server (id 1) and
// clients, each peer recording every packet SceneMultiplayer hands it (target, channel, mode and
// the exact bytes). It keeps the contract ENetMultiplayerPeer keeps (modules/enet/
// enet_multiplayer_peer.cpp): peer events are emitted from inside poll(); a client reaches only
// the server; the server sends to one peer, to all (0) or to all but one (-id); a packet sent now
// is queued at its destination and taken by the destination's next poll().
import { GodotError } from "../src-ts/errors.js";
import type { TakenPacket } from "../src-ts/packet-peer.js";
import {
  ConnectionStatus,
  MultiplayerPeer,
  TransferMode,
  type MultiplayerPeerEvents,
} from "../src-ts/multiplayer/multiplayer-peer.js";
import { SceneMultiplayer, type SceneMultiplayerOptions } from "../src-ts/multiplayer/scene-multiplayer.js";
import { checkBoolean, checkBytes, checkInteger } from "../src-ts/validate.js";

export interface SentPacket {
  target: number;
  channel: number;
  mode: TransferMode;
  bytes: number[];
}

interface Delivery {
  from: number;
  channel: number;
  mode: TransferMode;
  data: Buffer;
}

type InboxItem =
  | { kind: "connect"; id: number }
  | { kind: "disconnect"; id: number }
  | { kind: "refused" }
  | ({ kind: "packet"; injected?: boolean } & Delivery);

/** An extra event, to show a transport may add its own to MultiplayerPeerEvents. */
export interface MemoryPeerEvents extends MultiplayerPeerEvents {
  polled: [];
}

const EMPTY = Buffer.alloc(0);

export class MemoryMultiplayerPeer extends MultiplayerPeer<MemoryPeerEvents> {
  /** Every packet handed to putPacket, as the transport got it. */
  readonly sent: SentPacket[] = [];
  /** Godot's ENet says true; tests turn it off to see SceneMultiplayer without relay. */
  relaySupported = true;
  readonly #hub: MemoryHub;
  readonly #id: number;
  #status: ConnectionStatus;
  readonly #peers = new Set<number>();
  #inbox: InboxItem[] = [];
  #queue: Delivery[] = [];
  #target = 0;
  #lastError = GodotError.OK;

  constructor(hub: MemoryHub, id: number, status: ConnectionStatus) {
    super();
    this.#hub = hub;
    this.#id = id;
    this.#status = status;
  }

  get id(): number {
    return this.#id;
  }

  /** Items the next poll() will take (events and packets in transit). */
  get pending(): number {
    return this.#inbox.length;
  }

  receive(item: InboxItem): void {
    if (this.#status === ConnectionStatus.CONNECTION_DISCONNECTED) return;
    this.#inbox.push(item);
  }

  /** The bytes sent so far, and forget them. */
  takeSent(): SentPacket[] {
    return this.sent.splice(0);
  }

  putPacket(data: Uint8Array): GodotError {
    checkBytes(data, "data");
    if (this.#status !== ConnectionStatus.CONNECTION_CONNECTED) return GodotError.ERR_UNCONFIGURED;
    const target = this.#target;
    if (target !== 0 && !this.#peers.has(Math.abs(target))) return GodotError.ERR_INVALID_PARAMETER;
    const channel = this.getTransferChannel();
    if (channel < 0 || channel > 255) return GodotError.ERR_INVALID_PARAMETER;
    const mode = this.getTransferMode();
    this.sent.push({ target, channel, mode, bytes: [...data] });
    let destinations: number[];
    if (!this.isServer()) destinations = [1];
    else if (target > 0) destinations = [target];
    else destinations = [...this.#peers].filter((id) => id !== -target);
    for (const to of destinations) {
      this.#hub.deliver(to, { kind: "packet", from: this.#id, channel, mode, data: Buffer.from(data) });
    }
    return GodotError.OK;
  }

  getPacket(): Buffer {
    const next = this.#queue.shift();
    this.#lastError = next === undefined ? GodotError.ERR_UNAVAILABLE : GodotError.OK;
    return next?.data ?? EMPTY;
  }

  getAvailablePacketCount(): number {
    return this.#queue.length;
  }

  getPacketError(): GodotError {
    return this.#lastError;
  }

  protected takePacketForVar(): TakenPacket {
    const next = this.#queue.shift();
    return next === undefined
      ? { error: GodotError.ERR_UNAVAILABLE, data: null }
      : { error: GodotError.OK, data: next.data };
  }

  setTargetPeer(id: number): void {
    checkInteger(id, "id");
    this.#target = id;
  }

  getPacketPeer(): number {
    return this.#queue[0]?.from ?? 0;
  }

  getPacketMode(): TransferMode {
    return this.#queue[0]?.mode ?? TransferMode.TRANSFER_MODE_RELIABLE;
  }

  getPacketChannel(): number {
    return this.#queue[0]?.channel ?? 0;
  }

  /** ENet's graceful disconnect: both ends learn it at their next poll(). */
  disconnectPeer(id: number, force = false): void {
    checkInteger(id, "id");
    checkBoolean(force, "force");
    if (!this.#peers.has(id)) return;
    this.#hub.deliver(id, { kind: "disconnect", id: this.#id });
    this.#inbox.push({ kind: "disconnect", id });
  }

  isServer(): boolean {
    return this.#id === 1;
  }

  override isServerRelaySupported(): boolean {
    return this.relaySupported;
  }

  poll(): void {
    const items = this.#inbox;
    this.#inbox = [];
    for (const item of items) {
      switch (item.kind) {
        case "connect":
          this.#peers.add(item.id);
          if (!this.isServer()) this.#status = ConnectionStatus.CONNECTION_CONNECTED;
          this.emit("peerConnected", item.id);
          break;
        case "disconnect":
          if (!this.#peers.delete(item.id)) break;
          // ENet's client reports the server (peer 1) gone, then is disconnected itself.
          this.emit("peerDisconnected", item.id);
          if (!this.isServer()) {
            this.#drop();
            return;
          }
          break;
        case "refused":
          this.#drop();
          return;
        case "packet":
          // ENet drops what arrives from a peer it no longer has; injected packets pass as if a
          // transport reported that sender.
          if (item.injected === true || this.#peers.has(item.from)) this.#queue.push(item);
          break;
      }
    }
    this.emit("polled");
  }

  close(): void {
    for (const id of this.#peers) this.#hub.deliver(id, { kind: "disconnect", id: this.#id });
    this.#drop();
  }

  getUniqueId(): number {
    return this.#status === ConnectionStatus.CONNECTION_DISCONNECTED ? 0 : this.#id;
  }

  getConnectionStatus(): ConnectionStatus {
    return this.#status;
  }

  #drop(): void {
    this.#status = ConnectionStatus.CONNECTION_DISCONNECTED;
    this.#peers.clear();
    this.#inbox = [];
    this.#queue = [];
  }
}

export class MemoryHub {
  readonly #peers = new Map<number, MemoryMultiplayerPeer>();

  createServer(): MemoryMultiplayerPeer {
    const server = new MemoryMultiplayerPeer(this, 1, ConnectionStatus.CONNECTION_CONNECTED);
    this.#peers.set(1, server);
    return server;
  }

  /** A client in CONNECTION_CONNECTING until `connect` is delivered by its poll(). */
  createClient(id: number): MemoryMultiplayerPeer {
    const client = new MemoryMultiplayerPeer(this, id, ConnectionStatus.CONNECTION_CONNECTING);
    this.#peers.set(id, client);
    return client;
  }

  /** The connection is made: each end emits peerConnected at its next poll(). */
  connect(client: MemoryMultiplayerPeer): void {
    this.deliver(1, { kind: "connect", id: client.id });
    this.deliver(client.id, { kind: "connect", id: 1 });
  }

  /** The server refuses the client: it goes to CONNECTION_DISCONNECTED at its next poll(). */
  refuse(client: MemoryMultiplayerPeer): void {
    this.deliver(client.id, { kind: "refused" });
  }

  deliver(to: number, item: InboxItem): void {
    this.#peers.get(to)?.receive(item);
  }

  /**
   * A packet the transport at `to` reports as coming from `from` (any id, even one it does not
   * have): what SceneMultiplayer must survive from a hostile or buggy transport or peer.
   */
  inject(to: number, from: number, bytes: Uint8Array, mode = TransferMode.TRANSFER_MODE_RELIABLE, channel = 0): void {
    const peer = this.#peers.get(to);
    if (peer === undefined) throw new Error(`no peer ${to}`);
    peer.receive({ kind: "packet", injected: true, from, channel, mode, data: Buffer.from(bytes) });
  }

  get inTransit(): number {
    let count = 0;
    for (const peer of this.#peers.values()) count += peer.pending;
    return count;
  }
}

/** Polls every node until nothing is in transit; fails after `maxRounds` (no livelock). */
export function settle(hub: MemoryHub, nodes: SceneMultiplayer[], maxRounds = 20): void {
  for (let round = 0; round < maxRounds; round++) {
    for (const node of nodes) node.poll();
    if (hub.inTransit === 0) return;
  }
  throw new Error(`still ${hub.inTransit} items in transit after ${maxRounds} rounds`);
}

/** Records every event a SceneMultiplayer emits, in order, as strings like "peerConnected 2". */
export function recordEvents(node: SceneMultiplayer): string[] {
  const log: string[] = [];
  const names = [
    "peerConnected",
    "peerDisconnected",
    "peerPacket",
    "peerAuthenticating",
    "peerAuthenticationFailed",
    "connectedToServer",
    "connectionFailed",
    "serverDisconnected",
  ] as const;
  for (const name of names) {
    node.on(name, (...args: unknown[]) => {
      const shown = args.map((arg) => (Buffer.isBuffer(arg) ? `[${[...arg].join(",")}]` : String(arg)));
      log.push([name, ...shown].join(" "));
    });
  }
  return log;
}

/** A server node and `ids.length` client nodes on one hub, connected and settled. */
export function network(
  ids: number[],
  setup?: (node: SceneMultiplayer) => void,
  options?: SceneMultiplayerOptions,
) {
  const hub = new MemoryHub();
  const serverPeer = hub.createServer();
  const server = new SceneMultiplayer(options);
  setup?.(server);
  server.multiplayerPeer = serverPeer;
  const clients = ids.map((id) => {
    const peer = hub.createClient(id);
    const node = new SceneMultiplayer(options);
    setup?.(node);
    node.multiplayerPeer = peer;
    return { id, peer, node };
  });
  return { hub, serverPeer, server, clients };
}

/** Little-endian i32 bytes, for writing expected packets by hand. */
export function i32(value: number): number[] {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value);
  return [...b];
}

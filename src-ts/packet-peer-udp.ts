/**
 * Godot's `PacketPeerUDP` over the native engine: first the Godot methods (camelCase, Godot error
 * codes), then the Node layer on top of them: `'packet'`/`'error'`/`'close'` events, `for await`
 * iteration (both delivered by packet-delivery.ts), cancellable `wait()`, `ref()`/`unref()` and
 * traffic counters. Its public types are in packet-peer-udp-types.ts.
 */
import type { EventEmitter } from "node:events";
import { abortErrorFor } from "./abort-error.js";
import { isGodotIpLiteral, resolveHost } from "./address.js";
import { GodotError } from "./errors.js";
import { EventMode } from "./event-mode.js";
import { ListenerDemand } from "./listener-demand.js";
import { native, withEntries, type NativePeer } from "./native.js";
import { PacketDelivery } from "./packet-delivery.js";
import { PacketPeer, type TakenPacket } from "./packet-peer.js";
import { PeerWaits } from "./peer-waits.js";
import { ReceiveBatch } from "./receive-batch.js";
import type {
  BindOptions,
  PacketPeerUDPEvents,
  PacketPeerUDPStats,
  UDPPacket,
  WaitOptions,
} from "./packet-peer-udp-types.js";
import {
  checkAbortSignal,
  checkBoolean,
  checkBytes,
  checkBytesList,
  checkInteger,
  checkOptions,
  checkString,
  checkTimeout,
} from "./validate.js";

export type {
  BindOptions,
  PacketPeerUDPEvents,
  PacketPeerUDPStats,
  RemoteInfo,
  UDPPacket,
  WaitOptions,
} from "./packet-peer-udp-types.js";

// Set by the class's static block: builds a peer around a server-owned native peer.
let wrapImpl: (
  nativePeer: NativePeer,
  onClose: () => void,
  onLentConsumed: (peer: PacketPeerUDP) => void,
) => PacketPeerUDP;
// Set by the class's static block: the native peer of a PacketPeerUDP (for DTLS sessions on it).
let nativeOfImpl: (peer: PacketPeerUDP) => NativePeer;
// The native peer the next constructed PacketPeerUDP adopts instead of creating its own.
let adopting: NativePeer | null = null;

/**
 * Godot's `PacketPeerUDP`.
 *
 * Godot-API methods return `GodotError` codes as Godot does; wrong argument types throw
 * `TypeError`. Receiving follows Godot's pull model (`getAvailablePacketCount`/`getPacket` drain
 * the OS socket into a bounded queue); adding a `'packet'` listener or iterating with
 * `for await` switches to native readiness notifications instead of polling.
 */
export class PacketPeerUDP
  extends PacketPeer<PacketPeerUDPEvents>
  implements AsyncIterable<UDPPacket>
{
  #native: NativePeer;
  #lastGetError: GodotError = GodotError.OK;
  /** Sender of the last packet handed out from a batch (events, iteration); null: ask native. */
  #packetIp: string | null = null;
  #packetPort = 0;
  /** Set while this peer belongs to a UDPServer: tells it the peer was closed. */
  #onServerClose: (() => void) | null = null;
  /**
   * Taken from a UDPServer and not closed since: the server watches the shared socket and routes
   * packets here. Known at wrap time; only close() (which UDPServer.stop() calls on every peer
   * it handed out) ends it, so no native call is needed to know it on every send.
   */
  #serverPeer = false;

  // Node layer state.
  /** The native watch, its waits and liveness (event-mode.ts); never used by a server peer. */
  readonly #events: EventMode;
  /** 'packet' events, iteration and the socket errors they report (packet-delivery.ts). */
  readonly #delivery: PacketDelivery;
  /** Packets taken from the native queue and not yet handed out, and the known count. */
  readonly #batch: ReceiveBatch;
  /** wait() and waitSync() (peer-waits.ts). */
  readonly #waits: PeerWaits;
  /**
   * Connected by connectToHost (and not closed since): getPacket drains natively on every call,
   * since Godot reports a connected socket's ICMP error from get_packet even with packets queued.
   * Server peers never drain on get_packet, so they read lent batches like unconnected peers.
   */
  #connected = false;
  /** Result of the last #receive (the error of a packet it could not return). */
  #receiveError: GodotError = GodotError.OK;
  /** Set by a UDPServer: its poll() must release what this server peer consumed first. */
  #onLentConsumed: ((peer: PacketPeerUDP) => void) | null = null;
  /**
   * Bumped by every call that sets the destination (`setDestAddress`, `setDestAddressAsync`,
   * `connectToHost`): a name lookup that finishes after a later call does not apply its result.
   */
  #destCalls = 0;
  /** Follows 'packet' listeners: they switch event mode on and off. */
  readonly #listeners: ListenerDemand;

  static {
    nativeOfImpl = (peer) => peer.#native;
    wrapImpl = (nativePeer, onClose, onLentConsumed) => {
      adopting = nativePeer;
      const peer = new PacketPeerUDP();
      peer.#onServerClose = onClose;
      peer.#onLentConsumed = onLentConsumed;
      peer.#serverPeer = true;
      return peer;
    };
  }

  constructor() {
    super();
    this.#native = withEntries(adopting ?? new native.NativePeer());
    adopting = null;
    this.#events = new EventMode(this.#native, {
      isOpen: () => this.#native.isBound(),
      // Packets may already sit in the queue (drained by an earlier call): do not wait for a new one.
      onStarted: () => this.#delivery.schedule(),
      onReadable: () => {
        this.#delivery.deliver();
        return false; // delivery re-arms once the queue is empty
      },
    });
    this.#batch = new ReceiveBatch(
      this.#native,
      () => this.#serverPeer,
      () => this.#onLentConsumed?.(this),
    );
    this.#waits = new PeerWaits(this.#native, this.#events, this.#batch, () => this.#serverPeer);
    this.#delivery = new PacketDelivery(
      {
        emitPacket: (packet) => this.emit("packet", packet.data, packet),
        emitError: (error) => this.emit("error", error),
        listenerCount: (event) => this.listenerCount(event),
        shift: () => this.#shiftBatch(),
        take: () => this.#takeForDelivery(),
        isBound: () => this.#native.isBound(),
        isServerPeer: () => this.#serverPeer,
      },
      this.#events,
    );
    this.#listeners = new ListenerDemand(this as unknown as EventEmitter, ["packet"], (adding) => {
      this.#delivery.syncWatch(adding);
      // Iterators waited while listeners took the packets: they pull from now on.
      if (adding === 0 && this.listenerCount("packet") === 0) this.#delivery.wakeWaiters();
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Godot API

  /**
   * Godot `bind`: `"*"` is dual-stack, `"0.0.0.0"` IPv4 only, `"::"` IPv6 only, any other address
   * that interface only. Port 0 picks a free port (see `getLocalPort`). Port in use:
   * `ERR_UNAVAILABLE`; bad address or port: `ERR_INVALID_PARAMETER`; already open:
   * `ERR_ALREADY_IN_USE`.
   */
  bind(port: number, bindAddress = "*", recvBufSize = 65536, options?: BindOptions): GodotError {
    checkInteger(port, "port");
    checkString(bindAddress, "bindAddress");
    checkInteger(recvBufSize, "recvBufSize");
    checkOptions(options, "options");
    const reusePort = options?.reusePort ?? false;
    checkBoolean(reusePort, "options.reusePort");
    const osRecvBufSize = options?.osRecvBufSize;
    if (osRecvBufSize !== undefined) checkInteger(osRecvBufSize, "options.osRecvBufSize");
    const code = this.#native.bind(port, bindAddress, recvBufSize, reusePort, osRecvBufSize);
    this.#afterSocketChange();
    return code;
  }

  /**
   * Godot `close`: releases the socket at once, empties the queue, settles pending `wait()`s
   * (with `ERR_UNCONFIGURED`), ends `for await` loops and emits `'close'`. Idempotent. The peer
   * can be bound again; the destination is kept (as in Godot, a later `putPacket` re-opens).
   */
  close(): void {
    this.#finishClose(this.#native.isBound());
  }

  /**
   * close(), also run when the engine closed the socket by itself (a failed connectToHost), so
   * that closing for any reason ends the Node layer the same way. `wasOpen`: a socket was open
   * before (then 'close' is emitted). The native close is idempotent.
   */
  #finishClose(wasOpen: boolean): void {
    const onServerClose = this.#onServerClose;
    this.#onServerClose = null;
    this.#onLentConsumed = null;
    this.#serverPeer = false;
    this.#connected = false;
    const hadIterators = this.#delivery.endEpoch();
    // The native queue is emptied, lent packets with it: nothing to release.
    this.#batch.drop();
    // Ends the watch before the socket goes, settling every wait.
    this.#events.close();
    this.#native.close();
    this.#delivery.wakeWaiters(); // iterators of the old epoch end
    if (onServerClose !== null) onServerClose();
    if (wasOpen || hadIterators) this.emit("close");
  }

  /**
   * Godot `connect_to_host` (an IP literal, no DNS): afterwards only host:port's packets are
   * received, sends go there, and `setDestAddress` no longer changes the destination. Empties the
   * queue. A failed connect (`FAILED`) closes the socket (Godot, Q6), and the Node layer ends as
   * after `close()`: `'close'` is emitted, `for await` loops end, pending waits settle.
   */
  connectToHost(host: string, port: number): GodotError {
    checkString(host, "host");
    checkInteger(port, "port");
    this.#destCalls++;
    const wasOpen = this.#native.isBound();
    const code = this.#native.connectToHost(host, port);
    if (code === GodotError.OK) {
      // The native queue is emptied (lent packets with it).
      this.#batch.drop();
      this.#connected = true;
    } else if (code === GodotError.FAILED) {
      // The engine closed the socket and emptied its queue: lent packets are gone too.
      this.#batch.dropLent();
      this.#connected = false;
    }
    this.#afterSocketChange(wasOpen);
    return code;
  }

  /**
   * Godot `set_dest_address`. IP literals never touch DNS; a name is resolved by the OS resolver
   * synchronously, blocking the event loop as Godot blocks (`ERR_CANT_RESOLVE` when it does not
   * resolve). Prefer `setDestAddressAsync` for names. On a connected peer: no change, `OK`. A
   * port outside 0..65535 gives `ERR_INVALID_PARAMETER` before any lookup and changes nothing
   * (Godot truncates it to 16 bits when sending: 70000 reaches port 4464).
   */
  setDestAddress(host: string, port: number): GodotError {
    checkString(host, "host");
    checkInteger(port, "port");
    // A refused call changes nothing, so it does not supersede a lookup in progress either.
    if (isPort(port)) this.#destCalls++;
    return this.#native.setDestAddress(host, port);
  }

  /**
   * `setDestAddress` that resolves names with `node:dns` (off the JS thread) and then sets the
   * resulting address. Literals are set at once, without DNS. Calls take effect in call order:
   * when `setDestAddress`, `connectToHost` or another `setDestAddressAsync` was called while a
   * name was being looked up, the lookup's address is not applied (the promise still gives `OK`,
   * or `ERR_CANT_RESOLVE` if the name did not resolve), as if the calls had run one after another.
   * A port outside 0..65535 gives `ERR_INVALID_PARAMETER` without a lookup, changing nothing.
   */
  setDestAddressAsync(host: string, port: number): Promise<GodotError> {
    checkString(host, "host");
    checkInteger(port, "port");
    if (!isPort(port)) return Promise.resolve(GodotError.ERR_INVALID_PARAMETER);
    const call = ++this.#destCalls;
    if (host === "" || isGodotIpLiteral(host)) {
      return Promise.resolve(this.#native.setDestAddress(host, port));
    }
    return resolveHost(host).then((address) => {
      if (address === null) return GodotError.ERR_CANT_RESOLVE;
      if (call !== this.#destCalls) return GodotError.OK; // superseded by a later call
      // Godot keeps no scope ids; its parser refuses them.
      const zone = address.indexOf("%");
      return this.#native.setDestAddress(zone === -1 ? address : address.slice(0, zone), port);
    });
  }

  /**
   * Godot `put_packet`: sends `data` as one datagram to the destination. Empty: `OK`, nothing
   * sent. No destination: `ERR_UNCONFIGURED`. Too large (over 65507 bytes IPv4, 65527 IPv6),
   * refused broadcast, family mismatch: `FAILED`. Opens an ephemeral socket if none is open.
   */
  putPacket(data: Uint8Array): GodotError {
    checkBytes(data, "data");
    const code = this.#native.putPacket(data);
    this.#afterSend();
    return code;
  }

  /**
   * Extension: sends each buffer as its own datagram in one native call (sendmmsg / GSO where
   * available). Returns `OK` or the first error.
   */
  putPackets(packets: readonly Uint8Array[]): GodotError {
    checkBytesList(packets, "packets");
    const code = this.#native.putPackets(packets as Uint8Array[]);
    this.#afterSend();
    return code;
  }

  /** Godot `get_packet`: the oldest queued datagram; empty on failure (see `getPacketError`). */
  getPacket(): Buffer {
    const data = this.#receive();
    this.#lastGetError = this.#receiveError;
    return data ?? Buffer.alloc(0);
  }

  /**
   * Extension: takes up to `max` queued datagrams at once (oldest first) as
   * `{ data, address, port, family, size }`, in one native call per batch and one copy per batch:
   * the cheapest way to read under load. Drains the OS socket once per call (as `getPacket`: not
   * while datagrams are already queued on an unconnected socket). Empty when
   * nothing is queued; `getPacketError()` is then `ERR_UNAVAILABLE` (or `FAILED` when no socket is
   * open), otherwise `OK`; `getPacketIp()`/`getPacketPort()` name the last packet returned.
   */
  getPackets(max = Infinity): UDPPacket[] {
    if (max !== Infinity) checkInteger(max, "max");
    const packets: UDPPacket[] = [];
    // One OS drain per call: the first native take drains. Only when a take fills the scratch
    // area (more may be queued) is the native queue counted once, and what is queued then bounds
    // the work: a sender flooding meanwhile cannot keep this call going.
    let limit = max;
    let counted = false;
    let mayTake = true;
    while (packets.length < limit) {
      const held = this.#shiftBatch();
      if (held !== undefined) {
        packets.push(held);
        continue;
      }
      if (!mayTake) break;
      const taken = this.#batch.take(false);
      if (taken < 0 && packets.length === 0) {
        this.#lastGetError = GodotError.FAILED;
        return [];
      }
      if (taken <= 0) break;
      if (this.#batch.emptied()) {
        mayTake = false;
      } else if (!counted) {
        counted = true;
        const queued = this.#native.getAvailablePacketCount(this.#batch.takeRelease());
        if (queued < 0) mayTake = false;
        else limit = Math.min(max, packets.length + taken + queued);
      }
    }
    this.#lastGetError = packets.length > 0 ? GodotError.OK : GodotError.ERR_UNAVAILABLE;
    return packets;
  }

  /**
   * Godot `get_available_packet_count`: drains the OS socket into the queue, then counts. -1 when
   * no socket is open or on a read error.
   */
  getAvailablePacketCount(): number {
    // Within the code running now the count may be known without a native call: see
    // ReceiveBatch.count (receive-batch.ts).
    return this.#batch.count();
  }

  /** Godot `get_packet_error`: the result of the last `getPacket()` (not changed by `getVar`). */
  getPacketError(): GodotError {
    return this.#lastGetError;
  }

  /** Sender of the last packet taken ("" before any), in Godot's text form. */
  getPacketIp(): string {
    return this.#packetIp ?? this.#native.getPacketIp();
  }

  /** Sender port of the last packet taken (0 before any). */
  getPacketPort(): number {
    return this.#packetIp !== null ? this.#packetPort : this.#native.getPacketPort();
  }

  /** The socket's local port; 0 when no socket is open. */
  getLocalPort(): number {
    return this.#native.getLocalPort();
  }

  /**
   * Extension: the socket's OS receive buffer (SO_RCVBUF) as the OS reports it: Linux reports
   * twice the size asked for with `osRecvBufSize` (its bookkeeping share). For a server peer, the
   * server's socket. 0 when no socket is open.
   */
  getOsRecvBufSize(): number {
    return this.#native.getOsRecvBufSize();
  }

  /** A socket is open (bound, or opened by a send, connect or multicast join; or a server peer). */
  isBound(): boolean {
    return this.#native.isBound();
  }

  /** Connected by `connectToHost`, or taken from a `UDPServer`. */
  isSocketConnected(): boolean {
    return this.#native.isSocketConnected();
  }

  /** Godot `set_broadcast_enabled` (off by default; needed to send to a broadcast address). */
  setBroadcastEnabled(enabled: boolean): void {
    checkBoolean(enabled, "enabled");
    this.#native.setBroadcastEnabled(enabled);
  }

  /**
   * Godot `join_multicast_group`: joins an IPv4 or IPv6 group on the interface named as
   * `os.networkInterfaces()` names it. Bind first: joining opens an unbound socket otherwise.
   */
  joinMulticastGroup(multicastAddress: string, interfaceName: string): GodotError {
    checkString(multicastAddress, "multicastAddress");
    checkString(interfaceName, "interfaceName");
    const code = this.#native.joinMulticastGroup(multicastAddress, interfaceName);
    this.#afterSocketChange();
    return code;
  }

  /** Godot `leave_multicast_group` (`ERR_UNCONFIGURED` when no socket is open). */
  leaveMulticastGroup(multicastAddress: string, interfaceName: string): GodotError {
    checkString(multicastAddress, "multicastAddress");
    checkString(interfaceName, "interfaceName");
    return this.#native.leaveMulticastGroup(multicastAddress, interfaceName);
  }

  /** Extension: the interface outgoing multicast datagrams leave by (IP_MULTICAST_IF / IPV6_MULTICAST_IF). */
  setMulticastInterface(interfaceName: string): GodotError {
    checkString(interfaceName, "interfaceName");
    return this.#native.setMulticastInterface(interfaceName);
  }

  /** Extension: whether this host's own multicast datagrams are looped back to it. */
  setMulticastLoopback(enabled: boolean): GodotError {
    checkBoolean(enabled, "enabled");
    return this.#native.setMulticastLoopback(enabled);
  }

  /** Extension: multicast TTL (IPv4) / hop limit (IPv6). */
  setMulticastTtl(ttl: number): GodotError {
    checkInteger(ttl, "ttl");
    return this.#native.setMulticastTtl(ttl);
  }

  /**
   * Godot `wait`, without blocking the event loop: resolves `OK` once the OS socket has a
   * datagram (datagrams already drained into the queue do not count, as in Godot), `FAILED` on a
   * socket error, `ERR_UNCONFIGURED` when no socket is open or when `close()` interrupts it,
   * `ERR_TIMEOUT` after `options.timeout` ms. Aborting `options.signal` rejects with an
   * `AbortError`. A socket that is readable already answers at once (one poll, no thread hop);
   * otherwise the wait is served on Node's event loop by the socket's libuv watch (the engine's
   * reactor serves server peers' waits, and waits after `unref()`). Never libuv's thread pool.
   * A loop that waits again without reading anything is made to yield (see docs/api.md).
   */
  wait(options?: WaitOptions): Promise<GodotError> {
    checkOptions(options, "options");
    const timeout = options?.timeout;
    const signal = options?.signal;
    if (timeout !== undefined) checkTimeout(timeout, "options.timeout");
    if (signal !== undefined) checkAbortSignal(signal, "options.signal");
    if (signal?.aborted) return Promise.reject(abortErrorFor(signal));
    return this.#waits.wait(timeout, signal);
  }

  /**
   * Godot's blocking `wait` on the calling thread (use in worker threads or scripts: it freezes
   * the event loop). `timeoutMs` (default: forever) gives `ERR_TIMEOUT` when it expires. Results
   * as `wait()`'s. Terminating the worker (`worker.terminate()`, or `process.exit()`, which
   * terminates every worker) ends it within about 50 ms; it then returns `ERR_SKIP` to code that
   * never runs, as the thread stops.
   */
  waitSync(timeoutMs?: number): GodotError {
    if (timeoutMs !== undefined) checkTimeout(timeoutMs, "timeoutMs");
    return this.#waits.waitSync(timeoutMs);
  }

  // ---------------------------------------------------------------------------------------------
  // Counters and process liveness

  /** Datagrams dropped because the receive queue was full (Godot drops them silently). */
  get droppedPackets(): number {
    return this.#native.stats().packetsDropped;
  }

  /** Socket errors reported by the event layer (counted whether or not `'error'` is listened to). */
  get socketErrors(): number {
    return this.#delivery.socketErrors;
  }

  /** Traffic counters: packets and bytes received, sent and dropped. */
  stats(): PacketPeerUDPStats {
    const s = this.#native.stats();
    return {
      packetsReceived: s.packetsReceived,
      bytesReceived: s.bytesReceived,
      packetsSent: s.packetsSent,
      bytesSent: s.bytesSent,
      packetsDropped: s.packetsDropped,
      bytesDropped: s.bytesDropped,
      osDropped: s.osDropped,
    };
  }

  /** A watched socket (listener or iteration) keeps the process alive again (the default). */
  ref(): this {
    this.#events.ref();
    return this;
  }

  /** A watched socket no longer keeps the process alive on its own (as `dgram`'s `unref`). */
  unref(): this {
    this.#events.unref();
    return this;
  }

  // ---------------------------------------------------------------------------------------------
  // Async iteration

  /**
   * `for await (const packet of peer)` yields `{ data, address, port, family, size }` in arrival
   * order and ends when `close()` is called. It pulls from the bounded native queue (no JS-side
   * buffering beyond one batch). While `'packet'` listeners exist they receive the packets and
   * iterators wait; several iterators share the packets (each packet goes to one of them).
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<UDPPacket> {
    return this.#delivery.iterator();
  }

  // ---------------------------------------------------------------------------------------------
  // Hooks for UDPServer

  /**
   * Delivers the packets a server routed to this peer: emits them as `'packet'` events or wakes
   * its iterators. Called by UDPServer for the ids `takeDirtyPeerIds()` returns.
   * @internal
   */
  deliverRouted(): void {
    this.#delivery.deliver();
  }

  /**
   * Releases the lent packets this server peer handed out, before its server routes more
   * datagrams into its queue: the routing then sees the free space Godot's queue would have.
   * @internal
   */
  releaseLent(): void {
    if (this.#batch.lentConsumed > 0) this.#native.releaseLent(this.#batch.takeRelease());
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  protected override takePacketForVar(): TakenPacket {
    const data = this.#receive();
    return { error: this.#receiveError, data };
  }

  /**
   * Godot's get_packet for getPacket and getVar: the next packet, or null with the reason in
   * #receiveError. Serves the held batch first; then lends a new batch of everything queued in
   * one native call (packets stay natively queued, keeping Godot's accounting, until a later call
   * releases them). A connected socket drains per packet, as Godot reports its ICMP error from
   * get_packet even with packets queued: it is lent a batch only right after a count in the code
   * running now drained, and only while that count lasts; otherwise it asks natively per packet.
   */
  #receive(): Buffer | null {
    const drainedNow = this.#connected && this.#batch.known > 0;
    // A batch lent to earlier code is given back (its packets are still natively queued).
    if (this.#connected && !drainedNow) this.#batch.forgetLent();
    const held = this.#shiftBatch();
    if (held !== undefined) {
      this.#receiveError = GodotError.OK;
      return held.data;
    }
    if (!this.#connected || drainedNow) {
      const taken = this.#batch.lend(drainedNow);
      if (taken > 0) {
        this.#receiveError = GodotError.OK;
        return this.#shiftBatch()!.data;
      }
      this.#receiveError = taken < 0 ? GodotError.FAILED : GodotError.ERR_UNAVAILABLE;
      return null;
    }
    const data = this.#batch.getConnected();
    // A packet means OK; only a failure needs the native error code (one call less per packet).
    if (data !== null) {
      this.#packetIp = null; // the native peer knows its sender
      this.#receiveError = GodotError.OK;
      return data;
    }
    this.#receiveError = this.#native.getPacketError();
    return null;
  }

  override removeAllListeners(eventName?: unknown): this {
    if (eventName === undefined) super.removeAllListeners();
    else super.removeAllListeners(eventName);
    // Removing every listener also removes the hooks that follow 'packet' listeners.
    this.#listeners.install();
    this.#delivery.syncWatch();
    if (this.listenerCount("packet") === 0) this.#delivery.wakeWaiters();
    return this;
  }

  /**
   * A send may have opened the socket (Godot opens one implicitly): start watching if listeners
   * or iterators wait for that. Nothing to do, and no native call, in the usual cases: already
   * watching, nobody listening, or a server peer (its server watches).
   */
  #afterSend(): void {
    if (this.#events.watching || this.#serverPeer) return;
    if (this.listenerCount("packet") === 0 && this.#delivery.iterators === 0) return;
    this.#afterSocketChange();
  }

  /**
   * After a call that may have opened or closed the socket: follow it with the watch. `wasOpen`:
   * a socket was open before the call; if the engine closed it (a failed connectToHost closes the
   * socket, as Godot does), the Node layer ends as after close().
   */
  #afterSocketChange(wasOpen = false): void {
    if (wasOpen && !this.#native.isBound()) {
      this.#finishClose(true);
      return;
    }
    // Defensive: a server peer detached natively without close() is an ordinary peer now.
    if (this.#serverPeer && this.#native.serverPeerId() < 0) this.#serverPeer = false;
    // Closed by the engine while no socket counted as open: that watch is over, and so are its
    // waits.
    if (this.#events.watching && !this.#native.isBound()) this.#events.forget();
    this.#delivery.syncWatch();
  }

  /** The next packet of the batch already taken from the native queue; it becomes the "last packet". */
  #shiftBatch(): UDPPacket | undefined {
    const packet = this.#batch.shift();
    if (packet !== undefined) {
      this.#packetIp = packet.address;
      this.#packetPort = packet.port;
    }
    return packet;
  }

  /**
   * The event and iterator paths' take (see ReceiveBatch.takeUnlessEmptied): when the watch waits
   * for re-arming, the take that empties the queue re-arms it in the same native call.
   */
  #takeForDelivery(): number {
    const rearm = this.#events.disarmed;
    const taken = this.#batch.takeUnlessEmptied(rearm);
    if (rearm && taken > 0 && this.#batch.emptied()) this.#events.markRearmed();
    return taken;
  }
}

/** Whether `port` is in 0..65535 (setDestAddress refuses anything else, as the engine does). */
function isPort(port: number): boolean {
  return port >= 0 && port <= 65535;
}

/**
 * Wraps a native peer owned by a native UDPServer (from `takeConnection`). `onClose` runs when
 * the peer is closed (the server forgets it). `onLentConsumed` runs when the peer starts handing
 * out lent packets it has not released natively: the server calls `releaseLent()` on it before
 * routing more. Server peers never watch their own socket: the
 * server calls `deliverRouted()` after routing packets to them. Internal to the package.
 */
export function wrapNativePeer(
  nativePeer: NativePeer,
  onClose: () => void,
  onLentConsumed: (peer: PacketPeerUDP) => void,
): PacketPeerUDP {
  return wrapImpl(nativePeer, onClose, onLentConsumed);
}

/**
 * The native peer of `peer`, for a session layered on it (PacketPeerDTLS) that receives and sends
 * through it natively. Internal to the package.
 */
export function nativePeerOf(peer: PacketPeerUDP): NativePeer {
  return nativeOfImpl(peer);
}

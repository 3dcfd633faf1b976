/**
 * UDPServer: Godot 4's UDPServer (listen, poll, take connections) over the native engine, and a
 * Node layer on top of it: 'connection' events, `for await` over connections, ref()/unref().
 */
import { EventEmitter } from "node:events";
import { abortErrorFor } from "./abort-error.js";
import { GodotError, errorName } from "./errors.js";
import { EventMode } from "./event-mode.js";
import { ListenerDemand } from "./listener-demand.js";
import { native, type NativeServer, type NativeStats } from "./native.js";
import { type PacketPeerUDP, wrapNativePeer } from "./packet-peer-udp.js";
import { ConnectionIterator, type ConnectionIteratorHost } from "./udp-server-iterator.js";
import { UDPSocketError } from "./udp-socket-error.js";
import {
  checkAbortSignal,
  checkBoolean,
  checkInteger,
  checkOptions,
  checkString,
} from "./validate.js";

/** Options of {@link UDPServer.listen} (extensions; Godot has none). */
export interface UDPServerListenOptions {
  /**
   * Set SO_REUSEPORT before binding, so several processes (e.g. `node:cluster` workers) can listen
   * on the same port and the kernel spreads the remote addresses among them. Every socket sharing
   * the port must set it. Node 20's `dgram` has no such option.
   */
  reusePort?: boolean;
  /**
   * SO_RCVBUF in bytes for the server's socket (all its peers share it). Omitted: the OS default,
   * as Godot. Linux caps it at `net.core.rmem_max` and reports twice the request (see
   * `getOsRecvBufSize`). Outside 1..2147483647: `ERR_INVALID_PARAMETER`.
   */
  osRecvBufSize?: number;
}

/** Options of {@link UDPServer.connections}. */
export interface UDPServerConnectionsOptions {
  /** Aborting ends the iteration: a pending `next()` rejects with an `AbortError`. */
  signal?: AbortSignal;
}

/**
 * Traffic counters of the server's socket (all its peers together), including `osDropped`: what
 * the OS dropped on that socket (see {@link NativeStats.osDropped}), which no peer's own stats
 * include.
 */
export type UDPServerStats = Readonly<NativeStats>;

/** Events of {@link UDPServer}. */
export interface UDPServerEvents {
  /** A new remote address:port, taken from the pending list (event mode only). */
  connection: [peer: PacketPeerUDP];
  /** The socket reported an error while the server watched it (event mode). */
  error: [error: UDPSocketError];
  /** After `stop()` of a listening server. */
  close: [];
  newListener: [eventName: string | symbol, listener: (...args: unknown[]) => void];
  removeListener: [eventName: string | symbol, listener: (...args: unknown[]) => void];
}

const DEFAULT_BIND_ADDRESS = "*";

/**
 * Godot's UDPServer: each new remote address:port becomes a pending peer; `takeConnection()`
 * yields a {@link PacketPeerUDP} connected to that remote, which receives only its own datagrams
 * (routed by the native engine) and sends through the server's socket.
 *
 * Two ways to drive it:
 * - Godot style: call `poll()` regularly, then `isConnectionAvailable()` / `takeConnection()`.
 * - Event mode: while a 'connection' listener is attached or a `for await` loop runs, the server
 *   watches its socket natively (no polling timer), polls when it is readable, hands out every new
 *   connection and delivers routed datagrams to the taken peers' 'packet' events.
 *
 * Godot bugs fixed here (see docs/server.md): `listen` rejects ports outside 0..65535 with
 * `ERR_INVALID_PARAMETER` instead of wrapping them; setting `maxPendingConnections` trims pending
 * peers from the newest end only when the new maximum is below their number.
 */
export class UDPServer extends EventEmitter<UDPServerEvents> {
  readonly #native: NativeServer = new native.NativeServer();
  /** Taken peers by their native id, to deliver routed datagrams to the right facade object. */
  readonly #peers = new Map<number, PacketPeerUDP>();
  /** Taken peers holding lent packets they handed out but did not release yet (see poll()). */
  readonly #lentPeers = new Set<PacketPeerUDP>();
  readonly #onLentConsumed = (peer: PacketPeerUDP): void => {
    this.#lentPeers.add(peer);
  };
  /** Iterators waiting in `next()`, served in order before 'connection' listeners. */
  readonly #waiting: ConnectionIterator[] = [];
  /** Iterators started and not finished: each keeps the socket watched. */
  readonly #iterators = new Set<ConnectionIterator>();
  /** The native watch while listeners or iterators want connections (event-mode.ts). */
  readonly #events = new EventMode(this.#native, {
    isOpen: () => this.#native.isListening(),
    onStarted: () => {
      // Connections stored by an earlier poll() would otherwise wait for the next datagram.
      if (!this.#native.isConnectionAvailable()) return;
      const generation = this.#events.generation;
      setImmediate(() => this.#serve(generation));
    },
    onReadable: (status) => {
      if (status !== GodotError.OK) this.#reportError("watch", status);
      this.#servePass(this.#events.generation);
      return true; // re-armed as the callback returns
    },
    onWatchError: (code) => this.#reportError("watch", code),
  });
  #socketErrors = 0;
  #delivering = false;

  /** Follows 'connection' listeners: they switch event mode on and off. */
  readonly #listeners = new ListenerDemand(this, ["connection"], (adding) => this.#updateWatch(adding));

  // ---- Godot API ------------------------------------------------------------------------------

  /**
   * Godot `listen`: opens the socket on `port` (0 picks a free one) and `bindAddress` (`"*"`
   * dual-stack, `"0.0.0.0"` IPv4 only, `"::"` IPv6 only, or one local address). Returns
   * `ERR_ALREADY_IN_USE` when listening, `ERR_INVALID_PARAMETER` for a bad address or a port
   * outside 0..65535 (Godot wraps the port instead), `ERR_UNAVAILABLE` when the OS refuses the
   * bind (e.g. the port is held by a socket without SO_REUSEADDR).
   */
  listen(
    port: number,
    bindAddress: string = DEFAULT_BIND_ADDRESS,
    options?: UDPServerListenOptions,
  ): GodotError {
    checkInteger(port, "port");
    checkString(bindAddress, "bindAddress");
    const reusePort = readReusePort(options);
    const osRecvBufSize = (options as UDPServerListenOptions | undefined)?.osRecvBufSize;
    if (osRecvBufSize !== undefined) checkInteger(osRecvBufSize, "options.osRecvBufSize");
    const result = this.#native.listen(port, bindAddress, reusePort, osRecvBufSize) as GodotError;
    if (result === GodotError.OK) this.#updateWatch();
    return result;
  }

  /**
   * Godot `poll`: reads every datagram waiting on the socket and routes it (to a taken peer, a
   * pending peer, or a new pending peer while fewer than `maxPendingConnections` are pending).
   * `ERR_UNCONFIGURED` when not listening, `FAILED` on a read error. Taken peers that received
   * datagrams and have 'packet' listeners get them delivered now.
   */
  poll(): GodotError {
    // Packets a peer's getPacket() handed out from a lent batch free their queue space now, as
    // Godot's get_packet would have, before routing fills the queue again.
    if (this.#lentPeers.size > 0) {
      for (const peer of this.#lentPeers) peer.releaseLent();
      this.#lentPeers.clear();
    }
    const result = this.#native.poll() as GodotError;
    if (result !== GodotError.ERR_UNCONFIGURED) this.#deliverToDirtyPeers();
    return result;
  }

  /** Godot `is_connection_available`: listening and a pending peer was stored by `poll()`. */
  isConnectionAvailable(): boolean {
    return this.#native.isConnectionAvailable();
  }

  /**
   * Godot `take_connection`: the oldest pending peer, now taken (the server routes its remote's
   * datagrams to it until it is closed or the server stops), or `null` when none is pending.
   */
  takeConnection(): PacketPeerUDP | null {
    const nativePeer = this.#native.takeConnection();
    if (nativePeer === null) return null;
    const id = nativePeer.serverPeerId();
    const peer: PacketPeerUDP = wrapNativePeer(
      nativePeer,
      () => {
        // The server forgets a closed peer (natively); drop it here too, unless the id was reused.
        if (this.#peers.get(id) === peer) this.#peers.delete(id);
        this.#lentPeers.delete(peer);
      },
      this.#onLentConsumed,
    );
    this.#peers.set(id, peer);
    return peer;
  }

  /** Godot `get_local_port`: the bound port (useful after `listen(0)`), 0 when not listening. */
  getLocalPort(): number {
    return this.#native.getLocalPort();
  }

  /** Extension: SO_RCVBUF of the server's socket as the OS reports it (Linux: twice the request); 0 when not listening. */
  getOsRecvBufSize(): number {
    return this.#native.getOsRecvBufSize();
  }

  /** Godot `is_listening`. */
  isListening(): boolean {
    return this.#native.isListening();
  }

  /**
   * Godot `stop`: closes the socket, discards pending peers and detaches every taken peer (it
   * becomes unbound: `isBound()` false, count -1). Unlike Godot, taken peers are closed through
   * their facade, so their own iterations end and they emit 'close'. Running `for await` loops
   * over the server end; 'close' is emitted if the server was listening. Idempotent.
   */
  stop(): void {
    const wasListening = this.#native.isListening();
    this.#events.close();
    for (const peer of [...this.#peers.values()]) peer.close();
    this.#peers.clear();
    this.#lentPeers.clear();
    this.#native.stop();
    this.#finishIterators();
    if (wasListening) process.nextTick(() => this.emit("close"));
  }

  /**
   * Godot `max_pending_connections` (default 16): new remote addresses beyond this many pending
   * peers are dropped (counted in `stats().packetsDropped`). A negative value leaves it unchanged.
   * Lowering it below the number of pending peers discards the newest ones; raising it keeps
   * them all (Godot's reversed comparison discards them all).
   */
  get maxPendingConnections(): number {
    return this.#native.getMaxPendingConnections();
  }

  set maxPendingConnections(max: number) {
    this.setMaxPendingConnections(max);
  }

  /** Godot's `get_max_pending_connections()`: the `maxPendingConnections` property. */
  getMaxPendingConnections(): number {
    return this.#native.getMaxPendingConnections();
  }

  /**
   * Godot's `set_max_pending_connections()`: sets the `maxPendingConnections` property (negative:
   * unchanged; lowering it below the pending count discards the newest pending peers). Not an
   * integer: `TypeError`.
   */
  setMaxPendingConnections(max: number): void {
    checkInteger(max, "maxPendingConnections");
    this.#native.setMaxPendingConnections(max);
  }

  // ---- Node layer -----------------------------------------------------------------------------

  /** Traffic counters of the server's socket, readable at any time (zeros before `listen`). */
  stats(): UDPServerStats {
    return this.#native.stats();
  }

  /** Pending peers stored by `poll()` and not yet taken. */
  get pendingConnectionCount(): number {
    return this.#native.pendingCount();
  }

  /** Taken peers the server still routes to (not closed). */
  get connectionCount(): number {
    return this.#native.peerCount();
  }

  /** Let a watching server keep the process alive (the default), as `dgram.Socket#ref`. */
  ref(): this {
    this.#events.ref();
    return this;
  }

  /** Let the process exit even while this server watches its socket, as `dgram.Socket#unref`. */
  unref(): this {
    this.#events.unref();
    return this;
  }

  /**
   * Iterates over new connections until `stop()` (or the signal aborts). Each peer is handed out
   * once: to a waiting iterator first, otherwise to the 'connection' listeners. While the loop
   * body runs, new remotes wait as pending peers (bounded by `maxPendingConnections`), so a slow
   * consumer cannot make the server buffer without limit. Iterating a server that is not
   * listening ends at once.
   */
  connections(options?: UDPServerConnectionsOptions): AsyncIterableIterator<PacketPeerUDP> {
    checkOptions(options, "options");
    const signal = options?.signal;
    if (signal !== undefined) checkAbortSignal(signal, "options.signal");
    return new ConnectionIterator(this.#iteratorHost, signal, abortErrorFor);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<PacketPeerUDP> {
    return this.connections();
  }

  /** Socket errors met in event mode (counted whether or not 'error' is listened to). */
  get socketErrors(): number {
    return this.#socketErrors;
  }

  override removeAllListeners(eventName?: keyof UDPServerEvents): this {
    super.removeAllListeners(eventName);
    // Removing every listener may have removed the hooks that switch event mode on and off.
    this.#listeners.install();
    this.#updateWatch();
    return this;
  }

  // ---- internals ------------------------------------------------------------------------------

  readonly #iteratorHost: ConnectionIteratorHost = {
    isListening: () => this.#native.isListening(),
    started: (it) => {
      this.#iterators.add(it);
      this.#updateWatch();
    },
    finished: (it) => {
      this.#iterators.delete(it);
      // One entry per unanswered next() of that iterator: drop them all.
      for (let at = this.#waiting.indexOf(it); at >= 0; at = this.#waiting.indexOf(it)) {
        this.#waiting.splice(at, 1);
      }
      this.#updateWatch();
    },
    takeNow: () => this.takeConnection(),
    wait: (it) => {
      this.#waiting.push(it);
    },
  };

  /** Event mode while 'connection' listeners or iterators exist (the watch starts once listening). */
  #updateWatch(extraConnectionListeners = 0): void {
    this.#events.update(
      this.listenerCount("connection") + extraConnectionListeners > 0 || this.#iterators.size > 0,
    );
  }

  /** A deferred event-mode pass (watch started with connections pending, or after a throw). */
  #serve(generation: number): void {
    if (generation !== this.#events.generation) return; // that watch ended
    this.#servePass(generation);
    if (generation === this.#events.generation) this.#events.rearm();
  }

  /** One event-mode pass: poll, hand out connections, deliver routed datagrams. */
  #servePass(generation: number): void {
    try {
      const result = this.poll();
      if (result === GodotError.FAILED) this.#reportError("poll", result);
      this.#handOutConnections();
    } catch (error) {
      // A listener threw: finish the pass later (so pending connections are not stranded).
      setImmediate(() => this.#serve(generation));
      this.#events.throwLater(error);
    }
  }

  /** Event mode: serve waiting iterators, then give every other pending peer to the listeners. */
  #handOutConnections(): void {
    while (this.#waiting.length > 0 && this.#native.isConnectionAvailable()) {
      const it = this.#waiting.shift() as ConnectionIterator;
      const peer = this.takeConnection();
      if (peer === null) break;
      it.handOut(peer);
    }
    if (this.listenerCount("connection") === 0) return;
    for (;;) {
      const peer = this.takeConnection();
      if (peer === null) break;
      this.emit("connection", peer);
      // Listeners attach their 'packet' handlers synchronously: deliver the first datagrams now.
      peer.deliverRouted();
      if (!this.#native.isListening()) break;
    }
  }

  #deliverToDirtyPeers(): void {
    if (this.#delivering) return; // a 'packet' listener called poll(): the outer loop continues
    this.#delivering = true;
    try {
      for (const id of this.#native.takeDirtyPeerIds()) this.#peers.get(id)?.deliverRouted();
    } finally {
      this.#delivering = false;
    }
  }

  #finishIterators(): void {
    this.#waiting.length = 0;
    for (const it of [...this.#iterators]) it.end();
    this.#iterators.clear();
  }

  #reportError(operation: string, code: GodotError): void {
    this.#socketErrors++;
    if (this.listenerCount("error") > 0) {
      const message = `UDPServer ${operation} failed: ${errorName(code)}`;
      this.emit("error", new UDPSocketError(code, message));
    }
  }
}

function readReusePort(options: unknown): boolean {
  checkOptions(options, "options");
  const reusePort = (options as UDPServerListenOptions | undefined)?.reusePort;
  if (reusePort === undefined) return false;
  checkBoolean(reusePort, "options.reusePort");
  return reusePort;
}

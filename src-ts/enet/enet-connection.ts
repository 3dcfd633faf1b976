/**
 * Godot's `ENetConnection`: an ENet host (ENet 1.3.18, crates/enet) with Godot's API, argument
 * checks and error codes.
 *
 * Two ways to drive it:
 * - Godot's: call `service()` (one pass, synchronous, never blocks) regularly, as a game loop does;
 *   `await service(timeoutMs)` waits for the next event without blocking the JS thread.
 * - Node's: while a `'connect'`, `'disconnect'` or `'receive'` listener is attached, or a
 *   `for await` loop runs, the connection services itself (on socket readiness, plus a short tick
 *   for ENet's timers) and emits every event; no `service()` calls needed.
 *
 * A received packet goes to exactly one consumer: a pending `service(timeout)` first (queued on
 * its peer for `getPacket`, as Godot does), then an iterator, then the `'receive'` listeners (the
 * packet is in the event and not queued).
 */
import { EventEmitter } from "node:events";
import { GodotError } from "../errors.js";
import {
  ENET_EVENT_WORDS,
  native,
  type NativeEnetCounters,
  type NativeEnetDtlsCounters,
  type NativeEnetHost,
} from "../native.js";
import { nativeCryptoKey } from "../dtls/crypto-key.js";
import { TLSOptions } from "../dtls/tls-options.js";
import { nativeCertificate } from "../dtls/x509-certificate.js";
import { checkBoolean, checkBytes, checkInteger, checkString } from "../validate.js";
import { ENetPacketPeer, peerInternals, type PeerLink } from "./enet-packet-peer.js";
import { EnetDriver, type ENetConnectionEvent } from "./enet-driver.js";

/** Godot's `ENetConnection.EventType`. */
export enum ENetEventType {
  EVENT_ERROR = -1,
  EVENT_NONE = 0,
  EVENT_CONNECT = 1,
  EVENT_DISCONNECT = 2,
  EVENT_RECEIVE = 3,
}

/** Godot's `ENetConnection.CompressionMode` (both ends must use the same one). */
export enum ENetCompressionMode {
  COMPRESS_NONE = 0,
  COMPRESS_RANGE_CODER = 1,
  COMPRESS_FASTLZ = 2,
  COMPRESS_ZLIB = 3,
  COMPRESS_ZSTD = 4,
}

/** Godot's `ENetConnection.HostStatistic`. */
export enum ENetHostStatistic {
  HOST_TOTAL_SENT_DATA = 0,
  HOST_TOTAL_SENT_PACKETS = 1,
  HOST_TOTAL_RECEIVED_DATA = 2,
  HOST_TOTAL_RECEIVED_PACKETS = 3,
}

/** What `service()` returns, as Godot's Array: `[type, peer, data, channel]`. */
export type ENetServiceResult = [type: ENetEventType, peer: ENetPacketPeer | null, data: number, channel: number];

export interface ENetConnectionEvents {
  /** A connection completed: one we asked for, or a peer that connected to us (`data`: its CONNECT value). */
  connect: [peer: ENetPacketPeer, data: number];
  /** A peer disconnected (`data`: its DISCONNECT value) or timed out (0); it is inactive now. */
  disconnect: [peer: ENetPacketPeer, data: number];
  /** A packet arrived (not queued on the peer: it is here). `flags`: `ENetPacketPeer.FLAG_*`. */
  receive: [peer: ENetPacketPeer, packet: Buffer, channel: number, flags: number];
  /** ENet's service failed (EVENT_ERROR): the socket broke. */
  error: [error: Error];
}

/** A host's DTLS layer's counters (`ENetConnection.stats().dtls`). */
export type ENetDtlsStats = NativeEnetDtlsCounters;

/** A host's counters (cumulative; an extension, Godot has `popStatistic` only). */
export type ENetConnectionStats = NativeEnetCounters & { dtls: ENetDtlsStats | null };

// Godot's event numbers as the binding writes them.
const NONE = 0;
const CONNECT = 1;
const DISCONNECT = 2;
const RECEIVE = 3;

export class ENetConnection
  extends EventEmitter<ENetConnectionEvents>
  implements AsyncIterable<ENetConnectionEvent>
{
  static readonly EVENT_ERROR = ENetEventType.EVENT_ERROR;
  static readonly EVENT_NONE = ENetEventType.EVENT_NONE;
  static readonly EVENT_CONNECT = ENetEventType.EVENT_CONNECT;
  static readonly EVENT_DISCONNECT = ENetEventType.EVENT_DISCONNECT;
  static readonly EVENT_RECEIVE = ENetEventType.EVENT_RECEIVE;
  static readonly COMPRESS_NONE = ENetCompressionMode.COMPRESS_NONE;
  static readonly COMPRESS_RANGE_CODER = ENetCompressionMode.COMPRESS_RANGE_CODER;
  static readonly COMPRESS_FASTLZ = ENetCompressionMode.COMPRESS_FASTLZ;
  static readonly COMPRESS_ZLIB = ENetCompressionMode.COMPRESS_ZLIB;
  static readonly COMPRESS_ZSTD = ENetCompressionMode.COMPRESS_ZSTD;
  static readonly HOST_TOTAL_SENT_DATA = ENetHostStatistic.HOST_TOTAL_SENT_DATA;
  static readonly HOST_TOTAL_SENT_PACKETS = ENetHostStatistic.HOST_TOTAL_SENT_PACKETS;
  static readonly HOST_TOTAL_RECEIVED_DATA = ENetHostStatistic.HOST_TOTAL_RECEIVED_DATA;
  static readonly HOST_TOTAL_RECEIVED_PACKETS = ENetHostStatistic.HOST_TOTAL_RECEIVED_PACKETS;

  readonly #native: NativeEnetHost = new native.NativeEnetHost();
  /** Godot's `peers` list: every peer with a JS object, in order of arrival. */
  #peers: ENetPacketPeer[] = [];
  readonly #byHandle = new Map<number, ENetPacketPeer>();
  /** Peers made inactive by their own call (disconnect_now, reset): dropped on the next service. */
  #gone: ENetPacketPeer[] = [];
  readonly #out = new Float64Array(ENET_EVENT_WORDS);
  /** The packet of the last RECEIVE pass that did not queue it (for the driver). */
  #lastPacket: Buffer = Buffer.alloc(0);
  #lastFlags = 0;
  readonly #link: PeerLink = {
    gone: (peer) => this.#gone.push(peer),
    sent: () => this.#driver.scheduleFlush(),
  };
  readonly #driver: EnetDriver;

  constructor() {
    super();
    this.#driver = new EnetDriver(this, this.#native, {
      pass: (queueOnPeer) => this.#pass(queueOnPeer),
      takePacket: () => [this.#lastPacket, this.#lastFlags],
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Godot API

  /**
   * Godot `create_host_bound`: a host on `bindAddress` (`"*"`: every IPv4 and IPv6 address) and
   * `bindPort` (0: any), for `maxPeers` (1..4095) peers of `maxChannels` (0..255, 0 = 255)
   * channels, bandwidth limits in bytes/s (0: none). `ERR_ALREADY_IN_USE` when a host exists,
   * `ERR_INVALID_PARAMETER` for a bad argument, `ERR_CANT_CREATE` when the socket cannot bind.
   */
  createHostBound(
    bindAddress: string,
    bindPort: number,
    maxPeers = 32,
    maxChannels = 0,
    inBandwidth = 0,
    outBandwidth = 0,
  ): GodotError {
    checkString(bindAddress, "bindAddress");
    checkInteger(bindPort, "bindPort");
    checkLimits(maxPeers, maxChannels, inBandwidth, outBandwidth);
    const code = this.#native.createHostBound(bindAddress, bindPort, maxPeers, maxChannels, inBandwidth, outBandwidth);
    if (code === GodotError.OK) this.#driver.opened();
    return code as GodotError;
  }

  /** Godot `create_host`: as `createHostBound("*", 0, ...)` (a port the OS picks). */
  createHost(maxPeers = 32, maxChannels = 0, inBandwidth = 0, outBandwidth = 0): GodotError {
    checkLimits(maxPeers, maxChannels, inBandwidth, outBandwidth);
    const code = this.#native.createHost(maxPeers, maxChannels, inBandwidth, outBandwidth);
    if (code === GodotError.OK) this.#driver.opened();
    return code as GodotError;
  }

  /**
   * Godot `destroy`: closes the host; every peer becomes inactive. Pending `service(timeout)`
   * calls settle with `[EVENT_NONE, null, 0, 0]` and iterators end. Nothing when no host.
   */
  destroy(): void {
    if (!this.#native.isActive()) return;
    this.#peers = [];
    this.#byHandle.clear();
    this.#gone = [];
    this.#driver.closing();
    this.#native.destroy();
  }

  /**
   * Godot `connect_to_host`: starts a connection to `address` (an IP, or a name resolved by the
   * OS, blocking as Godot does) and `port` (1..65535) with `channels` (0: 255) and the 32-bit
   * CONNECT `data`. The peer is `STATE_CONNECTING` until an `EVENT_CONNECT` for it. null when no
   * host, when this host already has peers (Godot's rule), for a bad port or address, or when
   * every peer slot is taken.
   */
  connectToHost(address: string, port: number, channels = 0, data = 0): ENetPacketPeer | null {
    checkString(address, "address");
    checkInteger(port, "port");
    checkInteger(channels, "channels");
    checkInteger(data, "data");
    if (!this.#native.isActive() || this.#peers.length > 0) return null;
    const handle = this.#native.connectToHost(address, port, channels, data);
    if (handle < 0) return null;
    const peer = this.#adopt(handle);
    this.#driver.scheduleFlush();
    return peer;
  }

  /**
   * Godot `service(timeout)`: `service()` / `service(0)` run one ENet pass (send what is queued,
   * read what arrived) and return the first event, `[EVENT_NONE, null, 0, 0]` when none, at once.
   * A positive `timeout` (ms) returns a Promise of the next event within that time, waiting
   * without blocking the JS thread (a negative one waits until an event or `destroy()`). For
   * `EVENT_RECEIVE` the packet is queued on the peer (`getPacket`, `getPacketFlags`), `data` is 0
   * and `channel` the channel. `EVENT_ERROR` without a host.
   */
  service(): ENetServiceResult;
  service(timeout: 0): ENetServiceResult;
  service(timeout: number): ENetServiceResult | Promise<ENetServiceResult>;
  service(timeout = 0): ENetServiceResult | Promise<ENetServiceResult> {
    checkInteger(timeout, "timeout");
    if (timeout === 0 || !this.#native.isActive()) return this.#pass(true);
    return this.#driver.serviceWait(timeout);
  }

  /** Godot `flush`: sends what is queued now, without reading. */
  flush(): void {
    this.#native.flush();
  }

  /** Godot `bandwidth_limit`: bytes/s (0: unlimited). */
  bandwidthLimit(inBandwidth = 0, outBandwidth = 0): void {
    checkInteger(inBandwidth, "inBandwidth");
    checkInteger(outBandwidth, "outBandwidth");
    this.#native.bandwidthLimit(inBandwidth, outBandwidth);
  }

  /** Godot `channel_limit`: the most channels future connections get (0: 255). */
  channelLimit(limit: number): void {
    checkInteger(limit, "limit");
    this.#native.channelLimit(limit);
  }

  /**
   * Godot `broadcast`: queues `packet` for every connected peer on `channel` with `flags`
   * (`ENetPacketPeer.FLAG_*`). Ignored (Godot prints an error) without a host, for a channel
   * outside the host's channel limit, or unknown flags.
   */
  broadcast(channel: number, packet: Uint8Array, flags: number): void {
    checkInteger(channel, "channel");
    checkBytes(packet, "packet");
    checkInteger(flags, "flags");
    if (this.#native.broadcast(channel, packet, flags) === GodotError.OK) this.#driver.scheduleFlush();
  }

  /**
   * Godot `compress`: the compression of every datagram from now on; both ends must use the
   * same. Unknown modes change nothing.
   */
  compress(mode: ENetCompressionMode): void {
    checkInteger(mode, "mode");
    this.#native.compress(mode);
  }

  /**
   * Godot `dtls_server_setup`: from now on every peer talks to this host inside its own DTLS
   * session (call it right after creating the host, before anyone connects). The host's socket is
   * reopened on the same address and port; event mode follows it. Datagrams from a new address
   * that are not a DTLS handshake (a plain ENet client) are dropped and counted
   * (`stats().dtls.server.notClientHello`).
   *
   * `ERR_UNCONFIGURED` without a host, `ERR_INVALID_PARAMETER` for null or client options (as
   * Godot) or a key that does not match the certificate (Godot does not check), `FAILED` when DTLS
   * is set up already, `ERR_CANT_CREATE` when the port cannot be opened again (the host then
   * serves nothing), `ERR_UNAVAILABLE` in a build without DTLS.
   */
  dtlsServerSetup(serverOptions: TLSOptions | null): GodotError {
    checkTlsOptions(serverOptions, "serverOptions");
    if (!this.#native.isActive()) return GodotError.ERR_UNCONFIGURED;
    if (serverOptions === null || !serverOptions.isServer()) return GodotError.ERR_INVALID_PARAMETER;
    const setup = this.#native.dtlsServerSetup?.bind(this.#native);
    if (setup === undefined) return this.#unavailable();
    const key = serverOptions.getPrivateKey();
    const certificate = serverOptions.getOwnCertificate();
    if (key === null || certificate === null) return GodotError.ERR_INVALID_PARAMETER;
    const plain = this.#isPlain();
    return this.#afterSetup(plain, setup(nativeCryptoKey(key), nativeCertificate(certificate)));
  }

  /**
   * Godot `dtls_client_setup`: the connection this host makes runs inside a DTLS session with
   * its server, whose certificate is verified for `hostname` as `clientOptions` say (made with
   * `TLSOptions.client(...)` or `clientUnsafe(...)`). Call it after `createHost` and before or
   * right after `connectToHost`; the handshake starts with ENet's first datagram, so connecting
   * takes one ENet retransmission (~0.5-1 s) longer than plain. A failed handshake (wrong name,
   * untrusted certificate) fails that `service()` with `EVENT_ERROR`, as Godot
   * (`stats().dtls.lastFailureStatus` says why).
   *
   * Codes as `dtlsServerSetup`. `clientOptions` null (the default) means `TLSOptions.client()`
   * (the system's CA certificates), as Godot's docs promise; Godot's code returns
   * `ERR_INVALID_PARAMETER` for it, so its documented default can never work there.
   */
  dtlsClientSetup(hostname: string, clientOptions: TLSOptions | null = null): GodotError {
    checkString(hostname, "hostname");
    checkTlsOptions(clientOptions, "clientOptions");
    if (!this.#native.isActive()) return GodotError.ERR_UNCONFIGURED;
    const options = clientOptions ?? TLSOptions.client();
    if (options.isServer()) return GodotError.ERR_INVALID_PARAMETER;
    const setup = this.#native.dtlsClientSetup?.bind(this.#native);
    if (setup === undefined) return this.#unavailable();
    const chain = options.getTrustedCaChain();
    const plain = this.#isPlain();
    return this.#afterSetup(
      plain,
      setup(
        hostname,
        options.getCommonNameOverride(),
        options.isUnsafeClient(),
        chain === null ? null : nativeCertificate(chain),
      ),
    );
  }

  /**
   * Godot `refuse_new_connections`: a DTLS server (`dtlsServerSetup`) takes no new client while
   * `refuse` is true (their datagrams are dropped and counted in `stats().dtls.datagramsRefused`);
   * connected peers go on. As in Godot it changes nothing for a plain host (the setting is kept and
   * applies to a DTLS server set up later). Ignored without a host.
   */
  refuseNewConnections(refuse: boolean): void {
    checkBoolean(refuse, "refuse");
    this.#native.refuseNewConnections(refuse);
  }

  /**
   * Godot `pop_statistic` (`HOST_*`): the total since the last pop of that statistic (or since
   * the host was made), then resets it. Sent/received data are bytes of ENet datagrams (after
   * compression), packets are datagrams. 0 without a host or for another number.
   */
  popStatistic(statistic: ENetHostStatistic): number {
    checkInteger(statistic, "statistic");
    return this.#native.popStatistic(statistic);
  }

  /** Godot `get_max_channels`: the channel limit (0 without a host). */
  getMaxChannels(): number {
    return this.#native.getMaxChannels();
  }

  /** Godot `get_local_port` (0 without a host). */
  getLocalPort(): number {
    return this.#native.getLocalPort();
  }

  /**
   * Godot `get_peers`: the peers with an ENetPacketPeer, including ones still connecting or
   * disconnecting (and ones made inactive since the last service). Empty without a host.
   */
  getPeers(): ENetPacketPeer[] {
    return this.#native.isActive() ? [...this.#peers] : [];
  }

  /**
   * Godot `socket_send`: one raw datagram from the host's socket (outside ENet), e.g. to open a
   * NAT mapping. Ignored (Godot prints an error) without a host, for a port outside 1..65535 or
   * an address that does not resolve.
   */
  socketSend(destinationAddress: string, destinationPort: number, packet: Uint8Array): void {
    checkString(destinationAddress, "destinationAddress");
    checkInteger(destinationPort, "destinationPort");
    checkBytes(packet, "packet");
    this.#native.socketSend(destinationAddress, destinationPort, packet);
  }

  // ---------------------------------------------------------------------------------------------
  // Node layer (see EnetDriver)

  /**
   * The host's traffic and drop counters (cumulative; zeros without a host), and with DTLS set up
   * the DTLS layer's (`dtls`, else null).
   */
  stats(): ENetConnectionStats {
    return { ...this.#native.counters(), dtls: this.#native.dtlsCounters?.() ?? null };
  }

  /** Whether a host exists (created and not destroyed). */
  get active(): boolean {
    return this.#native.isActive();
  }

  /** Events as they happen, serviced automatically; ends at `destroy()`. */
  [Symbol.asyncIterator](): AsyncIterator<ENetConnectionEvent> {
    return this.#driver.iterator();
  }

  /** Event mode keeps the process alive while listened to (the default). */
  ref(): this {
    this.#driver.ref();
    return this;
  }

  /** Event mode never keeps the process alive (until `ref()`). */
  unref(): this {
    this.#driver.unref();
    return this;
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * One ENet pass, Godot's `_service(0)`: inactive peers leave the list first, then the event
   * is parsed. `queueOnPeer`: a received packet is queued on its peer (Godot); otherwise the
   * caller takes it from the result's fifth element.
   */
  #pass(queueOnPeer: boolean): ENetServiceResult {
    if (this.#gone.length > 0) this.#dropGone();
    const packet = this.#native.service(this.#out);
    const out = this.#out;
    const type = out[0]!;
    if (type <= NONE) return [type as ENetEventType, null, 0, 0];
    const handle = out[1]!;
    let peer = this.#byHandle.get(handle);
    if (peer === undefined) peer = this.#adopt(handle);
    if (type === DISCONNECT) {
      this.#byHandle.delete(handle);
      const at = this.#peers.indexOf(peer);
      if (at !== -1) this.#peers.splice(at, 1);
      return [ENetEventType.EVENT_DISCONNECT, peer, out[2]!, 0];
    }
    if (type === CONNECT) return [ENetEventType.EVENT_CONNECT, peer, out[2]!, 0];
    if (type === RECEIVE && packet !== null) {
      const result: ENetServiceResult = [ENetEventType.EVENT_RECEIVE, peer, 0, out[3]!];
      if (queueOnPeer) peerInternals.queue(peer, packet, out[4]!);
      else {
        this.#lastPacket = packet;
        this.#lastFlags = out[4]!;
      }
      return result;
    }
    return [ENetEventType.EVENT_ERROR, null, 0, 0];
  }

  #isPlain(): boolean {
    return this.#native.dtlsCounters?.() == null;
  }

  /** A setup on a plain host replaced its socket (DTLS is on now): event mode follows. */
  #afterSetup(wasPlain: boolean, code: number): GodotError {
    if (wasPlain && !this.#isPlain()) this.#driver.socketReplaced();
    return code as GodotError;
  }

  #unavailable(): GodotError {
    return (this.#native.dtlsUnavailable?.() ?? GodotError.ERR_UNAVAILABLE) as GodotError;
  }

  #adopt(handle: number): ENetPacketPeer {
    const peer = peerInternals.create(this.#native, handle, this.#link);
    this.#byHandle.set(handle, peer);
    this.#peers.push(peer);
    return peer;
  }

  #dropGone(): void {
    for (const peer of this.#gone) {
      const at = this.#peers.indexOf(peer);
      if (at !== -1) this.#peers.splice(at, 1);
      this.#byHandle.delete(peerInternals.handle(peer));
    }
    this.#gone = [];
  }
}

function checkLimits(maxPeers: number, maxChannels: number, inBandwidth: number, outBandwidth: number): void {
  checkInteger(maxPeers, "maxPeers");
  checkInteger(maxChannels, "maxChannels");
  checkInteger(inBandwidth, "inBandwidth");
  checkInteger(outBandwidth, "outBandwidth");
}

function checkTlsOptions(value: unknown, name: string): asserts value is TLSOptions | null {
  if (value !== null && !(value instanceof TLSOptions)) throw new TypeError(`${name} must be a TLSOptions or null`);
}

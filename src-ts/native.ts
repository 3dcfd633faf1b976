/**
 * Private: loads the N-API addon and states the surface the facade relies on.
 *
 * The generated loader (`native/binding.cjs`, written by `napi build`) is never exported; the
 * public API is the facade. `NativeBinding` below is the contract between the Rust binding
 * (`src/*.rs`) and the facade (`src-ts/*.ts`): the generated `native/binding.d.ts` must satisfy it,
 * which `tsc --noEmit` checks in `src-ts/native-contract-check.ts`.
 *
 * Conventions: every `number` result of a Godot method is a `GodotError` code; ports and sizes are
 * JS numbers (the binding takes them as i64/f64 so out-of-range values reach Godot's range checks
 * instead of failing conversion); the facade validates JS argument types before calling in.
 */

/** Traffic counters of one socket (a peer's own socket, or a server's shared socket). */
export interface NativeStats {
  packetsReceived: number;
  bytesReceived: number;
  packetsSent: number;
  bytesSent: number;
  /** Datagrams read from the OS but refused by the bounded queue (Godot drops these silently). */
  packetsDropped: number;
  bytesDropped: number;
  /**
   * Dropped by the OS before they could be read, mostly because the socket's receive buffer
   * (SO_RCVBUF) was full: Linux's per-socket count (read with SO_MEMINFO when the stats are
   * read), 0 on other platforms. Counts kernel buffers: one per datagram, except that a GSO batch
   * coalesced by UDP_GRO is dropped and counted as one. 0 for a server peer: its server's stats
   * have the shared socket's count.
   */
  osDropped: number;
}

/**
 * Metadata layout written by `takePackets`: `META_WORDS` u32 per packet:
 * `[offset, length, port, family (4 or 6), a0, a1, a2, a3]` where a0..a3 are the 16 address bytes
 * (IPv4 as ::ffff:a.b.c.d mapped form) read as big-endian u32 words; for family 4, a3 is the IPv4
 * address.
 */
export const META_WORDS = 8;

export interface NativePeer {
  /**
   * Godot `bind`; `reusePort` sets SO_REUSEPORT and `osRecvBufSize` (optional, added later:
   * omitted or undefined leaves the OS default) sets SO_RCVBUF, both extensions Godot never
   * sets. `osRecvBufSize` outside 1..2147483647 gives ERR_INVALID_PARAMETER, after Godot's checks.
   */
  bind(
    port: number,
    bindAddress: string,
    recvBufSize: number,
    reusePort: boolean,
    osRecvBufSize?: number,
  ): number;
  /** Godot `close`: idempotent; settles pending waits with ERR_UNCONFIGURED and stops watching. */
  close(): void;
  connectToHost(host: string, port: number): number;
  /**
   * IP literals are parsed; anything else is resolved with the OS resolver (blocking, as Godot). A
   * port outside 0..65535 is ERR_INVALID_PARAMETER before any lookup (Godot wraps it).
   */
  setDestAddress(host: string, port: number): number;
  /** Empty data: OK, nothing sent (Godot). Would-block: waits for writability, then retries. */
  putPacket(data: Uint8Array): number;
  /**
   * The hot-path methods (`NativePeerEntries`) as functions of their own, through hand-written
   * N-API entries without napi-rs's per-call glue (src/entries.rs); `withEntries` installs them
   * when one is first called. Made once per peer; they keep the engine peer alive, not its socket
   * open.
   */
  entries(): object;
  /** Sends every buffer as its own datagram to the destination (sendmmsg / UDP GSO). */
  putPackets(packets: Uint8Array[]): number;
  /**
   * Drains the OS socket into the queue first (not for server peers); -1 when not open or on a
   * read error. `release` (optional, default 0): lent packets (see `lendPackets`) the caller has
   * consumed since, popped before the drain so that it sees the free space Godot's queue would.
   */
  getAvailablePacketCount(release?: number): number;
  /**
   * The next queued packet, or null on failure (then getPacketError() tells why). `release`: as
   * getAvailablePacketCount. `drainedNow` (optional, default false): the caller drained this
   * socket a moment ago (a count in the same run of code), so a queued packet is served without
   * draining again, even on a connected socket.
   */
  getPacket(release?: number, drainedNow?: boolean): Buffer | null;
  getPacketError(): number;
  getPacketIp(): string;
  getPacketPort(): number;
  /**
   * Batch receive: drains the OS socket, then moves as many queued packets as fit into `data`
   * (payloads back to back) and `meta` (META_WORDS u32 per packet). `data` must hold at least
   * 65536 bytes so any datagram fits. Updates getPacketIp/getPacketPort to the last packet taken
   * and sets the packet error like getPacket. Returns the number of packets, or -1 where
   * getAvailablePacketCount would (socket not open, read error). `rearmIfEmptied` (optional):
   * when packets were taken and the queue is empty afterwards, re-arm the watch as `rearm()` does
   * (the event path's next step anyway, without a second native call).
   */
  takePackets(data: Uint8Array, meta: Uint32Array, release?: number, rearmIfEmptied?: boolean): number;
  /**
   * Lent batch receive: first pops the `release` oldest lent packets (handed out by an earlier
   * lendPackets and consumed by the caller since; their queue space frees only now), then works
   * as takePackets (same drain rule, layout, limits and packet error) except that the packets
   * copied stay queued, lent, keeping their space in Godot's accounting until released by the
   * `release` argument of a later call. Does not change getPacketIp/getPacketPort (releasing
   * does: to the last packet released). Only lent packets are ever released: close, a connect
   * and a detached server peer end every loan. `drainedNow` (optional, default false): as
   * getPacket's, a connected socket's queued packets are lent without a second drain.
   */
  lendPackets(data: Uint8Array, meta: Uint32Array, release: number, drainedNow?: boolean): number;
  /**
   * getAvailablePacketCount and lendPackets in one call, for a count the caller reads right
   * after: pops the `release` consumed lent packets, drains the OS socket exactly as the count
   * does (so a connected socket's ICMP error makes it -1, as it makes the count -1), then lends
   * what is queued, as far as the views hold, without draining again. Returns the number lent
   * (the count itself when the views held the whole queue), or -1 as the count. Leaves
   * getPacketError/getPacketIp/getPacketPort as a count does (releasing sets the last two).
   */
  countAndLend(data: Uint8Array, meta: Uint32Array, release: number): number;
  /** Packets queued now, lent ones included, without draining the OS socket (unlike the count). */
  queuedCount(): number;
  /** Pops up to `n` lent packets (see lendPackets). */
  releaseLent(n: number): void;
  getLocalPort(): number;
  /** SO_RCVBUF as the OS reports it (Linux: twice the request); a server peer: its server's. 0 when not open. */
  getOsRecvBufSize(): number;
  isBound(): boolean;
  isSocketConnected(): boolean;
  setBroadcastEnabled(enabled: boolean): void;
  joinMulticastGroup(group: string, interfaceName: string): number;
  leaveMulticastGroup(group: string, interfaceName: string): number;
  /** Extensions Godot lacks: outgoing multicast interface (by name), loopback and TTL/hops. */
  setMulticastInterface(interfaceName: string): number;
  setMulticastLoopback(enabled: boolean): number;
  setMulticastTtl(ttl: number): number;
  /**
   * Godot `wait`, off the JS thread (tokio reactor, not libuv's pool): resolves OK when the OS
   * socket is readable, FAILED on a socket error, ERR_UNCONFIGURED when not open or when closed
   * while waiting, ERR_TIMEOUT after `timeoutMs` (negative: no timeout), ERR_SKIP when cancelled
   * with `cancelWait(waitId)`. Never rejects.
   */
  wait(timeoutMs: number, waitId: number): Promise<number>;
  cancelWait(waitId: number): void;
  /**
   * Godot's blocking `wait` on the calling thread; `timeoutMs` negative = forever. The engine
   * polls in slices of at most 50 ms and calls `stillRunning` (a JS no-op) after each idle one: a
   * call that fails (V8 is terminating this thread: `worker.terminate()`, or `process.exit()`
   * ending the workers) ends the wait with ERR_SKIP, which no JS code then sees.
   */
  waitSync(timeoutMs: number, stillRunning?: () => void): number;
  /**
   * Event mode: calls `onReadable(status)` on the JS thread once the socket is readable (OK) or
   * failed (FAILED), then waits for `rearm()` before watching again (re-armed while data is still
   * waiting, it calls again at once). `close()` ends watching with one last call carrying
   * ERR_UNCONFIGURED, made asynchronously (never from inside `close()`). Server peers cannot
   * watch (their server does). Implemented with a libuv poll handle on Node's own loop. A
   * callback that returns `true` is re-armed right after it (as if it had called `rearm()`).
   */
  watch(onReadable: (status: number) => unknown): number;
  rearm(): void;
  unwatch(): void;
  /** Whether an active watch keeps the Node process alive (default: it does). */
  ref(): void;
  unref(): void;
  stats(): NativeStats;
  /** For peers taken from a NativeServer: its id there (see takeDirtyPeerIds); otherwise -1. */
  serverPeerId(): number;
}

export interface NativeServer {
  /** Godot `listen` plus SO_REUSEPORT and optional SO_RCVBUF (as `NativePeer.bind`). */
  listen(port: number, bindAddress: string, reusePort: boolean, osRecvBufSize?: number): number;
  /** SO_RCVBUF of the listening socket as the OS reports it; 0 when not listening. */
  getOsRecvBufSize(): number;
  poll(): number;
  isConnectionAvailable(): boolean;
  takeConnection(): NativePeer | null;
  getLocalPort(): number;
  isListening(): boolean;
  stop(): void;
  /** Negative: unchanged. Lowering trims pending peers from the newest end (Godot's bug fixed). */
  setMaxPendingConnections(max: number): void;
  getMaxPendingConnections(): number;
  pendingCount(): number;
  peerCount(): number;
  /** Ids of taken peers that were routed at least one packet since the last call. */
  takeDirtyPeerIds(): number[];
  watch(onReadable: (status: number) => void): number;
  rearm(): void;
  unwatch(): void;
  ref(): void;
  unref(): void;
  stats(): NativeStats;
}

/** Godot's CryptoKey (crates/dtls `CryptoKey`). */
export interface NativeCryptoKey {
  generateRsa(bits: number): boolean;
  loadFromString(text: string, publicOnly: boolean): number;
  saveToString(publicOnly: boolean): string | null;
  isPublicOnly(): boolean;
  isEmpty(): boolean;
}

/** Godot's X509Certificate: a chain (crates/dtls `X509Certificate`). */
export interface NativeX509Certificate {
  loadFromString(text: string): number;
  saveToString(): string;
  count(): number;
}

export interface NativeDtlsStats {
  datagramsReceived: number;
  datagramsDiscarded: number;
  datagramsSent: number;
  packetsReceived: number;
  packetsDropped: number;
  packetsSent: number;
  retransmissions: number;
}

export interface NativeDtlsServerStats {
  connectionsTaken: number;
  cookiesSent: number;
  notClientHello: number;
  handshakesStarted: number;
  handshakesCompleted: number;
  handshakesFailed: number;
  handshakesTimedOut: number;
}

/**
 * Godot's PacketPeerDTLS session (crates/dtls `PacketPeerDtls`). Every call that may receive or
 * send takes the native UDP peer the session runs over.
 */
export interface NativeDtlsPeer {
  connectToPeer(
    udp: NativePeer,
    hostname: string,
    commonNameOverride: string,
    unsafeClient: boolean,
    trusted?: NativeX509Certificate | null,
  ): number;
  /** Returns the status after polling. */
  poll(udp: NativePeer): number;
  /** One datagram taken from the UDP peer's events; returns the status after it. */
  receive(udp: NativePeer, datagram: Uint8Array): number;
  getStatus(): number;
  putPacket(udp: NativePeer, data: Uint8Array): number;
  /** The next packet (empty when none is queued), or null when not connected. */
  getPacket(): Buffer | null;
  getAvailablePacketCount(): number;
  /** Every queued packet, oldest first; answers a close_notify that waited for them. */
  takeAll(udp: NativePeer): Buffer[];
  disconnectFromPeer(udp: NativePeer): void;
  dropSession(): void;
  /** Milliseconds until poll() has timer work; -1 when none. */
  nextTimeout(): number;
  setHandshakeTimeout(ms: number): void;
  stats(): NativeDtlsStats;
}

export interface NativeDtlsServer {
  setup(key: NativeCryptoKey, certificate: NativeX509Certificate): number;
  stop(): void;
  takeConnection(udp: NativePeer, session: NativeDtlsPeer): number;
  stats(): NativeDtlsServerStats;
}

/** A host's traffic and drop counters (crates/enet `HostCounters`), cumulative. */
export interface NativeEnetCounters {
  datagramsReceived: number;
  bytesReceived: number;
  datagramsSent: number;
  bytesSent: number;
  /** Refused by the full receive queue between the socket and ENet. */
  datagramsDropped: number;
  bytesDropped: number;
  /** Dropped by the kernel (Linux: the socket's count, read with SO_MEMINFO; 0 elsewhere). */
  osDropped: number;
  /** Longer than ENet's 4096-byte maximum. */
  oversized: number;
  /** Handed to ENet and refused by it (garbage, unknown peers, bad commands, failed decompression). */
  rejected: number;
  sendWouldBlock: number;
  sendErrors: number;
}

/** crates/enet `DtlsCounters`: ENet over DTLS, cumulative. */
export interface NativeEnetDtlsCounters {
  /** Server: the DTLSServer's handshake counters (`notClientHello`: e.g. plain ENet CONNECTs). */
  server?: NativeDtlsServerStats | null;
  /** Server: datagrams dropped from new addresses while refusing, or for a full session queue. */
  datagramsRefused: number;
  /** Sessions now (server: handshaking or connected; client: 0 or 1). */
  sessions: number;
  /** Server: handshakes dropped because `maxPeers` sessions existed. */
  sessionsRefused: number;
  /** Server: sessions no ENet peer took within 8 s. */
  sessionsTimedOut: number;
  /** Sessions that ended (closed by the peer, failed, or their ENet peer went away). */
  sessionsClosed: number;
  /** Client: failed handshakes (each failed one `service`, EVENT_ERROR). */
  handshakesFailed: number;
  /** Client: the PacketPeerDTLS status the last failed session ended in (3 error, 4 hostname mismatch). */
  lastFailureStatus: number;
  /** ENet datagrams dropped for want of a connected session. */
  sendsWithoutSession: number;
  /** ENet datagrams dropped while the session was handshaking (ENet resends reliable ones). */
  sendsWhileHandshaking: number;
  sendFailures: number;
  /** Records DTLS discarded in sessions (garbage, replays). */
  recordsDiscarded: number;
}

/** Numbers `NativeEnetHost.service` writes per event: `[type, handle, data, channel, flags, isNew]`. */
export const ENET_EVENT_WORDS = 6;

/**
 * Godot's ENetConnection over crates/enet `EnetHost`, with ENetPacketPeer's operations addressed
 * by peer handle. A handle (>= 0) names one attachment of a JS peer to an ENet peer slot; once the
 * peer is gone (DISCONNECT event, `peerDisconnect(.., 2)`, `peerReset`, `destroy`) it is stale for
 * good, even when ENet reuses the slot: peer calls on it return ERR_UNCONFIGURED / 0 / "".
 */
export interface NativeEnetHost {
  /** Godot `create_host_bound` with its checks and codes (ERR_ALREADY_IN_USE when a host exists). */
  createHostBound(
    bindAddress: string,
    port: number,
    maxPeers: number,
    maxChannels: number,
    inBandwidth: number,
    outBandwidth: number,
  ): number;
  createHost(maxPeers: number, maxChannels: number, inBandwidth: number, outBandwidth: number): number;
  isActive(): boolean;
  /** Idempotent; every handle goes stale; a watch ends with one last asynchronous ERR_UNCONFIGURED call. */
  destroy(): void;
  /** Godot `connect_to_host` without its "already has peers" check: the new handle, or -1. */
  connectToHost(address: string, port: number, channels: number, data: number): number;
  /**
   * One ENet pass that never blocks (`service(0)`). Writes ENET_EVENT_WORDS numbers into `out`:
   * the Godot event type (-1 ERROR, 0 NONE, 1 CONNECT, 2 DISCONNECT, 3 RECEIVE), the peer handle
   * (-1 for none), the event data (CONNECT/DISCONNECT), the channel and packet flags (RECEIVE),
   * and 1 when the handle was attached by this event (an incoming connection). Returns the
   * received packet for RECEIVE, else null. A DISCONNECT makes its handle stale.
   */
  service(out: Float64Array): Buffer | null;
  /** Datagrams read from the OS not yet handed to ENet: `service` has work without readability. */
  queuedDatagrams(): number;
  flush(): void;
  /** Godot's `CompressionMode` number; others change nothing. */
  compress(mode: number): void;
  bandwidthLimit(inBandwidth: number, outBandwidth: number): void;
  channelLimit(limit: number): void;
  /** OK, or the code of the check Godot fails with an error message (the facade returns void). */
  broadcast(channel: number, packet: Uint8Array, flags: number): number;
  popStatistic(statistic: number): number;
  getMaxChannels(): number;
  getLocalPort(): number;
  /** OK, ERR_UNCONFIGURED, ERR_INVALID_PARAMETER (port, address) or FAILED (not sent). */
  socketSend(address: string, port: number, packet: Uint8Array): number;
  /**
   * Godot `dtls_server_setup` (the facade checks the option kind): OK, ERR_UNCONFIGURED (no host),
   * FAILED (DTLS set up already), ERR_INVALID_PARAMETER (key and certificate do not match),
   * ERR_CANT_CREATE (the port could not be opened again). The host's socket is replaced: the watch
   * ended without a last call (watch again). Absent in a build without DTLS (`dtlsUnavailable`).
   */
  dtlsServerSetup?(key: NativeCryptoKey, certificate: NativeX509Certificate): number;
  /** Godot `dtls_client_setup`, with the client options' fields; as `dtlsServerSetup`. */
  dtlsClientSetup?(
    hostname: string,
    commonNameOverride: string,
    unsafeClient: boolean,
    trusted?: NativeX509Certificate | null,
  ): number;
  /** The DTLS layer's counters; null while the host is plain. Absent without DTLS. */
  dtlsCounters?(): NativeEnetDtlsCounters | null;
  /** A build without DTLS: ERR_UNCONFIGURED without a host, else ERR_UNAVAILABLE. */
  dtlsUnavailable?(): number;
  /** Godot `refuse_new_connections`: a DTLS server takes no new address; kept by a plain host. */
  refuseNewConnections(refuse: boolean): void;
  isRefusingNewConnections(): boolean;
  counters(): NativeEnetCounters;
  peerIsActive(handle: number): boolean;
  /** Godot `ENetPacketPeer.send` (`_send`): OK, ERR_UNCONFIGURED, ERR_INVALID_PARAMETER or FAILED. */
  peerSend(handle: number, channel: number, packet: Uint8Array, flags: number): number;
  /** `mode` 0 `peer_disconnect`, 1 `peer_disconnect_later`, 2 `peer_disconnect_now` (stale after). */
  peerDisconnect(handle: number, data: number, mode: number): number;
  /** Stale after. */
  peerReset(handle: number): number;
  peerPing(handle: number): number;
  peerPingInterval(handle: number, ms: number): number;
  /** ERR_INVALID_PARAMETER unless limit <= min <= max. */
  peerSetTimeout(handle: number, limit: number, min: number, max: number): number;
  peerThrottleConfigure(handle: number, interval: number, acceleration: number, deceleration: number): number;
  peerAddress(handle: number): string;
  peerPort(handle: number): number;
  peerState(handle: number): number;
  peerChannels(handle: number): number;
  peerStatistic(handle: number, statistic: number): number;
  /** Event mode on the host's socket, as `NativePeer.watch`. */
  watch(onReadable: (status: number) => unknown): number;
  rearm(): void;
  unwatch(): void;
  ref(): void;
  unref(): void;
}

/** The methods a peer also has as hand-written entries: same names, arguments and results. */
export type NativePeerEntries = Pick<
  NativePeer,
  "putPacket" | "takePackets" | "lendPackets" | "countAndLend" | "getAvailablePacketCount"
>;

const ENTRY_NAMES = [
  "putPacket",
  "takePackets",
  "lendPackets",
  "countAndLend",
  "getAvailablePacketCount",
] as const satisfies ReadonlyArray<keyof NativePeerEntries>;

/**
 * Stand-ins for a peer's entries until one is first called: it installs them all and forwards.
 * Making the entries costs about ten times making the peer (five functions, each with a
 * finalizer), and many peers never call one: a UDPServer peer whose DTLS attempt ended at the
 * cookie (read natively) is one per ClientHello of a flood.
 */
const LAZY_ENTRIES: Record<string, (this: NativePeer, ...args: unknown[]) => unknown> = Object.fromEntries(
  ENTRY_NAMES.map((name) => [
    name,
    function (this: NativePeer, ...args: unknown[]): unknown {
      const entries = Object.assign(this, this.entries() as NativePeerEntries) as unknown as Record<
        string,
        (...a: unknown[]) => unknown
      >;
      return entries[name]!(...args);
    },
  ]),
);

/**
 * `peer`, its hot-path methods replaced by its hand-written entries (made on first use): own
 * properties of the same names shadow the generated methods (which stay the reference for the
 * contract). Anything but the documented arguments throws a TypeError.
 */
export function withEntries(peer: NativePeer): NativePeer {
  return Object.assign(peer, LAZY_ENTRIES);
}

export interface NativeBinding {
  NativePeer: new () => NativePeer;
  NativeServer: new () => NativeServer;
  NativeCryptoKey: {
    new (): NativeCryptoKey;
    /** A new RSA key made on libuv's thread pool; null for a size OpenSSL refuses. */
    generateRsaAsync(bits: number): Promise<NativeCryptoKey | null>;
  };
  NativeX509Certificate: {
    new (): NativeX509Certificate;
    selfSigned(
      key: NativeCryptoKey,
      issuerName: string,
      notBefore: string,
      notAfter: string,
    ): NativeX509Certificate | number;
  };
  NativeDtlsPeer: new () => NativeDtlsPeer;
  NativeDtlsServer: new () => NativeDtlsServer;
  NativeEnetHost: new () => NativeEnetHost;
}

/**
 * The platforms a prebuilt addon is published for, named as napi-rs names them (the optional
 * dependency `godot-udp-<name>`); `napi.targets` in package.json lists the same 8 as Rust targets.
 */
const SUPPORTED = [
  "linux-x64-gnu",
  "linux-arm64-gnu",
  "linux-x64-musl",
  "linux-arm64-musl",
  "darwin-x64",
  "darwin-arm64",
  "win32-x64-msvc",
  "win32-arm64-msvc",
];

/** This machine in napi-rs's naming: `<platform>-<arch>`, plus the C library on Linux and Windows. */
function platformName(): string {
  const { platform, arch } = process;
  if (platform === "linux") {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } };
    return `${platform}-${arch}-${report?.header?.glibcVersionRuntime ? "gnu" : "musl"}`;
  }
  if (platform === "win32") return `${platform}-${arch}-msvc`;
  return `${platform}-${arch}`;
}

function loadBinding(): NativeBinding {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("../native/binding.cjs") as NativeBinding;
  } catch (cause) {
    const platform = platformName();
    const ours = SUPPORTED.includes(platform)
      ? `${platform} is one of them: reinstall without --no-optional / --omit=optional so that ` +
        `godot-udp-${platform} is installed (the cause below tells what failed), or `
      : `On any other platform, `;
    throw new Error(
      `godot-udp: no native addon could be loaded for ${platform}. Prebuilt binaries exist for: ` +
        `${SUPPORTED.join(", ")} (each the optional dependency godot-udp-<platform>, which npm ` +
        `installs on matching machines). ${ours}build from source: clone the repository, install ` +
        `Rust (https://rustup.rs) and a C compiler, and run \`npm install\` there (it builds the ` +
        `addon for this machine).`,
      { cause },
    );
  }
}

/** The loaded addon (loaded once, on first import of the package). */
export const native: NativeBinding = loadBinding();

/**
 * Godot's `PacketPeerDTLS`: a DTLS 1.2 session over a `PacketPeerUDP`, as a `PacketPeer`
 * (putPacket/getPacket, putVar/getVar). The handshake, records and retransmissions run natively
 * (OpenSSL); each `poll()` is one native call that reads what the UDP peer queued.
 *
 * Two ways to drive it:
 * - Godot's: call `poll()` regularly, then read while `getAvailablePacketCount() > 0`.
 * - Events: while a `'packet'` or `'status'` listener is attached or a `for await` loop runs, the
 *   session takes its UDP peer's datagrams as they arrive (through the UDP peer's own events) and
 *   runs its retransmission timer itself; no `poll()` needed. A session taken from a DTLSServer
 *   gets its datagrams when its UDPServer routes them: keep that server in event mode too (a
 *   `'connection'` listener or `for await`), or call its `poll()`.
 */
import { GodotError } from "../errors.js";
import { ListenerDemand } from "../listener-demand.js";
import { native, type NativeDtlsPeer, type NativeDtlsServer, type NativePeer } from "../native.js";
import { PacketPeer, type TakenPacket } from "../packet-peer.js";
import { PacketPeerUDP, nativePeerOf } from "../packet-peer-udp.js";
import { checkBytes, checkInteger, checkString } from "../validate.js";
import { TLSOptions } from "./tls-options.js";
import { nativeCertificate } from "./x509-certificate.js";

/** Godot's `PacketPeerDTLS.Status`. */
export enum DTLSStatus {
  STATUS_DISCONNECTED = 0,
  STATUS_HANDSHAKING = 1,
  STATUS_CONNECTED = 2,
  STATUS_ERROR = 3,
  STATUS_ERROR_HOSTNAME_MISMATCH = 4,
}

export interface PacketPeerDTLSEvents {
  /** One per decrypted packet, in order. */
  packet: [data: Buffer];
  /** The status changed (handshake done, an error, a disconnect). */
  status: [status: DTLSStatus];
  /** The session ended (disconnected or failed) after it had started. */
  close: [];
}

/** A session's counters. */
export interface PacketPeerDTLSStats {
  /** Datagrams the session took from its UDP peer. */
  datagramsReceived: number;
  /**
   * Datagrams that carried neither data nor handshake progress (garbage, truncated, replayed or
   * duplicated records): DTLS discards them without an alert.
   */
  datagramsDiscarded: number;
  /** Datagrams sent: handshake flights, retransmissions, records, alerts. */
  datagramsSent: number;
  /** Decrypted packets queued for `getPacket`. */
  packetsReceived: number;
  /** Decrypted packets dropped because 1,024 were queued unread (events never drop). */
  packetsDropped: number;
  /** Packets encrypted and sent by `putPacket`. */
  packetsSent: number;
  /** Handshake flights sent again because the peer did not answer in time. */
  retransmissions: number;
}

/** Godot's default for an unanswered handshake is mbedTLS's 60 s maximum timeout. */
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 60_000;

const EMPTY = Buffer.alloc(0);

function isActive(status: number): boolean {
  return status === DTLSStatus.STATUS_HANDSHAKING || status === DTLSStatus.STATUS_CONNECTED;
}

// Set by the class's static block: DTLSServer's take_connection on a new session.
let acceptImpl: (
  session: PacketPeerDTLS,
  server: NativeDtlsServer,
  udp: PacketPeerUDP,
  handshakeTimeoutMs: number,
) => void;

export class PacketPeerDTLS
  extends PacketPeer<PacketPeerDTLSEvents>
  implements AsyncIterable<Buffer>
{
  static readonly STATUS_DISCONNECTED = DTLSStatus.STATUS_DISCONNECTED;
  static readonly STATUS_HANDSHAKING = DTLSStatus.STATUS_HANDSHAKING;
  static readonly STATUS_CONNECTED = DTLSStatus.STATUS_CONNECTED;
  static readonly STATUS_ERROR = DTLSStatus.STATUS_ERROR;
  static readonly STATUS_ERROR_HOSTNAME_MISMATCH = DTLSStatus.STATUS_ERROR_HOSTNAME_MISMATCH;

  readonly #native: NativeDtlsPeer = new native.NativeDtlsPeer();
  #udp: PacketPeerUDP | null = null;
  #udpNative: NativePeer | null = null;
  /** Taken by a DTLSServer: the UDP peer is the session's and closes when it ends. */
  #ownsUdp = false;
  #status: DTLSStatus = DTLSStatus.STATUS_DISCONNECTED;
  #lastGetError: GodotError = GodotError.OK;
  #handshakeTimeoutMs = DEFAULT_HANDSHAKE_TIMEOUT_MS;

  // Node layer.
  /**
   * Packets taken from the native queue in one call for 'packet' listeners and not handed out
   * yet (the last listener left mid-batch): getPacket and iterators serve them first.
   */
  #held: Buffer[] = [];
  /** Listening to the UDP peer's datagrams. */
  #attached: PacketPeerUDP | null = null;
  #timer: NodeJS.Timeout | undefined;
  #iterators = 0;
  #waiters: Array<() => void> = [];
  #delivering = false;
  readonly #onDatagram = (data: Buffer): void => {
    if (this.#udpNative === null) return;
    this.#afterProgress(this.#native.receive(this.#udpNative, data) as DTLSStatus);
  };
  readonly #onUdpClose = (): void => this.poll();
  // Deferred: Node emits 'newListener' before the listener is counted.
  readonly #listeners = new ListenerDemand(this, ["packet", "status"], () =>
    queueMicrotask(() => this.#syncEvents()),
  );

  static {
    acceptImpl = (session, server, udp, handshakeTimeoutMs) => {
      session.#adopt(udp, true);
      session.#native.setHandshakeTimeout(handshakeTimeoutMs);
      session.#handshakeTimeoutMs = handshakeTimeoutMs;
      server.takeConnection(session.#udpNative!, session.#native);
      session.#afterProgress(session.#native.getStatus() as DTLSStatus);
    };
  }


  // ---------------------------------------------------------------------------------------------
  // Godot API

  /**
   * Godot `connect_to_peer`: starts a handshake with the server `packetPeer` is connected to
   * (`connectToHost` first, else `ERR_INVALID_PARAMETER`). `hostname` is sent as SNI and, unless
   * the options are unsafe, must match the server's certificate. `clientOptions` defaults to
   * `TLSOptions.client()`; server options: `ERR_INVALID_PARAMETER`. The status is then
   * `STATUS_HANDSHAKING`: `poll()` (or events) completes it.
   */
  connectToPeer(
    packetPeer: PacketPeerUDP,
    hostname: string,
    clientOptions: TLSOptions | null = null,
  ): GodotError {
    if (!(packetPeer instanceof PacketPeerUDP)) {
      throw new TypeError("packetPeer must be a PacketPeerUDP");
    }
    checkString(hostname, "hostname");
    if (clientOptions !== null && !(clientOptions instanceof TLSOptions)) {
      throw new TypeError("clientOptions must be a TLSOptions or null");
    }
    const options = clientOptions ?? TLSOptions.client();
    if (options.isServer()) return GodotError.ERR_INVALID_PARAMETER;
    if (!packetPeer.isSocketConnected()) return GodotError.ERR_INVALID_PARAMETER;
    this.#end();
    this.#adopt(packetPeer, false);
    const chain = options.getTrustedCaChain();
    const code = this.#native.connectToPeer(
      this.#udpNative!,
      hostname,
      options.getCommonNameOverride(),
      options.isUnsafeClient(),
      chain === null ? null : nativeCertificate(chain),
    ) as GodotError;
    this.#afterProgress(this.#native.getStatus() as DTLSStatus);
    return code;
  }

  /**
   * Godot `poll`: reads the datagrams the UDP peer queued (drain it first: Godot's UDPServer
   * peers need the server's `poll()`), advances the handshake, sends due retransmissions, and
   * ends the session on the peer's close_notify (after the packets sent before it are read).
   */
  poll(): void {
    if (this.#udpNative === null) return;
    this.#afterProgress(this.#native.poll(this.#udpNative) as DTLSStatus);
  }

  /** Godot `get_status`. */
  getStatus(): DTLSStatus {
    return this.#native.getStatus() as DTLSStatus;
  }

  /**
   * Godot `disconnect_from_peer`: a connected session sends close_notify; the status becomes
   * `STATUS_DISCONNECTED`. A session taken from a DTLSServer closes its UDP peer too.
   */
  disconnectFromPeer(): void {
    if (this.#udpNative === null) return;
    this.#native.disconnectFromPeer(this.#udpNative);
    this.#held = [];
    this.#afterProgress(this.#native.getStatus() as DTLSStatus);
  }

  /**
   * Godot `put_packet`: encrypts `data` as one DTLS record and sends it. `ERR_UNCONFIGURED`
   * unless connected; larger than 16384 bytes (what a record carries): `ERR_INVALID_PARAMETER`,
   * nothing sent, the session kept.
   */
  putPacket(data: Uint8Array): GodotError {
    checkBytes(data, "data");
    if (this.#udpNative === null) return GodotError.ERR_UNCONFIGURED;
    const code = this.#native.putPacket(this.#udpNative, data) as GodotError;
    if (code !== GodotError.OK) this.#afterProgress(this.#native.getStatus() as DTLSStatus);
    return code;
  }

  /**
   * Godot `get_packet`: the next decrypted packet. Not connected: empty, `getPacketError()` is
   * `ERR_UNCONFIGURED`; connected with nothing queued: empty with `OK`, as in Godot.
   */
  getPacket(): Buffer {
    const taken = this.#take();
    this.#lastGetError = taken.error;
    return taken.data === null ? EMPTY : Buffer.from(taken.data.buffer, taken.data.byteOffset, taken.data.byteLength);
  }

  /** Godot `get_available_packet_count`: decrypted packets queued; 0 unless connected. */
  getAvailablePacketCount(): number {
    return this.#held.length + this.#native.getAvailablePacketCount();
  }

  getPacketError(): GodotError {
    return this.#lastGetError;
  }

  /**
   * Extension: milliseconds a handshake may take before the session gives up with
   * `STATUS_ERROR` (default 60000, mbedTLS's maximum). Applies from the next `connectToPeer`.
   */
  get handshakeTimeout(): number {
    return this.#handshakeTimeoutMs;
  }

  set handshakeTimeout(ms: number) {
    checkInteger(ms, "handshakeTimeout");
    if (ms < 1) throw new RangeError(`handshakeTimeout must be at least 1 ms, got ${ms}`);
    this.#handshakeTimeoutMs = ms;
    this.#native.setHandshakeTimeout(ms);
  }

  /** The session's counters (reset by each new handshake). */
  stats(): PacketPeerDTLSStats {
    return { ...this.#native.stats() };
  }

  // ---------------------------------------------------------------------------------------------
  // Async iteration

  /**
   * `for await (const data of session)` yields decrypted packets in order and ends when the
   * session ends. While `'packet'` listeners exist they receive the packets instead.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> {
    let finished = false;
    this.#iterators++;
    this.#syncEvents();
    const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
    const finish = (): void => {
      if (finished) return;
      finished = true;
      this.#iterators--;
      this.#syncEvents();
    };
    const iterator: AsyncIterableIterator<Buffer> = {
      next: async (): Promise<IteratorResult<Buffer>> => {
        for (;;) {
          if (finished) return done;
          if (this.listenerCount("packet") === 0 && this.getAvailablePacketCount() > 0) {
            return { done: false, value: this.getPacket() };
          }
          if (!isActive(this.#status)) {
            finish();
            return done;
          }
          await new Promise<void>((resolve) => this.#waiters.push(resolve));
        }
      },
      return: async (): Promise<IteratorResult<Buffer>> => {
        finish();
        return done;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  override removeAllListeners(eventName?: unknown): this {
    if (eventName === undefined) super.removeAllListeners();
    else super.removeAllListeners(eventName as keyof PacketPeerDTLSEvents);
    // Removing every listener also removes the hooks that follow listeners.
    this.#listeners.install();
    this.#syncEvents();
    return this;
  }

  protected override takePacketForVar(): TakenPacket {
    return this.#take();
  }

  #take(): TakenPacket {
    const held = this.#held.shift();
    if (held !== undefined) return { error: GodotError.OK, data: held };
    const data = this.#native.getPacket();
    if (data === null) return { error: GodotError.ERR_UNCONFIGURED, data: null };
    return { error: GodotError.OK, data };
  }

  #adopt(udp: PacketPeerUDP, owns: boolean): void {
    this.#udp = udp;
    this.#udpNative = nativePeerOf(udp);
    this.#ownsUdp = owns;
  }

  /** Ends what an earlier connectToPeer started, before a new one. */
  #end(): void {
    if (this.#udpNative !== null) this.#native.disconnectFromPeer(this.#udpNative);
    else this.#native.dropSession();
    this.#held = [];
    this.#afterProgress(this.#native.getStatus() as DTLSStatus);
  }

  /**
   * After a native call that returned the session's `status`: status events, the end of a
   * session, delivery and the timer. No native call when nothing listens.
   */
  #afterProgress(status: DTLSStatus): void {
    const was = this.#status;
    if (status !== was) {
      this.#status = status;
      if (!isActive(status)) this.#finish();
      this.emit("status", status);
      if (isActive(was) && !isActive(status)) this.emit("close");
    }
    this.#syncEvents();
    this.#deliver();
    this.#armTimer();
  }

  /** The session ended: a server-taken UDP peer closes (its UDPServer forgets the address). */
  #finish(): void {
    const udp = this.#udp;
    const owned = this.#ownsUdp;
    this.#ownsUdp = false;
    this.#detach();
    if (owned && udp !== null) udp.close();
    this.#wakeWaiters();
  }

  #wantsEvents(): boolean {
    return (
      isActive(this.#status) &&
      this.#udp !== null &&
      (this.listenerCount("packet") > 0 || this.listenerCount("status") > 0 || this.#iterators > 0)
    );
  }

  /** Follows the UDP peer's datagrams while someone listens or iterates. */
  #syncEvents(): void {
    const want = this.#wantsEvents();
    if (want && this.#attached === null) {
      const udp = this.#udp!;
      this.#attached = udp;
      udp.on("packet", this.#onDatagram);
      udp.on("close", this.#onUdpClose);
      // Datagrams queued before listening.
      queueMicrotask(() => this.poll());
    } else if (!want) {
      this.#detach();
    }
    this.#armTimer();
  }

  #detach(): void {
    const udp = this.#attached;
    if (udp === null) return;
    this.#attached = null;
    udp.off("packet", this.#onDatagram);
    udp.off("close", this.#onUdpClose);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Handshake retransmissions and deadline while in event mode (Godot's poll() does it otherwise). */
  #armTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#attached === null || this.#status !== DTLSStatus.STATUS_HANDSHAKING) return;
    const ms = this.#native.nextTimeout();
    if (ms < 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.poll();
    }, Math.ceil(ms) + 1);
    // The UDP peer's watch keeps the process alive while listened to; the timer need not.
    this.#timer.unref();
  }

  /**
   * Hands queued packets to 'packet' listeners: one native call takes all of them (a close_notify
   * that waited for them is answered, hence the status check after a non-empty batch). Without
   * listeners, iterators are woken to pull.
   */
  #deliver(): void {
    if (this.listenerCount("packet") === 0) {
      if (this.#waiters.length > 0 && this.getAvailablePacketCount() > 0) this.#wakeWaiters();
      return;
    }
    if (this.#delivering || this.#udpNative === null) return;
    this.#delivering = true;
    try {
      if (this.#held.length === 0) {
        this.#held = this.#native.takeAll(this.#udpNative);
        if (this.#held.length === 0) return;
      } else {
        this.#held.push(...this.#native.takeAll(this.#udpNative));
      }
      while (this.#held.length > 0 && this.listenerCount("packet") > 0) {
        this.emit("packet", this.#held.shift()!);
      }
    } finally {
      this.#delivering = false;
    }
    if (this.#held.length > 0) this.#wakeWaiters();
    const status = this.#native.getStatus() as DTLSStatus;
    if (status !== this.#status) this.#afterProgress(status);
  }

  #wakeWaiters(): void {
    if (this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/** DTLSServer's take_connection into a new session. Internal to the package. */
export function acceptSession(
  session: PacketPeerDTLS,
  server: NativeDtlsServer,
  udp: PacketPeerUDP,
  handshakeTimeoutMs: number,
): void {
  acceptImpl(session, server, udp, handshakeTimeoutMs);
}

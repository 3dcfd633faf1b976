// The harness of the DTLS bad-input tests (issue 14; dtls-hostile.spec.ts and
// dtls-hostile-flood.spec.ts): identities, small tools, DTLS records as an attacker sees them,
// and the two ends (a server and a client, driven Godot's way or the Node way). Everything goes
// through the public API on 127.0.0.1.
import type { ExecutionContext } from "ava";
import dgram from "node:dgram";
import v8 from "node:v8";
import vm from "node:vm";
import {
  Crypto,
  DTLSServer,
  GodotError,
  PacketPeerDTLS,
  PacketPeerUDP,
  TLSOptions,
  UDPServer,
  type X509Certificate,
} from "../src-ts/index.js";
import { slowdown } from "./emulation.js";

export const { STATUS_HANDSHAKING, STATUS_CONNECTED, STATUS_ERROR, STATUS_ERROR_HOSTNAME_MISMATCH } =
  PacketPeerDTLS;
export const HOST = "127.0.0.1";

// ---------------------------------------------------------------------------------------------
// Identities, made once: the server's, another one (a client trusting it rejects the server's),
// and certificates for the server's key that expired or are not valid yet.

export const crypto = new Crypto();
export const KEY = crypto.generateRsa(2048)!;
export const NAME = "CN=localhost,O=godot-udp hostile tests,C=IT";
export const CERT = crypto.generateSelfSignedCertificate(KEY, NAME)!;
export const OTHER_KEY = crypto.generateRsa(2048)!;
export const OTHER_CERT = crypto.generateSelfSignedCertificate(OTHER_KEY, NAME)!;
export const EXPIRED_CERT = crypto.generateSelfSignedCertificate(KEY, NAME, "20100101000000", "20200101000000")!;
export const FUTURE_CERT = crypto.generateSelfSignedCertificate(KEY, NAME, "20900101000000", "20990101000000")!;

// ---------------------------------------------------------------------------------------------
// Small tools

// The seeded PRNG, so a failing run can be repeated with DTLS_HOSTILE_SEED.
export { prng } from "./seeded-random.js";
export const SEED = Number(process.env.DTLS_HOSTILE_SEED ?? Date.now() % 1_000_000);

export function randInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export function randBytes(rng: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rng() * 256);
  return b;
}

export const gc: () => void = (() => {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
})();

export function rssMiB(): number {
  return process.memoryUsage().rss / 1048576;
}

/** The resident memory outside V8's heap (native allocations: the addon, OpenSSL, libuv), MiB. */
export function outsideHeapMiB(): number {
  const m = process.memoryUsage();
  return (m.rss - m.heapTotal) / 1048576;
}

export const mib = (n: number): string => `${n.toFixed(1)} MiB`;

export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

/**
 * Calls every `step` then checks `cond`, every millisecond or so, until `cond` holds or `ms` pass
 * (stretched under emulation). The last value of `cond`, for the test to assert.
 */
export async function until(cond: () => boolean, ms: number, ...steps: Array<() => void>): Promise<boolean> {
  const deadline = performance.now() + ms * slowdown;
  for (;;) {
    for (const step of steps) step();
    if (cond()) return true;
    if (performance.now() >= deadline) return false;
    await tick();
  }
}

/** A raw UDP socket on 127.0.0.1, closed in teardown. */
export async function rawSocket(t: ExecutionContext): Promise<dgram.Socket> {
  const socket = dgram.createSocket("udp4");
  t.teardown(() => {
    try {
      socket.close();
    } catch {
      // already closed
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, HOST, resolve));
  return socket;
}

export function sendTo(socket: dgram.Socket, data: Buffer, port: number): Promise<void> {
  return new Promise((resolve, reject) => socket.send(data, port, HOST, (err) => (err ? reject(err) : resolve())));
}

// ---------------------------------------------------------------------------------------------
// DTLS records, as far as an attacker sees them: a 13-byte header (type, version, epoch,
// 48-bit sequence number, length) and an opaque body.

export const CT_CHANGE_CIPHER_SPEC = 20;
export const CT_ALERT = 21;
export const CT_HANDSHAKE = 22;
export const CT_APPLICATION_DATA = 23;
export const HS_CLIENT_HELLO = 1;
export const HS_HELLO_VERIFY_REQUEST = 3;

export interface DtlsRecord {
  type: number;
  epoch: number;
  seq: number;
  body: Buffer;
}

export function record(type: number, epoch: number, seq: number, body: Buffer, length = body.length): Buffer {
  const header = Buffer.alloc(13);
  header[0] = type;
  header[1] = 0xfe; // DTLS 1.2
  header[2] = 0xfd;
  header.writeUInt16BE(epoch & 0xffff, 3);
  header.writeUIntBE(seq, 5, 6);
  header.writeUInt16BE(length & 0xffff, 11);
  return Buffer.concat([header, body]);
}

/** The records of a well-formed datagram. */
export function recordsOf(datagram: Buffer): DtlsRecord[] {
  const out: DtlsRecord[] = [];
  let at = 0;
  while (at + 13 <= datagram.length) {
    const length = datagram.readUInt16BE(at + 11);
    out.push({
      type: datagram[at]!,
      epoch: datagram.readUInt16BE(at + 3),
      seq: datagram.readUIntBE(at + 5, 6),
      body: datagram.subarray(at + 13, at + 13 + length),
    });
    at += 13 + length;
  }
  return out;
}

export const isApplicationData = (d: Buffer): boolean => d.length > 13 && d[0] === CT_APPLICATION_DATA;

/** The first handshake message type of a datagram whose first record is an epoch-0 handshake record. */
export function handshakeType(d: Buffer): number | undefined {
  const [first] = recordsOf(d);
  return first !== undefined && first.type === CT_HANDSHAKE && first.epoch === 0 ? first.body[0] : undefined;
}

/**
 * `hello` (a ClientHello without a cookie, as a client's first datagram) carrying `cookie`, with
 * message and record sequence 1: what the client sends after a HelloVerifyRequest.
 */
export function helloWithCookie(hello: Buffer, cookie: Buffer): Buffer {
  const body = hello.subarray(13 + 12); // after the record and handshake headers
  const sessionIdLength = body[34]!;
  const cookieAt = 35 + sessionIdLength; // client_version(2) random(32) session_id
  if (body[cookieAt] !== 0) throw new Error("the ClientHello already carries a cookie");
  const newBody = Buffer.concat([body.subarray(0, cookieAt), Buffer.from([cookie.length]), cookie, body.subarray(cookieAt + 1)]);
  const hs = Buffer.alloc(12);
  hs[0] = HS_CLIENT_HELLO;
  hs.writeUIntBE(newBody.length, 1, 3); // length
  hs.writeUInt16BE(1, 4); // message_seq
  hs.writeUIntBE(0, 6, 3); // fragment_offset
  hs.writeUIntBE(newBody.length, 9, 3); // fragment_length
  return record(CT_HANDSHAKE, 0, 1, Buffer.concat([hs, newBody]));
}

/** The cookie of a HelloVerifyRequest datagram, or undefined for anything else. */
export function cookieOf(d: Buffer): Buffer | undefined {
  const [first] = recordsOf(d);
  if (first === undefined || first.type !== CT_HANDSHAKE || first.body[0] !== HS_HELLO_VERIFY_REQUEST) return undefined;
  const length = first.body[12 + 2]!; // handshake header, server_version
  return first.body.subarray(12 + 3, 12 + 3 + length);
}

/** A real first ClientHello, captured from a PacketPeerDTLS talking to a raw socket. */
export async function captureClientHello(t: ExecutionContext): Promise<Buffer> {
  const sink = await rawSocket(t);
  const got = new Promise<Buffer>((resolve) => sink.once("message", resolve));
  const udp = new PacketPeerUDP();
  t.is(udp.connectToHost(HOST, sink.address().port), GodotError.OK);
  const client = new PacketPeerDTLS();
  t.is(client.connectToPeer(udp, "localhost", TLSOptions.client(CERT)), GodotError.OK);
  const hello = await got;
  client.disconnectFromPeer();
  udp.close();
  t.is(handshakeType(hello), HS_CLIENT_HELLO);
  return hello;
}

// ---------------------------------------------------------------------------------------------
// The two ends, driven Godot's way ("poll": poll() every frame, getPacket while counted) or the
// Node way ("events": 'connection', 'status' and 'packet' listeners, no poll() anywhere).

export type Mode = "poll" | "events";
export const MODES: Mode[] = ["poll", "events"];

/** One DTLS session and what it delivered. `log` holds "status:N" and "packet" in order. */
export class Session {
  readonly received: Buffer[] = [];
  readonly log: string[] = [];
  readonly statusAt = new Map<number, number>();
  #last: number;

  constructor(
    readonly dtls: PacketPeerDTLS,
    readonly mode: Mode,
    /** The remote port (server side). */
    readonly port = 0,
    readonly startedAt = performance.now(),
  ) {
    this.#last = dtls.getStatus();
    if (mode === "events") {
      dtls.on("status", (status) => this.#noteStatus(status));
      dtls.on("packet", (data) => this.#notePacket(data));
    }
  }

  get status(): number {
    return this.dtls.getStatus();
  }

  /** Godot's frame: poll, note a status change, read every packet. */
  step(): void {
    if (this.mode !== "poll") return;
    this.dtls.poll();
    const status = this.dtls.getStatus();
    if (status !== this.#last) this.#noteStatus(status);
    while (this.dtls.getAvailablePacketCount() > 0) this.#notePacket(this.dtls.getPacket());
  }

  texts(): string[] {
    return this.received.map((b) => b.toString());
  }

  #noteStatus(status: number): void {
    this.#last = status;
    this.log.push(`status:${status}`);
    if (!this.statusAt.has(status)) this.statusAt.set(status, performance.now());
  }

  #notePacket(data: Buffer): void {
    this.log.push(this.#last === STATUS_CONNECTED ? "packet" : `packet-while-status:${this.#last}`);
    this.received.push(data);
  }
}

export interface ServerOptions {
  certificate?: X509Certificate;
  handshakeTimeout?: number;
  maxPendingConnections?: number;
}

/** A UDPServer on 127.0.0.1 with a DTLSServer in front of it; stopped in teardown. */
export class Server {
  readonly udp = new UDPServer();
  readonly dtls = new DTLSServer();
  /** Sessions whose handshake started (a ClientHello with a valid cookie), oldest first. */
  readonly sessions: Session[] = [];
  /** takeConnection calls that did not start a handshake (the cookie exchange, or refused). */
  ended = 0;
  maxPendingSeen = 0;
  /** Connections taken, by remote port. */
  readonly takenFrom = new Map<number, number>();

  constructor(
    t: ExecutionContext,
    readonly mode: Mode,
    options: ServerOptions = {},
  ) {
    t.teardown(() => this.stop());
    t.is(this.udp.listen(0, HOST), GodotError.OK);
    t.is(this.dtls.setup(TLSOptions.server(KEY, options.certificate ?? CERT)), GodotError.OK);
    if (options.handshakeTimeout !== undefined) this.dtls.handshakeTimeout = options.handshakeTimeout;
    if (options.maxPendingConnections !== undefined) this.udp.maxPendingConnections = options.maxPendingConnections;
    if (mode === "events") this.udp.on("connection", (udp) => this.#accept(udp));
  }

  get port(): number {
    return this.udp.getLocalPort();
  }

  /** Godot's DTLSServer frame: poll the UDPServer, take every connection, poll every session. */
  step = (): void => {
    if (this.mode !== "poll") return;
    this.udp.poll();
    this.maxPendingSeen = Math.max(this.maxPendingSeen, this.udp.pendingConnectionCount);
    for (let udp = this.udp.takeConnection(); udp !== null; udp = this.udp.takeConnection()) this.#accept(udp);
    for (const s of this.sessions) s.step();
  };

  connected(): Session[] {
    return this.sessions.filter((s) => s.status === STATUS_CONNECTED);
  }

  stop(): void {
    for (const s of this.sessions) s.dtls.disconnectFromPeer();
    this.udp.stop();
  }

  /** Milliseconds spent in takeConnection (UDPServer's and DTLSServer's) and the status checks. */
  acceptMs = 0;

  /**
   * The PacketPeerUDP and PacketPeerDTLS objects of ended attempts that the garbage collector
   * has reclaimed: nothing (the UDPServer's peer table, a listener, a pending event) keeps them.
   */
  endedCollected = 0;
  readonly #endedObjects = new FinalizationRegistry<undefined>(() => this.endedCollected++);

  #accept(udp: PacketPeerUDP): void {
    const t0 = performance.now();
    try {
      this.#acceptTimed(udp);
    } finally {
      this.acceptMs += performance.now() - t0;
    }
  }

  #acceptTimed(udp: PacketPeerUDP): void {
    const port = udp.getPacketPort();
    this.takenFrom.set(port, (this.takenFrom.get(port) ?? 0) + 1);
    // Before takeConnection: the handshake deadline starts in there, before the server's first
    // flight (an RSA signature, milliseconds on a busy machine).
    const startedAt = performance.now();
    const dtls = this.dtls.takeConnection(udp);
    if (dtls === null) throw new Error("DTLSServer not set up");
    if (dtls.getStatus() !== STATUS_HANDSHAKING) {
      this.ended++;
      if (udp.isBound()) throw new Error("a connection that ended at take still holds its UDP peer");
      this.#endedObjects.register(udp, undefined);
      this.#endedObjects.register(dtls, undefined);
      return;
    }
    this.sessions.push(new Session(dtls, this.mode, port, startedAt));
  }
}

export interface ClientOptions {
  hostname?: string;
  options?: TLSOptions;
  handshakeTimeout?: number;
}

/** A PacketPeerDTLS client over its own PacketPeerUDP connected to `port`; closed in teardown. */
export class Client {
  readonly udp = new PacketPeerUDP();
  readonly dtls = new PacketPeerDTLS();
  readonly session: Session;
  readonly connectResult: GodotError;

  constructor(t: ExecutionContext, mode: Mode, port: number, options: ClientOptions = {}) {
    t.teardown(() => {
      this.dtls.disconnectFromPeer();
      this.udp.close();
    });
    t.is(this.udp.connectToHost(HOST, port), GodotError.OK);
    if (options.handshakeTimeout !== undefined) this.dtls.handshakeTimeout = options.handshakeTimeout;
    const startedAt = performance.now();
    this.connectResult = this.dtls.connectToPeer(
      this.udp,
      options.hostname ?? "localhost",
      options.options ?? TLSOptions.client(CERT),
    );
    // From STATUS_HANDSHAKING on: the log holds what came after.
    this.session = new Session(this.dtls, mode, 0, startedAt);
  }

  get status(): number {
    return this.dtls.getStatus();
  }

  step = (): void => this.session.step();
}

/**
 * A man in the middle on loopback: the client talks to `front`, `back` talks to the server from
 * its own port (to the server, `back` is the client). It forwards both ways unless a filter says
 * otherwise, keeps every datagram it saw, and injects datagrams as either end.
 */
export class Relay {
  readonly fromClient: Buffer[] = [];
  readonly fromServer: Buffer[] = [];
  /** Return false to drop a datagram instead of forwarding it. */
  forwardToServer: (d: Buffer) => boolean = () => true;
  forwardToClient: (d: Buffer) => boolean = () => true;
  #client: { port: number } | undefined;

  private constructor(
    readonly front: dgram.Socket,
    readonly back: dgram.Socket,
    readonly serverPort: number,
  ) {
    front.on("message", (d, rinfo) => {
      this.#client = { port: rinfo.port };
      this.fromClient.push(d);
      if (this.forwardToServer(d)) back.send(d, serverPort, HOST);
    });
    back.on("message", (d) => {
      this.fromServer.push(d);
      if (this.#client !== undefined && this.forwardToClient(d)) front.send(d, this.#client.port, HOST);
    });
  }

  static async open(t: ExecutionContext, serverPort: number): Promise<Relay> {
    return new Relay(await rawSocket(t), await rawSocket(t), serverPort);
  }

  get port(): number {
    return this.front.address().port;
  }

  /** As the client, to the server. */
  toServer(d: Buffer): Promise<void> {
    return sendTo(this.back, d, this.serverPort);
  }

  /** As the server, to the client. */
  toClient(d: Buffer): Promise<void> {
    if (this.#client === undefined) throw new Error("the client has not sent anything yet");
    return sendTo(this.front, d, this.#client.port);
  }
}

/** A connected client and server session through a relay. */
export async function connectedThroughRelay(t: ExecutionContext, mode: Mode, server = new Server(t, mode)) {
  const relay = await Relay.open(t, server.port);
  const client = new Client(t, mode, relay.port);
  t.is(client.connectResult, GodotError.OK);
  const ok = await until(
    () => client.status === STATUS_CONNECTED && server.connected().length === 1,
    5000,
    server.step,
    client.step,
  );
  t.true(ok, `handshake through the relay: client ${client.status}, server ${JSON.stringify(server.dtls.stats())}`);
  const session = server.connected()[0]!;
  return { server, relay, client, session };
}

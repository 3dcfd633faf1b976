/**
 * DTLS for the command line: the `--dtls` options of `listen`/`echo` (a server key and certificate,
 * or a throwaway self-signed one) and of `send` (how the server's certificate is checked), the
 * packets of every DTLS session a UDPServer accepts as one packet source, and the handshake of
 * `send --dtls` with the messages its failures get.
 */
import { X509Certificate as NodeX509Certificate } from "node:crypto";
import { lookup } from "node:dns/promises";
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import {
  Crypto,
  CryptoKey,
  DTLSServer,
  DTLSStatus,
  GodotError,
  PacketPeerDTLS,
  PacketPeerUDP,
  TLSOptions,
  UDPServer,
  X509Certificate,
  errorName,
  type UDPPacket,
} from "./api.js";
import { UsageError, flag, parseInteger, stringOption, type ParsedArgs } from "./args.js";
import { CommandFailure } from "./command.js";
import { hostPort } from "./format.js";
import { PacketEventQueue } from "./packet-event-queue.js";
import type { PacketSource } from "./receive-loop.js";

// ------------------------------------------------------------------------------------------------
// Options

/** The options `listen` and `echo` take for DTLS (for `parseCommandArgs`). */
export const DTLS_SERVER_OPTIONS = {
  dtls: { type: "boolean" },
  key: { type: "string" },
  cert: { type: "string" },
  "self-signed": { type: "boolean" },
} as const;

/** Their lines in the commands' `--help`. */
export const DTLS_SERVER_HELP = `  --dtls             accept DTLS clients instead of plain UDP (Godot's DTLSServer; what a
                     game's PacketPeerDTLS connects to); needs --key and --cert, or
                     --self-signed. Packets are shown decrypted, with a line per handshake
  --key <file>       with --dtls: the server's private key (PEM or DER: RSA or EC)
  --cert <file>      with --dtls: the server's certificate, or its chain (PEM or DER)
  --self-signed      with --dtls, instead of --key and --cert: a throwaway key and
                     self-signed certificate for CN=localhost, made at start; clients must
                     skip verification (send --insecure, Godot's TLSOptions.client_unsafe())
`;

/** The options `send` takes for DTLS. */
export const DTLS_CLIENT_OPTIONS = {
  dtls: { type: "boolean" },
  ca: { type: "string" },
  hostname: { type: "string" },
  insecure: { type: "boolean" },
  "handshake-timeout": { type: "string" },
} as const;

export const DTLS_CLIENT_HELP = `  --dtls             connect with DTLS first (Godot's PacketPeerDTLS), then send <value>
                     encrypted; the server's certificate must be trusted (the system's CA
                     certificates, or --ca) and carry the name <host> (or --hostname)
  --ca <file>        with --dtls: trust the certificate(s) in this file (PEM or DER) instead
                     of the system's, e.g. the server's own self-signed certificate
  --hostname <name>  with --dtls: the name the server's certificate must carry, also sent
                     as SNI (default: <host>; give it when <host> is an address)
  --insecure         with --dtls: check no name (Godot's TLSOptions.client_unsafe()); alone,
                     the certificate is not verified at all (for testing only); with --ca,
                     it must still be trusted by that file
  --handshake-timeout <ms>
                     with --dtls: give up when the handshake takes longer (default 5000)
`;

/** Names and issuer of the certificate `--self-signed` makes. */
const SELF_SIGNED_NAME = "CN=localhost,O=godot-udp";
const SELF_SIGNED_KEY_BITS = 2048;
/** How long a handshake the server accepted may take before it is given up. */
export const SERVER_HANDSHAKE_TIMEOUT_MS = 10_000;
export const DEFAULT_CLIENT_HANDSHAKE_TIMEOUT_MS = 5_000;

/** `--key` and friends given without `--dtls`: a usage mistake. */
function requireDtls(values: ParsedArgs["values"], names: readonly string[]): void {
  if (flag(values, "dtls")) return;
  for (const name of names) {
    if (values[name] !== undefined) throw new UsageError(`--${name} only applies with --dtls`);
  }
}

/** Why a file cannot be read, in words: `no such file (ENOENT)`. */
function unreadable(path: string): string | null {
  try {
    readFileSync(path);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : code === "EISDIR"
            ? "it is a directory"
            : err instanceof Error
              ? err.message
              : String(err);
    return code !== undefined && !why.includes(code) ? `${why} (${code})` : why;
  }
}

/** `CN=localhost, O=Example` from a certificate file (its first certificate), for display. */
function subjectOf(data: string | Buffer): string | null {
  try {
    return new NodeX509Certificate(data).subject.split("\n").join(", ");
  } catch {
    return null;
  }
}

/** What a DTLS server of `listen`/`echo` serves with. */
export interface ServerCredentials {
  options: TLSOptions;
  /** The certificate's subject, for the first line: `CN=localhost, O=Example`. */
  subject: string | null;
  selfSigned: boolean;
}

/**
 * The server side's `--dtls`, `--key`, `--cert`, `--self-signed`: `null` without `--dtls`.
 * Throws `UsageError` for a wrong combination, `CommandFailure` for a file that cannot be used.
 */
export function serverCredentials(values: ParsedArgs["values"]): ServerCredentials | null {
  requireDtls(values, ["key", "cert", "self-signed"]);
  if (!flag(values, "dtls")) return null;
  const keyPath = stringOption(values, "key");
  const certPath = stringOption(values, "cert");
  if (flag(values, "self-signed")) {
    if (keyPath !== undefined || certPath !== undefined) {
      throw new UsageError("--self-signed makes its own key and certificate: give it without --key and --cert");
    }
    return selfSigned();
  }
  if (keyPath === undefined || certPath === undefined) {
    const missing = [keyPath === undefined ? "--key <file>" : null, certPath === undefined ? "--cert <file>" : null]
      .filter((m) => m !== null)
      .join(" and ");
    throw new UsageError(
      `--dtls needs the server's private key and certificate: ${missing} (PEM files), ` +
        "or --self-signed for a throwaway certificate",
    );
  }
  const keyProblem = unreadable(keyPath);
  if (keyProblem !== null) throw new CommandFailure(`cannot read --key ${keyPath}: ${keyProblem}`);
  const certProblem = unreadable(certPath);
  if (certProblem !== null) throw new CommandFailure(`cannot read --cert ${certPath}: ${certProblem}`);
  const key = new CryptoKey();
  if (key.load(keyPath) !== GodotError.OK) {
    throw new CommandFailure(`--key ${keyPath} holds no private key (PEM or DER, RSA or EC)`);
  }
  const certificate = new X509Certificate();
  if (certificate.load(certPath) !== GodotError.OK) {
    throw new CommandFailure(`--cert ${certPath} holds no certificate (PEM or DER)`);
  }
  const options = TLSOptions.server(key, certificate);
  // setup() checks that the key and the certificate belong together.
  if (new DTLSServer().setup(options) !== GodotError.OK) {
    throw new CommandFailure(`the key in --key ${keyPath} does not match the certificate in --cert ${certPath}`);
  }
  return { options, subject: subjectOf(readFileSync(certPath)), selfSigned: false };
}

/** A UTC time as `generate_self_signed_certificate` takes it: `YYYYMMDDhhmmss`. */
function certificateTime(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

function selfSigned(): ServerCredentials {
  const crypto = new Crypto();
  const key = crypto.generateRsa(SELF_SIGNED_KEY_BITS);
  const now = Date.now();
  const day = 86_400_000;
  const certificate =
    key === null
      ? null
      : crypto.generateSelfSignedCertificate(
          key,
          SELF_SIGNED_NAME,
          certificateTime(new Date(now - day)),
          certificateTime(new Date(now + 365 * day)),
        );
  if (key === null || certificate === null) throw new CommandFailure("cannot make a self-signed certificate");
  return {
    options: TLSOptions.server(key, certificate),
    subject: subjectOf(certificate.saveToString()),
    selfSigned: true,
  };
}

/** How `send --dtls` checks the server. */
export interface ClientSettings {
  options: TLSOptions;
  /** The name given to connectToPeer (SNI, and checked against the certificate unless insecure). */
  hostname: string;
  /** TLSOptions.clientUnsafe: no name sent or checked; the chain verified only with `ca`. */
  insecure: boolean;
  /** `--ca` as given. */
  ca: string | null;
  handshakeTimeoutMs: number;
}

/**
 * The client side's `--dtls`, `--ca`, `--hostname`, `--insecure`, `--handshake-timeout`: `null`
 * without `--dtls`. Throws `UsageError` or `CommandFailure` as `serverCredentials` does.
 */
export function clientSettings(values: ParsedArgs["values"], host: string): ClientSettings | null {
  requireDtls(values, ["ca", "hostname", "insecure", "handshake-timeout"]);
  if (!flag(values, "dtls")) return null;
  const timeoutText = stringOption(values, "handshake-timeout");
  const handshakeTimeoutMs =
    timeoutText === undefined
      ? DEFAULT_CLIENT_HANDSHAKE_TIMEOUT_MS
      : parseInteger(timeoutText, "--handshake-timeout", 1, 86_400_000);
  const insecure = flag(values, "insecure");
  const ca = stringOption(values, "ca") ?? null;
  const hostnameOption = stringOption(values, "hostname");
  if (insecure && hostnameOption !== undefined) {
    throw new UsageError("--insecure sends and checks no name: give either --insecure or --hostname <name>, not both");
  }
  if (hostnameOption === "") throw new UsageError("--hostname must not be empty");
  const hostname = hostnameOption ?? host;
  let trusted: X509Certificate | null = null;
  if (ca !== null) {
    const problem = unreadable(ca);
    if (problem !== null) throw new CommandFailure(`cannot read --ca ${ca}: ${problem}`);
    trusted = new X509Certificate();
    if (trusted.load(ca) !== GodotError.OK) throw new CommandFailure(`--ca ${ca} holds no certificate (PEM or DER)`);
  }
  // Godot's client_unsafe(chain) verifies the chain but no name; client_unsafe() nothing.
  const options = insecure ? TLSOptions.clientUnsafe(trusted) : TLSOptions.client(trusted);
  return { options, hostname, insecure, ca, handshakeTimeoutMs };
}

// ------------------------------------------------------------------------------------------------
// The server side: every session's packets as one source

/** What happened to a DTLS session, as `listen`/`echo` report it. */
export interface SessionEvent {
  address: string;
  port: number;
  /**
   * `connected`: handshake done; `handshake-failed`, `handshake-timeout`; `closed`: the client
   * ended the session (close_notify); `failed`: the session broke after the handshake;
   * `not-dtls`: a new client's first datagram was no DTLS ClientHello.
   */
  state: "connected" | "handshake-failed" | "handshake-timeout" | "closed" | "failed" | "not-dtls";
  /** Godot's status name after the event (`STATUS_CONNECTED` ...). */
  status: string;
  /** Since the session was taken. */
  milliseconds: number;
  /** The event in words, for the text output. */
  text: string;
}

/** A decrypted packet, with the session it came from (to answer it). */
interface SessionPacket extends UDPPacket {
  session: PacketPeerDTLS;
}

/** Counters of a DTLS server's sessions, for the summary. */
export interface SessionCounts {
  /** Handshakes completed. */
  sessions: number;
  handshakesFailed: number;
  /** New clients whose first datagram was no ClientHello. */
  notDtls: number;
}

function familyOf(address: string): "IPv4" | "IPv6" {
  return address.includes(":") ? "IPv6" : "IPv4";
}

function statusName(status: number): string {
  return DTLSStatus[status] ?? `Status(${status})`;
}

/**
 * The packets of every DTLS session a listening UDPServer accepts, in arrival order, with the
 * sessions' events (`onEvent`) in their place among them. Closing it ends the sessions (each
 * client gets close_notify) and stops the server.
 */
export class DtlsSource implements PacketSource {
  readonly counts: SessionCounts = { sessions: 0, handshakesFailed: 0, notDtls: 0 };
  readonly #server: UDPServer;
  readonly #dtls: DTLSServer;
  readonly #sessions = new Set<PacketPeerDTLS>();
  readonly #queue: PacketEventQueue<SessionPacket, SessionEvent>;
  #dropped: number | null = null;
  #osDropped: number | null = null;

  /** `server` listens; `dtls` is set up. */
  constructor(server: UDPServer, dtls: DTLSServer, onEvent: (event: SessionEvent) => void) {
    this.#server = server;
    this.#dtls = dtls;
    this.#queue = new PacketEventQueue(onEvent);
    server.on("connection", this.#onConnection);
  }

  dropped(): number {
    return this.#dropped ?? this.#server.stats().packetsDropped + this.#queue.dropped;
  }

  osDropped(): number {
    return this.#osDropped ?? this.#server.stats().osDropped;
  }

  answer(packet: UDPPacket, data: Uint8Array): GodotError {
    return (packet as SessionPacket).session.putPacket(data);
  }

  isOpen(): boolean {
    return !this.#queue.ended;
  }

  close(): void {
    if (this.#queue.ended) return;
    const stats = this.#server.stats();
    this.#dropped = stats.packetsDropped + this.#queue.dropped;
    this.#osDropped = stats.osDropped;
    this.#server.off("connection", this.#onConnection);
    for (const session of [...this.#sessions]) session.disconnectFromPeer();
    this.#sessions.clear();
    this.#server.stop();
    this.#queue.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<UDPPacket> {
    return this.#queue[Symbol.asyncIterator]();
  }

  readonly #onConnection = (udp: PacketPeerUDP): void => {
    if (this.#queue.ended) {
      udp.close();
      return;
    }
    const address = udp.getPacketIp();
    const port = udp.getPacketPort();
    const notClientHello = this.#dtls.stats().notClientHello;
    const start = process.hrtime.bigint();
    const elapsed = (): number => Math.round(Number(process.hrtime.bigint() - start) / 1e6);
    const session = this.#dtls.takeConnection(udp);
    if (session === null) {
      udp.close();
      return;
    }
    if (session.getStatus() !== DTLSStatus.STATUS_HANDSHAKING) {
      // Every client's first ClientHello gets a cookie and ends here, as in Godot: the client
      // sends it again, as a new connection. Only a datagram that was no ClientHello is news.
      if (this.#dtls.stats().notClientHello > notClientHello) {
        this.counts.notDtls++;
        this.#queue.pushEvent({
          address,
          port,
          state: "not-dtls",
          status: statusName(session.getStatus()),
          milliseconds: 0,
          text: "not DTLS: the first datagram of this client is no ClientHello, ignored",
        });
      }
      return;
    }
    this.#sessions.add(session);
    let connected = false;
    const event = (state: SessionEvent["state"], status: number, text: string): void => {
      this.#queue.pushEvent({ address, port, state, status: statusName(status), milliseconds: elapsed(), text });
    };
    session.on("status", (status) => {
      if (this.#queue.ended) return;
      if (status === DTLSStatus.STATUS_CONNECTED) {
        connected = true;
        this.counts.sessions++;
        event("connected", status, `DTLS handshake done in ${elapsed()} ms`);
        return;
      }
      if (status === DTLSStatus.STATUS_HANDSHAKING) return;
      this.#sessions.delete(session);
      if (connected) {
        if (status === DTLSStatus.STATUS_DISCONNECTED) event("closed", status, "DTLS session closed by the client");
        else event("failed", status, `DTLS session failed: ${statusName(status)}`);
        return;
      }
      this.counts.handshakesFailed++;
      if (elapsed() >= this.#dtls.handshakeTimeout) {
        event("handshake-timeout", status, `DTLS handshake timed out: the client stopped answering for ${this.#dtls.handshakeTimeout} ms`);
      } else {
        event(
          "handshake-failed",
          status,
          `DTLS handshake failed: ${statusName(status)} (the client refused the certificate or the handshake)`,
        );
      }
    });
    session.on("packet", (data) => {
      if (this.#queue.ended) return;
      this.#queue.pushPacket({ data, address, port, family: familyOf(address), size: data.length, session });
    });
  };
}

/**
 * Listens with DTLS on `port`/`address`: the UDPServer and the set-up DTLSServer, or the Godot
 * error of `listen`.
 */
export function listenDtls(
  port: number,
  address: string,
  credentials: ServerCredentials,
): { server: UDPServer; dtls: DTLSServer } | GodotError {
  const server = new UDPServer();
  const code = server.listen(port, address);
  if (code !== GodotError.OK) return code;
  const dtls = new DTLSServer();
  dtls.handshakeTimeout = SERVER_HANDSHAKE_TIMEOUT_MS;
  const setup = dtls.setup(credentials.options);
  if (setup !== GodotError.OK) {
    server.stop();
    throw new CommandFailure(`DTLSServer.setup failed: ${errorName(setup)}`);
  }
  return { server, dtls };
}

/** `with DTLS (certificate CN=localhost)`, for the first line of `listen`/`echo`. */
export function dtlsAnnouncement(credentials: ServerCredentials): string {
  const subject = credentials.subject === null ? "" : ` ${credentials.subject}`;
  return credentials.selfSigned
    ? `with DTLS (throwaway self-signed certificate${subject}: clients must skip verification)`
    : `with DTLS (certificate${subject})`;
}

// ------------------------------------------------------------------------------------------------
// The client side: send --dtls

/** An address for connectToHost: `host` if it is one, else the first the OS resolver gives. */
export async function resolveAddress(host: string): Promise<string | null> {
  if (isIP(host) !== 0) return host;
  try {
    const { address } = await lookup(host, { family: 0, verbatim: true });
    return address;
  } catch {
    return null;
  }
}

/** A DTLS session with a server, handshake done. */
export interface DtlsConnection {
  udp: PacketPeerUDP;
  session: PacketPeerDTLS;
  milliseconds: number;
  /** The address connected to. */
  address: string;
  /** Set once the session ended (the server closed it, or it failed): the status then. */
  ended(): DTLSStatus | null;
  /** Sends close_notify and closes the socket. */
  close(): void;
}

/**
 * Connects to `address`:`port` and completes the handshake. Resolves to the connection, to an
 * error message (`the server's certificate is not for ...`), or to `null` when `signal` aborted.
 */
export async function connectDtls(
  address: string,
  port: number,
  settings: ClientSettings,
  signal: AbortSignal,
): Promise<DtlsConnection | string | null> {
  const udp = new PacketPeerUDP();
  const connected = udp.connectToHost(address, port);
  if (connected !== GodotError.OK) {
    udp.close();
    return `cannot open a socket to ${hostPort(address, port)}: ${errorName(connected)}`;
  }
  const session = new PacketPeerDTLS();
  session.handshakeTimeout = settings.handshakeTimeoutMs;
  let ended: DTLSStatus | null = null;
  let settle: ((status: DTLSStatus) => void) | null = null;
  // Kept for the whole session: event mode, and it learns when the server ends the session.
  session.on("status", (status) => {
    if (status === DTLSStatus.STATUS_HANDSHAKING) return;
    if (status !== DTLSStatus.STATUS_CONNECTED) ended = status;
    settle?.(status);
  });
  const start = process.hrtime.bigint();
  const code = session.connectToPeer(udp, settings.hostname, settings.options);
  const outcome =
    code !== GodotError.OK
      ? null
      : await new Promise<DTLSStatus | "aborted">((resolve) => {
          const onAbort = (): void => done("aborted");
          const done = (result: DTLSStatus | "aborted"): void => {
            settle = null;
            signal.removeEventListener("abort", onAbort);
            resolve(result);
          };
          if (signal.aborted) return done("aborted");
          const now = session.getStatus();
          if (now !== DTLSStatus.STATUS_HANDSHAKING) return done(now);
          settle = done;
          signal.addEventListener("abort", onAbort, { once: true });
        });
  const milliseconds = Math.round(Number(process.hrtime.bigint() - start) / 1e6);
  const close = (): void => {
    session.disconnectFromPeer();
    session.removeAllListeners();
    udp.close();
  };
  if (outcome === DTLSStatus.STATUS_CONNECTED) {
    return { udp, session, milliseconds, address, ended: () => ended, close };
  }
  const received = session.stats().datagramsReceived;
  close();
  if (outcome === null) return `cannot start the handshake: ${errorName(code)}`;
  if (outcome === "aborted") return null;
  return handshakeFailure(outcome, milliseconds, received, settings);
}

/** Why a handshake failed, in words, with what to try. */
function handshakeFailure(
  status: DTLSStatus,
  milliseconds: number,
  received: number,
  settings: ClientSettings,
): string {
  const name = statusName(status);
  if (status === DTLSStatus.STATUS_ERROR_HOSTNAME_MISMATCH) {
    return (
      `${name}: the server's certificate is not for ${JSON.stringify(settings.hostname)} ` +
      "(--hostname <name> checks the name it carries; --insecure checks none)"
    );
  }
  if (status === DTLSStatus.STATUS_ERROR && milliseconds >= settings.handshakeTimeoutMs) {
    return received === 0
      ? `timed out: no answer within ${settings.handshakeTimeoutMs} ms (${name}; is a DTLS server listening there?)`
      : `timed out: no handshake within ${settings.handshakeTimeoutMs} ms (${name})`;
  }
  if (status === DTLSStatus.STATUS_ERROR) {
    if (settings.insecure && settings.ca === null) return `${name}: the server refused the handshake`;
    const trust =
      settings.ca === null
        ? "by the system's CA certificates (--ca <file> trusts another, --insecure alone checks nothing)"
        : `by --ca ${settings.ca}`;
    return `${name}: the server's certificate is not trusted ${trust}, or the server refused the handshake`;
  }
  return `the handshake ended: ${name}`;
}

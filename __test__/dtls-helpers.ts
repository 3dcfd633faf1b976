// Shared by the DTLS specs: identities (Crypto-made, or openssl-made), a DTLSServer behind a
// UDPServer in event mode, a client session, and an `openssl` command that may be missing.
import test, { type ExecutionContext, type Implementation } from "ava";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GodotError } from "../src-ts/errors.js";
import { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { UDPServer } from "../src-ts/udp-server.js";
import {
  Crypto,
  CryptoKey,
  DTLSServer,
  PacketPeerDTLS,
  TLSOptions,
  X509Certificate,
} from "../src-ts/dtls/index.js";
import { unlessWine } from "./emulation.js";
import { until } from "./packet-peer-helpers.js";

export interface Identity {
  key: CryptoKey;
  cert: X509Certificate;
  keyPem: string;
  certPem: string;
}

/** A 2048-bit RSA key and a self-signed certificate for `cn`, made by Crypto. */
export function cryptoIdentity(cn = "localhost"): Identity {
  const crypto = new Crypto();
  const key = crypto.generateRsa(2048);
  if (key === null) throw new Error("generateRsa(2048) returned null");
  const cert = crypto.generateSelfSignedCertificate(key, `CN=${cn},O=godot-udp tests,C=IT`);
  if (cert === null) throw new Error("generateSelfSignedCertificate returned null");
  return { key, cert, keyPem: key.saveToString(), certPem: cert.saveToString() };
}

/** Whether the `openssl` command runs here (CI installs it; a developer machine may lack it). */
export const haveOpenssl: boolean = spawnSync("openssl", ["version"]).status === 0;

/**
 * A test that runs the `openssl` command: skipped, with the reason in its title, where there is
 * none (outside CI: .ci/run installs it, so there a missing command fails the test) and under wine
 * (a Linux binary the Windows node cannot start).
 */
export function opensslTest(title: string, impl: Implementation<[]>): void {
  if (!haveOpenssl && !process.env.CI) {
    test.skip(`${title} [skipped: no openssl command on this machine]`, impl);
    return;
  }
  unlessWine("the openssl command is a Linux binary", test)(title, impl);
}

/** A key and certificate from `openssl req -x509 -newkey rsa:2048` (PKCS#8 key), for `cn`. */
export function opensslIdentity(cn = "localhost"): Identity & { keyFile: string; certFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "godot-udp-dtls-"));
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile,
    "-subj", `/CN=${cn}`, "-days", "2",
  ], { stdio: "ignore" });
  const keyPem = readFileSync(keyFile, "utf8");
  const certPem = readFileSync(certFile, "utf8");
  const key = new CryptoKey();
  const cert = new X509Certificate();
  if (key.loadFromString(keyPem) !== GodotError.OK) throw new Error("openssl's key did not load");
  if (cert.loadFromString(certPem) !== GodotError.OK) throw new Error("openssl's cert did not load");
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return { key, cert, keyPem, certPem, keyFile, certFile };
}

/** Files holding `identity` (for openssl s_server), removed at the test's end. */
export function identityFiles(t: ExecutionContext, identity: Identity): { keyFile: string; certFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "godot-udp-dtls-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  if (identity.key.save(keyFile) !== GodotError.OK) throw new Error("key.save failed");
  if (identity.cert.save(certFile) !== GodotError.OK) throw new Error("cert.save failed");
  return { keyFile, certFile };
}

export interface DtlsTestServer {
  udp: UDPServer;
  dtls: DTLSServer;
  port: number;
  /** Sessions that reached STATUS_HANDSHAKING, in order. */
  sessions: PacketPeerDTLS[];
  /** Each session's status changes, by index in `sessions`. */
  statuses: number[][];
}

/**
 * A DTLSServer behind a UDPServer on 127.0.0.1 in event mode: every connection is taken; sessions
 * that start handshaking are kept (and `onSession` called) and run in event mode (their statuses
 * recorded in `statuses`); all closed at the test's end.
 */
export function dtlsServer(
  t: ExecutionContext,
  identity: Identity,
  onSession: (session: PacketPeerDTLS) => void = () => {},
): DtlsTestServer {
  const udp = new UDPServer();
  if (udp.listen(0, "127.0.0.1") !== GodotError.OK) throw new Error("listen failed");
  const dtls = new DTLSServer();
  if (dtls.setup(TLSOptions.server(identity.key, identity.cert)) !== GodotError.OK) {
    throw new Error("DTLSServer.setup failed");
  }
  const server: DtlsTestServer = { udp, dtls, port: udp.getLocalPort(), sessions: [], statuses: [] };
  udp.on("connection", (peer) => {
    const session = dtls.takeConnection(peer)!;
    if (session.getStatus() !== PacketPeerDTLS.STATUS_HANDSHAKING) return;
    const statuses: number[] = [];
    server.sessions.push(session);
    server.statuses.push(statuses);
    // A status listener puts the session in event mode: it advances with no poll() calls.
    session.on("status", (status) => statuses.push(status));
    onSession(session);
  });
  t.teardown(() => {
    for (const s of server.sessions) s.disconnectFromPeer();
    udp.stop();
  });
  return server;
}

/** A UDP peer connected to 127.0.0.1:`port` and a DTLS session started on it. */
export function dtlsClient(
  t: ExecutionContext,
  port: number,
  hostname: string,
  options: TLSOptions | null,
): { udp: PacketPeerUDP; session: PacketPeerDTLS; code: GodotError } {
  const udp = new PacketPeerUDP();
  t.teardown(() => udp.close());
  if (udp.connectToHost("127.0.0.1", port) !== GodotError.OK) throw new Error("connectToHost failed");
  const session = new PacketPeerDTLS();
  t.teardown(() => session.disconnectFromPeer());
  const code = session.connectToPeer(udp, hostname, options);
  return { udp, session, code };
}

/** Polls `session` (Godot's way) until its status leaves STATUS_HANDSHAKING; returns it. */
export async function pollHandshake(session: PacketPeerDTLS): Promise<number> {
  await until(() => {
    session.poll();
    return session.getStatus() !== PacketPeerDTLS.STATUS_HANDSHAKING;
  }, "the handshake to end");
  return session.getStatus();
}

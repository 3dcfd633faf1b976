// DTLS interop with mbedTLS, the library Godot 4 speaks DTLS with. There is no Godot binary to run
// here, so fixtures/mbedtls-dtls-peer.c sets mbedTLS up as Godot's PacketPeerMbedDTLS and
// DTLSServerMbedTLS do (datagram transport, default presets, Godot's authmodes, CA chain and
// hostname, cookies with Godot's client transport id, a HelloVerifyRequest ending the server
// session, mbedTLS's timing callbacks) and is linked against the system's mbedTLS (Debian's
// libmbedtls-dev, 2.28; Godot 4.0-4.2 vendor 2.28, today's Godot 3.6). Both directions, with an
// RSA identity made by Crypto and an ECDSA P-256 one made by the openssl command (the mbedTLS side
// reads them as godot-udp saves them, in Godot's PEM forms): the default suites, each other common
// suite on its own, an RSA 4096 certificate that needs fragmenting, the hostname checks, and how
// Godot's mbedTLS client checks certificates, which PacketPeerDTLS must match.
// Loopback only; the peer ends by itself (--timeout-ms) and is killed at teardown.
import test, { type ExecutionContext } from "ava";
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { GodotError } from "../src-ts/errors.js";
import { Crypto, CryptoKey, PacketPeerDTLS, TLSOptions, X509Certificate } from "../src-ts/dtls/index.js";
import { collectLines } from "./child-output.js";
import {
  cryptoIdentity,
  dtlsClient,
  dtlsServer,
  haveOpenssl,
  identityFiles,
  opensslTest,
  pollHandshake,
  type Identity,
} from "./dtls-helpers.js";
import { emulation, slowdown, unlessWine } from "./emulation.js";
import { until, withDeadline } from "./packet-peer-helpers.js";

const SOURCE = join(__dirname, "fixtures", "mbedtls-dtls-peer.c");
const LIBS = ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"];
/** How long the mbedTLS peer may run before it gives up by itself (it prints TIMEOUT, exits 4). */
const PEER_TIMEOUT_MS = 8000 * slowdown;

// -------------------------------------------------------------------------------------------------
// Can the peer be built here?

/** Why the mbedTLS peer cannot be compiled on this machine, or undefined when it can. */
function toolchainMissing(): string | undefined {
  if (spawnSync("cc", ["--version"], { stdio: "ignore" }).status !== 0) return "no C compiler (cc)";
  const probe = spawnSync("cc", ["-E", "-x", "c", "-", "-o", "/dev/null"], {
    input: "#include <mbedtls/ssl.h>\n#include <mbedtls/ssl_cookie.h>\n#include <mbedtls/timing.h>\n",
    stdio: ["pipe", "ignore", "ignore"],
  });
  if (probe.status !== 0) return "no mbedTLS headers (Debian: apt-get install libmbedtls-dev)";
  return undefined;
}

// Under wine the tests skip (below) without probing: `cc` is a Linux program.
const missing: string | undefined =
  emulation === "wine" || process.platform !== "linux" ? undefined : toolchainMissing();

/**
 * A test that runs the mbedTLS peer, skipped with the reason in its title: under wine, on other
 * systems than Linux (the fixture is a Linux program built against the distribution's mbedTLS),
 * and where the compiler, the mbedTLS headers or (for `openssl`) the openssl command are missing,
 * unless CI is set: CI installs them, so there the test fails with the reason instead.
 */
function mbedtlsTest(
  title: string,
  needs: { openssl: boolean },
  impl: (t: ExecutionContext) => unknown,
): void {
  const register = unlessWine("the mbedTLS peer is a Linux program", test);
  if (emulation === "wine") {
    register(title, impl); // skipped, with the reason
    return;
  }
  if (process.platform !== "linux") {
    test.skip(`${title} [skipped: on ${process.platform}, the mbedTLS peer is built for Linux (libmbedtls-dev)]`, impl);
    return;
  }
  const lacking = [missing, needs.openssl && !haveOpenssl ? "no openssl command" : undefined].filter(
    (why): why is string => why !== undefined,
  );
  if (lacking.length > 0 && !process.env.CI) {
    test.skip(`${title} [skipped: ${lacking.join(", ")} on this machine]`, impl);
    return;
  }
  register(title, async (t) => {
    if (lacking.length > 0) {
      throw new Error(`${lacking.join(", ")}: CI must install the C compiler, libmbedtls-dev and openssl`);
    }
    await impl(t);
  });
}

// -------------------------------------------------------------------------------------------------
// The peer: compiled once, on first use, into a temporary directory.

let built: Promise<string> | undefined;
let buildDir: string | undefined;

function peerBinary(): Promise<string> {
  built ??= (async () => {
    buildDir = mkdtempSync(join(tmpdir(), "godot-udp-mbedtls-"));
    const binary = join(buildDir, "mbedtls-dtls-peer");
    try {
      await promisify(execFile)("cc", ["-O1", "-Wall", "-o", binary, SOURCE, ...LIBS]);
    } catch (error) {
      const { stderr } = error as { stderr?: string };
      throw new Error(`cc ${SOURCE} ${LIBS.join(" ")} failed:\n${stderr ?? String(error)}`);
    }
    return binary;
  })();
  return built;
}

test.after.always(() => {
  if (buildDir !== undefined) rmSync(buildDir, { recursive: true, force: true });
});

interface Peer {
  child: ChildProcess;
  /** Status lines printed so far (VERSION, LISTENING, CONNECTED, RECEIVED …). */
  out: string[];
  err: string[];
  /** The exit code once the process ended and its output was read (null: killed). */
  closed: Promise<number | null>;
  /** stdout and stderr, for failure messages. */
  transcript(): string;
}

async function runPeer(t: ExecutionContext, args: string[]): Promise<Peer> {
  const binary = await peerBinary();
  const child = spawn(binary, [...args, "--timeout-ms", String(PEER_TIMEOUT_MS)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = collectLines(child.stdout!);
  const err = collectLines(child.stderr!);
  const closed = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await closed;
  });
  const transcript = () => `mbedTLS peer stdout: ${out.join(" | ")}; stderr: ${err.join(" | ")}`;
  return { child, out, err, closed, transcript };
}

/** The peer's exit code; fails the test if it does not end (it ends by itself by --timeout-ms). */
function exitCode(peer: Peer): Promise<number | null> {
  // withDeadline stretches its deadline by `slowdown` itself.
  return withDeadline(peer.closed, `the mbedTLS peer to exit (${peer.transcript()})`, PEER_TIMEOUT_MS / slowdown + 5000);
}

function lineStarting(peer: Peer, prefix: string): string | undefined {
  return peer.out.find((l) => l.startsWith(prefix));
}

async function listeningPort(peer: Peer): Promise<number> {
  await until(() => lineStarting(peer, "LISTENING ") !== undefined || peer.child.exitCode !== null,
    `the mbedTLS server to listen (${peer.transcript()})`);
  const listening = lineStarting(peer, "LISTENING ");
  if (listening === undefined) throw new Error(`the mbedTLS server did not start: ${peer.transcript()}`);
  return Number(listening.split(" ")[1]);
}

/** "CONNECTED DTLSv1.2 TLS-ECDHE-RSA-WITH-…": the suite, logged for the report. */
function negotiated(t: ExecutionContext, peer: Peer): string {
  const line = lineStarting(peer, "CONNECTED ");
  if (line === undefined) throw new Error(`the mbedTLS peer never connected: ${peer.transcript()}`);
  const [, version, suite] = line.split(" ");
  t.log(`${lineStarting(peer, "VERSION ")}: ${version} ${suite}`);
  t.is(version, "DTLSv1.2");
  return suite!;
}

// -------------------------------------------------------------------------------------------------
// Identities

/** An EC P-256 key and self-signed certificate for `cn` from the openssl command (PKCS#8 key). */
function opensslEcdsaIdentity(cn = "localhost"): Identity {
  const dir = mkdtempSync(join(tmpdir(), "godot-udp-mbedtls-ec-"));
  try {
    const keyFile = join(dir, "key.pem");
    const certFile = join(dir, "cert.pem");
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
      "-keyout", keyFile, "-out", certFile, "-subj", `/CN=${cn}`, "-days", "2",
    ], { stdio: "ignore" });
    const keyPem = readFileSync(keyFile, "utf8");
    const certPem = readFileSync(certFile, "utf8");
    const key = new CryptoKey();
    const cert = new X509Certificate();
    const keyCode = key.loadFromString(keyPem);
    if (keyCode !== GodotError.OK) throw new Error(`CryptoKey.loadFromString(openssl's EC key) returned ${GodotError[keyCode]}`);
    const certCode = cert.loadFromString(certPem);
    if (certCode !== GodotError.OK) throw new Error(`X509Certificate.loadFromString(openssl's EC cert) returned ${GodotError[certCode]}`);
    return { key, cert, keyPem, certPem };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

interface Kind {
  name: string;
  /** The signature algorithm in mbedTLS's suite names. */
  alg: "RSA" | "ECDSA";
  needsOpenssl: boolean;
  /** The identity, made once per kind (the tests only read it). */
  make: () => Identity;
  /** The key exchange and signature the suite must use with this identity's key. */
  suite: RegExp;
}

const kinds: Kind[] = [
  {
    name: "RSA 2048, Crypto.generateRsa + generateSelfSignedCertificate",
    alg: "RSA",
    needsOpenssl: false,
    make: once(() => cryptoIdentity("localhost")),
    suite: /^TLS-ECDHE-RSA-WITH-/,
  },
  {
    name: "ECDSA P-256, openssl req -x509 -newkey ec",
    alg: "ECDSA",
    needsOpenssl: true,
    make: once(() => opensslEcdsaIdentity("localhost")),
    suite: /^TLS-ECDHE-ECDSA-WITH-/,
  },
];

// -------------------------------------------------------------------------------------------------
// The two exchanges

/**
 * A Godot-style mbedTLS client (TLSOptions.client(cert) for "localhost", or `clientArgs`) against
 * a DTLSServer in event mode: the cookie exchange, a packet each way, the client's close_notify
 * ending the server's session. Returns the suite mbedTLS reports.
 */
async function mbedtlsClientToDtlsServer(
  t: ExecutionContext,
  identity: Identity,
  clientArgs: string[] = [],
): Promise<string> {
  const files = identityFiles(t, identity);
  const received: string[] = [];
  const server = dtlsServer(t, identity, (session) => {
    session.on("packet", (data) => {
      received.push(data.toString());
      session.putPacket(Buffer.from("pong from godot-udp"));
    });
  });
  const peer = await runPeer(t, [
    "client", "--port", String(server.port), "--ca", files.certFile, "--hostname", "localhost",
    "--send", "ping from mbedtls", "--expect", "pong from godot-udp", ...clientArgs,
  ]);
  t.is(await exitCode(peer), 0, peer.transcript());
  const suite = negotiated(t, peer);
  t.deepEqual(peer.out.filter((l) => /^(SENT|RECEIVED|DONE)/.test(l)), [
    "SENT ping from mbedtls",
    "RECEIVED pong from godot-udp",
    "DONE",
  ]);
  t.deepEqual(received, ["ping from mbedtls"]);

  // The client ended with close_notify: the server's session answers it and disconnects.
  await until(() => server.sessions[0]?.getStatus() === PacketPeerDTLS.STATUS_DISCONNECTED,
    "the server's session to see the client's close_notify");
  t.deepEqual(server.statuses[0], [PacketPeerDTLS.STATUS_CONNECTED, PacketPeerDTLS.STATUS_DISCONNECTED]);
  const stats = server.dtls.stats();
  // At least one: a first hello retransmitted before the answer (a slow or emulated machine) gets
  // its own cookie.
  t.true(stats.cookiesSent >= 1, "mbedTLS's first ClientHello got a HelloVerifyRequest");
  t.is(stats.handshakesStarted, 1);
  t.is(stats.handshakesCompleted, 1);
  t.is(stats.handshakesFailed, 0);
  t.is(server.sessions.length, 1);
  return suite;
}

/**
 * PacketPeerDTLS (TLSOptions.client(cert), "localhost", Godot's poll loop) against a Godot-style
 * mbedTLS server (with `serverArgs`): the HelloVerifyRequest ends the server's first session, the
 * retry is a new one; a packet each way; close_notify to the server. Returns the suite.
 */
async function packetPeerDtlsToMbedtlsServer(
  t: ExecutionContext,
  identity: Identity,
  serverArgs: string[] = [],
): Promise<string> {
  const files = identityFiles(t, identity);
  const peer = await runPeer(t, [
    "server", "--port", "0", "--cert", files.certFile, "--key", files.keyFile,
    "--send", "pong from mbedtls", "--expect", "ping from godot-udp", ...serverArgs,
  ]);
  const port = await listeningPort(peer);
  const { session, code } = dtlsClient(t, port, "localhost", TLSOptions.client(identity.cert));
  t.is(code, GodotError.OK);
  t.is(await pollHandshake(session), PacketPeerDTLS.STATUS_CONNECTED, peer.transcript());
  t.is(session.putPacket(Buffer.from("ping from godot-udp")), GodotError.OK);
  await until(() => {
    session.poll();
    return session.getAvailablePacketCount() > 0;
  }, `the mbedTLS server's reply (${peer.transcript()})`);
  t.is(session.getPacket().toString(), "pong from mbedtls");
  // close_notify to the mbedTLS server, which answers it and ends.
  session.disconnectFromPeer();
  t.is(await exitCode(peer), 0, peer.transcript());
  const suite = negotiated(t, peer);
  t.deepEqual(peer.out.filter((l) => !/^(VERSION|LISTENING|CONNECTED) /.test(l)), [
    "HELLO_VERIFY_SENT",
    "RECEIVED ping from godot-udp",
    "SENT pong from mbedtls",
    "CLOSED",
    "DONE",
  ]);
  t.true(peer.out.indexOf("HELLO_VERIFY_SENT") < peer.out.findIndex((l) => l.startsWith("CONNECTED ")));
  return suite;
}

// -------------------------------------------------------------------------------------------------
// The tests

opensslTest("an openssl-made EC P-256 key (PKCS#8) and certificate load into CryptoKey and X509Certificate, and save as Godot writes them (SEC1)", (t) => {
  const identity = opensslEcdsaIdentity();
  t.regex(identity.keyPem, /^-----BEGIN PRIVATE KEY-----\n/, "openssl req writes PKCS#8");
  t.regex(identity.key.saveToString(), /^-----BEGIN EC PRIVATE KEY-----\n/);
  t.false(identity.key.isPublicOnly());
  t.regex(identity.cert.saveToString(), /^-----BEGIN CERTIFICATE-----\n/);
});

for (const kind of kinds) {
  const interop = (title: string, impl: (t: ExecutionContext) => unknown) =>
    mbedtlsTest(`${title} (${kind.name})`, { openssl: kind.needsOpenssl }, impl);

  interop("a Godot-style mbedTLS client (TLSOptions.client(cert), \"localhost\") joins DTLSServer in event mode: cookie exchange, handshake, a packet each way", async (t) => {
    t.regex(await mbedtlsClientToDtlsServer(t, kind.make()), kind.suite);
  });

  interop("PacketPeerDTLS (TLSOptions.client(cert), \"localhost\") joins a Godot-style mbedTLS server with cookies: handshake, a packet each way", async (t) => {
    t.regex(await packetPeerDtlsToMbedtlsServer(t, kind.make()), kind.suite);
  });

  interop("a Godot-style mbedTLS client with the wrong hostname fails its handshake cleanly (X509 verify failed, CN mismatch)", async (t) => {
    const identity = kind.make();
    const files = identityFiles(t, identity);
    const server = dtlsServer(t, identity);
    const peer = await runPeer(t, [
      "client", "--port", String(server.port), "--ca", files.certFile, "--hostname", "not-localhost.example",
      "--send", "never sent", "--expect", "never received",
    ]);
    t.is(await exitCode(peer), 1, peer.transcript());
    t.is(lineStarting(peer, "CONNECTED "), undefined);
    t.regex(lineStarting(peer, "ERROR ") ?? "", /^ERROR -0x2700 X509 - Certificate verification failed/, peer.transcript());
    const flags = Number.parseInt((lineStarting(peer, "VERIFY_FLAGS ") ?? "VERIFY_FLAGS 0").split(" ")[1]!, 16);
    t.is(flags, 0x04, `only MBEDTLS_X509_BADCERT_CN_MISMATCH (${peer.transcript()})`);

    // mbedTLS sends a fatal bad_certificate alert: the server's session fails at once (it does
    // not wait for its handshake deadline) and is counted as a failed handshake.
    await until(() => server.sessions[0] !== undefined && server.sessions[0].getStatus() !== PacketPeerDTLS.STATUS_HANDSHAKING,
      "the server's session to end");
    t.is(server.sessions[0]!.getStatus(), PacketPeerDTLS.STATUS_ERROR);
    const stats = server.dtls.stats();
    t.true(stats.cookiesSent >= 1, "a retransmitted first hello gets its own cookie");
    t.is(stats.handshakesStarted, 1);
    t.is(stats.handshakesCompleted, 0);
    t.is(stats.handshakesFailed, 1);
    t.is(stats.handshakesTimedOut, 0);
  });

  interop("a Godot-style mbedTLS client like TLSOptions.client_unsafe() (VERIFY_NONE, no hostname, no CA) joins DTLSServer", async (t) => {
    const identity = kind.make();
    const received: string[] = [];
    const server = dtlsServer(t, identity, (session) => {
      session.on("packet", (data) => {
        received.push(data.toString());
        session.putPacket(Buffer.from("pong to an unsafe client"));
      });
    });
    const peer = await runPeer(t, [
      "client", "--port", String(server.port), "--unsafe", "--hostname", "not-localhost.example",
      "--send", "ping from an unsafe client", "--expect", "pong to an unsafe client",
    ]);
    t.is(await exitCode(peer), 0, peer.transcript());
    t.regex(negotiated(t, peer), kind.suite);
    t.deepEqual(received, ["ping from an unsafe client"]);
    t.is(server.dtls.stats().handshakesCompleted, 1);
  });

  // mbedTLS 2.28's defaults settle on ChaCha20-Poly1305 both ways (above); Godot 4.3+ ships
  // mbedTLS 3.6, and either end's preference may pick another suite of Godot's default list.
  for (const cipher of ["AES-128-GCM-SHA256", "AES-256-GCM-SHA384", "AES-128-CBC-SHA256", "AES-256-CBC-SHA"]) {
    const name = `TLS-ECDHE-${kind.alg}-WITH-${cipher}`;
    interop(`${name}, the only suite mbedTLS offers or accepts, works both ways`, async (t) => {
      const identity = kind.make();
      t.is(await mbedtlsClientToDtlsServer(t, identity, ["--ciphersuite", name]), name);
      t.is(await packetPeerDtlsToMbedtlsServer(t, identity, ["--ciphersuite", name]), name);
    });
  }
}

// The key is made off the JS thread (generateRsaAsync): a 4096-bit key takes a second or more,
// which on the JS thread would hold up the other tests' handshakes.
mbedtlsTest("RSA 4096 (Godot's documentation makes keys of that size): DTLSServer's certificate is fragmented at its 1200-byte MTU and mbedTLS reassembles it; PacketPeerDTLS takes mbedTLS's unfragmented one", { openssl: false }, async (t) => {
  const crypto = new Crypto();
  const key = (await crypto.generateRsaAsync(4096))!;
  const cert = crypto.generateSelfSignedCertificate(key, "CN=localhost,O=godot-udp tests,C=IT")!;
  const identity: Identity = { key, cert, keyPem: key.saveToString(), certPem: cert.saveToString() };
  const der = Buffer.from(identity.certPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  t.true(der.length > 1200, `a ${der.length}-byte certificate needs more than one 1200-byte datagram`);
  t.regex(await mbedtlsClientToDtlsServer(t, identity), /^TLS-ECDHE-RSA-WITH-/);
  t.regex(await packetPeerDtlsToMbedtlsServer(t, identity), /^TLS-ECDHE-RSA-WITH-/);
});

// -------------------------------------------------------------------------------------------------
// How Godot's mbedTLS client checks a certificate, and PacketPeerDTLS checking the same way (both
// differed until crates/dtls/src/options.rs followed these tests).

mbedtlsTest("a Godot-style mbedTLS client accepts the hostname \"127.0.0.1\" for a certificate whose CN is 127.0.0.1 (no SAN): mbedTLS compares the CN as text", { openssl: false }, async (t) => {
  const identity = cryptoIdentity("127.0.0.1");
  const files = identityFiles(t, identity);
  const server = dtlsServer(t, identity, (session) => {
    session.on("packet", () => session.putPacket(Buffer.from("pong")));
  });
  const peer = await runPeer(t, [
    "client", "--port", String(server.port), "--ca", files.certFile, "--hostname", "127.0.0.1",
    "--send", "ping", "--expect", "pong",
  ]);
  t.is(await exitCode(peer), 0, peer.transcript());
});

// A certificate made by generateSelfSignedCertificate("CN=127.0.0.1,…"), which Godot accepts for
// "127.0.0.1" (OpenSSL's IP check alone looks only at iPAddress SANs, never the CN).
mbedtlsTest("PacketPeerDTLS with TLSOptions.client(cert) and the hostname \"127.0.0.1\" accepts a certificate whose CN is 127.0.0.1, as Godot does", { openssl: false }, async (t) => {
  const identity = cryptoIdentity("127.0.0.1");
  const files = identityFiles(t, identity);
  const peer = await runPeer(t, [
    "server", "--port", "0", "--cert", files.certFile, "--key", files.keyFile,
    "--send", "pong", "--expect", "ping",
  ]);
  const port = await listeningPort(peer);
  const { session } = dtlsClient(t, port, "127.0.0.1", TLSOptions.client(identity.cert));
  t.is(await pollHandshake(session), PacketPeerDTLS.STATUS_CONNECTED, peer.transcript());
});

mbedtlsTest("a Godot-style mbedTLS client_unsafe(chain) verifies the chain but not the name: the wrong name connects, another certificate does not", { openssl: false }, async (t) => {
  const identity = cryptoIdentity("localhost");
  const other = cryptoIdentity("localhost");
  const files = identityFiles(t, identity);
  const otherFiles = identityFiles(t, other);
  const server = dtlsServer(t, identity, (session) => {
    session.on("packet", () => session.putPacket(Buffer.from("pong")));
  });
  const wrongName = await runPeer(t, [
    "client", "--port", String(server.port), "--unsafe", "--ca", files.certFile,
    "--hostname", "not-localhost.example", "--send", "ping", "--expect", "pong",
  ]);
  t.is(await exitCode(wrongName), 0, wrongName.transcript());
  const wrongChain = await runPeer(t, [
    "client", "--port", String(server.port), "--unsafe", "--ca", otherFiles.certFile,
    "--hostname", "localhost", "--send", "ping", "--expect", "pong",
  ]);
  t.is(await exitCode(wrongChain), 1, wrongChain.transcript());
  t.is(lineStarting(wrongChain, "VERIFY_FLAGS "), "VERIFY_FLAGS 0x00000008 The certificate is not correctly signed by the trusted CA;");
});

// Godot's client_unsafe verifies the chain when one is given (MBEDTLS_SSL_VERIFY_REQUIRED unless
// the chain is null) and skips only the name.
mbedtlsTest("PacketPeerDTLS with TLSOptions.clientUnsafe(another certificate) fails its handshake, as Godot's client_unsafe(chain) does", { openssl: false }, async (t) => {
  const identity = cryptoIdentity("localhost");
  const other = cryptoIdentity("localhost");
  const files = identityFiles(t, identity);
  const peer = await runPeer(t, [
    "server", "--port", "0", "--cert", files.certFile, "--key", files.keyFile,
    "--send", "pong", "--expect", "ping",
  ]);
  const port = await listeningPort(peer);
  const { session } = dtlsClient(t, port, "localhost", TLSOptions.clientUnsafe(other.cert));
  t.is(await pollHandshake(session), PacketPeerDTLS.STATUS_ERROR, peer.transcript());
});

mbedtlsTest("PacketPeerDTLS with TLSOptions.clientUnsafe(the server's certificate) and a wrong hostname connects, as Godot's client_unsafe(chain) does", { openssl: false }, async (t) => {
  const identity = cryptoIdentity("localhost");
  const files = identityFiles(t, identity);
  const peer = await runPeer(t, [
    "server", "--port", "0", "--cert", files.certFile, "--key", files.keyFile,
    "--send", "pong", "--expect", "ping",
  ]);
  const port = await listeningPort(peer);
  const { session } = dtlsClient(t, port, "not-localhost.example", TLSOptions.clientUnsafe(identity.cert));
  t.is(await pollHandshake(session), PacketPeerDTLS.STATUS_CONNECTED, peer.transcript());
  t.is(session.putPacket(Buffer.from("ping")), GodotError.OK);
  await until(() => {
    session.poll();
    return session.getAvailablePacketCount() > 0;
  }, `the mbedTLS server's reply (${peer.transcript()})`);
  t.is(session.getPacket().toString(), "pong");
  session.disconnectFromPeer();
  t.is(await exitCode(peer), 0, peer.transcript());
});

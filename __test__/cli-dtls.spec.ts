// The godot-udp command with --dtls, end to end: the built CLI (node dist/cli/main.js) runs as child
// processes on loopback (127.0.0.1 and ::1), with keys and certificates made by Crypto in a
// temporary directory. Every wait has a deadline; every child is killed in teardown if still alive,
// every socket of the test process is closed.
import test from "ava";
import { execFileSync } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summaryJson, summaryText } from "../src-ts/cli/summary.js";
import {
  Crypto,
  DTLSStatus,
  GodotError,
  PacketPeerDTLS,
  PacketPeerUDP,
  TLSOptions,
  X509Certificate,
  strToVar,
  varToBytes,
} from "../src-ts/index.js";
import { slowdown, unlessWindows } from "./emulation.js";
import { CLI, ROOT, WAIT_MS, start, type Run } from "./cli-process.js";

const LISTENING = /listening on (?:\[[^\]]+\]|[^\s:]+):(\d+)/;
const WINDOWS_NO_SIGINT =
  "child.kill('SIGINT') ends a process at once (TerminateProcess): no handler runs, so no summary is printed";

// ------------------------------------------------------------------------------------------------
// Harness (as in cli.spec.ts)

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtMtime(): number {
  try {
    return Math.min(statSync(CLI).mtimeMs, statSync(join(ROOT, "dist", "index.js")).mtimeMs);
  } catch {
    return 0;
  }
}

/** Key and certificate files, made once. */
interface Files {
  dir: string;
  /** Key and certificate of the server, CN=localhost. */
  key: string;
  cert: string;
  /** Another self-signed certificate for CN=localhost, with its key: not the server's. */
  otherKey: string;
  otherCert: string;
  /** A file that is neither a key nor a certificate. */
  junk: string;
}

let files: Files;

test.before(() => {
  if (builtMtime() < newestMtime(join(ROOT, "src-ts"))) {
    try {
      execFileSync("npm", ["run", "build:ts"], { cwd: ROOT, stdio: "pipe", timeout: 180_000 });
    } catch (err) {
      const output = err instanceof Error && "stderr" in err ? String((err as { stderr: unknown }).stderr) : String(err);
      throw new Error(`cli-dtls.spec needs dist/ built from the current sources, and "npm run build:ts" failed:\n${output}`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "godot-udp-cli-dtls-"));
  const crypto = new Crypto();
  const make = (name: string): [string, string] => {
    const key = crypto.generateRsa(2048);
    if (key === null) throw new Error("generateRsa failed");
    const cert = crypto.generateSelfSignedCertificate(key, `CN=localhost,O=${name},C=IT`);
    if (cert === null) throw new Error("generateSelfSignedCertificate failed");
    const keyPath = join(dir, `${name}.key`);
    const certPath = join(dir, `${name}.crt`);
    if (key.save(keyPath) !== GodotError.OK || cert.save(certPath) !== GodotError.OK) throw new Error("save failed");
    return [keyPath, certPath];
  };
  const [key, cert] = make("server");
  const [otherKey, otherCert] = make("other");
  const junk = join(dir, "junk.txt");
  writeFileSync(junk, "neither a key nor a certificate\n");
  files = { dir, key, cert, otherKey, otherCert, junk };
});

test.after.always(() => {
  if (files !== undefined) rmSync(files.dir, { recursive: true, force: true });
});

/** Runs the CLI to completion. */
async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const r = start(args);
  const { code } = await r.exited;
  return { code, stdout: r.stdout(), stderr: r.stderr(), ms: Date.now() - started };
}

/** `listen`/`echo` with DTLS on a free port of `bind`; resolves once it listens. */
async function startDtls(
  command: "listen" | "echo",
  args: string[] = [],
  bind = "127.0.0.1",
): Promise<Run & { port: number }> {
  const credentials = args.includes("--self-signed") ? [] : ["--key", files.key, "--cert", files.cert];
  const r = start([command, "0", "--bind", bind, "--dtls", ...credentials, ...args]);
  const m = await r.waitFor(args.includes("--json") ? /"event":"listening".*"port":(\d+)/ : LISTENING);
  return Object.assign(r, { port: Number(m[1]) });
}

/** `send --dtls` to 127.0.0.1, trusting the server's certificate and checking the name localhost. */
function sendVerified(port: number, value: string, ...extra: string[]): Promise<Awaited<ReturnType<typeof run>>> {
  return run(["send", "127.0.0.1", String(port), value, "--dtls", "--ca", files.cert, "--hostname", "localhost", ...extra]);
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

/** A loopback socket that receives and never answers. */
async function silentSocket(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket("udp4");
  await new Promise<void>((ok) => socket.bind(0, "127.0.0.1", ok));
  return { socket, port: socket.address().port };
}

function canBindIpv6Loopback(): boolean {
  const peer = new PacketPeerUDP();
  try {
    return peer.bind(0, "::1") === GodotError.OK;
  } finally {
    peer.close();
  }
}

const TIME = String.raw`\d\d:\d\d:\d\d\.\d{3}`;

// ------------------------------------------------------------------------------------------------
// listen --dtls <- send --dtls

test.serial("listen --dtls prints what send --dtls sent (certificate verified) as listen prints plain packets", async (t) => {
  const values: Array<[string, string, number]> = ["Vector2(1, 2)", '{"hp": 10, "name": "Player"}', "1.0"].map((v) => [
    v,
    v,
    varToBytes(strToVar(v)).length,
  ]);
  const total = values.reduce((sum, [, , size]) => sum + size, 0);
  const listen = await startDtls("listen", ["--count", String(values.length)]);
  t.regex(listen.stdout(), new RegExp(`^listening on 127\\.0\\.0\\.1:${listen.port} with DTLS \\(certificate CN=localhost, O=server, C=IT\\)\\n`));
  for (const [value, shown, size] of values) {
    const sent = await sendVerified(listen.port, value);
    t.is(sent.code, 0, sent.stderr);
    t.is(sent.stderr, "");
    const out = lines(sent.stdout);
    t.regex(out[0] ?? "", new RegExp(`^DTLS handshake with 127\\.0\\.0\\.1:${listen.port} done in \\d+ ms \\(certificate verified for "localhost"\\)$`));
    t.is(out[1], `sent ${shown} (${size} B) to 127.0.0.1:${listen.port} over DTLS`);
    t.is(out.length, 2);
    await listen.waitFor(new RegExp(`  ${size} B  ${escapeRegExp(shown)}\\n`));
  }
  const { code } = await listen.exited;
  t.is(code, 0, listen.stderr());
  t.is(listen.stderr(), "", "nothing extra when piped");
  const out = lines(listen.stdout());
  const packets = out.filter((l) => / \d+ B  /.test(l));
  t.is(packets.length, values.length);
  values.forEach(([, shown, size], i) => {
    t.regex(packets[i] ?? "", new RegExp(`^${TIME}  127\\.0\\.0\\.1:\\d+  ${size} B  ${escapeRegExp(shown)}$`));
  });
  // Each client: its handshake, then its packet; the first two also closed their sessions
  // before the next one started (the third packet ended listen).
  const handshakes = out.filter((l) => / DTLS handshake done in \d+ ms$/.test(l));
  t.is(handshakes.length, 3);
  const closed = out.filter((l) => / DTLS session closed by the client$/.test(l));
  t.is(closed.length, 2);
  for (const line of [...handshakes, ...closed]) t.regex(line, new RegExp(`^${TIME}  127\\.0\\.0\\.1:\\d+  DTLS `));
  const client = (line: string): string => line.split("  ")[1] ?? "";
  for (let i = 0; i < 3; i++) {
    const at = out.indexOf(handshakes[i] ?? "");
    t.is(client(out[at + 1] ?? ""), client(handshakes[i] ?? ""), "the packet follows its handshake");
  }
  t.regex(
    out.at(-1) ?? "",
    new RegExp(`^summary: 3 packets \\(${total} B\\) received in [\\d.]+ s, .*; 0 dropped; 0 not Variants; 3 DTLS sessions, 0 failed handshakes$`),
  );
});

test.serial("listen --dtls --json: listening, dtls and packet events, and the session counts in the summary", async (t) => {
  const listen = await startDtls("listen", ["--json", "--count", "2", "--hex"]);
  const sent = await sendVerified(listen.port, "Vector3i(1, 2, 3)", "--repeat", "2", "--json");
  t.is(sent.code, 0, sent.stderr);
  const sentRecords = lines(sent.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
  t.like(sentRecords[0], { event: "dtls", state: "connected", to: `127.0.0.1:${listen.port}`, hostname: "localhost", verified: true });
  t.is(typeof sentRecords[0]?.milliseconds, "number");
  t.like(sentRecords[1], { event: "sent", to: `127.0.0.1:${listen.port}`, text: "Vector3i(1, 2, 3)", size: 16, dtls: true });
  t.like(sentRecords[2], { event: "summary", verb: "sent", packets: 2, bytes: 32 });
  t.is(sentRecords.length, 3);

  t.is((await listen.exited).code, 0);
  const records = lines(listen.stdout()).map((l) => JSON.parse(l) as Record<string, unknown>);
  t.deepEqual(records[0], {
    event: "listening",
    address: "127.0.0.1",
    port: listen.port,
    dtls: true,
    certificate: "CN=localhost, O=server, C=IT",
    selfSigned: false,
  });
  t.like(records[1], { event: "dtls", address: "127.0.0.1", state: "connected", status: "STATUS_CONNECTED" });
  t.is(typeof records[1]?.milliseconds, "number");
  const clientPort = records[1]?.port;
  for (const record of records.slice(2, 4)) {
    t.like(record, {
      event: "packet",
      address: "127.0.0.1",
      port: clientPort,
      size: 16,
      variantType: "Vector3i",
      value: { x: 1, y: 2, z: 3 },
      text: "Vector3i(1, 2, 3)",
      hex: "0a 00 00 00 01 00 00 00 02 00 00 00 03 00 00 00",
    });
  }
  t.like(records[4], {
    event: "summary",
    verb: "received",
    packets: 2,
    bytes: 32,
    dropped: 0,
    undecodable: 0,
    dtlsSessions: 1,
    dtlsHandshakesFailed: 0,
    notDtls: 0,
  });
  t.is(records.length, 5);
});

test.serial("send --dtls --insecure connects to a throwaway --self-signed certificate that nothing verifies", async (t) => {
  const listen = await startDtls("listen", ["--self-signed", "--count", "1"]);
  t.regex(
    listen.stdout(),
    /^listening on 127\.0\.0\.1:\d+ with DTLS \(throwaway self-signed certificate CN=localhost, O=godot-udp: clients must skip verification\)\n/,
  );
  // Verified, it fails: the certificate is trusted by nobody.
  const verified = await run(["send", "127.0.0.1", String(listen.port), "1", "--dtls", "--ca", files.cert, "--hostname", "localhost"]);
  t.is(verified.code, 1);
  t.regex(verified.stderr, /DTLS handshake with 127\.0\.0\.1:\d+ failed: STATUS_ERROR: the server's certificate is not trusted by --ca /);
  const insecure = await run(["send", "127.0.0.1", String(listen.port), '&"jump"', "--dtls", "--insecure"]);
  t.is(insecure.code, 0, insecure.stderr);
  t.regex(insecure.stdout, /^DTLS handshake with 127\.0\.0\.1:\d+ done in \d+ ms \(certificate not verified: --insecure\)\nsent &"jump" \(12 B\) to 127\.0\.0\.1:\d+ over DTLS\n$/);
  t.is((await listen.exited).code, 0);
  t.regex(listen.stdout(), / DTLS handshake failed: STATUS_ERROR \(the client refused the certificate or the handshake\)\n/);
  t.regex(listen.stdout(), /  12 B  &"jump"\n/);
  t.regex(listen.stdout(), /; 1 DTLS session, 1 failed handshake\n$/);
});

// ------------------------------------------------------------------------------------------------
// Handshake failures

test.serial("send --dtls: a certificate for another name fails with STATUS_ERROR_HOSTNAME_MISMATCH (exit code 1)", async (t) => {
  const listen = await startDtls("listen", ["--count", "1"]);
  // <host> is an address, the certificate is for localhost.
  const byAddress = await run(["send", "127.0.0.1", String(listen.port), "1", "--dtls", "--ca", files.cert]);
  t.is(byAddress.code, 1);
  t.is(byAddress.stdout, "", "nothing sent");
  t.is(
    byAddress.stderr,
    `godot-udp send: DTLS handshake with 127.0.0.1:${listen.port} failed: STATUS_ERROR_HOSTNAME_MISMATCH: ` +
      `the server's certificate is not for "127.0.0.1" (--hostname <name> checks the name it carries; --insecure checks none)\n`,
  );
  const wrongName = await run(["send", "127.0.0.1", String(listen.port), "1", "--dtls", "--ca", files.cert, "--hostname", "game.example"]);
  t.is(wrongName.code, 1);
  t.regex(wrongName.stderr, /failed: STATUS_ERROR_HOSTNAME_MISMATCH: the server's certificate is not for "game\.example" /);
  // The right name passes (and ends listen).
  const right = await sendVerified(listen.port, "2");
  t.is(right.code, 0, right.stderr);
  t.is((await listen.exited).code, 0);
  const failures = lines(listen.stdout()).filter((l) => l.includes("DTLS handshake failed: STATUS_ERROR"));
  t.is(failures.length, 2, listen.stdout());
  t.regex(listen.stdout(), /; 1 DTLS session, 2 failed handshakes\n$/);
});

test.serial("send --dtls: a certificate --ca (or the system) does not trust fails with STATUS_ERROR (exit code 1)", async (t) => {
  const listen = await startDtls("listen", ["--count", "1"]);
  const other = await run(["send", "127.0.0.1", String(listen.port), "1", "--dtls", "--ca", files.otherCert, "--hostname", "localhost"]);
  t.is(other.code, 1);
  t.is(
    other.stderr,
    `godot-udp send: DTLS handshake with 127.0.0.1:${listen.port} failed: STATUS_ERROR: the server's certificate is not ` +
      `trusted by --ca ${files.otherCert}, or the server refused the handshake\n`,
  );
  const system = await run(["send", "127.0.0.1", String(listen.port), "1", "--dtls", "--hostname", "localhost"]);
  t.is(system.code, 1);
  t.regex(system.stderr, /failed: STATUS_ERROR: the server's certificate is not trusted by the system's CA certificates \(--ca <file> trusts another, --insecure alone checks nothing\)/);
  // --insecure with --ca is Godot's client_unsafe(chain): the chain is still verified, the name not.
  const unsafeOther = await run(["send", "127.0.0.1", String(listen.port), "1", "--dtls", "--insecure", "--ca", files.otherCert]);
  t.is(unsafeOther.code, 1);
  t.regex(unsafeOther.stderr, /failed: STATUS_ERROR: the server's certificate is not trusted by --ca .*other\.crt, or the server refused the handshake\n$/);
  const unsafeRight = await run(["send", "127.0.0.1", String(listen.port), "2", "--dtls", "--insecure", "--ca", files.cert, "--json"]);
  t.is(unsafeRight.code, 0, unsafeRight.stderr);
  t.like(JSON.parse(lines(unsafeRight.stdout)[0] ?? "{}"), { event: "dtls", state: "connected", hostname: null, verified: true });
  t.is((await listen.exited).code, 0);
  t.is(lines(listen.stdout()).filter((l) => l.includes("DTLS handshake failed: STATUS_ERROR")).length, 3, listen.stdout());
  t.regex(listen.stdout(), /  8 B  2\n/);
  t.regex(listen.stdout(), /; 1 DTLS session, 3 failed handshakes\n$/);

  const text = await startDtls("listen", ["--count", "1"]);
  const trustedOnly = await run(["send", "127.0.0.1", String(text.port), "3", "--dtls", "--insecure", "--ca", files.cert]);
  t.is(trustedOnly.code, 0, trustedOnly.stderr);
  t.regex(trustedOnly.stdout, /^DTLS handshake with 127\.0\.0\.1:\d+ done in \d+ ms \(certificate trusted by --ca, name not checked: --insecure\)\n/);
  t.is((await text.exited).code, 0);
});

test.serial("send --dtls where nobody answers DTLS gives up after --handshake-timeout (exit code 1)", async (t) => {
  const { socket, port } = await silentSocket();
  try {
    const r = await run(["send", "127.0.0.1", String(port), "1", "--dtls", "--insecure", "--handshake-timeout", "400"]);
    t.is(r.code, 1);
    t.is(r.stdout, "");
    t.is(
      r.stderr,
      `godot-udp send: DTLS handshake with 127.0.0.1:${port} failed: timed out: no answer within 400 ms ` +
        "(STATUS_ERROR; is a DTLS server listening there?)\n",
    );
    t.true(r.ms >= 400, `${r.ms} ms`);
    t.true(r.ms < 400 + 5000 * slowdown, `${r.ms} ms: the timeout ends it, not the exit grace`);
  } finally {
    socket.close();
  }
});

test.serial("send --dtls: the server ending the session mid-way is a failure that says so", async (t) => {
  const listen = await startDtls("listen", ["--count", "2"]);
  const r = await sendVerified(listen.port, "7", "--repeat", "0", "--interval", "20");
  t.is(r.code, 1);
  t.regex(r.stderr, new RegExp(`^godot-udp send: sending to 127\\.0\\.0\\.1:${listen.port} failed after \\d+ packets: ERR_UNCONFIGURED: the server closed the DTLS session\\n$`));
  t.regex(r.stdout, /\nsummary: \d+ packets \(\d+ B\) sent in /);
  t.is((await listen.exited).code, 0);
});

// ------------------------------------------------------------------------------------------------
// echo --dtls, IPv6, plain traffic

test.serial("echo --dtls answers in the client's session; send --dtls --reply prints the answers", async (t) => {
  const echo = await startDtls("echo", ["--count", "3"]);
  t.regex(echo.stdout(), /^echo server listening on 127\.0\.0\.1:\d+ with DTLS \(certificate CN=localhost, O=server, C=IT\)\n/);
  const r = await sendVerified(echo.port, '"ping"', "--reply", "--repeat", "3", "--interval", "10");
  t.is(r.code, 0, r.stderr);
  const replies = lines(r.stdout).filter((l) => l.includes(" reply "));
  t.is(replies.length, 3, r.stdout);
  for (const line of replies) t.regex(line, new RegExp(`^${TIME}  reply 127\\.0\\.0\\.1:${echo.port}  12 B  "ping"$`));
  t.regex(r.stdout, /sent "ping" \(12 B\) to 127\.0\.0\.1:\d+ over DTLS, 3 times\n/);
  t.is((await echo.exited).code, 0);
  t.regex(echo.stdout(), / DTLS handshake done in \d+ ms\n/);
  t.is(lines(echo.stdout()).filter((l) => l.endsWith('  12 B  "ping"')).length, 3);
  t.regex(echo.stdout(), /\nsummary: 3 packets \(36 B\) echoed in .*; 0 dropped; 1 DTLS session, 0 failed handshakes\n$/);

  // A PacketPeerDTLS of the library (a Godot client's API) gets the same answers.
  const quiet = await startDtls("echo", ["--count", "1", "--quiet"]);
  const udp = new PacketPeerUDP();
  const client = new PacketPeerDTLS();
  t.teardown(() => {
    client.disconnectFromPeer();
    udp.close();
  });
  t.is(udp.connectToHost("127.0.0.1", quiet.port), GodotError.OK);
  const trusted = new X509Certificate();
  t.is(trusted.load(files.cert), GodotError.OK);
  const answer = new Promise<Buffer>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("no answer")), WAIT_MS);
    client.on("status", (status) => {
      if (status === DTLSStatus.STATUS_CONNECTED) client.putVar([1, "two"]);
      else if (status !== DTLSStatus.STATUS_HANDSHAKING) fail(new Error(`status ${status}`));
    });
    client.once("packet", (data) => {
      clearTimeout(timer);
      ok(data);
    });
  });
  t.is(client.connectToPeer(udp, "localhost", TLSOptions.client(trusted)), GodotError.OK);
  t.deepEqual(await answer, Buffer.from(varToBytes([1, "two"])));
  t.is((await quiet.exited).code, 0);
  t.is(lines(quiet.stdout()).length, 2, "--quiet: the first line and the summary, no handshake lines");
});

test.serial("listen --dtls and send --dtls over IPv6 loopback (::1)", async (t) => {
  if (!canBindIpv6Loopback()) {
    t.pass("::1 cannot be bound here: no IPv6 loopback");
    return;
  }
  const listen = await startDtls("listen", ["--count", "1"], "::1");
  t.regex(listen.stdout(), /^listening on \[::1\]:\d+ with DTLS/);
  const r = await run(["send", "::1", String(listen.port), "Vector2(0.5, -1)", "--dtls", "--ca", files.cert, "--hostname", "localhost"]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, new RegExp(`^DTLS handshake with \\[::1\\]:${listen.port} done in .*\\nsent Vector2\\(0\\.5, -1\\) \\(12 B\\) to \\[::1\\]:${listen.port} over DTLS\\n$`));
  t.is((await listen.exited).code, 0);
  t.regex(listen.stdout(), new RegExp(`\\n${TIME}  \\[0:0:0:0:0:0:0:1\\]:\\d+  12 B  Vector2\\(0\\.5, -1\\)\\n`));
});

test.serial("plain UDP to listen --dtls is reported as not DTLS; DTLS clients still get through", async (t) => {
  const listen = await startDtls("listen", ["--count", "1"]);
  const plain = await run(["send", "127.0.0.1", String(listen.port), "hello", "--raw"]);
  t.is(plain.code, 0, plain.stderr);
  await listen.waitFor(/  not DTLS: the first datagram of this client is no ClientHello, ignored\n/);
  t.is((await sendVerified(listen.port, "3")).code, 0);
  t.is((await listen.exited).code, 0);
  t.regex(listen.stdout(), /  8 B  3\n/);
  t.regex(listen.stdout(), /; 1 DTLS session, 0 failed handshakes, 1 not DTLS\n$/);
});

// ------------------------------------------------------------------------------------------------
// Ctrl-C

unlessWindows(WINDOWS_NO_SIGINT, test.serial)("SIGINT ends listen --dtls with its summary; an open session gets close_notify", async (t) => {
  const listen = await startDtls("listen");
  const udp = new PacketPeerUDP();
  const client = new PacketPeerDTLS();
  t.teardown(() => {
    client.disconnectFromPeer();
    udp.close();
  });
  t.is(udp.connectToHost("127.0.0.1", listen.port), GodotError.OK);
  const statuses: DTLSStatus[] = [];
  const reached = (wanted: DTLSStatus): Promise<void> =>
    new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no status ${wanted}: ${statuses.join(", ")}`)), WAIT_MS);
      const check = (): void => {
        if (!statuses.includes(wanted)) return;
        clearTimeout(timer);
        client.off("status", check);
        ok();
      };
      client.on("status", check);
      check();
    });
  client.on("status", (status) => statuses.push(status));
  const connected = reached(DTLSStatus.STATUS_CONNECTED);
  t.is(client.connectToPeer(udp, "anything", TLSOptions.clientUnsafe()), GodotError.OK);
  await connected;
  t.is(client.putVar("before Ctrl-C"), GodotError.OK);
  await listen.waitFor(/  24 B  "before Ctrl-C"\n/);
  const disconnected = reached(DTLSStatus.STATUS_DISCONNECTED);
  listen.child.kill("SIGINT");
  const { code } = await listen.exited;
  t.is(code, 0);
  t.regex(listen.stdout(), /\nsummary: 1 packet \(24 B\) received in [\d.]+ s, .*; 0 dropped; 0 not Variants; 1 DTLS session, 0 failed handshakes\n$/);
  await disconnected;
  t.deepEqual(statuses, [DTLSStatus.STATUS_HANDSHAKING, DTLSStatus.STATUS_CONNECTED, DTLSStatus.STATUS_DISCONNECTED]);
});

// ------------------------------------------------------------------------------------------------
// Usage and set-up errors

const BAD_ARGUMENTS: Array<[string[], RegExp, string]> = [
  [["listen", "0", "--dtls"], /^godot-udp listen: --dtls needs the server's private key and certificate: --key <file> and --cert <file> \(PEM files\), or --self-signed for a throwaway certificate\n/, "listen"],
  [["listen", "0", "--dtls", "--key", "k.pem"], /^godot-udp listen: --dtls needs the server's private key and certificate: --cert <file> /, "listen"],
  [["echo", "0", "--dtls", "--cert", "c.pem"], /^godot-udp echo: --dtls needs the server's private key and certificate: --key <file> /, "echo"],
  [["listen", "0", "--key", "k.pem", "--cert", "c.pem"], /^godot-udp listen: --key only applies with --dtls\n/, "listen"],
  [["echo", "0", "--self-signed"], /^godot-udp echo: --self-signed only applies with --dtls\n/, "echo"],
  [["listen", "0", "--dtls", "--self-signed", "--cert", "c.pem"], /^godot-udp listen: --self-signed makes its own key and certificate: give it without --key and --cert\n/, "listen"],
  [["send", "127.0.0.1", "9", "1", "--insecure"], /^godot-udp send: --insecure only applies with --dtls\n/, "send"],
  [["send", "127.0.0.1", "9", "1", "--ca", "c.pem"], /^godot-udp send: --ca only applies with --dtls\n/, "send"],
  [["send", "127.0.0.1", "9", "1", "--dtls", "--insecure", "--hostname", "x"], /^godot-udp send: --insecure sends and checks no name: give either --insecure or --hostname <name>, not both\n/, "send"],
  [["send", "127.0.0.1", "9", "1", "--dtls", "--handshake-timeout", "0"], /^godot-udp send: --handshake-timeout must be between 1 and /, "send"],
  [["send", "127.0.0.1", "9", "1", "--dtls", "--hostname", ""], /^godot-udp send: --hostname must not be empty\n/, "send"],
];

test.serial("--dtls without a key and a certificate, and DTLS options without --dtls, are usage errors (exit code 2)", async (t) => {
  for (const [args, message, command] of BAD_ARGUMENTS) {
    const r = await run(args);
    t.is(r.code, 2, args.join(" "));
    t.regex(r.stderr, message, args.join(" "));
    t.regex(r.stderr, new RegExp(`\\nUsage: godot-udp ${command} `), args.join(" "));
    t.is(r.stdout, "", args.join(" "));
  }
});

test.serial("key and certificate files that are missing or wrong fail with the reason (exit code 1)", async (t) => {
  const missing = join(files.dir, "missing.pem");
  const cases: Array<[string[], string]> = [
    [["listen", "0", "--dtls", "--key", missing, "--cert", files.cert], `godot-udp listen: cannot read --key ${missing}: no such file (ENOENT)\n`],
    [["echo", "0", "--dtls", "--key", files.key, "--cert", missing], `godot-udp echo: cannot read --cert ${missing}: no such file (ENOENT)\n`],
    [["listen", "0", "--dtls", "--key", files.dir, "--cert", files.cert], `godot-udp listen: cannot read --key ${files.dir}: it is a directory (EISDIR)\n`],
    [["listen", "0", "--dtls", "--key", files.cert, "--cert", files.cert], `godot-udp listen: --key ${files.cert} holds no private key (PEM or DER, RSA or EC)\n`],
    [["listen", "0", "--dtls", "--key", files.key, "--cert", files.junk], `godot-udp listen: --cert ${files.junk} holds no certificate (PEM or DER)\n`],
    [
      ["listen", "0", "--dtls", "--key", files.otherKey, "--cert", files.cert],
      `godot-udp listen: the key in --key ${files.otherKey} does not match the certificate in --cert ${files.cert}\n`,
    ],
    [["send", "127.0.0.1", "9", "1", "--dtls", "--ca", missing], `godot-udp send: cannot read --ca ${missing}: no such file (ENOENT)\n`],
    [["send", "127.0.0.1", "9", "1", "--dtls", "--ca", files.key], `godot-udp send: --ca ${files.key} holds no certificate (PEM or DER)\n`],
    [
      ["send", "127.0.0.1", "9", `"${"x".repeat(17000)}"`, "--dtls", "--insecure"],
      "godot-udp send: with --dtls a packet holds at most 16,384 bytes (one DTLS record); <value> is 17,008\n",
    ],
  ];
  for (const [args, message] of cases) {
    const r = await run(args);
    t.is(r.code, 1, args.join(" "));
    t.is(r.stderr, message, args.join(" "));
    t.is(r.stdout, "", args.join(" "));
  }
});

test.serial("--help of listen, echo and send lists the DTLS options", async (t) => {
  for (const command of ["listen", "echo"]) {
    const r = await run([command, "--help"]);
    t.is(r.code, 0);
    for (const option of ["--dtls", "--key <file>", "--cert <file>", "--self-signed"]) t.true(r.stdout.includes(`  ${option} `), `${command}: ${option}`);
  }
  const send = await run(["send", "--help"]);
  t.is(send.code, 0);
  for (const option of ["--dtls", "--ca <file>", "--hostname <name>", "--insecure", "--handshake-timeout <ms>"]) {
    t.true(send.stdout.includes(`  ${option}`), `send: ${option}`);
  }
});

// ------------------------------------------------------------------------------------------------
// Summaries

test("a DTLS summary counts sessions, failed handshakes and clients that spoke no DTLS", (t) => {
  const base = { verb: "received", packets: 2, bytes: 16, seconds: 1, dropped: 0, osDropped: 0, undecodable: 0 };
  t.regex(summaryText({ ...base, dtls: { sessions: 1, handshakesFailed: 1, notDtls: 0 } }), /; 0 not Variants; 1 DTLS session, 1 failed handshake\n$/);
  t.regex(summaryText({ ...base, dtls: { sessions: 2, handshakesFailed: 0, notDtls: 3 } }), /; 2 DTLS sessions, 0 failed handshakes, 3 not DTLS\n$/);
  t.notRegex(summaryText(base), /DTLS/);
  const json = JSON.parse(summaryJson({ ...base, dtls: { sessions: 2, handshakesFailed: 1, notDtls: 3 } })) as Record<string, number>;
  t.like(json, { dtlsSessions: 2, dtlsHandshakesFailed: 1, notDtls: 3 });
  t.false("dtlsSessions" in (JSON.parse(summaryJson(base)) as object));
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// DTLS interop with OpenSSL's own tools (issue 14's "done when"): `openssl s_client -dtls1_2`
// against DTLSServer, PacketPeerDTLS against `openssl s_server -dtls1_2`, with an openssl-made
// identity and a Crypto-made one. Loopback only; every child process is ended.
import type { ExecutionContext } from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { GodotError } from "../src-ts/errors.js";
import { PacketPeerDTLS, TLSOptions } from "../src-ts/dtls/index.js";
import { collectLines, exitOf } from "./child-output.js";
import {
  cryptoIdentity,
  dtlsClient,
  dtlsServer,
  opensslTest,
  identityFiles,
  opensslIdentity,
  pollHandshake,
  type Identity,
} from "./dtls-helpers.js";
import { until } from "./packet-peer-helpers.js";

const interop = opensslTest;
// A child openssl process starts, makes its keys and retransmits on its own clock (1 s, then 2 s):
// on a loaded 2-core machine that takes longer than the in-process deadline.
const CHILD_DEADLINE_MS = 20_000;

function run(t: ExecutionContext, args: string[]): { child: ChildProcess; out: string[]; err: string[] } {
  const child = spawn("openssl", args, { stdio: ["pipe", "pipe", "pipe"] });
  const out = collectLines(child.stdout!);
  const err = collectLines(child.stderr!);
  t.teardown(() => {
    if (child.exitCode === null) child.kill();
  });
  return { child, out, err };
}

const identities: Array<[string, () => Identity]> = [
  ["openssl req -x509 -newkey rsa:2048", () => opensslIdentity()],
  ["Crypto.generateRsa + generateSelfSignedCertificate", () => cryptoIdentity()],
];

for (const [made, make] of identities) {
  interop(`s_client -dtls1_2 handshakes with DTLSServer and its datagram arrives through getPacket() (${made})`, async (t) => {
    const identity = make();
    // The sessions run in event mode (the helper listens to 'status'), with no 'packet' listener:
    // decrypted packets wait in the session for getPacket(), as in Godot's loop.
    const server = dtlsServer(t, identity);
    const { child, out, err } = run(t, [
      "s_client", "-dtls1_2", "-connect", `127.0.0.1:${server.port}`, "-servername", "localhost",
      "-quiet",
    ]);
    // -quiet prints nothing before the handshake: wait for our side to see it.
    await until(() => server.sessions.some((s) => s.getStatus() === PacketPeerDTLS.STATUS_CONNECTED),
      `the handshake (s_client stderr: ${err.join(" | ")})`, CHILD_DEADLINE_MS);
    const session = server.sessions.find((s) => s.getStatus() === PacketPeerDTLS.STATUS_CONNECTED)!;
    child.stdin!.write("hello from s_client\n");
    await until(() => session.getAvailablePacketCount() > 0, "s_client's datagram");
    t.is(session.getPacket().toString(), "hello from s_client\n");
    t.is(session.getPacketError(), GodotError.OK);
    t.is(session.putPacket(Buffer.from("reply from godot-udp\n")), GodotError.OK);
    await until(() => out.includes("reply from godot-udp"), "the reply at s_client");
    const stats = server.dtls.stats();
    // At least one: a first hello retransmitted before the answer gets its own cookie.
    t.true(stats.cookiesSent >= 1, "s_client's first hello got a cookie");
    t.is(stats.handshakesCompleted, 1);
    child.stdin!.end();
    child.kill();
    await exitOf(child);
  });

  interop(`PacketPeerDTLS handshakes with s_server -dtls1_2 (unsafe client and verifying client) (${made})`, async (t) => {
    const identity = make();
    const files = identityFiles(t, identity);
    const { child, out } = run(t, [
      "s_server", "-dtls1_2", "-accept", "127.0.0.1:0", "-key", files.keyFile, "-cert", files.certFile,
    ]);
    await until(() => out.some((l) => l.startsWith("ACCEPT ")), "s_server to listen", CHILD_DEADLINE_MS);
    const port = Number(out.find((l) => l.startsWith("ACCEPT "))!.split(":").pop());

    // s_server serves one client at a time: the unsafe client first, then the verifying one.
    for (const [which, options] of [
      ["clientUnsafe", TLSOptions.clientUnsafe()],
      ["client(cert) for localhost", TLSOptions.client(identity.cert)],
    ] as const) {
      const { session, code, udp } = dtlsClient(t, port, "localhost", options);
      t.is(code, GodotError.OK, which);
      t.is(await pollHandshake(session), PacketPeerDTLS.STATUS_CONNECTED, which);
      const line = `hello s_server from ${which}`;
      t.is(session.putPacket(Buffer.from(`${line}\n`)), GodotError.OK);
      await until(() => out.includes(line), `the datagram at s_server (${which})`);
      // s_server answers what arrives on its stdin: a reply reaches getPacket().
      child.stdin!.write(`reply to ${which}\n`);
      await until(() => {
        session.poll();
        return session.getAvailablePacketCount() > 0;
      }, "s_server's reply");
      t.is(session.getPacket().toString(), `reply to ${which}\n`);
      session.disconnectFromPeer();
      udp.close();
    }
    child.kill();
    await exitOf(child);
  });
}

interop("a wrong hostname against s_server gives STATUS_ERROR_HOSTNAME_MISMATCH", async (t) => {
  const identity = opensslIdentity("localhost");
  const files = identityFiles(t, identity);
  const { child, out } = run(t, [
    "s_server", "-dtls1_2", "-accept", "127.0.0.1:0", "-key", files.keyFile, "-cert", files.certFile,
  ]);
  await until(() => out.some((l) => l.startsWith("ACCEPT ")), "s_server to listen", CHILD_DEADLINE_MS);
  const port = Number(out.find((l) => l.startsWith("ACCEPT "))!.split(":").pop());
  const { session, code } = dtlsClient(t, port, "not-localhost.example", TLSOptions.client(identity.cert));
  t.is(code, GodotError.OK);
  t.is(await pollHandshake(session), PacketPeerDTLS.STATUS_ERROR_HOSTNAME_MISMATCH);
  t.is(session.putPacket(Buffer.from("x")), GodotError.ERR_UNCONFIGURED);
  child.kill();
  await exitOf(child);
});

// The godot-udp command with --enet, end to end: the built CLI (node dist/cli/main.js) runs as child
// processes on 127.0.0.1, talking to ENetConnection clients of the test process and to each other.
// Every wait has a deadline; every child is killed in teardown if still alive, every host of the
// test process is destroyed.
import test from "ava";
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ENetConnection, ENetPacketPeer, GodotError, strToVar, varToBytes, type ENetCompressionMode } from "../src-ts/index.js";
import { slowdown, unlessWindows } from "./emulation.js";
import { CLI, ROOT, WAIT_MS, start, type Run } from "./cli-process.js";

const LISTENING = /listening on (?:\[[^\]]+\]|[^\s:]+):(\d+)/;
const TIME = String.raw`\d\d:\d\d:\d\d\.\d{3}`;
const WINDOWS_NO_SIGINT =
  "child.kill('SIGINT') ends a process at once (TerminateProcess): no handler runs, so no summary is printed";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

test.before(() => {
  let built = 0;
  try {
    built = Math.min(statSync(CLI).mtimeMs, statSync(join(ROOT, "dist", "index.js")).mtimeMs);
  } catch {
    // not built
  }
  if (built < newestMtime(join(ROOT, "src-ts"))) {
    execFileSync("npm", ["run", "build:ts"], { cwd: ROOT, stdio: "pipe", timeout: 180_000 });
  }
});

/** Hosts of the running test: destroyed when it ends. */
const hosts = new Set<ENetConnection>();
test.afterEach.always(() => {
  for (const host of hosts) host.destroy();
  hosts.clear();
});

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const r = start(args);
  const { code } = await r.exited;
  return { code, stdout: r.stdout(), stderr: r.stderr(), ms: Date.now() - started };
}

async function startEnet(command: "listen" | "echo", args: string[] = []): Promise<Run & { port: number }> {
  const r = start([command, "0", "--bind", "127.0.0.1", "--enet", ...args]);
  const m = await r.waitFor(args.includes("--json") ? /"event":"listening".*"port":(\d+)/ : LISTENING);
  return Object.assign(r, { port: Number(m[1]) });
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Resolves with the first `event` of `host` that `accept` takes, or rejects after `ms`. */
function next<A extends unknown[]>(host: ENetConnection, event: "connect" | "disconnect" | "receive", ms = WAIT_MS, accept: (...args: A) => boolean = () => true): Promise<A> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      host.off(event, on as never);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const on = (...args: A): void => {
      if (!accept(...args)) return;
      clearTimeout(timer);
      host.off(event, on as never);
      resolve(args);
    };
    host.on(event, on as never);
  });
}

/** An ENet client of the test process, connected to 127.0.0.1:`port` with CONNECT `data`. */
async function client(port: number, data = 0, compress?: ENetCompressionMode): Promise<{ host: ENetConnection; peer: ENetPacketPeer }> {
  const host = new ENetConnection();
  hosts.add(host);
  if (host.createHost(1, 0) !== GodotError.OK) throw new Error("createHost failed");
  if (compress !== undefined) host.compress(compress);
  // A listener for the whole test keeps the host serviced (event mode) between the waits below.
  host.on("disconnect", () => undefined);
  // Listening before connecting: event mode's first pass must not find the CONNECT done already.
  const connected = next<[ENetPacketPeer, number]>(host, "connect");
  const peer = host.connectToHost("127.0.0.1", port, 0, data);
  if (peer === null) throw new Error("connectToHost failed");
  await connected;
  return { host, peer };
}

// ------------------------------------------------------------------------------------------------
// listen --enet

unlessWindows(WINDOWS_NO_SIGINT, test.serial)("listen --enet shows connects with their data, packets with channel and flags, disconnects, and counts", async (t) => {
  const listen = await startEnet("listen");
  t.regex(listen.stdout(), new RegExp(`^listening on 127\\.0\\.0\\.1:${listen.port} \\(ENet, up to 32 peers, compression none\\)\\n`));
  const { host, peer } = await client(listen.port, 42);
  await listen.waitFor(/ENet peer connected \(data 42\)\n/);
  const value = '{"hp": 10, "pos": Vector2(3, 4)}';
  const bytes = varToBytes(strToVar(value));
  t.is(peer.send(2, bytes, ENetPacketPeer.FLAG_RELIABLE), GodotError.OK);
  t.is(peer.send(5, varToBytes(7), 0), GodotError.OK);
  await listen.waitFor(/ch 5 unreliable  8 B  7\n/);
  const gone = next(host, "disconnect");
  peer.peerDisconnect(9);
  await gone;
  await listen.waitFor(/ENet peer disconnected \(data 9\)\n/);
  listen.child.kill("SIGINT");
  const { code } = await listen.exited;
  t.is(code, 0, listen.stderr());
  const out = lines(listen.stdout());
  const from = String.raw`127\.0\.0\.1:\d+`;
  t.regex(out[1] ?? "", new RegExp(`^${TIME}  ${from}  ENet peer connected \\(data 42\\)$`));
  t.regex(out[2] ?? "", new RegExp(`^${TIME}  ${from}  ch 2 reliable  ${bytes.length} B  ${escapeRegExp(value)}$`));
  t.regex(out[3] ?? "", new RegExp(`^${TIME}  ${from}  ch 5 unreliable  8 B  7$`));
  t.regex(out[4] ?? "", new RegExp(`^${TIME}  ${from}  ENet peer disconnected \\(data 9\\)$`));
  t.regex(out[5] ?? "", new RegExp(`^summary: 2 packets \\(${bytes.length + 8} B\\) received .*; 0 dropped; 0 not Variants; 1 ENet connect, 1 disconnect, \\d+ rejected$`));
  t.is(out.length, 6);
});

test.serial("listen --enet --json <- send --enet: enet events, channel and flags fields, counts in the summary", async (t) => {
  const listen = await startEnet("listen", ["--json", "--count", "1", "--compress", "range-coder"]);
  const first = JSON.parse(lines(listen.stdout())[0] ?? "") as Record<string, unknown>;
  t.like(first, { event: "listening", port: listen.port, enet: true, compress: "range-coder", maxPeers: 32 });
  const sent = await run(["send", "127.0.0.1", String(listen.port), "Vector3i(1, 2, 3)", "--enet", "--compress", "range-coder", "--channel", "4", "--unreliable", "--json"]);
  t.is(sent.code, 0, sent.stderr);
  t.is(sent.stderr, "");
  const records = lines(sent.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
  t.like(records[0], { event: "enet", state: "connected", to: `127.0.0.1:${listen.port}`, compress: "range-coder" });
  t.like(records[1], { event: "sent", text: "Vector3i(1, 2, 3)", size: 16, enet: true, channel: 4, flags: 0 });
  t.is(records.length, 2);
  await listen.waitFor(/"event":"summary"/);
  const { code } = await listen.exited;
  t.is(code, 0, listen.stderr());
  const got = lines(listen.stdout()).map((l) => JSON.parse(l) as Record<string, unknown>);
  t.like(got[1], { event: "enet", state: "connected", data: 0, address: "127.0.0.1" });
  t.like(got[2], { event: "packet", size: 16, channel: 4, flags: 0, flagsText: "unreliable", variantType: "Vector3i", text: "Vector3i(1, 2, 3)" });
  t.like(got.at(-1), { event: "summary", packets: 1, enetConnects: 1, enetRejected: 0 });
});

// ------------------------------------------------------------------------------------------------
// echo --enet

test.serial("echo --enet answers on the same channel with the same flags; send --enet --reply prints the answer", async (t) => {
  const echo = await startEnet("echo", ["--count", "4"]);
  const { host, peer } = await client(echo.port);
  const cases: Array<[number, number]> = [
    [0, ENetPacketPeer.FLAG_RELIABLE],
    [3, 0],
    [7, ENetPacketPeer.FLAG_UNSEQUENCED],
  ];
  for (const [channel, flags] of cases) {
    const data = varToBytes(`on ${channel}`);
    const answered = next<[ENetPacketPeer, Buffer, number, number]>(host, "receive");
    t.is(peer.send(channel, data, flags), GodotError.OK);
    const [, back, backChannel, backFlags] = await answered;
    t.deepEqual(back, Buffer.from(data));
    t.is(backChannel, channel);
    t.is(backFlags & (ENetPacketPeer.FLAG_RELIABLE | ENetPacketPeer.FLAG_UNSEQUENCED), flags);
  }
  const sent = await run(["send", "127.0.0.1", String(echo.port), '"ping"', "--enet", "--channel", "9", "--reply"]);
  t.is(sent.code, 0, sent.stderr + sent.stdout + "\n---\n" + echo.stdout() + echo.stderr());
  const out = lines(sent.stdout);
  t.is(out[1], `sent "ping" (12 B) to 127.0.0.1:${echo.port} over ENet (ch 0 reliable)`.replace("ch 0", "ch 9"));
  t.regex(out[2] ?? "", new RegExp(`^${TIME}  reply 127\\.0\\.0\\.1:${echo.port}  ch 9 reliable  12 B  "ping"$`));
  const { code } = await echo.exited;
  t.is(code, 0, echo.stderr());
  t.regex(lines(echo.stdout()).at(-1) ?? "", /^summary: 4 packets \(\d+ B\) echoed .*; 2 ENet connects, \d disconnects?, 0 rejected$/);
});

// ------------------------------------------------------------------------------------------------
// ENet over DTLS

test.serial("echo --enet --dtls answers send --enet --dtls; a client that verifies the throwaway certificate fails, exit 1", async (t) => {
  const echo = await startEnet("echo", ["--dtls", "--self-signed"]);
  t.regex(echo.stdout(), /^echo server listening on 127\.0\.0\.1:\d+ with DTLS \(throwaway self-signed certificate .*\) \(ENet, up to 32 peers, compression none\)\n/);
  const sent = await run(["send", "127.0.0.1", String(echo.port), '"secret"', "--enet", "--dtls", "--insecure", "--channel", "2", "--reply"]);
  t.is(sent.code, 0, sent.stderr);
  const out = lines(sent.stdout);
  t.regex(out[0] ?? "", new RegExp(`^ENet connection with 127\\.0\\.0\\.1:${echo.port} done in \\d+ ms \\(compression none, over DTLS, certificate not verified: --insecure\\)$`));
  t.is(out[1], `sent "secret" (16 B) to 127.0.0.1:${echo.port} over ENet over DTLS (ch 2 reliable)`);
  t.regex(out[2] ?? "", new RegExp(`^${TIME}  reply 127\\.0\\.0\\.1:${echo.port}  ch 2 reliable  16 B  "secret"$`));
  await echo.waitFor(/ch 2 reliable  16 B  "secret"\n/);
  const verified = await run(["send", "127.0.0.1", String(echo.port), "1", "--enet", "--dtls", "--hostname", "localhost"]);
  t.is(verified.code, 1);
  t.is(verified.stdout, "");
  t.regex(verified.stderr, /failed: DTLS: the handshake failed \(the server's certificate is not trusted, or the server refused the handshake\)\n$/);
});

// ------------------------------------------------------------------------------------------------
// Failures

test.serial("send --enet to a port where nothing listens fails within its deadline, exit 1", async (t) => {
  // A port that was free a moment ago: a host bound and destroyed.
  const probe = new ENetConnection();
  t.is(probe.createHostBound("127.0.0.1", 0), GodotError.OK);
  const port = probe.getLocalPort();
  probe.destroy();
  const r = await run(["send", "127.0.0.1", String(port), "1", "--enet", "--connect-timeout", "800"]);
  t.is(r.code, 1);
  t.is(r.stdout, "");
  t.is(r.stderr, `godot-udp send: ENet connection to 127.0.0.1:${port} failed: no ENet connection within 800 ms (is an ENet host listening there, with --compress none as here?)\n`);
  t.true(r.ms < 800 + 5000 * slowdown, `${r.ms} ms`);
});

unlessWindows(WINDOWS_NO_SIGINT, test.serial)("a --compress mismatch fails to connect; listen counts the datagrams it rejected", async (t) => {
  const listen = await startEnet("listen", ["--compress", "zlib", "--json"]);
  const r = await run(["send", "127.0.0.1", String(listen.port), '"hello"', "--enet", "--connect-timeout", "1000"]);
  t.is(r.code, 1);
  t.regex(r.stderr, /failed: no ENet connection within 1000 ms \(is an ENet host listening there, with --compress none as here\?\)/);
  listen.child.kill("SIGINT");
  await listen.exited;
  const summary = JSON.parse(lines(listen.stdout()).at(-1) ?? "") as Record<string, unknown>;
  t.like(summary, { event: "summary", packets: 0, enetConnects: 0 });
  t.true((summary.enetRejected as number) > 0, JSON.stringify(summary));
});

test("usage errors: bad --compress, --channel out of range, ENet options without --enet, --enet --dtls without a key (exit 2)", async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [["listen", "0", "--enet", "--compress", "bogus"], /--compress must be one of none, range-coder, fastlz, zlib, zstd; got "bogus"/],
    [["send", "127.0.0.1", "9", "1", "--enet", "--compress", "bogus"], /--compress must be one of/],
    [["send", "127.0.0.1", "9", "1", "--enet", "--channel", "255"], /--channel must be between 0 and 254, got 255/],
    [["send", "127.0.0.1", "9", "1", "--enet", "--channel=-1"], /--channel must be between 0 and 254/],
    [["send", "127.0.0.1", "9", "1", "--channel", "1"], /--channel only applies with --enet/],
    [["echo", "0", "--max-peers", "3"], /--max-peers only applies with --enet/],
    [["echo", "0", "--enet", "--max-peers", "0"], /--max-peers must be between 1 and 4095/],
    [["send", "127.0.0.1", "9", "1", "--dtls", "--compress", "zlib"], /--compress only applies with --enet/],
    [["listen", "0", "--enet", "--dtls"], /--dtls needs the server's private key and certificate/],
  ];
  for (const [args, message] of cases) {
    const r = await run(args);
    t.is(r.code, 2, args.join(" "));
    t.regex(r.stderr, message, args.join(" "));
    t.regex(r.stderr, /Usage: godot-udp /);
  }
});

// The godot-udp command, end to end: the built CLI (node dist/cli/main.js) runs as a child process
// against real sockets on loopback. Every child is bounded by a timeout and killed in teardown.
import test from "ava";
import { execFileSync, spawn } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { accessSync, constants as fsConstants, readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { echoedTraffic } from "../src-ts/cli/echo.js";
import { liveRate, summaryJson, summaryText } from "../src-ts/cli/summary.js";
import { GodotError, PacketPeerUDP } from "../src-ts/index.js";
import { GodotObject, Vector2 } from "../src-ts/variant/index.js";
import { QEMU_NO_OS_DROP_COUNT, unlessQemu, unlessWindows } from "./emulation.js";
import { CHILD_TIMEOUT_MS, CLI, ROOT, children, start, type Run } from "./cli-process.js";

const LISTENING = /listening on (?:\[[^\]]+\]|[^\s:]+):(\d+)/;
/** Why the Ctrl-C tests cannot pass on Windows. */
const WINDOWS_NO_SIGINT =
  "child.kill('SIGINT') ends a process at once (TerminateProcess): no handler runs, so no summary is printed";

// ------------------------------------------------------------------------------------------------
// Harness

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

test.before(() => {
  if (builtMtime() >= newestMtime(join(ROOT, "src-ts"))) return;
  try {
    execFileSync("npm", ["run", "build:ts"], { cwd: ROOT, stdio: "pipe", timeout: 180_000 });
  } catch (err) {
    const output = err instanceof Error && "stderr" in err ? String((err as { stderr: unknown }).stderr) : String(err);
    throw new Error(`cli.spec needs dist/ built from the current sources, and "npm run build:ts" failed:\n${output}`);
  }
  if (builtMtime() < newestMtime(join(ROOT, "src-ts"))) {
    throw new Error('cli.spec: dist/ is still older than src-ts/ after "npm run build:ts"');
  }
});

/** Runs the CLI to completion. */
async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = start(args);
  const { code } = await r.exited;
  return { code, stdout: r.stdout(), stderr: r.stderr() };
}

/** Starts a receiving command on a free loopback port; resolves once it listens. */
async function startListening(command: "listen" | "echo", args: string[] = []): Promise<Run & { port: number }> {
  const r = start([command, "0", "--bind", "127.0.0.1", ...args]);
  const m = await r.waitFor(args.includes("--json") ? /"event":"listening".*"port":(\d+)/ : LISTENING);
  return Object.assign(r, { port: Number(m[1]) });
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

// ------------------------------------------------------------------------------------------------
// listen + send

test.serial("listen prints what send sent, in Godot's text form, and stops after --count", async (t) => {
  const values: Array<[string, string]> = [
    ["42", "42"],
    ["1.0", "1.0"],
    ['"hello"', '"hello"'],
    ["Vector2(1, 2)", "Vector2(1, 2)"],
    ['{"hp": 10, "pos": Vector3(0, 1.5, -2)}', '{"hp": 10, "pos": Vector3(0, 1.5, -2)}'],
    ["Array[int]([1, 2, 3])", "Array[int]([1, 2, 3])"],
    ['&"jump"', '&"jump"'],
    ["PackedByteArray(1, 2, 3)", "PackedByteArray(1, 2, 3)"],
    ["#ff8000", "Color(1, 0.5019608, 0, 1)"],
    ['{"name": "x", "list": [1, 2.5, true, null]}', '{"name": "x", "list": [1, 2.5, true, null]}'],
  ];
  const listen = await startListening("listen", ["--count", String(values.length)]);
  for (const [value, shown] of values) {
    const sent = await run(["send", "127.0.0.1", String(listen.port), value]);
    t.is(sent.code, 0, sent.stderr);
    t.regex(sent.stdout, new RegExp(`^sent .* to 127\\.0\\.0\\.1:${listen.port}\\n$`));
    await listen.waitFor(new RegExp(`  ${escapeRegExp(shown)}\\n`));
  }
  const { code } = await listen.exited;
  t.is(code, 0);
  const out = lines(listen.stdout());
  t.is(out[0], `listening on 127.0.0.1:${listen.port}`);
  const packets = out.slice(1, -1);
  t.is(packets.length, values.length);
  values.forEach(([, shown], i) => {
    t.regex(packets[i] ?? "", /^\d\d:\d\d:\d\d\.\d{3}  127\.0\.0\.1:\d+  \d+ B  /);
    t.true(packets[i]?.endsWith(`  ${shown}`), `${packets[i]} should show ${shown}`);
  });
  t.regex(out.at(-1) ?? "", /^summary: 10 packets \(\d+ B\) received in [\d.]+ s, [\d.,]+ pkt\/s, .*; 0 dropped; 0 not Variants$/);
  t.is(listen.stderr(), "", "nothing extra when piped");
});

test.serial("listen --json prints one JSON object per line", async (t) => {
  const listen = await startListening("listen", ["--json", "--count", "2"]);
  t.is((await run(["send", "127.0.0.1", String(listen.port), "Vector2(1, 2)"])).code, 0);
  t.is((await run(["send", "127.0.0.1", String(listen.port), '{"hp": 10, "big": 9007199254740993}'])).code, 0);
  t.is((await listen.exited).code, 0);
  const records = lines(listen.stdout()).map((l) => JSON.parse(l) as Record<string, unknown>);
  t.deepEqual(records[0], { event: "listening", address: "127.0.0.1", port: listen.port });
  t.like(records[1], {
    event: "packet",
    address: "127.0.0.1",
    size: 12,
    variantType: "Vector2",
    value: { x: 1, y: 2 },
    text: "Vector2(1, 2)",
  });
  t.like(records[2], { variantType: "Dictionary", value: { hp: 10, big: "9007199254740993" } });
  t.like(records[3], { event: "summary", verb: "received", packets: 2, dropped: 0, undecodable: 0 });
  t.is(records.length, 4);
});

test.serial("listen --hex dumps the bytes; a packet that is no Variant is shown as hex", async (t) => {
  const listen = await startListening("listen", ["--hex", "--count", "2"]);
  t.is((await run(["send", "127.0.0.1", String(listen.port), "hello", "--raw"])).code, 0);
  t.is((await run(["send", "127.0.0.1", String(listen.port), "7"])).code, 0);
  t.is((await listen.exited).code, 0);
  const out = listen.stdout();
  t.regex(out, /  5 B  \(not a Variant: ERR_INVALID_DATA at byte 0: .*\) 68 65 6c 6c 6f\n    0000  68 65 6c 6c 6f .* hello\n/);
  t.regex(out, /  8 B  7\n    0000  02 00 00 00 07 00 00 00 .*\n/);
  t.regex(out, /; 1 not Variants\n$/);
});

test.serial("listen --exact writes dictionaries as var_to_str does (sorted keys, one per line)", async (t) => {
  const listen = await startListening("listen", ["--exact", "--count", "1"]);
  t.is((await run(["send", "127.0.0.1", String(listen.port), '{"z": 1, "a": Vector2(0.5, 2)}'])).code, 0);
  t.is((await listen.exited).code, 0);
  t.regex(listen.stdout(), / B  \{\n"a": Vector2\(0\.5, 2\),\n"z": 1\n\}\n/);
});

test.serial("listen refuses objects unless --allow-objects, as Godot's get_var does", async (t) => {
  const client = new PacketPeerUDP();
  try {
    for (const allow of [false, true]) {
      const listen = await startListening("listen", ["--count", "1", ...(allow ? ["--allow-objects"] : [])]);
      t.is(client.setDestAddress("127.0.0.1", listen.port), GodotError.OK);
      t.is(client.putVar(new GodotObject("Node", [["name", "Player"]]), true), GodotError.OK);
      t.is((await listen.exited).code, 0);
      if (allow) t.regex(listen.stdout(), /  Object\(Node,"name":"Player"\)\n/);
      else t.regex(listen.stdout(), /\(not a Variant: ERR_UNAUTHORIZED/);
    }
  } finally {
    client.close();
  }
});

test.serial("send --repeat and --interval send several packets; the summary counts them", async (t) => {
  const listen = await startListening("listen", ["--count", "3"]);
  const sent = await run(["send", "127.0.0.1", String(listen.port), "Vector3i(1, 2, 3)", "--repeat", "3", "--interval", "20"]);
  t.is(sent.code, 0, sent.stderr);
  t.regex(sent.stdout, /^sent Vector3i\(1, 2, 3\) \(16 B\) to 127\.0\.0\.1:\d+, 3 times\nsummary: 3 packets \(48 B\) sent in /);
  t.is((await listen.exited).code, 0);
  t.is(lines(listen.stdout()).filter((l) => l.endsWith("  Vector3i(1, 2, 3)")).length, 3);
});

test.serial("send: a value that is not Godot text says where it failed (exit code 2)", async (t) => {
  const { socket, port } = await silentSocket();
  try {
    const r = await run(["send", "127.0.0.1", String(port), "Vector2(1, 2"]);
    t.is(r.code, 2);
    t.regex(r.stderr, /^godot-udp send: <value> is not a Godot value \(nor JSON\): Expected ',' or '\)' in constructor at line 1, column 13 \(offset 12\)\n  Vector2\(1, 2\n {14}\^\n/);
    t.regex(r.stderr, /Usage: godot-udp send/);
    const bare = await run(["send", "127.0.0.1", String(port), "hello"]);
    t.is(bare.code, 2);
    t.regex(bare.stderr, /Unexpected identifier 'hello' at line 1, column 1/);
  } finally {
    socket.close();
  }
});

// ------------------------------------------------------------------------------------------------
// echo

test.serial("echo answers a PacketPeerUDP client with the same bytes", async (t) => {
  const echo = await startListening("echo", ["--count", "2"]);
  const client = new PacketPeerUDP();
  try {
    t.is(client.bind(0, "127.0.0.1"), GodotError.OK);
    t.is(client.setDestAddress("127.0.0.1", echo.port), GodotError.OK);
    for (const value of [new Vector2(1, 2), "ping"]) {
      t.is(client.putVar(value), GodotError.OK);
      t.is(await client.wait({ timeout: 5000 }), GodotError.OK);
      t.deepEqual(client.getVar(), value);
      t.is(client.getPacketIp(), "127.0.0.1");
      t.is(client.getPacketPort(), echo.port);
    }
  } finally {
    client.close();
  }
  t.is((await echo.exited).code, 0);
  const out = lines(echo.stdout());
  t.is(out[0], `echo server listening on 127.0.0.1:${echo.port}`);
  t.regex(out[1] ?? "", /  12 B  Vector2\(1, 2\)$/);
  t.regex(out[2] ?? "", /  12 B  "ping"$/);
  t.regex(out[3] ?? "", /^summary: 2 packets \(24 B\) echoed in /);
});

test.serial("send --reply prints what echo sends back; no reply is a failure", async (t) => {
  const echo = await startListening("echo", ["--count", "1", "--quiet"]);
  const r = await run(["send", "127.0.0.1", String(echo.port), "Vector2(1, 2)", "--reply"]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, new RegExp(`  reply 127\\.0\\.0\\.1:${echo.port}  12 B  Vector2\\(1, 2\\)\\n`));
  t.is((await echo.exited).code, 0);
  t.is(lines(echo.stdout()).length, 2, "--quiet: the first line and the summary");

  const { socket, port } = await silentSocket();
  try {
    const silent = await run(["send", "127.0.0.1", String(port), "1", "--reply", "--timeout", "300"]);
    t.is(silent.code, 1);
    t.regex(silent.stderr, new RegExp(`no reply from 127\\.0\\.0\\.1:${port} within 300 ms`));
  } finally {
    socket.close();
  }
});

// ------------------------------------------------------------------------------------------------
// Ctrl-C

unlessWindows(WINDOWS_NO_SIGINT, test.serial)("SIGINT ends listen cleanly with its summary", async (t) => {
  const listen = await startListening("listen");
  t.is((await run(["send", "127.0.0.1", String(listen.port), "true"])).code, 0);
  await listen.waitFor(/  true\n/);
  listen.child.kill("SIGINT");
  const { code } = await listen.exited;
  t.is(code, 0);
  t.regex(listen.stdout(), /\nsummary: 1 packet \(8 B\) received in [\d.]+ s, .*; 0 dropped; 0 not Variants\n$/);
});

unlessWindows(WINDOWS_NO_SIGINT, test.serial)("SIGINT ends echo and an endless send with their summaries", async (t) => {
  const echo = await startListening("echo");
  const sender = start(["send", "127.0.0.1", String(echo.port), "1", "--repeat", "0", "--interval", "10"]);
  // Once the echo server has answered two packets, interrupt both.
  await echo.waitFor(/ 8 B  1\n[^]* 8 B  1\n/);
  sender.child.kill("SIGINT");
  const sent = await sender.exited;
  t.is(sent.code, 0);
  const m = sender.stdout().match(/summary: (\d+) packets \(\d+ B\) sent in /);
  t.truthy(m, sender.stdout());
  t.true(Number(m?.[1]) >= 2);
  echo.child.kill("SIGINT");
  t.is((await echo.exited).code, 0);
  t.regex(echo.stdout(), /\nsummary: \d+ packets? \(\d+ B\) echoed in .*; 0 dropped\n$/);
});

// ------------------------------------------------------------------------------------------------
// bench

unlessQemu(
  "the emulated send loop overshoots the 0.3 s the bench must stop at (0.43 s measured)",
  test.serial,
)("bench prints packets per second and CPU per packet", async (t) => {
  const r = await run(["bench", "--seconds", "0.3", "--size", "100"]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^bench: 100-byte packets over loopback for up to 0\.30 s/);
  t.regex(r.stdout, /\n  time +0\.3\d s of sending\n/, "not interrupted: no mark");
  const received = r.stdout.match(/received +([\d,]+) packets +([\d,.]+) pkt\/s/);
  t.truthy(received, r.stdout);
  t.true(Number(received?.[1]?.replace(/,/g, "")) > 0);
  t.regex(r.stdout, /cpu +[\d.]+ µs per packet received/);
  t.is(r.stderr, "", "no live line when piped");

  const json = await run(["bench", "--seconds", "0.2", "--json"]);
  t.is(json.code, 0, json.stderr);
  const result = JSON.parse(json.stdout) as Record<string, number>;
  t.is(result.size, 64);
  t.true((result.received ?? 0) > 0 && (result.received ?? 0) <= (result.sent ?? 0));
  t.true((result.receivedPerSecond ?? 0) > 0);
  t.true((result.cpuMicrosPerPacket ?? 0) > 0);
  t.is(result.interrupted as unknown, false);
  t.is(result.plannedSeconds, 0.2);
});

unlessWindows(WINDOWS_NO_SIGINT, test.serial)("bench stopped with Ctrl-C says it was interrupted and for how long it ran", async (t) => {
  const bench = start(["bench", "--seconds", "30"]);
  await bench.waitFor(/^bench: 64-byte packets over loopback for up to 30\.0 s/);
  bench.child.kill("SIGINT");
  const { code } = await bench.exited;
  t.is(code, 0, bench.stderr());
  const m = bench.stdout().match(/\n  time +([\d.]+) s of sending: interrupted \(Ctrl-C\) before the planned 30\.0 s\n/);
  t.truthy(m, bench.stdout());
  t.true(Number(m?.[1]) < 30);

});

// ------------------------------------------------------------------------------------------------
// Usage

test.serial("--help on every command prints its usage and exits 0", async (t) => {
  for (const command of ["listen", "send", "echo", "bench"]) {
    const r = await run([command, "--help"]);
    t.is(r.code, 0);
    t.true(r.stdout.startsWith(`Usage: godot-udp ${command}`), r.stdout);
  }
  const top = await run(["--help"]);
  t.is(top.code, 0);
  t.regex(top.stdout, /^Usage: godot-udp <command>/);
  t.regex(top.stdout, /listen .*\n.*send .*\n.*echo .*\n.*bench /);
  const version = await run(["--version"]);
  t.regex(version.stdout, /^godot-udp \d+\.\d+\.\d+/);
});

const BAD_ARGUMENTS: Array<[string[], RegExp, string]> = [
  [[], /^Usage: godot-udp <command>/, "godot-udp"],
  [["launch"], /^godot-udp: unknown command "launch"/, "godot-udp"],
  [["help", "launch"], /^godot-udp: no help for "launch": not a command/, "godot-udp"],
  [["--help", "launch"], /^godot-udp: no help for "launch": not a command/, "godot-udp"],
  [["listen"], /^godot-udp listen: missing <port>/, "listen"],
  [["listen", "abc"], /^godot-udp listen: <port> must be an integer, got "abc"/, "listen"],
  [["listen", "70000"], /^godot-udp listen: <port> must be between 0 and 65535, got 70000/, "listen"],
  [["listen", "0", "--count", "0"], /^godot-udp listen: --count must be between 1 and /, "listen"],
  [["listen", "0", "--bogus"], /^godot-udp listen: Unknown option '--bogus'/, "listen"],
  [["listen", "0", "1"], /^godot-udp listen: unexpected argument "1"/, "listen"],
  [["send", "127.0.0.1"], /^godot-udp send: missing <port> <value>/, "send"],
  [["send", "127.0.0.1", "0", "1"], /^godot-udp send: <port> must be between 1 and 65535, got 0/, "send"],
  [["send", "127.0.0.1", "9", "1", "--repeat=-1"], /^godot-udp send: --repeat must be between 0 and /, "send"],
  [["send", "127.0.0.1", "9", "1", "--repeat", "-1"], /^godot-udp send: Option .--repeat. argument is ambiguous/, "send"],
  [["send", "127.0.0.1", "9", "1", "--timeout", "5"], /^godot-udp send: --timeout only applies with --reply/, "send"],
  [["send", "127.0.0.1", "9", "-5"], /^godot-udp send: Unknown option '-5'\. To specify a positional argument/, "send"],
  [["echo"], /^godot-udp echo: missing <port>/, "echo"],
  [["bench", "--size", "0"], /^godot-udp bench: --size must be between 1 and 65507, got 0/, "bench"],
  [["bench", "--seconds", "soon"], /^godot-udp bench: --seconds must be a number, got "soon"/, "bench"],
  [["bench", "extra"], /^godot-udp bench: unexpected argument "extra"/, "bench"],
];

test.serial("wrong arguments print the reason and the usage to stderr and exit with code 2", async (t) => {
  for (const [args, message, command] of BAD_ARGUMENTS) {
    const r = await run(args);
    t.is(r.code, 2, args.join(" "));
    t.regex(r.stderr, message, args.join(" "));
    t.regex(r.stderr, command === "godot-udp" ? /Usage: godot-udp <command>/ : new RegExp(`Usage: godot-udp ${command} `));
    t.is(r.stdout, "", args.join(" "));
  }
});

test.serial("listen on a port that is taken fails with the reason (exit code 1)", async (t) => {
  const { socket, port } = await silentSocket();
  try {
    const r = await run(["listen", String(port), "--bind", "127.0.0.1"]);
    t.is(r.code, 1);
    t.is(r.stderr, `godot-udp listen: cannot listen on 127.0.0.1:${port}: ERR_UNAVAILABLE (is another program using the port?)\n`);
  } finally {
    socket.close();
  }
});

test.serial("a negative value goes after --", async (t) => {
  const listen = await startListening("listen", ["--count", "1"]);
  const r = await run(["send", "127.0.0.1", String(listen.port), "--", "-5"]);
  t.is(r.code, 0, r.stderr);
  t.is((await listen.exited).code, 0);
  t.regex(listen.stdout(), /  8 B  -5\n/);
});

// ------------------------------------------------------------------------------------------------
// The package's bin

unlessWindows(
  "runs dist/cli/main.js by its #! line and checks its executable bit: POSIX only (npm makes a .cmd shim on Windows)",
  test.serial,
)("the bin is an executable node script, and npx godot-udp runs it from the repository", async (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin?: Record<string, string> };
  t.is(resolve(ROOT, pkg.bin?.["godot-udp"] ?? ""), CLI);
  t.true(readFileSync(CLI, "utf8").startsWith("#!/usr/bin/env node\n"));
  t.notThrows(() => accessSync(CLI, fsConstants.X_OK), "dist/cli/main.js has its executable bit after the build");
  const direct = execFileSync(CLI, ["--version"], { cwd: ROOT, encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
  t.regex(direct, /^godot-udp \d+\.\d+\.\d+\n$/);
  const npx = execFileSync("npx", ["--no-install", "godot-udp", "--help"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  t.regex(npx, /^Usage: godot-udp <command>/);
});

// ------------------------------------------------------------------------------------------------
// On a terminal

/** util-linux `script`, which runs a command on a pseudo-terminal; null when it is not installed. */
function scriptCommand(): string | null {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore", timeout: 5000 });
    return "script";
  } catch {
    return null;
  }
}

test.serial("on a terminal listen keeps a live rate line under the packets, with the current count", async (t) => {
  const script = scriptCommand();
  if (script === null) {
    t.pass("util-linux script is not installed: no pseudo-terminal to test on");
    return;
  }
  // Port 0: the listener picks a free port and prints it (a port freed and reused here could be
  // taken meanwhile by another test's sockets).
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} listen 0 --bind 127.0.0.1 --count 3`;
  const tty = spawn(script, ["-qfec", command, "/dev/null"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  children.add(tty);
  const killer = setTimeout(() => tty.kill("SIGKILL"), CHILD_TIMEOUT_MS);
  let out = "";
  tty.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  const exited = new Promise<number | null>((ok) => tty.on("close", (code) => ok(code)));
  const listening = (): Promise<void> =>
    new Promise((ok, fail) => {
      const check = (): void => {
        if (out.includes("listening on")) ok();
        else if (tty.exitCode !== null) fail(new Error(`script exited: ${out}`));
        else setTimeout(check, 20);
      };
      check();
    });
  await listening();
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
  t.true(port > 0, `the listener printed its port: ${out}`);
  const client = new PacketPeerUDP();
  try {
    t.is(client.setDestAddress("127.0.0.1", port), GodotError.OK);
    for (let i = 0; i < 3; i++) t.is(client.putVar(i), GodotError.OK);
  } finally {
    client.close();
  }
  t.is(await exited, 0);
  clearTimeout(killer);
  const screen = out.replace(/\r\n/g, "\n");
  t.regex(screen, /\r\x1b\[2K {2}0 packets {2}0 pkt\/s {2}0 dropped {2}\(Ctrl-C to stop\)/, "the live line is drawn");
  // Under each packet's line the status is drawn again, counting that packet.
  for (let i = 0; i < 3; i++) {
    t.regex(screen, new RegExp(`  8 B  ${i}\\n\\r\\x1b\\[2K  ${i + 1} packet${i === 0 ? "" : "s"}  `), `the status under packet ${i + 1}`);
  }
  t.regex(screen, /\r\x1b\[2Ksummary: 3 packets \(24 B\) received in /, "the status is erased before the summary");
});

// ------------------------------------------------------------------------------------------------
// Summaries and drops

test("summaries split drops between the receive queue and the OS", (t) => {
  const base = { verb: "received", packets: 10, bytes: 80, seconds: 2, undecodable: 0 };
  t.regex(summaryText({ ...base, dropped: 0, osDropped: 0 }), /; 0 dropped; 0 not Variants\n$/);
  t.regex(
    summaryText({ ...base, dropped: 2, osDropped: 1234 }),
    /; 1,236 dropped \(2 by the receive queue, 1,234 by the OS\); 0 not Variants\n$/,
  );
  const json = JSON.parse(summaryJson({ ...base, dropped: 2, osDropped: 1234 })) as Record<string, number>;
  t.is(json.dropped, 1236);
  t.is(json.droppedByQueue, 2);
  t.is(json.droppedByOs, 1234);
});

test("the live rate line says 1 packet, 2 packets", (t) => {
  t.regex(liveRate(1, 0, 0), /^ {2}1 packet {2}0 pkt\/s/);
  t.regex(liveRate(0, 0, 0), /^ {2}0 packets /);
  t.regex(liveRate(2, 0, 0), /^ {2}2 packets /);
});

test("echo's summary leaves out the bytes of replies it could not send, as it does their packets", (t) => {
  const traffic = echoedTraffic({ packets: 5, bytes: 500, seconds: 1, dropped: 0, osDropped: 3 }, 2, 150);
  t.is(traffic.packets, 3);
  t.is(traffic.bytes, 350);
  t.is(traffic.osDropped, 3);
  t.regex(summaryText(traffic), /^summary: 3 packets \(350 B\) echoed in /);
});

unlessQemu(QEMU_NO_OS_DROP_COUNT, test.serial)(
  "listen's summary counts what the OS dropped while it could not read",
  async (t) => {
    if (process.platform !== "linux") {
      t.pass("the OS drop counter is Linux-only");
      return;
    }
    const listen = await startListening("listen");
    const FLOOD = 5000;
    const client = new PacketPeerUDP();
    t.teardown(() => client.close());
    t.is(client.setDestAddress("127.0.0.1", listen.port), GodotError.OK);
    // Stopped, listen reads nothing: its OS buffer (the default, about 200 KiB) overflows.
    listen.child.kill("SIGSTOP");
    try {
      for (let i = 0; i < FLOOD; i++) t.is(client.putVar(i), GodotError.OK);
    } finally {
      listen.child.kill("SIGCONT");
    }
    // Once listen has drained its buffer a marker gets through; its arrival reports the drops.
    let markers = 0;
    const marked = listen.waitFor(/  "marker"\n/);
    let seen = false;
    void marked.then(() => (seen = true), () => (seen = true));
    while (!seen) {
      t.is(client.putVar("marker"), GodotError.OK);
      markers++;
      await new Promise((ok) => setTimeout(ok, 20));
    }
    await marked;
    listen.child.kill("SIGINT");
    t.is((await listen.exited).code, 0);
    const m = listen
      .stdout()
      .match(/\nsummary: ([\d,]+) packets .*; ([\d,]+) dropped \(0 by the receive queue, ([\d,]+) by the OS\); 0 not Variants\n$/);
    t.truthy(m, listen.stdout());
    const num = (s: string | undefined): number => Number(s?.replace(/,/g, ""));
    const [received, dropped, os] = [num(m?.[1]), num(m?.[2]), num(m?.[3])];
    t.true(os > 0);
    t.is(dropped, os);
    // Everything up to the first marker read is accounted for; later markers may be in flight.
    t.true(received + os >= FLOOD + 1, `${received} + ${os} vs ${FLOOD} + markers`);
    t.true(received + os <= FLOOD + markers, `${received} + ${os} vs ${FLOOD + markers}`);
  },
);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

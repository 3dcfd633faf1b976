#!/usr/bin/env node
// `npm run bench`: builds what the benchmarks need, runs every benchmark on loopback with the
// sender and the receiver pinned to different cores, and prints the tables. Never part of
// `npm test`. Options:
//   --quick            32-byte packets only, shorter windows, fewer round trips (about a minute)
//   --runs N           repeat every measurement N times (interleaved) and report medians
//   --only a,b         sections: receive, receive1 (per-datagram load), send, batch, rtt, memory, codec,
//                      dtls (DTLS echo against plain UDP echo), enet (ENet host to host beside C ENet)
//   --sizes 32,512     packet sizes of the receive benchmark (default 32,512,1400)
//   --dtls-sizes 32,1024  packet sizes of the DTLS echo (default 32,1024)
//   --inflight N       packets the DTLS/plain echo client keeps in flight (default 64)
//   --build            rebuild the addon and dist/ (npm run build) even if they exist
//   --json FILE        also write every result as JSON
//   --markdown FILE    also write the tables as Markdown
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "./lib/args.mjs";
import { hasTaskset, startProcess, sleep } from "./lib/spawn.mjs";
import { fmt, pct, table, median, medianResult } from "./lib/table.mjs";
import { machineInfo } from "./lib/machine.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const out = path.join(root, ".bench-out");
const opts = parseArgs();
const quick = Boolean(opts.quick);
const runs = Math.max(1, Number(opts.runs ?? 1));
const only = opts.only ? new Set(String(opts.only).split(",")) : null;
const want = (s) => !only || only.has(s);
const sizes = opts.sizes ? String(opts.sizes).split(",").map(Number) : quick ? [32] : [32, 512, 1400];
const W = quick ? { warmupMs: 300, windowMs: 1000 } : { warmupMs: 500, windowMs: 2000 };
const SEND = quick ? { warmupMs: 200, windowMs: 800 } : { warmupMs: 300, windowMs: 1500 };
const ROUNDS = quick ? 3000 : 10000;
const ECHO = quick ? { warmupMs: 200, windowMs: 600 } : { warmupMs: 300, windowMs: 1000 };
const echoSizes = opts.dtlsSizes ? String(opts.dtlsSizes).split(",").map(Number) : [32, 1024];
const inflight = Number(opts.inflight ?? 64);
const RX_CPU = 1;
const TX_CPU = 0;
const node = process.execPath;
const report = [];
const json = { machine: machineInfo(), options: { quick, runs, sizes }, sections: {} };

function log(s = "") {
  process.stdout.write(s + "\n");
  report.push(s);
}
function note(s) {
  process.stderr.write(`  .. ${s}\n`);
}

// ---------------------------------------------------------------- build
function run(cmd, args, what) {
  note(what);
  const r = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`${what} failed (${cmd} ${args.join(" ")})`);
}

function newer(src, dst) {
  return !existsSync(dst) || statSync(src).mtimeMs > statSync(dst).mtimeMs;
}

function build() {
  mkdirSync(out, { recursive: true });
  // Only what the chosen sections use: the C baselines and the Rust load generator.
  const needsC = ["receive", "receive1", "send", "batch", "rtt", "memory"].some(want);
  const needsRust = ["receive", "receive1", "batch", "memory"].some(want);
  const cdir = path.join(here, "c");
  for (const f of needsC ? readdirSync(cdir).filter((f) => f.endsWith(".c")) : []) {
    const bin = path.join(out, f.slice(0, -2));
    if (newer(path.join(cdir, f), bin) || newer(path.join(cdir, "bench-common.h"), bin))
      run("cc", ["-O2", "-Wall", "-o", bin, path.join(cdir, f)], `cc -O2 bench/c/${f}`);
  }
  if (opts.build || !existsSync(path.join(root, "native", "binding.cjs")) || !existsSync(path.join(root, "dist", "index.js")))
    try {
      run("npm", ["run", "build"], "npm run build (addon + dist/)");
    } catch (e) {
      note(`${e.message}: godot-udp rows are skipped`);
    }
  if (needsRust && existsSync(path.join(root, "crates", "bench-engine", "Cargo.toml"))) {
    try {
      run("cargo", ["build", "--release", "--quiet", "-p", "bench-engine"], "cargo build --release -p bench-engine");
    } catch (e) {
      note(`${e.message}: the Rust ceiling is skipped and the C GSO sender is the load generator`);
    }
  }
}

const c = (name) => path.join(out, name);
const rustBin = path.join(root, "target", "release", "bench-engine");
const js = (p) => path.join(here, p);

function godotAvailable() {
  try {
    const r = spawnSync(node, ["-e", "const g=require(process.argv[1]);process.exit(typeof g.PacketPeerUDP==='function'?0:1)", path.join(root, "dist", "index.js")]);
    return r.status === 0;
  } catch {
    return false;
  }
}

// udx-native (a devDependency) is optional: its rows are skipped if it is not installed or its
// prebuilt addon does not load.
function udxAvailable() {
  try {
    const r = spawnSync(node, ["-e", "const U=require('udx-native');new U().createSocket();process.exit(0)"], { cwd: root });
    return r.status === 0;
  } catch {
    return false;
  }
}
const udx = udxAvailable();
let udxNoted = false;
function noteUdx() {
  if (udx || udxNoted) return;
  udxNoted = true;
  log("udx-native is not installed (or its prebuilt addon does not load): its rows are skipped.\n");
}

// ---------------------------------------------------------------- load generator
function generator() {
  if (existsSync(rustBin)) {
    const r = spawnSync(rustBin, ["--help"], { encoding: "utf8" });
    if (r.status === 0 && /\bsend\b/.test(r.stdout)) return { name: "engine batch sender (Rust, bench-engine send)", cmd: rustBin, args: ["send"] };
  }
  return { name: "C UDP-GSO sender (bench/c/gso-sender.c)", cmd: c("gso-sender"), args: ["--mode", "gso"] };
}

// ---------------------------------------------------------------- receive
function receivers(godot) {
  const list = [
    { name: "C recvmmsg (kernel limit)", key: "c", cmd: c("recvmmsg-receiver"), args: [] },
    { name: "C recvmmsg + UDP_GRO", key: "c-gro", cmd: c("recvmmsg-receiver"), args: ["--gro", "1"] },
  ];
  if (existsSync(rustBin)) list.push({ name: "Rust engine batch receive (no JS)", key: "rust", cmd: rustBin, args: ["recv"] });
  list.push({ name: "node:dgram 'message'", key: "dgram", cmd: node, args: [js("receivers/dgram.mjs")] });
  if (udx) list.push({ name: "udx-native 'message'", key: "udx", cmd: node, args: [js("receivers/udx.mjs")] });
  if (godot) {
    for (const [mode, label] of [
      ["readme", "godot-udp README loop: await wait(), while count() > 0 getPacket()"],
      ["readme-var", "godot-udp README loop with getVar() (Variant load)"],
      ["drain", "godot-udp getPacket() draining (Godot loop, 4096 per wake-up)"],
      ["drain-n", "godot-udp getPacket() n = count per batch"],
      ["batch", "godot-udp getPackets() batches"],
      ["event", "godot-udp 'packet' event"],
      ["iter", "godot-udp for await"],
      ["native", "native takePackets (no facade)"],
    ])
      list.push({
        name: label,
        key: mode,
        cmd: node,
        args: [js("receivers/godot.mjs"), "--mode", mode],
        genArgs: mode === "readme-var" ? ["--var", "1"] : [],
      });
  }
  return list;
}

async function measureReceive(rx, size, gen) {
  const args = [...rx.args, "--host", "127.0.0.1", "--warmup-ms", W.warmupMs, "--window-ms", W.windowMs, "--idle-ms", 3000, "--size", size].map(String);
  const r = startProcess(rx.cmd, args, { cpu: RX_CPU, timeoutMs: 30000 });
  let port;
  try {
    port = await r.ready;
  } catch (e) {
    return { error: e.message };
  }
  const genArgs = [...gen.args, ...(rx.genArgs ?? []), "--host", "127.0.0.1", "--port", port, "--size", size, "--duration-ms", W.warmupMs + W.windowMs + 1500].map(String);
  const g = startProcess(gen.cmd, genArgs, { cpu: TX_CPU, timeoutMs: 30000 });
  const [rr, gr] = await Promise.all([r.done, g.done]);
  return { ...rr.result, generatorPps: gr.result?.pps };
}

async function sectionReceive(godot, perDatagram = false) {
  const gen = perDatagram ? { name: "C sendmmsg, one skb per datagram", cmd: c("gso-sender"), args: ["--mode", "sendmmsg"] } : generator();
  const key = perDatagram ? "receivePerDatagram" : "receive";
  if (perDatagram) {
    log(`\n## Receive under per-datagram load (${gen.name}): no GSO batch for UDP_GRO to keep whole\n`);
    log("Like traffic from many independent clients. This sender cannot saturate the faster receivers on this machine: their CPU per packet includes more wake-ups.\n");
  } else {
    log(`\n## Receive: CPU per packet on the receiving core (load: ${gen.name}, saturating)\n`);
    log("The GSO load arrives as 64-datagram batches; receivers that set UDP_GRO (godot-udp's engine does) get each batch as one buffer. \"vs C limit\" compares with C recvmmsg without GRO (the issue's kernel limit), \"vs C+GRO\" with the same kernel feature.\n");
  }
  noteUdx();
  json.sections[key] = {};
  for (const size of perDatagram ? [32] : sizes) {
    const list = receivers(godot);
    const res = new Map(list.map((r) => [r.key, []]));
    for (let i = 0; i < runs; i++) for (const rx of list) res.get(rx.key).push(await measureReceive(rx, size, gen));
    const med = new Map([...res].map(([k, v]) => [k, medianResult(v)]));
    const base = med.get("c")?.cpuUsPerPacket;
    const gro = med.get("c-gro")?.cpuUsPerPacket;
    const dg = med.get("dgram")?.cpuUsPerPacket;
    const ux = med.get("udx")?.cpuUsPerPacket;
    const x = (a, b) => (a && b ? fmt(a / b) + "x" : "-");
    const rows = list.map((rx) => {
      const m = med.get(rx.key);
      if (m.error) return [rx.name, "error: " + String(m.error).slice(0, 60), "", "", "", "", "", ""];
      const c = m.cpuUsPerPacket;
      return [rx.name, fmt(m.pps, 0), pct(m.loss), fmt(c, 3), x(dg, c), udx ? x(ux, c) : "-", x(c, base), x(c, gro)];
    });
    log(`### ${size}-byte packets\n`);
    log(table(["receiver", "pps", "loss", "CPU µs/pkt", "cheaper than dgram", "cheaper than udx-native", "vs C limit", "vs C+GRO"], rows));
    log("");
    json.sections[key][size] = Object.fromEntries(med);
  }
}

// ---------------------------------------------------------------- send
function senders(godot, batch) {
  const s = [];
  if (!batch) {
    s.push({ key: "c-sendto", name: "C sendto (unconnected)", cmd: c("sendto-sender"), args: [], native: true });
    s.push({ key: "dgram-connected", name: "node:dgram send (connected)", cmd: node, args: [js("senders/dgram.mjs"), "--connected"] });
    s.push({ key: "dgram-unconnected", name: "node:dgram send (unconnected)", cmd: node, args: [js("senders/dgram.mjs")] });
    if (godot) {
      s.push({ key: "godot-put", name: "godot-udp putPacket (setDestAddress)", cmd: node, args: [js("senders/godot.mjs"), "--mode", "put"] });
      s.push({ key: "godot-put-connected", name: "godot-udp putPacket (connectToHost)", cmd: node, args: [js("senders/godot.mjs"), "--mode", "put", "--connected"] });
    }
  } else {
    s.push({ key: "dgram-connected", name: "node:dgram send (connected, per packet)", cmd: node, args: [js("senders/dgram.mjs"), "--connected"] });
    s.push({ key: "c-gso", name: "C UDP-GSO sendmsg (64 per call)", cmd: c("gso-sender"), args: ["--mode", "gso"], native: true });
    s.push({ key: "c-sendmmsg", name: "C sendmmsg (64 per call)", cmd: c("gso-sender"), args: ["--mode", "sendmmsg"], native: true });
    if (existsSync(rustBin)) s.push({ key: "rust", name: "Rust engine batch send (no JS)", cmd: rustBin, args: ["send"], native: true });
    if (godot) {
      s.push({ key: "godot-batch", name: "godot-udp putPackets (64 per call)", cmd: node, args: [js("senders/godot.mjs"), "--mode", "batch", "--batch", "64"] });
      s.push({ key: "godot-batch-connected", name: "godot-udp putPackets (64, connected)", cmd: node, args: [js("senders/godot.mjs"), "--mode", "batch", "--batch", "64", "--connected"] });
    }
  }
  return s;
}

async function measureSend(tx, size) {
  // The sink is not under test: a large OS buffer so it drops as little as it can.
  const sink = startProcess(c("recvmmsg-receiver"), ["--sink", "1", "--idle-ms", "400", "--rcvbuf", String(4 << 20)], { cpu: RX_CPU, timeoutMs: 30000 });
  const port = await sink.ready;
  const total = SEND.warmupMs + SEND.windowMs;
  // C/Rust senders have no JIT to warm up: their whole run is the window.
  const args = [...tx.args, "--host", "127.0.0.1", "--port", port, "--size", size, "--duration-ms", total, "--warmup-ms", SEND.warmupMs, "--window-ms", SEND.windowMs].map(String);
  const t = startProcess(tx.cmd, args, { cpu: TX_CPU, timeoutMs: 30000 });
  const [tr, sr] = await Promise.all([t.done, sink.done]);
  const sent = tr.result.totalPackets ?? tr.result.packets;
  return { ...tr.result, delivered: sent ? sr.result.packets / sent : undefined };
}

async function sectionSend(godot, batch) {
  const size = 32;
  const list = senders(godot, batch);
  log(
    batch
      ? `\n## Batch send: CPU per packet of the sender, ${size}-byte packets to one destination\n`
      : `\n## Send: CPU per packet of the sender, one call per ${size}-byte packet\n`,
  );
  const res = new Map(list.map((s) => [s.key, []]));
  for (let i = 0; i < runs; i++) for (const tx of list) res.get(tx.key).push(await measureSend(tx, size));
  const med = new Map([...res].map(([k, v]) => [k, medianResult(v)]));
  const dg = med.get("dgram-connected")?.cpuUsPerPacket;
  const cref = med.get(batch ? "c-gso" : "c-sendto")?.cpuUsPerPacket;
  const rows = list.map((tx) => {
    const m = med.get(tx.key);
    if (m.error) return [tx.name, "error: " + String(m.error).slice(0, 60), "", "", "", ""];
    return [tx.name, fmt(m.pps, 0), fmt(m.cpuUsPerPacket, 3), dg ? fmt(dg / m.cpuUsPerPacket) + "x" : "-", cref ? fmt(m.cpuUsPerPacket / cref) + "x" : "-", pct(m.delivered)];
  });
  log(table(["sender", "pps", "CPU µs/pkt", "cheaper than dgram (connected)", batch ? "vs C GSO" : "vs C sendto", "delivered"], rows));
  json.sections[batch ? "batch" : "send"] = Object.fromEntries(med);
}

// ---------------------------------------------------------------- round trip
async function measureRtt(impl, pongCpu, pingCpu) {
  const pong = startProcess(impl.cmd, [...impl.args, "--role", "pong", "--host", "127.0.0.1"], { cpu: pongCpu, timeoutMs: 60000 });
  const port = await pong.ready;
  const ping = startProcess(impl.cmd, [...impl.args, "--role", "ping", "--host", "127.0.0.1", "--port", String(port), "--count", String(ROUNDS)], {
    cpu: pingCpu,
    timeoutMs: 60000,
  });
  const [pr] = await Promise.all([ping.done, pong.done]);
  return pr.result;
}

async function sectionRtt(godot) {
  log(`\n## Round trip: ${ROUNDS.toLocaleString("en-US")} ping-pongs of 32 bytes, µs\n`);
  const impls = [
    { key: "c", name: "C blocking recv/send", cmd: c("pingpong"), args: [] },
    { key: "dgram", name: "node:dgram 'message'", cmd: node, args: [js("pingpong/dgram.mjs")] },
  ];
  noteUdx();
  if (udx) impls.push({ key: "udx", name: "udx-native 'message'", cmd: node, args: [js("pingpong/udx.mjs")] });
  if (godot) {
    impls.push({ key: "godot-event", name: "godot-udp 'packet' event", cmd: node, args: [js("pingpong/godot.mjs"), "--mode", "event"] });
    impls.push({ key: "godot-wait", name: "godot-udp await wait() + getPacket", cmd: node, args: [js("pingpong/godot.mjs"), "--mode", "wait"] });
  }
  const placements = [
    ["same", TX_CPU, TX_CPU],
    ["cross", TX_CPU, RX_CPU],
  ];
  const res = {};
  for (const [p] of placements) for (const im of impls) res[`${p}:${im.key}`] = [];
  for (let i = 0; i < runs; i++) for (const [p, a, b] of placements) for (const im of impls) res[`${p}:${im.key}`].push(await measureRtt(im, a, b));
  const med = Object.fromEntries(Object.entries(res).map(([k, v]) => [k, medianResult(v)]));
  const dgS = med["same:dgram"]?.p50;
  const dgX = med["cross:dgram"]?.p50;
  const rows = impls.map((im) => {
    const s = med[`same:${im.key}`];
    const x = med[`cross:${im.key}`];
    return [im.name, fmt(s.p50), fmt(s.p99), dgS ? fmt(s.p50 / dgS) + "x" : "-", fmt(x.p50), fmt(x.p99), dgX ? fmt(x.p50 / dgX) + "x" : "-"];
  });
  log(table(["implementation", "same-core p50", "p99", "p50 vs dgram", "cross-core p50", "p99", "p50 vs dgram"], rows));
  json.sections.rtt = med;
}

// ---------------------------------------------------------------- memory
async function sectionMemory(godot) {
  if (!godot) return;
  const count = quick ? 2_000_000 : 10_000_000;
  log(`\n## Memory: ${count.toLocaleString("en-US")} packets of 32 bytes into a peer nobody reads\n`);
  // Godot sizes the ring to the smallest power of two strictly greater than recvBufSize: these
  // values give rings of exactly 64 KiB and 16 MiB, so configured size and ring size agree.
  const queues = [65535, (16 << 20) - 1];
  const rows = [];
  json.sections.memory = {};
  for (const q of queues) {
    const rx = startProcess(node, [js("memory/flood-receiver.mjs"), "--queue", String(q), "--idle-ms", "1500"], { cpu: RX_CPU, timeoutMs: 120000 });
    const port = await rx.ready;
    const gen = generator();
    const g = startProcess(gen.cmd, [...gen.args, "--host", "127.0.0.1", "--port", String(port), "--size", "32", "--count", String(count), "--duration-ms", "60000"], {
      cpu: TX_CPU,
      timeoutMs: 120000,
    });
    const [gr, rr] = await Promise.all([g.done, rx.done]);
    const r = rr.result;
    const sent = gr.result.packets;
    if (r.error) {
      rows.push([fmt(q, 0), fmt(sent, 0), "error: " + r.error, "", "", "", "", "", ""]);
      continue;
    }
    // The generator sends whole 64-datagram GSO batches and the engine's socket has UDP_GRO, so
    // the kernel refuses whole batches: RcvbufErrors counts buffers of 64 datagrams each.
    const kernelDatagrams = r.kernelDrops * 64;
    const accounted = r.received + r.dropped + kernelDatagrams;
    const ring = q + 1;
    const limitMB = ring / 1048576 + 10;
    rows.push([
      ring >= 1 << 20 ? `${ring / 1048576} MiB` : `${ring / 1024} KiB`,
      fmt(sent, 0),
      fmt(r.received, 0),
      fmt(r.dropped, 0),
      `${fmt(kernelDatagrams, 0)} (${fmt(r.kernelDrops, 0)} × 64)`,
      fmt(sent - accounted, 0),
      `${fmt(r.rssGrowthMB, 1)} MB`,
      `${fmt(limitMB, 1)} MB`,
      r.rssGrowthMB < limitMB && sent === accounted ? "met" : "MISSED",
    ]);
    json.sections.memory[q] = { ...r, sent };
  }
  log(table(["queue (ring) size", "sent", "queued (stats)", "queue drops", "kernel drops", "unaccounted", "RSS growth", "limit", "target"], rows));
  log(
    "\nqueued: stats().packetsReceived (accepted into the queue); queue drops: stats().packetsDropped; kernel drops: /proc/net/snmp Udp RcvbufErrors before/after, " +
      "in GRO buffers of 64 datagrams (system-wide: other UDP traffic on the machine would show as a non-zero 'unaccounted'). RSS growth: peak RSS minus RSS after bind.",
  );
}

// ---------------------------------------------------------------- codec
async function sectionCodec() {
  const script = js("variant-codec.mjs");
  log(`\n## Variant codec (bench/variant-codec.mjs)\n`);
  if (!existsSync(script)) {
    log("bench/variant-codec.mjs is not there yet: skipped.");
    return;
  }
  const r = spawnSync(node, [script, ...(quick ? ["--quick"] : [])], { cwd: root, encoding: "utf8", timeout: 180000 });
  log((r.stdout || "").trimEnd());
  if (r.status !== 0) log(`(exit ${r.status}) ${(r.stderr || "").trim().slice(-500)}`);
}

// ---------------------------------------------------------------- ENet
async function sectionEnet() {
  log(`\n## ENet host to host beside C ENet (bench/enet/bench-vs-c.mjs)\n`);
  const r = spawnSync(node, [js("enet/bench-vs-c.mjs"), ...(quick ? ["--quick"] : [])], { cwd: root, encoding: "utf8", timeout: 900000 });
  log((r.stdout || "").trimEnd());
  if (r.status !== 0) log(`(exit ${r.status}) ${(r.stderr || "").trim().slice(-500)}`);
}

// ---------------------------------------------------------------- DTLS echo
// One echo server process (core 1) and one client process (core 0) per measurement; the client
// keeps `inflight` packets in flight. Plain and DTLS are measured back to back for each size and
// server path, so every run gives a paired ratio; the table shows medians, and min–max over the
// runs when there are several.
async function measureEcho(transport, mode, size) {
  const certFile = path.join(out, `dtls-echo-cert-${process.pid}.pem`);
  const common = ["--host", "127.0.0.1", "--transport", transport, "--cert-file", certFile, "--warmup-ms", ECHO.warmupMs, "--window-ms", ECHO.windowMs];
  const s = startProcess(node, [js("dtls/echo-server.mjs"), ...common, "--mode", mode, "--idle-ms", 3000].map(String), { cpu: RX_CPU, timeoutMs: 30000 });
  let port;
  try {
    port = await s.ready;
  } catch (e) {
    return { error: e.message };
  }
  const c = startProcess(node, [js("dtls/echo-client.mjs"), ...common, "--port", port, "--size", size, "--inflight", inflight].map(String), { cpu: TX_CPU, timeoutMs: 30000 });
  const [sr, cr] = await Promise.all([s.done, c.done]);
  rmSync(certFile, { force: true });
  if (sr.result.error || cr.result.error) return { error: `server: ${sr.result.error ?? "ok"}; client: ${cr.result.error ?? "ok"}` };
  return {
    pps: sr.result.pps,
    cpuUsPerPacket: sr.result.cpuUsPerPacket,
    loss: sr.result.loss,
    echoesPerPass: sr.result.packetsPerCall,
    clientPps: cr.result.pps,
    clientCpuUsPerPacket: cr.result.cpuUsPerPacket,
    clientLost: cr.result.lost,
    stalls: cr.result.stalls,
    handshakeMs: cr.result.handshakeMs,
  };
}

async function sectionDtls(godot) {
  log(`\n## DTLS echo against plain UDP echo (${inflight} packets in flight, server on core ${RX_CPU}, client on core ${TX_CPU})\n`);
  if (!godot) {
    log("godot-udp is not built: skipped.");
    return;
  }
  log(
    `Load average ${machineInfo().load} at the start of this section. Server: UDPServer + DTLSServer (or the taken PacketPeerUDP), echoing with putPacket; ` +
      `client: PacketPeerDTLS (trusting the server's self-signed RSA-2048 certificate) or PacketPeerUDP, 'packet' events, ${ECHO.warmupMs} ms warm-up + ${ECHO.windowMs} ms window. ` +
      `Server CPU per echo = receive + send of one packet (+ decrypt + encrypt for DTLS), whole server process. ` +
      `DTLS/plain ratios are taken per run (plain and DTLS measured back to back), then the median${runs > 1 ? " (min–max)" : ""}.\n`,
  );
  const paths = [
    ["event", "'packet' events"],
    ["poll", "poll loop"],
  ];
  const transports = [
    ["plain", "plain UDP"],
    ["dtls", "DTLS"],
  ];
  const res = {};
  for (let i = 0; i < runs; i++)
    for (const size of echoSizes)
      for (const [mode] of paths)
        for (const [t] of transports) (res[`${size}:${mode}:${t}`] ??= []).push(await measureEcho(t, mode, size));
  const spread = (xs, digits) => {
    const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x));
    return v.length > 1 ? `${fmt(Math.min(...v), digits)}–${fmt(Math.max(...v), digits)}` : "-";
  };
  const cell = (xs, digits, unit = "") => (runs > 1 ? `${fmt(median(xs), digits)}${unit} (${spread(xs, digits)})` : `${fmt(median(xs), digits)}${unit}`);
  json.sections.dtls = { inflight, window: ECHO, runs: res };
  const handshakes = [];
  for (const size of echoSizes) {
    const rows = [];
    for (const [mode, pathName] of paths) {
      const plain = res[`${size}:${mode}:plain`];
      for (const [t, tName] of transports) {
        const all = res[`${size}:${mode}:${t}`];
        const ok = all.filter((r) => !r.error);
        if (!ok.length) {
          rows.push([pathName, tName, "error: " + String(all[0]?.error).slice(0, 80), "", "", "", "", "", ""]);
          continue;
        }
        if (t === "dtls") handshakes.push(...ok.map((r) => r.handshakeMs));
        // Paired per run: run i of DTLS over run i of plain.
        const pairs = all.map((r, i) => [r, plain[i]]).filter(([a, b]) => !a.error && b && !b.error);
        const cpuRatio = pairs.map(([a, b]) => a.cpuUsPerPacket / b.cpuUsPerPacket);
        const ppsRatio = pairs.map(([a, b]) => a.pps / b.pps);
        const pick = (k) => ok.map((r) => r[k]);
        rows.push([
          pathName,
          tName,
          cell(pick("pps"), 0),
          cell(pick("cpuUsPerPacket"), 2),
          cell(pick("clientCpuUsPerPacket"), 2),
          mode === "poll" ? fmt(median(pick("echoesPerPass")), 1) : "-",
          pct(median(pick("loss"))),
          t === "dtls" ? cell(cpuRatio, 2, "x") : "1.00x",
          t === "dtls" ? cell(ppsRatio, 2, "x") : "1.00x",
        ]);
      }
    }
    log(`### ${size}-byte packets\n`);
    log(table(["server path", "transport", "echoes/s", "server CPU µs/echo", "client CPU µs/echo", "echoes per pass", "loss", "CPU DTLS/plain", "echoes/s DTLS/plain"], rows));
    log("");
  }
  log(
    `Handshake (client's connectToPeer to STATUS_CONNECTED, cookie exchange included): median ${fmt(median(handshakes), 1)} ms over ${handshakes.length}. ` +
      "Poll loop: server.poll(), then [session.poll()] and while (getAvailablePacketCount() > 0) putPacket(getPacket()); after a pass that found nothing it awaits wait() on the client's server peer (no spinning). " +
      "'echoes per pass': packets echoed per pass, empty passes included.",
  );
  const stalled = Object.entries(res).flatMap(([k, v]) => v.filter((r) => r.stalls > 0).map(() => k));
  if (stalled.length)
    log(`\nStalls (200 ms without an echo: packets lost, the client sent a new window) in ${stalled.length} measurement(s): ${[...new Set(stalled)].join(", ")}.`);
}

// ---------------------------------------------------------------- main
async function main() {
  build();
  const godot = godotAvailable();
  const m = json.machine;
  log(`# godot-udp benchmarks${quick ? " (--quick)" : ""}${runs > 1 ? `, median of ${runs} runs` : ""}\n`);
  log(`Machine: ${m.nproc} cores, ${m.cpu}, Linux ${m.kernel}, node ${m.node}, load average ${m.load} at start.`);
  log(
    `Receiver on core ${RX_CPU}, sender on core ${TX_CPU}${hasTaskset ? " (taskset)" : " (taskset not found: unpinned)"}; ` +
      `windows: receive ${W.warmupMs} ms warm-up + ${W.windowMs} ms, send ${SEND.warmupMs} + ${SEND.windowMs} ms. CPU = user + system of the whole process.`,
  );
  if (!godot) log("\ngodot-udp is not built (dist/index.js has no PacketPeerUDP): only the baselines run.");
  if (want("receive")) await sectionReceive(godot);
  if (want("receive1")) await sectionReceive(godot, true);
  if (want("send")) await sectionSend(godot, false);
  if (want("batch")) await sectionSend(godot, true);
  if (want("rtt")) await sectionRtt(godot);
  if (want("memory")) await sectionMemory(godot);
  if (want("codec")) await sectionCodec();
  if (want("dtls")) await sectionDtls(godot);
  if (want("enet")) await sectionEnet();
  log(`\nLoad average at the end: ${machineInfo().load}`);
  if (opts.json) writeFileSync(String(opts.json), JSON.stringify(json, null, 2));
  if (opts.markdown) writeFileSync(String(opts.markdown), report.join("\n") + "\n");
  await sleep(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

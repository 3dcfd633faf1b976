// The client (load) of the DTLS rows: keeps `--inflight` packets of `--size` bytes in flight to the
// echo server (bench/dtls/echo-server.mjs) and sends a new one for every echo that comes back, so
// both ends stay busy without waiting out a round trip per packet. Always event mode ('packet'
// listeners), over a connected PacketPeerUDP (`--transport plain`) or a PacketPeerDTLS on one
// (`--transport dtls`) that trusts the server's self-signed certificate (`--cert-file`, written
// by the server) and verifies its name (localhost).
// Every packet carries a little-endian u32 sequence number in its first 4 bytes. After the
// handshake (DTLS) the client warms up for `--warmup-ms`, then measures echoes per second and its
// own CPU per echo over `--window-ms`, keeps the load on for `--tail-ms` (the server's window
// starts at its first packet, a little later), stops sending, waits for the last echoes and
// disconnects (the server echoes until then, so neither end cuts the other's window short).
// A packet lost on the way shrinks the window: after 200 ms without any echo every packet in
// flight counts as lost and a new window goes out (a stall; echoes of the old packets that still
// arrive are counted but send nothing, so the window stays `--inflight`). Prints one JSON line
// and exits by itself.
import { parseArgs, loopbackHost } from "../lib/args.mjs";
import { cpuMicros, nowMicros } from "../lib/cpu.mjs";
import { godot, OK } from "../lib/godot.mjs";

const args = parseArgs();
const host = loopbackHost(args.host);
const transport = args.transport ?? "plain";
const size = Math.max(4, args.size ?? 32);
const inflight = args.inflight ?? 64;
const warmupMs = args.warmupMs ?? 300;
const windowMs = args.windowMs ?? 1000;
const tailMs = args.tailMs ?? 150;
const { PacketPeerUDP, PacketPeerDTLS, TLSOptions, X509Certificate } = godot;

const udp = new PacketPeerUDP();
if (udp.connectToHost(host, args.port) !== OK) throw new Error("connectToHost failed");
// Should the server go first, a send after that may come back as ICMP port unreachable.
udp.on("error", () => {});

const buf = Buffer.alloc(size, 0xab);
let seq = 0;
/** Echoes of packets sent before the last stall send nothing (their slots were refilled). */
let floor = 0;
let sent = 0;
let echoes = 0;
let stalls = 0;
let sending = false;
let peer = udp;
let tStart = 0;
let tConnect = 0;
let handshakeMs;
const win = {};
let timer;
let phase = 0;

function send() {
  buf.writeUInt32LE(seq >>> 0, 0);
  seq++;
  if (peer.putPacket(buf) === OK) sent++;
}

function onEcho(data) {
  echoes++;
  const s = data.readUInt32LE(0);
  if (s >= seq) throw new Error("echo of a packet never sent");
  if (sending && s >= floor) send();
}

function start() {
  tStart = nowMicros();
  sending = true;
  for (let i = 0; i < inflight; i++) send();
  phase = 1;
  let lastEchoes = 0;
  let tLastEcho = tStart;
  let tStop = 0;
  timer = setInterval(() => {
    const t = nowMicros();
    if (echoes !== lastEchoes) {
      lastEchoes = echoes;
      tLastEcho = t;
    } else if (sending && phase <= 2 && t - tLastEcho > 200e3) {
      stalls++;
      tLastEcho = t;
      floor = seq;
      for (let i = 0; i < inflight; i++) send();
    }
    if (phase === 1 && t - tStart >= warmupMs * 1e3) {
      phase = 2;
      Object.assign(win, { t, cpu: cpuMicros(), echoes, sent });
    } else if (phase === 2 && t - win.t >= windowMs * 1e3) {
      phase = 3;
      const cpu = cpuMicros() - win.cpu;
      const n = echoes - win.echoes;
      Object.assign(win, { seconds: (t - win.t) / 1e6, cpuUs: cpu, packets: n });
    } else if (phase === 3 && t - win.t - win.seconds * 1e6 >= tailMs * 1e3) {
      phase = 4;
      sending = false;
      tStop = t;
    } else if (phase === 4 && (sent === echoes || t - tStop > 300e3)) {
      clearInterval(timer);
      finish();
    }
  }, 5);
}

let finished = false;
function finish(error) {
  if (finished) return;
  finished = true;
  const result = error
    ? { impl: `echo-client-${transport}`, error }
    : {
        impl: `echo-client-${transport}`,
        packets: win.packets,
        seconds: win.seconds,
        pps: Math.round(win.packets / win.seconds),
        cpuUs: Math.round(win.cpuUs),
        cpuUsPerPacket: win.packets ? win.cpuUs / win.packets : 0,
        sent,
        echoes,
        lost: sent ? 1 - echoes / sent : 0,
        stalls,
        handshakeMs,
        ...(peer !== udp ? { dtls: peer.stats() } : {}),
      };
  process.stdout.write(JSON.stringify(result) + "\n");
  if (peer !== udp) peer.disconnectFromPeer();
  udp.close();
  clearInterval(timer);
  setImmediate(() => process.exit(error ? 1 : 0));
}

const deadline = setTimeout(() => finish("no echo: the server did not answer"), 10000 + warmupMs + windowMs);
deadline.unref();

if (transport === "plain") {
  udp.on("packet", onEcho);
  start();
} else if (transport === "dtls") {
  const cert = new X509Certificate();
  if (cert.load(String(args.certFile)) !== OK) throw new Error("--cert-file: no certificate");
  peer = new PacketPeerDTLS();
  peer.on("status", (status) => {
    if (status === PacketPeerDTLS.STATUS_CONNECTED && tStart === 0) {
      handshakeMs = (nowMicros() - tConnect) / 1e3;
      start();
    } else if (status !== PacketPeerDTLS.STATUS_HANDSHAKING && status !== PacketPeerDTLS.STATUS_CONNECTED && win.packets === undefined) {
      // The server ends the session once its window is over; before the client's: a failure.
      finish(`DTLS session ended (status ${status}) ${((nowMicros() - tStart) / 1e3).toFixed(0)} ms after the start, phase ${phase}`);
    }
  });
  peer.on("packet", onEcho);
  tConnect = nowMicros();
  const code = peer.connectToPeer(udp, "localhost", TLSOptions.client(cert));
  if (code !== OK) finish(`connectToPeer: ${code}`);
} else {
  throw new Error(`unknown --transport ${transport}`);
}

// The receiving end of the memory flood: a PacketPeerUDP bound with a `--queue`-byte receive queue
// that nobody reads. Every millisecond it calls getAvailablePacketCount() (which drains the OS
// socket into the bounded queue, as a Godot game polling its peer does) and never getPacket().
// It samples RSS throughout and, once no packet arrived for `--idle-ms`, reports RSS growth
// against the RSS after bind, the peer's counters, and the kernel's UDP receive-buffer drops
// (/proc/net/snmp RcvbufErrors, system-wide) over the run.
import { parseArgs, loopbackHost } from "../lib/args.mjs";
import { kernelUdpDrops } from "../lib/machine.mjs";
import { godot, OK } from "../lib/godot.mjs";

const args = parseArgs();
const host = loopbackHost(args.host);
const queue = args.queue ?? 65536;
const idleMs = args.idleMs ?? 1500;
const maxMs = args.maxMs ?? 90000;

const peer = new godot.PacketPeerUDP();
if (peer.bind(args.port ?? 0, host, queue) !== OK) throw new Error("bind failed");
globalThis.gc?.();
const rss0 = process.memoryUsage.rss();
let rssMax = rss0;
const kernel0 = kernelUdpDrops();
const t0 = Date.now();
let lastSeen = 0;
let lastChange = Date.now();
let available = 0;
let polls = 0;

process.stdout.write(`READY ${peer.getLocalPort()}\n`);
const poll = setInterval(() => {
  available = peer.getAvailablePacketCount();
  polls++;
  const s = peer.stats();
  const seen = s.packetsReceived + s.packetsDropped;
  const now = Date.now();
  if (seen !== lastSeen) {
    lastSeen = seen;
    lastChange = now;
  }
  if ((polls & 15) === 0) rssMax = Math.max(rssMax, process.memoryUsage.rss());
  if ((seen > 0 && now - lastChange > idleMs) || now - t0 > maxMs) finish();
}, 1);

function finish() {
  clearInterval(poll);
  available = peer.getAvailablePacketCount();
  rssMax = Math.max(rssMax, process.memoryUsage.rss());
  const s = peer.stats();
  const kernel1 = kernelUdpDrops();
  const result = {
    impl: "godot-flood",
    queueBytes: queue,
    received: s.packetsReceived,
    dropped: s.packetsDropped,
    queued: available,
    kernelDrops: kernel0 && kernel1 ? kernel1.rcvbufErrors - kernel0.rcvbufErrors : undefined,
    rssBeforeMB: rss0 / 1048576,
    rssMaxMB: rssMax / 1048576,
    rssGrowthMB: (rssMax - rss0) / 1048576,
    polls,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
  peer.close();
}

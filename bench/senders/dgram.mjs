// node:dgram sender, one socket.send per datagram: `--connected` sends on a connected socket
// (no address per call), otherwise every send names the destination (dgram resolves it per call).
import dgram from "node:dgram";
import { parseArgs, loopbackHost } from "../lib/args.mjs";
import { runSendLoop } from "../lib/send-loop.mjs";

const args = parseArgs();
const host = loopbackHost(args.host);
const port = args.port;
const connected = Boolean(args.connected);
const BURST = 256;
const buf = Buffer.alloc(args.size ?? 32);
const sock = dgram.createSocket({ type: host.includes(":") ? "udp6" : "udp4", sendBufferSize: 4 << 20 });
let seq = 0;
let errors = 0;
const onError = (err) => {
  if (err) errors++;
};
sock.on("error", () => errors++);

function burst() {
  // Do not pile up a JS-side queue: if libuv had to queue sends, wait for it to drain.
  if (sock.getSendQueueCount() > 0) return 0;
  if (connected) {
    for (let i = 0; i < BURST; i++) {
      buf.writeUInt32LE(seq++ >>> 0, 0);
      sock.send(buf, onError);
    }
  } else {
    for (let i = 0; i < BURST; i++) {
      buf.writeUInt32LE(seq++ >>> 0, 0);
      sock.send(buf, port, host, onError);
    }
  }
  return BURST;
}

const start = () =>
  runSendLoop(connected ? "dgram-connected" : "dgram-unconnected", args, burst, () => new Promise((r) => sock.close(r)), () => ({ errors }));
if (connected) sock.connect(port, host, start);
else sock.bind(0, host.includes(":") ? "::1" : "127.0.0.1", start);

// node:dgram receiver: the 'message' event, one Buffer per datagram (libuv reads up to 32 per
// readiness event). The reference every godot-udp receiver is compared with.
import dgram from "node:dgram";
import { parseArgs, loopbackHost } from "../lib/args.mjs";
import { ReceiveMeter } from "../lib/receive-meter.mjs";

const args = parseArgs();
const host = loopbackHost(args.host);
const meter = new ReceiveMeter("dgram", args);
// The kernel's default SO_RCVBUF unless --rcvbuf is given, as godot-udp (which never sets it) gets.
const sock = dgram.createSocket({ type: host.includes(":") ? "udp6" : "udp4", ...(args.rcvbuf ? { recvBufferSize: args.rcvbuf } : {}) });
sock.on("message", (msg) => {
  meter.count++;
  meter.seq = msg.readUInt32LE(0);
});
sock.bind(args.port ?? 0, host, () => {
  process.stdout.write(`READY ${sock.address().port}\n`);
  meter.start(() => new Promise((r) => sock.close(r)));
});

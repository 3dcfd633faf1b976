// udx-native receiver: a raw UDX socket's 'message' event, one Buffer (a slice of udx-native's
// 64 KiB receive slab) and one { host, family, port } object per datagram. The native-addon
// comparison of issue 5; same arguments, meter and JSON line as receivers/dgram.mjs.
//
// libudx enlarges SO_RCVBUF on bind; this receiver puts it back to the kernel's default
// (net.core.rmem_default) unless --rcvbuf is given, as every other receiver keeps the default, so
// loss figures stay comparable (bench/README.md "Method"). Linux doubles what setsockopt is given,
// hence the halving.
import { readFileSync } from "node:fs";
import { loadUdx } from "../lib/udx.mjs";
import { parseArgs, loopbackHost } from "../lib/args.mjs";
import { ReceiveMeter } from "../lib/receive-meter.mjs";

const args = parseArgs();
const host = loopbackHost(args.host);
const meter = new ReceiveMeter("udx-native", args);

const UDX = loadUdx();

function kernelDefaultRcvbuf() {
  try {
    return Number(readFileSync("/proc/sys/net/core/rmem_default", "utf8").trim()) || 0;
  } catch {
    return 0;
  }
}

const udx = new UDX();
const sock = udx.createSocket();
sock.on("message", (msg) => {
  meter.count++;
  meter.seq = msg.readUInt32LE(0);
});
sock.bind(args.port ?? 0, host);
const wanted = args.rcvbuf || kernelDefaultRcvbuf();
if (wanted) {
  sock.setRecvBufferSize(Math.max(1, wanted >> 1));
  const got = sock.getRecvBufferSize();
  if (got !== wanted) process.stderr.write(`udx-native: SO_RCVBUF is ${got}, wanted ${wanted}\n`);
}
process.stdout.write(`READY ${sock.address().port}\n`);
meter.start(() => sock.close());

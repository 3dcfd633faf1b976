// godot-udp senders (`--mode`): `put` sends one putPacket per datagram, `batch` sends `--batch`
// datagrams per putPackets call. The destination is set with setDestAddress (Godot's usual way,
// on a socket bound to 127.0.0.1) or, with `--connected`, with connectToHost.
import { parseArgs, loopbackHost } from "../lib/args.mjs";
import { runSendLoop } from "../lib/send-loop.mjs";
import { godot, OK } from "../lib/godot.mjs";

const args = parseArgs();
const host = loopbackHost(args.host);
const mode = args.mode ?? "put";
const size = args.size ?? 32;
const batch = args.batch ?? 64;
const connected = Boolean(args.connected);
const peer = new godot.PacketPeerUDP();
if (connected) {
  if (peer.connectToHost(host, args.port) !== OK) throw new Error("connectToHost failed");
} else {
  if (peer.bind(0, host.includes(":") ? "::1" : "127.0.0.1") !== OK) throw new Error("bind failed");
  if (peer.setDestAddress(host, args.port) !== OK) throw new Error("setDestAddress failed");
}
let seq = 0;
let errors = 0;
const one = Buffer.alloc(size);
const many = Array.from({ length: batch }, () => Buffer.alloc(size));
const PUT_BURST = 256;
const BATCH_CALLS = Math.max(1, Math.floor(4096 / batch));

function burst() {
  if (mode === "put") {
    for (let i = 0; i < PUT_BURST; i++) {
      one.writeUInt32LE(seq++ >>> 0, 0);
      if (peer.putPacket(one) !== OK) errors++;
    }
    return PUT_BURST;
  }
  for (let c = 0; c < BATCH_CALLS; c++) {
    for (let i = 0; i < batch; i++) many[i].writeUInt32LE(seq++ >>> 0, 0);
    if (peer.putPackets(many) !== OK) errors++;
  }
  return BATCH_CALLS * batch;
}

runSendLoop(`godot-${mode}${connected ? "-connected" : ""}`, args, burst, () => peer.close(), () => ({ errors, stats: peer.stats() }));

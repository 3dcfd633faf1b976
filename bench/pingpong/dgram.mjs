// node:dgram ping-pong: `--role pong` echoes each datagram to its sender from the 'message'
// event; `--role ping` sends on a connected socket and sends the next round from the echo's
// 'message' event. A 1-byte "Q" ends the ponger; both exit by themselves on idle.
import dgram from "node:dgram";
import { parseArgs, loopbackHost } from "../lib/args.mjs";
import { RoundTrips } from "../lib/round-trips.mjs";

const args = parseArgs();
const host = loopbackHost(args.host);
const type = host.includes(":") ? "udp6" : "udp4";
const sock = dgram.createSocket(type);
const buf = Buffer.alloc(args.size ?? 32);

if (args.role === "pong") {
  let echoed = 0;
  let last = Date.now();
  sock.on("message", (msg, rinfo) => {
    if (msg.length === 1 && msg[0] === 0x51) return finish();
    sock.send(msg, rinfo.port, rinfo.address);
    echoed++;
    last = Date.now();
  });
  const idle = setInterval(() => Date.now() - last > 5000 && finish(), 200);
  function finish() {
    clearInterval(idle);
    process.stdout.write(JSON.stringify({ impl: "dgram-pong", echoed }) + "\n");
    sock.close();
  }
  sock.bind(args.port ?? 0, host, () => process.stdout.write(`READY ${sock.address().port}\n`));
} else {
  const rt = new RoundTrips("dgram", args);
  const send = () => {
    buf.writeUInt32LE(rt.round, 0);
    rt.markSend();
    sock.send(buf);
  };
  sock.on("message", (msg) => {
    if (rt.onEcho(msg.readUInt32LE(0))) send();
    else finish();
  });
  // A lost datagram would stall the chain: resend the current round after 200 ms of silence.
  let lastRound = -1;
  const watchdog = setInterval(() => {
    if (rt.round === lastRound) send();
    lastRound = rt.round;
  }, 200);
  function finish() {
    clearInterval(watchdog);
    sock.send(Buffer.from("Q"), () => {
      process.stdout.write(JSON.stringify(rt.result()) + "\n");
      sock.close();
    });
  }
  sock.connect(args.port, host, send);
}

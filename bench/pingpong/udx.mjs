// udx-native ping-pong, the same protocol as pingpong/dgram.mjs: `--role pong` echoes each
// datagram to its sender from the socket's 'message' event (trySend); `--role ping` sends to the
// ponger's port and sends the next round from the echo's 'message' event. A 1-byte "Q" ends the
// ponger; both exit by themselves on idle. Same output as the dgram version.
import { loadUdx } from "../lib/udx.mjs";
import { parseArgs, loopbackHost } from "../lib/args.mjs";
import { RoundTrips } from "../lib/round-trips.mjs";

const args = parseArgs();
const host = loopbackHost(args.host);

const UDX = loadUdx();

const udx = new UDX();
const sock = udx.createSocket();
const buf = Buffer.alloc(args.size ?? 32);

if (args.role === "pong") {
  let echoed = 0;
  let last = Date.now();
  sock.on("message", (msg, from) => {
    if (msg.length === 1 && msg[0] === 0x51) return finish();
    sock.trySend(msg, from.port, from.host);
    echoed++;
    last = Date.now();
  });
  const idle = setInterval(() => Date.now() - last > 5000 && finish(), 200);
  let finished = false;
  function finish() {
    if (finished) return;
    finished = true;
    clearInterval(idle);
    process.stdout.write(JSON.stringify({ impl: "udx-pong", echoed }) + "\n");
    sock.close();
  }
  sock.bind(args.port ?? 0, host);
  process.stdout.write(`READY ${sock.address().port}\n`);
} else {
  const rt = new RoundTrips("udx-native", args);
  const port = Number(args.port);
  const send = () => {
    buf.writeUInt32LE(rt.round, 0);
    rt.markSend();
    sock.trySend(buf, port, host);
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
  let finished = false;
  function finish() {
    if (finished) return;
    finished = true;
    clearInterval(watchdog);
    sock.send(Buffer.from("Q"), port, host).then(() => {
      process.stdout.write(JSON.stringify(rt.result()) + "\n");
      return sock.close();
    });
  }
  sock.bind(0, host);
  send();
}

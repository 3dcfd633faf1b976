// godot-udp ping-pong (`--mode`): `event` answers/continues from the 'packet' event; `wait`
// loops on `await peer.wait()` + getPacket(). The ponger sends back with putPacket to the
// pinger's address (setDestAddress only when the sender changes); the pinger is connected with
// connectToHost. A 1-byte "Q" ends the ponger; both exit by themselves on idle.
import { parseArgs, loopbackHost } from "../lib/args.mjs";
import { RoundTrips } from "../lib/round-trips.mjs";
import { godot, OK } from "../lib/godot.mjs";

const args = parseArgs();
const host = loopbackHost(args.host);
const mode = args.mode ?? "event";
const peer = new godot.PacketPeerUDP();
const buf = Buffer.alloc(args.size ?? 32);

if (args.role === "pong") {
  if (peer.bind(args.port ?? 0, host) !== OK) throw new Error("bind failed");
  let echoed = 0;
  let last = Date.now();
  let destIp = "";
  let destPort = 0;
  let done = false;
  const echo = (data, ip, port) => {
    if (data.length === 1 && data[0] === 0x51) return finish();
    if (port !== destPort || ip !== destIp) {
      destIp = ip;
      destPort = port;
      peer.setDestAddress(ip, port);
    }
    peer.putPacket(data);
    echoed++;
    last = Date.now();
  };
  const idle = setInterval(() => Date.now() - last > 5000 && finish(), 200);
  function finish() {
    if (done) return;
    done = true;
    clearInterval(idle);
    process.stdout.write(JSON.stringify({ impl: `godot-${mode}-pong`, echoed }) + "\n");
    peer.close();
  }
  process.stdout.write(`READY ${peer.getLocalPort()}\n`);
  if (mode === "event") {
    peer.on("packet", (data, rinfo) => echo(data, rinfo.address, rinfo.port));
  } else {
    (async () => {
      while (!done) {
        await peer.wait({ timeout: 200 });
        while (!done && peer.getAvailablePacketCount() > 0) {
          const data = peer.getPacket();
          echo(data, peer.getPacketIp(), peer.getPacketPort());
        }
      }
    })();
  }
} else {
  if (peer.connectToHost(host, args.port) !== OK) throw new Error("connectToHost failed");
  const rt = new RoundTrips(`godot-${mode}`, args);
  let finished = false;
  const send = () => {
    buf.writeUInt32LE(rt.round, 0);
    rt.markSend();
    peer.putPacket(buf);
  };
  // A lost datagram would stall the chain: resend the current round after 200 ms of silence.
  let lastRound = -1;
  const watchdog = setInterval(() => {
    if (rt.round === lastRound) send();
    lastRound = rt.round;
  }, 200);
  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(watchdog);
    peer.putPacket(Buffer.from("Q"));
    process.stdout.write(JSON.stringify(rt.result()) + "\n");
    peer.close();
  };
  if (mode === "event") {
    peer.on("packet", (data) => {
      if (finished) return;
      if (rt.onEcho(data.readUInt32LE(0))) send();
      else finish();
    });
    send();
  } else {
    (async () => {
      send();
      while (!finished) {
        await peer.wait({ timeout: 200 });
        while (!finished && peer.getAvailablePacketCount() > 0) {
          const data = peer.getPacket();
          if (rt.onEcho(data.readUInt32LE(0))) send();
          else finish();
        }
      }
    })();
  }
}

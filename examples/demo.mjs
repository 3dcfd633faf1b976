// npm run demo: two PacketPeerUDP peers on loopback exchange packets.
//  1. Godot style: putVar / getVar, polling getAvailablePacketCount().
//  2. Node style: 'packet' events; Alice keeps a window of packets in flight, Bob echoes each one,
//     for 2 seconds; then the round-trip rate and the traffic counters are printed.
// Everything stays on 127.0.0.1; the script exits by itself.
import { PacketPeerUDP, GodotError, Vector2, varToStr } from "../dist/index.js";

const DURATION_MS = 2000;
const WINDOW = 64;

const alice = new PacketPeerUDP();
const bob = new PacketPeerUDP();
check(alice.bind(0, "127.0.0.1"), "alice.bind");
check(bob.bind(0, "127.0.0.1"), "bob.bind");
alice.setDestAddress("127.0.0.1", bob.getLocalPort());
bob.setDestAddress("127.0.0.1", alice.getLocalPort());
console.log(`alice on 127.0.0.1:${alice.getLocalPort()}, bob on 127.0.0.1:${bob.getLocalPort()}`);

function check(code, what) {
  if (code !== GodotError.OK) throw new Error(`${what}: ${GodotError[code]}`);
}

// 1. Godot style.
const messages = ["Hello World!", 3.1415, [1, "two", true], new Vector2(4, 2), { score: 10 }];
for (const m of messages) check(alice.putVar(m), "putVar");
const deadline = Date.now() + 2000;
while (bob.getAvailablePacketCount() < messages.length && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 1));
}
while (bob.getAvailablePacketCount() > 0) {
  const value = bob.getVar();
  // varToStr prints the value as Godot's var_to_str would.
  console.log(`bob got ${varToStr(value).replace(/\n/g, " ")} from ${bob.getPacketIp()}:${bob.getPacketPort()}`);
}

// 2. Node style: events.
let echoed = 0;
let bytes = 0;
let stopping = false;
const payload = Buffer.alloc(64, 0x2a);

bob.on("packet", (data) => {
  bob.putPacket(data); // echo
});
alice.on("packet", (data, rinfo) => {
  echoed++;
  bytes += data.length;
  if (echoed <= 3) console.log(`alice got echo #${echoed}: ${data.length} bytes from ${rinfo.address}:${rinfo.port}`);
  if (!stopping) {
    alice.putPacket(payload);
  }
});

const start = process.hrtime.bigint();
for (let i = 0; i < WINDOW; i++) {
  alice.putPacket(payload);
}
await new Promise((resolve) => setTimeout(resolve, DURATION_MS));
stopping = true;
const seconds = Number(process.hrtime.bigint() - start) / 1e9;

console.log(
  `round trips: ${echoed} in ${seconds.toFixed(2)} s = ${Math.round(echoed / seconds)} /s ` +
    `(${((2 * bytes) / seconds / 1e6).toFixed(1)} MB/s both ways, window ${WINDOW})`,
);
const { packetsSent, packetsReceived, packetsDropped } = alice.stats();
console.log(`alice: sent ${packetsSent}, received ${packetsReceived}, dropped ${packetsDropped}`);
const b = bob.stats();
console.log(`bob:   sent ${b.packetsSent}, received ${b.packetsReceived}, dropped ${b.packetsDropped}`);
alice.close();
bob.close();

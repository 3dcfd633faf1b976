// A listener that polls, as a Godot game does in _process(): every frame, if
// getAvailablePacketCount() > 0, take the packet with getPacket().
//   node examples/listen-poll.mjs [port]     then, elsewhere: node examples/send.mjs [port]
// Exits after the first message, or after 10 seconds. Without a port argument it also sends
// itself one message, so it runs on its own.
import { PacketPeerUDP, GodotError } from "../dist/index.js";

const standalone = process.argv[2] === undefined;
const peer = new PacketPeerUDP();
const code = peer.bind(standalone ? 0 : Number(process.argv[2]), "127.0.0.1");
if (code !== GodotError.OK) {
  console.error(`bind failed: ${GodotError[code]}`);
  process.exit(1);
}
console.log(`listening on 127.0.0.1:${peer.getLocalPort()}`);

const FRAME_MS = 16; // ~60 frames per second
const deadline = Date.now() + 10_000;

function process_frame() {
  if (peer.getAvailablePacketCount() > 0) {
    const bytes = peer.getPacket();
    console.log(`Received message: ${bytes.toString("ascii")} (from ${peer.getPacketIp()}:${peer.getPacketPort()})`);
    peer.close();
    return;
  }
  if (Date.now() > deadline) {
    console.log("no message within 10 s; bye");
    peer.close();
    return;
  }
  setTimeout(process_frame, FRAME_MS);
}
process_frame();

if (standalone) {
  const sender = new PacketPeerUDP();
  sender.setDestAddress("127.0.0.1", peer.getLocalPort());
  sender.putPacket(Buffer.from("hello", "ascii"));
  sender.close();
}

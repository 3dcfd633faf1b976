// Send one packet (the seed example from Godot's PacketPeerUDP docs, in Node).
//   node examples/send.mjs [port] [message]        (start examples/listen-poll.mjs first)
import { PacketPeerUDP, GodotError } from "../dist/index.js";

const port = Number(process.argv[2] ?? 4433);
const message = process.argv[3] ?? "hello";

const peer = new PacketPeerUDP();
// Optionally choose the local port the packet leaves from: peer.bind(4444);
peer.setDestAddress("127.0.0.1", port);
const result = peer.putPacket(Buffer.from(message, "utf8"));
console.log(`put_packet(${JSON.stringify(message)}) to 127.0.0.1:${port} -> ${GodotError[result]}`);
peer.close();

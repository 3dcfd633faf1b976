// The "death pill" loop from Godot's PacketPeerUDP.wait() docs: a receiver loops on wait() and
// stops when it gets a agreed-upon packet. Here wait() is a Promise (the event loop keeps running)
// and, unlike Godot's, it can also be ended by close(), a timeout or an AbortSignal.
//   node examples/wait-death-pill.mjs
import { PacketPeerUDP, GodotError } from "../dist/index.js";

const socket = new PacketPeerUDP();
socket.bind(0, "127.0.0.1");
const port = socket.getLocalPort();

async function client() {
  // wait() resolves OK once a datagram is readable; drain everything queued, then wait again.
  while ((await socket.wait({ timeout: 5000 })) === GodotError.OK) {
    while (socket.getAvailablePacketCount() > 0) {
      const data = socket.getPacket().toString("ascii");
      if (data === "Time to stop") {
        console.log("client: got the death pill, stopping");
        socket.close();
        return;
      }
      console.log(`client: ${data}`);
    }
  }
  console.log("client: wait() ended without a death pill");
  socket.close();
}

function server() {
  const peer = new PacketPeerUDP();
  peer.setDestAddress("127.0.0.1", port);
  for (let i = 1; i <= 3; i++) peer.putPacket(Buffer.from(`message ${i}`, "ascii"));
  peer.putPacket(Buffer.from("Time to stop", "ascii"));
  peer.close();
}

const done = client();
setTimeout(server, 50);
await done;

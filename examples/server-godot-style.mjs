// A Godot-style UDPServer: a "frame" loop polls the server, takes new connections and echoes
// what each peer receives, as Godot's UDPServer documentation does in _process().
// Runs by itself on loopback: three built-in clients send two messages each; it exits once every
// client got both echoes (or after 5 s).
import { GodotError, PacketPeerUDP, UDPServer } from "../dist/index.js";

const FRAME_MS = 16; // Godot calls _process about 60 times a second
const DEADLINE_MS = 5000;

const server = new UDPServer();
if (server.listen(0, "127.0.0.1") !== GodotError.OK) throw new Error("listen failed");
const port = server.getLocalPort();
console.log(`server listening on 127.0.0.1:${port}`);

const peers = [];

function serverFrame() {
  server.poll(); // Important! Reads the socket and routes datagrams to peers.
  while (server.isConnectionAvailable()) {
    const peer = server.takeConnection();
    console.log(`server: accepted peer ${peer.getPacketIp()}:${peer.getPacketPort()}`);
    peers.push(peer); // keep it: the server routes this remote's datagrams to it
  }
  for (const peer of peers) {
    while (peer.getAvailablePacketCount() > 0) {
      const packet = peer.getPacket();
      console.log(`server: ${peer.getPacketPort()} says "${packet.toString()}"`);
      peer.putPacket(packet); // reply through the server's socket
    }
  }
}

const clients = [1, 2, 3].map((n) => {
  const socket = new PacketPeerUDP();
  socket.connectToHost("127.0.0.1", port);
  socket.putPacket(Buffer.from(`hello from client ${n}`));
  socket.putPacket(Buffer.from(`bye from client ${n}`));
  return { n, socket, replies: [] };
});

function clientFrame() {
  for (const client of clients) {
    while (client.socket.getAvailablePacketCount() > 0) {
      client.replies.push(client.socket.getPacket().toString());
    }
  }
}

const started = Date.now();
const timer = setInterval(() => {
  serverFrame();
  clientFrame();
  const done = clients.every((c) => c.replies.length === 2);
  if (!done && Date.now() - started < DEADLINE_MS) return;
  clearInterval(timer);
  for (const c of clients) console.log(`client ${c.n} got: ${JSON.stringify(c.replies)}`);
  for (const c of clients) c.socket.close();
  server.stop(); // also detaches every taken peer
  process.exitCode = done ? 0 : 1;
}, FRAME_MS);

// The echo server of server-godot-style.mjs written the Node way: no frame loop, no poll().
// `for await` yields each new remote as a connected PacketPeerUDP, and each peer's own
// `for await` yields its datagrams; readiness comes from the native engine (an idle server uses
// no CPU). stop() ends both loops.
// Runs by itself on loopback: three built-in clients (using 'packet' events) send two messages
// each; it exits once every client got both echoes (or after 5 s).
import { GodotError, PacketPeerUDP, UDPServer } from "../dist/index.js";

const DEADLINE_MS = 5000;

const server = new UDPServer();
if (server.listen(0, "127.0.0.1") !== GodotError.OK) throw new Error("listen failed");
const port = server.getLocalPort();
console.log(`server listening on 127.0.0.1:${port}`);

async function serve(peer) {
  console.log(`server: accepted peer ${peer.getPacketIp()}:${peer.getPacketPort()}`);
  for await (const packet of peer) {
    console.log(`server: ${packet.port} says "${packet.data.toString()}"`);
    peer.putPacket(packet.data);
  }
}

const serving = (async () => {
  for await (const peer of server) void serve(peer);
  console.log("server: stopped");
})();
// The same with events:
//   server.on("connection", (peer) => peer.on("packet", (data) => peer.putPacket(data)));

const clients = [1, 2, 3].map((n) => {
  const socket = new PacketPeerUDP();
  const client = { n, socket, replies: [] };
  socket.connectToHost("127.0.0.1", port);
  socket.on("packet", (data) => {
    client.replies.push(data.toString());
    if (clients.every((c) => c.replies.length === 2)) finish(true);
  });
  socket.putPacket(Buffer.from(`hello from client ${n}`));
  socket.putPacket(Buffer.from(`bye from client ${n}`));
  return client;
});

const deadline = setTimeout(() => finish(false), DEADLINE_MS);
let finished = false;

async function finish(ok) {
  if (finished) return;
  finished = true;
  clearTimeout(deadline);
  for (const c of clients) console.log(`client ${c.n} got: ${JSON.stringify(c.replies)}`);
  for (const c of clients) c.socket.close();
  server.stop();
  await serving;
  process.exitCode = ok ? 0 : 1;
}

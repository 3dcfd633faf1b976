// A Node server that stock Godot 4 games join with ENetMultiplayerPeer.create_client(): it is
// the multiplayer server (id 1), relays between clients as Godot's server does, and answers
// every multiplayer.send_bytes() it gets.
//   node examples/enet-server.mjs [port]       serve on 127.0.0.1:port (default 7000) until Ctrl-C
//   node examples/enet-server.mjs --self-test  the same server and two ENet clients in this
//                                               process (as two Godot games would be), then exit
//
// The Godot side (GDScript):
//   var peer := ENetMultiplayerPeer.new()
//   peer.create_client("127.0.0.1", 7000)
//   multiplayer.multiplayer_peer = peer
//   multiplayer.peer_packet.connect(func(id, bytes): print(id, ": ", bytes.get_string_from_utf8()))
//   multiplayer.connected_to_server.connect(func(): multiplayer.send_bytes("hello".to_utf8_buffer()))
import { ENetMultiplayerPeer, SceneMultiplayer, TransferMode } from "godot-udp";

const selfTest = process.argv.includes("--self-test");
const port = selfTest ? 0 : Number(process.argv[2] ?? 7000);

// ----- the server -----
const serverPeer = new ENetMultiplayerPeer();
serverPeer.setBindIp("127.0.0.1"); // "*" to accept games from other machines
let code = serverPeer.createServer(port, 32);
if (code !== 0) throw new Error(`createServer failed: Godot error ${code}`);
const server = new SceneMultiplayer();
server.multiplayerPeer = serverPeer;
const boundPort = serverPeer.getHost().getLocalPort();
console.log(`ENet multiplayer server on 127.0.0.1:${boundPort}`);

server.on("peerConnected", (id) => console.log(`peer ${id} joined`));
server.on("peerDisconnected", (id) => console.log(`peer ${id} left`));
server.on("peerPacket", (id, bytes) => {
  const text = Buffer.from(bytes).toString("utf8");
  console.log(`peer ${id} sent ${JSON.stringify(text)}`);
  server.sendBytes(Buffer.from(`server got ${text}`), id, TransferMode.RELIABLE);
});

// Godot polls once a frame; a server polls on a short timer (nothing moves between polls).
const timer = setInterval(() => server.poll(), 5);

if (!selfTest) {
  process.on("SIGINT", () => {
    clearInterval(timer);
    serverPeer.close();
  });
} else {
  // ----- two clients, playing the Godot games -----
  const clients = [1, 2].map((n) => {
    const peer = new ENetMultiplayerPeer();
    code = peer.createClient("127.0.0.1", boundPort);
    if (code !== 0) throw new Error(`createClient failed: Godot error ${code}`);
    const mp = new SceneMultiplayer();
    mp.multiplayerPeer = peer;
    return { n, peer, mp, got: [] };
  });
  for (const c of clients) {
    c.mp.on("connectedToServer", () => {
      console.log(`client ${c.n} connected as ${c.mp.getUniqueId()}`);
      c.mp.sendBytes(Buffer.from(`hello from client ${c.n}`), 1); // to the server (0 would be everyone)
    });
    c.mp.on("peerPacket", (id, bytes) => c.got.push(`${id}: ${Buffer.from(bytes).toString("utf8")}`));
  }
  // Client 1 greets client 2 through the server's relay once it knows client 2 is there.
  clients[0].mp.on("peerConnected", (id) => {
    if (id !== 1) clients[0].mp.sendBytes(Buffer.from("hi, via the server"), id);
  });

  const deadline = Date.now() + 10_000;
  const tick = setInterval(() => {
    for (const c of clients) c.mp.poll();
    const done = clients[0].got.length >= 1 && clients[1].got.length >= 2;
    if (!done && Date.now() < deadline) return;
    clearInterval(tick);
    for (const c of clients) console.log(`client ${c.n} received`, c.got);
    for (const c of clients) c.peer.close();
    clearInterval(timer);
    serverPeer.close();
    if (!done) {
      console.error("self-test: not every message arrived within 10 s");
      process.exitCode = 1;
    }
  }, 5);
}

// The echo server of the DTLS rows: a UDPServer on loopback echoing every packet back to its
// client, over plain UDP (`--transport plain`, the taken PacketPeerUDP) or DTLS (`--transport
// dtls`, a DTLSServer session on the taken peer), driven one of two ways (`--mode`):
//   event  'connection' and 'packet' listeners: the server peer (plain) or the DTLS session
//          answers from its 'packet' event with putPacket
//   poll   Godot's loop: server.poll(), take connections (DTLS: through dtls.takeConnection),
//          then per client [session.poll();] while (getAvailablePacketCount() > 0)
//          putPacket(getPacket()). A pass that echoed something is followed by the next one at
//          the event loop's next turn (setImmediate); a pass that found nothing waits with
//          `await udp.wait()` on the first client's UDP peer (a server peer: it waits for the
//          server's socket, as Godot's does), so the loop neither spins nor sleeps past a packet.
// The CPU per echoed packet (receive + decrypt + encrypt + send for DTLS) is measured by the
// shared ReceiveMeter: process CPU (all threads) over the window, divided by the packets echoed
// in it; loss from the client's sequence numbers (first 4 bytes of every plaintext).
// DTLS: a 2048-bit RSA key and a self-signed certificate for CN=localhost are made at start and
// the certificate is written to `--cert-file` (PEM) before READY, for the client to trust.
import { parseArgs, loopbackHost } from "../lib/args.mjs";
import { ReceiveMeter } from "../lib/receive-meter.mjs";
import { godot, OK } from "../lib/godot.mjs";

const args = parseArgs();
const host = loopbackHost(args.host);
const transport = args.transport ?? "plain";
const mode = args.mode ?? "event";
const meter = new ReceiveMeter(`echo-${transport}-${mode}`, args);
const { UDPServer, DTLSServer, PacketPeerDTLS, TLSOptions, Crypto } = godot;
const CONNECTED = PacketPeerDTLS.STATUS_CONNECTED;
const HANDSHAKING = PacketPeerDTLS.STATUS_HANDSHAKING;
const ERR_UNCONFIGURED = godot.GodotError.ERR_UNCONFIGURED;

const server = new UDPServer();
if (server.listen(0, host) !== OK) throw new Error("listen failed");

let dtls = null;
if (transport === "dtls") {
  const crypto = new Crypto();
  const key = crypto.generateRsa(2048);
  const cert = crypto.generateSelfSignedCertificate(key, "CN=localhost,O=godot-udp bench,C=IT");
  if (!args.certFile || cert.save(String(args.certFile)) !== OK) throw new Error("--cert-file is needed and must be writable");
  dtls = new DTLSServer();
  if (dtls.setup(TLSOptions.server(key, cert)) !== OK) throw new Error("DTLSServer.setup failed");
} else if (transport !== "plain") {
  throw new Error(`unknown --transport ${transport}`);
}

/** Plain: taken PacketPeerUDPs. DTLS: sessions (their UDP peers close with them). */
const clients = [];
let closed = false;

function onEcho(data) {
  meter.count++;
  meter.seq = data.readUInt32LE(0);
}

/** A connection the UDPServer handed out: the client (plain) or its DTLS session, or null. */
function accept(udp) {
  if (dtls === null) return udp;
  const session = dtls.takeConnection(udp);
  // The first ClientHello of each client gets the stateless cookie and that attempt ends
  // (STATUS_ERROR, its UDP peer closed): the retried hello is a new connection.
  return session.getStatus() === HANDSHAKING ? session : null;
}

if (mode === "event") {
  server.on("connection", (udp) => {
    const peer = accept(udp);
    if (peer === null) return;
    clients.push(peer);
    peer.on("packet", (data) => {
      onEcho(data);
      peer.putPacket(data);
    });
  });
} else if (mode === "poll") {
  /** The first client's UDP peer: its wait() waits for the server's socket, as in Godot. */
  let waitPeer = null;
  const pass = () => {
    meter.calls++;
    server.poll();
    while (server.isConnectionAvailable()) {
      const udp = server.takeConnection();
      const peer = accept(udp);
      if (peer === null) continue;
      clients.push(peer);
      waitPeer ??= udp;
    }
    let echoed = 0;
    for (const peer of clients) {
      if (dtls !== null) {
        peer.poll();
        if (peer.getStatus() !== CONNECTED) continue;
      }
      while (peer.getAvailablePacketCount() > 0) {
        const data = peer.getPacket();
        onEcho(data);
        peer.putPacket(data);
        echoed++;
      }
    }
    return echoed;
  };
  (async () => {
    while (!closed) {
      if (pass() > 0) {
        // Let timers and I/O run between busy passes, as a frame would.
        await new Promise(setImmediate);
      } else {
        // A closed peer answers wait() at once (ERR_UNCONFIGURED): sleep instead from then on,
        // or this loop would never leave the microtask queue.
        if (waitPeer !== null && (await waitPeer.wait({ timeout: 50 })) === ERR_UNCONFIGURED) waitPeer = null;
        if (waitPeer === null) await new Promise((r) => setTimeout(r, 1));
      }
    }
  })();
} else {
  throw new Error(`unknown --mode ${mode}`);
}

process.stdout.write(`READY ${server.getLocalPort()}\n`);
// After the window the server keeps echoing until its client stops (200 ms without a packet, at
// most 3 s), so the client's own window, which ends about when this one does, is never cut short.
meter.start(async () => {
  for (let last = -1, waited = 0; meter.count !== last && waited < 3000; waited += 200) {
    last = meter.count;
    await new Promise((r) => setTimeout(r, 200));
  }
  closed = true;
  if (dtls !== null) for (const s of clients) s.disconnectFromPeer();
  server.stop();
});

// A DTLS echo: a DTLSServer behind a UDPServer, and a PacketPeerDTLS client that trusts the
// server's self-signed certificate, both in this process, over 127.0.0.1.
//   node examples/dtls-echo.mjs
import {
  bytesToVar,
  Crypto,
  DTLSServer,
  DTLSStatus,
  PacketPeerDTLS,
  PacketPeerUDP,
  TLSOptions,
  UDPServer,
} from "godot-udp";

const crypto = new Crypto();
const key = crypto.generateRsa(2048);
const cert = crypto.generateSelfSignedCertificate(key, "CN=localhost,O=godot-udp example,C=IT");

// The server: every connection from the UDPServer becomes a DTLS session.
const server = new UDPServer();
server.listen(0, "127.0.0.1");
const dtls = new DTLSServer();
dtls.setup(TLSOptions.server(key, cert));
server.on("connection", (udpPeer) => {
  const peer = dtls.takeConnection(udpPeer);
  // A client's first hello is answered with a cookie and that attempt ends; its retry starts here.
  if (peer.getStatus() !== PacketPeerDTLS.STATUS_HANDSHAKING) return;
  peer.on("packet", (data) => {
    const value = bytesToVar(data);
    console.log("server got", value);
    peer.putVar({ echo: value });
  });
});

// The client: a connected UDP peer, and DTLS on it, verifying the certificate and the name.
const udp = new PacketPeerUDP();
udp.connectToHost("127.0.0.1", server.getLocalPort());
const client = new PacketPeerDTLS();
client.on("status", (status) => {
  console.log("client status", DTLSStatus[status]);
  if (status === PacketPeerDTLS.STATUS_CONNECTED) client.putVar({ hello: "server", n: 1 });
});
client.on("packet", (data) => {
  console.log("client got", bytesToVar(data));
  client.disconnectFromPeer();
  udp.close();
  server.stop();
});
client.connectToPeer(udp, "localhost", TLSOptions.client(cert));

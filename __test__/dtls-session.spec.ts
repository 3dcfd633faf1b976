// PacketPeerDTLS and DTLSServer between two godot-udp ends over 127.0.0.1: Godot's poll loop,
// events and for-await, every Variant type with putVar/getVar, Godot's statuses and error codes.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { UDPServer } from "../src-ts/udp-server.js";
import { DTLSServer, PacketPeerDTLS, TLSOptions } from "../src-ts/dtls/index.js";
import { varToBytes } from "../src-ts/variant/index.js";
import { cryptoIdentity, dtlsClient, dtlsServer, pollHandshake } from "./dtls-helpers.js";
import { until, withDeadline } from "./packet-peer-helpers.js";
import { grammarTypes, loadVectors, toModel } from "./variant-model.js";

const identity = cryptoIdentity("localhost");
const other = cryptoIdentity("localhost");

test("Godot's loop: poll() on both ends, cookie exchange, data both ways, close_notify", async (t) => {
  const server = new UDPServer();
  t.is(server.listen(0, "127.0.0.1"), GodotError.OK);
  t.teardown(() => server.stop());
  const dtls = new DTLSServer();
  t.is(dtls.setup(TLSOptions.server(identity.key, identity.cert)), GodotError.OK);
  const { session: client, code } = dtlsClient(t, server.getLocalPort(), "localhost", TLSOptions.client(identity.cert));
  t.is(code, GodotError.OK);
  t.is(client.getStatus(), PacketPeerDTLS.STATUS_HANDSHAKING);

  const peers: PacketPeerDTLS[] = [];
  const statuses: number[] = [];
  const step = (): void => {
    server.poll();
    while (server.isConnectionAvailable()) {
      const peer = dtls.takeConnection(server.takeConnection()!)!;
      statuses.push(peer.getStatus());
      if (peer.getStatus() === PacketPeerDTLS.STATUS_HANDSHAKING) peers.push(peer);
    }
    for (const p of peers) p.poll();
    client.poll();
  };
  await until(() => {
    step();
    return client.getStatus() === PacketPeerDTLS.STATUS_CONNECTED && peers[0]?.getStatus() === PacketPeerDTLS.STATUS_CONNECTED;
  }, "both ends connected");
  // Godot's documented "50% of the connections fail due to cookie exchange".
  t.deepEqual(statuses, [PacketPeerDTLS.STATUS_ERROR, PacketPeerDTLS.STATUS_HANDSHAKING]);
  t.is(peers.length, 1);

  t.is(client.putPacket(Buffer.from("ping")), GodotError.OK);
  t.is(client.putPacket(Buffer.from("ping 2")), GodotError.OK);
  await until(() => {
    step();
    return peers[0].getAvailablePacketCount() >= 2;
  }, "two packets at the server");
  t.is(peers[0].getPacket().toString(), "ping");
  t.is(peers[0].getPacketError(), GodotError.OK);
  t.is(peers[0].getPacket().toString(), "ping 2");
  t.is(peers[0].getPacket().length, 0, "nothing queued: empty, OK (Godot)");
  t.is(peers[0].getPacketError(), GodotError.OK);

  t.is(peers[0].putVar({ pong: [1, 2.5, "three"] }), GodotError.OK);
  await until(() => {
    step();
    return client.getAvailablePacketCount() > 0;
  }, "the reply");
  t.deepEqual(varToBytes(client.getVar()), varToBytes({ pong: [1, 2.5, "three"] }));

  client.disconnectFromPeer();
  t.is(client.getStatus(), PacketPeerDTLS.STATUS_DISCONNECTED);
  await until(() => {
    step();
    return peers[0].getStatus() === PacketPeerDTLS.STATUS_DISCONNECTED;
  }, "the server to see close_notify");
});

test("events: 'status', 'packet' and 'close' on both ends, with no poll() calls", async (t) => {
  const events: string[] = [];
  const server = dtlsServer(t, identity, (session) => {
    session.on("status", (s) => events.push(`server status ${s}`));
    session.on("close", () => events.push("server close"));
    session.on("packet", (data) => session.putPacket(Buffer.concat([Buffer.from("echo "), data])));
  });
  const { session } = dtlsClient(t, server.port, "localhost", TLSOptions.client(identity.cert));
  const replies: string[] = [];
  session.on("packet", (data) => replies.push(data.toString()));
  const connected = new Promise<void>((resolve) => session.on("status", (s) => s === PacketPeerDTLS.STATUS_CONNECTED && resolve()));
  await withDeadline(connected, "the client to connect");
  for (let i = 0; i < 50; i++) t.is(session.putPacket(Buffer.from(`n${i}`)), GodotError.OK);
  await until(() => replies.length === 50, "50 echoes");
  t.deepEqual(replies, Array.from({ length: 50 }, (_, i) => `echo n${i}`));
  const closed = new Promise<void>((resolve) => server.sessions[0].once("close", () => resolve()));
  session.disconnectFromPeer();
  await withDeadline(closed, "the server session to close");
  t.deepEqual(events, ["server status 2", "server status 0", "server close"]);
  t.false(server.sessions[0].getStatus() === PacketPeerDTLS.STATUS_CONNECTED);
});

test("events: packets sent right before close_notify arrive before 'close'", async (t) => {
  const seen: string[] = [];
  const server = dtlsServer(t, identity, (session) => {
    session.on("packet", (data) => seen.push(data.toString()));
    session.on("close", () => seen.push("close"));
  });
  const { session } = dtlsClient(t, server.port, "localhost", TLSOptions.client(identity.cert));
  t.is(await pollHandshake(session), PacketPeerDTLS.STATUS_CONNECTED);
  for (const word of ["last", "words"]) t.is(session.putPacket(Buffer.from(word)), GodotError.OK);
  session.disconnectFromPeer();
  await until(() => seen.includes("close"), "the server session to close");
  t.deepEqual(seen, ["last", "words", "close"]);
  t.is(server.sessions[0].getStatus(), PacketPeerDTLS.STATUS_DISCONNECTED);
});

test("for await yields a session's packets and ends when the peer disconnects", async (t) => {
  const got: string[] = [];
  let loop: Promise<void> | undefined;
  const server = dtlsServer(t, identity, (session) => {
    loop = (async () => {
      for await (const data of session) got.push(data.toString());
    })();
  });
  const { session } = dtlsClient(t, server.port, "localhost", TLSOptions.client(identity.cert));
  t.is(await pollHandshake(session), PacketPeerDTLS.STATUS_CONNECTED);
  for (const word of ["a", "b", "c"]) session.putPacket(Buffer.from(word));
  await until(() => got.length === 3, "three packets");
  session.disconnectFromPeer();
  await withDeadline(loop!, "the loop to end");
  t.deepEqual(got, ["a", "b", "c"]);
});

test("every Variant type crosses DTLS with putVar/getVar, byte for byte", async (t) => {
  const vectors = [...loadVectors("variant-godot-tests.json"), ...loadVectors("variant-derived.json")].filter(
    (v) => v.value !== undefined && v.expected_error === undefined && v.direction !== "decode" &&
      !v.flags.full_objects && v.flags.real_t === "float" && v.bytes_hex.length / 2 <= 16384,
  );
  const types = new Set<string>();
  for (const v of vectors) grammarTypes(v.value, types);
  const options = { allowObjects: true, lossless: true };
  // Both ends read Godot's way: getVar() from the session's queue (the server session runs in
  // event mode with no 'packet' listener, the client is polled).
  const server = dtlsServer(t, identity);
  const { session } = dtlsClient(t, server.port, "localhost", TLSOptions.client(identity.cert));
  t.is(await pollHandshake(session), PacketPeerDTLS.STATUS_CONNECTED);
  for (const v of vectors) t.is(session.putVar(toModel(v.value!)), GodotError.OK, v.name);
  const atServer: Buffer[] = [];
  await until(() => {
    const peer = server.sessions[0];
    while (peer.getAvailablePacketCount() > 0) {
      const result = peer.getVarResult(options);
      t.is(result.error, GodotError.OK);
      atServer.push(Buffer.from(varToBytes(result.value)));
      t.is(peer.putVar(result.value), GodotError.OK);
    }
    return atServer.length === vectors.length;
  }, `${vectors.length} values at the server`);
  const back: Buffer[] = [];
  await until(() => {
    session.poll();
    while (session.getAvailablePacketCount() > 0) back.push(Buffer.from(varToBytes(session.getVar(options))));
    return back.length === vectors.length;
  }, `${vectors.length} values back`);
  vectors.forEach((v, i) => {
    t.is(atServer[i].toString("hex"), v.bytes_hex, `${v.name}: client -> server`);
    t.is(back[i].toString("hex"), v.bytes_hex, `${v.name}: server -> client`);
  });
  t.log(`${vectors.length} values, ${types.size} Variant types: ${[...types].sort().join(", ")}`);
  t.is(types.size, 39, `only ${types.size} types covered`);
});

test("client checks: untrusted certificate fails, clientUnsafe connects, commonNameOverride replaces the hostname", async (t) => {
  const server = dtlsServer(t, identity);
  const untrusted = dtlsClient(t, server.port, "localhost", TLSOptions.client(other.cert));
  t.is(await pollHandshake(untrusted.session), PacketPeerDTLS.STATUS_ERROR);
  const mismatch = dtlsClient(t, server.port, "game.example", TLSOptions.client(identity.cert));
  t.is(await pollHandshake(mismatch.session), PacketPeerDTLS.STATUS_ERROR_HOSTNAME_MISMATCH);
  const unsafe = dtlsClient(t, server.port, "game.example", TLSOptions.clientUnsafe());
  t.is(await pollHandshake(unsafe.session), PacketPeerDTLS.STATUS_CONNECTED);
  const override = dtlsClient(t, server.port, "127.0.0.1", TLSOptions.client(identity.cert, "localhost"));
  t.is(await pollHandshake(override.session), PacketPeerDTLS.STATUS_CONNECTED);
  t.true(server.dtls.stats().handshakesFailed >= 2);
});

test("Godot's error codes: unconnected UDP peer, server options, before connect, oversized packets", async (t) => {
  const session = new PacketPeerDTLS();
  const udp = new PacketPeerUDP();
  t.teardown(() => udp.close());
  t.is(session.connectToPeer(udp, "localhost"), GodotError.ERR_INVALID_PARAMETER, "not connected");
  t.is(session.getStatus(), PacketPeerDTLS.STATUS_DISCONNECTED);
  t.is(session.putPacket(Buffer.from("x")), GodotError.ERR_UNCONFIGURED);
  t.is(session.getPacket().length, 0);
  t.is(session.getPacketError(), GodotError.ERR_UNCONFIGURED);
  t.is(session.getAvailablePacketCount(), 0);
  t.is(session.getVar(), null);
  t.is(session.getVarResult().error, GodotError.ERR_UNCONFIGURED);
  session.poll(); // nothing to do, no throw
  session.disconnectFromPeer();

  const server = dtlsServer(t, identity);
  t.is(udp.connectToHost("127.0.0.1", server.port), GodotError.OK);
  t.is(session.connectToPeer(udp, "localhost", TLSOptions.server(identity.key, identity.cert)), GodotError.ERR_INVALID_PARAMETER);
  t.is(session.connectToPeer(udp, "localhost", TLSOptions.client(identity.cert)), GodotError.OK);
  t.is(session.putPacket(Buffer.from("x")), GodotError.ERR_UNCONFIGURED, "still handshaking");
  t.is(await pollHandshake(session), PacketPeerDTLS.STATUS_CONNECTED);
  t.is(session.putPacket(Buffer.alloc(0)), GodotError.OK);
  t.is(session.putPacket(Buffer.alloc(16384, 1)), GodotError.OK);
  t.is(session.putPacket(Buffer.alloc(16385, 1)), GodotError.ERR_INVALID_PARAMETER);
  t.is(session.getStatus(), PacketPeerDTLS.STATUS_CONNECTED, "an oversized packet keeps the session");
  await until(() => server.sessions[0]?.getAvailablePacketCount() === 1 || (server.sessions[0]?.poll(), false), "the 16384-byte packet");
  t.is(server.sessions[0].getPacket().length, 16384);
  t.throws(() => session.connectToPeer({} as PacketPeerUDP, "x"), { instanceOf: TypeError });
  t.throws(() => session.connectToPeer(udp, 5 as unknown as string), { instanceOf: TypeError });
  t.throws(() => session.putPacket("x" as unknown as Uint8Array), { instanceOf: TypeError });
  t.throws(() => { session.handshakeTimeout = 0; }, { instanceOf: RangeError });
  t.is(PacketPeerDTLS.STATUS_ERROR_HOSTNAME_MISMATCH, 4);
});

test("DTLSServer: null before setup, ERR_INVALID_PARAMETER for client options or a key that does not match", (t) => {
  const dtls = new DTLSServer();
  const udp = new PacketPeerUDP();
  t.teardown(() => udp.close());
  t.is(dtls.takeConnection(udp), null);
  t.is(dtls.setup(TLSOptions.client()), GodotError.ERR_INVALID_PARAMETER);
  t.is(dtls.setup(TLSOptions.server(other.key, identity.cert)), GodotError.ERR_INVALID_PARAMETER);
  t.is(dtls.takeConnection(udp), null);
  t.is(dtls.setup(TLSOptions.server(identity.key, identity.cert)), GodotError.OK);
  const session = dtls.takeConnection(udp)!;
  t.is(session.getStatus(), PacketPeerDTLS.STATUS_DISCONNECTED, "an unconnected UDP peer: nothing starts");
  t.throws(() => dtls.setup({} as TLSOptions), { instanceOf: TypeError });
  t.throws(() => dtls.takeConnection({} as PacketPeerUDP), { instanceOf: TypeError });
});

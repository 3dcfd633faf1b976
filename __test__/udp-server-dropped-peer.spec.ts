// What happens to a taken peer the program drops without close(): the UDPServer holds every peer
// it handed out (to deliver routed datagrams to it) until close() or stop(), so garbage collection
// never closes it and its remote stays routed to it. Godot differs (spec §4.7): it frees the peer
// with its last reference, which closes it, and the server forgets the remote.
import test from "ava";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { clientOf, drain, listeningServer, pendingReached, send } from "./udp-server-helpers.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

test("a taken peer dropped without close() keeps its routing entry, even after garbage collection", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  const client = clientOf(t, port);
  send(t, client, "first");
  t.true(await pendingReached(server, 1));
  let dropped: WeakRef<PacketPeerUDP> | undefined;
  (() => {
    // Taken, then no reference kept by the program.
    dropped = new WeakRef(server.takeConnection()!);
  })();
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  t.is(server.connectionCount, 1, "the server still routes to it");

  // The client's next datagram goes to that peer: it does not become a new pending connection.
  send(t, client, "second");
  const other = clientOf(t, port);
  send(t, other, "marker"); // sent after "second": once it is pending, "second" was routed
  t.true(await pendingReached(server, 1));
  t.is(server.pendingConnectionCount, 1);
  const marker = server.takeConnection()!;
  t.teardown(() => marker.close());
  t.is(marker.getPacketPort(), other.getLocalPort(), "the only new connection is the other client");

  const peer = dropped?.deref();
  t.truthy(peer, "never collected: the server holds it");
  t.deepEqual(drain(peer!), ["first", "second"]);
  peer!.close();
  t.is(server.connectionCount, 1, "close() is what makes the server forget it (the other stays)");
});

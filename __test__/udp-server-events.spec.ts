// UDPServer event mode: 'connection' events, per-peer 'packet' events, `for await` over
// connections, 'close', AbortSignal, ref()/unref(). No test here calls server.poll() unless it
// says so: readiness must come from the native engine.
import test from "ava";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { GodotError } from "../src-ts/errors.js";
import type { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { UDPServer } from "../src-ts/udp-server.js";
import { clientOf, drain, listeningServer, send, until, withDeadline } from "./udp-server-helpers.js";
import { collectLines, exitOf } from "./child-output.js";

const LIVENESS_CHILD = join(__dirname, "fixtures", "server-liveness-child.ts");

test("'connection' then per-peer 'packet' events deliver every datagram in order, the first included", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  const got = new Map<number, string[]>(); // client port -> payloads seen by its peer
  const rinfoOk: boolean[] = [];
  server.on("connection", (peer) => {
    t.true(peer.isSocketConnected());
    const remotePort = peer.getPacketPort();
    got.set(remotePort, []);
    peer.on("packet", (data, rinfo) => {
      got.get(remotePort)?.push(data.toString());
      rinfoOk.push(rinfo.address === "127.0.0.1" && rinfo.port === remotePort && rinfo.size === data.length);
    });
  });
  const clients = [clientOf(t, port), clientOf(t, port), clientOf(t, port)];
  for (let round = 0; round < 3; round++) {
    for (const [i, c] of clients.entries()) send(t, c, `c${i}:${round}`);
  }
  t.true(await until(() => [...got.values()].reduce((n, list) => n + list.length, 0) === 9));
  for (const [i, c] of clients.entries()) {
    t.deepEqual(got.get(c.getLocalPort()), [`c${i}:0`, `c${i}:1`, `c${i}:2`]);
  }
  t.true(rinfoOk.every(Boolean));
  t.false(server.isConnectionAvailable());
});

test("a peer whose 'packet' listener is attached later still gets its first datagram", async (t) => {
  const server = listeningServer(t);
  const peers: PacketPeerUDP[] = [];
  server.on("connection", (peer) => void peers.push(peer));
  const client = clientOf(t, server.getLocalPort());
  send(t, client, "first");
  t.true(await until(() => peers.length === 1));
  const seen: string[] = [];
  peers[0]?.on("packet", (data) => void seen.push(data.toString()));
  send(t, client, "second");
  t.true(await until(() => seen.length === 2));
  t.deepEqual(seen, ["first", "second"]);
});

test("for await over the server yields each new remote once and ends on stop()", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  const seen: number[] = [];
  const loop = (async () => {
    for await (const peer of server) seen.push(peer.getPacketPort());
    return "ended";
  })();
  const clients = [clientOf(t, port), clientOf(t, port), clientOf(t, port)];
  for (const c of clients) send(t, c, "hello");
  for (const c of clients) send(t, c, "again"); // known remotes: no new connection
  t.true(await until(() => seen.length === 3));
  t.deepEqual(seen.sort(), clients.map((c) => c.getLocalPort()).sort());
  server.stop();
  t.is(await withDeadline(loop, 5000, "timeout"), "ended");
});

test("an echo server with nested for await: replies reach their clients; stop() ends every loop", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  const peerLoops: Promise<string>[] = [];
  const serve = async (peer: PacketPeerUDP): Promise<string> => {
    for await (const packet of peer) peer.putPacket(Buffer.from(`echo ${packet.data.toString()}`));
    return "peer ended";
  };
  const serverLoop = (async () => {
    for await (const peer of server) peerLoops.push(serve(peer));
    return "server ended";
  })();

  const clients = Array.from({ length: 10 }, () => clientOf(t, port));
  for (const [i, c] of clients.entries()) send(t, c, `ping ${i}`);
  for (const [i, c] of clients.entries()) send(t, c, `pong ${i}`);
  t.true(await until(() => clients.every((c) => c.getAvailablePacketCount() === 2)));
  t.deepEqual(
    clients.map((c) => drain(c)),
    clients.map((_, i) => [`echo ping ${i}`, `echo pong ${i}`]),
  );
  t.is(peerLoops.length, clients.length);

  server.stop();
  t.is(await withDeadline(serverLoop, 5000, "timeout"), "server ended");
  const ends = await withDeadline(Promise.all(peerLoops), 5000, "timeout");
  t.deepEqual(ends, clients.map(() => "peer ended"));
});

test("stop() closes taken peers: each emits 'close' and the server emits 'close' once", async (t) => {
  const server = listeningServer(t);
  const closes: string[] = [];
  server.on("connection", (peer) => {
    peer.on("close", () => void closes.push("peer"));
  });
  server.on("close", () => void closes.push("server"));
  const [a, b] = [clientOf(t, server.getLocalPort()), clientOf(t, server.getLocalPort())];
  send(t, a, "a");
  send(t, b, "b");
  t.true(await until(() => server.connectionCount === 2));
  server.stop();
  server.stop();
  t.deepEqual(closes, ["peer", "peer"]); // synchronous with stop()
  t.true(await until(() => closes.length === 3));
  t.deepEqual(closes, ["peer", "peer", "server"]);
  t.is(server.connectionCount, 0);
});

test("a slow consumer leaves new remotes pending, bounded by maxPendingConnections", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  server.maxPendingConnections = 2;
  const connections = server.connections();
  t.teardown(() => void connections.return?.());
  const clients = Array.from({ length: 4 }, () => clientOf(t, port));

  send(t, clients[0] as PacketPeerUDP, "c0");
  const first = await withDeadline(connections.next(), 5000, "timeout" as const);
  if (first === "timeout" || first.done === true) return t.fail("no first connection");
  t.is(first.value.getPacketPort(), clients[0]?.getLocalPort());

  // Nobody asks for the next one: the watch still polls, but connections wait natively.
  const droppedBefore = server.stats().packetsDropped;
  for (const c of clients.slice(1)) send(t, c, "waiting");
  t.true(await until(() => server.pendingConnectionCount === 2 && server.stats().packetsDropped > droppedBefore));

  const second = await connections.next();
  const third = await connections.next();
  t.is(second.done, false);
  t.is(third.done, false);
  t.deepEqual(
    [second.value, third.value].map((p) => (p as PacketPeerUDP).getPacketPort()),
    [clients[1]?.getLocalPort(), clients[2]?.getLocalPort()],
  );
  t.is(server.pendingConnectionCount, 0);
});

test("event mode keeps Godot's limit: a burst of new remotes beyond maxPendingConnections is cut and counted", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  server.maxPendingConnections = 4;
  const accepted: number[] = [];
  server.on("connection", (peer) => void accepted.push(peer.getPacketPort()));
  // Sent in one synchronous burst: the readiness callback can only run after it, and its poll()
  // finds all ten datagrams at once.
  const clients = Array.from({ length: 10 }, () => clientOf(t, port));
  for (const c of clients) send(t, c, "burst");
  t.true(await until(() => accepted.length === 4 && server.stats().packetsDropped === 6));
  t.deepEqual(accepted, clients.slice(0, 4).map((c) => c.getLocalPort()));

  // The dropped remotes were not remembered: once they send again they are accepted.
  for (const c of clients.slice(4)) {
    send(t, c, "again");
    t.true(await until(() => accepted.length === clients.indexOf(c) + 1));
  }
  t.deepEqual(accepted, clients.map((c) => c.getLocalPort()));
});

test("event mode survives stop() and listen(); a listener added later takes connections already pending", async (t) => {
  const server = listeningServer(t);
  const early = clientOf(t, server.getLocalPort());
  send(t, early, "before any listener");
  t.true(await until(() => server.isConnectionAvailable(), 5000, () => server.poll()));

  const accepted: string[] = [];
  server.on("connection", (peer) => void accepted.push(peer.getPacket().toString()));
  t.true(await until(() => accepted.length === 1)); // no new datagram needed
  t.deepEqual(accepted, ["before any listener"]);

  server.stop();
  t.is(server.listen(0, "127.0.0.1"), GodotError.OK);
  send(t, clientOf(t, server.getLocalPort()), "after restart");
  t.true(await until(() => accepted.length === 2));
  t.deepEqual(accepted, ["before any listener", "after restart"]);
});

test("taken peers' 'packet' events also fire when the server is polled Godot-style", async (t) => {
  const server = listeningServer(t);
  const client = clientOf(t, server.getLocalPort());
  send(t, client, "hello");
  t.true(await until(() => server.isConnectionAvailable(), 5000, () => server.poll()));
  const peer = server.takeConnection();
  if (peer === null) return t.fail("no connection");
  const seen: string[] = [];
  peer.on("packet", (data) => void seen.push(data.toString()));
  t.true(await until(() => seen.length === 1)); // the queued datagram, once a listener exists
  send(t, client, "polled");
  t.true(await until(() => seen.length === 2, 5000, () => server.poll()));
  t.deepEqual(seen, ["hello", "polled"]);
});

test("removing the last 'connection' listener returns the server to Godot style", async (t) => {
  const server = listeningServer(t);
  const port = server.getLocalPort();
  const taken: PacketPeerUDP[] = [];
  const onConnection = (peer: PacketPeerUDP): void => void taken.push(peer);
  server.on("connection", onConnection);
  send(t, clientOf(t, port), "evented");
  t.true(await until(() => taken.length === 1));

  server.off("connection", onConnection);
  send(t, clientOf(t, port), "polled");
  t.true(await until(() => server.isConnectionAvailable(), 5000, () => server.poll()));
  t.is(taken.length, 1);
  t.deepEqual(drain(server.takeConnection() as PacketPeerUDP), ["polled"]);
});

test("an AbortSignal ends connections() with an AbortError", async (t) => {
  const server = listeningServer(t);
  const controller = new AbortController();
  const iterator = server.connections({ signal: controller.signal });
  const pending = iterator.next();
  controller.abort();
  const error = await t.throwsAsync(pending);
  t.is(error?.name, "AbortError");
  t.deepEqual(await iterator.next(), { done: true, value: undefined });
  await t.throwsAsync(server.connections({ signal: controller.signal }).next(), { name: "AbortError" });
});

test("iterating a server that is not listening ends at once; break ends an iteration", async (t) => {
  const idle = new UDPServer();
  t.teardown(() => idle.stop());
  const result = await withDeadline(idle.connections().next(), 5000, "timeout" as const);
  t.deepEqual(result, { done: true, value: undefined });

  const server = listeningServer(t);
  send(t, clientOf(t, server.getLocalPort()), "x");
  let count = 0;
  for await (const peer of server) {
    t.true(peer.isBound());
    count++;
    break;
  }
  t.is(count, 1);
  t.true(server.isListening()); // leaving the loop does not stop the server
});

test("stats() counts the server socket's traffic in event mode", async (t) => {
  const server = listeningServer(t);
  server.on("connection", (peer) => {
    peer.on("packet", (data) => void peer.putPacket(data));
  });
  const client = clientOf(t, server.getLocalPort());
  send(t, client, "12345");
  send(t, client, "678");
  t.true(await until(() => client.getAvailablePacketCount() === 2));
  const stats = server.stats();
  t.is(stats.packetsReceived, 2);
  t.is(stats.bytesReceived, 8);
  t.is(stats.packetsSent, 2);
  t.is(stats.bytesSent, 8);
  t.is(stats.packetsDropped, 0);
});

interface ChildRun {
  lines: string[];
  exit: Promise<number | null | "timeout">;
  kill(): void;
}

function runLivenessChild(mode: string): ChildRun {
  const child = spawn(process.execPath, ["--import", "tsx", LIVENESS_CHILD, mode], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines = collectLines(child.stdout);
  child.stderr.resume();
  const exit = withDeadline(
    exitOf(child),
    15000,
    "timeout" as const,
  );
  return {
    lines,
    exit,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

test("ref()/unref(): an idle unref'd server in event mode lets the process exit; a ref'd one keeps it", async (t) => {
  const unrefd = runLivenessChild("unref");
  const removed = runLivenessChild("removed");
  const refd = runLivenessChild("ref");
  t.teardown(() => {
    for (const run of [unrefd, removed, refd]) run.kill();
  });

  t.is(await unrefd.exit, 0, "unref'd server: the process exits by itself");
  t.true(unrefd.lines[0]?.startsWith("ready "));
  t.is(await removed.exit, 0, "no listener left: nothing is watched, the process exits");

  // The ref'd child is still there to receive a datagram sent after it said it was ready.
  t.true(await until(() => refd.lines.length > 0, 15000));
  const port = Number(refd.lines[0]?.split(" ")[1]);
  t.true(port > 0);
  send(t, clientOf(t, port), "are you there?");
  t.is(await refd.exit, 0);
  t.deepEqual(refd.lines, [`ready ${port}`, "got"]);
});

test("a throwing 'connection' listener surfaces as an uncaught exception and the server keeps serving", async (t) => {
  const run = runLivenessChild("throwing");
  t.teardown(() => run.kill());
  t.true(await until(() => run.lines.length > 0, 15000));
  const port = Number(run.lines[0]?.split(" ")[1]);
  t.true(port > 0);
  send(t, clientOf(t, port), "first");
  t.true(await until(() => run.lines.length > 1, 10000));
  t.is(run.lines[1], "caught boom");
  send(t, clientOf(t, port), "second");
  t.is(await run.exit, 0);
  t.deepEqual(run.lines, [`ready ${port}`, "caught boom", "got"]);
});


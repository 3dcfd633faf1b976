// Issue 4: wait() on peers taken from a UDPServer (they wait on the shared server socket):
// readiness, timeout, AbortSignal, settling by the peer's close() and by the server's stop(),
// and many such waits against libuv's thread pool.
import test, { type ExecutionContext } from "ava";
import { readFile } from "node:fs/promises";
import { GodotError } from "../src-ts/errors.js";
import type { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import type { UDPServer } from "../src-ts/udp-server.js";
import { isPending, withDeadline } from "./packet-peer-helpers.js";
import { clientOf, drain, listeningServer, pendingReached, send } from "./udp-server-helpers.js";

/** `count` clients of a fresh server, each taken as a peer (its first datagram read). */
async function takenPeers(
  t: ExecutionContext,
  count: number,
): Promise<{ server: UDPServer; clients: PacketPeerUDP[]; peers: PacketPeerUDP[] }> {
  const server = listeningServer(t);
  server.maxPendingConnections = count;
  const clients = Array.from({ length: count }, () => clientOf(t, server.getLocalPort()));
  clients.forEach((c, i) => send(t, c, `hello ${i}`));
  t.true(await pendingReached(server, count));
  const peers: PacketPeerUDP[] = [];
  for (let peer = server.takeConnection(); peer !== null; peer = server.takeConnection()) {
    t.teardown(() => peer!.close());
    peers.push(peer);
  }
  t.is(peers.length, count);
  for (const p of peers) t.is(drain(p).length, 1);
  return { server, clients, peers };
}

test("a taken peer's wait() resolves OK when a datagram reaches the server socket", async (t) => {
  const { server, clients, peers } = await takenPeers(t, 1);
  const waiting = peers[0]!.wait();
  t.true(await isPending(waiting));
  send(t, clients[0]!, "wake");
  t.is(await withDeadline(waiting, "wait() after a datagram"), GodotError.OK);
  t.is(server.poll(), GodotError.OK);
  t.deepEqual(drain(peers[0]!), ["wake"]);
});

test("a taken peer's wait({ timeout }) gives ERR_TIMEOUT; an abort rejects with an AbortError", async (t) => {
  const { peers } = await takenPeers(t, 1);
  t.is(await withDeadline(peers[0]!.wait({ timeout: 30 }), "timed wait"), GodotError.ERR_TIMEOUT);
  const controller = new AbortController();
  const waiting = peers[0]!.wait({ signal: controller.signal });
  controller.abort(new Error("enough"));
  const error = await t.throwsAsync(withDeadline(waiting, "aborted wait"));
  t.is(error?.name, "AbortError");
});

test("closing a taken peer settles only its own waits; stop() settles the rest", async (t) => {
  const { server, peers } = await takenPeers(t, 3);
  const waits = peers.map((p) => p.wait());
  peers[0]!.close();
  t.is(await withDeadline(waits[0]!, "the closed peer's wait"), GodotError.ERR_UNCONFIGURED);
  t.true(await isPending(waits[1]!));
  t.true(await isPending(waits[2]!));
  server.stop();
  t.deepEqual(await withDeadline(Promise.all(waits.slice(1)), "waits settled by stop()"), [
    GodotError.ERR_UNCONFIGURED,
    GodotError.ERR_UNCONFIGURED,
  ]);
  t.is(await peers[1]!.wait(), GodotError.ERR_UNCONFIGURED, "a detached peer has no socket to wait on");
});

test("more server-peer waits than libuv's thread pool: a file read still completes", async (t) => {
  const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const { server, peers } = await takenPeers(t, Math.max(16, poolSize * 4));
  const waits = peers.map((p) => p.wait());
  const text = await withDeadline(readFile(__filename, "utf8"), "fs.readFile while the waits are pending");
  t.true(text.includes("libuv's thread pool"));
  server.stop();
  const codes = await withDeadline(Promise.all(waits), "waits settled by stop()");
  t.true(codes.every((c) => c === GodotError.ERR_UNCONFIGURED));
});

// ENetConnection's waiting forms on loopback: service(timeout) as a Promise that never blocks the
// JS thread, events and for-await that service the host on their own, and destroy() settling
// every waiter and iterator.
import test from "ava";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { GodotError } from "../src-ts/errors.js";
import { ENetConnection, type ENetServiceResult } from "../src-ts/enet/enet-connection.js";
import { type ENetConnectionEvent } from "../src-ts/enet/enet-driver.js";
import { ENetPacketPeer } from "../src-ts/enet/enet-packet-peer.js";
import { collectLines, exitOf } from "./child-output.js";
import { slowdown } from "./emulation.js";
import { bound, connectedPair, host } from "./enet-helpers.js";

const { EVENT_CONNECT, EVENT_NONE, EVENT_RECEIVE, EVENT_DISCONNECT } = ENetConnection;

/** Rejects after `ms` so a broken wait fails the test instead of hanging it. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

test("service(100) with nothing to do: a Promise of EVENT_NONE after ~100 ms; the JS thread runs meanwhile", async (t) => {
  const c = bound(t);
  let immediates = 0;
  let timers = 0;
  const spin = (): void => {
    immediates++;
    if (immediates < 5) setImmediate(spin);
  };
  setImmediate(spin);
  const timer = setTimeout(() => timers++, 20);
  const started = performance.now();
  const pending = c.service(100);
  t.true(pending instanceof Promise, "a positive timeout returns a Promise");
  t.is(immediates, 0, "nothing ran inside the call");
  const result = await within(3000, Promise.resolve(pending));
  const took = performance.now() - started;
  clearTimeout(timer);
  t.deepEqual(result, [EVENT_NONE, null, 0, 0]);
  t.true(took >= 95, `waited ${took.toFixed(0)} ms`);
  t.true(took < 1500, `waited ${took.toFixed(0)} ms`);
  // At least the first: under load (tests of this file run concurrently) the loop may reach the
  // wait's expiry before the whole chain ran, but never before its first check phase.
  t.true(immediates >= 1, "setImmediate callbacks ran during the wait");
  t.is(timers, 1, "a 20 ms timer fired during the wait");
  t.true(Array.isArray(c.service(0)), "service(0) stays synchronous");
});

test("service(timeout) on both ends completes a connection and delivers packets Godot's way", async (t) => {
  const server = bound(t);
  const client = host(t);
  client.createHost();
  const toServer = client.connectToHost("127.0.0.1", server.getLocalPort(), 0, 1234)!;
  const [s, c] = await within(5000, Promise.all([server.service(3000), client.service(3000)]));
  t.is(s[0], EVENT_CONNECT);
  t.is(s[2], 1234);
  t.deepEqual(c, [EVENT_CONNECT, toServer, 0, 0]);
  const toClient = s[1]!;
  t.is(toServer.putPacket(Buffer.from("ping")), GodotError.OK);
  // The server's wait flushes nothing of the client's: the client must service (or flush) to send.
  client.flush();
  const got = (await within(5000, Promise.resolve(server.service(3000)))) as ENetServiceResult;
  t.deepEqual(got, [EVENT_RECEIVE, toClient, 0, 0]);
  t.is(toClient.getPacket().toString(), "ping", "queued on the peer, as Godot's service does");
});

test("destroy() settles pending service(timeout) Promises with EVENT_NONE and ends iterators", async (t) => {
  const c = bound(t);
  const waits = [c.service(60_000), c.service(-1)];
  const it = c[Symbol.asyncIterator]();
  const next = it.next();
  setTimeout(() => c.destroy(), 20);
  const results = await within(3000, Promise.all(waits));
  t.deepEqual(results, [
    [EVENT_NONE, null, 0, 0],
    [EVENT_NONE, null, 0, 0],
  ]);
  t.deepEqual(await within(3000, next), { value: undefined, done: true });
  t.deepEqual(await within(3000, it.next()), { value: undefined, done: true });
  const after = c[Symbol.asyncIterator]();
  t.deepEqual(await within(3000, after.next()), { value: undefined, done: true }, "no host: ends at once");
});

test("events mode: listeners service both hosts on their own; echo, then disconnect with data", async (t) => {
  const server = bound(t);
  const client = host(t);
  client.createHost();
  const serverLog: string[] = [];
  server.on("connect", (peer, data) => serverLog.push(`connect ${data} ${peer.getRemotePort()}`));
  server.on("receive", (peer, packet, channel, flags) => {
    serverLog.push(`receive ${packet.toString()} ${channel} ${flags}`);
    peer.send(channel, Buffer.concat([Buffer.from("echo:"), packet]), flags);
  });
  server.on("disconnect", (_peer, data) => serverLog.push(`disconnect ${data}`));
  const toServer = client.connectToHost("127.0.0.1", server.getLocalPort(), 4, 77)!;
  const [connected] = (await within(5000, once(client, "connect"))) as [ENetPacketPeer, number];
  t.is(connected, toServer);
  const echoes: string[] = [];
  const gotAll = new Promise<void>((resolve) => {
    client.on("receive", (_peer, packet, channel, flags) => {
      echoes.push(`${packet.toString()} ${channel} ${flags}`);
      if (echoes.length === 3) resolve();
    });
  });
  toServer.send(0, Buffer.from("a"), ENetPacketPeer.FLAG_RELIABLE);
  toServer.send(3, Buffer.from("b"), ENetPacketPeer.FLAG_RELIABLE);
  toServer.send(2, Buffer.from("c"), ENetPacketPeer.FLAG_UNSEQUENCED);
  await within(5000, gotAll);
  t.deepEqual(echoes.sort(), ["echo:a 0 1", "echo:b 3 1", "echo:c 2 2"]);
  t.is(toServer.getAvailablePacketCount(), 0, "event packets are not queued on the peer");
  const closed = Promise.all([once(client, "disconnect"), once(server, "disconnect")]);
  toServer.peerDisconnect(5);
  await within(5000, closed);
  t.deepEqual(serverLog.sort(), [
    `connect 77 ${client.getLocalPort()}`,
    "disconnect 5",
    "receive a 0 1",
    "receive b 3 1",
    "receive c 2 2",
  ]);
  server.removeAllListeners();
  client.removeAllListeners();
});

test("for await: iterating a server yields connect, receive (with packet and flags) and disconnect", async (t) => {
  const { server, client, toServer } = await connectedPair(t);
  client.on("disconnect", () => {}); // the client services itself through events
  const events: string[] = [];
  const consume = (async () => {
    for await (const event of server as AsyncIterable<ENetConnectionEvent>) {
      if (event.type === EVENT_RECEIVE) events.push(`receive ${event.packet.toString()} ${event.channel} ${event.flags}`);
      else events.push(`${event.type === EVENT_DISCONNECT ? "disconnect" : "connect"} ${event.data}`);
      if (event.type === EVENT_DISCONNECT) break;
    }
  })();
  toServer.send(1, Buffer.from("x"), ENetPacketPeer.FLAG_RELIABLE);
  toServer.peerDisconnectLater(3);
  await within(5000, consume);
  t.deepEqual(events, ["receive x 1 1", "disconnect 3"]);
  client.removeAllListeners();
});

test("liveness: a listened connection keeps the process alive until destroy(), and not after unref()", async (t) => {
  const script = (unref: boolean): string => `
    const { ENetConnection } = require(${JSON.stringify(join(__dirname, "..", "src-ts", "enet", "enet-connection.ts"))});
    const c = new ENetConnection();
    c.createHostBound("127.0.0.1", 0);
    c.on("receive", () => {});
    ${unref ? "c.unref();" : "setTimeout(() => { console.log('still alive'); c.destroy(); }, 300).unref();"}
  `;
  const run = async (unref: boolean): Promise<[number | null, string[], number]> => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import=tsx", "-e", script(unref)], { stdio: ["ignore", "pipe", "inherit"] });
    const lines = collectLines(child.stdout);
    // Starting node with tsx takes seconds under emulation.
    const killer = setTimeout(() => child.kill(), 10_000 * slowdown);
    const code = await exitOf(child);
    clearTimeout(killer);
    return [code, lines, Date.now() - started];
  };
  // The timer is unref'd: only the listened connection can keep the child alive for it.
  const [unrefCode, unrefLines] = await run(true);
  t.is(unrefCode, 0, "exits on its own with an unref'd listened connection");
  t.deepEqual(unrefLines, []);
  const [code, lines] = await run(false);
  t.is(code, 0);
  t.deepEqual(lines, ["still alive"], "the listened connection kept it alive until destroy()");
});

test("a 'connect' listener attached right after connectToHost gets the event, even when the answer comes within the first pass", async (t) => {
  // The server runs in another process so it can answer while the client's first pass is still
  // reading: that pass runs when the listener is being added, before Node has registered it.
  const script = `
    const { ENetConnection } = require(${JSON.stringify(join(__dirname, "..", "src-ts", "enet", "enet-connection.ts"))});
    const c = new ENetConnection();
    c.createHostBound("127.0.0.1", 0, 32);
    c.on("connect", () => {});
    console.log(c.getLocalPort());
    process.stdin.on("end", () => c.destroy());
    process.stdin.resume();
  `;
  const child = spawn(process.execPath, ["--import=tsx", "-e", script], { stdio: ["pipe", "pipe", "inherit"] });
  t.teardown(() => child.kill());
  const lines = collectLines(child.stdout);
  const deadline = Date.now() + 15_000 * slowdown;
  while (lines.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const port = Number(lines[0]);
  t.true(port > 0, "the server child printed its port");
  const missed: number[] = [];
  for (let i = 0; i < 30; i++) {
    const c = host(t);
    c.createHost(1, 0);
    const peer = c.connectToHost("127.0.0.1", port)!;
    const connected = once(c, "connect").then(() => true);
    const late = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000 * slowdown).unref());
    if (!(await Promise.race([connected, late]))) missed.push(i);
    peer.peerDisconnectNow();
    c.destroy();
  }
  t.deepEqual(missed, [], "every attempt saw its 'connect' event");
  child.stdin.end();
});

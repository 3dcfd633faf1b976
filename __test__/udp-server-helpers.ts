// Helpers for the UDPServer specs: deadline-bounded waiting and sockets that are always closed.
import type { ExecutionContext } from "ava";
import { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { UDPServer } from "../src-ts/udp-server.js";
import { GodotError } from "../src-ts/errors.js";
import { slowdown } from "./emulation.js";

const TICK_MS = 2;

/**
 * Runs `step` then checks `cond`, again every few milliseconds, until `cond` holds or `ms` pass.
 * Returns the last value of `cond` so the test can assert it. Deadlines here are stretched by
 * `slowdown` under emulation.
 */
export async function until(cond: () => boolean, ms = 5000, step?: () => void): Promise<boolean> {
  const deadline = Date.now() + ms * slowdown;
  for (;;) {
    step?.();
    if (cond()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
}

/** Resolves with the value `settle` produces, or with `timeout` after `ms`. */
export function withDeadline<T, U>(promise: Promise<T>, ms: number, timeout: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<U>((resolve) => {
    timer = setTimeout(() => resolve(timeout), ms * slowdown);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** A listening server on 127.0.0.1 (or `address`), stopped in teardown. */
export function listeningServer(t: ExecutionContext, address = "127.0.0.1"): UDPServer {
  const server = new UDPServer();
  t.teardown(() => server.stop());
  t.is(server.listen(0, address), GodotError.OK);
  t.true(server.getLocalPort() > 0);
  return server;
}

/** A fresh peer, closed in teardown. */
export function newPeer(t: ExecutionContext): PacketPeerUDP {
  const peer = new PacketPeerUDP();
  t.teardown(() => peer.close());
  return peer;
}

/** A client connected to `port` on `host`, closed in teardown. */
export function clientOf(t: ExecutionContext, port: number, host = "127.0.0.1"): PacketPeerUDP {
  const client = newPeer(t);
  t.is(client.connectToHost(host, port), GodotError.OK);
  return client;
}

/** Sends a UTF-8 string; asserts it was accepted. */
export function send(t: ExecutionContext, peer: PacketPeerUDP, text: string): void {
  t.is(peer.putPacket(Buffer.from(text)), GodotError.OK);
}

/** Every packet queued on `peer` right now, as strings. */
export function drain(peer: PacketPeerUDP): string[] {
  const out: string[] = [];
  while (peer.getAvailablePacketCount() > 0) out.push(peer.getPacket().toString());
  return out;
}

/** Polls `server` until `count` connections are pending (or the deadline). */
export function pendingReached(server: UDPServer, count: number, ms = 5000): Promise<boolean> {
  return until(() => server.pendingConnectionCount >= count, ms, () => server.poll());
}

// Shared by the PacketPeer / PacketPeerUDP specs: peers that close themselves at teardown, and
// waiting with a deadline instead of sleeping.
import type { ExecutionContext } from "ava";
import { networkInterfaces } from "node:os";
import { GodotError } from "../src-ts/errors.js";
import { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { slowdown } from "./emulation.js";

export const DEADLINE_MS = 5000;

/** A new peer, closed when the test ends. */
export function newPeer(t: ExecutionContext): PacketPeerUDP {
  const peer = new PacketPeerUDP();
  t.teardown(() => peer.close());
  return peer;
}

/** A peer bound to an OS-chosen port on `address`, and that port. */
export function boundPeer(
  t: ExecutionContext,
  address = "127.0.0.1",
  recvBufSize = 65536,
): { peer: PacketPeerUDP; port: number } {
  const peer = newPeer(t);
  const code = peer.bind(0, address, recvBufSize);
  if (code !== GodotError.OK) throw new Error(`bind(0, ${address}) returned ${GodotError[code]}`);
  return { peer, port: peer.getLocalPort() };
}

/** Resolves once `condition()` is true; rejects at the deadline with `what` in the message.
 * Deadlines here are stretched by `slowdown` under emulation. */
export async function until(
  condition: () => boolean,
  what: string,
  deadlineMs = DEADLINE_MS,
): Promise<void> {
  const end = Date.now() + deadlineMs * slowdown;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** `getAvailablePacketCount()` reaches `count` (drains the OS socket while polling). */
export function untilCount(peer: PacketPeerUDP, count: number, what = `${count} packet(s)`) {
  return until(() => peer.getAvailablePacketCount() >= count, what);
}

/** Rejects if `promise` does not settle within the deadline. */
export function withDeadline<T>(promise: Promise<T>, what: string, deadlineMs = DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${deadlineMs} ms: ${what}`)), deadlineMs * slowdown);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Whether `promise` is still pending after everything already queued has run (no timing). */
export async function isPending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol("pending");
  const result = await Promise.race([promise, new Promise((resolve) => setImmediate(resolve, marker))]);
  return result === marker;
}

/** The loopback interface's name as `os.networkInterfaces()` lists it (e.g. "lo"). */
export function loopbackInterfaceName(): string | null {
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    if (addresses?.some((a) => a.internal && a.family === "IPv4")) return name;
  }
  return null;
}

/** `n` bytes whose first 4 hold `seq` (big-endian) and the rest a pattern of `seq`. */
export function payload(seq: number, n: number): Buffer {
  const data = Buffer.alloc(n);
  for (let i = 0; i < n; i++) data[i] = (seq * 31 + i) & 0xff;
  if (n >= 4) data.writeUInt32BE(seq, 0);
  return data;
}

/**
 * A port free for `family` right now: bound by a throwaway socket of that family, then released.
 * Used to send to "nobody" without hitting another test's socket.
 */
export function releasedPort(bindAddress: "127.0.0.1" | "::1" | "0.0.0.0" | "::"): number {
  const holder = new PacketPeerUDP();
  try {
    if (holder.bind(0, bindAddress) !== GodotError.OK) throw new Error(`bind ${bindAddress} failed`);
    return holder.getLocalPort();
  } finally {
    holder.close();
  }
}

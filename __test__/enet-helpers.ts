// Shared by the ENet specs: hosts on loopback destroyed after each test, Godot-style pumping with
// service(0) under a deadline, and a connected server/client pair.
import type { ExecutionContext } from "ava";
import { setImmediate as turn } from "node:timers/promises";
import { GodotError } from "../src-ts/errors.js";
import { ENetConnection, type ENetServiceResult } from "../src-ts/enet/enet-connection.js";
import type { ENetPacketPeer } from "../src-ts/enet/enet-packet-peer.js";

/** A connection destroyed when the test ends. */
export function host(t: ExecutionContext): ENetConnection {
  const c = new ENetConnection();
  t.teardown(() => c.destroy());
  return c;
}

/** A host bound to `address` on a port the OS picks. */
export function bound(t: ExecutionContext, address = "127.0.0.1", maxPeers = 32, maxChannels = 0): ENetConnection {
  const c = host(t);
  const code = c.createHostBound(address, 0, maxPeers, maxChannels);
  if (code !== GodotError.OK) throw new Error(`createHostBound(${address}) = ${code}`);
  return c;
}

/** An event seen while pumping, with the connection that reported it. */
export interface Seen {
  from: ENetConnection;
  event: ENetServiceResult;
}

/**
 * Services every connection with service(0) (Godot's game-loop way) until `done(seen)` says so,
 * yielding to the event loop between rounds; throws after `timeoutMs`. `each` sees every event as
 * it is returned (before the next service call), e.g. to take its packet.
 */
export async function pump(
  conns: ENetConnection[],
  done: (seen: Seen[]) => boolean,
  timeoutMs = 5000,
  each?: (s: Seen) => void,
  seen: Seen[] = [],
): Promise<Seen[]> {
  const deadline = Date.now() + timeoutMs;
  while (!done(seen)) {
    if (Date.now() > deadline) throw new Error(`pump: not done after ${timeoutMs} ms (${seen.length} events)`);
    for (const c of conns) {
      for (let i = 0; i < 10000; i++) {
        const event = c.service();
        if (event[0] === ENetConnection.EVENT_NONE) break;
        const s = { from: c, event };
        seen.push(s);
        each?.(s);
      }
    }
    await turn();
  }
  return seen;
}

/** Events of `type` reported by `from`. */
export function of(seen: Seen[], from: ENetConnection, type: number): ENetServiceResult[] {
  return seen.filter((s) => s.from === from && s.event[0] === type).map((s) => s.event);
}

export interface Pair {
  server: ENetConnection;
  client: ENetConnection;
  /** The client's peer (the server). */
  toServer: ENetPacketPeer;
  /** The server's peer (the client). */
  toClient: ENetPacketPeer;
  seen: Seen[];
}

/** A server on `address` and a client connected to it with `channels` and CONNECT `data`. */
export async function connectedPair(
  t: ExecutionContext,
  { address = "127.0.0.1", channels = 0, data = 0 }: { address?: string; channels?: number; data?: number } = {},
): Promise<Pair> {
  const server = bound(t, address);
  const client = host(t);
  t.is(client.createHost(), GodotError.OK);
  const toServer = client.connectToHost(address, server.getLocalPort(), channels, data);
  if (toServer === null) throw new Error("connectToHost returned null");
  const seen = await pump([server, client], (s) => {
    return (
      of(s, server, ENetConnection.EVENT_CONNECT).length === 1 && of(s, client, ENetConnection.EVENT_CONNECT).length === 1
    );
  });
  const toClient = of(seen, server, ENetConnection.EVENT_CONNECT)[0]![1]!;
  return { server, client, toServer, toClient, seen };
}

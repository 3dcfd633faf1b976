/**
 * The receiving loop `listen` and `echo` share: iterate a bound peer's packets until `--count` is
 * reached or the command is interrupted, with a live rate on a terminal.
 */
import type { PacketPeerUDP, UDPPacket } from "./api.js";
import { secondsSince } from "./format.js";
import type { StatusLine } from "./status-line.js";
import { liveRate } from "./summary.js";

export interface ReceiveTotals {
  packets: number;
  bytes: number;
  seconds: number;
  /** Refused by the receive queue. */
  dropped: number;
  /** Dropped by the OS (receive buffer full), as of the last datagram read. */
  osDropped: number;
}

export interface ReceiveLoopOptions {
  /** Stop after this many packets. */
  limit?: number;
  signal: AbortSignal;
  status: StatusLine;
  onPacket(packet: UDPPacket): void;
}

const STATUS_INTERVAL_MS = 250;

/**
 * What the OS dropped on the peer's socket: `stats().osDropped` (Linux; 0 elsewhere), counted by
 * the kernel as of the last datagram read.
 */
export function osDroppedOf(peer: PacketPeerUDP): number {
  return peer.stats().osDropped;
}

/** Queue and OS drops together (the live line's figure). */
function allDropped(peer: PacketPeerUDP): number {
  return peer.droppedPackets + osDroppedOf(peer);
}

export async function receiveLoop(peer: PacketPeerUDP, options: ReceiveLoopOptions): Promise<ReceiveTotals> {
  const start = process.hrtime.bigint();
  let packets = 0;
  let bytes = 0;
  let dropped = 0;
  let osDropped = 0;
  // Closing the peer ends the `for await` below; the counters are read first (they survive
  // close() anyway).
  const stop = (): void => {
    dropped = peer.droppedPackets;
    osDropped = osDroppedOf(peer);
    peer.close();
  };
  options.signal.addEventListener("abort", stop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let recentRate = 0;
  if (options.status.enabled) {
    let lastPackets = 0;
    let lastTime = process.hrtime.bigint();
    const tick = (): void => {
      const now = process.hrtime.bigint();
      recentRate = ((packets - lastPackets) * 1e9) / Number(now - lastTime || 1n);
      lastPackets = packets;
      lastTime = now;
      options.status.update(liveRate(packets, recentRate, allDropped(peer)), true);
    };
    timer = setInterval(tick, STATUS_INTERVAL_MS);
    timer.unref();
    tick();
  }
  try {
    if (!options.signal.aborted) {
      for await (const packet of peer) {
        packets++;
        bytes += packet.size;
        // The count the status shows again under this packet's line is this packet's (the draw
        // itself stays throttled); the rate is the one the last tick measured.
        if (options.status.enabled) options.status.update(liveRate(packets, recentRate, allDropped(peer)));
        options.onPacket(packet);
        if (options.limit !== undefined && packets >= options.limit) break;
      }
    }
  } finally {
    if (timer !== undefined) clearInterval(timer);
    options.signal.removeEventListener("abort", stop);
    options.status.clear();
  }
  if (peer.isBound()) stop();
  return { packets, bytes, seconds: secondsSince(start), dropped, osDropped };
}

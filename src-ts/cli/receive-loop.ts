/**
 * The receiving loop `listen` and `echo` share: iterate a source's packets (a bound peer's
 * datagrams, or the packets of DTLS sessions) until `--count` is reached or the command is
 * interrupted, with a live rate on a terminal.
 */
import { GodotError, type PacketPeerUDP, type UDPPacket } from "./api.js";
import { secondsSince } from "./format.js";
import type { StatusLine } from "./status-line.js";
import { liveRate } from "./summary.js";

export interface ReceiveTotals {
  packets: number;
  bytes: number;
  seconds: number;
  /** Refused by the receive queue. */
  dropped: number;
  /** Dropped by the OS (receive buffer full). */
  osDropped: number;
}

/** Where `listen` and `echo` get their packets from. */
export interface PacketSource extends AsyncIterable<UDPPacket> {
  /** Datagrams the receive queue refused so far (still right after `close()`). */
  dropped(): number;
  /** Datagrams the OS dropped so far (still right after `close()`). */
  osDropped(): number;
  /** Sends `data` back to where `packet` came from (what `echo` does). */
  answer(packet: UDPPacket, data: Uint8Array): GodotError;
  /** Stops receiving: the iteration ends. Idempotent. */
  close(): void;
  isOpen(): boolean;
}

/**
 * What the OS dropped on the peer's socket: `stats().osDropped` (Linux; 0 elsewhere), as the
 * kernel counts it now.
 */
export function osDroppedOf(peer: PacketPeerUDP): number {
  return peer.stats().osDropped;
}

/** A bound peer's datagrams as a packet source. */
export function udpSource(peer: PacketPeerUDP): PacketSource {
  // The counters survive close() anyway; read them before it to be sure.
  let dropped: number | null = null;
  let osDropped: number | null = null;
  return {
    [Symbol.asyncIterator]: () => peer[Symbol.asyncIterator](),
    dropped: () => dropped ?? peer.droppedPackets,
    osDropped: () => osDropped ?? osDroppedOf(peer),
    answer(packet, data) {
      // Godot's echo: aim at the sender, send the same bytes back.
      const result = peer.setDestAddress(packet.address, packet.port);
      return result === GodotError.OK ? peer.putPacket(data) : result;
    },
    close() {
      if (!peer.isBound()) return;
      dropped = peer.droppedPackets;
      osDropped = osDroppedOf(peer);
      peer.close();
    },
    isOpen: () => peer.isBound(),
  };
}

export interface ReceiveLoopOptions {
  /** Stop after this many packets. */
  limit?: number;
  signal: AbortSignal;
  status: StatusLine;
  onPacket(packet: UDPPacket): void;
}

const STATUS_INTERVAL_MS = 250;

/** Queue and OS drops together (the live line's figure). */
function allDropped(source: PacketSource): number {
  return source.dropped() + source.osDropped();
}

export async function receiveLoop(source: PacketSource, options: ReceiveLoopOptions): Promise<ReceiveTotals> {
  const start = process.hrtime.bigint();
  let packets = 0;
  let bytes = 0;
  // Closing the source ends the `for await` below.
  const stop = (): void => source.close();
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
      options.status.update(liveRate(packets, recentRate, allDropped(source)), true);
    };
    timer = setInterval(tick, STATUS_INTERVAL_MS);
    timer.unref();
    tick();
  }
  try {
    if (!options.signal.aborted) {
      for await (const packet of source) {
        packets++;
        bytes += packet.size;
        // The count the status shows again under this packet's line is this packet's (the draw
        // itself stays throttled); the rate is the one the last tick measured.
        if (options.status.enabled) options.status.update(liveRate(packets, recentRate, allDropped(source)));
        options.onPacket(packet);
        if (options.limit !== undefined && packets >= options.limit) break;
      }
    }
  } finally {
    if (timer !== undefined) clearInterval(timer);
    options.signal.removeEventListener("abort", stop);
    options.status.clear();
  }
  stop();
  return { packets, bytes, seconds: secondsSince(start), dropped: source.dropped(), osDropped: source.osDropped() };
}

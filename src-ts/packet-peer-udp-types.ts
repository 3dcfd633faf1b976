/**
 * The public types of `PacketPeerUDP` (packet-peer-udp.ts): what it hands out (`RemoteInfo`,
 * `UDPPacket`, `PacketPeerUDPStats`), its events and the options of `bind` and `wait`. Apart so
 * the modules that move packets (receive-batch.ts, packet-delivery.ts) need not import the class.
 */
import type { UDPSocketError } from "./udp-socket-error.js";

/** Sender of a received packet, shaped like `node:dgram`'s `rinfo`. */
export interface RemoteInfo {
  /** Godot's text form: "127.0.0.1", or eight groups for IPv6 ("0:0:0:0:0:0:0:1"). */
  address: string;
  family: "IPv4" | "IPv6";
  port: number;
  /** Payload length in bytes. */
  size: number;
}

/** A received packet: what `for await` yields (and the `rinfo` of a `'packet'` event). */
export interface UDPPacket extends RemoteInfo {
  data: Buffer;
}

/** Events of a `PacketPeerUDP`. */
export interface PacketPeerUDPEvents {
  /** One per datagram, in arrival order, once a `'packet'` listener exists. */
  packet: [data: Buffer, rinfo: RemoteInfo];
  /** A socket error while delivering events (only emitted when someone listens). */
  error: [error: UDPSocketError];
  /**
   * The open socket was closed (or an iteration ended): by `close()`, or by the engine when a
   * `connectToHost` failed (Godot closes the socket then).
   */
  close: [];
}

/** Options of `bind` beyond Godot's arguments. */
export interface BindOptions {
  /** SO_REUSEPORT: several sockets (processes, workers) share the port; the kernel spreads traffic. */
  reusePort?: boolean;
  /**
   * SO_RCVBUF in bytes: how much the OS buffers for this socket before the engine drains it into
   * the queue (`recvBufSize`). Omitted: the OS default (`net.core.rmem_default`), as Godot. Linux
   * caps it at `net.core.rmem_max` and reports twice the request (see `getOsRecvBufSize`).
   * Outside 1..2147483647: `ERR_INVALID_PARAMETER`.
   */
  osRecvBufSize?: number;
}

/** Options of `wait`. */
export interface WaitOptions {
  /** Milliseconds before resolving with `ERR_TIMEOUT` (default: wait forever, as Godot). */
  timeout?: number;
  /** Aborting rejects the wait with an `AbortError` and cancels it natively. */
  signal?: AbortSignal;
}

/** Traffic counters of the socket (for a server peer: of the server's shared socket). */
export interface PacketPeerUDPStats {
  packetsReceived: number;
  bytesReceived: number;
  packetsSent: number;
  bytesSent: number;
  /** Datagrams read from the OS but refused because the receive queue was full. */
  packetsDropped: number;
  bytesDropped: number;
  /**
   * Datagrams the OS dropped before they could be read (its receive buffer was full): Linux's
   * per-socket count, current when the stats are read, one per kernel buffer (a
   * GRO-coalesced GSO batch counts once). 0 on other platforms and for a server peer (its
   * server's `stats()` counts the shared socket).
   */
  osDropped: number;
}

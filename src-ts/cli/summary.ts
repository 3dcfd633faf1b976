/** The closing summary of a command: packets, bytes, drops and rates, as text or JSON. */
import { bytes, count, duration, perSecond } from "./format.js";
import type { Json } from "./json.js";

export interface Traffic {
  /** What happened to the packets: "received", "echoed", "sent". */
  verb: string;
  packets: number;
  bytes: number;
  seconds: number;
  /** Datagrams the receive queue had no room for. */
  dropped?: number;
  /**
   * Dropped by the OS before they were read (its receive buffer was full): the socket's
   * `osDropped` counter. Reported with `dropped` (the text shows the total and the split).
   */
  osDropped?: number;
  /** Packets that were no Godot Variant. */
  undecodable?: number;
  /** With DTLS: the sessions of a server. */
  dtls?: {
    /** Handshakes completed. */
    sessions: number;
    handshakesFailed: number;
    /** Clients whose first datagram was no ClientHello. */
    notDtls: number;
  };
  /** With ENet: the host's peers and the datagrams ENet refused. */
  enet?: {
    connects: number;
    disconnects: number;
    /** Garbage, unknown peers, failed decompression (a --compress mismatch). */
    rejected: number;
  };
}

/**
 * `summary: 5 packets (84 B) received in 2.01 s, 2.5 pkt/s, 41.8 B/s; 0 dropped; 0 not Variants`;
 * with drops: `...; 12 dropped (2 by the receive queue, 10 by the OS); ...`; with DTLS
 * `...; 2 DTLS sessions, 0 failed handshakes` (and `, 1 not DTLS` when a client spoke no DTLS); with
 * ENet `...; 2 ENet connects, 2 disconnects, 0 rejected`.
 */
export function summaryText(t: Traffic): string {
  const parts = [
    `summary: ${count(t.packets)} packet${t.packets === 1 ? "" : "s"} (${bytes(t.bytes)}) ${t.verb} in ${duration(t.seconds)}`,
    perSecond(t.packets, t.seconds, "pkt"),
    `${bytes(t.seconds > 0 ? t.bytes / t.seconds : 0)}/s`,
  ];
  let text = parts.join(", ");
  if (t.dropped !== undefined) text += `; ${droppedText(t.dropped, t.osDropped ?? 0)}`;
  if (t.undecodable !== undefined) text += `; ${count(t.undecodable)} not Variants`;
  if (t.dtls !== undefined) {
    const { sessions, handshakesFailed, notDtls } = t.dtls;
    text += `; ${count(sessions)} DTLS session${sessions === 1 ? "" : "s"}, ${count(handshakesFailed)} failed handshake${handshakesFailed === 1 ? "" : "s"}`;
    if (notDtls > 0) text += `, ${count(notDtls)} not DTLS`;
  }
  if (t.enet !== undefined) {
    const { connects, disconnects, rejected } = t.enet;
    text += `; ${count(connects)} ENet connect${connects === 1 ? "" : "s"}, ${count(disconnects)} disconnect${disconnects === 1 ? "" : "s"}, ${count(rejected)} rejected`;
  }
  return text + "\n";
}

export function summaryJson(t: Traffic): string {
  const record: { [key: string]: Json } = {
    event: "summary",
    verb: t.verb,
    packets: t.packets,
    bytes: t.bytes,
    seconds: Number(t.seconds.toFixed(3)),
    packetsPerSecond: t.seconds > 0 ? Number((t.packets / t.seconds).toFixed(1)) : 0,
    bytesPerSecond: t.seconds > 0 ? Number((t.bytes / t.seconds).toFixed(1)) : 0,
  };
  if (t.dropped !== undefined) {
    const os = t.osDropped ?? 0;
    record.dropped = t.dropped + os;
    record.droppedByQueue = t.dropped;
    record.droppedByOs = os;
  }
  if (t.undecodable !== undefined) record.undecodable = t.undecodable;
  if (t.dtls !== undefined) {
    record.dtlsSessions = t.dtls.sessions;
    record.dtlsHandshakesFailed = t.dtls.handshakesFailed;
    record.notDtls = t.dtls.notDtls;
  }
  if (t.enet !== undefined) {
    record.enetConnects = t.enet.connects;
    record.enetDisconnects = t.enet.disconnects;
    record.enetRejected = t.enet.rejected;
  }
  return JSON.stringify(record) + "\n";
}

/** `0 dropped`, or `12 dropped (2 by the receive queue, 10 by the OS)` once anything was. */
export function droppedText(queue: number, os: number): string {
  const total = queue + os;
  if (total === 0) return "0 dropped";
  return `${count(total)} dropped (${count(queue)} by the receive queue, ${count(os)} by the OS)`;
}

/** The live status line of a receiving command: `  12,345 packets  1,234 pkt/s  0 dropped`. */
export function liveRate(packets: number, recentRate: number, dropped: number): string {
  return `  ${count(packets)} packet${packets === 1 ? "" : "s"}  ${count(recentRate)} pkt/s  ${count(dropped)} dropped  (Ctrl-C to stop)`;
}

/**
 * The ENet connection of `send --enet`: connect within a deadline (with the reason in words when
 * it fails), send on a channel with flags, collect replies, disconnect cleanly.
 */
import { setTimeout as sleep } from "node:timers/promises";
import {
  ENetConnection,
  ENetPacketPeer,
  ENetPeerStatistic,
  GodotError,
  errorName,
  type UDPPacket,
  type Variant,
} from "./api.js";
import {
  DISCONNECT_WAIT_MS,
  enetPacket,
  familyOf,
  type EnetClientSettings,
  type EnetPacket,
} from "./enet.js";
import type { ClientSettings } from "./dtls.js";
import { hostPort } from "./format.js";
import { MAX_QUEUED } from "./packet-event-queue.js";

/** Least wait between the last unreliable packet and the DISCONNECT. */
const UNRELIABLE_LANDING_MS = 20;

/** How `send` sends: what send.ts's channels provide. */
export interface EnetChannel {
  put(value: Variant, payload: Uint8Array | null): GodotError;
  replies(): AsyncIterable<UDPPacket>;
  sent(): { packets: number; bytes: number };
  explain(code: GodotError): string;
  close(): Promise<void>;
  milliseconds: number;
}

/**
 * Connects to an ENet host at `address`:`port`: a channel once the CONNECT completed, the
 * reason in words when it did not within the deadline, `null` when `signal` aborted first.
 */
export async function connectEnet(
  address: string,
  port: number,
  settings: EnetClientSettings,
  encode: (value: Variant) => Uint8Array,
  signal: AbortSignal,
  /** With --dtls: ENet over DTLS (Godot's dtls_client_setup), the server checked as these say. */
  dtls: ClientSettings | null = null,
): Promise<EnetChannel | string | null> {
  const connection = new ENetConnection();
  const created = connection.createHost(1, 0);
  if (created !== GodotError.OK) return `cannot create an ENet host: ${errorName(created)}`;
  connection.compress(settings.compress);
  if (dtls !== null) {
    const code = connection.dtlsClientSetup(dtls.hostname, dtls.options);
    if (code !== GodotError.OK) {
      connection.destroy();
      return `cannot set up DTLS: ${errorName(code)}`;
    }
  }
  // Listen before connecting: the first listener starts event mode, whose first pass would
  // hand an already-completed CONNECT to no one (the listener is added after that pass).
  type Outcome = "connected" | "disconnected" | "timeout" | "aborted" | "dtls-failed";
  let finish: (result: Outcome) => void = () => undefined;
  const outcome = new Promise<Outcome>((resolve) => {
    const onConnect = (): void => finish("connected");
    const onDisconnect = (): void => finish("disconnected");
    const onAbort = (): void => finish("aborted");
    // A failed DTLS handshake fails a service pass (EVENT_ERROR), as in Godot.
    const onError = (): void => finish("dtls-failed");
    const timer = setTimeout(() => finish("timeout"), settings.connectTimeoutMs);
    finish = (result) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      connection.off("connect", onConnect);
      connection.off("disconnect", onDisconnect);
      connection.off("error", onError);
      resolve(result);
    };
    connection.on("connect", onConnect);
    connection.on("disconnect", onDisconnect);
    connection.on("error", onError);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  const start = process.hrtime.bigint();
  const peer = connection.connectToHost(address, port, 0, 0);
  if (peer === null) {
    finish("aborted");
    connection.destroy();
    return `cannot connect to ${hostPort(address, port)} (not a valid address or port)`;
  }
  if (signal.aborted) finish("aborted");
  const result = await outcome;
  const milliseconds = Math.round(Number(process.hrtime.bigint() - start) / 1e6);
  if (result !== "connected") {
    const failure = connection.stats().dtls?.lastFailureStatus ?? 0;
    peer.reset();
    connection.destroy();
    if (result === "aborted") return null;
    if (result === "dtls-failed") {
      // 4: PacketPeerDTLS.STATUS_ERROR_HOSTNAME_MISMATCH.
      return failure === 4
        ? `DTLS: the server's certificate is not for ${JSON.stringify(dtls?.hostname)} (--hostname <name> checks the name it carries; --insecure checks none)`
        : "DTLS: the handshake failed (the server's certificate is not trusted, or the server refused the handshake)";
    }
    const hint = `is an ENet host listening there, with --compress ${settings.compressName} as here?`;
    return result === "timeout"
      ? `no ENet connection within ${settings.connectTimeoutMs} ms (${hint})`
      : `the host refused the connection (${hint})`;
  }

  const remote = { address, port, family: familyOf(address) } as const;
  let packets = 0;
  let bytes = 0;
  // Events the reply iterator has not taken yet (ENet's own queue on the peer is not used).
  const replies: EnetPacket[] = [];
  let wake: (() => void) | null = null;
  let disconnected = false;
  const onReceive = (p: ENetPacketPeer, data: Buffer, channel: number, flags: number): void => {
    if (replies.length < MAX_QUEUED) replies.push(enetPacket(p, remote.address, remote.port, data, channel, flags));
    wake?.();
  };
  const onDisconnect = (): void => {
    disconnected = true;
    wake?.();
  };
  connection.on("receive", onReceive);
  connection.on("disconnect", onDisconnect);
  let closed = false;
  return {
    milliseconds,
    put(value, payload) {
      const data = payload ?? encode(value);
      const code = peer.send(settings.channel, data, settings.flags);
      if (code === GodotError.OK) {
        packets++;
        bytes += data.length;
      }
      return code;
    },
    async *replies() {
      for (;;) {
        const next = replies.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (closed || disconnected) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    },
    sent: () => ({ packets, bytes }),
    explain: (code) =>
      disconnected || !peer.isActive() ? `${errorName(code)}: the host ended the ENet connection` : errorName(code),
    async close() {
      if (closed) return;
      if (!disconnected && peer.isActive()) {
        // disconnect_later: after every queued packet went out (a plain disconnect drops them).
        const done = new Promise<void>((resolve) => {
          const acknowledged = (): void => {
            clearTimeout(timer);
            connection.off("disconnect", acknowledged);
            resolve();
          };
          const timer = setTimeout(acknowledged, DISCONNECT_WAIT_MS);
          connection.on("disconnect", acknowledged);
        });
        // Flushed first: disconnect_later with nothing queued is a plain disconnect, which
        // drops what the last service queued.
        connection.flush();
        if (settings.flags === 0 && packets > 0) {
          // Unreliable packets get no acknowledgement to wait for, and a host that reads a
          // DISCONNECT in the same pass as a packet drops the packet: let them land first.
          const rtt = peer.getStatistic(ENetPeerStatistic.PEER_ROUND_TRIP_TIME);
          await sleep(Math.min(DISCONNECT_WAIT_MS, Math.max(UNRELIABLE_LANDING_MS, 2 * rtt)));
        }
        peer.peerDisconnectLater();
        await done;
      }
      closed = true;
      connection.off("receive", onReceive);
      connection.off("disconnect", onDisconnect);
      connection.destroy();
      wake?.();
    },
  };
}

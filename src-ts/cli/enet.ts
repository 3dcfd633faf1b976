/**
 * ENet for the command line: the `--enet` options, and the packets of every peer an
 * ENetConnection host accepts as one packet source (for `listen`/`echo`, with a line per connect
 * and disconnect). The connection of `send --enet` is in enet-client.ts.
 */
import {
  ENetCompressionMode,
  ENetConnection,
  ENetPacketPeer,
  GodotError,
  type TLSOptions,
  type UDPPacket,
} from "./api.js";
import { UsageError, flag, parseInteger, stringOption, type ParsedArgs } from "./args.js";
import type { Json } from "./json.js";
import { PacketEventQueue } from "./packet-event-queue.js";
import type { PacketSource } from "./receive-loop.js";

// ------------------------------------------------------------------------------------------------
// Options

/** `--compress` names, as Godot's CompressionMode (COMPRESS_RANGE_CODER is `range-coder`). */
const COMPRESSION: Record<string, ENetCompressionMode> = {
  none: ENetCompressionMode.COMPRESS_NONE,
  "range-coder": ENetCompressionMode.COMPRESS_RANGE_CODER,
  fastlz: ENetCompressionMode.COMPRESS_FASTLZ,
  zlib: ENetCompressionMode.COMPRESS_ZLIB,
  zstd: ENetCompressionMode.COMPRESS_ZSTD,
};

export const ENET_SERVER_OPTIONS = {
  enet: { type: "boolean" },
  compress: { type: "string" },
  "max-peers": { type: "string" },
} as const;

export const ENET_SERVER_HELP = `  --enet             accept ENet peers instead of plain UDP (Godot's ENetConnection, what
                     ENetMultiplayerPeer and ENetConnection.connect_to_host talk to): each
                     packet is shown with its channel and flags, with a line per connect
                     (with its data) and disconnect
  --compress <mode>  with --enet: none (default), range-coder, fastlz, zlib or zstd; must be
                     the peers' (Godot's ENetConnection.compress)
  --max-peers <n>    with --enet: how many peers at once (default 32, at most 4095)
  --enet --dtls      ENet over DTLS (Godot's dtls_server_setup), with the --dtls options
`;

export const ENET_CLIENT_OPTIONS = {
  enet: { type: "boolean" },
  compress: { type: "string" },
  channel: { type: "string" },
  unreliable: { type: "boolean" },
  "connect-timeout": { type: "string" },
} as const;

export const ENET_CLIENT_HELP = `  --enet             connect with ENet first (Godot's ENetConnection.connect_to_host), send
                     <value> to the peer, then disconnect cleanly
  --channel <n>      with --enet: the channel to send on (default 0; 0 to 254)
  --unreliable       with --enet: send unreliably (default: FLAG_RELIABLE)
  --compress <mode>  with --enet: none (default), range-coder, fastlz, zlib or zstd; must be
                     the host's
  --connect-timeout <ms>
                     with --enet: give up when connecting takes longer (default 5000)
  --enet --dtls      ENet over DTLS (Godot's dtls_client_setup), with the --dtls options
`;

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** How long `send --enet` waits for the host to acknowledge its DISCONNECT. */
export const DISCONNECT_WAIT_MS = 1_000;
/** Flags a received packet may carry that `send` takes back (echo answers with them). */
const FLAG_MASK = ENetPacketPeer.FLAG_RELIABLE | ENetPacketPeer.FLAG_UNSEQUENCED | ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT;
/** Channels a peer gets (connect_to_host's 0 = ENet's most); `--channel` is below it. */
const MAX_CHANNEL = 254;

function requireEnet(values: ParsedArgs["values"], names: readonly string[]): void {
  if (flag(values, "enet")) return;
  for (const name of names) {
    if (values[name] !== undefined) throw new UsageError(`--${name} only applies with --enet`);
  }
}

function compression(values: ParsedArgs["values"]): { mode: ENetCompressionMode; name: string } {
  const name = stringOption(values, "compress") ?? "none";
  const mode = COMPRESSION[name];
  if (mode === undefined) {
    throw new UsageError(`--compress must be one of ${Object.keys(COMPRESSION).join(", ")}; got ${JSON.stringify(name)}`);
  }
  return { mode, name };
}

export interface EnetServerSettings {
  compress: ENetCompressionMode;
  compressName: string;
  maxPeers: number;
}

/** `listen`/`echo`'s `--enet`, `--compress`, `--max-peers`: `null` without `--enet`. */
export function enetServerSettings(values: ParsedArgs["values"]): EnetServerSettings | null {
  requireEnet(values, ["compress", "max-peers"]);
  if (!flag(values, "enet")) return null;
  const maxText = stringOption(values, "max-peers");
  const maxPeers = maxText === undefined ? 32 : parseInteger(maxText, "--max-peers", 1, 4095);
  const { mode, name } = compression(values);
  return { compress: mode, compressName: name, maxPeers };
}

export interface EnetClientSettings {
  compress: ENetCompressionMode;
  compressName: string;
  channel: number;
  flags: number;
  connectTimeoutMs: number;
}

/** `send`'s `--enet`, `--channel`, `--unreliable`, `--compress`, `--connect-timeout`. */
export function enetClientSettings(values: ParsedArgs["values"]): EnetClientSettings | null {
  requireEnet(values, ["compress", "channel", "unreliable", "connect-timeout"]);
  if (!flag(values, "enet")) return null;
  const channelText = stringOption(values, "channel");
  const channel = channelText === undefined ? 0 : parseInteger(channelText, "--channel", 0, MAX_CHANNEL);
  const timeoutText = stringOption(values, "connect-timeout");
  const connectTimeoutMs =
    timeoutText === undefined ? DEFAULT_CONNECT_TIMEOUT_MS : parseInteger(timeoutText, "--connect-timeout", 1, 86_400_000);
  const { mode, name } = compression(values);
  const flags = flag(values, "unreliable") ? 0 : ENetPacketPeer.FLAG_RELIABLE;
  return { compress: mode, compressName: name, channel, flags, connectTimeoutMs };
}

/** `reliable`, `unreliable`, `unsequenced` (+ `fragment`), for the packet lines. */
export function flagsText(flags: number): string {
  const words = [
    flags & ENetPacketPeer.FLAG_RELIABLE ? "reliable" : flags & ENetPacketPeer.FLAG_UNSEQUENCED ? "unsequenced" : "unreliable",
  ];
  if (flags & ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT) words.push("fragment");
  return words.join(" ");
}

/** How `listen` announces an ENet host: ` (ENet, 32 peers, compression zlib)`. */
export function enetAnnouncement(settings: EnetServerSettings): { text: string; fields: { [key: string]: Json } } {
  return {
    text: `(ENet, up to ${settings.maxPeers} peers, compression ${settings.compressName})`,
    fields: { enet: true, compress: settings.compressName, maxPeers: settings.maxPeers },
  };
}

// ------------------------------------------------------------------------------------------------
// Packets with their ENet details

/** A received ENet packet: the peer (to answer), its channel and flags, and how to show them. */
export interface EnetPacket extends UDPPacket {
  peer: ENetPacketPeer;
  channel: number;
  flags: number;
  /** What PacketView adds to the line (`ch 0 reliable`) and to the JSON record. */
  tag: { text: string; fields: { [key: string]: Json } };
}

export function familyOf(address: string): "IPv4" | "IPv6" {
  return address.includes(":") ? "IPv6" : "IPv4";
}

export function enetPacket(peer: ENetPacketPeer, address: string, port: number, data: Buffer, channel: number, flags: number): EnetPacket {
  return {
    address,
    port,
    family: familyOf(address),
    size: data.length,
    data,
    peer,
    channel,
    flags,
    tag: { text: `ch ${channel} ${flagsText(flags)}`, fields: { channel, flags, flagsText: flagsText(flags) } },
  };
}

// ------------------------------------------------------------------------------------------------
// The server side

export interface PeerEvent {
  address: string;
  port: number;
  state: "connected" | "disconnected";
  /** The CONNECT or DISCONNECT data (0 for a timeout). */
  data: number;
  text: string;
}

/** Counters of an ENet host, for the summary. */
export interface EnetCounts {
  connects: number;
  disconnects: number;
  /** Datagrams ENet refused (garbage, unknown peers, failed decompression: a --compress mismatch). */
  rejected: number;
}

/** Opens the host of `listen`/`echo`: the connection, or the Godot error of createHostBound. */
export function listenEnet(
  port: number,
  address: string,
  settings: EnetServerSettings,
  /** With --dtls: ENet over DTLS (Godot's dtls_server_setup) with these server options. */
  dtls: TLSOptions | null,
): ENetConnection | GodotError {
  const connection = new ENetConnection();
  const code = connection.createHostBound(address, port, settings.maxPeers, 0);
  if (code !== GodotError.OK) return code;
  connection.compress(settings.compress);
  const setup = dtls === null ? GodotError.OK : connection.dtlsServerSetup(dtls);
  if (setup !== GodotError.OK) {
    connection.destroy();
    return setup;
  }
  return connection;
}

/**
 * The packets of every peer of an ENet host, in arrival order, with the connects and
 * disconnects (`onEvent`) in their place among them. Closing it disconnects every peer and
 * destroys the host.
 */
export class EnetSource implements PacketSource {
  readonly #connection: ENetConnection;
  /** Each peer's address, kept for its DISCONNECT (an inactive peer has none). */
  readonly #addresses = new Map<ENetPacketPeer, [string, number]>();
  readonly #queue: PacketEventQueue<EnetPacket, PeerEvent>;
  #final: { dropped: number; osDropped: number; rejected: number } | null = null;
  #connects = 0;
  #disconnects = 0;

  constructor(connection: ENetConnection, onEvent: (event: PeerEvent) => void) {
    this.#connection = connection;
    this.#queue = new PacketEventQueue(onEvent);
    connection.on("connect", this.#onConnect);
    connection.on("disconnect", this.#onDisconnect);
    connection.on("receive", this.#onReceive);
  }

  get counts(): EnetCounts {
    const rejected = this.#final?.rejected ?? this.#connection.stats().rejected;
    return { connects: this.#connects, disconnects: this.#disconnects, rejected };
  }

  dropped(): number {
    return this.#final?.dropped ?? this.#connection.stats().datagramsDropped + this.#queue.dropped;
  }

  osDropped(): number {
    return this.#final?.osDropped ?? this.#connection.stats().osDropped;
  }

  answer(packet: UDPPacket, data: Uint8Array): GodotError {
    const p = packet as EnetPacket;
    return p.peer.send(p.channel, data, p.flags & FLAG_MASK);
  }

  isOpen(): boolean {
    return !this.#queue.ended;
  }

  close(): void {
    if (this.#queue.ended) return;
    const stats = this.#connection.stats();
    this.#final = {
      dropped: stats.datagramsDropped + this.#queue.dropped,
      osDropped: stats.osDropped,
      rejected: stats.rejected,
    };
    this.#connection.off("connect", this.#onConnect);
    this.#connection.off("disconnect", this.#onDisconnect);
    this.#connection.off("receive", this.#onReceive);
    this.#farewell();
    this.#queue.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<UDPPacket> {
    return this.#queue[Symbol.asyncIterator]();
  }

  /**
   * Disconnects every peer once what is queued for it went out (a DISCONNECT in the same
   * datagrams as echo's last answer would make the peer drop that answer), then destroys the
   * host: when the last peer acknowledged, or after DISCONNECT_WAIT_MS.
   */
  #farewell(): void {
    const connection = this.#connection;
    const peers = connection.getPeers();
    const done = (): void => {
      clearTimeout(timer);
      connection.off("disconnect", left);
      connection.destroy();
    };
    const left = (): void => {
      if (connection.getPeers().every((p) => !p.isActive())) done();
    };
    const timer = setTimeout(done, DISCONNECT_WAIT_MS);
    connection.on("disconnect", left);
    for (const peer of peers) peer.peerDisconnectLater();
    connection.flush();
    left();
  }

  readonly #onConnect = (peer: ENetPacketPeer, data: number): void => {
    const address = peer.getRemoteAddress();
    const port = peer.getRemotePort();
    this.#addresses.set(peer, [address, port]);
    this.#connects++;
    this.#queue.pushEvent({ address, port, state: "connected", data, text: `ENet peer connected (data ${data})` });
  };

  readonly #onDisconnect = (peer: ENetPacketPeer, data: number): void => {
    const [address, port] = this.#addresses.get(peer) ?? ["?", 0];
    this.#addresses.delete(peer);
    this.#disconnects++;
    this.#queue.pushEvent({ address, port, state: "disconnected", data, text: `ENet peer disconnected (data ${data})` });
  };

  readonly #onReceive = (peer: ENetPacketPeer, packet: Buffer, channel: number, flags: number): void => {
    const [address, port] = this.#addresses.get(peer) ?? [peer.getRemoteAddress(), peer.getRemotePort()];
    this.#queue.pushPacket(enetPacket(peer, address, port, packet, channel, flags));
  };
}

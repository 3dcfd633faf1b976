/** `godot-udp listen`: print every packet arriving on a port, decoded as a Godot Variant. */
import { GodotError, PacketPeerUDP, errorName } from "./api.js";
import {
  expectPositionals,
  flag,
  parseBindPort,
  parseCommandArgs,
  parseInteger,
  stringOption,
} from "./args.js";
import { EXIT_FAILURE, type Command, type CommandContext } from "./command.js";
import {
  DTLS_SERVER_HELP,
  DTLS_SERVER_OPTIONS,
  DtlsSource,
  dtlsAnnouncement,
  listenDtls,
  serverCredentials,
  type ServerCredentials,
} from "./dtls.js";
import {
  ENET_SERVER_HELP,
  ENET_SERVER_OPTIONS,
  EnetSource,
  enetAnnouncement,
  enetServerSettings,
  listenEnet,
  type EnetServerSettings,
} from "./enet.js";
import { hostPort } from "./format.js";
import type { Json } from "./json.js";
import { PacketView } from "./packet-view.js";
import { receiveLoop, udpSource, type PacketSource } from "./receive-loop.js";
import { StatusLine } from "./status-line.js";
import { summaryJson, summaryText } from "./summary.js";

/** Receive queue of the listening socket (Godot's default is 64 KiB; a monitor wants more slack). */
export const LISTEN_QUEUE_BYTES = 4 * 1024 * 1024;

const USAGE = `Usage: godot-udp listen <port> [options]

Prints every UDP packet that arrives on <port>: time, sender, size and the payload decoded as a
Godot Variant (what put_var sends), in Godot's text form: Vector2(1, 2), {"hp": 10}, &"name" ...
Packets that are no Variant are shown as hex. Ends on Ctrl-C (or after --count packets) with a
summary: packets, bytes, drops (by the receive queue and by the OS) and rate. Use port 0 for any free port; the first line says which.

Options:
  --bind <addr>      address to listen on (default "*": every address, IPv4 and IPv6;
                     "127.0.0.1" for this machine only)
  --count <n>        stop after n packets
  --json             one JSON object per line: {"event": "packet", "from", "size",
                     "variantType", "value", "text", ...}, then {"event": "summary", ...}
  --hex              also show every packet's bytes as a hex dump
  --exact            write values exactly as Godot's var_to_str does (dictionaries over
                     several lines, keys sorted) instead of on one line
  --allow-objects    decode Objects too (Godot's allow_objects; refused by default)
${DTLS_SERVER_HELP}${ENET_SERVER_HELP}  -h, --help         show this help

Examples:
  godot-udp listen 4242
  godot-udp listen 0 --bind 127.0.0.1 --count 3
  godot-udp listen 4242 --json | jq .value
  godot-udp listen 4242 --dtls --key server.key --cert server.crt
  godot-udp listen 4242 --enet --compress range-coder
`;

export function bindFailure(command: string, address: string, port: number, code: GodotError): string {
  const hint =
    code === GodotError.ERR_UNAVAILABLE
      ? " (is another program using the port?)"
      : code === GodotError.ERR_INVALID_PARAMETER
        ? " (not a valid address or port)"
        : "";
  return `godot-udp ${command}: cannot listen on ${hostPort(address, port)}: ${errorName(code)}${hint}\n`;
}

/** The first line of a receiving command: where it listens (port 0 resolved), and how. */
export function announceListening(
  context: CommandContext,
  json: boolean,
  address: string,
  port: number,
  what = "listening on",
  credentials: ServerCredentials | null = null,
  enet: EnetServerSettings | null = null,
): void {
  if (json) {
    const record: { [key: string]: Json } = { event: "listening", address, port };
    if (credentials !== null) {
      record.dtls = true;
      record.certificate = credentials.subject;
      record.selfSigned = credentials.selfSigned;
    }
    if (enet !== null) Object.assign(record, enetAnnouncement(enet).fields);
    context.stdout.write(JSON.stringify(record) + "\n");
  } else {
    let how = credentials === null ? "" : ` ${dtlsAnnouncement(credentials)}`;
    if (enet !== null) how += ` ${enetAnnouncement(enet).text}`;
    context.stdout.write(`${what} ${hostPort(address, port)}${how}\n`);
  }
}

/** Where `listen` and `echo` receive: a bound peer, or a UDPServer accepting DTLS sessions. */
export interface Receiver {
  source: PacketSource;
  port: number;
  /** With --dtls: the sessions' source (its counts go into the summary). */
  dtls: DtlsSource | null;
  /** With --enet: the host's source (its counts go into the summary). */
  enet: EnetSource | null;
}

/**
 * Opens the receiving side of `listen`/`echo` on `port`/`address`: plain UDP, DTLS with
 * `credentials` (session events go to `view`, unless `quiet`), or an ENet host with `enet` (its
 * connects and disconnects likewise). `null` after printing why it cannot listen.
 */
export function openReceiver(
  command: string,
  context: CommandContext,
  port: number,
  address: string,
  credentials: ServerCredentials | null,
  view: PacketView,
  quiet = false,
  enet: EnetServerSettings | null = null,
): Receiver | null {
  if (enet !== null) {
    const connection = listenEnet(port, address, enet, credentials?.options ?? null);
    if (typeof connection === "number") {
      context.stderr.write(bindFailure(command, address, port, connection));
      return null;
    }
    const source = new EnetSource(connection, (event) => {
      if (quiet) return;
      view.showEvent(event.address, event.port, event.text, "enet", { state: event.state, data: event.data });
    });
    return { source, port: connection.getLocalPort(), dtls: null, enet: source };
  }
  if (credentials === null) {
    const peer = new PacketPeerUDP();
    const code = peer.bind(port, address, LISTEN_QUEUE_BYTES);
    if (code !== GodotError.OK) {
      context.stderr.write(bindFailure(command, address, port, code));
      return null;
    }
    return { source: udpSource(peer), port: peer.getLocalPort(), dtls: null, enet: null };
  }
  const opened = listenDtls(port, address, credentials);
  if (typeof opened === "number") {
    context.stderr.write(bindFailure(command, address, port, opened));
    return null;
  }
  const source = new DtlsSource(opened.server, opened.dtls, (event) => {
    if (quiet) return;
    view.showEvent(event.address, event.port, event.text, "dtls", {
      state: event.state,
      status: event.status,
      milliseconds: event.milliseconds,
    });
  });
  return { source, port: opened.server.getLocalPort(), dtls: source, enet: null };
}

export const listen: Command = {
  name: "listen",
  summary: "print packets arriving on a port, decoded as Godot Variants",
  usage: USAGE,
  async run(argv, context) {
    const { values, positionals } = parseCommandArgs(argv, {
      bind: { type: "string" },
      count: { type: "string" },
      json: { type: "boolean" },
      hex: { type: "boolean" },
      exact: { type: "boolean" },
      "allow-objects": { type: "boolean" },
      ...DTLS_SERVER_OPTIONS,
      ...ENET_SERVER_OPTIONS,
    });
    if (flag(values, "help")) {
      context.stdout.write(USAGE);
      return 0;
    }
    const [portText] = expectPositionals(positionals, ["port"]);
    const port = parseBindPort(portText ?? "");
    const countText = stringOption(values, "count");
    const limit = countText === undefined ? undefined : parseInteger(countText, "--count", 1, Number.MAX_SAFE_INTEGER);
    const address = stringOption(values, "bind") ?? "*";
    const json = flag(values, "json");
    const enet = enetServerSettings(values);
    const credentials = serverCredentials(values);

    const status = new StatusLine(context.stderr);
    const view = new PacketView(context.stdout, status, {
      json,
      hex: flag(values, "hex"),
      exact: flag(values, "exact"),
      allowObjects: flag(values, "allow-objects"),
    });
    const receiver = openReceiver("listen", context, port, address, credentials, view, false, enet);
    if (receiver === null) return EXIT_FAILURE;
    announceListening(context, json, address, receiver.port, "listening on", credentials, enet);

    let undecodable = 0;
    const totals = await receiveLoop(receiver.source, {
      limit,
      signal: context.signal,
      status,
      onPacket(packet) {
        if (!view.show(packet)) undecodable++;
      },
    });
    const traffic = {
      verb: "received",
      ...totals,
      undecodable,
      dtls: receiver.dtls?.counts,
      enet: receiver.enet?.counts,
    };
    context.stdout.write(json ? summaryJson(traffic) : summaryText(traffic));
    return 0;
  },
};

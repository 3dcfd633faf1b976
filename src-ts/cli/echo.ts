/** `godot-udp echo`: a UDP echo server, each packet sent back unchanged to whoever sent it. */
import { GodotError, errorName } from "./api.js";
import {
  expectPositionals,
  flag,
  parseBindPort,
  parseCommandArgs,
  parseInteger,
  stringOption,
} from "./args.js";
import { EXIT_FAILURE, type Command } from "./command.js";
import { DTLS_SERVER_HELP, DTLS_SERVER_OPTIONS, serverCredentials } from "./dtls.js";
import { ENET_SERVER_HELP, ENET_SERVER_OPTIONS, enetServerSettings } from "./enet.js";
import { announceListening, openReceiver } from "./listen.js";
import { PacketView } from "./packet-view.js";
import { receiveLoop, type ReceiveTotals } from "./receive-loop.js";
import { StatusLine } from "./status-line.js";
import { summaryJson, summaryText, type Traffic } from "./summary.js";

const USAGE = `Usage: godot-udp echo <port> [options]

A UDP echo server, as in Godot's networking examples: every packet that arrives on <port> is sent
back, byte for byte, to the address and port it came from. Point a game client at it to test its
networking. Each packet is printed as godot-udp listen prints it. Ends on Ctrl-C (or after
--count packets) with a summary. With --dtls every DTLS client gets its packets back in its
session, encrypted; with --enet every ENet peer gets them back on the same channel with the same
flags.

Options:
  --bind <addr>      address to listen on (default "*": every address, IPv4 and IPv6)
  --count <n>        stop after answering n packets
  --quiet            do not print the packets, only the first line and the summary
  --json             one JSON object per line (as godot-udp listen --json)
${DTLS_SERVER_HELP}${ENET_SERVER_HELP}  -h, --help         show this help

Examples:
  godot-udp echo 4242
  godot-udp send 127.0.0.1 4242 'Vector2(1, 2)' --reply
  godot-udp echo 4242 --dtls --self-signed
  godot-udp send 127.0.0.1 4242 'Vector2(1, 2)' --reply --dtls --insecure
  godot-udp echo 4242 --enet
  godot-udp send 127.0.0.1 4242 '"ping"' --reply --enet --channel 2 --unreliable
`;

/** The echo summary: what was received, less the replies that could not be sent (packets and bytes). */
export function echoedTraffic(totals: ReceiveTotals, failedPackets: number, failedBytes: number): Traffic {
  return { verb: "echoed", ...totals, packets: totals.packets - failedPackets, bytes: totals.bytes - failedBytes };
}

export const echo: Command = {
  name: "echo",
  summary: "answer every packet back to its sender (an echo server)",
  usage: USAGE,
  async run(argv, context) {
    const { values, positionals } = parseCommandArgs(argv, {
      bind: { type: "string" },
      count: { type: "string" },
      quiet: { type: "boolean" },
      json: { type: "boolean" },
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
    const quiet = flag(values, "quiet");
    const enet = enetServerSettings(values);
    const credentials = serverCredentials(values);

    const status = new StatusLine(context.stderr);
    const view = new PacketView(context.stdout, status, { json, hex: false, exact: false, allowObjects: false });
    const receiver = openReceiver("echo", context, port, address, credentials, view, quiet, enet);
    if (receiver === null) return EXIT_FAILURE;
    announceListening(context, json, address, receiver.port, "echo server listening on", credentials, enet);

    // Replies that could not be sent: not counted as echoed (packets nor bytes).
    let failed = 0;
    let failedBytes = 0;
    const { source } = receiver;
    const totals = await receiveLoop(source, {
      limit,
      signal: context.signal,
      status,
      onPacket(packet) {
        // Godot's echo: the same bytes back to the sender (in its DTLS session with --dtls, on
        // the same channel with the same flags with --enet).
        const result = source.answer(packet, packet.data);
        if (result !== GodotError.OK) {
          failed++;
          failedBytes += packet.size;
          // An ENet peer that sent and disconnected at once is gone by the time its packet is read.
          const gone = receiver.enet !== null && result === GodotError.ERR_UNCONFIGURED ? " (the peer disconnected)" : "";
          context.stderr.write(`godot-udp echo: cannot answer ${packet.address}:${packet.port}: ${errorName(result)}${gone}\n`);
        }
        if (!quiet) view.show(packet);
      },
    });
    const traffic = {
      ...echoedTraffic(totals, failed, failedBytes),
      dtls: receiver.dtls?.counts,
      enet: receiver.enet?.counts,
    };
    context.stdout.write(json ? summaryJson(traffic) : summaryText(traffic));
    return 0;
  },
};

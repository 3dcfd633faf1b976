/** `godot-udp send`: send one value (or raw text) to a host and port, optionally repeated. */
import { setImmediate as yieldToLoop, setTimeout as sleep } from "node:timers/promises";
import {
  DTLSStatus,
  GodotError,
  PacketPeerUDP,
  VariantEncodeError,
  VariantTypeError,
  errorName,
  varToBytes,
  varToStr,
  type UDPPacket,
  type Variant,
} from "./api.js";
import {
  UsageError,
  expectPositionals,
  flag,
  parseCommandArgs,
  parseDestinationPort,
  parseInteger,
  stringOption,
} from "./args.js";
import { CommandFailure, EXIT_FAILURE, type Command } from "./command.js";
import {
  DTLS_CLIENT_HELP,
  DTLS_CLIENT_OPTIONS,
  clientSettings,
  connectDtls,
  resolveAddress,
  type ClientSettings,
} from "./dtls.js";
import {
  ENET_CLIENT_HELP,
  ENET_CLIENT_OPTIONS,
  enetClientSettings,
  flagsText,
  type EnetClientSettings,
} from "./enet.js";
import { connectEnet } from "./enet-client.js";
import { bytes, count, hostPort, secondsSince } from "./format.js";
import type { Json } from "./json.js";
import { PacketView } from "./packet-view.js";
import { StatusLine } from "./status-line.js";
import { summaryJson, summaryText } from "./summary.js";
import { readValueArgument } from "./value-input.js";

const USAGE = `Usage: godot-udp send <host> <port> <value> [options]

Sends <value> to <host>:<port> the way Godot's PacketPeerUDP.put_var does: one datagram holding
the value's Variant encoding. <value> is written in Godot's text form (what var_to_str writes):
  42   1.5   true   null   "text"   &"name"   Vector2(1, 2)   Color(1, 0, 0, 1)
  [1, "two", 3.0]   {"hp": 10, "pos": Vector3(0, 1, 0)}   Array[int]([1, 2])
  PackedByteArray(1, 2, 3)   NodePath("Player/Sprite")   #ff8000
or as JSON. Quote it for the shell: godot-udp send 127.0.0.1 4242 'Vector2(1, 2)'. A value that
starts with "-" goes after "--": godot-udp send 127.0.0.1 4242 -- -5

Options:
  --raw              send <value> as plain UTF-8 bytes instead of a Variant
  --repeat <n>       send it n times (default 1; 0 = until Ctrl-C)
  --interval <ms>    wait this long between sends (default 0: as fast as the socket takes them)
  --reply            then print the packets that come back (e.g. from godot-udp echo)
  --timeout <ms>     with --reply: how long to wait for replies after the last send (default 1000)
  --json             print JSON objects instead of text
${DTLS_CLIENT_HELP}${ENET_CLIENT_HELP}  -h, --help         show this help

Examples:
  godot-udp send 127.0.0.1 4242 '{"hp": 10, "pos": Vector2(3, 4)}'
  godot-udp send 127.0.0.1 4242 'Vector2(1, 2)' --repeat 100 --interval 10
  godot-udp send 127.0.0.1 4242 '"ping"' --reply
  godot-udp send localhost 4242 '"hello"' --dtls --ca server.crt
  godot-udp send 127.0.0.1 4242 '"hello"' --dtls --insecure
  godot-udp send 127.0.0.1 4242 '{"hp": 10}' --enet --channel 1 --reply
`;

/** How the packets go: plain UDP, a DTLS session, or an ENet connection. */
interface Channel {
  /** Sends the value (or raw bytes) once. */
  put(value: Variant, payload: Uint8Array | null): GodotError;
  /** What comes back, as packets from the target. */
  replies(): AsyncIterable<UDPPacket>;
  /** Packets and bytes sent, for the summary. */
  sent(): { packets: number; bytes: number };
  /** Why sending failed, in words, when the channel knows more than the error code. */
  explain(code: GodotError): string;
  /** Ends the session or connection (ENet waits for the host's acknowledgement, briefly). */
  close(): void | Promise<void>;
}

function udpChannel(peer: PacketPeerUDP): Channel {
  let stats: { packets: number; bytes: number } | null = null;
  return {
    put: (value, payload) => (payload === null ? peer.putVar(value) : peer.putPacket(payload)),
    replies: () => peer as AsyncIterable<UDPPacket>,
    sent() {
      if (stats !== null) return stats;
      const { packetsSent, bytesSent } = peer.stats();
      return { packets: packetsSent, bytes: bytesSent };
    },
    explain: (code) => errorName(code),
    close() {
      stats ??= this.sent();
      peer.close();
    },
  };
}

/** Connects and completes the handshake: a channel, or `null` after printing why not. */
async function dtlsChannel(
  host: string,
  port: number,
  settings: ClientSettings,
  /** Of each packet. */
  size: number,
  signal: AbortSignal,
  print: (text: string, record: { [key: string]: Json }) => void,
  fail: (message: string) => void,
): Promise<Channel | null> {
  const target = hostPort(host, port);
  const address = await resolveAddress(host);
  if (address === null) {
    fail(`godot-udp send: cannot send to ${target}: cannot resolve the host\n`);
    return null;
  }
  const connection = await connectDtls(address, port, settings, signal);
  if (connection === null) return null; // interrupted
  if (typeof connection === "string") {
    fail(`godot-udp send: DTLS handshake with ${target} failed: ${connection}\n`);
    return null;
  }
  print(
    `DTLS handshake with ${target} done in ${connection.milliseconds} ms ` +
      (!settings.insecure
        ? `(certificate verified for ${JSON.stringify(settings.hostname)})`
        : settings.ca === null
          ? "(certificate not verified: --insecure)"
          : "(certificate trusted by --ca, name not checked: --insecure)"),
    {
      event: "dtls",
      state: "connected",
      to: target,
      hostname: settings.insecure ? null : settings.hostname,
      verified: !settings.insecure || settings.ca !== null,
      milliseconds: connection.milliseconds,
    },
  );
  const { session } = connection;
  const remote = { address: connection.address, port, family: connection.address.includes(":") ? "IPv6" : "IPv4" } as const;
  let packetsSent = 0;
  return {
    put(value, payload) {
      // put_var / put_packet of Godot's PacketPeerDTLS: one record each.
      const code = payload === null ? session.putVar(value) : session.putPacket(payload);
      if (code === GodotError.OK) packetsSent++;
      return code;
    },
    async *replies() {
      for await (const data of session) yield { ...remote, data, size: data.length };
    },
    // What the records carried (the datagrams also hold DTLS headers and a MAC).
    sent: () => ({ packets: packetsSent, bytes: packetsSent * size }),
    explain(code) {
      const ended = connection.ended();
      if (ended === DTLSStatus.STATUS_DISCONNECTED) return `${errorName(code)}: the server closed the DTLS session`;
      if (ended !== null) return `${errorName(code)}: the DTLS session failed (${DTLSStatus[ended]})`;
      return errorName(code);
    },
    close: () => connection.close(),
  };
}

/** Connects: a channel, or `null` after printing why not (or when interrupted: `failed` not called). */
async function enetChannel(
  host: string,
  port: number,
  settings: EnetClientSettings,
  dtls: ClientSettings | null,
  signal: AbortSignal,
  print: (text: string, record: { [key: string]: Json }) => void,
  fail: (message: string) => void,
): Promise<Channel | null> {
  const target = hostPort(host, port);
  const address = await resolveAddress(host);
  if (address === null) {
    fail(`godot-udp send: cannot send to ${target}: cannot resolve the host\n`);
    return null;
  }
  const connection = await connectEnet(address, port, settings, (value) => varToBytes(value), signal, dtls);
  if (connection === null) return null;
  if (typeof connection === "string") {
    fail(`godot-udp send: ENet connection to ${target} failed: ${connection}\n`);
    return null;
  }
  const verified = dtls !== null && (!dtls.insecure || dtls.ca !== null);
  const overDtls =
    dtls === null ? "" : verified ? ", over DTLS, certificate verified" : ", over DTLS, certificate not verified: --insecure";
  print(`ENet connection with ${target} done in ${connection.milliseconds} ms (compression ${settings.compressName}${overDtls})`, {
    event: "enet",
    state: "connected",
    to: target,
    compress: settings.compressName,
    milliseconds: connection.milliseconds,
    ...(dtls === null ? {} : { dtls: true, verified }),
  });
  return connection;
}

/** What one DTLS record carries: PacketPeerDTLS.putPacket refuses more. */
const DTLS_MAX_PACKET_BYTES = 16384;

/** Sends between yields to the event loop, so Ctrl-C and replies get through a long burst. */
const SENDS_PER_YIELD = 256;

export const send: Command = {
  name: "send",
  summary: "send a value (Godot text form or JSON) to a host and port",
  usage: USAGE,
  async run(argv, context) {
    const { values, positionals } = parseCommandArgs(argv, {
      raw: { type: "boolean" },
      repeat: { type: "string" },
      interval: { type: "string" },
      reply: { type: "boolean" },
      timeout: { type: "string" },
      json: { type: "boolean" },
      ...DTLS_CLIENT_OPTIONS,
      ...ENET_CLIENT_OPTIONS,
    });
    if (flag(values, "help")) {
      context.stdout.write(USAGE);
      return 0;
    }
    const [host = "", portText = "", valueText = ""] = expectPositionals(positionals, ["host", "port", "value"]);
    const port = parseDestinationPort(portText);
    const repeatText = stringOption(values, "repeat");
    const repeat = repeatText === undefined ? 1 : parseInteger(repeatText, "--repeat", 0, Number.MAX_SAFE_INTEGER);
    const intervalText = stringOption(values, "interval");
    const interval = intervalText === undefined ? 0 : parseInteger(intervalText, "--interval", 0, 86_400_000);
    const timeoutText = stringOption(values, "timeout");
    const timeout = timeoutText === undefined ? 1000 : parseInteger(timeoutText, "--timeout", 0, 86_400_000);
    const wantReply = flag(values, "reply");
    const json = flag(values, "json");
    if (timeoutText !== undefined && !wantReply) throw new UsageError("--timeout only applies with --reply");

    // What goes on the wire, and how to describe it.
    let value: Variant = null;
    let payload: Uint8Array | null = null;
    let description: string;
    let size: number;
    if (flag(values, "raw")) {
      payload = Buffer.from(valueText, "utf8");
      size = payload.length;
      description = `${JSON.stringify(valueText)} as raw bytes`;
    } else {
      value = readValueArgument(valueText);
      try {
        size = varToBytes(value).length;
      } catch (err) {
        if (err instanceof VariantEncodeError || err instanceof VariantTypeError) {
          context.stderr.write(`godot-udp send: cannot encode <value>: ${err.message}\n`);
          return EXIT_FAILURE;
        }
        throw err;
      }
      description = varToStr(value, { singleLine: true });
    }
    const enet = enetClientSettings(values);
    const dtls = clientSettings(values, host);
    const over =
      enet !== null
        ? ` over ENet${dtls === null ? "" : " over DTLS"} (ch ${enet.channel} ${flagsText(enet.flags)})`
        : dtls !== null
          ? " over DTLS"
          : "";
    // ENet over DTLS fragments a packet into datagrams: no record limit then.
    if (dtls !== null && enet === null && size > DTLS_MAX_PACKET_BYTES) {
      throw new CommandFailure(
        `with --dtls a packet holds at most ${count(DTLS_MAX_PACKET_BYTES)} bytes (one DTLS record); <value> is ${count(size)}`,
      );
    }

    const target = hostPort(host, port);
    let channel: Channel;
    const print = (text: string, record: { [key: string]: Json }): void => {
      context.stdout.write((json ? JSON.stringify(record) : text) + "\n");
    };
    if (enet !== null) {
      let failed = false;
      const opened = await enetChannel(host, port, enet, dtls, context.signal, print, (message) => {
        failed = true;
        context.stderr.write(message);
      });
      if (opened === null) {
        if (failed) return EXIT_FAILURE;
        context.stderr.write(`godot-udp send: interrupted while connecting to ${target}: nothing sent\n`);
        return 0;
      }
      channel = opened;
    } else if (dtls === null) {
      const peer = new PacketPeerUDP();
      const destination = await peer.setDestAddressAsync(host, port);
      if (destination !== GodotError.OK) {
        const why = destination === GodotError.ERR_CANT_RESOLVE ? "cannot resolve the host" : errorName(destination);
        context.stderr.write(`godot-udp send: cannot send to ${target}: ${why}\n`);
        peer.close();
        return EXIT_FAILURE;
      }
      channel = udpChannel(peer);
    } else {
      let failed = false;
      const opened = await dtlsChannel(
        host,
        port,
        dtls,
        size,
        context.signal,
        print,
        (message) => {
          failed = true;
          context.stderr.write(message);
        },
      );
      if (opened === null) {
        if (failed) return EXIT_FAILURE;
        // Ctrl-C during the handshake: it ends as Ctrl-C ends any command, with code 0.
        context.stderr.write(`godot-udp send: interrupted during the DTLS handshake with ${target}: nothing sent\n`);
        return 0;
      }
      channel = opened;
    }

    const status = new StatusLine(context.stderr);
    const view = new PacketView(context.stdout, status, { json, hex: false, exact: false, allowObjects: false });
    let replies = 0;
    let replyTask: Promise<void> | null = null;
    let wakeReplyWaiter: (() => void) | null = null;
    const collectReplies = async (): Promise<void> => {
      for await (const packet of channel.replies()) {
        replies++;
        view.show(packet, "reply");
        wakeReplyWaiter?.();
      }
    };

    const start = process.hrtime.bigint();
    let sent = 0;
    let failure: GodotError = GodotError.OK;
    while ((repeat === 0 || sent < repeat) && !context.signal.aborted) {
      const code = channel.put(value, payload);
      if (code !== GodotError.OK) {
        failure = code;
        break;
      }
      sent++;
      if (wantReply && replyTask === null) replyTask = collectReplies();
      if (status.enabled && (repeat === 0 || repeat > 1)) {
        status.update(`  sent ${count(sent)}${repeat === 0 ? "" : ` of ${count(repeat)}`} to ${target}  (Ctrl-C to stop)`);
      }
      const more = repeat === 0 || sent < repeat;
      if (more && interval > 0) {
        try {
          await sleep(interval, undefined, { signal: context.signal });
        } catch {
          break; // interrupted
        }
      } else if (more && sent % SENDS_PER_YIELD === 0) {
        await yieldToLoop();
      }
    }
    const seconds = secondsSince(start);
    status.clear();

    if (failure !== GodotError.OK) {
      context.stderr.write(`godot-udp send: sending to ${target} failed after ${sent} packets: ${channel.explain(failure)}\n`);
    }
    if (sent === 0) {
      // Nothing went out: the error above says why.
    } else if (json) {
      const record: { [key: string]: Json } = { event: "sent", to: target, text: description, size };
      if (dtls !== null) record.dtls = true;
      if (enet !== null) Object.assign(record, { enet: true, channel: enet.channel, flags: enet.flags });
      context.stdout.write(JSON.stringify(record) + "\n");
    } else if (sent === 1 && repeat === 1) {
      context.stdout.write(`sent ${description} (${bytes(size)}) to ${target}${over}\n`);
    } else {
      context.stdout.write(`sent ${description} (${bytes(size)}) to ${target}${over}, ${count(sent)} times\n`);
    }

    if (wantReply && replyTask !== null && !context.signal.aborted) {
      // Wait for one reply per packet sent, the timeout, or Ctrl-C, whichever comes first.
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          context.signal.removeEventListener("abort", done);
          wakeReplyWaiter = null;
          resolve();
        };
        const timer = setTimeout(done, timeout);
        context.signal.addEventListener("abort", done, { once: true });
        wakeReplyWaiter = () => {
          if (replies >= sent) done();
        };
        wakeReplyWaiter();
      });
    }
    await channel.close();
    await replyTask;

    const traffic = { verb: "sent", ...channel.sent(), seconds };
    if (sent > 1 || repeat !== 1) context.stdout.write(json ? summaryJson(traffic) : summaryText(traffic));
    if (failure !== GodotError.OK) return EXIT_FAILURE;
    if (wantReply && replies === 0) {
      context.stderr.write(`godot-udp send: no reply from ${target} within ${timeout} ms\n`);
      return EXIT_FAILURE;
    }
    return 0;
  },
};

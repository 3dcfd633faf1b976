/** `godot-udp send`: send one value (or raw text) to a host and port, optionally repeated. */
import { setImmediate as yieldToLoop, setTimeout as sleep } from "node:timers/promises";
import {
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
import { EXIT_FAILURE, type Command } from "./command.js";
import { bytes, count, hostPort, secondsSince } from "./format.js";
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
  -h, --help         show this help

Examples:
  godot-udp send 127.0.0.1 4242 '{"hp": 10, "pos": Vector2(3, 4)}'
  godot-udp send 127.0.0.1 4242 'Vector2(1, 2)' --repeat 100 --interval 10
  godot-udp send 127.0.0.1 4242 '"ping"' --reply
`;

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

    const peer = new PacketPeerUDP();
    const target = hostPort(host, port);
    const destination = await peer.setDestAddressAsync(host, port);
    if (destination !== GodotError.OK) {
      const why = destination === GodotError.ERR_CANT_RESOLVE ? "cannot resolve the host" : errorName(destination);
      context.stderr.write(`godot-udp send: cannot send to ${target}: ${why}\n`);
      peer.close();
      return EXIT_FAILURE;
    }

    const status = new StatusLine(context.stderr);
    const view = new PacketView(context.stdout, status, { json, hex: false, exact: false, allowObjects: false });
    let replies = 0;
    let replyTask: Promise<void> | null = null;
    let wakeReplyWaiter: (() => void) | null = null;
    const collectReplies = async (): Promise<void> => {
      for await (const packet of peer as AsyncIterable<UDPPacket>) {
        replies++;
        view.show(packet, "reply");
        wakeReplyWaiter?.();
      }
    };

    const start = process.hrtime.bigint();
    let sent = 0;
    let failure: GodotError = GodotError.OK;
    while ((repeat === 0 || sent < repeat) && !context.signal.aborted) {
      const code = payload === null ? peer.putVar(value) : peer.putPacket(payload);
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
      context.stderr.write(`godot-udp send: sending to ${target} failed after ${sent} packets: ${errorName(failure)}\n`);
    }
    if (sent === 0) {
      // Nothing went out: the error above says why.
    } else if (json) {
      context.stdout.write(JSON.stringify({ event: "sent", to: target, text: description, size }) + "\n");
    } else if (sent === 1 && repeat === 1) {
      context.stdout.write(`sent ${description} (${bytes(size)}) to ${target}\n`);
    } else {
      context.stdout.write(`sent ${description} (${bytes(size)}) to ${target}, ${count(sent)} times\n`);
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
    const stats = peer.stats();
    peer.close();
    await replyTask;

    const traffic = { verb: "sent", packets: stats.packetsSent, bytes: stats.bytesSent, seconds };
    if (sent > 1 || repeat !== 1) context.stdout.write(json ? summaryJson(traffic) : summaryText(traffic));
    if (failure !== GodotError.OK) return EXIT_FAILURE;
    if (wantReply && replies === 0) {
      context.stderr.write(`godot-udp send: no reply from ${target} within ${timeout} ms\n`);
      return EXIT_FAILURE;
    }
    return 0;
  },
};

/**
 * `godot-udp bench`: a quick loopback throughput check of this machine. A sender and a receiver
 * in this process exchange packets over 127.0.0.1 for a few seconds, through the same public API
 * a program uses (`putPackets` batches, `'packet'` events); the result is packets per second and
 * the process's CPU time per packet (process.cpuUsage).
 */
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { GodotError, PacketPeerUDP, errorName } from "./api.js";
import { expectPositionals, flag, parseCommandArgs, parseInteger, parseNumber, stringOption } from "./args.js";
import { EXIT_FAILURE, type Command } from "./command.js";
import { bytes, count, duration, perSecond, secondsSince } from "./format.js";
import { StatusLine } from "./status-line.js";

const USAGE = `Usage: godot-udp bench [options]

A quick throughput check of this machine: a sender and a receiver in this process send packets
to each other over loopback (127.0.0.1) for a few seconds, using godot-udp's own API, then print
packets per second, drops, and the CPU time spent per packet. Nothing leaves the machine. For
careful measurements use the project's bench/ suite.

Options:
  --size <bytes>     payload size of each packet (default 64; 1 to 65507)
  --seconds <s>      how long to send (default 3; Ctrl-C stops earlier, and the result
                     says it was interrupted)
  --json             print the result as one JSON object
  -h, --help         show this help
`;

const BATCH = 64;
const RECEIVE_QUEUE_BYTES = 16 * 1024 * 1024;
/** After the last send, how long in-flight packets get to arrive. */
const SETTLE_MS = 250;

export const bench: Command = {
  name: "bench",
  summary: "measure loopback throughput (packets per second, CPU per packet)",
  usage: USAGE,
  async run(argv, context) {
    const { values, positionals } = parseCommandArgs(argv, {
      size: { type: "string" },
      seconds: { type: "string" },
      json: { type: "boolean" },
    });
    if (flag(values, "help")) {
      context.stdout.write(USAGE);
      return 0;
    }
    expectPositionals(positionals, []);
    const sizeText = stringOption(values, "size");
    const size = sizeText === undefined ? 64 : parseInteger(sizeText, "--size", 1, 65507);
    const secondsText = stringOption(values, "seconds");
    const seconds = secondsText === undefined ? 3 : parseNumber(secondsText, "--seconds", 0.05, 3600);
    const json = flag(values, "json");

    const receiver = new PacketPeerUDP();
    const bound = receiver.bind(0, "127.0.0.1", RECEIVE_QUEUE_BYTES);
    if (bound !== GodotError.OK) {
      context.stderr.write(`godot-udp bench: cannot bind a loopback socket: ${errorName(bound)}\n`);
      return EXIT_FAILURE;
    }
    const sender = new PacketPeerUDP();
    const aimed = sender.setDestAddress("127.0.0.1", receiver.getLocalPort());
    if (aimed !== GodotError.OK) {
      receiver.close();
      context.stderr.write(`godot-udp bench: cannot address the receiver: ${errorName(aimed)}\n`);
      return EXIT_FAILURE;
    }
    if (!json) {
      context.stdout.write(
        `bench: ${size}-byte packets over loopback for up to ${duration(seconds)} (sender and receiver in this process)\n`,
      );
    }

    let received = 0;
    let receivedBytes = 0;
    receiver.on("packet", (data) => {
      received++;
      receivedBytes += data.length;
    });
    const batch = new Array<Uint8Array>(BATCH).fill(Buffer.alloc(size, 0x2a));
    const status = new StatusLine(context.stderr);

    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const stopAt = start + BigInt(Math.round(seconds * 1e9));
    let sent = 0;
    let failure: GodotError = GodotError.OK;
    while (process.hrtime.bigint() < stopAt && !context.signal.aborted) {
      const code = sender.putPackets(batch);
      if (code !== GodotError.OK) {
        failure = code;
        break;
      }
      sent += BATCH;
      // Let the receiver's events run between batches, as a real program would.
      await yieldToLoop();
      status.update(
        `  ${duration(secondsSince(start))}  sent ${count(sent)}  received ${count(received)}  (Ctrl-C to stop)`,
      );
    }
    const sendSeconds = secondsSince(start);
    // Ctrl-C before the planned end: the figures cover the time actually spent sending.
    const interrupted = context.signal.aborted;
    const receivedWhileSending = received;
    // Give packets still in flight a moment to arrive.
    const settleUntil = Date.now() + SETTLE_MS;
    while (received + receiver.droppedPackets < sent && Date.now() < settleUntil && !context.signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const cpu = process.cpuUsage(cpuStart);
    const elapsed = secondsSince(start);
    status.clear();
    const queueDrops = receiver.droppedPackets;
    sender.close();
    receiver.close();
    if (failure !== GodotError.OK) {
      context.stderr.write(`godot-udp bench: sending failed: ${errorName(failure)}\n`);
      return EXIT_FAILURE;
    }

    // Inferred, in datagrams: the sender's GSO batches reach the receiver (UDP_GRO) as one
    // kernel buffer each, and the kernel's osDropped counts a dropped batch once.
    const osDrops = Math.max(0, sent - received - queueDrops);
    const cpuMicros = cpu.user + cpu.system;
    const perPacket = received > 0 ? cpuMicros / received : 0;
    const result = {
      event: "bench",
      size,
      seconds: Number(sendSeconds.toFixed(3)),
      plannedSeconds: seconds,
      interrupted,
      sent,
      received,
      sentPerSecond: Math.round(sent / sendSeconds),
      receivedPerSecond: Math.round(receivedWhileSending / sendSeconds),
      receivedBytesPerSecond: Math.round(receivedBytes / elapsed),
      droppedByQueue: queueDrops,
      droppedByOs: osDrops,
      cpuMicrosPerPacket: Number(perPacket.toFixed(3)),
      cpuUserMicros: cpu.user,
      cpuSystemMicros: cpu.system,
      cpuCoreShare: Number((cpuMicros / 1e6 / elapsed).toFixed(3)),
    };
    if (json) {
      context.stdout.write(JSON.stringify(result) + "\n");
      return 0;
    }
    const lost = queueDrops + osDrops;
    const lines = [
      interrupted
        ? `  time      ${duration(sendSeconds)} of sending: interrupted (Ctrl-C) before the planned ${duration(seconds)}`
        : `  time      ${duration(sendSeconds)} of sending`,
      `  sent      ${count(sent).padStart(12)} packets  ${perSecond(sent, sendSeconds, "pkt").padStart(14)}  ${bytes(
        (sent * size) / sendSeconds,
      )}/s`,
      `  received  ${count(received).padStart(12)} packets  ${perSecond(receivedWhileSending, sendSeconds, "pkt").padStart(14)}  ${bytes(
        receivedBytes / elapsed,
      )}/s`,
      `  dropped   ${count(lost).padStart(12)} packets  (${sent > 0 ? ((lost / sent) * 100).toFixed(2) : "0.00"}%: ${count(
        queueDrops,
      )} by the receive queue, ${count(osDrops)} by the OS)`,
      `  cpu       ${perPacket.toFixed(2)} µs per packet received (user ${(cpu.user / Math.max(received, 1)).toFixed(
        2,
      )}, system ${(cpu.system / Math.max(received, 1)).toFixed(2)}), ${Math.round(
        (cpuMicros / 1e6 / elapsed) * 100,
      )}% of one core`,
    ];
    context.stdout.write(lines.join("\n") + "\n");
    return 0;
  },
};

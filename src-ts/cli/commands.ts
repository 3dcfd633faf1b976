/** The `godot-udp` command: picks the subcommand, wires Ctrl-C, maps outcomes to exit codes. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EXIT_USAGE, UsageError } from "./args.js";
import { CommandFailure, EXIT_FAILURE, type Command, type CommandContext } from "./command.js";
import { bench } from "./bench.js";
import { echo } from "./echo.js";
import { listen } from "./listen.js";
import { send } from "./send.js";

export const COMMANDS: readonly Command[] = [listen, send, echo, bench];

/** Exit code after a second Ctrl-C (128 + SIGINT), when a command does not stop in time. */
const EXIT_INTERRUPTED = 130;

function topUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: godot-udp <command> [options]

Talk to Godot games over UDP from a terminal: values are Godot Variants, written in Godot's own
text form (Vector2(1, 2), {"hp": 10}, ...), sent and received as PacketPeerUDP's put_var/get_var.

Commands:
${lines.join("\n")}

Run "godot-udp <command> --help" for a command's options.
Options: -h, --help (this help), -v, --version
`;
}

function version(): string {
  try {
    // dist/cli/commands.js -> package.json two levels up (also right for src-ts/cli under tsx).
    const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Runs `godot-udp` with these arguments; resolves to the exit code. */
export async function runCli(argv: string[], streams: Pick<CommandContext, "stdout" | "stderr">): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    streams.stderr.write(topUsage());
    return EXIT_USAGE;
  }
  if (name === "-h" || name === "--help" || name === "help") {
    const [topicName] = rest;
    if (topicName === undefined) {
      streams.stdout.write(topUsage());
      return 0;
    }
    const topic = COMMANDS.find((c) => c.name === topicName);
    if (topic === undefined) {
      streams.stderr.write(`godot-udp: no help for ${JSON.stringify(topicName)}: not a command\n\n${topUsage()}`);
      return EXIT_USAGE;
    }
    streams.stdout.write(topic.usage);
    return 0;
  }
  if (name === "-v" || name === "--version") {
    streams.stdout.write(`godot-udp ${version()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    streams.stderr.write(`godot-udp: unknown command ${JSON.stringify(name)}\n\n${topUsage()}`);
    return EXIT_USAGE;
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT_INTERRUPTED);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await command.run(rest, { ...streams, signal: controller.signal });
  } catch (err) {
    if (err instanceof UsageError) {
      streams.stderr.write(`godot-udp ${command.name}: ${err.message}\n\n${command.usage}`);
      return EXIT_USAGE;
    }
    if (err instanceof CommandFailure) {
      streams.stderr.write(`godot-udp ${command.name}: ${err.message}\n`);
      return EXIT_FAILURE;
    }
    throw err;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

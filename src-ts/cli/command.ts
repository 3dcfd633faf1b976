/** What every `godot-udp` subcommand provides, and what it is given to run. */

/** Where a command writes and how it learns it should stop. */
export interface CommandContext {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Aborted on SIGINT / SIGTERM: the command closes its sockets, prints its summary and returns. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** One line for `godot-udp --help`. */
  summary: string;
  /** The full `--help` text of the command. */
  usage: string;
  /** Runs the command; resolves to the process exit code. Throws `UsageError` for wrong arguments. */
  run(argv: string[], context: CommandContext): Promise<number>;
}

/** Exit code of a command that ran but failed (port in use, nothing answered ...). */
export const EXIT_FAILURE = 1;

/**
 * The command ran but cannot go on (a file it needs is missing ...): `godot-udp <command>:
 * <message>` goes to stderr and the exit code is `EXIT_FAILURE`, without the usage.
 */
export class CommandFailure extends Error {
  override readonly name = "CommandFailure";
}

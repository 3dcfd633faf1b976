/**
 * Argument parsing shared by the commands: node:util `parseArgs` in strict mode, with every
 * mistake turned into a `UsageError` (the command prints its usage and exits with code 2).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Exit code for wrong arguments (the convention of most Unix tools). */
export const EXIT_USAGE = 2;

/** The user gave wrong arguments: `message` says which; the command's usage follows it. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parsed options (strings or booleans) and positionals. */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** `parseArgs` with `--help`/`-h` on every command and errors as `UsageError`. */
export function parseCommandArgs(argv: string[], options: Options): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs["values"], positionals };
  } catch (err) {
    if (err instanceof Error && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS")) {
      throw new UsageError(err.message);
    }
    throw err;
  }
}

/** Exactly `names.length` positionals, named for the message when some are missing or extra. */
export function expectPositionals(positionals: string[], names: string[]): string[] {
  if (positionals.length < names.length) {
    const missing = names.slice(positionals.length).map((n) => `<${n}>`);
    throw new UsageError(`missing ${missing.join(" ")}`);
  }
  if (positionals.length > names.length) {
    const extra = positionals.slice(names.length).map((p) => JSON.stringify(p));
    throw new UsageError(`unexpected argument${extra.length > 1 ? "s" : ""} ${extra.join(" ")}`);
  }
  return positionals;
}

/** A decimal integer in [min, max]; `what` names it in the message (`--count`, `<port>`). */
export function parseInteger(text: string, what: string, min: number, max: number): number {
  if (!/^[+-]?\d+$/.test(text.trim())) {
    throw new UsageError(`${what} must be an integer, got ${JSON.stringify(text)}`);
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${what} must be between ${min} and ${max}, got ${text}`);
  }
  return value;
}

/** A decimal number (fractions allowed) in [min, max]. */
export function parseNumber(text: string, what: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new UsageError(`${what} must be a number, got ${JSON.stringify(text)}`);
  }
  if (value < min || value > max) {
    throw new UsageError(`${what} must be between ${min} and ${max}, got ${text}`);
  }
  return value;
}

/** A port for binding: 0 (any free port) to 65535. */
export function parseBindPort(text: string): number {
  return parseInteger(text, "<port>", 0, 65535);
}

/** A destination port: 1 to 65535. */
export function parseDestinationPort(text: string): number {
  return parseInteger(text, "<port>", 1, 65535);
}

/** The string value of an option that parseArgs declared as `type: "string"`. */
export function stringOption(values: ParsedArgs["values"], name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

/** Whether a boolean option was given. */
export function flag(values: ParsedArgs["values"], name: string): boolean {
  return values[name] === true;
}

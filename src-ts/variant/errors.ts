import { GodotError, errorName } from "../errors.js";

/**
 * Decoding failed. `error` is the code Godot's `decode_variant` returns for the same bytes
 * (ERR_INVALID_DATA, ERR_FILE_EOF, ERR_UNAUTHORIZED, ERR_OUT_OF_MEMORY), `offset` the byte offset
 * in the input where the failing check looked.
 */
export class VariantDecodeError extends Error {
  readonly error: GodotError;
  readonly offset: number;

  constructor(error: GodotError, offset: number, detail: string) {
    super(`${errorName(error)} at byte ${offset}: ${detail}`);
    this.name = "VariantDecodeError";
    this.error = error;
    this.offset = offset;
  }
}

/** Where in the value being encoded a failure happened, built while the encoder unwinds. */
interface PathTracking {
  readonly detail: string;
  path: string;
  /** Path segments, innermost first (e.g. `[2]`, `.players`). */
  segments: string[];
}

/**
 * Encoding failed the way Godot's `encode_variant` can fail (ERR_OUT_OF_MEMORY for nesting deeper
 * than 1024 or a cycle, or a value over the caller's size limit; ERR_UNAVAILABLE for a script path
 * that is not `res://`), or a value that has the right JS type but cannot be represented
 * (ERR_PARAMETER_RANGE_ERROR: an int outside 64 bits, a Vector2i component outside 32 bits;
 * ERR_INVALID_PARAMETER: an object with no class name, an object without id sent as id).
 * `path` says where in the value, e.g. `$.players[2].pos`.
 */
export class VariantEncodeError extends Error implements PathTracking {
  readonly error: GodotError;
  readonly detail: string;
  path = "$";
  segments: string[] = [];

  constructor(error: GodotError, detail: string) {
    super(`${errorName(error)}: ${detail}`);
    this.name = "VariantEncodeError";
    this.error = error;
    this.detail = detail;
  }
}

/**
 * A JS value with no Variant form (a function, a symbol, a Date, a class instance the codec does not
 * know, a string where a Vector2 needs a number ...). A `TypeError`, as the project's API rule asks
 * for wrong argument types; `error` is ERR_INVALID_PARAMETER for callers that map it to a code.
 */
export class VariantTypeError extends TypeError implements PathTracking {
  readonly error = GodotError.ERR_INVALID_PARAMETER;
  readonly detail: string;
  path = "$";
  segments: string[] = [];

  constructor(detail: string) {
    super(detail);
    this.name = "VariantTypeError";
    this.detail = detail;
  }
}

/** Records one more enclosing path segment on an encoder error (no-op for other errors). */
export function addPathSegment(e: unknown, segment: string): void {
  if (e instanceof VariantEncodeError || e instanceof VariantTypeError) e.segments.push(segment);
}

/** Paths with more levels than this are shortened in messages (`path` keeps every level). */
const MESSAGE_PATH_LEVELS = 16;
/** How many of the outermost and of the innermost levels a shortened path shows. */
const MESSAGE_PATH_ENDS = 4;

/**
 * Turns the collected segments into `path` and a message naming it, once, at the top. A deep path
 * (a value 1025 levels down, a cycle) is named in the message by its first and last levels and
 * its depth, e.g. `$[0][0][0][0]…[0][0][0][0] (1025 levels deep)`.
 */
export function finishPath(e: unknown): void {
  if (!(e instanceof VariantEncodeError || e instanceof VariantTypeError)) return;
  const outermostFirst = e.segments.slice().reverse();
  const path = "$" + outermostFirst.join("");
  e.path = path;
  const levels = outermostFirst.length;
  const shown =
    levels <= MESSAGE_PATH_LEVELS
      ? path
      : `$${outermostFirst.slice(0, MESSAGE_PATH_ENDS).join("")}…${outermostFirst.slice(-MESSAGE_PATH_ENDS).join("")}` +
        ` (${levels} levels deep)`;
  e.message =
    e instanceof VariantEncodeError ? `${errorName(e.error)} at ${shown}: ${e.detail}` : `${shown}: ${e.detail}`;
}

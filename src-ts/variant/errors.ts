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

/** Turns the collected segments into `path` and a message naming it, once, at the top. */
export function finishPath(e: unknown): void {
  if (!(e instanceof VariantEncodeError || e instanceof VariantTypeError)) return;
  let path = "$";
  for (let i = e.segments.length - 1; i >= 0; i--) path += e.segments[i];
  e.path = path;
  e.message =
    e instanceof VariantEncodeError ? `${errorName(e.error)} at ${path}: ${e.detail}` : `${path}: ${e.detail}`;
}

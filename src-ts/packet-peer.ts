/**
 * Godot's abstract `PacketPeer`: the Variant half (`putVar`/`getVar`) written once over the raw
 * packet methods a subclass provides.
 */
import { EventEmitter } from "node:events";
import { GodotError } from "./errors.js";
import {
  bytesToVar,
  varToBytes,
  VariantDecodeError,
  VariantEncodeError,
  GODOT_VERSIONS,
  type DecodeOptions,
  type GodotVersion,
  type Variant,
} from "./variant/index.js";
import { checkBoolean, checkInteger } from "./validate.js";

/** Godot's default `encode_buffer_max_size`: 8 MiB. */
export const DEFAULT_ENCODE_BUFFER_MAX_SIZE = 8388608;
const MIN_ENCODE_BUFFER_MAX_SIZE = 1024;
const MAX_ENCODE_BUFFER_MAX_SIZE = 268435456;

/** Result of `getVarResult`: Godot's `get_var` with its error code kept. */
export interface VarResult {
  /** `OK`, the packet error (e.g. `ERR_UNAVAILABLE`: nothing queued), or the decode error. */
  error: GodotError;
  /** The decoded value; `null` whenever `error` is not `OK`. */
  value: Variant;
}

/** Decoding options for `getVar`: Godot's `allow_objects`, plus the codec's `lossless` mode. */
export type GetVarOptions = DecodeOptions;

/** The bytes of the next packet, without touching `getPacketError()`. */
export interface TakenPacket {
  error: GodotError;
  data: Uint8Array | null;
}

function nextPowerOfTwo(value: number): number {
  let size = 1;
  while (size < value) size *= 2;
  return size;
}

/**
 * Godot's `PacketPeer`. Subclasses provide the raw packet methods; this class adds Godot's
 * Variant transport on top: `putVar` sends exactly `varToBytes(value)` as one packet (no length
 * prefix), `getVar` decodes the next packet.
 */
export abstract class PacketPeer<
  Events extends Record<keyof Events, unknown[]> = Record<never, unknown[]>,
> extends EventEmitter<Events> {
  #encodeBufferMaxSize = DEFAULT_ENCODE_BUFFER_MAX_SIZE;
  #godotVersion: GodotVersion = "4.4";

  /** Sends one packet. An empty packet sends nothing and returns `OK` (as Godot). */
  abstract putPacket(data: Uint8Array): GodotError;
  /** Takes the next packet; empty on failure (then `getPacketError()` says why). */
  abstract getPacket(): Buffer;
  /** How many packets `getPacket` would return now (-1 when the peer cannot receive). */
  abstract getAvailablePacketCount(): number;
  /** The result of the last `getPacket()` call (`getVar` does not change it). */
  abstract getPacketError(): GodotError;

  /**
   * Takes the next packet for `getVar` without changing what `getPacketError()` reports.
   * @internal
   */
  protected abstract takePacketForVar(): TakenPacket;

  /**
   * Godot's `encode_buffer_max_size`: the largest encoding `putVar` sends. Values below 1024 or
   * above 268435456 are ignored (Godot prints an error); others are rounded up to a power of two.
   */
  get encodeBufferMaxSize(): number {
    return this.#encodeBufferMaxSize;
  }

  set encodeBufferMaxSize(value: number) {
    this.setEncodeBufferMaxSize(value);
  }

  /** Godot's `get_encode_buffer_max_size()`: the `encodeBufferMaxSize` property. */
  getEncodeBufferMaxSize(): number {
    return this.#encodeBufferMaxSize;
  }

  /**
   * Godot's `set_encode_buffer_max_size()`: sets the `encodeBufferMaxSize` property. Values below
   * 1024 or above 268435456 are ignored (Godot prints an error); others are rounded up to a power
   * of two. Not an integer: `TypeError`.
   */
  setEncodeBufferMaxSize(value: number): void {
    checkInteger(value, "encodeBufferMaxSize");
    if (value < MIN_ENCODE_BUFFER_MAX_SIZE || value > MAX_ENCODE_BUFFER_MAX_SIZE) return;
    this.#encodeBufferMaxSize = nextPowerOfTwo(value);
  }

  /**
   * The Godot version `putVar` writes for (an extension; default `"4.4"`, the newest format): set
   * `"4.0"` when the game runs Godot 4.0–4.2, `"4.3"` for Godot 4.3. Older games cannot read typed
   * containers, so for `"4.0"` typed Arrays and Dictionaries are sent untyped (and a
   * PackedVector4Array is refused with `ERR_INVALID_PARAMETER`), for `"4.3"` typed Dictionaries
   * are. Reading (`getVar`) understands every version's bytes. Any other value: `TypeError`.
   */
  get godotVersion(): GodotVersion {
    return this.#godotVersion;
  }

  set godotVersion(version: GodotVersion) {
    if (!GODOT_VERSIONS.includes(version)) {
      const shown = typeof version === "string" ? JSON.stringify(version) : String(version);
      throw new TypeError(`godotVersion must be "4.0", "4.3" or "4.4", got ${shown}`);
    }
    this.#godotVersion = version;
  }

  /**
   * Godot's `put_var`: encodes `value` (for `godotVersion`) and sends the bytes as one packet. An
   * encoding error is returned as its code; an encoding larger than `encodeBufferMaxSize` returns
   * `ERR_OUT_OF_MEMORY` and sends nothing.
   */
  putVar(value: Variant, fullObjects = false): GodotError {
    checkBoolean(fullObjects, "fullObjects");
    let bytes: Uint8Array;
    try {
      // The encoder stops at the limit (ERR_OUT_OF_MEMORY) instead of building an oversized buffer.
      bytes = varToBytes(value, {
        fullObjects,
        maxSize: this.#encodeBufferMaxSize,
        godotVersion: this.#godotVersion,
      });
    } catch (err) {
      // VariantTypeError (a JS value with no Variant form) is a TypeError and propagates.
      if (err instanceof VariantEncodeError) return err.error;
      throw err;
    }
    return this.putPacket(bytes);
  }

  /**
   * Godot's `get_var`: takes the next packet (consumed whatever happens) and decodes it. `null`
   * on any error (no packet, undecodable bytes); use `getVarResult` to learn which.
   */
  getVar(allowObjects: boolean | GetVarOptions = false): Variant {
    return this.getVarResult(allowObjects).value;
  }

  /** `getVar` with the error code: `{ error, value }` (value `null` unless error is `OK`). */
  getVarResult(allowObjects: boolean | GetVarOptions = false): VarResult {
    const options = normalizeGetVarOptions(allowObjects);
    const taken = this.takePacketForVar();
    if (taken.data === null) {
      return { error: taken.error === GodotError.OK ? GodotError.FAILED : taken.error, value: null };
    }
    try {
      return { error: GodotError.OK, value: bytesToVar(taken.data, options) };
    } catch (err) {
      if (err instanceof VariantDecodeError) return { error: err.error, value: null };
      throw err;
    }
  }
}

function normalizeGetVarOptions(allowObjects: boolean | GetVarOptions): DecodeOptions {
  if (typeof allowObjects === "boolean") return { allowObjects };
  if (typeof allowObjects !== "object" || allowObjects === null) {
    checkBoolean(allowObjects, "allowObjects");
  }
  const objects = allowObjects.allowObjects ?? false;
  const lossless = allowObjects.lossless ?? false;
  checkBoolean(objects, "options.allowObjects");
  checkBoolean(lossless, "options.lossless");
  return { allowObjects: objects, lossless };
}

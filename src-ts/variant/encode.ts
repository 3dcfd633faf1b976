import { GodotError } from "../errors.js";
import { VariantType } from "./variant-type.js";
import { VARIANT_TAG, type MaybeTagged } from "./tag.js";
import { ENCODED_OBJECT_AS_ID_CLASS, OBJECT_CLASS, type ContainerType } from "./container-type.js";
import { VariantEncodeError, VariantTypeError, addPathSegment, finishPath } from "./errors.js";
import { dictionaryKeys, dictionaryValues, type Dictionary } from "./dictionary.js";
import type { Variant } from "./types.js";

// value -> bytes, exactly as Godot's encode_variant (core/io/marshalls.cpp). Values are written
// straight into a shared slab (see SLAB_SIZE) through one DataView; nothing is allocated per value.

/**
 * The Godot version a value is written for (`EncodeOptions.godotVersion`), by what its decoder
 * reads: `"4.0"` for Godot 4.0–4.2 (no typed containers, no PackedVector4Array), `"4.3"` (typed
 * Arrays and PackedVector4Array, no typed Dictionaries), `"4.4"` for 4.4 and later (everything).
 */
export type GodotVersion = "4.0" | "4.3" | "4.4";

/** The versions `godotVersion` accepts, oldest first. */
export const GODOT_VERSIONS: readonly GodotVersion[] = ["4.0", "4.3", "4.4"];

/** Options of `varToBytes` beyond Godot's `full_objects` flag. */
export interface EncodeOptions {
  /** Send objects in full (`var_to_bytes_with_objects`) instead of as instance ids. */
  fullObjects?: boolean;
  /**
   * `"double"` writes math types as a double-precision (precision=double) Godot build does: 64-bit
   * flag and f64 components. Default `"float"`, what shipped games use. Every build reads both.
   */
  realT?: "float" | "double";
  /**
   * Fail with ERR_OUT_OF_MEMORY (`VariantEncodeError`) instead of producing more than this many
   * bytes; the encoder stops as soon as it would (PacketPeer's `encode_buffer_max_size`).
   */
  maxSize?: number;
  /**
   * The Godot version the bytes are for (default `"4.4"`, the newest format). Older games cannot
   * read typed containers: for `"4.0"` (Godot 4.0–4.2) typed Arrays and typed Dictionaries are
   * written untyped, for `"4.3"` typed Dictionaries are; their elements are still converted to the
   * container's types (an int in an `Array[float]` goes as a float). A PackedVector4Array (added in
   * 4.3) cannot be written for `"4.0"`: `VariantEncodeError` with `ERR_INVALID_PARAMETER`.
   */
  godotVersion?: GodotVersion;
}

const MAX_DEPTH = 1024;
const FLAG_64 = 1 << 16;
/**
 * Results are views into slabs of this size: each encode writes after the previous one and returns
 * `subarray(start, end)` (as Node's own Buffer pool does), so a call costs no allocation beyond
 * the view. A value that does not fit gets a slab of its own; bytes handed out are never rewritten.
 */
const SLAB_SIZE = 64 * 1024;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const NO_HINT = -1;
const hasOwn = Object.prototype.hasOwnProperty;

let buf: Buffer = Buffer.allocUnsafeSlow(SLAB_SIZE);
let dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
/** Where the value being encoded starts in `buf`, and the write position. */
let start = 0;
let pos = 0;
let limit = Infinity;
let fullObjects = false;
let realDouble = false;
/** The target's format: typed Arrays and PackedVector4Array from 4.3, typed Dictionaries from 4.4. */
let typedArrays = true;
let typedDictionaries = true;
let busy = false;

function newSlab(size: number): void {
  buf = Buffer.allocUnsafeSlow(size);
  dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

function tooLarge(): never {
  throw new VariantEncodeError(GodotError.ERR_OUT_OF_MEMORY, `encoded value is larger than maxSize (${limit} bytes)`);
}

/** Moves the value written so far into a slab with room for `need` more bytes. */
function grow(need: number): void {
  const used = pos - start;
  if (used > limit) tooLarge();
  const old = buf;
  const from = start;
  newSlab(Math.max(SLAB_SIZE, (used + need) * 2));
  old.copy(buf, 0, from, from + used);
  start = 0;
  pos = used;
}

/**
 * Room for at most `need` more bytes. Callers may ask for a little more than they write (a string's
 * worst case), so the size limit is only checked against what has been written.
 */
function ensure(need: number): void {
  if (pos + need > buf.length) grow(need);
}

/** Room for exactly `need` more bytes (a packed array's payload): over the limit fails at once. */
function ensureExact(need: number): void {
  if (pos - start + need > limit) tooLarge();
  ensure(need);
}

function u32(v: number): void {
  dv.setUint32(pos, v, true);
  pos += 4;
}

function typeError(detail: string): VariantTypeError {
  return new VariantTypeError(detail);
}

function describeVersion(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : describe(v);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object") return `a ${(v as object).constructor?.name ?? "null-prototype object"}`;
  return `a ${typeof v}`;
}

/** A real component (f32, or f64 for a double-precision peer). Capacity already ensured. */
function real(x: unknown): void {
  if (typeof x !== "number") throw typeError(`a real component must be a number, got ${describe(x)}`);
  if (realDouble) {
    dv.setFloat64(pos, x, true);
    pos += 8;
  } else {
    dv.setFloat32(pos, x, true);
    pos += 4;
  }
}

/** Always binary32 (Color components). */
function f32(x: unknown): void {
  if (typeof x !== "number") throw typeError(`a color component must be a number, got ${describe(x)}`);
  dv.setFloat32(pos, x, true);
  pos += 4;
}

function i32(x: unknown): void {
  if (((x as number) | 0) !== x) {
    if (typeof x !== "number") throw typeError(`an integer component must be a number, got ${describe(x)}`);
    throw new VariantEncodeError(GodotError.ERR_PARAMETER_RANGE_ERROR, `${x} is not a 32-bit integer`);
  }
  dv.setInt32(pos, x as number, true);
  pos += 4;
}

/** An unsigned 64-bit id (object ids, RIDs). Capacity already ensured. */
function u64(x: unknown, what: string): void {
  if (typeof x === "bigint") {
    if (x < 0n || x > 0xffffffffffffffffn) {
      throw new VariantEncodeError(GodotError.ERR_PARAMETER_RANGE_ERROR, `${what} ${x} is not an unsigned 64-bit integer`);
    }
    dv.setBigUint64(pos, x, true);
  } else if (typeof x === "number" && Number.isSafeInteger(x) && x >= 0) {
    dv.setUint32(pos, x >>> 0, true);
    dv.setUint32(pos + 4, Math.floor(x / 4294967296), true);
  } else if (typeof x === "number") {
    throw new VariantEncodeError(GodotError.ERR_PARAMETER_RANGE_ERROR, `${what} ${x} is not an unsigned 64-bit integer`);
  } else {
    throw typeError(`${what} must be a bigint, got ${describe(x)}`);
  }
  pos += 8;
}

function writeInt(n: number): void {
  ensure(12);
  if (n >= -2147483648 && n <= 2147483647) {
    u32(VariantType.INT);
    dv.setInt32(pos, n, true);
    pos += 4;
  } else {
    u32(VariantType.INT | FLAG_64);
    const hi = Math.floor(n / 4294967296);
    dv.setUint32(pos, n - hi * 4294967296, true);
    dv.setInt32(pos + 4, hi, true);
    pos += 8;
  }
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function writeBigInt(b: bigint): void {
  if (b >= -2147483648n && b <= 2147483647n) {
    ensure(8);
    u32(VariantType.INT);
    dv.setInt32(pos, Number(b), true);
    pos += 4;
    return;
  }
  if (b < INT64_MIN || b > INT64_MAX) {
    throw new VariantEncodeError(GodotError.ERR_PARAMETER_RANGE_ERROR, `${b} does not fit a Godot int (64-bit signed)`);
  }
  ensure(12);
  u32(VariantType.INT | FLAG_64);
  dv.setBigInt64(pos, b, true);
  pos += 8;
}

/** Godot's rule: binary32 when that converts back to the same value, else binary64 (NaN too). */
function writeFloat(f: number): void {
  ensure(12);
  if (Math.fround(f) === f) {
    u32(VariantType.FLOAT);
    dv.setFloat32(pos, f, true);
    pos += 4;
  } else {
    u32(VariantType.FLOAT | FLAG_64);
    dv.setFloat64(pos, f, true);
    pos += 8;
  }
}

/**
 * Writes the UTF-8 of `s` at `at` (capacity ensured by the caller) and returns its byte length.
 * Short ASCII strings (most keys) are copied char by char; anything else goes through Buffer.write,
 * which, like TextEncoder, turns lone surrogates into U+FFFD.
 */
function utf8At(s: string, at: number): number {
  const n = s.length;
  if (n <= 48) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[at + i] = c;
    }
    if (i === n) return n;
  }
  return buf.write(s, at, "utf8");
}

/** Room for a header, a length word, the UTF-8 of `s`, a NUL and padding. Exact for long strings. */
function ensureString(s: string): void {
  const n = s.length;
  ensure(n <= 4096 ? 12 + n * 3 : 12 + Buffer.byteLength(s, "utf8"));
}

/** Godot's string block: u32 byte length, UTF-8, zero padding to a multiple of 4. */
function stringBlock(s: string): void {
  ensureString(s);
  stringBlockInPlace(s);
}

/** A string block where ensureString(s) has made room. */
function stringBlockInPlace(s: string): void {
  const len = utf8At(s, pos + 4);
  dv.setUint32(pos, len, true);
  pos += 4 + len;
  while ((pos & 3) !== 0) buf[pos++] = 0;
}

function checkedString(s: unknown, what: string): string {
  if (typeof s !== "string") throw typeError(`${what} must be a string, got ${describe(s)}`);
  return s;
}

function writeStringValue(type: VariantType, s: string): void {
  ensureString(s);
  u32(type);
  stringBlockInPlace(s);
}

function containerKind(ct: ContainerType | null | undefined): number {
  if (ct === null || ct === undefined) return 0;
  switch (ct.kind) {
    case "builtin":
      if (!Number.isInteger(ct.type) || ct.type < 0 || ct.type > VariantType.PACKED_VECTOR4_ARRAY) {
        throw typeError(`container type ${String(ct.type)} is not a Variant type id`);
      }
      if (ct.type === VariantType.NIL) return 0;
      // Godot's Array[Object] carries the class name "Object": it is written as a class type.
      return ct.type === VariantType.OBJECT ? 2 : 1;
    case "class":
      // No class name: Godot writes such an object type as built-in type 24 (kind 1).
      return checkedString(ct.className, "a container class name") === "" ? 1 : 2;
    case "script":
      checkedString(ct.path, "a container script path");
      return fullObjects ? 3 : 2;
    default:
      throw typeError(`container type kind must be "builtin", "class" or "script"`);
  }
}

function containerBlock(ct: ContainerType | null | undefined): void {
  if (ct === null || ct === undefined) return;
  switch (ct.kind) {
    case "builtin":
      if (ct.type === VariantType.OBJECT) {
        stringBlock(fullObjects ? OBJECT_CLASS : ENCODED_OBJECT_AS_ID_CLASS);
      } else if (ct.type !== VariantType.NIL) {
        ensure(4);
        u32(ct.type);
      }
      return;
    case "class":
      if (ct.className === "") {
        ensure(4);
        u32(VariantType.OBJECT);
      } else {
        stringBlock(fullObjects ? ct.className : ENCODED_OBJECT_AS_ID_CLASS);
      }
      return;
    case "script":
      if (!fullObjects) {
        stringBlock(ENCODED_OBJECT_AS_ID_CLASS);
        return;
      }
      if (ct.path === "" || !ct.path.startsWith("res://")) {
        throw new VariantEncodeError(GodotError.ERR_UNAVAILABLE, `script container type needs a res:// path, got "${ct.path}"`);
      }
      stringBlock(ct.path);
      return;
  }
}

/** The element/key/value hint a typed container gives: the built-in type, or none. */
function hintOf(ct: ContainerType | null | undefined): number {
  return ct !== null && ct !== undefined && ct.kind === "builtin" ? ct.type : NO_HINT;
}

function encodeArrayElements(items: ArrayLike<unknown>, depth: number, hint: number): void {
  const n = items.length;
  ensure(4);
  u32(n);
  for (let i = 0; i < n; i++) {
    try {
      encodeValue(items[i], depth + 1, hint);
    } catch (e) {
      addPathSegment(e, `[${i}]`);
      throw e;
    }
  }
}

/**
 * A typed Array. Deep values recurse through encodeValue and the container's own function only
 * (two frames a level), so that Godot's 1025 levels fit in Node's default stack with room to spare.
 */
function encodeTypedArray(a: { elementType: ContainerType } & ArrayLike<unknown>, depth: number): void {
  const kind = containerKind(a.elementType);
  ensure(4);
  if (typedArrays) {
    u32(VariantType.ARRAY | (kind << 16));
    containerBlock(a.elementType);
  } else {
    u32(VariantType.ARRAY); // the target reads no element type (4.0–4.2)
  }
  const hint = hintOf(a.elementType);
  const n = a.length;
  ensure(4);
  u32(n);
  for (let i = 0; i < n; i++) {
    try {
      encodeValue(a[i], depth + 1, hint);
    } catch (e) {
      addPathSegment(e, `[${i}]`);
      throw e;
    }
  }
}

function keySegment(k: unknown): string {
  return typeof k === "string" && /^[A-Za-z_$][\w$]*$/.test(k) ? "." + k : `[${typeof k === "string" ? JSON.stringify(k) : String(k)}]`;
}

/** A Dictionary's header and container type blocks; returns the key and value hints. */
function dictionaryHeader(count: number, keyType: ContainerType | null | undefined, valueType: ContainerType | null | undefined): void {
  const keyKind = containerKind(keyType);
  const valueKind = containerKind(valueType);
  ensure(4);
  if (typedDictionaries) {
    u32(VariantType.DICTIONARY | (keyKind << 16) | (valueKind << 18));
    containerBlock(keyType);
    containerBlock(valueType);
  } else {
    u32(VariantType.DICTIONARY); // the target reads no key or value type (before 4.4)
  }
  ensure(4);
  u32(count);
}

/** A JS Map: an untyped Dictionary. Pairs are written inline (see encodeTypedArray). */
function encodeMap(map: ReadonlyMap<unknown, unknown>, depth: number): void {
  dictionaryHeader(map.size, null, null);
  for (const [k, v] of map) {
    try {
      encodeValue(k, depth + 1, NO_HINT);
      encodeValue(v, depth + 1, NO_HINT);
    } catch (e) {
      addPathSegment(e, keySegment(k));
      throw e;
    }
  }
}

function encodeDictionary(d: Dictionary, depth: number): void {
  const keys = dictionaryKeys(d);
  const values = dictionaryValues(d);
  dictionaryHeader(keys.length, d.keyType, d.valueType);
  const keyHint = hintOf(d.keyType);
  const valueHint = hintOf(d.valueType);
  for (let i = 0; i < keys.length; i++) {
    try {
      encodeValue(keys[i], depth + 1, keyHint);
      encodeValue(values[i], depth + 1, valueHint);
    } catch (e) {
      addPathSegment(e, keySegment(keys[i]));
      throw e;
    }
  }
}

/**
 * A plain object: an untyped Dictionary with String keys, own enumerable keys in their JS order.
 * (for-in with an own-property check is several times faster than Object.keys in V8; the count is
 * written once the keys have been walked.)
 */
function encodeRecord(o: Record<string, unknown>, depth: number): void {
  ensure(8);
  u32(VariantType.DICTIONARY);
  const countAt = pos - start; // relative: a grow moves the value to a new slab
  pos += 4;
  let n = 0;
  for (const k in o) {
    if (!hasOwn.call(o, k)) continue;
    if (depth >= MAX_DEPTH) tooDeep();
    n++;
    ensureString(k);
    u32(VariantType.STRING);
    stringBlockInPlace(k);
    try {
      const v = o[k];
      // 32-bit ints (counters, ids, hit points) written here save a call per field.
      if (typeof v === "number" && (v | 0) === v && (v !== 0 || 1 / v > 0)) {
        ensure(8);
        u32(VariantType.INT);
        dv.setInt32(pos, v, true);
        pos += 4;
      } else {
        encodeValue(v, depth + 1, NO_HINT);
      }
    } catch (e) {
      addPathSegment(e, keySegment(k));
      throw e;
    }
  }
  dv.setUint32(start + countAt, n, true);
}

function tooDeep(): never {
  throw new VariantEncodeError(GodotError.ERR_OUT_OF_MEMORY, `nesting deeper than ${MAX_DEPTH} levels (or a cycle)`);
}

function encodePackedNumbers(v: ArrayBufferView): void {
  let type: VariantType;
  let elementSize: number;
  if (v instanceof Uint8Array) {
    type = VariantType.PACKED_BYTE_ARRAY;
    elementSize = 1;
  } else if (v instanceof Int32Array) {
    type = VariantType.PACKED_INT32_ARRAY;
    elementSize = 4;
  } else if (v instanceof BigInt64Array) {
    type = VariantType.PACKED_INT64_ARRAY;
    elementSize = 8;
  } else if (v instanceof Float32Array) {
    type = VariantType.PACKED_FLOAT32_ARRAY;
    elementSize = 4;
  } else if (v instanceof Float64Array) {
    type = VariantType.PACKED_FLOAT64_ARRAY;
    elementSize = 8;
  } else {
    throw typeError(
      `${describe(v)} has no Variant form (packed arrays are Uint8Array, Int32Array, BigInt64Array, Float32Array, Float64Array)`,
    );
  }
  const count = v.byteLength / elementSize;
  ensureExact(8 + v.byteLength + ((4 - (v.byteLength & 3)) & 3));
  u32(type);
  u32(count);
  if (LITTLE_ENDIAN_HOST || elementSize === 1) {
    buf.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), pos);
    pos += v.byteLength;
  } else {
    const src = new DataView(v.buffer, v.byteOffset, v.byteLength);
    for (let off = 0; off < v.byteLength; off += elementSize) {
      if (type === VariantType.PACKED_INT32_ARRAY) dv.setInt32(pos + off, src.getInt32(off, false), true);
      else if (type === VariantType.PACKED_FLOAT32_ARRAY) dv.setFloat32(pos + off, src.getFloat32(off, false), true);
      else if (type === VariantType.PACKED_INT64_ARRAY) dv.setBigInt64(pos + off, src.getBigInt64(off, false), true);
      else dv.setFloat64(pos + off, src.getFloat64(off, false), true);
    }
    pos += v.byteLength;
  }
  while ((pos & 3) !== 0) buf[pos++] = 0;
}

type Obj = Record<string, never>;

function realHeader(type: VariantType): number {
  return realDouble ? type | FLAG_64 : type;
}

function encodeObject(
  properties: unknown,
  className: unknown,
  objectId: unknown,
  depth: number,
): void {
  if (!fullObjects) {
    if (objectId === null || objectId === undefined) {
      throw new VariantEncodeError(
        GodotError.ERR_INVALID_PARAMETER,
        "a GodotObject without objectId can only be sent with fullObjects",
      );
    }
    ensure(12);
    if (objectId === 0n || objectId === 0) {
      u32(VariantType.NIL);
      return;
    }
    u32(VariantType.OBJECT | FLAG_64);
    u64(objectId, "object id");
    return;
  }
  if (typeof className !== "string" || className === "") {
    throw new VariantEncodeError(GodotError.ERR_INVALID_PARAMETER, "a full object needs a non-empty className");
  }
  if (!Array.isArray(properties)) throw typeError("GodotObject.properties must be an array of [name, value] pairs");
  ensure(4);
  u32(VariantType.OBJECT);
  stringBlock(className);
  ensure(4);
  u32(properties.length);
  if (properties.length > 0 && depth >= MAX_DEPTH) tooDeep();
  for (let i = 0; i < properties.length; i++) {
    const pair: unknown = properties[i];
    if (!Array.isArray(pair) || typeof pair[0] !== "string") {
      throw typeError(`GodotObject.properties[${i}] must be a [name, value] pair`);
    }
    const name = pair[0];
    const value: unknown = pair[1];
    if (name === "script" && value !== null && value !== undefined) {
      if (typeof value !== "string" || !value.startsWith("res://")) {
        throw new VariantEncodeError(GodotError.ERR_UNAVAILABLE, `the script property must be a res:// path, got ${describe(value)}`);
      }
    }
    stringBlock(name);
    try {
      encodeValue(value, depth + 1, NO_HINT);
    } catch (e) {
      addPathSegment(e, `.properties${keySegment(name)}`);
      throw e;
    }
  }
}

function encodeTagged(v: Obj, tag: VariantType, depth: number): void {
  switch (tag) {
    case VariantType.FLOAT: {
      const f: unknown = v.value;
      if (typeof f !== "number") throw typeError(`Float.value must be a number, got ${describe(f)}`);
      writeFloat(f);
      return;
    }
    case VariantType.VECTOR2:
      ensure(20);
      u32(realHeader(tag));
      real(v.x);
      real(v.y);
      return;
    case VariantType.VECTOR2I:
      ensure(12);
      u32(tag);
      i32(v.x);
      i32(v.y);
      return;
    case VariantType.RECT2: {
      const p: Obj = v.position;
      const s: Obj = v.size;
      ensure(36);
      u32(realHeader(tag));
      real(p.x);
      real(p.y);
      real(s.x);
      real(s.y);
      return;
    }
    case VariantType.RECT2I: {
      const p: Obj = v.position;
      const s: Obj = v.size;
      ensure(20);
      u32(tag);
      i32(p.x);
      i32(p.y);
      i32(s.x);
      i32(s.y);
      return;
    }
    case VariantType.VECTOR3:
      ensure(28);
      u32(realHeader(tag));
      real(v.x);
      real(v.y);
      real(v.z);
      return;
    case VariantType.VECTOR3I:
      ensure(16);
      u32(tag);
      i32(v.x);
      i32(v.y);
      i32(v.z);
      return;
    case VariantType.TRANSFORM2D: {
      const x: Obj = v.x;
      const y: Obj = v.y;
      const o: Obj = v.origin;
      ensure(52);
      u32(realHeader(tag));
      real(x.x);
      real(x.y);
      real(y.x);
      real(y.y);
      real(o.x);
      real(o.y);
      return;
    }
    case VariantType.VECTOR4:
    case VariantType.QUATERNION:
      ensure(36);
      u32(realHeader(tag));
      real(v.x);
      real(v.y);
      real(v.z);
      real(v.w);
      return;
    case VariantType.VECTOR4I:
      ensure(20);
      u32(tag);
      i32(v.x);
      i32(v.y);
      i32(v.z);
      i32(v.w);
      return;
    case VariantType.PLANE: {
      const n: Obj = v.normal;
      ensure(36);
      u32(realHeader(tag));
      real(n.x);
      real(n.y);
      real(n.z);
      real(v.d);
      return;
    }
    case VariantType.AABB: {
      const p: Obj = v.position;
      const s: Obj = v.size;
      ensure(52);
      u32(realHeader(tag));
      real(p.x);
      real(p.y);
      real(p.z);
      real(s.x);
      real(s.y);
      real(s.z);
      return;
    }
    case VariantType.BASIS:
      ensure(76);
      u32(realHeader(tag));
      basisRows(v);
      return;
    case VariantType.TRANSFORM3D: {
      const o: Obj = v.origin;
      ensure(100);
      u32(realHeader(tag));
      basisRows(v.basis);
      real(o.x);
      real(o.y);
      real(o.z);
      return;
    }
    case VariantType.PROJECTION: {
      ensure(132);
      u32(realHeader(tag));
      for (const column of [v.x, v.y, v.z, v.w] as Obj[]) {
        real(column.x);
        real(column.y);
        real(column.z);
        real(column.w);
      }
      return;
    }
    case VariantType.COLOR:
      ensure(20);
      u32(tag);
      f32(v.r);
      f32(v.g);
      f32(v.b);
      f32(v.a);
      return;
    case VariantType.STRING_NAME:
      writeStringValue(tag, checkedString(v.value, "StringName.value"));
      return;
    case VariantType.NODE_PATH: {
      const names: unknown = v.names;
      const subnames: unknown = v.subnames;
      if (!Array.isArray(names) || !Array.isArray(subnames)) throw typeError("NodePath names and subnames must be arrays");
      ensure(16);
      u32(tag);
      u32((names.length | 0x80000000) >>> 0);
      u32(subnames.length);
      u32(v.absolute ? 1 : 0);
      for (const s of names) stringBlock(checkedString(s, "a NodePath name"));
      for (const s of subnames) stringBlock(checkedString(s, "a NodePath subname"));
      return;
    }
    case VariantType.RID:
      ensure(12);
      u32(tag);
      u64(v.id, "RID id");
      return;
    case VariantType.OBJECT:
      if (v.className === undefined) {
        // EncodedObjectAsID: always an id; 0 is the null object, which Godot writes as NIL.
        ensure(12);
        if (v.objectId === 0n || v.objectId === 0) {
          u32(VariantType.NIL);
          return;
        }
        u32(tag | FLAG_64);
        u64(v.objectId, "object id");
        return;
      }
      encodeObject(v.properties, v.className, v.objectId, depth);
      return;
    case VariantType.CALLABLE:
      ensure(4);
      u32(tag);
      return;
    case VariantType.SIGNAL:
      ensure(4);
      u32(tag);
      stringBlock(checkedString(v.name, "Signal.name"));
      ensure(8);
      u64(v.objectId, "Signal object id");
      return;
    case VariantType.DICTIONARY:
      encodeDictionary(v as unknown as Dictionary, depth);
      return;
    case VariantType.ARRAY:
      encodeTypedArray(v as unknown as { elementType: ContainerType } & unknown[], depth);
      return;
    case VariantType.PACKED_STRING_ARRAY: {
      const a = v as unknown as unknown[];
      ensure(8);
      u32(tag);
      u32(a.length);
      for (let i = 0; i < a.length; i++) {
        const s = a[i];
        if (typeof s !== "string") throw typeError(`PackedStringArray[${i}] must be a string, got ${describe(s)}`);
        // Godot counts and writes a trailing NUL for each element.
        ensureString(s);
        const len = utf8At(s, pos + 4);
        dv.setUint32(pos, len + 1, true);
        pos += 4 + len;
        buf[pos++] = 0;
        while ((pos & 3) !== 0) buf[pos++] = 0;
      }
      return;
    }
    case VariantType.PACKED_VECTOR2_ARRAY: {
      const a = v as unknown as Obj[];
      ensureExact(8 + a.length * (realDouble ? 16 : 8));
      u32(realHeader(tag));
      u32(a.length);
      for (const e of a) {
        real(e.x);
        real(e.y);
      }
      return;
    }
    case VariantType.PACKED_VECTOR3_ARRAY: {
      const a = v as unknown as Obj[];
      ensureExact(8 + a.length * (realDouble ? 24 : 12));
      u32(realHeader(tag));
      u32(a.length);
      for (const e of a) {
        real(e.x);
        real(e.y);
        real(e.z);
      }
      return;
    }
    case VariantType.PACKED_COLOR_ARRAY: {
      const a = v as unknown as Obj[];
      ensureExact(8 + a.length * 16);
      u32(tag);
      u32(a.length);
      for (const e of a) {
        f32(e.r);
        f32(e.g);
        f32(e.b);
        f32(e.a);
      }
      return;
    }
    case VariantType.PACKED_VECTOR4_ARRAY: {
      if (!typedArrays) {
        // Type 38 is past 4.0–4.2's VARIANT_MAX: such a game fails to decode the whole value.
        throw new VariantEncodeError(
          GodotError.ERR_INVALID_PARAMETER,
          'PackedVector4Array cannot be read by Godot 4.0–4.2 (it was added in 4.3); godotVersion is "4.0"',
        );
      }
      const a = v as unknown as Obj[];
      ensureExact(8 + a.length * (realDouble ? 32 : 16));
      u32(realHeader(tag));
      u32(a.length);
      for (const e of a) {
        real(e.x);
        real(e.y);
        real(e.z);
        real(e.w);
      }
      return;
    }
    default:
      throw typeError(`unknown variant tag ${String(tag)}`);
  }
}

/** Godot writes a Basis row by row; our fields are GDScript's columns. */
function basisRows(b: Obj): void {
  const x: Obj = b.x;
  const y: Obj = b.y;
  const z: Obj = b.z;
  real(x.x);
  real(y.x);
  real(z.x);
  real(x.y);
  real(y.y);
  real(z.y);
  real(x.z);
  real(y.z);
  real(z.z);
}

function encodeValue(v: unknown, depth: number, hint: number): void {
  if (depth > MAX_DEPTH) tooDeep();
  switch (typeof v) {
    case "number":
      // Safe integers are INT (-0 is not: only FLOAT keeps its sign); everything else is FLOAT.
      // A typed container's FLOAT element type makes every number a FLOAT.
      if (hint !== VariantType.FLOAT && Number.isSafeInteger(v) && !(v === 0 && 1 / v < 0)) writeInt(v);
      else writeFloat(v);
      return;
    case "string":
      writeStringValue(hint === VariantType.STRING_NAME ? VariantType.STRING_NAME : VariantType.STRING, v);
      return;
    case "boolean":
      ensure(8);
      u32(VariantType.BOOL);
      u32(v ? 1 : 0);
      return;
    case "object": {
      if (v === null) break;
      const tag = (v as MaybeTagged)[VARIANT_TAG];
      if (tag !== undefined) {
        // Array[String] holds Strings: Godot converts a StringName put into one.
        // Containers and full objects go straight to their function, not through encodeTagged (a
        // big frame): nesting costs two frames a level (see encodeTypedArray).
        if (tag === VariantType.DICTIONARY) {
          encodeDictionary(v as Dictionary, depth);
        } else if (tag === VariantType.ARRAY) {
          encodeTypedArray(v as { elementType: ContainerType } & unknown[], depth);
        } else if (tag === VariantType.OBJECT && (v as Obj).className !== undefined) {
          encodeObject((v as Obj).properties, (v as Obj).className, (v as Obj).objectId, depth);
        } else if (tag === VariantType.STRING_NAME && hint === VariantType.STRING) {
          writeStringValue(VariantType.STRING, checkedString((v as Obj).value, "StringName.value"));
        } else {
          encodeTagged(v as Obj, tag, depth);
        }
      } else if (Array.isArray(v)) {
        ensure(4);
        u32(VariantType.ARRAY);
        encodeArrayElements(v, depth, NO_HINT);
      } else if (ArrayBuffer.isView(v)) {
        encodePackedNumbers(v);
      } else if (v instanceof Map) {
        encodeMap(v, depth);
      } else {
        const proto: unknown = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) {
          throw typeError(`${describe(v)} has no Variant form (use a plain object, a Dictionary or a Godot value class)`);
        }
        encodeRecord(v as Record<string, unknown>, depth);
      }
      return;
    }
    case "bigint":
      if (hint === VariantType.FLOAT) writeFloat(Number(v));
      else writeBigInt(v);
      return;
    case "undefined":
      break;
    default:
      throw typeError(`${describe(v)} has no Variant form`);
  }
  ensure(4);
  u32(VariantType.NIL);
}

/**
 * Godot's `var_to_bytes` (or `var_to_bytes_with_objects` with `fullObjects`): the bytes Godot writes
 * for this value. Throws `VariantEncodeError` (with `.error`, a GodotError) where Godot's encoder
 * fails or a value is out of range, and `VariantTypeError` (a TypeError) for JS values with no
 * Variant form.
 */
export function varToBytes(value: Variant, options: boolean | EncodeOptions = false): Buffer {
  let full = false;
  let double = false;
  let maxSize = Infinity;
  let version: GodotVersion = "4.4";
  if (typeof options === "boolean") {
    full = options;
  } else if (typeof options === "object" && options !== null && !Array.isArray(options)) {
    if (options.fullObjects != null && typeof options.fullObjects !== "boolean") {
      throw new TypeError(`options.fullObjects must be a boolean, got ${describe(options.fullObjects)}`);
    }
    full = options.fullObjects === true;
    if (options.realT !== undefined && options.realT !== "float" && options.realT !== "double") {
      throw new TypeError(`realT must be "float" or "double", got ${String(options.realT)}`);
    }
    double = options.realT === "double";
    if (options.maxSize != null && (typeof options.maxSize !== "number" || Number.isNaN(options.maxSize))) {
      throw new TypeError(`options.maxSize must be a number of bytes, got ${describe(options.maxSize)}`);
    }
    maxSize = options.maxSize ?? Infinity;
    if (options.godotVersion !== undefined && !GODOT_VERSIONS.includes(options.godotVersion)) {
      throw new TypeError(`options.godotVersion must be "4.0", "4.3" or "4.4", got ${describeVersion(options.godotVersion)}`);
    }
    version = options.godotVersion ?? "4.4";
  } else if (options !== undefined && options !== null) {
    // (null is accepted as "no options", as it always was.)
    throw new TypeError(`options must be a boolean or an EncodeOptions object, got ${describe(options)}`);
  }
  // A getter on a plain object could call back into the encoder: give that call its own slab.
  const outer = busy ? { buf, dv, start, pos, limit, fullObjects, realDouble, typedArrays, typedDictionaries } : null;
  if (outer !== null) newSlab(SLAB_SIZE);
  busy = true;
  start = outer !== null ? 0 : (pos + 7) & ~7;
  if (start + 16 > buf.length) {
    newSlab(SLAB_SIZE);
    start = 0;
  }
  pos = start;
  limit = maxSize;
  fullObjects = full;
  realDouble = double;
  typedArrays = version !== "4.0";
  typedDictionaries = version === "4.4";
  try {
    encodeValue(value, 0, NO_HINT);
    if (pos - start > limit) tooLarge();
    const out = buf.subarray(start, pos);
    if (buf.length > SLAB_SIZE) {
      // A value that needed a slab of its own keeps it; the next call starts a normal one.
      newSlab(SLAB_SIZE);
      pos = 0;
    }
    return out;
  } catch (e) {
    pos = start;
    finishPath(e);
    if (e instanceof RangeError && !(e instanceof VariantTypeError) && /call stack/i.test(e.message)) {
      throw new VariantEncodeError(GodotError.ERR_OUT_OF_MEMORY, "value nested too deeply for the JS stack");
    }
    throw e;
  } finally {
    if (outer !== null) ({ buf, dv, start, pos, limit, fullObjects, realDouble, typedArrays, typedDictionaries } = outer);
    else busy = false;
  }
}

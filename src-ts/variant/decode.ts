import { GodotError } from "../errors.js";
import { VariantType, VARIANT_MAX } from "./variant-type.js";
import { ENCODED_OBJECT_AS_ID_CLASS, type ContainerType } from "./container-type.js";
import { VariantDecodeError } from "./errors.js";
import { Dictionary, dictionaryAppendNew } from "./dictionary.js";
import { keyIdentityCacheOff, keyIdentityCacheOn } from "./key-identity.js";
import {
  TypedArray,
  PackedStringArray,
  PackedVector2Array,
  PackedVector3Array,
  PackedColorArray,
  PackedVector4Array,
} from "./arrays.js";
import {
  AABB,
  Basis,
  Callable,
  Color,
  EncodedObjectAsID,
  Float,
  GodotObject,
  NodePath,
  Plane,
  Projection,
  Quaternion,
  RID,
  Rect2,
  Rect2i,
  Signal,
  StringName,
  Transform2D,
  Transform3D,
  Vector2,
  Vector2i,
  Vector3,
  Vector3i,
  Vector4,
  Vector4i,
  type Variant,
} from "./types.js";

// bytes -> value, exactly as Godot's decode_variant (core/io/marshalls.cpp), for bytes that come
// from the network: every length is checked against what is left before anything is read or
// allocated, nesting is limited as in Godot, full objects are refused unless allowed, and every
// failure is a VariantDecodeError carrying Godot's Error code. Each value consumes at least 4 bytes,
// so no count field can make the decoder loop longer than the input is long.

/** Options of `bytesToVar` / `decodeVariant`. */
export interface DecodeOptions {
  /** Accept full objects (`bytes_to_var_with_objects`); otherwise they fail with ERR_UNAUTHORIZED. */
  allowObjects?: boolean;
  /**
   * Return values that re-encode to exactly the same bytes for any buffer Godot produced: integral
   * FLOATs as `Float`, STRING_NAMEs as `StringName`. Without it they are plain numbers and strings.
   */
  lossless?: boolean;
}

/** A decoded value and the number of bytes Godot's decoder reports as used. */
export interface DecodeResult {
  value: Variant;
  consumed: number;
}

const MAX_DEPTH = 1024;
const FLAG_64 = 1 << 16;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

// The input is read through a Uint8Array and a DataView over its whole ArrayBuffer, at absolute
// offsets: creating a DataView costs more than decoding a small value, and packets that share an
// ArrayBuffer (a receive batch, Node's Buffer pool) reuse the same views.
const EMPTY_BUFFER = new ArrayBuffer(0);
/** ArrayBuffers larger than this are not kept referenced between calls. */
const MAX_CACHED_BUFFER = 1 << 20;
let viewedBuffer: ArrayBufferLike = EMPTY_BUFFER;
let src: Uint8Array<ArrayBufferLike> = new Uint8Array(EMPTY_BUFFER);
let dv: DataView<ArrayBufferLike> = new DataView(EMPTY_BUFFER);
/** The input's first byte, the read position and the input's end, as offsets into `src`. */
let base = 0;
let pos = 0;
let end = 0;
let allowObjects = false;
let lossless = false;
/** The wire type of the value decodeValue returned last (typed containers check it). */
let lastType: VariantType = VariantType.NIL;

function fail(error: GodotError, at: number, detail: string): never {
  throw new VariantDecodeError(error, at - base, detail);
}

/** Godot's `len < n` checks: fewer than n bytes left is ERR_INVALID_DATA. */
function need(n: number, what: string): void {
  if (end - pos < n) fail(GodotError.ERR_INVALID_DATA, pos, `${what} needs ${n} bytes, ${Math.max(end - pos, 0)} left`);
}

function u32(): number {
  const v = dv.getUint32(pos, true);
  pos += 4;
  return v;
}

function i32(): number {
  const v = dv.getInt32(pos, true);
  pos += 4;
  return v;
}

/** A signed 64-bit int: a number when it is a safe integer, else a bigint. */
function i64(): number | bigint {
  const lo = dv.getUint32(pos, true);
  const hi = dv.getInt32(pos + 4, true);
  // Exact whenever the result is safe (a rounded sum is never a safe integer).
  const n = hi * 4294967296 + lo;
  const v = Number.isSafeInteger(n) ? n : dv.getBigInt64(pos, true);
  pos += 8;
  return v;
}

function u64(): bigint {
  const v = dv.getBigUint64(pos, true);
  pos += 8;
  return v;
}

function f32(): number {
  const v = dv.getFloat32(pos, true);
  pos += 4;
  return v;
}

function f64(): number {
  const v = dv.getFloat64(pos, true);
  pos += 8;
  return v;
}

// Short ASCII strings (keys, names) repeat from packet to packet. They are looked up in a small
// cache by their bytes, compared a 32-bit word at a time (the padding after the text is always
// there to read; it is masked off, so equal text always lands in the same slot), instead of being
// validated and built every time.
const STRING_CACHE_SIZE = 4096;
const MAX_CACHED_WORDS = 8;
const cachedStrings: string[] = new Array<string>(STRING_CACHE_SIZE).fill("");
const cachedLengths = new Int32Array(STRING_CACHE_SIZE).fill(-1);
const cachedWords = new Int32Array(STRING_CACHE_SIZE * MAX_CACHED_WORDS);
/** The cache slot of the string text() returned last, or -1 when it did not come from the cache. */
let lastStringSlot = -1;
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string })
  .latin1Slice;

/**
 * The text of a string block's `n` bytes at `start` (its padding follows): BOM dropped, cut at the
 * first NUL, strict UTF-8.
 */
function text(start: number, n: number): string {
  const words = (n + 3) >> 2;
  lastStringSlot = -1;
  if (n === 0 || words > MAX_CACHED_WORDS) return n === 0 ? "" : nonAsciiText(start, start + n);
  const lastWord = start + 4 * (words - 1);
  const lastMask = (n & 3) === 0 ? -1 : (1 << (8 * (n & 3))) - 1;
  let hash = n;
  for (let at = start; at < lastWord; at += 4) hash = Math.imul(hash ^ dv.getInt32(at, true), 0x9e3779b1);
  hash = Math.imul(hash ^ (dv.getInt32(lastWord, true) & lastMask), 0x9e3779b1);
  const slot = (hash ^ (hash >>> 16)) & (STRING_CACHE_SIZE - 1);
  const base = slot * MAX_CACHED_WORDS;
  if (cachedLengths[slot] === n) {
    let w = 0;
    while (w < words - 1 && cachedWords[base + w] === dv.getInt32(start + 4 * w, true)) w++;
    if (w === words - 1 && cachedWords[base + w] === (dv.getInt32(lastWord, true) & lastMask)) {
      lastStringSlot = slot;
      return cachedStrings[slot] as string;
    }
  }
  const stop = start + n;
  for (let i = start; i < stop; i++) {
    const c = src[i] as number;
    // Anything but plain ASCII (a NUL, a BOM, multi-byte UTF-8) takes the general path, uncached.
    if (c === 0 || c >= 0x80) return nonAsciiText(start, stop);
  }
  let s: string;
  if (n <= 8) {
    s = "";
    for (let i = start; i < stop; i++) s += String.fromCharCode(src[i] as number);
  } else {
    s = latin1Slice.call(src, start, stop);
  }
  for (let w = 0; w < words - 1; w++) cachedWords[base + w] = dv.getInt32(start + 4 * w, true);
  cachedWords[base + words - 1] = dv.getInt32(lastWord, true) & lastMask;
  cachedLengths[slot] = n;
  cachedStrings[slot] = s;
  lastStringSlot = slot;
  return s;
}

function nonAsciiText(start: number, stop: number): string {
  const bytes = src.subarray(start, stop);
  const nul = bytes.indexOf(0);
  try {
    // TextDecoder drops a leading BOM (ignoreBOM is false), as Godot does.
    return fatalUtf8.decode(nul === -1 ? bytes : bytes.subarray(0, nul));
  } catch {
    return fail(GodotError.ERR_INVALID_DATA, start, "invalid UTF-8 in string");
  }
}

/** Godot's string block: i32 length, bytes, padding (required). */
function stringBlock(): string {
  need(4, "string length");
  const at = pos;
  const n = i32();
  const pad = (4 - (n & 3)) & 3;
  if (n < 0 || n + pad > end - pos) {
    fail(GodotError.ERR_FILE_EOF, at, `string of ${n} bytes (+${pad} padding) but ${end - pos} bytes left`);
  }
  const s = text(pos, n);
  pos += n + pad;
  return s;
}

function decodeContainerType(kind: number): ContainerType | null {
  switch (kind) {
    case 1: {
      need(4, "container element type");
      const at = pos;
      const type = i32();
      if (type < 0 || type >= VARIANT_MAX) fail(GodotError.ERR_INVALID_DATA, at, `container element type ${type} out of range`);
      if (type === VariantType.NIL) return null;
      if (type === VariantType.OBJECT) {
        // Godot's objects with no class name (what its text parser makes of `Array[Object]`).
        return { kind: "class", className: allowObjects ? "" : ENCODED_OBJECT_AS_ID_CLASS };
      }
      return { kind: "builtin", type };
    }
    case 2: {
      const className = stringBlock();
      if (!allowObjects) return { kind: "class", className: ENCODED_OBJECT_AS_ID_CLASS };
      // An empty class name leaves Godot with objects of no class name, which it writes as kind 1.
      return { kind: "class", className };
    }
    case 3: {
      const at = pos;
      const path = stringBlock();
      if (!allowObjects) return { kind: "class", className: ENCODED_OBJECT_AS_ID_CLASS };
      // Godot would load the script here; we keep the path as data and only check its form.
      if (path === "" || !path.startsWith("res://")) fail(GodotError.ERR_INVALID_DATA, at, `invalid script path "${path}"`);
      return { kind: "script", path };
    }
    default:
      return null;
  }
}

const DROP: unique symbol = Symbol("drop");

/**
 * What Godot's typed container does with a value of wire type `type` (ContainerTypeValidate):
 * keep it, convert it (int -> float through binary32, String <-> StringName), or refuse it, in which
 * case Godot prints an error and the element or pair is left out.
 * Elements of FLOAT and STRING_NAME containers come out as plain numbers and strings: the
 * container's type tells the encoder how to write them back.
 */
function fitElement(ct: ContainerType, value: Variant, type: VariantType): Variant | typeof DROP {
  if (ct.kind !== "builtin") {
    return type === VariantType.OBJECT || type === VariantType.NIL ? value : DROP;
  }
  const want = ct.type;
  if (want === type) {
    if (want === VariantType.FLOAT && value instanceof Float) return value.value;
    if (want === VariantType.STRING_NAME && value instanceof StringName) return value.value;
    return value;
  }
  if (want === VariantType.OBJECT && type === VariantType.NIL) return value;
  if (want === VariantType.STRING && type === VariantType.STRING_NAME) return String(value);
  if (want === VariantType.STRING_NAME && type === VariantType.STRING) return value;
  if (want === VariantType.FLOAT && type === VariantType.INT) return Math.fround(Number(value));
  return DROP;
}

/**
 * decodeValue for an element, key or value of a container, with the scalars game data is mostly
 * made of (String, 32-bit int and float, bool) decoded inline: a call saved per element. Nested
 * Dictionaries and Arrays go straight to their decoder, without decodeValue's large frame: a
 * level of nesting then costs two small frames, so Godot's 1025 levels decode within V8's default
 * stack on every architecture (arm64's frames are larger than x64's). The checks are decodeValue's
 * own; anything else goes to decodeValue.
 */
function decodeElement(depth: number): Variant {
  if (end - pos >= 8 && depth <= MAX_DEPTH) {
    const header = dv.getUint32(pos, true);
    switch (header) {
      case VariantType.STRING:
        pos += 4;
        lastType = VariantType.STRING;
        return stringBlock();
      case VariantType.INT: {
        const v = dv.getInt32(pos + 4, true);
        pos += 8;
        lastType = VariantType.INT;
        return v;
      }
      case VariantType.FLOAT: {
        if (lossless) break;
        const v = dv.getFloat32(pos + 4, true);
        pos += 8;
        lastType = VariantType.FLOAT;
        return v;
      }
      case VariantType.BOOL: {
        const v = dv.getUint32(pos + 4, true) !== 0;
        pos += 8;
        lastType = VariantType.BOOL;
        return v;
      }
      case VariantType.NIL:
        pos += 4;
        lastType = VariantType.NIL;
        return null;
      default:
        break;
    }
    const type = header & 0xff;
    if (type === VariantType.DICTIONARY) {
      pos += 4;
      const dict = decodeDictionary(header, depth);
      lastType = VariantType.DICTIONARY;
      return dict;
    }
    if (type === VariantType.ARRAY) {
      pos += 4;
      const array = decodeArray(header, depth);
      lastType = VariantType.ARRAY;
      return array;
    }
  }
  return decodeValue(depth);
}

// Duplicate keys are rare but must merge as in Godot. A key string from the string cache is
// stamped in its cache slot with the Dictionary being decoded: equal text shares a slot, so a key
// whose slot carries no stamp yet is certainly new and is appended without searching. Any other
// key (not from the cache, not a String) switches the Dictionary to the full lookup.
const slotStamps = new Int32Array(STRING_CACHE_SIZE);
let dictionaryStamp = 0;

function decodeDictionary(header: number, depth: number): Dictionary {
  const keyType = decodeContainerType((header >>> 16) & 3);
  const valueType = decodeContainerType((header >>> 18) & 3);
  need(4, "dictionary count");
  const count = u32() & 0x7fffffff;
  if (keyType !== null || valueType !== null) {
    // Typed: in this frame rather than a helper's, so that nesting costs no extra frame.
    const typed = new Dictionary(null, { keyType, valueType });
    for (let i = 0; i < count; i++) {
      let key = decodeElement(depth + 1);
      const keyWireType = lastType;
      let value = decodeElement(depth + 1);
      if (keyType !== null) {
        const fitted = fitElement(keyType, key, keyWireType);
        if (fitted === DROP) continue;
        key = fitted;
      }
      if (valueType !== null && valueType.kind === "builtin") {
        // Godot stores values unchecked; only unwrap what the value type writes back the same way.
        if (valueType.type === VariantType.FLOAT && value instanceof Float) value = value.value;
        else if (valueType.type === VariantType.STRING_NAME && value instanceof StringName) {
          value = value.value;
        }
      }
      typed.set(key, value);
    }
    return typed;
  }
  const dict = new Dictionary();
  const stamp = (dictionaryStamp = (dictionaryStamp + 1) | 0);
  let allStamped = true;
  for (let i = 0; i < count; i++) {
    const key = decodeElement(depth + 1);
    const slot = lastType === VariantType.STRING ? lastStringSlot : -1;
    const value = decodeElement(depth + 1);
    if (allStamped && slot >= 0 && slotStamps[slot] !== stamp) {
      slotStamps[slot] = stamp;
      dictionaryAppendNew(dict, key as string, value);
      continue;
    }
    if (slot < 0) allStamped = false;
    dict.set(key, value);
  }
  return dict;
}

function decodeArray(header: number, depth: number): Variant[] {
  const elementType = decodeContainerType((header >>> 16) & 3);
  need(4, "array count");
  const count = u32() & 0x7fffffff;
  if (elementType === null) {
    const out: Variant[] = [];
    for (let i = 0; i < count; i++) out.push(decodeElement(depth + 1));
    return out;
  }
  const out = new TypedArray(elementType);
  for (let i = 0; i < count; i++) {
    const element = decodeElement(depth + 1);
    const fitted = fitElement(elementType, element, lastType);
    if (fitted !== DROP) out.push(fitted);
  }
  return out;
}

function decodeObject(header: number, depth: number, at: number): Variant {
  if ((header & FLAG_64) !== 0) {
    need(8, "object id");
    const id = u64();
    return id === 0n ? null : new EncodedObjectAsID(id);
  }
  if (!allowObjects) fail(GodotError.ERR_UNAUTHORIZED, at, "full object refused (allowObjects is false)");
  const className = stringBlock();
  if (className === "") return null;
  need(4, "object property count");
  const count = i32();
  const obj = new GodotObject(className);
  for (let i = 0; i < count; i++) {
    const name = stringBlock();
    const valueAt = pos;
    const value = decodeValue(depth + 1);
    if (name === "script" && lastType !== VariantType.NIL) {
      // Godot loads the script from this path; we keep it as data after the same form checks.
      if (lastType !== VariantType.STRING) {
        fail(GodotError.ERR_INVALID_DATA, valueAt, "the script property of a full object must be a path String");
      }
      const path = value as string;
      if (path === "" || !path.startsWith("res://")) fail(GodotError.ERR_INVALID_DATA, valueAt, `invalid script path "${path}"`);
    }
    obj.properties.push([name, value]);
  }
  return obj;
}

/** A packed array's element count: negative, overflowing int32 bytes or beyond the data fails. */
function packedCount(elementSize: number, what: string): number {
  need(4, `${what} count`);
  const at = pos;
  const count = i32();
  if (count < 0 || count > Math.floor(2147483647 / elementSize) || count * elementSize > end - pos) {
    fail(GodotError.ERR_INVALID_DATA, at, `${what} of ${count} elements (${elementSize} bytes each) but ${end - pos} bytes left`);
  }
  return count;
}

/** Copies `count` little-endian elements into a fresh typed array (aligned, detached from input). */
function packedNumbers<T extends Int32Array | BigInt64Array | Float32Array | Float64Array>(
  make: (n: number) => T,
  count: number,
  elementSize: number,
): T {
  const out = make(count);
  const bytes = count * elementSize;
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer, out.byteOffset, bytes).set(src.subarray(pos, pos + bytes));
  } else {
    const view = new DataView(out.buffer, out.byteOffset, bytes);
    for (let off = 0; off < bytes; off += elementSize) {
      if (out instanceof Int32Array) view.setInt32(off, dv.getInt32(pos + off, true));
      else if (out instanceof Float32Array) view.setFloat32(off, dv.getFloat32(pos + off, true));
      else if (out instanceof BigInt64Array) view.setBigInt64(off, dv.getBigInt64(pos + off, true));
      else view.setFloat64(off, dv.getFloat64(pos + off, true));
    }
  }
  pos += bytes;
  return out;
}

function decodeValue(depth: number): Variant {
  if (depth > MAX_DEPTH) fail(GodotError.ERR_OUT_OF_MEMORY, pos, `nesting deeper than ${MAX_DEPTH} levels`);
  need(4, "header");
  const at = pos;
  const header = u32();
  const type = header & 0xff;
  if (type >= VARIANT_MAX) fail(GodotError.ERR_INVALID_DATA, at, `type id ${type} is not a Godot 4 type`);
  const wide = (header & FLAG_64) !== 0;
  const rs = wide ? 8 : 4;
  const real = wide ? f64 : f32;
  let value: Variant;
  switch (type) {
    case VariantType.NIL:
      value = null;
      break;
    case VariantType.BOOL:
      need(4, "bool");
      value = u32() !== 0;
      break;
    case VariantType.INT:
      if (wide) {
        need(8, "64-bit int");
        value = i64();
      } else {
        need(4, "int");
        value = i32();
      }
      break;
    case VariantType.FLOAT: {
      need(rs, "float");
      const f = real();
      value = lossless && Number.isSafeInteger(f) && !Object.is(f, -0) ? new Float(f) : f;
      break;
    }
    case VariantType.STRING:
      value = stringBlock();
      break;
    case VariantType.VECTOR2:
      need(rs * 2, "Vector2");
      value = new Vector2(real(), real());
      break;
    case VariantType.VECTOR2I:
      need(8, "Vector2i");
      value = new Vector2i(i32(), i32());
      break;
    case VariantType.RECT2:
      need(rs * 4, "Rect2");
      value = new Rect2(new Vector2(real(), real()), new Vector2(real(), real()));
      break;
    case VariantType.RECT2I:
      need(16, "Rect2i");
      value = new Rect2i(new Vector2i(i32(), i32()), new Vector2i(i32(), i32()));
      break;
    case VariantType.VECTOR3:
      need(rs * 3, "Vector3");
      value = new Vector3(real(), real(), real());
      break;
    case VariantType.VECTOR3I:
      need(12, "Vector3i");
      value = new Vector3i(i32(), i32(), i32());
      break;
    case VariantType.TRANSFORM2D:
      need(rs * 6, "Transform2D");
      value = new Transform2D(new Vector2(real(), real()), new Vector2(real(), real()), new Vector2(real(), real()));
      break;
    case VariantType.VECTOR4:
      need(rs * 4, "Vector4");
      value = new Vector4(real(), real(), real(), real());
      break;
    case VariantType.VECTOR4I:
      need(16, "Vector4i");
      value = new Vector4i(i32(), i32(), i32(), i32());
      break;
    case VariantType.PLANE:
      need(rs * 4, "Plane");
      value = new Plane(new Vector3(real(), real(), real()), real());
      break;
    case VariantType.QUATERNION:
      need(rs * 4, "Quaternion");
      value = new Quaternion(real(), real(), real(), real());
      break;
    case VariantType.AABB:
      need(rs * 6, "AABB");
      value = new AABB(new Vector3(real(), real(), real()), new Vector3(real(), real(), real()));
      break;
    case VariantType.BASIS:
      need(rs * 9, "Basis");
      value = readBasis(real);
      break;
    case VariantType.TRANSFORM3D: {
      need(rs * 12, "Transform3D");
      const basis = readBasis(real);
      value = new Transform3D(basis, new Vector3(real(), real(), real()));
      break;
    }
    case VariantType.PROJECTION:
      need(rs * 16, "Projection");
      value = new Projection(
        new Vector4(real(), real(), real(), real()),
        new Vector4(real(), real(), real(), real()),
        new Vector4(real(), real(), real(), real()),
        new Vector4(real(), real(), real(), real()),
      );
      break;
    case VariantType.COLOR:
      need(16, "Color");
      value = new Color(f32(), f32(), f32(), f32());
      break;
    case VariantType.STRING_NAME: {
      const s = stringBlock();
      value = lossless ? new StringName(s) : s;
      break;
    }
    case VariantType.NODE_PATH: {
      need(4, "NodePath");
      if ((dv.getUint32(pos, true) & 0x80000000) === 0) fail(GodotError.ERR_INVALID_DATA, pos, "NodePath in the obsolete format");
      need(12, "NodePath counts");
      const nameCount = u32() & 0x7fffffff;
      let subnameCount = u32();
      const flags = u32();
      // Obsolete separate property: one more sub-name. Counts are uint32 in Godot, sums wrap.
      if ((flags & 2) !== 0) subnameCount = (subnameCount + 1) >>> 0;
      const total = (nameCount + subnameCount) >>> 0;
      const names: string[] = [];
      const subnames: string[] = [];
      // Each name takes at least 4 bytes, so a huge count fails on the data before it costs time.
      for (let i = 0; i < total; i++) (i < nameCount ? names : subnames).push(stringBlock());
      value = new NodePath(names, subnames, (flags & 1) !== 0);
      break;
    }
    case VariantType.RID:
      need(8, "RID");
      value = new RID(u64());
      break;
    case VariantType.OBJECT:
      value = decodeObject(header, depth, at);
      break;
    case VariantType.CALLABLE:
      value = new Callable();
      break;
    case VariantType.SIGNAL: {
      const name = stringBlock();
      need(8, "Signal object id");
      value = new Signal(u64(), name);
      break;
    }
    case VariantType.DICTIONARY:
      value = decodeDictionary(header, depth);
      break;
    case VariantType.ARRAY:
      value = decodeArray(header, depth);
      break;
    case VariantType.PACKED_BYTE_ARRAY: {
      need(4, "PackedByteArray count");
      const countAt = pos;
      const count = i32();
      if (count < 0 || count > end - pos) {
        fail(GodotError.ERR_INVALID_DATA, countAt, `PackedByteArray of ${count} bytes but ${end - pos} bytes left`);
      }
      const bytes = Buffer.allocUnsafe(count);
      bytes.set(src.subarray(pos, pos + count));
      // Godot reports the padding as consumed even when the buffer ends before it.
      pos += count + ((4 - (count & 3)) & 3);
      value = bytes;
      break;
    }
    case VariantType.PACKED_INT32_ARRAY:
      value = packedNumbers((n) => new Int32Array(n), packedCount(4, "PackedInt32Array"), 4);
      break;
    case VariantType.PACKED_INT64_ARRAY:
      value = packedNumbers((n) => new BigInt64Array(n), packedCount(8, "PackedInt64Array"), 8);
      break;
    case VariantType.PACKED_FLOAT32_ARRAY:
      value = packedNumbers((n) => new Float32Array(n), packedCount(4, "PackedFloat32Array"), 4);
      break;
    case VariantType.PACKED_FLOAT64_ARRAY:
      value = packedNumbers((n) => new Float64Array(n), packedCount(8, "PackedFloat64Array"), 8);
      break;
    case VariantType.PACKED_STRING_ARRAY: {
      need(4, "PackedStringArray count");
      const count = i32(); // Godot reads it signed and does not check it: negative means empty
      const out = new PackedStringArray();
      for (let i = 0; i < count; i++) out.push(stringBlock());
      value = out;
      break;
    }
    case VariantType.PACKED_VECTOR2_ARRAY: {
      const count = packedCount(rs * 2, "PackedVector2Array");
      const out = new PackedVector2Array();
      for (let i = 0; i < count; i++) out.push(new Vector2(real(), real()));
      value = out;
      break;
    }
    case VariantType.PACKED_VECTOR3_ARRAY: {
      const count = packedCount(rs * 3, "PackedVector3Array");
      const out = new PackedVector3Array();
      for (let i = 0; i < count; i++) out.push(new Vector3(real(), real(), real()));
      value = out;
      break;
    }
    case VariantType.PACKED_COLOR_ARRAY: {
      const count = packedCount(16, "PackedColorArray");
      const out = new PackedColorArray();
      for (let i = 0; i < count; i++) out.push(new Color(f32(), f32(), f32(), f32()));
      value = out;
      break;
    }
    case VariantType.PACKED_VECTOR4_ARRAY: {
      const count = packedCount(rs * 4, "PackedVector4Array");
      const out = new PackedVector4Array();
      for (let i = 0; i < count; i++) out.push(new Vector4(real(), real(), real(), real()));
      value = out;
      break;
    }
    default:
      return fail(GodotError.ERR_BUG, at, `unhandled type ${type}`);
  }
  lastType = type;
  return value;
}

/** Rows on the wire (x.x, y.x, z.x, x.y ...), columns in the value. */
function readBasis(real: () => number): Basis {
  const xx = real();
  const yx = real();
  const zx = real();
  const xy = real();
  const yy = real();
  const zy = real();
  const xz = real();
  const yz = real();
  const zz = real();
  return new Basis(new Vector3(xx, xy, xz), new Vector3(yx, yy, yz), new Vector3(zx, zy, zz));
}

function attach(bytes: Uint8Array): void {
  const buffer = bytes.buffer;
  if (buffer !== viewedBuffer) {
    viewedBuffer = buffer;
    src = new Uint8Array(buffer);
    dv = new DataView(buffer);
  }
  base = bytes.byteOffset;
  pos = base;
  end = base + bytes.length;
}

function detach(): void {
  if (viewedBuffer.byteLength > MAX_CACHED_BUFFER) {
    viewedBuffer = EMPTY_BUFFER;
    src = new Uint8Array(EMPTY_BUFFER);
    dv = new DataView(EMPTY_BUFFER);
  }
}

function describeOption(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "string" ? `the string ${JSON.stringify(v)}` : typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

function optionalBoolean(v: unknown, name: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") throw new TypeError(`${name} must be a boolean, got ${describeOption(v)}`);
  return v;
}

/** The value; leaves the consumed byte count in `pos - base`. */
function decodeTop(bytes: Uint8Array, options: boolean | DecodeOptions | undefined): Variant {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("bytes must be a Uint8Array or Buffer");
  if (options === undefined || typeof options === "boolean") {
    allowObjects = options === true;
    lossless = false;
  } else if (typeof options === "object" && options !== null && !Array.isArray(options)) {
    allowObjects = optionalBoolean(options.allowObjects, "options.allowObjects");
    lossless = optionalBoolean(options.lossless, "options.lossless");
  } else {
    throw new TypeError(`options must be a boolean or a DecodeOptions object, got ${describeOption(options)}`);
  }
  attach(bytes);
  // Containers used as keys have their identity taken once (nothing changes them during the call):
  // without this each level of a deep key chain walked the whole chain below it again.
  keyIdentityCacheOn();
  try {
    return decodeValue(0);
  } catch (e) {
    if (e instanceof VariantDecodeError) throw e;
    // Nothing else should reach here; if anything does (the JS stack, say), it is still a decode error.
    const detail = e instanceof Error ? e.message : String(e);
    throw new VariantDecodeError(
      e instanceof RangeError && /call stack/i.test(detail) ? GodotError.ERR_OUT_OF_MEMORY : GodotError.ERR_INVALID_DATA,
      pos - base,
      `decoder failure: ${detail}`,
    );
  } finally {
    keyIdentityCacheOff();
    detach();
  }
}

/**
 * Decodes one value and reports how many bytes Godot's decoder would say it used (for tools that
 * read several values back to back). Throws VariantDecodeError on any malformed input.
 */
export function decodeVariant(bytes: Uint8Array, options?: boolean | DecodeOptions): DecodeResult {
  const value = decodeTop(bytes, options);
  return { value, consumed: pos - base };
}

/**
 * Godot's `bytes_to_var` (`allowObjects` false) / `bytes_to_var_with_objects` (true): the value in
 * `bytes`, ignoring anything after it. Throws VariantDecodeError (`.error`, `.offset`) where Godot's
 * decoder returns an error.
 */
export function bytesToVar(bytes: Uint8Array, allowObjects?: boolean | DecodeOptions): Variant {
  return decodeTop(bytes, allowObjects);
}

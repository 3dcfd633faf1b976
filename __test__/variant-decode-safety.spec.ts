// Decoder safety, beyond the vectors and the fuzz: huge count fields in small packets fail through
// the decoder's own checks (not through a caught RangeError from an attempted allocation), quickly
// and without growing memory; nesting is limited as Godot limits it on every nesting path (Array,
// typed Array, Dictionary key and value, Object property) and for the scalars the decoder reads
// inline; every error vector fails through an explicit check.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import {
  bytesToVar,
  decodeVariant,
  varToBytes,
  Dictionary,
  GodotObject,
  TypedArray,
  VariantDecodeError,
  VariantEncodeError,
  VariantType,
  type Variant,
} from "../src-ts/variant/index.js";
import { loadVectors } from "./variant-model.js";

/** The message the decoder gives an exception it did not raise itself (see decode.ts decodeTop). */
const MASKED = ": decoder failure: ";

const u32 = (n: number): string => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b.toString("hex");
};

function decodeError(bytes: Uint8Array, allowObjects = true): VariantDecodeError {
  try {
    decodeVariant(bytes, { allowObjects });
  } catch (e) {
    if (e instanceof VariantDecodeError) return e;
    throw e;
  }
  throw new Error("decoded");
}

// Header (and type block) of every value with a count field, the count follows.
const COUNTED: Array<[string, string]> = [
  ["Array", "1c000000"],
  ["typed Array[int]", "1c00010002000000"],
  ["Dictionary", "1b000000"],
  ["typed Dictionary[int, int]", "1b0005000200000002000000"],
  ["PackedByteArray", "1d000000"],
  ["PackedInt32Array", "1e000000"],
  ["PackedInt64Array", "1f000000"],
  ["PackedFloat32Array", "20000000"],
  ["PackedFloat64Array", "21000000"],
  ["PackedStringArray", "22000000"],
  ["PackedVector2Array", "23000000"],
  ["PackedVector2Array (64-bit)", "23000100"],
  ["PackedVector3Array", "24000000"],
  ["PackedColorArray", "25000000"],
  ["PackedVector4Array", "26000000"],
  ["PackedVector4Array (64-bit)", "26000100"],
  ["full Object property count", "180000000100000041000000"],
  ["NodePath name count", "16000000"],
];

function packet(prefix: string, count: number, size = 40): Buffer {
  const bytes = Buffer.alloc(size);
  const head = prefix === "16000000" ? prefix + u32((count | 0x80000000) >>> 0) + u32(0) + u32(0) : prefix + u32(count);
  Buffer.from(head, "hex").copy(bytes);
  return bytes;
}

for (const count of [0x7fffffff, 0x40000000, 0x10000000, 0x01000000]) {
  test(`a count of ${count} in a 40-byte packet fails by its own checks, fast, without allocating`, (t) => {
    for (const [what, prefix] of COUNTED) {
      const bytes = packet(prefix, count);
      const before = process.memoryUsage();
      const started = process.hrtime.bigint();
      const err = decodeError(bytes);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const after = process.memoryUsage();
      t.is(err.error, GodotError.ERR_INVALID_DATA, `${what}: ${err.message}`);
      t.false(err.message.includes(MASKED), `${what}: failed through a caught exception: ${err.message}`);
      // Generous for loaded CI machines; a decoder that walked 2^28..2^31 claimed elements would take seconds.
      t.true(ms < 500, `${what}: took ${ms} ms`);
      t.true(after.arrayBuffers - before.arrayBuffers < 1 << 20, `${what}: ArrayBuffers grew by ${after.arrayBuffers - before.arrayBuffers}`);
      t.true(after.heapUsed - before.heapUsed < 8 << 20, `${what}: heap grew by ${after.heapUsed - before.heapUsed}`);
    }
  });
}

test("a count of exactly 2^31 (bit 31 set): as Godot, containers ignore the bit, packed arrays refuse it", (t) => {
  // Array / Dictionary counts: bit 31 is the old "shared" flag, count 0.
  t.deepEqual(decodeVariant(packet("1c000000", 0x80000000)).value, []);
  t.is((decodeVariant(packet("1b000000", 0x80000000)).value as Dictionary).size, 0);
  // PackedStringArray: read signed, unchecked; negative means empty.
  t.deepEqual([...(decodeVariant(packet("22000000", 0x80000000)).value as string[])], []);
  for (const prefix of ["1d000000", "1e000000", "1f000000", "20000000", "21000000", "23000000", "24000000", "25000000", "26000000"]) {
    const err = decodeError(packet(prefix, 0x80000000));
    t.is(err.error, GodotError.ERR_INVALID_DATA, prefix);
    t.false(err.message.includes(MASKED), err.message);
  }
});

test("every vector of variant-decode-errors.json fails through an explicit check", (t) => {
  for (const v of loadVectors("variant-decode-errors.json")) {
    const err = decodeError(Buffer.from(v.bytes_hex, "hex"), v.flags.allow_objects);
    t.is(err.error as number, v.expected_error?.code ?? -1, v.name);
    t.false(err.message.includes(MASKED), `${v.name}: ${err.message}`);
  }
});

// ----------------------------------------------------------------------------------------------
// Nesting: the outermost value is at depth 0; a value at depth > 1024 is ERR_OUT_OF_MEMORY.

/** `levels` containers, each holding the next; `inner` (hex) is what the innermost one holds. */
type Wrap = { name: string; open: string; close: string; empty: string };
const WRAPS: Wrap[] = [
  { name: "Array", open: "1c00000001000000", close: "", empty: "1c00000000000000" },
  { name: "typed Array[Array]", open: "1c0001001c00000001000000", close: "", empty: "1c0001001c00000000000000" },
  { name: "Dictionary value", open: "1b0000000100000000000000", close: "", empty: "1b00000000000000" },
  { name: "Dictionary key", open: "1b00000001000000", close: "00000000", empty: "1b00000000000000" },
  { name: "Object property", open: "18000000010000004100000001000000010000007000000", close: "", empty: "" },
];
// The Object wrapper: class "A", 1 property named "p"; its empty form has 0 properties.
WRAPS[4] = {
  name: "Object property",
  open: "180000000100000041000000" + "01000000" + "0100000070000000",
  close: "",
  empty: "180000000100000041000000" + "00000000",
};

function nest(w: Wrap, levels: number, inner: string | null): Buffer {
  // `levels` wrappers; with inner === null the innermost wrapper is the empty form (levels total).
  const opens = inner === null ? levels - 1 : levels;
  const parts: string[] = [];
  for (let i = 0; i < opens; i++) parts.push(w.open);
  parts.push(inner ?? w.empty);
  for (let i = 0; i < opens; i++) parts.push(w.close);
  return Buffer.from(parts.join(""), "hex");
}

for (const w of WRAPS) {
  test(`nesting through ${w.name}: 1025 levels decode, 1026 are ERR_OUT_OF_MEMORY`, (t) => {
    t.notThrows(() => decodeVariant(nest(w, 1025, null), { allowObjects: true }));
    const err = decodeError(nest(w, 1026, null));
    t.is(err.error, GodotError.ERR_OUT_OF_MEMORY, err.message);
  });
}

// The scalars a container's elements are read inline (String, INT, FLOAT, BOOL, NIL) must meet the
// same limit: inside 1024 containers they are at depth 1024 (fine), inside 1025 at 1025 (refused).
const SCALARS: Array<[string, string]> = [
  ["NIL", "00000000"],
  ["BOOL", "0100000001000000"],
  ["INT", "0200000007000000"],
  ["FLOAT", "030000000000803f"],
  ["STRING", "0400000001000000" + "61000000"],
  ["Vector2", "050000000000803f0000803f"],
];
for (const [name, hex] of SCALARS) {
  test(`a ${name} at depth 1024 decodes, at depth 1025 it is ERR_OUT_OF_MEMORY (Array and Dictionary)`, (t) => {
    for (const lossless of [false, true]) {
      for (const w of [WRAPS[0], WRAPS[2], WRAPS[3]] as Wrap[]) {
        t.notThrows(() => decodeVariant(nest(w, 1024, hex), { lossless }), `${w.name}`);
        const err = t.throws(() => decodeVariant(nest(w, 1025, hex), { lossless }), { instanceOf: VariantDecodeError });
        t.is(err?.error, GodotError.ERR_OUT_OF_MEMORY, `${w.name} lossless=${lossless}: ${err?.message}`);
      }
    }
  });
}

const deepDictionary = (levels: number, asKey: boolean): Variant => {
  let v: Variant = new Dictionary();
  for (let i = 1; i < levels; i++) v = new Dictionary([asKey ? [v, null] : [null, v]]);
  return v;
};

// ----------------------------------------------------------------------------------------------
// Nesting in the encoder: the same limit (1025 levels encode, 1026 are ERR_OUT_OF_MEMORY), reached
// through the encoder's own depth check, never through an exhausted JS stack: the encoder spends
// two light frames a level, so 1025 levels fit with Node's default stack under ava and tsx (about
// 2500 to 3500 would, measured with the limit lifted).

const ARRAY_TYPE = { kind: "builtin", type: VariantType.ARRAY } as const;
const DICTIONARY_TYPE = { kind: "builtin", type: VariantType.DICTIONARY } as const;

/** A way to nest a JS value, and the wire wrapper its encoding must match (null: no fixed bytes). */
type Nesting = { name: string; wrap: Wrap | null; make: (inner: Variant | null) => Variant };
const NESTINGS: Nesting[] = [
  { name: "Array", wrap: WRAPS[0] as Wrap, make: (inner) => (inner === null ? [] : [inner]) },
  {
    name: "typed Array[Array]",
    wrap: WRAPS[1] as Wrap,
    make: (inner) => new TypedArray(ARRAY_TYPE, inner === null ? [] : [inner]),
  },
  { name: "Dictionary value", wrap: WRAPS[2] as Wrap, make: (inner) => new Dictionary(inner === null ? [] : [[null, inner]]) },
  { name: "Dictionary key", wrap: WRAPS[3] as Wrap, make: (inner) => new Dictionary(inner === null ? [] : [[inner, null]]) },
  {
    name: "typed Dictionary[Variant, Dictionary] value",
    wrap: {
      name: "typed Dictionary value",
      open: "1b000400" + "1b000000" + "01000000" + "00000000",
      close: "",
      empty: "1b000400" + "1b000000" + "00000000",
    },
    make: (inner) => new Dictionary(inner === null ? [] : [[null, inner]], { valueType: DICTIONARY_TYPE }),
  },
  {
    name: "typed Dictionary[Dictionary, Variant] key",
    wrap: {
      name: "typed Dictionary key",
      open: "1b000100" + "1b000000" + "01000000",
      close: "00000000",
      empty: "1b000100" + "1b000000" + "00000000",
    },
    make: (inner) => new Dictionary(inner === null ? [] : [[inner, null]], { keyType: DICTIONARY_TYPE }),
  },
  {
    name: "Object property",
    wrap: WRAPS[4] as Wrap,
    make: (inner) => new GodotObject("A", inner === null ? [] : [["p", inner]]),
  },
  { name: "Map value", wrap: WRAPS[2] as Wrap, make: (inner) => new Map(inner === null ? [] : [[null, inner]]) },
  {
    name: "plain object field",
    wrap: { name: "plain object", open: "1b00000001000000" + "040000000100000061000000", close: "", empty: "1b00000000000000" },
    make: (inner) => (inner === null ? {} : { a: inner }),
  },
];

function deep(n: Nesting, levels: number): Variant {
  let v = n.make(null);
  for (let i = 1; i < levels; i++) v = n.make(v);
  return v;
}

for (const n of NESTINGS) {
  test(`encoding through ${n.name}: 1025 levels encode as Godot does, 1026 are ERR_OUT_OF_MEMORY`, (t) => {
    const bytes = varToBytes(deep(n, 1025), { fullObjects: true });
    if (n.wrap !== null) t.is(bytes.toString("hex"), nest(n.wrap, 1025, null).toString("hex"));
    // Decoding and encoding again gives the same bytes.
    const again = varToBytes(bytesToVar(bytes, { allowObjects: true, lossless: true }), { fullObjects: true });
    t.true(again.equals(bytes));

    const err = t.throws(() => varToBytes(deep(n, 1026), { fullObjects: true }), { instanceOf: VariantEncodeError });
    t.is(err?.error, GodotError.ERR_OUT_OF_MEMORY, err?.message);
    // The encoder's own check, not a caught stack overflow.
    t.regex(err?.message ?? "", /nesting deeper than 1024/);
    t.notRegex(err?.message ?? "", /JS stack/);
  });
}

test("1025 Dictionaries nested through values and keys encode (Godot's limit)", (t) => {
  t.notThrows(() => varToBytes(deepDictionary(1025, false)));
  t.notThrows(() => varToBytes(deepDictionary(1025, true)));
});

test("1026 Dictionaries nested through keys are ERR_OUT_OF_MEMORY in the encoder", (t) => {
  const err = t.throws(() => varToBytes(deepDictionary(1026, true)), { instanceOf: VariantEncodeError });
  t.is(err?.error, GodotError.ERR_OUT_OF_MEMORY);
  t.regex(err?.message ?? "", /nesting deeper than 1024/);
});

test("1026 Dictionaries nested through values are ERR_OUT_OF_MEMORY in the encoder", (t) => {
  const err = t.throws(() => varToBytes(deepDictionary(1026, false)), { instanceOf: VariantEncodeError });
  t.is(err?.error, GodotError.ERR_OUT_OF_MEMORY);
  t.regex(err?.message ?? "", /nesting deeper than 1024/);
});

test("a Dictionary key holding 1024 nested containers decodes, and encodes back to the same bytes", (t) => {
  // The key's identity is taken once, over its whole depth, at the top of the decoder's stack.
  for (const w of [WRAPS[0], WRAPS[1], WRAPS[2], WRAPS[3]] as Wrap[]) {
    const bytes = Buffer.concat([Buffer.from("1b00000001000000", "hex"), nest(w, 1024, null), Buffer.from("00000000", "hex")]);
    const value = bytesToVar(bytes);
    t.true(varToBytes(value).equals(bytes), w.name);
  }
});

// ----------------------------------------------------------------------------------------------
// Cost of Dictionary keys: every container key's identity is taken once per decode, so the time
// to decode stays linear in the input whatever the keys look like. Before, each level of a key
// chain walked the whole chain below it again: five 1024-deep key chains took ~4 s.

const MAX_DATAGRAM = 65507;
const hexBytes = (h: string): Buffer => Buffer.from(h, "hex");
const u32b = (n: number): Buffer => hexBytes(u32(n));
const EMPTY_DICT = "1b00000000000000";
const arrayOf = (items: Buffer[]): Buffer => Buffer.concat([u32b(0x1c), u32b(items.length), ...items]);
const stringOf = (s: string): Buffer => {
  const b = Buffer.from(s);
  return Buffer.concat([u32b(4), u32b(b.length), b, Buffer.alloc((4 - (b.length & 3)) & 3)]);
};
/** `levels` Dictionaries, each the only key (value NIL) of the next one; `inner` at the bottom. */
const keyChain = (levels: number, inner: Buffer): Buffer =>
  Buffer.concat([hexBytes("1b00000001000000".repeat(levels)), inner, hexBytes("00000000".repeat(levels))]);

/** Packets (all of at most 65507 bytes) built to make key identities as costly as possible. */
function hostilePackets(): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  // Deep key chains side by side, as deep as the limit allows (the top Array is level 0).
  const chain = keyChain(1023, hexBytes(EMPTY_DICT));
  out.push(["five 1024-deep key chains", arrayOf(Array.from({ length: Math.floor((MAX_DATAGRAM - 8) / chain.length) }, () => chain))]);
  // A deep key chain over one large leaf: every level's key holds the leaf.
  out.push(["a 1024-deep key chain over a 50 KB String", arrayOf([keyChain(1023, stringOf("x".repeat(MAX_DATAGRAM - 8 - 1023 * 12 - 12)))])]);
  const nils = Math.floor((MAX_DATAGRAM - 16 - 1022 * 12 - 8) / 4);
  out.push(["a 1023-deep key chain over an Array of 13,000 NILs", arrayOf([keyChain(1022, arrayOf(Array.from({ length: nils }, () => u32b(0))))])]);
  // Key chains alternating Dictionary and Array (Arrays of Dictionaries as keys).
  const alternating = Buffer.concat([
    hexBytes("1b000000010000001c00000001000000".repeat(511)),
    hexBytes(EMPTY_DICT),
    hexBytes("00000000".repeat(511)),
  ]);
  out.push([
    "1023-deep chains of Arrays of Dictionaries as keys",
    arrayOf(Array.from({ length: Math.floor((MAX_DATAGRAM - 8) / alternating.length) }, () => alternating)),
  ]);
  // A key chain where every level has 17 keys, past the scan limit: each level hashes its keys.
  const ints = Buffer.concat([u32b(0), ...Array.from({ length: 16 }, (_, i) => Buffer.concat([u32b(2), u32b(i + 1), u32b(0)]))]);
  const levels = Math.floor((MAX_DATAGRAM - 16) / (8 + ints.length));
  out.push([
    `a ${levels}-deep chain of 17-key Dictionaries`,
    arrayOf([Buffer.concat([hexBytes("1b00000011000000".repeat(levels)), hexBytes(EMPTY_DICT), ...Array.from({ length: levels }, () => ints)])]),
  ]);
  // One wide Dictionary whose keys are Arrays of Dictionaries, all different.
  const pairs: Buffer[] = [];
  let size = 16;
  for (let i = 0; ; i++) {
    const key = arrayOf([Buffer.concat([u32b(0x1b), u32b(1), u32b(2), u32b(i), u32b(0)])]);
    if (size + key.length + 4 > MAX_DATAGRAM) break;
    pairs.push(key, u32b(0));
    size += key.length + 4;
  }
  out.push([`one Dictionary with ${pairs.length / 2} Array-of-Dictionary keys`, Buffer.concat([u32b(0x1b), u32b(pairs.length / 2), ...pairs])]);
  // The same key over and over (every one a duplicate to merge).
  const same = arrayOf([hexBytes(EMPTY_DICT), stringOf("k".repeat(64))]);
  const n = Math.floor((MAX_DATAGRAM - 16) / (same.length + 4));
  out.push([`one Dictionary with ${n} equal Array keys`, Buffer.concat([u32b(0x1b), u32b(n), ...Array.from({ length: n }, () => Buffer.concat([same, u32b(0)]))])]);
  return out;
}

test("the costliest Dictionary keys a datagram can carry decode in well under a second", (t) => {
  for (const [name, bytes] of hostilePackets()) {
    t.true(bytes.length <= MAX_DATAGRAM, `${name}: ${bytes.length} bytes`);
    const started = process.hrtime.bigint();
    let outcome = "decoded";
    try {
      bytesToVar(bytes);
    } catch (e) {
      t.true(e instanceof VariantDecodeError, String(e));
      outcome = `failed cleanly: ${(e as Error).message}`;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    t.log(`${name} (${bytes.length} bytes): ${ms.toFixed(1)} ms, ${outcome}`);
    t.true(ms < 1000, `${name}: ${ms} ms`);
  }
});

test("objects are refused without allowObjects wherever they are nested (ERR_UNAUTHORIZED)", (t) => {
  const obj = "180000000100000041000000" + "00000000";
  const places = [
    "1c00000001000000" + obj, // Array element
    "1c0001001800000001000000" + obj, // Array[Object] element
    "1b00000001000000" + obj + "00000000", // Dictionary key
    "1b0000000100000000000000" + obj, // Dictionary value
    "1b00000001000000" + "1c00000001000000" + obj + "00000000", // inside an Array key
  ];
  for (const hex of places) {
    const bytes = Buffer.from(hex, "hex");
    t.is(decodeError(bytes, false).error, GodotError.ERR_UNAUTHORIZED, hex);
    t.notThrows(() => decodeVariant(bytes, { allowObjects: true }), hex);
  }
});

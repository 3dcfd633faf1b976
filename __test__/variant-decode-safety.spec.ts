// Decoder safety, beyond the vectors and the fuzz: huge count fields in small packets fail through
// the decoder's own checks (not through a caught RangeError from an attempted allocation), quickly
// and without growing memory; nesting is limited as Godot limits it on every nesting path (Array,
// typed Array, Dictionary key and value, Object property) and for the scalars the decoder reads
// inline; every error vector fails through an explicit check.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { decodeVariant, varToBytes, Dictionary, VariantDecodeError, VariantEncodeError, type Variant } from "../src-ts/variant/index.js";
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
      t.true(ms < 50, `${what}: took ${ms} ms`);
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

test("1026 Dictionaries nested through keys are ERR_OUT_OF_MEMORY in the encoder", (t) => {
  const err = t.throws(() => varToBytes(deepDictionary(1026, true)), { instanceOf: VariantEncodeError });
  t.is(err?.error, GodotError.ERR_OUT_OF_MEMORY);
});

// KNOWN BUG (left open): 1025 Dictionaries nested through their values (or keys, under ava's
// loader) overflow the JS stack in the encoder (about 1000 levels fit with Node's default stack),
// which it reports as ERR_OUT_OF_MEMORY; Godot encodes them. Nested Arrays reach 1025. test.failing
// turns into a failure once the encoder is fixed, so this must then become a plain test.
test.failing("KNOWN BUG: 1025 Dictionaries nested through values and keys encode (Godot's limit)", (t) => {
  t.notThrows(() => varToBytes(deepDictionary(1025, false)));
  t.notThrows(() => varToBytes(deepDictionary(1025, true)));
});

test("1026 Dictionaries nested through values are ERR_OUT_OF_MEMORY in the encoder", (t) => {
  const err = t.throws(() => varToBytes(deepDictionary(1026, false)), { instanceOf: VariantEncodeError });
  t.is(err?.error, GodotError.ERR_OUT_OF_MEMORY);
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

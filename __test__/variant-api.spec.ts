// The value model and the API around the wire format: which JS value becomes which Godot type,
// forcing types, Dictionary key semantics, typed-container hints, options and errors.
import test from "ava";
import fc from "fast-check";
import { GodotError } from "../src-ts/errors.js";
import { variantArbitraries } from "./variant-arbitraries.js";
import {
  bytesToVar,
  decodeVariant,
  varToBytes,
  Dictionary,
  EncodedObjectAsID,
  Float,
  GodotObject,
  NodePath,
  RID,
  Signal,
  StringName,
  TypedArray,
  VariantDecodeError,
  VariantEncodeError,
  VariantType,
  VariantTypeError,
  Vector2,
  Vector2i,
  Vector3,
  Color,
  builtinType,
  classType,
  scriptType,
  type Variant,
} from "../src-ts/variant/index.js";

const hex = (v: Variant, options?: Parameters<typeof varToBytes>[1]): string => varToBytes(v, options).toString("hex");
const back = (h: string, options?: Parameters<typeof bytesToVar>[1]): Variant => bytesToVar(Buffer.from(h, "hex"), options);

test("numbers: safe integers are INT (32 or 64 bits by Godot's rule), everything else FLOAT", (t) => {
  t.is(hex(1), "0200000001000000");
  t.is(hex(-2147483648), "0200000000000080");
  t.is(hex(2147483648), "020001000000008000000000");
  t.is(hex(-2147483649), "02000100ffffff7fffffffff");
  t.is(hex(Number.MAX_SAFE_INTEGER), "02000100ffffffffffff1f00");
  t.is(hex(Number.MIN_SAFE_INTEGER), "02000100010000000000e0ff");
  t.is(hex(0.5), "030000000000003f");
  t.is(hex(0.1), "030001009a9999999999b93f");
  t.is(hex(-0), "0300000000000080", "-0 keeps its sign as a FLOAT");
  t.is(hex(2 ** 53), "030000000000005a", "beyond safe integers a number is a FLOAT");
  t.is(hex(NaN), "03000100000000000000f87f");
  t.is(hex(Infinity), "030000000000807f");
});

test("Float forces FLOAT for an integral value; bigint is always INT", (t) => {
  t.is(hex(new Float(1)), "030000000000803f");
  t.is(hex(new Float(16777217)), "030001000000001000007041");
  t.is(hex(5n), "0200000005000000");
  t.is(hex(-(2n ** 63n)), "020001000000000000000080");
  t.is(hex(2n ** 40n), "020001000000000000010000");
  const err = t.throws(() => varToBytes(2n ** 63n), { instanceOf: VariantEncodeError });
  t.is(err?.error, GodotError.ERR_PARAMETER_RANGE_ERROR);
});

test("INT decodes to a number when safe and to a bigint otherwise", (t) => {
  t.is(back("02000100ffffffffffff1f00"), Number.MAX_SAFE_INTEGER);
  t.is(back("020001000000000000002000"), 2n ** 53n);
  t.is(back("020001000000000000000080"), -(2n ** 63n));
});

test("FLOAT decodes to a number, or to Float for integral values in lossless mode", (t) => {
  t.is(back("030000000000803f"), 1);
  t.deepEqual(back("030000000000803f", { lossless: true }), new Float(1));
  t.is(back("030000000000003f", { lossless: true }), 0.5);
  t.true(Object.is(back("0300000000000080", { lossless: true }), -0));
});

test("strings, StringName and NodePath", (t) => {
  t.is(hex("é"), "0400000002000000c3a90000");
  t.is(hex("\ud800"), "0400000003000000efbfbd00", "a lone surrogate becomes U+FFFD, as TextEncoder does");
  t.is(hex(new StringName("abc")), "150000000300000061626300");
  t.is(back("150000000300000061626300"), "abc");
  t.deepEqual(back("150000000300000061626300", { lossless: true }), new StringName("abc"));
  const path = new NodePath("/root/Main:position:x");
  t.deepEqual([path.names, path.subnames, path.absolute], [["root", "Main"], ["position", "x"], true]);
  t.is(path.toString(), "/root/Main:position:x");
  t.deepEqual(back(hex(path)), path);
});

test("null and undefined are NIL; plain objects and Maps are Dictionaries; arrays are Arrays", (t) => {
  t.is(hex(null), "00000000");
  t.is(hex(undefined), "00000000");
  t.is(hex({ a: 1 }), "1b00000001000000040000000100000061000000" + "0200000001000000");
  t.is(hex(new Map<Variant, Variant>([[1, "x"]])), "1b00000001000000" + "0200000001000000" + "040000000100000078000000");
  t.is(hex([true, null]), "1c00000002000000" + "0100000001000000" + "00000000");
  t.is(hex(Object.create(null) as Variant), "1b00000000000000");
});

test("Dictionaries decode to Dictionary: insertion order, any key type, toObject()", (t) => {
  const bytes = varToBytes(new Dictionary([[new Vector2(1, 2), "v"], [3, "int"], ["s", { nested: [1] }]]));
  const d = bytesToVar(bytes) as Dictionary;
  t.true(d instanceof Dictionary && d instanceof Map);
  t.deepEqual([...d.keys()], [new Vector2(1, 2), 3, "s"]);
  t.is(d.get(new Vector2(1, 2)), "v", "an equal Vector2 finds the entry");
  t.is(d.get(3n), "int", "1n and 1 are the same int key");
  const nested = d.get("s") as Dictionary;
  t.deepEqual(nested.toObject(), { nested: [1] });
  t.throws(() => d.toObject(), { instanceOf: TypeError });
});

test("Dictionary keys follow Godot: type and value, String == StringName, first key and position kept", (t) => {
  const d = new Dictionary();
  d.set(1, "int").set(new Float(1), "float").set("a", "string").set(-0, "minus zero float");
  t.is(d.size, 4, "1, Float(1), \"a\" and -0 (a FLOAT) are four keys");
  d.set(new Float(0), "float zero");
  t.is(d.get(-0), "float zero");
  t.is(d.get(0), undefined, "INT 0 is another key");
  d.set(new StringName("a"), "string name");
  t.is(d.get("a"), "string name");
  t.deepEqual([...d.keys()][2], "a", "the first key stays, in its place");
  t.is(d.get(new Float(1)), "float");
  t.is(d.get(1), "int");
  d.set("\0f1", "tricky string");
  t.is(d.get(new Float(1)), "float", "a string that looks like an internal identity does not collide");
  t.is(d.get("\0f1"), "tricky string");
  t.true(d.delete(new StringName("a")));
  t.false(d.has("a"));
  d.set(NaN, "nan");
  t.is(d.get(NaN), "nan");
  t.is(hex(new Dictionary([[-0, 1]])), "1b00000001000000" + "0300000000000080" + "0200000001000000", "a -0 key stays a FLOAT");
  d.clear();
  t.is(d.size, 0);
  t.is(d.get(-0), undefined);
});

test("decoding merges duplicate keys as Godot does (String and StringName are one key)", (t) => {
  const wire = "1b00000002000000" + "040000000100000061000000" + "0200000001000000" + "150000000100000061000000" + "0200000002000000";
  const d = back(wire, { lossless: true }) as Dictionary;
  t.is(d.size, 1);
  t.is(d.get("a"), 2);
  t.is([...d.keys()][0], "a");
});

test("typed containers: the element/key/value type says how to write numbers and strings", (t) => {
  t.is(hex(new TypedArray(builtinType(VariantType.FLOAT), [1, 2.5])), "1c000100030000000200000003000000" + "0000803f" + "030000000000" + "2040");
  t.is(hex(new TypedArray(builtinType(VariantType.STRING_NAME), ["a"])), "1c00010015000000010000001500000001000000" + "61000000");
  t.is(hex(new TypedArray(builtinType(VariantType.STRING), [new StringName("a")])), "1c00010004000000010000000400000001000000" + "61000000");
  const typed = new Dictionary([["k", 1]], { keyType: builtinType(VariantType.STRING_NAME), valueType: builtinType(VariantType.FLOAT) });
  const bytes = varToBytes(typed);
  t.is(bytes.toString("hex"), "1b000500" + "15000000" + "03000000" + "01000000" + "15000000010000006b000000" + "030000000000803f");
  t.deepEqual(bytesToVar(bytes), typed, "default decoding gives plain keys/values back and keeps the types");
  t.is(hex(bytesToVar(bytes)), bytes.toString("hex"));
});

test("typed Dictionary keys that do not fit are left out, as Godot does", (t) => {
  // Dictionary[int, Variant] with keys "x" (dropped) and 2.
  const wire = "1b000100" + "02000000" + "02000000" + "040000000100000078000000" + "00000000" + "0200000002000000" + "0200000007000000";
  const d = back(wire) as Dictionary;
  t.deepEqual([...d], [[2, 7]]);
  t.deepEqual(d.keyType, builtinType(VariantType.INT));
  t.is(d.valueType, null);
});

test("object container types: class names become EncodedObjectAsID without full objects", (t) => {
  const arr = new TypedArray(classType("Node"), [new EncodedObjectAsID(5n), null]);
  t.is(hex(arr), "1c00020011000000456e636f6465644f626a6563744173494400000002000000" + "180001000500000000000000" + "00000000");
  t.is(hex(new TypedArray(scriptType("res://p.gd"), []), true), "1c0003000a0000007265733a2f2f702e67640000" + "00000000");
  const err = t.throws(() => varToBytes(new TypedArray(scriptType("user://p.gd"), []), true), { instanceOf: VariantEncodeError });
  t.is(err?.error, GodotError.ERR_UNAVAILABLE);
  t.deepEqual(back("1c0003000a0000007265733a2f2f702e67640000" + "00000000", true), new TypedArray(scriptType("res://p.gd"), []));
  // Kind 1 with type OBJECT (Godot's objects of no class name) reads back as classType("") with
  // objects, as EncodedObjectAsID without; it is written back as kind 1, as Godot writes it.
  t.deepEqual(back("1c0001001800000000000000", true), new TypedArray(classType(""), []));
  t.deepEqual(back("1c0001001800000000000000"), new TypedArray(classType("EncodedObjectAsID"), []));
  t.is(hex(back("1c0001001800000000000000", true), true), "1c0001001800000000000000");
  t.is(hex(back("1c0002000000000000000000", true)), "1c0001001800000000000000", "an empty class name is no class name");
  const bad = t.throws(() => back("1c0003000a000000757365723a2f2f702e6764" + "00" + "00000000", true), { instanceOf: VariantDecodeError });
  t.is(bad?.error, GodotError.ERR_INVALID_DATA, "a script type must be a res:// path");
});

test("objects: ids, full objects, and what Godot refuses", (t) => {
  t.is(hex(new EncodedObjectAsID(0n)), "00000000", "id 0 is the null object, written as NIL");
  t.is(hex(new EncodedObjectAsID(7n), true), "180001000700000000000000", "always sent as an id");
  const obj = new GodotObject("Node", [["name", "n"]]);
  t.is(hex(obj, true), "18000000040000004e6f646501000000040000006e616d650400000001000000" + "6e000000");
  const noId = t.throws(() => varToBytes(obj), { instanceOf: VariantEncodeError });
  t.is(noId?.error, GodotError.ERR_INVALID_PARAMETER);
  t.is(hex(new GodotObject("Node", [], 9n)), "180001000900000000000000");
  const script = t.throws(() => varToBytes(new GodotObject("Node", [["script", "user://x.gd"]]), true), {
    instanceOf: VariantEncodeError,
  });
  t.is(script?.error, GodotError.ERR_UNAVAILABLE);
  t.is(obj.get("name"), "n");
  obj.set("name", "m").set("extra", 1);
  t.deepEqual(obj.properties, [["name", "m"], ["extra", 1]]);
  const refused = t.throws(() => back(hex(obj, true)), { instanceOf: VariantDecodeError });
  t.is(refused?.error, GodotError.ERR_UNAUTHORIZED);
  t.deepEqual(back(hex(obj, true), { allowObjects: true }), obj);
  // A script property that is not a res:// path String is refused even when objects are allowed.
  const badScript = "180000000400000041424344" + "01000000" + "06000000736372697074" + "0000" + "0200000001000000";
  t.is(t.throws(() => back(badScript, true), { instanceOf: VariantDecodeError })?.error, GodotError.ERR_INVALID_DATA);
});

test("RID, Signal and ids accept numbers and keep bigints", (t) => {
  t.is(new RID(13).id, 13n);
  t.is(hex(new Signal(5, "sig")), "1a00000003000000736967000500000000000000");
  t.throws(() => new RID(-1), { instanceOf: RangeError });
});

test("JS values with no Variant form are VariantTypeErrors (TypeErrors) naming the path", (t) => {
  for (const bad of [() => 1, Symbol("s"), new Date(0), new Set([1]), new Int16Array(2), new (class Foo {})()]) {
    const err = t.throws(() => varToBytes(bad as unknown as Variant));
    t.true(err instanceof TypeError && err instanceof VariantTypeError, String(err));
    t.is((err as VariantTypeError).error, GodotError.ERR_INVALID_PARAMETER);
  }
  const err = t.throws(() => varToBytes({ players: [{ pos: new Vector2(1, "2" as unknown as number) }] }), {
    instanceOf: VariantTypeError,
  });
  t.is(err?.path, "$.players[0].pos");
  t.regex(err?.message ?? "", /^\$\.players\[0\]\.pos: /);
  const range = t.throws(() => varToBytes(new Map([["k", new Vector2i(1.5, 0)]])), { instanceOf: VariantEncodeError });
  t.is(range?.error, GodotError.ERR_PARAMETER_RANGE_ERROR);
  t.is(range?.path, "$.k");
  t.throws(() => varToBytes(new Vector2i(2 ** 31, 0)), { instanceOf: VariantEncodeError });
});

function nested(levels: number): Variant[] {
  let v: Variant[] = [];
  for (let i = 1; i < levels; i++) v = [v];
  return v;
}

test("nesting: 1025 levels encode, 1026 fail with ERR_OUT_OF_MEMORY, as do cycles", (t) => {
  t.is(varToBytes(nested(1025)).length, 1025 * 8);
  const deep = t.throws(() => varToBytes(nested(1026)), { instanceOf: VariantEncodeError });
  t.is(deep?.error, GodotError.ERR_OUT_OF_MEMORY);
  const cyclic: Variant[] = [];
  cyclic.push(cyclic);
  t.is(t.throws(() => varToBytes(cyclic), { instanceOf: VariantEncodeError })?.error, GodotError.ERR_OUT_OF_MEMORY);
  const record: Record<string, Variant> = {};
  record.self = record;
  t.is(t.throws(() => varToBytes(record), { instanceOf: VariantEncodeError })?.error, GodotError.ERR_OUT_OF_MEMORY);
});

test("maxSize: exactly at the limit is fine, one byte over is ERR_OUT_OF_MEMORY", (t) => {
  t.is(varToBytes("*".repeat(1016), { maxSize: 1024 }).length, 1024);
  const err = t.throws(() => varToBytes("*".repeat(1017), { maxSize: 1024 }), { instanceOf: VariantEncodeError });
  t.is(err?.error, GodotError.ERR_OUT_OF_MEMORY);
  const big = t.throws(() => varToBytes(new Uint8Array(1 << 20), { maxSize: 1024 }), { instanceOf: VariantEncodeError });
  t.is(big?.error, GodotError.ERR_OUT_OF_MEMORY, "stops growing its buffer at the limit");
});

test("maxSize holds exactly for any value, also where it crosses the end of the shared slab", (t) => {
  const SLAB = 64 * 1024;
  const { value } = variantArbitraries({ realDouble: false, objects: false });
  /** Places the next encode to start `offset` bytes before the end of a fresh slab. */
  const placeBeforeSlabEnd = (offset: number): void => {
    varToBytes(new Uint8Array(SLAB + 1)); // a value of its own slab: the next call starts a new one
    const filler = SLAB - offset - 8; // a PackedByteArray of n bytes takes 8 + n (+ padding)
    if (filler >= 0) varToBytes(new Uint8Array(filler - (filler % 8)));
  };
  let checked = 0;
  fc.assert(
    fc.property(value, fc.integer({ min: 0, max: 64 }), (v, before) => {
      const size = varToBytes(v).length;
      placeBeforeSlabEnd(Math.max(0, size - before));
      if (varToBytes(v, { maxSize: size }).length !== size) return false;
      if (size > 4) {
        placeBeforeSlabEnd(Math.max(0, size - before));
        try {
          varToBytes(v, { maxSize: size - 1 });
          return false;
        } catch (e) {
          if (!(e instanceof VariantEncodeError) || e.error !== GodotError.ERR_OUT_OF_MEMORY) return false;
        }
      }
      checked++;
      return true;
    }),
    { numRuns: 300 },
  );
  t.is(checked, 300);
});

test("realT double writes f64 components with the 64-bit flag; Color and int vectors stay", (t) => {
  t.is(hex(new Vector2(1.5, -2), { realT: "double" }), "05000100000000000000f83f00000000000000c0");
  t.is(hex(new Color(1, 0.5, 0.25, 1), { realT: "double" }), "140000000000803f0000003f0000803e0000803f");
  t.is(hex(new Vector2i(1, 2), { realT: "double" }), "060000000100000002000000");
  t.deepEqual(back(hex(new Vector3(0.1, 0.2, 0.3), { realT: "double" })), new Vector3(0.1, 0.2, 0.3));
  t.throws(() => varToBytes(1, { realT: "half" as "float" }), { instanceOf: TypeError });
});

test("decoding: options forms, trailing bytes, consumed, unaligned input, copies", (t) => {
  const full = "1800000000000000";
  t.is(t.throws(() => back(full), { instanceOf: VariantDecodeError })?.error, GodotError.ERR_UNAUTHORIZED);
  t.is(back(full, true), null);
  t.is(back(full, { allowObjects: true }), null);
  t.deepEqual(decodeVariant(Buffer.from("020000000100000099", "hex")), { value: 1, consumed: 8 });
  // An Int32Array payload at an odd offset of a larger buffer.
  const inner = varToBytes(new Int32Array([1, -2, 3]));
  const padded = Buffer.concat([Buffer.from([0xaa]), inner]).subarray(1);
  t.deepEqual(bytesToVar(padded), new Int32Array([1, -2, 3]));
  const bytes = varToBytes(Buffer.from([1, 2, 3]));
  const decoded = bytesToVar(bytes) as Buffer;
  bytes[8] = 9;
  t.deepEqual([...decoded], [1, 2, 3], "a PackedByteArray does not alias the input");
  t.true(Buffer.isBuffer(decoded));
  t.throws(() => bytesToVar("00000000" as unknown as Uint8Array), { instanceOf: TypeError });
});

test("options arguments of the wrong type are a TypeError naming the argument, not a crash inside", (t) => {
  const bytes = Buffer.from("0200000001000000", "hex");
  type DecodeOpts = Parameters<typeof bytesToVar>[1];
  for (const bad of [null, 1, "yes", [true]] as unknown[]) {
    for (const decode of [() => bytesToVar(bytes, bad as DecodeOpts), () => decodeVariant(bytes, bad as DecodeOpts)]) {
      const err = t.throws(decode, { instanceOf: TypeError });
      t.regex(err?.message ?? "", /^options must be a boolean or a DecodeOptions object, got /, String(bad));
    }
  }
  t.is(t.throws(() => bytesToVar(bytes, null as unknown as DecodeOpts))?.message, "options must be a boolean or a DecodeOptions object, got null");
  t.throws(() => bytesToVar(bytes, { allowObjects: "yes" as unknown as boolean }), { instanceOf: TypeError, message: /^options\.allowObjects must be a boolean/ });
  t.throws(() => bytesToVar(bytes, { lossless: 1 as unknown as boolean }), { instanceOf: TypeError, message: /^options\.lossless must be a boolean/ });
  // Absent fields and undefined options are the defaults.
  t.is(bytesToVar(bytes, {}), 1);
  t.is(bytesToVar(bytes, undefined), 1);
  t.is(bytesToVar(bytes, { allowObjects: undefined, lossless: false }), 1);

  type EncodeOpts = Parameters<typeof varToBytes>[1];
  for (const bad of [1, "full", [true]] as unknown[]) {
    t.throws(() => varToBytes(1, bad as EncodeOpts), { instanceOf: TypeError, message: /^options must be a boolean or an EncodeOptions object, got / });
  }
  t.throws(() => varToBytes(1, { fullObjects: "yes" as unknown as boolean }), { instanceOf: TypeError, message: /^options\.fullObjects must be a boolean/ });
  t.throws(() => varToBytes(1, { maxSize: "100" as unknown as number }), { instanceOf: TypeError, message: /^options\.maxSize must be a number/ });
  t.throws(() => varToBytes(1, { maxSize: NaN }), { instanceOf: TypeError, message: /^options\.maxSize must be a number/ });
  // varToBytes always took null for "no options"; it still does.
  t.is(varToBytes(1, null as unknown as EncodeOpts).toString("hex"), "0200000001000000");
  t.is(varToBytes(1, {}).toString("hex"), "0200000001000000");
});

test("results are never overwritten by later encodes (they are views into shared slabs)", (t) => {
  const kept: Array<[number, Buffer]> = [];
  // Enough values to fill several 64 KiB slabs, with a value larger than a slab in the middle.
  for (let i = 0; i < 3000; i++) kept.push([i, varToBytes({ i, text: "x".repeat(i % 50) })]);
  const big = varToBytes(new Uint8Array(200000).fill(7));
  for (let i = 3000; i < 4000; i++) kept.push([i, varToBytes({ i, text: "y".repeat(i % 50) })]);
  for (const [i, bytes] of kept) t.is((bytesToVar(bytes) as Dictionary).get("i"), i);
  t.is((bytesToVar(big) as Buffer).length, 200000);
  t.true((bytesToVar(big) as Buffer).every((b) => b === 7));
  // A failed encode leaves nothing behind either.
  const before = varToBytes("before");
  t.throws(() => varToBytes(["ok", () => 0] as unknown as Variant));
  t.is(bytesToVar(before), "before");
  t.is(bytesToVar(varToBytes("after")), "after");
});

test("short strings decode the same through the string cache, whatever they look like", (t) => {
  const strings = ["a", "ab", "abc", "abcd", "abcde", "Player_42", "x".repeat(32), "x".repeat(33), "é", "a\u0000b", "\uFEFFhi"];
  for (let round = 0; round < 3; round++) {
    for (const s of strings) {
      const expected = s.startsWith("\uFEFF") ? s.slice(1) : s.split("\u0000")[0];
      t.is(bytesToVar(varToBytes(s)), expected, JSON.stringify(s));
    }
  }
  // Same bytes but different padding bytes: still the same text.
  t.is(back("04000000010000006100ffff"), "a");
  t.is(back("0400000001000000610000ff"), "a");
});

test("a getter that encodes during an encode gets its own buffer", (t) => {
  const inner: Record<string, Variant> = {};
  Object.defineProperty(inner, "x", { enumerable: true, get: () => varToBytes("nested").length });
  const bytes = varToBytes({ a: "before", inner, z: "after" });
  t.deepEqual((bytesToVar(bytes) as Dictionary).toObject(), {
    a: "before",
    inner: new Dictionary([["x", 16]]),
    z: "after",
  });
});

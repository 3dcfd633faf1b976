// The decoder faces the network: for random buffers and for mutations of valid encodings it must
// return a value or throw VariantDecodeError, nothing else, and never build more than the input
// pays for. Bounded in runs and in time.
import test from "ava";
import fc from "fast-check";
import assert from "node:assert/strict";
import { GodotError } from "../src-ts/errors.js";
import {
  decodeVariant,
  varToBytes,
  VariantDecodeError,
  Dictionary,
  GodotObject,
  NodePath,
  type Variant,
} from "../src-ts/variant/index.js";
import { variantArbitraries } from "./variant-arbitraries.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2147483647);
/** fast-check stops generating after this long (runs already made still count). */
const TIME_LIMIT_MS = 8000;

const optionsArb = fc.record({ allowObjects: fc.boolean(), lossless: fc.boolean() });

/**
 * A lower bound of the input bytes a decoded value must have consumed: 4 per value, per string in
 * a packed string array, NodePath or property name, plus the payload of packed arrays.
 */
function footprint(v: Variant): number {
  if (v === null || typeof v !== "object") return 4;
  if (ArrayBuffer.isView(v)) return 4 + v.byteLength;
  if (v instanceof Dictionary) {
    let n = 4;
    for (const [k, val] of v) n += footprint(k) + footprint(val);
    return n;
  }
  if (v instanceof GodotObject) {
    let n = 4;
    for (const [, val] of v.properties) n += 4 + footprint(val);
    return n;
  }
  if (v instanceof NodePath) return 4 + 4 * (v.names.length + v.subnames.length);
  if (Array.isArray(v)) {
    let n = 4;
    for (const e of v as Variant[]) n += typeof e === "object" && e !== null ? footprint(e) : 4;
    return n;
  }
  return 4;
}

/** Decodes and checks the contract; returns whether it decoded. */
function decodeChecked(bytes: Uint8Array, options: { allowObjects: boolean; lossless: boolean }): boolean {
  try {
    const { value, consumed } = decodeVariant(bytes, options);
    // Godot counts a PackedByteArray's padding even when the buffer ends first: at most 3 more.
    assert.ok(consumed >= 4 && consumed <= bytes.length + 3, `consumed ${consumed} of ${bytes.length}`);
    assert.ok(footprint(value) <= consumed + 3, `decoded more (${footprint(value)}) than consumed (${consumed})`);
    return true;
  } catch (e) {
    if (!(e instanceof VariantDecodeError)) throw e;
    assert.ok(Object.values(GodotError).includes(e.error), `unknown error code ${e.error}`);
    assert.ok(e.offset >= 0 && e.offset <= bytes.length + 3, `offset ${e.offset} outside the input`);
    return false;
  }
}

test("random buffers decode or fail with VariantDecodeError", (t) => {
  let decoded = 0;
  // Random bytes rarely form a header; biasing the first byte to a valid type id reaches every case.
  const buffer = fc
    .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 }), fc.uint8Array({ maxLength: 96 }))
    .map(([type, flags, rest]) => Uint8Array.from([type, 0, flags, 0, ...rest]));
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), buffer), optionsArb, (bytes, options) => {
      if (decodeChecked(bytes, options)) decoded++;
    }),
    { numRuns: 10000, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS },
  );
  t.log(`seed ${SEED}: ${decoded} of the random buffers decoded`);
  t.true(decoded > 0);
});

type MutationValue =
  | { kind: "flip"; at: number; byte: number }
  | { kind: "truncate"; at: number }
  | { kind: "word"; at: number; word: number }
  | { kind: "splice"; at: number; bytes: Uint8Array };

/** Mutations an attacker or a broken peer produces: flipped bytes, cut ends, huge counts. */
const mutation: fc.Arbitrary<MutationValue> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("word" as const),
    at: fc.nat(),
    word: fc.constantFrom(0x7fffffff, 0x80000000, 0xffffffff, 0x40000000, 0x20000000, 0x10000001, 39, 24, 0x00010000),
  }),
  fc.record({ kind: fc.constant("splice" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
);

function mutate(original: Buffer, mutations: MutationValue[]): Uint8Array {
  let bytes = Uint8Array.from(original);
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    switch (m.kind) {
      case "flip":
        bytes[at] = m.byte;
        break;
      case "truncate":
        bytes = bytes.subarray(0, at);
        break;
      case "word": {
        const aligned = at - (at % 4);
        if (aligned + 4 <= bytes.length) new DataView(bytes.buffer, bytes.byteOffset).setUint32(aligned, m.word, true);
        break;
      }
      case "splice":
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
        break;
    }
  }
  return bytes;
}

test("mutations of valid encodings decode or fail with VariantDecodeError", (t) => {
  // Values with objects as ids in single precision, and with full objects in double precision.
  const encoded = fc.oneof(
    variantArbitraries({ realDouble: false, objects: false }).value.map((v) => varToBytes(v)),
    variantArbitraries({ realDouble: true, objects: true }).value.map((v) => varToBytes(v, { fullObjects: true, realT: "double" })),
  );
  let decoded = 0;
  let failed = 0;
  fc.assert(
    fc.property(
      encoded,
      fc.array(mutation, { minLength: 1, maxLength: 3 }),
      optionsArb,
      (valid, mutations, options) => {
        const bytes = mutate(valid, mutations);
        if (decodeChecked(bytes, options)) decoded++;
        else failed++;
      },
    ),
    { numRuns: 8000, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS },
  );
  t.log(`seed ${SEED}: ${decoded} mutated encodings decoded, ${failed} failed cleanly`);
  t.true(decoded > 0 && failed > 0);
});

// A count field claiming 2^31 - 1 elements in a 40-byte packet fails fast with ERR_INVALID_DATA,
// before anything of that size is allocated (the rest of the packet is zero bytes).
const HUGE = "ffffff7f";
const claims: Array<[string, string]> = [
  ["Array", "1c000000" + HUGE],
  ["Dictionary", "1b000000" + HUGE],
  ["typed Array[int]", "1c00010002000000" + HUGE],
  ["PackedByteArray", "1d000000" + HUGE],
  ["PackedInt32Array", "1e000000" + HUGE],
  ["PackedInt64Array", "1f000000" + HUGE],
  ["PackedFloat32Array", "20000000" + HUGE],
  ["PackedFloat64Array", "21000000" + HUGE],
  ["PackedStringArray", "22000000" + HUGE],
  ["PackedVector2Array", "23000000" + HUGE],
  ["PackedVector3Array (64-bit)", "24000100" + HUGE],
  ["PackedColorArray", "25000000" + HUGE],
  ["PackedVector4Array", "26000000" + HUGE],
  ["NodePath names", "16000000" + "ffffffff" + "00000000" + "00000000"],
  ["NodePath sub-names", "16000000" + "00000080" + HUGE + "00000000"],
  ["full object properties", "180000000100000041000000" + HUGE],
];
for (const [what, hex] of claims) {
  test(`a ${what} claiming 2^31 elements in a 40-byte packet fails with ERR_INVALID_DATA`, (t) => {
    const bytes = Buffer.alloc(40);
    Buffer.from(hex, "hex").copy(bytes);
    const err = t.throws(() => decodeVariant(bytes, { allowObjects: true }), { instanceOf: VariantDecodeError });
    t.is(err?.error, GodotError.ERR_INVALID_DATA, err?.message);
  });
}

test("a string claiming 2^31 bytes fails with ERR_FILE_EOF", (t) => {
  const bytes = Buffer.alloc(40);
  Buffer.from("04000000" + HUGE, "hex").copy(bytes);
  const err = t.throws(() => decodeVariant(bytes), { instanceOf: VariantDecodeError });
  t.is(err?.error, GodotError.ERR_FILE_EOF);
});

test("a 64 KiB datagram of nested array headers fails at Godot's depth limit", (t) => {
  const bytes = Buffer.alloc(65536);
  for (let i = 0; i + 8 <= bytes.length; i += 8) Buffer.from("1c00000001000000", "hex").copy(bytes, i);
  const err = t.throws(() => decodeVariant(bytes), { instanceOf: VariantDecodeError });
  t.is(err?.error, GodotError.ERR_OUT_OF_MEMORY);
});

test("a 64 KiB datagram of empty strings in a huge PackedStringArray fails when the data ends", (t) => {
  const bytes = Buffer.alloc(65536);
  Buffer.from("22000000" + HUGE, "hex").copy(bytes);
  const err = t.throws(() => decodeVariant(bytes), { instanceOf: VariantDecodeError });
  t.is(err?.error, GodotError.ERR_INVALID_DATA);
});

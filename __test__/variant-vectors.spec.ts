// Every vector of the three spec/vectors/variant-*.json files, in its stated direction, with its
// flags, error code and consumed byte count.
import test from "ava";
import { bytesToVar, decodeVariant, varToBytes, VariantDecodeError, VariantType, VARIANT_MAX } from "../src-ts/variant/index.js";
import { errorName } from "../src-ts/errors.js";
import { loadVectors, toModel, toPlain, type SpecVector } from "./variant-model.js";

const FILES = ["variant-godot-tests.json", "variant-derived.json", "variant-decode-errors.json"];

function encodeOptions(v: SpecVector): { fullObjects: boolean; realT: "float" | "double" } {
  return { fullObjects: v.flags.full_objects, realT: v.flags.real_t };
}

for (const file of FILES) {
  const vectors = loadVectors(file);

  test(`${file}: has vectors with unique names`, (t) => {
    t.true(vectors.length > 0);
    t.is(new Set(vectors.map((v) => v.name)).size, vectors.length);
  });

  for (const v of vectors) {
    const bytes = Buffer.from(v.bytes_hex, "hex");
    const allowObjects = v.flags.allow_objects;

    if (v.expected_error !== undefined) {
      const expected = v.expected_error;
      test(`${file} ${v.name}: decode fails with ${expected.name}`, (t) => {
        t.is(errorName(expected.code), expected.name);
        const err = t.throws(() => bytesToVar(bytes, { allowObjects }), { instanceOf: VariantDecodeError });
        t.is(err?.error, expected.code, err?.message);
        t.true((err?.offset ?? -1) >= 0 && (err?.offset ?? Infinity) <= bytes.length);
      });
      continue;
    }

    const model = toModel(v.value!);

    if (v.direction === "encode" || v.direction === "both") {
      test(`${file} ${v.name}: encodes to the vector's bytes`, (t) => {
        t.is(varToBytes(model, encodeOptions(v)).toString("hex"), v.bytes_hex);
      });
    }

    if (v.direction === "decode" || v.direction === "both") {
      test(`${file} ${v.name}: decodes (lossless) to the vector's value`, (t) => {
        const { value, consumed } = decodeVariant(bytes, { allowObjects, lossless: true });
        t.deepEqual(value, model);
        t.is(consumed, v.consumed_bytes ?? bytes.length);
      });

      test(`${file} ${v.name}: decodes (default) to the vector's plain value`, (t) => {
        t.deepEqual(bytesToVar(bytes, allowObjects), toPlain(model));
      });
    }

    if (v.direction === "both") {
      test(`${file} ${v.name}: lossless decode re-encodes byte for byte`, (t) => {
        const value = bytesToVar(bytes, { allowObjects, lossless: true });
        t.is(varToBytes(value, encodeOptions(v)).toString("hex"), v.bytes_hex);
      });
    }
  }
}

test("every one of the 39 types has a vector checked in the encode direction", (t) => {
  const covered = new Set<string>();
  for (const file of FILES) {
    for (const v of loadVectors(file)) {
      if (v.value !== undefined && v.direction !== "decode") covered.add(v.value.type);
    }
  }
  const missing = Array.from({ length: VARIANT_MAX }, (_, id) => VariantType[id] as string).filter((n) => !covered.has(n));
  t.deepEqual(missing, []);
});

// Round-trip properties: random values of every Godot type encode, decode and compare equal, in
// lossless mode (exact value, same bytes again) and in the default mode (plain numbers/strings).
import test from "ava";
import fc from "fast-check";
import assert from "node:assert/strict";
import { decodeVariant, varToBytes, bytesToVar, VariantType, type Variant } from "../src-ts/variant/index.js";
import { variantArbitraries, type ArbitraryOptions } from "./variant-arbitraries.js";
import { toPlain } from "./variant-model.js";

// A fresh seed each run (fast-check prints it with any counterexample); FC_SEED replays one.
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2147483647);
const MODES: Array<{ name: string; opts: ArbitraryOptions }> = [
  { name: "single precision, objects as ids", opts: { realDouble: false, objects: false } },
  { name: "double precision, full objects", opts: { realDouble: true, objects: true } },
];

function roundTrip(value: Variant, opts: ArbitraryOptions): { bytes: Buffer; back: Variant; consumed: number; again: Buffer } {
  const encodeOptions = { fullObjects: opts.objects, realT: opts.realDouble ? ("double" as const) : ("float" as const) };
  const bytes = varToBytes(value, encodeOptions);
  const { value: back, consumed } = decodeVariant(bytes, { allowObjects: opts.objects, lossless: true });
  const again = varToBytes(back, encodeOptions);
  return { bytes, back, consumed, again };
}

for (const mode of MODES) {
  const arbs = variantArbitraries(mode.opts);

  for (const [type, arb] of arbs.byType) {
    test(`${mode.name}: every ${VariantType[type]} round-trips`, (t) => {
      fc.assert(
        fc.property(arb, (value) => {
          const { bytes, back, consumed, again } = roundTrip(value, mode.opts);
          assert.equal(bytes.length % 4, 0);
          assert.equal(consumed, bytes.length);
          assert.deepEqual(back, value);
          assert.equal(again.toString("hex"), bytes.toString("hex"));
          // The header names the type (a null object is written as NIL, as Godot does).
          assert.equal(bytes[0], value === null ? VariantType.NIL : type);
        }),
        { numRuns: 150, seed: SEED },
      );
      t.pass();
    });
  }

  test(`${mode.name}: nested Arrays, Dictionaries and typed containers round-trip (lossless)`, (t) => {
    fc.assert(
      fc.property(arbs.value, (value) => {
        const { bytes, back, consumed, again } = roundTrip(value, mode.opts);
        assert.equal(consumed, bytes.length);
        assert.deepEqual(back, value);
        assert.equal(again.toString("hex"), bytes.toString("hex"));
      }),
      { numRuns: 400, seed: SEED },
    );
    t.pass();
  });

  test(`${mode.name}: the default decode gives the plain form of every value`, (t) => {
    fc.assert(
      fc.property(arbs.value, (value) => {
        const bytes = varToBytes(value, { fullObjects: mode.opts.objects, realT: mode.opts.realDouble ? "double" : "float" });
        assert.deepEqual(bytesToVar(bytes, mode.opts.objects), toPlain(value));
      }),
      { numRuns: 300, seed: SEED },
    );
    t.pass();
  });
}

test("every one of the 39 types is generated", (t) => {
  const seen = new Set<number>();
  const { value } = variantArbitraries({ realDouble: false, objects: false });
  const collect = (bytes: Buffer): void => {
    // Walk headers cheaply through a decode of each sample: record the outer type id.
    seen.add(bytes[0] as number);
  };
  for (const sample of fc.sample(value, { numRuns: 3000, seed: SEED })) collect(varToBytes(sample));
  for (const [type, arb] of variantArbitraries({ realDouble: false, objects: false }).byType) {
    for (const sample of fc.sample(arb, { numRuns: 5, seed: SEED })) if (sample !== null) seen.add(type);
  }
  t.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 39 }, (_, i) => i));
});

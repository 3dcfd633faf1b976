// Per-type coverage of the Variant codec's tests, computed rather than counted by hand:
//  - spec vectors (spec/vectors/variant-*.json in the repository, or $SPEC_VECTORS) per type and
//    direction: "top" = the vector's outermost value has that type, "any" = the type occurs
//    anywhere in the value (nested elements, keys, properties); error vectors are counted by the
//    type id in their outermost header;
//  - round-trip property tests: the types __test__/variant-arbitraries.ts generates per type;
//  - fuzz: the types that occur in values the mutation fuzz encodes (sampled), and the header
//    type ids the random-buffer fuzz produces (by construction 0..40).
// Run: npx tsx scripts/variant-coverage.ts   (prints a markdown table)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { variantArbitraries } from "../__test__/variant-arbitraries.js";
import { varToBytes, bytesToVar, VariantType, VARIANT_MAX, type Variant } from "../src-ts/variant/index.js";
import { variantTypeOf } from "../src-ts/variant/text.js";

const DIR = process.env.SPEC_VECTORS ?? join(__dirname, "..", "spec", "vectors");
const FILES = ["variant-godot-tests.json", "variant-derived.json", "variant-decode-errors.json"];

interface Spec {
  type?: string;
  value?: unknown;
  properties?: Array<[string, Spec]>;
  nested_arrays?: number;
}
interface Vector {
  direction: "encode" | "decode" | "both";
  value?: Spec;
  bytes_hex: string;
  expected_error?: unknown;
}

/** Type names occurring anywhere in a vector value. */
function typesIn(spec: Spec, out: Set<string>): void {
  if (spec.type !== undefined) out.add(spec.type);
  if (spec.type === "ARRAY" && Array.isArray(spec.value)) for (const e of spec.value as Spec[]) typesIn(e, out);
  if (spec.type === "DICTIONARY" && Array.isArray(spec.value)) {
    for (const [k, v] of spec.value as Array<[Spec, Spec]>) {
      typesIn(k, out);
      typesIn(v, out);
    }
  }
  if (spec.type === "OBJECT" && Array.isArray(spec.properties)) for (const [, v] of spec.properties) typesIn(v, out);
}

type Dir = "encode" | "decode" | "both" | "error";
const counts = new Map<string, Record<string, number>>();
const bump = (type: string, key: string): void => {
  const row = counts.get(type) ?? {};
  row[key] = (row[key] ?? 0) + 1;
  counts.set(type, row);
};
let total = 0;
let doubles = 0;
for (const file of FILES) {
  const { vectors } = JSON.parse(readFileSync(join(DIR, file), "utf8")) as { vectors: Vector[] };
  for (const v of vectors) {
    total++;
    if ((v as { flags?: { real_t?: string } }).flags?.real_t === "double") doubles++;
    if (v.expected_error !== undefined || v.value === undefined) {
      const bytes = Buffer.from(v.bytes_hex, "hex");
      const id = bytes.length >= 4 ? (bytes[0] as number) : -1;
      bump(id >= 0 && id < VARIANT_MAX ? (VariantType[id] as string) : "(no valid header)", "error");
      continue;
    }
    const dir: Dir = v.direction;
    bump(v.value.type as string, `top:${dir}`);
    const all = new Set<string>();
    typesIn(v.value, all);
    for (const t of all) bump(t, `any:${dir}`);
  }
}

/** Type ids occurring anywhere in a value (as its encoding says, via a lossless decode). */
function idsIn(value: Variant, out: Set<number>, depth = 0): void {
  out.add(variantTypeOf(value));
  if (depth > 64 || value === null || typeof value !== "object") return;
  if (value instanceof Map) {
    for (const [k, v] of value as Map<Variant, Variant>) {
      idsIn(k, out, depth + 1);
      idsIn(v, out, depth + 1);
    }
  } else if (Array.isArray(value) && variantTypeOf(value) === VariantType.ARRAY) {
    for (const e of value as Variant[]) idsIn(e, out, depth + 1);
  } else if ("properties" in value && Array.isArray((value as { properties: unknown }).properties)) {
    for (const [, v] of (value as { properties: Array<[string, Variant]> }).properties) idsIn(v, out, depth + 1);
  }
}

const SEED = 42;
const roundTrip = new Set<number>();
const roundTripNested = new Set<number>();
for (const opts of [
  { realDouble: false, objects: false },
  { realDouble: true, objects: true },
]) {
  for (const [type, arb] of variantArbitraries(opts).byType) {
    if (fc.sample(arb, { numRuns: 20, seed: SEED }).some((v) => v !== null || type === VariantType.NIL)) roundTrip.add(type);
  }
  // ARRAY and DICTIONARY (untyped and typed) come from the nested-value property.
  for (const v of fc.sample(variantArbitraries(opts).value, { numRuns: 2000, seed: SEED })) {
    const id = variantTypeOf(v);
    if (id === VariantType.ARRAY || id === VariantType.DICTIONARY) roundTripNested.add(id);
  }
}
const fuzzValues = new Set<number>();
for (const [opts, enc] of [
  [{ realDouble: false, objects: false }, {}],
  [{ realDouble: true, objects: true }, { fullObjects: true, realT: "double" as const }],
] as const) {
  for (const v of fc.sample(variantArbitraries(opts).value, { numRuns: 4000, seed: SEED })) {
    // What the fuzz mutates is the encoding; take the types back from it.
    idsIn(bytesToVar(varToBytes(v, enc), { allowObjects: opts.objects, lossless: true }), fuzzValues);
  }
}

const cell = (row: Record<string, number>, p: string): string =>
  `${row[`${p}:encode`] ?? 0}/${row[`${p}:decode`] ?? 0}/${row[`${p}:both`] ?? 0}`;
console.log(`Shared vectors: ${total} in ${FILES.length} files (${doubles} with real_t double). Cells are encode/decode/both counts.`);
console.log("| id | type | outermost e/d/b | anywhere e/d/b | error vectors | round-trip prop | fuzz (mutated values / random headers) |");
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (let id = 0; id < VARIANT_MAX; id++) {
  const name = VariantType[id] as string;
  const row = counts.get(name) ?? {};
  console.log(
    `| ${id} | ${name} | ${cell(row, "top")} | ${cell(row, "any")} | ${row.error ?? 0} | ${roundTrip.has(id) ? "yes" : roundTripNested.has(id) ? "yes (nested-value property)" : "NO"} | ${
      fuzzValues.has(id) ? "yes" : "NO"
    } / yes |`,
  );
}
const other = counts.get("(no valid header)");
if (other !== undefined) console.log(`| – | (no valid header) | | | ${other.error ?? 0} | | |`);

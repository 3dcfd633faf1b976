// Dictionary decoding merges duplicate keys as Godot does (first key and position, last value),
// whatever path the decoder takes for each key (string cache, NUL-cut or non-ASCII text,
// StringName, other types) and however large the Dictionary grows.
import test from "ava";
import fc from "fast-check";
import assert from "node:assert/strict";
import { bytesToVar, varToBytes, Dictionary, Float, StringName, Vector2, type Variant } from "../src-ts/variant/index.js";

/** A STRING (or STRING_NAME) value whose string block has the given padding bytes. */
function stringValue(text: Uint8Array, padding: number, type = 4): Buffer {
  const pad = (4 - (text.length % 4)) % 4;
  const out = Buffer.alloc(8 + text.length + pad, padding);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(text.length, 4);
  Buffer.from(text).copy(out, 8);
  return out;
}

const intValue = (n: number): Buffer => Buffer.from([2, 0, 0, 0, n & 0xff, (n >> 8) & 0xff, 0, 0]);

interface KeySpec {
  /** Bytes of the key's text. */
  text: Uint8Array;
  padding: number;
  stringName: boolean;
}

/** What the key reads as in Godot: text up to the first NUL. */
function keyText(k: KeySpec): string {
  const nul = k.text.indexOf(0);
  return Buffer.from(nul === -1 ? k.text : k.text.subarray(0, nul)).toString("latin1");
}

// Few distinct texts so that keys repeat; some with a NUL inside, some longer than the cache takes.
const keyText$ = fc.constantFrom("a", "b", "ab", "abcd", "abcde", "tick", "x".repeat(40), "a\0zz", "ab\0", "hp", "max_hp");
const keySpec = fc.record({
  text: keyText$.map((s) => Uint8Array.from(Buffer.from(s, "latin1"))),
  padding: fc.constantFrom(0, 0, 0xff, 0x20),
  stringName: fc.boolean(),
});

test("decoded Dictionaries merge duplicate keys like Godot, on every decoding path", (t) => {
  fc.assert(
    fc.property(fc.array(keySpec, { minLength: 0, maxLength: 40 }), fc.boolean(), (keys, lossless) => {
      const parts: Buffer[] = [Buffer.from([27, 0, 0, 0, keys.length, 0, 0, 0])];
      const expected = new Map<string, { key: string; value: number }>();
      keys.forEach((k, i) => {
        parts.push(stringValue(k.text, k.padding, k.stringName ? 21 : 4), intValue(i));
        const text = keyText(k);
        const first = expected.get(text);
        expected.set(text, { key: first?.key ?? text, value: i });
      });
      const d = bytesToVar(Buffer.concat(parts), { lossless }) as Dictionary;
      assert.ok(d instanceof Dictionary);
      const entries = [...d].map(([k, v]): [string, Variant] => [k instanceof StringName ? k.value : (k as string), v]);
      assert.deepEqual(entries, [...expected.values()].map(({ key, value }) => [key, value]));
      for (const [text, { value }] of expected) assert.equal(d.get(text), value);
      // In lossless mode the first key keeps its own type (String or StringName).
      if (lossless) {
        const firstOf = new Map<string, boolean>();
        for (const k of keys) if (!firstOf.has(keyText(k))) firstOf.set(keyText(k), k.stringName);
        for (const k of d.keys()) {
          const text = k instanceof StringName ? k.value : (k as string);
          assert.equal(k instanceof StringName, firstOf.get(text));
        }
      }
    }),
    { numRuns: 1500 },
  );
  t.pass();
});

test("a Dictionary beyond the scan limit finds and merges keys through its index", (t) => {
  const d = new Dictionary();
  for (let i = 0; i < 100; i++) d.set(`k${i}`, i);
  d.set("k5", "again");
  d.set(new StringName("k7"), "string name");
  t.is(d.size, 100);
  t.is(d.get("k5"), "again");
  t.is(d.get("k7"), "string name");
  t.true(d.delete("k0"));
  t.is(d.size, 99);
  t.is(d.get("k99"), 99);
  t.is([...d.keys()][0], "k1");
  for (let i = 1; i < 90; i++) d.delete(`k${i}`);
  t.deepEqual([...d.keys()], ["k90", "k91", "k92", "k93", "k94", "k95", "k96", "k97", "k98", "k99"]);
  t.is(d.get("k95"), 95);
});

test("Dictionary is a Map with Map's API, iteration order and inspect output", (t) => {
  const d = new Dictionary({ b: 1, a: 2 });
  t.true(d instanceof Map);
  t.deepEqual([...d], [["b", 1], ["a", 2]]);
  t.deepEqual([...d.entries()], [["b", 1], ["a", 2]]);
  t.deepEqual([...d.keys()], ["b", "a"]);
  t.deepEqual([...d.values()], [1, 2]);
  const seen: Array<[Variant, Variant]> = [];
  d.forEach((v, k, map) => {
    t.is(map, d);
    seen.push([k, v]);
  });
  t.deepEqual(seen, [["b", 1], ["a", 2]]);
  t.deepEqual(new Map(d), new Map<Variant, Variant>([["b", 1], ["a", 2]]));
  t.is(Object.prototype.toString.call(d), "[object Dictionary]");
  const { inspect } = require("node:util") as typeof import("node:util");
  t.is(inspect(d), "Dictionary(2) { 'b' => 1, 'a' => 2 }");
  t.is(inspect(new Dictionary()), "Dictionary(0) {}");
});

// Large and deep container keys: their identities are digested once long and cached while
// decoding (key-identity.ts). Neither may change which keys are equal.
test("large container keys keep Godot's key equality (int vs float, String = StringName, every code unit)", (t) => {
  const filler = Array.from({ length: 60 }, (_, i) => `item${i}`);
  const long = (last: Variant): Variant[] => [...filler, new Vector2(1, 2), new Dictionary([["k", [1, 2]]]), last];
  const d = new Dictionary();
  d.set(long(1), "int");
  d.set(long(new Float(1)), "float");
  d.set(long("1"), "string");
  d.set(long("\uD800"), "lone high surrogate");
  d.set(long("\uD801"), "another lone surrogate");
  d.set(long("\uFFFD"), "replacement character");
  t.is(d.size, 6);
  t.is(d.get(long(1n)), "int", "1n is the int 1");
  t.is(d.get(long(new Float(1))), "float");
  t.is(d.get(long(new StringName("1"))), "string", "a StringName finds the String");
  t.is(d.get(long("\uD801")), "another lone surrogate");
  t.is(d.get(long(2)), undefined);
  t.is(d.get([...filler, new Vector2(1, 2), new Dictionary([["k", [1, 3]]]), 1]), undefined, "a difference deep inside");
  d.set(long(1), "int again");
  t.is(d.size, 6);
  t.is(d.get(long(1)), "int again");
});

test("decoded deep and large keys merge as Godot merges them and are found by equal keys built later", (t) => {
  const chain = (levels: number, bottom: Variant): Variant => {
    let v: Variant = bottom;
    for (let i = 0; i < levels; i++) v = new Dictionary([[v, i]]);
    return v;
  };
  const big = Array.from({ length: 200 }, (_, i) => i);
  // Pairs: the chain twice (merged, last value wins), a chain with another bottom, the big key twice.
  const bytes = Buffer.concat([
    Buffer.from("1b00000005000000", "hex"),
    varToBytes(chain(300, "bottom")),
    varToBytes("first"),
    varToBytes(chain(300, "bottom")),
    varToBytes("second"),
    varToBytes(chain(300, "other")),
    varToBytes("third"),
    varToBytes(big),
    varToBytes(1),
    varToBytes([...big]),
    varToBytes(2),
  ]);
  const d = bytesToVar(bytes) as Dictionary;
  t.is(d.size, 3);
  t.deepEqual([...d.values()], ["second", "third", 2]);
  t.is(d.get(chain(300, "bottom")), "second");
  t.is(d.get(chain(300, "other")), "third");
  t.is(d.get(chain(299, "bottom")), undefined);
  t.is(d.get(big), 2);
});

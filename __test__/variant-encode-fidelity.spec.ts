// Two encoder details: object container types in Godot's own forms, and errors deep in a value
// that name their path briefly.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import {
  builtinType,
  bytesToVar,
  classType,
  Dictionary,
  TypedArray,
  varToBytes,
  VariantEncodeError,
  VariantType,
  VariantTypeError,
  Vector2,
  type Variant,
} from "../src-ts/variant/index.js";
import { strToVar, varToStr } from "../src-ts/variant/text.js";

const hex = (v: Variant, fullObjects = false): string => varToBytes(v, { fullObjects }).toString("hex");
const ENCODED_OBJECT_AS_ID_BLOCK = "11000000" + Buffer.from("EncodedObjectAsID").toString("hex") + "000000";
const OBJECT_BLOCK = "06000000" + Buffer.from("Object").toString("hex") + "0000";

test("builtinType(OBJECT) is written as Godot writes a script's Array[Object]: class-name kind, EncodedObjectAsID or (full objects) Object", (t) => {
  const objects = new TypedArray(builtinType(VariantType.OBJECT), []);
  t.is(hex(objects), "1c000200" + ENCODED_OBJECT_AS_ID_BLOCK + "00000000");
  t.is(hex(objects), hex(new TypedArray(classType("Node"), [])), "as any class type without full objects");
  t.is(hex(objects, true), "1c000200" + OBJECT_BLOCK + "00000000");
  t.is(hex(objects, true), hex(new TypedArray(classType("Object"), []), true));
  // Dictionary[Object, int]: key kind 2 (bits 16-17), value kind 1 (bits 18-19).
  const dict = new Dictionary([], { keyType: builtinType(VariantType.OBJECT), valueType: builtinType(VariantType.INT) });
  t.is(hex(dict, true), "1b000600" + OBJECT_BLOCK + "02000000" + "00000000");
  t.is(hex(dict), "1b000600" + ENCODED_OBJECT_AS_ID_BLOCK + "02000000" + "00000000");
  // Never the built-in kind with type 24 (what Godot writes only for objects of no class name).
  t.false(hex(objects).startsWith("1c00010018000000"));
});

test("objects of no class name (classType(\"\")): written as built-in type 24, as Godot writes them; text Array[Object] is that type", (t) => {
  const noClass = new TypedArray(classType(""), []);
  t.is(hex(noClass), "1c0001001800000000000000");
  t.is(hex(noClass, true), "1c0001001800000000000000");
  // Godot's str_to_var("Array[Object]([])") types the array with no class name; var_to_bytes then
  // writes type 24.
  const parsed = strToVar("Array[Object]([])");
  t.deepEqual(parsed, noClass);
  t.is(hex(parsed), "1c0001001800000000000000");
  t.is(varToStr(noClass), "Array[Object]([])");
  t.is(varToStr(new TypedArray(builtinType(VariantType.OBJECT), [])), "Array[Object]([])");
  // Lossless: each form Godot writes comes back as itself.
  for (const bytes of ["1c0001001800000000000000", "1c000200" + OBJECT_BLOCK + "00000000"]) {
    const value = bytesToVar(Buffer.from(bytes, "hex"), { allowObjects: true, lossless: true });
    t.is(hex(value, true), bytes);
  }
});

function nestedArrays(levels: number): Variant[] {
  let v: Variant[] = [];
  for (let i = 1; i < levels; i++) v = [v];
  return v;
}

test("an error 1025 levels deep names its path briefly (first and last levels, how many), not [0] a thousand times", (t) => {
  const deep = t.throws(() => varToBytes(nestedArrays(1026)), { instanceOf: VariantEncodeError });
  t.is(deep?.error, GodotError.ERR_OUT_OF_MEMORY);
  t.is(deep?.path, "$" + "[0]".repeat(1025), "path keeps every level");
  t.is(
    deep?.message,
    "ERR_OUT_OF_MEMORY at $[0][0][0][0]…[0][0][0][0] (1025 levels deep): nesting deeper than 1024 levels (or a cycle)",
  );

  const record: Record<string, Variant> = {};
  record.self = record;
  const cycle = t.throws(() => varToBytes(record), { instanceOf: VariantEncodeError });
  t.true((cycle?.message.length ?? Infinity) < 200, cycle?.message);
  t.regex(cycle?.message ?? "", /^ERR_OUT_OF_MEMORY at \$\.self\.self\.self\.self….self\.self\.self\.self \(\d+ levels deep\): /);

  // A type error deep down is shortened the same way; short paths stay whole.
  let bad: Variant = new Vector2(1, "2" as unknown as number);
  for (let i = 0; i < 40; i++) bad = [bad];
  const typeErr = t.throws(() => varToBytes(bad), { instanceOf: VariantTypeError });
  t.is(typeErr?.message.split(":")[0], "$[0][0][0][0]…[0][0][0][0] (40 levels deep)");
  const shallow = t.throws(() => varToBytes({ players: [{ pos: new Vector2(1, "2" as unknown as number) }] }), {
    instanceOf: VariantTypeError,
  });
  t.regex(shallow?.message ?? "", /^\$\.players\[0\]\.pos: /);
});

// varToStr / strToVar: Godot's text form (var_to_str / str_to_var). Expected strings come from
// Godot's documentation and from Godot's own unit tests (tests/core/variant/test_variant.h,
// test_variant_utility.h), or follow from the writer's rules where noted.
import test from "ava";
import fc from "fast-check";
import assert from "node:assert/strict";
import {
  AABB,
  Basis,
  Callable,
  Color,
  Dictionary,
  EncodedObjectAsID,
  Float,
  GodotObject,
  NodePath,
  PackedColorArray,
  PackedStringArray,
  PackedVector2Array,
  PackedVector3Array,
  PackedVector4Array,
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
  TypedArray,
  VariantType,
  Vector2,
  Vector2i,
  Vector3,
  Vector3i,
  Vector4,
  Vector4i,
  builtinType,
  classType,
  scriptType,
  varToBytes,
  type Variant,
} from "../src-ts/variant/index.js";
import {
  strToVar,
  varToStr,
  VariantTextParseError,
  VariantTextWriteError,
  numScientific,
} from "../src-ts/variant/text.js";
import { GodotError } from "../src-ts/errors.js";
import { variantArbitraries } from "./variant-arbitraries.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2147483647);
const f = Math.fround;

/** Same Godot value: same bytes on the wire (single precision, as shipped games). */
function sameVariant(actual: Variant, expected: Variant): boolean {
  return varToBytes(actual).equals(varToBytes(expected));
}

// ------------------------------------------------------------------------------------------------
// Godot's documentation

test("docs: var_to_str of a Dictionary prints one entry per line", (t) => {
  // @GlobalScope.var_to_str: var a = { "a": 1, "b": 2 }; print(var_to_str(a))
  t.is(varToStr({ a: 1, b: 2 }), '{\n"a": 1,\n"b": 2\n}');
});

test("docs: str_to_var reads a Dictionary written inline", (t) => {
  // @GlobalScope.str_to_var: var data = '{ "a": 1, "b": 2 }'; var dict = str_to_var(data); dict["a"] is 1
  const dict = strToVar('{ "a": 1, "b": 2 }');
  t.true(dict instanceof Dictionary);
  t.is((dict as Dictionary).get("a"), 1);
  t.is((dict as Dictionary).get("b"), 2);
});

// ------------------------------------------------------------------------------------------------
// Godot's unit tests

test("godot tests: integers are written in full and clamp to int64 when read", (t) => {
  t.is(varToStr(2147483648), "2147483648");
  t.is(varToStr(9223372036854775807n), "9223372036854775807");
  t.is(strToVar("9223372036854775807"), 9223372036854775807n);
  t.is(strToVar("9223372036854775808"), 9223372036854775807n, "clamped to the maximum");
  t.is(strToVar("-9223372036854775809"), -9223372036854775808n, "clamped to the minimum");
  t.is(strToVar("1e100"), 1e100, "an exponent makes a float");
});

test("godot tests: the largest double is written in scientific notation and reads back", (t) => {
  t.is(varToStr(1.7976931348623157e308), "1.7976931348623157e+308");
  t.is(strToVar("1.7976931348623157e+308"), 1.7976931348623157e308);
  t.deepEqual(strToVar("1.0e+100"), 1e100);
});

test("godot tests: Vector2 components are written with enough digits to read back", (t) => {
  const v = new Vector2(f(1.2), f(3.4));
  t.is(varToStr(v), "Vector2(1.2, 3.4)");
  const back = strToVar("Vector2(1.2, 3.4)") as Vector2;
  t.is(f(back.x), v.x);
  t.is(f(back.y), v.y);
  // Single precision (REAL_T float) and double precision (REAL_T_IS_DOUBLE) builds.
  t.is(varToStr(new Vector2(f(1.234567898765432123456789e30), f(1.234567898765432123456789e-10))), "Vector2(1.2345679e+30, 1.2345679e-10)");
  t.is(
    varToStr(new Vector2(1.234567898765432123456789e30, 1.234567898765432123456789e-10)),
    "Vector2(1.2345678987654322e+30, 1.2345678987654322e-10)",
  );
});

test("godot tests: arrays", (t) => {
  t.is(varToStr([1, "hello", [null]]), '[1, "hello", [null]]');
  t.deepEqual(strToVar('[1, "hello", [null]]'), [1, "hello", [null]]);
  // test_variant_utility.h
  t.is(varToStr([1.2, 3.4, 5.600000000001]), "[1.2, 3.4, 5.600000000001]");
  t.deepEqual(strToVar("[1.2, 3.4, 5.600000000001]"), [1.2, 3.4, 5.600000000001]);
  t.is(varToStr(new Float64Array([1.2, 3.4, 5.600000000001])), "PackedFloat64Array(1.2, 3.4, 5.600000000001)");
  t.deepEqual(strToVar("PackedFloat64Array(1.2, 3.4, 5.600000000001)"), new Float64Array([1.2, 3.4, 5.600000000001]));
});

test("godot tests: dictionaries with any keys, sorted by type then value", (t) => {
  // d = {{1: 2}: 3, 4: "hello", 5: {null: []}}
  const d = new Dictionary([
    [new Dictionary([[1, 2]]), 3],
    [4, "hello"],
    [5, new Dictionary([[null, []]])],
  ]);
  const text = '{\n4: "hello",\n5: {\nnull: []\n},\n{\n1: 2\n}: 3\n}';
  t.is(varToStr(d), text);
  t.true(sameVariant(strToVar(text), new Dictionary([[4, "hello"], [5, new Dictionary([[null, []]])], [new Dictionary([[1, 2]]), 3]])));
});

test("godot tests: String and StringName keys sort together by text", (t) => {
  const d = new Dictionary([
    [new StringName("C"), 3],
    ["A", 1],
    [new StringName("B"), 2],
    ["D", 4],
  ]);
  t.is(varToStr(d), '{\n"A": 1,\n&"B": 2,\n&"C": 3,\n"D": 4\n}');
});

test("godot tests: a recursive array cannot be written (a clear error, no hang)", (t) => {
  const a: Variant[] = [];
  a.push(a);
  t.throws(() => varToStr(a), { instanceOf: VariantTextWriteError });
  const d = new Dictionary();
  d.set(1, d);
  t.throws(() => varToStr(d), { instanceOf: VariantTextWriteError });
});

test("godot PR 98750: a float32 prints its shortest float32 digits (123456789 -> 123456790)", (t) => {
  t.is(varToStr(new Vector2(f(123456789), 0)), "Vector2(123456790, 0)");
  t.is(numScientific(f(123456789), true), "123456790");
  t.is(numScientific(123456789), "123456789");
});

// ------------------------------------------------------------------------------------------------
// Numbers

test("floats: Godot's layout (fixed between 1e-4 and 1e15, else scientific) and .0 on integers", (t) => {
  const cases: Array<[Variant, string]> = [
    [new Float(1), "1.0"],
    [new Float(-3), "-3.0"],
    [0.5, "0.5"],
    [-0, "0.0"],
    [new Float(0), "0.0"],
    [0.1, "0.1"],
    [1 / 3, "0.3333333333333333"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [new Float(1e14), "100000000000000.0"],
    [new Float(1e15), "1e+15"],
    [1e21, "1e+21"],
    [2.5e-300, "2.5e-300"],
    [5e-324, "5e-324"],
    [Infinity, "inf"],
    [-Infinity, "inf_neg"],
    [NaN, "nan"],
    [f(0.1), "0.1"],
  ];
  for (const [value, text] of cases) t.is(varToStr(value), text, `varToStr(${String(value)})`);
  t.is(varToStr(1), "1");
  t.is(varToStr(-42n), "-42");
});

test("floats: every double reads back exactly; a float32 reads back as the same float32", (t) => {
  fc.assert(
    fc.property(fc.double({ noNaN: true }), (d) => {
      const back = strToVar(varToStr(Number.isInteger(d) ? new Float(d) : d));
      const value = back instanceof Float ? back.value : (back as number);
      if (Math.fround(d) === d && !Number.isInteger(d)) {
        // Godot writes a double that is exactly a float32 with the float32's digits.
        assert.equal(Math.fround(value), d);
      } else {
        assert.equal(value, d === 0 ? 0 : d);
      }
    }),
    { numRuns: 2000, seed: SEED },
  );
  fc.assert(
    fc.property(fc.float({ noNaN: true, noDefaultInfinity: false }), (x) => {
      const back = strToVar(varToStr(new Vector2(x, 0))) as Vector2;
      assert.equal(Math.fround(back.x), x === 0 ? 0 : x);
    }),
    { numRuns: 2000, seed: SEED },
  );
  t.pass();
});

test("ints: JS numbers up to 2^53, bigint beyond, int64 range enforced when writing", (t) => {
  t.is(strToVar("9007199254740991"), 9007199254740991);
  t.is(strToVar("9007199254740993"), 9007199254740993n);
  t.is(strToVar("-0"), 0);
  t.throws(() => varToStr(1n << 64n), { instanceOf: VariantTextWriteError });
});

test("numbers: a float token is FLOAT even when integral (Float), an int token INT", (t) => {
  t.deepEqual(strToVar("1.0"), new Float(1));
  t.deepEqual(strToVar("2."), new Float(2));
  t.deepEqual(strToVar("3e2"), new Float(300));
  t.is(strToVar("2.5"), 2.5);
  t.is(strToVar("7"), 7);
  t.is(strToVar("inf"), Infinity);
  t.is(strToVar("-inf"), -Infinity);
  t.is(strToVar("inf_neg"), -Infinity);
  t.true(Number.isNaN(strToVar("nan") as number));
  t.is(varToBytes(strToVar("1.0")).toString("hex"), "030000000000803f", "sent as a float");
});

// ------------------------------------------------------------------------------------------------
// Every built-in type

const TYPE_TEXTS: Array<[string, Variant, string]> = [
  ["null", null, "null"],
  ["bool", true, "true"],
  ["bool false", false, "false"],
  ["int", -7, "-7"],
  ["float", 2.5, "2.5"],
  ["String", 'say "hi"\\\nbye', '"say \\"hi\\"\\\\\nbye"'],
  ["Vector2", new Vector2(1, -2.5), "Vector2(1, -2.5)"],
  ["Vector2i", new Vector2i(3, -4), "Vector2i(3, -4)"],
  ["Rect2", new Rect2(1, 2, 3, 4), "Rect2(1, 2, 3, 4)"],
  ["Rect2i", new Rect2i(1, 2, 3, 4), "Rect2i(1, 2, 3, 4)"],
  ["Vector3", new Vector3(0.5, 0, -1), "Vector3(0.5, 0, -1)"],
  ["Vector3i", new Vector3i(1, 2, 3), "Vector3i(1, 2, 3)"],
  ["Transform2D", new Transform2D(), "Transform2D(1, 0, 0, 1, 0, 0)"],
  ["Transform2D columns", new Transform2D(new Vector2(1, 2), new Vector2(3, 4), new Vector2(5, 6)), "Transform2D(1, 2, 3, 4, 5, 6)"],
  ["Vector4", new Vector4(1, 2, 3, 4), "Vector4(1, 2, 3, 4)"],
  ["Vector4i", new Vector4i(-1, -2, -3, -4), "Vector4i(-1, -2, -3, -4)"],
  ["Plane", new Plane(new Vector3(0, 1, 0), 5), "Plane(0, 1, 0, 5)"],
  ["Quaternion", new Quaternion(), "Quaternion(0, 0, 0, 1)"],
  ["AABB", new AABB(new Vector3(1, 2, 3), new Vector3(4, 5, 6)), "AABB(1, 2, 3, 4, 5, 6)"],
  ["Basis identity", new Basis(), "Basis(1, 0, 0, 0, 1, 0, 0, 0, 1)"],
  // Godot writes a Basis row by row: rows are (x.x, y.x, z.x), (x.y, y.y, z.y), (x.z, y.z, z.z).
  ["Basis rows", new Basis(new Vector3(1, 2, 3), new Vector3(4, 5, 6), new Vector3(7, 8, 9)), "Basis(1, 4, 7, 2, 5, 8, 3, 6, 9)"],
  ["Transform3D", new Transform3D(new Basis(), new Vector3(10, 20, 30)), "Transform3D(1, 0, 0, 0, 1, 0, 0, 0, 1, 10, 20, 30)"],
  ["Projection", new Projection(), "Projection(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1)"],
  ["Color", new Color(1, 0.5, 0, 1), "Color(1, 0.5, 0, 1)"],
  ["StringName", new StringName('a\tb"c'), '&"a\\tb\\"c"'],
  ["NodePath", new NodePath("/root/Main:position:x"), 'NodePath("/root/Main:position:x")'],
  ["RID empty", new RID(), "RID()"],
  ["RID", new RID(42n), "RID(42)"],
  ["Callable", new Callable(), "Callable()"],
  ["Signal", new Signal(5n, "hit"), "Signal()"],
  ["Object", new GodotObject("Node", [["name", "Player"], ["hp", 10]]), 'Object(Node,"name":"Player","hp":10)\n'],
  ["Object as id", new EncodedObjectAsID(7n), 'Object(EncodedObjectAsID,"object_id":7)\n'],
  ["Dictionary", new Dictionary([["hp", 10]]), '{\n"hp": 10\n}'],
  ["Dictionary empty", new Dictionary(), "{}"],
  ["Array", [1, "a", new Vector2(1, 2)], '[1, "a", Vector2(1, 2)]'],
  ["Array empty", [], "[]"],
  ["PackedByteArray", new Uint8Array([0, 1, 255]), "PackedByteArray(0, 1, 255)"],
  ["PackedByteArray empty", new Uint8Array(0), "PackedByteArray()"],
  ["PackedInt32Array", new Int32Array([1, -2]), "PackedInt32Array(1, -2)"],
  ["PackedInt64Array", new BigInt64Array([1n, -(1n << 62n)]), "PackedInt64Array(1, -4611686018427387904)"],
  ["PackedFloat32Array", new Float32Array([0.1, 2]), "PackedFloat32Array(0.1, 2)"],
  ["PackedFloat64Array", new Float64Array([0.1, 2]), "PackedFloat64Array(0.1, 2)"],
  ["PackedStringArray", new PackedStringArray(["a", 'b"\n']), 'PackedStringArray("a", "b\\"\\n")'],
  ["PackedVector2Array", new PackedVector2Array([new Vector2(1, 2), new Vector2(3, 4)]), "PackedVector2Array(1, 2, 3, 4)"],
  ["PackedVector3Array", new PackedVector3Array([new Vector3(1, 2, 3)]), "PackedVector3Array(1, 2, 3)"],
  ["PackedColorArray", new PackedColorArray([new Color(1, 0, 0, 1)]), "PackedColorArray(1, 0, 0, 1)"],
  ["PackedVector4Array", new PackedVector4Array([new Vector4(1, 2, 3, 4)]), "PackedVector4Array(1, 2, 3, 4)"],
  ["Array[int]", new TypedArray(builtinType(VariantType.INT), [1, 2]), "Array[int]([1, 2])"],
  ["Array[float]", new TypedArray(builtinType(VariantType.FLOAT), [1, 2.5]), "Array[float]([1.0, 2.5])"],
  ["Array[StringName]", new TypedArray(builtinType(VariantType.STRING_NAME), ["a"]), 'Array[StringName]([&"a"])'],
  ["Array[Node]", new TypedArray(classType("Node"), [null]), "Array[Node]([null])"],
  ["Array[script]", new TypedArray(scriptType("res://enemy.gd"), []), 'Array[Resource("res://enemy.gd")]([])'],
  [
    "Dictionary[String, int]",
    new Dictionary([["a", 1], ["b", 2]], { keyType: builtinType(VariantType.STRING), valueType: builtinType(VariantType.INT) }),
    'Dictionary[String, int]({\n"a": 1,\n"b": 2\n})',
  ],
  ["Dictionary[int, Variant]", new Dictionary([[1, null]], { keyType: builtinType(VariantType.INT) }), "Dictionary[int, Variant]({\n1: null\n})"],
];

for (const [name, value, text] of TYPE_TEXTS) {
  test(`varToStr: ${name}`, (t) => {
    t.is(varToStr(value), text);
  });
}

/** Types Godot's text form keeps whole (Signal, Callable and objects it writes as placeholders). */
const LOSSY = new Set(["Signal", "Callable", "Object"]);

for (const [name, value, text] of TYPE_TEXTS) {
  if (LOSSY.has(name)) continue;
  test(`round trip: ${name} reads back as the same Variant`, (t) => {
    const back = strToVar(text);
    t.true(sameVariant(back, value), `${text} -> ${varToStr(back)}`);
    t.is(varToStr(back), text);
  });
}

test("round trip: placeholders read back as Godot reads them", (t) => {
  t.deepEqual(strToVar("Signal()"), new Signal());
  t.deepEqual(strToVar("Callable()"), new Callable());
  const o = strToVar('Object(Node,"name":"Player","hp":10)\n') as GodotObject;
  t.true(o instanceof GodotObject);
  t.is(o.className, "Node");
  t.deepEqual(o.properties, [["name", "Player"], ["hp", 10]]);
});

test("typed dictionaries sort their keys too", (t) => {
  const d = new Dictionary([["b", 2], ["a", 1]], { keyType: builtinType(VariantType.STRING), valueType: builtinType(VariantType.FLOAT) });
  t.is(varToStr(d), 'Dictionary[String, float]({\n"a": 1.0,\n"b": 2.0\n})');
});

test("singleLine: dictionaries on one line in insertion order, strings escaped", (t) => {
  const d = new Dictionary([["pos", new Vector2(3, 4)], ["hp", 10], ["tag", "a\nb"]]);
  t.is(varToStr(d, { singleLine: true }), '{"pos": Vector2(3, 4), "hp": 10, "tag": "a\\nb"}');
  t.is(varToStr(new GodotObject("Node", []), { singleLine: true }), "Object(Node,)");
  t.true(sameVariant(strToVar(varToStr(d, { singleLine: true })), d));
});

// ------------------------------------------------------------------------------------------------
// Reading

test("strToVar: JSON documents are Godot text too", (t) => {
  const v = strToVar('{"name": "x", "list": [1, 2.5, true, null, {"k": "\\u00e9\\/"}]}') as Dictionary;
  t.is(v.get("name"), "x");
  const list = v.get("list") as Variant[];
  t.is(list[1], 2.5);
  t.is((list[4] as Dictionary).get("k"), "é/");
});

test("strToVar: white space, comments, trailing commas and old type names", (t) => {
  t.deepEqual(strToVar("  [1,\n 2, ; a comment\n 3,]  ; done"), [1, 2, 3]);
  t.true(sameVariant(strToVar('{"a": 1,}'), { a: 1 }));
  t.deepEqual(strToVar("nil"), null);
  t.deepEqual(strToVar("Quat(0, 0, 0, 1)"), new Quaternion());
  t.deepEqual(strToVar("Matrix32(1, 0, 0, 1, 0, 0)"), new Transform2D());
  t.deepEqual(strToVar("Transform(1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0)"), new Transform3D());
  t.deepEqual(strToVar("Rect3(0, 0, 0, 1, 1, 1)"), new AABB(new Vector3(), new Vector3(1, 1, 1)));
  t.deepEqual(strToVar("PoolIntArray(1, 2)"), new Int32Array([1, 2]));
  t.deepEqual(strToVar('@"old"'), new StringName("old"));
});

test("strToVar: strings take C escapes, \\u and \\U (with UTF-16 pairs joined)", (t) => {
  t.is(strToVar('"a\\tb\\nc\\"d\\\\e\\q"'), 'a\tb\nc"d\\eq');
  t.is(strToVar('"\\u00e9\\ud83d\\ude00\\U01F600"'), "é😀😀");
  t.is(strToVar('"multi\nline"'), "multi\nline");
  t.deepEqual(strToVar('&"name"'), new StringName("name"));
});

test("strToVar: Godot's own reading quirks are kept (\\a and \\v are not escapes when read)", (t) => {
  // Godot's writer escapes BEL as \a in a StringName; its reader has no \a and reads "a".
  t.is(varToStr(new StringName("\x07")), '&"\\a"');
  t.deepEqual(strToVar('&"\\a"'), new StringName("a"));
});

test("strToVar: packed byte arrays as numbers (wrapping like Godot) or base64", (t) => {
  t.deepEqual(strToVar("PackedByteArray(1, 256, -1, 2.9)"), new Uint8Array([1, 0, 255, 2]));
  t.deepEqual(strToVar('PackedByteArray("AQID")'), new Uint8Array([1, 2, 3]));
  t.deepEqual(strToVar("PackedByteArray()"), new Uint8Array(0));
});

test("strToVar: integer vectors truncate and wrap to 32 bits as Godot converts", (t) => {
  t.deepEqual(strToVar("Vector2i(1.9, -1.9)"), new Vector2i(1, -1));
  t.deepEqual(strToVar("Vector2i(4294967297, 2147483648)"), new Vector2i(1, -2147483648));
});

test("strToVar: colors from Color(...) and #rrggbb(aa) are float32", (t) => {
  t.deepEqual(strToVar("#ff8000"), new Color(1, f(128 / 255), 0, 1));
  t.deepEqual(strToVar("#f80"), new Color(1, f(8 / 15), 0, 1));
  t.deepEqual(strToVar("[#00000080]"), [new Color(0, 0, 0, f(128 / 255))]);
  t.deepEqual(strToVar("Color(0.1, 0.2, 0.3, 1)"), new Color(f(0.1), f(0.2), f(0.3), 1));
});

test("strToVar: typed containers convert their elements as Godot's assign does", (t) => {
  const floats = strToVar("Array[float]([1, 2.5])") as TypedArray;
  t.true(floats instanceof TypedArray);
  t.deepEqual(floats.elementType, builtinType(VariantType.FLOAT));
  t.deepEqual([...floats], [new Float(1), 2.5]);
  const names = strToVar('Array[StringName](["a"])') as TypedArray;
  t.deepEqual([...names], [new StringName("a")]);
  const dict = strToVar('Dictionary[String, Vector2i]({"a": Vector2(1.5, 2)})') as Dictionary;
  t.deepEqual(dict.keyType, builtinType(VariantType.STRING));
  t.deepEqual(dict.get("a"), new Vector2i(1, 2));
  t.deepEqual(strToVar("Array[Variant]([1])"), [1], "Array[Variant] is untyped");
  const nodes = strToVar("Array[Node]([null])") as TypedArray;
  t.deepEqual(nodes.elementType, classType("Node"));
  const scripted = strToVar('Array[Resource("res://a.gd")]([])') as TypedArray;
  t.deepEqual(scripted.elementType, scriptType("res://a.gd"));
  const resources = strToVar("Array[Resource]([])") as TypedArray;
  t.deepEqual(resources.elementType, classType("Resource"));
});

// ------------------------------------------------------------------------------------------------
// Mistakes: where and why

const ERRORS: Array<[string, string, number, number, number]> = [
  // text, detail, line, column, offset
  ["", "Expected value, got EOF", 1, 1, 0],
  ["Vector2(1, 2", "Expected ',' or ')' in constructor", 1, 13, 12],
  ["Vector2(1)", "Expected 2 arguments for constructor", 1, 1, 0],
  ["Vector2(1, x)", "Expected float in constructor", 1, 12, 11],
  ["Vector2 1, 2)", "Expected '(' in constructor", 1, 9, 8],
  ['{"a" 1}', "Expected ':'", 1, 6, 5],
  ['{"a": 1 "b": 2}', "Expected '}' or ','", 1, 9, 8],
  ["[1 2]", "Expected ','", 1, 4, 3],
  ["[1, 2", "Unexpected EOF while parsing array", 1, 6, 5],
  ['"abc', "Unterminated string", 1, 1, 0],
  ['"\\u12G4"', "Malformed hex constant in string", 1, 6, 5],
  ['"\\ud800x"', "Invalid UTF-16 sequence in string, unpaired lead surrogate", 1, 8, 7],
  ['"\\udc00"', "Invalid UTF-16 sequence in string, unpaired trail surrogate", 1, 2, 1],
  ["&name", "Expected '\"' after '&'", 1, 2, 1],
  ["foo", "Unexpected identifier 'foo'", 1, 1, 0],
  ["1 2", "Unexpected number after the value", 1, 3, 2],
  ["-", "Unexpected character", 1, 2, 1],
  ["$", "Unexpected character", 1, 1, 0],
  ["{\n\"hp\": 10,\n\"pos\": Vector3(1, 2)\n}", "Expected 3 arguments for constructor", 3, 8, 19],
  ["[1,\n  2,\n  Vector2(1, ?)]", "Unexpected character", 3, 14, 22],
  ["NodePath(1)", "Expected string as argument for NodePath()", 1, 10, 9],
  ["RID(x)", "Expected number as argument or ')'", 1, 5, 4],
  ['Array[int]([1, "a"])', 'Unable to convert array index 1 from "String" to "int".', 1, 16, 15],
  ["Array(1)", "Expected '['", 1, 6, 5],
  ['Resource("res://x.tres")', "Cannot load Resource() outside Godot (resource references are not supported)", 1, 1, 0],
  ["#12345", "Invalid color code: #12345", 1, 1, 0],
  ['PackedByteArray("@@")', "Invalid base64-encoded string", 1, 17, 16],
  ["Object(Node,1)", "Expected property name as string", 1, 13, 12],
];

for (const [text, detail, line, column, offset] of ERRORS) {
  test(`parse error: ${JSON.stringify(text)}`, (t) => {
    const err = t.throws(() => strToVar(text), { instanceOf: VariantTextParseError });
    t.is(err?.detail, detail);
    t.deepEqual([err?.line, err?.column, err?.offset], [line, column, offset]);
    t.is(err?.code, GodotError.ERR_PARSE_ERROR);
    t.is(err?.message, `${detail} at line ${line}, column ${column} (offset ${offset})`);
  });
}

test("parse error: columns count characters, not UTF-16 units", (t) => {
  const err = t.throws(() => strToVar('["😀", ?]'), { instanceOf: VariantTextParseError });
  t.is(err?.column, 7);
  t.is(err?.offset, 7);
});

test("parse error: deep nesting fails cleanly instead of overflowing the stack", (t) => {
  const err = t.throws(() => strToVar("[".repeat(5000)), { instanceOf: VariantTextParseError });
  t.regex(err?.detail ?? "", /Nesting deeper than 1024/);
  t.notThrows(() => strToVar("[".repeat(500) + "]".repeat(500)));
});

test("strToVar refuses a non-string argument with a TypeError", (t) => {
  t.throws(() => strToVar(42 as unknown as string), { instanceOf: TypeError });
});

test("varToStr refuses values with no Variant form", (t) => {
  t.throws(() => varToStr((() => 1) as unknown as Variant), { instanceOf: VariantTextWriteError });
  t.throws(() => varToStr(new Date() as unknown as Variant), { instanceOf: VariantTextWriteError });
});

// ------------------------------------------------------------------------------------------------
// Properties over random values of every type

/** Godot's reader has no `\a` / `\v` escapes, so strings holding BEL or VT do not survive its round trip. */
function hasBellOrTab(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (typeof value === "string") return /[\x07\x0b]/.test(value);
  if (value === null || typeof value !== "object") return false;
  if (value instanceof Map) {
    for (const [k, v] of value) if (hasBellOrTab(k, depth + 1) || hasBellOrTab(v, depth + 1)) return true;
    return false;
  }
  if (ArrayBuffer.isView(value)) return false;
  return Object.values(value).some((v) => hasBellOrTab(v, depth + 1));
}

const arbs = variantArbitraries({ realDouble: false, objects: false });

/**
 * One round trip through the text settles a value: reading the text back and writing it again
 * gives the same text from then on, and the same Variant. (The first round may change the digits
 * of a FLOAT holding an exact float32: Godot writes it with the float32's shortest digits, which
 * read back as a nearby double. Godot does the same.)
 */
function assertSettles(value: Variant, write: (v: Variant) => string): string {
  const first = write(value);
  const settled = strToVar(first);
  const second = write(settled);
  assert.equal(write(strToVar(second)), second, `${first} -> ${second}`);
  assert.ok(sameVariant(strToVar(second), settled), `${second} reads back as another value`);
  return first;
}

/**
 * Types whose text is exact on the first round: all but doubles holding float32 values (see
 * above) and NodePaths whose names hold "/" or ":" (a NodePath's text cannot say that).
 */
const EXACT_FIRST_ROUND = (type: VariantType): boolean =>
  type !== VariantType.FLOAT && type !== VariantType.PACKED_FLOAT64_ARRAY && type !== VariantType.NODE_PATH;

test("property: every type's text reads back to a value that writes the same text", (t) => {
  for (const [type, arb] of arbs.byType) {
    fc.assert(
      fc.property(arb, (value) => {
        fc.pre(!hasBellOrTab(value));
        const text = assertSettles(value, (v) => varToStr(v));
        if (EXACT_FIRST_ROUND(type)) assert.equal(varToStr(strToVar(text)), text, `${VariantType[type]}: ${text}`);
      }),
      { numRuns: 60, seed: SEED },
    );
  }
  t.pass();
});

test("property: nested containers (typed and untyped) survive the text, on one line too", (t) => {
  fc.assert(
    fc.property(arbs.value, (value) => {
      fc.pre(!hasBellOrTab(value));
      assertSettles(value, (v) => varToStr(v));
      const line = assertSettles(value, (v) => varToStr(v, { singleLine: true }));
      assert.ok(!line.includes("\n"), "one line");
    }),
    { numRuns: 300, seed: SEED },
  );
  t.pass();
});

test("key order: values in typed containers sort as the type Godot holds them as, so the text reads back in the same order", (t) => {
  // Array[StringName]([&""]) holds a StringName (type 21), which sorts after the Vector3i (type 10)
  // of an untyped array, whether the JS value holds a string or a StringName.
  const typed = new TypedArray(builtinType(VariantType.STRING_NAME), [""]);
  const untyped = [new Vector3i(0, 0, 0)];
  const text = varToStr(new Map<Variant, Variant>([[typed, 1], [untyped, 2]]));
  t.is(text, '{\n[Vector3i(0, 0, 0)]: 2,\nArray[StringName]([&""]): 1\n}');
  t.is(varToStr(strToVar(text)), text);
  // Integral keys of a Dictionary[float, int] are floats: ordered by value with the fractional ones.
  const floats = new Dictionary(
    [
      [1, 1],
      [0.5, 2],
    ],
    { keyType: builtinType(VariantType.FLOAT), valueType: builtinType(VariantType.INT) },
  );
  const floatText = varToStr(floats);
  t.is(floatText, "Dictionary[float, int]({\n0.5: 2,\n1.0: 1\n})");
  t.is(varToStr(strToVar(floatText)), floatText);
});

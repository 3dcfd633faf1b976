/**
 * `strToVar`: Godot's `str_to_var` (`VariantParser::parse`) for the built-in types, with Godot's
 * grammar and messages, and two differences that make it safer to use:
 * - a mistake throws `VariantTextParseError` saying where (line, column, offset) instead of
 *   returning null;
 * - anything but white space or a `;` comment after the value is a mistake (Godot ignores it).
 *
 * Values come back in the codec's JS forms: an int as a number (a bigint beyond 2^53), a float as
 * a number, or as `Float` when integral so it stays a float when encoded (`1.0`); the components
 * of Vector2, Rect2, Transform3D ... (Godot's `real_t`) and of Color are rounded to float32 as a
 * single-precision Godot build (every shipped game) stores them; every
 * Dictionary as `Dictionary` (any key type, insertion order), typed containers as `TypedArray` /
 * typed `Dictionary`, packed number arrays as typed arrays, objects as `GodotObject` (nothing is
 * instantiated). Old names Godot still reads (`Transform`, `Quat`, `PoolIntArray`, `Matrix3` ...)
 * are read too. Resource references cannot be loaded outside Godot and are refused.
 */
import { VariantType } from "./variant-type.js";
import {
  ENCODED_OBJECT_AS_ID_CLASS,
  builtinType,
  classType,
  scriptType,
  type ContainerType,
} from "./container-type.js";
import {
  AABB,
  Basis,
  Callable,
  Color,
  EncodedObjectAsID,
  Float,
  GodotObject,
  NodePath,
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
  Vector2,
  Vector2i,
  Vector3,
  Vector3i,
  Vector4,
  Vector4i,
  type Variant,
} from "./types.js";
import { Dictionary } from "./dictionary.js";
import {
  PackedColorArray,
  PackedStringArray,
  PackedVector2Array,
  PackedVector3Array,
  PackedVector4Array,
  TypedArray,
} from "./arrays.js";
import { Lexer, tokenName, type Token } from "./text-lexer.js";
import { TYPE_NAMES, typeName, variantTypeOf } from "./text-kind.js";

const MAX_DEPTH = 1024;

/** A number argument of a constructor, before conversion to the component type. */
type NumberArg = { int: bigint } | { float: number };

/** Godot's `stor_fix`: the identifiers a constructor takes as numbers. */
function specialFloat(identifier: string): number | undefined {
  switch (identifier) {
    case "inf":
      return Infinity;
    case "-inf":
    case "inf_neg":
      return -Infinity;
    case "nan":
      return NaN;
    default:
      return undefined;
  }
}

function asDouble(arg: NumberArg): number {
  return "int" in arg ? Number(arg.int) : arg.float;
}

/**
 * A `real_t` component as a single-precision Godot build stores it (float32), so a value reads
 * back as Godot holds it and writes out again with the same digits.
 */
function asReal(arg: NumberArg): number {
  return Math.fround(asDouble(arg));
}

/** C++'s double-to-int conversion as x86 does it: truncation, INT_MIN when out of range or NaN. */
function truncateToInt(value: number, bits: 32 | 64): bigint {
  const limit = 2 ** (bits - 1);
  if (!Number.isFinite(value) || value >= limit || value < -limit) return -(1n << BigInt(bits - 1));
  return BigInt(Math.trunc(value));
}

function asInt32(arg: NumberArg): number {
  const v = "int" in arg ? arg.int : truncateToInt(arg.float, 32);
  return Number(BigInt.asIntN(32, v));
}

function asInt64(arg: NumberArg): bigint {
  return "int" in arg ? BigInt.asIntN(64, arg.int) : truncateToInt(arg.float, 64);
}

function asUint8(arg: NumberArg): number {
  const v = "int" in arg ? arg.int : truncateToInt(arg.float, 32);
  return Number(BigInt.asUintN(8, v));
}

/** An INT value in the codec's form: a number when exact, otherwise a bigint. */
function intValue(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * A FLOAT value in the codec's form (as lossless decoding returns it): a float the encoder would
 * take for an int (a safe integer, not -0) is wrapped in `Float`; any other number is a float.
 */
function floatValue(v: number): number | Float {
  return Number.isSafeInteger(v) && !Object.is(v, -0) ? new Float(v) : v;
}

/** The built-in type names a typed container may name (`Nil` is not one of them, as in Godot). */
const BUILTIN_TYPES = new Map<string, VariantType>(
  TYPE_NAMES.map((name, id) => [name, id as VariantType] as const).filter(([, id]) => id !== VariantType.NIL),
);

type Constructor = (args: NumberArg[]) => Variant;

/** Every constructor `_parse_construct` reads: its argument count and how to build the value. */
const CONSTRUCTORS = new Map<string, { count: number | "any"; build: Constructor }>();

function defineConstructor(names: string[], count: number | "any", build: Constructor): void {
  for (const name of names) CONSTRUCTORS.set(name, { count, build });
}

defineConstructor(["Vector2"], 2, (a) => new Vector2(...a.map(asReal)));
defineConstructor(["Vector2i"], 2, (a) => new Vector2i(...a.map(asInt32)));
defineConstructor(["Rect2"], 4, (a) => {
  const [x, y, w, h] = a.map(asReal) as [number, number, number, number];
  return new Rect2(x, y, w, h);
});
defineConstructor(["Rect2i"], 4, (a) => {
  const [x, y, w, h] = a.map(asInt32) as [number, number, number, number];
  return new Rect2i(x, y, w, h);
});
defineConstructor(["Vector3"], 3, (a) => new Vector3(...a.map(asReal)));
defineConstructor(["Vector3i"], 3, (a) => new Vector3i(...a.map(asInt32)));
defineConstructor(["Vector4"], 4, (a) => new Vector4(...a.map(asReal)));
defineConstructor(["Vector4i"], 4, (a) => new Vector4i(...a.map(asInt32)));
defineConstructor(["Transform2D", "Matrix32"], 6, (a) => {
  const v = a.map(asReal);
  return new Transform2D(new Vector2(v[0], v[1]), new Vector2(v[2], v[3]), new Vector2(v[4], v[5]));
});
defineConstructor(["Plane"], 4, (a) => {
  const [x, y, z, d] = a.map(asReal) as [number, number, number, number];
  return new Plane(x, y, z, d);
});
defineConstructor(["Quaternion", "Quat"], 4, (a) => new Quaternion(...a.map(asReal)));
defineConstructor(["AABB", "Rect3"], 6, (a) => {
  const v = a.map(asReal);
  return new AABB(new Vector3(v[0], v[1], v[2]), new Vector3(v[3], v[4], v[5]));
});
/** The text holds a Basis row by row; the JS form holds its columns. */
function basisFromRows(v: number[]): Basis {
  return new Basis(new Vector3(v[0], v[3], v[6]), new Vector3(v[1], v[4], v[7]), new Vector3(v[2], v[5], v[8]));
}
defineConstructor(["Basis", "Matrix3"], 9, (a) => basisFromRows(a.map(asReal)));
defineConstructor(["Transform3D", "Transform"], 12, (a) => {
  const v = a.map(asReal);
  return new Transform3D(basisFromRows(v.slice(0, 9)), new Vector3(v[9], v[10], v[11]));
});
defineConstructor(["Projection"], 16, (a) => {
  const v = a.map(asReal);
  const col = (i: number): Vector4 => new Vector4(v[i], v[i + 1], v[i + 2], v[i + 3]);
  return new Projection(col(0), col(4), col(8), col(12));
});
defineConstructor(["Color"], 4, (a) => {
  const [r, g, b, alpha] = a.map(asReal) as [number, number, number, number];
  return new Color(r, g, b, alpha);
});
defineConstructor(["PackedInt32Array", "PackedIntArray", "PoolIntArray", "IntArray"], "any", (a) =>
  Int32Array.from(a.map(asInt32)),
);
defineConstructor(["PackedInt64Array"], "any", (a) => BigInt64Array.from(a.map(asInt64)));
defineConstructor(["PackedFloat32Array", "PackedRealArray", "PoolRealArray", "FloatArray"], "any", (a) =>
  Float32Array.from(a.map(asReal)),
);
defineConstructor(["PackedFloat64Array"], "any", (a) => Float64Array.from(a.map(asDouble)));
// Packed vector arrays take a flat list of components; a partial last element is dropped (Godot).
defineConstructor(["PackedVector2Array", "PoolVector2Array", "Vector2Array"], "any", (a) => {
  const v = a.map(asReal);
  const out = new PackedVector2Array();
  for (let i = 0; i + 2 <= v.length; i += 2) out.push(new Vector2(v[i], v[i + 1]));
  return out;
});
defineConstructor(["PackedVector3Array", "PoolVector3Array", "Vector3Array"], "any", (a) => {
  const v = a.map(asReal);
  const out = new PackedVector3Array();
  for (let i = 0; i + 3 <= v.length; i += 3) out.push(new Vector3(v[i], v[i + 1], v[i + 2]));
  return out;
});
defineConstructor(["PackedVector4Array", "PoolVector4Array", "Vector4Array"], "any", (a) => {
  const v = a.map(asReal);
  const out = new PackedVector4Array();
  for (let i = 0; i + 4 <= v.length; i += 4) out.push(new Vector4(v[i], v[i + 1], v[i + 2], v[i + 3]));
  return out;
});
defineConstructor(["PackedColorArray", "PoolColorArray", "ColorArray"], "any", (a) => {
  const v = a.map(asReal);
  const out = new PackedColorArray();
  for (let i = 0; i + 4 <= v.length; i += 4) out.push(new Color(v[i], v[i + 1], v[i + 2], v[i + 3]));
  return out;
});

const BYTE_ARRAY_NAMES = new Set(["PackedByteArray", "PoolByteArray", "ByteArray"]);
const STRING_ARRAY_NAMES = new Set(["PackedStringArray", "PoolStringArray", "StringArray"]);
const RESOURCE_NAMES = new Set(["Resource", "SubResource", "ExtResource"]);

class Parser {
  private readonly lexer: Lexer;

  constructor(text: string) {
    this.lexer = new Lexer(text);
  }

  private fail(detail: string, at: Token | number): never {
    return this.lexer.fail(detail, typeof at === "number" ? at : at.start);
  }

  private next(): Token {
    return this.lexer.next();
  }

  private expectPunct(value: string, detail: string): Token {
    const token = this.next();
    if (token.kind !== "punct" || token.value !== value) this.fail(detail, token);
    return token;
  }

  parseDocument(): Variant {
    const first = this.next();
    const value = this.parseValue(first, 0);
    const after = this.next();
    if (after.kind !== "eof") this.fail(`Unexpected ${tokenName(after)} after the value`, after);
    return value;
  }

  private parseValue(token: Token, depth: number): Variant {
    if (depth > MAX_DEPTH) this.fail(`Nesting deeper than ${MAX_DEPTH} levels`, token);
    switch (token.kind) {
      case "int":
        return intValue(token.value);
      case "float":
        return floatValue(token.value);
      case "string":
        return token.value;
      case "stringName":
        return new StringName(token.value);
      case "color":
        return new Color(...token.value);
      case "identifier":
        return this.parseIdentifier(token, depth);
      case "punct":
        if (token.value === "{") return this.parseDictionaryBody(depth);
        if (token.value === "[") return this.parseArrayBody(depth);
        break;
      case "eof":
        break;
    }
    return this.fail(`Expected value, got ${tokenName(token)}`, token);
  }

  private parseIdentifier(token: Token & { kind: "identifier" }, depth: number): Variant {
    const id = token.value;
    switch (id) {
      case "true":
        return true;
      case "false":
        return false;
      case "null":
      case "nil":
        return null;
      case "inf":
        return Infinity;
      case "-inf":
      case "inf_neg":
        return -Infinity;
      case "nan":
        return NaN;
      case "NodePath":
        return this.parseNodePath();
      case "RID":
        return this.parseRid();
      case "Signal":
        this.expectEmptyParens();
        return new Signal();
      case "Callable":
        this.expectEmptyParens();
        return new Callable();
      case "Object":
        return this.parseObject(depth);
      case "Dictionary":
        return this.parseTypedDictionary(depth);
      case "Array":
        return this.parseTypedArray(depth);
      default:
        break;
    }
    if (BYTE_ARRAY_NAMES.has(id)) return this.parseByteArray();
    if (STRING_ARRAY_NAMES.has(id)) return this.parseStringArray();
    if (RESOURCE_NAMES.has(id)) {
      this.fail(`Cannot load ${id}() outside Godot (resource references are not supported)`, token);
    }
    const ctor = CONSTRUCTORS.get(id);
    if (ctor !== undefined) {
      const args = this.parseConstruct();
      if (ctor.count !== "any" && args.length !== ctor.count) {
        this.fail(`Expected ${ctor.count} arguments for constructor`, token);
      }
      return ctor.build(args);
    }
    return this.fail(`Unexpected identifier '${id}'`, token);
  }

  /** A number for a constructor: a number token or one of `inf`, `-inf`, `inf_neg`, `nan`. */
  private numberArg(token: Token, detail: string): NumberArg {
    if (token.kind === "int") return { int: token.value };
    if (token.kind === "float") return { float: token.value };
    if (token.kind === "identifier") {
      const special = specialFloat(token.value);
      if (special !== undefined) return { float: special };
    }
    return this.fail(detail, token);
  }

  /** Godot's `_parse_construct`: `( n, n, ... )`, possibly empty. */
  private parseConstruct(): NumberArg[] {
    this.expectPunct("(", "Expected '(' in constructor");
    const args: NumberArg[] = [];
    let first = true;
    for (;;) {
      if (!first) {
        const sep = this.next();
        if (sep.kind === "punct" && sep.value === ")") break;
        if (sep.kind !== "punct" || sep.value !== ",") this.fail("Expected ',' or ')' in constructor", sep);
      }
      const token = this.next();
      if (first && token.kind === "punct" && token.value === ")") break;
      args.push(this.numberArg(token, "Expected float in constructor"));
      first = false;
    }
    return args;
  }

  /** `PackedByteArray(1, 2)`, `PackedByteArray("base64")` or `PackedByteArray()`. */
  private parseByteArray(): Uint8Array {
    this.expectPunct("(", "Expected '(' in constructor");
    let token = this.next();
    if (token.kind === "string") {
      const text = token.value;
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
        this.fail("Invalid base64-encoded string", token);
      }
      this.expectPunct(")", "Expected ')' in constructor");
      return new Uint8Array(Buffer.from(text, "base64"));
    }
    if (token.kind === "punct" && token.value === ")") return new Uint8Array(0);
    if (token.kind !== "int" && token.kind !== "float" && token.kind !== "identifier") {
      this.fail("Expected base64 string, or list of numbers in constructor", token);
    }
    const bytes: number[] = [];
    for (;;) {
      bytes.push(asUint8(this.numberArg(token, "Expected number in constructor")));
      const sep = this.next();
      if (sep.kind === "punct" && sep.value === ")") break;
      if (sep.kind !== "punct" || sep.value !== ",") this.fail("Expected ',' or ')' in constructor", sep);
      token = this.next();
    }
    return Uint8Array.from(bytes);
  }

  private parseStringArray(): PackedStringArray {
    this.expectPunct("(", "Expected '('");
    const out = new PackedStringArray();
    let first = true;
    for (;;) {
      if (!first) {
        const sep = this.next();
        if (sep.kind === "punct" && sep.value === ")") break;
        if (sep.kind !== "punct" || sep.value !== ",") this.fail("Expected ',' or ')'", sep);
      }
      const token = this.next();
      if (token.kind === "punct" && token.value === ")") break;
      if (token.kind !== "string") this.fail("Expected string", token);
      out.push(token.value);
      first = false;
    }
    return out;
  }

  private parseNodePath(): NodePath {
    this.expectPunct("(", "Expected '('");
    const token = this.next();
    if (token.kind !== "string") this.fail("Expected string as argument for NodePath()", token);
    this.expectPunct(")", "Expected ')'");
    return new NodePath(token.value);
  }

  private parseRid(): RID {
    this.expectPunct("(", "Expected '('");
    const token = this.next();
    if (token.kind === "punct" && token.value === ")") return new RID();
    if (token.kind !== "int" && token.kind !== "float") this.fail("Expected number as argument or ')'", token);
    const id = token.kind === "int" ? BigInt.asUintN(64, token.value) : BigInt.asUintN(64, truncateToInt(token.value, 64));
    this.expectPunct(")", "Expected ')'");
    return new RID(id);
  }

  private expectEmptyParens(): void {
    this.expectPunct("(", "Expected '('");
    this.expectPunct(")", "Expected ')'");
  }

  /**
   * `Object(Class,"prop":value,...)`: kept as data, never instantiated. Godot's stand-in for an
   * object sent as an id, `Object(EncodedObjectAsID,"object_id":N)`, reads back as that id.
   */
  private parseObject(depth: number): GodotObject | EncodedObjectAsID {
    this.expectPunct("(", "Expected '('");
    const cls = this.next();
    if (cls.kind !== "identifier") this.fail("Expected identifier with type of object", cls);
    this.expectPunct(",", "Expected ',' after object type");
    const object = new GodotObject(cls.value);
    let needComma = false;
    for (;;) {
      const token = this.next();
      if (token.kind === "punct" && token.value === ")") return asEncodedId(object) ?? object;
      if (token.kind === "eof") this.fail("Unexpected EOF while parsing Object()", token);
      if (needComma) {
        if (token.kind !== "punct" || token.value !== ",") this.fail("Expected '}' or ','", token);
        needComma = false;
        continue;
      }
      if (token.kind !== "string") this.fail("Expected property name as string", token);
      this.expectPunct(":", "Expected ':'");
      object.set(token.value, this.parseValue(this.next(), depth + 1));
      needComma = true;
    }
  }

  /** Godot's `_parse_array` after the `[`: values separated by commas, a trailing comma allowed. */
  private parseArrayBody(depth: number, starts?: number[]): Variant[] {
    const out: Variant[] = [];
    let needComma = false;
    for (;;) {
      const token = this.next();
      if (token.kind === "eof") this.fail("Unexpected EOF while parsing array", token);
      if (token.kind === "punct" && token.value === "]") return out;
      if (needComma) {
        if (token.kind !== "punct" || token.value !== ",") this.fail("Expected ','", token);
        needComma = false;
        continue;
      }
      starts?.push(token.start);
      out.push(this.parseValue(token, depth + 1));
      needComma = true;
    }
  }

  /** Godot's `_parse_dictionary` after the `{`: `key: value` pairs, a trailing comma allowed. */
  private parseDictionaryBody(depth: number): Dictionary {
    const out = new Dictionary();
    let needComma = false;
    for (;;) {
      const token = this.next();
      if (token.kind === "eof") this.fail("Unexpected EOF while parsing dictionary", token);
      if (token.kind === "punct" && token.value === "}") return out;
      if (needComma) {
        if (token.kind !== "punct" || token.value !== ",") this.fail("Expected '}' or ','", token);
        needComma = false;
        continue;
      }
      const key = this.parseValue(token, depth + 1);
      this.expectPunct(":", "Expected ':'");
      out.set(key, this.parseValue(this.next(), depth + 1));
      needComma = true;
    }
  }

  /**
   * The type inside `Array[...]` / `Dictionary[..., ...]`. Returns the type and the token after
   * it when reading it consumed one (`Resource` directly followed by `,` or `]`).
   */
  private parseContainerType(token: Token, detail: string): { type: ContainerType | null; after?: Token } {
    if (token.kind !== "identifier") this.fail(detail, token);
    const builtin = BUILTIN_TYPES.get(token.value);
    // Godot's parser types `Array[Object]` as objects of no class name (written as type 24).
    if (builtin === VariantType.OBJECT) return { type: classType("") };
    if (builtin !== undefined) return { type: builtinType(builtin) };
    if (token.value === "Variant") return { type: null };
    if (RESOURCE_NAMES.has(token.value)) {
      const open = this.next();
      if (token.value === "Resource" && open.kind === "punct" && (open.value === "," || open.value === "]")) {
        return { type: classType("Resource"), after: open };
      }
      if (open.kind !== "punct" || open.value !== "(") this.fail("Expected '('", open);
      // A script type: `Resource("res://x.gd")` or `Resource("uid://...", "res://x.gd")`.
      let path: string | undefined;
      for (;;) {
        const part = this.next();
        if (part.kind !== "string") this.fail("Expected string as argument for Resource()", part);
        if (path === undefined || path.startsWith("uid://")) path = part.value;
        const sep = this.next();
        if (sep.kind === "punct" && sep.value === ")") break;
        if (sep.kind !== "punct" || sep.value !== ",") this.fail("Expected ')'", sep);
      }
      return { type: scriptType(path) };
    }
    // Godot checks the name against its class list; outside Godot every identifier is a class.
    return { type: classType(token.value) };
  }

  private parseTypedArray(depth: number): TypedArray | Variant[] {
    this.expectPunct("[", "Expected '['");
    const typeToken = this.next();
    const { type, after } = this.parseContainerType(typeToken, "Expected type identifier");
    const close = after ?? this.next();
    if (close.kind !== "punct" || close.value !== "]") this.fail("Expected ']'", close);
    this.expectPunct("(", "Expected '('");
    this.expectPunct("[", "Expected '['");
    const starts: number[] = [];
    const values = this.parseArrayBody(depth, starts);
    this.expectPunct(")", "Expected ')'");
    if (type === null) return values;
    return new TypedArray(
      type,
      values.map((v, i) =>
        convertTo(v, type, () => `Unable to convert array index ${i}`, (d) => this.fail(d, starts[i] ?? typeToken.start)),
      ),
    );
  }

  private parseTypedDictionary(depth: number): Dictionary {
    this.expectPunct("[", "Expected '['");
    const keyToken = this.next();
    const key = this.parseContainerType(keyToken, "Expected type identifier for key");
    const comma = key.after ?? this.next();
    if (comma.kind !== "punct" || comma.value !== ",") this.fail("Expected ',' after key type", comma);
    const valueToken = this.next();
    const value = this.parseContainerType(valueToken, "Expected type identifier for value");
    const close = value.after ?? this.next();
    if (close.kind !== "punct" || close.value !== "]") this.fail("Expected ']'", close);
    this.expectPunct("(", "Expected '('");
    this.expectPunct("{", "Expected '{'");
    const entries = this.parseDictionaryBody(depth);
    this.expectPunct(")", "Expected ')'");
    const out = new Dictionary(null, { keyType: key.type, valueType: value.type });
    for (const [k, v] of entries) {
      out.set(
        key.type === null ? k : convertTo(k, key.type, () => "Unable to convert key", (d) => this.fail(d, keyToken)),
        value.type === null
          ? v
          : convertTo(v, value.type, () => "Unable to convert value", (d) => this.fail(d, valueToken)),
      );
    }
    return out;
  }
}

/** An `EncodedObjectAsID` written as a generic object, back in its own form. */
function asEncodedId(object: GodotObject): EncodedObjectAsID | undefined {
  if (object.className !== ENCODED_OBJECT_AS_ID_CLASS || object.properties.length !== 1) return undefined;
  const id = object.get("object_id");
  // Godot writes the id as a signed int64.
  if (typeof id === "number" && Number.isSafeInteger(id)) return new EncodedObjectAsID(BigInt.asUintN(64, BigInt(id)));
  if (typeof id === "bigint") return new EncodedObjectAsID(BigInt.asUintN(64, id));
  return undefined;
}

interface XYZW {
  x: number;
  y: number;
  z: number;
  w: number;
}

/**
 * What Godot's `Array::assign` / `Dictionary::assign` do to each element of a typed container:
 * keep a value of the right type, convert where Godot converts strictly (int and float, String,
 * StringName and NodePath, the float and int vectors), refuse anything else.
 */
function convertTo(
  value: Variant,
  type: ContainerType,
  what: () => string,
  fail: (detail: string) => never,
): Variant {
  const from = variantTypeOf(value) ?? VariantType.NIL;
  if (type.kind !== "builtin") {
    if (from === VariantType.OBJECT || from === VariantType.NIL) return value;
    return fail(`${what()} from "${typeName(from)}" to "Object".`);
  }
  const to = type.type;
  if (from === to || to === VariantType.NIL) return value;
  const v = value as unknown;
  const vec = v as XYZW;
  const trunc = (n: number): number => Number(BigInt.asIntN(32, truncateToInt(n, 32)));
  switch (to) {
    case VariantType.FLOAT:
      if (from === VariantType.INT) return new Float(Number(v as number | bigint));
      break;
    case VariantType.INT:
      if (from === VariantType.FLOAT) {
        const f = typeof v === "number" ? v : (v as Float).value;
        return intValue(truncateToInt(f, 64));
      }
      break;
    case VariantType.STRING:
      if (from === VariantType.STRING_NAME || from === VariantType.NODE_PATH) return String(v);
      break;
    case VariantType.STRING_NAME:
      if (from === VariantType.STRING) return new StringName(v as string);
      break;
    case VariantType.NODE_PATH:
      if (from === VariantType.STRING) return new NodePath(v as string);
      break;
    case VariantType.VECTOR2:
      if (from === VariantType.VECTOR2I) return new Vector2(vec.x, vec.y);
      break;
    case VariantType.VECTOR2I:
      if (from === VariantType.VECTOR2) return new Vector2i(trunc(vec.x), trunc(vec.y));
      break;
    case VariantType.VECTOR3:
      if (from === VariantType.VECTOR3I) return new Vector3(vec.x, vec.y, vec.z);
      break;
    case VariantType.VECTOR3I:
      if (from === VariantType.VECTOR3) return new Vector3i(trunc(vec.x), trunc(vec.y), trunc(vec.z));
      break;
    case VariantType.VECTOR4:
      if (from === VariantType.VECTOR4I) return new Vector4(vec.x, vec.y, vec.z, vec.w);
      break;
    case VariantType.VECTOR4I:
      if (from === VariantType.VECTOR4) return new Vector4i(trunc(vec.x), trunc(vec.y), trunc(vec.z), trunc(vec.w));
      break;
    default:
      break;
  }
  return fail(`${what()} from "${typeName(from)}" to "${typeName(to)}".`);
}

/**
 * Godot's `str_to_var`: reads one value in Godot's text form (what `var_to_str` writes, and the
 * same syntax as `.tscn`/`.tres` property values). Throws `VariantTextParseError` with the line,
 * column and offset of the first mistake.
 */
export function strToVar(text: string): Variant {
  if (typeof text !== "string") throw new TypeError(`strToVar: text must be a string, got ${typeof text}`);
  return new Parser(text).parseDocument();
}

// Test helpers for the Variant codec: loads the Godot spec vectors (spec/vectors/ in the repository)
// and turns their value grammar (spec/README.md) into the codec's JS values.
import { readFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";
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
  type ContainerType,
  type Variant,
} from "../src-ts/variant/index.js";

export const VECTOR_DIR = resolve(__dirname, "..", "spec", "vectors");

export interface VectorFlags {
  full_objects: boolean;
  allow_objects: boolean;
  real_t: "float" | "double";
}

export interface SpecVector {
  name: string;
  value?: GrammarValue;
  bytes_hex: string;
  direction: "encode" | "decode" | "both";
  flags: VectorFlags;
  expected_error?: { name: string; code: number };
  consumed_bytes?: number;
  optional?: boolean;
  since?: string;
}

export type GrammarValue = { type: string } & Record<string, unknown>;

/** The vectors of one spec file; throws (failing the suite) if the file is missing from spec/vectors/. */
export function loadVectors(file: string): SpecVector[] {
  const path = resolve(VECTOR_DIR, file);
  if (!existsSync(path)) {
    throw new Error(
      `Spec vectors not found at ${path}: they are part of the repository (spec/vectors/, see spec/ORIGIN.md)`,
    );
  }
  const parsed = JSON.parse(readFileSync(path, "utf8")) as { format_version: number; vectors: SpecVector[] };
  if (parsed.format_version !== 1) throw new Error(`${file}: unsupported format_version ${parsed.format_version}`);
  return parsed.vectors;
}

export function parseReal(s: unknown): number {
  if (typeof s === "number") return s;
  switch (s) {
    case "NaN":
      return NaN;
    case "Infinity":
      return Infinity;
    case "-Infinity":
      return -Infinity;
    case "-0.0":
      return -0;
    default:
      return Number(s);
  }
}

function reals(v: unknown): number[] {
  return (v as unknown[]).map(parseReal);
}

function int64(s: unknown): number | bigint {
  const b = BigInt(s as string);
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

function containerType(ct: unknown): ContainerType | null {
  if (ct === null || ct === undefined) return null;
  const c = ct as { kind: string; type?: string; class?: string; path?: string };
  switch (c.kind) {
    case "BUILTIN":
      return { kind: "builtin", type: VariantType[c.type as keyof typeof VariantType] };
    case "CLASS_NAME":
      return { kind: "class", className: c.class as string };
    case "SCRIPT":
      return { kind: "script", path: c.path as string };
    default:
      throw new Error(`unknown container kind ${c.kind}`);
  }
}

/** What an element of a typed container decodes to: FLOAT and STRING_NAME come out plain. */
function inContainer(ct: ContainerType | null, v: Variant): Variant {
  if (ct === null || ct.kind !== "builtin") return v;
  if (ct.type === VariantType.FLOAT && v instanceof Float) return v.value;
  if (ct.type === VariantType.STRING_NAME && v instanceof StringName) return v.value;
  return v;
}

const v2 = (a: unknown): Vector2 => new Vector2(...(reals(a) as [number, number]));
const v3 = (a: unknown): Vector3 => new Vector3(...(reals(a) as [number, number, number]));
const v4 = (a: unknown): Vector4 => new Vector4(...(reals(a) as [number, number, number, number]));

/** The codec's lossless JS value for a grammar value (what `bytesToVar(b, { lossless: true })` gives). */
export function toModel(g: GrammarValue): Variant {
  const v = g.value as Record<string, unknown> & unknown[];
  switch (g.type) {
    case "NIL":
      return null;
    case "BOOL":
      return g.value as boolean;
    case "INT":
      return int64(g.value);
    case "FLOAT": {
      const f = parseReal(g.value);
      return Number.isSafeInteger(f) && !Object.is(f, -0) ? new Float(f) : f;
    }
    case "STRING":
      return g.value as string;
    case "STRING_NAME":
      return new StringName(g.value as string);
    case "VECTOR2":
      return v2(v);
    case "VECTOR2I":
      return new Vector2i(...(v as unknown as [number, number]));
    case "RECT2":
      return new Rect2(v2(v.position), v2(v.size));
    case "RECT2I":
      return new Rect2i(
        new Vector2i(...(v.position as [number, number])),
        new Vector2i(...(v.size as [number, number])),
      );
    case "VECTOR3":
      return v3(v);
    case "VECTOR3I":
      return new Vector3i(...(v as unknown as [number, number, number]));
    case "TRANSFORM2D":
      return new Transform2D(v2(v.x), v2(v.y), v2(v.origin));
    case "VECTOR4":
      return v4(v);
    case "VECTOR4I":
      return new Vector4i(...(v as unknown as [number, number, number, number]));
    case "PLANE":
      return new Plane(v3(v.normal), parseReal(v.d));
    case "QUATERNION":
      return new Quaternion(...(reals(v) as [number, number, number, number]));
    case "AABB":
      return new AABB(v3(v.position), v3(v.size));
    case "BASIS":
      return new Basis(v3(v.x), v3(v.y), v3(v.z));
    case "TRANSFORM3D": {
      const b = v.basis as Record<string, unknown>;
      return new Transform3D(new Basis(v3(b.x), v3(b.y), v3(b.z)), v3(v.origin));
    }
    case "PROJECTION":
      return new Projection(v4(v.x), v4(v.y), v4(v.z), v4(v.w));
    case "COLOR":
      return new Color(...(reals(v) as [number, number, number, number]));
    case "NODE_PATH":
      return new NodePath(v.names as string[], v.subnames as string[], v.absolute as boolean);
    case "RID":
      return new RID(BigInt(g.value as string));
    case "OBJECT":
      if (g.object_id !== undefined) return new EncodedObjectAsID(BigInt(g.object_id as string));
      if (g.class !== undefined) {
        const props = (g.properties as [string, GrammarValue][]).map(([n, pv]): [string, Variant] => [n, toModel(pv)]);
        return new GodotObject(g.class as string, props);
      }
      return null;
    case "CALLABLE":
      return new Callable();
    case "SIGNAL":
      return new Signal(BigInt(v.object_id as string), v.name as string);
    case "DICTIONARY": {
      const keyType = containerType(g.key_type);
      const valueType = containerType(g.value_type);
      const pairs = (v as unknown as [GrammarValue, GrammarValue][]).map(
        ([k, val]): [Variant, Variant] => [inContainer(keyType, toModel(k)), inContainer(valueType, toModel(val))],
      );
      return keyType === null && valueType === null ? new Dictionary(pairs) : new Dictionary(pairs, { keyType, valueType });
    }
    case "ARRAY": {
      if (g.nested_arrays !== undefined) {
        let inner: Variant[] = [];
        for (let i = 1; i < (g.nested_arrays as number); i++) inner = [inner];
        return inner;
      }
      const elementType = containerType(g.element_type);
      const items = (v as unknown as GrammarValue[]).map((e) => inContainer(elementType, toModel(e)));
      return elementType === null ? items : new TypedArray(elementType, items);
    }
    case "PACKED_BYTE_ARRAY":
      return Buffer.from(g.value as string, "hex");
    case "PACKED_INT32_ARRAY":
      return Int32Array.from(v as unknown as number[]);
    case "PACKED_INT64_ARRAY":
      return BigInt64Array.from((v as unknown as string[]).map((s) => BigInt(s)));
    case "PACKED_FLOAT32_ARRAY":
      return Float32Array.from(reals(v));
    case "PACKED_FLOAT64_ARRAY":
      return Float64Array.from(reals(v));
    case "PACKED_STRING_ARRAY":
      return new PackedStringArray(v as unknown as string[]);
    case "PACKED_VECTOR2_ARRAY":
      return new PackedVector2Array((v as unknown as unknown[]).map(v2));
    case "PACKED_VECTOR3_ARRAY":
      return new PackedVector3Array((v as unknown as unknown[]).map(v3));
    case "PACKED_COLOR_ARRAY":
      return new PackedColorArray(
        (v as unknown as unknown[]).map((c) => new Color(...(reals(c) as [number, number, number, number]))),
      );
    case "PACKED_VECTOR4_ARRAY":
      return new PackedVector4Array((v as unknown as unknown[]).map(v4));
    default:
      throw new Error(`unknown grammar type ${g.type}`);
  }
}

/**
 * The default (not lossless) form of a lossless value: Float -> number, StringName -> string,
 * recursively through containers and object properties.
 */
export function toPlain(v: Variant): Variant {
  if (v instanceof Float) return v.value;
  if (v instanceof StringName) return v.value;
  if (v instanceof TypedArray) return new TypedArray(v.elementType, v.map(toPlain));
  if (v instanceof Dictionary) {
    return new Dictionary(
      [...v].map(([k, val]): [Variant, Variant] => [toPlain(k), toPlain(val)]),
      v.keyType === null && v.valueType === null ? undefined : { keyType: v.keyType, valueType: v.valueType },
    );
  }
  if (v instanceof GodotObject) {
    return new GodotObject(v.className, v.properties.map(([n, pv]): [string, Variant] => [n, toPlain(pv)]), v.objectId);
  }
  if (Array.isArray(v) && Object.getPrototypeOf(v) === Array.prototype) return (v as Variant[]).map(toPlain);
  return v;
}

/** The Godot type name a grammar value names (for per-type coverage). */
export function grammarTypes(g: GrammarValue | undefined, out: Set<string> = new Set()): Set<string> {
  if (g === undefined) return out;
  out.add(g.type);
  if (g.type === "ARRAY" && Array.isArray(g.value)) for (const e of g.value as GrammarValue[]) grammarTypes(e, out);
  if (g.type === "DICTIONARY") {
    for (const [k, val] of g.value as [GrammarValue, GrammarValue][]) {
      grammarTypes(k, out);
      grammarTypes(val, out);
    }
  }
  if (g.type === "OBJECT" && Array.isArray(g.properties)) {
    for (const [, pv] of g.properties as [string, GrammarValue][]) grammarTypes(pv, out);
  }
  return out;
}

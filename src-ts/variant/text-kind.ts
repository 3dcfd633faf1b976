/**
 * Which Godot type a JS value stands for, under the codec's rules (the same ones `varToBytes`
 * applies): a safe integer (not -0) is an INT, any other number a FLOAT, a `bigint` an INT, a plain
 * object or a Map a Dictionary, a plain array an Array, typed arrays the packed arrays they mirror,
 * and every codec class the type its tag names.
 */
import { VariantType } from "./variant-type.js";
import { VARIANT_TAG, type MaybeTagged } from "./tag.js";

/** The Godot type of `value`, or undefined when it has no Variant form (a function, a Date ...). */
export function variantTypeOf(value: unknown): VariantType | undefined {
  switch (typeof value) {
    case "undefined":
      return VariantType.NIL;
    case "boolean":
      return VariantType.BOOL;
    case "number":
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? VariantType.INT : VariantType.FLOAT;
    case "bigint":
      return VariantType.INT;
    case "string":
      return VariantType.STRING;
    case "object":
      break;
    default:
      return undefined;
  }
  if (value === null) return VariantType.NIL;
  const tag = (value as MaybeTagged)[VARIANT_TAG];
  if (tag !== undefined) return tag;
  if (Array.isArray(value)) return VariantType.ARRAY;
  if (value instanceof Uint8Array) return VariantType.PACKED_BYTE_ARRAY;
  if (value instanceof Int32Array) return VariantType.PACKED_INT32_ARRAY;
  if (value instanceof BigInt64Array) return VariantType.PACKED_INT64_ARRAY;
  if (value instanceof Float32Array) return VariantType.PACKED_FLOAT32_ARRAY;
  if (value instanceof Float64Array) return VariantType.PACKED_FLOAT64_ARRAY;
  if (value instanceof Map) return VariantType.DICTIONARY;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return VariantType.DICTIONARY;
  return undefined;
}

/** Godot's `Variant::get_type_name` for every type id. */
export const TYPE_NAMES: readonly string[] = [
  "Nil",
  "bool",
  "int",
  "float",
  "String",
  "Vector2",
  "Vector2i",
  "Rect2",
  "Rect2i",
  "Vector3",
  "Vector3i",
  "Transform2D",
  "Vector4",
  "Vector4i",
  "Plane",
  "Quaternion",
  "AABB",
  "Basis",
  "Transform3D",
  "Projection",
  "Color",
  "StringName",
  "NodePath",
  "RID",
  "Object",
  "Callable",
  "Signal",
  "Dictionary",
  "Array",
  "PackedByteArray",
  "PackedInt32Array",
  "PackedInt64Array",
  "PackedFloat32Array",
  "PackedFloat64Array",
  "PackedStringArray",
  "PackedVector2Array",
  "PackedVector3Array",
  "PackedColorArray",
  "PackedVector4Array",
];

/** Godot's name for a type id (`typeName(VariantType.VECTOR2) === "Vector2"`). */
export function typeName(type: VariantType): string {
  return TYPE_NAMES[type] ?? `Type(${type})`;
}

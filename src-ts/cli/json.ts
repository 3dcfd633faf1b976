/**
 * Variants as JSON for `--json` output, for tools like `jq`. JSON has fewer types than Godot, so:
 * - ints are numbers, or strings beyond 2^53 (exact); floats are numbers, or `"inf"`, `"-inf"`,
 *   `"nan"`;
 * - String, StringName and NodePath are strings;
 * - math types are objects with Godot's field names (`{"x": 1, "y": 2}`, `{"r": ...}`);
 * - a Dictionary whose keys are all strings is an object, any other Dictionary a list of
 *   `[key, value]` pairs;
 * - Arrays and packed arrays are lists; objects are `{"class": ..., "properties": {...}}`.
 * The exact Godot form is in the record's `text` field.
 */
import { VariantType, typeName, variantTypeOf } from "./api.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function number(n: number): Json {
  if (Number.isFinite(n)) return Object.is(n, -0) ? 0 : n;
  if (Number.isNaN(n)) return "nan";
  return n > 0 ? "inf" : "-inf";
}

function int(n: number | bigint): Json {
  if (typeof n === "number") return n;
  const asNumber = Number(n);
  return Number.isSafeInteger(asNumber) ? asNumber : n.toString();
}

function fields(value: object, depth: number): Json {
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(value)) out[k] = toJsonAt(v, depth + 1);
  return out;
}

function toJsonAt(value: unknown, depth: number): Json {
  if (depth > 1024) return null;
  const type = variantTypeOf(value);
  switch (type) {
    case undefined:
    case VariantType.NIL:
    case VariantType.CALLABLE:
      return null;
    case VariantType.BOOL:
      return value as boolean;
    case VariantType.INT:
      return int(value as number | bigint);
    case VariantType.FLOAT:
      return number(typeof value === "number" ? value : Number(value));
    case VariantType.STRING:
      return value as string;
    case VariantType.STRING_NAME:
    case VariantType.NODE_PATH:
      return String(value);
    case VariantType.RID:
      return { id: int((value as { id: bigint }).id) };
    case VariantType.SIGNAL: {
      const s = value as { objectId: bigint; name: string };
      return { objectId: int(s.objectId), name: s.name };
    }
    case VariantType.OBJECT: {
      const o = value as { className?: string; properties?: Array<[string, unknown]>; objectId: bigint | null };
      if (o.className === undefined || o.properties === undefined) return { objectId: int(o.objectId ?? 0n) };
      const props: { [key: string]: Json } = {};
      for (const [name, v] of o.properties) props[name] = toJsonAt(v, depth + 1);
      return { class: o.className, properties: props };
    }
    case VariantType.DICTIONARY: {
      const entries: Array<[unknown, unknown]> =
        value instanceof Map ? Array.from(value as Map<unknown, unknown>) : Object.entries(value as object);
      const stringKeys = entries.every(([k]) => {
        const t = variantTypeOf(k);
        return t === VariantType.STRING || t === VariantType.STRING_NAME;
      });
      if (stringKeys) {
        const out: { [key: string]: Json } = {};
        for (const [k, v] of entries) out[String(k)] = toJsonAt(v, depth + 1);
        return out;
      }
      return entries.map(([k, v]) => [toJsonAt(k, depth + 1), toJsonAt(v, depth + 1)]);
    }
    case VariantType.PACKED_INT64_ARRAY:
      return Array.from(value as BigInt64Array, int);
    case VariantType.PACKED_FLOAT32_ARRAY:
    case VariantType.PACKED_FLOAT64_ARRAY:
      return Array.from(value as Float32Array, number);
    case VariantType.PACKED_BYTE_ARRAY:
    case VariantType.PACKED_INT32_ARRAY:
      return Array.from(value as Int32Array);
    case VariantType.ARRAY:
    case VariantType.PACKED_STRING_ARRAY:
    case VariantType.PACKED_VECTOR2_ARRAY:
    case VariantType.PACKED_VECTOR3_ARRAY:
    case VariantType.PACKED_COLOR_ARRAY:
    case VariantType.PACKED_VECTOR4_ARRAY:
      return Array.from(value as unknown[], (v) => toJsonAt(v, depth + 1));
    default:
      // Math types and colors: their fields, recursively (numbers stay numbers).
      return fields(value as object, depth);
  }
}

/** The JSON form of a Variant (see the file comment for the mapping). */
export function variantToJson(value: unknown): Json {
  return toJsonAt(value, 0);
}

/** Godot's type name of a Variant (`"Vector2"`, `"int"`, `"Dictionary"`). */
export function variantTypeName(value: unknown): string {
  const type = variantTypeOf(value);
  return type === undefined ? "?" : typeName(type);
}

/**
 * The order in which `var_to_str` writes Dictionary keys: Godot's `StringLikeVariantOrder`.
 * Two string-like keys (String or StringName) compare as text, by code point; any other pair
 * compares by type id first (null < bool < int < float < String < Vector2 ...), then by Godot's
 * `<` for that type: numbers by value, vectors component by component, Arrays element by element.
 * Types Godot cannot order (Color, Dictionary, packed arrays ...) compare equal and keep their
 * insertion order (Godot's sort is not stable there; a stable order is the useful choice).
 * Inside a typed container a value has the type Godot holds it as (an integral number in an
 * `Array[float]` is a float, a string in an `Array[StringName]` a StringName), so the order does
 * not change when the text is read back.
 */
import { VariantType } from "./variant-type.js";
import { variantTypeOf } from "./text-kind.js";
import type { ContainerType } from "./container-type.js";

type Ordering = -1 | 0 | 1;

function compareCodePoints(a: string, b: string): Ordering {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) {
      if (ca.done && cb.done) return 0;
      return ca.done ? -1 : 1;
    }
    const pa = ca.value.codePointAt(0) ?? 0;
    const pb = cb.value.codePointAt(0) ?? 0;
    if (pa !== pb) return pa < pb ? -1 : 1;
  }
}

function compareNumbers(a: number | bigint, b: number | bigint): Ordering {
  if (typeof a === "bigint" || typeof b === "bigint") {
    // Both are INTs here (FLOATs never mix with bigints); compare exactly.
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Godot's vector `<`: the first differing component decides (exact comparison). */
function compareComponents(a: readonly number[], b: readonly number[]): Ordering {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : x > y ? 1 : 0;
  }
  return 0;
}

function stringLike(value: unknown, type: VariantType | undefined): string | undefined {
  if (type === VariantType.STRING) return value as string;
  if (type === VariantType.STRING_NAME) return (value as { value: string }).value;
  return undefined;
}

interface XYZW {
  x: number;
  y: number;
  z: number;
  w: number;
}

/** The builtin type a container type names, if it names one. */
function builtinHint(type: ContainerType | null | undefined): VariantType | undefined {
  return type?.kind === "builtin" ? type.type : undefined;
}

/**
 * The type of `value` as a container typed `hint` holds it: numbers in a float container are
 * floats, strings and StringNames take the container's string type (as Godot converts them).
 */
function heldType(value: unknown, hint: VariantType | undefined): VariantType | undefined {
  const type = variantTypeOf(value);
  if (hint === VariantType.FLOAT && type === VariantType.INT) return VariantType.FLOAT;
  const isString = type === VariantType.STRING || type === VariantType.STRING_NAME;
  if (isString && (hint === VariantType.STRING || hint === VariantType.STRING_NAME)) return hint;
  return type;
}

/** A FLOAT's value: a number, a `Float`, or an int (also a bigint) held by a float container. */
function floatValue(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return (value as { value: number }).value;
}

/** Godot's `Variant::operator<` as a three-way comparison (0 where Godot says neither is less). */
function variantCompare(
  a: unknown,
  b: unknown,
  depth: number,
  hintA?: VariantType,
  hintB?: VariantType,
): Ordering {
  const ta = heldType(a, hintA);
  const tb = heldType(b, hintB);
  if (ta !== tb) return (ta ?? 99) < (tb ?? 99) ? -1 : 1;
  switch (ta) {
    case VariantType.BOOL:
      return a === b ? 0 : a ? 1 : -1;
    case VariantType.INT:
      return compareNumbers(a as number | bigint, b as number | bigint);
    case VariantType.FLOAT:
      return compareNumbers(floatValue(a), floatValue(b));
    case VariantType.STRING:
    case VariantType.STRING_NAME:
      return compareCodePoints(stringLike(a, ta) ?? "", stringLike(b, tb) ?? "");
    case VariantType.VECTOR2:
    case VariantType.VECTOR2I: {
      const p = a as XYZW;
      const q = b as XYZW;
      return compareComponents([p.x, p.y], [q.x, q.y]);
    }
    case VariantType.VECTOR3:
    case VariantType.VECTOR3I: {
      const p = a as XYZW;
      const q = b as XYZW;
      return compareComponents([p.x, p.y, p.z], [q.x, q.y, q.z]);
    }
    case VariantType.VECTOR4:
    case VariantType.VECTOR4I: {
      const p = a as XYZW;
      const q = b as XYZW;
      return compareComponents([p.x, p.y, p.z, p.w], [q.x, q.y, q.z, q.w]);
    }
    case VariantType.RID:
      return compareNumbers((a as { id: bigint }).id, (b as { id: bigint }).id);
    case VariantType.ARRAY: {
      if (depth > 1024) return 0;
      const x = a as readonly unknown[];
      const y = b as readonly unknown[];
      const hx = builtinHint((a as { elementType?: ContainerType }).elementType);
      const hy = builtinHint((b as { elementType?: ContainerType }).elementType);
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = variantCompare(x[i], y[i], depth + 1, hx, hy);
        if (c !== 0) return c;
      }
      return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
    }
    default:
      return 0;
  }
}

/**
 * `StringLikeVariantOrder` as a comparator for `Array#sort` (which is stable), for the keys of a
 * Dictionary whose key type is `keyType` (null: untyped).
 */
export function compareKeys(a: unknown, b: unknown, keyType: ContainerType | null = null): number {
  const sa = stringLike(a, variantTypeOf(a));
  const sb = stringLike(b, variantTypeOf(b));
  if (sa !== undefined && sb !== undefined) return compareCodePoints(sa, sb);
  const hint = builtinHint(keyType);
  return variantCompare(a, b, 0, hint, hint);
}

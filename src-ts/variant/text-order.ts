/**
 * The order in which `var_to_str` writes Dictionary keys: Godot's `StringLikeVariantOrder`.
 * Two string-like keys (String or StringName) compare as text, by code point; any other pair
 * compares by type id first (null < bool < int < float < String < Vector2 ...), then by Godot's
 * `<` for that type: numbers by value, vectors component by component, Arrays element by element.
 * Types Godot cannot order (Color, Dictionary, packed arrays ...) compare equal and keep their
 * insertion order (Godot's sort is not stable there; a stable order is the useful choice).
 */
import { VariantType } from "./variant-type.js";
import { variantTypeOf } from "./text-kind.js";

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

function floatValue(value: unknown): number {
  return typeof value === "number" ? value : (value as { value: number }).value;
}

interface XYZW {
  x: number;
  y: number;
  z: number;
  w: number;
}

/** Godot's `Variant::operator<` as a three-way comparison (0 where Godot says neither is less). */
function variantCompare(a: unknown, b: unknown, depth: number): Ordering {
  const ta = variantTypeOf(a);
  const tb = variantTypeOf(b);
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
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = variantCompare(x[i], y[i], depth + 1);
        if (c !== 0) return c;
      }
      return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
    }
    default:
      return 0;
  }
}

/** `StringLikeVariantOrder` as a comparator for `Array#sort` (which is stable). */
export function compareKeys(a: unknown, b: unknown): number {
  const sa = stringLike(a, variantTypeOf(a));
  const sb = stringLike(b, variantTypeOf(b));
  if (sa !== undefined && sb !== undefined) return compareCodePoints(sa, sb);
  return variantCompare(a, b, 0);
}

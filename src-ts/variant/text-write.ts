/**
 * `varToStr`: Godot's `var_to_str`, i.e. `VariantWriter::write_to_string` in its default
 * (compatible) mode, character for character for the built-in types:
 * - numbers: ints in decimal; floats through Grisu2 (`text-float.ts`) with `.0` added to integral
 *   values, `inf`, `inf_neg` (negative infinity, Godot's compatible spelling) and `nan`;
 * - `"strings"` with only `\` and `"` escaped (new lines stay literal); `&"names"` and
 *   `NodePath("...")` with C escapes;
 * - math types as constructors with `, ` between components (`Vector2(1, 2)`), matrices row by
 *   row for Basis and column by column elsewhere, as Godot writes them;
 * - `[1, 2]`; dictionaries one entry per line with keys sorted (`{\n"a": 1,\n"b": 2\n}`), `{}` when
 *   empty; `Array[int]([1, 2])` and `Dictionary[String, int]({...})` when typed;
 * - `PackedByteArray(1, 2)` (numbers, the compatible form), other packed arrays likewise flat;
 * - `RID(5)`, `Signal()`, `Callable()`, objects as `Object(Class,"prop":value)`.
 *
 * The `singleLine` option is this library's own: dictionaries on one line in insertion order
 * (`{"hp": 10, "pos": Vector2(1, 2)}`) and strings with C escapes, for logs. Both forms read back
 * with `strToVar`.
 */
import { VariantType } from "./variant-type.js";
import type { ContainerType } from "./container-type.js";
import { floatToText, rtosFix } from "./text-float.js";
import { compareKeys } from "./text-order.js";
import { typeName, variantTypeOf } from "./text-kind.js";
import { VariantTextWriteError } from "./text-errors.js";
import type { Variant } from "./types.js";

/** Options of `varToStr` (extensions; Godot's `var_to_str` has none). */
export interface VarToStrOptions {
  /**
   * One line for any value: Dictionary entries in their insertion order separated by `, `, new
   * lines in strings written as `\n`. Default false: exactly Godot's `var_to_str` output.
   */
  singleLine?: boolean;
}

const MAX_DEPTH = 1024;

interface Vec {
  x: number;
  y: number;
  z: number;
  w: number;
}

/** Godot's `String::c_escape`: C escapes for control characters, quotes, `\` and `?`. */
export function cEscape(s: string): string {
  return s.replace(/[\\\x07\b\f\n\r\t\v'?"]/g, (c) => C_ESCAPES[c] ?? c);
}

const C_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  "'": "\\'",
  "?": "\\?",
  '"': '\\"',
};

/** Godot's `String::c_escape_multiline`: only `\` and `"`. */
function cEscapeMultiline(s: string): string {
  return s.replace(/[\\"]/g, (c) => "\\" + c);
}

/** An int as Godot's `itos` prints it (int64); a non-integral number is truncated as C++ would. */
function intText(value: number | bigint): string {
  if (typeof value === "bigint") return BigInt.asIntN(64, value).toString();
  if (Number.isInteger(value)) return Object.is(value, -0) ? "0" : String(value);
  return Number.isFinite(value) ? String(Math.trunc(value) || 0) : "0";
}

function reals(values: readonly number[]): string {
  return values.map((v) => rtosFix(v)).join(", ");
}

/** Color components are float32 in Godot whatever the build. */
function floats32(values: readonly number[]): string {
  return values.map((v) => rtosFix(Math.fround(v))).join(", ");
}

function ints(values: readonly (number | bigint)[]): string {
  return values.map(intText).join(", ");
}

function isUntyped(t: ContainerType | null | undefined): boolean {
  return t === null || t === undefined || (t.kind === "builtin" && t.type === VariantType.NIL);
}

/** How Godot names a container's element, key or value type; `Variant` for "any". */
function containerTypeText(t: ContainerType | null): string {
  if (t === null) return "Variant";
  switch (t.kind) {
    case "builtin":
      return t.type === VariantType.NIL ? "Variant" : typeName(t.type);
    case "class":
      return t.className === "" ? "Object" : t.className;
    case "script":
      return `Resource("${cEscapeMultiline(t.path)}")`;
  }
}

class Writer {
  private readonly active = new Set<object>();

  constructor(private readonly singleLine: boolean) {}

  private fail(message: string): never {
    throw new VariantTextWriteError(message);
  }

  private enter(value: object, depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`value nested deeper than ${MAX_DEPTH} levels`);
    if (this.active.has(value)) this.fail("value contains itself (a cycle); Godot's text form cannot hold it");
    this.active.add(value);
  }

  private leave(value: object): void {
    this.active.delete(value);
  }

  private string(s: string): string {
    return `"${this.singleLine ? cEscape(s) : cEscapeMultiline(s)}"`;
  }

  /**
   * `hint` is the element type of the typed container holding `value`: there a plain number is a
   * float (Godot stores `Array[float]` elements as floats) and a plain string a StringName.
   */
  write(value: unknown, depth: number, hint?: VariantType): string {
    if (hint === VariantType.FLOAT && typeof value === "number") return floatToText(value);
    if (hint === VariantType.STRING_NAME && typeof value === "string") return `&"${cEscape(value)}"`;
    const type = variantTypeOf(value);
    if (type === undefined) {
      const what = typeof value === "object" ? (value?.constructor?.name ?? "object") : typeof value;
      this.fail(`a ${what} has no Godot Variant form`);
    }
    // Each case reads the fields of the class (or JS type) its tag stands for.
    const o = value as Record<string, never>;
    switch (type) {
      case VariantType.NIL:
        return "null";
      case VariantType.BOOL:
        return value ? "true" : "false";
      case VariantType.INT:
        if (typeof value === "bigint" && BigInt.asIntN(64, value) !== value) {
          this.fail(`int ${value} is outside Godot's 64-bit range`);
        }
        return intText(value as number | bigint);
      case VariantType.FLOAT:
        return floatToText(typeof value === "number" ? value : (o.value as number));
      case VariantType.STRING:
        return this.string(value as string);
      case VariantType.VECTOR2: {
        const v = value as Vec;
        return `Vector2(${reals([v.x, v.y])})`;
      }
      case VariantType.VECTOR2I: {
        const v = value as Vec;
        return `Vector2i(${ints([v.x, v.y])})`;
      }
      case VariantType.RECT2: {
        const p = o.position as Vec;
        const s = o.size as Vec;
        return `Rect2(${reals([p.x, p.y, s.x, s.y])})`;
      }
      case VariantType.RECT2I: {
        const p = o.position as Vec;
        const s = o.size as Vec;
        return `Rect2i(${ints([p.x, p.y, s.x, s.y])})`;
      }
      case VariantType.VECTOR3: {
        const v = value as Vec;
        return `Vector3(${reals([v.x, v.y, v.z])})`;
      }
      case VariantType.VECTOR3I: {
        const v = value as Vec;
        return `Vector3i(${ints([v.x, v.y, v.z])})`;
      }
      case VariantType.TRANSFORM2D: {
        const x = o.x as Vec;
        const y = o.y as Vec;
        const origin = o.origin as Vec;
        return `Transform2D(${reals([x.x, x.y, y.x, y.y, origin.x, origin.y])})`;
      }
      case VariantType.VECTOR4: {
        const v = value as Vec;
        return `Vector4(${reals([v.x, v.y, v.z, v.w])})`;
      }
      case VariantType.VECTOR4I: {
        const v = value as Vec;
        return `Vector4i(${ints([v.x, v.y, v.z, v.w])})`;
      }
      case VariantType.PLANE: {
        const n = o.normal as Vec;
        return `Plane(${reals([n.x, n.y, n.z, o.d as number])})`;
      }
      case VariantType.QUATERNION: {
        const v = value as Vec;
        return `Quaternion(${reals([v.x, v.y, v.z, v.w])})`;
      }
      case VariantType.AABB: {
        const p = o.position as Vec;
        const s = o.size as Vec;
        return `AABB(${reals([p.x, p.y, p.z, s.x, s.y, s.z])})`;
      }
      case VariantType.BASIS:
        return `Basis(${reals(basisRows(value))})`;
      case VariantType.TRANSFORM3D: {
        const origin = o.origin as Vec;
        return `Transform3D(${reals([...basisRows(o.basis), origin.x, origin.y, origin.z])})`;
      }
      case VariantType.PROJECTION: {
        const cols = [o.x, o.y, o.z, o.w] as Vec[];
        return `Projection(${reals(cols.flatMap((c) => [c.x, c.y, c.z, c.w]))})`;
      }
      case VariantType.COLOR:
        return `Color(${floats32([o.r, o.g, o.b, o.a] as number[])})`;
      case VariantType.STRING_NAME:
        return `&"${cEscape(o.value as string)}"`;
      case VariantType.NODE_PATH:
        return `NodePath("${cEscape(String(value))}")`;
      case VariantType.RID: {
        const id = o.id as bigint;
        return id === 0n ? "RID()" : `RID(${intText(id)})`;
      }
      case VariantType.OBJECT:
        return this.object(value, depth);
      case VariantType.CALLABLE:
        return "Callable()";
      case VariantType.SIGNAL:
        return "Signal()";
      case VariantType.DICTIONARY:
        return this.dictionary(value as object, depth);
      case VariantType.ARRAY:
        return this.array(value as readonly unknown[], depth);
      case VariantType.PACKED_BYTE_ARRAY:
        return `PackedByteArray(${ints(Array.from(value as Uint8Array))})`;
      case VariantType.PACKED_INT32_ARRAY:
        return `PackedInt32Array(${ints(Array.from(value as Int32Array))})`;
      case VariantType.PACKED_INT64_ARRAY:
        return `PackedInt64Array(${ints(Array.from(value as BigInt64Array))})`;
      case VariantType.PACKED_FLOAT32_ARRAY:
        return `PackedFloat32Array(${floats32(Array.from(value as Float32Array))})`;
      case VariantType.PACKED_FLOAT64_ARRAY:
        return `PackedFloat64Array(${reals(Array.from(value as Float64Array))})`;
      case VariantType.PACKED_STRING_ARRAY:
        return `PackedStringArray(${(value as readonly string[]).map((s) => `"${cEscape(s)}"`).join(", ")})`;
      case VariantType.PACKED_VECTOR2_ARRAY:
        return `PackedVector2Array(${reals((value as readonly Vec[]).flatMap((v) => [v.x, v.y]))})`;
      case VariantType.PACKED_VECTOR3_ARRAY:
        return `PackedVector3Array(${reals((value as readonly Vec[]).flatMap((v) => [v.x, v.y, v.z]))})`;
      case VariantType.PACKED_COLOR_ARRAY:
        return `PackedColorArray(${floats32(
          (value as readonly { r: number; g: number; b: number; a: number }[]).flatMap((c) => [c.r, c.g, c.b, c.a]),
        )})`;
      case VariantType.PACKED_VECTOR4_ARRAY:
        return `PackedVector4Array(${reals((value as readonly Vec[]).flatMap((v) => [v.x, v.y, v.z, v.w]))})`;
    }
  }

  /**
   * Objects: Godot writes the generic form `Object(Class,"prop":value,...)` followed by a new line
   * (no spaces). An object known only by id is Godot's `EncodedObjectAsID` with its `object_id`.
   */
  private object(value: unknown, depth: number): string {
    const o = value as { className?: string; properties?: Array<[string, unknown]>; objectId: bigint | null };
    const end = this.singleLine ? ")" : ")\n";
    if (o.className === undefined || o.properties === undefined) {
      return `Object(EncodedObjectAsID,"object_id":${intText(o.objectId ?? 0n)}${end}`;
    }
    this.enter(value as object, depth);
    const props = o.properties.map(([name, v]) => `"${name}":${this.write(v, depth + 1)}`);
    this.leave(value as object);
    return `Object(${o.className},${props.join(",")}${end}`;
  }

  private dictionary(value: object, depth: number): string {
    const entries: Array<[unknown, unknown]> =
      value instanceof Map
        ? Array.from(value as Map<unknown, unknown>)
        : Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k]]);
    const typed = value as { keyType?: ContainerType | null; valueType?: ContainerType | null };
    const keyType = typed.keyType ?? null;
    const valueType = typed.valueType ?? null;
    const isTyped = !isUntyped(keyType) || !isUntyped(valueType);
    const keyHint = keyType?.kind === "builtin" ? keyType.type : undefined;
    const valueHint = valueType?.kind === "builtin" ? valueType.type : undefined;
    const entry = ([k, v]: [unknown, unknown]): string =>
      `${this.write(k, depth + 1, keyHint)}: ${this.write(v, depth + 1, valueHint)}`;
    this.enter(value, depth);
    let body: string;
    if (entries.length === 0) {
      body = "{}";
    } else if (this.singleLine) {
      body = `{${entries.map(entry).join(", ")}}`;
    } else {
      const sorted = entries.slice().sort((a, b) => compareKeys(a[0], b[0], keyType));
      body = `{\n${sorted.map(entry).join(",\n")}\n}`;
    }
    this.leave(value);
    if (!isTyped) return body;
    return `Dictionary[${containerTypeText(keyType)}, ${containerTypeText(valueType)}](${body})`;
  }

  private array(value: readonly unknown[], depth: number): string {
    const elementType = (value as { elementType?: ContainerType }).elementType;
    const hint = elementType?.kind === "builtin" ? elementType.type : undefined;
    this.enter(value, depth);
    const body = `[${value.map((v) => this.write(v, depth + 1, hint)).join(", ")}]`;
    this.leave(value);
    if (elementType === undefined || isUntyped(elementType)) return body;
    return `Array[${containerTypeText(elementType)}](${body})`;
  }
}

/** The rows of a Basis given as columns x, y, z (Godot writes `rows[i][j]`). */
function basisRows(basis: unknown): number[] {
  const b = basis as { x: Vec; y: Vec; z: Vec };
  return [b.x.x, b.y.x, b.z.x, b.x.y, b.y.y, b.z.y, b.x.z, b.y.z, b.z.z];
}

/**
 * Godot's `var_to_str`: the value in Godot's text form, which `strToVar` (and Godot's
 * `str_to_var`) read back. Throws `VariantTextWriteError` (a TypeError) for a JS value with no
 * Variant form or a cyclic value.
 */
export function varToStr(value: Variant, options: VarToStrOptions = {}): string {
  return new Writer(options.singleLine === true).write(value, 0);
}

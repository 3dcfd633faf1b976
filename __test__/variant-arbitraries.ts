// fast-check arbitraries for Variant values, in the form lossless decoding returns them, so that
// encode -> decode must give back an equal value.
import fc from "fast-check";
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

export interface ArbitraryOptions {
  /** Components as a double-precision peer sends them (f64) instead of binary32. */
  realDouble: boolean;
  /** Values sent with full objects and read with allowObjects. */
  objects: boolean;
}

/** Text Godot keeps as is: no NUL (it ends a string) and no leading BOM (it is dropped). */
export const godotString = (): fc.Arbitrary<string> =>
  fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !s.includes("\0") && !s.startsWith("\uFEFF"));

const i32 = fc.integer({ min: -2147483648, max: 2147483647 });
const f32 = fc.float();
const u64 = fc.bigInt({ min: 1n, max: (1n << 64n) - 1n });
const int64Unsafe = fc.oneof(
  fc.bigInt({ min: -(1n << 63n), max: BigInt(Number.MIN_SAFE_INTEGER) - 1n }),
  fc.bigInt({ min: BigInt(Number.MAX_SAFE_INTEGER) + 1n, max: (1n << 63n) - 1n }),
);

/** A FLOAT as lossless decoding returns it: integral values wrapped in Float. */
function asFloat(f: number): Variant {
  return Number.isSafeInteger(f) && !Object.is(f, -0) ? new Float(f) : f;
}

/** Arbitraries for one value of each of Godot's 39 types (ids 0..38), and for containers. */
export function variantArbitraries(opts: ArbitraryOptions): {
  leaf: fc.Arbitrary<Variant>;
  value: fc.Arbitrary<Variant>;
  byType: Map<VariantType, fc.Arbitrary<Variant>>;
} {
  const real = opts.realDouble ? fc.double() : f32;
  const v2 = fc.tuple(real, real).map(([x, y]) => new Vector2(x, y));
  const v3 = fc.tuple(real, real, real).map(([x, y, z]) => new Vector3(x, y, z));
  const v4 = fc.tuple(real, real, real, real).map(([x, y, z, w]) => new Vector4(x, y, z, w));
  const color = fc.tuple(f32, f32, f32, f32).map(([r, g, b, a]) => new Color(r, g, b, a));
  const v2i = fc.tuple(i32, i32).map(([x, y]) => new Vector2i(x, y));
  const str = godotString();

  const objectArb: fc.Arbitrary<Variant> = opts.objects
    ? fc.oneof(
        fc.constant(null),
        fc
          .tuple(
            str.filter((s) => s !== ""),
            fc.array(fc.tuple(str.filter((s) => s !== "script"), fc.oneof(i32, str, fc.boolean())), { maxLength: 4 }),
            fc.option(fc.constantFrom("res://a.gd", "res://dir/player.gd")),
          )
          .map(([cls, props, script]) => {
            const all: Array<[string, Variant]> = props.map(([n, v]): [string, Variant] => [n, v]);
            if (script !== null) all.unshift(["script", script]);
            return new GodotObject(cls, all);
          }),
      )
    : fc.oneof(fc.constant(null), u64.map((id) => new EncodedObjectAsID(id)));

  const byType = new Map<VariantType, fc.Arbitrary<Variant>>([
    [VariantType.NIL, fc.constant(null)],
    [VariantType.BOOL, fc.boolean()],
    [VariantType.INT, fc.oneof(fc.maxSafeInteger().filter((n) => !Object.is(n, -0)), int64Unsafe)],
    [VariantType.FLOAT, fc.oneof(fc.double(), f32, fc.integer().map((n) => n + 0.0)).map(asFloat)],
    [VariantType.STRING, str],
    [VariantType.VECTOR2, v2],
    [VariantType.VECTOR2I, v2i],
    [VariantType.RECT2, fc.tuple(v2, v2).map(([p, s]) => new Rect2(p, s))],
    [VariantType.RECT2I, fc.tuple(v2i, v2i).map(([p, s]) => new Rect2i(p, s))],
    [VariantType.VECTOR3, v3],
    [VariantType.VECTOR3I, fc.tuple(i32, i32, i32).map(([x, y, z]) => new Vector3i(x, y, z))],
    [VariantType.TRANSFORM2D, fc.tuple(v2, v2, v2).map(([x, y, o]) => new Transform2D(x, y, o))],
    [VariantType.VECTOR4, v4],
    [VariantType.VECTOR4I, fc.tuple(i32, i32, i32, i32).map(([x, y, z, w]) => new Vector4i(x, y, z, w))],
    [VariantType.PLANE, fc.tuple(v3, real).map(([n, d]) => new Plane(n, d))],
    [VariantType.QUATERNION, fc.tuple(real, real, real, real).map(([x, y, z, w]) => new Quaternion(x, y, z, w))],
    [VariantType.AABB, fc.tuple(v3, v3).map(([p, s]) => new AABB(p, s))],
    [VariantType.BASIS, fc.tuple(v3, v3, v3).map(([x, y, z]) => new Basis(x, y, z))],
    [VariantType.TRANSFORM3D, fc.tuple(v3, v3, v3, v3).map(([x, y, z, o]) => new Transform3D(new Basis(x, y, z), o))],
    [VariantType.PROJECTION, fc.tuple(v4, v4, v4, v4).map(([x, y, z, w]) => new Projection(x, y, z, w))],
    [VariantType.COLOR, color],
    [VariantType.STRING_NAME, str.map((s) => new StringName(s))],
    [
      VariantType.NODE_PATH,
      fc
        .tuple(fc.array(str, { maxLength: 4 }), fc.array(str, { maxLength: 3 }), fc.boolean())
        .map(([n, s, a]) => new NodePath(n, s, a)),
    ],
    [VariantType.RID, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((id) => new RID(id))],
    [VariantType.OBJECT, objectArb],
    [VariantType.CALLABLE, fc.constant(new Callable())],
    [VariantType.SIGNAL, fc.tuple(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), str).map(([id, n]) => new Signal(id, n))],
    [VariantType.PACKED_BYTE_ARRAY, fc.uint8Array({ maxLength: 19 }).map((a) => Buffer.from(a))],
    [VariantType.PACKED_INT32_ARRAY, fc.int32Array({ maxLength: 6 })],
    [VariantType.PACKED_INT64_ARRAY, fc.bigInt64Array({ maxLength: 5 })],
    [VariantType.PACKED_FLOAT32_ARRAY, fc.float32Array({ maxLength: 6 })],
    [VariantType.PACKED_FLOAT64_ARRAY, fc.float64Array({ maxLength: 6 })],
    [VariantType.PACKED_STRING_ARRAY, fc.array(str, { maxLength: 5 }).map((a) => new PackedStringArray(a))],
    [VariantType.PACKED_VECTOR2_ARRAY, fc.array(v2, { maxLength: 4 }).map((a) => new PackedVector2Array(a))],
    [VariantType.PACKED_VECTOR3_ARRAY, fc.array(v3, { maxLength: 4 }).map((a) => new PackedVector3Array(a))],
    [VariantType.PACKED_COLOR_ARRAY, fc.array(color, { maxLength: 4 }).map((a) => new PackedColorArray(a))],
    [VariantType.PACKED_VECTOR4_ARRAY, fc.array(v4, { maxLength: 4 }).map((a) => new PackedVector4Array(a))],
  ]);

  const leafTypes = [...byType.keys()];
  const leaf = fc.oneof(...leafTypes.map((t) => byType.get(t) as fc.Arbitrary<Variant>));

  /** Elements of a typed container as decoding returns them (FLOAT and STRING_NAME plain). */
  const elementOf = (t: VariantType): fc.Arbitrary<Variant> => {
    if (t === VariantType.FLOAT) return fc.double();
    if (t === VariantType.STRING_NAME) return str;
    return byType.get(t) as fc.Arbitrary<Variant>;
  };
  const builtinElementType = fc.constantFrom(...leafTypes.filter((t) => t !== VariantType.NIL && t !== VariantType.OBJECT));
  const objectContainerType: fc.Arbitrary<ContainerType> = opts.objects
    ? fc.oneof(
        str.filter((s) => s !== "").map((className): ContainerType => ({ kind: "class", className })),
        fc.constantFrom("res://a.gd", "res://b/c.gd").map((path): ContainerType => ({ kind: "script", path })),
      )
    : fc.constant<ContainerType>({ kind: "class", className: "EncodedObjectAsID" });

  const typedArray: fc.Arbitrary<Variant> = fc.oneof(
    builtinElementType.chain((t) =>
      fc.array(elementOf(t), { maxLength: 4 }).map((items) => new TypedArray({ kind: "builtin", type: t }, items)),
    ),
    objectContainerType.chain((ct) => fc.array(objectArb, { maxLength: 3 }).map((items) => new TypedArray(ct, items))),
  );

  const { value } = fc.letrec<{ value: Variant; array: Variant; dictionary: Variant }>((tie) => ({
    value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, leaf, tie("array"), tie("dictionary"), typedArray),
    array: fc.array(tie("value"), { maxLength: 4 }),
    dictionary: fc.oneof(
      fc.array(fc.tuple(tie("value"), tie("value")), { maxLength: 4 }).map((pairs) => new Dictionary(pairs as [Variant, Variant][])),
      fc
        .tuple(builtinElementType, fc.option(builtinElementType, { nil: null }))
        .chain(([kt, vt]) =>
          fc
            .array(fc.tuple(elementOf(kt), vt === null ? tie("value") : elementOf(vt)), { maxLength: 3 })
            .map(
              (pairs) =>
                new Dictionary(pairs as [Variant, Variant][], {
                  keyType: { kind: "builtin", type: kt },
                  valueType: vt === null ? null : { kind: "builtin", type: vt },
                }),
            ),
        ),
    ),
  }));

  return { leaf, value, byType };
}

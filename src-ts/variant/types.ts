import { VariantType } from "./variant-type.js";
import { tagClass } from "./tag.js";
import type { Dictionary } from "./dictionary.js";
import type {
  TypedArray,
  PackedStringArray,
  PackedVector2Array,
  PackedVector3Array,
  PackedColorArray,
  PackedVector4Array,
} from "./arrays.js";

// The JS forms of Godot's built-in value types. Field names are Godot's (GDScript's). Every class
// carries a non-enumerable `variantType` on its prototype: it tells the encoder (through a private
// tag) and TypeScript (as a literal type) which Godot type an instance is, so that a plain
// `{ x, y }` object is never mistaken for a Vector2: plain objects encode as Dictionaries.

/** Forces FLOAT for a number Godot should receive as a `float` (`new Float(1)` is `1.0`, not `1`). */
export class Float {
  declare readonly variantType: VariantType.FLOAT;
  value: number;
  constructor(value = 0) {
    this.value = value;
  }
  valueOf(): number {
    return this.value;
  }
}
tagClass(Float, VariantType.FLOAT);

export class Vector2 {
  declare readonly variantType: VariantType.VECTOR2;
  x: number;
  y: number;
  constructor(x = 0, y = 0) {
    this.x = x;
    this.y = y;
  }
}
tagClass(Vector2, VariantType.VECTOR2);

/** Components are 32-bit signed integers on the wire; others are refused when encoding. */
export class Vector2i {
  declare readonly variantType: VariantType.VECTOR2I;
  x: number;
  y: number;
  constructor(x = 0, y = 0) {
    this.x = x;
    this.y = y;
  }
}
tagClass(Vector2i, VariantType.VECTOR2I);

export class Rect2 {
  declare readonly variantType: VariantType.RECT2;
  position: Vector2;
  size: Vector2;
  constructor(x: number, y: number, width: number, height: number);
  constructor(position?: Vector2, size?: Vector2);
  constructor(a?: Vector2 | number, b?: Vector2 | number, c?: number, d?: number) {
    if (typeof a === "number") {
      this.position = new Vector2(a, b as number);
      this.size = new Vector2(c, d);
    } else {
      this.position = a ?? new Vector2();
      this.size = (b as Vector2 | undefined) ?? new Vector2();
    }
  }
}
tagClass(Rect2, VariantType.RECT2);

export class Rect2i {
  declare readonly variantType: VariantType.RECT2I;
  position: Vector2i;
  size: Vector2i;
  constructor(x: number, y: number, width: number, height: number);
  constructor(position?: Vector2i, size?: Vector2i);
  constructor(a?: Vector2i | number, b?: Vector2i | number, c?: number, d?: number) {
    if (typeof a === "number") {
      this.position = new Vector2i(a, b as number);
      this.size = new Vector2i(c, d);
    } else {
      this.position = a ?? new Vector2i();
      this.size = (b as Vector2i | undefined) ?? new Vector2i();
    }
  }
}
tagClass(Rect2i, VariantType.RECT2I);

export class Vector3 {
  declare readonly variantType: VariantType.VECTOR3;
  x: number;
  y: number;
  z: number;
  constructor(x = 0, y = 0, z = 0) {
    this.x = x;
    this.y = y;
    this.z = z;
  }
}
tagClass(Vector3, VariantType.VECTOR3);

export class Vector3i {
  declare readonly variantType: VariantType.VECTOR3I;
  x: number;
  y: number;
  z: number;
  constructor(x = 0, y = 0, z = 0) {
    this.x = x;
    this.y = y;
    this.z = z;
  }
}
tagClass(Vector3i, VariantType.VECTOR3I);

/** Three column vectors, as in GDScript: `x` and `y` axes and `origin`. Default: identity. */
export class Transform2D {
  declare readonly variantType: VariantType.TRANSFORM2D;
  x: Vector2;
  y: Vector2;
  origin: Vector2;
  constructor(x = new Vector2(1, 0), y = new Vector2(0, 1), origin = new Vector2()) {
    this.x = x;
    this.y = y;
    this.origin = origin;
  }
}
tagClass(Transform2D, VariantType.TRANSFORM2D);

export class Vector4 {
  declare readonly variantType: VariantType.VECTOR4;
  x: number;
  y: number;
  z: number;
  w: number;
  constructor(x = 0, y = 0, z = 0, w = 0) {
    this.x = x;
    this.y = y;
    this.z = z;
    this.w = w;
  }
}
tagClass(Vector4, VariantType.VECTOR4);

export class Vector4i {
  declare readonly variantType: VariantType.VECTOR4I;
  x: number;
  y: number;
  z: number;
  w: number;
  constructor(x = 0, y = 0, z = 0, w = 0) {
    this.x = x;
    this.y = y;
    this.z = z;
    this.w = w;
  }
}
tagClass(Vector4i, VariantType.VECTOR4I);

export class Plane {
  declare readonly variantType: VariantType.PLANE;
  normal: Vector3;
  d: number;
  constructor(a: number, b: number, c: number, d: number);
  constructor(normal?: Vector3, d?: number);
  constructor(a?: Vector3 | number, b?: number, c?: number, d?: number) {
    if (typeof a === "number") {
      this.normal = new Vector3(a, b, c);
      this.d = d ?? 0;
    } else {
      this.normal = a ?? new Vector3();
      this.d = b ?? 0;
    }
  }
}
tagClass(Plane, VariantType.PLANE);

/** Default: the identity rotation (0, 0, 0, 1), as Godot's `Quaternion()`. */
export class Quaternion {
  declare readonly variantType: VariantType.QUATERNION;
  x: number;
  y: number;
  z: number;
  w: number;
  constructor(x = 0, y = 0, z = 0, w = 1) {
    this.x = x;
    this.y = y;
    this.z = z;
    this.w = w;
  }
}
tagClass(Quaternion, VariantType.QUATERNION);

export class AABB {
  declare readonly variantType: VariantType.AABB;
  position: Vector3;
  size: Vector3;
  constructor(position = new Vector3(), size = new Vector3()) {
    this.position = position;
    this.size = size;
  }
}
tagClass(AABB, VariantType.AABB);

/**
 * A 3x3 matrix as its three column vectors `x`, `y`, `z` (GDScript's `basis.x` ...). The wire
 * carries it row by row; the codec does that transposition. Default: identity.
 */
export class Basis {
  declare readonly variantType: VariantType.BASIS;
  x: Vector3;
  y: Vector3;
  z: Vector3;
  constructor(x = new Vector3(1, 0, 0), y = new Vector3(0, 1, 0), z = new Vector3(0, 0, 1)) {
    this.x = x;
    this.y = y;
    this.z = z;
  }
}
tagClass(Basis, VariantType.BASIS);

export class Transform3D {
  declare readonly variantType: VariantType.TRANSFORM3D;
  basis: Basis;
  origin: Vector3;
  constructor(basis = new Basis(), origin = new Vector3()) {
    this.basis = basis;
    this.origin = origin;
  }
}
tagClass(Transform3D, VariantType.TRANSFORM3D);

/** A 4x4 matrix as its four column vectors `x`, `y`, `z`, `w`. Default: identity. */
export class Projection {
  declare readonly variantType: VariantType.PROJECTION;
  x: Vector4;
  y: Vector4;
  z: Vector4;
  w: Vector4;
  constructor(
    x = new Vector4(1, 0, 0, 0),
    y = new Vector4(0, 1, 0, 0),
    z = new Vector4(0, 0, 1, 0),
    w = new Vector4(0, 0, 0, 1),
  ) {
    this.x = x;
    this.y = y;
    this.z = z;
    this.w = w;
  }
}
tagClass(Projection, VariantType.PROJECTION);

/** Always binary32 on the wire, whatever the build. Default: opaque black, as Godot's `Color()`. */
export class Color {
  declare readonly variantType: VariantType.COLOR;
  r: number;
  g: number;
  b: number;
  a: number;
  constructor(r = 0, g = 0, b = 0, a = 1) {
    this.r = r;
    this.g = g;
    this.b = b;
    this.a = a;
  }
}
tagClass(Color, VariantType.COLOR);

/** Godot's interned string. As a Dictionary key it equals the String with the same text. */
export class StringName {
  declare readonly variantType: VariantType.STRING_NAME;
  value: string;
  constructor(value = "") {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}
tagClass(StringName, VariantType.STRING_NAME);

/**
 * A scene-tree path: `names` (the `/`-separated part), `subnames` (the `:`-separated property
 * path) and whether it is `absolute`. `new NodePath("/root/Main:position:x")` parses Godot's text.
 */
export class NodePath {
  declare readonly variantType: VariantType.NODE_PATH;
  names: string[];
  subnames: string[];
  absolute: boolean;
  constructor(path?: string);
  constructor(names: string[], subnames?: string[], absolute?: boolean);
  constructor(a: string | string[] = "", subnames: string[] = [], absolute = false) {
    if (typeof a === "string") {
      const parsed = parseNodePath(a);
      this.names = parsed.names;
      this.subnames = parsed.subnames;
      this.absolute = parsed.absolute;
    } else {
      this.names = a;
      this.subnames = subnames;
      this.absolute = absolute;
    }
  }
  /** Godot's text form: `/root/Main:position:x`. */
  toString(): string {
    const path = (this.absolute ? "/" : "") + this.names.join("/");
    return this.subnames.length > 0 ? path + ":" + this.subnames.join(":") : path;
  }
}
tagClass(NodePath, VariantType.NODE_PATH);

function parseNodePath(text: string): { names: string[]; subnames: string[]; absolute: boolean } {
  const absolute = text.startsWith("/");
  const colon = text.indexOf(":");
  const pathPart = colon === -1 ? text : text.slice(0, colon);
  const names = pathPart.split("/").filter((s) => s !== "");
  const subnames = colon === -1 ? [] : text.slice(colon + 1).split(":").filter((s) => s !== "");
  return { names, subnames, absolute };
}

/** An unsigned 64-bit value given as a number or bigint, kept as bigint. */
function toU64(value: bigint | number, what: string): bigint {
  const big = typeof value === "bigint" ? value : BigInt(value);
  if (big < 0n || big > 0xffffffffffffffffn) {
    throw new RangeError(`${what} must be an unsigned 64-bit integer, got ${big}`);
  }
  return big;
}

/** A server resource id. Only meaningful inside the process that made it. */
export class RID {
  declare readonly variantType: VariantType.RID;
  id: bigint;
  constructor(id: bigint | number = 0n) {
    this.id = toU64(id, "RID id");
  }
}
tagClass(RID, VariantType.RID);

/** Godot writes every Callable as a bare header; it decodes to an empty Callable. */
export class Callable {
  declare readonly variantType: VariantType.CALLABLE;
}
tagClass(Callable, VariantType.CALLABLE);

/** A signal of an object: the owner's instance id and the signal's name (Godot's argument order). */
export class Signal {
  declare readonly variantType: VariantType.SIGNAL;
  objectId: bigint;
  name: string;
  constructor(objectId: bigint | number = 0n, name = "") {
    this.objectId = toU64(objectId, "Signal object id");
    this.name = name;
  }
}
tagClass(Signal, VariantType.SIGNAL);

/**
 * An object sent as its instance id (Godot's `var_to_bytes` without full objects). Godot decodes it
 * to its own `EncodedObjectAsID` class; an id of 0 is a null object and decodes to `null`. Always
 * encoded as an id, with or without full objects.
 */
export class EncodedObjectAsID {
  declare readonly variantType: VariantType.OBJECT;
  objectId: bigint;
  constructor(objectId: bigint | number) {
    this.objectId = toU64(objectId, "object id");
  }
}
tagClass(EncodedObjectAsID, VariantType.OBJECT);

/**
 * An object sent in full (`var_to_bytes_with_objects`): its class name and its stored properties in
 * order, as name/value pairs. Nothing is instantiated or executed when one is decoded. Encoded in
 * full with `fullObjects`; otherwise as its `objectId`, which must then be set.
 */
export class GodotObject {
  declare readonly variantType: VariantType.OBJECT;
  className: string;
  properties: Array<[string, Variant]>;
  objectId: bigint | null;
  constructor(className: string, properties: Array<[string, Variant]> = [], objectId: bigint | number | null = null) {
    this.className = className;
    this.properties = properties;
    this.objectId = objectId === null ? null : toU64(objectId, "object id");
  }
  /** The value of the first property with this name, or undefined. */
  get(name: string): Variant | undefined {
    for (const [n, v] of this.properties) if (n === name) return v;
    return undefined;
  }
  /** Replaces the first property with this name, or appends it. */
  set(name: string, value: Variant): this {
    for (const pair of this.properties) {
      if (pair[0] === name) {
        pair[1] = value;
        return this;
      }
    }
    this.properties.push([name, value]);
    return this;
  }
}
tagClass(GodotObject, VariantType.OBJECT);

/** A plain object with string keys: encodes as an untyped Dictionary with String keys. */
export interface VariantRecord {
  readonly [key: string]: Variant;
}

/**
 * Every JS value the codec can encode, and (apart from `undefined`, `Map`, plain objects and
 * plain-typed arrays of other kinds) every value it decodes to.
 */
export type Variant =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | Float
  | Vector2
  | Vector2i
  | Rect2
  | Rect2i
  | Vector3
  | Vector3i
  | Transform2D
  | Vector4
  | Vector4i
  | Plane
  | Quaternion
  | AABB
  | Basis
  | Transform3D
  | Projection
  | Color
  | StringName
  | NodePath
  | RID
  | EncodedObjectAsID
  | GodotObject
  | Callable
  | Signal
  | Dictionary
  | ReadonlyMap<Variant, Variant>
  | VariantRecord
  | readonly Variant[]
  | TypedArray
  | Uint8Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array
  | PackedStringArray
  | PackedVector2Array
  | PackedVector3Array
  | PackedColorArray
  | PackedVector4Array;

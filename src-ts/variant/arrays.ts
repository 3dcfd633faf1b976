import { VariantType } from "./variant-type.js";
import { tagClass } from "./tag.js";
import type { ContainerType } from "./container-type.js";
import type { Variant, Vector2, Vector3, Vector4, Color } from "./types.js";

// Array-shaped Godot types that need their own class because a plain JS array would encode as an
// untyped Godot Array. They are real Arrays (index, length, iteration, map, JSON all work);
// methods that build a new array (map, filter, slice ...) return plain arrays, since the result
// need not hold the same element type.

/** A typed Godot Array (`Array[int]`, `Array[Node]` ...): its elements plus `elementType`. */
export class TypedArray<T extends Variant = Variant> extends Array<T> {
  declare readonly variantType: VariantType.ARRAY;
  elementType: ContainerType;
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  constructor(elementType: ContainerType, items?: Iterable<T>) {
    super();
    this.elementType = elementType;
    if (items !== undefined) for (const item of items) this.push(item);
  }
}
tagClass(TypedArray, VariantType.ARRAY);

/** `PackedStringArray`: strings, written with a trailing NUL each (Godot's layout). */
export class PackedStringArray extends Array<string> {
  declare readonly variantType: VariantType.PACKED_STRING_ARRAY;
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  constructor(items?: Iterable<string>) {
    super();
    if (items !== undefined) for (const item of items) this.push(item);
  }
}
tagClass(PackedStringArray, VariantType.PACKED_STRING_ARRAY);

export class PackedVector2Array extends Array<Vector2> {
  declare readonly variantType: VariantType.PACKED_VECTOR2_ARRAY;
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  constructor(items?: Iterable<Vector2>) {
    super();
    if (items !== undefined) for (const item of items) this.push(item);
  }
}
tagClass(PackedVector2Array, VariantType.PACKED_VECTOR2_ARRAY);

export class PackedVector3Array extends Array<Vector3> {
  declare readonly variantType: VariantType.PACKED_VECTOR3_ARRAY;
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  constructor(items?: Iterable<Vector3>) {
    super();
    if (items !== undefined) for (const item of items) this.push(item);
  }
}
tagClass(PackedVector3Array, VariantType.PACKED_VECTOR3_ARRAY);

export class PackedColorArray extends Array<Color> {
  declare readonly variantType: VariantType.PACKED_COLOR_ARRAY;
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  constructor(items?: Iterable<Color>) {
    super();
    if (items !== undefined) for (const item of items) this.push(item);
  }
}
tagClass(PackedColorArray, VariantType.PACKED_COLOR_ARRAY);

/** `PackedVector4Array` (Godot 4.3+; older peers reject it). */
export class PackedVector4Array extends Array<Vector4> {
  declare readonly variantType: VariantType.PACKED_VECTOR4_ARRAY;
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  constructor(items?: Iterable<Vector4>) {
    super();
    if (items !== undefined) for (const item of items) this.push(item);
  }
}
tagClass(PackedVector4Array, VariantType.PACKED_VECTOR4_ARRAY);

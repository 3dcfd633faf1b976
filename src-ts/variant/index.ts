// The Godot Variant codec: the value classes, varToBytes / bytesToVar, and their errors.
export { VariantType, VARIANT_MAX } from "./variant-type.js";
export {
  Float,
  Vector2,
  Vector2i,
  Rect2,
  Rect2i,
  Vector3,
  Vector3i,
  Transform2D,
  Vector4,
  Vector4i,
  Plane,
  Quaternion,
  AABB,
  Basis,
  Transform3D,
  Projection,
  Color,
  StringName,
  NodePath,
  RID,
  Callable,
  Signal,
  EncodedObjectAsID,
  GodotObject,
} from "./types.js";
export type { Variant, VariantRecord } from "./types.js";
export { Dictionary } from "./dictionary.js";
export type { DictionaryTypes } from "./dictionary.js";
export {
  TypedArray,
  PackedStringArray,
  PackedVector2Array,
  PackedVector3Array,
  PackedColorArray,
  PackedVector4Array,
} from "./arrays.js";
export { builtinType, classType, scriptType, ENCODED_OBJECT_AS_ID_CLASS } from "./container-type.js";
export type { ContainerType } from "./container-type.js";
export { VariantDecodeError, VariantEncodeError, VariantTypeError } from "./errors.js";
export { varToBytes, GODOT_VERSIONS } from "./encode.js";
export type { EncodeOptions, GodotVersion } from "./encode.js";
export { bytesToVar, decodeVariant } from "./decode.js";
export type { DecodeOptions, DecodeResult } from "./decode.js";

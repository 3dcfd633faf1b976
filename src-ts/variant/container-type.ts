import { VariantType } from "./variant-type.js";

/**
 * The element type of a typed Array (`Array[int]`), or the key or value type of a typed Dictionary
 * (`Dictionary[String, Node]`), as carried on the wire since Godot 4.3 / 4.4:
 * - `builtin`: a built-in type (`Array[int]` is `{ kind: "builtin", type: VariantType.INT }`);
 * - `class`: objects of a native class (`Array[Node]`); without full objects Godot writes the class
 *   name `"EncodedObjectAsID"`, and a decoder that does not allow objects reads every class or script
 *   type back as that class (`className` `""`: objects of no class name, see `classType`);
 * - `script`: objects of a script class, identified by its `res://` path (kept as data, never loaded).
 */
export type ContainerType =
  | { readonly kind: "builtin"; readonly type: VariantType }
  | { readonly kind: "class"; readonly className: string }
  | { readonly kind: "script"; readonly path: string };

/** The class name Godot substitutes for object container types when objects are not sent in full. */
export const ENCODED_OBJECT_AS_ID_CLASS = "EncodedObjectAsID";

/** The class name of `Array[Object]`: how `builtinType(VariantType.OBJECT)` goes on the wire. */
export const OBJECT_CLASS = "Object";

/**
 * `{ kind: "builtin", type }`, e.g. `builtinType(VariantType.FLOAT)` for `Array[float]`.
 * `builtinType(VariantType.OBJECT)` is `Array[Object]`, which Godot writes as a class type:
 * the encoder writes it as `classType("Object")` is written (kind 2, the class name
 * "EncodedObjectAsID", or "Object" with full objects), never as built-in type 24.
 */
export function builtinType(type: VariantType): ContainerType {
  return { kind: "builtin", type };
}

/**
 * `{ kind: "class", className }`, e.g. `classType("Node")` for `Array[Node]`. `classType("")` is
 * Godot's object type with no class name, what its text parser makes of `Array[Object]` and what
 * the decoder (with objects allowed) makes of built-in type 24; Godot writes it as built-in type
 * 24, and so does the encoder. (A script's `Array[Object]` is `builtinType(VariantType.OBJECT)`.)
 */
export function classType(className: string): ContainerType {
  return { kind: "class", className };
}

/** `{ kind: "script", path }`, e.g. `scriptType("res://player.gd")`. */
export function scriptType(path: string): ContainerType {
  return { kind: "script", path };
}

import { VariantType } from "./variant-type.js";

/**
 * The prototype property through which the encoder recognises the codec's own classes. A symbol
 * (not a string key) so that no plain object from user data can pose as a Vector2 or a Dictionary.
 */
export const VARIANT_TAG: unique symbol = Symbol("godot-udp.variantType");

/** What the encoder reads: an object whose prototype may carry a tag. */
export interface MaybeTagged {
  readonly [VARIANT_TAG]?: VariantType;
}

/**
 * Marks a class as the JS form of a Godot type: a non-enumerable `variantType` (public, typed per
 * class) and the private tag, both on the prototype, so instances carry no extra own properties.
 */
export function tagClass(cls: { prototype: object }, type: VariantType): void {
  Object.defineProperty(cls.prototype, VARIANT_TAG, { value: type });
  Object.defineProperty(cls.prototype, "variantType", { value: type, enumerable: false });
}

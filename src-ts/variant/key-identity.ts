import { createHash } from "node:crypto";
import { VariantType } from "./variant-type.js";
import { VARIANT_TAG, type MaybeTagged } from "./tag.js";

// Godot compares Dictionary keys by type and value: int 1 and float 1.0 are different keys, a
// String and a StringName with the same text are the same key, two Vector2(1, 2) are the same key.
// `keyIdentity` maps a key to a JS value that Map's SameValueZero compares the same way:
// - a primitive (string, number, boolean, null) for the common keys, usually the key itself;
// - a "\0"-prefixed string describing the value for every other Variant (a real string starting
//   with "\0" is escaped as "\0s..." so it cannot collide);
// - the object itself for full objects, which Godot compares by identity.
//
// Cost: a container's identity is built from its children's identities. One longer than
// LONG_IDENTITY is replaced by "\0#" + its SHA-256 (a strong hash: no one can make two different
// keys collide, so equal identities still mean equal keys), so the identity of a container costs
// O(its direct children), not O(its whole subtree). The decoder also turns on a cache of the
// identities of the containers it creates (keyIdentityCacheOn): each level of a deep key
// chain then reuses the identities below it instead of walking them again, and decoding stays
// linear in the input.

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_KEY_DEPTH = 1024;
/** Composite identities longer than this are replaced by a digest. */
const LONG_IDENTITY = 160;

/** Identities of the objects seen while the cache is on (only during one decode call). */
let cache: Map<object, unknown> | null = null;
let cacheOn = false;

/**
 * Turns on caching of identities per object: only while nothing mutates the values whose identity
 * is taken (the decoder, between its start and its end, for its freshly built containers).
 * `keyIdentityCacheOff` drops the cache.
 */
export function keyIdentityCacheOn(): void {
  cacheOn = true;
}

export function keyIdentityCacheOff(): void {
  cacheOn = false;
  cache = null;
}

/** A composite identity, digested when long (see the file comment); UTF-16 code units are hashed
 * as they are (UTF-8 would map every lone surrogate to U+FFFD, making different keys equal). */
function compact(s: string): string {
  return s.length <= LONG_IDENTITY ? s : "\0#" + createHash("sha256").update(s, "utf16le").digest("base64");
}

/** Identity of a FLOAT value: integral floats must not meet the INT with the same value. */
function floatIdentity(f: number): unknown {
  // -0 and 0 are one key in Godot (== on doubles); NaN equals NaN in Map, as in Godot's hash compare.
  return Number.isInteger(f) ? "\0f" + (f === 0 ? "0" : String(f)) : f;
}

/** Identity of a JS number under the encoder's rule: safe integers (but -0) are INT, others FLOAT. */
function numberIdentity(n: number): unknown {
  return Number.isSafeInteger(n) && !Object.is(n, -0) ? n : floatIdentity(n);
}

function intIdentity(b: bigint): unknown {
  return b >= MIN_SAFE && b <= MAX_SAFE ? Number(b) : "\0i" + b.toString();
}

let nextObjectSerial = 1;
const objectSerials = new WeakMap<object, number>();

/** A string form of any identity, for building the identity of a composite key. */
function identityText(id: unknown): string {
  switch (typeof id) {
    case "string":
      // Length-prefixed, not escaped: escaping the text of nested identities again at every level
      // (JSON.stringify) doubled its backslashes per level, so a key nested ~100 deep overflowed
      // the string length limit and deeper keys took unbounded time.
      return "s" + id.length + ":" + id;
    case "number":
      return "n" + (id === 0 ? "0" : String(id));
    case "boolean":
      return id ? "T" : "F";
    case "object":
      if (id === null) return "N";
      {
        let serial = objectSerials.get(id);
        if (serial === undefined) {
          serial = nextObjectSerial++;
          objectSerials.set(id, serial);
        }
        return "o" + serial;
      }
    default:
      return "?" + String(id);
  }
}

function reals(values: readonly number[]): string {
  let s = "";
  for (const v of values) s += (v === 0 ? "0" : String(v)) + ",";
  return s;
}

function listIdentity(prefix: string, items: Iterable<unknown>, depth: number): string {
  let s = prefix + "[";
  for (const item of items) s += identityText(keyIdentityAt(item, depth + 1)) + ",";
  return compact(s + "]");
}

function mapIdentity(map: Iterable<[unknown, unknown]>, depth: number): string {
  let s = "\0d{";
  for (const [key, value] of map) {
    s += identityText(keyIdentityAt(key, depth + 1)) + ":" + identityText(keyIdentityAt(value, depth + 1)) + ",";
  }
  return compact(s + "}");
}

function objectIdentity(k: object, depth: number): unknown {
  if (depth > MAX_KEY_DEPTH) throw new RangeError("Dictionary key nested too deeply (or cyclic)");
  const tag = (k as MaybeTagged)[VARIANT_TAG];
  // The casts below read the fields of the class the tag names.
  const o = k as Record<string, never>;
  switch (tag) {
    case VariantType.FLOAT:
      return floatIdentity(o.value);
    case VariantType.STRING_NAME:
      return keyIdentityAt(o.value, depth);
    case VariantType.OBJECT:
      return o.className === undefined ? "\0o" + String(o.objectId) : k;
    case VariantType.CALLABLE:
      return "\0c";
    case VariantType.RID:
      return "\0r" + String(o.id);
    case VariantType.SIGNAL:
      return "\0g" + String(o.objectId) + ":" + JSON.stringify(o.name);
    case VariantType.NODE_PATH:
      return "\0p" + JSON.stringify([o.names, o.subnames, o.absolute]);
    case VariantType.VECTOR2:
    case VariantType.VECTOR2I:
      return "\0" + tag + ":" + reals([o.x, o.y]);
    case VariantType.VECTOR3:
    case VariantType.VECTOR3I:
      return "\0" + tag + ":" + reals([o.x, o.y, o.z]);
    case VariantType.VECTOR4:
    case VariantType.VECTOR4I:
    case VariantType.QUATERNION:
      return "\0" + tag + ":" + reals([o.x, o.y, o.z, o.w]);
    case VariantType.COLOR:
      return "\0" + tag + ":" + reals([o.r, o.g, o.b, o.a]);
    case VariantType.RECT2:
    case VariantType.RECT2I:
    case VariantType.AABB:
      return "\0" + tag + ":" + String(objectIdentity(o.position, depth + 1)) + String(objectIdentity(o.size, depth + 1));
    case VariantType.PLANE:
      return "\0" + tag + ":" + String(objectIdentity(o.normal, depth + 1)) + reals([o.d]);
    case VariantType.TRANSFORM2D:
    case VariantType.BASIS:
    case VariantType.PROJECTION:
    case VariantType.TRANSFORM3D: {
      let s = "\0" + tag + ":";
      for (const part of Object.values(o) as object[]) s += String(objectIdentity(part, depth + 1));
      return s;
    }
    case VariantType.DICTIONARY:
      return mapIdentity(k as Map<unknown, unknown>, depth);
    case VariantType.ARRAY:
      return listIdentity("\0a", k as unknown[], depth);
    case VariantType.PACKED_STRING_ARRAY:
    case VariantType.PACKED_VECTOR2_ARRAY:
    case VariantType.PACKED_VECTOR3_ARRAY:
    case VariantType.PACKED_COLOR_ARRAY:
    case VariantType.PACKED_VECTOR4_ARRAY:
      return listIdentity("\0" + tag, k as unknown[], depth);
    default:
      break;
  }
  if (Array.isArray(k)) return listIdentity("\0a", k, depth);
  if (ArrayBuffer.isView(k)) {
    // Packed number arrays: the kind of typed array is part of the type.
    return listIdentity("\0" + k.constructor.name, k as unknown as Iterable<unknown>, depth);
  }
  if (k instanceof Map) return mapIdentity(k as Map<unknown, unknown>, depth);
  const proto: unknown = Object.getPrototypeOf(k);
  if (proto === Object.prototype || proto === null) {
    let s = "\0d{";
    for (const key of Object.keys(k)) {
      s += identityText(key) + ":" + identityText(keyIdentityAt((k as Record<string, unknown>)[key], depth + 1)) + ",";
    }
    return compact(s + "}");
  }
  return k;
}

function keyIdentityAt(k: unknown, depth: number): unknown {
  switch (typeof k) {
    case "string":
      return k.charCodeAt(0) === 0 ? "\0s" + k : k;
    case "number":
      return numberIdentity(k);
    case "bigint":
      return intIdentity(k);
    case "boolean":
      return k;
    case "undefined":
      return null;
    case "object": {
      if (k === null) return null;
      if (!cacheOn) return objectIdentity(k, depth);
      // Inline, not a helper: a deep key recurses through here, and every frame counts.
      if (cache === null) cache = new Map();
      let id = cache.get(k);
      if (id === undefined) {
        id = objectIdentity(k, depth);
        cache.set(k, id);
      }
      return id;
    }
    default:
      return k;
  }
}

/** The value Map compares when `k` is used as a Godot Dictionary key (see the file comment). */
export function keyIdentity(k: unknown): unknown {
  return keyIdentityAt(k, 0);
}

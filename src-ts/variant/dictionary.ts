import { VariantType } from "./variant-type.js";
import { tagClass } from "./tag.js";
import { keyIdentity } from "./key-identity.js";
import type { ContainerType } from "./container-type.js";
import { Float, type Variant, type VariantRecord } from "./types.js";

const NOT_FOUND: unique symbol = Symbol("not found");
// Map's own methods, called directly: cheaper than `super.x(...)` on the hot path.
const mapGet = Map.prototype.get;
const mapHas = Map.prototype.has;
const mapSet = Map.prototype.set;

/** Key and value types of a typed Dictionary (`Dictionary[String, int]`); null = any. */
export interface DictionaryTypes {
  keyType?: ContainerType | null;
  valueType?: ContainerType | null;
}

/**
 * A Godot Dictionary: a `Map` that keeps insertion order (the order on the wire) and compares keys
 * the way Godot does. `get(new Vector2(1, 2))` finds the entry stored under another
 * `Vector2(1, 2)`; `1` (int) and `new Float(1)` (float) are different keys; `"a"` and
 * `new StringName("a")` are the same key; `1` and `1n` are the same int key. Setting an existing key
 * keeps its position and the key first stored, as Godot does. `keyType`/`valueType` make it a typed
 * Dictionary (Godot 4.4+ on the wire). A `-0` key is stored as `new Float(-0)` (a Map would make it
 * `0`, the INT).
 */
export class Dictionary extends Map<Variant, Variant> {
  declare readonly variantType: VariantType.DICTIONARY;
  keyType: ContainerType | null;
  valueType: ContainerType | null;
  /** identity -> stored key, for every stored key whose identity is not the key itself. */
  #aliases: Map<unknown, Variant> | null = null;

  constructor(
    entries?: Iterable<readonly [Variant, Variant]> | VariantRecord | null,
    types?: DictionaryTypes,
  ) {
    super();
    this.keyType = types?.keyType ?? null;
    this.valueType = types?.valueType ?? null;
    if (entries === undefined || entries === null) return;
    if (typeof (entries as Iterable<unknown>)[Symbol.iterator] === "function") {
      for (const [k, v] of entries as Iterable<readonly [Variant, Variant]>) this.set(k, v);
    } else {
      for (const k of Object.keys(entries)) this.set(k, (entries as VariantRecord)[k]);
    }
  }

  /** The stored key equal (in Godot's sense) to `k`, or NOT_FOUND. */
  #find(k: Variant): Variant | typeof NOT_FOUND {
    const aliases = this.#aliases;
    const id = keyIdentity(k);
    if (aliases !== null) {
      const stored = aliases.get(id);
      if (stored !== undefined) return stored;
    }
    // A stored key that is its own identity (a plain string, a safe integer, a boolean, null, a
    // full object) is found in the Map itself. "\0"-identities only ever live in the aliases.
    if (typeof id === "string" && id.charCodeAt(0) === 0) return NOT_FOUND;
    return mapHas.call(this, id) ? (id as Variant) : NOT_FOUND;
  }

  override get(k: Variant): Variant | undefined {
    if (typeof k === "string" && this.#aliases === null && k.charCodeAt(0) !== 0) return mapGet.call(this, k);
    const stored = this.#find(k);
    return stored === NOT_FOUND ? undefined : mapGet.call(this, stored);
  }

  override has(k: Variant): boolean {
    if (typeof k === "string" && this.#aliases === null && k.charCodeAt(0) !== 0) return mapHas.call(this, k);
    return this.#find(k) !== NOT_FOUND;
  }

  override set(k: Variant, v: Variant): this {
    if (typeof k === "string" && this.#aliases === null && k.charCodeAt(0) !== 0) {
      mapSet.call(this, k, v);
      return this;
    }
    // Map would turn a -0 key into +0, which is another Godot key (INT 0): keep it as a FLOAT.
    const key = k === undefined ? null : Object.is(k, -0) ? new Float(-0) : k;
    const stored = this.#find(key);
    if (stored !== NOT_FOUND) {
      mapSet.call(this, stored, v);
      return this;
    }
    const id = keyIdentity(key);
    if (!Object.is(id, key)) (this.#aliases ??= new Map()).set(id, key);
    mapSet.call(this, key, v);
    return this;
  }

  override delete(k: Variant): boolean {
    const stored = this.#find(k);
    if (stored === NOT_FOUND) return false;
    this.#aliases?.delete(keyIdentity(stored));
    return super.delete(stored);
  }

  override clear(): void {
    this.#aliases = null;
    super.clear();
  }

  /** A plain object of the entries; every key must be a String or StringName. */
  toObject(): { [key: string]: Variant } {
    const out: { [key: string]: Variant } = {};
    for (const [k, v] of this) {
      const key = typeof k === "string" ? k : (k as { variantType?: unknown } | null)?.variantType === VariantType.STRING_NAME ? String(k) : undefined;
      if (key === undefined) throw new TypeError(`toObject: key ${String(k)} is not a String or StringName`);
      out[key] = v;
    }
    return out;
  }
}
tagClass(Dictionary, VariantType.DICTIONARY);

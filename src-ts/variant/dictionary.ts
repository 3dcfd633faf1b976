import { VariantType } from "./variant-type.js";
import { tagClass } from "./tag.js";
import { keyIdentity } from "./key-identity.js";
import type { ContainerType } from "./container-type.js";
import type { Variant, VariantRecord } from "./types.js";

/** Key and value types of a typed Dictionary (`Dictionary[String, int]`); null = any. */
export interface DictionaryTypes {
  keyType?: ContainerType | null;
  valueType?: ContainerType | null;
}

/** Up to this many entries a key is found by scanning; beyond, through an index Map. */
const SCAN_LIMIT = 16;

let keysOf: (d: Dictionary) => readonly Variant[];
let valuesOf: (d: Dictionary) => readonly Variant[];
let appendNew: (d: Dictionary, key: string, value: Variant) => void;

/**
 * A Godot Dictionary: a `Map` (it is `instanceof Map` and has Map's whole API) that keeps insertion
 * order (the order on the wire) and compares keys the way Godot does. `get(new Vector2(1, 2))`
 * finds the entry stored under another `Vector2(1, 2)`; `1` (int) and `new Float(1)` (float) are
 * different keys; `"a"` and `new StringName("a")` are the same key; `1` and `1n` are the same int
 * key. Setting an existing key keeps its position and the key first stored, as Godot does.
 * `keyType`/`valueType` make it a typed Dictionary (Godot 4.4+ on the wire).
 *
 * The entries live in arrays, found by a scan while the Dictionary is small and through an index
 * beyond that: network messages are mostly small Dictionaries, and the decoder appends their new
 * String keys without any hashing. (Map's own storage stays empty: code that bypasses the
 * methods, such as `Map.prototype.get.call(d, k)` or `structuredClone(d)`, sees no entries.)
 * `delete` costs O(n).
 */
export class Dictionary extends Map<Variant, Variant> {
  declare readonly variantType: VariantType.DICTIONARY;
  keyType: ContainerType | null;
  valueType: ContainerType | null;
  #keys: Variant[] = [];
  #values: Variant[] = [];
  /** keyIdentity() of each key: what key comparison compares. */
  #ids: unknown[] = [];
  /** identity -> position, once there are more than SCAN_LIMIT entries. */
  #index: Map<unknown, number> | null = null;

  static {
    keysOf = (d) => d.#keys;
    valuesOf = (d) => d.#values;
    appendNew = (d, key, value) => d.#append(key, key, value);
  }

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

  /** The position of the key with this identity, or -1. */
  #find(id: unknown): number {
    const index = this.#index;
    if (index !== null) return index.get(id) ?? -1;
    const ids = this.#ids;
    const n = ids.length;
    if (id === id) {
      for (let i = 0; i < n; i++) if (ids[i] === id) return i;
    } else {
      for (let i = 0; i < n; i++) if (ids[i] !== ids[i]) return i; // NaN finds NaN, as in Godot
    }
    return -1;
  }

  #reindex(): void {
    if (this.#ids.length <= SCAN_LIMIT) {
      this.#index = null;
      return;
    }
    const index = new Map<unknown, number>();
    this.#ids.forEach((id, i) => index.set(id, i));
    this.#index = index;
  }

  override get size(): number {
    return this.#keys.length;
  }

  override get(k: Variant): Variant | undefined {
    const i = this.#find(keyIdentity(k));
    return i < 0 ? undefined : this.#values[i];
  }

  override has(k: Variant): boolean {
    return this.#find(keyIdentity(k)) >= 0;
  }

  override set(k: Variant, v: Variant): this {
    const key = k === undefined ? null : k;
    const id = keyIdentity(key);
    const i = this.#find(id);
    if (i >= 0) {
      this.#values[i] = v;
      return this;
    }
    this.#append(key, id, v);
    return this;
  }

  /** Adds an entry known not to be there yet. */
  #append(key: Variant, id: unknown, value: Variant): void {
    const n = this.#keys.length;
    this.#keys.push(key);
    this.#values.push(value);
    this.#ids.push(id);
    if (this.#index !== null) this.#index.set(id, n);
    else if (n === SCAN_LIMIT) this.#reindex();
  }

  override delete(k: Variant): boolean {
    const i = this.#find(keyIdentity(k));
    if (i < 0) return false;
    this.#keys.splice(i, 1);
    this.#values.splice(i, 1);
    this.#ids.splice(i, 1);
    if (this.#index !== null) this.#reindex();
    return true;
  }

  override clear(): void {
    this.#keys = [];
    this.#values = [];
    this.#ids = [];
    this.#index = null;
  }

  override keys(): MapIterator<Variant> {
    return this.#keys.values() as MapIterator<Variant>;
  }

  override values(): MapIterator<Variant> {
    return this.#values.values() as MapIterator<Variant>;
  }

  override entries(): MapIterator<[Variant, Variant]> {
    return this.#entries() as MapIterator<[Variant, Variant]>;
  }

  override [Symbol.iterator](): MapIterator<[Variant, Variant]> {
    return this.#entries() as MapIterator<[Variant, Variant]>;
  }

  *#entries(): Generator<[Variant, Variant]> {
    const keys = this.#keys;
    const values = this.#values;
    for (let i = 0; i < keys.length; i++) yield [keys[i] as Variant, values[i] as Variant];
  }

  override forEach(callback: (value: Variant, key: Variant, map: Map<Variant, Variant>) => void, thisArg?: unknown): void {
    const keys = this.#keys;
    const values = this.#values;
    for (let i = 0; i < keys.length; i++) callback.call(thisArg, values[i] as Variant, keys[i] as Variant, this);
  }

  override get [Symbol.toStringTag](): string {
    return "Dictionary";
  }

  /** What `console.log` and `util.inspect` show: the entries (Map's own storage is unused). */
  [Symbol.for("nodejs.util.inspect.custom")](
    _depth: number,
    options: object,
    inspect: (value: unknown, options: object) => string,
  ): string {
    const typed = this.keyType !== null || this.valueType !== null ? ` ${inspect({ keyType: this.keyType, valueType: this.valueType }, options)}` : "";
    return `Dictionary(${this.size})${typed} ${inspect(new Map(this.#entries()), options).replace(/^Map\(\d+\) /, "")}`;
  }

  /** A plain object of the entries; every key must be a String or StringName. */
  toObject(): { [key: string]: Variant } {
    const out: { [key: string]: Variant } = {};
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const key =
        typeof k === "string"
          ? k
          : (k as { variantType?: unknown } | null)?.variantType === VariantType.STRING_NAME
            ? String(k)
            : undefined;
      if (key === undefined) throw new TypeError(`toObject: key ${String(k)} is not a String or StringName`);
      out[key] = this.#values[i] as Variant;
    }
    return out;
  }
}
tagClass(Dictionary, VariantType.DICTIONARY);

/** The keys of a Dictionary in order, without copying (the encoder's fast path). */
export function dictionaryKeys(d: Dictionary): readonly Variant[] {
  return keysOf(d);
}

/** The values of a Dictionary in order, without copying. */
export function dictionaryValues(d: Dictionary): readonly Variant[] {
  return valuesOf(d);
}

/**
 * Appends an entry without looking for the key: only for a String key (not starting with "\0",
 * so it is its own identity) that the caller knows is not in the Dictionary yet (the decoder).
 */
export function dictionaryAppendNew(d: Dictionary, key: string, value: Variant): void {
  appendNew(d, key, value);
}

/**
 * The set of connected peer ids, iterated in the order Godot's `HashSet<int>` iterates
 * (`core/templates/hash_set.h`): insertion order, except that erasing moves the last id into the
 * erased slot. SceneMultiplayer's ADD_PEER/DEL_PEER announcements and broadcasts go out in this
 * order, so keeping it keeps the byte stream in Godot's order too.
 */
export class PeerSet {
  readonly #ids: number[] = [];
  readonly #index = new Map<number, number>();

  get size(): number {
    return this.#ids.length;
  }

  has(id: number): boolean {
    return this.#index.has(id);
  }

  add(id: number): void {
    if (this.#index.has(id)) return;
    this.#index.set(id, this.#ids.length);
    this.#ids.push(id);
  }

  delete(id: number): boolean {
    const at = this.#index.get(id);
    if (at === undefined) return false;
    this.#index.delete(id);
    const last = this.#ids.pop()!;
    if (at < this.#ids.length) {
      this.#ids[at] = last;
      this.#index.set(last, at);
    }
    return true;
  }

  clear(): void {
    this.#ids.length = 0;
    this.#index.clear();
  }

  /** A copy, safe to iterate while the set changes (a send may re-enter). */
  toArray(): number[] {
    return this.#ids.slice();
  }
}

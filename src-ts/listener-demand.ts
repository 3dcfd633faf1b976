/**
 * Listener demand: a socket class's event mode follows its listeners of some events (`'packet'`,
 * `'connection'`, ...). Node emits `'newListener'` before adding a listener (the count is one
 * short then, hence `adding`) and `'removeListener'` after removing one. `removeAllListeners()`
 * can remove these hooks themselves, so an owner overriding it calls `install()` again.
 */
import type { EventEmitter } from "node:events";

export class ListenerDemand {
  readonly #emitter: EventEmitter;
  readonly #onNew: (name: string | symbol) => void;
  readonly #onRemove: (name: string | symbol) => void;

  /** Calls `changed(1)` before a listener of `events` is added, `changed(0)` after one left. */
  constructor(emitter: EventEmitter, events: readonly string[], changed: (adding: 0 | 1) => void) {
    this.#emitter = emitter;
    this.#onNew = (name) => {
      if (events.includes(name as string)) changed(1);
    };
    this.#onRemove = (name) => {
      if (events.includes(name as string)) changed(0);
    };
    this.install();
  }

  /** Installs the hooks unless they are in place. */
  install(): void {
    const emitter = this.#emitter;
    if (!emitter.listeners("newListener").includes(this.#onNew)) emitter.on("newListener", this.#onNew);
    if (!emitter.listeners("removeListener").includes(this.#onRemove)) {
      emitter.on("removeListener", this.#onRemove);
    }
  }
}

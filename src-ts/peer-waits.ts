/**
 * PacketPeerUDP's waits, behind its argument checks: Godot's `wait` without blocking the event
 * loop (answered at once when the socket is readable, else by the socket's libuv watch, else by
 * the engine), and Godot's blocking `waitSync`.
 */
import { GodotError } from "./errors.js";
import type { EventMode } from "./event-mode.js";
import type { NativePeer } from "./native.js";
import type { ReceiveBatch } from "./receive-batch.js";

let nextWaitId = 1;

export class PeerWaits {
  readonly #native: NativePeer;
  readonly #events: EventMode;
  readonly #batch: ReceiveBatch;
  readonly #isServerPeer: () => boolean;
  /** `#batch.reads` when a wait was last answered at once (see #answerNow). */
  #readsAtAnswer = -1;

  constructor(native: NativePeer, events: EventMode, batch: ReceiveBatch, isServerPeer: () => boolean) {
    this.#native = native;
    this.#events = events;
    this.#batch = batch;
    this.#isServerPeer = isServerPeer;
  }

  /** `wait()` with checked arguments and a signal that is not aborted. */
  wait(timeout: number | undefined, signal: AbortSignal | undefined): Promise<GodotError> {
    if (!this.#isServerPeer() && !this.#events.unrefd) {
      // Readable (or failed, or not open) now: the answer costs one poll, no thread hop. Not
      // asked when a count in this run of code found nothing a moment ago (ReceiveBatch.known): the
      // watch reports anything newer at the event loop's next turn.
      if (this.#batch.known !== 0 || timeout === 0) {
        const now = this.#native.waitSync(0) as GodotError;
        if (now !== GodotError.ERR_TIMEOUT) return this.#answerNow(now);
        if (timeout === 0) return Promise.resolve(GodotError.ERR_TIMEOUT);
      }
      // Served by the socket's libuv watch; null when no watch can start.
      const watched = this.#events.waitReadable(timeout, signal);
      if (watched !== null) return watched;
    }
    const id = nextWaitId++;
    const pending = this.#native.wait(toNativeTimeout(timeout), id);
    // close() settles it at once, not when the engine's answer arrives.
    return this.#events.trackNativeWait(pending, () => this.#native.cancelWait(id), signal);
  }

  /** `waitSync()` with a checked timeout. */
  waitSync(timeoutMs: number | undefined): GodotError {
    return this.#native.waitSync(toNativeTimeout(timeoutMs), stillRunning);
  }

  /**
   * A wait answered without waiting. A loop that waits again without reading anything since the
   * last such answer would never yield (each answer a microtask, the event loop never turning,
   * listeners that would read never running): that wait resolves after the loop turns instead.
   */
  #answerNow(code: GodotError): Promise<GodotError> {
    const reads = this.#batch.reads;
    if (reads === this.#readsAtAnswer) {
      return new Promise((resolve) => setImmediate(resolve, code));
    }
    this.#readsAtAnswer = reads;
    return Promise.resolve(code);
  }
}

/**
 * Called by the engine between the slices of a `waitSync()`: when V8 is terminating the thread
 * (`worker.terminate()`, or `process.exit()` ending the workers) the call fails, and the wait ends.
 */
function stillRunning(): void {}

function toNativeTimeout(timeout: number | undefined): number {
  if (timeout === undefined || timeout === Infinity) return -1;
  return Math.min(Math.ceil(timeout), Number.MAX_SAFE_INTEGER);
}

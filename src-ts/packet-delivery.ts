/**
 * Private: PacketPeerUDP's Node layer for received packets, apart from its Godot methods (as
 * node's `lib/internal/dgram.js` is apart from `lib/dgram.js`): `'packet'` events, `for await`
 * iteration, the socket errors they report, and when the peer's readable watch is wanted.
 *
 * Packets come from the peer (`hooks.shift()` hands out the held batch, `hooks.take()` takes the
 * next one from the native queue); readiness comes from its EventMode (event-mode.ts). Listeners
 * take priority over iterators; several iterators share the packets. Delivery yields to the event
 * loop every PUSH_BUDGET packets, so a flood never starves timers and I/O.
 */
import { GodotError } from "./errors.js";
import type { EventMode } from "./event-mode.js";
import type { UDPPacket } from "./packet-peer-udp-types.js";
import { UDPSocketError } from "./udp-socket-error.js";

// Packets emitted per callback (or yielded by iterators) before yielding to the event loop with
// setImmediate (then draining continues).
const PUSH_BUDGET = 4096;

/** What delivery needs from its peer. */
export interface DeliveryHooks {
  /** Emits one `'packet'` event. */
  emitPacket(packet: UDPPacket): void;
  /** Emits `'error'` (called only while someone listens). */
  emitError(error: UDPSocketError): void;
  listenerCount(event: "packet" | "error"): number;
  /** The next packet of the batch already taken (it becomes the peer's last packet). */
  shift(): UDPPacket | undefined;
  /** Takes the next batch from the native queue: its size, 0 when empty, -1 on a read error. */
  take(): number;
  isBound(): boolean;
  /** A server peer: its server watches the shared socket and calls `deliver()` after routing. */
  isServerPeer(): boolean;
}

export class PacketDelivery {
  readonly #hooks: DeliveryHooks;
  readonly #events: EventMode;
  #draining = false;
  #scheduled = false;
  /** Bumped by `endEpoch()` (the peer closed): work started before stops touching the peer. */
  #epoch = 0;
  #iterators = 0;
  /** Packets iterators took since they last yielded to the event loop (see PUSH_BUDGET). */
  #takenSinceYield = 0;
  #waiters: Array<() => void> = [];
  #socketErrors = 0;

  constructor(hooks: DeliveryHooks, events: EventMode) {
    this.#hooks = hooks;
    this.#events = events;
  }

  /** Socket errors reported (counted whether or not `'error'` is listened to). */
  get socketErrors(): number {
    return this.#socketErrors;
  }

  /** Iterators in use. */
  get iterators(): number {
    return this.#iterators;
  }

  /**
   * The peer closed: iterators of this epoch see the change and end (once woken, with
   * `wakeWaiters()`, after the socket is gone). Returns whether any was in use.
   */
  endEpoch(): boolean {
    const had = this.#iterators > 0;
    this.#epoch++;
    this.#iterators = 0;
    return had;
  }

  /** Starts or stops native watching to match listeners and iterators. */
  syncWatch(addingListeners = 0): void {
    const want = this.#hooks.listenerCount("packet") + addingListeners > 0 || this.#iterators > 0;
    if (this.#hooks.isServerPeer()) {
      // The server watches the shared socket and routes; flush what it already routed here.
      if (want) this.schedule();
      return;
    }
    this.#events.update(want);
  }

  /** Delivers on the next microtask (once, however often asked before it runs). */
  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.deliver();
    });
  }

  /**
   * Readable (or packets routed): emit to listeners, else let waiting iterators pull. A throwing
   * listener neither stalls delivery nor unwinds into the engine: it surfaces as an uncaught
   * exception, as with Node's own emitters.
   */
  deliver(): void {
    try {
      this.#deliver();
    } catch (err) {
      setImmediate(() => this.deliver());
      this.#events.throwLater(err);
    }
  }

  #deliver(): void {
    const hooks = this.#hooks;
    if (hooks.listenerCount("packet") === 0) {
      this.wakeWaiters();
      return;
    }
    if (this.#draining) return;
    this.#draining = true;
    const epoch = this.#epoch;
    let budget = PUSH_BUDGET;
    let errorsSeen = 0;
    try {
      for (;;) {
        if (this.#epoch !== epoch) return; // closed by a listener
        if (hooks.listenerCount("packet") === 0) {
          // The last listener left: iterators (if any) take over the rest.
          this.wakeWaiters();
          return;
        }
        const packet = hooks.shift();
        if (packet !== undefined) {
          hooks.emitPacket(packet);
          continue;
        }
        if (budget <= 0) {
          // Let timers and I/O run; resume before re-arming so nothing is stranded in the queue.
          setImmediate(() => this.deliver());
          return;
        }
        const taken = hooks.take();
        if (taken > 0) {
          budget -= taken;
          continue;
        }
        if (taken < 0 && errorsSeen === 0 && hooks.isBound()) {
          errorsSeen++;
          this.#reportSocketError();
          continue;
        }
        this.#events.rearm();
        return;
      }
    } finally {
      this.#draining = false;
    }
  }

  /**
   * An iterator over the packets, in arrival order, ending when the peer closes (see
   * `PacketPeerUDP[Symbol.asyncIterator]`).
   */
  iterator(): AsyncIterableIterator<UDPPacket> {
    const hooks = this.#hooks;
    let finished = false;
    const epoch = this.#epoch;
    this.#iterators++;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      // A close already forgot the iterators of its epoch.
      if (this.#epoch === epoch) this.#iterators--;
      this.syncWatch();
      // A next() still pending on this iterator re-checks and ends.
      this.wakeWaiters();
    };
    const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
    const iterator: AsyncIterableIterator<UDPPacket> = {
      next: async (): Promise<IteratorResult<UDPPacket>> => {
        let errorsSeen = 0;
        for (;;) {
          if (finished) return done;
          if (this.#epoch !== epoch) {
            finished = true;
            return done;
          }
          const packet = hooks.shift();
          if (packet !== undefined) return { done: false, value: packet };
          if (hooks.listenerCount("packet") === 0) {
            if (this.#takenSinceYield >= PUSH_BUDGET) {
              // Under a flood the queue never runs dry and next() would resolve through
              // microtasks forever: let timers and I/O run before taking more.
              this.#takenSinceYield = 0;
              await new Promise<void>((resolve) => setImmediate(resolve));
              continue;
            }
            const taken = hooks.take();
            if (taken > 0) {
              this.#takenSinceYield += taken;
              continue;
            }
            if (taken < 0 && errorsSeen === 0 && hooks.isBound()) {
              errorsSeen++;
              this.#reportSocketError();
              continue;
            }
          }
          this.#takenSinceYield = 0; // waiting for readability yields to the event loop
          await this.#waitReadable();
        }
      },
      return: async (): Promise<IteratorResult<UDPPacket>> => {
        finish();
        return done;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    this.syncWatch();
    return iterator;
  }

  /** Wakes every iterator waiting for readability (each re-checks why it waited). */
  wakeWaiters(): void {
    if (this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #waitReadable(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#waiters.push(resolve);
      // Server peers are woken by deliver() from their server; others by the native watch.
      if (this.#hooks.isServerPeer()) return;
      if (this.#events.watching) this.#events.rearm();
      else this.syncWatch();
    });
  }

  #reportSocketError(): void {
    this.#socketErrors++;
    if (this.#hooks.listenerCount("error") > 0) {
      this.#hooks.emitError(new UDPSocketError(GodotError.FAILED));
    }
  }
}

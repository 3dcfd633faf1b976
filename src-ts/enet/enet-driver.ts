/**
 * ENetConnection's Node layer (kept apart from the Godot class, as node's internal/dgram.js is
 * from dgram.js): who services the host and who gets each event.
 *
 * The host is serviced (one-pass `service(0)` calls until no event is left) on socket readiness
 * (the shared EventMode watch) and on a short unreferenced tick for ENet's timers
 * (retransmissions, pings, timeouts), while anyone wants events: a pending `service(timeout)`, an
 * iterator, or a `'connect'`/`'disconnect'`/`'receive'` listener. Sends made meanwhile are flushed
 * on the next turn of the event loop rather than on the next tick.
 *
 * Each event goes to the oldest pending `service(timeout)` if there is one (Godot's semantics:
 * the packet is queued on its peer); otherwise to every iterator and to the listeners, with the
 * packet in the event.
 */
import type { EventEmitter } from "node:events";
import { EventMode } from "../event-mode.js";
import { ListenerDemand } from "../listener-demand.js";
import type { NativeEnetHost } from "../native.js";
import type { ENetPacketPeer } from "./enet-packet-peer.js";

/** ENet's clock needs servicing about this often for timely retransmissions and pings. */
const TICK_MS = 10;
/** Most passes per drain before yielding to the event loop (a flood cannot starve it). */
const MAX_PASSES_PER_DRAIN = 4096;
/** Most events an iterator holds unread; past it, events are dropped and counted. */
export const MAX_ITERATOR_BUFFER = 65536;
// setTimeout's longest delay.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** An event of the Node layer (`for await`), with its packet. Types are Godot's `EVENT_*` numbers. */
export type ENetConnectionEvent =
  | { type: 1; peer: ENetPacketPeer; data: number }
  | { type: 2; peer: ENetPacketPeer; data: number }
  | { type: 3; peer: ENetPacketPeer; packet: Buffer; channel: number; flags: number };

/** Godot's `[type, peer, data, channel]`. */
type ServiceResult = [type: number, peer: ENetPacketPeer | null, data: number, channel: number];

/** What the driver needs from its connection. */
export interface DriverHooks {
  /**
   * One ENet pass (Godot's `_service(0)`); `queueOnPeer`: a received packet is queued on its peer,
   * else `takePacket()` hands it over.
   */
  pass(queueOnPeer: boolean): ServiceResult;
  /** The packet (and flags) of the last RECEIVE pass made with `queueOnPeer` false. */
  takePacket(): [packet: Buffer, flags: number];
}

interface Waiter {
  resolve(result: ServiceResult): void;
  timer: NodeJS.Timeout | undefined;
}

class Iterator implements AsyncIterator<ENetConnectionEvent> {
  readonly buffered: ENetConnectionEvent[] = [];
  pending: ((r: IteratorResult<ENetConnectionEvent>) => void) | null = null;
  ended = false;
  dropped = 0;

  constructor(readonly onEnd: (it: Iterator) => void) {}

  push(event: ENetConnectionEvent): void {
    if (this.pending !== null) {
      const resolve = this.pending;
      this.pending = null;
      resolve({ value: event, done: false });
    } else if (this.buffered.length < MAX_ITERATOR_BUFFER) {
      this.buffered.push(event);
    } else {
      this.dropped++;
    }
  }

  end(): void {
    this.ended = true;
    if (this.pending !== null) {
      const resolve = this.pending;
      this.pending = null;
      resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<ENetConnectionEvent>> {
    const event = this.buffered.shift();
    if (event !== undefined) return Promise.resolve({ value: event, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.pending = resolve;
    });
  }

  return(): Promise<IteratorResult<ENetConnectionEvent>> {
    this.buffered.length = 0;
    this.end();
    this.onEnd(this);
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

const EVENTS = ["connect", "disconnect", "receive"] as const;

export class EnetDriver {
  readonly #emitter: EventEmitter;
  readonly #native: NativeEnetHost;
  readonly #hooks: DriverHooks;
  readonly #mode: EventMode;
  readonly #waiters: Waiter[] = [];
  readonly #iterators = new Set<Iterator>();
  #flushQueued = false;
  #drainQueued = false;
  #draining = false;
  #serviceErrors = 0;
  readonly #flushNow = (): void => {
    this.#flushQueued = false;
    if (this.#native.isActive()) this.#native.flush();
  };
  readonly #drainNow = (): void => {
    this.#drainQueued = false;
    this.#safeDrain();
  };

  constructor(emitter: EventEmitter, native: NativeEnetHost, hooks: DriverHooks) {
    this.#emitter = emitter;
    this.#native = native;
    this.#hooks = hooks;
    this.#mode = new EventMode(native, {
      isOpen: () => native.isActive(),
      onReadable: () => {
        this.#safeDrain();
        return true;
      },
      // Deferred: a watch starts from 'newListener', before Node registers that listener, and
      // one pass can already hold its event (a loopback peer answers within the pass).
      onStarted: () => this.#queueDrain(),
      onTick: () => this.#safeDrain(),
    });
    this.#mode.setTick(TICK_MS);
    new ListenerDemand(emitter, EVENTS, (adding) => this.#update(adding));
  }

  /** Service errors seen by the Node layer (EVENT_ERROR passes). */
  get serviceErrors(): number {
    return this.#serviceErrors;
  }

  /** A host was created: start servicing if someone wants events. */
  opened(): void {
    this.#update(0);
  }

  /** The host is being destroyed: waiters get EVENT_NONE, iterators end, the watch stops. */
  closing(): void {
    this.#mode.close();
    const waiters = this.#waiters.splice(0);
    for (const w of waiters) {
      if (w.timer !== undefined) clearTimeout(w.timer);
      w.resolve([0, null, 0, 0]);
    }
    for (const it of this.#iterators) it.end();
    this.#iterators.clear();
  }

  /**
   * A DTLS setup replaced the host's socket; the binding ended the old watch without a last call.
   * Forget it and watch the new socket if anyone wants events (pending waiters included).
   */
  socketReplaced(): void {
    this.#mode.forget();
    this.#update(0);
  }

  /** `service(timeout > 0)` (negative: no time limit). */
  serviceWait(timeout: number): Promise<ServiceResult> {
    if (this.#waiters.length === 0) {
      const now = this.#hooks.pass(true);
      if (now[0] !== 0) return Promise.resolve(now);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve, timer: undefined };
      if (timeout > 0) this.#armTimeout(waiter, timeout);
      this.#waiters.push(waiter);
      this.#update(0);
    });
  }

  /** Sends were queued: flush them on the next turn, while in event mode. */
  scheduleFlush(): void {
    if (this.#flushQueued || !this.#mode.watching) return;
    this.#flushQueued = true;
    setImmediate(this.#flushNow);
  }

  iterator(): AsyncIterator<ENetConnectionEvent> {
    const it = new Iterator((ended) => {
      this.#iterators.delete(ended);
      this.#update(0);
    });
    if (!this.#native.isActive()) {
      it.end();
      return it;
    }
    this.#iterators.add(it);
    this.#update(0);
    return it;
  }

  ref(): void {
    this.#mode.ref();
  }

  unref(): void {
    this.#mode.unref();
  }

  #update(adding: 0 | 1): void {
    let listeners = adding;
    for (const name of EVENTS) listeners += this.#emitter.listenerCount(name);
    this.#mode.update(listeners > 0 || this.#iterators.size > 0 || this.#waiters.length > 0);
  }

  #armTimeout(waiter: Waiter, left: number): void {
    const step = Math.min(left, MAX_TIMER_MS);
    waiter.timer = setTimeout(() => {
      if (left > step) {
        this.#armTimeout(waiter, left - step);
        return;
      }
      const at = this.#waiters.indexOf(waiter);
      if (at === -1) return;
      this.#waiters.splice(at, 1);
      waiter.resolve([0, null, 0, 0]);
      this.#update(0);
    }, step);
  }

  /** Services the host until no event is left (or the pass budget is spent), delivering each. */
  #drain(): void {
    if (this.#draining) return; // a listener's own call re-entered: the outer loop continues
    this.#draining = true;
    let settledWaiter = false;
    try {
      for (let i = 0; i < MAX_PASSES_PER_DRAIN; i++) {
        if (!this.#native.isActive()) return;
        const waiter = this.#waiters[0];
        const result = this.#hooks.pass(waiter !== undefined);
        const type = result[0];
        if (type === 0) return;
        if (waiter !== undefined) {
          this.#waiters.shift();
          if (waiter.timer !== undefined) clearTimeout(waiter.timer);
          waiter.resolve(result);
          settledWaiter = true;
          continue;
        }
        if (type < 0) {
          this.#serviceErrors++;
          if (this.#emitter.listenerCount("error") > 0) {
            this.#emitter.emit("error", new Error("ENet service failed (EVENT_ERROR)"));
          }
          return;
        }
        this.#deliver(type, result);
      }
      // Budget spent with work left: continue on the next turn.
      this.#queueDrain();
    } finally {
      this.#draining = false;
      if (settledWaiter) this.#update(0);
    }
  }

  /**
   * `#drain` for callers outside user code: a throwing listener neither stalls servicing nor
   * unwinds into the binding; it surfaces as an uncaught exception, as with Node's own emitters.
   */
  #safeDrain(): void {
    try {
      this.#drain();
    } catch (err) {
      this.#queueDrain();
      this.#mode.throwLater(err);
    }
  }

  #queueDrain(): void {
    if (this.#drainQueued) return;
    this.#drainQueued = true;
    setImmediate(this.#drainNow);
  }

  #deliver(type: number, result: ServiceResult): void {
    const peer = result[1]!;
    let event: ENetConnectionEvent;
    if (type === 3) {
      const [packet, flags] = this.#hooks.takePacket();
      event = { type: 3, peer, packet, channel: result[3], flags };
      for (const it of this.#iterators) it.push(event);
      this.#emitter.emit("receive", peer, packet, result[3], flags);
      return;
    }
    event = { type: type === 1 ? 1 : 2, peer, data: result[2] };
    for (const it of this.#iterators) it.push(event);
    this.#emitter.emit(type === 1 ? "connect" : "disconnect", peer, result[2]);
  }
}

/**
 * Event mode, once for every socket class (PacketPeerUDP, UDPServer, ENetConnection): the native
 * readable-watch state machine, the process-liveness policy, `wait()`s served by the watch and
 * an optional periodic tick. What readiness means (deliver packets, poll a server, service a
 * host) stays with the owner, in its hooks.
 *
 * States (`generation` is 0 exactly when idle):
 *
 *            update(true) or waitReadable(), once hooks.isOpen()
 *   idle ───────────────────────────────────────────────▶ watching, armed
 *    ▲  ▲                                                     │    ▲
 *    │  │ update(false), no wait kept: native unwatch()       │    │ rearm(), markRearmed(),
 *    │  └─────────────────────────────────────────────────────┤    │ a waiter, or onReadable → true
 *    │                                                         ▼    │
 *    │  close(), forget(), last ERR_UNCONFIGURED call     watching, disarmed
 *    └──────────────────── (from either watching state) ◀─────┘   (readiness called back)
 *
 * Contract:
 * - The owner calls `update(wanted)` whenever its demand changes: `wanted` = someone listens or
 *   iterates. Watching starts once the native object is open (`hooks.isOpen()`), so an owner that
 *   opens its socket later calls `update` again then.
 * - Every watch gets a fresh generation: a callback of an ended watch (its last call, or one
 *   already queued) is ignored, so nothing of an old watch reaches the owner.
 * - One readiness call per arming. On it, watched waits settle first (OK, or FAILED for a socket
 *   error), then `hooks.onReadable(status)` runs; returning true re-arms as the callback returns
 *   (the binding does it, no extra native call). Otherwise the owner re-arms with `rearm()` once
 *   it has drained what it wants, or `markRearmed()` when another native call re-armed.
 * - A pending wait keeps the watch armed across wake-ups (a wait loop waits again at once), and a
 *   watch started for a wait stays in place (unreferenced) until `close()`: re-arming is a flag,
 *   restarting a watch is an allocation and two epoll_ctl.
 * - Liveness: the watch keeps the process alive while a wait is pending, whatever `unref()` says
 *   (an awaited wait settles, as docs/api.md promises), and while the owner wants it unless
 *   `unref()` was called (until `ref()`). No timer keeps it alive: not the tick's, not the waits'.
 * - The native side ending the watch (its socket closed, the last ERR_UNCONFIGURED call) settles
 *   every wait with ERR_UNCONFIGURED and calls `hooks.onEnded()`; `close()` does the same at
 *   once without the hook (the owner is closing), and stops the watch natively.
 * - A listener's error is rethrown with `throwLater()`: inside the callback it makes EventMode
 *   re-arm natively instead of by return value (the binding never sees a value once the
 *   callback's scope ends with that exception).
 * - The tick (`setTick(ms)`): `hooks.onTick()` every `ms` while the watch is in place, on an
 *   unreferenced timer: for protocols serviced on time as well as on readiness (ENet).
 */
import { abortErrorFor } from "./abort-error.js";
import { GodotError } from "./errors.js";
import { afterThisCode } from "./microtask.js";
import { WaitDeadlines } from "./wait-deadlines.js";

/** The native watch surface shared by NativePeer, NativeServer and the ENet host. */
export interface Watchable {
  /** Starts watching (a previous watch ends silently); a Godot code. */
  watch(onReadable: (status: number) => unknown): number;
  rearm(): void;
  unwatch(): void;
  ref(): void;
  unref(): void;
}

/** What the owner does at each step of the state machine. */
export interface EventModeHooks {
  /** Whether the native object is open now (has a socket to watch). */
  isOpen(): boolean;
  /**
   * Readiness: `status` OK, or FAILED for a socket error (waits are already settled). Return true
   * to be re-armed as the callback returns.
   */
  onReadable(status: GodotError): boolean;
  /** A watch started: serve what is already queued rather than wait for new readiness. */
  onStarted?(): void;
  /** `watch()` refused with `code`; the next `update()` tries again. */
  onWatchError?(code: GodotError): void;
  /** The native side ended the watch (its socket closed without `close()`). */
  onEnded?(): void;
  /** The tick timer fired (see `setTick`). */
  onTick?(): void;
}

let nextGeneration = 1;

/** One `waitReadable()` in progress. */
class WatchedWait {
  done = false;
  /** performance.now() ms when it times out (WaitDeadlines), Infinity: never. */
  deadline = Infinity;
  onAbort: (() => void) | undefined = undefined;

  constructor(
    readonly resolve: (code: GodotError) => void,
    readonly reject: (reason: unknown) => void,
    readonly signal: AbortSignal | undefined,
  ) {}

  /** Done: no abort listener (its deadline, if any, is dropped when the shared timer fires). */
  finish(): void {
    this.done = true;
    if (this.onAbort !== undefined) this.signal?.removeEventListener("abort", this.onAbort);
  }
}

export class EventMode {
  readonly #native: Watchable;
  readonly #hooks: EventModeHooks;
  /** Generation of the watch in force; 0 when not watching. */
  #generation = 0;
  /** A readiness call is due (watch started or re-armed, not yet called back). */
  #armed = false;
  /** The owner's demand, as of its last `update()`. */
  #wanted = false;
  /** A wait started the watch: it stays in place between waits (see the contract). */
  #keep = false;
  /** `unref()` was called (and not undone by `ref()`). */
  #userUnref = false;
  /** What the native watch's liveness was last set to (native default: keeps the process alive). */
  #refd = true;
  /** Waits served by the watch, oldest first (only while watching). */
  readonly #waits: WatchedWait[] = [];
  /** The waits' timeouts, on one timer. */
  readonly #deadlines = new WaitDeadlines<WatchedWait>(
    () => this.#waits,
    (wait) => this.#settleOne(wait, GodotError.ERR_TIMEOUT),
  );
  /** Waits served natively (see trackNativeWait): close() settles them. */
  readonly #nativeWaits = new Set<(code: GodotError) => void>();
  /** Inside the readiness callback (its hooks run now). */
  #inCallback = false;
  /** `throwLater()` ran inside the callback: its return value will not reach the binding. */
  #returnLost = false;
  #tickMs = 0;
  #tickTimer: NodeJS.Timeout | undefined = undefined;
  readonly #syncRefNow = (): void => this.#syncRef();
  readonly #tick = (): void => this.#hooks.onTick?.();

  constructor(native: Watchable, hooks: EventModeHooks) {
    this.#native = native;
    this.#hooks = hooks;
  }

  /** The watch in force (unique per watch), 0 when not watching: lets deferred work check it. */
  get generation(): number {
    return this.#generation;
  }

  get watching(): boolean {
    return this.#generation !== 0;
  }

  /** Watching, called back, and not re-armed since. */
  get disarmed(): boolean {
    return this.#generation !== 0 && !this.#armed;
  }

  /** `unref()` is in force. */
  get unrefd(): boolean {
    return this.#userUnref;
  }

  /** Waits served by the watch and not settled yet. */
  get pendingWaits(): number {
    return this.#waits.length;
  }

  /** Starts or stops watching to match the owner's demand (and pending waits), then liveness. */
  update(wanted: boolean): void {
    this.#wanted = wanted;
    this.#sync();
  }

  /** Asks for the next readiness call (no native call when one is already due). */
  rearm(): void {
    if (this.#generation !== 0 && !this.#armed) {
      this.#armed = true;
      this.#native.rearm();
    }
  }

  /** Another native call re-armed the watch (e.g. a take that emptied the queue). */
  markRearmed(): void {
    if (this.#generation !== 0) this.#armed = true;
  }

  /** The watch keeps the process alive while wanted or waited on (the default). */
  ref(): void {
    this.#userUnref = false;
    this.#syncRef();
  }

  /** The watch never keeps the process alive (until `ref()`). */
  unref(): void {
    this.#userUnref = true;
    this.#syncRef();
  }

  /**
   * Calls `hooks.onTick()` every `ms` milliseconds while watching (0: never), on an
   * unreferenced timer.
   */
  setTick(ms: number): void {
    this.#tickMs = ms;
    this.#stopTick();
    if (this.#generation !== 0) this.#startTick();
  }

  /**
   * A wait for the next readiness call: OK (or FAILED on a socket error), ERR_TIMEOUT after
   * `timeout` ms (undefined or Infinity: never), ERR_UNCONFIGURED when the watch ends; rejected
   * with an AbortError by `signal`. Null when no watch can start (not open, or refused): the
   * caller waits another way.
   */
  waitReadable(timeout: number | undefined, signal: AbortSignal | undefined): Promise<GodotError> | null {
    this.#keep = true;
    if (this.#generation === 0) {
      this.#sync();
      if (this.#generation === 0) return null;
    }
    if (signal?.aborted === true) return Promise.reject(abortErrorFor(signal));
    return new Promise<GodotError>((resolve, reject) => {
      const wait = new WatchedWait(resolve, reject, signal);
      this.#waits.push(wait);
      if (timeout !== undefined) this.#deadlines.add(wait, timeout);
      if (signal !== undefined) {
        wait.onAbort = () => this.#abortWait(wait);
        signal.addEventListener("abort", wait.onAbort, { once: true });
      }
      this.rearm();
      this.#syncRef();
    });
  }

  /**
   * A wait the native side serves instead of the watch (the engine's reactor, off the JS thread):
   * resolves with `pending`'s code (FAILED if it rejects); `close()` settles it with
   * ERR_UNCONFIGURED at once, not when the native answer arrives; aborting `signal` calls
   * `cancel()` and rejects with an AbortError.
   */
  trackNativeWait(
    pending: Promise<number>,
    cancel: () => void,
    signal: AbortSignal | undefined,
  ): Promise<GodotError> {
    return new Promise<GodotError>((resolve, reject) => {
      let done = false;
      const settle = (code: GodotError): void => {
        if (done) return;
        done = true;
        this.#nativeWaits.delete(settle);
        signal?.removeEventListener("abort", onAbort);
        resolve(code);
      };
      const onAbort = (): void => {
        if (done) return;
        done = true;
        this.#nativeWaits.delete(settle);
        cancel();
        reject(abortErrorFor(signal!));
      };
      this.#nativeWaits.add(settle);
      signal?.addEventListener("abort", onAbort, { once: true });
      pending.then(
        (code) => settle(code as GodotError),
        () => settle(GodotError.FAILED),
      );
    });
  }

  /**
   * Surfaces a listener's error as an uncaught exception on the next tick, as Node's own emitters
   * do, never unwinding into the native callback.
   */
  throwLater(error: unknown): void {
    if (this.#inCallback) this.#returnLost = true;
    process.nextTick(() => {
      throw error;
    });
  }

  /** Settles every pending wait with `code` (no allocation: waits run no user code here). */
  settleWaits(code: GodotError): void {
    const waits = this.#waits;
    if (waits.length === 0) return;
    for (let i = 0; i < waits.length; i++) {
      const wait = waits[i]!;
      wait.finish();
      wait.resolve(code);
    }
    // Not `length = 0`: that is a runtime call, and it gives up the array's room for the next wait.
    while (waits.length > 0) waits.pop();
    // After the waiters' continuations (queued by resolve, so they run first): a loop that waits
    // again keeps the watch referenced, with no unref/ref pair per wake-up.
    afterThisCode(this.#syncRefNow);
  }

  /**
   * The native side ended the watch (its socket closed): forget it without a native call and
   * settle the waits with ERR_UNCONFIGURED. Watching resumes on the next `update()` once open.
   */
  forget(): void {
    if (this.#generation === 0) return;
    this.#generation = 0;
    this.#armed = false;
    this.#stopTick();
    this.settleWaits(GodotError.ERR_UNCONFIGURED);
  }

  /**
   * The owner closes its native object: the watch ends now (no last call comes), waits (watched
   * and native) settle with ERR_UNCONFIGURED, and the demand and any kept watch are forgotten (a
   * reopened socket is watched again on the owner's next `update()`).
   */
  close(): void {
    this.#keep = false;
    this.#wanted = false;
    this.#deadlines.clear();
    if (this.#generation !== 0) {
      this.#generation = 0;
      this.#armed = false;
      this.#native.unwatch();
    }
    this.#stopTick();
    this.settleWaits(GodotError.ERR_UNCONFIGURED);
    if (this.#nativeWaits.size > 0) {
      for (const settle of [...this.#nativeWaits]) settle(GodotError.ERR_UNCONFIGURED);
    }
  }

  #sync(): void {
    if (this.#wanted || this.#keep) {
      if (this.#generation === 0) this.#start();
    } else if (this.#generation !== 0) {
      this.#generation = 0;
      this.#armed = false;
      this.#stopTick();
      this.#native.unwatch();
    }
    this.#syncRef();
  }

  #start(): void {
    if (!this.#hooks.isOpen()) return; // starts once the owner opens its socket
    const generation = nextGeneration++;
    const code = this.#native.watch((status) => this.#onReadable(generation, status));
    if (code !== GodotError.OK) {
      this.#hooks.onWatchError?.(code as GodotError);
      return;
    }
    this.#generation = generation;
    this.#armed = true;
    this.#startTick();
    this.#hooks.onStarted?.();
  }

  /** The native callback; returning true makes the binding re-arm right after it. */
  #onReadable(generation: number, status: number): boolean {
    if (generation !== this.#generation) return false; // a watch that ended before this call
    this.#armed = false;
    if (status === GodotError.ERR_UNCONFIGURED) {
      this.forget();
      this.#hooks.onEnded?.();
      return false;
    }
    // Someone waits: stay armed (the binding re-arms when this returns true), instead of a
    // native rearm per wake-up. Should nobody wait again, the next readiness finds no waiter
    // and leaves the watch disarmed.
    let rearm = this.#waits.length > 0;
    if (rearm) this.#armed = true;
    const code = status === GodotError.OK ? GodotError.OK : GodotError.FAILED;
    this.settleWaits(code);
    this.#inCallback = true;
    let again: boolean;
    try {
      again = this.#hooks.onReadable(code);
    } finally {
      this.#inCallback = false;
    }
    if (again && !this.#armed && generation === this.#generation) {
      this.#armed = true;
      rearm = true;
    }
    // A watch ended by the hook is not re-armed (its handle is closing anyway).
    if (!rearm || generation !== this.#generation) return false;
    if (this.#returnLost) {
      this.#returnLost = false;
      this.#native.rearm(); // see throwLater
      return false;
    }
    return true;
  }

  /** The watch keeps the process alive while waited on, or while wanted and not unref()'d. */
  #syncRef(): void {
    if (this.#generation === 0) return; // the native side keeps the setting for the next watch
    const keepAlive = this.#waits.length > 0 || (!this.#userUnref && this.#wanted);
    if (keepAlive === this.#refd) return;
    this.#refd = keepAlive;
    if (keepAlive) this.#native.ref();
    else this.#native.unref();
  }

  #settleOne(wait: WatchedWait, code: GodotError): void {
    if (wait.done) return;
    this.#remove(wait);
    wait.resolve(code);
    afterThisCode(this.#syncRefNow);
  }

  #abortWait(wait: WatchedWait): void {
    if (wait.done) return;
    this.#remove(wait);
    wait.reject(abortErrorFor(wait.signal!));
    afterThisCode(this.#syncRefNow);
  }

  #remove(wait: WatchedWait): void {
    wait.finish();
    const at = this.#waits.indexOf(wait);
    if (at !== -1) this.#waits.splice(at, 1);
  }

  #startTick(): void {
    if (this.#tickMs <= 0 || this.#tickTimer !== undefined) return;
    this.#tickTimer = setInterval(this.#tick, this.#tickMs);
    this.#tickTimer.unref(); // the watch decides liveness
  }

  #stopTick(): void {
    if (this.#tickTimer === undefined) return;
    clearInterval(this.#tickTimer);
    this.#tickTimer = undefined;
  }
}

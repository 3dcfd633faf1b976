/**
 * The timeouts of one owner's pending waits, on one timer. A loop of waits with a timeout that
 * are answered long before it arms the timer about once per timeout period, not a `setTimeout`
 * and a `clearTimeout` per wait: a wait that settles otherwise leaves the timer as it is, and
 * when the timer fires it expires the waits that are due and re-arms for the earliest deadline
 * left, if any.
 *
 * The timer is unreferenced: the owner's watch keeps the process alive while a wait is pending.
 */

// setTimeout holds at most 2^31 - 1 ms: longer timeouts are served in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;
// libuv's timers run against the loop's cached clock, so one may fire up to a millisecond before
// performance.now() reaches its deadline: such a wait is due (a per-wait setTimeout would have
// fired just as early).
const SLACK_MS = 1;

/** A wait with a deadline (performance.now() milliseconds; Infinity: none). */
export interface Timed {
  deadline: number;
}

export class WaitDeadlines<T extends Timed> {
  readonly #pending: () => readonly T[];
  readonly #expire: (item: T) => void;
  #timer: NodeJS.Timeout | undefined = undefined;
  /** When the timer is due (performance.now() ms), Infinity when none is armed. */
  #due = Infinity;
  readonly #fire = (): void => this.#onTimer();

  /** `pending()`: the owner's waits now; `expire(item)`: settles a wait whose time is up. */
  constructor(pending: () => readonly T[], expire: (item: T) => void) {
    this.#pending = pending;
    this.#expire = expire;
  }

  /** Gives `item` a deadline `timeoutMs` from now (Infinity: none). */
  add(item: T, timeoutMs: number): void {
    if (timeoutMs === Infinity) {
      item.deadline = Infinity;
      return;
    }
    const now = performance.now();
    item.deadline = now + timeoutMs;
    if (item.deadline < this.#due) this.#arm(now, item.deadline);
  }

  /** No timer any more (the owner settled or dropped every wait for good). */
  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due = Infinity;
  }

  #arm(now: number, due: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    // Whole milliseconds: Node keeps one timer list per distinct duration.
    const delay = Math.min(Math.max(Math.ceil(due - now), 1), MAX_TIMER_MS);
    this.#due = due;
    this.#timer = setTimeout(this.#fire, delay);
    this.#timer.unref();
  }

  #onTimer(): void {
    this.#timer = undefined;
    this.#due = Infinity;
    const now = performance.now();
    let next = Infinity;
    const due: T[] = [];
    for (const item of this.#pending()) {
      if (item.deadline <= now + SLACK_MS) due.push(item);
      else if (item.deadline < next) next = item.deadline;
    }
    // Earliest deadline first, as separate timers would have fired, also when a late timer
    // finds several due at once (a busy or slow event loop).
    due.sort((a, b) => a.deadline - b.deadline);
    for (const item of due) this.#expire(item);
    if (next !== Infinity) this.#arm(now, next);
  }
}

// The event-mode state machine (src-ts/event-mode.ts) against a scripted native watch: the
// contract its three users (PacketPeerUDP, UDPServer, ENetConnection) rely on, call by call.
import test, { type ExecutionContext } from "ava";
import { GodotError } from "../src-ts/errors.js";
import { EventMode, type EventModeHooks, type Watchable } from "../src-ts/event-mode.js";
import { isPending, until, withDeadline } from "./packet-peer-helpers.js";

/** Records native calls; `fire(i, status)` plays the i-th watch's callback as the binding would. */
class FakeWatch implements Watchable {
  calls: string[] = [];
  callbacks: Array<(status: number) => unknown> = [];
  refd = true;
  refuse = GodotError.OK;
  watch(onReadable: (status: number) => unknown): number {
    this.calls.push("watch");
    if (this.refuse !== GodotError.OK) return this.refuse;
    this.callbacks.push(onReadable);
    return GodotError.OK;
  }
  rearm(): void {
    this.calls.push("rearm");
  }
  unwatch(): void {
    this.calls.push("unwatch");
  }
  ref(): void {
    this.calls.push("ref");
    this.refd = true;
  }
  unref(): void {
    this.calls.push("unref");
    this.refd = false;
  }
  fire(status: number, watch = this.callbacks.length - 1): unknown {
    return this.callbacks[watch]!(status);
  }
}

interface Harness {
  native: FakeWatch;
  events: EventMode;
  log: string[];
  state: { open: boolean; again: boolean };
}

function harness(extra: Partial<EventModeHooks> = {}): Harness {
  const native = new FakeWatch();
  const log: string[] = [];
  const state = { open: true, again: false };
  const events = new EventMode(native, {
    isOpen: () => state.open,
    onReadable: (status) => {
      log.push(`readable ${status}`);
      return state.again;
    },
    onStarted: () => log.push("started"),
    onWatchError: (code) => log.push(`error ${code}`),
    onEnded: () => log.push("ended"),
    ...extra,
  });
  return { native, events, log, state };
}

test("watching follows the demand, starts only once open, and a watch error is reported", (t) => {
  const { native, events, log, state } = harness();
  state.open = false;
  events.update(true);
  t.deepEqual(native.calls, [], "nothing to watch while closed");
  t.false(events.watching);
  state.open = true;
  native.refuse = GodotError.FAILED;
  events.update(true);
  t.deepEqual(log, [`error ${GodotError.FAILED}`]);
  t.false(events.watching);
  native.refuse = GodotError.OK;
  events.update(true);
  t.true(events.watching);
  t.deepEqual(log.slice(1), ["started"]);
  events.update(true);
  t.is(native.callbacks.length, 1, "one watch while wanted");
  events.update(false);
  t.false(events.watching);
  t.is(events.generation, 0);
  t.is(native.calls.at(-1), "unwatch");
});

test("one readiness call per arming; true from the hook re-arms on return, false leaves it to rearm()", (t) => {
  const { native, events, log, state } = harness();
  events.update(true);
  t.false(events.disarmed, "armed when started");
  t.is(native.fire(GodotError.OK), false);
  t.deepEqual(log, ["started", `readable ${GodotError.OK}`]);
  t.true(events.disarmed);
  events.rearm();
  events.rearm();
  t.is(native.calls.filter((c) => c === "rearm").length, 1, "a second rearm() costs nothing");
  state.again = true;
  t.is(native.fire(GodotError.FAILED), true, "FAILED is passed on, and re-armed by the return");
  t.is(log.at(-1), `readable ${GodotError.FAILED}`);
  t.false(events.disarmed);
  t.is(native.calls.filter((c) => c === "rearm").length, 1, "no native rearm for a true return");
  state.again = false;
  native.fire(GodotError.OK);
  events.markRearmed();
  t.false(events.disarmed, "markRearmed: another native call re-armed");
});

test("callbacks of an ended watch are ignored, and a hook that ends the watch is not re-armed", (t) => {
  const { native, events, log } = harness({
    onReadable: () => {
      log.push("readable");
      events.update(false);
      return true;
    },
  });
  events.update(true);
  events.update(false);
  events.update(true);
  t.is(native.fire(GodotError.OK, 0), false, "the first watch's call");
  t.deepEqual(log, ["started", "started"]);
  t.is(native.fire(GodotError.OK, 1), false, "ended by its own hook: no re-arm");
  t.deepEqual(log, ["started", "started", "readable"]);
  t.false(events.watching);
});

test("the last ERR_UNCONFIGURED call ends the watch and its waits; the next update watches again", async (t) => {
  const { native, events, log } = harness();
  events.update(true);
  const wait = events.waitReadable(undefined, undefined)!;
  t.is(native.fire(GodotError.ERR_UNCONFIGURED), false);
  t.is(await withDeadline(wait, "the wait"), GodotError.ERR_UNCONFIGURED);
  t.false(events.watching);
  t.deepEqual(log, ["started", "ended"]);
  events.update(true);
  t.true(events.watching);
  t.is(native.callbacks.length, 2);
});

test("waits: settled by readiness (staying armed), timeout, abort and close; null when nothing can be watched", async (t) => {
  const { native, events, state } = harness();
  state.open = false;
  t.is(events.waitReadable(undefined, undefined), null);
  state.open = true;
  const ready = events.waitReadable(undefined, undefined)!;
  t.true(events.watching, "a wait starts the watch");
  t.true(await isPending(ready));
  t.is(native.fire(GodotError.OK), true, "a waiter keeps the watch armed across the wake-up");
  t.is(await ready, GodotError.OK);
  const timedOut = events.waitReadable(5, undefined)!;
  t.is(await withDeadline(timedOut, "the timeout"), GodotError.ERR_TIMEOUT);
  const controller = new AbortController();
  const aborted = events.waitReadable(undefined, controller.signal)!;
  controller.abort();
  await t.throwsAsync(aborted, { name: "AbortError" });
  t.is(events.pendingWaits, 0);
  events.update(false);
  t.true(events.watching, "a watch started for waits stays between them");
  const closed = events.waitReadable(undefined, undefined)!;
  events.close();
  t.is(await closed, GodotError.ERR_UNCONFIGURED);
  t.false(events.watching);
  t.is(native.calls.at(-1), "unwatch");
  events.update(false);
  t.is(native.callbacks.length, 1, "close() forgot the kept watch");
});

/** When a wait's deadline lies: between `now + ms` before and after the call that set it. */
interface Deadline {
  earliest: number;
  latest: number;
}

/** Calls `start` (which sets a deadline `ms` from now) and records its window in `into`. */
function timed<T>(into: Map<number, Deadline>, ms: number, start: () => T): T {
  const before = performance.now();
  const started = start();
  into.set(ms, { earliest: before + ms, latest: performance.now() + ms });
  return started;
}

/**
 * Waits expired earliest deadline first: no wait expired before one whose deadline was surely
 * earlier. By deadline, not by timeout: under emulation on a busy machine, making three waits
 * took over 15 ms (a 45 ms wait made first was due before a 30 ms wait made last).
 */
function assertDeadlineOrder(t: ExecutionContext, expired: number[], deadlines: Map<number, Deadline>): void {
  for (let i = 1; i < expired.length; i++) {
    const before = deadlines.get(expired[i - 1]!)!;
    const after = deadlines.get(expired[i]!)!;
    t.true(
      before.earliest <= after.latest,
      `the ${expired[i - 1]} ms wait expired before the ${expired[i]} ms one, whose deadline was earlier`,
    );
  }
}

test("wait timeouts share one timer: a wait loop answered in time arms it once, and waits expire in deadline order, none early", async (t) => {
  const { native, events } = harness();
  // Other tests of this file run meanwhile and set timers too: count only this test's timeout.
  const TIMEOUT_MS = 123_456;
  const realSetTimeout = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    // The delay is the deadline minus now, rounded up: floating point may make it a ms more.
    const delay = args[1] ?? 0;
    if (delay >= TIMEOUT_MS && delay <= TIMEOUT_MS + 1) timers++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  try {
    for (let i = 0; i < 100; i++) {
      const wait = events.waitReadable(TIMEOUT_MS, undefined)!;
      native.fire(GodotError.OK);
      t.is(await wait, GodotError.OK);
    }
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  t.is(timers, 1, "100 waits with a timeout, each answered before it: one timer");
  const started = performance.now();
  const order: number[] = [];
  const lateDeadlines = new Map<number, Deadline>();
  const late = [60, 20, 40].map((ms) =>
    timed(lateDeadlines, ms, () => events.waitReadable(ms, undefined)!).then((code) => {
      t.is(code, GodotError.ERR_TIMEOUT);
      // A timer may fire up to 1 ms early by libuv's cached clock, as a per-wait setTimeout did.
      t.true(performance.now() - started >= ms - 1, `${ms} ms wait settled after ${performance.now() - started} ms`);
      order.push(ms);
    }),
  );
  await withDeadline(Promise.all(late), "three timeouts");
  t.deepEqual([...order].sort((a, b) => a - b), [20, 40, 60]);
  assertDeadlineOrder(t, order, lateDeadlines);
  // A late timer (here: an event loop kept busy past every deadline) finds several due at once:
  // they still expire earliest first.
  const together: number[] = [];
  const dueDeadlines = new Map<number, Deadline>();
  const due = [45, 15, 30].map((ms) =>
    timed(dueDeadlines, ms, () => events.waitReadable(ms, undefined)!).then(() => together.push(ms)),
  );
  const busyUntil = performance.now() + 60;
  while (performance.now() < busyUntil) {
    // Keeps the event loop from running the timer before every deadline has passed.
  }
  await withDeadline(Promise.all(due), "three timeouts due at once");
  t.deepEqual([...together].sort((a, b) => a - b), [15, 30, 45]);
  assertDeadlineOrder(t, together, dueDeadlines);
  t.is(events.pendingWaits, 0);
  const ready = events.waitReadable(10_000, undefined)!;
  native.fire(GodotError.OK);
  t.is(await ready, GodotError.OK, "a wait answered in time is not settled by the shared timer");
  events.close();
});

test("liveness: referenced while wanted or waited on, never after unref() until ref()", async (t) => {
  const { native, events } = harness();
  events.update(true);
  t.true(native.refd);
  events.update(false);
  t.false(events.watching);
  const wait = events.waitReadable(undefined, undefined)!;
  t.true(native.refd, "a pending wait keeps the process alive");
  native.fire(GodotError.OK);
  await wait;
  await until(() => !native.refd, "unreferenced once nobody waits");
  t.true(events.watching, "the kept watch stays, unreferenced");
  events.update(true);
  t.true(native.refd);
  events.unref();
  t.false(native.refd);
  t.true(events.unrefd);
  events.update(true);
  t.false(native.refd, "demand does not override unref()");
  const waitedOn = events.waitReadable(undefined, undefined)!;
  t.true(native.refd, "a pending wait keeps the process alive whatever unref() says");
  native.fire(GodotError.OK);
  await waitedOn;
  await until(() => !native.refd, "unreferenced again once nobody waits");
  events.ref();
  t.true(native.refd);
});

test("the tick runs only while watching, and setTick(0) stops it", async (t) => {
  let ticks = 0;
  const { events } = harness({ onTick: () => ticks++ });
  events.setTick(2);
  await new Promise((resolve) => setImmediate(resolve));
  t.is(ticks, 0, "no tick before watching");
  events.update(true);
  await until(() => ticks >= 3, "three ticks");
  events.update(false);
  const stopped = ticks;
  // Bounded negative check: a running 2 ms interval would tick several times in 30 ms.
  await new Promise((resolve) => setTimeout(resolve, 30));
  t.is(ticks, stopped, "no tick after the watch ended");
  events.update(true);
  await until(() => ticks > stopped, "ticks again");
  events.setTick(0);
  const off = ticks;
  await new Promise((resolve) => setTimeout(resolve, 30));
  t.is(ticks, off, "setTick(0) stops it");
  events.close();
});

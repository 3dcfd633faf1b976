/**
 * The async iterator behind `for await (const peer of server)`: pull-based, so connections the
 * consumer has not asked for stay pending in the native server (bounded by its maximum).
 */
import type { PacketPeerUDP } from "./packet-peer-udp.js";

/** What an iterator needs from its server (kept narrow so the two stay decoupled). */
export interface ConnectionIteratorHost {
  isListening(): boolean;
  /** First `next()`: the server starts watching its socket for this iterator. */
  started(it: ConnectionIterator): void;
  /** The iterator ended (return, abort, stop): it no longer keeps the socket watched. */
  finished(it: ConnectionIterator): void;
  /** A pending connection taken now, or null. */
  takeNow(): PacketPeerUDP | null;
  /** Queue the iterator for the next connection the server hands out. */
  wait(it: ConnectionIterator): void;
}

interface Pull {
  resolve(result: IteratorResult<PacketPeerUDP, undefined>): void;
  reject(reason: unknown): void;
}

const DONE: IteratorResult<PacketPeerUDP, undefined> = { done: true, value: undefined };

export class ConnectionIterator implements AsyncIterableIterator<PacketPeerUDP> {
  readonly #host: ConnectionIteratorHost;
  readonly #signal: AbortSignal | undefined;
  readonly #abortError: (signal: AbortSignal) => Error;
  /** Unanswered `next()` calls, oldest first (a consumer may call next() several times). */
  readonly #pulls: Pull[] = [];
  #started = false;
  #ended = false;
  readonly #onAbort = (): void => this.#abort();

  constructor(
    host: ConnectionIteratorHost,
    signal: AbortSignal | undefined,
    abortError: (signal: AbortSignal) => Error,
  ) {
    this.#host = host;
    this.#signal = signal;
    this.#abortError = abortError;
  }

  next(): Promise<IteratorResult<PacketPeerUDP, undefined>> {
    if (this.#ended) return Promise.resolve(DONE);
    if (this.#signal?.aborted === true) {
      this.#finish();
      return Promise.reject(this.#abortError(this.#signal));
    }
    if (!this.#host.isListening()) {
      this.#finish();
      return Promise.resolve(DONE);
    }
    if (!this.#started) {
      this.#started = true;
      this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
      this.#host.started(this);
    }
    if (this.#pulls.length === 0) {
      const peer = this.#host.takeNow();
      if (peer !== null) return Promise.resolve({ done: false, value: peer });
    }
    return new Promise((resolve, reject) => {
      this.#pulls.push({ resolve, reject });
      this.#host.wait(this);
    });
  }

  /** `break` out of the loop: stop iterating (taken peers stay open). */
  return(): Promise<IteratorResult<PacketPeerUDP, undefined>> {
    this.#finish();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<PacketPeerUDP> {
    return this;
  }

  /** The server gives this iterator's oldest `next()` a peer. */
  handOut(peer: PacketPeerUDP): void {
    const pull = this.#pulls.shift();
    if (pull === undefined) return;
    pull.resolve({ done: false, value: peer });
  }

  /** The server stopped: every pending `next()` resolves done. */
  end(): void {
    this.#finish();
  }

  #abort(): void {
    const signal = this.#signal;
    if (signal === undefined) return;
    const pulls = this.#pulls.splice(0);
    this.#finish();
    for (const pull of pulls) pull.reject(this.#abortError(signal));
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    for (const pull of this.#pulls.splice(0)) pull.resolve(DONE);
    if (this.#started) this.#host.finished(this);
  }
}

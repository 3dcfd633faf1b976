/**
 * The queue behind a packet source whose packets arrive as events (DTLS sessions, ENet peers):
 * packets and the source's own events (handshakes, connects) in arrival order, iterated as
 * packets while each event is handed to `onEvent` in its place. Packets beyond `MAX_QUEUED`
 * unread are dropped and counted; events are never dropped.
 */
import type { UDPPacket } from "./api.js";

/** Most packets a source holds unread before it drops (and counts) new ones. */
export const MAX_QUEUED = 65536;

type Item<P, E> = { packet: P } | { event: E };

export class PacketEventQueue<P extends UDPPacket, E> {
  readonly #onEvent: (event: E) => void;
  #items: Array<Item<P, E>> = [];
  #packets = 0;
  #wake: (() => void) | null = null;
  #ended = false;
  /** Packets dropped because `MAX_QUEUED` were unread. */
  dropped = 0;

  constructor(onEvent: (event: E) => void) {
    this.#onEvent = onEvent;
  }

  get ended(): boolean {
    return this.#ended;
  }

  pushPacket(packet: P): void {
    if (this.#ended) return;
    if (this.#packets >= MAX_QUEUED) {
      this.dropped++;
      return;
    }
    this.#packets++;
    this.#push({ packet });
  }

  pushEvent(event: E): void {
    if (!this.#ended) this.#push({ event });
  }

  /** Ends the iteration; what is queued is discarded. Idempotent. */
  end(): void {
    this.#ended = true;
    this.#items = [];
    this.#packets = 0;
    this.#notify();
  }

  [Symbol.asyncIterator](): AsyncIterator<UDPPacket> {
    return {
      next: async (): Promise<IteratorResult<UDPPacket>> => {
        for (;;) {
          if (this.#ended) return { done: true, value: undefined };
          const item = this.#items.shift();
          if (item === undefined) {
            await new Promise<void>((resolve) => (this.#wake = resolve));
            continue;
          }
          if ("event" in item) {
            this.#onEvent(item.event);
          } else {
            this.#packets--;
            return { done: false, value: item.packet };
          }
        }
      },
      return: async (): Promise<IteratorResult<UDPPacket>> => ({ done: true, value: undefined }),
    };
  }

  #push(item: Item<P, E>): void {
    this.#items.push(item);
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}

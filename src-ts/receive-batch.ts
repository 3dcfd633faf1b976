/**
 * The receive side of one `PacketPeerUDP` between the native queue and its user: the batch of
 * packets taken from the native queue in one call and handed out one by one, and Godot's count as
 * it is known in the code running now. No Godot API and no events here (`packet-peer-udp.ts`).
 *
 * A batch is either popped (`takePackets`: the event and iterator paths, `getPackets`) or lent
 * (`lendPackets`: `getPacket`, `getVar`). Lent packets stay in the native queue, keeping their
 * space there as in Godot's queue, until the next native call releases the ones handed out.
 */
import { formatIpv4, formatIpv6 } from "./address.js";
import { afterThisCode } from "./microtask.js";
import { META_WORDS, type NativePeer } from "./native.js";
import type { UDPPacket } from "./packet-peer-udp-types.js";

// One scratch area for every peer: a take fills it and the batch is copied out before any user
// code runs, so sharing it is safe on the single JS thread (and 10,000 server peers do not each
// hold 256 KiB).
const SCRATCH_BYTES = 256 * 1024; // >= 65536: any datagram fits
const SCRATCH_PACKETS = 512;
// No queued datagram is longer (UDP over IPv6 carries at most 65527 bytes).
const MAX_DATAGRAM_BYTES = 65536;
const scratchData = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
const scratchMeta = new Uint32Array(SCRATCH_PACKETS * META_WORDS);

/**
 * Whether a batch of `taken` packets just written to the scratch area held everything the native
 * queue had: the engine stops early only when the metadata is full or the next datagram might not
 * fit in what is left of the data area.
 */
function scratchHeldAll(taken: number): boolean {
  const last = (taken - 1) * META_WORDS;
  const end = scratchMeta[last]! + scratchMeta[last + 1]!;
  return taken < SCRATCH_PACKETS && SCRATCH_BYTES - end >= MAX_DATAGRAM_BYTES;
}

/** Copies the batch a take left in the scratch area: one Buffer, one subarray per packet. */
function readBatch(count: number): UDPPacket[] {
  const meta = scratchMeta;
  const last = (count - 1) * META_WORDS;
  const start = meta[0]!;
  const end = meta[last]! + meta[last + 1]!;
  const block = Buffer.allocUnsafe(end - start);
  scratchData.copy(block, 0, start, end);
  const packets = new Array<UDPPacket>(count);
  let v6Words: [number, number, number, number] | null = null;
  let v6Text = "";
  for (let i = 0; i < count; i++) {
    const base = i * META_WORDS;
    const offset = meta[base]! - start;
    const size = meta[base + 1]!;
    let address: string;
    let family: "IPv4" | "IPv6";
    if (meta[base + 3] === 4) {
      address = formatIpv4(meta[base + 7]!);
      family = "IPv4";
    } else {
      const a0 = meta[base + 4]!;
      const a1 = meta[base + 5]!;
      const a2 = meta[base + 6]!;
      const a3 = meta[base + 7]!;
      // Consecutive packets usually share a sender: build its text once per batch.
      if (v6Words === null || v6Words[0] !== a0 || v6Words[1] !== a1 || v6Words[2] !== a2 || v6Words[3] !== a3) {
        v6Words = [a0, a1, a2, a3];
        v6Text = formatIpv6(a0, a1, a2, a3);
      }
      address = v6Text;
      family = "IPv6";
    }
    packets[i] = {
      // One packet (request/response traffic): the block is its payload, no view needed.
      data: count === 1 ? block : block.subarray(offset, offset + size),
      address,
      family,
      port: meta[base + 2]!,
      size,
    };
  }
  return packets;
}

export class ReceiveBatch {
  readonly #native: NativePeer;
  /** Whether the peer is a server peer now (its server routes into its queue without a call). */
  readonly #isServerPeer: () => boolean;
  /** Called when the peer starts handing out lent packets it has not released natively. */
  readonly #onLentConsumed: () => void;
  /** Packets taken from the native queue and not yet handed out (at most one batch). */
  #packets: UDPPacket[] = [];
  #pos = 0;
  /** The batch was lent (its packets are still natively queued), not popped. */
  #lent = false;
  /** Lent packets handed out since the last release: the next native call releases them first. */
  #lentConsumed = 0;
  /**
   * Godot's count as known in the code running now (-1: not known): set by a native count (which
   * drained the OS socket) or a lend, lowered by every packet handed out, forgotten when this code
   * yields (a microtask later) and by anything that changes the queue otherwise. Never for a
   * server peer. Used by the count while a lent batch lasts, by a connected socket's getPacket
   * (no second drain right after a count) and by wait() (no level check right after a count
   * found nothing).
   */
  #known = -1;
  #reads = 0;
  /** A packet was read since the last count (native or answered) or lend (see count). */
  #readSinceKnown = false;
  readonly #forgetKnown = (): void => {
    this.#known = -1;
    this.#readSinceKnown = false;
  };
  /**
   * The last take emptied the native queue, and no native call refilled it since (counts and
   * getPacket drain the OS socket into it). Not for server peers: their server refills their
   * queue without calling them.
   */
  #emptied = false;

  constructor(native: NativePeer, isServerPeer: () => boolean, onLentConsumed: () => void) {
    this.#native = native;
    this.#isServerPeer = isServerPeer;
    this.#onLentConsumed = onLentConsumed;
  }

  /** Reads of the queue so far (counts, takes, lends, packets handed out): tells wait() whether
   * anything was read since its last answer. */
  get reads(): number {
    return this.#reads;
  }

  /** Godot's count as known in the code running now, or -1 (see #known). */
  get known(): number {
    return this.#known;
  }

  /** Lent packets handed out and not yet released. */
  get lentConsumed(): number {
    return this.#lentConsumed;
  }

  /** The next packet of the batch, or undefined when it is spent. */
  shift(): UDPPacket | undefined {
    if (this.#pos >= this.#packets.length) return undefined;
    this.#reads++;
    const packet = this.#packets[this.#pos]!;
    this.#packets[this.#pos++] = undefined as unknown as UDPPacket; // let it be collected
    if (this.#known > 0) {
      this.#known--;
      this.#readSinceKnown = true;
    }
    if (this.#lent && this.#lentConsumed++ === 0) this.#onLentConsumed();
    return packet;
  }

  /** The lent packets to release with the next native call (they are released by it). */
  takeRelease(): number {
    const n = this.#lentConsumed;
    this.#lentConsumed = 0;
    return n;
  }

  /** Forgets the batch (the native queue was emptied or closed: its lent packets went with it). */
  drop(): void {
    this.#packets = [];
    this.#pos = 0;
    this.#lent = false;
    this.#known = -1;
    this.#lentConsumed = 0;
  }

  /**
   * Gives a held lent batch back: its packets not handed out stay natively queued, to be
   * received again; those handed out are still released by the next native call. A popped batch
   * stays.
   */
  forgetLent(): void {
    if (!this.#lent) return;
    this.#packets = [];
    this.#pos = 0;
    this.#lent = false;
  }

  /** The native queue was emptied: a lent batch goes with it; a popped one stays deliverable. */
  dropLent(): void {
    if (this.#lent) this.drop();
    this.#lentConsumed = 0;
    this.#known = -1;
  }

  /**
   * Godot's count: drains the OS socket into the native queue, then counts (-1: no socket, or a
   * read error). An own socket's count also lends the queue in the same call (#countAndLend), for
   * the gets that follow. In the code running now, a count after a packet was read is known
   * without a native call while the lent batch has packets, and so is the 0 once every packet the
   * last count found was read: datagrams that reached the OS socket meanwhile are
   * indistinguishable from ones still in flight, and the next count, or the first after this code
   * yields (a microtask later), drains them. A count with no packet read since the last one always
   * drains: polling the count is how a Godot program keeps the OS buffer from filling.
   */
  count(): number {
    this.#reads++;
    if (this.#known >= 0 && this.#readSinceKnown && this.#lent && this.#pos < this.#packets.length) {
      this.#readSinceKnown = false;
      return this.#known;
    }
    if (this.#known === 0 && this.#readSinceKnown) {
      // The packets the last count found were all read: nothing is queued now. Answered once;
      // the next count (no packet read since) drains.
      this.#readSinceKnown = false;
      return 0;
    }
    this.#emptied = false;
    if (this.#lent || this.#pos >= this.#packets.length) {
      if (!this.#isServerPeer()) return this.#countAndLend();
    }
    const native = this.#native.getAvailablePacketCount(this.takeRelease());
    // A lent batch's packets are still counted natively; a popped batch's are not.
    const count = native < 0 || this.#lent ? native : native + this.#packets.length - this.#pos;
    if (count >= 0) this.#setKnown(count);
    return count;
  }

  /**
   * The count of an own socket holding no popped packets, with the queue lent in the same native
   * call (one call instead of two in Godot's `while count() > 0: get_packet()`): it drains as the
   * count does, and the gets that follow in this code are served from the batch. A batch lent to
   * earlier code is replaced (its packets not handed out are still natively queued, and lent
   * again here).
   */
  #countAndLend(): number {
    const taken = this.#native.countAndLend(scratchData, scratchMeta, this.takeRelease());
    if (taken <= 0) {
      // A game loop polling an idle socket comes here every frame: no new array when empty.
      if (this.#packets.length !== 0) this.#packets = [];
      this.#pos = 0;
      this.#lent = false;
      if (taken === 0) this.#setKnown(0);
      return taken;
    }
    this.#packets = readBatch(taken);
    this.#pos = 0;
    this.#lent = true;
    // When the scratch area holds only part of the queue (under load), the queue is asked how
    // many it holds: the call above drained already, a second drain would be a second count.
    const count = scratchHeldAll(taken) ? taken : this.#native.queuedCount();
    if (count >= 0) this.#setKnown(count);
    return count;
  }

  /** Records Godot's count for the code running now (see #known). */
  #setKnown(count: number): void {
    if (this.#isServerPeer()) return;
    if (this.#known < 0) afterThisCode(this.#forgetKnown);
    this.#known = count;
    this.#readSinceKnown = false;
  }

  /**
   * Lends a new batch of everything queued (within the scratch area) in one native call: the
   * number lent (then `shift()` hands them out), 0 when nothing is queued, -1 on failure.
   * `drainedNow`: a count in the code running now drained (see NativePeer.lendPackets).
   */
  lend(drainedNow = false): number {
    this.#reads++;
    this.#emptied = false;
    const taken = this.#native.lendPackets(scratchData, scratchMeta, this.takeRelease(), drainedNow);
    if (taken <= 0) {
      this.#lent = false;
      return taken;
    }
    this.#packets = readBatch(taken);
    this.#pos = 0;
    this.#lent = true;
    // The count stays known through the batch: a batch that held the whole queue is the count;
    // one that filled the scratch area leaves packets queued natively, and one count (which
    // drains, as Godot's) tells how many.
    if (this.#known < taken && !this.#isServerPeer()) {
      const queued = scratchHeldAll(taken) ? taken : this.#native.getAvailablePacketCount(0);
      if (queued >= taken) this.#setKnown(queued);
    }
    return taken;
  }

  /**
   * A connected socket's get_packet when no count in the code running now drained: one native
   * call per packet, each draining, as Godot reports a connected socket's ICMP error from
   * get_packet even with packets queued (right after such a count, `lend(true)` serves instead).
   */
  getConnected(): Buffer | null {
    this.#reads++;
    this.#emptied = false;
    const data = this.#native.getPacket(this.takeRelease());
    if (data !== null) this.#known = -1; // it drained: what it found is not known here
    return data;
  }

  /**
   * Takes (pops) the next batch from the native queue: its size, 0 if empty, -1 as the count.
   * `rearmWatch`: the event and iterator paths re-arm the watch once the queue is empty; the take
   * does it in the same native call when it empties the queue. Returns with `emptied()` telling
   * whether it did.
   */
  take(rearmWatch: boolean): number {
    this.#reads++;
    this.#emptied = false;
    this.#known = -1; // the take drains: what it finds is not known here
    const taken = this.#native.takePackets(scratchData, scratchMeta, this.takeRelease(), rearmWatch);
    if (taken > 0) {
      this.#packets = readBatch(taken);
      this.#pos = 0;
      this.#lent = false;
      this.#emptied = !this.#isServerPeer() && scratchHeldAll(taken);
    }
    return taken;
  }

  /** The last take emptied the native queue (and re-armed the watch if asked to). */
  emptied(): boolean {
    return this.#emptied;
  }

  /**
   * For the event and iterator paths, which re-arm the native watch when this returns 0: 0
   * without a native call when the last take emptied the native queue (then only new datagrams in
   * the OS socket can add packets, and the level-triggered watch reports those), saving a native
   * call and an empty `recvmmsg` per wake-up. Otherwise `take`.
   */
  takeUnlessEmptied(rearmWatch: boolean): number {
    if (this.#emptied) {
      this.#emptied = false;
      return 0;
    }
    return this.take(rearmWatch);
  }
}

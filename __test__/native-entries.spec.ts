// The binding's hand-written N-API entries (src/entries.rs): the same engine calls as the
// generated methods, without napi-rs's per-call glue, so their argument checks and lifetimes are
// the binding's own and are checked here, on NativePeer directly.
import test, { type ExecutionContext } from "ava";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { GodotError } from "../src-ts/errors.js";
import { META_WORDS, native, type NativePeer, type NativePeerEntries } from "../src-ts/native.js";
import { until } from "./packet-peer-helpers.js";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function receiver(t: ExecutionContext): NativePeer {
  const peer = new native.NativePeer();
  t.teardown(() => peer.close());
  t.is(peer.bind(0, "127.0.0.1", 65536, false), GodotError.OK);
  return peer;
}

function entriesOf(peer: NativePeer): NativePeerEntries {
  return peer.entries() as NativePeerEntries;
}

async function received(rx: NativePeer, count: number): Promise<Buffer[]> {
  await until(() => rx.getAvailablePacketCount() >= count, `${count} datagrams`);
  const got: Buffer[] = [];
  while (rx.getAvailablePacketCount() > 0) got.push(rx.getPacket() ?? Buffer.alloc(0));
  return got;
}

test("putPacket entry: the bytes of any byte view, as putPacket sends them, with putPacket's codes", async (t) => {
  const rx = receiver(t);
  const tx = new native.NativePeer();
  t.teardown(() => tx.close());
  const send = entriesOf(tx).putPacket;
  t.is(send(Buffer.from("x")), GodotError.ERR_UNCONFIGURED, "no destination: as putPacket");
  t.is(tx.putPacket(Buffer.from("x")), GodotError.ERR_UNCONFIGURED);
  t.is(tx.setDestAddress("127.0.0.1", rx.getLocalPort()), GodotError.OK);
  t.is(send(new Uint8Array(0)), GodotError.OK, "empty: OK, nothing sent");
  const backing = Buffer.from("..abc..");
  t.is(send(backing.subarray(2, 5)), GodotError.OK, "a view with an offset sends its own bytes");
  t.is((send as (data: unknown) => number)(new Uint8ClampedArray([1, 2, 3])), GodotError.OK);
  t.is(send(new Uint8Array(65508)), GodotError.FAILED, "too large for IPv4: as putPacket");
  t.is(tx.putPacket(new Uint8Array(65508)), GodotError.FAILED);
  const got = await received(rx, 2);
  t.deepEqual(
    got.map((b) => [...b]),
    [
      [0x61, 0x62, 0x63],
      [1, 2, 3],
    ],
  );
  t.is(tx.stats().packetsSent, 2, "counted as putPacket counts");
});

test("entries: anything but their documented arguments throws a TypeError; they keep working", (t) => {
  const peer = receiver(t);
  const e = entriesOf(peer) as unknown as Record<keyof NativePeerEntries, (...args: unknown[]) => number>;
  const notBytes = [undefined, "abc", 42, {}, new Uint16Array(2), new DataView(new ArrayBuffer(2))];
  for (const bad of notBytes) {
    t.throws(() => e.putPacket(bad), { instanceOf: TypeError, message: /putPacket: data must be a Uint8Array/ });
    t.throws(() => e.takePackets(bad, new Uint32Array(8)), { instanceOf: TypeError, message: /takePackets/ });
    t.throws(() => e.lendPackets(bad, new Uint32Array(8), 0), { instanceOf: TypeError, message: /lendPackets/ });
  }
  const data = new Uint8Array(64);
  for (const bad of [undefined, new Uint8Array(32), new Int32Array(8), [0, 0]]) {
    t.throws(() => e.takePackets(data, bad), { instanceOf: TypeError, message: /takePackets/ });
  }
  for (const bad of ["1", {}, null]) {
    t.throws(() => e.takePackets(data, new Uint32Array(8), bad), { instanceOf: TypeError });
    t.throws(() => e.getAvailablePacketCount(bad), { instanceOf: TypeError, message: /release must be a number/ });
  }
  t.throws(() => e.takePackets(data, new Uint32Array(8), 0, "yes"), { instanceOf: TypeError });
  t.throws(() => e.lendPackets(data, new Uint32Array(8)), { instanceOf: TypeError }, "lend's release is required");
  const shared = new ArrayBuffer(128);
  t.throws(() => e.takePackets(new Uint8Array(shared, 0, 64), new Uint32Array(shared, 32, 8)), {
    instanceOf: TypeError,
    message: /overlap/,
  });
  t.is(e.takePackets(new Uint8Array(shared, 0, 64), new Uint32Array(shared, 64, 8)), 0, "adjacent views are fine");
  t.is(e.getAvailablePacketCount(), 0);
  t.is(e.putPacket(Buffer.from("x")), GodotError.ERR_UNCONFIGURED, "no destination");
});

test("take, lend and count entries: the generated methods' results, layout and accounting", async (t) => {
  const rx = receiver(t);
  const e = entriesOf(rx);
  const tx = new native.NativePeer();
  t.teardown(() => tx.close());
  t.is(tx.setDestAddress("127.0.0.1", rx.getLocalPort()), GodotError.OK);
  for (let i = 0; i < 6; i++) t.is(tx.putPacket(Buffer.from(`p${i}`)), GodotError.OK);
  await until(() => e.getAvailablePacketCount() === 6, "6 datagrams counted by the entry");
  t.is(rx.getAvailablePacketCount(), 6, "the generated method agrees");
  const data = new Uint8Array(1024);
  const meta = new Uint32Array(16 * META_WORDS);
  t.is(e.takePackets(data, meta.subarray(0, 2 * META_WORDS), 0, false), 2, "as many as the metadata holds");
  const bodies = (n: number) =>
    Array.from({ length: n }, (_, i) => Buffer.from(data.subarray(meta[i * META_WORDS], meta[i * META_WORDS] + meta[i * META_WORDS + 1])).toString());
  t.deepEqual(bodies(2), ["p0", "p1"]);
  t.is(meta[2], tx.getLocalPort(), "the sender's port in the metadata");
  t.is(e.getAvailablePacketCount(), 4);
  t.is(e.lendPackets(data, meta, 0), 4, "lent: still queued until released");
  t.deepEqual(bodies(4), ["p2", "p3", "p4", "p5"]);
  t.is(e.getAvailablePacketCount(), 4, "lent packets count until released");
  t.is(e.getAvailablePacketCount(3), 1, "releasing 3 of them frees 3");
  t.is(rx.takePackets(data, meta, 1), 0, "the last one released by the generated method: empty");
  t.is(e.getAvailablePacketCount(), 0);
});

test("entries keep their engine peer alive after the NativePeer object is collected, not open after close()", async (t) => {
  const rx = receiver(t);
  let tx: NativePeer | null = new native.NativePeer();
  t.is(tx.setDestAddress("127.0.0.1", rx.getLocalPort()), GodotError.OK);
  const send = entriesOf(tx).putPacket;
  const closing = new native.NativePeer();
  const closedSend = entriesOf(closing).putPacket;
  t.is(closing.bind(0, "127.0.0.1", 65536, false), GodotError.OK);
  closing.close();
  let collected = false;
  const registry = new FinalizationRegistry(() => (collected = true));
  registry.register(tx, 0);
  tx = null;
  for (let i = 0; i < 50 && !collected; i++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  t.true(collected, "the NativePeer object was collected");
  t.is(send(Buffer.from("alive")), GodotError.OK);
  t.deepEqual(
    (await received(rx, 1)).map((b) => b.toString()),
    ["alive"],
  );
  t.is(closedSend(Buffer.from("x")), GodotError.ERR_UNCONFIGURED, "closed, no destination: nothing opened");
});

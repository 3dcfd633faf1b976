// The binding's hand-written N-API entries (src/sender.rs): the same engine calls as the
// generated methods, without napi-rs's per-call glue, so their argument checks and lifetimes are
// the binding's own and are checked here, on NativePeer directly.
import test, { type ExecutionContext } from "ava";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { GodotError } from "../src-ts/errors.js";
import { native, type NativePeer } from "../src-ts/native.js";
import { until } from "./packet-peer-helpers.js";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function receiver(t: ExecutionContext): NativePeer {
  const peer = new native.NativePeer();
  t.teardown(() => peer.close());
  t.is(peer.bind(0, "127.0.0.1", 65536, false), GodotError.OK);
  return peer;
}

async function received(rx: NativePeer, count: number): Promise<Buffer[]> {
  await until(() => rx.getAvailablePacketCount() >= count, `${count} datagrams`);
  const got: Buffer[] = [];
  while (rx.getAvailablePacketCount() > 0) got.push(rx.getPacket() ?? Buffer.alloc(0));
  return got;
}

test("sender(): the bytes of any byte view, as putPacket sends them, with putPacket's codes", async (t) => {
  const rx = receiver(t);
  const tx = new native.NativePeer();
  t.teardown(() => tx.close());
  const send = tx.sender();
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

test("sender(): anything but a byte view throws a TypeError; the sender keeps working", (t) => {
  const tx = new native.NativePeer();
  t.teardown(() => tx.close());
  t.is(tx.setDestAddress("127.0.0.1", 9), GodotError.OK);
  const send = tx.sender() as (...args: unknown[]) => number;
  for (const bad of [[], [undefined], ["abc"], [42], [{}], [new Uint16Array(2)], [new DataView(new ArrayBuffer(2))]]) {
    t.throws(() => send(...bad), { instanceOf: TypeError, message: /data must be a Uint8Array/ });
  }
  t.is(send(new Uint8Array(0)), GodotError.OK);
});

test("sender(): it keeps its engine peer alive after the NativePeer object is collected, not open after close()", async (t) => {
  const rx = receiver(t);
  let tx: NativePeer | null = new native.NativePeer();
  t.is(tx.setDestAddress("127.0.0.1", rx.getLocalPort()), GodotError.OK);
  const send = tx.sender();
  const closing = new native.NativePeer();
  const closedSend = closing.sender();
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

// putVar / getVar at the edges of encodeBufferMaxSize over real loopback sockets (IPv4 and IPv6):
// a value that nearly fills a 64 KiB limit (and the largest UDP datagram) arrives and decodes;
// one byte over the limit is ERR_OUT_OF_MEMORY and sends nothing; at the default 8 MiB limit the
// limit check passes an 8 MiB value (then the datagram is too large: FAILED) and refuses 8 MiB + 1.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { DEFAULT_ENCODE_BUFFER_MAX_SIZE } from "../src-ts/packet-peer.js";
import { varToBytes } from "../src-ts/variant/index.js";
import { boundPeer, newPeer, untilCount } from "./packet-peer-helpers.js";

/** A PackedByteArray whose encoding is exactly `size` bytes (size a multiple of 4, >= 8). */
const byteArrayOfEncodedSize = (size: number): Uint8Array => new Uint8Array(size - 8).fill(0x5a);

for (const [family, address, maxDatagram] of [
  ["IPv4", "127.0.0.1", 65507],
  ["IPv6", "::1", 65527],
] as const) {
  test(`${family}: a value just under a 65536 limit and at the datagram maximum arrives; over the limit is refused`, async (t) => {
    const receiver = boundPeer(t, address, 1 << 20);
    const sender = newPeer(t);
    sender.setDestAddress(address, receiver.port);
    sender.encodeBufferMaxSize = 65000; // rounds up to 65536
    t.is(sender.encodeBufferMaxSize, 65536);
    // The largest encoding that still fits in one datagram (a multiple of 4).
    const near = byteArrayOfEncodedSize(maxDatagram - (maxDatagram % 4));
    t.is(varToBytes(near).length, maxDatagram - (maxDatagram % 4));
    t.is(sender.putVar(near), GodotError.OK);
    // Over the limit: refused before sending.
    t.is(sender.putVar(byteArrayOfEncodedSize(65536 + 4)), GodotError.ERR_OUT_OF_MEMORY);
    t.is(sender.putVar("x".repeat(65536)), GodotError.ERR_OUT_OF_MEMORY);
    // Within the limit, beyond what one datagram holds: the send fails.
    t.is(sender.putVar(byteArrayOfEncodedSize(65536)), GodotError.FAILED);
    t.is(sender.putVar("end"), GodotError.OK);
    await untilCount(receiver.peer, 2);
    const before = receiver.peer.getPacketError();
    const value = receiver.peer.getVar();
    t.true(value instanceof Uint8Array);
    t.is((value as Uint8Array).length, near.length);
    t.true((value as Uint8Array).every((b) => b === 0x5a));
    t.is(receiver.peer.getVar(), "end");
    t.is(receiver.peer.getAvailablePacketCount(), 0, "nothing else arrived");
    t.is(receiver.peer.getPacketError(), before, "getVar leaves getPacketError() alone");
  });
}

test("default limit: an 8 MiB encoding passes the limit (then FAILED: too large for UDP), 8 MiB + 4 is ERR_OUT_OF_MEMORY", (t) => {
  const receiver = boundPeer(t);
  const sender = newPeer(t);
  sender.setDestAddress("127.0.0.1", receiver.port);
  t.is(sender.encodeBufferMaxSize, DEFAULT_ENCODE_BUFFER_MAX_SIZE);
  t.is(sender.putVar(byteArrayOfEncodedSize(DEFAULT_ENCODE_BUFFER_MAX_SIZE)), GodotError.FAILED);
  t.is(sender.putVar(byteArrayOfEncodedSize(DEFAULT_ENCODE_BUFFER_MAX_SIZE + 4)), GodotError.ERR_OUT_OF_MEMORY);
  // A string whose encoding is one padding step over the limit.
  t.is(sender.putVar("s".repeat(DEFAULT_ENCODE_BUFFER_MAX_SIZE - 8 + 1)), GodotError.ERR_OUT_OF_MEMORY);
});

test("getPacketError() around getVar: unchanged by getVar's success, decode failure and empty queue", async (t) => {
  const receiver = boundPeer(t, "::1");
  const sender = newPeer(t);
  sender.setDestAddress("::1", receiver.port);
  t.is(receiver.peer.getPacketError(), GodotError.OK, "a new peer reports OK");
  t.is(receiver.peer.getVar(), null); // nothing queued
  t.is(receiver.peer.getPacketError(), GodotError.OK);
  t.is(receiver.peer.getPacket().length, 0);
  t.is(receiver.peer.getPacketError(), GodotError.ERR_UNAVAILABLE);
  sender.putPacket(Buffer.from("18000000", "hex")); // a full object: ERR_UNAUTHORIZED without allowObjects
  sender.putVar(7);
  await untilCount(receiver.peer, 2);
  t.deepEqual(receiver.peer.getVarResult(), { error: GodotError.ERR_UNAUTHORIZED, value: null });
  t.is(receiver.peer.getPacketError(), GodotError.ERR_UNAVAILABLE);
  t.is(receiver.peer.getVar(), 7);
  t.is(receiver.peer.getPacketError(), GodotError.ERR_UNAVAILABLE);
});

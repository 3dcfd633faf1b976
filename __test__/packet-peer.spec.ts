// PacketPeer: putVar / getVar / getVarResult / encodeBufferMaxSize over loopback UDP (spec §3 and
// spec/vectors/packet-peer-behaviour.json).
import test from "ava";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { GodotError } from "../src-ts/errors.js";
import { DEFAULT_ENCODE_BUFFER_MAX_SIZE } from "../src-ts/packet-peer.js";
import {
  Dictionary,
  Float,
  GodotObject,
  Vector2,
  Vector3i,
  varToBytes,
  type Variant,
} from "../src-ts/variant/index.js";
import { boundPeer, newPeer, untilCount } from "./packet-peer-helpers.js";

interface BehaviourVector {
  name: string;
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
}

const BEHAVIOUR_FILE = resolve(__dirname, "..", "spec", "vectors", "packet-peer-behaviour.json");
if (!existsSync(BEHAVIOUR_FILE)) {
  throw new Error(
    `Spec vectors not found at ${BEHAVIOUR_FILE}: they are part of the repository (spec/vectors/, see spec/ORIGIN.md)`,
  );
}
const VECTORS: BehaviourVector[] = (JSON.parse(readFileSync(BEHAVIOUR_FILE, "utf8")) as { vectors: BehaviourVector[] })
  .vectors;

function vector(name: string): BehaviourVector {
  const found = VECTORS.find((v) => v.name === name);
  if (found === undefined) throw new Error(`no behaviour vector ${name}`);
  return found;
}

/** A receiver and a sender whose destination is the receiver. */
function pair(t: Parameters<typeof boundPeer>[0]) {
  const receiver = boundPeer(t);
  const sender = boundPeer(t);
  sender.peer.setDestAddress("127.0.0.1", receiver.port);
  return { receiver: receiver.peer, sender: sender.peer };
}

// ---------------------------------------------------------------------------------------------
// encodeBufferMaxSize

test("encodeBufferMaxSize follows every behaviour vector (default, ignored values, rounding)", (t) => {
  const names = VECTORS.filter((v) => v.name.startsWith("encode_buffer_max_size_"));
  t.true(names.length >= 7);
  for (const v of names) {
    const peer = newPeer(t);
    if ("value" in v.input) peer.encodeBufferMaxSize = v.input.value as number;
    const expected = v.expected.value === "unchanged" ? DEFAULT_ENCODE_BUFFER_MAX_SIZE : v.expected.value;
    t.is(peer.encodeBufferMaxSize, expected as number, v.name);
  }
});

test("encodeBufferMaxSize: Godot's test values (42, 1023, 2000, 200000000, 256 MiB + 42)", (t) => {
  const peer = newPeer(t);
  t.is(peer.encodeBufferMaxSize, 8388608);
  peer.encodeBufferMaxSize = 42;
  t.is(peer.encodeBufferMaxSize, 8388608);
  peer.encodeBufferMaxSize = 1023;
  t.is(peer.encodeBufferMaxSize, 8388608);
  peer.encodeBufferMaxSize = 2000;
  t.is(peer.encodeBufferMaxSize, 2048);
  peer.encodeBufferMaxSize = 200000000;
  t.is(peer.encodeBufferMaxSize, 268435456);
  peer.encodeBufferMaxSize = 268435456 + 42;
  t.is(peer.encodeBufferMaxSize, 268435456);
  peer.encodeBufferMaxSize = 1025;
  t.is(peer.encodeBufferMaxSize, 2048);
});

// ---------------------------------------------------------------------------------------------
// putVar

for (const name of ["put_var_string_hello_world", "put_var_float_3.1415"]) {
  test(`putVar puts exactly the encoded Variant on the wire, no prefix (${name})`, async (t) => {
    const v = vector(name);
    const input = v.input.value as { type: string; value: string };
    const value = input.type === "FLOAT" ? new Float(Number(input.value)) : input.value;
    const { receiver, sender } = pair(t);
    t.is(sender.putVar(value), GodotError.OK);
    await untilCount(receiver, 1);
    t.is(receiver.getPacket().toString("hex"), v.expected.datagram_hex as string);
  });
}

test("putVar / getVar round trip over loopback: scalars, containers and math types", async (t) => {
  const { receiver, sender } = pair(t);
  const dict = new Dictionary();
  dict.set("score", 10);
  dict.set(3, [true, null]);
  const values = [
    null,
    true,
    42,
    -7,
    2n ** 40n,
    3.5,
    "héllo",
    [1, "two", [3]],
    new Vector2(1.5, -2),
    new Vector3i(1, 2, 3),
    dict,
    new Uint8Array([1, 2, 3]),
  ];
  for (const value of values) t.is(sender.putVar(value), GodotError.OK);
  await untilCount(receiver, values.length);
  const decoded = values.map(() => receiver.getVar());
  t.is(decoded[0], null);
  t.is(decoded[1], true);
  t.is(decoded[2], 42);
  t.is(decoded[3], -7);
  t.is(decoded[4], 2 ** 40);
  t.is(decoded[5], 3.5);
  t.is(decoded[6], "héllo");
  t.deepEqual(decoded[7], [1, "two", [3]]);
  t.true(decoded[8] instanceof Vector2);
  t.deepEqual({ ...(decoded[8] as Vector2) }, { x: 1.5, y: -2 });
  t.true(decoded[9] instanceof Vector3i);
  t.true(decoded[10] instanceof Dictionary);
  t.is((decoded[10] as Dictionary).get("score"), 10);
  t.deepEqual([...(decoded[11] as Uint8Array)], [1, 2, 3]);
  t.is(receiver.getPacketIp(), "127.0.0.1", "getVar sets the packet address");
});

test("putVar at the limit is sent; one byte over is ERR_OUT_OF_MEMORY, nothing sent, socket not opened", async (t) => {
  const v = vector("put_var_exactly_at_limit");
  t.is(v.input.encode_buffer_max_size, 1024);
  const { peer: receiver, port } = boundPeer(t);
  const sender = newPeer(t);
  sender.encodeBufferMaxSize = 1024;
  sender.setDestAddress("127.0.0.1", port);
  t.is(sender.putVar("*".repeat(1017)), GodotError.ERR_OUT_OF_MEMORY);
  t.is(sender.putVar("*".repeat(1025)), GodotError.ERR_OUT_OF_MEMORY, "Godot's test value (1036 bytes)");
  t.false(sender.isBound(), "a refused putVar does not open the socket");
  t.is(sender.putVar("*".repeat(1016)), GodotError.OK);
  await untilCount(receiver, 1);
  const data = receiver.getPacket();
  t.is(data.length, v.expected.datagram_size as number);
  t.is(receiver.getAvailablePacketCount(), 0, "only the value at the limit arrived");
});

test("putVar near and over a 4096-byte limit: 4096 bytes arrive and decode, 4097+ are refused", async (t) => {
  const { receiver, sender } = pair(t);
  sender.encodeBufferMaxSize = 4096;
  const atLimit = new Uint8Array(4096 - 8); // PackedByteArray: 4 header + 4 length + bytes
  atLimit.fill(7);
  t.is(varToBytes(atLimit).length, 4096);
  t.is(sender.putVar(atLimit), GodotError.OK);
  t.is(sender.putVar(new Uint8Array(4096 - 8 + 1)), GodotError.ERR_OUT_OF_MEMORY);
  t.is(sender.putVar(new Uint8Array(1_000_000)), GodotError.ERR_OUT_OF_MEMORY);
  await untilCount(receiver, 1);
  const value = receiver.getVar();
  t.true(value instanceof Uint8Array);
  t.is((value as Uint8Array).length, 4096 - 8);
  t.true((value as Uint8Array).every((b) => b === 7));
  t.is(receiver.getAvailablePacketCount(), 0);
});

test("putVar within the limit but larger than a datagram: FAILED from the send", (t) => {
  const { sender } = pair(t);
  t.is(sender.putVar(new Uint8Array(70000)), GodotError.FAILED);
});

test("putVar without a destination: ERR_UNCONFIGURED", (t) => {
  t.is(newPeer(t).putVar(1), GodotError.ERR_UNCONFIGURED);
});

test("putVar returns the encoder's error code: nesting deeper than 1024 is ERR_OUT_OF_MEMORY", (t) => {
  const { sender } = pair(t);
  let deep: Variant[] = [];
  for (let i = 0; i < 1100; i++) deep = [deep];
  t.is(sender.putVar(deep), GodotError.ERR_OUT_OF_MEMORY);
});

test("putVar of a JS value with no Variant form throws TypeError", (t) => {
  const { sender } = pair(t);
  t.throws(() => sender.putVar((() => 1) as never), { instanceOf: TypeError });
});

test("putVar(value, fullObjects) sends objects whole; getVar needs allowObjects to accept them", async (t) => {
  const { receiver, sender } = pair(t);
  const object = new GodotObject("RefCounted", [["name", "x"]]);
  t.is(sender.putVar(object, true), GodotError.OK);
  t.is(sender.putVar(object, true), GodotError.OK);
  await untilCount(receiver, 2);
  const refused = receiver.getVarResult(false);
  t.is(refused.error, GodotError.ERR_UNAUTHORIZED);
  t.is(refused.value, null);
  const accepted = receiver.getVar(true);
  t.true(accepted instanceof GodotObject);
  t.is((accepted as GodotObject).get("name"), "x");
});

// ---------------------------------------------------------------------------------------------
// getVar / getVarResult

test("getVar on an empty datagram: null, the packet is consumed, getVarResult says ERR_INVALID_DATA", async (t) => {
  const { peer: receiver } = boundPeer(t);
  // putPacket cannot send an empty datagram (Godot): node:dgram can.
  const dgram = await import("node:dgram");
  const socket = dgram.createSocket("udp4");
  t.teardown(() => socket.close());
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const port = receiver.getLocalPort();
  socket.send(Buffer.alloc(0), port, "127.0.0.1");
  socket.send(Buffer.alloc(0), port, "127.0.0.1");
  await untilCount(receiver, 2);
  t.is(receiver.getVar(), null);
  t.is(receiver.getAvailablePacketCount(), 1, "consumed");
  t.deepEqual(receiver.getVarResult(), { error: GodotError.ERR_INVALID_DATA, value: null });
  t.is(receiver.getAvailablePacketCount(), 0);
});

test("getVar on undecodable bytes: null and consumed; the next packet decodes", async (t) => {
  const { receiver, sender } = pair(t);
  sender.putPacket(Buffer.from("ffffffff00", "hex")); // unknown type id
  sender.putPacket(Buffer.from("0400000010000000616263", "hex")); // string longer than its bytes
  sender.putVar("ok");
  await untilCount(receiver, 3);
  t.is(receiver.getVar(), null);
  const truncated = receiver.getVarResult();
  t.is(truncated.value, null);
  t.not(truncated.error, GodotError.OK);
  t.deepEqual(receiver.getVarResult(), { error: GodotError.OK, value: "ok" });
});

test("getVar ignores bytes after the value (vector get_var_ignores_trailing_bytes)", async (t) => {
  const v = vector("get_var_ignores_trailing_bytes");
  const { receiver, sender } = pair(t);
  sender.putPacket(Buffer.from(v.input.datagram_hex as string, "hex"));
  await untilCount(receiver, 1);
  t.deepEqual(receiver.getVarResult(), { error: GodotError.OK, value: 1 });
});

test("getVar with nothing queued: null (ERR_UNAVAILABLE); unbound: null (FAILED)", (t) => {
  const { peer } = boundPeer(t);
  t.is(peer.getVar(), null);
  t.deepEqual(peer.getVarResult(), { error: GodotError.ERR_UNAVAILABLE, value: null });
  t.deepEqual(newPeer(t).getVarResult(), { error: GodotError.FAILED, value: null });
});

test("getVar never changes getPacketError() (vector get_packet_error_unchanged_by_get_var)", async (t) => {
  const { receiver, sender } = pair(t);
  receiver.getPacket();
  t.is(receiver.getPacketError(), GodotError.ERR_UNAVAILABLE);
  sender.putVar("good");
  sender.putPacket(Buffer.from("ffffffff", "hex"));
  await untilCount(receiver, 2);
  t.is(receiver.getVar(), "good");
  t.is(receiver.getPacketError(), GodotError.ERR_UNAVAILABLE);
  t.is(receiver.getVar(), null);
  t.is(receiver.getPacketError(), GodotError.ERR_UNAVAILABLE);
  sender.putVar(1);
  await untilCount(receiver, 1);
  receiver.getPacket();
  t.is(receiver.getPacketError(), GodotError.OK);
  t.is(receiver.getVar(), null); // nothing queued
  t.is(receiver.getPacketError(), GodotError.OK);
});

test("getVar({ lossless: true }) keeps an integral FLOAT as Float", async (t) => {
  const { receiver, sender } = pair(t);
  sender.putVar(new Float(2));
  sender.putVar(new Float(2));
  await untilCount(receiver, 2);
  t.is(receiver.getVar(), 2);
  const lossless = receiver.getVar({ lossless: true });
  t.true(lossless instanceof Float);
  t.throws(() => receiver.getVar({ lossless: "yes" } as never), { instanceOf: TypeError });
});

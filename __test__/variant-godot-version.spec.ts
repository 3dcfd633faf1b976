// Writing for older Godot 4 games (`godotVersion`): typed Arrays are on the wire since 4.3, typed
// Dictionaries since 4.4 and PackedVector4Array since 4.3 (spec/variant-binary-format.md, sections
// 5, 6 and 12). For an older target a typed container is written untyped, exactly as the untyped
// form of the spec's typed-container vectors, and a PackedVector4Array is refused.
import test from "ava";
import { GodotError } from "../src-ts/errors.js";
import { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import {
  bytesToVar,
  builtinType,
  Dictionary,
  PackedVector4Array,
  TypedArray,
  varToBytes,
  VariantEncodeError,
  VariantType,
  Vector4,
  type GodotVersion,
} from "../src-ts/variant/index.js";
import { boundPeer, newPeer, untilCount } from "./packet-peer-helpers.js";
import { loadVectors, toModel, type SpecVector } from "./variant-model.js";

const VERSIONS: GodotVersion[] = ["4.0", "4.3", "4.4"];
const RANK: Record<GodotVersion, number> = { "4.0": 0, "4.3": 1, "4.4": 2 };

/** The bytes of a string block (u32 length, UTF-8, padding) starting at `at`: its total size. */
function stringBlockSize(bytes: Buffer, at: number): number {
  const n = bytes.readUInt32LE(at);
  return 4 + n + ((4 - (n % 4)) % 4);
}

/** The size of the container type block of `kind` at `at` (spec section 6). */
function typeBlockSize(bytes: Buffer, at: number, kind: number): number {
  if (kind === 0) return 0;
  if (kind === 1) return 4;
  return stringBlockSize(bytes, at);
}

/**
 * The untyped form of a typed-container vector, derived from its bytes alone (not by the encoder):
 * the kind bits cleared from the header and the type block(s) cut out.
 */
function untypedBytes(bytes: Buffer): Buffer {
  const header = bytes.readUInt32LE(0);
  const first = (header >>> 16) & 3;
  const second = (header >>> 18) & 3;
  let at = 4 + typeBlockSize(bytes, 4, first);
  at += typeBlockSize(bytes, at, second);
  const out = Buffer.concat([Buffer.alloc(4), bytes.subarray(at)]);
  out.writeUInt32LE(header & ~0x000f0000, 0);
  return out;
}

/** The first version that reads the vector's container types (4.3 for Arrays, 4.4 for Dictionaries). */
function readableSince(v: SpecVector): GodotVersion {
  return v.value!.type === "DICTIONARY" ? "4.4" : "4.3";
}

const typedContainerVectors = ["variant-godot-tests.json", "variant-derived.json"]
  .flatMap((file) => loadVectors(file))
  .filter((v) => {
    const g = v.value as Record<string, unknown> | undefined;
    if (g === undefined || v.direction === "decode" || v.expected_error !== undefined) return false;
    return (g.type === "ARRAY" && g.element_type != null) || (g.type === "DICTIONARY" && (g.key_type != null || g.value_type != null));
  });

test("the spec has typed-container vectors to check (Arrays and Dictionaries, builtin and class kinds)", (t) => {
  const types = new Set(typedContainerVectors.map((v) => v.value!.type));
  t.deepEqual([...types].sort(), ["ARRAY", "DICTIONARY"]);
  t.true(typedContainerVectors.length >= 6, typedContainerVectors.map((v) => v.name).join(", "));
});

for (const v of typedContainerVectors) {
  test(`godotVersion and the spec vector ${v.name}: typed where the target reads it, else exactly the untyped bytes`, (t) => {
    const model = toModel(v.value!);
    const typed = Buffer.from(v.bytes_hex, "hex");
    const untyped = untypedBytes(typed);
    t.notDeepEqual(untyped, typed);
    for (const godotVersion of VERSIONS) {
      const options = { fullObjects: v.flags.full_objects, realT: v.flags.real_t, godotVersion };
      const expected = RANK[godotVersion] >= RANK[readableSince(v)] ? typed : untyped;
      t.is(varToBytes(model, options).toString("hex"), expected.toString("hex"), `godotVersion ${godotVersion}`);
    }
    // The untyped form is a valid Variant: an old game reads it.
    t.notThrows(() => bytesToVar(untyped, { allowObjects: v.flags.allow_objects }));
  });
}

test("godotVersion defaults to the newest (4.4): typed Arrays and Dictionaries keep their types", (t) => {
  const value = new Dictionary([[1, new TypedArray(builtinType(VariantType.INT), [1, 2])]], {
    keyType: builtinType(VariantType.INT),
    valueType: builtinType(VariantType.ARRAY),
  });
  t.is(varToBytes(value).toString("hex"), varToBytes(value, { godotVersion: "4.4" }).toString("hex"));
});

test("godotVersion 4.3 / 4.0: an inner typed Array keeps its type only where the target reads it; elements keep the type their container gives them", (t) => {
  const floats = new TypedArray(builtinType(VariantType.FLOAT), [1, 2]);
  const dict = new Dictionary([["a", floats]], { keyType: builtinType(VariantType.STRING_NAME), valueType: null });
  // Untyped Dictionary (one pair); its key still goes as the StringName the typed Dictionary holds.
  const dictHead = "1b000000" + "01000000" + "15000000" + "01000000" + "61000000";
  // The Array[float]'s ints go as floats (Godot holds them as floats), typed or not.
  const elements = "02000000" + "03000000" + "0000803f" + "03000000" + "00000040";
  t.is(varToBytes(dict, { godotVersion: "4.3" }).toString("hex"), dictHead + "1c000100" + "03000000" + elements);
  const for40 = varToBytes(dict, { godotVersion: "4.0" });
  t.is(for40.toString("hex"), dictHead + "1c000000" + elements);
  t.deepEqual([...(bytesToVar(for40) as Dictionary)], [["a", [1, 2]]]);
});

test("PackedVector4Array: refused for godotVersion 4.0 (ERR_INVALID_PARAMETER, naming 4.3), written for 4.3 and 4.4", (t) => {
  const vector = loadVectors("variant-derived.json").find((v) => v.name === "packed_vector4_array")!;
  const model = toModel(vector.value!);
  for (const godotVersion of ["4.3", "4.4"] as const) {
    t.is(varToBytes(model, { godotVersion }).toString("hex"), vector.bytes_hex);
  }
  const err = t.throws(() => varToBytes(model, { godotVersion: "4.0" }), { instanceOf: VariantEncodeError });
  t.is(err?.error, GodotError.ERR_INVALID_PARAMETER);
  t.regex(err?.message ?? "", /PackedVector4Array/);
  t.regex(err?.message ?? "", /4\.3/);
  const nested = t.throws(() => varToBytes({ shape: [new PackedVector4Array([new Vector4(1, 2, 3, 4)])] }, { godotVersion: "4.0" }), {
    instanceOf: VariantEncodeError,
  });
  t.is(nested?.path, "$.shape[0]");
});

test("godotVersion must be \"4.0\", \"4.3\" or \"4.4\": anything else is a TypeError", (t) => {
  for (const bad of ["4.2", "4", "4.5", 4.4, null, ""]) {
    t.throws(() => varToBytes(1, { godotVersion: bad as unknown as GodotVersion }), { instanceOf: TypeError });
  }
  t.notThrows(() => varToBytes(1, { godotVersion: undefined }));
});

test("PacketPeer.godotVersion: default 4.4; putVar writes for the version set; a bad value is a TypeError", async (t) => {
  const { peer: receiver, port } = boundPeer(t);
  const sender = newPeer(t);
  t.is(sender.setDestAddress("127.0.0.1", port), GodotError.OK);
  t.is(sender.godotVersion, "4.4");
  const ints = new TypedArray(builtinType(VariantType.INT), [7]);
  t.is(sender.putVar(ints), GodotError.OK);
  sender.godotVersion = "4.0";
  t.is(sender.godotVersion, "4.0");
  t.is(sender.putVar(ints), GodotError.OK);
  t.is(sender.putVar(new PackedVector4Array([new Vector4(1, 2, 3, 4)])), GodotError.ERR_INVALID_PARAMETER, "refused, nothing sent");
  sender.godotVersion = "4.3";
  t.is(sender.putVar(new PackedVector4Array([])), GodotError.OK);
  await untilCount(receiver, 3);
  t.is(receiver.getPacket().toString("hex"), varToBytes(ints).toString("hex"));
  t.is(receiver.getPacket().toString("hex"), "1c000000010000000200000007000000");
  t.is(receiver.getPacket().toString("hex"), varToBytes(new PackedVector4Array([])).toString("hex"));
  t.is(receiver.getAvailablePacketCount(), 0);
  for (const bad of ["4.2", 4, undefined]) {
    t.throws(
      () => {
        sender.godotVersion = bad as unknown as GodotVersion;
      },
      { instanceOf: TypeError },
    );
  }
  t.is(sender.godotVersion, "4.3", "a refused value changes nothing");
  t.is(new PacketPeerUDP().godotVersion, "4.4");
});

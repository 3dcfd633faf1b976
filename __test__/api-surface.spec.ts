// The public surface issue 2 asks for: GodotError is Godot's whole @GlobalScope.Error enum, and
// the published declarations give every PacketPeerUDP method its type and a doc comment.
import test from "ava";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { GodotError, errorName } from "../src-ts/errors.js";

const ROOT = join(__dirname, "..");

// Godot 4's @GlobalScope.Error, in order (spec packet-peer-udp.md section 1): the index is the number.
const GODOT_ERRORS = [
  "OK",
  "FAILED",
  "ERR_UNAVAILABLE",
  "ERR_UNCONFIGURED",
  "ERR_UNAUTHORIZED",
  "ERR_PARAMETER_RANGE_ERROR",
  "ERR_OUT_OF_MEMORY",
  "ERR_FILE_NOT_FOUND",
  "ERR_FILE_BAD_DRIVE",
  "ERR_FILE_BAD_PATH",
  "ERR_FILE_NO_PERMISSION",
  "ERR_FILE_ALREADY_IN_USE",
  "ERR_FILE_CANT_OPEN",
  "ERR_FILE_CANT_WRITE",
  "ERR_FILE_CANT_READ",
  "ERR_FILE_UNRECOGNIZED",
  "ERR_FILE_CORRUPT",
  "ERR_FILE_MISSING_DEPENDENCIES",
  "ERR_FILE_EOF",
  "ERR_CANT_OPEN",
  "ERR_CANT_CREATE",
  "ERR_QUERY_FAILED",
  "ERR_ALREADY_IN_USE",
  "ERR_LOCKED",
  "ERR_TIMEOUT",
  "ERR_CANT_CONNECT",
  "ERR_CANT_RESOLVE",
  "ERR_CONNECTION_ERROR",
  "ERR_CANT_ACQUIRE_RESOURCE",
  "ERR_CANT_FORK",
  "ERR_INVALID_DATA",
  "ERR_INVALID_PARAMETER",
  "ERR_ALREADY_EXISTS",
  "ERR_DOES_NOT_EXIST",
  "ERR_DATABASE_CANT_READ",
  "ERR_DATABASE_CANT_WRITE",
  "ERR_COMPILATION_FAILED",
  "ERR_METHOD_NOT_FOUND",
  "ERR_LINK_FAILED",
  "ERR_SCRIPT_FAILED",
  "ERR_CYCLIC_LINK",
  "ERR_INVALID_DECLARATION",
  "ERR_DUPLICATE_SYMBOL",
  "ERR_PARSE_ERROR",
  "ERR_BUSY",
  "ERR_SKIP",
  "ERR_HELP",
  "ERR_BUG",
  "ERR_PRINTER_ON_FIRE",
];

test("GodotError is Godot's @GlobalScope.Error: all 49 members, each with Godot's name and number, nothing else", (t) => {
  const members = Object.entries(GodotError).filter(([, value]) => typeof value === "number");
  t.deepEqual(
    members,
    GODOT_ERRORS.map((name, value) => [name, value]),
  );
  for (const [value, name] of GODOT_ERRORS.entries()) {
    t.is(GodotError[value], name, `reverse mapping of ${value}`);
    t.is(errorName(value), name);
  }
  t.is(errorName(49), "Error(49)");
});

// The methods issue 2 lists for PacketPeerUDP, with the return type their declaration must have.
const DECLARED: Array<[string, RegExp]> = [
  ["bind", /bind\(port: number, bindAddress\?: string, recvBufSize\?: number[^)]*\): GodotError;/],
  ["close", /close\(\): void;/],
  ["connectToHost", /connectToHost\(host: string, port: number\): GodotError;/],
  ["setDestAddress", /setDestAddress\(host: string, port: number\): GodotError;/],
  ["setDestAddressAsync", /setDestAddressAsync\(host: string, port: number\): Promise<GodotError>;/],
  ["putPacket", /putPacket\(data: Uint8Array\): GodotError;/],
  ["getPacket", /getPacket\(\): Buffer;/],
  ["getAvailablePacketCount", /getAvailablePacketCount\(\): number;/],
  ["getPacketError", /getPacketError\(\): GodotError;/],
  ["getPacketIp", /getPacketIp\(\): string;/],
  ["getPacketPort", /getPacketPort\(\): number;/],
  ["getLocalPort", /getLocalPort\(\): number;/],
  ["isBound", /isBound\(\): boolean;/],
  ["isSocketConnected", /isSocketConnected\(\): boolean;/],
  ["setBroadcastEnabled", /setBroadcastEnabled\(enabled: boolean\): void;/],
  ["joinMulticastGroup", /joinMulticastGroup\(multicastAddress: string, interfaceName: string\): GodotError;/],
  ["leaveMulticastGroup", /leaveMulticastGroup\(multicastAddress: string, interfaceName: string\): GodotError;/],
  ["wait", /wait\([^)]*\): Promise<GodotError>;/],
  ["waitSync", /waitSync\([^)]*\): GodotError;/],
  ["droppedPackets", /get droppedPackets\(\): number;/],
];

test("dist/packet-peer-udp.d.ts declares every method of issue 2 with its types, each with a doc comment", (t) => {
  const file = join(ROOT, "dist/packet-peer-udp.d.ts");
  if (!existsSync(file)) {
    t.fail("dist is not built: run `npm run build:ts` before these tests");
    return;
  }
  const lines = readFileSync(file, "utf8").split("\n");
  for (const [name, declaration] of DECLARED) {
    const at = lines.findIndex((line) => declaration.test(line));
    t.true(at > 0, `${name} is declared as ${declaration}`);
    if (at > 0) t.regex(lines[at - 1]!, /\*\/\s*$/, `${name} has a doc comment right above it`);
  }
  const index = readFileSync(join(ROOT, "dist/index.d.ts"), "utf8");
  const esmIndex = readFileSync(join(ROOT, "dist/index.d.mts"), "utf8");
  t.regex(index, /PacketPeerUDP/);
  t.regex(index, /GodotError/);
  t.regex(esmIndex, /export \* from "\.\/index\.js"/, "the ESM types are the CommonJS ones");
  const errors = readFileSync(join(ROOT, "dist/errors.d.ts"), "utf8");
  GODOT_ERRORS.forEach((name, value) => t.regex(errors, new RegExp(`\\b${name} = ${value},?\\n`), name));
});

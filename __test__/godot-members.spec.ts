// Every member of Godot's class reference for PacketPeer, PacketPeerUDP and UDPServer is callable
// as a camelCase method (properties through their accessors, as Godot scripts call them too), and
// the README's mapping tables list each one as a method.
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GodotError } from "../src-ts/errors.js";
import { DEFAULT_ENCODE_BUFFER_MAX_SIZE } from "../src-ts/packet-peer.js";
import { PacketPeerUDP } from "../src-ts/packet-peer-udp.js";
import { UDPServer } from "../src-ts/udp-server.js";

// Godot 4's class reference: methods, and each property's setter and getter.
const GODOT_MEMBERS: Record<"PacketPeer" | "PacketPeerUDP" | "UDPServer", string[]> = {
  PacketPeer: [
    "get_available_packet_count",
    "get_encode_buffer_max_size",
    "get_packet",
    "get_packet_error",
    "get_var",
    "put_packet",
    "put_var",
    "set_encode_buffer_max_size",
  ],
  PacketPeerUDP: [
    "bind",
    "close",
    "connect_to_host",
    "get_local_port",
    "get_packet_ip",
    "get_packet_port",
    "is_bound",
    "is_socket_connected",
    "join_multicast_group",
    "leave_multicast_group",
    "set_broadcast_enabled",
    "set_dest_address",
    "wait",
  ],
  UDPServer: [
    "get_local_port",
    "get_max_pending_connections",
    "is_connection_available",
    "is_listening",
    "listen",
    "poll",
    "set_max_pending_connections",
    "stop",
    "take_connection",
  ],
};

const camel = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The README's mapping table under `### <heading>`: its rows' first two cells. */
function readmeTable(heading: string): Array<[string, string]> {
  const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
  const start = readme.indexOf(`\n### ${heading}`);
  if (start < 0) throw new Error(`README has no section ${heading}`);
  const section = readme.slice(start + 1).split(/\n#{2,3} /)[0]!;
  return section
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| ---") && !line.startsWith("| Godot 4"))
    .map((line) => {
      const cells = line.split(" | ");
      return [cells[0]!.slice(2), cells[1] ?? ""];
    });
}

const HEADINGS = { PacketPeer: "PacketPeer (base class of PacketPeerUDP)", PacketPeerUDP: "PacketPeerUDP", UDPServer: "UDPServer" };

for (const [cls, members] of Object.entries(GODOT_MEMBERS) as Array<[keyof typeof GODOT_MEMBERS, string[]]>) {
  test(`${cls}: every Godot member is a camelCase method, and the README's table lists it as a method`, (t) => {
    const instance: object = cls === "UDPServer" ? new UDPServer() : new PacketPeerUDP();
    const rows = readmeTable(HEADINGS[cls]);
    for (const member of members) {
      const method = camel(member);
      t.is(typeof (instance as Record<string, unknown>)[method], "function", `${cls}.${method}()`);
      const row = rows.find(([godot]) => godot.includes(`\`${member}(`));
      t.truthy(row, `README ${cls} table has a row for ${member}()`);
      if (row !== undefined) t.true(row[1].includes(`${method}(`), `README row for ${member}() names ${method}(): ${row[1]}`);
    }
    if (instance instanceof PacketPeerUDP) instance.close();
  });
}

test("getEncodeBufferMaxSize / setEncodeBufferMaxSize: the property's value, validation and rounding", (t) => {
  const peer = new PacketPeerUDP();
  t.is(peer.getEncodeBufferMaxSize(), DEFAULT_ENCODE_BUFFER_MAX_SIZE);
  peer.setEncodeBufferMaxSize(2000);
  t.is(peer.getEncodeBufferMaxSize(), 2048, "rounded up to a power of two");
  t.is(peer.encodeBufferMaxSize, 2048, "the same value as the property");
  peer.setEncodeBufferMaxSize(1023);
  t.is(peer.getEncodeBufferMaxSize(), 2048, "below 1024: ignored, as Godot");
  peer.setEncodeBufferMaxSize(268435457);
  t.is(peer.getEncodeBufferMaxSize(), 2048, "above 256 MiB: ignored");
  peer.encodeBufferMaxSize = 4096;
  t.is(peer.getEncodeBufferMaxSize(), 4096);
  for (const bad of ["4096", 1.5, null, undefined]) {
    t.throws(() => peer.setEncodeBufferMaxSize(bad as unknown as number), { instanceOf: TypeError });
  }
  t.is(peer.setEncodeBufferMaxSize(8192), undefined, "returns nothing, as Godot's setter");
  peer.close();
});

test("getMaxPendingConnections / setMaxPendingConnections: the property's value and validation", (t) => {
  const server = new UDPServer();
  t.is(server.getMaxPendingConnections(), 16);
  server.setMaxPendingConnections(3);
  t.is(server.getMaxPendingConnections(), 3);
  t.is(server.maxPendingConnections, 3);
  server.setMaxPendingConnections(-1);
  t.is(server.getMaxPendingConnections(), 3, "negative: unchanged");
  server.maxPendingConnections = 5;
  t.is(server.getMaxPendingConnections(), 5);
  for (const bad of ["4", 2.5, null, undefined]) {
    t.throws(() => server.setMaxPendingConnections(bad as unknown as number), { instanceOf: TypeError });
  }
  t.is(server.listen(0, "127.0.0.1"), GodotError.OK);
  t.is(server.setMaxPendingConnections(0), undefined);
  t.is(server.getMaxPendingConnections(), 0);
  server.stop();
});

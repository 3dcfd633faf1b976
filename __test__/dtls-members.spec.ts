// Every member of Godot's class reference for PacketPeerDTLS, DTLSServer, TLSOptions, CryptoKey and
// X509Certificate is callable as a camelCase method (static where Godot's is), and so are the
// Crypto methods DTLS needs. The rest of Crypto is listed in docs/dtls.md as not yet covered.
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  Crypto,
  CryptoKey,
  DTLSServer,
  PacketPeerDTLS,
  TLSOptions,
  X509Certificate,
} from "../src-ts/dtls/index.js";

const camel = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const INSTANCE: Array<[string, object, string[]]> = [
  ["PacketPeerDTLS", new PacketPeerDTLS(), ["connect_to_peer", "disconnect_from_peer", "get_status", "poll"]],
  ["DTLSServer", new DTLSServer(), ["setup", "take_connection"]],
  ["CryptoKey", new CryptoKey(), ["is_public_only", "load", "load_from_string", "save", "save_to_string"]],
  ["X509Certificate", new X509Certificate(), ["load", "load_from_string", "save", "save_to_string"]],
  ["Crypto", new Crypto(), ["generate_random_bytes", "generate_rsa", "generate_self_signed_certificate"]],
  [
    "TLSOptions",
    TLSOptions.clientUnsafe(),
    ["get_common_name_override", "get_own_certificate", "get_private_key", "get_trusted_ca_chain", "is_server", "is_unsafe_client"],
  ],
];

for (const [cls, instance, members] of INSTANCE) {
  test(`${cls}: every Godot method is a camelCase method`, (t) => {
    for (const member of members) {
      t.is(typeof (instance as Record<string, unknown>)[camel(member)], "function", `${cls}.${camel(member)}`);
    }
  });
}

test("TLSOptions: Godot's static constructors; PacketPeerDTLS: the Status constants with Godot's numbers", (t) => {
  for (const member of ["client", "client_unsafe", "server"]) {
    t.is(typeof (TLSOptions as unknown as Record<string, unknown>)[camel(member)], "function", member);
  }
  t.deepEqual(
    [
      PacketPeerDTLS.STATUS_DISCONNECTED,
      PacketPeerDTLS.STATUS_HANDSHAKING,
      PacketPeerDTLS.STATUS_CONNECTED,
      PacketPeerDTLS.STATUS_ERROR,
      PacketPeerDTLS.STATUS_ERROR_HOSTNAME_MISMATCH,
    ],
    [0, 1, 2, 3, 4],
  );
});

test("docs/dtls.md maps each Godot method", (t) => {
  const doc = readFileSync(join(__dirname, "..", "docs", "dtls.md"), "utf8");
  for (const [, , members] of INSTANCE) {
    for (const member of members) t.true(doc.includes(member), `docs/dtls.md names ${member}`);
  }
});

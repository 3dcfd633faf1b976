// Godot's address text forms (spec §2): formatting of received senders, and the literal check
// that lets setDestAddressAsync skip DNS exactly when Godot's parser would.
import test from "ava";
import { formatIpv4, formatIpv6, formatMetaAddress, isGodotIpLiteral } from "../src-ts/address.js";
import { META_WORDS } from "../src-ts/native.js";

test("IPv4 senders print as dotted decimal", (t) => {
  t.is(formatIpv4(0x7f000001), "127.0.0.1");
  t.is(formatIpv4(0xffffffff), "255.255.255.255");
  t.is(formatIpv4(0), "0.0.0.0");
  t.is(formatIpv4(0x7f000001), "127.0.0.1", "cached value is the same text");
});

test("IPv6 senders print as eight lowercase groups without '::' (Godot, Q15)", (t) => {
  t.is(formatIpv6(0, 0, 0, 1), "0:0:0:0:0:0:0:1");
  t.is(formatIpv6(0xfe800000, 0, 0, 1), "fe80:0:0:0:0:0:0:1");
  t.is(formatIpv6(0x20010db8, 0x00010002, 0xabcd00ef, 0xffff0000), "2001:db8:1:2:abcd:ef:ffff:0");
  t.is(formatIpv6(0, 0, 0, 0), "0:0:0:0:0:0:0:0");
});

test("meta records: family 4 uses the last address word, family 6 all four", (t) => {
  const meta = new Uint32Array(2 * META_WORDS);
  meta.set([0, 5, 4242, 4, 0, 0, 0x0000ffff, 0x7f000001], 0);
  meta.set([5, 3, 4243, 6, 0, 0, 0, 1], META_WORDS);
  t.is(formatMetaAddress(meta, 0), "127.0.0.1");
  t.is(formatMetaAddress(meta, META_WORDS), "0:0:0:0:0:0:0:1");
});

test("isGodotIpLiteral accepts what Godot's 4.7 parser accepts", (t) => {
  for (const text of [
    "127.0.0.1",
    "0127.0.0.1",
    "127.000.000.001",
    "000000127.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "2001:db8::1",
    "1:2:3:4:5:6:7:8",
    "::ffff:127.0.0.1",
    "::1.2.3.4",
    "1:2:3:4:5:6:1.2.3.4",
    "0000:0000:0000:0000:0000:ffff:127.0.0.1",
    "2001:DB8::A",
  ]) {
    t.true(isGodotIpLiteral(text), text);
  }
});

test("isGodotIpLiteral refuses names and malformed literals (those go to DNS, as in Godot)", (t) => {
  for (const text of [
    "",
    "*",
    "localhost",
    "1.2.3",
    "1.2.3.4.5",
    "256.1.1.1",
    "a.b.c.d",
    "127.0.0.1.",
    " 127.0.0.1",
    "0000000127.0.0.1",
    "[::1]",
    "::1%lo",
    "1::2::3",
    ":::",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4::5:6:7:8",
    "12345::1",
    "::g",
    ":1.2.3.4",
    "00000:0000:0000:0000:0000:ffff:127.0.0.1",
    "1:2:3:4:5:6:7:1.2.3.4",
  ]) {
    t.false(isGodotIpLiteral(text), JSON.stringify(text));
  }
});

/**
 * Addresses as Godot prints and parses them.
 *
 * Formatting (spec §2.2): IPv4 and IPv4-mapped -> dotted decimal; IPv6 -> eight lowercase hex
 * groups without `::` compression (`::1` is "0:0:0:0:0:0:0:1"). The input is the address part of
 * a `takePackets` meta record (four big-endian u32 words of the 16-byte form; for IPv4, the last
 * word is the address).
 *
 * Parsing (spec §2.1): `isGodotIpLiteral` says whether Godot's literal parser accepts a string, so
 * the async `setDestAddress` knows when no DNS lookup is needed.
 */
import { lookup } from "node:dns/promises";

const IPV4_CACHE_LIMIT = 4096;
const ipv4Cache = new Map<number, string>();

/** Dotted decimal for an IPv4 address held as a u32 (cached: senders repeat). */
export function formatIpv4(addr: number): string {
  let text = ipv4Cache.get(addr);
  if (text === undefined) {
    text = `${addr >>> 24}.${(addr >>> 16) & 0xff}.${(addr >>> 8) & 0xff}.${addr & 0xff}`;
    // A bounded cache: a flood of distinct senders must not grow memory without limit.
    if (ipv4Cache.size >= IPV4_CACHE_LIMIT) ipv4Cache.clear();
    ipv4Cache.set(addr, text);
  }
  return text;
}

/** Godot's IPv6 text: eight groups, lowercase hex, no leading zeros, no `::`. */
export function formatIpv6(a0: number, a1: number, a2: number, a3: number): string {
  return (
    `${(a0 >>> 16).toString(16)}:${(a0 & 0xffff).toString(16)}:` +
    `${(a1 >>> 16).toString(16)}:${(a1 & 0xffff).toString(16)}:` +
    `${(a2 >>> 16).toString(16)}:${(a2 & 0xffff).toString(16)}:` +
    `${(a3 >>> 16).toString(16)}:${(a3 & 0xffff).toString(16)}`
  );
}

/**
 * Formats the sender of packet `index` in a meta array laid out as `native.ts` describes
 * (`[offset, length, port, family, a0, a1, a2, a3]` per packet).
 */
export function formatMetaAddress(meta: Uint32Array, base: number): string {
  if (meta[base + 3] === 4) return formatIpv4(meta[base + 7]!);
  return formatIpv6(meta[base + 4]!, meta[base + 5]!, meta[base + 6]!, meta[base + 7]!);
}

const IPV4_PART = /^[0-9]+$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function isGodotIpv4(text: string): boolean {
  if (text.length >= 16) return false;
  const parts = text.split(".");
  if (parts.length !== 4) return false;
  for (const part of parts) {
    if (!IPV4_PART.test(part) || Number(part) > 255) return false;
  }
  return true;
}

function isGodotIpv6(text: string): boolean {
  if (text.length >= 40) return false;
  let groups = 0;
  let body = text;
  // A trailing dotted IPv4 part stands for two groups.
  const lastColon = body.lastIndexOf(":");
  const tail = body.slice(lastColon + 1);
  if (tail.includes(".")) {
    if (!isGodotIpv4(tail)) return false;
    groups += 2;
    body = body.slice(0, lastColon + 1);
    // "::1.2.3.4" keeps its "::"; "1:2:3:4:5:6:1.2.3.4" leaves a dangling ':' to drop.
    if (!body.endsWith("::")) body = body.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return false;
  for (const half of halves) {
    if (half === "") continue;
    for (const group of half.split(":")) {
      if (!HEX_GROUP.test(group)) return false;
      groups++;
    }
  }
  return halves.length === 2 ? groups <= 7 : groups === 8;
}

/**
 * Whether Godot's IP-literal parser accepts `text` (strict IPv4 with leading zeros allowed,
 * RFC 4291 IPv6 with an optional dotted tail; no brackets, no zone ids, no names).
 */
export function isGodotIpLiteral(text: string): boolean {
  return text.includes(":") ? isGodotIpv6(text) : isGodotIpv4(text);
}

/**
 * Resolves a host name with the OS resolver through libuv (off the JS thread), first result of
 * any family in the resolver's order, as Godot's blocking resolver would pick. `null` when the
 * name does not resolve.
 */
export async function resolveHost(host: string): Promise<string | null> {
  try {
    const { address } = await lookup(host, { family: 0, verbatim: true });
    return typeof address === "string" && address !== "" ? address : null;
  } catch {
    return null;
  }
}

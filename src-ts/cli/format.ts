/** Text helpers for the command line's output: times, addresses, counts, rates and hex dumps. */

/** Local wall-clock time with milliseconds: `14:03:07.512`. */
export function clockTime(date: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** `127.0.0.1:4242`, `[0:0:0:0:0:0:0:1]:4242`, `*:4242`. */
export function hostPort(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** `1,234,567` */
export function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** `512 B`, `1.5 KiB`, `12.3 MiB`. */
export function bytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** `1,234 pkt/s`; below 10 per second with one decimal. */
export function perSecond(n: number, seconds: number, unit: string): string {
  if (seconds <= 0) return `0 ${unit}/s`;
  const rate = n / seconds;
  return `${rate < 10 ? rate.toFixed(1) : count(rate)} ${unit}/s`;
}

/** `2.50 s` */
export function duration(seconds: number): string {
  return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
}

/** Bytes as hex pairs separated by spaces: `05 00 00 00`. */
export function hexPairs(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("hex").replace(/(..)(?!$)/g, "$1 ");
}

/**
 * A classic hex dump, 16 bytes a line: offset, hex in two groups of eight, printable ASCII.
 * Each line starts with `indent`.
 */
export function hexDump(data: Uint8Array, indent = "    "): string[] {
  const lines: string[] = [];
  for (let offset = 0; offset < data.length; offset += 16) {
    const row = data.subarray(offset, Math.min(offset + 16, data.length));
    let hex = "";
    let text = "";
    for (let i = 0; i < 16; i++) {
      const b = row[i];
      hex += b === undefined ? "   " : b.toString(16).padStart(2, "0") + " ";
      if (i === 7) hex += " ";
      if (b !== undefined) text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
    }
    lines.push(`${indent}${offset.toString(16).padStart(4, "0")}  ${hex} ${text}`);
  }
  if (lines.length === 0) lines.push(`${indent}(empty)`);
  return lines;
}

/** Seconds since a `process.hrtime.bigint()` reading. */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

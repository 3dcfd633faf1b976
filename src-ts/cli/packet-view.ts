/**
 * How `listen`, `echo` and `send --reply` show a packet: decoded as a Godot Variant and written in
 * Godot's text form, or as hex when it is no Variant; one JSON object per packet with `--json`.
 */
import { bytesToVar, errorName, varToStr, VariantDecodeError, type UDPPacket, type Variant } from "./api.js";
import { clockTime, hexDump, hexPairs, hostPort } from "./format.js";
import { variantToJson, variantTypeName, type Json } from "./json.js";
import type { StatusLine } from "./status-line.js";

export interface PacketViewOptions {
  /** One JSON object per line instead of text. */
  json: boolean;
  /** Add a hex dump of every packet (a `hex` field with `--json`). */
  hex: boolean;
  /** Godot's exact `var_to_str` text (dictionaries span several lines) instead of one line. */
  exact: boolean;
  /** Decode objects (Godot's `allow_objects`); refused otherwise, as Godot refuses them. */
  allowObjects: boolean;
}

/**
 * A packet that carries more than a datagram (an ENet packet's channel and flags): `text` goes
 * into its line after the sender, `fields` into its JSON record.
 */
export interface PacketTag {
  text: string;
  fields: { [key: string]: Json };
}

/** The outcome of decoding one packet. */
export type Decoded = { ok: true; value: Variant } | { ok: false; error: string; detail: string };

/** Decodes as Godot's `bytes_to_var` would, keeping every type distinction for display. */
export function decodePacket(data: Uint8Array, allowObjects: boolean): Decoded {
  try {
    return { ok: true, value: bytesToVar(data, { allowObjects, lossless: true }) };
  } catch (err) {
    if (err instanceof VariantDecodeError) return { ok: false, error: errorName(err.error), detail: err.message };
    throw err;
  }
}

export class PacketView {
  constructor(
    private readonly stdout: NodeJS.WriteStream,
    private readonly status: StatusLine,
    private readonly options: PacketViewOptions,
  ) {}

  /** Prints one packet; returns whether it decoded as a Variant. */
  show(packet: UDPPacket & { tag?: PacketTag }, label = ""): boolean {
    const { tag } = packet;
    const decoded = decodePacket(packet.data, this.options.allowObjects);
    const now = new Date();
    const from = hostPort(packet.address, packet.port);
    if (this.options.json) {
      const record: { [key: string]: Json } = {
        event: label === "" ? "packet" : label,
        time: now.toISOString(),
        from,
        address: packet.address,
        port: packet.port,
        size: packet.size,
        ...tag?.fields,
      };
      if (decoded.ok) {
        record.variantType = variantTypeName(decoded.value);
        record.value = variantToJson(decoded.value);
        record.text = varToStr(decoded.value, { singleLine: !this.options.exact });
      } else {
        record.error = decoded.error;
        record.detail = decoded.detail;
      }
      if (this.options.hex || !decoded.ok) record.hex = hexPairs(packet.data);
      this.status.print(this.stdout, JSON.stringify(record) + "\n");
      return decoded.ok;
    }
    const text = decoded.ok
      ? varToStr(decoded.value, { singleLine: !this.options.exact })
      : `(not a Variant: ${decoded.detail}) ${hexPairs(packet.data.subarray(0, 64))}${packet.size > 64 ? " ..." : ""}`;
    const prefix = label === "" ? "" : `${label} `;
    const tagText = tag === undefined ? "" : `${tag.text}  `;
    let out = `${clockTime(now)}  ${prefix}${from}  ${tagText}${packet.size} B  ${text}\n`;
    if (this.options.hex) out += hexDump(packet.data).join("\n") + "\n";
    this.status.print(this.stdout, out);
    return decoded.ok;
  }

  /**
   * Prints what happened to a peer that is no packet (a DTLS handshake ...): in text
   * `time  from  text`, in JSON `{"event": event, "time", "from", "address", "port", ...fields}`.
   */
  showEvent(address: string, port: number, text: string, event: string, fields: { [key: string]: Json }): void {
    const now = new Date();
    const from = hostPort(address, port);
    if (this.options.json) {
      const record: { [key: string]: Json } = { event, time: now.toISOString(), from, address, port, ...fields };
      this.status.print(this.stdout, JSON.stringify(record) + "\n");
    } else {
      this.status.print(this.stdout, `${clockTime(now)}  ${from}  ${text}\n`);
    }
  }
}

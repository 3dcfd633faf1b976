import { errorName, type GodotError } from "./errors.js";

/**
 * A socket error reported by the event layer (`'error'` event): the Godot code a Godot-API call
 * would have returned (normally `FAILED`, e.g. a pending ICMP "port unreachable" on a connected
 * socket). The socket keeps working afterwards, as in Godot.
 */
export class UDPSocketError extends Error {
  override readonly name = "UDPSocketError";
  /** The Godot error code. */
  readonly error: GodotError;
  /** Its Godot name, e.g. "FAILED". */
  readonly code: string;

  constructor(error: GodotError, message?: string) {
    super(message ?? `UDP socket error: ${errorName(error)}`);
    this.error = error;
    this.code = errorName(error);
  }
}

/**
 * The error an aborted operation rejects with, shaped like Node's own (`timers/promises`,
 * `fs/promises`): `name` "AbortError", `code` "ABORT_ERR", the signal's reason as `cause`.
 */
export class AbortError extends Error {
  override readonly name = "AbortError";
  readonly code = "ABORT_ERR";

  constructor(message = "The operation was aborted", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An `AbortError` for `signal`, carrying its reason. */
export function abortErrorFor(signal: AbortSignal): AbortError {
  return new AbortError(undefined, { cause: signal.reason });
}

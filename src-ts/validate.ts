/**
 * Argument type checks for the facade. Wrong JS types throw `TypeError` here, before the native
 * side is reached; values of the right type but out of Godot's range (port 70000, a negative
 * buffer size) pass through so the native side can return Godot's error code.
 */

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    return `the number ${value}`;
  }
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === "object") {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "" ? `an instance of ${name}` : "an object";
  }
  return `type ${typeof value}`;
}

/** An integer that a JS number represents exactly (ports, sizes, counts). */
export function checkInteger(value: unknown, name: string): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new TypeError(`${name} must be an integer, got ${describe(value)}`);
  }
}

export function checkString(value: unknown, name: string): asserts value is string {
  if (typeof value !== "string") {
    throw new TypeError(`${name} must be a string, got ${describe(value)}`);
  }
}

export function checkBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`${name} must be a boolean, got ${describe(value)}`);
  }
}

/** Packet payloads: a `Uint8Array` (a `Buffer` is one). */
export function checkBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array or Buffer, got ${describe(value)}`);
  }
}

export function checkBytesList(value: unknown, name: string): asserts value is Uint8Array[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`${name} must be an array of Uint8Array, got ${describe(value)}`);
  }
  for (let i = 0; i < value.length; i++) checkBytes(value[i], `${name}[${i}]`);
}

/** An options bag: `undefined` or a plain object. */
export function checkOptions(value: unknown, name: string): asserts value is object | undefined {
  if (value !== undefined && (typeof value !== "object" || value === null || Array.isArray(value))) {
    throw new TypeError(`${name} must be an object, got ${describe(value)}`);
  }
}

/** A duration in milliseconds: a non-negative number (`Infinity` allowed, meaning no limit). */
export function checkTimeout(value: unknown, name: string): asserts value is number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number of milliseconds, got ${describe(value)}`);
  }
  if (value < 0) {
    throw new RangeError(`${name} must be >= 0, got ${value}`);
  }
}

export function checkAbortSignal(value: unknown, name: string): asserts value is AbortSignal {
  if (!(value instanceof AbortSignal)) {
    throw new TypeError(`${name} must be an AbortSignal, got ${describe(value)}`);
  }
}

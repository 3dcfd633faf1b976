/**
 * Godot's `X509Certificate`: a certificate chain, first certificate first. Loading appends to the
 * chain, as Godot's (mbedTLS's) parser does.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { GodotError } from "../errors.js";
import { native, type NativeX509Certificate } from "../native.js";
import { checkString } from "../validate.js";

let nativeOfImpl: (cert: X509Certificate) => NativeX509Certificate;
let adopting: NativeX509Certificate | null = null;

export class X509Certificate {
  readonly #native: NativeX509Certificate;

  static {
    nativeOfImpl = (cert) => cert.#native;
  }

  constructor() {
    this.#native = adopting ?? new native.NativeX509Certificate();
    adopting = null;
  }

  /**
   * Godot `load`: appends the certificates in the file at `path` (PEM, or one DER certificate).
   * `ERR_INVALID_PARAMETER` when the file cannot be read, `FAILED` when it holds none.
   */
  load(path: string): GodotError {
    checkString(path, "path");
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      return GodotError.ERR_INVALID_PARAMETER;
    }
    return this.#native.loadFromString(bytes.toString("latin1")) as GodotError;
  }

  /** Godot `save`: the chain as PEM. `ERR_INVALID_PARAMETER` when the file cannot be written. */
  save(path: string): GodotError {
    checkString(path, "path");
    try {
      writeFileSync(path, this.#native.saveToString());
    } catch {
      return GodotError.ERR_INVALID_PARAMETER;
    }
    return GodotError.OK;
  }

  /** Godot `load_from_string`: appends the PEM certificates. `FAILED` when none parses. */
  loadFromString(string: string): GodotError {
    checkString(string, "string");
    return this.#native.loadFromString(string) as GodotError;
  }

  /** Godot `save_to_string`: every certificate of the chain as PEM; `""` when empty. */
  saveToString(): string {
    return this.#native.saveToString();
  }
}

/** The native chain behind an X509Certificate. @internal */
export function nativeCertificate(cert: X509Certificate): NativeX509Certificate {
  return nativeOfImpl(cert);
}

/** An X509Certificate around a native chain made elsewhere (Crypto). @internal */
export function wrapCertificate(chain: NativeX509Certificate): X509Certificate {
  adopting = chain;
  return new X509Certificate();
}

/**
 * Godot's `CryptoKey`: an RSA or EC key, private (with its public half) or public only. PEM is
 * written as Godot (mbedTLS) writes it: RSA private keys as PKCS#1 ("RSA PRIVATE KEY"), EC keys
 * as SEC1, public keys as "PUBLIC KEY". Loads PKCS#1, PKCS#8, SEC1 and DER too.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { GodotError } from "../errors.js";
import { native, type NativeCryptoKey } from "../native.js";
import { checkBoolean, checkString } from "../validate.js";

let nativeOfImpl: (key: CryptoKey) => NativeCryptoKey;
// The native key the next constructed CryptoKey adopts instead of creating its own.
let adopting: NativeCryptoKey | null = null;

export class CryptoKey {
  readonly #native: NativeCryptoKey;

  static {
    nativeOfImpl = (key) => key.#native;
  }

  constructor() {
    this.#native = adopting ?? new native.NativeCryptoKey();
    adopting = null;
  }

  /**
   * Godot `load`: reads the key file at `path` (PEM or DER). `ERR_INVALID_PARAMETER` when the
   * file cannot be read, `FAILED` when it holds no key (of the kind `publicOnly` asks for).
   */
  load(path: string, publicOnly = false): GodotError {
    checkString(path, "path");
    checkBoolean(publicOnly, "publicOnly");
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      return GodotError.ERR_INVALID_PARAMETER;
    }
    return this.#native.loadFromString(bytes.toString("latin1"), publicOnly) as GodotError;
  }

  /**
   * Godot `save`: writes the key as PEM (only its public half with `publicOnly`).
   * `ERR_INVALID_PARAMETER` when the file cannot be written, `FAILED` when there is no such key
   * to write (none loaded, or the private half of a public-only key).
   */
  save(path: string, publicOnly = false): GodotError {
    checkString(path, "path");
    checkBoolean(publicOnly, "publicOnly");
    const pem = this.#native.saveToString(publicOnly);
    if (pem === null) return GodotError.FAILED;
    try {
      writeFileSync(path, pem, { mode: publicOnly ? 0o644 : 0o600 });
    } catch {
      return GodotError.ERR_INVALID_PARAMETER;
    }
    return GodotError.OK;
  }

  /** Godot `load_from_string`: a PEM key. `FAILED` when it does not parse (the key is kept). */
  loadFromString(stringKey: string, publicOnly = false): GodotError {
    checkString(stringKey, "stringKey");
    checkBoolean(publicOnly, "publicOnly");
    return this.#native.loadFromString(stringKey, publicOnly) as GodotError;
  }

  /** Godot `save_to_string`: the key as PEM; `""` when there is nothing to write. */
  saveToString(publicOnly = false): string {
    checkBoolean(publicOnly, "publicOnly");
    return this.#native.saveToString(publicOnly) ?? "";
  }

  /** Godot `is_public_only`: loaded with `publicOnly` (it cannot sign or serve). */
  isPublicOnly(): boolean {
    return this.#native.isPublicOnly();
  }
}

/** The native key behind a CryptoKey. @internal */
export function nativeCryptoKey(key: CryptoKey): NativeCryptoKey {
  return nativeOfImpl(key);
}

/** A CryptoKey around a native key made elsewhere (Crypto). @internal */
export function wrapCryptoKey(key: NativeCryptoKey): CryptoKey {
  adopting = key;
  return new CryptoKey();
}

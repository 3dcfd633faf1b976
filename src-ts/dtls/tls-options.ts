/**
 * Godot's `TLSOptions`: how a DTLS client verifies its server, or what a server presents. Made by
 * the three static constructors, as in Godot; immutable.
 */
import { CryptoKey } from "./crypto-key.js";
import { X509Certificate } from "./x509-certificate.js";
import { checkString } from "../validate.js";

type Kind = "client" | "clientUnsafe" | "server";

// Only the static constructors hold it: `new TLSOptions(make, )` from outside throws.
const make = Symbol("TLSOptions");

function checkChain(chain: unknown, name: string): asserts chain is X509Certificate | null {
  if (chain !== null && chain !== undefined && !(chain instanceof X509Certificate)) {
    throw new TypeError(`${name} must be an X509Certificate or null`);
  }
}

export class TLSOptions {
  readonly #kind: Kind;
  readonly #trustedChain: X509Certificate | null;
  readonly #commonNameOverride: string;
  readonly #key: CryptoKey | null;
  readonly #certificate: X509Certificate | null;

  /** Use `TLSOptions.client`, `clientUnsafe` or `server`. */
  private constructor(
    token: symbol,
    kind: Kind,
    trustedChain: X509Certificate | null,
    commonNameOverride: string,
    key: CryptoKey | null,
    certificate: X509Certificate | null,
  ) {
    if (token !== make) {
      throw new TypeError("use TLSOptions.client(), TLSOptions.clientUnsafe() or TLSOptions.server()");
    }
    this.#kind = kind;
    this.#trustedChain = trustedChain;
    this.#commonNameOverride = commonNameOverride;
    this.#key = key;
    this.#certificate = certificate;
  }

  /**
   * Godot `TLSOptions.client`: the server's certificate must chain to `trustedChain` (default:
   * the system's CA certificates where OpenSSL finds them, i.e. on Linux; pass a chain elsewhere)
   * and carry the hostname given to `connectToPeer`, or `commonNameOverride` when not empty.
   */
  static client(trustedChain: X509Certificate | null = null, commonNameOverride = ""): TLSOptions {
    checkChain(trustedChain, "trustedChain");
    checkString(commonNameOverride, "commonNameOverride");
    return new TLSOptions(make, "client", trustedChain ?? null, commonNameOverride, null, null);
  }

  /** Godot `TLSOptions.client_unsafe`: the server's certificate is not verified (testing only). */
  static clientUnsafe(trustedChain: X509Certificate | null = null): TLSOptions {
    checkChain(trustedChain, "trustedChain");
    return new TLSOptions(make, "clientUnsafe", trustedChain ?? null, "", null, null);
  }

  /** Godot `TLSOptions.server`: the private key and the certificate (chain) to present. */
  static server(key: CryptoKey, certificate: X509Certificate): TLSOptions {
    if (!(key instanceof CryptoKey)) throw new TypeError("key must be a CryptoKey");
    if (!(certificate instanceof X509Certificate)) {
      throw new TypeError("certificate must be an X509Certificate");
    }
    return new TLSOptions(make, "server", null, "", key, certificate);
  }

  isServer(): boolean {
    return this.#kind === "server";
  }

  isUnsafeClient(): boolean {
    return this.#kind === "clientUnsafe";
  }

  getCommonNameOverride(): string {
    return this.#commonNameOverride;
  }

  getTrustedCaChain(): X509Certificate | null {
    return this.#trustedChain;
  }

  getPrivateKey(): CryptoKey | null {
    return this.#key;
  }

  getOwnCertificate(): X509Certificate | null {
    return this.#certificate;
  }
}

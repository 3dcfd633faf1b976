/**
 * Godot's `Crypto`, the part DTLS needs: keys and self-signed certificates made without an
 * openssl command, and random bytes.
 */
import { randomBytes } from "node:crypto";
import { native } from "../native.js";
import { checkInteger, checkString } from "../validate.js";
import { CryptoKey, nativeCryptoKey, wrapCryptoKey } from "./crypto-key.js";
import { wrapCertificate, X509Certificate } from "./x509-certificate.js";

export class Crypto {
  /**
   * Godot `generate_rsa`: a new RSA private key of `size` bits (public exponent 65537). Runs on
   * the calling thread (a 2048-bit key takes tens of milliseconds, 4096 bits about a second).
   * `null` for a size OpenSSL refuses (below 512 or above 16384 bits).
   */
  generateRsa(size: number): CryptoKey | null {
    checkInteger(size, "size");
    const key = new CryptoKey();
    return nativeCryptoKey(key).generateRsa(size) ? key : null;
  }

  /**
   * Extension: `generateRsa` off the JS thread (on libuv's thread pool, as `node:crypto`'s
   * `generateKeyPair`), for sizes that take long: a 4096-bit key takes about a second.
   */
  async generateRsaAsync(size: number): Promise<CryptoKey | null> {
    checkInteger(size, "size");
    const made = await native.NativeCryptoKey.generateRsaAsync(size);
    return made === null ? null : wrapCryptoKey(made);
  }

  /**
   * Godot `generate_self_signed_certificate`: a certificate for `key` whose subject and issuer
   * are `issuerName` ("CN=..,O=..,C=..", `\,` for a comma in a value), valid from `notBefore` to
   * `notAfter` (UTC, "YYYYMMDDhhmmss"), X.509 v3, basic constraints CA:TRUE, signed with SHA-256.
   * A client that trusts it verifies the name against its CN. `null` for a key without its
   * private half, or a name or date that does not parse.
   */
  generateSelfSignedCertificate(
    key: CryptoKey,
    issuerName = "CN=myserver,O=myorganisation,C=IT",
    notBefore = "20140101000000",
    notAfter = "20340101000000",
  ): X509Certificate | null {
    if (!(key instanceof CryptoKey)) throw new TypeError("key must be a CryptoKey");
    checkString(issuerName, "issuerName");
    checkString(notBefore, "notBefore");
    checkString(notAfter, "notAfter");
    const made = native.NativeX509Certificate.selfSigned(
      nativeCryptoKey(key),
      issuerName,
      notBefore,
      notAfter,
    );
    return typeof made === "number" ? null : wrapCertificate(made);
  }

  /** Godot `generate_random_bytes`: `size` cryptographically secure random bytes. */
  generateRandomBytes(size: number): Buffer {
    checkInteger(size, "size");
    if (size < 0) throw new RangeError(`size must be at least 0, got ${size}`);
    return randomBytes(size);
  }
}

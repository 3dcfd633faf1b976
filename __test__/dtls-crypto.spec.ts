// Crypto, CryptoKey, X509Certificate and TLSOptions: Godot's methods, PEM forms, files, and the
// error codes and TypeErrors for what they refuse.
import test from "ava";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GodotError } from "../src-ts/errors.js";
import { Crypto, CryptoKey, TLSOptions, X509Certificate } from "../src-ts/dtls/index.js";
import { cryptoIdentity, opensslIdentity, opensslTest } from "./dtls-helpers.js";

const crypto = new Crypto();
const identity = cryptoIdentity("localhost");

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "godot-udp-crypto-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("generateRsa writes PKCS#1 PEM like Godot, and the key round-trips through strings and files", (t) => {
  const pem = identity.key.saveToString();
  t.regex(pem, /^-----BEGIN RSA PRIVATE KEY-----\n/);
  t.regex(identity.key.saveToString(true), /^-----BEGIN PUBLIC KEY-----\n/);
  t.false(identity.key.isPublicOnly());
  const again = new CryptoKey();
  t.is(again.loadFromString(pem), GodotError.OK);
  t.is(again.saveToString(), pem);

  const dir = tmp(t);
  t.is(identity.key.save(join(dir, "k.key")), GodotError.OK);
  t.is(identity.key.save(join(dir, "k.pub"), true), GodotError.OK);
  const fromFile = new CryptoKey();
  t.is(fromFile.load(join(dir, "k.key")), GodotError.OK);
  t.is(fromFile.saveToString(), pem);
  const pub = new CryptoKey();
  t.is(pub.load(join(dir, "k.pub"), true), GodotError.OK);
  t.true(pub.isPublicOnly());
  t.is(pub.saveToString(), "", "a public-only key has no private half to write");
  t.is(pub.save(join(dir, "none.key")), GodotError.FAILED);
  t.is(pub.saveToString(true), identity.key.saveToString(true));
  t.is(new CryptoKey().load(join(dir, "missing.key")), GodotError.ERR_INVALID_PARAMETER);
  t.is(new CryptoKey().loadFromString("not a key"), GodotError.FAILED);
  t.is(identity.key.save(join(dir, "no-such-dir", "k.key")), GodotError.ERR_INVALID_PARAMETER);
});

test("generateRsa refuses sizes OpenSSL cannot make; TypeErrors for wrong types", (t) => {
  t.is(crypto.generateRsa(256), null);
  t.is(crypto.generateRsa(100_000), null);
  t.throws(() => crypto.generateRsa(2048.5), { instanceOf: TypeError });
  t.throws(() => crypto.generateRsa("2048" as unknown as number), { instanceOf: TypeError });
  t.throws(() => crypto.generateSelfSignedCertificate({} as CryptoKey), { instanceOf: TypeError });
  t.throws(() => new CryptoKey().loadFromString(5 as unknown as string), { instanceOf: TypeError });
  t.is(crypto.generateRandomBytes(32).length, 32);
  t.throws(() => crypto.generateRandomBytes(-1), { instanceOf: RangeError });
});

test("generateRsaAsync makes a key on the thread pool; null for a refused size", async (t) => {
  const key = await crypto.generateRsaAsync(1024);
  t.true(key instanceof CryptoKey);
  t.regex(key!.saveToString(), /^-----BEGIN RSA PRIVATE KEY-----\n/);
  t.not(crypto.generateSelfSignedCertificate(key!), null, "the key signs");
  t.is(await crypto.generateRsaAsync(100), null);
  await t.throwsAsync(() => crypto.generateRsaAsync(1.5), { instanceOf: TypeError });
});

test("generateSelfSignedCertificate takes Godot's defaults, names and dates; bad ones give null", (t) => {
  const cert = crypto.generateSelfSignedCertificate(identity.key)!;
  t.regex(cert.saveToString(), /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
  t.is(crypto.generateSelfSignedCertificate(identity.key, "CN=x", "2014", "20340101000000"), null);
  t.is(crypto.generateSelfSignedCertificate(identity.key, "no equals sign"), null);
  const pub = new CryptoKey();
  pub.loadFromString(identity.key.saveToString(true), true);
  t.is(crypto.generateSelfSignedCertificate(pub), null, "a public key cannot sign");
});

opensslTest(
  "openssl reads the certificate Godot's way: subject, validity, CA:TRUE, pathlen 0",
  async (t) => {
    const { execFileSync } = await import("node:child_process");
    const cert = crypto.generateSelfSignedCertificate(identity.key, "CN=game.example,O=Studio\\, Inc,C=IT", "20200101120000", "20300101120000")!;
    const dir = tmp(t);
    t.is(cert.save(join(dir, "c.crt")), GodotError.OK);
    const text = execFileSync("openssl", ["x509", "-in", join(dir, "c.crt"), "-noout", "-text"], { encoding: "utf8" });
    t.regex(text, /Subject: CN ?= ?game\.example, O ?= ?"?Studio, Inc"?, C ?= ?IT/);
    t.regex(text, /Issuer: CN ?= ?game\.example/);
    t.regex(text, /Not Before: Jan {2}1 12:00:00 2020 GMT/);
    t.regex(text, /Not After : Jan {2}1 12:00:00 2030 GMT/);
    t.regex(text, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    t.regex(text, /Signature Algorithm: sha256WithRSAEncryption/);
    t.regex(text, /Version: 3/);
    // And a PKCS#8 key and certificate from openssl load here.
    const made = opensslIdentity("localhost");
    t.false(made.key.isPublicOnly());
    t.regex(made.key.saveToString(), /^-----BEGIN RSA PRIVATE KEY-----/, "written back as PKCS#1, as Godot does");
  },
);

test("X509Certificate: loading appends to the chain; files; errors", (t) => {
  const second = cryptoIdentity("other").cert;
  const chain = new X509Certificate();
  t.is(chain.saveToString(), "");
  t.is(chain.loadFromString(identity.certPem), GodotError.OK);
  t.is(chain.loadFromString(second.saveToString()), GodotError.OK);
  t.is(chain.saveToString(), identity.certPem + second.saveToString());
  t.is(chain.loadFromString("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), GodotError.FAILED);
  const dir = tmp(t);
  t.is(chain.save(join(dir, "chain.crt")), GodotError.OK);
  const loaded = new X509Certificate();
  t.is(loaded.load(join(dir, "chain.crt")), GodotError.OK);
  t.is(loaded.saveToString(), chain.saveToString());
  t.is(new X509Certificate().load(join(dir, "missing.crt")), GodotError.ERR_INVALID_PARAMETER);
  writeFileSync(join(dir, "junk.crt"), "junk");
  t.is(new X509Certificate().load(join(dir, "junk.crt")), GodotError.FAILED);
  t.is(readFileSync(join(dir, "chain.crt"), "utf8"), chain.saveToString());
});

test("TLSOptions: Godot's three constructors and accessors", (t) => {
  const client = TLSOptions.client(identity.cert, "game.example");
  t.false(client.isServer());
  t.false(client.isUnsafeClient());
  t.is(client.getTrustedCaChain(), identity.cert);
  t.is(client.getCommonNameOverride(), "game.example");
  t.is(client.getPrivateKey(), null);
  const unsafe = TLSOptions.clientUnsafe();
  t.true(unsafe.isUnsafeClient());
  t.is(unsafe.getTrustedCaChain(), null);
  const server = TLSOptions.server(identity.key, identity.cert);
  t.true(server.isServer());
  t.is(server.getPrivateKey(), identity.key);
  t.is(server.getOwnCertificate(), identity.cert);
  t.throws(() => TLSOptions.client("pem" as unknown as X509Certificate), { instanceOf: TypeError });
  t.throws(() => TLSOptions.server(identity.key, null as unknown as X509Certificate), { instanceOf: TypeError });
  t.throws(() => new (TLSOptions as unknown as new () => TLSOptions)(), { instanceOf: TypeError });
});

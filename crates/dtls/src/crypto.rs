//! Godot's `CryptoKey`, `X509Certificate` and the two `Crypto` methods that make them
//! (`generate_rsa`, `generate_self_signed_certificate`), on OpenSSL, writing PEM as mbedTLS (and so
//! Godot) writes it: RSA private keys in PKCS#1 ("RSA PRIVATE KEY"), EC keys in SEC1, public keys
//! as SubjectPublicKeyInfo ("PUBLIC KEY").

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey, Private, Public};
use openssl::rsa::Rsa;
use openssl::x509::extension::BasicConstraints;
use openssl::x509::{X509Builder, X509NameBuilder, X509};

use godot_udp_engine::codes::{ERR_INVALID_PARAMETER, FAILED, OK};

/// A private key (with its public half) or a public key only.
#[derive(Clone)]
enum KeyMaterial {
    Private(PKey<Private>),
    Public(PKey<Public>),
}

/// Godot `CryptoKey`: empty until loaded or generated.
#[derive(Clone, Default)]
pub struct CryptoKey {
    key: Option<KeyMaterial>,
}

impl CryptoKey {
    pub fn new() -> Self {
        Self::default()
    }

    /// Godot `load_from_string`: PEM (or DER) bytes; a private key in PKCS#1, PKCS#8 or SEC1, or
    /// with `public_only` a public key. `FAILED` when nothing parses (the key is left as it was).
    pub fn load_from_bytes(&mut self, bytes: &[u8], public_only: bool) -> i32 {
        let parsed = if public_only {
            PKey::public_key_from_pem(bytes)
                .or_else(|_| Rsa::public_key_from_pem_pkcs1(bytes).and_then(PKey::from_rsa))
                .or_else(|_| PKey::public_key_from_der(bytes))
                .map(KeyMaterial::Public)
        } else {
            PKey::private_key_from_pem(bytes)
                .or_else(|_| PKey::private_key_from_der(bytes))
                .map(KeyMaterial::Private)
        };
        match parsed {
            Ok(key) => {
                self.key = Some(key);
                OK
            }
            Err(_) => FAILED,
        }
    }

    /// Godot `save_to_string`: the PEM text, or `None` when there is nothing to write (no key, or
    /// the private half of a public-only key).
    pub fn to_pem(&self, public_only: bool) -> Option<String> {
        let bytes = match self.key.as_ref()? {
            KeyMaterial::Private(key) if public_only => key.public_key_to_pem().ok()?,
            KeyMaterial::Private(key) => private_key_pem(key)?,
            KeyMaterial::Public(key) if public_only => key.public_key_to_pem().ok()?,
            KeyMaterial::Public(_) => return None,
        };
        String::from_utf8(bytes).ok()
    }

    pub fn is_public_only(&self) -> bool {
        matches!(self.key, Some(KeyMaterial::Public(_)))
    }

    pub fn is_empty(&self) -> bool {
        self.key.is_none()
    }

    pub(crate) fn private_key(&self) -> Option<&PKey<Private>> {
        match self.key.as_ref()? {
            KeyMaterial::Private(key) => Some(key),
            KeyMaterial::Public(_) => None,
        }
    }

    /// Godot `Crypto.generate_rsa(size)`, public exponent 65537. `None` for a size OpenSSL refuses
    /// (below 512 bits, or above 16384: a bound on the seconds a call may take).
    pub fn generate_rsa(bits: u32) -> Option<CryptoKey> {
        if !(512..=16384).contains(&bits) {
            return None;
        }
        let rsa = Rsa::generate(bits).ok()?;
        let key = PKey::from_rsa(rsa).ok()?;
        Some(CryptoKey {
            key: Some(KeyMaterial::Private(key)),
        })
    }
}

/// mbedTLS's `pk_write_key_pem` forms: PKCS#1 for RSA, SEC1 for EC, PKCS#8 for the rest.
fn private_key_pem(key: &PKey<Private>) -> Option<Vec<u8>> {
    match key.id() {
        Id::RSA => key.rsa().ok()?.private_key_to_pem().ok(),
        Id::EC => key.ec_key().ok()?.private_key_to_pem().ok(),
        _ => key.private_key_to_pem_pkcs8().ok(),
    }
}

/// Godot `X509Certificate`: a chain, first certificate first. Loading appends, as mbedTLS's
/// `x509_crt_parse` does.
#[derive(Clone, Default)]
pub struct X509Certificate {
    chain: Vec<X509>,
}

impl X509Certificate {
    pub fn new() -> Self {
        Self::default()
    }

    /// Godot `load_from_string`: every PEM certificate in `bytes` (or one DER certificate) is
    /// appended. `FAILED` when none parses.
    pub fn load_from_bytes(&mut self, bytes: &[u8]) -> i32 {
        let parsed = match X509::stack_from_pem(bytes) {
            Ok(certs) if !certs.is_empty() => certs,
            _ => match X509::from_der(bytes) {
                Ok(cert) => vec![cert],
                Err(_) => return FAILED,
            },
        };
        self.chain.extend(parsed);
        OK
    }

    /// Godot `save_to_string`: every certificate of the chain as PEM, in order; empty when there
    /// is none. (Godot's own loop writes the first certificate once per chain entry; this writes
    /// each one.)
    pub fn to_pem(&self) -> String {
        let mut out = String::new();
        for cert in &self.chain {
            if let Ok(pem) = cert.to_pem() {
                out.push_str(&String::from_utf8_lossy(&pem));
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.chain.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chain.is_empty()
    }

    pub(crate) fn chain(&self) -> &[X509] {
        &self.chain
    }

    /// Godot `Crypto.generate_self_signed_certificate`: subject and issuer `issuer_name`
    /// ("CN=..,O=..,C=.."), validity from Godot's "YYYYMMDDhhmmss" strings (UTC), X.509 v3, a
    /// random 20-byte serial, basic constraints CA:TRUE with path length 0 (critical), signed with
    /// SHA-256 by `key`. `Err(ERR_INVALID_PARAMETER)` for a key without its private half, a name
    /// or a date that does not parse.
    pub fn self_signed(
        key: &CryptoKey,
        issuer_name: &str,
        not_before: &str,
        not_after: &str,
    ) -> Result<X509Certificate, i32> {
        let private = key.private_key().ok_or(ERR_INVALID_PARAMETER)?;
        let name = parse_name(issuer_name).ok_or(ERR_INVALID_PARAMETER)?;
        let not_before = parse_time(not_before).ok_or(ERR_INVALID_PARAMETER)?;
        let not_after = parse_time(not_after).ok_or(ERR_INVALID_PARAMETER)?;
        let build = || -> Result<X509, openssl::error::ErrorStack> {
            let mut b = X509Builder::new()?;
            b.set_version(2)?;
            let mut serial = BigNum::new()?;
            // 159 bits with the top one set: 20 bytes, positive, as mbedTLS's raw serial encodes.
            serial.rand(159, MsbOption::ONE, false)?;
            b.set_serial_number(serial.to_asn1_integer()?.as_ref())?;
            b.set_subject_name(&name)?;
            b.set_issuer_name(&name)?;
            b.set_not_before(&not_before)?;
            b.set_not_after(&not_after)?;
            b.set_pubkey(private)?;
            b.append_extension(BasicConstraints::new().critical().ca().pathlen(0).build()?)?;
            b.sign(private, MessageDigest::sha256())?;
            Ok(b.build())
        };
        let cert = build().map_err(|_| FAILED)?;
        Ok(X509Certificate { chain: vec![cert] })
    }
}

/// mbedTLS's subject-name syntax: `KEY=value` pairs separated by commas, `\,` for a literal comma.
fn parse_name(text: &str) -> Option<openssl::x509::X509Name> {
    let mut builder = X509NameBuilder::new().ok()?;
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in text.chars() {
        match c {
            _ if escaped => {
                current.push(c);
                escaped = false;
            }
            '\\' => escaped = true,
            ',' => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    let mut any = false;
    for part in parts {
        let (key, value) = part.split_once('=')?;
        let key = key.trim();
        if key.is_empty() {
            return None;
        }
        builder.append_entry_by_text(key, value).ok()?;
        any = true;
    }
    any.then(|| builder.build())
}

/// Godot's "YYYYMMDDhhmmss" (UTC) as an ASN.1 time.
fn parse_time(text: &str) -> Option<Asn1Time> {
    if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Asn1Time::from_str(&format!("{text}Z")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_key_round_trips_through_pkcs1_pem() {
        let key = CryptoKey::generate_rsa(1024).expect("keygen");
        let pem = key.to_pem(false).unwrap();
        assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
        let public = key.to_pem(true).unwrap();
        assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
        let mut again = CryptoKey::new();
        assert_eq!(again.load_from_bytes(pem.as_bytes(), false), OK);
        assert_eq!(again.to_pem(false).unwrap(), pem);
        let mut pub_only = CryptoKey::new();
        assert_eq!(pub_only.load_from_bytes(public.as_bytes(), true), OK);
        assert!(pub_only.is_public_only());
        assert_eq!(pub_only.to_pem(false), None);
        assert_eq!(pub_only.to_pem(true).unwrap(), public);
        assert_eq!(CryptoKey::new().load_from_bytes(b"garbage", false), FAILED);
    }

    #[test]
    fn self_signed_certificate_carries_godots_fields() {
        let key = CryptoKey::generate_rsa(1024).unwrap();
        let cert = X509Certificate::self_signed(
            &key,
            "CN=localhost,O=godot-udp\\, tests,C=IT",
            "20140101000000",
            "20340101000000",
        )
        .unwrap();
        let x = &cert.chain()[0];
        assert_eq!(
            x.subject_name().to_der().unwrap(),
            x.issuer_name().to_der().unwrap()
        );
        let cn = x
            .subject_name()
            .entries_by_nid(openssl::nid::Nid::COMMONNAME)
            .next()
            .unwrap();
        assert_eq!(cn.data().to_string().unwrap(), "localhost");
        let o = x
            .subject_name()
            .entries_by_nid(openssl::nid::Nid::ORGANIZATIONNAME)
            .next()
            .unwrap();
        assert_eq!(o.data().to_string().unwrap(), "godot-udp, tests");
        assert_eq!(x.not_before().to_string(), "Jan  1 00:00:00 2014 GMT");
        assert_eq!(x.not_after().to_string(), "Jan  1 00:00:00 2034 GMT");
        assert_eq!(x.serial_number().to_bn().unwrap().num_bytes(), 20);
        assert!(x.verify(&x.public_key().unwrap()).unwrap());
        let pem = cert.to_pem();
        let mut two = X509Certificate::new();
        assert_eq!(two.load_from_bytes(pem.as_bytes()), OK);
        assert_eq!(two.load_from_bytes(pem.as_bytes()), OK);
        assert_eq!(two.len(), 2, "loading appends to the chain");
        assert_eq!(two.to_pem(), format!("{pem}{pem}"));
        for bad in ["CN", "", "=x"] {
            assert_eq!(
                X509Certificate::self_signed(&key, bad, "20140101000000", "20340101000000").err(),
                Some(ERR_INVALID_PARAMETER),
                "{bad:?}"
            );
        }
        assert!(X509Certificate::self_signed(&key, "CN=a", "2014", "20340101000000").is_err());
    }
}

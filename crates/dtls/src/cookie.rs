//! HelloVerifyRequest cookies, stateless as mbedTLS's (Godot's `CookieContextMbedTLS`): a cookie
//! is a timestamp and an HMAC-SHA256 over it and the client's address and port, keyed by a secret
//! random to each `DTLSServer.setup`. A ClientHello without a valid cookie costs the server one
//! HMAC and one small reply, and no state: a spoofed source cannot make it do handshake work.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use openssl::hash::MessageDigest;
use openssl::memcmp;
use openssl::pkey::PKey;
use openssl::rand::rand_bytes;
use openssl::sign::Signer;

/// How long a cookie stays valid: mbedTLS's default (`MBEDTLS_SSL_COOKIE_TIMEOUT`).
pub(crate) const COOKIE_LIFETIME_SECS: u64 = 60;
const STAMP: usize = 4;
const MAC: usize = 28;
pub(crate) const COOKIE_LEN: usize = STAMP + MAC;

pub(crate) struct CookieSecret {
    key: [u8; 32],
}

impl CookieSecret {
    pub(crate) fn random() -> Option<Self> {
        let mut key = [0u8; 32];
        rand_bytes(&mut key).ok()?;
        Some(CookieSecret { key })
    }

    fn mac(&self, stamp: u32, client: &SocketAddr) -> Option<[u8; MAC]> {
        let key = PKey::hmac(&self.key).ok()?;
        let mut signer = Signer::new(MessageDigest::sha256(), &key).ok()?;
        signer.update(&stamp.to_be_bytes()).ok()?;
        signer.update(&client_id(client)).ok()?;
        let full = signer.sign_to_vec().ok()?;
        let mut out = [0u8; MAC];
        out.copy_from_slice(&full[..MAC]);
        Some(out)
    }

    /// Writes the cookie for `client` into `out`; its length, or `None` if `out` is too small.
    pub(crate) fn generate(&self, client: &SocketAddr, out: &mut [u8]) -> Option<usize> {
        if out.len() < COOKIE_LEN {
            return None;
        }
        let stamp = now_secs() as u32;
        let mac = self.mac(stamp, client)?;
        out[..STAMP].copy_from_slice(&stamp.to_be_bytes());
        out[STAMP..COOKIE_LEN].copy_from_slice(&mac);
        Some(COOKIE_LEN)
    }

    /// Whether `cookie` was made by this secret for `client` less than the lifetime ago.
    pub(crate) fn verify(&self, client: &SocketAddr, cookie: &[u8]) -> bool {
        if cookie.len() != COOKIE_LEN {
            return false;
        }
        let stamp = u32::from_be_bytes([cookie[0], cookie[1], cookie[2], cookie[3]]);
        let age = (now_secs() as u32).wrapping_sub(stamp);
        if u64::from(age) > COOKIE_LIFETIME_SECS {
            return false;
        }
        match self.mac(stamp, client) {
            Some(mac) => memcmp::eq(&mac, &cookie[STAMP..]),
            None => false,
        }
    }
}

/// The client's transport id, as Godot builds it: the IPv6 (or v4-mapped) address and the port.
fn client_id(client: &SocketAddr) -> [u8; 18] {
    let ip = match client {
        SocketAddr::V4(a) => a.ip().to_ipv6_mapped(),
        SocketAddr::V6(a) => *a.ip(),
    };
    let mut id = [0u8; 18];
    id[..16].copy_from_slice(&ip.octets());
    id[16..].copy_from_slice(&client.port().to_be_bytes());
    id
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_binds_address_port_and_secret() {
        let secret = CookieSecret::random().unwrap();
        let a: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        let b: SocketAddr = "127.0.0.1:4001".parse().unwrap();
        let mut buf = [0u8; 255];
        let n = secret.generate(&a, &mut buf).unwrap();
        assert!(secret.verify(&a, &buf[..n]));
        assert!(!secret.verify(&b, &buf[..n]), "another port");
        assert!(
            !CookieSecret::random().unwrap().verify(&a, &buf[..n]),
            "another secret"
        );
        let mut tampered = buf;
        tampered[10] ^= 1;
        assert!(!secret.verify(&a, &tampered[..n]));
        assert!(!secret.verify(&a, &buf[..n - 1]), "short");
        // Too old: a stamp from before the lifetime, MAC'd correctly.
        let old = (now_secs() - COOKIE_LIFETIME_SECS - 5) as u32;
        let mut stale = [0u8; COOKIE_LEN];
        stale[..4].copy_from_slice(&old.to_be_bytes());
        stale[4..].copy_from_slice(&secret.mac(old, &a).unwrap());
        assert!(!secret.verify(&a, &stale));
    }
}

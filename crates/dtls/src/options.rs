//! Godot's `TLSOptions` for DTLS, as OpenSSL contexts: a client that verifies the server (against
//! a trusted chain, or the system's CA store) and its name, an unsafe client that does not, and
//! a server with its key and certificate chain.

use std::net::IpAddr;

use openssl::ssl::{
    Ssl, SslContext, SslContextBuilder, SslMethod, SslOptions, SslVerifyMode, SslVersion,
};

use crate::crypto::{CryptoKey, X509Certificate};
use godot_udp_engine::codes::{ERR_INVALID_PARAMETER, FAILED};

/// The DTLS MTU: handshake messages are fragmented to fit (a certificate chain does not fit one
/// datagram on most paths), application records are not (see `MAX_PACKET_SIZE`). 1200 bytes pass
/// IPv6's minimum MTU with room for headers.
pub const DTLS_MTU: u32 = 1200;

/// Godot's `TLSOptions.client` / `client_unsafe`.
#[derive(Clone, Default)]
pub struct ClientOptions {
    /// Certificates to trust instead of the system's CA store.
    pub trusted: Option<X509Certificate>,
    /// The name the server's certificate must carry, instead of the hostname given to connect.
    pub common_name_override: String,
    /// `client_unsafe`: no name is sent or checked; without `trusted`, nothing is verified.
    pub unsafe_client: bool,
}

impl ClientOptions {
    /// As Godot's mbedTLS client: the certificate is verified unless the client is unsafe without
    /// a trusted chain (an unsafe client with a chain verifies the chain, never the name).
    fn context(&self) -> Result<SslContext, i32> {
        let mut b = dtls_builder(SslMethod::dtls_client())?;
        let verify = !self.unsafe_client || self.trusted.is_some();
        if verify {
            b.set_verify(SslVerifyMode::PEER);
            match &self.trusted {
                Some(chain) => {
                    for cert in chain.chain() {
                        b.cert_store_mut()
                            .add_cert(cert.clone())
                            .map_err(|_| FAILED)?;
                    }
                }
                None => load_system_roots(&mut b),
            }
        } else {
            b.set_verify(SslVerifyMode::NONE);
        }
        Ok(b.build())
    }

    /// A client session for `hostname` (or the override). A safe client sends it as SNI (unless
    /// it is an IP literal, which SNI cannot carry) and requires the certificate to carry it, as
    /// a DNS name or, without DNS names, as its CN, the way mbedTLS compares names (an IP literal
    /// is compared as text too). An unsafe client sends no name and checks none, as Godot's.
    pub(crate) fn session(&self, hostname: &str) -> Result<Ssl, i32> {
        let ctx = self.context()?;
        let mut ssl = Ssl::new(&ctx).map_err(|_| FAILED)?;
        if !self.unsafe_client {
            let name = if self.common_name_override.is_empty() {
                hostname
            } else {
                self.common_name_override.as_str()
            };
            if !name.is_empty() && name.parse::<IpAddr>().is_err() {
                ssl.set_hostname(name).map_err(|_| ERR_INVALID_PARAMETER)?;
            }
            ssl.param_mut()
                .set_host(name)
                .map_err(|_| ERR_INVALID_PARAMETER)?;
        }
        ssl.set_mtu(DTLS_MTU).map_err(|_| FAILED)?;
        ssl.set_connect_state();
        Ok(ssl)
    }
}

/// Godot's `TLSOptions.server(key, certificate)`.
#[derive(Clone)]
pub struct ServerOptions {
    pub key: CryptoKey,
    pub certificate: X509Certificate,
}

impl ServerOptions {
    /// The server context without its cookie callbacks (the server adds them).
    /// `ERR_INVALID_PARAMETER`: no private key, no certificate, or a key that does not match it.
    pub(crate) fn builder(&self) -> Result<SslContextBuilder, i32> {
        let key = self.key.private_key().ok_or(ERR_INVALID_PARAMETER)?;
        let (leaf, rest) = self
            .certificate
            .chain()
            .split_first()
            .ok_or(ERR_INVALID_PARAMETER)?;
        let mut b = dtls_builder(SslMethod::dtls_server())?;
        // The server's order decides: an AEAD suite whenever the client offers one. With a CBC
        // suite OpenSSL ends a session over one forged record (encrypt-then-MAC, see
        // docs/dtls.md), where AEAD records that fail are discarded as DTLS requires.
        b.set_options(SslOptions::COOKIE_EXCHANGE | SslOptions::CIPHER_SERVER_PREFERENCE);
        b.set_verify(SslVerifyMode::NONE);
        b.set_certificate(leaf).map_err(|_| ERR_INVALID_PARAMETER)?;
        for cert in rest {
            b.add_extra_chain_cert(cert.clone())
                .map_err(|_| ERR_INVALID_PARAMETER)?;
        }
        b.set_private_key(key).map_err(|_| ERR_INVALID_PARAMETER)?;
        b.check_private_key().map_err(|_| ERR_INVALID_PARAMETER)?;
        Ok(b)
    }
}

/// DTLS 1.2 only (Godot's mbedTLS speaks nothing older), the MTU set per session rather than
/// asked of the transport (which has no path MTU to give).
fn dtls_builder(method: SslMethod) -> Result<SslContextBuilder, i32> {
    let mut b = SslContext::builder(method).map_err(|_| FAILED)?;
    b.set_min_proto_version(Some(SslVersion::DTLS1_2))
        .map_err(|_| FAILED)?;
    b.set_options(SslOptions::NO_QUERY_MTU);
    Ok(b)
}

/// The system's CA certificates, where OpenSSL's usual files are (Godot also trusts the system's
/// store by default). A machine without such files trusts nothing: pass a trusted chain then.
fn load_system_roots(b: &mut SslContextBuilder) {
    let probe = openssl_probe::probe();
    let _ = b.load_verify_locations(probe.cert_file.as_deref(), probe.cert_dir.as_deref());
}

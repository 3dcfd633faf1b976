//! DTLS 1.2 for godot-udp: Godot 4's `PacketPeerDTLS`, `DTLSServer`, `TLSOptions`, `CryptoKey`
//! and `X509Certificate` over the engine's UDP peers, on a vendored, statically linked OpenSSL
//! (docs/dtls.md says why). Sans-threads: every call runs on the caller's thread and sends
//! through the UDP peer it is given. No N-API here.

mod cookie;
pub mod crypto;
mod datagrams;
mod listen;
pub mod options;
pub mod peer;
pub mod server;
pub mod stats;
mod timer;

pub use crypto::{CryptoKey, X509Certificate};
pub use options::{ClientOptions, ServerOptions};
pub use peer::PacketPeerDtls;
pub use server::DtlsServer;
pub use stats::{DtlsStats, ServerStats};

/// The OpenSSL this crate links, e.g. "OpenSSL 3.6.3 ...".
pub fn openssl_version() -> &'static str {
    openssl::version::version()
}

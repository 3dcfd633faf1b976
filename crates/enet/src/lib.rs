//! An ENet 1.3.18 host for godot-udp, on the engine's UDP sockets: the groundwork of Godot 4's
//! `ENetConnection`, `ENetPacketPeer` and `ENetMultiplayerPeer`. No N-API here.
//!
//! The protocol is rusty_enet 0.4.1 (ENet 1.3.18 transpiled to Rust), vendored with a few
//! patches in `rusty_enet/` (its PATCHES.md); why that and not upstream C ENet is in this
//! crate's README. What this crate adds:
//!
//! - the transport: the engine's socket (opened the way Godot's ENet socket is: dual-stack,
//!   broadcast on), its batched receive path into a bounded queue, a send that never waits,
//!   and counters of what was received, sent, dropped, oversized or refused ([`HostCounters`]);
//! - [`EnetHost::service`]: `service(0)` never blocks; a timeout waits on the engine's
//!   readiness on the calling thread (a binding's worker), never by spinning;
//! - Godot's shapes: addresses in Godot's 16-byte form ([`EnetAddress`]), packet flags and peer
//!   states with Godot's numbers, peer statistics, Godot's compression modes
//!   ([`EnetHost::compress_mode`]) and a [`Compressor`] hook;
//! - with the `dtls` feature (default), ENet over DTLS as Godot's `dtls_server_setup` /
//!   `dtls_client_setup` do it (`dtls_transport.rs`; the README says what differs).

mod address;
mod compression;
mod dtls_host;
#[cfg(feature = "dtls")]
mod dtls_transport;
mod host;
mod socket;
mod types;

pub use address::EnetAddress;
pub use compression::{CompressionMode, GodotSettings};
pub use host::EnetHost;
pub use types::{
    Compressor, Event, HostConfig, HostCounters, Packet, PacketFlags, PeerId, PeerState, PeerStats,
    SendError, DEFAULT_RECV_QUEUE_BYTES, MAX_CHANNELS, MAX_PEERS, MTU_MAX,
};

/// ENet over DTLS (feature `dtls`): Godot's `dtls_server_setup` / `dtls_client_setup`.
#[cfg(feature = "dtls")]
pub use dtls_transport::{DtlsCounters, SESSION_BIND_TIMEOUT};
/// The DTLS crate's options and identity types, for `dtls_*_setup` callers.
#[cfg(feature = "dtls")]
pub use godot_udp_dtls::{ClientOptions, CryptoKey, ServerOptions, X509Certificate};

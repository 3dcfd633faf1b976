//! N-API binding of godot-udp: argument conversion and handles only; behaviour lives in the
//! engine crate (`crates/engine`). Every method returns Godot error codes as numbers; JS numbers
//! for ports and sizes arrive as f64 so out-of-range values reach Godot's range checks.

mod convert;
#[cfg(feature = "dtls")]
mod crypto;
#[cfg(feature = "dtls")]
mod dtls;
#[cfg(feature = "enet")]
mod enet;
#[cfg(feature = "enet")]
mod enet_dtls;
#[cfg(feature = "enet")]
mod enet_peer;
mod entries;
mod peer;
mod server;
mod uv;
mod watch;

pub use peer::NativePeer;
pub use server::NativeServer;

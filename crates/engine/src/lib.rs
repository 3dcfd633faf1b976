//! The godot-udp socket engine: Godot 4's `PacketPeerUDP` and `UDPServer` semantics on socket2,
//! a reactor thread (the `polling` crate) for readiness, and tokio futures for waits. Platform code
//! lives in `sys`, chosen once per platform. No N-API here: the root
//! crate binds this to Node.js.

pub mod addr;
pub mod codes;
pub mod iface;
pub mod io;
mod multicast;
pub mod peer;
pub mod queue;
pub mod resolve;
pub mod server;
pub mod socket;
pub mod stats;
mod sys;
mod take;
pub mod wait;

pub use peer::{PacketPeerUdp, WaitFuture, META_WORDS};
pub use server::UdpServer;
pub use socket::SocketOptions;
pub use stats::Stats;
pub use sys::RawSocket;
pub use wait::WatchCallback;

pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

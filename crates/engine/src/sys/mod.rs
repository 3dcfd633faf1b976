//! Platform code, chosen once here. Every platform module offers the same function list, so the
//! portable modules (`io`, `socket`, `wait`, `iface`) call `sys::…` and never name a platform type.
//!
//! | module      | compiled on   | what it holds                                                   |
//! |-------------|---------------|-----------------------------------------------------------------|
//! | `unix`      | every Unix    | descriptors, poll(2), getifaddrs/if_nametoindex, close-on-exec  |
//! | `windows`   | Windows       | SOCKETs, WSAPoll, GetAdaptersAddresses, SIO_UDP_CONNRESET off   |
//! | `linux`     | Linux         | the batched paths: recvmmsg, sendmmsg, UDP GSO/GRO, SO_MEMINFO  |
//! | `fallback`  | everywhere    | one syscall per datagram; the batched path elsewhere than Linux |
//!
//! Platform functions (`os`): `RawSocket`, `raw_socket`, `borrow`, `poll_once`, `configure`,
//! `interface`. Batched functions (`batch`): `drain`, `send_many`, `enable_gro`,
//! `os_drop_count`.

pub(crate) mod fallback;

#[cfg(unix)]
pub(crate) mod unix;
#[cfg(unix)]
pub(crate) use unix as os;

#[cfg(windows)]
pub(crate) mod windows;
#[cfg(windows)]
pub(crate) use windows as os;

#[cfg(target_os = "linux")]
pub(crate) mod linux;
#[cfg(target_os = "linux")]
pub(crate) use linux as batch;

#[cfg(not(target_os = "linux"))]
pub(crate) use fallback as batch;

/// The OS handle of a socket: a file descriptor on Unix, a `SOCKET` on Windows.
pub type RawSocket = os::RawSocket;

/// Which way a readiness check looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    In,
    Out,
}

/// The answer of one readiness check ([`os::poll_once`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Polled {
    /// The socket is ready in the direction asked.
    Ready,
    /// An error is pending on the socket (e.g. an ICMP error on a connected socket), or the
    /// handle is invalid.
    Error,
    /// Nothing within the timeout.
    Timeout,
}

//! Datagram I/O: draining a socket, sending one datagram (waiting for writability instead of
//! spinning), sending many, and readiness checks. The batched paths (recvmmsg, sendmmsg, GSO/GRO
//! on Linux) and the one-call-per-datagram fallback live in `sys`; this module picks nothing by
//! platform itself.
//!
//! Receive batches land in one thread-local scratch shared by every socket used on that thread,
//! so a socket never owns megabytes; nothing is allocated per datagram.

use std::io;
use std::net::Ipv6Addr;
use std::time::{Duration, Instant};

use socket2::{SockAddr, Socket};

use crate::sys::{self, Direction, Polled, RawSocket};

/// Largest UDP payload over IPv6 (IPv4 allows 65507); the scratch slot of every receive.
pub const MAX_DATAGRAM: usize = 65536;

/// How long a send waits for the socket to become writable before giving up with FAILED.
pub const SEND_DEADLINE: Duration = Duration::from_secs(10);

/// What a readiness check says about a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Readable,
    /// An error is pending (e.g. an ICMP error on a connected socket) or the check itself failed.
    Error,
    Idle,
}

/// Milliseconds left until `deadline` for one poll call (None: forever, -1).
fn poll_ms(deadline: Option<Instant>) -> i32 {
    match deadline {
        None => -1,
        // Rounded up: a remaining 0.9 ms polled as 0 would spin until the deadline.
        Some(d) => d
            .saturating_duration_since(Instant::now())
            .as_micros()
            .div_ceil(1000)
            .min(i32::MAX as u128) as i32,
    }
}

/// Polls `raw` for input for up to `timeout_ms` (negative: forever), restarting after signals
/// and early returns until the deadline.
pub fn poll_level(raw: RawSocket, timeout_ms: i64) -> Level {
    let deadline =
        (timeout_ms >= 0).then(|| Instant::now() + Duration::from_millis(timeout_ms as u64));
    loop {
        match sys::os::poll_once(raw, Direction::In, poll_ms(deadline)) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) | Ok(Polled::Error) => return Level::Error,
            Ok(Polled::Ready) => return Level::Readable,
            Ok(Polled::Timeout) => {
                if deadline.is_none_or(|d| Instant::now() >= d) {
                    return Level::Idle;
                }
            }
        }
    }
}

/// [`poll_level`] on a socket.
pub fn poll_readable(sock: &Socket, timeout_ms: i64) -> Level {
    poll_level(sys::os::raw_socket(sock), timeout_ms)
}

/// Waits until `sock` accepts data or `deadline` passes; false on timeout or poll failure. A
/// pending error counts as writable: the send that follows reports it.
pub(crate) fn wait_writable(sock: &Socket, deadline: Instant) -> bool {
    let raw = sys::os::raw_socket(sock);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        let ms = left.as_millis().clamp(1, i32::MAX as u128) as i32;
        match sys::os::poll_once(raw, Direction::Out, ms) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
            Ok(Polled::Ready) | Ok(Polled::Error) => return true,
            Ok(Polled::Timeout) => {}
        }
    }
}

/// Sends one datagram (`dest` None: the socket's connected peer). "Would block" waits for
/// writability (Godot retries until the datagram is accepted) up to [`SEND_DEADLINE`].
pub fn send_one(sock: &Socket, data: &[u8], dest: Option<&SockAddr>) -> io::Result<()> {
    let mut deadline = None;
    loop {
        let r = match dest {
            Some(d) => sock.send_to(data, d),
            None => sock.send(data),
        };
        match r {
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                let d = *deadline.get_or_insert_with(|| Instant::now() + SEND_DEADLINE);
                if !wait_writable(sock, d) {
                    return Err(io::ErrorKind::TimedOut.into());
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Reads every datagram the OS holds for `sock` until it would block, handing each to `each`
/// (source address in Godot's 16-byte form, source port, payload). A read error other than
/// "would block" is returned after the datagrams read before it were handed over.
pub fn drain(sock: &Socket, each: impl FnMut(&Ipv6Addr, u16, &[u8])) -> io::Result<()> {
    sys::batch::drain(sock, each)
}

/// One `recv_from` per datagram: the portable path (and a reference for the batched one).
pub fn drain_portable(sock: &Socket, each: impl FnMut(&Ipv6Addr, u16, &[u8])) -> io::Result<()> {
    sys::fallback::drain(sock, each)
}

/// Lets the kernel coalesce received GSO batches (Linux UDP_GRO); a no-op elsewhere.
pub fn enable_gro(sock: &Socket) {
    sys::batch::enable_gro(sock);
}

/// The kernel's count of datagrams it dropped for the socket, now (Linux: `sk_drops`, a u32
/// that wraps, read with SO_MEMINFO; see [`crate::stats::OsDropCount`]). None elsewhere, and
/// where the kernel refuses the option.
pub fn os_drop_count(sock: &Socket) -> Option<u32> {
    sys::batch::os_drop_count(sock)
}

/// Sends every non-empty packet of `packets` as its own datagram. Returns how many were sent
/// before an error (the error with it), or all of them.
pub fn send_many(
    sock: &Socket,
    packets: &[&[u8]],
    dest: Option<&SockAddr>,
    gso_allowed: &mut bool,
) -> (usize, io::Result<()>) {
    sys::batch::send_many(sock, packets, dest, gso_allowed)
}

/// One send per datagram: the portable path.
pub fn send_many_portable(
    sock: &Socket,
    packets: &[&[u8]],
    dest: Option<&SockAddr>,
) -> (usize, io::Result<()>) {
    sys::fallback::send_many(sock, packets, dest, &mut false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_ms_rounds_a_partial_millisecond_up() {
        // Rounded down, the last partial millisecond of every wait became poll(0) in a loop.
        let soon = Instant::now() + Duration::from_micros(900);
        assert_eq!(poll_ms(Some(soon)), 1);
        let later = Instant::now() + Duration::from_micros(2_500);
        assert!((2..=3).contains(&poll_ms(Some(later))));
        assert_eq!(poll_ms(Some(Instant::now())), 0);
        assert_eq!(poll_ms(None), -1);
    }
}

//! One syscall per datagram: the receive and send paths wherever Linux's batched calls are
//! missing (macOS, the BSDs, Windows), and the reference the batched paths are tested against.

// On Linux the batched paths are `sys::linux`; only the reference paths here are used there.
#![cfg_attr(target_os = "linux", allow(dead_code))]

use std::cell::RefCell;
use std::io;
use std::mem::MaybeUninit;
use std::net::Ipv6Addr;

use socket2::{SockAddr, Socket};

use crate::io::{send_one, MAX_DATAGRAM};

/// One `recv_from` per datagram until the socket would block. The scratch holds
/// [`MAX_DATAGRAM`] bytes, more than any UDP payload, so a datagram is never truncated (Windows'
/// WSAEMSGSIZE cannot occur).
pub fn drain(sock: &Socket, mut each: impl FnMut(&Ipv6Addr, u16, &[u8])) -> io::Result<()> {
    thread_local! {
        static SCRATCH: RefCell<Vec<MaybeUninit<u8>>> =
            RefCell::new(vec![MaybeUninit::uninit(); MAX_DATAGRAM]);
    }
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        loop {
            match sock.recv_from(&mut scratch) {
                Ok((n, from)) => {
                    // SAFETY: recv_from initialised the first `n` bytes.
                    let data =
                        unsafe { std::slice::from_raw_parts(scratch.as_ptr().cast::<u8>(), n) };
                    let (addr, port) = match from.as_socket() {
                        Some(sa) => crate::addr::from_socket_addr(&sa),
                        None => (Ipv6Addr::UNSPECIFIED, 0),
                    };
                    each(&addr, port, data);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    })
}

/// One send per datagram. Returns how many were sent before an error (the error with it), or
/// all of them. `gso_allowed` is unused: there is no GSO here.
pub fn send_many(
    sock: &Socket,
    packets: &[&[u8]],
    dest: Option<&SockAddr>,
    gso_allowed: &mut bool,
) -> (usize, io::Result<()>) {
    let _ = gso_allowed;
    for (i, p) in packets.iter().enumerate() {
        if p.is_empty() {
            continue;
        }
        if let Err(e) = send_one(sock, p, dest) {
            return (i, Err(e));
        }
    }
    (packets.len(), Ok(()))
}

/// No receive coalescing here.
pub fn enable_gro(_sock: &Socket) {}

/// No per-socket OS drop count here: `stats().osDropped` stays 0.
pub fn os_drop_count(_sock: &Socket) -> Option<u32> {
    None
}

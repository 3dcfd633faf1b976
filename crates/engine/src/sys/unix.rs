//! Unix: file descriptors, poll(2), getifaddrs(3) and if_nametoindex(3).

use std::ffi::{CStr, CString};
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, BorrowedFd};

use socket2::Socket;

use super::{Direction, Polled};
use crate::iface::InterfaceInfo;

pub type RawSocket = std::os::fd::RawFd;

pub fn raw_socket(sock: &Socket) -> RawSocket {
    sock.as_raw_fd()
}

/// A borrowed handle for registering with the reactor.
///
/// # Safety
/// `raw` must stay open for as long as the returned handle is used.
pub unsafe fn borrow<'a>(raw: RawSocket) -> BorrowedFd<'a> {
    // SAFETY: the caller keeps the descriptor open while the handle is in use.
    unsafe { BorrowedFd::borrow_raw(raw) }
}

/// One poll(2) on `raw` for up to `timeout_ms` (negative: forever). `Interrupted` is returned
/// as an error for the caller to retry with its remaining time.
pub fn poll_once(raw: RawSocket, dir: Direction, timeout_ms: i32) -> io::Result<Polled> {
    let events = match dir {
        Direction::In => libc::POLLIN,
        Direction::Out => libc::POLLOUT,
    };
    let mut pfd = libc::pollfd {
        fd: raw,
        events,
        revents: 0,
    };
    // SAFETY: `pfd` is a valid pollfd for the duration of the call; nfds is 1.
    let n = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    if n == 0 {
        return Ok(Polled::Timeout);
    }
    if pfd.revents & (libc::POLLERR | libc::POLLNVAL) != 0 {
        return Ok(Polled::Error);
    }
    Ok(Polled::Ready)
}

/// What every socket gets at open beyond socket2's defaults: close-on-exec, so a child process
/// never inherits it. (SO_NOSIGPIPE, which Godot sets where it exists, is set by socket2 at
/// creation on Apple platforms; UDP raises no SIGPIPE elsewhere.)
pub fn configure(sock: &Socket) -> io::Result<()> {
    sock.set_cloexec(true)
}

/// SO_REUSEADDR (UDPServer, as Godot sets it on Unix).
pub fn set_reuse_address(sock: &Socket) -> io::Result<()> {
    sock.set_reuse_address(true)
}

/// SO_REUSEPORT: several sockets share the port (Linux and the BSDs spread datagrams across
/// them; macOS delivers unicast to the last one bound). Solaris and illumos have no such
/// option: refused there.
pub fn set_reuse_port(sock: &Socket) -> io::Result<()> {
    #[cfg(not(any(target_os = "solaris", target_os = "illumos")))]
    return sock.set_reuse_port(true);
    #[cfg(any(target_os = "solaris", target_os = "illumos"))]
    {
        let _ = sock;
        Err(io::ErrorKind::Unsupported.into())
    }
}

/// Looks an interface up by exact name in getifaddrs(3): `None` if no interface of that name
/// has an IPv4 or IPv6 address.
pub fn interface(name: &str) -> Option<InterfaceInfo> {
    let mut found = false;
    let mut first_ipv4 = None;
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list we free below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return None;
    }
    let mut cur = list;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list getifaddrs returned, alive until freeifaddrs.
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        if ifa.ifa_addr.is_null() || ifa.ifa_name.is_null() {
            continue;
        }
        // SAFETY: ifa_name is a NUL-terminated string owned by the list.
        let ifname = unsafe { CStr::from_ptr(ifa.ifa_name) };
        if ifname.to_bytes() != name.as_bytes() {
            continue;
        }
        // SAFETY: ifa_addr is non-null and points at a sockaddr owned by the list.
        let family = i32::from(unsafe { (*ifa.ifa_addr).sa_family });
        match family {
            libc::AF_INET => {
                found = true;
                if first_ipv4.is_none() {
                    // SAFETY: the family says it is a sockaddr_in.
                    let sin = unsafe { &*ifa.ifa_addr.cast::<libc::sockaddr_in>() };
                    first_ipv4 = Some(Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)));
                }
            }
            libc::AF_INET6 => found = true,
            _ => {}
        }
    }
    // SAFETY: `list` came from getifaddrs and is freed exactly once.
    unsafe { libc::freeifaddrs(list) };
    if !found {
        return None;
    }
    let index = CString::new(name)
        .ok()
        // SAFETY: a valid NUL-terminated string.
        .map_or(0, |c| unsafe { libc::if_nametoindex(c.as_ptr()) });
    Some(InterfaceInfo { first_ipv4, index })
}

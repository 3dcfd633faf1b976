//! Windows: SOCKET handles, WSAPoll, GetAdaptersAddresses, and the Winsock settings Godot makes.

use std::ffi::CStr;
use std::io;
use std::net::Ipv4Addr;
use std::os::windows::io::{AsRawSocket, BorrowedSocket};

use socket2::Socket;
use windows_sys::Win32::Foundation::{ERROR_BUFFER_OVERFLOW, NO_ERROR};
use windows_sys::Win32::NetworkManagement::IpHelper::{
    GetAdaptersAddresses, GAA_FLAG_SKIP_ANYCAST, GAA_FLAG_SKIP_DNS_SERVER, GAA_FLAG_SKIP_MULTICAST,
    IP_ADAPTER_ADDRESSES_LH,
};
use windows_sys::Win32::Networking::WinSock::{
    WSAIoctl, WSAPoll, AF_INET, AF_UNSPEC, POLLERR, POLLNVAL, POLLRDNORM, POLLWRNORM,
    SIO_UDP_CONNRESET, SIO_UDP_NETRESET, SOCKADDR_IN, SOCKET, SOCKET_ERROR, WSAPOLLFD,
};

use super::{Direction, Polled};
use crate::iface::InterfaceInfo;

pub type RawSocket = std::os::windows::io::RawSocket;

pub fn raw_socket(sock: &Socket) -> RawSocket {
    sock.as_raw_socket()
}

/// A borrowed handle for registering with the reactor.
///
/// # Safety
/// `raw` must stay open for as long as the returned handle is used.
pub unsafe fn borrow<'a>(raw: RawSocket) -> BorrowedSocket<'a> {
    // SAFETY: the caller keeps the socket open while the handle is in use.
    unsafe { BorrowedSocket::borrow_raw(raw) }
}

/// One WSAPoll on `raw` for up to `timeout_ms` (negative: forever). (WSAPoll's known flaw, a
/// failed TCP connect that is never reported, does not concern UDP.)
pub fn poll_once(raw: RawSocket, dir: Direction, timeout_ms: i32) -> io::Result<Polled> {
    let events = match dir {
        Direction::In => POLLRDNORM,
        Direction::Out => POLLWRNORM,
    };
    let mut pfd = WSAPOLLFD {
        fd: raw as SOCKET,
        events,
        revents: 0,
    };
    // SAFETY: `pfd` is a valid WSAPOLLFD for the duration of the call; the count is 1.
    let n = unsafe { WSAPoll(&mut pfd, 1, timeout_ms) };
    if n == SOCKET_ERROR {
        return Err(io::Error::last_os_error());
    }
    if n == 0 {
        return Ok(Polled::Timeout);
    }
    if pfd.revents & (POLLERR | POLLNVAL) != 0 {
        return Ok(Polled::Error);
    }
    Ok(Polled::Ready)
}

/// What every socket gets at open, as Godot does on Windows: ICMP port/net unreachable replies
/// to an earlier send no longer fail the next receive with WSAECONNRESET / WSAENETRESET (Windows
/// reports them on unconnected sockets too, where one unreachable client would otherwise break
/// a server's receive loop). Refusals are ignored (wine has no SIO_UDP_NETRESET), as Godot does.
pub fn configure(sock: &Socket) -> io::Result<()> {
    for code in [SIO_UDP_CONNRESET, SIO_UDP_NETRESET] {
        let off: u32 = 0;
        let mut returned: u32 = 0;
        // SAFETY: an input buffer of the size given, no output buffer, no overlapped I/O, on an
        // open socket.
        unsafe {
            WSAIoctl(
                sock.as_raw_socket() as SOCKET,
                code,
                (&off as *const u32).cast(),
                std::mem::size_of::<u32>() as u32,
                std::ptr::null_mut(),
                0,
                &mut returned,
                std::ptr::null_mut(),
                None,
            );
        }
    }
    Ok(())
}

/// Not set on Windows, as Godot skips it there: Windows' SO_REUSEADDR would let another socket
/// take over a port in use.
pub fn set_reuse_address(_sock: &Socket) -> io::Result<()> {
    Ok(())
}

/// Windows has no SO_REUSEPORT (and its SO_REUSEADDR means something else): refused.
pub fn set_reuse_port(_sock: &Socket) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Looks an adapter up by its name (the `{GUID}` form Godot's `IP.get_local_interfaces()` lists
/// on Windows) or by its friendly name ("Ethernet", "Loopback Pseudo-Interface 1"): `None` if
/// none of that name has a unicast address.
pub fn interface(name: &str) -> Option<InterfaceInfo> {
    let flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
    // u64 words: the adapter records need 8-byte alignment. Microsoft suggests 15 KB to start.
    let mut words: Vec<u64> = vec![0; 2048];
    let mut size = (words.len() * 8) as u32;
    let mut tries = 0;
    loop {
        // SAFETY: `words` is a writable, suitably aligned buffer of `size` bytes.
        let r = unsafe {
            GetAdaptersAddresses(
                AF_UNSPEC as u32,
                flags,
                std::ptr::null(),
                words.as_mut_ptr().cast(),
                &mut size,
            )
        };
        match r {
            NO_ERROR => break,
            ERROR_BUFFER_OVERFLOW if tries < 3 => {
                tries += 1;
                words = vec![0; (size as usize).div_ceil(8) + 1];
                size = (words.len() * 8) as u32;
            }
            _ => return None,
        }
    }
    let mut cur = words.as_ptr().cast::<IP_ADAPTER_ADDRESSES_LH>();
    while !cur.is_null() {
        // SAFETY: `cur` is a record of the list GetAdaptersAddresses wrote into `words`, which
        // outlives this loop; every pointer in it points into the same buffer or is null.
        let a = unsafe { &*cur };
        cur = a.Next;
        if !adapter_named(a, name) {
            continue;
        }
        let mut found = false;
        let mut first_ipv4 = None;
        let mut u = a.FirstUnicastAddress;
        while !u.is_null() {
            // SAFETY: a node of the adapter's unicast list, in the same buffer.
            let ua = unsafe { &*u };
            u = ua.Next;
            let sa = ua.Address.lpSockaddr;
            if sa.is_null() {
                continue;
            }
            found = true;
            // SAFETY: lpSockaddr points at a SOCKADDR of iSockaddrLength bytes.
            if unsafe { (*sa).sa_family } == AF_INET && first_ipv4.is_none() {
                // SAFETY: the family says it is a SOCKADDR_IN.
                let sin = unsafe { &*sa.cast::<SOCKADDR_IN>() };
                // SAFETY: every view of the IN_ADDR union is the same 4 bytes.
                let raw = unsafe { sin.sin_addr.S_un.S_addr };
                first_ipv4 = Some(Ipv4Addr::from(u32::from_be(raw)));
            }
        }
        if !found {
            return None;
        }
        // SAFETY: the union's struct view holds the IPv4 interface index.
        let if_index = unsafe { a.Anonymous1.Anonymous.IfIndex };
        let index = if a.Ipv6IfIndex != 0 {
            a.Ipv6IfIndex
        } else {
            if_index
        };
        return Some(InterfaceInfo { first_ipv4, index });
    }
    None
}

/// Whether the adapter's name or friendly name is `name`.
fn adapter_named(a: &IP_ADAPTER_ADDRESSES_LH, name: &str) -> bool {
    if !a.AdapterName.is_null() {
        // SAFETY: AdapterName is a NUL-terminated ANSI string in the result buffer.
        let n = unsafe { CStr::from_ptr(a.AdapterName.cast()) };
        if n.to_bytes() == name.as_bytes() {
            return true;
        }
    }
    if !a.FriendlyName.is_null() {
        // SAFETY: FriendlyName is a NUL-terminated UTF-16 string in the result buffer.
        let wide = unsafe {
            let mut len = 0;
            while *a.FriendlyName.add(len) != 0 {
                len += 1;
            }
            std::slice::from_raw_parts(a.FriendlyName, len)
        };
        if String::from_utf16_lossy(wide) == name {
            return true;
        }
    }
    false
}

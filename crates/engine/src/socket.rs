//! Opening UDP sockets the way Godot does (spec §4.2), and the socket object the peer and the
//! server own: the OS socket plus its readiness (wait/watch) state.

use std::cell::Cell;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::sync::Arc;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use crate::addr;
use crate::stats::OsDropCount;
use crate::sys;
use crate::wait::Readiness;

/// Which kind of socket an address calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    V4,
    /// IPv6 with IPV6_V6ONLY on.
    V6Only,
    /// IPv6 with IPV6_V6ONLY off: the wildcard bind `"*"`.
    DualStack,
}

impl Family {
    /// The family Godot opens for a (non-wildcard) address.
    pub fn of(addr: &Ipv6Addr) -> Family {
        if addr::is_v4(addr) {
            Family::V4
        } else {
            Family::V6Only
        }
    }
}

/// Options applied when opening.
#[derive(Clone, Copy, Debug, Default)]
pub struct OpenOptions {
    /// SO_BROADCAST after it was turned off (None: leave it off, as `connect_to_host` does).
    pub broadcast: Option<bool>,
    /// SO_REUSEADDR (UDPServer; not on Windows, where Godot skips it).
    pub reuse_address: bool,
    /// SO_REUSEPORT (an extension: several processes share a port).
    pub reuse_port: bool,
    /// SO_RCVBUF in bytes (an extension; None: the OS default, as Godot leaves it).
    pub os_recv_buf_size: Option<usize>,
}

/// The extension options of `bind` / `listen` (Godot has neither).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SocketOptions {
    /// SO_REUSEPORT: several sockets (processes) share the port.
    pub reuse_port: bool,
    /// SO_RCVBUF in bytes, 1..=i32::MAX (the kernel doubles it for its bookkeeping and caps it
    /// at net.core.rmem_max); None leaves the OS default. Out of range: ERR_INVALID_PARAMETER.
    pub os_recv_buf_size: Option<i64>,
}

impl SocketOptions {
    /// The SO_RCVBUF request, or Err(()) when out of range.
    pub(crate) fn os_recv_buf(&self) -> Result<Option<usize>, ()> {
        match self.os_recv_buf_size {
            None => Ok(None),
            Some(n) if (1..=i64::from(i32::MAX)).contains(&n) => Ok(Some(n as usize)),
            Some(_) => Err(()),
        }
    }
}

/// Why [`UdpSocket::open_bound`] failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenBindError {
    /// The socket could not be created or given its options.
    Open,
    /// The bind failed (e.g. the port is in use).
    Bind,
}

/// An open UDP socket with its readiness state.
pub struct UdpSocket {
    sock: Socket,
    family: Family,
    readiness: Arc<Readiness>,
    /// The kernel's drop count as last read for this socket (see [`UdpSocket::os_drops`]).
    os_drops: Cell<OsDropCount>,
}

impl UdpSocket {
    /// Opens a socket of `family`: non-blocking, with the platform's settings
    /// (`sys::os::configure`: close-on-exec on Unix, ICMP resets off on Windows), SO_BROADCAST
    /// normalised off and then set as asked. A dual-stack socket that cannot be created falls
    /// back to IPv4.
    pub fn open(family: Family, opts: OpenOptions) -> io::Result<UdpSocket> {
        let (sock, family) = match family {
            Family::V4 => (
                Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?,
                family,
            ),
            Family::V6Only | Family::DualStack => {
                match Socket::new(Domain::IPV6, Type::DGRAM, Some(Protocol::UDP)) {
                    Ok(s) => {
                        s.set_only_v6(family == Family::V6Only)?;
                        (s, family)
                    }
                    Err(e) if family == Family::DualStack => {
                        let _ = e;
                        (
                            Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?,
                            Family::V4,
                        )
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        sock.set_nonblocking(true)?;
        sys::os::configure(&sock)?;
        // Refused silently on IPv6-only sockets by some systems: not an open failure.
        let _ = sock.set_broadcast(false);
        if let Some(b) = opts.broadcast {
            let _ = sock.set_broadcast(b);
        }
        if opts.reuse_address {
            sys::os::set_reuse_address(&sock)?;
        }
        if opts.reuse_port {
            sys::os::set_reuse_port(&sock)?;
        }
        if let Some(size) = opts.os_recv_buf_size {
            sock.set_recv_buffer_size(size)?;
        }
        crate::io::enable_gro(&sock);
        let readiness = Readiness::new(sys::os::raw_socket(&sock));
        Ok(UdpSocket {
            sock,
            family,
            readiness,
            os_drops: Cell::new(OsDropCount::default()),
        })
    }

    /// [`UdpSocket::open`], then [`UdpSocket::bind`] to `addr:port`.
    ///
    /// The port-sharing options (SO_REUSEADDR, SO_REUSEPORT) are set before the bind when a port
    /// is named: they must be, to share it. For port 0 they are set after it. Set before, they
    /// would let the kernel's search for a free port hand out a port that another socket with
    /// the same option already holds (Linux skips such sockets in that search), and datagrams
    /// meant for that socket would arrive here. Set after, the port is one no socket held, and a
    /// later bind that names it may still share it.
    pub fn open_bound(
        family: Family,
        opts: OpenOptions,
        addr: Option<&Ipv6Addr>,
        port: u16,
    ) -> Result<UdpSocket, OpenBindError> {
        let ephemeral = port == 0;
        let first = if ephemeral {
            OpenOptions {
                reuse_address: false,
                reuse_port: false,
                ..opts
            }
        } else {
            opts
        };
        let sock = UdpSocket::open(family, first).map_err(|_| OpenBindError::Open)?;
        sock.bind(addr, port).map_err(|_| OpenBindError::Bind)?;
        if ephemeral && opts.reuse_address {
            sys::os::set_reuse_address(&sock.sock).map_err(|_| OpenBindError::Open)?;
        }
        if ephemeral && opts.reuse_port {
            sys::os::set_reuse_port(&sock.sock).map_err(|_| OpenBindError::Open)?;
        }
        Ok(sock)
    }

    pub fn family(&self) -> Family {
        self.family
    }

    pub fn is_v4(&self) -> bool {
        self.family == Family::V4
    }

    pub fn raw(&self) -> &Socket {
        &self.sock
    }

    /// The OS handle, for a binding that watches readiness on its own event loop. It stays
    /// valid until this socket is dropped; the watcher must stop before that.
    pub fn raw_socket(&self) -> sys::RawSocket {
        sys::os::raw_socket(&self.sock)
    }

    /// Drains the socket ([`crate::io::drain`]).
    pub fn drain(&self, each: impl FnMut(&Ipv6Addr, u16, &[u8])) -> io::Result<()> {
        crate::io::drain(&self.sock, each)
    }

    /// Datagrams the OS dropped for this socket since it was opened, as of this call (Linux:
    /// the socket's `sk_drops`, mostly "receive buffer full", one getsockopt; always 0
    /// elsewhere). Nothing on the receive path pays for it.
    pub fn os_drops(&self) -> u64 {
        let mut c = self.os_drops.get();
        if let Some(count) = crate::io::os_drop_count(&self.sock) {
            c.advance(count);
            self.os_drops.set(c);
        }
        c.total()
    }

    pub fn readiness(&self) -> &Arc<Readiness> {
        &self.readiness
    }

    /// Binds to `addr:port` (`None`: the wildcard of the socket's family).
    pub fn bind(&self, addr: Option<&Ipv6Addr>, port: u16) -> io::Result<()> {
        let sa = match addr {
            Some(a) => addr::to_socket_addr(a, port, self.is_v4())
                .ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?,
            None if self.is_v4() => SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port)),
            None => SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, port, 0, 0)),
        };
        self.sock.bind(&SockAddr::from(sa))
    }

    pub fn connect(&self, addr: &Ipv6Addr, port: u16) -> io::Result<()> {
        let sa = self
            .dest(addr, port)
            .ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
        self.sock.connect(&sa)
    }

    /// The OS address for sending to `addr:port` from this socket (None: wrong family).
    pub fn dest(&self, addr: &Ipv6Addr, port: u16) -> Option<SockAddr> {
        addr::to_socket_addr(addr, port, self.is_v4()).map(SockAddr::from)
    }

    /// Sends one datagram to `addr:port` (Godot's 16-byte form) without waiting for room:
    /// Ok(true) when the OS took it, Ok(false) when the send buffer is full ("would block":
    /// nothing was sent), Err(InvalidInput) when the address's family does not fit this socket,
    /// Err on any other failure. Retries after a signal. For protocols with their own
    /// retransmission (ENet), which drop a datagram the OS cannot take now rather than stall
    /// their loop, as Godot's ENet socket layer does; [`crate::io::send_one`] waits instead.
    pub fn try_send_to(&self, data: &[u8], addr: &Ipv6Addr, port: u16) -> io::Result<bool> {
        let dest = self
            .dest(addr, port)
            .ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
        loop {
            match self.sock.send_to(data, &dest) {
                Ok(_) => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    pub fn local_port(&self) -> u16 {
        self.sock
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .map_or(0, |a| a.port())
    }

    /// SO_RCVBUF as the OS reports it (Linux: twice what was asked, within its limits).
    pub fn os_recv_buf_size(&self) -> usize {
        self.sock.recv_buffer_size().unwrap_or(0)
    }

    pub fn set_broadcast(&self, on: bool) {
        let _ = self.sock.set_broadcast(on);
    }
}

impl Drop for UdpSocket {
    fn drop(&mut self) {
        // Deregister and settle waits before the descriptor is closed (after this body).
        self.readiness.close();
    }
}

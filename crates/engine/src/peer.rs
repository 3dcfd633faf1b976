//! Godot's `PacketPeerUDP` (spec §4): the state machine of one peer, with its own socket or, when
//! taken from a [`crate::UdpServer`], sharing the server's socket ("server peer", §4.7).
//!
//! Every method checks in Godot's order and returns Godot's codes; the project decisions of §6
//! are applied (Q4: close empties the queue; Q5: connect resets the count; Q10: recv_buf_size
//! outside 0..2^30 is rejected; Q11/Q17: strict literals; beside Q12: `set_dest_address` ports
//! outside 0..65535 are rejected).

use std::future::Future;
use std::net::Ipv6Addr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::addr::{self, IpLiteral};
use crate::codes::*;
use crate::io;
use crate::queue::{self, RecvQueue};
use crate::resolve;
use crate::server::ServerLink;
use crate::socket::{Family, OpenBindError, OpenOptions, SocketOptions, UdpSocket};
use crate::stats::Stats;
use crate::wait::WatchCallback;

mod receive;

/// u32 words per packet written by [`PacketPeerUdp::take_packets`]:
/// `[offset, length, port, family (4 or 6), a0, a1, a2, a3]`.
pub const META_WORDS: usize = 8;

/// A boxed wait future (resolves to a Godot code, never fails).
pub type WaitFuture = Pin<Box<dyn Future<Output = i32> + Send + 'static>>;

fn next_owner_token() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Port range check of `bind` and `set_dest_address` (0–65535).
fn port_in_range(port: i64) -> Option<u16> {
    u16::try_from(port).ok()
}

pub struct PacketPeerUdp {
    sock: Option<UdpSocket>,
    queue: RecvQueue,
    /// Sender of the last packet returned (None: Godot's invalid address, printed as "").
    packet_addr: Option<Ipv6Addr>,
    packet_port: u16,
    /// Destination for sends (set_dest_address / connect_to_host / server peer's remote).
    dest: Option<(Ipv6Addr, u16)>,
    connected: bool,
    broadcast: bool,
    packet_error: i32,
    stats: Stats,
    gso_allowed: bool,
    server: Option<ServerLink>,
    /// Tags this peer's waits on a shared (server) socket.
    owner: u64,
}

impl Default for PacketPeerUdp {
    fn default() -> Self {
        Self::new()
    }
}

impl PacketPeerUdp {
    pub fn new() -> Self {
        PacketPeerUdp {
            sock: None,
            queue: RecvQueue::default(),
            packet_addr: None,
            packet_port: 0,
            dest: None,
            connected: false,
            broadcast: false,
            packet_error: OK,
            stats: Stats::default(),
            gso_allowed: true,
            server: None,
            owner: next_owner_token(),
        }
    }

    /// A server peer (Godot's `connect_shared_socket`): connected to `remote`, reporting it as
    /// the packet sender from the start.
    pub(crate) fn from_server(link: ServerLink, remote: (Ipv6Addr, u16)) -> Self {
        let mut p = Self::new();
        p.connected = true;
        p.dest = Some(remote);
        p.packet_addr = Some(remote.0);
        p.packet_port = remote.1;
        p.server = Some(link);
        p
    }

    /// The server link, if still attached; a link the server dropped (`stop()`) turns this peer
    /// into a closed one first, as Godot's `disconnect_shared_socket` does.
    fn server_link(&mut self) -> Option<&ServerLink> {
        if self.server.as_ref().is_some_and(|l| !l.attached()) {
            self.server = None;
            self.reset_after_close();
        }
        self.server.as_ref()
    }

    fn is_server_peer(&mut self) -> bool {
        self.server_link().is_some()
    }

    fn reset_after_close(&mut self) {
        self.queue.reset(queue::DEFAULT_CAPACITY);
        self.connected = false;
    }

    // ----- Godot methods -----

    pub fn bind(
        &mut self,
        port: i64,
        bind_address: &str,
        recv_buf_size: i64,
        reuse_port: bool,
    ) -> i32 {
        let options = SocketOptions {
            reuse_port,
            ..SocketOptions::default()
        };
        self.bind_with(port, bind_address, recv_buf_size, &options)
    }

    /// `bind` with the extension options (SO_REUSEPORT, SO_RCVBUF), checked after Godot's own.
    pub fn bind_with(
        &mut self,
        port: i64,
        bind_address: &str,
        recv_buf_size: i64,
        options: &SocketOptions,
    ) -> i32 {
        if self.is_server_peer() || self.sock.is_some() {
            return ERR_ALREADY_IN_USE;
        }
        let (family, addr) = match addr::parse(bind_address) {
            IpLiteral::Invalid => return ERR_INVALID_PARAMETER,
            IpLiteral::Wildcard => (Family::DualStack, None),
            IpLiteral::Addr(a) => (Family::of(&a), Some(a)),
        };
        let Some(port) = port_in_range(port) else {
            return ERR_INVALID_PARAMETER;
        };
        let Some(capacity) = queue::capacity_for(recv_buf_size) else {
            return ERR_INVALID_PARAMETER;
        };
        let Ok(os_recv_buf_size) = options.os_recv_buf() else {
            return ERR_INVALID_PARAMETER;
        };
        let opts = OpenOptions {
            broadcast: Some(self.broadcast),
            reuse_address: false,
            reuse_port: options.reuse_port,
            os_recv_buf_size,
        };
        let sock = match UdpSocket::open_bound(family, opts, addr.as_ref(), port) {
            Ok(sock) => sock,
            Err(OpenBindError::Open) => return ERR_CANT_CREATE,
            Err(OpenBindError::Bind) => return ERR_UNAVAILABLE,
        };
        self.sock = Some(sock);
        self.queue.reset(capacity);
        OK
    }

    pub fn close(&mut self) {
        if let Some(link) = self.server.take() {
            link.forget(self.owner);
        } else if let Some(sock) = self.sock.take() {
            // The socket's OS drops stay counted after it is gone.
            self.stats.os_dropped += sock.os_drops();
            // Dropping the socket settles waits, ends the watcher, then closes the descriptor.
            drop(sock);
        }
        self.reset_after_close();
    }

    pub fn connect_to_host(&mut self, host: &str, port: i64) -> i32 {
        if self.is_server_peer() {
            return ERR_LOCKED;
        }
        let Some(host) = addr::parse(host).addr() else {
            return ERR_INVALID_PARAMETER;
        };
        if !(1..=65535).contains(&port) {
            return ERR_INVALID_PARAMETER;
        }
        let port = port as u16;
        if self.sock.is_none() {
            let Ok(sock) = UdpSocket::open(Family::of(&host), OpenOptions::default()) else {
                return ERR_CANT_OPEN;
            };
            self.sock = Some(sock);
        }
        let ok = self
            .sock
            .as_ref()
            .is_some_and(|s| s.connect(&host, port).is_ok());
        if !ok {
            self.close();
            return FAILED;
        }
        self.connected = true;
        self.dest = Some((host, port));
        self.queue.clear();
        OK
    }

    pub fn set_dest_address(&mut self, host: &str, port: i64) -> i32 {
        // Project decision beside Q12: Godot truncates the port to 16 bits when sending (70000
        // reaches 4464); refused here, before any name lookup.
        let Some(port) = port_in_range(port) else {
            return ERR_INVALID_PARAMETER;
        };
        let Some(a) = resolve::resolve(host) else {
            return ERR_CANT_RESOLVE;
        };
        // Connected (or server) peers keep their destination; Godot still returns OK (Q7).
        self.server_link();
        if self.connected {
            return OK;
        }
        self.dest = Some((a, port));
        OK
    }

    pub fn put_packet(&mut self, data: &[u8]) -> i32 {
        if data.is_empty() {
            return OK;
        }
        if self.is_server_peer() {
            return self.server_send(|sock, dest, _gso| {
                match io::send_one(sock, data, Some(dest)) {
                    Ok(()) => (1, data.len(), true),
                    Err(_) => (0, 0, false),
                }
            });
        }
        let Some(dest) = self.dest else {
            return ERR_UNCONFIGURED;
        };
        if let Err(code) = self.open_for(&dest.0) {
            return code;
        }
        let Some(sock) = self.sock.as_ref() else {
            return FAILED;
        };
        let r = if self.connected {
            io::send_one(sock.raw(), data, None)
        } else {
            match sock.dest(&dest.0, dest.1) {
                Some(sa) => io::send_one(sock.raw(), data, Some(&sa)),
                None => return FAILED,
            }
        };
        match r {
            Ok(()) => {
                self.stats.sent(data.len());
                OK
            }
            Err(_) => FAILED,
        }
    }

    /// Sends each buffer as its own datagram (sendmmsg / GSO). Empty buffers are skipped.
    /// Stops at the first failure (FAILED); the earlier datagrams were sent.
    pub fn put_packets(&mut self, packets: &[&[u8]]) -> i32 {
        if packets.iter().all(|p| p.is_empty()) {
            return OK;
        }
        if self.is_server_peer() {
            return self.server_send(|sock, dest, gso| {
                let (n, r) = io::send_many(sock, packets, Some(dest), gso);
                let bytes = packets[..n].iter().map(|p| p.len()).sum();
                let count = packets[..n].iter().filter(|p| !p.is_empty()).count();
                (count, bytes, r.is_ok())
            });
        }
        let Some(dest) = self.dest else {
            return ERR_UNCONFIGURED;
        };
        if let Err(code) = self.open_for(&dest.0) {
            return code;
        }
        let Some(sock) = self.sock.as_ref() else {
            return FAILED;
        };
        let sa = if self.connected {
            None
        } else {
            match sock.dest(&dest.0, dest.1) {
                Some(sa) => Some(sa),
                None => return FAILED,
            }
        };
        let (n, r) = io::send_many(sock.raw(), packets, sa.as_ref(), &mut self.gso_allowed);
        for p in packets[..n].iter().filter(|p| !p.is_empty()) {
            self.stats.sent(p.len());
        }
        if r.is_ok() {
            OK
        } else {
            FAILED
        }
    }

    /// Implicit open for sending: the destination's family, never dual-stack, with the
    /// broadcast flag.
    fn open_for(&mut self, dest: &Ipv6Addr) -> Result<(), i32> {
        if self.sock.is_none() {
            let opts = OpenOptions {
                broadcast: Some(self.broadcast),
                ..OpenOptions::default()
            };
            // Godot returns the open error itself: FAILED.
            let sock = UdpSocket::open(Family::of(dest), opts).map_err(|_| FAILED)?;
            self.sock = Some(sock);
        }
        Ok(())
    }

    fn server_send(
        &mut self,
        send: impl FnOnce(&socket2::Socket, &socket2::SockAddr, &mut bool) -> (usize, usize, bool),
    ) -> i32 {
        let Some(link) = self.server_link() else {
            return FAILED;
        };
        link.send(send)
    }

    pub fn local_port(&mut self) -> u16 {
        if let Some(link) = self.server_link() {
            return link.local_port();
        }
        self.sock.as_ref().map_or(0, |s| s.local_port())
    }

    /// Extension: SO_RCVBUF of the socket as the OS reports it (a server peer: its server's
    /// socket); 0 when no socket is open.
    pub fn os_recv_buf_size(&mut self) -> usize {
        if let Some(link) = self.server_link() {
            return link.os_recv_buf_size();
        }
        self.sock.as_ref().map_or(0, UdpSocket::os_recv_buf_size)
    }

    pub fn is_bound(&mut self) -> bool {
        self.is_server_peer() || self.sock.is_some()
    }

    pub fn is_socket_connected(&mut self) -> bool {
        self.server_link();
        self.connected
    }

    pub fn set_broadcast_enabled(&mut self, enabled: bool) {
        if self.is_server_peer() {
            return;
        }
        self.broadcast = enabled;
        if let Some(s) = self.sock.as_ref() {
            s.set_broadcast(enabled);
        }
    }

    pub fn join_multicast_group(&mut self, group: &str, interface: &str) -> i32 {
        if self.is_server_peer() {
            return ERR_LOCKED;
        }
        let Some(g) = addr::parse(group).addr() else {
            return ERR_INVALID_PARAMETER;
        };
        if self.sock.is_none() {
            let opts = OpenOptions {
                broadcast: Some(self.broadcast),
                ..OpenOptions::default()
            };
            match UdpSocket::open(Family::of(&g), opts) {
                Ok(s) => self.sock = Some(s),
                // Godot returns the open error itself: FAILED.
                Err(_) => return FAILED,
            }
        }
        self.change_membership(group, interface, true)
    }

    pub fn leave_multicast_group(&mut self, group: &str, interface: &str) -> i32 {
        if self.is_server_peer() {
            return ERR_LOCKED;
        }
        if self.sock.is_none() {
            return ERR_UNCONFIGURED;
        }
        self.change_membership(group, interface, false)
    }

    fn change_membership(&self, group: &str, interface: &str, join: bool) -> i32 {
        match self.sock.as_ref() {
            Some(sock) => sock.change_membership(group, interface, join),
            None => ERR_UNCONFIGURED,
        }
    }

    /// Extension: the outgoing interface for multicast, by name (unknown → invalid parameter).
    pub fn set_multicast_interface(&mut self, interface: &str) -> i32 {
        match self.multicast_socket() {
            Ok(s) => s.set_multicast_interface(interface),
            Err(code) => code,
        }
    }

    /// Extension: whether this host's own multicast sends loop back to its sockets.
    pub fn set_multicast_loopback(&mut self, enabled: bool) -> i32 {
        match self.multicast_socket() {
            Ok(s) => s.set_multicast_loopback(enabled),
            Err(code) => code,
        }
    }

    /// Extension: multicast TTL (IPv4) / hop limit (IPv6), 0–255.
    pub fn set_multicast_ttl(&mut self, ttl: i64) -> i32 {
        match self.multicast_socket() {
            Ok(s) => s.set_multicast_ttl(ttl),
            Err(code) => code,
        }
    }

    fn multicast_socket(&mut self) -> Result<&UdpSocket, i32> {
        if self.is_server_peer() {
            return Err(ERR_LOCKED);
        }
        self.sock.as_ref().ok_or(ERR_UNCONFIGURED)
    }

    /// Godot `wait()`, asynchronous: see [`crate::wait::Readiness::wait`]. A negative timeout
    /// waits forever.
    pub fn wait(&mut self, timeout_ms: i64, id: i64) -> WaitFuture {
        let timeout = (timeout_ms >= 0).then(|| Duration::from_millis(timeout_ms as u64));
        let owner = self.owner;
        if let Some(link) = self.server_link() {
            return match link.readiness() {
                Some(r) => Box::pin(r.wait(owner, id, timeout)),
                None => Box::pin(async { ERR_UNCONFIGURED }),
            };
        }
        match self.sock.as_ref() {
            Some(s) => Box::pin(s.readiness().wait(owner, id, timeout)),
            None => Box::pin(async { ERR_UNCONFIGURED }),
        }
    }

    pub fn cancel_wait(&mut self, id: i64) {
        if let Some(link) = self.server_link() {
            if let Some(r) = link.readiness() {
                r.cancel(id);
            }
        } else if let Some(s) = self.sock.as_ref() {
            s.readiness().cancel(id);
        }
    }

    /// Godot's blocking `wait()` on the calling thread (negative timeout: forever).
    pub fn wait_sync(&mut self, timeout_ms: i64) -> i32 {
        self.wait_sync_until(timeout_ms, &mut || false)
    }

    /// [`PacketPeerUdp::wait_sync`] that ends early with ERR_SKIP once `interrupted()` returns
    /// true, asked between poll slices: see [`crate::wait::Readiness::wait_sync_until`].
    pub fn wait_sync_until(
        &mut self,
        timeout_ms: i64,
        interrupted: &mut dyn FnMut() -> bool,
    ) -> i32 {
        if let Some(link) = self.server_link() {
            return link.readiness().map_or(ERR_UNCONFIGURED, |r| {
                r.wait_sync_until(timeout_ms, interrupted)
            });
        }
        match self.sock.as_ref() {
            Some(s) => s.readiness().wait_sync_until(timeout_ms, interrupted),
            None => ERR_UNCONFIGURED,
        }
    }

    /// Event mode on this peer's own socket (server peers: ERR_LOCKED, their server watches).
    pub fn watch(&mut self, callback: WatchCallback) -> i32 {
        if self.is_server_peer() {
            return ERR_LOCKED;
        }
        match self.sock.as_ref() {
            Some(s) => s.readiness().watch(callback),
            None => ERR_UNCONFIGURED,
        }
    }

    /// The OS handle of this peer's own open socket, for a binding that watches it on its own
    /// event loop (Node's libuv) instead of with [`PacketPeerUdp::watch`]. Err: ERR_LOCKED for a
    /// server peer (its server's socket is watched), ERR_UNCONFIGURED when no socket is open.
    /// Only `close()`, a failed `connect_to_host` and dropping the peer close the descriptor; a
    /// watcher must stop before those.
    pub fn raw_socket(&mut self) -> Result<crate::RawSocket, i32> {
        if self.is_server_peer() {
            return Err(ERR_LOCKED);
        }
        self.sock
            .as_ref()
            .map(UdpSocket::raw_socket)
            .ok_or(ERR_UNCONFIGURED)
    }

    pub fn rearm(&mut self) {
        if let Some(s) = self.sock.as_ref() {
            s.readiness().rearm();
        }
    }

    pub fn unwatch(&mut self) {
        if let Some(s) = self.sock.as_ref() {
            s.readiness().unwatch();
        }
    }

    pub fn stats(&mut self) -> Stats {
        match self.server_link() {
            Some(link) => link.with_queue(|_, s| *s),
            None => {
                let mut s = self.stats;
                if let Some(sock) = self.sock.as_ref() {
                    s.os_dropped += sock.os_drops();
                }
                s
            }
        }
    }

    /// Id of a server peer at its server (see `UdpServer::take_dirty_peer_ids`); -1 otherwise.
    pub fn server_peer_id(&mut self) -> i64 {
        self.server_link().map_or(-1, |l| i64::from(l.id()))
    }
}

impl Drop for PacketPeerUdp {
    fn drop(&mut self) {
        // Godot closes a peer when it is freed; for a server peer this makes the server forget it.
        self.close();
    }
}

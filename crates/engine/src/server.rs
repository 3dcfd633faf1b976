//! Godot's `UDPServer` (spec §5): one socket, datagrams routed by remote address to peers.
//!
//! Routing is a hash map from (address, port) to the peer's shared record, so it stays constant
//! time at 10,000 peers (Godot walks two lists). Pending peers wait in a FIFO until taken.
//! Deliberate fixes: `max_pending_connections` trims from the newest end while there are more
//! pending peers than the maximum (Q13), and ports outside 0–65535 are rejected (Q12).
//!
//! Everything here runs on one thread (the JS thread): peers share their record with the
//! server through `Rc<RefCell<…>>`, with no lock on the routing path.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::net::Ipv6Addr;
use std::rc::{Rc, Weak};
use std::sync::Arc;

use socket2::{SockAddr, Socket};

use crate::addr::{self, IpLiteral};
use crate::codes::*;
use crate::peer::PacketPeerUdp;
use crate::queue::RecvQueue;
use crate::socket::{Family, OpenBindError, OpenOptions, SocketOptions, UdpSocket};
use crate::stats::Stats;
use crate::wait::{Readiness, WatchCallback};

/// Godot's default `max_pending_connections`.
pub const DEFAULT_MAX_PENDING: usize = 16;

type Remote = (Ipv6Addr, u16);

/// What the server and a server peer share: the peer's queue and counters.
pub(crate) struct RoutedPeer {
    id: u32,
    remote: Remote,
    queue: RecvQueue,
    stats: Stats,
    /// Taken by `take_connection` (pending otherwise).
    taken: bool,
    /// False once the peer was closed or the server stopped.
    attached: bool,
    /// Routed a packet since the last `take_dirty_peer_ids`.
    dirty: bool,
}

struct ServerState {
    sock: Option<UdpSocket>,
    routes: HashMap<Remote, Rc<RefCell<RoutedPeer>>>,
    pending: VecDeque<Rc<RefCell<RoutedPeer>>>,
    max_pending: usize,
    dirty: Vec<Rc<RefCell<RoutedPeer>>>,
    next_id: u32,
    stats: Stats,
    gso_allowed: bool,
}

/// A server peer's handle on its server.
pub(crate) struct ServerLink {
    routed: Rc<RefCell<RoutedPeer>>,
    server: Weak<RefCell<ServerState>>,
}

impl ServerLink {
    pub fn attached(&self) -> bool {
        self.routed.borrow().attached && self.server.strong_count() > 0
    }

    pub fn id(&self) -> u32 {
        self.routed.borrow().id
    }

    /// The peer is closing: the server forgets it and its waits end with ERR_UNCONFIGURED.
    pub fn forget(&self, owner: u64) {
        let remote = {
            let mut r = self.routed.borrow_mut();
            if !r.attached {
                return;
            }
            r.attached = false;
            r.remote
        };
        if let Some(server) = self.server.upgrade() {
            let mut st = server.borrow_mut();
            if st
                .routes
                .get(&remote)
                .is_some_and(|p| Rc::ptr_eq(p, &self.routed))
            {
                st.routes.remove(&remote);
            }
            if let Some(sock) = st.sock.as_ref() {
                sock.readiness().cancel_owner(owner);
            }
        }
    }

    pub fn with_queue<R>(&self, f: impl FnOnce(&mut RecvQueue, &Stats) -> R) -> R {
        let mut r = self.routed.borrow_mut();
        let RoutedPeer { queue, stats, .. } = &mut *r;
        f(queue, stats)
    }

    pub fn os_recv_buf_size(&self) -> usize {
        self.server
            .upgrade()
            .and_then(|s| s.borrow().sock.as_ref().map(UdpSocket::os_recv_buf_size))
            .unwrap_or(0)
    }

    pub fn local_port(&self) -> u16 {
        self.server
            .upgrade()
            .and_then(|s| s.borrow().sock.as_ref().map(|s| s.local_port()))
            .unwrap_or(0)
    }

    pub fn readiness(&self) -> Option<Arc<Readiness>> {
        let server = self.server.upgrade()?;
        let st = server.borrow();
        st.sock.as_ref().map(|s| Arc::clone(s.readiness()))
    }

    /// Sends through the server socket to the peer's remote with `send`, which returns
    /// (datagrams sent, bytes sent, success). Counts on the peer and on the server.
    pub fn send(
        &self,
        send: impl FnOnce(&Socket, &SockAddr, &mut bool) -> (usize, usize, bool),
    ) -> i32 {
        let Some(server) = self.server.upgrade() else {
            return FAILED;
        };
        let remote = self.routed.borrow().remote;
        let mut st = server.borrow_mut();
        let ServerState {
            sock,
            stats,
            gso_allowed,
            ..
        } = &mut *st;
        let Some(sock) = sock.as_ref() else {
            return FAILED;
        };
        let Some(dest) = sock.dest(&remote.0, remote.1) else {
            return FAILED;
        };
        let (count, bytes, ok) = send(sock.raw(), &dest, gso_allowed);
        stats.sent_many(count, bytes);
        self.routed.borrow_mut().stats.sent_many(count, bytes);
        if ok {
            OK
        } else {
            FAILED
        }
    }
}

pub struct UdpServer {
    state: Rc<RefCell<ServerState>>,
}

impl Default for UdpServer {
    fn default() -> Self {
        Self::new()
    }
}

impl UdpServer {
    pub fn new() -> Self {
        UdpServer {
            state: Rc::new(RefCell::new(ServerState {
                sock: None,
                routes: HashMap::new(),
                pending: VecDeque::new(),
                max_pending: DEFAULT_MAX_PENDING,
                dirty: Vec::new(),
                next_id: 0,
                stats: Stats::default(),
                gso_allowed: true,
            })),
        }
    }

    /// Godot `listen`, plus `reuse_port` (SO_REUSEPORT, an extension).
    pub fn listen(&mut self, port: i64, bind_address: &str, reuse_port: bool) -> i32 {
        let options = SocketOptions {
            reuse_port,
            ..SocketOptions::default()
        };
        self.listen_with(port, bind_address, &options)
    }

    /// `listen` with the extension options (SO_REUSEPORT, SO_RCVBUF), checked after Godot's own.
    pub fn listen_with(&mut self, port: i64, bind_address: &str, options: &SocketOptions) -> i32 {
        let mut st = self.state.borrow_mut();
        if st.sock.is_some() {
            return ERR_ALREADY_IN_USE;
        }
        let (family, addr) = match addr::parse(bind_address) {
            IpLiteral::Invalid => return ERR_INVALID_PARAMETER,
            IpLiteral::Wildcard => (Family::DualStack, None),
            IpLiteral::Addr(a) => (Family::of(&a), Some(a)),
        };
        let Ok(port) = u16::try_from(port) else {
            return ERR_INVALID_PARAMETER;
        };
        let Ok(os_recv_buf_size) = options.os_recv_buf() else {
            return ERR_INVALID_PARAMETER;
        };
        // SO_REUSEADDR, as Godot sets it: a later listen on this port may share it (for port 0
        // it is set after the bind, see `open_bound`).
        let opts = OpenOptions {
            broadcast: None,
            reuse_address: true,
            reuse_port: options.reuse_port,
            os_recv_buf_size,
        };
        let sock = match UdpSocket::open_bound(family, opts, addr.as_ref(), port) {
            Ok(sock) => sock,
            Err(OpenBindError::Open) => return ERR_CANT_CREATE,
            Err(OpenBindError::Bind) => {
                drop(st);
                self.stop();
                return ERR_UNAVAILABLE;
            }
        };
        st.sock = Some(sock);
        OK
    }

    /// Godot `poll`: reads until "would block", routing each datagram (spec §5.2).
    pub fn poll(&mut self) -> i32 {
        let mut guard = self.state.borrow_mut();
        let st = &mut *guard;
        let Some(sock) = st.sock.as_ref() else {
            return ERR_UNCONFIGURED;
        };
        let routes = &mut st.routes;
        let pending = &mut st.pending;
        let dirty = &mut st.dirty;
        let stats = &mut st.stats;
        let next_id = &mut st.next_id;
        let max_pending = st.max_pending;
        let r = sock.drain(|a, port, data| {
            let remote = (*a, port);
            if let Some(peer) = routes.get(&remote) {
                let mut p = peer.borrow_mut();
                let accepted = p.queue.push(a, port, data);
                p.stats.queued(accepted, data.len());
                stats.queued(accepted, data.len());
                if accepted && p.taken && !p.dirty {
                    p.dirty = true;
                    dirty.push(Rc::clone(peer));
                }
                return;
            }
            if pending.len() >= max_pending {
                stats.dropped(data.len());
                return;
            }
            let mut peer = RoutedPeer {
                id: *next_id,
                remote,
                queue: RecvQueue::default(),
                stats: Stats::default(),
                taken: false,
                attached: true,
                dirty: false,
            };
            *next_id = next_id.wrapping_add(1);
            let accepted = peer.queue.push(a, port, data);
            peer.stats.queued(accepted, data.len());
            stats.queued(accepted, data.len());
            let peer = Rc::new(RefCell::new(peer));
            routes.insert(remote, Rc::clone(&peer));
            pending.push_back(peer);
        });
        if r.is_ok() {
            OK
        } else {
            FAILED
        }
    }

    pub fn is_connection_available(&self) -> bool {
        let st = self.state.borrow();
        st.sock.is_some() && !st.pending.is_empty()
    }

    /// Godot `take_connection`: the oldest pending peer, now a server peer.
    pub fn take_connection(&mut self) -> Option<PacketPeerUdp> {
        let routed = {
            let mut st = self.state.borrow_mut();
            st.sock.as_ref()?;
            st.pending.pop_front()?
        };
        let remote = {
            let mut r = routed.borrow_mut();
            r.taken = true;
            r.remote
        };
        let link = ServerLink {
            routed,
            server: Rc::downgrade(&self.state),
        };
        Some(PacketPeerUdp::from_server(link, remote))
    }

    pub fn local_port(&self) -> u16 {
        self.state
            .borrow()
            .sock
            .as_ref()
            .map_or(0, |s| s.local_port())
    }

    /// Extension: SO_RCVBUF of the listening socket as the OS reports it; 0 when not listening.
    pub fn os_recv_buf_size(&self) -> usize {
        self.state
            .borrow()
            .sock
            .as_ref()
            .map_or(0, UdpSocket::os_recv_buf_size)
    }

    pub fn is_listening(&self) -> bool {
        self.state.borrow().sock.is_some()
    }

    /// Godot `stop`: closes the socket (settling waits on it), detaches every taken peer (each
    /// becomes closed, destination kept) and discards pending peers.
    pub fn stop(&mut self) {
        let (sock, routes) = {
            let mut st = self.state.borrow_mut();
            st.pending.clear();
            st.dirty.clear();
            let sock = st.sock.take();
            // The socket's OS drops stay counted after it is gone.
            if let Some(s) = sock.as_ref() {
                st.stats.os_dropped += s.os_drops();
            }
            (sock, std::mem::take(&mut st.routes))
        };
        for peer in routes.values() {
            peer.borrow_mut().attached = false;
        }
        drop(sock);
    }

    /// Negative: unchanged. Lowering trims pending peers from the newest end (Q13 fixed).
    pub fn set_max_pending_connections(&mut self, max: i64) {
        if max < 0 {
            return;
        }
        let mut st = self.state.borrow_mut();
        st.max_pending = usize::try_from(max).unwrap_or(usize::MAX);
        while st.pending.len() > st.max_pending {
            if let Some(peer) = st.pending.pop_back() {
                let remote = {
                    let mut p = peer.borrow_mut();
                    p.attached = false;
                    p.remote
                };
                st.routes.remove(&remote);
            }
        }
    }

    pub fn max_pending_connections(&self) -> i64 {
        i64::try_from(self.state.borrow().max_pending).unwrap_or(i64::MAX)
    }

    pub fn pending_count(&self) -> usize {
        self.state.borrow().pending.len()
    }

    /// Taken peers the server knows (routes minus pending).
    pub fn peer_count(&self) -> usize {
        let st = self.state.borrow();
        st.routes.len() - st.pending.len()
    }

    /// Ids of taken peers routed at least one packet since the last call.
    pub fn take_dirty_peer_ids(&mut self) -> Vec<u32> {
        let mut st = self.state.borrow_mut();
        let mut ids = Vec::with_capacity(st.dirty.len());
        for peer in st.dirty.drain(..) {
            let mut p = peer.borrow_mut();
            p.dirty = false;
            if p.attached {
                ids.push(p.id);
            }
        }
        ids
    }

    pub fn watch(&mut self, callback: WatchCallback) -> i32 {
        match self.state.borrow().sock.as_ref() {
            Some(s) => s.readiness().watch(callback),
            None => ERR_UNCONFIGURED,
        }
    }

    /// The descriptor of the listening socket (None when not listening), for a binding that
    /// watches it on its own event loop. Only `stop()` (also from a failed `listen`) and dropping
    /// the server close it; a watcher must stop before those.
    pub fn raw_socket(&self) -> Option<crate::RawSocket> {
        self.state.borrow().sock.as_ref().map(UdpSocket::raw_socket)
    }

    pub fn rearm(&mut self) {
        if let Some(s) = self.state.borrow().sock.as_ref() {
            s.readiness().rearm();
        }
    }

    pub fn unwatch(&mut self) {
        if let Some(s) = self.state.borrow().sock.as_ref() {
            s.readiness().unwatch();
        }
    }

    pub fn stats(&self) -> Stats {
        let st = self.state.borrow();
        let mut s = st.stats;
        if let Some(sock) = st.sock.as_ref() {
            s.os_dropped += sock.os_drops();
        }
        s
    }
}

impl Drop for UdpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

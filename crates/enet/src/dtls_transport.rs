//! ENet over DTLS, the way Godot's socket layer does it (`thirdparty/enet/enet_godot.cpp`,
//! `ENetDTLSServer` / `ENetDTLSClient`): every ENet datagram is one DTLS record of a session
//! with the peer's address.
//!
//! - Server: the host's socket is closed and a `UDPServer` listens on the same address and port;
//!   each new address's first datagram goes to a `DTLSServer` (a ClientHello starts a session,
//!   anything else is refused and counted by it). Sessions are keyed by address. A session no
//!   ENet peer took within [`SESSION_BIND_TIMEOUT`] is dropped; one whose ENet peer went away is
//!   closed (close_notify). At most `max_peers` sessions; `refuse_new_connections` stops new
//!   addresses at the `UDPServer` (no pending connections), as Godot does.
//! - Client: the host's socket is closed and a UDP peer bound to the same address and port; the
//!   first datagram ENet sends starts the handshake with its destination. ENet's datagrams are
//!   dropped (and counted) until the session is connected: ENet resends its CONNECT, as over
//!   Godot's socket. A failed session fails `service` once (Godot's `EVENT_ERROR`), then the next
//!   send starts a new handshake.
//!
//! Decrypted datagrams go into the host's bounded queue, as the plain socket's do.

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use godot_udp_dtls::peer::{STATUS_CONNECTED, STATUS_HANDSHAKING};
use godot_udp_dtls::{ClientOptions, DtlsServer, PacketPeerDtls, ServerOptions, ServerStats};
use godot_udp_engine::addr;
use godot_udp_engine::codes::{ERR_CANT_CREATE, ERR_UNCONFIGURED, OK};
use godot_udp_engine::queue::RecvQueue;
use godot_udp_engine::socket::UdpSocket;
use godot_udp_engine::wait::Readiness;
use godot_udp_engine::{PacketPeerUdp, RawSocket, Stats, UdpServer};
use rusty_enet::MTU_MAX;

use crate::address::EnetAddress;

/// How long a server session may wait for an ENet peer to take it (Godot's
/// `ENET_DTLS_TIMEOUT_MS`): a handshake that never became an ENet connection ends then.
pub const SESSION_BIND_TIMEOUT: Duration = Duration::from_millis(8000);
/// How often the server compares its sessions with ENet's peers (Godot is told at once by its
/// patched ENet; here `service` looks, at most this often).
pub(crate) const PEER_SYNC_INTERVAL: Duration = Duration::from_millis(100);
/// Pending new addresses the `UDPServer` keeps when not refusing (Godot's value).
const MAX_PENDING: i64 = 16;
/// Rounds of decrypt-and-queue per fill: a session decrypts at most 1024 packets a poll.
const FILL_ROUNDS: usize = 16;

#[cfg(unix)]
const INVALID_RAW: RawSocket = -1;
#[cfg(windows)]
const INVALID_RAW: RawSocket = !0;

/// What the DTLS layer of a host did, cumulative since setup. Every datagram it did not pass on
/// is in one of these (or in the host's counters: queue full, oversized).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DtlsCounters {
    /// Server: the `DTLSServer`'s handshake counters (its `not_client_hello` counts datagrams
    /// from new addresses that were not a ClientHello, such as a plain ENet CONNECT).
    pub server: Option<ServerStats>,
    /// Server: datagrams the `UDPServer` dropped: from a new address while refusing new
    /// connections or with 16 addresses pending, or for a session whose queue was full.
    pub datagrams_refused: u64,
    /// Sessions now (server: handshaking or connected; client: 0 or 1).
    pub sessions: usize,
    /// Server: handshakes dropped because `max_peers` sessions existed.
    pub sessions_refused: u64,
    /// Server: sessions no ENet peer took within [`SESSION_BIND_TIMEOUT`].
    pub sessions_timed_out: u64,
    /// Sessions that ended: the peer closed it or it failed (client: each also failed one
    /// `service`), or (server) its ENet peer went away.
    pub sessions_closed: u64,
    /// Client: handshakes that failed (each failed one `service`).
    pub handshakes_failed: u64,
    /// Client: the status the last failed session ended in (Godot's `PacketPeerDTLS.STATUS_*`:
    /// 3 error, 4 hostname mismatch); 0 before any failure.
    pub last_failure_status: i32,
    /// ENet datagrams dropped because their address had no connected session (server: as
    /// Godot, reported sent; the ENet peer times out).
    pub sends_without_session: u64,
    /// ENet datagrams dropped while the session was handshaking (ENet resends reliable ones).
    pub sends_while_handshaking: u64,
    /// ENet datagrams a connected session could not send (the UDP send failed).
    pub send_failures: u64,
    /// Datagrams DTLS discarded in sessions (garbage, replays, records it could not use).
    pub records_discarded: u64,
}

pub(crate) struct DtlsTransport {
    side: Side,
    /// Readiness of the socket in use; closed before that socket is (see `Drop`).
    readiness: Arc<Readiness>,
    raw: RawSocket,
    /// The port opened (0 when none could be).
    port: u16,
    counters: DtlsCounters,
}

// SAFETY: the transport is not Send by itself only because the engine's UdpServer shares its
// state with the UDP peers it hands out through Rc/Weak (it is single-threaded by design). Every
// Rc and Weak of that state is owned by this value: the server and the PacketPeerUdp of each
// session it took live here, and no method hands one out or keeps one elsewhere. Moving the
// transport moves all of them together, and it is only used through `&mut` of its one owner
// (an `EnetHost`, which is not Sync), so no two threads ever touch that state. The client's
// PacketPeerUdp was never taken from a server (no shared state). Everything else is Send.
unsafe impl Send for DtlsTransport {}

/// Where a decrypted datagram goes: ENet's queue, with its sender.
type Deliver<'a> = dyn FnMut((Ipv6Addr, u16), &[u8]) + 'a;

enum Side {
    Server(Box<ServerSide>),
    Client(Box<ClientSide>),
}

struct ServerSide {
    udp: UdpServer,
    dtls: DtlsServer,
    sessions: HashMap<(Ipv6Addr, u16), Session>,
    max_sessions: usize,
    next_sync: Instant,
}

struct Session {
    udp: PacketPeerUdp,
    dtls: PacketPeerDtls,
    began: Instant,
    /// An ENet peer has this address (Godot's `bind_peer`).
    bound: bool,
}

struct ClientSide {
    udp: PacketPeerUdp,
    dtls: PacketPeerDtls,
    hostname: String,
    options: ClientOptions,
    /// The session's peer, once ENet's first send started it.
    remote: Option<EnetAddress>,
    /// Bound to an IPv4 address: only IPv4 peers are reachable.
    v4_only: bool,
    /// The current session got past its handshake.
    was_connected: bool,
}

impl DtlsTransport {
    /// Godot's `enet_host_dtls_server_setup`: a DTLS server for at most `max_sessions`
    /// sessions, without a socket until [`DtlsTransport::open`]. Err: the options do not set up
    /// a server (no private key, no matching certificate).
    pub(crate) fn server(
        options: &ServerOptions,
        max_sessions: usize,
        refusing: bool,
    ) -> Result<Self, i32> {
        let mut dtls = DtlsServer::new();
        let code = dtls.setup(options);
        if code != OK {
            return Err(code);
        }
        let mut udp = UdpServer::new();
        udp.set_max_pending_connections(if refusing { 0 } else { MAX_PENDING });
        let server = ServerSide {
            udp,
            dtls,
            sessions: HashMap::new(),
            max_sessions,
            next_sync: Instant::now(),
        };
        Ok(Self::without_socket(Side::Server(Box::new(server))))
    }

    /// Godot's `enet_host_dtls_client_setup`: a client for `hostname`, without a socket until
    /// [`DtlsTransport::open`]. The handshake starts with ENet's first send.
    pub(crate) fn client(hostname: &str, options: &ClientOptions) -> Self {
        let client = ClientSide {
            udp: PacketPeerUdp::new(),
            dtls: PacketPeerDtls::new(),
            hostname: hostname.to_owned(),
            options: options.clone(),
            remote: None,
            v4_only: false,
            was_connected: false,
        };
        Self::without_socket(Side::Client(Box::new(client)))
    }

    fn without_socket(side: Side) -> Self {
        // No socket: waits end at once (ERR_UNCONFIGURED); nothing polls INVALID_RAW.
        let readiness = Readiness::new(INVALID_RAW);
        readiness.close();
        DtlsTransport {
            side,
            readiness,
            raw: INVALID_RAW,
            port: 0,
            counters: DtlsCounters::default(),
        }
    }

    /// Opens the socket on the address and port the host's plain socket had (closed by now):
    /// the server listens, the client binds with a receive queue of `queue_bytes`. OK, or
    /// ERR_CANT_CREATE (the transport then serves nothing and `fill` fails, as Godot's host
    /// whose socket could not be bound again).
    pub(crate) fn open(&mut self, bind: &str, port: u16, queue_bytes: usize) -> i32 {
        let (code, raw) = match &mut self.side {
            Side::Server(s) => (
                s.udp.listen(i64::from(port), bind, false),
                s.udp.raw_socket(),
            ),
            Side::Client(c) => {
                let recv_buf = queue_bytes.saturating_sub(1) as i64;
                let code = c.udp.bind(i64::from(port), bind, recv_buf, false);
                c.v4_only = addr::parse(bind).addr().is_some_and(|a| addr::is_v4(&a));
                (code, c.udp.raw_socket().ok())
            }
        };
        match raw {
            Some(raw) if code == OK => {
                self.readiness = Readiness::new(raw);
                self.raw = raw;
                self.port = match &mut self.side {
                    Side::Server(s) => s.udp.local_port(),
                    Side::Client(c) => c.udp.local_port(),
                };
                OK
            }
            _ => ERR_CANT_CREATE,
        }
    }

    pub(crate) fn is_server(&self) -> bool {
        matches!(self.side, Side::Server(_))
    }

    pub(crate) fn readiness(&self) -> &Arc<Readiness> {
        &self.readiness
    }

    /// The socket in use; the platform's invalid socket when setup could not open one.
    pub(crate) fn raw_socket(&self) -> RawSocket {
        self.raw
    }

    pub(crate) fn local_port(&self) -> u16 {
        self.port
    }

    pub(crate) fn can_reach(&self, address: &EnetAddress) -> bool {
        match &self.side {
            Side::Server(_) => true,
            Side::Client(c) => !c.v4_only || address.is_v4(),
        }
    }

    /// Godot's `refuse_new_connections` (server only): no new address gets past the
    /// `UDPServer` while refusing; sessions already there go on.
    pub(crate) fn set_refusing(&mut self, refuse: bool) {
        if let Side::Server(s) = &mut self.side {
            s.udp
                .set_max_pending_connections(if refuse { 0 } else { MAX_PENDING });
        }
    }

    pub(crate) fn counters(&mut self) -> DtlsCounters {
        let mut c = self.counters;
        match &mut self.side {
            Side::Server(s) => {
                c.server = Some(s.dtls.stats());
                c.datagrams_refused = s.udp.stats().packets_dropped;
                c.sessions = s.sessions.len();
                c.records_discarded += s
                    .sessions
                    .values()
                    .map(|x| x.dtls.stats().datagrams_discarded)
                    .sum::<u64>();
            }
            Side::Client(cl) => {
                c.sessions = usize::from(cl.remote.is_some());
                c.records_discarded += cl.dtls.stats().datagrams_discarded;
            }
        }
        c
    }

    /// ENet sends `data` to `to`: Ok(true) when it went out in its session, Ok(false) when it
    /// was dropped (counted), Err when a client's session failed (the service call fails).
    pub(crate) fn send(&mut self, to: &EnetAddress, data: &[u8]) -> io::Result<bool> {
        let c = &mut self.counters;
        match &mut self.side {
            Side::Server(s) => {
                let Some(sess) = s.sessions.get_mut(&(to.ip, to.port)) else {
                    c.sends_without_session += 1;
                    return Ok(false);
                };
                match sess.dtls.status() {
                    STATUS_CONNECTED => {}
                    STATUS_HANDSHAKING => {
                        c.sends_while_handshaking += 1;
                        return Ok(false);
                    }
                    _ => {
                        c.sends_without_session += 1;
                        return Ok(false);
                    }
                }
                if sess.dtls.put_packet(&mut sess.udp, data) == OK {
                    Ok(true)
                } else {
                    // Godot: the peer may have failed; ENet's peer times out.
                    c.send_failures += 1;
                    Ok(false)
                }
            }
            Side::Client(cl) => cl.send(c, to, data),
        }
    }

    /// Moves what the sessions decrypted into ENet's queue (what does not fit is dropped and
    /// counted there), accepting new sessions and advancing handshakes on the way.
    pub(crate) fn fill(
        &mut self,
        queue: &mut RecvQueue,
        stats: &mut Stats,
        oversized: &mut u64,
    ) -> io::Result<()> {
        let c = &mut self.counters;
        let mut deliver = |from: (Ipv6Addr, u16), p: &[u8]| {
            if p.len() > MTU_MAX {
                *oversized += 1;
            } else {
                stats.queued(queue.push(&from.0, from.1, p), p.len());
            }
        };
        match &mut self.side {
            Side::Server(s) => s.fill(c, &mut deliver),
            Side::Client(cl) => cl.fill(c, &mut deliver),
        }
    }

    /// Whether the periodic `sync_peers` is due (server only).
    pub(crate) fn wants_peer_sync(&self, now: Instant) -> bool {
        matches!(&self.side, Side::Server(s) if now >= s.next_sync && !s.sessions.is_empty())
    }

    /// Server: `active` are the addresses ENet has a peer for. Sessions among them are bound
    /// (no more bind timeout); bound sessions not among them lost their ENet peer and are closed
    /// (Godot's `disconnect_peer`, on ENet's peer reset).
    pub(crate) fn sync_peers(&mut self, active: &HashSet<(Ipv6Addr, u16)>, now: Instant) {
        let c = &mut self.counters;
        if let Side::Server(s) = &mut self.side {
            s.next_sync = now + PEER_SYNC_INTERVAL;
            s.sessions.retain(|key, sess| {
                if active.contains(key) {
                    sess.bound = true;
                    return true;
                }
                if !sess.bound {
                    return true;
                }
                c.sessions_closed += 1;
                sess.close(c);
                false
            });
        }
    }
}

impl Drop for DtlsTransport {
    /// As Godot's socket `close()`: every session says close_notify; then the readiness closes
    /// (waits settle, a watcher ends) before the socket it polls does.
    fn drop(&mut self) {
        let c = &mut self.counters;
        match &mut self.side {
            Side::Server(s) => {
                for (_, mut sess) in s.sessions.drain() {
                    sess.close(c);
                }
                s.udp.set_max_pending_connections(0);
            }
            Side::Client(cl) => cl.dtls.disconnect_from_peer(&mut cl.udp),
        }
        self.readiness.close();
    }
}

impl Session {
    fn close(&mut self, c: &mut DtlsCounters) {
        c.records_discarded += self.dtls.stats().datagrams_discarded;
        self.dtls.disconnect_from_peer(&mut self.udp);
        self.udp.close();
    }
}

impl ServerSide {
    fn fill(&mut self, c: &mut DtlsCounters, deliver: &mut Deliver<'_>) -> io::Result<()> {
        match self.udp.poll() {
            OK => {}
            ERR_UNCONFIGURED => return Err(io::Error::from(io::ErrorKind::NotConnected)),
            _ => return Err(io::Error::other("the DTLS server's socket failed")),
        }
        let now = Instant::now();
        while let Some(mut udp) = self.udp.take_connection() {
            let Some(key) = remote_of(&udp) else {
                udp.close();
                continue;
            };
            let mut dtls = PacketPeerDtls::new();
            self.dtls.take_connection(&mut udp, &mut dtls);
            if dtls.status() != STATUS_HANDSHAKING {
                // A cookie exchange (the client comes back) or not a ClientHello: the
                // DTLSServer counted it and closed the UDP peer.
                udp.close();
                continue;
            }
            if self.sessions.len() >= self.max_sessions {
                c.sessions_refused += 1;
                dtls.disconnect_from_peer(&mut udp);
                udp.close();
                continue;
            }
            let sess = Session {
                udp,
                dtls,
                began: now,
                bound: false,
            };
            self.sessions.insert(key, sess);
        }
        self.sessions.retain(|&key, sess| {
            if !sess.bound && now >= sess.began + SESSION_BIND_TIMEOUT {
                c.sessions_timed_out += 1;
                sess.close(c);
                return false;
            }
            for _ in 0..FILL_ROUNDS {
                sess.dtls.poll(&mut sess.udp);
                if sess.dtls.status() != STATUS_CONNECTED {
                    break;
                }
                let mut n = 0;
                sess.dtls.take_all(&mut sess.udp, |p| {
                    n += 1;
                    deliver(key, p);
                });
                if n == 0 {
                    break;
                }
            }
            match sess.dtls.status() {
                STATUS_HANDSHAKING | STATUS_CONNECTED => true,
                _ => {
                    // Closed by the peer or failed; its ENet peer, if any, times out.
                    c.sessions_closed += 1;
                    sess.close(c);
                    false
                }
            }
        });
        Ok(())
    }
}

impl ClientSide {
    fn send(&mut self, c: &mut DtlsCounters, to: &EnetAddress, data: &[u8]) -> io::Result<bool> {
        match self.remote {
            Some(r) if r != *to => {
                // One session per client host (Godot's ENetConnection connects to one peer).
                c.sends_without_session += 1;
                return Ok(false);
            }
            Some(_) => {}
            None => {
                if self.v4_only && !to.is_v4() {
                    c.sends_without_session += 1;
                    return Ok(false);
                }
                let host = addr::format(&to.ip);
                if self.udp.connect_to_host(&host, i64::from(to.port)) != OK {
                    return Err(io::Error::other("cannot reach the DTLS server"));
                }
                let code = self
                    .dtls
                    .connect_to_peer(&mut self.udp, &self.hostname, &self.options);
                if code != OK {
                    return Err(self.failed(c));
                }
                self.remote = Some(*to);
                self.was_connected = false;
            }
        }
        self.dtls.poll(&mut self.udp);
        self.was_connected |= self.dtls.status() == STATUS_CONNECTED;
        match self.dtls.status() {
            STATUS_HANDSHAKING => {
                c.sends_while_handshaking += 1;
                Ok(false)
            }
            STATUS_CONNECTED => {
                if self.dtls.put_packet(&mut self.udp, data) == OK {
                    Ok(true)
                } else if self.dtls.status() == STATUS_CONNECTED {
                    c.send_failures += 1;
                    Ok(false)
                } else {
                    Err(self.failed(c))
                }
            }
            _ => Err(self.failed(c)),
        }
    }

    fn fill(&mut self, c: &mut DtlsCounters, deliver: &mut Deliver<'_>) -> io::Result<()> {
        let Some(remote) = self.remote else {
            // No session yet: the first ENet send starts one.
            return Ok(());
        };
        let mut delivered = 0;
        for _ in 0..FILL_ROUNDS {
            self.dtls.poll(&mut self.udp);
            if self.dtls.status() != STATUS_CONNECTED {
                break;
            }
            self.was_connected = true;
            let mut n = 0;
            self.dtls.take_all(&mut self.udp, |p| {
                n += 1;
                deliver((remote.ip, remote.port), p);
            });
            delivered += n;
            if n == 0 {
                break;
            }
        }
        match self.dtls.status() {
            STATUS_HANDSHAKING | STATUS_CONNECTED => Ok(()),
            // The session ended after these datagrams (a close_notify behind ENet's last
            // acknowledgement): ENet reads them first, the next fill reports the end.
            _ if delivered > 0 => Ok(()),
            _ => Err(self.failed(c)),
        }
    }

    /// The session failed or ended: counted, forgotten (the next send starts a new one), and
    /// reported as the error of this service call, as Godot's client socket does.
    fn failed(&mut self, c: &mut DtlsCounters) -> io::Error {
        let status = self.dtls.status();
        c.records_discarded += self.dtls.stats().datagrams_discarded;
        if self.dtls.status() == STATUS_HANDSHAKING || self.dtls.status() == STATUS_CONNECTED {
            self.dtls.disconnect_from_peer(&mut self.udp);
        }
        self.dtls = PacketPeerDtls::new();
        if self.remote.take().is_some() {
            c.sessions_closed += 1;
        }
        if !self.was_connected {
            c.handshakes_failed += 1;
            c.last_failure_status = status;
        }
        io::Error::other(format!("DTLS session ended (status {status})"))
    }
}

/// The socket's bound address as a Godot bind address (`"*"` for the wildcard) and its port.
pub(crate) fn local_address(sock: &UdpSocket) -> (String, u16) {
    let Some(sa) = sock.raw().local_addr().ok().and_then(|a| a.as_socket()) else {
        return ("*".to_owned(), 0);
    };
    let ip = match sa.ip() {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    let bind = if ip.is_unspecified() {
        "*".to_owned()
    } else {
        ip.to_string()
    };
    (bind, sa.port())
}

/// The address a server's UDP peer belongs to, in ENet's form.
fn remote_of(udp: &PacketPeerUdp) -> Option<(Ipv6Addr, u16)> {
    let ip = addr::parse(&udp.packet_ip()).addr()?;
    Some((ip, udp.packet_port()))
}

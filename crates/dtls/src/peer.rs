//! Godot's `PacketPeerDTLS` over an engine `PacketPeerUdp`: the session reads the datagrams its
//! UDP peer queued (or is handed them one at a time by the Node layer's events), drives the
//! handshake and its retransmission timer, queues what decrypts, and sends through the UDP peer.
//! The UDP peer is passed to every call that may receive or send, never kept: its owner (the
//! binding, the facade) keeps both.
//!
//! Godot's contract, and where this differs (docs/dtls.md has the list):
//! - statuses and error codes as `PacketPeerMbedDTLS`; `get_packet` on an empty queue is `OK` with
//!   no bytes, as there;
//! - `poll()` decrypts everything its UDP peer queued (up to `PLAINTEXT_QUEUE_CAP` packets), so
//!   `get_available_packet_count()` is the number of packets, not 0/1;
//! - a server certificate for another name ends the handshake in `STATUS_ERROR_HOSTNAME_MISMATCH`
//!   (mbedTLS reports it as a plain error during `poll`);
//! - a packet larger than a DTLS record can carry is refused with `ERR_INVALID_PARAMETER`, the
//!   session kept (mbedTLS fails the write and Godot drops the session);
//! - a handshake has a deadline (`handshake_timeout`), and a connection taken by a `DTLSServer`
//!   whose first datagram is not a ClientHello is refused at once;
//! - a datagram holding a record OpenSSL would end the session over instead of discarding it (too
//!   short to decrypt, or plaintext application data) is discarded and counted before OpenSSL
//!   sees it (`Datagrams::incoming_is_harmful`).

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use foreign_types_shared::ForeignTypeRef;
use openssl::ssl::{ErrorCode, SslRef, SslStream};

use crate::datagrams::{Datagrams, RecordLayer};
use crate::listen::{listen, Hello};
use crate::options::ClientOptions;
use crate::server::{hello_state_index, ClientHelloState, DtlsServer};
use crate::stats::{DtlsStats, ServerCounters};
use crate::timer;
use godot_udp_engine::codes::{ERR_INVALID_PARAMETER, ERR_UNCONFIGURED, FAILED, OK};
use godot_udp_engine::PacketPeerUdp;

pub const STATUS_DISCONNECTED: i32 = 0;
pub const STATUS_HANDSHAKING: i32 = 1;
pub const STATUS_CONNECTED: i32 = 2;
pub const STATUS_ERROR: i32 = 3;
pub const STATUS_ERROR_HOSTNAME_MISMATCH: i32 = 4;

/// Godot `ERR_CONNECTION_ERROR`.
pub const ERR_CONNECTION_ERROR: i32 = 27;

/// The largest packet one DTLS record carries (TLS's 2^14 bytes of plaintext).
pub const MAX_PACKET_SIZE: usize = 16384;
/// Decrypted packets kept for `get_packet`. `poll()` stops reading its UDP peer when full (the UDP
/// queue then holds, and counts, the rest); packets handed in by events beyond it are dropped and
/// counted.
pub const PLAINTEXT_QUEUE_CAP: usize = 1024;
/// How long a handshake may take before it is given up (mbedTLS's default maximum timeout).
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(60);

// X509_V_ERR_HOSTNAME_MISMATCH and X509_V_ERR_IP_ADDRESS_MISMATCH in OpenSSL's x509_vfy.h.
const HOSTNAME_MISMATCH: i32 = 62;
const IP_ADDRESS_MISMATCH: i32 = 64;

pub struct PacketPeerDtls {
    stream: Option<SslStream<Datagrams>>,
    status: i32,
    /// Taken by a DTLSServer: the UDP peer is this session's, and closes with it (in Godot the
    /// last reference to it goes, and its UDPServer forgets the address).
    owns_udp: bool,
    /// The peer sent close_notify: once the packets before it are read, the session ends.
    peer_closed: bool,
    plain: VecDeque<Vec<u8>>,
    read_buf: Vec<u8>,
    deadline: Option<Instant>,
    handshake_timeout: Duration,
    stats: DtlsStats,
    server: Option<Arc<ServerCounters>>,
}

impl Default for PacketPeerDtls {
    fn default() -> Self {
        Self::new()
    }
}

impl PacketPeerDtls {
    pub fn new() -> Self {
        PacketPeerDtls {
            stream: None,
            status: STATUS_DISCONNECTED,
            owns_udp: false,
            peer_closed: false,
            plain: VecDeque::new(),
            read_buf: Vec::new(),
            deadline: None,
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            stats: DtlsStats::default(),
            server: None,
        }
    }

    pub fn status(&self) -> i32 {
        self.status
    }

    pub fn stats(&self) -> DtlsStats {
        self.stats
    }

    pub fn set_handshake_timeout(&mut self, timeout: Duration) {
        self.handshake_timeout = timeout;
    }

    pub fn handshake_timeout(&self) -> Duration {
        self.handshake_timeout
    }

    /// Godot `connect_to_peer`: starts a client handshake over `udp`, which must be connected
    /// (`connect_to_host`), else `ERR_INVALID_PARAMETER`. Sends the ClientHello; `poll()` goes on.
    pub fn connect_to_peer(
        &mut self,
        udp: &mut PacketPeerUdp,
        hostname: &str,
        options: &ClientOptions,
    ) -> i32 {
        if !udp.is_socket_connected() {
            return ERR_INVALID_PARAMETER;
        }
        self.reset(udp);
        let ssl = match options.session(hostname) {
            Ok(ssl) => ssl,
            Err(code) => return code,
        };
        let Ok(stream) = SslStream::new(ssl, Datagrams::default()) else {
            return FAILED;
        };
        self.begin(stream, false, None);
        self.handshake(udp);
        self.flush(udp);
        if self.status == STATUS_HANDSHAKING || self.status == STATUS_CONNECTED {
            OK
        } else {
            FAILED
        }
    }

    /// `DTLSServer.take_connection`: answers the ClientHello `udp` (a connection taken from a
    /// UDPServer) queued. Without a valid cookie that is a HelloVerifyRequest and the attempt ends
    /// in `STATUS_ERROR` (the client retries from the same address, a new connection); with one,
    /// the handshake starts (`STATUS_HANDSHAKING`).
    pub(crate) fn accept(&mut self, udp: &mut PacketPeerUdp, server: &DtlsServer) -> i32 {
        if !udp.is_socket_connected() {
            return ERR_INVALID_PARAMETER;
        }
        self.reset(udp);
        let counters = server.counters();
        ServerCounters::bump(&counters.connections_taken);
        let client = udp
            .packet_ip()
            .parse::<IpAddr>()
            .map(|ip| SocketAddr::new(ip, udp.packet_port()));
        let (Ok(client), Some(mut ssl)) = (client, server.new_session()) else {
            return FAILED;
        };
        let cookie_sent = Arc::new(AtomicBool::new(false));
        ssl.set_ex_data(
            hello_state_index(),
            ClientHelloState {
                client,
                cookie_sent: cookie_sent.clone(),
            },
        );
        let Ok(stream) = SslStream::new(ssl, Datagrams::default()) else {
            return FAILED;
        };
        self.begin(stream, true, Some(counters.clone()));
        // The first datagram decides, statelessly: a HelloVerifyRequest (the attempt ends, as in
        // Godot: the client retries with the cookie, a new connection), nothing (not a
        // ClientHello: refused), or the handshake.
        let verified = match self.next_datagram(udp) {
            Some(true) => match self.stream.as_ref().map(|s| listen(s.ssl())) {
                Some(Hello::Verified) => true,
                Some(Hello::NotVerified) | Some(Hello::Error) | None => false,
            },
            _ => false,
        };
        if !verified {
            self.flush(udp);
            if cookie_sent.load(std::sync::atomic::Ordering::Relaxed) {
                ServerCounters::bump(&counters.cookies_sent);
            } else {
                ServerCounters::bump(&counters.not_client_hello);
            }
            self.end(udp, STATUS_ERROR);
            return FAILED;
        }
        ServerCounters::bump(&counters.handshakes_started);
        self.handshake(udp);
        self.flush(udp);
        if self.is_active() {
            OK
        } else {
            FAILED
        }
    }

    /// Godot `poll`: reads what the UDP peer queued (while the packet queue has room), advances
    /// the handshake, fires due retransmissions, and ends the session on a close_notify (once the
    /// packets before it are read), a fatal error or a handshake past its deadline.
    pub fn poll(&mut self, udp: &mut PacketPeerUdp) {
        if !self.is_active() {
            return;
        }
        self.finish_peer_close(udp);
        while self.is_active() && self.plain.len() < PLAINTEXT_QUEUE_CAP {
            match self.next_datagram(udp) {
                Some(true) => self.process(udp),
                Some(false) => break,
                None => {
                    // The UDP peer was closed under the session.
                    self.fail(udp, STATUS_ERROR);
                    return;
                }
            }
        }
        self.run_timers(udp);
    }

    /// One datagram handed in by the Node layer (it took it from the UDP peer's events): as
    /// `poll()` would process it, without reading the UDP queue.
    pub fn receive(&mut self, udp: &mut PacketPeerUdp, datagram: &[u8]) {
        if !self.is_active() {
            return;
        }
        self.stats.datagrams_received += 1;
        if datagram.is_empty() {
            // No record fits in 0 bytes (and to OpenSSL's transport a 0-byte read means EOF).
            self.stats.datagrams_discarded += 1;
        } else if let Some(stream) = self.stream.as_mut() {
            stream.get_mut().put_incoming(datagram);
            self.process(udp);
        }
        self.run_timers(udp);
    }

    /// Time until `poll()` has timer work (a retransmission or the handshake deadline); `None`
    /// when there is none (connected, or no session).
    pub fn next_timeout(&self) -> Option<Duration> {
        if self.status != STATUS_HANDSHAKING {
            return None;
        }
        let deadline = self
            .deadline
            .map(|d| d.saturating_duration_since(Instant::now()));
        let retransmit = self.stream.as_ref().and_then(|s| timer::time_left(s.ssl()));
        match (deadline, retransmit) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Godot `put_packet`: encrypts `data` as one record and sends it. `ERR_UNCONFIGURED` unless
    /// connected; empty data sends nothing; larger than `MAX_PACKET_SIZE`: `ERR_INVALID_PARAMETER`
    /// (nothing sent, the session kept). A UDP send failure returns its code (the datagram is lost,
    /// as on the wire); a TLS failure ends the session with `ERR_CONNECTION_ERROR`.
    pub fn put_packet(&mut self, udp: &mut PacketPeerUdp, data: &[u8]) -> i32 {
        if self.status != STATUS_CONNECTED {
            return ERR_UNCONFIGURED;
        }
        if data.is_empty() {
            return OK;
        }
        if data.len() > MAX_PACKET_SIZE {
            return ERR_INVALID_PARAMETER;
        }
        let Some(stream) = self.stream.as_mut() else {
            return ERR_UNCONFIGURED;
        };
        match stream.ssl_write(data) {
            Ok(_) => {}
            Err(e) if matches!(e.code(), ErrorCode::WANT_READ | ErrorCode::WANT_WRITE) => {}
            Err(_) => {
                self.flush(udp);
                self.fail(udp, STATUS_DISCONNECTED);
                return ERR_CONNECTION_ERROR;
            }
        }
        self.stats.packets_sent += 1;
        self.flush(udp)
    }

    /// Godot `get_packet`: the next decrypted packet to `f`. `ERR_UNCONFIGURED` unless connected;
    /// nothing queued: `f` sees no bytes and the result is `OK`, as in Godot.
    pub fn get_packet<R>(&mut self, f: impl FnOnce(&[u8]) -> R) -> Result<R, i32> {
        if self.status != STATUS_CONNECTED {
            return Err(ERR_UNCONFIGURED);
        }
        Ok(match self.plain.pop_front() {
            Some(packet) => f(&packet),
            None => f(&[]),
        })
    }

    /// Hands every queued packet to `f`, oldest first (the event layer's read: one call for a
    /// datagram's packets); then, if the peer's close_notify was waiting for them, ends the session.
    /// Returns the status after it.
    pub fn take_all(&mut self, udp: &mut PacketPeerUdp, mut f: impl FnMut(&[u8])) -> i32 {
        if self.status == STATUS_CONNECTED {
            while let Some(packet) = self.plain.pop_front() {
                f(&packet);
            }
            self.finish_peer_close(udp);
        }
        self.status
    }

    /// Godot `get_available_packet_count`: 0 unless connected.
    pub fn get_available_packet_count(&self) -> i32 {
        if self.status != STATUS_CONNECTED {
            return 0;
        }
        self.plain.len() as i32
    }

    /// Godot `disconnect_from_peer`: a connected session sends close_notify; any session ends
    /// (`STATUS_DISCONNECTED`).
    pub fn disconnect_from_peer(&mut self, udp: &mut PacketPeerUdp) {
        if !self.is_active() {
            return;
        }
        if self.status == STATUS_CONNECTED {
            if let Some(stream) = self.stream.as_mut() {
                let _ = stream.shutdown();
            }
            self.flush(udp);
        }
        self.end(udp, STATUS_DISCONNECTED);
    }

    /// Ends the session as Godot's destructor does, without a UDP peer at hand (no close_notify).
    /// An ended session keeps no buffers: its object may live on long after (a JS wrapper lasts
    /// until the garbage collector gets to it, and a flood of ClientHellos makes one per attempt).
    pub fn drop_session(&mut self) {
        self.stream = None;
        self.plain = VecDeque::new();
        self.read_buf = Vec::new();
        self.status = STATUS_DISCONNECTED;
    }

    // ---------------------------------------------------------------------------------------------

    fn is_active(&self) -> bool {
        self.status == STATUS_HANDSHAKING || self.status == STATUS_CONNECTED
    }

    /// A new session replaces the old one (Godot reuses the object the same way).
    fn reset(&mut self, udp: &mut PacketPeerUdp) {
        if self.is_active() {
            self.disconnect_from_peer(udp);
        }
        self.drop_session();
        self.peer_closed = false;
        self.stats = DtlsStats::default();
    }

    fn begin(
        &mut self,
        stream: SslStream<Datagrams>,
        owns_udp: bool,
        server: Option<Arc<ServerCounters>>,
    ) {
        self.stream = Some(stream);
        self.owns_udp = owns_udp;
        self.server = server;
        self.status = STATUS_HANDSHAKING;
        self.deadline = Instant::now().checked_add(self.handshake_timeout);
    }

    /// Moves the UDP peer's next datagram into the session's inbox: `Some(true)` when there was
    /// one, `Some(false)` when none is queued, `None` when the UDP peer cannot receive.
    fn next_datagram(&mut self, udp: &mut PacketPeerUdp) -> Option<bool> {
        loop {
            let count = udp.get_available_packet_count();
            if count < 0 {
                return None;
            }
            if count == 0 {
                return Some(false);
            }
            let inbox = self.stream.as_mut()?.get_mut();
            let Ok(len) = udp.get_packet(|a, b| {
                inbox.put_incoming_parts(a, b);
                a.len() + b.len()
            }) else {
                return Some(false);
            };
            self.stats.datagrams_received += 1;
            if len > 0 {
                return Some(true);
            }
            // See `receive`: nothing to hand OpenSSL; on to the next one.
            inbox.clear_incoming();
            self.stats.datagrams_discarded += 1;
        }
    }

    /// Runs the session on the datagram in its inbox, then sends what it wrote.
    fn process(&mut self, udp: &mut PacketPeerUdp) {
        if let Some(stream) = self.stream.as_mut() {
            let layer = record_layer(stream.ssl(), self.status == STATUS_CONNECTED);
            let inbox = stream.get_mut();
            if inbox.incoming_is_harmful(&layer) {
                // Garbage OpenSSL would end the session over (see `incoming_is_harmful`).
                inbox.clear_incoming();
                self.stats.datagrams_discarded += 1;
                return;
            }
        }
        let before = (
            self.status,
            self.stats.packets_received + self.stats.packets_dropped,
        );
        match self.status {
            STATUS_HANDSHAKING => self.handshake(udp),
            STATUS_CONNECTED => self.read_records(udp),
            _ => {}
        }
        let wrote = self
            .stream
            .as_ref()
            .is_some_and(|s| s.get_ref().has_outgoing());
        let after = (
            self.status,
            self.stats.packets_received + self.stats.packets_dropped,
        );
        if before == after && !wrote {
            self.stats.datagrams_discarded += 1;
        }
        if let Some(stream) = self.stream.as_mut() {
            stream.get_mut().clear_incoming();
        }
        self.flush(udp);
    }

    fn handshake(&mut self, udp: &mut PacketPeerUdp) {
        let Some(stream) = self.stream.as_mut() else {
            return;
        };
        match stream.do_handshake() {
            Ok(()) => {
                self.status = STATUS_CONNECTED;
                self.deadline = None;
                if let Some(c) = &self.server {
                    ServerCounters::bump(&c.handshakes_completed);
                }
                // Records that came in the same datagram as the last handshake message.
                self.read_records(udp);
            }
            Err(e) if matches!(e.code(), ErrorCode::WANT_READ | ErrorCode::WANT_WRITE) => {}
            Err(_) => {
                let status = match stream.ssl().verify_result().as_raw() {
                    HOSTNAME_MISMATCH | IP_ADDRESS_MISMATCH => STATUS_ERROR_HOSTNAME_MISMATCH,
                    _ => STATUS_ERROR,
                };
                self.flush(udp); // the alert
                self.fail(udp, status);
            }
        }
    }

    fn read_records(&mut self, udp: &mut PacketPeerUdp) {
        if self.read_buf.len() < MAX_PACKET_SIZE + 1 {
            // Made for the first records (an attempt that ends at the cookie never needs it). One
            // byte more than a record can carry: a longer record is the peer's error.
            self.read_buf = vec![0; MAX_PACKET_SIZE + 1];
        }
        loop {
            let Some(stream) = self.stream.as_mut() else {
                return;
            };
            match stream.ssl_read(&mut self.read_buf) {
                Ok(0) => return,
                Ok(n) => {
                    if self.plain.len() >= PLAINTEXT_QUEUE_CAP {
                        self.stats.packets_dropped += 1;
                        continue;
                    }
                    self.plain.push_back(self.read_buf[..n].to_vec());
                    self.stats.packets_received += 1;
                }
                Err(e) if matches!(e.code(), ErrorCode::WANT_READ | ErrorCode::WANT_WRITE) => {
                    return
                }
                Err(e) if e.code() == ErrorCode::ZERO_RETURN => {
                    self.peer_closed = true;
                    self.finish_peer_close(udp);
                    return;
                }
                Err(_) => {
                    self.flush(udp);
                    self.fail(udp, STATUS_ERROR);
                    return;
                }
            }
        }
    }

    /// After the peer's close_notify, once its earlier packets are taken: answer it and end
    /// (Godot reads records one at a time, so its user sees those packets first too).
    fn finish_peer_close(&mut self, udp: &mut PacketPeerUdp) {
        if self.peer_closed && self.plain.is_empty() && self.status == STATUS_CONNECTED {
            self.disconnect_from_peer(udp);
        }
    }

    fn run_timers(&mut self, udp: &mut PacketPeerUdp) {
        if self.status != STATUS_HANDSHAKING {
            return;
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            if let Some(c) = &self.server {
                ServerCounters::bump(&c.handshakes_timed_out);
            }
            self.end(udp, STATUS_ERROR);
            return;
        }
        let Some(stream) = self.stream.as_ref() else {
            return;
        };
        match timer::handle_expired(stream.ssl()) {
            Ok(true) => {
                self.stats.retransmissions += 1;
                self.flush(udp);
            }
            Ok(false) => {}
            Err(()) => {
                if let Some(c) = &self.server {
                    ServerCounters::bump(&c.handshakes_timed_out);
                }
                self.end(udp, STATUS_ERROR);
            }
        }
    }

    /// Sends what the session wrote; the last UDP error code, or OK.
    fn flush(&mut self, udp: &mut PacketPeerUdp) -> i32 {
        let Some(stream) = self.stream.as_mut() else {
            return OK;
        };
        let mut code = OK;
        let mut sent = 0;
        stream.get_mut().drain_outgoing(|datagram| {
            let r = udp.put_packet(datagram);
            if r == OK {
                sent += 1;
            } else {
                code = r;
            }
        });
        self.stats.datagrams_sent += sent;
        code
    }

    /// A failed session: counted against its server while handshaking, then ended.
    fn fail(&mut self, udp: &mut PacketPeerUdp, status: i32) {
        if self.status == STATUS_HANDSHAKING {
            if let Some(c) = &self.server {
                ServerCounters::bump(&c.handshakes_failed);
            }
        }
        self.end(udp, status);
    }

    /// Ends the session in `status`. A server-taken UDP peer closes with it.
    fn end(&mut self, udp: &mut PacketPeerUdp, status: i32) {
        self.drop_session();
        self.peer_closed = false;
        self.deadline = None;
        self.server = None;
        if self.owns_udp {
            self.owns_udp = false;
            udp.close();
        }
        self.status = status;
    }
}

extern "C" {
    fn SSL_SESSION_get_max_fragment_length(session: *const openssl_sys::SSL_SESSION) -> u8;
}

/// What `Datagrams::incoming_is_harmful` needs to know of the session's record layer.
fn record_layer(ssl: &SslRef, connected: bool) -> RecordLayer {
    // SAFETY: a live session of a live SSL; the call only reads it.
    let mfl = ssl.session().map_or(0, |s| unsafe {
        SSL_SESSION_get_max_fragment_length(s.as_ptr())
    });
    RecordLayer {
        min_protected: min_protected_record(ssl),
        protected: connected,
        max_fragment: if (1..=4).contains(&mfl) {
            512 << (mfl - 1)
        } else {
            16384
        },
    }
}

/// The shortest protected record the negotiated cipher makes (its explicit nonce and tag): AES-GCM
/// and AES-CCM 8 + 16 bytes, AES-CCM8 8 + 8, ChaCha20-Poly1305 16. No protected record is genuine
/// before a cipher is negotiated, so GCM's bound holds then. CBC suites (which OpenSSL and Godot
/// rank below the AEAD ones): 0, no bound; with encrypt-then-MAC OpenSSL ends their session on
/// any record that fails its MAC (openssl/openssl#24972), which no length check prevents.
fn min_protected_record(ssl: &SslRef) -> usize {
    let Some(cipher) = ssl.current_cipher() else {
        return 24;
    };
    let name = cipher.name();
    if name.contains("CHACHA20") || name.contains("CCM8") {
        16
    } else if name.contains("GCM") || name.contains("CCM") {
        24
    } else {
        0
    }
}

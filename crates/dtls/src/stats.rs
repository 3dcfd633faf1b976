//! DTLS counters: what a session did with the datagrams it was given, and the handshakes a
//! `DTLSServer` saw. Nothing a session drops goes uncounted.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// One session's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DtlsStats {
    /// Datagrams handed to the session (from its UDP peer).
    pub datagrams_received: u64,
    /// Datagrams that carried neither application data nor handshake progress: garbage,
    /// truncated, replayed or duplicated records, which DTLS discards without an alert.
    pub datagrams_discarded: u64,
    /// Datagrams the session sent (handshake flights, retransmissions, records, alerts).
    pub datagrams_sent: u64,
    /// Decrypted packets queued for `get_packet`.
    pub packets_received: u64,
    /// Decrypted packets dropped because the queue was full (see `PLAINTEXT_QUEUE_CAP`).
    pub packets_dropped: u64,
    /// Packets encrypted and sent by `put_packet`.
    pub packets_sent: u64,
    /// Handshake flights retransmitted because the peer did not answer in time.
    pub retransmissions: u64,
}

/// A `DTLSServer`'s counters, shared with the sessions it accepted.
#[derive(Debug, Default)]
pub struct ServerCounters {
    pub(crate) connections_taken: AtomicU64,
    pub(crate) cookies_sent: AtomicU64,
    pub(crate) not_client_hello: AtomicU64,
    pub(crate) handshakes_started: AtomicU64,
    pub(crate) handshakes_completed: AtomicU64,
    pub(crate) handshakes_failed: AtomicU64,
    pub(crate) handshakes_timed_out: AtomicU64,
}

/// A snapshot of a `DTLSServer`'s counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerStats {
    /// `take_connection` calls that got a UDP peer.
    pub connections_taken: u64,
    /// HelloVerifyRequests sent: first ClientHellos without a (valid) cookie. Each such attempt
    /// ends there, as in Godot; the client retries with the cookie as a new connection.
    pub cookies_sent: u64,
    /// Connections whose first datagram was not a ClientHello (garbage): refused at once.
    pub not_client_hello: u64,
    /// ClientHellos with a valid cookie: handshakes the server worked on.
    pub handshakes_started: u64,
    pub handshakes_completed: u64,
    /// Handshakes that failed (a bad cookie, an alert, a protocol error).
    pub handshakes_failed: u64,
    /// Handshakes given up because the client stopped answering (`handshake_timeout`).
    pub handshakes_timed_out: u64,
}

impl ServerCounters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Relaxed);
    }

    pub fn snapshot(&self) -> ServerStats {
        ServerStats {
            connections_taken: self.connections_taken.load(Relaxed),
            cookies_sent: self.cookies_sent.load(Relaxed),
            not_client_hello: self.not_client_hello.load(Relaxed),
            handshakes_started: self.handshakes_started.load(Relaxed),
            handshakes_completed: self.handshakes_completed.load(Relaxed),
            handshakes_failed: self.handshakes_failed.load(Relaxed),
            handshakes_timed_out: self.handshakes_timed_out.load(Relaxed),
        }
    }
}

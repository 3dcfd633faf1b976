//! `NativeDtlsPeer`, `NativeDtlsServer`: Godot's PacketPeerDTLS and DTLSServer (see
//! `src-ts/dtls/packet-peer-dtls.ts` for the contract). Each call that may receive or send takes
//! the UDP peer the session runs over; the facade keeps the pair.

use std::time::Duration;

use godot_udp_dtls::{
    ClientOptions, DtlsServer, DtlsStats, PacketPeerDtls, ServerOptions, ServerStats,
};
use napi::bindgen_prelude::{BufferSlice, Uint8ArraySlice};
use napi::{Env, Result};
use napi_derive::napi;

use crate::crypto::{NativeCryptoKey, NativeX509Certificate};
use crate::peer::NativePeer;

#[napi]
pub struct NativeDtlsPeer {
    inner: PacketPeerDtls,
}

#[napi]
impl NativeDtlsPeer {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NativeDtlsPeer {
            inner: PacketPeerDtls::new(),
        }
    }

    /// Client handshake; `trusted`: the chain to verify against (else the system's CA store).
    #[napi(catch_unwind)]
    pub fn connect_to_peer(
        &mut self,
        udp: &mut NativePeer,
        hostname: String,
        common_name_override: String,
        unsafe_client: bool,
        trusted: Option<&NativeX509Certificate>,
    ) -> i32 {
        let options = ClientOptions {
            trusted: trusted.map(|t| t.inner.clone()),
            common_name_override,
            unsafe_client,
        };
        udp.with_engine(|u| self.inner.connect_to_peer(u, &hostname, &options))
    }

    /// Godot `poll`; returns the status after it.
    #[napi(catch_unwind)]
    pub fn poll(&mut self, udp: &mut NativePeer) -> i32 {
        udp.with_engine(|u| self.inner.poll(u));
        self.inner.status()
    }

    /// One datagram taken from the UDP peer's events; returns the status after it.
    #[napi(catch_unwind)]
    pub fn receive(&mut self, udp: &mut NativePeer, datagram: Uint8ArraySlice) -> i32 {
        udp.with_engine(|u| self.inner.receive(u, &datagram));
        self.inner.status()
    }

    #[napi(catch_unwind)]
    pub fn get_status(&self) -> i32 {
        self.inner.status()
    }

    #[napi(catch_unwind)]
    pub fn put_packet(&mut self, udp: &mut NativePeer, data: Uint8ArraySlice) -> i32 {
        udp.with_engine(|u| self.inner.put_packet(u, &data))
    }

    /// The next decrypted packet (empty when none is queued), or null when not connected.
    #[napi(catch_unwind)]
    pub fn get_packet<'e>(&mut self, env: &'e Env) -> Result<Option<BufferSlice<'e>>> {
        match self
            .inner
            .get_packet(|bytes| BufferSlice::copy_from(env, bytes))
        {
            Ok(buffer) => buffer.map(Some),
            Err(_) => Ok(None),
        }
    }

    /// Every queued packet, oldest first (empty when none or not connected); a close_notify that
    /// waited for them is answered after.
    #[napi(catch_unwind)]
    pub fn take_all<'e>(
        &mut self,
        env: &'e Env,
        udp: &mut NativePeer,
    ) -> Result<Vec<BufferSlice<'e>>> {
        let mut out = Vec::new();
        let mut failed = None;
        udp.with_engine(|u| {
            self.inner
                .take_all(u, |bytes| match BufferSlice::copy_from(env, bytes) {
                    Ok(b) => out.push(b),
                    Err(e) => failed = Some(e),
                })
        });
        match failed {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    #[napi(catch_unwind)]
    pub fn get_available_packet_count(&self) -> i32 {
        self.inner.get_available_packet_count()
    }

    #[napi(catch_unwind)]
    pub fn disconnect_from_peer(&mut self, udp: &mut NativePeer) {
        udp.with_engine(|u| self.inner.disconnect_from_peer(u));
    }

    /// Ends the session without a UDP peer at hand (no close_notify).
    #[napi(catch_unwind)]
    pub fn drop_session(&mut self) {
        self.inner.drop_session();
    }

    /// Milliseconds until `poll` has timer work (retransmission, handshake deadline); -1: none.
    #[napi(catch_unwind)]
    pub fn next_timeout(&self) -> f64 {
        self.inner
            .next_timeout()
            .map_or(-1.0, |d| d.as_secs_f64() * 1000.0)
    }

    #[napi(catch_unwind)]
    pub fn set_handshake_timeout(&mut self, ms: f64) {
        let ms = if ms.is_finite() { ms.max(0.0) } else { 0.0 };
        self.inner
            .set_handshake_timeout(Duration::from_secs_f64(ms / 1000.0));
    }

    #[napi(catch_unwind)]
    pub fn stats(&self) -> NativeDtlsStats {
        self.inner.stats().into()
    }
}

#[napi]
pub struct NativeDtlsServer {
    inner: DtlsServer,
}

#[napi]
impl NativeDtlsServer {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NativeDtlsServer {
            inner: DtlsServer::new(),
        }
    }

    #[napi(catch_unwind)]
    pub fn setup(&mut self, key: &NativeCryptoKey, certificate: &NativeX509Certificate) -> i32 {
        self.inner.setup(&ServerOptions {
            key: key.inner.clone(),
            certificate: certificate.inner.clone(),
        })
    }

    #[napi(catch_unwind)]
    pub fn stop(&mut self) {
        self.inner.stop();
    }

    /// Godot `take_connection` into `session` (a fresh native peer); its status says how it went.
    #[napi(catch_unwind)]
    pub fn take_connection(&self, udp: &mut NativePeer, session: &mut NativeDtlsPeer) -> i32 {
        udp.with_engine(|u| self.inner.take_connection(u, &mut session.inner))
    }

    #[napi(catch_unwind)]
    pub fn stats(&self) -> NativeDtlsServerStats {
        self.inner.stats().into()
    }
}

/// One session's counters (see `godot_udp_dtls::DtlsStats`).
#[napi(object)]
pub struct NativeDtlsStats {
    pub datagrams_received: f64,
    pub datagrams_discarded: f64,
    pub datagrams_sent: f64,
    pub packets_received: f64,
    pub packets_dropped: f64,
    pub packets_sent: f64,
    pub retransmissions: f64,
}

impl From<DtlsStats> for NativeDtlsStats {
    fn from(s: DtlsStats) -> Self {
        NativeDtlsStats {
            datagrams_received: s.datagrams_received as f64,
            datagrams_discarded: s.datagrams_discarded as f64,
            datagrams_sent: s.datagrams_sent as f64,
            packets_received: s.packets_received as f64,
            packets_dropped: s.packets_dropped as f64,
            packets_sent: s.packets_sent as f64,
            retransmissions: s.retransmissions as f64,
        }
    }
}

/// A DTLSServer's counters (see `godot_udp_dtls::ServerStats`).
#[napi(object)]
pub struct NativeDtlsServerStats {
    pub connections_taken: f64,
    pub cookies_sent: f64,
    pub not_client_hello: f64,
    pub handshakes_started: f64,
    pub handshakes_completed: f64,
    pub handshakes_failed: f64,
    pub handshakes_timed_out: f64,
}

impl From<ServerStats> for NativeDtlsServerStats {
    fn from(s: ServerStats) -> Self {
        NativeDtlsServerStats {
            connections_taken: s.connections_taken as f64,
            cookies_sent: s.cookies_sent as f64,
            not_client_hello: s.not_client_hello as f64,
            handshakes_started: s.handshakes_started as f64,
            handshakes_completed: s.handshakes_completed as f64,
            handshakes_failed: s.handshakes_failed as f64,
            handshakes_timed_out: s.handshakes_timed_out as f64,
        }
    }
}

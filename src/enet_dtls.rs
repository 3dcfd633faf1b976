//! `NativeEnetHost`'s DTLS half: Godot's `ENetConnection.dtls_server_setup`,
//! `dtls_client_setup` and `refuse_new_connections` over crates/enet (`dtls_host.rs`).
//!
//! A setup replaces the host's socket (the same address and port, opened again under DTLS). The
//! libuv watch on the old descriptor must leave the poll set before that descriptor closes (its
//! number is often reused at once by the new socket), so it is suspended across the call and then
//! ended without a last call; the facade starts a new watch on the new socket.

use napi_derive::napi;

use crate::enet::NativeEnetHost;

#[napi]
impl NativeEnetHost {
    /// Godot `refuse_new_connections`: a DTLS server stops taking new addresses (existing
    /// sessions go on); a plain host keeps the setting for a DTLS server set up later.
    #[napi(catch_unwind)]
    pub fn refuse_new_connections(&mut self, refuse: bool) {
        if let Some(h) = self.host.as_mut() {
            h.refuse_new_connections(refuse);
        }
    }

    /// The last `refuse_new_connections` setting (false without a host).
    #[napi(catch_unwind)]
    pub fn is_refusing_new_connections(&self) -> bool {
        self.host
            .as_ref()
            .is_some_and(|h| h.is_refusing_new_connections())
    }
}

#[cfg(feature = "dtls")]
mod with_dtls {
    use godot_udp_dtls::ServerStats;
    use godot_udp_enet::{ClientOptions, DtlsCounters, EnetHost, ServerOptions};
    use godot_udp_engine::codes::{ERR_UNCONFIGURED, FAILED};
    use napi_derive::napi;

    use crate::crypto::{NativeCryptoKey, NativeX509Certificate};
    use crate::dtls::NativeDtlsServerStats;
    use crate::enet::NativeEnetHost;

    impl NativeEnetHost {
        /// Runs a setup with the watch suspended (see the module note). Godot's FAILED when DTLS
        /// is set up already (only a plain host can be upgraded), before anything is touched.
        fn upgrade(&mut self, setup: impl FnOnce(&mut EnetHost) -> i32) -> i32 {
            let Some(host) = self.host.as_mut() else {
                return ERR_UNCONFIGURED;
            };
            if host.dtls_counters().is_some() {
                return FAILED;
            }
            let polling = self.watcher.suspend();
            let code = setup(host);
            if host.dtls_counters().is_some() {
                // The socket changed (even when it could not be opened again): this watch is
                // over, silently (a failed reopen leaves no socket: `watch` then refuses).
                self.watcher.stop();
            } else {
                self.watcher.resume(polling);
            }
            code
        }
    }

    #[napi]
    impl NativeEnetHost {
        /// Godot `dtls_server_setup` (the facade checks the option kind): OK, ERR_UNCONFIGURED
        /// (no host), FAILED (DTLS set up already), ERR_INVALID_PARAMETER (the key does not
        /// match the certificate), ERR_CANT_CREATE (the port could not be opened again). After
        /// OK the watch has ended without a last call: watch again (the new socket).
        #[napi(catch_unwind)]
        pub fn dtls_server_setup(
            &mut self,
            key: &NativeCryptoKey,
            certificate: &NativeX509Certificate,
        ) -> i32 {
            let options = ServerOptions {
                key: key.inner.clone(),
                certificate: certificate.inner.clone(),
            };
            self.upgrade(|h| h.dtls_server_setup(&options))
        }

        /// Godot `dtls_client_setup` (the facade checks the option kind): as
        /// `dtls_server_setup`, for the client options' fields.
        #[napi(catch_unwind)]
        pub fn dtls_client_setup(
            &mut self,
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
            self.upgrade(|h| h.dtls_client_setup(&hostname, &options))
        }

        /// The DTLS layer's counters; null while the host is plain (or without a host).
        #[napi(catch_unwind)]
        pub fn dtls_counters(&mut self) -> Option<NativeEnetDtlsCounters> {
            self.host
                .as_mut()
                .and_then(|h| h.dtls_counters())
                .map(NativeEnetDtlsCounters::from)
        }
    }

    /// `godot_udp_enet::DtlsCounters`, for JS.
    #[napi(object)]
    pub struct NativeEnetDtlsCounters {
        pub server: Option<NativeDtlsServerStats>,
        pub datagrams_refused: f64,
        pub sessions: f64,
        pub sessions_refused: f64,
        pub sessions_timed_out: f64,
        pub sessions_closed: f64,
        pub handshakes_failed: f64,
        pub last_failure_status: i32,
        pub sends_without_session: f64,
        pub sends_while_handshaking: f64,
        pub send_failures: f64,
        pub records_discarded: f64,
    }

    impl From<DtlsCounters> for NativeEnetDtlsCounters {
        fn from(c: DtlsCounters) -> Self {
            NativeEnetDtlsCounters {
                server: c.server.map(|s: ServerStats| s.into()),
                datagrams_refused: c.datagrams_refused as f64,
                sessions: c.sessions as f64,
                sessions_refused: c.sessions_refused as f64,
                sessions_timed_out: c.sessions_timed_out as f64,
                sessions_closed: c.sessions_closed as f64,
                handshakes_failed: c.handshakes_failed as f64,
                last_failure_status: c.last_failure_status,
                sends_without_session: c.sends_without_session as f64,
                sends_while_handshaking: c.sends_while_handshaking as f64,
                send_failures: c.send_failures as f64,
                records_discarded: c.records_discarded as f64,
            }
        }
    }
}

#[cfg(not(feature = "dtls"))]
#[napi]
impl NativeEnetHost {
    /// Built without DTLS: ERR_UNCONFIGURED without a host, else Godot's ERR_UNAVAILABLE (what
    /// Godot returns in a build without ENet DTLS).
    #[napi(catch_unwind)]
    pub fn dtls_unavailable(&self) -> i32 {
        if self.host.is_some() {
            godot_udp_engine::codes::ERR_UNAVAILABLE
        } else {
            godot_udp_engine::codes::ERR_UNCONFIGURED
        }
    }
}

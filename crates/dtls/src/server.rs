//! Godot's `DTLSServer`: one OpenSSL server context per `setup`, its cookie secret, and the
//! counters of the handshakes it served. `take_connection` makes a `PacketPeerDtls` of a UDP peer
//! a `UDPServer` handed out.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, OnceLock};

use openssl::ex_data::Index;
use openssl::ssl::{Ssl, SslContext};

use crate::cookie::CookieSecret;
use crate::options::{ServerOptions, DTLS_MTU};
use crate::peer::PacketPeerDtls;
use crate::stats::{ServerCounters, ServerStats};
use godot_udp_engine::codes::{ERR_ALREADY_IN_USE, ERR_INVALID_PARAMETER, ERR_UNCONFIGURED, OK};
use godot_udp_engine::PacketPeerUdp;

/// What the cookie callbacks know of the ClientHello they answer.
pub(crate) struct ClientHelloState {
    pub(crate) client: SocketAddr,
    /// Set when OpenSSL asked for a cookie: it is answering with a HelloVerifyRequest.
    pub(crate) cookie_sent: Arc<AtomicBool>,
}

pub(crate) fn hello_state_index() -> Index<Ssl, ClientHelloState> {
    static INDEX: OnceLock<Index<Ssl, ClientHelloState>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("OpenSSL ex_data index"))
}

#[derive(Default)]
pub struct DtlsServer {
    context: Option<SslContext>,
    counters: Arc<ServerCounters>,
}

impl DtlsServer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Godot `setup`: the key and certificate chain to serve with and a new cookie secret.
    /// `ERR_INVALID_PARAMETER` for options without a private key and a matching certificate.
    pub fn setup(&mut self, options: &ServerOptions) -> i32 {
        let mut builder = match options.builder() {
            Ok(b) => b,
            Err(code) => return code,
        };
        let Some(secret) = CookieSecret::random() else {
            return ERR_ALREADY_IN_USE; // Godot's answer when its cookie context cannot start
        };
        let secret = Arc::new(secret);
        let generate = secret.clone();
        builder.set_cookie_generate_cb(move |ssl, out| {
            let state = ssl
                .ex_data(hello_state_index())
                .ok_or_else(openssl::error::ErrorStack::get)?;
            state.cookie_sent.store(true, Relaxed);
            generate
                .generate(&state.client, out)
                .ok_or_else(openssl::error::ErrorStack::get)
        });
        builder.set_cookie_verify_cb(move |ssl, cookie| {
            ssl.ex_data(hello_state_index())
                .is_some_and(|state| secret.verify(&state.client, cookie))
        });
        self.context = Some(builder.build());
        OK
    }

    /// Godot `stop`: forgets the options; later connections are refused until `setup` again.
    pub fn stop(&mut self) {
        self.context = None;
    }

    pub fn is_set_up(&self) -> bool {
        self.context.is_some()
    }

    /// Godot `take_connection`: a session answering the ClientHello `udp` holds. The returned
    /// code says how it went (the session's status says more): `ERR_UNCONFIGURED` before `setup`,
    /// `ERR_INVALID_PARAMETER` for a UDP peer that is not connected.
    pub fn take_connection(&self, udp: &mut PacketPeerUdp, into: &mut PacketPeerDtls) -> i32 {
        if self.context.is_none() {
            return ERR_UNCONFIGURED;
        }
        if !udp.is_socket_connected() {
            return ERR_INVALID_PARAMETER;
        }
        into.accept(udp, self)
    }

    pub fn stats(&self) -> ServerStats {
        self.counters.snapshot()
    }

    pub(crate) fn counters(&self) -> &Arc<ServerCounters> {
        &self.counters
    }

    pub(crate) fn new_session(&self) -> Option<Ssl> {
        let mut ssl = Ssl::new(self.context.as_ref()?).ok()?;
        ssl.set_mtu(DTLS_MTU).ok()?;
        ssl.set_accept_state();
        Some(ssl)
    }
}

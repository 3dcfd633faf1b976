//! [`EnetHost`]'s DTLS methods: Godot's `ENetConnection.dtls_server_setup`,
//! `dtls_client_setup` and `refuse_new_connections` (the transport is `dtls_transport.rs`).

//! Without the `dtls` feature only `refuse_new_connections` is here (a setting a plain host keeps,
//! as Godot's does); a binding answers the setups with Godot's ERR_UNAVAILABLE.

#[cfg(feature = "dtls")]
use std::collections::HashSet;
#[cfg(feature = "dtls")]
use std::time::Instant;

#[cfg(feature = "dtls")]
use godot_udp_dtls::{ClientOptions, ServerOptions};
#[cfg(feature = "dtls")]
use godot_udp_engine::codes::FAILED;

#[cfg(feature = "dtls")]
use crate::dtls_transport::{local_address, DtlsCounters, DtlsTransport};
use crate::host::EnetHost;
#[cfg(feature = "dtls")]
use crate::socket::{EngineSocket, Link};

impl EnetHost {
    /// Godot's `ENetConnection.refuse_new_connections(refuse)`: with DTLS set up as a server, no
    /// new address gets a session (its datagrams are dropped and counted) while existing
    /// sessions go on. As in Godot it does nothing to a plain host's ENet; the setting is kept,
    /// and applies to a DTLS server set up later.
    pub fn refuse_new_connections(&mut self, refuse: bool) {
        let socket = self.host.socket_mut();
        socket.refusing = refuse;
        #[cfg(feature = "dtls")]
        if let Link::Dtls(t) = &mut socket.link {
            t.set_refusing(refuse);
        }
    }

    /// The last `refuse_new_connections` setting.
    pub fn is_refusing_new_connections(&self) -> bool {
        self.host.socket().refusing
    }
}

#[cfg(feature = "dtls")]
impl EnetHost {
    /// Godot's `ENetConnection.dtls_server_setup(server_options)`: from now on every peer talks
    /// to this host inside a DTLS session. The host's socket is closed and a UDP server listens
    /// on the same address and port, so [`EnetHost::raw_socket`] and [`EnetHost::readiness`]
    /// change (the old readiness settles its waits with ERR_UNCONFIGURED and ends its watcher):
    /// read them again after this call. At most `max_peers` sessions; datagrams that are not a
    /// DTLS handshake from a new address are refused and counted ([`EnetHost::dtls_counters`]).
    ///
    /// Godot's codes: FAILED when DTLS is already set up (only a plain host can be upgraded),
    /// ERR_INVALID_PARAMETER when the options hold no private key and matching certificate
    /// (checked before the socket is touched; Godot does not check), ERR_CANT_CREATE when the
    /// address cannot be listened on again (the host then serves nothing).
    pub fn dtls_server_setup(&mut self, options: &ServerOptions) -> i32 {
        let max_sessions = self.max_peers();
        let socket = self.host.socket_mut();
        let Some((bind, port)) = plain_address(socket) else {
            return FAILED;
        };
        match DtlsTransport::server(options, max_sessions, socket.refusing) {
            Ok(t) => upgrade(socket, t, &bind, port),
            Err(code) => code,
        }
    }

    /// Godot's `ENetConnection.dtls_client_setup(hostname, client_options)`: the connection this
    /// host makes runs inside a DTLS session with the server, verified for `hostname` as the
    /// options say. The host's socket is closed and a UDP peer bound to the same address and
    /// port (read [`EnetHost::raw_socket`] and [`EnetHost::readiness`] again). The handshake
    /// starts with ENet's first datagram (the CONNECT); ENet's datagrams wait (dropped, counted,
    /// resent by ENet) until it completes. A failed handshake (untrusted certificate, wrong
    /// name) fails that `service` call, Godot's EVENT_ERROR; [`DtlsCounters`] say why.
    ///
    /// Godot's codes: FAILED when DTLS is already set up; ERR_CANT_CREATE when the address
    /// cannot be bound again.
    pub fn dtls_client_setup(&mut self, hostname: &str, options: &ClientOptions) -> i32 {
        let socket = self.host.socket_mut();
        let Some((bind, port)) = plain_address(socket) else {
            return FAILED;
        };
        upgrade(
            socket,
            DtlsTransport::client(hostname, options),
            &bind,
            port,
        )
    }

    /// The DTLS layer's counters; None while the host is plain.
    pub fn dtls_counters(&mut self) -> Option<DtlsCounters> {
        match &mut self.host.socket_mut().link {
            Link::Dtls(t) => Some(t.counters()),
            Link::Plain(_) => None,
        }
    }

    /// After a service pass that connected or disconnected a peer (`now`), else at most every
    /// 100 ms: tells a DTLS server which addresses ENet has peers for (Godot's patched ENet
    /// reports a peer's bind and reset to its socket at once; a peer reset without an event is
    /// seen here within 100 ms).
    pub(crate) fn dtls_sync_peers(&mut self, now: bool) {
        let at = Instant::now();
        if !matches!(&self.host.socket().link, Link::Dtls(t) if t.is_server() && (now || t.wants_peer_sync(at)))
        {
            return;
        }
        let active: HashSet<_> = self
            .host
            .peers()
            .filter(|p| p.state() != rusty_enet::PeerState::Disconnected)
            .filter_map(|p| p.address())
            .map(|a| (a.ip, a.port))
            .collect();
        if let Link::Dtls(t) = &mut self.host.socket_mut().link {
            t.sync_peers(&active, at);
        }
    }
}

#[cfg(feature = "dtls")]
/// The plain socket's bind address and port (None: DTLS is already set up, Godot's
/// `can_upgrade()` is false).
fn plain_address(socket: &EngineSocket) -> Option<(String, u16)> {
    match &socket.link {
        Link::Plain(sock) => Some(local_address(sock)),
        Link::Dtls(_) => None,
    }
}

#[cfg(feature = "dtls")]
/// Replaces the plain socket with `t` (closing it first: `t` opens the same address and port).
/// Datagrams the plain socket had queued are plaintext from before: dropped and counted.
fn upgrade(socket: &mut EngineSocket, t: DtlsTransport, bind: &str, port: u16) -> i32 {
    while let Some(len) = socket.queue.pop_with(|m, _, _| m.len) {
        socket.stats.dropped(len);
    }
    let queue_bytes = socket.queue.capacity();
    socket.link = Link::Dtls(Box::new(t));
    match &mut socket.link {
        Link::Dtls(t) => t.open(bind, port, queue_bytes),
        Link::Plain(_) => FAILED,
    }
}

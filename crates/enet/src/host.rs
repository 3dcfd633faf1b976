//! [`EnetHost`]: an ENet 1.3.18 host (the vendored rusty_enet) on an engine socket, shaped for
//! Godot's `ENetConnection` and `ENetPacketPeer`.

use std::cell::Cell;
use std::io;
use std::marker::PhantomData;
use std::net::{Ipv6Addr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use godot_udp_engine::addr::{self, IpLiteral};
use godot_udp_engine::codes::{ERR_CANT_CREATE, ERR_INVALID_PARAMETER, FAILED, OK};
use godot_udp_engine::socket::{Family, OpenOptions, UdpSocket};
use godot_udp_engine::wait::Readiness;
use godot_udp_engine::RawSocket;
use rusty_enet::{HostSettings, PeerID};

use crate::address::EnetAddress;
use crate::compression::{CompressionMode, GodotSettings};
use crate::socket::EngineSocket;
use crate::types::{
    Compressor, Event, Hook, HostConfig, HostCounters, Packet, PacketFlags, PeerId, PeerState,
    PeerStats, SendError, MAX_CHANNELS, MAX_PEERS,
};

/// ENet's clock: milliseconds of a monotonic clock shared by every host of the process, from 1 s
/// (ENet reads a time of 0 as "unset" in places).
fn enet_clock() -> Duration {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed() + Duration::from_secs(1)
}

/// An ENet host on its own engine socket. Single-threaded: move it to the thread that services
/// it (it is `Send`, not `Sync`).
pub struct EnetHost {
    pub(crate) host: rusty_enet::Host<EngineSocket>,
    _not_sync: PhantomData<Cell<()>>,
}

impl EnetHost {
    /// Godot's `ENetConnection.create_host_bound(bind_address, bind_port, …)`: `"*"` binds every
    /// IPv4 and IPv6 address, a literal binds that address. Like Godot's ENet socket, the
    /// socket is dual-stack IPv6 (IPv4 peers in mapped form), falling back to IPv4 where IPv6
    /// is unavailable. Errors are Godot's: ERR_INVALID_PARAMETER for a bad address, port or
    /// limit, ERR_CANT_CREATE when the socket cannot be opened or bound.
    pub fn create_bound(bind_address: &str, port: i64, config: &HostConfig) -> Result<Self, i32> {
        let ip = match addr::parse(bind_address) {
            IpLiteral::Invalid => return Err(ERR_INVALID_PARAMETER),
            IpLiteral::Wildcard => None,
            IpLiteral::Addr(a) => Some(a),
        };
        let port = u16::try_from(port).map_err(|_| ERR_INVALID_PARAMETER)?;
        Self::create_inner(ip.as_ref(), port, config)
    }

    /// Godot's `ENetConnection.create_host(…)`: not bound to a chosen address or port. C ENet
    /// leaves the socket unbound until its first send; this binds the wildcard address on a
    /// port the OS picks at once (the same address and port, known before the first send, and
    /// an unbound socket is not readable on every OS).
    pub fn create(config: &HostConfig) -> Result<Self, i32> {
        Self::create_inner(None, 0, config)
    }

    fn create_inner(ip: Option<&Ipv6Addr>, port: u16, config: &HostConfig) -> Result<Self, i32> {
        if !(1..=MAX_PEERS).contains(&config.max_peers) || config.max_channels > MAX_CHANNELS {
            return Err(ERR_INVALID_PARAMETER);
        }
        let opts = OpenOptions {
            // C ENet turns SO_BROADCAST on for every host; so does Godot's socket layer.
            broadcast: Some(true),
            reuse_address: false,
            reuse_port: false,
            os_recv_buf_size: config.os_recv_buf_size,
        };
        let sock = UdpSocket::open(Family::DualStack, opts).map_err(|_| ERR_CANT_CREATE)?;
        sock.bind(ip, port).map_err(|_| ERR_CANT_CREATE)?;
        let queue_bytes = config.recv_queue_bytes.max(8192).next_power_of_two();
        let settings = HostSettings {
            peer_limit: config.max_peers,
            channel_limit: if config.max_channels == 0 {
                MAX_CHANNELS
            } else {
                config.max_channels
            },
            incoming_bandwidth_limit: (config.in_bandwidth > 0).then_some(config.in_bandwidth),
            outgoing_bandwidth_limit: (config.out_bandwidth > 0).then_some(config.out_bandwidth),
            compressor: None,
            checksum: None,
            time: Box::new(enet_clock),
            seed: None,
        };
        let host = rusty_enet::Host::new(EngineSocket::new(sock, queue_bytes), settings)
            .map_err(|_| ERR_CANT_CREATE)?;
        Ok(EnetHost {
            host,
            _not_sync: PhantomData,
        })
    }

    // ----- connections -----

    /// Starts a connection to `address` with `channels` channels (0: 255, ENet's maximum; Godot's
    /// `connect_to_host` does the same) and the 32-bit CONNECT `data`. None when every peer slot
    /// is taken or the address's family cannot be reached from this socket (an IPv6 peer on an
    /// IPv4-only fallback socket).
    pub fn connect(&mut self, address: EnetAddress, channels: usize, data: u32) -> Option<PeerId> {
        // A family this socket cannot send to (IPv6 from an IPv4-only fallback socket).
        if !self.host.socket().can_reach(&address) {
            return None;
        }
        let channels = if channels == 0 {
            MAX_CHANNELS
        } else {
            channels.min(MAX_CHANNELS)
        };
        let peer = self.host.connect(address, channels, data).ok()?;
        Some(PeerId(peer.id().0))
    }

    /// [`EnetHost::connect`] to a socket address.
    pub fn connect_to(
        &mut self,
        address: SocketAddr,
        channels: usize,
        data: u32,
    ) -> Option<PeerId> {
        self.connect(EnetAddress::from(address), channels, data)
    }

    /// Godot's `ENetConnection.service(timeout)`: one ENet service pass (send what is queued,
    /// read what arrived, dispatch); with a timeout and no event yet, waits for a datagram on
    /// the engine's readiness (poll on the calling thread, no busy loop) and serves again, until
    /// an event or the timeout. `service(0)` never waits. Err: the socket failed (C ENet's -1,
    /// Godot's EVENT_ERROR).
    pub fn service(&mut self, timeout_ms: u32) -> io::Result<Option<Event>> {
        self.service_until(timeout_ms, &mut || false)
    }

    /// [`EnetHost::service`] whose wait also ends (with no event) once `interrupted()` says so,
    /// asked between the engine's wait slices (see `Readiness::wait_sync_until`).
    pub fn service_until(
        &mut self,
        timeout_ms: u32,
        interrupted: &mut dyn FnMut() -> bool,
    ) -> io::Result<Option<Event>> {
        // Read the clock only once a pass found nothing (C ENet does the same): a busy host
        // returns an event per call, and a clock read per event was ~4% of its CPU.
        let mut deadline = None;
        loop {
            let ev = self.host.service()?.map(convert);
            #[cfg(feature = "dtls")]
            self.dtls_sync_peers(matches!(
                ev,
                Some(Event::Connect { .. } | Event::Disconnect { .. })
            ));
            if ev.is_some() {
                return Ok(ev);
            }
            if timeout_ms == 0 {
                return Ok(None);
            }
            let deadline = *deadline.get_or_insert_with(|| {
                Instant::now() + Duration::from_millis(u64::from(timeout_ms))
            });
            if Instant::now() >= deadline {
                return Ok(None);
            }
            // ENet reads at most 256 datagrams a pass: serve the rest of the queue first.
            if self.host.socket().queued() > 0 {
                continue;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let ms = left.as_micros().div_ceil(1000) as i64;
            match self.readiness().wait_sync_until(ms, interrupted) {
                // Readable, or an error the next pass reports.
                OK | FAILED => {}
                // ERR_TIMEOUT; ERR_SKIP (interrupted).
                _ => return Ok(None),
            }
        }
    }

    /// Godot's `ENetConnection.check_events()`: an event already queued, without touching the
    /// socket.
    pub fn check_events(&mut self) -> Option<Event> {
        self.host.check_events().map(convert)
    }

    /// Godot's `ENetConnection.flush()`: sends what is queued now.
    pub fn flush(&mut self) {
        self.host.flush();
    }

    // ----- sending -----

    /// Godot's `ENetPacketPeer.send(channel, packet, flags)`: queues a copy of `data` for the
    /// next service or flush.
    pub fn send(
        &mut self,
        peer: PeerId,
        channel: u8,
        data: &[u8],
        flags: PacketFlags,
    ) -> Result<(), SendError> {
        let packet = rusty_enet::Packet::new(data.to_vec(), flags.kind());
        let p = self
            .host
            .get_peer_mut(PeerID(peer.0))
            .ok_or(SendError::NoSuchPeer)?;
        p.send(channel, &packet).map_err(SendError::from)
    }

    /// Godot's `ENetConnection.broadcast(channel, packet, flags)`: to every connected peer.
    pub fn broadcast(&mut self, channel: u8, data: &[u8], flags: PacketFlags) {
        let packet = rusty_enet::Packet::new(data.to_vec(), flags.kind());
        self.host.broadcast(channel, &packet);
    }

    /// Godot's `ENetConnection.socket_send(address, port, packet)`: one raw datagram through
    /// the host's socket, outside ENet. Ok(false): the OS buffer was full and it was dropped.
    pub fn socket_send(&mut self, address: EnetAddress, data: &[u8]) -> io::Result<bool> {
        self.host.socket_mut().send_raw(&address, data)
    }

    // ----- peers -----

    fn peer_mut(&mut self, peer: PeerId) -> Option<&mut rusty_enet::Peer<EngineSocket>> {
        self.host.get_peer_mut(PeerID(peer.0))
    }

    /// `enet_peer_disconnect`: a DISCONNECT with `data` once queued packets are out of the way;
    /// a Disconnect event follows when acknowledged (or on timeout).
    pub fn disconnect(&mut self, peer: PeerId, data: u32) {
        if let Some(p) = self.peer_mut(peer) {
            p.disconnect(data);
        }
    }

    /// `enet_peer_disconnect_later`: disconnects after every queued packet is sent.
    pub fn disconnect_later(&mut self, peer: PeerId, data: u32) {
        if let Some(p) = self.peer_mut(peer) {
            p.disconnect_later(data);
        }
    }

    /// `enet_peer_disconnect_now`: one unreliable DISCONNECT, then the slot is free; no event.
    pub fn disconnect_now(&mut self, peer: PeerId, data: u32) {
        if let Some(p) = self.peer_mut(peer) {
            p.disconnect_now(data);
        }
    }

    /// `enet_peer_reset`: forgets the peer without telling it.
    pub fn reset(&mut self, peer: PeerId) {
        if let Some(p) = self.peer_mut(peer) {
            p.reset();
        }
    }

    /// `enet_peer_ping`.
    pub fn ping(&mut self, peer: PeerId) {
        if let Some(p) = self.peer_mut(peer) {
            p.ping();
        }
    }

    /// `enet_peer_ping_interval` (0: ENet's default, 500 ms).
    pub fn set_ping_interval(&mut self, peer: PeerId, ms: u32) {
        if let Some(p) = self.peer_mut(peer) {
            p.set_ping_interval(ms);
        }
    }

    /// `enet_peer_timeout(limit, minimum, maximum)` (0: ENet's defaults 32, 5000, 30000 ms).
    pub fn set_timeout(&mut self, peer: PeerId, limit: u32, minimum: u32, maximum: u32) {
        if let Some(p) = self.peer_mut(peer) {
            p.set_timeout(limit, minimum, maximum);
        }
    }

    /// `enet_peer_throttle_configure(interval, acceleration, deceleration)`.
    pub fn throttle_configure(&mut self, peer: PeerId, interval: u32, accel: u32, decel: u32) {
        if let Some(p) = self.peer_mut(peer) {
            p.set_throttle(interval, accel, decel);
        }
    }

    /// The peer's state (None: no such slot).
    pub fn peer_state(&self, peer: PeerId) -> Option<PeerState> {
        self.host
            .get_peer(PeerID(peer.0))
            .map(|p| PeerState::from(p.state()))
    }

    /// The peer's remote address (its last one, after a disconnect; None: never connected).
    pub fn peer_address(&self, peer: PeerId) -> Option<EnetAddress> {
        self.host.get_peer(PeerID(peer.0)).and_then(|p| p.address())
    }

    /// The peer's state and ENet statistics.
    pub fn peer_stats(&self, peer: PeerId) -> Option<PeerStats> {
        let p = self.host.get_peer(PeerID(peer.0))?;
        let ms = |d: Duration| d.as_millis() as u32;
        Some(PeerStats {
            state: p.state().into(),
            address: p.address(),
            channel_count: p.channel_count(),
            mtu: p.mtu(),
            round_trip_time: ms(p.round_trip_time()),
            round_trip_time_variance: ms(p.round_trip_time_variance()),
            last_round_trip_time: p.last_round_trip_time(),
            last_round_trip_time_variance: p.last_round_trip_time_variance(),
            packet_loss: p.packet_loss(),
            packet_loss_variance: p.packet_loss_variance(),
            packet_loss_epoch: p.packet_loss_epoch(),
            packets_sent: p.packets_sent(),
            packets_lost: p.packets_lost(),
            packet_throttle: p.packet_throttle(),
            packet_throttle_limit: p.packet_throttle_limit(),
            packet_throttle_counter: p.packet_throttle_counter(),
            packet_throttle_epoch: p.packet_throttle_epoch(),
            packet_throttle_acceleration: p.packet_throttle_acceleration(),
            packet_throttle_deceleration: p.packet_throttle_deceleration(),
            packet_throttle_interval: p.packet_throttle_interval(),
            incoming_bandwidth: p.incoming_bandwidth(),
            outgoing_bandwidth: p.outgoing_bandwidth(),
            incoming_data_total: p.incoming_data_total(),
            outgoing_data_total: p.outgoing_data_total(),
            ping_interval: ms(p.ping_interval()),
            timeout_limit: p.timeout_limit(),
            timeout_minimum: p.timeout_minimum(),
            timeout_maximum: p.timeout_maximum(),
            reliable_data_in_transit: p.reliable_data_in_transit(),
            window_size: p.window_size(),
        })
    }

    /// Peer slots in the Connected state.
    pub fn connected_peers(&mut self) -> Vec<PeerId> {
        self.host
            .connected_peers()
            .map(|p| PeerId(p.id().0))
            .collect()
    }

    // ----- host settings -----

    /// Godot's `ENetConnection.compress()`: a compressor for every datagram from now on, or
    /// None for none. Both ends must agree.
    pub fn compress(&mut self, compressor: Option<Box<dyn Compressor>>) {
        self.host.set_compressor(
            compressor.map(|c| Box::new(Hook(c)) as Box<dyn rusty_enet::Compressor>),
        );
    }

    /// Godot's `ENetConnection.compress(mode)`, with Godot's default project settings (zlib
    /// level -1, zstd level 3): the mode's compressor for every datagram from now on (NONE
    /// removes it). Not negotiated: both ends must use the same mode; a datagram the installed
    /// compressor cannot read is dropped and counted ([`HostCounters::decompress_failed`]).
    pub fn compress_mode(&mut self, mode: CompressionMode) {
        self.compress_mode_with(mode, &GodotSettings::default());
    }

    /// [`EnetHost::compress_mode`] with other values of the two project settings that reach the
    /// wire (`compression/formats/zlib|zstd/compression_level`).
    pub fn compress_mode_with(&mut self, mode: CompressionMode, settings: &GodotSettings) {
        self.host
            .set_compressor(crate::compression::codec_for(mode, settings));
    }

    /// ENet's own range coder (`enet_host_compress_with_range_coder`, Godot's
    /// `COMPRESS_RANGE_CODER`), rusty_enet's translation of `compress.c`; the same bytes as
    /// `compress_mode(CompressionMode::RangeCoder)`.
    pub fn compress_with_range_coder(&mut self) {
        self.host
            .set_compressor(Some(Box::new(rusty_enet::RangeCoder::new())));
    }

    /// `enet_host_bandwidth_limit` (0: unlimited).
    pub fn bandwidth_limit(&mut self, in_bandwidth: u32, out_bandwidth: u32) {
        // Only Some(0) is refused, and 0 maps to None.
        let _ = self.host.set_bandwidth_limit(
            (in_bandwidth > 0).then_some(in_bandwidth),
            (out_bandwidth > 0).then_some(out_bandwidth),
        );
    }

    /// `enet_host_channel_limit` for future connections (0: 255).
    pub fn channel_limit(&mut self, max_channels: usize) {
        let n = if max_channels == 0 {
            MAX_CHANNELS
        } else {
            max_channels.min(MAX_CHANNELS)
        };
        let _ = self.host.set_channel_limit(n);
    }

    /// Godot's `get_max_channels()`: the channel limit of future connections.
    pub fn max_channels(&self) -> usize {
        self.host.channel_limit()
    }

    /// Peer slots (the host's `max_peers`).
    pub fn max_peers(&self) -> usize {
        self.host.peer_limit()
    }

    /// The socket's local port.
    pub fn local_port(&self) -> u16 {
        self.host.socket().local_port()
    }

    /// Traffic and drop counters.
    pub fn counters(&self) -> HostCounters {
        let s = self.host.socket();
        HostCounters {
            datagrams_received: s.stats.packets_received,
            bytes_received: s.stats.bytes_received,
            datagrams_sent: s.stats.packets_sent,
            bytes_sent: s.stats.bytes_sent,
            datagrams_dropped: s.stats.packets_dropped,
            bytes_dropped: s.stats.bytes_dropped,
            os_dropped: s.os_dropped(),
            oversized: s.oversized,
            rejected: self.host.rejected_datagrams(),
            decompress_failed: self.host.decompress_failed(),
            send_would_block: s.send_would_block,
            send_errors: s.send_errors,
        }
    }

    /// The socket's readiness (the engine's reactor waits and watchers), for a binding that
    /// waits for datagrams off the calling thread and then calls `service(0)`. DTLS setup
    /// replaces the socket: the old readiness is closed then, read this again.
    pub fn readiness(&self) -> &Arc<Readiness> {
        self.host.socket().readiness()
    }

    /// The OS handle, for a binding that watches it on its own event loop. Valid while the host
    /// lives and until a DTLS setup replaces the socket (read it again after one).
    pub fn raw_socket(&self) -> RawSocket {
        self.host.socket().raw_socket()
    }

    /// Datagrams read from the OS and not yet handed to ENet: when non-zero, `service(0)` has
    /// work without the socket being readable.
    pub fn queued_datagrams(&self) -> usize {
        self.host.socket().queued()
    }
}

fn convert(ev: rusty_enet::Event<'_, EngineSocket>) -> Event {
    match ev {
        rusty_enet::Event::Connect { peer, data } => Event::Connect {
            peer: PeerId(peer.id().0),
            data,
        },
        rusty_enet::Event::Disconnect { peer, data } => Event::Disconnect {
            peer: PeerId(peer.id().0),
            data,
        },
        rusty_enet::Event::Receive {
            peer,
            channel_id,
            packet,
        } => Event::Receive {
            peer: PeerId(peer.id().0),
            channel: channel_id,
            packet: Packet(packet),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusty_enet::PacketKind;

    #[test]
    fn flags_map_as_enet_peer_send_reads_them() {
        let f = |bits| PacketFlags(bits).kind();
        assert_eq!(f(0), PacketKind::Unreliable { sequenced: true });
        assert_eq!(f(1), PacketKind::Reliable);
        assert_eq!(f(1 | 2 | 8), PacketKind::Reliable);
        assert_eq!(f(2), PacketKind::Unreliable { sequenced: false });
        assert_eq!(f(8), PacketKind::AlwaysUnreliable { sequenced: true });
        assert_eq!(f(2 | 8), PacketKind::AlwaysUnreliable { sequenced: false });
    }

    #[test]
    fn godot_argument_checks() {
        let bad = |c: HostConfig| EnetHost::create(&c).err();
        let ok = HostConfig::default();
        assert_eq!(
            bad(HostConfig { max_peers: 0, ..ok }),
            Some(ERR_INVALID_PARAMETER)
        );
        assert_eq!(
            bad(HostConfig {
                max_peers: 4096,
                ..ok
            }),
            Some(ERR_INVALID_PARAMETER)
        );
        assert_eq!(
            bad(HostConfig {
                max_channels: 256,
                ..ok
            }),
            Some(ERR_INVALID_PARAMETER)
        );
        let e = |a: &str, p: i64| EnetHost::create_bound(a, p, &ok).err();
        assert_eq!(e("localhost", 0), Some(ERR_INVALID_PARAMETER));
        assert_eq!(e("127.0.0.1", -1), Some(ERR_INVALID_PARAMETER));
        assert_eq!(e("127.0.0.1", 65536), Some(ERR_INVALID_PARAMETER));
        let h = EnetHost::create_bound("127.0.0.1", 0, &ok).unwrap();
        assert_ne!(h.local_port(), 0);
        assert_eq!(h.max_channels(), 255);
        assert_eq!(h.max_peers(), 32);
        // Port in use: Godot's ERR_CANT_CREATE.
        assert_eq!(
            e("127.0.0.1", i64::from(h.local_port())),
            Some(ERR_CANT_CREATE)
        );
    }
}

//! The host's public types: its configuration and limits, peer ids, packet flags and packets,
//! events, peer states and statistics, counters, and the compressor hook.

use rusty_enet::error::PeerSendError;
use rusty_enet::PacketKind;

use crate::address::EnetAddress;

/// Most peers a host may have (`ENET_PROTOCOL_MAXIMUM_PEER_ID`; Godot: 1..=4095).
pub const MAX_PEERS: usize = 4095;
/// Most channels a connection may have (`ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT`).
pub const MAX_CHANNELS: usize = 255;
/// Largest datagram ENet sends or reads (`ENET_PROTOCOL_MAXIMUM_MTU`).
pub const MTU_MAX: usize = rusty_enet::MTU_MAX;
/// Default size of the receive queue between the socket and ENet (bytes, Godot's per-datagram
/// accounting: 24 + payload each); storage grows on demand up to it.
pub const DEFAULT_RECV_QUEUE_BYTES: usize = 1 << 20;

/// What a host is created with (Godot's `create_host[_bound]` arguments, and two extensions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostConfig {
    /// 1..=4095 (Godot's default: 32).
    pub max_peers: usize,
    /// 0..=255, 0 meaning 255 (Godot's default: 0).
    pub max_channels: usize,
    /// Incoming bandwidth in bytes/s, 0 for unlimited.
    pub in_bandwidth: u32,
    /// Outgoing bandwidth in bytes/s, 0 for unlimited.
    pub out_bandwidth: u32,
    /// Extension: bytes of the bounded queue between the socket and ENet (rounded up to a power
    /// of two, at least 8192). What does not fit is dropped and counted.
    pub recv_queue_bytes: usize,
    /// Extension: SO_RCVBUF in bytes; None leaves the OS default, as Godot does.
    pub os_recv_buf_size: Option<usize>,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            max_peers: 32,
            max_channels: 0,
            in_bandwidth: 0,
            out_bandwidth: 0,
            recv_queue_bytes: DEFAULT_RECV_QUEUE_BYTES,
            os_recv_buf_size: None,
        }
    }
}

/// A peer slot of a host (its index in ENet's peer array, stable for the host's life).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeerId(pub usize);

/// ENet's packet flags, with Godot's `ENetPacketPeer.FLAG_*` values (the same numbers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PacketFlags(pub u32);

impl PacketFlags {
    /// Sequenced unreliable (no flag).
    pub const UNRELIABLE: PacketFlags = PacketFlags(0);
    /// `FLAG_RELIABLE` (1): acknowledged and resent until delivered, in order.
    pub const RELIABLE: PacketFlags = PacketFlags(1);
    /// `FLAG_UNSEQUENCED` (2): unreliable and unordered.
    pub const UNSEQUENCED: PacketFlags = PacketFlags(2);
    /// `FLAG_UNRELIABLE_FRAGMENT` (8): fragments of a large packet are sent unreliably.
    pub const UNRELIABLE_FRAGMENT: PacketFlags = PacketFlags(8);
    /// The flags Godot lets a sender use (`ENetPacketPeer::FLAG_ALLOWED`).
    pub const ALLOWED: u32 = 1 | 2 | 8;

    pub fn contains(self, other: PacketFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// How C ENet's `enet_peer_send` treats these flags: RELIABLE wins, then UNRELIABLE_FRAGMENT
    /// (with or without UNSEQUENCED), then UNSEQUENCED.
    pub(crate) fn kind(self) -> PacketKind {
        let sequenced = !self.contains(PacketFlags::UNSEQUENCED);
        if self.contains(PacketFlags::RELIABLE) {
            PacketKind::Reliable
        } else if self.contains(PacketFlags::UNRELIABLE_FRAGMENT) {
            PacketKind::AlwaysUnreliable { sequenced }
        } else {
            PacketKind::Unreliable { sequenced }
        }
    }
}

impl std::ops::BitOr for PacketFlags {
    type Output = PacketFlags;
    fn bitor(self, rhs: PacketFlags) -> PacketFlags {
        PacketFlags(self.0 | rhs.0)
    }
}

/// A received packet (ENet's, not copied).
#[derive(Debug)]
pub struct Packet(pub(crate) rusty_enet::Packet);

impl Packet {
    pub fn data(&self) -> &[u8] {
        self.0.data()
    }

    /// The flag of the command that delivered it: RELIABLE, UNSEQUENCED, UNRELIABLE_FRAGMENT, or
    /// none (sequenced unreliable), as C ENet sets it (Godot's `get_packet_flags()`).
    pub fn flags(&self) -> PacketFlags {
        PacketFlags(self.0.flags() & PacketFlags::ALLOWED)
    }
}

/// What [`EnetHost::service`] reports.
#[derive(Debug)]
pub enum Event {
    /// A connection completed: one we asked for, or a peer that connected to us. `data` is the
    /// 32-bit value of the peer's CONNECT (Godot's ENetMultiplayerPeer puts the client's id
    /// there); 0 for connections we made.
    Connect { peer: PeerId, data: u32 },
    /// A connection ended: a peer's DISCONNECT (with its data), or a timeout (data 0).
    Disconnect { peer: PeerId, data: u32 },
    /// A packet arrived on `channel`.
    Receive {
        peer: PeerId,
        channel: u8,
        packet: Packet,
    },
}

/// Why a packet was not queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendError {
    NoSuchPeer,
    NotConnected,
    InvalidChannel,
    PacketTooLarge,
    FragmentsExceeded,
    FailedToQueue,
}

impl From<PeerSendError> for SendError {
    fn from(e: PeerSendError) -> Self {
        match e {
            PeerSendError::NotConnected => SendError::NotConnected,
            PeerSendError::InvalidChannel => SendError::InvalidChannel,
            PeerSendError::PacketTooLarge => SendError::PacketTooLarge,
            PeerSendError::FragmentsExceeded => SendError::FragmentsExceeded,
            PeerSendError::FailedToQueue => SendError::FailedToQueue,
        }
    }
}

/// ENet's peer states, with Godot's `ENetPacketPeer.STATE_*` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum PeerState {
    Disconnected = 0,
    Connecting = 1,
    AcknowledgingConnect = 2,
    ConnectionPending = 3,
    ConnectionSucceeded = 4,
    Connected = 5,
    DisconnectLater = 6,
    Disconnecting = 7,
    AcknowledgingDisconnect = 8,
    Zombie = 9,
}

impl From<rusty_enet::PeerState> for PeerState {
    fn from(s: rusty_enet::PeerState) -> Self {
        use rusty_enet::PeerState as S;
        match s {
            S::Disconnected => PeerState::Disconnected,
            S::Connecting => PeerState::Connecting,
            S::AcknowledgingConnect => PeerState::AcknowledgingConnect,
            S::ConnectionPending => PeerState::ConnectionPending,
            S::ConnectionSucceeded => PeerState::ConnectionSucceeded,
            S::Connected => PeerState::Connected,
            S::DisconnectLater => PeerState::DisconnectLater,
            S::Disconnecting => PeerState::Disconnecting,
            S::AcknowledgingDisconnect => PeerState::AcknowledgingDisconnect,
            S::Zombie => PeerState::Zombie,
        }
    }
}

/// A peer's ENet statistics (`ENetPeer` fields; Godot's `ENetPacketPeer.get_statistic()` reads
/// the packet loss, round trip time and throttle values). Times in ms, ENet's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerStats {
    pub state: PeerState,
    pub address: Option<EnetAddress>,
    pub channel_count: usize,
    pub mtu: u16,
    pub round_trip_time: u32,
    pub round_trip_time_variance: u32,
    pub last_round_trip_time: u32,
    pub last_round_trip_time_variance: u32,
    /// Mean reliable packet loss, out of 65536 (`ENET_PEER_PACKET_LOSS_SCALE`).
    pub packet_loss: u32,
    pub packet_loss_variance: u32,
    pub packet_loss_epoch: u32,
    pub packets_sent: u32,
    pub packets_lost: u32,
    /// Out of 32 (`ENET_PEER_PACKET_THROTTLE_SCALE`).
    pub packet_throttle: u32,
    pub packet_throttle_limit: u32,
    pub packet_throttle_counter: u32,
    pub packet_throttle_epoch: u32,
    pub packet_throttle_acceleration: u32,
    pub packet_throttle_deceleration: u32,
    pub packet_throttle_interval: u32,
    pub incoming_bandwidth: u32,
    pub outgoing_bandwidth: u32,
    pub incoming_data_total: u32,
    pub outgoing_data_total: u32,
    pub ping_interval: u32,
    pub timeout_limit: u32,
    pub timeout_minimum: u32,
    pub timeout_maximum: u32,
    pub reliable_data_in_transit: u32,
    pub window_size: u32,
}

/// A host's traffic and drop counters, cumulative since it was created. A datagram read from
/// the OS is received (handed to ENet through the queue), dropped (queue full) or oversized.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostCounters {
    pub datagrams_received: u64,
    pub bytes_received: u64,
    pub datagrams_sent: u64,
    pub bytes_sent: u64,
    /// Refused by the full receive queue.
    pub datagrams_dropped: u64,
    pub bytes_dropped: u64,
    /// Discarded by the kernel for this socket (Linux: `sk_drops`, read with SO_MEMINFO; 0 elsewhere).
    pub os_dropped: u64,
    /// Longer than ENet's 4096-byte maximum: not ENet's (C ENet skips them too).
    pub oversized: u64,
    /// Handed to ENet and refused by it, whole or from a bad command on: garbage, unknown peer
    /// ids, wrong sessions, failed decompression, malformed or out-of-state commands, connects
    /// it could not accept.
    pub rejected: u64,
    /// Compressed datagrams refused (also in `rejected`): no compressor installed (Godot's
    /// COMPRESS_NONE), another mode than the sender's, a body that is malformed, lies about its
    /// size or decompresses to more than ENet's 4096-byte buffer (refused before it is written).
    pub decompress_failed: u64,
    /// Sends the OS refused for want of buffer room (dropped; reliable data is resent).
    pub send_would_block: u64,
    /// Sends that failed otherwise (each fails the service call that made it).
    pub send_errors: u64,
}

/// A compressor ENet runs on every datagram's body (ENet's `ENetCompressor` callbacks, the hook
/// Godot's `ENetConnection.compress()` fills). Compression is not negotiated: both ends must use
/// the same one.
pub trait Compressor: Send {
    /// Compresses `in_buffers` (`in_limit` bytes in all) into `out`; returns the length, or 0 to
    /// send the datagram uncompressed (ENet also does when the result is not smaller).
    fn compress(&mut self, in_buffers: &[&[u8]], in_limit: usize, out: &mut [u8]) -> usize;
    /// Decompresses `input` into `out`; returns the length, or 0 to refuse the datagram (ENet
    /// drops it; [`HostCounters::rejected`] counts it).
    fn decompress(&mut self, input: &[u8], out: &mut [u8]) -> usize;
}

pub(crate) struct Hook(pub(crate) Box<dyn Compressor>);

impl rusty_enet::Compressor for Hook {
    fn compress(&mut self, in_buffers: &[&[u8]], in_limit: usize, out: &mut [u8]) -> usize {
        self.0.compress(in_buffers, in_limit, out)
    }
    fn decompress(&mut self, in_data: &[u8], out: &mut [u8]) -> usize {
        self.0.decompress(in_data, out)
    }
}

//! `NativeEnetHost`: Godot's ENetConnection and the peer half of ENetPacketPeer over
//! `godot_udp_enet::EnetHost` (see `src-ts/native.ts` for the contract).
//!
//! Peers are named by handles: `serial * 4096 + slot`, a new serial each time a slot gets a JS
//! peer (Godot's `ENetPeer::data`). ENet reuses a slot once its peer is gone; an old handle then
//! names a slot whose serial moved on, so a stale JS peer can never act on the new occupant.

use godot_udp_enet::{
    CompressionMode, EnetAddress, EnetHost, Event, HostConfig, PacketFlags, PeerId, MAX_PEERS,
};
use godot_udp_engine::addr::{self, IpLiteral};
use godot_udp_engine::codes::{
    ERR_ALREADY_IN_USE, ERR_INVALID_PARAMETER, ERR_UNCONFIGURED, FAILED, OK,
};
use godot_udp_engine::resolve::resolve;
use napi::bindgen_prelude::{BufferSlice, Float64ArraySlice, Function, Uint8ArraySlice};
use napi::{Env, Result};
use napi_derive::napi;

use crate::convert::godot_int;
use crate::watch::JsWatcher;

/// Godot's `EventType`.
const EVENT_ERROR: f64 = -1.0;
const EVENT_NONE: f64 = 0.0;
const EVENT_CONNECT: f64 = 1.0;
const EVENT_DISCONNECT: f64 = 2.0;
const EVENT_RECEIVE: f64 = 3.0;

/// Handles carry the slot in their low part (slots are < 4096, ENet's peer id limit).
const SLOT_SPAN: u64 = 4096;

/// A JS number as a C `int` passed to an ENet `enet_uint32` parameter: Godot truncates the
/// Variant's int64 to 32 bits, so -1 becomes 0xFFFFFFFF.
pub(crate) fn c_u32(v: f64) -> u32 {
    godot_int(v) as u32
}

/// An `int` argument Godot range-checks as a C `int`: values outside i32 behave as the wrapped
/// value does in Godot (a Variant int64 truncated to 32 bits).
pub(crate) fn c_int(v: f64) -> i64 {
    i64::from(godot_int(v) as i32)
}

#[derive(Clone, Copy, Default)]
struct Slot {
    /// Serial of the JS peer attached to this slot, 0 when none.
    serial: u64,
}

#[napi]
pub struct NativeEnetHost {
    // Declared first so it drops first: the poll handle leaves libuv before the socket closes.
    pub(crate) watcher: JsWatcher,
    pub(crate) host: Option<EnetHost>,
    slots: Vec<Slot>,
    /// Last serial handed out; monotonic for this object's life (across destroy/create).
    serial: u64,
    /// Counter values at the last `pop_statistic` of each `HOST_*` statistic.
    popped: [u64; 4],
}

impl NativeEnetHost {
    fn attach(&mut self, slot: usize) -> f64 {
        self.serial += 1;
        if let Some(s) = self.slots.get_mut(slot) {
            s.serial = self.serial;
        }
        (self.serial * SLOT_SPAN + slot as u64) as f64
    }

    fn handle_of(&self, slot: usize) -> Option<f64> {
        let s = self.slots.get(slot)?;
        (s.serial != 0).then(|| (s.serial * SLOT_SPAN + slot as u64) as f64)
    }

    /// The slot a live handle names (None: stale, malformed, or no host).
    pub(crate) fn live(&self, handle: f64) -> Option<PeerId> {
        self.host.as_ref()?;
        if !(handle.is_finite() && handle >= 0.0 && handle.fract() == 0.0) {
            return None;
        }
        let h = handle as u64;
        let slot = (h % SLOT_SPAN) as usize;
        let serial = h / SLOT_SPAN;
        let s = self.slots.get(slot)?;
        (serial != 0 && s.serial == serial).then_some(PeerId(slot))
    }

    pub(crate) fn detach(&mut self, peer: PeerId) {
        if let Some(s) = self.slots.get_mut(peer.0) {
            s.serial = 0;
        }
    }

    fn created(&mut self, made: std::result::Result<EnetHost, i32>) -> i32 {
        match made {
            Ok(host) => {
                self.slots = vec![Slot::default(); host.max_peers()];
                self.popped = counter_values(&host);
                self.host = Some(host);
                OK
            }
            Err(code) => code,
        }
    }

    /// Godot's `_create` checks, in its order.
    fn config(
        &self,
        max_peers: f64,
        max_channels: f64,
        inb: f64,
        outb: f64,
    ) -> std::result::Result<HostConfig, i32> {
        if self.host.is_some() {
            return Err(ERR_ALREADY_IN_USE);
        }
        let (peers, channels, inb, outb) = (
            c_int(max_peers),
            c_int(max_channels),
            c_int(inb),
            c_int(outb),
        );
        if !(1..=MAX_PEERS as i64).contains(&peers)
            || !(0..=255).contains(&channels)
            || inb < 0
            || outb < 0
        {
            return Err(ERR_INVALID_PARAMETER);
        }
        Ok(HostConfig {
            max_peers: peers as usize,
            max_channels: channels as usize,
            in_bandwidth: inb as u32,
            out_bandwidth: outb as u32,
            ..HostConfig::default()
        })
    }

    pub(crate) fn peer_op(&mut self, handle: f64, f: impl FnOnce(&mut EnetHost, PeerId)) -> i32 {
        match self.live(handle) {
            Some(peer) => {
                if let Some(host) = self.host.as_mut() {
                    f(host, peer);
                }
                OK
            }
            None => ERR_UNCONFIGURED,
        }
    }
}

/// An address argument as Godot's `connect_to_host`/`socket_send` read it: an IP literal, else
/// a host name resolved by the OS (blocking, as Godot does).
fn destination(address: &str, port: i64) -> Option<EnetAddress> {
    let ip = match addr::parse(address) {
        IpLiteral::Addr(a) => a,
        IpLiteral::Wildcard => return None,
        IpLiteral::Invalid => resolve(address)?,
    };
    Some(EnetAddress::new(ip, u16::try_from(port).ok()?))
}

fn counter_values(host: &EnetHost) -> [u64; 4] {
    let c = host.counters();
    [
        c.bytes_sent,
        c.datagrams_sent,
        c.bytes_received,
        c.datagrams_received,
    ]
}

/// Sets Godot's compression `mode` (`Compressor::setup`): unknown modes change nothing.
fn set_compression(host: &mut EnetHost, mode: i64) {
    if let Some(mode) = CompressionMode::from_i64(mode) {
        host.compress_mode(mode);
    }
}

#[napi]
impl NativeEnetHost {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NativeEnetHost {
            watcher: JsWatcher::default(),
            host: None,
            slots: Vec::new(),
            serial: 0,
            popped: [0; 4],
        }
    }

    #[napi(catch_unwind)]
    pub fn create_host_bound(
        &mut self,
        bind_address: String,
        port: f64,
        max_peers: f64,
        max_channels: f64,
        in_bandwidth: f64,
        out_bandwidth: f64,
    ) -> i32 {
        if matches!(addr::parse(&bind_address), IpLiteral::Invalid) {
            return ERR_INVALID_PARAMETER;
        }
        let port = c_int(port);
        if !(0..=65535).contains(&port) {
            return ERR_INVALID_PARAMETER;
        }
        match self.config(max_peers, max_channels, in_bandwidth, out_bandwidth) {
            Ok(config) => {
                let made = EnetHost::create_bound(&bind_address, port, &config);
                self.created(made)
            }
            Err(code) => code,
        }
    }

    #[napi(catch_unwind)]
    pub fn create_host(
        &mut self,
        max_peers: f64,
        max_channels: f64,
        in_bandwidth: f64,
        out_bandwidth: f64,
    ) -> i32 {
        match self.config(max_peers, max_channels, in_bandwidth, out_bandwidth) {
            Ok(config) => {
                let made = EnetHost::create(&config);
                self.created(made)
            }
            Err(code) => code,
        }
    }

    #[napi(catch_unwind)]
    pub fn is_active(&self) -> bool {
        self.host.is_some()
    }

    /// Godot `destroy`: every peer handle goes stale; the watch ends (one last asynchronous
    /// ERR_UNCONFIGURED call, as NativePeer's close).
    #[napi(catch_unwind)]
    pub fn destroy(&mut self) {
        self.watcher.finish();
        self.host = None;
        self.slots.clear();
    }

    /// Godot `connect_to_host` (its checks but the "already connected" one, which the facade
    /// makes): the new peer's handle, or -1.
    #[napi(catch_unwind)]
    pub fn connect_to_host(&mut self, address: String, port: f64, channels: f64, data: f64) -> f64 {
        let Some(host) = self.host.as_mut() else {
            return -1.0;
        };
        let port = c_int(port);
        if !(1..=65535).contains(&port) {
            return -1.0;
        }
        let Some(dest) = destination(&address, port) else {
            return -1.0;
        };
        let channels = c_int(channels);
        let channels = if channels > 0 { channels as usize } else { 0 };
        match host.connect(dest, channels, c_u32(data)) {
            Some(peer) => self.attach(peer.0),
            None => -1.0,
        }
    }

    /// One `service(0)` pass. Writes `[type, handle, data, channel, flags, isNew]` into `out`
    /// (6 numbers) and returns the received packet (a copy) for EVENT_RECEIVE, else null.
    #[napi(catch_unwind)]
    pub fn service<'e>(
        &mut self,
        env: &'e Env,
        mut out: Float64ArraySlice,
    ) -> Result<Option<BufferSlice<'e>>> {
        // SAFETY: the JS thread is inside this call, so no JS code touches the view concurrently;
        // writes stay within its length.
        let out = unsafe { out.as_mut() };
        let mut row = [EVENT_NONE, -1.0, 0.0, 0.0, 0.0, 0.0];
        let mut packet = None;
        match self.host.as_mut().map(|h| h.service(0)) {
            None | Some(Err(_)) => row[0] = EVENT_ERROR,
            Some(Ok(None)) => {}
            Some(Ok(Some(Event::Connect { peer, data }))) => {
                row[0] = EVENT_CONNECT;
                row[2] = f64::from(data);
                match self.handle_of(peer.0) {
                    Some(h) => row[1] = h,
                    None => {
                        row[1] = self.attach(peer.0);
                        row[5] = 1.0;
                    }
                }
            }
            Some(Ok(Some(Event::Disconnect { peer, data }))) => match self.handle_of(peer.0) {
                Some(h) => {
                    row = [EVENT_DISCONNECT, h, f64::from(data), 0.0, 0.0, 0.0];
                    self.detach(peer);
                }
                None => row[0] = EVENT_ERROR,
            },
            Some(Ok(Some(Event::Receive {
                peer,
                channel,
                packet: p,
            }))) => match self.handle_of(peer.0) {
                Some(h) => {
                    row = [
                        EVENT_RECEIVE,
                        h,
                        0.0,
                        f64::from(channel),
                        f64::from(p.flags().0),
                        0.0,
                    ];
                    packet = Some(BufferSlice::copy_from(env, p.data())?);
                }
                // Godot: a packet for a peer with no ENetPacketPeer is an EVENT_ERROR.
                None => row[0] = EVENT_ERROR,
            },
        }
        let n = out.len().min(row.len());
        out[..n].copy_from_slice(&row[..n]);
        Ok(packet)
    }

    /// Datagrams read from the OS and not yet handed to ENet (work for `service` without the
    /// socket being readable).
    #[napi(catch_unwind)]
    pub fn queued_datagrams(&self) -> f64 {
        self.host
            .as_ref()
            .map_or(0.0, |h| h.queued_datagrams() as f64)
    }

    #[napi(catch_unwind)]
    pub fn flush(&mut self) {
        if let Some(h) = self.host.as_mut() {
            h.flush();
        }
    }

    #[napi(catch_unwind)]
    pub fn compress(&mut self, mode: f64) {
        if let Some(h) = self.host.as_mut() {
            set_compression(h, godot_int(mode));
        }
    }

    #[napi(catch_unwind)]
    pub fn bandwidth_limit(&mut self, in_bandwidth: f64, out_bandwidth: f64) {
        if let Some(h) = self.host.as_mut() {
            h.bandwidth_limit(c_u32(in_bandwidth), c_u32(out_bandwidth));
        }
    }

    #[napi(catch_unwind)]
    pub fn channel_limit(&mut self, limit: f64) {
        if let Some(h) = self.host.as_mut() {
            // enet_host_channel_limit: 0 or above the maximum means the maximum.
            h.channel_limit(c_u32(limit) as usize);
        }
    }

    /// Godot `broadcast` with `_broadcast`'s checks; returns what Godot prints as an error.
    #[napi(catch_unwind)]
    pub fn broadcast(&mut self, channel: f64, packet: Uint8ArraySlice, flags: f64) -> i32 {
        let Some(h) = self.host.as_mut() else {
            return ERR_UNCONFIGURED;
        };
        let (channel, flags) = (c_int(channel), c_int(flags));
        let limit = h.max_channels() as i64;
        if channel < 0 || channel >= limit || flags & !(PacketFlags::ALLOWED as i64) != 0 {
            return ERR_INVALID_PARAMETER;
        }
        h.broadcast(channel as u8, &packet, PacketFlags(flags as u32));
        OK
    }

    /// Godot `pop_statistic`: the `HOST_*` total since the last pop (ENet's u32 counters wrap).
    #[napi(catch_unwind)]
    pub fn pop_statistic(&mut self, statistic: f64) -> f64 {
        let Some(h) = self.host.as_ref() else {
            return 0.0;
        };
        let stat = godot_int(statistic);
        let Some(i) = usize::try_from(stat).ok().filter(|i| *i < 4) else {
            return 0.0;
        };
        let now = counter_values(h)[i];
        let value = now.wrapping_sub(self.popped[i]) as u32;
        self.popped[i] = now;
        f64::from(value)
    }

    #[napi(catch_unwind)]
    pub fn get_max_channels(&self) -> u32 {
        self.host.as_ref().map_or(0, |h| h.max_channels() as u32)
    }

    #[napi(catch_unwind)]
    pub fn get_local_port(&self) -> u32 {
        self.host.as_ref().map_or(0, |h| u32::from(h.local_port()))
    }

    /// Godot `socket_send`: OK, ERR_UNCONFIGURED (no host), ERR_INVALID_PARAMETER (port,
    /// address), FAILED (the OS refused it or its buffer was full).
    #[napi(catch_unwind)]
    pub fn socket_send(&mut self, address: String, port: f64, packet: Uint8ArraySlice) -> i32 {
        let Some(h) = self.host.as_mut() else {
            return ERR_UNCONFIGURED;
        };
        let port = c_int(port);
        if !(1..=65535).contains(&port) {
            return ERR_INVALID_PARAMETER;
        }
        let Some(dest) = destination(&address, port) else {
            return ERR_INVALID_PARAMETER;
        };
        match h.socket_send(dest, &packet) {
            Ok(true) => OK,
            _ => FAILED,
        }
    }

    #[napi(catch_unwind)]
    pub fn counters(&self) -> NativeEnetCounters {
        let c = self.host.as_ref().map(|h| h.counters()).unwrap_or_default();
        NativeEnetCounters {
            datagrams_received: c.datagrams_received as f64,
            bytes_received: c.bytes_received as f64,
            datagrams_sent: c.datagrams_sent as f64,
            bytes_sent: c.bytes_sent as f64,
            datagrams_dropped: c.datagrams_dropped as f64,
            bytes_dropped: c.bytes_dropped as f64,
            os_dropped: c.os_dropped as f64,
            oversized: c.oversized as f64,
            rejected: c.rejected as f64,
            send_would_block: c.send_would_block as f64,
            send_errors: c.send_errors as f64,
        }
    }

    // ----- event mode -----

    #[napi(catch_unwind)]
    pub fn watch(&mut self, env: &Env, on_readable: Function<'_, i32, ()>) -> i32 {
        match self.host.as_ref() {
            // Port 0: a DTLS setup could not open the address again; no socket to watch.
            Some(h) if h.local_port() != 0 => {
                let fd = h.raw_socket();
                self.watcher.start(env, fd, on_readable)
            }
            _ => ERR_UNCONFIGURED,
        }
    }

    #[napi(catch_unwind)]
    pub fn rearm(&mut self) {
        self.watcher.rearm();
    }

    #[napi(catch_unwind)]
    pub fn unwatch(&mut self) {
        self.watcher.stop();
    }

    #[napi(js_name = "ref", catch_unwind)]
    pub fn keep_alive(&mut self) {
        self.watcher.set_ref(true);
    }

    #[napi(catch_unwind)]
    pub fn unref(&mut self) {
        self.watcher.set_ref(false);
    }
}

/// A host's traffic and drop counters (see `godot_udp_enet::HostCounters`).
#[napi(object)]
pub struct NativeEnetCounters {
    pub datagrams_received: f64,
    pub bytes_received: f64,
    pub datagrams_sent: f64,
    pub bytes_sent: f64,
    pub datagrams_dropped: f64,
    pub bytes_dropped: f64,
    pub os_dropped: f64,
    pub oversized: f64,
    pub rejected: f64,
    pub send_would_block: f64,
    pub send_errors: f64,
}

//! `NativeEnetHost`'s ENetPacketPeer half: Godot's peer methods, addressed by handle (see
//! `src/enet.rs` for what a handle is). A stale handle gets Godot's "inactive" answer.

use godot_udp_enet::{EnetAddress, PacketFlags};
use godot_udp_engine::codes::{ERR_INVALID_PARAMETER, ERR_UNCONFIGURED, FAILED, OK};
use napi::bindgen_prelude::Uint8ArraySlice;
use napi_derive::napi;

use crate::convert::godot_int;
use crate::enet::{c_int, c_u32, NativeEnetHost};

#[napi]
impl NativeEnetHost {
    // ----- peers, by handle -----

    #[napi(catch_unwind)]
    pub fn peer_is_active(&self, handle: f64) -> bool {
        self.live(handle).is_some()
    }

    /// Godot `ENetPacketPeer._send`'s checks and `send`: OK, ERR_UNCONFIGURED,
    /// ERR_INVALID_PARAMETER, or FAILED (ENet refused it; also channel == channel count, which
    /// Godot's first check lets through).
    #[napi(catch_unwind)]
    pub fn peer_send(
        &mut self,
        handle: f64,
        channel: f64,
        packet: Uint8ArraySlice,
        flags: f64,
    ) -> i32 {
        let Some(peer) = self.live(handle) else {
            return ERR_UNCONFIGURED;
        };
        let Some(h) = self.host.as_mut() else {
            return ERR_UNCONFIGURED;
        };
        let count = h.peer_stats(peer).map_or(0, |s| s.channel_count) as i64;
        let (channel, flags) = (c_int(channel), c_int(flags));
        if channel < 0 || channel > count || flags & !(PacketFlags::ALLOWED as i64) != 0 {
            return ERR_INVALID_PARAMETER;
        }
        if channel == count {
            return FAILED;
        }
        match h.send(peer, channel as u8, &packet, PacketFlags(flags as u32)) {
            Ok(()) => OK,
            Err(_) => FAILED,
        }
    }

    /// `mode` 0: `peer_disconnect`, 1: `_later`, 2: `_now` (the handle goes stale, no event).
    #[napi(catch_unwind)]
    pub fn peer_disconnect(&mut self, handle: f64, data: f64, mode: u32) -> i32 {
        let data = c_u32(data);
        let code = self.peer_op(handle, |h, p| match mode {
            0 => h.disconnect(p, data),
            1 => h.disconnect_later(p, data),
            _ => h.disconnect_now(p, data),
        });
        if mode >= 2 {
            if let Some(p) = self.live(handle) {
                self.detach(p);
            }
        }
        code
    }

    /// Godot `reset`: forgets the peer; the handle goes stale.
    #[napi(catch_unwind)]
    pub fn peer_reset(&mut self, handle: f64) -> i32 {
        let code = self.peer_op(handle, |h, p| h.reset(p));
        if let Some(p) = self.live(handle) {
            self.detach(p);
        }
        code
    }

    #[napi(catch_unwind)]
    pub fn peer_ping(&mut self, handle: f64) -> i32 {
        self.peer_op(handle, |h, p| h.ping(p))
    }

    #[napi(catch_unwind)]
    pub fn peer_ping_interval(&mut self, handle: f64, ms: f64) -> i32 {
        let ms = c_u32(ms);
        self.peer_op(handle, |h, p| h.set_ping_interval(p, ms))
    }

    /// Godot `set_timeout`: ERR_INVALID_PARAMETER unless limit <= min <= max (as C ints).
    #[napi(catch_unwind)]
    pub fn peer_set_timeout(&mut self, handle: f64, limit: f64, min: f64, max: f64) -> i32 {
        if self.live(handle).is_none() {
            return ERR_UNCONFIGURED;
        }
        let (limit, min, max) = (c_int(limit), c_int(min), c_int(max));
        if limit > min || min > max {
            return ERR_INVALID_PARAMETER;
        }
        self.peer_op(handle, |h, p| {
            h.set_timeout(p, limit as u32, min as u32, max as u32)
        })
    }

    #[napi(catch_unwind)]
    pub fn peer_throttle_configure(
        &mut self,
        handle: f64,
        interval: f64,
        acceleration: f64,
        deceleration: f64,
    ) -> i32 {
        let (i, a, d) = (c_u32(interval), c_u32(acceleration), c_u32(deceleration));
        self.peer_op(handle, |h, p| h.throttle_configure(p, i, a, d))
    }

    /// The remote IP as Godot prints it; "" when the handle is stale.
    #[napi(catch_unwind)]
    pub fn peer_address(&self, handle: f64) -> String {
        self.peer_addr(handle)
            .map_or_else(String::new, |a| a.ip_string())
    }

    #[napi(catch_unwind)]
    pub fn peer_port(&self, handle: f64) -> u32 {
        self.peer_addr(handle).map_or(0, |a| u32::from(a.port))
    }

    /// Godot `get_state`: STATE_DISCONNECTED (0) when the handle is stale.
    #[napi(catch_unwind)]
    pub fn peer_state(&self, handle: f64) -> u32 {
        self.live(handle)
            .and_then(|p| self.host.as_ref()?.peer_state(p))
            .map_or(0, |s| s as u32)
    }

    #[napi(catch_unwind)]
    pub fn peer_channels(&self, handle: f64) -> u32 {
        self.live(handle)
            .and_then(|p| self.host.as_ref()?.peer_stats(p))
            .map_or(0, |s| s.channel_count as u32)
    }

    /// Godot `get_statistic` (`PEER_*`, 0..=13); 0 for a stale handle or another number.
    #[napi(catch_unwind)]
    pub fn peer_statistic(&self, handle: f64, statistic: f64) -> f64 {
        let Some(s) = self
            .live(handle)
            .and_then(|p| self.host.as_ref()?.peer_stats(p))
        else {
            return 0.0;
        };
        let v = match godot_int(statistic) {
            0 => s.packet_loss,
            1 => s.packet_loss_variance,
            2 => s.packet_loss_epoch,
            3 => s.round_trip_time,
            4 => s.round_trip_time_variance,
            5 => s.last_round_trip_time,
            6 => s.last_round_trip_time_variance,
            7 => s.packet_throttle,
            8 => s.packet_throttle_limit,
            9 => s.packet_throttle_counter,
            10 => s.packet_throttle_epoch,
            11 => s.packet_throttle_acceleration,
            12 => s.packet_throttle_deceleration,
            13 => s.packet_throttle_interval,
            _ => 0,
        };
        f64::from(v)
    }
}

impl NativeEnetHost {
    fn peer_addr(&self, handle: f64) -> Option<EnetAddress> {
        let p = self.live(handle)?;
        self.host.as_ref()?.peer_address(p)
    }
}

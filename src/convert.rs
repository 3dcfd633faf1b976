//! Conversions between JS numbers/objects and the engine's types.

use godot_udp_engine::Stats;
use napi_derive::napi;

/// A JS number as Godot's `int` parameter: truncated toward zero, saturating; NaN becomes a
/// value every range check rejects.
pub fn godot_int(v: f64) -> i64 {
    if v.is_nan() {
        i64::MIN
    } else {
        v.trunc() as i64
    }
}

/// Traffic counters of one socket.
#[napi(object)]
pub struct NativeStats {
    pub packets_received: f64,
    pub bytes_received: f64,
    pub packets_sent: f64,
    pub bytes_sent: f64,
    pub packets_dropped: f64,
    pub bytes_dropped: f64,
    /// Kernel buffers the OS dropped for this socket (Linux: `sk_drops`, read with SO_MEMINFO; 0 elsewhere).
    pub os_dropped: f64,
}

impl From<Stats> for NativeStats {
    fn from(s: Stats) -> Self {
        NativeStats {
            packets_received: s.packets_received as f64,
            bytes_received: s.bytes_received as f64,
            packets_sent: s.packets_sent as f64,
            bytes_sent: s.bytes_sent as f64,
            packets_dropped: s.packets_dropped as f64,
            bytes_dropped: s.bytes_dropped as f64,
            os_dropped: s.os_dropped as f64,
        }
    }
}

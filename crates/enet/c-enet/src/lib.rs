//! Upstream C ENet for godot-udp-enet's interop tests: a host of the reference implementation,
//! on its own (IPv4) sockets, driven through the flat functions of `shim.c`. Test support only.

use std::ffi::{c_char, c_int, c_uchar, c_uint, c_ushort, c_void, CString};

mod ffi {
    use super::*;

    extern "C" {
        pub fn gu_enet_initialize() -> c_int;
        pub fn gu_enet_linked_version() -> c_uint;
        pub fn gu_host_create(
            bind_ip: *const c_char,
            port: c_ushort,
            peers: usize,
            channels: usize,
            in_bw: c_uint,
            out_bw: c_uint,
        ) -> *mut c_void;
        pub fn gu_host_destroy(host: *mut c_void);
        pub fn gu_host_port(host: *mut c_void) -> c_int;
        pub fn gu_host_compress_with_range_coder(host: *mut c_void) -> c_int;
        pub fn gu_host_connect(
            host: *mut c_void,
            ip: *const c_char,
            port: c_ushort,
            channels: usize,
            data: c_uint,
        ) -> c_int;
        #[allow(clippy::too_many_arguments)]
        pub fn gu_host_service(
            host: *mut c_void,
            timeout: c_uint,
            kind: *mut c_int,
            peer: *mut c_int,
            channel: *mut c_uchar,
            data: *mut c_uint,
            flags: *mut c_uint,
            buf: *mut c_uchar,
            cap: usize,
            len: *mut usize,
        ) -> c_int;
        pub fn gu_host_flush(host: *mut c_void);
        pub fn gu_peer_send(
            host: *mut c_void,
            peer: c_int,
            channel: c_uchar,
            data: *const c_uchar,
            len: usize,
            flags: c_uint,
        ) -> c_int;
        pub fn gu_peer_disconnect(host: *mut c_void, peer: c_int, data: c_uint, how: c_int);
        pub fn gu_peer_state(host: *mut c_void, peer: c_int) -> c_int;
        pub fn gu_peer_rtt(host: *mut c_void, peer: c_int) -> c_uint;
        pub fn gu_peer_timeout(
            host: *mut c_void,
            peer: c_int,
            limit: c_uint,
            minimum: c_uint,
            maximum: c_uint,
        );
    }
}

/// ENet's packet flags (`enet.h`).
pub const FLAG_RELIABLE: u32 = 1;
pub const FLAG_UNSEQUENCED: u32 = 2;
pub const FLAG_UNRELIABLE_FRAGMENT: u32 = 8;

/// `ENET_PEER_STATE_CONNECTED`.
pub const STATE_CONNECTED: i32 = 5;
/// `ENET_PEER_STATE_DISCONNECTED`.
pub const STATE_DISCONNECTED: i32 = 0;

/// An event of the C host, with a received packet copied out (and destroyed in C).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CEvent {
    Connect {
        peer: i32,
        data: u32,
    },
    Disconnect {
        peer: i32,
        data: u32,
    },
    Receive {
        peer: i32,
        channel: u8,
        flags: u32,
        data: Vec<u8>,
    },
}

/// How [`CHost::disconnect`] ends a connection.
#[derive(Debug, Clone, Copy)]
pub enum How {
    Disconnect = 0,
    Later = 1,
    Now = 2,
    Reset = 3,
}

/// The version C ENet reports (`ENET_VERSION`: major << 16 | minor << 8 | patch).
pub fn linked_version() -> (u32, u32, u32) {
    // SAFETY: a pure function of the C library.
    let v = unsafe { ffi::gu_enet_linked_version() };
    (v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff)
}

/// A C ENet host (`ENetHost *`), destroyed on drop.
pub struct CHost {
    host: *mut c_void,
    buf: Vec<u8>,
}

// SAFETY: an ENetHost has no thread affinity; `CHost` owns it exclusively and every call takes
// `&mut self`, so it is used by one thread at a time.
unsafe impl Send for CHost {}

impl CHost {
    /// `enet_host_create` bound to `ip:port` (`None`: not bound), IPv4 only (upstream ENet).
    pub fn new(
        bind: Option<(&str, u16)>,
        peers: usize,
        channels: usize,
        in_bw: u32,
        out_bw: u32,
    ) -> Option<CHost> {
        // SAFETY: idempotent global set-up of the C library.
        if unsafe { ffi::gu_enet_initialize() } != 0 {
            return None;
        }
        let ip = bind.map(|(ip, _)| CString::new(ip).expect("no NUL"));
        let port = bind.map_or(0, |(_, p)| p);
        let ip_ptr = ip.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
        // SAFETY: `ip_ptr` is null or a NUL-terminated string alive for the call.
        let host = unsafe { ffi::gu_host_create(ip_ptr, port, peers, channels, in_bw, out_bw) };
        (!host.is_null()).then(|| CHost {
            host,
            buf: vec![0; 1 << 20],
        })
    }

    /// The bound port (`enet_socket_get_address`).
    pub fn port(&mut self) -> u16 {
        // SAFETY: `host` is a live ENetHost owned by self.
        let p = unsafe { ffi::gu_host_port(self.host) };
        u16::try_from(p).unwrap_or(0)
    }

    /// `enet_host_compress_with_range_coder`.
    pub fn compress_with_range_coder(&mut self) -> bool {
        // SAFETY: `host` is a live ENetHost owned by self.
        unsafe { ffi::gu_host_compress_with_range_coder(self.host) == 0 }
    }

    /// `enet_host_connect` to an IPv4 literal; the peer's index, or None.
    pub fn connect(&mut self, ip: &str, port: u16, channels: usize, data: u32) -> Option<i32> {
        let ip = CString::new(ip).expect("no NUL");
        // SAFETY: live host; `ip` is NUL-terminated and alive for the call.
        let i = unsafe { ffi::gu_host_connect(self.host, ip.as_ptr(), port, channels, data) };
        (i >= 0).then_some(i)
    }

    /// One `enet_host_service` (waiting up to `timeout_ms` on its socket). Err on a host error.
    pub fn service(&mut self, timeout_ms: u32) -> Result<Option<CEvent>, i32> {
        let (mut kind, mut peer, mut channel, mut data, mut flags, mut len) = (0, 0, 0, 0, 0, 0);
        // SAFETY: live host; every output points at a local; `buf` holds `buf.len()` bytes.
        let r = unsafe {
            ffi::gu_host_service(
                self.host,
                timeout_ms,
                &mut kind,
                &mut peer,
                &mut channel,
                &mut data,
                &mut flags,
                self.buf.as_mut_ptr(),
                self.buf.len(),
                &mut len,
            )
        };
        if r < 0 {
            return Err(r);
        }
        Ok(match kind {
            1 => Some(CEvent::Connect { peer, data }),
            2 => Some(CEvent::Disconnect { peer, data }),
            3 => {
                assert!(
                    len <= self.buf.len(),
                    "test packet larger than the copy buffer"
                );
                Some(CEvent::Receive {
                    peer,
                    channel,
                    flags,
                    data: self.buf[..len].to_vec(),
                })
            }
            _ => None,
        })
    }

    /// `enet_host_flush`.
    pub fn flush(&mut self) {
        // SAFETY: live host.
        unsafe { ffi::gu_host_flush(self.host) }
    }

    /// `enet_peer_send` of a copy of `data`; false when ENet refused it.
    pub fn send(&mut self, peer: i32, channel: u8, data: &[u8], flags: u32) -> bool {
        // SAFETY: live host; `data` is valid for `data.len()` bytes (C copies it).
        unsafe {
            ffi::gu_peer_send(self.host, peer, channel, data.as_ptr(), data.len(), flags) == 0
        }
    }

    /// `enet_peer_disconnect` / `_later` / `_now` / `enet_peer_reset`.
    pub fn disconnect(&mut self, peer: i32, data: u32, how: How) {
        // SAFETY: live host; the shim checks the index.
        unsafe { ffi::gu_peer_disconnect(self.host, peer, data, how as c_int) }
    }

    /// The peer's `ENetPeerState` (-1: no such peer).
    pub fn peer_state(&mut self, peer: i32) -> i32 {
        // SAFETY: live host; the shim checks the index.
        unsafe { ffi::gu_peer_state(self.host, peer) }
    }

    /// The peer's mean round trip time, ms.
    pub fn peer_rtt(&mut self, peer: i32) -> u32 {
        // SAFETY: live host; the shim checks the index.
        unsafe { ffi::gu_peer_rtt(self.host, peer) }
    }

    /// `enet_peer_timeout`.
    pub fn peer_timeout(&mut self, peer: i32, limit: u32, minimum: u32, maximum: u32) {
        // SAFETY: live host; the shim checks the index.
        unsafe { ffi::gu_peer_timeout(self.host, peer, limit, minimum, maximum) }
    }
}

impl Drop for CHost {
    fn drop(&mut self) {
        // SAFETY: `host` came from enet_host_create and is destroyed once, here (closing its
        // socket).
        unsafe { ffi::gu_host_destroy(self.host) }
    }
}

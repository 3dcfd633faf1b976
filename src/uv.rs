//! The few libuv functions the watcher uses. libuv is part of the node binary, like Node-API.
//! On Unix its symbols resolve when the addon is loaded (undefined in the addon, found in the
//! process; macOS links with `-undefined dynamic_lookup`). Windows has no such lookup: a DLL must
//! name the module it imports from, and the node binary may be `node.exe` or embedded under
//! another name, so the functions are looked up at first use in the process's main module, as
//! napi-rs does for Node-API itself. A missing symbol makes watching fail with FAILED.

use std::ffi::c_void;
use std::os::raw::c_int;

use napi::sys;

/// An opaque libuv handle: only pointers to it are used.
#[repr(C)]
pub struct UvHandle {
    _opaque: [u8; 0],
}

/// `uv_os_sock_t`: a descriptor on Unix, a `SOCKET` on Windows.
#[cfg(unix)]
pub type OsSock = c_int;
#[cfg(windows)]
pub type OsSock = usize;

pub type UvPollCb = unsafe extern "C" fn(handle: *mut UvHandle, status: c_int, events: c_int);
pub type UvCloseCb = unsafe extern "C" fn(handle: *mut UvHandle);

/// The addon's socket handle as libuv takes it.
pub fn os_sock(raw: godot_udp_engine::RawSocket) -> OsSock {
    raw as OsSock
}

/// Whether a readiness libuv reports is still there. On Unix libuv polls with epoll or kqueue,
/// level-triggered: a report is current. On Windows a poll handle is an AFD poll request that
/// libuv submits again after each report, and it can report a readiness already consumed (a
/// datagram drained into the queue meanwhile, as scripts/cross-test.sh found under wine): asked
/// again with WSAPoll there.
#[cfg(unix)]
pub fn readiness_is_current(_sock: godot_udp_engine::RawSocket) -> bool {
    true
}
#[cfg(windows)]
pub fn readiness_is_current(sock: godot_udp_engine::RawSocket) -> bool {
    godot_udp_engine::io::poll_level(sock, 0) != godot_udp_engine::io::Level::Idle
}

#[cfg(unix)]
pub use linked::*;

#[cfg(unix)]
mod linked {
    use super::*;

    extern "C" {
        pub fn uv_handle_size(kind: c_int) -> usize;
        pub fn uv_poll_init_socket(
            event_loop: *mut sys::uv_loop_s,
            handle: *mut UvHandle,
            sock: OsSock,
        ) -> c_int;
        pub fn uv_poll_start(handle: *mut UvHandle, events: c_int, cb: UvPollCb) -> c_int;
        pub fn uv_poll_stop(handle: *mut UvHandle) -> c_int;
        pub fn uv_close(handle: *mut UvHandle, cb: UvCloseCb);
        pub fn uv_ref(handle: *mut UvHandle);
        pub fn uv_unref(handle: *mut UvHandle);
        pub fn uv_handle_get_data(handle: *const UvHandle) -> *mut c_void;
        pub fn uv_handle_set_data(handle: *mut UvHandle, data: *mut c_void);
    }
}

#[cfg(windows)]
pub use loaded::*;

#[cfg(windows)]
mod loaded {
    use super::*;
    use std::sync::OnceLock;

    /// libuv's functions, found in the process's main module.
    struct Uv {
        handle_size: unsafe extern "C" fn(c_int) -> usize,
        poll_init_socket: unsafe extern "C" fn(*mut sys::uv_loop_s, *mut UvHandle, OsSock) -> c_int,
        poll_start: unsafe extern "C" fn(*mut UvHandle, c_int, UvPollCb) -> c_int,
        poll_stop: unsafe extern "C" fn(*mut UvHandle) -> c_int,
        close: unsafe extern "C" fn(*mut UvHandle, UvCloseCb),
        ref_: unsafe extern "C" fn(*mut UvHandle),
        unref: unsafe extern "C" fn(*mut UvHandle),
        get_data: unsafe extern "C" fn(*const UvHandle) -> *mut c_void,
        set_data: unsafe extern "C" fn(*mut UvHandle, *mut c_void),
    }

    fn uv() -> Option<&'static Uv> {
        static UV: OnceLock<Option<Uv>> = OnceLock::new();
        UV.get_or_init(|| {
            let host = libloading::os::windows::Library::this().ok()?;
            // SAFETY: each symbol is libuv's exported function of the signature it is read as
            // (uv.h); the main module stays loaded for the life of the process, so the pointers
            // stay valid after `host` is dropped.
            unsafe {
                Some(Uv {
                    handle_size: *host.get(b"uv_handle_size\0").ok()?,
                    poll_init_socket: *host.get(b"uv_poll_init_socket\0").ok()?,
                    poll_start: *host.get(b"uv_poll_start\0").ok()?,
                    poll_stop: *host.get(b"uv_poll_stop\0").ok()?,
                    close: *host.get(b"uv_close\0").ok()?,
                    ref_: *host.get(b"uv_ref\0").ok()?,
                    unref: *host.get(b"uv_unref\0").ok()?,
                    get_data: *host.get(b"uv_handle_get_data\0").ok()?,
                    set_data: *host.get(b"uv_handle_set_data\0").ok()?,
                })
            }
        })
        .as_ref()
    }

    /// 0 when libuv was not found: the caller then refuses to watch. Every other function is
    /// called only on a handle that was initialised, hence after this found libuv.
    pub unsafe fn uv_handle_size(kind: c_int) -> usize {
        match uv() {
            // SAFETY: libuv's function, called as uv.h declares it.
            Some(uv) => unsafe { (uv.handle_size)(kind) },
            None => 0,
        }
    }

    /// The functions below are reached only after `uv_handle_size` found libuv.
    fn found() -> &'static Uv {
        uv().expect("libuv was found before any handle was initialised")
    }

    pub unsafe fn uv_poll_init_socket(
        event_loop: *mut sys::uv_loop_s,
        handle: *mut UvHandle,
        sock: OsSock,
    ) -> c_int {
        // SAFETY: forwarded as the caller's contract for libuv's function.
        unsafe { (found().poll_init_socket)(event_loop, handle, sock) }
    }
    pub unsafe fn uv_poll_start(handle: *mut UvHandle, events: c_int, cb: UvPollCb) -> c_int {
        // SAFETY: as above.
        unsafe { (found().poll_start)(handle, events, cb) }
    }
    pub unsafe fn uv_poll_stop(handle: *mut UvHandle) -> c_int {
        // SAFETY: as above.
        unsafe { (found().poll_stop)(handle) }
    }
    pub unsafe fn uv_close(handle: *mut UvHandle, cb: UvCloseCb) {
        // SAFETY: as above.
        unsafe { (found().close)(handle, cb) }
    }
    pub unsafe fn uv_ref(handle: *mut UvHandle) {
        // SAFETY: as above.
        unsafe { (found().ref_)(handle) }
    }
    pub unsafe fn uv_unref(handle: *mut UvHandle) {
        // SAFETY: as above.
        unsafe { (found().unref)(handle) }
    }
    pub unsafe fn uv_handle_get_data(handle: *const UvHandle) -> *mut c_void {
        // SAFETY: as above.
        unsafe { (found().get_data)(handle) }
    }
    pub unsafe fn uv_handle_set_data(handle: *mut UvHandle, data: *mut c_void) {
        // SAFETY: as above.
        unsafe { (found().set_data)(handle, data) }
    }
}

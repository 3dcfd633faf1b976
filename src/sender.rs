//! A peer's sender: `NativePeer.putPacket` as a JS function of its own, with a hand-written N-API
//! entry.
//!
//! A generated method pays, on every call, napi-rs's receiver unwrap, its class type-tag check and
//! its borrow bookkeeping (a scope, a guard and a map entry per call): measured, about two thirds
//! of the user-space cost of sending one small datagram (bench/README.md, "putPacket"). Sending
//! is the call a server makes per packet, so it gets an entry that does only what the send needs.
//! The peer rides in the function's own data pointer, which N-API hands back with the arguments:
//! nothing to look up or check per call, and nothing else can pass for it.

use std::cell::RefCell;
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::rc::Rc;

use godot_udp_engine::PacketPeerUdp;
use napi::bindgen_prelude::Unknown;
use napi::{sys, Env, Error, Result, Status};

/// Godot's `FAILED`, for a send that cannot run (the engine is inside another call on this peer).
const FAILED: i32 = 1;

type Shared = Rc<RefCell<PacketPeerUdp>>;

/// `(data: Uint8Array) => number`: sends `data` through `engine` as `putPacket` does. The
/// function owns one `Rc` of the engine until it is collected; it keeps the engine alive, not its
/// socket open.
pub(crate) fn create<'e>(env: &'e Env, engine: Shared) -> Result<Unknown<'e>> {
    let data = Box::into_raw(Box::new(engine)).cast::<c_void>();
    let name = c"putPacket";
    let mut function = ptr::null_mut();
    // SAFETY: `data` is a live Box; it is freed here if no function comes to own it, else by
    // `finalize` once the function is collected, never both (an un-finalized function is not
    // returned, so nothing can call it). `function` is written by N-API before it is read.
    unsafe {
        let created = sys::napi_create_function(
            env.raw(),
            name.as_ptr(),
            name.to_bytes().len() as isize,
            Some(put_packet),
            data,
            &mut function,
        ) == sys::Status::napi_ok;
        let owned = created
            && sys::napi_add_finalizer(
                env.raw(),
                function,
                data,
                Some(finalize),
                ptr::null_mut(),
                ptr::null_mut(),
            ) == sys::Status::napi_ok;
        if !owned {
            drop(Box::from_raw(data.cast::<Shared>()));
            return Err(Error::new(
                Status::GenericFailure,
                "cannot create the peer's sender",
            ));
        }
        Ok(Unknown::from_raw_unchecked(env.raw(), function))
    }
}

unsafe extern "C" fn finalize(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the Box leaked in `create`, finalized once, with its function.
    drop(unsafe { Box::from_raw(data.cast::<Shared>()) });
}

/// The entry: one argument, a Uint8Array (or Buffer, Uint8ClampedArray); returns the Godot code
/// of `putPacket`. Any other argument throws a TypeError.
unsafe extern "C" fn put_packet(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let mut argc = 1usize;
    let mut arg = ptr::null_mut();
    let mut data = ptr::null_mut();
    // SAFETY: called by N-API on the JS thread with a valid env and callback info; every out
    // pointer points at a local of this frame.
    let status = unsafe {
        sys::napi_get_cb_info(env, info, &mut argc, &mut arg, ptr::null_mut(), &mut data)
    };
    // SAFETY: `arg` is this call's argument (or undefined, which is no typed array).
    let bytes = match (status == sys::Status::napi_ok && argc >= 1)
        .then(|| unsafe { uint8_bytes(env, arg) })
    {
        Some(Some(bytes)) => bytes,
        // SAFETY: a valid env.
        _ => return unsafe { throw_type_error(env, c"putPacket: data must be a Uint8Array") },
    };
    // SAFETY: `data` is the function's own pointer from `create`: a live `Shared`, kept alive
    // by the function, which is running.
    let engine = unsafe { &*data.cast::<Shared>() };
    // The engine does not panic on a send; were it to, the panic must not unwind into V8. The
    // bytes are read only here, while no JS code runs that could detach or resize their buffer.
    let code = catch_unwind(AssertUnwindSafe(|| match engine.try_borrow_mut() {
        Ok(mut peer) => peer.put_packet(bytes),
        Err(_) => FAILED,
    }))
    .unwrap_or(FAILED);
    let mut result = ptr::null_mut();
    // SAFETY: a valid env; on failure `result` stays null, which N-API returns as undefined.
    unsafe { sys::napi_create_int32(env, code, &mut result) };
    result
}

/// The bytes of a Uint8Array (or Buffer, Uint8ClampedArray), or None for any other value.
///
/// # Safety
/// `env` and `value` must be valid for the current callback; the slice must not outlive it.
unsafe fn uint8_bytes<'a>(env: sys::napi_env, value: sys::napi_value) -> Option<&'a [u8]> {
    let mut kind = 0;
    let mut len = 0usize;
    let mut data = ptr::null_mut();
    // SAFETY: N-API writes the view's element type, length and first byte; a byte view's length
    // is its byte length, and an empty view may have a null pointer.
    unsafe {
        let status = sys::napi_get_typedarray_info(
            env,
            value,
            &mut kind,
            &mut len,
            &mut data,
            ptr::null_mut(),
            ptr::null_mut(),
        );
        let bytes = kind == sys::TypedarrayType::uint8_array
            || kind == sys::TypedarrayType::uint8_clamped_array;
        if status != sys::Status::napi_ok || !bytes {
            return None;
        }
        Some(if len == 0 || data.is_null() {
            &[]
        } else {
            std::slice::from_raw_parts(data.cast::<u8>(), len)
        })
    }
}

/// Throws a TypeError and returns undefined.
///
/// # Safety
/// `env` must be valid for the current callback.
unsafe fn throw_type_error(env: sys::napi_env, message: &std::ffi::CStr) -> sys::napi_value {
    // SAFETY: a valid env and a NUL-terminated message.
    unsafe { sys::napi_throw_type_error(env, ptr::null(), message.as_ptr()) };
    ptr::null_mut()
}

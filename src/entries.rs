//! A peer's hand-written N-API entries: `putPacket`, `takePackets`, `lendPackets`,
//! `countAndLend` and `getAvailablePacketCount` as JS functions of their own, with the generated methods' contract
//! (`src-ts/native.ts`).
//!
//! A generated method pays, on every call, napi-rs's receiver unwrap, its class type-tag check and
//! its borrow bookkeeping (a scope, a guard and a map entry per call): measured, about two thirds
//! of the user-space cost of sending one small datagram (bench/README.md, "Targets of issue 13,
//! round 2").
//! These are the calls a server makes per packet or per wake-up, so they get entries that do
//! only what the call needs. The peer rides in each function's own data pointer, which N-API
//! hands back with the arguments: nothing to look up or check per call, and nothing else can pass
//! for it.

use std::cell::RefCell;
use std::ffi::{c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::rc::Rc;

use napi::bindgen_prelude::Object;
use napi::{sys, Env, Error, JsValue, Result, Status};

use crate::peer::PeerCore;

/// Godot's `FAILED`, for a call that cannot run (the peer is inside another call on it).
const FAILED: i32 = 1;

type Shared = Rc<RefCell<PeerCore>>;

/// One entry: its JS name and its N-API callback (which finds the peer in the function's data
/// pointer, see [`Call`]).
struct Entry {
    name: &'static CStr,
    callback: sys::napi_callback,
}

const ENTRIES: [Entry; 5] = [
    Entry {
        name: c"putPacket",
        callback: Some(put_packet),
    },
    Entry {
        name: c"takePackets",
        callback: Some(take_packets),
    },
    Entry {
        name: c"lendPackets",
        callback: Some(lend_packets),
    },
    Entry {
        name: c"countAndLend",
        callback: Some(count_and_lend),
    },
    Entry {
        name: c"getAvailablePacketCount",
        callback: Some(get_available_packet_count),
    },
];

/// An object holding the entries, each a function that owns one `Rc` of the peer until it is
/// collected: it keeps the engine peer alive, not its socket open.
pub(crate) fn create<'e>(env: &'e Env, core: &Shared) -> Result<Object<'e>> {
    let object = Object::new(env)?;
    for entry in &ENTRIES {
        let function = function(env, entry, Rc::clone(core))?;
        // SAFETY: valid env, object and function values of this call; a NUL-terminated name.
        let status = unsafe {
            sys::napi_set_named_property(env.raw(), object.raw(), entry.name.as_ptr(), function)
        };
        if status != sys::Status::napi_ok {
            return Err(Error::new(
                Status::GenericFailure,
                "cannot create the peer's entries",
            ));
        }
    }
    Ok(object)
}

fn function(env: &Env, entry: &Entry, core: Shared) -> Result<sys::napi_value> {
    let data = Box::into_raw(Box::new(core)).cast::<c_void>();
    let mut function = ptr::null_mut();
    // SAFETY: `data` is a live Box; it is freed here if no function comes to own it, else by
    // `finalize` once the function is collected, never both (an un-finalized function is not
    // returned, so nothing can call it). `function` is written by N-API before it is read.
    unsafe {
        let created = sys::napi_create_function(
            env.raw(),
            entry.name.as_ptr(),
            entry.name.to_bytes().len() as isize,
            entry.callback,
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
                "cannot create the peer's entries",
            ));
        }
    }
    Ok(function)
}

unsafe extern "C" fn finalize(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the Box leaked in `function`, finalized once, with its function.
    drop(unsafe { Box::from_raw(data.cast::<Shared>()) });
}

/// The arguments of one call (up to 4; missing ones undefined) and the peer it is bound to.
struct Call {
    env: sys::napi_env,
    args: [sys::napi_value; 4],
    core: *const Shared,
}

impl Call {
    /// # Safety
    /// Only from an entry's callback, with N-API's env and callback info.
    unsafe fn new(env: sys::napi_env, info: sys::napi_callback_info) -> Option<Call> {
        let mut argc = 4usize;
        let mut args = [ptr::null_mut(); 4];
        let mut data = ptr::null_mut();
        // SAFETY: valid env and info; the out pointers point at locals. N-API fills arguments
        // beyond those passed with undefined.
        let status = unsafe {
            sys::napi_get_cb_info(
                env,
                info,
                &mut argc,
                args.as_mut_ptr(),
                ptr::null_mut(),
                &mut data,
            )
        };
        (status == sys::Status::napi_ok && !data.is_null()).then_some(Call {
            env,
            args,
            core: data.cast::<Shared>(),
        })
    }

    /// Runs `f` on the peer: FAILED if the peer is inside another call (only a JS call
    /// re-entering one of its own could find it so), and no panic unwinds into V8.
    fn with_core(&self, f: impl FnOnce(&mut PeerCore) -> i32) -> i32 {
        // SAFETY: `core` is the function's own pointer from `create`: a live `Shared`, kept
        // alive by the function, which is running.
        let core = unsafe { &*self.core };
        catch_unwind(AssertUnwindSafe(|| match core.try_borrow_mut() {
            Ok(mut core) => f(&mut core),
            Err(_) => FAILED,
        }))
        .unwrap_or(FAILED)
    }

    /// The bytes of argument `i` if it is a Uint8Array (or Buffer, Uint8ClampedArray).
    fn bytes(&self, i: usize) -> Option<(*mut u8, usize)> {
        let (kind, ptr, len) = self.typed_array(i)?;
        let bytes = kind == sys::TypedarrayType::uint8_array
            || kind == sys::TypedarrayType::uint8_clamped_array;
        bytes.then_some((ptr.cast::<u8>(), len))
    }

    /// The words of argument `i` if it is a Uint32Array.
    fn words(&self, i: usize) -> Option<(*mut u32, usize)> {
        let (kind, ptr, len) = self.typed_array(i)?;
        (kind == sys::TypedarrayType::uint32_array).then_some((ptr.cast::<u32>(), len))
    }

    fn typed_array(&self, i: usize) -> Option<(sys::napi_typedarray_type, *mut c_void, usize)> {
        let mut kind = 0;
        let mut len = 0usize;
        let mut data = ptr::null_mut();
        // SAFETY: a valid env and argument; N-API writes the view's element type, its length in
        // elements and its first element (an empty view may give a null pointer).
        let status = unsafe {
            sys::napi_get_typedarray_info(
                self.env,
                self.args[i],
                &mut kind,
                &mut len,
                &mut data,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        (status == sys::Status::napi_ok).then_some((kind, data, len))
    }

    /// Argument `i` as a count, read as napi-rs reads a `u32`; None if it is no number.
    fn count(&self, i: usize) -> Option<usize> {
        let mut value = 0u32;
        // SAFETY: a valid env and argument.
        let status = unsafe { sys::napi_get_value_uint32(self.env, self.args[i], &mut value) };
        (status == sys::Status::napi_ok).then_some(value as usize)
    }

    /// Argument `i` as an optional count: undefined is 0.
    fn optional_count(&self, i: usize) -> Option<usize> {
        self.count(i).or_else(|| self.is_undefined(i).then_some(0))
    }

    /// Argument `i` as a flag: undefined is false.
    fn flag(&self, i: usize) -> Option<bool> {
        let mut value = false;
        // SAFETY: a valid env and argument.
        match unsafe { sys::napi_get_value_bool(self.env, self.args[i], &mut value) } {
            sys::Status::napi_ok => Some(value),
            _ => self.is_undefined(i).then_some(false),
        }
    }

    fn is_undefined(&self, i: usize) -> bool {
        let mut kind = 0;
        // SAFETY: a valid env and argument.
        let status = unsafe { sys::napi_typeof(self.env, self.args[i], &mut kind) };
        status == sys::Status::napi_ok && kind == sys::ValueType::napi_undefined
    }

    fn int(&self, value: i32) -> sys::napi_value {
        let mut result = ptr::null_mut();
        // SAFETY: a valid env; on failure `result` stays null, which N-API returns as undefined.
        unsafe { sys::napi_create_int32(self.env, value, &mut result) };
        result
    }

    fn type_error(&self, message: &CStr) -> sys::napi_value {
        // SAFETY: a valid env and a NUL-terminated message.
        unsafe { sys::napi_throw_type_error(self.env, ptr::null(), message.as_ptr()) };
        ptr::null_mut()
    }
}

/// Borrows a byte view and a word view that must not overlap (both are written).
///
/// # Safety
/// The pointers and lengths come from N-API for this call's arguments, which stay alive and
/// attached while no JS code runs; the slices must not outlive the call.
unsafe fn views<'a>(
    (data, data_len): (*mut u8, usize),
    (meta, meta_len): (*mut u32, usize),
) -> Option<(&'a mut [u8], &'a mut [u32])> {
    let data_range = data as usize..data as usize + data_len;
    let meta_range = meta as usize..meta as usize + meta_len * 4;
    let overlap = data_len > 0
        && meta_len > 0
        && data_range.start < meta_range.end
        && meta_range.start < data_range.end;
    if overlap {
        return None;
    }
    // SAFETY: as the function's contract says; disjoint, so the two `&mut` do not alias; empty
    // views get empty slices whatever their pointer.
    unsafe {
        Some((
            if data_len == 0 {
                &mut []
            } else {
                std::slice::from_raw_parts_mut(data, data_len)
            },
            if meta_len == 0 {
                &mut []
            } else {
                std::slice::from_raw_parts_mut(meta, meta_len)
            },
        ))
    }
}

/// `putPacket(data: Uint8Array): number`.
unsafe extern "C" fn put_packet(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: N-API's env and callback info.
    let Some(call) = (unsafe { Call::new(env, info) }) else {
        return ptr::null_mut();
    };
    let Some((data, len)) = call.bytes(0) else {
        return call.type_error(c"putPacket: data must be a Uint8Array");
    };
    // SAFETY: N-API's view of this call's argument, read only during the send, while no JS
    // code runs that could detach or resize its buffer.
    let bytes: &[u8] = if len == 0 {
        &[]
    } else {
        unsafe { std::slice::from_raw_parts(data, len) }
    };
    call.int(call.with_core(|core| core.engine.put_packet(bytes)))
}

/// `takePackets(data: Uint8Array, meta: Uint32Array, release?: number, rearmIfEmptied?: boolean)`.
unsafe extern "C" fn take_packets(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: N-API's env and callback info.
    let Some(call) = (unsafe { Call::new(env, info) }) else {
        return ptr::null_mut();
    };
    let (Some(data), Some(meta), Some(release), Some(rearm)) = (
        call.bytes(0),
        call.words(1),
        call.optional_count(2),
        call.flag(3),
    ) else {
        return call.type_error(c"takePackets: expected (Uint8Array, Uint32Array, count?, flag?)");
    };
    // SAFETY: this call's argument views, written only during the call, while no JS code runs.
    let Some((data, meta)) = (unsafe { views(data, meta) }) else {
        return call.type_error(c"takePackets: the data and meta views overlap");
    };
    call.int(call.with_core(|core| core.take_packets(data, meta, release, rearm)))
}

/// `lendPackets(data: Uint8Array, meta: Uint32Array, release: number, drainedNow?: boolean)`.
unsafe extern "C" fn lend_packets(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: N-API's env and callback info.
    let Some(call) = (unsafe { Call::new(env, info) }) else {
        return ptr::null_mut();
    };
    let (Some(data), Some(meta), Some(release), Some(drained_now)) =
        (call.bytes(0), call.words(1), call.count(2), call.flag(3))
    else {
        return call.type_error(c"lendPackets: expected (Uint8Array, Uint32Array, count, flag?)");
    };
    // SAFETY: as in take_packets.
    let Some((data, meta)) = (unsafe { views(data, meta) }) else {
        return call.type_error(c"lendPackets: the data and meta views overlap");
    };
    call.int(call.with_core(|core| core.lend_packets(data, meta, release, drained_now)))
}

/// `countAndLend(data: Uint8Array, meta: Uint32Array, release: number)`.
unsafe extern "C" fn count_and_lend(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: N-API's env and callback info.
    let Some(call) = (unsafe { Call::new(env, info) }) else {
        return ptr::null_mut();
    };
    let (Some(data), Some(meta), Some(release)) = (call.bytes(0), call.words(1), call.count(2))
    else {
        return call.type_error(c"countAndLend: expected (Uint8Array, Uint32Array, count)");
    };
    // SAFETY: as in take_packets.
    let Some((data, meta)) = (unsafe { views(data, meta) }) else {
        return call.type_error(c"countAndLend: the data and meta views overlap");
    };
    call.int(call.with_core(|core| core.engine.count_and_lend(data, meta, release)))
}

/// `getAvailablePacketCount(release?: number)`.
unsafe extern "C" fn get_available_packet_count(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: N-API's env and callback info.
    let Some(call) = (unsafe { Call::new(env, info) }) else {
        return ptr::null_mut();
    };
    let Some(release) = call.optional_count(0) else {
        return call.type_error(c"getAvailablePacketCount: release must be a number");
    };
    call.int(call.with_core(|core| core.engine.release_and_count(release)))
}

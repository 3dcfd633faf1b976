//! Event mode on Node's own event loop: a libuv poll handle (`uv_poll_t`) on the socket's
//! descriptor, so readiness reaches JS on the JS thread with no thread hop, no eventfd and no
//! per-wake-up registration (the engine's reactor thread still serves `wait()`).
//!
//! Semantics (`src-ts/native.ts`): `onReadable(OK | FAILED)` once readable or failed, then
//! nothing until `rearm()`; the handle's close ends watching, with one last asynchronous
//! `onReadable(ERR_UNCONFIGURED)` when the socket was closed (none for `unwatch()`).
//!
//! libuv's poll is level-triggered, so the handle stays started across a callback: `rearm()` only
//! flips a flag, and a request/response exchange costs no `epoll_ctl` at all. Only when the socket
//! signals again before JS re-armed (a consumer that has not finished) is the handle stopped, so a
//! readable socket nobody drains does not spin the loop; `rearm()` then starts it again (libuv
//! reports the level at once if data is waiting, so no wake-up is lost).
//!
//! Memory: the handle is allocated here with `uv_handle_size(UV_POLL)` bytes (no struct layout is
//! assumed) and freed only in the `uv_close` callback. Its state ([`Poll`]) is reference counted:
//! one count for the owner (`JsWatcher`), one for the handle (its `data`, released in the close
//! callback), one for the environment cleanup hook (which closes the handle if Node tears the
//! environment down first, e.g. a worker thread ending, so no handle outlives its loop).

use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::cell::Cell;
use std::ffi::c_void;
use std::os::raw::c_int;
use std::ptr;
use std::rc::Rc;

use godot_udp_engine::codes::{ERR_UNCONFIGURED, FAILED, OK};
use godot_udp_engine::RawSocket;
use napi::bindgen_prelude::Function;
use napi::{sys, Env, JsValue};

use crate::uv::*;

/// `uv_handle_type` value of `UV_POLL` (uv.h's `UV_HANDLE_TYPE_MAP` order, fixed in libuv 1.x).
const UV_POLL: c_int = 8;
/// `uv_poll_event` flag.
const UV_READABLE: c_int = 1;
/// Alignment for the handle allocation: enough for any field of a libuv handle.
const HANDLE_ALIGN: usize = 16;

/// One poll handle and the JS callback it calls. Lives on the JS thread only.
struct Poll {
    env: sys::napi_env,
    handle: *mut UvHandle,
    layout: Layout,
    callback: sys::napi_ref,
    async_context: sys::napi_async_context,
    fd: RawSocket,
    /// JS wants the next readiness call (watch() or rearm() since the last call).
    armed: Cell<bool>,
    /// `uv_poll_start` is in force.
    polling: Cell<bool>,
    /// `uv_close` was called: the handle must not be touched again.
    closing: Cell<bool>,
    /// Call JS once more with ERR_UNCONFIGURED when the close completes (the socket closed).
    final_call: Cell<bool>,
    /// The N-API reference and async context were released.
    released: Cell<bool>,
}

impl Poll {
    /// Opens and starts a poll handle on `fd` calling `callback`. Err: a Godot code.
    fn start(env: &Env, fd: RawSocket, callback: sys::napi_value) -> Result<Rc<Poll>, i32> {
        let raw_env = env.raw();
        let event_loop = env.get_uv_event_loop().map_err(|_| FAILED)?;
        // SAFETY: plain libuv query with a valid handle type.
        let size = unsafe { uv_handle_size(UV_POLL) };
        let layout = Layout::from_size_align(size, HANDLE_ALIGN).map_err(|_| FAILED)?;
        if layout.size() == 0 {
            return Err(FAILED);
        }
        // SAFETY: non-zero size checked above.
        let handle = unsafe { alloc_zeroed(layout) }.cast::<UvHandle>();
        if handle.is_null() {
            return Err(FAILED);
        }
        // SAFETY: `handle` points to `uv_handle_size(UV_POLL)` writable bytes, suitably aligned;
        // `event_loop` is this environment's loop and we are on its thread.
        if unsafe { uv_poll_init_socket(event_loop, handle, os_sock(fd)) } != 0 {
            // SAFETY: init failed before registering the handle with the loop, so the memory is
            // still ours alone.
            unsafe { dealloc(handle.cast(), layout) };
            return Err(FAILED);
        }
        let mut callback_ref = ptr::null_mut();
        let mut async_context = ptr::null_mut();
        let mut name = ptr::null_mut();
        const NAME: &str = "godot-udp:watch";
        // SAFETY: N-API calls on the JS thread with its env; `callback` is a live function value
        // of the current call, `NAME` is valid UTF-8 of the given length.
        let napi_ok = unsafe {
            sys::napi_create_reference(raw_env, callback, 1, &mut callback_ref)
                == sys::Status::napi_ok
                && sys::napi_create_string_utf8(
                    raw_env,
                    NAME.as_ptr().cast(),
                    NAME.len() as isize,
                    &mut name,
                ) == sys::Status::napi_ok
                && sys::napi_async_init(raw_env, ptr::null_mut(), name, &mut async_context)
                    == sys::Status::napi_ok
        };
        let poll = Rc::new(Poll {
            env: raw_env,
            handle,
            layout,
            callback: callback_ref,
            async_context,
            fd,
            armed: Cell::new(true),
            polling: Cell::new(false),
            closing: Cell::new(false),
            final_call: Cell::new(false),
            released: Cell::new(false),
        });
        // The handle's own count, released by `on_closed`.
        // SAFETY: the handle was initialised above; `data` is ours to set.
        unsafe { uv_handle_set_data(handle, Rc::into_raw(Rc::clone(&poll)).cast_mut().cast()) };
        // The cleanup hook's count, released by `on_env_teardown` or `release`.
        let hook_arg = Rc::into_raw(Rc::clone(&poll)).cast_mut().cast::<c_void>();
        // SAFETY: JS thread, live env; the hook's argument stays valid while the hook is
        // registered (it holds a count).
        let hooked = unsafe {
            sys::napi_add_env_cleanup_hook(raw_env, Some(on_env_teardown), hook_arg)
                == sys::Status::napi_ok
        };
        if !hooked {
            // SAFETY: the count taken for the hook that was not registered.
            unsafe { Rc::decrement_strong_count(hook_arg.cast::<Poll>().cast_const()) };
            poll.released.set(true);
            poll.release_napi_values();
        }
        if !napi_ok || !hooked {
            poll.close(false);
            return Err(FAILED);
        }
        // SAFETY: the handle is initialised, open, and on this thread's loop.
        if unsafe { uv_poll_start(handle, UV_READABLE, on_poll) } != 0 {
            poll.close(false);
            return Err(FAILED);
        }
        poll.polling.set(true);
        Ok(poll)
    }

    /// Watches again after a callback.
    fn rearm(&self) {
        if self.closing.get() {
            return;
        }
        self.armed.set(true);
        if !self.polling.get() {
            // SAFETY: the handle is open (not closing) and on this thread's loop.
            if unsafe { uv_poll_start(self.handle, UV_READABLE, on_poll) } == 0 {
                self.polling.set(true);
            }
        }
    }

    fn set_ref(&self, keep_alive: bool) {
        if self.closing.get() {
            return;
        }
        // SAFETY: the handle is open (not closing) and on this thread's loop.
        unsafe {
            if keep_alive {
                uv_ref(self.handle);
            } else {
                uv_unref(self.handle);
            }
        }
    }

    /// Stops watching: the socket leaves libuv's poll set now (so it may be closed right
    /// after), the handle's memory goes in its close callback. `final_call`: JS gets one last
    /// ERR_UNCONFIGURED call then.
    fn close(&self, final_call: bool) {
        if self.closing.get() {
            return;
        }
        self.closing.set(true);
        self.polling.set(false);
        self.final_call.set(final_call);
        // SAFETY: the handle is open and on this thread's loop; uv_close stops the poll
        // (removing the socket from libuv's poll set) before returning.
        unsafe { uv_close(self.handle, on_closed) };
    }

    /// Calls the JS callback with `code` from the event loop: handle scope, async context
    /// (so microtasks and nextTicks run after it, as for any Node callback), and a thrown
    /// exception reported as uncaught. Returns whether the callback returned `true`.
    fn call_js(&self, code: i32) -> bool {
        let mut rearm = false;
        if self.released.get() {
            return rearm;
        }
        let env = self.env;
        // SAFETY: called from libuv callbacks on the JS thread while the environment is alive
        // (`released` is false until teardown or close); every napi_value lives inside the
        // handle scope opened here.
        unsafe {
            let mut scope = ptr::null_mut();
            if sys::napi_open_handle_scope(env, &mut scope) != sys::Status::napi_ok {
                return rearm;
            }
            let mut func = ptr::null_mut();
            let mut recv = ptr::null_mut();
            let mut arg = ptr::null_mut();
            let ready = sys::napi_get_reference_value(env, self.callback, &mut func)
                == sys::Status::napi_ok
                && !func.is_null()
                && sys::napi_get_global(env, &mut recv) == sys::Status::napi_ok
                && sys::napi_create_int32(env, code, &mut arg) == sys::Status::napi_ok;
            if ready {
                let mut result = ptr::null_mut();
                let called = sys::napi_make_callback(
                    env,
                    self.async_context,
                    recv,
                    func,
                    1,
                    &arg,
                    &mut result,
                ) == sys::Status::napi_ok;
                if called && !result.is_null() {
                    // Not a boolean (undefined): stays false.
                    let _ = sys::napi_get_value_bool(env, result, &mut rearm);
                }
                let mut pending = false;
                if sys::napi_is_exception_pending(env, &mut pending) == sys::Status::napi_ok
                    && pending
                {
                    let mut error = ptr::null_mut();
                    if sys::napi_get_and_clear_last_exception(env, &mut error)
                        == sys::Status::napi_ok
                    {
                        sys::napi_fatal_exception(env, error);
                    }
                }
            }
            sys::napi_close_handle_scope(env, scope);
        }
        rearm
    }

    /// Releases the N-API reference and async context (JS thread, live environment).
    fn release_napi_values(&self) {
        // SAFETY: JS thread, environment alive; each value is released once (callers check and
        // set `released` first). Null values (creation failed) are skipped.
        unsafe {
            if !self.callback.is_null() {
                sys::napi_delete_reference(self.env, self.callback);
            }
            if !self.async_context.is_null() {
                sys::napi_async_destroy(self.env, self.async_context);
            }
        }
    }

    /// Normal end (environment alive): release the N-API values and the cleanup hook.
    fn release(&self) {
        if self.released.replace(true) {
            return;
        }
        self.release_napi_values();
        let arg = (self as *const Poll).cast_mut().cast::<c_void>();
        // SAFETY: the hook was registered with this very pointer and still holds a count
        // (`released` was false, so neither the hook nor a failed registration ran).
        unsafe {
            sys::napi_remove_env_cleanup_hook(self.env, Some(on_env_teardown), arg);
            Rc::decrement_strong_count(arg.cast::<Poll>().cast_const());
        }
    }
}

/// libuv: the socket is readable (`status` 0) or failed (`status` < 0: libuv stopped the
/// handle itself).
unsafe extern "C" fn on_poll(handle: *mut UvHandle, status: c_int, _events: c_int) {
    // SAFETY: `data` holds the handle's count of its `Poll` until `on_closed`, and libuv calls
    // no poll callback after `uv_close`.
    let poll = unsafe { &*uv_handle_get_data(handle).cast::<Poll>() };
    if status < 0 {
        poll.polling.set(false);
    }
    if !poll.armed.get() {
        // Readable again before JS re-armed: park until rearm() (level-triggered, so nothing is
        // lost), instead of waking up on every loop turn.
        if poll.polling.replace(false) {
            // SAFETY: the handle is open (a poll callback never follows uv_close).
            unsafe { uv_poll_stop(handle) };
        }
        return;
    }
    if status >= 0 && !readiness_is_current(poll.fd) {
        // A stale report (Windows): stay armed for the next real one.
        return;
    }
    poll.armed.set(false);
    // JS may unwatch or close from the callback: `poll` stays valid (the handle's count is only
    // released in `on_closed`, on a later loop turn). A callback that returns `true` wants the
    // next readiness too (a `wait()` loop that will wait again): re-armed here, saving it a
    // native call.
    if poll.call_js(if status < 0 { FAILED } else { OK }) {
        poll.rearm();
    }
}

/// libuv: the handle is closed; free it and, unless the environment is going away, make the
/// last JS call and release the N-API values.
unsafe extern "C" fn on_closed(handle: *mut UvHandle) {
    // SAFETY: takes back the count `Poll::start` stored in `data`.
    let poll = unsafe { Rc::from_raw(uv_handle_get_data(handle).cast::<Poll>().cast_const()) };
    if !poll.released.get() {
        if poll.final_call.get() {
            poll.call_js(ERR_UNCONFIGURED);
        }
        poll.release();
    }
    // SAFETY: libuv is done with the handle once its close callback runs; the memory was
    // allocated in `Poll::start` with this layout.
    unsafe { dealloc(poll.handle.cast(), poll.layout) };
}

/// Node is tearing the environment down (process exit, worker end): close the handle so it does
/// not outlive its loop, and release the N-API values while the environment still exists.
unsafe extern "C" fn on_env_teardown(arg: *mut c_void) {
    // SAFETY: takes back the count `Poll::start` gave the hook.
    let poll = unsafe { Rc::from_raw(arg.cast::<Poll>().cast_const()) };
    poll.close(false);
    if !poll.released.replace(true) {
        poll.release_napi_values();
    }
}

/// The JS side of one socket's event mode, owned by a `NativePeer` or `NativeServer`.
#[derive(Default)]
pub struct JsWatcher {
    poll: Option<Rc<Poll>>,
    unrefd: bool,
}

impl JsWatcher {
    /// Watches `fd`, calling `callback`; a previous watch ends silently. Returns OK or FAILED.
    pub fn start(&mut self, env: &Env, fd: RawSocket, callback: Function<'_, i32, ()>) -> i32 {
        self.stop();
        match Poll::start(env, fd, callback.raw()) {
            Ok(poll) => {
                if self.unrefd {
                    poll.set_ref(false);
                }
                self.poll = Some(poll);
                OK
            }
            Err(code) => code,
        }
    }

    /// The descriptor being watched, if any.
    pub fn fd(&self) -> Option<RawSocket> {
        self.poll.as_ref().map(|p| p.fd)
    }

    pub fn rearm(&self) {
        if let Some(p) = self.poll.as_ref() {
            p.rearm();
        }
    }

    /// Ends watching without a last call (`unwatch`, or a watch being replaced).
    pub fn stop(&mut self) {
        if let Some(p) = self.poll.take() {
            p.close(false);
        }
    }

    /// The socket is about to close: stop now (before the descriptor goes) and make the last
    /// ERR_UNCONFIGURED call asynchronously.
    pub fn finish(&mut self) {
        if let Some(p) = self.poll.take() {
            p.close(true);
        }
    }

    /// Stops polling across an engine call that might close the descriptor (a failed
    /// connect); returns whether it was polling, for [`JsWatcher::resume`].
    pub fn suspend(&self) -> bool {
        let Some(p) = self.poll.as_ref() else {
            return false;
        };
        if p.closing.get() || !p.polling.get() {
            return false;
        }
        p.polling.set(false);
        // SAFETY: the handle is open (not closing) and on this thread's loop.
        unsafe { uv_poll_stop(p.handle) };
        true
    }

    /// After [`JsWatcher::suspend`]: polls again if it did (the descriptor is still open).
    pub fn resume(&self, was_polling: bool) {
        if let Some(p) = self.poll.as_ref() {
            if was_polling && !p.closing.get() {
                // SAFETY: the handle is open (not closing) and on this thread's loop.
                if unsafe { uv_poll_start(p.handle, UV_READABLE, on_poll) } == 0 {
                    p.polling.set(true);
                }
            }
        }
    }

    pub fn set_ref(&mut self, keep_alive: bool) {
        self.unrefd = !keep_alive;
        if let Some(p) = self.poll.as_ref() {
            p.set_ref(keep_alive);
        }
    }
}

impl Drop for JsWatcher {
    fn drop(&mut self) {
        self.stop();
    }
}

//! Event mode: a JS callback behind a threadsafe function, called from the engine's reactor
//! thread, and whether it keeps the Node process alive (`ref`/`unref`).

use std::sync::Arc;

use godot_udp_engine::WatchCallback;
use napi::bindgen_prelude::Function;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Result, Status};

type Tsfn = ThreadsafeFunction<i32, (), i32, Status, false>;

/// The JS side of one watcher.
#[derive(Default)]
pub struct JsWatcher {
    tsfn: Option<Arc<Tsfn>>,
    unrefd: bool,
}

impl JsWatcher {
    /// Wraps `callback` for the engine; the previous watcher (if any) is released.
    pub fn start(&mut self, env: &Env, callback: Function<'_, i32, ()>) -> Result<WatchCallback> {
        let tsfn: Tsfn = callback
            .build_threadsafe_function::<i32>()
            .callee_handled::<false>()
            .build()?;
        let tsfn = Arc::new(tsfn);
        if self.unrefd {
            set_tsfn_ref(env, &tsfn, false)?;
        }
        let engine_side = Arc::clone(&tsfn);
        self.tsfn = Some(tsfn);
        Ok(Box::new(move |status| {
            // Queued to the JS thread; fails only while Node is shutting down.
            let _ = engine_side.call(status, ThreadsafeFunctionCallMode::NonBlocking);
        }))
    }

    /// Drops our reference (the engine drops its own when it stops watching).
    pub fn stop(&mut self) {
        self.tsfn = None;
    }

    pub fn set_ref(&mut self, env: &Env, keep_alive: bool) -> Result<()> {
        self.unrefd = !keep_alive;
        if let Some(tsfn) = self.tsfn.as_ref() {
            set_tsfn_ref(env, tsfn, keep_alive)?;
        }
        Ok(())
    }
}

/// napi_ref/unref_threadsafe_function on a live threadsafe function (shared with the engine,
/// so napi-rs's `&mut self` helpers cannot be used).
fn set_tsfn_ref(env: &Env, tsfn: &Tsfn, keep_alive: bool) -> Result<()> {
    if tsfn.aborted() {
        return Ok(());
    }
    // SAFETY: called on the JS thread with its env; the threadsafe function is alive (we hold
    // a reference and it was not aborted by environment teardown).
    let status = unsafe {
        if keep_alive {
            napi::sys::napi_ref_threadsafe_function(env.raw(), tsfn.raw())
        } else {
            napi::sys::napi_unref_threadsafe_function(env.raw(), tsfn.raw())
        }
    };
    if status == napi::sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::from_status(Status::from(status)))
    }
}

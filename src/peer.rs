//! `NativePeer`: Godot's PacketPeerUDP (see `src-ts/native.ts` for the contract).

use std::cell::{RefCell, RefMut};
use std::rc::Rc;

use godot_udp_engine::{PacketPeerUdp, SocketOptions};
use napi::bindgen_prelude::{
    BufferSlice, Function, Object, PromiseRaw, Uint32ArraySlice, Uint8ArraySlice,
};
use napi::{Env, Result};
use napi_derive::napi;

use crate::convert::{godot_int, NativeStats};
use crate::entries;
use crate::watch::JsWatcher;

#[napi]
pub struct NativePeer {
    // Shared with the peer's hand-written entries (`entries.rs`), which skip napi-rs's per-call
    // glue on the hot paths. Only the JS thread touches either.
    inner: Rc<RefCell<PeerCore>>,
}

/// What a NativePeer and its hand-written entries share.
pub(crate) struct PeerCore {
    // Declared first so it drops first: the poll handle must leave libuv before the engine
    // closes the descriptor.
    pub(crate) watcher: JsWatcher,
    pub(crate) engine: PacketPeerUdp,
}

impl Drop for NativePeer {
    /// The watch ends with the object, as before the entries shared the core (they may outlive
    /// it by a collection; they never call JS).
    fn drop(&mut self) {
        if let Ok(mut core) = self.inner.try_borrow_mut() {
            core.watcher.finish();
        }
    }
}

impl NativePeer {
    pub(crate) fn from_engine(inner: PacketPeerUdp) -> Self {
        NativePeer {
            inner: Rc::new(RefCell::new(PeerCore {
                watcher: JsWatcher::default(),
                engine: inner,
            })),
        }
    }

    /// The engine peer. Only a JS call re-entering from inside another call on the same peer
    /// could find it borrowed (none does: `wait_sync`'s callback is the facade's no-op); the
    /// panic that would give becomes a JS error (`catch_unwind`).
    fn core(&self) -> RefMut<'_, PeerCore> {
        self.inner.borrow_mut()
    }

    fn engine(&self) -> RefMut<'_, PacketPeerUdp> {
        RefMut::map(self.core(), |core| &mut core.engine)
    }

    /// The engine peer, for a session layered on it (DTLS) to receive and send through. `f` may
    /// close the socket (a session taken from a DTLSServer closes its UDP peer when it ends): the
    /// watch, if any, is finished then, as `close` finishes it.
    #[cfg_attr(not(feature = "dtls"), allow(dead_code))]
    pub(crate) fn with_engine<R>(&mut self, f: impl FnOnce(&mut PacketPeerUdp) -> R) -> R {
        let mut core = self.core();
        let r = f(&mut core.engine);
        if core.watcher.fd().is_some() && !core.engine.is_bound() {
            core.watcher.finish();
        }
        r
    }
}

#[napi]
impl NativePeer {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self::from_engine(PacketPeerUdp::new())
    }

    #[napi(catch_unwind)]
    pub fn bind(
        &mut self,
        port: f64,
        bind_address: String,
        recv_buf_size: f64,
        reuse_port: bool,
        os_recv_buf_size: Option<f64>,
    ) -> i32 {
        let options = SocketOptions {
            reuse_port,
            os_recv_buf_size: os_recv_buf_size.map(godot_int),
        };
        self.engine().bind_with(
            godot_int(port),
            &bind_address,
            godot_int(recv_buf_size),
            &options,
        )
    }

    #[napi(catch_unwind)]
    pub fn close(&mut self) {
        // Stop polling before the engine closes the descriptor.
        let mut core = self.core();
        core.watcher.finish();
        core.engine.close();
    }

    #[napi(catch_unwind)]
    pub fn connect_to_host(&mut self, host: String, port: f64) -> i32 {
        // A failed connect closes the socket: stop polling across the call.
        let mut core = self.core();
        let was_polling = core.watcher.suspend();
        let code = core.engine.connect_to_host(&host, godot_int(port));
        let socket = core.engine.raw_socket();
        match (core.watcher.fd(), socket) {
            (Some(watched), Ok(fd)) if watched == fd => core.watcher.resume(was_polling),
            (Some(_), _) => core.watcher.finish(),
            (None, _) => {}
        }
        code
    }

    #[napi(catch_unwind)]
    pub fn set_dest_address(&mut self, host: String, port: f64) -> i32 {
        self.engine().set_dest_address(&host, godot_int(port))
    }

    #[napi(catch_unwind)]
    pub fn put_packet(&mut self, data: Uint8ArraySlice) -> i32 {
        self.engine().put_packet(&data)
    }

    /// The hot-path methods as functions of their own, through hand-written entries
    /// (`entries.rs`). They keep the engine peer alive, not open: `close()` still closes it.
    #[napi(catch_unwind, ts_return_type = "object")]
    pub fn entries<'e>(&self, env: &'e Env) -> Result<Object<'e>> {
        entries::create(env, &self.inner)
    }

    #[napi(catch_unwind)]
    pub fn put_packets(&mut self, packets: Vec<Uint8ArraySlice>) -> i32 {
        let slices: Vec<&[u8]> = packets.iter().map(|p| &**p).collect();
        self.engine().put_packets(&slices)
    }

    #[napi(catch_unwind)]
    pub fn get_available_packet_count(&mut self, release: Option<u32>) -> i32 {
        self.engine().release_and_count(lent_count(release))
    }

    #[napi(catch_unwind)]
    pub fn get_packet<'e>(
        &mut self,
        env: &'e Env,
        release: Option<u32>,
        drained_now: Option<bool>,
    ) -> Result<Option<BufferSlice<'e>>> {
        self.engine().release_lent(lent_count(release));
        let taken = self
            .engine()
            .get_packet_with(drained_now.unwrap_or(false), |a, b| {
                if b.is_empty() {
                    BufferSlice::copy_from(env, a)
                } else {
                    // The packet wraps around the end of the ring: join the two halves.
                    let mut joined = Vec::with_capacity(a.len() + b.len());
                    joined.extend_from_slice(a);
                    joined.extend_from_slice(b);
                    BufferSlice::copy_from(env, joined)
                }
            });
        match taken {
            Ok(buffer) => buffer.map(Some),
            Err(_) => Ok(None),
        }
    }

    #[napi(catch_unwind)]
    pub fn get_packet_error(&self) -> i32 {
        self.engine().packet_error()
    }

    #[napi(catch_unwind)]
    pub fn get_packet_ip(&self) -> String {
        self.engine().packet_ip()
    }

    #[napi(catch_unwind)]
    pub fn get_packet_port(&self) -> u32 {
        u32::from(self.engine().packet_port())
    }

    #[napi(catch_unwind)]
    pub fn take_packets(
        &mut self,
        mut data: Uint8ArraySlice,
        mut meta: Uint32ArraySlice,
        release: Option<u32>,
        rearm_if_emptied: Option<bool>,
    ) -> i32 {
        // SAFETY: the JS thread is inside this call, so no JS code runs concurrently on it;
        // the views are only written within their bounds.
        let (data, meta) = unsafe { (data.as_mut(), meta.as_mut()) };
        self.core().take_packets(
            data,
            meta,
            lent_count(release),
            rearm_if_emptied == Some(true),
        )
    }

    #[napi(catch_unwind)]
    pub fn lend_packets(
        &mut self,
        mut data: Uint8ArraySlice,
        mut meta: Uint32ArraySlice,
        release: u32,
        drained_now: Option<bool>,
    ) -> i32 {
        // SAFETY: as in take_packets.
        let (data, meta) = unsafe { (data.as_mut(), meta.as_mut()) };
        self.core()
            .lend_packets(data, meta, release as usize, drained_now == Some(true))
    }

    #[napi(catch_unwind)]
    pub fn count_and_lend(
        &mut self,
        mut data: Uint8ArraySlice,
        mut meta: Uint32ArraySlice,
        release: u32,
    ) -> i32 {
        // SAFETY: as in take_packets.
        let (data, meta) = unsafe { (data.as_mut(), meta.as_mut()) };
        self.engine().count_and_lend(data, meta, release as usize)
    }

    #[napi(catch_unwind)]
    pub fn queued_count(&mut self) -> u32 {
        self.engine().queued() as u32
    }

    #[napi(catch_unwind)]
    pub fn release_lent(&mut self, n: u32) {
        self.engine().release_lent(n as usize);
    }

    #[napi(catch_unwind)]
    pub fn get_os_recv_buf_size(&mut self) -> f64 {
        self.engine().os_recv_buf_size() as f64
    }

    #[napi(catch_unwind)]
    pub fn get_local_port(&mut self) -> u32 {
        u32::from(self.engine().local_port())
    }

    #[napi(catch_unwind)]
    pub fn is_bound(&mut self) -> bool {
        self.engine().is_bound()
    }

    #[napi(catch_unwind)]
    pub fn is_socket_connected(&mut self) -> bool {
        self.engine().is_socket_connected()
    }

    #[napi(catch_unwind)]
    pub fn set_broadcast_enabled(&mut self, enabled: bool) {
        self.engine().set_broadcast_enabled(enabled);
    }

    #[napi(catch_unwind)]
    pub fn join_multicast_group(&mut self, group: String, interface_name: String) -> i32 {
        self.engine().join_multicast_group(&group, &interface_name)
    }

    #[napi(catch_unwind)]
    pub fn leave_multicast_group(&mut self, group: String, interface_name: String) -> i32 {
        self.engine().leave_multicast_group(&group, &interface_name)
    }

    #[napi(catch_unwind)]
    pub fn set_multicast_interface(&mut self, interface_name: String) -> i32 {
        self.engine().set_multicast_interface(&interface_name)
    }

    #[napi(catch_unwind)]
    pub fn set_multicast_loopback(&mut self, enabled: bool) -> i32 {
        self.engine().set_multicast_loopback(enabled)
    }

    #[napi(catch_unwind)]
    pub fn set_multicast_ttl(&mut self, ttl: f64) -> i32 {
        self.engine().set_multicast_ttl(godot_int(ttl))
    }

    #[napi(catch_unwind)]
    pub fn wait<'e>(
        &mut self,
        env: &'e Env,
        timeout_ms: f64,
        wait_id: f64,
    ) -> Result<PromiseRaw<'e, i32>> {
        let fut = self
            .engine()
            .wait(godot_int(timeout_ms), godot_int(wait_id));
        env.spawn_future(async move { Ok(fut.await) })
    }

    #[napi(catch_unwind)]
    pub fn cancel_wait(&mut self, wait_id: f64) {
        self.engine().cancel_wait(godot_int(wait_id));
    }

    /// `still_running` (any JS function; the facade passes a no-op) is called between the
    /// engine's poll slices: a call that fails means the environment is being torn down (a
    /// worker terminated, `process.exit()` terminating the workers), and the wait ends with
    /// ERR_SKIP so the thread can unwind. Without it the wait cannot be ended that way.
    #[napi(catch_unwind)]
    pub fn wait_sync(
        &mut self,
        timeout_ms: f64,
        still_running: Option<Function<'_, (), ()>>,
    ) -> i32 {
        let mut interrupted = || {
            // V8 honours a pending TerminateExecution on entry to any JS function, so the call
            // fails exactly when the thread must stop.
            still_running.as_ref().is_some_and(|f| f.call(()).is_err())
        };
        self.engine()
            .wait_sync_until(godot_int(timeout_ms), &mut interrupted)
    }

    #[napi(catch_unwind)]
    pub fn watch(&mut self, env: &Env, on_readable: Function<'_, i32, ()>) -> i32 {
        let mut core = self.core();
        let socket = core.engine.raw_socket();
        match socket {
            Ok(fd) => core.watcher.start(env, fd, on_readable),
            Err(code) => code,
        }
    }

    #[napi(catch_unwind)]
    pub fn rearm(&mut self) {
        self.core().watcher.rearm();
    }

    #[napi(catch_unwind)]
    pub fn unwatch(&mut self) {
        self.core().watcher.stop();
    }

    #[napi(js_name = "ref", catch_unwind)]
    pub fn keep_alive(&mut self) {
        self.core().watcher.set_ref(true);
    }

    #[napi(catch_unwind)]
    pub fn unref(&mut self) {
        self.core().watcher.set_ref(false);
    }

    #[napi(catch_unwind)]
    pub fn stats(&mut self) -> NativeStats {
        self.engine().stats().into()
    }

    #[napi(catch_unwind)]
    pub fn server_peer_id(&mut self) -> i64 {
        self.engine().server_peer_id()
    }
}

impl PeerCore {
    /// `lendPackets`: with `drained_now`, right after a count drained (see `lend_drained`).
    pub(crate) fn lend_packets(
        &mut self,
        data: &mut [u8],
        meta: &mut [u32],
        release: usize,
        drained_now: bool,
    ) -> i32 {
        if drained_now {
            self.engine.lend_drained(data, meta, release)
        } else {
            self.engine.lend_packets(data, meta, release)
        }
    }

    /// `takePackets`: releases `release` lent packets, then copies queued packets into the views.
    /// With `rearm_if_emptied`, the take that empties the queue re-arms the watch: the event path
    /// does so once the queue is empty, and doing it here saves it a native call per wake-up.
    pub(crate) fn take_packets(
        &mut self,
        data: &mut [u8],
        meta: &mut [u32],
        release: usize,
        rearm_if_emptied: bool,
    ) -> i32 {
        self.engine.release_lent(release);
        let taken = self.engine.take_packets(data, meta);
        if rearm_if_emptied && taken > 0 && self.engine.queued() == 0 {
            self.watcher.rearm();
        }
        taken
    }
}

/// A `release` argument: lent packets the caller consumed (absent: none).
fn lent_count(release: Option<u32>) -> usize {
    release.map_or(0, |n| n as usize)
}

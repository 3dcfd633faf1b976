//! `NativeServer`: Godot's UDPServer (see `src-ts/native.ts` for the contract).

use godot_udp_engine::codes::ERR_UNCONFIGURED;
use godot_udp_engine::{SocketOptions, UdpServer};
use napi::bindgen_prelude::Function;
use napi::Env;
use napi_derive::napi;

use crate::convert::{godot_int, NativeStats};
use crate::peer::NativePeer;
use crate::watch::JsWatcher;

#[napi]
pub struct NativeServer {
    // Declared first so it drops first: the poll handle must leave libuv before the engine
    // closes the descriptor.
    watcher: JsWatcher,
    inner: UdpServer,
}

#[napi]
impl NativeServer {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NativeServer {
            watcher: JsWatcher::default(),
            inner: UdpServer::new(),
        }
    }

    #[napi(catch_unwind)]
    pub fn listen(
        &mut self,
        port: f64,
        bind_address: String,
        reuse_port: bool,
        os_recv_buf_size: Option<f64>,
    ) -> i32 {
        let options = SocketOptions {
            reuse_port,
            os_recv_buf_size: os_recv_buf_size.map(godot_int),
        };
        self.inner
            .listen_with(godot_int(port), &bind_address, &options)
    }

    #[napi(catch_unwind)]
    pub fn get_os_recv_buf_size(&self) -> f64 {
        self.inner.os_recv_buf_size() as f64
    }

    #[napi(catch_unwind)]
    pub fn poll(&mut self) -> i32 {
        self.inner.poll()
    }

    #[napi(catch_unwind)]
    pub fn is_connection_available(&self) -> bool {
        self.inner.is_connection_available()
    }

    #[napi(catch_unwind)]
    pub fn take_connection(&mut self) -> Option<NativePeer> {
        self.inner.take_connection().map(NativePeer::from_engine)
    }

    #[napi(catch_unwind)]
    pub fn get_local_port(&self) -> u32 {
        u32::from(self.inner.local_port())
    }

    #[napi(catch_unwind)]
    pub fn is_listening(&self) -> bool {
        self.inner.is_listening()
    }

    #[napi(catch_unwind)]
    pub fn stop(&mut self) {
        // Stop polling before the engine closes the descriptor.
        self.watcher.finish();
        self.inner.stop();
    }

    #[napi(catch_unwind)]
    pub fn set_max_pending_connections(&mut self, max: f64) {
        self.inner.set_max_pending_connections(godot_int(max));
    }

    #[napi(catch_unwind)]
    pub fn get_max_pending_connections(&self) -> f64 {
        self.inner.max_pending_connections() as f64
    }

    #[napi(catch_unwind)]
    pub fn pending_count(&self) -> u32 {
        self.inner.pending_count() as u32
    }

    #[napi(catch_unwind)]
    pub fn peer_count(&self) -> u32 {
        self.inner.peer_count() as u32
    }

    #[napi(catch_unwind)]
    pub fn take_dirty_peer_ids(&mut self) -> Vec<u32> {
        self.inner.take_dirty_peer_ids()
    }

    #[napi(catch_unwind)]
    pub fn watch(&mut self, env: &Env, on_readable: Function<'_, i32, ()>) -> i32 {
        match self.inner.raw_socket() {
            Some(fd) => self.watcher.start(env, fd, on_readable),
            None => ERR_UNCONFIGURED,
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

    #[napi(catch_unwind)]
    pub fn stats(&self) -> NativeStats {
        self.inner.stats().into()
    }
}

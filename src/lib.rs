//! N-API binding of godot-udp: argument conversion and handles only; behaviour lives in the engine.
use napi_derive::napi;

#[napi]
pub fn engine_version() -> String {
    godot_udp_engine::version().to_string()
}

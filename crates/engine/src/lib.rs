//! The godot-udp socket engine (placeholder until the engine lands).
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

//! tests/reference_c.rs compiles the reference C in tests/reference/ at run time with the cc
//! crate, which needs the target and host triples; cargo gives them only to build scripts.
fn main() {
    for var in ["TARGET", "HOST"] {
        let value = std::env::var(var).unwrap_or_default();
        println!("cargo:rustc-env=ENET_COMPRESS_{var}={value}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}

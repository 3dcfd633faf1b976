//! Builds upstream C ENet (vendor/enet) and the shim for the interop tests. Where no C compiler
//! for the target is at hand (the cross `cargo check`s of .ci/run), it warns and builds nothing:
//! a check links nothing, and only the tests of godot-udp-enet link this crate.

fn main() {
    println!("cargo:rerun-if-changed=shim.c");
    println!("cargo:rerun-if-changed=vendor/enet");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let mut build = cc::Build::new();
    build
        .include("vendor/enet/include")
        .warnings(false)
        .files(
            [
                "callbacks.c",
                "compress.c",
                "host.c",
                "list.c",
                "packet.c",
                "peer.c",
                "protocol.c",
            ]
            .map(|f| format!("vendor/enet/{f}")),
        )
        .file("shim.c");
    if target_os == "windows" {
        build.file("vendor/enet/win32.c");
        println!("cargo:rustc-link-lib=ws2_32");
        println!("cargo:rustc-link-lib=winmm");
    } else {
        build.file("vendor/enet/unix.c");
        for d in [
            "HAS_FCNTL",
            "HAS_POLL",
            "HAS_GETADDRINFO",
            "HAS_GETNAMEINFO",
            "HAS_INET_PTON",
            "HAS_INET_NTOP",
            "HAS_MSGHDR_FLAGS",
            "HAS_SOCKLEN_T",
        ] {
            build.define(d, "1");
        }
    }
    if let Err(e) = build.try_compile("godot_udp_enet_c") {
        println!(
            "cargo:warning=upstream C ENet was not built for this target ({e}); \
             the godot-udp-enet interop tests cannot link here"
        );
    }
}

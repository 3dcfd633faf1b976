//! A port-0 bind or listen gets a port that no other socket holds, though servers set
//! SO_REUSEADDR (as Godot does), `reuse_port` sets SO_REUSEPORT, and Linux's search for a free
//! port skips sockets that share those options with the new one.
//!
//! The kernel picks ports at random, so a collision cannot be provoked on the host. The test
//! re-runs itself in a network namespace of its own (`unshare --net`), where it narrows the
//! ephemeral range to a single port: a second port-0 bind must then fail, not share the first
//! socket's port. Nothing is sent. Linux only; skipped (printed) under qemu-user, whose
//! binary the namespace cannot re-run, and where `unshare` is missing or refused.

#![cfg(target_os = "linux")]

mod common;

use std::process::Command;

use common::*;
use godot_udp_engine::codes::*;
use godot_udp_engine::{PacketPeerUdp, SocketOptions, UdpServer};

const TEST: &str = "ephemeral_binds_never_take_a_held_port";
/// Set in the re-run: the test body runs in the namespace.
const IN_NAMESPACE: &str = "GODOT_UDP_TEST_IN_NETNS";
/// Printed by the re-run once the namespace is made and its ephemeral range narrowed.
const STARTED: &str = "ephemeral-port child started";
/// The only ephemeral port in the namespace.
const ONLY_PORT: u16 = 47001;

#[test]
fn ephemeral_binds_never_take_a_held_port() {
    if std::env::var_os(IN_NAMESPACE).is_some() {
        in_namespace();
        return;
    }
    if skip_under_qemu(
        TEST,
        "the namespace re-runs the test binary, which only qemu can run",
    ) {
        return;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut refused = Vec::new();
    for args in [&["--net"][..], &["--net", "--map-root-user"]] {
        let out = match Command::new("unshare")
            .args(args)
            .arg(&exe)
            .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
            .env(IN_NAMESPACE, "1")
            .output()
        {
            Ok(out) => out,
            Err(e) => {
                refused.push(format!("unshare: {e}"));
                break;
            }
        };
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !stdout.contains(STARTED) {
            refused.push(format!("unshare {}: {}", args.join(" "), stderr.trim()));
            continue;
        }
        assert!(
            out.status.success(),
            "in the namespace:\n{stdout}\n{stderr}"
        );
        return;
    }
    eprintln!(
        "SKIPPED {TEST}: no network namespace ({})",
        refused.join("; ")
    );
}

fn in_namespace() {
    // A read-only /proc/sys (some containers) makes the namespace unusable here: the parent
    // then sees no STARTED line and skips, printing this reason.
    if let Err(e) = std::fs::write(
        "/proc/sys/net/ipv4/ip_local_port_range",
        format!("{ONLY_PORT} {ONLY_PORT}"),
    ) {
        eprintln!("cannot narrow the ephemeral port range in the namespace: {e}");
        std::process::exit(1);
    }
    println!("{STARTED}");

    let mut a = UdpServer::new();
    assert_eq!(a.listen(0, "0.0.0.0", false), OK);
    assert_eq!(a.local_port(), ONLY_PORT);
    // The only ephemeral port is held by a server: a second port-0 listen finds none free.
    // (With SO_REUSEADDR set before its bind, it was given a's port and took a's datagrams.)
    let mut b = UdpServer::new();
    assert_eq!(b.listen(0, "0.0.0.0", false), ERR_UNAVAILABLE);
    assert!(!b.is_listening());
    // A plain peer finds none either.
    let mut p = PacketPeerUdp::new();
    assert_eq!(p.bind(0, "0.0.0.0", 65536, false), ERR_UNAVAILABLE);
    // Godot's contract holds once the port is taken: a listen that names it shares it, as
    // SO_REUSEADDR is set on a after its bind.
    let mut c = UdpServer::new();
    assert_eq!(c.listen(i64::from(ONLY_PORT), "0.0.0.0", false), OK);
    a.stop();
    c.stop();

    // The same with SO_REUSEPORT (`reusePort`), which Linux's search also skips between sockets
    // of one user: a port-0 server or peer that sets it takes a free port, and a bind that names
    // the port joins it.
    let reuse_port = SocketOptions {
        reuse_port: true,
        ..SocketOptions::default()
    };
    let mut first = UdpServer::new();
    assert_eq!(first.listen(0, "0.0.0.0", true), OK);
    assert_eq!(first.local_port(), ONLY_PORT);
    let mut server = UdpServer::new();
    assert_eq!(server.listen(0, "0.0.0.0", true), ERR_UNAVAILABLE);
    let mut peer = PacketPeerUdp::new();
    joins_only_by_name(&mut peer, &reuse_port);
    peer.close();
    first.stop();

    let mut first = PacketPeerUdp::new();
    assert_eq!(first.bind_with(0, "0.0.0.0", 65536, &reuse_port), OK);
    assert_eq!(first.local_port(), ONLY_PORT);
    let mut second = PacketPeerUdp::new();
    joins_only_by_name(&mut second, &reuse_port);
    first.close();
    second.close();
}

/// With the only ephemeral port held, `peer` (with `options`) finds no free port, and binds the
/// held one when it names it.
fn joins_only_by_name(peer: &mut PacketPeerUdp, options: &SocketOptions) {
    assert_eq!(
        peer.bind_with(0, "0.0.0.0", 65536, options),
        ERR_UNAVAILABLE
    );
    assert_eq!(
        peer.bind_with(i64::from(ONLY_PORT), "0.0.0.0", 65536, options),
        OK
    );
}

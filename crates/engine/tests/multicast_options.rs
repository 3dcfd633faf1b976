//! Issue 4, multicast extensions: `set_multicast_interface`, `set_multicast_loopback` and
//! `set_multicast_ttl` really set the socket options the kernel uses for outgoing multicast
//! (read back with getsockopt), on IPv4, IPv6-only and dual-stack sockets; their error codes for
//! unbound peers, server peers and bad values. Loopback interface only; nothing is sent.

#![cfg(target_os = "linux")]

mod common;

use std::ffi::CString;
use std::net::Ipv4Addr;
use std::os::fd::BorrowedFd;

use common::*;
use godot_udp_engine::codes::*;
use godot_udp_engine::{PacketPeerUdp, UdpServer};
use socket2::SockRef;

const LO: &str = "lo";

fn lo_index() -> u32 {
    let name = CString::new(LO).unwrap();
    // SAFETY: a valid NUL-terminated string.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    assert_ne!(index, 0, "no interface named {LO}");
    index
}

/// Runs `f` on a socket2 view of the peer's own socket (the peer keeps the descriptor).
fn with_sock<R>(p: &mut PacketPeerUdp, f: impl FnOnce(SockRef<'_>) -> R) -> R {
    let fd = p.raw_socket().expect("open socket");
    // SAFETY: the peer owns `fd` and stays alive (and open) for the whole call.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    f(SockRef::from(&borrowed))
}

#[test]
fn ipv4_socket_options_are_set() {
    if skip_under_qemu("ipv4_socket_options_are_set", QEMU_NO_MULTICAST_IF) {
        return;
    }
    let (mut p, _) = bound("127.0.0.1");
    assert_eq!(p.set_multicast_interface(LO), OK);
    assert_eq!(p.set_multicast_ttl(0), OK);
    assert_eq!(p.set_multicast_loopback(false), OK);
    with_sock(&mut p, |s| {
        assert_eq!(s.multicast_if_v4().unwrap(), Ipv4Addr::LOCALHOST);
        assert_eq!(s.multicast_ttl_v4().unwrap(), 0);
        assert!(!s.multicast_loop_v4().unwrap());
    });
    assert_eq!(p.set_multicast_ttl(255), OK);
    assert_eq!(p.set_multicast_loopback(true), OK);
    with_sock(&mut p, |s| {
        assert_eq!(s.multicast_ttl_v4().unwrap(), 255);
        assert!(s.multicast_loop_v4().unwrap());
    });
    // Bad values are refused and change nothing.
    assert_eq!(p.set_multicast_ttl(256), ERR_INVALID_PARAMETER);
    assert_eq!(p.set_multicast_ttl(-1), ERR_INVALID_PARAMETER);
    assert_eq!(
        p.set_multicast_interface("no-such-if0"),
        ERR_INVALID_PARAMETER
    );
    with_sock(&mut p, |s| {
        assert_eq!(s.multicast_ttl_v4().unwrap(), 255);
        assert_eq!(s.multicast_if_v4().unwrap(), Ipv4Addr::LOCALHOST);
    });
    p.close();
}

#[test]
fn ipv6_only_socket_options_are_set() {
    if skip_under_qemu("ipv6_only_socket_options_are_set", QEMU_NO_MULTICAST_IF) {
        return;
    }
    let (mut p, _) = bound("::1");
    assert_eq!(p.set_multicast_interface(LO), OK);
    assert_eq!(p.set_multicast_ttl(0), OK);
    assert_eq!(p.set_multicast_loopback(false), OK);
    with_sock(&mut p, |s| {
        assert_eq!(s.multicast_if_v6().unwrap(), lo_index());
        assert_eq!(s.multicast_hops_v6().unwrap(), 0);
        assert!(!s.multicast_loop_v6().unwrap());
    });
    assert_eq!(p.set_multicast_ttl(7), OK);
    assert_eq!(p.set_multicast_loopback(true), OK);
    with_sock(&mut p, |s| {
        assert_eq!(s.multicast_hops_v6().unwrap(), 7);
        assert!(s.multicast_loop_v6().unwrap());
    });
    assert_eq!(p.set_multicast_ttl(256), ERR_INVALID_PARAMETER);
    with_sock(&mut p, |s| assert_eq!(s.multicast_hops_v6().unwrap(), 7));
    p.close();
}

#[test]
fn dual_stack_socket_sets_both_families() {
    if skip_under_qemu("dual_stack_socket_sets_both_families", QEMU_NO_MULTICAST_IF) {
        return;
    }
    let (mut p, _) = bound("*");
    assert_eq!(p.set_multicast_interface(LO), OK);
    assert_eq!(p.set_multicast_ttl(3), OK);
    assert_eq!(p.set_multicast_loopback(false), OK);
    with_sock(&mut p, |s| {
        assert_eq!(s.multicast_if_v6().unwrap(), lo_index());
        assert_eq!(s.multicast_hops_v6().unwrap(), 3);
        assert!(!s.multicast_loop_v6().unwrap());
        // The IPv4 options of the same socket (used for IPv4 groups on a dual-stack socket).
        assert_eq!(s.multicast_if_v4().unwrap(), Ipv4Addr::LOCALHOST);
        assert_eq!(s.multicast_ttl_v4().unwrap(), 3);
        assert!(!s.multicast_loop_v4().unwrap());
    });
    p.close();
}

#[test]
fn unbound_and_server_peers_refuse_the_setters() {
    let mut unbound = PacketPeerUdp::new();
    assert_eq!(unbound.set_multicast_interface(LO), ERR_UNCONFIGURED);
    assert_eq!(unbound.set_multicast_loopback(true), ERR_UNCONFIGURED);
    assert_eq!(unbound.set_multicast_ttl(1), ERR_UNCONFIGURED);
    assert!(!unbound.is_bound(), "the setters open no socket");

    let mut server = UdpServer::new();
    assert_eq!(server.listen(0, "127.0.0.1", false), OK);
    let port = server.local_port();
    let client = raw("127.0.0.1");
    client.send_to(b"hi", ("127.0.0.1", port)).unwrap();
    let deadline = std::time::Instant::now() + DEADLINE;
    while !server.is_connection_available() && std::time::Instant::now() < deadline {
        assert_eq!(server.poll(), OK);
        std::thread::yield_now();
    }
    let mut peer = server.take_connection().expect("a pending peer");
    assert_eq!(peer.set_multicast_interface(LO), ERR_LOCKED);
    assert_eq!(peer.set_multicast_loopback(true), ERR_LOCKED);
    assert_eq!(peer.set_multicast_ttl(1), ERR_LOCKED);
    peer.close();
    server.stop();
}

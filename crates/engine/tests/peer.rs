//! PacketPeerUDP on real loopback sockets: the checks and results of spec §4.

mod common;

use common::*;
use godot_udp_engine::codes::*;
use godot_udp_engine::PacketPeerUdp;

#[test]
fn unbound_peer() {
    let mut p = PacketPeerUdp::new();
    assert!(!p.is_bound());
    assert!(!p.is_socket_connected());
    assert_eq!(p.get_available_packet_count(), -1);
    assert_eq!(p.get_packet(|_, _| ()), Err(FAILED));
    assert_eq!(p.packet_error(), FAILED);
    assert_eq!(p.local_port(), 0);
    assert_eq!(p.packet_ip(), "");
    assert_eq!(p.packet_port(), 0);
    assert_eq!(p.wait_sync(0), ERR_UNCONFIGURED);
    assert_eq!(
        p.leave_multicast_group("239.255.42.42", LO),
        ERR_UNCONFIGURED
    );
    // No destination: nothing to send to; empty data is OK before anything is checked.
    assert_eq!(p.put_packet(b"x"), ERR_UNCONFIGURED);
    assert_eq!(p.put_packet(b""), OK);
    assert!(
        !p.is_bound(),
        "an empty put_packet does not open the socket"
    );
    p.close();
    p.close();
    assert_eq!(p.get_available_packet_count(), -1);
}

#[test]
fn bind_checks_in_godot_order() {
    if skip_under_wine(
        "bind_checks_in_godot_order",
        "wine binds to any address, local or not (Windows refuses with WSAEADDRNOTAVAIL)",
    ) {
        return;
    }
    let mut p = PacketPeerUdp::new();
    for port in [-1, 65536, 70000, i64::MIN] {
        assert_eq!(
            p.bind(port, "127.0.0.1", 65536, false),
            ERR_INVALID_PARAMETER,
            "port {port}"
        );
    }
    for addr in ["localhost", "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "[::1]"] {
        assert_eq!(
            p.bind(0, addr, 65536, false),
            ERR_INVALID_PARAMETER,
            "addr {addr:?}"
        );
    }
    // Q10: sizes Godot cannot handle are rejected.
    assert_eq!(p.bind(0, "127.0.0.1", -1, false), ERR_INVALID_PARAMETER);
    assert_eq!(
        p.bind(0, "127.0.0.1", 1 << 30, false),
        ERR_INVALID_PARAMETER
    );
    assert!(!p.is_bound());
    // Q17: "0::1" is ::1 (RFC 4291), so this binds.
    assert_eq!(p.bind(0, "0::1", 65536, false), OK);
    assert!(p.is_bound());
    assert_ne!(p.local_port(), 0);
    assert_eq!(p.bind(0, "127.0.0.1", 65536, false), ERR_ALREADY_IN_USE);
    p.close();
    // A valid address no interface has.
    assert_eq!(p.bind(0, "203.0.113.7", 65536, false), ERR_UNAVAILABLE);
    assert!(!p.is_bound());
    assert_eq!(p.bind(0, "*", 65536, false), OK);
    p.close();
}

#[test]
fn bind_after_any_implicit_open_is_refused() {
    if skip_under_wine("bind_after_any_implicit_open_is_refused", WINE_LO_NAME) {
        return;
    }
    let (mut rx, port) = bound("127.0.0.1");
    let mut a = sender("127.0.0.1", port);
    assert_eq!(a.put_packet(b"x"), OK);
    assert!(a.is_bound());
    assert_eq!(a.bind(0, "*", 65536, false), ERR_ALREADY_IN_USE);
    let mut b = PacketPeerUdp::new();
    assert_eq!(b.connect_to_host("127.0.0.1", i64::from(port)), OK);
    assert_eq!(b.bind(0, "*", 65536, false), ERR_ALREADY_IN_USE);
    let mut c = PacketPeerUdp::new();
    assert_eq!(c.join_multicast_group("239.255.42.42", LO), OK);
    assert!(c.is_bound());
    assert_eq!(c.bind(0, "*", 65536, false), ERR_ALREADY_IN_USE);
    for p in [&mut rx, &mut a, &mut b, &mut c] {
        p.close();
    }
}

#[test]
fn port_in_use_is_unavailable_per_family() {
    let (mut holder, port) = bound("127.0.0.1");
    let port = i64::from(port);
    for addr in ["127.0.0.1", "0.0.0.0", "*"] {
        let mut p = PacketPeerUdp::new();
        assert_eq!(p.bind(port, addr, 65536, false), ERR_UNAVAILABLE, "{addr}");
        assert!(!p.is_bound());
    }
    let mut v6 = PacketPeerUdp::new();
    assert_eq!(
        v6.bind(port, "::1", 65536, false),
        OK,
        "the other family is free"
    );
    v6.close();
    holder.close();
    // Released at once: the port can be bound again right away.
    let mut again = PacketPeerUdp::new();
    assert_eq!(again.bind(port, "127.0.0.1", 65536, false), OK);
    again.close();
}

#[test]
fn reuse_port_lets_two_sockets_share_a_port() {
    if skip_on_windows(
        "reuse_port_lets_two_sockets_share_a_port",
        "there is no SO_REUSEPORT: reuse_port is refused (ERR_CANT_CREATE)",
    ) {
        return;
    }
    let mut a = PacketPeerUdp::new();
    assert_eq!(a.bind(0, "127.0.0.1", 65536, true), OK);
    let port = i64::from(a.local_port());
    let mut b = PacketPeerUdp::new();
    assert_eq!(b.bind(port, "127.0.0.1", 65536, true), OK);
    let mut c = PacketPeerUdp::new();
    assert_eq!(c.bind(port, "127.0.0.1", 65536, false), ERR_UNAVAILABLE);
    a.close();
    b.close();
}

#[test]
fn wildcard_is_dual_stack_and_reports_godot_addresses() {
    let (mut rx, port) = bound("*");
    let v4 = raw("127.0.0.1");
    let v6 = raw("::1");
    v4.send_to(b"four", ("127.0.0.1", port)).unwrap();
    v6.send_to(b"six", ("::1", port)).unwrap();
    let (d1, ip1, p1) = recv(&mut rx).expect("v4 datagram");
    let (d2, ip2, p2) = recv(&mut rx).expect("v6 datagram");
    assert_eq!(
        (d1.as_slice(), ip1.as_str(), p1),
        (&b"four"[..], "127.0.0.1", v4.local_addr().unwrap().port())
    );
    assert_eq!(
        (d2.as_slice(), ip2.as_str(), p2),
        (
            &b"six"[..],
            "0:0:0:0:0:0:0:1",
            v6.local_addr().unwrap().port()
        )
    );
    // A "*"-bound peer can send to the mapped form; the receiver sees the IPv4 address.
    let (mut v4rx, v4port) = bound("127.0.0.1");
    assert_eq!(
        rx.set_dest_address("::ffff:127.0.0.1", i64::from(v4port)),
        OK
    );
    assert_eq!(rx.put_packet(b"mapped"), OK);
    let (_, ip, sport) = recv(&mut v4rx).expect("mapped send");
    assert_eq!((ip.as_str(), sport), ("127.0.0.1", port));
    rx.close();
    v4rx.close();
}

#[test]
fn single_family_binds_refuse_the_other_family() {
    let (mut only4, p4) = bound("0.0.0.0");
    raw("::1").send_to(b"six", ("::1", p4)).ok(); // nobody listens on [::1]:p4
    assert_eq!(sync_with_marker(&mut only4, "127.0.0.1", p4, 0), 1);
    assert_eq!(recv(&mut only4).unwrap().0, b"marker");
    let (mut only6, p6) = bound("::");
    raw("127.0.0.1").send_to(b"four", ("127.0.0.1", p6)).ok();
    assert_eq!(sync_with_marker(&mut only6, "::1", p6, 0), 1);
    assert_eq!(recv(&mut only6).unwrap().1, "0:0:0:0:0:0:0:1");
    only4.close();
    only6.close();
}

#[test]
fn packet_ip_and_port_follow_each_packet() {
    let (mut rx, port) = bound("127.0.0.1");
    let a = raw("127.0.0.1");
    let b = raw("127.0.0.1");
    a.send_to(b"a", ("127.0.0.1", port)).unwrap();
    b.send_to(b"b", ("127.0.0.1", port)).unwrap();
    assert_eq!(wait_count(&mut rx, 2), 2);
    assert_eq!(rx.get_packet(|x, _| x.to_vec()), Ok(b"a".to_vec()));
    assert_eq!(rx.packet_port(), a.local_addr().unwrap().port());
    assert_eq!(rx.get_packet(|x, _| x.to_vec()), Ok(b"b".to_vec()));
    assert_eq!(rx.packet_port(), b.local_addr().unwrap().port());
    assert_eq!(rx.packet_ip(), "127.0.0.1");
    assert_eq!(rx.get_packet(|_, _| ()), Err(ERR_UNAVAILABLE));
    assert_eq!(rx.packet_error(), ERR_UNAVAILABLE);
    // The last packet's sender is kept after a failed get and after close.
    assert_eq!(rx.packet_port(), b.local_addr().unwrap().port());
    rx.close();
    assert_eq!(rx.packet_ip(), "127.0.0.1");
}

#[test]
fn zero_length_datagram_is_a_packet() {
    let (mut rx, port) = bound("127.0.0.1");
    raw("127.0.0.1").send_to(b"", ("127.0.0.1", port)).unwrap();
    assert_eq!(wait_count(&mut rx, 1), 1);
    assert_eq!(rx.get_packet(|a, b| a.len() + b.len()), Ok(0));
    assert_eq!(rx.packet_error(), OK);
    rx.close();
}

#[test]
fn connect_filters_other_senders_and_resets_the_queue() {
    let (mut host, host_port) = bound("127.0.0.1");
    let third = raw("127.0.0.1");
    let (mut peer, peer_port) = bound("127.0.0.1");
    // Three datagrams queued (drained), then connect: Q5 fixed, no phantom packets.
    for _ in 0..3 {
        third.send_to(b"old", ("127.0.0.1", peer_port)).unwrap();
    }
    assert_eq!(wait_count(&mut peer, 3), 3);
    assert_eq!(peer.connect_to_host("127.0.0.1", i64::from(host_port)), OK);
    assert!(peer.is_socket_connected());
    assert_eq!(peer.get_available_packet_count(), 0);
    // A third party is filtered out by the OS; the host gets through.
    third
        .send_to(b"intruder", ("127.0.0.1", peer_port))
        .unwrap();
    host.set_dest_address("127.0.0.1", i64::from(peer_port));
    assert_eq!(host.put_packet(b"from host"), OK);
    let (data, ip, port) = recv(&mut peer).unwrap();
    assert_eq!(
        (data.as_slice(), ip.as_str(), port),
        (&b"from host"[..], "127.0.0.1", host_port)
    );
    assert_eq!(peer.get_available_packet_count(), 0);
    // Sends go to the host from the peer's own port.
    assert_eq!(peer.put_packet(b"reply"), OK);
    assert_eq!(
        recv(&mut host).unwrap(),
        (b"reply".to_vec(), "127.0.0.1".into(), peer_port)
    );
    // Q7: the destination of a connected peer does not change, yet OK is returned.
    let (mut other, other_port) = bound("127.0.0.1");
    assert_eq!(
        peer.set_dest_address("127.0.0.1", i64::from(other_port)),
        OK
    );
    assert_eq!(peer.put_packet(b"still host"), OK);
    assert_eq!(recv(&mut host).unwrap().0, b"still host");
    assert_eq!(other.get_available_packet_count(), 0);
    for p in [&mut host, &mut peer, &mut other] {
        p.close();
    }
}

#[test]
fn connect_errors() {
    let mut p = PacketPeerUdp::new();
    assert_eq!(p.connect_to_host("localhost", 9), ERR_INVALID_PARAMETER);
    assert_eq!(p.connect_to_host("*", 9), ERR_INVALID_PARAMETER);
    assert_eq!(p.connect_to_host("127.0.0.1", 0), ERR_INVALID_PARAMETER);
    assert_eq!(p.connect_to_host("127.0.0.1", 65536), ERR_INVALID_PARAMETER);
    assert!(!p.is_bound());
    // Q6: a failed connect closes a bound socket.
    assert_eq!(p.bind(0, "127.0.0.1", 65536, false), OK);
    assert_eq!(p.connect_to_host("::1", 9), FAILED);
    assert!(!p.is_bound());
    assert!(!p.is_socket_connected());
    assert_eq!(p.get_available_packet_count(), -1);
    // An unbound peer opens a socket of the host's family on an ephemeral port.
    assert_eq!(p.connect_to_host("::1", 9), OK);
    assert!(p.is_bound());
    assert_ne!(p.local_port(), 0);
    p.close();
    assert!(!p.is_socket_connected());
}

#[test]
fn close_empties_the_queue_and_keeps_the_destination() {
    let (mut rx, port) = bound("127.0.0.1");
    let s = raw("127.0.0.1");
    s.send_to(b"OLD1", ("127.0.0.1", port)).unwrap();
    s.send_to(b"OLD2", ("127.0.0.1", port)).unwrap();
    assert_eq!(wait_count(&mut rx, 2), 2);
    rx.close();
    assert_eq!(rx.bind(0, "127.0.0.1", 65536, false), OK);
    let port2 = rx.local_port();
    s.send_to(b"NEW1", ("127.0.0.1", port2)).unwrap();
    assert_eq!(
        recv(&mut rx).unwrap().0,
        b"NEW1",
        "Q4 fixed: no stale datagrams"
    );
    rx.close();

    // Q3: a send after close re-opens an ephemeral socket to the old destination.
    let (mut dst, dport) = bound("127.0.0.1");
    let mut p = sender("127.0.0.1", dport);
    assert_eq!(p.put_packet(b"1"), OK);
    let first_port = p.local_port();
    p.close();
    assert!(!p.is_bound());
    assert_eq!(p.put_packet(b"2"), OK);
    assert!(p.is_bound());
    assert_eq!(recv(&mut dst).unwrap().2, first_port);
    assert_eq!(recv(&mut dst).unwrap().2, p.local_port());
    dst.close();
    p.close();
}

#[test]
fn set_dest_address_rejects_ports_outside_0_65535_and_resolves_names() {
    let (mut rx, port) = bound("127.0.0.1");
    let mut p = PacketPeerUdp::new();
    // Godot truncates to 16 bits when sending (P + 65536 reaches P); a project decision beside
    // Q12 refuses these instead.
    let p64 = i64::from(port);
    for bad in [
        70000,
        -1,
        65536,
        4294971760,
        p64 + 65536,
        p64 - 65536,
        i64::MIN,
    ] {
        assert_eq!(
            p.set_dest_address("127.0.0.1", bad),
            ERR_INVALID_PARAMETER,
            "{bad}"
        );
        // Checked before any name lookup.
        assert_eq!(
            p.set_dest_address("localhost", bad),
            ERR_INVALID_PARAMETER,
            "{bad}"
        );
    }
    assert_eq!(p.put_packet(b"wrapped"), ERR_UNCONFIGURED, "no destination");
    assert_eq!(p.set_dest_address("127.0.0.1", p64), OK);
    assert!(
        !p.is_bound(),
        "setting a destination does not open the socket"
    );
    assert_eq!(
        p.set_dest_address("127.0.0.1", p64 + 65536),
        ERR_INVALID_PARAMETER
    );
    assert_eq!(p.put_packet(b"marker"), OK);
    assert_eq!(
        recv(&mut rx).unwrap().0,
        b"marker",
        "the destination was kept"
    );
    assert_eq!(rx.get_available_packet_count(), 0);
    assert_eq!(p.set_dest_address("127.0.0.1", 0), OK);
    assert_eq!(p.set_dest_address("127.0.0.1", 65535), OK);
    // "localhost" comes from the hosts file (either family).
    let mut q = PacketPeerUdp::new();
    assert_eq!(q.set_dest_address("localhost", i64::from(port)), OK);
    assert_eq!(q.set_dest_address("", 1), ERR_CANT_RESOLVE);
    rx.close();
    p.close();
}

#[test]
fn send_sizes_and_families() {
    let (mut rx4, p4) = bound("127.0.0.1");
    let (mut rx6, p6) = bound("::1");
    let mut s4 = sender("127.0.0.1", p4);
    let big4: Vec<u8> = (0..65507u32).map(|i| (i * 7) as u8).collect();
    assert_eq!(s4.put_packet(&big4), OK);
    assert_eq!(
        recv(&mut rx4).unwrap().0,
        big4,
        "65507 bytes received whole"
    );
    assert_eq!(s4.put_packet(&vec![0; 65508]), FAILED);
    let mut s6 = sender("::1", p6);
    let big6: Vec<u8> = (0..65527u32).map(|i| (i * 13) as u8).collect();
    assert_eq!(s6.put_packet(&big6), OK);
    assert_eq!(
        recv(&mut rx6).unwrap().0,
        big6,
        "65527 bytes received whole"
    );
    assert_eq!(s6.put_packet(&vec![0; 65528]), FAILED);
    // Family mismatch, both ways.
    assert_eq!(s4.set_dest_address("::1", i64::from(p6)), OK);
    assert_eq!(s4.put_packet(b"x"), FAILED);
    assert_eq!(s6.set_dest_address("127.0.0.1", i64::from(p4)), OK);
    assert_eq!(s6.put_packet(b"x"), FAILED);
    assert_eq!(s4.stats().packets_sent, 1);
    assert_eq!(s4.stats().bytes_sent, 65507);
    for p in [&mut rx4, &mut rx6, &mut s4, &mut s6] {
        p.close();
    }
}

#[test]
fn broadcast_needs_the_flag() {
    // Loopback's broadcast address only; the receiver listens on all IPv4 addresses.
    let (mut rx, port) = bound("0.0.0.0");
    let mut p = sender("127.255.255.255", port);
    assert_eq!(p.put_packet(b"refused"), FAILED);
    assert!(p.is_bound(), "the socket was opened before the OS refused");
    p.set_broadcast_enabled(true);
    assert_eq!(p.put_packet(b"delivered"), OK);
    assert_eq!(recv(&mut rx).unwrap().0, b"delivered");
    // The flag is applied at open time too.
    let mut q = PacketPeerUdp::new();
    q.set_broadcast_enabled(true);
    assert_eq!(q.set_dest_address("127.255.255.255", i64::from(port)), OK);
    assert_eq!(q.put_packet(b"again"), OK);
    assert_eq!(recv(&mut rx).unwrap().0, b"again");
    for x in [&mut rx, &mut p, &mut q] {
        x.close();
    }
}

#[test]
fn multicast_on_loopback() {
    if skip_under_wine("multicast_on_loopback", WINE_LO_NAME) {
        return;
    }
    if skip_under_qemu("multicast_on_loopback", QEMU_NO_MULTICAST_IF) {
        return;
    }
    let (mut v4, port) = bound("0.0.0.0");
    assert_eq!(v4.join_multicast_group("239.255.42.42", LO), OK);
    assert_eq!(v4.join_multicast_group("239.255.42.42", LO), FAILED);
    assert_eq!(
        v4.join_multicast_group("239.255.42.43", "no-such-if0"),
        ERR_INVALID_PARAMETER
    );
    assert_eq!(
        v4.join_multicast_group("ff15::4242", LO),
        ERR_INVALID_PARAMETER
    );
    assert_eq!(v4.join_multicast_group("*", LO), ERR_INVALID_PARAMETER);
    assert_eq!(
        v4.join_multicast_group("localhost", LO),
        ERR_INVALID_PARAMETER
    );

    // Sending: only out of the loopback interface, TTL 0 (never leaves the host).
    let mut tx = PacketPeerUdp::new();
    assert_eq!(tx.bind(0, "127.0.0.1", 65536, false), OK);
    assert_eq!(tx.set_multicast_interface("lo"), OK);
    assert_eq!(tx.set_multicast_ttl(0), OK);
    assert_eq!(tx.set_multicast_ttl(256), ERR_INVALID_PARAMETER);
    assert_eq!(tx.set_multicast_loopback(true), OK);
    assert_eq!(
        tx.set_multicast_interface("no-such-if0"),
        ERR_INVALID_PARAMETER
    );
    assert_eq!(tx.set_dest_address("239.255.42.42", i64::from(port)), OK);
    assert_eq!(tx.put_packet(b"group"), OK);
    let (data, ip, _) = recv(&mut v4).expect("multicast datagram over lo");
    assert_eq!((data.as_slice(), ip.as_str()), (&b"group"[..], "127.0.0.1"));

    assert_eq!(v4.leave_multicast_group("239.255.42.42", LO), OK);
    assert_eq!(v4.leave_multicast_group("239.255.42.42", LO), FAILED);
    assert_eq!(v4.leave_multicast_group("*", LO), ERR_INVALID_PARAMETER);

    // Dual-stack socket: an IPv4 group is fine.
    let (mut dual, _) = bound("*");
    assert_eq!(dual.join_multicast_group("239.255.42.44", LO), OK);
    assert_eq!(dual.leave_multicast_group("239.255.42.44", LO), OK);

    // IPv6-only socket: IPv4 groups refused; an IPv6 group on lo where the kernel allows it.
    let (mut v6, _) = bound("::");
    assert_eq!(
        v6.join_multicast_group("239.255.42.42", LO),
        ERR_INVALID_PARAMETER
    );
    match v6.join_multicast_group("ff15::4242", LO) {
        OK => assert_eq!(v6.leave_multicast_group("ff15::4242", LO), OK),
        code => eprintln!("skipped IPv6 multicast join on lo: the kernel refused it (code {code})"),
    }

    // An unbound peer opens an unbound socket to join (Q16).
    let mut unbound = PacketPeerUdp::new();
    assert_eq!(unbound.join_multicast_group("239.255.42.45", LO), OK);
    assert!(unbound.is_bound());
    for p in [&mut v4, &mut tx, &mut dual, &mut v6, &mut unbound] {
        p.close();
    }
    assert_eq!(v4.set_multicast_ttl(1), ERR_UNCONFIGURED);
}

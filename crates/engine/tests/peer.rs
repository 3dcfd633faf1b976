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

/// Floods a peer bound with `recv_buf_size`, draining every 10 datagrams like the spec's
/// verification, and returns how many were queued.
fn queued_after_flood(addr: &str, recv_buf_size: i64, size: usize, offered: usize) -> (i32, u64) {
    let mut rx = PacketPeerUdp::new();
    assert_eq!(rx.bind(0, addr, recv_buf_size, false), OK);
    let port = rx.local_port();
    let s = raw(if addr.contains(':') {
        "::1"
    } else {
        "127.0.0.1"
    });
    let payload = vec![1u8; size];
    for i in 0..offered {
        s.send_to(&payload, (addr, port)).unwrap();
        if i % 10 == 9 {
            rx.get_available_packet_count();
        }
    }
    // Everything offered was read from the OS: queued + dropped = offered.
    let deadline = std::time::Instant::now() + DEADLINE;
    while rx.stats().packets_received + rx.stats().packets_dropped < offered as u64
        && std::time::Instant::now() < deadline
    {
        rx.wait_sync(20);
        rx.get_available_packet_count();
    }
    let count = rx.get_available_packet_count();
    let dropped = rx.stats().packets_dropped;
    assert_eq!(rx.stats().packets_received + dropped, offered as u64);
    rx.close();
    (count, dropped)
}

#[test]
fn queue_accounting_matches_godot_on_real_sockets() {
    assert_eq!(queued_after_flood("127.0.0.1", 1024, 100, 100), (16, 84));
    assert_eq!(queued_after_flood("::1", 1024, 100, 100), (16, 84));
    assert_eq!(queued_after_flood("127.0.0.1", 1024, 2023, 3).0, 1);
    assert_eq!(queued_after_flood("127.0.0.1", 1024, 2024, 3).0, 0);
    assert_eq!(queued_after_flood("127.0.0.1", 65536, 1000, 200), (127, 73));
    assert_eq!(
        queued_after_flood("127.0.0.1", 0, 4, 10),
        (0, 10),
        "drops counted at size 0"
    );
}

#[test]
fn oldest_datagrams_are_kept_in_order() {
    let mut rx = PacketPeerUdp::new();
    assert_eq!(rx.bind(0, "127.0.0.1", 1024, false), OK);
    let port = rx.local_port();
    let s = raw("127.0.0.1");
    for i in 0..30u8 {
        s.send_to(&[i; 100], ("127.0.0.1", port)).unwrap();
        if i % 10 == 9 {
            rx.get_available_packet_count();
        }
    }
    let deadline = std::time::Instant::now() + DEADLINE;
    while rx.stats().packets_received + rx.stats().packets_dropped < 30
        && std::time::Instant::now() < deadline
    {
        rx.wait_sync(20);
        rx.get_available_packet_count();
    }
    assert_eq!(rx.get_available_packet_count(), 16);
    for i in 0..16u8 {
        assert_eq!(rx.get_packet(|a, b| [a, b].concat()), Ok(vec![i; 100]));
    }
    assert_eq!(rx.stats().bytes_dropped, 14 * 100);
    rx.close();
}

#[test]
fn implicitly_opened_socket_uses_the_default_ring() {
    let (mut target, tport) = bound("127.0.0.1");
    let mut p = sender("127.0.0.1", tport);
    assert_eq!(p.put_packet(b"open"), OK);
    let pport = p.local_port();
    let s = raw("127.0.0.1");
    for i in 0..100 {
        s.send_to(&[0; 1000], ("127.0.0.1", pport)).unwrap();
        if i % 10 == 9 {
            p.get_available_packet_count();
        }
    }
    let deadline = std::time::Instant::now() + DEADLINE;
    while p.stats().packets_received + p.stats().packets_dropped < 100
        && std::time::Instant::now() < deadline
    {
        p.wait_sync(20);
        p.get_available_packet_count();
    }
    assert_eq!(p.get_available_packet_count(), 63);
    target.close();
    p.close();
}

#[test]
fn icmp_error_on_a_connected_socket_surfaces_once() {
    if skip_on_windows(
        "icmp_error_on_a_connected_socket_surfaces_once",
        WINDOWS_NO_ICMP_ERRORS,
    ) {
        return;
    }
    // A port nobody listens on: bind, note it, close.
    let (mut gone, closed_port) = bound("127.0.0.1");
    gone.close();
    let mut p = PacketPeerUdp::new();
    assert_eq!(p.connect_to_host("127.0.0.1", i64::from(closed_port)), OK);
    assert_eq!(p.put_packet(b"ping"), OK);
    // The ICMP port-unreachable makes the socket fail once (wait reports it at once).
    assert_eq!(p.wait_sync(2000), FAILED);
    assert_eq!(p.get_available_packet_count(), -1);
    assert_eq!(p.get_available_packet_count(), 0);
    assert_eq!(p.put_packet(b"ping"), OK);
    assert_eq!(p.wait_sync(2000), FAILED);
    assert_eq!(p.get_packet(|_, _| ()), Err(FAILED));
    p.close();
    // An unconnected socket never sees it.
    let mut u = sender("127.0.0.1", closed_port);
    assert_eq!(u.put_packet(b"ping"), OK);
    assert_eq!(u.put_packet(b"ping"), OK);
    assert_eq!(u.get_available_packet_count(), 0);
    u.close();
}

/// A peer whose ring (recv_buf_size 1024: 2047 usable bytes) holds exactly 16 datagrams of 100
/// bytes, filled to the brim; returns it with a raw sender aimed at it.
fn full_queue_of_16() -> (PacketPeerUdp, std::net::UdpSocket, u16) {
    let mut rx = PacketPeerUdp::new();
    assert_eq!(rx.bind(0, "127.0.0.1", 1024, false), OK);
    let port = rx.local_port();
    let s = raw("127.0.0.1");
    for i in 0..16u8 {
        s.send_to(&[i; 100], ("127.0.0.1", port)).unwrap();
    }
    assert_eq!(wait_count(&mut rx, 16), 16);
    assert_eq!(rx.stats().packets_dropped, 0);
    (rx, s, port)
}

#[test]
fn get_packet_serves_the_queue_without_draining_an_unconnected_socket() {
    let (mut rx, s, port) = full_queue_of_16();
    // A 17th datagram waits in the OS buffer while the queue is full.
    s.send_to(&[16; 100], ("127.0.0.1", port)).unwrap();
    assert_eq!(rx.wait_sync(5000), OK);
    // Taking the head does not drain first, so the full queue refuses nothing.
    assert_eq!(rx.get_packet(|a, b| [a, b].concat()), Ok(vec![0; 100]));
    assert_eq!(rx.stats().packets_dropped, 0);
    assert_eq!(
        rx.wait_sync(0),
        OK,
        "the datagram is still in the OS buffer"
    );
    // The count drains (Godot's semantics): the 17th now fits behind the 15 left.
    assert_eq!(rx.get_available_packet_count(), 16);
    assert_eq!(rx.stats().packets_dropped, 0);
    for i in 1..=16u8 {
        assert_eq!(rx.get_packet(|a, b| [a, b].concat()), Ok(vec![i; 100]));
    }
    // Empty queue: get_packet drains again (and finds nothing).
    assert_eq!(rx.get_packet(|_, _| ()), Err(ERR_UNAVAILABLE));
    s.send_to(b"late", ("127.0.0.1", port)).unwrap();
    assert_eq!(rx.wait_sync(5000), OK);
    assert_eq!(rx.get_packet(|a, b| [a, b].concat()), Ok(b"late".to_vec()));
    rx.close();
}

#[test]
fn take_packets_serves_the_queue_without_draining_an_unconnected_socket() {
    let (mut rx, s, port) = full_queue_of_16();
    s.send_to(&[16; 100], ("127.0.0.1", port)).unwrap();
    assert_eq!(rx.wait_sync(5000), OK);
    let mut data = vec![0u8; 65536];
    let mut meta = vec![0u32; 8 * 4];
    assert_eq!(rx.take_packets(&mut data, &mut meta), 4);
    assert_eq!(rx.stats().packets_dropped, 0);
    assert_eq!(
        rx.wait_sync(0),
        OK,
        "the datagram is still in the OS buffer"
    );
    let mut meta = vec![0u32; 8 * 32];
    // 12 queued are taken without a drain; the next call drains the 17th.
    assert_eq!(rx.take_packets(&mut data, &mut meta), 12);
    assert_eq!(&data[11 * 100..12 * 100], &[15; 100][..]);
    assert_eq!(rx.take_packets(&mut data, &mut meta), 1);
    assert_eq!(&data[..100], &[16; 100][..]);
    assert_eq!(rx.stats().packets_dropped, 0);
    assert_eq!(rx.take_packets(&mut data, &mut meta), 0);
    assert_eq!(rx.packet_error(), ERR_UNAVAILABLE);
    rx.close();
}

#[test]
fn lent_packets_keep_their_ring_space_until_released() {
    let (mut rx, s, port) = full_queue_of_16();
    let mut data = vec![0u8; 65536];
    let mut meta = vec![0u32; 8 * 32];
    assert_eq!(rx.lend_packets(&mut data, &mut meta, 0), 16);
    assert_eq!(&meta[15 * 8..15 * 8 + 2], &[1500, 100]);
    assert_eq!(&data[1500..1600], &[15; 100][..]);
    // Lent packets stay queued (a second lend copies them again) and keep their space.
    assert_eq!(rx.lend_packets(&mut data, &mut meta, 0), 16);
    assert_eq!(rx.get_available_packet_count(), 16);
    // Not returned yet: the last sender is unchanged until they are released.
    assert_eq!(rx.packet_ip(), "");
    for i in 16..21u8 {
        s.send_to(&[i; 100], ("127.0.0.1", port)).unwrap();
    }
    // One consumed: releasing it frees one datagram's space before the drain, as Godot's
    // get_packet would have: one of the five new ones is queued, four are refused.
    assert_eq!(rx.release_and_count(1), 16);
    assert_eq!(rx.packet_port(), s.local_addr().unwrap().port());
    let deadline = std::time::Instant::now() + DEADLINE;
    while rx.stats().packets_received + rx.stats().packets_dropped < 21 {
        assert!(std::time::Instant::now() < deadline, "the five datagrams");
        rx.wait_sync(20);
        assert_eq!(rx.get_available_packet_count(), 16);
    }
    assert_eq!(rx.stats().packets_dropped, 4);
    // Lend with a release, then release more than is lent: the new packet is never popped.
    assert_eq!(rx.lend_packets(&mut data, &mut meta, 0), 16);
    assert_eq!(&data[..100], &[1; 100][..]);
    assert_eq!(&data[1500..1600], &[16; 100][..]);
    assert_eq!(rx.lend_packets(&mut data, &mut meta, 14), 2);
    assert_eq!(
        (&data[..100], &data[100..200]),
        (&[15; 100][..], &[16; 100][..])
    );
    rx.release_lent(100);
    assert_eq!(rx.get_available_packet_count(), 0);
    // Nothing lent and nothing queued: a release pops nothing, a lend drains and reports empty.
    rx.release_lent(5);
    assert_eq!(rx.lend_packets(&mut data, &mut meta, 3), 0);
    assert_eq!(rx.packet_error(), ERR_UNAVAILABLE);
    // close() ends every loan.
    s.send_to(b"x", ("127.0.0.1", port)).unwrap();
    assert_eq!(wait_count(&mut rx, 1), 1);
    assert_eq!(rx.lend_packets(&mut data, &mut meta, 0), 1);
    rx.close();
    assert_eq!(rx.lend_packets(&mut data, &mut meta, 1), -1);
    assert_eq!(rx.packet_error(), FAILED);
    assert_eq!(rx.stats().packets_received, 18);
}

/// A peer connected to a target that sent it `packets` (queued) and then went away: a send from
/// the peer made an ICMP port-unreachable pending on its socket.
fn connected_with_icmp_pending(packets: &[&[u8]]) -> PacketPeerUdp {
    let (mut target, tport) = bound("127.0.0.1");
    let mut p = PacketPeerUdp::new();
    assert_eq!(p.connect_to_host("127.0.0.1", i64::from(tport)), OK);
    assert_eq!(p.put_packet(b"hello"), OK);
    let (_, _, pport) = recv(&mut target).expect("hello");
    target.set_dest_address("127.0.0.1", i64::from(pport));
    for packet in packets {
        assert_eq!(target.put_packet(packet), OK);
    }
    let n = packets.len() as i32;
    assert_eq!(wait_count(&mut p, n), n);
    target.close();
    assert_eq!(p.put_packet(b"ping"), OK);
    assert_eq!(p.wait_sync(2000), FAILED);
    p
}

#[test]
fn connected_socket_drains_before_every_get_packet_and_reports_icmp_with_packets_queued() {
    if skip_on_windows(
        "connected_socket_drains_before_every_get_packet_and_reports_icmp_with_packets_queued",
        WINDOWS_NO_ICMP_ERRORS,
    ) {
        return;
    }
    let mut p = connected_with_icmp_pending(&[b"one", b"two"]);
    // Spec §4.6: the read error surfaces from get_packet even with packets queued.
    assert_eq!(p.get_packet(|_, _| ()), Err(FAILED));
    assert_eq!(p.get_packet(|a, b| [a, b].concat()), Ok(b"one".to_vec()));
    assert_eq!(p.get_packet(|a, b| [a, b].concat()), Ok(b"two".to_vec()));
    // The same holds for take_packets.
    assert_eq!(p.put_packet(b"ping"), OK);
    assert_eq!(p.wait_sync(2000), FAILED);
    let mut data = vec![0u8; 65536];
    let mut meta = vec![0u32; 8 * 4];
    assert_eq!(p.take_packets(&mut data, &mut meta), -1);
    assert_eq!(p.packet_error(), FAILED);
    p.close();
}

#[test]
fn get_packet_with_drained_now_serves_the_queue_before_a_pending_icmp_error() {
    if skip_on_windows(
        "get_packet_with_drained_now_serves_the_queue_before_a_pending_icmp_error",
        WINDOWS_NO_ICMP_ERRORS,
    ) {
        return;
    }
    let mut p = connected_with_icmp_pending(&[b"one"]);
    // The caller drained a moment ago: the queued packet comes first, no second drain.
    assert_eq!(
        p.get_packet_with(true, |a, b| [a, b].concat()),
        Ok(b"one".to_vec())
    );
    // An empty queue drains, and the pending error surfaces then.
    assert_eq!(p.get_packet_with(true, |_, _| ()), Err(FAILED));
    assert_eq!(p.packet_error(), FAILED);
    p.close();
}

#[test]
fn take_packets_layout() {
    let (mut rx, port) = bound("*");
    let v4 = raw("127.0.0.1");
    let v6 = raw("::1");
    v4.send_to(b"hello", ("127.0.0.1", port)).unwrap();
    v6.send_to(b"", ("::1", port)).unwrap();
    v4.send_to(&[9; 300], ("127.0.0.1", port)).unwrap();
    assert_eq!(wait_count(&mut rx, 3), 3);
    let mut data = vec![0u8; 65536];
    let mut meta = vec![0u32; 8 * 2];
    // Room for two packets' metadata: two are taken.
    assert_eq!(rx.take_packets(&mut data, &mut meta), 2);
    assert_eq!(
        &meta[..4],
        &[0, 5, u32::from(v4.local_addr().unwrap().port()), 4]
    );
    assert_eq!(&meta[4..8], &[0, 0, 0xffff, 0x7f00_0001]);
    assert_eq!(&data[..5], b"hello");
    assert_eq!(
        &meta[8..12],
        &[5, 0, u32::from(v6.local_addr().unwrap().port()), 6]
    );
    assert_eq!(&meta[12..16], &[0, 0, 0, 1]);
    assert_eq!(rx.packet_ip(), "0:0:0:0:0:0:0:1");
    // Data too small for the next packet: nothing taken, the packet stays queued.
    assert_eq!(rx.take_packets(&mut data[..100], &mut meta), 0);
    let mut meta = vec![0u32; 8 * 16];
    assert_eq!(rx.take_packets(&mut data, &mut meta), 1);
    assert_eq!(&meta[..2], &[0, 300]);
    assert!(data[..300].iter().all(|b| *b == 9));
    assert_eq!(rx.packet_error(), OK);
    assert_eq!(rx.take_packets(&mut data, &mut meta), 0);
    assert_eq!(rx.packet_error(), ERR_UNAVAILABLE);
    rx.close();
    assert_eq!(rx.take_packets(&mut data, &mut meta), -1);
    assert_eq!(rx.packet_error(), FAILED);
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

#[test]
fn a_take_from_an_empty_queue_hands_over_in_order_and_counts_what_the_ring_refuses() {
    // Ring of 2048 bytes: 16 datagrams of 100 bytes (124 with Godot's header) fit; 40 are sent.
    let mut rx = PacketPeerUdp::new();
    assert_eq!(rx.bind(0, "127.0.0.1", 1024, false), OK);
    let port = rx.local_port();
    let s = raw("127.0.0.1");
    for i in 0..40u8 {
        s.send_to(&[i; 100], ("127.0.0.1", port)).unwrap();
    }
    assert_eq!(rx.wait_sync(5000), OK);
    let mut data = vec![0u8; 65536];
    let mut meta = vec![0u32; 8 * 5];
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + DEADLINE;
    while std::time::Instant::now() < deadline {
        let n = rx.take_packets(&mut data, &mut meta);
        assert!((0..=5).contains(&n), "at most what the metadata holds");
        for k in 0..n as usize {
            let (at, len) = (meta[k * 8] as usize, meta[k * 8 + 1] as usize);
            assert_eq!(len, 100);
            assert!(data[at..at + len].iter().all(|b| *b == data[at]));
            seen.push(data[at]);
        }
        let st = rx.stats();
        if st.packets_received + st.packets_dropped == 40 && n == 0 {
            break;
        }
        if n == 0 {
            rx.wait_sync(20);
        }
    }
    let st = rx.stats();
    assert_eq!(
        st.packets_received + st.packets_dropped,
        40,
        "every datagram counted once"
    );
    assert_eq!(
        seen.len() as u64,
        st.packets_received,
        "every accepted datagram taken"
    );
    assert!(st.packets_received >= 16, "at least a full ring accepted");
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "oldest first, none twice: {seen:?}"
    );
    assert_eq!(rx.packet_port(), s.local_addr().unwrap().port());
    rx.close();
}

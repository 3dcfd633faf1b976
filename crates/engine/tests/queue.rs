//! The receive queue through PacketPeerUDP on real loopback sockets: Godot's accounting (spec
//! §4.5), when the OS socket is drained, takes and lends, and a connected socket's ICMP errors
//! among queued packets.

mod common;

use common::*;
use godot_udp_engine::codes::*;
use godot_udp_engine::PacketPeerUdp;

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
fn lend_drained_serves_the_queue_before_a_pending_icmp_error_and_lend_packets_does_not() {
    if skip_on_windows(
        "lend_drained_serves_the_queue_before_a_pending_icmp_error_and_lend_packets_does_not",
        WINDOWS_NO_ICMP_ERRORS,
    ) {
        return;
    }
    let mut p = connected_with_icmp_pending(&[b"one", b"two"]);
    let mut data = vec![0u8; 65536];
    let mut meta = vec![0u32; 8 * 4];
    // The caller drained a moment ago: both queued packets are lent, no second drain.
    assert_eq!(p.lend_drained(&mut data, &mut meta, 0), 2);
    assert_eq!((&data[..3], &data[3..6]), (&b"one"[..], &b"two"[..]));
    // A plain lend (releasing "one") drains first: the pending error surfaces with "two" queued.
    assert_eq!(p.lend_packets(&mut data, &mut meta, 1), -1);
    assert_eq!(p.packet_error(), FAILED);
    assert_eq!(p.get_available_packet_count(), 1);
    assert_eq!(p.lend_drained(&mut data, &mut meta, 0), 1);
    assert_eq!(&data[..3], &b"two"[..]);
    // An empty queue drains even so, and reports an empty lend.
    assert_eq!(p.lend_drained(&mut data, &mut meta, 1), 0);
    assert_eq!(p.packet_error(), ERR_UNAVAILABLE);
    assert_eq!(p.stats().packets_received, 2);
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

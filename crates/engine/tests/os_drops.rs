//! Datagrams the OS drops because the socket's receive buffer is full: counted per socket in
//! `Stats::os_dropped` (Linux: the socket's `sk_drops`, read with SO_MEMINFO when the stats are
//! read). Loopback only; plain `sendto`, so every datagram is its own kernel buffer and the
//! kernel's count is a datagram count.
//!
//! Exactness: loopback delivers (or drops) in the sender's `sendto`, but should a flood datagram
//! still be in flight on another CPU, the tests send a marker after the flood and read up to it
//! (each marker counted), so the equality is checked on a settled socket.
//! `drops_after_the_last_datagram_are_counted` sends no marker: the count is current without
//! one.

#![cfg(target_os = "linux")]

mod common;

use std::net::UdpSocket as StdUdp;
use std::time::Instant;

use common::*;
use godot_udp_engine::codes::*;
use godot_udp_engine::{PacketPeerUdp, SocketOptions, Stats, UdpServer};

const FLOOD: u64 = 2000;
const MARKER: &[u8] = b"os-drops-marker";

fn small_os_buffer() -> SocketOptions {
    SocketOptions {
        os_recv_buf_size: Some(4096),
        ..SocketOptions::default()
    }
}

fn flood(tx: &StdUdp, port: u16) {
    for i in 0..FLOOD as u32 {
        tx.send_to(&i.to_be_bytes(), ("127.0.0.1", port))
            .expect("sendto");
    }
}

fn accounted(s: &Stats) -> u64 {
    s.packets_received + s.packets_dropped + s.os_dropped
}

/// Sends markers (each counted in `sent`) until `drain` (one drain: whether the marker was read,
/// and the stats after it) has read one and the stats account for everything sent, or the
/// deadline passes. Returns the settled stats.
fn settle(
    tx: &StdUdp,
    port: u16,
    sent: &mut u64,
    mut drain: impl FnMut() -> (bool, Stats),
) -> Stats {
    let deadline = Instant::now() + DEADLINE;
    loop {
        tx.send_to(MARKER, ("127.0.0.1", port)).expect("marker");
        *sent += 1;
        let s = loop {
            let (marker, s) = drain();
            if marker {
                break s;
            }
            assert!(Instant::now() < deadline, "marker not read: {s:?}");
        };
        if accounted(&s) >= *sent || Instant::now() >= deadline {
            return s;
        }
    }
}

/// Reads every queued packet of `p`; true if one was the marker.
fn read_queue(p: &mut PacketPeerUdp) -> bool {
    let mut marker = false;
    while p.get_available_packet_count() > 0 {
        let data = p.get_packet(|a, b| [a, b].concat()).expect("get_packet");
        marker |= data == MARKER;
    }
    marker
}

fn flood_peer(rx: &mut PacketPeerUdp, tx: &StdUdp) -> (Stats, u64) {
    let port = rx.local_port();
    let before = rx.stats();
    flood(tx, port);
    // Nothing read during the flood: the 8 KiB OS buffer (4096 doubled) overflowed.
    read_queue(rx);
    let mut sent = accounted(&before) + FLOOD;
    let s = settle(tx, port, &mut sent, || (read_queue(rx), rx.stats()));
    (s, sent)
}

#[test]
fn peer_counts_os_drops_exactly() {
    if skip_under_qemu("peer_counts_os_drops_exactly", QEMU_NO_OS_DROP_COUNT) {
        return;
    }
    let mut rx = PacketPeerUdp::new();
    // A queue large enough for the whole flood: every refusal here is the OS's.
    assert_eq!(
        rx.bind_with(0, "127.0.0.1", 1 << 20, &small_os_buffer()),
        OK
    );
    let tx = raw("127.0.0.1");
    let (s, sent) = flood_peer(&mut rx, &tx);
    assert!(s.os_dropped > 0, "the OS dropped nothing? {s:?}");
    assert_eq!(s.packets_dropped, 0, "{s:?}");
    assert_eq!(
        accounted(&s),
        sent,
        "received + dropped + os_dropped = sent: {s:?}"
    );

    // Reading the counters costs nothing and changes nothing.
    assert_eq!(rx.stats(), s);
    rx.close();
    assert_eq!(rx.stats(), s, "cumulative for the object, kept by close()");
}

#[test]
fn peer_counter_survives_a_new_socket() {
    if skip_under_qemu("peer_counter_survives_a_new_socket", QEMU_NO_OS_DROP_COUNT) {
        return;
    }
    // A new socket's kernel count starts again at 0: the total keeps growing, no wrap garbage.
    let mut rx = PacketPeerUdp::new();
    let tx = raw("127.0.0.1");
    assert_eq!(
        rx.bind_with(0, "127.0.0.1", 1 << 20, &small_os_buffer()),
        OK
    );
    let (first, _) = flood_peer(&mut rx, &tx);
    rx.close();
    assert_eq!(
        rx.bind_with(0, "127.0.0.1", 1 << 20, &small_os_buffer()),
        OK
    );
    let (second, sent) = flood_peer(&mut rx, &tx);
    assert_eq!(accounted(&second), sent, "{second:?}");
    assert!(
        second.os_dropped > first.os_dropped,
        "{first:?} then {second:?}"
    );
    assert!(second.os_dropped < 2 * FLOOD, "{second:?}");
    rx.close();
}

#[test]
fn drops_after_the_last_datagram_are_counted() {
    if skip_under_qemu(
        "drops_after_the_last_datagram_are_counted",
        QEMU_NO_OS_DROP_COUNT,
    ) {
        return;
    }
    // Every drop of this flood comes after the last datagram the OS buffer kept, and nothing is
    // sent after it: the count must not wait for a datagram to carry it (as SO_RXQ_OVFL's did).
    let mut rx = PacketPeerUdp::new();
    assert_eq!(
        rx.bind_with(0, "127.0.0.1", 1 << 20, &small_os_buffer()),
        OK
    );
    let tx = raw("127.0.0.1");
    flood(&tx, rx.local_port());
    let deadline = Instant::now() + DEADLINE;
    let s = loop {
        read_queue(&mut rx);
        let s = rx.stats();
        if accounted(&s) >= FLOOD || Instant::now() >= deadline {
            break s;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    };
    assert!(s.os_dropped > 0, "the OS dropped nothing? {s:?}");
    assert_eq!(accounted(&s), FLOOD, "{s:?}");
    rx.close();
}

#[test]
fn no_drops_no_count() {
    let (mut rx, port) = bound("127.0.0.1");
    let tx = raw("127.0.0.1");
    for i in 0..10u8 {
        tx.send_to(&[i], ("127.0.0.1", port)).unwrap();
    }
    assert_eq!(wait_count(&mut rx, 10), 10);
    let s = rx.stats();
    assert_eq!((s.packets_received, s.os_dropped), (10, 0));
    rx.close();
}

#[test]
fn server_counts_os_drops_and_its_peers_do_not() {
    if skip_under_qemu(
        "server_counts_os_drops_and_its_peers_do_not",
        QEMU_NO_OS_DROP_COUNT,
    ) {
        return;
    }
    let mut server = UdpServer::new();
    assert_eq!(server.listen_with(0, "127.0.0.1", &small_os_buffer()), OK);
    let port = server.local_port();
    let tx = raw("127.0.0.1");
    flood(&tx, port);
    assert_eq!(server.poll(), OK);
    let mut peer = server
        .take_connection()
        .expect("the flood's sender is pending");

    let mut sent = FLOOD;
    let s = settle(&tx, port, &mut sent, || {
        assert_eq!(server.poll(), OK);
        (read_queue(&mut peer), server.stats())
    });
    assert!(s.os_dropped > 0, "{s:?}");
    assert_eq!(accounted(&s), sent, "{s:?}");
    // The server peer's counters are its own routed traffic; the socket's drops belong to no
    // peer, so summing peers never counts them twice.
    let ps = peer.stats();
    assert_eq!(ps.os_dropped, 0, "{ps:?}");
    assert_eq!(
        ps.packets_received, s.packets_received,
        "one sender: all routed to it"
    );
    peer.close();
    server.stop();
}

#[test]
fn a_gso_batch_dropped_whole_counts_once() {
    if skip_under_qemu(
        "a_gso_batch_dropped_whole_counts_once",
        QEMU_NO_OS_DROP_COUNT,
    ) {
        return;
    }
    // The kernel counts dropped buffers, not datagrams: a GSO batch of 64 reaches this UDP_GRO
    // socket as one buffer and, when the buffer is full, is dropped (and counted) as one.
    const SEGMENTS: u64 = 64;
    const BATCHES: u64 = 40;
    let mut rx = PacketPeerUdp::new();
    assert_eq!(
        rx.bind_with(0, "127.0.0.1", 1 << 20, &small_os_buffer()),
        OK
    );
    let port = rx.local_port();
    let mut gso = sender("127.0.0.1", port);
    let batch: Vec<&[u8]> = vec![&[7u8; 16][..]; SEGMENTS as usize];
    for _ in 0..BATCHES {
        assert_eq!(gso.put_packets(&batch), OK);
    }
    read_queue(&mut rx);
    let tx = raw("127.0.0.1");
    let mut markers = 0;
    let deadline = Instant::now() + DEADLINE;
    let s = loop {
        let s = settle(&tx, port, &mut markers, || {
            (read_queue(&mut rx), rx.stats())
        });
        let datagrams = s.packets_received + s.packets_dropped + s.os_dropped * SEGMENTS;
        if datagrams >= BATCHES * SEGMENTS + markers || Instant::now() >= deadline {
            break s;
        }
    };
    assert!(s.os_dropped > 0, "{s:?}");
    assert_eq!(
        s.packets_received + s.packets_dropped + s.os_dropped * SEGMENTS,
        BATCHES * SEGMENTS + markers,
        "every dropped buffer held a whole batch: {s:?}"
    );
    assert!(s.os_dropped < BATCHES, "{s:?}");
    gso.close();
    rx.close();
}

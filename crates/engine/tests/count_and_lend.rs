//! `count_and_lend`: Godot's count and a lend in one call (the loop of Godot's docs counts, then
//! reads everything it counted). It must drain exactly as the count does, lend as `lend_packets`
//! lends, and leave the last packet's error alone, as a count does.

mod common;

use common::*;
use godot_udp_engine::codes::*;

#[test]
fn count_and_lend_lends_the_queue_and_leaves_the_packet_error_alone() {
    let (mut rx, port) = bound("127.0.0.1");
    let mut data = vec![0u8; 65536];
    let mut meta = vec![0u32; 8 * 32];
    assert_eq!(rx.get_packet(|_, _| ()), Err(ERR_UNAVAILABLE));
    // Nothing queued: the count, 0.
    assert_eq!(rx.count_and_lend(&mut data, &mut meta, 0), 0);
    let s = raw("127.0.0.1");
    for i in 1..=3u8 {
        s.send_to(&[i; 10], ("127.0.0.1", port)).unwrap();
    }
    assert_eq!(rx.wait_sync(5000), OK);
    let deadline = std::time::Instant::now() + DEADLINE;
    let mut lent = 0;
    while lent < 3 {
        assert!(std::time::Instant::now() < deadline, "the three datagrams");
        lent = rx.count_and_lend(&mut data, &mut meta, 0);
        if lent < 3 {
            rx.wait_sync(20);
        }
    }
    assert_eq!(lent, 3);
    assert_eq!(
        &meta[..3],
        &[0, 10, u32::from(s.local_addr().unwrap().port())]
    );
    assert_eq!(&data[..30], &[[1u8; 10], [2; 10], [3; 10]].concat()[..]);
    // A count: the last packet's error and sender are untouched (lend_packets would set OK).
    assert_eq!(rx.packet_error(), ERR_UNAVAILABLE);
    assert_eq!(rx.packet_ip(), "");
    // Lent packets stay queued until released; a release pops them as get_packet would have.
    assert_eq!(rx.get_available_packet_count(), 3);
    assert_eq!(rx.count_and_lend(&mut data, &mut meta, 2), 1);
    assert_eq!(&data[..10], &[3; 10][..]);
    assert_eq!(rx.packet_port(), s.local_addr().unwrap().port());
    assert_eq!(rx.stats().packets_received, 3);
    rx.close();
    assert_eq!(rx.count_and_lend(&mut data, &mut meta, 1), -1);
}

#[test]
fn count_and_lend_drains_as_the_count_does_where_a_lend_would_not() {
    let (mut rx, s, port) = full_queue_of_16();
    // A 17th datagram waits in the OS buffer while the queue is full.
    s.send_to(&[16; 100], ("127.0.0.1", port)).unwrap();
    assert_eq!(rx.wait_sync(5000), OK);
    let mut data = vec![0u8; 65536];
    let mut meta = vec![0u32; 8 * 4];
    // A lend serves the queue without draining an unconnected socket...
    assert_eq!(rx.lend_packets(&mut data, &mut meta, 0), 4);
    assert_eq!(
        rx.wait_sync(0),
        OK,
        "the datagram is still in the OS buffer"
    );
    // ...the fused count drains first, as Godot's count: the full queue refuses the 17th. The
    // views hold 4 of the 16 queued (the caller then asks the count for the rest).
    assert_eq!(rx.count_and_lend(&mut data, &mut meta, 0), 4);
    assert_eq!(rx.stats().packets_dropped, 1);
    assert_eq!(rx.wait_sync(0), ERR_TIMEOUT, "drained");
    assert_eq!(rx.get_available_packet_count(), 16);
    rx.close();
}

#[test]
fn count_and_lend_fails_on_a_pending_icmp_error_as_the_count_does() {
    if skip_on_windows(
        "count_and_lend_fails_on_a_pending_icmp_error_as_the_count_does",
        WINDOWS_NO_ICMP_ERRORS,
    ) {
        return;
    }
    let mut p = connected_with_icmp_pending(&[b"one", b"two"]);
    let mut data = vec![0u8; 65536];
    let mut meta = vec![0u32; 8 * 4];
    // Spec §4.6: the count fails on the read error even with packets queued; so does this.
    assert_eq!(p.count_and_lend(&mut data, &mut meta, 0), -1);
    // Reported once: the next one lends both.
    assert_eq!(p.count_and_lend(&mut data, &mut meta, 0), 2);
    assert_eq!((&data[..3], &data[3..6]), (&b"one"[..], &b"two"[..]));
    p.close();
}

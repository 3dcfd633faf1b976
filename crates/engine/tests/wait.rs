//! `wait()` (async and sync), cancellation, close during waits, and event-mode watching.

mod common;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use godot_udp_engine::codes::*;
use godot_udp_engine::PacketPeerUdp;
use tokio::time::timeout;

const BOUND: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readable_now_resolves_at_once_without_consuming() {
    let (mut rx, port) = bound("127.0.0.1");
    raw("127.0.0.1").send_to(b"x", ("127.0.0.1", port)).unwrap();
    assert_eq!(rx.wait_sync(5000), OK);
    assert_eq!(timeout(BOUND, rx.wait(-1, 1)).await, Ok(OK));
    assert_eq!(rx.get_available_packet_count(), 1, "wait does not consume");
    rx.close();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_only_datagrams_do_not_satisfy_wait() {
    let (mut rx, port) = bound("127.0.0.1");
    let s = raw("127.0.0.1");
    s.send_to(b"x", ("127.0.0.1", port)).unwrap();
    assert_eq!(wait_count(&mut rx, 1), 1);
    // Q9: the datagram is in the queue, not in the OS buffer, so wait() waits.
    assert_eq!(timeout(BOUND, rx.wait(100, 1)).await, Ok(ERR_TIMEOUT));
    assert_eq!(rx.wait_sync(50), ERR_TIMEOUT);
    let pending = rx.wait(-1, 2);
    let waiter = tokio::spawn(pending);
    s.send_to(b"y", ("127.0.0.1", port)).unwrap();
    assert_eq!(timeout(BOUND, waiter).await.unwrap().unwrap(), OK);
    assert_eq!(rx.get_available_packet_count(), 2);
    rx.close();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_settles_every_pending_wait_and_cancel_skips_one() {
    let (mut rx, _port) = bound("127.0.0.1");
    let waits: Vec<_> = (0..5).map(|id| tokio::spawn(rx.wait(-1, id))).collect();
    let timed = tokio::spawn(rx.wait(60_000, 9));
    rx.cancel_wait(3);
    let cancelled = {
        let w = rx.wait(-1, 3);
        rx.cancel_wait(3);
        timeout(BOUND, w).await
    };
    assert_eq!(cancelled, Ok(ERR_SKIP));
    let started = Instant::now();
    rx.close();
    let mut results = Vec::new();
    for w in waits {
        results.push(timeout(BOUND, w).await.unwrap().unwrap());
    }
    assert_eq!(results[3], ERR_SKIP, "cancelled before close");
    assert!(
        results
            .iter()
            .enumerate()
            .all(|(i, r)| i == 3 || *r == ERR_UNCONFIGURED),
        "{results:?}"
    );
    assert_eq!(
        timeout(BOUND, timed).await.unwrap().unwrap(),
        ERR_UNCONFIGURED
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "close settles at once"
    );
    // After close: unconfigured straight away.
    assert_eq!(timeout(BOUND, rx.wait(-1, 1)).await, Ok(ERR_UNCONFIGURED));
    assert_eq!(rx.wait_sync(-1), ERR_UNCONFIGURED);
    rx.cancel_wait(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_sockets_wait_at_once() {
    let mut peers: Vec<(PacketPeerUdp, u16)> = (0..64).map(|_| bound("127.0.0.1")).collect();
    let waits: Vec<_> = peers
        .iter_mut()
        .map(|(p, _)| tokio::spawn(p.wait(-1, 0)))
        .collect();
    let s = raw("127.0.0.1");
    for (_, port) in &peers {
        s.send_to(b"go", ("127.0.0.1", *port)).unwrap();
    }
    for w in waits {
        assert_eq!(timeout(BOUND, w).await.unwrap().unwrap(), OK);
    }
    for (p, _) in &mut peers {
        assert_eq!(p.get_available_packet_count(), 1);
        p.close();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_error_fails_the_wait() {
    if skip_on_windows("socket_error_fails_the_wait", WINDOWS_NO_ICMP_ERRORS) {
        return;
    }
    let (mut gone, closed_port) = bound("127.0.0.1");
    gone.close();
    let mut p = PacketPeerUdp::new();
    assert_eq!(p.connect_to_host("127.0.0.1", i64::from(closed_port)), OK);
    let w = tokio::spawn(p.wait(-1, 0));
    assert_eq!(p.put_packet(b"ping"), OK);
    assert_eq!(timeout(BOUND, w).await.unwrap().unwrap(), FAILED);
    p.close();
}

#[test]
fn watch_calls_once_per_arm_and_ends_on_close() {
    let (mut rx, port) = bound("127.0.0.1");
    let (tx, calls) = mpsc::channel();
    assert_eq!(
        rx.watch(Box::new(move |status| {
            let _ = tx.send(status);
        })),
        OK
    );
    assert!(
        calls.recv_timeout(Duration::from_millis(100)).is_err(),
        "idle: no call"
    );
    let s = raw("127.0.0.1");
    s.send_to(b"1", ("127.0.0.1", port)).unwrap();
    assert_eq!(calls.recv_timeout(BOUND), Ok(OK));
    // Parked until rearm, even as more datagrams arrive.
    s.send_to(b"2", ("127.0.0.1", port)).unwrap();
    assert_eq!(wait_count(&mut rx, 2), 2);
    assert!(calls.recv_timeout(Duration::from_millis(100)).is_err());
    // Drained: rearming waits for the next datagram.
    rx.rearm();
    assert!(calls.recv_timeout(Duration::from_millis(100)).is_err());
    s.send_to(b"3", ("127.0.0.1", port)).unwrap();
    assert_eq!(calls.recv_timeout(BOUND), Ok(OK));
    // Not drained: rearming reports at once.
    rx.rearm();
    assert_eq!(calls.recv_timeout(BOUND), Ok(OK));
    rx.close();
    assert_eq!(calls.recv_timeout(BOUND), Ok(ERR_UNCONFIGURED));
    assert!(calls.recv_timeout(Duration::from_millis(50)).is_err());
    // Watching needs an open socket.
    assert_eq!(rx.watch(Box::new(|_| {})), ERR_UNCONFIGURED);
}

#[test]
fn unwatch_ends_without_a_last_call() {
    let (mut rx, port) = bound("127.0.0.1");
    let (tx, calls) = mpsc::channel();
    assert_eq!(
        rx.watch(Box::new(move |status| {
            let _ = tx.send(status);
        })),
        OK
    );
    rx.unwatch();
    raw("127.0.0.1").send_to(b"1", ("127.0.0.1", port)).unwrap();
    assert_eq!(wait_count(&mut rx, 1), 1);
    rx.close();
    assert!(calls.recv_timeout(Duration::from_millis(100)).is_err());
}

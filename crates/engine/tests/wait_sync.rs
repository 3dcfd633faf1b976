//! The blocking `wait_sync`: it polls in slices, so it can be ended by its caller (the binding's
//! "is this JS thread being terminated?") or by a close from another thread, and still honours its
//! timeout and wakes for a datagram.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use godot_udp_engine::codes::*;
use godot_udp_engine::wait::{Readiness, WAIT_SLICE};
use godot_udp_engine::PacketPeerUdp;

/// Runs `f` on its own thread; its result, or None if it has not returned within the deadline
/// (the thread is then left blocked: the test fails anyway).
fn on_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> mpsc::Receiver<T> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx
}

#[test]
fn untimed_wait_sync_ends_with_err_skip_once_interrupted() {
    let stop = Arc::new(AtomicBool::new(false));
    let asked = Arc::new(AtomicBool::new(false));
    let (stop_w, asked_w) = (Arc::clone(&stop), Arc::clone(&asked));
    let result = on_thread(move || {
        let (mut p, _port) = bound("127.0.0.1");
        let code = p.wait_sync_until(-1, &mut || {
            asked_w.store(true, Ordering::SeqCst);
            stop_w.load(Ordering::SeqCst)
        });
        p.close();
        code
    });
    // The wait asks between slices; it keeps waiting while the answer is "go on".
    let deadline = Instant::now() + DEADLINE;
    while !asked.load(Ordering::SeqCst) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    assert!(asked.load(Ordering::SeqCst), "asked within the deadline");
    assert!(
        result.try_recv().is_err(),
        "still waiting after being told to go on"
    );
    let told = Instant::now();
    stop.store(true, Ordering::SeqCst);
    assert_eq!(result.recv_timeout(DEADLINE), Ok(ERR_SKIP));
    assert!(
        told.elapsed() < WAIT_SLICE * 10,
        "ended within about one slice: {:?}",
        told.elapsed()
    );
}

#[test]
fn untimed_wait_sync_ends_with_err_unconfigured_when_closed_from_another_thread() {
    let sock = raw("127.0.0.1");
    #[cfg(unix)]
    let fd = std::os::fd::AsRawFd::as_raw_fd(&sock);
    #[cfg(windows)]
    let fd = std::os::windows::io::AsRawSocket::as_raw_socket(&sock);
    let readiness = Readiness::new(fd);
    let waiting = Arc::clone(&readiness);
    let result = on_thread(move || waiting.wait_sync(-1));
    // Whether the close lands before or during the wait, the answer is the same.
    thread::sleep(WAIT_SLICE);
    let closed = Instant::now();
    readiness.close();
    assert_eq!(result.recv_timeout(DEADLINE), Ok(ERR_UNCONFIGURED));
    assert!(
        closed.elapsed() < WAIT_SLICE * 10,
        "ended within about one slice: {:?}",
        closed.elapsed()
    );
    drop(sock);
}

#[test]
fn sliced_wait_sync_keeps_its_timeout_and_wakes_for_a_datagram() {
    let (mut p, port) = bound("127.0.0.1");
    let timeout = WAIT_SLICE * 3 + Duration::from_millis(7);
    let started = Instant::now();
    let mut asked = 0;
    let code = p.wait_sync_until(timeout.as_millis() as i64, &mut || {
        asked += 1;
        false
    });
    let took = started.elapsed();
    assert_eq!(code, ERR_TIMEOUT);
    assert!(took >= timeout, "not before the timeout: {took:?}");
    assert!(took < timeout + Duration::from_secs(2), "{took:?}");
    assert!(asked >= 3, "asked after each idle slice: {asked}");

    // A wait shorter than a slice never asks.
    let mut asked_short = false;
    assert_eq!(
        p.wait_sync_until(10, &mut || {
            asked_short = true;
            false
        }),
        ERR_TIMEOUT
    );
    assert!(!asked_short);

    // A datagram arriving after several slices ends an untimed wait with OK.
    let sent = on_thread(move || {
        thread::sleep(WAIT_SLICE * 2);
        raw("127.0.0.1")
            .send_to(b"late", ("127.0.0.1", port))
            .is_ok()
    });
    let deadline = Instant::now() + DEADLINE;
    let code = p.wait_sync_until(-1, &mut || Instant::now() >= deadline);
    assert_eq!(code, OK);
    assert_eq!(sent.recv_timeout(DEADLINE), Ok(true));
    assert_eq!(p.get_available_packet_count(), 1);
    p.close();
    assert_eq!(
        PacketPeerUdp::new().wait_sync_until(-1, &mut || true),
        ERR_UNCONFIGURED
    );
}

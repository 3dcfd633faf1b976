//! The `bind`/`listen` extension options on real loopback sockets: SO_RCVBUF (`os_recv_buf_size`)
//! is applied when asked, left at the OS default otherwise, checked for range after Godot's own
//! checks, and changes nothing else.

mod common;

use common::*;
use godot_udp_engine::codes::*;
use godot_udp_engine::{PacketPeerUdp, SocketOptions, UdpServer};

fn with_rcvbuf(bytes: i64) -> SocketOptions {
    SocketOptions {
        os_recv_buf_size: Some(bytes),
        ..SocketOptions::default()
    }
}

/// SO_RCVBUF of a plain socket: what the OS gives when nobody asks.
fn os_default() -> usize {
    socket2::SockRef::from(&raw("127.0.0.1"))
        .recv_buffer_size()
        .expect("SO_RCVBUF")
}

/// The kernel reports at least what was asked (Linux doubles it for its bookkeeping).
fn assert_applied(reported: usize, asked: usize) {
    assert!(reported >= asked, "reported {reported} < asked {asked}");
    if cfg!(target_os = "linux") {
        assert_eq!(reported, 2 * asked, "Linux reports twice the request");
    }
}

#[test]
fn peer_default_is_the_os_default() {
    let (mut p, _) = bound("127.0.0.1");
    assert_eq!(p.os_recv_buf_size(), os_default());
    p.close();
    assert_eq!(p.os_recv_buf_size(), 0, "no socket: 0");
}

#[test]
fn peer_os_recv_buf_size_is_applied_and_traffic_is_unchanged() {
    // 64 KiB: below the default and the usual net.core.rmem_max, so the request is honoured as is.
    let mut rx = PacketPeerUdp::new();
    assert_eq!(rx.bind_with(0, "127.0.0.1", 65536, &with_rcvbuf(65536)), OK);
    assert_applied(rx.os_recv_buf_size(), 65536);
    assert_ne!(rx.os_recv_buf_size(), os_default());
    let port = rx.local_port();
    let s = raw("127.0.0.1");
    for i in 0..20u8 {
        s.send_to(&[i; 10], ("127.0.0.1", port)).unwrap();
    }
    assert_eq!(wait_count(&mut rx, 20), 20);
    for i in 0..20u8 {
        assert_eq!(rx.get_packet(|a, b| [a, b].concat()), Ok(vec![i; 10]));
    }
    let st = rx.stats();
    assert_eq!((st.packets_received, st.bytes_received), (20, 200));
    assert_eq!(st.packets_dropped, 0);
    rx.close();
}

#[test]
fn peer_os_recv_buf_size_range_is_checked_after_godots_checks() {
    let mut p = PacketPeerUdp::new();
    for bad in [0, -1, i64::from(i32::MAX) + 1, i64::MIN] {
        assert_eq!(
            p.bind_with(0, "127.0.0.1", 65536, &with_rcvbuf(bad)),
            ERR_INVALID_PARAMETER,
            "{bad}"
        );
        assert!(!p.is_bound());
    }
    // Godot's own checks come first.
    assert_eq!(
        p.bind_with(0, "nope", 65536, &with_rcvbuf(0)),
        ERR_INVALID_PARAMETER
    );
    let (mut open, _) = bound("127.0.0.1");
    assert_eq!(
        open.bind_with(0, "127.0.0.1", 65536, &with_rcvbuf(0)),
        ERR_ALREADY_IN_USE
    );
    open.close();
    // The largest value is accepted (the kernel caps it at its limit).
    assert_eq!(
        p.bind_with(0, "127.0.0.1", 65536, &with_rcvbuf(i64::from(i32::MAX))),
        OK
    );
    assert!(p.os_recv_buf_size() > 0);
    p.close();
}

#[test]
fn server_os_recv_buf_size_is_applied_and_seen_by_its_peers() {
    let mut server = UdpServer::new();
    assert_eq!(server.os_recv_buf_size(), 0, "not listening: 0");
    assert_eq!(
        server.listen_with(0, "127.0.0.1", &with_rcvbuf(0)),
        ERR_INVALID_PARAMETER
    );
    assert!(!server.is_listening());
    assert_eq!(server.listen_with(0, "127.0.0.1", &with_rcvbuf(65536)), OK);
    assert_applied(server.os_recv_buf_size(), 65536);
    let port = server.local_port();
    let s = raw("127.0.0.1");
    s.send_to(b"hello", ("127.0.0.1", port)).unwrap();
    let deadline = std::time::Instant::now() + DEADLINE;
    while server.pending_count() == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
        assert_eq!(server.poll(), OK);
    }
    let mut peer = server.take_connection().expect("a pending peer");
    assert_eq!(peer.os_recv_buf_size(), server.os_recv_buf_size());
    assert_eq!(
        peer.get_packet(|a, b| [a, b].concat()),
        Ok(b"hello".to_vec())
    );
    peer.close();
    server.stop();
    assert_eq!(server.os_recv_buf_size(), 0);
    // Without the option: the OS default.
    let mut plain = UdpServer::new();
    assert_eq!(plain.listen(0, "127.0.0.1", false), OK);
    assert_eq!(plain.os_recv_buf_size(), os_default());
    plain.stop();
}

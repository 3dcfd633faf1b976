//! `UdpSocket::try_send_to`: one datagram by address, without waiting for room (the ENet host's
//! send path). Loopback only; every socket is closed when its test ends.

use std::net::{Ipv4Addr, Ipv6Addr, UdpSocket as StdUdp};
use std::time::Duration;

use godot_udp_engine::addr;
use godot_udp_engine::socket::{Family, OpenOptions, UdpSocket};

fn receiver_v4() -> (StdUdp, u16) {
    let r = StdUdp::bind("127.0.0.1:0").unwrap();
    r.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let port = r.local_addr().unwrap().port();
    (r, port)
}

fn loopback_v4() -> Ipv6Addr {
    Ipv4Addr::LOCALHOST.to_ipv6_mapped()
}

#[test]
fn sends_one_datagram_from_an_ipv4_socket() {
    let (r, port) = receiver_v4();
    let s = UdpSocket::open(Family::V4, OpenOptions::default()).unwrap();
    s.bind(Some(&loopback_v4()), 0).unwrap();
    assert!(s.try_send_to(b"hello", &loopback_v4(), port).unwrap());
    let mut buf = [0u8; 64];
    let (n, from) = r.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello");
    assert_eq!(from.port(), s.local_port());
}

#[test]
fn a_dual_stack_socket_reaches_an_ipv4_peer_through_the_mapped_form() {
    let (r, port) = receiver_v4();
    let s = UdpSocket::open(Family::DualStack, OpenOptions::default()).unwrap();
    s.bind(None, 0).unwrap();
    assert!(s.try_send_to(&[7u8; 1400], &loopback_v4(), port).unwrap());
    let mut buf = [0u8; 2048];
    let (n, _) = r.recv_from(&mut buf).unwrap();
    assert_eq!(n, 1400);
    // The answer comes back in Godot's 16-byte form, as `drain` reports every sender.
    r.send_to(b"back", ("127.0.0.1", s.local_port())).unwrap();
    let mut got = Vec::new();
    for _ in 0..100 {
        let res = s.drain(|a, p, d| got.push((*a, p, d.to_vec())));
        res.unwrap();
        if !got.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(got.len(), 1);
    assert_eq!(addr::format(&got[0].0), "127.0.0.1");
    assert_eq!(got[0].1, port);
    assert_eq!(got[0].2, b"back");
}

#[test]
fn a_family_the_socket_cannot_reach_is_invalid_input_and_sends_nothing() {
    let s = UdpSocket::open(Family::V4, OpenOptions::default()).unwrap();
    let err = s.try_send_to(b"x", &Ipv6Addr::LOCALHOST, 9).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
fn an_oversized_datagram_is_an_error_not_a_would_block() {
    let s = UdpSocket::open(Family::V4, OpenOptions::default()).unwrap();
    let big = vec![0u8; 70_000];
    assert!(s.try_send_to(&big, &loopback_v4(), 9).is_err());
}

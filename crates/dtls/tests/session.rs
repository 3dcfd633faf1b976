//! DTLS sessions over loopback UDP peers: handshakes with cookies, data both ways, the failure
//! statuses, retransmission, deadlines, garbage and close_notify. Every wait is bounded.

use std::net::UdpSocket as StdUdp;
use std::time::{Duration, Instant};

use godot_udp_dtls::peer::*;
use godot_udp_dtls::{ClientOptions, PacketPeerDtls, X509Certificate};
use godot_udp_engine::codes::{ERR_INVALID_PARAMETER, ERR_UNCONFIGURED, OK};
use godot_udp_engine::PacketPeerUdp;

mod common;
use common::*;

#[test]
fn handshake_with_cookie_then_data_both_ways() {
    let (key, cert) = identity("localhost");
    let mut server = Server::new(&key, &cert);
    let mut c = client(server.port(), "localhost", &trusting(&cert));
    let connected = run(&mut server, &mut c, |s, d| {
        d.status() == STATUS_CONNECTED
            && s.peers.iter().any(|(_, p)| p.status() == STATUS_CONNECTED)
    });
    assert!(
        connected,
        "client status {} {:?} server {:?} peers {:?}",
        c.1.status(),
        c.1.stats(),
        server.dtls.stats(),
        server
            .peers
            .iter()
            .map(|(_, p)| (p.status(), p.stats()))
            .collect::<Vec<_>>()
    );
    let stats = server.dtls.stats();
    assert_eq!(
        stats.cookies_sent, 1,
        "the first ClientHello is answered with a cookie"
    );
    assert_eq!(stats.handshakes_started, 1);
    assert_eq!(stats.handshakes_completed, 1);
    assert_eq!(stats.connections_taken, 2);

    assert_eq!(c.1.put_packet(&mut c.0, b"hello server"), OK);
    assert!(run(&mut server, &mut c, |s, _| s.peers[0]
        .1
        .get_available_packet_count()
        > 0));
    let (udp, peer) = &mut server.peers[0];
    assert_eq!(get(peer), b"hello server");
    let big = vec![7u8; MAX_PACKET_SIZE];
    assert_eq!(peer.put_packet(udp, &big), OK);
    assert_eq!(
        peer.put_packet(udp, &[0u8; MAX_PACKET_SIZE + 1]),
        ERR_INVALID_PARAMETER
    );
    assert_eq!(
        peer.status(),
        STATUS_CONNECTED,
        "an oversized packet keeps the session"
    );
    assert!(run(&mut server, &mut c, |_, d| d
        .get_available_packet_count()
        > 0));
    assert_eq!(get(&mut c.1), big);
    assert_eq!(
        get(&mut c.1),
        b"",
        "an empty queue gives an empty packet, OK, as Godot"
    );
}

#[test]
fn wrong_hostname_is_a_hostname_mismatch() {
    let (key, cert) = identity("localhost");
    let mut server = Server::new(&key, &cert);
    let mut c = client(server.port(), "example.com", &trusting(&cert));
    assert!(run(&mut server, &mut c, |_, d| d.status() != STATUS_HANDSHAKING));
    assert_eq!(c.1.status(), STATUS_ERROR_HOSTNAME_MISMATCH);
    assert!(run(&mut server, &mut c, |s, _| s
        .dtls
        .stats()
        .handshakes_failed
        == 1));
    assert_eq!(server.dtls.stats().handshakes_completed, 0);
}

#[test]
fn untrusted_certificate_fails_unless_unsafe() {
    let (key, cert) = identity("localhost");
    let (_, other) = identity("localhost");
    let mut server = Server::new(&key, &cert);
    let mut c = client(server.port(), "localhost", &trusting(&other));
    assert!(run(&mut server, &mut c, |_, d| d.status() != STATUS_HANDSHAKING));
    assert_eq!(c.1.status(), STATUS_ERROR);

    let unsafe_client = ClientOptions {
        unsafe_client: true,
        ..ClientOptions::default()
    };
    let mut c = client(server.port(), "wrong.name", &unsafe_client);
    assert!(run(&mut server, &mut c, |_, d| d.status() != STATUS_HANDSHAKING));
    assert_eq!(c.1.status(), STATUS_CONNECTED);
}

#[test]
fn common_name_override_replaces_the_hostname() {
    let (key, cert) = identity("game.example");
    let mut server = Server::new(&key, &cert);
    let options = ClientOptions {
        trusted: Some(cert.clone()),
        common_name_override: "game.example".into(),
        unsafe_client: false,
    };
    let mut c = client(server.port(), "127.0.0.1", &options);
    assert!(run(&mut server, &mut c, |_, d| d.status() != STATUS_HANDSHAKING));
    assert_eq!(c.1.status(), STATUS_CONNECTED);
}

#[test]
fn lost_flight_is_retransmitted() {
    let (key, cert) = identity("localhost");
    let mut server = Server::new(&key, &cert);
    let mut c = client(server.port(), "localhost", &trusting(&cert));
    // The first ClientHello is lost: its connection is taken and dropped unread.
    let end = Instant::now() + DEADLINE;
    while !server.udp.is_connection_available() && Instant::now() < end {
        server.udp.poll();
        std::thread::sleep(Duration::from_millis(1));
    }
    let mut lost = server.udp.take_connection().unwrap();
    lost.close();
    assert!(c
        .1
        .next_timeout()
        .is_some_and(|t| t <= Duration::from_secs(1)));
    assert!(run(&mut server, &mut c, |_, d| d.status() == STATUS_CONNECTED));
    assert!(c.1.stats().retransmissions >= 1);
}

#[test]
fn handshake_gives_up_at_its_deadline() {
    let silent = StdUdp::bind("127.0.0.1:0").unwrap();
    let mut udp = PacketPeerUdp::new();
    assert_eq!(
        udp.connect_to_host("127.0.0.1", silent.local_addr().unwrap().port() as i64),
        OK
    );
    let mut dtls = PacketPeerDtls::new();
    dtls.set_handshake_timeout(Duration::from_millis(300));
    let unsafe_client = ClientOptions {
        unsafe_client: true,
        ..ClientOptions::default()
    };
    let start = Instant::now();
    assert_eq!(
        dtls.connect_to_peer(&mut udp, "localhost", &unsafe_client),
        OK
    );
    while dtls.status() == STATUS_HANDSHAKING && start.elapsed() < DEADLINE {
        let wait = dtls.next_timeout().unwrap();
        assert!(wait <= Duration::from_millis(300));
        std::thread::sleep(wait);
        dtls.poll(&mut udp);
    }
    assert_eq!(dtls.status(), STATUS_ERROR);
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn garbage_is_discarded_counted_and_harmless() {
    let (key, cert) = identity("localhost");
    let mut server = Server::new(&key, &cert);
    let mut c = client(server.port(), "localhost", &trusting(&cert));
    assert!(run(&mut server, &mut c, |s, d| d.status()
        == STATUS_CONNECTED
        && s.peers.iter().any(|(_, p)| p.status() == STATUS_CONNECTED)));
    // Garbage, an empty datagram and a truncated record header, handed in as events would.
    let (cudp, cdtls) = &mut c;
    assert_eq!(cdtls.put_packet(cudp, b"one"), OK);
    assert!(run(&mut server, &mut c, |s, _| s.peers[0]
        .1
        .get_available_packet_count()
        == 1));
    let (sudp, sdtls) = &mut server.peers[0];
    for junk in [
        &b"\x17\xfe\xfd garbage"[..],
        &[0u8; 0][..],
        &[0x17, 0xfe, 0xfd, 0, 1][..],
    ] {
        sdtls.receive(sudp, junk);
    }
    assert_eq!(sdtls.stats().datagrams_discarded, 3);
    assert_eq!(sdtls.status(), STATUS_CONNECTED);
    assert_eq!(get(sdtls), b"one");
}

#[test]
fn close_notify_after_data_delivers_the_data_first() {
    let (key, cert) = identity("localhost");
    let mut server = Server::new(&key, &cert);
    let mut c = client(server.port(), "localhost", &trusting(&cert));
    assert!(run(&mut server, &mut c, |s, d| d.status()
        == STATUS_CONNECTED
        && s.peers.iter().any(|(_, p)| p.status() == STATUS_CONNECTED)));
    let (cudp, cdtls) = &mut c;
    assert_eq!(cdtls.put_packet(cudp, b"last words"), OK);
    cdtls.disconnect_from_peer(cudp);
    assert_eq!(cdtls.status(), STATUS_DISCONNECTED);
    assert_eq!(cdtls.put_packet(cudp, b"x"), ERR_UNCONFIGURED);
    let end = Instant::now() + DEADLINE;
    let (sudp, sdtls) = &mut server.peers[0];
    while sdtls.get_available_packet_count() == 0 && Instant::now() < end {
        server.udp.poll();
        sdtls.poll(sudp);
    }
    assert_eq!(
        sdtls.status(),
        STATUS_CONNECTED,
        "still connected while data is queued"
    );
    assert_eq!(get(sdtls), b"last words");
    sdtls.poll(sudp);
    assert_eq!(sdtls.status(), STATUS_DISCONNECTED);
    assert!(!sudp.is_bound(), "a taken UDP peer closes with its session");
}

#[test]
fn a_first_datagram_that_is_not_a_client_hello_is_refused() {
    let (key, cert) = identity("localhost");
    let mut server = Server::new(&key, &cert);
    let raw = StdUdp::bind("127.0.0.1:0").unwrap();
    raw.send_to(b"\x16\xfe\xfd not a hello", ("127.0.0.1", server.port()))
        .unwrap();
    let end = Instant::now() + DEADLINE;
    while server.dtls.stats().connections_taken == 0 && Instant::now() < end {
        server.step();
    }
    assert!(server.peers.is_empty());
    assert_eq!(server.dtls.stats().not_client_hello, 1);
}

#[test]
fn unsafe_client_with_a_chain_verifies_the_chain_but_not_the_name() {
    // Godot's client_unsafe(chain): mbedTLS verifies the chain (VERIFY_REQUIRED), sets no hostname.
    let (key, cert) = identity("localhost");
    let (_, other) = identity("localhost");
    let mut server = Server::new(&key, &cert);
    let unsafe_with = |chain: &X509Certificate| ClientOptions {
        trusted: Some(chain.clone()),
        common_name_override: String::new(),
        unsafe_client: true,
    };
    let mut c = client(server.port(), "any.name", &unsafe_with(&cert));
    assert!(run(&mut server, &mut c, |_, d| d.status() != STATUS_HANDSHAKING));
    assert_eq!(
        c.1.status(),
        STATUS_CONNECTED,
        "the chain verifies; the name is not checked"
    );
    let mut c = client(server.port(), "localhost", &unsafe_with(&other));
    assert!(run(&mut server, &mut c, |_, d| d.status() != STATUS_HANDSHAKING));
    assert_eq!(
        c.1.status(),
        STATUS_ERROR,
        "a chain that does not verify fails"
    );
}

#[test]
fn an_ip_hostname_matches_a_cn_holding_that_ip() {
    // mbedTLS compares the hostname with the CN as text, IP literals included.
    let (key, cert) = identity("127.0.0.1");
    let mut server = Server::new(&key, &cert);
    let mut c = client(server.port(), "127.0.0.1", &trusting(&cert));
    assert!(run(&mut server, &mut c, |_, d| d.status() != STATUS_HANDSHAKING));
    assert_eq!(c.1.status(), STATUS_CONNECTED);
    let mut c = client(server.port(), "127.0.0.2", &trusting(&cert));
    assert!(run(&mut server, &mut c, |_, d| d.status() != STATUS_HANDSHAKING));
    assert_eq!(c.1.status(), STATUS_ERROR_HOSTNAME_MISMATCH);
}

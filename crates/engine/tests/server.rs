//! UDPServer on real loopback sockets: spec §5, Godot's own test facts, the fixed quirks, and
//! routing with many clients.

mod common;

use std::net::UdpSocket as StdUdp;
use std::time::{Duration, Instant};

use common::*;
use godot_udp_engine::codes::*;
use godot_udp_engine::{PacketPeerUdp, UdpServer};

fn listening(addr: &str) -> (UdpServer, u16) {
    let mut s = UdpServer::new();
    assert_eq!(s.listen(0, addr, false), OK);
    let port = s.local_port();
    assert_ne!(port, 0);
    (s, port)
}

/// Polls until `n` pending peers exist (bounded).
fn poll_until_pending(s: &mut UdpServer, n: usize) -> usize {
    let deadline = Instant::now() + DEADLINE;
    loop {
        assert_eq!(s.poll(), OK);
        if s.pending_count() >= n || Instant::now() >= deadline {
            return s.pending_count();
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Polls until `peer` has `n` packets queued (bounded).
fn poll_until_count(s: &mut UdpServer, peer: &mut PacketPeerUdp, n: i32) -> i32 {
    let deadline = Instant::now() + DEADLINE;
    loop {
        assert_eq!(s.poll(), OK);
        let c = peer.get_available_packet_count();
        if c >= n || Instant::now() >= deadline {
            return c;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn not_listening_and_listen_errors() {
    let mut s = UdpServer::new();
    assert_eq!(s.poll(), ERR_UNCONFIGURED);
    assert!(!s.is_connection_available());
    assert!(s.take_connection().is_none());
    assert_eq!(s.local_port(), 0);
    assert!(!s.is_listening());
    assert_eq!(s.max_pending_connections(), 16);
    // Q12 fixed: ports outside 0–65535 are rejected instead of wrapping.
    for port in [70000, -1, 65536] {
        assert_eq!(
            s.listen(port, "127.0.0.1", false),
            ERR_INVALID_PARAMETER,
            "port {port}"
        );
    }
    assert_eq!(s.listen(0, "localhost", false), ERR_INVALID_PARAMETER);
    assert_eq!(s.listen(0, "127.0.0.1", false), OK);
    assert!(s.is_listening());
    assert_eq!(s.listen(0, "127.0.0.1", false), ERR_ALREADY_IN_USE);
    assert_eq!(s.max_pending_connections(), 16);
    s.stop();
    assert!(!s.is_listening());
    assert_eq!(s.poll(), ERR_UNCONFIGURED);
}

#[test]
fn reuse_address_and_port_conflicts_with_plain_peers() {
    if skip_on_windows(
        "reuse_address_and_port_conflicts_with_plain_peers",
        "a server does not set SO_REUSEADDR, as Godot does not, so a second server cannot take its port",
    ) {
        return;
    }
    let (mut a, port) = listening("127.0.0.1");
    // SO_REUSEADDR: a second server binds the same port on Linux.
    let mut b = UdpServer::new();
    assert_eq!(b.listen(i64::from(port), "127.0.0.1", false), OK);
    // A plain peer (no SO_REUSEADDR) cannot take the server's port, and vice versa.
    let mut p = PacketPeerUdp::new();
    assert_eq!(
        p.bind(i64::from(port), "127.0.0.1", 65536, false),
        ERR_UNAVAILABLE
    );
    let (mut holder, hport) = bound("127.0.0.1");
    let mut c = UdpServer::new();
    assert_eq!(
        c.listen(i64::from(hport), "127.0.0.1", false),
        ERR_UNAVAILABLE
    );
    assert!(!c.is_listening());
    a.stop();
    b.stop();
    holder.close();
}

#[test]
fn godot_test_udp_server_facts() {
    let (mut server, port) = listening("127.0.0.1");
    assert!(!server.is_connection_available());
    let mut client = PacketPeerUdp::new();
    assert_eq!(client.connect_to_host("127.0.0.1", i64::from(port)), OK);
    assert!(client.is_bound());
    assert!(client.is_socket_connected());
    assert_eq!(client.put_packet(b"Hello World!"), OK);
    assert_eq!(poll_until_pending(&mut server, 1), 1);
    assert!(server.is_connection_available());
    let mut peer = server.take_connection().expect("a pending peer");
    assert!(peer.is_bound());
    assert!(peer.is_socket_connected());
    assert_eq!(peer.local_port(), port);
    assert_eq!(peer.packet_ip(), "127.0.0.1");
    assert_eq!(peer.packet_port(), client.local_port());
    assert_eq!(
        peer.get_packet(|a, b| [a, b].concat()),
        Ok(b"Hello World!".to_vec())
    );
    assert_eq!(peer.put_packet(b"3.1415"), OK);
    assert_eq!(
        recv(&mut client).unwrap(),
        (b"3.1415".to_vec(), "127.0.0.1".into(), port)
    );
    // Five clients become five peers.
    let clients: Vec<StdUdp> = (0..5).map(|_| raw("127.0.0.1")).collect();
    for c in &clients {
        c.send_to(b"hi", ("127.0.0.1", port)).unwrap();
    }
    assert_eq!(poll_until_pending(&mut server, 5), 5);
    let mut taken: Vec<PacketPeerUdp> = (0..5).map(|_| server.take_connection().unwrap()).collect();
    assert!(server.take_connection().is_none());
    assert_eq!(server.peer_count(), 6);
    server.stop();
    assert!(!server.is_listening());
    assert!(!server.is_connection_available());
    for p in &mut taken {
        p.close();
    }
    client.close();
}

#[test]
fn routing_is_by_remote_address_in_first_datagram_order() {
    let (mut server, port) = listening("127.0.0.1");
    let c: Vec<StdUdp> = (0..3).map(|_| raw("127.0.0.1")).collect();
    for (i, msg) in [(1, "c1a"), (0, "c0"), (2, "c2"), (1, "c1b")] {
        c[i].send_to(msg.as_bytes(), ("127.0.0.1", port)).unwrap();
    }
    assert_eq!(poll_until_pending(&mut server, 3), 3);
    let mut peers: Vec<PacketPeerUdp> = (0..3).map(|_| server.take_connection().unwrap()).collect();
    assert!(server.take_connection().is_none());
    let order: Vec<u16> = peers.iter().map(|p| p.packet_port()).collect();
    let want: Vec<u16> = [1, 0, 2]
        .iter()
        .map(|i| c[*i].local_addr().unwrap().port())
        .collect();
    assert_eq!(order, want, "FIFO in first-datagram order");
    assert_eq!(peers[0].get_available_packet_count(), 2);
    assert_eq!(peers[0].get_packet(|a, _| a.to_vec()), Ok(b"c1a".to_vec()));
    assert_eq!(peers[0].get_packet(|a, _| a.to_vec()), Ok(b"c1b".to_vec()));
    // A taken peer's client: routed to it, no new pending peer; its own count does not read
    // the socket, only the server's poll routes.
    c[0].send_to(b"again", ("127.0.0.1", port)).unwrap();
    assert_eq!(
        peers[1].get_available_packet_count(),
        1,
        "only the first datagram so far"
    );
    assert_eq!(poll_until_count(&mut server, &mut peers[1], 2), 2);
    assert_eq!(server.pending_count(), 0);
    assert_eq!(
        server.take_dirty_peer_ids(),
        vec![peers[1].server_peer_id() as u32]
    );
    assert_eq!(server.take_dirty_peer_ids(), Vec::<u32>::new());
    server.stop();
}

#[test]
fn dual_stack_server_gets_one_peer_per_family() {
    let (mut server, port) = listening("*");
    let v4 = raw("127.0.0.1");
    let v6 = raw("::1");
    v4.send_to(b"4", ("127.0.0.1", port)).unwrap();
    v6.send_to(b"6", ("::1", port)).unwrap();
    assert_eq!(poll_until_pending(&mut server, 2), 2);
    let mut ips: Vec<String> = (0..2)
        .map(|_| server.take_connection().unwrap().packet_ip())
        .collect();
    ips.sort();
    assert_eq!(ips, ["0:0:0:0:0:0:0:1", "127.0.0.1"]);
    server.stop();
}

#[test]
fn max_pending_drops_new_clients_without_remembering_them() {
    let (mut server, port) = listening("127.0.0.1");
    server.set_max_pending_connections(2);
    let c: Vec<StdUdp> = (0..3).map(|_| raw("127.0.0.1")).collect();
    c[0].send_to(b"a", ("127.0.0.1", port)).unwrap();
    c[1].send_to(b"b", ("127.0.0.1", port)).unwrap();
    assert_eq!(poll_until_pending(&mut server, 2), 2);
    c[2].send_to(b"dropped", ("127.0.0.1", port)).unwrap();
    let deadline = Instant::now() + DEADLINE;
    while server.stats().packets_dropped == 0 && Instant::now() < deadline {
        server.poll();
    }
    assert_eq!(server.stats().packets_dropped, 1);
    assert_eq!(server.pending_count(), 2);
    let mut first = server.take_connection().unwrap();
    // Room again: the dropped client's next datagram creates a pending peer.
    c[2].send_to(b"now", ("127.0.0.1", port)).unwrap();
    assert_eq!(poll_until_pending(&mut server, 2), 2);
    server.take_connection().unwrap();
    let mut third = server.take_connection().unwrap();
    assert_eq!(third.get_packet(|a, _| a.to_vec()), Ok(b"now".to_vec()));
    // 0: new clients dropped, taken peers still served.
    server.set_max_pending_connections(0);
    raw("127.0.0.1")
        .send_to(b"new", ("127.0.0.1", port))
        .unwrap();
    c[0].send_to(b"known", ("127.0.0.1", port)).unwrap();
    assert_eq!(poll_until_count(&mut server, &mut first, 2), 2);
    assert_eq!(server.pending_count(), 0);
    server.set_max_pending_connections(-5);
    assert_eq!(server.max_pending_connections(), 0, "negative: unchanged");
    server.stop();
}

#[test]
fn trimming_pending_peers_is_fixed() {
    let (mut server, port) = listening("127.0.0.1");
    let c: Vec<StdUdp> = (0..3).map(|_| raw("127.0.0.1")).collect();
    for x in &c {
        x.send_to(b"x", ("127.0.0.1", port)).unwrap();
    }
    assert_eq!(poll_until_pending(&mut server, 3), 3);
    // Q13: raising the maximum keeps every pending peer (Godot discarded all of them).
    server.set_max_pending_connections(20);
    assert_eq!(server.pending_count(), 3);
    server.set_max_pending_connections(4);
    assert_eq!(server.pending_count(), 3);
    server.set_max_pending_connections(3);
    assert_eq!(server.pending_count(), 3);
    // Lowering trims from the newest end.
    server.set_max_pending_connections(1);
    assert_eq!(server.pending_count(), 1);
    let oldest = server.take_connection().unwrap();
    assert_eq!(oldest.packet_port(), c[0].local_addr().unwrap().port());
    // The trimmed clients are forgotten: their next datagram makes a new pending peer.
    server.set_max_pending_connections(16);
    c[2].send_to(b"back", ("127.0.0.1", port)).unwrap();
    assert_eq!(poll_until_pending(&mut server, 1), 1);
    server.stop();
}

#[test]
fn server_peer_rules() {
    let (mut server, port) = listening("127.0.0.1");
    let client = raw("127.0.0.1");
    let cport = client.local_addr().unwrap().port();
    client.send_to(b"first", ("127.0.0.1", port)).unwrap();
    assert_eq!(poll_until_pending(&mut server, 1), 1);
    let mut peer = server.take_connection().unwrap();
    assert_eq!(peer.bind(0, "*", 65536, false), ERR_ALREADY_IN_USE);
    assert_eq!(peer.connect_to_host("127.0.0.1", 9), ERR_LOCKED);
    assert_eq!(peer.join_multicast_group("239.255.42.42", LO), ERR_LOCKED);
    assert_eq!(peer.leave_multicast_group("239.255.42.42", LO), ERR_LOCKED);
    assert_eq!(peer.set_multicast_ttl(1), ERR_LOCKED);
    assert_eq!(peer.watch(Box::new(|_| {})), ERR_LOCKED);
    peer.set_broadcast_enabled(true);
    // set_dest_address: no change, OK; sends still reach the client from the server's port.
    let other = raw("127.0.0.1");
    assert_eq!(
        peer.set_dest_address("127.0.0.1", i64::from(other.local_addr().unwrap().port())),
        OK
    );
    assert_eq!(peer.put_packet(b"reply"), OK);
    let mut buf = [0u8; 64];
    let (n, from) = client.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from.port()), (&b"reply"[..], port));
    assert_eq!(peer.put_packets(&[b"p1", b"p2", b"", b"p3"]), OK);
    for want in [&b"p1"[..], b"p2", b"p3"] {
        let (n, _) = client.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], want);
    }
    assert_eq!(peer.stats().packets_sent, 4);
    // The peer's queue is 65536 bytes: two 40000-byte datagrams, one queued.
    assert_eq!(peer.get_packet(|a, _| a.to_vec()), Ok(b"first".to_vec()));
    client.send_to(&[1; 40000], ("127.0.0.1", port)).unwrap();
    client.send_to(&[2; 40000], ("127.0.0.1", port)).unwrap();
    let deadline = Instant::now() + DEADLINE;
    while peer.stats().packets_received + peer.stats().packets_dropped < 3
        && Instant::now() < deadline
    {
        server.poll();
    }
    assert_eq!(peer.get_available_packet_count(), 1);
    assert_eq!(peer.stats().packets_dropped, 1);
    // close: the server forgets it; the client's next datagram is a new pending peer.
    let id = peer.server_peer_id();
    assert!(id >= 0);
    peer.close();
    assert_eq!(peer.server_peer_id(), -1);
    assert!(!peer.is_bound());
    assert!(!peer.is_socket_connected());
    assert_eq!(peer.get_available_packet_count(), -1);
    assert!(server.is_listening());
    client.send_to(b"again", ("127.0.0.1", port)).unwrap();
    assert_eq!(poll_until_pending(&mut server, 1), 1);
    // Q3 on a closed server peer: sends re-open an ephemeral socket to the old client.
    assert_eq!(peer.put_packet(b"from a new port"), OK);
    let (n, from) = client.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"from a new port");
    assert_ne!(from.port(), port);
    assert_eq!(peer.packet_port(), cport);
    peer.close();
    server.stop();
}

#[test]
fn stop_detaches_taken_peers_and_settles_their_waits() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (mut server, port) = listening("127.0.0.1");
    let client = raw("127.0.0.1");
    client.send_to(b"x", ("127.0.0.1", port)).unwrap();
    assert_eq!(poll_until_pending(&mut server, 1), 1);
    let mut peer = server.take_connection().unwrap();
    // Its datagram was routed already: wait() waits on the server socket (Q9).
    let w = rt.spawn(peer.wait(-1, 1));
    assert_eq!(peer.wait_sync(50), ERR_TIMEOUT);
    // One more pending peer, discarded by stop.
    raw("127.0.0.1").send_to(b"y", ("127.0.0.1", port)).unwrap();
    assert_eq!(
        rt.block_on(async { tokio::time::timeout(DEADLINE, w).await })
            .unwrap()
            .unwrap(),
        OK
    );
    assert_eq!(poll_until_pending(&mut server, 1), 1);
    let w2 = rt.spawn(peer.wait(-1, 2));
    server.stop();
    assert_eq!(
        rt.block_on(async { tokio::time::timeout(DEADLINE, w2).await })
            .unwrap()
            .unwrap(),
        ERR_UNCONFIGURED
    );
    assert!(!peer.is_bound());
    assert!(!peer.is_socket_connected());
    assert_eq!(peer.get_available_packet_count(), -1);
    assert_eq!(peer.packet_ip(), "127.0.0.1");
    assert!(!server.is_connection_available());
    assert!(server.take_connection().is_none());
    assert_eq!(server.poll(), ERR_UNCONFIGURED);
    // listen works again, even on the same port (released at once).
    assert_eq!(server.listen(i64::from(port), "127.0.0.1", false), OK);
    server.stop();
}

#[test]
fn routing_with_many_clients() {
    const CLIENTS: usize = 300;
    let (mut server, port) = listening("127.0.0.1");
    server.set_max_pending_connections(CLIENTS as i64);
    let clients: Vec<StdUdp> = (0..CLIENTS).map(|_| raw("127.0.0.1")).collect();
    for (i, c) in clients.iter().enumerate() {
        c.send_to(&(i as u32).to_le_bytes(), ("127.0.0.1", port))
            .unwrap();
        if i % 50 == 49 {
            server.poll();
        }
    }
    assert_eq!(poll_until_pending(&mut server, CLIENTS), CLIENTS);
    let mut peers: Vec<PacketPeerUdp> = (0..CLIENTS)
        .map(|_| server.take_connection().unwrap())
        .collect();
    for (i, c) in clients.iter().enumerate().rev() {
        c.send_to(&(i as u32 + 1_000_000).to_le_bytes(), ("127.0.0.1", port))
            .unwrap();
        if i % 50 == 0 {
            server.poll();
        }
    }
    let deadline = Instant::now() + DEADLINE;
    while server.stats().packets_received < 2 * CLIENTS as u64 && Instant::now() < deadline {
        server.poll();
    }
    assert_eq!(server.pending_count(), 0);
    assert_eq!(server.take_dirty_peer_ids().len(), CLIENTS);
    for p in &mut peers {
        let mine = p.packet_port();
        let i = clients
            .iter()
            .position(|c| c.local_addr().unwrap().port() == mine)
            .unwrap();
        assert_eq!(p.get_available_packet_count(), 2);
        assert_eq!(
            p.get_packet(|a, _| a.to_vec()),
            Ok((i as u32).to_le_bytes().to_vec())
        );
        assert_eq!(
            p.get_packet(|a, _| a.to_vec()),
            Ok((i as u32 + 1_000_000).to_le_bytes().to_vec())
        );
        p.close();
    }
    assert_eq!(server.peer_count(), 0);
    server.stop();
}

#[test]
fn closing_a_server_peer_settles_only_its_own_waits() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (mut server, port) = listening("127.0.0.1");
    let a = raw("127.0.0.1");
    let b = raw("127.0.0.1");
    a.send_to(b"a", ("127.0.0.1", port)).unwrap();
    b.send_to(b"b", ("127.0.0.1", port)).unwrap();
    assert_eq!(poll_until_pending(&mut server, 2), 2);
    let mut pa = server.take_connection().unwrap();
    let mut pb = server.take_connection().unwrap();
    let wa = rt.spawn(pa.wait(-1, 1));
    let wb = rt.spawn(pb.wait(-1, 1));
    pa.close();
    let settle = |w| rt.block_on(async { tokio::time::timeout(DEADLINE, w).await });
    assert_eq!(settle(wa).unwrap().unwrap(), ERR_UNCONFIGURED);
    // pb still waits on the shared server socket: the next datagram releases it.
    assert!(!wb.is_finished());
    b.send_to(b"b2", ("127.0.0.1", port)).unwrap();
    assert_eq!(settle(wb).unwrap().unwrap(), OK);
    assert_eq!(pb.wait_sync(0), OK);
    pb.close();
    server.stop();
}

#[test]
fn server_peers_lend_from_their_routed_queue() {
    let (mut server, port) = listening("127.0.0.1");
    let client = raw("127.0.0.1");
    client.send_to(b"p0", ("127.0.0.1", port)).unwrap();
    assert_eq!(poll_until_pending(&mut server, 1), 1);
    let mut peer = server.take_connection().unwrap();
    for i in 1..4u8 {
        client
            .send_to(&[b'p', b'0' + i], ("127.0.0.1", port))
            .unwrap();
    }
    assert_eq!(poll_until_count(&mut server, &mut peer, 4), 4);
    let mut data = vec![0u8; 65536];
    let mut meta = vec![0u32; 8 * 8];
    assert_eq!(peer.lend_packets(&mut data, &mut meta, 0), 4);
    assert_eq!(&data[..8], b"p0p1p2p3");
    assert_eq!(peer.release_and_count(3), 1);
    assert_eq!(peer.lend_packets(&mut data, &mut meta, 0), 1);
    assert_eq!(&data[..2], b"p3");
    assert_eq!(peer.lend_packets(&mut data, &mut meta, 1), 0);
    assert_eq!(peer.packet_port(), client.local_addr().unwrap().port());
    assert_eq!(peer.stats().packets_received, 4);
    peer.close();
    server.stop();
}

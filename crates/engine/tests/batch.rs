//! Batched I/O: sendmmsg + UDP GSO sends and recvmmsg receives keep datagram boundaries, sizes,
//! order and payloads; the portable paths agree with the batched ones.

mod common;

use std::net::{Ipv6Addr, SocketAddr};
use std::time::Instant;

use common::*;
use godot_udp_engine::codes::*;
use godot_udp_engine::io;
use godot_udp_engine::PacketPeerUdp;
use socket2::{Domain, Protocol, Socket, Type};

/// Packet `i` of a test batch: its index in the first two bytes, then a pattern.
fn packet(i: usize, len: usize) -> Vec<u8> {
    (0..len)
        .map(|j| match j {
            0 => (i >> 8) as u8,
            1 => i as u8,
            _ => (i * 31 + j) as u8,
        })
        .collect()
}

/// A receiver with a large OS buffer, so a whole batch fits before it is drained.
fn big_receiver(addr: &str) -> (Socket, u16) {
    let sa: SocketAddr = format!(
        "{}:0",
        if addr.contains(':') {
            format!("[{addr}]")
        } else {
            addr.into()
        }
    )
    .parse()
    .unwrap();
    let s = Socket::new(Domain::for_address(sa), Type::DGRAM, Some(Protocol::UDP)).unwrap();
    let _ = s.set_recv_buffer_size(8 << 20);
    s.bind(&sa.into()).unwrap();
    s.set_nonblocking(true).unwrap();
    let port = s.local_addr().unwrap().as_socket().unwrap().port();
    (s, port)
}

/// A drain function: the batched one or the portable one.
type Drain = fn(&Socket, &mut dyn FnMut(&Ipv6Addr, u16, &[u8])) -> std::io::Result<()>;

/// Drains `s` with `drain` until `n` datagrams arrived (bounded); returns (len, payload) pairs.
fn collect(s: &Socket, n: usize, drain: Drain) -> Vec<Vec<u8>> {
    let mut got = Vec::new();
    let deadline = Instant::now() + DEADLINE;
    while got.len() < n && Instant::now() < deadline {
        drain(s, &mut |_, _, d| got.push(d.to_vec())).unwrap();
        if got.len() < n {
            io::poll_readable(s, 20);
        }
    }
    got
}

fn batched(s: &Socket, f: &mut dyn FnMut(&Ipv6Addr, u16, &[u8])) -> std::io::Result<()> {
    io::drain(s, f)
}

fn portable(s: &Socket, f: &mut dyn FnMut(&Ipv6Addr, u16, &[u8])) -> std::io::Result<()> {
    io::drain_portable(s, f)
}

fn send_and_check(addr: &str, sizes: &[usize], connect: bool) {
    let (rx, port) = big_receiver(addr);
    let packets: Vec<Vec<u8>> = sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| packet(i, n))
        .collect();
    let slices: Vec<&[u8]> = packets.iter().map(|p| p.as_slice()).collect();
    let mut tx = PacketPeerUdp::new();
    if connect {
        assert_eq!(tx.connect_to_host(addr, i64::from(port)), OK);
    } else {
        assert_eq!(tx.set_dest_address(addr, i64::from(port)), OK);
    }
    assert_eq!(tx.put_packets(&slices), OK);
    let want: Vec<Vec<u8>> = packets.into_iter().filter(|p| !p.is_empty()).collect();
    let got = collect(&rx, want.len(), batched);
    assert_eq!(got.len(), want.len(), "datagram count for sizes {sizes:?}");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "datagram {i} of sizes {sizes:?}");
    }
    assert_eq!(tx.stats().packets_sent, want.len() as u64);
    assert_eq!(
        tx.stats().bytes_sent,
        want.iter().map(|p| p.len() as u64).sum::<u64>()
    );
    tx.close();
}

#[test]
fn equal_sizes_with_a_shorter_last_one() {
    let mut sizes = vec![1200; 40];
    sizes.push(700);
    send_and_check("127.0.0.1", &sizes, false);
    send_and_check("::1", &sizes, true);
}

#[test]
fn more_segments_than_one_gso_send_or_one_sendmmsg_holds() {
    send_and_check("127.0.0.1", &[100; 200], true);
    // 1400-byte segments: more than one GSO send's byte limit.
    send_and_check("127.0.0.1", &[1400; 90], false);
}

#[test]
fn mixed_sizes_and_empty_buffers_keep_boundaries() {
    send_and_check(
        "127.0.0.1",
        &[10, 10, 10, 5, 20, 20, 0, 20, 1, 30, 0, 0, 7, 7, 8],
        false,
    );
    send_and_check("::1", &[1], false);
    send_and_check("127.0.0.1", &[0, 0], false);
    // Rising sizes: every datagram is its own message.
    let rising: Vec<usize> = (1..=100).collect();
    send_and_check("127.0.0.1", &rising, false);
}

#[test]
fn an_oversized_datagram_fails_the_batch_after_the_earlier_ones() {
    let (rx, port) = big_receiver("127.0.0.1");
    let small = packet(0, 50);
    let huge = vec![0u8; 65508];
    let mut tx = sender("127.0.0.1", port);
    assert_eq!(tx.put_packets(&[&small, &small, &huge, &small]), FAILED);
    let got = collect(&rx, 2, batched);
    assert_eq!(got, vec![small.clone(), small]);
    assert_eq!(tx.stats().packets_sent, 2);
    let mut none = PacketPeerUdp::new();
    assert_eq!(none.put_packets(&[b"x"]), ERR_UNCONFIGURED);
    assert_eq!(none.put_packets(&[b"", b""]), OK);
    assert_eq!(none.put_packets(&[]), OK);
    assert!(!none.is_bound());
    tx.close();
}

#[test]
fn recvmmsg_and_recv_from_agree() {
    for drain in [
        batched as fn(&Socket, &mut dyn FnMut(&Ipv6Addr, u16, &[u8])) -> _,
        portable,
    ] {
        let (rx, port) = big_receiver("127.0.0.1");
        let from = raw("127.0.0.1");
        // More than one recvmmsg batch, sizes from 0 to large, including the maximum.
        let sizes: Vec<usize> = (0..100).map(|i| (i * 653) % 3000).chain([65507]).collect();
        let packets: Vec<Vec<u8>> = sizes
            .iter()
            .enumerate()
            .map(|(i, &n)| packet(i, n))
            .collect();
        for p in &packets {
            from.send_to(p, ("127.0.0.1", port)).unwrap();
        }
        let got = collect(&rx, packets.len(), drain);
        assert_eq!(got.len(), packets.len());
        assert!(got.iter().zip(&packets).all(|(g, w)| g == w));
        // Sources are reported in Godot's form.
        from.send_to(b"src", ("127.0.0.1", port)).unwrap();
        let mut seen = None;
        let deadline = Instant::now() + DEADLINE;
        while seen.is_none() && Instant::now() < deadline {
            drain(&rx, &mut |a, p, _| {
                seen = Some((godot_udp_engine::addr::format(a), p))
            })
            .unwrap();
        }
        assert_eq!(
            seen,
            Some(("127.0.0.1".into(), from.local_addr().unwrap().port()))
        );
    }
}

#[test]
fn a_peer_drains_more_than_one_batch_in_one_call() {
    let (mut rx, port) = bound("::1");
    let s = raw("::1");
    for i in 0..100usize {
        s.send_to(&packet(i, 64), ("::1", port)).unwrap();
    }
    assert_eq!(wait_count(&mut rx, 100), 100);
    let mut data = vec![0u8; 65536];
    let mut meta = vec![0u32; 8 * 128];
    assert_eq!(rx.take_packets(&mut data, &mut meta), 100);
    for i in 0..100usize {
        let (off, len) = (meta[i * 8] as usize, meta[i * 8 + 1] as usize);
        assert_eq!(&data[off..off + len], packet(i, 64).as_slice());
        assert_eq!(meta[i * 8 + 3], 6);
    }
    rx.close();
}

#[test]
fn gso_batches_into_a_gro_receiver_keep_boundaries() {
    // The engine's own sockets ask for UDP_GRO: a GSO batch may arrive as one buffer, which
    // the drain splits back into datagrams (Godot's per-datagram accounting still applies).
    let mut rx = PacketPeerUdp::new();
    assert_eq!(rx.bind(0, "127.0.0.1", 1 << 20, false), OK);
    let port = rx.local_port();
    let mut sizes = vec![1000; 50];
    sizes.push(1);
    let packets: Vec<Vec<u8>> = sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| packet(i, n))
        .collect();
    let slices: Vec<&[u8]> = packets.iter().map(|p| p.as_slice()).collect();
    let mut tx = sender("127.0.0.1", port);
    assert_eq!(tx.put_packets(&slices), OK);
    assert_eq!(wait_count(&mut rx, 51), 51);
    for (i, want) in packets.iter().enumerate() {
        assert_eq!(
            rx.get_packet(|a, b| [a, b].concat()).as_ref(),
            Ok(want),
            "datagram {i}"
        );
        assert_eq!(rx.packet_port(), tx.local_port());
    }
    assert_eq!(rx.stats().packets_received, 51);
    assert_eq!(rx.stats().bytes_received, 50 * 1000 + 1);
    rx.close();
    tx.close();
}

#[test]
fn each_drain_restores_what_the_kernel_wrote_back_into_the_shared_receive_headers() {
    // The drain's headers are shared by every socket of the thread and wired once; the kernel
    // shortens the name and control lengths of each message it fills. A drain that did not
    // restore them would cut the next socket's IPv6 names to an IPv4 name's 16 bytes, and
    // leave no room for the control message that says how to split a GRO buffer.
    let (mut rx4, port4) = bound("127.0.0.1");
    let s4 = raw("127.0.0.1");
    s4.send_to(b"v4", ("127.0.0.1", port4)).unwrap();
    let (data, ip, _) = recv(&mut rx4).expect("v4");
    assert_eq!((data.as_slice(), ip.as_str()), (&b"v4"[..], "127.0.0.1"));
    let (mut rx6, port6) = bound("::1");
    let s6 = raw("::1");
    s6.send_to(b"v6", ("::1", port6)).unwrap();
    let (data, ip, port) = recv(&mut rx6).expect("v6");
    assert_eq!(
        (data.as_slice(), ip.as_str(), port),
        (
            &b"v6"[..],
            "0:0:0:0:0:0:0:1",
            s6.local_addr().unwrap().port()
        )
    );
    // A plain datagram (no control message), then a GSO batch, which arrives as one GRO
    // buffer that only its control message splits.
    let mut rx = PacketPeerUdp::new();
    assert_eq!(rx.bind(0, "127.0.0.1", 1 << 20, false), OK);
    let port = rx.local_port();
    s4.send_to(b"plain", ("127.0.0.1", port)).unwrap();
    assert_eq!(recv(&mut rx).expect("plain").0, b"plain");
    let packets: Vec<Vec<u8>> = (0..20).map(|i| packet(i, 500)).collect();
    let slices: Vec<&[u8]> = packets.iter().map(|p| p.as_slice()).collect();
    let mut tx = sender("127.0.0.1", port);
    assert_eq!(tx.put_packets(&slices), OK);
    assert_eq!(wait_count(&mut rx, 20), 20);
    for (i, want) in packets.iter().enumerate() {
        assert_eq!(
            rx.get_packet(|a, b| [a, b].concat()).as_ref(),
            Ok(want),
            "datagram {i}"
        );
    }
    for p in [&mut rx4, &mut rx6, &mut rx, &mut tx] {
        p.close();
    }
}

//! 200,000 random and mutated ENet datagrams against a server with peers attached. Two honest
//! clients talk to the server directly; a third goes through a relay socket in this test, so
//! the relay can inject datagrams that carry that peer's real peer id and session (captured
//! from its traffic): mutated captured datagrams and crafted fragments claiming up to ENet's
//! 32 MiB packet limit or far more. Four other sockets send random bytes, truncated headers,
//! bad peer ids and mutated captures. The honest clients keep exchanging reliable messages
//! throughout, in order, and stay connected; RSS stays bounded; drops are counted.
//! 127.0.0.1 only, bounded by LIMIT.

mod common;

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use common::*;
use godot_udp_enet::{EnetHost, Event, HostConfig, PacketFlags, PeerId, PeerState};

const LIMIT: Duration = Duration::from_secs(60);
const TOTAL: usize = 200_000;
const PER_ROUND: usize = 250;

/// Forwards between one client and the server; remembers what passed; injects.
struct Relay {
    sock: UdpSocket,
    server: SocketAddr,
    client: Option<SocketAddr>,
    captured: Vec<Vec<u8>>,
}

impl Relay {
    fn pump(&mut self) {
        let mut buf = [0u8; 4096];
        while let Ok((n, from)) = self.sock.recv_from(&mut buf) {
            let to = if from == self.server {
                match self.client {
                    Some(c) => c,
                    None => continue,
                }
            } else {
                self.client = Some(from);
                if self.captured.len() < 400 {
                    self.captured.push(buf[..n].to_vec());
                }
                self.server
            };
            let _ = self.sock.send_to(&buf[..n], to);
        }
    }
}

fn mutate(rng: &mut Rng, d: &[u8]) -> Vec<u8> {
    let mut v = d.to_vec();
    match rng.below(6) {
        0 => v.truncate(rng.below(v.len().max(1))),
        1 => {
            for _ in 0..1 + rng.below(4) {
                if !v.is_empty() {
                    let i = rng.below(v.len());
                    v[i] = rng.next() as u8;
                }
            }
        }
        2 => {
            // A lying length/count/total: overwrite 4 bytes past the header with big values.
            if v.len() > 8 {
                let i = 4 + rng.below(v.len() - 7);
                let big = [0xFFFF_FFFFu32, 0x7FFF_FFFF, 1 << 30, 0x0010_0000][rng.below(4)];
                v[i..i + 4].copy_from_slice(&big.to_be_bytes());
            }
        }
        3 => v.extend(rng.some_bytes(64)),
        4 => {
            // Command byte: any command, out of state.
            if v.len() > 4 {
                v[4] = rng.next() as u8;
            }
        }
        _ => {
            if v.len() > 2 {
                let i = rng.below(v.len());
                let j = rng.below(v.len());
                v.swap(i, j);
            }
        }
    }
    v
}

/// A SEND_FRAGMENT (reliable) with a captured header: claims `total` bytes in `count`
/// fragments.
fn fragment(header: [u8; 2], rng: &mut Rng, count: u32, total: u32) -> Vec<u8> {
    let mut d = vec![header[0] & 0x3F | 0x80, header[1], 0, 1]; // sent-time flag, not compressed
    let seq = rng.next() as u16;
    d.extend_from_slice(&[0x88, rng.below(3) as u8]);
    d.extend_from_slice(&seq.to_be_bytes());
    d.extend_from_slice(&seq.to_be_bytes()); // start sequence number
    let len = 1 + rng.below(1000) as u16;
    d.extend_from_slice(&len.to_be_bytes());
    d.extend_from_slice(&count.to_be_bytes());
    d.extend_from_slice(&(rng.next() as u32 % count.max(1)).to_be_bytes());
    d.extend_from_slice(&total.to_be_bytes());
    d.extend_from_slice(&(rng.next() as u32 % total.max(1)).to_be_bytes());
    d.extend(rng.bytes(len as usize));
    d
}

#[test]
fn two_hundred_thousand_hostile_datagrams_leave_connected_peers_unaffected() {
    let start = Instant::now();
    let mut server = host(32);
    let port = server.local_port();
    let server_addr: SocketAddr = format!("{LOCAL}:{port}").parse().unwrap();
    let new_client = || EnetHost::create_bound(LOCAL, 0, &HostConfig::default()).unwrap();
    let (mut a, mut b) = (new_client(), new_client());
    let (sa, ca) = connect(&mut server, &mut a, 1);
    let (sb, cb) = connect(&mut server, &mut b, 2);

    // The relayed client: connect through the relay and exchange a little to capture.
    let relay_sock = UdpSocket::bind((LOCAL, 0)).unwrap();
    relay_sock.set_nonblocking(true).unwrap();
    let relay_port = relay_sock.local_addr().unwrap().port();
    let mut relay = Relay {
        sock: relay_sock,
        server: server_addr,
        client: None,
        captured: Vec::new(),
    };
    let mut evil = new_client();
    let ep = evil.connect(at(relay_port), CHANNELS, 3).unwrap();
    let t = Instant::now();
    let mut evil_server_peer = None;
    while evil.peer_state(ep) != Some(PeerState::Connected) || evil_server_peer.is_none() {
        assert!(t.elapsed() < LIMIT, "relayed client did not connect");
        relay.pump();
        if let Some(Event::Connect { peer, .. }) = server.service(0).unwrap() {
            evil_server_peer = Some(peer);
        }
        evil.service(1).unwrap();
    }
    for i in 0..60u32 {
        let f = [
            PacketFlags::RELIABLE,
            PacketFlags::UNSEQUENCED,
            PacketFlags::UNRELIABLE,
        ][i as usize % 3];
        evil.send(ep, (i % 3) as u8, &text(10 + i as usize * 50), f)
            .unwrap();
    }
    let t = Instant::now();
    while t.elapsed() < Duration::from_millis(300) {
        relay.pump();
        while server.service(0).unwrap().is_some() {}
        evil.service(1).unwrap();
    }
    assert!(
        relay.captured.len() >= 10,
        "captured {}",
        relay.captured.len()
    );
    let header = [relay.captured[5][0], relay.captured[5][1]];

    let attackers: Vec<UdpSocket> = (0..4)
        .map(|_| UdpSocket::bind((LOCAL, 0)).unwrap())
        .collect();
    let rss0 = rss_kib();
    let c0 = server.counters();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut sent, mut via_relay) = (0usize, 0usize);
    let mut next = [[0u32; CHANNELS]; 2];
    let mut queued = [0u32; 2];
    let mut rss_peak = rss0.unwrap_or(0);
    while sent < TOTAL {
        assert!(
            start.elapsed() < LIMIT,
            "not done within {LIMIT:?} ({sent} sent)"
        );
        for k in 0..PER_ROUND {
            let kind = rng.below(10);
            let d = match kind {
                0 => rng.some_bytes(5), // truncated headers
                1 => rng.some_bytes(1500),
                2 => {
                    // A bad or foreign peer id with a plausible command.
                    let pick = rng.below(relay.captured.len());
                    let mut d = mutate(&mut rng, &relay.captured[pick]);
                    if d.len() >= 2 {
                        let id = [0x0FFEu16, 31, 32, 4094, rng.next() as u16][rng.below(5)];
                        let flags = u16::from(d[0] & 0xC0) << 8;
                        d[..2].copy_from_slice(&(id | flags).to_be_bytes());
                    }
                    d
                }
                3 => {
                    let (count, total) = [
                        (1_000_000, 32 << 20), // at ENet's limits
                        (u32::MAX, u32::MAX),  // gigabytes
                        (1 << 20, 1 << 30),    // a gigabyte
                        (2, 100),              // small, in range
                        (0, 0),
                    ][rng.below(5)];
                    fragment(header, &mut rng, count, total)
                }
                _ => {
                    let pick = rng.below(relay.captured.len());
                    mutate(&mut rng, &relay.captured[pick])
                }
            };
            // Crafted and mutated captures go through the relay (the attached peer's address).
            if kind >= 3 || kind == 2 && k % 2 == 0 {
                let _ = relay.sock.send_to(&d, server_addr);
                via_relay += 1;
            } else {
                let _ = attackers[k % attackers.len()].send_to(&d, server_addr);
            }
            sent += 1;
        }
        // The honest clients send, everyone is serviced.
        for (i, (h, p)) in [(&mut a, ca), (&mut b, cb)].into_iter().enumerate() {
            let (ch, m) = message(queued[i]);
            h.send(p, ch, &m, PacketFlags::RELIABLE).unwrap();
            queued[i] += 1;
            if let Some(ev) = h.service(0).unwrap() {
                panic!("honest client {i}: unexpected {ev:?}");
            }
        }
        for _ in 0..4 {
            relay.pump();
            while let Some(ev) = server.service(0).unwrap() {
                match ev {
                    Event::Receive {
                        peer,
                        channel,
                        packet,
                    } if peer == sa || peer == sb => {
                        let i = usize::from(peer == sb);
                        check_order(&mut next[i], channel, packet.data());
                    }
                    Event::Disconnect { peer, .. } => {
                        assert!(
                            peer != sa && peer != sb,
                            "an honest client was disconnected"
                        );
                    }
                    _ => {} // whatever the relayed peer or a forged CONNECT produced
                }
            }
            let _ = evil.service(0);
        }
        if sent % 20_000 < PER_ROUND {
            rss_peak = rss_peak.max(rss_kib().unwrap_or(0));
        }
    }
    // Afterwards: the honest clients' messages all arrive, in order.
    let target = queued;
    let t = Instant::now();
    while next
        .iter()
        .map(|n| n.iter().sum::<u32>())
        .collect::<Vec<_>>()
        != target.to_vec()
    {
        assert!(
            t.elapsed() < LIMIT,
            "honest traffic stalled: {next:?} of {target:?}"
        );
        a.service(0).unwrap();
        b.service(0).unwrap();
        relay.pump();
        while let Some(ev) = server.service(1).unwrap() {
            if let Event::Receive {
                peer,
                channel,
                packet,
            } = ev
            {
                if peer == sa || peer == sb {
                    let i = usize::from(peer == sb);
                    check_order(&mut next[i], channel, packet.data());
                }
            }
        }
    }
    assert_eq!(a.peer_state(ca), Some(PeerState::Connected));
    assert_eq!(b.peer_state(cb), Some(PeerState::Connected));
    assert_eq!(server.peer_state(sa), Some(PeerState::Connected));
    assert_eq!(server.peer_state(sb), Some(PeerState::Connected));
    let c = server.counters();
    let rss1 = rss_kib();
    let handled = c.datagrams_received - c0.datagrams_received;
    let rejected = c.rejected - c0.rejected;
    eprintln!(
        "{sent} hostile datagrams ({via_relay} through the relay) in {:?}: server read {handled} in all, rejected {rejected}, \
         kernel dropped {}, queue dropped {}, oversized {}; RSS {rss0:?} -> peak {rss_peak} -> {rss1:?} KiB; relayed peer {:?}",
        start.elapsed(),
        c.os_dropped - c0.os_dropped,
        c.datagrams_dropped - c0.datagrams_dropped,
        c.oversized - c0.oversized,
        evil_server_peer.and_then(|p: PeerId| server.peer_state(p)),
    );
    // Every hostile datagram reached the server or was counted as dropped on the way.
    assert!(
        handled + (c.os_dropped - c0.os_dropped) + (c.datagrams_dropped - c0.datagrams_dropped)
            >= sent as u64
    );
    // Most of them are refused outright; the rest were harmless (a mutated byte in a payload).
    assert!(rejected >= sent as u64 / 2, "rejected {rejected} of {sent}");
    if let (Some(r0), Some(r1)) = (rss0, rss1) {
        // ENet's limits: 32 MiB per packet, 32 MiB waiting per peer (pages untouched by
        // fragments never become resident).
        assert!(
            rss_peak.max(r1) < r0 + 96 * 1024,
            "RSS {r0} -> {rss_peak}/{r1} KiB"
        );
    }
}

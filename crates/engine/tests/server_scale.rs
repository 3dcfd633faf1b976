//! UDPServer routing at 10,000 peers (issue 4): every taken peer gets exactly its own datagrams,
//! and the cost of routing one datagram does not grow with the number of peers (the server
//! looks the remote up in a hash map; Godot walks its peer list).
//!
//! The timing check is deliberately generous (it compares the same `poll()` path at 16 and at
//! 10,000 peers on the same machine, in the same run); the figures are printed with
//! `cargo test -p godot-udp-engine --release --test server_scale -- --nocapture`.

mod common;

use std::collections::HashMap;
use std::net::{Ipv6Addr, UdpSocket as StdUdp};
use std::time::{Duration, Instant};

use common::*;
use godot_udp_engine::codes::*;
use godot_udp_engine::{PacketPeerUdp, UdpServer};

const PEERS: usize = 10_000;
/// Datagrams in flight at once: far below the server socket's OS receive buffer.
const BATCH: usize = 100;

fn processed(s: &UdpServer) -> u64 {
    let st = s.stats();
    st.packets_received + st.packets_dropped
}

/// Polls until the server has handled `target` datagrams in all; returns the time spent inside
/// `poll()` only (bounded by the deadline).
fn poll_until_processed(s: &mut UdpServer, target: u64) -> Duration {
    let deadline = Instant::now() + DEADLINE;
    let mut spent = Duration::ZERO;
    while processed(s) < target {
        assert!(Instant::now() < deadline, "datagrams lost on loopback");
        let t0 = Instant::now();
        assert_eq!(s.poll(), OK);
        spent += t0.elapsed();
    }
    spent
}

/// Sends `rounds` × BATCH datagrams from the clients `order` names (cycling), each carrying its
/// client's index, polling after every batch. Returns nanoseconds of `poll()` per datagram.
fn route(s: &mut UdpServer, port: u16, clients: &[StdUdp], order: &[usize], rounds: usize) -> f64 {
    let mut spent = Duration::ZERO;
    let mut k = 0;
    for _ in 0..rounds {
        let before = processed(s);
        for _ in 0..BATCH {
            let i = order[k % order.len()];
            k += 1;
            clients[i]
                .send_to(&(i as u32).to_le_bytes(), ("127.0.0.1", port))
                .expect("send");
        }
        spent += poll_until_processed(s, before + BATCH as u64);
    }
    spent.as_nanos() as f64 / (rounds * BATCH) as f64
}

/// A server on 127.0.0.1 with `clients[..n]` as taken peers (one datagram each, all taken).
fn server_with_peers(clients: &[StdUdp], n: usize) -> (UdpServer, u16, Vec<PacketPeerUdp>) {
    let mut server = UdpServer::new();
    assert_eq!(server.listen(0, "127.0.0.1", false), OK);
    let port = server.local_port();
    server.set_max_pending_connections(n as i64);
    let mut peers: Vec<PacketPeerUdp> = Vec::with_capacity(n);
    for start in (0..n).step_by(BATCH) {
        let before = processed(&server);
        let end = (start + BATCH).min(n);
        for (i, c) in clients.iter().enumerate().take(end).skip(start) {
            c.send_to(&(i as u32).to_le_bytes(), ("127.0.0.1", port))
                .expect("send");
        }
        poll_until_processed(&mut server, before + (end - start) as u64);
        while let Some(p) = server.take_connection() {
            peers.push(p);
        }
    }
    assert_eq!(peers.len(), n);
    assert_eq!(server.peer_count(), n);
    assert_eq!(server.stats().packets_dropped, 0);
    (server, port, peers)
}

/// Every datagram a peer holds carries its own client's index; returns how many there were.
fn check_own_datagrams(peers: &mut [PacketPeerUdp], index_of_port: &HashMap<u16, usize>) -> usize {
    let mut total = 0usize;
    for p in peers.iter_mut() {
        let mine = index_of_port[&p.packet_port()];
        let mut n = 0usize;
        while p.get_available_packet_count() > 0 {
            let data = p.get_packet(|a, b| [a, b].concat()).expect("packet");
            assert_eq!(data, (mine as u32).to_le_bytes(), "peer of client {mine}");
            n += 1;
        }
        assert!(n >= 1, "peer of client {mine} got nothing");
        total += n;
    }
    total
}

fn stop(mut server: UdpServer, peers: Vec<PacketPeerUdp>) {
    for mut p in peers {
        p.close();
    }
    assert_eq!(server.peer_count(), 0);
    server.stop();
}

/// Raises the soft descriptor limit to the hard one; false if 10,000 clients cannot fit.
#[cfg(unix)]
fn enough_descriptors() -> bool {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain getrlimit/setrlimit on a valid struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return false;
        }
        if lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            let _ = libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
        }
    }
    lim.rlim_cur >= (PEERS + 16 + 256) as libc::rlim_t
}

/// Windows has no descriptor limit of that kind for sockets.
#[cfg(windows)]
fn enough_descriptors() -> bool {
    true
}

#[test]
fn routing_stays_constant_time_at_10000_peers() {
    if !enough_descriptors() {
        eprintln!("skipped: the descriptor limit (ulimit -n) is below 10,300");
        return;
    }
    const ROUNDS: usize = 50; // 5,000 datagrams per measurement
                              // 10,000 clients, each a distinct remote port on 127.0.0.1.
    let clients: Vec<StdUdp> = (0..PEERS).map(|_| raw("127.0.0.1")).collect();
    let index_of_port: HashMap<u16, usize> = clients
        .iter()
        .enumerate()
        .map(|(i, c)| (c.local_addr().unwrap().port(), i))
        .collect();

    // The same 16 clients talk to a server that knows 16 peers and to one that knows 10,000: the
    // lookup is all that differs (the same 16 peer records are touched in both).
    let talkers: Vec<usize> = (0..16).map(|i| i * (PEERS / 16)).collect();
    let few: Vec<StdUdp> = talkers.iter().map(|_| raw("127.0.0.1")).collect();
    let (mut s16, p16, mut peers16) = server_with_peers(&few, few.len());
    let (mut s10k, p10k, mut peers10k) = server_with_peers(&clients, PEERS);
    let few_order: Vec<usize> = (0..few.len()).collect();
    let all: Vec<usize> = (0..PEERS).map(|k| (k * 7919) % PEERS).collect();
    // Warm-up, then interleaved measurements; the best of 5 for each.
    route(&mut s16, p16, &few, &few_order, 5);
    route(&mut s10k, p10k, &clients, &talkers, 5);
    route(&mut s10k, p10k, &clients, &all, 5);
    let (mut at16, mut at10k, mut all_talk) = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..5 {
        at16 = at16.min(route(&mut s16, p16, &few, &few_order, ROUNDS));
        at10k = at10k.min(route(&mut s10k, p10k, &clients, &talkers, ROUNDS));
        all_talk = all_talk.min(route(&mut s10k, p10k, &clients, &all, ROUNDS));
    }

    // What a Godot-style walk over 10,000 (address, port) entries costs per lookup here, for
    // the same 16 talkers (spread over the list).
    let list: Vec<(Ipv6Addr, u16)> = clients
        .iter()
        .map(|c| (Ipv6Addr::LOCALHOST, c.local_addr().unwrap().port()))
        .collect();
    let t0 = Instant::now();
    let mut found = 0usize;
    for k in 0..1600 {
        let wanted = list[talkers[k % talkers.len()]];
        found += list.iter().position(|e| *e == wanted).unwrap_or(0);
    }
    let walk = t0.elapsed().as_nanos() as f64 / 1600.0;
    std::hint::black_box(found);
    eprintln!(
        "poll() per routed datagram, 16 talking clients: {at16:.0} ns with 16 peers, {at10k:.0} ns \
         with 10,000 peers (ratio {:.2}); all 10,000 talking: {all_talk:.0} ns; a linear walk of \
         the 10,000-entry list would add {walk:.0} ns per datagram",
        at10k / at16
    );
    // Generous: a per-datagram walk of the peer list would add about `walk` on top.
    assert!(
        at10k < at16 * 2.0 + 200.0,
        "routing among 10,000 peers costs {at10k:.0} ns per datagram vs {at16:.0} ns among 16"
    );

    // Correctness: every datagram went to its own client's peer, and nothing was dropped.
    for (s, peers, map) in [
        (&s16, &mut peers16, few_index(&few)),
        (&s10k, &mut peers10k, index_of_port.clone()),
    ] {
        assert_eq!(s.stats().packets_dropped, 0);
        assert_eq!(s.pending_count(), 0);
        let total = check_own_datagrams(peers, &map);
        assert_eq!(total as u64, s.stats().packets_received);
    }
    stop(s16, peers16);
    stop(s10k, peers10k);
}

fn few_index(few: &[StdUdp]) -> HashMap<u16, usize> {
    few.iter()
        .enumerate()
        .map(|(i, c)| (c.local_addr().unwrap().port(), i))
        .collect()
}

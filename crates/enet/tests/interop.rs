//! Interop with upstream C ENet (crates/enet/c-enet: the reference implementation on its own
//! IPv4 sockets), both directions, on 127.0.0.1 only. Each test is bounded by DEADLINE; every
//! host (and its socket) is dropped when its test ends. The C side runs on its own thread,
//! servicing its host with `enet_host_service`; ours services on the test thread with waits.

use std::net::Ipv4Addr;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use godot_udp_enet::{EnetAddress, EnetHost, Event, HostConfig, PacketFlags, PeerState};
use godot_udp_enet_c::{
    CEvent, CHost, How, FLAG_RELIABLE, FLAG_UNRELIABLE_FRAGMENT, FLAG_UNSEQUENCED, STATE_CONNECTED,
};

const DEADLINE: Duration = Duration::from_secs(20);
const LOCAL: &str = "127.0.0.1";
const CHANNELS: usize = 3;
/// What Godot's ENetMultiplayerPeer puts in CONNECT: the client's unique id (here one with the
/// top bit clear, as Godot's ids are positive i32s, but above 2^30 to see all 32 bits move).
const CONNECT_DATA: u32 = 0x4BAD_F00D;

fn our_host(max_peers: usize) -> EnetHost {
    let config = HostConfig {
        max_peers,
        ..HostConfig::default()
    };
    EnetHost::create_bound(LOCAL, 0, &config).expect("our host")
}

fn c_server() -> (CHost, u16) {
    let mut c = CHost::new(Some((LOCAL, 0)), 8, CHANNELS, 0, 0).expect("C host");
    let port = c.port();
    assert_ne!(port, 0);
    (c, port)
}

fn c_client() -> CHost {
    CHost::new(None, 1, CHANNELS, 0, 0).expect("C host")
}

fn at(port: u16) -> EnetAddress {
    EnetAddress::v4(Ipv4Addr::LOCALHOST, port)
}

fn expired(start: Instant) -> bool {
    start.elapsed() > DEADLINE
}

/// Our host's next event within the deadline.
fn next_event(h: &mut EnetHost, start: Instant) -> Event {
    loop {
        assert!(
            !expired(start),
            "no event from our host within {DEADLINE:?}"
        );
        if let Some(ev) = h.service(100).expect("service") {
            return ev;
        }
    }
}

/// The C host's next event within the deadline.
fn c_next_event(c: &mut CHost, start: Instant) -> CEvent {
    loop {
        assert!(!expired(start), "no event from C ENet within {DEADLINE:?}");
        if let Some(ev) = c.service(20).expect("C service") {
            return ev;
        }
    }
}

/// Services our host (no event expected) until the C side signals, e.g. that it saw our
/// connection complete (its CONNECT event waits for the acknowledgement of its VERIFY_CONNECT,
/// which our next service sends).
fn serve_until_signalled(h: &mut EnetHost, rx: &std::sync::mpsc::Receiver<()>, start: Instant) {
    while rx.try_recv().is_err() {
        assert!(
            !expired(start),
            "the C side did not signal within {DEADLINE:?}"
        );
        match h.service(10).expect("service") {
            None | Some(Event::Receive { .. }) => {}
            Some(ev) => panic!("unexpected {ev:?}"),
        }
    }
}

/// Runs the C side on its own thread.
fn c_side<R: Send + 'static>(
    c: CHost,
    f: impl FnOnce(CHost) -> R + Send + 'static,
) -> JoinHandle<R> {
    thread::Builder::new()
        .name("c-enet".into())
        .spawn(move || f(c))
        .unwrap()
}

/// Message `i` of a run: channel, then the per-channel sequence number, then filler.
fn message(i: u32) -> (u8, Vec<u8>) {
    let channel = (i % CHANNELS as u32) as u8;
    let seq = i / CHANNELS as u32;
    let mut m = vec![channel];
    m.extend_from_slice(&seq.to_le_bytes());
    m.extend(std::iter::repeat_n((i % 251) as u8, (i % 40) as usize));
    (channel, m)
}

/// Checks one received message against the order of its channel.
fn check_order(next: &mut [u32; CHANNELS], channel: u8, data: &[u8]) {
    assert_eq!(data[0], channel, "message on the wrong channel");
    let seq = u32::from_le_bytes(data[1..5].try_into().unwrap());
    assert_eq!(
        seq, next[channel as usize],
        "out of order on channel {channel}"
    );
    next[channel as usize] += 1;
    let i = seq * CHANNELS as u32 + u32::from(channel);
    assert_eq!(data.len(), 5 + (i % 40) as usize);
    assert!(data[5..].iter().all(|&b| b == (i % 251) as u8));
}

fn big(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| {
            (i as u32)
                .wrapping_mul(2_654_435_761)
                .rotate_left(seed as u32) as u8
        })
        .collect()
}

const N: u32 = 10_000;

#[test]
fn c_client_connects_with_data_and_10000_reliable_messages_arrive_in_order() {
    let start = Instant::now();
    let mut ours = our_host(4);
    let port = ours.local_port();
    let c = c_side(c_client(), move |mut c| {
        let peer = c.connect(LOCAL, port, CHANNELS, CONNECT_DATA).unwrap();
        assert!(matches!(
            c_next_event(&mut c, start),
            CEvent::Connect { .. }
        ));
        for i in 0..N {
            let (ch, m) = message(i);
            assert!(c.send(peer, ch, &m, FLAG_RELIABLE));
        }
        // Serve until we disconnect it, with our data.
        match c_next_event(&mut c, start) {
            CEvent::Disconnect { data, .. } => data,
            other => panic!("C got {other:?}"),
        }
    });
    let peer = match next_event(&mut ours, start) {
        Event::Connect { peer, data } => {
            assert_eq!(data, CONNECT_DATA, "the 32-bit CONNECT data");
            peer
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(ours.peer_state(peer), Some(PeerState::Connected));
    assert_eq!(ours.peer_stats(peer).unwrap().channel_count, CHANNELS);
    let mut next = [0u32; CHANNELS];
    let mut got = 0;
    let t0 = Instant::now();
    while got < N {
        match next_event(&mut ours, start) {
            Event::Receive {
                peer: p,
                channel,
                packet,
            } => {
                assert_eq!(p, peer);
                assert_eq!(packet.flags(), PacketFlags::RELIABLE);
                check_order(&mut next, channel, packet.data());
                got += 1;
            }
            other => panic!("{other:?}"),
        }
    }
    let took = t0.elapsed();
    eprintln!(
        "C -> ours: {N} reliable messages in {took:?} ({:.0}/s)",
        f64::from(N) / took.as_secs_f64()
    );
    ours.disconnect(peer, 42);
    loop {
        if let Event::Disconnect { peer: p, .. } = next_event(&mut ours, start) {
            assert_eq!(p, peer);
            break;
        }
    }
    assert_eq!(c.join().unwrap(), 42, "our DISCONNECT data reached C ENet");
    let k = ours.counters();
    assert_eq!(
        k.datagrams_dropped + k.oversized + k.send_errors,
        0,
        "{k:?}"
    );
}

#[test]
fn we_connect_to_a_c_server_with_data_and_10000_reliable_messages_arrive_in_order() {
    let start = Instant::now();
    let (c, port) = c_server();
    let c = c_side(c, move |mut c| {
        let peer = match c_next_event(&mut c, start) {
            CEvent::Connect { peer, data } => {
                assert_eq!(data, CONNECT_DATA);
                peer
            }
            other => panic!("{other:?}"),
        };
        let mut next = [0u32; CHANNELS];
        let mut got = 0;
        while got < N {
            match c_next_event(&mut c, start) {
                CEvent::Receive {
                    channel,
                    flags,
                    data,
                    ..
                } => {
                    assert_eq!(flags & 0xf, FLAG_RELIABLE);
                    check_order(&mut next, channel, &data);
                    got += 1;
                }
                other => panic!("{other:?}"),
            }
        }
        // C ENet disconnects us, with its data.
        c.disconnect(peer, 77, How::Disconnect);
        loop {
            if let CEvent::Disconnect { .. } = c_next_event(&mut c, start) {
                return got;
            }
        }
    });
    let mut ours = our_host(1);
    let peer = ours.connect(at(port), CHANNELS, CONNECT_DATA).unwrap();
    assert_eq!(ours.peer_state(peer), Some(PeerState::Connecting));
    assert!(
        matches!(next_event(&mut ours, start), Event::Connect { peer: p, data: 0 } if p == peer)
    );
    let t0 = Instant::now();
    for i in 0..N {
        let (ch, m) = message(i);
        ours.send(peer, ch, &m, PacketFlags::RELIABLE).unwrap();
    }
    let data = loop {
        if let Event::Disconnect { peer: p, data } = next_event(&mut ours, start) {
            assert_eq!(p, peer);
            break data;
        }
    };
    let took = t0.elapsed();
    assert_eq!(data, 77, "C ENet's DISCONNECT data reached us");
    assert_eq!(c.join().unwrap(), N);
    eprintln!(
        "ours -> C: {N} reliable messages in {took:?} ({:.0}/s, until C's disconnect)",
        f64::from(N) / took.as_secs_f64()
    );
    assert_eq!(ours.peer_state(peer), Some(PeerState::Disconnected));
}

/// One direction of the large/unreliable exchange: a 100 KiB reliable message (fragmented),
/// 200 unsequenced and 10 unreliable-fragment 8 KiB messages, then a reliable end marker.
fn mixed_traffic() -> Vec<(u8, Vec<u8>, u32)> {
    let mut out = vec![(0u8, big(100 * 1024, 3), FLAG_RELIABLE)];
    for i in 0..200u32 {
        out.push((
            1,
            [b"u".as_slice(), &i.to_le_bytes()].concat(),
            FLAG_UNSEQUENCED,
        ));
    }
    for i in 0..10u8 {
        out.push((2, big(8 * 1024, i), FLAG_UNRELIABLE_FRAGMENT));
    }
    out.push((0, b"end".to_vec(), FLAG_RELIABLE));
    out
}

/// What arrived, checked against [`mixed_traffic`]: (unsequenced count, unreliable-fragment
/// count). Channel 0 (reliable) must hold the 100 KiB message then "end", intact and in order;
/// the unreliable ones must be intact if they arrived at all. Channels do not order each other.
fn check_mixed(received: &[(u8, Vec<u8>, u32)]) -> (usize, usize) {
    let sent = mixed_traffic();
    let reliable: Vec<&(u8, Vec<u8>, u32)> = received.iter().filter(|r| r.0 == 0).collect();
    assert_eq!(reliable.len(), 2, "two reliable messages on channel 0");
    assert!(reliable[0].1 == sent[0].1, "the 100 KiB message, intact");
    assert_eq!(reliable[0].2, FLAG_RELIABLE);
    assert_eq!(reliable[1].1, b"end");
    let mut unseq = 0;
    let mut frag = 0;
    for (ch, data, flags) in received.iter().filter(|r| r.0 != 0) {
        match ch {
            1 => {
                assert_eq!(*flags, FLAG_UNSEQUENCED);
                assert!(sent.iter().any(|s| s.0 == 1 && &s.1 == data));
                unseq += 1;
            }
            2 => {
                assert_eq!(*flags, FLAG_UNRELIABLE_FRAGMENT);
                assert!(
                    sent.iter().any(|s| s.0 == 2 && &s.1 == data),
                    "fragment payload"
                );
                frag += 1;
            }
            _ => panic!("unexpected channel {ch}"),
        }
    }
    (unseq, frag)
}

/// Time to let unreliable packets still in flight land after the reliable end marker.
const GRACE: Duration = Duration::from_millis(300);

fn flags_of(f: u32) -> PacketFlags {
    PacketFlags(f)
}

#[test]
fn fragmented_unsequenced_and_unreliable_fragment_traffic_both_ways() {
    let start = Instant::now();
    let (c, port) = c_server();
    let c = c_side(c, move |mut c| {
        let peer = match c_next_event(&mut c, start) {
            CEvent::Connect { peer, .. } => peer,
            other => panic!("{other:?}"),
        };
        // Receive ours, then send the same back.
        let mut got = Vec::new();
        let mut ended: Option<Instant> = None;
        while ended.is_none_or(|t| t.elapsed() < GRACE) {
            assert!(!expired(start));
            match c.service(10).expect("C service") {
                Some(CEvent::Receive {
                    channel,
                    flags,
                    data,
                    ..
                }) => {
                    if data == b"end" {
                        ended = Some(Instant::now());
                    }
                    got.push((channel, data, flags & 0xf));
                }
                Some(other) => panic!("{other:?}"),
                None => {}
            }
        }
        for (ch, m, f) in mixed_traffic() {
            assert!(c.send(peer, ch, &m, f));
            // Paced: one service pass per message, as a game frame would.
            let _ = c.service(0);
        }
        c.flush();
        loop {
            if let CEvent::Disconnect { data, .. } = c_next_event(&mut c, start) {
                return (got, data);
            }
        }
    });
    // C ENet asks for 256 KiB socket buffers (Godot's socket layer declines and keeps the OS
    // default, as our host does by default): ask for the same here, since C's burst of
    // unreliable data overflows a 208 KiB default on this machine (then os_dropped counts it).
    let config = HostConfig {
        max_peers: 1,
        os_recv_buf_size: Some(256 * 1024),
        ..HostConfig::default()
    };
    let mut ours = EnetHost::create_bound(LOCAL, 0, &config).unwrap();
    let peer = ours.connect(at(port), CHANNELS, 1).unwrap();
    assert!(matches!(
        next_event(&mut ours, start),
        Event::Connect { .. }
    ));
    for (ch, m, f) in mixed_traffic() {
        ours.send(peer, ch, &m, flags_of(f)).unwrap();
        let _ = ours.service(0).unwrap();
    }
    let mut got = Vec::new();
    let mut ended: Option<Instant> = None;
    while ended.is_none_or(|t| t.elapsed() < GRACE) {
        assert!(!expired(start));
        match ours.service(10).expect("service") {
            Some(Event::Receive {
                channel, packet, ..
            }) => {
                if packet.data() == b"end" {
                    ended = Some(Instant::now());
                }
                got.push((channel, packet.data().to_vec(), packet.flags().0));
            }
            Some(other) => panic!("{other:?}"),
            None => {}
        }
    }
    let k = ours.counters();
    let (u1, f1) = check_mixed(&got);
    ours.disconnect_later(peer, 5);
    loop {
        if let Event::Disconnect { .. } = next_event(&mut ours, start) {
            break;
        }
    }
    let (c_got, data) = c.join().unwrap();
    assert_eq!(data, 5, "disconnect_later's data");
    let (u2, f2) = check_mixed(&c_got);
    eprintln!(
        "C -> ours: 100 KiB reliable, {u1}/200 unsequenced, {f1}/10 unreliable-fragment; \
         ours -> C: 100 KiB reliable, {u2}/200 unsequenced, {f2}/10 unreliable-fragment; \
         our counters: {k:?}"
    );
    // Loopback, paced: unreliable traffic arrives (a few losses would be ENet's right).
    assert!(u1 >= 150 && u2 >= 150, "unsequenced: {u1}, {u2}");
    assert!(f1 >= 5 && f2 >= 5, "unreliable fragments: {f1}, {f2}");
}

#[test]
fn we_time_out_a_c_peer_that_stops_servicing() {
    let start = Instant::now();
    let (c, port) = c_server();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    let c = c_side(c, move |mut c| {
        assert!(matches!(
            c_next_event(&mut c, start),
            CEvent::Connect { .. }
        ));
        // Stop servicing (the host stays, its socket open) until the test is done.
        let _ = stop_rx.recv_timeout(DEADLINE);
        c
    });
    let mut ours = our_host(1);
    let peer = ours.connect(at(port), CHANNELS, 0).unwrap();
    assert!(matches!(
        next_event(&mut ours, start),
        Event::Connect { .. }
    ));
    ours.set_timeout(peer, 32, 500, 1000);
    let stats = ours.peer_stats(peer).unwrap();
    assert_eq!(
        (
            stats.timeout_limit,
            stats.timeout_minimum,
            stats.timeout_maximum
        ),
        (32, 500, 1000)
    );
    ours.send(peer, 0, b"anyone there?", PacketFlags::RELIABLE)
        .unwrap();
    let t0 = Instant::now();
    let ev = next_event(&mut ours, start);
    let took = t0.elapsed();
    assert!(
        matches!(ev, Event::Disconnect { peer: p, data: 0 } if p == peer),
        "{ev:?}"
    );
    eprintln!("our timeout of a silent C peer: {took:?} (timeout 500..1000 ms)");
    assert!(took < Duration::from_secs(5));
    assert_eq!(ours.peer_state(peer), Some(PeerState::Disconnected));
    stop_tx.send(()).unwrap();
    drop(c.join().unwrap());
}

#[test]
fn c_times_out_our_peer_when_we_stop_servicing() {
    let start = Instant::now();
    let (c, port) = c_server();
    let (tx, rx) = std::sync::mpsc::channel();
    let c = c_side(c, move |mut c| {
        let peer = match c_next_event(&mut c, start) {
            CEvent::Connect { peer, .. } => peer,
            other => panic!("{other:?}"),
        };
        tx.send(()).unwrap();
        c.peer_timeout(peer, 32, 500, 1000);
        assert!(c.send(peer, 0, b"hello?", FLAG_RELIABLE));
        let t0 = Instant::now();
        loop {
            if let CEvent::Disconnect { data, .. } = c_next_event(&mut c, start) {
                return (data, t0.elapsed(), c.peer_state(peer));
            }
        }
    });
    let mut ours = our_host(1);
    let peer = ours.connect(at(port), CHANNELS, 0).unwrap();
    assert!(matches!(
        next_event(&mut ours, start),
        Event::Connect { .. }
    ));
    serve_until_signalled(&mut ours, &rx, start);
    // Stop servicing: the host stays, its socket open.
    let (data, took, state) = c.join().unwrap();
    assert_eq!(data, 0);
    assert_eq!(state, godot_udp_enet_c::STATE_DISCONNECTED);
    eprintln!("C's timeout of our silent peer: {took:?}");
    assert_eq!(ours.peer_state(peer), Some(PeerState::Connected));
}

#[test]
fn disconnect_now_reaches_the_c_side_and_back() {
    let start = Instant::now();
    let (c, port) = c_server();
    let (tx, rx) = std::sync::mpsc::channel();
    let c = c_side(c, move |mut c| {
        let peer = match c_next_event(&mut c, start) {
            CEvent::Connect { peer, .. } => peer,
            other => panic!("{other:?}"),
        };
        tx.send(()).unwrap();
        let ev = c_next_event(&mut c, start);
        (ev, c.peer_state(peer))
    });
    let mut ours = our_host(1);
    let peer = ours.connect(at(port), CHANNELS, 0).unwrap();
    assert!(matches!(
        next_event(&mut ours, start),
        Event::Connect { .. }
    ));
    serve_until_signalled(&mut ours, &rx, start);
    ours.disconnect_now(peer, 9);
    assert_eq!(ours.peer_state(peer), Some(PeerState::Disconnected));
    let (ev, state) = c.join().unwrap();
    assert!(matches!(ev, CEvent::Disconnect { data: 9, .. }), "{ev:?}");
    assert_ne!(state, STATE_CONNECTED);
}

#[test]
fn range_coder_compression_on_both_ends() {
    let start = Instant::now();
    let (mut c, port) = c_server();
    assert!(c.compress_with_range_coder());
    let text: Vec<u8> = b"Godot ENet range coder, the same words over and over. "
        .iter()
        .copied()
        .cycle()
        .take(600)
        .collect();
    let msgs: Vec<Vec<u8>> = (0..500u32)
        .map(|i| [&i.to_le_bytes()[..], &text[..(i as usize % 500) + 50]].concat())
        .chain(std::iter::once(big(100 * 1024, 9)))
        .collect();
    let expect = msgs.clone();
    let c = c_side(c, move |mut c| {
        let peer = match c_next_event(&mut c, start) {
            CEvent::Connect { peer, .. } => peer,
            other => panic!("{other:?}"),
        };
        let mut got = Vec::new();
        while got.len() < expect.len() {
            match c_next_event(&mut c, start) {
                CEvent::Receive { data, .. } => got.push(data),
                other => panic!("{other:?}"),
            }
        }
        assert!(got == expect, "C received our range-coded messages intact");
        for m in &expect {
            assert!(c.send(peer, 1, m, FLAG_RELIABLE));
        }
        loop {
            if let CEvent::Disconnect { .. } = c_next_event(&mut c, start) {
                return got.len();
            }
        }
    });
    let mut ours = our_host(1);
    ours.compress_with_range_coder();
    let peer = ours.connect(at(port), CHANNELS, 0).unwrap();
    assert!(matches!(
        next_event(&mut ours, start),
        Event::Connect { .. }
    ));
    for m in &msgs {
        ours.send(peer, 1, m, PacketFlags::RELIABLE).unwrap();
    }
    let mut got = Vec::new();
    while got.len() < msgs.len() {
        match next_event(&mut ours, start) {
            Event::Receive { packet, .. } => got.push(packet.data().to_vec()),
            other => panic!("{other:?}"),
        }
    }
    assert!(got == msgs, "we received C's range-coded messages intact");
    ours.disconnect(peer, 0);
    while !matches!(next_event(&mut ours, start), Event::Disconnect { .. }) {}
    assert_eq!(c.join().unwrap(), msgs.len());
    let k = ours.counters();
    let payload: usize = msgs.iter().map(Vec::len).sum();
    eprintln!(
        "range coder: {payload} payload bytes each way, our socket sent {} and received {} bytes",
        k.bytes_sent, k.bytes_received
    );
    // The text compresses; the 100 KiB of pseudo-random bytes does not (sent as is).
    assert!(
        k.bytes_received < payload as u64 && k.bytes_sent < payload as u64,
        "{k:?}"
    );
    assert_eq!(k.rejected, 0, "no datagram failed to decompress");
}

#[test]
fn compression_mismatch_is_refused_and_counted() {
    // Compression is not negotiated: a range-coded datagram reaching a host without a
    // compressor is refused whole, and counted.
    let start = Instant::now();
    let (mut c, port) = c_server();
    assert!(c.compress_with_range_coder());
    let c = c_side(c, move |mut c| {
        // C answers our CONNECT compressed (its VERIFY_CONNECT); we cannot read it.
        while !expired(start) && start.elapsed() < Duration::from_millis(1500) {
            let _ = c.service(20);
        }
    });
    let mut ours = our_host(1);
    let peer = ours.connect(at(port), CHANNELS, 0).unwrap();
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_millis(1000) {
        assert!(ours.service(50).unwrap().is_none());
    }
    c.join().unwrap();
    assert_ne!(ours.peer_state(peer), Some(PeerState::Connected));
    assert!(ours.counters().rejected > 0, "{:?}", ours.counters());
}

#[test]
fn service_zero_never_waits_and_a_timeout_waits_without_spinning() {
    let mut ours = our_host(1);
    let t0 = Instant::now();
    for _ in 0..1000 {
        assert!(ours.service(0).unwrap().is_none());
    }
    assert!(
        t0.elapsed() < Duration::from_millis(500),
        "{:?}",
        t0.elapsed()
    );
    let cpu0 = cpu_time();
    let t0 = Instant::now();
    assert!(ours.service(300).unwrap().is_none());
    let waited = t0.elapsed();
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    if let (Some(a), Some(b)) = (cpu0, cpu_time()) {
        // A busy loop would burn ~300 ms of CPU; a wait burns almost none.
        assert!(b - a < Duration::from_millis(100), "CPU {:?}", b - a);
    }
}

/// This process's CPU time (Linux), to tell a wait from a busy loop.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

#[test]
fn the_vendored_c_enet_is_1_3_x() {
    let (major, minor, patch) = godot_udp_enet_c::linked_version();
    assert_eq!((major, minor), (1, 3));
    assert!(patch >= 17, "{patch}");
}

//! DTLS sessions against bad input, at the engine level where large counts are cheap: records too
//! short to decrypt and plaintext application data (which OpenSSL would answer by ending the
//! session), a storm of garbage datagrams, and a ClientHello flood with what each attempt leaves
//! behind. The ava suite (__test__/dtls-hostile.spec.ts) covers the same ground over real
//! sockets through the public API. Figures go to stderr:
//! `cargo test -p godot-udp-dtls --test hostile -- --nocapture`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::net::UdpSocket as StdUdp;
use std::time::Instant;

use godot_udp_dtls::peer::*;
use godot_udp_dtls::{PacketPeerDtls, X509Certificate};
use godot_udp_engine::codes::OK;
use godot_udp_engine::PacketPeerUdp;

mod common;
use common::*;

// -------------------------------------------------------------------------------------------------
// Heap bytes allocated by Rust on the current thread and not yet freed (OpenSSL allocates with
// malloc and is not counted): what a test thread's sessions hold.

struct CountingAlloc;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    let _ = LIVE.try_with(|live| live.set(live.get() + delta));
}

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is kept.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        q
    }
}

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn live_bytes() -> isize {
    LIVE.with(|live| live.get())
}

/// Resident set size in bytes (Linux), 0 elsewhere.
fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1048576.0)
}

// -------------------------------------------------------------------------------------------------
// Both ends: tests/common

type Client = (PacketPeerUdp, PacketPeerDtls);

/// A client trusting `cert`, for "localhost".
fn client_of(port: u16, cert: &X509Certificate) -> Client {
    client(port, "localhost", &trusting(cert))
}

fn connected_pair() -> (Server, Client) {
    let (key, cert) = identity("localhost");
    let mut server = Server::new(&key, &cert);
    let mut c = client_of(server.port(), &cert);
    assert!(run(&mut server, &mut c, |s, d| d.status()
        == STATUS_CONNECTED
        && s.peers.len() == 1
        && s.peers[0].1.status() == STATUS_CONNECTED));
    (server, c)
}

/// Sends `text` from the client and waits until the server session has it; returns what the
/// server session read.
fn exchange(server: &mut Server, c: &mut Client, text: &[u8]) -> Vec<u8> {
    assert_eq!(c.1.put_packet(&mut c.0, text), OK);
    assert!(run(server, c, |s, _| s.peers[0]
        .1
        .get_available_packet_count()
        > 0));
    server.peers[0].1.get_packet(|b| b.to_vec()).unwrap()
}

/// A DTLS 1.2 record.
fn record(content_type: u8, epoch: u16, seq: u64, body: &[u8]) -> Vec<u8> {
    let mut r = vec![content_type, 0xfe, 0xfd];
    r.extend_from_slice(&epoch.to_be_bytes());
    r.extend_from_slice(&seq.to_be_bytes()[2..]);
    r.extend_from_slice(&(body.len() as u16).to_be_bytes());
    r.extend_from_slice(body);
    r
}

/// xorshift64*: reproducible garbage.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

// -------------------------------------------------------------------------------------------------

#[test]
fn short_protected_records_are_discarded_and_the_session_lives() {
    let (mut server, mut c) = connected_pair();
    assert_eq!(exchange(&mut server, &mut c, b"before"), b"before");
    let (sudp, sdtls) = &mut server.peers[0];
    let (cudp, cdtls) = &mut c;
    let (s0, c0) = (sdtls.stats(), cdtls.stats());
    // Every length an AEAD record cannot have (GCM: 8 bytes of nonce and 16 of tag), every
    // content type, under fresh sequence numbers (no replay check spares them), one datagram each.
    let mut sent = 0;
    let mut seq = 10_000;
    for len in 0..24 {
        for content_type in [21, 22, 23] {
            let r = record(content_type, 1, seq, &vec![0x5a; len]);
            seq += 1;
            sdtls.receive(sudp, &r);
            cdtls.receive(cudp, &r);
            sent += 1;
            assert_eq!(
                sdtls.status(),
                STATUS_CONNECTED,
                "server: a {len}-byte record of type {content_type}"
            );
            assert_eq!(
                cdtls.status(),
                STATUS_CONNECTED,
                "client: a {len}-byte record of type {content_type}"
            );
        }
    }
    let (s1, c1) = (sdtls.stats(), cdtls.stats());
    assert_eq!(s1.datagrams_discarded - s0.datagrams_discarded, sent);
    assert_eq!(c1.datagrams_discarded - c0.datagrams_discarded, sent);
    assert_eq!(s1.datagrams_sent, s0.datagrams_sent, "no alert");
    assert_eq!(c1.datagrams_sent, c0.datagrams_sent, "no alert");

    // Short records where OpenSSL would find them inside others: behind a header it skips alone
    // (wrong major version, an impossible length, when connected another version), and in front
    // of a genuine record. Each such datagram is discarded whole.
    assert_eq!(cdtls.put_packet(cudp, b"behind a short one"), OK);
    let end = Instant::now() + DEADLINE;
    while sudp.get_available_packet_count() == 0 && Instant::now() < end {
        server.udp.poll();
    }
    let genuine = sudp.get_packet(|a, b| [a, b].concat()).unwrap();
    let short = record(23, 1, seq, &[1; 10]);
    let skipped_headers = [
        record(23, 1, seq + 1, &[])
            .iter()
            .enumerate()
            .map(|(i, &b)| if i == 1 { 0x03 } else { b })
            .collect::<Vec<u8>>(),
        {
            let mut h = record(23, 1, seq + 2, &[]);
            h[11..13].copy_from_slice(&40000u16.to_be_bytes());
            h
        },
        {
            let mut h = record(23, 1, seq + 3, &[]);
            h[2] = 0xff;
            h[11..13].copy_from_slice(&(short.len() as u16).to_be_bytes());
            h
        },
    ];
    let mut hidden = Vec::new();
    for header in &skipped_headers {
        hidden.push([&header[..], &short].concat());
    }
    hidden.push([&short[..], &genuine].concat());
    let before = sdtls.stats();
    for d in &hidden {
        sdtls.receive(sudp, d);
        assert_eq!(sdtls.status(), STATUS_CONNECTED, "{d:02x?}");
    }
    let after = sdtls.stats();
    assert_eq!(
        after.datagrams_discarded - before.datagrams_discarded,
        hidden.len() as u64
    );
    assert_eq!(
        sdtls.get_available_packet_count(),
        0,
        "the genuine record went with its datagram"
    );
    sdtls.receive(sudp, &genuine);
    assert_eq!(
        sdtls.get_packet(|b| b.to_vec()).unwrap(),
        b"behind a short one"
    );
    assert_eq!(exchange(&mut server, &mut c, b"after"), b"after");
    eprintln!(
        "{sent} short protected records at each end: discarded {} (server) and {} (client), both connected",
        s1.datagrams_discarded - s0.datagrams_discarded,
        c1.datagrams_discarded - c0.datagrams_discarded
    );
}

#[test]
fn impostor_records_during_a_handshake_do_not_end_it_or_surface() {
    let (key, cert) = identity("localhost");
    let mut server = Server::new(&key, &cert);
    let mut c = client_of(server.port(), &cert);
    // Until the server's session started (the cookie exchange done): both ends are handshaking.
    assert!(run(&mut server, &mut c, |s, _| !s.peers.is_empty()));
    let (sudp, sdtls) = &mut server.peers[0];
    let (cudp, cdtls) = &mut c;
    assert_eq!(sdtls.status(), STATUS_HANDSHAKING);
    assert_eq!(cdtls.status(), STATUS_HANDSHAKING);
    let impostors = [
        record(23, 0, 5, b"plaintext application data"),
        record(23, 0, 6, b""),
        record(23, 1, 1, &[7; 5]),
        record(21, 1, 2, &[7; 2]),
        record(22, 1, 3, &[7; 12]),
        record(23, 1, 4, &[7; 64]),
    ];
    for r in &impostors {
        sdtls.receive(sudp, r);
        cdtls.receive(cudp, r);
        assert_eq!(sdtls.status(), STATUS_HANDSHAKING, "server: {r:02x?}");
        assert_eq!(cdtls.status(), STATUS_HANDSHAKING, "client: {r:02x?}");
    }
    assert!(run(&mut server, &mut c, |s, d| d.status()
        == STATUS_CONNECTED
        && s.peers[0].1.status() == STATUS_CONNECTED));
    assert_eq!(server.peers[0].1.get_available_packet_count(), 0);
    assert_eq!(c.1.get_available_packet_count(), 0);
    assert_eq!(server.peers[0].1.stats().packets_received, 0);
    assert_eq!(c.1.stats().packets_received, 0);
    assert_eq!(exchange(&mut server, &mut c, b"first"), b"first");
}

#[test]
fn a_storm_of_garbage_leaves_connected_sessions_connected() {
    const N: u64 = 20_000;
    let (mut server, mut c) = connected_pair();
    assert_eq!(exchange(&mut server, &mut c, b"before"), b"before");
    let (sudp, sdtls) = &mut server.peers[0];
    let (cudp, cdtls) = &mut c;
    let (s0, c0) = (sdtls.stats(), cdtls.stats());
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let start = Instant::now();
    for _ in 0..N {
        let datagram = match rng.below(4) {
            // Random bytes of random length.
            0 => {
                let n = rng.below(1501) as usize;
                rng.bytes(n)
            }
            // Records with believable headers: any content type near the real ones, epochs 0-3,
            // any sequence number, lengths right or wrong, one to three in a datagram.
            _ => {
                let mut d = Vec::new();
                for _ in 0..=rng.below(3) {
                    let len = rng.below(300) as usize;
                    let body = rng.bytes(len);
                    let mut r = record(
                        19 + rng.below(6) as u8,
                        rng.below(4) as u16,
                        rng.below(1 << 48),
                        &body,
                    );
                    if rng.below(4) == 0 {
                        let wrong = rng.below(1 << 16) as u16;
                        r[11..13].copy_from_slice(&wrong.to_be_bytes());
                    }
                    d.extend_from_slice(&r);
                }
                d
            }
        };
        sdtls.receive(sudp, &datagram);
        cdtls.receive(cudp, &datagram);
        assert!(
            sdtls.status() == STATUS_CONNECTED && cdtls.status() == STATUS_CONNECTED,
            "server {}, client {} after {datagram:02x?}",
            sdtls.status(),
            cdtls.status()
        );
    }
    let took = start.elapsed();
    assert_eq!(sdtls.status(), STATUS_CONNECTED);
    assert_eq!(cdtls.status(), STATUS_CONNECTED);
    let (s1, c1) = (sdtls.stats(), cdtls.stats());
    assert_eq!(s1.datagrams_discarded - s0.datagrams_discarded, N);
    assert_eq!(c1.datagrams_discarded - c0.datagrams_discarded, N);
    assert_eq!(s1.packets_received, s0.packets_received, "nothing surfaced");
    assert_eq!(c1.packets_received, c0.packets_received, "nothing surfaced");
    assert_eq!(s1.datagrams_sent, s0.datagrams_sent, "nothing answered");
    assert_eq!(c1.datagrams_sent, c0.datagrams_sent, "nothing answered");
    assert_eq!(exchange(&mut server, &mut c, b"after"), b"after");
    eprintln!(
        "{N} garbage datagrams at each end in {took:?} ({:.1} µs each): all discarded, both connected",
        took.as_secs_f64() * 1e6 / (2 * N) as f64
    );
}

#[test]
fn a_client_hello_flood_leaves_nothing_behind() {
    const N: usize = 10_000;
    // Small enough for the server socket's default receive buffer.
    const BATCH: usize = 100;
    let (key, cert) = identity("localhost");
    let mut server = Server::new(&key, &cert);
    server.udp.set_max_pending_connections(BATCH as i64);
    // A genuine first ClientHello, caught by a socket that never answers.
    let sink = StdUdp::bind("127.0.0.1:0").unwrap();
    let mut caught = client_of(sink.local_addr().unwrap().port(), &cert);
    let mut hello = vec![0; 2048];
    sink.set_read_timeout(Some(DEADLINE)).unwrap();
    let n = sink.recv(&mut hello).unwrap();
    hello.truncate(n);
    caught.1.disconnect_from_peer(&mut caught.0);

    // The flood, BATCH ports at a time. Every ended session is kept, as JS wrappers would be
    // until the garbage collector runs: what they hold is what a flood costs until then.
    let mut ended: Vec<(PacketPeerUdp, PacketPeerDtls)> = Vec::with_capacity(N);
    let take = |server: &mut Server, ended: &mut Vec<_>, want: usize| {
        let end = Instant::now() + DEADLINE;
        while ended.len() < want && Instant::now() < end {
            server.udp.poll();
            while let Some(mut udp) = server.udp.take_connection() {
                let mut dtls = PacketPeerDtls::new();
                server.dtls.take_connection(&mut udp, &mut dtls);
                assert_eq!(
                    dtls.status(),
                    STATUS_ERROR,
                    "the attempt ends at the cookie"
                );
                assert!(!udp.is_bound(), "its UDP peer is closed");
                ended.push((udp, dtls));
            }
        }
        assert_eq!(ended.len(), want, "connections taken");
    };
    let port = server.port();
    let send_batch = |n: usize| -> Vec<StdUdp> {
        (0..n)
            .map(|_| {
                let s = StdUdp::bind("127.0.0.1:0").unwrap();
                s.send_to(&hello, ("127.0.0.1", port)).unwrap();
                s
            })
            .collect()
    };
    // Warm-up: allocator, OpenSSL's lazily made tables, the server's maps.
    let socks = send_batch(BATCH);
    take(&mut server, &mut ended, BATCH);
    drop(socks);
    ended.clear();
    ended.shrink_to_fit();
    ended.reserve(N);
    let stats0 = server.dtls.stats();
    let (live0, rss0) = (live_bytes(), rss());
    let start = Instant::now();
    let mut answered = 0;
    for _ in 0..N / BATCH {
        let socks = send_batch(BATCH);
        let want = ended.len() + BATCH;
        take(&mut server, &mut ended, want);
        let mut buf = [0u8; 512];
        for s in &socks {
            s.set_read_timeout(Some(DEADLINE)).unwrap();
            let n = s.recv(&mut buf).unwrap();
            // A HelloVerifyRequest: a handshake record whose message is type 3.
            assert!(n > 25 && buf[0] == 22 && buf[13] == 3);
            answered += 1;
        }
    }
    let took = start.elapsed();
    let (live1, rss1) = (live_bytes(), rss());
    let stats = server.dtls.stats();
    assert_eq!(ended.len(), N);
    assert_eq!(answered, N);
    assert_eq!(stats.cookies_sent - stats0.cookies_sent, N as u64);
    assert_eq!(stats.handshakes_started, 0);
    assert!(server.peers.is_empty());
    // (The Vec the sessions are kept in was allocated before.)
    let per_session = (live1 - live0) / N as isize;
    assert!(
        per_session < 1024,
        "an ended session holds {per_session} bytes of Rust heap"
    );
    drop(ended);
    eprintln!(
        "{N} ClientHellos from {N} ports: {} cookies in {took:?} ({:.0} µs per attempt, sending included); \
         ended sessions hold {per_session} bytes of Rust heap each (plus {} bytes of object); \
         RSS {} -> {} ({} per attempt)",
        stats.cookies_sent - stats0.cookies_sent,
        took.as_secs_f64() * 1e6 / N as f64,
        std::mem::size_of::<(PacketPeerUdp, PacketPeerDtls)>(),
        mib(rss0),
        mib(rss1),
        (rss1.saturating_sub(rss0)) / N as u64,
    );
}

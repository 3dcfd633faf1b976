//! Godot's compression modes ours<->ours (`EnetHost::compress_mode`), a mode mismatch, and
//! compressed bodies that lie about their size. 127.0.0.1 only; every test bounded by `pump`'s
//! limit; hosts (and sockets) dropped at the end of each test.

mod common;

use std::net::UdpSocket;
use std::time::Duration;

use common::*;
use godot_udp_enet::{CompressionMode, EnetHost, Event, PacketFlags, PeerState};

const LIMIT: Duration = Duration::from_secs(20);
const N: u32 = 10_000;
const BIG: usize = 100 << 10;
const BIG_U64: u64 = BIG as u64;

fn pair(mode: CompressionMode) -> (EnetHost, EnetHost) {
    let (mut s, mut c) = (host(4), host(1));
    s.compress_mode(mode);
    c.compress_mode(mode);
    (s, c)
}

/// Connect with data, 10,000 reliable on 3 channels in order, 100 KiB fragmented back, 200
/// unsequenced; nothing refused on either side; the compressing modes put fewer bytes on the
/// wire than the payload, NONE more.
fn full_exchange(mode: CompressionMode) {
    let (mut server, mut client) = pair(mode);
    let (sp, cp) = connect(&mut server, &mut client, CONNECT_DATA);
    // ENet throttles unreliable sends as the round trip time grows (a busy test machine); a
    // deceleration of 0 keeps the throttle at its start (everything sent), so every
    // unsequenced message below must arrive.
    client.throttle_configure(cp, 5000, 2, 0);

    let sent0 = client.counters().bytes_sent;
    let mut payload = 0u64;
    for i in 0..N {
        let (ch, m) = message(i);
        payload += m.len() as u64;
        client.send(cp, ch, &m, PacketFlags::RELIABLE).unwrap();
    }
    let mut next = [0u32; CHANNELS];
    let mut got = 0;
    pump(
        &mut [&mut server, &mut client],
        LIMIT,
        "10,000 reliable",
        |i, ev| {
            match (i, ev) {
                (
                    0,
                    Event::Receive {
                        channel, packet, ..
                    },
                ) => {
                    assert_eq!(packet.flags(), PacketFlags::RELIABLE);
                    check_order(&mut next, channel, packet.data());
                    got += 1;
                }
                (_, ev) => panic!("unexpected {ev:?}"),
            }
            got == N
        },
    );
    let wire = client.counters().bytes_sent - sent0;

    // 100 KiB, fragmented, server -> client.
    let big = text(BIG);
    let s0 = server.counters().bytes_sent;
    server.send(sp, 2, &big, PacketFlags::RELIABLE).unwrap();
    let mut done = false;
    pump(
        &mut [&mut client, &mut server],
        LIMIT,
        "100 KiB",
        |i, ev| {
            match (i, ev) {
                (
                    0,
                    Event::Receive {
                        channel, packet, ..
                    },
                ) => {
                    assert_eq!(channel, 2);
                    assert!(packet.data() == big, "100 KiB corrupted");
                    done = true;
                }
                (_, ev) => panic!("unexpected {ev:?}"),
            }
            done
        },
    );
    let big_wire = server.counters().bytes_sent - s0;

    // 200 unsequenced, client -> server.
    for i in 0..200u32 {
        client
            .send(cp, 1, &text(40 + i as usize % 60), PacketFlags::UNSEQUENCED)
            .unwrap();
    }
    let mut unseq = 0;
    pump(
        &mut [&mut server, &mut client],
        LIMIT,
        "200 unsequenced",
        |i, ev| {
            match (i, ev) {
                (
                    0,
                    Event::Receive {
                        channel, packet, ..
                    },
                ) => {
                    assert_eq!((channel, packet.flags()), (1, PacketFlags::UNSEQUENCED));
                    unseq += 1;
                }
                (_, ev) => panic!("unexpected {ev:?}"),
            }
            unseq == 200
        },
    );

    for h in [&server, &client] {
        let c = h.counters();
        assert_eq!((c.rejected, c.decompress_failed), (0, 0), "{mode:?}: {c:?}");
    }
    assert_eq!(client.peer_state(cp), Some(PeerState::Connected));
    eprintln!(
        "{mode:?}: 10,000 messages {payload} B -> {wire} B on the wire; 100 KiB text -> {big_wire} B"
    );
    if mode == CompressionMode::None {
        assert!(wire > payload && big_wire > BIG_U64);
    } else {
        assert!(
            wire < payload,
            "{mode:?} did not compress: {wire} >= {payload}"
        );
        assert!(
            // About 20-50% of the text; retransmissions on a busy machine add some.
            big_wire < BIG_U64 * 9 / 10,
            "{mode:?} did not compress: {big_wire}"
        );
    }
}

#[test]
fn mode_none_full_exchange() {
    full_exchange(CompressionMode::None);
}
#[test]
fn mode_range_coder_full_exchange() {
    full_exchange(CompressionMode::RangeCoder);
}
#[test]
fn mode_fastlz_full_exchange() {
    full_exchange(CompressionMode::FastLz);
}
#[test]
fn mode_zlib_full_exchange() {
    full_exchange(CompressionMode::Zlib);
}
#[test]
fn mode_zstd_full_exchange() {
    full_exchange(CompressionMode::Zstd);
}

/// Every ordered pair of different modes: datagrams one side compressed are refused by the
/// other and counted (`rejected`; `decompress_failed` where the receiver has no compressor or
/// its codec refuses the body: a range decoder reads almost anything and then ENet finds no
/// valid command in it), and messages never get through both ways. As in ENet, a handshake
/// small enough to go out uncompressed can still complete; then the first compressible
/// messages fail.
#[test]
fn a_mode_mismatch_is_refused_and_counted() {
    for a in CompressionMode::ALL {
        for b in CompressionMode::ALL {
            if a != b {
                mismatch(a, b);
            }
        }
    }
}

fn mismatch(server_mode: CompressionMode, client_mode: CompressionMode) {
    let what = format!("server {server_mode:?}, client {client_mode:?}");
    let (mut server, mut client) = (host(4), host(1));
    server.compress_mode(server_mode);
    client.compress_mode(client_mode);
    client
        .connect(at(server.local_port()), CHANNELS, CONNECT_DATA)
        .unwrap();
    let start = std::time::Instant::now();
    let mut received = [0u32; 2];
    let mut refused_at = None;
    loop {
        for (i, h) in [&mut server, &mut client].into_iter().enumerate() {
            while let Some(ev) = h.service(0).expect("service") {
                match ev {
                    // Connected (the handshake went uncompressed): send what must compress.
                    Event::Connect { peer, .. } => {
                        for _ in 0..20 {
                            h.send(peer, 0, &text(200), PacketFlags::RELIABLE).unwrap();
                        }
                    }
                    Event::Receive { .. } => received[i] += 1,
                    Event::Disconnect { .. } => {}
                }
            }
        }
        let (s, c) = (server.counters(), client.counters());
        if refused_at.is_none() && s.rejected + c.rejected > 0 {
            refused_at = Some(std::time::Instant::now());
        }
        if refused_at.is_some_and(|t| t.elapsed() > Duration::from_millis(150)) {
            break;
        }
        assert!(
            start.elapsed() < LIMIT,
            "{what}: nothing refused: {s:?} {c:?}"
        );
        server.service(1).ok();
    }
    let (s, c) = (server.counters(), client.counters());
    assert!(
        received != [20, 20],
        "{what}: messages got through both ways"
    );
    if server_mode == CompressionMode::None {
        assert!(s.decompress_failed > 0, "{what}: {s:?}");
    }
    if client_mode == CompressionMode::None {
        assert!(c.decompress_failed > 0, "{what}: {c:?}");
    }
    assert!(s.decompress_failed <= s.rejected && c.decompress_failed <= c.rejected);
    eprintln!(
        "{what}: received {received:?}; server rejected {} (decompress {}), client rejected {} (decompress {})",
        s.rejected, s.decompress_failed, c.rejected, c.decompress_failed
    );
}

/// Compressed bodies that lie about their size or expand past ENet's 4096-byte buffer, sent
/// from a raw socket as a new connection (peer id 0xFFF, so ENet decompresses before anything
/// else), against a host in each mode with a client attached: each is refused and counted in
/// `decompress_failed`, and the client keeps exchanging reliable messages.
#[test]
fn lying_compressed_bodies_are_dropped_and_counted() {
    for mode in CompressionMode::ALL {
        let (mut server, mut client) = pair(mode);
        let (sp, cp) = connect(&mut server, &mut client, CONNECT_DATA);
        let raw = UdpSocket::bind((LOCAL, 0)).unwrap();
        let bodies = lying_bodies(mode);
        let before = server.counters();
        for body in &bodies {
            // peer id 0xFFF (no peer yet) with the compressed flag (0x4000), no sent time.
            let mut d = vec![0x4F, 0xFF];
            d.extend_from_slice(body);
            raw.send_to(&d, (LOCAL, server.local_port())).unwrap();
        }
        let n = bodies.len() as u64;
        let start = std::time::Instant::now();
        while server.counters().datagrams_received - before.datagrams_received < n {
            assert!(start.elapsed() < LIMIT, "{mode:?}: datagrams not received");
            assert!(server.service(5).unwrap().is_none());
        }
        let after = server.counters();
        assert_eq!(
            after.decompress_failed - before.decompress_failed,
            n,
            "{mode:?}"
        );
        assert_eq!(after.rejected - before.rejected, n, "{mode:?}");
        // The attached client is unaffected.
        for i in 0..100 {
            let (ch, m) = message(i);
            client.send(cp, ch, &m, PacketFlags::RELIABLE).unwrap();
        }
        let mut next = [0u32; CHANNELS];
        let mut got = 0;
        pump(
            &mut [&mut server, &mut client],
            LIMIT,
            "after the lies",
            |i, ev| {
                match (i, ev) {
                    (
                        0,
                        Event::Receive {
                            peer,
                            channel,
                            packet,
                        },
                    ) => {
                        assert_eq!(peer, sp);
                        check_order(&mut next, channel, packet.data());
                        got += 1;
                    }
                    (_, ev) => panic!("unexpected {ev:?}"),
                }
                got == 100
            },
        );
        assert_eq!(client.peer_state(cp), Some(PeerState::Connected));
    }
}

/// Bodies no decoder of `mode` may accept (each decodes to more than 4094 bytes, claims it
/// does, or is not a stream of that codec); under NONE any compressed datagram is refused.
fn lying_bodies(mode: CompressionMode) -> Vec<Vec<u8>> {
    // zlib: 5000 zeros at level 9 (Python: zlib.compress(bytes(5000), 9)), 28 bytes.
    const ZLIB_5000: &str = "78daedc13101000000c2a0f54f6d0a3fa00000000080b70113880001";
    // zstd: 100,000 zeros at level 3 with its content size (python-zstandard 0.25), 22 bytes.
    const ZSTD_100000: &str = "28b52ffda0a086010055000010000001009b8639c002";
    let hex = |s: &str| -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    };
    // zstd frame, 8-byte content size claiming 2^40 bytes, one raw block of 8 bytes.
    let mut zstd_tb = vec![0x28, 0xB5, 0x2F, 0xFD, 0xC0, 0x00];
    zstd_tb.extend_from_slice(&(1u64 << 40).to_le_bytes());
    zstd_tb.extend_from_slice(&((8u32 << 3) | 1).to_le_bytes()[..3]);
    zstd_tb.extend_from_slice(b"ABCDEFGH");
    // FastLZ level 1: one literal, then 20 matches of 262 bytes at distance 1 (5241 bytes).
    let mut fastlz = vec![0x00, b'z'];
    for _ in 0..20 {
        fastlz.extend_from_slice(&[0xE0, 0xFD, 0x00]);
    }
    // ENet's range coder over 6000 bytes of text: a valid stream, 6000 > 4094.
    let mut rc = rusty_enet::RangeCoder::new();
    let src = text(6000);
    let mut out = vec![0u8; 8000];
    let n = rusty_enet::Compressor::compress(&mut rc, &[&src], src.len(), &mut out);
    assert!(n > 0);
    out.truncate(n);
    let all = vec![hex(ZLIB_5000), hex(ZSTD_100000), zstd_tb, fastlz, out];
    match mode {
        CompressionMode::None => all,
        CompressionMode::RangeCoder => all[4..].to_vec(),
        CompressionMode::FastLz => all[3..4].to_vec(),
        CompressionMode::Zlib => all[..1].to_vec(),
        CompressionMode::Zstd => all[1..3].to_vec(),
    }
}

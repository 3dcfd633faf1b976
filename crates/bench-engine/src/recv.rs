//! The engine's receive ceiling: what a receiving core spends per packet when the engine's
//! `PacketPeerUdp` is driven with no JS at all, exactly as the binding drives it for
//! `takePackets`: `wait_sync` for readiness, then `take_packets` (recvmmsg into the bounded
//! Godot-accounted queue, then as many packets as fit copied into one buffer) until empty. Measured like
//! every other receiver: warm-up after the first packet, a fixed window, CPU per packet, loss
//! from the sender's sequence numbers.

use std::time::Instant;

use godot_udp_engine::codes::OK;
use godot_udp_engine::{PacketPeerUdp, META_WORDS};

use crate::args::{loopback, Args};
use crate::clock::{cpu_us, since_us};

/// The same buffers the JS facade hands `takePackets`: 256 KiB of payloads, 512 packets.
const DATA_BYTES: usize = 256 * 1024;
const MAX_PACKETS: usize = 512;

pub fn run(args: &Args) -> i32 {
    let host = args.str("--host", "127.0.0.1");
    loopback(host);
    let port = args.num("--port", 0.0) as i64;
    let warmup = args.num("--warmup-ms", 500.0) * 1e3;
    let window = args.num("--window-ms", 2000.0) * 1e3;
    let idle = args.num("--idle-ms", 5000.0) * 1e3;
    let queue_bytes = args.num("--queue", (4 << 20) as f64) as i64;

    let mut peer = PacketPeerUdp::new();
    let code = peer.bind(port, host, queue_bytes, false);
    if code != OK {
        eprintln!("bench-engine recv: bind failed ({code})");
        return 2;
    }
    println!("READY {}", peer.local_port());

    let mut data = vec![0u8; DATA_BYTES];
    let mut meta = vec![0u32; MAX_PACKETS * META_WORDS];
    let (mut count, mut calls) = (0u64, 0u64);
    let mut seq = 0u32;
    // phase 0: waiting for the first packet, 1: warm-up, 2: window
    let mut phase = 0;
    let start = Instant::now();
    let (mut t_first, mut t_win, mut cpu_win) = (start, start, 0.0);
    let (mut count_win, mut seq_win, mut dropped_win) = (0u64, 0u32, 0u64);
    let dropped = |p: &mut PacketPeerUdp| p.stats().packets_dropped;
    let mut last_rx = Instant::now();
    loop {
        let level = peer.wait_sync(50);
        if level == OK {
            calls += 1;
            loop {
                let n = peer.take_packets(&mut data, &mut meta);
                if n < 0 {
                    eprintln!("bench-engine recv: read error");
                    return 2;
                }
                if n == 0 {
                    break;
                }
                let n = n as usize;
                count += n as u64;
                let last = &meta[(n - 1) * META_WORDS..];
                let (at, len) = (last[0] as usize, last[1] as usize);
                if len >= 4 {
                    seq = u32::from_le_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]);
                }
            }
            last_rx = Instant::now();
        }
        let now = Instant::now();
        if phase == 0 && count > 0 {
            phase = 1;
            t_first = now;
        }
        if phase == 1 && since_us(t_first) >= warmup {
            phase = 2;
            t_win = now;
            cpu_win = cpu_us();
            count_win = count;
            seq_win = seq;
            dropped_win = dropped(&mut peer);
            calls = 0;
        }
        if phase == 2 && since_us(t_win) >= window {
            break;
        }
        if since_us(last_rx) > idle {
            eprintln!(
                "bench-engine recv: no packet for {} ms (phase {phase})",
                idle / 1e3
            );
            println!("{{\"impl\":\"rust-engine\",\"error\":\"idle\",\"packets\":{count}}}");
            return 1;
        }
    }
    let secs = since_us(t_win) / 1e6;
    let cpu = cpu_us() - cpu_win;
    let got = count - count_win;
    let span = seq.wrapping_sub(seq_win);
    println!(
        "{{\"impl\":\"rust-engine\",\"packets\":{got},\"seconds\":{secs:.4},\"pps\":{:.0},\"cpuUs\":{cpu:.0},\
         \"cpuUsPerPacket\":{:.4},\"seqSpan\":{span},\"loss\":{:.5},\"queueDrops\":{},\"packetsPerCall\":{:.2}}}",
        got as f64 / secs,
        if got > 0 { cpu / got as f64 } else { 0.0 },
        if span > 0 { (1.0 - got as f64 / span as f64).max(0.0) } else { 0.0 },
        dropped(&mut peer) - dropped_win,
        if calls > 0 { got as f64 / calls as f64 } else { 0.0 },
    );
    0
}

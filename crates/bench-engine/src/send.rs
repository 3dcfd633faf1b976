//! The load generator of every receive benchmark, and the engine's batch send measured on its
//! own: `--batch` equal-sized datagrams per `PacketPeerUdp::put_packets` call on a peer connected
//! with `connect_to_host` (UDP GSO, sendmmsg where the kernel refuses GSO: the engine decides).
//! Each datagram carries a little-endian u32 sequence number. Stops after `--duration-ms` or
//! `--count` packets; `--pps` paces.

use std::time::{Duration, Instant};

use godot_udp_engine::codes::OK;
use godot_udp_engine::PacketPeerUdp;

use crate::args::{loopback, Args};
use crate::clock::{cpu_us, since_us};

const MAX_BATCH: usize = 1024;

pub fn run(args: &Args) -> i32 {
    let host = args.str("--host", "127.0.0.1");
    loopback(host);
    let port = args.num("--port", 0.0) as i64;
    let size = (args.num("--size", 32.0) as usize).clamp(4, 65507);
    let batch = (args.num("--batch", 64.0) as usize).clamp(1, MAX_BATCH);
    let duration = args.num("--duration-ms", 3000.0) * 1e3;
    let limit = args.num("--count", 0.0) as u64;
    let pps = args.num("--pps", 0.0);
    // `--var 1`: each datagram is a Godot Variant, an INT header then the sequence number as the
    // 32-bit value (the rest is padding the decoder ignores), for receivers reading with getVar.
    let var = args.num("--var", 0.0) != 0.0;
    let at = if var { 4 } else { 0 };

    let mut peer = PacketPeerUdp::new();
    let code = peer.connect_to_host(host, port);
    if code != OK {
        eprintln!("bench-engine send: connect_to_host failed ({code})");
        return 2;
    }

    let mut buf = vec![0u8; batch * size.max(at + 4)];
    let size = size.max(at + 4);
    if var {
        for chunk in buf.chunks_mut(size) {
            chunk[..4].copy_from_slice(&[2, 0, 0, 0]);
        }
    }
    let t0 = Instant::now();
    let c0 = cpu_us();
    let (mut failed_calls, mut calls) = (0u64, 0u64);
    let mut seq = 0u32;
    let mut sent = 0u64;
    loop {
        let n = if limit > 0 {
            batch.min((limit - sent) as usize)
        } else {
            batch
        };
        let before = peer.stats().packets_sent;
        for chunk in buf.chunks_mut(size).take(n) {
            chunk[at..at + 4].copy_from_slice(&seq.to_le_bytes());
            seq = seq.wrapping_add(1);
        }
        let mut slices: [&[u8]; MAX_BATCH] = [&[]; MAX_BATCH];
        for (slot, chunk) in slices.iter_mut().zip(buf.chunks(size)).take(n) {
            *slot = chunk;
        }
        let code = peer.put_packets(&slices[..n]);
        calls += 1;
        sent = peer.stats().packets_sent;
        if code != OK {
            // e.g. ECONNREFUSED once the receiver has finished its window: keep the sequence
            // numbers dense and do not spin on a dead destination.
            failed_calls += 1;
            seq = seq.wrapping_sub((n as u64 - (sent - before)) as u32);
            std::thread::sleep(Duration::from_micros(200));
        }
        if (limit > 0 && sent >= limit) || since_us(t0) >= duration {
            break;
        }
        if pps > 0.0 {
            let due = sent as f64 / pps * 1e6;
            let now = since_us(t0);
            if due > now {
                std::thread::sleep(Duration::from_micros((due - now) as u64));
            }
        }
    }
    let secs = since_us(t0) / 1e6;
    let cpu = cpu_us() - c0;
    println!(
        "{{\"impl\":\"rust-engine-send\",\"packets\":{sent},\"failedCalls\":{failed_calls},\"calls\":{calls},\
         \"seconds\":{secs:.4},\"pps\":{:.0},\"cpuUs\":{cpu:.0},\"cpuUsPerPacket\":{:.4}}}",
        sent as f64 / secs,
        if sent > 0 { cpu / sent as f64 } else { 0.0 },
    );
    0
}

//! Shared by the ours<->ours tests: hosts on 127.0.0.1, a pump that services several hosts on
//! one thread until a condition holds or a deadline passes, ordered test messages, and the
//! process's RSS and open descriptors (Linux /proc; None elsewhere).

#![allow(dead_code)]

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use godot_udp_enet::{EnetAddress, EnetHost, Event, HostConfig};

pub const LOCAL: &str = "127.0.0.1";
pub const CHANNELS: usize = 3;
/// The 32-bit CONNECT value (Godot's ENetMultiplayerPeer puts the client's id there).
pub const CONNECT_DATA: u32 = 0x4BAD_F00D;

pub fn host(max_peers: usize) -> EnetHost {
    let config = HostConfig {
        max_peers,
        // Room for the bursts a single-threaded pump lets pile up (C ENet asks for 256 KiB).
        os_recv_buf_size: Some(256 << 10),
        ..HostConfig::default()
    };
    EnetHost::create_bound(LOCAL, 0, &config).expect("host")
}

pub fn at(port: u16) -> EnetAddress {
    EnetAddress::v4(Ipv4Addr::LOCALHOST, port)
}

/// Services every host with `service(0)` (and a short wait on the first when nothing
/// happened) and hands each event to `on_event(index, event)` until it returns true. Panics
/// with `what` after `limit`.
pub fn pump(
    hosts: &mut [&mut EnetHost],
    limit: Duration,
    what: &str,
    mut on_event: impl FnMut(usize, Event) -> bool,
) {
    let start = Instant::now();
    loop {
        let mut idle = true;
        for (i, h) in hosts.iter_mut().enumerate() {
            while let Some(ev) = h.service(0).expect("service") {
                idle = false;
                if on_event(i, ev) {
                    return;
                }
            }
        }
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        if idle {
            // Nothing arrived on any host: wait a little on the first one's socket.
            if let Some(ev) = hosts[0].service(1).expect("service") {
                if on_event(0, ev) {
                    return;
                }
            }
        }
    }
}

/// Connects `client` to `server`; returns (server's peer, client's peer).
pub fn connect(
    server: &mut EnetHost,
    client: &mut EnetHost,
    data: u32,
) -> (godot_udp_enet::PeerId, godot_udp_enet::PeerId) {
    let port = server.local_port();
    let cp = client.connect(at(port), CHANNELS, data).expect("slot");
    let mut sp = None;
    let mut client_done = false;
    pump(
        &mut [server, client],
        Duration::from_secs(10),
        "connect",
        |i, ev| {
            match (i, ev) {
                (0, Event::Connect { peer, data: d }) => {
                    assert_eq!(d, data);
                    sp = Some(peer);
                }
                (1, Event::Connect { peer, .. }) => {
                    assert_eq!(peer, cp);
                    client_done = true;
                }
                (_, ev) => panic!("unexpected {ev:?} while connecting"),
            }
            sp.is_some() && client_done
        },
    );
    (sp.unwrap(), cp)
}

/// Message `i` of a run: channel, per-channel sequence number, compressible filler.
pub fn message(i: u32) -> (u8, Vec<u8>) {
    let channel = (i % CHANNELS as u32) as u8;
    let seq = i / CHANNELS as u32;
    let mut m = vec![channel];
    m.extend_from_slice(&seq.to_le_bytes());
    m.extend(std::iter::repeat_n((i % 251) as u8, (i % 40) as usize));
    (channel, m)
}

/// Checks a received message against its channel's order.
pub fn check_order(next: &mut [u32; CHANNELS], channel: u8, data: &[u8]) {
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

/// Text-like bytes (compressible, not trivially): numbered lines.
pub fn text(len: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(len + 64);
    let mut i = 0u32;
    while v.len() < len {
        v.extend_from_slice(format!("line {i}: the quick brown fox {}\n", i * 7 % 13).as_bytes());
        i += 1;
    }
    v.truncate(len);
    v
}

/// A small xorshift generator: reproducible "random" input.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Up to `max - 1` random bytes.
    pub fn some_bytes(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max);
        self.bytes(n)
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// The process's resident set size in KiB (Linux).
pub fn rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The process's open file descriptors (Linux).
pub fn open_fds() -> Option<usize> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count())
}

//! ENet host to host on 127.0.0.1, ours (rusty_enet on the engine's socket) beside upstream C
//! ENet (crates/enet/c-enet), same process, same run, interleaved (C, ours, C, ours, ...):
//! delivered messages per second, loss, and CPU per message. One client host and one server
//! host, each on its own thread; messages go client to server on channel 0 and carry a
//! little-endian u32 sequence number in their first 4 bytes, which the server reads.
//!
//! - **reliable**: the client queues `--batch` messages, services once, and repeats until
//!   `--count` are queued, then services until the server has them all. ENet's own reliable
//!   window paces it.
//! - **unreliable, windowed**: unreliable messages have no flow control, and unpaced they only
//!   measure overload (the kernel drops most of them). So the server reports progress (the
//!   highest sequence number seen + 1) in a reliable message on channel 1 every `--ack-every`
//!   messages, and the client keeps at most `--window` messages beyond the last report in
//!   flight, queueing up to `--batch` at a time. A message lost on the way does not stall the
//!   window (later ones move the highest sequence number past it). The server stops when it has
//!   seen the last sequence number or nothing for 300 ms after the client finished.
//! - **unreliable, unpaced** (`--unpaced`): the old overload row, for reference.
//!
//! Both sides copy each received message out (the C shim does; ours does it too, as a binding
//! hands bytes to JavaScript). CPU is each thread's own run time (/proc/thread-self/schedstat,
//! Linux; "n/a" elsewhere) from the connection to its end; messages/s is what the server
//! received over the time from its first to its last message. CPU per sent message divides by
//! what the client queued, per delivered message by what the server received; they differ only
//! when messages were lost. Medians over `--runs` runs; ratios ours/C of the medians.
//!
//!   cargo run --release -p godot-udp-enet --example bench_vs_c -- [--count N] [--size B]
//!     [--batch N] [--window N] [--ack-every N] [--runs N] [--unpaced] [--only ours|c]

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use godot_udp_enet::{EnetAddress, EnetHost, Event, HostConfig, PacketFlags, PeerId};
use godot_udp_enet_c::{CEvent, CHost, FLAG_RELIABLE};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Reliable,
    Windowed,
    Unpaced,
}

#[derive(Clone, Copy)]
struct Opts {
    count: u64,
    size: usize,
    batch: u64,
    window: u64,
    ack_every: u64,
    mode: Mode,
}

/// What one run measured.
#[derive(Clone, Copy, Default)]
struct Run {
    sent: u64,
    delivered: u64,
    /// Server time from its first to its last message.
    wall: Duration,
    client_cpu: Option<Duration>,
    server_cpu: Option<Duration>,
    /// Times the client's window was full and no report came for 500 ms (then it moved on).
    stalls: u64,
}

fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn cpu_since(start: Option<Duration>) -> Option<Duration> {
    Some(thread_cpu()? - start?)
}

/// What a host must do for the benchmark, for C ENet and ours alike.
trait BenchHost: Send {
    fn bind_server() -> Self;
    fn client() -> Self;
    fn port(&mut self) -> u16;
    fn connect(&mut self, port: u16) -> i32;
    /// Services until no event is left (waiting up to `wait_ms` for the first), handing each
    /// received message (channel, bytes) to `on_receive`; returns the peer that connected, if
    /// one did.
    fn drain(&mut self, wait_ms: u32, on_receive: &mut dyn FnMut(u8, &[u8])) -> Option<i32>;
    fn send(&mut self, peer: i32, channel: u8, data: &[u8], reliable: bool);
}

/// C ENet asks the OS for 256 KiB socket buffers (Godot's socket layer declines); ours gets the
/// same receive buffer here so that both lose the same to the kernel.
fn our_config() -> HostConfig {
    HostConfig {
        os_recv_buf_size: Some(256 * 1024),
        ..HostConfig::default()
    }
}

impl BenchHost for EnetHost {
    fn bind_server() -> Self {
        let cfg = HostConfig {
            max_peers: 4,
            ..our_config()
        };
        EnetHost::create_bound("127.0.0.1", 0, &cfg).expect("our host")
    }
    fn client() -> Self {
        EnetHost::create_bound("127.0.0.1", 0, &our_config()).expect("our host")
    }
    fn port(&mut self) -> u16 {
        self.local_port()
    }
    fn connect(&mut self, port: u16) -> i32 {
        let a = EnetAddress::v4(std::net::Ipv4Addr::LOCALHOST, port);
        EnetHost::connect(self, a, 2, 0).expect("slot").0 as i32
    }
    fn drain(&mut self, wait_ms: u32, on_receive: &mut dyn FnMut(u8, &[u8])) -> Option<i32> {
        let mut connected = None;
        let mut wait = wait_ms;
        while let Some(ev) = self.service(wait).expect("service") {
            wait = 0;
            match ev {
                Event::Receive {
                    packet, channel, ..
                } => {
                    // Copied out, as the binding hands bytes to JavaScript (the C shim copies).
                    let copy = std::hint::black_box(packet.data().to_vec());
                    on_receive(channel, &copy)
                }
                Event::Connect { peer, .. } => connected = Some(peer.0 as i32),
                Event::Disconnect { .. } => {}
            }
        }
        connected
    }
    fn send(&mut self, peer: i32, channel: u8, data: &[u8], reliable: bool) {
        let f = if reliable {
            PacketFlags::RELIABLE
        } else {
            PacketFlags::UNRELIABLE
        };
        let _ = EnetHost::send(self, PeerId(peer as usize), channel, data, f);
    }
}

impl BenchHost for CHost {
    fn bind_server() -> Self {
        CHost::new(Some(("127.0.0.1", 0)), 4, 2, 0, 0).expect("C host")
    }
    fn client() -> Self {
        CHost::new(Some(("127.0.0.1", 0)), 1, 2, 0, 0).expect("C host")
    }
    fn port(&mut self) -> u16 {
        CHost::port(self)
    }
    fn connect(&mut self, port: u16) -> i32 {
        CHost::connect(self, "127.0.0.1", port, 2, 0).expect("slot")
    }
    fn drain(&mut self, wait_ms: u32, on_receive: &mut dyn FnMut(u8, &[u8])) -> Option<i32> {
        let mut connected = None;
        let mut wait = wait_ms;
        while let Some(ev) = self.service(wait).expect("C service") {
            wait = 0;
            match ev {
                // The shim copied the bytes out of ENet's packet already.
                CEvent::Receive { data, channel, .. } => on_receive(channel, &data),
                CEvent::Connect { peer, .. } => connected = Some(peer),
                CEvent::Disconnect { .. } => {}
            }
        }
        connected
    }
    fn send(&mut self, peer: i32, channel: u8, data: &[u8], reliable: bool) {
        let flags = if reliable { FLAG_RELIABLE } else { 0 };
        CHost::send(self, peer, channel, data, flags);
    }
}

fn seq_of(data: &[u8]) -> u64 {
    data.get(..4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64)
}

/// The server: counts messages on channel 0, reports progress when windowed.
fn server<H: BenchHost>(o: Opts, port: &AtomicU16, done: &AtomicBool, cd: &AtomicBool) -> Run {
    let mut h = H::bind_server();
    // One empty pass before anyone knows the port: one-time set-up (ours: the engine's
    // per-thread receive scratch, 4 MiB) stays out of the per-message figures, as it does
    // for the client, which is serviced while connecting.
    h.drain(0, &mut |_, _| {});
    port.store(h.port(), Ordering::SeqCst);
    // Messages, highest sequence number + 1.
    let (got, next) = (Cell::new(0u64), Cell::new(0u64));
    let mut count = |ch: u8, data: &[u8]| {
        if ch == 0 {
            got.set(got.get() + 1);
            next.set(next.get().max(seq_of(data) + 1));
        }
    };
    // The first messages may come in the same pass as the connection, so CPU counts from here.
    let cpu0 = thread_cpu();
    let peer = loop {
        if let Some(p) = h.drain(100, &mut count) {
            break p;
        }
    };
    let (mut first, mut last) = (None::<Instant>, Instant::now());
    let mut reported = 0u64;
    let t0 = Instant::now();
    loop {
        let before = got.get();
        h.drain(1, &mut count);
        let (got, next) = (got.get(), next.get());
        if got > before || (got > 0 && first.is_none()) {
            last = Instant::now();
            first.get_or_insert(last);
        }
        let end = got >= o.count || next >= o.count;
        // Every `ack_every`, and whenever a pass found nothing new (the rest of the window may
        // have been lost: the client must not wait for a threshold that never comes).
        let idle = got == before || end;
        if o.mode == Mode::Windowed && (next >= reported + o.ack_every || (idle && next > reported))
        {
            reported = next;
            h.send(peer, 1, &(next as u32).to_le_bytes(), true);
        }
        if end {
            break;
        }
        // Unreliable: whatever was not delivered 300 ms after the client finished is lost.
        let quiet = last.elapsed() > Duration::from_millis(300);
        if quiet && (cd.load(Ordering::SeqCst) || t0.elapsed() > Duration::from_secs(60)) {
            break;
        }
    }
    let server_cpu = cpu_since(cpu0);
    done.store(true, Ordering::SeqCst);
    // Keep acknowledging until the client has seen everything acknowledged and stops.
    let deadline = Instant::now() + Duration::from_secs(2);
    while !cd.load(Ordering::SeqCst) && Instant::now() < deadline {
        h.drain(1, &mut |_, _| {});
    }
    Run {
        delivered: got.get().min(o.count),
        wall: last.duration_since(first.unwrap_or(last)),
        server_cpu,
        ..Run::default()
    }
}

/// The client: queues `count` messages, reliable, windowed or unpaced.
fn client<H: BenchHost>(o: Opts, port: &AtomicU16, done: &AtomicBool) -> Run {
    while port.load(Ordering::SeqCst) == 0 {
        thread::yield_now();
    }
    let mut h = H::client();
    let peer = h.connect(port.load(Ordering::SeqCst));
    while h.drain(100, &mut |_, _| {}).is_none() {}
    let mut msg = vec![0x5Au8; o.size.max(4)];
    let cpu0 = thread_cpu();
    let (mut sent, mut stalls) = (0u64, 0u64);
    let acked = Cell::new(0u64);
    let mut progress = Instant::now();
    let reliable = o.mode == Mode::Reliable;
    let mut on_ack = |ch: u8, data: &[u8]| {
        if ch == 1 {
            acked.set(acked.get().max(seq_of(data)));
        }
    };
    while sent < o.count {
        let room = if o.mode == Mode::Windowed {
            (acked.get() + o.window).saturating_sub(sent)
        } else {
            u64::MAX
        };
        let n = o.batch.min(o.count - sent).min(room);
        for _ in 0..n {
            msg[..4].copy_from_slice(&(sent as u32).to_le_bytes());
            h.send(peer, 0, &msg, reliable);
            sent += 1;
        }
        let before = acked.get();
        h.drain(if n == 0 { 1 } else { 0 }, &mut on_ack);
        if acked.get() > before || n > 0 {
            progress = Instant::now();
        } else if progress.elapsed() > Duration::from_millis(500) {
            // The window's messages were all lost: count them so and go on.
            stalls += 1;
            acked.set(sent);
            progress = Instant::now();
        }
    }
    // Reliable: until the server has all (acknowledgements keep flowing); windowed: until the
    // last report or 300 ms without one (the tail was lost); unpaced: a flush and done.
    while o.mode != Mode::Unpaced && !done.load(Ordering::SeqCst) && acked.get() < o.count {
        let before = acked.get();
        h.drain(1, &mut on_ack);
        if acked.get() > before {
            progress = Instant::now();
        } else if o.mode == Mode::Windowed && progress.elapsed() > Duration::from_millis(300) {
            break;
        }
    }
    let client_cpu = cpu_since(cpu0);
    Run {
        sent,
        client_cpu,
        stalls,
        ..Run::default()
    }
}

fn run<H: BenchHost + 'static>(o: Opts) -> Run {
    let port = Arc::new(AtomicU16::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let client_done = Arc::new(AtomicBool::new(false));
    let (p, d, cd) = (port.clone(), done.clone(), client_done.clone());
    let s = thread::spawn(move || server::<H>(o, &p, &d, &cd));
    let c = thread::spawn(move || {
        let r = client::<H>(o, &port, &done);
        client_done.store(true, Ordering::SeqCst);
        r
    });
    let (c, s) = (c.join().unwrap(), s.join().unwrap());
    Run {
        sent: c.sent,
        client_cpu: c.client_cpu,
        stalls: c.stalls,
        ..s
    }
}

/// The figures of one run: rate, delivered %, then client/sent, server/delivered,
/// both/sent, both/delivered in ns of CPU.
const FIGURES: usize = 6;

fn figures(r: &Run) -> [f64; FIGURES] {
    let ns = |c: Option<Duration>| c.map_or(f64::NAN, |c| c.as_nanos() as f64);
    let (c, s) = (ns(r.client_cpu), ns(r.server_cpu));
    let (sent, got) = (r.sent.max(1) as f64, r.delivered.max(1) as f64);
    [
        r.delivered as f64 / r.wall.as_secs_f64().max(1e-9),
        r.delivered as f64 / sent * 100.0,
        c / sent,
        s / got,
        (c + s) / sent,
        (c + s) / got,
    ]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn show(v: f64) -> String {
    if v.is_nan() {
        "n/a".into()
    } else {
        format!("{v:.0}")
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, def: u64| -> u64 {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map_or(def, |v| v.parse().expect("a number"))
    };
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1).cloned());
    let runs = arg("--runs", 3).max(1);
    let base = Opts {
        count: arg("--count", 200_000).clamp(1, u32::MAX as u64 - 1),
        size: arg("--size", 64).max(4) as usize,
        batch: arg("--batch", 1000).max(1),
        window: arg("--window", 1000).max(1),
        ack_every: arg("--ack-every", 100).max(1),
        mode: Mode::Reliable,
    };
    println!(
        "ENet host to host on 127.0.0.1: {} x {}-byte messages, batches of {}, channel 0; \
         unreliable windowed: at most {} in flight, a progress report every {}; \
         median of {runs} runs (interleaved C, ours)",
        base.count, base.size, base.batch, base.window, base.ack_every
    );
    println!(
        "| kind | impl | delivered msg/s | delivered | client CPU ns/sent | server CPU ns/delivered | both ns/sent | both ns/delivered | stalls |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut modes = vec![Mode::Reliable, Mode::Windowed];
    if args.iter().any(|a| a == "--unpaced") {
        modes.push(Mode::Unpaced);
    }
    for mode in modes {
        let o = Opts { mode, ..base };
        let kind = match mode {
            Mode::Reliable => "reliable",
            Mode::Windowed => "unreliable, windowed",
            Mode::Unpaced => "unreliable, unpaced",
        };
        // [impl][figure] over runs.
        let mut m: [[Vec<f64>; FIGURES]; 2] = Default::default();
        let mut stalls = [0u64; 2];
        for _ in 0..runs {
            for i in 0..2 {
                let r = match (i, only.as_deref()) {
                    (0, Some("ours")) | (1, Some("c")) => continue,
                    (0, _) => run::<CHost>(o),
                    _ => run::<EnetHost>(o),
                };
                stalls[i] += r.stalls;
                for (k, v) in figures(&r).into_iter().enumerate() {
                    m[i][k].push(v);
                }
            }
        }
        let med: Vec<[f64; FIGURES]> = m
            .iter()
            .map(|x| std::array::from_fn(|k| median(x[k].clone())))
            .collect();
        for (i, name) in ["C ENet", "ours"].into_iter().enumerate() {
            let v = med[i];
            if v[0].is_nan() {
                continue;
            }
            println!(
                "| {kind} | {name} | {} | {:.1}% | {} | {} | {} | {} | {} |",
                show(v[0]),
                v[1],
                show(v[2]),
                show(v[3]),
                show(v[4]),
                show(v[5]),
                stalls[i]
            );
        }
        let r = |k: usize| med[1][k] / med[0][k];
        if !r(0).is_nan() {
            println!(
                "| {kind} | ours/C | {:.2}x | | {:.2}x | {:.2}x | {:.2}x | {:.2}x | |",
                r(0),
                r(2),
                r(3),
                r(4),
                r(5)
            );
        }
    }
}

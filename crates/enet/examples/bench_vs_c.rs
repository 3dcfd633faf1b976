//! ENet host to host on 127.0.0.1, ours (rusty_enet on the engine's socket) beside upstream C
//! ENet (crates/enet/c-enet), same process, same run: messages per second and CPU per message,
//! reliable and unreliable. One client host and one server host, each on its own thread; the
//! client queues `--batch` messages, services once, and repeats until `--count` are queued,
//! then services until the server has them all (reliable) or has seen nothing for 300 ms
//! (unreliable, which ENet and the kernel may drop). Both sides copy each received message out
//! (the C shim does; ours does it too, as a binding hands bytes to JavaScript).
//!
//!   cargo run --release -p godot-udp-enet --example bench_vs_c -- [--count N] [--size B]
//!     [--batch N] [--runs N]
//!
//! CPU is the thread's own run time (/proc/thread-self/schedstat, Linux; "n/a" elsewhere).

use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use godot_udp_enet::{EnetAddress, EnetHost, Event, HostConfig, PacketFlags};
use godot_udp_enet_c::{CEvent, CHost, FLAG_RELIABLE};

#[derive(Clone, Copy)]
struct Opts {
    count: u64,
    size: usize,
    batch: u64,
    reliable: bool,
}

/// What a side measured: messages handled, its CPU time, its wall time.
#[derive(Clone, Copy, Default)]
struct Side {
    messages: u64,
    cpu: Option<Duration>,
    wall: Duration,
}

fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn cpu_since(start: Option<Duration>) -> Option<Duration> {
    Some(thread_cpu()? - start?)
}

/// The two things a host must do for the benchmark, for C ENet and ours alike.
trait BenchHost: Send {
    fn bind_server() -> Self;
    fn client() -> Self;
    fn port(&mut self) -> u16;
    fn connect(&mut self, port: u16) -> i32;
    /// Services until no event is left (waiting up to `wait_ms` for the first); counts
    /// received messages; returns whether a Connect happened.
    fn drain(&mut self, wait_ms: u32, received: &mut u64) -> bool;
    fn send(&mut self, peer: i32, data: &[u8], reliable: bool);
}

impl BenchHost for EnetHost {
    fn bind_server() -> Self {
        let cfg = HostConfig {
            max_peers: 4,
            ..HostConfig::default()
        };
        EnetHost::create_bound("127.0.0.1", 0, &cfg).expect("our host")
    }
    fn client() -> Self {
        EnetHost::create_bound("127.0.0.1", 0, &HostConfig::default()).expect("our host")
    }
    fn port(&mut self) -> u16 {
        self.local_port()
    }
    fn connect(&mut self, port: u16) -> i32 {
        let a = EnetAddress::v4(std::net::Ipv4Addr::LOCALHOST, port);
        EnetHost::connect(self, a, 1, 0).expect("slot").0 as i32
    }
    fn drain(&mut self, wait_ms: u32, received: &mut u64) -> bool {
        let mut connected = false;
        let mut wait = wait_ms;
        while let Some(ev) = self.service(wait).expect("service") {
            wait = 0;
            match ev {
                Event::Receive { packet, .. } => {
                    std::hint::black_box(packet.data().to_vec());
                    *received += 1;
                }
                Event::Connect { .. } => connected = true,
                Event::Disconnect { .. } => {}
            }
        }
        connected
    }
    fn send(&mut self, peer: i32, data: &[u8], reliable: bool) {
        let f = if reliable {
            PacketFlags::RELIABLE
        } else {
            PacketFlags::UNRELIABLE
        };
        let _ = EnetHost::send(self, godot_udp_enet::PeerId(peer as usize), 0, data, f);
    }
}

impl BenchHost for CHost {
    fn bind_server() -> Self {
        CHost::new(Some(("127.0.0.1", 0)), 4, 1, 0, 0).expect("C host")
    }
    fn client() -> Self {
        CHost::new(Some(("127.0.0.1", 0)), 1, 1, 0, 0).expect("C host")
    }
    fn port(&mut self) -> u16 {
        CHost::port(self)
    }
    fn connect(&mut self, port: u16) -> i32 {
        CHost::connect(self, "127.0.0.1", port, 1, 0).expect("slot")
    }
    fn drain(&mut self, wait_ms: u32, received: &mut u64) -> bool {
        let mut connected = false;
        let mut wait = wait_ms;
        while let Some(ev) = self.service(wait).expect("C service") {
            wait = 0;
            match ev {
                CEvent::Receive { data, .. } => {
                    std::hint::black_box(data);
                    *received += 1;
                }
                CEvent::Connect { .. } => connected = true,
                CEvent::Disconnect { .. } => {}
            }
        }
        connected
    }
    fn send(&mut self, peer: i32, data: &[u8], reliable: bool) {
        CHost::send(
            self,
            peer,
            0,
            data,
            if reliable { FLAG_RELIABLE } else { 0 },
        );
    }
}

/// One measurement: (client, server).
fn run<H: BenchHost + 'static>(o: Opts) -> (Side, Side) {
    let port = Arc::new(AtomicU16::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let client_done = Arc::new(AtomicBool::new(false));
    let (p, d, cd) = (port.clone(), done.clone(), client_done.clone());
    let server = thread::spawn(move || {
        let mut h = H::bind_server();
        p.store(h.port(), Ordering::SeqCst);
        let mut got = 0u64;
        while !h.drain(100, &mut got) {}
        let (cpu0, t0) = (thread_cpu(), Instant::now());
        let mut last = Instant::now();
        loop {
            let before = got;
            h.drain(1, &mut got);
            if got > before {
                last = Instant::now();
            }
            if got >= o.count {
                break;
            }
            // Unreliable: whatever was not delivered 300 ms after the client finished is lost.
            let quiet = last.elapsed() > Duration::from_millis(300);
            if quiet && (cd.load(Ordering::SeqCst) || t0.elapsed() > Duration::from_secs(60)) {
                break;
            }
        }
        let wall = last.duration_since(t0);
        let cpu = cpu_since(cpu0);
        d.store(true, Ordering::SeqCst);
        // Keep acknowledging until the client has seen everything acknowledged and stops.
        let deadline = Instant::now() + Duration::from_secs(2);
        while !cd.load(Ordering::SeqCst) && Instant::now() < deadline {
            h.drain(1, &mut got);
        }
        Side {
            messages: got.min(o.count),
            cpu,
            wall,
        }
    });
    let client = thread::spawn(move || {
        while port.load(Ordering::SeqCst) == 0 {
            thread::yield_now();
        }
        let mut h = H::client();
        let peer = h.connect(port.load(Ordering::SeqCst));
        let mut ignored = 0;
        while !h.drain(100, &mut ignored) {}
        let msg = vec![0x5Au8; o.size];
        let (cpu0, t0) = (thread_cpu(), Instant::now());
        let mut sent = 0;
        while sent < o.count {
            for _ in 0..o.batch.min(o.count - sent) {
                h.send(peer, &msg, o.reliable);
                sent += 1;
            }
            h.drain(0, &mut ignored);
        }
        // Reliable: until the server has all (acknowledgements keep flowing); unreliable: a
        // flush and done.
        while o.reliable && !done.load(Ordering::SeqCst) {
            h.drain(1, &mut ignored);
        }
        let side = Side {
            messages: sent,
            cpu: cpu_since(cpu0),
            wall: t0.elapsed(),
        };
        client_done.store(true, Ordering::SeqCst);
        side
    });
    (client.join().unwrap(), server.join().unwrap())
}

fn ns_per(cpu: Option<Duration>, n: u64) -> Option<f64> {
    cpu.map(|c| c.as_nanos() as f64 / n.max(1) as f64)
}

fn show(x: Option<f64>) -> String {
    x.map_or("n/a".into(), |v| format!("{v:.0}"))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, def: u64| -> u64 {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map_or(def, |v| v.parse().expect("a number"))
    };
    let runs = arg("--runs", 3).max(1);
    let base = Opts {
        count: arg("--count", 200_000),
        size: arg("--size", 64) as usize,
        batch: arg("--batch", 1000).max(1),
        reliable: true,
    };
    println!(
        "ENet host to host on 127.0.0.1: {} x {}-byte messages, batches of {}, channel 0; median of {runs} runs (interleaved C, ours)",
        base.count, base.size, base.batch
    );
    println!("| kind | impl | messages/s | delivered | client CPU ns/msg | server CPU ns/msg |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for reliable in [true, false] {
        let o = Opts { reliable, ..base };
        let kind = if reliable { "reliable" } else { "unreliable" };
        // [impl][metric] over runs: rate, delivered, client ns, server ns
        let mut m: [[Vec<f64>; 4]; 2] = Default::default();
        for _ in 0..runs {
            for (i, (c, s)) in [run::<CHost>(o), run::<EnetHost>(o)]
                .into_iter()
                .enumerate()
            {
                let rate = s.messages as f64 / s.wall.as_secs_f64().max(1e-9);
                m[i][0].push(rate);
                m[i][1].push(s.messages as f64 / o.count as f64 * 100.0);
                m[i][2].push(ns_per(c.cpu, c.messages).unwrap_or(f64::NAN));
                m[i][3].push(ns_per(s.cpu, s.messages).unwrap_or(f64::NAN));
            }
        }
        let med: Vec<[f64; 4]> = m
            .iter()
            .map(|x| std::array::from_fn(|k| median(x[k].clone())))
            .collect();
        for (i, name) in ["C ENet", "ours"].into_iter().enumerate() {
            let v = med[i];
            let ok = |x: f64| (!x.is_nan()).then_some(x);
            println!(
                "| {kind} | {name} | {:.0} | {:.1}% | {} | {} |",
                v[0],
                v[1],
                show(ok(v[2])),
                show(ok(v[3]))
            );
        }
        let r = |k: usize| med[1][k] / med[0][k];
        println!(
            "| {kind} | ours/C | {:.2}x | | {:.2}x | {:.2}x |",
            r(0),
            r(2),
            r(3)
        );
    }
}

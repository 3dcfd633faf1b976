//! bench-engine: godot-udp's engine benchmarked without JS. `recv` is the receive ceiling the
//! N-API layer is compared with; `send` is the batched (GSO/sendmmsg) load generator used for
//! every receiver under test, and the engine's batch send figure. Loopback only; every run is
//! bounded in time and prints one JSON line.

mod args;
mod clock;
mod recv;
mod send;

const USAGE: &str = "usage: bench-engine <command> [--name value]...
commands:
  recv   receive ceiling: --host 127.0.0.1 --port 0 --warmup-ms 500 --window-ms 2000 --idle-ms 5000 --queue 4194304
  send   batched load generator: --host 127.0.0.1 --port P --size 32 --batch 64 --duration-ms 3000 --count 0 --pps 0 [--no-gso]";

fn main() {
    let args = args::Args::from_env();
    let code = match args.command() {
        Some("recv") => recv::run(&args),
        Some("send") => send::run(&args),
        _ => {
            println!("{USAGE}");
            i32::from(!args.has("--help"))
        }
    };
    std::process::exit(code);
}

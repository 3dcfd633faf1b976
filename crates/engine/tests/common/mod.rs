//! Helpers for the loopback tests: bounded waits, raw senders.
#![allow(dead_code)]

use std::net::UdpSocket as StdUdp;
use std::time::{Duration, Instant};

use godot_udp_engine::codes::{FAILED, OK};
use godot_udp_engine::PacketPeerUdp;

pub const DEADLINE: Duration = Duration::from_secs(5);

/// The loopback interface's name, as multicast calls take it.
#[cfg(target_os = "linux")]
pub const LO: &str = "lo";
#[cfg(windows)]
pub const LO: &str = "Loopback Pseudo-Interface 1";
#[cfg(all(unix, not(target_os = "linux")))]
pub const LO: &str = "lo0";

/// Drains until at least `n` packets are queued (or the deadline passes); returns the count.
pub fn wait_count(p: &mut PacketPeerUdp, n: i32) -> i32 {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let c = p.get_available_packet_count();
        if c >= n || c < 0 || Instant::now() >= deadline {
            return c;
        }
        p.wait_sync(20);
    }
}

/// The next packet with its sender, waiting up to the deadline.
pub fn recv(p: &mut PacketPeerUdp) -> Option<(Vec<u8>, String, u16)> {
    if wait_count(p, 1) < 1 {
        return None;
    }
    let data = p.get_packet(|a, b| [a, b].concat()).ok()?;
    Some((data, p.packet_ip(), p.packet_port()))
}

/// A peer bound to `addr` on an OS-chosen port; returns it with the port.
pub fn bound(addr: &str) -> (PacketPeerUdp, u16) {
    let mut p = PacketPeerUdp::new();
    assert_eq!(p.bind(0, addr, 65536, false), OK, "bind {addr}");
    let port = p.local_port();
    (p, port)
}

/// A peer aimed at `addr:port` (socket opened on first send).
pub fn sender(addr: &str, port: u16) -> PacketPeerUdp {
    let mut p = PacketPeerUdp::new();
    assert_eq!(p.set_dest_address(addr, i64::from(port)), OK);
    p
}

/// A plain OS socket (not under test) bound on loopback.
pub fn raw(addr: &str) -> StdUdp {
    let s = StdUdp::bind((addr, 0)).expect("raw socket");
    s.set_read_timeout(Some(DEADLINE)).expect("timeout");
    s
}

/// Sends `marker` from `from` to `port` and waits until `p` has queued it: everything sent to
/// `p` before the marker over loopback has been delivered (or refused) by then.
pub fn sync_with_marker(p: &mut PacketPeerUdp, to: &str, port: u16, expected_before: i32) -> i32 {
    let s = raw(if to.contains(':') { "::1" } else { "127.0.0.1" });
    s.send_to(b"marker", (to, port)).expect("marker");
    wait_count(p, expected_before + 1)
}

/// qemu-user has no IP_MULTICAST_IF / IPV6_MULTICAST_IF (setsockopt fails with ENOPROTOOPT).
pub const QEMU_NO_MULTICAST_IF: &str =
    "qemu-user does not emulate the IP_MULTICAST_IF/IPV6_MULTICAST_IF socket options (ENOPROTOOPT)";
/// qemu-user has no SO_MEMINFO, so the OS drop counter stays 0.
pub const QEMU_NO_OS_DROP_COUNT: &str =
    "qemu-user does not emulate SO_MEMINFO (ENOPROTOOPT), so the OS drop counter stays 0";

/// Under qemu-user (`GODOT_UDP_EMULATION` is `qemu-<arch>`, set by scripts/cross-test.sh), prints
/// why `test` cannot run there and returns true: the test then returns early. False elsewhere,
/// natively in particular, where every test runs.
pub fn skip_under_qemu(test: &str, reason: &str) -> bool {
    match std::env::var("GODOT_UDP_EMULATION") {
        Ok(emulator) if emulator.starts_with("qemu") => {
            eprintln!("SKIPPED {test} under {emulator}: {reason}");
            true
        }
        _ => false,
    }
}

/// Windows sockets are opened with SIO_UDP_CONNRESET off, as Godot does: no ICMP error is reported.
pub const WINDOWS_NO_ICMP_ERRORS: &str =
    "sockets are opened with SIO_UDP_CONNRESET off, as Godot does, so an ICMP port-unreachable is never reported";
/// wine names the loopback adapter `lo` (the Linux name), not `Loopback Pseudo-Interface 1`.
pub const WINE_LO_NAME: &str =
    "wine names the loopback adapter \"lo\", as Linux does, not \"Loopback Pseudo-Interface 1\" (common::LO)";

/// On Windows (native or under wine), prints why `test` cannot pass there and returns true: the
/// test then returns early. False elsewhere.
pub fn skip_on_windows(test: &str, reason: &str) -> bool {
    if cfg!(windows) {
        eprintln!("SKIPPED {test} on Windows: {reason}");
    }
    cfg!(windows)
}

/// Under wine (`GODOT_UDP_EMULATION=wine`, set by scripts/cross-test.sh), prints why `test`
/// cannot pass there and returns true: the test then returns early. False elsewhere.
pub fn skip_under_wine(test: &str, reason: &str) -> bool {
    let wine = std::env::var("GODOT_UDP_EMULATION").is_ok_and(|e| e == "wine");
    if wine {
        eprintln!("SKIPPED {test} under wine: {reason}");
    }
    wine
}

/// A peer whose ring (recv_buf_size 1024: 2047 usable bytes) holds exactly 16 datagrams of 100
/// bytes, filled to the brim; returns it with a raw sender aimed at it.
pub fn full_queue_of_16() -> (PacketPeerUdp, StdUdp, u16) {
    let mut rx = PacketPeerUdp::new();
    assert_eq!(rx.bind(0, "127.0.0.1", 1024, false), OK);
    let port = rx.local_port();
    let s = raw("127.0.0.1");
    for i in 0..16u8 {
        s.send_to(&[i; 100], ("127.0.0.1", port)).unwrap();
    }
    assert_eq!(wait_count(&mut rx, 16), 16);
    assert_eq!(rx.stats().packets_dropped, 0);
    (rx, s, port)
}

/// A peer connected to a target that sent it `packets` (queued) and then went away: a send from
/// the peer made an ICMP port-unreachable pending on its socket.
pub fn connected_with_icmp_pending(packets: &[&[u8]]) -> PacketPeerUdp {
    let (mut target, tport) = bound("127.0.0.1");
    let mut p = PacketPeerUdp::new();
    assert_eq!(p.connect_to_host("127.0.0.1", i64::from(tport)), OK);
    assert_eq!(p.put_packet(b"hello"), OK);
    let (_, _, pport) = recv(&mut target).expect("hello");
    target.set_dest_address("127.0.0.1", i64::from(pport));
    for packet in packets {
        assert_eq!(target.put_packet(packet), OK);
    }
    let n = packets.len() as i32;
    assert_eq!(wait_count(&mut p, n), n);
    target.close();
    assert_eq!(p.put_packet(b"ping"), OK);
    assert_eq!(p.wait_sync(2000), FAILED);
    p
}

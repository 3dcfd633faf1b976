//! 10,000 connect/disconnect cycles, each with a new client host (a new socket), against one
//! server: open descriptors and RSS stay flat. 127.0.0.1 only, bounded by `pump`'s limits.

mod common;

use std::time::{Duration, Instant};

use common::*;
use godot_udp_enet::{EnetHost, Event, HostConfig, PeerState};

const CYCLES: u32 = 10_000;

#[test]
fn ten_thousand_connect_disconnect_cycles_keep_fds_and_rss_flat() {
    let start = Instant::now();
    let mut server = host(32);
    let mut fds_after_warmup = None;
    let mut rss_after_warmup = None;
    for i in 0..CYCLES {
        let mut client =
            EnetHost::create_bound(LOCAL, 0, &HostConfig::default()).expect("client host");
        let (sp, cp) = connect(&mut server, &mut client, i);
        client.disconnect(cp, i);
        let (mut s_done, mut c_done) = (false, false);
        pump(
            &mut [&mut server, &mut client],
            Duration::from_secs(10),
            "disconnect",
            |h, ev| {
                match (h, ev) {
                    (0, Event::Disconnect { peer, data }) => {
                        assert_eq!((peer, data), (sp, i));
                        s_done = true;
                    }
                    (1, Event::Disconnect { peer, .. }) => {
                        assert_eq!(peer, cp);
                        c_done = true;
                    }
                    (_, ev) => panic!("unexpected {ev:?}"),
                }
                s_done && c_done
            },
        );
        assert_eq!(server.peer_state(sp), Some(PeerState::Disconnected));
        drop(client);
        if i == 999 {
            fds_after_warmup = open_fds();
            rss_after_warmup = rss_kib();
        }
    }
    assert!(server.connected_peers().is_empty());
    let (fds, rss) = (open_fds(), rss_kib());
    eprintln!(
        "{CYCLES} cycles in {:?}: fds {fds_after_warmup:?} after 1,000 -> {fds:?}; RSS {rss_after_warmup:?} KiB -> {rss:?} KiB",
        start.elapsed()
    );
    if let (Some(a), Some(b)) = (fds_after_warmup, fds) {
        // Other tests of this binary run in parallel threads: allow their few sockets.
        assert!(b <= a + 4, "descriptors grew: {a} -> {b}");
    }
    if let (Some(a), Some(b)) = (rss_after_warmup, rss) {
        assert!(b < a + 8 * 1024, "RSS grew: {a} KiB -> {b} KiB");
    }
}

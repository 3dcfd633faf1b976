//! ENet over DTLS, ours against ours on 127.0.0.1 (no independent DTLS+ENet implementation is
//! available here to test against). Every host runs on the test thread, serviced in turn; each
//! test is bounded by DEADLINE and drops its hosts (and sockets) when it ends.
#![cfg(feature = "dtls")]

use std::net::Ipv4Addr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use godot_udp_enet::{
    ClientOptions, CryptoKey, EnetAddress, EnetHost, Event, HostConfig, PacketFlags, PeerId,
    PeerState, ServerOptions, X509Certificate,
};
use godot_udp_engine::codes::{ERR_INVALID_PARAMETER, FAILED, OK};

const DEADLINE: Duration = Duration::from_secs(20);
const NAME: &str = "localhost";
const CONNECT_DATA: u32 = 0x4BAD_F00D;
// PacketPeerDTLS's statuses.
const STATUS_ERROR: i32 = 3;
const STATUS_ERROR_HOSTNAME_MISMATCH: i32 = 4;

fn identity_for(cn: &str) -> (CryptoKey, X509Certificate) {
    let key = CryptoKey::generate_rsa(2048).expect("keygen");
    let cert = X509Certificate::self_signed(
        &key,
        &format!("CN={cn},O=godot-udp tests,C=IT"),
        "20140101000000",
        "20340101000000",
    )
    .unwrap();
    (key, cert)
}

/// One identity for the whole file (RSA key generation is slow in debug builds).
fn identity() -> &'static (CryptoKey, X509Certificate) {
    static ID: OnceLock<(CryptoKey, X509Certificate)> = OnceLock::new();
    ID.get_or_init(|| identity_for(NAME))
}

fn server_options() -> ServerOptions {
    let (key, certificate) = identity().clone();
    ServerOptions { key, certificate }
}

fn trusting(cert: &X509Certificate) -> ClientOptions {
    ClientOptions {
        trusted: Some(cert.clone()),
        ..ClientOptions::default()
    }
}

fn host(max_peers: usize) -> EnetHost {
    let config = HostConfig {
        max_peers,
        ..HostConfig::default()
    };
    EnetHost::create_bound("127.0.0.1", 0, &config).expect("host")
}

fn dtls_server(max_peers: usize) -> (EnetHost, u16) {
    let mut s = host(max_peers);
    let port = s.local_port();
    assert_eq!(s.dtls_server_setup(&server_options()), OK);
    assert_eq!(s.local_port(), port, "the same port, listened on again");
    (s, port)
}

fn dtls_client(hostname: &str, options: &ClientOptions) -> EnetHost {
    let mut c = host(1);
    assert_eq!(c.dtls_client_setup(hostname, options), OK);
    c
}

fn at(port: u16) -> EnetAddress {
    EnetAddress::v4(Ipv4Addr::LOCALHOST, port)
}

/// What a service call gave, owned.
#[derive(Debug, PartialEq)]
enum Ev {
    Connect(PeerId, u32),
    Disconnect(PeerId, u32),
    Receive(PeerId, u8, Vec<u8>, PacketFlags),
    /// `service` failed (Godot's EVENT_ERROR).
    Error,
}

/// Every event `h` has now; waits up to `wait_ms` for the first.
fn drain(h: &mut EnetHost, wait_ms: u32) -> Vec<Ev> {
    let mut out = Vec::new();
    let mut wait = wait_ms;
    loop {
        match h.service(wait) {
            Ok(Some(Event::Connect { peer, data })) => out.push(Ev::Connect(peer, data)),
            Ok(Some(Event::Disconnect { peer, data })) => out.push(Ev::Disconnect(peer, data)),
            Ok(Some(Event::Receive {
                peer,
                channel,
                packet,
            })) => out.push(Ev::Receive(
                peer,
                channel,
                packet.data().to_vec(),
                packet.flags(),
            )),
            Ok(None) => return out,
            Err(_) => {
                out.push(Ev::Error);
                return out;
            }
        }
        wait = 0;
    }
}

/// Services every host in turn, handing each one's events to `on(index, host, events)`, until
/// it returns true; panics at the deadline.
fn run(
    hosts: &mut [&mut EnetHost],
    what: &str,
    mut on: impl FnMut(usize, &mut EnetHost, Vec<Ev>) -> bool,
) {
    let start = Instant::now();
    loop {
        assert!(
            start.elapsed() < DEADLINE,
            "{what}: not within {DEADLINE:?}"
        );
        for (i, h) in hosts.iter_mut().enumerate() {
            let evs = drain(h, 1);
            if on(i, h, evs) {
                return;
            }
        }
    }
}

/// Connects `client` to the server at `port` with `data`; returns (server's peer, client's).
fn connect(server: &mut EnetHost, client: &mut EnetHost, port: u16, data: u32) -> (PeerId, PeerId) {
    let cpeer = client.connect(at(port), 2, data).expect("a peer slot");
    let (mut s_peer, mut c_ok) = (None, false);
    run(&mut [server, client], "connect", |i, _, evs| {
        for ev in evs {
            match (i, ev) {
                (0, Ev::Connect(p, d)) => {
                    assert_eq!(d, data, "the CONNECT data");
                    s_peer = Some(p);
                }
                (1, Ev::Connect(p, _)) => {
                    assert_eq!(p, cpeer);
                    c_ok = true;
                }
                (_, other) => panic!("host {i}: {other:?}"),
            }
        }
        s_peer.is_some() && c_ok
    });
    (s_peer.unwrap(), cpeer)
}

fn message(i: u32) -> (u8, Vec<u8>) {
    let channel = (i % 2) as u8;
    let mut m = vec![channel];
    m.extend_from_slice(&(i / 2).to_le_bytes());
    m.extend(std::iter::repeat_n((i % 251) as u8, (i % 50) as usize));
    (channel, m)
}

fn big(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).rotate_left(7) as u8)
        .collect()
}

#[test]
fn connect_with_data_1000_reliable_on_two_channels_a_100kib_message_and_disconnect() {
    let (mut server, port) = dtls_server(4);
    let mut client = dtls_client(NAME, &trusting(&identity().1));
    let (speer, cpeer) = connect(&mut server, &mut client, port, CONNECT_DATA);
    assert_eq!(server.peer_state(speer), Some(PeerState::Connected));

    const N: u32 = 1000;
    for i in 0..N {
        let (ch, m) = message(i);
        client.send(cpeer, ch, &m, PacketFlags::RELIABLE).unwrap();
    }
    let large = big(100 * 1024);
    server
        .send(speer, 1, &large, PacketFlags::RELIABLE)
        .unwrap();
    let mut next = [0u32; 2];
    let mut got = 0;
    let mut large_back = false;
    let t0 = Instant::now();
    run(
        &mut [&mut server, &mut client],
        "1000 messages",
        |i, _, evs| {
            for ev in evs {
                match (i, ev) {
                    (0, Ev::Receive(p, ch, data, flags)) => {
                        assert_eq!((p, flags), (speer, PacketFlags::RELIABLE));
                        assert_eq!(data[0], ch, "on its channel");
                        let seq = u32::from_le_bytes(data[1..5].try_into().unwrap());
                        assert_eq!(seq, next[ch as usize], "in order on channel {ch}");
                        next[ch as usize] += 1;
                        let (_, want) = message(seq * 2 + u32::from(ch));
                        assert_eq!(data, want);
                        got += 1;
                    }
                    (1, Ev::Receive(p, 1, data, _)) => {
                        assert_eq!(p, cpeer);
                        assert!(data == large, "the 100 KiB message, whole");
                        large_back = true;
                    }
                    (_, other) => panic!("host {i}: {other:?}"),
                }
            }
            got == N && large_back
        },
    );
    eprintln!(
        "over DTLS: {N} reliable messages and 100 KiB in {:?}",
        t0.elapsed()
    );

    // The client disconnects with data; the server sees it.
    client.disconnect(cpeer, 77);
    let (mut s_done, mut c_done) = (false, false);
    run(
        &mut [&mut server, &mut client],
        "disconnect",
        |i, _, evs| {
            for ev in evs {
                match (i, ev) {
                    (0, Ev::Disconnect(p, d)) => {
                        assert_eq!((p, d), (speer, 77));
                        s_done = true;
                    }
                    (1, Ev::Disconnect(p, _)) => {
                        assert_eq!(p, cpeer);
                        c_done = true;
                    }
                    // The server closes the session once its peer is gone: the client's later
                    // services fail, as Godot's do.
                    (1, Ev::Error) => assert!(c_done),
                    (_, other) => panic!("host {i}: {other:?}"),
                }
            }
            s_done && c_done
        },
    );
    let k = server.counters();
    assert_eq!(
        k.datagrams_dropped + k.oversized + k.send_errors,
        0,
        "{k:?}"
    );
    let d = server.dtls_counters().unwrap();
    let stats = d.server.unwrap();
    assert_eq!(stats.handshakes_completed, 1, "{d:?}");
    assert_eq!(d.sessions_refused + d.sessions_timed_out, 0, "{d:?}");
}

#[test]
fn the_server_disconnects_with_data_and_its_session_closes() {
    let (mut server, port) = dtls_server(4);
    let mut client = dtls_client(NAME, &trusting(&identity().1));
    let (speer, cpeer) = connect(&mut server, &mut client, port, 5);
    server
        .send(speer, 0, b"bye soon", PacketFlags::RELIABLE)
        .unwrap();
    server.disconnect_later(speer, 99);
    let (mut got, mut s_done, mut c_done) = (false, false, false);
    run(
        &mut [&mut server, &mut client],
        "disconnect",
        |i, _, evs| {
            for ev in evs {
                match (i, ev) {
                    (0, Ev::Disconnect(p, _)) => {
                        assert_eq!(p, speer);
                        s_done = true;
                    }
                    (1, Ev::Receive(_, 0, data, _)) => {
                        assert_eq!(data, b"bye soon");
                        got = true;
                    }
                    (1, Ev::Disconnect(p, d)) => {
                        assert!(got, "the packet before the DISCONNECT");
                        assert_eq!((p, d), (cpeer, 99));
                        c_done = true;
                    }
                    (1, Ev::Error) => assert!(c_done),
                    (_, other) => panic!("host {i}: {other:?}"),
                }
            }
            s_done && c_done
        },
    );
    // Within the next peer sync the server drops the session of the peer it disconnected.
    run(&mut [&mut server], "session closed", |_, h, _| {
        h.dtls_counters().unwrap().sessions == 0
    });
    let d = server.dtls_counters().unwrap();
    assert_eq!(d.sessions_closed, 1, "{d:?}");
}

#[test]
fn a_plain_enet_client_gets_no_connection_and_its_datagrams_are_counted() {
    let (mut server, port) = dtls_server(4);
    let mut plain = host(1);
    let peer = plain.connect(at(port), 2, 1).unwrap();
    // Its CONNECT and at least one resend reach the server and are refused as not DTLS.
    run(
        &mut [&mut server, &mut plain],
        "refused CONNECTs",
        |_, h, evs| {
            assert!(evs.is_empty(), "{evs:?}");
            h.dtls_counters()
                .is_some_and(|d| d.server.unwrap().not_client_hello >= 2)
        },
    );
    let d = server.dtls_counters().unwrap();
    assert_eq!(d.sessions, 0, "{d:?}");
    assert_eq!(d.server.unwrap().handshakes_started, 0, "{d:?}");
    assert_eq!(
        server.counters().datagrams_received,
        0,
        "nothing reached ENet"
    );
    assert_eq!(plain.peer_state(peer), Some(PeerState::Connecting));
}

#[test]
fn refusing_new_connections_keeps_the_existing_session_working() {
    let (mut server, port) = dtls_server(4);
    let options = trusting(&identity().1);
    let mut a = dtls_client(NAME, &options);
    let (sa, ca) = connect(&mut server, &mut a, port, 10);
    server.refuse_new_connections(true);
    assert!(server.is_refusing_new_connections());

    let mut b = dtls_client(NAME, &options);
    let bpeer = b.connect(at(port), 2, 11).unwrap();
    // B's handshake is dropped at the door (twice: its first try and a resend) while A's
    // messages keep being echoed.
    let mut echoed = 0u32;
    let mut sent = 0u32;
    run(
        &mut [&mut server, &mut a, &mut b],
        "refusal",
        |i, h, evs| {
            for ev in evs {
                match (i, ev) {
                    (0, Ev::Receive(p, ch, data, _)) => {
                        assert_eq!(p, sa);
                        h.send(sa, ch, &data, PacketFlags::RELIABLE).unwrap();
                    }
                    (1, Ev::Receive(_, _, data, _)) => {
                        assert_eq!(data, echoed.to_le_bytes());
                        echoed += 1;
                    }
                    (_, other) => panic!("host {i}: {other:?}"),
                }
            }
            if i == 1 && sent == echoed {
                h.send(ca, 0, &sent.to_le_bytes(), PacketFlags::RELIABLE)
                    .unwrap();
                sent += 1;
            }
            i == 0 && echoed >= 5 && h.dtls_counters().unwrap().datagrams_refused >= 2
        },
    );
    assert_eq!(b.peer_state(bpeer), Some(PeerState::Connecting));
    assert_eq!(server.dtls_counters().unwrap().sessions, 1);

    // Accepting again, B's next try gets through.
    server.refuse_new_connections(false);
    let mut b_connected = false;
    run(
        &mut [&mut server, &mut a, &mut b],
        "B after refusal",
        |i, h, evs| {
            for ev in evs {
                match (i, ev) {
                    (0, Ev::Connect(_, d)) => assert_eq!(d, 11),
                    (2, Ev::Connect(p, _)) => {
                        assert_eq!(p, bpeer);
                        b_connected = true;
                    }
                    // A's last message and its echo, in flight when phase one ended.
                    (0 | 1, Ev::Receive(..)) => {}
                    (_, other) => panic!("host {i}: {other:?} {:?}", h.dtls_counters()),
                }
            }
            b_connected
        },
    );
}

/// Runs a client that cannot complete its handshake; returns its DTLS counters.
fn failing_client(options: &ClientOptions, hostname: &str) -> godot_udp_enet::DtlsCounters {
    let (mut server, port) = dtls_server(4);
    let mut client = dtls_client(hostname, options);
    let peer = client.connect(at(port), 2, 1).unwrap();
    let mut errors = 0;
    run(
        &mut [&mut server, &mut client],
        "a failed handshake",
        |i, _, evs| {
            for ev in evs {
                match (i, ev) {
                    (1, Ev::Error) => errors += 1,
                    (_, other) => panic!("host {i}: {other:?}"),
                }
            }
            errors >= 1
        },
    );
    assert_eq!(client.peer_state(peer), Some(PeerState::Connecting));
    let s = server.dtls_counters().unwrap();
    assert_eq!(s.server.unwrap().handshakes_completed, 0, "{s:?}");
    assert_eq!(server.counters().datagrams_received, 0);
    client.dtls_counters().unwrap()
}

#[test]
fn a_wrong_hostname_fails_the_client_service_with_a_hostname_mismatch() {
    let d = failing_client(&trusting(&identity().1), "not-the-server.example");
    assert_eq!(d.handshakes_failed, 1, "{d:?}");
    assert_eq!(d.last_failure_status, STATUS_ERROR_HOSTNAME_MISMATCH);
}

#[test]
fn an_untrusted_certificate_fails_the_client_service() {
    let (_, other) = identity_for(NAME);
    let d = failing_client(&trusting(&other), NAME);
    assert_eq!(d.handshakes_failed, 1, "{d:?}");
    assert_eq!(d.last_failure_status, STATUS_ERROR);
}

#[test]
fn eight_clients_at_once_on_one_dtls_server() {
    const CLIENTS: usize = 8;
    const EACH: u32 = 50;
    let (mut server, port) = dtls_server(CLIENTS);
    let options = trusting(&identity().1);
    let mut clients: Vec<EnetHost> = (0..CLIENTS).map(|_| dtls_client(NAME, &options)).collect();
    let peers: Vec<PeerId> = clients
        .iter_mut()
        .enumerate()
        .map(|(i, c)| c.connect(at(port), 2, 100 + i as u32).unwrap())
        .collect();
    let mut connected = [false; CLIENTS];
    let mut echoed = [0u32; CLIENTS];
    let mut server_connects = Vec::new();
    {
        let mut hosts: Vec<&mut EnetHost> = std::iter::once(&mut server)
            .chain(clients.iter_mut())
            .collect();
        run(&mut hosts, "8 clients", |i, h, evs| {
            for ev in evs {
                match (i, ev) {
                    (0, Ev::Connect(_, d)) => server_connects.push(d),
                    // Echo, tagged by the client's CONNECT data through the message itself.
                    (0, Ev::Receive(p, ch, data, _)) => {
                        h.send(p, ch, &data, PacketFlags::RELIABLE).unwrap()
                    }
                    (c, Ev::Connect(p, _)) => {
                        assert_eq!(p, peers[c - 1]);
                        connected[c - 1] = true;
                        for n in 0..EACH {
                            let m = [(c as u32).to_le_bytes(), n.to_le_bytes()].concat();
                            h.send(p, 1, &m, PacketFlags::RELIABLE).unwrap();
                        }
                    }
                    (c, Ev::Receive(_, 1, data, _)) => {
                        let who = u32::from_le_bytes(data[..4].try_into().unwrap());
                        let n = u32::from_le_bytes(data[4..8].try_into().unwrap());
                        assert_eq!(who as usize, c, "an echo reached the wrong client");
                        assert_eq!(n, echoed[c - 1], "in order");
                        echoed[c - 1] += 1;
                    }
                    (_, other) => panic!("host {i}: {other:?}"),
                }
            }
            echoed.iter().all(|&n| n == EACH)
        });
    }
    assert!(connected.iter().all(|&c| c));
    server_connects.sort();
    assert_eq!(
        server_connects,
        (100..100 + CLIENTS as u32).collect::<Vec<_>>()
    );
    let d = server.dtls_counters().unwrap();
    assert_eq!(d.sessions, CLIENTS, "{d:?}");
    assert_eq!(d.server.unwrap().handshakes_completed, CLIENTS as u64);
}

#[test]
fn setup_codes_and_the_socket_in_use() {
    // Options without a private key: Godot's ERR_INVALID_PARAMETER, the host untouched.
    let mut h = host(2);
    let before = h.raw_socket();
    let bad = ServerOptions {
        key: CryptoKey::new(),
        certificate: identity().1.clone(),
    };
    assert_eq!(h.dtls_server_setup(&bad), ERR_INVALID_PARAMETER);
    assert!(h.dtls_counters().is_none(), "still plain");
    assert_eq!(h.raw_socket(), before);

    // Set up once; the old readiness is closed, the new one is the socket in use.
    let old = std::sync::Arc::clone(h.readiness());
    let port = h.local_port();
    assert_eq!(h.dtls_server_setup(&server_options()), OK);
    assert_eq!(old.wait_sync(0), godot_udp_engine::codes::ERR_UNCONFIGURED);
    assert_eq!(h.local_port(), port);
    assert_eq!(
        h.readiness().wait_sync(0),
        godot_udp_engine::codes::ERR_TIMEOUT,
        "open and idle"
    );
    // Only a plain host can be upgraded.
    assert_eq!(h.dtls_server_setup(&server_options()), FAILED);
    assert_eq!(h.dtls_client_setup(NAME, &ClientOptions::default()), FAILED);

    let mut c = host(1);
    assert_eq!(c.dtls_client_setup(NAME, &ClientOptions::default()), OK);
    assert_eq!(c.dtls_client_setup(NAME, &ClientOptions::default()), FAILED);
    // Refusal is kept on a plain host and applies to a server set up later.
    let mut r = host(2);
    r.refuse_new_connections(true);
    assert_eq!(r.dtls_server_setup(&server_options()), OK);
    assert!(r.is_refusing_new_connections());
}

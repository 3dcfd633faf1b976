//! Both ends of a DTLS session over loopback, shared by the session and hostile-input tests: an
//! identity, a DTLSServer behind a UDPServer driven Godot's way, a client, and a bounded run loop.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use godot_udp_dtls::peer::*;
use godot_udp_dtls::{
    ClientOptions, CryptoKey, DtlsServer, PacketPeerDtls, ServerOptions, X509Certificate,
};
use godot_udp_engine::codes::OK;
use godot_udp_engine::{PacketPeerUdp, UdpServer};

pub const DEADLINE: Duration = Duration::from_secs(10);

pub fn identity(cn: &str) -> (CryptoKey, X509Certificate) {
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

/// A listening UDPServer with a DTLSServer, and the sessions it accepted (with their UDP peers).
pub struct Server {
    pub udp: UdpServer,
    pub dtls: DtlsServer,
    pub peers: Vec<(PacketPeerUdp, PacketPeerDtls)>,
}

impl Server {
    pub fn new(key: &CryptoKey, cert: &X509Certificate) -> Server {
        let mut udp = UdpServer::new();
        assert_eq!(udp.listen(0, "127.0.0.1", false), OK);
        let mut dtls = DtlsServer::new();
        let options = ServerOptions {
            key: key.clone(),
            certificate: cert.clone(),
        };
        assert_eq!(dtls.setup(&options), OK);
        Server {
            udp,
            dtls,
            peers: Vec::new(),
        }
    }

    pub fn port(&self) -> u16 {
        self.udp.local_port()
    }

    /// Godot's DTLSServer loop: take every new connection, keep those still handshaking.
    pub fn step(&mut self) {
        self.udp.poll();
        while self.udp.is_connection_available() {
            let mut udp = self.udp.take_connection().unwrap();
            let mut dtls = PacketPeerDtls::new();
            self.dtls.take_connection(&mut udp, &mut dtls);
            if dtls.status() == STATUS_HANDSHAKING {
                self.peers.push((udp, dtls));
            }
        }
        for (udp, dtls) in &mut self.peers {
            dtls.poll(udp);
        }
    }
}

pub fn client(
    port: u16,
    hostname: &str,
    options: &ClientOptions,
) -> (PacketPeerUdp, PacketPeerDtls) {
    let mut udp = PacketPeerUdp::new();
    assert_eq!(udp.connect_to_host("127.0.0.1", port as i64), OK);
    let mut dtls = PacketPeerDtls::new();
    assert_eq!(dtls.connect_to_peer(&mut udp, hostname, options), OK);
    assert_eq!(dtls.status(), STATUS_HANDSHAKING);
    (udp, dtls)
}

/// Steps both ends until `done` or the deadline; true when `done`.
pub fn run(
    server: &mut Server,
    c: &mut (PacketPeerUdp, PacketPeerDtls),
    mut done: impl FnMut(&Server, &PacketPeerDtls) -> bool,
) -> bool {
    let end = Instant::now() + DEADLINE;
    while Instant::now() < end {
        c.1.poll(&mut c.0);
        server.step();
        if done(server, &c.1) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    false
}

pub fn trusting(cert: &X509Certificate) -> ClientOptions {
    ClientOptions {
        trusted: Some(cert.clone()),
        ..ClientOptions::default()
    }
}

pub fn get(dtls: &mut PacketPeerDtls) -> Vec<u8> {
    dtls.get_packet(|b| b.to_vec()).unwrap()
}

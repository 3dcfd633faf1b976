//! The ENet host's transport: the engine's UDP socket, its batched receive path into a bounded
//! queue, and counters. ENet pulls one datagram at a time ([`rusty_enet::Socket::receive`]);
//! when the queue is empty one drain (recvmmsg on Linux) refills it. After
//! `dtls_*_setup` the datagrams come from (and go to) a DTLS transport instead
//! (`dtls_transport.rs`), through the same queue and counters.

use std::io;
use std::sync::Arc;

use godot_udp_engine::queue::RecvQueue;
use godot_udp_engine::socket::UdpSocket;
use godot_udp_engine::wait::Readiness;
use godot_udp_engine::{RawSocket, Stats};
use rusty_enet::{PacketReceived, SocketOptions, MTU_MAX};

use crate::address::EnetAddress;

/// Where ENet's datagrams go: the plain socket, or DTLS sessions over a socket of their own.
pub(crate) enum Link {
    Plain(UdpSocket),
    #[cfg(feature = "dtls")]
    Dtls(Box<crate::dtls_transport::DtlsTransport>),
}

pub(crate) struct EngineSocket {
    pub(crate) link: Link,
    pub(crate) queue: RecvQueue,
    pub(crate) stats: Stats,
    /// Datagrams longer than ENet's largest (4096 bytes): never handed to ENet.
    pub(crate) oversized: u64,
    /// Sends the OS refused for want of buffer room (dropped, as C ENet drops them).
    pub(crate) send_would_block: u64,
    /// Sends that failed otherwise (the service call that made them fails).
    pub(crate) send_errors: u64,
    /// Godot's `refuse_new_connections` (acted on by a DTLS server only, as in Godot).
    pub(crate) refusing: bool,
}

impl EngineSocket {
    pub(crate) fn new(sock: UdpSocket, queue_bytes: usize) -> Self {
        EngineSocket {
            link: Link::Plain(sock),
            queue: RecvQueue::with_capacity(queue_bytes),
            stats: Stats::default(),
            oversized: 0,
            send_would_block: 0,
            send_errors: 0,
            refusing: false,
        }
    }

    /// Datagrams the OS dropped for the socket, as of this call (see `UdpSocket::os_drops`). Not
    /// counted for a DTLS link, whose sockets belong to the DTLS layer.
    pub(crate) fn os_dropped(&self) -> u64 {
        match &self.link {
            Link::Plain(sock) => self.stats.os_dropped + sock.os_drops(),
            #[cfg(feature = "dtls")]
            Link::Dtls(_) => self.stats.os_dropped,
        }
    }

    /// Datagrams read from the OS and not yet handed to ENet.
    pub(crate) fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Whether ENet can send to `address` from this socket (its family fits).
    pub(crate) fn can_reach(&self, address: &EnetAddress) -> bool {
        match &self.link {
            Link::Plain(sock) => sock.dest(&address.ip, address.port).is_some(),
            #[cfg(feature = "dtls")]
            Link::Dtls(t) => t.can_reach(address),
        }
    }

    /// Godot's `socket_send`: one datagram outside ENet's protocol (inside the peer's DTLS
    /// session once DTLS is set up, as Godot's socket layer sends it). Ok(false): dropped.
    pub(crate) fn send_raw(&mut self, address: &EnetAddress, data: &[u8]) -> io::Result<bool> {
        match &mut self.link {
            Link::Plain(sock) => sock.try_send_to(data, &address.ip, address.port),
            #[cfg(feature = "dtls")]
            Link::Dtls(t) => t.send(address, data),
        }
    }

    pub(crate) fn local_port(&self) -> u16 {
        match &self.link {
            Link::Plain(sock) => sock.local_port(),
            #[cfg(feature = "dtls")]
            Link::Dtls(t) => t.local_port(),
        }
    }

    /// The socket in use (after DTLS setup: the DTLS transport's). Valid while the host lives
    /// and no further setup replaces it.
    pub(crate) fn raw_socket(&self) -> RawSocket {
        match &self.link {
            Link::Plain(sock) => sock.raw_socket(),
            #[cfg(feature = "dtls")]
            Link::Dtls(t) => t.raw_socket(),
        }
    }

    /// The readiness of the socket in use.
    pub(crate) fn readiness(&self) -> &Arc<Readiness> {
        match &self.link {
            Link::Plain(sock) => sock.readiness(),
            #[cfg(feature = "dtls")]
            Link::Dtls(t) => t.readiness(),
        }
    }

    /// Reads everything the OS holds into the queue; what does not fit is dropped and counted.
    #[cfg_attr(not(feature = "dtls"), allow(clippy::infallible_destructuring_match))]
    fn fill(&mut self) -> io::Result<()> {
        let queue = &mut self.queue;
        let stats = &mut self.stats;
        let oversized = &mut self.oversized;
        let sock = match &mut self.link {
            Link::Plain(sock) => sock,
            #[cfg(feature = "dtls")]
            Link::Dtls(t) => return t.fill(queue, stats, oversized),
        };
        sock.drain(|ip, port, data| {
            if data.len() > MTU_MAX {
                *oversized += 1;
            } else {
                stats.queued(queue.push(ip, port, data), data.len());
            }
        })
    }
}

impl rusty_enet::Socket for EngineSocket {
    type Address = EnetAddress;
    type Error = io::Error;

    /// C ENet asks for 256 KiB socket buffers here; Godot's socket layer declines (its
    /// `set_option` returns -1 for both), and so do we: the OS default, unless the host was
    /// created with `os_recv_buf_size`.
    fn init(&mut self, _socket_options: SocketOptions) -> io::Result<()> {
        Ok(())
    }

    fn send(&mut self, address: EnetAddress, buffer: &[u8]) -> io::Result<usize> {
        // The DTLS transport counts why it did not send (no session yet, handshaking); ENet
        // resends what matters, as over Godot's DTLS sockets.
        let (sent, plain) = match &mut self.link {
            Link::Plain(sock) => (sock.try_send_to(buffer, &address.ip, address.port), true),
            #[cfg(feature = "dtls")]
            Link::Dtls(t) => (t.send(&address, buffer), false),
        };
        match sent {
            Ok(true) => {
                self.stats.sent(buffer.len());
                Ok(buffer.len())
            }
            Ok(false) => {
                if plain {
                    self.send_would_block += 1;
                }
                Ok(0)
            }
            Err(e) => {
                self.send_errors += 1;
                Err(e)
            }
        }
    }

    fn receive(
        &mut self,
        buffer: &mut [u8; MTU_MAX],
    ) -> io::Result<Option<(EnetAddress, PacketReceived)>> {
        if self.queue.is_empty() {
            self.fill()?;
        }
        Ok(self.queue.pop_with(|m, a, b| {
            // Only datagrams of at most MTU_MAX bytes are queued (`fill`).
            buffer[..a.len()].copy_from_slice(a);
            buffer[a.len()..m.len].copy_from_slice(b);
            (
                EnetAddress::new(m.addr, m.port),
                PacketReceived::Complete(m.len),
            )
        }))
    }
}

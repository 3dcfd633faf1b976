//! The ENet host's transport: the engine's UDP socket, its batched receive path into a bounded
//! queue, and counters. ENet pulls one datagram at a time ([`rusty_enet::Socket::receive`]);
//! when the queue is empty one drain (recvmmsg on Linux) refills it.

use std::io;

use godot_udp_engine::queue::RecvQueue;
use godot_udp_engine::socket::UdpSocket;
use godot_udp_engine::Stats;
use rusty_enet::{PacketReceived, SocketOptions, MTU_MAX};

use crate::address::EnetAddress;

pub(crate) struct EngineSocket {
    pub(crate) sock: UdpSocket,
    queue: RecvQueue,
    pub(crate) stats: Stats,
    /// Datagrams longer than ENet's largest (4096 bytes): never handed to ENet.
    pub(crate) oversized: u64,
    /// Sends the OS refused for want of buffer room (dropped, as C ENet drops them).
    pub(crate) send_would_block: u64,
    /// Sends that failed otherwise (the service call that made them fails).
    pub(crate) send_errors: u64,
}

impl EngineSocket {
    pub(crate) fn new(sock: UdpSocket, queue_bytes: usize) -> Self {
        EngineSocket {
            sock,
            queue: RecvQueue::with_capacity(queue_bytes),
            stats: Stats::default(),
            oversized: 0,
            send_would_block: 0,
            send_errors: 0,
        }
    }

    /// Datagrams read from the OS and not yet handed to ENet.
    pub(crate) fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Reads everything the OS holds into the queue; what does not fit is dropped and counted.
    fn fill(&mut self) -> io::Result<()> {
        let queue = &mut self.queue;
        let stats = &mut self.stats;
        let oversized = &mut self.oversized;
        let (r, os_dropped) = self.sock.drain(|ip, port, data| {
            if data.len() > MTU_MAX {
                *oversized += 1;
            } else {
                stats.queued(queue.push(ip, port, data), data.len());
            }
        });
        stats.os_dropped += os_dropped;
        r
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
        match self.sock.try_send_to(buffer, &address.ip, address.port) {
            Ok(true) => {
                self.stats.sent(buffer.len());
                Ok(buffer.len())
            }
            Ok(false) => {
                self.send_would_block += 1;
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

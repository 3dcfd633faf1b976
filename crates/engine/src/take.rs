//! The output side of a take or a lend: [`BatchOut`] writes packets back to back with their
//! metadata words, and [`DirectTake`] routes the datagrams of a take from an empty queue straight
//! to it (see `PacketPeerUdp::drain_into`).

use std::net::Ipv6Addr;

use crate::addr;
use crate::queue::{self, PacketMeta};
use crate::META_WORDS;

/// The output of `take_packets` / `lend_packets`: payloads back to back, META_WORDS per packet.
pub(crate) struct BatchOut<'a> {
    data: &'a mut [u8],
    meta: &'a mut [u32],
    n: usize,
    offset: usize,
    last: Option<PacketMeta>,
    /// The sender of the previous packet and its metadata words: consecutive packets usually
    /// share one (every segment of a GRO buffer does), and converting an address costs more
    /// than comparing it.
    sender: Option<(Ipv6Addr, [u32; 5])>,
}

impl<'a> BatchOut<'a> {
    pub(crate) fn new(data: &'a mut [u8], meta: &'a mut [u32]) -> Self {
        BatchOut {
            data,
            meta,
            n: 0,
            offset: 0,
            last: None,
            sender: None,
        }
    }

    /// Packets written so far.
    pub(crate) fn len(&self) -> usize {
        self.n
    }

    /// The last packet written.
    pub(crate) fn last(&self) -> Option<PacketMeta> {
        self.last
    }

    pub(crate) fn fits(&self, len: usize) -> bool {
        (self.n + 1) * META_WORDS <= self.meta.len() && self.offset + len <= self.data.len()
    }

    /// Copies one packet (its payload as one or two slices: the queue is a ring); it must fit.
    pub(crate) fn put(&mut self, m: PacketMeta, a: &[u8], b: &[u8]) -> bool {
        let at = self.offset;
        self.data[at..at + a.len()].copy_from_slice(a);
        if !b.is_empty() {
            self.data[at + a.len()..at + m.len].copy_from_slice(b);
        }
        let words = &mut self.meta[self.n * META_WORDS..(self.n + 1) * META_WORDS];
        words[0] = at as u32;
        words[1] = m.len as u32;
        words[2] = u32::from(m.port);
        let address = match self.sender {
            Some((addr, words)) if addr == m.addr => words,
            _ => {
                let words = address_words(&m.addr);
                self.sender = Some((m.addr, words));
                words
            }
        };
        words[3..8].copy_from_slice(&address);
        self.offset += m.len;
        self.n += 1;
        self.last = Some(m);
        true
    }
}

/// Metadata words 3..8 of a packet from `addr`: the family (4 or 6), then the 16 address bytes
/// as big-endian u32 words.
fn address_words(addr: &Ipv6Addr) -> [u32; 5] {
    let o = addr.octets();
    let word = |i: usize| u32::from_be_bytes([o[i], o[i + 1], o[i + 2], o[i + 3]]);
    let family = if addr::is_v4(addr) { 4 } else { 6 };
    [family, word(0), word(4), word(8), word(12)]
}

/// Where [`PacketPeerUdp::drain_into`] sends each datagram of a take from an empty queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// Refused: the ring would have been full (Godot drops the newest).
    Drop,
    /// Straight to the caller.
    Out,
    /// Queued: the caller's buffers are full (or an earlier datagram was queued).
    Ring,
}

/// The routing rule of a direct take. Every datagram is charged to the ring as if it were queued
/// first and taken after the drain (Godot's order), so exactly the datagrams Godot would drop are
/// dropped; of the rest, the oldest go to the caller while they fit, then all later ones queue.
pub(crate) struct DirectTake {
    ring_free: usize,
    queueing: bool,
}

impl DirectTake {
    pub(crate) fn new(ring_free: usize) -> Self {
        DirectTake {
            ring_free,
            queueing: false,
        }
    }

    pub(crate) fn next(&mut self, len: usize, fits_out: impl FnOnce(usize) -> bool) -> Route {
        let need = queue::HEADER + len;
        if need > self.ring_free {
            return Route::Drop;
        }
        self.ring_free -= need;
        self.queueing = self.queueing || !fits_out(len);
        if self.queueing {
            Route::Ring
        } else {
            Route::Out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queue::{capacity_for, RecvQueue};

    /// The direct take drops, hands out and queues exactly what Godot's two steps would (queue
    /// everything, dropping what does not fit, then pop what fits the caller's buffers), for
    /// rings, outputs and datagram sizes across their edges.
    #[test]
    fn a_direct_take_routes_as_queue_then_pop_would() {
        let a = Ipv6Addr::LOCALHOST;
        let mut seed = 0x2545_f491_u32;
        let mut rand = |n: u32| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed % n
        };
        for round in 0..2000 {
            let capacity = capacity_for(i64::from(rand(4096))).unwrap();
            let out_packets = rand(12) as usize;
            let out_bytes = rand(2000) as usize;
            let sizes: Vec<usize> = (0..rand(40)).map(|_| rand(300) as usize).collect();

            // Godot's order: queue all, then pop oldest first while the output holds them.
            let mut q = RecvQueue::with_capacity(capacity);
            let accepted: Vec<bool> = sizes.iter().map(|&n| q.push(&a, 1, &vec![0; n])).collect();
            let (mut used, mut taken) = (0, 0);
            while let Some(m) = q.peek() {
                if taken == out_packets || used + m.len > out_bytes {
                    break;
                }
                q.pop_with(|_, _, _| ());
                used += m.len;
                taken += 1;
            }

            let mut route = DirectTake::new(RecvQueue::with_capacity(capacity).free());
            let (mut used, mut out) = (0, 0);
            let routes: Vec<Route> = sizes
                .iter()
                .map(|&n| {
                    let r = route.next(n, |len| out < out_packets && used + len <= out_bytes);
                    if r == Route::Out {
                        used += n;
                        out += 1;
                    }
                    r
                })
                .collect();
            let dropped: Vec<bool> = routes.iter().map(|r| *r == Route::Drop).collect();
            let expected_dropped: Vec<bool> = accepted.iter().map(|ok| !ok).collect();
            assert_eq!(
                dropped, expected_dropped,
                "round {round}: the same datagrams dropped"
            );
            assert_eq!(out, taken, "round {round}: as many handed out");
            assert_eq!(
                routes.iter().filter(|r| **r == Route::Ring).count(),
                q.len(),
                "round {round}: as many left queued"
            );
            let first_ring = routes.iter().position(|r| *r == Route::Ring);
            if let Some(at) = first_ring {
                assert!(
                    !routes[at..].contains(&Route::Out),
                    "round {round}: none handed out after one was queued"
                );
            }
        }
    }
}

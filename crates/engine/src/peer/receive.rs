//! The receive side of [`PacketPeerUdp`] (spec §4.5, §4.6): draining the OS socket into the
//! queue (Godot's `_poll`), the count, `get_packet`, the batch takes and lends, and the last
//! packet's sender. The rest of the peer (bind, connect, send, options, waits) is in `peer.rs`.

use super::PacketPeerUdp;
use crate::addr;
use crate::codes::{ERR_UNAVAILABLE, FAILED, OK};
use crate::queue::{PacketMeta, RecvQueue};
use crate::take::{BatchOut, DirectTake, Route};

impl PacketPeerUdp {
    /// Godot's private `_poll`: drain the OS socket into the queue (own socket only).
    /// Err(()) when not open or on a read error.
    fn poll(&mut self) -> Result<(), ()> {
        if self.is_server_peer() {
            return Ok(());
        }
        let Some(sock) = self.sock.as_ref() else {
            return Err(());
        };
        let connected = self.connected.then_some(self.dest).flatten();
        let queue = &mut self.queue;
        let stats = &mut self.stats;
        let r = sock.drain(|a, p, data| {
            // A connected socket reads with recv: the sender is the connected host (Q18).
            let (a, p) = match connected {
                Some((ca, cp)) => (ca, cp),
                None => (*a, p),
            };
            stats.queued(queue.push(&a, p, data), data.len());
        });
        r.map_err(|_| ())
    }

    /// Whether a receive can serve the queue's head without draining the OS socket first: an
    /// unconnected own socket with a packet queued. The packet returned is the head either way;
    /// skipping saves a `recvmmsg` per packet in Godot's `while count() > 0: get_packet()` loop.
    /// Connected sockets always drain: their pending ICMP error must surface from this very
    /// call even with packets queued (spec §4.6), and on Linux only they receive such errors.
    /// The one observable difference: under overflow a datagram stays in the OS buffer until
    /// the next drain instead of being refused by the full queue a moment earlier.
    fn queued_without_drain(&self) -> bool {
        self.server.is_none() && !self.connected && self.sock.is_some() && !self.queue.is_empty()
    }

    /// Whether a receive serves the queue without draining: as [`Self::queued_without_drain`],
    /// or, `drained_now` (a count drained a moment ago, in the caller's code running now), any
    /// own socket with a packet queued: an ICMP error that arrived since is indistinguishable
    /// from one still in flight, and the next receive after that code drains.
    fn serves_queued(&self, drained_now: bool) -> bool {
        self.queued_without_drain()
            || (drained_now && self.server.is_none() && !self.queue.is_empty())
    }

    pub fn get_available_packet_count(&mut self) -> i32 {
        if self.poll().is_err() {
            return -1;
        }
        match self.server.as_ref() {
            Some(link) => link.with_queue(|q, _| q.len() as i32),
            None => self.queue.len() as i32,
        }
    }

    /// Godot `get_packet`: hands the next packet to `f` (as one or two slices: the queue is a
    /// ring) and records the error for `packet_error()`.
    pub fn get_packet<R>(&mut self, f: impl FnOnce(&[u8], &[u8]) -> R) -> Result<R, i32> {
        self.get_packet_with(false, f)
    }

    /// [`PacketPeerUdp::get_packet`]; `drained_now`: the caller drained this socket a moment ago
    /// (a count in the same run of code), so a queued packet is served without draining again,
    /// connected or not: a datagram or ICMP error that arrived since is indistinguishable from one
    /// arriving a moment later. An empty queue still drains.
    pub fn get_packet_with<R>(
        &mut self,
        drained_now: bool,
        f: impl FnOnce(&[u8], &[u8]) -> R,
    ) -> Result<R, i32> {
        let r = self.get_packet_inner(drained_now, f);
        self.packet_error = match &r {
            Ok(_) => OK,
            Err(code) => *code,
        };
        r
    }

    fn get_packet_inner<R>(
        &mut self,
        drained_now: bool,
        f: impl FnOnce(&[u8], &[u8]) -> R,
    ) -> Result<R, i32> {
        if !self.serves_queued(drained_now) && self.poll().is_err() {
            return Err(FAILED);
        }
        let popped = match self.server.as_ref() {
            Some(link) => link.with_queue(|q, _| q.pop_with(|m, a, b| (m, f(a, b)))),
            None => self.queue.pop_with(|m, a, b| (m, f(a, b))),
        };
        let (meta, r) = popped.ok_or(ERR_UNAVAILABLE)?;
        self.packet_addr = Some(meta.addr);
        self.packet_port = meta.port;
        Ok(r)
    }

    /// Batch receive (see META_WORDS): drains (as `get_packet` does: not while an unconnected
    /// socket has packets queued), then copies as many packets as fit. Returns the
    /// count, or -1 when not open or on a read error.
    pub fn take_packets(&mut self, data: &mut [u8], meta: &mut [u32]) -> i32 {
        self.copy_out(data, meta, true, false)
    }

    /// Lent batch receive: first pops the `release` oldest packets lent by an earlier call (the
    /// caller consumed them; their ring space frees only now, as Godot's `get_packet` would have
    /// freed it), then works as [`PacketPeerUdp::take_packets`] (same drain rule, layout and
    /// limits) except that the packets copied stay queued, lent, until released by a later
    /// `lend_packets`, [`PacketPeerUdp::release_lent`] or
    /// [`PacketPeerUdp::release_and_count`]. Counters are untouched (packets count when queued).
    pub fn lend_packets(&mut self, data: &mut [u8], meta: &mut [u32], release: usize) -> i32 {
        self.release_lent(release);
        self.copy_out(data, meta, false, false)
    }

    /// [`PacketPeerUdp::lend_packets`] right after a count drained the OS socket (the caller
    /// knows it did, in the code running now): a connected socket's queued packets are lent
    /// without a second drain, as [`PacketPeerUdp::get_packet_with`] serves them with
    /// `drained_now`. Anything else works as `lend_packets`.
    pub fn lend_drained(&mut self, data: &mut [u8], meta: &mut [u32], release: usize) -> i32 {
        self.release_lent(release);
        self.copy_out(data, meta, false, true)
    }

    /// Godot's count and a lend in one call, for a caller that reads right after counting (the
    /// loop of Godot's docs: `while count() > 0: get_packet()`): releases `release` lent packets,
    /// drains the OS socket exactly as [`PacketPeerUdp::get_available_packet_count`] does (always,
    /// so a connected socket's ICMP error fails it as it fails the count), then lends what is
    /// queued, as far as it fits, without draining again. Returns the number lent (the count when
    /// the views held the whole queue), or -1 as the count. As a count, it leaves the last
    /// packet's error alone.
    pub fn count_and_lend(&mut self, data: &mut [u8], meta: &mut [u32], release: usize) -> i32 {
        self.release_lent(release);
        if self.poll().is_err() {
            return -1;
        }
        let mut out = BatchOut::new(data, meta);
        self.copy_queued(&mut out, false);
        out.len() as i32
    }

    /// Pops up to `n` lent packets (only lent ones), as if `get_packet` had returned them: they
    /// become the last packet's sender.
    pub fn release_lent(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        let last = match self.server_link() {
            Some(link) => link.with_queue(|q, _| q.release_lent(n)),
            None => self.queue.release_lent(n),
        };
        if let Some(m) = last {
            self.packet_addr = Some(m.addr);
            self.packet_port = m.port;
        }
    }

    /// `release_lent(release)`, then `get_available_packet_count`: the drain sees exactly the
    /// free space Godot's queue would have.
    pub fn release_and_count(&mut self, release: usize) -> i32 {
        self.release_lent(release);
        self.get_available_packet_count()
    }

    /// Packets in the queue now, without draining the OS socket (own or server-routed queue).
    pub fn queued(&mut self) -> usize {
        match self.server.as_ref() {
            Some(link) => link.with_queue(|q, _| q.len()),
            None => self.queue.len(),
        }
    }

    fn copy_out(&mut self, data: &mut [u8], meta: &mut [u32], pop: bool, drained_now: bool) -> i32 {
        let mut out = BatchOut::new(data, meta);
        if pop && self.takes_directly() {
            return match self.drain_into(&mut out) {
                Ok(()) => self.took(out.len(), out.last()),
                Err(()) => {
                    self.packet_error = FAILED;
                    -1
                }
            };
        }
        if !self.serves_queued(drained_now) && self.poll().is_err() {
            self.packet_error = FAILED;
            return -1;
        }
        self.copy_queued(&mut out, pop);
        let (n, last) = (out.len(), out.last());
        if pop {
            return self.took(n, last);
        }
        // Lent packets are not returned yet: the last sender changes when they are released.
        self.packet_error = if last.is_some() { OK } else { ERR_UNAVAILABLE };
        n as i32
    }

    /// Copies queued packets into `out` while they fit, oldest first: popped, or (`pop` false)
    /// lent, staying queued.
    fn copy_queued(&mut self, out: &mut BatchOut<'_>, pop: bool) {
        let mut run = |q: &mut RecvQueue| {
            if pop {
                // Checked before popping: a packet that does not fit stays queued.
                q.pop_each(|m, a, b| out.fits(m.len) && out.put(m, a, b));
            } else {
                let lent = q.peek_each(|m, a, b| out.fits(m.len) && out.put(m, a, b));
                q.mark_lent(lent);
            }
        };
        match self.server.as_ref() {
            Some(link) => link.with_queue(|q, _| run(q)),
            None => run(&mut self.queue),
        }
    }

    /// Records the outcome of a take of `n` packets, the last from `last`.
    fn took(&mut self, n: usize, last: Option<PacketMeta>) -> i32 {
        match last {
            Some(m) => {
                self.packet_addr = Some(m.addr);
                self.packet_port = m.port;
                self.packet_error = OK;
            }
            None => self.packet_error = ERR_UNAVAILABLE,
        }
        n as i32
    }

    /// Whether a take may copy datagrams from the OS straight to its caller ([`Self::drain_into`]):
    /// an unconnected own socket with nothing queued. Connected sockets keep the two steps: a
    /// read error (an ICMP error) must fail the take with every datagram left queued.
    fn takes_directly(&self) -> bool {
        self.server.is_none() && !self.connected && self.sock.is_some() && self.queue.is_empty()
    }

    /// A take from an empty queue, in one copy instead of two: drains the OS socket as `poll`
    /// does, handing each datagram to `out` while it fits there and queueing the rest. Godot's
    /// accounting is kept exactly: every datagram is charged to the ring as if queued first and
    /// taken after the drain, so the same datagrams are dropped when the ring would overflow.
    /// A read error after some datagrams were taken ends the drain with them; a later drain
    /// reports it (only connected sockets, which never come here, receive ICMP errors).
    fn drain_into(&mut self, out: &mut BatchOut<'_>) -> Result<(), ()> {
        let Some(sock) = self.sock.as_ref() else {
            return Err(());
        };
        let queue = &mut self.queue;
        let stats = &mut self.stats;
        let mut route = DirectTake::new(queue.free());
        let r = sock.drain(
            |a, p, data| match route.next(data.len(), |len| out.fits(len)) {
                Route::Drop => stats.queued(false, data.len()),
                Route::Out => {
                    stats.queued(true, data.len());
                    let m = PacketMeta {
                        addr: *a,
                        port: p,
                        len: data.len(),
                    };
                    out.put(m, data, &[]);
                }
                Route::Ring => {
                    stats.queued(true, data.len());
                    queue.push(a, p, data);
                }
            },
        );
        match r {
            Err(_) if out.len() == 0 => Err(()),
            _ => Ok(()),
        }
    }

    pub fn packet_error(&self) -> i32 {
        self.packet_error
    }

    pub fn packet_ip(&self) -> String {
        self.packet_addr
            .map_or_else(String::new, |a| addr::format(&a))
    }

    pub fn packet_port(&self) -> u16 {
        self.packet_port
    }
}

//! The bounded receive queue with Godot's accounting (spec §4.5).
//!
//! Godot stores each datagram in a byte ring as a 24-byte header (16-byte address, 4-byte port,
//! 4-byte length) followed by the payload; the ring holds `capacity - 1` bytes, and a datagram
//! that does not fit is dropped (the newest is dropped, never the oldest). We keep exactly that
//! layout and arithmetic, so loss under load matches Godot byte for byte.
//!
//! Storage grows on demand up to the logical capacity (a server with 10,000 idle peers does not
//! hold 10,000 × 64 KiB), so allocation happens only while the ring grows, never per packet.

use std::net::Ipv6Addr;

/// Bytes of bookkeeping Godot stores before each payload.
pub const HEADER: usize = 24;
/// Ring size before any bind, after `close()`, for implicit opens and for server peers.
pub const DEFAULT_CAPACITY: usize = 65536;
/// Smallest physical allocation once something is stored.
const MIN_STORAGE: usize = 4096;

/// Ring size Godot uses for `bind(…, recv_buf_size)`: the smallest power of two strictly greater
/// than the value (0 → 1). `None` for negative values and values ≥ 2^30 (Q10: rejected).
pub fn capacity_for(recv_buf_size: i64) -> Option<usize> {
    if !(0..(1 << 30)).contains(&recv_buf_size) {
        return None;
    }
    if recv_buf_size == 0 {
        return Some(1);
    }
    let highest_bit = 63 - recv_buf_size.leading_zeros() as usize;
    Some(1usize << (highest_bit + 1))
}

/// Metadata of one queued packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketMeta {
    pub addr: Ipv6Addr,
    pub port: u16,
    pub len: usize,
}

pub struct RecvQueue {
    /// Physical storage: empty or a power of two no larger than `capacity`.
    buf: Vec<u8>,
    /// Logical ring size (power of two); `capacity - 1` bytes are usable.
    capacity: usize,
    /// Read position in `buf`.
    head: usize,
    /// Bytes in use (headers and payloads).
    used: usize,
    count: usize,
    /// Packets at the head copied out by [`RecvQueue::peek_each`] for a caller that will consume
    /// them later ("lent", see `PacketPeerUdp::lend_packets`): still queued, so they keep their
    /// ring space until [`RecvQueue::release_lent`] pops them. Always ≤ `count`.
    lent: usize,
}

impl Default for RecvQueue {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl RecvQueue {
    pub fn with_capacity(capacity: usize) -> Self {
        debug_assert!(capacity.is_power_of_two());
        RecvQueue {
            buf: Vec::new(),
            capacity,
            head: 0,
            used: 0,
            count: 0,
            lent: 0,
        }
    }

    /// Empties the queue and sets a new logical size; storage is released when it shrinks.
    pub fn reset(&mut self, capacity: usize) {
        self.clear();
        if self.buf.len() > capacity {
            self.buf = Vec::new();
        }
        self.capacity = capacity;
    }

    /// Empties the queue, keeping its size (and storage).
    pub fn clear(&mut self) {
        self.head = 0;
        self.used = 0;
        self.count = 0;
        self.lent = 0;
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Free bytes by Godot's accounting.
    pub fn free(&self) -> usize {
        self.capacity - 1 - self.used
    }

    /// Stores a datagram; `false` (and nothing stored) when it does not fit.
    pub fn push(&mut self, addr: &Ipv6Addr, port: u16, payload: &[u8]) -> bool {
        let need = HEADER + payload.len();
        if need > self.free() {
            return false;
        }
        self.reserve(need);
        let tail = self.wrap(self.head + self.used);
        let header = header_bytes(addr, port, payload.len());
        if tail + need <= self.buf.len() {
            // Contiguous (the usual case): fixed-size header writes the compiler inlines.
            let slot = &mut self.buf[tail..tail + need];
            slot[..HEADER].copy_from_slice(&header);
            slot[HEADER..].copy_from_slice(payload);
        } else {
            let tail = self.write_at(tail, &header);
            self.write_at(tail, payload);
        }
        self.used += need;
        self.count += 1;
        true
    }

    /// The oldest packet's metadata, without removing it.
    pub fn peek(&self) -> Option<PacketMeta> {
        if self.count == 0 {
            return None;
        }
        Some(self.meta_at(self.head))
    }

    /// Removes the oldest packet, copying its payload into `out` (which must hold `meta.len`).
    pub fn pop_into(&mut self, out: &mut [u8]) -> Option<PacketMeta> {
        let meta = self.peek()?;
        let payload_at = self.wrap(self.head + HEADER);
        self.read_at(payload_at, &mut out[..meta.len]);
        self.discard(meta.len);
        Some(meta)
    }

    /// Removes the oldest packet, handing its payload to `f` as one or two slices (wrap-around).
    pub fn pop_with<R>(&mut self, f: impl FnOnce(PacketMeta, &[u8], &[u8]) -> R) -> Option<R> {
        let meta = self.peek()?;
        let start = self.wrap(self.head + HEADER);
        let first_len = meta.len.min(self.buf.len() - start);
        let first = &self.buf[start..start + first_len];
        let second = &self.buf[..meta.len - first_len];
        let r = f(meta, first, second);
        self.discard(meta.len);
        Some(r)
    }

    /// Hands the queued packets to `f` oldest first, as `pop_with` would, removing each one `f`
    /// accepts; `f` returns false to stop (that packet stays queued). Returns how many it took.
    pub fn pop_each(&mut self, mut f: impl FnMut(PacketMeta, &[u8], &[u8]) -> bool) -> usize {
        let mut taken = 0;
        while self.count > 0 {
            let meta = self.meta_at(self.head);
            let start = self.wrap(self.head + HEADER);
            let first_len = meta.len.min(self.buf.len() - start);
            let first = &self.buf[start..start + first_len];
            let second = &self.buf[..meta.len - first_len];
            if !f(meta, first, second) {
                break;
            }
            self.discard(meta.len);
            taken += 1;
        }
        taken
    }

    /// Hands the queued packets to `f` oldest first, as `pop_with` would, but without removing
    /// them; `f` returns false to stop. Returns how many packets `f` accepted.
    pub fn peek_each(&self, mut f: impl FnMut(PacketMeta, &[u8], &[u8]) -> bool) -> usize {
        let mut pos = self.head;
        for i in 0..self.count {
            let meta = self.meta_at(pos);
            let start = self.wrap(pos + HEADER);
            let first_len = meta.len.min(self.buf.len() - start);
            let first = &self.buf[start..start + first_len];
            let second = &self.buf[..meta.len - first_len];
            if !f(meta, first, second) {
                return i;
            }
            pos = self.wrap(pos + HEADER + meta.len);
        }
        self.count
    }

    /// Records that the `n` oldest packets are lent (copied out, to be released later).
    pub fn mark_lent(&mut self, n: usize) {
        self.lent = self.lent.max(n).min(self.count);
    }

    /// Packets at the head currently lent.
    pub fn lent(&self) -> usize {
        self.lent
    }

    /// Pops up to `n` lent packets (never one that was not lent), freeing their space; returns
    /// the metadata of the last one popped.
    pub fn release_lent(&mut self, n: usize) -> Option<PacketMeta> {
        let mut last = None;
        for _ in 0..n.min(self.lent) {
            let meta = self.peek()?;
            self.discard(meta.len);
            last = Some(meta);
        }
        last
    }

    fn meta_at(&self, pos: usize) -> PacketMeta {
        let mut header = [0u8; HEADER];
        match self.buf.get(pos..pos + HEADER) {
            // Contiguous (the usual case): one fixed-size copy.
            Some(contiguous) => header.copy_from_slice(contiguous),
            None => self.read_at(pos, &mut header),
        }
        let mut a = [0u8; 16];
        a.copy_from_slice(&header[..16]);
        let port = u32::from_le_bytes([header[16], header[17], header[18], header[19]]) as u16;
        let len = u32::from_le_bytes([header[20], header[21], header[22], header[23]]) as usize;
        PacketMeta {
            addr: Ipv6Addr::from(a),
            port,
            len,
        }
    }

    fn discard(&mut self, len: usize) {
        // Popping a lent packet (however it is popped) ends its loan.
        self.lent = self.lent.saturating_sub(1);
        let total = HEADER + len;
        self.head = self.wrap(self.head + total);
        self.used -= total;
        self.count -= 1;
        if self.count == 0 {
            self.head = 0;
            self.used = 0;
        }
    }

    fn wrap(&self, pos: usize) -> usize {
        if self.buf.is_empty() {
            0
        } else {
            pos & (self.buf.len() - 1)
        }
    }

    /// Makes the physical storage large enough for `need` more bytes, keeping the content.
    fn reserve(&mut self, need: usize) {
        let want = self.used + need;
        if want <= self.buf.len() {
            return;
        }
        let new_len = want
            .next_power_of_two()
            .max(self.buf.len() * 2)
            .max(MIN_STORAGE)
            .min(self.capacity);
        let mut grown = vec![0u8; new_len];
        if self.used > 0 {
            self.read_at(self.head, &mut grown[..self.used]);
        }
        self.buf = grown;
        self.head = 0;
    }

    fn write_at(&mut self, pos: usize, data: &[u8]) -> usize {
        let first = data.len().min(self.buf.len() - pos);
        self.buf[pos..pos + first].copy_from_slice(&data[..first]);
        if first < data.len() {
            self.buf[..data.len() - first].copy_from_slice(&data[first..]);
        }
        self.wrap(pos + data.len())
    }

    fn read_at(&self, pos: usize, out: &mut [u8]) {
        let first = out.len().min(self.buf.len() - pos);
        out[..first].copy_from_slice(&self.buf[pos..pos + first]);
        if first < out.len() {
            let rest = out.len() - first;
            out[first..].copy_from_slice(&self.buf[..rest]);
        }
    }
}

/// Godot's header before each payload: the 16-byte address, then the port and the length as
/// little-endian u32.
fn header_bytes(addr: &Ipv6Addr, port: u16, len: usize) -> [u8; HEADER] {
    let mut header = [0u8; HEADER];
    header[..16].copy_from_slice(&addr.octets());
    header[16..20].copy_from_slice(&u32::from(port).to_le_bytes());
    header[20..24].copy_from_slice(&(len as u32).to_le_bytes());
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(recv_buf_size: i64, size: usize, offered: usize) -> usize {
        let mut q = RecvQueue::with_capacity(capacity_for(recv_buf_size).unwrap());
        let payload = vec![7u8; size];
        let a = Ipv6Addr::LOCALHOST;
        (0..offered).filter(|_| q.push(&a, 1, &payload)).count()
    }

    #[test]
    fn capacity_rounds_to_the_next_power_of_two_above() {
        let table = [
            (65536, 131072),
            (100000, 131072),
            (1000, 1024),
            (1024, 2048),
            (1, 2),
            (0, 1),
            (131072, 262144),
            ((1 << 30) - 1, 1 << 30),
        ];
        for (size, want) in table {
            assert_eq!(capacity_for(size), Some(want), "recv_buf_size {size}");
        }
        assert_eq!(capacity_for(-1), None);
        assert_eq!(capacity_for(1 << 30), None);
        assert_eq!(capacity_for(i64::MIN), None);
    }

    #[test]
    fn godot_verified_accounting_table() {
        // (recv_buf_size, datagram size, offered, queued) from spec §4.5.
        let table = [
            (1024, 100, 100, 16),
            (1024, 2023, 3, 1),
            (1024, 2024, 3, 0),
            (1000, 100, 100, 8),
            (65536, 1000, 200, 127),
            (65536, 100, 1100, 1057),
            (100000, 1000, 200, 127),
            (131072, 1000, 300, 255),
            (64, 4, 10, 4),
            (1, 4, 10, 0),
            (0, 1, 10, 0),
            (0, 4, 10, 0),
            (0, 0, 10, 0),
        ];
        for (recv, size, offered, queued) in table {
            assert_eq!(fill(recv, size, offered), queued, "recv {recv} size {size}");
        }
    }

    #[test]
    fn default_ring_of_implicit_open_and_server_peers() {
        let mut q = RecvQueue::default();
        let a = Ipv6Addr::LOCALHOST;
        assert_eq!((0..100).filter(|_| q.push(&a, 1, &[0; 1000])).count(), 63);
        let mut q = RecvQueue::default();
        assert!(q.push(&a, 1, &vec![0; 65511]));
        assert!(!q.push(&a, 1, &[]));
        let mut q = RecvQueue::default();
        assert!(!q.push(&a, 1, &vec![0; 65512]));
    }

    #[test]
    fn fifo_order_and_wraparound_keep_payloads_intact() {
        let mut q = RecvQueue::with_capacity(256);
        let mut next_in = 0u32;
        // Sizes that do not divide the ring, so headers and payloads straddle the end.
        for (next_out, round) in (0usize..500).enumerate() {
            let next_out = next_out as u32;
            let size = (round * 7) % 61;
            while q.push(
                &Ipv6Addr::from(next_in as u128),
                next_in as u16,
                &vec![next_in as u8; size],
            ) {
                next_in += 1;
            }
            let mut out = [0u8; 64];
            let meta = q.pop_into(&mut out).unwrap();
            assert_eq!(meta.addr, Ipv6Addr::from(next_out as u128));
            assert_eq!(meta.port, next_out as u16);
            assert!(out[..meta.len].iter().all(|b| *b == next_out as u8));
        }
        while let Some(len) = q.pop_with(|m, a, b| {
            assert_eq!(a.len() + b.len(), m.len);
            m.len
        }) {
            let _ = len;
        }
        assert!(q.is_empty());
        assert_eq!(q.free(), 255);
    }

    #[test]
    fn reset_empties_and_resizes() {
        let mut q = RecvQueue::with_capacity(131072);
        q.push(&Ipv6Addr::LOCALHOST, 1, &[1, 2, 3]);
        q.reset(DEFAULT_CAPACITY);
        assert!(q.is_empty());
        assert_eq!(q.capacity(), 65536);
        assert_eq!(q.free(), 65535);
        assert_eq!(q.peek(), None);
    }

    #[test]
    fn zero_length_packets_are_packets() {
        let mut q = RecvQueue::default();
        assert!(q.push(&Ipv6Addr::LOCALHOST, 9, &[]));
        assert_eq!(q.len(), 1);
        let meta = q.pop_into(&mut []).unwrap();
        assert_eq!((meta.len, meta.port), (0, 9));
        assert!(q.is_empty());
    }

    #[test]
    fn lent_packets_keep_their_space_until_released_on_a_wrapped_ring() {
        // 256-byte ring (255 usable); 41-byte payloads take 65 bytes (so headers and payloads
        // straddle the end of the ring): 3 fit, a 4th would need 260.
        let mut q = RecvQueue::with_capacity(256);
        let a = |i: u32| Ipv6Addr::from(u128::from(i));
        let mut next_in = 0u32;
        let mut push = |q: &mut RecvQueue| {
            let ok = q.push(&a(next_in), next_in as u16, &[next_in as u8; 41]);
            if ok {
                next_in += 1;
            }
            ok
        };
        let mut next_out = 0u32;
        for _round in 0..20 {
            while push(&mut q) {}
            assert_eq!(q.len(), 3);
            // Copy everything out without popping: FIFO, payloads whole across the ring's end.
            let mut seen = Vec::new();
            let n = q.peek_each(|m, x, y| {
                assert_eq!(x.len() + y.len(), m.len);
                assert!(x.iter().chain(y).all(|b| *b == m.port as u8));
                seen.push(m.port as u32);
                true
            });
            assert_eq!(n, 3);
            assert_eq!(seen, (next_out..next_out + 3).collect::<Vec<_>>());
            q.mark_lent(n);
            // Nothing fits while all three are lent, as in Godot before get_packet pops them.
            assert!(!push(&mut q));
            // One consumed and released: its space is free, exactly one more fits.
            let last = q.release_lent(1).unwrap();
            assert_eq!((last.addr, last.port), (a(next_out), next_out as u16));
            next_out += 1;
            assert_eq!(q.lent(), 2);
            assert!(push(&mut q));
            assert!(!push(&mut q));
            // Releasing more than is lent pops only the lent packets, never the new one.
            assert_eq!(q.release_lent(10).unwrap().port, (next_out + 1) as u16);
            next_out += 2;
            assert_eq!((q.len(), q.lent()), (1, 0));
            assert_eq!(q.release_lent(1), None);
            assert_eq!(q.peek().unwrap().port, next_out as u16);
            // A partial walk stops where asked; a pop ends a loan too.
            assert_eq!(q.peek_each(|_, _, _| false), 0);
            q.mark_lent(1);
            let mut out = [0u8; 64];
            assert_eq!(q.pop_into(&mut out).unwrap().port, next_out as u16);
            next_out += 1;
            assert_eq!((q.len(), q.lent()), (0, 0));
        }
        assert_eq!(q.free(), 255);
        q.push(&a(0), 0, &[]);
        q.mark_lent(5);
        assert_eq!(q.lent(), 1);
        q.clear();
        assert_eq!(q.lent(), 0);
    }
}

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
        let mut header = [0u8; HEADER];
        header[..16].copy_from_slice(&addr.octets());
        header[16..20].copy_from_slice(&u32::from(port).to_le_bytes());
        header[20..24].copy_from_slice(&(payload.len() as u32).to_le_bytes());
        let tail = self.wrap(self.head + self.used);
        let tail = self.write_at(tail, &header);
        self.write_at(tail, payload);
        self.used += need;
        self.count += 1;
        true
    }

    /// The oldest packet's metadata, without removing it.
    pub fn peek(&self) -> Option<PacketMeta> {
        if self.count == 0 {
            return None;
        }
        let mut header = [0u8; HEADER];
        self.read_at(self.head, &mut header);
        let mut a = [0u8; 16];
        a.copy_from_slice(&header[..16]);
        let port = u32::from_le_bytes([header[16], header[17], header[18], header[19]]) as u16;
        let len = u32::from_le_bytes([header[20], header[21], header[22], header[23]]) as usize;
        Some(PacketMeta {
            addr: Ipv6Addr::from(a),
            port,
            len,
        })
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

    fn discard(&mut self, len: usize) {
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
        let rest = data.len() - first;
        self.buf[..rest].copy_from_slice(&data[first..]);
        self.wrap(pos + data.len())
    }

    fn read_at(&self, pos: usize, out: &mut [u8]) {
        let first = out.len().min(self.buf.len() - pos);
        out[..first].copy_from_slice(&self.buf[pos..pos + first]);
        let rest = out.len() - first;
        out[first..].copy_from_slice(&self.buf[..rest]);
    }
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
}

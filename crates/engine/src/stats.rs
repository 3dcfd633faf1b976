//! Traffic counters. A datagram read from the OS is either received (queued) or dropped
//! (refused by the bounded queue, or by a server with no room for a new pending peer), so
//! received + dropped = read.
//!
//! `os_dropped` counts what never got that far: datagrams the kernel discarded for the socket
//! (mostly a full SO_RCVBUF), as Linux keeps them in the socket's `sk_drops` (read with
//! SO_MEMINFO when the stats are read, see [`OsDropCount`]). Sent = received + dropped +
//! os_dropped for a sender on this machine whose datagrams each reach the socket as their own
//! buffer (no GSO batch coalesced by UDP_GRO), once every datagram sent was read or dropped.

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub packets_received: u64,
    pub bytes_received: u64,
    pub packets_sent: u64,
    pub bytes_sent: u64,
    pub packets_dropped: u64,
    pub bytes_dropped: u64,
    /// Discarded by the OS before this package could read them (Linux: the socket's `sk_drops`,
    /// mostly "receive buffer full"; 0 elsewhere). Unit: kernel socket buffers, one per
    /// datagram except a GRO-coalesced GSO batch, which the kernel drops whole and counts once.
    /// As of the stats call (the socket is asked then), summed over every socket the peer had.
    /// 0 for a server peer (the server's stats hold its socket's count).
    pub os_dropped: u64,
}

impl Stats {
    #[inline]
    pub fn received(&mut self, len: usize) {
        self.packets_received += 1;
        self.bytes_received += len as u64;
    }

    #[inline]
    pub fn dropped(&mut self, len: usize) {
        self.packets_dropped += 1;
        self.bytes_dropped += len as u64;
    }

    #[inline]
    pub fn sent(&mut self, len: usize) {
        self.packets_sent += 1;
        self.bytes_sent += len as u64;
    }

    #[inline]
    pub fn sent_many(&mut self, packets: usize, bytes: usize) {
        self.packets_sent += packets as u64;
        self.bytes_sent += bytes as u64;
    }

    /// Records one queue attempt.
    #[inline]
    pub fn queued(&mut self, accepted: bool, len: usize) {
        if accepted {
            self.received(len)
        } else {
            self.dropped(len)
        }
    }
}

/// Turns the kernel's per-socket drop count (a u32 that wraps) into a u64 total. One per OS
/// socket: a fresh socket's count starts at 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OsDropCount {
    last: u32,
    total: u64,
}

impl OsDropCount {
    /// Takes a count read from the kernel; returns the drops since the previous read (wrapping,
    /// so exact while fewer than 2^32 drops happen between two reads).
    #[inline]
    pub fn advance(&mut self, reported: u32) -> u64 {
        let delta = u64::from(reported.wrapping_sub(self.last));
        self.last = reported;
        self.total += delta;
        delta
    }

    /// Every drop counted so far.
    #[inline]
    pub fn total(&self) -> u64 {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_drop_count_accumulates_across_the_u32_wrap() {
        let mut c = OsDropCount::default();
        assert_eq!(c.advance(5), 5);
        assert_eq!(c.advance(5), 0);
        assert_eq!(c.advance(u32::MAX - 1), u64::from(u32::MAX - 6));
        // 2^32 - 2 -> 3 is 5 more drops, not a step back.
        assert_eq!(c.advance(3), 5);
        let mut total = 0u64;
        let mut c = OsDropCount::default();
        for reported in [1_000u32, u32::MAX, 0, 10] {
            total += c.advance(reported);
        }
        assert_eq!(total, (1u64 << 32) + 10);
        assert_eq!(c.total(), total);
    }
}

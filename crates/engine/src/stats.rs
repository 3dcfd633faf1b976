//! Traffic counters. A datagram read from the OS is either received (queued) or dropped
//! (refused by the bounded queue, or by a server with no room for a new pending peer), so
//! received + dropped = read.

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub packets_received: u64,
    pub bytes_received: u64,
    pub packets_sent: u64,
    pub bytes_sent: u64,
    pub packets_dropped: u64,
    pub bytes_dropped: u64,
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

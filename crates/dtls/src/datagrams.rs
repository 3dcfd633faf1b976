//! The transport OpenSSL sees: one datagram in at a time, whole datagrams out. OpenSSL's DTLS
//! record layer reads one datagram per read call and writes one per write call; the session hands
//! it the datagram it is processing and afterwards sends what it wrote through the UDP peer.

use std::io::{self, Read, Write};

/// A DTLS record header: content type, version (2), epoch (2), sequence number (6), length (2).
const RECORD_HEADER: usize = 13;
const CONTENT_ALERT: u8 = 21;
const CONTENT_APPLICATION_DATA: u8 = 23;
const DTLS_1_2: u16 = 0xfefd;
/// OpenSSL skips a record header alone (and reads the next one right after it) when its length
/// exceeds the fragment limit (16384 bytes, or the negotiated max_fragment_length) plus
/// `SSL3_RT_MAX_ENCRYPTED_OVERHEAD`.
const MAX_ENCRYPTED_OVERHEAD: usize = 256 + 64;
const MAX_PLAIN_LENGTH: usize = 16384;

/// What a session knows of its record layer, for [`Datagrams::incoming_is_harmful`].
pub(crate) struct RecordLayer {
    /// The shortest protected record the negotiated cipher makes (0: no bound).
    pub(crate) min_protected: usize,
    /// Connected: OpenSSL reads under the negotiated keys (it checks versions). While
    /// handshaking the session cannot tell, and both are considered.
    pub(crate) protected: bool,
    /// The negotiated fragment limit (max_fragment_length), 16384 without one.
    pub(crate) max_fragment: usize,
}

#[derive(Default)]
pub(crate) struct Datagrams {
    /// The datagram being processed (its buffer reused from one datagram to the next).
    inbox: Vec<u8>,
    has_inbox: bool,
    /// Scratch for `incoming_is_harmful`: the offsets where OpenSSL may read a record header.
    reachable: Vec<u64>,
    /// Datagrams written, back to back; `ends` holds where each one ends.
    outbox: Vec<u8>,
    ends: Vec<usize>,
}

impl Datagrams {
    pub(crate) fn put_incoming(&mut self, datagram: &[u8]) {
        self.put_incoming_parts(datagram, &[]);
    }

    /// A datagram given as two slices (the UDP queue is a ring).
    pub(crate) fn put_incoming_parts(&mut self, head: &[u8], tail: &[u8]) {
        self.inbox.clear();
        self.inbox.extend_from_slice(head);
        self.inbox.extend_from_slice(tail);
        self.has_inbox = true;
    }

    /// Whether the incoming datagram holds a record that no genuine peer sends and that OpenSSL,
    /// instead of discarding it quietly as RFC 6347 (4.1.2.7) asks, would end the session over:
    /// - a protected record (epoch 1 or later) shorter than the cipher's nonce and tag: OpenSSL
    ///   3's AEAD ciphers refuse it before decrypting and the record layer sends a fatal
    ///   internal_error (openssl/openssl#25290); during a handshake it keeps next-epoch records
    ///   and fails on them once the keys arrive;
    /// - application data in epoch 0 (unprotected, so never genuine): during a handshake OpenSSL
    ///   answers it with a fatal unexpected_message.
    ///
    /// The records are found where OpenSSL looks for them: it reads a record whole, but skips a
    /// header it rejects (wrong version, too long) alone and reads the next header right after
    /// it, so a datagram can hide records inside others. Every offset OpenSSL may read a header
    /// at is checked, both ways where the session's state leaves OpenSSL's choice open. A
    /// genuine datagram (complete, well-formed records) never matches.
    pub(crate) fn incoming_is_harmful(&mut self, layer: &RecordLayer) -> bool {
        let d = &self.inbox;
        let len = d.len();
        let reach = &mut self.reachable;
        reach.clear();
        reach.resize(len / 64 + 1, 0);
        let mark = |reach: &mut Vec<u64>, at: usize| {
            if at < len {
                reach[at / 64] |= 1 << (at % 64);
            }
        };
        mark(reach, 0);
        let fragment_limit = layer.max_fragment + MAX_ENCRYPTED_OVERHEAD;
        // A header leads only further on, so visiting the offsets in order visits them all.
        let mut from = 0;
        while let Some(at) = next_marked(reach, from) {
            if at + RECORD_HEADER > len {
                break; // a partial header: OpenSSL drops it
            }
            from = at + 1;
            let h = &d[at..at + RECORD_HEADER];
            let content_type = h[0];
            let version = u16::from_be_bytes([h[1], h[2]]);
            let epoch = u16::from_be_bytes([h[3], h[4]]);
            let body = usize::from(u16::from_be_bytes([h[11], h[12]]));
            if h[1] != 0xfe || body > MAX_PLAIN_LENGTH + MAX_ENCRYPTED_OVERHEAD {
                // Every layer skips this header alone.
                mark(reach, at + RECORD_HEADER);
                continue;
            }
            // The protected layer also skips other versions (but alerts) and longer fragments.
            let protected_skips =
                (content_type != CONTENT_ALERT && version != DTLS_1_2) || body > fragment_limit;
            if protected_skips {
                mark(reach, at + RECORD_HEADER);
                if layer.protected {
                    continue;
                }
            }
            let end = at + RECORD_HEADER + body;
            if end > len {
                continue; // a partial record: OpenSSL drops the rest of the datagram
            }
            let harmful = if epoch == 0 {
                content_type == CONTENT_APPLICATION_DATA
            } else {
                body < layer.min_protected
            };
            if harmful {
                return true;
            }
            mark(reach, end);
        }
        false
    }

    /// Forgets an incoming datagram OpenSSL did not read (it stopped before needing more).
    pub(crate) fn clear_incoming(&mut self) {
        self.has_inbox = false;
    }

    /// Hands each written datagram to `send`, oldest first, and empties the outbox.
    pub(crate) fn drain_outgoing(&mut self, mut send: impl FnMut(&[u8])) {
        let mut start = 0;
        for &end in &self.ends {
            send(&self.outbox[start..end]);
            start = end;
        }
        self.outbox.clear();
        self.ends.clear();
    }

    pub(crate) fn has_outgoing(&self) -> bool {
        !self.ends.is_empty()
    }
}

impl Read for Datagrams {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.has_inbox {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        self.has_inbox = false;
        // A datagram larger than OpenSSL's buffer is cut, as recv would cut it; the record layer
        // then rejects the record.
        let n = self.inbox.len().min(buf.len());
        buf[..n].copy_from_slice(&self.inbox[..n]);
        Ok(n)
    }
}

impl Write for Datagrams {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.outbox.extend_from_slice(buf);
        self.ends.push(self.outbox.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The first offset at or after `from` marked in `reach`.
fn next_marked(reach: &[u64], from: usize) -> Option<usize> {
    let mut word_at = from / 64;
    let mut word = reach.get(word_at)? & (!0u64 << (from % 64));
    while word == 0 {
        word_at += 1;
        word = *reach.get(word_at)?;
    }
    Some(word_at * 64 + word.trailing_zeros() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(content_type: u8, version: u16, epoch: u16, body: &[u8]) -> Vec<u8> {
        let mut r = vec![content_type];
        r.extend_from_slice(&version.to_be_bytes());
        r.extend_from_slice(&epoch.to_be_bytes());
        r.extend_from_slice(&[0, 0, 0, 0, 0, 7]);
        r.extend_from_slice(&(body.len() as u16).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    fn harmful(datagram: &[u8], protected: bool) -> bool {
        let mut d = Datagrams::default();
        d.put_incoming(datagram);
        let layer = RecordLayer {
            min_protected: 24,
            protected,
            max_fragment: 16384,
        };
        d.incoming_is_harmful(&layer)
    }

    #[test]
    fn genuine_datagrams_pass_and_hidden_records_are_found() {
        // A DTLS 1.0-versioned ClientHello, a flight of several records, a full-size record.
        let hello = record(22, 0xfeff, 0, &[1; 200]);
        let flight = [
            record(22, 0xfefd, 0, &[2; 100]),
            record(20, 0xfefd, 0, &[1]),
            record(22, 0xfefd, 1, &[3; 48]),
        ]
        .concat();
        let big = record(23, 0xfefd, 1, &[4; 16384 + 24]);
        for protected in [false, true] {
            assert!(!harmful(&hello, protected));
            assert!(!harmful(&flight, protected));
            assert!(!harmful(&big, protected));
            assert!(!harmful(&[0x17, 0xfe, 0xfd], protected), "a partial header");
        }
        let short = record(23, 0xfefd, 1, &[5; 23]);
        let plaintext = record(23, 0xfefd, 0, b"hi");
        assert!(harmful(&short, true));
        assert!(harmful(&plaintext, false));
        assert!(harmful(&[&flight[..], &short].concat(), true));
        // Behind a header every layer skips alone: a wrong major version, an impossible length.
        let mut bad_major = record(23, 0x03fd, 1, &[]);
        bad_major.extend_from_slice(&short);
        assert!(harmful(&bad_major, true));
        let mut too_long = record(23, 0xfefd, 1, &[]);
        too_long[11..13].copy_from_slice(&40000u16.to_be_bytes());
        too_long.extend_from_slice(&short);
        assert!(harmful(&too_long, true));
        // Inside a record of another version: read whole in epoch 0, skipped alone once
        // protected; handshaking, the session cannot tell, so both count.
        let wrapped = record(22, 0xfeff, 0, &short);
        assert!(harmful(&wrapped, true));
        assert!(harmful(&wrapped, false));
        // Inside a genuine-looking record of the right version: never read as a header.
        assert!(!harmful(&record(23, 0xfefd, 1, &short), true));
    }
}

//! The transport OpenSSL sees: one datagram in at a time, whole datagrams out. OpenSSL's DTLS
//! record layer reads one datagram per read call and writes one per write call; the session hands
//! it the datagram it is processing and afterwards sends what it wrote through the UDP peer.

use std::io::{self, Read, Write};

#[derive(Default)]
pub(crate) struct Datagrams {
    /// The datagram being processed (its buffer reused from one datagram to the next).
    inbox: Vec<u8>,
    has_inbox: bool,
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

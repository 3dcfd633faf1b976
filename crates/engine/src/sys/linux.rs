//! Linux's batched paths: recvmmsg, sendmmsg, UDP GSO (send) and GRO (receive), and the
//! per-socket drop count read with SO_MEMINFO. Struct fields whose C types
//! differ between glibc and musl (`msg_iovlen`, `msg_controllen`, `cmsg_len`, the flags) are
//! assigned with `as _`, so the same code builds for both.

use std::cell::RefCell;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::AsRawFd;
use std::time::Instant;

use socket2::{SockAddr, Socket};

use crate::io::{wait_writable, MAX_DATAGRAM, SEND_DEADLINE};

/// Datagrams per recvmmsg call.
const RECV_BATCH: usize = 32;
/// Messages per sendmmsg call.
const SEND_BATCH: usize = 64;
/// Linux accepts at most 64 segments per GSO send (UDP_MAX_SEGMENTS on older kernels).
const GSO_MAX_SEGMENTS: usize = 64;
/// Bytes one GSO send may carry; below the IPv4/IPv6 datagram limits with margin.
const GSO_MAX_BYTES: usize = 60_000;
/// Room for one `UDP_SEGMENT` control message (a u16), 8-byte aligned.
const CMSG_WORDS: usize = 4;
/// Control bytes per received message: a `UDP_GRO` message (an int), with its header and
/// padding.
// SAFETY: CMSG_SPACE is a pure size computation.
const RECV_CTRL_BYTES: usize =
    unsafe { libc::CMSG_SPACE(std::mem::size_of::<libc::c_int>() as u32) } as usize;
/// The same in 8-byte words (the buffers are u64 arrays for cmsghdr's alignment).
const RECV_CTRL_WORDS: usize = RECV_CTRL_BYTES.div_ceil(8);

/// Bytes from one receive slot's start to the next: room for any datagram, plus one cache line
/// so that the slots start in different cache sets (at a stride of exactly 64 KiB the first bytes
/// of every slot, where small datagrams land, would compete for the same set).
const RECV_SLOT_STRIDE: usize = MAX_DATAGRAM + 64;

/// The buffers and headers of recvmmsg, wired once: the kernel writes back only each received
/// message's name and control lengths, its flags and its length, so a call resets just those, for
/// the messages the previous call received.
struct RecvScratch {
    bufs: Vec<u8>,
    names: Vec<libc::sockaddr_storage>,
    iovs: Vec<libc::iovec>,
    hdrs: Vec<libc::mmsghdr>,
    /// Room for the `UDP_GRO` control message of each slot.
    ctrl: Vec<[u64; RECV_CTRL_WORDS]>,
    /// Headers the last call may have written back (reset before the next call).
    written: usize,
}

impl RecvScratch {
    fn new() -> Self {
        let mut s = RecvScratch {
            // calloc'd: pages are touched only as large datagrams arrive.
            bufs: vec![0u8; (RECV_BATCH - 1) * RECV_SLOT_STRIDE + MAX_DATAGRAM],
            // SAFETY: sockaddr_storage, iovec and mmsghdr are plain C structs for which all
            // zero bytes is a valid value.
            names: vec![unsafe { std::mem::zeroed() }; RECV_BATCH],
            iovs: vec![unsafe { std::mem::zeroed() }; RECV_BATCH],
            hdrs: vec![unsafe { std::mem::zeroed() }; RECV_BATCH],
            ctrl: vec![[0; RECV_CTRL_WORDS]; RECV_BATCH],
            written: RECV_BATCH,
        };
        // The pointers point into the vectors' heap blocks, which never move or grow: they stay
        // valid wherever the struct itself is moved.
        for i in 0..RECV_BATCH {
            s.iovs[i] = libc::iovec {
                iov_base: s.bufs[i * RECV_SLOT_STRIDE..].as_mut_ptr().cast(),
                iov_len: MAX_DATAGRAM,
            };
            let h = &mut s.hdrs[i].msg_hdr;
            h.msg_name = (&mut s.names[i] as *mut libc::sockaddr_storage).cast();
            h.msg_iov = &mut s.iovs[i];
            h.msg_iovlen = 1;
            h.msg_control = s.ctrl[i].as_mut_ptr().cast();
        }
        s
    }

    /// Restores what the last call wrote back: the room for each name and control block, the
    /// flags.
    fn reset(&mut self) {
        for hdr in &mut self.hdrs[..self.written] {
            let h = &mut hdr.msg_hdr;
            h.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as _;
            h.msg_controllen = (RECV_CTRL_WORDS * 8) as _;
            h.msg_flags = 0;
            hdr.msg_len = 0;
        }
        self.written = 0;
    }

    /// Slot `i`'s first `len` bytes.
    fn data(&self, i: usize, len: usize) -> &[u8] {
        &self.bufs[i * RECV_SLOT_STRIDE..i * RECV_SLOT_STRIDE + len]
    }
}

thread_local! {
    static RECV: RefCell<Option<Box<RecvScratch>>> = const { RefCell::new(None) };
}

pub fn drain(sock: &Socket, mut each: impl FnMut(&Ipv6Addr, u16, &[u8])) -> io::Result<()> {
    RECV.with(|cell| {
        let mut slot = cell.borrow_mut();
        let s = slot.get_or_insert_with(|| Box::new(RecvScratch::new()));
        loop {
            s.reset();
            // SAFETY: every header points at live buffers of the scratch (names, one iovec
            // each over its own 64 KiB slot) that stay borrowed for the whole call.
            let n = unsafe {
                libc::recvmmsg(
                    sock.as_raw_fd(),
                    s.hdrs.as_mut_ptr(),
                    RECV_BATCH as u32,
                    libc::MSG_DONTWAIT as _,
                    std::ptr::null_mut(),
                )
            };
            // What the kernel may have written back: the messages received (on an error, none
            // is expected, but every header is reset to be sure).
            s.written = if n < 0 { RECV_BATCH } else { n as usize };
            if n < 0 {
                let e = io::Error::last_os_error();
                return match e.kind() {
                    io::ErrorKind::WouldBlock => Ok(()),
                    io::ErrorKind::Interrupted => continue,
                    _ => Err(e),
                };
            }
            let n = n as usize;
            for i in 0..n {
                let len = s.hdrs[i].msg_len as usize;
                let (addr, port) = from_storage(&s.names[i]);
                let data = s.data(i, len);
                // A GRO-coalesced message holds several datagrams of `seg` bytes (the last
                // may be shorter): hand them over one by one.
                match gro_segment(&s.hdrs[i].msg_hdr) {
                    Some(seg) if seg > 0 && len > seg => {
                        for d in data.chunks(seg) {
                            each(&addr, port, d);
                        }
                    }
                    _ => each(&addr, port, data),
                }
            }
            // A short batch means the socket was empty when the kernel looked: done,
            // without paying for one more call that would say "would block".
            if n < RECV_BATCH {
                return Ok(());
            }
        }
    })
}

/// The `UDP_GRO` segment size the kernel attached to a received message, if any.
fn gro_segment(h: &libc::msghdr) -> Option<usize> {
    let mut segment = None;
    if h.msg_controllen == 0 {
        return segment;
    }
    // SAFETY: the kernel filled msg_control/msg_controllen; the CMSG macros walk only within
    // them. The data of a UDP_GRO message is an int, read unaligned within the cmsg the kernel
    // wrote.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(h);
        while !c.is_null() {
            let (level, kind) = ((*c).cmsg_level, (*c).cmsg_type);
            if level == libc::SOL_UDP && kind == libc::UDP_GRO {
                let seg = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast::<libc::c_int>());
                segment = usize::try_from(seg).ok();
            }
            c = libc::CMSG_NXTHDR(h, c);
        }
    }
    segment
}

/// The socket's drop count now (`sk_drops`, a u32 that wraps): SO_MEMINFO's
/// `SK_MEMINFO_DROPS`, one getsockopt. None where the kernel (before 4.12) or an emulator
/// refuses the option.
///
/// SO_RXQ_OVFL would attach the same counter to every received message instead, but it sends
/// each datagram through the kernel's control-message path (`__sock_recv_cmsgs`, which also
/// writes the socket's timestamp field per datagram): 3-4% of the receive cost under
/// per-datagram load, paid whether or not anyone reads the count. And it reports only with a
/// datagram, so drops after the last one queued stayed unseen until another arrived.
pub fn os_drop_count(sock: &Socket) -> Option<u32> {
    const WORDS: usize = libc::SK_MEMINFO_DROPS as usize + 1;
    let mut info = [0u32; WORDS];
    let mut len = std::mem::size_of_val(&info) as libc::socklen_t;
    // SAFETY: `info` is a writable buffer of `len` bytes; the kernel copies at most `len` bytes
    // into it and stores the length it wrote in `len`.
    let r = unsafe {
        libc::getsockopt(
            sock.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_MEMINFO,
            info.as_mut_ptr().cast(),
            &mut len,
        )
    };
    (r == 0 && len as usize >= std::mem::size_of_val(&info)).then_some(info[WORDS - 1])
}

/// Asks the kernel to keep GSO batches whole on receive (UDP_GRO): one buffer for many
/// datagrams, split again by [`drain`]. Older kernels refuse; then nothing changes.
pub fn enable_gro(sock: &Socket) {
    turn_on(sock, libc::SOL_UDP, libc::UDP_GRO);
}

/// Sets an int socket option to 1; a refusal (an older kernel) leaves the socket as it was.
fn turn_on(sock: &Socket, level: libc::c_int, name: libc::c_int) {
    let on: libc::c_int = 1;
    // SAFETY: a valid option buffer of the size given, on an open socket.
    unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            level,
            name,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

struct SendScratch {
    iovs: Vec<libc::iovec>,
    hdrs: Vec<libc::mmsghdr>,
    cmsgs: Vec<[u64; CMSG_WORDS]>,
    /// For each message: index of the first packet and number of packets.
    spans: Vec<(usize, usize)>,
}

thread_local! {
    static SEND: RefCell<SendScratch> = const { RefCell::new(SendScratch {
        iovs: Vec::new(),
        hdrs: Vec::new(),
        cmsgs: Vec::new(),
        spans: Vec::new(),
    }) };
}

/// Whether the kernel's answer means "no GSO here" (then sendmmsg without it is used).
fn gso_refused(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EIO) | Some(libc::EINVAL) | Some(libc::ENOPROTOOPT) | Some(libc::EOPNOTSUPP)
    )
}

pub fn send_many(
    sock: &Socket,
    packets: &[&[u8]],
    dest: Option<&SockAddr>,
    gso_allowed: &mut bool,
) -> (usize, io::Result<()>) {
    SEND.with(|cell| {
        let mut s = cell.borrow_mut();
        let mut next = 0;
        let mut deadline = None;
        while next < packets.len() {
            let use_gso = *gso_allowed;
            plan(&mut s, packets, next, use_gso);
            if s.spans.is_empty() {
                // Only empty packets were left.
                return (packets.len(), Ok(()));
            }
            build(&mut s, packets, dest, use_gso);
            // SAFETY: the headers point at iovecs, control buffers and the destination,
            // all alive and unchanged until the call returns; the iovecs point into
            // `packets`, borrowed for the whole function.
            let n = unsafe {
                libc::sendmmsg(
                    sock.as_raw_fd(),
                    s.hdrs.as_mut_ptr(),
                    s.hdrs.len() as u32,
                    0,
                )
            };
            if n < 0 {
                let e = io::Error::last_os_error();
                let first_gso = s.spans[0].1 > 1;
                match e.kind() {
                    io::ErrorKind::Interrupted => continue,
                    io::ErrorKind::WouldBlock => {
                        let d = *deadline.get_or_insert_with(|| Instant::now() + SEND_DEADLINE);
                        if !wait_writable(sock, d) {
                            return (next, Err(io::ErrorKind::TimedOut.into()));
                        }
                        continue;
                    }
                    _ if use_gso && first_gso && gso_refused(&e) => {
                        *gso_allowed = false;
                        continue;
                    }
                    _ => return (s.spans[0].0, Err(e)),
                }
            }
            let n = n as usize;
            // Messages sent: move past their packets (and skipped empty ones before them).
            next = if n == s.spans.len() {
                let (first, count) = s.spans[n - 1];
                first + count
            } else {
                s.spans[n].0
            };
        }
        (packets.len(), Ok(()))
    })
}

/// Groups packets from `start` into messages: a GSO run (equal sizes, the last may be
/// shorter) or a single datagram. Empty packets are skipped (Godot sends nothing for them).
fn plan(s: &mut SendScratch, packets: &[&[u8]], start: usize, use_gso: bool) {
    s.spans.clear();
    let mut i = start;
    while i < packets.len() && s.spans.len() < SEND_BATCH {
        if packets[i].is_empty() {
            i += 1;
            continue;
        }
        let seg = packets[i].len();
        let mut count = 1;
        let mut bytes = seg;
        if use_gso {
            while i + count < packets.len() && count < GSO_MAX_SEGMENTS {
                let len = packets[i + count].len();
                if len == 0 || len > seg || bytes + len > GSO_MAX_BYTES {
                    break;
                }
                count += 1;
                bytes += len;
                if len < seg {
                    break; // a shorter segment ends the run
                }
            }
        }
        s.spans.push((i, count));
        i += count;
    }
}

fn build(s: &mut SendScratch, packets: &[&[u8]], dest: Option<&SockAddr>, use_gso: bool) {
    let SendScratch {
        iovs,
        hdrs,
        cmsgs,
        spans,
    } = s;
    iovs.clear();
    for &(first, count) in spans.iter() {
        for p in &packets[first..first + count] {
            iovs.push(libc::iovec {
                iov_base: p.as_ptr() as *mut libc::c_void,
                iov_len: p.len(),
            });
        }
    }
    cmsgs.clear();
    cmsgs.resize(spans.len(), [0; CMSG_WORDS]);
    hdrs.clear();
    let mut iov_at = 0;
    for (m, &(first, count)) in spans.iter().enumerate() {
        // SAFETY: mmsghdr is a plain C struct; all-zero is a valid (empty) value.
        let mut h: libc::mmsghdr = unsafe { std::mem::zeroed() };
        if let Some(d) = dest {
            h.msg_hdr.msg_name = d.as_ptr() as *mut libc::c_void;
            h.msg_hdr.msg_namelen = d.len() as _;
        }
        h.msg_hdr.msg_iov = iovs[iov_at..].as_mut_ptr();
        h.msg_hdr.msg_iovlen = count as _;
        iov_at += count;
        if use_gso && count > 1 {
            let seg = packets[first].len() as u16;
            let buf = &mut cmsgs[m];
            h.msg_hdr.msg_control = buf.as_mut_ptr().cast();
            // SAFETY: CMSG_SPACE is a pure size computation.
            h.msg_hdr.msg_controllen = unsafe { libc::CMSG_SPACE(2) } as _;
            // SAFETY: msg_control points at CMSG_WORDS aligned u64s, which is at least
            // CMSG_SPACE(2) bytes; CMSG_FIRSTHDR/CMSG_DATA stay inside it.
            unsafe {
                let c = libc::CMSG_FIRSTHDR(&h.msg_hdr);
                (*c).cmsg_level = libc::SOL_UDP;
                (*c).cmsg_type = libc::UDP_SEGMENT;
                (*c).cmsg_len = libc::CMSG_LEN(2) as _;
                std::ptr::write_unaligned(libc::CMSG_DATA(c).cast::<u16>(), seg);
            }
        }
        hdrs.push(h);
    }
}

/// Godot's form of a raw `sockaddr_storage` (IPv4 mapped); unknown families give `::`, port 0.
fn from_storage(ss: &libc::sockaddr_storage) -> (Ipv6Addr, u16) {
    match i32::from(ss.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in, which it is large and
            // aligned enough for.
            let sin =
                unsafe { &*(ss as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
            (ip.to_ipv6_mapped(), u16::from_be(sin.sin_port))
        }
        libc::AF_INET6 => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 =
                unsafe { &*(ss as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            (
                Ipv6Addr::from(sin6.sin6_addr.s6_addr),
                u16::from_be(sin6.sin6_port),
            )
        }
        _ => (Ipv6Addr::UNSPECIFIED, 0),
    }
}

//! Hostile payloads against every compressor, through ENet's callback contract: garbage,
//! truncations, mutations, and payloads whose headers lie about their size. Every one must be
//! refused with 0 (or decode to at most ENet's limit), counted, without a panic and without
//! allocating: a counting allocator checks that nothing is allocated once a compressor has
//! seen its first datagrams.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use common::{corpus, mutate, Rng, ENET_LIMIT};
use godot_udp_enet_compress::zstd::Zstd;
use godot_udp_enet_compress::{for_mode, Compressor, GodotSettings, Mode, MAX_COMPRESS_INPUT};

/// Counts the calling thread's allocations (tests run on several threads at once).
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the thread-local counters
// are const-initialised Cells, which neither allocate nor need destructors.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

fn note(size: usize) {
    let _ = ALLOCATIONS.try_with(|a| a.set(a.get() + 1));
    let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// (allocations, largest allocation) made by this thread while `f` ran.
fn allocations<R>(f: impl FnOnce() -> R) -> (R, u64, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    LARGEST.with(|l| l.set(0));
    let r = f();
    (
        r,
        ALLOCATIONS.with(Cell::get) - before,
        LARGEST.with(Cell::get),
    )
}

const MODES: [Mode; 4] = [Mode::RangeCoder, Mode::FastLz, Mode::Zlib, Mode::Zstd];

/// Valid compressed payloads of one mode, to truncate and mutate.
fn valid_payloads(c: &mut dyn Compressor, seed: u64) -> Vec<Vec<u8>> {
    corpus(seed, 40)
        .iter()
        .filter_map(|p| {
            let mut out = vec![0u8; p.len() * 2 + 128];
            let n = c.compress(&[p], p.len(), &mut out);
            (n > 0).then(|| out[..n].to_vec())
        })
        .collect()
}

/// Payloads that claim far more output than ENet allows (a few hundred bytes each).
fn lying_payloads(mode: Mode) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    match mode {
        Mode::Zstd => {
            let magic = [0x28, 0xB5, 0x2F, 0xFD];
            // Frame header descriptor 0xC0: an 8-byte content size, a window descriptor.
            for (window, content_size) in [
                (0x00u8, 1u64 << 40), // claims a terabyte
                (0xF8, u64::MAX - 3), // a 2^41-byte window and 2^64 bytes
                (0x00, 4093),         // one byte more than ENet's limit
                (0x00, 5),            // less than the block holds
            ] {
                let mut f = magic.to_vec();
                f.push(0xC0);
                f.push(window);
                f.extend_from_slice(&content_size.to_le_bytes());
                // One last raw block of 10 bytes.
                f.extend_from_slice(&((10u32 << 3) | 1).to_le_bytes()[..3]);
                f.extend_from_slice(b"0123456789");
                v.push(f);
            }
            // Single-segment frame with a 2-byte size (256 + 4000), then an RLE block (type 1)
            // of 128 KiB, and one claiming 2 MiB (past the 128 KiB block maximum).
            for block in [128u32 << 10, (2 << 20) - 1] {
                let mut f = magic.to_vec();
                f.extend_from_slice(&[0x60]);
                f.extend_from_slice(&(4000u16).to_le_bytes());
                f.extend_from_slice(&((block << 3) | (1 << 1) | 1).to_le_bytes()[..3]);
                f.push(b'x');
                v.push(f);
            }
            // A raw block claiming 100 000 bytes, with 10 present.
            let mut f = magic.to_vec();
            f.push(0x00);
            f.push(0x00);
            f.extend_from_slice(&((100_000u32 << 3) | 1).to_le_bytes()[..3]);
            f.extend_from_slice(b"0123456789");
            v.push(f);
            // A skippable frame claiming 4 GiB.
            let mut f = vec![0x50, 0x2A, 0x4D, 0x18];
            f.extend_from_slice(&u32::MAX.to_le_bytes());
            v.push(f);
        }
        Mode::Zlib => {
            // A stored block claiming 65535 bytes with 10 present.
            let mut s = vec![0x78, 0x01, 0x01, 0xFF, 0xFF, 0x00, 0x00];
            s.extend_from_slice(b"0123456789");
            v.push(s);
            // Bombs: 1 MiB and 4 MiB of zeros, deflated to 1 and 4 KiB.
            for n in [1usize << 20, 4 << 20] {
                let mut z = flate2::Compress::new(flate2::Compression::best(), true);
                let zeros = vec![0u8; n];
                let mut out = vec![0u8; 128 << 10];
                z.compress(&zeros, &mut out, flate2::FlushCompress::Finish)
                    .unwrap();
                out.truncate(z.total_out() as usize);
                v.push(out);
            }
        }
        Mode::FastLz => {
            // Level 1: a literal, then as many 264-byte matches as fit in a datagram.
            let mut l1 = vec![0x00, b'x'];
            for _ in 0..1300 {
                l1.extend_from_slice(&[0xE0, 0xFD, 0x00]);
            }
            v.push(l1);
            // Level 2: one match whose length is extended by 255-bytes (about 1 MB).
            let mut l2 = vec![0x20, b'x', 0xE0];
            l2.extend(std::iter::repeat_n(0xFF, 4000));
            l2.extend_from_slice(&[0x00, 0x00]);
            v.push(l2);
            // Matches reaching before the start of the output, near and 16-bit far.
            v.push(vec![0x00, b'x', 0x3F, 0xFF]);
            v.push(vec![0x20, b'x', 0x3F, 0xFF, 0xFF, 0xFF]);
        }
        Mode::RangeCoder | Mode::None => {
            // No header: a valid stream of more than ENet's limit.
            let mut rc = godot_udp_enet_compress::range_coder::RangeCoder::new();
            for data in [vec![b'a'; 20_000], common::payload(&mut Rng::new(9), 9_000)] {
                let mut out = vec![0u8; data.len() * 2];
                let n = rc.compress(&[&data], data.len(), &mut out);
                v.push(out[..n].to_vec());
            }
        }
    }
    v
}

fn hostile_inputs(mode: Mode, c: &mut dyn Compressor, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    let valid = valid_payloads(c, seed);
    let mut inputs = lying_payloads(mode);
    for v in &valid {
        for cut in [0, 1, v.len() / 2, v.len().saturating_sub(1)] {
            inputs.push(v[..cut].to_vec());
        }
    }
    for i in 0..6_000 {
        inputs.push(match i % 3 {
            0 => {
                let n = rng.below(MAX_COMPRESS_INPUT + 1);
                rng.bytes(n)
            }
            _ => {
                let pick = rng.below(valid.len());
                mutate(&mut rng, &valid[pick])
            }
        });
    }
    for n in [1, 2, 3, 4, 15, 16, 17, 1000, 4092] {
        inputs.push(vec![0x00; n]);
        inputs.push(vec![0xFF; n]);
    }
    inputs
}

#[test]
fn lying_payloads_are_refused_and_counted() {
    for mode in MODES {
        let mut c = for_mode(mode, &GodotSettings::default()).unwrap();
        let lies = lying_payloads(mode);
        let mut out = [0u8; ENET_LIMIT];
        for (i, lie) in lies.iter().enumerate() {
            assert_eq!(c.decompress(lie, &mut out), 0, "{mode:?}, lie {i}");
        }
        assert_eq!(c.counters().refused(), lies.len() as u64, "{mode:?}");
        assert_eq!(c.counters().decompressed(), 0);
    }
}

#[test]
fn hostile_payloads_never_panic_never_allocate_and_every_refusal_is_counted() {
    for (seed, mode) in MODES.into_iter().enumerate() {
        let mut c = for_mode(mode, &GodotSettings::default()).unwrap();
        let inputs = hostile_inputs(mode, &mut *c, seed as u64 + 100);
        let mut out = vec![0u8; ENET_LIMIT];
        // First pass: whatever a compressor sets up on its first datagrams (zlib's window).
        for input in &inputs {
            c.decompress(input, &mut out);
        }
        let before = (c.counters().decompressed(), c.counters().refused());
        let ((accepted, refused), count, largest) = allocations(|| {
            let (mut accepted, mut refused) = (0u64, 0u64);
            for input in &inputs {
                let n = c.decompress(input, &mut out);
                assert!(n <= ENET_LIMIT);
                if n == 0 {
                    refused += 1;
                } else {
                    accepted += 1;
                }
            }
            (accepted, refused)
        });
        assert_eq!((count, largest), (0, 0), "{mode:?} allocated");
        assert_eq!(c.counters().refused() - before.1, refused, "{mode:?}");
        assert_eq!(c.counters().decompressed() - before.0, accepted, "{mode:?}");
        // The hostile set is mostly refused (range-coded garbage often decodes, as in ENet).
        assert!(
            refused > inputs.len() as u64 / 3,
            "{mode:?}: {refused} refused"
        );
        eprintln!(
            "{mode:?}: {} hostile payloads, {refused} refused, {accepted} decoded to at most {ENET_LIMIT} bytes",
            inputs.len()
        );
    }
}

#[test]
fn compression_allocates_nothing_after_the_largest_datagram() {
    for mode in MODES {
        let mut c = for_mode(mode, &GodotSettings::default()).unwrap();
        let payloads = corpus(11, 200);
        let mut out = vec![0u8; MAX_COMPRESS_INPUT];
        let biggest = vec![7u8; MAX_COMPRESS_INPUT];
        c.compress(&[&biggest], biggest.len(), &mut out);
        let (_, count, _) = allocations(|| {
            for p in &payloads {
                let (a, b) = p.split_at(p.len() / 2);
                c.compress(&[a, b], p.len(), &mut out[..p.len()]);
            }
        });
        assert_eq!(count, 0, "{mode:?}");
        // More than ENet could ever offer: not compressed, nothing allocated.
        let huge = vec![0u8; MAX_COMPRESS_INPUT + 1];
        let (n, count, _) = allocations(|| c.compress(&[&huge], huge.len(), &mut out));
        if mode != Mode::RangeCoder {
            assert_eq!(n, 0, "{mode:?}");
        }
        assert_eq!(count, 0, "{mode:?}");
    }
}

#[test]
fn zstd_contexts_do_not_grow_with_what_peers_send() {
    let mut z = Zstd::new(3);
    let mut out = vec![0u8; ENET_LIMIT];
    // The inputs are made first: making them compresses, which sizes the compression context.
    let mut inputs = hostile_inputs(Mode::Zstd, &mut z, 13);
    inputs.extend(lying_payloads(Mode::Zstd));
    let biggest = vec![7u8; MAX_COMPRESS_INPUT];
    z.compress(&[&biggest], biggest.len(), &mut out);
    let memory = z.context_memory();
    for input in &inputs {
        z.decompress(input, &mut out);
    }
    assert_eq!(z.context_memory(), memory);
    eprintln!("zstd contexts: {memory} bytes");
}

//! `COMPRESS_FASTLZ`: FastLZ, as Godot's `Compression::compress/decompress(MODE_FASTLZ)` runs it.
//!
//! Godot vendors FastLZ 0.5.0 at upstream commit 4f20f54 (2020) as `thirdparty/misc/fastlz.c`.
//! `fastlz_compress` picks level 1 below 65536 bytes, so every ENet datagram body is compressed
//! with level 1; `fastlz_decompress` reads the level from the top 3 bits of the first byte and
//! decodes level 1 or 2. The stream has no header and no length: the output length is whatever
//! the instructions produce, bounded by the output limit.
//!
//! [`compress_level1`] is a port of that commit's `fastlz1_compress` (13-bit xor hash, matches up
//! to 8191 back), so the bytes are Godot's (tests check them against vectors made with Godot's
//! file, and the reference decoder against ours). [`decompress`] is FastLZ's safe decoder for
//! both levels: it refuses exactly where the C code returns 0, and also where the C code would
//! read past the end of its input (a level-2 stream ending on a match's first byte), which
//! FastLZ itself never writes.
//!
//! Godot's framing around it (`core/io/compression.cpp`): inputs under 16 bytes are padded with
//! zeros to 16 before compressing (so they decompress to 16 bytes; ENet never sends those
//! compressed, their output is longer than their input); the compress buffer is
//! `max(66, n + n * 6 / 100)` bytes; a result longer than ENet's limit is not used. Godot's
//! special case for output limits under 16 bytes is not reproduced: it returns the limit even
//! when decoding failed, and ENet's limit is never under 16 (`4096 - header`).

use std::sync::Arc;

use crate::{gather, Counters, Mode, MAX_COMPRESS_INPUT};

const MAX_COPY: usize = 32;
const MAX_LEN: usize = 264; // 256 + 8
const MAX_L1_DISTANCE: usize = 8192;
const MAX_L2_DISTANCE: usize = 8191;

const HASH_LOG: u32 = 13;
const HASH_SIZE: usize = 1 << HASH_LOG;
const HASH_MASK: u32 = HASH_SIZE as u32 - 1;

/// `HASH_FUNCTION(v, p)` of FastLZ 0.5.0 at 4f20f54: reads `p[0..3]`.
fn hash(input: &[u8], p: usize) -> usize {
    let mut v = input[p] as u32 | (input[p + 1] as u32) << 8;
    v ^= (input[p + 1] as u32 | (input[p + 2] as u32) << 8) ^ (v >> (16 - HASH_LOG));
    (v & HASH_MASK) as usize
}

/// Bounded output: every write checks the limit.
struct Out<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl Out<'_> {
    #[must_use]
    fn put(&mut self, byte: u8) -> Option<()> {
        *self.buf.get_mut(self.pos)? = byte;
        self.pos += 1;
        Some(())
    }
}

/// FastLZ level 1 compression (`fastlz1_compress`), byte for byte as Godot's FastLZ writes it.
/// `None` when the output does not fit in `out` (FastLZ needs at most
/// `input.len() + input.len() / 32 + 2` bytes; Godot gives it `max(66, n + n * 6 / 100)`).
pub fn compress_level1(input: &[u8], out: &mut [u8]) -> Option<usize> {
    let length = input.len();
    let mut op = Out { buf: out, pos: 0 };

    // sanity check
    if length < 4 {
        if length > 0 {
            // create literal copy only
            op.put((length - 1) as u8)?;
            for &b in input {
                op.put(b)?;
            }
            return Some(length + 1);
        }
        return Some(0);
    }

    let ip_bound = length - 2;
    let ip_limit = length as isize - 12 - 1;

    // initializes hash table (to the start of the input); 32 KiB of stack, where C's table of
    // pointers takes 64 KiB
    let mut htab = [0u32; HASH_SIZE];
    if length > u32::MAX as usize {
        return None;
    }

    // we start with literal copy
    let mut copy: usize = 2;
    op.put((MAX_COPY - 1) as u8)?;
    op.put(input[0])?;
    op.put(input[1])?;
    let mut ip: usize = 2;

    // main loop
    while (ip as isize) < ip_limit {
        let anchor = ip;

        // find potential match
        let hval = hash(input, ip);
        let reference = htab[hval] as usize;
        // update hash table
        htab[hval] = anchor as u32;
        // calculate distance to the match
        let mut distance = anchor - reference;

        // is this a match? check the first 3 bytes
        if distance == 0
            || distance >= MAX_L1_DISTANCE
            || input[reference] != input[anchor]
            || input[reference + 1] != input[anchor + 1]
            || input[reference + 2] != input[anchor + 2]
        {
            // literal
            op.put(input[anchor])?;
            ip = anchor + 1;
            copy += 1;
            if copy == MAX_COPY {
                copy = 0;
                op.put((MAX_COPY - 1) as u8)?;
            }
            continue;
        }

        // last matched byte
        ip = anchor + 3;
        let mut r = reference + 3;

        // distance is biased
        distance -= 1;

        if distance == 0 {
            // zero distance means a run
            let x = input[ip - 1];
            while ip < ip_bound {
                let b = input[r];
                r += 1;
                if b != x {
                    break;
                }
                ip += 1;
            }
        } else {
            // the C code compares 8 bytes unchecked ("safe because the outer check against ip
            // limit"), then byte by byte up to ip_bound; both advance past the first mismatch
            let mut mismatch = false;
            for _ in 0..8 {
                let (a, b) = (input[r], input[ip]);
                r += 1;
                ip += 1;
                if a != b {
                    mismatch = true;
                    break;
                }
            }
            if !mismatch {
                while ip < ip_bound {
                    let (a, b) = (input[r], input[ip]);
                    r += 1;
                    ip += 1;
                    if a != b {
                        break;
                    }
                }
            }
        }

        // if we have copied something, adjust the copy count
        if copy > 0 {
            // copy is biased, '0' means 1 byte copy
            *op.buf.get_mut(op.pos - copy - 1)? = (copy - 1) as u8;
        } else {
            // back, to overwrite the copy count
            op.pos -= 1;
        }

        // reset literal counter
        copy = 0;

        // length is biased, '1' means a match of 3 bytes
        ip -= 3;
        let mut len = ip - anchor;

        // encode the match
        while len > MAX_LEN - 2 {
            op.put(((7 << 5) + (distance >> 8)) as u8)?;
            op.put((MAX_LEN - 2 - 7 - 2) as u8)?;
            op.put((distance & 255) as u8)?;
            len -= MAX_LEN - 2;
        }
        if len < 7 {
            op.put(((len << 5) + (distance >> 8)) as u8)?;
            op.put((distance & 255) as u8)?;
        } else {
            op.put(((7 << 5) + (distance >> 8)) as u8)?;
            op.put((len - 7) as u8)?;
            op.put((distance & 255) as u8)?;
        }

        // update the hash at match boundary
        let hval = hash(input, ip);
        htab[hval] = ip as u32;
        ip += 1;
        let hval = hash(input, ip);
        htab[hval] = ip as u32;
        ip += 1;

        // assuming literal copy
        op.put((MAX_COPY - 1) as u8)?;
    }

    // left-over as literal copy
    while ip < length {
        op.put(input[ip])?;
        ip += 1;
        copy += 1;
        if copy == MAX_COPY {
            copy = 0;
            op.put((MAX_COPY - 1) as u8)?;
        }
    }

    // if we have copied something, adjust the copy length
    if copy > 0 {
        *op.buf.get_mut(op.pos - copy - 1)? = (copy - 1) as u8;
    } else {
        op.pos -= 1;
    }

    Some(op.pos)
}

/// FastLZ decompression (`fastlz_decompress`): level 1 or 2 by the first byte's top 3 bits.
/// `None` where FastLZ returns 0 (unknown level, truncated instruction, a match before the start
/// of the output, output past `out.len()`) and where it would read past the end of `input`.
pub fn decompress(input: &[u8], out: &mut [u8]) -> Option<usize> {
    let first = *input.first()?;
    match (first >> 5) + 1 {
        1 => decompress_level(input, out, false),
        2 => decompress_level(input, out, true),
        _ => None,
    }
}

/// `fastlz1_decompress` and `fastlz2_decompress` with `FASTLZ_SAFE` (Godot's build).
fn decompress_level(input: &[u8], out: &mut [u8], level2: bool) -> Option<usize> {
    let ip_limit = input.len();
    let ip_bound = ip_limit as isize - 2;
    let op_limit = out.len();
    let mut ip: usize = 0;
    let mut op: usize = 0;
    let mut ctrl = (input[ip] & 31) as usize;
    ip += 1;

    loop {
        if ctrl >= 32 {
            let mut len = (ctrl >> 5) - 1;
            let mut ofs = (ctrl & 31) << 8;
            let mut reference = op as isize - ofs as isize - 1;
            if len == 7 - 1 {
                if level2 {
                    loop {
                        if ip as isize > ip_bound {
                            return None;
                        }
                        let code = input[ip];
                        ip += 1;
                        len += code as usize;
                        if code != 255 {
                            break;
                        }
                    }
                } else {
                    if ip as isize > ip_bound {
                        return None;
                    }
                    len += input[ip] as usize;
                    ip += 1;
                }
            }
            // Level 1 always has this byte; level 2 may not, at the very end (C reads past).
            let code = *input.get(ip)?;
            ip += 1;
            reference -= code as isize;
            len += 3;

            // match from 16-bit distance
            if level2 && code == 255 && ofs == (31 << 8) {
                if ip as isize >= ip_bound {
                    return None;
                }
                ofs = (input[ip] as usize) << 8;
                ofs += input[ip + 1] as usize;
                ip += 2;
                reference = op as isize - ofs as isize - MAX_L2_DISTANCE as isize - 1;
            }

            if op + len > op_limit || reference < 0 {
                return None;
            }
            // An LZ77 copy: forward, byte by byte, so a short distance repeats bytes.
            let from = reference as usize;
            for i in 0..len {
                out[op + i] = out[from + i];
            }
            op += len;
        } else {
            ctrl += 1;
            if op + ctrl > op_limit || ip + ctrl > ip_limit {
                return None;
            }
            out[op..op + ctrl].copy_from_slice(&input[ip..ip + ctrl]);
            ip += ctrl;
            op += ctrl;
        }

        let done = if level2 {
            ip >= ip_limit
        } else {
            ip as isize > ip_bound
        };
        if done {
            break;
        }
        ctrl = input[ip] as usize;
        ip += 1;
    }

    Some(op)
}

/// Godot's `Compression::get_max_compressed_buffer_size(n, MODE_FASTLZ)`.
pub fn godot_max_compressed_size(n: usize) -> usize {
    (n + n * 6 / 100).max(66)
}

/// `COMPRESS_FASTLZ` as Godot installs it.
pub struct FastLz {
    src: Vec<u8>,
    dst: Vec<u8>,
    counters: Arc<Counters>,
}

impl Default for FastLz {
    fn default() -> Self {
        Self::new()
    }
}

impl FastLz {
    pub fn new() -> Self {
        FastLz {
            src: Vec::new(),
            dst: Vec::new(),
            counters: Arc::default(),
        }
    }

    /// Godot's `enet_compress` for `COMPRESS_FASTLZ`, without counting.
    pub fn compress_raw(&mut self, in_buffers: &[&[u8]], in_limit: usize, out: &mut [u8]) -> usize {
        if in_limit > MAX_COMPRESS_INPUT {
            return 0;
        }
        let n = gather(in_buffers, in_limit, &mut self.src).len();
        self.dst.resize(godot_max_compressed_size(n), 0);
        // Compression::compress(MODE_FASTLZ): under 16 bytes, compress 16 with zeros after.
        let compressed = if n < 16 {
            let mut padded = [0u8; 16];
            padded[..n].copy_from_slice(&self.src);
            compress_level1(&padded, &mut self.dst)
        } else {
            compress_level1(&self.src, &mut self.dst)
        };
        match compressed {
            Some(len) if len <= out.len() => {
                out[..len].copy_from_slice(&self.dst[..len]);
                len
            }
            _ => 0,
        }
    }

    /// Godot's `enet_decompress` for `COMPRESS_FASTLZ`, without counting.
    pub fn decompress_raw(&mut self, input: &[u8], out: &mut [u8]) -> usize {
        decompress(input, out).unwrap_or(0)
    }
}

counted_compressor!(FastLz, Mode::FastLz);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Compressor;

    fn round_trip(data: &[u8]) -> usize {
        let mut packed = vec![0u8; godot_max_compressed_size(data.len())];
        let n = compress_level1(data, &mut packed).unwrap();
        let mut back = vec![0u8; data.len()];
        assert_eq!(decompress(&packed[..n], &mut back), Some(data.len()));
        assert_eq!(back, data);
        n
    }

    #[test]
    fn round_trips() {
        for len in 1..80 {
            let data: Vec<u8> = (0..len).map(|i| (i % 7) as u8).collect();
            round_trip(&data);
        }
        assert!(round_trip(&[b'x'; 4000]) < 100);
        let text = b"the quick brown fox jumps over the lazy dog; ".repeat(90);
        assert!(round_trip(&text) < text.len() / 4);
    }

    #[test]
    fn worst_case_output_is_within_the_documented_bound() {
        let mut x = 99u32;
        for len in (1..3000).step_by(7) {
            let noise: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                })
                .collect();
            let mut out = vec![0u8; len + len / 32 + 2];
            assert!(compress_level1(&noise, &mut out).is_some(), "{len}");
        }
    }

    #[test]
    fn short_inputs_are_padded_to_16_like_godot() {
        let mut f = FastLz::new();
        let mut out = [0u8; 64];
        let n = f.compress(&[b"abc"], 3, &mut out);
        assert!(n > 0);
        let mut back = [0u8; 64];
        assert_eq!(decompress(&out[..n], &mut back), Some(16));
        assert_eq!(&back[..16], b"abc\0\0\0\0\0\0\0\0\0\0\0\0\0");
        // ENet's output limit equals the input size: never worth it under 16 bytes.
        assert_eq!(f.compress(&[b"abc"], 3, &mut out[..3]), 0);
    }

    #[test]
    fn refusals() {
        let mut out = [0u8; 64];
        assert_eq!(decompress(&[], &mut out), None);
        assert_eq!(decompress(&[0x40, 1, 2], &mut out), None); // level 3
        assert_eq!(decompress(&[0x05, 1, 2], &mut out), None); // literal past the input
        assert_eq!(decompress(&[0x00, 1, 0x20, 5], &mut out), None); // match before the start
        assert_eq!(decompress(&[0x00, 1, 0x20, 0], &mut out[..3]), None); // past the limit
        assert_eq!(decompress(&[0x00, 1, 0x20, 0], &mut out), Some(4));
        assert_eq!(&out[..4], &[1, 1, 1, 1]);
    }
}

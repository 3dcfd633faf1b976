//! Shared by the integration tests: the checked-in vectors, a seeded generator of payloads shaped
//! like ENet datagram bodies, and mutations of compressed data.
#![allow(dead_code)]

use std::path::PathBuf;

/// ENet's decompression limit with `sentTime` in the header: `ENET_PROTOCOL_MAXIMUM_MTU - 4`.
pub const ENET_LIMIT: usize = 4092;

pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// A vectors file: little-endian u32 length + bytes, repeated.
pub fn records(name: &str) -> Vec<Vec<u8>> {
    let data = std::fs::read(vectors_dir().join(name)).unwrap();
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let n = u32::from_le_bytes(data[i..i + 4].try_into().unwrap()) as usize;
        out.push(data[i + 4..i + 4 + n].to_vec());
        i += 4 + n;
    }
    out
}

/// xorshift64*: small, seeded, the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn byte(&mut self) -> u8 {
        self.next_u64() as u8
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }
}

/// A payload of `len` bytes of one of several shapes: ENet-command-like records, text, runs,
/// noise, a small alphabet, slowly changing floats.
pub fn payload(rng: &mut Rng, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 64);
    match rng.below(6) {
        0 => {
            let mut seq = rng.below(65536) as u16;
            while out.len() < len {
                let body: Vec<u8> = (0..rng.below(40) + 4)
                    .map(|i| if i % 4 == 0 { rng.below(4) as u8 } else { 0 })
                    .collect();
                seq = seq.wrapping_add(1);
                out.extend_from_slice(&[0x86, rng.below(3) as u8]);
                out.extend_from_slice(&seq.to_be_bytes());
                out.extend_from_slice(&(body.len() as u16).to_be_bytes());
                out.extend_from_slice(&body);
            }
        }
        1 => {
            const WORDS: [&str; 12] = [
                "godot", "peer", "packet", "the", "server", "client", "node", "scene", "reliable",
                "channel", "spawn", "health",
            ];
            while out.len() < len {
                out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes());
                out.push(b' ');
            }
        }
        2 => {
            while out.len() < len {
                let b = rng.byte();
                let run = rng.below(300) + 1;
                out.extend(std::iter::repeat_n(b, run));
            }
        }
        3 => out = rng.bytes(len),
        4 => {
            let alphabet = [0u8, 1, 2, 0xFF];
            out = (0..len).map(|_| alphabet[rng.below(4)]).collect();
        }
        _ => {
            let mut x = (rng.below(2000) as f32) / 100.0;
            while out.len() < len {
                x += (rng.below(100) as f32 - 50.0) / 1000.0;
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
    }
    out.truncate(len);
    out
}

/// `count` payloads of mixed shapes, sized like ENet datagram bodies (1 to 4092 bytes, many
/// small, some at the limit).
pub fn corpus(seed: u64, count: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|i| {
            let len = match i % 4 {
                0 => rng.below(64) + 1,
                1 => rng.below(600) + 1,
                2 => rng.below(ENET_LIMIT) + 1,
                _ => ENET_LIMIT - rng.below(8),
            };
            payload(&mut rng, len)
        })
        .collect()
}

/// A hostile variant of `data`: flipped bits, overwritten or inserted bytes, truncation, a
/// duplicated slice, bytes set to 0x00 or 0xFF.
pub fn mutate(rng: &mut Rng, data: &[u8]) -> Vec<u8> {
    let mut d = data.to_vec();
    for _ in 0..rng.below(4) + 1 {
        if d.is_empty() {
            d.push(rng.byte());
            continue;
        }
        let at = rng.below(d.len());
        match rng.below(7) {
            0 => d[at] ^= 1 << rng.below(8),
            1 => d[at] = rng.byte(),
            2 => d.truncate(at),
            3 => d.insert(at, rng.byte()),
            4 => {
                let end = (at + rng.below(16) + 1).min(d.len());
                let piece = d[at..end].to_vec();
                d.splice(at..at, piece);
            }
            5 => d[at] = 0xFF,
            _ => d[at] = 0,
        }
    }
    d
}

/// Splits `data` into 1 to 8 non-empty pieces, as ENet hands a compressor a datagram: command
/// headers and packet data in separate buffers.
pub fn split<'a>(rng: &mut Rng, data: &'a [u8]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut rest = data;
    let n = rng.below(8) + 1;
    for _ in 1..n {
        if rest.len() < 2 {
            break;
        }
        let at = rng.below(rest.len() - 1) + 1;
        pieces.push(&rest[..at]);
        rest = &rest[at..];
    }
    pieces.push(rest);
    pieces
}

//! Godot 4's ENet compressors, byte-compatible with what a stock Godot build puts on the wire.
//!
//! `ENetConnection.compress(mode)` (Godot's `modules/enet/enet_connection.cpp`,
//! `ENetConnection::Compressor::setup`) installs one of these as the host's ENet compressor:
//!
//! | mode (Godot's value) | what runs | module |
//! | --- | --- | --- |
//! | `COMPRESS_NONE` (0) | no compressor | |
//! | `COMPRESS_RANGE_CODER` (1) | ENet's own adaptive order-2 PPM range coder (`compress.c`) | [`range_coder`] |
//! | `COMPRESS_FASTLZ` (2) | FastLZ through `Compression::compress(MODE_FASTLZ)` | [`fastlz`] |
//! | `COMPRESS_ZLIB` (3) | zlib stream (`MODE_DEFLATE`) | [`zlib`] |
//! | `COMPRESS_ZSTD` (4) | one Zstandard frame (`MODE_ZSTD`) | [`zstd`] |
//!
//! Compression is not negotiated: both ends must use the same mode.
//!
//! Every compressor implements [`Compressor`], which mirrors ENet's `ENetCompressor` callbacks.
//! ENet compresses the body of an outgoing datagram (every byte after the 2- or 4-byte protocol
//! header, which stays uncompressed) and sets `ENET_PROTOCOL_HEADER_FLAG_COMPRESSED` only when the
//! result is non-zero and smaller than the body; on receipt it decompresses the body into a
//! `ENET_PROTOCOL_MAXIMUM_MTU`-byte buffer after the header and drops the datagram when the
//! callback returns 0. Nothing is prefixed to the compressed bytes by ENet or by Godot.
//!
//! Refused payloads are counted in [`Counters`], which a reader on another thread can hold.

#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The [`Compressor`] of a codec with `compress_raw` / `decompress_raw` and a `counters` field:
/// every result counted. Written once for the four codecs.
macro_rules! counted_compressor {
    ($codec:ty, $mode:expr) => {
        impl $crate::Compressor for $codec {
            fn compress(&mut self, in_buffers: &[&[u8]], in_limit: usize, out: &mut [u8]) -> usize {
                let n = self.compress_raw(in_buffers, in_limit, out);
                self.counters.count_compress(n)
            }

            fn decompress(&mut self, input: &[u8], out: &mut [u8]) -> usize {
                let n = self.decompress_raw(input, out);
                self.counters.count_decompress(n)
            }

            fn counters(&self) -> &std::sync::Arc<$crate::Counters> {
                &self.counters
            }

            fn mode(&self) -> $crate::Mode {
                $mode
            }
        }
    };
}

pub mod fastlz;
pub mod range_coder;
pub mod zlib;
pub mod zstd;

/// `ENET_PROTOCOL_MAXIMUM_MTU` (ENet 1.3.18 `protocol.h`): the size of each of a host's two packet
/// buffers (`ENetHost.packetData[2][4096]`), so the most a datagram can carry, compressed or not.
/// ENet decompresses into `packetData[1] + headerSize` with a limit of `4096 - headerSize`.
pub const ENET_PROTOCOL_MAXIMUM_MTU: usize = 4096;

/// The ENet protocol header that stays uncompressed: `peerID` (2 bytes), plus `sentTime`
/// (2 bytes) when `ENET_PROTOCOL_HEADER_FLAG_SENT_TIME` is set. Godot never installs ENet's
/// checksum callback, so no 4-byte checksum follows.
pub const ENET_HEADER_SIZE_WITHOUT_SENT_TIME: usize = 2;
/// See [`ENET_HEADER_SIZE_WITHOUT_SENT_TIME`].
pub const ENET_HEADER_SIZE_WITH_SENT_TIME: usize = 4;

/// The most input a [`Compressor::compress`] call accepts: ENet never offers more than a
/// datagram body (`packetSize - sizeof(ENetProtocolHeader)`, at most `mtu - 4`). Larger requests
/// return 0 (ENet then sends the datagram uncompressed) instead of growing a scratch buffer.
pub const MAX_COMPRESS_INPUT: usize = ENET_PROTOCOL_MAXIMUM_MTU;

/// ENet's compressor callbacks (`ENetCompressor` in `enet.h`), as Godot fills them.
///
/// The output limit is the length of `out`: pass `&mut buf[..limit]`. No call writes outside
/// `out`, and no call allocates in proportion to what a peer sent.
pub trait Compressor: Send {
    /// ENet's `compress(context, inBuffers, inBufferCount, inLimit, outData, outLimit)`.
    ///
    /// `in_buffers` are the datagram's pieces after the protocol header, in order; `in_limit` is
    /// their total length (ENet passes `packetSize - sizeof(ENetProtocolHeader)`). Returns the
    /// compressed length, or 0 when it could not compress into `out` (ENet then sends the
    /// datagram uncompressed, as it also does when the result is not smaller than `in_limit`).
    fn compress(&mut self, in_buffers: &[&[u8]], in_limit: usize, out: &mut [u8]) -> usize;

    /// ENet's `decompress(context, inData, inLimit, outData, outLimit)`.
    ///
    /// Returns the decompressed length, or 0 to refuse: ENet then drops the datagram. Every
    /// refusal is counted in [`Counters::refused`].
    fn decompress(&mut self, input: &[u8], out: &mut [u8]) -> usize;

    /// The counters of this compressor; clone the `Arc` to read them from another thread.
    fn counters(&self) -> &Arc<Counters>;

    /// Which of Godot's modes this is.
    fn mode(&self) -> Mode;
}

/// What a compressor did, for statistics and for tests. Relaxed atomics: each value is exact,
/// the values are not a consistent snapshot of one another.
#[derive(Debug, Default)]
pub struct Counters {
    compressed: AtomicU64,
    not_compressed: AtomicU64,
    decompressed: AtomicU64,
    refused: AtomicU64,
}

impl Counters {
    /// Calls to `compress` that returned a length.
    pub fn compressed(&self) -> u64 {
        self.compressed.load(Ordering::Relaxed)
    }
    /// Calls to `compress` that returned 0 (too big for `out`, or no input).
    pub fn not_compressed(&self) -> u64 {
        self.not_compressed.load(Ordering::Relaxed)
    }
    /// Payloads that decompressed.
    pub fn decompressed(&self) -> u64 {
        self.decompressed.load(Ordering::Relaxed)
    }
    /// Payloads refused by `decompress` (it returned 0): malformed, truncated, lying about their
    /// size, decompressing to more than the output limit, or to nothing.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    pub(crate) fn count_compress(&self, n: usize) -> usize {
        let c = if n > 0 {
            &self.compressed
        } else {
            &self.not_compressed
        };
        c.fetch_add(1, Ordering::Relaxed);
        n
    }

    pub(crate) fn count_decompress(&self, n: usize) -> usize {
        let c = if n > 0 {
            &self.decompressed
        } else {
            &self.refused
        };
        c.fetch_add(1, Ordering::Relaxed);
        n
    }
}

/// Godot's `ENetConnection::CompressionMode`, with Godot's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Mode {
    /// `COMPRESS_NONE`.
    None = 0,
    /// `COMPRESS_RANGE_CODER`.
    RangeCoder = 1,
    /// `COMPRESS_FASTLZ`.
    FastLz = 2,
    /// `COMPRESS_ZLIB`.
    Zlib = 3,
    /// `COMPRESS_ZSTD`.
    Zstd = 4,
}

impl Mode {
    /// The mode for Godot's integer value, if it is one.
    pub fn from_godot(value: i64) -> Option<Mode> {
        Some(match value {
            0 => Mode::None,
            1 => Mode::RangeCoder,
            2 => Mode::FastLz,
            3 => Mode::Zlib,
            4 => Mode::Zstd,
            _ => return None,
        })
    }
}

/// The Godot project settings that reach ENet's compressors, with Godot's defaults.
///
/// Only the compression levels matter on the wire. `compression/formats/zstd/long_distance_matching`
/// and `window_log_size` do not: Godot compresses with `ZSTD_compressCCtx`, which ignores every
/// advanced parameter, and decompresses with the one-shot `ZSTD_decompressDCtx`, which does not
/// check `ZSTD_d_windowLogMax`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GodotSettings {
    /// `compression/formats/zlib/compression_level`: -1 (zlib's default, 6) to 9. Default -1.
    pub zlib_level: i32,
    /// `compression/formats/zstd/compression_level`: 1 to 22. Default 3.
    pub zstd_level: i32,
}

impl Default for GodotSettings {
    fn default() -> Self {
        GodotSettings {
            zlib_level: -1,
            zstd_level: 3,
        }
    }
}

/// What `ENetConnection.compress(mode)` installs: `None` for `COMPRESS_NONE`.
pub fn for_mode(mode: Mode, settings: &GodotSettings) -> Option<Box<dyn Compressor>> {
    match mode {
        Mode::None => None,
        Mode::RangeCoder => Some(Box::new(range_coder::RangeCoder::new())),
        Mode::FastLz => Some(Box::new(fastlz::FastLz::new())),
        Mode::Zlib => Some(Box::new(zlib::Zlib::new(settings.zlib_level))),
        Mode::Zstd => Some(Box::new(zstd::Zstd::new(settings.zstd_level))),
    }
}

/// Godot's `Compressor::enet_compress` first copies the buffers into one contiguous block of
/// `inLimit` bytes (`src_mem`). Copies at most `in_limit` bytes, in buffer order, into `scratch`.
/// (Godot loops until `inLimit` bytes are copied, which never ends if the buffers hold fewer;
/// here the copy stops at the end of the buffers.)
pub(crate) fn gather<'a>(
    in_buffers: &[&[u8]],
    in_limit: usize,
    scratch: &'a mut Vec<u8>,
) -> &'a [u8] {
    scratch.clear();
    let mut left = in_limit;
    for buffer in in_buffers {
        if left == 0 {
            break;
        }
        let take = left.min(buffer.len());
        scratch.extend_from_slice(&buffer[..take]);
        left -= take;
    }
    scratch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_takes_in_limit_bytes_in_order() {
        let mut scratch = Vec::new();
        let parts: [&[u8]; 3] = [b"abc", b"", b"defg"];
        assert_eq!(gather(&parts, 7, &mut scratch), b"abcdefg");
        assert_eq!(gather(&parts, 5, &mut scratch), b"abcde");
        assert_eq!(gather(&parts, 100, &mut scratch), b"abcdefg");
        assert_eq!(gather(&parts, 0, &mut scratch), b"");
    }

    #[test]
    fn modes_have_godots_values() {
        for v in 0..5 {
            assert_eq!(Mode::from_godot(v).map(|m| m as i64), Some(v));
        }
        assert_eq!(Mode::from_godot(5), None);
        assert_eq!(Mode::from_godot(-1), None);
        assert!(for_mode(Mode::None, &GodotSettings::default()).is_none());
        for m in [Mode::RangeCoder, Mode::FastLz, Mode::Zlib, Mode::Zstd] {
            assert_eq!(for_mode(m, &GodotSettings::default()).unwrap().mode(), m);
        }
    }
}

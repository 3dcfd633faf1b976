//! `COMPRESS_ZSTD`: Zstandard frames, as Godot's `Compression::compress/decompress(MODE_ZSTD)`
//! makes and reads them.
//!
//! Godot (`core/io/compression.cpp`) compresses with `ZSTD_compressCCtx(cctx, dst,
//! ZSTD_compressBound(n), src, n, zstd_level)`, `zstd_level` being
//! `compression/formats/zstd/compression_level` (default 3). `ZSTD_compressCCtx` ignores the
//! long-distance-matching and window-log parameters Godot sets on the context before it, so the
//! frame is exactly `ZSTD_compress(level)`'s: one frame with its content size, no checksum, no
//! dictionary id. Decompression is the one-shot `ZSTD_decompressDCtx(dctx, out, limit, in, n)`:
//! any number of frames and skippable frames back to back, refused on an error code (a frame
//! whose content size or blocks lie about the output, a checksum mismatch, output past the limit,
//! trailing garbage). The one-shot decoder writes into the caller's buffer only and does not
//! check `ZSTD_d_windowLogMax`, so Godot's `window_log_size` does not matter either. Godot builds
//! zstd without legacy-format support; so does this crate (the `zstd-safe` crate's default
//! `legacy` feature is off).
//!
//! The same library, through `zstd-safe` (the zstd crate's safe layer over `zstd-sys`, which
//! builds the vendored libzstd): the same calls, so the same frames accepted and refused. The
//! bytes of a compressed frame match Godot's when both use the same libzstd release; any release
//! decodes the other's frames.

use std::sync::Arc;

use zstd_safe::{CCtx, DCtx};

use crate::{gather, Counters, Mode, MAX_COMPRESS_INPUT};

/// `COMPRESS_ZSTD` as Godot installs it.
pub struct Zstd {
    level: i32,
    cctx: CCtx<'static>,
    dctx: DCtx<'static>,
    src: Vec<u8>,
    dst: Vec<u8>,
    counters: Arc<Counters>,
}

impl Zstd {
    /// `level`: Godot's `compression/formats/zstd/compression_level` (default 3).
    pub fn new(level: i32) -> Self {
        Zstd {
            level,
            cctx: CCtx::create(),
            dctx: DCtx::create(),
            src: Vec::new(),
            dst: Vec::new(),
            counters: Arc::default(),
        }
    }

    /// Godot's `enet_compress` for `COMPRESS_ZSTD`, without counting.
    pub fn compress_raw(&mut self, in_buffers: &[&[u8]], in_limit: usize, out: &mut [u8]) -> usize {
        if in_limit > MAX_COMPRESS_INPUT {
            return 0;
        }
        let src = gather(in_buffers, in_limit, &mut self.src);
        self.dst.resize(zstd_safe::compress_bound(src.len()), 0);
        match self.cctx.compress(&mut self.dst[..], src, self.level) {
            Ok(len) if len <= out.len() => {
                out[..len].copy_from_slice(&self.dst[..len]);
                len
            }
            _ => 0,
        }
    }

    /// What libzstd holds for this compressor's two contexts (`ZSTD_sizeof_CCtx` +
    /// `ZSTD_sizeof_DCtx`): about 186 KB at level 3 once a full datagram was compressed
    /// (measured with zstd-sys's libzstd); no frame a peer sends makes it grow (tests/hostile.rs).
    pub fn context_memory(&self) -> usize {
        self.cctx.sizeof() + self.dctx.sizeof()
    }

    /// Godot's `enet_decompress` for `COMPRESS_ZSTD`, without counting. 0 to refuse.
    pub fn decompress_raw(&mut self, input: &[u8], out: &mut [u8]) -> usize {
        self.dctx.decompress(out, input).unwrap_or(0)
    }
}

counted_compressor!(Zstd, Mode::Zstd);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Compressor;

    #[test]
    fn round_trip_and_refusals() {
        let mut z = Zstd::new(3);
        let data = b"ENet ENet ENet ENet ENet ENet ENet ENet".repeat(30);
        let mut packed = [0u8; 4096];
        let n = z.compress(&[&data[..7], &data[7..]], data.len(), &mut packed);
        assert!(n > 0 && n < 100);
        // One frame: magic, then a frame header with the content size.
        assert_eq!(&packed[..4], &[0x28, 0xb5, 0x2f, 0xfd]);
        let mut back = [0u8; 4096];
        assert_eq!(z.decompress(&packed[..n], &mut back), data.len());
        assert_eq!(&back[..data.len()], &data[..]);
        assert_eq!(z.decompress(&packed[..n], &mut back[..data.len() - 1]), 0);
        assert_eq!(z.decompress(&packed[..n - 1], &mut back), 0);
        let mut trailing = packed[..n].to_vec();
        trailing.push(0);
        assert_eq!(z.decompress(&trailing, &mut back), 0);
        assert_eq!(z.counters().refused(), 3);
    }
}

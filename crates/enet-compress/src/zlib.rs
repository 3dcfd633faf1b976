//! `COMPRESS_ZLIB`: a zlib stream (RFC 1950: 2-byte header, deflate, Adler-32), as Godot's
//! `Compression::compress/decompress(MODE_DEFLATE)` makes and reads it.
//!
//! Godot (`core/io/compression.cpp`): `deflateInit2(level, Z_DEFLATED, 15, 8,
//! Z_DEFAULT_STRATEGY)` with `level` = `compression/formats/zlib/compression_level` (default -1,
//! zlib's default, 6), one `deflate(Z_FINISH)` into a `deflateBound`-sized buffer; the result is
//! used only if it fits ENet's limit. Decompression: `inflateInit2(15)`, one `inflate(Z_FINISH)`
//! into the limit; anything but `Z_STREAM_END` is refused (`Z_BUF_ERROR` when the stream
//! decodes to more than the limit or is truncated, `Z_DATA_ERROR` for a bad header, block or
//! checksum, `Z_NEED_DICT` for a preset dictionary); bytes after the end of the stream are
//! ignored; the length is `total_out`.
//!
//! This uses the same library through `flate2` on `libz-sys`, built from stock zlib sources
//! (the `static` feature: the same zlib on every platform, no system library): the same
//! parameters, so the same bytes as Godot's zlib, and the same streams accepted and refused.

use std::sync::Arc;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::{gather, Counters, Mode, MAX_COMPRESS_INPUT};

/// zlib's `deflateBound` for Godot's parameters (window bits 15, memory level 8, zlib wrapper).
pub fn deflate_bound(n: usize) -> usize {
    n + (n >> 12) + (n >> 14) + (n >> 25) + 13
}

/// `COMPRESS_ZLIB` as Godot installs it.
pub struct Zlib {
    /// `None` when the level is outside zlib's -1..=9 (Godot's `deflateInit2` then fails, and
    /// its compress callback always returns 0).
    deflate: Option<Compress>,
    inflate: Decompress,
    src: Vec<u8>,
    dst: Vec<u8>,
    counters: Arc<Counters>,
}

impl Zlib {
    /// `level`: Godot's `compression/formats/zlib/compression_level` (-1 = zlib's default, 6).
    pub fn new(level: i32) -> Self {
        let level = match level {
            -1 => Some(Compression::default()),
            0..=9 => Some(Compression::new(level as u32)),
            _ => None,
        };
        Zlib {
            deflate: level.map(|l| Compress::new(l, true)),
            inflate: Decompress::new(true),
            src: Vec::new(),
            dst: Vec::new(),
            counters: Arc::default(),
        }
    }

    /// Godot's `enet_compress` for `COMPRESS_ZLIB`, without counting.
    pub fn compress_raw(&mut self, in_buffers: &[&[u8]], in_limit: usize, out: &mut [u8]) -> usize {
        let Some(deflate) = self.deflate.as_mut() else {
            return 0;
        };
        if in_limit > MAX_COMPRESS_INPUT {
            return 0;
        }
        let src = gather(in_buffers, in_limit, &mut self.src);
        self.dst.resize(deflate_bound(src.len()), 0);
        deflate.reset();
        let finished = matches!(
            deflate.compress(src, &mut self.dst, FlushCompress::Finish),
            Ok(Status::StreamEnd)
        );
        let len = deflate.total_out() as usize;
        if !finished || len > out.len() {
            return 0;
        }
        out[..len].copy_from_slice(&self.dst[..len]);
        len
    }

    /// Godot's `enet_decompress` for `COMPRESS_ZLIB`, without counting. 0 to refuse.
    pub fn decompress_raw(&mut self, input: &[u8], out: &mut [u8]) -> usize {
        self.inflate.reset(true);
        let status = self.inflate.decompress(input, out, FlushDecompress::Finish);
        match status {
            Ok(Status::StreamEnd) => self.inflate.total_out() as usize,
            _ => 0,
        }
    }
}

counted_compressor!(Zlib, Mode::Zlib);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Compressor;

    #[test]
    fn round_trip_and_refusals() {
        let mut z = Zlib::new(-1);
        let data = b"godot godot godot godot godot godot".repeat(20);
        let mut packed = [0u8; 4096];
        let n = z.compress(&[&data[..100], &data[100..]], data.len(), &mut packed);
        assert!(n > 0 && n < 100);
        let mut back = [0u8; 4096];
        assert_eq!(z.decompress(&packed[..n], &mut back), data.len());
        assert_eq!(&back[..data.len()], &data[..]);
        // Trailing bytes after the stream are ignored, as zlib's inflate(Z_FINISH) does.
        let mut trailing = packed[..n].to_vec();
        trailing.extend_from_slice(b"junk");
        assert_eq!(z.decompress(&trailing, &mut back), data.len());
        // Too small an output, truncation, a bad checksum: refused.
        assert_eq!(z.decompress(&packed[..n], &mut back[..data.len() - 1]), 0);
        assert_eq!(z.decompress(&packed[..n - 1], &mut back), 0);
        let mut bad = packed[..n].to_vec();
        bad[n - 1] ^= 1;
        assert_eq!(z.decompress(&bad, &mut back), 0);
        assert_eq!(z.counters().refused(), 3);
        assert_eq!(z.counters().decompressed(), 2);
        // An output limit below the compressed size: not compressed.
        assert_eq!(z.compress(&[&data], data.len(), &mut packed[..n - 1]), 0);
    }

    #[test]
    fn levels_outside_zlibs_range_never_compress() {
        let mut z = Zlib::new(12);
        assert_eq!(z.compress(&[&[0u8; 100]], 100, &mut [0u8; 100]), 0);
        let mut z0 = Zlib::new(0);
        // Level 0 stores: longer than the input.
        assert_eq!(z0.compress(&[&[0u8; 100]], 100, &mut [0u8; 100]), 0);
    }
}

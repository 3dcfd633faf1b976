//! Godot's `ENetConnection.compress(mode)`: which compressor each `CompressionMode` installs.
//!
//! Godot (`modules/enet/enet_connection.cpp`, `ENetConnection::Compressor::setup`): NONE removes
//! the compressor, RANGE_CODER installs ENet's own coder, FASTLZ/ZLIB/ZSTD install one callback
//! pair over `core/io/compression.cpp`. Here all four come from `godot-udp-enet-compress`, whose
//! range coder is byte-identical to ENet's `compress.c` and whose codecs write what Godot writes.
//! Without the `compressors` feature (type-checking only, see Cargo.toml) RANGE_CODER is
//! rusty_enet's coder and FASTLZ/ZLIB/ZSTD install nothing.

/// Godot's `ENetConnection.CompressionMode`, with Godot's numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum CompressionMode {
    /// `COMPRESS_NONE`: datagrams go out as they are; compressed ones received are dropped.
    None = 0,
    /// `COMPRESS_RANGE_CODER`: ENet's adaptive range coder.
    RangeCoder = 1,
    /// `COMPRESS_FASTLZ`.
    FastLz = 2,
    /// `COMPRESS_ZLIB` (Godot's `MODE_DEFLATE`).
    Zlib = 3,
    /// `COMPRESS_ZSTD`.
    Zstd = 4,
}

impl CompressionMode {
    /// Every mode, in Godot's order.
    pub const ALL: [CompressionMode; 5] = [
        CompressionMode::None,
        CompressionMode::RangeCoder,
        CompressionMode::FastLz,
        CompressionMode::Zlib,
        CompressionMode::Zstd,
    ];

    /// The mode for Godot's integer value, if it is one.
    pub fn from_i64(value: i64) -> Option<CompressionMode> {
        Self::ALL.into_iter().find(|m| *m as i64 == value)
    }
}

/// The Godot project settings that reach the wire, with Godot's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

#[cfg(feature = "compressors")]
mod codecs {
    use super::{CompressionMode, GodotSettings};
    use godot_udp_enet_compress as c;

    /// One of Godot's codecs as rusty_enet's compressor. ENet gives `decompress` an output of
    /// `4096 - header` bytes and the codecs never write or allocate past their output, so a
    /// body that lies about its size is refused (0) without allocating; the host counts it.
    struct GodotCodec(Box<dyn c::Compressor>);

    impl rusty_enet::Compressor for GodotCodec {
        fn compress(&mut self, in_buffers: &[&[u8]], in_limit: usize, out: &mut [u8]) -> usize {
            self.0.compress(in_buffers, in_limit, out)
        }
        fn decompress(&mut self, in_data: &[u8], out: &mut [u8]) -> usize {
            self.0.decompress(in_data, out)
        }
    }

    pub(crate) fn codec_for(
        mode: CompressionMode,
        settings: &GodotSettings,
    ) -> Option<Box<dyn rusty_enet::Compressor>> {
        let m = c::Mode::from_godot(mode as i64)?;
        let s = c::GodotSettings {
            zlib_level: settings.zlib_level,
            zstd_level: settings.zstd_level,
        };
        c::for_mode(m, &s).map(|c| Box::new(GodotCodec(c)) as Box<dyn rusty_enet::Compressor>)
    }
}

#[cfg(not(feature = "compressors"))]
mod codecs {
    use super::{CompressionMode, GodotSettings};

    pub(crate) fn codec_for(
        mode: CompressionMode,
        _settings: &GodotSettings,
    ) -> Option<Box<dyn rusty_enet::Compressor>> {
        match mode {
            CompressionMode::RangeCoder => Some(Box::new(rusty_enet::RangeCoder::new())),
            _ => None,
        }
    }
}

/// What `compress(mode)` installs (None: no compressor).
pub(crate) use codecs::codec_for;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn godots_numbers() {
        for (i, m) in CompressionMode::ALL.into_iter().enumerate() {
            assert_eq!(m as i32, i as i32);
            assert_eq!(CompressionMode::from_i64(i as i64), Some(m));
        }
        assert_eq!(CompressionMode::from_i64(5), None);
        assert_eq!(CompressionMode::from_i64(-1), None);
        let s = GodotSettings::default();
        assert!(codec_for(CompressionMode::None, &s).is_none());
        for m in &CompressionMode::ALL[1..] {
            assert!(codec_for(*m, &s).is_some(), "{m:?}");
        }
    }
}

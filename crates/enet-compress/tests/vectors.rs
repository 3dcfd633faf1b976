//! This crate against vectors made by other implementations (tests/vectors/, made by
//! make_vectors.py; MANIFEST.txt says with what): Python's zlib, python-zstandard, the zstd
//! command-line tool, and Godot's own FastLZ.

mod common;

use common::{records, ENET_LIMIT};
use godot_udp_enet_compress::fastlz::FastLz;
use godot_udp_enet_compress::zlib::Zlib;
use godot_udp_enet_compress::zstd::Zstd;
use godot_udp_enet_compress::{Compressor, ENET_PROTOCOL_MAXIMUM_MTU};

fn inputs() -> Vec<Vec<u8>> {
    let inputs = records("inputs.bin");
    assert_eq!(inputs.len(), 48);
    inputs
}

/// Decompresses `packed` into ENet's buffer after a 4-byte header (`4096 - 4` bytes).
fn decompress(c: &mut dyn Compressor, packed: &[u8]) -> Vec<u8> {
    let mut buf = [0u8; ENET_PROTOCOL_MAXIMUM_MTU];
    let n = c.decompress(packed, &mut buf[4..]);
    buf[4..4 + n].to_vec()
}

/// Compresses `input` with a roomy output limit (ENet's would drop results that do not shrink).
fn compress(c: &mut dyn Compressor, input: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; input.len() * 2 + 128];
    let n = c.compress(&[input], input.len(), &mut out);
    out.truncate(n);
    out
}

#[test]
fn zlib_reads_pythons_zlib_and_writes_the_same_bytes_at_godots_levels() {
    let inputs = inputs();
    for (level, file) in [
        (-1, "zlib-6.bin"),
        (6, "zlib-6.bin"),
        (1, "zlib-1.bin"),
        (9, "zlib-9.bin"),
    ] {
        let mut z = Zlib::new(level);
        let vectors = records(file);
        assert_eq!(vectors.len(), inputs.len());
        for (input, packed) in inputs.iter().zip(&vectors) {
            assert_eq!(decompress(&mut z, packed), *input, "{file}");
            // Stock zlib with Godot's parameters: byte for byte what Python's zlib wrote.
            assert_eq!(compress(&mut z, input), *packed, "{file}, level {level}");
        }
        assert_eq!(z.counters().refused(), 0);
    }
}

#[test]
fn zlib_special_streams_are_accepted_and_refused_as_zlib_does() {
    let special = records("zlib-special.bin");
    let mut z = Zlib::new(-1);
    let (mut ok, mut refused) = (0, 0);
    for case in special.chunks(3) {
        let (verdict, expected, data) = (&case[0][..], &case[1], &case[2]);
        let got = decompress(&mut z, data);
        match verdict {
            b"ok" => {
                assert_eq!(got, *expected);
                ok += 1;
            }
            _ => {
                assert!(
                    got.is_empty(),
                    "refused by zlib, accepted here: {data:02x?}"
                );
                refused += 1;
            }
        }
    }
    assert_eq!((ok, refused), (2, 7));
    assert_eq!(z.counters().refused(), 7);
}

#[test]
fn zstd_reads_python_zstandard_and_the_zstd_tool() {
    let inputs = inputs();
    let mut z = Zstd::new(3);
    for file in ["zstd-3.bin", "zstd-cli.bin"] {
        let vectors = records(file);
        assert_eq!(vectors.len(), inputs.len());
        for (input, packed) in inputs.iter().zip(&vectors) {
            assert_eq!(decompress(&mut z, packed), *input, "{file}");
        }
    }
    assert_eq!(z.counters().refused(), 0);
}

#[test]
fn zstd_writes_what_libzstd_writes_at_level_3() {
    // python-zstandard's libzstd (1.5.7, MANIFEST.txt) and this crate's (zstd-sys, Cargo.lock)
    // are different releases whose level-3 frames for these payloads are the same bytes. If a
    // zstd-sys update changes that, peers still decode each other's frames (the test above and
    // the round trip below): the bytes on the wire differ, the data does not.
    let inputs = inputs();
    let vectors = records("zstd-3.bin");
    let mut z = Zstd::new(3);
    let same = inputs
        .iter()
        .zip(&vectors)
        .filter(|(input, packed)| compress(&mut z, input) == **packed)
        .count();
    assert_eq!(same, inputs.len(), "frames identical to python-zstandard's");
    for input in &inputs {
        let packed = compress(&mut z, input);
        assert_eq!(decompress(&mut z, &packed), *input);
    }
}

#[test]
fn zstd_special_frames_are_accepted_and_refused_as_libzstd_does() {
    let special = records("zstd-special.bin");
    let mut z = Zstd::new(3);
    let (mut ok, mut refused) = (0, 0);
    for case in special.chunks(3) {
        let (verdict, expected, data) = (&case[0][..], &case[1], &case[2]);
        let got = decompress(&mut z, data);
        match verdict {
            b"ok" => {
                assert_eq!(got, *expected);
                ok += 1;
            }
            _ => {
                assert!(got.is_empty(), "accepted: {data:02x?}");
                refused += 1;
            }
        }
    }
    assert_eq!((ok, refused), (5, 4));
}

#[test]
fn fastlz_writes_godots_bytes_and_reads_them() {
    let inputs = inputs();
    let vectors = records("fastlz-godot.bin");
    assert_eq!(vectors.len(), inputs.len());
    let mut f = FastLz::new();
    for (input, packed) in inputs.iter().zip(&vectors) {
        // Godot's Compression::compress(MODE_FASTLZ): short inputs padded to 16 bytes.
        assert_eq!(compress(&mut f, input), *packed, "{} bytes", input.len());
        let mut expected = input.clone();
        expected.resize(input.len().max(16), 0);
        assert_eq!(decompress(&mut f, packed), expected);
    }
    assert_eq!(f.counters().refused(), 0);
}

#[test]
fn enet_uses_compression_only_when_it_shrinks_the_body() {
    // What an ENet host does with these payloads: out limit = in limit, the result used only if
    // non-zero and smaller. Noise never shrinks; runs and text do, in every mode.
    let inputs = inputs();
    let settings = godot_udp_enet_compress::GodotSettings::default();
    for mode in [
        godot_udp_enet_compress::Mode::RangeCoder,
        godot_udp_enet_compress::Mode::FastLz,
        godot_udp_enet_compress::Mode::Zlib,
        godot_udp_enet_compress::Mode::Zstd,
    ] {
        let mut c = godot_udp_enet_compress::for_mode(mode, &settings).unwrap();
        let mut shrunk = 0;
        for (i, input) in inputs.iter().enumerate() {
            let mut out = vec![0u8; input.len()];
            let (head, tail) = input.split_at(input.len() / 3);
            let n = c.compress(&[head, tail], input.len(), &mut out);
            assert!(n <= input.len());
            let noise = (24..32).contains(&i);
            if noise {
                assert!(n == 0 || input.len() < 600, "{mode:?} shrank noise");
            }
            if n > 0 && n < input.len() {
                shrunk += 1;
                let mut back = vec![0u8; ENET_LIMIT];
                let m = c.decompress(&out[..n], &mut back);
                let mut expected = input.clone();
                if mode == godot_udp_enet_compress::Mode::FastLz {
                    expected.resize(input.len().max(16), 0);
                }
                assert_eq!(&back[..m], &expected[..], "{mode:?}");
            }
        }
        eprintln!("{mode:?}: {shrunk} of {} payloads shrank", inputs.len());
        assert!(shrunk >= 15, "{mode:?} shrank {shrunk}");
    }
}

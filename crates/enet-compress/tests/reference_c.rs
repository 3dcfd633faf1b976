//! This crate against the reference C implementations in tests/reference/ (see ORIGIN.md there):
//! ENet's range coder (compress.c) and FastLZ 0.5.0, compiled here at run time with the cc crate
//! into a small driver program the tests talk to over pipes.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::OnceLock;

use common::{corpus, mutate, split, Rng, ENET_LIMIT};
use godot_udp_enet_compress::fastlz;
use godot_udp_enet_compress::range_coder::RangeCoder;

/// Compiles tests/reference/driver.c with the reference sources, once per test run.
fn driver_path() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference");
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("enet-compress-reference");
        std::fs::create_dir_all(&dir).unwrap();
        let exe = dir.join(format!(
            "driver-{}{}",
            std::process::id(),
            std::env::consts::EXE_SUFFIX
        ));
        let tool = cc::Build::new()
            .target(env!("ENET_COMPRESS_TARGET"))
            .host(env!("ENET_COMPRESS_HOST"))
            .opt_level(2)
            .debug(false)
            .cargo_metadata(false)
            .warnings(false)
            .get_compiler();
        let mut cmd = tool.to_command();
        let includes = [src.join("fastlz"), src.join("enet/include")];
        let files = [
            src.join("driver.c"),
            src.join("fastlz/fastlz.c"),
            src.join("enet/compress.c"),
        ];
        if tool.is_like_msvc() {
            for i in &includes {
                cmd.arg(format!("/I{}", i.display()));
            }
            cmd.args(&files).arg(format!("/Fe{}", exe.display()));
            cmd.arg("/link").arg("ws2_32.lib");
        } else {
            for i in &includes {
                cmd.arg("-I").arg(i);
            }
            cmd.args(&files).arg("-o").arg(&exe);
        }
        let status = cmd.status().expect("run the C compiler");
        assert!(
            status.success(),
            "compiling the reference C failed: {cmd:?}"
        );
        exe
    })
}

/// One running driver.
struct Reference {
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
}

impl Reference {
    fn start() -> Self {
        let mut child = Command::new(driver_path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the reference driver");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        Reference {
            child,
            stdin,
            stdout,
        }
    }

    fn call(&mut self, op: u8, p1: u32, p2: u32, buffers: &[&[u8]]) -> (i64, Vec<u8>) {
        let mut req = vec![op];
        for v in [p1, p2, buffers.len() as u32] {
            req.extend_from_slice(&v.to_le_bytes());
        }
        for b in buffers {
            req.extend_from_slice(&(b.len() as u32).to_le_bytes());
            req.extend_from_slice(b);
        }
        self.stdin.write_all(&req).unwrap();
        self.stdin.flush().unwrap();
        let mut head = [0u8; 12];
        self.stdout.read_exact(&mut head).unwrap();
        let result = i64::from_le_bytes(head[..8].try_into().unwrap());
        let len = u32::from_le_bytes(head[8..].try_into().unwrap()) as usize;
        let mut data = vec![0u8; len];
        self.stdout.read_exact(&mut data).unwrap();
        (result, data)
    }

    fn fastlz_compress(&mut self, level: u32, input: &[u8]) -> Vec<u8> {
        let (r, data) = self.call(1, level, 0, &[input]);
        assert!(r > 0 || input.is_empty());
        data
    }

    /// `fastlz_decompress`: `Err(())` when it read past the end of its input (on POSIX systems,
    /// where the driver puts an unreadable page right after the input).
    fn fastlz_decompress(&mut self, input: &[u8], maxout: usize) -> Result<Option<Vec<u8>>, ()> {
        let (r, data) = self.call(2, maxout as u32, 0, &[input]);
        match r {
            -2 => Err(()),
            r => Ok((r > 0).then_some(data)),
        }
    }

    fn range_compress(&mut self, buffers: &[&[u8]], in_limit: usize, out_limit: usize) -> Vec<u8> {
        self.call(3, out_limit as u32, in_limit as u32, buffers).1
    }

    fn range_decompress(&mut self, input: &[u8], out_limit: usize) -> Vec<u8> {
        self.call(4, out_limit as u32, 0, &[input]).1
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = self.stdin.write_all(&[0]);
        let _ = self.child.wait();
    }
}

fn ours_decompress(input: &[u8], maxout: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; maxout];
    let n = fastlz::decompress(input, &mut out)?;
    out.truncate(n);
    Some(out)
}

fn ours_compress_level1(input: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; fastlz::godot_max_compressed_size(input.len())];
    let n = fastlz::compress_level1(input, &mut out).unwrap();
    out.truncate(n);
    out
}

/// Larger inputs than ENet sends, so that level 2's 16-bit distances (matches 8191 to 73725
/// bytes back) and long runs occur.
fn large_inputs() -> Vec<Vec<u8>> {
    let mut rng = Rng::new(77);
    let block = common::payload(&mut rng, 3000);
    let mut far = Vec::new();
    for i in 0..40 {
        far.extend_from_slice(&block);
        far.extend(rng.bytes(1000 + i * 37));
    }
    vec![
        far,
        vec![7u8; 100_000],
        common::payload(&mut rng, 70_000),
        b"0123456789abcdef".repeat(5000),
    ]
}

#[test]
fn fastlz_decoder_reads_the_reference_encoders_output_at_both_levels() {
    let mut c = Reference::start();
    let mut inputs = corpus(1, 300);
    inputs.extend(large_inputs());
    for input in &inputs {
        for level in [1, 2] {
            let packed = c.fastlz_compress(level, input);
            assert_eq!(packed[0] >> 5, level as u8 - 1);
            assert_eq!(
                ours_decompress(&packed, input.len()).as_deref(),
                Some(&input[..]),
                "level {level}, {} bytes",
                input.len()
            );
            // One byte short of the output: refused by both.
            assert_eq!(ours_decompress(&packed, input.len() - 1), None);
            assert_eq!(c.fastlz_decompress(&packed, input.len() - 1), Ok(None));
        }
    }
}

#[test]
fn fastlz_reference_decoder_reads_our_encoders_output() {
    let mut c = Reference::start();
    let mut inputs = corpus(2, 300);
    inputs.extend(large_inputs().into_iter().map(|mut v| {
        v.truncate(65535); // level 1 is what FastLZ (and Godot) use below 64 KiB
        v
    }));
    let (mut ours_total, mut reference_total) = (0, 0);
    for input in &inputs {
        let packed = ours_compress_level1(input);
        assert_eq!(packed[0] >> 5, 0, "level 1");
        assert_eq!(
            c.fastlz_decompress(&packed, input.len()),
            Ok(Some(input.clone()))
        );
        ours_total += packed.len();
        reference_total += c.fastlz_compress(1, input).len();
    }
    // Godot's FastLZ (4f20f54) and the reference (0.5.0 final) hash differently; both compress.
    let ratio = ours_total as f64 / reference_total as f64;
    assert!((0.9..1.1).contains(&ratio), "size ratio {ratio}");
}

#[test]
fn fastlz_decoder_refuses_what_the_reference_refuses() {
    let mut c = Reference::start();
    let mut rng = Rng::new(3);
    let sources: Vec<Vec<u8>> = corpus(4, 60)
        .iter()
        .flat_map(|p| [c.fastlz_compress(1, p), c.fastlz_compress(2, p)])
        .collect();
    let (mut agreed, mut reads_past_end) = (0, 0);
    for i in 0..12_000 {
        let input = if i % 10 == 0 {
            let n = rng.below(64);
            rng.bytes(n)
        } else {
            let pick = rng.below(sources.len());
            mutate(&mut rng, &sources[pick])
        };
        let maxout = if i % 3 == 0 {
            rng.below(300) + 1
        } else {
            ENET_LIMIT
        };
        let ours = ours_decompress(&input, maxout);
        match c.fastlz_decompress(&input, maxout) {
            Ok(expected) => {
                assert_eq!(ours, expected, "input {input:02x?}, maxout {maxout}");
                agreed += 1;
            }
            Err(()) => {
                // The C decoder read past its input (what it decodes then depends on what
                // follows in memory): refused here.
                assert_eq!(ours, None, "input {input:02x?}");
                reads_past_end += 1;
            }
        }
    }
    eprintln!("FastLZ, hostile input: {agreed} as C, {reads_past_end} where C read past the end");
    assert!(
        agreed > 11_000,
        "{agreed} agreed, {reads_past_end} read past the end"
    );
}

#[test]
fn range_coder_writes_the_reference_bytes() {
    let mut c = Reference::start();
    let mut rng = Rng::new(5);
    let mut ours = RangeCoder::new();
    let mut inputs = corpus(6, 300);
    // Long enough for the 4096-symbol model to fill and reset several times.
    inputs.push(common::payload(&mut rng, 30_000));
    inputs.push((0..20_000u32).map(|i| (i * 31 % 256) as u8).collect());
    for input in &inputs {
        let pieces = split(&mut rng, input);
        // ENet's limits (output at most the input), and room to spare.
        for out_limit in [input.len(), input.len() * 2 + 64] {
            let expected = c.range_compress(&pieces, input.len(), out_limit);
            let mut out = vec![0u8; out_limit];
            let n = ours.compress_raw(&pieces, input.len(), &mut out);
            assert_eq!(&out[..n], &expected[..], "{} bytes", input.len());
            if n > 0 {
                let mut back = vec![0u8; input.len()];
                assert_eq!(ours.decompress_raw(&out[..n], &mut back), input.len());
                assert_eq!(&back, input);
                assert_eq!(c.range_decompress(&out[..n], input.len()), *input);
            }
        }
    }
}

#[test]
fn range_coder_decoder_matches_the_reference_on_hostile_input() {
    let mut c = Reference::start();
    let mut rng = Rng::new(7);
    let mut ours = RangeCoder::new();
    let sources: Vec<Vec<u8>> = corpus(8, 60)
        .iter()
        .map(|p| c.range_compress(&[p], p.len(), p.len() * 2 + 64))
        .collect();
    let (mut decoded, mut refused) = (0, 0);
    for i in 0..8_000 {
        let input = if i % 4 == 0 {
            let n = rng.below(200) + 1;
            rng.bytes(n)
        } else {
            let pick = rng.below(sources.len());
            mutate(&mut rng, &sources[pick])
        };
        let out_limit = if i % 3 == 0 {
            rng.below(300) + 1
        } else {
            ENET_LIMIT
        };
        let expected = c.range_decompress(&input, out_limit);
        let mut out = vec![0u8; out_limit];
        let n = ours.decompress_raw(&input, &mut out);
        assert_eq!(&out[..n], &expected[..], "input {input:02x?}");
        if n > 0 {
            decoded += 1;
        } else {
            refused += 1;
        }
    }
    eprintln!("range coder, hostile input: {decoded} decoded (as C does), {refused} refused");
    assert!(decoded > 1000 && refused > 1000);
}

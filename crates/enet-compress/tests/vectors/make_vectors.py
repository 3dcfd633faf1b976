#!/usr/bin/env python3
"""Makes the test vectors in this folder, with tools that are not this crate.

    python3 make_vectors.py [--godot-fastlz PATH/TO/godot/thirdparty/misc/fastlz.c]

Needs Python 3.9+ (its zlib module), the `zstandard` package (pip install zstandard), the `zstd`
command-line tool, and, for fastlz-godot.bin only, a C compiler (`cc`) and Godot's fastlz.c.

Every file is a sequence of records, each a little-endian u32 length and that many bytes.

  inputs.bin          the payloads, made here from a fixed seed (see corpus())
  zlib-{6,1,9}.bin    per payload: Python's zlib with Godot's deflateInit2 parameters (level -1 = 6,
                      1, 9; Z_DEFLATED, window bits 15, memory level 8, Z_DEFAULT_STRATEGY)
  zstd-3.bin          per payload: python-zstandard's ZstdCompressor(level=3), content size on,
                      no checksum: what ZSTD_compress(level 3) writes
  zstd-cli.bin        per payload: the zstd command-line tool, `zstd -3 -c` (content size and a
                      checksum)
  zstd-special.bin    records in threes: b"ok" or b"refuse", the expected output, the input;
                      frames back to back, a skippable frame, no content size, a checksum, a bad
                      checksum, truncation, trailing garbage
  zlib-special.bin    the same for zlib streams: trailing bytes, a preset dictionary, a gzip wrapper,
                      a raw deflate stream, a 64 KiB window header, a bad Adler-32, a bomb; the
                      expectation is Python's zlib.decompress(data, wbits=15) (the same zlib
                      semantics as Godot's inflate(Z_FINISH) into a 4092-byte limit)
  fastlz-godot.bin    per payload: Godot's Compression::compress(MODE_FASTLZ) (padding to 16
                      bytes, then fastlz_compress), compiled from Godot's own fastlz.c with
                      godot_fastlz_vectors.c
  MANIFEST.txt        what made each file: tool versions, payload kinds and sizes
"""

import argparse
import os
import random
import struct
import subprocess
import sys
import tempfile
import zlib

import zstandard

HERE = os.path.dirname(os.path.abspath(__file__))

# ENet's decompression limit with the sentTime field: ENET_PROTOCOL_MAXIMUM_MTU - 4.
LIMIT = 4092

SIZES = [1, 3, 16, 17, 100, 576, 1400, 4092]
WORDS = (
    "the player node spawned at position with velocity health ammo score team red blue "
    "server client peer channel packet reliable unreliable godot engine scene tree signal"
).split()


def enet_like(rng, n):
    """ENet datagram bodies: SEND_RELIABLE/UNRELIABLE command headers, each carrying a
    Godot-Variant-like payload (type tag, ints, floats, short strings)."""
    out = bytearray()
    seq = rng.randrange(65536)
    while len(out) < n:
        payload = bytearray()
        for _ in range(rng.randrange(1, 6)):
            kind = rng.choice((2, 3, 4, 9))  # INT, FLOAT, STRING, VECTOR3
            payload += struct.pack("<I", kind)
            if kind == 2:
                payload += struct.pack("<i", rng.randrange(-1000, 1000))
            elif kind == 3:
                payload += struct.pack("<f", rng.uniform(-100, 100))
            elif kind == 4:
                word = rng.choice(WORDS).encode()
                payload += struct.pack("<I", len(word)) + word + b"\0" * (-len(word) % 4)
            else:
                payload += struct.pack("<fff", *(round(rng.uniform(-50, 50), 1) for _ in range(3)))
        seq = (seq + 1) % 65536
        out += struct.pack(">BBHH", 0x86, rng.randrange(3), seq, len(payload)) + payload
    return bytes(out[:n])


def text(rng, n):
    words = []
    while sum(len(w) + 1 for w in words) < n:
        words.append(rng.choice(WORDS))
    return " ".join(words).encode()[:n]


def zeros(rng, n):
    return bytes(n)


def noise(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def low_entropy(rng, n):
    return bytes(rng.choice(b"\x00\x01\x02\xff") for _ in range(n))


def floats(rng, n):
    """A slowly changing float32 state array, as game state tends to be."""
    out = bytearray()
    x = rng.uniform(-10, 10)
    while len(out) < n:
        x += rng.uniform(-0.05, 0.05)
        out += struct.pack("<f", x)
    return bytes(out[:n])


KINDS = [enet_like, text, zeros, noise, low_entropy, floats]


def corpus():
    rng = random.Random(20261207)
    items = []
    for kind in KINDS:
        for n in SIZES:
            items.append((kind.__name__, kind(rng, n)))
    return items


def write_records(name, records):
    with open(os.path.join(HERE, name), "wb") as f:
        for r in records:
            f.write(struct.pack("<I", len(r)))
            f.write(r)


def read_records(name):
    with open(os.path.join(HERE, name), "rb") as f:
        data = f.read()
    out, i = [], 0
    while i < len(data):
        (n,) = struct.unpack_from("<I", data, i)
        out.append(data[i + 4 : i + 4 + n])
        i += 4 + n
    return out


def godot_deflate(data, level):
    c = zlib.compressobj(level, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY)
    return c.compress(data) + c.flush()


def zstd_cli(data):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "payload")
        with open(path, "wb") as f:
            f.write(data)
        return subprocess.run(
            ["zstd", "-q", "-3", "-c", path], check=True, capture_output=True
        ).stdout


def godot_inflate_ok(data):
    """Python's zlib with Godot's windowBits (15): the expected output, or None if refused."""
    try:
        d = zlib.decompressobj(15)
        out = d.decompress(data, LIMIT + 1)
        if not d.eof or len(out) > LIMIT or len(out) == 0:
            return None
        return out
    except zlib.error:
        return None


def specials(payloads):
    a, b = payloads[0 * len(SIZES) + 6], payloads[1 * len(SIZES) + 5]  # enet_like 1400, text 576
    plain = zstandard.ZstdCompressor(level=3)
    z = []

    def ok(expected, frame):
        z.extend([b"ok", expected, frame])

    def refuse(frame):
        z.extend([b"refuse", b"", frame])

    ok(a + b, plain.compress(a) + plain.compress(b))
    skippable = struct.pack("<II", 0x184D2A50, 5) + b"skip!"
    ok(a, skippable + plain.compress(a))
    ok(a, zstandard.ZstdCompressor(level=3, write_content_size=False).compress(a))
    checked = zstandard.ZstdCompressor(level=3, write_checksum=True).compress(a)
    ok(a, checked)
    ok(b, zstandard.ZstdCompressor(level=19).compress(b))
    bad = bytearray(checked)
    bad[-1] ^= 0x55
    refuse(bytes(bad))
    refuse(plain.compress(a)[:-1])
    refuse(plain.compress(a) + b"\0")
    refuse(plain.compress(bytes(LIMIT + 1)))  # more than ENet's limit
    write_records("zstd-special.bin", z)

    zs = []
    stream = godot_deflate(a, -1)
    cases = [
        stream + b"trailing bytes",
        (lambda c: c.compress(a) + c.flush())(zlib.compressobj(zdict=b"godot engine scene tree")),
        (lambda c: c.compress(a) + c.flush())(zlib.compressobj(wbits=31)),  # gzip
        (lambda c: c.compress(a) + c.flush())(zlib.compressobj(wbits=-15)),  # raw deflate
        bytes([0x88, 0x1C]) + stream[2:],  # CINFO 8: a 64 KiB window, FCHECK fixed up
        stream[:-1] + bytes([stream[-1] ^ 1]),  # Adler-32
        stream[:-3],
        godot_deflate(bytes(1 << 20), 9),  # 1 MiB of zeros: a few hundred bytes
        godot_deflate(a + b, -1),
    ]
    assert (0x88 * 256 + 0x1C) % 31 == 0
    for data in cases:
        expected = godot_inflate_ok(data)
        if expected is None:
            zs.extend([b"refuse", b"", data])
        else:
            zs.extend([b"ok", expected, data])
    write_records("zlib-special.bin", zs)


def godot_fastlz(path, payloads):
    with tempfile.TemporaryDirectory() as d:
        exe = os.path.join(d, "godot_fastlz_vectors")
        subprocess.run(
            ["cc", "-O2", "-o", exe, os.path.join(HERE, "godot_fastlz_vectors.c"), path],
            check=True,
        )
        subprocess.run(
            [exe, os.path.join(HERE, "inputs.bin"), os.path.join(HERE, "fastlz-godot.bin")],
            check=True,
        )
    assert len(read_records("fastlz-godot.bin")) == len(payloads)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--godot-fastlz", help="path to Godot's thirdparty/misc/fastlz.c")
    args = parser.parse_args()

    items = corpus()
    payloads = [p for _, p in items]
    write_records("inputs.bin", payloads)
    for level, name in [(-1, "6"), (1, "1"), (9, "9")]:
        write_records(f"zlib-{name}.bin", [godot_deflate(p, level) for p in payloads])
    write_records("zstd-3.bin", [zstandard.ZstdCompressor(level=3).compress(p) for p in payloads])
    write_records("zstd-cli.bin", [zstd_cli(p) for p in payloads])
    specials(payloads)
    if args.godot_fastlz:
        godot_fastlz(args.godot_fastlz, payloads)

    cli = subprocess.run(["zstd", "--version"], check=True, capture_output=True, text=True)
    with open(os.path.join(HERE, "MANIFEST.txt"), "w") as f:
        f.write("Made by make_vectors.py (see its docstring) with:\n")
        f.write(f"  Python {sys.version.split()[0]}, zlib {zlib.ZLIB_RUNTIME_VERSION}\n")
        f.write(f"  zstandard {zstandard.__version__} (libzstd {'.'.join(map(str, zstandard.ZSTD_VERSION))})\n")
        f.write(f"  {cli.stdout.strip()}\n")
        if args.godot_fastlz:
            f.write(f"  fastlz-godot.bin: {os.path.basename(args.godot_fastlz)} (see ../reference/ORIGIN.md)\n")
        f.write("\nPayloads in inputs.bin (index: kind, bytes):\n")
        for i, (kind, p) in enumerate(items):
            f.write(f"  {i}: {kind}, {len(p)}\n")


if __name__ == "__main__":
    main()

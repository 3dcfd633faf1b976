/*
 * Writes fastlz-godot.bin: each payload of inputs.bin through Godot's
 * Compression::compress(MODE_FASTLZ) (core/io/compression.cpp): payloads under 16 bytes are
 * padded with zeros to 16, then fastlz_compress() from Godot's thirdparty/misc/fastlz.c, which
 * this file is compiled with (make_vectors.py --godot-fastlz PATH). Part of godot-udp's tests.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fastlz_compress(const void *input, int length, void *output);

static int read_u32(FILE *f, uint32_t *v) {
  uint8_t b[4];
  if (fread(b, 1, 4, f) != 4) return 0;
  *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
  return 1;
}

static void write_u32(FILE *f, uint32_t v) {
  uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  fwrite(b, 1, 4, f);
}

int main(int argc, char **argv) {
  FILE *in, *out;
  uint32_t n;
  if (argc != 3) return 2;
  in = fopen(argv[1], "rb");
  out = fopen(argv[2], "wb");
  if (!in || !out) return 3;
  while (read_u32(in, &n)) {
    /* Godot's get_max_compressed_buffer_size(n, MODE_FASTLZ): max(66, n + n * 6 / 100) */
    uint32_t cap = n + n * 6 / 100 < 66 ? 66 : n + n * 6 / 100;
    uint8_t *src = malloc(n < 16 ? 16 : n), *dst = malloc(cap);
    int r;
    if (fread(src, 1, n, in) != n) return 4;
    if (n < 16) {
      memset(src + n, 0, 16 - n);
      r = fastlz_compress(src, 16, dst);
    } else {
      r = fastlz_compress(src, (int)n, dst);
    }
    if (r <= 0 || (uint32_t)r > cap) return 5;
    write_u32(out, (uint32_t)r);
    fwrite(dst, 1, (size_t)r, out);
    free(src);
    free(dst);
  }
  fclose(out);
  return 0;
}

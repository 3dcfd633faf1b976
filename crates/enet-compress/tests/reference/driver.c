/*
 * Test driver for the reference C implementations (FastLZ 0.5.0, ENet's range coder), written
 * for godot-udp's tests (MIT, like the rest of the project). tests/reference_c.rs compiles it
 * with fastlz/fastlz.c and enet/compress.c and talks to it over stdin/stdout.
 *
 * Request (all integers little-endian u32 unless noted):
 *   u8 op, p1, p2, buffer count, then each buffer as length + bytes.
 * Response: i64 result (the C function's return value), u32 length, bytes.
 *
 *   op 1: fastlz_compress_level(p1, buffer 0)               -> the compressed bytes
 *   op 2: fastlz_decompress(buffer 0, maxout = p1) -> the decompressed bytes. On POSIX systems
 *         the input ends where an unreadable page starts, and the result is -2 when the decoder
 *         read past its input; elsewhere 16 bytes of value p2 follow it.
 *   op 3: enet_range_coder_compress(buffers, inLimit = p2, outLimit = p1) -> the compressed bytes
 *   op 4: enet_range_coder_decompress(buffer 0, outLimit = p1) -> the decompressed bytes
 *   op 0: exit
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif
#if defined(__unix__) || defined(__APPLE__)
#define GUARD_PAGE 1
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "fastlz.h"
#include "enet/enet.h"

/* compress.c's only links outside itself: ENet's allocator and enet_host_compress. */
void *enet_malloc(size_t size) { return malloc(size); }
void enet_free(void *memory) { free(memory); }
void enet_host_compress(ENetHost *host, const ENetCompressor *compressor) {
  (void)host;
  (void)compressor;
}
extern void *enet_range_coder_create(void);
extern size_t enet_range_coder_compress(void *, const ENetBuffer *, size_t, size_t, enet_uint8 *,
                                        size_t);
extern size_t enet_range_coder_decompress(void *, const enet_uint8 *, size_t, enet_uint8 *,
                                          size_t);

static void read_exact(void *p, size_t n) {
  if (n > 0 && fread(p, 1, n, stdin) != n) exit(2);
}

static uint32_t read_u32(void) {
  uint8_t b[4];
  read_exact(b, 4);
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void write_all(const void *p, size_t n) {
  if (n > 0 && fwrite(p, 1, n, stdout) != n) exit(3);
}

static void respond(int64_t result, const uint8_t *data, uint32_t len) {
  uint8_t b[12];
  uint64_t r = (uint64_t)result;
  int i;
  for (i = 0; i < 8; i++) b[i] = (uint8_t)(r >> (8 * i));
  for (i = 0; i < 4; i++) b[8 + i] = (uint8_t)(len >> (8 * i));
  write_all(b, 12);
  write_all(data, len);
  fflush(stdout);
}

#define MAX_BUFFERS 64

#ifdef GUARD_PAGE
static sigjmp_buf past_end;
static void on_fault(int sig) {
  (void)sig;
  siglongjmp(past_end, 1);
}

/* fastlz_decompress with the input's last byte right before an unreadable page. */
static int decompress_guarded(const uint8_t *data, uint32_t len, uint8_t *out, int maxout) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t span = (len + page - 1) / page * page;
  uint8_t *base = (uint8_t *)mmap(NULL, span + page, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANON, -1, 0);
  uint8_t *in;
  volatile int r = -3;
  struct sigaction sa, old_segv, old_bus;
  if (base == MAP_FAILED || mprotect(base + span, page, PROT_NONE) != 0) exit(6);
  in = base + span - len;
  memcpy(in, data, len);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fault;
  sigaction(SIGSEGV, &sa, &old_segv);
  sigaction(SIGBUS, &sa, &old_bus);
  if (sigsetjmp(past_end, 1) == 0)
    r = fastlz_decompress(in, (int)len, out, maxout);
  else
    r = -2;
  sigaction(SIGSEGV, &old_segv, NULL);
  sigaction(SIGBUS, &old_bus, NULL);
  munmap(base, span + page);
  return r;
}
#endif

int main(void) {
  void *range_coder = enet_range_coder_create();
#ifdef _WIN32
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
#endif
  for (;;) {
    uint8_t op;
    uint32_t p1, p2, count, i;
    uint8_t *buffers[MAX_BUFFERS];
    uint32_t lengths[MAX_BUFFERS];
    if (fread(&op, 1, 1, stdin) != 1 || op == 0) return 0;
    p1 = read_u32();
    p2 = read_u32();
    count = read_u32();
    if (count > MAX_BUFFERS) return 4;
    for (i = 0; i < count; i++) {
      lengths[i] = read_u32();
      /* 16 guard bytes after every buffer, of value p2 for op 2 */
      buffers[i] = (uint8_t *)malloc(lengths[i] + 16);
      read_exact(buffers[i], lengths[i]);
      memset(buffers[i] + lengths[i], op == 2 ? (int)(p2 & 0xFF) : 0, 16);
    }

    switch (op) {
      case 1: {
        uint8_t *out = (uint8_t *)malloc(lengths[0] * 2 + 66 + 64);
        int r = fastlz_compress_level((int)p1, buffers[0], (int)lengths[0], out);
        respond(r, out, r > 0 ? (uint32_t)r : 0);
        free(out);
      } break;
      case 2: {
        /* Slack past maxout: FastLZ's portable (non-x86-64) copies move whole 32-byte blocks. */
        uint8_t *out = (uint8_t *)malloc(p1 + 1 + 64);
#ifdef GUARD_PAGE
        int r = decompress_guarded(buffers[0], lengths[0], out, (int)p1);
#else
        int r = fastlz_decompress(buffers[0], (int)lengths[0], out, (int)p1);
#endif
        respond(r, out, r > 0 ? (uint32_t)r : 0);
        free(out);
      } break;
      case 3: {
        ENetBuffer in[MAX_BUFFERS];
        uint8_t *out = (uint8_t *)malloc(p1 + 1);
        size_t r;
        for (i = 0; i < count; i++) {
          in[i].data = buffers[i];
          in[i].dataLength = lengths[i];
        }
        r = enet_range_coder_compress(range_coder, in, count, p2, out, p1);
        respond((int64_t)r, out, (uint32_t)r);
        free(out);
      } break;
      case 4: {
        uint8_t *out = (uint8_t *)malloc(p1 + 1);
        size_t r = enet_range_coder_decompress(range_coder, buffers[0], lengths[0], out, p1);
        respond((int64_t)r, out, (uint32_t)r);
        free(out);
      } break;
      default:
        return 5;
    }
    for (i = 0; i < count; i++) free(buffers[i]);
  }
}

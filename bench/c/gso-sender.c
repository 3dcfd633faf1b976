/* The cheapest sender on Linux: UDP GSO (UDP_SEGMENT), many equal-sized datagrams in one
 * sendmsg() on a connected socket; `--mode sendmmsg` (or a kernel without GSO) sends the same
 * batch with one sendmmsg() instead. Every datagram carries a little-endian u32 sequence number in
 * its first 4 bytes. Stops after `duration-ms` or `count` packets; `--pps` paces the load. */
#include "bench-common.h"
#include <netinet/udp.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#define MAX_SEGS 64

int main(int argc, char **argv) {
  const char *host = arg_str(argc, argv, "--host", "127.0.0.1");
  const char *mode = arg_str(argc, argv, "--mode", "gso");
  int port = (int)arg_num(argc, argv, "--port", 0);
  int size = (int)arg_num(argc, argv, "--size", 32);
  double duration = arg_num(argc, argv, "--duration-ms", 3000) * 1e3;
  uint64_t limit = (uint64_t)arg_num(argc, argv, "--count", 0);
  double pps = arg_num(argc, argv, "--pps", 0);
  int sndbuf = (int)arg_num(argc, argv, "--sndbuf", 4 << 20);
  if (size < 4 || size > 1472) size = 32;
  int segs = 65000 / size;
  if (segs > MAX_SEGS) segs = MAX_SEGS;
  int gso = strcmp(mode, "gso") == 0;

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) die("socket");
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  struct sockaddr_in dst;
  loopback_addr(host, port, &dst);
  if (connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0) die("connect");

  char *buf = calloc((size_t)segs, (size_t)size);
  struct iovec iov[MAX_SEGS];
  struct mmsghdr msgs[MAX_SEGS];
  memset(msgs, 0, sizeof msgs);
  for (int i = 0; i < segs; i++) {
    iov[i].iov_base = buf + (size_t)i * size;
    iov[i].iov_len = (size_t)size;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  struct iovec whole = {buf, (size_t)segs * size};
  char ctrl[CMSG_SPACE(sizeof(uint16_t))];
  struct msghdr gmsg = {0};
  gmsg.msg_iov = &whole;
  gmsg.msg_iovlen = 1;
  gmsg.msg_control = ctrl;
  gmsg.msg_controllen = sizeof ctrl;
  struct cmsghdr *cm = CMSG_FIRSTHDR(&gmsg);
  cm->cmsg_level = SOL_UDP;
  cm->cmsg_type = UDP_SEGMENT;
  cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
  *(uint16_t *)CMSG_DATA(cm) = (uint16_t)size;

  double t0 = now_us(), c0 = cpu_us();
  uint64_t sent = 0, errors = 0, calls = 0;
  uint32_t seq = 0;
  // --var 1: each datagram is a Godot Variant (an INT header, then the sequence number as the
  // 32-bit value; the rest is padding the decoder ignores), for receivers that read with getVar.
  int var = arg_num(argc, argv, "--var", 0) != 0;
  size_t at = var ? 4 : 0;
  if (var)
    for (int i = 0; i < segs; i++) memcpy(buf + (size_t)i * size, "\x02\0\0\0", 4);
  for (;;) {
    int n = segs;
    if (limit && limit - sent < (uint64_t)n) n = (int)(limit - sent);
    for (int i = 0; i < n; i++) {
      memcpy(buf + (size_t)i * size + at, &seq, 4);
      seq++;
    }
    int ok;
    if (gso) {
      whole.iov_len = (size_t)n * size;
      ssize_t r = sendmsg(fd, &gmsg, 0);
      if (r < 0 && (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT)) {
        fprintf(stderr, "gso-sender: UDP_SEGMENT refused (%s), falling back to sendmmsg\n", strerror(errno));
        gso = 0;
        seq -= (uint32_t)n;
        continue;
      }
      ok = r < 0 ? 0 : n;
    } else {
      int r = sendmmsg(fd, msgs, (unsigned)n, 0);
      ok = r < 0 ? 0 : r;
    }
    calls++;
    sent += (uint64_t)ok;
    if (ok < n) {
      errors += (uint64_t)(n - ok);
      seq -= (uint32_t)(n - ok);
    }
    double t = now_us();
    if ((limit && sent >= limit) || t - t0 >= duration) break;
    if (pps > 0) {
      double due = t0 + (double)sent / pps * 1e6;
      if (due > t) {
        struct timespec ts = {0, (long)((due - t) * 1e3)};
        nanosleep(&ts, NULL);
      }
    }
  }
  double secs = (now_us() - t0) / 1e6, cpu = cpu_us() - c0;
  printf("{\"impl\":\"c-%s\",\"packets\":%llu,\"errors\":%llu,\"calls\":%llu,\"seconds\":%.4f,"
         "\"pps\":%.0f,\"cpuUs\":%.0f,\"cpuUsPerPacket\":%.4f}\n",
         gso ? "gso" : "sendmmsg", (unsigned long long)sent, (unsigned long long)errors,
         (unsigned long long)calls, secs, (double)sent / secs, cpu, sent ? cpu / (double)sent : 0.0);
  return 0;
}

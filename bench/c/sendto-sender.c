/* Send baseline: one sendto() per datagram, unconnected, to a loopback receiver. Every packet
 * carries a little-endian u32 sequence number in its first 4 bytes. Stops after `duration-ms`
 * or `count` packets, whichever comes first; reports CPU per packet over the whole run. */
#include "bench-common.h"

int main(int argc, char **argv) {
  const char *host = arg_str(argc, argv, "--host", "127.0.0.1");
  int port = (int)arg_num(argc, argv, "--port", 0);
  int size = (int)arg_num(argc, argv, "--size", 32);
  double duration = arg_num(argc, argv, "--duration-ms", 3000) * 1e3;
  uint64_t limit = (uint64_t)arg_num(argc, argv, "--count", 0);
  int sndbuf = (int)arg_num(argc, argv, "--sndbuf", 4 << 20);
  if (size < 4 || size > 65507) size = 32;

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) die("socket");
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  struct sockaddr_in dst;
  loopback_addr(host, port, &dst);
  char *pkt = calloc(1, (size_t)size);

  double t0 = now_us(), c0 = cpu_us();
  uint64_t sent = 0, errors = 0;
  uint32_t seq = 0;
  for (;;) {
    for (int i = 0; i < 256; i++) {
      memcpy(pkt, &seq, 4);
      if (sendto(fd, pkt, (size_t)size, 0, (struct sockaddr *)&dst, sizeof dst) == size) {
        seq++;
        sent++;
      } else {
        errors++;
      }
      if (limit && sent >= limit) break;
    }
    if ((limit && sent >= limit) || now_us() - t0 >= duration) break;
  }
  double secs = (now_us() - t0) / 1e6, cpu = cpu_us() - c0;
  printf("{\"impl\":\"c-sendto\",\"packets\":%llu,\"errors\":%llu,\"seconds\":%.4f,\"pps\":%.0f,"
         "\"cpuUs\":%.0f,\"cpuUsPerPacket\":%.4f}\n",
         (unsigned long long)sent, (unsigned long long)errors, secs, (double)sent / secs, cpu,
         sent ? cpu / (double)sent : 0.0);
  return 0;
}

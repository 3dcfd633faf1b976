/* Round-trip baseline: `--role pong` echoes every datagram back to its sender; `--role ping`
 * sends one datagram, blocks in recv() for the echo, and repeats `count` times after `warmup`
 * untimed rounds, then prints p50/p99/mean in microseconds. Blocking calls, no batching: the
 * smallest a round trip over loopback can cost. */
#include "bench-common.h"
#include <sys/time.h>

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  const char *role = arg_str(argc, argv, "--role", "ping");
  const char *host = arg_str(argc, argv, "--host", "127.0.0.1");
  int port = (int)arg_num(argc, argv, "--port", 0);
  int size = (int)arg_num(argc, argv, "--size", 32);
  int count = (int)arg_num(argc, argv, "--count", 10000);
  int warm = (int)arg_num(argc, argv, "--warmup", 1000);
  double limit = arg_num(argc, argv, "--max-ms", 20000) * 1e3;
  if (size < 1 || size > 65507) size = 32;

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) die("socket");
  struct timeval tv = {0, 200000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[65536] = {0};
  double t0 = now_us();

  if (strcmp(role, "pong") == 0) {
    struct sockaddr_in a;
    loopback_addr(host, port, &a);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
    socklen_t al = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &al);
    printf("READY %d\n", ntohs(a.sin_port));
    fflush(stdout);
    long echoed = 0;
    double last = now_us();
    for (;;) {
      struct sockaddr_in from;
      socklen_t fl = sizeof from;
      ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
      double t = now_us();
      if (n > 0) {
        if (n == 1 && buf[0] == 'Q') break; /* the pinger's "quit" */
        sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
        echoed++;
        last = t;
      } else if (t - last > 5e6 || t - t0 > limit) {
        break;
      }
    }
    printf("{\"impl\":\"c-pong\",\"echoed\":%ld}\n", echoed);
    return 0;
  }

  struct sockaddr_in dst;
  loopback_addr(host, port, &dst);
  if (connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0) die("connect");
  double *rtt = malloc(sizeof(double) * (size_t)count);
  int done = 0, lost = 0;
  double c0 = cpu_us();
  for (int i = 0; i < warm + count && now_us() - t0 < limit; i++) {
    memcpy(buf, &i, 4);
    double s = now_us();
    if (send(fd, buf, (size_t)size, 0) != size) die("send");
    for (;;) {
      ssize_t n = recv(fd, buf + 4096, 4096, 0);
      if (n < 0) {
        lost++;
        break;
      }
      int got;
      memcpy(&got, buf + 4096, 4);
      if (got == i) {
        if (i >= warm) rtt[done++] = now_us() - s;
        break;
      }
    }
  }
  double cpu = cpu_us() - c0;
  send(fd, "Q", 1, 0);
  qsort(rtt, (size_t)done, sizeof(double), cmp_double);
  double sum = 0;
  for (int i = 0; i < done; i++) sum += rtt[i];
  printf("{\"impl\":\"c\",\"rounds\":%d,\"lost\":%d,\"p50\":%.2f,\"p99\":%.2f,\"mean\":%.2f,"
         "\"pingCpuUsPerRound\":%.3f}\n",
         done, lost, done ? rtt[done / 2] : 0.0, done ? rtt[(int)(done * 0.99)] : 0.0,
         done ? sum / done : 0.0, done ? cpu / (warm + done) : 0.0);
  return done == count ? 0 : 1;
}

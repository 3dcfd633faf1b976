/* Receive baseline: the kernel's limit for a receiving core. Drains a UDP socket with recvmmsg
 * batches (MSG_WAITFORONE: block for the first datagram, take what else is queued), reads each
 * packet's sequence number like every other receiver under test, and reports CPU per packet over
 * a fixed window that starts `warmup-ms` after the first packet. With `--sink 1` it is the
 * receiving end of the send benchmarks instead. `--gro 1` sets UDP_GRO, as godot-udp's engine
 * does: a GSO batch from the sender then arrives as one buffer of many datagrams (counted as the
 * datagrams it holds). */
#include "bench-common.h"
#include <netinet/udp.h>
#include <sys/time.h>

#ifndef UDP_GRO
#define UDP_GRO 104
#endif

#define SLOT 65536
#define CTRL 64

int main(int argc, char **argv) {
  int port = (int)arg_num(argc, argv, "--port", 0);
  const char *host = arg_str(argc, argv, "--host", "127.0.0.1");
  double warmup = arg_num(argc, argv, "--warmup-ms", 500) * 1e3;
  double window = arg_num(argc, argv, "--window-ms", 2000) * 1e3;
  double idle = arg_num(argc, argv, "--idle-ms", 5000) * 1e3;
  int batch = (int)arg_num(argc, argv, "--batch", 64);
  /* 0: the kernel's default SO_RCVBUF, as godot-udp (which never sets it) gets. */
  int rcvbuf = (int)arg_num(argc, argv, "--rcvbuf", 0);
  /* Sink mode (for the send benchmarks): no window; count everything until `idle-ms` pass
   * without a packet after the first one, then report the total. */
  int sink = (int)arg_num(argc, argv, "--sink", 0);
  int gro = (int)arg_num(argc, argv, "--gro", 0);
  if (batch < 1 || batch > 1024) batch = 64;

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) die("socket");
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  struct timeval tv = {0, 50000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_in addr;
  loopback_addr(host, port, &addr);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
  if (gro && setsockopt(fd, SOL_UDP, UDP_GRO, &gro, sizeof gro) < 0) die("UDP_GRO");
  socklen_t alen = sizeof addr;
  getsockname(fd, (struct sockaddr *)&addr, &alen);
  printf("READY %d\n", ntohs(addr.sin_port));
  fflush(stdout);

  char *buf = malloc((size_t)batch * SLOT);
  struct mmsghdr *msgs = calloc((size_t)batch, sizeof *msgs);
  struct iovec *iov = calloc((size_t)batch, sizeof *iov);
  struct sockaddr_in *from = calloc((size_t)batch, sizeof *from);
  char *ctrl = calloc((size_t)batch, CTRL);
  for (int i = 0; i < batch; i++) {
    iov[i].iov_base = buf + (size_t)i * SLOT;
    iov[i].iov_len = SLOT;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &from[i];
  }
  const char *impl = gro ? "c-recvmmsg-gro" : "c-recvmmsg";

  /* phase 0: waiting for the first packet, 1: warm-up, 2: window */
  int phase = 0;
  double start = now_us(), t_first = 0, t_win = 0, cpu_win = 0, last_rx = start;
  uint64_t count = 0, count_win = 0, calls = 0;
  uint32_t seq = 0, seq_win = 0;
  for (;;) {
    for (int i = 0; i < batch; i++) {
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
      if (gro) {
        msgs[i].msg_hdr.msg_control = ctrl + (size_t)i * CTRL;
        msgs[i].msg_hdr.msg_controllen = CTRL;
      }
    }
    int n = recvmmsg(fd, msgs, (unsigned)batch, MSG_WAITFORONE, NULL);
    double t = now_us();
    if (n > 0) {
      calls++;
      for (int i = 0; i < n; i++) {
        unsigned len = msgs[i].msg_len, seg = len, held = 1;
        if (gro) {
          for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
            if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
              int s;
              memcpy(&s, CMSG_DATA(c), sizeof s);
              if (s > 0) seg = (unsigned)s;
            }
          held = seg ? (len + seg - 1) / seg : 1;
        }
        /* every datagram is looked at, as the other receivers do: its sequence number */
        for (unsigned k = 0; k < held; k++)
          if (len - k * seg >= 4) memcpy(&seq, (char *)iov[i].iov_base + (size_t)k * seg, 4);
        count += held;
      }
      last_rx = t;
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      die("recvmmsg");
    }
    if (phase == 0 && count > 0) {
      phase = 1;
      t_first = t;
    }
    if (phase == 1 && !sink && t - t_first >= warmup) {
      phase = 2;
      t_win = t;
      cpu_win = cpu_us();
      count_win = count;
      seq_win = seq;
      calls = 0;
    }
    if (phase == 2 && t - t_win >= window) break;
    if (sink && count > 0 && t - last_rx > idle) {
      printf("{\"impl\":\"%s-sink\",\"packets\":%llu,\"lastSeq\":%u}\n",
             impl, (unsigned long long)count, seq);
      return 0;
    }
    if (t - last_rx > (sink && count == 0 ? 3 * idle : idle)) {
      fprintf(stderr, "recvmmsg-receiver: no packet for %.0f ms (phase %d)\n", idle / 1e3, phase);
      printf("{\"impl\":\"%s\",\"error\":\"idle\",\"packets\":%llu}\n", impl, (unsigned long long)count);
      return 1;
    }
  }
  double secs = (now_us() - t_win) / 1e6;
  double cpu = cpu_us() - cpu_win;
  uint64_t got = count - count_win;
  uint32_t span = seq - seq_win;
  printf("{\"impl\":\"%s\",\"packets\":%llu,\"seconds\":%.4f,\"pps\":%.0f,\"cpuUs\":%.0f,"
         "\"cpuUsPerPacket\":%.4f,\"seqSpan\":%u,\"loss\":%.5f,\"packetsPerCall\":%.2f}\n",
         impl, (unsigned long long)got, secs, (double)got / secs, cpu, got ? cpu / (double)got : 0.0, span,
         span ? 1.0 - (double)got / (double)span : 0.0, calls ? (double)got / (double)calls : 0.0);
  return 0;
}

/* Shared helpers of the C baselines: clocks, CPU time of the whole process, argument parsing.
 * Every program prints exactly one JSON line on stdout as its result (receivers print
 * "READY <port>" before it) and exits by itself within its time budget. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static inline double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* User + system CPU of every thread of the process, in microseconds. */
static inline double cpu_us(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
         (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static inline void die(const char *what) {
  fprintf(stderr, "%s: %s\n", what, strerror(errno));
  exit(2);
}

/* "--name value" lookup with a default; every program takes only numeric options plus --host. */
static inline const char *arg_str(int argc, char **argv, const char *name, const char *dflt) {
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp(argv[i], name) == 0) return argv[i + 1];
  return dflt;
}
static inline double arg_num(int argc, char **argv, const char *name, double dflt) {
  const char *s = arg_str(argc, argv, name, NULL);
  return s ? atof(s) : dflt;
}

/* Loopback only: the programs refuse any other destination. */
static inline void loopback_addr(const char *host, int port, struct sockaddr_in *out) {
  memset(out, 0, sizeof(*out));
  out->sin_family = AF_INET;
  out->sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, host, &out->sin_addr) != 1 || (ntohl(out->sin_addr.s_addr) >> 24) != 127) {
    fprintf(stderr, "refusing non-loopback address %s\n", host);
    exit(2);
  }
}

#endif

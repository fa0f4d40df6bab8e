/*
 * bench: the clocks and the median shared by the bench programs
 * (bench_clock.h).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "bench_clock.h"

#include <stdlib.h>
#include <time.h>

static double clock_s(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double idr_bench_wall_s(void) {
  return clock_s(CLOCK_MONOTONIC);
}

double idr_bench_cpu_s(void) {
  return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double idr_bench_median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

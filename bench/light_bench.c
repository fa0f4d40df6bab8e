/*
 * light_bench: the cost of the illuminated TID (issue 14) through the
 * public API, measured by wall time, the process's CPU time (every thread)
 * and the user-space instructions retired (perf_event_open, every thread;
 * "unavailable" where the kernel refuses), so that a figure taken on a
 * machine loaded by other work still says what the run itself cost. The
 * load average is printed before and after.
 *   case=light_scan: one illuminated 11-temperature TID scan of
 *     examples/xiang2026_light.yaml (or argv[1]) at x = 0.05, 1 thread;
 *   case=reproduce_dark / case=reproduce_light: `iondrift reproduce
 *     xiang2026 --no-tas` without and with --light, 2 threads (the light
 *     panel's own cost is their difference).
 * One machine-readable line per case:
 *   bench case=... wall_s=... cpu_s=... instructions=... threads=...
 */
#define _GNU_SOURCE /* syscall, setenv */
#include "bench_clock.h"
#include "iondrift.h"

#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A user-space instruction counter of this process and the threads it
 * creates from now on (inherit); -1 when the kernel refuses. */
static int counter_open(void) {
  struct perf_event_attr a;
  memset(&a, 0, sizeof a);
  a.size = sizeof a;
  a.type = PERF_TYPE_HARDWARE;
  a.config = PERF_COUNT_HW_INSTRUCTIONS;
  a.disabled = 1;
  a.exclude_kernel = 1;
  a.exclude_hv = 1;
  a.inherit = 1;
  return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

static void loadavg(const char *when) {
  FILE *f = fopen("/proc/loadavg", "r");
  char line[128] = "?";
  if (f) {
    if (!fgets(line, sizeof line, f)) snprintf(line, sizeof line, "?");
    fclose(f);
  }
  line[strcspn(line, "\n")] = '\0';
  printf("bench load_%s=\"%s\" cores=%ld\n", when, line, sysconf(_SC_NPROCESSORS_ONLN));
}

typedef struct meter {
  int fd;
  double w0, c0;
} meter;

static void meter_start(meter *m) {
  m->fd = counter_open();
  if (m->fd >= 0) {
    ioctl(m->fd, PERF_EVENT_IOC_RESET, 0);
    ioctl(m->fd, PERF_EVENT_IOC_ENABLE, 0);
  }
  m->w0 = idr_bench_wall_s();
  m->c0 = idr_bench_cpu_s();
}

static void meter_report(meter *m, const char *name, int threads, const char *extra) {
  double w = idr_bench_wall_s() - m->w0, c = idr_bench_cpu_s() - m->c0;
  uint64_t n = 0;
  int ok = 0;
  if (m->fd >= 0) {
    ioctl(m->fd, PERF_EVENT_IOC_DISABLE, 0);
    ok = read(m->fd, &n, sizeof n) == (ssize_t)sizeof n;
    close(m->fd);
  }
  char ins[32];
  if (ok)
    snprintf(ins, sizeof ins, "%.4g", (double)n);
  else
    snprintf(ins, sizeof ins, "unavailable");
  printf("bench case=%s wall_s=%.3f cpu_s=%.3f instructions=%s threads=%d %s\n", name, w, c, ins,
         threads, extra);
  fflush(stdout);
}

static int fail(const char *what, const idr_error *err) {
  fprintf(stderr, "light_bench: %s: %s\n", what, err->msg);
  return 1;
}

static int bench_scan(const char *path) {
  idr_error err;
  idr_error_clear(&err);
  idr_study *s = NULL;
  idr_result *r = NULL;
  const idr_value v[2] = {{"layers[1].composition.family", "FAPbI3-Br", 0},
                          {"layers[1].composition.x", NULL, 0.05}};
  if (idr_study_load(path, NULL, 0, &s, &err) || idr_study_set_values(s, v, 2, &err))
    return fail(path, &err);
  meter m;
  meter_start(&m);
  idr_status st = idr_study_run(s, 1, NULL, NULL, &r, &err);
  if (!st) meter_report(&m, "light_scan", 1, "temperatures=11 x=0.05");
  idr_result_free(&r);
  idr_study_free(&s);
  return st ? fail("light scan", &err) : 0;
}

static int bench_reproduce(int light) {
  idr_error err;
  idr_error_clear(&err);
  idr_reproduce_options o = {0};
  o.threads = 2;
  o.no_tas = 1;
  o.light = light;
  idr_result *r = NULL;
  meter m;
  meter_start(&m);
  idr_status st = idr_reproduce_xiang2026(&o, &r, &err);
  if (!st)
    meter_report(&m, light ? "reproduce_light" : "reproduce_dark", 2,
                 light ? "scans=8_dark+7_light+1_aged" : "scans=8_dark");
  idr_result_free(&r);
  return st ? fail("reproduction", &err) : 0;
}

int main(int argc, char **argv) {
  /* the source tree's decks and data unless the caller points elsewhere */
  setenv("IONDRIFT_EXAMPLES", IDR_SOURCE_DIR "/examples", 0);
  setenv("IONDRIFT_MATERIALS", IDR_SOURCE_DIR "/materials/data", 0);
  const char *path = argc > 1 ? argv[1] : IDR_SOURCE_DIR "/examples/xiang2026_light.yaml";
  loadavg("before");
  int rc = bench_scan(path);
  if (!rc) rc = bench_reproduce(0);
  if (!rc) rc = bench_reproduce(1);
  loadavg("after");
  return rc;
}

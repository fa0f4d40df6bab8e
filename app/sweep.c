/*
 * iondrift app: `iondrift sweep SWEEP.yaml -o DIR`, the command line of the
 * parameter sweeps of sweep/ (docs/sweep.md): the options, the plan, the
 * progress line on stderr and the summary. Under mpirun (a build with MPI)
 * every rank runs this; only rank 0 prints.
 */
#define _POSIX_C_SOURCE 200809L

#include "app.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* seconds between progress lines on a terminal / into a file or pipe */
#define PROGRESS_TTY_S 0.5
#define PROGRESS_LOG_S 10.0

static const char USAGE_SWEEP[] =
    "Usage: iondrift sweep SWEEP.yaml -o DIR [--threads N] [--restart] [--retry-failed]\n"
    "                      [--slice K/N | --merge] [--check] [-q]\n"
    "\n"
    "Run every point of a sweep spec (a base deck, axes of deck paths, named outputs;\n"
    "docs/sweep.md) and write DIR/results.csv (index, one column per axis, one per\n"
    "output, status ok|failed, message) and DIR/results.h5 (the same with units, the\n"
    "resolved spec, the curves with 'curves: true').\n"
    "\n"
    "Nothing is lost: each finished point is appended to DIR/journal.txt (fsynced). Run\n"
    "the same command again after a kill, a node loss or a time limit: finished points\n"
    "are skipped and the table ends the same as an uninterrupted run's. A DIR made by\n"
    "a different spec is refused (--restart starts over).\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR  output directory (created; its parent must exist)\n"
    "  --threads N       OpenMP threads per process, one point each (default: all the\n"
    "                    runtime offers, OMP_NUM_THREADS)\n"
    "  --restart         discard what DIR holds of an earlier sweep, then run\n"
    "  --retry-failed    run the points recorded as failed again\n"
    "  --slice K/N       run only the points i with i mod N = K (0 <= K < N; one task of\n"
    "                    a job array); writes DIR/journal.slice-K-of-N.txt, no tables\n"
    "  --merge           run nothing: write the tables from the journals of DIR (all\n"
    "                    slices done); without --merge the missing points are run here\n"
    "  --check           check the spec, every point's deck and DIR (with -o), print\n"
    "                    the plan, exit\n"
    "  -q, --quiet       no progress line, no summary\n"
    "\n"
    "MPI: in a build with Open MPI, 'mpirun -np R iondrift sweep ...' (or srun)\n"
    "spreads the points over R ranks (dynamic scheduling, --threads each; rank 0\n"
    "writes the files).\n"
    "\n"
    "Exit status: 0 the tables written (failed points are rows with status failed),\n"
    "or the slice done; 1 runtime failure (I/O, points missing at --merge); 2 bad\n"
    "input (spec, a point's deck, options, a DIR of another spec).\n";

void idr_app_sweep_usage(FILE *f) {
  fputs(USAGE_SWEEP, f);
}

typedef struct sweep_args {
  idr_app_spec_args c; /* the spec, -o DIR, --threads, -q, --help */
  idr_sweep_run_opts run;
  int check;
} sweep_args;

typedef struct printer {
  int quiet, tty;
  double last;
} printer;

static int usage(int rank, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage(int rank, const char *fmt, ...) {
  if (rank != 0) return IDR_EXIT_INPUT;
  va_list ap;
  va_start(ap, fmt);
  fputs("iondrift: error: sweep: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\nTry 'iondrift help sweep'.\n", stderr);
  return IDR_EXIT_INPUT;
}

static int parse_int(const char *s, int lo, int *out) {
  char *end = NULL;
  long v = s ? strtol(s, &end, 10) : 0;
  if (!s || !*s || *end || v < lo || v > 1000000) return 0;
  *out = (int)v;
  return 1;
}

static int parse_args(int argc, char **argv, int rank, sweep_args *a) {
  a->c = (idr_app_spec_args){.cmd = "sweep",
                             .spec_name = "SWEEP.yaml",
                             .usage = USAGE_SWEEP,
                             .out_is = "a directory",
                             .silent = rank != 0};
  for (int i = 2; i < argc; i++) {
    const char *s = argv[i];
    int r = idr_app_spec_option(argc, argv, &i, &a->c);
    if (r != IDR_APP_OPT_OTHER) {
      if (r != IDR_APP_OPT_TAKEN) return r;
    } else if (idr_app_is_opt(s, "--slice")) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--slice");
      char k[32] = "", n[32] = "";
      const char *slash = v ? strchr(v, '/') : NULL;
      if (slash && (size_t)(slash - v) < sizeof k) memcpy(k, v, (size_t)(slash - v));
      if (slash) idr_strlcpy(n, slash + 1, sizeof n);
      if (!parse_int(k, 0, &a->run.slice_k) || !parse_int(n, 1, &a->run.slice_n) ||
          a->run.slice_k >= a->run.slice_n)
        return usage(rank, "--slice must be K/N with 0 <= K < N (got '%s')", v ? v : "");
    } else if (strcmp(s, "--restart") == 0) {
      a->run.restart = 1;
    } else if (strcmp(s, "--retry-failed") == 0) {
      a->run.retry_failed = 1;
    } else if (strcmp(s, "--merge") == 0) {
      a->run.merge_only = 1;
    } else if (strcmp(s, "--check") == 0) {
      a->check = 1;
    } else {
      return usage(rank, "unknown option '%s'", s);
    }
  }
  int code = idr_app_spec_finish(&a->c);
  if (code) return code;
  a->run.threads = a->c.threads;
  if (!a->c.out && !a->check) return usage(rank, "missing -o DIR (the output directory)");
  if (a->run.merge_only && (a->run.slice_n || a->run.restart || a->run.retry_failed))
    return usage(rank, "--merge runs nothing: no --slice, --restart or --retry-failed with it");
  return 0;
}

/* ---- printing --------------------------------------------------------------------- */

static void fmt_time(double s, char *buf, size_t size) {
  if (!isfinite(s))
    snprintf(buf, size, "?");
  else if (s < 60)
    snprintf(buf, size, "%.0f s", s);
  else if (s < 3600)
    snprintf(buf, size, "%.0f min %02.0f s", floor(s / 60), fmod(s, 60));
  else
    snprintf(buf, size, "%.0f h %02.0f min", floor(s / 3600), floor(fmod(s, 3600) / 60));
}

static void on_progress(void *user, const idr_sweep_progress *p, int final) {
  printer *pr = user;
  if (pr->quiet) return;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  double now = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
  if (!final && now - pr->last < (pr->tty ? PROGRESS_TTY_S : PROGRESS_LOG_S)) return;
  pr->last = now;
  char left[32];
  fmt_time(p->eta_s, left, sizeof left);
  fprintf(stderr, "%ssweep: %zu/%zu done", pr->tty ? "\r" : "", p->done + p->resumed, p->total);
  if (p->resumed) fprintf(stderr, " (%zu resumed)", p->resumed);
  fprintf(stderr, ", %zu failed, %zu flagged, %.3g points/s, %s left%s", p->failed, p->flagged,
          p->rate, final ? "0 s" : left, pr->tty && !final ? "   " : "\n");
  fflush(stderr);
}

static void print_plan(const idr_sweep *sw, const sweep_args *a, int ranks) {
  printf("iondrift %s: sweep %s\n", IDR_VERSION, a->c.spec);
  printf("  design        %s, %zu points, protocol %s\n", idr_sweep_design_name(sw),
         idr_sweep_n_points(sw), idr_sweep_protocol(sw));
  for (size_t k = 0; k < idr_sweep_n_axes(sw); k++)
    printf("  %-13s %s\n", k ? "" : "axes", idr_sweep_axis_path(sw, k));
  printf("  outputs      ");
  for (size_t j = 0; j < idr_sweep_n_outputs(sw); j++)
    printf(" %s [%s]", idr_sweep_output_name(sw, j), idr_sweep_output_units(sw, j));
  printf("\n");
  if (!a->check && ranks > 1) printf("  ranks         %d (MPI)\n", ranks);
  fflush(stdout);
}

static void print_summary(const idr_sweep_summary *s, const sweep_args *a) {
  double busy = s->run_s + s->overhead_s;
  printf("  ran on        %d rank%s x %d thread%s, peak memory %.0f MB per rank\n", s->ranks,
         s->ranks > 1 ? "s" : "", s->threads, s->threads > 1 ? "s" : "", s->peak_rss_mb);
  printf("  points        %zu done here, %zu resumed, %zu failed, %zu flagged (of %zu)\n", s->done,
         s->resumed, s->failed, s->flagged, s->total);
  printf("  wall          %.3f s, %.3g points/s; overhead outside the runs %.3g %% "
         "(%.3g ms per point)\n",
         s->wall_s, s->wall_s > 0 ? (double)s->done / s->wall_s : 0.0,
         busy > 0 ? 100.0 * s->overhead_s / busy : 0.0,
         s->done ? 1e3 * s->overhead_s / (double)s->done : 0.0);
  if (s->tables)
    printf("  wrote         %s\n                %s\n", s->csv_path, s->h5_path);
  else if (a->run.slice_n)
    printf("  slice         %d of %d done in %s; after every slice: iondrift sweep %s -o %s "
           "--merge\n",
           a->run.slice_k, a->run.slice_n, s->journal_path, a->c.spec, a->c.out);
}

/* ---- the command -------------------------------------------------------------------- */

static int sweep_main(int argc, char **argv, int rank, int size) {
  sweep_args a;
  memset(&a, 0, sizeof a);
  int code = parse_args(argc, argv, rank, &a);
  if (code) return code < 0 ? IDR_EXIT_OK : code;
  idr_error err;
  idr_error_clear(&err);
  idr_sweep *sw = NULL;
  idr_status st = idr_sweep_load(a.c.spec, &sw, &err);
  if (!st && rank == 0) st = idr_sweep_check_points(sw, &err);
  /* a bad DIR is refused before the plan is printed and before any work */
  if (!st && rank == 0 && a.c.out) st = idr_sweep_check_dir(sw, a.c.out, a.run.restart, &err);
  st = idr_sweep_mpi_agree(st, &err);
  printer pr = {a.c.quiet || rank != 0, isatty(STDERR_FILENO), -1e9};
  if (!st && rank == 0 && !a.c.quiet) print_plan(sw, &a, size);
  if (!st && !a.check) {
    a.run.dir = a.c.out;
    a.run.on_progress = on_progress;
    a.run.user = &pr;
    idr_sweep_summary sum;
    st = idr_sweep_run(sw, &a.run, &sum, &err);
    if (!st && rank == 0 && !a.c.quiet) print_summary(&sum, &a);
  }
  if (st && rank == 0) fprintf(stderr, "iondrift: error: %s\n", err.msg);
  idr_sweep_free(&sw);
  return st ? idr_app_exit_code(st) : IDR_EXIT_OK;
}

int idr_app_sweep(int argc, char **argv) {
  idr_error err;
  idr_error_clear(&err);
  int rank = 0, size = 1;
  idr_status st = idr_sweep_mpi_init(&argc, &argv, &rank, &size, &err);
  if (st) {
    fprintf(stderr, "iondrift: error: sweep: %s\n", err.msg);
    return idr_app_exit_code(st);
  }
  int code = sweep_main(argc, argv, rank, size);
  fflush(stdout);
  idr_sweep_mpi_finalize();
  return code;
}

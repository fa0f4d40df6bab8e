/*
 * iondrift sweep: a whole sweep into a directory (docs/sweep.md).
 *
 *   DIR/sweep.yaml            the resolved spec: a later start with another
 *                             spec is refused (or --restart)
 *   DIR/journal.txt           finished points (journal.c); a job-array slice
 *                             writes DIR/journal.slice-K-of-N.txt
 *   DIR/curves/point_*.bin    each ok point's curves (curves: true)
 *   DIR/results.csv, .h5      the tables, once every point is in a journal
 *
 * The pending points (not in any journal) are handed out in index order to
 * OpenMP threads (and, under MPI, to the ranks: mpi.c); a finished point is
 * kept (curves file, journal line, fsync) under one lock, so a kill at any
 * moment loses at most the points in flight.
 */
#define _POSIX_C_SOURCE 200809L

#include "sweep_internal.h"

#include <dirent.h>
#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the directory ------------------------------------------------------------------- */

/* dir is a directory, or its parent one (*exists says which); else an
 * input error naming what is wrong. */
static idr_status dir_usable(const char *dir, int *exists, idr_error *err) {
  struct stat sb;
  *exists = 0;
  if (stat(dir, &sb) == 0) {
    if (!S_ISDIR(sb.st_mode))
      return idr_error_set(err, IDR_ERR_INPUT, "sweep: output %s: not a directory", dir);
    *exists = 1;
    return IDR_OK;
  }
  char parent[SW_PATH_LEN];
  idr_strlcpy(parent, dir, sizeof parent);
  size_t n = strlen(parent);
  while (n > 1 && parent[n - 1] == '/')
    parent[--n] = '\0';
  char *slash = strrchr(parent, '/');
  if (!slash) return IDR_OK; /* in the current directory */
  if (slash != parent)
    *slash = '\0';
  else
    slash[1] = '\0';
  if (stat(parent, &sb) != 0 || !S_ISDIR(sb.st_mode))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "sweep: output directory %s: directory '%s' does not exist", dir, parent);
  return IDR_OK;
}

static idr_status make_dir(const char *dir, idr_error *err) {
  int exists = 0;
  idr_status st = dir_usable(dir, &exists, err);
  if (st || exists) return st;
  if (mkdir(dir, 0755) == 0 || errno == EEXIST) return IDR_OK;
  return idr_error_set(err, IDR_ERR_IO, "sweep: cannot create %s: %s", dir, strerror(errno));
}

/* --restart: remove what an earlier sweep left in dir (only its own files). */
static idr_status clear_dir(const char *dir, idr_error *err) {
  static const char *const FILES[] = {"sweep.yaml", "results.csv", "results.h5", NULL};
  char path[SW_PATH_LEN];
  for (const char *const *f = FILES; *f; f++) {
    snprintf(path, sizeof path, "%s/%s", dir, *f);
    if (unlink(path) != 0 && errno != ENOENT)
      return idr_error_set(err, IDR_ERR_IO, "%s: cannot remove: %s", path, strerror(errno));
  }
  for (int pass = 0; pass < 2; pass++) {
    snprintf(path, sizeof path, pass ? "%s/curves" : "%s", dir);
    DIR *dp = opendir(path);
    if (!dp) continue;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
      const char *n = e->d_name;
      size_t len = strlen(n);
      int ours = pass
                     ? strncmp(n, "point_", 6) == 0
                     : strncmp(n, "journal", 7) == 0 && len > 4 && strcmp(n + len - 4, ".txt") == 0;
      char file[SW_PATH_LEN + 300];
      snprintf(file, sizeof file, "%s/%s", path, n);
      if (ours && unlink(file) != 0) {
        closedir(dp);
        return idr_error_set(err, IDR_ERR_IO, "%s: cannot remove: %s", file, strerror(errno));
      }
    }
    closedir(dp);
  }
  return IDR_OK;
}

/* The first line where a and b differ (1-based) and both lines into la, lb. */
static int first_difference(const char *a, const char *b, char *la, char *lb, size_t size) {
  int line = 1;
  while (*a || *b) {
    const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
    size_t na = ea ? (size_t)(ea - a) : strlen(a), nb = eb ? (size_t)(eb - b) : strlen(b);
    if (na != nb || memcmp(a, b, na) != 0) {
      snprintf(la, size, "%.*s", (int)na, a);
      snprintf(lb, size, "%.*s", (int)nb, b);
      return line;
    }
    a += na + (ea ? 1 : 0);
    b += nb + (eb ? 1 : 0);
    line++;
  }
  return 0;
}

/* DIR/sweep.yaml: written by the first start (write), compared by every
 * later one. */
static idr_status check_spec(const idr_sweep *sw, const char *dir, int write, idr_error *err) {
  char path[SW_PATH_LEN];
  snprintf(path, sizeof path, "%s/sweep.yaml", dir);
  FILE *f = fopen(path, "rb");
  if (!f)
    return write ? idr_sw_write_atomic(path, sw->resolved, strlen(sw->resolved), err) : IDR_OK;
  sw_buf b = {0};
  char chunk[8192];
  size_t n;
  idr_sw_buf_printf(&b, "%s", "");
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    idr_sw_buf_printf(&b, "%.*s", (int)n, chunk);
  fclose(f);
  if (b.oom) {
    idr_sw_buf_free(&b);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  char la[160], lb[160];
  int line = first_difference(b.s, sw->resolved, la, lb, sizeof la);
  idr_sw_buf_free(&b);
  if (line == 0) return IDR_OK;
  return idr_error_set(err, IDR_ERR_INPUT,
                       "sweep: %s holds a sweep of a different spec (%s:%d: '%s', now '%s'); "
                       "use --restart to discard it, or another -o",
                       dir, path, line, la, lb);
}

idr_status idr_sweep_check_dir(const idr_sweep *sw, const char *dir, int restart, idr_error *err) {
  int exists = 0;
  idr_status st = dir_usable(dir, &exists, err);
  if (!st && exists && !restart) st = check_spec(sw, dir, 0, err);
  return st;
}

/* ---- the run's state ----------------------------------------------------------------------- */

static int in_slice(const idr_sweep_run_opts *o, size_t i) {
  return o->slice_n <= 0 || i % (size_t)o->slice_n == (size_t)o->slice_k;
}

/* Rank 0: the directory checked, the journals read, the pending points. */
static idr_status prepare(const idr_sweep *sw, const idr_sweep_run_opts *o, sw_exec *x,
                          sw_journal *j, idr_error *err) {
  idr_status st = make_dir(o->dir, err);
  if (!st && o->restart) st = clear_dir(o->dir, err);
  if (!st) st = check_spec(sw, o->dir, 1, err);
  if (!st) st = idr_sw_done_alloc(x->done, sw->n_points, sw->n_outs, err);
  if (!st) st = idr_sw_journals_read(sw, o->dir, x->done, err);
  if (st) return st;
  if (!(x->pending = malloc((sw->n_points ? sw->n_points : 1) * sizeof *x->pending)))
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < sw->n_points; i++) {
    if (!in_slice(o, i)) continue;
    x->prog.total++;
    int redo = !x->done->have[i] || (o->retry_failed && !x->done->ok[i]);
    if (redo && !o->merge_only)
      x->pending[x->n_pending++] = i;
    else if (x->done->have[i])
      x->prog.resumed++;
    if (x->done->have[i] && !x->done->ok[i] && !redo) x->prog.failed++;
    if (idr_sw_done_flagged(x->done, i)) x->prog.flagged++; /* ok rows: never redone */
  }
  if (o->merge_only) return IDR_OK;
  char path[SW_PATH_LEN];
  if (o->slice_n > 0)
    snprintf(path, sizeof path, "%s/journal.slice-%d-of-%d.txt", o->dir, o->slice_k, o->slice_n);
  else
    snprintf(path, sizeof path, "%s/journal.txt", o->dir);
  st = idr_sw_journal_open(sw, path, j, err);
  if (!st) x->journal = j;
  return st;
}

size_t idr_sw_exec_next(sw_exec *x) {
  size_t i = SIZE_MAX;
  omp_set_lock(x->lock);
  if (!x->fatal && x->next < x->n_pending) i = x->pending[x->next++];
  omp_unset_lock(x->lock);
  return i;
}

void idr_sw_exec_keep(sw_exec *x, const idr_sweep_record *rec, double overhead_s) {
  double t0 = idr_sw_now();
  omp_set_lock(x->lock);
  if (!x->fatal) {
    idr_error e;
    idr_error_clear(&e);
    idr_status st = IDR_OK;
    if (rec->curves) st = idr_sw_curves_save(x->dir, rec, &e);
    if (!st) st = idr_sw_journal_append(x->sw, x->journal, rec, &e);
    if (!st) st = idr_sw_done_put(x->done, rec, &e);
    if (st) {
      x->fatal = 1;
      x->fatal_err = e;
    } else {
      x->prog.done++;
      x->prog.failed += rec->ok ? 0 : 1;
      x->prog.flagged += idr_sw_done_flagged(x->done, rec->index) ? 1 : 0;
      x->run_s += rec->run_s;
      x->overhead_s += overhead_s + (idr_sw_now() - t0);
      x->prog.elapsed_s = idr_sw_now() - x->t0;
      x->prog.rate = x->prog.elapsed_s > 0 ? (double)x->prog.done / x->prog.elapsed_s : 0;
      x->prog.eta_s = x->prog.rate > 0 ? (double)(x->n_pending - x->prog.done) / x->prog.rate : NAN;
      if (x->o->on_progress) x->o->on_progress(x->o->user, &x->prog, 0);
    }
  }
  omp_unset_lock(x->lock);
}

void idr_sw_exec_thread(sw_exec *x) {
  idr_sweep_record rec;
  idr_error e;
  idr_error_clear(&e);
  idr_status st = idr_sweep_record_init(x->sw, &rec, &e);
  size_t i;
  while (!st && (i = idr_sw_exec_next(x)) != SIZE_MAX) {
    double t0 = idr_sw_now();
    st = idr_sweep_eval(x->sw, i, &rec, &e);
    if (!st) idr_sw_exec_keep(x, &rec, idr_sw_now() - t0 - rec.run_s);
  }
  if (st) idr_sw_exec_fail(x, &e);
  idr_sweep_record_free(&rec);
}

void idr_sw_exec_fail(sw_exec *x, const idr_error *e) {
  omp_set_lock(x->lock);
  if (!x->fatal) x->fatal_err = *e;
  x->fatal = 1;
  omp_unset_lock(x->lock);
}

void idr_sw_exec_local(sw_exec *x, int threads) {
#pragma omp parallel num_threads(threads)
  idr_sw_exec_thread(x);
}

/* ---- the sweep ------------------------------------------------------------------------------ */

/* Rank 0 after the run: the tables when every point is in a journal. */
static idr_status finish(const idr_sweep *sw, const idr_sweep_run_opts *o, sw_exec *x,
                         idr_sweep_summary *sum, idr_error *err) {
  size_t missing = 0, first = SIZE_MAX;
  for (size_t i = 0; i < sw->n_points; i++)
    if (!x->done->have[i]) {
      missing++;
      if (first == SIZE_MAX) first = i;
    }
  sum->missing = missing;
  if (o->slice_n > 0 && !o->merge_only) return IDR_OK; /* a slice: the merge writes the tables */
  if (missing)
    return idr_error_set(err, IDR_ERR_IO,
                         "sweep: %zu of %zu points are in no journal of %s (the first: point "
                         "%zu); run the missing slices, or the sweep without --merge to run "
                         "them here",
                         missing, sw->n_points, o->dir, first);
  return idr_sw_write_tables(sw, o->dir, x->done, sum, err);
}

idr_status idr_sweep_run(const idr_sweep *sw, const idr_sweep_run_opts *o, idr_sweep_summary *sum,
                         idr_error *err) {
  memset(sum, 0, sizeof *sum);
  sw_done done;
  memset(&done, 0, sizeof done);
  sw_journal j = {NULL, -1, ""};
  omp_lock_t lock;
  omp_init_lock(&lock);
  sw_exec x = {0};
  x.sw = sw;
  x.o = o;
  x.done = &done;
  x.dir = o->dir;
  x.lock = &lock;
  x.prog.eta_s = NAN;
  int threads = o->threads > 0 ? o->threads : omp_get_max_threads();
  int rank = idr_sw_mpi_rank(), size = idr_sw_mpi_size();
  idr_status st = IDR_OK;
  if (o->slice_n > 0 && (o->slice_k < 0 || o->slice_k >= o->slice_n))
    st = idr_error_set(err, IDR_ERR_INPUT, "sweep: slice %d of %d: K must be in [0, %d]",
                       o->slice_k, o->slice_n, o->slice_n - 1);
  if (!st && rank == 0) st = prepare(sw, o, &x, &j, err);
  st = idr_sw_mpi_start(sw, st, err);
  x.t0 = idr_sw_now();
  if (!st && !o->merge_only) {
    if (size > 1)
      st = idr_sw_mpi_exec(&x, threads, err);
    else
      idr_sw_exec_local(&x, threads);
  }
  idr_sw_journal_close(&j);
  struct rusage ru;
  double rss_mb = getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : 0.0;
  if (!o->merge_only) rss_mb = idr_sw_mpi_max(rss_mb); /* every rank got here */
  if (!st && rank == 0 && x.fatal)
    st = idr_error_set(err, x.fatal_err.status, "%s", x.fatal_err.msg);
  if (!st && rank == 0) st = finish(sw, o, &x, sum, err);
  sum->total = x.prog.total;
  sum->resumed = x.prog.resumed;
  sum->done = x.prog.done;
  sum->failed = x.prog.failed;
  for (size_t i = 0; rank == 0 && done.have && i < sw->n_points; i++)
    if (in_slice(o, i) && idr_sw_done_flagged(&done, i)) sum->flagged++;
  sum->ranks = size;
  sum->threads = threads;
  sum->wall_s = idr_sw_now() - x.t0;
  sum->run_s = x.run_s; /* rank 0 keeps every point, with its times */
  sum->overhead_s = x.overhead_s;
  sum->peak_rss_mb = rss_mb;
  snprintf(sum->journal_path, sizeof sum->journal_path, "%s", j.path);
  if (!st && rank == 0 && o->on_progress) {
    x.prog.elapsed_s = sum->wall_s;
    x.prog.eta_s = 0;
    o->on_progress(o->user, &x.prog, 1);
  }
  free(x.pending);
  idr_sw_done_free(&done);
  omp_destroy_lock(&lock);
  return st;
}

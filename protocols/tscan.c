/*
 * The temperature scan shared by the protocols that repeat one measurement
 * at several temperatures (TID today, thermal admittance spectroscopy next):
 * the temperatures are independent, so they run in parallel with OpenMP, one
 * workspace each (whatever the callback allocates), on a dynamic schedule.
 * Every temperature writes only its own slot, so the results do not depend
 * on the number of threads; failures are collected per temperature: the
 * first one in the caller's order is reported, or each one is handed back
 * (a scan that keeps the temperatures that ran).
 */
#include "idr_protocols.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static double wall_now(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

idr_status idr_temperature_scan(const double *T_K, int n_T, int threads, const char *what,
                                idr_tscan_fn one, void *user, idr_progress_fn progress,
                                void *progress_user, int *threads_used, double *wall_s,
                                idr_error *each, idr_error *err) {
  if (n_T < 1) return idr_error_set(err, IDR_ERR_INPUT, "%s: no temperatures", what);
  idr_error *errs = calloc((size_t)n_T, sizeof *errs);
  idr_status *sts = calloc((size_t)n_T, sizeof *sts);
  if (!errs || !sts) {
    free(errs);
    free(sts);
    return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", what);
  }
  for (int j = 0; j < n_T; j++)
    idr_error_clear(&errs[j]);
  int team = 1;
#ifdef _OPENMP
  team = threads > 0 ? threads : omp_get_max_threads();
  if (team > n_T) team = n_T;
#else
  (void)threads;
#endif
  if (threads_used) *threads_used = team;
  int done = 0;
  double t0 = wall_now();
#pragma omp parallel for schedule(dynamic, 1) num_threads(team)
  for (int j = 0; j < n_T; j++) {
    sts[j] = one(user, j, T_K[j], &errs[j]);
    if (progress) {
#pragma omp critical(idr_tscan_progress)
      {
        done++;
        progress(progress_user, (double)done / n_T, j, T_K[j]);
      }
    }
  }
  if (wall_s) *wall_s = wall_now() - t0;
  idr_status st = IDR_OK;
  int n_failed = 0;
  for (int j = 0; j < n_T; j++) {
    n_failed += sts[j] != IDR_OK;
    if (each) {
      each[j] = errs[j];
      each[j].status = sts[j];
    }
  }
  for (int j = 0; j < n_T && !st; j++) {
    if (sts[j] && (!each || n_failed == n_T)) {
      st = idr_error_set(err, sts[j], "%s", errs[j].msg);
      if (each)
        idr_error_context(err, "the %s at T = %g K (every one of the %d temperatures failed)", what,
                          T_K[j], n_T);
      else
        idr_error_context(err, "the %s at T = %g K", what, T_K[j]);
    }
  }
  free(errs);
  free(sts);
  return st;
}

idr_status idr_read_temperatures(idr_deck_reader *r, const idr_ynode *n, const char *key,
                                 double *T_K, int *count, int max) {
  const idr_ynode *tt = idr_ynode_get(n, key);
  if (!tt) return IDR_OK;
  const idr_ydoc *doc = idr_read_doc(r);
  idr_error *err = idr_read_err(r);
  char path[256];
  idr_read_path_key(path, sizeof path, "protocol", key);
  if (idr_ynode_kind(tt) != IDR_Y_SEQ || idr_ynode_len(tt) < 1 || idr_ynode_len(tt) > (size_t)max) {
    char got[128];
    if (idr_ynode_kind(tt) == IDR_Y_SEQ)
      snprintf(got, sizeof got, "%zu temperatures", idr_ynode_len(tt));
    else
      snprintf(got, sizeof got, "%s", idr_ynode_scalar(tt) ? idr_ynode_scalar(tt) : "a mapping");
    return idr_yerror(doc, tt, 0, path, err,
                      "must be a list of 1 to %d temperatures like [300, 250, 200] (got %s)", max,
                      got);
  }
  int m = 0;
  for (size_t i = 0; i < idr_ynode_len(tt); i++) {
    char p[256];
    const idr_ynode *e = idr_ynode_at(tt, i);
    double v;
    idr_read_path_index(p, sizeof p, path, i);
    if (idr_yread_number(doc, e, p, &v, err) != IDR_OK) return IDR_ERR_INPUT;
    const char *got = idr_read_got(e);
    if (!(v > 0 && v <= IDR_TEMPERATURE_MAX_K))
      return idr_yerror(doc, e, 0, p, err, "must be in (0, %g] K (got %s)",
                        (double)IDR_TEMPERATURE_MAX_K, got);
    for (int j = 0; j < m; j++)
      if (T_K[j] == v)
        return idr_yerror(doc, e, 0, p, err,
                          "must differ from the other temperatures (got %s twice)", got);
    T_K[m++] = v;
  }
  *count = m;
  return IDR_OK;
}

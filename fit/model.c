/*
 * iondrift fit: the model at a parameter point. Every curve is simulated
 * by its own study (the protocol at the data's points), the parameters set
 * through the typed setter (idr_study_set_values) and the capacitance read
 * back by its HDF5 name (tid/C, cf/C, cv/C; F/m^2, times area_cm2 * 1e-4 m^2
 * per cm^2 to compare with the data's F). Each OpenMP thread owns one copy
 * of every curve's study, reused for every evaluation; work items (curves,
 * Jacobian columns x curves, design points x curves) are spread
 * dynamically over the threads, each run on one thread.
 *
 * A curve with a free offset (fit_C_inf) takes its weighted least-squares
 * value c = sum w (y - m) / sum w, w = 1/sigma^2, at every evaluation
 * (variable projection: the offsets never enter the solver). A run that
 * fails gives every residual of the curve FIT_FAILED_RESIDUAL: the solver
 * sees a huge cost and rejects the step.
 */
#include "fit_internal.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define M2_PER_CM2 1e-4

idr_status idr_fit_eval_init(fit_eval *e, const fit_problem *p, int threads, idr_error *err) {
  memset(e, 0, sizeof *e);
  e->p = p;
  e->threads = threads > 0 ? threads : omp_get_max_threads();
  if (e->threads < 1) e->threads = 1;
  const size_t nt = (size_t)e->threads;
  e->copy = calloc(nt * p->n_curves, sizeof *e->copy);
  e->model = malloc(nt * p->n * sizeof *e->model);
  e->rbuf = malloc(nt * p->n * sizeof *e->rbuf);
  if (!e->copy || !e->model || !e->rbuf) {
    idr_fit_eval_free(e);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  for (size_t t = 0; t < nt; t++)
    for (size_t c = 0; c < p->n_curves; c++) {
      idr_status st = idr_study_copy(p->curve[c].base, &e->copy[t * p->n_curves + c], err);
      if (st) {
        idr_fit_eval_free(e);
        return st;
      }
    }
  return IDR_OK;
}

void idr_fit_eval_free(fit_eval *e) {
  if (e->copy)
    for (size_t i = 0; i < (size_t)e->threads * e->p->n_curves; i++)
      idr_study_free(&e->copy[i]);
  free(e->copy);
  free(e->model);
  free(e->rbuf);
  e->copy = NULL;
  e->model = e->rbuf = NULL;
}

static const char *curve_dataset(fit_kind k) {
  return k == FIT_TID ? "tid/C" : k == FIT_CF ? "cf/C" : "cv/C";
}

/* Simulate curve c at z on study s: its n model values [F] into m.
 * IDR_OK, or the failure (message in *sub). */
static idr_status run_curve(const fit_problem *p, idr_study *s, const fit_curve *c, const double *z,
                            double *m, idr_error *sub) {
  idr_value v[FIT_MAX_PARAMS];
  for (size_t k = 0; k < p->n_par; k++)
    v[k] = (idr_value){p->par[k].path, NULL, idr_fit_v_of(&p->par[k], z[k])};
  idr_result *r = NULL;
  idr_status st = idr_study_set_values(s, v, p->n_par, sub);
  if (!st) st = idr_study_run(s, 1, NULL, NULL, &r, sub);
  idr_dataset d;
  if (!st) st = idr_result_dataset(r, curve_dataset(p->set[c->set].kind), &d, sub);
  if (!st && (d.type != IDR_RESULT_DOUBLE || d.dims[0] * d.dims[1] != c->n))
    st = idr_error_set(sub, IDR_ERR_SOLVER, "the run gave %zu of the curve's %zu points",
                       d.dims[0] * d.dims[1], c->n);
  for (size_t i = 0; !st && i < c->n; i++) {
    m[i] = ((const double *)d.data)[i] * p->area_cm2 * M2_PER_CM2;
    if (!isfinite(m[i])) st = idr_error_set(sub, IDR_ERR_SOLVER, "a non-finite capacitance");
  }
  idr_result_free(&r);
  return st;
}

/* Residuals of curve c from its model values m (offset projected when the
 * data set asks): r[i] of the curve's points; the offset into *off. */
static void curve_residuals(const fit_problem *p, const fit_curve *c, const double *m, double *r,
                            double *off) {
  const double *y = p->y + c->off, *sg = p->sigma + c->off;
  double o = 0.0;
  if (p->set[c->set].fit_C_inf) {
    double sw = 0.0, swd = 0.0;
    for (size_t i = 0; i < c->n; i++) {
      const double w = 1.0 / (sg[i] * sg[i]);
      sw += w;
      swd += w * (y[i] - m[i]);
    }
    o = swd / sw;
  }
  for (size_t i = 0; i < c->n; i++)
    r[i] = (m[i] + o - y[i]) / sg[i];
  if (off) *off = o;
}

/* One work item: curve c at z on the calling thread's copy; residuals into
 * r (the curve's slice). 0 success, 1 failure (residuals FIT_FAILED_RESIDUAL). */
static int eval_curve(fit_eval *e, size_t c, const double *z, double *r, double *model_out,
                      double *off) {
  const fit_problem *p = e->p;
  const fit_curve *cv = &p->curve[c];
  const size_t t = (size_t)omp_get_thread_num() % (size_t)e->threads;
  double *m = e->model + t * p->n + cv->off;
  idr_error sub;
  idr_error_clear(&sub);
  idr_status st = run_curve(p, e->copy[t * p->n_curves + c], cv, z, m, &sub);
  if (st) {
    for (size_t i = 0; i < cv->n; i++) {
      r[i] = FIT_FAILED_RESIDUAL;
      if (model_out) model_out[i] = NAN;
    }
    if (off) *off = NAN;
#pragma omp critical(idr_fit_failure)
    snprintf(e->last_failure, sizeof e->last_failure, "%s", sub.msg);
    return 1;
  }
  double o;
  curve_residuals(p, cv, m, r, &o);
  if (model_out)
    for (size_t i = 0; i < cv->n; i++)
      model_out[i] = m[i] + o;
  if (off) *off = o;
  return 0;
}

int idr_fit_residuals(fit_eval *e, const double *z, double *r, double *model, double *offsets) {
  const fit_problem *p = e->p;
  int failed = 0;
  const long nc = (long)p->n_curves;
#pragma omp parallel for schedule(dynamic) num_threads(e->threads) reduction(+ : failed)
  for (long c = 0; c < nc; c++) {
    const fit_curve *cv = &p->curve[c];
    failed += eval_curve(e, (size_t)c, z, r + cv->off, model ? model + cv->off : NULL,
                         offsets ? &offsets[c] : NULL);
  }
  e->simulations += p->n_curves;
  e->failures += (size_t)failed;
  return failed;
}

void idr_fit_costs(fit_eval *e, const double *Z, size_t m, double *cost) {
  const fit_problem *p = e->p;
  const size_t nc = p->n_curves;
  double *part = calloc(m * nc, sizeof *part);
  int failed = 0;
  const long items = (long)(m * nc);
#pragma omp parallel for schedule(dynamic) num_threads(e->threads) reduction(+ : failed)
  for (long it = 0; it < items; it++) {
    const size_t j = (size_t)it / nc, c = (size_t)it % nc;
    const size_t t = (size_t)omp_get_thread_num() % (size_t)e->threads;
    double *r = e->rbuf + t * p->n + p->curve[c].off;
    failed += eval_curve(e, c, Z + j * p->n_par, r, NULL, NULL);
    double s = 0.0;
    for (size_t i = 0; i < p->curve[c].n; i++)
      s += r[i] * r[i];
    if (part) part[it] = s;
  }
  for (size_t j = 0; j < m; j++) {
    double s = part ? 0.0 : INFINITY;
    for (size_t c = 0; part && c < nc; c++)
      s += part[j * nc + c];
    cost[j] = s;
  }
  free(part);
  e->simulations += m * nc;
  e->failures += (size_t)failed;
}

void idr_fit_jacobian(fit_eval *e, const double *z, const double *r, const int *free, double *J,
                      double *h) {
  const fit_problem *p = e->p;
  const size_t np = p->n_par, nc = p->n_curves;
  size_t col[FIT_MAX_PARAMS], ncol = 0;
  for (size_t k = 0; k < np; k++) {
    const fit_param *q = &p->par[k];
    double hk = p->fd_step * (q->z_hi - q->z_lo);
    /* step towards the inside: the bounds are never simulated */
    if (z[k] + hk >= q->z_hi) hk = -hk;
    h[k] = hk;
    if (free[k]) col[ncol++] = k;
  }
  for (size_t i = 0; i < p->n; i++)
    for (size_t k = 0; k < np; k++)
      J[i * np + k] = 0.0;
  int failed = 0;
  const long items = (long)(ncol * nc);
#pragma omp parallel for schedule(dynamic) num_threads(e->threads) reduction(+ : failed)
  for (long it = 0; it < items; it++) {
    const size_t k = col[(size_t)it / nc], c = (size_t)it % nc;
    const size_t t = (size_t)omp_get_thread_num() % (size_t)e->threads;
    const fit_curve *cv = &p->curve[c];
    double zk[FIT_MAX_PARAMS];
    memcpy(zk, z, np * sizeof *zk);
    zk[k] += h[k];
    double *rk = e->rbuf + t * p->n + cv->off;
    int f = eval_curve(e, c, zk, rk, NULL, NULL);
    failed += f;
    for (size_t i = 0; !f && i < cv->n; i++)
      J[(cv->off + i) * np + k] = (rk[i] - r[cv->off + i]) / h[k];
  }
  e->simulations += ncol * nc;
  e->failures += (size_t)failed;
}

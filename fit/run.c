/*
 * iondrift fit: the fit from start to end (docs/fit.md).
 *   1. the design: the starts (each parameter's `start`) and starts - 1
 *      points of GSL's Sobol sequence in the box of the fitting scales;
 *      with starts > 1 the cost of every point, all in parallel;
 *   2. Levenberg-Marquardt (lm.c) from the given start and the refine - 1
 *      cheapest design points, the lowest final cost kept;
 *   3. the best-fit curves, residuals and offsets; the covariance (scaled
 *      by the reduced chi-square when a sigma is relative); the profile
 *      likelihoods; identifiability; the textbook extraction of the tid
 *      data beside the fit (result.c).
 */
#include "fit_internal.h"

#include <gsl/gsl_qrng.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- progress ------------------------------------------------------------------ */

typedef struct reporter {
  const idr_fit_run_options *o;
  const fit_eval *e;
  double t0;
} reporter;

static void report(const reporter *rp, const char *stage, int iter, double cost, double step) {
  if (!rp->o || !rp->o->progress) return;
  idr_fit_progress pg = {stage, iter, cost, step, rp->e->simulations, now_s() - rp->t0};
  rp->o->progress(rp->o->user, &pg);
}

static void lm_report(void *user, const fit_lm_report *r) {
  report(user, r->stage, r->iter, r->cost, r->step);
}

/* ---- the design and the starts ---------------------------------------------------- */

static idr_status design(idr_fit *f, fit_eval *e, const reporter *rp, idr_error *err) {
  const fit_problem *p = &f->p;
  const size_t m = (size_t)p->starts, np = p->n_par;
  f->design_z = malloc(m * np * sizeof *f->design_z);
  f->design_cost = malloc(m * sizeof *f->design_cost);
  if (!f->design_z || !f->design_cost) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t k = 0; k < np; k++)
    f->design_z[k] = idr_fit_z_inside(&p->par[k], idr_fit_z_of(&p->par[k], p->par[k].start), 1e-6);
  if (m > 1) {
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)np);
    if (!q) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory (Sobol generator)");
    double u[FIT_MAX_PARAMS];
    for (size_t j = 1; j < m; j++) {
      gsl_qrng_get(q, u);
      for (size_t k = 0; k < np; k++) {
        const fit_param *a = &p->par[k];
        f->design_z[j * np + k] = idr_fit_z_inside(a, a->z_lo + u[k] * (a->z_hi - a->z_lo), 1e-6);
      }
    }
    gsl_qrng_free(q);
    report(rp, "design", 0, NAN, 0.0);
    idr_fit_costs(e, f->design_z, m, f->design_cost);
    double best = INFINITY;
    for (size_t j = 0; j < m; j++)
      best = fmin(best, f->design_cost[j]);
    report(rp, "design", 1, best, 0.0);
  } else {
    f->design_cost[0] = NAN;
  }
  return IDR_OK;
}

/* The order of the LM runs: the given start first (the informed guess:
 * from a Sobol point in a wrong basin, where the transient is too fast or
 * too slow for the window, the cost may be lower than the start's), then
 * the design points in increasing cost (not evaluated or failed: last). */
static void order_design(const idr_fit *f, size_t *order) {
  const size_t m = (size_t)f->p.starts;
  for (size_t j = 0; j < m; j++)
    order[j] = j;
  for (size_t i = 2; i < m; i++)
    for (size_t j = i; j > 1; j--) {
      const double a = f->design_cost[order[j - 1]], b = f->design_cost[order[j]];
      if (!(b < a || (isnan(a) && !isnan(b)))) break;
      size_t t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
}

static idr_status refine(idr_fit *f, fit_eval *e, reporter *rp, idr_error *err) {
  const fit_problem *p = &f->p;
  size_t *order = malloc((size_t)p->starts * sizeof *order);
  double *J = malloc(p->n * p->n_par * sizeof *J);
  if (!order || !J) {
    free(order);
    free(J);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  order_design(f, order);
  int all_free[FIT_MAX_PARAMS];
  for (size_t k = 0; k < p->n_par; k++)
    all_free[k] = 1;
  idr_status st = IDR_OK;
  const double dof = (double)(p->n - p->n_par);
  fit_lm_stop stop = {p->max_iter,
                      p->any_relative ? 0.0 : FIT_LM_DCHI2_TOL,
                      p->any_relative ? FIT_LM_DCHI2_TOL / dof : 0.0,
                      1,
                      0,
                      0.0};
  f->uq.chi2 = INFINITY;
  for (int r = 0; r < p->refine && !st; r++) {
    const size_t j = order[r];
    if (r > 0 && !(f->design_cost[j] < INFINITY)) break;
    double z[FIT_MAX_PARAMS], cost;
    int iters = 0;
    memcpy(z, f->design_z + j * p->n_par, p->n_par * sizeof *z);
    char stage[48];
    snprintf(stage, sizeof stage, "start %d/%d", r + 1, p->refine);
    st = idr_fit_lm(e, all_free, z, &cost, J, &stop, stage, lm_report, rp, &iters, err);
    if (!st && cost < f->uq.chi2) { /* an abandoned run costs more than twice the best */
      f->uq.chi2 = cost;
      memcpy(f->uq.z, z, sizeof z);
      memcpy(f->z_start, f->design_z + j * p->n_par, p->n_par * sizeof *z);
      memcpy(f->J, J, p->n * p->n_par * sizeof *J);
      f->best_start = (int)j;
      f->lm_iters = iters;
    }
    /* later starts give up early in a worse basin */
    stop.abandon_after = FIT_ABANDON_ITERS;
    stop.abandon_above = FIT_ABANDON_FACTOR * f->uq.chi2;
  }
  free(order);
  free(J);
  if (!st && !(f->uq.chi2 < FIT_FAILED_RESIDUAL * FIT_FAILED_RESIDUAL)) {
    if (e->failures > 0)
      st = idr_error_set(err, IDR_ERR_SOLVER, "fit: no start could be simulated (last failure: %s)",
                         e->last_failure);
    else /* every run worked: the data are out of the model's reach */
      st = idr_error_set(err, IDR_ERR_INPUT,
                         "fit: every simulation ran, but the best chi2 %.3g is beyond any fit "
                         "(residuals > %.0e sigma): the data are far from the model; check the "
                         "capacitance unit (F, not nF), area_cm2 and sigma",
                         f->uq.chi2, FIT_FAILED_RESIDUAL);
  }
  return st;
}

/* ---- after the optimum --------------------------------------------------------------- */

static idr_status optimum(idr_fit *f, fit_eval *e, const reporter *rp, idr_error *err) {
  const fit_problem *p = &f->p;
  report(rp, "best fit", 0, f->uq.chi2, 0.0);
  if (idr_fit_residuals(e, f->uq.z, f->resid, f->model, f->offsets) > 0)
    return idr_error_set(err, IDR_ERR_SOLVER, "fit: the best fit could not be simulated again: %s",
                         e->last_failure);
  double chi2 = 0.0;
  for (size_t i = 0; i < p->n; i++)
    chi2 += f->resid[i] * f->resid[i];
  f->uq.chi2 = chi2;
  f->n_offsets = 0;
  for (size_t c = 0; c < p->n_curves; c++)
    f->n_offsets += p->set[p->curve[c].set].fit_C_inf;
  f->dof = p->n - p->n_par - f->n_offsets;
  f->chi2_red = chi2 / (double)f->dof;
  f->uq.s2 = p->any_relative ? f->chi2_red : 1.0;
  return idr_fit_covariance(f->J, p->n, p->n_par, f->uq.s2, f->uq.cov, err);
}

static idr_status profiles(idr_fit *f, fit_eval *e, reporter *rp, idr_error *err) {
  for (size_t k = 0; k < f->p.n_par; k++) {
    if (!f->p.par[k].profile) continue;
    idr_status st = idr_fit_profile(e, &f->uq, k, &f->prof[k], lm_report, rp, err);
    if (st) return st;
    f->has_prof[k] = 1;
    if (f->prof[k].lower_found)
      idr_fit_warn(f,
                   "the profile of %s found a lower chi-square than the fit's optimum: the "
                   "fit had not converged (raise max_iterations, starts or refine)",
                   f->p.par[k].path);
  }
  return IDR_OK;
}

idr_status idr_fit_run(idr_fit *f, const idr_fit_run_options *o, idr_error *err) {
  idr_fit_run_options dflt;
  if (!o) {
    idr_fit_run_options_default(&dflt);
    o = &dflt;
  }
  if (f->done) return idr_error_set(err, IDR_ERR_INPUT, "fit: already run");
  const fit_problem *p = &f->p;
  fit_eval e;
  idr_status st = idr_fit_eval_init(&e, p, o->threads, err);
  if (st) return st;
  reporter rp = {o, &e, now_s()};
  f->J = calloc(p->n * p->n_par, sizeof *f->J);
  f->model = calloc(p->n, sizeof *f->model);
  f->resid = calloc(p->n, sizeof *f->resid);
  f->offsets = calloc(p->n_curves, sizeof *f->offsets);
  if (!f->J || !f->model || !f->resid || !f->offsets)
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  if (!st) st = design(f, &e, &rp, err);
  if (!st) st = refine(f, &e, &rp, err);
  if (!st) st = optimum(f, &e, &rp, err);
  if (!st && !o->no_profiles) st = profiles(f, &e, &rp, err);
  if (!st) {
    idr_fit_judge(f);
    idr_fit_textbook(f, &e);
    f->simulations = e.simulations;
    if (e.failures > 0)
      idr_fit_warn(f,
                   "%zu of %zu simulations failed at trial points (rejected steps); the last: %s",
                   e.failures, e.simulations, e.last_failure);
    f->wall_s = now_s() - rp.t0;
    f->done = 1; /* the accessors work from here */
    st = idr_fit_build_result(f, err);
    f->done = st == IDR_OK;
  }
  if (!st) report(&rp, "done", 0, f->uq.chi2, 0.0);
  idr_fit_eval_free(&e);
  return st;
}

/* ---- the handle ------------------------------------------------------------------------ */

void idr_fit_run_options_default(idr_fit_run_options *o) {
  memset(o, 0, sizeof *o);
}

idr_status idr_fit_load(const char *spec_path, idr_fit **out, idr_error *err) {
  *out = NULL;
  idr_fit *f = calloc(1, sizeof *f);
  if (!f) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  idr_status st = idr_fit_problem_load(spec_path, &f->p, err);
  if (st) {
    free(f);
    return st;
  }
  *out = f;
  return IDR_OK;
}

void idr_fit_free(idr_fit **fp) {
  if (!fp || !*fp) return;
  idr_fit *f = *fp;
  idr_fit_problem_free(&f->p);
  free(f->J);
  free(f->model);
  free(f->resid);
  free(f->offsets);
  free(f->design_z);
  free(f->design_cost);
  free(f->warnings);
  idr_result_free(&f->res);
  idr_result_free(&f->textbook);
  free(f);
  *fp = NULL;
}

/*
 * iondrift fit: the least-squares driver. GSL's nonlinear least squares
 * (gsl_multifit_nlinear, trust region, Levenberg-Marquardt with geodesic
 * acceleration, More's scaling; Transtrum & Sethna, arXiv:1201.5885) over
 * the free parameters in their unbounded variables u (mapping.c). The
 * Jacobian is ours: forward differences in the fitting scales z, columns
 * and curves in parallel (model.c), times dz/du. GSL evaluates f at trial
 * points and at the geodesic probe x + h v, then asks for J at an
 * accepted point: the last residuals are kept per position so that the
 * Jacobian reuses the evaluation at that point.
 */
#include "fit_internal.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* convergence: relative step in u, gradient (GSL's tests) */
#define FIT_LM_XTOL 1e-6
#define FIT_LM_GTOL 1e-8
#define FIT_LM_FTOL 1e-10
#define FIT_LM_CACHE 4 /* residual vectors kept by position */

typedef struct lm_ctx {
  fit_eval *e;
  const int *free;
  size_t idx[FIT_MAX_PARAMS], nf;          /* free parameter k = idx[j] */
  double z0[FIT_MAX_PARAMS];               /* the fixed values */
  double *rc[FIT_LM_CACHE];                /* cached residuals [n] ... */
  double uc[FIT_LM_CACHE][FIT_MAX_PARAMS]; /* ... at these u */
  int have[FIT_LM_CACHE], next;
  double *Jz;                  /* [n x n_par] the last Jacobian in z */
  double Jz_u[FIT_MAX_PARAMS]; /* ... at this u */
  int have_Jz;
} lm_ctx;

static void z_of_x(const lm_ctx *c, const gsl_vector *x, double *z) {
  memcpy(z, c->z0, c->e->p->n_par * sizeof *z);
  for (size_t j = 0; j < c->nf; j++)
    z[c->idx[j]] = idr_fit_z_of_u(&c->e->p->par[c->idx[j]], gsl_vector_get(x, j));
}

static int same_u(const lm_ctx *c, const double *u, const gsl_vector *x) {
  for (size_t j = 0; j < c->nf; j++)
    if (u[j] != gsl_vector_get(x, j)) return 0;
  return 1;
}

static const double *cached(const lm_ctx *c, const gsl_vector *x) {
  for (int i = 0; i < FIT_LM_CACHE; i++)
    if (c->have[i] && same_u(c, c->uc[i], x)) return c->rc[i];
  return NULL;
}

static int lm_f(const gsl_vector *x, void *params, gsl_vector *f) {
  lm_ctx *c = params;
  const size_t n = c->e->p->n;
  const double *r = cached(c, x);
  if (!r) {
    double z[FIT_MAX_PARAMS];
    z_of_x(c, x, z);
    int i = c->next;
    c->next = (c->next + 1) % FIT_LM_CACHE;
    idr_fit_residuals(c->e, z, c->rc[i], NULL, NULL);
    for (size_t j = 0; j < c->nf; j++)
      c->uc[i][j] = gsl_vector_get(x, j);
    c->have[i] = 1;
    r = c->rc[i];
  }
  for (size_t i = 0; i < n; i++)
    gsl_vector_set(f, i, r[i]);
  return GSL_SUCCESS;
}

static int lm_df(const gsl_vector *x, void *params, gsl_matrix *Jm) {
  lm_ctx *c = params;
  const fit_problem *p = c->e->p;
  double z[FIT_MAX_PARAMS], h[FIT_MAX_PARAMS];
  z_of_x(c, x, z);
  const double *r = cached(c, x);
  if (!r) {
    gsl_vector *f = gsl_vector_alloc(p->n);
    if (!f) return GSL_ENOMEM;
    lm_f(x, params, f);
    gsl_vector_free(f);
    r = cached(c, x);
  }
  idr_fit_jacobian(c->e, z, r, c->free, c->Jz, h);
  for (size_t j = 0; j < c->nf; j++) {
    const size_t k = c->idx[j];
    const double dzdu = idr_fit_dz_du(&p->par[k], gsl_vector_get(x, j));
    for (size_t i = 0; i < p->n; i++)
      gsl_matrix_set(Jm, i, j, c->Jz[i * p->n_par + k] * dzdu);
    c->Jz_u[j] = gsl_vector_get(x, j);
  }
  c->have_Jz = 1;
  return GSL_SUCCESS;
}

static void ctx_free(lm_ctx *c) {
  for (int i = 0; i < FIT_LM_CACHE; i++)
    free(c->rc[i]);
  free(c->Jz);
}

static idr_status ctx_init(lm_ctx *c, fit_eval *e, const int *free, const double *z,
                           idr_error *err) {
  memset(c, 0, sizeof *c);
  c->e = e;
  c->free = free;
  const fit_problem *p = e->p;
  memcpy(c->z0, z, p->n_par * sizeof *z);
  for (size_t k = 0; k < p->n_par; k++)
    if (free[k]) c->idx[c->nf++] = k;
  for (int i = 0; i < FIT_LM_CACHE; i++)
    if (!(c->rc[i] = malloc(p->n * sizeof *c->rc[i]))) goto out_nomem;
  if (!(c->Jz = calloc(p->n * p->n_par, sizeof *c->Jz))) goto out_nomem;
  return IDR_OK;
out_nomem:
  ctx_free(c);
  return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
}

static double sumsq(const gsl_vector *f) {
  double s = 0.0;
  gsl_blas_ddot(f, f, &s);
  return s;
}

/* The iterations; w initialized. Returns GSL's last status. */
static void iterate(gsl_multifit_nlinear_workspace *w, lm_ctx *c, const fit_lm_stop *stop,
                    const char *stage, fit_lm_report_fn fn, void *user, int *iters) {
  double zprev[FIT_MAX_PARAMS], z[FIT_MAX_PARAMS];
  z_of_x(c, gsl_multifit_nlinear_position(w), zprev);
  double prev = sumsq(gsl_multifit_nlinear_residual(w));
  int it = 0;
  for (it = 1; it <= stop->max_iter; it++) {
    int st = gsl_multifit_nlinear_iterate(w);
    z_of_x(c, gsl_multifit_nlinear_position(w), z);
    double step = 0.0;
    for (size_t j = 0; j < c->nf; j++)
      step += (z[c->idx[j]] - zprev[c->idx[j]]) * (z[c->idx[j]] - zprev[c->idx[j]]);
    memcpy(zprev, z, sizeof z);
    const double cost = sumsq(gsl_multifit_nlinear_residual(w));
    if (fn) {
      fit_lm_report rep = {stage, it, cost, sqrt(step)};
      fn(user, &rep);
    }
    if (st != GSL_SUCCESS) break; /* GSL_ENOPROG: no step lowers the cost any more */
    /* an accepted step that lowered the cost by less than the tolerance */
    if (prev - cost <= fmax(stop->cost_abs, stop->cost_rel * cost)) break;
    prev = cost;
    int info = 0;
    if (gsl_multifit_nlinear_test(FIT_LM_XTOL, FIT_LM_GTOL, FIT_LM_FTOL, &info, w) == GSL_SUCCESS)
      break;
  }
  if (iters) *iters = it > stop->max_iter ? stop->max_iter : it;
}

idr_status idr_fit_lm(fit_eval *e, const int *free, double *z, double *cost, double *J,
                      const fit_lm_stop *stop, const char *stage, fit_lm_report_fn fn, void *user,
                      int *iters, idr_error *err) {
  const fit_problem *p = e->p;
  lm_ctx c;
  idr_status st = ctx_init(&c, e, free, z, err);
  if (st) return st;
  if (c.nf == 0) {
    ctx_free(&c);
    return idr_error_set(err, IDR_ERR_INPUT, "fit: no free parameter");
  }
  gsl_multifit_nlinear_parameters prm = gsl_multifit_nlinear_default_parameters();
  prm.trs = gsl_multifit_nlinear_trs_lmaccel;
  prm.scale = gsl_multifit_nlinear_scale_more;
  gsl_multifit_nlinear_fdf fdf = {lm_f, lm_df, NULL, p->n, c.nf, &c, 0, 0, 0};
  gsl_multifit_nlinear_workspace *w =
      gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &prm, p->n, c.nf);
  gsl_vector *x0 = gsl_vector_alloc(c.nf);
  if (!w || !x0) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    goto out_free;
  }
  for (size_t j = 0; j < c.nf; j++)
    gsl_vector_set(x0, j, idr_fit_u_of(&p->par[c.idx[j]], z[c.idx[j]]));
  if (gsl_multifit_nlinear_init(x0, &fdf, w) != GSL_SUCCESS) {
    st = idr_error_set(err, IDR_ERR_SOLVER, "fit: the least-squares solver did not start");
    goto out_free;
  }
  if (fn) {
    fit_lm_report rep = {stage, 0, sumsq(gsl_multifit_nlinear_residual(w)), 0.0};
    fn(user, &rep);
  }
  iterate(w, &c, stop, stage, fn, user, iters);
  const gsl_vector *x = gsl_multifit_nlinear_position(w);
  z_of_x(&c, x, z);
  *cost = sumsq(gsl_multifit_nlinear_residual(w));
  if (J) {
    /* the Jacobian at the final point: GSL's last one when it is there */
    if (!c.have_Jz || !same_u(&c, c.Jz_u, x)) {
      gsl_matrix *Jm = gsl_matrix_alloc(p->n, c.nf);
      if (!Jm) {
        st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
        goto out_free;
      }
      lm_df(x, &c, Jm);
      gsl_matrix_free(Jm);
    }
    memcpy(J, c.Jz, p->n * p->n_par * sizeof *J);
  }
out_free:
  gsl_vector_free(x0);
  if (w) gsl_multifit_nlinear_free(w);
  ctx_free(&c);
  return st;
}

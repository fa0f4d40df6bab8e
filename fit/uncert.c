/*
 * iondrift fit: uncertainties. The covariance of the fitted parameters in
 * their fitting scales from the weighted Jacobian J at the optimum,
 *   cov = s2 (J^T J)^-1 = s2 V S^-2 V^T     (J = U S V^T, by SVD)
 * with s2 the reduced chi-square when a data set's sigma is relative (its
 * scale is unknown) and 1 otherwise; a singular value below FIT_SVD_RCOND
 * of the largest is a direction the data do not determine: the variance of
 * every parameter in it is infinite (never a tight error).
 *
 * The profile likelihood of parameter k: chi2_p(z_k) = min over the others
 * of chi2 with z_k held, dchi2 = (chi2_p - chi2_min) / s2, stepped out from
 * the optimum on both sides (multiples of its standard error, or of an
 * eighth of its range when that is undetermined) until dchi2 passes the
 * 95 % level or the bound is reached; each point starts from the linear
 * prediction of the others, z_o + cov_ok / cov_kk (z_k - z_k*). The 68 % and
 * 95 % intervals are where dchi2 crosses 1 and 3.84 (linear interpolation);
 * a side that never crosses ends at the bound.
 */
#include "fit_internal.h"

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

idr_status idr_fit_covariance(const double *J, size_t n, size_t p, double s2, double *cov,
                              idr_error *err) {
  gsl_matrix *A = gsl_matrix_alloc(n, p), *V = gsl_matrix_alloc(p, p);
  gsl_vector *S = gsl_vector_alloc(p), *work = gsl_vector_alloc(p);
  idr_status st = IDR_OK;
  if (!A || !V || !S || !work) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    goto out_free;
  }
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < p; k++)
      gsl_matrix_set(A, i, k, J[i * p + k]);
  if (gsl_linalg_SV_decomp(A, V, S, work) != 0) {
    st = idr_error_set(err, IDR_ERR_SOLVER, "fit: the SVD of the Jacobian failed");
    goto out_free;
  }
  const double smax = gsl_vector_get(S, 0);
  int undetermined[FIT_MAX_PARAMS] = {0};
  for (size_t a = 0; a < p; a++) {
    const double s = gsl_vector_get(S, a);
    if (s > FIT_SVD_RCOND * smax && s > 0) continue;
    for (size_t k = 0; k < p; k++) /* parameters that take part in the direction */
      if (fabs(gsl_matrix_get(V, k, a)) > 1e-3) undetermined[k] = 1;
  }
  for (size_t k = 0; k < p; k++)
    for (size_t l = 0; l < p; l++) {
      double c = 0.0;
      for (size_t a = 0; a < p; a++) {
        const double s = gsl_vector_get(S, a);
        if (s > FIT_SVD_RCOND * smax && s > 0)
          c += gsl_matrix_get(V, k, a) * gsl_matrix_get(V, l, a) / (s * s);
      }
      cov[k * p + l] = (undetermined[k] || undetermined[l]) ? (k == l ? INFINITY : NAN) : s2 * c;
    }
out_free:
  gsl_matrix_free(A);
  gsl_matrix_free(V);
  gsl_vector_free(S);
  gsl_vector_free(work);
  return st;
}

/* ---- profiles --------------------------------------------------------------------- */

/* multiples of the step tried on each side of the optimum */
static const double PROFILE_STEPS[] = {1.0, 2.0, 3.0, 4.5, 7.0, 11.0};
#define N_PROFILE_STEPS (sizeof PROFILE_STEPS / sizeof PROFILE_STEPS[0])
/* a side stops once dchi2 passes the 95 % level by this much */
#define PROFILE_STOP_DCHI2 (FIT_DCHI2_95 + 1.0)

/* The crossing of level L going out from the optimum along the side's
 * points (z[0] the optimum, dchi2 0); the outermost point when none. */
static double crossing(const double *z, const double *d, int n, double L, int *reached) {
  for (int i = 1; i < n; i++)
    if (d[i] >= L && d[i - 1] < L) {
      *reached = 1;
      return z[i - 1] + (L - d[i - 1]) / (d[i] - d[i - 1]) * (z[i] - z[i - 1]);
    }
  *reached = 0;
  return z[n - 1];
}

/* One profile point: chi2 with z_k = zk, the others fitted from their
 * linear prediction. */
static idr_status profile_point(fit_eval *e, const fit_uq *u, size_t k, double zk, double *zout,
                                double *chi2, const char *stage, fit_lm_report_fn fn, void *user,
                                idr_error *err) {
  const fit_problem *p = e->p;
  double z[FIT_MAX_PARAMS];
  int is_free[FIT_MAX_PARAMS];
  const double ckk = u->cov[k * p->n_par + k];
  for (size_t o = 0; o < p->n_par; o++) {
    const double slope = isfinite(ckk) && ckk > 0 ? u->cov[o * p->n_par + k] / ckk : 0.0;
    z[o] = u->z[o] + (isfinite(slope) ? slope : 0.0) * (zk - u->z[k]);
    z[o] = idr_fit_z_inside(&p->par[o], z[o], 1e-6);
    is_free[o] = o != k;
  }
  z[k] = zk;
  if (p->n_par == 1) {
    double *r = malloc(p->n * sizeof *r);
    if (!r) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    idr_fit_residuals(e, z, r, NULL, NULL);
    double s = 0.0;
    for (size_t i = 0; i < p->n; i++)
      s += r[i] * r[i];
    free(r);
    *chi2 = s;
  } else {
    int iters = 0;
    /* dchi2 to FIT_PROFILE_DCHI2_TOL is all an interval needs */
    const fit_lm_stop stop = {p->max_iter < FIT_PROFILE_MAX_ITER ? p->max_iter
                                                                 : FIT_PROFILE_MAX_ITER,
                              FIT_PROFILE_DCHI2_TOL * u->s2, 0.0};
    idr_status st = idr_fit_lm(e, is_free, z, chi2, NULL, &stop, stage, fn, user, &iters, err);
    if (st) return st;
  }
  memcpy(zout, z, p->n_par * sizeof *z);
  return IDR_OK;
}

idr_status idr_fit_profile(fit_eval *e, const fit_uq *u, size_t k, fit_profile *pr,
                           fit_lm_report_fn fn, void *user, idr_error *err) {
  const fit_problem *p = e->p;
  const fit_param *q = &p->par[k];
  const double range = q->z_hi - q->z_lo, se = sqrt(u->cov[k * p->n_par + k]);
  const double step = isfinite(se) && se > 0 && se < range / 8 ? se : range / 8;
  char stage[FIT_KEY_LEN + 16];
  snprintf(stage, sizeof stage, "profile %s", q->path);
  memset(pr, 0, sizeof *pr);
  pr->k = k;
  double side_z[2][N_PROFILE_STEPS + 1], side_d[2][N_PROFILE_STEPS + 1];
  int side_n[2];
  for (int s = 0; s < 2; s++) {
    const double dir = s ? 1.0 : -1.0;
    side_z[s][0] = u->z[k];
    side_d[s][0] = 0.0;
    side_n[s] = 1;
    for (size_t m = 0; m < N_PROFILE_STEPS; m++) {
      double zk = u->z[k] + dir * PROFILE_STEPS[m] * step;
      const double zin = idr_fit_z_inside(q, zk, 1e-6);
      const int at_bound = zin != zk;
      double zall[FIT_MAX_PARAMS], chi2;
      idr_status st = profile_point(e, u, k, zin, zall, &chi2, stage, fn, user, err);
      if (st) return st;
      const double d = (chi2 - u->chi2) / u->s2;
      if (pr->n < FIT_PROFILE_MAX) {
        pr->z[pr->n] = zin;
        pr->dchi2[pr->n] = d;
        pr->n++;
      }
      if (d < -FIT_PROFILE_LOWER) pr->lower_found = 1;
      side_z[s][side_n[s]] = zin;
      side_d[s][side_n[s]] = d;
      side_n[s]++;
      if (at_bound || d > PROFILE_STOP_DCHI2) break;
    }
  }
  for (int i = 1; i < pr->n; i++) /* increasing z */
    for (int j = i; j > 0 && pr->z[j - 1] > pr->z[j]; j--) {
      double t = pr->z[j];
      pr->z[j] = pr->z[j - 1];
      pr->z[j - 1] = t;
      t = pr->dchi2[j];
      pr->dchi2[j] = pr->dchi2[j - 1];
      pr->dchi2[j - 1] = t;
    }
  for (int s = 0; s < 2; s++) {
    int r68, r95;
    double c68 = crossing(side_z[s], side_d[s], side_n[s], FIT_DCHI2_68, &r68);
    double c95 = crossing(side_z[s], side_d[s], side_n[s], FIT_DCHI2_95, &r95);
    pr->ci68[s] = c68;
    pr->ci95[s] = c95;
    pr->closed68[s] = r68;
    pr->closed95[s] = r95;
  }
  return IDR_OK;
}

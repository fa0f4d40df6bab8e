/*
 * iondrift analysis: input checks and the one place that drives GSL's
 * nonlinear least squares (gsl_multifit_nlinear, trust region with the
 * Levenberg-Marquardt step, More scaling, analytic Jacobian).
 * Reference: GSL manual, "Nonlinear Least-Squares Fitting".
 */
#include "analysis_internal.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>

void idr_fit_options_default(idr_fit_options *opt) {
  if (!opt) return;
  opt->max_iter = 500;
  opt->xtol = 1e-10;
  opt->gtol = 1e-12;
  opt->ftol = 0.0;
  opt->late_fraction = 0.1;
  opt->beta_guess = 0.8;
  opt->scan_per_decade = 5.0;
  opt->select_alpha = 1e-3;
  opt->select_sigmas = 3.0;
}

idr_status idr_an_check_transient(const idr_transient_data *d, size_t min_n, const char *who,
                                  idr_error *err) {
  if (!d || !d->t_s || !d->C)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: NULL transient data", who);
  if (d->n < min_n)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: too few points: need at least %zu, got %zu", who,
                         min_n, d->n);
  for (size_t i = 0; i < d->n; i++) {
    double t = d->t_s[i];
    if (!isfinite(t) || !isfinite(d->C[i]))
      return idr_error_set(err, IDR_ERR_INPUT, "%s: point %zu is not finite (t = %g s, C = %g)",
                           who, i, t, d->C[i]);
    if (t <= 0.0)
      return idr_error_set(err, IDR_ERR_INPUT, "%s: time at point %zu must be > 0 s (got %g)", who,
                           i, t);
    if (i > 0 && t <= d->t_s[i - 1])
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s: times must increase strictly (t[%zu] = %g s after %g s)", who, i, t,
                           d->t_s[i - 1]);
    if (d->sigma && (!isfinite(d->sigma[i]) || d->sigma[i] <= 0.0))
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s: sigma at point %zu must be finite and > 0 (got %g)", who, i,
                           d->sigma[i]);
  }
  return IDR_OK;
}

idr_status idr_an_nls_run(gsl_multifit_nlinear_fdf *fdf, gsl_vector *x, const idr_fit_options *opt,
                          gsl_matrix *covar, idr_an_nls_out *out, const char *who, idr_error *err) {
  idr_status st = IDR_OK;
  gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
  gsl_multifit_nlinear_workspace *w =
      gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, fdf->n, fdf->p);
  if (!w) return idr_error_set(err, IDR_ERR_NOMEM, "%s: cannot allocate the GSL workspace", who);

  int rc = gsl_multifit_nlinear_init(x, fdf, w);
  if (rc != GSL_SUCCESS) {
    st = idr_error_set(err, IDR_ERR_SOLVER, "%s: GSL init failed: %s", who, gsl_strerror(rc));
    goto out_free_w;
  }
  int info = 0;
  rc = gsl_multifit_nlinear_driver(opt->max_iter, opt->xtol, opt->gtol, opt->ftol, NULL, NULL,
                                   &info, w);
  if (rc != GSL_SUCCESS && rc != GSL_EMAXITER && rc != GSL_ENOPROG) {
    st = idr_error_set(err, IDR_ERR_SOLVER, "%s: GSL trust-region solver failed: %s", who,
                       gsl_strerror(rc));
    goto out_free_w;
  }
  out->converged = rc == GSL_SUCCESS;
  out->n_iter = gsl_multifit_nlinear_niter(w);

  gsl_vector *f = gsl_multifit_nlinear_residual(w);
  double chi2 = 0.0;
  rc = gsl_blas_ddot(f, f, &chi2);
  if (rc != GSL_SUCCESS || !isfinite(chi2)) {
    st = idr_error_set(err, IDR_ERR_SOLVER, "%s: residual is not finite at the solution", who);
    goto out_free_w;
  }
  out->chi2 = chi2;
  rc = gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0.0, covar);
  if (rc != GSL_SUCCESS) {
    st = idr_error_set(err, IDR_ERR_LINALG, "%s: covariance failed: %s", who, gsl_strerror(rc));
    goto out_free_w;
  }
  rc = gsl_vector_memcpy(x, gsl_multifit_nlinear_position(w));
  if (rc != GSL_SUCCESS)
    st = idr_error_set(err, IDR_ERR_INTERNAL, "%s: parameter copy failed", who);

out_free_w:
  gsl_multifit_nlinear_free(w);
  return st;
}

double idr_an_jac_error(gsl_multifit_nlinear_fdf *fdf, const gsl_vector *x) {
  double worst = NAN;
  size_t n = fdf->n, p = fdf->p;
  gsl_vector *xp = gsl_vector_alloc(p);
  gsl_vector *fp = gsl_vector_alloc(n);
  gsl_vector *fm = gsl_vector_alloc(n);
  gsl_matrix *J = gsl_matrix_alloc(n, p);
  if (!xp || !fp || !fm || !J) goto out_free;
  if (fdf->df(x, fdf->params, J) != GSL_SUCCESS) goto out_free;
  worst = 0.0;
  for (size_t k = 0; k < p; k++) {
    double xk = gsl_vector_get(x, k);
    double h = 1e-6 * fmax(fabs(xk), 1.0);
    if (gsl_vector_memcpy(xp, x) != GSL_SUCCESS) {
      worst = NAN;
      goto out_free;
    }
    gsl_vector_set(xp, k, xk + h);
    int rp = fdf->f(xp, fdf->params, fp);
    gsl_vector_set(xp, k, xk - h);
    int rm = fdf->f(xp, fdf->params, fm);
    if (rp != GSL_SUCCESS || rm != GSL_SUCCESS) {
      worst = NAN; /* a failed evaluation fails the comparison */
      goto out_free;
    }
    for (size_t i = 0; i < n; i++) {
      double fd = (gsl_vector_get(fp, i) - gsl_vector_get(fm, i)) / (2.0 * h);
      double an = gsl_matrix_get(J, i, k);
      double e = fabs(fd - an) / fmax(1.0, fabs(an));
      if (!(e <= worst)) worst = e; /* also propagates NaN */
    }
  }
out_free:
  gsl_matrix_free(J);
  gsl_vector_free(fm);
  gsl_vector_free(fp);
  gsl_vector_free(xp);
  return worst;
}

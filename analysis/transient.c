/*
 * iondrift analysis: fits of one capacitance transient C(t).
 *
 *   single     C(t) = C_inf - dC exp(-t/tau)
 *   stretched  C(t) = C_inf - dC exp(-(t/tau)^beta),  0 < beta <= 1
 *   two        C(t) = C_inf - dC1 exp(-t/tau1) - dC2 exp(-t/tau2)
 * dC = C_inf - C(0) is the change of C over the transient (idr_analysis.h);
 * inside, the amplitude a = -dC is fitted.
 *
 * Parameters are fitted as (C_inf, a = -dC, u = ln tau [, beta]) with C scaled by
 * S = max|C| so every parameter is O(1); ln tau keeps tau > 0.
 * Initial guesses (Heiser-Mesli / Futscher TID practice): C_inf = mean of the
 * late points, C(0) = mean of the early points, tau from the time t_half where
 * half of the change has happened, located on a log-time axis by counting the
 * points on either side of the half level (robust to noise):
 *   exp: t_half = tau ln 2,   stretched: t_half = tau (ln 2)^(1/beta).
 * For two components a scan of time-constant pairs with the amplitudes by
 * linear least squares (transient_scan.c) gives the start.
 * auto: one and two components are both fitted; two are kept only when the
 * two-component fit converged, its amplitudes have opposite signs and each
 * exceeds select_sigmas standard errors, and the F-test (Bevington &
 * Robinson, Data Reduction and Error Analysis, ch. 11.4) rejects "one
 * component + noise":  F = ((chi2_1 - chi2_2)/2) / (chi2_2/(n - 5)),
 * P(F_{2, n-5} > F) < select_alpha. So a one-component transient is not
 * split in two (the false-split rate is at most select_alpha), and a
 * component not above its noise is absent, not fitted.
 */
#include "analysis_internal.h"

#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

/* Minimum number of early/late points averaged for the C(0)/C_inf guesses. */
#define IDR_AN_MIN_AVG 3

/* Model description handed to the GSL callbacks. */
typedef struct local_problem {
  const idr_transient_data *d;
  double S;      /* scale of C [unit of C] */
  size_t n_comp; /* 1 or 2 */
  int fit_beta;  /* 1: beta is parameter 3 */
  double beta;   /* beta when fixed [-] */
} local_problem;

/* Parameter slots: 0 C_inf, 1 dC1, 2 u1, 3 dC2 | beta, 4 u2. */
#define P_CINF 0
#define P_DC(c) (1 + 2 * (c))
#define P_U(c) (2 + 2 * (c))
#define P_BETA 3

static int local_f(const gsl_vector *x, void *params, gsl_vector *f) {
  const local_problem *pr = params;
  const idr_transient_data *d = pr->d;
  double beta = pr->fit_beta ? gsl_vector_get(x, P_BETA) : pr->beta;
  for (size_t i = 0; i < d->n; i++) {
    double m = gsl_vector_get(x, P_CINF);
    for (size_t c = 0; c < pr->n_comp; c++) {
      double e, deu, deb;
      idr_an_kohlrausch(d->t_s[i], gsl_vector_get(x, P_U(c)), beta, &e, &deu, &deb);
      m += gsl_vector_get(x, P_DC(c)) * e;
    }
    double sig = d->sigma ? d->sigma[i] / pr->S : 1.0;
    gsl_vector_set(f, i, (m - d->C[i] / pr->S) / sig);
  }
  return GSL_SUCCESS;
}

static int local_df(const gsl_vector *x, void *params, gsl_matrix *J) {
  const local_problem *pr = params;
  const idr_transient_data *d = pr->d;
  double beta = pr->fit_beta ? gsl_vector_get(x, P_BETA) : pr->beta;
  for (size_t i = 0; i < d->n; i++) {
    double w = d->sigma ? pr->S / d->sigma[i] : 1.0;
    gsl_matrix_set(J, i, P_CINF, w);
    double dbeta = 0.0;
    for (size_t c = 0; c < pr->n_comp; c++) {
      double e, deu, deb, a = gsl_vector_get(x, P_DC(c));
      idr_an_kohlrausch(d->t_s[i], gsl_vector_get(x, P_U(c)), beta, &e, &deu, &deb);
      gsl_matrix_set(J, i, P_DC(c), w * e);
      gsl_matrix_set(J, i, P_U(c), w * a * deu);
      dbeta += a * deb;
    }
    if (pr->fit_beta) gsl_matrix_set(J, i, P_BETA, w * dbeta);
  }
  return GSL_SUCCESS;
}

/* Mean of C over indices [i0, i1). */
static double mean_range(const double *C, size_t i0, size_t i1) {
  double s = 0.0;
  for (size_t i = i0; i < i1; i++)
    s += C[i];
  return s / (double)(i1 - i0);
}

/* Half-change time of the part [i0, i1) of a transient going from level y0 to
 * level y1: the log-time midpoint between the last point still on the y0 side
 * (counted) and the next one. */
static double half_time(const idr_transient_data *d, size_t i0, size_t i1, double y0, double y1) {
  double amp = y0 - y1;
  size_t k = 0;
  for (size_t i = i0; i < i1; i++)
    if ((d->C[i] - y1) / amp > 0.5) k++;
  size_t j = i0 + k; /* first point on the y1 side if monotone */
  if (j <= i0) j = i0 + 1;
  if (j >= i1) j = i1 - 1;
  return sqrt(d->t_s[j - 1] * d->t_s[j]);
}

static size_t n_avg(size_t n, double fraction) {
  size_t k = (size_t)(fraction * (double)n);
  if (k < IDR_AN_MIN_AVG) k = IDR_AN_MIN_AVG;
  if (k > n / 2) k = n / 2;
  return k > 0 ? k : 1;
}

/* Initial guess in scaled units. */
static idr_status local_guess(const local_problem *pr, const idr_fit_options *opt, gsl_vector *x,
                              idr_error *err) {
  const idr_transient_data *d = pr->d;
  size_t n = d->n, k = n_avg(n, opt->late_fraction);
  double c_inf = mean_range(d->C, n - k, n);
  double c_0 = mean_range(d->C, 0, k);
  if (pr->n_comp == 1) {
    double th = half_time(d, 0, n, c_0, c_inf);
    double beta = pr->fit_beta ? opt->beta_guess : pr->beta;
    double tau = th / pow(log(2.0), 1.0 / beta);
    gsl_vector_set(x, P_CINF, c_inf / pr->S);
    gsl_vector_set(x, P_DC(0), (c_0 - c_inf) / pr->S);
    gsl_vector_set(x, P_U(0), log(tau));
    if (pr->fit_beta) gsl_vector_set(x, P_BETA, beta);
    return IDR_OK;
  }
  /* Two components: the scan of time-constant pairs (transient_scan.c). */
  double x5[5];
  idr_status st = idr_an_scan_two(d, pr->S, opt->scan_per_decade, x5, err);
  if (st != IDR_OK) return st;
  for (size_t q = 0; q < 5; q++)
    gsl_vector_set(x, q, x5[q]);
  return IDR_OK;
}

static const char *model_name(idr_transient_model m) {
  switch (m) {
  case IDR_TRANSIENT_EXP: return "single-exponential";
  case IDR_TRANSIENT_STRETCHED: return "stretched-exponential";
  case IDR_TRANSIENT_TWO_EXP: return "two-component";
  case IDR_TRANSIENT_AUTO: return "one- or two-component";
  }
  return "unknown";
}

/* One fit with a fixed problem layout; fills res. */
static idr_status local_fit(local_problem *pr, const idr_fit_options *opt, idr_transient_fit *res,
                            idr_error *err) {
  const char *who = "transient fit";
  size_t p = 1 + 2 * pr->n_comp + (pr->fit_beta ? 1 : 0);
  size_t n = pr->d->n;
  idr_status st = IDR_OK;
  gsl_vector *x = gsl_vector_alloc(p);
  gsl_matrix *cov = gsl_matrix_alloc(p, p);
  if (!x || !cov) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", who);
    goto out_free;
  }
  st = local_guess(pr, opt, x, err);
  if (st != IDR_OK) goto out_free;

  gsl_multifit_nlinear_fdf fdf = {
      .f = local_f, .df = local_df, .fvv = NULL, .n = n, .p = p, .params = pr};
  idr_an_nls_out o;
  st = idr_an_nls_run(&fdf, x, opt, cov, &o, who, err);
  if (st != IDR_OK) goto out_free;

  size_t dof = n - p;
  double s2 = o.chi2 / (double)dof; /* residual variance (scaled units) */
  double S = pr->S;
#define SE(k) sqrt(s2 *gsl_matrix_get(cov, (k), (k)))
  res->n_comp = pr->n_comp;
  res->C_inf = S * gsl_vector_get(x, P_CINF);
  res->C_inf_err = S * SE(P_CINF);
  size_t ord[2] = {0, 1};
  if (pr->n_comp == 2 && gsl_vector_get(x, P_U(1)) < gsl_vector_get(x, P_U(0))) {
    ord[0] = 1;
    ord[1] = 0;
  }
  for (size_t c = 0; c < 2; c++) {
    res->dC[c] = res->dC_err[c] = res->tau_s[c] = res->tau_err_s[c] = 0.0;
  }
  for (size_t c = 0; c < pr->n_comp; c++) {
    size_t k = ord[c];
    double tau = exp(gsl_vector_get(x, P_U(k)));
    res->dC[c] = -S * gsl_vector_get(x, P_DC(k));
    res->dC_err[c] = S * SE(P_DC(k));
    res->tau_s[c] = tau;
    res->tau_err_s[c] = tau * SE(P_U(k));
  }
  res->beta = pr->fit_beta ? gsl_vector_get(x, P_BETA) : pr->beta;
  res->beta_err = pr->fit_beta ? SE(P_BETA) : 0.0;
#undef SE
  res->chi2 = pr->d->sigma ? o.chi2 : o.chi2 * S * S;
  res->dof = dof;
  res->n_iter = o.n_iter;
  res->converged = o.converged;

out_free:
  gsl_matrix_free(cov);
  gsl_vector_free(x);
  return st;
}

/* auto: one component, then two kept only when the data demand them. */
static idr_status fit_auto(const idr_transient_data *data, const idr_fit_options *opt,
                           idr_transient_fit *res, idr_error *err) {
  idr_status st = idr_transient_fit_run(data, IDR_TRANSIENT_EXP, opt, res, err);
  if (st != IDR_OK) return st;
  idr_transient_fit two;
  idr_error e2;
  idr_error_clear(&e2);
  if (data->n <= 5 || idr_transient_fit_run(data, IDR_TRANSIENT_TWO_EXP, opt, &two, &e2) != IDR_OK)
    return IDR_OK; /* no two-component fit: one component */
  const double dof2 = (double)(data->n - 5);
  const double F = ((res->chi2 - two.chi2) / 2.0) / (two.chi2 / dof2);
  const double p = !(F > 0.0) ? 1.0 : two.chi2 > 0.0 ? gsl_cdf_fdist_Q(F, 2.0, dof2) : 0.0;
  res->select_p = p;
  int keep = two.converged && two.dC[0] * two.dC[1] < 0.0 && p < opt->select_alpha;
  for (size_t c = 0; c < 2; c++)
    keep = keep && fabs(two.dC[c]) > opt->select_sigmas * two.dC_err[c];
  if (keep) {
    *res = two;
    res->select_p = p;
  }
  return IDR_OK;
}

idr_status idr_transient_fit_run(const idr_transient_data *data, idr_transient_model model,
                                 const idr_fit_options *opt, idr_transient_fit *res,
                                 idr_error *err) {
  idr_fit_options def;
  if (!opt) {
    idr_fit_options_default(&def);
    opt = &def;
  }
  if (!res) return idr_error_set(err, IDR_ERR_INPUT, "transient fit: NULL result");
  memset(res, 0, sizeof *res);
  res->model = model;
  res->select_p = NAN;
  local_problem pr = {.d = data, .S = 0.0, .n_comp = 1, .fit_beta = 0, .beta = 1.0};
  switch (model) {
  case IDR_TRANSIENT_EXP: break;
  case IDR_TRANSIENT_STRETCHED: pr.fit_beta = 1; break;
  case IDR_TRANSIENT_TWO_EXP: pr.n_comp = 2; break;
  case IDR_TRANSIENT_AUTO: break;
  default: return idr_error_set(err, IDR_ERR_INPUT, "transient fit: unknown model %d", (int)model);
  }
  if (!(opt->late_fraction > 0.0 && opt->late_fraction < 0.5) || !(opt->beta_guess > 0.0) ||
      !(opt->beta_guess <= 1.0) || opt->max_iter == 0 || !(opt->scan_per_decade >= 1.0) ||
      !(opt->select_alpha > 0.0 && opt->select_alpha < 1.0) || !(opt->select_sigmas >= 0.0))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "transient fit: options out of range (late_fraction %g must be in "
                         "(0, 0.5), beta_guess %g in (0, 1], max_iter %zu > 0, "
                         "scan_per_decade %g >= 1, select_alpha %g in (0, 1), select_sigmas "
                         "%g >= 0)",
                         opt->late_fraction, opt->beta_guess, opt->max_iter, opt->scan_per_decade,
                         opt->select_alpha, opt->select_sigmas);
  if (model == IDR_TRANSIENT_AUTO) return fit_auto(data, opt, res, err);
  size_t p = 1 + 2 * pr.n_comp + (size_t)pr.fit_beta;
  size_t min_n = p + 2 > 2 * IDR_AN_MIN_AVG ? p + 2 : 2 * IDR_AN_MIN_AVG;
  idr_status st = idr_an_check_transient(data, min_n, model_name(model), err);
  if (st != IDR_OK) return st;
  for (size_t i = 0; i < data->n; i++)
    if (fabs(data->C[i]) > pr.S) pr.S = fabs(data->C[i]);
  if (pr.S == 0.0)
    return idr_error_set(err, IDR_ERR_INPUT, "%s fit: all capacitances are zero",
                         model_name(model));

  st = local_fit(&pr, opt, res, err);
  if (st != IDR_OK)
    return idr_error_context(err, "fitting a %s transient at T = %g K", model_name(model),
                             data->T_K);
  if (pr.fit_beta && res->beta > 1.0) {
    /* Faster than exponential is outside the model: refit with beta = 1. */
    pr.fit_beta = 0;
    pr.beta = 1.0;
    st = local_fit(&pr, opt, res, err);
    if (st != IDR_OK)
      return idr_error_context(err, "refitting with beta = 1 at T = %g K", data->T_K);
  } else if (pr.fit_beta && !(res->beta > 0.0)) {
    return idr_error_set(err, IDR_ERR_SOLVER,
                         "stretched-exponential fit at T = %g K: beta = %g is not > 0", data->T_K,
                         res->beta);
  }
  return IDR_OK;
}

double idr_transient_eval(const idr_transient_fit *res, double t_s) {
  double m = res->C_inf;
  for (size_t c = 0; c < res->n_comp && c < 2; c++) {
    if (res->tau_s[c] <= 0.0) continue;
    double e, deu, deb;
    idr_an_kohlrausch(t_s, log(res->tau_s[c]), res->beta, &e, &deu, &deb);
    m -= res->dC[c] * e;
  }
  return m;
}

double idr_an_transient_jac_error(const idr_transient_data *d, idr_transient_model model,
                                  const double *x) {
  local_problem pr = {.d = d,
                      .S = 0.0,
                      .n_comp = model == IDR_TRANSIENT_TWO_EXP ? 2 : 1,
                      .fit_beta = model == IDR_TRANSIENT_STRETCHED,
                      .beta = 1.0};
  for (size_t i = 0; i < d->n; i++)
    if (fabs(d->C[i]) > pr.S) pr.S = fabs(d->C[i]);
  size_t p = 1 + 2 * pr.n_comp + (size_t)pr.fit_beta;
  gsl_vector_const_view xv = gsl_vector_const_view_array(x, p);
  gsl_multifit_nlinear_fdf fdf = {
      .f = local_f, .df = local_df, .fvv = NULL, .n = d->n, .p = p, .params = &pr};
  return idr_an_jac_error(&fdf, &xv.vector);
}

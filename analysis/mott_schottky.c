/*
 * iondrift analysis: Mott-Schottky analysis of C-V data.
 *
 * One-sided abrupt junction, depletion approximation (Sze, Physics of
 * Semiconductor Devices, 3rd ed., ch. 2):
 *   1/C^2 = 2 (V_bi - V - kT/q) / (q eps A^2 N),  eps = eps0 eps_r
 * Forward bias V > 0 narrows the depletion region: the slope is negative.
 *   N    = 2 / (q eps A^2 |slope|)
 *   V_bi = V_0 + kT/q,  V_0 = -intercept/slope (the voltage where 1/C^2 = 0)
 */
#include "analysis_internal.h"

#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>

void idr_mott_schottky_options_default(idr_mott_schottky_options *opt) {
  if (!opt) return;
  opt->V_lo = -HUGE_VAL;
  opt->V_hi = HUGE_VAL;
  opt->area_cm2 = 1.0;
  opt->eps_r = 1.0;
  opt->include_kT = 1;
  opt->T_K = 300.0;
}

idr_status idr_mott_schottky_fit(const double *V, const double *C_F, size_t n,
                                 const idr_mott_schottky_options *opt, idr_mott_schottky *res,
                                 idr_error *err) {
  const char *who = "Mott-Schottky fit";
  if (!V || !C_F || !opt || !res)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: NULL argument", who);
  if (!(opt->V_lo < opt->V_hi) || isnan(opt->V_lo) || isnan(opt->V_hi))
    return idr_error_set(err, IDR_ERR_INPUT, "%s: need V_lo < V_hi (got [%g, %g] V)", who,
                         opt->V_lo, opt->V_hi);
  if (!(isfinite(opt->area_cm2) && opt->area_cm2 > 0.0) ||
      !(isfinite(opt->eps_r) && opt->eps_r > 0.0) || !(isfinite(opt->T_K) && opt->T_K > 0.0))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s: area (%g cm^2), eps_r (%g) and T (%g K) must be finite and > 0", who,
                         opt->area_cm2, opt->eps_r, opt->T_K);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(V[i]) || !isfinite(C_F[i]))
      return idr_error_set(err, IDR_ERR_INPUT, "%s: point %zu is not finite (V = %g, C = %g F)",
                           who, i, V[i], C_F[i]);
    if (V[i] < opt->V_lo || V[i] > opt->V_hi) continue;
    if (C_F[i] <= 0.0)
      return idr_error_set(err, IDR_ERR_INPUT, "%s: C must be > 0 at point %zu (got %g F)", who, i,
                           C_F[i]);
    k++;
  }
  if (k < 2)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: %zu point(s) in [%g, %g] V, need at least 2", who,
                         k, opt->V_lo, opt->V_hi);
  double *buf = malloc(2 * k * sizeof *buf);
  if (!buf) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", who);
  double *x = buf, *y = buf + k;
  double Vmin = HUGE_VAL, Vmax = -HUGE_VAL;
  idr_status st = IDR_OK;
  for (size_t i = 0, j = 0; i < n; i++) {
    if (V[i] < opt->V_lo || V[i] > opt->V_hi) continue;
    x[j] = V[i];
    y[j] = 1.0 / (C_F[i] * C_F[i]);
    if (!isfinite(y[j])) {
      st = idr_error_set(err, IDR_ERR_INPUT,
                         "%s: 1/C^2 overflows at point %zu (V = %g V, C = %g F): not a "
                         "capacitance of the device",
                         who, i, V[i], C_F[i]);
      goto out_free_buf;
    }
    Vmin = V[i] < Vmin ? V[i] : Vmin;
    Vmax = V[i] > Vmax ? V[i] : Vmax;
    j++;
  }
  if (!(Vmax > Vmin)) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: all voltages in range are equal (%g V)", who, Vmin);
    goto out_free_buf;
  }
  double c0, c1, c00, c01, c11, sumsq;
  int rc = gsl_fit_linear(x, 1, y, 1, k, &c0, &c1, &c00, &c01, &c11, &sumsq);
  if (rc != GSL_SUCCESS) {
    st = idr_error_set(err, IDR_ERR_LINALG, "%s: gsl_fit_linear failed: %s", who, gsl_strerror(rc));
    goto out_free_buf;
  }
  if (k == 2) c00 = c01 = c11 = NAN; /* no residual variance with 2 points */
  if (c1 == 0.0) {
    st = idr_error_set(err, IDR_ERR_RANGE, "%s: 1/C^2 does not depend on V (slope 0)", who);
    goto out_free_buf;
  }
  double eps = IDR_EPS0 * opt->eps_r;
  double A = opt->area_cm2 * IDR_CM2_TO_M2;
  double N = 2.0 / (IDR_Q * eps * A * A * fabs(c1)); /* [m^-3] */
  double V0 = -c0 / c1;
  double vV0 =
      c00 / (c1 * c1) + c0 * c0 * c11 / (c1 * c1 * c1 * c1) - 2.0 * c0 * c01 / (c1 * c1 * c1);
  double ym = 0.0, tss = 0.0;
  for (size_t j = 0; j < k; j++)
    ym += y[j];
  ym /= (double)k;
  for (size_t j = 0; j < k; j++)
    tss += (y[j] - ym) * (y[j] - ym);
  res->polarity = c1 < 0.0 ? 1 : -1;
  res->kT_included = opt->include_kT ? 1 : 0;
  res->N_cm3 = N / IDR_CM3_TO_M3;
  res->N_err_cm3 = res->N_cm3 * sqrt(c11) / fabs(c1);
  res->V_bi = res->polarity * V0 + (opt->include_kT ? idr_thermal_voltage(opt->T_K) : 0.0);
  res->V_bi_err = vV0 < 0.0 ? 0.0 : sqrt(vV0); /* round-off negative: 0; NaN stays */
  res->slope = c1;
  res->intercept = c0;
  res->n_used = k;
  res->r2 = tss > 0.0 ? 1.0 - sumsq / tss : 1.0;
  /* finite or failed: only the errors of a 2-point fit are NaN (no residual) */
  const int errs_ok = k == 2 || (isfinite(res->N_err_cm3) && isfinite(res->V_bi_err));
  if (!(isfinite(res->N_cm3) && res->N_cm3 > 0.0 && isfinite(res->V_bi) && isfinite(res->slope) &&
        isfinite(res->intercept) && isfinite(res->r2) && errs_ok))
    st = idr_error_set(err, IDR_ERR_RANGE,
                       "%s: the fit is not finite (N = %g cm^-3, V_bi = %g V, R^2 = %g from %zu "
                       "points): 1/C^2 spans more than double precision can fit",
                       who, res->N_cm3, res->V_bi, res->r2, k);
out_free_buf:
  free(buf);
  return st;
}

/* Doping densities no measured semiconductor junction shows [cm^-3]: above
 * the density of lattice sites of a perovskite (~4e21) a capacitance read in
 * the wrong unit (nF as F gives 1e18 x the density); below 1e12 the depletion
 * width exceeds any device. */
#define IDR_MS_N_MAX_CM3 1e21
#define IDR_MS_N_MIN_CM3 1e12

const char *idr_mott_schottky_implausible(const idr_mott_schottky *r) {
  if (!(r->N_cm3 <= IDR_MS_N_MAX_CM3))
    return "above 1e21 cm^-3, more than the lattice sites: is the capacitance in F? (nF read as "
           "F gives 1e18 times the density); check the capacitance unit and --area-cm2";
  if (!(r->N_cm3 >= IDR_MS_N_MIN_CM3))
    return "below 1e12 cm^-3, a depletion width larger than any device: check the capacitance "
           "unit (F read as pF?) and --area-cm2";
  return NULL;
}

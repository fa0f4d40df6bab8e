/*
 * iondrift analysis: Arrhenius regression and the ion parameters derived
 * from TID time constants and amplitudes.
 *
 *   ionic dielectric relaxation: 1/tau = q^2 D N_A / (kT eps), D = D0 exp(-Ea/kT)
 *     => ln(T^n/tau) = ln A - Ea/(kT), n = 1, A = q^2 D0 N_A / (k eps)
 *   N_ion = 2 N_A |dC| / C                     (N_ion << N_A)
 *   D(T)  = kT eps0 eps_r / (q^2 N_A tau)
 * References: Heiser & Mesli, Appl. Phys. A 57 (1993) 325;
 * Futscher et al., Mater. Horiz. 6 (2019) 1497.
 */
#include "analysis_internal.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>

/* Temperature at which D300 (and D0 for n != 1) is quoted [K]. */
#define IDR_AN_T300 300.0

idr_status idr_arrhenius_fit(const double *T_K, const double *tau_s, const double *tau_err_s,
                             size_t n, int T_power, idr_arrhenius *res, idr_error *err) {
  const char *who = "Arrhenius regression";
  if (!res) return idr_error_set(err, IDR_ERR_INPUT, "%s: NULL result", who);
  memset(res, 0, sizeof *res);
  if (!T_K || !tau_s) return idr_error_set(err, IDR_ERR_INPUT, "%s: NULL data", who);
  if (n < 2)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: too few points: need >= 2, got %zu", who, n);
  if (T_power < 0 || T_power > 2)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: T_power must be 0, 1 or 2 (got %d)", who,
                         T_power);
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(T_K[i]) || !isfinite(tau_s[i]) || T_K[i] <= 0.0 || tau_s[i] <= 0.0)
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s: point %zu needs finite T > 0 and tau > 0 (got T = %g K, tau = "
                           "%g s)",
                           who, i, T_K[i], tau_s[i]);
    if (tau_err_s && (!isfinite(tau_err_s[i]) || tau_err_s[i] <= 0.0))
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s: tau error at point %zu must be finite and > 0 (got %g s)", who, i,
                           tau_err_s[i]);
  }
  double *buf = malloc(3 * n * sizeof *buf);
  if (!buf) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", who);
  double *x = buf, *y = buf + n, *w = buf + 2 * n;
  double Tmin = T_K[0], Tmax = T_K[0];
  for (size_t i = 0; i < n; i++) {
    x[i] = 1.0 / T_K[i];
    y[i] = T_power * log(T_K[i]) - log(tau_s[i]);
    double sy = tau_err_s ? tau_err_s[i] / tau_s[i] : 1.0; /* sigma of ln tau */
    w[i] = 1.0 / (sy * sy);
    Tmin = T_K[i] < Tmin ? T_K[i] : Tmin;
    Tmax = T_K[i] > Tmax ? T_K[i] : Tmax;
  }
  idr_status st = IDR_OK;
  if (!(Tmax > Tmin)) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: all temperatures are equal (%g K)", who, Tmin);
    goto out_free_buf;
  }
  double c0, c1, c00, c01, c11, chi2;
  int rc = gsl_fit_wlinear(x, 1, w, 1, y, 1, n, &c0, &c1, &c00, &c01, &c11, &chi2);
  if (rc != GSL_SUCCESS) {
    st =
        idr_error_set(err, IDR_ERR_LINALG, "%s: gsl_fit_wlinear failed: %s", who, gsl_strerror(rc));
    goto out_free_buf;
  }
  /* Scale the covariance by the residual variance, as the transient fits do. */
  double s2 = n > 2 ? chi2 / (double)(n - 2) : NAN;
  double W = 0.0, ym = 0.0, tss = 0.0;
  for (size_t i = 0; i < n; i++)
    W += w[i], ym += w[i] * y[i];
  ym /= W;
  for (size_t i = 0; i < n; i++)
    tss += w[i] * (y[i] - ym) * (y[i] - ym);
  res->T_power = T_power;
  res->Ea_eV = -c1 * IDR_KB_EV;
  res->Ea_err_eV = sqrt(s2 * c11) * IDR_KB_EV;
  res->lnA = c0;
  res->lnA_err = sqrt(s2 * c00);
  res->cov_lnA_Ea = -s2 * c01 * IDR_KB_EV;
  res->r2 = tss > 0.0 ? 1.0 - chi2 / tss : 1.0;
  res->chi2 = chi2;
  res->dof = n - 2;
out_free_buf:
  free(buf);
  return st;
}

idr_status idr_arrhenius_tau(const idr_arrhenius *arr, double T_K, double *tau_s, double *tau_err_s,
                             idr_error *err) {
  if (!arr || !tau_s) return idr_error_set(err, IDR_ERR_INPUT, "Arrhenius tau: NULL argument");
  if (!isfinite(T_K) || T_K <= 0.0)
    return idr_error_set(err, IDR_ERR_INPUT, "Arrhenius tau: T must be > 0 K (got %g)", T_K);
  double b = 1.0 / (IDR_KB_EV * T_K);
  double lt = arr->T_power * log(T_K) - arr->lnA + arr->Ea_eV * b;
  double v = arr->lnA_err * arr->lnA_err + b * b * arr->Ea_err_eV * arr->Ea_err_eV -
             2.0 * b * arr->cov_lnA_Ea;
  *tau_s = exp(lt);
  if (tau_err_s) *tau_err_s = *tau_s * idr_an_sqrt_var(v);
  return IDR_OK;
}

/* x finite and > 0, and its error finite and >= 0. */
static int pos_with_err(double x, double e) {
  return isfinite(x) && x > 0.0 && isfinite(e) && e >= 0.0;
}

idr_status idr_ion_density(double dC, double dC_err, double C, double C_err, double N_A_cm3,
                           double N_A_err_cm3, double *N_ion_cm3, double *N_ion_err_cm3,
                           idr_error *err) {
  const char *who = "ion density N_ion = 2 N_A |dC|/C";
  if (!N_ion_cm3 || !N_ion_err_cm3)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: NULL output", who);
  if (!isfinite(dC) || dC == 0.0 || !isfinite(dC_err) || dC_err < 0.0)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: dC must be finite and non-zero (got %g +- %g)",
                         who, dC, dC_err);
  if (!pos_with_err(fabs(C), C_err) || !pos_with_err(N_A_cm3, N_A_err_cm3))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s: C (%g +- %g) and N_A (%g +- %g cm^-3) must be finite and non-zero, "
                         "errors >= 0",
                         who, C, C_err, N_A_cm3, N_A_err_cm3);
  double r1 = dC_err / dC, r2 = C_err / C, r3 = N_A_err_cm3 / N_A_cm3;
  *N_ion_cm3 = 2.0 * N_A_cm3 * fabs(dC / C);
  *N_ion_err_cm3 = *N_ion_cm3 * sqrt(r1 * r1 + r2 * r2 + r3 * r3);
  return IDR_OK;
}

/* k eps0 eps_r / (q^2 N_A) [m^2 s^-1 K^-1] for N_A in cm^-3. */
static double d_factor(double N_A_cm3, double eps_r) {
  return IDR_KB * IDR_EPS0 * eps_r / (IDR_Q * IDR_Q * N_A_cm3 * IDR_CM3_TO_M3);
}

idr_status idr_diffusivity_from_tau(double T_K, double tau_s, double tau_err_s, double N_A_cm3,
                                    double N_A_err_cm3, double eps_r, double *D_cm2_s,
                                    double *D_err_cm2_s, idr_error *err) {
  const char *who = "diffusivity D = kT eps/(q^2 N_A tau)";
  if (!D_cm2_s || !D_err_cm2_s) return idr_error_set(err, IDR_ERR_INPUT, "%s: NULL output", who);
  if (!(isfinite(T_K) && T_K > 0.0) || !pos_with_err(tau_s, tau_err_s) ||
      !pos_with_err(N_A_cm3, N_A_err_cm3) || !(isfinite(eps_r) && eps_r > 0.0))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s: T (%g K), tau (%g +- %g s), N_A (%g +- %g cm^-3) and eps_r (%g) "
                         "must be finite and > 0",
                         who, T_K, tau_s, tau_err_s, N_A_cm3, N_A_err_cm3, eps_r);
  double D = d_factor(N_A_cm3, eps_r) * T_K / tau_s / IDR_CM2_TO_M2;
  double r1 = tau_err_s / tau_s, r2 = N_A_err_cm3 / N_A_cm3;
  *D_cm2_s = D;
  *D_err_cm2_s = D * sqrt(r1 * r1 + r2 * r2);
  return IDR_OK;
}

idr_status idr_ion_diffusion_from_arrhenius(const idr_arrhenius *arr, double N_A_cm3,
                                            double N_A_err_cm3, double eps_r,
                                            idr_ion_diffusion *out, idr_error *err) {
  const char *who = "diffusivity from the Arrhenius law";
  if (!arr || !out) return idr_error_set(err, IDR_ERR_INPUT, "%s: NULL argument", who);
  if (!pos_with_err(N_A_cm3, N_A_err_cm3) || !(isfinite(eps_r) && eps_r > 0.0))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s: N_A (%g +- %g cm^-3) and eps_r (%g) must be finite and > 0", who,
                         N_A_cm3, N_A_err_cm3, eps_r);
  if (!isfinite(arr->lnA) || !isfinite(arr->Ea_eV))
    return idr_error_set(err, IDR_ERR_INPUT, "%s: Arrhenius parameters are not finite", who);
  double rN = N_A_err_cm3 / N_A_cm3;
  double T0 = IDR_AN_T300;
  double lnD0 =
      log(d_factor(N_A_cm3, eps_r) / IDR_CM2_TO_M2) + arr->lnA + (1.0 - arr->T_power) * log(T0);
  double b = 1.0 / (IDR_KB_EV * T0);
  double vA = arr->lnA_err * arr->lnA_err, vE = arr->Ea_err_eV * arr->Ea_err_eV;
  out->Ea_eV = arr->Ea_eV;
  out->Ea_err_eV = arr->Ea_err_eV;
  out->D0_cm2_s = exp(lnD0);
  out->D0_err_cm2_s = out->D0_cm2_s * sqrt(vA + rN * rN);
  out->D300_cm2_s = exp(lnD0 - arr->Ea_eV * b);
  double vD = vA + b * b * vE - 2.0 * b * arr->cov_lnA_Ea;
  if (vD < 0.0) vD = 0.0; /* round-off; a NaN stays */
  out->D300_err_cm2_s = out->D300_cm2_s * sqrt(vD + rN * rN);
  return IDR_OK;
}

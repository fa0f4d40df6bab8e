/*
 * iondrift analysis: Walter's trap density of states, the capacitance step
 * of each level with its density, and the Gaussian band of each level's
 * tDOS (idr_analysis.h, docs/tas.md).
 *
 *   N_t(E_w) = V_bi / (q W kT) (-dC/dln w),  E_w = kT ln(2 xi0 T^2 / w)
 *     (Walter et al., J. Appl. Phys. 80 (1996) 4411), xi0 of the level the
 *     point belongs to, W = eps/C(f_max) at each temperature unless given;
 *   step of a level: dC = integral of -dC/dln w over its points, C_hf the
 *     capacitance above them; in a one-sided junction (depletion
 *     approximation, the level crossing the Fermi level at W - lambda)
 *     C_lf/C_hf = r = (N_A + N_t) W / (N_A W + N_t (W - lambda)), so
 *     N_t = N_A W (r - 1) / (lambda r - W (r - 1)),
 *     lambda = sqrt(2 eps (E - kT ln(N_band(T)/N_A)) / (q^2 N_A));
 *   band: N_t(E) = N / (sigma sqrt(2 pi)) exp(-(E - E0)^2 / (2 sigma^2))
 *     by nonlinear least squares (nls.c), standard errors from the
 *     covariance scaled by the residual variance.
 */
#include "analysis_internal.h"
#include "tas_internal.h"

#include <stdlib.h>
#include <string.h>

/* Fewest tDOS points of a band fit. */
#define IDR_TAS_BAND_MIN_POINTS 6
#define IDR_AN_SQRT_2PI 2.5066282746310002

/* ---- Gaussian band ---------------------------------------------------------- */

typedef struct band_data {
  size_t n;
  const double *E, *N; /* [n] energies [eV], tDOS [cm^-3 eV^-1] */
  double S;            /* residual scale: max N */
} band_data;

/* parameters: E0, ln sigma, ln N */
static double band_eval(const gsl_vector *p, double E) {
  double E0 = gsl_vector_get(p, 0), s = exp(gsl_vector_get(p, 1)), N = exp(gsl_vector_get(p, 2));
  double z = (E - E0) / s;
  return N / (s * IDR_AN_SQRT_2PI) * exp(-0.5 * z * z);
}

static int band_f(const gsl_vector *p, void *user, gsl_vector *f) {
  const band_data *d = user;
  for (size_t i = 0; i < d->n; i++)
    gsl_vector_set(f, i, (band_eval(p, d->E[i]) - d->N[i]) / d->S);
  return GSL_SUCCESS;
}

static int band_df(const gsl_vector *p, void *user, gsl_matrix *J) {
  const band_data *d = user;
  double E0 = gsl_vector_get(p, 0), s = exp(gsl_vector_get(p, 1));
  for (size_t i = 0; i < d->n; i++) {
    double g = band_eval(p, d->E[i]) / d->S, z = (d->E[i] - E0) / s;
    gsl_matrix_set(J, i, 0, g * z / s);
    gsl_matrix_set(J, i, 1, g * (z * z - 1.0));
    gsl_matrix_set(J, i, 2, g);
  }
  return GSL_SUCCESS;
}

/* Fit one band to the points (E, N) with N > 0; b->level set by the caller. */
static idr_status fit_band(const double *E, const double *N, size_t n, idr_tas_band *b,
                           idr_error *err) {
  double w = 0.0, m1 = 0.0, m2 = 0.0, S = 0.0;
  for (size_t i = 0; i < n; i++) {
    w += N[i];
    m1 += N[i] * E[i];
    S = fmax(S, N[i]);
  }
  m1 /= w;
  for (size_t i = 0; i < n; i++)
    m2 += N[i] * (E[i] - m1) * (E[i] - m1);
  double s0 = fmax(sqrt(m2 / w), 1e-3);
  band_data d = {n, E, N, S};
  gsl_multifit_nlinear_fdf fdf = {band_f, band_df, NULL, n, 3, &d, 0, 0, 0};
  gsl_vector *p = gsl_vector_alloc(3);
  gsl_matrix *cov = gsl_matrix_alloc(3, 3);
  idr_status st = IDR_OK;
  if (!p || !cov) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "TAS band fit: out of memory");
    goto out_free;
  }
  gsl_vector_set(p, 0, m1);
  gsl_vector_set(p, 1, log(s0));
  gsl_vector_set(p, 2, log(S * s0 * IDR_AN_SQRT_2PI));
  idr_fit_options fo;
  idr_fit_options_default(&fo);
  idr_an_nls_out out;
  st = idr_an_nls_run(&fdf, p, &fo, cov, &out, "TAS band fit", err);
  if (st) goto out_free;
  double s2 = out.chi2 / (double)(n - 3);
  double sig = exp(gsl_vector_get(p, 1)), Nb = exp(gsl_vector_get(p, 2));
  b->E_eV = gsl_vector_get(p, 0);
  b->E_err_eV = sqrt(s2 * gsl_matrix_get(cov, 0, 0));
  b->sigma_eV = sig;
  b->sigma_err_eV = sig * sqrt(s2 * gsl_matrix_get(cov, 1, 1));
  b->N_cm3 = Nb;
  b->N_err_cm3 = Nb * sqrt(s2 * gsl_matrix_get(cov, 2, 2));
  b->chi2 = out.chi2 * S * S;
  b->n_points = n;
  b->converged = out.converged;
out_free:
  gsl_vector_free(p);
  gsl_matrix_free(cov);
  return st;
}

/* ---- steps and level densities ------------------------------------------------ */

/* Step of level k on curve j: (C_lf - C_hf)/C_hf and C_hf [F/m^2]. */
static double step_rel(const idr_tas_extraction *x, const double *u, size_t j, int k, double *Chf) {
  double dC = 0.0;
  *Chf = NAN;
  for (size_t i = x->off[j]; i < x->off[j + 1]; i++) {
    if (x->level_of[i] != k) continue;
    *Chf = x->C_F_m2[i];
    if (i + 1 < x->off[j + 1] && x->level_of[i + 1] == k)
      dC += 0.5 * (x->mwdC[i] + x->mwdC[i + 1]) * (u[i + 1] - u[i]);
  }
  return dC / *Chf;
}

/* The level's density from its steps (NAN when a quantity is missing). */
static void level_density(idr_tas_extraction *x, const double *u, const idr_tas_options *o, int k) {
  idr_tas_level *L = &x->levels[k];
  const double eps = o->eps_r * IDR_EPS0, NA = o->N_A_cm3 * IDR_CM3_TO_M3;
  double s = 0.0, s2 = 0.0, sl = 0.0;
  size_t used = 0;
  for (size_t i = 0; i < L->n_T; i++) {
    size_t j = 0;
    while (j < x->m && x->T_K[j] != L->T_K[i])
      j++;
    double Chf, r1 = step_rel(x, u, j, k, &Chf);
    L->dC_rel[i] = r1;
    if (!(NA > 0) || !(o->band_dos_cm3 > 0) || !(r1 > 0)) continue;
    double T = L->T_K[i], kT = IDR_KB_EV * T;
    double Nb = o->band_dos_cm3 * IDR_CM3_TO_M3 * pow(T / 300.0, 1.5);
    double psi = L->E_eV - kT * log(Nb / NA); /* band bending at the crossing point [V] */
    if (!(psi > 0)) continue;
    double lam = sqrt(2.0 * eps * psi / (IDR_Q * NA)), W = eps / Chf, r = 1.0 + r1;
    double den = lam * r - W * r1;
    if (!(den > 0)) continue;
    double Nt = NA * W * r1 / den / IDR_CM3_TO_M3;
    s += Nt;
    s2 += Nt * Nt;
    sl += lam;
    used++;
  }
  if (!used) return;
  L->N_cm3 = s / (double)used;
  L->lambda_nm = sl / (double)used / IDR_NM_TO_M;
  double var = used > 1 ? (s2 - s * s / (double)used) / (double)(used - 1) : NAN;
  L->N_err_cm3 = sqrt(fmax(var, 0.0) / (double)used);
}

idr_status tas_dos(idr_tas_extraction *x, const double *u, const idr_tas_options *o,
                   idr_error *err) {
  for (size_t j = 0; j < x->m; j++) {
    const double T = x->T_K[j], kT = IDR_KB_EV * T, W = x->W_nm[j] * IDR_NM_TO_M;
    for (size_t i = x->off[j]; i < x->off[j + 1]; i++) {
      int k = x->level_of[i];
      x->E_w_eV[i] = k >= 0 ? kT * (log(2.0 * x->levels[k].xi_s_K2 * T * T) - u[i]) : NAN;
      /* [m^-3 eV^-1] -> [cm^-3 eV^-1] */
      x->Nt_cm3_eV[i] = k >= 0 && isfinite(o->V_bi_V)
                            ? o->V_bi_V * x->mwdC[i] / (IDR_Q * W * kT) / IDR_CM3_TO_M3
                            : NAN;
    }
  }
  for (size_t k = 0; k < x->n_levels; k++)
    level_density(x, u, o, (int)k);
  if (!isfinite(o->V_bi_V)) return IDR_OK;
  double *E = malloc((x->n ? x->n : 1) * sizeof *E), *N = malloc((x->n ? x->n : 1) * sizeof *N);
  if (!E || !N) {
    free(E);
    free(N);
    return idr_error_set(err, IDR_ERR_NOMEM, "TAS band fit: out of memory");
  }
  idr_status st = IDR_OK;
  for (size_t k = 0; k < x->n_levels && !st; k++) {
    size_t n = 0;
    for (size_t i = 0; i < x->n; i++)
      if (x->level_of[i] == (int)k && x->Nt_cm3_eV[i] > 0 && isfinite(x->E_w_eV[i])) {
        E[n] = x->E_w_eV[i];
        N[n++] = x->Nt_cm3_eV[i];
      }
    if (n < IDR_TAS_BAND_MIN_POINTS) continue;
    idr_tas_band *b = &x->bands[x->n_bands];
    memset(b, 0, sizeof *b);
    b->level = (int)k;
    st = fit_band(E, N, n, b, err);
    if (!st) x->n_bands++;
  }
  free(E);
  free(N);
  return st;
}

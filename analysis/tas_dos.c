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
/* A temperature's tDOS points enter the band fit when at least this many. */
#define IDR_TAS_SLOT_MIN_POINTS 3
/* The band's fitted ln xi0 may lie this far from its level's Arrhenius value. */
#define IDR_TAS_XI_SPAN 8.0
#define IDR_AN_SQRT_2PI 2.5066282746310002

/* ---- Gaussian band ---------------------------------------------------------- */

/* The tDOS points of one level: energy E_i = kT_i (ln xi0 + a_i) with
 * a_i = ln(2 T_i^2 / w_i), density N_i. */
typedef struct band_data {
  size_t n;
  const double *kT, *a, *N; /* [n] [eV], [-], [cm^-3 eV^-1] */
  double S;                 /* residual scale: max N */
  double ln_xi;             /* ln xi0 when it is not fitted */
  int free_xi;              /* 1: ln xi0 is the 4th parameter */
} band_data;

/* parameters: E0, ln sigma, ln N (, ln xi0); the band at point i, and the
 * point's energy in *E */
static double band_eval(const gsl_vector *p, const band_data *d, size_t i, double *E) {
  double E0 = gsl_vector_get(p, 0), s = exp(gsl_vector_get(p, 1)), N = exp(gsl_vector_get(p, 2));
  double lx = d->free_xi ? gsl_vector_get(p, 3) : d->ln_xi;
  *E = d->kT[i] * (lx + d->a[i]);
  double z = (*E - E0) / s;
  return N / (s * IDR_AN_SQRT_2PI) * exp(-0.5 * z * z);
}

static int band_f(const gsl_vector *p, void *user, gsl_vector *f) {
  const band_data *d = user;
  double E;
  for (size_t i = 0; i < d->n; i++)
    gsl_vector_set(f, i, (band_eval(p, d, i, &E) - d->N[i]) / d->S);
  return GSL_SUCCESS;
}

static int band_df(const gsl_vector *p, void *user, gsl_matrix *J) {
  const band_data *d = user;
  double E0 = gsl_vector_get(p, 0), s = exp(gsl_vector_get(p, 1)), E;
  for (size_t i = 0; i < d->n; i++) {
    double g = band_eval(p, d, i, &E) / d->S, z = (E - E0) / s;
    gsl_matrix_set(J, i, 0, g * z / s);
    gsl_matrix_set(J, i, 1, g * (z * z - 1.0));
    gsl_matrix_set(J, i, 2, g);
    if (d->free_xi) gsl_matrix_set(J, i, 3, -g * z / s * d->kT[i]);
  }
  return GSL_SUCCESS;
}

/* One run of the band fit (free_xi: with xi0 as a parameter, started at
 * d->ln_xi). */
static idr_status fit_once(band_data *d, idr_tas_band *b, idr_error *err) {
  double w = 0.0, m1 = 0.0, m2 = 0.0, S = 0.0, E;
  for (size_t i = 0; i < d->n; i++) {
    E = d->kT[i] * (d->ln_xi + d->a[i]);
    w += d->N[i];
    m1 += d->N[i] * E;
    S = fmax(S, d->N[i]);
  }
  m1 /= w;
  for (size_t i = 0; i < d->n; i++) {
    E = d->kT[i] * (d->ln_xi + d->a[i]);
    m2 += d->N[i] * (E - m1) * (E - m1);
  }
  double s0 = fmax(sqrt(m2 / w), 1e-3);
  const size_t np = d->free_xi ? 4 : 3;
  d->S = S;
  gsl_multifit_nlinear_fdf fdf = {band_f, band_df, NULL, d->n, np, d, 0, 0, 0};
  gsl_vector *p = gsl_vector_alloc(np);
  gsl_matrix *cov = gsl_matrix_alloc(np, np);
  idr_status st = IDR_OK;
  if (!p || !cov) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "TAS band fit: out of memory");
    goto out_free;
  }
  gsl_vector_set(p, 0, m1);
  gsl_vector_set(p, 1, log(s0));
  gsl_vector_set(p, 2, log(S * s0 * IDR_AN_SQRT_2PI));
  if (d->free_xi) gsl_vector_set(p, 3, d->ln_xi);
  idr_fit_options fo;
  idr_fit_options_default(&fo);
  idr_an_nls_out out;
  st = idr_an_nls_run(&fdf, p, &fo, cov, &out, "TAS band fit", err);
  if (st) goto out_free;
  double s2 = out.chi2 / (double)(d->n - np);
  double sig = exp(gsl_vector_get(p, 1)), Nb = exp(gsl_vector_get(p, 2));
  b->E_eV = gsl_vector_get(p, 0);
  b->E_err_eV = sqrt(s2 * gsl_matrix_get(cov, 0, 0));
  b->sigma_eV = sig;
  b->sigma_err_eV = sig * sqrt(s2 * gsl_matrix_get(cov, 1, 1));
  b->N_cm3 = Nb;
  b->N_err_cm3 = Nb * sqrt(s2 * gsl_matrix_get(cov, 2, 2));
  b->ln_xi = d->free_xi ? gsl_vector_get(p, 3) : d->ln_xi;
  b->ln_xi_err = d->free_xi ? sqrt(s2 * gsl_matrix_get(cov, 3, 3)) : NAN;
  b->xi_s_K2 = exp(b->ln_xi);
  b->chi2 = out.chi2 * S * S;
  b->n_points = d->n;
  b->converged = out.converged;
out_free:
  gsl_vector_free(p);
  gsl_matrix_free(cov);
  return st;
}

/* ---- xi0 from the shapes ---------------------------------------------------- */

/* Each temperature's points with their own height A_t: where the curves of
 * the temperatures lie in energy, not how high they are (Walter's amplitude
 * V_bi/(q W kT) and the crossing-point weight change with T), sets xi0. */
typedef struct shape_data {
  size_t n;
  const double *kT, *a, *N; /* as band_data */
  const int *slot;          /* [n] the point's temperature slot */
  size_t n_slots;
  double S;
} shape_data;

/* parameters: E0, ln sigma, ln xi0, ln A_0 .. ln A_{n_slots-1} */
static double shape_eval(const gsl_vector *p, const shape_data *d, size_t i, double *z) {
  double E0 = gsl_vector_get(p, 0), s = exp(gsl_vector_get(p, 1));
  double E = d->kT[i] * (gsl_vector_get(p, 2) + d->a[i]);
  *z = (E - E0) / s;
  return exp(gsl_vector_get(p, 3 + (size_t)d->slot[i]) - 0.5 * *z * *z);
}

static int shape_f(const gsl_vector *p, void *user, gsl_vector *f) {
  const shape_data *d = user;
  double z;
  for (size_t i = 0; i < d->n; i++)
    gsl_vector_set(f, i, (shape_eval(p, d, i, &z) - d->N[i]) / d->S);
  return GSL_SUCCESS;
}

static int shape_df(const gsl_vector *p, void *user, gsl_matrix *J) {
  const shape_data *d = user;
  const double s = exp(gsl_vector_get(p, 1));
  double z;
  gsl_matrix_set_zero(J);
  for (size_t i = 0; i < d->n; i++) {
    double m = shape_eval(p, d, i, &z) / d->S;
    gsl_matrix_set(J, i, 0, m * z / s);
    gsl_matrix_set(J, i, 1, m * z * z);
    gsl_matrix_set(J, i, 2, -m * z / s * d->kT[i]);
    gsl_matrix_set(J, i, 3 + (size_t)d->slot[i], m);
  }
  return GSL_SUCCESS;
}

/* ln xi0 and its standard error from the shapes; IDR_ERR_SOLVER when the
 * fit does not converge (the caller then keeps the level's xi0). */
static idr_status fit_xi(const band_data *b, const int *slot, size_t n_slots, double *ln_xi,
                         double *ln_xi_err, idr_error *err) {
  const size_t np = 3 + n_slots;
  shape_data d = {b->n, b->kT, b->a, b->N, slot, n_slots, 0.0};
  double w = 0.0, m1 = 0.0, m2 = 0.0, E;
  for (size_t i = 0; i < b->n; i++) {
    E = b->kT[i] * (b->ln_xi + b->a[i]);
    w += b->N[i];
    m1 += b->N[i] * E;
    d.S = fmax(d.S, b->N[i]);
  }
  m1 /= w;
  for (size_t i = 0; i < b->n; i++) {
    E = b->kT[i] * (b->ln_xi + b->a[i]);
    m2 += b->N[i] * (E - m1) * (E - m1);
  }
  gsl_multifit_nlinear_fdf fdf = {shape_f, shape_df, NULL, b->n, np, &d, 0, 0, 0};
  gsl_vector *p = gsl_vector_alloc(np);
  gsl_matrix *cov = gsl_matrix_alloc(np, np);
  idr_status st = IDR_OK;
  if (!p || !cov) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "TAS band fit: out of memory");
    goto out_free;
  }
  gsl_vector_set(p, 0, m1);
  gsl_vector_set(p, 1, log(fmax(sqrt(m2 / w), 1e-3)));
  gsl_vector_set(p, 2, b->ln_xi);
  for (size_t t = 0; t < n_slots; t++) {
    double A = 0.0;
    for (size_t i = 0; i < b->n; i++)
      if ((size_t)slot[i] == t) A = fmax(A, b->N[i]);
    gsl_vector_set(p, 3 + t, log(A));
  }
  idr_fit_options fo;
  idr_fit_options_default(&fo);
  idr_an_nls_out out;
  st = idr_an_nls_run(&fdf, p, &fo, cov, &out, "TAS band xi0", err);
  if (st) goto out_free;
  if (!out.converged || b->n <= np) {
    st = idr_error_set(err, IDR_ERR_SOLVER, "TAS band xi0: no convergence");
    goto out_free;
  }
  *ln_xi = gsl_vector_get(p, 2);
  *ln_xi_err = sqrt(out.chi2 / (double)(b->n - np) * gsl_matrix_get(cov, 2, 2));
out_free:
  gsl_vector_free(p);
  gsl_matrix_free(cov);
  return st;
}

/* Fit one band to the points of a level: xi0 from the shapes of the
 * temperatures' curves (fit_xi; the level's Arrhenius xi0 when that fails
 * or lands beyond IDR_TAS_XI_SPAN of it), then centre, width and density
 * with xi0 held. b->level set by the caller. */
static idr_status fit_band(band_data *d, const int *slot, size_t n_slots, idr_tas_band *b,
                           idr_error *err) {
  double lx = NAN, lx_err = NAN;
  idr_error sub;
  idr_error_clear(&sub);
  d->free_xi = 0;
  if (n_slots >= 2 && fit_xi(d, slot, n_slots, &lx, &lx_err, &sub) == IDR_OK &&
      fabs(lx - d->ln_xi) <= IDR_TAS_XI_SPAN && isfinite(lx_err))
    d->ln_xi = lx;
  else
    lx_err = NAN;
  idr_status st = fit_once(d, b, err);
  b->ln_xi_err = lx_err;
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
  const size_t nb = x->n ? x->n : 1;
  double *kT = malloc(nb * sizeof *kT), *av = malloc(nb * sizeof *av), *N = malloc(nb * sizeof *N);
  int *slot = malloc(nb * sizeof *slot);
  if (!kT || !av || !N || !slot) {
    free(kT);
    free(av);
    free(N);
    free(slot);
    return idr_error_set(err, IDR_ERR_NOMEM, "TAS band fit: out of memory");
  }
  idr_status st = IDR_OK;
  for (size_t k = 0; k < x->n_levels && !st; k++) {
    size_t n = 0, n_slots = 0;
    for (size_t j = 0; j < x->m; j++) {
      size_t n0 = n;
      for (size_t i = x->off[j]; i < x->off[j + 1]; i++)
        if (x->level_of[i] == (int)k && x->Nt_cm3_eV[i] > 0) {
          kT[n] = IDR_KB_EV * x->T_K[j];
          av[n] = log(2.0 * x->T_K[j] * x->T_K[j]) - u[i];
          slot[n] = (int)n_slots;
          N[n++] = x->Nt_cm3_eV[i];
        }
      if (n - n0 >= IDR_TAS_SLOT_MIN_POINTS)
        n_slots++;
      else
        n = n0; /* too few points at this temperature for a shape */
    }
    if (n < IDR_TAS_BAND_MIN_POINTS) continue;
    idr_tas_band *b = &x->bands[x->n_bands];
    memset(b, 0, sizeof *b);
    b->level = (int)k;
    band_data d = {n, kT, av, N, 0.0, x->levels[k].ln_xi, 0};
    st = fit_band(&d, slot, n_slots, b, err);
    if (st) break;
    x->n_bands++;
    /* the level's points on the energy scale of its band */
    for (size_t j = 0; j < x->m; j++)
      for (size_t i = x->off[j]; i < x->off[j + 1]; i++)
        if (x->level_of[i] == (int)k)
          x->E_w_eV[i] =
              IDR_KB_EV * x->T_K[j] * (b->ln_xi + log(2.0 * x->T_K[j] * x->T_K[j]) - u[i]);
  }
  free(kT);
  free(av);
  free(N);
  free(slot);
  return st;
}

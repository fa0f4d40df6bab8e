/*
 * iondrift analysis, private helpers shared by the transient, global,
 * Arrhenius and Mott-Schottky fits. Not part of the public API.
 */
#ifndef IDR_ANALYSIS_INTERNAL_H
#define IDR_ANALYSIS_INTERNAL_H

#include <math.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>

#include "idr_analysis.h"

/* exp(-z) underflows to 0 beyond this z; derivatives are then 0 too [-]. */
#define IDR_AN_ZMAX 745.0

/* Kohlrausch factor e = exp(-(t/tau)^beta) with tau = exp(u), and its
 * derivatives with respect to u and beta. Safe for any finite u. */
static inline void idr_an_kohlrausch(double t, double u, double beta, double *e, double *de_du,
                                     double *de_dbeta) {
  double lt = log(t) - u;
  double lz = beta * lt;
  if (lz > log(IDR_AN_ZMAX)) {
    *e = 0.0;
    *de_du = 0.0;
    *de_dbeta = 0.0;
    return;
  }
  double z = exp(lz);
  double ez = exp(-z);
  *e = ez;
  *de_du = ez * beta * z;
  *de_dbeta = -ez * z * lt;
}

/* Check one transient: non-NULL arrays, n >= min_n, t finite, > 0 and
 * strictly increasing, C finite, sigma finite and > 0. who names the caller. */
idr_status idr_an_check_transient(const idr_transient_data *d, size_t min_n, const char *who,
                                  idr_error *err);

/* Start of the two-component fit in scaled units, x = [C_inf, a1, ln tau1,
 * a2, ln tau2] (a = -dC, C / S): the pair of a log-spaced scan of time
 * constants with the least chi2 and amplitudes of opposite sign
 * (transient_scan.c); IDR_ERR_INPUT when no pair has opposite signs. */
idr_status idr_an_scan_two(const idr_transient_data *d, double S, double per_decade, double x[5],
                           idr_error *err);

/* Outcome of one nonlinear least-squares run. */
typedef struct idr_an_nls_out {
  double chi2;   /* sum of squared (scaled) residuals [-] */
  size_t n_iter; /* iterations [-] */
  int converged; /* 1 if a tolerance was met */
} idr_an_nls_out;

/* Run GSL's trust-region solver from x (in/out) on fdf; covar (p x p) gets
 * (J^T J)^-1 at the solution (unscaled). Returns IDR_ERR_NOMEM or
 * IDR_ERR_SOLVER with a message naming who on failure. */
idr_status idr_an_nls_run(gsl_multifit_nlinear_fdf *fdf, gsl_vector *x, const idr_fit_options *opt,
                          gsl_matrix *covar, idr_an_nls_out *out, const char *who, idr_error *err);

/* Largest difference between the analytic Jacobian of fdf at x and central
 * differences, relative to max(1, |J_ij|); NaN if memory runs out. */
double idr_an_jac_error(gsl_multifit_nlinear_fdf *fdf, const gsl_vector *x);

/* Jacobian checks of the private models, for the unit tests. x holds the
 * internal parameters (layouts in transient.c and global.c, C scaled by
 * S = max|C|). */
double idr_an_transient_jac_error(const idr_transient_data *d, idr_transient_model model,
                                  const double *x);
double idr_an_global_jac_error(const idr_transient_data *d, size_t m, size_t n_comp, int T_power,
                               const unsigned char *present, const double *x);

/* The global fit (global.c) from a given start, with components that may be
 * absent at some temperatures: present[2 j + c] = 0 fixes the amplitude of
 * component c at T_j to 0 (not fitted; NULL: all present). law[c] starts the
 * Arrhenius law of component c, start[j] C_inf and dC (slot c) of T_j.
 * Components keep the caller's order (no sorting); per_T (m, may be NULL)
 * reads dC = 0 (error 0) for an absent component. */
idr_status idr_an_global_fit_masked(const idr_transient_data *data, size_t m, size_t n_comp,
                                    int T_power, const idr_fit_options *opt,
                                    const idr_arrhenius *law, const idr_transient_fit *start,
                                    const unsigned char *present, idr_global_fit *res,
                                    idr_transient_fit *per_T, idr_error *err);

/* Standard error from a variance: a round-off negative variance is 0, a NaN
 * stays NaN (sqrt(fmax(v, 0)) would report a certain 0 for it). */
static inline double idr_an_sqrt_var(double v) {
  return v < 0.0 ? 0.0 : sqrt(v);
}

/* Steps 4-5 of the TID extraction (tid_species.c), for component c over the
 * used temperatures; gper: the global fit's per-temperature results (the used
 * temperatures in order), or NULL for the local fits in x->per_T. */
void idr_an_species_amplitudes(const idr_tid_extraction *x, const idr_transient_fit *gper, size_t c,
                               idr_tid_species *sp);
idr_status idr_an_species_doped(const idr_tid_extraction *x, const idr_transient_fit *gper,
                                size_t c, const idr_arrhenius *law,
                                const idr_tid_extract_options *o, idr_tid_species *sp,
                                idr_error *err);
idr_status idr_an_species_intrinsic(idr_tid_extraction *x, const idr_transient_fit *gper,
                                    const idr_arrhenius *law, const idr_tid_extract_options *o,
                                    idr_tid_species *sp, idr_error *err);

#endif /* IDR_ANALYSIS_INTERNAL_H */

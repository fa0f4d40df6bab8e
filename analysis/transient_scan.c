/*
 * iondrift analysis: starting values of the two-component transient
 *
 *   C(t) = C_inf + a_1 exp(-t/tau_1) + a_2 exp(-t/tau_2),  a = -dC,
 *
 * by a scan of time-constant pairs: tau on a log-spaced grid over the
 * measured window [t_first, t_last] (scan_per_decade points a decade), and
 * for every pair tau_1 < tau_2 (at least IDR_AN_SCAN_MIN_GAP grid steps
 * apart) the amplitudes and C_inf by linear least squares (the model is
 * linear in them: variable projection, Golub & Pereyra, SIAM J. Numer.
 * Anal. 10 (1973) 413). The pair of least chi2 whose amplitudes have
 * opposite signs is the start of the nonlinear fit. Unlike the extremum of
 * the curve, the scan needs no visible turning point: an edge hidden under
 * the other, or a transient whose turning point lies outside the window,
 * still gives its pair. The cost is O(G^2 n) for G grid points (G ~ 36 and
 * n ~ 100: ~1e5 evaluations), no allocation.
 */
#include "analysis_internal.h"

/* Smallest distance of the two time constants on the grid [grid steps]:
 * closer pairs are nearly collinear and their amplitudes meaningless. */
#define IDR_AN_SCAN_MIN_GAP 2
/* A 3x3 system whose determinant is below this fraction of the product of
 * its diagonal is treated as singular [-]. */
#define IDR_AN_SCAN_SINGULAR 1e-13

/* Solve the symmetric 3x3 system A x = b (Cramer); 0 if singular. */
static int solve3(const double A[3][3], const double b[3], double x[3]) {
  const double c00 = A[1][1] * A[2][2] - A[1][2] * A[2][1];
  const double c01 = A[1][2] * A[2][0] - A[1][0] * A[2][2];
  const double c02 = A[1][0] * A[2][1] - A[1][1] * A[2][0];
  const double det = A[0][0] * c00 + A[0][1] * c01 + A[0][2] * c02;
  const double scale = fabs(A[0][0] * A[1][1] * A[2][2]);
  if (!(fabs(det) > IDR_AN_SCAN_SINGULAR * scale)) return 0;
  double M[3][3];
  for (int k = 0; k < 3; k++) {
    for (int r = 0; r < 3; r++)
      for (int c = 0; c < 3; c++)
        M[r][c] = c == k ? b[r] : A[r][c];
    x[k] = (M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1]) -
            M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0]) +
            M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0])) /
           det;
  }
  return 1;
}

/* Linear least squares of y = C/S on (1, e^-t/tau1, e^-t/tau2), weights
 * 1/sigma^2; chi2 of the solution, or HUGE_VAL if singular. */
static double pair_fit(const idr_transient_data *d, double S, double tau1, double tau2,
                       double coef[3]) {
  double A[3][3] = {{0}}, b[3] = {0};
  for (size_t i = 0; i < d->n; i++) {
    const double w = d->sigma ? (S / d->sigma[i]) * (S / d->sigma[i]) : 1.0;
    const double v[3] = {1.0, exp(-d->t_s[i] / tau1), exp(-d->t_s[i] / tau2)};
    const double y = d->C[i] / S;
    for (int r = 0; r < 3; r++) {
      b[r] += w * v[r] * y;
      for (int c = 0; c < 3; c++)
        A[r][c] += w * v[r] * v[c];
    }
  }
  if (!solve3(A, b, coef)) return HUGE_VAL;
  double chi2 = 0.0;
  for (size_t i = 0; i < d->n; i++) {
    const double w = d->sigma ? S / d->sigma[i] : 1.0;
    const double m = coef[0] + coef[1] * exp(-d->t_s[i] / tau1) + coef[2] * exp(-d->t_s[i] / tau2);
    const double r = w * (m - d->C[i] / S);
    chi2 += r * r;
  }
  return chi2;
}

idr_status idr_an_scan_two(const idr_transient_data *d, double S, double per_decade, double x[5],
                           idr_error *err) {
  const double t0 = d->t_s[0], t1 = d->t_s[d->n - 1];
  const double decades = log10(t1 / t0);
  if (!(per_decade >= 1.0) || !(decades > 0.0))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "two-component transient fit: scan_per_decade must be >= 1 (got %g) "
                         "and the times must span a range",
                         per_decade);
  const size_t G = (size_t)ceil(decades * per_decade) + 1;
  const double step = decades / (double)(G - 1);
  double best = HUGE_VAL;
  for (size_t g = 0; g < G; g++) {
    const double tau1 = t0 * pow(10.0, step * (double)g);
    for (size_t h = g + IDR_AN_SCAN_MIN_GAP; h < G; h++) {
      const double tau2 = t0 * pow(10.0, step * (double)h);
      double coef[3] = {0.0, 0.0, 0.0};
      const double chi2 = pair_fit(d, S, tau1, tau2, coef);
      if (!(coef[1] * coef[2] < 0.0) || !(chi2 < best)) continue;
      best = chi2;
      x[0] = coef[0];
      x[1] = coef[1];
      x[2] = log(tau1);
      x[3] = coef[2];
      x[4] = log(tau2);
    }
  }
  if (best == HUGE_VAL)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "two-component transient fit: no pair of time constants in the "
                         "window gives amplitudes of opposite sign (use the single or "
                         "stretched model)");
  return IDR_OK;
}

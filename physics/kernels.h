/*
 * Pure physics kernels: Bernoulli function, Scharfetter-Gummel flux and
 * recombination rates, each with its partial derivatives. No allocation, no
 * I/O, no globals, no solver types. Private to physics/.
 */
#ifndef IDR_KERNELS_H
#define IDR_KERNELS_H

#include <math.h>

/* Below this |x| the Bernoulli function uses its Taylor series. */
#define IDR_BERN_SERIES 1e-3

/* B(x) = x / (e^x - 1) and B'(x). */
static inline void idr_bernoulli(double x, double *B, double *dB) {
  double ax = fabs(x);
  if (ax < IDR_BERN_SERIES) {
    double x2 = x * x;
    *B = 1.0 - 0.5 * x + x2 / 12.0 - x2 * x2 / 720.0;
    *dB = -0.5 + x / 6.0 - x2 * x / 180.0;
    return;
  }
  if (x > 700.0) {
    double e = exp(-x);
    *B = x * e;
    *dB = (1.0 - x) * e;
    return;
  }
  if (x < -700.0) {
    *B = -x;
    *dB = -1.0;
    return;
  }
  double em1 = expm1(x);
  double b = x / em1;
  *B = b;
  /* B' = B/x - B - B^2/x */
  *dB = b * (1.0 - b) / x - b;
}

/* Scharfetter-Gummel flux kernel k [b B(d) - a B(-d)] and its partials
 * with respect to a, b and d. */
typedef struct idr_sg {
  double F, dFa, dFb, dFd;
} idr_sg;

/* The Bernoulli function at d and -d from one evaluation: B(-x) = B(x) + x,
 * B'(-x) = -B'(x) - 1. */
typedef struct idr_bern2 {
  double Bp, dBp, Bm, dBm; /* B(d), B'(d), B(-d), B'(-d) */
} idr_bern2;

static inline idr_bern2 idr_bernoulli2(double d) {
  idr_bern2 r;
  idr_bernoulli(d, &r.Bp, &r.dBp);
  r.Bm = r.Bp + d;
  r.dBm = -r.dBp - 1.0;
  return r;
}

/* SG flux from precomputed Bernoulli values (sign s = +1: B(d) pair, -1: swapped). */
static inline idr_sg idr_sg_flux_b(double k, double a, double b, const idr_bern2 *B, int s) {
  double Bp = s > 0 ? B->Bp : B->Bm, Bm = s > 0 ? B->Bm : B->Bp;
  double dBp = s > 0 ? B->dBp : B->dBm, dBm = s > 0 ? B->dBm : B->dBp;
  idr_sg r;
  r.F = k * (b * Bp - a * Bm);
  r.dFa = -k * Bm;
  r.dFb = k * Bp;
  r.dFd = s * k * (b * dBp + a * dBm);
  return r;
}

static inline idr_sg idr_sg_flux(double k, double a, double b, double d) {
  double Bp, dBp, Bm, dBm;
  idr_bernoulli(d, &Bp, &dBp);
  Bm = Bp + d;
  dBm = -dBp - 1.0;
  idr_sg r;
  r.F = k * (b * Bp - a * Bm);
  r.dFa = -k * Bm;
  r.dFb = k * Bp;
  r.dFd = k * (b * dBp + a * dBm);
  return r;
}

/* Band-to-band and background recombination in one half cell:
 * U = (np - ni2) (k_rad + C_n n + C_p p) + (np - ni2) / (tau_p (n + ni) + tau_n (p + ni)).
 * ni = sqrt(ni2), passed precomputed. Returns U [m^-3 s^-1] and dU/dn, dU/dp. */
static inline double idr_recomb(double n, double p, double ni2, double ni, double k_rad, double C_n,
                                double C_p, double tau_n, double tau_p, double *dUn, double *dUp) {
  double np = n * p - ni2;
  double kk = k_rad + C_n * n + C_p * p;
  double U = np * kk;
  double dn = p * kk + np * C_n;
  double dp = n * kk + np * C_p;
  if (tau_n > 0.0 && tau_p > 0.0) {
    double den = tau_p * (n + ni) + tau_n * (p + ni);
    U += np / den;
    dn += p / den - np * tau_p / (den * den);
    dp += n / den - np * tau_n / (den * den);
  }
  *dUn = dn;
  *dUp = dp;
  return U;
}

/* Interface (surface) recombination per unit area:
 * R = (np - ni2) / ((n + ni)/s_p + (p + ni)/s_n). */
static inline double idr_surface_recomb(double n, double p, double ni2, double s_n, double s_p,
                                        double *dRn, double *dRp) {
  double ni = sqrt(ni2);
  double np = n * p - ni2;
  double den = (n + ni) / s_p + (p + ni) / s_n;
  *dRn = p / den - np / (s_p * den * den);
  *dRp = n / den - np / (s_n * den * den);
  return np / den;
}

#endif

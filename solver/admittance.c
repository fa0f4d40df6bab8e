/*
 * Small-signal admittance about any state u0 (a steady state or a snapshot of
 * a transient): for a voltage perturbation dV e^{i w t} on the left contact,
 *   (dF/du + i w dF/du') du = -(dF/dV) dV,
 * solved with complex KLU (klu_zl_*) in the device's fixed CSC pattern, and
 *   Y = dJ/dV = g_cond . du + i w g_disp . du = G + i w C
 * from the linearised terminal current (conduction + ionic + displacement).
 * Every unknown responds according to its own physics at that frequency:
 * carriers, traps and ions follow or not through their terms in dF/du and
 * dF/du'; nothing is frozen by hand.
 *
 * The symbolic analysis is done once per device; the Jacobian, mass matrix
 * and current gradient once per state; each frequency costs one complex
 * numeric factorization (a refactorization after the first) and one solve.
 */
#include "idr_solver.h"

#include <klu.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Reciprocal condition estimate below which a refactorization is redone
 * with fresh pivoting. */
#define IDR_ADM_RCOND_MIN 1e-14

struct idr_admittance {
  const idr_device *dev;
  long n, nnz;
  long *Ap, *Ai; /* CSC pattern (KLU's long indices) */
  double *J;     /* dF/du values [nnz] */
  double *mass;  /* diagonal of dF/du' [n] */
  long *diag;    /* position of each diagonal entry in the pattern [n] */
  double *Az;    /* complex values, interleaved [2 nnz] */
  double *rhs;   /* complex right-hand side / solution, interleaved [2 n] */
  double *g_cond, *g_disp;
  double *dFdV;
  klu_l_common common;
  klu_l_symbolic *sym;
  klu_l_numeric *num; /* complex numeric factorization, reused across frequencies */
  int have_state;
};

void idr_admittance_free(idr_admittance **ap) {
  if (!ap || !*ap) return;
  idr_admittance *a = *ap;
  if (a->num) klu_zl_free_numeric(&a->num, &a->common);
  if (a->sym) klu_l_free_symbolic(&a->sym, &a->common);
  free(a->Ap);
  free(a->Ai);
  free(a->J);
  free(a->mass);
  free(a->diag);
  free(a->Az);
  free(a->rhs);
  free(a->g_cond);
  free(a->g_disp);
  free(a->dFdV);
  free(a);
  *ap = NULL;
}

idr_status idr_admittance_create(const idr_device *dev, idr_admittance **out, idr_error *err) {
  *out = NULL;
  idr_admittance *a = calloc(1, sizeof *a);
  if (!a) return idr_error_set(err, IDR_ERR_NOMEM, "admittance: out of memory");
  a->dev = dev;
  a->n = dev->n_unknowns;
  a->nnz = dev->nnz;
  size_t n = (size_t)a->n, nnz = (size_t)a->nnz;
  a->Ap = malloc((n + 1) * sizeof *a->Ap);
  a->Ai = malloc(nnz * sizeof *a->Ai);
  a->J = malloc(nnz * sizeof *a->J);
  a->mass = malloc(n * sizeof *a->mass);
  a->diag = malloc(n * sizeof *a->diag);
  a->Az = malloc(2 * nnz * sizeof *a->Az);
  a->rhs = malloc(2 * n * sizeof *a->rhs);
  a->g_cond = malloc(n * sizeof *a->g_cond);
  a->g_disp = malloc(n * sizeof *a->g_disp);
  a->dFdV = malloc(n * sizeof *a->dFdV);
  if (!a->Ap || !a->Ai || !a->J || !a->mass || !a->diag || !a->Az || !a->rhs || !a->g_cond ||
      !a->g_disp || !a->dFdV) {
    idr_admittance_free(&a);
    return idr_error_set(err, IDR_ERR_NOMEM, "admittance: out of memory");
  }
  memcpy(a->Ap, dev->colptr, (n + 1) * sizeof *a->Ap);
  memcpy(a->Ai, dev->rowind, nnz * sizeof *a->Ai);
  for (long u = 0; u < a->n; u++)
    a->diag[u] = idr_device_csc_pos(dev, (int)u, (int)u);
  klu_l_defaults(&a->common);
  a->sym = klu_l_analyze(a->n, a->Ap, a->Ai, &a->common);
  if (!a->sym) {
    idr_status st = idr_error_set(err, IDR_ERR_LINALG, "admittance: KLU analysis failed (%d)",
                                  (int)a->common.status);
    idr_admittance_free(&a);
    return st;
  }
  idr_dF_dV(dev, a->dFdV);
  *out = a;
  return IDR_OK;
}

idr_status idr_admittance_set_state(idr_admittance *a, const double *y, const idr_bias *b,
                                    idr_error *err) {
  if (idr_jacobian(a->dev, b, y, 0.0, a->J))
    return idr_error_set(err, IDR_ERR_SOLVER, "admittance: Jacobian not finite at this state");
  idr_mass_diagonal(a->dev, a->mass);
  idr_current_gradient(a->dev, y, a->g_cond, a->g_disp);
  a->have_state = 1;
  /* a new state has new values: the next factorization pivots afresh */
  if (a->num) klu_zl_free_numeric(&a->num, &a->common);
  return IDR_OK;
}

idr_status idr_admittance_eval(idr_admittance *a, double omega, idr_admittance_point *out,
                               idr_error *err) {
  if (!a->have_state) return idr_error_set(err, IDR_ERR_INTERNAL, "admittance: no state set");
  if (!(omega > 0.0) || !isfinite(omega))
    return idr_error_set(err, IDR_ERR_INPUT, "admittance: angular frequency must be > 0 (got %g)",
                         omega);
  const long n = a->n, nnz = a->nnz;
  for (long q = 0; q < nnz; q++) {
    a->Az[2 * q] = a->J[q];
    a->Az[2 * q + 1] = 0.0;
  }
  for (long u = 0; u < n; u++)
    a->Az[2 * a->diag[u] + 1] = omega * a->mass[u];
  int fresh = 0;
  if (a->num) {
    if (!klu_zl_refactor(a->Ap, a->Ai, a->Az, a->sym, a->num, &a->common) ||
        !klu_zl_rcond(a->sym, a->num, &a->common) || a->common.rcond < IDR_ADM_RCOND_MIN) {
      klu_zl_free_numeric(&a->num, &a->common);
    }
  }
  if (!a->num) {
    a->num = klu_zl_factor(a->Ap, a->Ai, a->Az, a->sym, &a->common);
    fresh = 1;
    if (!a->num)
      return idr_error_set(
          err, IDR_ERR_LINALG,
          "admittance: complex KLU factorization failed at f = %.6g Hz (status %d)",
          omega / (2.0 * IDR_PI), (int)a->common.status);
  }
  (void)fresh;
  /* right-hand side: -(dF/dV) for dV = 1 V */
  for (long u = 0; u < n; u++) {
    a->rhs[2 * u] = -a->dFdV[u];
    a->rhs[2 * u + 1] = 0.0;
  }
  if (!klu_zl_solve(a->sym, a->num, n, 1, a->rhs, &a->common))
    return idr_error_set(err, IDR_ERR_LINALG, "admittance: complex KLU solve failed (status %d)",
                         (int)a->common.status);
  /* Y = g_cond . du + i w g_disp . du */
  double yr = 0.0, yi = 0.0;
  for (long u = 0; u < n; u++) {
    double dr = a->rhs[2 * u], di = a->rhs[2 * u + 1];
    yr += a->g_cond[u] * dr - omega * a->g_disp[u] * di;
    yi += a->g_cond[u] * di + omega * a->g_disp[u] * dr;
  }
  out->omega = omega;
  out->G = yr;
  out->C = yi / omega;
  return IDR_OK;
}

const double *idr_admittance_response(const idr_admittance *a) {
  return a->rhs;
}

/*
 * The carriers' quasi-steady state with the ions and trap occupations held:
 * the potential and the carrier densities that solve the stationary rows
 * F(y, 0) = 0 of the potential and of both carriers, every other unknown
 * (ion densities, trap occupations, counter-defects) kept at its value.
 *
 * After a bias change the carriers relax in ps..us (dielectric relaxation,
 * injection fronts, the decay of injected minority carriers) while the ions
 * move on their own time scale (us..s); resolving that relaxation takes
 * most of a transient's steps (bench/README.md). Where no output falls
 * inside it, the driver (ida_driver.c) starts the integration from this
 * state instead (docs/accuracy.md, "The carriers' quasi-steady start").
 *
 * Damped Newton on the steady-state Jacobian dF/dy (cj = 0) with the held
 * unknowns' rows replaced by identity rows, factored by the block LU of
 * blocktri.c. A carrier density may fall by at most IDR_QSS_MIN_FACTOR per
 * iteration (a full step would often overshoot below zero where a depletion
 * region re-forms and the densities fall by orders of magnitude); the
 * potential's step is clamped to IDR_QSS_MAX_PSI_STEP V_T. Converged when
 * the update is below tol in the integrator's WRMS norm (the test of its own
 * Newton iterations). Then the slowest relaxation time of the carriers
 * about that state, by power iteration on J^-1 M with the last
 * factorization (a few solves): the driver starts from the state only when
 * the first output is many such times later. Failure (no convergence, a
 * non-finite residual, a singular block) leaves the state untouched: the
 * driver then integrates the relaxation as before.
 */
#include "quasi_steady.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Newton iterations before giving up. */
#define IDR_QSS_MAX_ITER 40
/* Largest change of the scaled potential (V_T) in one iteration. */
#define IDR_QSS_MAX_PSI_STEP 4.0
/* Smallest factor of a carrier density in one iteration. */
#define IDR_QSS_MIN_FACTOR 1e-3
/* Power iterations of the slowest relaxation time: at least the first, at
 * most the second; converged when it changes by less than the third. */
#define IDR_QSS_POWER_MIN 8
#define IDR_QSS_POWER_MAX 100
#define IDR_QSS_POWER_RTOL 1e-3

struct idr_qss {
  const idr_device *dev;
  idr_blocktri *bt;
  double *Jx;    /* [nnz] */
  double *F;     /* [n] residual */
  double *zero;  /* [n] y' = 0 */
  char *held;    /* [n] 1: ion, trap or counter-defect unknown (held) */
  char *carrier; /* [n] 1: a carrier density */
  double *mass;  /* [n] the carriers' mass diagonal (0 elsewhere) */
};

void idr_qss_free(idr_qss **qp) {
  if (!qp || !*qp) return;
  idr_qss *q = *qp;
  idr_blocktri_free(&q->bt);
  free(q->Jx);
  free(q->F);
  free(q->zero);
  free(q->held);
  free(q->carrier);
  free(q->mass);
  free(q);
  *qp = NULL;
}

idr_qss *idr_qss_alloc(const idr_device *d) {
  idr_qss *q = calloc(1, sizeof *q);
  if (!q) return NULL;
  const size_t n = (size_t)d->n_unknowns;
  q->dev = d;
  q->bt = idr_blocktri_alloc(d);
  q->Jx = malloc((size_t)d->nnz * sizeof *q->Jx);
  q->F = malloc(n * sizeof *q->F);
  q->zero = calloc(n, sizeof *q->zero);
  q->held = malloc(n);
  q->carrier = calloc(n, 1);
  q->mass = malloc(n * sizeof *q->mass);
  if (!q->bt || !q->Jx || !q->F || !q->zero || !q->held || !q->carrier || !q->mass) {
    idr_qss_free(&q);
    return NULL;
  }
  memset(q->held, 1, n);
  for (int i = 0; i < d->N; i++) {
    q->held[d->iphi[i]] = 0;
    q->held[d->in[i]] = 0;
    q->held[d->ip[i]] = 0;
    q->carrier[d->in[i]] = 1;
    q->carrier[d->ip[i]] = 1;
  }
  idr_mass_diagonal(d, q->mass);
  for (size_t u = 0; u < n; u++)
    if (!q->carrier[u]) q->mass[u] = 0.0;
  return q;
}

/* dF/dy with the held unknowns' rows replaced by identity rows. */
static int held_jacobian(idr_qss *q, const idr_bias *b, const double *y) {
  const idr_device *d = q->dev;
  if (idr_jacobian(d, b, y, 0.0, q->Jx)) return 1;
  for (int c = 0; c < d->n_unknowns; c++)
    for (long k = d->colptr[c]; k < d->colptr[c + 1]; k++) {
      const long r = d->rowind[k];
      if (q->held[r]) q->Jx[k] = r == c ? 1.0 : 0.0;
    }
  return idr_blocktri_factor(q->bt, q->Jx);
}

/* The slowest relaxation time of the carriers about the last linearization:
 * the largest |tau| of J x = tau M x (held unknowns fixed; small
 * perturbations decay as exp(-t / tau)), by power iteration on J^-1 M in the
 * weighted norm. INFINITY when it does not converge. */
static double slowest_time(const idr_qss *q, const double *w, double *x, double *v) {
  const int n = q->dev->n_unknowns;
  double tau = 0.0, prev = -1.0;
  for (int u = 0; u < n; u++)
    x[u] = q->carrier[u] ? 1.0 / w[u] : 0.0;
  for (int k = 0; k < IDR_QSS_POWER_MAX; k++) {
    double nx = 0.0, nv = 0.0;
    for (int u = 0; u < n; u++) {
      v[u] = q->mass[u] * x[u];
      nx += (x[u] * w[u]) * (x[u] * w[u]);
    }
    idr_blocktri_solve(q->bt, v);
    for (int u = 0; u < n; u++)
      nv += (v[u] * w[u]) * (v[u] * w[u]);
    if (!(nx > 0.0) || !isfinite(nv)) return INFINITY;
    tau = sqrt(nv / nx);
    const double sc = 1.0 / sqrt(nv);
    for (int u = 0; u < n; u++)
      x[u] = v[u] * sc;
    if (k >= IDR_QSS_POWER_MIN && fabs(tau - prev) < IDR_QSS_POWER_RTOL * tau) return tau;
    prev = tau;
  }
  return INFINITY;
}

int idr_qss_solve(idr_qss *q, const idr_bias *b, const double *w, double tol, double *y,
                  double *work, int *iters, double *tau) {
  const idr_device *d = q->dev;
  const int n = d->n_unknowns;
  double *yt = work, *dx = work + n;
  memcpy(yt, y, (size_t)n * sizeof *yt);
  *iters = 0;
  for (int it = 1; it <= IDR_QSS_MAX_ITER; it++) {
    *iters = it;
    if (idr_residual(d, b, yt, q->zero, q->F)) return 1;
    for (int u = 0; u < n; u++)
      dx[u] = q->held[u] ? 0.0 : -q->F[u];
    if (held_jacobian(q, b, yt)) return 1;
    idr_blocktri_solve(q->bt, dx);
    double ss = 0.0;
    for (int u = 0; u < n; u++) {
      if (q->held[u]) continue;
      const double s = dx[u] * w[u];
      ss += s * s;
      if (q->carrier[u]) {
        const double yn = yt[u] + dx[u], floor = yt[u] * IDR_QSS_MIN_FACTOR;
        yt[u] = yn > floor ? yn : floor;
      } else {
        const double s2 = dx[u] > IDR_QSS_MAX_PSI_STEP
                              ? IDR_QSS_MAX_PSI_STEP
                              : (dx[u] < -IDR_QSS_MAX_PSI_STEP ? -IDR_QSS_MAX_PSI_STEP : dx[u]);
        yt[u] += s2;
      }
    }
    if (!isfinite(ss)) return 1;
    if (sqrt(ss / n) < tol) {
      memcpy(y, yt, (size_t)n * sizeof *yt);
      *tau = slowest_time(q, w, work, work + n);
      return 0;
    }
  }
  return 1;
}

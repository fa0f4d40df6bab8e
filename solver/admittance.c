/*
 * Small-signal admittance about any state u0 (a steady state or a snapshot of
 * a transient): for a voltage perturbation dV e^{i w t} on the left contact,
 *   (dF/du + i w dF/du') du = -(dF/dV) dV,
 * solved by a complex block-tridiagonal LU with a bordering for the ion
 * number constraints (below), complex KLU (klu_zl_*) as the fallback, and
 *   Y = dJ/dV = g_cond . du + i w g_disp . du = G + i w C
 * from the linearised terminal current (conduction + ionic + displacement).
 * Every unknown responds according to its own physics at that frequency:
 * carriers, traps and ions follow or not through their terms in dF/du and
 * dF/du'; nothing is frozen by hand.
 *
 * The symbolic analysis is done once per device; the Jacobian, mass matrix
 * and current gradient once per state; each frequency or state costs one
 * complex block factorization and 1 + K block solves (K ionic species), or
 * on the fallback one complex KLU refactorization (pivot order of the
 * previous factorization, fresh pivoting when the condition estimate drops)
 * and one solve.
 *
 * Block path. The system matrix A' (the ion rows cons_row[k] replaced by the
 * dense constraint rows) equals B + sum_k e_{r_k} d_k^T, where B is A' with
 * each constraint row cut to the device's block band (its entries at the
 * nodes next to r_k's) and d_k the entries of constraint row k outside the
 * band. B is block tridiagonal by nodes and factored like solver/blocktri.c
 * (block Thomas, dense complex LU with partial pivoting inside each node's
 * Schur complement); the rank-K update is done exactly by the
 * Sherman-Morrison-Woodbury formula
 *   x = x0 - Z (I + D^T Z)^{-1} D^T x0,  x0 = B^{-1} b,  Z = B^{-1} [e_{r_k}],
 * the K x K capacitance matrix factored with partial pivoting. In exact
 * arithmetic x is the solution of A' x = b whenever B and A' are regular.
 * B stays regular as w -> 0 (its cut constraint row pins the ion density of
 * one node, a Dirichlet-like condition), so the bordering does not
 * reintroduce the w -> 0 singularity (tests/test_admittance.c: 1 Hz..1 MHz).
 * The result is accepted when the componentwise backward error of x in A' is
 * below IDR_ADM_BT_BERR_MAX; otherwise (or if a block or the capacitance
 * matrix is singular) the frequency is solved with complex KLU, as it always
 * was before.
 */
#include "admittance_priv.h"
#include "idr_solver.h"

#include <complex.h>
#include <klu.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Reciprocal condition estimate below which a refactorization is redone
 * with fresh pivoting. */
#define IDR_ADM_RCOND_MIN 1e-14
/* Steps of iterative refinement of each solve (0: measured to change C by
 * < 1e-9 relative; the conductance floor, ~1e-6 S/m^2, comes from the
 * cancelling drift and diffusion terms of the current, not from the solve). */
#define IDR_ADM_REFINE_STEPS 0
/* Largest componentwise backward error max_r |b - A' x|_r / (|A'| |x| + |b|)_r
 * of the block path's solution accepted; above it KLU solves again. */
#define IDR_ADM_BT_BERR_MAX 1e-11
/* Largest node block of the block path (larger: KLU only). */
#define IDR_ADM_BT_LOCAL_MAX 32

struct idr_admittance {
  const idr_device *dev;
  long n, nnz;
  long *Ap, *Ai; /* CSC pattern (KLU's long indices) */
  double *J;     /* dF/du values [nnz] */
  double *mass;  /* diagonal of dF/du' [n] */
  double *wmass; /* the same, 0 on the constraint rows: A' = J + i w diag(wmass) [n] */
  long *diag;    /* position of each diagonal entry in the pattern [n] */
  long *pos_map; /* device CSC position -> position here [device nnz] */
  long cons_row[IDR_MAX_IONS]; /* ion row replaced by the species number constraint */
  long *cons_pos;              /* positions of the constraint entries [n_cons] */
  long *cons_row_pos;          /* positions of every entry of the constraint rows [n_cons_row] */
  long n_cons_row;
  int *cons_col; /* their columns (ion unknowns) [n_cons] */
  long n_cons;
  double *Az;  /* complex values, interleaved [2 nnz] */
  double *rhs; /* complex right-hand side / solution, interleaved [2 n] */
  double *res; /* complex residual for iterative refinement [2 n] */
  double *g_cond, *g_disp;
  double *dFdV;
  klu_l_common common;
  klu_l_symbolic *sym;
  klu_l_numeric *num; /* complex numeric factorization, reused across frequencies */
  int have_state;
  /* block path (see the top of the file) */
  int force_klu, last_path;
  int klu_refine;               /* steps of iterative refinement of the KLU path */
  int N, M;                     /* nodes, padded block size */
  double complex *zD, *zL, *zU; /* [N M^2] blocks of B, row-major (pads: identity in D) */
  double complex *zS;           /* [N M^2] LU of each Schur complement (U's diagonal inverted) */
  double complex *zG;           /* [N M^2] S_i^{-1} U_i, row-major */
  int *zperm;                   /* [N M] row permutation of each LU */
  double complex *zx;           /* [(K + 1) N M] padded solutions x0, Z_k */
  double *g_work;               /* [n] work: |A'||x| + |b| */
  long *oob_pos;                /* positions of the constraint entries outside the band [n_oob] */
  long *oob_col;                /* their columns [n_oob] */
  int *oob_k;                   /* their species [n_oob] */
  long n_oob;
};

void idr_admittance_force_klu(idr_admittance *a, int on) {
  a->force_klu = on;
}

void idr_admittance_set_klu_refine(idr_admittance *a, int steps) {
  a->klu_refine = steps;
}

int idr_admittance_last_path(const idr_admittance *a) {
  return a->last_path;
}

void idr_admittance_free(idr_admittance **ap) {
  if (!ap || !*ap) return;
  idr_admittance *a = *ap;
  if (a->num) klu_zl_free_numeric(&a->num, &a->common);
  if (a->sym) klu_l_free_symbolic(&a->sym, &a->common);
  free(a->Ap);
  free(a->Ai);
  free(a->J);
  free(a->mass);
  free(a->wmass);
  free(a->diag);
  free(a->pos_map);
  free(a->cons_pos);
  free(a->cons_row_pos);
  free(a->cons_col);
  free(a->Az);
  free(a->rhs);
  free(a->res);
  free(a->g_cond);
  free(a->g_disp);
  free(a->dFdV);
  free(a->zD);
  free(a->zL);
  free(a->zU);
  free(a->zS);
  free(a->zG);
  free(a->zperm);
  free(a->zx);
  free(a->g_work);
  free(a->oob_pos);
  free(a->oob_k);
  free(a->oob_col);
  free(a);
  *ap = NULL;
}

/* ---- block path ---- */

/* Padded index (node * M + row in node) of unknown u. */
static inline long bt_index(const idr_admittance *a, long u) {
  const int j = a->dev->node_of[u];
  return (long)j * a->M + (u - a->dev->off[j]);
}

/* Allocation of the block path; 1 if out of memory. A device pattern other
 * than the block band (never the case today) leaves it off (M = 0). */
static int bt_create(idr_admittance *a) {
  const idr_device *d = a->dev;
  const int N = d->N;
  if (d->nnz != d->colptr[d->n_unknowns]) return 0;
  for (int c = 0; c < d->n_unknowns; c++) /* every entry inside the block band */
    for (long q = d->colptr[c]; q < d->colptr[c + 1]; q++)
      if (abs(d->node_of[d->rowind[q]] - d->node_of[c]) > 1) return 0;
  int M = 1;
  for (int i = 0; i < N; i++)
    if (d->off[i + 1] - d->off[i] > M) M = d->off[i + 1] - d->off[i];
  if (M > IDR_ADM_BT_LOCAL_MAX) return 0;
  const size_t MM = (size_t)M * (size_t)M, nb = (size_t)N * MM, K = (size_t)d->n_ions;
  a->zD = calloc(nb, sizeof *a->zD);
  a->zL = calloc(nb, sizeof *a->zL);
  a->zU = calloc(nb, sizeof *a->zU);
  a->zS = calloc(nb, sizeof *a->zS);
  a->zG = calloc(nb, sizeof *a->zG);
  a->zperm = calloc((size_t)N * (size_t)M, sizeof *a->zperm);
  a->zx = calloc((K + 1) * (size_t)N * (size_t)M, sizeof *a->zx);
  a->g_work = calloc((size_t)a->n, sizeof *a->g_work);
  /* constraint entries outside the band: positions of the constraint rows
   * that no device entry maps to */
  unsigned char *mapped = calloc((size_t)a->nnz, 1);
  a->oob_pos = malloc(((size_t)a->n_cons_row > 0 ? (size_t)a->n_cons_row : 1) * sizeof *a->oob_pos);
  a->oob_k = malloc(((size_t)a->n_cons_row > 0 ? (size_t)a->n_cons_row : 1) * sizeof *a->oob_k);
  a->oob_col = malloc(((size_t)a->n_cons_row > 0 ? (size_t)a->n_cons_row : 1) * sizeof *a->oob_col);
  if (!a->zD || !a->zL || !a->zU || !a->zS || !a->zG || !a->zperm || !a->zx || !a->g_work ||
      !mapped || !a->oob_pos || !a->oob_k || !a->oob_col) {
    free(mapped);
    return 1;
  }
  for (long q = 0; q < d->nnz; q++)
    mapped[a->pos_map[q]] = 1;
  a->n_oob = 0;
  for (long c = 0; c < a->n; c++)
    for (long q = a->Ap[c]; q < a->Ap[c + 1]; q++)
      for (int k = 0; k < d->n_ions && !mapped[q]; k++)
        if (a->cons_row[k] >= 0 && a->Ai[q] == a->cons_row[k]) {
          a->oob_pos[a->n_oob] = q;
          a->oob_col[a->n_oob] = c;
          a->oob_k[a->n_oob] = k;
          a->n_oob++;
        }
  free(mapped);
  for (int i = 0; i < N; i++)
    for (int r = d->off[i + 1] - d->off[i]; r < M; r++)
      a->zD[(size_t)i * MM + (size_t)r * (size_t)M + (size_t)r] = 1.0;
  a->N = N;
  a->M = M;
  return 0;
}

/* In-place complex LU with partial pivoting (row-major M x M), as in
 * blocktri.c: rows perm[] of s = L U, U's diagonal stored inverted. 1 if
 * singular or not finite. */
static inline int zlu_factor(double complex *s, int *perm, int M) {
  for (int r = 0; r < M; r++)
    perm[r] = r;
  for (int k = 0; k < M; k++) {
    int p = k;
    double amax = fabs(creal(s[k * M + k])) + fabs(cimag(s[k * M + k]));
    for (int r = k + 1; r < M; r++) {
      double v = fabs(creal(s[r * M + k])) + fabs(cimag(s[r * M + k]));
      if (v > amax) {
        amax = v;
        p = r;
      }
    }
    if (!(amax > 0.0) || !isfinite(amax)) return 1;
    if (p != k) {
      for (int c = 0; c < M; c++) {
        double complex tmp = s[k * M + c];
        s[k * M + c] = s[p * M + c];
        s[p * M + c] = tmp;
      }
      int tmp = perm[k];
      perm[k] = perm[p];
      perm[p] = tmp;
    }
    double complex dinv = 1.0 / s[k * M + k];
    s[k * M + k] = dinv;
    for (int r = k + 1; r < M; r++) {
      double complex l = s[r * M + k] * dinv;
      s[r * M + k] = l;
      for (int c = k + 1; c < M; c++)
        s[r * M + c] -= l * s[k * M + c];
    }
  }
  return 0;
}

/* x <- S^{-1} x for one vector already permuted by perm (LU in s). */
static inline void zlu_solve(const double complex *s, double complex *x, int M) {
  for (int r = 1; r < M; r++) {
    double complex acc = x[r];
    for (int k = 0; k < r; k++)
      acc -= s[r * M + k] * x[k];
    x[r] = acc;
  }
  for (int r = M - 1; r >= 0; r--) {
    double complex acc = x[r];
    for (int k = r + 1; k < M; k++)
      acc -= s[r * M + k] * x[k];
    x[r] = acc * s[r * M + r];
  }
}

/* X <- S^{-1} X for the row-major M x M X (rows already permuted), LU in s. */
static inline void zlu_solve_rows(const double complex *s, double complex *X, int M) {
  for (int r = 1; r < M; r++)
    for (int k = 0; k < r; k++) {
      const double complex l = s[r * M + k];
      for (int c = 0; c < M; c++)
        X[r * M + c] -= l * X[k * M + c];
    }
  for (int r = M - 1; r >= 0; r--) {
    for (int k = r + 1; k < M; k++) {
      const double complex u = s[r * M + k];
      for (int c = 0; c < M; c++)
        X[r * M + c] -= u * X[k * M + c];
    }
    for (int c = 0; c < M; c++)
      X[r * M + c] *= s[r * M + r];
  }
}

/* Block LU of B (values: J + i w wmass on the diagonal). 1 if a Schur complement is singular or not
 * finite. */
static inline int bt_factor_core(idr_admittance *a, double omega, const int M) {
  const idr_device *d = a->dev;
  const int N = a->N;
  const long MM = (long)M * M;
  const double *J = a->J;
  /* the device's entries into the blocks (the rest of each block stays 0:
   * the pattern is fixed) */
  for (int j = 0; j < N; j++) {
    const int mj = d->off[j + 1] - d->off[j];
    for (int cc = 0; cc < mj; cc++) {
      const int c = d->off[j] + cc;
      for (long q = d->colptr[c]; q < d->colptr[c + 1]; q++) {
        const int r = (int)d->rowind[q], i = d->node_of[r], rl = r - d->off[i];
        double complex *blk = i < j   ? a->zU + (j - 1) * MM
                              : i > j ? a->zL + i * MM
                                      : a->zD + j * MM;
        blk[(long)rl * M + cc] = J[a->pos_map[q]];
      }
      a->zD[j * MM + (long)cc * M + cc] += CMPLX(0.0, omega * a->wmass[c]);
    }
  }
  for (int i = 0; i < N; i++) {
    double complex *S = a->zS + i * MM, *G = a->zG + i * MM;
    int *perm = a->zperm + (long)i * M;
    memcpy(S, a->zD + i * MM, (size_t)MM * sizeof *S);
    if (i > 0) { /* S_i = D_i - L_i G_{i-1} */
      const double complex *Li = a->zL + i * MM, *Gp = a->zG + (i - 1) * MM;
      for (int r = 0; r < M; r++)
        for (int k = 0; k < M; k++) {
          double complex l = Li[r * M + k];
          for (int c = 0; c < M; c++)
            S[r * M + c] -= l * Gp[k * M + c];
        }
    }
    if (zlu_factor(S, perm, M)) return 1;
    if (i == N - 1) break;
    /* G_i = S_i^{-1} U_i */
    const double complex *Ui = a->zU + i * MM;
    for (int r = 0; r < M; r++)
      memcpy(G + r * M, Ui + perm[r] * M, (size_t)M * sizeof *G);
    zlu_solve_rows(S, G, M);
  }
  return 0;
}

/* x <- B^{-1} x for the padded vector x [N M] whose entries before node i0
 * are zero (the forward sweep starts there). */
static inline void bt_solve_core(const idr_admittance *a, double complex *x, int i0, const int M) {
  const int N = a->N;
  const long MM = (long)M * M;
  double complex t[IDR_ADM_BT_LOCAL_MAX];
  for (int i = i0; i < N; i++) {
    double complex *xi = x + (long)i * M;
    if (i > i0) { /* b_i - L_i z_{i-1} */
      const double complex *Li = a->zL + i * MM, *xp = xi - M;
      for (int r = 0; r < M; r++) {
        double complex acc = xi[r];
        for (int k = 0; k < M; k++)
          acc -= Li[r * M + k] * xp[k];
        xi[r] = acc;
      }
    }
    const int *perm = a->zperm + (long)i * M;
    for (int r = 0; r < M; r++)
      t[r] = xi[perm[r]];
    zlu_solve(a->zS + i * MM, t, M);
    for (int r = 0; r < M; r++)
      xi[r] = t[r];
  }
  for (int i = N - 2; i >= 0; i--) {
    double complex *xi = x + (long)i * M;
    const double complex *Gi = a->zG + i * MM, *xn = xi + M;
    for (int r = 0; r < M; r++) {
      double complex acc = xi[r];
      for (int k = 0; k < M; k++)
        acc -= Gi[r * M + k] * xn[k];
      xi[r] = acc;
    }
  }
}

#define IDR_ADM_BT_FIXED(m)                                                                        \
  static int bt_factor_##m(idr_admittance *a, double omega) {                                      \
    return bt_factor_core(a, omega, m);                                                            \
  }                                                                                                \
  static void bt_solve_##m(const idr_admittance *a, double complex *x, int i0) {                   \
    bt_solve_core(a, x, i0, m);                                                                    \
  }
IDR_ADM_BT_FIXED(3)
IDR_ADM_BT_FIXED(4)
IDR_ADM_BT_FIXED(5)
IDR_ADM_BT_FIXED(6)

static int bt_factor(idr_admittance *a, double omega) {
  switch (a->M) {
  case 3: return bt_factor_3(a, omega);
  case 4: return bt_factor_4(a, omega);
  case 5: return bt_factor_5(a, omega);
  case 6: return bt_factor_6(a, omega);
  default: return bt_factor_core(a, omega, a->M);
  }
}

static void bt_solve(const idr_admittance *a, double complex *x, int i0) {
  switch (a->M) {
  case 3: bt_solve_3(a, x, i0); break;
  case 4: bt_solve_4(a, x, i0); break;
  case 5: bt_solve_5(a, x, i0); break;
  case 6: bt_solve_6(a, x, i0); break;
  default: bt_solve_core(a, x, i0, a->M); break;
  }
}

/* The block path's solution of A' x = -(dF/dV) into a->rhs; 1 if it is not
 * available or not accurate enough (then KLU solves). */
static int bt_eval(idr_admittance *a, double omega) {
  if (a->M == 0 || bt_factor(a, omega)) return 1;
  const idr_device *d = a->dev;
  const long n = a->n, NM = (long)a->N * a->M;
  const int K = d->n_ions;
  double complex *x0 = a->zx;
  memset(a->zx, 0, (size_t)(K + 1) * (size_t)NM * sizeof *a->zx);
  for (long u = 0; u < n; u++)
    x0[bt_index(a, u)] = -a->dFdV[u];
  bt_solve(a, x0, 0);
  for (int k = 0; k < K; k++)
    if (a->cons_row[k] >= 0) {
      double complex *z = a->zx + (long)(k + 1) * NM;
      z[bt_index(a, a->cons_row[k])] = 1.0;
      bt_solve(a, z, a->dev->node_of[a->cons_row[k]]);
    }
  /* capacitance matrix I + D^T Z and right-hand side D^T x0 */
  double complex C[IDR_MAX_IONS * IDR_MAX_IONS], y[IDR_MAX_IONS];
  for (int j = 0; j < K; j++) {
    y[j] = 0.0;
    for (int k = 0; k < K; k++)
      C[j * K + k] = j == k ? 1.0 : 0.0;
  }
  for (long e = 0; e < a->n_oob; e++) {
    const double v = a->J[a->oob_pos[e]];
    const int j = a->oob_k[e];
    const long pc = bt_index(a, a->oob_col[e]);
    y[j] += v * x0[pc];
    for (int k = 0; k < K; k++)
      if (a->cons_row[k] >= 0) C[j * K + k] += v * a->zx[(long)(k + 1) * NM + pc];
  }
  int perm[IDR_MAX_IONS];
  if (K > 0) {
    if (zlu_factor(C, perm, K)) return 1;
    double complex t[IDR_MAX_IONS];
    for (int r = 0; r < K; r++)
      t[r] = y[perm[r]];
    zlu_solve(C, t, K);
    for (int k = 0; k < K; k++) {
      if (a->cons_row[k] < 0) continue;
      const double complex *z = a->zx + (long)(k + 1) * NM;
      for (long p = 0; p < NM; p++)
        x0[p] -= t[k] * z[p];
    }
  }
  for (long u = 0; u < n; u++) {
    double complex v = x0[bt_index(a, u)];
    a->rhs[2 * u] = creal(v);
    a->rhs[2 * u + 1] = cimag(v);
  }
  /* componentwise backward error in A' (|z| bounded by |re| + |im|):
   * res holds b - A' x (re, im), den its scale |A'||x| + |b| */
  double *res = a->res, *den = a->g_work;
  for (long u = 0; u < n; u++) {
    res[2 * u] = -a->dFdV[u];
    res[2 * u + 1] = 0.0;
    den[u] = fabs(a->dFdV[u]);
  }
  for (long c = 0; c < n; c++) {
    const double xr = a->rhs[2 * c], xi = a->rhs[2 * c + 1], xa = fabs(xr) + fabs(xi);
    for (long q = a->Ap[c]; q < a->Ap[c + 1]; q++) {
      const long r = a->Ai[q];
      const double ar = a->J[q];
      res[2 * r] -= ar * xr;
      res[2 * r + 1] -= ar * xi;
      den[r] += fabs(ar) * xa;
    }
    const double wm = omega * a->wmass[c]; /* the diagonal's i w M */
    res[2 * c] += wm * xi;
    res[2 * c + 1] -= wm * xr;
    den[c] += fabs(wm) * xa;
  }
  for (long u = 0; u < n; u++) {
    const double e = fabs(res[2 * u]) + fabs(res[2 * u + 1]);
    if (!(e <= IDR_ADM_BT_BERR_MAX * den[u])) return 1;
  }
  return 0;
}

idr_status idr_admittance_create(const idr_device *dev, idr_admittance **out, idr_error *err) {
  *out = NULL;
  idr_admittance *a = calloc(1, sizeof *a);
  if (!a) return idr_error_set(err, IDR_ERR_NOMEM, "admittance: out of memory");
  a->dev = dev;
  a->n = dev->n_unknowns;
  a->klu_refine = IDR_ADM_REFINE_STEPS;
  const long n = a->n, K = dev->n_ions;
  /* The stationary ion equations are singular (the number of each species is
   * free), so dF/du + i w dF/du' is nearly singular as w -> 0. One ion row per
   * species is replaced by its number constraint sum_i vol_i dc_i = 0, the
   * sum of all its rows divided by i w: an equivalent system for w != 0 that
   * stays well conditioned down to w -> 0. */
  long n_cons = 0;
  for (long k = 0; k < K; k++) {
    a->cons_row[k] = -1;
    for (int i = 0; i < dev->N; i++) {
      int u = dev->iion[(size_t)i * K + k];
      if (u >= 0) {
        a->cons_row[k] = u;
        n_cons++;
      }
    }
  }
  long *cnt = calloc((size_t)n + 1, sizeof *cnt);
  a->pos_map = malloc(((size_t)dev->nnz > 0 ? (size_t)dev->nnz : 1) * sizeof *a->pos_map);
  a->cons_pos = malloc(((size_t)n_cons > 0 ? (size_t)n_cons : 1) * sizeof *a->cons_pos);
  a->cons_col = malloc(((size_t)n_cons > 0 ? (size_t)n_cons : 1) * sizeof *a->cons_col);
  a->Ap = malloc(((size_t)n + 1) * sizeof *a->Ap);
  if (!cnt || !a->pos_map || !a->cons_pos || !a->cons_col || !a->Ap) {
    free(cnt);
    idr_admittance_free(&a);
    return idr_error_set(err, IDR_ERR_NOMEM, "admittance: out of memory");
  }
  /* columns: the device's rows plus, for ion columns, the constraint row when
   * it is not already there */
  a->n_cons = 0;
  for (long c = 0; c < n; c++) {
    cnt[c] = dev->colptr[c + 1] - dev->colptr[c];
    for (long k = 0; k < K; k++) {
      if (a->cons_row[k] < 0) continue;
      for (int i = 0; i < dev->N; i++)
        if (dev->iion[(size_t)i * K + k] == c &&
            idr_device_csc_pos(dev, (int)a->cons_row[k], (int)c) < 0)
          cnt[c]++;
    }
  }
  a->Ap[0] = 0;
  for (long c = 0; c < n; c++)
    a->Ap[c + 1] = a->Ap[c] + cnt[c];
  free(cnt);
  a->nnz = a->Ap[n];
  a->Ai = malloc((size_t)a->nnz * sizeof *a->Ai);
  if (!a->Ai) {
    idr_admittance_free(&a);
    return idr_error_set(err, IDR_ERR_NOMEM, "admittance: out of memory");
  }
  for (long c = 0; c < n; c++) {
    long w = a->Ap[c];
    int kc = -1; /* species of this column, if it is an ion unknown needing an extra row */
    long extra = -1;
    for (long k = 0; k < K && kc < 0; k++) {
      if (a->cons_row[k] < 0) continue;
      for (int i = 0; i < dev->N; i++)
        if (dev->iion[(size_t)i * K + k] == c) {
          kc = (int)k;
          if (idr_device_csc_pos(dev, (int)a->cons_row[k], (int)c) < 0) extra = a->cons_row[k];
          break;
        }
    }
    /* merge the device rows (sorted) with the extra row */
    for (long q = dev->colptr[c]; q < dev->colptr[c + 1]; q++) {
      if (extra >= 0 && extra < dev->rowind[q]) {
        a->Ai[w] = extra;
        extra = -1;
        w++;
      }
      a->Ai[w] = dev->rowind[q];
      a->pos_map[q] = w;
      w++;
    }
    if (extra >= 0) a->Ai[w++] = extra;
    if (kc >= 0) {
      for (long q = a->Ap[c]; q < a->Ap[c + 1]; q++)
        if (a->Ai[q] == a->cons_row[kc]) {
          a->cons_pos[a->n_cons] = q;
          a->cons_col[a->n_cons] = (int)c;
          a->n_cons++;
        }
    }
  }
  /* every entry of the constraint rows (zeroed before the constraint is
   * written at each state) */
  a->n_cons_row = 0;
  for (long q = 0; q < a->nnz; q++)
    for (long k = 0; k < K; k++)
      if (a->cons_row[k] >= 0 && a->Ai[q] == a->cons_row[k]) a->n_cons_row++;
  a->cons_row_pos =
      malloc(((size_t)a->n_cons_row > 0 ? (size_t)a->n_cons_row : 1) * sizeof *a->cons_row_pos);
  if (!a->cons_row_pos) {
    idr_admittance_free(&a);
    return idr_error_set(err, IDR_ERR_NOMEM, "admittance: out of memory");
  }
  a->n_cons_row = 0;
  for (long q = 0; q < a->nnz; q++)
    for (long k = 0; k < K; k++)
      if (a->cons_row[k] >= 0 && a->Ai[q] == a->cons_row[k]) a->cons_row_pos[a->n_cons_row++] = q;
  size_t nn = (size_t)n, nnz = (size_t)a->nnz;
  a->J = malloc(nnz * sizeof *a->J);
  a->mass = malloc(nn * sizeof *a->mass);
  a->wmass = malloc(nn * sizeof *a->wmass);
  a->diag = malloc(nn * sizeof *a->diag);
  a->Az = malloc(2 * nnz * sizeof *a->Az);
  a->rhs = malloc(2 * nn * sizeof *a->rhs);
  a->res = malloc(2 * nn * sizeof *a->res);
  a->g_cond = malloc(nn * sizeof *a->g_cond);
  a->g_disp = malloc(nn * sizeof *a->g_disp);
  a->dFdV = malloc(nn * sizeof *a->dFdV);
  if (!a->J || !a->mass || !a->wmass || !a->diag || !a->Az || !a->rhs || !a->res || !a->g_cond ||
      !a->g_disp || !a->dFdV) {
    idr_admittance_free(&a);
    return idr_error_set(err, IDR_ERR_NOMEM, "admittance: out of memory");
  }
  for (long u = 0; u < n; u++)
    a->diag[u] = a->pos_map[idr_device_csc_pos(dev, (int)u, (int)u)];
  a->sym = klu_l_defaults(&a->common) ? klu_l_analyze(a->n, a->Ap, a->Ai, &a->common) : NULL;
  if (!a->sym) {
    idr_status st = idr_error_set(err, IDR_ERR_LINALG, "admittance: KLU analysis failed (%d)",
                                  (int)a->common.status);
    idr_admittance_free(&a);
    return st;
  }
  idr_dF_dV(dev, a->dFdV);
  if (bt_create(a)) {
    idr_admittance_free(&a);
    return idr_error_set(err, IDR_ERR_NOMEM, "admittance: out of memory");
  }
  *out = a;
  return IDR_OK;
}

idr_status idr_admittance_set_state(idr_admittance *a, const double *y, const idr_bias *b,
                                    idr_error *err) {
  /* the device Jacobian goes into Az's storage first, then to its places */
  const idr_device *d = a->dev;
  if (idr_jacobian(d, b, y, 0.0, a->Az))
    return idr_error_set(err, IDR_ERR_SOLVER, "admittance: Jacobian not finite at this state");
  memset(a->J, 0, (size_t)a->nnz * sizeof *a->J);
  for (long q = d->nnz - 1; q >= 0; q--)
    a->J[a->pos_map[q]] = a->Az[q];
  idr_mass_diagonal(d, a->mass);
  memcpy(a->wmass, a->mass, (size_t)a->n * sizeof *a->wmass);
  for (long k = 0; k < d->n_ions; k++)
    if (a->cons_row[k] >= 0) a->wmass[a->cons_row[k]] = 0.0;
  /* constraint rows: zero them, then sum_i mass_i dy_i */
  for (long e = 0; e < a->n_cons_row; e++)
    a->J[a->cons_row_pos[e]] = 0.0;
  for (long e = 0; e < a->n_cons; e++)
    a->J[a->cons_pos[e]] = a->mass[a->cons_col[e]];
  idr_current_gradient(a->dev, y, a->g_cond, a->g_disp);
  a->have_state = 1;
  /* The KLU fallback's factorization keeps the pivot order of the previous
   * state: states along a transient are close, and the refactorization falls
   * back to fresh pivoting when its rcond drops below IDR_ADM_RCOND_MIN. Over
   * the example's TID scan C(t) stays within 3.5e-10 of C of fresh pivoting
   * at every state (one step of iterative refinement moves C by 1.4e-9), for
   * 1/3 of the scan's time saved (measured when KLU was the only solver). */
  return IDR_OK;
}

/* The solution of A' x = -(dF/dV) into a->rhs with complex KLU (A' into a->Az). */
static idr_status klu_eval(idr_admittance *a, double omega, idr_error *err) {
  const long n = a->n, nnz = a->nnz;
  for (long q = 0; q < nnz; q++) {
    a->Az[2 * q] = a->J[q];
    a->Az[2 * q + 1] = 0.0;
  }
  for (long u = 0; u < n; u++) /* constraint rows carry no i w M (wmass 0) */
    a->Az[2 * a->diag[u] + 1] = omega * a->wmass[u];
  if (a->num) {
    if (!klu_zl_refactor(a->Ap, a->Ai, a->Az, a->sym, a->num, &a->common) ||
        !klu_zl_rcond(a->sym, a->num, &a->common) || a->common.rcond < IDR_ADM_RCOND_MIN) {
      klu_zl_free_numeric(&a->num, &a->common);
    }
  }
  if (!a->num) {
    a->num = klu_zl_factor(a->Ap, a->Ai, a->Az, a->sym, &a->common);
    if (!a->num)
      return idr_error_set(
          err, IDR_ERR_LINALG,
          "admittance: complex KLU factorization failed at f = %.6g Hz (status %d)",
          omega / (2.0 * IDR_PI), (int)a->common.status);
  }
  /* right-hand side: -(dF/dV) for dV = 1 V */
  for (long u = 0; u < n; u++) {
    a->rhs[2 * u] = -a->dFdV[u];
    a->rhs[2 * u + 1] = 0.0;
  }
  if (!klu_zl_solve(a->sym, a->num, n, 1, a->rhs, &a->common))
    return idr_error_set(err, IDR_ERR_LINALG, "admittance: complex KLU solve failed (status %d)",
                         (int)a->common.status);
  /* iterative refinement: r = b - A du, solve A e = r, du += e. The current
   * is a sum of large drift and diffusion terms that cancel; refining the
   * solution keeps the small conductance out of the round-off. */
  for (int it = 0; it < a->klu_refine; it++) {
    for (long u = 0; u < n; u++) {
      a->res[2 * u] = -a->dFdV[u];
      a->res[2 * u + 1] = 0.0;
    }
    for (long c = 0; c < n; c++) {
      double xr = a->rhs[2 * c], xi = a->rhs[2 * c + 1];
      for (long q = a->Ap[c]; q < a->Ap[c + 1]; q++) {
        long r = a->Ai[q];
        double ar = a->Az[2 * q], ai = a->Az[2 * q + 1];
        a->res[2 * r] -= ar * xr - ai * xi;
        a->res[2 * r + 1] -= ar * xi + ai * xr;
      }
    }
    if (!klu_zl_solve(a->sym, a->num, n, 1, a->res, &a->common))
      return idr_error_set(err, IDR_ERR_LINALG, "admittance: complex KLU solve failed (status %d)",
                           (int)a->common.status);
    for (long u = 0; u < 2 * n; u++)
      a->rhs[u] += a->res[u];
  }
  return IDR_OK;
}

idr_status idr_admittance_eval(idr_admittance *a, double omega, idr_admittance_point *out,
                               idr_error *err) {
  if (!a->have_state) return idr_error_set(err, IDR_ERR_INTERNAL, "admittance: no state set");
  if (!(omega > 0.0) || !isfinite(omega))
    return idr_error_set(err, IDR_ERR_INPUT, "admittance: angular frequency must be > 0 (got %g)",
                         omega);
  const long n = a->n;
  int path = IDR_ADM_PATH_BLOCK;
  if (a->force_klu || bt_eval(a, omega)) {
    path = IDR_ADM_PATH_KLU;
    idr_status st = klu_eval(a, omega, err);
    if (st) return st;
  }
  a->last_path = path;
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
  if (!isfinite(out->G) || !isfinite(out->C))
    return idr_error_set(err, IDR_ERR_LINALG,
                         "admittance: Y is not finite at f = %g Hz (G = %g S/m^2, C = %g F/m^2)",
                         omega / (2.0 * IDR_PI), out->G, out->C);
  return IDR_OK;
}

const double *idr_admittance_response(const idr_admittance *a) {
  return a->rhs;
}

/*
 * Block-tridiagonal direct solver for the transient Jacobian
 * A = dF/dy + cj dF/dy'. The unknowns are interleaved node by node and node
 * i couples only to i-1, i, i+1, so A is block tridiagonal with blocks
 * L_i (rows of node i, columns of node i-1), D_i and U_i (columns of node
 * i+1); the device's CSC pattern holds exactly these blocks.
 *
 * Block LU (block Thomas algorithm; Golub & Van Loan, Matrix Computations,
 * 4th ed., sec. 4.5.1):
 *   S_0 = D_0,  S_i = D_i - L_i G_{i-1},  G_i = S_i^{-1} U_i,  P_i = S_i^{-1} L_i,
 * each Schur complement S_i factored by dense LU with partial pivoting, G_i
 * and P_i from that LU, and S_i^{-1} kept explicitly; the solve is then
 *   z_i = S_i^{-1} b_i - P_i z_{i-1},   x_i = z_i - G_i x_{i+1},
 * three small dense products per node on contiguous memory, whose only
 * serial chain is one product per node and direction. Blocks are padded to
 * the largest node (identity on the padded diagonal) so that every kernel
 * runs with one compile-time block size.
 *
 * Trap occupations couple only to the carriers (and the potential's charge)
 * of their own node, through a diagonal block of their own: node i's
 * unknowns are its core c (potential, carriers, ions: the block band above)
 * and its trap levels t, and the device's pattern holds only
 * D_cc, D_ct, D_tc and the diagonal d_tt for them (and the structural zeros
 * of the traps' rows in the next node's core columns). They are eliminated per
 * node before the block LU (a Schur complement),
 *   D_cc <- D_cc - D_ct diag(1/d_tt) D_tc,
 * and recovered after the solve, x_t = (b_t - D_tc x_c) / d_tt: the cost
 * grows linearly with the number of levels (bench/README.md), the blocks
 * stay of the core's size.
 *
 * There is no pivoting across blocks. The transient Jacobians are dominated
 * by their diagonal blocks (carrier and ion rows: storage cj M plus
 * column-conserving Scharfetter-Gummel fluxes; Poisson rows: a discrete
 * Laplacian), and tests/test_blocktri.c compares the solutions with KLU's.
 * A singular diagonal block or a non-finite entry anywhere is reported as a
 * recoverable set-up failure, so IDA retries with a smaller step.
 */
#include "blocktri.h"
#include "fast_nvector.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sunmatrix/sunmatrix_sparse.h>

struct idr_blocktri {
  int N;            /* nodes (blocks) */
  int M;            /* padded block size: the largest core (unknowns but traps) of a node */
  const int *off;   /* first unknown of each node, [N+1] (the device's) */
  const int *ncore; /* core unknowns of each node, [N] (the device's); traps follow them */
  int T;            /* trap unknowns of the device */
  int *toff;        /* [N+1] first trap of each node in the arrays below */
  double *Dct;      /* [T M] column of D_ct of each trap (rows of the node's core) */
  double *Dtc;      /* [T M] row of D_tc of each trap (columns of the node's core) */
  double *dinv;     /* [T] 1 / d_tt */
  double *bfull;    /* [n_unknowns] work: right-hand side with the traps eliminated */
  double *DLU;      /* [3 N M^2] padded blocks D_i, then L_i, then U_i of A (row-major;
                       pads: identity in D, 0 in L and U; never written) */
  double *Sinv;     /* [N M^2] S_i^{-1}, column-major (the solve's products are axpys) */
  double *P;        /* [N M^2] S_i^{-1} L_i, column-major */
  double *G;        /* [N M^2] S_i^{-1} U_i, column-major */
  double *z;        /* [N M] padded work vector of the solve */
  double *lu;       /* [M^2] work: LU of one S_i (unit lower L, U's diagonal inverted) */
  double *t;        /* [3 M^2] work */
  int *perm;        /* [M] work: row permutation of one LU */
  long nnz;         /* entries of the device's CSC pattern */
};

/* The factorization's and the solve's kernels inlined into each fixed-size
 * entry point, so that each of its SIMD clones (IDR_SIMD_CLONES) gets its
 * own vectorized copy (with a plain `inline` the compiler kept one baseline
 * copy that every clone called). */
#if defined(__GNUC__)
#define IDR_BT_INLINE inline __attribute__((always_inline))
#else
#define IDR_BT_INLINE inline
#endif

static inline int bsize(const idr_blocktri *bt, int i) {
  return bt->ncore[i];
}

void idr_blocktri_free(idr_blocktri **btp) {
  if (!btp || !*btp) return;
  idr_blocktri *bt = *btp;
  free(bt->DLU);
  free(bt->Sinv);
  free(bt->P);
  free(bt->G);
  free(bt->z);
  free(bt->lu);
  free(bt->t);
  free(bt->perm);
  free(bt->toff);
  free(bt->Dct);
  free(bt->Dtc);
  free(bt->dinv);
  free(bt->bfull);
  free(bt);
  *btp = NULL;
}

/* 1 if the device's CSC pattern is the one factor_core reads: a core column
 * of node j holds every row of j-1 and of j and the core rows of j+1; a trap
 * column the core rows of its node and its own row. */
static int pattern_ok(const idr_device *d) {
  const int N = d->N;
  if (d->nnz != d->colptr[d->n_unknowns]) return 0;
  for (int c = 0; c < d->n_unknowns; c++) {
    const int j = d->node_of[c];
    long q = d->colptr[c];
    if (c - d->off[j] >= d->ncore[j]) {
      for (int r = d->off[j]; r < d->off[j] + d->ncore[j]; r++)
        if (q >= d->colptr[c + 1] || d->rowind[q++] != r) return 0;
      if (q >= d->colptr[c + 1] || d->rowind[q++] != c) return 0;
    } else {
      if (j > 0)
        for (int r = d->off[j - 1]; r < d->off[j]; r++)
          if (q >= d->colptr[c + 1] || d->rowind[q++] != r) return 0;
      for (int r = d->off[j]; r < d->off[j + 1]; r++)
        if (q >= d->colptr[c + 1] || d->rowind[q++] != r) return 0;
      if (j < N - 1)
        for (int r = d->off[j + 1]; r < d->off[j + 1] + d->ncore[j + 1]; r++)
          if (q >= d->colptr[c + 1] || d->rowind[q++] != r) return 0;
    }
    if (q != d->colptr[c + 1]) return 0;
  }
  return 1;
}

idr_blocktri *idr_blocktri_alloc(const idr_device *d) {
  idr_blocktri *bt = calloc(1, sizeof *bt);
  if (!bt) return NULL;
  const int N = d->N;
  bt->N = N;
  bt->off = d->off;
  bt->ncore = d->ncore;
  int M = 1;
  for (int i = 0; i < N; i++)
    if (bsize(bt, i) > M) M = bsize(bt, i);
  bt->M = M;
  const long MM = (long)M * M, nb = N * MM;
  bt->toff = calloc((size_t)N + 1, sizeof *bt->toff);
  if (!bt->toff) goto out_free;
  for (int i = 0; i < N; i++)
    bt->toff[i + 1] = bt->toff[i] + (d->off[i + 1] - d->off[i] - d->ncore[i]);
  bt->T = bt->toff[N];
  const size_t T1 = bt->T > 0 ? (size_t)bt->T : 1;
  bt->Dct = calloc(T1 * (size_t)M, sizeof *bt->Dct);
  bt->Dtc = calloc(T1 * (size_t)M, sizeof *bt->Dtc);
  bt->dinv = calloc(T1, sizeof *bt->dinv);
  bt->bfull = calloc((size_t)d->n_unknowns, sizeof *bt->bfull);
  bt->DLU = calloc(3 * (size_t)nb, sizeof *bt->DLU);
  bt->Sinv = calloc((size_t)nb, sizeof *bt->Sinv);
  bt->P = calloc((size_t)nb, sizeof *bt->P);
  bt->G = calloc((size_t)nb, sizeof *bt->G);
  bt->z = calloc((size_t)N * (size_t)M, sizeof *bt->z);
  bt->lu = calloc((size_t)MM, sizeof *bt->lu);
  bt->t = calloc(3 * (size_t)MM, sizeof *bt->t);
  bt->perm = calloc((size_t)M, sizeof *bt->perm);
  if (!bt->Dct || !bt->Dtc || !bt->dinv || !bt->bfull || !bt->DLU || !bt->Sinv || !bt->P ||
      !bt->G || !bt->z || !bt->lu || !bt->t || !bt->perm)
    goto out_free;
  for (int i = 0; i < N; i++)
    for (int r = bsize(bt, i); r < M; r++)
      bt->DLU[i * MM + (long)r * M + r] = 1.0;
  if (!pattern_ok(d)) goto out_free;
  bt->nnz = d->nnz;
  return bt;
out_free:
  idr_blocktri_free(&bt);
  return NULL;
}

/* The kernels take the block size M as an argument; each is inlined into
 * wrappers with a constant M (3..6), where the compiler unrolls it. */

/* In-place LU with partial pivoting of the row-major M x M matrix a:
 * rows perm[] of a = L U (unit lower L); U's diagonal stored inverted.
 * 1 if singular or not finite. */
static IDR_BT_INLINE int lu_factor(double *a, int *perm, int M) {
  for (int r = 0; r < M; r++)
    perm[r] = r;
  for (int k = 0; k < M; k++) {
    int p = k;
    double amax = fabs(a[k * M + k]);
    for (int r = k + 1; r < M; r++) {
      double v = fabs(a[r * M + k]);
      if (v > amax) {
        amax = v;
        p = r;
      }
    }
    if (!(amax > 0.0) || !isfinite(amax)) return 1;
    if (p != k) {
      for (int c = 0; c < M; c++) {
        double tmp = a[k * M + c];
        a[k * M + c] = a[p * M + c];
        a[p * M + c] = tmp;
      }
      int tmp = perm[k];
      perm[k] = perm[p];
      perm[p] = tmp;
    }
    double dinv = 1.0 / a[k * M + k];
    a[k * M + k] = dinv;
    for (int r = k + 1; r < M; r++) {
      double l = a[r * M + k] * dinv;
      a[r * M + k] = l;
      for (int c = k + 1; c < M; c++)
        a[r * M + c] -= l * a[k * M + c];
    }
  }
  return 0;
}

/* X <- S^{-1} X for the M x W row-major X (its rows already permuted by
 * perm), with S's LU in a. One pass for all W columns: the triangular
 * recurrences run over rows, the long inner loops over columns. */
static IDR_BT_INLINE void lu_solve_rows(const double *a, double *X, int M, int W) {
  for (int r = 1; r < M; r++)
    for (int k = 0; k < r; k++) {
      double l = a[r * M + k];
      for (int c = 0; c < W; c++)
        X[r * W + c] -= l * X[k * W + c];
    }
  for (int r = M - 1; r >= 0; r--) {
    for (int k = r + 1; k < M; k++) {
      double u = a[r * M + k];
      for (int c = 0; c < W; c++)
        X[r * W + c] -= u * X[k * W + c];
    }
    for (int c = 0; c < W; c++)
      X[r * W + c] *= a[r * M + r];
  }
}

/* B = the M x M block of A (row-major, row length W) at column c0, transposed. */
static IDR_BT_INLINE void transpose_block(const double *A, int W, int c0, double *B, int M) {
  for (int r = 0; r < M; r++)
    for (int c = 0; c < M; c++)
      B[c * M + r] = A[r * W + c0 + c];
}

/* Largest block whose factorization works on local arrays. */
#define IDR_BT_FACTOR_LOCAL_MAX 8

/* One node's factorization: S (the Schur complement, overwritten by its LU),
 * perm and T are work arrays of the caller. */
static IDR_BT_INLINE int factor_node(idr_blocktri *bt, int i, double *S, int *perm, double *T,
                                     int M) {
  const int N = bt->N;
  const long MM = (long)M * M, nb = N * MM;
  const double *D = bt->DLU, *L = bt->DLU + nb, *U = bt->DLU + 2 * nb;
  memcpy(S, D + i * MM, (size_t)MM * sizeof *S);
  if (i > 0) {
    /* S_i = D_i - L_i G_{i-1} (G stored column-major) */
    const double *Li = L + i * MM, *Gp = bt->G + (i - 1) * MM;
    for (int r = 0; r < M; r++)
      for (int k = 0; k < M; k++) {
        double l = Li[r * M + k];
        for (int c = 0; c < M; c++)
          S[r * M + c] -= l * Gp[c * M + k];
      }
  }
  if (lu_factor(S, perm, M)) return 1;
  /* [S^{-1} | S^{-1} L_i | S^{-1} U_i] in one solve of [I | L_i | U_i] */
  const int W = 3 * M;
  for (int r = 0; r < M; r++) {
    const int pr = perm[r];
    for (int c = 0; c < M; c++) {
      T[r * W + c] = pr == c ? 1.0 : 0.0;
      T[r * W + M + c] = L[i * MM + (long)pr * M + c];
      T[r * W + 2 * M + c] = U[i * MM + (long)pr * M + c];
    }
  }
  lu_solve_rows(S, T, M, W);
  transpose_block(T, W, 0, bt->Sinv + i * MM, M);
  transpose_block(T, W, M, bt->P + i * MM, M);
  transpose_block(T, W, 2 * M, bt->G + i * MM, M);
  return 0;
}

static IDR_BT_INLINE int factor_core(idr_blocktri *bt, const double *Jx, int M) {
  const int N = bt->N;
  const long MM = (long)M * M, nb = N * MM;
  /* CSC columns into the blocks: a core column cc of node j holds the core
   * rows of j-1 (U_{j-1}), the trap rows of j-1 (zeros), the core rows of j
   * (D_j), the trap rows of j (D_tc) and the core rows of j+1 (L_{j+1}), in
   * that order; a trap column the core rows of j (D_ct) and its diagonal d_tt */
  double *Dw = bt->DLU, *Lw = bt->DLU + nb, *Uw = bt->DLU + 2 * nb;
  const double *q = Jx;
  for (int j = 0; j < N; j++) {
    const int mj = bsize(bt, j), tj = bt->toff[j], nt = bt->toff[j + 1] - tj;
    for (int cc = 0; cc < mj; cc++) {
      if (j > 0) {
        for (int r = 0, mp = bsize(bt, j - 1); r < mp; r++)
          Uw[(j - 1) * MM + (long)r * M + cc] = *q++;
        q += bt->toff[j] - bt->toff[j - 1]; /* the traps of j-1: structural zeros */
      }
      for (int r = 0; r < mj; r++)
        Dw[j * MM + (long)r * M + cc] = *q++;
      for (int t = 0; t < nt; t++)
        bt->Dtc[(long)(tj + t) * M + cc] = *q++;
      if (j < N - 1)
        for (int r = 0, mn = bsize(bt, j + 1); r < mn; r++)
          Lw[(j + 1) * MM + (long)r * M + cc] = *q++;
    }
    for (int t = 0; t < nt; t++) {
      double *col = bt->Dct + (long)(tj + t) * M;
      for (int r = 0; r < mj; r++)
        col[r] = *q++;
      double dtt = *q++;
      if (!(fabs(dtt) > 0.0) || !isfinite(dtt)) return 1;
      bt->dinv[tj + t] = 1.0 / dtt;
    }
    /* the traps' Schur complement: D_cc -= D_ct diag(1/d_tt) D_tc */
    for (int t = 0; t < nt; t++) {
      const double *col = bt->Dct + (long)(tj + t) * M, *row = bt->Dtc + (long)(tj + t) * M;
      const double w = bt->dinv[tj + t];
      for (int r = 0; r < mj; r++) {
        const double cr = col[r] * w;
        for (int c = 0; c < mj; c++)
          Dw[j * MM + (long)r * M + c] -= cr * row[c];
      }
    }
  }
  if (M <= IDR_BT_FACTOR_LOCAL_MAX) {
    /* local work arrays: no store into them can alias the blocks */
    double S[IDR_BT_FACTOR_LOCAL_MAX * IDR_BT_FACTOR_LOCAL_MAX];
    double T[3 * IDR_BT_FACTOR_LOCAL_MAX * IDR_BT_FACTOR_LOCAL_MAX];
    int perm[IDR_BT_FACTOR_LOCAL_MAX];
    for (int i = 0; i < N; i++)
      if (factor_node(bt, i, S, perm, T, M)) return 1;
  } else {
    for (int i = 0; i < N; i++)
      if (factor_node(bt, i, bt->lu, bt->perm, bt->t, M)) return 1;
  }
  return 0;
}

/* Largest block whose solve keeps its partial results in locals. */
#define IDR_BT_LOCAL_MAX 16

/* acc = A v (A column-major M x M; acc: local, so no store aliases A or v). */
static IDR_BT_INLINE void axpy_block(double *acc, const double *A, const double *v, double sign,
                                     int M) {
  for (int k = 0; k < M; k++) {
    double vk = sign * v[k];
    for (int r = 0; r < M; r++)
      acc[r] += A[k * M + r] * vk;
  }
}

/* x = A^{-1} b (x may be b: b is read in the forward sweep only, x written
 * at the end). The result of the previous node is carried
 * in locals (zprev): the recurrence's critical path then has no
 * store-to-load forwarding through the work vector. */
static IDR_BT_INLINE void solve_core(const idr_blocktri *bt, const double *bin, double *x, int M) {
  const int N = bt->N;
  const long MM = (long)M * M;
  double *z = bt->z;
  double zprev[IDR_BT_LOCAL_MAX];
  for (int i = 0; i < N; i++) {
    const int o = bt->off[i], mi = bt->ncore[i];
    double b[IDR_BT_LOCAL_MAX], acc[IDR_BT_LOCAL_MAX];
    for (int r = 0; r < M; r++) {
      b[r] = r < mi ? bin[o + r] : 0.0;
      acc[r] = 0.0;
    }
    axpy_block(acc, bt->Sinv + i * MM, b, 1.0, M);
    if (i > 0) axpy_block(acc, bt->P + i * MM, zprev, -1.0, M);
    for (int r = 0; r < M; r++) {
      z[(long)i * M + r] = acc[r];
      zprev[r] = acc[r];
    }
  }
  /* zprev holds z_{N-1}: the next node's value in the backward sweep */
  for (int i = N - 2; i >= 0; i--) {
    double acc[IDR_BT_LOCAL_MAX];
    for (int r = 0; r < M; r++)
      acc[r] = z[(long)i * M + r];
    axpy_block(acc, bt->G + i * MM, zprev, -1.0, M);
    for (int r = 0; r < M; r++) {
      z[(long)i * M + r] = acc[r];
      zprev[r] = acc[r];
    }
  }
  for (int i = 0; i < N; i++) {
    const int o = bt->off[i], mi = bt->ncore[i];
    for (int r = 0; r < mi; r++)
      x[o + r] = z[(long)i * M + r];
  }
}

/* The same for blocks larger than IDR_BT_LOCAL_MAX, in the work vector. */
static void solve_large(const idr_blocktri *bt, const double *bin, double *x) {
  const int N = bt->N, M = bt->M;
  const long MM = (long)M * M;
  double *z = bt->z, *b = bt->t;
  for (int i = 0; i < N; i++) {
    const int o = bt->off[i], mi = bt->ncore[i];
    double *zi = z + (long)i * M;
    for (int r = 0; r < M; r++) {
      b[r] = r < mi ? bin[o + r] : 0.0;
      zi[r] = 0.0;
    }
    axpy_block(zi, bt->Sinv + i * MM, b, 1.0, M);
    if (i > 0) axpy_block(zi, bt->P + i * MM, z + (long)(i - 1) * M, -1.0, M);
  }
  for (int i = N - 2; i >= 0; i--)
    axpy_block(z + (long)i * M, bt->G + i * MM, z + (long)(i + 1) * M, -1.0, M);
  for (int i = 0; i < N; i++) {
    const int o = bt->off[i], mi = bt->ncore[i];
    for (int r = 0; r < mi; r++)
      x[o + r] = z[(long)i * M + r];
  }
}

#define IDR_BT_FIXED(m)                                                                            \
  IDR_SIMD_CLONES static int factor_##m(idr_blocktri *bt, const double *Jx) {                      \
    return factor_core(bt, Jx, m);                                                                 \
  }                                                                                                \
  IDR_SIMD_CLONES static void solve_##m(const idr_blocktri *bt, const double *b, double *x) {      \
    solve_core(bt, b, x, m);                                                                       \
  }
IDR_BT_FIXED(3)
IDR_BT_FIXED(4)
IDR_BT_FIXED(5)
IDR_BT_FIXED(6)

/* 1 if any of the n values is not finite: x - x is 0 for a finite x and NaN
 * otherwise (four independent sums, vectorizable). A NaN in an off-diagonal
 * block would never reach a pivot and would only show in the solution. */
static int any_nonfinite(const double *x, long n) {
  double s[4] = {0.0, 0.0, 0.0, 0.0};
  long q = 0;
  for (; q + 3 < n; q += 4)
    for (int l = 0; l < 4; l++)
      s[l] += x[q + l] - x[q + l];
  for (; q < n; q++)
    s[0] += x[q] - x[q];
  return (s[0] + s[1]) + (s[2] + s[3]) != 0.0;
}

int idr_blocktri_factor(idr_blocktri *bt, const double *Jx) {
  if (any_nonfinite(Jx, bt->nnz)) return 1;
  switch (bt->M) {
  case 3: return factor_3(bt, Jx);
  case 4: return factor_4(bt, Jx);
  case 5: return factor_5(bt, Jx);
  case 6: return factor_6(bt, Jx);
  default: return factor_core(bt, Jx, bt->M);
  }
}

/* The core solve of the dispatch below (no traps: b as it is). */
static void solve_cores(const idr_blocktri *bt, const double *b, double *x) {
  switch (bt->M) {
  case 3: solve_3(bt, b, x); break;
  case 4: solve_4(bt, b, x); break;
  case 5: solve_5(bt, b, x); break;
  case 6: solve_6(bt, b, x); break;
  default:
    if (bt->M <= IDR_BT_LOCAL_MAX)
      solve_core(bt, b, x, bt->M);
    else
      solve_large(bt, b, x);
    break;
  }
}

void idr_blocktri_solve_to(const idr_blocktri *bt, const double *b, double *x) {
  if (bt->T == 0) {
    solve_cores(bt, b, x);
    return;
  }
  /* b_c - D_ct diag(1/d_tt) b_t, the cores' solve, then x_t = (b_t - D_tc x_c) / d_tt
   * (b_t is read after x_c is written: x may be b, its trap entries are not
   * written before) */
  const int N = bt->N, M = bt->M;
  double *bf = bt->bfull;
  for (int i = 0; i < N; i++) {
    const int o = bt->off[i], mi = bt->ncore[i], tj = bt->toff[i], nt = bt->toff[i + 1] - tj;
    for (int r = 0; r < mi; r++)
      bf[o + r] = b[o + r];
    for (int t = 0; t < nt; t++) {
      const double *col = bt->Dct + (long)(tj + t) * M;
      const double bt_w = b[o + mi + t] * bt->dinv[tj + t];
      for (int r = 0; r < mi; r++)
        bf[o + r] -= col[r] * bt_w;
    }
  }
  solve_cores(bt, bf, x);
  for (int i = 0; i < N; i++) {
    const int o = bt->off[i], mi = bt->ncore[i], tj = bt->toff[i], nt = bt->toff[i + 1] - tj;
    for (int t = 0; t < nt; t++) {
      const double *row = bt->Dtc + (long)(tj + t) * M;
      double acc = b[o + mi + t];
      for (int r = 0; r < mi; r++)
        acc -= row[r] * x[o + r];
      x[o + mi + t] = acc * bt->dinv[tj + t];
    }
  }
}

void idr_blocktri_solve(const idr_blocktri *bt, double *x) {
  idr_blocktri_solve_to(bt, x, x);
}

/* ---- SUNLinearSolver wrapper ---- */

typedef struct bt_content {
  idr_blocktri *bt;
  sunindextype last_flag;
} bt_content;

static SUNLinearSolver_Type bt_gettype(SUNLinearSolver S) {
  (void)S;
  return SUNLINEARSOLVER_DIRECT;
}

static SUNLinearSolver_ID bt_getid(SUNLinearSolver S) {
  (void)S;
  return SUNLINEARSOLVER_CUSTOM;
}

static int bt_initialize(SUNLinearSolver S) {
  ((bt_content *)S->content)->last_flag = SUNLS_SUCCESS;
  return SUNLS_SUCCESS;
}

static int bt_setup(SUNLinearSolver S, SUNMatrix A) {
  bt_content *c = S->content;
  c->last_flag =
      idr_blocktri_factor(c->bt, SUNSparseMatrix_Data(A)) ? SUNLS_LUFACT_FAIL : SUNLS_SUCCESS;
  return (int)c->last_flag;
}

static int bt_solve(SUNLinearSolver S, SUNMatrix A, N_Vector x, N_Vector b, realtype tol) {
  (void)A;
  (void)tol;
  bt_content *c = S->content;
  idr_blocktri_solve_to(c->bt, N_VGetArrayPointer(b), N_VGetArrayPointer(x));
  c->last_flag = SUNLS_SUCCESS;
  return SUNLS_SUCCESS;
}

static sunindextype bt_lastflag(SUNLinearSolver S) {
  return ((bt_content *)S->content)->last_flag;
}

static int bt_free(SUNLinearSolver S) {
  if (!S) return SUNLS_SUCCESS;
  bt_content *c = S->content;
  if (c) {
    idr_blocktri_free(&c->bt);
    free(c);
    S->content = NULL;
  }
  SUNLinSolFreeEmpty(S);
  return SUNLS_SUCCESS;
}

SUNLinearSolver idr_blocktri_create(const idr_device *dev, SUNContext ctx) {
  SUNLinearSolver S = SUNLinSolNewEmpty(ctx);
  if (!S) return NULL;
  bt_content *c = calloc(1, sizeof *c);
  if (!c) {
    SUNLinSolFreeEmpty(S);
    return NULL;
  }
  S->content = c;
  S->ops->gettype = bt_gettype;
  S->ops->getid = bt_getid;
  S->ops->initialize = bt_initialize;
  S->ops->setup = bt_setup;
  S->ops->solve = bt_solve;
  S->ops->lastflag = bt_lastflag;
  S->ops->free = bt_free;
  c->bt = idr_blocktri_alloc(dev);
  if (!c->bt) {
    bt_free(S);
    return NULL;
  }
  return S;
}

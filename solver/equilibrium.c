/*
 * Thermal equilibrium: Poisson-Boltzmann with ion-number constraints.
 *
 *   R_i(psi, mu) = V_T/(q N0 L0) [eps_{i+1/2}(psi_{i+1}-psi_i)/h_i -
 * eps_{i-1/2}(psi_i-psi_{i-1})/h_{i-1}]
 *                + rho_i(psi_i, mu) = 0,               i = 1..N-2
 *   C_k(psi, mu) = sum_i vol_ik c_ik / (c0_k V_k) - 1 = 0,  k = 1..K
 * with n, p, f from the flat Fermi level and c_ik = c0_k exp(mu_k - z_k psi_i)
 * (steric form when c_max is set). The Jacobian is tridiagonal in psi,
 * bordered by K dense rows and columns; each Newton step costs K+1 Thomas
 * solves and a K x K dense solve. Steps are damped in the max norm
 * (a step of size s > 1 is shortened to 1 + ln s).
 */
#include "idr_solver.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define IDR_EQ_MAX_ITER 400
#define IDR_EQ_TOL 1e-12 /* converged when max |update| (psi in V_T units) is below this */

/* Thomas algorithm for a tridiagonal system; overwrites rhs with the solution.
 * a: sub-diagonal, b: diagonal, c: super-diagonal, w: workspace (n). */
static int thomas(int n, const double *a, const double *b, const double *c, double *rhs,
                  double *w) {
  double beta = b[0];
  if (beta == 0.0) return -1;
  rhs[0] /= beta;
  for (int i = 1; i < n; i++) {
    w[i] = c[i - 1] / beta;
    beta = b[i] - a[i] * w[i];
    if (beta == 0.0) return -1;
    rhs[i] = (rhs[i] - a[i] * rhs[i - 1]) / beta;
  }
  for (int i = n - 2; i >= 0; i--)
    rhs[i] -= w[i + 1] * rhs[i + 1];
  return 0;
}

/* Small dense solve with partial pivoting (K <= IDR_MAX_IONS). */
static int dense_solve(int n, double *A, double *x) {
  for (int k = 0; k < n; k++) {
    int piv = k;
    for (int i = k + 1; i < n; i++)
      if (fabs(A[i * n + k]) > fabs(A[piv * n + k])) piv = i;
    if (A[piv * n + k] == 0.0) return -1;
    if (piv != k) {
      for (int j = 0; j < n; j++) {
        double t = A[k * n + j];
        A[k * n + j] = A[piv * n + j];
        A[piv * n + j] = t;
      }
      double t = x[k];
      x[k] = x[piv];
      x[piv] = t;
    }
    for (int i = k + 1; i < n; i++) {
      double m = A[i * n + k] / A[k * n + k];
      for (int j = k; j < n; j++)
        A[i * n + j] -= m * A[k * n + j];
      x[i] -= m * x[k];
    }
  }
  for (int i = n - 1; i >= 0; i--) {
    double s = x[i];
    for (int j = i + 1; j < n; j++)
      s -= A[i * n + j] * x[j];
    x[i] = s / A[i * n + i];
  }
  return 0;
}

/* Potential that makes node i's carriers and doping neutral (ions at c0):
 * X = exp(psi) solves a X - b / X + D = 0 with a = sum vol gam_n e^lnn0,
 * b = sum vol gam_p e^lnp0. In logarithms when a or b underflows (a
 * wide-gap layer's minority density at low temperature, e.g. 1e-330 m^-3 in
 * PTAA at 40 K). */
static double neutral_psi(const idr_device *d, int i) {
  double a = 0.0, b = 0.0, D = 0.0, sa = 0.0, sb = 0.0;
  for (int s = 0; s < 2; s++) {
    const idr_halfcell *hc = &d->hc[2 * i + s];
    if (hc->layer < 0) continue;
    a += hc->vol * hc->gam_n * exp(d->lnn0[i]);
    b += hc->vol * hc->gam_p * exp(d->lnp0[i]);
    sa += hc->vol * hc->gam_n;
    sb += hc->vol * hc->gam_p;
    D += hc->vol * hc->dop;
  }
  if (a > DBL_MIN && b > DBL_MIN && isfinite(a) && isfinite(b)) {
    double r = sqrt(D * D + 4.0 * a * b);
    double X = D >= 0 ? (D + r) / (2.0 * a) : 2.0 * b / (r - D);
    return log(X);
  }
  const double ln_a = log(sa) + d->lnn0[i], ln_b = log(sb) + d->lnp0[i];
  if (D == 0.0) return 0.5 * (ln_b - ln_a);
  const double r = sqrt(D * D + 4.0 * exp(ln_a + ln_b));
  return D > 0 ? log(D + r) - log(2.0) - ln_a : log(2.0) + ln_b - log(r - D);
}

idr_status idr_equilibrium(const idr_device *d, double *y, idr_eq_stats *stats, idr_error *err) {
  const int N = d->N, K = d->n_ions, M = N - 2;
  idr_status st = IDR_OK;
  if (M < 1) return idr_error_set(err, IDR_ERR_INPUT, "equilibrium: mesh too small");
  double *psi = calloc((size_t)N, sizeof *psi);
  double *ta = calloc((size_t)M, sizeof *ta), *tb = calloc((size_t)M, sizeof *tb);
  double *tc = calloc((size_t)M, sizeof *tc), *w = calloc((size_t)M, sizeof *w);
  double *R = calloc((size_t)M, sizeof *R);
  double *X = calloc((size_t)M * (K > 0 ? K : 1), sizeof *X);   /* T^-1 B */
  double *Bc = calloc((size_t)M * (K > 0 ? K : 1), sizeof *Bc); /* B columns */
  double *Cr = calloc((size_t)M * (K > 0 ? K : 1), sizeof *Cr); /* C rows */
  if (!psi || !ta || !tb || !tc || !w || !R || !X || !Bc || !Cr) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "equilibrium: out of memory");
    goto out_free;
  }
  double mu[IDR_MAX_IONS] = {0}, Ck[IDR_MAX_IONS], Dkk[IDR_MAX_IONS];
  double Vk[IDR_MAX_IONS] = {0};
  const double pois = d->Vt / (IDR_Q * d->N0 * d->L0);
  const double inv = 1.0 / (d->N0 * d->L0);

  /* initial guess: local neutrality, contacts fixed, ions near c0 */
  psi[0] = d->psi_bc[0];
  psi[N - 1] = d->psi_bc[1];
  for (int i = 1; i < N - 1; i++)
    psi[i] = neutral_psi(d, i);
  /* mu_k such that the initial potential already holds the right number:
   * c0 V_k = sum_i vol_ik c0 exp(mu_k - z psi_i) (log-sum-exp) */
  for (int k = 0; k < K; k++) {
    double zk = d->ions[k].z, mx = -INFINITY, s = 0.0;
    for (int i = 0; i < N; i++) {
      double v = d->ion_vol[(size_t)i * K + k];
      Vk[k] += v;
      if (v > 0) mx = fmax(mx, -zk * psi[i]);
    }
    for (int i = 0; i < N; i++) {
      double v = d->ion_vol[(size_t)i * K + k];
      if (v > 0) s += v * exp(-zk * psi[i] - mx);
    }
    mu[k] = -(mx + log(s / Vk[k]));
  }

  int it;
  double last = INFINITY;
  int converged_iters = 0;
  for (it = 1; it <= IDR_EQ_MAX_ITER; it++) {
    /* assemble */
    for (int k = 0; k < K; k++) {
      /* a species of zero density has no number to hold: its constraint
       * becomes dmu_k = 0 (no ions anywhere whatever mu_k is) */
      Ck[k] = d->ions[k].c0 > 0.0 ? -1.0 : 0.0;
      Dkk[k] = d->ions[k].c0 > 0.0 ? 0.0 : 1.0;
    }
    for (int i = 0; i < N; i++) {
      double rho, drho, dmu[IDR_MAX_IONS];
      idr_eq_node_charge(d, i, psi[i], mu, &rho, &drho, dmu, NULL);
      /* ion constraints: vol dc/dx = dmu / (inv z) */
      for (int k = 0; k < K; k++) {
        double v = d->ion_vol[(size_t)i * K + k];
        if (i >= 1 && i <= N - 2) Cr[(size_t)k * M + (i - 1)] = 0.0;
        if (v <= 0.0 || d->ions[k].c0 == 0.0) continue;
        const idr_ion *io = &d->ions[k];
        double vdc = dmu[k] / (inv * io->z); /* vol * dc/dx */
        double x = mu[k] - io->z * psi[i];
        double c = io->c_max > 0 ? io->c_max / (1.0 + (io->c_max / io->c0 - 1.0) * exp(-x))
                                 : io->c0 * exp(x);
        double sc = 1.0 / (io->c0 * Vk[k]);
        Ck[k] += v * c * sc;
        Dkk[k] += vdc * sc;
        if (i >= 1 && i <= N - 2) Cr[(size_t)k * M + (i - 1)] = -io->z * vdc * sc;
      }
      if (i == 0 || i == N - 1) continue;
      int r = i - 1;
      double gl = pois * d->eps_e[i - 1] / d->h[i - 1], gr = pois * d->eps_e[i] / d->h[i];
      R[r] = gr * (psi[i + 1] - psi[i]) - gl * (psi[i] - psi[i - 1]) + rho;
      ta[r] = gl;
      tc[r] = gr;
      tb[r] = -gl - gr + drho;
      for (int k = 0; k < K; k++)
        Bc[(size_t)k * M + r] = dmu[k];
    }
    /* solve the bordered system */
    for (int r = 0; r < M; r++)
      R[r] = -R[r];
    if (thomas(M, ta, tb, tc, R, w)) {
      st = idr_error_set(err, IDR_ERR_LINALG, "equilibrium: singular Poisson matrix");
      goto out_free;
    }
    double dmu_step[IDR_MAX_IONS] = {0};
    if (K > 0) {
      double S[IDR_MAX_IONS * IDR_MAX_IONS];
      for (int k = 0; k < K; k++) {
        memcpy(&X[(size_t)k * M], &Bc[(size_t)k * M], (size_t)M * sizeof *X);
        if (thomas(M, ta, tb, tc, &X[(size_t)k * M], w)) {
          st = idr_error_set(err, IDR_ERR_LINALG, "equilibrium: singular Poisson matrix");
          goto out_free;
        }
      }
      for (int k = 0; k < K; k++) {
        double rhs = -Ck[k];
        for (int r = 0; r < M; r++)
          rhs -= Cr[(size_t)k * M + r] * R[r];
        dmu_step[k] = rhs;
        for (int l = 0; l < K; l++) {
          double s = (k == l) ? Dkk[k] : 0.0;
          for (int r = 0; r < M; r++)
            s -= Cr[(size_t)k * M + r] * X[(size_t)l * M + r];
          S[k * K + l] = s;
        }
      }
      if (dense_solve(K, S, dmu_step)) {
        st = idr_error_set(err, IDR_ERR_LINALG,
                           "equilibrium: singular ion-number constraint (iteration %d)", it);
        goto out_free;
      }
      for (int r = 0; r < M; r++)
        for (int k = 0; k < K; k++)
          R[r] -= X[(size_t)k * M + r] * dmu_step[k];
    }
    /* damped update; a NaN anywhere makes mx NaN (fmax would drop it) */
    double mx = 0.0;
    for (int r = 0; r < M; r++)
      mx = idr_max_abs(mx, R[r]);
    for (int k = 0; k < K; k++)
      mx = idr_max_abs(mx, dmu_step[k]);
    if (!isfinite(mx)) {
      st = idr_error_set(err, IDR_ERR_SOLVER, "equilibrium: Newton update is not finite");
      goto out_free;
    }
    double lam = mx > 1.0 ? (1.0 + log(mx)) / mx : 1.0;
    for (int r = 0; r < M; r++)
      psi[r + 1] += lam * R[r];
    for (int k = 0; k < K; k++)
      mu[k] += lam * dmu_step[k];
    last = mx;
    if (mx < IDR_EQ_TOL) {
      if (++converged_iters >= 2) break; /* one extra iteration at round-off */
    }
  }
  if (it > IDR_EQ_MAX_ITER) {
    st = idr_error_set(err, IDR_ERR_SOLVER,
                       "equilibrium: Newton did not converge in %d iterations (last update %.3g)",
                       IDR_EQ_MAX_ITER, last);
    goto out_free;
  }
  memset(y, 0, (size_t)d->n_unknowns * sizeof *y);
  for (int i = 0; i < N; i++) {
    double rho, drho, dmu[IDR_MAX_IONS];
    idr_eq_node_charge(d, i, psi[i], mu, &rho, &drho, dmu, y);
  }
  for (int u = 0; u < d->n_unknowns; u++)
    if (!isfinite(y[u])) {
      const int i = d->node_of[u];
      st =
          idr_error_set(err, IDR_ERR_SOLVER,
                        "equilibrium: unknown %d at node %d (x = %.4g nm) is not finite (%g) after "
                        "%d Newton iterations",
                        u - d->off[i], i, 1e9 * d->x[i], y[u], it);
      goto out_free;
    }
  if (stats) {
    stats->iterations = it;
    stats->last_update = last;
  }
out_free:
  free(psi);
  free(ta);
  free(tb);
  free(tc);
  free(w);
  free(R);
  free(X);
  free(Bc);
  free(Cr);
  return st;
}

/*
 * Residual F(y, y') and Jacobian dF/dy + cj dF/dy' of the semi-discrete
 * system (equations in idr_physics.h and docs/equations.md). Both come from
 * ONE code path, assemble(): every term adds its value to F and its partials
 * to the fixed CSC slots, so the two cannot disagree (the finite-difference
 * test in validation/ checks it anyway).
 */
#include "idr_physics.h"
#include "ion_light.h"
#include "kernels.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#ifdef IDR_HAVE_MVEC_EXPM1
#include <emmintrin.h>
/* glibc's vector expm1 (libmvec, glibc >= 2.35), SSE2 calling convention:
 * the x86-64 baseline, so one variant for every CPU (its results differ
 * from the scalar expm1 by at most 1 ulp on the example's arguments). */
__m128d _ZGVbN2v_expm1(__m128d x);
#endif

/* assemble() inlined into each entry point: the residual, the residual
 * with its terms and the Jacobian each get a copy without the branches on
 * the outputs they do not write. */
#if defined(__GNUC__)
#define IDR_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define IDR_ALWAYS_INLINE inline
#endif

/* Rare terms kept out of the residual's hot loops. */
#if defined(__GNUC__)
#define IDR_NOINLINE __attribute__((noinline))
#else
#define IDR_NOINLINE
#endif

/* Edges whose Bernoulli functions are computed together ahead of their
 * fluxes (local arrays of the residual: no state outside the call). */
#define IDR_BERN_CHUNK 64

/* expm1 of n arguments (vector libm where available). */
static void expm1_n(const double *x, double *em1, int n) {
  int l = 0;
#ifdef IDR_HAVE_MVEC_EXPM1
  for (; l + 1 < n; l += 2)
    _mm_storeu_pd(em1 + l, _ZGVbN2v_expm1(_mm_loadu_pd(x + l)));
#endif
  for (; l < n; l++)
    em1[l] = expm1(x[l]);
}

/* B(d), B'(d) (and B(-d), B'(-d)) of a chunk of edges: the general branch
 * of idr_bernoulli with the expm1 of the chunk and its divisions in
 * vectorizable loops, then the series and large-|d| branches per edge.
 * The derivatives only if with_d (the residual alone needs none: 0). */
static void bernoulli_chunk(const double *x, int n, int with_d, idr_bern2 *B2) {
  double em1[IDR_BERN_CHUNK], xc[IDR_BERN_CHUNK], Bp[IDR_BERN_CHUNK], dBp[IDR_BERN_CHUNK];
  for (int l = 0; l < n; l++) /* finite expm1; those branches are redone below */
    xc[l] = x[l] > 700.0 ? 700.0 : (x[l] < -700.0 ? -700.0 : x[l]);
  expm1_n(xc, em1, n);
  for (int l = 0; l < n; l++)
    Bp[l] = x[l] / em1[l];
  if (with_d)
    for (int l = 0; l < n; l++)
      dBp[l] = Bp[l] * (1.0 - Bp[l]) / x[l] - Bp[l];
  else
    for (int l = 0; l < n; l++)
      dBp[l] = 0.0;
  for (int l = 0; l < n; l++) {
    double ax = fabs(x[l]);
    if (ax < IDR_BERN_SERIES || ax > 700.0) idr_bernoulli(x[l], &Bp[l], &dBp[l]);
    B2[l].Bp = Bp[l];
    B2[l].dBp = dBp[l];
    B2[l].Bm = Bp[l] + x[l];
    B2[l].dBm = -dBp[l] - 1.0;
  }
}

/* Scaled densities below this are treated as a failed step (recoverable). */
#define IDR_NEG_DENSITY_LIMIT (-1e-2)

typedef struct asm_ctx {
  const idr_device *d;
  double *F;    /* may be NULL */
  double *Jx;   /* may be NULL */
  double *Fabs; /* may be NULL: sum of |terms| of each row */
} asm_ctx;

static inline void addF(asm_ctx *a, int row, double v) {
  if (a->F) a->F[row] += v;
  if (a->Fabs) a->Fabs[row] += fabs(v);
}

static inline void addJ(asm_ctx *a, int row, int col, double v) {
  if (!a->Jx) return;
  a->Jx[a->d->csc_base[col] + row] += v;
}

/* The diagonal entry of the trap occupation u of node i (after its node's
 * core rows in its column). */
static inline void addJ_trap_diag(asm_ctx *a, int u, int i, double v) {
  if (!a->Jx) return;
  a->Jx[a->d->colptr[u] + a->d->ncore[i]] += v;
}

/* D of species q on edge e under the light laws (ion_light.h); its
 * derivatives into *De when with_d. */
IDR_NOINLINE static double edge_D_light(const idr_device *d, const double *y, int q, int e,
                                        int with_d, idr_ion_edge_d *De) {
  return idr_ion_edge_D(d, y, q, e, with_d ? De : NULL);
}

/* The flux F of an edge from node row ui to uk depends on D_e: dF/du =
 * F d ln D_e / du (Fi = the flux's term in row ui, already scaled). */
IDR_NOINLINE static void edge_dD_terms(asm_ctx *a, int ui, int uk, double Fi,
                                       const idr_ion_edge_d *De) {
  for (int l = 0; l < De->n; l++) {
    addJ(a, ui, De->col[l], Fi * De->dlnD[l]);
    addJ(a, uk, De->col[l], -Fi * De->dlnD[l]);
  }
}

/* Light-created pairs of species q at node i (ion_light.h): the source S
 * into the ion's row, the counter-defect's row m' = S / (vol N0) (scaled,
 * an occupation-like unknown after the node's traps) and its charge -z m. */
IDR_NOINLINE static int pair_terms(asm_ctx *a, const double *y, const double *yp, double cj, int q,
                                   int i) {
  const idr_device *d = a->d;
  const int ni = d->n_ions, u = d->iion[(size_t)i * ni + q], um = d->icount[(size_t)i * ni + q];
  const int un = d->in[i], up = d->ip[i], pi = d->iphi[i];
  if (!isfinite(y[um]) || y[um] < IDR_NEG_DENSITY_LIMIT) return 1;
  const double inv = 1.0 / (d->N0 * d->L0), vol = d->ion_vol[(size_t)i * ni + q];
  const idr_pair_src S = idr_pair_source(d, y, q, i);
  /* the ion: storage + outflow - S */
  addF(a, u, -inv * S.S);
  addJ(a, u, un, -inv * S.dS_dn);
  addJ(a, u, up, -inv * S.dS_dp);
  addJ(a, u, u, -inv * S.dS_dc);
  addJ(a, u, um, -inv * S.dS_dm);
  /* the counter-defect */
  const double w = 1.0 / (vol * d->N0);
  if (yp) addF(a, um, yp[um]);
  addJ_trap_diag(a, um, i, cj - w * S.dS_dm);
  addF(a, um, -w * S.S);
  addJ(a, um, un, -w * S.dS_dn);
  addJ(a, um, up, -w * S.dS_dp);
  addJ(a, um, u, -w * S.dS_dc);
  if (i > 0 && i < d->N - 1) { /* its charge (a contact's potential is fixed) */
    addF(a, pi, -inv * vol * d->ions[q].z * d->N0 * y[um]);
    addJ(a, pi, um, -inv * vol * d->ions[q].z * d->N0);
  }
  return 0;
}

static IDR_ALWAYS_INLINE int assemble(const idr_device *d, const idr_bias *b, const double *y,
                                      const double *yp, double cj, double *F, double *Jx,
                                      double *Fabs) {
  asm_ctx A = {d, F, Jx, Fabs};
  const int N = d->N, ni = d->n_ions, nt = d->n_levels;
  const double N0 = d->N0, inv = 1.0 / (d->N0 * d->L0);
  const double pois = d->Vt / (IDR_Q * N0 * d->L0);
  const double light = b->light;
  const int any_light_D = d->any_light_D, any_pairs = d->any_pairs;
  if (F) memset(F, 0, (size_t)d->n_unknowns * sizeof *F);
  if (Jx) memset(Jx, 0, (size_t)d->nnz * sizeof *Jx);
  if (Fabs) memset(Fabs, 0, (size_t)d->n_unknowns * sizeof *Fabs);

  /* ---- edges: Poisson flux, carrier and ion fluxes ---- */
  double dch[IDR_BERN_CHUNK];
  idr_bern2 Bch[IDR_BERN_CHUNK];
  for (int e = 0; e < N - 1; e++) {
    const int i = e, k = e + 1;
    const int pi = d->iphi[i], pk = d->iphi[k];
    if (e % IDR_BERN_CHUNK == 0) {
      int n = N - 1 - e < IDR_BERN_CHUNK ? N - 1 - e : IDR_BERN_CHUNK;
      for (int l = 0; l < n; l++)
        dch[l] = y[d->iphi[e + l + 1]] - y[d->iphi[e + l]];
      bernoulli_chunk(dch, n, Jx != NULL, Bch);
    }
    const double dpsi = dch[e % IDR_BERN_CHUNK];
    const idr_bern2 B2 = Bch[e % IDR_BERN_CHUNK];
    const int ci = !(i == 0), ck = !(k == N - 1); /* rows that are not Dirichlet */
    /* Poisson: + eps dpsi/h into row i, - into row k */
    double g = pois * d->eps_e[e] / d->h[e];
    if (ci) {
      addF(&A, pi, g * dpsi);
      addJ(&A, pi, pk, g);
      addJ(&A, pi, pi, -g);
    }
    if (ck) {
      addF(&A, pk, -g * dpsi);
      addJ(&A, pk, pk, -g);
      addJ(&A, pk, pi, g);
    }
    /* electrons: Gn = Jn/q = Dn/h [nR B(d) - nL B(-d)]; row i: -Gn, row k: +Gn */
    {
      const idr_halfcell *hL = &d->hc[2 * i + IDR_SIDE_R], *hR = &d->hc[2 * k + IDR_SIDE_L];
      double sL = hL->gam_n * N0, sR = hR->gam_n * N0;
      idr_sg s = idr_sg_flux_b(d->Dn_e[e] / d->h[e], sL * y[d->in[i]], sR * y[d->in[k]], &B2, 1);
      int ri = d->in[i], rk = d->in[k];
      if (ci) {
        addF(&A, ri, -inv * s.F);
        addJ(&A, ri, d->in[i], -inv * s.dFa * sL);
        addJ(&A, ri, d->in[k], -inv * s.dFb * sR);
        addJ(&A, ri, pk, -inv * s.dFd);
        addJ(&A, ri, pi, inv * s.dFd);
      }
      if (ck) {
        addF(&A, rk, inv * s.F);
        addJ(&A, rk, d->in[i], inv * s.dFa * sL);
        addJ(&A, rk, d->in[k], inv * s.dFb * sR);
        addJ(&A, rk, pk, inv * s.dFd);
        addJ(&A, rk, pi, -inv * s.dFd);
      }
    }
    /* holes: Gp = Jp/q = Dp/h [pL B(d) - pR B(-d)]; row i: +Gp, row k: -Gp */
    {
      const idr_halfcell *hL = &d->hc[2 * i + IDR_SIDE_R], *hR = &d->hc[2 * k + IDR_SIDE_L];
      double sL = hL->gam_p * N0, sR = hR->gam_p * N0;
      idr_sg s = idr_sg_flux_b(d->Dp_e[e] / d->h[e], sR * y[d->ip[k]], sL * y[d->ip[i]], &B2, 1);
      int ri = d->ip[i], rk = d->ip[k];
      if (ci) {
        addF(&A, ri, inv * s.F);
        addJ(&A, ri, d->ip[k], inv * s.dFa * sR);
        addJ(&A, ri, d->ip[i], inv * s.dFb * sL);
        addJ(&A, ri, pk, inv * s.dFd);
        addJ(&A, ri, pi, -inv * s.dFd);
      }
      if (ck) {
        addF(&A, rk, -inv * s.F);
        addJ(&A, rk, d->ip[k], -inv * s.dFa * sR);
        addJ(&A, rk, d->ip[i], -inv * s.dFb * sL);
        addJ(&A, rk, pk, -inv * s.dFd);
        addJ(&A, rk, pi, inv * s.dFd);
      }
    }
    /* ions: F = D/h [c_i B(z d') - c_k B(-z d')], d' = d (1 - cbar/cmax) */
    for (int q = 0; q < ni; q++) {
      const idr_ion *io = &d->ions[q];
      if (!((io->layer_mask >> d->edge_layer[e]) & 1u)) continue;
      int ui = d->iion[(size_t)i * ni + q], uk = d->iion[(size_t)k * ni + q];
      /* D of the edge: a function of the state under the light laws
       * (computed out of line: the plain path keeps its registers) */
      const int light_D = any_light_D && (io->lower_a != 0.0 || io->inv_cblock > 0.0);
      idr_ion_edge_d De;
      double Dq = io->D;
      if (light_D) Dq = edge_D_light(d, y, q, e, Jx != NULL, &De);
      idr_sg s;
      double dFi, dFk, dFp;
      if (io->c_max > 0.0) {
        /* steric limit: drift reduced by (1 - cbar/c_max) */
        double cbar = 0.5 * N0 * (y[ui] + y[uk]);
        double fac = 1.0 - cbar / io->c_max;
        double dzd_dc = -io->z * dpsi * 0.5 * N0 / io->c_max;
        s = idr_sg_flux(Dq / d->h[e], N0 * y[uk], N0 * y[ui], io->z * dpsi * fac);
        dFi = s.dFb * N0 + s.dFd * dzd_dc;
        dFk = s.dFa * N0 + s.dFd * dzd_dc;
        dFp = s.dFd * io->z * fac;
      } else {
        s = idr_sg_flux_b(Dq / d->h[e], N0 * y[uk], N0 * y[ui], &B2, io->z);
        dFi = s.dFb * N0;
        dFk = s.dFa * N0;
        dFp = s.dFd;
      }
      /* row i: +F, row k: -F */
      addF(&A, ui, inv * s.F);
      addJ(&A, ui, ui, inv * dFi);
      addJ(&A, ui, uk, inv * dFk);
      addJ(&A, ui, pk, inv * dFp);
      addJ(&A, ui, pi, -inv * dFp);
      addF(&A, uk, -inv * s.F);
      addJ(&A, uk, ui, -inv * dFi);
      addJ(&A, uk, uk, -inv * dFk);
      addJ(&A, uk, pk, -inv * dFp);
      addJ(&A, uk, pi, inv * dFp);
      /* D_e's dependence on the carriers and the blocking species */
      if (light_D && Jx) edge_dD_terms(&A, ui, uk, inv * s.F, &De);
    }
  }

  /* ---- nodes: storage, charge, generation/recombination, traps ---- */
  for (int i = 0; i < N; i++) {
    const int pi = d->iphi[i], un = d->in[i], up = d->ip[i];
    const int contact = (i == 0 || i == N - 1);
    const double yn = y[un], yp_ = y[up];
    if (!isfinite(yn) || !isfinite(yp_) || !isfinite(y[pi])) return 1;
    if (yn < IDR_NEG_DENSITY_LIMIT || yp_ < IDR_NEG_DENSITY_LIMIT) return 1;
    if (contact) {
      int c = i == 0 ? 0 : 1;
      double psi_bc = d->psi_bc[c] + (c == 0 ? b->V / d->Vt : 0.0);
      addF(&A, pi, y[pi] - psi_bc);
      addJ(&A, pi, pi, 1.0);
      addF(&A, un, yn - d->n_bc[c] / N0);
      addJ(&A, un, un, 1.0);
      addF(&A, up, yp_ - d->p_bc[c] / N0);
      addJ(&A, up, up, 1.0);
    }
    for (int s = 0; s < 2; s++) {
      const idr_halfcell *hc = &d->hc[2 * i + s];
      if (hc->layer < 0) continue;
      const double n = hc->gam_n * N0 * yn, p = hc->gam_p * N0 * yp_;
      if (!contact) {
        /* Poisson charge: p - n + dop */
        addF(&A, pi, inv * hc->vol * (p - n + hc->dop));
        addJ(&A, pi, up, inv * hc->vol * hc->gam_p * N0);
        addJ(&A, pi, un, -inv * hc->vol * hc->gam_n * N0);
        /* storage */
        if (yp) {
          addF(&A, un, inv * hc->vol * hc->gam_n * N0 * yp[un]);
          addF(&A, up, inv * hc->vol * hc->gam_p * N0 * yp[up]);
        }
        addJ(&A, un, un, cj * inv * hc->vol * hc->gam_n * N0);
        addJ(&A, up, up, cj * inv * hc->vol * hc->gam_p * N0);
        /* generation - recombination: row gets -(G - U) vol */
        double dUn, dUp;
        double U = idr_recomb(n, p, hc->ni2, hc->ni, hc->k_rad, hc->C_n, hc->C_p, hc->tau_n,
                              hc->tau_p, &dUn, &dUp);
        double net = inv * (hc->vol * U - hc->G1 * light);
        addF(&A, un, net);
        addF(&A, up, net);
        double a_n = inv * hc->vol * dUn * hc->gam_n * N0,
               a_p = inv * hc->vol * dUp * hc->gam_p * N0;
        addJ(&A, un, un, a_n);
        addJ(&A, un, up, a_p);
        addJ(&A, up, un, a_n);
        addJ(&A, up, up, a_p);
      }
    }
    /* interface recombination */
    if (!contact && d->s_n[i] > 0.0 && d->s_p[i] > 0.0) {
      double dRn, dRp;
      double R =
          idr_surface_recomb(N0 * yn, N0 * yp_, d->ni2_if[i], d->s_n[i], d->s_p[i], &dRn, &dRp);
      addF(&A, un, inv * R);
      addF(&A, up, inv * R);
      addJ(&A, un, un, inv * dRn * N0);
      addJ(&A, un, up, inv * dRp * N0);
      addJ(&A, up, un, inv * dRn * N0);
      addJ(&A, up, up, inv * dRp * N0);
    }
    /* ions: storage and Poisson charge */
    for (int q = 0; q < ni; q++) {
      int u = d->iion[(size_t)i * ni + q];
      if (u < 0) continue;
      double vol = d->ion_vol[(size_t)i * ni + q];
      const idr_ion *io = &d->ions[q];
      if (!isfinite(y[u]) || y[u] < IDR_NEG_DENSITY_LIMIT) return 1;
      if (yp) addF(&A, u, inv * vol * N0 * yp[u]);
      addJ(&A, u, u, cj * inv * vol * N0);
      if (!contact) {
        addF(&A, pi, inv * vol * io->z * (N0 * y[u] - io->c0));
        addJ(&A, pi, u, inv * vol * io->z * N0);
      }
    }
    /* traps: u the occupied fraction of the mean density Nt, s the site
     * density relative to Nt (1, or c/c0 of the ion a level is bound to) */
    for (int j = 0; j < nt; j++) {
      size_t q = (size_t)i * nt + j;
      int u = d->itrap[q];
      if (u < 0) continue;
      const idr_trap_level *lv = &d->levels[j];
      double vol = d->trap_vol[q];
      double f = y[u];
      if (!isfinite(f)) return 1;
      double gn = d->tg_n[q] * N0, gp = d->tg_p[q] * N0;
      double n = gn * yn, p = gp * yp_;
      double s = 1.0, ds = 0.0; /* ds = ds / dy[uc] */
      int uc = -1;
      if (lv->ion >= 0) {
        uc = d->iion[(size_t)i * ni + lv->ion];
        ds = N0 * lv->inv_c0;
        s = ds * y[uc];
      }
      /* electron capture - emission, hole capture - emission (per trap) */
      double rn = lv->c_n * (n * (s - f) - d->n1[q] * f);
      double rp = lv->c_p * (p * f - d->p1[q] * (s - f));
      double drn_dn = lv->c_n * (s - f) * gn, drn_df = -lv->c_n * (n + d->n1[q]);
      double drp_dp = lv->c_p * f * gp, drp_df = lv->c_p * (p + d->p1[q]);
      /* occupation: f' - (rn - rp) = 0 */
      if (yp) addF(&A, u, yp[u]);
      addJ_trap_diag(&A, u, i, cj);
      addF(&A, u, -(rn - rp));
      addJ_trap_diag(&A, u, i, -(drn_df - drp_df));
      addJ(&A, u, un, -drn_dn);
      addJ(&A, u, up, drp_dp);
      double drn_dc = 0.0, drp_dc = 0.0;
      if (uc >= 0) {
        drn_dc = lv->c_n * n * ds;
        drp_dc = -lv->c_p * d->p1[q] * ds;
        addJ(&A, u, uc, -(drn_dc - drp_dc));
      }
      if (!contact) {
        /* carriers lose Nt rn electrons, Nt rp holes */
        double w = inv * vol * lv->Nt;
        addF(&A, un, w * rn);
        addJ(&A, un, un, w * drn_dn);
        addJ(&A, un, u, w * drn_df);
        addF(&A, up, w * rp);
        addJ(&A, up, up, w * drp_dp);
        addJ(&A, up, u, w * drp_df);
        /* charge: acceptor -Nt u, donor +Nt (s - u) */
        addF(&A, pi, w * (lv->acceptor ? -f : s - f));
        addJ(&A, pi, u, -w);
        if (uc >= 0) {
          addJ(&A, un, uc, w * drn_dc);
          addJ(&A, up, uc, w * drp_dc);
          if (!lv->acceptor) addJ(&A, pi, uc, w * ds);
        }
      }
    }
  }
  /* light-created pairs: their own loop, so that the node loop above has no
   * call (its constants stay in registers) */
  if (any_pairs)
    for (int i = 0; i < N; i++)
      for (int q = 0; q < ni; q++)
        if (d->ions[q].pairs && d->iion[(size_t)i * ni + q] >= 0 &&
            pair_terms(&A, y, yp, cj, q, i) != 0)
          return 1;
  if (F) {
    /* F - F is 0 for finite entries, NaN otherwise; four independent sums */
    double nf[4] = {0.0, 0.0, 0.0, 0.0};
    int u = 0;
    for (; u + 3 < d->n_unknowns; u += 4)
      for (int l = 0; l < 4; l++)
        nf[l] += F[u + l] - F[u + l];
    for (; u < d->n_unknowns; u++)
      nf[0] += F[u] - F[u];
    if ((nf[0] + nf[1]) + (nf[2] + nf[3]) != 0.0) return 1;
  }
  return 0;
}

int idr_residual(const idr_device *dev, const idr_bias *b, const double *y, const double *yp,
                 double *F) {
  return assemble(dev, b, y, yp, 0.0, F, NULL, NULL);
}

int idr_residual_terms(const idr_device *dev, const idr_bias *b, const double *y, const double *yp,
                       double *F, double *Fabs) {
  return assemble(dev, b, y, yp, 0.0, F, NULL, Fabs);
}

int idr_jacobian(const idr_device *dev, const idr_bias *b, const double *y, double cj, double *Jx) {
  return assemble(dev, b, y, NULL, cj, NULL, Jx, NULL);
}

void idr_mass_diagonal(const idr_device *d, double *mass) {
  const double inv = 1.0 / (d->N0 * d->L0);
  memset(mass, 0, (size_t)d->n_unknowns * sizeof *mass);
  for (int i = 0; i < d->N; i++) {
    int contact = (i == 0 || i == d->N - 1);
    if (!contact)
      for (int s = 0; s < 2; s++) {
        const idr_halfcell *hc = &d->hc[2 * i + s];
        if (hc->layer < 0) continue;
        mass[d->in[i]] += inv * hc->vol * hc->gam_n * d->N0;
        mass[d->ip[i]] += inv * hc->vol * hc->gam_p * d->N0;
      }
    for (int q = 0; q < d->n_ions; q++) {
      int u = d->iion[(size_t)i * d->n_ions + q];
      if (u >= 0) mass[u] = inv * d->ion_vol[(size_t)i * d->n_ions + q] * d->N0;
      if (d->icount[(size_t)i * d->n_ions + q] >= 0)
        mass[d->icount[(size_t)i * d->n_ions + q]] = 1.0;
    }
    for (int j = 0; j < d->n_levels; j++) {
      int u = d->itrap[(size_t)i * d->n_levels + j];
      if (u >= 0) mass[u] = 1.0;
    }
  }
}

void idr_dF_dV(const idr_device *d, double *dFdV) {
  memset(dFdV, 0, (size_t)d->n_unknowns * sizeof *dFdV);
  dFdV[d->iphi[0]] = -1.0 / d->Vt;
}

/* ---- profiles (the terminal current is in current.c) ---- */

double idr_phi(const idr_device *d, const double *y, int i) {
  return y[d->iphi[i]] * d->Vt - d->chi_ref;
}
double idr_n(const idr_device *d, const double *y, int i) {
  return d->N0 * y[d->in[i]];
}
double idr_p(const idr_device *d, const double *y, int i) {
  return d->N0 * y[d->ip[i]];
}
double idr_ion_c(const idr_device *d, const double *y, int k, int i) {
  int u = d->iion[(size_t)i * d->n_ions + k];
  return u < 0 ? 0.0 : d->N0 * y[u];
}
double idr_trap_f(const idr_device *d, const double *y, int j, int i) {
  int u = d->itrap[(size_t)i * d->n_levels + j];
  return u < 0 ? NAN : y[u];
}
double idr_Efn(const idr_device *d, const double *y, int i) {
  double n = idr_n(d, y, i);
  if (!(n > 0)) return NAN;
  /* n = exp(lnn0 + psi + Efn/Vt) */
  return d->Vt * (log(n) - d->lnn0[i] - y[d->iphi[i]]);
}
double idr_Efp(const idr_device *d, const double *y, int i) {
  double p = idr_p(d, y, i);
  if (!(p > 0)) return NAN;
  /* p = exp(lnp0 - psi - Efp/Vt) */
  return -d->Vt * (log(p) - d->lnp0[i] + y[d->iphi[i]]);
}
double idr_field(const idr_device *d, const double *y, int e) {
  return -d->Vt * (y[d->iphi[e + 1]] - y[d->iphi[e]]) / d->h[e];
}
double idr_ion_count(const idr_device *d, const double *y, int k) {
  /* compensated sum: conservation is checked to 1e-10 and beyond */
  double s = 0.0, c = 0.0;
  for (int i = 0; i < d->N; i++) {
    int u = d->iion[(size_t)i * d->n_ions + k];
    if (u < 0) continue;
    double v = d->ion_vol[(size_t)i * d->n_ions + k] * d->N0 * y[u] - c;
    double t = s + v;
    c = (t - s) - v;
    s = t;
  }
  return s;
}
double idr_counter_m(const idr_device *d, const double *y, int k, int i) {
  int u = d->icount[(size_t)i * d->n_ions + k];
  return u < 0 ? 0.0 : d->N0 * y[u];
}
double idr_counter_count(const idr_device *d, const double *y, int k) {
  double s = 0.0;
  for (int i = 0; i < d->N; i++)
    s += d->ion_vol[(size_t)i * d->n_ions + k] * idr_counter_m(d, y, k, i);
  return s;
}
/* What unknown u is, for messages. */
static void describe_unknown(const idr_device *d, int u, char *buf, size_t size) {
  const int i = d->node_of[u];
  if (u == d->iphi[i]) {
    snprintf(buf, size, "the potential");
  } else if (u == d->in[i]) {
    snprintf(buf, size, "the electron density");
  } else if (u == d->ip[i]) {
    snprintf(buf, size, "the hole density");
  } else {
    snprintf(buf, size, "unknown %d", u - d->off[i]);
    for (int k = 0; k < d->n_ions; k++) {
      if (d->iion[(size_t)i * d->n_ions + k] == u)
        snprintf(buf, size, "the density of ion %s", d->ion_names[k]);
      if (d->icount[(size_t)i * d->n_ions + k] == u)
        snprintf(buf, size, "the counter-defect density of ion %s", d->ion_names[k]);
    }
    for (int j = 0; j < d->n_levels; j++)
      if (d->itrap[(size_t)i * d->n_levels + j] == u)
        snprintf(buf, size, "the occupation of trap level %s", d->level_names[j]);
  }
}

idr_status idr_state_check(const idr_device *d, const double *y, idr_error *err) {
  for (int u = 0; u < d->n_unknowns; u++) {
    const int finite = isfinite(y[u]);
    if (finite && !(d->positive[u] > 0.0 && y[u] < -d->atol[u])) continue;
    char what[IDR_NAME_LEN + 48];
    describe_unknown(d, u, what, sizeof what);
    const int i = d->node_of[u];
    const int phi = u == d->iphi[i], dens = d->positive[u] > 0.0;
    const double v = phi ? idr_phi(d, y, i) : dens ? d->N0 * y[u] : y[u];
    return idr_error_set(err, IDR_ERR_SOLVER,
                         "the state is not physical: %s at node %d (x = %.4g nm) is %.4g%s%s", what,
                         i, 1e9 * d->x[i], v,
                         phi    ? " V"
                         : dens ? " m^-3"
                                : "",
                         finite ? ", below minus its absolute tolerance" : "");
  }
  return IDR_OK;
}

double idr_ion_number_drift(double N0, double N1) {
  if (N0 == 0.0) return N1 == 0.0 ? 0.0 : INFINITY;
  return fabs(N1 / N0 - 1.0);
}

/* ---- equilibrium charge for the Poisson-Boltzmann solve ---- */
void idr_eq_node_charge(const idr_device *d, int i, double psi, const double *mu, double *rho,
                        double *drho_dpsi, double *drho_dmu, double *y) {
  const double N0 = d->N0, inv = 1.0 / (N0 * d->L0);
  const int ni = d->n_ions, nt = d->n_levels;
  double nn = exp(d->lnn0[i] + psi), pp = exp(d->lnp0[i] - psi); /* nodal unknowns */
  double r = 0.0, dr = 0.0;
  for (int s = 0; s < 2; s++) {
    const idr_halfcell *hc = &d->hc[2 * i + s];
    if (hc->layer < 0) continue;
    double n = hc->gam_n * nn, p = hc->gam_p * pp;
    r += hc->vol * (p - n + hc->dop);
    dr += hc->vol * (-p - n);
  }
  double cq[IDR_MAX_IONS] = {0}, dcq[IDR_MAX_IONS] = {0}; /* c, dc/dx of each species here */
  if (y) {
    y[d->iphi[i]] = psi;
    y[d->in[i]] = nn / N0;
    y[d->ip[i]] = pp / N0;
  }
  for (int q = 0; q < ni; q++) {
    if (drho_dmu) drho_dmu[q] = 0.0;
    if (y && d->icount[(size_t)i * ni + q] >= 0) y[d->icount[(size_t)i * ni + q]] = 0.0;
    int u = d->iion[(size_t)i * ni + q];
    if (u < 0) continue;
    const idr_ion *io = &d->ions[q];
    double vol = d->ion_vol[(size_t)i * ni + q];
    double c, dc_dx; /* x = mu - z psi */
    double x = mu[q] - io->z * psi;
    if (io->c0 == 0.0) { /* a species of zero density: none anywhere */
      c = 0.0;
      dc_dx = 0.0;
    } else if (io->c_max > 0.0) {
      double a = (io->c_max / io->c0 - 1.0) * exp(-x);
      c = io->c_max / (1.0 + a);
      dc_dx = c * a / (1.0 + a);
    } else {
      c = io->c0 * exp(x);
      dc_dx = c;
    }
    cq[q] = c;
    dcq[q] = dc_dx;
    r += vol * io->z * (c - io->c0);
    dr += vol * io->z * dc_dx * (-io->z);
    if (drho_dmu) drho_dmu[q] = inv * vol * io->z * dc_dx;
    if (y) y[u] = c / N0;
  }
  for (int j = 0; j < nt; j++) {
    size_t q = (size_t)i * nt + j;
    int u = d->itrap[q];
    if (u < 0) continue;
    const idr_trap_level *lv = &d->levels[j];
    double n = d->tg_n[q] * nn;
    double f = n / (n + d->n1[q]);
    double df = f * (1.0 - f); /* df/dpsi */
    if (lv->ion >= 0) {
      /* sites s = c/c0 of the ion the level is bound to, occupied s f */
      const int k = lv->ion;
      const double w = d->trap_vol[q] * lv->Nt, s = cq[k] * lv->inv_c0;
      const double ds_dpsi = -d->ions[k].z * dcq[k] * lv->inv_c0, ch = lv->acceptor ? -f : 1.0 - f;
      r += w * s * ch;
      dr += w * (ds_dpsi * ch - s * df);
      if (drho_dmu) drho_dmu[k] += inv * w * ch * dcq[k] * lv->inv_c0;
      if (y) y[u] = s * f;
      continue;
    }
    r += d->trap_vol[q] * lv->Nt * (lv->acceptor ? -f : 1.0 - f);
    dr += -d->trap_vol[q] * lv->Nt * df;
    if (y) y[u] = f;
  }
  *rho = inv * r;
  *drho_dpsi = inv * dr;
}

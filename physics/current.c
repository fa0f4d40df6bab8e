/*
 * The terminal current: its evaluation from the state, its linearisation for
 * the admittance, and the potential's rate that makes it defined at the
 * instant of a bias change.
 *
 * On every edge e the total current
 *   J_e = q (Gn_e + Gp_e + sum_k z_k F_k,e) - eps_e d/dt(dphi/dx)_e
 * is the same for an exact solution of the discrete equations (each node's
 * rows balance the flux differences against its storage, and Poisson's row
 * makes the displacement take up the charge), so any weighting
 * J = sum_e w_e J_e with sum_e w_e = 1 gives the same current. They differ
 * in how much of the state's error and of the round-off reaches J: a
 * Scharfetter-Gummel flux is the difference of a drift and a diffusion term,
 * ~1e8 A/m^2 each in a doped absorber and ~1e10 A/m^2 next to a degenerate
 * contact, for a net current of ~1e-6 A/m^2 in a slow relaxation. The
 * length-weighted mean (the Ramo-Shockley form for a uniform permittivity)
 * carries rtol x those terms from the bulk; the weights
 *   w_e ~ h_e / (s_e^2 + s_0^2),
 * s_e the sum of the magnitudes of the terms of J_e (in particle flux units,
 * s_0 = 1 m^-2 s^-1 ~ 1.6e-19 A/m^2), minimise the variance of sum w_e dJ_e
 * for per-edge errors dJ_e ~ eps s_e: the current is read where it is not a
 * small difference of large terms (a depletion region, an undoped layer).
 * docs/equations.md compares the two.
 */
#include "idr_physics.h"
#include "ion_light.h"
#include "kernels.h"

#include <math.h>
#include <string.h>

/* Floor of an edge's term scale in the weights [m^-2 s^-1] (q x 1 m^-2 s^-1
 * = 1.6e-19 A/m^2: far below any current of interest). */
#define IDR_CURRENT_SCALE_FLOOR 1.0

typedef struct edge_flux {
  double Gn, Gp, Gion; /* particle fluxes: Jn/q, Jp/q, sum z F [m^-2 s^-1] */
  double Gdisp;        /* displacement current / q [m^-2 s^-1] (0 without yp) */
  double scale;        /* sum of |terms| of Gn + Gp + Gion + Gdisp [m^-2 s^-1] */
  double drift_max;    /* largest single drift or diffusion term [m^-2 s^-1] */
} edge_flux;

/* The SG flux k [b B(d) - a B(-d)], adding the magnitudes of its two terms
 * to *scale (B > 0). The same operations as idr_sg_flux. */
static double sg_terms(double k, double a, double b, double d, double *scale) {
  double Bp, dBp;
  idr_bernoulli(d, &Bp, &dBp);
  double Bm = Bp + d;
  *scale += k * (fabs(b) * Bp + fabs(a) * Bm);
  return k * (b * Bp - a * Bm);
}

static edge_flux edge_fluxes(const idr_device *d, const double *y, const double *yp, int e) {
  const int i = e, k = e + 1, ni = d->n_ions;
  const double N0 = d->N0;
  double dpsi = y[d->iphi[k]] - y[d->iphi[i]];
  edge_flux r = {0, 0, 0, 0, 0, 0};
  const idr_halfcell *hL = &d->hc[2 * i + IDR_SIDE_R], *hR = &d->hc[2 * k + IDR_SIDE_L];
  double kn = d->Dn_e[e] / d->h[e], kp = d->Dp_e[e] / d->h[e];
  double nL = hL->gam_n * N0 * y[d->in[i]], nR = hR->gam_n * N0 * y[d->in[k]];
  double pL = hL->gam_p * N0 * y[d->ip[i]], pR = hR->gam_p * N0 * y[d->ip[k]];
  r.Gn = sg_terms(kn, nL, nR, dpsi, &r.scale);
  r.Gp = sg_terms(kp, pR, pL, dpsi, &r.scale);
  /* drift and diffusion parts of each flux, for the equilibrium check */
  double nbar = 0.5 * (nL + nR), pbar = 0.5 * (pL + pR);
  /* maxima that keep a NaN (fmax drops it): the equilibrium checks divide by it */
  r.drift_max = idr_max_abs(
      idr_max_abs(idr_max_abs(fabs(kn * nbar * dpsi), kn * (nR - nL)), kp * pbar * dpsi),
      kp * (pR - pL));
  for (int q = 0; q < ni; q++) {
    const idr_ion *io = &d->ions[q];
    if (!((io->layer_mask >> d->edge_layer[e]) & 1u)) continue;
    double ci = N0 * y[d->iion[(size_t)i * ni + q]], ck = N0 * y[d->iion[(size_t)k * ni + q]];
    double zd = io->z * dpsi;
    if (io->c_max > 0.0) zd *= 1.0 - 0.5 * (ci + ck) / io->c_max;
    double ki = idr_ion_edge_D(d, y, q, e, NULL) / d->h[e];
    r.Gion += io->z_current * sg_terms(ki, ck, ci, zd, &r.scale);
    r.drift_max = idr_max_abs(idr_max_abs(r.drift_max, ki * 0.5 * (ci + ck) * zd), ki * (ck - ci));
  }
  if (yp) {
    double g = d->eps_e[e] * d->Vt / (IDR_Q * d->h[e]);
    double a = yp[d->iphi[i]], b = yp[d->iphi[k]];
    r.Gdisp = -g * (b - a);
    r.scale += g * (fabs(a) + fabs(b));
  }
  return r;
}

/* The conduction terms' scale of edge e (edge_fluxes' scale without the
 * displacement) from the edge's Bernoulli values B2 = B(+-dpsi). */
static double edge_scale(const idr_device *d, const double *y, int e, const idr_bern2 *B2) {
  const int i = e, k = e + 1, ni = d->n_ions;
  const double N0 = d->N0;
  const idr_halfcell *hL = &d->hc[2 * i + IDR_SIDE_R], *hR = &d->hc[2 * k + IDR_SIDE_L];
  const double kn = d->Dn_e[e] / d->h[e], kp = d->Dp_e[e] / d->h[e];
  const double nL = hL->gam_n * N0 * y[d->in[i]], nR = hR->gam_n * N0 * y[d->in[k]];
  const double pL = hL->gam_p * N0 * y[d->ip[i]], pR = hR->gam_p * N0 * y[d->ip[k]];
  /* electrons k [nR B(d) - nL B(-d)], holes k [pL B(d) - pR B(-d)] */
  double sc =
      kn * (fabs(nR) * B2->Bp + fabs(nL) * B2->Bm) + kp * (fabs(pL) * B2->Bp + fabs(pR) * B2->Bm);
  for (int q = 0; q < ni; q++) {
    const idr_ion *io = &d->ions[q];
    if (!((io->layer_mask >> d->edge_layer[e]) & 1u)) continue;
    const double ci = N0 * y[d->iion[(size_t)i * ni + q]], ck = N0 * y[d->iion[(size_t)k * ni + q]];
    const double ki = idr_ion_edge_D(d, y, q, e, NULL) / d->h[e];
    if (io->c_max > 0.0) {
      double zd = io->z * (y[d->iphi[k]] - y[d->iphi[i]]) * (1.0 - 0.5 * (ci + ck) / io->c_max);
      (void)sg_terms(ki, ck, ci, zd, &sc);
    } else {
      /* F = k [ci B(z d) - ck B(-z d)] */
      const double Bz = io->z > 0 ? B2->Bp : B2->Bm, Bmz = io->z > 0 ? B2->Bm : B2->Bp;
      sc += ki * (fabs(ci) * Bz + fabs(ck) * Bmz);
    }
  }
  return sc;
}

/* Weight of an edge in the terminal current (unnormalised). */
static double edge_weight(const idr_device *d, int e, double scale) {
  double s = fmax(scale, IDR_CURRENT_SCALE_FLOOR);
  return d->h[e] / (s * s);
}

void idr_current_weights(const idr_device *d, const double *y, const double *yp, double *w) {
  double sum = 0.0;
  for (int e = 0; e < d->N - 1; e++) {
    w[e] = edge_weight(d, e, edge_fluxes(d, y, yp, e).scale);
    sum += w[e];
  }
  for (int e = 0; e < d->N - 1; e++)
    w[e] /= sum;
}

void idr_terminal_current(const idr_device *d, const double *y, const double *yp,
                          idr_current *out) {
  double Jn = 0, Jp = 0, Ji = 0, Jd = 0, L = 0, Jw = 0, W = 0;
  for (int e = 0; e < d->N - 1; e++) {
    edge_flux f = edge_fluxes(d, y, yp, e);
    double h = d->h[e], w = edge_weight(d, e, f.scale);
    Jn += f.Gn * h;
    Jp += f.Gp * h;
    Ji += f.Gion * h;
    Jd += f.Gdisp * h;
    L += h;
    Jw += w * (((f.Gn + f.Gp) + f.Gion) + f.Gdisp);
    W += w;
  }
  out->Jn = IDR_Q * Jn / L;
  out->Jp = IDR_Q * Jp / L;
  out->Jion = IDR_Q * Ji / L;
  out->Jdisp = IDR_Q * Jd / L;
  out->J = IDR_Q * Jw / W;
}

void idr_edge_currents(const idr_device *d, const double *y, const double *yp, double *Jcond,
                       double *Jdisp) {
  for (int e = 0; e < d->N - 1; e++) {
    edge_flux f = edge_fluxes(d, y, yp, e);
    Jcond[e] = IDR_Q * ((f.Gn + f.Gp) + f.Gion);
    Jdisp[e] = IDR_Q * f.Gdisp;
  }
}

void idr_terminal_current_mean(const idr_device *d, const double *y, const double *yp,
                               idr_current *out) {
  idr_terminal_current(d, y, yp, out);
  out->J = out->Jn + out->Jp + out->Jion + out->Jdisp;
}

double idr_max_flux_term(const idr_device *d, const double *y) {
  double m = 0.0;
  for (int e = 0; e < d->N - 1; e++)
    m = idr_max_abs(m, edge_fluxes(d, y, NULL, e).drift_max);
  return IDR_Q * m;
}

/* Gradient of the terminal current density (the weighted sum over edges of
 * idr_terminal_current, weights from the conduction terms at y) with
 * respect to the scaled unknowns:
 *   J = g_cond . y  (+ linear in y')  with  J_disp = g_disp . y'.
 * g_cond: conduction part (electrons + holes + ions) [A/m^2 per unit y];
 * g_disp: coefficients of the displacement part on psi' [A/m^2 per (1/s)].
 * The weights are held fixed: at a consistent state every edge carries the
 * same current, so their own variation, summing to zero, changes nothing. */
void idr_current_gradient(const idr_device *d, const double *y, double *g_cond, double *g_disp) {
  const int N = d->N, ni = d->n_ions;
  const double N0 = d->N0;
  memset(g_cond, 0, (size_t)d->n_unknowns * sizeof *g_cond);
  memset(g_disp, 0, (size_t)d->n_unknowns * sizeof *g_disp);
  double W = 0.0;
  for (int e = 0; e < N - 1; e++) {
    const int i = e, k = e + 1;
    const int pi = d->iphi[i], pk = d->iphi[k];
    const double dpsi = y[pk] - y[pi];
    const idr_bern2 B2 = idr_bernoulli2(dpsi);
    const idr_halfcell *hL = &d->hc[2 * i + IDR_SIDE_R], *hR = &d->hc[2 * k + IDR_SIDE_L];
    const double we = edge_weight(d, e, edge_scale(d, y, e, &B2));
    const double w = IDR_Q * we;
    W += we;
    {
      double sL = hL->gam_n * N0, sR = hR->gam_n * N0;
      idr_sg s = idr_sg_flux_b(d->Dn_e[e] / d->h[e], sL * y[d->in[i]], sR * y[d->in[k]], &B2, 1);
      g_cond[d->in[i]] += w * s.dFa * sL;
      g_cond[d->in[k]] += w * s.dFb * sR;
      g_cond[pk] += w * s.dFd;
      g_cond[pi] -= w * s.dFd;
    }
    {
      double sL = hL->gam_p * N0, sR = hR->gam_p * N0;
      idr_sg s = idr_sg_flux_b(d->Dp_e[e] / d->h[e], sR * y[d->ip[k]], sL * y[d->ip[i]], &B2, 1);
      g_cond[d->ip[k]] += w * s.dFa * sR;
      g_cond[d->ip[i]] += w * s.dFb * sL;
      g_cond[pk] += w * s.dFd;
      g_cond[pi] -= w * s.dFd;
    }
    for (int q = 0; q < ni; q++) {
      const idr_ion *io = &d->ions[q];
      if (!((io->layer_mask >> d->edge_layer[e]) & 1u)) continue;
      int ui = d->iion[(size_t)i * ni + q], uk = d->iion[(size_t)k * ni + q];
      idr_ion_edge_d De;
      const double De_D = idr_ion_edge_D(d, y, q, e, &De);
      double dFi, dFk, dFp, F;
      if (io->c_max > 0.0) {
        double cbar = 0.5 * N0 * (y[ui] + y[uk]);
        double fac = 1.0 - cbar / io->c_max;
        double dzd_dc = -io->z * dpsi * 0.5 * N0 / io->c_max;
        idr_sg s = idr_sg_flux(De_D / d->h[e], N0 * y[uk], N0 * y[ui], io->z * dpsi * fac);
        dFi = s.dFb * N0 + s.dFd * dzd_dc;
        dFk = s.dFa * N0 + s.dFd * dzd_dc;
        dFp = s.dFd * io->z * fac;
        F = s.F;
      } else {
        idr_sg s = idr_sg_flux_b(De_D / d->h[e], N0 * y[uk], N0 * y[ui], &B2, io->z);
        dFi = s.dFb * N0;
        dFk = s.dFa * N0;
        dFp = s.dFd;
        F = s.F;
      }
      /* D_e's dependence on the carriers and the blocking species */
      for (int l = 0; l < De.n; l++)
        g_cond[De.col[l]] += w * io->z_current * F * De.dlnD[l];
      g_cond[ui] += w * io->z_current * dFi;
      g_cond[uk] += w * io->z_current * dFk;
      g_cond[pk] += w * io->z_current * dFp;
      g_cond[pi] -= w * io->z_current * dFp;
    }
    double gd = we * d->eps_e[e] * d->Vt / d->h[e];
    g_disp[pk] -= gd;
    g_disp[pi] += gd;
  }
  for (int u = 0; u < d->n_unknowns; u++) {
    g_cond[u] /= W;
    g_disp[u] /= W;
  }
}

int idr_potential_rate(const idr_device *d, const idr_bias *b, const double *y, double *yp,
                       double *Jx, double *work) {
  const int N = d->N;
  if (idr_jacobian(d, b, y, 0.0, Jx)) return 1;
  /* interior Poisson rows: l psi'_{i-1} + a psi'_i + u psi'_{i+1} = rhs_i,
   * psi' = 0 at both contacts (the bias is constant after its step) */
  double *cp = work, *dp = work + N;
  for (int i = 0; i < N; i++) {
    cp[i] = 0.0;
    dp[i] = 0.0;
  }
  for (int i = 1; i < N - 1; i++) {
    const int r = d->iphi[i];
    double rhs = 0.0;
    for (int j = i - 1; j <= i + 1; j++)
      for (int u = d->off[j]; u < d->off[j + 1]; u++) {
        long q = u != d->iphi[j] ? idr_device_csc_pos(d, r, u) : -1;
        if (q >= 0) rhs -= Jx[q] * yp[u];
      }
    double a = Jx[idr_device_csc_pos(d, r, r)];
    double l = i > 1 ? Jx[idr_device_csc_pos(d, r, d->iphi[i - 1])] : 0.0;
    double u = i < N - 2 ? Jx[idr_device_csc_pos(d, r, d->iphi[i + 1])] : 0.0;
    /* Thomas: forward elimination (the Laplacian rows are diagonally dominant) */
    double den = a - l * cp[i - 1];
    if (!(fabs(den) > 0.0) || !isfinite(den)) return 1;
    cp[i] = u / den;
    dp[i] = (rhs - l * dp[i - 1]) / den;
  }
  yp[d->iphi[0]] = 0.0;
  yp[d->iphi[N - 1]] = 0.0;
  double next = 0.0;
  for (int i = N - 2; i >= 1; i--) {
    next = dp[i] - cp[i] * next;
    yp[d->iphi[i]] = next;
  }
  return 0;
}

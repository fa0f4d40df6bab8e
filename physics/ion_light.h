/*
 * Light-dependent migration kernels (docs/equations.md, "Light-dependent
 * migration"). Private to physics/.
 *
 * 1. The diffusion coefficient of an ion species on one edge:
 *   D_e = D exp(a thetabar) / (1 + (cbar_o + N_static) / c_block)
 *   a = dEa / kT, theta = n p / (n p + n_theta^2) at each end of the edge
 *   (the densities of the edge's half cells), thetabar their mean: the
 *   barrier is lowered by dEa thetabar on the edge;
 *   cbar_o the mean density of the blocking species at the two ends (0
 *   without one), N_static a fixed blocking density (0 without one).
 * The SG flux is linear in D, so dF/du = F d ln D_e / du for every unknown
 * u it depends on (the carriers and the blocking species at both ends: all
 * in the fixed Jacobian pattern). The residual, the Jacobian and the
 * terminal current all take D from here.
 *
 * 2. Light-created pairs at a node: the ion (charge z) and an immobile
 * counter-defect (charge -z, density m) are created at
 *   G = k_gen c_carrier np / (np + n_theta^2)  (c_carrier = p or n)
 * in each half cell of the species' layers and recombine at R = k_rec c m,
 * k_rec = 1 / (tau_rec N_rec): the source of both, integrated over the
 * node's control volume, S = sum_s vol_s G_s - vol R.
 */
#ifndef IDR_ION_LIGHT_H
#define IDR_ION_LIGHT_H

#include "idr_physics.h"

#include <math.h>

typedef struct idr_ion_edge_d {
  int n;          /* entries of col and dlnD */
  int col[6];     /* scaled unknowns D depends on */
  double dlnD[6]; /* d ln D_e / d y[col] */
} idr_ion_edge_d;

/* D of species q on edge e in state y [m^2/s]; its derivatives into *r
 * when r is not NULL. */
static inline double idr_ion_edge_D(const idr_device *d, const double *y, int q, int e,
                                    idr_ion_edge_d *r) {
  const idr_ion *io = &d->ions[q];
  double D = io->D;
  if (r) r->n = 0;
  if (io->lower_a != 0.0) {
    double lnf = 0.0;
    for (int s = 0; s < 2; s++) {
      const int i = e + s;
      const idr_halfcell *h = &d->hc[2 * i + (s ? IDR_SIDE_L : IDR_SIDE_R)];
      const double gn = h->gam_n * d->N0, gp = h->gam_p * d->N0;
      const double n = gn * y[d->in[i]], p = gp * y[d->ip[i]];
      const double den = n * p + io->nth2;
      lnf += 0.5 * io->lower_a * n * p / den;
      if (r) {
        const double g = 0.5 * io->lower_a * io->nth2 / (den * den); /* per d(np) */
        r->col[r->n] = d->in[i];
        r->dlnD[r->n++] = g * p * gn;
        r->col[r->n] = d->ip[i];
        r->dlnD[r->n++] = g * n * gp;
      }
    }
    D *= exp(lnf);
  }
  if (io->inv_cblock > 0.0) {
    const int ni = d->n_ions;
    int uo[2];
    double cb = 0.0;
    for (int s = 0; s < 2; s++) {
      uo[s] = io->block_by >= 0 ? d->iion[(size_t)(e + s) * ni + io->block_by] : -1;
      if (uo[s] >= 0) cb += 0.5 * d->N0 * y[uo[s]];
    }
    const double den = 1.0 + io->block_static + cb * io->inv_cblock;
    D /= den;
    if (r)
      for (int s = 0; s < 2; s++)
        if (uo[s] >= 0) {
          r->col[r->n] = uo[s];
          r->dlnD[r->n++] = -0.5 * d->N0 * io->inv_cblock / den;
        }
  }
  return D;
}

typedef struct idr_pair_src {
  double S;                          /* [m^-2 s^-1] */
  double dS_dn, dS_dp, dS_dc, dS_dm; /* per scaled unknown (n, p, the ion, the counter) */
} idr_pair_src;

static inline idr_pair_src idr_pair_source(const idr_device *d, const double *y, int q, int i) {
  const idr_ion *io = &d->ions[q];
  const int ni = d->n_ions;
  const int uc = d->iion[(size_t)i * ni + q], um = d->icount[(size_t)i * ni + q];
  const double N0 = d->N0, vol = d->ion_vol[(size_t)i * ni + q];
  idr_pair_src r = {0.0, 0.0, 0.0, 0.0, 0.0};
  for (int s = 0; s < 2; s++) {
    const idr_halfcell *h = &d->hc[2 * i + s];
    if (h->layer < 0 || !((io->layer_mask >> h->layer) & 1u)) continue;
    const double gn = h->gam_n * N0, gp = h->gam_p * N0;
    const double n = gn * y[d->in[i]], p = gp * y[d->ip[i]];
    const double den = n * p + io->gen_nth2, th = n * p / den;
    const double dth = io->gen_nth2 / (den * den); /* per d(np) */
    const double carr = io->gen_by_electrons ? n : p;
    const double dGn = io->kgen * ((io->gen_by_electrons ? th : 0.0) + carr * dth * p);
    const double dGp = io->kgen * ((io->gen_by_electrons ? 0.0 : th) + carr * dth * n);
    r.S += h->vol * io->kgen * carr * th;
    r.dS_dn += h->vol * dGn * gn;
    r.dS_dp += h->vol * dGp * gp;
  }
  const double c = N0 * y[uc], m = N0 * y[um];
  r.S -= vol * io->krec * c * m;
  r.dS_dc = -vol * io->krec * m * N0;
  r.dS_dm = -vol * io->krec * c * N0;
  return r;
}

#endif /* IDR_ION_LIGHT_H */

/*
 * V40: the physics thermal admittance spectroscopy needs, against closed
 * forms and conservation laws.
 *
 * 1. Incomplete ionisation: a uniform n-type layer with donors E_D below Ec
 *    (degeneracy g) and fully ionised acceptors N_A is neutral in its bulk:
 *      n + N_A = N_D / (1 + n/nD1),  nD1 = Nc e^{-E_D/kT} / g,
 *    so n = [-(N_A + nD1) + sqrt((N_A + nD1)^2 + 4 nD1 (N_D - N_A))] / 2
 *    (uncompensated: N_A = 0). Tolerance 1e-6 relative.
 * 2. Sites: an interface level holds its sheet density, a level in
 *    [from, to] of a layer holds N_t (to - from) on a graded mesh, a level
 *    bound to an ion species holds (N_t/c0) times the species' number, on
 *    any state. Tolerance 1e-12 relative.
 * 3. The equilibrium of a device with all of them (the Poisson-Boltzmann
 *    solve) is a steady state of the transient equations: 100 s of
 *    integration at 0 V (rtol 1e-8) move the potential by < 1e-7 V, the
 *    densities by < 1e-6 relative, the occupations by < 1e-6.
 * 4. Charge conservation with a donor-like level bound to a cation: the
 *    empty sites carry +q with the ions, so the total current (electrons,
 *    holes, ions with that charge, displacement) is the same on every edge
 *    during an ionic transient. Tolerance: spread below 1e-3 of the ionic
 *    current; leaving the sites' charge out of the ionic current must break
 *    it (spread above 0.1 of the ionic current), so the check sees it.
 */
#include "harness.h"
#include "vdevice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A single n-type layer 300 nm between flat-band contacts. */
static void n_layer(idr_deck *d, double T, double N_A) {
  idr_vdeck_init(d, T);
  d->mesh.nodes = 60;
  int l = idr_vdeck_layer(d, "n", 300, 11.7, 4.05, 1.12, 2.8e19, 1.04e19, 1400, 450, 1e18, N_A);
  d->layers[l].E_D_eV = 0.12;
  d->layers[l].g_D = 2.0;
}

static void check_neutral(idr_vcase *vc, double T, double N_A) {
  idr_deck d;
  n_layer(&d, T, N_A);
  idr_vdev v;
  memset(&v, 0, sizeof v);
  idr_error err;
  idr_error_clear(&err);
  idr_mesh *m = NULL;
  idr_device *dev = NULL;
  int ok = idr_vdevice(&d, T, &m, &dev, &err) == IDR_OK;
  double *y = ok ? calloc((size_t)dev->n_unknowns, sizeof *y) : NULL;
  idr_eq_stats es;
  ok = ok && y && idr_equilibrium(dev, y, &es, &err) == IDR_OK;
  char what[160];
  snprintf(what, sizeof what, "neutral n at %g K, N_A = %g cm^-3 [cm^-3]", T, N_A);
  if (!ok) {
    printf("  %s\n", err.msg);
    idr_vcheck_true(vc, what, 0);
  } else {
    const double k = IDR_KB_EV * T, ND = 1e18, Nc = 2.8e19 * pow(T / 300.0, 1.5);
    const double nD1 = Nc * exp(-0.12 / k) / 2.0, b = N_A + nD1;
    const double n = 0.5 * (-b + sqrt(b * b + 4.0 * nD1 * (ND - N_A)));
    idr_vcheck_rel(vc, what, idr_n(dev, y, dev->N / 2) / IDR_CM3_TO_M3, n, 1e-6);
  }
  free(y);
  idr_device_free(&dev);
  idr_mesh_free(&m);
}

/* HTL / absorber (a cation with a donor-like level bound to it, an
 * acceptor-like level bound to an anion, a level in part of the absorber,
 * an interface level) / ETL with a compensated, freezing donor. */
static void tas_stack(idr_deck *d) {
  idr_vdeck_init(d, 251.3);
  d->mesh.nodes = 90;
  int h = idr_vdeck_layer(d, "HTL", 20, 3.5, 2.3, 3.0, 1e20, 1e20, 1e-2, 1e-2, 0, 1e19);
  int a = idr_vdeck_layer(d, "absorber", 300, 30, 3.9, 1.6, 2.2e18, 1.8e19, 10, 10, 0, 3e16);
  int e = idr_vdeck_layer(d, "ETL", 30, 4.0, 4.0, 2.0, 1e20, 1e20, 1e-2, 1e-2, 1e19, 1e18);
  d->layers[e].E_D_eV = 0.2;
  d->layers[h].E_A_eV = 0.1;
  int cat = idr_vdeck_ion(d, "cation", +1, a, 1e17, 3e-3, 0.25);
  int an = idr_vdeck_ion(d, "anion", -1, a, 5e16, 1e-3, 0.3);
  int t = idr_vdeck_trap(d, "bound_donor", a, 0, 0.3, 5e16, 1e-8, 1e-10);
  d->traps[t].bound = 1;
  d->traps[t].ion = cat;
  t = idr_vdeck_trap(d, "bound_acceptor", a, 1, 1.2, 2e16, 1e-10, 1e-8);
  d->traps[t].bound = 1;
  d->traps[t].ion = an;
  t = idr_vdeck_trap(d, "part", a, 1, 0.7, 3e15, 1e-9, 1e-9);
  d->traps[t].from_nm = 41.7;
  d->traps[t].to_nm = 113.3;
  t = idr_vdeck_trap(d, "sheet", a, 1, 0.8, 0, 1e-9, 1e-9);
  d->traps[t].at_interface = 1;
  d->traps[t].interface_layer = e;
  d->traps[t].sheet_density_cm2 = 2.5e11;
  d->traps[t].sigma_E_eV = 0.05;
  d->traps[t].levels = 5;
}

/* Sites of levels of trap spec t per area [m^-2] in state y. */
static double sites(const idr_device *dev, const double *y, int t) {
  double s = 0.0;
  for (int j = 0; j < dev->n_levels; j++) {
    const idr_trap_level *lv = &dev->levels[j];
    if (lv->spec != t) continue;
    for (int i = 0; i < dev->N; i++) {
      double v = dev->trap_vol[(size_t)i * dev->n_levels + j] * lv->Nt;
      if (lv->ion >= 0) v *= idr_ion_c(dev, y, lv->ion, i) * lv->inv_c0;
      s += v;
    }
  }
  return s;
}

static void check_sites(idr_vcase *vc, const idr_deck *d, const idr_device *dev, const double *y) {
  idr_vcheck_rel(vc, "interface level: sites = sheet density [m^-2]", sites(dev, y, 3),
                 2.5e11 * 1e4, 1e-12);
  idr_vcheck_rel(vc, "level in [41.7, 113.3] nm: sites = N_t (to - from) [m^-2]", sites(dev, y, 2),
                 3e15 * IDR_CM3_TO_M3 * (113.3 - 41.7) * IDR_NM_TO_M, 1e-12);
  idr_vcheck_rel(vc, "bound level: sites = (N_t/c0) x cations [m^-2]", sites(dev, y, 0),
                 0.5 * idr_ion_count(dev, y, 0), 1e-12);
  (void)d;
}

/* Integrating the transient equations from the equilibrium at 0 V for 100 s
 * (ions, traps and dopant levels all relax within it) changes nothing. */
static void check_steady(idr_vcase *vc, const idr_device *dev, const double *y0) {
  idr_error err;
  idr_error_clear(&err);
  idr_sim_opts o = {1e-8, 500000, 0.0, IDR_LINEAR_BLOCK, IDR_CARRIERS_QUASI_STEADY};
  idr_sim *sim = NULL;
  idr_bias b = {0.0, 0.0};
  double dpsi = INFINITY, drel = INFINITY;
  if (idr_sim_create(dev, &o, &sim, &err) == IDR_OK &&
      idr_sim_start(sim, 0.0, y0, &b, &err) == IDR_OK &&
      idr_sim_advance(sim, 100.0, &err) == IDR_OK) {
    const double *y = idr_sim_y(sim);
    dpsi = drel = 0.0;
    for (int u = 0; u < dev->n_unknowns; u++) {
      int i = dev->node_of[u];
      if (u == dev->iphi[i])
        dpsi = fmax(dpsi, fabs(y[u] - y0[u]) * dev->Vt);
      else if (dev->positive[u] > 0)
        drel = fmax(drel, fabs(y[u] / y0[u] - 1.0));
      else
        drel = fmax(drel, fabs(y[u] - y0[u])); /* trap occupations */
    }
  } else {
    printf("  %s\n", err.msg);
  }
  idr_vcheck_le(vc, "equilibrium is a steady state: max |dphi| over 100 s at 0 V [V]", dpsi, 1e-7);
  idr_vcheck_le(vc, "... max relative change of densities, change of occupations", drel, 1e-6);
  idr_sim_free(&sim);
}

static double bern(double x) {
  return fabs(x) < 1e-8 ? 1.0 - 0.5 * x : x / expm1(x);
}

/* Spread of the total current over the edges relative to the largest ionic
 * current, with the ions' current charge zq[k] per ion. */
static double current_spread(const idr_device *d, const double *y, const double *yp,
                             const double *zq) {
  double lo = INFINITY, hi = -INFINITY, jion = 0.0;
  const double N0 = d->N0;
  for (int e = 0; e < d->N - 1; e++) {
    const int i = e, k = e + 1;
    const double dp = y[d->iphi[k]] - y[d->iphi[i]], h = d->h[e];
    const idr_halfcell *hL = &d->hc[2 * i + IDR_SIDE_R], *hR = &d->hc[2 * k + IDR_SIDE_L];
    double nL = hL->gam_n * N0 * y[d->in[i]], nR = hR->gam_n * N0 * y[d->in[k]];
    double pL = hL->gam_p * N0 * y[d->ip[i]], pR = hR->gam_p * N0 * y[d->ip[k]];
    double G = d->Dn_e[e] / h * (nR * bern(dp) - nL * bern(-dp));
    G += d->Dp_e[e] / h * (pL * bern(dp) - pR * bern(-dp));
    double Gi = 0.0;
    for (int q = 0; q < d->n_ions; q++) {
      const idr_ion *io = &d->ions[q];
      if (!((io->layer_mask >> d->edge_layer[e]) & 1u)) continue;
      double ci = N0 * y[d->iion[(size_t)i * d->n_ions + q]];
      double ck = N0 * y[d->iion[(size_t)k * d->n_ions + q]];
      Gi += zq[q] * io->D / h * (ci * bern(io->z * dp) - ck * bern(-io->z * dp));
    }
    double J = IDR_Q * (G + Gi) - d->eps_e[e] * d->Vt * (yp[d->iphi[k]] - yp[d->iphi[i]]) / h;
    lo = fmin(lo, J);
    hi = fmax(hi, J);
    jion = fmax(jion, fabs(IDR_Q * Gi));
  }
  return (hi - lo) / jion;
}

static void check_conservation(idr_vcase *vc, const idr_device *dev, const double *y0) {
  idr_error err;
  idr_error_clear(&err);
  idr_sim_opts o = {1e-8, 500000, 0.0, IDR_LINEAR_BLOCK, IDR_CARRIERS_QUASI_STEADY};
  idr_sim *sim = NULL;
  idr_bias b = {0.6, 0.0};
  double worst = 0.0, worst_z = INFINITY, zq[IDR_MAX_IONS], z[IDR_MAX_IONS];
  for (int k = 0; k < dev->n_ions; k++) {
    zq[k] = dev->ions[k].z_current;
    z[k] = dev->ions[k].z;
  }
  int ok = idr_sim_create(dev, &o, &sim, &err) == IDR_OK &&
           idr_sim_start(sim, 0.0, y0, &b, &err) == IDR_OK;
  const double t[] = {1e-5, 1e-4, 1e-3};
  for (int s = 0; ok && s < 3; s++) {
    ok = idr_sim_advance(sim, t[s], &err) == IDR_OK;
    if (!ok) break;
    double a = current_spread(dev, idr_sim_y(sim), idr_sim_yp(sim), zq);
    double bz = current_spread(dev, idr_sim_y(sim), idr_sim_yp(sim), z);
    printf("  t = %g s: current spread / ionic current %.3g (sites' charge carried), %.3g "
           "(left out)\n",
           t[s], a, bz);
    worst = fmax(worst, a);
    worst_z = fmin(worst_z, bz);
  }
  if (!ok) printf("  %s\n", err.msg);
  idr_vcheck_true(vc, "ionic transient after a 0.6 V step runs", ok);
  idr_vcheck_le(vc, "total current equal on every edge (spread / ionic current)", worst, 1e-3);
  idr_vcheck_ge(vc, "... and the check sees the bound sites' charge (spread without it)", worst_z,
                0.1);
  idr_sim_free(&sim);
}

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V40 TAS physics",
                  "incomplete ionisation, interface / partial / ion-bound levels: closed forms "
                  "and conservation");
  check_neutral(&vc, 300.0, 0.0);
  check_neutral(&vc, 150.0, 0.0);
  check_neutral(&vc, 300.0, 1e17);
  check_neutral(&vc, 150.0, 1e17);
  idr_deck d;
  tas_stack(&d);
  idr_error err;
  idr_error_clear(&err);
  idr_mesh *m = NULL;
  idr_device *dev = NULL;
  double *y = NULL;
  idr_eq_stats es;
  int ok = idr_vdevice(&d, d.temperature_K, &m, &dev, &err) == IDR_OK &&
           (y = calloc((size_t)dev->n_unknowns, sizeof *y)) != NULL &&
           idr_equilibrium(dev, y, &es, &err) == IDR_OK;
  if (!ok) printf("  %s\n", err.msg);
  if (idr_vcheck_true(&vc, "TAS stack: device and equilibrium", ok)) {
    check_sites(&vc, &d, dev, y);
    check_steady(&vc, dev, y);
    check_conservation(&vc, dev, y);
  }
  free(y);
  idr_device_free(&dev);
  idr_mesh_free(&m);
  return idr_vcase_end(&vc);
}

/*
 * V01: analytic Jacobian against central differences.
 *
 * Law: dF/dy + cj dF/dy' assembled analytically equals the central
 * difference (F(y + h e_j) - F(y - h e_j)) / 2h + cj M e_j column by column.
 * Device: HTL / absorber / ETL with band offsets, two ionic species of
 * opposite sign (one with a steric limit), an acceptor and a Gaussian donor
 * trap band, interface recombination on both heterointerfaces, radiative,
 * Auger and background SRH recombination, Beer-Lambert light, an applied bias;
 * the same device with light-dependent migration (barrier lowering by the
 * photocarriers on both species, the cation blocked by the anion: D on
 * each edge depends on n, p and the other species at both ends) and
 * light-created pairs (a source in the ion's row, the counter-defect's own
 * row, its charge in Poisson's).
 * State: equilibrium perturbed at random (fixed seed), so every term is away
 * from its equilibrium zero.
 * Steps are relative (h = 1e-6 |y_j|), so each column's change of the residual
 * is J_rj h_j. Each entry is compared with its own size, floored by 1e-9 A_r,
 * where A_r is the sum of |terms| of row r: the central difference of a row
 * carries round-off ~1e-16 A_r, so the floor keeps that noise below 1e-6.
 * Tolerance: max over entries |dF_fd - J_a h| / max(|J_a h|, 1e-9 A_r) <= 1e-6.
 * The terminal current's gradient (idr_current_gradient: the admittance's
 * linearisation, edge weights held fixed) is checked the same way against
 * central differences of sum_e w_e J_e in y and in y', the floor 1e-9 of
 * the current's sum of |terms|.
 */
#include "harness.h"
#include "vdevice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double urand(unsigned long long *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*s >> 11) / 9007199254740992.0;
}

/* J with the weights w held fixed: sum_e w_e (Jcond_e + Jdisp_e). */
static double weighted_current(const idr_device *d, const double *y, const double *yp,
                               const double *w, double *Jc, double *Jd) {
  idr_edge_currents(d, y, yp, Jc, Jd);
  double J = 0.0;
  for (int e = 0; e < d->N - 1; e++)
    J += w[e] * (Jc[e] + Jd[e]);
  return J;
}

/* The terminal current's gradient (idr_current_gradient, the admittance's
 * linearisation) against central differences of the current with the same
 * edge weights held fixed, in y (conduction) and in y' (displacement). */
static int check_current_gradient(idr_vcase *vc, const char *label, const idr_device *d, double *y,
                                  double *yp, const double *step) {
  const int n = d->n_unknowns, E = d->N - 1;
  double *w = malloc((size_t)E * sizeof *w), *Jc = malloc((size_t)E * sizeof *Jc);
  double *Jd = malloc((size_t)E * sizeof *Jd), *gc = malloc((size_t)n * sizeof *gc);
  double *gd = malloc((size_t)n * sizeof *gd), *zero = calloc((size_t)n, sizeof *zero);
  int pass = 0;
  if (!idr_vcheck_true(vc, "memory", w && Jc && Jd && gc && gd && zero)) goto out_free;
  idr_current_weights(d, y, NULL, w);
  idr_current_gradient(d, y, gc, gd);
  /* the floor, as A_r for the rows: 1e-9 of the sum of |terms| of the
   * current, sum_c |dJ/dy_c y_c| = sum_c |dJ/dy_c h_c| / 1e-6 (relative
   * steps); a central difference carries ~1e-16 of it */
  double worst = 0.0, terms = 0.0;
  for (int c = 0; c < n; c++)
    terms += (fabs(gc[c] * step[c]) + fabs(gd[c] * step[c])) / 1e-6;
  for (int c = 0; c < n; c++) {
    double y0 = y[c], h = step[c];
    y[c] = y0 + h;
    double Jp = weighted_current(d, y, zero, w, Jc, Jd);
    y[c] = y0 - h;
    double Jm = weighted_current(d, y, zero, w, Jc, Jd);
    y[c] = y0;
    zero[c] = h;
    double Dp = weighted_current(d, y, zero, w, Jc, Jd);
    zero[c] = -h;
    double Dm = weighted_current(d, y, zero, w, Jc, Jd);
    zero[c] = 0.0;
    double an[2] = {gc[c] * h, gd[c] * h}, fd[2] = {0.5 * (Jp - Jm), 0.5 * (Dp - Dm)};
    for (int k = 0; k < 2; k++) {
      double scale = fmax(fabs(an[k]), 1e-9 * terms);
      double e = fabs(an[k] - fd[k]) / scale;
      if (!(e <= worst)) worst = e; /* a NaN is the worst */
    }
  }
  (void)yp;
  char what[160];
  snprintf(what, sizeof what, "%s: current gradient (conduction, displacement), max relative error",
           label);
  pass = idr_vcheck_le(vc, what, worst, 1e-6);
out_free:
  free(w);
  free(Jc);
  free(Jd);
  free(gc);
  free(gd);
  free(zero);
  return pass;
}

static int check_device(idr_vcase *vc, const char *label, idr_deck *deck, double V, double light) {
  idr_error err;
  idr_error_clear(&err);
  idr_mesh *m = NULL;
  idr_device *d = NULL;
  if (idr_vdevice(deck, deck->temperature_K, &m, &d, &err)) {
    printf("  device: %s\n", err.msg);
    return idr_vcheck_true(vc, "device builds", 0);
  }
  int n = d->n_unknowns;
  double *y = calloc((size_t)n, sizeof *y), *yp = calloc((size_t)n, sizeof *yp);
  double *Fp = calloc((size_t)n, sizeof *Fp), *Fm = calloc((size_t)n, sizeof *Fm);
  double *Jx = calloc((size_t)d->nnz, sizeof *Jx), *mass = calloc((size_t)n, sizeof *mass);
  double *rowmax = calloc((size_t)n, sizeof *rowmax), *Fabs = calloc((size_t)n, sizeof *Fabs);
  idr_eq_stats es;
  int ok = idr_equilibrium(d, y, &es, &err) == IDR_OK;
  idr_vcheck_true(vc, "equilibrium converges", ok);
  unsigned long long seed = 2385;
  for (int u = 0; u < n; u++) {
    double r = 2.0 * urand(&seed) - 1.0;
    yp[u] = 0.1 * (2.0 * urand(&seed) - 1.0);
    if (d->positive[u] > 0)
      y[u] *= exp(0.7 * r);
    else if (d->iphi[d->node_of[u]] == u)
      y[u] += 0.8 * r;
    else
      y[u] = 0.05 + 0.9 * urand(&seed); /* trap occupation */
  }
  /* counter-defects of light-created pairs (0 in equilibrium): a fraction
   * of their species' density */
  for (int i = 0; i < d->N; i++)
    for (int k = 0; k < d->n_ions; k++) {
      int um = d->icount[(size_t)i * d->n_ions + k];
      if (um >= 0) y[um] = (0.05 + 0.5 * urand(&seed)) * y[d->iion[(size_t)i * d->n_ions + k]];
    }
  idr_bias b = {V, light};
  double cj = 2.385e4;
  /* a non-finite residual or Jacobian entry fails the case (return codes) */
  int bad_rc = idr_jacobian(d, &b, y, cj, Jx) != 0;
  idr_mass_diagonal(d, mass);
  double *step = calloc((size_t)n, sizeof *step);
  for (int c = 0; c < n; c++)
    step[c] = 1e-6 * fmax(fabs(y[c]), d->positive[c] > 0 ? 1e-30 : 1e-3);
  bad_rc |= idr_residual_terms(d, &b, y, yp, Fp, Fabs) != 0;
  for (int r = 0; r < n; r++)
    rowmax[r] = 1e-9 * Fabs[r];
  double worst = 0.0;
  int wr = -1, wc = -1;
  for (int c = 0; c < n; c++) {
    double y0 = y[c];
    double h = step[c];
    y[c] = y0 + h;
    bad_rc |= idr_residual(d, &b, y, yp, Fp) != 0;
    y[c] = y0 - h;
    bad_rc |= idr_residual(d, &b, y, yp, Fm) != 0;
    y[c] = y0;
    /* every row: entries inside the pattern compare, outside must be zero */
    for (int r = 0; r < n; r++) {
      double dfd = 0.5 * (Fp[r] - Fm[r]) + (r == c ? cj * mass[c] * h : 0.0);
      long q = idr_device_csc_pos(d, r, c);
      double dan = (q >= 0 ? Jx[q] : 0.0) * h;
      double scale = fmax(fabs(dan), rowmax[r]);
      double e = scale > 0 ? fabs(dan - dfd) / scale : (dfd == 0.0 ? 0.0 : INFINITY);
      if (e > 1e-6 && getenv("IDR_V01_DEBUG"))
        printf("    r=%d c=%d node %d/%d an=%.6e fd=%.6e rowmax=%.3e\n", r, c, d->node_of[r],
               d->node_of[c], dan, dfd, rowmax[r]);
      if (!(e <= worst)) { /* a NaN becomes the worst and fails the check */
        worst = e;
        wr = r;
        wc = c;
      }
    }
  }
  char what[160];
  snprintf(what, sizeof what,
           "%s: max relative error of %ld Jacobian entries (worst row %d, col %d)", label,
           (long)d->nnz, wr, wc);
  char rc_what[200];
  snprintf(rc_what, sizeof rc_what, "%s: residual and Jacobian evaluations succeed (finite)",
           label);
  int pass = idr_vcheck_true(vc, rc_what, !bad_rc);
  pass &= idr_vcheck_le(vc, what, worst, 1e-6);
  pass = check_current_gradient(vc, label, d, y, yp, step) && pass;
  free(y);
  free(yp);
  free(Fp);
  free(Fm);
  free(Jx);
  free(mass);
  free(rowmax);
  free(step);
  free(Fabs);
  idr_device_free(&d);
  idr_mesh_free(&m);
  return pass;
}

static void pair_creation(idr_ion_species *I, double k_gen_1_s, int electrons, double n_theta_cm3,
                          double tau_rec_s, double N_rec_cm3) {
  I->creation_k_gen_1_s = k_gen_1_s;
  I->creation_electrons = electrons;
  I->creation_n_theta_cm3 = n_theta_cm3;
  I->creation_tau_rec_s = tau_rec_s;
  I->creation_N_rec_cm3 = N_rec_cm3;
}

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V01 jacobian", "analytic Jacobian = central differences, all blocks");
  idr_deck deck;
  idr_vdeck_init(&deck, 287.3);
  deck.mesh.nodes = 40;
  deck.mesh.h_min_nm = 0.5;
  int h = idr_vdeck_layer(&deck, "HTL", 15, 3.5, 2.3, 3.0, 1e20, 1e20, 1e-3, 2e-3, 0, 1e18);
  int a =
      idr_vdeck_layer(&deck, "absorber", 120, 46.9, 3.95, 1.53, 2.2e18, 1.8e19, 7.3, 11.2, 0, 3e16);
  int e = idr_vdeck_layer(&deck, "ETL", 25, 4.2, 4.0, 2.0, 1e20, 1e20, 1e-2, 1e-2, 1e18, 0);
  (void)h;
  (void)e;
  deck.layers[a].mat.k_rad_cm3_s = 3e-11;
  deck.layers[a].mat.C_n_auger_cm6_s = 1e-28;
  deck.layers[a].mat.C_p_auger_cm6_s = 2e-28;
  deck.layers[a].mat.tau_n_s = 1e-6;
  deck.layers[a].mat.tau_p_s = 3e-6;
  deck.layers[a].mat.alpha_cm = 1e5;
  deck.interfaces[0].s_n_cm_s = 10;
  deck.interfaces[0].s_p_cm_s = 100;
  deck.interfaces[1].s_n_cm_s = 50;
  deck.interfaces[1].s_p_cm_s = 5;
  deck.generation.model = IDR_GEN_BEER_LAMBERT;
  deck.generation.photon_flux_cm2_s = 2.5e17;
  idr_vdeck_ion(&deck, "anion", -1, a, 1e17, 1e-6, 0.2);
  int c = idr_vdeck_ion(&deck, "cation", +1, a, 3e16, 2e-7, 0.3);
  deck.ions[c].c_max_cm3 = 1e18;
  idr_vdeck_trap(&deck, "acc", a, 1, 0.45, 1e15, 1e-8, 3e-9);
  int t = idr_vdeck_trap(&deck, "don", a, 0, 0.9, 2e15, 2e-9, 1e-8);
  deck.traps[t].sigma_E_eV = 0.05;
  deck.traps[t].levels = 5;
  check_device(&vc, "p-i-n, bias 0.62 V, 0.7 sun", &deck, 0.62, 0.7);
  check_device(&vc, "p-i-n, bias -0.4 V, dark", &deck, -0.4, 0.0);
  /* light-dependent migration (docs/light.md): both species' barriers
   * lowered by the photocarriers (theta ~ 0.1-0.9 in the absorber under
   * light), the steric cation blocked by the anion and a static density
   * (one law: 1 + (c_anion + N)/c_block), the anion by a static density only */
  deck.ions[0].lowering_dEa_eV = 0.08;
  deck.ions[0].lowering_n_theta_cm3 = 3e14;
  deck.ions[c].lowering_dEa_eV = 0.1;
  deck.ions[c].lowering_n_theta_cm3 = 1e15;
  deck.ions[c].blocked_by = 0;
  deck.ions[c].block_c_cm3 = 5e16;
  deck.ions[c].block_density_cm3 = 4e16;
  deck.ions[0].blocked_by = -1;
  deck.ions[0].block_density_cm3 = 2e17;
  deck.ions[0].block_c_cm3 = 1e17;
  /* light-created pairs of the anion (hole-driven) and of the cation
   * (electron-driven, with its own recombination density) */
  pair_creation(&deck.ions[0], 0.3, 0, 1e14, 2.0, 1e17);
  pair_creation(&deck.ions[c], 40.0, 1, 3e13, 0.5, 1e16);
  check_device(&vc, "p-i-n, light-dependent migration and pair creation, 0.62 V, 0.7 sun", &deck,
               0.62, 0.7);
  /* a homojunction with the ions in every layer */
  idr_deck d2;
  idr_vdeck_init(&d2, 213.0);
  d2.mesh.nodes = 30;
  int p = idr_vdeck_layer(&d2, "p", 80, 11.7, 4.05, 1.12, 2.8e19, 1.04e19, 1400, 450, 0, 1e17);
  int nn = idr_vdeck_layer(&d2, "n", 80, 11.7, 4.05, 1.12, 2.8e19, 1.04e19, 1400, 450, 1e17, 0);
  int k = idr_vdeck_ion(&d2, "x", +1, p, 1e16, 1e-5, 0.1);
  d2.ions[k].layer_mask |= 1u << nn;
  check_device(&vc, "p-n homojunction, ions across the junction", &d2, 0.3, 0.0);
  /* the physics of thermal admittance spectroscopy: dopants of incomplete
   * ionisation in both transport layers, interface levels on both
   * heterointerfaces, a level in part of the absorber, levels bound to a
   * mobile anion (acceptor-like, a Gaussian band) and to a cation living in
   * the absorber only (donor-like: its empty sites carry charge with it) */
  idr_deck d3;
  idr_vdeck_init(&d3, 231.7);
  d3.mesh.nodes = 36;
  d3.mesh.h_min_nm = 0.5;
  int h3 = idr_vdeck_layer(&d3, "HTL", 15, 3.5, 2.3, 3.0, 1e20, 1e20, 1e-3, 2e-3, 0, 3e18);
  int a3 =
      idr_vdeck_layer(&d3, "absorber", 110, 46.9, 3.95, 1.53, 2.2e18, 1.8e19, 7.3, 11.2, 0, 3e16);
  int e3 = idr_vdeck_layer(&d3, "ETL", 25, 4.2, 4.0, 2.0, 1e20, 1e20, 1e-2, 1e-2, 2e18, 1e17);
  d3.layers[h3].E_A_eV = 0.12;
  d3.layers[e3].E_D_eV = 0.09;
  d3.layers[e3].E_A_eV = 0.21;
  d3.layers[a3].E_A_eV = 0.05;
  int an3 = idr_vdeck_ion(&d3, "anion", -1, a3, 5e16, 1e-6, 0.2);
  int ca3 = idr_vdeck_ion(&d3, "cation", +1, a3, 2e16, 2e-7, 0.3);
  int t1 = idr_vdeck_trap(&d3, "if_htl", a3, 1, 0.7, 0, 1e-8, 3e-9);
  d3.traps[t1].at_interface = 1;
  d3.traps[t1].interface_layer = h3;
  d3.traps[t1].sheet_density_cm2 = 3e11;
  int t2 = idr_vdeck_trap(&d3, "if_etl", a3, 0, 0.6, 0, 2e-9, 1e-8);
  d3.traps[t2].at_interface = 1;
  d3.traps[t2].interface_layer = e3;
  d3.traps[t2].sheet_density_cm2 = 1e11;
  d3.traps[t2].sigma_E_eV = 0.04;
  d3.traps[t2].levels = 3;
  int t3 = idr_vdeck_trap(&d3, "part", a3, 1, 0.5, 4e15, 1e-9, 1e-9);
  d3.traps[t3].from_nm = 23.0;
  d3.traps[t3].to_nm = 71.5;
  int t4 = idr_vdeck_trap(&d3, "bound_acc", a3, 1, 0.9, 3e16, 1e-8, 2e-8);
  d3.traps[t4].bound = 1;
  d3.traps[t4].ion = an3;
  d3.traps[t4].sigma_E_eV = 0.05;
  d3.traps[t4].levels = 3;
  int t5 = idr_vdeck_trap(&d3, "bound_don", a3, 0, 0.4, 1e16, 3e-9, 1e-8);
  d3.traps[t5].bound = 1;
  d3.traps[t5].ion = ca3;
  check_device(&vc, "TAS physics (incomplete ionisation, interface, part, ion-bound), 0.41 V", &d3,
               0.41, 0.0);
  check_device(&vc, "TAS physics, -0.7 V", &d3, -0.7, 0.0);
  return idr_vcase_end(&vc);
}

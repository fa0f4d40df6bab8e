/*
 * V01: analytic Jacobian against central differences.
 *
 * Law: dF/dy + cj dF/dy' assembled analytically equals the central
 * difference (F(y + h e_j) - F(y - h e_j)) / 2h + cj M e_j column by column.
 * Device: HTL / absorber / ETL with band offsets, two ionic species of
 * opposite sign (one with a steric limit), an acceptor and a Gaussian donor
 * trap band, interface recombination on both heterointerfaces, radiative,
 * Auger and background SRH recombination, Beer-Lambert light, an applied bias.
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
  /* a homojunction with the ions in every layer */
  idr_deck d2;
  idr_vdeck_init(&d2, 213.0);
  d2.mesh.nodes = 30;
  int p = idr_vdeck_layer(&d2, "p", 80, 11.7, 4.05, 1.12, 2.8e19, 1.04e19, 1400, 450, 0, 1e17);
  int nn = idr_vdeck_layer(&d2, "n", 80, 11.7, 4.05, 1.12, 2.8e19, 1.04e19, 1400, 450, 1e17, 0);
  int k = idr_vdeck_ion(&d2, "x", +1, p, 1e16, 1e-5, 0.1);
  d2.ions[k].layer_mask |= 1u << nn;
  check_device(&vc, "p-n homojunction, ions across the junction", &d2, 0.3, 0.0);
  return idr_vcase_end(&vc);
}

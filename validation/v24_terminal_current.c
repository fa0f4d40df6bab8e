/*
 * V24: the terminal current next to degenerate contacts, without a
 * round-off floor.
 *
 * Law (charge conservation of the discrete equations, physics/current.c):
 * every edge of an exact solution carries the same total current
 * J = Jn + Jp + Jion - eps d/dt(dphi/dx), so any weighting of the edges that
 * sums to 1 gives J; the weights matter only for what the state's error and
 * the round-off do to it. Next to a degenerate contact an SG flux is the
 * difference of ~1e10 A/m^2 drift and diffusion terms, so a length-weighted
 * mean of the edges' currents (the evaluation before this case) carries
 * ~1e-6 A/m^2 of round-off here whatever the tolerance, against relaxation
 * currents of ~1e-7 A/m^2. At the instant after a bias change the rates of
 * the potential follow from Poisson's rows (idr_potential_rate), and the
 * current is the Ramo-Shockley form J = sum (h/eps) Jcond / sum (h/eps)
 * (at constant V the displacement currents integrate to zero over the
 * device).
 * Device: HTL 20 nm (eps_r 3.5, N_A 1e20 cm^-3 = Nv: degenerate, mu 1
 * cm^2/Vs) / perovskite 500 nm (N_A 1e17, anion 1e16 cm^-3, an acceptor
 * level 0.8 eV below Ec, 1e15 cm^-3) / ETL 30 nm (eps_r 4.2, N_D 1e20 = Nc,
 * mu 1), 300 K, default mesh; +1 V for 5 s, back to 0 V, 31 log samples
 * 1e-5..10 s after the switch.
 * Checks:
 *   (a) round-off floor: J at the state multiplied componentwise by
 *       1 + 2.2e-16 u (u uniform in [-1, 1], 32 draws; the rates alike)
 *       moves by at most 1e-12 of the largest current of the relaxation
 *       (max |J| over the samples) at every sample (measured 2.3e-15); the
 *       length-weighted mean is printed beside it (it moves by 1.1e-6
 *       A/m^2, 5.8e-6 of max |J|);
 *   (b) the same current at any rtol: J at rtol 1e-6 within 1e-3 |J| of J
 *       at rtol 1e-9 wherever |J| > 1e-6 of its maximum (measured 1.2e-4;
 *       the mean's floor is ~1e-5 of the maximum, 10-100 |J| late on);
 *   (c) at the instant after the switch every edge carries the same total
 *       current within 1e-2 rtol of the largest edge term (IDACalcIC solves
 *       the densities' rates to a fraction of rtol: measured 5.5e-3 rtol at
 *       rtol 1e-6, 4.7e-3 rtol at 1e-9), and J equals the Ramo-Shockley form
 *       within 1e-9 (measured 7e-13);
 *   (d) equilibrium: |J| <= 1e-25 of the largest flux term, 5.4e10 A/m^2
 *       (measured 8.8e-32; the mean: 4.4e-8 A/m^2, 8e-19 of it).
 */
#include "harness.h"
#include "vdevice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V24_SAMPLES 31       /* log samples 1e-5 .. 10 s after the switch */
#define V24_DRAWS 32         /* perturbed states per sample */
#define V24_ULP 2.2e-16      /* relative perturbation of every unknown */
#define V24_FLOOR_REL 1e-12  /* (a): floor / max |J| */
#define V24_RTOL_REL 1e-3    /* (b): |J(1e-6) - J(1e-9)| / |J| */
#define V24_RTOL_WINDOW 1e-6 /* (b): where |J| > this x max |J| */
#define V24_EDGE_REL 1e-2    /* (c): edge spread / (rtol x largest edge term) */
#define V24_RS_REL 1e-9      /* (c): J vs the Ramo-Shockley form */
#define V24_EQ_REL 1e-25     /* (d): |J| / max flux term at equilibrium */

static double urand(unsigned long long *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*s >> 11) / 9007199254740992.0;
}

static void stack(idr_deck *d) {
  idr_vdeck_init(d, 300.0);
  idr_vdeck_layer(d, "HTL", 20, 3.5, 2.3, 3.0, 1e20, 1e20, 1.0, 1.0, 0, 1e20);
  int p = idr_vdeck_layer(d, "perovskite", 500, 46.9, 3.95, 1.53, 2.2e18, 1.8e19, 10, 10, 0, 1e17);
  idr_vdeck_layer(d, "ETL", 30, 4.2, 4.0, 2.0, 1e20, 1e20, 1.0, 1.0, 1e20, 0);
  idr_vdeck_ion(d, "anion", -1, p, 1e16, 1.1e-6, 0.131);
  idr_vdeck_trap(d, "deep", p, 1, 0.8, 1e15, 1e-8, 1e-8);
}

/* Largest change of J (weighted) and of the length-weighted mean over
 * V24_DRAWS states perturbed at round-off level. */
static void floors(const idr_device *d, const double *y, const double *yp, double *work, double *fl,
                   double *fl_mean) {
  const int n = d->n_unknowns;
  double *yk = work, *ypk = work + n;
  idr_current c0, m0;
  idr_terminal_current(d, y, yp, &c0);
  idr_terminal_current_mean(d, y, yp, &m0);
  unsigned long long seed = 2385;
  *fl = 0.0;
  *fl_mean = 0.0;
  for (int k = 0; k < V24_DRAWS; k++) {
    for (int u = 0; u < n; u++) {
      yk[u] = y[u] * (1.0 + V24_ULP * (2.0 * urand(&seed) - 1.0));
      ypk[u] = yp[u] * (1.0 + V24_ULP * (2.0 * urand(&seed) - 1.0));
    }
    idr_current c, m;
    idr_terminal_current(d, yk, ypk, &c);
    idr_terminal_current_mean(d, yk, ypk, &m);
    *fl = fmax(*fl, fabs(c.J - c0.J));
    *fl_mean = fmax(*fl_mean, fabs(m.J - m0.J));
  }
}

/* (c): the edges' total currents and the Ramo-Shockley form at the state
 * just after the switch. */
static void check_switch(idr_vcase *vc, const idr_device *d, const double *y, const double *yp,
                         double rtol) {
  const int E = d->N - 1;
  double *Jc = malloc((size_t)E * sizeof *Jc), *Jd = malloc((size_t)E * sizeof *Jd);
  if (!idr_vcheck_true(vc, "memory", Jc && Jd)) goto out_free;
  idr_edge_currents(d, y, yp, Jc, Jd);
  idr_current c;
  idr_terminal_current(d, y, yp, &c);
  double big = 0.0, spread = 0.0, num = 0.0, den = 0.0;
  for (int e = 0; e < E; e++) {
    big = fmax(big, fmax(fabs(Jc[e]), fabs(Jd[e])));
    num += d->h[e] / d->eps_e[e] * Jc[e];
    den += d->h[e] / d->eps_e[e];
  }
  for (int e = 0; e < E; e++)
    spread = fmax(spread, fabs(Jc[e] + Jd[e] - c.J));
  printf("    after the switch: J = %.9e A/m^2, largest edge term %.3e A/m^2\n", c.J, big);
  char what[128];
  snprintf(what, sizeof what, "(c) rtol %g: max_e |J_e - J| / (rtol x largest edge term)", rtol);
  idr_vcheck_le(vc, what, spread / (rtol * big), V24_EDGE_REL);
  snprintf(what, sizeof what, "(c) rtol %g: J vs sum (h/eps) Jcond / sum (h/eps) [A/m^2]", rtol);
  idr_vcheck_rel(vc, what, c.J, num / den, V24_RS_REL);
out_free:
  free(Jc);
  free(Jd);
}

/* The relaxation at rtol: J at the samples into J[]; with checks (a), (c)
 * when vc_checks. Returns 0 on success. */
static int relaxation(idr_vcase *vc, const idr_device *d, const double *y_eq, double rtol,
                      const double *t, double *J, int vc_checks) {
  idr_error err;
  idr_error_clear(&err);
  idr_sim *sim = NULL;
  idr_sim_opts so = {.rtol = rtol, .max_steps = 500000, .h_max = 0};
  double *work = malloc(2 * (size_t)d->n_unknowns * sizeof *work);
  double fl[V24_SAMPLES], flm[V24_SAMPLES];
  idr_bias fill = {1.0, 0.0}, rest = {0.0, 0.0};
  int rc = 1;
  if (!work || idr_sim_create(d, &so, &sim, &err) || idr_sim_start(sim, 0.0, y_eq, &fill, &err) ||
      idr_sim_set_stop_time(sim, 5.0, &err) || idr_sim_advance(sim, 5.0, &err) ||
      idr_sim_set_bias(sim, &rest, &err)) {
    printf("  %s\n", err.msg);
    goto out_free;
  }
  check_switch(vc, d, idr_sim_y(sim), idr_sim_yp(sim), rtol);
  double Jmax = 0.0;
  for (int k = 0; k < V24_SAMPLES; k++) {
    if (idr_sim_advance(sim, 5.0 + t[k], &err)) {
      printf("  %s\n", err.msg);
      goto out_free;
    }
    idr_current c;
    idr_terminal_current(d, idr_sim_y(sim), idr_sim_yp(sim), &c);
    J[k] = c.J;
    Jmax = fmax(Jmax, fabs(c.J));
    if (vc_checks) floors(d, idr_sim_y(sim), idr_sim_yp(sim), work, &fl[k], &flm[k]);
  }
  if (vc_checks) {
    double worst = 0.0, worst_mean = 0.0;
    for (int k = 0; k < V24_SAMPLES; k++) {
      worst = fmax(worst, fl[k]);
      worst_mean = fmax(worst_mean, flm[k]);
      if (k % 5 == 0)
        printf("    t = %8.2e s  J = % .6e A/m^2  floor %.2e (length-weighted mean: %.2e)\n", t[k],
               J[k], fl[k], flm[k]);
    }
    printf("    max |J| = %.4e A/m^2, largest flux term %.3e A/m^2\n", Jmax,
           idr_max_flux_term(d, idr_sim_y(sim)));
    printf("    floor of the length-weighted mean: %.3e A/m^2 = %.2e of max |J|\n", worst_mean,
           worst_mean / Jmax);
    idr_vcheck_le(vc, "(a) round-off floor of J / max |J| of the relaxation", worst / Jmax,
                  V24_FLOOR_REL);
  }
  rc = 0;
out_free:
  free(work);
  idr_sim_free(&sim);
  return rc;
}

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V24 terminal current",
                  "the same J on every edge, read where it is not a difference of large terms");
  idr_deck deck;
  stack(&deck);
  idr_error err;
  idr_error_clear(&err);
  idr_mesh *m = NULL;
  idr_device *d = NULL;
  double *y = NULL;
  double t[V24_SAMPLES], J6[V24_SAMPLES], J9[V24_SAMPLES];
  int ok = idr_vdevice(&deck, deck.temperature_K, &m, &d, &err) == IDR_OK;
  if (ok) {
    y = malloc((size_t)d->n_unknowns * sizeof *y);
    idr_eq_stats es;
    ok = y && idr_equilibrium(d, y, &es, &err) == IDR_OK;
  }
  if (!ok) printf("  %s\n", err.msg);
  if (!idr_vcheck_true(&vc, "device and equilibrium", ok)) goto out_free;
  printf("    %d nodes; contacts: N_A = Nv = 1e20, N_D = Nc = 1e20 cm^-3\n", d->N);
  {
    idr_current c, cm;
    idr_terminal_current(d, y, NULL, &c);
    idr_terminal_current_mean(d, y, NULL, &cm);
    double big = idr_max_flux_term(d, y);
    printf("    equilibrium: largest flux term %.3e A/m^2, length-weighted mean J = %.3e A/m^2\n",
           big, cm.J);
    idr_vcheck_le(&vc, "(d) equilibrium |J| / largest flux term", fabs(c.J) / big, V24_EQ_REL);
  }
  for (int k = 0; k < V24_SAMPLES; k++)
    t[k] = 1e-5 * pow(10.0, 6.0 * k / (V24_SAMPLES - 1));
  if (!idr_vcheck_true(&vc, "relaxation at rtol 1e-6",
                       relaxation(&vc, d, y, 1e-6, t, J6, 1) == 0) ||
      !idr_vcheck_true(&vc, "relaxation at rtol 1e-9", relaxation(&vc, d, y, 1e-9, t, J9, 0) == 0))
    goto out_free;
  {
    double Jmax = 0.0, worst = 0.0;
    int used = 0;
    for (int k = 0; k < V24_SAMPLES; k++)
      Jmax = fmax(Jmax, fabs(J9[k]));
    for (int k = 0; k < V24_SAMPLES; k++)
      if (fabs(J9[k]) > V24_RTOL_WINDOW * Jmax) {
        worst = fmax(worst, fabs(J6[k] - J9[k]) / fabs(J9[k]));
        used++;
      }
    char what[128];
    snprintf(what, sizeof what, "(b) max |J(rtol 1e-6) / J(rtol 1e-9) - 1| over %d samples", used);
    idr_vcheck_le(&vc, what, worst, V24_RTOL_REL);
  }
out_free:
  free(y);
  idr_device_free(&d);
  idr_mesh_free(&m);
  return idr_vcase_end(&vc);
}

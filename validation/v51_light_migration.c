/*
 * V51: light-dependent migration laws against closed forms (issue 14,
 * deliverables 2a and 3; docs/light.md).
 *
 * Device: the blocking cell of V05 (an insulator 500 nm, eps_r 30, one
 * mobile anion of 1e18 cm^-3, mid-gap contacts; here a gap of 1.2 eV so
 * that the carriers, n = p = n_i ~ 8e7 cm^-3, are resolved, with
 * mobilities that leave them 1e-6 of the conductance), 300 K, a step of
 * 0.01 V_T: the terminal current decays as exp(-t/tau) with tau = lambda_D
 * d / (2 D sigma) (V05), i.e. tau proportional to 1/D at fixed lambda_D, d.
 *
 * Law 1 (barrier lowering, Ea_eff = Ea - dEa theta, theta = n p / (n p +
 * n_theta^2)): the carriers stay in quasi-equilibrium (n p = n_i^2, the same
 * at every node to first order in the step: a uniform carrier density
 * product), so with n_theta =
 * k n_i the barrier is lowered by dEa / (1 + k^2) everywhere and
 *   tau(dEa) / tau(0) = exp(-dEa / ((1 + k^2) kT)).
 * Checked for dEa = 0.1 eV at k = 1 (theta = 1/2) and k = 3 (theta = 0.1).
 * Law 2 (site blocking, D_eff = D / (1 + c_other / c_block)): a second,
 * immobile species (Ea 1.5 eV: D ~ 1e-28 cm^2/s) of uniform density c_o
 * = 1e18 cm^-3 blocks the anion with c_block = 5e17 cm^-3:
 *   tau(blocked) / tau(free) = 1 + c_o / c_block = 3;
 * a static blocking density N (deck `blocked_by: {density_cm3}`, no
 * species: the interstitial excess of the Xiang reproduction) of 2e18 cm^-3:
 *   tau ratio = 1 + N / c_block = 5,
 * and the static density 1.5e18 beside the species: 1 + (c_o + N) / c_block
 * = 6 (the two add in one law).
 * Tolerance: 1e-4 on each ratio (measured <= 1.6e-5) (tau is fitted on the same grid in units of
 * each run's own closed-form tau, so the fit's bias cancels; V05 holds each
 * tau to 0.5 % of the linear pole).
 * Law 3 (conservation): with both laws on, the number of each species is
 * conserved through the transient to 1e-10 (the laws change D inside the
 * flux form; no source).
 */
#include "harness.h"
#include "vdevice.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define V51_T 300.0
#define V51_SAMPLES 24

static const double N_ION_CM3 = 1e18, EPS_R = 30.0, D_NM = 500.0, D0 = 1e-3, EA = 0.3;

static void cell(idr_deck *d) {
  idr_vdeck_init(d, V51_T);
  /* gap 1.2 eV: n_i ~ 1e8 cm^-3, far above the carriers' absolute
   * tolerance (theta is then a smooth function of resolved densities) and,
   * with mobilities 1e-3 cm^2/Vs, a conductance 1e-6 of the ions' */
  idr_vdeck_layer(d, "insulator", D_NM, EPS_R, 4.4, 1.2, 1e18, 1e18, 1e-3, 1e-3, 0, 0);
  d->contact_left.work_function_eV = 5.0;
  d->contact_right.work_function_eV = 5.0;
  idr_vdeck_ion(d, "anion", -1, 0, N_ION_CM3, D0, EA);
}

typedef struct fit_out {
  double tau;    /* fitted decay time [s] */
  double drift;  /* largest relative change of an ion number */
  double ni_cm3; /* intrinsic density of the insulator [cm^-3] */
} fit_out;

/* Equilibrium, the step, tau from ln|J| over 0.5..4 tau_guess. */
static int run(const idr_deck *deck, double tau_guess, fit_out *o, idr_error *err) {
  int ok = 0;
  const double Vt = IDR_KB * V51_T / IDR_Q;
  const double lam = sqrt(EPS_R * IDR_EPS0 * Vt / (IDR_Q * N_ION_CM3 * IDR_CM3_TO_M3));
  idr_vdev v = {NULL, NULL, NULL};
  idr_sim *sim = NULL;
  int n = 0;
  double *x = idr_vmesh_wall_graded(D_NM * IDR_NM_TO_M, lam / 20.0, lam / 2.0, 1.08, &n);
  int lf[2] = {0, n - 1};
  idr_sim_opts so = {.rtol = 1e-8, .max_steps = 100000, .h_max = 0};
  idr_bias b = {0.01 * Vt, 0.0};
  if (!x || idr_vdev_build(deck, x, n, lf, 1, &v, err) || idr_sim_create(v.d, &so, &sim, err) ||
      idr_sim_start(sim, 0.0, v.y, &b, err))
    goto out;
  o->ni_cm3 = v.d->hc[2 * (n / 2)].ni / IDR_CM3_TO_M3;
  double ts[V51_SAMPLES], lnJ[V51_SAMPLES];
  for (int k = 0; k < V51_SAMPLES; k++) {
    ts[k] = 0.5 + 3.5 * k / (V51_SAMPLES - 1);
    if (idr_sim_advance(sim, ts[k] * tau_guess, err)) goto out;
    idr_current c;
    idr_terminal_current(v.d, idr_sim_y(sim), idr_sim_yp(sim), &c);
    lnJ[k] = log(fabs(c.J));
  }
  double c0, c1, v00, v01, v11, ss;
  if (gsl_fit_linear(ts, 1, lnJ, 1, V51_SAMPLES, &c0, &c1, &v00, &v01, &v11, &ss)) c1 = NAN;
  o->tau = -tau_guess / c1;
  o->drift = 0.0;
  for (int k = 0; k < v.d->n_ions; k++)
    o->drift = idr_max_abs(o->drift, idr_ion_number_drift(idr_ion_count(v.d, v.y, k),
                                                          idr_ion_count(v.d, idr_sim_y(sim), k)));
  ok = 1;
out:
  idr_sim_free(&sim);
  free(x);
  idr_vdev_free(&v);
  return ok;
}

static int run_check(idr_vcase *vc, const char *what, const idr_deck *d, double tau_guess,
                     fit_out *o) {
  idr_error err;
  idr_error_clear(&err);
  if (run(d, tau_guess, o, &err)) return 1;
  printf("  %s: %s\n", what, err.msg);
  idr_vcheck_true(vc, what, 0);
  return 0;
}

/* Blocking by a static density: alone (no blocking species), then beside
 * the immobile species of d (ions[0] blocked by it, c_block 5e17 cm^-3). */
static void static_blocking(idr_vcase *vc, idr_deck *d, const fit_out *base, double tau_cf) {
  const struct {
    int species;
    double N_cm3, want;
    const char *what;
  } C[2] = {{0, 2e18, 5.0, "static blocking: tau / tau(free) = 1 + N/c_block"},
            {1, 1.5e18, 6.0, "static and species blocking: tau ratio = 1 + (c_o + N)/c_block"}};
  const int o_k = d->ions[0].blocked_by;
  for (int j = 0; j < 2; j++) {
    d->ions[0].blocked_by = C[j].species ? o_k : -1;
    d->ions[0].block_density_cm3 = C[j].N_cm3;
    fit_out o;
    if (!run_check(vc, C[j].what, d, tau_cf * C[j].want, &o)) continue;
    printf("  static N %.3g cm^-3%s: ratio %.6f (closed form %g)\n", C[j].N_cm3,
           C[j].species ? " and the species (1e18)" : "", o.tau / base->tau, C[j].want);
    idr_vcheck_rel(vc, C[j].what, o.tau / base->tau, C[j].want, 1e-4);
  }
  d->ions[0].blocked_by = o_k;
}

int main(void) {
  gsl_set_error_handler_off();
  idr_vcase vc;
  idr_vcase_begin(&vc, "V51 light-dependent migration",
                  "tau follows the lowered barrier and D/(1 + c/c_block); ions conserved");
  const double kT = IDR_KB_EV * V51_T, Vt = IDR_KB * V51_T / IDR_Q;
  const double D = D0 * IDR_CM2_TO_M2 * exp(-EA / kT);
  const double lam = sqrt(EPS_R * IDR_EPS0 * Vt / (IDR_Q * N_ION_CM3 * IDR_CM3_TO_M3));
  const double tau_cf = lam * D_NM * IDR_NM_TO_M / (2.0 * D);
  idr_deck d;
  cell(&d);
  fit_out base;
  if (!run_check(&vc, "reference transient", &d, tau_cf, &base)) return idr_vcase_end(&vc);
  printf("  no lowering: tau = %.6g s (lambda_D d/2D = %.6g s), n_i = %.3g cm^-3\n", base.tau,
         tau_cf, base.ni_cm3);
  const double dEa = 0.1, ks[2] = {1.0, 3.0};
  for (int j = 0; j < 2; j++) {
    cell(&d);
    d.ions[0].lowering_dEa_eV = dEa;
    d.ions[0].lowering_n_theta_cm3 = ks[j] * base.ni_cm3;
    const double theta = 1.0 / (1.0 + ks[j] * ks[j]), want = exp(-dEa * theta / kT);
    fit_out o;
    char what[160];
    snprintf(what, sizeof what, "lowering dEa 0.1 eV, theta %.2f: tau / tau(no lowering)", theta);
    if (!run_check(&vc, what, &d, tau_cf * want, &o)) continue;
    printf("  theta = %.2f: tau = %.6g s, ratio %.6f, closed form exp(-dEa theta/kT) = %.6f\n",
           theta, o.tau, o.tau / base.tau, want);
    idr_vcheck_rel(&vc, what, o.tau / base.tau, want, 1e-4);
  }
  /* blocking by an immobile species, then both laws together */
  cell(&d);
  int o_k = idr_vdeck_ion(&d, "blocker", +1, 0, 1e18, D0, 1.5);
  d.ions[0].blocked_by = o_k;
  d.ions[0].block_c_cm3 = 5e17;
  fit_out ob;
  if (run_check(&vc, "blocked transient", &d, tau_cf * 3.0, &ob)) {
    printf("  blocked (c_o 1e18, c_block 5e17 cm^-3): tau = %.6g s, ratio %.6f (closed form 3)\n",
           ob.tau, ob.tau / base.tau);
    idr_vcheck_rel(&vc, "blocking: tau / tau(free) = 1 + c_o/c_block", ob.tau / base.tau, 3.0,
                   1e-4);
  }
  static_blocking(&vc, &d, &base, tau_cf);
  d.ions[0].block_density_cm3 = 0;
  d.ions[0].lowering_dEa_eV = dEa;
  d.ions[0].lowering_n_theta_cm3 = base.ni_cm3;
  const double both = 3.0 * exp(-dEa * 0.5 / kT);
  if (run_check(&vc, "lowered and blocked transient", &d, tau_cf * both, &ob)) {
    printf("  lowered (theta 1/2) and blocked: ratio %.6f (closed form %.6f), ion numbers "
           "conserved to %.2e\n",
           ob.tau / base.tau, both, ob.drift);
    idr_vcheck_rel(&vc, "both laws: tau ratio = 3 exp(-dEa/2kT)", ob.tau / base.tau, both, 1e-4);
    idr_vcheck_le(&vc, "both laws: ion numbers conserved", ob.drift, 1e-10);
  }
  return idr_vcase_end(&vc);
}

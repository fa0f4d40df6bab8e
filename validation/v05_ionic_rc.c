/*
 * V05: ionic RC charging of a blocking cell after a small voltage step.
 *
 * Law (Bazant, Thornton, Ajdari, Phys. Rev. E 70, 021506 (2004), eq. for the
 * "RC time" tau_c = lambda_D L / D with L their half-width): a carrier-free
 * layer of thickness d holding one mobile species (charge z, density N0 on
 * its uniform background), blocking electrodes, small step dV: the terminal
 * current decays as exp(-t/tau) with
 *   tau = lambda_D d / (2 D),   lambda_D = sqrt(eps kT / (q^2 N0)),
 * i.e. bulk resistance d kT/(q^2 N0 D) times the two diffuse-layer
 * capacitances eps/lambda_D in series. Linear theory (derived for this case,
 * docs/validation_closed_forms.md) gives the slow pole exactly:
 *   sigma sqrt(1 - sigma e) = tanh(sqrt(1 - sigma e)/e),  e = 2 lambda_D/d,
 *   tau_lin = lambda_D d / (2 D sigma) = tau (1 - lambda_D/d + O((lambda_D/d)^2)),
 * so the simulation should lie ~lambda_D/d below the leading-order tau.
 * All other poles decay faster than D/lambda_D^2 = (d/2 lambda_D)/tau.
 * Set-up: eps_r 30, N0 1e18 cm^-3 (anion), d = 500 nm (d/lambda_D ~ 70-80),
 * flat contacts (both work functions at mid-gap), dV = 0.1 V_T. Equilibrium
 * at 0 V, then idr_sim_start at V = dV and advance. tau is the slope of a
 * least-squares line through ln|J(t)| at 36 times from 0.5 tau to 4 tau.
 * Temperatures 250..350 K with D = D0 exp(-Ea/kT), Ea = 0.3 eV; lambda_D
 * grows as sqrt(T), so ln(tau/sqrt(T)) vs 1/T has slope Ea/k.
 * Tolerances: each tau within 3 % of lambda_D d/(2D) and within 0.5 % of the
 * linear-theory pole; the Arrhenius energy from the fitted tau(T) within 3 %
 * of Ea; ln|J| straight to 1e-3 over the window (single exponential).
 */
#include "harness.h"
#include "vdevice.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define V05_N_SAMPLES 36
#define V05_T_FIRST 0.5 /* fit window start [tau] */
#define V05_T_LAST 4.0  /* fit window end [tau] */
#define V05_TOL_TAU 0.03
#define V05_TOL_TAU_LIN 0.005
#define V05_TOL_EA 0.03
#define V05_TOL_STRAIGHT 1e-3 /* max residual of ln|J| about the line */

static const double V05_N0_CM3 = 1e18, V05_EPS_R = 30.0, V05_D_NM = 500.0;
static const double V05_D0_CM2_S = 1e-3, V05_EA_EV = 0.3;

/* Slow pole of the linear blocking cell: sigma sqrt(1 - sigma e) = tanh(sqrt(1 - sigma e)/e). */
static double rc_sigma(double e) {
  double lo = 0.5, hi = fmin(2.0, 1.0 / e);
  for (int it = 0; it < 200; it++) {
    double s = 0.5 * (lo + hi);
    double k = sqrt(1.0 - s * e);
    if (s * k - tanh(k / e) < 0)
      lo = s;
    else
      hi = s;
  }
  return 0.5 * (lo + hi);
}

typedef struct rc_result {
  double tau_fit;  /* [s] */
  double tau_cf;   /* lambda_D d/(2D) [s] */
  double tau_lin;  /* linear-theory pole [s] */
  double lambda;   /* [m] */
  double straight; /* max |ln|J| - line| */
  long steps;
} rc_result;

/* One temperature: equilibrium, step, fit. Returns 1 on success. */
static int rc_run(double T, rc_result *r, idr_error *err) {
  int ok = 0;
  idr_deck deck;
  idr_vdeck_init(&deck, T);
  idr_vdeck_layer(&deck, "insulator", V05_D_NM, V05_EPS_R, 2.0, 6.0, 1e18, 1e18, 1.0, 1.0, 0, 0);
  deck.contact_left.work_function_eV = 5.0; /* mid-gap: no built-in field */
  deck.contact_right.work_function_eV = 5.0;
  idr_vdeck_ion(&deck, "anion", -1, 0, V05_N0_CM3, V05_D0_CM2_S, V05_EA_EV);
  double Vt = IDR_KB * T / IDR_Q, N0 = V05_N0_CM3 * IDR_CM3_TO_M3;
  double d_m = V05_D_NM * IDR_NM_TO_M;
  double D = V05_D0_CM2_S * IDR_CM2_TO_M2 * exp(-V05_EA_EV / (IDR_KB_EV * T));
  r->lambda = sqrt(V05_EPS_R * IDR_EPS0 * Vt / (IDR_Q * N0));
  r->tau_cf = r->lambda * d_m / (2.0 * D);
  r->tau_lin = r->tau_cf / rc_sigma(2.0 * r->lambda / d_m);

  idr_vdev v = {NULL, NULL, NULL};
  idr_sim *sim = NULL;
  int n = 0;
  double *x = idr_vmesh_wall_graded(d_m, r->lambda / 20.0, r->lambda / 2.0, 1.08, &n);
  int lf[2] = {0, n - 1};
  if (!x) goto out_free;
  if (idr_vdev_build(&deck, x, n, lf, 1, &v, err)) goto out_free;
  idr_device *dev = v.d;
  double *y = v.y;
  idr_sim_opts so = {.rtol = 1e-8, .max_steps = 100000, .h_max = 0};
  if (idr_sim_create(dev, &so, &sim, err)) goto out_free;
  idr_bias b = {0.1 * Vt, 0.0};
  if (idr_sim_start(sim, 0.0, y, &b, err)) goto out_free;
  double ts[V05_N_SAMPLES], lnJ[V05_N_SAMPLES];
  for (int k = 0; k < V05_N_SAMPLES; k++) {
    double t = r->tau_cf * (V05_T_FIRST + (V05_T_LAST - V05_T_FIRST) * k / (V05_N_SAMPLES - 1));
    if (idr_sim_advance(sim, t, err)) goto out_free;
    idr_current c;
    idr_terminal_current(dev, idr_sim_y(sim), idr_sim_yp(sim), &c);
    ts[k] = t / r->tau_cf;
    lnJ[k] = log(fabs(c.J));
  }
  double c0, c1, cov00, cov01, cov11, sumsq;
  if (gsl_fit_linear(ts, 1, lnJ, 1, V05_N_SAMPLES, &c0, &c1, &cov00, &cov01, &cov11, &sumsq) !=
      GSL_SUCCESS)
    c0 = c1 = NAN; /* fails the checks below */
  r->tau_fit = -r->tau_cf / c1;
  r->straight = 0.0;
  for (int k = 0; k < V05_N_SAMPLES; k++)
    r->straight = idr_max_abs(r->straight, lnJ[k] - (c0 + c1 * ts[k]));
  idr_sim_stats st;
  idr_sim_get_stats(sim, &st);
  r->steps = st.steps;
  ok = 1;
out_free:
  idr_sim_free(&sim);
  free(x);
  idr_vdev_free(&v);
  return ok;
}

int main(void) {
  gsl_set_error_handler_off();
  idr_vcase vc;
  idr_vcase_begin(&vc, "V05 ionic RC",
                  "blocking cell, small step: J ~ exp(-t/tau), tau = lambda_D d/(2D) "
                  "(Bazant-Thornton-Ajdari 2004)");
  const double Ts[] = {250.0, 275.0, 300.0, 325.0, 350.0};
  enum { NT = sizeof Ts / sizeof Ts[0] };
  double inv_T[NT], ln_tau[NT];
  int n_ok = 0;
  for (int i = 0; i < NT; i++) {
    idr_error err;
    idr_error_clear(&err);
    rc_result r;
    char what[200];
    if (!rc_run(Ts[i], &r, &err)) {
      printf("  T = %g K: %s\n", Ts[i], err.msg);
      snprintf(what, sizeof what, "T = %g K: transient runs", Ts[i]);
      idr_vcheck_true(&vc, what, 0);
      continue;
    }
    printf("    T = %g K: lambda_D = %.4g nm, d/lambda_D = %.2f, tau = %.6g s, %ld IDA steps\n",
           Ts[i], r.lambda * 1e9, V05_D_NM * 1e-9 / r.lambda, r.tau_cf, r.steps);
    snprintf(what, sizeof what, "T = %g K: tau_fit vs lambda_D d/(2D) [s]", Ts[i]);
    idr_vcheck_rel(&vc, what, r.tau_fit, r.tau_cf, V05_TOL_TAU);
    snprintf(what, sizeof what, "T = %g K: tau_fit vs linear-theory pole [s]", Ts[i]);
    idr_vcheck_rel(&vc, what, r.tau_fit, r.tau_lin, V05_TOL_TAU_LIN);
    snprintf(what, sizeof what, "T = %g K: max |ln|J| - fitted line| over 0.5..4 tau", Ts[i]);
    idr_vcheck_le(&vc, what, r.straight, V05_TOL_STRAIGHT);
    inv_T[n_ok] = 1.0 / Ts[i];
    ln_tau[n_ok] = log(r.tau_fit / sqrt(Ts[i]));
    n_ok++;
  }
  if (n_ok >= 3) {
    double c0, c1, cov00, cov01, cov11, sumsq;
    if (gsl_fit_linear(inv_T, 1, ln_tau, 1, (size_t)n_ok, &c0, &c1, &cov00, &cov01, &cov11,
                       &sumsq) != GSL_SUCCESS)
      c1 = NAN; /* fails the check */
    idr_vcheck_rel(&vc, "Arrhenius energy from ln(tau/sqrt(T)) vs 1/T [eV]", c1 * IDR_KB_EV,
                   V05_EA_EV, V05_TOL_EA);
  } else {
    idr_vcheck_true(&vc, "Arrhenius fit (needs 3 temperatures)", 0);
  }
  return idr_vcase_end(&vc);
}

/*
 * V20: the textbook TID law holds for an anion pulled to the junction when
 * it starts where the textbook puts it, spread uniformly over the depletion
 * region; so the bias of V17/V19 comes from the equilibrium distribution of
 * such an anion (all of it in the interface layer), not from its drift.
 *
 * Closed form (drift in the depletion approximation, N_ion << N_A): in a
 * p-type absorber depleted over W next to the ETL, the field grows linearly
 * from the depletion edge, E(s) = q N_A s / eps (s measured from the edge),
 * and an anion drifts towards the ETL with ds/dt = mu E = s / tau,
 * tau = kT eps / (q^2 D N_A): s(t) = s0 exp(t/tau) until it reaches the
 * interface (s = W). With the anions uniform in [0, W] at t = 0, the first
 * moment of their charge about the interface, M(t) = sum (W - s), is
 *   M(t) = int_0^{W exp(-t/tau)} (W - s0 exp(t/tau)) ds0 = (W^2/2) exp(-t/tau):
 * exactly exponential with the textbook tau, and C(t) - C(inf) is
 * proportional to M for N_ion << N_A. Window: the diffusion of the ions
 * near s = 0 (within a Debye length lambda = sqrt(eps kT/(q^2 N_A)) of the
 * edge, lambda/W ~ 0.1) and the Debye tail of the holes perturb the form at
 * up to the 10 % level; measured 4.4 %, so tau is compared with a 7 %
 * tolerance and the Arrhenius energy (whose error is set by how that
 * correction varies with T) within 2 meV (measured 0.5 meV); N_ion =
 * 2 N_A |dC|/C within 20 % (measured -15 %: the series capacitance of the
 * stack lowers it, as in V15).
 *
 * Device: HTL 20 nm (N_A 1e20) / perovskite 500 nm (N_A 1e17) / ETL 30 nm
 * (N_D 1e20), the perovskite split at the depletion edge of the ion-free
 * equilibrium (found per temperature where p = N_A/2); the anion (1e15 =
 * N_A/100, D0 chosen so that tau(250 K) = 3 ms, Ea 0.13 eV) lives only in
 * the front part [x_edge, x_ETL], so that no neutral bulk feeds the
 * depletion region. t = 0: the equilibrium with the anion set uniform
 * (= its compensating background, no ionic space charge), 0 V, C(t) at
 * 10 kHz from the small-signal routine, 71 log samples 1e-5..10 s; the
 * experimenters' extraction (per-T single exponentials, ln(T/tau) vs 1/T).
 * Control: the same device through the TID protocol (from the equilibrium,
 * where the anions sit in the interface layer; fill pulse; back to 0 V)
 * must show the bias again (input - extracted Ea >= 25 meV; measured 34).
 */
#include "harness.h"
#include "vdevice.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_T 11
#define NA_CM3 1e17
#define ION_CM3 1e15
#define EA_EV 0.13
#define EPS_R 46.9
#define TAU_250_S 3e-3
#define MAX_SAMPLES 128

/* tau = kT eps / (q^2 D N_A) [s] for D = D0 exp(-Ea/kT) [cm^2/s]. */
static double tau_textbook(double T, double D0_cm2_s) {
  double D = D0_cm2_s * 1e-4 * exp(-EA_EV / (IDR_KB_EV * T));
  return IDR_KB * T * EPS_R * IDR_EPS0 / (IDR_Q * IDR_Q * D * NA_CM3 * 1e6);
}

static void stack(idr_deck *d, double T, double front_nm, double D0) {
  idr_vdeck_init(d, T);
  idr_vdeck_layer(d, "HTL", 20, 3.5, 2.3, 3.0, 1e20, 1e20, 1e-4, 1e-4, 0, 1e20);
  if (front_nm > 0) {
    idr_vdeck_layer(d, "bulk", 500 - front_nm, EPS_R, 3.95, 1.53, 2.2e18, 1.8e19, 10, 10, 0,
                    NA_CM3);
    int f =
        idr_vdeck_layer(d, "front", front_nm, EPS_R, 3.95, 1.53, 2.2e18, 1.8e19, 10, 10, 0, NA_CM3);
    idr_vdeck_ion(d, "anion", -1, f, ION_CM3, D0, EA_EV);
  } else {
    idr_vdeck_layer(d, "perovskite", 500, EPS_R, 3.95, 1.53, 2.2e18, 1.8e19, 10, 10, 0, NA_CM3);
  }
  idr_vdeck_layer(d, "ETL", 30, 4.2, 4.0, 2.0, 1e20, 1e20, 1e-2, 1e-2, 1e20, 0);
}

/* Depletion width [nm] of the ion-free stack at T: from the ETL interface
 * back to the first node where p >= N_A/2. */
static int depletion_nm(double T, double *W_nm, idr_error *err) {
  idr_deck d;
  stack(&d, T, 0, 0);
  idr_mesh *m = NULL;
  idr_device *dev = NULL;
  double *y = NULL;
  int rc = 1;
  if (idr_vdevice(&d, T, &m, &dev, err)) goto out;
  y = malloc((size_t)dev->n_unknowns * sizeof *y);
  idr_eq_stats es;
  if (!y || idr_equilibrium(dev, y, &es, err)) goto out;
  int i_etl = dev->layer_first[2];
  for (int i = i_etl; i > dev->layer_first[1]; i--) {
    double p = y[dev->ip[i]] * dev->N0; /* nodal unknown = density in the perovskite */
    if (p >= 0.5 * NA_CM3 * 1e6) {
      *W_nm = (dev->x[i_etl] - dev->x[i]) * 1e9;
      rc = 0;
      break;
    }
  }
out:
  free(y);
  idr_device_free(&dev);
  idr_mesh_free(&m);
  return rc;
}

/* C(t) at T from the uniform start; fills t and C (n samples). */
static int transient(double T, double W_nm, double D0, double *t, double *C, int *n,
                     double *C_first, idr_error *err) {
  idr_deck d;
  stack(&d, T, W_nm, D0);
  idr_mesh *m = NULL;
  idr_device *dev = NULL;
  double *y = NULL;
  idr_waveform_result wr;
  memset(&wr, 0, sizeof wr);
  int rc = 1;
  if (idr_vdevice(&d, T, &m, &dev, err)) goto out;
  y = malloc((size_t)dev->n_unknowns * sizeof *y);
  idr_eq_stats es;
  if (!y || idr_equilibrium(dev, y, &es, err)) goto out;
  for (int i = 0; i < dev->N; i++) /* uniform: the anion on its background */
    if (dev->iion[i] >= 0) y[dev->iion[i]] = dev->ions[0].c0 / dev->N0;
  idr_waveform_spec P;
  memset(&P, 0, sizeof P);
  P.n_segments = 1;
  memset(&P.segments[0], 0, sizeof P.segments[0]);
  P.segments[0].duration_s = 10.0;
  P.segments[0].V_V = 0.0;
  P.segments[0].samples = 71;
  P.segments[0].log_spacing = 1;
  P.n_profile_times = 0;
  P.capacitance_f_Hz = 1e4;
  idr_sim_opts so = idr_sim_opts_from_deck(&d);
  if (idr_run_waveform(dev, &P, &so, y, NULL, NULL, &wr, err)) goto out;
  /* the samples after t = 0 (the first output is the start itself) */
  int k = 0;
  for (int j = 0; j < wr.n_samples && k < MAX_SAMPLES; j++)
    if (wr.t[j] > 0) {
      t[k] = wr.t[j];
      C[k] = wr.C[j];
      k++;
    }
  *n = k;
  *C_first = k ? C[0] : NAN;
  rc = 0;
out:
  idr_waveform_result_free(&wr);
  free(y);
  idr_device_free(&dev);
  idr_mesh_free(&m);
  return rc;
}

int main(void) {
  gsl_set_error_handler_off();
  idr_vcase vc;
  idr_vcase_begin(&vc, "V20 attracted anion, uniform start",
                  "M(t) = (W^2/2) exp(-t/tau), tau = kT eps/(q^2 D N_A)");
  /* D0 so that tau(250 K) = 3 ms */
  double D0 = 1.0;
  D0 *= tau_textbook(250.0, 1.0) / TAU_250_S;
  static double t[N_T][MAX_SAMPLES], C[N_T][MAX_SAMPLES];
  idr_transient_data cd[N_T];
  int ok_all = 1;
  for (int j = 0; j < N_T; j++) {
    double T = 300.0 - 10.0 * j, W = NAN, C1 = NAN;
    idr_error err;
    idr_error_clear(&err);
    int n = 0;
    if (depletion_nm(T, &W, &err) || transient(T, W, D0, t[j], C[j], &n, &C1, &err) || n < 2) {
      printf("  T = %.0f K: %s\n", T, err.msg);
      ok_all = 0;
      break;
    }
    cd[j].T_K = T;
    cd[j].n = (size_t)n;
    cd[j].t_s = t[j];
    cd[j].C = C[j];
    cd[j].sigma = NULL;
    printf("  T = %5.1f K: W = %.1f nm, C(%.0e s) = %.6f, C(10 s) = %.6f nF/cm^2\n", T, W, t[j][0],
           C1 * 1e5, C[j][n - 1] * 1e5);
  }
  if (!idr_vcheck_true(&vc, "11 transients from the uniform start", ok_all))
    return idr_vcase_end(&vc);
  idr_tid_extract_options o;
  idr_tid_extract_options_default(&o);
  o.N_A_cm3 = NA_CM3;
  o.eps_r = EPS_R;
  o.polarity = IDR_POLARITY_PIN; /* p-type absorber depleted at the ETL */
  idr_tid_extraction x;
  idr_error err;
  idr_error_clear(&err);
  if (!idr_vcheck_true(&vc, "the experimenters' extraction runs",
                       idr_tid_extract(cd, N_T, &o, &x, &err) == IDR_OK)) {
    printf("  %s\n", err.msg);
    return idr_vcase_end(&vc);
  }
  double worst = 0.0;
  for (int j = 0; j < N_T; j++) {
    double tb = tau_textbook(cd[j].T_K, D0), tf = x.per_T[j].tau_s[0];
    printf("  T = %5.1f K: tau fitted %.4e s, textbook %.4e s, ratio %.4f%s\n", cd[j].T_K, tf, tb,
           tf / tb, x.used[j] ? "" : " (outside the window)");
    if (x.used[j]) worst = idr_max_abs(worst, tf / tb - 1.0);
  }
  idr_vcheck_ge(&vc, "temperatures inside the window", (double)x.n_used, 8);
  idr_vcheck_le(&vc, "max |tau_fit / tau_textbook - 1| over the used temperatures", worst, 0.07);
  idr_vcheck_abs(&vc, "extracted Ea [eV] vs the input", x.species[0].Ea_eV, EA_EV, 0.002);
  idr_vcheck_true(&vc, "the decaying edge is read as an anion", x.species[0].sign == IDR_ION_ANION);
  idr_vcheck_rel(&vc, "extracted N_ion [cm^-3] vs the input", x.species[0].N_ion_cm3, ION_CM3,
                 0.20);
  idr_tid_extraction_free(&x);

  /* Control: the same device (front layer at W(250 K)) through the TID
   * protocol, i.e. from the equilibrium (anions in the interface layer),
   * fill pulse +1 V for 5 s, back to 0 V. Only the distribution at the
   * start of the transient differs; the bias of V19 must appear. */
  double W250 = NAN;
  idr_deck d;
  if (depletion_nm(250.0, &W250, &err)) {
    printf("  %s\n", err.msg);
    idr_vcheck_true(&vc, "control: depletion width at 250 K", 0);
    return idr_vcase_end(&vc);
  }
  stack(&d, 300.0, W250, D0);
  idr_vdeck_tid(&d, 1);
  idr_tid_result tr;
  if (!idr_vcheck_true(&vc, "control: TID protocol scan and extraction",
                       idr_v_tid_scan(&d, &x, &tr, &err) == 0)) {
    printf("  %s\n", err.msg);
    return idr_vcase_end(&vc);
  }
  printf("  control (TID protocol from the equilibrium): extracted Ea %.4f eV, N_ion %.3g "
         "cm^-3, tau(250 K) fitted / textbook %.3f\n",
         x.species[0].Ea_eV, x.species[0].N_ion_cm3, x.per_T[5].tau_s[0] / tau_textbook(250.0, D0));
  idr_vcheck_ge(&vc, "control: input - extracted Ea [eV] (the bias returns)",
                EA_EV - x.species[0].Ea_eV, 0.025);
  idr_tid_extraction_free(&x);
  idr_tid_result_free(&tr);
  return idr_vcase_end(&vc);
}

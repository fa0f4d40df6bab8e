/*
 * V12: small-signal admittance against a time-domain sinusoid with IDA.
 *
 * Law (linear response): in the periodic steady state of a linear
 * time-invariant system driven by a periodic V(t), the fundamental Fourier
 * component of the terminal current is Y(w) times the fundamental component
 * of V(t), whatever the harmonics of V(t) are. The solver changes the bias
 * only in steps (idr_sim_set_bias), so the drive is a staircase of M steps
 * per period, V_k = A sin(w (k + 1/2) dt), dt = T/M. Its fundamental is
 * computed exactly, V1 = (2/T) sum_k V_k int_{t_k}^{t_k+dt} e^{-iwt} dt
 * (= A sinc(w dt/2), in phase with sin wt), so the staircase adds no error
 * in linear theory; the residual error is the nonlinearity at A = 1 mV
 * (~(A/V_T)^2 ~ 0.15 %) and the quadrature.
 * Current: J = J_cond + dD/dt with D = (1/L) sum_e eps_e E_e h_e (the
 * displacement part of idr_terminal_current_mean: length-weighted means), so over whole
 * periods
 *   (T/2) I1 = int J e^{-iwt} dt = int J_cond e^{-iwt} dt + i w int D e^{-iwt} dt
 *              + [D e^{-iwt}] (boundary term, ~0 once periodic),
 * which handles the jump of D at each bias step exactly, provided D(t_a) is
 * taken just before the step at t_a (one jump per step, M per period; taking
 * it after the step dropped one jump in M and gave C low by 1.0 % at M = 64,
 * 0.49 % at M = 128). Inside each step
 * the integrals use Simpson's rule in ln(t - t_k) from 1e-16 s to dt
 * (V12_PPD intervals per decade; each relaxation mode is a smooth bell in
 * ln t and a plateau is e^(ln t), both integrated to ~1e-4 at this
 * spacing; 6 and 12 per decade agree to 1e-4), plus the trapezoid on
 * [t_k, t_k + 1e-16 s].
 * Y = I1/V1 = G + i w C is compared with idr_admittance_eval.
 * Set-up: idr_vdeck_pin (perovskite N_A 1e17, no ions so that no slow ionic
 * transient has to decay) with one acceptor level in the perovskite, Nt
 * 1e16 cm^-3, E_t - E_v = 0.432 eV (Ec - E_t = 1.098 eV), c_p = c_n =
 * 1e-8 cm^3/s: it exchanges with the majority holes at e_p ~ 1e4 s^-1.
 * 0 V, A = 1 mV; frequencies f0/10, f0, 10 f0 with f0 = e_p/pi (the trap's
 * response frequency w0 = 2 e_p, see V13). The drive starts at t = 0 from
 * the equilibrium; whole periods are skipped until the slowest mode (rate
 * e_p) has decayed by e^-V12_DECAY, then one period is projected.
 * Tolerances: C and G (relative to w C) within 1 % of the admittance
 * routine at each frequency.
 */
#include "harness.h"
#include "vdevice.h"

#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define V12_TOL 0.01     /* relative, C and G/(w C) */
#define V12_AMP 1e-3     /* drive amplitude [V] */
#define V12_STEPS 64     /* bias steps per period */
#define V12_PPD 6        /* quadrature intervals per decade inside a step (even) */
#define V12_TAU0 1e-16   /* first quadrature point after a step [s] */
#define V12_DECAY 6.0    /* skip until e_p t >= V12_DECAY */
#define V12_MAX_SKIP 200 /* most periods skipped */
#define V12_MAX_Q 512    /* most quadrature nodes in a step */

static const double V12_NT_CM3 = 1e16, V12_ET_FROM_EC = 1.098, V12_CP = 1e-8, V12_CN = 1e-8;

/* Displacement field averaged as in idr_terminal_current_mean [C/m^2]. */
static double disp_D(const idr_device *d, const double *y) {
  double s = 0.0, L = d->x[d->N - 1] - d->x[0];
  for (int e = 0; e < d->N - 1; e++)
    s += d->eps_e[e] * idr_field(d, y, e) * d->h[e];
  return s / L;
}

typedef struct td_result {
  double C, G; /* [F/m^2], [S/m^2] */
  long steps;  /* IDA steps of the last step segment (set_bias restarts IDA) */
  int periods; /* periods integrated */
} td_result;

/* Drive the staircase sinusoid at angular frequency w; Y from the last period. */
static int td_run(const idr_device *dev, const double *y_eq, double w, double e_slow, td_result *r,
                  idr_error *err) {
  int ok = 0;
  idr_sim *sim = NULL;
  idr_sim_opts so = {.rtol = 1e-8, .max_steps = 1000000, .h_max = 0};
  const double T = 2.0 * IDR_PI / w, dt = T / V12_STEPS;
  int skip = (int)ceil(V12_DECAY / (e_slow * T));
  if (skip < 2) skip = 2;
  if (skip > V12_MAX_SKIP) skip = V12_MAX_SKIP;
  const int periods = skip + 1;
  const int n_dec = (int)ceil(log10(dt / V12_TAU0));
  const int n_q = n_dec * V12_PPD + 1;
  if (n_q > V12_MAX_Q) {
    idr_error_set(err, IDR_ERR_INPUT, "V12: %d quadrature nodes per step (max %d)", n_q, V12_MAX_Q);
    goto out_free;
  }
  const double dl = log(dt / V12_TAU0) / (n_q - 1);
  if (idr_sim_create(dev, &so, &sim, err)) goto out_free;
  double complex Icond = 0, Idisp = 0, V1 = 0;
  double D_a = 0.0, t_a = 0.0;
  for (int p = 0; p < periods; p++) {
    int last = p == periods - 1;
    for (int k = 0; k < V12_STEPS; k++) {
      double tk = p * T + k * dt;
      idr_bias b = {V12_AMP * sin(w * (tk + 0.5 * dt)), 0.0};
      if (last && k == 0) {
        /* D just BEFORE the step at t_a: the period [t_a, t_b] then holds M
         * jumps of D (t_a's included, t_b's not), as a periodic signal must */
        D_a = disp_D(dev, idr_sim_y(sim));
        t_a = tk;
      }
      if (p == 0 && k == 0) {
        if (idr_sim_start(sim, 0.0, y_eq, &b, err)) goto out_free;
      } else if (idr_sim_set_bias(sim, &b, err)) {
        goto out_free;
      }
      if (idr_sim_set_stop_time(sim, tk + dt, err)) goto out_free;
      /* g(t) = J_cond e^{-iwt}, h(t) = D e^{-iwt} at t_k (just after the step) */
      idr_current c;
      idr_terminal_current_mean(dev, idr_sim_y(sim), NULL, &c);
      double complex ph = cexp(-I * w * tk);
      double complex g_prev = c.J * ph, h_prev = disp_D(dev, idr_sim_y(sim)) * ph;
      double complex Gq[V12_MAX_Q], Hq[V12_MAX_Q]; /* g tau, h tau at the nodes */
      for (int j = 0; j < n_q; j++) {
        double tau = j == n_q - 1 ? dt : V12_TAU0 * exp(dl * j);
        if (idr_sim_advance(sim, tk + tau, err)) goto out_free;
        if (!last) continue;
        idr_terminal_current_mean(dev, idr_sim_y(sim), NULL, &c);
        ph = cexp(-I * w * (tk + tau));
        double complex g = c.J * ph, h = disp_D(dev, idr_sim_y(sim)) * ph;
        if (j == 0) {
          /* [t_k, t_k + tau0]: trapezoid in t */
          Icond += 0.5 * (g + g_prev) * tau;
          Idisp += 0.5 * (h + h_prev) * tau;
        }
        Gq[j] = g * tau;
        Hq[j] = h * tau;
      }
      /* [tau0, dt]: Simpson in ln(tau), int g dtau = int g tau dln(tau) (n_q - 1 even) */
      for (int j = 0; last && j < n_q; j++) {
        double wgt = (j == 0 || j == n_q - 1) ? 1.0 : (j % 2 ? 4.0 : 2.0);
        Icond += wgt * dl / 3.0 * Gq[j];
        Idisp += wgt * dl / 3.0 * Hq[j];
      }
      if (last) V1 += b.V * (cexp(-I * w * tk) - cexp(-I * w * (tk + dt))) / (I * w);
    }
  }
  double D_b = disp_D(dev, idr_sim_y(sim));
  double complex bound = (D_b - D_a) * cexp(-I * w * t_a);
  double complex Y = (Icond + I * w * Idisp + bound) / V1;
  r->G = creal(Y);
  r->C = cimag(Y) / w;
  r->periods = periods;
  idr_sim_stats st;
  idr_sim_get_stats(sim, &st);
  r->steps = st.steps;
  ok = 1;
out_free:
  idr_sim_free(&sim);
  return ok;
}

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V12 frequency vs time domain",
                  "Y(w) of idr_admittance_eval = fundamental of I(t)/V(t) under a 1 mV "
                  "sinusoidal drive integrated with IDA");
  const double T = 300.0;
  idr_error err;
  idr_error_clear(&err);
  idr_deck deck;
  idr_vdeck_pin(&deck, T, 1e17, 0.0);
  idr_vdeck_trap(&deck, "A1", 1, 1, V12_ET_FROM_EC, V12_NT_CM3, V12_CN, V12_CP);
  idr_mesh *m = NULL;
  idr_device *dev = NULL;
  idr_admittance *adm = NULL;
  double *y = NULL;
  int ok = idr_vdevice(&deck, T, &m, &dev, &err) == IDR_OK;
  if (ok) {
    y = calloc((size_t)dev->n_unknowns, sizeof *y);
    idr_eq_stats es;
    ok = y && idr_equilibrium(dev, y, &es, &err) == IDR_OK;
  }
  idr_bias b0 = {0.0, 0.0};
  ok = ok && idr_admittance_create(dev, &adm, &err) == IDR_OK &&
       idr_admittance_set_state(adm, y, &b0, &err) == IDR_OK;
  if (!ok) printf("  %s\n", err.msg);
  if (!idr_vcheck_true(&vc, "device, equilibrium and admittance workspace", ok)) goto out_free;
  {
    /* e_p = c_p p1 with the device's p1 (mid-perovskite node) */
    int i_mid = (dev->layer_first[1] + dev->layer_first[2]) / 2;
    double e_p = V12_CP / IDR_CM3_TO_M3 * dev->p1[(size_t)i_mid * dev->n_levels];
    double f0 = e_p / IDR_PI;
    printf("    %d nodes, %d unknowns; e_p = %.5g 1/s, f0 = w0/2pi = %.5g Hz; %d steps per "
           "period\n",
           dev->N, dev->n_unknowns, e_p, f0, V12_STEPS);
    const double fs[3] = {0.1 * f0, f0, 10.0 * f0};
    for (int q = 0; q < 3; q++) {
      double w = 2.0 * IDR_PI * fs[q];
      idr_admittance_point p;
      td_result r = {0, 0, 0, 0};
      char what[200];
      int ran = idr_admittance_eval(adm, w, &p, &err) == IDR_OK && td_run(dev, y, w, e_p, &r, &err);
      if (!ran) printf("  %s\n", err.msg);
      snprintf(what, sizeof what, "f = %.5g Hz: admittance and time-domain run", fs[q]);
      if (!idr_vcheck_true(&vc, what, ran)) continue;
      printf("    f = %.5g Hz: %d periods (%ld IDA steps in the last bias step); admittance C = "
             "%.8g F/m^2, G = %.6g "
             "S/m^2 (G/wC = %.4g)\n",
             fs[q], r.periods, r.steps, p.C, p.G, p.G / (w * p.C));
      snprintf(what, sizeof what, "f = %.5g Hz: C time domain vs admittance [F/m^2]", fs[q]);
      idr_vcheck_rel(&vc, what, r.C, p.C, V12_TOL);
      snprintf(what, sizeof what, "f = %.5g Hz: G/(w C_adm) time domain vs admittance", fs[q]);
      idr_vcheck_abs(&vc, what, r.G / (w * p.C), p.G / (w * p.C), V12_TOL);
    }
  }
out_free:
  idr_admittance_free(&adm);
  free(y);
  idr_device_free(&dev);
  idr_mesh_free(&m);
  return idr_vcase_end(&vc);
}

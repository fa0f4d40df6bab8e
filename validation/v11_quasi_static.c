/*
 * V11: the quasi-static limit of the small-signal capacitance.
 *
 * Law: for w -> 0 the admittance of a device whose DC conduction is
 * negligible is Y = G0 + i w C0 with C0 = dQ/dV, the derivative of the
 * charge on the left contact between two steady states (ions included).
 * Q is defined consistently with the discrete scheme: the charge that has
 * entered through the left terminal. The terminal current on edge 0 is the
 * displacement part eps dE_0/dt plus the conduction across edge 0. In this
 * stack there is no recombination (the vdeck sets none), electrons cannot
 * reach the left contact (HTL conduction band 1.65 eV above the
 * perovskite's) and holes cannot reach the right one (ETL valence band
 * 0.52 eV below), ions never leave the perovskite. So every hole in the
 * interior entered through the left contact and no electron did, and
 *   Q_L = eps_0' E_0 + q P_in,   P_in = sum over nodes 1..N-2 of the holes
 * in their half cells (eps_0' E_0: displacement field on the first edge).
 * Gauss over the interior with conserved ions gives the same change from
 * the right contact, Q_R = eps E_{N-2} + q N_in: both are printed.
 * Set-up: idr_vdeck_pin (example-like HTL / perovskite N_A 1e16 / ETL, one
 * anion 1e17 cm^-3 so that the ionic part is large, D = 1.1e-6 exp(-0.131 eV/kT) cm^2/s) at 300 K,
 * 0 V. The slowest relaxation is ionic diffusion across the perovskite, rate D/d^2 ~ 2.8 s^-1 (the
 * ionic RC rate is faster); C is evaluated at w = 1e-6 D/d^2 (and 1e-7 D/d^2 to show the plateau)
 * and compared with [Q_L(+dV) - Q_L(-dV)]/(2 dV) from idr_steady_state at dV = +-1 mV. Tolerances:
 * C(w) within 1 % of dQ/dV; the plateau C(w)/C(w/10) - 1 within 1e-4; the ionic part visible (C(w)
 * > 1.5 C(10 kHz)); the blocking premise: the electron density at the left contact and the hole
 * density at the right one below 1 m^-3. (The real part is not checked: at w ~ 1e-6 s^-1, w C ~
 * 1e-9 S/m^2 is far below the ~1e-6 S/m^2 round-off floor of the linearised conduction current
 * noted in solver/admittance.c.)
 */
#include "harness.h"
#include "idr_protocols.h"
#include "vdevice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define V11_TOL_C 0.01         /* relative, C(w) vs dQ/dV */
#define V11_TOL_PLATEAU 1e-4   /* relative, C(w) vs C(w/10) */
#define V11_MIN_IONIC 1.5      /* C(w)/C(10 kHz) */
#define V11_DV 1e-3            /* [V] */
#define V11_W_FACTOR 1e-6      /* w / (slowest rate) */
#define V11_MAX_CONTACT_M3 1.0 /* minority density at the opposite contact [m^-3] */

static const double V11_PVK_NA_CM3 = 1e16, V11_ION_CM3 = 1e17;

/* Charge that entered through the left terminal [C/m^2] (see banner). */
static double q_left(const idr_device *d, const double *y) {
  double P = 0.0;
  for (int i = 1; i < d->N - 1; i++)
    for (int s = 0; s < 2; s++) {
      const idr_halfcell *hc = &d->hc[2 * i + s];
      if (hc->layer >= 0) P += hc->vol * hc->gam_p * idr_p(d, y, i);
    }
  return d->eps_e[0] * idr_field(d, y, 0) + IDR_Q * P;
}

/* Charge that left through the right terminal [C/m^2]. */
static double q_right(const idr_device *d, const double *y) {
  double Nn = 0.0;
  for (int i = 1; i < d->N - 1; i++)
    for (int s = 0; s < 2; s++) {
      const idr_halfcell *hc = &d->hc[2 * i + s];
      if (hc->layer >= 0) Nn += hc->vol * hc->gam_n * idr_n(d, y, i);
    }
  return d->eps_e[d->N - 2] * idr_field(d, y, d->N - 2) + IDR_Q * Nn;
}

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V11 quasi-static limit",
                  "C(w -> 0) = dQ/dV from two steady states (ions included)");
  const double T = 300.0;
  idr_error err;
  idr_error_clear(&err);
  idr_deck deck;
  idr_vdeck_pin(&deck, T, V11_PVK_NA_CM3, V11_ION_CM3);
  idr_mesh *m = NULL;
  idr_device *dev = NULL;
  idr_admittance *adm = NULL;
  double *y = NULL, *yp = NULL, *ym = NULL;
  int ok = idr_vdevice(&deck, T, &m, &dev, &err) == IDR_OK;
  if (ok) {
    size_t n = (size_t)dev->n_unknowns;
    y = calloc(n, sizeof *y);
    yp = calloc(n, sizeof *yp);
    ym = calloc(n, sizeof *ym);
    idr_eq_stats es;
    ok = y && yp && ym && idr_equilibrium(dev, y, &es, &err) == IDR_OK;
  }
  idr_sim_opts so = {.rtol = 1e-9, .max_steps = 500000, .h_max = 0};
  idr_bias b0 = {0.0, 0.0}, bp = {V11_DV, 0.0}, bm = {-V11_DV, 0.0};
  ok = ok && idr_steady_state(dev, &so, y, &bp, yp, &err) == IDR_OK &&
       idr_steady_state(dev, &so, y, &bm, ym, &err) == IDR_OK;
  ok = ok && idr_admittance_create(dev, &adm, &err) == IDR_OK &&
       idr_admittance_set_state(adm, y, &b0, &err) == IDR_OK;
  if (!ok) printf("  %s\n", err.msg);
  if (!idr_vcheck_true(&vc, "device, equilibrium, steady states at +-dV, admittance", ok))
    goto out_free;
  {
    double D = dev->ions[0].D;
    int l = 1; /* perovskite */
    double d_pvk = dev->x[dev->layer_first[l + 1]] - dev->x[dev->layer_first[l]];
    double rate = D / (d_pvk * d_pvk), w = V11_W_FACTOR * rate;
    idr_admittance_point p, p10, phf;
    ok = idr_admittance_eval(adm, w, &p, &err) == IDR_OK &&
         idr_admittance_eval(adm, 0.1 * w, &p10, &err) == IDR_OK &&
         idr_admittance_eval(adm, 2.0 * IDR_PI * 1e4, &phf, &err) == IDR_OK;
    if (!ok) printf("  %s\n", err.msg);
    if (!idr_vcheck_true(&vc, "admittance evaluates", ok)) goto out_free;
    double dQL = (q_left(dev, yp) - q_left(dev, ym)) / (2.0 * V11_DV);
    double dQR = (q_right(dev, yp) - q_right(dev, ym)) / (2.0 * V11_DV);
    idr_current jp, jm;
    idr_terminal_current(dev, yp, NULL, &jp);
    idr_terminal_current(dev, ym, NULL, &jm);
    double G0 = (jp.J - jm.J) / (2.0 * V11_DV);
    printf("    %d nodes; D = %.4g m^2/s, slowest rate D/d^2 = %.4g 1/s, w = %.4g rad/s\n", dev->N,
           D, rate, w);
    printf("    C(w) = %.8g, C(w/10) = %.8g, C(10 kHz) = %.8g F/m^2; G(w) = %.3g S/m^2\n", p.C,
           p10.C, phf.C, p.G);
    printf("    dQ_L/dV = %.8g, dQ_R/dV = %.8g F/m^2; DC G0 = %.3g S/m^2\n", dQL, dQR, G0);
    idr_vcheck_rel(&vc, "C(w = 1e-6 D/d^2) vs dQ_L/dV from two steady states [F/m^2]", p.C, dQL,
                   V11_TOL_C);
    idr_vcheck_rel(&vc, "plateau: C(w) vs C(w/10) [F/m^2]", p.C, p10.C, V11_TOL_PLATEAU);
    idr_vcheck_ge(&vc, "ionic part visible: C(w)/C(10 kHz)", p.C / phf.C, V11_MIN_IONIC);
    idr_vcheck_le(&vc, "premise: electrons at the left contact [m^-3]", dev->n_bc[0],
                  V11_MAX_CONTACT_M3);
    idr_vcheck_le(&vc, "premise: holes at the right contact [m^-3]", dev->p_bc[1],
                  V11_MAX_CONTACT_M3);
  }
out_free:
  idr_admittance_free(&adm);
  free(y);
  free(yp);
  free(ym);
  idr_device_free(&dev);
  idr_mesh_free(&m);
  return idr_vcase_end(&vc);
}

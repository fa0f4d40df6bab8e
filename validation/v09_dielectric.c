/*
 * V09: small-signal admittance of a carrier-free dielectric layer.
 *
 * Law (parallel-plate capacitor): a layer of permittivity eps and thickness
 * d with no free charge between two contacts has, per unit area,
 *   Y = i w C,  C = eps / d,  G = 0
 * at every frequency. In the discrete scheme the terminal current is the
 * length-weighted mean over edges of eps dE/dt (+ conduction), and with a
 * uniform eps the potential response is linear, so C = eps/d holds to
 * round-off on any mesh.
 * Set-up: one layer, d = 237 nm, eps_r 7.85, Eg 6 eV (chi 2 eV), Nc = Nv =
 * 1e18 cm^-3 (n_i ~ 1e-32 cm^-3), no doping, no ions, no traps; both work
 * functions at mid-gap (5 eV, no built-in field). Equilibrium at 0 V, then
 * idr_admittance_eval at 1 Hz .. 1 MHz (one point per decade).
 * Tolerances: C within 0.5 % of eps/d; |G| <= 1e-9 w C (a conduction path
 * would need free carriers, of which there are ~1e-32 cm^-3).
 */
#include "harness.h"
#include "vdevice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define V09_TOL_C 0.005    /* relative, C vs eps/d */
#define V09_TOL_G_REL 1e-9 /* |G| / (w C) */

static const double V09_D_NM = 237.0, V09_EPS_R = 7.85;

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V09 dielectric",
                  "carrier-free layer between two contacts: C = eps/d, G = 0 at every frequency");
  idr_error err;
  idr_error_clear(&err);
  idr_deck deck;
  idr_vdeck_init(&deck, 300.0);
  idr_vdeck_layer(&deck, "dielectric", V09_D_NM, V09_EPS_R, 2.0, 6.0, 1e18, 1e18, 1.0, 1.0, 0, 0);
  deck.contact_left.work_function_eV = 5.0; /* mid-gap: no built-in field */
  deck.contact_right.work_function_eV = 5.0;
  idr_mesh *m = NULL;
  idr_device *dev = NULL;
  idr_admittance *adm = NULL;
  double *y = NULL;
  int ok = idr_vdevice(&deck, 300.0, &m, &dev, &err) == IDR_OK;
  if (ok) {
    y = calloc((size_t)dev->n_unknowns, sizeof *y);
    idr_eq_stats es;
    ok = y && idr_equilibrium(dev, y, &es, &err) == IDR_OK;
  }
  idr_bias b = {0.0, 0.0};
  ok = ok && idr_admittance_create(dev, &adm, &err) == IDR_OK &&
       idr_admittance_set_state(adm, y, &b, &err) == IDR_OK;
  if (!ok) printf("  %s\n", err.msg);
  if (idr_vcheck_true(&vc, "device, equilibrium and admittance workspace", ok)) {
    double C_law = V09_EPS_R * IDR_EPS0 / (V09_D_NM * IDR_NM_TO_M);
    printf("    %d nodes, eps/d = %.8g F/m^2 (%.6g nF/cm^2)\n", dev->N, C_law, C_law * 1e5);
    for (int k = 0; k <= 6; k++) {
      double f = pow(10.0, k), w = 2.0 * IDR_PI * f;
      idr_admittance_point p;
      char what[160];
      snprintf(what, sizeof what, "f = %g Hz: admittance evaluates", f);
      int evald = idr_admittance_eval(adm, w, &p, &err) == IDR_OK;
      if (!evald) printf("  %s\n", err.msg);
      if (!idr_vcheck_true(&vc, what, evald)) continue;
      snprintf(what, sizeof what, "f = %g Hz: C vs eps/d [F/m^2]", f);
      idr_vcheck_rel(&vc, what, p.C, C_law, V09_TOL_C);
      snprintf(what, sizeof what, "f = %g Hz: |G|/(w C)", f);
      idr_vcheck_le(&vc, what, fabs(p.G) / (w * p.C), V09_TOL_G_REL);
    }
  }
  idr_admittance_free(&adm);
  free(y);
  idr_device_free(&dev);
  idr_mesh_free(&m);
  return idr_vcase_end(&vc);
}

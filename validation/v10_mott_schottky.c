/*
 * V10: Mott-Schottky analysis of an abrupt p/n junction (N_A = 10 N_D).
 *
 * Law (depletion approximation with the majority-carrier tails, e.g. Sze &
 * Ng, Physics of Semiconductor Devices, 3rd ed., sec. 2.3.3; Kennedy,
 * Murley & Kleinfelder, IBM J. Res. Dev. 12, 399 (1968)): the depletion
 * charge of a p/n junction is Q = sqrt(2 q eps N_eff (V_bi - V - 2 V_T))
 * (each side's majority tail removes V_T from the potential that builds
 * depletion charge; Boltzmann statistics), so the capacitance C = dQ/dV obeys
 *   1/C^2 = 2 (V_bi - V - 2 V_T) / (q eps N_eff),
 *   N_eff = N_A N_D / (N_A + N_D),   V_bi = V_T ln(N_A N_D / n_i^2).
 * The fit used: idr_mott_schottky_fit with include_kT = 1 returns
 *   V_bi_fit = V_0 + V_T   (V_0: voltage axis intercept of 1/C^2),
 * the one-sided (Schottky) convention; the p side's tail adds one more V_T,
 * so the law's built-in voltage is compared with V_bi_fit + V_T = V_0 + 2 V_T.
 * The p side is on the left, so forward bias is V > 0 (slope < 0).
 * Window: the tail correction assumes that each side's majority carriers
 * stay on their side. At the junction the hole density is ~N_A/e, and the
 * holes spill into the n side until p ~ N_D; this dipole is negligible only
 * for N_A/N_D << (V_bi - V)/V_T. With N_A = 1e19, N_D = 1e16 the simulated
 * 1/C^2 has the slope of N_D within 2.6 % but an intercept ~0.10 V below
 * V_bi - 2 V_T (1e18: 0.045 V; 1e17: 0.004 V), consistent with the
 * spill-over (docs/validation.md, V10). The case therefore uses N_A/N_D = 10
 * and compares the slope with N_eff.
 * Set-up: silicon-like material (eps_r 11.7, Eg 1.12 eV, Nc 2.8e19, Nv
 * 1.04e19 cm^-3), p 600 nm with N_A 1e17, n 2000 nm with N_D 1e16 cm^-3 (the
 * depletion width at -1 V is ~0.5 um, so it never reaches the back contact),
 * no ions, no traps, no recombination, 300 K. C-V by idr_run_cv from -1.0 to
 * +0.3 V in 50 mV steps at 10 kHz (majority carriers follow, the dielectric
 * relaxation rate q N_D mu_n/eps is ~1e12 s^-1; minority storage at +0.3 V is
 * ~1e-6 of the depletion charge).
 * Tolerances: N from the slope within 2 % of N_eff (9.09e15 cm^-3); V_0 + 2 V_T
 * within 20 mV of V_T ln(N_A N_D/n_i^2); the regression
 * straight (r^2 >= 0.9999).
 */
#include "harness.h"
#include "idr_analysis.h"
#include "idr_protocols.h"
#include "vdevice.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define V10_TOL_N 0.02     /* relative, doping from the slope */
#define V10_TOL_VBI 0.020  /* [V], built-in voltage */
#define V10_MIN_R2 0.9999  /* linearity of 1/C^2 vs V */
#define V10_NODES 1200     /* mesh nodes */
#define V10_AREA_CM2 1.0   /* the fit needs an area; C per cm^2 is used */
#define V10_F_HZ 1e4       /* measurement frequency [Hz] */
#define V10_V_START (-1.0) /* [V] */
#define V10_V_STOP 0.3     /* [V] */
#define V10_V_STEP 0.05    /* [V] */

static const double V10_NA_CM3 = 1e17, V10_ND_CM3 = 1e16, V10_EPS_R = 11.7;
static const double V10_NC_CM3 = 2.8e19, V10_NV_CM3 = 1.04e19, V10_EG_EV = 1.12;

int main(void) {
  gsl_set_error_handler_off();
  idr_vcase vc;
  idr_vcase_begin(&vc, "V10 Mott-Schottky",
                  "p/n junction C-V: 1/C^2 = 2 (V_bi - V - 2 V_T)/(q eps N_eff), "
                  "V_bi = V_T ln(N_A N_D/n_i^2)");
  const double T = 300.0;
  idr_error err;
  idr_error_clear(&err);
  idr_deck deck;
  idr_vdeck_init(&deck, T);
  idr_vdeck_layer(&deck, "p", 600.0, V10_EPS_R, 4.05, V10_EG_EV, V10_NC_CM3, V10_NV_CM3, 1400, 450,
                  0, V10_NA_CM3);
  idr_vdeck_layer(&deck, "n", 2000.0, V10_EPS_R, 4.05, V10_EG_EV, V10_NC_CM3, V10_NV_CM3, 1400, 450,
                  V10_ND_CM3, 0);
  deck.mesh.nodes = V10_NODES;
  deck.solver.rtol = 1e-8;
  idr_mesh *m = NULL;
  idr_device *dev = NULL;
  double *y = NULL;
  idr_cv_result cv = {0};
  int ok = idr_vdevice(&deck, T, &m, &dev, &err) == IDR_OK;
  if (ok) {
    y = calloc((size_t)dev->n_unknowns, sizeof *y);
    idr_eq_stats es;
    ok = y && idr_equilibrium(dev, y, &es, &err) == IDR_OK;
  }
  idr_sim_opts so = {.rtol = 1e-8, .max_steps = 500000, .h_max = 0};
  ok = ok && idr_run_cv(dev, &so, y, V10_V_START, V10_V_STOP, V10_V_STEP, V10_F_HZ, 0, NULL, NULL,
                        &cv, &err) == IDR_OK;
  if (!ok) printf("  %s\n", err.msg);
  if (!idr_vcheck_true(&vc, "device, equilibrium and C-V sweep", ok)) goto out_free;

  double Vt = IDR_KB * T / IDR_Q;
  double NA = V10_NA_CM3 * IDR_CM3_TO_M3, ND = V10_ND_CM3 * IDR_CM3_TO_M3;
  double ni2 =
      V10_NC_CM3 * V10_NV_CM3 * IDR_CM3_TO_M3 * IDR_CM3_TO_M3 * exp(-V10_EG_EV / (IDR_KB_EV * T));
  double Vbi = Vt * log(NA * ND / ni2), Neff = NA * ND / (NA + ND);
  double eps = V10_EPS_R * IDR_EPS0;
  double *C_F = malloc((size_t)cv.n * sizeof *C_F);
  if (!idr_vcheck_true(&vc, "memory", C_F != NULL)) goto out_free;
  printf("    %d nodes; V_T = %.6f V, V_bi = %.6f V, N_eff = %.6g cm^-3\n", dev->N, Vt, Vbi,
         Neff / IDR_CM3_TO_M3);
  printf("    V [V]      C [nF/cm^2]   law [nF/cm^2]   G/(wC)\n");
  for (int k = 0; k < cv.n; k++) {
    C_F[k] = cv.C[k] * 1e-4 * V10_AREA_CM2; /* F/m^2 -> F for the area */
    double law = sqrt(IDR_Q * eps * Neff / (2.0 * (Vbi - cv.V[k] - 2.0 * Vt)));
    printf("    %+6.3f  %12.6g  %12.6g  %10.3g\n", cv.V[k], cv.C[k] * 1e5, law * 1e5,
           cv.G[k] / (2.0 * IDR_PI * V10_F_HZ * cv.C[k]));
  }
  idr_mott_schottky_options mo;
  idr_mott_schottky_options_default(&mo);
  mo.V_lo = V10_V_START - 1e-9;
  mo.V_hi = V10_V_STOP + 1e-9;
  mo.area_cm2 = V10_AREA_CM2;
  mo.eps_r = V10_EPS_R;
  mo.include_kT = 1;
  mo.T_K = T;
  idr_mott_schottky ms;
  int fit_ok = idr_mott_schottky_fit(cv.V, C_F, (size_t)cv.n, &mo, &ms, &err) == IDR_OK;
  if (!fit_ok) printf("  %s\n", err.msg);
  if (idr_vcheck_true(&vc, "Mott-Schottky fit runs", fit_ok)) {
    printf("    fit: N = %.6g +- %.3g cm^-3, V_bi_fit = %.6f +- %.2g V (intercept + V_T), "
           "%zu points, polarity %d\n",
           ms.N_cm3, ms.N_err_cm3, ms.V_bi, ms.V_bi_err, ms.n_used, ms.polarity);
    idr_vcheck_true(&vc, "polarity: forward bias (V > 0) narrows the depletion region",
                    ms.polarity == 1);
    idr_vcheck_rel(&vc, "doping from the slope vs N_eff = N_A N_D/(N_A + N_D) [cm^-3]", ms.N_cm3,
                   Neff / IDR_CM3_TO_M3, V10_TOL_N);
    idr_vcheck_abs(&vc, "V_bi_fit + V_T (p-side tail) vs V_T ln(N_A N_D/n_i^2) [V]", ms.V_bi + Vt,
                   Vbi, V10_TOL_VBI);
    idr_vcheck_ge(&vc, "r^2 of 1/C^2 vs V", ms.r2, V10_MIN_R2);
  }
  free(C_F);
out_free:
  idr_cv_result_free(&cv);
  free(y);
  idr_device_free(&dev);
  idr_mesh_free(&m);
  return idr_vcase_end(&vc);
}

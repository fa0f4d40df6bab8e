/*
 * V41: thermal admittance spectroscopy of trap levels recovered by the
 * analysis experimenters use (analysis/tas.c), on the decks of
 * validation/tas/ (a p+n one-sided junction, p absorber N_A = 1e16 cm^-3).
 *
 * 1. One discrete hole trap 0.35 eV above Ev, 1e15 cm^-3 (level.yaml):
 *    - its Arrhenius energy (ln(w0/T^2) vs 1/T) within 20 meV of 0.35 eV;
 *      the law is w0 = 2 c_p Nv(T) e^{-E/kT} with Nv ~ T^1.5, so the T^2 of
 *      the analysis reads it ~0.5 k T low (~11 meV at 250 K);
 *    - its density from the capacitance step, corrected for the crossing
 *      point (C_lf/C_hf = (N_A + N_t) W / (N_A W + N_t (W - lambda))),
 *      within 20 % of 1e15 cm^-3;
 *    - Walter's tDOS integrates to N_t lambda / (2 W) (depletion
 *      approximation: the trap charge responds at W - lambda, docs/tas.md),
 *      within 25 %: Walter's formula reads a one-sided junction's level
 *      several times low.
 * 2. A Gaussian band (centre 0.40 eV above Ev, sigma 60 meV, band.yaml):
 *    the centre of the band fitted to Walter's tDOS within 20 meV, its width
 *    within 25 %.
 * 3. A sheet of acceptor states at the interface with an undoped ETL whose
 *    conduction band lies 0.1 eV below the absorber's (interface.yaml), 0.45
 *    eV below the absorber's Ec: it exchanges electrons with both sides and
 *    emits into the lower band, so its energy reads 0.35 eV (within 20 meV);
 *    Walter's band per area (N W) is printed beside the sheet density.
 * The table "true against Walter's apparent" is printed (docs/tas.md).
 */
#include "harness.h"
#include "vdevice.h"

#include <math.h>
#include <stdio.h>

static double mean_W_nm(const idr_tas_extraction *x) {
  double s = 0.0;
  for (size_t j = 0; j < x->m; j++)
    s += x->W_nm[j];
  return s / (double)x->m;
}

/* Run deck `name`; 0 with one level and one band, else a failed check. */
static int run(idr_vcase *vc, const char *name, idr_deck *d, idr_tas_result *r,
               idr_tas_extraction *x) {
  idr_error err;
  idr_error_clear(&err);
  int ok = idr_v_tas_deck(name, NULL, 0, d, r, x, &err) == 0;
  if (!ok) printf("  %s\n", err.msg);
  char what[128];
  snprintf(what, sizeof what, "%s: TAS scan and analysis run, one level and one band found", name);
  if (!idr_vcheck_true(vc, what, ok && x->n_levels == 1 && x->n_bands == 1)) {
    if (ok) {
      printf("  %zu levels, %zu bands\n", x->n_levels, x->n_bands);
      idr_tas_extraction_free(x);
      idr_tas_result_free(r);
      idr_deck_free(d);
    }
    return 1;
  }
  return 0;
}

static void release(idr_deck *d, idr_tas_result *r, idr_tas_extraction *x) {
  idr_tas_extraction_free(x);
  idr_tas_result_free(r);
  idr_deck_free(d);
}

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V41 TAS levels",
                  "a discrete level, a Gaussian band and an interface level from C-f-T");
  idr_deck d;
  idr_tas_result r;
  idr_tas_extraction x;
  printf("  true against Walter's apparent tDOS (band fitted to N_t(E_w)):\n");
  if (!run(&vc, "level", &d, &r, &x)) {
    const idr_tas_level *L = &x.levels[0];
    const idr_tas_band *b = &x.bands[0];
    idr_vcheck_abs(&vc, "discrete level: Arrhenius energy [eV]", L->E_eV, 0.35, 0.020);
    idr_vcheck_rel(&vc, "discrete level: density from the step [cm^-3]", L->N_cm3, 1e15, 0.20);
    double W = mean_W_nm(&x);
    idr_vcheck_rel(&vc, "discrete level: Walter's density = N_t lambda / (2 W) [cm^-3]", b->N_cm3,
                   1e15 * L->lambda_nm / (2.0 * W), 0.25);
    printf("    bulk level    true E 0.350 eV, N 1.00e+15 cm^-3 | Walter E0 %.3f eV, sigma %.3f "
           "eV, N %.3g cm^-3 (%.2f of true; lambda %.0f nm, W %.0f nm) | step N %.3g cm^-3\n",
           b->E_eV, b->sigma_eV, b->N_cm3, b->N_cm3 / 1e15, L->lambda_nm, W, L->N_cm3);
    release(&d, &r, &x);
  }
  if (!run(&vc, "band", &d, &r, &x)) {
    const idr_tas_band *b = &x.bands[0];
    idr_vcheck_abs(&vc, "Gaussian band: centre [eV]", b->E_eV, 0.40, 0.020);
    idr_vcheck_rel(&vc, "Gaussian band: width [eV]", b->sigma_eV, 0.06, 0.25);
    printf("    Gaussian band true E0 0.400 eV, sigma 0.060 eV, N 1.00e+15 cm^-3 | Walter E0 %.3f "
           "eV, sigma %.3f eV, N %.3g cm^-3 (%.2f of true; xi0 %.3g s^-1 K^-2)\n",
           b->E_eV, b->sigma_eV, b->N_cm3, b->N_cm3 / 1e15, b->xi_s_K2);
    release(&d, &r, &x);
  }
  if (!run(&vc, "interface", &d, &r, &x)) {
    const idr_tas_band *b = &x.bands[0];
    idr_vcheck_abs(&vc, "interface level: energy below the lower (ETL) conduction band [eV]",
                   x.levels[0].E_eV, 0.35, 0.020);
    double W = mean_W_nm(&x);
    printf("    interface     true E_c(ETL) - 0.350 eV, N_s 1.00e+11 cm^-2 | Walter E0 %.3f eV, "
           "sigma %.3f eV, N %.3g cm^-3, N W = %.3g cm^-2 (%.3f of N_s; W %.0f nm)\n",
           b->E_eV, b->sigma_eV, b->N_cm3, b->N_cm3 * W * 1e-7, b->N_cm3 * W * 1e-7 / 1e11, W);
    release(&d, &r, &x);
  }
  return idr_vcase_end(&vc);
}

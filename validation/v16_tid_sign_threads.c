/*
 * V16: the sign of the TID signal comes from the physics, and the scan does
 * not depend on the number of threads.
 *
 * Law (DESIGN, Protocols/TID): in a p-i-n cell with a p-type absorber
 * depleted at the ETL side, mobile anions are pulled out of the depletion
 * region towards the junction after the fill pulse: its net negative space
 * charge falls, it widens and C falls (negative Delta C = C(t_last) -
 * C(t_first)); cations are pushed into the bulk: C rises (positive Delta C).
 * No sign is coded anywhere: the drift-diffusion model and the small-signal
 * routine produce it.
 * Also: the temperatures run in parallel (OpenMP, one workspace each); the
 * capacitances of a 1-thread and a 2-thread scan agree to 1e-12 relative.
 * The anion's extracted Ea and N_ion are printed beside the inputs: the
 * textbook formulas assume the ions start uniform in the depletion region,
 * which a species pulled to the junction does not (docs/validation.md).
 */
#include "harness.h"
#include "idr_analysis.h"
#include "idr_protocols.h"
#include "vdevice.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>

int main(void) {
  gsl_set_error_handler_off();
  idr_vcase vc;
  idr_vcase_begin(&vc, "V16 tid sign and threads",
                  "anions give negative Delta C, cations positive; threads do not matter");
  for (int z = -1; z <= 1; z += 2) {
    idr_deck d;
    idr_vdeck_pin(&d, 300, 1e17, 1e16);
    d.layers[0].N_A_cm3 = 1e20;
    d.layers[2].N_D_cm3 = 1e20;
    d.ions[0].z = z;
    idr_vdeck_tid(&d, 1);
    idr_error err;
    idr_error_clear(&err);
    idr_tid_result tr1, tr2;
    if (idr_run_tid_deck(&d, &tr1, &err)) {
      printf("  %s\n", err.msg);
      idr_vcheck_true(&vc, "1-thread scan", 0);
      continue;
    }
    idr_tid_spec_edit(&d)->threads = 2;
    if (idr_run_tid_deck(&d, &tr2, &err)) {
      printf("  %s\n", err.msg);
      idr_vcheck_true(&vc, "2-thread scan", 0);
      idr_tid_result_free(&tr1);
      continue;
    }
    int sign_ok = 1;
    double worst = 0.0;
    for (int j = 0; j < tr1.n_T; j++) {
      const idr_tid_curve *c = &tr1.curves[j];
      double dC = c->C[c->n - 1] - c->C[0];
      printf("  %s T = %5.1f K: C(%g s) = %.6f, C(%g s) = %.6f nF/cm^2, Delta C/C = %+.4e\n",
             z < 0 ? "anion " : "cation", c->T_K, c->t[0], c->C[0] * 1e5, c->t[c->n - 1],
             c->C[c->n - 1] * 1e5, dC / c->C[c->n - 1]);
      if (!(z < 0 ? dC < 0 : dC > 0)) sign_ok = 0;
      for (int k = 0; k < c->n; k++)
        worst = idr_max_abs(worst, tr2.curves[j].C[k] / c->C[k] - 1.0);
    }
    idr_vcheck_true(&vc,
                    z < 0 ? "anion: Delta C < 0 at every temperature"
                          : "cation: Delta C > 0 at every temperature",
                    sign_ok);
    idr_vcheck_le(&vc, "max |C(2 threads)/C(1 thread) - 1|", worst, 1e-12);
    idr_vcheck_true(&vc, "the 2-thread scan used 2 threads", tr2.threads == 2);
    if (z < 0) {
      /* the textbook numbers for the species pulled to the junction (reported) */
      idr_tid_extraction x;
      if (idr_tid_extract_deck(&d, &tr1, &x, &err) == IDR_OK) {
        printf("  anion, textbook extraction: Ea = %.4f +- %.4f eV (true %.4f), N_ion = %.3g "
               "cm^-3 (true %.3g), read as %s\n",
               x.species[0].Ea_eV, x.species[0].Ea_err_eV, d.ions[0].Ea_eV, x.species[0].N_ion_cm3,
               d.ions[0].density_cm3, x.species[0].sign == IDR_ION_ANION ? "anion" : "cation");
        idr_vcheck_true(&vc, "anion: the decaying edge is read as an anion",
                        x.species[0].sign == IDR_ION_ANION);
        idr_tid_extraction_free(&x);
      } else {
        printf("  anion, textbook extraction failed: %s\n", err.msg);
      }
    }
    idr_tid_result_free(&tr1);
    idr_tid_result_free(&tr2);
  }
  return idr_vcase_end(&vc);
}

/*
 * V50: light in the TID protocol (issue 14, deliverable 1).
 *
 * Law: under light the state before the pulse is the illuminated steady
 * state (ions included), not the dark equilibrium. A scan whose "pulse" is
 * no pulse (fill_V_V = rest_V_V = 0) with the same light in every phase
 * starts from a stationary state, so C(t) stays at C_eq (to the integrator's
 * tolerance: |C(t)/C_eq - 1| <= 1e-6 at rtol 1e-6). Control, which the
 * check would fail on were the illuminated state not reached: the same scan
 * with a dark rest (light_rest_suns = 0) and light during the pulse and the
 * relaxation moves C(t) by far more (>= 100x the tolerance: photocarriers
 * and the ions' redistribution under the photovoltage). And the light acts:
 * C_eq under 10 suns differs from the dark C_eq by more than 1e-4.
 * Also: the phase keys default to light_suns, each phase's light is the one
 * used (the illuminated relaxation after a dark rest ends near the
 * illuminated steady state: |C(t_last)/C_eq(light) - 1| <= 1e-6 once the
 * ions have relaxed, t_last >> tau_ion).
 */
#include "harness.h"
#include "idr_protocols.h"
#include "vdevice.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>

/* The p-i-n stack of V16 (cation, N_A 1e17, N_ion 1e15) with recombination
 * in the absorber and a uniform generation: one temperature, 1e-6..100 s. */
static void light_deck(idr_deck *d) {
  idr_v_cation_stack(d);
  d->layers[1].mat.k_rad_cm3_s = 1e-10; /* illustrative, perovskite-like */
  d->layers[1].mat.tau_n_s = 1e-7;
  d->layers[1].mat.tau_p_s = 1e-7;
  d->layers[1].mat.G_uniform_cm3_s = 2.5e21; /* ~ 1 sun absorbed in 500 nm */
  d->generation.model = IDR_GEN_UNIFORM;
  idr_tid_spec *P = idr_tid_spec_edit(d);
  P->n_temperatures = 1;
  P->temperatures_K[0] = 300.0;
  P->t_last_s = 100.0;
  P->samples = 31;
}

static int scan(idr_vcase *vc, const char *what, idr_deck *d, idr_tid_result *tr) {
  idr_error err;
  idr_error_clear(&err);
  if (idr_run_tid_deck(d, tr, &err) || tr->n_T != 1) {
    printf("  %s: %s\n", what, err.msg);
    idr_vcheck_true(vc, what, 0);
    return -1;
  }
  return 0;
}

/* max_t |C(t)/C_eq - 1| */
static double max_dev(const idr_tid_curve *c) {
  double m = 0.0;
  for (int j = 0; j < c->n; j++)
    m = fmax(m, fabs(c->C[j] / c->C_eq - 1.0));
  return isfinite(m) ? m : INFINITY;
}

int main(void) {
  gsl_set_error_handler_off();
  idr_vcase vc;
  idr_vcase_begin(&vc, "V50 tid light",
                  "under light the state before the pulse is the illuminated steady state");
  idr_deck d;
  light_deck(&d);
  idr_tid_spec *P = idr_tid_spec_edit(&d);
  P->fill_V_V = 0.0;
  P->light_suns = P->light_rest_suns = P->light_fill_suns = P->light_relax_suns = 10.0;
  idr_tid_result lit, ctl, dark;
  if (scan(&vc, "illuminated scan without a pulse", &d, &lit)) return idr_vcase_end(&vc);
  double dev_lit = max_dev(&lit.curves[0]);
  printf("  10 suns in every phase, no pulse: C_eq = %.6f nF/cm^2, max |C/C_eq - 1| = %.3e\n",
         lit.curves[0].C_eq * 1e5, dev_lit);
  idr_vcheck_le(&vc, "C(t) stays at the illuminated C_eq", dev_lit, 1e-6);

  P->light_rest_suns = 0.0;
  P->light_suns = 0.0; /* the phases keep theirs */
  if (!scan(&vc, "dark rest, light after", &d, &ctl)) {
    const idr_tid_curve *c = &ctl.curves[0];
    double dev_ctl = max_dev(c);
    printf("  dark rest, 10 suns from t = 0: C_eq = %.6f nF/cm^2, max |C/C_eq - 1| = %.3e\n",
           c->C_eq * 1e5, dev_ctl);
    idr_vcheck_true(&vc, "control: a dark start moves C(t) by >= 100x the tolerance",
                    dev_ctl >= 1e-4);
    double end = fabs(c->C[c->n - 1] / lit.curves[0].C_eq - 1.0);
    printf("  its C(t_last = %g s) against the illuminated C_eq: %.3e\n", c->t[c->n - 1], end);
    idr_vcheck_le(&vc, "relaxation under light ends at the illuminated state", end, 1e-6);
    idr_tid_result_free(&ctl);
  }
  P->light_suns = P->light_fill_suns = P->light_relax_suns = 0.0;
  if (!scan(&vc, "dark scan", &d, &dark)) {
    double rel = fabs(lit.curves[0].C_eq / dark.curves[0].C_eq - 1.0);
    printf("  dark C_eq = %.6f nF/cm^2: |C_eq(10 suns)/C_eq(dark) - 1| = %.3e\n",
           dark.curves[0].C_eq * 1e5, rel);
    idr_vcheck_true(&vc, "light changes C_eq by > 1e-4", rel > 1e-4);
    idr_tid_result_free(&dark);
  }
  idr_tid_result_free(&lit);
  return idr_vcase_end(&vc);
}

/*
 * V21: the TID scan's charge-scale density tolerance changes neither C(t)
 * nor the extraction.
 *
 * Law: the small-signal capacitance is set by the space charge of dopants
 * and mobile ions, so carrier and ion densities far below the smallest of
 * those charge densities do not enter C. With protocol.density_atol =
 * charge (the default) every density carries the absolute tolerance
 * rtol x min(|N_D - N_A|, N_ion) (1e10 cm^-3 for the example deck) instead
 * of solver.atol_density_cm3 (1e3 cm^-3; density_atol = solver, the full
 * treatment), which spares the BDF steps spent tracking ~1e5 cm^-3 minority
 * densities to 1e3 cm^-3 (docs/status.md, speed).
 * Devices: the example deck (examples/fapbi3_pin.yaml: anion, N_ion = 1e16,
 * N_A = 1e17 cm^-3) and the V15-like cation stack (N_ion = 1e15 cm^-3,
 * contacts 1e20 cm^-3), both with the reference TID protocol (11
 * temperatures 300..200 K, +1 V for 5 s, C at 10 kHz on 71 times 1e-6..10 s).
 * Tolerances: every C(t) within 1e-6 of C of the full treatment (the ionic
 * Delta C is 1e-3..1e-2 of C), the extracted Ea within 0.5 meV, N_ion within
 * 1e-4 relative.
 */
#include "harness.h"
#include "idr_analysis.h"
#include "idr_protocols.h"
#include "vdevice.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define V21_C_REL_TOL 1e-6
#define V21_EA_TOL_EV 0.5e-3
#define V21_NION_REL_TOL 1e-4

static int scan_extract(const idr_deck *d, idr_tid_result *tr, idr_tid_extraction *x,
                        idr_error *err) {
  idr_mesh *m = NULL;
  idr_sim_opts so = idr_sim_opts_from_deck(d);
  if (idr_mesh_build(d, &m, err)) return 1;
  int rc = idr_run_tid(d, m, &so, NULL, NULL, tr, err) != IDR_OK;
  idr_mesh_free(&m);
  if (rc) return 1;
  idr_tid_extract_options o;
  idr_tid_extract_options_default(&o);
  o.N_A_cm3 = d->layers[1].N_A_cm3;
  o.eps_r = d->layers[1].mat.eps_r;
  idr_transient_data cd[IDR_MAX_TEMPS];
  for (int j = 0; j < tr->n_T; j++) {
    cd[j].T_K = tr->curves[j].T_K;
    cd[j].n = (size_t)tr->curves[j].n;
    cd[j].t_s = tr->curves[j].t;
    cd[j].C = tr->curves[j].C;
    cd[j].sigma = NULL;
  }
  if (idr_tid_extract(cd, (size_t)tr->n_T, &o, x, err) != IDR_OK) {
    idr_tid_result_free(tr);
    return 1;
  }
  return 0;
}

static void compare(idr_vcase *vc, const char *label, idr_deck *d) {
  idr_error err;
  idr_error_clear(&err);
  idr_tid_result tc, ts;
  idr_tid_extraction xc, xs;
  d->protocol.threads = 1;
  d->protocol.density_atol = IDR_TID_ATOL_CHARGE;
  if (scan_extract(d, &tc, &xc, &err)) {
    printf("  %s: %s\n", label, err.msg);
    idr_vcheck_true(vc, "scan with density_atol = charge", 0);
    return;
  }
  d->protocol.density_atol = IDR_TID_ATOL_SOLVER;
  if (scan_extract(d, &ts, &xs, &err)) {
    printf("  %s: %s\n", label, err.msg);
    idr_vcheck_true(vc, "scan with density_atol = solver", 0);
    idr_tid_result_free(&tc);
    idr_tid_extraction_free(&xc);
    return;
  }
  double worst = 0.0, wall_c = 0.0, wall_s = 0.0;
  long steps_c = 0, steps_s = 0;
  for (int j = 0; j < tc.n_T; j++) {
    for (int k = 0; k < tc.curves[j].n; k++)
      worst = fmax(worst, fabs(tc.curves[j].C[k] / ts.curves[j].C[k] - 1.0));
    worst = fmax(worst, fabs(tc.curves[j].C_eq / ts.curves[j].C_eq - 1.0));
    steps_c += tc.curves[j].stats.steps;
    steps_s += ts.curves[j].stats.steps;
    wall_c += tc.curves[j].wall_s;
    wall_s += ts.curves[j].wall_s;
  }
  const idr_tid_species *sc = &xc.species[0], *ss = &xs.species[0];
  printf("  %s: IDA steps %ld (charge) vs %ld (solver), %.2f s vs %.2f s\n", label, steps_c,
         steps_s, wall_c, wall_s);
  printf("  %s: Ea %.6f vs %.6f eV (regression %.6f vs %.6f), N_ion %.6e vs %.6e cm^-3\n", label,
         sc->Ea_eV, ss->Ea_eV, sc->Ea_regression_eV, ss->Ea_regression_eV, sc->N_ion_cm3,
         ss->N_ion_cm3);
  char what[160];
  snprintf(what, sizeof what, "%s: max |C(charge)/C(solver) - 1| over C_eq and C(t)", label);
  idr_vcheck_le(vc, what, worst, V21_C_REL_TOL);
  snprintf(what, sizeof what, "%s: Ea (global fit) [eV]", label);
  idr_vcheck_abs(vc, what, sc->Ea_eV, ss->Ea_eV, V21_EA_TOL_EV);
  snprintf(what, sizeof what, "%s: Ea (Arrhenius regression) [eV]", label);
  idr_vcheck_abs(vc, what, sc->Ea_regression_eV, ss->Ea_regression_eV, V21_EA_TOL_EV);
  snprintf(what, sizeof what, "%s: N_ion [cm^-3]", label);
  idr_vcheck_rel(vc, what, sc->N_ion_cm3, ss->N_ion_cm3, V21_NION_REL_TOL);
  idr_tid_result_free(&tc);
  idr_tid_result_free(&ts);
  idr_tid_extraction_free(&xc);
  idr_tid_extraction_free(&xs);
}

int main(void) {
  gsl_set_error_handler_off();
  idr_vcase vc;
  idr_vcase_begin(&vc, "V21 tid density tolerance",
                  "the charge-scale density tolerance leaves C(t), Ea and N_ion unchanged");
  idr_error err;
  idr_error_clear(&err);
  static const char *const sets[] = {"protocol={type: tid}"};
  idr_deck ex;
  if (idr_deck_load(IDR_SOURCE_DIR "/examples/fapbi3_pin.yaml", sets, 1, IDR_MATERIALS_DIR, &ex,
                    &err) != IDR_OK) {
    printf("  %s\n", err.msg);
    idr_vcheck_true(&vc, "example deck loads", 0);
  } else {
    compare(&vc, "example deck (anion)", &ex);
    idr_deck_free(&ex);
  }
  idr_deck d;
  idr_vdeck_pin(&d, 300, 1e17, 1e15);
  d.layers[0].N_A_cm3 = 1e20;
  d.layers[2].N_D_cm3 = 1e20;
  d.ions[0].z = +1;
  idr_vdeck_tid(&d, 1);
  compare(&vc, "V15-like cation stack", &d);
  return idr_vcase_end(&vc);
}

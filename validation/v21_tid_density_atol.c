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
 * N_A = 1e17 cm^-3), the V15-like cation stack (N_ion = 1e15 cm^-3,
 * contacts 1e20 cm^-3) and that stack with a dynamic trap level (3e14
 * cm^-3, the smallest charge density there), all with the reference TID
 * protocol (11
 * temperatures 300..200 K, +1 V for 5 s, C at 10 kHz on 71 times 1e-6..10 s).
 * Tolerances: every C(t) within 1e-6 of C of the full treatment (the ionic
 * Delta C is 1e-3..1e-2 of C), the extracted Ea within 0.02 meV, N_ion within
 * 2e-5 relative (a setting that changes nothing measurable; measured
 * within 2 ueV and 2e-6).
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
#define V21_EA_TOL_EV 2e-5
#define V21_NION_REL_TOL 2e-5

static void compare(idr_vcase *vc, const char *label, idr_deck *d) {
  static const idr_v_tid_tols tol = {V21_C_REL_TOL, V21_EA_TOL_EV, V21_NION_REL_TOL};
  idr_tid_spec_edit(d)->threads = 1;
  idr_deck a = *d, b = *d; /* shallow copies: only d is freed */
  idr_tid_spec_edit(&a)->density_atol = IDR_TID_ATOL_CHARGE;
  idr_tid_spec_edit(&b)->density_atol = IDR_TID_ATOL_SOLVER;
  idr_v_tid_compare(vc, label, &a, "charge", &b, "solver", &tol);
}

int main(void) {
  gsl_set_error_handler_off();
  idr_vcase vc;
  idr_vcase_begin(&vc, "V21 tid density tolerance",
                  "the charge-scale density tolerance leaves C(t), Ea and N_ion unchanged");
  idr_deck d;
  idr_v_standard_tid_devices(&vc, compare, &d);
  /* the same stack with a dynamic trap level in the absorber (acceptor-like,
   * 0.55 eV below Ec, 3e14 cm^-3 < N_ion: it sets the charge scale of the
   * tolerance; capture 1e-8 cm^3/s, emission within the TID window) */
  idr_vdeck_trap(&d, "deep", 1, 1, 0.55, 3e14, 1e-8, 1e-8);
  compare(&vc, "cation stack + trap level", &d);
  return idr_vcase_end(&vc);
}

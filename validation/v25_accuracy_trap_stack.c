/*
 * V25: accuracy at the default settings, three-layer stack with a deep
 * acceptor level whose emission carries the relaxation current.
 *
 * Law (convergence): the transient at the defaults (400 nodes on the graded
 * mesh, h_min 0.05 nm, rtol 1e-6) equals the converged solution of the same
 * model within 1 %; the reference is rtol 1e-10 on twice the nodes (measured
 * against 3200 nodes: docs/accuracy.md). Before the terminal current was read
 * away from the large flux terms and interpolated outputs polished, J was up
 * to 46x off at 1 s on this stack (sign and size; a floor of ~1e-6 A/m^2
 * against 5e-6 A/m^2 of relaxation current).
 * Device (the stack): examples/fapbi3_pin.yaml with 50 nm transport
 * layers (HTL PTAA N_A 1e18, ETL C60 N_D 1e18), perovskite 500 nm (N_A
 * 1e17), mobile anions 1e15 cm^-3, an acceptor level 0.8 eV below Ec,
 * 1e15 cm^-3, c_n = c_p = 1e-6 cm^3/s (hole emission e_p ~ 1.2 /s: the
 * current between 0.2 and 1.5 s after the step is carried by it); +1 V for
 * 5 s, back to 0 V for 10 s, 60 log samples per segment, C at 10 kHz.
 * The same stack with an undoped absorber (N_A 0): the field spreads over
 * the whole absorber, the hardest stack measured (docs/accuracy.md).
 * Tolerances (the issue's, as written): J within 1 % at every sample where
 * |J| > 1e-3 of its peak in the segment, also next to a sign change of J,
 * C within 1 % (measured 0.16 % and 0.03 %; undoped: 0.36 % and 0.009 %;
 * on the mesh graded from 0.05 nm at every edge, before docs/accuracy.md
 * item 5: 0.34 %, 0.88 %). At 120 samples per segment the undoped stack
 * misses at one sample next to a zero crossing (3.2 %, docs/accuracy.md,
 * known limits); this case runs the deck's 60.
 */
#include "harness.h"
#include "vaccuracy.h"

#include <stdio.h>

#ifndef IDR_SOURCE_DIR
#define IDR_SOURCE_DIR "."
#endif
#ifndef IDR_MATERIALS_DIR
#define IDR_MATERIALS_DIR NULL
#endif

/* The deck with the stack; extra: one more --set (NULL: none). */
static void one(idr_vcase *vc, const char *label, const char *extra) {
  const char *sets[6] = {
      "layers[0].thickness_nm=50",
      "layers[2].thickness_nm=50",
      "ions[0].density_cm3=1e15",
      "traps=[{name: deep, layer: perovskite, type: acceptor, E_from_Ec_eV: 0.8, "
      "density_cm3: 1e15, c_n_cm3_s: 1e-6, c_p_cm3_s: 1e-6}]",
      "protocol.capacitance_f_Hz=1e4",
      extra};
  int n_sets = extra ? 6 : 5;
  idr_deck d;
  idr_error err;
  idr_error_clear(&err);
  if (!idr_vcheck_true(vc, "deck loads",
                       idr_deck_load(IDR_SOURCE_DIR "/examples/fapbi3_pin.yaml", sets, n_sets,
                                     IDR_MATERIALS_DIR, &d, &err) == IDR_OK)) {
    printf("  %s\n", err.msg);
    return;
  }
  idr_v_acc_tols tol = idr_v_acc_default_tols();
  idr_v_accuracy_waveform(vc, label, &d, &tol);
  idr_deck_free(&d);
}

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V25 accuracy, deep-trap stack",
                  "J(t), C(t) at the defaults within 1 % of rtol 1e-10 on twice the nodes");
  one(&vc, "deep-trap stack", NULL);
  one(&vc, "deep-trap stack, undoped absorber", "layers[1].N_A_cm3=0");
  return idr_vcase_end(&vc);
}

/*
 * V27: accuracy at the default settings, a stack with a dynamic Gaussian
 * trap band.
 *
 * Law (convergence): as V25. Device: examples/fapbi3_pin.yaml with 50 nm
 * transport layers, perovskite N_A 1e16 cm^-3, mobile anions 1e15 cm^-3 and
 * an acceptor band of 1e16 cm^-3 centred 0.55 eV below Ec, sigma 0.05 eV,
 * 5 levels (0.425..0.675 eV: electron emission 1.6e3..0.1 /s), c_n = c_p =
 * 1e-8 cm^3/s. Without the band the current after 0.04 s is zero within
 * 1e-16 A/m^2; with it, emission carries 4e-5..2e-8 A/m^2 out to 4 s. +1 V
 * for 5 s, 0 V for 10 s, C at 10 kHz. The reference is rtol 1e-10 on twice
 * the nodes. Tolerances (the issue's, as written): J within 1 % at every
 * sample where |J| > 1e-3 of its peak, C within 1 %. J changes sign five
 * times after the step; the worst sample is next to a crossing, 0.86 ms
 * where |J| = 2.1e-3 of the peak: measured 0.70 % there (1.6 % on the mesh
 * graded from 0.05 nm at every edge, before docs/accuracy.md item 5), C
 * 0.008 %.
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

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V27 accuracy, Gaussian trap band",
                  "J(t), C(t) at the defaults within 1 % of rtol 1e-10 on twice the nodes");
  static const char *const sets[] = {
      "layers[0].thickness_nm=50",
      "layers[2].thickness_nm=50",
      "layers[1].N_A_cm3=1e16",
      "ions[0].density_cm3=1e15",
      "traps=[{name: band, layer: perovskite, type: acceptor, E_from_Ec_eV: 0.55, "
      "sigma_E_eV: 0.05, levels: 5, density_cm3: 1e16, c_n_cm3_s: 1e-8, c_p_cm3_s: 1e-8}]",
      "protocol.capacitance_f_Hz=1e4"};
  idr_deck d;
  idr_error err;
  idr_error_clear(&err);
  if (!idr_vcheck_true(&vc, "deck loads",
                       idr_deck_load(IDR_SOURCE_DIR "/examples/fapbi3_pin.yaml", sets,
                                     (int)(sizeof sets / sizeof sets[0]), IDR_MATERIALS_DIR, &d,
                                     &err) == IDR_OK)) {
    printf("  %s\n", err.msg);
    return idr_vcase_end(&vc);
  }
  idr_v_acc_tols tol = idr_v_acc_default_tols();
  idr_v_accuracy_waveform(&vc, "Gaussian band stack", &d, &tol);
  idr_deck_free(&d);
  return idr_vcase_end(&vc);
}

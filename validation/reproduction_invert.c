/*
 * V18: the inversion of the reproduction is reproducible. A fresh
 * `iondrift reproduce xiang2026 --invert --samples x0.025` (the fixture
 * app.reproduce_invert; argv[1] is its reproduce.csv) must
 *   - reach the study's stated TID value: extracted Ea(x = 0.025) = 0.074 eV
 *     within 0.5 meV (the inversion stops at 0.2 meV);
 *   - land on the true Ea stored in the composition table
 *     (materials/data/composition/FAPbI3-Br.yaml, Ea_halide_eV at x = 0.025)
 *     within 0.5 meV (the table rounds to 0.1 meV).
 * If the physics or the extraction changes, the stored barriers no longer
 * reproduce the study and this case fails: rerun the inversion
 * (docs/validation_tid.md) and update the table.
 */
#include "harness.h"
#include "repro_csv.h"
#include "idr_materials.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#ifndef IDR_MATERIALS_DIR
#define IDR_MATERIALS_DIR NULL
#endif

int main(int argc, char **argv) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V18 reproduction inversion", "true Ea from the study's TID value");
  if (argc < 2) {
    printf("usage: %s reproduce.csv\n", argv[0]);
    return 2;
  }
  idr_repro_row r;
  int rows = idr_repro_csv_read(argv[1], &r, 1);
  if (rows < 0) {
    printf("cannot read %s\n", argv[1]);
    return 2;
  }
  if (!idr_vcheck_true(&vc, "reproduce.csv has the one sample x0.025",
                       rows == 1 && strcmp(r.sample, "x0.025") == 0))
    return idr_vcase_end(&vc);
  idr_composition c;
  idr_error e;
  idr_error_clear(&e);
  if (!idr_vcheck_true(&vc, "composition FAPbI3-Br at x = 0.025 loads",
                       idr_composition_eval("FAPbI3-Br", 0.025, IDR_MATERIALS_DIR, &c, &e) ==
                           IDR_OK))
    return idr_vcase_end(&vc);
  idr_vcheck_abs(&vc, "extracted Ea [eV] vs the study's TID value", r.Ea_x, c.Ea_halide_TID_eV,
                 5e-4);
  idr_vcheck_abs(&vc, "inverted true Ea [eV] vs the table's Ea_halide_eV", r.Ea_true,
                 c.Ea_halide_eV, 5e-4);
  idr_vcheck_true(&vc, "read as an anion", strcmp(r.species, "anion") == 0);
  return idr_vcase_end(&vc);
}

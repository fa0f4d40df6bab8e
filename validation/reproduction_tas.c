/*
 * V43: the TAS panel of the reproduction of Xiang et al. 2026 (Fig. 3c, d),
 * read from the reproduce.csv of the app test app.reproduce_xiang2026.
 *
 * Law (the study's trends, by the route the experiment takes: the C-f-T map
 * of each composition -> Walter's tDOS -> Gaussian bands): the apparent
 * density of trap band II is highest at x = 0.025 among the FAPb(I1-xBrx)3
 * samples, that of band III lowest at x = 0.05. Band II is bound to the
 * halide interstitial (examples/xiang2026_tas.yaml): its density is the
 * composition's halide density, not a band II column, so its trend is the
 * model's prediction from the ion density; band III's comes from the
 * composition table. Both bands are found for every sample.
 */
#include "harness.h"
#include "repro_csv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_ROWS 16

int main(int argc, char **argv) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V43 reproduction TAS",
                  "trap band II highest at x = 0.025, band III lowest at x = 0.05");
  idr_repro_row rows[MAX_ROWS];
  int n = argc > 1 ? idr_repro_csv_read(argv[1], rows, MAX_ROWS) : -1;
  if (!idr_vcheck_true(&vc, "reproduce.csv read (8 samples)", n == 8)) return idr_vcase_end(&vc);
  int i2 = -1, i3 = -1, found = 1;
  for (int k = 0; k < n; k++) {
    const idr_repro_row *r = &rows[k];
    printf("  %-7s x %.3f: band II %.3g (deck %.3g), band III %.3g (deck %.3g) cm^-3\n", r->sample,
           r->x, r->N_II_TAS, r->N_II_true, r->N_III_TAS, r->N_III_true);
    found &= r->N_II_TAS > 0 && r->N_III_TAS > 0;
    if (strcmp(r->sample, "FAI") == 0) continue;
    if (i2 < 0 || r->N_II_TAS > rows[i2].N_II_TAS) i2 = k;
    if (i3 < 0 || r->N_III_TAS < rows[i3].N_III_TAS) i3 = k;
  }
  idr_vcheck_true(&vc, "both bands found in every sample's tDOS", found);
  idr_vcheck_abs(&vc, "x of the highest apparent band II density", i2 >= 0 ? rows[i2].x : NAN,
                 0.025, 1e-9);
  idr_vcheck_abs(&vc, "x of the lowest apparent band III density", i3 >= 0 ? rows[i3].x : NAN, 0.05,
                 1e-9);
  return idr_vcase_end(&vc);
}

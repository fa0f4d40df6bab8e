/* Reader of reproduce.csv for V17 and V18 (see repro_csv.h). */
#include "repro_csv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The k-th comma-separated field of line (0-based) as a number; NAN when
 * absent or not a number ("nan" reads as NAN). */
static double field(const char *line, int k) {
  for (; k > 0 && line; k--) {
    line = strchr(line, ',');
    if (line) line++;
  }
  if (!line) return NAN;
  char *end = NULL;
  double v = strtod(line, &end);
  return end == line ? NAN : v;
}

int idr_repro_csv_read(const char *path, idr_repro_row *rows, int max) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[512];
  int n = 0;
  if (!fgets(line, sizeof line, f)) n = -1;
  while (n >= 0 && n < max && fgets(line, sizeof line, f)) {
    idr_repro_row *r = &rows[n];
    if (sscanf(line, "%31[^,],%lf,%d,%15[^,],%lf,%lf,%lf,%lf,%lf", r->sample, &r->x,
               &r->illuminated, r->species, &r->Ea_true, &r->Ea_x, &r->Ea_err, &r->N_true,
               &r->N_x) == 9) {
      r->N_II_true = field(line, 11);
      r->N_II_TAS = field(line, 12);
      r->N_III_true = field(line, 13);
      r->N_III_TAS = field(line, 14);
      n++;
    }
  }
  fclose(f);
  return n;
}

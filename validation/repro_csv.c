/* Reader of reproduce.csv for V17 and V18 (see repro_csv.h). */
#include "repro_csv.h"

#include <stdio.h>

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
               &r->N_x) == 9)
      n++;
  }
  fclose(f);
  return n;
}

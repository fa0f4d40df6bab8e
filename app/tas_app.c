/*
 * iondrift app: the summary of a TAS run, printed from the result's group
 * `tas` (the scan, the analysis and the true trap levels; docs/outputs.md,
 * docs/tas.md).
 */
#include "app.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *attr_text(const idr_result *r, const char *obj, const char *name) {
  const char *s = "?";
  idr_result_attr_string(r, obj, name, &s, NULL);
  return s;
}

/* The levels and bands of tas/extraction (absent: the reason). */
static void print_analysis(const idr_result *r) {
  idr_dataset d;
  if (idr_result_dataset(r, "tas/extraction/T", &d, NULL) != IDR_OK) {
    printf("  analysis      failed: %s\n", attr_text(r, "tas", "extraction_error"));
    return;
  }
  const double nl = idr_app_attr(r, "tas/extraction", "n_levels");
  const double nb = idr_app_attr(r, "tas/extraction", "n_bands");
  printf("  analysis      %.0f level(s), ln(w0/T^2) = ln(2 xi0) - E/kT; Walter's tDOS with "
         "V_bi %.4g V, %.0f band(s)\n",
         nl, idr_app_attr(r, "tas/extraction", "V_bi_V"), nb);
  for (int k = 0; k < (int)nl; k++) {
    char g[64];
    snprintf(g, sizeof g, "tas/extraction/level_%d", k);
    printf("    level %d     E = %.4f +- %.2g eV, xi0 = %.3g s^-1 K^-2, %.0f temperatures", k,
           idr_app_attr(r, g, "E_eV"), idr_app_attr(r, g, "E_err_eV"),
           idr_app_attr(r, g, "xi_s_K2"), idr_app_attr(r, g, "n_T"));
    if (isfinite(idr_app_attr(r, g, "N_cm3")))
      printf(", N = %.4g cm^-3 (step)", idr_app_attr(r, g, "N_cm3"));
    printf("\n");
  }
  for (int k = 0; k < (int)nb; k++) {
    char g[64];
    snprintf(g, sizeof g, "tas/extraction/band_%d", k);
    printf("    band %d      E0 = %.4f eV, sigma = %.4f eV, N = %.4g cm^-3 (Walter)\n", k,
           idr_app_attr(r, g, "E_eV"), idr_app_attr(r, g, "sigma_eV"), idr_app_attr(r, g, "N_cm3"));
  }
}

static void print_truth(const idr_result *r) {
  static const char PREFIX[] = "tas/true/";
  for (size_t i = 0; i < idr_result_count(r); i++) {
    idr_dataset e;
    if (idr_result_entry(r, i, &e, NULL) != IDR_OK || e.is_dataset ||
        strncmp(e.name, PREFIX, sizeof PREFIX - 1) != 0 || strchr(e.name + sizeof PREFIX - 1, '/'))
      continue;
    const char *place = attr_text(r, e.name, "placement");
    printf("    true    %-8s %s, E_v + %.4f eV (E_c - %.4f eV), ", e.name + sizeof PREFIX - 1,
           attr_text(r, e.name, "type"), idr_app_attr(r, e.name, "E_from_Ev_eV"),
           idr_app_attr(r, e.name, "E_from_Ec_eV"));
    if (strcmp(place, "interface") == 0)
      printf("sheet %.4g cm^-2", idr_app_attr(r, e.name, "sheet_density_cm2"));
    else
      printf("%.4g cm^-3", idr_app_attr(r, e.name, "density_cm3"));
    if (idr_app_attr(r, e.name, "sigma_E_eV") > 0)
      printf(", sigma %.4g eV", idr_app_attr(r, e.name, "sigma_E_eV"));
    printf(" (%s)\n", place);
  }
}

void idr_app_print_tas(const idr_result *r) {
  size_t nT = 0, nf = 0;
  const double *T = idr_app_data(r, "tas/T", &nT), *f = idr_app_data(r, "tas/f", &nf);
  if (nT == 0 || nf == 0) return;
  printf("  TAS scan      %zu temperatures %g .. %g K, %zu frequencies %g .. %g Hz at %g V, "
         "%.3f s wall (%.0f threads)\n",
         nT, T[0], T[nT - 1], nf, f[0], f[nf - 1], idr_app_attr(r, "tas", "V_V"),
         idr_app_attr(r, "tas", "scan_wall_time_s"), idr_app_attr(r, "tas", "threads"));
  print_analysis(r);
  print_truth(r);
}

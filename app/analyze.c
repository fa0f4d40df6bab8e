/*
 * iondrift app: analysis commands on measured or simulated curves.
 *
 *   iondrift mott-schottky CV.csv --area-cm2 A --eps-r E [--range VLO:VHI]
 *                          [--T-K T] [--no-kT] [--json]
 *
 * The library (idr_mott_schottky_file) reads the voltage and capacitance
 * columns of a C-V table (any separator and column order, units from the
 * header or the options; the C-V CSV of `iondrift run` gives capacitance_F
 * for 1 cm^2) and fits the one-sided abrupt-junction law (docs/analysis.md)
 *
 *   1/C^2 = 2 (V_bi - V - kT/q) / (q eps0 eps_r A^2 N)
 *
 * by linear regression of 1/C^2 on V over [VLO, VHI]. Here: the options,
 * and N [cm^-3] and V_bi [V] with their standard errors printed from the
 * result's group mott_schottky/ as a table, or as one JSON object.
 * Exit codes as in main.c: 2 for bad options, an unreadable or malformed
 * CSV, or data the fit rejects; 1 only for running out of memory.
 */
#include "app.h"
#include "app_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE_MS[] =
    "Usage: iondrift mott-schottky CV.csv --area-cm2 A --eps-r E [--range VLO:VHI]\n"
    "                              [--T-K T] [--no-kT] [data options] [--json]\n"
    "\n"
    "Fit the Mott-Schottky law of a one-sided abrupt junction,\n"
    "  1/C^2 = 2 (V_bi - V - kT/q) / (q eps0 eps_r A^2 N),\n"
    "to a C-V table by linear regression of 1/C^2 on V, and print the doping\n"
    "density N and the built-in voltage V_bi with their standard errors.\n"
    "\n"
    "CV.csv needs a voltage and a capacitance column (of the device of area A) in\n"
    "any order: voltage_V and capacitance_F, or headers such as 'Bias (mV)' and\n"
    "'Cp (nF)' whose unit is converted (docs/data.md); separator ',', ';' or tab,\n"
    "'#' comments; other columns are ignored. The C-V CSV of 'iondrift run'\n"
    "(protocol cv, <stem>_cv.csv) qualifies: its capacitance_F is for 1 cm^2, so\n"
    "use --area-cm2 1. A density outside 1e12..1e21 cm^-3 is warned about (a\n"
    "capacitance in nF read as F).\n"
    "\n"
    "Options:\n"
    "  --area-cm2 A     device area [cm^2], > 0 (required)\n"
    "  --eps-r E        relative permittivity of the depleted layer, > 0 (required)\n"
    "  --range VLO:VHI  fit only the points with VLO <= V <= VHI [V]; VLO < VHI;\n"
    "                   an empty side is unbounded (':0.3'). Default: all points\n"
    "  --T-K T          temperature for the kT/q term [K], > 0 (default 300)\n"
    "  --no-kT          V_bi is the intercept itself (no kT/q added)\n"
    "  --json           print one JSON object instead of the table:\n"
    "                   {\"N_cm3\", \"N_err_cm3\", \"V_bi_V\", \"V_bi_err_V\", \"points\",\n"
    "                   \"r2\", \"polarity\", \"kT_included\"} (null for an error that\n"
    "                   cannot be estimated: exactly 2 points)\n"
    "  -h, --help       show this help\n"
    "Data options:\n"
    "  --columns Q=HEADER[,Q=HEADER...]\n"
    "                   which column holds quantity Q (voltage_V, capacitance_F), by\n"
    "                   its header text or #N (N-th field)\n"
    "  --volt-unit U    unit of the voltage column: V (default), mV\n"
    "  --cap-unit U     unit of the capacitance column: F (default), mF, uF, nF, pF,\n"
    "                   fF (a unit in the header, 'Cp (nF)', is read without it)\n"
    "  --skip-lines N   ignore the first N lines (an instrument preamble)\n"
    "\n"
    "Polarity +1: 1/C^2 falls as V rises (forward bias narrows the depletion\n"
    "region); -1: it rises, and the mirrored law with +V is used.\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  out of memory\n"
    "  2  bad options, a CSV that cannot be read or has a malformed row\n"
    "     (file:LINE: ...), fewer than 2 points in range or a C <= 0 in range\n";

const char *idr_app_mott_schottky_usage(void);
int idr_app_mott_schottky(int argc, char **argv);

const char *idr_app_mott_schottky_usage(void) {
  return USAGE_MS;
}

#define MS "mott_schottky"

static void print_json(const idr_result *r) {
  putchar('{');
  idr_app_json_number("N_cm3", idr_app_attr(r, MS, "N_cm3"), 0);
  idr_app_json_number("N_err_cm3", idr_app_attr(r, MS, "N_err_cm3"), 0);
  idr_app_json_number("V_bi_V", idr_app_attr(r, MS, "V_bi_V"), 0);
  idr_app_json_number("V_bi_err_V", idr_app_attr(r, MS, "V_bi_err_V"), 0);
  printf("\"points\":%zu,", (size_t)idr_app_attr(r, MS, "points"));
  idr_app_json_number("r2", idr_app_attr(r, MS, "r2"), 0);
  printf("\"polarity\":%d,\"kT_included\":%s}\n", (int)idr_app_attr(r, MS, "polarity"),
         idr_app_attr(r, MS, "kT_included") != 0.0 ? "true" : "false");
}

/* " +/- err unit" (two significant digits), or a note when there is none
 * (a fit of exactly 2 points has no residual). */
static void print_err(double v, const char *unit, size_t points) {
  if (isfinite(v)) {
    printf(" +/- %.2g %s\n", v, unit);
  } else {
    printf(" %s (no error estimate from %zu points)\n", unit, points);
  }
}

static void print_table(const char *path, const idr_result *r) {
  size_t n_rows = 0;
  idr_app_data(r, MS "/V", &n_rows);
  const double V_lo = idr_app_attr(r, MS, "V_lo_V"), V_hi = idr_app_attr(r, MS, "V_hi_V");
  const int kT = idr_app_attr(r, MS, "kT_included") != 0.0;
  const int polarity = (int)idr_app_attr(r, MS, "polarity");
  printf("Mott-Schottky fit of %s\n", path);
  printf("  data          %s\n", idr_app_attr_string(r, "/", "input_read"));
  printf("  area          %g cm^2, eps_r %g, T %g K\n", idr_app_attr(r, MS, "area_cm2"),
         idr_app_attr(r, MS, "eps_r"), idr_app_attr(r, MS, "T_K"));
  printf("  N             %.6g", idr_app_attr(r, MS, "N_cm3"));
  const size_t points = (size_t)idr_app_attr(r, MS, "points");
  print_err(idr_app_attr(r, MS, "N_err_cm3"), "cm^-3", points);
  printf("  V_bi          %.6g", idr_app_attr(r, MS, "V_bi_V"));
  print_err(idr_app_attr(r, MS, "V_bi_err_V"), kT ? "V (kT/q included)" : "V (intercept, no kT/q)",
            points);
  printf("  slope         %.6g F^-2 V^-1 (d(1/C^2)/dV)\n", idr_app_attr(r, MS, "slope_F-2_V-1"));
  printf("  points        %zu of %zu", points, n_rows);
  if (isfinite(V_lo) || isfinite(V_hi))
    printf(" in [%g, %g] V\n", V_lo, V_hi);
  else
    printf(" (all)\n");
  printf("  R^2           %.6f\n", idr_app_attr(r, MS, "r2"));
  printf("  polarity      %+d (%s)\n", polarity,
         polarity > 0 ? "1/C^2 falls with V" : "1/C^2 rises with V: mirrored law, +V");
}

int idr_app_mott_schottky(int argc, char **argv) {
  idr_ms_options o;
  idr_ms_options_default(&o);
  o.on_warning = idr_app_warning;
  const char *path = NULL;
  int json = 0, only_args = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (only_args || a[0] != '-' || a[1] == '\0') {
      if (path)
        return idr_app_usage_error("mott-schottky", "unexpected argument '%s' (one CSV file)", a);
      path = a;
    } else if (strcmp(a, "--") == 0) {
      only_args = 1;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(USAGE_MS, stdout);
      return IDR_EXIT_OK;
    } else if (strcmp(a, "--json") == 0) {
      json = 1;
    } else if (strcmp(a, "--no-kT") == 0) {
      o.include_kT = 0;
    } else if (idr_app_is_opt(a, "--area-cm2")) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--area-cm2");
      if (!idr_app_parse_number(v, &o.area_cm2) || !(o.area_cm2 > 0.0))
        return idr_app_usage_error("mott-schottky", "--area-cm2 needs a number > 0 (got '%s')",
                                   v ? v : "");
    } else if (idr_app_is_opt(a, "--eps-r")) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--eps-r");
      if (!idr_app_parse_number(v, &o.eps_r) || !(o.eps_r > 0.0))
        return idr_app_usage_error("mott-schottky", "--eps-r needs a number > 0 (got '%s')",
                                   v ? v : "");
    } else if (idr_app_is_opt(a, "--T-K")) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--T-K");
      if (!idr_app_parse_number(v, &o.T_K) || !(o.T_K > 0.0))
        return idr_app_usage_error("mott-schottky", "--T-K needs a temperature > 0 K (got '%s')",
                                   v ? v : "");
    } else if (idr_app_is_opt(a, "--range")) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--range");
      if (!idr_app_parse_range(v, &o.V_lo, &o.V_hi))
        return idr_app_usage_error("mott-schottky", "--range needs VLO:VHI in V (got '%s')",
                                   v ? v : "");
      if (!(o.V_lo < o.V_hi))
        return idr_app_usage_error("mott-schottky", "--range %s: VLO must be < VHI", v);
    } else {
      int rc = idr_app_data_option("mott-schottky", 0, argc, argv, &i, &o.data);
      if (rc == 0) return idr_app_usage_error("mott-schottky", "unknown option '%s'", a);
      if (rc != 1) return rc;
    }
  }
  if (!path) return idr_app_usage_error("mott-schottky", "missing the C-V CSV file");
  idr_error err;
  idr_error_clear(&err);
  if (idr_ms_options_check(&o, &err)) return idr_app_usage_error("mott-schottky", "%s", err.msg);

  idr_result *r = NULL;
  idr_status st = idr_mott_schottky_file(path, &o, &r, &err);
  if (st) {
    fprintf(stderr, "iondrift: error: %s\n", err.msg[0] ? err.msg : idr_status_str(st));
    return st == IDR_ERR_NOMEM ? IDR_EXIT_RUNTIME : IDR_EXIT_INPUT;
  }
  if (json)
    print_json(r);
  else
    print_table(path, r);
  idr_result_free(&r);
  return IDR_EXIT_OK;
}

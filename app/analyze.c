/*
 * iondrift app: analysis commands on measured or simulated curves.
 *
 *   iondrift mott-schottky CV.csv --area-cm2 A --eps-r E [--range VLO:VHI]
 *                          [--T-K T] [--no-kT] [--json]
 *
 * Reads the voltage and capacitance columns of a C-V table (idr_mdata_read:
 * any separator and column order, units from the header or the options; the
 * C-V CSV of `iondrift run` gives capacitance_F for 1 cm^2) and fits the
 * one-sided abrupt-junction law (idr_mott_schottky_fit, docs/analysis.md)
 *
 *   1/C^2 = 2 (V_bi - V - kT/q) / (q eps0 eps_r A^2 N)
 *
 * by linear regression of 1/C^2 on V over [VLO, VHI]. Prints N [cm^-3] and
 * V_bi [V] with their standard errors as a table, or as one JSON object.
 * Exit codes as in main.c: 2 for bad options, an unreadable or malformed
 * CSV, or data the fit rejects; 1 only for running out of memory.
 */
#include "app.h"
#include "app_data.h"
#include "idr_analysis.h"
#include "idr_io.h"

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

static void print_json(const idr_mott_schottky *r) {
  putchar('{');
  idr_app_json_number("N_cm3", r->N_cm3, 0);
  idr_app_json_number("N_err_cm3", r->N_err_cm3, 0);
  idr_app_json_number("V_bi_V", r->V_bi, 0);
  idr_app_json_number("V_bi_err_V", r->V_bi_err, 0);
  printf("\"points\":%zu,", r->n_used);
  idr_app_json_number("r2", r->r2, 0);
  printf("\"polarity\":%d,\"kT_included\":%s}\n", r->polarity, r->kT_included ? "true" : "false");
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

static void print_table(const char *path, const idr_mott_schottky_options *o,
                        const idr_mott_schottky *r, const idr_mdata *tab) {
  const size_t n_rows = tab->n;
  char how[1024];
  idr_mdata_describe(tab, how, sizeof how);
  printf("Mott-Schottky fit of %s\n", path);
  printf("  data          %s\n", how);
  printf("  area          %g cm^2, eps_r %g, T %g K\n", o->area_cm2, o->eps_r, o->T_K);
  printf("  N             %.6g", r->N_cm3);
  print_err(r->N_err_cm3, "cm^-3", r->n_used);
  printf("  V_bi          %.6g", r->V_bi);
  print_err(r->V_bi_err, r->kT_included ? "V (kT/q included)" : "V (intercept, no kT/q)",
            r->n_used);
  printf("  slope         %.6g F^-2 V^-1 (d(1/C^2)/dV)\n", r->slope);
  printf("  points        %zu of %zu", r->n_used, n_rows);
  if (isfinite(o->V_lo) || isfinite(o->V_hi))
    printf(" in [%g, %g] V\n", o->V_lo, o->V_hi);
  else
    printf(" (all)\n");
  printf("  R^2           %.6f\n", r->r2);
  printf("  polarity      %+d (%s)\n", r->polarity,
         r->polarity > 0 ? "1/C^2 falls with V" : "1/C^2 rises with V: mirrored law, +V");
}

int idr_app_mott_schottky(int argc, char **argv) {
  idr_mott_schottky_options o;
  idr_mott_schottky_options_default(&o);
  const char *path = NULL;
  int json = 0, have_area = 0, have_eps = 0, only_args = 0;
  idr_mdata_options data;
  idr_app_data_defaults(&data);
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
      have_area = 1;
    } else if (idr_app_is_opt(a, "--eps-r")) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--eps-r");
      if (!idr_app_parse_number(v, &o.eps_r) || !(o.eps_r > 0.0))
        return idr_app_usage_error("mott-schottky", "--eps-r needs a number > 0 (got '%s')",
                                   v ? v : "");
      have_eps = 1;
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
      int rc = idr_app_data_option("mott-schottky", 0, argc, argv, &i, &data);
      if (rc == 0) return idr_app_usage_error("mott-schottky", "unknown option '%s'", a);
      if (rc != 1) return rc;
    }
  }
  if (!path) return idr_app_usage_error("mott-schottky", "missing the C-V CSV file");
  if (!have_area)
    return idr_app_usage_error("mott-schottky", "missing --area-cm2 (the device area in cm^2)");
  if (!have_eps)
    return idr_app_usage_error("mott-schottky", "missing --eps-r (the relative permittivity)");

  const idr_mdata_spec spec = {.group = -1, .x = IDR_Q_VOLTAGE, .ny = 1, .y = {IDR_Q_CAPACITANCE}};
  idr_error err;
  idr_error_clear(&err);
  idr_mdata tab;
  idr_status st = idr_mdata_read(path, &spec, &data, &tab, &err);
  idr_mott_schottky r;
  memset(&r, 0, sizeof r);
  if (!st) {
    idr_app_data_warnings(&tab);
    st = idr_mott_schottky_fit(tab.x, tab.y[0], tab.n, &o, &r, &err);
    if (st) idr_error_context(&err, "fitting %s", path);
  }
  const char *why = st ? NULL : idr_mott_schottky_implausible(&r);
  if (why) fprintf(stderr, "iondrift: warning: %s: N = %.3g cm^-3 is %s\n", path, r.N_cm3, why);
  int code = IDR_EXIT_OK;
  if (st) {
    fprintf(stderr, "iondrift: error: %s\n", err.msg[0] ? err.msg : idr_status_str(st));
    code = st == IDR_ERR_NOMEM ? IDR_EXIT_RUNTIME : IDR_EXIT_INPUT;
  } else if (json) {
    print_json(&r);
  } else {
    print_table(path, &o, &r, &tab);
  }
  idr_mdata_free(&tab);
  return code;
}

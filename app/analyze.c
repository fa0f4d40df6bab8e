/*
 * iondrift app: analysis commands on measured or simulated curves.
 *
 *   iondrift mott-schottky CV.csv --area-cm2 A --eps-r E [--range VLO:VHI]
 *                          [--T-K T] [--no-kT] [--json]
 *
 * Reads the columns voltage_V and capacitance_F [F, for the device area A]
 * of a C-V table (idr_csv_read: any column order, extra columns ignored; the
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
#include "idr_analysis.h"
#include "idr_io.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE_MS[] =
    "Usage: iondrift mott-schottky CV.csv --area-cm2 A --eps-r E [--range VLO:VHI]\n"
    "                              [--T-K T] [--no-kT] [--json]\n"
    "\n"
    "Fit the Mott-Schottky law of a one-sided abrupt junction,\n"
    "  1/C^2 = 2 (V_bi - V - kT/q) / (q eps0 eps_r A^2 N),\n"
    "to a C-V table by linear regression of 1/C^2 on V, and print the doping\n"
    "density N and the built-in voltage V_bi with their standard errors.\n"
    "\n"
    "CV.csv needs the columns voltage_V [V] and capacitance_F [F, for the area A]\n"
    "in any order; other columns are ignored, '#' starts a comment. The C-V CSV\n"
    "of 'iondrift run' (protocol cv, <stem>_cv.csv) qualifies: its capacitance_F\n"
    "is for 1 cm^2, so use --area-cm2 1.\n"
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

static const char HINT[] = "iondrift help mott-schottky";

static int ms_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int ms_usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("iondrift: error: mott-schottky: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry '%s'.\n", HINT);
  return IDR_EXIT_INPUT;
}

/* A whole-string finite number. */
static int parse_number(const char *s, double *out) {
  char *end = NULL;
  if (!s || !*s) return 0;
  double v = strtod(s, &end);
  if (end == s || *end != '\0' || !isfinite(v)) return 0;
  *out = v;
  return 1;
}

/* "VLO:VHI"; an empty side is unbounded. */
static int parse_range(const char *s, double *lo, double *hi) {
  const char *colon = s ? strchr(s, ':') : NULL;
  if (!colon || strchr(colon + 1, ':')) return 0;
  char left[64];
  size_t n = (size_t)(colon - s);
  if (n >= sizeof left) return 0;
  memcpy(left, s, n);
  left[n] = '\0';
  *lo = -HUGE_VAL;
  *hi = HUGE_VAL;
  if (n > 0 && !parse_number(left, lo)) return 0;
  if (colon[1] != '\0' && !parse_number(colon + 1, hi)) return 0;
  return 1;
}

/* Value of "--opt X" or "--opt=X"; advances *i; NULL when missing. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt) {
  size_t n = strlen(opt);
  if (strncmp(argv[*i], opt, n) == 0 && argv[*i][n] == '=') return argv[*i] + n + 1;
  if (*i + 1 >= argc) return NULL;
  return argv[++*i];
}

/* Does argv[i] name option opt, as "--opt" or "--opt=..."? */
static int is_opt(const char *a, const char *opt) {
  size_t n = strlen(opt);
  return strncmp(a, opt, n) == 0 && (a[n] == '\0' || a[n] == '=');
}

/* A JSON number, or null when it is not finite. */
static void json_number(const char *key, double v, int last) {
  if (isfinite(v))
    printf("\"%s\":%.10g%s", key, v, last ? "" : ",");
  else
    printf("\"%s\":null%s", key, last ? "" : ",");
}

static void print_json(const idr_mott_schottky *r) {
  putchar('{');
  json_number("N_cm3", r->N_cm3, 0);
  json_number("N_err_cm3", r->N_err_cm3, 0);
  json_number("V_bi_V", r->V_bi, 0);
  json_number("V_bi_err_V", r->V_bi_err, 0);
  printf("\"points\":%zu,", r->n_used);
  json_number("r2", r->r2, 0);
  printf("\"polarity\":%d,\"kT_included\":%s}\n", r->polarity, r->kT_included ? "true" : "false");
}

/* " +/- err unit" (two significant digits), or a note when there is none. */
static void print_err(double v, const char *unit) {
  if (isfinite(v)) {
    printf(" +/- %.2g %s\n", v, unit);
  } else {
    printf(" %s (no error estimate from 2 points)\n", unit);
  }
}

static void print_table(const char *path, const idr_mott_schottky_options *o,
                        const idr_mott_schottky *r, size_t n_rows) {
  printf("Mott-Schottky fit of %s\n", path);
  printf("  area          %g cm^2, eps_r %g, T %g K\n", o->area_cm2, o->eps_r, o->T_K);
  printf("  N             %.6g", r->N_cm3);
  print_err(r->N_err_cm3, "cm^-3");
  printf("  V_bi          %.6g", r->V_bi);
  print_err(r->V_bi_err, r->kT_included ? "V (kT/q included)" : "V (intercept, no kT/q)");
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
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (only_args || a[0] != '-' || a[1] == '\0') {
      if (path) return ms_usage_error("unexpected argument '%s' (one CSV file)", a);
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
    } else if (is_opt(a, "--area-cm2")) {
      const char *v = opt_value(argc, argv, &i, "--area-cm2");
      if (!parse_number(v, &o.area_cm2) || !(o.area_cm2 > 0.0))
        return ms_usage_error("--area-cm2 needs a number > 0 (got '%s')", v ? v : "");
      have_area = 1;
    } else if (is_opt(a, "--eps-r")) {
      const char *v = opt_value(argc, argv, &i, "--eps-r");
      if (!parse_number(v, &o.eps_r) || !(o.eps_r > 0.0))
        return ms_usage_error("--eps-r needs a number > 0 (got '%s')", v ? v : "");
      have_eps = 1;
    } else if (is_opt(a, "--T-K")) {
      const char *v = opt_value(argc, argv, &i, "--T-K");
      if (!parse_number(v, &o.T_K) || !(o.T_K > 0.0))
        return ms_usage_error("--T-K needs a temperature > 0 K (got '%s')", v ? v : "");
    } else if (is_opt(a, "--range")) {
      const char *v = opt_value(argc, argv, &i, "--range");
      if (!parse_range(v, &o.V_lo, &o.V_hi))
        return ms_usage_error("--range needs VLO:VHI in V (got '%s')", v ? v : "");
      if (!(o.V_lo < o.V_hi)) return ms_usage_error("--range %s: VLO must be < VHI", v);
    } else {
      return ms_usage_error("unknown option '%s'", a);
    }
  }
  if (!path) return ms_usage_error("missing the C-V CSV file");
  if (!have_area) return ms_usage_error("missing --area-cm2 (the device area in cm^2)");
  if (!have_eps) return ms_usage_error("missing --eps-r (the relative permittivity)");

  static const char *const names[] = {"voltage_V", "capacitance_F"};
  idr_error err;
  idr_error_clear(&err);
  idr_csv_table tab;
  memset(&tab, 0, sizeof tab);
  idr_status st = idr_csv_read(path, names, 2, &tab, &err);
  idr_mott_schottky r;
  memset(&r, 0, sizeof r);
  if (!st) {
    st = idr_mott_schottky_fit(tab.cols[0], tab.cols[1], tab.nrows, &o, &r, &err);
    if (st) idr_error_context(&err, "fitting %s", path);
  }
  int code = IDR_EXIT_OK;
  if (st) {
    fprintf(stderr, "iondrift: error: %s\n", err.msg[0] ? err.msg : idr_status_str(st));
    code = st == IDR_ERR_NOMEM ? IDR_EXIT_RUNTIME : IDR_EXIT_INPUT;
  } else if (json) {
    print_json(&r);
  } else {
    print_table(path, &o, &r, tab.nrows);
  }
  idr_csv_table_free(&tab);
  return code;
}

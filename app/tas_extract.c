/*
 * iondrift app: `iondrift tas-extract`, the thermal admittance spectroscopy
 * analysis of a C-f-T table (measured, or the CSV of a `tas` run): options
 * into idr_tas_extract_options, the analysis by the API
 * (idr_extract_tas_file: the same code a `tas` run applies), printing of
 * its result as a table or JSON, and the -o file.
 * Exit codes as in main.c: 2 for bad options, unreadable or malformed
 * input; 1 for an I/O failure writing -o and out of memory.
 */
#include "app.h"
#include "app_data.h"
#include "app_out.h"
#include "iondrift.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The temperature at which the attempt-to-escape frequency nu0 = xi0 T^2 is
 * quoted in the JSON ("nu0_s") [K]. */
#define TAS_NU0_T_K 300.0

static const char USAGE_HEAD[] =
    "Usage: iondrift tas-extract DATA.csv --area-cm2 A --eps-r E\n"
    "                            (--vbi V | --cv CV.csv [--cv-range VLO:VHI])\n"
    "                            [--w-nm W] [--bias-V V] [--doping-cm3 N]\n"
    "                            [--band-dos-cm3 N] [--smooth K] [data options]\n"
    "                            [-o OUT.h5] [--json]\n"
    "\n"
    "Thermal admittance spectroscopy: from C(f) at several temperatures, the\n"
    "inflection frequencies w0 of -w dC/dw followed across temperatures as trap\n"
    "levels; per level the Arrhenius law ln(w0/T^2) = ln(2 xi0) - E/kT (energy E and\n"
    "attempt-to-escape prefactor xi0, nu0 = xi0 T^2); Walter's trap density of states\n"
    "N_t(E_w) = -(V_bi/(q W)) (dC/dw)(w/kT), E_w = kT ln(2 xi0 T^2/w), and a Gaussian\n"
    "band (centre, width, density) fitted to each level's tDOS, with standard errors.\n"
    "With the majority doping and band DOS, each level's density from its step\n"
    "(crossing-point corrected, docs/tas.md). The same analysis as a `tas` run.\n"
    "\n"
    "Input:\n"
    "  DATA.csv    rows of temperature, frequency and capacitance (conductance\n"
    "              optional), in any column order: temperature_K, frequency_Hz,\n"
    "              capacitance_F[, conductance_S], or 'Temperature (K)', 'f (kHz)',\n"
    "              'Cp (nF)', ... (docs/data.md); the CSV of a `tas` run is read with\n"
    "              --area-cm2 1\n"
    "\n"
    "Options:\n"
    "  --area-cm2 A        device area [cm^2], > 0 (C in F -> per area), required\n"
    "  --eps-r E           relative permittivity of the depleted layer, > 0, required\n"
    "  --vbi V             built-in voltage for Walter's tDOS [V], > 0, or:\n"
    "  --cv CV.csv         V_bi and the doping N from a Mott-Schottky fit of this C-V\n"
    "                      table; W = sqrt(2 eps (V_bi - V - kT/q)/(q N)) at --bias-V\n"
    "  --cv-range VLO:VHI  the voltage range of that fit [V] (default: all points)\n"
    "  --w-nm W            depletion width [nm] (default: from --cv, else\n"
    "                      eps A/C(f_max) at each temperature)\n"
    "  --bias-V V          the DC bias of the C-f-T data [V] (default 0), for W\n"
    "  --doping-cm3 N      majority doping for the level densities [cm^-3]\n"
    "                      (default: the Mott-Schottky N with --cv)\n"
    "  --band-dos-cm3 N    effective DOS of the majority band at 300 K [cm^-3]\n"
    "                      (~T^1.5), for the level densities (none: not reported)\n"
    "  --smooth K          average C over 2K+1 frequencies before the derivative\n"
    "                      (noisy data; default 0)\n";

static const char USAGE_TAIL[] =
    "  -o, --output OUT.h5 write the data, -w dC/dw, the tDOS, the levels and the bands\n"
    "                      (docs/outputs.md); 'iondrift plot OUT.h5' draws them\n"
    "  --json              print one JSON object instead of the table\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  the output file cannot be written, out of memory\n"
    "  2  bad options, an unreadable or malformed input (file:LINE: ...), fewer than\n"
    "     2 temperatures or 5 frequencies per temperature\n";

typedef struct tas_cmd {
  const char *path, *out_h5;
  int json;
  idr_tas_extract_options o;
} tas_cmd;

void idr_app_tas_extract_usage(FILE *f);
int idr_app_tas_extract(int argc, char **argv);

void idr_app_tas_extract_usage(FILE *f) {
  fputs(USAGE_HEAD, f);
  fputs("Data options (DATA.csv):\n", f);
  fputs(idr_app_data_usage(IDR_APP_DATA_GROUP | IDR_APP_DATA_FREQ), f);
  fputs("Output:\n", f);
  fputs(USAGE_TAIL, f);
}

/* ---- options ------------------------------------------------------------- */

/* A valued option other than the numbers: -o, --cv, --cv-range, --smooth. */
static int valued(tas_cmd *c, const char *name, const char *v) {
  if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0) {
    c->out_h5 = v;
  } else if (strcmp(name, "--cv") == 0) {
    c->o.cv_file = v;
  } else if (strcmp(name, "--cv-range") == 0) {
    if (!idr_app_parse_range(v, &c->o.cv_V_lo, &c->o.cv_V_hi) || !(c->o.cv_V_lo < c->o.cv_V_hi))
      return idr_app_usage_error("tas-extract",
                                 "--cv-range needs VLO:VHI in V, VLO < VHI (got '%s')", v);
  } else {
    double k;
    if (!idr_app_parse_number(v, &k) || k < 0 || k != floor(k) || k > IDR_TAS_SMOOTH_MAX)
      return idr_app_usage_error("tas-extract", "--smooth needs a count in [0, %d] (got '%s')",
                                 IDR_TAS_SMOOTH_MAX, v);
    c->o.smooth = (int)k;
  }
  return 0;
}

/* One option at argv[*i]: 0 done, -1 help shown, else an exit code. */
static int parse_one(int argc, char **argv, int *i, tas_cmd *c) {
  const char *a = argv[*i];
  static const struct {
    const char *name;
    size_t off;
    int any_sign;
  } NUM[] = {{"--area-cm2", offsetof(idr_tas_extract_options, area_cm2), 0},
             {"--eps-r", offsetof(idr_tas_extract_options, eps_r), 0},
             {"--vbi", offsetof(idr_tas_extract_options, vbi_V), 0},
             {"--w-nm", offsetof(idr_tas_extract_options, w_nm), 0},
             {"--bias-V", offsetof(idr_tas_extract_options, bias_V), 1},
             {"--doping-cm3", offsetof(idr_tas_extract_options, doping_cm3), 0},
             {"--band-dos-cm3", offsetof(idr_tas_extract_options, band_dos_cm3), 0}};
  for (size_t k = 0; k < sizeof NUM / sizeof NUM[0]; k++) {
    if (!idr_app_is_opt(a, NUM[k].name)) continue;
    const char *v = idr_app_opt_value(argc, argv, i, NUM[k].name);
    double *out = (double *)((char *)&c->o + NUM[k].off);
    if (!idr_app_parse_number(v, out) || (!NUM[k].any_sign && !(*out > 0.0)))
      return idr_app_usage_error("tas-extract", "%s needs a number%s (got '%s')", NUM[k].name,
                                 NUM[k].any_sign ? "" : " > 0", v ? v : "");
    return 0;
  }
  int rc = idr_app_data_option("tas-extract", IDR_APP_DATA_GROUP | IDR_APP_DATA_FREQ, argc, argv, i,
                               &c->o.data);
  if (rc) return rc == 1 ? 0 : rc;
  if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
    idr_app_tas_extract_usage(stdout);
    return -1;
  }
  if (strcmp(a, "--json") == 0) {
    c->json = 1;
    return 0;
  }
  static const char *const VALUED[] = {"-o", "--output", "--cv", "--cv-range", "--smooth"};
  const char *name = NULL;
  for (size_t k = 0; !name && k < sizeof VALUED / sizeof VALUED[0]; k++)
    if (k == 0 ? strcmp(a, "-o") == 0 : idr_app_is_opt(a, VALUED[k])) name = VALUED[k];
  if (!name) return idr_app_usage_error("tas-extract", "unknown option '%s'", a);
  const char *v = idr_app_opt_value(argc, argv, i, name);
  if (!v || !v[0]) return idr_app_usage_error("tas-extract", "option '%s' needs a value", a);
  return valued(c, name, v);
}

static int parse_args(int argc, char **argv, tas_cmd *c) {
  int only_args = 0, have_range = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (only_args || a[0] != '-' || a[1] == '\0') {
      if (c->path)
        return idr_app_usage_error("tas-extract", "unexpected argument '%s' (one data file)", a);
      c->path = a;
    } else if (strcmp(a, "--") == 0) {
      only_args = 1;
    } else {
      have_range |= idr_app_is_opt(a, "--cv-range");
      int rc = parse_one(argc, argv, &i, c);
      if (rc) return rc;
    }
  }
  if (!c->path) return idr_app_usage_error("tas-extract", "missing the data file (DATA.csv)");
  idr_error err;
  idr_error_clear(&err);
  if (idr_tas_extract_options_check(&c->o, &err))
    return idr_app_usage_error("tas-extract", "%s", err.msg);
  if (have_range && !c->o.cv_file)
    return idr_app_usage_error("tas-extract", "--cv-range needs --cv");
  return idr_app_check_output("tas-extract", c->out_h5);
}

/* ---- output ------------------------------------------------------------------ */

#define X "extraction"

/* A dataset of the result (NULL, n = 0 when absent). */
static const double *vec(const idr_result *r, const char *name, size_t *n) {
  idr_dataset d;
  if (idr_result_dataset(r, name, &d, NULL) != IDR_OK || !d.is_dataset ||
      d.type != IDR_RESULT_DOUBLE) {
    *n = 0;
    return NULL;
  }
  *n = d.dims[0] * d.dims[1];
  return d.data;
}

/* A level's temperature range, [0] the first it was followed at. */
static void level_T(const idr_result *r, const char *g, double *lo, double *hi) {
  char p[96];
  snprintf(p, sizeof p, "%s/T", g);
  size_t n;
  const double *T = vec(r, p, &n);
  *lo = n ? T[0] : NAN;
  *hi = n ? T[n - 1] : NAN;
}

static void print_json(const idr_result *r) {
  const size_t n_lv = (size_t)idr_app_attr(r, X, "n_levels");
  const size_t n_bd = (size_t)idr_app_attr(r, X, "n_bands");
  char g[64];
  printf("{\"levels\":[");
  for (size_t k = 0; k < n_lv; k++) {
    snprintf(g, sizeof g, X "/level_%zu", k);
    const double xi = idr_app_attr(r, g, "xi_s_K2");
    double T0, T1;
    level_T(r, g, &T0, &T1);
    printf("%s{", k ? "," : "");
    idr_app_json_number("E_eV", idr_app_attr(r, g, "E_eV"), 0);
    idr_app_json_number("E_err_eV", idr_app_attr(r, g, "E_err_eV"), 0);
    idr_app_json_number("nu0_s", xi * TAS_NU0_T_K * TAS_NU0_T_K, 0);
    idr_app_json_number("xi0_s_K2", xi, 0);
    idr_app_json_number("ln_xi0_err", idr_app_attr(r, g, "ln_xi_err"), 0);
    idr_app_json_number("r2", idr_app_attr(r, g, "r2"), 0);
    idr_app_json_number("temperatures", idr_app_attr(r, g, "n_T"), 0);
    idr_app_json_number("T_min_K", T0, 0);
    idr_app_json_number("T_max_K", T1, 0);
    idr_app_json_number("N_cm3", idr_app_attr(r, g, "N_cm3"), 0);
    idr_app_json_number("N_err_cm3", idr_app_attr(r, g, "N_err_cm3"), 1);
    putchar('}');
  }
  printf("],\"bands\":[");
  for (size_t k = 0; k < n_bd; k++) {
    snprintf(g, sizeof g, X "/band_%zu", k);
    printf("%s{\"level\":%d,", k ? "," : "", (int)idr_app_attr(r, g, "level"));
    idr_app_json_number("E_eV", idr_app_attr(r, g, "E_eV"), 0);
    idr_app_json_number("E_err_eV", idr_app_attr(r, g, "E_err_eV"), 0);
    idr_app_json_number("sigma_eV", idr_app_attr(r, g, "sigma_eV"), 0);
    idr_app_json_number("sigma_err_eV", idr_app_attr(r, g, "sigma_err_eV"), 0);
    idr_app_json_number("N_cm3", idr_app_attr(r, g, "N_cm3"), 0);
    idr_app_json_number("N_err_cm3", idr_app_attr(r, g, "N_err_cm3"), 0);
    idr_app_json_number("points", idr_app_attr(r, g, "n_points"), 1);
    putchar('}');
  }
  printf("],");
  idr_app_json_number("V_bi_V", idr_app_attr(r, X, "V_bi_V"), 0);
  printf("\"V_bi_source\":\"%s\",", idr_app_attr_string(r, "/", "V_bi_source"));
  idr_app_json_number("N_A_cm3", idr_app_attr(r, "/", "N_A_cm3"), 0);
  idr_app_json_number("W_nm", idr_app_attr(r, "/", "W_nm"), 0);
  printf("\"W_source\":\"%s\",", idr_app_attr_string(r, "/", "W_source"));
  size_t m;
  vec(r, X "/T", &m);
  printf("\"temperatures\":%zu}\n", m);
}

static void print_table(const tas_cmd *c, const idr_result *r) {
  size_t m, mw;
  const double *T = vec(r, X "/T", &m), *W = vec(r, X "/W_nm", &mw);
  if (!m || mw != m) return;
  printf("TAS analysis of %s (%zu temperatures %g .. %g K)\n", c->path, m, T[m - 1], T[0]);
  printf("  data          %s\n", idr_app_attr_string(r, "/", "input_read"));
  if (c->o.cv_file)
    printf("  V_bi          %.4g V, N = %.4g cm^-3 (Mott-Schottky of %s, %zu points)\n",
           idr_app_attr(r, "mott_schottky", "V_bi_V"), idr_app_attr(r, "mott_schottky", "N_cm3"),
           c->o.cv_file, (size_t)idr_app_attr(r, "mott_schottky", "points"));
  else
    printf("  V_bi          %.4g V (given)\n", idr_app_attr(r, X, "V_bi_V"));
  const double W_nm = idr_app_attr(r, "/", "W_nm");
  printf("  W             ");
  if (isfinite(W_nm))
    printf("%.4g nm (%s)\n", W_nm, isfinite(c->o.w_nm) ? "given" : "Mott-Schottky");
  else
    printf("eps A / C(f_max): %.4g nm (%g K) .. %.4g nm (%g K)\n", W[m - 1], T[m - 1], W[0], T[0]);
  const size_t n_lv = (size_t)idr_app_attr(r, X, "n_levels");
  const size_t n_bd = (size_t)idr_app_attr(r, X, "n_bands");
  printf("  levels        %zu (ln(w0/T^2) = ln(2 xi0) - E/kT)\n", n_lv);
  char g[64];
  for (size_t k = 0; k < n_lv; k++) {
    snprintf(g, sizeof g, X "/level_%zu", k);
    const double xi = idr_app_attr(r, g, "xi_s_K2"), N = idr_app_attr(r, g, "N_cm3");
    double T0, T1;
    level_T(r, g, &T0, &T1);
    printf("  level %zu       E = %.4f +/- %.2g eV, xi0 = %.3g s^-1 K^-2 (nu0(300 K) = %.3g "
           "s^-1), %zu temperatures %g .. %g K",
           k, idr_app_attr(r, g, "E_eV"), idr_app_attr(r, g, "E_err_eV"), xi,
           xi * TAS_NU0_T_K * TAS_NU0_T_K, (size_t)idr_app_attr(r, g, "n_T"), T0, T1);
    if (isfinite(N)) printf(", N = %.4g +/- %.2g cm^-3 (step)", N, idr_app_attr(r, g, "N_err_cm3"));
    printf("\n");
  }
  for (size_t k = 0; k < n_bd; k++) {
    snprintf(g, sizeof g, X "/band_%zu", k);
    printf("  band %zu        E0 = %.4f +/- %.2g eV, sigma = %.4f +/- %.2g eV, N = %.4g +/- "
           "%.2g cm^-3 (Walter, level %d, %zu points)\n",
           k, idr_app_attr(r, g, "E_eV"), idr_app_attr(r, g, "E_err_eV"),
           idr_app_attr(r, g, "sigma_eV"), idr_app_attr(r, g, "sigma_err_eV"),
           idr_app_attr(r, g, "N_cm3"), idr_app_attr(r, g, "N_err_cm3"),
           (int)idr_app_attr(r, g, "level"), (size_t)idr_app_attr(r, g, "n_points"));
  }
  if (c->out_h5) printf("  wrote         %s\n", c->out_h5);
}

/* ---- the command -------------------------------------------------------- */

int idr_app_tas_extract(int argc, char **argv) {
  tas_cmd c;
  memset(&c, 0, sizeof c);
  idr_tas_extract_options_default(&c.o);
  c.o.on_warning = idr_app_warning;
  int rc = parse_args(argc, argv, &c);
  if (rc) return rc < 0 ? IDR_EXIT_OK : rc;
  idr_error err;
  idr_error_clear(&err);
  idr_result *r = NULL;
  int code = IDR_EXIT_OK;
  idr_status st = idr_extract_tas_file(c.path, &c.o, &r, &err);
  if (st) {
    code = st == IDR_ERR_NOMEM ? IDR_EXIT_RUNTIME : IDR_EXIT_INPUT;
  } else if (c.out_h5) {
    st = idr_result_write(r, c.out_h5, "", &err);
    if (st) code = IDR_EXIT_RUNTIME;
  }
  if (st)
    fprintf(stderr, "iondrift: error: %s\n", err.msg[0] ? err.msg : idr_status_str(st));
  else if (c.json)
    print_json(r);
  else
    print_table(&c, r);
  idr_result_free(&r);
  return code;
}

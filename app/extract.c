/*
 * iondrift app: `iondrift extract`, the TID extraction on measured or
 * simulated capacitance transients C(t, T): the options, and the result of
 * idr_extract_tid_file (iondrift.h; the chain of docs/analysis.md:
 *   per-temperature fits -> ln(T^n/tau) = ln A - Ea/(kT) -> global fit,
 *   N_ion = 2 N_A |dC|/C_inf,  D(T) = kT eps0 eps_r / (q^2 N_A tau);
 *   without N_A (an intrinsic absorber): Ea, tau, and N_ion D from
 *   tau = R_ion C_s, section 4b) printed as a table or JSON and written by -o.
 * Exit codes as in main.c: 2 for bad options, unreadable or malformed input
 * and a failed extraction; 1 for an I/O failure writing -o and out of memory.
 */
#include "app.h"
#include "app_data.h"
#include "app_out.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE_HEAD[] =
    "Usage: iondrift extract DATA.csv|RESULT.h5 [--eps-r E]\n"
    "                        [--doping-cm3 N | --cv CV.csv [--cv-range VLO:VHI]]\n"
    "                        [--area-cm2 A] [--polarity pin|nip] [--thickness-nm D]\n"
    "                        [--n-ion-cm3 N] [--power n] [--model single|stretched|two]\n"
    "                        [--components 1|2|auto]\n"
    "                        [data options] [-o OUT.h5] [--json]\n"
    "\n"
    "Extract the mobile-ion parameters from capacitance transients C(t) at several\n"
    "temperatures (transient ion drift): per-temperature fits, the Arrhenius law\n"
    "ln(T^n/tau) = ln A - Ea/(kT), a global fit with tau(T) tied to it, then per\n"
    "species Ea, N_ion = 2 N_A |dC|/C_inf, D0 and D(300 K), with standard errors.\n"
    "dC = C_inf - C(0), the change of C over the transient (negative: C falls).\n"
    "\n"
    "Input:\n"
    "  DATA.csv    a lab export: one row per sample with a temperature, a time since\n"
    "              the end of the fill pulse and a capacitance, in any column order;\n"
    "              separator ',', ';' or tab (detected), '#' comments, a UTF-8 BOM\n"
    "              and CRLF accepted; columns found by name (temperature_K, time_s,\n"
    "              capacitance_F, or 'Temperature (K)', 'Time (ms)', 'Cp (nF)', ...:\n"
    "              a unit in the header is converted) or mapped with --columns;\n"
    "              readings closer than --temp-tol-K form one temperature (their\n"
    "              mean); rows at t <= 0 are skipped and counted (docs/data.md)\n"
    "  RESULT.h5   a result of 'iondrift run' with a TID scan: eps_r, N_A, the\n"
    "              thickness and the polarity come from its stack, its true ion\n"
    "              parameters (tid/true) are shown beside the extracted ones\n"
    "\n"
    "Options:\n"
    "  --eps-r E          relative permittivity of the absorber, > 0 (required for\n"
    "                     a CSV)\n"
    "  --doping-cm3 N     absorber doping N_A [cm^-3], > 0, or:\n"
    "  --cv CV.csv        N_A from a Mott-Schottky fit of this C-V table (voltage\n"
    "                     and capacitance columns, found as in DATA.csv);\n"
    "                     neither: an intrinsic absorber (Ea and tau; N_ion D from\n"
    "                     --thickness-nm and --area-cm2, D with --n-ion-cm3)\n"
    "  --cv-range VLO:VHI the voltage range of that fit [V] (default: all points)\n"
    "  --area-cm2 A       device area [cm^2], > 0: needed with --cv and for N_ion D\n"
    "                     of an intrinsic absorber (C in F -> per area)\n"
    "  --polarity P       which ion a sign of dC means: pin (p-type absorber\n"
    "                     depleted at the ETL: dC < 0 anion, dC > 0 cation) or nip\n"
    "                     (the reverse); default: read from a result's stack, else\n"
    "                     no assignment (the sign is reported)\n"
    "  --thickness-nm D   absorber thickness [nm] (intrinsic absorber only)\n"
    "  --n-ion-cm3 N      an independently measured N_ion [cm^-3] (intrinsic: gives D)\n"
    "  --power n          n in ln(T^n/tau): 0, 1 or 2 (default 1)\n"
    "  --model M          transient model: single, stretched or two (two\n"
    "                     exponentials of opposite sign: a cation and an anion)\n"
    "  --components K     species sought: 1 (single, or stretched with --model),\n"
    "                     2 (two), auto (default: two only when two components of\n"
    "                     opposite sign stand above the noise, else one); each species\n"
    "                     is named from its sign and the polarity; a component not\n"
    "                     above its noise is reported absent, not fitted\n";

static const char USAGE_TAIL[] =
    "  -o, --output OUT.h5  write the data, the per-temperature fits, the Arrhenius\n"
    "                     laws and the species (docs/outputs.md); 'iondrift plot\n"
    "                     OUT.h5' draws them\n"
    "  --json             print one JSON object instead of the table\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  the output file cannot be written, out of memory\n"
    "  2  bad options, an unreadable or malformed input (file:LINE: ...), too few\n"
    "     temperatures or points, or a failed extraction (e.g. fewer than 2\n"
    "     temperatures with tau inside the measured window)\n";

void idr_app_extract_print_usage(FILE *f);
int idr_app_extract(int argc, char **argv);

void idr_app_extract_print_usage(FILE *f) {
  fputs(USAGE_HEAD, f);
  fputs("Data options (DATA.csv):\n", f);
  fputs(idr_app_data_usage(IDR_APP_DATA_GROUP | IDR_APP_DATA_TIME), f);
  fputs("Output:\n", f);
  fputs(USAGE_TAIL, f);
}

/* ---- printing (from the result: docs/cli.md, "extract -o") ---------------- */

#define X "extraction"

/* What the command was given that the result does not say. */
typedef struct extract_cmd {
  const char *path;   /* DATA.csv or RESULT.h5 */
  const char *out_h5; /* -o, or NULL */
  int json;
  idr_extract_options o;
} extract_cmd;

/* A JSON string value (quotes, backslashes and controls escaped), then ','. */
static void json_string(const char *key, const char *s) {
  printf("\"%s\":\"", key);
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    if (*c == '"' || *c == '\\')
      printf("\\%c", *c);
    else if (*c < 0x20)
      printf("\\u%04x", *c);
    else
      putchar(*c);
  }
  printf("\",");
}

/* Species groups extraction/species_<c>, c = 0, 1. */
static int n_species(const idr_result *r) {
  idr_dataset g;
  int n = 0;
  while (n < 2) {
    char p[64];
    snprintf(p, sizeof p, X "/species_%d", n);
    if (idr_result_dataset(r, p, &g, NULL) != IDR_OK) break;
    n++;
  }
  return n;
}

static void json_species(const idr_result *r, const char *g) {
  printf("{\"sign\":\"%s\",\"dC_sign\":%d,", idr_app_attr_string(r, g, "sign"),
         (int)idr_app_attr(r, g, "dC_sign"));
  static const char *const K[] = {"dC_rel",
                                  "Ea_eV",
                                  "Ea_err_eV",
                                  "Ea_regression_eV",
                                  "Ea_regression_err_eV",
                                  "N_ion_cm3",
                                  "N_ion_err_cm3",
                                  "D0_cm2_s",
                                  "D0_err_cm2_s",
                                  "D300_cm2_s",
                                  "D300_err_cm2_s",
                                  "ND300_cm1_s",
                                  "sigma300_S_cm",
                                  "n_present",
                                  "n_window"};
  const size_t n = sizeof K / sizeof K[0];
  for (size_t i = 0; i < n; i++)
    idr_app_json_number(K[i], idr_app_attr(r, g, K[i]), i + 1 == n);
  putchar('}');
}

/* The groups extraction/true/<ion> of a result with true parameters: entry
 * indices in writing order, at most max. */
static size_t truth_groups(const idr_result *r, size_t *idx, size_t max) {
  static const char PREFIX[] = X "/true/";
  size_t n = 0;
  for (size_t i = 0; i < idr_result_count(r) && n < max; i++) {
    idr_dataset d;
    if (idr_result_entry(r, i, &d, NULL) == IDR_OK && !d.is_dataset &&
        strncmp(d.name, PREFIX, sizeof PREFIX - 1) == 0 && !strchr(d.name + sizeof PREFIX - 1, '/'))
      idx[n++] = i;
  }
  return n;
}

#define MAX_TRUE 16

static size_t n_used(const idr_result *r, size_t m) {
  size_t n = 0, k = 0;
  const int *used = idr_app_ints(r, X "/used", &n);
  for (size_t j = 0; j < n && j < m; j++)
    k += used[j] != 0;
  return k;
}

static void print_json(const idr_result *r) {
  printf("{\"species\":[");
  for (int c = 0; c < n_species(r); c++) {
    char g[64];
    snprintf(g, sizeof g, X "/species_%d", c);
    if (c) putchar(',');
    json_species(r, g);
  }
  printf("],");
  idr_app_json_number("N_A_cm3", idr_app_attr(r, X, "N_A_cm3"), 0);
  idr_app_json_number("N_A_err_cm3", idr_app_attr(r, X, "N_A_err_cm3"), 0);
  printf("\"N_A_source\":\"%s\",", idr_app_attr_string(r, "/", "N_A_source"));
  printf("\"intrinsic\":%s,\"polarity\":\"%s\",",
         idr_app_attr(r, X, "intrinsic") != 0.0 ? "true" : "false",
         idr_app_attr_string(r, X, "polarity"));
  printf("\"power\":%d,\"model\":\"%s\",\"components\":\"%s\",", (int)idr_app_attr(r, X, "power"),
         idr_app_attr_string(r, X, "model"), idr_app_attr_string(r, X, "components"));
  size_t m = 0;
  idr_app_data(r, X "/T", &m);
  printf("\"temperatures\":%zu,\"temperatures_used\":%zu,", m, n_used(r, m));
  const char *note = idr_app_attr_string(r, X, "ND_note");
  if (note[0]) json_string("ND_note", note);
  const int merged = idr_app_attr(r, X, "merged") != 0.0;
  printf("\"global_fit\":%s,\"same_barrier\":%s,\"n_components\":%d,\"merged\":%s",
         idr_app_attr(r, X, "global_fit") != 0.0 ? "true" : "false",
         idr_app_attr(r, X, "same_barrier") != 0.0 ? "true" : "false",
         (int)idr_app_attr(r, X, "n_components"), merged ? "true" : "false");
  if (merged) {
    printf(",\"second_exponential\":");
    json_species(r, X "/exponential_1");
  }
  size_t idx[MAX_TRUE], n_true = truth_groups(r, idx, MAX_TRUE);
  if (n_true > 0) {
    printf(",\"true\":[");
    for (size_t k = 0; k < n_true; k++) {
      idr_dataset g;
      idr_result_entry(r, idx[k], &g, NULL);
      printf("%s{", k ? "," : "");
      json_string("name", strrchr(g.name, '/') + 1);
      json_string("sign", idr_app_attr_string(r, g.name, "sign"));
      idr_app_json_number("Ea_eV", idr_app_attr(r, g.name, "Ea_eV"), 0);
      idr_app_json_number("N_ion_cm3", idr_app_attr(r, g.name, "N_ion_cm3"), 0);
      idr_app_json_number("D0_cm2_s", idr_app_attr(r, g.name, "D0_cm2_s"), 0);
      idr_app_json_number("D300_cm2_s", idr_app_attr(r, g.name, "D300_cm2_s"), 1);
      putchar('}');
    }
    putchar(']');
  }
  printf("}\n");
}

static void print_inputs(const extract_cmd *c, const idr_result *r) {
  const char *how = idr_app_attr_string(r, "/", "input_read");
  if (how[0]) printf("  data          %s\n", how);
  const double N_A = idr_app_attr(r, X, "N_A_cm3");
  if (c->o.cv_file)
    printf("  N_A           %.6g +/- %.2g cm^-3 (Mott-Schottky of %s, %zu points, R^2 %.6f)\n", N_A,
           idr_app_attr(r, "mott_schottky", "N_err_cm3"), c->o.cv_file,
           (size_t)idr_app_attr(r, "mott_schottky", "points"),
           idr_app_attr(r, "mott_schottky", "r2"));
  else if (isfinite(N_A))
    printf("  N_A           %.6g cm^-3 (%s)\n", N_A,
           isfinite(c->o.doping_cm3) ? "given" : "the result's absorber");
  else
    printf("  N_A           none: intrinsic absorber (Ea and tau; N_ion D from tau = R_ion C_s)\n");
  printf("  eps_r         %g, %s model (components %s), ln(T^%d/tau) vs 1/T, polarity %s\n",
         idr_app_attr(r, X, "eps_r"), idr_app_attr_string(r, X, "model"),
         idr_app_attr_string(r, X, "components"), (int)idr_app_attr(r, X, "power"),
         idr_app_attr_string(r, X, "polarity"));
}

static void print_species(const idr_result *r) {
  const int intrinsic = idr_app_attr(r, X, "intrinsic") != 0.0;
  for (int c = 0; c < n_species(r); c++) {
    char g[64];
    snprintf(g, sizeof g, X "/species_%d", c);
#define A(name) idr_app_attr(r, g, name)
    printf("  %-10s dC/C_inf %+.3e (%s), Ea %.4f +/- %.2g eV (regression %.4f",
           idr_app_attr_string(r, g, "sign"), A("dC_rel"), A("dC_sign") < 0 ? "C falls" : "C rises",
           A("Ea_eV"), A("Ea_err_eV"), A("Ea_regression_eV"));
    if (isfinite(A("Ea_regression_err_eV")))
      printf(" +/- %.2g eV)\n", A("Ea_regression_err_eV"));
    else
      printf(" eV, no error from 2 temperatures)\n");
    if (!intrinsic)
      printf("             N_ion %.4g +/- %.2g cm^-3\n", A("N_ion_cm3"), A("N_ion_err_cm3"));
    else if (isfinite(A("ND300_cm1_s")))
      printf("             N_ion D(300 K) %.4g +/- %.2g cm^-1 s^-1, sigma_ion(300 K) %.4g +/- "
             "%.2g S/cm (C_s %.4g nF/cm^2)\n",
             A("ND300_cm1_s"), A("ND300_err_cm1_s"), A("sigma300_S_cm"), A("sigma300_err_S_cm"),
             idr_app_attr(r, X, "C_s_F_m2") * 1e5);
    else
      printf("             N_ion D: not computed: %s\n", idr_app_attr_string(r, X, "ND_note"));
    if (isfinite(A("D300_cm2_s")))
      printf("             D0 %.4g +/- %.2g cm^2/s, D(300 K) %.4g +/- %.2g cm^2/s\n", A("D0_cm2_s"),
             A("D0_err_cm2_s"), A("D300_cm2_s"), A("D300_err_cm2_s"));
    if (n_species(r) == 2)
      printf("             above the noise at %.0f temperatures, tau in the window at %.0f\n",
             A("n_present"), A("n_window"));
#undef A
  }
  const int merged = idr_app_attr(r, X, "merged") != 0.0;
  if (merged)
    printf("  one species   two exponentials of opposite sign with one Ea (%.4f and %.4f eV, "
           "within 2\n                combined standard errors): the numbers above are the "
           "larger's (tau, dC); the second\n                (%s, dC/C_inf %+.3e) is in "
           "extraction/exponential_1 (docs/analysis.md, section 3)\n",
           idr_app_attr(r, X "/species_0", "Ea_eV"), idr_app_attr(r, X "/exponential_1", "Ea_eV"),
           idr_app_attr(r, X "/exponential_1", "dC_sign") < 0 ? "C falls" : "C rises",
           idr_app_attr(r, X "/exponential_1", "dC_rel"));
  if (n_species(r) == 1 && !merged && strcmp(idr_app_attr_string(r, X, "components"), "1") != 0)
    printf("  second species absent: no second component of opposite sign above the noise "
           "with tau in the window at 2 temperatures\n");
}

/* One row of the per-temperature table. */
static void print_row(const idr_result *r, size_t j, int two, const int *off, const int *used) {
  size_t n;
  const double *T = idr_app_data(r, "data/T", &n), *Ts = idr_app_data(r, "data/T_spread", &n);
  const double *tau = idr_app_data(r, X "/tau", &n), *dC = idr_app_data(r, X "/dC", &n);
  const double *C_inf = idr_app_data(r, X "/C_inf", &n);
  printf("  %8.2f %6.2f", T[j], Ts[j]);
  for (size_t c = 0; c < (two ? 2u : 1u); c++)
    if (!isnan(tau[2 * j + c]))
      printf(" %12.4e %+12.4e", tau[2 * j + c], dC[2 * j + c] / C_inf[j]);
    else
      printf(" %12s %12s", "-", "-");
  printf("  %6d  %s\n", off[j + 1] - off[j], used[j] ? "yes" : "no");
}

static void print_table(const extract_cmd *c, const idr_result *r) {
  size_t m, n;
  const double *T = idr_app_data(r, "data/T", &m);
  const int *off = idr_app_ints(r, "data/offset", &n), *used = idr_app_ints(r, X "/used", &n);
  const int two = strcmp(idr_app_attr_string(r, X, "model"), "two") == 0;
  printf("TID extraction of %s (%zu temperatures %g .. %g K)\n", c->path, m, T[0], T[m - 1]);
  print_inputs(c, r);
  printf("  %8s %6s %12s %12s", "T [K]", "+-", "tau [s]", "dC/C_inf");
  if (two) printf(" %12s %12s", "tau2 [s]", "dC2/C_inf");
  printf("  points  used\n");
  for (size_t j = 0; j < m; j++)
    print_row(r, j, two, off, used);
  printf("  extraction    %zu of %zu temperatures in the window, %s\n", n_used(r, m), m,
         idr_app_attr(r, X, "global_fit") != 0.0
             ? "global fit"
             : "regression only (global fit failed or not available)");
  print_species(r);
  size_t idx[MAX_TRUE], n_true = truth_groups(r, idx, MAX_TRUE);
  for (size_t k = 0; k < n_true; k++) {
    idr_dataset g;
    idr_result_entry(r, idx[k], &g, NULL);
    printf("  true       %-7s Ea = %.4f eV, N_ion = %.4g cm^-3, D0 = %.4g cm^2/s, "
           "D(300 K) = %.4g cm^2/s (%s)\n",
           idr_app_attr_string(r, g.name, "sign"), idr_app_attr(r, g.name, "Ea_eV"),
           idr_app_attr(r, g.name, "N_ion_cm3"), idr_app_attr(r, g.name, "D0_cm2_s"),
           idr_app_attr(r, g.name, "D300_cm2_s"), strrchr(g.name, '/') + 1);
  }
  if (c->out_h5) printf("  wrote         %s\n", c->out_h5);
}

/* ---- options ------------------------------------------------------------ */

static int positive(const char *opt, int argc, char **argv, int *i, double *out) {
  const char *v = idr_app_opt_value(argc, argv, i, opt);
  if (!idr_app_parse_number(v, out) || !(*out > 0.0))
    return idr_app_usage_error("extract", "%s needs a number > 0 (got '%s')", opt, v ? v : "");
  return 0;
}

/* A valued option (name) with its value v. */
static int valued(extract_cmd *c, const char *name, const char *v) {
  idr_extract_options *o = &c->o;
  if (name[1] == 'o' || strcmp(name, "--output") == 0) {
    c->out_h5 = v;
  } else if (strcmp(name, "--cv") == 0) {
    o->cv_file = v;
  } else if (strcmp(name, "--cv-range") == 0) {
    if (!idr_app_parse_range(v, &o->cv_V_lo, &o->cv_V_hi) || !(o->cv_V_lo < o->cv_V_hi))
      return idr_app_usage_error("extract", "--cv-range needs VLO:VHI in V, VLO < VHI (got '%s')",
                                 v);
  } else if (strcmp(name, "--power") == 0) {
    if (strcmp(v, "0") && strcmp(v, "1") && strcmp(v, "2"))
      return idr_app_usage_error("extract", "--power needs 0, 1 or 2 (got '%s')", v);
    o->power = v[0] - '0';
  } else if (strcmp(name, "--model") == 0) {
    if (strcmp(v, "single") && strcmp(v, "stretched") && strcmp(v, "two"))
      return idr_app_usage_error("extract", "--model needs single, stretched or two (got '%s')", v);
    o->model = v;
  } else if (strcmp(name, "--components") == 0) {
    if (strcmp(v, "1") && strcmp(v, "2") && strcmp(v, "auto"))
      return idr_app_usage_error("extract", "--components needs 1, 2 or auto (got '%s')", v);
    o->components = v;
  } else {
    if (strcmp(v, "pin") && strcmp(v, "nip"))
      return idr_app_usage_error("extract", "--polarity needs pin or nip (got '%s')", v);
    o->polarity = v;
  }
  return 0;
}

/* One option at argv[*i]: 0 done, -1 help shown, else an exit code. */
static int parse_one(int argc, char **argv, int *i, extract_cmd *c) {
  const char *a = argv[*i];
  static const struct {
    const char *name;
    size_t off;
  } NUM[] = {{"--area-cm2", offsetof(idr_extract_options, area_cm2)},
             {"--eps-r", offsetof(idr_extract_options, eps_r)},
             {"--doping-cm3", offsetof(idr_extract_options, doping_cm3)},
             {"--thickness-nm", offsetof(idr_extract_options, thickness_nm)},
             {"--n-ion-cm3", offsetof(idr_extract_options, n_ion_cm3)}};
  for (size_t k = 0; k < sizeof NUM / sizeof NUM[0]; k++)
    if (idr_app_is_opt(a, NUM[k].name))
      return positive(NUM[k].name, argc, argv, i, (double *)((char *)&c->o + NUM[k].off));
  int rc = idr_app_data_option("extract", IDR_APP_DATA_GROUP | IDR_APP_DATA_TIME, argc, argv, i,
                               &c->o.data);
  if (rc) return rc == 1 ? 0 : rc;
  if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
    idr_app_extract_print_usage(stdout);
    return -1;
  }
  if (strcmp(a, "--json") == 0) {
    c->json = 1;
    return 0;
  }
  static const char *const VALUED[] = {"-o",      "--output", "--cv",       "--cv-range",
                                       "--power", "--model",  "--polarity", "--components"};
  const char *name = NULL;
  for (size_t k = 0; !name && k < sizeof VALUED / sizeof VALUED[0]; k++)
    if (k == 0 ? strcmp(a, "-o") == 0 : idr_app_is_opt(a, VALUED[k])) name = VALUED[k];
  if (!name) return idr_app_usage_error("extract", "unknown option '%s'", a);
  const char *v = idr_app_opt_value(argc, argv, i, name);
  if (!v || !v[0]) return idr_app_usage_error("extract", "option '%s' needs a value", a);
  return valued(c, name, v);
}

static int parse_args(int argc, char **argv, extract_cmd *c) {
  int only_args = 0, have_range = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (only_args || a[0] != '-' || a[1] == '\0') {
      if (c->path)
        return idr_app_usage_error("extract", "unexpected argument '%s' (one data file)", a);
      c->path = a;
    } else if (strcmp(a, "--") == 0) {
      only_args = 1;
    } else {
      have_range |= idr_app_is_opt(a, "--cv-range");
      int rc = parse_one(argc, argv, &i, c);
      if (rc) return rc;
    }
  }
  if (!c->path)
    return idr_app_usage_error("extract", "missing the data file (DATA.csv or RESULT.h5)");
  idr_error err;
  idr_error_clear(&err);
  if (idr_extract_options_check(&c->o, &err)) return idr_app_usage_error("extract", "%s", err.msg);
  if (have_range && !c->o.cv_file) return idr_app_usage_error("extract", "--cv-range needs --cv");
  return idr_app_check_output("extract", c->out_h5);
}

/* ---- the command -------------------------------------------------------- */

int idr_app_extract(int argc, char **argv) {
  extract_cmd c;
  memset(&c, 0, sizeof c);
  idr_extract_options_default(&c.o);
  c.o.on_warning = idr_app_warning;
  int rc = parse_args(argc, argv, &c);
  if (rc) return rc < 0 ? IDR_EXIT_OK : rc;
  idr_error err;
  idr_error_clear(&err);
  idr_result *r = NULL;
  int code = IDR_EXIT_OK;
  idr_status st = idr_extract_tid_file(c.path, &c.o, &r, &err);
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

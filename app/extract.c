/*
 * iondrift app: `iondrift extract`, the TID extraction on measured or
 * simulated capacitance transients C(t, T): options and printing. The files
 * are extract_io.c, the chain is idr_tid_extract (analysis/, docs/analysis.md):
 *   per-temperature fits -> ln(T^n/tau) = ln A - Ea/(kT) -> global fit,
 *   N_ion = 2 N_A |dC|/C_inf,  D(T) = kT eps0 eps_r / (q^2 N_A tau);
 *   without N_A (an intrinsic absorber): Ea, tau, and N_ion D from
 *   tau = R_ion C_s (docs/analysis.md, section 4b).
 * Exit codes as in main.c: 2 for bad options, unreadable or malformed input
 * and a failed extraction; 1 for an I/O failure writing -o and out of memory.
 */
#include "app.h"
#include "app_data.h"
#include "app_extraction.h"
#include "app_out.h"
#include "extract.h"

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
    "  --model M          transient model: single (default), stretched, two\n";

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

/* ---- printing ----------------------------------------------------------- */

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

static void json_species(const idr_tid_species *sp) {
  printf("{\"sign\":\"%s\",\"dC_sign\":%d,", idr_app_sign_name(sp->sign), sp->dC_sign);
  struct {
    const char *k;
    double v;
  } f[] = {{"dC_rel", sp->dC_rel},
           {"Ea_eV", sp->Ea_eV},
           {"Ea_err_eV", sp->Ea_err_eV},
           {"Ea_regression_eV", sp->Ea_regression_eV},
           {"Ea_regression_err_eV", sp->Ea_regression_err_eV},
           {"N_ion_cm3", sp->N_ion_cm3},
           {"N_ion_err_cm3", sp->N_ion_err_cm3},
           {"D0_cm2_s", sp->D0_cm2_s},
           {"D0_err_cm2_s", sp->D0_err_cm2_s},
           {"D300_cm2_s", sp->D300_cm2_s},
           {"D300_err_cm2_s", sp->D300_err_cm2_s},
           {"ND300_cm1_s", sp->ND300_cm1_s},
           {"sigma300_S_cm", sp->sigma300_S_cm}};
  const size_t n = sizeof f / sizeof f[0];
  for (size_t i = 0; i < n; i++)
    idr_app_json_number(f[i].k, f[i].v, i + 1 == n);
  putchar('}');
}

static void print_json(const idr_extract_opts *o, const idr_extract_run *r) {
  const idr_tid_extraction *x = &r->x;
  printf("{\"species\":[");
  for (int c = 0; c < x->n_species; c++) {
    if (c) putchar(',');
    json_species(&x->species[c]);
  }
  printf("],");
  idr_app_json_number("N_A_cm3", r->N_A_cm3, 0);
  idr_app_json_number("N_A_err_cm3", r->N_A_err_cm3, 0);
  printf("\"N_A_source\":\"%s\",", o->cv                  ? "mott-schottky"
                                   : isfinite(r->N_A_cm3) ? "doping"
                                                          : "none");
  printf("\"intrinsic\":%s,\"polarity\":\"%s\",", x->intrinsic ? "true" : "false",
         idr_app_polarity_name(x->polarity));
  printf("\"power\":%d,\"model\":\"%s\",", x->power, idr_app_model_name(x->model));
  printf("\"temperatures\":%zu,\"temperatures_used\":%zu,", x->m, x->n_used);
  printf("\"global_fit\":%s", x->global_ok ? "true" : "false");
  if (r->data.n_true > 0) {
    printf(",\"true\":[");
    for (size_t k = 0; k < r->data.n_true; k++) {
      const idr_extract_truth *ti = &r->data.truth[k];
      printf("%s{", k ? "," : "");
      json_string("name", ti->name);
      json_string("sign", ti->sign);
      idr_app_json_number("Ea_eV", ti->Ea_eV, 0);
      idr_app_json_number("N_ion_cm3", ti->N_ion_cm3, 0);
      idr_app_json_number("D0_cm2_s", ti->D0_cm2_s, 0);
      idr_app_json_number("D300_cm2_s", ti->D300_cm2_s, 1);
      putchar('}');
    }
    putchar(']');
  }
  printf("}\n");
}

static void print_inputs(const idr_extract_opts *o, const idr_extract_run *r) {
  const idr_tid_extraction *x = &r->x;
  if (r->md.n) {
    char how[1024];
    idr_mdata_describe(&r->md, how, sizeof how);
    printf("  data          %s\n", how);
  }
  if (o->cv)
    printf("  N_A           %.6g +/- %.2g cm^-3 (Mott-Schottky of %s, %zu points, R^2 %.6f)\n",
           r->N_A_cm3, r->ms.N_err_cm3, o->cv, r->ms.n_used, r->ms.r2);
  else if (isfinite(r->N_A_cm3))
    printf("  N_A           %.6g cm^-3 (%s)\n", r->N_A_cm3,
           isfinite(o->doping_cm3) ? "given" : "the result's absorber");
  else
    printf("  N_A           none: intrinsic absorber (Ea and tau; N_ion D from tau = R_ion C_s)\n");
  printf("  eps_r         %g, %s model, ln(T^%d/tau) vs 1/T, polarity %s\n", r->eps_r,
         idr_app_model_name(x->model), x->power, idr_app_polarity_name(x->polarity));
}

static void print_species(const idr_tid_extraction *x) {
  for (int c = 0; c < x->n_species; c++) {
    const idr_tid_species *sp = &x->species[c];
    printf("  %-10s dC/C_inf %+.3e (%s), Ea %.4f +/- %.2g eV (regression %.4f",
           idr_app_sign_name(sp->sign), sp->dC_rel, sp->dC_sign < 0 ? "C falls" : "C rises",
           sp->Ea_eV, sp->Ea_err_eV, sp->Ea_regression_eV);
    if (isfinite(sp->Ea_regression_err_eV))
      printf(" +/- %.2g eV)\n", sp->Ea_regression_err_eV);
    else
      printf(" eV, no error from 2 temperatures)\n");
    if (!x->intrinsic)
      printf("             N_ion %.4g +/- %.2g cm^-3\n", sp->N_ion_cm3, sp->N_ion_err_cm3);
    else if (isfinite(sp->ND300_cm1_s))
      printf("             N_ion D(300 K) %.4g +/- %.2g cm^-1 s^-1, sigma_ion(300 K) %.4g +/- "
             "%.2g S/cm (C_s %.4g nF/cm^2)\n",
             sp->ND300_cm1_s, sp->ND300_err_cm1_s, sp->sigma300_S_cm, sp->sigma300_err_S_cm,
             x->C_s * 1e5);
    else
      printf("             N_ion D: needs --thickness-nm and --area-cm2 (and C_inf below the "
             "geometric capacitance)\n");
    if (isfinite(sp->D300_cm2_s))
      printf("             D0 %.4g +/- %.2g cm^2/s, D(300 K) %.4g +/- %.2g cm^2/s\n", sp->D0_cm2_s,
             sp->D0_err_cm2_s, sp->D300_cm2_s, sp->D300_err_cm2_s);
  }
}

static void print_table(const idr_extract_opts *o, const idr_extract_run *r) {
  const idr_tid_extraction *x = &r->x;
  const idr_extract_data *d = &r->data;
  printf("TID extraction of %s (%zu temperatures %g .. %g K)\n", o->path, d->m, d->T[0],
         d->T[d->m - 1]);
  print_inputs(o, r);
  printf("  %8s %6s %12s %12s", "T [K]", "+-", "tau [s]", "dC/C_inf");
  if (x->model == IDR_TRANSIENT_TWO_EXP) printf(" %12s %12s", "tau2 [s]", "dC2/C_inf");
  printf("  points  used\n");
  for (size_t j = 0; j < x->m; j++) {
    const idr_transient_fit *f = &x->per_T[j];
    printf("  %8.2f %6.2f", d->T[j], d->T_spread[j]);
    for (size_t c = 0; c < (x->model == IDR_TRANSIENT_TWO_EXP ? 2u : 1u); c++)
      if (c < f->n_comp)
        printf(" %12.4e %+12.4e", f->tau_s[c], f->dC[c] / f->C_inf);
      else
        printf(" %12s %12s", "-", "-");
    printf("  %6zu  %s\n", d->off[j + 1] - d->off[j], x->used[j] ? "yes" : "no");
  }
  printf("  extraction    %zu of %zu temperatures in the window, %s\n", x->n_used, x->m,
         x->global_ok ? "global fit" : "regression only (global fit failed or not available)");
  print_species(x);
  for (size_t k = 0; k < d->n_true; k++) {
    const idr_extract_truth *ti = &d->truth[k];
    printf("  true       %-7s Ea = %.4f eV, N_ion = %.4g cm^-3, D0 = %.4g cm^2/s, "
           "D(300 K) = %.4g cm^2/s (%s)\n",
           ti->sign, ti->Ea_eV, ti->N_ion_cm3, ti->D0_cm2_s, ti->D300_cm2_s, ti->name);
  }
  if (o->out_h5) printf("  wrote         %s\n", o->out_h5);
}

/* ---- options ------------------------------------------------------------ */

static int positive(const char *opt, int argc, char **argv, int *i, double *out) {
  const char *v = idr_app_opt_value(argc, argv, i, opt);
  if (!idr_app_parse_number(v, out) || !(*out > 0.0))
    return idr_app_usage_error("extract", "%s needs a number > 0 (got '%s')", opt, v ? v : "");
  return 0;
}

/* One option at argv[*i]: 0 done, -1 help shown, else an exit code. */
static int parse_one(int argc, char **argv, int *i, idr_extract_opts *o) {
  const char *a = argv[*i];
  static const struct {
    const char *name;
    size_t off;
  } NUM[] = {{"--area-cm2", offsetof(idr_extract_opts, area_cm2)},
             {"--eps-r", offsetof(idr_extract_opts, eps_r)},
             {"--doping-cm3", offsetof(idr_extract_opts, doping_cm3)},
             {"--thickness-nm", offsetof(idr_extract_opts, thickness_nm)},
             {"--n-ion-cm3", offsetof(idr_extract_opts, n_ion_cm3)}};
  for (size_t k = 0; k < sizeof NUM / sizeof NUM[0]; k++)
    if (idr_app_is_opt(a, NUM[k].name))
      return positive(NUM[k].name, argc, argv, i, (double *)((char *)o + NUM[k].off));
  int rc = idr_app_data_option("extract", IDR_APP_DATA_GROUP | IDR_APP_DATA_TIME, argc, argv, i,
                               &o->data);
  if (rc) return rc == 1 ? 0 : rc;
  if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
    idr_app_extract_print_usage(stdout);
    return -1;
  }
  if (strcmp(a, "--json") == 0) {
    o->json = 1;
    return 0;
  }
  static const char *const VALUED[] = {"-o",      "--output", "--cv",      "--cv-range",
                                       "--power", "--model",  "--polarity"};
  const char *name = NULL;
  for (size_t k = 0; !name && k < sizeof VALUED / sizeof VALUED[0]; k++)
    if (k == 0 ? strcmp(a, "-o") == 0 : idr_app_is_opt(a, VALUED[k])) name = VALUED[k];
  if (!name) return idr_app_usage_error("extract", "unknown option '%s'", a);
  const int out = name[1] == 'o' || strcmp(name, "--output") == 0;
  const char *v = idr_app_opt_value(argc, argv, i, name);
  if (!v || !v[0]) return idr_app_usage_error("extract", "option '%s' needs a value", a);
  if (out) {
    o->out_h5 = v;
  } else if (strcmp(name, "--cv") == 0) {
    o->cv = v;
  } else if (strcmp(name, "--cv-range") == 0) {
    if (!idr_app_parse_range(v, &o->V_lo, &o->V_hi) || !(o->V_lo < o->V_hi))
      return idr_app_usage_error("extract", "--cv-range needs VLO:VHI in V, VLO < VHI (got '%s')",
                                 v);
    o->have_range = 1;
  } else if (strcmp(name, "--power") == 0) {
    if (strcmp(v, "0") && strcmp(v, "1") && strcmp(v, "2"))
      return idr_app_usage_error("extract", "--power needs 0, 1 or 2 (got '%s')", v);
    o->power = v[0] - '0';
  } else if (strcmp(name, "--model") == 0) {
    static const char *const M[] = {"single", "stretched", "two"};
    size_t k = 0;
    while (k < 3 && strcmp(v, M[k]) != 0)
      k++;
    if (k == 3)
      return idr_app_usage_error("extract", "--model needs single, stretched or two (got '%s')", v);
    o->model = (idr_transient_model)k;
  } else {
    if (strcmp(v, "pin") && strcmp(v, "nip"))
      return idr_app_usage_error("extract", "--polarity needs pin or nip (got '%s')", v);
    o->polarity = v[0] == 'p' ? IDR_POLARITY_PIN : IDR_POLARITY_NIP;
    o->have_polarity = 1;
  }
  return 0;
}

static int parse_args(int argc, char **argv, idr_extract_opts *o) {
  int only_args = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (only_args || a[0] != '-' || a[1] == '\0') {
      if (o->path)
        return idr_app_usage_error("extract", "unexpected argument '%s' (one data file)", a);
      o->path = a;
    } else if (strcmp(a, "--") == 0) {
      only_args = 1;
    } else {
      int rc = parse_one(argc, argv, &i, o);
      if (rc) return rc;
    }
  }
  if (!o->path)
    return idr_app_usage_error("extract", "missing the data file (DATA.csv or RESULT.h5)");
  if (isfinite(o->doping_cm3) && o->cv)
    return idr_app_usage_error("extract", "give either --doping-cm3 or --cv for N_A, not both");
  if (o->have_range && !o->cv) return idr_app_usage_error("extract", "--cv-range needs --cv");
  if (o->cv && !isfinite(o->area_cm2))
    return idr_app_usage_error("extract",
                               "--cv needs --area-cm2 (the Mott-Schottky density is per area)");
  int rc = idr_app_check_output("extract", o->out_h5);
  return rc;
}

/* ---- the command -------------------------------------------------------- */

/* The absorber: options first, then what a result file stores. */
static idr_status resolve_absorber(const idr_extract_opts *o, idr_extract_run *r, idr_error *err) {
  const idr_extract_data *d = &r->data;
  r->eps_r = isfinite(o->eps_r) ? o->eps_r : d->eps_r;
  if (!isfinite(r->eps_r))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "extract: missing --eps-r (the absorber's relative permittivity)");
  r->thickness_nm = isfinite(o->thickness_nm) ? o->thickness_nm : d->thickness_nm;
  r->polarity = o->have_polarity ? o->polarity : d->polarity;
  r->N_A_cm3 = NAN;
  r->N_A_err_cm3 = 0.0;
  if (o->cv) return idr_extract_cv(o, r, err);
  if (isfinite(o->doping_cm3))
    r->N_A_cm3 = o->doping_cm3;
  else if (d->N_A_cm3 > 0.0)
    r->N_A_cm3 = d->N_A_cm3;
  return IDR_OK;
}

static idr_status extract(const idr_extract_opts *o, idr_extract_run *r, idr_error *err) {
  idr_status st = idr_extract_load(o, r, err);
  if (!st) st = resolve_absorber(o, r, err);
  if (st) return st;
  const idr_extract_data *d = &r->data;
  idr_transient_data *cd = calloc(d->m, sizeof *cd);
  if (!cd) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t j = 0; j < d->m; j++)
    cd[j] = (idr_transient_data){d->T[j], d->off[j + 1] - d->off[j], d->t + d->off[j],
                                 d->C + d->off[j], NULL};
  idr_tid_extract_options xo;
  idr_tid_extract_options_default(&xo);
  xo.power = o->power;
  xo.model = o->model;
  xo.N_A_cm3 = r->N_A_cm3;
  xo.N_A_err_cm3 = r->N_A_err_cm3;
  xo.eps_r = r->eps_r;
  xo.polarity = r->polarity;
  xo.thickness_nm = r->thickness_nm;
  xo.N_ion_cm3 = o->n_ion_cm3;
  /* C per area: F/m^2 as stored by a run; F of a device of --area-cm2 */
  xo.C_to_F_m2 = strcmp(d->C_units, "F/m^2") == 0 ? 1.0 : 1.0 / (o->area_cm2 * IDR_CM2_TO_M2);
  st = idr_tid_extract(cd, d->m, &xo, &r->x, err);
  if (st)
    idr_error_context(err, "%s (N_A = %g cm^-3, eps_r = %g, %s model)", o->path, r->N_A_cm3,
                      r->eps_r, idr_app_model_name(o->model));
  free(cd);
  return st;
}

int idr_app_extract(int argc, char **argv) {
  idr_extract_opts o = {.area_cm2 = NAN,
                        .eps_r = NAN,
                        .doping_cm3 = NAN,
                        .thickness_nm = NAN,
                        .n_ion_cm3 = NAN,
                        .power = 1,
                        .model = IDR_TRANSIENT_EXP};
  idr_app_data_defaults(&o.data);
  int rc = parse_args(argc, argv, &o);
  if (rc) return rc < 0 ? IDR_EXIT_OK : rc;
  idr_extract_run r;
  memset(&r, 0, sizeof r);
  idr_error err;
  idr_error_clear(&err);
  int code = IDR_EXIT_OK;
  idr_status st = extract(&o, &r, &err);
  idr_app_data_warnings(&r.md);
  idr_app_data_warnings(&r.cv_md);
  const char *why = o.cv && r.ms.n_used ? idr_mott_schottky_implausible(&r.ms) : NULL;
  if (why) fprintf(stderr, "iondrift: warning: %s: N = %.3g cm^-3 is %s\n", o.cv, r.ms.N_cm3, why);
  if (st) {
    code = st == IDR_ERR_NOMEM ? IDR_EXIT_RUNTIME : IDR_EXIT_INPUT;
  } else if (o.out_h5) {
    st = idr_extract_write(&o, &r, &err);
    if (st) code = IDR_EXIT_RUNTIME;
  }
  if (st)
    fprintf(stderr, "iondrift: error: %s\n", err.msg[0] ? err.msg : idr_status_str(st));
  else if (o.json)
    print_json(&o, &r);
  else
    print_table(&o, &r);
  idr_extract_run_free(&r);
  return code;
}

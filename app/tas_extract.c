/*
 * iondrift app: `iondrift tas-extract`, the thermal admittance spectroscopy
 * analysis of a C-f-T table (measured, or the CSV of a `tas` run): options,
 * reading (io/ idr_mdata_read), the chain (analysis/ idr_tas_extract, the
 * same code the run uses), printing, JSON and the -o file.
 *   inflections of -w dC/dw -> ln(w0/T^2) = ln(2 xi0) - E/kT per level ->
 *   Walter's tDOS N_t(E_w) = -(V_bi/(q W)) (dC/dw)(w/kT) -> Gaussian bands.
 * V_bi is given (--vbi) or comes with W from a Mott-Schottky fit (--cv):
 *   W = sqrt(2 eps (V_bi - V - kT/q) / (q N)).
 * Exit codes as in main.c: 2 for bad options, unreadable or malformed
 * input; 1 for an I/O failure writing -o and out of memory.
 */
#include "app.h"
#include "app_data.h"
#include "app_out.h"
#include "idr_analysis.h"
#include "idr_io.h"
#include "idr_protocols.h"

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

typedef struct tas_opts {
  const char *path, *cv, *out_h5;
  double area_cm2, eps_r, vbi_V, w_nm, bias_V, doping_cm3, band_dos_cm3;
  double V_lo, V_hi;
  int have_range, json;
  size_t smooth;
  idr_mdata_options data;
} tas_opts;

typedef struct tas_run {
  idr_mdata md, cv_md;
  idr_mott_schottky ms;
  idr_tas_options o;
  idr_tas_extraction x;
  int have_x;
} tas_run;

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

static int parse_one(int argc, char **argv, int *i, tas_opts *o) {
  const char *a = argv[*i];
  static const struct {
    const char *name;
    size_t off;
    int any_sign;
  } NUM[] = {{"--area-cm2", offsetof(tas_opts, area_cm2), 0},
             {"--eps-r", offsetof(tas_opts, eps_r), 0},
             {"--vbi", offsetof(tas_opts, vbi_V), 0},
             {"--w-nm", offsetof(tas_opts, w_nm), 0},
             {"--bias-V", offsetof(tas_opts, bias_V), 1},
             {"--doping-cm3", offsetof(tas_opts, doping_cm3), 0},
             {"--band-dos-cm3", offsetof(tas_opts, band_dos_cm3), 0}};
  for (size_t k = 0; k < sizeof NUM / sizeof NUM[0]; k++) {
    if (!idr_app_is_opt(a, NUM[k].name)) continue;
    const char *v = idr_app_opt_value(argc, argv, i, NUM[k].name);
    double *out = (double *)((char *)o + NUM[k].off);
    if (!idr_app_parse_number(v, out) || (!NUM[k].any_sign && !(*out > 0.0)))
      return idr_app_usage_error("tas-extract", "%s needs a number%s (got '%s')", NUM[k].name,
                                 NUM[k].any_sign ? "" : " > 0", v ? v : "");
    return 0;
  }
  int rc = idr_app_data_option("tas-extract", IDR_APP_DATA_GROUP | IDR_APP_DATA_FREQ, argc, argv, i,
                               &o->data);
  if (rc) return rc == 1 ? 0 : rc;
  if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
    idr_app_tas_extract_usage(stdout);
    return -1;
  }
  if (strcmp(a, "--json") == 0) {
    o->json = 1;
    return 0;
  }
  const int out = strcmp(a, "-o") == 0 || idr_app_is_opt(a, "--output");
  const char *name = out                               ? a
                     : idr_app_is_opt(a, "--cv")       ? "--cv"
                     : idr_app_is_opt(a, "--cv-range") ? "--cv-range"
                     : idr_app_is_opt(a, "--smooth")   ? "--smooth"
                                                       : NULL;
  if (!name) return idr_app_usage_error("tas-extract", "unknown option '%s'", a);
  const char *v = idr_app_opt_value(argc, argv, i, out ? (a[1] == 'o' ? "-o" : "--output") : name);
  if (!v || !v[0]) return idr_app_usage_error("tas-extract", "option '%s' needs a value", a);
  if (out) {
    o->out_h5 = v;
  } else if (strcmp(name, "--cv") == 0) {
    o->cv = v;
  } else if (strcmp(name, "--cv-range") == 0) {
    if (!idr_app_parse_range(v, &o->V_lo, &o->V_hi) || !(o->V_lo < o->V_hi))
      return idr_app_usage_error("tas-extract",
                                 "--cv-range needs VLO:VHI in V, VLO < VHI (got '%s')", v);
    o->have_range = 1;
  } else {
    double k;
    if (!idr_app_parse_number(v, &k) || k < 0 || k != floor(k) || k > 100)
      return idr_app_usage_error("tas-extract", "--smooth needs a count in [0, 100] (got '%s')", v);
    o->smooth = (size_t)k;
  }
  return 0;
}

static int parse_args(int argc, char **argv, tas_opts *o) {
  int only_args = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (only_args || a[0] != '-' || a[1] == '\0') {
      if (o->path)
        return idr_app_usage_error("tas-extract", "unexpected argument '%s' (one data file)", a);
      o->path = a;
    } else if (strcmp(a, "--") == 0) {
      only_args = 1;
    } else {
      int rc = parse_one(argc, argv, &i, o);
      if (rc) return rc;
    }
  }
  if (!o->path) return idr_app_usage_error("tas-extract", "missing the data file (DATA.csv)");
  if (!isfinite(o->area_cm2))
    return idr_app_usage_error("tas-extract", "missing --area-cm2 (the device area)");
  if (!isfinite(o->eps_r))
    return idr_app_usage_error("tas-extract", "missing --eps-r (the relative permittivity)");
  if (isfinite(o->vbi_V) == (o->cv != NULL))
    return idr_app_usage_error("tas-extract",
                               "give exactly one of --vbi V and --cv CV.csv (Walter's V_bi)");
  if (o->have_range && !o->cv) return idr_app_usage_error("tas-extract", "--cv-range needs --cv");
  return idr_app_check_output("tas-extract", o->out_h5);
}

/* ---- the chain ------------------------------------------------------------- */

/* V_bi, N and W from the Mott-Schottky fit of --cv. */
static idr_status from_cv(const tas_opts *o, tas_run *r, double T_K, idr_error *err) {
  const idr_mdata_spec spec = {.group = -1, .x = IDR_Q_VOLTAGE, .ny = 1, .y = {IDR_Q_CAPACITANCE}};
  idr_status st = idr_mdata_read(o->cv, &spec, NULL, &r->cv_md, err);
  if (st) return st;
  idr_mott_schottky_options mo;
  idr_mott_schottky_options_default(&mo);
  mo.area_cm2 = o->area_cm2;
  mo.eps_r = o->eps_r;
  if (o->have_range) {
    mo.V_lo = o->V_lo;
    mo.V_hi = o->V_hi;
  }
  st = idr_mott_schottky_fit(r->cv_md.x, r->cv_md.y[0], r->cv_md.n, &mo, &r->ms, err);
  if (st) return idr_error_context(err, "Mott-Schottky fit of %s", o->cv);
  r->o.V_bi_V = r->ms.V_bi;
  if (!isfinite(o->doping_cm3)) r->o.N_A_cm3 = r->ms.N_cm3;
  if (!isfinite(o->w_nm)) {
    double V = r->ms.V_bi - r->ms.polarity * (isfinite(o->bias_V) ? o->bias_V : 0.0) -
               idr_thermal_voltage(T_K);
    if (!(V > 0))
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s: V_bi = %.4g V leaves no depletion at the bias %.4g V (give --w-nm)",
                           o->cv, r->ms.V_bi, isfinite(o->bias_V) ? o->bias_V : 0.0);
    double eps = o->eps_r * IDR_EPS0, N = r->ms.N_cm3 * IDR_CM3_TO_M3;
    r->o.W_nm = sqrt(2.0 * eps * V / (IDR_Q * N)) / IDR_NM_TO_M;
  }
  return IDR_OK;
}

static idr_status run_chain(const tas_opts *o, tas_run *r, idr_error *err) {
  const idr_mdata_spec spec = {.group = IDR_Q_TEMPERATURE,
                               .x = IDR_Q_FREQUENCY,
                               .ny = 2,
                               .y = {IDR_Q_CAPACITANCE, IDR_Q_CONDUCTANCE},
                               .y_optional = {0, 1},
                               .x_positive = 1,
                               .x_unique = 1};
  idr_status st = idr_mdata_read(o->path, &spec, &o->data, &r->md, err);
  if (st) return st;
  idr_tas_options_default(&r->o);
  r->o.C_to_F_m2 = 1.0 / (o->area_cm2 * IDR_CM2_TO_M2);
  r->o.eps_r = o->eps_r;
  r->o.V_bi_V = o->vbi_V;
  r->o.W_nm = o->w_nm;
  r->o.N_A_cm3 = o->doping_cm3;
  r->o.band_dos_cm3 = o->band_dos_cm3;
  r->o.smooth = o->smooth;
  if (o->cv) {
    double Tmid = 0.5 * (r->md.group[0] + r->md.group[r->md.m - 1]);
    st = from_cv(o, r, Tmid, err);
    if (st) return st;
  }
  idr_tas_curve *c = calloc(r->md.m ? r->md.m : 1, sizeof *c);
  if (!c) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t j = 0; j < r->md.m; j++)
    c[j] = (idr_tas_curve){r->md.group[j], r->md.off[j + 1] - r->md.off[j], r->md.x + r->md.off[j],
                           r->md.y[0] + r->md.off[j]};
  st = idr_tas_extract(c, r->md.m, &r->o, &r->x, err);
  free(c);
  if (st) return idr_error_context(err, "%s", o->path);
  r->have_x = 1;
  return IDR_OK;
}

/* ---- output ------------------------------------------------------------------ */

static idr_status write_h5(const tas_opts *o, const tas_run *r, idr_error *err) {
  idr_rset *rs = NULL;
  idr_status st = idr_rset_create(&rs, err);
  if (st) return st;
  const idr_mdata *d = &r->md;
  int *off = malloc((d->m + 1) * sizeof *off);
  if (!off) {
    idr_rset_free(&rs);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  for (size_t j = 0; j <= d->m; j++)
    off[j] = (int)d->off[j];
  st = idr_rset_attr_string(rs, "/", "command", "tas-extract", err);
  if (!st) st = idr_rset_attr_string(rs, "/", "input", o->path, err);
  if (!st) st = idr_rset_attr_string(rs, "/", "iondrift_version", IDR_VERSION, err);
  if (!st) st = idr_rset_attr_double(rs, "/", "area_cm2", o->area_cm2, err);
  if (!st) st = idr_rset_attr_double(rs, "/", "eps_r", o->eps_r, err);
  if (!st) st = idr_rset_put_double(rs, "data/T", d->group, d->m, "K", err);
  if (!st) st = idr_rset_put_int(rs, "data/offset", off, d->m + 1, "-", err);
  if (!st) st = idr_rset_put_double(rs, "data/f", d->x, d->n, "Hz", err);
  if (!st) st = idr_rset_put_double(rs, "data/C", d->y[0], d->n, "F", err);
  if (!st && d->y[1]) st = idr_rset_put_double(rs, "data/G", d->y[1], d->n, "S", err);
  if (!st) st = idr_tas_write_extraction(rs, "extraction", &r->x, err);
  if (!st) st = idr_rset_write(rs, o->out_h5, NULL, err);
  free(off);
  idr_rset_free(&rs);
  return st;
}

static void print_json(const tas_opts *o, const tas_run *r) {
  const idr_tas_extraction *x = &r->x;
  printf("{\"levels\":[");
  for (size_t k = 0; k < x->n_levels; k++) {
    const idr_tas_level *L = &x->levels[k];
    printf("%s{", k ? "," : "");
    idr_app_json_number("E_eV", L->E_eV, 0);
    idr_app_json_number("E_err_eV", L->E_err_eV, 0);
    idr_app_json_number("nu0_s", L->xi_s_K2 * TAS_NU0_T_K * TAS_NU0_T_K, 0);
    idr_app_json_number("xi0_s_K2", L->xi_s_K2, 0);
    idr_app_json_number("ln_xi0_err", L->ln_xi_err, 0);
    idr_app_json_number("r2", L->r2, 0);
    idr_app_json_number("temperatures", (double)L->n_T, 0);
    idr_app_json_number("T_min_K", L->T_K[0], 0);
    idr_app_json_number("T_max_K", L->T_K[L->n_T - 1], 0);
    idr_app_json_number("N_cm3", L->N_cm3, 0);
    idr_app_json_number("N_err_cm3", L->N_err_cm3, 1);
    putchar('}');
  }
  printf("],\"bands\":[");
  for (size_t k = 0; k < x->n_bands; k++) {
    const idr_tas_band *b = &x->bands[k];
    printf("%s{\"level\":%d,", k ? "," : "", b->level);
    idr_app_json_number("E_eV", b->E_eV, 0);
    idr_app_json_number("E_err_eV", b->E_err_eV, 0);
    idr_app_json_number("sigma_eV", b->sigma_eV, 0);
    idr_app_json_number("sigma_err_eV", b->sigma_err_eV, 0);
    idr_app_json_number("N_cm3", b->N_cm3, 0);
    idr_app_json_number("N_err_cm3", b->N_err_cm3, 0);
    idr_app_json_number("points", (double)b->n_points, 1);
    putchar('}');
  }
  printf("],");
  idr_app_json_number("V_bi_V", x->V_bi_V, 0);
  printf("\"V_bi_source\":\"%s\",", o->cv ? "mott-schottky" : "given");
  idr_app_json_number("N_A_cm3", r->o.N_A_cm3, 0);
  idr_app_json_number("W_nm", isfinite(r->o.W_nm) ? r->o.W_nm : NAN, 0);
  printf("\"W_source\":\"%s\",", isfinite(o->w_nm) ? "given"
                                 : o->cv           ? "mott-schottky"
                                                   : "C(f_max) per temperature");
  printf("\"temperatures\":%zu}\n", x->m);
}

static void print_table(const tas_opts *o, const tas_run *r) {
  const idr_tas_extraction *x = &r->x;
  char how[1024];
  idr_mdata_describe(&r->md, how, sizeof how);
  printf("TAS analysis of %s (%zu temperatures %g .. %g K)\n", o->path, x->m, x->T_K[x->m - 1],
         x->T_K[0]);
  printf("  data          %s\n", how);
  if (o->cv)
    printf("  V_bi          %.4g V, N = %.4g cm^-3 (Mott-Schottky of %s, %zu points)\n", r->ms.V_bi,
           r->ms.N_cm3, o->cv, r->ms.n_used);
  else
    printf("  V_bi          %.4g V (given)\n", x->V_bi_V);
  printf("  W             ");
  if (isfinite(r->o.W_nm))
    printf("%.4g nm (%s)\n", r->o.W_nm, isfinite(o->w_nm) ? "given" : "Mott-Schottky");
  else
    printf("eps A / C(f_max): %.4g nm (%g K) .. %.4g nm (%g K)\n", x->W_nm[x->m - 1],
           x->T_K[x->m - 1], x->W_nm[0], x->T_K[0]);
  printf("  levels        %zu (ln(w0/T^2) = ln(2 xi0) - E/kT)\n", x->n_levels);
  for (size_t k = 0; k < x->n_levels; k++) {
    const idr_tas_level *L = &x->levels[k];
    printf("  level %zu       E = %.4f +/- %.2g eV, xi0 = %.3g s^-1 K^-2 (nu0(300 K) = %.3g "
           "s^-1), %zu temperatures %g .. %g K",
           k, L->E_eV, L->E_err_eV, L->xi_s_K2, L->xi_s_K2 * TAS_NU0_T_K * TAS_NU0_T_K, L->n_T,
           L->T_K[0], L->T_K[L->n_T - 1]);
    if (isfinite(L->N_cm3)) printf(", N = %.4g +/- %.2g cm^-3 (step)", L->N_cm3, L->N_err_cm3);
    printf("\n");
  }
  for (size_t k = 0; k < x->n_bands; k++) {
    const idr_tas_band *b = &x->bands[k];
    printf("  band %zu        E0 = %.4f +/- %.2g eV, sigma = %.4f +/- %.2g eV, N = %.4g +/- "
           "%.2g cm^-3 (Walter, level %d, %zu points)\n",
           k, b->E_eV, b->E_err_eV, b->sigma_eV, b->sigma_err_eV, b->N_cm3, b->N_err_cm3, b->level,
           b->n_points);
  }
  if (o->out_h5) printf("  wrote         %s\n", o->out_h5);
}

int idr_app_tas_extract(int argc, char **argv) {
  tas_opts o = {.area_cm2 = NAN,
                .eps_r = NAN,
                .vbi_V = NAN,
                .w_nm = NAN,
                .bias_V = NAN,
                .doping_cm3 = NAN,
                .band_dos_cm3 = NAN};
  idr_app_data_defaults(&o.data);
  int rc = parse_args(argc, argv, &o);
  if (rc) return rc < 0 ? IDR_EXIT_OK : rc;
  tas_run r;
  memset(&r, 0, sizeof r);
  idr_error err;
  idr_error_clear(&err);
  int code = IDR_EXIT_OK;
  idr_status st = run_chain(&o, &r, &err);
  idr_app_data_warnings(&r.md);
  idr_app_data_warnings(&r.cv_md);
  if (st) {
    code = st == IDR_ERR_NOMEM ? IDR_EXIT_RUNTIME : IDR_EXIT_INPUT;
  } else if (o.out_h5) {
    st = write_h5(&o, &r, &err);
    if (st) code = IDR_EXIT_RUNTIME;
  }
  if (st)
    fprintf(stderr, "iondrift: error: %s\n", err.msg[0] ? err.msg : idr_status_str(st));
  else if (o.json)
    print_json(&o, &r);
  else
    print_table(&o, &r);
  if (r.have_x) idr_tas_extraction_free(&r.x);
  idr_mdata_free(&r.md);
  idr_mdata_free(&r.cv_md);
  return code;
}

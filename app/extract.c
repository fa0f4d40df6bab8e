/*
 * iondrift app: `iondrift extract`, the TID extraction on measured or
 * simulated capacitance transients C(t, T).
 *
 *   iondrift extract DATA.csv|RESULT.h5 --area-cm2 A --eps-r E
 *                    (--doping-cm3 N | --cv CV.csv [--cv-range VLO:VHI])
 *                    [--power n] [--model single|stretched|two] [-o OUT.h5] [--json]
 *
 * Input: a long-format CSV (temperature_K,time_s,capacitance_F; rows in any
 * order, grouped here by temperature and sorted by time) or the HDF5 result
 * of `iondrift run` with a TID scan (tid/T [K], tid/t [s], tid/C [F/m^2]).
 * The chain is idr_tid_extract (analysis/, docs/analysis.md):
 *   per-temperature fits -> ln(T^n/tau) = ln A - Ea/(kT) -> global fit,
 *   N_ion = 2 N_A |dC|/C_inf,  D(T) = kT eps0 eps_r / (q^2 N_A tau).
 * Ea and dC/C do not depend on the unit of C; the area only enters N_A when
 * it comes from a Mott-Schottky fit of a C-V table (--cv, C in F):
 *   1/C^2 = 2 (V_bi - V - kT/q) / (q eps0 eps_r A^2 N_A).
 * Exit codes as in main.c: 2 for bad options, unreadable or malformed input
 * and a failed extraction; 1 for an I/O failure writing -o and out of memory.
 */
#define _POSIX_C_SOURCE 200809L

#include "app.h"
#include "idr_analysis.h"
#include "idr_io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Points the per-temperature fit needs: parameters + 2, and at least twice the
 * 3 points averaged for the C_inf and C(0) guesses (analysis/transient.c). */
#define EXTRACT_MIN_AVG 3
#define NAME_LEN 256

static const char USAGE_EXTRACT[] =
    "Usage: iondrift extract DATA.csv|RESULT.h5 --area-cm2 A --eps-r E\n"
    "                        (--doping-cm3 N | --cv CV.csv [--cv-range VLO:VHI])\n"
    "                        [--power n] [--model single|stretched|two] [-o OUT.h5]\n"
    "                        [--json]\n"
    "\n"
    "Extract the mobile-ion parameters from capacitance transients C(t) at several\n"
    "temperatures (transient ion drift): per-temperature fits, the Arrhenius law\n"
    "ln(T^n/tau) = ln A - Ea/(kT), a global fit with tau(T) tied to it, then per\n"
    "species Ea, N_ion = 2 N_A |dC|/C_inf, D0 and D(300 K), with standard errors.\n"
    "\n"
    "Input:\n"
    "  DATA.csv    long format with the columns temperature_K, time_s [s, > 0]\n"
    "              and capacitance_F (any unit of C works: only ratios enter);\n"
    "              rows in any order, other columns ignored, '#' starts a comment;\n"
    "              at least 2 temperatures, each with enough points (6; 7 for\n"
    "              --model two); a repeated (T, t) is an error\n"
    "  RESULT.h5   a result of 'iondrift run' with a TID scan (group tid: tid/T,\n"
    "              tid/t, tid/C in F/m^2, i.e. per area); its true ion parameters\n"
    "              (tid/true) are shown beside the extracted ones\n"
    "\n"
    "Options:\n"
    "  --area-cm2 A       device area [cm^2], > 0 (required; it only matters for\n"
    "                     --cv, since Ea and dC/C do not depend on the unit of C)\n"
    "  --eps-r E          relative permittivity of the absorber, > 0 (required)\n"
    "  --doping-cm3 N     absorber doping N_A [cm^-3], > 0, or:\n"
    "  --cv CV.csv        N_A from a Mott-Schottky fit of this C-V table\n"
    "                     (voltage_V, capacitance_F [F, for the area A]);\n"
    "                     exactly one of --doping-cm3 and --cv is required\n"
    "  --cv-range VLO:VHI the voltage range of that fit [V] (default: all points)\n"
    "  --power n          n in ln(T^n/tau): 0, 1 or 2 (default 1)\n"
    "  --model M          transient model: single (default), stretched, two\n"
    "  -o, --output OUT.h5  write the per-temperature fits, the Arrhenius and\n"
    "                     species results and the inputs (docs/cli.md)\n"
    "  --json             print one JSON object instead of the table:\n"
    "                     {\"species\":[{\"sign\",\"Ea_eV\",\"Ea_err_eV\",\"N_ion_cm3\",\n"
    "                     \"D0_cm2_s\",\"D300_cm2_s\",...}],\"N_A_cm3\",\"power\",...}\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  the output file cannot be written, out of memory\n"
    "  2  bad options, an unreadable or malformed input (file:LINE: ...), too few\n"
    "     temperatures or points, or a failed extraction (e.g. fewer than 2\n"
    "     temperatures with tau inside the measured window)\n";

const char *idr_app_extract_usage(void);
int idr_app_extract(int argc, char **argv);

const char *idr_app_extract_usage(void) {
  return USAGE_EXTRACT;
}

static const char *model_name(idr_transient_model m) {
  return m == IDR_TRANSIENT_STRETCHED ? "stretched" : m == IDR_TRANSIENT_TWO_EXP ? "two" : "single";
}

static const char *sign_name(idr_ion_sign s) {
  return s == IDR_ION_ANION ? "anion" : s == IDR_ION_CATION ? "cation" : "unknown";
}

static size_t min_points(idr_transient_model m) {
  size_t p = m == IDR_TRANSIENT_TWO_EXP ? 5 : m == IDR_TRANSIENT_STRETCHED ? 4 : 3;
  return p + 2 > 2 * EXTRACT_MIN_AVG ? p + 2 : 2 * EXTRACT_MIN_AVG;
}

/* ---- the transients ----------------------------------------------------- */

/* True ion parameters of a simulated scan (tid/true/<name> of a result). */
typedef struct true_ion {
  char name[NAME_LEN];
  char sign[16];
  double Ea_eV, N_ion_cm3, D0_cm2_s, D300_cm2_s;
} true_ion;

/* C(t) at m temperatures, curve j in [off[j], off[j+1]) of t and C. */
typedef struct tid_data {
  size_t m;            /* temperatures [-] */
  double *T;           /* [m] temperatures [K] */
  size_t *off;         /* [m + 1] offsets into t and C */
  double *t;           /* times [s], increasing within a curve */
  double *C;           /* capacitances [F (CSV) or F/m^2 (HDF5)] */
  const char *C_units; /* "F" or "F/m^2" */
  const char *kind;    /* "csv" or "h5" */
  true_ion *truth;     /* [n_true] true parameters (HDF5 of a run), or NULL */
  size_t n_true;       /* [-] */
} tid_data;

static void tid_data_free(tid_data *d) {
  free(d->T);
  free(d->off);
  free(d->t);
  free(d->C);
  free(d->truth);
  memset(d, 0, sizeof *d);
}

static idr_status tid_data_alloc(tid_data *d, size_t m, size_t n, idr_error *err) {
  d->m = m;
  d->T = calloc(m, sizeof *d->T);
  d->off = calloc(m + 1, sizeof *d->off);
  d->t = calloc(n, sizeof *d->t);
  d->C = calloc(n, sizeof *d->C);
  if (!d->T || !d->off || !d->t || !d->C) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  return IDR_OK;
}

/* One CSV data row with the file line it came from. */
typedef struct csv_row {
  double T, t, C;
  size_t line;
} csv_row;

/* Hot first, then by time, then by line (so a duplicate follows its first). */
static int row_cmp(const void *pa, const void *pb) {
  const csv_row *a = pa, *b = pb;
  if (a->T != b->T) return a->T > b->T ? -1 : 1;
  if (a->t != b->t) return a->t < b->t ? -1 : 1;
  return (a->line > b->line) - (a->line < b->line);
}

/* The file line of each data row, found with the reader's rules ('#' starts a
 * comment, blank lines skipped, the first remaining line is the header).
 * Leaves 0 (unknown) where the file no longer matches the table. */
static idr_status csv_row_lines(const char *path, size_t nrows, size_t *lines, idr_error *err) {
  FILE *f = fopen(path, "r");
  if (!f) return idr_error_set(err, IDR_ERR_IO, "%s: cannot reopen", path);
  char *buf = NULL;
  size_t cap = 0, lineno = 0, k = 0;
  int header = 0;
  while (getline(&buf, &cap, f) >= 0 && k < nrows) {
    lineno++;
    char *hash = strchr(buf, '#');
    if (hash) *hash = '\0';
    if (!buf[strspn(buf, " \t\r\n")]) continue;
    if (!header)
      header = 1;
    else
      lines[k++] = lineno;
  }
  free(buf);
  fclose(f);
  return IDR_OK;
}

static idr_status load_csv(const char *path, idr_transient_model model, tid_data *d,
                           idr_error *err) {
  static const char *const names[] = {"temperature_K", "time_s", "capacitance_F"};
  idr_csv_table tab;
  csv_row *rows = NULL;
  size_t *lines = NULL;
  idr_status st = idr_csv_read(path, names, 3, &tab, err);
  if (st) return st;
  const size_t n = tab.nrows;
  rows = malloc(n * sizeof *rows);
  lines = calloc(n, sizeof *lines);
  if (!rows || !lines) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    goto out_free;
  }
  st = csv_row_lines(path, n, lines, err);
  if (st) goto out_free;
  for (size_t i = 0; i < n; i++) {
    rows[i] = (csv_row){tab.cols[0][i], tab.cols[1][i], tab.cols[2][i], lines[i]};
    if (!(rows[i].T > 0.0)) {
      st = idr_error_set(err, IDR_ERR_INPUT, "%s:%zu: temperature_K must be > 0 (got %g)", path,
                         rows[i].line, rows[i].T);
      goto out_free;
    }
    if (!(rows[i].t > 0.0)) {
      st = idr_error_set(err, IDR_ERR_INPUT,
                         "%s:%zu: time_s must be > 0 (the time since the end of the fill pulse; "
                         "got %g)",
                         path, rows[i].line, rows[i].t);
      goto out_free;
    }
  }
  qsort(rows, n, sizeof *rows, row_cmp);
  size_t m = 1;
  for (size_t i = 1; i < n; i++) {
    if (rows[i].T == rows[i - 1].T && rows[i].t == rows[i - 1].t) {
      st = idr_error_set(err, IDR_ERR_INPUT,
                         "%s:%zu: duplicate row: T = %g K, t = %g s is already on line %zu", path,
                         rows[i].line, rows[i].T, rows[i].t, rows[i - 1].line);
      goto out_free;
    }
    if (rows[i].T != rows[i - 1].T) m++;
  }
  if (m < 2) {
    st = idr_error_set(err, IDR_ERR_INPUT,
                       "%s: need transients at >= 2 temperatures, found 1 (T = %g K)", path,
                       rows[0].T);
    goto out_free;
  }
  st = tid_data_alloc(d, m, n, err);
  if (st) goto out_free;
  d->C_units = "F";
  d->kind = "csv";
  size_t j = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && rows[i].T != rows[i - 1].T) d->off[++j] = i;
    d->T[j] = rows[i].T;
    d->t[i] = rows[i].t;
    d->C[i] = rows[i].C;
  }
  d->off[m] = n;
  for (j = 0; j < m; j++)
    if (d->off[j + 1] - d->off[j] < min_points(model)) {
      st = idr_error_set(err, IDR_ERR_INPUT,
                         "%s: T = %g K has %zu point(s); the %s fit needs at least %zu", path,
                         d->T[j], d->off[j + 1] - d->off[j], model_name(model), min_points(model));
      goto out_free;
    }
out_free:
  free(rows);
  free(lines);
  idr_csv_table_free(&tab);
  return st;
}

/* tid/true/<name>: the deck's ion parameters beside the extraction. */
static idr_status load_truth(idr_h5 *h, tid_data *d, idr_error *err) {
  if (idr_h5_kind_of(h, "tid/true") != IDR_H5_GROUP) return IDR_OK;
  char **names = NULL;
  size_t count = 0;
  idr_status st = idr_h5_list(h, "tid/true", &names, &count, err);
  if (st || count == 0) goto out_free;
  d->truth = calloc(count, sizeof *d->truth);
  if (!d->truth) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    goto out_free;
  }
  for (size_t k = 0; !st && k < count; k++) {
    true_ion *ti = &d->truth[k];
    char g[NAME_LEN + 16], *sign = NULL;
    snprintf(ti->name, sizeof ti->name, "%s", names[k]);
    snprintf(g, sizeof g, "tid/true/%s", names[k]);
    st = idr_h5_read_attr_string(h, g, "sign", &sign, err);
    if (!st) snprintf(ti->sign, sizeof ti->sign, "%s", sign);
    idr_h5_free(sign);
    if (!st) st = idr_h5_read_attr_double(h, g, "Ea_eV", &ti->Ea_eV, err);
    if (!st) st = idr_h5_read_attr_double(h, g, "N_ion_cm3", &ti->N_ion_cm3, err);
    if (!st) st = idr_h5_read_attr_double(h, g, "D0_cm2_s", &ti->D0_cm2_s, err);
    if (!st) st = idr_h5_read_attr_double(h, g, "D300_cm2_s", &ti->D300_cm2_s, err);
    if (!st) d->n_true = k + 1;
  }
out_free:
  idr_h5_names_free(names, count);
  return st;
}

static idr_status load_h5(const char *path, idr_transient_model model, tid_data *d,
                          idr_error *err) {
  idr_h5 *h = NULL;
  idr_h5_dataset T, t, C;
  memset(&T, 0, sizeof T);
  memset(&t, 0, sizeof t);
  memset(&C, 0, sizeof C);
  idr_status st = idr_h5_open(path, &h, err);
  if (st) return st;
  if (idr_h5_kind_of(h, "tid") != IDR_H5_GROUP) {
    st = idr_error_set(err, IDR_ERR_INPUT,
                       "%s: no group 'tid' (expected the result of 'iondrift run' with protocol "
                       "tid, or a CSV temperature_K,time_s,capacitance_F)",
                       path);
    goto out_close;
  }
  st = idr_h5_read_double(h, "tid/T", "K", &T, err);
  if (!st) st = idr_h5_read_double(h, "tid/t", "s", &t, err);
  if (!st) st = idr_h5_read_double(h, "tid/C", "F/m^2", &C, err);
  if (st) goto out_close;
  const size_t m = T.size, ns = t.size;
  if (T.rank != 1 || t.rank != 1 || C.rank != 2 || C.dims[0] != m || C.dims[1] != ns) {
    st = idr_error_set(err, IDR_ERR_INPUT,
                       "%s: tid/C is %zu x %zu, expected n_T x n_t = %zu x %zu (tid/T, tid/t)",
                       path, C.dims[0], C.dims[1], m, ns);
    goto out_close;
  }
  if (m < 2) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: need transients at >= 2 temperatures, found %zu",
                       path, m);
    goto out_close;
  }
  if (ns < min_points(model)) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: %zu time(s) per transient; the %s fit needs %zu",
                       path, ns, model_name(model), min_points(model));
    goto out_close;
  }
  for (size_t k = 0; k < ns; k++)
    if (!(t.data[k] > 0.0) || (k > 0 && !(t.data[k] > t.data[k - 1]))) {
      st = idr_error_set(err, IDR_ERR_INPUT, "%s: tid/t[%zu] = %g: times must be > 0 and increase",
                         path, k, t.data[k]);
      goto out_close;
    }
  st = tid_data_alloc(d, m, m * ns, err);
  if (st) goto out_close;
  d->C_units = "F/m^2";
  d->kind = "h5";
  for (size_t j = 0; j < m; j++) {
    d->T[j] = T.data[j];
    d->off[j] = j * ns;
    memcpy(d->t + j * ns, t.data, ns * sizeof *d->t);
  }
  d->off[m] = m * ns;
  memcpy(d->C, C.data, m * ns * sizeof *d->C);
  st = load_truth(h, d, err);
out_close:
  idr_h5_dataset_free(&T);
  idr_h5_dataset_free(&t);
  idr_h5_dataset_free(&C);
  idr_h5_close(&h);
  return st;
}

/* HDF5 by its name (.h5, .hdf5) or by its signature; anything else is CSV. */
static int is_hdf5(const char *path) {
  const char *dot = strrchr(path, '.');
  if (dot && (strcmp(dot, ".h5") == 0 || strcmp(dot, ".hdf5") == 0)) return 1;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  unsigned char sig[8] = {0};
  size_t n = fread(sig, 1, sizeof sig, f);
  fclose(f);
  static const unsigned char H5SIG[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  return n == sizeof sig && memcmp(sig, H5SIG, sizeof sig) == 0;
}

/* ---- options and results ------------------------------------------------ */

typedef struct extract_opts {
  const char *path;   /* DATA.csv or RESULT.h5 */
  const char *cv;     /* --cv CV.csv, or NULL */
  const char *out_h5; /* -o, or NULL */
  double area_cm2;    /* --area-cm2 [cm^2] */
  double eps_r;       /* --eps-r [-] */
  double doping_cm3;  /* --doping-cm3 [cm^-3], NAN when not given */
  double V_lo, V_hi;  /* --cv-range [V] */
  int have_range;     /* --cv-range given */
  int power;          /* --power */
  idr_transient_model model;
  int json;
} extract_opts;

typedef struct extract_run {
  tid_data data;
  idr_mott_schottky ms; /* valid when opts->cv */
  double N_A_cm3, N_A_err_cm3;
  idr_tid_extraction x;
} extract_run;

/* A file name as a JSON string (quotes, backslashes and controls escaped). */
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

static void print_json(const extract_opts *o, const extract_run *r) {
  const idr_tid_extraction *x = &r->x;
  printf("{\"species\":[");
  for (int c = 0; c < x->n_species; c++) {
    const idr_tid_species *sp = &x->species[c];
    printf("%s{\"sign\":\"%s\",", c ? "," : "", sign_name(sp->sign));
    idr_app_json_number("Ea_eV", sp->Ea_eV, 0);
    idr_app_json_number("Ea_err_eV", sp->Ea_err_eV, 0);
    idr_app_json_number("Ea_regression_eV", sp->Ea_regression_eV, 0);
    idr_app_json_number("Ea_regression_err_eV", sp->Ea_regression_err_eV, 0);
    idr_app_json_number("N_ion_cm3", sp->N_ion_cm3, 0);
    idr_app_json_number("N_ion_err_cm3", sp->N_ion_err_cm3, 0);
    idr_app_json_number("D0_cm2_s", sp->D0_cm2_s, 0);
    idr_app_json_number("D0_err_cm2_s", sp->D0_err_cm2_s, 0);
    idr_app_json_number("D300_cm2_s", sp->D300_cm2_s, 0);
    idr_app_json_number("D300_err_cm2_s", sp->D300_err_cm2_s, 1);
    putchar('}');
  }
  printf("],");
  idr_app_json_number("N_A_cm3", r->N_A_cm3, 0);
  idr_app_json_number("N_A_err_cm3", o->cv ? r->ms.N_err_cm3 : 0.0, 0);
  printf("\"N_A_source\":\"%s\",", o->cv ? "mott-schottky" : "doping");
  printf("\"power\":%d,\"model\":\"%s\",", x->power, model_name(x->model));
  printf("\"temperatures\":%zu,\"temperatures_used\":%zu,", x->m, x->n_used);
  printf("\"global_fit\":%s", x->global_ok ? "true" : "false");
  if (r->data.n_true > 0) {
    printf(",\"true\":[");
    for (size_t k = 0; k < r->data.n_true; k++) {
      const true_ion *ti = &r->data.truth[k];
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

static void print_table(const extract_opts *o, const extract_run *r) {
  const idr_tid_extraction *x = &r->x;
  const tid_data *d = &r->data;
  printf("TID extraction of %s (%zu temperatures %g .. %g K)\n", o->path, d->m, d->T[0],
         d->T[d->m - 1]);
  if (o->cv)
    printf("  N_A           %.6g +/- %.2g cm^-3 (Mott-Schottky of %s, %zu points, R^2 %.6f)\n",
           r->N_A_cm3, r->ms.N_err_cm3, o->cv, r->ms.n_used, r->ms.r2);
  else
    printf("  N_A           %.6g cm^-3 (given)\n", r->N_A_cm3);
  printf("  eps_r         %g, area %g cm^2, %s model, ln(T^%d/tau) vs 1/T\n", o->eps_r, o->area_cm2,
         model_name(x->model), x->power);
  printf("  %8s %12s %12s", "T [K]", "tau [s]", "dC/C_inf");
  if (x->model == IDR_TRANSIENT_TWO_EXP) printf(" %12s %12s", "tau2 [s]", "dC2/C_inf");
  printf("  used\n");
  for (size_t j = 0; j < x->m; j++) {
    const idr_transient_fit *f = &x->per_T[j];
    printf("  %8.2f", d->T[j]);
    for (size_t c = 0; c < (x->model == IDR_TRANSIENT_TWO_EXP ? 2u : 1u); c++)
      if (c < f->n_comp)
        printf(" %12.4e %+12.4e", f->tau_s[c], f->dC[c] / f->C_inf);
      else
        printf(" %12s %12s", "-", "-");
    printf("  %s\n", x->used[j] ? "yes" : "no");
  }
  printf("  extraction    %zu of %zu temperatures in the window, %s\n", x->n_used, x->m,
         x->global_ok ? "global fit" : "regression only (global fit failed or not available)");
  for (int c = 0; c < x->n_species; c++) {
    const idr_tid_species *sp = &x->species[c];
    printf("  %-7s Ea    %.4f +/- %.2g eV (regression %.4f", sign_name(sp->sign), sp->Ea_eV,
           sp->Ea_err_eV, sp->Ea_regression_eV);
    if (isfinite(sp->Ea_regression_err_eV))
      printf(" +/- %.2g eV)\n", sp->Ea_regression_err_eV);
    else
      printf(" eV, no error from 2 temperatures)\n");
    printf("          N_ion %.4g +/- %.2g cm^-3\n", sp->N_ion_cm3, sp->N_ion_err_cm3);
    printf("          D0    %.4g +/- %.2g cm^2/s, D(300 K) %.4g +/- %.2g cm^2/s\n", sp->D0_cm2_s,
           sp->D0_err_cm2_s, sp->D300_cm2_s, sp->D300_err_cm2_s);
  }
  for (size_t k = 0; k < d->n_true; k++) {
    const true_ion *ti = &d->truth[k];
    printf("  true    %-7s Ea = %.4f eV, N_ion = %.4g cm^-3, D0 = %.4g cm^2/s, "
           "D(300 K) = %.4g cm^2/s (%s)\n",
           ti->sign, ti->Ea_eV, ti->N_ion_cm3, ti->D0_cm2_s, ti->D300_cm2_s, ti->name);
  }
  if (o->out_h5) printf("  wrote         %s\n", o->out_h5);
}

/* ---- the -o file -------------------------------------------------------- */

static idr_status write_attrs(idr_h5 *h, const char *g, const char *const *names, const double *v,
                              size_t n, idr_error *err) {
  idr_status st = idr_h5_create_group(h, g, err);
  for (size_t i = 0; !st && i < n; i++)
    st = idr_h5_set_attr_double(h, g, names[i], v[i], err);
  return st;
}

static idr_status write_per_T(idr_h5 *h, const extract_run *r, idr_error *err) {
  const idr_tid_extraction *x = &r->x;
  const size_t m = x->m;
  double *tau = malloc(2 * m * sizeof *tau), *tau_e = malloc(2 * m * sizeof *tau_e);
  double *dC = malloc(2 * m * sizeof *dC), *Cinf = malloc(m * sizeof *Cinf);
  double *beta = malloc(m * sizeof *beta);
  idr_status st = IDR_OK;
  if (!tau || !tau_e || !dC || !Cinf || !beta) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    goto out_free;
  }
  for (size_t j = 0; j < m; j++) {
    const idr_transient_fit *f = &x->per_T[j];
    Cinf[j] = f->C_inf;
    beta[j] = f->beta;
    for (size_t c = 0; c < 2; c++) {
      tau[2 * j + c] = c < f->n_comp ? f->tau_s[c] : NAN;
      tau_e[2 * j + c] = c < f->n_comp ? f->tau_err_s[c] : NAN;
      dC[2 * j + c] = c < f->n_comp ? f->dC[c] : NAN;
    }
  }
  st = idr_h5_write_double_1d(h, "extraction/T", r->data.T, m, "K", err);
  if (!st) st = idr_h5_write_double_2d(h, "extraction/tau", tau, m, 2, "s", err);
  if (!st) st = idr_h5_write_double_2d(h, "extraction/tau_err", tau_e, m, 2, "s", err);
  if (!st) st = idr_h5_write_double_2d(h, "extraction/dC", dC, m, 2, r->data.C_units, err);
  if (!st) st = idr_h5_write_double_1d(h, "extraction/C_inf", Cinf, m, r->data.C_units, err);
  if (!st) st = idr_h5_write_double_1d(h, "extraction/beta", beta, m, "-", err);
  if (!st) st = idr_h5_write_int_1d(h, "extraction/used", x->used, m, "-", err);
out_free:
  free(tau);
  free(tau_e);
  free(dC);
  free(Cinf);
  free(beta);
  return st;
}

static idr_status write_result(const extract_opts *o, const extract_run *r, idr_error *err) {
  const idr_tid_extraction *x = &r->x;
  idr_h5 *h = NULL;
  idr_status st = idr_h5_create(o->out_h5, &h, err);
  if (st) return st;
  st = idr_h5_set_attr_string(h, "/", "iondrift_version", IDR_VERSION, err);
  if (!st) st = idr_h5_set_attr_string(h, "/", "command", "extract", err);
  if (!st) st = idr_h5_set_attr_string(h, "/", "input", o->path, err);
  if (!st) st = idr_h5_set_attr_string(h, "/", "input_kind", r->data.kind, err);
  if (!st) st = idr_h5_set_attr_string(h, "/", "model", model_name(x->model), err);
  if (!st)
    st = idr_h5_set_attr_string(h, "/", "N_A_source", o->cv ? "mott-schottky" : "doping", err);
  static const char *const in_names[] = {"N_A_cm3", "N_A_err_cm3", "eps_r", "area_cm2", "power"};
  const double in_v[] = {r->N_A_cm3, r->N_A_err_cm3, o->eps_r, o->area_cm2, (double)x->power};
  for (size_t i = 0; !st && i < sizeof in_v / sizeof in_v[0]; i++)
    st = idr_h5_set_attr_double(h, "/", in_names[i], in_v[i], err);
  if (!st && o->cv) {
    static const char *const ms_names[] = {"N_cm3", "N_err_cm3", "V_bi_V", "V_bi_err_V", "points",
                                           "r2",    "polarity",  "V_lo_V", "V_hi_V"};
    const double ms_v[] = {r->ms.N_cm3,
                           r->ms.N_err_cm3,
                           r->ms.V_bi,
                           r->ms.V_bi_err,
                           (double)r->ms.n_used,
                           r->ms.r2,
                           (double)r->ms.polarity,
                           o->have_range ? o->V_lo : -HUGE_VAL,
                           o->have_range ? o->V_hi : HUGE_VAL};
    st = write_attrs(h, "mott_schottky", ms_names, ms_v, sizeof ms_v / sizeof ms_v[0], err);
    if (!st) st = idr_h5_set_attr_string(h, "mott_schottky", "cv_file", o->cv, err);
  }
  if (!st) st = write_per_T(h, r, err);
  if (!st) st = idr_h5_set_attr_double(h, "extraction", "global_fit", (double)x->global_ok, err);
  for (int c = 0; !st && c < x->n_species; c++) {
    char g[64];
    const idr_arrhenius *a = &x->arrhenius[c];
    static const char *const ar_names[] = {"Ea_eV", "Ea_err_eV", "lnA", "lnA_err",
                                           "r2",    "chi2",      "dof"};
    const double ar_v[] = {a->Ea_eV, a->Ea_err_eV, a->lnA,        a->lnA_err,
                           a->r2,    a->chi2,      (double)a->dof};
    snprintf(g, sizeof g, "extraction/arrhenius_%d", c);
    st = write_attrs(h, g, ar_names, ar_v, sizeof ar_v / sizeof ar_v[0], err);
    const idr_tid_species *sp = &x->species[c];
    static const char *const sp_names[] = {
        "Ea_eV",         "Ea_err_eV", "Ea_regression_eV", "Ea_regression_err_eV", "N_ion_cm3",
        "N_ion_err_cm3", "D0_cm2_s",  "D0_err_cm2_s",     "D300_cm2_s",           "D300_err_cm2_s"};
    const double sp_v[] = {
        sp->Ea_eV,      sp->Ea_err_eV,     sp->Ea_regression_eV, sp->Ea_regression_err_eV,
        sp->N_ion_cm3,  sp->N_ion_err_cm3, sp->D0_cm2_s,         sp->D0_err_cm2_s,
        sp->D300_cm2_s, sp->D300_err_cm2_s};
    snprintf(g, sizeof g, "extraction/species_%d", c);
    if (!st) st = write_attrs(h, g, sp_names, sp_v, sizeof sp_v / sizeof sp_v[0], err);
    if (!st) st = idr_h5_set_attr_string(h, g, "sign", sign_name(sp->sign), err);
  }
  for (size_t k = 0; !st && k < r->data.n_true; k++) {
    const true_ion *ti = &r->data.truth[k];
    char g[NAME_LEN + 32];
    static const char *const t_names[] = {"Ea_eV", "N_ion_cm3", "D0_cm2_s", "D300_cm2_s"};
    const double t_v[] = {ti->Ea_eV, ti->N_ion_cm3, ti->D0_cm2_s, ti->D300_cm2_s};
    snprintf(g, sizeof g, "extraction/true/%s", ti->name);
    st = write_attrs(h, g, t_names, t_v, 4, err);
    if (!st) st = idr_h5_set_attr_string(h, g, "sign", ti->sign, err);
  }
  if (st) {
    idr_h5_abort(&h);
    return st;
  }
  return idr_h5_commit(&h, err);
}

/* ---- the command -------------------------------------------------------- */

static int parse_args(int argc, char **argv, extract_opts *o) {
  int have_area = 0, have_eps = 0, only_args = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (only_args || a[0] != '-' || a[1] == '\0') {
      if (o->path)
        return idr_app_usage_error("extract", "unexpected argument '%s' (one data file)", a);
      o->path = a;
    } else if (strcmp(a, "--") == 0) {
      only_args = 1;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(USAGE_EXTRACT, stdout);
      return -1;
    } else if (strcmp(a, "--json") == 0) {
      o->json = 1;
    } else if (idr_app_is_opt(a, "--area-cm2")) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--area-cm2");
      if (!idr_app_parse_number(v, &o->area_cm2) || !(o->area_cm2 > 0.0))
        return idr_app_usage_error("extract", "--area-cm2 needs a number > 0 (got '%s')",
                                   v ? v : "");
      have_area = 1;
    } else if (idr_app_is_opt(a, "--eps-r")) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--eps-r");
      if (!idr_app_parse_number(v, &o->eps_r) || !(o->eps_r > 0.0))
        return idr_app_usage_error("extract", "--eps-r needs a number > 0 (got '%s')", v ? v : "");
      have_eps = 1;
    } else if (idr_app_is_opt(a, "--doping-cm3")) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--doping-cm3");
      if (!idr_app_parse_number(v, &o->doping_cm3) || !(o->doping_cm3 > 0.0))
        return idr_app_usage_error(
            "extract", "--doping-cm3 needs a density > 0 in cm^-3 (got '%s')", v ? v : "");
    } else if (idr_app_is_opt(a, "--cv")) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--cv");
      if (!v || !v[0]) return idr_app_usage_error("extract", "--cv needs a C-V CSV file");
      o->cv = v;
    } else if (idr_app_is_opt(a, "--cv-range")) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--cv-range");
      if (!idr_app_parse_range(v, &o->V_lo, &o->V_hi))
        return idr_app_usage_error("extract", "--cv-range needs VLO:VHI in V (got '%s')",
                                   v ? v : "");
      if (!(o->V_lo < o->V_hi))
        return idr_app_usage_error("extract", "--cv-range %s: VLO must be < VHI", v);
      o->have_range = 1;
    } else if (idr_app_is_opt(a, "--power")) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--power");
      if (!v || (strcmp(v, "0") && strcmp(v, "1") && strcmp(v, "2")))
        return idr_app_usage_error("extract", "--power needs 0, 1 or 2 (got '%s')", v ? v : "");
      o->power = v[0] - '0';
    } else if (idr_app_is_opt(a, "--model")) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--model");
      if (v && strcmp(v, "single") == 0)
        o->model = IDR_TRANSIENT_EXP;
      else if (v && strcmp(v, "stretched") == 0)
        o->model = IDR_TRANSIENT_STRETCHED;
      else if (v && strcmp(v, "two") == 0)
        o->model = IDR_TRANSIENT_TWO_EXP;
      else
        return idr_app_usage_error("extract", "--model needs single, stretched or two (got '%s')",
                                   v ? v : "");
    } else if (strcmp(a, "-o") == 0 || idr_app_is_opt(a, "--output")) {
      const char *v = idr_app_opt_value(argc, argv, &i, a[1] == 'o' ? "-o" : "--output");
      if (!v || !v[0]) return idr_app_usage_error("extract", "option '%s' needs a file name", a);
      o->out_h5 = v;
    } else {
      return idr_app_usage_error("extract", "unknown option '%s'", a);
    }
  }
  if (!o->path)
    return idr_app_usage_error("extract", "missing the data file (DATA.csv or RESULT.h5)");
  if (!have_area)
    return idr_app_usage_error("extract", "missing --area-cm2 (the device area in cm^2)");
  if (!have_eps)
    return idr_app_usage_error("extract", "missing --eps-r (the relative permittivity)");
  int have_doping = isfinite(o->doping_cm3);
  if (have_doping && o->cv)
    return idr_app_usage_error("extract", "give either --doping-cm3 or --cv for N_A, not both");
  if (!have_doping && !o->cv)
    return idr_app_usage_error("extract",
                               "missing N_A: give --doping-cm3 N or --cv CV.csv (Mott-Schottky)");
  if (o->have_range && !o->cv) return idr_app_usage_error("extract", "--cv-range needs --cv");
  return 0;
}

/* N_A from --doping-cm3 or from the Mott-Schottky fit of --cv. */
static idr_status doping(const extract_opts *o, extract_run *r, idr_error *err) {
  if (!o->cv) {
    r->N_A_cm3 = o->doping_cm3;
    r->N_A_err_cm3 = 0.0;
    return IDR_OK;
  }
  static const char *const names[] = {"voltage_V", "capacitance_F"};
  idr_csv_table tab;
  idr_status st = idr_csv_read(o->cv, names, 2, &tab, err);
  if (st) return st;
  idr_mott_schottky_options mo;
  idr_mott_schottky_options_default(&mo);
  mo.area_cm2 = o->area_cm2;
  mo.eps_r = o->eps_r;
  if (o->have_range) {
    mo.V_lo = o->V_lo;
    mo.V_hi = o->V_hi;
  }
  st = idr_mott_schottky_fit(tab.cols[0], tab.cols[1], tab.nrows, &mo, &r->ms, err);
  if (st) idr_error_context(err, "Mott-Schottky fit of %s", o->cv);
  idr_csv_table_free(&tab);
  if (st) return st;
  r->N_A_cm3 = r->ms.N_cm3;
  /* exactly 2 points: no error estimate; the extraction then takes N_A as exact */
  r->N_A_err_cm3 = isfinite(r->ms.N_err_cm3) ? r->ms.N_err_cm3 : 0.0;
  return IDR_OK;
}

static idr_status extract(const extract_opts *o, extract_run *r, idr_error *err) {
  idr_status st = doping(o, r, err);
  if (st) return st;
  st = is_hdf5(o->path) ? load_h5(o->path, o->model, &r->data, err)
                        : load_csv(o->path, o->model, &r->data, err);
  if (st) return st;
  const tid_data *d = &r->data;
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
  xo.eps_r = o->eps_r;
  st = idr_tid_extract(cd, d->m, &xo, &r->x, err);
  if (st)
    idr_error_context(err, "%s (N_A = %g cm^-3, eps_r = %g, %s model)", o->path, r->N_A_cm3,
                      o->eps_r, model_name(o->model));
  free(cd);
  return st;
}

int idr_app_extract(int argc, char **argv) {
  extract_opts o = {.doping_cm3 = NAN, .power = 1, .model = IDR_TRANSIENT_EXP};
  int rc = parse_args(argc, argv, &o);
  if (rc) return rc < 0 ? IDR_EXIT_OK : rc;
  extract_run r;
  memset(&r, 0, sizeof r);
  idr_error err;
  idr_error_clear(&err);
  int code = IDR_EXIT_OK;
  idr_status st = extract(&o, &r, &err);
  if (st) {
    code = st == IDR_ERR_NOMEM ? IDR_EXIT_RUNTIME : IDR_EXIT_INPUT;
  } else if (o.out_h5) {
    st = write_result(&o, &r, &err);
    if (st) code = IDR_EXIT_RUNTIME;
  }
  if (st) {
    fprintf(stderr, "iondrift: error: %s\n", err.msg[0] ? err.msg : idr_status_str(st));
  } else if (o.json) {
    print_json(&o, &r);
  } else {
    print_table(&o, &r);
  }
  idr_tid_extraction_free(&r.x);
  tid_data_free(&r.data);
  return code;
}

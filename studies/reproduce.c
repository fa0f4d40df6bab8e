/*
 * iondrift studies: the reproduction of the dark TID study of Xiang et al.,
 * J. Mater. Chem. A 2026, 14, 16493, by the route the experiment takes: for
 * every FAPb(I1-xBrx)3 composition of the study and the FAPbI3 + 5 % FAI
 * sample, the base deck (examples/xiang2026.yaml) with that composition ->
 * the TID scan 300..200 K -> the same extraction -> Ea and N_ion beside the
 * inputs and the study's stated values. With `invert`, each sample's true
 * halide Ea is first found such that the extraction returns the
 * composition's TID value (idr_study_invert). Every change of a deck goes
 * through the typed setter of the API; the deck file is read once. Beside
 * it, per sample, the TAS panel (reproduce_tas.c): the TAS deck
 * (examples/xiang2026_tas.yaml) with the same composition, the apparent
 * densities of the trap bands II and III (Fig. 3c, d).
 */
#define _POSIX_C_SOURCE 200809L

#include "iondrift.h"

#include "idr_materials.h"
#include "reproduce_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --invert: stop when the bracket or |Ea_extracted - target| is below this [eV] */
#define REPRO_INVERT_TOL_EV 2e-4
/* --invert: the true Ea is searched in [0, this] [eV] */
#define REPRO_INVERT_EA_MAX_EV 0.6
#define PATH_LEN 1024
#define LINE_LEN 512
/* the figure's title (tools/plot_reproduce.py): what the run holds */
#define STUDY_TEXT "Xiang et al., J. Mater. Chem. A 2026, 14, 16493"
#define STUDY_DARK STUDY_TEXT " (dark TID)"
#define STUDY_LIGHT STUDY_TEXT " (dark and illuminated TID)"

typedef struct sample {
  const char *name;   /* HDF5 group and CSV label */
  const char *family; /* composition family */
  double x;           /* Br fraction */
  double Ea_stated;   /* the study's stated dark halide Ea [eV], NAN if not stated */
} sample;

static const sample SAMPLES[IDR_XIANG2026_SAMPLES] = {
    {"x0", "FAPbI3-Br", 0.0, 0.131},   {"x0.025", "FAPbI3-Br", 0.025, 0.074},
    {"x0.05", "FAPbI3-Br", 0.05, NAN}, {"x0.10", "FAPbI3-Br", 0.10, NAN},
    {"x0.15", "FAPbI3-Br", 0.15, NAN}, {"x0.20", "FAPbI3-Br", 0.20, NAN},
    {"x0.25", "FAPbI3-Br", 0.25, NAN}, {"FAI", "FAPbI3-FAI", 0.0, 0.063}};

const char *idr_xiang2026_sample(int s) {
  return s >= 0 && s < IDR_XIANG2026_SAMPLES ? SAMPLES[s].name : NULL;
}

int idr_xiang2026_find(const char *name) {
  for (int s = 0; s < IDR_XIANG2026_SAMPLES; s++)
    if (strcmp(SAMPLES[s].name, name) == 0) return s;
  /* "x0.1" means x0.10: the Br fraction compared as a number */
  if (name[0] == 'x' && name[1]) {
    char *end = NULL;
    double x = strtod(name + 1, &end);
    if (end && *end == '\0' && isfinite(x))
      for (int s = 0; s < IDR_XIANG2026_SAMPLES; s++)
        if (strcmp(SAMPLES[s].family, "FAPbI3-Br") == 0 && fabs(SAMPLES[s].x - x) < 1e-12) return s;
  }
  return -1;
}

static double now_s(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void idr_repro_progress(const idr_reproduce_options *o, const char *fmt, ...) {
  if (!o->on_progress) return;
  char line[LINE_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  o->on_progress(o->user, line);
}

const char *idr_repro_sample_family(int s) {
  return s >= 0 && s < IDR_XIANG2026_SAMPLES ? SAMPLES[s].family : NULL;
}

double idr_repro_sample_x(int s) {
  return s >= 0 && s < IDR_XIANG2026_SAMPLES ? SAMPLES[s].x : NAN;
}

/* One sample's row of the summary. */
typedef struct row {
  double Ea_true, N_true, Ea_x, Ea_err, N_x, N_x_err; /* [eV], [cm^-3] */
  double Ea_tid;                                      /* the composition's TID value [eV] */
  char sign[16];                                      /* anion | cation | unknown | none */
} row;

/* ---- the base deck ---------------------------------------------------------------- */

/* The absorber (the first layer of ions[0]) of a base deck that is fit for
 * the reproduction: protocol tid, ions[0] an anion, a composition absorber. */
idr_status idr_repro_check_base(const idr_study *s, int *absorber, idr_error *err) {
  char name[128], layer[128];
  double z = 0;
  size_t n_layers = 0;
  int ok = strcmp(idr_study_protocol(s), "tid") == 0 &&
           idr_study_get_double(s, "ions[0].charge", &z, NULL) == IDR_OK && z < 0 &&
           idr_study_get_string(s, "ions[0].layers[0]", name, sizeof name, NULL) == IDR_OK &&
           idr_study_get_count(s, "layers", &n_layers, NULL) == IDR_OK;
  *absorber = -1;
  for (size_t l = 0; ok && l < n_layers && *absorber < 0; l++) {
    char p[64];
    snprintf(p, sizeof p, "layers[%zu].name", l);
    if (idr_study_get_string(s, p, layer, sizeof layer, NULL) == IDR_OK && strcmp(layer, name) == 0)
      *absorber = (int)l;
  }
  if (ok && *absorber >= 0) {
    char p[64];
    snprintf(p, sizeof p, "layers[%d].composition_ref.family", *absorber);
    ok = idr_study_get_string(s, p, layer, sizeof layer, NULL) == IDR_OK;
  }
  if (!ok || *absorber < 0)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s: the base deck must have protocol.type tid, a mobile anion species "
                         "first and a composition absorber",
                         idr_study_name(s));
  return IDR_OK;
}

idr_status idr_repro_with_composition(const idr_study *base, int absorber, const char *family,
                                      double x, idr_study **out, idr_error *err) {
  char pf[64], px[64];
  snprintf(pf, sizeof pf, "layers[%d].composition.family", absorber);
  snprintf(px, sizeof px, "layers[%d].composition.x", absorber);
  const idr_value v[2] = {{pf, family, 0}, {px, NULL, x}};
  idr_status st = idr_study_copy(base, out, err);
  if (!st) st = idr_study_set_values(*out, v, 2, err);
  if (st) idr_study_free(out);
  return st;
}

/* Sample s's study: the base with the absorber's composition of s. */
static idr_status sample_study(const idr_study *base, int absorber, int s, idr_study **out,
                               idr_error *err) {
  return idr_repro_with_composition(base, absorber, SAMPLES[s].family, SAMPLES[s].x, out, err);
}

/* ---- one sample -------------------------------------------------------------------- */

/* The first entry under tid/true/ (ions[0] of the deck), NULL if none. */
static const char *first_truth(const idr_result *r) {
  static const char PREFIX[] = "tid/true/";
  for (size_t i = 0; i < idr_result_count(r); i++) {
    idr_dataset e;
    if (idr_result_entry(r, i, &e, NULL) == IDR_OK && !e.is_dataset &&
        strncmp(e.name, PREFIX, sizeof PREFIX - 1) == 0 && !strchr(e.name + sizeof PREFIX - 1, '/'))
      return e.name;
  }
  return NULL;
}

static void fill_row(const idr_result *r, row *w) {
  const char *truth = first_truth(r);
  w->Ea_true = w->N_true = w->Ea_x = w->Ea_err = w->N_x = w->N_x_err = NAN;
  if (truth) {
    idr_result_attr_double(r, truth, "Ea_eV", &w->Ea_true, NULL);
    idr_result_attr_double(r, truth, "N_ion_cm3", &w->N_true, NULL);
  }
  const char *g = "tid/extraction/species_0", *sign = NULL;
  if (idr_result_attr_string(r, g, "sign", &sign, NULL) != IDR_OK) {
    snprintf(w->sign, sizeof w->sign, "none");
    return;
  }
  snprintf(w->sign, sizeof w->sign, "%s", sign);
  idr_result_attr_double(r, g, "Ea_eV", &w->Ea_x, NULL);
  idr_result_attr_double(r, g, "Ea_err_eV", &w->Ea_err, NULL);
  idr_result_attr_double(r, g, "N_ion_cm3", &w->N_x, NULL);
  idr_result_attr_double(r, g, "N_ion_err_cm3", &w->N_x_err, NULL);
}

/* The inversion's g: the extracted anion Ea of a run. */
static idr_status extracted_anion_Ea(void *user, const idr_result *r, double *g, idr_error *err) {
  (void)user;
  row w;
  fill_row(r, &w);
  if (strcmp(w.sign, "none") == 0) {
    const char *why = "?";
    idr_result_attr_string(r, "tid", "extraction_error", &why, NULL);
    return idr_error_set(err, IDR_ERR_SOLVER, "extraction failed at true Ea %.6g eV: %s", w.Ea_true,
                         why);
  }
  if (strcmp(w.sign, "anion") != 0)
    return idr_error_set(err, IDR_ERR_SOLVER,
                         "at true Ea %.6g eV the signal is read as a %s, not an anion", w.Ea_true,
                         w.sign);
  *g = w.Ea_x;
  return IDR_OK;
}

typedef struct on_run_ctx {
  const idr_reproduce_options *o;
  const char *name;
} on_run_ctx;

static void on_invert_run(void *user, double p, double g, double wall_s) {
  const on_run_ctx *c = user;
  idr_repro_progress(c->o, "%-7s invert: true %.5f -> extracted %.5f eV (%.2f s)", c->name, p, g,
                     wall_s);
}

/* Run sample s (inverting its true Ea first when asked) into *out. */
static idr_status run_sample(const idr_reproduce_options *o, idr_study *st_s, int s, double Ea_tid,
                             int *runs, idr_result **out, idr_error *err) {
  *runs = 0;
  if (!o->invert) return idr_study_run(st_s, o->threads, NULL, NULL, out, err);
  on_run_ctx oc = {o, SAMPLES[s].name};
  /* start from the TID value itself (independent of the table's true Ea),
   * expect dEa_extracted/dEa_true ~ 1 */
  idr_invert_problem prob = {.param = "ions[0].Ea_eV",
                             .target = Ea_tid,
                             .p0 = Ea_tid,
                             .p_min = 0.0,
                             .p_max = REPRO_INVERT_EA_MAX_EV,
                             .p_tol = REPRO_INVERT_TOL_EV,
                             .g_tol = REPRO_INVERT_TOL_EV,
                             .threads = o->threads,
                             .extract = extracted_anion_Ea,
                             .on_run = on_invert_run,
                             .on_run_user = &oc};
  return idr_study_invert(st_s, &prob, NULL, NULL, runs, out, err);
}

/* ---- the summary ------------------------------------------------------------------- */

/* summary/: the TAS panel's columns (NAN for a sample without TAS). */
static idr_status write_tas_summary(idr_result *res, int n, const idr_repro_tas_row *tas,
                                    idr_error *err) {
  static const char *const NAMES[6] = {"N_band_II_true",  "N_band_II_TAS",  "N_band_II_TAS_err",
                                       "N_band_III_true", "N_band_III_TAS", "N_band_III_TAS_err"};
  const size_t dims[2] = {(size_t)n, 1};
  idr_status st = IDR_OK;
  for (int j = 0; !st && j < 6; j++) {
    double c[IDR_XIANG2026_SAMPLES];
    for (int k = 0; k < n; k++) {
      const idr_repro_tas_row *t = &tas[k];
      const int b = j / 3, w = j % 3;
      c[k] = w == 0 ? t->N_true[b] : w == 1 ? t->N[b] : t->N_err[b];
    }
    char p[64];
    snprintf(p, sizeof p, "summary/%s", NAMES[j]);
    st = idr_result_put_double(res, p, c, 1, dims, "cm^-3", err);
  }
  return st;
}

static idr_status write_summary(idr_result *res, const int *idx, int n, const row *rows,
                                idr_error *err) {
  double x[IDR_XIANG2026_SAMPLES], c[10][IDR_XIANG2026_SAMPLES];
  int fai[IDR_XIANG2026_SAMPLES];
  char names[256] = "", species[256] = "";
  for (int k = 0; k < n; k++) {
    const sample *S = &SAMPLES[idx[k]];
    const row *w = &rows[k];
    x[k] = S->x;
    fai[k] = strcmp(S->family, "FAPbI3-FAI") == 0;
    const double v[10] = {w->Ea_true, w->Ea_x,   w->Ea_err, S->Ea_stated,
                          w->Ea_tid,  w->N_true, w->N_x,    w->N_x_err,
                          0,          0};
    for (int j = 0; j < 8; j++)
      c[j][k] = v[j];
    size_t ln = strlen(names), ls = strlen(species);
    snprintf(names + ln, sizeof names - ln, "%s%s", k ? "," : "", S->name);
    snprintf(species + ls, sizeof species - ls, "%s%s", k ? "," : "", w->sign);
  }
  static const char *const NAMES[8] = {"Ea_true",       "Ea_extracted", "Ea_err",      "Ea_stated",
                                       "Ea_tid_target", "N_true",       "N_extracted", "N_err"};
  static const char *const UNITS[8] = {"eV", "eV", "eV", "eV", "eV", "cm^-3", "cm^-3", "cm^-3"};
  const size_t dims[2] = {(size_t)n, 1};
  idr_status st = idr_result_put_double(res, "summary/x", x, 1, dims, "-", err);
  if (!st) st = idr_result_put_int(res, "summary/fai_sample", fai, (size_t)n, "-", err);
  for (int j = 0; !st && j < 8; j++) {
    char p[64];
    snprintf(p, sizeof p, "summary/%s", NAMES[j]);
    st = idr_result_put_double(res, p, c[j], 1, dims, UNITS[j], err);
  }
  if (!st) st = idr_result_set_attr_string(res, "summary", "samples", names, err);
  if (!st) st = idr_result_set_attr_string(res, "summary", "species", species, err);
  return st;
}

/* ---- the TAS panel ----------------------------------------------------------------- */

/* The TAS deck (o->tas_deck, else examples/xiang2026_tas.yaml) and one study
 * per sample with its composition. */
static idr_status load_tas(const idr_reproduce_options *o, int absorber, const int *idx, int n,
                           idr_study **base, idr_study **studies, idr_error *err) {
  char deck[PATH_LEN];
  if (o->tas_deck)
    idr_strlcpy(deck, o->tas_deck, sizeof deck);
  else
    snprintf(deck, sizeof deck, "%s/xiang2026_tas.yaml", idr_data_dir("examples"));
  idr_status st = idr_study_load(deck, NULL, 0, base, err);
  if (!st) st = idr_repro_tas_check_base(*base, absorber, err);
  for (int k = 0; !st && k < n; k++)
    st = sample_study(*base, absorber, idx[k], &studies[k], err);
  return st;
}

/* Sample `name`'s TAS into samples/NAME/tas and its row. */
static idr_status run_tas(const idr_reproduce_options *o, const idr_study *s, const char *name,
                          idr_result *res, idr_repro_tas_row *tr, idr_error *err) {
  idr_result *one = NULL;
  idr_status st = idr_repro_tas_run(s, o->threads, &one, tr, err);
  char g[64];
  snprintf(g, sizeof g, "samples/%s/tas", name);
  if (!st) st = idr_result_copy_group(res, g, one, "tas", err);
  idr_result_free(&one);
  if (st) idr_error_context(err, "sample %s", name);
  return st;
}

/* ---- the driver ------------------------------------------------------------------ */

idr_status idr_reproduce_xiang2026(const idr_reproduce_options *o, idr_result **out,
                                   idr_error *err) {
  *out = NULL;
  char deck[PATH_LEN];
  if (o->deck)
    idr_strlcpy(deck, o->deck, sizeof deck);
  else
    snprintf(deck, sizeof deck, "%s/xiang2026.yaml", idr_data_dir("examples"));
  int idx[IDR_XIANG2026_SAMPLES], n = 0;
  for (int s = 0; s < IDR_XIANG2026_SAMPLES; s++)
    if (!o->samples || (o->samples >> s & 1u)) idx[n++] = s;
  idr_study *base = NULL, *studies[IDR_XIANG2026_SAMPLES] = {NULL};
  idr_study *tas_base = NULL, *tas_studies[IDR_XIANG2026_SAMPLES] = {NULL};
  idr_result *res = NULL, *one = NULL;
  idr_repro_light light = {NULL, {NULL}, NULL};
  row rows[IDR_XIANG2026_SAMPLES];
  idr_repro_tas_row tas[IDR_XIANG2026_SAMPLES];
  memset(rows, 0, sizeof rows);
  for (int k = 0; k < IDR_XIANG2026_SAMPLES; k++)
    for (int b = 0; b < 2; b++)
      tas[k].E_true[b] = tas[k].N_true[b] = tas[k].E[b] = tas[k].N[b] = tas[k].N_err[b] = NAN;
  int absorber;
  /* every sample's deck first: bad input stops before anything runs */
  idr_status st = idr_study_load(deck, NULL, 0, &base, err);
  if (!st) st = idr_repro_check_base(base, &absorber, err);
  for (int k = 0; !st && k < n; k++) {
    const sample *S = &SAMPLES[idx[k]];
    idr_composition comp;
    st = sample_study(base, absorber, idx[k], &studies[k], err);
    if (!st)
      st = idr_composition_eval(S->family, strcmp(S->family, "FAPbI3-FAI") == 0 ? NAN : S->x, NULL,
                                &comp, err);
    if (!st) rows[k].Ea_tid = comp.Ea_halide_TID_eV;
  }
  if (!st && !o->no_tas) st = load_tas(o, absorber, idx, n, &tas_base, tas_studies, err);
  if (!st && o->light) st = idr_repro_light_load(o, base, absorber, idx, n, &light, err);
  if (!st && o->ready) st = o->ready(o->user, err);
  if (!st) st = idr_result_create(&res, err);
  if (st) goto out_free;
  double t0 = now_s();
  for (int k = 0; k < n; k++) {
    const sample *S = &SAMPLES[idx[k]];
    double ts = now_s();
    int runs = 0;
    st = run_sample(o, studies[k], idx[k], rows[k].Ea_tid, &runs, &one, err);
    if (st) {
      char why[IDR_ERRMSG_LEN];
      idr_strlcpy(why, err ? err->msg : "", sizeof why);
      idr_error_clear(err);
      idr_error_set(err, st, "sample %s: %s", S->name, why);
      goto out_free;
    }
    fill_row(one, &rows[k]);
    char g[64];
    snprintf(g, sizeof g, "samples/%s", S->name);
    st = idr_result_set_attr_string(res, g, "family", S->family, err);
    if (!st) st = idr_result_set_attr_double(res, g, "x", S->x, err);
    snprintf(g, sizeof g, "samples/%s/tid", S->name);
    if (!st) st = idr_result_copy_group(res, g, one, "tid", err);
    if (!st && k == 0)
      st = idr_result_set_attr_string(res, "/", "deck_yaml", idr_study_deck_yaml(studies[k]), err);
    idr_result_free(&one);
    if (!st && tas_studies[k]) st = run_tas(o, tas_studies[k], S->name, res, &tas[k], err);
    if (st) goto out_free;
    char note[128] = "";
    if (o->invert) snprintf(note, sizeof note, "; %d inversion scans", runs);
    if (tas_studies[k])
      snprintf(note + strlen(note), sizeof note - strlen(note),
               "; TAS band II %.3g, III %.3g cm^-3", tas[k].N[0], tas[k].N[1]);
    idr_repro_progress(o, "%-7s (%d/%d) %.2f s: Ea true %.4f extracted %.4f eV (TID value %.4f%s)",
                       S->name, k + 1, n, now_s() - ts, rows[k].Ea_true, rows[k].Ea_x,
                       rows[k].Ea_tid, note);
  }
  if (o->light) st = idr_repro_light_run(o, &light, res, err);
  if (st) goto out_free;
  st = idr_result_set_attr_string(res, "/", "iondrift_version", idr_version(), err);
  if (!st)
    st = idr_result_set_attr_string(res, "/", "study", o->light ? STUDY_LIGHT : STUDY_DARK, err);
  if (!st) st = idr_result_set_attr_double(res, "/", "wall_time_s", now_s() - t0, err);
  if (!st) st = idr_result_set_attr_double(res, "/", "inverted", o->invert ? 1.0 : 0.0, err);
  if (!st) st = idr_result_set_attr_double(res, "/", "light", o->light ? 1.0 : 0.0, err);
  if (!st) st = write_summary(res, idx, n, rows, err);
  if (!st) st = idr_result_set_attr_double(res, "/", "tas", o->no_tas ? 0.0 : 1.0, err);
  if (!st && !o->no_tas) st = write_tas_summary(res, n, tas, err);
  if (!st) {
    *out = res;
    res = NULL;
  }
out_free:
  idr_result_free(&one);
  idr_result_free(&res);
  for (int k = 0; k < n; k++) {
    idr_study_free(&studies[k]);
    idr_study_free(&tas_studies[k]);
  }
  idr_study_free(&base);
  idr_study_free(&tas_base);
  idr_repro_light_free(&light);
  return st;
}

/* ---- the files -------------------------------------------------------------------- */

static const double *column(const idr_result *r, const char *name, size_t n) {
  idr_dataset d;
  if (idr_result_dataset(r, name, &d, NULL) != IDR_OK || d.type != IDR_RESULT_DOUBLE ||
      d.dims[0] != n)
    return NULL;
  return d.data;
}

/* The illuminated panel's rows (summary_light/, when the run had it):
 * illuminated 1 for the light scans, 0 for the aged sample; no TID target,
 * study value or TAS columns. */
static void write_light_rows(const idr_result *r, FILE *f) {
  idr_dataset xs;
  if (idr_result_dataset(r, "summary_light/x", &xs, NULL) != IDR_OK) return;
  size_t n = xs.dims[0];
  const double *Et = column(r, "summary_light/Ea_true", n);
  const double *Ex = column(r, "summary_light/Ea_extracted", n);
  const double *Ee = column(r, "summary_light/Ea_err", n);
  const double *Nt = column(r, "summary_light/N_true", n);
  const double *Nx = column(r, "summary_light/N_extracted", n);
  idr_dataset il;
  if (!Et || !Ex || !Ee || !Nt || !Nx ||
      idr_result_dataset(r, "summary_light/illuminated", &il, NULL) != IDR_OK ||
      il.type != IDR_RESULT_INT || il.dims[0] != n)
    return;
  const int *lit = il.data;
  for (size_t k = 0; k < n; k++) {
    char name[32] = "?", sp[16] = "?";
    idr_result_attr_item(r, "summary_light", "samples", k, name, sizeof name, NULL);
    idr_result_attr_item(r, "summary_light", "species", k, sp, sizeof sp, NULL);
    fprintf(f, "%s,%.6g,%d,%s,%.10g,%.10g,%.10g,%.10g,%.10g,nan,nan,nan,nan,nan,nan\n", name,
            ((const double *)xs.data)[k], lit[k], sp, Et[k], Ex[k], Ee[k], Nt[k], Nx[k]);
  }
}

/* The table DIR/reproduce.csv, complete and synced under the temporary name
 * tmp (published by idr_reproduce_write once the HDF5 file is in place). */
static idr_status write_csv(const idr_result *r, const char *path, const char *tmp,
                            idr_error *err) {
  idr_dataset xs;
  if (idr_result_dataset(r, "summary/x", &xs, err)) return IDR_ERR_INPUT;
  size_t n = xs.dims[0];
  const double *x = xs.data, *Et = column(r, "summary/Ea_true", n);
  const double *Ex = column(r, "summary/Ea_extracted", n), *Ee = column(r, "summary/Ea_err", n);
  const double *Nt = column(r, "summary/N_true", n), *Nx = column(r, "summary/N_extracted", n);
  const double *Ed = column(r, "summary/Ea_tid_target", n);
  const double *Es = column(r, "summary/Ea_stated", n);
  if (!Et || !Ex || !Ee || !Nt || !Nx || !Ed || !Es)
    return idr_error_set(err, IDR_ERR_INPUT, "result: not a reproduction (summary incomplete)");
  FILE *f = fopen(tmp, "w");
  if (!f) return idr_error_set(err, IDR_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
  const double *T2 = column(r, "summary/N_band_II_true", n),
               *X2 = column(r, "summary/N_band_II_TAS", n);
  const double *T3 = column(r, "summary/N_band_III_true", n);
  const double *X3 = column(r, "summary/N_band_III_TAS", n);
  fprintf(f, "sample,x,illuminated,species,Ea_true_eV,Ea_extracted_eV,Ea_err_eV,N_true_cm3,"
             "N_extracted_cm3,Ea_TID_eV,Ea_study_eV,N_II_true_cm3,N_II_TAS_cm3,N_III_true_cm3,"
             "N_III_TAS_cm3\n");
  for (size_t k = 0; k < n; k++) {
    char name[32] = "?", sp[16] = "?";
    idr_result_attr_item(r, "summary", "samples", k, name, sizeof name, NULL);
    idr_result_attr_item(r, "summary", "species", k, sp, sizeof sp, NULL);
    fprintf(f, "%s,%.6g,0,%s,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n",
            name, x[k], sp, Et[k], Ex[k], Ee[k], Nt[k], Nx[k], Ed[k], Es[k], T2 ? T2[k] : NAN,
            X2 ? X2[k] : NAN, T3 ? T3[k] : NAN, X3 ? X3[k] : NAN);
  }
  write_light_rows(r, f);
  int e = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0 ? errno : 0;
  if (fclose(f) != 0 && e == 0) e = errno;
  if (e != 0) {
    remove(tmp);
    return idr_error_set(err, IDR_ERR_IO, "%s: cannot write temporary '%s': %s", path, tmp,
                         strerror(e ? e : EIO));
  }
  return IDR_OK;
}

idr_status idr_reproduce_write(const idr_result *r, const char *dir, idr_error *err) {
  char h5[PATH_LEN], csv[PATH_LEN], tmp[PATH_LEN + 32];
  int a = snprintf(h5, sizeof h5, "%s/reproduce.h5", dir);
  int b = snprintf(csv, sizeof csv, "%s/reproduce.csv", dir);
  int c = snprintf(tmp, sizeof tmp, "%s/reproduce.csv.tmp.%ld", dir, (long)getpid());
  if (a < 0 || b < 0 || c < 0 || (size_t)a >= sizeof h5 || (size_t)b >= sizeof csv ||
      (size_t)c >= sizeof tmp)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: path too long", dir);
  /* both files complete before either older one is replaced: the table
   * under its temporary name, then the HDF5 file (atomic), then the table */
  idr_status st = write_csv(r, csv, tmp, err);
  if (!st) st = idr_result_write(r, h5, "", err);
  if (!st && rename(tmp, csv) != 0)
    st = idr_error_set(err, IDR_ERR_IO, "%s: cannot rename '%s' onto it: %s", csv, tmp,
                       strerror(errno));
  if (st) remove(tmp);
  return st;
}

/*
 * iondrift studies: the illuminated panel of the Xiang et al. 2026
 * reproduction (J. Mater. Chem. A 2026, 14, 16493, Fig. 4a). Per selected
 * FAPb(I1-xBrx)3 sample, the light deck (examples/xiang2026_light.yaml: the
 * dark device under 1 sun with the FA+ cation) with that composition -> the
 * TID scan -> the two-component extraction (the cation's rising edge, the
 * anion's decaying edge, each named from its sign and the stack's
 * polarity) -> one row per detected component beside the true input of the
 * species of that sign. Then the photo-aged 25 % Br sample, x0.25-aged: the
 * dark deck with the FAPbI3-Br-aged composition (a lowered halide barrier),
 * scanned in the dark as the study did.
 */
#define _POSIX_C_SOURCE 200809L

#include "iondrift.h"

#include "reproduce_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PATH_LEN 1024
/* rows of summary_light: two per illuminated sample and the aged sample */
#define LIGHT_ROWS (2 * IDR_XIANG2026_SAMPLES + 1)
#define NAME_LEN 32

typedef struct lrow {
  char sample[NAME_LEN];
  char species[16]; /* anion | cation | none */
  double x;
  int illuminated;
  double Ea_true, Ea_x, Ea_err, N_true, N_x, N_err; /* [eV], [cm^-3] */
} lrow;

static double now_s(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

idr_status idr_repro_light_load(const idr_reproduce_options *o, const idr_study *dark, int absorber,
                                const int *idx, int n, idr_repro_light *L, idr_error *err) {
  char deck[PATH_LEN];
  if (o->light_deck)
    idr_strlcpy(deck, o->light_deck, sizeof deck);
  else
    snprintf(deck, sizeof deck, "%s/xiang2026_light.yaml", idr_data_dir("examples"));
  int la = -1;
  idr_status st = idr_study_load(deck, NULL, 0, &L->base, err);
  if (!st) st = idr_repro_check_base(L->base, &la, err);
  for (int k = 0; !st && k < n; k++) {
    const char *fam = idr_repro_sample_family(idx[k]);
    if (strcmp(fam, "FAPbI3-Br") != 0) continue; /* no illuminated scan of the FAI sample */
    st = idr_repro_with_composition(L->base, la, fam, idr_repro_sample_x(idx[k]),
                                    &L->studies[idx[k]], err);
  }
  if (!st)
    st = idr_repro_with_composition(dark, absorber, IDR_REPRO_AGED_FAMILY, IDR_REPRO_AGED_X,
                                    &L->aged, err);
  return st;
}

void idr_repro_light_free(idr_repro_light *L) {
  for (int s = 0; s < IDR_XIANG2026_SAMPLES; s++)
    idr_study_free(&L->studies[s]);
  idr_study_free(&L->aged);
  idr_study_free(&L->base);
}

/* The true input of the species named `sign` (tid/true/<ion> with that sign). */
static void truth_of(const idr_result *r, const char *sign, double *Ea, double *N) {
  static const char PREFIX[] = "tid/true/";
  *Ea = *N = NAN;
  for (size_t i = 0; i < idr_result_count(r); i++) {
    idr_dataset e;
    const char *s = NULL;
    if (idr_result_entry(r, i, &e, NULL) != IDR_OK || e.is_dataset ||
        strncmp(e.name, PREFIX, sizeof PREFIX - 1) != 0 || strchr(e.name + sizeof PREFIX - 1, '/'))
      continue;
    if (idr_result_attr_string(r, e.name, "sign", &s, NULL) == IDR_OK && strcmp(s, sign) == 0) {
      idr_result_attr_double(r, e.name, "Ea_eV", Ea, NULL);
      idr_result_attr_double(r, e.name, "N_ion_cm3", N, NULL);
      return;
    }
  }
}

/* One row per detected component of run r (tid/extraction/species_c), or
 * one row "none" when the extraction found none; returns the rows added. */
static int component_rows(const idr_result *r, const char *name, double x, int lit, lrow *w,
                          int room) {
  int k = 0;
  for (int c = 0; c < 2 && k < room; c++) {
    char g[64];
    const char *sign = NULL;
    snprintf(g, sizeof g, "tid/extraction/species_%d", c);
    if (idr_result_attr_string(r, g, "sign", &sign, NULL) != IDR_OK) continue;
    lrow *q = &w[k++];
    snprintf(q->sample, sizeof q->sample, "%s", name);
    snprintf(q->species, sizeof q->species, "%s", sign);
    q->x = x;
    q->illuminated = lit;
    q->Ea_x = q->Ea_err = q->N_x = q->N_err = NAN;
    idr_result_attr_double(r, g, "Ea_eV", &q->Ea_x, NULL);
    idr_result_attr_double(r, g, "Ea_err_eV", &q->Ea_err, NULL);
    idr_result_attr_double(r, g, "N_ion_cm3", &q->N_x, NULL);
    idr_result_attr_double(r, g, "N_ion_err_cm3", &q->N_err, NULL);
    truth_of(r, sign, &q->Ea_true, &q->N_true);
  }
  if (k == 0 && room > 0) {
    lrow *q = &w[k++];
    *q = (lrow){.x = x, .illuminated = lit};
    snprintf(q->sample, sizeof q->sample, "%s", name);
    snprintf(q->species, sizeof q->species, "none");
    q->Ea_true = q->Ea_x = q->Ea_err = q->N_true = q->N_x = q->N_err = NAN;
  }
  return k;
}

/* Append ",item" (or "item" to an empty list) to the list buf of size cap. */
static void append(char *buf, size_t cap, const char *item) {
  size_t l = strlen(buf), m = strlen(item);
  if (l + (l > 0) + m + 1 > cap) return;
  if (l > 0) buf[l++] = ',';
  memcpy(buf + l, item, m + 1);
}

static idr_status write_summary(idr_result *res, const lrow *w, int n, idr_error *err) {
  static const char *const NAMES[6] = {"Ea_true", "Ea_extracted", "Ea_err",
                                       "N_true",  "N_extracted",  "N_err"};
  static const char *const UNITS[6] = {"eV", "eV", "eV", "cm^-3", "cm^-3", "cm^-3"};
  double x[LIGHT_ROWS], c[6][LIGHT_ROWS];
  int lit[LIGHT_ROWS];
  char names[LIGHT_ROWS * NAME_LEN] = "", species[LIGHT_ROWS * 16] = "";
  for (int k = 0; k < n; k++) {
    const double v[6] = {w[k].Ea_true, w[k].Ea_x, w[k].Ea_err, w[k].N_true, w[k].N_x, w[k].N_err};
    for (int j = 0; j < 6; j++)
      c[j][k] = v[j];
    x[k] = w[k].x;
    lit[k] = w[k].illuminated;
    append(names, sizeof names, w[k].sample);
    append(species, sizeof species, w[k].species);
  }
  const size_t dims[2] = {(size_t)n, 1};
  idr_status st = idr_result_put_double(res, "summary_light/x", x, 1, dims, "-", err);
  if (!st) st = idr_result_put_int(res, "summary_light/illuminated", lit, (size_t)n, "-", err);
  for (int j = 0; !st && j < 6; j++) {
    char p[64];
    snprintf(p, sizeof p, "summary_light/%s", NAMES[j]);
    st = idr_result_put_double(res, p, c[j], 1, dims, UNITS[j], err);
  }
  if (!st) st = idr_result_set_attr_string(res, "summary_light", "samples", names, err);
  if (!st) st = idr_result_set_attr_string(res, "summary_light", "species", species, err);
  return st;
}

/* Run study s as sample `name` into res at samples/NAME/GROUP; its rows. */
static idr_status run_one(const idr_reproduce_options *o, const idr_study *s, const char *name,
                          double x, int lit, idr_result *res, lrow *w, int room, int *rows,
                          idr_error *err) {
  idr_result *one = NULL;
  double t0 = now_s();
  idr_status st = idr_study_run(s, o->threads, NULL, NULL, &one, err);
  char g[64];
  snprintf(g, sizeof g, "samples/%s", name);
  if (!st && !lit) st = idr_result_set_attr_double(res, g, "x", x, err);
  snprintf(g, sizeof g, "samples/%s/%s", name, lit ? "tid_light" : "tid");
  if (!st) st = idr_result_copy_group(res, g, one, "tid", err);
  if (!st) {
    *rows = component_rows(one, name, x, lit, w, room);
    char line[256] = "";
    for (int k = 0; k < *rows; k++) {
      size_t l = strlen(line);
      snprintf(line + l, sizeof line - l, "%s%s Ea true %.4f extracted %.4f eV", k ? "; " : "",
               w[k].species, w[k].Ea_true, w[k].Ea_x);
    }
    idr_repro_progress(o, "%-10s %s %.2f s: %s", name, lit ? "light" : "dark ", now_s() - t0, line);
  }
  idr_result_free(&one);
  if (st) idr_error_context(err, "sample %s (%s)", name, lit ? "illuminated" : "dark");
  return st;
}

idr_status idr_repro_light_run(const idr_reproduce_options *o, const idr_repro_light *L,
                               idr_result *res, idr_error *err) {
  lrow w[LIGHT_ROWS];
  int n = 0;
  idr_status st = IDR_OK;
  for (int s = 0; !st && s < IDR_XIANG2026_SAMPLES; s++) {
    if (!L->studies[s]) continue;
    int rows = 0;
    st = run_one(o, L->studies[s], idr_xiang2026_sample(s), idr_repro_sample_x(s), 1, res, w + n,
                 LIGHT_ROWS - 1 - n, &rows, err);
    n += rows;
  }
  int rows = 0;
  if (!st)
    st = run_one(o, L->aged, IDR_REPRO_AGED_NAME, IDR_REPRO_AGED_X, 0, res, w + n, 1, &rows, err);
  n += rows;
  if (!st)
    st = idr_result_set_attr_string(res, "samples/" IDR_REPRO_AGED_NAME, "family",
                                    IDR_REPRO_AGED_FAMILY, err);
  if (!st) st = write_summary(res, w, n, err);
  return st;
}

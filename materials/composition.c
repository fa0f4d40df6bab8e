/*
 * iondrift materials: composition families, e.g. FAPb(I1-xBrx)3 tabulated in
 * the Br fraction x (see idr_materials.h and docs/materials.md).
 *
 * A family is a data file DIR/composition/FAMILY.yaml: rows at increasing x,
 * every number {value, source}, and one interpolation rule per column:
 *   linear   piecewise linear (columns the reference study states are linear
 *            in x, or modelled as such);
 *   steffen  Steffen's monotone cubic (M. Steffen, Astron. Astrophys. 239,
 *            443 (1990), gsl_interp_steffen): between two rows the curve stays
 *            within their values, so a table maximum (N_halide at x = 0.025)
 *            stays the maximum and no value leaves its physical range.
 * With two rows `steffen` is linear; with one row the family is a single
 * composition. An x outside the rows is an error, never an extrapolation.
 * The value at a row's x is the row's number exactly.
 */
#define _POSIX_C_SOURCE 200809L
#include "idr_materials.h"
#include "mat_file.h"

#include <dirent.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_interp.h>

#define COMP_SUBDIR "composition"
#define COMP_PATH_LEN 1024
#define COMP_MAX_FAMILIES 32 /* families listed in an "unknown family" message */
#define COMP_STEFFEN_MIN_ROWS 3

typedef struct col_info {
  const char *key;
  size_t offset;
  int lo_open; /* 1: value must be > 0, 0: >= 0 */
} col_info;

#define COL(k, open)                                                                               \
  { #k, offsetof(idr_composition, k), open }
static const col_info COLS[IDR_COMP_NCOLS] = {
    COL(Eg_eV, 1),
    COL(chi_eV, 0),
    COL(eps_r, 1),
    COL(a_A, 1),
    COL(N_halide_cm3, 0),
    COL(Ea_halide_eV, 0),
    COL(Ea_halide_TID_eV, 0),
    COL(D0_halide_cm2_s, 1),
    COL(N_FA_cm3, 0),
    COL(Ea_FA_light_eV, 0),
    COL(D0_FA_cm2_s, 1),
    COL(N_band_II_cm3, 0),
    COL(E_band_II_from_Ev_eV, 1),
    COL(N_band_III_cm3, 0),
    COL(E_band_III_from_Ev_eV, 1),
    COL(N_Ii_excess_cm3, 0),
};
#undef COL

const char *idr_composition_column_key(int i) {
  return (i >= 0 && i < IDR_COMP_NCOLS) ? COLS[i].key : NULL;
}

double idr_composition_column_get(const idr_composition *c, int i) {
  return *(const double *)(const void *)((const char *)c + COLS[i].offset);
}

static double *col_ptr(idr_composition *c, int i) {
  return (double *)(void *)((char *)c + COLS[i].offset);
}

struct idr_composition_table {
  char family[IDR_NAME_LEN];
  size_t n;                           /* rows */
  double *x;                          /* n abscissae, strictly increasing */
  double *y;                          /* column k: y[k * n .. k * n + n - 1] */
  int linear[IDR_COMP_NCOLS];         /* 1: linear, 0: Steffen */
  gsl_interp *interp[IDR_COMP_NCOLS]; /* NULL when n == 1 */
};

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

idr_status idr_composition_families(const char *dir, char *buf, size_t size, idr_error *err) {
  char path[COMP_PATH_LEN], names[COMP_MAX_FAMILIES][IDR_NAME_LEN];
  const char *sorted[COMP_MAX_FAMILIES];
  size_t count = 0;
  if (size == 0) return idr_error_set(err, IDR_ERR_INPUT, "family list buffer of size 0");
  buf[0] = '\0';
  snprintf(path, sizeof path, "%s/" COMP_SUBDIR, idr_materials_dir(dir));
  DIR *d = opendir(path);
  if (!d) return idr_error_set(err, IDR_ERR_IO, "%s: cannot be read", path);
  struct dirent *e;
  while ((e = readdir(d)) != NULL && count < COMP_MAX_FAMILIES) {
    size_t len = strlen(e->d_name);
    if (len <= 5 || len - 5 >= IDR_NAME_LEN || strcmp(e->d_name + len - 5, ".yaml") != 0) continue;
    memcpy(names[count], e->d_name, len - 5);
    names[count][len - 5] = '\0';
    if (!idr_mat_valid_name(names[count])) continue;
    sorted[count] = names[count];
    count++;
  }
  closedir(d);
  qsort(sorted, count, sizeof sorted[0], cmp_str);
  size_t at = 0;
  for (size_t i = 0; i < count && at < size; i++)
    at += (size_t)snprintf(buf + at, size - at, "%s%s", i ? " | " : "", sorted[i]);
  if (count == 0) snprintf(buf, size, "(no family in %s)", path);
  return IDR_OK;
}

/* Range rule of column k (k < 0: the composition variable x, in [0, 1]). */
static const char *column_rule(int k, double x) {
  if (k < 0) return (x >= 0 && x <= 1) ? NULL : "must be in [0, 1]";
  if (COLS[k].lo_open) return x > 0 ? NULL : "must be > 0";
  return x >= 0 ? NULL : "must be >= 0";
}

/* One `{value, source}` entry of a row, range-checked for column k (k < 0:
 * the composition variable x, in [0, 1]). */
static idr_status read_entry(const idr_ydoc *doc, const idr_ynode *row, const char *rpath,
                             const char *key, int k, double *out, idr_error *err) {
  char path[160];
  snprintf(path, sizeof path, "%s.%s", rpath, key);
  const idr_ynode *e = idr_ynode_get(row, key);
  if (!e) return idr_yerror(doc, row, 0, path, err, "must be given (got nothing)");
  return idr_mat_read_entry(doc, e, path, column_rule, k, "Xiang et al. 2026", out, err);
}

static idr_status read_interpolation(const idr_ydoc *doc, const idr_ynode *root,
                                     idr_composition_table *t, idr_error *err) {
  static const char *const RULES[] = {"linear", "steffen", NULL};
  const char *keys[IDR_COMP_NCOLS + 1];
  for (int k = 0; k < IDR_COMP_NCOLS; k++)
    keys[k] = COLS[k].key;
  keys[IDR_COMP_NCOLS] = NULL;
  const idr_ynode *m = idr_ynode_get(root, "interpolation");
  if (!m) return idr_yerror(doc, root, 0, "interpolation", err, "must be given (got nothing)");
  if (idr_ycheck_map(doc, m, "interpolation", keys, err) != IDR_OK) return IDR_ERR_INPUT;
  for (int k = 0; k < IDR_COMP_NCOLS; k++) {
    char p[96];
    snprintf(p, sizeof p, "interpolation.%s", COLS[k].key);
    const idr_ynode *r = idr_ynode_get(m, COLS[k].key);
    if (!r) return idr_yerror(doc, m, 0, p, err, "must be given: linear | steffen (got nothing)");
    const char *s = idr_ynode_scalar(r);
    int which = -1;
    for (int j = 0; s && RULES[j]; j++)
      if (strcmp(s, RULES[j]) == 0) which = j;
    if (which < 0)
      return idr_yerror(doc, r, 0, p, err, "must be one of linear | steffen (got '%s')",
                        s ? s : "a collection");
    t->linear[k] = which == 0;
  }
  return IDR_OK;
}

static idr_status read_rows(const idr_ydoc *doc, const idr_ynode *root, idr_composition_table *t,
                            idr_error *err) {
  const char *keys[IDR_COMP_NCOLS + 2];
  keys[0] = "x";
  for (int k = 0; k < IDR_COMP_NCOLS; k++)
    keys[k + 1] = COLS[k].key;
  keys[IDR_COMP_NCOLS + 1] = NULL;
  const idr_ynode *rows = idr_ynode_get(root, "rows");
  if (!rows) return idr_yerror(doc, root, 0, "rows", err, "must be given (got nothing)");
  if (idr_ynode_kind(rows) != IDR_Y_SEQ || idr_ynode_len(rows) == 0)
    return idr_yerror(doc, rows, 0, "rows", err, "must be a non-empty list of rows");
  t->n = idr_ynode_len(rows);
  t->x = malloc(t->n * sizeof *t->x);
  t->y = malloc(t->n * IDR_COMP_NCOLS * sizeof *t->y);
  if (!t->x || !t->y) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < t->n; i++) {
    char rpath[64];
    const idr_ynode *row = idr_ynode_at(rows, i);
    snprintf(rpath, sizeof rpath, "rows[%zu]", i);
    if (idr_ycheck_map(doc, row, rpath, keys, err) != IDR_OK) return IDR_ERR_INPUT;
    if (read_entry(doc, row, rpath, "x", -1, &t->x[i], err) != IDR_OK) return IDR_ERR_INPUT;
    if (i > 0 && !(t->x[i] > t->x[i - 1])) {
      char p[96];
      snprintf(p, sizeof p, "%s.x.value", rpath);
      return idr_yerror(doc, idr_ynode_get(idr_ynode_get(row, "x"), "value"), 0, p, err,
                        "must be > the previous row's x = %g (increasing order) (got %g)",
                        t->x[i - 1], t->x[i]);
    }
    for (int k = 0; k < IDR_COMP_NCOLS; k++)
      if (read_entry(doc, row, rpath, COLS[k].key, k, &t->y[(size_t)k * t->n + i], err) != IDR_OK)
        return IDR_ERR_INPUT;
    /* Trap levels lie inside the row's own band gap. */
    double Eg = t->y[i];
    for (int k = 0; k < IDR_COMP_NCOLS; k++) {
      double E = t->y[(size_t)k * t->n + i];
      if (strncmp(COLS[k].key, "E_band_", 7) != 0 || E < Eg) continue;
      char p[160];
      snprintf(p, sizeof p, "%s.%s.value", rpath, COLS[k].key);
      return idr_yerror(doc, idr_ynode_get(idr_ynode_get(row, COLS[k].key), "value"), 0, p, err,
                        "must be < this row's Eg_eV = %g (got %g)", Eg, E);
    }
  }
  return IDR_OK;
}

static idr_status build_interps(idr_composition_table *t, idr_error *err) {
  if (t->n < 2) return IDR_OK;
  for (int k = 0; k < IDR_COMP_NCOLS; k++) {
    const gsl_interp_type *type =
        (t->linear[k] || t->n < COMP_STEFFEN_MIN_ROWS) ? gsl_interp_linear : gsl_interp_steffen;
    t->interp[k] = gsl_interp_alloc(type, t->n);
    if (!t->interp[k]) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    /* x is checked strictly increasing, so init cannot fail (GSL's error
     * handler is never reached). */
    if (gsl_interp_init(t->interp[k], t->x, t->y + (size_t)k * t->n, t->n) != 0)
      return idr_error_set(err, IDR_ERR_INTERNAL, "interpolation of %s could not be set up",
                           COLS[k].key);
  }
  return IDR_OK;
}

void idr_composition_table_free(idr_composition_table **tab) {
  if (!tab || !*tab) return;
  idr_composition_table *t = *tab;
  for (int k = 0; k < IDR_COMP_NCOLS; k++)
    if (t->interp[k]) gsl_interp_free(t->interp[k]);
  free(t->x);
  free(t->y);
  free(t);
  *tab = NULL;
}

idr_status idr_composition_table_load_file(const char *path, const char *family,
                                           idr_composition_table **out, idr_error *err) {
  static const char *const KEYS[] = {"family", "description", "interpolation", "rows", NULL};
  idr_ydoc *doc = NULL;
  char got[IDR_NAME_LEN];
  *out = NULL;
  idr_composition_table *t = calloc(1, sizeof *t);
  if (!t) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  idr_status st = idr_ydoc_read_file(path, &doc, err);
  if (st != IDR_OK) goto out_table;
  const idr_ynode *root = NULL;
  st = idr_mat_read_head(doc, path,
                         "a composition file must be a mapping with family, interpolation and rows",
                         KEYS, "family", family, got, sizeof got, 1024, &root, err);
  if (st != IDR_OK) goto out_doc;
  idr_strlcpy(t->family, got, sizeof t->family);
  if ((st = read_interpolation(doc, root, t, err)) != IDR_OK) goto out_doc;
  if ((st = read_rows(doc, root, t, err)) != IDR_OK) goto out_doc;
  st = build_interps(t, err);
out_doc:
  idr_ydoc_free(&doc);
out_table:
  if (st != IDR_OK)
    idr_composition_table_free(&t);
  else
    *out = t;
  return st;
}

/* The known families as "A | B", or why they cannot be listed. */
static void known_families(const char *dir, char *buf, size_t size) {
  idr_error lst;
  idr_error_clear(&lst);
  if (idr_composition_families(dir, buf, size, &lst) != IDR_OK) idr_strlcpy(buf, lst.msg, size);
}

/* DIR/composition/FAMILY.yaml into path; 0 when the family has no file. */
static int family_file(const char *family, const char *dir, char *path, size_t size) {
  if (!idr_mat_valid_name(family)) return 0;
  int n = snprintf(path, size, "%s/" COMP_SUBDIR "/%s.yaml", idr_materials_dir(dir), family);
  if (n < 0 || (size_t)n >= size) return 0;
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  fclose(f);
  return 1;
}

idr_status idr_composition_table_load(const char *family, const char *dir,
                                      idr_composition_table **out, idr_error *err) {
  char path[COMP_PATH_LEN], known[512];
  *out = NULL;
  if (!family_file(family, dir, path, sizeof path)) {
    known_families(dir, known, sizeof known);
    return idr_error_set(err, IDR_ERR_IO, "unknown composition family '%s' (known: %s)", family,
                         known);
  }
  return idr_composition_table_load_file(path, family, out, err);
}

const char *idr_composition_table_family(const idr_composition_table *t) {
  return t->family;
}
size_t idr_composition_table_rows(const idr_composition_table *t) {
  return t->n;
}
double idr_composition_table_x(const idr_composition_table *t, size_t row) {
  return t->x[row];
}

idr_status idr_composition_table_eval(const idr_composition_table *t, double x,
                                      idr_composition *out, idr_error *err) {
  memset(out, 0, sizeof *out);
  idr_strlcpy(out->family, t->family, sizeof out->family);
  out->x_min = t->x[0];
  out->x_max = t->x[t->n - 1];
  if (isnan(x) && t->n == 1) x = t->x[0]; /* a single composition: x may be left out */
  if (!(x >= out->x_min && x <= out->x_max)) {
    out->x = x;
    return idr_error_set(err, IDR_ERR_RANGE,
                         "composition %s: x must be in [%g, %g] (got %g): a table is never "
                         "extrapolated",
                         t->family, out->x_min, out->x_max, x);
  }
  out->x = x;
  size_t row = t->n;
  for (size_t i = 0; i < t->n; i++)
    if (t->x[i] == x) row = i;
  for (int k = 0; k < IDR_COMP_NCOLS; k++) {
    const double *y = t->y + (size_t)k * t->n;
    if (row < t->n) {
      *col_ptr(out, k) = y[row]; /* a row's own number, exactly */
      continue;
    }
    double v;
    if (gsl_interp_eval_e(t->interp[k], t->x, y, x, NULL, &v) != 0 || !isfinite(v))
      return idr_error_set(err, IDR_ERR_INTERNAL, "composition %s: %s at x = %g not evaluable",
                           t->family, COLS[k].key, x);
    *col_ptr(out, k) = v;
  }
  return IDR_OK;
}

idr_status idr_composition_eval(const char *family, double x, const char *dir, idr_composition *out,
                                idr_error *err) {
  idr_composition_table *t = NULL;
  memset(out, 0, sizeof *out);
  idr_status st = idr_composition_table_load(family, dir, &t, err);
  if (st != IDR_OK) return st;
  st = idr_composition_table_eval(t, x, out, err);
  idr_composition_table_free(&t);
  return st;
}

idr_status idr_composition_resolve(void *user, const char *family, double x, idr_composition *out,
                                   idr_error *err) {
  const idr_material_dir *md = user;
  const char *dir = md ? md->dir : NULL;
  char path[COMP_PATH_LEN], known[512];
  if (!family_file(family, dir, path, sizeof path)) {
    known_families(dir, known, sizeof known);
    return idr_error_set(err, IDR_ERR_IO, "%s", known);
  }
  return idr_composition_eval(family, x, dir, out, err);
}

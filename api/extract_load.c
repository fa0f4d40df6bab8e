/*
 * iondrift api: the inputs of the TID extraction - the transients C(t, T)
 * of a lab export (io/ idr_mdata_read: separators, units, temperature
 * groups, t <= 0 skipped; docs/data.md), of the `tid` group of a result file
 * (with the absorber and the true ion parameters it stores), or of arrays.
 * Every curve is checked to have the points its fit needs.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Points averaged for the C_inf and C(0) guesses (analysis/transient.c). */
#define EXTRACT_MIN_AVG 3

size_t idr_extract_min_points(idr_transient_model m) {
  size_t p = m == IDR_TRANSIENT_TWO_EXP ? 5 : m == IDR_TRANSIENT_STRETCHED ? 4 : 3;
  return p + 2 > 2 * EXTRACT_MIN_AVG ? p + 2 : 2 * EXTRACT_MIN_AVG;
}

void idr_extract_data_free(idr_extract_data *d) {
  free(d->T);
  free(d->T_spread);
  free(d->off);
  free(d->t);
  free(d->C);
  free(d->truth);
  idr_mdata_free(&d->md);
  memset(d, 0, sizeof *d);
}

static idr_status data_alloc(idr_extract_data *d, size_t m, size_t n, idr_error *err) {
  d->m = m;
  d->T = calloc(m, sizeof *d->T);
  d->T_spread = calloc(m, sizeof *d->T_spread);
  d->off = calloc(m + 1, sizeof *d->off);
  d->t = calloc(n ? n : 1, sizeof *d->t);
  d->C = calloc(n ? n : 1, sizeof *d->C);
  if (!d->T || !d->T_spread || !d->off || !d->t || !d->C)
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  return IDR_OK;
}

static idr_status check_points(const char *path, const idr_extract_data *d,
                               const size_t *first_line, idr_transient_model model,
                               idr_error *err) {
  for (size_t j = 0; j < d->m; j++)
    if (d->off[j + 1] - d->off[j] < idr_extract_min_points(model)) {
      char where[64] = "";
      if (first_line) snprintf(where, sizeof where, " (from line %zu)", first_line[d->off[j]]);
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s: T = %g K has %zu point(s)%s in the time window; the %s fit needs "
                           "at least %zu",
                           path, d->T[j], d->off[j + 1] - d->off[j], where,
                           idr_tid_model_name(model), idr_extract_min_points(model));
    }
  return IDR_OK;
}

static idr_status load_csv(const char *path, const idr_mdata_options *mo, idr_transient_model model,
                           idr_extract_data *d, idr_error *err) {
  const idr_mdata_spec spec = {.group = IDR_Q_TEMPERATURE,
                               .x = IDR_Q_TIME,
                               .ny = 1,
                               .y = {IDR_Q_CAPACITANCE},
                               .x_positive = 1,
                               .x_unique = 1};
  idr_mdata *md = &d->md;
  idr_status st = idr_mdata_read(path, &spec, mo, md, err);
  if (st) return st;
  if (md->m < 2)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s: need transients at >= 2 temperatures, found 1 (T = %g K; readings "
                         "closer than --temp-tol-K %g K form one temperature)",
                         path, md->group[0], mo->group_tol);
  st = data_alloc(d, md->m, md->n, err);
  if (st) return st;
  d->C_units = "F";
  d->kind = "csv";
  d->N_A_cm3 = d->eps_r = d->thickness_nm = NAN;
  memcpy(d->off, md->off, (md->m + 1) * sizeof *d->off);
  memcpy(d->T, md->group, md->m * sizeof *d->T);
  memcpy(d->T_spread, md->group_spread, md->m * sizeof *d->T_spread);
  memcpy(d->t, md->x, md->n * sizeof *d->t);
  memcpy(d->C, md->y[0], md->n * sizeof *d->C);
  return check_points(path, d, md->line, model, err);
}

/* tid/true/<name>: the deck's ion parameters beside the extraction. */
static idr_status load_truth(idr_h5 *h, idr_extract_data *d, idr_error *err) {
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
    idr_extract_truth *ti = &d->truth[k];
    char g[IDR_EXTRACT_NAME_LEN + 16], *sign = NULL;
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

/* The absorber a run stored in its tid group (absent in older files). */
static void load_absorber(idr_h5 *h, idr_extract_data *d) {
  idr_error e;
  idr_error_clear(&e);
  d->N_A_cm3 = d->eps_r = d->thickness_nm = NAN;
  if (idr_h5_read_attr_double(h, "tid", "absorber_N_A_cm3", &d->N_A_cm3, &e)) d->N_A_cm3 = NAN;
  if (idr_h5_read_attr_double(h, "tid", "absorber_eps_r", &d->eps_r, &e)) d->eps_r = NAN;
  if (idr_h5_read_attr_double(h, "tid", "absorber_thickness_nm", &d->thickness_nm, &e))
    d->thickness_nm = NAN;
  char *pol = NULL;
  if (idr_h5_read_attr_string(h, "tid", "polarity", &pol, &e) == IDR_OK) {
    d->have_polarity = 1;
    d->polarity = strcmp(pol, "pin") == 0   ? IDR_POLARITY_PIN
                  : strcmp(pol, "nip") == 0 ? IDR_POLARITY_NIP
                                            : IDR_POLARITY_UNKNOWN;
  }
  idr_h5_free(pol);
}

static idr_status load_h5(const char *path, const idr_mdata_options *mo, idr_transient_model model,
                          idr_extract_data *d, idr_error *err) {
  idr_h5 *h = NULL;
  idr_h5_dataset T = {0}, t = {0}, C = {0};
  idr_status st = idr_h5_open(path, &h, err);
  if (st) return st;
  if (idr_h5_kind_of(h, "tid") != IDR_H5_GROUP) {
    st = idr_error_set(err, IDR_ERR_INPUT,
                       "%s: no group 'tid' (expected the result of 'iondrift run' with protocol "
                       "tid, or a CSV with temperature, time and capacitance columns)",
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
  /* the window of --t-min-s, --t-max-s applies to simulated curves too */
  size_t k0 = 0, k1 = ns;
  while (k0 < ns && !(t.data[k0] > 0.0 && t.data[k0] >= mo->x_min))
    k0++;
  while (k1 > k0 && t.data[k1 - 1] > mo->x_max)
    k1--;
  const size_t nk = k1 - k0;
  st = data_alloc(d, m, m * nk, err);
  if (st) goto out_close;
  d->C_units = "F/m^2";
  d->kind = "h5";
  for (size_t j = 0; j < m; j++) {
    d->T[j] = T.data[j];
    d->off[j] = j * nk;
    memcpy(d->t + j * nk, t.data + k0, nk * sizeof *d->t);
    memcpy(d->C + j * nk, C.data + j * ns + k0, nk * sizeof *d->C);
  }
  d->off[m] = m * nk;
  st = check_points(path, d, NULL, model, err);
  if (!st) st = load_truth(h, d, err);
  if (!st) load_absorber(h, d);
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

idr_status idr_extract_load_file(const char *path, const idr_mdata_options *mo,
                                 idr_transient_model model, idr_extract_data *d, idr_error *err) {
  return is_hdf5(path) ? load_h5(path, mo, model, d, err) : load_csv(path, mo, model, d, err);
}

/* ---- arrays ---------------------------------------------------------------------- */

/* Curve j of c: its first point and count. */
static void curve_of(const idr_tid_curves *c, size_t j, size_t *k0, size_t *n) {
  *k0 = c->offset ? c->offset[j] : j * c->n;
  *n = c->offset ? c->offset[j + 1] - c->offset[j] : c->n;
}

static idr_status check_arrays(const idr_tid_curves *c, idr_error *err) {
  if (!c->T_K || !c->t_s || !c->C)
    return idr_error_set(err, IDR_ERR_INPUT, "<arrays>: T_K, t_s and C are required");
  if (c->m < 2)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "<arrays>: need transients at >= 2 temperatures, found %zu", c->m);
  if (c->C_units && strcmp(c->C_units, "F") != 0 && strcmp(c->C_units, "F/m^2") != 0)
    return idr_error_set(err, IDR_ERR_INPUT, "<arrays>: C_units must be F or F/m^2 (got '%s')",
                         c->C_units);
  for (size_t j = 0; j < c->m; j++) {
    if (!(c->T_K[j] > 0.0 && isfinite(c->T_K[j])))
      return idr_error_set(err, IDR_ERR_INPUT, "<arrays>: T_K[%zu] must be > 0 K (got %g)", j,
                           c->T_K[j]);
    if (c->offset && c->offset[j + 1] < c->offset[j])
      return idr_error_set(err, IDR_ERR_INPUT, "<arrays>: offset[%zu] = %zu < offset[%zu] = %zu",
                           j + 1, c->offset[j + 1], j, c->offset[j]);
    size_t k0, n;
    curve_of(c, j, &k0, &n);
    for (size_t k = k0; k < k0 + n; k++) {
      if (!isfinite(c->t_s[k]) || !isfinite(c->C[k]))
        return idr_error_set(err, IDR_ERR_INPUT,
                             "<arrays>: point %zu of the curve at T = %g K is not finite (t = %g "
                             "s, C = %g)",
                             k - k0, c->T_K[j], c->t_s[k], c->C[k]);
      if (k > k0 && !(c->t_s[k] > c->t_s[k - 1]))
        return idr_error_set(err, IDR_ERR_INPUT,
                             "<arrays>: the times of the curve at T = %g K must increase (t[%zu] "
                             "= %g s after %g s)",
                             c->T_K[j], k - k0, c->t_s[k], c->t_s[k - 1]);
    }
  }
  return IDR_OK;
}

idr_status idr_extract_load_arrays(const idr_tid_curves *c, double x_min, double x_max,
                                   idr_transient_model model, idr_extract_data *d, idr_error *err) {
  idr_status st = check_arrays(c, err);
  if (st) return st;
  size_t total = 0;
  for (size_t j = 0; j < c->m; j++) {
    size_t k0, n;
    curve_of(c, j, &k0, &n);
    total += n;
  }
  st = data_alloc(d, c->m, total, err);
  if (st) return st;
  d->C_units = c->C_units ? c->C_units : "F";
  d->kind = "arrays";
  d->N_A_cm3 = d->eps_r = d->thickness_nm = NAN;
  size_t used = 0;
  for (size_t j = 0; j < c->m; j++) {
    size_t k0, n;
    curve_of(c, j, &k0, &n);
    d->T[j] = c->T_K[j];
    d->T_spread[j] = c->T_spread_K ? c->T_spread_K[j] : 0.0;
    d->off[j] = used;
    for (size_t k = k0; k < k0 + n; k++)
      if (c->t_s[k] > 0.0 && c->t_s[k] >= x_min && c->t_s[k] <= x_max) {
        d->t[used] = c->t_s[k];
        d->C[used++] = c->C[k];
      }
  }
  d->off[c->m] = used;
  return check_points("<arrays>", d, NULL, model, err);
}

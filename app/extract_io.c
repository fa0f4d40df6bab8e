/*
 * iondrift app: the files of `iondrift extract` - the transients C(t, T) of a
 * lab export (io/ idr_mdata_read: separators, units, temperature groups,
 * t <= 0 skipped) or of the `tid` group of a result (with the absorber and
 * the true ion parameters it stores), the C-V table of --cv with its
 * Mott-Schottky fit, and the -o result (docs/outputs.md, "extract").
 */
#define _POSIX_C_SOURCE 200809L

#include "app.h"
#include "app_extraction.h"
#include "extract.h"

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

void idr_extract_run_free(idr_extract_run *r) {
  idr_extract_data *d = &r->data;
  free(d->T);
  free(d->T_spread);
  free(d->off);
  free(d->t);
  free(d->C);
  free(d->truth);
  idr_mdata_free(&r->md);
  idr_mdata_free(&r->cv_md);
  idr_tid_extraction_free(&r->x);
  memset(r, 0, sizeof *r);
}

static idr_status data_alloc(idr_extract_data *d, size_t m, size_t n, idr_error *err) {
  d->m = m;
  d->T = calloc(m, sizeof *d->T);
  d->T_spread = calloc(m, sizeof *d->T_spread);
  d->off = calloc(m + 1, sizeof *d->off);
  d->t = calloc(n, sizeof *d->t);
  d->C = calloc(n, sizeof *d->C);
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
                           idr_app_model_name(model), idr_extract_min_points(model));
    }
  return IDR_OK;
}

static idr_status load_csv(const idr_extract_opts *o, idr_extract_run *r, idr_error *err) {
  const idr_mdata_spec spec = {.group = IDR_Q_TEMPERATURE,
                               .x = IDR_Q_TIME,
                               .ny = 1,
                               .y = {IDR_Q_CAPACITANCE},
                               .x_positive = 1,
                               .x_unique = 1};
  idr_mdata *md = &r->md;
  idr_extract_data *d = &r->data;
  idr_status st = idr_mdata_read(o->path, &spec, &o->data, md, err);
  if (st) return st;
  if (md->m < 2)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s: need transients at >= 2 temperatures, found 1 (T = %g K; readings "
                         "closer than --temp-tol-K %g K form one temperature)",
                         o->path, md->group[0], o->data.group_tol);
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
  return check_points(o->path, d, md->line, o->model, err);
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

static idr_status load_h5(const idr_extract_opts *o, idr_extract_data *d, idr_error *err) {
  idr_h5 *h = NULL;
  idr_h5_dataset T = {0}, t = {0}, C = {0};
  idr_status st = idr_h5_open(o->path, &h, err);
  if (st) return st;
  if (idr_h5_kind_of(h, "tid") != IDR_H5_GROUP) {
    st = idr_error_set(err, IDR_ERR_INPUT,
                       "%s: no group 'tid' (expected the result of 'iondrift run' with protocol "
                       "tid, or a CSV with temperature, time and capacitance columns)",
                       o->path);
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
                       o->path, C.dims[0], C.dims[1], m, ns);
    goto out_close;
  }
  if (m < 2) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: need transients at >= 2 temperatures, found %zu",
                       o->path, m);
    goto out_close;
  }
  /* the window of --t-min-s, --t-max-s applies to simulated curves too */
  size_t k0 = 0, k1 = ns;
  while (k0 < ns && !(t.data[k0] > 0.0 && t.data[k0] >= o->data.x_min))
    k0++;
  while (k1 > k0 && t.data[k1 - 1] > o->data.x_max)
    k1--;
  const size_t nk = k1 - k0;
  st = data_alloc(d, m, m * (nk ? nk : 1), err);
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
  st = check_points(o->path, d, NULL, o->model, err);
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

idr_status idr_extract_load(const idr_extract_opts *o, idr_extract_run *r, idr_error *err) {
  return is_hdf5(o->path) ? load_h5(o, &r->data, err) : load_csv(o, r, err);
}

idr_status idr_extract_cv(const idr_extract_opts *o, idr_extract_run *r, idr_error *err) {
  const idr_mdata_spec spec = {.group = -1, .x = IDR_Q_VOLTAGE, .ny = 1, .y = {IDR_Q_CAPACITANCE}};
  idr_status st = idr_mdata_read(o->cv, &spec, NULL, &r->cv_md, err);
  if (st) return st;
  idr_mott_schottky_options mo;
  idr_mott_schottky_options_default(&mo);
  mo.area_cm2 = o->area_cm2;
  mo.eps_r = r->eps_r;
  if (o->have_range) {
    mo.V_lo = o->V_lo;
    mo.V_hi = o->V_hi;
  }
  st = idr_mott_schottky_fit(r->cv_md.x, r->cv_md.y[0], r->cv_md.n, &mo, &r->ms, err);
  if (st) return idr_error_context(err, "Mott-Schottky fit of %s", o->cv);
  r->N_A_cm3 = r->ms.N_cm3;
  /* exactly 2 points: no error estimate; the extraction then takes N_A as exact */
  r->N_A_err_cm3 = isfinite(r->ms.N_err_cm3) ? r->ms.N_err_cm3 : 0.0;
  return IDR_OK;
}

/* ---- the -o file -------------------------------------------------------- */

static idr_status write_attrs(idr_h5 *h, const char *g, const char *const *names, const double *v,
                              size_t n, idr_error *err) {
  idr_status st = idr_h5_create_group(h, g, err);
  for (size_t i = 0; !st && i < n; i++)
    st = idr_h5_set_attr_double(h, g, names[i], v[i], err);
  return st;
}

/* data/: the curves the extraction saw (after units, groups and window). */
static idr_status write_data(idr_h5 *h, const idr_extract_data *d, idr_error *err) {
  int *off = malloc((d->m + 1) * sizeof *off);
  if (!off) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t j = 0; j <= d->m; j++)
    off[j] = (int)d->off[j];
  const size_t n = d->off[d->m];
  idr_status st = idr_h5_write_double_1d(h, "data/T", d->T, d->m, "K", err);
  if (!st) st = idr_h5_write_double_1d(h, "data/T_spread", d->T_spread, d->m, "K", err);
  if (!st) st = idr_h5_write_int_1d(h, "data/offset", off, d->m + 1, "-", err);
  if (!st) st = idr_h5_write_double_1d(h, "data/t", d->t, n, "s", err);
  if (!st) st = idr_h5_write_double_1d(h, "data/C", d->C, n, d->C_units, err);
  free(off);
  return st;
}

static idr_status write_cv(idr_h5 *h, const idr_extract_opts *o, const idr_extract_run *r,
                           idr_error *err) {
  static const char *const names[] = {"N_cm3", "N_err_cm3", "V_bi_V", "V_bi_err_V", "points",
                                      "r2",    "polarity",  "V_lo_V", "V_hi_V",     "area_cm2"};
  const double v[] = {r->ms.N_cm3,
                      r->ms.N_err_cm3,
                      r->ms.V_bi,
                      r->ms.V_bi_err,
                      (double)r->ms.n_used,
                      r->ms.r2,
                      (double)r->ms.polarity,
                      o->have_range ? o->V_lo : -HUGE_VAL,
                      o->have_range ? o->V_hi : HUGE_VAL,
                      o->area_cm2};
  idr_status st = write_attrs(h, "mott_schottky", names, v, sizeof v / sizeof v[0], err);
  if (!st) st = idr_h5_set_attr_string(h, "mott_schottky", "cv_file", o->cv, err);
  if (!st) st = idr_h5_write_double_1d(h, "mott_schottky/V", r->cv_md.x, r->cv_md.n, "V", err);
  if (!st) st = idr_h5_write_double_1d(h, "mott_schottky/C", r->cv_md.y[0], r->cv_md.n, "F", err);
  return st;
}

idr_status idr_extract_write(const idr_extract_opts *o, const idr_extract_run *r, idr_error *err) {
  const idr_tid_extraction *x = &r->x;
  idr_h5 *h = NULL;
  idr_status st = idr_h5_create(o->out_h5, &h, err);
  if (st) return st;
  st = idr_h5_set_attr_string(h, "/", "iondrift_version", IDR_VERSION, err);
  if (!st) st = idr_h5_set_attr_string(h, "/", "command", "extract", err);
  if (!st) st = idr_h5_set_attr_string(h, "/", "input", o->path, err);
  if (!st) st = idr_h5_set_attr_string(h, "/", "input_kind", r->data.kind, err);
  const char *src = o->cv ? "mott-schottky" : isfinite(r->N_A_cm3) ? "doping" : "none";
  if (!st) st = idr_h5_set_attr_string(h, "/", "N_A_source", src, err);
  if (!st) st = idr_h5_set_attr_double(h, "/", "area_cm2", o->area_cm2, err);
  if (!st) st = idr_h5_set_attr_double(h, "/", "thickness_nm", r->thickness_nm, err);
  if (!st && o->cv) st = write_cv(h, o, r, err);
  if (!st) st = write_data(h, &r->data, err);
  idr_app_extraction_info in = {r->data.T, r->data.C_units, r->N_A_cm3, r->N_A_err_cm3, r->eps_r};
  if (!st) st = idr_app_write_extraction(h, "extraction", x, &in, err);
  for (size_t k = 0; !st && k < r->data.n_true; k++) {
    const idr_extract_truth *ti = &r->data.truth[k];
    char g[IDR_EXTRACT_NAME_LEN + 32];
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

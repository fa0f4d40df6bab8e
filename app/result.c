/*
 * iondrift app: the result writer. One HDF5 file in the layout of
 * docs/outputs.md (SI units, a `units` attribute on every dataset, the
 * resolved deck and the program version at the root) plus the J(t) CSV.
 *
 * Publication, so that a failure never leaves a partial result behind nor
 * loses the previous one:
 *   1. the CSV is written to "<csv>.tmp.<pid>.csv" (itself published
 *      atomically by idr_csv_write),
 *   2. the HDF5 file is written under its temporary name (idr_h5_stage),
 *   3. both are renamed onto their final names by idr_io_publish_all: all
 *      or none; an older result is replaced only when both are in place.
 * A failure removes every temporary.
 */
#define _POSIX_C_SOURCE 200809L

#include "app.h"
#include "idr_io.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OBJ_LEN 256 /* longest HDF5 object path written here */

/* ---- the profile groups (equilibrium and transient/profiles) ----------- */

/* Write one set of profiles under `group`. 1-D datasets when one_d (the
 * equilibrium: a single slot), else (n_times, N) arrays plus `t`. */
static idr_status write_profiles(idr_h5 *h, const char *group, const idr_profiles *pr,
                                 const idr_device *dev, int one_d, idr_error *err) {
  const size_t nt = (size_t)pr->n_times, N = (size_t)pr->N, block = nt * N;
  char path[OBJ_LEN];
  struct {
    const char *name, *units;
    const double *data;
  } fields[] = {{"phi", "V", pr->phi}, {"E", "V/m", pr->E},    {"n", "m^-3", pr->n},
                {"p", "m^-3", pr->p},  {"Efn", "eV", pr->Efn}, {"Efp", "eV", pr->Efp}};
  idr_status st = IDR_OK;
  if (!one_d) {
    snprintf(path, sizeof path, "%s/t", group);
    st = idr_h5_write_double_1d(h, path, pr->t, nt, "s", err);
  }
  for (size_t f = 0; !st && f < sizeof fields / sizeof fields[0]; f++) {
    snprintf(path, sizeof path, "%s/%s", group, fields[f].name);
    st = one_d ? idr_h5_write_double_1d(h, path, fields[f].data, N, fields[f].units, err)
               : idr_h5_write_double_2d(h, path, fields[f].data, nt, N, fields[f].units, err);
  }
  for (int k = 0; !st && k < pr->n_ions; k++) {
    snprintf(path, sizeof path, "%s/ion_%s", group, dev->ion_names[k]);
    const double *data = pr->ions + (size_t)k * block;
    st = one_d ? idr_h5_write_double_1d(h, path, data, N, "m^-3", err)
               : idr_h5_write_double_2d(h, path, data, nt, N, "m^-3", err);
  }
  for (int j = 0; !st && j < pr->n_levels; j++) {
    snprintf(path, sizeof path, "%s/trap_%s", group, dev->level_names[j]);
    const double *data = pr->traps + (size_t)j * block;
    st = one_d ? idr_h5_write_double_1d(h, path, data, N, "-", err)
               : idr_h5_write_double_2d(h, path, data, nt, N, "-", err);
  }
  return st;
}

static idr_status write_root_and_mesh(idr_h5 *h, const idr_result_data *rd, idr_error *err) {
  const idr_deck *d = rd->deck;
  const idr_mesh *m = rd->mesh;
  idr_status st = idr_h5_set_attr_string(h, "/", "iondrift_version", IDR_VERSION, err);
  if (!st)
    st = idr_h5_set_attr_string(h, "/", "deck_yaml", d->resolved_yaml ? d->resolved_yaml : "", err);
  if (!st) st = idr_h5_set_attr_double(h, "/", "temperature_K", d->temperature_K, err);
  if (!st) st = idr_h5_set_attr_string(h, "/", "title", d->title, err);
  if (!st) st = idr_h5_write_double_1d(h, "mesh/x", m->x, (size_t)m->n, "m", err);
  if (!st)
    st = idr_h5_write_int_1d(h, "mesh/layer_first", m->layer_first, (size_t)m->n_layers + 1, "-",
                             err);
  if (st) return st;
  /* layer names, comma-separated, in stack order (x = 0 first) */
  size_t len = 1;
  for (int i = 0; i < d->n_layers; i++)
    len += strlen(d->layers[i].name) + 1;
  char *names = calloc(len, 1);
  if (!names) return idr_error_set(err, IDR_ERR_NOMEM, "result: out of memory");
  for (int i = 0; i < d->n_layers; i++) {
    if (i) strcat(names, ",");
    strcat(names, d->layers[i].name);
  }
  st = idr_h5_set_attr_string(h, "mesh", "layer_names", names, err);
  free(names);
  return st;
}

static idr_status write_transient(idr_h5 *h, const idr_result_data *rd, idr_error *err) {
  const idr_waveform_result *r = rd->transient;
  const size_t n = (size_t)r->n_samples;
  struct {
    const char *name, *units;
    const double *data;
  } series[] = {{"t", "s", r->t},
                {"V", "V", r->V},
                {"light", "suns", r->light},
                {"J", "A/m^2", r->J},
                {"Jn", "A/m^2", r->Jn},
                {"Jp", "A/m^2", r->Jp},
                {"Jion", "A/m^2", r->Jion},
                {"Jdisp", "A/m^2", r->Jdisp}};
  char path[OBJ_LEN];
  idr_status st = IDR_OK;
  for (size_t f = 0; !st && f < sizeof series / sizeof series[0]; f++) {
    snprintf(path, sizeof path, "transient/%s", series[f].name);
    st = idr_h5_write_double_1d(h, path, series[f].data, n, series[f].units, err);
  }
  if (!st && r->C) {
    st = idr_h5_write_double_1d(h, "transient/C", r->C, n, "F/m^2", err);
    if (!st) st = idr_h5_write_double_1d(h, "transient/G", r->G, n, "S/m^2", err);
    if (!st) st = idr_h5_set_attr_double(h, "transient", "capacitance_f_Hz", r->cap_f_Hz, err);
  }
  for (int k = 0; !st && k < rd->dev->n_ions; k++) {
    snprintf(path, sizeof path, "ion_drift_max_%s", rd->dev->ion_names[k]);
    st = idr_h5_set_attr_double(h, "transient", path, r->ion_drift_max[k], err);
  }
  struct {
    const char *name;
    long value;
  } stats[] = {{"steps", r->stats.steps},
               {"res_evals", r->stats.res_evals},
               {"jac_evals", r->stats.jac_evals},
               {"lin_setups", r->stats.lin_setups},
               {"nonlin_conv_fails", r->stats.nonlin_conv_fails},
               {"err_test_fails", r->stats.err_test_fails}};
  for (size_t s = 0; !st && s < sizeof stats / sizeof stats[0]; s++)
    st = idr_h5_set_attr_double(h, "transient", stats[s].name, (double)stats[s].value, err);
  if (!st && r->profiles.n_times > 0)
    st = write_profiles(h, "transient/profiles", &r->profiles, rd->dev, 0, err);
  return st;
}

/* cv/mott_schottky: the fit an experimenter would make (idr_cv_mott_schottky_deck);
 * when the sweep does not allow it, @mott_schottky_error says why. */
static idr_status write_cv_mott_schottky(idr_h5 *h, const idr_deck *d, const idr_cv_result *c,
                                         idr_error *err) {
  idr_mott_schottky ms;
  idr_error fe;
  idr_error_clear(&fe);
  if (idr_cv_mott_schottky_deck(d, c, &ms, &fe) != IDR_OK)
    return idr_h5_set_attr_string(h, "cv", "mott_schottky_error", fe.msg, err);
  const char *g = "cv/mott_schottky";
  double V_lo = INFINITY, V_hi = -INFINITY;
  for (int i = 0; i < c->n; i++)
    if (c->n == (int)ms.n_used || c->V[i] <= IDR_CV_MS_V_ZERO) {
      V_lo = fmin(V_lo, c->V[i]);
      V_hi = fmax(V_hi, c->V[i]);
    }
  struct {
    const char *name;
    double v;
  } a[] = {{"N_cm3", ms.N_cm3},
           {"N_err_cm3", ms.N_err_cm3},
           {"V_bi_V", ms.V_bi},
           {"V_bi_err_V", ms.V_bi_err},
           {"slope", ms.slope},
           {"intercept", ms.intercept},
           {"r2", ms.r2},
           {"points", (double)ms.n_used},
           {"polarity", ms.polarity},
           {"V_lo_V", V_lo},
           {"V_hi_V", V_hi},
           {"eps_r", d->layers[idr_tid_absorber_layer(d)].mat.eps_r}};
  idr_status st = idr_h5_create_group(h, g, err);
  for (size_t i = 0; !st && i < sizeof a / sizeof a[0]; i++)
    st = idr_h5_set_attr_double(h, g, a[i].name, a[i].v, err);
  return st;
}

static idr_status write_h5(idr_h5 *h, const idr_result_data *rd, idr_error *err) {
  idr_status st = write_root_and_mesh(h, rd, err);
  if (st) return st;
  idr_profiles eq;
  st = idr_profiles_alloc(&eq, 1, rd->dev, err);
  if (st) return st;
  idr_profiles_store(&eq, 0, 0.0, rd->dev, rd->y_eq);
  st = write_profiles(h, "equilibrium", &eq, rd->dev, 1, err);
  idr_profiles_free(&eq);
  if (!st && rd->transient) st = write_transient(h, rd, err);
  if (!st && rd->tid)
    st = idr_app_write_tid(h, "tid", rd->deck, rd->tid, rd->tid_x, rd->tid_x_error, err);
  if (!st && rd->cf) {
    const idr_cf_result *c = rd->cf;
    st = idr_h5_write_double_1d(h, "cf/f", c->f_Hz, (size_t)c->n, "Hz", err);
    if (!st) st = idr_h5_write_double_1d(h, "cf/C", c->C, (size_t)c->n, "F/m^2", err);
    if (!st) st = idr_h5_write_double_1d(h, "cf/G", c->G, (size_t)c->n, "S/m^2", err);
    if (!st) st = idr_h5_set_attr_double(h, "cf", "V_V", c->V, err);
  }
  if (!st && rd->cv) {
    const idr_cv_result *c = rd->cv;
    st = idr_h5_write_double_1d(h, "cv/V", c->V, (size_t)c->n, "V", err);
    if (!st) st = idr_h5_write_double_1d(h, "cv/C", c->C, (size_t)c->n, "F/m^2", err);
    if (!st) st = idr_h5_write_double_1d(h, "cv/G", c->G, (size_t)c->n, "S/m^2", err);
    if (!st) st = idr_h5_write_double_1d(h, "cv/J", c->J, (size_t)c->n, "A/m^2", err);
    if (!st) st = idr_h5_set_attr_double(h, "cv", "f_Hz", c->f_Hz, err);
    if (!st) st = write_cv_mott_schottky(h, rd->deck, c, err);
    if (!st)
      st = idr_h5_set_attr_string(h, "cv", "ions", c->ions_frozen ? "frozen" : "mobile", err);
  }
  return st;
}

/* The CSV has no comment lines: its first line is the header, so any CSV
 * reader takes it as is (the provenance is in the HDF5 file beside it).
 * Capacitances and conductances appear per unit area and, for the Mott-Schottky
 * command and measured-data tools, for an area of 1 cm^2 (capacitance_F). */
#define M2_PER_CM2 1e-4
static idr_status write_csv(const idr_result_data *rd, const char *path, idr_error *err) {
  idr_status st = IDR_OK;
  if (rd->tid) return idr_app_write_tid_csv(rd->tid, path, err);
  if (rd->transient) {
    const idr_waveform_result *r = rd->transient;
    static const char *const names[] = {"time_s",  "V_V",       "light_suns", "J_A_m2", "Jn_A_m2",
                                        "Jp_A_m2", "Jion_A_m2", "Jdisp_A_m2", "C_F_m2", "G_S_m2"};
    const double *const cols[] = {r->t,  r->V,    r->light, r->J, r->Jn,
                                  r->Jp, r->Jion, r->Jdisp, r->C, r->G};
    size_t nc = r->C ? 10 : 8;
    return idr_csv_write(path, NULL, names, cols, nc, (size_t)r->n_samples, err);
  }
  const double *x, *C, *G, *J = NULL;
  size_t n;
  const char *xname;
  if (rd->cf) {
    x = rd->cf->f_Hz, C = rd->cf->C, G = rd->cf->G, n = (size_t)rd->cf->n;
    xname = "frequency_Hz";
  } else {
    x = rd->cv->V, C = rd->cv->C, G = rd->cv->G, J = rd->cv->J, n = (size_t)rd->cv->n;
    xname = "voltage_V";
  }
  double *C1 = malloc((n ? n : 1) * sizeof *C1), *G1 = malloc((n ? n : 1) * sizeof *G1);
  if (!C1 || !G1) {
    free(C1);
    free(G1);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    C1[i] = C[i] * M2_PER_CM2;
    G1[i] = G[i] * M2_PER_CM2;
  }
  const char *const names[] = {xname,    "capacitance_F", "conductance_S",
                               "C_F_m2", "G_S_m2",        "J_A_m2"};
  const double *const cols[] = {x, C1, G1, C, G, J};
  st = idr_csv_write(path, NULL, names, cols, J ? 6 : 5, n, err);
  free(C1);
  free(G1);
  return st;
}

idr_status idr_app_write_result(const idr_result_data *rd, const char *h5_path,
                                const char *csv_path, idr_error *err) {
  const int want_csv = (rd->transient || rd->cf || rd->cv || rd->tid) && csv_path && csv_path[0];
  char csv_tmp[1100] = "";
  idr_status st = IDR_OK;
  if (want_csv) {
    int w = snprintf(csv_tmp, sizeof csv_tmp, "%s.tmp.%ld.csv", csv_path, (long)getpid());
    if (w < 0 || (size_t)w >= sizeof csv_tmp)
      return idr_error_set(err, IDR_ERR_IO, "%s: path too long", csv_path);
    st = write_csv(rd, csv_tmp, err);
    if (st) return st; /* idr_csv_write removes its own temporary */
  }
  idr_h5 *h = NULL;
  char *h5_tmp = NULL;
  st = idr_h5_create(h5_path, &h, err);
  if (!st) {
    st = write_h5(h, rd, err);
    if (st) {
      idr_error_context(err, "writing %s", h5_path);
      idr_h5_abort(&h);
    } else {
      st = idr_h5_stage(&h, &h5_tmp, err);
    }
  }
  if (st) {
    if (want_csv) remove(csv_tmp);
    return st;
  }
  const char *tmps[2] = {h5_tmp, csv_tmp}, *finals[2] = {h5_path, csv_path};
  st = idr_io_publish_all(tmps, finals, want_csv ? 2 : 1, err);
  idr_h5_free(h5_tmp);
  return st;
}

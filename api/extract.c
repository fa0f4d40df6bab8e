/*
 * iondrift api: the TID extraction of measured or simulated capacitance
 * transients C(t, T) (`iondrift extract`), with the chain of
 * idr_tid_extract (analysis/, docs/analysis.md):
 *   per-temperature fits -> ln(T^n/tau) = ln A - Ea/(kT) -> global fit,
 *   N_ion = 2 N_A |dC|/C_inf,  D(T) = kT eps0 eps_r / (q^2 N_A tau);
 *   without N_A (an intrinsic absorber): Ea, tau, and N_ion D from
 *   tau = R_ion C_s (docs/analysis.md, section 4b).
 * N_A is given, fitted to a C-V table (Mott-Schottky, mott_schottky.c) or
 * read from a result file with its absorber. The result has the layout of
 * `iondrift extract -o` (docs/cli.md): data/, mott_schottky/, extraction/
 * (protocols/tid_extraction.c, the layout of a run's tid/extraction).
 */
#include "iondrift.h"

#include "extract_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void idr_extract_options_default(idr_extract_options *o) {
  memset(o, 0, sizeof *o);
  o->eps_r = o->doping_cm3 = o->area_cm2 = o->thickness_nm = o->n_ion_cm3 = NAN;
  o->cv_V_lo = -HUGE_VAL;
  o->cv_V_hi = HUGE_VAL;
  o->power = 1;
  idr_data_options_default(&o->data);
}

/* ---- options ------------------------------------------------------------------- */

static int parse_model(const char *s, idr_transient_model *m) {
  static const char *const M[] = {"single", "stretched", "two"};
  for (int k = 0; k < 3; k++)
    if (s && strcmp(s, M[k]) == 0) {
      *m = (idr_transient_model)k;
      return 1;
    }
  return 0;
}

/* The model of --model and --components together (both may be NULL:
 * auto); 0 with a message when they contradict or are unknown. */
static int resolve_model(const char *model, const char *comp, idr_transient_model *m,
                         idr_error *err) {
  idr_transient_model given = IDR_TRANSIENT_AUTO;
  if (model && !parse_model(model, &given)) {
    idr_error_set(err, IDR_ERR_INPUT, "--model needs single, stretched or two (got '%s')", model);
    return 0;
  }
  if (!comp) {
    *m = given;
    return 1;
  }
  idr_transient_model want;
  if (strcmp(comp, "1") == 0)
    want = given == IDR_TRANSIENT_STRETCHED ? IDR_TRANSIENT_STRETCHED : IDR_TRANSIENT_EXP;
  else if (strcmp(comp, "2") == 0)
    want = IDR_TRANSIENT_TWO_EXP;
  else if (strcmp(comp, "auto") == 0)
    want = IDR_TRANSIENT_AUTO;
  else {
    idr_error_set(err, IDR_ERR_INPUT, "--components needs 1, 2 or auto (got '%s')", comp);
    return 0;
  }
  if (model && given != want) {
    idr_error_set(err, IDR_ERR_INPUT,
                  "--model %s and --components %s contradict each other (give one of them)", model,
                  comp);
    return 0;
  }
  *m = want;
  return 1;
}

static int parse_polarity(const char *s, idr_tid_polarity *p) {
  if (s && strcmp(s, "pin") == 0)
    *p = IDR_POLARITY_PIN;
  else if (s && strcmp(s, "nip") == 0)
    *p = IDR_POLARITY_NIP;
  else
    return 0;
  return 1;
}

/* A value that is given (not NAN) must be > 0. */
static idr_status positive(const char *opt, double v, idr_error *err) {
  if (isnan(v) || (v > 0.0 && isfinite(v))) return IDR_OK;
  return idr_error_set(err, IDR_ERR_INPUT, "%s needs a number > 0 (got %g)", opt, v);
}

idr_status idr_extract_options_check(const idr_extract_options *o, idr_error *err) {
  idr_transient_model m;
  idr_tid_polarity p;
  idr_status st = positive("--eps-r", o->eps_r, err);
  if (!st) st = positive("--doping-cm3", o->doping_cm3, err);
  if (!st) st = positive("--area-cm2", o->area_cm2, err);
  if (!st) st = positive("--thickness-nm", o->thickness_nm, err);
  if (!st) st = positive("--n-ion-cm3", o->n_ion_cm3, err);
  if (st) return st;
  if (o->power < 0 || o->power > 2)
    return idr_error_set(err, IDR_ERR_INPUT, "--power needs 0, 1 or 2 (got %d)", o->power);
  if (!resolve_model(o->model, o->components, &m, err)) return err->status;
  if (o->polarity && !parse_polarity(o->polarity, &p))
    return idr_error_set(err, IDR_ERR_INPUT, "--polarity needs pin or nip (got '%s')", o->polarity);
  if (!isnan(o->doping_cm3) && o->cv_file)
    return idr_error_set(err, IDR_ERR_INPUT, "give either --doping-cm3 or --cv for N_A, not both");
  if (o->cv_file && !(o->area_cm2 > 0.0))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "--cv needs --area-cm2 (the Mott-Schottky density is per area)");
  if (!(o->cv_V_lo < o->cv_V_hi))
    return idr_error_set(err, IDR_ERR_INPUT, "--cv-range needs VLO < VHI (got %g:%g)", o->cv_V_lo,
                         o->cv_V_hi);
  return IDR_OK;
}

/* ---- the chain ------------------------------------------------------------------ */

/* What one extraction works with. */
typedef struct extraction {
  const idr_extract_options *o;
  const char *input;
  idr_extract_data data;
  idr_transient_model model;
  idr_tid_polarity polarity;
  idr_mdata cv_md;       /* the C-V table as read (cv_file) */
  idr_mott_schottky ms;  /* its fit */
  idr_ms_options ms_opt; /* the options of that fit */
  double N_A_cm3, N_A_err_cm3, eps_r, thickness_nm;
  idr_tid_extraction x;
  idr_api_warnings w;
} extraction;

/* N_A from the Mott-Schottky fit of the C-V table (read with defaults). */
static idr_status fit_cv(extraction *e, idr_error *err) {
  const idr_extract_options *o = e->o;
  idr_status st = idr_api_cv_fit(o->cv_file, o->area_cm2, e->eps_r, o->cv_V_lo, o->cv_V_hi, &e->w,
                                 &e->cv_md, &e->ms_opt, &e->ms, err);
  if (st) return st;
  e->N_A_cm3 = e->ms.N_cm3;
  /* exactly 2 points: no error estimate; the extraction then takes N_A as exact */
  e->N_A_err_cm3 = isfinite(e->ms.N_err_cm3) ? e->ms.N_err_cm3 : 0.0;
  return IDR_OK;
}

/* The absorber: options first, then what a result file stores. */
static idr_status resolve_absorber(extraction *e, idr_error *err) {
  const idr_extract_options *o = e->o;
  const idr_extract_data *d = &e->data;
  e->eps_r = !isnan(o->eps_r) ? o->eps_r : d->eps_r;
  if (!isfinite(e->eps_r))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "extract: missing --eps-r (the absorber's relative permittivity)");
  e->thickness_nm = !isnan(o->thickness_nm) ? o->thickness_nm : d->thickness_nm;
  e->polarity = d->polarity;
  if (o->polarity) parse_polarity(o->polarity, &e->polarity);
  e->N_A_cm3 = NAN;
  e->N_A_err_cm3 = 0.0;
  if (o->cv_file) return fit_cv(e, err);
  if (!isnan(o->doping_cm3))
    e->N_A_cm3 = o->doping_cm3;
  else if (d->N_A_cm3 > 0.0)
    e->N_A_cm3 = d->N_A_cm3;
  return IDR_OK;
}

static idr_status run_chain(extraction *e, idr_error *err) {
  const idr_extract_data *d = &e->data;
  idr_transient_data *cd = calloc(d->m, sizeof *cd);
  if (!cd) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t j = 0; j < d->m; j++)
    cd[j] = (idr_transient_data){d->T[j], d->off[j + 1] - d->off[j], d->t + d->off[j],
                                 d->C + d->off[j], NULL};
  idr_tid_extract_options xo;
  idr_tid_extract_options_default(&xo);
  xo.power = e->o->power;
  xo.model = e->model;
  xo.N_A_cm3 = e->N_A_cm3;
  xo.N_A_err_cm3 = e->N_A_err_cm3;
  xo.eps_r = e->eps_r;
  xo.polarity = e->polarity;
  xo.thickness_nm = e->thickness_nm;
  xo.N_ion_cm3 = e->o->n_ion_cm3;
  /* C per area: F/m^2 as stored by a run; F of a device of area_cm2 */
  xo.C_to_F_m2 = strcmp(d->C_units, "F/m^2") == 0 ? 1.0 : 1.0 / (e->o->area_cm2 * IDR_CM2_TO_M2);
  idr_status st = idr_tid_extract(cd, d->m, &xo, &e->x, err);
  if (st)
    idr_error_context(err, "%s (N_A = %g cm^-3, eps_r = %g, %s model)", e->input, e->N_A_cm3,
                      e->eps_r, idr_tid_model_name(e->model));
  free(cd);
  return st;
}

/* ---- the result ------------------------------------------------------------------ */

/* data/: the curves the extraction saw (after units, groups and window). */
static idr_status write_data(idr_rset *rs, const idr_extract_data *d, idr_error *err) {
  int *off = malloc((d->m + 1) * sizeof *off);
  if (!off) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t j = 0; j <= d->m; j++)
    off[j] = (int)d->off[j];
  const size_t n = d->off[d->m];
  idr_status st = idr_rset_put_double(rs, "data/T", d->T, d->m, "K", err);
  if (!st) st = idr_rset_put_double(rs, "data/T_spread", d->T_spread, d->m, "K", err);
  if (!st) st = idr_rset_put_int(rs, "data/offset", off, d->m + 1, "-", err);
  if (!st) st = idr_rset_put_double(rs, "data/t", d->t, n, "s", err);
  if (!st) st = idr_rset_put_double(rs, "data/C", d->C, n, d->C_units, err);
  free(off);
  return st;
}

static idr_status write_truth(idr_rset *rs, const idr_extract_data *d, idr_error *err) {
  idr_status st = IDR_OK;
  for (size_t k = 0; !st && k < d->n_true; k++) {
    const idr_extract_truth *ti = &d->truth[k];
    char g[IDR_EXTRACT_NAME_LEN + 32];
    static const char *const names[] = {"Ea_eV", "N_ion_cm3", "D0_cm2_s", "D300_cm2_s"};
    const double v[] = {ti->Ea_eV, ti->N_ion_cm3, ti->D0_cm2_s, ti->D300_cm2_s};
    snprintf(g, sizeof g, "extraction/true/%s", ti->name);
    st = idr_rset_group(rs, g, err);
    for (size_t i = 0; !st && i < 4; i++)
      st = idr_rset_attr_double(rs, g, names[i], v[i], err);
    if (!st) st = idr_rset_attr_string(rs, g, "sign", ti->sign, err);
  }
  return st;
}

static idr_status build_result(const extraction *e, idr_result **out, idr_error *err) {
  const idr_extract_options *o = e->o;
  const idr_extract_data *d = &e->data;
  idr_rset *rs = NULL;
  idr_status st = idr_rset_create(&rs, err);
  if (!st) st = idr_api_root_attrs(rs, "extract", e->input, d->kind, &d->md, err);
  const char *src = o->cv_file ? "mott-schottky" : isfinite(e->N_A_cm3) ? "doping" : "none";
  if (!st) st = idr_rset_attr_string(rs, "/", "N_A_source", src, err);
  if (!st) st = idr_rset_attr_double(rs, "/", "area_cm2", o->area_cm2, err);
  if (!st) st = idr_rset_attr_double(rs, "/", "thickness_nm", e->thickness_nm, err);
  if (!st) st = idr_rset_attr_string(rs, "/", "warnings", e->w.text ? e->w.text : "", err);
  if (!st && o->cv_file) {
    st = idr_api_ms_write(rs, "mott_schottky", &e->ms, &e->ms_opt, e->cv_md.x, e->cv_md.y[0],
                          e->cv_md.n, err);
    if (!st) st = idr_rset_attr_string(rs, "mott_schottky", "cv_file", o->cv_file, err);
  }
  if (!st) st = write_data(rs, d, err);
  idr_tid_extraction_info in = {d->T, d->C_units, e->N_A_cm3, e->N_A_err_cm3, e->eps_r};
  if (!st) st = idr_tid_write_extraction(rs, "extraction", &e->x, &in, err);
  if (!st) st = write_truth(rs, d, err);
  if (st) {
    idr_rset_free(&rs);
    return st;
  }
  return idr_api_result_wrap(rs, NULL, out, err);
}

/* Load (path, or the arrays c), then the absorber, the chain and the result. */
static idr_status extract(const char *path, const idr_tid_curves *c, const idr_extract_options *o,
                          idr_result **out, idr_error *err) {
  idr_error e1;
  idr_error_clear(&e1);
  if (idr_extract_options_check(o, &e1))
    return idr_error_set(err, e1.status, "extract: %s", e1.msg);
  extraction e;
  memset(&e, 0, sizeof e);
  e.o = o;
  e.input = path ? path : "<arrays>";
  e.w = (idr_api_warnings){o->on_warning, o->user, NULL, 0};
  resolve_model(o->model, o->components, &e.model, &e1);
  idr_mdata_options mo;
  idr_status st = idr_api_mdata_options(&o->data, &mo, err);
  if (!st && path) {
    st = idr_extract_load_file(path, &mo, e.model, &e.data, err);
    idr_api_warn_mdata(&e.w, &e.data.md);
  } else if (!st) {
    st = idr_extract_load_arrays(c, mo.x_min, mo.x_max, e.model, &e.data, err);
  }
  if (!st) st = resolve_absorber(&e, err);
  if (!st) st = run_chain(&e, err);
  if (!st) st = build_result(&e, out, err);
  idr_tid_extraction_free(&e.x);
  idr_mdata_free(&e.cv_md);
  idr_extract_data_free(&e.data);
  idr_api_warnings_free(&e.w);
  return st;
}

idr_status idr_extract_tid_file(const char *path, const idr_extract_options *o, idr_result **out,
                                idr_error *err) {
  idr_api_init();
  *out = NULL;
  if (!path) return idr_error_set(err, IDR_ERR_INPUT, "extract: no data file");
  return extract(path, NULL, o, out, err);
}

idr_status idr_extract_tid_arrays(const idr_tid_curves *c, const idr_extract_options *o,
                                  idr_result **out, idr_error *err) {
  idr_api_init();
  *out = NULL;
  if (!c) return idr_error_set(err, IDR_ERR_INPUT, "extract: no curves");
  return extract(NULL, c, o, out, err);
}

/*
 * iondrift api: the thermal admittance spectroscopy analysis of a C-f-T
 * table (`iondrift tas-extract`), the chain of idr_tas_extract (analysis/
 * tas.c, docs/tas.md; the same code a `tas` run applies):
 *   inflections of -w dC/dw followed as levels -> ln(w0/T^2) = ln(2 xi0) -
 *   E/kT -> Walter's tDOS N_t(E_w) = -(V_bi/(q W)) (dC/dw)(w/kT) ->
 *   Gaussian bands; level densities from the steps (crossing point).
 * V_bi is given or comes with N and W from a Mott-Schottky fit of a C-V
 * table: W = sqrt(2 eps (V_bi - V - kT/q) / (q N)) at the table's bias.
 * The result: data/, mott_schottky/ (with a C-V table) and extraction/ (the
 * layout of a run's tas/extraction, protocols/tas.c).
 */
#include "iondrift.h"

#include "api_internal.h"
#include "idr_protocols.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void idr_tas_extract_options_default(idr_tas_extract_options *o) {
  memset(o, 0, sizeof *o);
  o->area_cm2 = o->eps_r = o->vbi_V = o->w_nm = o->doping_cm3 = o->band_dos_cm3 = NAN;
  o->bias_V = 0.0;
  o->cv_V_lo = -HUGE_VAL;
  o->cv_V_hi = HUGE_VAL;
  idr_data_options_default(&o->data);
}

/* A given value (not NAN) must be > 0; a required one must be given. */
static idr_status positive(const char *opt, double v, int required, const char *what,
                           idr_error *err) {
  if (isnan(v) && required) return idr_error_set(err, IDR_ERR_INPUT, "missing %s (%s)", opt, what);
  if (isnan(v) || (v > 0.0 && isfinite(v))) return IDR_OK;
  return idr_error_set(err, IDR_ERR_INPUT, "%s needs a number > 0 (got %g)", opt, v);
}

idr_status idr_tas_extract_options_check(const idr_tas_extract_options *o, idr_error *err) {
  idr_status st = positive("--area-cm2", o->area_cm2, 1, "the device area", err);
  if (!st) st = positive("--eps-r", o->eps_r, 1, "the relative permittivity", err);
  if (!st) st = positive("--vbi", o->vbi_V, 0, "", err);
  if (!st) st = positive("--w-nm", o->w_nm, 0, "", err);
  if (!st) st = positive("--doping-cm3", o->doping_cm3, 0, "", err);
  if (!st) st = positive("--band-dos-cm3", o->band_dos_cm3, 0, "", err);
  if (st) return st;
  if (!isnan(o->vbi_V) == (o->cv_file != NULL))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "give exactly one of --vbi V and --cv CV.csv (Walter's V_bi)");
  if (!isfinite(o->bias_V))
    return idr_error_set(err, IDR_ERR_INPUT, "--bias-V needs a number (got %g)", o->bias_V);
  if (o->smooth < 0 || o->smooth > IDR_TAS_SMOOTH_MAX)
    return idr_error_set(err, IDR_ERR_INPUT, "--smooth needs a count in [0, %d] (got %d)",
                         IDR_TAS_SMOOTH_MAX, o->smooth);
  if (!(o->cv_V_lo < o->cv_V_hi))
    return idr_error_set(err, IDR_ERR_INPUT, "--cv-range needs VLO < VHI (got %g:%g)", o->cv_V_lo,
                         o->cv_V_hi);
  return IDR_OK;
}

/* What one analysis works with. */
typedef struct tas_job {
  const idr_tas_extract_options *o;
  const char *input;
  idr_mdata md, cv_md;
  idr_mott_schottky ms;
  idr_ms_options ms_opt;
  idr_tas_options to;
  idr_tas_extraction x;
  int have_x;
  idr_api_warnings w;
} tas_job;

/* V_bi, N and W from the Mott-Schottky fit of the C-V table. */
static idr_status fit_cv(tas_job *e, double T_K, idr_error *err) {
  const idr_tas_extract_options *o = e->o;
  idr_status st = idr_api_cv_fit(o->cv_file, o->area_cm2, o->eps_r, o->cv_V_lo, o->cv_V_hi, &e->w,
                                 &e->cv_md, &e->ms_opt, &e->ms, err);
  if (st) return st;
  e->to.V_bi_V = e->ms.V_bi;
  if (isnan(o->doping_cm3)) e->to.N_A_cm3 = e->ms.N_cm3;
  if (isnan(o->w_nm)) {
    double V = e->ms.V_bi - e->ms.polarity * o->bias_V - idr_thermal_voltage(T_K);
    if (!(V > 0))
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s: V_bi = %.4g V leaves no depletion at the bias %.4g V (give --w-nm)",
                           o->cv_file, e->ms.V_bi, o->bias_V);
    double eps = o->eps_r * IDR_EPS0, N = e->ms.N_cm3 * IDR_CM3_TO_M3;
    e->to.W_nm = sqrt(2.0 * eps * V / (IDR_Q * N)) / IDR_NM_TO_M;
  }
  return IDR_OK;
}

static idr_status run_chain(tas_job *e, idr_error *err) {
  const idr_tas_extract_options *o = e->o;
  const idr_mdata_spec spec = {.group = IDR_Q_TEMPERATURE,
                               .x = IDR_Q_FREQUENCY,
                               .ny = 2,
                               .y = {IDR_Q_CAPACITANCE, IDR_Q_CONDUCTANCE},
                               .y_optional = {0, 1},
                               .x_positive = 1,
                               .x_unique = 1};
  idr_mdata_options mo;
  idr_status st = idr_api_mdata_options(&o->data, &mo, err);
  if (!st) st = idr_mdata_read(e->input, &spec, &mo, &e->md, err);
  if (st) return st;
  idr_api_warn_mdata(&e->w, &e->md);
  idr_tas_options_default(&e->to);
  e->to.C_to_F_m2 = 1.0 / (o->area_cm2 * IDR_CM2_TO_M2);
  e->to.eps_r = o->eps_r;
  e->to.V_bi_V = o->vbi_V;
  e->to.W_nm = o->w_nm;
  e->to.N_A_cm3 = o->doping_cm3;
  e->to.band_dos_cm3 = o->band_dos_cm3;
  e->to.smooth = (size_t)o->smooth;
  if (o->cv_file) {
    st = fit_cv(e, 0.5 * (e->md.group[0] + e->md.group[e->md.m - 1]), err);
    if (st) return st;
  }
  idr_tas_curve *c = calloc(e->md.m ? e->md.m : 1, sizeof *c);
  if (!c) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t j = 0; j < e->md.m; j++)
    c[j] = (idr_tas_curve){e->md.group[j], e->md.off[j + 1] - e->md.off[j], e->md.x + e->md.off[j],
                           e->md.y[0] + e->md.off[j]};
  st = idr_tas_extract(c, e->md.m, &e->to, &e->x, err);
  free(c);
  if (st) return idr_error_context(err, "%s", e->input);
  e->have_x = 1;
  return IDR_OK;
}

/* data/: the curves the analysis saw (after units, groups and window). */
static idr_status write_data(idr_rset *rs, const idr_mdata *d, idr_error *err) {
  int *off = malloc((d->m + 1) * sizeof *off);
  if (!off) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t j = 0; j <= d->m; j++)
    off[j] = (int)d->off[j];
  idr_status st = idr_rset_put_double(rs, "data/T", d->group, d->m, "K", err);
  if (!st) st = idr_rset_put_int(rs, "data/offset", off, d->m + 1, "-", err);
  if (!st) st = idr_rset_put_double(rs, "data/f", d->x, d->n, "Hz", err);
  if (!st) st = idr_rset_put_double(rs, "data/C", d->y[0], d->n, "F", err);
  if (!st && d->y[1]) st = idr_rset_put_double(rs, "data/G", d->y[1], d->n, "S", err);
  free(off);
  return st;
}

static idr_status build_result(const tas_job *e, idr_result **out, idr_error *err) {
  const idr_tas_extract_options *o = e->o;
  idr_rset *rs = NULL;
  idr_status st = idr_rset_create(&rs, err);
  if (!st) st = idr_api_root_attrs(rs, "tas-extract", e->input, "csv", &e->md, err);
  const char *wsrc = !isnan(o->w_nm) ? "given"
                     : o->cv_file    ? "mott-schottky"
                                     : "C(f_max) per temperature";
  if (!st)
    st = idr_rset_attr_string(rs, "/", "V_bi_source", o->cv_file ? "mott-schottky" : "given", err);
  if (!st) st = idr_rset_attr_string(rs, "/", "W_source", wsrc, err);
  if (!st) st = idr_rset_attr_double(rs, "/", "W_nm", e->to.W_nm, err);
  if (!st) st = idr_rset_attr_double(rs, "/", "N_A_cm3", e->to.N_A_cm3, err);
  if (!st) st = idr_rset_attr_double(rs, "/", "band_dos_cm3", e->to.band_dos_cm3, err);
  if (!st) st = idr_rset_attr_double(rs, "/", "area_cm2", o->area_cm2, err);
  if (!st) st = idr_rset_attr_double(rs, "/", "eps_r", o->eps_r, err);
  if (!st) st = idr_rset_attr_string(rs, "/", "warnings", e->w.text ? e->w.text : "", err);
  if (!st && o->cv_file) {
    st = idr_api_ms_write(rs, "mott_schottky", &e->ms, &e->ms_opt, e->cv_md.x, e->cv_md.y[0],
                          e->cv_md.n, err);
    if (!st) st = idr_rset_attr_string(rs, "mott_schottky", "cv_file", o->cv_file, err);
  }
  if (!st) st = write_data(rs, &e->md, err);
  if (!st) st = idr_tas_write_extraction(rs, "extraction", &e->x, err);
  if (st) {
    idr_rset_free(&rs);
    return st;
  }
  return idr_api_result_wrap(rs, NULL, out, err);
}

idr_status idr_extract_tas_file(const char *path, const idr_tas_extract_options *o,
                                idr_result **out, idr_error *err) {
  idr_api_init();
  *out = NULL;
  if (!path) return idr_error_set(err, IDR_ERR_INPUT, "tas-extract: no data file");
  idr_error e1;
  idr_error_clear(&e1);
  if (idr_tas_extract_options_check(o, &e1))
    return idr_error_set(err, e1.status, "tas-extract: %s", e1.msg);
  tas_job e;
  memset(&e, 0, sizeof e);
  e.o = o;
  e.input = path;
  e.w = (idr_api_warnings){o->on_warning, o->user, NULL, 0};
  idr_status st = run_chain(&e, err);
  if (!st) st = build_result(&e, out, err);
  if (e.have_x) idr_tas_extraction_free(&e.x);
  idr_mdata_free(&e.md);
  idr_mdata_free(&e.cv_md);
  idr_api_warnings_free(&e.w);
  return st;
}

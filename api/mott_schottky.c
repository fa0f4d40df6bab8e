/*
 * iondrift api: the Mott-Schottky fit of a C-V table or of arrays
 * (`iondrift mott-schottky`, and N_A for `iondrift extract --cv`):
 *
 *   1/C^2 = 2 (V_bi - V - kT/q) / (q eps0 eps_r A^2 N)
 *
 * by linear regression of 1/C^2 on V (analysis/mott_schottky.c,
 * docs/analysis.md). The table is read with io/'s measured-data reader
 * (voltage and capacitance columns, docs/data.md). The result holds the
 * group mott_schottky/ with the fit, the options and the points.
 */
#include "iondrift.h"

#include "api_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void idr_ms_options_default(idr_ms_options *o) {
  memset(o, 0, sizeof *o);
  idr_mott_schottky_options m;
  idr_mott_schottky_options_default(&m);
  o->area_cm2 = NAN;
  o->eps_r = NAN;
  o->V_lo = m.V_lo;
  o->V_hi = m.V_hi;
  o->T_K = m.T_K;
  o->include_kT = m.include_kT;
  idr_data_options_default(&o->data);
}

idr_status idr_ms_options_check(const idr_ms_options *o, idr_error *err) {
  if (!(o->area_cm2 > 0.0 && isfinite(o->area_cm2)))
    return idr_error_set(err, IDR_ERR_INPUT, "missing --area-cm2 (the device area in cm^2)");
  if (!(o->eps_r > 0.0 && isfinite(o->eps_r)))
    return idr_error_set(err, IDR_ERR_INPUT, "missing --eps-r (the relative permittivity)");
  if (!(o->T_K > 0.0 && isfinite(o->T_K)))
    return idr_error_set(err, IDR_ERR_INPUT, "--T-K needs a temperature > 0 K (got %g)", o->T_K);
  if (!(o->V_lo < o->V_hi))
    return idr_error_set(err, IDR_ERR_INPUT, "--range %g:%g: VLO must be < VHI", o->V_lo, o->V_hi);
  return IDR_OK;
}

/* The options' rules, as an error of the command ("mott-schottky: ..."). */
static idr_status check_options(const idr_ms_options *o, idr_error *err) {
  idr_error e;
  idr_error_clear(&e);
  if (idr_ms_options_check(o, &e)) return idr_error_set(err, e.status, "mott-schottky: %s", e.msg);
  return IDR_OK;
}

idr_status idr_api_ms_fit(const double *V, const double *C, size_t n, const idr_ms_options *o,
                          const char *input, idr_api_warnings *w, idr_mott_schottky *ms,
                          idr_error *err) {
  idr_mott_schottky_options mo;
  idr_mott_schottky_options_default(&mo);
  mo.area_cm2 = o->area_cm2;
  mo.eps_r = o->eps_r;
  mo.V_lo = o->V_lo;
  mo.V_hi = o->V_hi;
  mo.T_K = o->T_K;
  mo.include_kT = o->include_kT;
  memset(ms, 0, sizeof *ms);
  idr_status st = idr_mott_schottky_fit(V, C, n, &mo, ms, err);
  if (st) return st;
  const char *why = idr_mott_schottky_implausible(ms);
  if (why) idr_api_warn(w, "%s: N = %.3g cm^-3 is %s", input, ms->N_cm3, why);
  return IDR_OK;
}

idr_status idr_api_ms_write(idr_rset *rs, const char *g, const idr_mott_schottky *ms,
                            const idr_ms_options *o, const double *V, const double *C, size_t n,
                            idr_error *err) {
  const struct {
    const char *name;
    double v;
  } a[] = {{"N_cm3", ms->N_cm3},
           {"N_err_cm3", ms->N_err_cm3},
           {"V_bi_V", ms->V_bi},
           {"V_bi_err_V", ms->V_bi_err},
           {"slope_F-2_V-1", ms->slope},
           {"points", (double)ms->n_used},
           {"r2", ms->r2},
           {"polarity", (double)ms->polarity},
           {"kT_included", (double)ms->kT_included},
           {"V_lo_V", o->V_lo},
           {"V_hi_V", o->V_hi},
           {"area_cm2", o->area_cm2},
           {"eps_r", o->eps_r},
           {"T_K", o->T_K}};
  idr_status st = idr_rset_group(rs, g, err);
  for (size_t k = 0; !st && k < sizeof a / sizeof a[0]; k++)
    st = idr_rset_attr_double(rs, g, a[k].name, a[k].v, err);
  char p[IDR_RSET_PATH_LEN];
  snprintf(p, sizeof p, "%s/V", g);
  if (!st) st = idr_rset_put_double(rs, p, V, n, "V", err);
  snprintf(p, sizeof p, "%s/C", g);
  if (!st) st = idr_rset_put_double(rs, p, C, n, "F", err);
  return st;
}

/* The fit of n points into a new result (md: the table as read, or NULL). */
static idr_status ms_result(const double *V, const double *C, size_t n, const idr_ms_options *o,
                            const char *input, const char *kind, const idr_mdata *md,
                            idr_api_warnings *w, idr_result **out, idr_error *err) {
  idr_mott_schottky ms;
  idr_status st = idr_api_ms_fit(V, C, n, o, input, w, &ms, err);
  if (st) return idr_error_context(err, "fitting %s", input);
  idr_rset *rs = NULL;
  st = idr_rset_create(&rs, err);
  if (!st) st = idr_api_root_attrs(rs, "mott-schottky", input, kind, md, err);
  if (!st) st = idr_api_ms_write(rs, "mott_schottky", &ms, o, V, C, n, err);
  if (!st) st = idr_rset_attr_string(rs, "/", "warnings", w->text ? w->text : "", err);
  if (st) {
    idr_rset_free(&rs);
    return st;
  }
  return idr_api_result_wrap(rs, NULL, out, err);
}

idr_status idr_mott_schottky_file(const char *path, const idr_ms_options *o, idr_result **out,
                                  idr_error *err) {
  idr_api_init();
  *out = NULL;
  idr_status st = check_options(o, err);
  if (st) return st;
  idr_mdata_options mopt;
  st = idr_api_mdata_options(&o->data, &mopt, err);
  if (st) return st;
  const idr_mdata_spec spec = {.group = -1, .x = IDR_Q_VOLTAGE, .ny = 1, .y = {IDR_Q_CAPACITANCE}};
  idr_mdata tab;
  st = idr_mdata_read(path, &spec, &mopt, &tab, err);
  if (st) return st;
  idr_api_warnings w = {o->on_warning, o->user, NULL, 0};
  idr_api_warn_mdata(&w, &tab);
  st = ms_result(tab.x, tab.y[0], tab.n, o, path, "csv", &tab, &w, out, err);
  idr_api_warnings_free(&w);
  idr_mdata_free(&tab);
  return st;
}

idr_status idr_mott_schottky_arrays(const double *V, const double *C_F, size_t n,
                                    const idr_ms_options *o, idr_result **out, idr_error *err) {
  idr_api_init();
  *out = NULL;
  idr_status st = check_options(o, err);
  if (st) return st;
  if (n && (!V || !C_F))
    return idr_error_set(err, IDR_ERR_INPUT, "mott-schottky: NULL voltage or capacitance array");
  idr_api_warnings w = {o->on_warning, o->user, NULL, 0};
  st = ms_result(V, C_F, n, o, "<arrays>", "arrays", NULL, &w, out, err);
  idr_api_warnings_free(&w);
  return st;
}

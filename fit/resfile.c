/*
 * iondrift fit: the result file (docs/outputs.md, "fit"). Root attributes
 * (the resolved spec, chi-square, counts, warnings), parameters/ (values,
 * errors, intervals, covariance, correlation), data/set_<i>/ (the data,
 * the best-fit curves, the residuals, the offsets), profiles/p<k>/,
 * design/ (the multi-start design and its costs) and textbook/ (the
 * textbook extraction of the tid data, the layout of `iondrift extract -o`).
 */
#include "fit_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *x_units(fit_kind k) {
  return k == FIT_TID ? "s" : k == FIT_CF ? "Hz" : "V";
}

/* A comma-separated list of the parameters' paths or units. */
static void joined(const fit_problem *p, int units, char *buf, size_t size) {
  size_t o = 0;
  buf[0] = '\0';
  for (size_t k = 0; k < p->n_par && o < size; k++)
    o += (size_t)snprintf(buf + o, size - o, "%s%s", k ? "," : "",
                          units ? p->par[k].units : p->par[k].path);
}

static idr_status put_params(const idr_fit *f, idr_result *r, idr_error *err) {
  const fit_problem *p = &f->p;
  const size_t np = p->n_par;
  double v[FIT_MAX_PARAMS], se[FIT_MAX_PARAMS], st0[FIT_MAX_PARAMS], mn[FIT_MAX_PARAMS],
      mx[FIT_MAX_PARAMS], c68[2 * FIT_MAX_PARAMS], c95[2 * FIT_MAX_PARAMS];
  double corr[FIT_MAX_PARAMS * FIT_MAX_PARAMS];
  int ident[FIT_MAX_PARAMS], prof[FIT_MAX_PARAMS], logs[FIT_MAX_PARAMS];
  for (size_t k = 0; k < np; k++) {
    idr_fit_param_result pr;
    idr_status st = idr_fit_param(f, k, &pr, err);
    if (st) return st;
    v[k] = pr.value;
    se[k] = pr.stderr_;
    st0[k] = pr.start;
    mn[k] = p->par[k].min;
    mx[k] = p->par[k].max;
    c68[2 * k] = pr.ci68[0];
    c68[2 * k + 1] = pr.ci68[1];
    c95[2 * k] = pr.ci95[0];
    c95[2 * k + 1] = pr.ci95[1];
    ident[k] = pr.identifiable;
    prof[k] = pr.profiled;
    logs[k] = pr.log_scale;
    for (size_t l = 0; l < np; l++)
      corr[k * np + l] =
          f->uq.cov[k * np + l] / sqrt(f->uq.cov[k * np + k] * f->uq.cov[l * np + l]);
  }
  const char *U = "per parameter: @units";
  const size_t d1[1] = {np}, d2[2] = {np, 2}, dc[2] = {np, np};
  char buf[FIT_MAX_PARAMS * (FIT_KEY_LEN + 1)];
  idr_status st = idr_result_put_double(r, "parameters/value", v, 1, d1, U, err);
  if (!st) st = idr_result_put_double(r, "parameters/stderr", se, 1, d1, U, err);
  if (!st) st = idr_result_put_double(r, "parameters/start", st0, 1, d1, U, err);
  if (!st) st = idr_result_put_double(r, "parameters/min", mn, 1, d1, U, err);
  if (!st) st = idr_result_put_double(r, "parameters/max", mx, 1, d1, U, err);
  if (!st) st = idr_result_put_double(r, "parameters/ci68", c68, 2, d2, U, err);
  if (!st) st = idr_result_put_double(r, "parameters/ci95", c95, 2, d2, U, err);
  if (!st)
    st = idr_result_put_double(r, "parameters/covariance", f->uq.cov, 2, dc,
                               "fitting scales (log10 for log parameters)", err);
  if (!st) st = idr_result_put_double(r, "parameters/correlation", corr, 2, dc, "-", err);
  if (!st) st = idr_result_put_int(r, "parameters/identifiable", ident, np, "-", err);
  if (!st) st = idr_result_put_int(r, "parameters/profiled", prof, np, "-", err);
  if (!st) st = idr_result_put_int(r, "parameters/log_scale", logs, np, "-", err);
  joined(p, 0, buf, sizeof buf);
  if (!st) st = idr_result_set_attr_string(r, "parameters", "paths", buf, err);
  joined(p, 1, buf, sizeof buf);
  if (!st) st = idr_result_set_attr_string(r, "parameters", "units", buf, err);
  return st;
}

static idr_status put_set(const idr_fit *f, size_t i, idr_result *r, idr_error *err) {
  const fit_problem *p = &f->p;
  const fit_dataset *d = &p->set[i];
  const fit_curve *c0 = &p->curve[d->first_curve];
  const size_t m = d->n_curves, o = c0->off;
  size_t n = 0;
  double *T = malloc(m * sizeof *T), *off = malloc(m * sizeof *off);
  int *start = malloc((m + 1) * sizeof *start);
  idr_status st = IDR_OK;
  if (!T || !off || !start) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    goto out_free;
  }
  for (size_t j = 0; j < m; j++) {
    const fit_curve *c = &p->curve[d->first_curve + j];
    T[j] = c->T_K;
    off[j] = f->offsets[d->first_curve + j];
    start[j] = (int)n;
    n += c->n;
  }
  start[m] = (int)n;
  char g[64], name[96];
  snprintf(g, sizeof g, "data/set_%zu", i);
  const size_t dm[1] = {m}, dn[1] = {n};
#define PUT(key, data, dims, units)                                                                \
  if (!st) {                                                                                       \
    snprintf(name, sizeof name, "%s/%s", g, key);                                                  \
    st = idr_result_put_double(r, name, data, 1, dims, units, err);                                \
  }
  PUT("T", T, dm, "K");
  PUT("C_offset", off, dm, "F");
  PUT("x", p->x + o, dn, x_units(d->kind));
  PUT("C", p->y + o, dn, "F");
  PUT("sigma", p->sigma + o, dn, "F");
  PUT("model", f->model + o, dn, "F");
  PUT("residual", f->resid + o, dn, "-");
#undef PUT
  if (!st) {
    snprintf(name, sizeof name, "%s/curve_start", g);
    st = idr_result_put_int(r, name, start, m + 1, "-", err);
  }
  if (!st) st = idr_result_set_attr_string(r, g, "type", idr_fit_kind_name(d->kind), err);
  if (!st) st = idr_result_set_attr_string(r, g, "file", d->file, err);
  if (!st)
    st = idr_result_set_attr_double(r, g, "sigma_rel", d->sigma_rel > 0 ? d->sigma_rel : NAN, err);
  if (!st) st = idr_result_set_attr_double(r, g, "sigma_F", d->sigma_F > 0 ? d->sigma_F : NAN, err);
  if (!st) st = idr_result_set_attr_double(r, g, "fit_C_inf", d->fit_C_inf, err);
out_free:
  free(T);
  free(off);
  free(start);
  return st;
}

static idr_status put_profiles(const idr_fit *f, idr_result *r, idr_error *err) {
  idr_status st = IDR_OK;
  for (size_t k = 0; !st && k < f->p.n_par; k++) {
    if (!f->has_prof[k]) continue;
    const fit_profile *pr = &f->prof[k];
    const fit_param *q = &f->p.par[k];
    double v[FIT_PROFILE_MAX];
    for (int i = 0; i < pr->n; i++)
      v[i] = idr_fit_v_of(q, pr->z[i]);
    char g[32], name[64];
    snprintf(g, sizeof g, "profiles/p%zu", k);
    const size_t dn[1] = {(size_t)pr->n};
    snprintf(name, sizeof name, "%s/value", g);
    st = idr_result_put_double(r, name, v, 1, dn, q->units, err);
    snprintf(name, sizeof name, "%s/dchi2", g);
    if (!st) st = idr_result_put_double(r, name, pr->dchi2, 1, dn, "-", err);
    if (!st) st = idr_result_set_attr_string(r, g, "path", q->path, err);
    if (!st) st = idr_result_set_attr_double(r, g, "index", (double)k, err);
  }
  return st;
}

static idr_status put_root(const idr_fit *f, idr_result *r, idr_error *err) {
  const struct {
    const char *name;
    double v;
  } a[] = {{"chi2", f->uq.chi2},
           {"chi2_reduced", f->chi2_red},
           {"covariance_scale", f->uq.s2},
           {"points", (double)f->p.n},
           {"dof", (double)f->dof},
           {"offsets", (double)f->n_offsets},
           {"curves", (double)f->p.n_curves},
           {"simulations", (double)f->simulations},
           {"starts", (double)f->p.starts},
           {"refine", (double)f->p.refine},
           {"best_start", (double)f->best_start},
           {"lm_iterations", (double)f->lm_iters},
           {"wall_time_s", f->wall_s},
           {"area_cm2", f->p.area_cm2}};
  idr_status st = idr_result_set_attr_string(r, "/", "command", "fit", err);
  if (!st) st = idr_result_set_attr_string(r, "/", "iondrift_version", idr_version(), err);
  if (!st) st = idr_result_set_attr_string(r, "/", "spec", f->p.spec_path, err);
  if (!st) st = idr_result_set_attr_string(r, "/", "spec_yaml", f->p.resolved, err);
  if (!st) st = idr_result_set_attr_string(r, "/", "warnings", idr_fit_warnings(f), err);
  for (size_t i = 0; !st && i < sizeof a / sizeof a[0]; i++)
    st = idr_result_set_attr_double(r, "/", a[i].name, a[i].v, err);
  if (!st && f->textbook_error[0])
    st = idr_result_set_attr_string(r, "/", "textbook_error", f->textbook_error, err);
  return st;
}

idr_status idr_fit_build_result(idr_fit *f, idr_error *err) {
  idr_result *r = NULL;
  idr_status st = idr_result_create(&r, err);
  if (!st) st = put_root(f, r, err);
  if (!st) st = put_params(f, r, err);
  for (size_t i = 0; !st && i < f->p.n_sets; i++)
    st = put_set(f, i, r, err);
  if (!st) st = put_profiles(f, r, err);
  const size_t dd[2] = {(size_t)f->p.starts, f->p.n_par}, dc[1] = {(size_t)f->p.starts};
  if (!st)
    st = idr_result_put_double(r, "design/z", f->design_z, 2, dd,
                               "fitting scales (log10 for log parameters)", err);
  if (!st) st = idr_result_put_double(r, "design/cost", f->design_cost, 1, dc, "-", err);
  if (!st && f->textbook) st = idr_result_copy_group(r, "textbook", f->textbook, "/", err);
  if (st) {
    idr_result_free(&r);
    return st;
  }
  f->res = r;
  return IDR_OK;
}

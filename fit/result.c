/*
 * iondrift fit: what a fit reports. Identifiability (an undetermined
 * direction of the covariance, |correlation| > FIT_CORR_MAX, a profile that
 * stays below dchi2 = 1 up to a bound), the warnings naming the
 * parameters, the textbook extraction of the same TID data (the
 * experimenters' Arrhenius analysis, idr_extract_tid_arrays) beside the
 * fit, the result file's contents (docs/outputs.md, "fit") and the
 * accessors of the API.
 */
#include "fit_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define Z_95 1.959963984540054 /* two-sided 95 % quantile of the normal distribution */

void idr_fit_warn(idr_fit *f, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  const size_t old = f->warnings ? strlen(f->warnings) : 0, n = strlen(msg);
  char *w = realloc(f->warnings, old + n + 2);
  if (!w) return;
  if (old) w[old] = '\n';
  memcpy(w + old + (old ? 1 : 0), msg, n + 1);
  f->warnings = w;
}

static double corr(const idr_fit *f, size_t k, size_t l) {
  const size_t np = f->p.n_par;
  return f->uq.cov[k * np + l] / sqrt(f->uq.cov[k * np + k] * f->uq.cov[l * np + l]);
}

void idr_fit_judge(idr_fit *f) {
  const fit_problem *p = &f->p;
  const size_t np = p->n_par;
  /* With absolute sigma the covariance is not rescaled: a chi2 far above the
   * degrees of freedom means the errors below are too small. */
  if (!p->any_relative && f->dof > 0 && isfinite(f->uq.chi2)) {
    const double q = gsl_cdf_chisq_Q(f->uq.chi2, (double)f->dof);
    if (q < FIT_POOR_P)
      idr_fit_warn(f,
                   "the fit is poor: chi2/dof %.3g (p = %.2g) with absolute sigma: the model "
                   "does not describe the data within sigma (an offset: fit_C_inf; data of "
                   "another model or unit; sigma too small), so the standard errors are too "
                   "small",
                   f->chi2_red, q);
  }
  for (size_t k = 0; k < np; k++)
    f->identifiable[k] = 1;
  for (size_t k = 0; k < np; k++) {
    const fit_param *q = &p->par[k];
    const double se = sqrt(f->uq.cov[k * np + k]);
    if (!isfinite(se)) {
      f->identifiable[k] = 0;
      idr_fit_warn(f,
                   "%s is not identifiable: the data do not determine it (the covariance is "
                   "singular in its direction)",
                   q->path);
    } else if (f->has_prof[k] && (!f->prof[k].closed68[0] || !f->prof[k].closed68[1])) {
      f->identifiable[k] = 0;
      idr_fit_warn(f, "%s is not identifiable: its profile is flat (dchi2 < 1 up to the %s bound)",
                   q->path, f->prof[k].closed68[0] ? "upper" : "lower");
    } else if (!f->has_prof[k] && 2.0 * Z_95 * se > FIT_WIDE_FRACTION * (q->z_hi - q->z_lo)) {
      f->identifiable[k] = 0;
      idr_fit_warn(f,
                   "%s is not identifiable: its 95 %% interval (linearized) spans more than "
                   "half its range",
                   q->path);
    }
    for (size_t l = k + 1; l < np; l++) {
      const double c = corr(f, k, l);
      if (!(isfinite(c) && fabs(c) > FIT_CORR_WARN)) continue;
      const int apart = fabs(c) <= FIT_CORR_MAX;
      if (!apart) f->identifiable[k] = f->identifiable[l] = 0;
      idr_fit_warn(f, "%s and %s %s: correlation %.5f (the data determine %sa combination of them)",
                   q->path, p->par[l].path,
                   apart ? "are strongly correlated" : "are not identifiable apart", c,
                   apart ? "mainly " : "only ");
    }
  }
}

/* ---- the textbook extraction ---------------------------------------------------------- */

/* The absorber of the best fit: a run of the curve's study there. */
static idr_status absorber(const idr_fit *f, const fit_curve *c, idr_extract_options *o,
                           idr_error *err) {
  const fit_problem *p = &f->p;
  idr_value v[FIT_MAX_PARAMS];
  for (size_t k = 0; k < p->n_par; k++)
    v[k] = (idr_value){p->par[k].path, NULL, idr_fit_v_of(&p->par[k], f->uq.z[k])};
  idr_study *s = NULL;
  idr_result *r = NULL;
  const char *pol = NULL;
  double N_A = NAN;
  idr_status st = idr_study_copy(c->base, &s, err);
  if (!st) st = idr_study_set_values(s, v, p->n_par, err);
  if (!st) st = idr_study_run(s, 1, NULL, NULL, &r, err);
  if (!st) st = idr_result_attr_double(r, "tid", "absorber_N_A_cm3", &N_A, err);
  if (!st) st = idr_result_attr_double(r, "tid", "absorber_eps_r", &o->eps_r, err);
  if (!st) st = idr_result_attr_double(r, "tid", "absorber_thickness_nm", &o->thickness_nm, err);
  if (!st) st = idr_result_attr_string(r, "tid", "polarity", &pol, err);
  if (!st) {
    o->doping_cm3 = N_A > 0 ? N_A : NAN;
    /* the polarity string lives in r: only the two known words are kept */
    o->polarity = strcmp(pol, "pin") == 0 ? "pin" : strcmp(pol, "nip") == 0 ? "nip" : NULL;
  }
  idr_result_free(&r);
  idr_study_free(&s);
  return st;
}

void idr_fit_textbook(idr_fit *f, fit_eval *e) {
  (void)e;
  const fit_problem *p = &f->p;
  size_t d = 0;
  while (d < p->n_sets && p->set[d].kind != FIT_TID)
    d++;
  if (d == p->n_sets) return;
  const fit_dataset *ds = &p->set[d];
  idr_error sub;
  idr_error_clear(&sub);
  idr_extract_options o;
  idr_extract_options_default(&o);
  o.area_cm2 = p->area_cm2;
  const fit_curve *c0 = &p->curve[ds->first_curve];
  double T[FIT_MAX_CURVES];
  size_t off[FIT_MAX_CURVES + 1];
  const size_t m = ds->n_curves < FIT_MAX_CURVES ? ds->n_curves : FIT_MAX_CURVES;
  for (size_t j = 0; j < m; j++) {
    T[j] = p->curve[ds->first_curve + j].T_K;
    off[j] = p->curve[ds->first_curve + j].off - c0->off;
  }
  off[m] = off[m - 1] + p->curve[ds->first_curve + m - 1].n;
  idr_tid_curves tc = {m, T, NULL, off, 0, p->x + c0->off, p->y + c0->off, "F"};
  idr_status st = absorber(f, c0, &o, &sub);
  if (!st) st = idr_extract_tid_arrays(&tc, &o, &f->textbook, &sub);
  if (st) {
    snprintf(f->textbook_error, sizeof f->textbook_error, "%s", sub.msg);
    idr_result_free(&f->textbook);
  }
}

/* ---- accessors ------------------------------------------------------------------------ */

size_t idr_fit_n_params(const idr_fit *f) {
  return f->p.n_par;
}
const char *idr_fit_param_path(const idr_fit *f, size_t k) {
  return k < f->p.n_par ? f->p.par[k].path : NULL;
}
size_t idr_fit_n_points(const idr_fit *f) {
  return f->p.n;
}
size_t idr_fit_n_curves(const idr_fit *f) {
  return f->p.n_curves;
}
size_t idr_fit_n_datasets(const idr_fit *f) {
  return f->p.n_sets;
}
const char *idr_fit_resolved(const idr_fit *f) {
  return f->p.resolved;
}
double idr_fit_chi2_reduced(const idr_fit *f) {
  return f->done ? f->chi2_red : NAN;
}
size_t idr_fit_simulations(const idr_fit *f) {
  return f->simulations;
}
const char *idr_fit_warnings(const idr_fit *f) {
  return f->warnings ? f->warnings : "";
}
const idr_result *idr_fit_result(const idr_fit *f) {
  return f->res;
}

idr_status idr_fit_param(const idr_fit *f, size_t k, idr_fit_param_result *out, idr_error *err) {
  if (k >= f->p.n_par) return idr_error_set(err, IDR_ERR_RANGE, "fit: no parameter %zu", k);
  if (!f->done) return idr_error_set(err, IDR_ERR_INPUT, "fit: not run yet");
  const fit_param *q = &f->p.par[k];
  const double z = f->uq.z[k], se = sqrt(f->uq.cov[k * f->p.n_par + k]);
  memset(out, 0, sizeof *out);
  out->path = q->path;
  out->units = q->units;
  out->log_scale = q->log_scale;
  out->start = idr_fit_v_of(q, f->z_start[k]);
  out->value = idr_fit_v_of(q, z);
  out->stderr_z = se;
  out->stderr_ = q->log_scale ? out->value * log(10.0) * se : se;
  out->identifiable = f->identifiable[k];
  out->profiled = f->has_prof[k];
  for (int s = 0; s < 2; s++) {
    const double sg = s ? 1.0 : -1.0;
    double z68 = f->has_prof[k] ? f->prof[k].ci68[s] : z + sg * se;
    double z95 = f->has_prof[k] ? f->prof[k].ci95[s] : z + sg * Z_95 * se;
    if (!isfinite(z68)) z68 = s ? q->z_hi : q->z_lo;
    if (!isfinite(z95)) z95 = s ? q->z_hi : q->z_lo;
    out->ci68[s] = idr_fit_v_of(q, fmin(fmax(z68, q->z_lo), q->z_hi));
    out->ci95[s] = idr_fit_v_of(q, fmin(fmax(z95, q->z_lo), q->z_hi));
  }
  return IDR_OK;
}

idr_status idr_fit_write(const idr_fit *f, const char *h5_path, idr_error *err) {
  if (!f->res) return idr_error_set(err, IDR_ERR_INPUT, "fit: not run yet");
  return idr_result_write(f->res, h5_path, "", err);
}

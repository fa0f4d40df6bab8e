/*
 * iondrift analysis: inversion of a costly increasing map, g(p) = target.
 *
 * Used to read a measured (extracted) number back into a model input: p is
 * a true parameter (e.g. the migration barrier), g(p) the value the
 * experimenters' analysis reports for a simulation with that input (e.g. the
 * TID-extracted Ea). Every g costs a full simulation, so evaluations are
 * cached and counted.
 *
 * Method: bracket by steps from the first guess, sized by the residual and
 * an expected slope (a secant once two values are known, enlarged by a
 * factor so that the target is passed), then Brent's method (GSL
 * gsl_root_fsolver_brent) inside the bracket until the bracket is narrower
 * than p_tol or |g - target| <= g_tol.
 */
#include "analysis_internal.h"

#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

/* Values remembered, so that Brent's end-point evaluations cost nothing. */
#define INV_CACHE 64
/* A bracketing step goes this much past the secant estimate of the root. */
#define INV_OVERSHOOT 1.25

typedef struct inv_ctx {
  idr_scalar_fn fn;
  void *user;
  double target;
  int max_evals;
  int n; /* cached evaluations (also the evaluation count) */
  double p[INV_CACHE], g[INV_CACHE];
  idr_status status; /* first failure of fn (or of the budget) */
  idr_error *err;
} inv_ctx;

/* g(p) - target, through the cache; NAN after a failure. */
static double inv_residual(double p, void *v) {
  inv_ctx *c = v;
  if (c->status) return NAN;
  for (int i = 0; i < c->n; i++)
    if (c->p[i] == p) return c->g[i] - c->target;
  if (c->n >= c->max_evals || c->n >= INV_CACHE) {
    c->status = idr_error_set(c->err, IDR_ERR_SOLVER,
                              "inversion: no convergence within %d evaluations", c->n);
    return NAN;
  }
  double g = NAN;
  idr_status st = c->fn(p, c->user, &g, c->err);
  if (!st && !isfinite(g))
    st = idr_error_set(c->err, IDR_ERR_SOLVER, "inversion: g(%.10g) is not finite", p);
  if (st) {
    c->status = st;
    return NAN;
  }
  c->p[c->n] = p;
  c->g[c->n] = g;
  c->n++;
  return g - c->target;
}

void idr_invert_default_options(idr_invert_options *o) {
  o->slope = 1.0;
  o->p_tol = 1e-4;
  o->g_tol = 1e-4;
  o->p_min = -INFINITY;
  o->p_max = INFINITY;
  o->max_evals = 12;
}

idr_status idr_invert_increasing(idr_scalar_fn fn, void *user, double target, double p0,
                                 const idr_invert_options *opt, idr_invert_result *res,
                                 idr_error *err) {
  const char *who = "inversion";
  if (!res) return idr_error_set(err, IDR_ERR_INPUT, "%s: NULL result", who);
  memset(res, 0, sizeof *res);
  res->p = res->g = NAN;
  idr_invert_options o;
  if (opt)
    o = *opt;
  else
    idr_invert_default_options(&o);
  if (!fn) return idr_error_set(err, IDR_ERR_INPUT, "%s: NULL function", who);
  if (!isfinite(target) || !isfinite(p0))
    return idr_error_set(err, IDR_ERR_INPUT, "%s: target and first guess must be finite", who);
  if (!(o.slope > 0) || !(o.p_tol > 0) || !(o.g_tol > 0) || o.max_evals < 2 ||
      !(o.p_min < o.p_max) || p0 < o.p_min || p0 > o.p_max)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s: needs slope, p_tol, g_tol > 0, max_evals >= 2 and p_min <= p0 <= "
                         "p_max (got slope %g, p_tol %g, g_tol %g, max_evals %d, p0 %g in [%g, "
                         "%g])",
                         who, o.slope, o.p_tol, o.g_tol, o.max_evals, p0, o.p_min, o.p_max);
  inv_ctx c = {.fn = fn, .user = user, .target = target, .max_evals = o.max_evals, .err = err};

  /* bracket [lo, hi] with r(lo) < 0 < r(hi) */
  double pa = p0, ra = inv_residual(pa, &c);
  if (c.status) return c.status;
  if (fabs(ra) <= o.g_tol) {
    res->p = pa;
    res->g = ra + target;
    res->evals = c.n;
    return IDR_OK;
  }
  double slope = o.slope, pb = pa, rb = ra;
  for (;;) {
    double step = -ra / slope * INV_OVERSHOOT;
    pb = fmin(fmax(pa + step, o.p_min), o.p_max);
    if (pb == pa)
      return idr_error_set(err, IDR_ERR_RANGE,
                           "%s: the target %.10g is not reached inside [%g, %g] (g = %.10g at "
                           "p = %.10g)",
                           who, target, o.p_min, o.p_max, ra + target, pa);
    rb = inv_residual(pb, &c);
    if (c.status) return c.status;
    if (fabs(rb) <= o.g_tol) {
      res->p = pb;
      res->g = rb + target;
      res->evals = c.n;
      return IDR_OK;
    }
    if ((ra < 0) != (rb < 0)) break;
    /* same side: secant slope if it says increasing, else keep the guess */
    double s = (rb - ra) / (pb - pa);
    if (s > 0 && isfinite(s)) slope = s;
    pa = pb;
    ra = rb;
  }
  double lo = fmin(pa, pb), hi = fmax(pa, pb);

  gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
  if (!solver) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", who);
  gsl_function F = {inv_residual, &c};
  idr_status st = IDR_OK;
  if (gsl_root_fsolver_set(solver, &F, lo, hi) != GSL_SUCCESS) {
    st = c.status
             ? c.status
             : idr_error_set(err, IDR_ERR_INTERNAL, "%s: bracket [%g, %g] refused", who, lo, hi);
    goto out_free_solver;
  }
  for (;;) {
    int gs = gsl_root_fsolver_iterate(solver);
    if (c.status) {
      st = c.status;
      goto out_free_solver;
    }
    if (gs != GSL_SUCCESS) {
      st = idr_error_set(err, IDR_ERR_SOLVER, "%s: Brent iteration failed (%s)", who,
                         gsl_strerror(gs));
      goto out_free_solver;
    }
    double p = gsl_root_fsolver_root(solver);
    double r = inv_residual(p, &c);
    if (c.status) {
      st = c.status;
      goto out_free_solver;
    }
    lo = gsl_root_fsolver_x_lower(solver);
    hi = gsl_root_fsolver_x_upper(solver);
    if (fabs(r) <= o.g_tol || gsl_root_test_interval(lo, hi, o.p_tol, 0.0) == GSL_SUCCESS) {
      res->p = p;
      res->g = r + target;
      break;
    }
  }
out_free_solver:
  gsl_root_fsolver_free(solver);
  res->evals = c.n;
  return st;
}

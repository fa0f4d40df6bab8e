/*
 * iondrift studies: inversion of an extracted value to a model input. The
 * map p -> g(p) is a whole run of a study (set p by its deck path with the
 * typed setter, run, extract g from the result), solved for g(p) = target by
 * idr_invert_increasing (analysis/invert.c: bracketing steps, then Brent).
 * The last run is kept, so the solution, normally the last evaluation, is
 * not run twice.
 */
#include "iondrift.h"

#include "idr_analysis.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct invert_ctx {
  idr_study *s; /* a working copy: the caller's study changes only on success */
  const idr_invert_problem *prob;
  idr_result *last; /* the last run's result */
  double last_p;
} invert_ctx;

static idr_status value_of(const idr_invert_problem *prob, const idr_result *r, double *g,
                           idr_error *err) {
  if (prob->extract) return prob->extract(prob->extract_user, r, g, err);
  return idr_result_attr_double(r, prob->value_obj, prob->value_attr, g, err);
}

static idr_status eval(double p, void *user, double *g, idr_error *err) {
  invert_ctx *c = user;
  const idr_invert_problem *prob = c->prob;
  idr_result_free(&c->last);
  double t0 = now_s();
  idr_status st = idr_study_set_double(c->s, prob->param, p, err);
  if (!st) st = idr_study_run(c->s, prob->threads, NULL, NULL, &c->last, err);
  if (st) return st;
  c->last_p = p;
  st = value_of(prob, c->last, g, err);
  if (!st && prob->on_run) prob->on_run(prob->on_run_user, p, *g, now_s() - t0);
  return st;
}

idr_status idr_study_invert(idr_study *s, const idr_invert_problem *prob, double *p, double *g,
                            int *runs, idr_result **out, idr_error *err) {
  if (out) *out = NULL;
  invert_ctx c = {NULL, prob, NULL, NAN};
  idr_status st = idr_study_copy(s, &c.s, err);
  if (st) return st;
  idr_invert_options io;
  idr_invert_default_options(&io);
  if (prob->slope != 0) io.slope = prob->slope;
  if (prob->p_tol > 0) io.p_tol = prob->p_tol;
  if (prob->g_tol > 0) io.g_tol = prob->g_tol;
  io.p_min = prob->p_min;
  io.p_max = prob->p_max;
  if (prob->max_runs > 0) io.max_evals = prob->max_runs;
  idr_invert_result ir = {NAN, NAN, 0};
  st = idr_invert_increasing(eval, &c, prob->target, prob->p0, &io, &ir, err);
  if (runs) *runs = ir.evals;
  /* the solution in the caller's study (and, when asked for, its result) */
  if (!st) st = idr_study_set_double(s, prob->param, ir.p, err);
  if (!st && out) {
    if (c.last && c.last_p == ir.p) {
      *out = c.last;
      c.last = NULL;
    } else {
      st = idr_study_run(s, prob->threads, NULL, NULL, out, err);
    }
  }
  if (!st) {
    if (p) *p = ir.p;
    if (g) *g = ir.g;
  }
  idr_result_free(&c.last);
  idr_study_free(&c.s);
  return st;
}

/*
 * iondrift fit: the fit spec (YAML, docs/fit.md) read and checked like a
 * deck: unknown keys with a suggestion, every value with its rule and its
 * file:line:col, every parameter path, bound and start through the typed
 * setter of the API (its own check and message), the data files read (by
 * the shared reader of measured data, io/ idr_mdata_read) and every curve's
 * study built - all before any simulation.
 *
 *   deck: device.yaml          required, relative to the spec's directory
 *   set: {mesh.nodes: 200}     optional fixed changes by deck path
 *   data: [...]                required (data.c)
 *   area_cm2: 0.1              required: the device area of the data's F
 *   parameters: [{path, min, max, scale: linear|log, start, profile}, ...]
 *   starts: 8                  design size (1: from the starts alone)
 *   refine: 2                  LM runs from the best design points
 *   max_iterations: 50
 *   fd_step: 1e-3              finite-difference step / range (fitting scale)
 */
#include "fit_internal.h"

/* the base deck and its `set:` as a sweep spec reads them; idr_sw_key_units,
 * idr_sw_canonical_path, the text buffer */
#include "sweep_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const TOP_KEYS[] = {"deck",       "set",    "data",   "area_cm2",
                                       "parameters", "starts", "refine", "max_iterations",
                                       "fd_step",    NULL};
static const char *const PARAM_KEYS[] = {"path", "min", "max", "scale", "start", "profile", NULL};

#define FIT_DEFAULT_STARTS 8
#define FIT_DEFAULT_REFINE 2
#define FIT_DEFAULT_MAX_ITER 50
#define FIT_DEFAULT_FD_STEP 1e-3

/* An integer key in [lo, hi] (absent: *out kept). */
static idr_status read_count(const idr_ydoc *doc, const idr_ynode *root, const char *key, long lo,
                             long hi, int *out, idr_error *err) {
  const idr_ynode *n = idr_ynode_get(root, key);
  if (!n) return IDR_OK;
  double v = 0;
  if (idr_yread_number(doc, n, key, &v, NULL) || v != floor(v) || v < (double)lo || v > (double)hi)
    return idr_yerror(doc, n, 0, key, err, "must be an integer in [%ld, %ld] (got %s)", lo, hi,
                      idr_read_got(n));
  *out = (int)v;
  return IDR_OK;
}

/* A number > 0 (absent: *out kept unless required). */
static idr_status read_positive(const idr_ydoc *doc, const idr_ynode *map, const char *path,
                                const char *key, int required, double *out, idr_error *err) {
  const idr_ynode *n = idr_ynode_get(map, key);
  char p[FIT_KEY_LEN];
  idr_read_path_key(p, sizeof p, path, key);
  if (!n) return required ? idr_yerror(doc, map, 0, p, err, "is required") : IDR_OK;
  idr_status st = idr_yread_number(doc, n, p, out, err);
  if (!st && !(*out > 0))
    st = idr_yerror(doc, n, 0, p, err, "must be > 0 (got %s)", idr_read_got(n));
  return st;
}

static idr_status read_deck(fit_problem *p, const idr_ydoc *doc, const idr_ynode *root,
                            idr_error *err) {
  char written[FIT_PATH_LEN];
  return idr_sw_read_base(p->spec_path, doc, root, written, sizeof written, p->deck_path,
                          sizeof p->deck_path, &p->deck, err);
}

/* ---- parameters ------------------------------------------------------------------ */

/* value v accepted by the setter at q->path (on a copy of the deck)? */
static idr_status try_value(const fit_problem *p, const char *path, double v, idr_error *sub) {
  idr_study *c = NULL;
  idr_status st = idr_study_copy(p->deck, &c, sub);
  if (!st) st = idr_study_set_double(c, path, v, sub);
  idr_study_free(&c);
  return st;
}

static idr_status read_bounds(fit_problem *p, fit_param *q, const idr_ydoc *doc, const idr_ynode *e,
                              const char *path, idr_error *err) {
  const idr_ynode *mn = idr_ynode_get(e, "min"), *mx = idr_ynode_get(e, "max"),
                  *sc = idr_ynode_get(e, "scale");
  char pk[FIT_KEY_LEN];
  if (!mn || !mx) return idr_yerror(doc, e, 0, path, err, "needs min and max (the bounds)");
  idr_read_path_key(pk, sizeof pk, path, "min");
  idr_status st = idr_yread_number(doc, mn, pk, &q->min, err);
  idr_read_path_key(pk, sizeof pk, path, "max");
  if (!st) st = idr_yread_number(doc, mx, pk, &q->max, err);
  if (st) return st;
  if (!(q->max > q->min))
    return idr_yerror(doc, mx, 0, pk, err, "must be > min = %g (got %g: a bound inverted)", q->min,
                      q->max);
  if (sc) {
    const char *s = idr_ynode_scalar(sc);
    idr_read_path_key(pk, sizeof pk, path, "scale");
    if (s && strcmp(s, "log") == 0)
      q->log_scale = 1;
    else if (!s || strcmp(s, "linear") != 0)
      return idr_yerror(doc, sc, 0, pk, err, "must be one of linear | log (got %s)",
                        idr_read_got(sc));
    if (q->log_scale && !(q->min > 0))
      return idr_yerror(doc, sc, 0, pk, err, "log needs min > 0 (got min %g)", q->min);
  }
  /* both bounds must be values the deck accepts (the setter's own rules) */
  const idr_ynode *at[2] = {mn, mx};
  const double v[2] = {q->min, q->max};
  for (int b = 0; b < 2; b++) {
    idr_error sub;
    idr_error_clear(&sub);
    if ((st = try_value(p, q->path, v[b], &sub)) == IDR_ERR_NOMEM)
      return idr_error_set(err, st, "%s", sub.msg);
    if (st) {
      idr_read_path_key(pk, sizeof pk, path, b ? "max" : "min");
      return idr_yerror(doc, at[b], 0, pk, err, "is not a value the deck accepts: %s", sub.msg);
    }
  }
  q->z_lo = idr_fit_z_of(q, q->min);
  q->z_hi = idr_fit_z_of(q, q->max);
  return IDR_OK;
}

static idr_status read_param(fit_problem *p, fit_param *q, const idr_ydoc *doc, const idr_ynode *e,
                             const char *path, idr_error *err) {
  idr_status st = idr_ycheck_map(doc, e, path, PARAM_KEYS, err);
  if (st) return st;
  const idr_ynode *pn = idr_ynode_get(e, "path");
  char pk[FIT_KEY_LEN];
  idr_read_path_key(pk, sizeof pk, path, "path");
  if (!pn) return idr_yerror(doc, e, 0, path, err, "needs a path: the deck path of the parameter");
  if ((st = idr_yread_string(doc, pn, pk, q->path, sizeof q->path, err))) return st;
  idr_sw_canonical_path(q->path, sizeof q->path);
  q->line = idr_ynode_line(e);
  q->col = idr_ynode_col(e);
  idr_error sub;
  idr_error_clear(&sub);
  /* the path must name a number of the deck: the setter's own check first
   * (an unknown key gets its suggestion), then the deck's value */
  if (idr_study_get_double(p->deck, q->path, &q->deck_value, &sub)) {
    idr_error chk;
    idr_error_clear(&chk);
    if (try_value(p, q->path, 0.0, &chk)) sub = chk;
    return idr_yerror(doc, pn, 0, pk, err, "must be a numeric deck path: %s", sub.msg);
  }
  if ((st = try_value(p, q->path, q->deck_value, &sub)))
    return idr_yerror(doc, pn, 0, pk, err, "must be a numeric deck path: %s", sub.msg);
  snprintf(q->units, sizeof q->units, "%s", idr_sw_key_units(q->path));
  if ((st = read_bounds(p, q, doc, e, path, err))) return st;
  const idr_ynode *sn = idr_ynode_get(e, "start");
  q->start = q->deck_value;
  idr_read_path_key(pk, sizeof pk, path, "start");
  if (sn && (st = idr_yread_number(doc, sn, pk, &q->start, err))) return st;
  if (!(q->start >= q->min && q->start <= q->max)) {
    if (sn)
      return idr_yerror(doc, sn, 0, pk, err, "must lie within the bounds [%g, %g] (got %g)", q->min,
                        q->max, q->start);
    return idr_yerror(doc, pn, 0, path, err,
                      "starts at the deck's value %g, outside the bounds [%g, %g]: give start",
                      q->start, q->min, q->max);
  }
  const size_t n = strlen(q->path);
  q->profile = n >= 5 && strcmp(q->path + n - 5, "Ea_eV") == 0;
  const idr_ynode *pr = idr_ynode_get(e, "profile");
  if (pr) {
    const char *s = idr_ynode_scalar(pr);
    idr_read_path_key(pk, sizeof pk, path, "profile");
    if (s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0))
      q->profile = strcmp(s, "true") == 0;
    else
      return idr_yerror(doc, pr, 0, pk, err, "must be true or false (got %s)", idr_read_got(pr));
  }
  idr_read_path_key(pk, sizeof pk, path, "path");
  for (size_t k = 0; k < p->n_par; k++) /* the parameters read before this one */
    if (strcmp(p->par[k].path, q->path) == 0)
      return idr_yerror(doc, pn, 0, pk, err, "'%s' is fitted twice", q->path);
  return IDR_OK;
}

idr_status idr_fit_read_list(const idr_ydoc *doc, const idr_ynode *n, const idr_ynode *parent,
                             const char *key, size_t max, const char *like, idr_error *err) {
  if (!n || idr_ynode_kind(n) != IDR_Y_SEQ || idr_ynode_len(n) < 1 || idr_ynode_len(n) > max)
    return idr_yerror(doc, n ? n : parent, 0, key, err, "must be a list of 1 to %zu %s (got %s)",
                      max, like, n ? idr_read_got(n) : "nothing");
  return IDR_OK;
}

static idr_status read_params(fit_problem *p, const idr_ydoc *doc, const idr_ynode *root,
                              idr_error *err) {
  const idr_ynode *n = idr_ynode_get(root, "parameters");
  idr_status st =
      idr_fit_read_list(doc, n, root, "parameters", FIT_MAX_PARAMS,
                        "parameters like [{path: ions.0.Ea_eV, min: 0.05, max: 0.6}]", err);
  if (st) return st;
  for (size_t k = 0; k < idr_ynode_len(n); k++) {
    char path[64];
    snprintf(path, sizeof path, "parameters[%zu]", k);
    fit_param *q = &p->par[k];
    if ((st = read_param(p, q, doc, idr_ynode_at(n, k), path, err))) return st;
    p->n_par = k + 1;
  }
  return IDR_OK;
}

/* ---- the resolved spec ------------------------------------------------------------ */

static idr_status resolve(fit_problem *p, idr_error *err) {
  sw_buf b = {0};
  char t1[32], t2[32], t3[32];
  idr_sw_buf_printf(&b, "deck: \"%s\"\narea_cm2: %s\nstarts: %d\nrefine: %d\n", p->deck_path,
                    idr_sw_num(p->area_cm2, t1), p->starts, p->refine);
  idr_sw_buf_printf(&b, "max_iterations: %d\nfd_step: %s\nparameters:\n", p->max_iter,
                    idr_sw_num(p->fd_step, t1));
  for (size_t k = 0; k < p->n_par; k++) {
    const fit_param *q = &p->par[k];
    idr_sw_buf_printf(&b, "  - {path: \"%s\", min: %s, max: %s, scale: %s, ", q->path,
                      idr_sw_num(q->min, t1), idr_sw_num(q->max, t2),
                      q->log_scale ? "log" : "linear");
    idr_sw_buf_printf(&b, "start: %s, profile: %s}\n", idr_sw_num(q->start, t3),
                      q->profile ? "true" : "false");
  }
  idr_sw_buf_printf(&b, "data:\n");
  for (size_t i = 0; i < p->n_sets; i++) {
    const fit_dataset *d = &p->set[i];
    idr_sw_buf_printf(&b, "  - {type: %s, file: \"%s\", ", idr_fit_kind_name(d->kind), d->path);
    if (d->sigma_rel > 0)
      idr_sw_buf_printf(&b, "sigma_rel: %s, ", idr_sw_num(d->sigma_rel, t1));
    else
      idr_sw_buf_printf(&b, "sigma_F: %s, ", idr_sw_num(d->sigma_F, t1));
    if (d->kind != FIT_TID) idr_sw_buf_printf(&b, "T_K: %s, ", idr_sw_num(d->T_K, t1));
    if (d->kind == FIT_CF) idr_sw_buf_printf(&b, "V_V: %s, ", idr_sw_num(d->V_V, t1));
    if (d->kind == FIT_CV) idr_sw_buf_printf(&b, "f_Hz: %s, ", idr_sw_num(d->f_Hz, t1));
    if (d->protocol_extra[0]) idr_sw_buf_printf(&b, "protocol: %s, ", d->protocol_extra);
    idr_sw_buf_printf(&b, "fit_C_inf: %s, curves: %zu}\n", d->fit_C_inf ? "true" : "false",
                      d->n_curves);
  }
  idr_sw_buf_printf(&b, "deck_yaml: |\n");
  for (const char *s = idr_study_deck_yaml(p->deck); s && *s;) {
    const char *e = strchr(s, '\n');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    idr_sw_buf_printf(&b, "  %.*s\n", (int)len, s);
    s += len + (e ? 1 : 0);
  }
  if (b.oom) {
    idr_sw_buf_free(&b);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  p->resolved = b.s;
  return IDR_OK;
}

/* ---- the problem ------------------------------------------------------------------ */

void idr_fit_problem_free(fit_problem *p) {
  if (!p) return;
  for (size_t c = 0; p->curve && c < p->n_curves; c++)
    idr_study_free(&p->curve[c].base);
  free(p->curve);
  free(p->x);
  free(p->y);
  free(p->sigma);
  free(p->line);
  free(p->resolved);
  idr_study_free(&p->deck);
  memset(p, 0, sizeof *p);
}

static idr_status read_options(fit_problem *p, const idr_ydoc *doc, const idr_ynode *root,
                               idr_error *err) {
  p->starts = FIT_DEFAULT_STARTS;
  p->max_iter = FIT_DEFAULT_MAX_ITER;
  p->fd_step = FIT_DEFAULT_FD_STEP;
  p->refine = -1;
  idr_status st = read_count(doc, root, "starts", 1, FIT_MAX_STARTS, &p->starts, err);
  if (!st) st = read_count(doc, root, "refine", 1, FIT_MAX_STARTS, &p->refine, err);
  if (!st) st = read_count(doc, root, "max_iterations", 1, 10000, &p->max_iter, err);
  if (!st) st = read_positive(doc, root, "", "fd_step", 0, &p->fd_step, err);
  if (!st && !(p->fd_step < 0.1))
    st = idr_yerror(doc, idr_ynode_get(root, "fd_step"), 0, "fd_step", err,
                    "must be < 0.1 (a fraction of each parameter's range; got %g)", p->fd_step);
  if (!st) st = read_positive(doc, root, "", "area_cm2", 1, &p->area_cm2, err);
  if (st) return st;
  if (p->refine < 0) p->refine = p->starts < FIT_DEFAULT_REFINE ? p->starts : FIT_DEFAULT_REFINE;
  if (p->refine > p->starts)
    return idr_yerror(doc, idr_ynode_get(root, "refine"), 0, "refine", err,
                      "must be <= starts = %d (got %d)", p->starts, p->refine);
  return IDR_OK;
}

idr_status idr_fit_problem_load(const char *spec_path, fit_problem *p, idr_error *err) {
  memset(p, 0, sizeof *p);
  idr_ydoc *doc = NULL;
  idr_status st = IDR_OK;
  if (!idr_strlcpy(p->spec_path, spec_path, sizeof p->spec_path))
    return idr_error_set(err, IDR_ERR_INPUT, "%s: path too long", spec_path);
  if ((st = idr_sw_read_spec(spec_path, &doc, err))) goto out_fail;
  const idr_ynode *root = idr_ydoc_root(doc);
  if (!root) {
    st =
        idr_error_set(err, IDR_ERR_INPUT,
                      "%s: empty fit spec (deck, data, area_cm2 and parameters needed)", spec_path);
    goto out_fail;
  }
  if ((st = idr_ycheck_map(doc, root, "", TOP_KEYS, err))) goto out_fail;
  if ((st = read_options(p, doc, root, err))) goto out_fail;
  if ((st = read_deck(p, doc, root, err))) goto out_fail;
  if ((st = read_params(p, doc, root, err))) goto out_fail;
  if ((st = idr_fit_data_load(p, doc, idr_ynode_get(root, "data"), err))) goto out_fail;
  if ((st = resolve(p, err))) goto out_fail;
  idr_ydoc_free(&doc);
  return IDR_OK;
out_fail:
  idr_ydoc_free(&doc);
  idr_fit_problem_free(p);
  return st;
}

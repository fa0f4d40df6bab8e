/*
 * iondrift fit: the data sets of a fit spec. Each entry names a lab export
 * (read by the shared reader of measured data, io/ idr_mdata_read, with
 * the rules and messages of docs/data.md) and how it was measured:
 *
 *   {type: tid, file: tid.csv, sigma_rel: 0.01}        temperature, time, capacitance
 *   {type: cf,  file: cf.csv, T_K: 300, V_V: 0, ...}   frequency, capacitance
 *   {type: cv,  file: cv.csv, T_K: 300, f_Hz: 1e4}     voltage, capacitance
 *
 * optional: sigma_F (instead of sigma_rel), fit_C_inf, protocol (extra keys
 * of the data's protocol, e.g. {fill_V_V: 1.2}), t_min_s, t_max_s,
 * temp_tol_K, columns. Every curve (a temperature of a tid file, a whole cf
 * or cv file) becomes one study: the base deck with the protocol that
 * samples exactly the data's points (tid times_s at one temperature, cf
 * frequencies_Hz, cv biases_V), set through the typed setter.
 */
#include "fit_internal.h"

#include "idr_io.h"
#include "sweep_internal.h" /* sw_buf, idr_sw_node_yaml */

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const DATA_KEYS[] = {
    "type", "file",     "sigma_rel", "sigma_F", "fit_C_inf",  "T_K",     "V_V",
    "f_Hz", "protocol", "t_min_s",   "t_max_s", "temp_tol_K", "columns", NULL};
static const char *const KINDS[] = {"tid", "cf", "cv", NULL};
/* protocol keys a data set takes from the base deck's tid protocol */
static const char *const TID_KEEP[] = {"fill_V_V",
                                       "fill_duration_s",
                                       "rest_V_V",
                                       "light_suns",
                                       "light_rest_suns",
                                       "light_fill_suns",
                                       "light_relax_suns",
                                       "f_Hz",
                                       "fill_rtol",
                                       "density_atol",
                                       "power",
                                       "model",
                                       NULL};
/* protocol keys the data set itself sets (refused in `protocol:`) */
static const char *const FROM_DATA[] = {
    "type",     "temperatures_K",    "times_s",        "t_first_s",
    "t_last_s", "samples",           "frequencies_Hz", "f_min_Hz",
    "f_max_Hz", "points_per_decade", "biases_V",       "V_start_V",
    "V_stop_V", "V_step_V",          "threads",        NULL};

const char *idr_fit_kind_name(fit_kind k) {
  return KINDS[k];
}

static double opt_number(const idr_ydoc *doc, const idr_ynode *e, const char *path, const char *key,
                         double dflt, idr_status *st, idr_error *err) {
  const idr_ynode *n = idr_ynode_get(e, key);
  double v = dflt;
  char p[FIT_KEY_LEN];
  idr_read_path_key(p, sizeof p, path, key);
  if (n && !*st) *st = idr_yread_number(doc, n, p, &v, err);
  return v;
}

static idr_status read_sigma(fit_dataset *d, const idr_ydoc *doc, const idr_ynode *e,
                             const char *path, idr_error *err) {
  const idr_ynode *r = idr_ynode_get(e, "sigma_rel"), *a = idr_ynode_get(e, "sigma_F");
  if ((r != NULL) == (a != NULL))
    return idr_yerror(doc, r ? r : e, 0, path, err,
                      "needs exactly one of sigma_rel (relative to each point's C) or sigma_F "
                      "(absolute, in F)");
  idr_status st = IDR_OK;
  double v = opt_number(doc, e, path, r ? "sigma_rel" : "sigma_F", 0, &st, err);
  if (st) return st;
  if (!(v > 0))
    return idr_yerror(doc, r ? r : a, 0, path, err, "%s must be > 0 (got %s)",
                      r ? "sigma_rel" : "sigma_F", idr_read_got(r ? r : a));
  if (r)
    d->sigma_rel = v;
  else
    d->sigma_F = v;
  return IDR_OK;
}

static idr_status read_extra(fit_dataset *d, const idr_ydoc *doc, const idr_ynode *e,
                             const char *path, idr_error *err) {
  const idr_ynode *pr = idr_ynode_get(e, "protocol");
  if (!pr) return IDR_OK;
  char p[FIT_KEY_LEN];
  idr_read_path_key(p, sizeof p, path, "protocol");
  if (idr_ynode_kind(pr) != IDR_Y_MAP)
    return idr_yerror(doc, pr, 0, p, err, "must be a mapping of protocol keys like {fill_V_V: 1}");
  for (size_t i = 0; i < idr_ynode_len(pr); i++) {
    const char *k = idr_ynode_key(idr_ynode_at(pr, i));
    for (int j = 0; FROM_DATA[j]; j++)
      if (strcmp(k, FROM_DATA[j]) == 0)
        return idr_yerror(doc, idr_ynode_at(pr, i), 1, p, err,
                          "must not set %s: the data set gives it", k);
  }
  char *text = idr_sw_node_yaml(pr);
  if (!text) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  int ok = idr_strlcpy(d->protocol_extra, text, sizeof d->protocol_extra);
  free(text);
  return ok ? IDR_OK : idr_yerror(doc, pr, 0, p, err, "is too long");
}

static idr_status read_entry(fit_problem *p, fit_dataset *d, const idr_ydoc *doc,
                             const idr_ynode *e, const char *path, idr_error *err) {
  idr_status st = idr_ycheck_map(doc, e, path, DATA_KEYS, err);
  if (st) return st;
  d->line = idr_ynode_line(e);
  d->col = idr_ynode_col(e);
  const idr_ynode *t = idr_ynode_get(e, "type"), *f = idr_ynode_get(e, "file");
  const char *ts = t ? idr_ynode_scalar(t) : NULL;
  int kind = -1;
  for (int k = 0; ts && KINDS[k]; k++)
    if (strcmp(ts, KINDS[k]) == 0) kind = k;
  char p2[FIT_KEY_LEN];
  idr_read_path_key(p2, sizeof p2, path, "type");
  if (kind < 0)
    return idr_yerror(doc, t ? t : e, 0, p2, err, "must be one of tid | cf | cv (got %s)",
                      t ? idr_read_got(t) : "nothing");
  d->kind = (fit_kind)kind;
  idr_read_path_key(p2, sizeof p2, path, "file");
  if (!f) return idr_yerror(doc, e, 0, path, err, "needs file: the data file");
  if ((st = idr_yread_string(doc, f, p2, d->file, sizeof d->file, err))) return st;
  if (!idr_sw_path_of(p->spec_path, d->file, d->path, sizeof d->path))
    return idr_yerror(doc, f, 0, p2, err, "makes a path too long");
  if ((st = read_sigma(d, doc, e, path, err))) return st;
  double T0 = 300;
  idr_study_get_double(p->deck, "temperature_K", &T0, NULL);
  d->T_K = opt_number(doc, e, path, "T_K", T0, &st, err);
  d->V_V = opt_number(doc, e, path, "V_V", 0.0, &st, err);
  d->f_Hz = opt_number(doc, e, path, "f_Hz", NAN, &st, err);
  d->t_min_s = opt_number(doc, e, path, "t_min_s", -INFINITY, &st, err);
  d->t_max_s = opt_number(doc, e, path, "t_max_s", INFINITY, &st, err);
  d->temp_tol_K = opt_number(doc, e, path, "temp_tol_K", 0.5, &st, err);
  if (st) return st;
  const idr_ynode *c = idr_ynode_get(e, "fit_C_inf");
  if (c) {
    const char *s = idr_ynode_scalar(c);
    idr_read_path_key(p2, sizeof p2, path, "fit_C_inf");
    if (!s || (strcmp(s, "true") != 0 && strcmp(s, "false") != 0))
      return idr_yerror(doc, c, 0, p2, err, "must be true or false (got %s)", idr_read_got(c));
    d->fit_C_inf = strcmp(s, "true") == 0;
  }
  const idr_ynode *cols = idr_ynode_get(e, "columns");
  idr_read_path_key(p2, sizeof p2, path, "columns");
  if (cols && (st = idr_yread_string(doc, cols, p2, d->columns, sizeof d->columns, err))) return st;
  const char *bad =
      d->kind != FIT_TID && (idr_ynode_get(e, "t_min_s") || idr_ynode_get(e, "t_max_s"))
          ? "t_min_s and t_max_s are for tid data"
      : d->kind == FIT_TID && (idr_ynode_get(e, "T_K") || idr_ynode_get(e, "V_V"))
          ? "T_K and V_V are for cf and cv data (tid data carry their temperatures)"
      : d->kind == FIT_CV && idr_ynode_get(e, "V_V")
          ? "V_V is for cf data (cv data carry their biases)"
          : NULL;
  if (bad) return idr_yerror(doc, e, 0, path, err, "%s", bad);
  return read_extra(d, doc, e, path, err);
}

/* ---- the file ------------------------------------------------------------------- */

static idr_status read_file(const fit_dataset *d, const idr_ydoc *doc, const idr_ynode *e,
                            const char *path, idr_mdata *md, idr_error *err) {
  idr_mdata_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.group = d->kind == FIT_TID ? IDR_Q_TEMPERATURE : -1;
  sp.x = d->kind == FIT_TID ? IDR_Q_TIME : d->kind == FIT_CF ? IDR_Q_FREQUENCY : IDR_Q_VOLTAGE;
  sp.ny = 1;
  sp.y[0] = IDR_Q_CAPACITANCE;
  sp.x_positive = d->kind != FIT_CV;
  sp.x_unique = 1;
  idr_mdata_options o;
  idr_mdata_options_default(&o);
  o.columns = d->columns[0] ? d->columns : NULL;
  o.group_tol = d->temp_tol_K;
  if (d->kind == FIT_TID) {
    o.x_min = d->t_min_s;
    o.x_max = d->t_max_s;
  }
  idr_error sub;
  idr_error_clear(&sub);
  char p[FIT_KEY_LEN];
  idr_read_path_key(p, sizeof p, path, "file");
  const idr_ynode *f = idr_ynode_get(e, "file");
  idr_status st = idr_mdata_read(d->path, &sp, &o, md, &sub);
  if (st == IDR_ERR_NOMEM) return idr_error_set(err, st, "%s", sub.msg);
  if (st == IDR_ERR_IO)
    return idr_yerror(doc, f, 0, p, err, "must name a readable data file: %s", sub.msg);
  if (st)
    return idr_yerror(doc, f, 0, p, err, "cannot be read as %s data: %s",
                      idr_fit_kind_name(d->kind), sub.msg);
  if (md->n == 0)
    return idr_yerror(doc, f, 0, p, err,
                      "holds no data points (%zu rows; %zu at %s <= 0 and %zu outside the window "
                      "skipped)",
                      md->n_rows, md->n_nonpositive, md->x_name, md->n_outside);
  for (size_t j = 0; j < md->m; j++) {
    size_t n = md->off[j + 1] - md->off[j];
    size_t lo = d->kind == FIT_TID ? 2 : 1;
    if (n < lo || n > FIT_MAX_SAMPLES)
      return idr_yerror(doc, f, 0, p, err,
                        "curve %zu (%s%g K) has %zu points, a protocol takes %zu to %d (narrow "
                        "t_min_s/t_max_s or thin the file)",
                        j, d->kind == FIT_TID ? "T = " : "",
                        d->kind == FIT_TID ? md->group[j] : d->T_K, n, lo, FIT_MAX_SAMPLES);
  }
  return IDR_OK;
}

/* ---- the curves' studies --------------------------------------------------------- */

static void list_yaml(sw_buf *b, const char *key, const double *v, size_t n) {
  char t[32];
  idr_sw_buf_printf(b, ", %s: [", key);
  for (size_t i = 0; i < n; i++)
    idr_sw_buf_printf(b, "%s%s", i ? ", " : "", idr_sw_num(v[i], t));
  idr_sw_buf_printf(b, "]");
}

/* The protocol of one curve as flow YAML. */
static char *curve_protocol(const fit_problem *p, const fit_dataset *d, double T, const double *x,
                            size_t n) {
  sw_buf b = {0};
  char t[32];
  idr_sw_buf_printf(&b, "{type: %s", idr_fit_kind_name(d->kind));
  if (d->kind == FIT_TID) {
    idr_sw_buf_printf(&b, ", threads: 1, temperatures_K: [%s]", idr_sw_num(T, t));
    list_yaml(&b, "times_s", x, n);
    char buf[64];
    if (strcmp(idr_study_protocol(p->deck), "tid") == 0)
      for (int k = 0; TID_KEEP[k]; k++) {
        char key[64];
        snprintf(key, sizeof key, "protocol.%s", TID_KEEP[k]);
        if (strcmp(TID_KEEP[k], "f_Hz") == 0 && !isnan(d->f_Hz)) continue;
        if (idr_study_get_string(p->deck, key, buf, sizeof buf, NULL) == IDR_OK)
          idr_sw_buf_printf(&b, ", %s: %s", TID_KEEP[k], buf);
      }
    if (!isnan(d->f_Hz)) idr_sw_buf_printf(&b, ", f_Hz: %s", idr_sw_num(d->f_Hz, t));
  } else if (d->kind == FIT_CF) {
    idr_sw_buf_printf(&b, ", V_V: %s", idr_sw_num(d->V_V, t));
    list_yaml(&b, "frequencies_Hz", x, n);
  } else {
    idr_sw_buf_printf(&b, ", f_Hz: %s", idr_sw_num(isnan(d->f_Hz) ? 1e4 : d->f_Hz, t));
    list_yaml(&b, "biases_V", x, n);
  }
  idr_sw_buf_printf(&b, "}");
  if (b.oom) idr_sw_buf_free(&b);
  return b.s;
}

static idr_status curve_study(const fit_problem *p, const fit_dataset *d, double T, const double *x,
                              size_t n, idr_study **out, idr_error *sub) {
  char *text = curve_protocol(p, d, T, x, n);
  if (!text) return idr_error_set(sub, IDR_ERR_NOMEM, "out of memory");
  idr_status st = idr_study_copy(p->deck, out, sub);
  if (!st) st = idr_study_set_yaml(*out, "protocol", text, sub);
  free(text);
  if (!st && d->kind != FIT_TID) st = idr_study_set_double(*out, "temperature_K", T, sub);
  if (!st && d->protocol_extra[0]) {
    idr_ydoc *ex = NULL;
    st = idr_ydoc_parse(d->protocol_extra, strlen(d->protocol_extra), "<protocol>", &ex, sub);
    const idr_ynode *m = st ? NULL : idr_ydoc_root(ex);
    for (size_t i = 0; !st && m && i < idr_ynode_len(m); i++) {
      const idr_ynode *c = idr_ynode_at(m, i);
      char key[FIT_KEY_LEN];
      char *v = idr_sw_node_yaml(c);
      snprintf(key, sizeof key, "protocol.%s", idr_ynode_key(c));
      st = v ? idr_study_set_yaml(*out, key, v, sub) : idr_error_set(sub, IDR_ERR_NOMEM, "oom");
      free(v);
    }
    idr_ydoc_free(&ex);
  }
  if (st) idr_study_free(out);
  return st;
}

/* Append the curves of md (data set i) to p. */
static idr_status add_curves(fit_problem *p, size_t i, const idr_mdata *md, const idr_ydoc *doc,
                             const idr_ynode *e, const char *path, idr_error *err) {
  fit_dataset *d = &p->set[i];
  const size_t n0 = p->n, c0 = p->n_curves;
  if (c0 + md->m > FIT_MAX_CURVES)
    return idr_yerror(doc, e, 0, path, err, "makes more than %d curves", FIT_MAX_CURVES);
  fit_curve *cv = realloc(p->curve, (c0 + md->m) * sizeof *cv);
  if (cv) p->curve = cv;
  double *x = realloc(p->x, (n0 + md->n) * sizeof *x);
  if (x) p->x = x;
  double *y = realloc(p->y, (n0 + md->n) * sizeof *y);
  if (y) p->y = y;
  double *s = realloc(p->sigma, (n0 + md->n) * sizeof *s);
  if (s) p->sigma = s;
  size_t *ln = realloc(p->line, (n0 + md->n) * sizeof *ln);
  if (ln) p->line = ln;
  if (!cv || !x || !y || !s || !ln) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  d->first_curve = c0;
  for (size_t j = 0; j < md->m; j++) {
    fit_curve *c = &p->curve[p->n_curves];
    memset(c, 0, sizeof *c);
    c->set = i;
    c->T_K = d->kind == FIT_TID ? md->group[j] : d->T_K;
    c->off = p->n;
    c->n = md->off[j + 1] - md->off[j];
    for (size_t k = 0; k < c->n; k++) {
      size_t q = md->off[j] + k;
      p->x[p->n + k] = md->x[q];
      p->y[p->n + k] = md->y[0][q];
      p->sigma[p->n + k] = d->sigma_rel > 0 ? d->sigma_rel * fabs(md->y[0][q]) : d->sigma_F;
      p->line[p->n + k] = md->line[q];
      if (!(p->sigma[p->n + k] > 0))
        return idr_error_set(err, IDR_ERR_INPUT,
                             "%s:%zu: capacitance 0 with sigma_rel gives sigma 0: use sigma_F",
                             d->path, md->line[q]);
    }
    idr_error sub;
    idr_error_clear(&sub);
    idr_status st = curve_study(p, d, c->T_K, md->x + md->off[j], c->n, &c->base, &sub);
    if (st == IDR_ERR_NOMEM) return idr_error_set(err, st, "%s", sub.msg);
    if (st)
      return idr_yerror(doc, e, 0, path, err, "cannot be simulated with this deck: %s", sub.msg);
    p->n += c->n;
    p->n_curves++;
  }
  d->n_curves = md->m;
  return IDR_OK;
}

idr_status idr_fit_data_load(fit_problem *p, const idr_ydoc *doc, const idr_ynode *data,
                             idr_error *err) {
  idr_status st0 =
      idr_fit_read_list(doc, data, idr_ydoc_root(doc), "data", FIT_MAX_DATA,
                        "data sets like [{type: tid, file: tid.csv, sigma_rel: 0.01}]", err);
  if (st0) return st0;
  for (size_t i = 0; i < idr_ynode_len(data); i++) {
    char path[64];
    snprintf(path, sizeof path, "data[%zu]", i);
    const idr_ynode *e = idr_ynode_at(data, i);
    fit_dataset *d = &p->set[i];
    memset(d, 0, sizeof *d);
    idr_status st = read_entry(p, d, doc, e, path, err);
    if (st) return st;
    p->n_sets = i + 1;
    p->any_relative |= d->sigma_rel > 0;
    idr_mdata md;
    memset(&md, 0, sizeof md);
    st = read_file(d, doc, e, path, &md, err);
    if (!st) st = add_curves(p, i, &md, doc, e, path, err);
    idr_mdata_free(&md);
    if (st) return st;
  }
  size_t offsets = 0;
  for (size_t c = 0; c < p->n_curves; c++)
    offsets += p->set[p->curve[c].set].fit_C_inf;
  if (p->n <= p->n_par + offsets)
    return idr_yerror(doc, data, 0, "data", err,
                      "has %zu points: more than the %zu parameters and %zu offsets are needed",
                      p->n, p->n_par, offsets);
  return IDR_OK;
}

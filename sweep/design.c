/*
 * iondrift sweep: the design. Axes are deck paths with their values:
 *
 *   grid (default): every combination; the first axis varies slowest, the
 *     last fastest (point i = the mixed-radix digits of i). An entry
 *     {zip: [axis, axis, ...]} is one dimension whose axes advance together.
 *   zip: the axes advance together (all of the same length).
 *     An axis: {path, values: [...]} (numbers, or words for a string key),
 *     {path, linspace: [first, last, count]} or {path, logspace: [first,
 *     last, count]} (count values, both ends included; logspace uniform in
 *     log10), optional `integer: true` (values rounded).
 *   {type: sobol|niederreiter|halton|reversehalton, points: N}: N points of
 *     GSL's quasi-random generator of that name (gsl_qrng) in the unit cube
 *     of the axes, each {path, min, max, scale: linear|log, integer}.
 *
 * A point's study is a copy of the base with all its axis values set at once
 * through idr_study_set_values (checked once, as the deck reader checks).
 */
#include "sweep_internal.h"

#include <gsl/gsl_qrng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const GRID_AXIS_KEYS[] = {"path",     "values",  "linspace",
                                             "logspace", "integer", NULL};
static const char *const QRNG_AXIS_KEYS[] = {"path", "min", "max", "scale", "integer", NULL};
static const char *const DESIGN_KEYS[] = {"type", "points", NULL};
static const char *const QRNG_NAMES[] = {"sobol", "niederreiter", "halton", "reversehalton", NULL};

static const gsl_qrng_type *qrng_type(const char *name) {
  if (strcmp(name, "sobol") == 0) return gsl_qrng_sobol;
  if (strcmp(name, "niederreiter") == 0) return gsl_qrng_niederreiter_2;
  if (strcmp(name, "halton") == 0) return gsl_qrng_halton;
  return gsl_qrng_reversehalton;
}

/* ---- reading one axis ------------------------------------------------------------- */

static idr_status read_flag(const idr_ydoc *doc, const idr_ynode *map, const char *path,
                            const char *key, int *out, idr_error *err) {
  const idr_ynode *n = idr_ynode_get(map, key);
  if (!n) return IDR_OK;
  const char *s = idr_ynode_scalar(n);
  char p[SW_KEY_LEN];
  idr_read_path_key(p, sizeof p, path, key);
  if (s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)) {
    *out = s[0] == 't';
    return IDR_OK;
  }
  return idr_yerror(doc, n, 0, p, err, "must be true or false (got %s)", idr_read_got(n));
}

/* values: [...]: all numbers, or all strings. */
static idr_status read_values(const idr_ydoc *doc, const idr_ynode *n, const char *path, sw_axis *a,
                              idr_error *err) {
  size_t m = idr_ynode_len(n);
  if (idr_ynode_kind(n) != IDR_Y_SEQ || m < 1 || m > SW_MAX_POINTS)
    return idr_yerror(doc, n, 0, path, err, "must be a list of 1 or more values (got %s)",
                      idr_read_got(n));
  a->n = m;
  if (!(a->num = calloc(m, sizeof *a->num)))
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  /* the first value decides: numbers, or words (a string key) */
  double v;
  int numeric = idr_yread_number(doc, idr_ynode_at(n, 0), path, &v, NULL) == IDR_OK;
  for (size_t i = 0; i < m; i++) {
    const idr_ynode *e = idr_ynode_at(n, i);
    char p[SW_KEY_LEN];
    idr_read_path_index(p, sizeof p, path, i);
    const char *s = idr_ynode_scalar(e);
    int is_num = idr_yread_number(doc, e, p, &a->num[i], NULL) == IDR_OK;
    if (is_num != numeric || !s || !*s)
      return idr_yerror(doc, e, 0, p, err,
                        "must be a %s like the first value (a list holds numbers or words) "
                        "(got %s)",
                        numeric ? "number" : "word", idr_read_got(e));
    if (!numeric && (strchr(s, ',') || strchr(s, '\n') || strchr(s, '"')))
      return idr_yerror(doc, e, 0, p, err, "must not contain a comma, quote or line break");
  }
  if (numeric) return IDR_OK;
  free(a->num);
  a->num = NULL;
  a->is_text = 1;
  if (!(a->text = calloc(m, sizeof *a->text)))
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < m; i++) {
    const char *s = idr_ynode_scalar(idr_ynode_at(n, i));
    size_t len = strlen(s) + 1;
    if (!(a->text[i] = malloc(len))) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    memcpy(a->text[i], s, len);
  }
  return IDR_OK;
}

/* linspace / logspace: [first, last, count]. */
static idr_status read_space(const idr_ydoc *doc, const idr_ynode *n, const char *path, int is_log,
                             sw_axis *a, idr_error *err) {
  double v[3];
  int ok = idr_ynode_kind(n) == IDR_Y_SEQ && idr_ynode_len(n) == 3;
  for (size_t i = 0; ok && i < 3; i++)
    ok = idr_yread_number(doc, idr_ynode_at(n, i), path, &v[i], NULL) == IDR_OK;
  ok = ok && v[2] >= 2 && v[2] <= SW_MAX_POINTS && v[2] == floor(v[2]);
  if (ok && is_log) ok = v[0] > 0 && v[1] > 0;
  if (!ok)
    return idr_yerror(doc, n, 0, path, err,
                      "must be [first, last, count] with count an integer >= 2%s",
                      is_log ? " and first, last > 0" : "");
  a->n = (size_t)v[2];
  if (!(a->num = calloc(a->n, sizeof *a->num)))
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  const double l0 = is_log ? log10(v[0]) : v[0], l1 = is_log ? log10(v[1]) : v[1];
  for (size_t i = 0; i < a->n; i++) {
    double s = l0 + (l1 - l0) * (double)i / (double)(a->n - 1);
    a->num[i] = is_log ? pow(10.0, s) : s;
  }
  a->num[0] = v[0]; /* both ends exactly as written */
  a->num[a->n - 1] = v[1];
  return IDR_OK;
}

/* "layers.1.thickness_nm" -> "layers[1].thickness_nm" (the table's column). */
void idr_sw_canonical_path(char *p, size_t size) {
  char out[SW_KEY_LEN];
  size_t o = 0;
  for (const char *s = p; *s && o + 4 < sizeof out;) {
    size_t d = 0;
    while (s[1 + d] >= '0' && s[1 + d] <= '9')
      d++;
    if (*s == '.' && d > 0 && (s[1 + d] == '.' || s[1 + d] == '\0') && o + d + 3 < sizeof out) {
      out[o++] = '[';
      memcpy(out + o, s + 1, d);
      o += d;
      out[o++] = ']';
      s += 1 + d;
    } else {
      out[o++] = *s++;
    }
  }
  out[o] = '\0';
  idr_strlcpy(p, out, size);
}

static idr_status read_path(const idr_ydoc *doc, const idr_ynode *n, const char *path, sw_axis *a,
                            idr_error *err) {
  const idr_ynode *p = idr_ynode_get(n, "path");
  char pp[SW_KEY_LEN];
  idr_read_path_key(pp, sizeof pp, path, "path");
  if (!p) return idr_yerror(doc, n, 0, path, err, "needs a path: the deck path of the axis");
  idr_status st = idr_yread_string(doc, p, pp, a->path, sizeof a->path, err);
  if (!st && (strchr(a->path, '=') || strchr(a->path, ',') || strchr(a->path, ' ')))
    st = idr_yerror(doc, p, 0, pp, err, "must be a deck path like ions[0].Ea_eV (got '%s')",
                    a->path);
  if (!st) idr_sw_canonical_path(a->path, sizeof a->path);
  a->line = idr_ynode_line(n);
  a->col = idr_ynode_col(n);
  return st;
}

static idr_status read_grid_axis(const idr_ydoc *doc, const idr_ynode *n, const char *path,
                                 sw_axis *a, idr_error *err) {
  idr_status st = idr_ycheck_map(doc, n, path, GRID_AXIS_KEYS, err);
  if (!st) st = read_path(doc, n, path, a, err);
  if (!st) st = read_flag(doc, n, path, "integer", &a->integer, err);
  if (st) return st;
  const idr_ynode *v = idr_ynode_get(n, "values"), *li = idr_ynode_get(n, "linspace"),
                  *lo = idr_ynode_get(n, "logspace");
  if ((v != NULL) + (li != NULL) + (lo != NULL) != 1)
    return idr_yerror(doc, n, 0, path, err,
                      "needs exactly one of values: [...], linspace: [first, last, count] or "
                      "logspace: [first, last, count]");
  char p[SW_KEY_LEN];
  idr_read_path_key(p, sizeof p, path, v ? "values" : li ? "linspace" : "logspace");
  st = v ? read_values(doc, v, p, a, err) : read_space(doc, li ? li : lo, p, lo != NULL, a, err);
  if (!st && a->integer && a->is_text)
    return idr_yerror(doc, n, 0, path, err, "integer: true needs numbers");
  for (size_t i = 0; !st && a->integer && i < a->n; i++)
    a->num[i] = nearbyint(a->num[i]);
  return st;
}

static idr_status read_qrng_axis(const idr_ydoc *doc, const idr_ynode *n, const char *path,
                                 sw_axis *a, idr_error *err) {
  idr_status st = idr_ycheck_map(doc, n, path, QRNG_AXIS_KEYS, err);
  if (!st) st = read_path(doc, n, path, a, err);
  if (!st) st = read_flag(doc, n, path, "integer", &a->integer, err);
  if (st) return st;
  const idr_ynode *mn = idr_ynode_get(n, "min"), *mx = idr_ynode_get(n, "max"),
                  *sc = idr_ynode_get(n, "scale");
  if (!mn || !mx)
    return idr_yerror(doc, n, 0, path, err,
                      "needs min and max (a quasi-random design samples [min, max])");
  char p[SW_KEY_LEN];
  idr_read_path_key(p, sizeof p, path, "min");
  if ((st = idr_yread_number(doc, mn, p, &a->min, err))) return st;
  idr_read_path_key(p, sizeof p, path, "max");
  if ((st = idr_yread_number(doc, mx, p, &a->max, err))) return st;
  if (!(a->max > a->min))
    return idr_yerror(doc, mx, 0, p, err, "must be > min = %g (got %g)", a->min, a->max);
  if (sc) {
    const char *s = idr_ynode_scalar(sc);
    idr_read_path_key(p, sizeof p, path, "scale");
    if (s && strcmp(s, "log") == 0)
      a->log_scale = 1;
    else if (!s || strcmp(s, "linear") != 0)
      return idr_yerror(doc, sc, 0, p, err, "must be one of linear | log (got %s)",
                        idr_read_got(sc));
    if (a->log_scale && !(a->min > 0))
      return idr_yerror(doc, sc, 0, p, err, "log needs min > 0 (got min %g)", a->min);
  }
  return IDR_OK;
}

/* ---- the design ------------------------------------------------------------------ */

static idr_status read_design_kind(idr_sweep *sw, const idr_ydoc *doc, const idr_ynode *root,
                                   idr_error *err) {
  const idr_ynode *d = idr_ynode_get(root, "design");
  sw->design = SW_GRID;
  snprintf(sw->design_name, sizeof sw->design_name, "grid");
  if (!d) return IDR_OK;
  const char *s = idr_ynode_scalar(d);
  if (s) {
    if (strcmp(s, "zip") == 0) {
      sw->design = SW_ZIP;
      snprintf(sw->design_name, sizeof sw->design_name, "zip");
    } else if (strcmp(s, "grid") != 0) {
      return idr_yerror(doc, d, 0, "design", err,
                        "must be grid, zip or {type: sobol, points: N} (got %s)", s);
    }
    return IDR_OK;
  }
  idr_status st = idr_ycheck_map(doc, d, "design", DESIGN_KEYS, err);
  if (st) return st;
  const idr_ynode *t = idr_ynode_get(d, "type"), *pts = idr_ynode_get(d, "points");
  const char *ts = t ? idr_ynode_scalar(t) : NULL;
  int known = 0;
  for (const char *const *q = QRNG_NAMES; ts && *q; q++)
    known |= strcmp(*q, ts) == 0;
  if (!known)
    return idr_yerror(doc, t ? t : d, 0, "design.type", err,
                      "must be one of sobol | niederreiter | halton | reversehalton (got %s)",
                      t ? idr_read_got(t) : "nothing");
  double v = 0;
  if (!pts || idr_yread_number(doc, pts, "design.points", &v, NULL) || v < 1 || v > SW_MAX_POINTS ||
      v != floor(v))
    return idr_yerror(doc, pts ? pts : d, 0, "design.points", err,
                      "must be an integer in [1, %d] (got %s)", SW_MAX_POINTS,
                      pts ? idr_read_got(pts) : "nothing");
  sw->design = SW_QRNG;
  sw->n_points = (size_t)v;
  snprintf(sw->design_name, sizeof sw->design_name, "%s", ts);
  return IDR_OK;
}

/* The quasi-random points: gsl_qrng in the unit cube, mapped to each range. */
static idr_status fill_qrng(idr_sweep *sw, const idr_ydoc *doc, const idr_ynode *axes,
                            idr_error *err) {
  gsl_qrng *q = gsl_qrng_alloc(qrng_type(sw->design_name), (unsigned)sw->n_axes);
  if (!q)
    return idr_yerror(doc, axes, 0, "axes", err, "has %zu axes, more than the %s generator takes",
                      sw->n_axes, sw->design_name);
  double u[SW_MAX_AXES];
  if (!(sw->qvals = malloc(sw->n_points * sw->n_axes * sizeof *sw->qvals))) {
    gsl_qrng_free(q);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < sw->n_points; i++) {
    gsl_qrng_get(q, u);
    for (size_t k = 0; k < sw->n_axes; k++) {
      const sw_axis *a = &sw->axes[k];
      double v = a->log_scale ? exp(log(a->min) + u[k] * (log(a->max) - log(a->min)))
                              : a->min + u[k] * (a->max - a->min);
      sw->qvals[i * sw->n_axes + k] = a->integer ? nearbyint(v) : v;
    }
  }
  gsl_qrng_free(q);
  return IDR_OK;
}

/* Read axes[i] (a zip group of a grid included) into sw->axes. */
static idr_status read_axis_entry(idr_sweep *sw, const idr_ydoc *doc, const idr_ynode *e,
                                  const char *path, idr_error *err) {
  const idr_ynode *z = idr_ynode_kind(e) == IDR_Y_MAP ? idr_ynode_get(e, "zip") : NULL;
  if (sw->design == SW_QRNG) return read_qrng_axis(doc, e, path, &sw->axes[sw->n_axes++], err);
  if (!z) {
    sw_axis *a = &sw->axes[sw->n_axes++];
    a->group = sw->design == SW_ZIP ? 0 : sw->n_groups;
    return read_grid_axis(doc, e, path, a, err);
  }
  char zp[SW_KEY_LEN];
  idr_read_path_key(zp, sizeof zp, path, "zip");
  if (sw->design != SW_GRID || idr_ynode_len(e) != 1)
    return idr_yerror(doc, e, 0, path, err,
                      "{zip: [axes]} is one dimension of a grid design and has no other key");
  if (idr_ynode_kind(z) != IDR_Y_SEQ || idr_ynode_len(z) < 1 ||
      sw->n_axes + idr_ynode_len(z) > SW_MAX_AXES)
    return idr_yerror(doc, z, 0, zp, err, "must be a list of 1 to %d axes", SW_MAX_AXES);
  for (size_t j = 0; j < idr_ynode_len(z); j++) {
    char p[SW_KEY_LEN];
    idr_read_path_index(p, sizeof p, zp, j);
    sw_axis *a = &sw->axes[sw->n_axes++];
    a->group = sw->n_groups;
    idr_status st = read_grid_axis(doc, idr_ynode_at(z, j), p, a, err);
    if (st) return st;
    if (a->n != sw->axes[sw->n_axes - 1 - j].n)
      return idr_yerror(doc, idr_ynode_at(z, j), 0, p, err,
                        "must have as many values as %s[0] (%zu, got %zu)", zp,
                        sw->axes[sw->n_axes - 1 - j].n, a->n);
  }
  return IDR_OK;
}

/* Count the points of a grid or zip design (after the axes are read). */
static idr_status count_points(idr_sweep *sw, const idr_ydoc *doc, const idr_ynode *axes,
                               idr_error *err) {
  if (!(sw->group_size = calloc(sw->n_groups, sizeof *sw->group_size)))
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t k = 0; k < sw->n_axes; k++) {
    size_t g = sw->axes[k].group;
    if (sw->design == SW_ZIP && sw->group_size[0] && sw->axes[k].n != sw->group_size[0])
      return idr_yerror(doc, idr_ynode_at(axes, k), 0, "axes", err,
                        "of a zip design must all have as many values (axes[0]: %zu, axes[%zu]: "
                        "%zu)",
                        sw->group_size[0], k, sw->axes[k].n);
    sw->group_size[g] = sw->axes[k].n;
  }
  double total = 1;
  for (size_t g = 0; g < sw->n_groups; g++)
    total *= (double)sw->group_size[g];
  if (total > SW_MAX_POINTS)
    return idr_yerror(doc, axes, 0, "axes", err, "make %.0f points, more than the %d allowed",
                      total, SW_MAX_POINTS);
  sw->n_points = (size_t)total;
  return IDR_OK;
}

idr_status idr_sw_read_design(idr_sweep *sw, const idr_ydoc *doc, const idr_ynode *root,
                              idr_error *err) {
  idr_status st = read_design_kind(sw, doc, root, err);
  if (st) return st;
  const idr_ynode *axes = idr_ynode_get(root, "axes");
  if (!axes || idr_ynode_kind(axes) != IDR_Y_SEQ || idr_ynode_len(axes) < 1 ||
      idr_ynode_len(axes) > SW_MAX_AXES)
    return idr_yerror(doc, axes ? axes : root, 0, "axes", err,
                      "must be a list of 1 to %d axes like [{path: ions[0].Ea_eV, values: [0.1, "
                      "0.2]}] (got %s)",
                      SW_MAX_AXES, axes ? idr_read_got(axes) : "nothing");
  if (!(sw->axes = calloc(SW_MAX_AXES, sizeof *sw->axes)))
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < idr_ynode_len(axes); i++) {
    char p[64];
    snprintf(p, sizeof p, "axes[%zu]", i);
    if ((st = read_axis_entry(sw, doc, idr_ynode_at(axes, i), p, err))) return st;
    if (sw->design == SW_GRID) sw->n_groups++;
  }
  if (sw->design == SW_ZIP) sw->n_groups = 1;
  for (size_t k = 0; k < sw->n_axes; k++) {
    if (strncmp(sw->axes[k].path, "protocol", 8) == 0) sw->protocol_axes = 1;
    for (size_t j = 0; j < k; j++)
      if (strcmp(sw->axes[j].path, sw->axes[k].path) == 0)
        return idr_error_set(err, IDR_ERR_INPUT, "%s:%d:%d: axes: path '%s' is swept twice",
                             sw->spec_path, sw->axes[k].line, sw->axes[k].col, sw->axes[k].path);
  }
  return sw->design == SW_QRNG ? fill_qrng(sw, doc, axes, err) : count_points(sw, doc, axes, err);
}

/* ---- points ------------------------------------------------------------------------ */

size_t idr_sw_value_index(const idr_sweep *sw, size_t i, size_t k) {
  size_t g = sw->axes[k].group;
  for (size_t h = sw->n_groups; h-- > g + 1;)
    i /= sw->group_size[h];
  return i % sw->group_size[g];
}

double idr_sw_axis_number(const idr_sweep *sw, size_t i, size_t k) {
  if (sw->design == SW_QRNG) return sw->qvals[i * sw->n_axes + k];
  return sw->axes[k].num[idr_sw_value_index(sw, i, k)];
}

void idr_sweep_axis_text(const idr_sweep *sw, size_t i, size_t k, char *buf, size_t size) {
  const sw_axis *a = &sw->axes[k];
  if (a->is_text) {
    idr_strlcpy(buf, a->text[idr_sw_value_index(sw, i, k)], size);
    return;
  }
  char t[32];
  idr_strlcpy(buf, idr_sw_num(idr_sw_axis_number(sw, i, k), t), size);
}

void idr_sw_point_label(const idr_sweep *sw, size_t i, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t k = 0; k < sw->n_axes && len + 1 < size; k++) {
    char v[SW_KEY_LEN];
    idr_sweep_axis_text(sw, i, k, v, sizeof v);
    int n = snprintf(buf + len, size - len, "%s%s = %s", k ? ", " : "", sw->axes[k].path, v);
    if (n < 0) break;
    len += (size_t)n;
  }
}

idr_status idr_sw_point_study(const idr_sweep *sw, size_t i, idr_study **out, idr_error *err) {
  idr_value v[SW_MAX_AXES];
  for (size_t k = 0; k < sw->n_axes; k++) {
    const sw_axis *a = &sw->axes[k];
    v[k].path = a->path;
    v[k].text = a->is_text ? a->text[idr_sw_value_index(sw, i, k)] : NULL;
    v[k].number = a->is_text ? 0.0 : idr_sw_axis_number(sw, i, k);
  }
  idr_status st = idr_study_copy(sw->base, out, err);
  if (!st) st = idr_study_set_values(*out, v, sw->n_axes, err);
  if (st) idr_study_free(out);
  return st;
}

/* ---- the resolved spec ---------------------------------------------------------------- */

static void resolve_axis(const idr_sweep *sw, const sw_axis *a, sw_buf *b) {
  char t[32];
  idr_sw_buf_printf(b, "  - path: %s\n", a->path);
  if (a->integer) idr_sw_buf_printf(b, "    integer: true\n");
  if (sw->design == SW_QRNG) {
    idr_sw_buf_printf(b, "    min: %s\n", idr_sw_num(a->min, t));
    idr_sw_buf_printf(b, "    max: %s\n    scale: %s\n", idr_sw_num(a->max, t),
                      a->log_scale ? "log" : "linear");
    return;
  }
  if (sw->design == SW_GRID) idr_sw_buf_printf(b, "    dimension: %zu\n", a->group);
  idr_sw_buf_printf(b, "    values: [");
  for (size_t i = 0; i < a->n; i++)
    idr_sw_buf_printf(b, "%s%s", i ? ", " : "", a->is_text ? a->text[i] : idr_sw_num(a->num[i], t));
  idr_sw_buf_printf(b, "]\n");
}

idr_status idr_sw_resolve(idr_sweep *sw, idr_error *err) {
  sw_buf b = {0};
  idr_sw_buf_printf(&b, "# iondrift sweep, resolved: point i is base_deck with the axis values "
                        "of row i\n");
  if (sw->title[0]) idr_sw_buf_printf(&b, "title: \"%s\"\n", sw->title);
  idr_sw_buf_printf(&b, "deck: %s\ndesign: %s\npoints: %zu\naxes:\n", sw->deck_written,
                    sw->design_name, sw->n_points);
  for (size_t k = 0; k < sw->n_axes; k++)
    resolve_axis(sw, &sw->axes[k], &b);
  idr_sw_buf_printf(&b, "outputs: [");
  for (size_t j = 0; j < sw->n_outs; j++)
    idr_sw_buf_printf(&b, "%s%s", j ? ", " : "", sw->outs[j].name);
  idr_sw_buf_printf(&b, "]\ncurves: %s\nbase_deck: |\n", sw->curves ? "true" : "false");
  const char *d = idr_study_deck_yaml(sw->base);
  while (*d) {
    const char *nl = strchr(d, '\n');
    size_t n = nl ? (size_t)(nl - d) : strlen(d);
    idr_sw_buf_printf(&b, "  %.*s\n", (int)n, d);
    d += n + (nl ? 1 : 0);
  }
  if (b.oom) {
    idr_sw_buf_free(&b);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  sw->resolved = b.s;
  sw->fp = idr_sw_fnv1a(SW_FNV_START, b.s, b.len);
  return IDR_OK;
}

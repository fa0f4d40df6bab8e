/*
 * iondrift sweep: the tables of a finished sweep, from the journals (the
 * same whatever ran the points, in whatever order, over how many starts):
 *
 *   DIR/results.csv  index, one column per axis path, one per output,
 *                    status (ok | flagged | failed), message; numbers with the
 *                    shortest text that reads back to the same double
 *   DIR/results.h5   the same table with units (docs/sweep.md), the
 *                    resolved spec and the base deck, the curves when asked
 *
 * both written under temporary names and renamed into place.
 */
#include "sweep_internal.h"

#include <stdlib.h>
#include <string.h>

static void csv_field(sw_buf *b, const char *s) {
  if (!strpbrk(s, ",\"\n\r")) {
    idr_sw_buf_printf(b, "%s", s);
    return;
  }
  idr_sw_buf_printf(b, "\"");
  for (const char *c = s; *c; c++)
    idr_sw_buf_printf(b, *c == '"' ? "\"\"" : "%c", *c);
  idr_sw_buf_printf(b, "\"");
}

static idr_status write_csv(const idr_sweep *sw, const char *path, const sw_done *d,
                            idr_error *err) {
  sw_buf b = {0};
  idr_sw_buf_printf(&b, "index");
  for (size_t k = 0; k < sw->n_axes; k++)
    idr_sw_buf_printf(&b, ",%s", sw->axes[k].path);
  for (size_t j = 0; j < sw->n_outs; j++)
    idr_sw_buf_printf(&b, ",%s", sw->outs[j].name);
  idr_sw_buf_printf(&b, ",status,message\n");
  for (size_t i = 0; i < sw->n_points && !b.oom; i++) {
    char t[SW_KEY_LEN];
    idr_sw_buf_printf(&b, "%zu", i);
    for (size_t k = 0; k < sw->n_axes; k++) {
      idr_sweep_axis_text(sw, i, k, t, sizeof t);
      idr_sw_buf_printf(&b, ",%s", t);
    }
    for (size_t j = 0; j < sw->n_outs; j++)
      idr_sw_buf_printf(&b, ",%s", idr_sw_num(d->values[i * d->n_outs + j], t));
    idr_sw_buf_printf(&b, ",%s,",
                      !d->ok[i]                   ? "failed"
                      : idr_sw_done_flagged(d, i) ? "flagged"
                                                  : "ok");
    csv_field(&b, d->message[i] ? d->message[i] : "");
    idr_sw_buf_printf(&b, "\n");
  }
  idr_status st = b.oom ? idr_error_set(err, IDR_ERR_NOMEM, "out of memory")
                        : idr_sw_write_atomic(path, b.s, b.len, err);
  idr_sw_buf_free(&b);
  return st;
}

/* ---- results.h5 ---------------------------------------------------------------------- */

static idr_status put_axes(const idr_sweep *sw, idr_result *r, idr_error *err) {
  size_t n = sw->n_points;
  double *col = malloc(n * sizeof *col);
  int *idx = malloc(n * sizeof *idx);
  idr_status st = !col || !idx ? idr_error_set(err, IDR_ERR_NOMEM, "out of memory") : IDR_OK;
  for (size_t k = 0; !st && k < sw->n_axes; k++) {
    const sw_axis *a = &sw->axes[k];
    char name[SW_KEY_LEN + 16];
    snprintf(name, sizeof name, "table/%s", a->path);
    if (a->is_text) {
      for (size_t i = 0; i < n; i++)
        idx[i] = (int)idr_sw_value_index(sw, i, k);
      sw_buf b = {0};
      for (size_t v = 0; v < a->n; v++)
        idr_sw_buf_printf(&b, "%s%s", v ? "," : "", a->text[v]);
      st = b.oom ? idr_error_set(err, IDR_ERR_NOMEM, "out of memory")
                 : idr_result_put_int(r, name, idx, n, "-", err);
      if (!st) st = idr_result_set_attr_string(r, name, "values", b.s, err);
      idr_sw_buf_free(&b);
    } else {
      for (size_t i = 0; i < n; i++)
        col[i] = idr_sw_axis_number(sw, i, k);
      size_t dims[2] = {n, 1};
      st = idr_result_put_double(r, name, col, 1, dims, idr_sw_key_units(a->path), err);
    }
  }
  free(col);
  free(idx);
  return st;
}

static idr_status put_outputs(const idr_sweep *sw, const sw_done *d, idr_result *r,
                              idr_error *err) {
  size_t n = sw->n_points;
  double *col = malloc(n * sizeof *col);
  int *idx = malloc(n * sizeof *idx);
  idr_status st = !col || !idx ? idr_error_set(err, IDR_ERR_NOMEM, "out of memory") : IDR_OK;
  for (size_t j = 0; !st && j < sw->n_outs; j++) {
    char name[SW_KEY_LEN + 16];
    snprintf(name, sizeof name, "table/%s", sw->outs[j].name);
    for (size_t i = 0; i < n; i++)
      col[i] = d->values[i * d->n_outs + j];
    size_t dims[2] = {n, 1};
    st = idr_result_put_double(r, name, col, 1, dims, sw->outs[j].units, err);
  }
  for (size_t i = 0; !st && i < n; i++)
    idx[i] = (int)i;
  if (!st) st = idr_result_put_int(r, "table/index", idx, n, "-", err);
  for (size_t i = 0; !st && i < n; i++)
    idx[i] = d->ok[i];
  if (!st) st = idr_result_put_int(r, "table/ok", idx, n, "-", err);
  for (size_t i = 0; !st && i < n; i++)
    idx[i] = idr_sw_done_flagged(d, i);
  if (!st) st = idr_result_put_int(r, "table/flagged", idx, n, "-", err);
  if (!st)
    st = idr_result_set_attr_string(r, "table/messages", "about",
                                    "the message of each "
                                    "point that has one, under its index",
                                    err);
  for (size_t i = 0; !st && i < n; i++) {
    char key[32];
    snprintf(key, sizeof key, "%zu", i);
    if (d->message[i])
      st = idr_result_set_attr_string(r, "table/messages", key, d->message[i], err);
  }
  free(col);
  free(idx);
  return st;
}

/* The curves of every ok point, from DIR/curves. */
static idr_status put_curves(const idr_sweep *sw, const char *dir, const sw_done *d, idr_result *r,
                             idr_error *err) {
  idr_status st = IDR_OK;
  for (size_t i = 0; !st && i < sw->n_points; i++) {
    if (!d->ok[i]) continue;
    unsigned char *p = NULL;
    size_t size = 0;
    char prefix[64];
    snprintf(prefix, sizeof prefix, "curves/point_%06zu/", i);
    st = idr_sw_curves_load(dir, i, &p, &size, err);
    if (!st) st = idr_sw_curves_unpack(p, size, r, prefix, err);
    if (st) idr_error_context(err, "the curves of point %zu", i);
    free(p);
  }
  return st;
}

static idr_status put_root(const idr_sweep *sw, idr_result *r, idr_error *err) {
  sw_buf cols = {0};
  for (size_t k = 0; k < sw->n_axes; k++)
    idr_sw_buf_printf(&cols, "%s%s", k ? "," : "", sw->axes[k].path);
  sw_buf outs = {0};
  for (size_t j = 0; j < sw->n_outs; j++)
    idr_sw_buf_printf(&outs, "%s%s", j ? "," : "", sw->outs[j].name);
  idr_status st =
      cols.oom || outs.oom ? idr_error_set(err, IDR_ERR_NOMEM, "out of memory") : IDR_OK;
  if (!st) st = idr_result_set_attr_string(r, "/", "iondrift_version", idr_version(), err);
  if (!st) st = idr_result_set_attr_string(r, "/", "command", "sweep", err);
  if (!st) st = idr_result_set_attr_string(r, "/", "title", sw->title, err);
  if (!st) st = idr_result_set_attr_string(r, "/", "sweep_yaml", sw->resolved, err);
  if (!st) st = idr_result_set_attr_string(r, "/", "deck_yaml", idr_study_deck_yaml(sw->base), err);
  if (!st) st = idr_result_set_attr_string(r, "/", "design", sw->design_name, err);
  if (!st) st = idr_result_set_attr_string(r, "/", "protocol", idr_study_protocol(sw->base), err);
  if (!st) st = idr_result_set_attr_double(r, "/", "points", (double)sw->n_points, err);
  if (!st) st = idr_result_set_attr_string(r, "table", "axes", cols.s ? cols.s : "", err);
  if (!st) st = idr_result_set_attr_string(r, "table", "outputs", outs.s ? outs.s : "", err);
  idr_sw_buf_free(&cols);
  idr_sw_buf_free(&outs);
  return st;
}

idr_status idr_sw_write_tables(const idr_sweep *sw, const char *dir, const sw_done *d,
                               idr_sweep_summary *sum, idr_error *err) {
  snprintf(sum->csv_path, sizeof sum->csv_path, "%s/results.csv", dir);
  snprintf(sum->h5_path, sizeof sum->h5_path, "%s/results.h5", dir);
  idr_result *r = NULL;
  idr_status st = idr_result_create(&r, err);
  if (!st) st = put_root(sw, r, err);
  if (!st) st = put_axes(sw, r, err);
  if (!st) st = put_outputs(sw, d, r, err);
  if (!st && sw->curves) st = put_curves(sw, dir, d, r, err);
  if (!st) st = write_csv(sw, sum->csv_path, d, err);
  if (!st) st = idr_result_write(r, sum->h5_path, "", err);
  idr_result_free(&r);
  sum->tables = st == IDR_OK;
  return st;
}

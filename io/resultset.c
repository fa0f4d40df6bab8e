/*
 * iondrift io: a result set, the result file held in memory. Datasets (double
 * or int, rank 1 or 2, with their units) and attributes (numbers, strings)
 * under HDF5 object paths, plus the CSV table that goes beside the file.
 * Every protocol writes its results into one; the API reads results from it
 * by the names they carry in the file; idr_rset_write() publishes it.
 *
 * Publication by idr_rset_write, so that a failure never leaves a partial
 * result behind nor loses the previous one:
 *   1. the CSV is written complete under a temporary name (idr_csv_stage),
 *   2. the HDF5 file likewise (idr_h5_stage),
 *   3. both are renamed onto their final names by idr_io_publish_all: all
 *      or none; an older result is replaced only when both are in place.
 * A failure removes every temporary.
 */
#define _POSIX_C_SOURCE 200809L

#include "idr_io.h"
#include "io_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rs_attr {
  char *name;
  int is_string;
  double v;
  char *s;
} rs_attr;

typedef struct rs_obj {
  char *path; /* "" is the root; no leading or trailing '/' */
  int is_dataset;
  idr_rset_type type;
  int rank;
  size_t dims[2];
  void *data;
  char *units;
  rs_attr *attrs;
  size_t n_attrs, cap_attrs;
} rs_obj;

struct idr_rset {
  rs_obj *objs;
  size_t n, cap;
  char **csv_names; /* the CSV table (NULL: none) */
  double **csv_cols;
  size_t csv_ncols, csv_nrows;
};

static char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

/* "/a/b/" -> "a/b" into buf. */
static int norm_path(const char *path, char *buf, size_t size) {
  while (*path == '/')
    path++;
  size_t n = strlen(path);
  while (n > 0 && path[n - 1] == '/')
    n--;
  if (n >= size) return 0;
  memcpy(buf, path, n);
  buf[n] = '\0';
  return 1;
}

static void obj_clear(rs_obj *o) {
  free(o->path);
  free(o->data);
  free(o->units);
  for (size_t i = 0; i < o->n_attrs; i++) {
    free(o->attrs[i].name);
    free(o->attrs[i].s);
  }
  free(o->attrs);
  memset(o, 0, sizeof *o);
}

static void csv_clear(idr_rset *rs) {
  for (size_t k = 0; k < rs->csv_ncols; k++) {
    if (rs->csv_names) free(rs->csv_names[k]);
    if (rs->csv_cols) free(rs->csv_cols[k]);
  }
  free(rs->csv_names);
  free(rs->csv_cols);
  rs->csv_names = NULL;
  rs->csv_cols = NULL;
  rs->csv_ncols = rs->csv_nrows = 0;
}

idr_status idr_rset_create(idr_rset **out, idr_error *err) {
  *out = calloc(1, sizeof **out);
  if (!*out) return idr_error_set(err, IDR_ERR_NOMEM, "result: out of memory");
  return IDR_OK;
}

void idr_rset_free(idr_rset **rs) {
  if (!rs || !*rs) return;
  for (size_t i = 0; i < (*rs)->n; i++)
    obj_clear(&(*rs)->objs[i]);
  free((*rs)->objs);
  csv_clear(*rs);
  free(*rs);
  *rs = NULL;
}

static rs_obj *find(const idr_rset *rs, const char *norm) {
  for (size_t i = 0; i < rs->n; i++)
    if (strcmp(rs->objs[i].path, norm) == 0) return &rs->objs[i];
  return NULL;
}

/* A new object at norm (which must not exist). */
static rs_obj *append(idr_rset *rs, const char *norm) {
  if (rs->n == rs->cap) {
    size_t cap = rs->cap ? 2 * rs->cap : 32;
    rs_obj *o = realloc(rs->objs, cap * sizeof *o);
    if (!o) return NULL;
    rs->objs = o;
    rs->cap = cap;
  }
  rs_obj *o = &rs->objs[rs->n];
  memset(o, 0, sizeof *o);
  if (!(o->path = dup_str(norm))) return NULL;
  rs->n++;
  return o;
}

/* The group at norm and its parents, created when missing (*out); fails when
 * a dataset is in the way or out of memory. */
static idr_status group_at(idr_rset *rs, const char *norm, rs_obj **out, idr_error *err) {
  char part[IDR_RSET_PATH_LEN];
  size_t n = strlen(norm);
  for (size_t i = 0; i <= n; i++) {
    if (i < n && norm[i] != '/') continue;
    memcpy(part, norm, i);
    part[i] = '\0';
    rs_obj *o = find(rs, part);
    if (o && o->is_dataset)
      return idr_error_set(err, IDR_ERR_INTERNAL, "result: %s is a dataset, not a group", part);
    if (!o && !(o = append(rs, part)))
      return idr_error_set(err, IDR_ERR_NOMEM, "result: out of memory");
    if (i == n) {
      *out = o;
      return IDR_OK;
    }
  }
  return idr_error_set(err, IDR_ERR_INTERNAL, "result: bad path %s", norm);
}

idr_status idr_rset_group(idr_rset *rs, const char *path, idr_error *err) {
  char norm[IDR_RSET_PATH_LEN];
  if (!norm_path(path, norm, sizeof norm))
    return idr_error_set(err, IDR_ERR_INTERNAL, "result: path too long: %s", path);
  rs_obj *o;
  return group_at(rs, norm, &o, err);
}

static idr_status put(idr_rset *rs, const char *path, idr_rset_type type, const void *data,
                      int rank, size_t rows, size_t cols, const char *units, idr_error *err) {
  char norm[IDR_RSET_PATH_LEN], parent[IDR_RSET_PATH_LEN];
  if (!norm_path(path, norm, sizeof norm) || !norm[0])
    return idr_error_set(err, IDR_ERR_INTERNAL, "result: bad dataset path '%s'", path);
  if (!units || !units[0])
    return idr_error_set(err, IDR_ERR_INTERNAL, "result: %s: units are required", norm);
  if (rank < 1 || rank > 2)
    return idr_error_set(err, IDR_ERR_INTERNAL, "result: %s: rank %d", norm, rank);
  if (find(rs, norm)) return idr_error_set(err, IDR_ERR_INTERNAL, "result: %s written twice", norm);
  const char *slash = strrchr(norm, '/');
  size_t pl = slash ? (size_t)(slash - norm) : 0;
  memcpy(parent, norm, pl);
  parent[pl] = '\0';
  rs_obj *g;
  idr_status st = group_at(rs, parent, &g, err);
  if (st) return st;
  size_t count = rows * (rank == 2 ? cols : 1);
  size_t each = type == IDR_RSET_INT ? sizeof(int) : sizeof(double);
  void *copy = malloc(count ? count * each : 1);
  char *u = dup_str(units);
  rs_obj *o = copy && u ? append(rs, norm) : NULL;
  if (!o) {
    free(copy);
    free(u);
    return idr_error_set(err, IDR_ERR_NOMEM, "result: out of memory");
  }
  if (count) memcpy(copy, data, count * each);
  o->is_dataset = 1;
  o->type = type;
  o->rank = rank;
  o->dims[0] = rows;
  o->dims[1] = rank == 2 ? cols : 1;
  o->data = copy;
  o->units = u;
  return IDR_OK;
}

idr_status idr_rset_put_double(idr_rset *rs, const char *path, const double *data, size_t n,
                               const char *units, idr_error *err) {
  return put(rs, path, IDR_RSET_DOUBLE, data, 1, n, 1, units, err);
}

idr_status idr_rset_put_double_2d(idr_rset *rs, const char *path, const double *data, size_t rows,
                                  size_t cols, const char *units, idr_error *err) {
  return put(rs, path, IDR_RSET_DOUBLE, data, 2, rows, cols, units, err);
}

idr_status idr_rset_put_int(idr_rset *rs, const char *path, const int *data, size_t n,
                            const char *units, idr_error *err) {
  return put(rs, path, IDR_RSET_INT, data, 1, n, 1, units, err);
}

static idr_status set_attr(idr_rset *rs, const char *obj, const char *name, int is_string, double v,
                           const char *s, idr_error *err) {
  char norm[IDR_RSET_PATH_LEN];
  if (!norm_path(obj, norm, sizeof norm))
    return idr_error_set(err, IDR_ERR_INTERNAL, "result: path too long: %s", obj);
  rs_obj *o = find(rs, norm);
  if (!o) {
    idr_status st = group_at(rs, norm, &o, err);
    if (st) return st;
  }
  rs_attr *a = NULL;
  for (size_t i = 0; i < o->n_attrs && !a; i++)
    if (strcmp(o->attrs[i].name, name) == 0) a = &o->attrs[i];
  char *sc = is_string ? dup_str(s ? s : "") : NULL;
  if (is_string && !sc) return idr_error_set(err, IDR_ERR_NOMEM, "result: out of memory");
  if (!a) {
    if (o->n_attrs == o->cap_attrs) {
      size_t cap = o->cap_attrs ? 2 * o->cap_attrs : 8;
      rs_attr *na = realloc(o->attrs, cap * sizeof *na);
      if (!na) {
        free(sc);
        return idr_error_set(err, IDR_ERR_NOMEM, "result: out of memory");
      }
      o->attrs = na;
      o->cap_attrs = cap;
    }
    a = &o->attrs[o->n_attrs];
    memset(a, 0, sizeof *a);
    if (!(a->name = dup_str(name))) {
      free(sc);
      return idr_error_set(err, IDR_ERR_NOMEM, "result: out of memory");
    }
    o->n_attrs++;
  }
  free(a->s);
  a->is_string = is_string;
  a->v = v;
  a->s = sc;
  return IDR_OK;
}

idr_status idr_rset_attr_double(idr_rset *rs, const char *obj, const char *name, double v,
                                idr_error *err) {
  return set_attr(rs, obj, name, 0, v, NULL, err);
}

idr_status idr_rset_attr_string(idr_rset *rs, const char *obj, const char *name, const char *s,
                                idr_error *err) {
  return set_attr(rs, obj, name, 1, 0.0, s, err);
}

idr_status idr_rset_set_csv(idr_rset *rs, const char *const *names, const double *const *cols,
                            size_t ncols, size_t nrows, idr_error *err) {
  csv_clear(rs);
  rs->csv_names = calloc(ncols ? ncols : 1, sizeof *rs->csv_names);
  rs->csv_cols = calloc(ncols ? ncols : 1, sizeof *rs->csv_cols);
  if (!rs->csv_names || !rs->csv_cols) goto out_nomem;
  rs->csv_ncols = ncols;
  rs->csv_nrows = nrows;
  for (size_t k = 0; k < ncols; k++) {
    rs->csv_names[k] = dup_str(names[k]);
    rs->csv_cols[k] = malloc(nrows ? nrows * sizeof(double) : 1);
    if (!rs->csv_names[k] || !rs->csv_cols[k]) goto out_nomem;
    if (nrows) memcpy(rs->csv_cols[k], cols[k], nrows * sizeof(double));
  }
  return IDR_OK;
out_nomem:
  csv_clear(rs);
  return idr_error_set(err, IDR_ERR_NOMEM, "result: out of memory");
}

int idr_rset_has_csv(const idr_rset *rs) {
  return rs->csv_ncols > 0;
}

/* Deep copy of object o under a new path. */
static idr_status copy_obj(idr_rset *dst, const rs_obj *o, const char *path, idr_error *err) {
  idr_status st = IDR_OK;
  if (o->is_dataset)
    st = put(dst, path, o->type, o->data, o->rank, o->dims[0], o->dims[1], o->units, err);
  else
    st = idr_rset_group(dst, path, err);
  for (size_t i = 0; !st && i < o->n_attrs; i++)
    st = set_attr(dst, path, o->attrs[i].name, o->attrs[i].is_string, o->attrs[i].v, o->attrs[i].s,
                  err);
  return st;
}

idr_status idr_rset_copy_group(idr_rset *dst, const char *dst_path, const idr_rset *src,
                               const char *src_path, idr_error *err) {
  char from[IDR_RSET_PATH_LEN], to[IDR_RSET_PATH_LEN], path[IDR_RSET_PATH_LEN];
  if (!norm_path(src_path, from, sizeof from) || !norm_path(dst_path, to, sizeof to))
    return idr_error_set(err, IDR_ERR_INTERNAL, "result: path too long");
  size_t fl = strlen(from);
  int found = 0;
  for (size_t i = 0; i < src->n; i++) {
    const rs_obj *o = &src->objs[i];
    const char *rest;
    if (strcmp(o->path, from) == 0)
      rest = "";
    else if (fl == 0)
      rest = o->path;
    else if (strncmp(o->path, from, fl) == 0 && o->path[fl] == '/')
      rest = o->path + fl + 1;
    else
      continue;
    found = 1;
    int w = snprintf(path, sizeof path, "%s%s%s", to, to[0] && rest[0] ? "/" : "", rest);
    if (w < 0 || (size_t)w >= sizeof path)
      return idr_error_set(err, IDR_ERR_INTERNAL, "result: path too long under %s", to);
    idr_status st = copy_obj(dst, o, path, err);
    if (st) return st;
  }
  if (!found) return idr_error_set(err, IDR_ERR_INPUT, "result: no group '%s'", src_path);
  return IDR_OK;
}

idr_status idr_rset_copy(const idr_rset *src, idr_rset **out, idr_error *err) {
  idr_status st = idr_rset_create(out, err);
  for (size_t i = 0; !st && i < src->n; i++)
    st = copy_obj(*out, &src->objs[i], src->objs[i].path, err);
  if (!st && src->csv_ncols)
    st =
        idr_rset_set_csv(*out, (const char *const *)src->csv_names,
                         (const double *const *)src->csv_cols, src->csv_ncols, src->csv_nrows, err);
  if (st) idr_rset_free(out);
  return st;
}

/* ---- reading -------------------------------------------------------------- */

size_t idr_rset_count(const idr_rset *rs) {
  return rs->n;
}

idr_status idr_rset_at(const idr_rset *rs, size_t i, idr_rset_view *v) {
  if (i >= rs->n) return IDR_ERR_RANGE;
  const rs_obj *o = &rs->objs[i];
  memset(v, 0, sizeof *v);
  v->path = o->path;
  v->is_dataset = o->is_dataset;
  v->type = o->type;
  v->rank = o->rank;
  v->dims[0] = o->dims[0];
  v->dims[1] = o->dims[1];
  v->data = o->data;
  v->units = o->units ? o->units : "";
  v->n_attrs = o->n_attrs;
  return IDR_OK;
}

idr_status idr_rset_find(const idr_rset *rs, const char *path, idr_rset_view *v) {
  char norm[IDR_RSET_PATH_LEN];
  if (!norm_path(path, norm, sizeof norm)) return IDR_ERR_RANGE;
  for (size_t i = 0; i < rs->n; i++)
    if (strcmp(rs->objs[i].path, norm) == 0) return idr_rset_at(rs, i, v);
  return IDR_ERR_RANGE;
}

idr_status idr_rset_attr_at(const idr_rset *rs, const char *obj, size_t i, const char **name,
                            int *is_string, double *v, const char **s) {
  char norm[IDR_RSET_PATH_LEN];
  const rs_obj *o = norm_path(obj, norm, sizeof norm) ? find(rs, norm) : NULL;
  if (!o || i >= o->n_attrs) return IDR_ERR_RANGE;
  const rs_attr *a = &o->attrs[i];
  if (name) *name = a->name;
  if (is_string) *is_string = a->is_string;
  if (v) *v = a->v;
  if (s) *s = a->s;
  return IDR_OK;
}

idr_status idr_rset_attr_find(const idr_rset *rs, const char *obj, const char *name, int *is_string,
                              double *v, const char **s) {
  char norm[IDR_RSET_PATH_LEN];
  const rs_obj *o = norm_path(obj, norm, sizeof norm) ? find(rs, norm) : NULL;
  for (size_t i = 0; o && i < o->n_attrs; i++)
    if (strcmp(o->attrs[i].name, name) == 0) {
      if (is_string) *is_string = o->attrs[i].is_string;
      if (v) *v = o->attrs[i].v;
      if (s) *s = o->attrs[i].s;
      return IDR_OK;
    }
  return IDR_ERR_RANGE;
}

/* ---- publication ------------------------------------------------------------ */

static idr_status write_obj(idr_h5 *h, const rs_obj *o, idr_error *err) {
  const char *p = o->path[0] ? o->path : "/";
  idr_status st = IDR_OK;
  if (o->is_dataset) {
    if (o->type == IDR_RSET_INT)
      st = idr_h5_write_int_1d(h, p, o->data, o->dims[0], o->units, err);
    else if (o->rank == 2)
      st = idr_h5_write_double_2d(h, p, o->data, o->dims[0], o->dims[1], o->units, err);
    else
      st = idr_h5_write_double_1d(h, p, o->data, o->dims[0], o->units, err);
  } else if (o->path[0]) {
    st = idr_h5_create_group(h, p, err);
  }
  for (size_t i = 0; !st && i < o->n_attrs; i++) {
    const rs_attr *a = &o->attrs[i];
    st = a->is_string ? idr_h5_set_attr_string(h, p, a->name, a->s, err)
                      : idr_h5_set_attr_double(h, p, a->name, a->v, err);
  }
  return st;
}

idr_status idr_rset_write_to(const idr_rset *rs, idr_h5 *h, idr_error *err) {
  idr_status st = IDR_OK;
  for (size_t i = 0; !st && i < rs->n; i++)
    st = write_obj(h, &rs->objs[i], err);
  return st;
}

static idr_status stage_h5(const idr_rset *rs, const char *path, char **tmp, idr_error *err) {
  idr_h5 *h = NULL;
  idr_status st = idr_h5_create(path, &h, err);
  if (!st) st = idr_rset_write_to(rs, h, err);
  if (st) {
    idr_error_context(err, "writing %s", path);
    idr_h5_abort(&h);
    return st;
  }
  return idr_h5_stage(&h, tmp, err);
}

idr_status idr_rset_write(const idr_rset *rs, const char *h5_path, const char *csv_path,
                          idr_error *err) {
  const int want_csv = rs->csv_ncols > 0 && csv_path && csv_path[0];
  char *csv_tmp = NULL, *h5_tmp = NULL;
  idr_status st = IDR_OK;
  if (want_csv) {
    st = idr_csv_stage(csv_path, NULL, (const char *const *)rs->csv_names,
                       (const double *const *)rs->csv_cols, rs->csv_ncols, rs->csv_nrows, &csv_tmp,
                       err);
    if (st) return st; /* idr_csv_stage leaves nothing */
  }
  idr_io_h5_state saved;
  idr_io_h5_begin(&saved);
  st = stage_h5(rs, h5_path, &h5_tmp, err);
  idr_io_h5_end(&saved);
  if (st) {
    if (csv_tmp) remove(csv_tmp);
    free(csv_tmp);
    return st;
  }
  const char *tmps[2] = {h5_tmp, csv_tmp}, *finals[2] = {h5_path, csv_path};
  st = idr_io_publish_all(tmps, finals, want_csv ? 2 : 1, err);
  idr_h5_free(h5_tmp);
  free(csv_tmp);
  return st;
}

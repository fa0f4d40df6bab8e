/*
 * iondrift api: results. A result is a result set of io/ (the result file in
 * memory: datasets with units, attributes, the CSV table) plus, for the
 * result of a run, the deck's output rules (output.h5, output.csv and the
 * protocol's CSV pairing), so that idr_result_write() writes the same files
 * as `iondrift run`. Also the process-wide set-up of the API (GSL).
 */
#include "iondrift.h"

#include "api_internal.h"
#include "idr_protocols.h"

#include <gsl/gsl_errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PATH_LEN 1024

struct idr_result {
  idr_rset *rs;
  idr_deck *deck; /* the run's deck (output rules only; no resolved text), or NULL */
};

/* ---- process-wide set-up --------------------------------------------------- */

static pthread_once_t api_once = PTHREAD_ONCE_INIT;

static void api_init_once(void) {
  gsl_error_handler_t *prev = gsl_set_error_handler_off();
  if (prev) gsl_set_error_handler(prev); /* the application's own handler stays */
}

void idr_api_init(void) {
  pthread_once(&api_once, api_init_once);
}

/* ---- life cycle --------------------------------------------------------------- */

idr_status idr_api_result_wrap(idr_rset *rs, const idr_deck *deck, idr_result **out,
                               idr_error *err) {
  *out = calloc(1, sizeof **out);
  if (!*out) {
    idr_rset_free(&rs);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  (*out)->rs = rs;
  if (deck) {
    if (!((*out)->deck = malloc(sizeof *deck))) {
      idr_result_free(out);
      return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    }
    *(*out)->deck = *deck;
    (*out)->deck->resolved_yaml = NULL;
  }
  return IDR_OK;
}

idr_status idr_result_create(idr_result **out, idr_error *err) {
  idr_api_init();
  *out = NULL;
  idr_rset *rs = NULL;
  idr_status st = idr_rset_create(&rs, err);
  return st ? st : idr_api_result_wrap(rs, NULL, out, err);
}

idr_status idr_result_copy(const idr_result *r, idr_result **out, idr_error *err) {
  *out = NULL;
  idr_rset *rs = NULL;
  idr_status st = idr_rset_copy(r->rs, &rs, err);
  return st ? st : idr_api_result_wrap(rs, r->deck, out, err);
}

void idr_result_free(idr_result **r) {
  if (!r || !*r) return;
  idr_rset_free(&(*r)->rs);
  free((*r)->deck);
  free(*r);
  *r = NULL;
}

/* ---- reading ------------------------------------------------------------------ */

static void view_to_dataset(const idr_rset_view *v, idr_dataset *out) {
  out->name = v->path;
  out->is_dataset = v->is_dataset;
  out->type = v->type == IDR_RSET_INT ? IDR_RESULT_INT : IDR_RESULT_DOUBLE;
  out->rank = v->rank;
  out->dims[0] = v->dims[0];
  out->dims[1] = v->dims[1];
  out->data = v->data;
  out->units = v->units;
  out->n_attrs = v->n_attrs;
}

size_t idr_result_count(const idr_result *r) {
  return idr_rset_count(r->rs);
}

idr_status idr_result_entry(const idr_result *r, size_t i, idr_dataset *out, idr_error *err) {
  idr_rset_view v;
  if (idr_rset_at(r->rs, i, &v) != IDR_OK)
    return idr_error_set(err, IDR_ERR_RANGE, "result: no entry %zu (it has %zu)", i,
                         idr_rset_count(r->rs));
  view_to_dataset(&v, out);
  return IDR_OK;
}

idr_status idr_result_dataset(const idr_result *r, const char *name, idr_dataset *out,
                              idr_error *err) {
  idr_rset_view v;
  if (idr_rset_find(r->rs, name, &v) != IDR_OK)
    return idr_error_set(err, IDR_ERR_INPUT, "result: no dataset or group '%s'", name);
  view_to_dataset(&v, out);
  return IDR_OK;
}

idr_status idr_result_attr(const idr_result *r, const char *obj, size_t i, const char **name,
                           double *v, const char **s, idr_error *err) {
  if (idr_rset_attr_at(r->rs, obj, i, name, NULL, v, s) != IDR_OK)
    return idr_error_set(err, IDR_ERR_RANGE, "result: '%s' has no attribute %zu", obj, i);
  return IDR_OK;
}

idr_status idr_result_attr_double(const idr_result *r, const char *obj, const char *name, double *v,
                                  idr_error *err) {
  int is_string = 0;
  if (idr_rset_attr_find(r->rs, obj, name, &is_string, v, NULL) != IDR_OK || is_string)
    return idr_error_set(err, IDR_ERR_INPUT, "result: '%s' has no number attribute '%s'", obj,
                         name);
  return IDR_OK;
}

idr_status idr_result_attr_string(const idr_result *r, const char *obj, const char *name,
                                  const char **v, idr_error *err) {
  int is_string = 0;
  if (idr_rset_attr_find(r->rs, obj, name, &is_string, NULL, v) != IDR_OK || !is_string)
    return idr_error_set(err, IDR_ERR_INPUT, "result: '%s' has no string attribute '%s'", obj,
                         name);
  return IDR_OK;
}

idr_status idr_result_attr_item(const idr_result *r, const char *obj, const char *name, size_t k,
                                char *buf, size_t size, idr_error *err) {
  const char *list = NULL;
  idr_status st = idr_result_attr_string(r, obj, name, &list, err);
  if (st) return st;
  const char *p = list;
  for (size_t i = 0; i < k && p; i++) {
    p = strchr(p, ',');
    if (p) p++;
  }
  if (!p) return idr_error_set(err, IDR_ERR_RANGE, "result: %s@%s has no item %zu", obj, name, k);
  size_t len = strcspn(p, ",");
  if (len >= size)
    return idr_error_set(err, IDR_ERR_RANGE, "result: %s@%s item %zu is too long", obj, name, k);
  memcpy(buf, p, len);
  buf[len] = '\0';
  return IDR_OK;
}

/* ---- writing ------------------------------------------------------------------ */

idr_status idr_result_write(const idr_result *r, const char *h5_path, const char *csv_path,
                            idr_error *err) {
  char h5[PATH_LEN], csv[PATH_LEN] = "";
  if (!h5_path && !r->deck)
    return idr_error_set(err, IDR_ERR_INPUT, "result: no file name (the result has no deck)");
  if (!idr_strlcpy(h5, h5_path ? h5_path : r->deck->output.h5_path, sizeof h5))
    return idr_error_set(err, IDR_ERR_INPUT, "%s: path too long", h5_path);
  if (csv_path) {
    if (!idr_strlcpy(csv, csv_path, sizeof csv))
      return idr_error_set(err, IDR_ERR_INPUT, "%s: path too long", csv_path);
  } else if (r->deck) {
    idr_status st = idr_run_csv_path(r->deck, h5_path, csv, sizeof csv, err);
    if (st) return st;
  }
  return idr_rset_write(r->rs, h5, csv, err);
}

/* ---- building ------------------------------------------------------------------ */

idr_status idr_result_put_double(idr_result *r, const char *name, const double *data, int rank,
                                 const size_t *dims, const char *units, idr_error *err) {
  if (rank == 1) return idr_rset_put_double(r->rs, name, data, dims[0], units, err);
  if (rank == 2) return idr_rset_put_double_2d(r->rs, name, data, dims[0], dims[1], units, err);
  return idr_error_set(err, IDR_ERR_INPUT, "result: %s: rank must be 1 or 2 (got %d)", name, rank);
}

idr_status idr_result_put_int(idr_result *r, const char *name, const int *data, size_t n,
                              const char *units, idr_error *err) {
  return idr_rset_put_int(r->rs, name, data, n, units, err);
}

idr_status idr_result_set_attr_double(idr_result *r, const char *obj, const char *name, double v,
                                      idr_error *err) {
  return idr_rset_attr_double(r->rs, obj, name, v, err);
}

idr_status idr_result_set_attr_string(idr_result *r, const char *obj, const char *name,
                                      const char *v, idr_error *err) {
  return idr_rset_attr_string(r->rs, obj, name, v, err);
}

idr_status idr_result_copy_group(idr_result *dst, const char *dst_group, const idr_result *src,
                                 const char *src_group, idr_error *err) {
  return idr_rset_copy_group(dst->rs, dst_group, src->rs, src_group, err);
}

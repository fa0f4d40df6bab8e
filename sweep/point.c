/*
 * iondrift sweep: one point. The base study copied, the point's axis values
 * set through the typed setter, the protocol run on one thread (the sweep
 * threads over points), the outputs read from the result, and the curves
 * (the datasets of the protocol's group) packed for the journal directory:
 *
 *   "IDRC" u32 version u32 count
 *   count x { u32 name_len, name, u32 units_len, units, u32 type (0 double,
 *             1 int32), u32 rank, u64 rows, u64 cols, rows*cols values }
 *   u64 FNV-1a of everything before
 *
 * in the host's byte order (the ranks of one sweep share a machine type).
 */
#include "sweep_internal.h"

#include <stdlib.h>
#include <string.h>

#define CURVES_MAGIC "IDRC"
#define CURVES_VERSION 1u

idr_status idr_sweep_record_init(const idr_sweep *sw, idr_sweep_record *rec, idr_error *err) {
  memset(rec, 0, sizeof *rec);
  if (!(rec->values = calloc(sw->n_outs ? sw->n_outs : 1, sizeof *rec->values)))
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  return IDR_OK;
}

void idr_sweep_record_free(idr_sweep_record *rec) {
  free(rec->values);
  free(rec->curves);
  memset(rec, 0, sizeof *rec);
}

/* ---- curves ------------------------------------------------------------------------- */

/* The group of a protocol's curves. */
static const char *curves_group(const char *protocol) {
  if (strcmp(protocol, "waveform") == 0) return "transient";
  if (strcmp(protocol, "equilibrate") == 0) return "equilibrium";
  return protocol; /* tid, cf, cv: their group has their name */
}

/* A dataset directly in group (not wall times: they differ from run to run). */
static int is_curve(const idr_dataset *d, const char *group) {
  size_t n = strlen(group);
  return d->is_dataset && strncmp(d->name, group, n) == 0 && d->name[n] == '/' &&
         !strchr(d->name + n + 1, '/') && strcmp(d->name + n + 1, "wall_time") != 0;
}

typedef struct packer {
  unsigned char *p;
  size_t len, cap;
  int oom;
} packer;

static void put(packer *k, const void *src, size_t n) {
  if (k->oom) return;
  if (k->len + n > k->cap) {
    size_t cap = k->cap ? k->cap : 4096;
    while (cap < k->len + n)
      cap *= 2;
    unsigned char *p = realloc(k->p, cap);
    if (!p) {
      k->oom = 1;
      return;
    }
    k->p = p;
    k->cap = cap;
  }
  memcpy(k->p + k->len, src, n);
  k->len += n;
}

static void put_u32(packer *k, uint32_t v) {
  put(k, &v, sizeof v);
}

static void put_str(packer *k, const char *s) {
  put_u32(k, (uint32_t)strlen(s));
  put(k, s, strlen(s));
}

idr_status idr_sw_curves_pack(const idr_result *r, const char *protocol, unsigned char **out,
                              size_t *size, idr_error *err) {
  const char *group = curves_group(protocol);
  packer k = {0};
  uint32_t count = 0;
  for (size_t i = 0; i < idr_result_count(r); i++) {
    idr_dataset d;
    if (idr_result_entry(r, i, &d, NULL) == IDR_OK && is_curve(&d, group)) count++;
  }
  put(&k, CURVES_MAGIC, 4);
  put_u32(&k, CURVES_VERSION);
  put_u32(&k, count);
  for (size_t i = 0; i < idr_result_count(r); i++) {
    idr_dataset d;
    if (idr_result_entry(r, i, &d, NULL) != IDR_OK || !is_curve(&d, group)) continue;
    put_str(&k, d.name);
    put_str(&k, d.units);
    put_u32(&k, d.type == IDR_RESULT_INT ? 1u : 0u);
    put_u32(&k, (uint32_t)d.rank);
    uint64_t dims[2] = {d.dims[0], d.dims[1]};
    put(&k, dims, sizeof dims);
    put(&k, d.data,
        d.dims[0] * d.dims[1] * (d.type == IDR_RESULT_INT ? sizeof(int) : sizeof(double)));
  }
  uint64_t h = idr_sw_fnv1a(SW_FNV_START, k.p, k.len);
  put(&k, &h, sizeof h);
  if (k.oom) {
    free(k.p);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  *out = k.p;
  *size = k.len;
  return IDR_OK;
}

typedef struct reader {
  const unsigned char *p;
  size_t len, at;
} reader;

static int get(reader *r, void *dst, size_t n) {
  if (r->at + n > r->len) return 0;
  memcpy(dst, r->p + r->at, n);
  r->at += n;
  return 1;
}

static int get_str(reader *r, char *buf, size_t size) {
  uint32_t n;
  if (!get(r, &n, sizeof n) || n >= size || !get(r, buf, n)) return 0;
  buf[n] = '\0';
  return 1;
}

idr_status idr_sw_curves_unpack(const unsigned char *p, size_t size, idr_result *res,
                                const char *prefix, idr_error *err) {
  reader r = {p, size, 0};
  uint64_t h;
  if (size < 20 || memcmp(p, CURVES_MAGIC, 4) != 0 ||
      (memcpy(&h, p + size - 8, 8), h != idr_sw_fnv1a(SW_FNV_START, p, size - 8)))
    return idr_error_set(err, IDR_ERR_IO, "damaged curves (magic or checksum)");
  r.len = size - 8;
  r.at = 4;
  uint32_t version, count;
  if (!get(&r, &version, 4) || version != CURVES_VERSION || !get(&r, &count, 4))
    return idr_error_set(err, IDR_ERR_IO, "curves of an unknown version");
  for (uint32_t c = 0; c < count; c++) {
    char name[512], units[64], path[1024];
    uint32_t type, rank;
    uint64_t dims[2];
    if (!get_str(&r, name, sizeof name) || !get_str(&r, units, sizeof units) ||
        !get(&r, &type, 4) || !get(&r, &rank, 4) || !get(&r, dims, sizeof dims) || rank < 1 ||
        rank > 2)
      return idr_error_set(err, IDR_ERR_IO, "damaged curves (dataset %u)", c);
    size_t n = (size_t)(dims[0] * dims[1]), w = type ? sizeof(int) : sizeof(double);
    if (r.at + n * w > r.len) return idr_error_set(err, IDR_ERR_IO, "damaged curves (size)");
    const void *data = r.p + r.at;
    r.at += n * w;
    snprintf(path, sizeof path, "%s%s", prefix, name);
    size_t d[2] = {(size_t)dims[0], (size_t)dims[1]};
    idr_status st;
    if (type) {
      int *tmp = malloc(n ? n * w : 1); /* aligned copies: the pack is byte-packed */
      if (!tmp) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
      memcpy(tmp, data, n * w);
      st = idr_result_put_int(res, path, tmp, n, units, err);
      free(tmp);
    } else {
      double *tmp = malloc(n ? n * w : 1);
      if (!tmp) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
      memcpy(tmp, data, n * w);
      st = idr_result_put_double(res, path, tmp, (int)rank, d, units, err);
      free(tmp);
    }
    if (st) return st;
  }
  return IDR_OK;
}

/* ---- evaluation ------------------------------------------------------------------------ */

idr_status idr_sweep_eval(const idr_sweep *sw, size_t i, idr_sweep_record *rec, idr_error *err) {
  free(rec->curves);
  rec->curves = NULL;
  rec->curves_size = 0;
  rec->index = i;
  rec->ok = 0;
  rec->message[0] = '\0';
  rec->run_s = 0;
  for (size_t j = 0; j < sw->n_outs; j++)
    rec->values[j] = NAN;
  idr_study *s = NULL;
  idr_result *r = NULL;
  idr_error sub;
  idr_error_clear(&sub);
  idr_status st = idr_sw_point_study(sw, i, &s, &sub);
  if (st == IDR_ERR_NOMEM) return idr_error_set(err, st, "%s", sub.msg);
  if (st) {
    idr_strlcpy(rec->message, sub.msg, sizeof rec->message);
    return IDR_OK;
  }
  double t0 = idr_sw_now();
  st = idr_study_run(s, 1, NULL, NULL, &r, &sub);
  rec->run_s = idr_sw_now() - t0;
  rec->ok = st == IDR_OK;
  if (!rec->ok) idr_strlcpy(rec->message, sub.msg, sizeof rec->message);
  char notes[IDR_ERRMSG_LEN] = "";
  for (size_t j = 0; j < sw->n_outs; j++)
    rec->values[j] = idr_sw_output_value(&sw->outs[j], s, r, rec->run_s, notes, sizeof notes);
  /* a point that ran but lacks a value, or has a tau outside its window, is
   * flagged: its notes say why (the table's status 'flagged') */
  if (rec->ok) idr_sw_output_flags(sw->outs, sw->n_outs, rec->values, s, notes, sizeof notes);
  if (rec->ok) idr_strlcpy(rec->message, notes, sizeof rec->message);
  idr_status pst = IDR_OK;
  if (rec->ok && sw->curves)
    pst = idr_sw_curves_pack(r, idr_study_protocol(s), &rec->curves, &rec->curves_size, err);
  idr_result_free(&r);
  idr_study_free(&s);
  return pst;
}

idr_status idr_sweep_check_points(const idr_sweep *sw, idr_error *err) {
  for (size_t i = 0; i < sw->n_points; i++) {
    idr_study *s = NULL;
    idr_error sub;
    idr_error_clear(&sub);
    idr_status st = idr_sw_point_study(sw, i, &s, &sub);
    for (size_t j = 0; !st && sw->protocol_axes && j < sw->n_outs; j++)
      if ((st = idr_sw_output_check(&sw->outs[j], s, &sub)))
        idr_error_context(&sub, "output %s", sw->outs[j].name);
    idr_study_free(&s);
    if (st == IDR_ERR_NOMEM) return idr_error_set(err, st, "%s", sub.msg);
    if (st) {
      char label[512];
      idr_sw_point_label(sw, i, label, sizeof label);
      return idr_error_set(err, IDR_ERR_INPUT, "%s: point %zu (%s): %s", sw->spec_path, i, label,
                           sub.msg);
    }
  }
  return IDR_OK;
}

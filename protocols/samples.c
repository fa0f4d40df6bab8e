/*
 * Sample points given as lists in a protocol (the points of measured data a
 * fit simulates): `times_s` of tid, `frequencies_Hz` of cf, `biases_V` of
 * cv. Each list replaces the keys that otherwise make a grid (t_first_s,
 * t_last_s, samples; f_min_Hz, f_max_Hz, points_per_decade; V_start_V,
 * V_stop_V, V_step_V); giving both is an error naming the key.
 */
#include "idr_protocols.h"

#include <stdio.h>

idr_status idr_read_sample_list(idr_deck_reader *r, const idr_ynode *n, const idr_sample_list *l,
                                double *out, int *count) {
  const idr_ynode *v = idr_ynode_get(n, l->key);
  if (!v) return IDR_OK;
  const idr_ydoc *doc = idr_read_doc(r);
  idr_error *err = idr_read_err(r);
  char path[256];
  idr_read_path_key(path, sizeof path, "protocol", l->key);
  for (int k = 0; l->grid_keys[k]; k++) {
    const idr_ynode *g = idr_ynode_get(n, l->grid_keys[k]);
    if (g)
      return idr_yerror(doc, g, 0, path, err,
                        "replaces %s, %s and %s: give the list or the grid, not both (got %s)",
                        l->grid_keys[0], l->grid_keys[1], l->grid_keys[2], l->grid_keys[k]);
  }
  const size_t len = idr_ynode_kind(v) == IDR_Y_SEQ ? idr_ynode_len(v) : 0;
  if (idr_ynode_kind(v) != IDR_Y_SEQ || len < (size_t)l->min || len > (size_t)IDR_MAX_SAMPLES) {
    char got[64];
    if (idr_ynode_kind(v) == IDR_Y_SEQ)
      snprintf(got, sizeof got, "%zu values", len);
    else
      snprintf(got, sizeof got, "%s", idr_read_got(v));
    return idr_yerror(doc, v, 0, path, err, "must be a list of %d to %d %s like %s (got %s)",
                      l->min, IDR_MAX_SAMPLES, l->what, l->example, got);
  }
  for (size_t i = 0; i < len; i++) {
    char p[256];
    const idr_ynode *e = idr_ynode_at(v, i);
    idr_read_path_index(p, sizeof p, path, i);
    if (idr_yread_number(doc, e, p, &out[i], err) != IDR_OK) return IDR_ERR_INPUT;
    if (l->positive && !(out[i] > 0))
      return idr_yerror(doc, e, 0, p, err, "must be > 0 (got %s)", idr_read_got(e));
    /* increasing, or (when allowed) decreasing as the first two say */
    if (i > 0 && out[i] == out[i - 1])
      return idr_yerror(doc, e, 0, p, err, "must differ from %s[%zu] (got %s twice)", path, i - 1,
                        idr_read_got(e));
    int up = len < 2 || !l->either_way || out[1] > out[0];
    if (i > 0 && (up ? !(out[i] > out[i - 1]) : !(out[i] < out[i - 1])))
      return idr_yerror(doc, e, 0, p, err, "must be %s than %s[%zu] = %s (got %s)",
                        up ? "larger" : "smaller", path, i - 1,
                        idr_read_got(idr_ynode_at(v, i - 1)), idr_read_got(e));
  }
  *count = (int)len;
  return IDR_OK;
}

void idr_yout_sample_list(idr_yaml_out *o, const char *key, const double *v, int n) {
  char buf[32];
  idr_yout_printf(o, "  %s: [", key);
  for (int i = 0; i < n; i++)
    idr_yout_printf(o, "%s%s", i ? ", " : "", idr_yout_fmt(v[i], buf));
  idr_yout_printf(o, "]\n");
}

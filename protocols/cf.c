/*
 * Protocol `cf`: C-f, a log frequency sweep of the small-signal admittance
 * (solver/admittance.c) about the steady state at a DC bias (ions included).
 * The table entry: keys V_V, f_min_Hz, f_max_Hz, points_per_decade; the
 * group `cf` and the CSV <stem>_cf.csv.
 */
#include "idr_protocols.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void idr_cf_result_free(idr_cf_result *r) {
  free(r->f_Hz);
  free(r->C);
  free(r->G);
  memset(r, 0, sizeof *r);
}

idr_status idr_run_cf_at(const idr_device *dev, const idr_sim_opts *opts, const double *y_eq,
                         double V, const double *f_Hz, int n, idr_cf_result *res, idr_error *err) {
  memset(res, 0, sizeof *res);
  if (n < 1) return idr_error_set(err, IDR_ERR_INPUT, "C-f: no frequencies");
  idr_status st = IDR_OK;
  idr_admittance *adm = NULL;
  double *y = malloc((size_t)dev->n_unknowns * sizeof *y);
  res->f_Hz = calloc((size_t)n, sizeof(double));
  res->C = calloc((size_t)n, sizeof(double));
  res->G = calloc((size_t)n, sizeof(double));
  if (!y || !res->f_Hz || !res->C || !res->G) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "C-f: out of memory");
    goto out_free;
  }
  idr_bias b = {V, 0.0};
  if (V != 0.0) {
    st = idr_steady_state(dev, opts, y_eq, &b, y, err);
    if (st) goto out_free;
  } else {
    memcpy(y, y_eq, (size_t)dev->n_unknowns * sizeof *y);
  }
  st = idr_admittance_create(dev, &adm, err);
  if (!st) st = idr_admittance_set_state(adm, y, &b, err);
  if (st) goto out_free;
  for (int k = 0; k < n; k++) {
    idr_admittance_point p;
    st = idr_admittance_eval(adm, 2.0 * IDR_PI * f_Hz[k], &p, err);
    if (st) goto out_free;
    res->f_Hz[k] = f_Hz[k];
    res->C[k] = p.C;
    res->G[k] = p.G;
  }
  res->n = n;
  res->V = V;
out_free:
  idr_admittance_free(&adm);
  free(y);
  if (st) idr_cf_result_free(res);
  return st;
}

idr_status idr_run_cf(const idr_device *dev, const idr_sim_opts *opts, const double *y_eq, double V,
                      double f_min_Hz, double f_max_Hz, int points_per_decade, idr_cf_result *res,
                      idr_error *err) {
  memset(res, 0, sizeof *res);
  if (!(f_min_Hz > 0) || !(f_max_Hz > f_min_Hz) || points_per_decade < 1)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "C-f: need 0 < f_min < f_max and points_per_decade >= 1");
  int n = (int)floor(log10(f_max_Hz / f_min_Hz) * points_per_decade + 1e-9) + 1;
  double *f = malloc((size_t)n * sizeof *f);
  if (!f) return idr_error_set(err, IDR_ERR_NOMEM, "C-f: out of memory");
  for (int k = 0; k < n; k++)
    f[k] = f_min_Hz * pow(10.0, (double)k / points_per_decade);
  idr_status st = idr_run_cf_at(dev, opts, y_eq, V, f, n, res, err);
  free(f);
  return st;
}

/* ---- the table entry --------------------------------------------------------- */

static const char *const KEYS[] = {
    "type", "V_V", "f_min_Hz", "f_max_Hz", "points_per_decade", "frequencies_Hz", NULL};
static const idr_sample_list FREQS = {"frequencies_Hz",
                                      {"f_min_Hz", "f_max_Hz", "points_per_decade", NULL},
                                      1,
                                      1,
                                      0,
                                      "frequencies [Hz]",
                                      "[100, 1e3, 1e4]"};

static void cf_defaults(void *spec) {
  idr_cf_spec *P = spec;
  P->V_V = 0.0;
  P->f_min_Hz = 1e-2;
  P->f_max_Hz = 1e7;
  P->points_per_decade = 10;
  P->n_frequencies = 0;
}

static idr_status cf_read(idr_deck_reader *r, const idr_ynode *n, const idr_deck *d, void *spec) {
  (void)d;
  idr_cf_spec *P = spec;
  long ppd = P->points_per_decade;
  if (idr_read_num(r, n, "protocol", "V_V", 0, IDR_RANGE_ANY, &P->V_V) < 0 ||
      idr_read_num(r, n, "protocol", "f_min_Hz", 0, IDR_RANGE_GT0, &P->f_min_Hz) < 0 ||
      idr_read_num(r, n, "protocol", "f_max_Hz", 0, IDR_RANGE_GT0, &P->f_max_Hz) < 0 ||
      idr_read_int(r, n, "protocol", "points_per_decade", 0, 1, 1000, &ppd) < 0)
    return IDR_ERR_INPUT;
  P->points_per_decade = (int)ppd;
  if (!(P->f_max_Hz > P->f_min_Hz)) {
    const idr_ynode *f = idr_ynode_get(n, "f_max_Hz");
    return idr_yerror(idr_read_doc(r), f ? f : n, 0, "protocol.f_max_Hz", idr_read_err(r),
                      "must be > protocol.f_min_Hz = %g (got %g)", P->f_min_Hz, P->f_max_Hz);
  }
  return idr_read_sample_list(r, n, &FREQS, P->frequencies_Hz, &P->n_frequencies);
}

static void cf_emit(const void *spec, idr_yaml_out *o) {
  const idr_cf_spec *P = spec;
  idr_yout_num(o, "  ", "V_V", P->V_V);
  if (P->n_frequencies > 0) {
    idr_yout_sample_list(o, "frequencies_Hz", P->frequencies_Hz, P->n_frequencies);
    return;
  }
  idr_yout_num(o, "  ", "f_min_Hz", P->f_min_Hz);
  idr_yout_num(o, "  ", "f_max_Hz", P->f_max_Hz);
  idr_yout_printf(o, "  points_per_decade: %d\n", P->points_per_decade);
}

static idr_status cf_run(const idr_run_ctx *c, void **out, idr_error *err) {
  const idr_cf_spec *P = c->spec;
  idr_cf_result *r = calloc(1, sizeof *r);
  if (!r) return idr_error_set(err, IDR_ERR_NOMEM, "C-f: out of memory");
  idr_status st = P->n_frequencies > 0 ? idr_run_cf_at(c->dev, &c->opts, c->y_eq, P->V_V,
                                                       P->frequencies_Hz, P->n_frequencies, r, err)
                                       : idr_run_cf(c->dev, &c->opts, c->y_eq, P->V_V, P->f_min_Hz,
                                                    P->f_max_Hz, P->points_per_decade, r, err);
  if (st) {
    idr_error_context(err, "running the cf protocol of %s", c->deck->path);
    free(r);
    return st;
  }
  *out = r;
  return IDR_OK;
}

static void cf_free(void *out) {
  if (!out) return;
  idr_cf_result_free(out);
  free(out);
}

static idr_status cf_write(const idr_run_ctx *c, const void *out, idr_rset *rs, idr_error *err) {
  (void)c;
  const idr_cf_result *r = out;
  const size_t n = (size_t)r->n;
  idr_status st = idr_rset_put_double(rs, "cf/f", r->f_Hz, n, "Hz", err);
  if (!st) st = idr_rset_put_double(rs, "cf/C", r->C, n, "F/m^2", err);
  if (!st) st = idr_rset_put_double(rs, "cf/G", r->G, n, "S/m^2", err);
  if (!st) st = idr_rset_attr_double(rs, "cf", "V_V", r->V, err);
  if (!st) st = idr_smallsignal_csv(rs, "frequency_Hz", r->f_Hz, r->C, r->G, NULL, n, err);
  return st;
}

const idr_protocol idr_protocol_cf = {
    .keys = {.name = "cf",
             .keys = KEYS,
             .spec_size = sizeof(idr_cf_spec),
             .defaults = cf_defaults,
             .read = cf_read,
             .emit = cf_emit},
    .group = "cf",
    .csv_suffix = "_cf.csv",
    .run = cf_run,
    .free_out = cf_free,
    .write = cf_write,
};

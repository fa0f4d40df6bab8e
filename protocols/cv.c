/*
 * Protocol `cv`: C-V, a DC bias sweep with the small-signal admittance at one
 * frequency; the ions re-equilibrated at each bias (steady state) or frozen
 * at their 0 V distribution. The table entry: keys V_start_V, V_stop_V,
 * V_step_V, f_Hz, ions; the group `cv` and the CSV <stem>_cv.csv.
 */
#include "idr_protocols.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void idr_cv_result_free(idr_cv_result *r) {
  free(r->V);
  free(r->C);
  free(r->G);
  free(r->J);
  memset(r, 0, sizeof *r);
}

idr_status idr_run_cv_at(idr_device *dev, const idr_sim_opts *opts, const double *y_eq,
                         const double *V_list, int n, double f_Hz, int ions_frozen,
                         idr_progress_fn progress, void *progress_user, idr_cv_result *res,
                         idr_error *err) {
  memset(res, 0, sizeof *res);
  if (n < 1 || !(f_Hz > 0)) return idr_error_set(err, IDR_ERR_INPUT, "C-V: need a bias and f > 0");
  idr_status st = IDR_OK;
  idr_sim *sim = NULL;
  idr_admittance *adm = NULL;
  double D_saved[IDR_MAX_IONS];
  res->V = calloc((size_t)n, sizeof(double));
  res->C = calloc((size_t)n, sizeof(double));
  res->G = calloc((size_t)n, sizeof(double));
  res->J = calloc((size_t)n, sizeof(double));
  if (!res->V || !res->C || !res->G || !res->J) {
    idr_cv_result_free(res);
    return idr_error_set(err, IDR_ERR_NOMEM, "C-V: out of memory");
  }
  for (int k = 0; k < dev->n_ions; k++)
    D_saved[k] = dev->ions[k].D;
  st = idr_admittance_create(dev, &adm, err);
  if (!st) st = idr_sim_create(dev, opts, &sim, err);
  if (st) goto out_free;
  for (int j = 0; j < n; j++) {
    double V = V_list[j];
    idr_bias b = {V, 0.0};
    /* DC state: with frozen ions their diffusivity is zero during the solve */
    if (ions_frozen)
      for (int k = 0; k < dev->n_ions; k++)
        dev->ions[k].D = 0.0;
    if (j == 0)
      st = idr_sim_start(sim, 0.0, y_eq, &b, err);
    else
      st = idr_sim_set_bias(sim, &b, err);
    if (!st) st = idr_sim_relax(sim, IDR_RELAX_T_MAX, err);
    /* the DC current of the state just solved, with the ions as they were
     * in it (frozen: no ionic current) */
    idr_current c;
    idr_terminal_current(dev, idr_sim_y(sim), NULL, &c);
    for (int k = 0; k < dev->n_ions; k++)
      dev->ions[k].D = D_saved[k];
    if (st) {
      idr_error_context(err, "C-V point %d of %d (V = %g V)", j + 1, n, V);
      goto out_free;
    }
    idr_admittance_point p;
    st = idr_admittance_set_state(adm, idr_sim_y(sim), &b, err);
    if (!st) st = idr_admittance_eval(adm, 2.0 * IDR_PI * f_Hz, &p, err);
    if (st) goto out_free;
    res->V[j] = V;
    res->C[j] = p.C;
    res->G[j] = p.G;
    res->J[j] = c.J;
    if (progress) progress(progress_user, (double)(j + 1) / n, j, V);
  }
  res->n = n;
  res->f_Hz = f_Hz;
  res->ions_frozen = ions_frozen;
out_free:
  for (int k = 0; k < dev->n_ions; k++)
    dev->ions[k].D = D_saved[k];
  idr_sim_free(&sim);
  idr_admittance_free(&adm);
  if (st) idr_cv_result_free(res);
  return st;
}

idr_status idr_run_cv(idr_device *dev, const idr_sim_opts *opts, const double *y_eq, double V_start,
                      double V_stop, double V_step, double f_Hz, int ions_frozen,
                      idr_progress_fn progress, void *progress_user, idr_cv_result *res,
                      idr_error *err) {
  memset(res, 0, sizeof *res);
  if (!(V_step > 0) || !(f_Hz > 0))
    return idr_error_set(err, IDR_ERR_INPUT, "C-V: need V_step > 0 and f > 0");
  int n = (int)floor(fabs(V_stop - V_start) / V_step + 1e-9) + 1;
  double dir = V_stop >= V_start ? 1.0 : -1.0;
  double *V = malloc((size_t)n * sizeof *V);
  if (!V) return idr_error_set(err, IDR_ERR_NOMEM, "C-V: out of memory");
  for (int j = 0; j < n; j++)
    V[j] = V_start + dir * j * V_step;
  idr_status st =
      idr_run_cv_at(dev, opts, y_eq, V, n, f_Hz, ions_frozen, progress, progress_user, res, err);
  free(V);
  return st;
}

/* ---- the table entry --------------------------------------------------------- */

/* Most bias points of a sweep. */
#define IDR_CV_POINTS_MAX 10000

static const char *const KEYS[] = {"type", "V_start_V", "V_stop_V", "V_step_V",
                                   "f_Hz", "ions",      "biases_V", NULL};
static const idr_sample_list BIASES = {
    "biases_V",        {"V_start_V", "V_stop_V", "V_step_V", NULL}, 1, 0, 1, "biases [V]",
    "[-0.5, -0.25, 0]"};

static void cv_defaults(void *spec) {
  idr_cv_spec *P = spec;
  P->V_start_V = -0.5;
  P->V_stop_V = 0.5;
  P->V_step_V = 0.05;
  P->f_Hz = 1e4;
  P->ions_frozen = 0;
  P->n_biases = 0;
}

static idr_status cv_read(idr_deck_reader *r, const idr_ynode *n, const idr_deck *d, void *spec) {
  static const char *const IONS[] = {"mobile", "frozen", NULL};
  (void)d;
  idr_cv_spec *P = spec;
  if (idr_read_num(r, n, "protocol", "V_start_V", 0, IDR_RANGE_ANY, &P->V_start_V) < 0 ||
      idr_read_num(r, n, "protocol", "V_stop_V", 0, IDR_RANGE_ANY, &P->V_stop_V) < 0 ||
      idr_read_num(r, n, "protocol", "V_step_V", 0, IDR_RANGE_GT0, &P->V_step_V) < 0 ||
      idr_read_num(r, n, "protocol", "f_Hz", 0, IDR_RANGE_GT0, &P->f_Hz) < 0)
    return IDR_ERR_INPUT;
  int io = idr_read_choice(r, n, "protocol", "ions", 0, IONS);
  if (io == -2) return IDR_ERR_INPUT;
  if (io >= 0) P->ions_frozen = io == 1;
  if (fabs(P->V_stop_V - P->V_start_V) / P->V_step_V > IDR_CV_POINTS_MAX) {
    const idr_ynode *f = idr_ynode_get(n, "V_step_V");
    return idr_yerror(idr_read_doc(r), f ? f : n, 0, "protocol.V_step_V", idr_read_err(r),
                      "must give at most %d bias points (got %g)", IDR_CV_POINTS_MAX, P->V_step_V);
  }
  return idr_read_sample_list(r, n, &BIASES, P->biases_V, &P->n_biases);
}

static void cv_emit(const void *spec, idr_yaml_out *o) {
  const idr_cv_spec *P = spec;
  if (P->n_biases > 0) {
    idr_yout_sample_list(o, "biases_V", P->biases_V, P->n_biases);
  } else {
    idr_yout_num(o, "  ", "V_start_V", P->V_start_V);
    idr_yout_num(o, "  ", "V_stop_V", P->V_stop_V);
    idr_yout_num(o, "  ", "V_step_V", P->V_step_V);
  }
  idr_yout_num(o, "  ", "f_Hz", P->f_Hz);
  idr_yout_printf(o, "  ions: %s\n", P->ions_frozen ? "frozen" : "mobile");
}

static idr_status cv_run(const idr_run_ctx *c, void **out, idr_error *err) {
  const idr_cv_spec *P = c->spec;
  idr_cv_result *r = calloc(1, sizeof *r);
  if (!r) return idr_error_set(err, IDR_ERR_NOMEM, "C-V: out of memory");
  idr_status st = P->n_biases > 0
                      ? idr_run_cv_at(c->dev, &c->opts, c->y_eq, P->biases_V, P->n_biases, P->f_Hz,
                                      P->ions_frozen, NULL, NULL, r, err)
                      : idr_run_cv(c->dev, &c->opts, c->y_eq, P->V_start_V, P->V_stop_V,
                                   P->V_step_V, P->f_Hz, P->ions_frozen, NULL, NULL, r, err);
  if (st) {
    idr_error_context(err, "running the cv protocol of %s", c->deck->path);
    free(r);
    return st;
  }
  *out = r;
  return IDR_OK;
}

static void cv_free(void *out) {
  if (!out) return;
  idr_cv_result_free(out);
  free(out);
}

/* cv/mott_schottky: the fit an experimenter would make (idr_cv_mott_schottky_deck);
 * when the sweep does not allow it, @mott_schottky_error says why. */
static idr_status write_mott_schottky(idr_rset *rs, const idr_deck *d, const idr_cv_result *c,
                                      idr_error *err) {
  idr_mott_schottky ms;
  idr_error fe;
  idr_error_clear(&fe);
  if (idr_cv_mott_schottky_deck(d, c, &ms, &fe) != IDR_OK)
    return idr_rset_attr_string(rs, "cv", "mott_schottky_error", fe.msg, err);
  const char *g = "cv/mott_schottky";
  double V_lo = INFINITY, V_hi = -INFINITY;
  for (int i = 0; i < c->n; i++)
    if (c->n == (int)ms.n_used || c->V[i] <= IDR_CV_MS_V_ZERO) {
      V_lo = fmin(V_lo, c->V[i]);
      V_hi = fmax(V_hi, c->V[i]);
    }
  const struct {
    const char *name;
    double v;
  } a[] = {{"N_cm3", ms.N_cm3},
           {"N_err_cm3", ms.N_err_cm3},
           {"V_bi_V", ms.V_bi},
           {"V_bi_err_V", ms.V_bi_err},
           {"slope", ms.slope},
           {"intercept", ms.intercept},
           {"r2", ms.r2},
           {"points", (double)ms.n_used},
           {"polarity", ms.polarity},
           {"V_lo_V", V_lo},
           {"V_hi_V", V_hi},
           {"eps_r", d->layers[idr_tid_absorber_layer(d)].mat.eps_r}};
  idr_status st = idr_rset_group(rs, g, err);
  for (size_t i = 0; !st && i < sizeof a / sizeof a[0]; i++)
    st = idr_rset_attr_double(rs, g, a[i].name, a[i].v, err);
  return st;
}

static idr_status cv_write(const idr_run_ctx *c, const void *out, idr_rset *rs, idr_error *err) {
  const idr_cv_result *r = out;
  const size_t n = (size_t)r->n;
  idr_status st = idr_rset_put_double(rs, "cv/V", r->V, n, "V", err);
  if (!st) st = idr_rset_put_double(rs, "cv/C", r->C, n, "F/m^2", err);
  if (!st) st = idr_rset_put_double(rs, "cv/G", r->G, n, "S/m^2", err);
  if (!st) st = idr_rset_put_double(rs, "cv/J", r->J, n, "A/m^2", err);
  if (!st) st = idr_rset_attr_double(rs, "cv", "f_Hz", r->f_Hz, err);
  if (!st) st = write_mott_schottky(rs, c->deck, r, err);
  if (!st) st = idr_rset_attr_string(rs, "cv", "ions", r->ions_frozen ? "frozen" : "mobile", err);
  if (!st) st = idr_smallsignal_csv(rs, "voltage_V", r->V, r->C, r->G, r->J, n, err);
  return st;
}

const idr_protocol idr_protocol_cv = {
    .keys = {.name = "cv",
             .keys = KEYS,
             .spec_size = sizeof(idr_cv_spec),
             .defaults = cv_defaults,
             .read = cv_read,
             .emit = cv_emit},
    .group = "cv",
    .csv_suffix = "_cv.csv",
    .run = cv_run,
    .free_out = cv_free,
    .write = cv_write,
};

/*
 * Small-signal protocols built on the admittance routine of solver/:
 *   C-f  log frequency sweep about the steady state at a DC bias;
 *   C-V  DC bias sweep at one frequency, ions re-equilibrated at each bias
 *        or frozen at their 0 V distribution.
 * Steady states come from pseudo-transient relaxation with IDA (the ion
 * number of every species is conserved exactly along the way).
 */
#include "idr_protocols.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Longest pseudo-time of a relaxation to steady state [s]. */
#define IDR_RELAX_T_MAX 1e14

void idr_cf_result_free(idr_cf_result *r) {
  free(r->f_Hz);
  free(r->C);
  free(r->G);
  memset(r, 0, sizeof *r);
}

void idr_cv_result_free(idr_cv_result *r) {
  free(r->V);
  free(r->C);
  free(r->G);
  free(r->J);
  memset(r, 0, sizeof *r);
}

idr_status idr_steady_state(const idr_device *dev, const idr_sim_opts *opts, const double *y0,
                            const idr_bias *b, double *y, idr_error *err) {
  idr_sim *sim = NULL;
  idr_status st = idr_sim_create(dev, opts, &sim, err);
  if (st) return st;
  st = idr_sim_start(sim, 0.0, y0, b, err);
  if (!st) st = idr_sim_relax(sim, IDR_RELAX_T_MAX, err);
  if (!st) memcpy(y, idr_sim_y(sim), (size_t)dev->n_unknowns * sizeof *y);
  if (st) idr_error_context(err, "the steady state at V = %g V, light = %g suns", b->V, b->light);
  idr_sim_free(&sim);
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
    double f = f_min_Hz * pow(10.0, (double)k / points_per_decade);
    idr_admittance_point p;
    st = idr_admittance_eval(adm, 2.0 * IDR_PI * f, &p, err);
    if (st) goto out_free;
    res->f_Hz[k] = f;
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

idr_status idr_run_cv(idr_device *dev, const idr_sim_opts *opts, const double *y_eq, double V_start,
                      double V_stop, double V_step, double f_Hz, int ions_frozen,
                      idr_progress_fn progress, void *progress_user, idr_cv_result *res,
                      idr_error *err) {
  memset(res, 0, sizeof *res);
  if (!(V_step > 0) || !(f_Hz > 0))
    return idr_error_set(err, IDR_ERR_INPUT, "C-V: need V_step > 0 and f > 0");
  int n = (int)floor(fabs(V_stop - V_start) / V_step + 1e-9) + 1;
  double dir = V_stop >= V_start ? 1.0 : -1.0;
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
    double V = V_start + dir * j * V_step;
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

/*
 * Transient ion drift (TID) scan. At each temperature T:
 *   1. the device at T, its thermal equilibrium (dark, 0 V) and, when the
 *      rest bias or the light differ from it, the steady state there;
 *   2. the capacitance before the pulse, C_eq, at f;
 *   3. the fill pulse (fill_V_V for fill_duration_s), then back to rest_V_V;
 *   4. C(t) at f on log-spaced times t_first..t_last after the pulse, by the
 *      small-signal routine about the transient state.
 * None of the physics behind the signal is coded here: the sign and size of
 * dC and its time constant come out of the drift-diffusion model.
 *
 * Temperatures are independent and run in parallel with OpenMP, one
 * workspace (device, integrator, admittance) per temperature; results do not
 * depend on the number of threads.
 */
#include "idr_protocols.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Longest pseudo-time of the relaxation to a steady state under light or a
 * non-zero rest bias [s]. */
#define IDR_TID_RELAX_T_MAX 1e14
/* rtol of the integrator when the options leave it 0 (as idr_sim_create). */
#define IDR_TID_RTOL_DEFAULT 1e-6

static double wall_now(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void idr_tid_result_free(idr_tid_result *r) {
  if (r->curves) {
    for (int j = 0; j < r->n_T; j++) {
      free(r->curves[j].t);
      free(r->curves[j].C);
      free(r->curves[j].G);
    }
  }
  free(r->curves);
  free(r->failed);
  memset(r, 0, sizeof *r);
}

int idr_tid_times(const idr_protocol_spec *P, double *t, int cap) {
  int m = P->samples;
  if (m > cap) m = cap;
  double l0 = log10(P->t_first_s), l1 = log10(P->t_last_s);
  for (int k = 0; k < m; k++)
    t[k] = m == 1 ? P->t_first_s : pow(10.0, l0 + (l1 - l0) * k / (m - 1));
  if (m > 1) t[m - 1] = P->t_last_s;
  return m;
}

/* protocol.density_atol = charge: the absolute tolerance of every density
 * is rtol times the smallest charge density that shapes the capacitance
 * (the smallest nonzero |N_D - N_A| of a layer, mobile-ion density or trap
 * density: a trap's charge is at most its density), never tighter than
 * solver.atol_density_cm3. C at f is set by the space charge of
 * dopants and ions; a carrier or ion density below rtol times the smallest of
 * them changes it by less than rtol, while tracking such densities to 1e3
 * cm^-3 (the default solver tolerance) costs BDF steps on their noise. V21
 * compares C(t) and the extraction with the solver tolerance. [cm^-3] */
static double tid_density_atol_cm3(const idr_deck *deck, double rtol) {
  double q = INFINITY;
  for (int l = 0; l < deck->n_layers; l++) {
    double dop = fabs(deck->layers[l].N_D_cm3 - deck->layers[l].N_A_cm3);
    if (dop > 0.0) q = fmin(q, dop);
  }
  for (int k = 0; k < deck->n_ions; k++)
    if (deck->ions[k].density_cm3 > 0.0) q = fmin(q, deck->ions[k].density_cm3);
  for (int j = 0; j < deck->n_traps; j++)
    if (deck->traps[j].density_cm3 > 0.0) q = fmin(q, deck->traps[j].density_cm3);
  double a = deck->solver.atol_density_cm3 > 0 ? deck->solver.atol_density_cm3 : 0.0;
  return isfinite(q) ? fmax(a, rtol * q) : a;
}

/* One temperature; everything allocated here is freed here. */
static idr_status tid_one(const idr_deck *deck, const idr_mesh *mesh, const idr_sim_opts *opts,
                          double T, idr_tid_curve *cv, idr_error *err) {
  const idr_protocol_spec *P = &deck->protocol;
  idr_status st = IDR_OK;
  idr_device *dev = NULL;
  idr_sim *sim = NULL;
  idr_admittance *adm = NULL;
  double *y = NULL;
  const double omega = 2.0 * IDR_PI * P->f_Hz;
  double t0 = wall_now();
  cv->T_K = T;
  st = idr_device_build(deck, mesh, T, &dev, err);
  if (st) goto out_free;
  if (P->density_atol == IDR_TID_ATOL_CHARGE) {
    double a = tid_density_atol_cm3(deck, opts->rtol > 0 ? opts->rtol : IDR_TID_RTOL_DEFAULT);
    if (a > 0.0) idr_device_set_density_atol(dev, a);
  }
  y = malloc((size_t)dev->n_unknowns * sizeof *y);
  if (!y) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "TID: out of memory");
    goto out_free;
  }
  idr_eq_stats es;
  st = idr_equilibrium(dev, y, &es, err);
  if (!st) st = idr_admittance_create(dev, &adm, err);
  if (!st) st = idr_sim_create(dev, opts, &sim, err);
  if (st) goto out_free;
  idr_bias rest = {P->rest_V_V, P->light_suns}, fill = {P->fill_V_V, P->light_suns};
  double t = 0.0;
  if (rest.V != 0.0 || rest.light != 0.0) {
    /* the steady state at the rest bias / under light before the pulse */
    st = idr_sim_start(sim, 0.0, y, &rest, err);
    if (!st) st = idr_sim_relax(sim, IDR_TID_RELAX_T_MAX, err);
    if (st) {
      idr_error_context(err, "the steady state before the fill pulse");
      goto out_free;
    }
    memcpy(y, idr_sim_y(sim), (size_t)dev->n_unknowns * sizeof *y);
  }
  /* the pulse starts at t = 0 whatever pseudo-time the relaxation took, so
   * that picosecond steps after the bias change stay resolvable */
  idr_admittance_point ap;
  st = idr_admittance_set_state(adm, y, &rest, err);
  if (!st) st = idr_admittance_eval(adm, omega, &ap, err);
  if (st) goto out_free;
  cv->C_eq = ap.C;
  /* fill pulse, at protocol.fill_rtol: it has no C sample, only its end
   * state enters the scan (V22) */
  const double rtol_scan = opts->rtol > 0 ? opts->rtol : IDR_TID_RTOL_DEFAULT;
  const double rtol_fill = P->fill_rtol > 0 ? P->fill_rtol : rtol_scan;
  if (rtol_fill != rtol_scan) st = idr_sim_set_rtol(sim, rtol_fill, err);
  if (!st) st = idr_sim_start(sim, t, y, &fill, err);
  if (!st) st = idr_sim_set_stop_time(sim, t + P->fill_duration_s, err);
  if (!st) st = idr_sim_advance(sim, t + P->fill_duration_s, err);
  if (st) {
    idr_error_context(err, "the fill pulse (%g V for %g s)", fill.V, P->fill_duration_s);
    goto out_free;
  }
  for (int k = 0; k < dev->n_ions; k++) {
    double n0 = idr_ion_count(dev, y, k), n1 = idr_ion_count(dev, idr_sim_y(sim), k);
    cv->ion_drift_max[k] = idr_ion_number_drift(n0, n1);
  }
  /* back to rest: C(t) */
  double t_end = t + P->fill_duration_s;
  if (rtol_fill != rtol_scan) st = idr_sim_set_rtol(sim, rtol_scan, err);
  if (!st) st = idr_sim_set_bias(sim, &rest, err);
  if (!st) st = idr_sim_set_stop_time(sim, t_end + P->t_last_s, err);
  if (st) goto out_free;
  for (int j = 0; j < cv->n; j++) {
    st = idr_sim_advance(sim, t_end + cv->t[j], err);
    if (st) {
      idr_error_context(err, "the relaxation at %g V after the pulse", rest.V);
      goto out_free;
    }
    const double *yj = idr_sim_y(sim);
    st = idr_admittance_set_state(adm, yj, &rest, err);
    if (!st) st = idr_admittance_eval(adm, omega, &ap, err);
    if (st) goto out_free;
    cv->C[j] = ap.C;
    cv->G[j] = ap.G;
    for (int k = 0; k < dev->n_ions; k++) {
      double d = idr_ion_number_drift(idr_ion_count(dev, y, k), idr_ion_count(dev, yj, k));
      if (d > cv->ion_drift_max[k]) cv->ion_drift_max[k] = d;
    }
  }
  idr_sim_get_stats(sim, &cv->stats);
out_free:
  cv->wall_s = wall_now() - t0;
  free(y);
  idr_sim_free(&sim);
  idr_admittance_free(&adm);
  idr_device_free(&dev);
  return st;
}

/* Move the failed temperatures out of res->curves into res->failed (deck
 * order kept on both sides). An error only when none succeeded. */
static idr_status keep_successes(idr_tid_result *res, const idr_status *sts, const idr_error *errs,
                                 const idr_protocol_spec *P, idr_error *err) {
  const int nT = res->n_T;
  int nf = 0, first = -1;
  for (int j = 0; j < nT; j++)
    if (sts[j]) {
      nf++;
      if (first < 0) first = j;
    }
  if (nf == 0) return IDR_OK;
  if (nf == nT) {
    idr_status st = idr_error_set(err, sts[first], "%s", errs[first].msg);
    idr_error_context(err, "the TID scan at T = %g K (every one of the %d temperatures failed)",
                      P->temperatures_K[first], nT);
    return st;
  }
  res->failed = calloc((size_t)nf, sizeof *res->failed);
  if (!res->failed) return idr_error_set(err, IDR_ERR_NOMEM, "TID: out of memory");
  int k = 0, f = 0;
  for (int j = 0; j < nT; j++) {
    if (!sts[j]) {
      res->curves[k++] = res->curves[j];
      continue;
    }
    idr_tid_failure *x = &res->failed[f++];
    x->T_K = P->temperatures_K[j];
    x->status = sts[j];
    snprintf(x->msg, sizeof x->msg, "%s", errs[j].msg);
    free(res->curves[j].t);
    free(res->curves[j].C);
    free(res->curves[j].G);
  }
  res->n_T = k;
  res->n_failed = nf;
  return IDR_OK;
}

idr_status idr_run_tid(const idr_deck *deck, const idr_mesh *mesh, const idr_sim_opts *opts,
                       idr_progress_fn progress, void *progress_user, idr_tid_result *res,
                       idr_error *err) {
  memset(res, 0, sizeof *res);
  const idr_protocol_spec *P = &deck->protocol;
  const int nT = P->n_temperatures;
  if (nT < 1) return idr_error_set(err, IDR_ERR_INPUT, "TID: no temperatures");
  if (P->samples < 2) return idr_error_set(err, IDR_ERR_INPUT, "TID: need >= 2 samples");
  res->n_T = nT;
  res->curves = calloc((size_t)nT, sizeof *res->curves);
  idr_error *errs = calloc((size_t)nT, sizeof *errs);
  idr_status *sts = calloc((size_t)nT, sizeof *sts);
  if (!res->curves || !errs || !sts) {
    free(errs);
    free(sts);
    idr_tid_result_free(res);
    return idr_error_set(err, IDR_ERR_NOMEM, "TID: out of memory");
  }
  for (int j = 0; j < nT; j++) {
    idr_tid_curve *cv = &res->curves[j];
    cv->n = P->samples;
    cv->t = calloc((size_t)cv->n, sizeof(double));
    cv->C = calloc((size_t)cv->n, sizeof(double));
    cv->G = calloc((size_t)cv->n, sizeof(double));
    if (!cv->t || !cv->C || !cv->G) {
      free(errs);
      free(sts);
      idr_tid_result_free(res);
      return idr_error_set(err, IDR_ERR_NOMEM, "TID: out of memory");
    }
    idr_tid_times(P, cv->t, cv->n);
    idr_error_clear(&errs[j]);
  }
  int threads = 1;
#ifdef _OPENMP
  threads = P->threads > 0 ? P->threads : omp_get_max_threads();
  if (threads > nT) threads = nT;
#endif
  res->threads = threads;
  int done = 0;
  double t0 = wall_now();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int j = 0; j < nT; j++) {
    sts[j] = tid_one(deck, mesh, opts, P->temperatures_K[j], &res->curves[j], &errs[j]);
    if (progress) {
#pragma omp critical(idr_tid_progress)
      {
        done++;
        progress(progress_user, (double)done / nT, j, P->temperatures_K[j]);
      }
    }
  }
  res->wall_s = wall_now() - t0;
  idr_status st = keep_successes(res, sts, errs, P, err);
  free(errs);
  free(sts);
  if (st) idr_tid_result_free(res);
  return st;
}

/*
 * Accuracy at the default settings: see vaccuracy.h.
 */
#include "vaccuracy.h"

#include "idr_physics.h"
#include "idr_protocols.h"
#include "idr_solver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The reference: rtol and the factor on the mesh nodes. */
#define IDR_V_ACC_REF_RTOL 1e-10
#define IDR_V_ACC_REF_NODES 2

idr_v_acc_tols idr_v_acc_default_tols(void) {
  idr_v_acc_tols t = {0.01, 1e-3, 0.01, 0.02};
  return t;
}

static double now_s(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The deck's reference settings (a shallow copy: nothing to free): the
 * carriers' relaxation after every change integrated (no quasi-steady
 * start), so that the comparison also measures that start's error. */
static idr_deck reference_deck(const idr_deck *deck) {
  idr_deck r = *deck;
  r.solver.rtol = IDR_V_ACC_REF_RTOL;
  r.solver.carriers = IDR_CARRIERS_INTEGRATE;
  r.mesh.nodes = IDR_V_ACC_REF_NODES * (deck->mesh.nodes > 0 ? deck->mesh.nodes : 400);
  return r;
}

/* The deck's waveform from its equilibrium; wall time into *wall. */
static idr_status run_waveform(const idr_deck *deck, idr_waveform_result *r, double *wall,
                               int *nodes, idr_error *err) {
  idr_mesh *m = NULL;
  idr_device *d = NULL;
  double *y = NULL;
  double t0 = now_s();
  memset(r, 0, sizeof *r);
  idr_status st = idr_mesh_build(deck, &m, err);
  if (!st) st = idr_device_build(deck, m, deck->temperature_K, &d, err);
  if (!st) {
    y = malloc((size_t)d->n_unknowns * sizeof *y);
    if (!y) st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  idr_eq_stats es;
  if (!st) st = idr_equilibrium(d, y, &es, err);
  idr_sim_opts so = idr_sim_opts_from_deck(deck);
  if (!st) st = idr_run_waveform(d, idr_waveform_spec_of(deck), &so, y, NULL, NULL, r, err);
  if (!st) *nodes = d->N;
  *wall = now_s() - t0;
  free(y);
  idr_device_free(&d);
  idr_mesh_free(&m);
  return st;
}

/* J of one segment [a, b) (a: the instant of its bias change): the largest
 * |J/J_ref - 1| over the samples where |J_ref| > window x the peak, the
 * issue's criterion as written: also at a sample next to a sign change of
 * J_ref (*crossing counts those), where it is the error of the crossing time
 * divided by a small current. */
static double segment_J_error(const idr_waveform_result *r, const idr_waveform_result *q, int a,
                              int b, double window, int *used, int *crossing, double *t_worst,
                              double *J_worst) {
  double peak = 0.0, worst = 0.0;
  for (int k = a + 1; k < b; k++)
    peak = fmax(peak, fabs(q->J[k]));
  *used = 0;
  *crossing = 0;
  *t_worst = NAN;
  *J_worst = NAN;
  for (int k = a; k < b; k++) {
    if (!(fabs(q->J[k]) > window * peak)) continue;
    for (int j = k - 1; j <= k + 1; j += 2)
      if (j >= a && j < b && q->J[j] * q->J[k] < 0.0) {
        (*crossing)++;
        break;
      }
    double e = fabs(r->J[k] - q->J[k]) / fabs(q->J[k]);
    (*used)++;
    if (!(e <= worst)) { /* a NaN is the worst */
      worst = e;
      *t_worst = r->t[k] - r->t[a];
      *J_worst = fabs(q->J[k]) / peak;
    }
  }
  return worst;
}

void idr_v_accuracy_waveform(idr_vcase *vc, const char *label, const idr_deck *deck,
                             const idr_v_acc_tols *tol) {
  idr_error err;
  idr_error_clear(&err);
  idr_deck ref = reference_deck(deck);
  idr_waveform_result r, q;
  double wall_r = 0.0, wall_q = 0.0;
  int nodes_r = 0, nodes_q = 0;
  char what[200];
  idr_status st = run_waveform(deck, &r, &wall_r, &nodes_r, &err);
  if (!st) st = run_waveform(&ref, &q, &wall_q, &nodes_q, &err);
  if (st) printf("  %s: %s\n", label, err.msg);
  snprintf(what, sizeof what, "%s: defaults and reference run", label);
  if (!idr_vcheck_true(vc, what, st == IDR_OK && r.n_samples == q.n_samples && r.C && q.C)) {
    if (!st) idr_waveform_result_free(&r);
    return;
  }
  printf("  %s: defaults %d nodes rtol %g, %ld steps, %.2f s; reference %d nodes rtol %g, %ld "
         "steps, %.2f s\n",
         label, nodes_r, deck->solver.rtol, r.stats.steps, wall_r, nodes_q, ref.solver.rtol,
         q.stats.steps, wall_q);
  /* segments start where a time repeats (the sample at the bias change) */
  for (int a = 0, seg = 1; a < r.n_samples; seg++) {
    int b = a + 1;
    while (b < r.n_samples && r.t[b] != r.t[b - 1])
      b++;
    int used = 0, crossing = 0;
    double tw = NAN, jw = NAN;
    double e = segment_J_error(&r, &q, a, b, tol->J_window, &used, &crossing, &tw, &jw);
    printf("    segment %d (V = %g V): max |J - J_ref| / |J_ref| = %.3g at t - t0 = %.3g s where "
           "|J_ref| = %.3g of the peak (%d of %d samples above %g of the peak, %d next to a sign "
           "change)\n",
           seg, r.V[a], e, tw, jw, used, b - a, tol->J_window, crossing);
    snprintf(what, sizeof what, "%s: segment %d, J(t) where |J| > %g of its peak", label, seg,
             tol->J_window);
    idr_vcheck_le(vc, what, e, tol->J_rel);
    a = b;
  }
  double ce = 0.0;
  for (int k = 0; k < r.n_samples; k++) {
    double e = fabs(r.C[k] / q.C[k] - 1.0);
    if (!(e <= ce)) ce = e;
  }
  snprintf(what, sizeof what, "%s: C(t) at %g Hz, max |C/C_ref - 1|", label, r.cap_f_Hz);
  idr_vcheck_le(vc, what, ce, tol->C_rel);
  idr_waveform_result_free(&r);
  idr_waveform_result_free(&q);
}

void idr_v_accuracy_tid(idr_vcase *vc, const char *label, const idr_deck *deck,
                        const idr_v_acc_tols *tol) {
  idr_error err;
  idr_error_clear(&err);
  idr_deck ref = reference_deck(deck);
  idr_tid_result r, q;
  char what[200];
  idr_status st = idr_run_tid_deck(deck, &r, &err);
  if (!st) {
    st = idr_run_tid_deck(&ref, &q, &err);
    if (st) idr_tid_result_free(&r);
  }
  if (st) printf("  %s: %s\n", label, err.msg);
  snprintf(what, sizeof what, "%s: defaults and reference scans", label);
  if (!idr_vcheck_true(vc, what, st == IDR_OK && r.n_T == q.n_T)) {
    if (!st) {
      idr_tid_result_free(&r);
      idr_tid_result_free(&q);
    }
    return;
  }
  double ce = 0.0, de = 0.0;
  long steps_r = 0, steps_q = 0;
  for (int j = 0; j < r.n_T; j++) {
    const idr_tid_curve *a = &r.curves[j], *b = &q.curves[j];
    const int n = a->n;
    double cj = fabs(a->C_eq / b->C_eq - 1.0), amp = 0.0, dj = 0.0;
    for (int k = 0; k < n; k++) {
      double e = fabs(a->C[k] / b->C[k] - 1.0);
      if (!(e <= cj)) cj = e;
      amp = fmax(amp, fabs(b->C[k] - b->C[n - 1]));
    }
    for (int k = 0; k < n; k++) {
      double e = fabs((a->C[k] - a->C[n - 1]) - (b->C[k] - b->C[n - 1])) / amp;
      if (!(e <= dj)) dj = e;
    }
    printf("    T = %5.1f K: max |C/C_ref - 1| = %.3g, dC(t) error / amplitude = %.3g (amplitude "
           "%.3g of C)\n",
           a->T_K, cj, dj, amp / b->C[n - 1]);
    if (!(cj <= ce)) ce = cj;
    if (!(dj <= de)) de = dj;
    steps_r += a->stats.steps;
    steps_q += b->stats.steps;
  }
  printf("  %s: %d temperatures, %ld steps (reference %ld), %.2f s (reference %.2f s)\n", label,
         r.n_T, steps_r, steps_q, r.wall_s, q.wall_s);
  snprintf(what, sizeof what, "%s: C_eq and C(t), max |C/C_ref - 1|", label);
  idr_vcheck_le(vc, what, ce, tol->C_rel);
  snprintf(what, sizeof what, "%s: dC(t) = C(t) - C(t_last), max error / amplitude", label);
  idr_vcheck_le(vc, what, de, tol->dC_rel);
  idr_tid_result_free(&r);
  idr_tid_result_free(&q);
}

/*
 * Unit tests of the carriers' quasi-steady start (solver/quasi_steady.c and
 * its use in solver/ida_driver.c, docs/accuracy.md):
 * - the Newton solution is the state the integrated relaxation reaches: the
 *   example device with its ions made immobile (Ea 3 eV: D ~ 1e-56 of the
 *   deck's), after +1 V from equilibrium and back to 0 V from there, against
 *   IDA integrating the relaxation for 1 ms (an independent method: time
 *   stepping instead of a stationary Newton iteration); the ions held exactly;
 * - the example transient started that way reports the same J(t) and C(t)
 *   as with the relaxation integrated;
 * - the start is refused (the run is the integrated one, bit for bit) when
 *   an output falls inside the relaxation, and not tried with trap levels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "idr_config.h"
#include "idr_physics.h"
#include "idr_protocols.h"
#include "idr_solver.h"
#include "quasi_steady.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The quasi-steady state against 1 ms of integrated relaxation: every
 * potential and carrier unknown within this many of the integrator's error
 * weights (rtol 1e-8 here; the Newton test stops below 0.01 in the WRMS
 * norm, IDA's steady state is within its own tolerance). */
#define QSS_STATE_TOL_W 1.0
/* The example transient: J(t) within this fraction of |J| at every sample
 * (measured 3.1e-4, at the first sample after the +1 V step, 5 us after
 * it), C(t) within this fraction (measured 2.3e-6). */
#define QSS_J_REL_TOL 1e-3
#define QSS_C_REL_TOL 1e-5

typedef struct dev_fixture {
  idr_deck deck;
  idr_mesh *m;
  idr_device *d;
  double *y;
} dev_fixture;

static void fixture_load(dev_fixture *f, const char *const *sets, int n_sets) {
  idr_error err;
  idr_error_clear(&err);
  memset(f, 0, sizeof *f);
  char path[512];
  snprintf(path, sizeof path, "%s/examples/fapbi3_pin.yaml", IDR_SOURCE_DIR);
  idr_status st = idr_deck_load(path, sets, n_sets, IDR_MATERIALS_DIR, &f->deck, &err);
  if (!st) st = idr_mesh_build(&f->deck, &f->m, &err);
  if (!st) st = idr_device_build(&f->deck, f->m, f->deck.temperature_K, &f->d, &err);
  if (!st) {
    f->y = malloc((size_t)f->d->n_unknowns * sizeof *f->y);
    assert_non_null(f->y);
    idr_eq_stats es;
    st = idr_equilibrium(f->d, f->y, &es, &err);
  }
  if (st) printf("  %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
}

static void fixture_free(dev_fixture *f) {
  free(f->y);
  idr_device_free(&f->d);
  idr_mesh_free(&f->m);
  idr_deck_free(&f->deck);
}

/* From y0 (a state at 0 V or +1 V), change to bias V: the quasi-steady state
 * from the instantaneous state after the change, against IDA integrating the
 * relaxation for 1 ms with the ions immobile. y_out: the integrated state. */
static void compare_with_relaxation(const dev_fixture *f, const double *y0, double V,
                                    double *y_out) {
  const idr_device *d = f->d;
  const int n = d->n_unknowns;
  idr_error err;
  idr_error_clear(&err);
  idr_sim_opts so = idr_sim_opts_from_deck(&f->deck);
  so.rtol = 1e-8;
  so.carriers = IDR_CARRIERS_INTEGRATE;
  idr_sim *sim = NULL;
  assert_int_equal(idr_sim_create(d, &so, &sim, &err), IDR_OK);
  idr_bias b = {V, 0.0};
  assert_int_equal(idr_sim_start(sim, 0.0, y0, &b, &err), IDR_OK);
  double *yq = malloc((size_t)n * sizeof *yq), *w = malloc((size_t)n * sizeof *w);
  double *work = malloc(2 * (size_t)n * sizeof *work);
  assert_non_null(yq);
  assert_non_null(w);
  assert_non_null(work);
  memcpy(yq, idr_sim_y(sim), (size_t)n * sizeof *yq); /* the instantaneous state */
  for (int u = 0; u < n; u++)
    w[u] = 1.0 / (so.rtol * fabs(yq[u]) + d->atol[u]);
  idr_qss *q = idr_qss_alloc(d);
  assert_non_null(q);
  int iters = 0;
  double tau = 0.0;
  assert_int_equal(idr_qss_solve(q, &b, w, 0.01, yq, work, &iters, &tau), 0);
  idr_status st = idr_sim_advance(sim, 1e-3, &err);
  if (st) printf("  %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
  const double *yi = idr_sim_y(sim);
  double worst = 0.0, ion = 0.0;
  int wu = -1;
  for (int i = 0; i < d->N; i++) {
    const int us[3] = {d->iphi[i], d->in[i], d->ip[i]};
    for (int k = 0; k < 3; k++) {
      const double e = fabs(yq[us[k]] - yi[us[k]]) * w[us[k]];
      if (!(e <= worst)) {
        worst = e;
        wu = us[k];
      }
    }
    for (int k = 0; k < d->n_ions; k++) {
      const int u = d->iion[(size_t)i * d->n_ions + k];
      if (u >= 0) ion = fmax(ion, fabs(yq[u] - y0[u]));
    }
  }
  printf("  V = %g V: %d Newton iterations, slowest carrier time %.3g s; largest difference "
         "from 1 ms of integrated relaxation %.3g error weights (node %d)\n",
         V, iters, tau, worst, wu >= 0 ? d->node_of[wu] : -1);
  assert_true(iters > 0 && iters <= 30);
  assert_true(tau > 0.0 && tau < 1e-3);
  assert_true(worst <= QSS_STATE_TOL_W);
  assert_true(ion == 0.0); /* held, not moved */
  memcpy(y_out, yi, (size_t)n * sizeof *y_out);
  idr_qss_free(&q);
  free(yq);
  free(w);
  free(work);
  idr_sim_free(&sim);
}

static void test_state_is_the_relaxed_one(void **state) {
  (void)state;
  static const char *const sets[] = {"ions[0].Ea_eV=3"};
  dev_fixture f;
  fixture_load(&f, sets, 1);
  double *y1 = malloc((size_t)f.d->n_unknowns * sizeof *y1);
  double *y2 = malloc((size_t)f.d->n_unknowns * sizeof *y2);
  assert_non_null(y1);
  assert_non_null(y2);
  compare_with_relaxation(&f, f.y, 1.0, y1); /* injection under +1 V */
  compare_with_relaxation(&f, y1, 0.0, y2);  /* back to 0 V: the depletion region re-forms */
  free(y1);
  free(y2);
  fixture_free(&f);
}

static void run(const dev_fixture *f, idr_carrier_relaxation c, idr_waveform_result *r) {
  idr_error err;
  idr_error_clear(&err);
  idr_sim_opts so = idr_sim_opts_from_deck(&f->deck);
  so.carriers = c;
  idr_status st =
      idr_run_waveform(f->d, idr_waveform_spec_of(&f->deck), &so, f->y, NULL, NULL, r, &err);
  if (st) printf("  %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
}

static void test_example_transient(void **state) {
  (void)state;
  static const char *const sets[] = {"protocol.capacitance_f_Hz=1e4"};
  dev_fixture f;
  fixture_load(&f, sets, 1);
  idr_waveform_result q, r;
  run(&f, IDR_CARRIERS_QUASI_STEADY, &q);
  run(&f, IDR_CARRIERS_INTEGRATE, &r);
  assert_int_equal(q.n_samples, r.n_samples);
  double ej = 0.0, ec = 0.0;
  for (int k = 0; k < q.n_samples; k++) {
    const double e = fabs(q.J[k] - r.J[k]) / fabs(r.J[k]);
    if (!(e <= ej)) ej = e;
    const double c = fabs(q.C[k] / r.C[k] - 1.0);
    if (!(c <= ec)) ec = c;
  }
  printf("  example transient: %ld quasi-steady starts, %ld steps (integrated: %ld); max "
         "|J/J_int - 1| %.3g, max |C/C_int - 1| %.3g\n",
         q.stats.qss_starts, q.stats.steps, r.stats.steps, ej, ec);
  assert_int_equal(q.stats.qss_starts, 2);
  assert_int_equal(r.stats.qss_starts, 0);
  assert_true(ej <= QSS_J_REL_TOL);
  assert_true(ec <= QSS_C_REL_TOL);
  /* the samples at the changes are the instantaneous states, untouched */
  assert_true(q.J[0] == r.J[0]);
  idr_waveform_result_free(&q);
  idr_waveform_result_free(&r);
  fixture_free(&f);
}

/* Not tried when the first output is sooner than 2 us after the change (a
 * 1 ms segment: its first log sample is 1 ns after the change) or with trap
 * levels, and refused at 200 K, where the first samples (5 and 10 us after
 * the changes) fall within 20 of the carriers' slowest relaxation times
 * (0.29 and 0.87 us): the run is then the integrated one, bit for bit. */
static void test_refused(void **state) {
  (void)state;
  static const char *const early[] = {"protocol.segments[0].duration_s=1e-3",
                                      "protocol.segments[1].duration_s=1e-3",
                                      "protocol.profile_times_s=[0]"};
  static const char *const trap[] = {
      "traps=[{name: deep, layer: perovskite, type: acceptor, E_from_Ec_eV: 0.8, density_cm3: "
      "1e15, c_n_cm3_s: 1e-6, c_p_cm3_s: 1e-6}]"};
  static const char *const cold[] = {"temperature_K=200"};
  static const char *const *const sets[] = {early, trap, cold};
  static const int n_sets[] = {3, 1, 1};
  static const char *const label[] = {"early samples", "trap level", "200 K"};
  for (int c = 0; c < 3; c++) {
    dev_fixture f;
    fixture_load(&f, sets[c], n_sets[c]);
    idr_waveform_result q, r;
    run(&f, IDR_CARRIERS_QUASI_STEADY, &q);
    run(&f, IDR_CARRIERS_INTEGRATE, &r);
    printf("  %s: first sample %.3g s after the change, %ld quasi-steady starts (%ld Newton "
           "iterations tried)\n",
           label[c], q.t[1] - q.t[0], q.stats.qss_starts, q.stats.qss_iters);
    assert_int_equal(q.stats.qss_starts, 0);
    if (c == 2) assert_true(q.stats.qss_iters > 0); /* tried and refused */
    assert_int_equal(q.n_samples, r.n_samples);
    assert_int_equal(q.stats.steps, r.stats.steps);
    for (int k = 0; k < q.n_samples; k++)
      assert_true(q.J[k] == r.J[k]);
    idr_waveform_result_free(&q);
    idr_waveform_result_free(&r);
    fixture_free(&f);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_state_is_the_relaxed_one),
      cmocka_unit_test(test_example_transient),
      cmocka_unit_test(test_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

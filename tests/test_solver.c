/*
 * Unit tests of the IDA driver of solver/: a start or bias change late in a
 * run (IDA integrates in the time since the last start, so picosecond steps
 * stay resolvable at any t0), the statistics summed over restarts, the
 * two linear solvers (block-tridiagonal, KLU) giving the same transient and
 * the same TID capacitances, restarts from densities a round-off below zero
 * (a bias change after a reverse pulse), and a TID scan that keeps the
 * temperatures that run when one fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "example_fixture.h"
#include "idr_config.h"
#include "idr_physics.h"
#include "idr_protocols.h"
#include "idr_solver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The example transient (+1 V 5 s, 0 V 10 s) and the TID scan at two
 * temperatures with either linear solver: the Newton systems are solved to
 * round-off by both, so the trajectories agree far inside the integration
 * tolerance (rtol 1e-6): J(t) within 1e-9 of max |J|, C(t) within 1e-8 (measured
 * 8e-13 and 4e-10: the same steps). */
#define SOLVERS_J_TOL 1e-9
#define SOLVERS_C_TOL 1e-8

static void test_block_vs_klu(void **state) {
  (void)state;
  idr_error err;
  idr_error_clear(&err);
  idr_example_fixture fx;
  idr_example_fixture_setup(&fx);
  idr_deck deck = fx.deck; /* shallow views; the fixture owns them */
  idr_mesh *m = fx.m;
  idr_device *d = fx.d;
  double *y = fx.y;
  idr_waveform_result w[2];
  for (int k = 0; k < 2; k++) {
    idr_sim_opts so = idr_sim_opts_from_deck(&deck);
    so.linear = k ? IDR_LINEAR_KLU : IDR_LINEAR_BLOCK;
    idr_status st =
        idr_run_waveform(d, idr_waveform_spec_of(&deck), &so, y, NULL, NULL, &w[k], &err);
    if (st) printf("  %s\n", err.msg);
    assert_int_equal(st, IDR_OK);
  }
  assert_int_equal(w[0].n_samples, w[1].n_samples);
  double jmax = 0.0, dj = 0.0;
  for (int i = 0; i < w[0].n_samples; i++) {
    jmax = idr_max_abs(jmax, w[1].J[i]);
    dj = idr_max_abs(dj, w[0].J[i] - w[1].J[i]);
  }
  printf("  transient: max |J_block - J_klu| / max |J| = %.3g (tolerance %g)\n", dj / jmax,
         SOLVERS_J_TOL);
  assert_true(dj <= SOLVERS_J_TOL * jmax);
  for (int k = 0; k < 2; k++)
    idr_waveform_result_free(&w[k]);

  idr_deck tid = deck;
  assert_int_equal(idr_protocol_select(&tid, "tid", &err), IDR_OK);
  idr_tid_spec *P = idr_tid_spec_edit(&tid); /* the defaults: +1 V for 5 s, 10 kHz, 1e-6..10 s */
  P->n_temperatures = 2;
  P->temperatures_K[0] = 300.0;
  P->temperatures_K[1] = 220.0;
  P->samples = 31;
  P->threads = 1;
  idr_tid_result r[2];
  for (int k = 0; k < 2; k++) {
    idr_sim_opts so = idr_sim_opts_from_deck(&deck);
    so.linear = k ? IDR_LINEAR_KLU : IDR_LINEAR_BLOCK;
    idr_status st = idr_run_tid(&tid, m, &so, 0, NULL, NULL, &r[k], &err);
    if (st) printf("  %s\n", err.msg);
    assert_int_equal(st, IDR_OK);
    assert_int_equal(r[k].n_failed, 0);
  }
  double dc = 0.0;
  for (int j = 0; j < 2; j++)
    for (int i = 0; i < r[0].curves[j].n; i++)
      dc = idr_max_abs(dc, r[0].curves[j].C[i] / r[1].curves[j].C[i] - 1.0);
  printf("  TID: max |C_block / C_klu - 1| = %.3g (tolerance %g)\n", dc, SOLVERS_C_TOL);
  assert_true(dc <= SOLVERS_C_TOL);
  for (int k = 0; k < 2; k++)
    idr_tid_result_free(&r[k]);
  idr_example_fixture_teardown(&fx);
}

static void test_late_bias_change(void **state) {
  (void)state;
  idr_error err;
  idr_error_clear(&err);
  idr_example_fixture fx;
  idr_example_fixture_setup(&fx);
  idr_deck deck = fx.deck; /* shallow views; the fixture owns them */
  idr_device *d = fx.d;
  double *y = fx.y;
  idr_sim_opts so = idr_sim_opts_from_deck(&deck);
  idr_sim *sim = NULL;
  assert_int_equal(idr_sim_create(d, &so, &sim, &err), IDR_OK);
  /* at t0 = 2385 s a double resolves 4.5e-13 s: t0 + 1 ps was too close */
  const double t0 = 2385.0;
  idr_bias b = {0.3, 0.0};
  idr_status st = idr_sim_start(sim, t0, y, &b, &err);
  if (st) printf("  %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
  assert_int_equal(idr_sim_advance(sim, t0 + 1e-6, &err), IDR_OK);
  assert_true(idr_sim_time(sim) == t0 + 1e-6);
  idr_sim_stats s1;
  idr_sim_get_stats(sim, &s1);
  assert_true(s1.steps > 0);
  /* a bias change there too; the counters keep those of the first part */
  b.V = 0.0;
  st = idr_sim_set_bias(sim, &b, &err);
  if (st) printf("  %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
  assert_int_equal(idr_sim_advance(sim, t0 + 2e-6, &err), IDR_OK);
  assert_true(idr_sim_time(sim) == t0 + 2e-6);
  idr_sim_stats s2;
  idr_sim_get_stats(sim, &s2);
  /* the same second part in a fresh integrator from the same state: the
   * counters of the first run must be those of its two parts summed */
  double *y1 = malloc((size_t)d->n_unknowns * sizeof *y1);
  assert_non_null(y1);
  idr_sim *fresh = NULL;
  assert_int_equal(idr_sim_create(d, &so, &fresh, &err), IDR_OK);
  idr_sim *again = NULL;
  assert_int_equal(idr_sim_create(d, &so, &again, &err), IDR_OK);
  b.V = 0.3;
  assert_int_equal(idr_sim_start(again, t0, y, &b, &err), IDR_OK);
  assert_int_equal(idr_sim_advance(again, t0 + 1e-6, &err), IDR_OK);
  memcpy(y1, idr_sim_y(again), (size_t)d->n_unknowns * sizeof *y1);
  b.V = 0.0;
  assert_int_equal(idr_sim_start(fresh, t0 + 1e-6, y1, &b, &err), IDR_OK);
  assert_int_equal(idr_sim_advance(fresh, t0 + 2e-6, &err), IDR_OK);
  idr_sim_stats sf;
  idr_sim_get_stats(fresh, &sf);
  printf("  steps: first part %ld, second part alone %ld, whole run %ld\n", s1.steps, sf.steps,
         s2.steps);
  assert_true(sf.steps > 0);
  assert_int_equal(s2.steps, s1.steps + sf.steps);
  assert_int_equal(s2.res_evals, s1.res_evals + sf.res_evals);
  assert_int_equal(s2.nonlin_iters, s1.nonlin_iters + sf.nonlin_iters);
  idr_sim_free(&fresh);
  idr_sim_free(&again);
  free(y1);
  idr_sim_free(&sim);
  assert_null(sim);
  idr_example_fixture_teardown(&fx);
}

/* A restart from a state whose densities are slightly negative within the
 * absolute tolerance (the round-off IDA's constraint correction and its
 * interpolation leave) starts from those densities set to zero; one below
 * -atol is a clear error naming the node. Before the projection IDACalcIC
 * failed with "y0 fails to satisfy constraints" (flag -22). */
static void test_restart_projects_negative_roundoff(void **state) {
  (void)state;
  idr_error err;
  idr_error_clear(&err);
  idr_example_fixture fx;
  idr_example_fixture_setup(&fx);
  idr_deck deck = fx.deck;
  idr_device *d = fx.d;
  const int n = d->n_unknowns, i = d->N / 2;
  double *y = malloc((size_t)n * sizeof *y);
  assert_non_null(y);
  memcpy(y, fx.y, (size_t)n * sizeof *y);
  const int un = d->in[i], up = d->ip[i + 1];
  y[un] = -1e-25 * d->atol[un]; /* as measured: -8e-40 in scaled units */
  y[up] = -0.5 * d->atol[up];
  idr_sim_opts so = idr_sim_opts_from_deck(&deck);
  idr_sim *sim = NULL;
  assert_int_equal(idr_sim_create(d, &so, &sim, &err), IDR_OK);
  idr_bias b = {0.0, 0.0};
  idr_status st = idr_sim_start(sim, 5.0, y, &b, &err);
  if (st) printf("  %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
  assert_true(idr_sim_y(sim)[un] == 0.0 && idr_sim_y(sim)[up] == 0.0);
  assert_int_equal(idr_sim_advance(sim, 5.0 + 1e-3, &err), IDR_OK);
  /* beyond the tolerance: an error that names the node */
  y[up] = -10.0 * d->atol[up];
  st = idr_sim_start(sim, 5.0, y, &b, &err);
  printf("  %s\n", err.msg);
  assert_int_equal(st, IDR_ERR_SOLVER);
  assert_non_null(strstr(err.msg, "negative density at node"));
  idr_sim_free(&sim);
  free(y);
  idr_example_fixture_teardown(&fx);
}

/* A point of the stress grid that failed at the switch back to 0 V
 * (IDACalcIC flag -22: 9 hole and electron densities at -8e-40 after a
 * reverse fill pulse with N_ion > N_A) runs through. */
static void test_reverse_pulse_switch(void **state) {
  (void)state;
  idr_error err;
  idr_error_clear(&err);
  const char *sets[] = {"temperature_K=190.795", "ions[0].Ea_eV=0.190203",
                        "ions[0].density_cm3=9.93383e+16", "layers[1].N_A_cm3=4.04177e+16",
                        "protocol.segments[0].V_V=-0.889675"};
  idr_deck deck;
  idr_status st = idr_deck_load(IDR_SOURCE_DIR "/examples/fapbi3_pin.yaml", sets, 5,
                                IDR_MATERIALS_DIR, &deck, &err);
  idr_mesh *m = NULL;
  idr_device *d = NULL;
  double *y = NULL;
  if (!st) st = idr_mesh_build(&deck, &m, &err);
  if (!st) st = idr_device_build(&deck, m, deck.temperature_K, &d, &err);
  if (!st) {
    y = malloc((size_t)d->n_unknowns * sizeof *y);
    assert_non_null(y);
    idr_eq_stats es;
    st = idr_equilibrium(d, y, &es, &err);
  }
  idr_waveform_result wr;
  memset(&wr, 0, sizeof wr);
  idr_sim_opts so = idr_sim_opts_from_deck(&deck);
  if (!st) st = idr_run_waveform(d, idr_waveform_spec_of(&deck), &so, y, NULL, NULL, &wr, &err);
  if (st) printf("  %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
  for (int k = 0; k < wr.n_samples; k++)
    assert_true(isfinite(wr.J[k]));
  idr_waveform_result_free(&wr);
  free(y);
  idr_device_free(&d);
  idr_mesh_free(&m);
  idr_deck_free(&deck);
}

/* A TID scan keeps the temperatures that run when one fails (1 K: the
 * equilibrium Newton does not converge there), reports the failed one with its
 * message, and the kept curve is the one a scan without it gives. */
static void test_tid_keeps_temperatures(void **state) {
  (void)state;
  idr_error err;
  idr_error_clear(&err);
  idr_example_fixture fx;
  idr_example_fixture_setup(&fx);
  idr_deck tid = fx.deck;
  assert_int_equal(idr_protocol_select(&tid, "tid", &err), IDR_OK);
  idr_tid_spec *P = idr_tid_spec_edit(&tid); /* the defaults: +1 V for 5 s, 10 kHz */
  P->t_last_s = 1.0;
  P->samples = 11;
  P->threads = 1;
  idr_sim_opts so = idr_sim_opts_from_deck(&tid);
  idr_tid_result r[2];
  const double T_pair[2] = {1.0, 300.0};
  for (int k = 0; k < 2; k++) {
    P->n_temperatures = 2 - k; /* {1, 300}, then {300} */
    memcpy(P->temperatures_K, T_pair + k, (size_t)(2 - k) * sizeof(double));
    idr_status st = idr_run_tid(&tid, fx.m, &so, 0, NULL, NULL, &r[k], &err);
    if (st) printf("  %s\n", err.msg);
    assert_int_equal(st, IDR_OK);
  }
  assert_int_equal(r[0].n_T, 1);
  assert_int_equal(r[0].n_failed, 1);
  assert_true(r[0].failed[0].T_K == 1.0 && r[0].failed[0].status != IDR_OK);
  printf("  T = 1 K: %s\n", r[0].failed[0].msg);
  assert_true(strlen(r[0].failed[0].msg) > 0);
  assert_true(r[0].curves[0].T_K == 300.0);
  assert_int_equal(r[1].n_failed, 0);
  for (int i = 0; i < r[0].curves[0].n; i++)
    assert_true(r[0].curves[0].C[i] == r[1].curves[0].C[i]);
  /* every temperature failing is an error */
  P->n_temperatures = 1;
  P->temperatures_K[0] = 1.0;
  idr_tid_result rf;
  assert_int_not_equal(idr_run_tid(&tid, fx.m, &so, 0, NULL, NULL, &rf, &err), IDR_OK);
  assert_non_null(strstr(err.msg, "T = 1 K"));
  for (int k = 0; k < 2; k++)
    idr_tid_result_free(&r[k]);
  idr_example_fixture_teardown(&fx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_late_bias_change),
      cmocka_unit_test(test_block_vs_klu),
      cmocka_unit_test(test_restart_projects_negative_roundoff),
      cmocka_unit_test(test_reverse_pulse_switch),
      cmocka_unit_test(test_tid_keeps_temperatures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

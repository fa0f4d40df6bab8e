/*
 * Unit tests of the IDA driver of solver/: a start or bias change late in a
 * run (IDA integrates in the time since the last start, so picosecond steps
 * stay resolvable at any t0), and the statistics summed over restarts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "idr_config.h"
#include "idr_physics.h"
#include "idr_solver.h"

#include <stdio.h>
#include <stdlib.h>

static void test_late_bias_change(void **state) {
  (void)state;
  idr_error err;
  idr_error_clear(&err);
  idr_deck deck;
  assert_int_equal(idr_deck_load(IDR_SOURCE_DIR "/examples/fapbi3_pin.yaml", NULL, 0,
                                 IDR_MATERIALS_DIR, &deck, &err),
                   IDR_OK);
  idr_mesh *m = NULL;
  idr_device *d = NULL;
  assert_int_equal(idr_mesh_build(&deck, &m, &err), IDR_OK);
  assert_int_equal(idr_device_build(&deck, m, 300.0, &d, &err), IDR_OK);
  double *y = malloc((size_t)d->n_unknowns * sizeof *y);
  assert_non_null(y);
  idr_eq_stats es;
  assert_int_equal(idr_equilibrium(d, y, &es, &err), IDR_OK);
  idr_sim_opts so = {deck.solver.rtol, deck.solver.max_steps, 0.0};
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
  assert_true(s2.steps > s1.steps);
  assert_true(s2.res_evals > s1.res_evals);
  idr_sim_free(&sim);
  assert_null(sim);
  free(y);
  idr_device_free(&d);
  idr_mesh_free(&m);
  idr_deck_free(&deck);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_late_bias_change),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

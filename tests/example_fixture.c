/* The example device at equilibrium for the unit tests (example_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "example_fixture.h"
#include "idr_solver.h"

#include <stdlib.h>

void idr_example_fixture_setup(idr_example_fixture *fx) {
  idr_error err;
  idr_error_clear(&err);
  fx->m = NULL;
  fx->d = NULL;
  fx->y = NULL;
  assert_int_equal(idr_deck_load(IDR_SOURCE_DIR "/examples/fapbi3_pin.yaml", NULL, 0,
                                 IDR_MATERIALS_DIR, &fx->deck, &err),
                   IDR_OK);
  assert_int_equal(idr_mesh_build(&fx->deck, &fx->m, &err), IDR_OK);
  assert_int_equal(idr_device_build(&fx->deck, fx->m, 300.0, &fx->d, &err), IDR_OK);
  fx->y = malloc((size_t)fx->d->n_unknowns * sizeof *fx->y);
  assert_non_null(fx->y);
  idr_eq_stats es;
  assert_int_equal(idr_equilibrium(fx->d, fx->y, &es, &err), IDR_OK);
}

void idr_example_fixture_teardown(idr_example_fixture *fx) {
  free(fx->y);
  fx->y = NULL;
  idr_device_free(&fx->d);
  idr_mesh_free(&fx->m);
  idr_deck_free(&fx->deck);
}

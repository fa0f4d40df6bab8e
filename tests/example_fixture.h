/*
 * Test fixture shared by the unit tests: the example deck's device
 * (examples/fapbi3_pin.yaml) at 300 K and its thermal equilibrium.
 */
#ifndef IDR_EXAMPLE_FIXTURE_H
#define IDR_EXAMPLE_FIXTURE_H

#include "idr_config.h"
#include "idr_physics.h"

typedef struct idr_example_fixture {
  idr_deck deck;
  idr_mesh *m;
  idr_device *d;
  double *y; /* the equilibrium state, d->n_unknowns values */
} idr_example_fixture;

/* Load, build and equilibrate; fails the running cmocka test on error. */
void idr_example_fixture_setup(idr_example_fixture *fx);
void idr_example_fixture_teardown(idr_example_fixture *fx);

#endif

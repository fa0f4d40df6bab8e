/*
 * iondrift studies, private: the TAS panel of the reproduction
 * (reproduce_tas.c) called from the driver (reproduce.c).
 */
#ifndef IDR_REPRODUCE_INTERNAL_H
#define IDR_REPRODUCE_INTERNAL_H

#include "iondrift.h"

/* One sample's TAS: bands II (0) and III (1). */
typedef struct idr_repro_tas_row {
  double E_true[2], N_true[2]; /* the deck's levels: above Ev [eV], density [cm^-3] */
  double E[2], N[2], N_err[2]; /* the fitted bands nearest to them (NAN: none) [eV], [cm^-3] */
} idr_repro_tas_row;

/* Run the sample's TAS study s into *out and read its bands into row. */
idr_status idr_repro_tas_run(const idr_study *s, int threads, idr_result **out,
                             idr_repro_tas_row *row, idr_error *err);

/* The TAS base deck is fit for the reproduction: protocol tas, a
 * composition absorber at layers[absorber] (the TID deck's). */
idr_status idr_repro_tas_check_base(const idr_study *s, int absorber, idr_error *err);

#endif /* IDR_REPRODUCE_INTERNAL_H */

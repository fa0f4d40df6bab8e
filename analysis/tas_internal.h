/*
 * iondrift analysis, private to the TAS analysis (tas.c, tas_dos.c).
 */
#ifndef IDR_TAS_INTERNAL_H
#define IDR_TAS_INTERNAL_H

#include "idr_analysis.h"

#include <stddef.h>

/* A maximum of -dC/dln w on one curve. */
typedef struct tas_peak {
  double u0; /* ln w0 [ln(rad/s)] */
  double y0; /* -dC/dln w there [F/m^2] */
  size_t i;  /* the point nearest to it */
} tas_peak;

/* Maxima followed across temperatures (a level once it has enough). */
typedef struct tas_track {
  size_t n;
  double T[IDR_TAS_MAX_T];     /* [K] */
  double u0[IDR_TAS_MAX_T];    /* ln w0 */
  size_t curve[IDR_TAS_MAX_T]; /* index of the curve */
} tas_track;

void tas_track_add(tas_track *t, double T, size_t curve, const tas_peak *p);

/* ln w0 of level L at temperature T: observed there, else its law. */
double tas_level_u0(const idr_tas_level *L, double T);

/* Walter's tDOS, the step heights and level densities, the Gaussian bands
 * (tas_dos.c), on an extraction whose points are attributed to levels;
 * u[n] = ln w of every point. */
idr_status tas_dos(idr_tas_extraction *x, const double *u, const idr_tas_options *o,
                   idr_error *err);

#endif /* IDR_TAS_INTERNAL_H */

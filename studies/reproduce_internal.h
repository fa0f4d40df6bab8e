/*
 * iondrift studies, private: the TAS panel (reproduce_tas.c) and the
 * illuminated panel (reproduce_light.c) of the reproduction, called from
 * the driver (reproduce.c).
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

/* ---- shared with the driver (reproduce.c) ---- */

/* The absorber (the first layer of ions[0]) of a base deck fit for the
 * reproduction: protocol tid, ions[0] an anion, a composition absorber. */
idr_status idr_repro_check_base(const idr_study *s, int *absorber, idr_error *err);
/* Sample s's composition family and Br fraction. */
const char *idr_repro_sample_family(int s);
double idr_repro_sample_x(int s);
/* A copy of base with layers[absorber].composition = {family, x}. */
idr_status idr_repro_with_composition(const idr_study *base, int absorber, const char *family,
                                      double x, idr_study **out, idr_error *err);
/* A progress line through o->on_progress (none when it is NULL). */
void idr_repro_progress(const idr_reproduce_options *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- the illuminated panel (reproduce_light.c) ---- */

/* The photo-aged 25 % Br sample (dark scan): its name and family. */
#define IDR_REPRO_AGED_NAME "x0.25-aged"
#define IDR_REPRO_AGED_FAMILY "FAPbI3-Br-aged"
#define IDR_REPRO_AGED_X 0.25

typedef struct idr_repro_light {
  idr_study *base;                           /* the light deck */
  idr_study *studies[IDR_XIANG2026_SAMPLES]; /* per FAPbI3-Br sample (NULL: none) */
  idr_study *aged;                           /* the dark deck, aged composition */
} idr_repro_light;

/* Every illuminated study and the aged one, checked before anything runs:
 * the light deck (o->light_deck, else examples/xiang2026_light.yaml) per
 * selected FAPbI3-Br sample (idx[0..n)), the aged sample from the dark
 * base deck. */
idr_status idr_repro_light_load(const idr_reproduce_options *o, const idr_study *dark, int absorber,
                                const int *idx, int n, idr_repro_light *L, idr_error *err);
/* Run them into res: samples/NAME/tid_light, samples/x0.25-aged/tid and
 * summary_light/ (one row per detected component). */
idr_status idr_repro_light_run(const idr_reproduce_options *o, const idr_repro_light *L,
                               idr_result *res, idr_error *err);
void idr_repro_light_free(idr_repro_light *L);

#endif /* IDR_REPRODUCE_INTERNAL_H */

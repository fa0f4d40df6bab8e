/*
 * Fit validation helpers (F1-F5): synthetic TID data simulated by iondrift
 * at known parameters, Gaussian noise, a lab export, a spec fitted, all on
 * the public API.
 */
#ifndef IDR_FIT_SYNTH_H
#define IDR_FIT_SYNTH_H

#include "iondrift.h"

#include <stddef.h>

#define SYNTH_MAX_T 16
#define SYNTH_MAX_TIMES 64

typedef struct synth {
  size_t nT, nt;
  double T[SYNTH_MAX_T], t[SYNTH_MAX_TIMES];
  double *C0;     /* [nT][nt] the device's C [F] without noise */
  double *C;      /* [nT][nt] with noise */
  double sigma_F; /* the noise: noise_fraction of the largest |C(t_last) - C(t_first)| */
} synth;

/* Simulate deck (with the n_sets "--set" overrides) and scale to a device of
 * area_cm2; 1 on success. */
int synth_simulate(synth *d, const char *deck, const char *const *sets, int n_sets, double area_cm2,
                   double noise_fraction);
/* Draw the noise (GSL MT19937 with this seed) into d->C. */
void synth_noise(synth *d, unsigned long seed);
void synth_free(synth *d);
/* Temperatures [j0, j1) as a lab export; 1 on success. */
int synth_write_csv(const synth *d, size_t j0, size_t j1, const char *path);
/* Write the spec text to path, load it and run it on `threads` threads
 * (profiles unless no_profiles); NULL (message printed) on failure. */
idr_fit *synth_fit(const char *path, const char *text, int threads, int no_profiles);

#endif

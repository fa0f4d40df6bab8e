/*
 * Fit validation helpers (fit_synth.h): the synthetic data of the fit cases.
 */
#define _POSIX_C_SOURCE 200809L
#include "fit_synth.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define M2_PER_CM2 1e-4

int synth_simulate(synth *d, const char *deck, const char *const *sets, int n_sets, double area_cm2,
                   double noise_fraction) {
  idr_error err;
  idr_error_clear(&err);
  idr_study *s = NULL;
  idr_result *r = NULL;
  idr_dataset T, t, C;
  memset(d, 0, sizeof *d);
  if (idr_study_load(deck, sets, n_sets, &s, &err) || idr_study_run(s, 0, NULL, NULL, &r, &err) ||
      idr_result_dataset(r, "tid/T", &T, &err) || idr_result_dataset(r, "tid/t", &t, &err) ||
      idr_result_dataset(r, "tid/C", &C, &err) || T.dims[0] > SYNTH_MAX_T ||
      t.dims[0] > SYNTH_MAX_TIMES) {
    fprintf(stderr, "fit validation: %s\n", err.msg[0] ? err.msg : "too many points");
    idr_result_free(&r);
    idr_study_free(&s);
    return 0;
  }
  d->nT = T.dims[0];
  d->nt = t.dims[0];
  memcpy(d->T, T.data, d->nT * sizeof(double));
  memcpy(d->t, t.data, d->nt * sizeof(double));
  d->C0 = malloc(d->nT * d->nt * sizeof *d->C0);
  d->C = malloc(d->nT * d->nt * sizeof *d->C);
  double amp = 0.0;
  for (size_t j = 0; j < d->nT; j++) {
    const double *c = (const double *)C.data + j * d->nt;
    amp = fmax(amp, fabs(c[d->nt - 1] - c[0]) * area_cm2 * M2_PER_CM2);
    for (size_t k = 0; k < d->nt; k++)
      d->C0[j * d->nt + k] = d->C[j * d->nt + k] = c[k] * area_cm2 * M2_PER_CM2;
  }
  d->sigma_F = noise_fraction * amp;
  idr_result_free(&r);
  idr_study_free(&s);
  return 1;
}

void synth_noise(synth *d, unsigned long seed) {
  gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(g, seed);
  for (size_t i = 0; i < d->nT * d->nt; i++)
    d->C[i] = d->C0[i] + gsl_ran_gaussian(g, d->sigma_F);
  gsl_rng_free(g);
}

void synth_free(synth *d) {
  free(d->C0);
  free(d->C);
  memset(d, 0, sizeof *d);
}

int synth_write_csv(const synth *d, size_t j0, size_t j1, const char *path) {
  FILE *f = fopen(path, "w");
  if (!f) return 0;
  fprintf(f, "# synthetic: iondrift at known parameters plus Gaussian noise (validation/fit)\n");
  fprintf(f, "temperature_K,time_s,capacitance_F\n");
  for (size_t j = j0; j < j1; j++)
    for (size_t k = 0; k < d->nt; k++)
      fprintf(f, "%.17g,%.17g,%.17g\n", d->T[j], d->t[k], d->C[j * d->nt + k]);
  return fclose(f) == 0;
}

idr_fit *synth_fit(const char *path, const char *text, int threads, int no_profiles) {
  FILE *f = fopen(path, "w");
  if (!f) return NULL;
  fputs(text, f);
  fclose(f);
  idr_error err;
  idr_error_clear(&err);
  idr_fit *fit = NULL;
  idr_fit_run_options o;
  idr_fit_run_options_default(&o);
  o.threads = threads;
  o.no_profiles = no_profiles;
  if (idr_fit_load(path, &fit, &err) || idr_fit_run(fit, &o, &err)) {
    fprintf(stderr, "fit validation: %s\n", err.msg);
    idr_fit_free(&fit);
    return NULL;
  }
  return fit;
}

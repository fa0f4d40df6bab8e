/*
 * Fit validation (docs/validation.md, F1 and F2), on the public API only.
 *
 * Synthetic data: the TID scan of validation/fit/device.yaml (4 temperatures
 * 300..210 K, 13 times) at the deck's ion parameters (the truth), the C of a
 * 0.1 cm^2 device with Gaussian noise of 1 % of the largest transient
 * amplitude |C(t_last) - C(t_first)| (GSL's MT19937, fixed seed), written
 * as a lab export and fitted through a spec (sigma_F = that noise).
 *
 * F1 (recovery): Ea, N_ion and D0 fitted from a start 50 meV and a factor 3
 * off. Law: the least-squares estimate is unbiased to first order and its
 * linearized covariance holds for Gaussian noise, so every parameter lies
 * within 2 standard errors of the truth (fitting scale: eV, log10) and the
 * truth inside every 95 % profile-likelihood interval; chi2/dof lies in the
 * 0.1 %..99.9 % band of the chi-square distribution of its degrees of
 * freedom; all three are identifiable.
 *
 * F2 (identifiability): the same data at one temperature (300 K) determine
 * D(300 K) = D0 exp(-Ea/kT) only: the fit of Ea and D0 must report both as
 * not identifiable (a warning naming them), never a tight error.
 *
 *   fit_recover WORKDIR
 */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"
#include "iondrift.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DECK IDR_SOURCE_DIR "/validation/fit/device.yaml"
#define AREA_CM2 0.1
#define NOISE_FRACTION 0.01 /* of the largest transient amplitude */
#define SEED 2385UL
#define EA_TRUE 0.131
#define N_TRUE 1e16
#define D0_TRUE 1.1e-6

typedef struct synth {
  size_t nT, nt;
  double T[16], t[64];
  double *C; /* [nT][nt] of the device [F], noisy */
  double sigma_F;
} synth;

static int simulate(synth *d) {
  idr_error err;
  idr_error_clear(&err);
  idr_study *s = NULL;
  idr_result *r = NULL;
  idr_dataset T, t, C;
  if (idr_study_load(DECK, NULL, 0, &s, &err) || idr_study_run(s, 0, NULL, NULL, &r, &err) ||
      idr_result_dataset(r, "tid/T", &T, &err) || idr_result_dataset(r, "tid/t", &t, &err) ||
      idr_result_dataset(r, "tid/C", &C, &err)) {
    fprintf(stderr, "fit_recover: %s\n", err.msg);
    idr_study_free(&s);
    return 0;
  }
  d->nT = T.dims[0];
  d->nt = t.dims[0];
  memcpy(d->T, T.data, d->nT * sizeof(double));
  memcpy(d->t, t.data, d->nt * sizeof(double));
  d->C = malloc(d->nT * d->nt * sizeof *d->C);
  double amp = 0.0;
  for (size_t j = 0; j < d->nT; j++) {
    const double *c = (const double *)C.data + j * d->nt;
    amp = fmax(amp, fabs(c[d->nt - 1] - c[0]) * AREA_CM2 * 1e-4);
    for (size_t k = 0; k < d->nt; k++)
      d->C[j * d->nt + k] = c[k] * AREA_CM2 * 1e-4;
  }
  d->sigma_F = NOISE_FRACTION * amp;
  gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(g, SEED);
  for (size_t i = 0; i < d->nT * d->nt; i++)
    d->C[i] += gsl_ran_gaussian(g, d->sigma_F);
  gsl_rng_free(g);
  idr_result_free(&r);
  idr_study_free(&s);
  return 1;
}

/* The data (temperatures [j0, j1)) as a lab export dir/name. */
static int write_csv(const synth *d, size_t j0, size_t j1, const char *path) {
  FILE *f = fopen(path, "w");
  if (!f) return 0;
  fprintf(f, "# synthetic: iondrift at the truth of %s, 1 %% noise (fit_recover.c)\n",
          "validation/fit/device.yaml");
  fprintf(f, "temperature_K,time_s,capacitance_F\n");
  for (size_t j = j0; j < j1; j++)
    for (size_t k = 0; k < d->nt; k++)
      fprintf(f, "%.17g,%.17g,%.17g\n", d->T[j], d->t[k], d->C[j * d->nt + k]);
  return fclose(f) == 0;
}

static idr_fit *fit_spec(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) return NULL;
  fputs(text, f);
  fclose(f);
  idr_error err;
  idr_error_clear(&err);
  idr_fit *fit = NULL;
  idr_fit_run_options o;
  idr_fit_run_options_default(&o);
  o.threads = 2;
  if (idr_fit_load(path, &fit, &err) || idr_fit_run(fit, &o, &err)) {
    fprintf(stderr, "fit_recover: %s\n", err.msg);
    idr_fit_free(&fit);
    return NULL;
  }
  return fit;
}

static void f1_recovery(idr_vcase *vc, const synth *d, const char *dir) {
  char csv[1024], spec[1024], text[4096];
  snprintf(csv, sizeof csv, "%s/f1_tid.csv", dir);
  snprintf(spec, sizeof spec, "%s/f1.yaml", dir);
  if (!idr_vcheck_true(vc, "F1 data written", write_csv(d, 0, d->nT, csv))) return;
  snprintf(text, sizeof text,
           "deck: %s\n"
           "data:\n  - {type: tid, file: f1_tid.csv, sigma_F: %.17g}\n"
           "area_cm2: %g\n"
           "parameters:\n"
           "  - {path: ions.0.Ea_eV, min: 0.05, max: 0.6, start: %g}\n"
           "  - {path: ions.0.density_cm3, min: 1e14, max: 1e17, scale: log, start: %g, "
           "profile: true}\n"
           "  - {path: ions.0.D0_cm2_s, min: 1e-9, max: 1e-3, scale: log, start: %g, "
           "profile: true}\n"
           "starts: 1\n",
           DECK, d->sigma_F, AREA_CM2, EA_TRUE + 0.05, 3 * N_TRUE, D0_TRUE / 3);
  idr_fit *fit = fit_spec(spec, text);
  if (!idr_vcheck_true(vc, "F1 fit ran", fit != NULL)) return;
  const double truth[3] = {EA_TRUE, N_TRUE, D0_TRUE};
  for (size_t k = 0; k < 3; k++) {
    idr_fit_param_result q;
    idr_fit_param(fit, k, &q, NULL);
    const double zt = q.log_scale ? log10(truth[k]) : truth[k];
    const double zv = q.log_scale ? log10(q.value) : q.value;
    char what[256];
    printf("  %-22s truth %-10.5g fit %-10.5g +- %-9.3g (fitting scale %.3g) 95 %% [%.5g, %.5g]\n",
           q.path, truth[k], q.value, q.stderr_, q.stderr_z, q.ci95[0], q.ci95[1]);
    snprintf(what, sizeof what, "F1 |%s - truth| / stderr (fitting scale)", q.path);
    idr_vcheck_le(vc, what, fabs(zv - zt) / q.stderr_z, 2.0);
    snprintf(what, sizeof what, "F1 truth inside the 95 %% profile interval of %s", q.path);
    idr_vcheck_true(vc, what, q.profiled && truth[k] >= q.ci95[0] && truth[k] <= q.ci95[1]);
    snprintf(what, sizeof what, "F1 %s identifiable", q.path);
    idr_vcheck_true(vc, what, q.identifiable);
  }
  const double dof = (double)(idr_fit_n_points(fit) - 3);
  const double c2 = idr_fit_chi2_reduced(fit);
  idr_vcheck_ge(vc, "F1 chi2/dof >= its 0.1 % quantile", c2, gsl_cdf_chisq_Pinv(0.001, dof) / dof);
  idr_vcheck_le(vc, "F1 chi2/dof <= its 99.9 % quantile", c2, gsl_cdf_chisq_Pinv(0.999, dof) / dof);
  printf("  simulations %zu; warnings: %s\n", idr_fit_simulations(fit), idr_fit_warnings(fit));
  idr_fit_free(&fit);
}

static void f2_one_temperature(idr_vcase *vc, const synth *d, const char *dir) {
  char csv[1024], spec[1024], text[4096];
  snprintf(csv, sizeof csv, "%s/f2_tid.csv", dir);
  snprintf(spec, sizeof spec, "%s/f2.yaml", dir);
  if (!idr_vcheck_true(vc, "F2 data written", write_csv(d, 0, 1, csv))) return;
  snprintf(text, sizeof text,
           "deck: %s\n"
           "data:\n  - {type: tid, file: f2_tid.csv, sigma_F: %.17g}\n"
           "area_cm2: %g\n"
           "parameters:\n"
           "  - {path: ions.0.Ea_eV, min: 0.05, max: 0.6, start: %g}\n"
           "  - {path: ions.0.D0_cm2_s, min: 1e-9, max: 1e-1, scale: log, start: %g}\n"
           "starts: 1\n",
           DECK, d->sigma_F, AREA_CM2, EA_TRUE + 0.05, D0_TRUE / 3);
  idr_fit *fit = fit_spec(spec, text);
  if (!idr_vcheck_true(vc, "F2 fit ran", fit != NULL)) return;
  const char *w = idr_fit_warnings(fit);
  printf("  warnings: %s\n", w);
  for (size_t k = 0; k < 2; k++) {
    idr_fit_param_result q;
    idr_fit_param(fit, k, &q, NULL);
    printf("  %-22s fit %-10.5g +- %-9.3g 95 %% [%.5g, %.5g] identifiable %d\n", q.path, q.value,
           q.stderr_, q.ci95[0], q.ci95[1], q.identifiable);
    char what[256];
    snprintf(what, sizeof what, "F2 %s reported not identifiable", q.path);
    idr_vcheck_true(vc, what, !q.identifiable);
    snprintf(what, sizeof what, "F2 the warnings name %s", q.path);
    idr_vcheck_true(vc, what, strstr(w, q.path) != NULL);
    if (k == 0) /* no tight error: the 95 % interval spans at least 100 meV */
      idr_vcheck_ge(vc, "F2 width of the 95 % interval of Ea [eV]", q.ci95[1] - q.ci95[0], 0.1);
  }
  idr_fit_free(&fit);
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  idr_vcase vc;
  idr_vcase_begin(&vc, "F1-F2 fit of synthetic TID data",
                  "truth within 2 standard errors and inside the 95 % profile intervals; one "
                  "temperature: D0 and Ea not identifiable");
  synth d;
  memset(&d, 0, sizeof d);
  if (idr_vcheck_true(&vc, "synthetic data simulated", simulate(&d))) {
    f1_recovery(&vc, &d, dir);
    f2_one_temperature(&vc, &d, dir);
  }
  free(d.C);
  return idr_vcase_end(&vc);
}

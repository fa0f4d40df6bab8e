/*
 * Fit validation F3-F5 (docs/validation.md), on the public API only.
 *
 * F3 (model error): data simulated on a finer mesh (400 nodes) at a tighter
 * tolerance (rtol 1e-8) than the fit uses (100 nodes, rtol 1e-6), without
 * noise, fitted with the sigma of 1 % noise: the bias of every parameter,
 * |estimate - truth|, stays below its standard error (the discretization
 * error is invisible next to the noise the data would carry).
 *
 * F4 (the biased anion of docs/validation_tid.md): examples/xiang2026.yaml
 * at x = 0 (true Ea 0.1646 eV, N_ion 2e15 cm^-3) on 200 nodes, 5
 * temperatures, 15 times, 1 % noise. The textbook extraction reads the
 * barrier >= 20 meV low (V19: 33.7 meV); the fit of Ea, N_ion and D0,
 * started from the textbook's own numbers, recovers the true barrier within
 * 2 standard errors and inside its 95 % profile interval.
 *
 * F5 (coverage): over SEEDS noise seeds (default 20), fitted from the truth
 * (Ea, N_ion, D0 free; profiles of Ea and N_ion), the 68 % profile
 * intervals of Ea and N_ion hold the truth in 9 to 18 cases each (for a true
 * 68.3 % coverage the count is binomial(20, 0.683): P(9 <= k <= 18) =
 * 0.987). The data are simulated by the model the fit uses (no model
 * error), so the suite's case (F5) runs a small problem: 40 nodes, 2
 * temperatures (each evaluation's curves one round of 2 threads), 9 times
 * (~2900 simulations, ~30 s of CPU); F5full is the F1 data
 * themselves (device.yaml: 100 nodes, 4 temperatures, 13 times, the default
 * fd_step; ~3 min of CPU, `make fit-coverage`).
 *
 *   fit_more F3|F4|F5|F5full WORKDIR [SEEDS]
 */
#define _POSIX_C_SOURCE 200809L
#include "fit_synth.h"
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEVICE IDR_SOURCE_DIR "/validation/fit/device.yaml"
#define XIANG IDR_SOURCE_DIR "/examples/xiang2026.yaml"
#define AREA_CM2 0.1
#define NOISE_FRACTION 0.01
#define SEED 2385UL
#define COVERAGE_LO 9
#define COVERAGE_HI 18
/* F5 in the suite: 40 nodes, 2 temperatures, 9 times, forward-difference
 * step 1e-4 of each range (the default 1e-3 gives a Jacobian too rough for
 * the Ea-D0 valley, correlation 0.99 at 3 temperatures: LM then crawls, ~580 instead of ~70
 * simulations per fit, and stops ~0.03 in chi2 above the minimum) */
#define F5_NODES "40"
#define F5_TEMPS "[300, 210]"
#define F5_TIMES "[1e-6, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 0.1, 1]"
#define F5_FD "1e-4"

typedef struct truth {
  double v[3]; /* Ea [eV], N_ion [cm^-3], D0 [cm^2/s] */
} truth;

static const char *spec_params(char *buf, size_t size, const double *start, int profile_all) {
  snprintf(buf, size,
           "parameters:\n"
           "  - {path: ions.0.Ea_eV, min: 0.05, max: 0.6, start: %.17g}\n"
           "  - {path: ions.0.density_cm3, min: 1e12, max: 1e18, scale: log, start: %.17g, "
           "profile: %s}\n"
           "  - {path: ions.0.D0_cm2_s, min: 1e-10, max: 1e-2, scale: log, start: %.17g}\n"
           "starts: 1\n",
           start[0], start[1], profile_all ? "true" : "false", start[2]);
  return buf;
}

/* Fit dir/name.csv (written from d) with the deck and parameters. */
static idr_fit *fit_data(const synth *d, const char *dir, const char *name, const char *deck,
                         const char *set, const char *extra, const double *start, int profile_all) {
  char csv[1024], spec[1024], text[4096], params[1024];
  snprintf(csv, sizeof csv, "%s/%s.csv", dir, name);
  snprintf(spec, sizeof spec, "%s/%s.yaml", dir, name);
  if (!synth_write_csv(d, 0, d->nT, csv)) return NULL;
  snprintf(text, sizeof text,
           "deck: %s\n%s"
           "data:\n  - {type: tid, file: %s.csv, sigma_F: %.17g%s}\n"
           "area_cm2: %g\n%s",
           deck, set, name, d->sigma_F, extra, AREA_CM2,
           spec_params(params, sizeof params, start, profile_all));
  return synth_fit(spec, text, 2, 0);
}

/* value and standard error in the fitting scale of parameter k */
static void fitted(const idr_fit *f, size_t k, idr_fit_param_result *q, double *z, double *se) {
  idr_fit_param(f, k, q, NULL);
  *z = q->log_scale ? log10(q->value) : q->value;
  *se = q->stderr_z;
}

static void f3_model_error(idr_vcase *vc, const char *dir) {
  const char *fine[] = {"mesh.nodes=800", "solver.rtol=1e-8"};
  synth d;
  if (!idr_vcheck_true(vc, "F3 fine data simulated",
                       synth_simulate(&d, DEVICE, fine, 2, AREA_CM2, NOISE_FRACTION)))
    return;
  const truth t = {{0.131, 1e16, 1.1e-6}};
  idr_fit *f = fit_data(&d, dir, "f3", DEVICE, "set:\n  mesh.nodes: 200\n", "", t.v, 0);
  if (idr_vcheck_true(vc, "F3 fit ran", f != NULL)) {
    for (size_t k = 0; k < 3; k++) {
      idr_fit_param_result q;
      double z, se;
      fitted(f, k, &q, &z, &se);
      const double zt = q.log_scale ? log10(t.v[k]) : t.v[k];
      char what[256];
      printf("  %-22s truth %-10.5g fit %-10.5g +- %.3g\n", q.path, t.v[k], q.value, q.stderr_);
      snprintf(what, sizeof what, "F3 |bias| / stderr of %s (fitting scale)", q.path);
      idr_vcheck_le(vc, what, fabs(z - zt) / se, 1.0);
    }
  }
  idr_fit_free(&f);
  synth_free(&d);
}

/* The textbook extraction of d with the absorber (layers[1]) of deck. */
static void textbook(const synth *d, const char *deck, double *Ea, double *N, double *D0) {
  idr_error err;
  idr_error_clear(&err);
  idr_study *s = NULL;
  idr_result *r = NULL;
  idr_extract_options o;
  idr_extract_options_default(&o);
  o.area_cm2 = AREA_CM2;
  o.polarity = "pin";
  size_t off[SYNTH_MAX_T + 1];
  double t[SYNTH_MAX_T * SYNTH_MAX_TIMES];
  for (size_t j = 0; j <= d->nT; j++)
    off[j] = j * d->nt;
  for (size_t i = 0; i < d->nT * d->nt; i++)
    t[i] = d->t[i % d->nt];
  const idr_tid_curves c = {d->nT, d->T, NULL, off, 0, t, d->C, "F"};
  if (idr_study_load(deck, NULL, 0, &s, &err) ||
      idr_study_get_double(s, "layers[1].N_A_cm3", &o.doping_cm3, &err) ||
      idr_study_get_double(s, "layers[1].eps_r", &o.eps_r, &err) ||
      idr_extract_tid_arrays(&c, &o, &r, &err))
    fprintf(stderr, "F4 textbook: %s\n", err.msg);
  const char *g = "extraction/species_0";
  if (r) {
    idr_result_attr_double(r, g, "Ea_eV", Ea, NULL);
    idr_result_attr_double(r, g, "N_ion_cm3", N, NULL);
    idr_result_attr_double(r, g, "D0_cm2_s", D0, NULL);
  }
  idr_result_free(&r);
  idr_study_free(&s);
}

static void f4_biased_anion(idr_vcase *vc, const char *dir) {
  const char *sets[] = {"mesh.nodes=200", "protocol.temperatures_K=[300, 275, 250, 225, 200]",
                        "protocol.times_s=[1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, "
                        "3e-2, 0.1, 0.3, 1, 3, 10]"};
  synth d;
  if (!idr_vcheck_true(vc, "F4 data simulated",
                       synth_simulate(&d, XIANG, sets, 3, AREA_CM2, NOISE_FRACTION)))
    return;
  synth_noise(&d, SEED);
  const truth t = {{0.1646, 2e15, 5e-7}};
  /* the deck of the fit: the same device, mesh and protocol */
  const char *set = "set:\n  mesh.nodes: 200\n";
  /* the textbook extraction of these data (the absorber's N_A and eps_r of
   * the deck): it is the fit's start */
  double Ea_tb = NAN, N_tb = NAN, D0_tb = NAN;
  textbook(&d, XIANG, &Ea_tb, &N_tb, &D0_tb);
  printf("  textbook: Ea %.4f eV, N_ion %.3g cm^-3, D0 %.3g cm^2/s (truth 0.1646, 2e15, 5e-7)\n",
         Ea_tb, N_tb, D0_tb);
  idr_vcheck_ge(vc, "F4 textbook bias of Ea [eV] (true - extracted)", t.v[0] - Ea_tb, 0.020);
  /* the fit from the textbook's numbers, a free offset per temperature (a
   * lab's stray capacitance; without it the start's 30x low N_ion moves the
   * whole C level, and LM first freezes the ions: a local minimum) */
  const double start[3] = {Ea_tb, N_tb, D0_tb};
  idr_fit *f = fit_data(&d, dir, "f4", XIANG, set, ", fit_C_inf: true", start, 0);
  if (idr_vcheck_true(vc, "F4 fit from the textbook start ran", f != NULL)) {
    idr_fit_param_result q;
    double z, se;
    fitted(f, 0, &q, &z, &se);
    printf("  fit: Ea %.4f +- %.4f eV, 95 %% [%.4f, %.4f]; %zu simulations\n", q.value, q.stderr_,
           q.ci95[0], q.ci95[1], idr_fit_simulations(f));
    idr_vcheck_le(vc, "F4 |fitted Ea - truth| / stderr", fabs(z - t.v[0]) / se, 2.0);
    idr_vcheck_le(vc, "F4 stderr of the fitted Ea [eV] (a determination)", q.stderr_, 0.010);
    idr_vcheck_le(vc, "F4 |fitted Ea - truth| / |textbook Ea - truth|",
                  fabs(q.value - t.v[0]) / fabs(Ea_tb - t.v[0]), 0.3);
    idr_vcheck_true(vc, "F4 truth inside the 95 % profile interval of Ea",
                    q.profiled && t.v[0] >= q.ci95[0] && t.v[0] <= q.ci95[1]);
    idr_vcheck_true(vc, "F4 Ea identifiable", q.identifiable);
    for (size_t k = 1; k < 3; k++) {
      fitted(f, k, &q, &z, &se);
      char what[128];
      printf("  fit: %s %.4g +- %.3g (truth %.4g)\n", q.path, q.value, q.stderr_, t.v[k]);
      /* the issue asks F4 for the barrier only; N_ion and D0 are checked at
       * 3 standard errors: three 2-SE checks on one noise draw would fail
       * ~14 % of correct fits (measured 2.18 SE for N_ion on the current
       * default mesh, 1.89 on the previous one; docs/validation.md) */
      snprintf(what, sizeof what, "F4 |fitted - truth| / stderr of %s (fitting scale)", q.path);
      idr_vcheck_le(vc, what, fabs(z - log10(t.v[k])) / se, 3.0);
    }
  }
  idr_fit_free(&f);
  synth_free(&d);
}

/* The F5 data and the fit's fixed settings (the fit always uses the data's
 * own mesh and protocol: no model error) */
typedef struct f5_case {
  const char *sets[3]; /* --set overrides of the data (and mesh of the fit) */
  int n_sets;
  const char *fit_set; /* the fit spec's set: block */
} f5_case;

static const f5_case F5_FULL = {{NULL}, 0, ""};
static const f5_case F5_SUITE = {
    {"mesh.nodes=" F5_NODES, "protocol.temperatures_K=" F5_TEMPS, "protocol.times_s=" F5_TIMES},
    3,
    "set:\n  mesh.nodes: " F5_NODES "\nfd_step: " F5_FD "\n"};

static void f5_coverage(idr_vcase *vc, const char *dir, int seeds, const f5_case *c) {
  synth d;
  if (!idr_vcheck_true(vc, "F5 data simulated",
                       synth_simulate(&d, DEVICE, c->sets, c->n_sets, AREA_CM2, NOISE_FRACTION)))
    return;
  const truth t = {{0.131, 1e16, 1.1e-6}};
  int hold[2] = {0, 0}, ran = 0;
  size_t sims = 0;
  for (int s = 0; s < seeds; s++) {
    synth_noise(&d, SEED + (unsigned long)s);
    idr_fit *f = fit_data(&d, dir, "f5", DEVICE, c->fit_set, "", t.v, 1);
    if (!f) continue;
    ran++;
    sims += idr_fit_simulations(f);
    for (size_t k = 0; k < 2; k++) {
      idr_fit_param_result q;
      idr_fit_param(f, k, &q, NULL);
      const int in = q.profiled && t.v[k] >= q.ci68[0] && t.v[k] <= q.ci68[1];
      hold[k] += in;
      printf("  seed %2d %-20s %-10.5g 68 %% [%.5g, %.5g] %s\n", s, q.path, q.value, q.ci68[0],
             q.ci68[1], in ? "holds" : "misses");
    }
    idr_fit_free(&f);
  }
  synth_free(&d);
  idr_vcheck_true(vc, "F5 every seed fitted", ran == seeds);
  printf("  68 %% intervals holding the truth: Ea %d, N_ion %d of %d (%zu simulations)\n", hold[0],
         hold[1], seeds, sims);
  if (seeds == 20) {
    idr_vcheck_ge(vc, "F5 Ea: seeds whose 68 % interval holds the truth", hold[0], COVERAGE_LO);
    idr_vcheck_le(vc, "F5 Ea: seeds whose 68 % interval holds the truth", hold[0], COVERAGE_HI);
    idr_vcheck_ge(vc, "F5 N_ion: seeds whose 68 % interval holds the truth", hold[1], COVERAGE_LO);
    idr_vcheck_le(vc, "F5 N_ion: seeds whose 68 % interval holds the truth", hold[1], COVERAGE_HI);
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: fit_more F3|F4|F5|F5full WORKDIR [SEEDS]\n");
    return 2;
  }
  const char *c = argv[1], *dir = argv[2];
  idr_vcase vc;
  if (strcmp(c, "F3") == 0) {
    idr_vcase_begin(&vc, "F3 fit with model error", "bias below the standard error");
    f3_model_error(&vc, dir);
  } else if (strcmp(c, "F4") == 0) {
    idr_vcase_begin(&vc, "F4 fit of the biased anion",
                    "the fit recovers the barrier the textbook reads >= 20 meV low");
    f4_biased_anion(&vc, dir);
  } else {
    idr_vcase_begin(&vc, "F5 coverage of the 68 % profile intervals",
                    "9 to 18 of 20 seeds hold the truth (binomial, 99 %)");
    f5_coverage(&vc, dir, argc > 3 ? atoi(argv[3]) : 20,
                strcmp(c, "F5full") == 0 ? &F5_FULL : &F5_SUITE);
  }
  return idr_vcase_end(&vc);
}

/*
 * Unit tests of the defects found in review (issue 9): inputs that used to
 * give an exit 0 with NaN results or a silently changed setting. Each test
 * failed before its fix.
 *   - an ion species of zero density (a composition row may say so: FA+ at
 *     x = 0.025) is a device without that species, not a NaN equilibrium;
 *   - the ion-number drift of such a species is 0, not 0/0;
 *   - a C-V with frozen ions reports the current of the state it solved;
 *   - layers[i].nodes is honoured, not silently raised;
 *   - Mott-Schottky and the TID extraction report finite numbers or fail:
 *     a component whose amplitude is not above its noise is absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "idr_analysis.h"
#include "idr_config.h"
#include "idr_physics.h"
#include "idr_protocols.h"
#include "idr_solver.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXAMPLE IDR_SOURCE_DIR "/examples/fapbi3_pin.yaml"

/* A deck, its mesh, device and equilibrium. */
typedef struct loaded {
  idr_deck deck;
  idr_mesh *m;
  idr_device *d;
  double *y;
} loaded;

static void load(loaded *L, const char *const *sets, int n_sets) {
  idr_error err;
  idr_error_clear(&err);
  memset(L, 0, sizeof *L);
  idr_status st = idr_deck_load(EXAMPLE, sets, n_sets, IDR_MATERIALS_DIR, &L->deck, &err);
  if (st) printf("  deck: %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
  assert_int_equal(idr_mesh_build(&L->deck, &L->m, &err), IDR_OK);
  assert_int_equal(idr_device_build(&L->deck, L->m, L->deck.temperature_K, &L->d, &err), IDR_OK);
  L->y = malloc((size_t)L->d->n_unknowns * sizeof *L->y);
  assert_non_null(L->y);
  idr_eq_stats es;
  st = idr_equilibrium(L->d, L->y, &es, &err);
  if (st) printf("  equilibrium: %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
}

static void unload(loaded *L) {
  free(L->y);
  idr_device_free(&L->d);
  idr_mesh_free(&L->m);
  idr_deck_free(&L->deck);
}

/* A species of zero density: the equilibrium is that of the deck without
 * it (phi, n, p equal to round-off: the same Newton iterates), its density
 * is 0 everywhere, and a bias step keeps it at 0 with a drift of 0. Before:
 * the constraint divided by c0 = 0 and the equilibrium "converged" on NaN. */
#define ZERO_SPECIES_REL_TOL 1e-12
static void test_zero_density_species(void **state) {
  (void)state;
  static const char *const zero[] = {"ions[0].density_cm3=0"};
  static const char *const none[] = {"ions=[]"};
  loaded a, b;
  load(&a, zero, 1);
  load(&b, none, 1);
  assert_int_equal(a.d->N, b.d->N);
  double worst = 0.0, cmax = 0.0;
  for (int i = 0; i < a.d->N; i++) {
    worst = idr_max_abs(worst, idr_phi(a.d, a.y, i) - idr_phi(b.d, b.y, i));
    worst = idr_max_abs(worst, idr_n(a.d, a.y, i) / idr_n(b.d, b.y, i) - 1.0);
    worst = idr_max_abs(worst, idr_p(a.d, a.y, i) / idr_p(b.d, b.y, i) - 1.0);
    cmax = idr_max_abs(cmax, idr_ion_c(a.d, a.y, 0, i));
  }
  printf("  zero-density species vs none: max difference %.3g (phi [V], n, p relative)\n", worst);
  assert_true(worst <= ZERO_SPECIES_REL_TOL);
  assert_true(cmax == 0.0);

  /* +1 V for 1 ms, then 0 V for 1 ms */
  idr_waveform_spec P = *idr_waveform_spec_of(&a.deck);
  P.n_segments = 2;
  P.segments[0].duration_s = 1e-3;
  P.segments[0].samples = 5;
  P.segments[1].duration_s = 1e-3;
  P.segments[1].samples = 5;
  P.n_profile_times = 0;
  idr_sim_opts so = idr_sim_opts_from_deck(&a.deck);
  idr_waveform_result w;
  idr_error err;
  idr_error_clear(&err);
  idr_status st = idr_run_waveform(a.d, &P, &so, a.y, NULL, NULL, &w, &err);
  if (st) printf("  waveform: %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
  double jmax = 0.0;
  for (int s = 0; s < w.n_samples; s++)
    jmax = idr_max_abs(jmax, w.J[s]);
  assert_true(isfinite(jmax) && jmax > 0.0);
  assert_true(w.ion_drift_max[0] == 0.0);
  idr_waveform_result_free(&w);
  unload(&a);
  unload(&b);
}

/* idr_state_check: a density below minus its absolute tolerance or a NaN
 * anywhere is named; round-off above it passes. */
static void test_state_check(void **state) {
  (void)state;
  loaded a;
  load(&a, NULL, 0);
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_state_check(a.d, a.y, &err), IDR_OK);
  const int i = 201, up = a.d->ip[i], un = a.d->in[i];
  const double keep = a.y[up];
  a.y[up] = -0.5 * a.d->atol[up];
  assert_int_equal(idr_state_check(a.d, a.y, &err), IDR_OK);
  a.y[up] = -2.0 * a.d->atol[up];
  assert_int_equal(idr_state_check(a.d, a.y, &err), IDR_ERR_SOLVER);
  printf("  %s\n", err.msg);
  assert_non_null(strstr(err.msg, "hole density at node 201"));
  a.y[up] = keep;
  a.y[un] = NAN;
  idr_error_clear(&err);
  assert_int_equal(idr_state_check(a.d, a.y, &err), IDR_ERR_SOLVER);
  printf("  %s\n", err.msg);
  assert_non_null(strstr(err.msg, "electron density"));
  unload(&a);
}

static void test_ion_number_drift(void **state) {
  (void)state;
  assert_true(idr_ion_number_drift(0.0, 0.0) == 0.0);
  assert_true(isinf(idr_ion_number_drift(0.0, 2.385e-3)));
  assert_true(fabs(idr_ion_number_drift(2.0, 2.5) - 0.25) < 1e-15);
  assert_true(isnan(idr_ion_number_drift(2.0, NAN)));
}

/* C-V with the ions frozen: J is the DC current of the state with the ions
 * held (no ionic current). Reference: the same DC solve by hand (D = 0),
 * its current with D still 0.
 * Before: D was restored first and J carried the drift current of the held
 * ions (0.06 A/m^2 at 0.5 V here, against a ~3e-9 A/m^2 dark current). The
 * reference repeats the protocol's steps (0 V, then 0.5 V, each relaxed). */
#define CV_FROZEN_J_TOL 1e-15 /* A/m^2: the same computation, a few round-offs */
#define CV_RELAX_T_MAX 1e14   /* s: the C-V protocol's relaxation horizon */
static void test_cv_frozen_current(void **state) {
  (void)state;
  loaded a;
  load(&a, NULL, 0);
  idr_sim_opts so = idr_sim_opts_from_deck(&a.deck);
  idr_cv_result cv;
  idr_error err;
  idr_error_clear(&err);
  idr_status st = idr_run_cv(a.d, &so, a.y, 0.0, 0.5, 0.5, 1e4, 1, NULL, NULL, &cv, &err);
  if (st) printf("  C-V: %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
  assert_int_equal(cv.n, 2);

  const double D = a.d->ions[0].D;
  a.d->ions[0].D = 0.0;
  double *y = malloc((size_t)a.d->n_unknowns * sizeof *y);
  assert_non_null(y);
  idr_sim *sim = NULL;
  idr_bias b0 = {0.0, 0.0}, b = {0.5, 0.0};
  st = idr_sim_create(a.d, &so, &sim, &err);
  if (!st) st = idr_sim_start(sim, 0.0, a.y, &b0, &err);
  if (!st) st = idr_sim_relax(sim, CV_RELAX_T_MAX, &err);
  if (!st) st = idr_sim_set_bias(sim, &b, &err);
  if (!st) st = idr_sim_relax(sim, CV_RELAX_T_MAX, &err);
  if (st) printf("  steady state: %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
  memcpy(y, idr_sim_y(sim), (size_t)a.d->n_unknowns * sizeof *y);
  idr_sim_free(&sim);
  idr_current held, restored;
  idr_terminal_current(a.d, y, NULL, &held);
  a.d->ions[0].D = D;
  idr_terminal_current(a.d, y, NULL, &restored);
  printf("  J(0.5 V, ions frozen) = %.4g A/m^2, reference %.4g A/m^2; the held ions' drift "
         "current %.4g A/m^2\n",
         cv.J[1], held.J, restored.Jion);
  assert_true(fabs(cv.J[1] - held.J) <= CV_FROZEN_J_TOL);
  assert_true(held.Jion == 0.0);
  /* the check discriminates: the drift current of the held ions is large */
  assert_true(fabs(restored.Jion) > 1e3 * CV_FROZEN_J_TOL + fabs(held.J));
  free(y);
  idr_cv_result_free(&cv);
  unload(&a);
}

/* layers[i].nodes is used as given (>= 3), not raised to 13: the layer gets
 * exactly nodes - 1 intervals, and a 3-node HTL still runs. */
static void test_layer_nodes_honoured(void **state) {
  (void)state;
  static const char *const five[] = {"layers[0].nodes=5", "layers[2].nodes=3"};
  loaded a;
  load(&a, five, 2);
  assert_int_equal(a.m->layer_first[1] - a.m->layer_first[0], 4);
  assert_int_equal(a.m->layer_first[3] - a.m->layer_first[2], 2);
  /* the automatic layer keeps its share of mesh.nodes */
  assert_true(a.m->layer_first[2] - a.m->layer_first[1] > 300);
  double bi = idr_phi(a.d, a.y, a.d->N - 1) - idr_phi(a.d, a.y, 0);
  assert_true(isfinite(bi) && bi > 0.5);
  unload(&a);
}

/* The example waveform with the anion in all three layers: the integrator
 * leaves hole densities of -6e-19 m^-3 (round-off, far inside the absolute
 * tolerance 1e9 m^-3) in the ETL at the profile times. Profiles hold
 * densities >= 0 and quasi-Fermi levels that are finite wherever their
 * density is > 0 (NaN, documented, only where it is 0). Before: p < 0 in the
 * file and Efp NaN there, exit 0. */
static void test_profiles_nonnegative(void **state) {
  (void)state;
  static const char *const all[] = {"ions[0].layers=[HTL, perovskite, ETL]"};
  loaded a;
  load(&a, all, 1);
  idr_sim_opts so = idr_sim_opts_from_deck(&a.deck);
  idr_waveform_result w;
  idr_error err;
  idr_error_clear(&err);
  idr_status st =
      idr_run_waveform(a.d, idr_waveform_spec_of(&a.deck), &so, a.y, NULL, NULL, &w, &err);
  if (st) printf("  waveform: %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
  const idr_profiles *pr = &w.profiles;
  const size_t m = (size_t)pr->n_times * (size_t)pr->N;
  int negative = 0, undocumented = 0, zero = 0;
  for (size_t q = 0; q < m; q++) {
    const double dens[2] = {pr->n[q], pr->p[q]}, ef[2] = {pr->Efn[q], pr->Efp[q]};
    for (int c = 0; c < 2; c++) {
      negative += !(dens[c] >= 0.0);
      zero += dens[c] == 0.0;
      undocumented += !isfinite(ef[c]) && dens[c] != 0.0;
    }
  }
  for (size_t q = 0; q < m * (size_t)pr->n_ions; q++)
    negative += !(pr->ions[q] >= 0.0);
  printf("  profiles: %d negative densities, %d zero (Efn/Efp NaN there), %d other non-finite "
         "quasi-Fermi levels\n",
         negative, zero, undocumented);
  assert_int_equal(negative, 0);
  assert_int_equal(undocumented, 0);
  idr_waveform_result_free(&w);
  unload(&a);
}

/* Mott-Schottky on a table with one tiny capacitance: 1/C^2 overflows
 * (C = 1e-170 F) or the regression is not finite (C = 1e-150 F): an error,
 * not "N nan, V_bi nan, R^2 1" with exit 0. A sane 3-point table gives
 * finite numbers and errors; 2 points give NaN errors (documented). */
static void test_mott_schottky_finite(void **state) {
  (void)state;
  idr_mott_schottky_options o;
  idr_mott_schottky_options_default(&o);
  o.eps_r = 30.0;
  idr_mott_schottky r;
  idr_error err;
  const double V[3] = {0.0, 0.1, 0.2};
  const double C1[3] = {1e-8, 1.1e-8, 1e-170}, C2[3] = {1e-8, 1.1e-8, 1e-150};
  idr_error_clear(&err);
  assert_int_equal(idr_mott_schottky_fit(V, C1, 3, &o, &r, &err), IDR_ERR_INPUT);
  printf("  %s\n", err.msg);
  assert_non_null(strstr(err.msg, "point 2"));
  idr_error_clear(&err);
  assert_int_equal(idr_mott_schottky_fit(V, C2, 3, &o, &r, &err), IDR_ERR_RANGE);
  printf("  %s\n", err.msg);
  /* 1/C^2 = 2 (V_bi - V)/(q eps A^2 N) at N = 2.385e16 cm^-3, V_bi = 1.1 V */
  const double N = 2.385e16 * IDR_CM3_TO_M3, A = 1e-4, eps = 30.0 * IDR_EPS0;
  double C[3];
  for (int i = 0; i < 3; i++)
    C[i] = 1.0 / sqrt(2.0 * (1.1 - V[i]) / (IDR_Q * eps * A * A * N)) * (1.0 + 1e-4 * (i == 1));
  idr_error_clear(&err);
  o.include_kT = 0;
  assert_int_equal(idr_mott_schottky_fit(V, C, 3, &o, &r, &err), IDR_OK);
  assert_int_equal(r.n_used, 3);
  assert_true(isfinite(r.N_err_cm3) && isfinite(r.V_bi_err) && isfinite(r.r2));
  assert_true(fabs(r.N_cm3 / 2.385e16 - 1.0) < 1e-3 && fabs(r.V_bi - 1.1) < 1e-3);
  assert_int_equal(idr_mott_schottky_fit(V, C, 2, &o, &r, &err), IDR_OK);
  assert_true(isnan(r.N_err_cm3) && isnan(r.V_bi_err) && isfinite(r.N_cm3));
}

/* The TID extraction on pure noise (no transient at all) at the round-off
 * level (1e-13 of C) and at a measurement's (1e-5), 11 temperatures x 71
 * log times, 10 seeds, each model: no species is reported ("no ionic signal
 * above the noise"). Before: Ea -0.28 +- 0.5 eV and exit 0 on the first.
 * Control: the same noise plus a real anion transient (dC/C = 1e-3, Ea
 * 0.3 eV) is extracted within 5 meV. */
#define NOISE_NT 11
#define NOISE_NS 71
#define NOISE_SEEDS 10
#define NOISE_CONTROL_EA_TOL_EV 5e-3
static idr_status extract_noise(gsl_rng *rng, double rel, double signal, idr_transient_model m,
                                idr_tid_extraction *x, idr_error *err) {
  static double t[NOISE_NS], C[NOISE_NT][NOISE_NS];
  idr_transient_data cd[NOISE_NT];
  const double C0 = 1.15e-3, Ea = 0.3, tau250 = 3e-3;
  for (int k = 0; k < NOISE_NS; k++)
    t[k] = pow(10.0, -6.0 + 7.0 * k / (NOISE_NS - 1));
  for (int j = 0; j < NOISE_NT; j++) {
    const double T = 300.0 - 10.0 * j;
    const double tau = tau250 * (T / 250.0) * exp(Ea / IDR_KB_EV * (1.0 / T - 1.0 / 250.0));
    for (int k = 0; k < NOISE_NS; k++)
      C[j][k] = C0 * (1.0 + signal * exp(-t[k] / tau) + rel * gsl_ran_gaussian(rng, 1.0));
    cd[j] = (idr_transient_data){T, NOISE_NS, t, C[j], NULL};
  }
  idr_tid_extract_options o;
  idr_tid_extract_options_default(&o);
  o.N_A_cm3 = 1e17;
  o.eps_r = 46.9;
  o.model = m;
  return idr_tid_extract(cd, NOISE_NT, &o, x, err);
}

static void test_extraction_of_noise(void **state) {
  (void)state;
  gsl_set_error_handler_off();
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(rng);
  gsl_rng_set(rng, 2385);
  const idr_transient_model models[] = {IDR_TRANSIENT_EXP, IDR_TRANSIENT_STRETCHED,
                                        IDR_TRANSIENT_TWO_EXP};
  const double levels[] = {1e-13, 1e-5};
  int accepted = 0, runs = 0;
  for (size_t mi = 0; mi < 3; mi++)
    for (size_t li = 0; li < 2; li++)
      for (int s = 0; s < NOISE_SEEDS; s++) {
        idr_tid_extraction x;
        idr_error err;
        idr_error_clear(&err);
        idr_status st = extract_noise(rng, levels[li], 0.0, models[mi], &x, &err);
        runs++;
        if (st == IDR_OK) {
          accepted++;
          printf("  accepted: model %d, noise %g: Ea %g +- %g eV\n", (int)models[mi], levels[li],
                 x.species[0].Ea_eV, x.species[0].Ea_err_eV);
          idr_tid_extraction_free(&x);
        } else {
          assert_int_equal(st, IDR_ERR_RANGE);
        }
      }
  printf("  pure noise: %d of %d extractions reported a species\n", accepted, runs);
  assert_int_equal(accepted, 0);

  idr_tid_extraction x;
  idr_error err;
  idr_error_clear(&err);
  idr_status st = extract_noise(rng, 1e-5, 1e-3, IDR_TRANSIENT_EXP, &x, &err);
  if (st) printf("  control: %s\n", err.msg);
  assert_int_equal(st, IDR_OK);
  printf("  control (dC/C 1e-3, noise 1e-5): Ea = %.4f eV (true 0.3)\n", x.species[0].Ea_eV);
  assert_true(fabs(x.species[0].Ea_eV - 0.3) <= NOISE_CONTROL_EA_TOL_EV);
  idr_tid_extraction_free(&x);
  gsl_rng_free(rng);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_zero_density_species), cmocka_unit_test(test_ion_number_drift),
      cmocka_unit_test(test_state_check),          cmocka_unit_test(test_cv_frozen_current),
      cmocka_unit_test(test_layer_nodes_honoured), cmocka_unit_test(test_profiles_nonnegative),
      cmocka_unit_test(test_mott_schottky_finite), cmocka_unit_test(test_extraction_of_noise),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

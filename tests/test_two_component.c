/*
 * Unit tests of the two-component TID analysis internals: the scan of
 * time-constant pairs that starts the fit (transient_scan.c), the choice of
 * one or two components (auto: F-test, significance, opposite signs), the
 * global fit with absent components (global.c, masked) and the extraction
 * with a species that leaves the window at some temperatures; two
 * exponentials of one barrier merged into one species. Synthetic
 * data with fixed-seed Gaussian noise; "1 % noise" is sigma = 0.01 of the
 * larger |dC|.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "idr_analysis.h"
#include "analysis_internal.h" /* the scan, the masked global fit, Jacobian checks */

#define SEED 20261207UL
#define NPT 120
#define NT 11

static void log_times(double *t, size_t n) {
  for (size_t i = 0; i < n; i++)
    t[i] = 1e-6 * pow(1e7, (double)i / (double)(n - 1));
}

/* C = C_inf - sum dC_k exp(-t/tau_k) + noise. */
static void make(gsl_rng *r, const double *t, double *C, double C_inf, const double *dC,
                 const double *tau, size_t nc, double sigma) {
  for (size_t i = 0; i < NPT; i++) {
    double v = C_inf;
    for (size_t c = 0; c < nc; c++)
      v -= dC[c] * exp(-t[i] / tau[c]);
    C[i] = v + (r ? gsl_ran_gaussian(r, sigma) : 0.0);
  }
}

static int setup(void **state) {
  (void)state;
  gsl_set_error_handler_off();
  return 0;
}

/* The scan finds each pair within two grid steps, also when no turning point
 * is visible (a1 tau2 < |a2| tau1: C is monotone), where the extremum of the
 * curve cannot start the fit. */
static void test_scan_start(void **state) {
  (void)state;
  double t[NPT], C[NPT];
  log_times(t, NPT);
  const double tau[2] = {2.3e-5, 2.3e-4};
  const double amp[3][2] = {{0.9e-9, -1.6e-9}, {-1.2e-9, 0.4e-9}, {0.11e-9, -1.6e-9}};
  const double step = pow(10.0, 1.0 / 5.0);
  for (size_t k = 0; k < 3; k++) {
    make(NULL, t, C, 21.3e-9, amp[k], tau, 2, 0.0);
    int monotone = 1;
    for (size_t i = 1; i + 1 < NPT; i++)
      if ((C[i] - C[i - 1]) * (C[i + 1] - C[i]) < 0.0) monotone = 0;
    assert_int_equal(monotone, k == 2); /* case 2 hides its fast edge */
    idr_transient_data d = {.T_K = 250.0, .n = NPT, .t_s = t, .C = C, .sigma = NULL};
    double x[5];
    idr_error e;
    idr_error_clear(&e);
    assert_int_equal(idr_an_scan_two(&d, 21.3e-9, 5.0, x, &e), IDR_OK);
    assert_true(x[1] * x[3] < 0.0);
    assert_true(fabs(x[2] - log(tau[0])) <= 2.0 * log(step));
    assert_true(fabs(x[4] - log(tau[1])) <= 2.0 * log(step));
    /* the full fit from there recovers the truth */
    idr_transient_fit f;
    assert_int_equal(idr_transient_fit_run(&d, IDR_TRANSIENT_TWO_EXP, NULL, &f, &e), IDR_OK);
    for (size_t c = 0; c < 2; c++) {
      assert_true(fabs(f.tau_s[c] / tau[c] - 1.0) < 1e-6);
      assert_true(fabs(f.dC[c] / amp[k][c] - 1.0) < 1e-6);
    }
  }
  /* bad option */
  idr_transient_data d = {.T_K = 250.0, .n = NPT, .t_s = t, .C = C, .sigma = NULL};
  double x[5];
  idr_error e;
  idr_error_clear(&e);
  assert_int_equal(idr_an_scan_two(&d, 21.3e-9, 0.5, x, &e), IDR_ERR_INPUT);
}

/* auto on a hidden fast edge with 1 % noise: two components kept. */
static void test_auto_hidden(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(r);
  gsl_rng_set(r, SEED);
  double t[NPT], C[NPT];
  log_times(t, NPT);
  const double tau[2] = {2.3e-5, 2.3e-4}, dC[2] = {0.15e-9, -1.6e-9};
  make(r, t, C, 21.3e-9, dC, tau, 2, 0.01 * 1.6e-9);
  idr_transient_data d = {.T_K = 250.0, .n = NPT, .t_s = t, .C = C, .sigma = NULL};
  idr_transient_fit f;
  idr_error e;
  idr_error_clear(&e);
  assert_int_equal(idr_transient_fit_run(&d, IDR_TRANSIENT_AUTO, NULL, &f, &e), IDR_OK);
  assert_int_equal(f.model, IDR_TRANSIENT_TWO_EXP);
  assert_int_equal(f.n_comp, 2);
  assert_true(f.select_p < 1e-3);
  for (size_t c = 0; c < 2; c++) {
    assert_true(fabs(f.tau_s[c] - tau[c]) <= 4.0 * f.tau_err_s[c]);
    assert_true(fabs(f.dC[c] - dC[c]) <= 4.0 * f.dC_err[c]);
  }
  gsl_rng_free(r);
}

/* auto never splits a one-component transient (40 seeds, 1 % noise; the
 * F-test's false-split rate is select_alpha = 1e-3), nor two components of
 * the same sign (outside the model: one non-exponential species). */
static void test_auto_no_split(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(r);
  gsl_rng_set(r, SEED + 1);
  double t[NPT], C[NPT];
  log_times(t, NPT);
  const double tau1[1] = {4.7e-4}, dC1[1] = {-1.3e-9};
  idr_transient_data d = {.T_K = 250.0, .n = NPT, .t_s = t, .C = C, .sigma = NULL};
  idr_transient_fit f;
  idr_error e;
  idr_error_clear(&e);
  int split = 0;
  for (int s = 0; s < 40; s++) {
    make(r, t, C, 17.9e-9, dC1, tau1, 1, 0.01 * 1.3e-9);
    assert_int_equal(idr_transient_fit_run(&d, IDR_TRANSIENT_AUTO, NULL, &f, &e), IDR_OK);
    split += f.n_comp != 1;
    assert_true(fabs(f.tau_s[0] / tau1[0] - 1.0) < 0.05);
  }
  assert_int_equal(split, 0);
  const double tau2[2] = {1.1e-5, 3.9e-3}, dC2[2] = {-0.8e-9, -1.1e-9};
  make(r, t, C, 17.9e-9, dC2, tau2, 2, 0.01 * 1.1e-9);
  assert_int_equal(idr_transient_fit_run(&d, IDR_TRANSIENT_AUTO, NULL, &f, &e), IDR_OK);
  assert_int_equal(f.n_comp, 1);
  assert_int_equal(f.model, IDR_TRANSIENT_EXP);
  /* the options of the choice are checked */
  idr_fit_options o;
  const double bad[3][3] = {{0.0, 3.0, 5.0}, {1e-3, -1.0, 5.0}, {1e-3, 3.0, 0.5}};
  for (size_t k = 0; k < 3; k++) {
    idr_fit_options_default(&o);
    o.select_alpha = bad[k][0];
    o.select_sigmas = bad[k][1];
    o.scan_per_decade = bad[k][2];
    assert_int_equal(idr_transient_fit_run(&d, IDR_TRANSIENT_AUTO, &o, &f, &e), IDR_ERR_INPUT);
    assert_true(strlen(e.msg) > 0);
    idr_error_clear(&e);
  }
  gsl_rng_free(r);
}

/* tau(T) of an Arrhenius law with tau(300 K) = tau300, n = 1. */
static double tau_T(double T, double Ea, double tau300) {
  return tau300 * (T / 300.0) * exp(Ea / IDR_KB_EV * (1.0 / T - 1.0 / 300.0));
}

typedef struct tset {
  double t[NPT], C[NT][NPT];
  idr_transient_data d[NT];
} tset;

/* Two species over NT temperatures 300..200 K; species 1 absent (dC = 0)
 * where j % every == 0 (every 0: nowhere). */
static void make_set(tset *s, gsl_rng *r, const double Ea[2], const double t300[2],
                     const double dC[2], size_t every) {
  log_times(s->t, NPT);
  for (size_t j = 0; j < NT; j++) {
    const double T = 300.0 - 10.0 * (double)j;
    const double tau[2] = {tau_T(T, Ea[0], t300[0]), tau_T(T, Ea[1], t300[1])};
    const double dCj[2] = {dC[0], every && j % every == 0 ? 0.0 : dC[1]};
    make(r, s->t, s->C[j], 20.1e-9, dCj, tau, 2, 0.01 * fabs(dC[0]));
    s->d[j] = (idr_transient_data){.T_K = T, .n = NPT, .t_s = s->t, .C = s->C[j], .sigma = NULL};
  }
}

/* The masked global fit: Jacobian, and an absent amplitude stays 0. */
static void test_global_masked(void **state) {
  (void)state;
  static tset s;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(r);
  gsl_rng_set(r, SEED + 2);
  const double Ea[2] = {0.27, 0.11}, t300[2] = {2e-3, 3e-5}, dC[2] = {-1.4e-9, 0.7e-9};
  make_set(&s, r, Ea, t300, dC, 3); /* species 1 absent at j % 3 == 0 */
  unsigned char present[2 * NT];
  idr_transient_fit start[NT];
  for (size_t j = 0; j < NT; j++) {
    present[2 * j] = 1;
    present[2 * j + 1] = j % 3 != 0;
    memset(&start[j], 0, sizeof start[j]);
    start[j].C_inf = 20.0e-9;
    start[j].dC[0] = -1.2e-9;
    start[j].dC[1] = 0.5e-9;
  }
  double xg[4 + NT * 3];
  size_t k = 4;
  xg[0] = log(1e-3), xg[1] = 0.25, xg[2] = log(2e-5), xg[3] = 0.12;
  for (size_t j = 0; j < NT; j++) {
    xg[k++] = 0.95;
    xg[k++] = 0.06;
    if (present[2 * j + 1]) xg[k++] = -0.03;
  }
  for (int n = 0; n <= 2; n++)
    assert_true(idr_an_global_jac_error(s.d, NT, 2, n, present, xg) < 1e-6);
  idr_arrhenius law[2];
  memset(law, 0, sizeof law);
  for (size_t c = 0; c < 2; c++) { /* a start 20 % off in Ea */
    law[c].Ea_eV = 0.8 * Ea[c];
    law[c].lnA = log(300.0 / t300[c]) + law[c].Ea_eV / (IDR_KB_EV * 300.0);
  }
  idr_global_fit g;
  idr_transient_fit per[NT];
  idr_error e;
  idr_error_clear(&e);
  assert_int_equal(idr_an_global_fit_masked(s.d, NT, 2, 1, NULL, law, start, present, &g, per, &e),
                   IDR_OK);
  assert_true(g.converged);
  assert_int_equal(g.dof, NT * NPT - (4 + 2 * NT + 7));
  for (size_t c = 0; c < 2; c++) {
    assert_true(fabs(g.comp[c].Ea_eV - Ea[c]) <= 3e-3);
    assert_true(fabs(g.comp[c].Ea_eV - Ea[c]) <= 4.0 * g.comp[c].Ea_err_eV);
  }
  for (size_t j = 0; j < NT; j++) {
    assert_true(present[2 * j + 1] ? fabs(per[j].dC[1] / 0.7e-9 - 1.0) < 0.1
                                   : per[j].dC[1] == 0.0 && per[j].dC_err[1] == 0.0);
    assert_true(fabs(per[j].dC[0] / -1.4e-9 - 1.0) < 0.05);
  }
  gsl_rng_free(r);
}

/* The extraction with a fast cation that leaves the window at the hot end:
 * it counts where its tau is inside, the anion everywhere; both Ea. */
static void test_extract_partial(void **state) {
  (void)state;
  static tset s;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(r);
  gsl_rng_set(r, SEED + 3);
  /* the cation's tau is below 3 us above ~270 K */
  const double Ea[2] = {0.24, 0.16}, t300[2] = {3e-3, 1.2e-6}, dC[2] = {-1.4e-9, 0.9e-9};
  make_set(&s, r, Ea, t300, dC, 0);
  idr_tid_extract_options o;
  idr_tid_extract_options_default(&o);
  o.model = IDR_TRANSIENT_AUTO;
  o.N_A_cm3 = 1e17;
  o.eps_r = 33.3;
  o.polarity = IDR_POLARITY_PIN;
  idr_tid_extraction x;
  idr_error e;
  idr_error_clear(&e);
  assert_int_equal(idr_tid_extract(s.d, NT, &o, &x, &e), IDR_OK);
  assert_int_equal(x.n_species, 2);
  assert_true(x.by_sign);
  assert_true(x.global_ok);
  /* species 0 is the faster: the cation */
  assert_int_equal(x.species[0].sign, IDR_ION_CATION);
  assert_int_equal(x.species[1].sign, IDR_ION_ANION);
  assert_true(x.species[0].n_window < NT && x.species[0].n_window >= 3);
  assert_int_equal(x.species[1].n_window, NT);
  assert_true(fabs(x.species[0].Ea_eV - Ea[1]) <= 0.010);
  assert_true(fabs(x.species[1].Ea_eV - Ea[0]) <= 0.010);
  for (size_t j = 0; j < NT; j++) /* per_T slot c is species c */
    if (x.present[2 * j]) assert_true(x.per_T[j].dC[0] > 0.0);
  idr_tid_extraction_free(&x);
  gsl_rng_free(r);
}

static void extract_set(const tset *s, idr_transient_model model, idr_tid_extraction *x) {
  idr_tid_extract_options o;
  idr_tid_extract_options_default(&o);
  o.model = model;
  o.N_A_cm3 = 1e17;
  o.eps_r = 33.3;
  o.polarity = IDR_POLARITY_PIN;
  idr_error e;
  idr_error_clear(&e);
  assert_int_equal(idr_tid_extract(s->d, NT, &o, x, &e), IDR_OK);
}

/* Two exponentials of opposite sign with one barrier (a rise and a fall 5x
 * smaller, 10x faster: the dark cation of validation V45) are one species
 * under auto and under the forced two-component model (merged: the rise's
 * numbers, the fall kept as component 1); a fall of barrier 0.08 eV beside
 * the rise of 0.15 eV stays a second species. */
static void test_merge_same_barrier(void **state) {
  (void)state;
  static tset s;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(r);
  const double t300[2] = {1e-4, 1e-5}, dC[2] = {1.0e-9, -0.2e-9};
  for (int two = 0; two < 2; two++) {
    const double Ea[2] = {0.15, two ? 0.08 : 0.15};
    gsl_rng_set(r, SEED + 4);
    make_set(&s, r, Ea, t300, dC, 0);
    idr_tid_extraction x;
    extract_set(&s, IDR_TRANSIENT_AUTO, &x);
    assert_int_equal(x.n_components, 2);
    assert_int_equal(x.n_species, two ? 2 : 1);
    assert_int_equal(x.merged, !two);
    assert_int_equal(x.same_barrier, !two);
    if (!two) {
      /* the species is the rise (cation in pin); component 0 its exponential */
      assert_int_equal(x.species[0].sign, IDR_ION_CATION);
      assert_int_equal(x.species[1].sign, IDR_ION_ANION);
      assert_true(fabs(x.species[0].Ea_eV - 0.15) <= 0.005);
      assert_true(fabs(x.species[1].Ea_eV - 0.15) <= 0.010);
      assert_true(fabs(x.species[0].dC_rel * 20.1 - 1.0) < 0.05);
      assert_true(fabs(x.species[1].dC_rel * 20.1 + 0.2) < 0.05);
      for (size_t j = 0; j < NT; j++)
        if (x.present[2 * j]) assert_true(x.per_T[j].dC[0] > 0.0 && x.per_T[j].dC[1] < 0.0);
      assert_true(fabs(x.global.comp[0].Ea_eV - x.species[0].Ea_eV) < 1e-12);
      idr_tid_extraction_free(&x);
      extract_set(&s, IDR_TRANSIENT_TWO_EXP, &x); /* the forced two: the same */
      assert_int_equal(x.n_species, 1);
      assert_true(x.merged && x.same_barrier);
      assert_int_equal(x.species[0].sign, IDR_ION_CATION);
    } else {
      /* species 0 the faster: the fall (anion in pin) */
      assert_int_equal(x.species[0].sign, IDR_ION_ANION);
      assert_true(fabs(x.species[0].Ea_eV - 0.08) <= 0.010);
      assert_true(fabs(x.species[1].Ea_eV - 0.15) <= 0.010);
    }
    idr_tid_extraction_free(&x);
  }
  gsl_rng_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scan_start),      cmocka_unit_test(test_auto_hidden),
      cmocka_unit_test(test_auto_no_split),   cmocka_unit_test(test_global_masked),
      cmocka_unit_test(test_extract_partial), cmocka_unit_test(test_merge_same_barrier),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}

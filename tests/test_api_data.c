/*
 * Unit tests of the public API's analyses of measured data and of its
 * progress reports:
 * - idr_extract_tid_arrays on the exact law of ionic dielectric relaxation,
 *     C(t, T) = C_inf - dC exp(-t/tau(T)),  tau(T) = T / (A exp(-Ea/kT)),
 *     dC/C_inf = -N_ion / (2 N_A),  D(T) = kT eps0 eps_r / (q^2 N_A tau),
 *   recovers Ea, N_ion and D(300 K) (closed forms), with the layout of
 *   `iondrift extract -o`;
 * - the same curves written as a lab table (in F, for an area) and read by
 *   idr_extract_tid_file give the same bits as the arrays;
 * - idr_mott_schottky_arrays recovers N and V_bi of the exact
 *   Mott-Schottky law; a table in nF under a header of F is warned about
 *   through the callback and in the result;
 * - bad options and bad arrays: IDR_ERR_INPUT with the option named;
 * - a run's progress callback is called on the calling thread only, with
 *   fractions that never decrease, while the temperature scan runs on two
 *   OpenMP threads, and the run gives the bits of a run without reports.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iondrift.h"

#define TID_DECK IDR_SOURCE_DIR "/app/tests/tid.yaml"

#define KB_EV 8.617333262e-5 /* Boltzmann constant [eV/K] */
#define Q 1.602176634e-19    /* elementary charge [C] */
#define KB 1.380649e-23      /* [J/K] */
#define EPS0 8.8541878128e-12
#define N_T 11         /* temperatures 300, 290, ..., 200 K */
#define N_t 71         /* times 1 us .. 10 s, 10 per decade */
#define EA_EV 0.2385   /* the barrier [eV] */
#define TAU300_S 2e-4  /* tau at 300 K [s] */
#define N_A_CM3 1e17   /* doping [cm^-3] */
#define N_ION_CM3 3e15 /* mobile ions [cm^-3] */
#define EPS_R 46.9
#define C_INF 2.7e-3    /* F/m^2 */
#define AREA_CM2 0.0314 /* the table's device [cm^2] */
#define EA_TOL_EV 1e-3  /* Ea from exact curves [eV] */
#define REL_TOL 1e-2    /* N_ion, D(300 K) from exact curves [-] */
#define MS_REL_TOL 1e-9 /* N, V_bi of an exact Mott-Schottky table [-] */

/* The exact curves: T hottest first, the same times at every temperature. */
typedef struct curves {
  double T[N_T], t[N_T * N_t], C[N_T * N_t];
} curves;

static double tau_of(double T) {
  const double A = 300.0 / (TAU300_S * exp(-EA_EV / (KB_EV * 300.0)));
  return T / (A * exp(-EA_EV / (KB_EV * T)));
}

static void make_curves(curves *c, double scale) {
  const double dC = -C_INF * N_ION_CM3 / (2.0 * N_A_CM3); /* C falls: an anion in p-i-n */
  for (int j = 0; j < N_T; j++) {
    c->T[j] = 300.0 - 10.0 * j;
    for (int k = 0; k < N_t; k++) {
      const double t = 1e-6 * pow(10.0, k / 10.0);
      c->t[j * N_t + k] = t;
      c->C[j * N_t + k] = scale * (C_INF - dC * exp(-t / tau_of(c->T[j])));
    }
  }
}

static double attr(const idr_result *r, const char *obj, const char *name) {
  double v = NAN;
  idr_error err;
  idr_error_clear(&err);
  if (idr_result_attr_double(r, obj, name, &v, &err)) fail_msg("%s", err.msg);
  return v;
}

static const char *attr_s(const idr_result *r, const char *obj, const char *name) {
  const char *v = NULL;
  idr_error err;
  idr_error_clear(&err);
  if (idr_result_attr_string(r, obj, name, &v, &err)) fail_msg("%s", err.msg);
  return v;
}

/* The options of these curves: eps_r, N_A, a p-i-n stack, the area. */
static void options(idr_extract_options *o, double area) {
  idr_extract_options_default(o);
  o->eps_r = EPS_R;
  o->doping_cm3 = N_A_CM3;
  o->area_cm2 = area;
  o->polarity = "pin";
}

static idr_result *extract_arrays(const curves *c, const char *C_units, double area) {
  idr_tid_curves d = {.m = N_T, .T_K = c->T, .n = N_t, .t_s = c->t, .C = c->C, .C_units = C_units};
  idr_extract_options o;
  options(&o, area);
  idr_error err;
  idr_error_clear(&err);
  idr_result *r = NULL;
  if (idr_extract_tid_arrays(&d, &o, &r, &err)) fail_msg("%s", err.msg);
  return r;
}

static void test_extract_arrays_exact(void **state) {
  (void)state;
  curves *c = malloc(sizeof *c);
  assert_non_null(c);
  make_curves(c, 1.0);
  idr_result *r = extract_arrays(c, "F/m^2", NAN);
  const char *sp = "extraction/species_0";
  const double Ea = attr(r, sp, "Ea_eV"), N = attr(r, sp, "N_ion_cm3");
  const double D300 = attr(r, sp, "D300_cm2_s");
  const double D300_true =
      KB * 300.0 * EPS0 * EPS_R / (Q * Q * N_A_CM3 * 1e6 * TAU300_S) / 1e-4; /* cm^2/s */
  printf("Ea %.6f (true %.4f) eV, N_ion %.5g (true %.5g), D300 %.5g (true %.5g) cm^2/s\n", Ea,
         EA_EV, N, N_ION_CM3, D300, D300_true);
  assert_true(fabs(Ea - EA_EV) < EA_TOL_EV);
  assert_true(fabs(N / N_ION_CM3 - 1.0) < REL_TOL);
  assert_true(fabs(D300 / D300_true - 1.0) < REL_TOL);
  assert_string_equal(attr_s(r, sp, "sign"), "anion");
  assert_string_equal(attr_s(r, "/", "command"), "extract");
  assert_string_equal(attr_s(r, "/", "input_kind"), "arrays");
  assert_string_equal(attr_s(r, "/", "N_A_source"), "doping");
  assert_string_equal(attr_s(r, "/", "warnings"), "");
  idr_dataset d;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_result_dataset(r, "data/C", &d, &err), IDR_OK);
  assert_string_equal(d.units, "F/m^2");
  assert_int_equal(d.dims[0], N_T * N_t);
  assert_int_equal(idr_result_dataset(r, "extraction/tau", &d, &err), IDR_OK);
  assert_int_equal(d.dims[0], N_T);
  assert_int_equal(d.dims[1], 2);
  idr_result_free(&r);
  free(c);
}

/* The lab table of the same curves (in F of a device, rows shuffled by
 * temperature) read from a file: the same numbers, bit for bit. */
static void test_extract_file_equals_arrays(void **state) {
  (void)state;
  curves *c = malloc(sizeof *c);
  assert_non_null(c);
  make_curves(c, AREA_CM2 * 1e-4);
  char dir[] = "/tmp/idr_test_api_data_XXXXXX", path[128];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/tid.csv", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "time_s,temperature_K,capacitance_F\n");
  for (int j = N_T - 1; j >= 0; j--) /* coldest first: the reader sorts */
    for (int k = 0; k < N_t; k++)
      fprintf(f, "%.17g,%.17g,%.17g\n", c->t[j * N_t + k], c->T[j], c->C[j * N_t + k]);
  assert_int_equal(fclose(f), 0);

  idr_extract_options o;
  options(&o, AREA_CM2);
  idr_error err;
  idr_error_clear(&err);
  idr_result *rf = NULL, *ra = extract_arrays(c, "F", AREA_CM2);
  assert_int_equal(idr_extract_tid_file(path, &o, &rf, &err), IDR_OK);
  assert_string_equal(attr_s(rf, "/", "input_kind"), "csv");
  assert_non_null(strstr(attr_s(rf, "/", "input_read"), "capacitance_F <- 'capacitance_F'"));
  static const char *const names[] = {"Ea_eV", "Ea_err_eV", "N_ion_cm3", "D0_cm2_s", "dC_rel"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const double a = attr(ra, "extraction/species_0", names[i]);
    const double b = attr(rf, "extraction/species_0", names[i]);
    assert_memory_equal(&a, &b, sizeof a);
  }
  idr_dataset da, db;
  assert_int_equal(idr_result_dataset(ra, "extraction/tau", &da, &err), IDR_OK);
  assert_int_equal(idr_result_dataset(rf, "extraction/tau", &db, &err), IDR_OK);
  assert_memory_equal(da.data, db.data, 2 * N_T * sizeof(double));
  /* the result writes as `extract -o` does */
  snprintf(path, sizeof path, "%s/x.h5", dir);
  assert_int_equal(idr_result_write(rf, path, "", &err), IDR_OK);
  assert_int_equal(access(path, R_OK), 0);
  remove(path);
  snprintf(path, sizeof path, "%s/tid.csv", dir);
  remove(path);
  rmdir(dir);
  idr_result_free(&ra);
  idr_result_free(&rf);
  free(c);
}

/* Expect a failure with IDR_ERR_INPUT and a message containing want. */
static void expect_input_error(idr_status st, const idr_error *err, const char *want) {
  if (st != IDR_ERR_INPUT || !strstr(err->msg, want))
    fail_msg("expected input error with '%s', got %d '%s'", want, st, err->msg);
}

static void test_extract_errors(void **state) {
  (void)state;
  curves *c = malloc(sizeof *c);
  assert_non_null(c);
  make_curves(c, 1.0);
  idr_tid_curves d = {.m = N_T, .T_K = c->T, .n = N_t, .t_s = c->t, .C = c->C, .C_units = "F/m^2"};
  idr_extract_options o;
  idr_result *r = NULL;
  idr_error err;
#define CASE(stmt, want)                                                                           \
  do {                                                                                             \
    idr_extract_options_default(&o);                                                               \
    o.eps_r = EPS_R;                                                                               \
    stmt;                                                                                          \
    idr_error_clear(&err);                                                                         \
    expect_input_error(idr_extract_tid_arrays(&d, &o, &r, &err), &err, want);                      \
    assert_null(r);                                                                                \
  } while (0)
  CASE((o.doping_cm3 = 1e17, o.cv_file = "cv.csv", o.area_cm2 = 1.0),
       "extract: give either --doping-cm3 or --cv for N_A, not both");
  CASE(o.cv_file = "cv.csv", "--cv needs --area-cm2");
  CASE(o.model = "three", "--model needs single, stretched or two (got 'three')");
  CASE(o.polarity = "pni", "--polarity needs pin or nip (got 'pni')");
  CASE(o.power = 3, "--power needs 0, 1 or 2 (got 3)");
  CASE(o.eps_r = -1.0, "--eps-r needs a number > 0");
  CASE(o.eps_r = NAN, "extract: missing --eps-r");
  CASE(o.data.cap_unit = "nanofarad", "--cap-unit: 'nanofarad' is not a unit of capacitance_F");
  CASE(o.data.x_min = 5.0, "has 4 point(s) in the time window; the auto fit needs at least 6");
  idr_extract_options_default(&o);
  o.eps_r = EPS_R;
  const double t2 = c->t[2];
  c->t[2] = c->t[1];
  idr_error_clear(&err);
  expect_input_error(idr_extract_tid_arrays(&d, &o, &r, &err), &err,
                     "the times of the curve at T = 300 K must increase");
  c->t[2] = t2;
  d.C_units = "pF";
  idr_error_clear(&err);
  expect_input_error(idr_extract_tid_arrays(&d, &o, &r, &err), &err,
                     "C_units must be F or F/m^2 (got 'pF')");
  d.C_units = NULL;
  d.m = 1;
  idr_error_clear(&err);
  expect_input_error(idr_extract_tid_arrays(&d, &o, &r, &err), &err,
                     "need transients at >= 2 temperatures, found 1");
  idr_error_clear(&err);
  assert_int_not_equal(idr_extract_tid_file(IDR_SOURCE_DIR "/no/such.csv", &o, &r, &err), IDR_OK);
  assert_non_null(strstr(err.msg, "no/such.csv"));
  assert_null(r);
#undef CASE
  free(c);
}

/* ---- Mott-Schottky ------------------------------------------------------------------ */

#define MS_N_CM3 2.385e16
#define MS_VBI_V 0.8734
#define MS_EPS_R 24.1

static void ms_table(double *V, double *C, size_t n, double scale) {
  const double A = AREA_CM2 * 1e-4, eps = EPS0 * MS_EPS_R, N = MS_N_CM3 * 1e6;
  for (size_t i = 0; i < n; i++) {
    V[i] = -0.8 + 0.05 * (double)i;
    C[i] = scale * sqrt(Q * eps * A * A * N / (2.0 * (MS_VBI_V - V[i] - KB_EV * 300.0)));
  }
}

typedef struct warnings {
  int n;
  char last[1024];
} warnings;

static void on_warning(void *user, const char *msg) {
  warnings *w = user;
  w->n++;
  snprintf(w->last, sizeof w->last, "%s", msg);
}

static void test_mott_schottky(void **state) {
  (void)state;
  double V[17], C[17];
  ms_table(V, C, 17, 1.0);
  idr_ms_options o;
  idr_ms_options_default(&o);
  o.area_cm2 = AREA_CM2;
  o.eps_r = MS_EPS_R;
  idr_error err;
  idr_error_clear(&err);
  idr_result *r = NULL;
  assert_int_equal(idr_mott_schottky_arrays(V, C, 17, &o, &r, &err), IDR_OK);
  const double N = attr(r, "mott_schottky", "N_cm3"), Vbi = attr(r, "mott_schottky", "V_bi_V");
  printf("Mott-Schottky: N %.10g (true %.10g) cm^-3, V_bi %.10g (true %.10g) V\n", N, MS_N_CM3, Vbi,
         MS_VBI_V);
  assert_true(fabs(N / MS_N_CM3 - 1.0) < MS_REL_TOL);
  assert_true(fabs(Vbi / MS_VBI_V - 1.0) < MS_REL_TOL);
  assert_int_equal((int)attr(r, "mott_schottky", "points"), 17);
  assert_string_equal(attr_s(r, "/", "command"), "mott-schottky");
  idr_result_free(&r);

  /* nF under a header of F: the reader's and the fit's warnings */
  ms_table(V, C, 17, 1e9);
  char dir[] = "/tmp/idr_test_api_ms_XXXXXX", path[128];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/cv.csv", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "voltage_V;capacitance_F\n");
  for (int i = 0; i < 17; i++)
    fprintf(f, "%.17g;%.17g\n", V[i], C[i]);
  assert_int_equal(fclose(f), 0);
  warnings w = {0, ""};
  o.on_warning = on_warning;
  o.user = &w;
  assert_int_equal(idr_mott_schottky_file(path, &o, &r, &err), IDR_OK);
  assert_int_equal(w.n, 2);
  assert_non_null(strstr(w.last, "cm^-3 is above 1e21"));
  assert_non_null(strstr(attr_s(r, "/", "warnings"), "is not a plausible measurement"));
  assert_non_null(strstr(attr_s(r, "/", "warnings"), "\n"));
  assert_non_null(strstr(attr_s(r, "/", "input_read"), "separator ';'"));
  idr_result_free(&r);
  remove(path);
  rmdir(dir);

  /* the options' rules */
  o.area_cm2 = NAN;
  idr_error_clear(&err);
  expect_input_error(idr_mott_schottky_arrays(V, C, 17, &o, &r, &err), &err,
                     "mott-schottky: missing --area-cm2");
  o.area_cm2 = AREA_CM2;
  o.V_lo = 1.0;
  o.V_hi = 0.0;
  idr_error_clear(&err);
  expect_input_error(idr_ms_options_check(&o, &err), &err, "VLO must be < VHI");
}

/* ---- progress on the caller's thread --------------------------------------------------- */

typedef struct reports {
  pthread_t caller;
  int n, other_thread, decreasing;
  double last;
} reports;

static void on_progress(void *user, double fraction, const char *stage) {
  reports *p = user;
  (void)stage;
  p->n++;
  if (!pthread_equal(pthread_self(), p->caller)) p->other_thread++;
  if (fraction < p->last) p->decreasing++;
  p->last = fraction;
}

static void test_progress_on_caller(void **state) {
  (void)state;
  idr_error err;
  idr_error_clear(&err);
  idr_study *s = NULL;
  assert_int_equal(idr_study_load(TID_DECK, NULL, 0, &s, &err), IDR_OK);
  idr_result *quiet = NULL, *loud = NULL;
  assert_int_equal(idr_study_run(s, 2, NULL, NULL, &quiet, &err), IDR_OK);
  reports p = {pthread_self(), 0, 0, 0, 0.0};
  assert_int_equal(idr_study_run(s, 2, on_progress, &p, &loud, &err), IDR_OK);
  printf("progress: %d reports, last %g, %d on another thread\n", p.n, p.last, p.other_thread);
  assert_true(p.n >= 1); /* reports that arrive during a delivery are merged */
  assert_int_equal(p.other_thread, 0);
  assert_int_equal(p.decreasing, 0);
  assert_true(p.last == 1.0);
  idr_dataset a, b;
  assert_int_equal(idr_result_dataset(quiet, "tid/C", &a, &err), IDR_OK);
  assert_int_equal(idr_result_dataset(loud, "tid/C", &b, &err), IDR_OK);
  assert_memory_equal(a.data, b.data, a.dims[0] * a.dims[1] * sizeof(double));
  /* a failure in the helper thread comes back with its message */
  idr_result_free(&loud);
  assert_int_equal(idr_study_set_int(s, "solver.max_steps", 3, &err), IDR_OK);
  idr_error_clear(&err);
  assert_int_not_equal(idr_study_run(s, 2, on_progress, &p, &loud, &err), IDR_OK);
  assert_null(loud);
  assert_true(strlen(err.msg) > 0);
  idr_result_free(&quiet);
  idr_study_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_extract_arrays_exact),
      cmocka_unit_test(test_extract_file_equals_arrays),
      cmocka_unit_test(test_extract_errors),
      cmocka_unit_test(test_mott_schottky),
      cmocka_unit_test(test_progress_on_caller),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

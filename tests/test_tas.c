/*
 * Unit tests of thermal admittance spectroscopy: the analysis (analysis/
 * tas.c, tas_dos.c) on closed-form Debye steps, its error paths, and the
 * protocol (protocols/tas.c): thread-count independence and one code path
 * for the run and its CSV read back as measured data.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idr_analysis.h"
#include "idr_io.h"
#include "idr_protocols.h"

#define NT 9
#define NF 61

/* Closed-form curves: C(w, T) = C_hf + sum_k dC_k / (1 + (w/w0_k)^2),
 * w0_k = 2 xi_k T^2 exp(-E_k/kT), on 61 log frequencies 0.1 Hz .. 1 MHz
 * at 340, 320, ..., 180 K. */
typedef struct synth {
  double T[NT], f[NF], C[NT][NF];
  idr_tas_curve c[NT];
} synth;

static void make(synth *s, int nk, const double *E, const double *xi, const double *dC) {
  for (int k = 0; k < NF; k++)
    s->f[k] = pow(10.0, -1.0 + 7.0 * k / (NF - 1));
  for (int j = 0; j < NT; j++) {
    s->T[j] = 340.0 - 20.0 * j;
    for (int k = 0; k < NF; k++) {
      double w = 2.0 * IDR_PI * s->f[k], C = 3e-4;
      for (int l = 0; l < nk; l++) {
        double w0 = 2.0 * xi[l] * s->T[j] * s->T[j] * exp(-E[l] / (IDR_KB_EV * s->T[j]));
        C += dC[l] / (1.0 + (w / w0) * (w / w0));
      }
      s->C[j][k] = C;
    }
    s->c[j] = (idr_tas_curve){s->T[j], NF, s->f, s->C[j]};
  }
}

static void opts(idr_tas_options *o) {
  idr_tas_options_default(o);
  o->C_to_F_m2 = 1.0;
  o->eps_r = 30.0;
  o->V_bi_V = 1.2;
  o->W_nm = 500.0;
}

/* One Debye level: E and xi0 exactly (the w0 law is the analysis' own),
 * Walter's tDOS holds V_bi dC/(q W) per temperature. */
static void test_one_level(void **state) {
  (void)state;
  static synth s;
  const double E = 0.3, xi = 2.385e6, dC = 2e-5;
  make(&s, 1, &E, &xi, &dC);
  idr_tas_options o;
  opts(&o);
  idr_tas_extraction x;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_tas_extract(s.c, NT, &o, &x, &err), IDR_OK);
  assert_int_equal(x.n_levels, 1);
  assert_true(fabs(x.levels[0].E_eV - E) < 2e-3);
  assert_true(fabs(x.levels[0].ln_xi - log(xi)) < 0.1);
  assert_true(x.levels[0].r2 > 0.9999);
  assert_int_equal(x.n_bands, 1);
  const double N = 1.2 * dC / (IDR_Q * 500e-9) / IDR_CM3_TO_M3;
  /* a Gaussian fitted by least squares to the Debye profile 1/(2 cosh^2 u)
   * has 0.9695 of its area and a width of 0.797 (u = ln w): the band holds
   * 0.97 V_bi dC/(q W), 0.797 kT wide at a temperature of the scan */
  assert_true(fabs(x.bands[0].N_cm3 / (0.9695 * N) - 1.0) < 0.03);
  assert_true(fabs(x.bands[0].E_eV - E) < 5e-3);
  assert_true(x.bands[0].sigma_eV > 0.797 * IDR_KB_EV * 180.0);
  assert_true(x.bands[0].sigma_eV < 0.797 * IDR_KB_EV * 340.0);
  assert_true(x.bands[0].N_err_cm3 > 0 && x.bands[0].E_err_eV > 0);
  /* every point of the level carries Walter's energy and density */
  size_t with = 0;
  for (size_t i = 0; i < x.n; i++)
    if (x.level_of[i] == 0) {
      assert_true(isfinite(x.E_w_eV[i]) && isfinite(x.Nt_cm3_eV[i]));
      with++;
    }
  assert_true(with > NF);
  idr_tas_extraction_free(&x);
}

/* Two levels far apart are followed separately; sorted by energy. */
static void test_two_levels(void **state) {
  (void)state;
  static synth s;
  const double E[2] = {0.45, 0.25}, xi[2] = {1e7, 3e5}, dC[2] = {1e-5, 3e-5};
  make(&s, 2, E, xi, dC);
  idr_tas_options o;
  opts(&o);
  idr_tas_extraction x;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_tas_extract(s.c, NT, &o, &x, &err), IDR_OK);
  assert_int_equal(x.n_levels, 2);
  assert_true(fabs(x.levels[0].E_eV - 0.25) < 2e-3);
  assert_true(fabs(x.levels[1].E_eV - 0.45) < 2e-3);
  assert_int_equal(x.n_bands, 2);
  idr_tas_extraction_free(&x);
}

/* The step density with the crossing-point correction inverts its law:
 * C_lf/C_hf = (N_A + N_t) W / (N_A W + N_t (W - lambda)). */
static void test_step_density(void **state) {
  (void)state;
  static synth s;
  const double E = 0.35, xi = 1e6, NA = 1e16 * 1e6, Nt = 1e15 * 1e6, eps = 30 * IDR_EPS0;
  const double Chf = 3e-4, W = eps / Chf, T = 260.0, Nb = 1.8e19 * 1e6 * pow(T / 300.0, 1.5);
  const double lam = sqrt(2 * eps * (E - IDR_KB_EV * T * log(Nb / NA)) / (IDR_Q * NA));
  const double r = (NA + Nt) * W / (NA * W + Nt * (W - lam));
  const double dC = (r - 1.0) * Chf;
  make(&s, 1, &E, &xi, &dC);
  idr_tas_options o;
  opts(&o);
  o.N_A_cm3 = 1e16;
  o.band_dos_cm3 = 1.8e19;
  idr_tas_extraction x;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_tas_extract(s.c, NT, &o, &x, &err), IDR_OK);
  assert_int_equal(x.n_levels, 1);
  /* lambda varies with T around its 260 K value: within 10 % */
  assert_true(fabs(x.levels[0].N_cm3 / 1e15 - 1.0) < 0.10);
  assert_true(fabs(x.levels[0].lambda_nm / (lam / IDR_NM_TO_M) - 1.0) < 0.15);
  idr_tas_extraction_free(&x);
}

static void test_no_level(void **state) {
  (void)state;
  static synth s;
  make(&s, 0, NULL, NULL, NULL);
  idr_tas_options o;
  opts(&o);
  idr_tas_extraction x;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_tas_extract(s.c, NT, &o, &x, &err), IDR_OK);
  assert_int_equal(x.n_levels, 0);
  assert_int_equal(x.n_bands, 0);
  idr_tas_extraction_free(&x);
}

static void test_bad_input(void **state) {
  (void)state;
  static synth s;
  const double E = 0.3, xi = 1e6, dC = 1e-5;
  make(&s, 1, &E, &xi, &dC);
  idr_tas_options o;
  opts(&o);
  idr_tas_extraction x;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_tas_extract(s.c, 1, &o, &x, &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "need 2 to 64 temperatures (got 1)"));
  o.eps_r = NAN;
  idr_error_clear(&err);
  assert_int_equal(idr_tas_extract(s.c, NT, &o, &x, &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "eps_r"));
  opts(&o);
  double f[NF];
  memcpy(f, s.f, sizeof f);
  f[7] = f[6];
  s.c[2].f_Hz = f;
  idr_error_clear(&err);
  assert_int_equal(idr_tas_extract(s.c, NT, &o, &x, &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "frequencies at 300 K must increase strictly"));
  s.c[2].f_Hz = s.f;
  s.c[3].T_K = s.c[2].T_K;
  idr_error_clear(&err);
  assert_int_equal(idr_tas_extract(s.c, NT, &o, &x, &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "temperature 300 K is given twice"));
  s.c[3].T_K = 280.0;
  s.c[4].n = 4;
  idr_error_clear(&err);
  assert_int_equal(idr_tas_extract(s.c, NT, &o, &x, &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "needs at least 5 frequencies (got 4)"));
}

/* The deck of validation/tas/level.yaml with 5 temperatures. */
static void load_level(idr_deck *d) {
  static const char *const sets[] = {"protocol.temperatures_K=[320, 290, 260, 230, 200]"};
  idr_error err;
  idr_error_clear(&err);
  if (idr_deck_load(IDR_SOURCE_DIR "/validation/tas/level.yaml", sets, 1, IDR_MATERIALS_DIR, d,
                    &err))
    fail_msg("%s", err.msg);
}

/* Results do not depend on the number of threads. */
static void test_threads(void **state) {
  (void)state;
  idr_deck d;
  load_level(&d);
  idr_mesh *m = NULL;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_mesh_build(&d, &m, &err), IDR_OK);
  idr_sim_opts o = idr_sim_opts_from_deck(&d);
  idr_tas_result a, b;
  assert_int_equal(idr_run_tas(&d, m, &o, 1, NULL, NULL, &a, &err), IDR_OK);
  assert_int_equal(idr_run_tas(&d, m, &o, 2, NULL, NULL, &b, &err), IDR_OK);
  assert_int_equal(a.n_T, 5);
  assert_int_equal(a.n_f, 61);
  assert_memory_equal(a.C, b.C, (size_t)a.n_T * a.n_f * sizeof *a.C);
  assert_memory_equal(a.G, b.G, (size_t)a.n_T * a.n_f * sizeof *a.G);
  idr_tas_result_free(&a);
  idr_tas_result_free(&b);
  idr_mesh_free(&m);
  idr_deck_free(&d);
}

/* A run's CSV read back as measured data gives the run's analysis. */
static void test_csv_same_path(void **state) {
  (void)state;
  idr_deck d;
  load_level(&d);
  char h5[] = "/tmp/idr_test_tas_XXXXXX";
  int fd = mkstemp(h5);
  assert_true(fd >= 0);
  close(fd);
  char csv[64];
  snprintf(csv, sizeof csv, "%s.csv", h5);
  idr_rset *rs = NULL;
  idr_error err;
  idr_error_clear(&err);
  idr_run_options ro = {1, NULL, NULL};
  if (idr_run_deck(&d, &ro, &rs, &err)) fail_msg("%s", err.msg);
  assert_int_equal(idr_rset_write(rs, h5, csv, &err), IDR_OK);
  idr_rset_view v;
  assert_int_equal(idr_rset_find(rs, "tas/extraction/level_0", &v), IDR_OK);
  int is_s;
  double E_run = NAN;
  const char *sv;
  assert_int_equal(idr_rset_attr_find(rs, "tas/extraction/level_0", "E_eV", &is_s, &E_run, &sv),
                   IDR_OK);
  const idr_mdata_spec spec = {.group = IDR_Q_TEMPERATURE,
                               .x = IDR_Q_FREQUENCY,
                               .ny = 1,
                               .y = {IDR_Q_CAPACITANCE},
                               .x_positive = 1,
                               .x_unique = 1};
  idr_mdata md;
  assert_int_equal(idr_mdata_read(csv, &spec, NULL, &md, &err), IDR_OK);
  idr_tas_curve c[8];
  assert_int_equal(md.m, 5);
  for (size_t j = 0; j < md.m; j++)
    c[j] = (idr_tas_curve){md.group[j], md.off[j + 1] - md.off[j], md.x + md.off[j],
                           md.y[0] + md.off[j]};
  idr_tas_options o;
  idr_tas_options_default(&o);
  o.C_to_F_m2 = 1.0 / IDR_CM2_TO_M2; /* the CSV's capacitance_F is for 1 cm^2 */
  o.eps_r = 30.0;
  o.V_bi_V = 1.2;
  idr_tas_extraction x;
  assert_int_equal(idr_tas_extract(c, md.m, &o, &x, &err), IDR_OK);
  assert_int_equal(x.n_levels, 1);
  /* the CSV holds %.10g: the same level to a few 1e-9 */
  assert_true(fabs(x.levels[0].E_eV - E_run) < 1e-7);
  idr_tas_extraction_free(&x);
  idr_mdata_free(&md);
  idr_rset_free(&rs);
  remove(h5);
  remove(csv);
  idr_deck_free(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_one_level),     cmocka_unit_test(test_two_levels),
      cmocka_unit_test(test_step_density),  cmocka_unit_test(test_no_level),
      cmocka_unit_test(test_bad_input),     cmocka_unit_test(test_threads),
      cmocka_unit_test(test_csv_same_path),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

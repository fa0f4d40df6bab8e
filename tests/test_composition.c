/*
 * Unit tests of the composition families (materials/composition.c): the
 * numbers the reference study states are reproduced exactly at their x, the
 * stated trends hold in the table, every column is monotone without
 * overshoot between table rows, the TID time constant of every composition
 * lies in the measurement window, x out of range and unknown families are
 * errors, bad family files are rejected with located messages, and decks
 * with a `composition:` layer resolve (or fail) as documented.
 * Reference: Xiang et al., J. Mater. Chem. A 2026, 14, 16493.
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
#include <sys/stat.h>

#include "idr_materials.h"

#define SCRATCH "test_composition_scratch"
#define SAMPLES 1000       /* points sampled over the table's x range */
#define X_MAX 0.25         /* FAPbI3-Br table range [0, X_MAX] */
#define N_A_EXAMPLE 1e17   /* absorber doping of the example deck [cm^-3] */
#define TAU_IDEAL_MIN 1e-4 /* ideal TID time window [s] */
#define TAU_IDEAL_MAX 1.0

#define assert_double_equal(got, want, tol) check_double((got), (want), (tol), #got, __LINE__)
static void check_double(double got, double want, double tol, const char *what, int line) {
  if (!(fabs(got - want) <= tol))
    fail_msg("line %d: %s = %.17g, want %.17g (tol %g)", line, what, got, want, tol);
}

static idr_composition eval_ok(const char *family, double x) {
  idr_composition c;
  idr_error e;
  idr_error_clear(&e);
  if (idr_composition_eval(family, x, IDR_MATERIALS_DIR, &c, &e) != IDR_OK)
    fail_msg("%s at x = %g: %s", family, x, e.msg);
  return c;
}

static int col_index(const char *key) {
  for (int k = 0; k < IDR_COMP_NCOLS; k++)
    if (strcmp(idr_composition_column_key(k), key) == 0) return k;
  fail_msg("no column %s", key);
  return -1;
}

static void test_stated_values(void **state) {
  (void)state;
  idr_composition c = eval_ok("FAPbI3-Br", 0);
  assert_string_equal(c.family, "FAPbI3-Br");
  assert_double_equal(c.Ea_halide_TID_eV, 0.131, 0); /* the study's TID values, as stated */
  assert_true(c.Ea_halide_eV > c.Ea_halide_TID_eV);  /* the inverted true barrier lies above */
  assert_double_equal(c.x_min, 0, 0);
  assert_double_equal(c.x_max, X_MAX, 0);
  c = eval_ok("FAPbI3-Br", 0.025);
  assert_double_equal(c.Ea_halide_TID_eV, 0.074, 0);
  assert_true(c.Ea_halide_eV > c.Ea_halide_TID_eV);
  /* FA+ present at x = 0.025 too (a tenth of band III): its missing light
   * signal is left to the blocking law of the light deck, not a zero density */
  assert_double_equal(c.N_FA_cm3, 0.1 * c.N_band_III_cm3, 1e-6 * c.N_FA_cm3);
  assert_true(c.N_FA_cm3 > 0);
  c = eval_ok("FAPbI3-Br", X_MAX); /* the last row is exact too */
  assert_double_equal(c.x, X_MAX, 0);
  assert_double_equal(c.Eg_eV, 1.6875, 0);
  /* The photo-aged 25 % Br sample: the fresh x = 0.25 row with a lower
   * halide barrier (Fig. 4a, S14), x may be omitted or 0.25. */
  idr_composition fresh = eval_ok("FAPbI3-Br", X_MAX), aged = eval_ok("FAPbI3-Br-aged", NAN);
  assert_double_equal(aged.x, X_MAX, 0);
  assert_true(aged.Ea_halide_eV < fresh.Ea_halide_eV - 0.02);
  assert_true(aged.Ea_halide_TID_eV < fresh.Ea_halide_TID_eV);
  assert_double_equal(aged.N_halide_cm3, fresh.N_halide_cm3, 0);
  assert_double_equal(aged.D0_halide_cm2_s, fresh.D0_halide_cm2_s, 0);
  assert_double_equal(aged.Eg_eV, fresh.Eg_eV, 0);
  assert_double_equal(aged.eps_r, fresh.eps_r, 0);
  aged = eval_ok("FAPbI3-Br-aged", X_MAX);
  assert_double_equal(aged.x, X_MAX, 0);
  /* FAPbI3 + 5 % FAI: x may be omitted (NAN) or 0. */
  idr_composition f = eval_ok("FAPbI3-FAI", NAN);
  assert_double_equal(f.Ea_halide_TID_eV, 0.063, 0);
  assert_double_equal(f.x, 0, 0);
  f = eval_ok("FAPbI3-FAI", 0);
  assert_double_equal(f.Ea_halide_TID_eV, 0.063, 0);
  assert_true(f.Ea_halide_eV > f.Ea_halide_TID_eV);
  /* Higher interstitial density than pure FAPbI3 (trap band II, Fig. S7a). */
  idr_composition p = eval_ok("FAPbI3-Br", 0);
  assert_true(f.N_band_II_cm3 > p.N_band_II_cm3);
  assert_true(f.N_halide_cm3 > p.N_halide_cm3);
  assert_true(f.Ea_halide_eV < p.Ea_halide_eV);
  assert_true(f.Ea_halide_TID_eV < p.Ea_halide_TID_eV);
}

/* Every column, every pair of neighbouring rows: the interpolant is
 * monotone between them and never leaves [min, max] of the pair. */
static void test_monotone_no_overshoot(void **state) {
  (void)state;
  const char *families[] = {"FAPbI3-Br"};
  for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
    idr_composition_table *t = NULL;
    idr_error e;
    idr_error_clear(&e);
    if (idr_composition_table_load(families[f], IDR_MATERIALS_DIR, &t, &e) != IDR_OK)
      fail_msg("%s", e.msg);
    size_t n = idr_composition_table_rows(t);
    assert_int_equal(n, 7);
    for (size_t r = 0; r + 1 < n; r++) {
      double x0 = idr_composition_table_x(t, r), x1 = idr_composition_table_x(t, r + 1);
      idr_composition a, b, prev;
      assert_int_equal(idr_composition_table_eval(t, x0, &a, &e), IDR_OK);
      assert_int_equal(idr_composition_table_eval(t, x1, &b, &e), IDR_OK);
      prev = a;
      for (int i = 1; i <= SAMPLES; i++) {
        idr_composition c;
        double x = x0 + (x1 - x0) * i / SAMPLES;
        if (i == SAMPLES) x = x1;
        assert_int_equal(idr_composition_table_eval(t, x, &c, &e), IDR_OK);
        for (int k = 0; k < IDR_COMP_NCOLS; k++) {
          double ya = idr_composition_column_get(&a, k), yb = idr_composition_column_get(&b, k);
          double y = idr_composition_column_get(&c, k), yp = idr_composition_column_get(&prev, k);
          double lo = fmin(ya, yb), hi = fmax(ya, yb), slack = 1e-12 * fabs(hi);
          if (!(y >= lo - slack && y <= hi + slack))
            fail_msg("%s: %s overshoots at x = %.6f: %g outside [%g, %g]", families[f],
                     idr_composition_column_key(k), x, y, lo, hi);
          if ((yb > ya && y < yp - slack) || (yb < ya && y > yp + slack))
            fail_msg("%s: %s not monotone at x = %.6f", families[f], idr_composition_column_key(k),
                     x);
        }
        prev = c;
      }
    }
    idr_composition_table_free(&t);
    assert_null(t);
  }
}

/* The trends the study states, on SAMPLES points over [0, 0.25]. */
static void test_stated_trends(void **state) {
  (void)state;
  double x_max_N = -1, N_max = -1, x_min_Ea = -1, Ea_min = INFINITY, x_min_tid = -1,
         tid_min = INFINITY;
  for (int i = 0; i <= SAMPLES; i++) {
    double x = X_MAX * i / SAMPLES;
    idr_composition c = eval_ok("FAPbI3-Br", x);
    if (c.N_halide_cm3 > N_max) N_max = c.N_halide_cm3, x_max_N = x;
    if (c.Ea_halide_eV < Ea_min) Ea_min = c.Ea_halide_eV, x_min_Ea = x;
    if (c.Ea_halide_TID_eV < tid_min) tid_min = c.Ea_halide_TID_eV, x_min_tid = x;
    /* Eg linear in x within its table (Fig. 1f). */
    assert_double_equal(c.Eg_eV, 1.53 + 0.63 * x, 1e-12);
    /* FA+ under light migrates with a lower Ea than the halide (Fig. 4a). */
    if (!(c.Ea_FA_light_eV < c.Ea_halide_eV))
      fail_msg("x = %g: Ea_FA_light %g >= Ea_halide %g", x, c.Ea_FA_light_eV, c.Ea_halide_eV);
    /* N_ion << N_A, so dC/C = N_ion/(2 N_A) holds for the example doping. */
    assert_true(c.N_halide_cm3 / N_A_EXAMPLE <= 0.1);
    assert_true(c.N_FA_cm3 > 0 && c.N_FA_cm3 / N_A_EXAMPLE <= 0.1);
  }
  assert_double_equal(x_max_N, 0.025, 0); /* N_halide maximum at x = 0.025 (Fig. 2c) */
  assert_double_equal(x_min_Ea, 0.025, 0);
  assert_double_equal(x_min_tid, 0.025, 0);

  /* Row by row. */
  static const double X[] = {0, 0.025, 0.05, 0.10, 0.15, 0.20, 0.25};
  idr_composition r[7];
  for (int i = 0; i < 7; i++)
    r[i] = eval_ok("FAPbI3-Br", X[i]);
  for (int i = 2; i < 7; i++) {
    assert_true(r[i].Ea_halide_eV > r[i - 1].Ea_halide_eV); /* gradual rise after 2.5 % */
    assert_true(r[i].Ea_halide_TID_eV > r[i - 1].Ea_halide_TID_eV);
    assert_true(r[i].N_band_II_cm3 < r[i - 1].N_band_II_cm3); /* band II falls after 2.5 % */
    if (i >= 3) assert_true(r[i].Ea_FA_light_eV < r[i - 1].Ea_FA_light_eV); /* FA Ea falls */
    if (i >= 3) assert_true(r[i].N_band_III_cm3 > r[i - 1].N_band_III_cm3); /* band III up */
  }
  /* mobile FA+ under light: a tenth of band III at every row (its trend) */
  for (int i = 0; i < 7; i++)
    assert_double_equal(r[i].N_FA_cm3, 0.1 * r[i].N_band_III_cm3, 1e-6 * r[i].N_FA_cm3);
  assert_true(r[1].N_band_II_cm3 > 2 * r[0].N_band_II_cm3); /* sharply up at 2.5 % */
  assert_true(r[1].N_band_III_cm3 < r[0].N_band_III_cm3 &&
              r[2].N_band_III_cm3 < r[1].N_band_III_cm3); /* band III down to 5 % */
  assert_true(r[1].Ea_FA_light_eV > r[0].Ea_FA_light_eV &&
              r[2].Ea_FA_light_eV > r[1].Ea_FA_light_eV);          /* FA Ea up to 5 % */
  assert_true(fabs(r[4].Ea_halide_eV - r[6].Ea_halide_eV) < 0.01); /* 15 % ~ 25 % */
  /* Mobile-ion density opposite in trend to Ea: reverse order over all rows. */
  for (int i = 0; i < 7; i++)
    for (int j = 0; j < 7; j++)
      if (r[i].Ea_halide_eV < r[j].Ea_halide_eV) assert_true(r[i].N_halide_cm3 > r[j].N_halide_cm3);
  /* Lattice constant: linear except the anomalously large x = 0.025. */
  double slope = (r[6].a_A - r[0].a_A) / (X[6] - X[0]);
  for (int i = 0; i < 7; i++) {
    double line = r[0].a_A + slope * X[i];
    if (i == 1)
      assert_true(r[i].a_A > line + 1e-3);
    else
      assert_double_equal(r[i].a_A, line, 1e-9);
  }
  /* The static interstitial excess (the FA+ blocker under light): 3 (a_A -
   * a_Vegard)/a_A^4, one formula-unit volume per interstitial; 0 on the line,
   * ~1e19 cm^-3 at x = 0.025 only (1 % of the peak: the table's rounding). */
  for (int i = 0; i < 7; i++) {
    const double a_cm = r[i].a_A * 1e-8, aV_cm = (6.362 - 0.372 * X[i]) * 1e-8;
    const double want = 3.0 * (a_cm - aV_cm) / pow(a_cm, 4);
    assert_double_equal(r[i].N_Ii_excess_cm3, want, 0.01 * 1.16e19);
    if (i != 1) assert_double_equal(r[i].N_Ii_excess_cm3, 0, 0);
  }
  assert_true(r[1].N_Ii_excess_cm3 > 1e3 * r[1].N_band_II_cm3);
  assert_int_equal(col_index("a_A"), 3);
}

/* tau = kT eps / (q^2 D N_A), D = D0 exp(-Ea/kT): inside the TID window at
 * every composition and temperature (SI inside). */
static double tau_s(double T_K, double eps_r, double D0_cm2_s, double Ea_eV, double N_A_cm3) {
  double D = D0_cm2_s * 1e-4 * exp(-Ea_eV / (IDR_KB_EV * T_K));
  return IDR_KB * T_K * eps_r * IDR_EPS0 / (IDR_Q * IDR_Q * D * N_A_cm3 * 1e6);
}

static void test_tau_window(void **state) {
  (void)state;
  static const double T[] = {200, 250, 300};
  for (int i = 0; i <= SAMPLES + 1; i++) {
    idr_composition c =
        i <= SAMPLES ? eval_ok("FAPbI3-Br", X_MAX * i / SAMPLES) : eval_ok("FAPbI3-FAI", 0);
    for (int j = 0; j < 3; j++) {
      double th = tau_s(T[j], c.eps_r, c.D0_halide_cm2_s, c.Ea_halide_eV, N_A_EXAMPLE);
      double tf = tau_s(T[j], c.eps_r, c.D0_FA_cm2_s, c.Ea_FA_light_eV, N_A_EXAMPLE);
      if (!(th >= TAU_IDEAL_MIN && th <= TAU_IDEAL_MAX && tf >= TAU_IDEAL_MIN &&
            tf <= TAU_IDEAL_MAX))
        fail_msg("%s x = %g, T = %g K: tau_halide %g s, tau_FA %g s outside [%g, %g]", c.family,
                 c.x, T[j], th, tf, TAU_IDEAL_MIN, TAU_IDEAL_MAX);
    }
  }
  /* The documented figures (docs/materials.md) for x = 0 at 300 K / 200 K. */
  idr_composition c = eval_ok("FAPbI3-Br", 0);
  assert_double_equal(tau_s(300, c.eps_r, c.D0_halide_cm2_s, c.Ea_halide_eV, N_A_EXAMPLE), 7.80e-3,
                      0.01e-3);
  assert_double_equal(tau_s(200, c.eps_r, c.D0_halide_cm2_s, c.Ea_halide_eV, N_A_EXAMPLE), 1.255e-1,
                      0.001e-1);
}

static void test_range_and_family_errors(void **state) {
  (void)state;
  idr_composition c;
  idr_error e;
  static const double BAD[] = {0.3, -0.01, 0.2500001};
  for (size_t i = 0; i < 3; i++) {
    idr_error_clear(&e);
    assert_int_equal(idr_composition_eval("FAPbI3-Br", BAD[i], IDR_MATERIALS_DIR, &c, &e),
                     IDR_ERR_RANGE);
    assert_non_null(strstr(e.msg, "composition FAPbI3-Br: x must be in [0, 0.25] (got"));
    assert_double_equal(c.x_max, X_MAX, 0);
  }
  idr_error_clear(&e);
  assert_int_equal(idr_composition_eval("FAPbI3-Br", 0.3, IDR_MATERIALS_DIR, &c, &e),
                   IDR_ERR_RANGE);
  assert_string_equal(e.msg, "composition FAPbI3-Br: x must be in [0, 0.25] (got 0.3): a table "
                             "is never extrapolated");
  idr_error_clear(&e);
  assert_int_equal(idr_composition_eval("FAPbI3-Br", NAN, IDR_MATERIALS_DIR, &c, &e),
                   IDR_ERR_RANGE); /* x must be given for a multi-row family */
  idr_error_clear(&e);
  assert_int_equal(idr_composition_eval("FAPbI3-FAI", 0.1, IDR_MATERIALS_DIR, &c, &e),
                   IDR_ERR_RANGE);
  assert_non_null(strstr(e.msg, "x must be in [0, 0] (got 0.1)"));
  idr_error_clear(&e);
  assert_int_equal(idr_composition_eval("MAPbI3-Br", 0.1, IDR_MATERIALS_DIR, &c, &e), IDR_ERR_IO);
  assert_string_equal(e.msg, "unknown composition family 'MAPbI3-Br' (known: FAPbI3-Br | "
                             "FAPbI3-Br-aged | FAPbI3-FAI)");
  idr_error_clear(&e);
  assert_int_equal(idr_composition_eval("../FAPbI3", 0, IDR_MATERIALS_DIR, &c, &e), IDR_ERR_IO);
  char buf[8];
  idr_error_clear(&e);
  assert_int_equal(idr_composition_families(IDR_MATERIALS_DIR, buf, sizeof buf, &e), IDR_OK);
  assert_string_equal(buf, "FAPbI3-"); /* truncated, never overflowed */
  idr_error_clear(&e);
  assert_int_equal(idr_composition_families("no/such/dir", buf, sizeof buf, &e), IDR_ERR_IO);
  assert_null(idr_composition_column_key(IDR_COMP_NCOLS));
}

/* ---- bad family files --------------------------------------------------- */

static void write_family(const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof path, SCRATCH "/composition/%s.yaml", name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* A valid two-row family with `row2` as its second row's Ea entry. */
static void family_text(char *buf, size_t size, const char *interp_eg, const char *x2,
                        const char *ea2) {
  size_t at = (size_t)snprintf(buf, size, "family: T\ninterpolation:\n  Eg_eV: %s\n", interp_eg);
  for (int k = 1; k < IDR_COMP_NCOLS; k++)
    at += (size_t)snprintf(buf + at, size - at, "  %s: steffen\n", idr_composition_column_key(k));
  at += (size_t)snprintf(buf + at, size - at, "rows:\n");
  for (int r = 0; r < 2; r++) {
    at += (size_t)snprintf(buf + at, size - at, "  - x: {value: %s, source: s}\n", r ? x2 : "0.1");
    for (int k = 0; k < IDR_COMP_NCOLS; k++) {
      const char *v = k == 0 ? "1.6" : k == 5 && r ? ea2 : "0.3";
      at += (size_t)snprintf(buf + at, size - at, "    %s: {value: %s, source: \"illustrative\"}\n",
                             idr_composition_column_key(k), v);
    }
  }
}

static void test_bad_files(void **state) {
  (void)state;
  char text[8192];
  idr_composition c;
  idr_error e;
  family_text(text, sizeof text, "linear", "0.2", "0.35");
  write_family("T", text);
  idr_error_clear(&e);
  if (idr_composition_eval("T", 0.15, SCRATCH, &c, &e) != IDR_OK) fail_msg("%s", e.msg);
  assert_double_equal(c.Ea_halide_eV, 0.325, 1e-15); /* two rows: steffen is linear */

  struct {
    const char *interp, *x2, *ea2, *expect;
  } cases[] = {
      {"cubic", "0.2", "0.3",
       "T.yaml:3:10: interpolation.Eg_eV must be one of linear | steffen "
       "(got 'cubic')"},
      {"linear", "0.1", "0.3",
       "rows[1].x.value must be > the previous row's x = 0.1 "
       "(increasing order) (got 0.1)"},
      {"linear", "1.5", "0.3", "rows[1].x.value must be in [0, 1] (got 1.5)"},
      {"linear", "0.2", "-0.3", "rows[1].Ea_halide_eV.value must be >= 0 (got -0.3)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    family_text(text, sizeof text, cases[i].interp, cases[i].x2, cases[i].ea2);
    write_family("T", text);
    idr_error_clear(&e);
    idr_status st = idr_composition_eval("T", 0.15, SCRATCH, &c, &e);
    if (st != IDR_ERR_INPUT || !strstr(e.msg, cases[i].expect))
      fail_msg("case %zu: status %d\n  got:    %s\n  wanted: %s", i, (int)st, e.msg,
               cases[i].expect);
  }
  /* No provenance; a level outside the gap; the wrong family name. */
  family_text(text, sizeof text, "linear", "0.2", "0.3");
  char *src = strstr(text, "Ea_halide_eV: {value: 0.3, source: \"illustrative\"}");
  assert_non_null(src);
  memcpy(src, "Ea_halide_eV: {value: 0.3}                        ", 51);
  write_family("T", text);
  idr_error_clear(&e);
  assert_int_equal(idr_composition_eval("T", 0.15, SCRATCH, &c, &e), IDR_ERR_INPUT);
  assert_non_null(strstr(e.msg, "rows[0].Ea_halide_eV.source must be given: every number needs "
                                "its provenance"));
  family_text(text, sizeof text, "linear", "0.2", "0.3");
  src = strstr(text, "E_band_II_from_Ev_eV: {value: 0.3");
  memcpy(src, "E_band_II_from_Ev_eV: {value: 1.7", 33);
  write_family("T", text);
  idr_error_clear(&e);
  assert_int_equal(idr_composition_eval("T", 0.15, SCRATCH, &c, &e), IDR_ERR_INPUT);
  assert_non_null(strstr(
      e.msg, "rows[0].E_band_II_from_Ev_eV.value must be < this row's Eg_eV = 1.6 (got 1.7)"));
  family_text(text, sizeof text, "linear", "0.2", "0.3");
  write_family("U", text);
  idr_error_clear(&e);
  assert_int_equal(idr_composition_eval("U", 0.15, SCRATCH, &c, &e), IDR_ERR_INPUT);
  assert_non_null(strstr(e.msg, "U.yaml:1:9: family must be 'U', the file's name (got 'T')"));
  write_family("U", "family: U\ninterpolation: {}\n");
  idr_error_clear(&e);
  assert_int_equal(idr_composition_eval("U", 0.15, SCRATCH, &c, &e), IDR_ERR_INPUT);
  assert_non_null(strstr(e.msg, "interpolation.Eg_eV must be given"));
}

/* ---- decks ----------------------------------------------------------------- */

/* The example stack with a composition absorber: x, extra absorber keys,
 * then the sections after `layers`. */
#define STACK                                                                                      \
  "layers:\n"                                                                                      \
  "  - {name: HTL, material: PTAA, thickness_nm: 20, N_A_cm3: 1e18}\n"                             \
  "  - name: perovskite\n"                                                                         \
  "    material: FAPbI3\n"                                                                         \
  "    composition: {family: FAPbI3-Br, x: %s}\n"                                                  \
  "    thickness_nm: 500\n"                                                                        \
  "    N_A_cm3: 1e17\n"                                                                            \
  "%s"                                                                                             \
  "  - {name: ETL, material: C60, thickness_nm: 30, N_D_cm3: 1e18}\n"                              \
  "%s"

static idr_status load_stack(const char *x, const char *extra_layer, const char *rest, idr_deck *d,
                             idr_error *e) {
  char text[4096];
  snprintf(text, sizeof text, STACK, x, extra_layer, rest);
  idr_error_clear(e);
  return idr_deck_load_string(text, "deck.yaml", NULL, 0, IDR_MATERIALS_DIR, d, e);
}

static void test_deck_composition(void **state) {
  (void)state;
  idr_deck d;
  idr_error e;
  const char *rest = "ions:\n"
                     "  - {name: halide, charge: -1, layers: [perovskite]}\n"
                     "  - {name: FA, charge: +1, layers: [perovskite], D0_cm2_s: 2.385e-7}\n"
                     "traps:\n"
                     "  - {name: II, layer: perovskite, type: acceptor, from_composition: "
                     "band_II,\n"
                     "     c_n_cm3_s: 1e-9, c_p_cm3_s: 1e-9}\n"
                     "  - {name: III, layer: perovskite, type: donor, from_composition: band_III,\n"
                     "     density_cm3: 4.5e14, sigma_n_cm2: 1e-16, sigma_p_cm2: 1e-16}\n";
  if (load_stack("0.075", "    eps_r: 30\n", rest, &d, &e) != IDR_OK) fail_msg("%s", e.msg);
  idr_composition c = eval_ok("FAPbI3-Br", 0.075);
  const idr_layer *L = &d.layers[1];
  assert_string_equal(L->composition_family, "FAPbI3-Br");
  assert_double_equal(L->composition_x, 0.075, 0);
  assert_double_equal(L->mat.Eg_eV, c.Eg_eV, 0);
  assert_double_equal(L->mat.Eg_eV, 1.53 + 0.63 * 0.075, 1e-12);
  assert_double_equal(L->mat.chi_eV, c.chi_eV, 0);
  assert_double_equal(L->mat.eps_r, 30, 0);                /* inline overrides the composition */
  assert_double_equal(L->mat.Nc_cm3, 2.2e18, 0);           /* the rest from the material file */
  assert_string_equal(d.layers[0].composition_family, ""); /* other layers untouched */
  assert_double_equal(d.ions[0].density_cm3, c.N_halide_cm3, 0);
  assert_double_equal(d.ions[0].Ea_eV, c.Ea_halide_eV, 0);
  assert_double_equal(d.ions[0].D0_cm2_s, c.D0_halide_cm2_s, 0);
  assert_double_equal(d.ions[1].density_cm3, c.N_FA_cm3, 0);
  assert_double_equal(d.ions[1].Ea_eV, c.Ea_FA_light_eV, 0);
  assert_double_equal(d.ions[1].D0_cm2_s, 2.385e-7, 0); /* explicit value kept */
  assert_int_equal(d.traps[0].ref, IDR_EREF_EV);
  assert_double_equal(d.traps[0].E_eV, c.E_band_II_from_Ev_eV, 0);
  assert_double_equal(d.traps[0].density_cm3, c.N_band_II_cm3, 0);
  assert_double_equal(d.traps[1].E_eV, c.E_band_III_from_Ev_eV, 0);
  assert_double_equal(d.traps[1].density_cm3, 4.5e14, 0); /* explicit value kept */
  assert_non_null(strstr(d.resolved_yaml, "composition_ref: {family: \"FAPbI3-Br\", x: 0.075}"));
  /* The resolved deck reloads without any data file, to the same struct. */
  idr_deck b;
  idr_error_clear(&e);
  if (idr_deck_load_string(d.resolved_yaml, "resolved.yaml", NULL, 0, "no/such/dir", &b, &e) !=
      IDR_OK)
    fail_msg("%s", e.msg);
  assert_string_equal(d.resolved_yaml, b.resolved_yaml);
  assert_string_equal(b.layers[1].composition_family, "FAPbI3-Br");
  assert_double_equal(b.ions[0].Ea_eV, c.Ea_halide_eV, 0);
  idr_deck_free(&b);
  idr_deck_free(&d);

  /* At a table row the row's number arrives in the deck exactly. */
  if (load_stack("0.025", "", "ions: [{name: h, charge: -1, layers: [perovskite]}]\n", &d, &e) !=
      IDR_OK)
    fail_msg("%s", e.msg);
  assert_double_equal(d.ions[0].Ea_eV, eval_ok("FAPbI3-Br", 0.025).Ea_halide_eV, 0);
  idr_deck_free(&d);

  /* The FA+ blocked by the composition's interstitial excess (x = 0.025) and
   * the halide, the light deck's form; an explicit density overrides it. */
  const char *blk = "ions:\n  - {name: h, charge: -1, layers: [perovskite]}\n"
                    "  - {name: FA, charge: 1, layers: [perovskite], blocked_by: {species: h,\n"
                    "     from_composition: interstitial_excess, c_block_cm3: 1e16, "
                    "provenance: x}}\n";
  if (load_stack("0.025", "", blk, &d, &e) != IDR_OK) fail_msg("%s", e.msg);
  assert_double_equal(d.ions[1].block_density_cm3, eval_ok("FAPbI3-Br", 0.025).N_Ii_excess_cm3, 0);
  assert_true(d.ions[1].block_density_cm3 > 1e19);
  assert_int_equal(d.ions[1].blocked_by, 0);
  idr_deck_free(&d);
  if (load_stack("0.05", "", blk, &d, &e) != IDR_OK) fail_msg("%s", e.msg);
  assert_double_equal(d.ions[1].block_density_cm3, 0, 0);
  idr_deck_free(&d);
  const char *set[] = {"ions[1].blocked_by.density_cm3=3e17"};
  char text[4096];
  snprintf(text, sizeof text, STACK, "0.025", "", blk);
  idr_error_clear(&e);
  if (idr_deck_load_string(text, "deck.yaml", set, 1, IDR_MATERIALS_DIR, &d, &e) != IDR_OK)
    fail_msg("%s", e.msg);
  assert_double_equal(d.ions[1].block_density_cm3, 3e17, 0);
  idr_deck_free(&d);

  /* The FAI sample: no x. */
  const char *fai = "layers:\n"
                    "  - {name: pvk, material: FAPbI3, composition: {family: FAPbI3-FAI},\n"
                    "     thickness_nm: 500}\n"
                    "ions: [{name: h, charge: -1, layers: [pvk], D0_cm2_s: 1e-6}]\n";
  idr_error_clear(&e);
  if (idr_deck_load_string(fai, "deck.yaml", NULL, 0, IDR_MATERIALS_DIR, &d, &e) != IDR_OK)
    fail_msg("%s", e.msg);
  assert_double_equal(d.ions[0].Ea_eV, eval_ok("FAPbI3-FAI", NAN).Ea_halide_eV, 0);
  assert_double_equal(d.ions[0].D0_cm2_s, 1e-6, 0);
  assert_double_equal(d.layers[0].composition_x, 0, 0);
  idr_deck_free(&d);
}

typedef struct deck_case {
  const char *x, *extra, *rest, *expect;
} deck_case;

static void test_deck_errors(void **state) {
  (void)state;
  static const deck_case CASES[] = {
      {"0.3", "", "", "deck.yaml:5:41: layers[1].composition.x must be in [0, 0.25] (got 0.3)"},
      {"-0.05", "", "", "deck.yaml:5:41: layers[1].composition.x must be in [0, 0.25] (got -0.05)"},
      {"nan", "", "", "deck.yaml:5:41: layers[1].composition.x must be a finite number (got nan)"},
      {"0.1, y: 2", "", "",
       "deck.yaml:5:46: layers[1].composition.y must be a known key, did you mean 'x'? (got "
       "'y')"},
      {"0.1", "    composition_ref: {family: FAPbI3-Br, x: 0.1}\n", "",
       "deck.yaml:8:5: layers[1].composition_ref must be absent when composition is given"},
      /* an ion needing values, in a layer without a composition */
      {"0.1", "", "ions: [{name: h, charge: -1, layers: [HTL]}]\n",
       "deck.yaml:9:8: ions[0].density_cm3 must be given (got nothing)"},
      {"0.1", "",
       "traps: [{name: t, layer: ETL, type: donor, from_composition: band_II, c_n_cm3_s: 1e-9,\n"
       "         c_p_cm3_s: 1e-9}]\n",
       "deck.yaml:9:62: traps[0].from_composition must be used in a layer with a composition, "
       "and layer 'ETL' has none (got 'band_II')"},
      {"0.1", "",
       "ions: [{name: h, charge: -1, layers: [HTL], density_cm3: 1, D0_cm2_s: 1, Ea_eV: 0.1,\n"
       "        blocked_by: {from_composition: interstitial_excess, c_block_cm3: 1, "
       "provenance: x}}]\n",
       "deck.yaml:10:40: ions[0].blocked_by.from_composition must be used by a species living in "
       "exactly one layer with a composition, and species 'h' does not (got "
       "'interstitial_excess')"},
      {"0.1", "",
       "ions: [{name: h, charge: -1, layers: [perovskite], blocked_by: {from_composition: "
       "excess,\n        c_block_cm3: 1, provenance: x}}]\n",
       "ions[0].blocked_by.from_composition must be one of interstitial_excess (got 'excess')"},
      {"0.1", "", "traps: [{name: t, layer: perovskite, type: donor, from_composition: band_IV}]\n",
       "deck.yaml:9:69: traps[0].from_composition must be one of band_II | band_III (got "
       "'band_IV')"},
      {"0.1", "", "traps: [{name: t, layer: perovskite, type: donor, from_composition: band_II}]\n",
       "deck.yaml:9:9: traps[0].c_n_cm3_s must be given with c_p_cm3_s, or sigma_n_cm2 and "
       "sigma_p_cm2 instead (got nothing)"},
  };
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    idr_deck d;
    idr_error e;
    idr_status st = load_stack(CASES[i].x, CASES[i].extra, CASES[i].rest, &d, &e);
    if (st != IDR_ERR_INPUT || !strstr(e.msg, CASES[i].expect))
      fail_msg("case %zu: status %d\n  got:    %s\n  wanted: %s", i, (int)st, e.msg,
               CASES[i].expect);
    assert_null(d.resolved_yaml);
  }
  /* Unknown family: the known ones are listed. */
  idr_deck d;
  idr_error e;
  const char *bad = "layers:\n"
                    "  - {name: pvk, material: FAPbI3, composition: {family: MAPbI3-Br, x: 0.1},\n"
                    "     thickness_nm: 500}\n";
  idr_error_clear(&e);
  assert_int_equal(idr_deck_load_string(bad, "deck.yaml", NULL, 0, IDR_MATERIALS_DIR, &d, &e),
                   IDR_ERR_INPUT);
  assert_string_equal(e.msg, "deck.yaml:2:57: layers[0].composition.family must be one of "
                             "FAPbI3-Br | FAPbI3-Br-aged | FAPbI3-FAI (got 'MAPbI3-Br')");
  /* x missing for a multi-row family. */
  const char *nox = "layers:\n"
                    "  - {name: pvk, material: FAPbI3, composition: {family: FAPbI3-Br},\n"
                    "     thickness_nm: 500}\n";
  idr_error_clear(&e);
  assert_int_equal(idr_deck_load_string(nox, "deck.yaml", NULL, 0, IDR_MATERIALS_DIR, &d, &e),
                   IDR_ERR_INPUT);
  assert_string_equal(e.msg, "deck.yaml:2:48: layers[0].composition.x must be given, in [0, "
                             "0.25] (got nothing)");
  /* --set reaches the composition like any key. */
  const char *set[] = {"layers[0].composition.x=0.5"};
  const char *ok = "layers:\n"
                   "  - {name: pvk, material: FAPbI3, composition: {family: FAPbI3-Br, x: 0.1},\n"
                   "     thickness_nm: 500}\n";
  idr_error_clear(&e);
  assert_int_equal(idr_deck_load_string(ok, "deck.yaml", set, 1, IDR_MATERIALS_DIR, &d, &e),
                   IDR_ERR_INPUT);
  assert_non_null(strstr(e.msg, "layers[0].composition.x"));
  assert_non_null(strstr(e.msg, "must be in [0, 0.25] (got 0.5)"));
  /* config/ alone cannot evaluate a composition. */
  idr_error_clear(&e);
  assert_int_equal(idr_deck_parse_string(ok, "deck.yaml", NULL, 0, NULL, NULL, &d, &e),
                   IDR_ERR_INPUT);
  assert_non_null(strstr(e.msg, "material must be resolved by the materials module"));
  const char *inl = "layers:\n"
                    "  - {name: pvk, composition: {family: FAPbI3-Br, x: 0.1}, thickness_nm: 500,\n"
                    "     Nc_cm3: 2e18, Nv_cm3: 2e18, mu_n_cm2_Vs: 1, mu_p_cm2_Vs: 1}\n";
  idr_error_clear(&e);
  assert_int_equal(idr_deck_parse_string(inl, "deck.yaml", NULL, 0, NULL, NULL, &d, &e),
                   IDR_ERR_INPUT);
  assert_string_equal(e.msg, "deck.yaml:2:30: layers[0].composition must be resolved by the "
                             "materials module: load decks with idr_deck_load (got family "
                             "'FAPbI3-Br')");
  /* A composition supplies Eg, chi, eps: an inline layer needs the rest only. */
  idr_error_clear(&e);
  if (idr_deck_load_string(inl, "deck.yaml", NULL, 0, IDR_MATERIALS_DIR, &d, &e) != IDR_OK)
    fail_msg("%s", e.msg);
  idr_deck_free(&d);
}

static int setup(void **state) {
  (void)state;
  mkdir(SCRATCH, 0755);
  mkdir(SCRATCH "/composition", 0755);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stated_values),           cmocka_unit_test(test_monotone_no_overshoot),
      cmocka_unit_test(test_stated_trends),           cmocka_unit_test(test_tau_window),
      cmocka_unit_test(test_range_and_family_errors), cmocka_unit_test(test_bad_files),
      cmocka_unit_test(test_deck_composition),        cmocka_unit_test(test_deck_errors),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}

/*
 * Unit tests of the sweep module (sweep/idr_sweep.h, docs/sweep.md): the
 * order of a grid's points (first axis slowest, a zip group as one
 * dimension), linspace / logspace ends, the first points of GSL's Sobol
 * sequence against the published ones (Bratley & Fox 1988: 1/2, 3/4 1/4,
 * 1/4 3/4, 3/8 3/8) mapped to linear and log ranges, one point evaluated
 * (outputs of the point's deck), and the resolved spec: comments do not
 * change it, a value does.
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

#include "iondrift.h"

#define DECK IDR_SOURCE_DIR "/validation/sweep/tid_small.yaml"

/* A spec file (deck: the small TID deck, then body) in a temporary
 * directory; the path into buf. */
static void write_spec(char *buf, size_t size, const char *body) {
  char dir[] = "/tmp/idr_test_sweep_XXXXXX";
  assert_non_null(mkdtemp(dir));
  snprintf(buf, size, "%s/spec.yaml", dir);
  FILE *f = fopen(buf, "w");
  assert_non_null(f);
  fprintf(f, "deck: %s\n%s", DECK, body);
  fclose(f);
}

static void remove_spec(const char *path) {
  char dir[512];
  snprintf(dir, sizeof dir, "%s", path);
  *strrchr(dir, '/') = '\0';
  unlink(path);
  rmdir(dir);
}

static idr_sweep *load(const char *body) {
  char path[512];
  write_spec(path, sizeof path, body);
  idr_error err;
  idr_error_clear(&err);
  idr_sweep *sw = NULL;
  idr_status st = idr_sweep_load(path, &sw, &err);
  remove_spec(path);
  if (st) fail_msg("%s", err.msg);
  return sw;
}

static double value(const idr_sweep *sw, size_t i, size_t k) {
  char t[64];
  idr_sweep_axis_text(sw, i, k, t, sizeof t);
  return strtod(t, NULL);
}

static void test_grid_order(void **state) {
  (void)state;
  idr_sweep *sw = load("axes:\n"
                       "  - {path: ions.0.Ea_eV, values: [0.125, 0.25]}\n"
                       "  - zip:\n"
                       "      - {path: mesh.nodes, values: [80, 90, 100]}\n"
                       "      - {path: layers.1.thickness_nm, values: [300, 400, 500]}\n"
                       "outputs: [steps]\n");
  assert_int_equal(idr_sweep_n_points(sw), 6);
  assert_int_equal(idr_sweep_n_axes(sw), 3);
  assert_string_equal(idr_sweep_axis_path(sw, 2), "layers[1].thickness_nm");
  const double want[6][3] = {{0.125, 80, 300}, {0.125, 90, 400}, {0.125, 100, 500},
                             {0.25, 80, 300},  {0.25, 90, 400},  {0.25, 100, 500}};
  for (size_t i = 0; i < 6; i++)
    for (size_t k = 0; k < 3; k++)
      assert_true(value(sw, i, k) == want[i][k]);
  assert_string_equal(idr_sweep_design_name(sw), "grid");
  idr_sweep_free(&sw);
  assert_null(sw);
}

static void test_spaces(void **state) {
  (void)state;
  idr_sweep *sw = load("design: zip\n"
                       "axes:\n"
                       "  - {path: ions.0.density_cm3, logspace: [1e15, 1e17, 3]}\n"
                       "  - {path: ions.0.Ea_eV, linspace: [0.1, 0.2, 3]}\n"
                       "outputs: [steps]\n");
  assert_int_equal(idr_sweep_n_points(sw), 3);
  assert_true(value(sw, 0, 0) == 1e15);
  assert_true(fabs(value(sw, 1, 0) / 1e16 - 1) < 1e-15);
  assert_true(value(sw, 2, 0) == 1e17);
  assert_true(value(sw, 0, 1) == 0.1);
  assert_true(fabs(value(sw, 1, 1) - 0.15) < 1e-16);
  assert_true(value(sw, 2, 1) == 0.2);
  idr_sweep_free(&sw);
}

static void test_sobol(void **state) {
  (void)state;
  idr_sweep *sw = load("design: {type: sobol, points: 4}\n"
                       "axes:\n"
                       "  - {path: ions.0.Ea_eV, min: 0.1, max: 0.3}\n"
                       "  - {path: ions.0.density_cm3, min: 1e14, max: 1e18, scale: log}\n"
                       "outputs: [Ea_true_eV]\n");
  const double u[4][2] = {{0.5, 0.5}, {0.75, 0.25}, {0.25, 0.75}, {0.375, 0.375}};
  for (size_t i = 0; i < 4; i++) {
    assert_true(fabs(value(sw, i, 0) - (0.1 + 0.2 * u[i][0])) < 1e-15);
    double want = pow(10.0, 14.0 + 4.0 * u[i][1]);
    assert_true(fabs(value(sw, i, 1) / want - 1) < 1e-13);
  }
  idr_sweep_free(&sw);
}

static void test_eval(void **state) {
  (void)state;
  idr_sweep *sw = load("protocol: {type: equilibrate}\n"
                       "axes:\n"
                       "  - {path: ions.0.Ea_eV, values: [0.2385]}\n"
                       "outputs: [Ea_true_eV, wall_s, \"input:layers[1].thickness_nm\", "
                       "N_true_cm3]\n");
  assert_string_equal(idr_sweep_output_units(sw, 0), "eV");
  assert_string_equal(idr_sweep_output_units(sw, 2), "nm");
  assert_string_equal(idr_sweep_output_units(sw, 3), "cm^-3");
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_sweep_check_points(sw, &err), IDR_OK);
  idr_sweep_record rec;
  assert_int_equal(idr_sweep_record_init(sw, &rec, &err), IDR_OK);
  assert_int_equal(idr_sweep_eval(sw, 0, &rec, &err), IDR_OK);
  assert_int_equal(rec.ok, 1);
  assert_string_equal(rec.message, "");
  assert_true(rec.values[0] == 0.2385);
  assert_true(rec.values[1] > 0 && rec.values[1] == rec.run_s);
  assert_true(rec.values[2] == 500);
  assert_true(rec.values[3] == 1e16);
  assert_null(rec.curves);
  idr_sweep_record_free(&rec);
  idr_sweep_free(&sw);
}

static void test_resolved(void **state) {
  (void)state;
  const char *a = "axes:\n  - {path: mesh.nodes, values: [80, 90]}\noutputs: [steps]\n";
  const char *b = "# a comment\naxes:\n  - {path: mesh.nodes, values: [80, 90.0]}  # again\n"
                  "outputs: [steps]\n";
  const char *c = "axes:\n  - {path: mesh.nodes, values: [80, 91]}\noutputs: [steps]\n";
  idr_sweep *sa = load(a), *sb = load(b), *sc = load(c);
  assert_string_equal(idr_sweep_resolved(sa), idr_sweep_resolved(sb));
  assert_true(idr_sweep_fingerprint(sa) == idr_sweep_fingerprint(sb));
  assert_true(idr_sweep_fingerprint(sa) != idr_sweep_fingerprint(sc));
  assert_non_null(strstr(idr_sweep_resolved(sa), "base_deck: |\n  # iondrift resolved deck"));
  idr_sweep_free(&sa);
  idr_sweep_free(&sb);
  idr_sweep_free(&sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grid_order), cmocka_unit_test(test_spaces),
      cmocka_unit_test(test_sobol),      cmocka_unit_test(test_eval),
      cmocka_unit_test(test_resolved),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

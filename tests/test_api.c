/*
 * Unit tests of the public API (api/iondrift.h) and the studies' inversion:
 * the round trip load -> set -> run -> results by name -> write -> read
 * back; the typed setter against the deck reader (same rule, same words, a
 * refused change leaves the study as it was); copies are independent; two
 * threads running two different studies give what serial runs give; the
 * inversion through the setter; GSL's handler of the application kept.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>

#include "idr_io.h"
#include "iondrift.h"

#define EXAMPLE IDR_SOURCE_DIR "/examples/fapbi3_pin.yaml"
#define XIANG IDR_SOURCE_DIR "/examples/xiang2026.yaml"
#define TID_DECK IDR_SOURCE_DIR "/app/tests/tid.yaml"

/* The example deck, short: a coarse mesh, two 10 ms segments. */
static const char *const SHORT[] = {"mesh.nodes=120", "protocol.segments[0].duration_s=0.01",
                                    "protocol.segments[1].duration_s=0.01",
                                    "protocol.profile_times_s=[0, 0.01, 0.02]"};
#define N_SHORT 4

static idr_study *load(const char *path, const char *const *sets, int n) {
  idr_error err;
  idr_error_clear(&err);
  idr_study *s = NULL;
  idr_status st = idr_study_load(path, sets, n, &s, &err);
  if (st) fail_msg("%s", err.msg);
  return s;
}

static idr_result *run(const idr_study *s, int threads) {
  idr_error err;
  idr_error_clear(&err);
  idr_result *r = NULL;
  idr_status st = idr_study_run(s, threads, NULL, NULL, &r, &err);
  if (st) fail_msg("%s", err.msg);
  return r;
}

static void my_gsl_handler(const char *reason, const char *file, int line, int gsl_errno) {
  (void)reason, (void)file, (void)line, (void)gsl_errno;
}

/* An application's own GSL handler survives the API's first call. */
static void test_gsl_handler_kept(void **state) {
  (void)state;
  gsl_error_handler_t *prev = gsl_set_error_handler(my_gsl_handler);
  idr_study *s = load(EXAMPLE, SHORT, N_SHORT);
  assert_ptr_equal(gsl_set_error_handler(prev), my_gsl_handler);
  idr_study_free(&s);
  assert_null(s);
}

static void test_round_trip(void **state) {
  (void)state;
  idr_error err;
  idr_error_clear(&err);
  idr_study *s = load(EXAMPLE, SHORT, N_SHORT);
  assert_string_equal(idr_study_protocol(s), "waveform");
  assert_non_null(strstr(idr_study_deck_yaml(s), "layers:"));
  idr_result *r = run(s, 1);
  idr_dataset J, t, phi;
  assert_int_equal(idr_result_dataset(r, "transient/J", &J, &err), IDR_OK);
  assert_int_equal(idr_result_dataset(r, "transient/t", &t, &err), IDR_OK);
  assert_string_equal(J.units, "A/m^2");
  assert_string_equal(t.units, "s");
  assert_int_equal(J.rank, 1);
  assert_true(J.dims[0] == t.dims[0] && J.dims[0] > 10);
  assert_int_equal(idr_result_dataset(r, "transient/profiles/phi", &phi, &err), IDR_OK);
  assert_int_equal(phi.rank, 2);
  assert_int_equal(phi.dims[0], 3);
  assert_int_equal(idr_result_dataset(r, "no/such", &phi, &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "no dataset or group 'no/such'"));
  double T = 0;
  idr_error_clear(&err);
  assert_int_equal(idr_result_attr_double(r, "/", "temperature_K", &T, &err), IDR_OK);
  assert_true(T == 300.0);
  const char *v = NULL;
  assert_int_equal(idr_result_attr_string(r, "/", "iondrift_version", &v, &err), IDR_OK);
  assert_string_equal(v, idr_version());

  /* write, read back with the io reader: the same numbers */
  char dir[] = "/tmp/idr_test_api_XXXXXX", h5[128], csv[128];
  assert_non_null(mkdtemp(dir));
  snprintf(h5, sizeof h5, "%s/r.h5", dir);
  snprintf(csv, sizeof csv, "%s/r_J.csv", dir);
  char h5p[256], csvp[256];
  assert_int_equal(idr_study_output_paths(s, h5, h5p, csvp, sizeof h5p, &err), IDR_OK);
  assert_string_equal(csvp, csv);
  assert_int_equal(idr_result_write(r, h5, NULL, &err), IDR_OK);
  assert_int_equal(access(csv, R_OK), 0);
  idr_h5 *h = NULL;
  idr_h5_dataset d;
  assert_int_equal(idr_h5_open(h5, &h, &err), IDR_OK);
  assert_int_equal(idr_h5_read_double(h, "transient/J", "A/m^2", &d, &err), IDR_OK);
  assert_int_equal(d.size, J.dims[0]);
  assert_memory_equal(d.data, J.data, d.size * sizeof(double));
  idr_h5_dataset_free(&d);
  idr_h5_close(&h);
  remove(h5);
  remove(csv);
  rmdir(dir);

  /* a copy is independent: a change of the copy leaves s as it was */
  idr_study *c = NULL;
  assert_int_equal(idr_study_copy(s, &c, &err), IDR_OK);
  assert_int_equal(idr_study_set_double(c, "protocol.segments[0].V_V", 0.6, &err), IDR_OK);
  double V0 = 0, V1 = 0;
  assert_int_equal(idr_study_get_double(s, "protocol.segments[0].V_V", &V0, &err), IDR_OK);
  assert_int_equal(idr_study_get_double(c, "protocol.segments[0].V_V", &V1, &err), IDR_OK);
  assert_true(V0 == 1.0 && V1 == 0.6);
  idr_result *rc = run(c, 1);
  idr_dataset Jc;
  assert_int_equal(idr_result_dataset(rc, "transient/J", &Jc, &err), IDR_OK);
  assert_true(((const double *)Jc.data)[5] != ((const double *)J.data)[5]);
  idr_result_free(&rc);
  idr_study_free(&c);
  idr_result_free(&r);
  idr_study_free(&s);
}

/* The message after "PATH" in a reader's or setter's message. */
static const char *rule_of(const char *msg, const char *path) {
  const char *p = strstr(msg, path);
  return p ? p + strlen(path) : "";
}

/* A value refused by the setter is refused by the reader with the same
 * rule; the study is unchanged. */
static void check_refused(const char *deck_text, const char *path, double v, const char *rule) {
  idr_error err;
  idr_error_clear(&err);
  idr_study *s = load(XIANG, NULL, 0);
  char *before = strdup(idr_study_deck_yaml(s));
  assert_int_equal(idr_study_set_double(s, path, v, &err), IDR_ERR_INPUT);
  printf("  setter: %s\n", err.msg);
  char set_rule[512];
  snprintf(set_rule, sizeof set_rule, "%s", rule_of(err.msg, path));
  assert_non_null(strstr(err.msg, "xiang2026.yaml: set "));
  assert_string_equal(set_rule, rule);
  assert_string_equal(idr_study_deck_yaml(s), before);
  free(before);
  /* the reader, given the same value in a deck */
  idr_study *t = NULL;
  idr_error_clear(&err);
  assert_int_equal(idr_study_load_string(deck_text, "deck.yaml", NULL, 0, &t, &err), IDR_ERR_INPUT);
  printf("  reader: %s\n", err.msg);
  assert_null(t);
  const char *read_rule = rule_of(err.msg, path);
  /* the reader writes "PATH must ...", the setter "PATH: must ..." */
  assert_string_equal(read_rule + (read_rule[0] == ' ' ? 1 : 0), set_rule + 2);
  idr_study_free(&s);
}

static void test_setter_ranges(void **state) {
  (void)state;
  static const char HEAD[] =
      "layers:\n"
      "  - {name: HTL, material: PTAA, thickness_nm: 20, N_A_cm3: 1e20}\n"
      "  - {name: perovskite, material: FAPbI3, composition: {family: FAPbI3-Br, x: %s},\n"
      "     thickness_nm: 500, N_A_cm3: 1e17}\n"
      "  - {name: ETL, material: C60, thickness_nm: 30, N_D_cm3: 1e20}\n"
      "ions:\n"
      "  - {name: halide, charge: -1, layers: [perovskite]%s}\n"
      "mesh: {nodes: %s}\n";
  char deck[1024];
  snprintf(deck, sizeof deck, HEAD, "0", ", Ea_eV: -0.125", "400");
  check_refused(deck, "ions[0].Ea_eV", -0.125, ": must be >= 0 (got -0.125)");
  snprintf(deck, sizeof deck, HEAD, "0.3", "", "400");
  check_refused(deck, "layers[1].composition.x", 0.3, ": must be in [0, 0.25] (got 0.3)");
  snprintf(deck, sizeof deck, HEAD, "0", "", "7");
  check_refused(deck, "mesh.nodes", 7, ": must be in [10, 10000000] (got 7)");
  snprintf(deck, sizeof deck, HEAD, "0", "", "12.5");
  check_refused(deck, "mesh.nodes", 12.5, ": must be an integer (got 12.5)");

  /* lists, strings, unknown paths */
  idr_error err;
  idr_error_clear(&err);
  idr_study *s = load(XIANG, NULL, 0);
  const double temps[] = {300.0, 250.0, 300.0};
  assert_int_equal(idr_study_set_doubles(s, "protocol.temperatures_K", temps, 3, &err),
                   IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "protocol.temperatures_K[2]: must differ from the other "
                                  "temperatures (got 300 twice)"));
  idr_error_clear(&err);
  assert_int_equal(idr_study_set_doubles(s, "protocol.temperatures_K", temps, 2, &err), IDR_OK);
  size_t n = 0;
  assert_int_equal(idr_study_get_count(s, "protocol.temperatures_K", &n, &err), IDR_OK);
  assert_int_equal(n, 2);
  assert_int_equal(idr_study_set_string(s, "protocol.model", "cubic", &err), IDR_ERR_INPUT);
  assert_non_null(strstr(
      err.msg, "protocol.model: must be one of single | stretched | two | auto (got 'cubic')"));
  idr_error_clear(&err);
  assert_int_equal(idr_study_set_double(s, "ions[3].Ea_eV", 0.2, &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "ions[3].Ea_eV: no such ion (deck has 1)"));
  idr_error_clear(&err);
  assert_int_equal(idr_study_set_double(s, "ions[0].Ea_eV", NAN, &err), IDR_ERR_INPUT);
  idr_error_clear(&err);
  /* an exact double survives the round trip through the deck */
  const double Ea = 0.1234567890123456789;
  assert_int_equal(idr_study_set_double(s, "ions[0].Ea_eV", Ea, &err), IDR_OK);
  double got = 0;
  assert_int_equal(idr_study_get_double(s, "ions[0].Ea_eV", &got, &err), IDR_OK);
  assert_memory_equal(&got, &Ea, sizeof got);
  /* a family and its x together (each alone would be refused) */
  const idr_value v[2] = {{"layers[1].composition.x", NULL, 0.0},
                          {"layers[1].composition.family", "FAPbI3-FAI", 0}};
  assert_int_equal(idr_study_set_values(s, v, 2, &err), IDR_OK);
  char fam[64];
  assert_int_equal(
      idr_study_get_string(s, "layers[1].composition_ref.family", fam, sizeof fam, &err), IDR_OK);
  assert_string_equal(fam, "FAPbI3-FAI");
  idr_study_free(&s);
}

/* Two threads, two different studies, at once: the same numbers as one
 * after the other. */
typedef struct job {
  const idr_study *s;
  idr_result *r;
  const char *h5; /* written by the thread too */
} job;

static int job_run(void *arg) {
  job *j = arg;
  idr_error err;
  idr_error_clear(&err);
  if (idr_study_run(j->s, 1, NULL, NULL, &j->r, &err) != IDR_OK) return 1;
  return idr_result_write(j->r, j->h5, "", &err) == IDR_OK ? 0 : 1;
}

static void assert_same(const idr_result *a, const idr_result *b, const char *name) {
  idr_dataset x, y;
  assert_int_equal(idr_result_dataset(a, name, &x, NULL), IDR_OK);
  assert_int_equal(idr_result_dataset(b, name, &y, NULL), IDR_OK);
  assert_true(x.dims[0] == y.dims[0] && x.dims[1] == y.dims[1]);
  assert_memory_equal(x.data, y.data, x.dims[0] * x.dims[1] * sizeof(double));
}

static void test_threads(void **state) {
  (void)state;
  idr_error err;
  idr_error_clear(&err);
  idr_study *a = load(TID_DECK, NULL, 0), *b = NULL;
  assert_int_equal(idr_study_copy(a, &b, &err), IDR_OK);
  assert_int_equal(idr_study_set_double(b, "ions[0].Ea_eV", 0.2, &err), IDR_OK);
  idr_result *ra = run(a, 1), *rb = run(b, 1);
  char dir[] = "/tmp/idr_test_threads_XXXXXX", ha[128], hb[128];
  assert_non_null(mkdtemp(dir));
  snprintf(ha, sizeof ha, "%s/a.h5", dir);
  snprintf(hb, sizeof hb, "%s/b.h5", dir);
  job ja = {a, NULL, ha}, jb = {b, NULL, hb};
  thrd_t ta, tb;
  assert_int_equal(thrd_create(&ta, job_run, &ja), thrd_success);
  assert_int_equal(thrd_create(&tb, job_run, &jb), thrd_success);
  int rca = 1, rcb = 1;
  thrd_join(ta, &rca);
  thrd_join(tb, &rcb);
  assert_int_equal(rca, 0);
  assert_int_equal(rcb, 0);
  assert_same(ra, ja.r, "tid/C");
  assert_same(rb, jb.r, "tid/C");
  assert_same(ra, ja.r, "equilibrium/phi");
  idr_dataset ca, cb;
  assert_int_equal(idr_result_dataset(ra, "tid/C", &ca, &err), IDR_OK);
  assert_int_equal(idr_result_dataset(rb, "tid/C", &cb, &err), IDR_OK);
  assert_true(memcmp(ca.data, cb.data, ca.dims[0] * ca.dims[1] * sizeof(double)) != 0);
  /* the files both threads wrote at once hold their own numbers */
  const job *jobs[2] = {&ja, &jb};
  for (int k = 0; k < 2; k++) {
    idr_h5 *h = NULL;
    idr_h5_dataset d;
    assert_int_equal(idr_h5_open(jobs[k]->h5, &h, &err), IDR_OK);
    assert_int_equal(idr_h5_read_double(h, "tid/C", "F/m^2", &d, &err), IDR_OK);
    assert_memory_equal(d.data, k ? cb.data : ca.data, d.size * sizeof(double));
    idr_h5_dataset_free(&d);
    idr_h5_close(&h);
    remove(jobs[k]->h5);
  }
  rmdir(dir);
  idr_result_free(&ra);
  idr_result_free(&rb);
  idr_result_free(&ja.r);
  idr_result_free(&jb.r);
  idr_study_free(&a);
  idr_study_free(&b);
}

/* The inversion through the setter, on a map known in closed form: the
 * temperature of an equilibrate run read back from the result (g = p). */
static void test_invert(void **state) {
  (void)state;
  idr_error err;
  idr_error_clear(&err);
  static const char *const EQ[] = {"protocol={type: equilibrate}", "mesh.nodes=60"};
  idr_study *s = load(EXAMPLE, EQ, 2);
  idr_invert_problem prob = {.param = "temperature_K",
                             .target = 287.25,
                             .p0 = 300.0,
                             .p_min = 100.0,
                             .p_max = 400.0,
                             .p_tol = 1e-9,
                             .g_tol = 1e-9,
                             .value_obj = "/",
                             .value_attr = "temperature_K"};
  double p = 0, g = 0;
  int runs = 0;
  idr_result *r = NULL;
  assert_int_equal(idr_study_invert(s, &prob, &p, &g, &runs, &r, &err), IDR_OK);
  printf("  inversion: p = %.12g, g = %.12g in %d runs\n", p, g, runs);
  assert_true(fabs(p - 287.25) <= 1e-9 && fabs(g - 287.25) <= 1e-9);
  assert_true(runs >= 2 && runs <= 4);
  double T = 0;
  assert_int_equal(idr_study_get_double(s, "temperature_K", &T, &err), IDR_OK);
  assert_true(T == p);
  assert_int_equal(idr_result_attr_double(r, "/", "temperature_K", &T, &err), IDR_OK);
  assert_true(T == p);
  idr_result_free(&r);
  /* a target outside the range: an error, the study unchanged */
  prob.target = 500.0;
  assert_int_equal(idr_study_invert(s, &prob, &p, &g, &runs, NULL, &err), IDR_ERR_RANGE);
  assert_int_equal(idr_study_get_double(s, "temperature_K", &T, NULL), IDR_OK);
  assert_true(T == 287.25);
  idr_study_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gsl_handler_kept), cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_setter_ranges),    cmocka_unit_test(test_threads),
      cmocka_unit_test(test_invert),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

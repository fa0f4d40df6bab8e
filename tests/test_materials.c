/*
 * Unit tests of materials/: the shipped data files (every parameter given,
 * every number sourced, values in range, p-i-n band alignment), provenance
 * enforcement and the other loader errors, directory resolution and
 * material/inline merging in decks. Scratch material files are written to
 * a directory under the test's working directory.
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

#define SCRATCH "test_materials_scratch"
#define ALL_PARAMS ((1u << IDR_MATP_COUNT) - 1u)

static void write_file(const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof path, SCRATCH "/%s", name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static int setup(void **state) {
  (void)state;
  mkdir(SCRATCH, 0755);
  return 0;
}

static void test_shipped_materials(void **state) {
  (void)state;
  const char *names[] = {"FAPbI3", "PTAA", "C60"};
  idr_material m[3];
  for (int i = 0; i < 3; i++) {
    idr_error e;
    unsigned given = 0;
    idr_error_clear(&e);
    if (idr_material_load(names[i], IDR_MATERIALS_DIR, &m[i], &given, &e) != IDR_OK)
      fail_msg("%s", e.msg);
    assert_string_equal(m[i].name, names[i]);
    assert_int_equal(given, ALL_PARAMS); /* every idr_material field is in the file */
    for (int k = 0; k < IDR_MATP_COUNT; k++)
      assert_null(idr_material_param_check(k, idr_material_param_get(&m[i], k)));
  }
  const idr_material *pvk = &m[0], *htl = &m[1], *etl = &m[2];
  assert_true(pvk->eps_r == 46.9 && pvk->Eg_eV == 1.53);
  /* p-i-n alignment: HTL valence band near the perovskite's, ETL conduction
   * band near the perovskite's, large offsets blocking the other carrier. */
  double ev_pvk = pvk->chi_eV + pvk->Eg_eV, ev_htl = htl->chi_eV + htl->Eg_eV;
  double ev_etl = etl->chi_eV + etl->Eg_eV;
  assert_true(fabs(ev_htl - ev_pvk) < 0.35);
  assert_true(fabs(etl->chi_eV - pvk->chi_eV) < 0.35);
  assert_true(pvk->chi_eV - htl->chi_eV > 1.0); /* electrons blocked at the HTL */
  assert_true(ev_etl - ev_pvk > 0.5);           /* holes blocked at the ETL */
}

static void test_provenance_enforced(void **state) {
  (void)state;
  idr_material m;
  idr_error e;
  unsigned given = 123;
  write_file("NoSource.yaml", "name: NoSource\n"
                              "parameters:\n"
                              "  eps_r: {value: 24.1, source: \"illustrative: test\"}\n"
                              "  Eg_eV:\n"
                              "    value: 1.6\n");
  idr_error_clear(&e);
  assert_int_equal(idr_material_load("NoSource", SCRATCH, &m, &given, &e), IDR_ERR_INPUT);
  assert_int_equal(given, 0);
  assert_string_equal(e.msg, SCRATCH "/NoSource.yaml:5:5: parameters.Eg_eV.source must be given: "
                                     "every number needs its provenance, e.g. \"literature: "
                                     "...\" or \"illustrative: ...\" (got nothing)");
  write_file("EmptySource.yaml", "name: EmptySource\n"
                                 "parameters:\n"
                                 "  eps_r: {value: 24.1, source: \"\"}\n");
  idr_error_clear(&e);
  assert_int_equal(idr_material_load("EmptySource", SCRATCH, &m, NULL, &e), IDR_ERR_INPUT);
  assert_non_null(strstr(e.msg, "EmptySource.yaml:3:32: parameters.eps_r.source must be a "
                                "non-empty string (got '')"));
  write_file("BareValue.yaml", "name: BareValue\nparameters:\n  eps_r: 24.1\n");
  idr_error_clear(&e);
  assert_int_equal(idr_material_load("BareValue", SCRATCH, &m, NULL, &e), IDR_ERR_INPUT);
  assert_non_null(strstr(e.msg, "BareValue.yaml:3:10: parameters.eps_r must be a mapping of "
                                "key: value (got '24.1')"));
}

typedef struct mat_case {
  const char *text, *expect;
} mat_case;

static void test_loader_errors(void **state) {
  (void)state;
  static const mat_case CASES[] = {
      {"name: Bad\nparameters:\n  eps_r: {value: -3, source: x}\n",
       "Bad.yaml:3:18: parameters.eps_r.value must be > 0 (got -3)"},
      {"name: Bad\nparameters:\n  eps: {value: 3, source: x}\n",
       "Bad.yaml:3:3: parameters.eps must be a known key, did you mean 'eps_r'? (got 'eps')"},
      {"name: Bad\nparameters:\n  eps_r: {value: 3, source: x, unit: F}\n",
       "Bad.yaml:3:32: parameters.eps_r.unit must be one of the keys value, source (got 'unit')"},
      {"name: Bad\nparameters:\n  eps_r: {source: x}\n",
       "Bad.yaml:3:10: parameters.eps_r.value must be given (got nothing)"},
      {"name: Bad\nparameters:\n  eps_r: {value: 3, source: x}\n  eps_r: {value: 4, source: y}\n",
       "Bad.yaml:4:3: parameters.eps_r must be given only once"},
      {"name: Other\nparameters: {}\n", "Bad.yaml:1:7: name must be 'Bad', the file's name "
                                        "(got 'Other')"},
      {"name: Bad\n", "Bad.yaml:1:1: parameters must be given (got nothing)"},
      {"name: Bad\nparameters: {}\nfamily: x\n", "Bad.yaml:3:1: family must be one of the keys"},
      {"", "Bad.yaml:1:1: a material file must be a mapping"},
      {"name: Bad\nparameters: {Eg_eV: {value: 12, source: x}}\n",
       "parameters.Eg_eV.value must be in (0, 10] (got 12)"},
  };
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    idr_material m;
    idr_error e;
    write_file("Bad.yaml", CASES[i].text);
    idr_error_clear(&e);
    idr_status st = idr_material_load("Bad", SCRATCH, &m, NULL, &e);
    if (st != IDR_ERR_INPUT || !strstr(e.msg, CASES[i].expect))
      fail_msg("case %zu: status %d\n  got:    %s\n  wanted: %s", i, (int)st, e.msg,
               CASES[i].expect);
  }
  idr_material m;
  idr_error e;
  idr_error_clear(&e);
  assert_int_equal(idr_material_load("Missing", SCRATCH, &m, NULL, &e), IDR_ERR_IO);
  assert_non_null(strstr(e.msg, "Missing.yaml: cannot be read"));
  idr_error_clear(&e);
  assert_int_equal(idr_material_load("../etc/passwd", SCRATCH, &m, NULL, &e), IDR_ERR_INPUT);
  assert_non_null(strstr(e.msg, "material name must be letters, digits"));
}

static void test_partial_file_and_merge(void **state) {
  (void)state;
  /* A file may omit parameters: the deck completes them inline. */
  write_file("Partial.yaml", "name: Partial\ndescription: test absorber\nparameters:\n"
                             "  eps_r: {value: 24.1, source: \"illustrative: test\"}\n"
                             "  Eg_eV: {value: 1.6, source: \"illustrative: test\"}\n"
                             "  k_rad_cm3_s: {value: 4.7e-11, source: \"illustrative: test\"}\n");
  const char *deck = "layers:\n"
                     "  - name: abs\n"
                     "    material: Partial\n"
                     "    thickness_nm: 400\n"
                     "    eps_r: 30\n" /* inline overrides the file */
                     "    chi_eV: 3.9\n"
                     "    Nc_cm3: 2.2e18\n"
                     "    Nv_cm3: 1.8e19\n"
                     "    mu_n_cm2_Vs: 2.385\n"
                     "    mu_p_cm2_Vs: 1.5\n";
  idr_deck d;
  idr_error e;
  idr_error_clear(&e);
  if (idr_deck_load_string(deck, "deck.yaml", NULL, 0, SCRATCH, &d, &e) != IDR_OK)
    fail_msg("%s", e.msg);
  assert_string_equal(d.layers[0].material_ref, "Partial");
  assert_string_equal(d.layers[0].mat.name, "Partial");
  assert_true(d.layers[0].mat.eps_r == 30);
  assert_true(d.layers[0].mat.Eg_eV == 1.6);
  assert_true(d.layers[0].mat.k_rad_cm3_s == 4.7e-11);
  assert_true(d.layers[0].mat.tau_n_s == 0);
  idr_deck_free(&d);

  /* Missing required parameters name the layer. */
  const char *short_deck = "layers: [{name: abs, material: Partial, thickness_nm: 400}]\n";
  idr_error_clear(&e);
  assert_int_equal(idr_deck_load_string(short_deck, "deck.yaml", NULL, 0, SCRATCH, &d, &e),
                   IDR_ERR_INPUT);
  assert_string_equal(e.msg, "deck.yaml:1:10: layers[0].chi_eV must be given in the layer or its "
                             "material file (got nothing)");

  /* A bad material file: its own position, then where the deck asked for it. */
  write_file("Broken.yaml", "name: Broken\nparameters:\n  eps_r: {value: 0, source: x}\n");
  const char *broken = "layers:\n  - {name: abs, material: Broken, thickness_nm: 400}\n";
  idr_error_clear(&e);
  assert_int_equal(idr_deck_load_string(broken, "deck.yaml", NULL, 0, SCRATCH, &d, &e),
                   IDR_ERR_INPUT);
  assert_string_equal(e.msg, SCRATCH "/Broken.yaml:3:18: parameters.eps_r.value must be > 0 "
                                     "(got 0) (while loading material 'Broken' for "
                                     "layers[0].material at deck.yaml:2:27)");

  /* An unknown material: the deck position of the name. */
  const char *unknown = "layers:\n  - {name: abs, material: Nope, thickness_nm: 400}\n";
  idr_error_clear(&e);
  assert_int_equal(idr_deck_load_string(unknown, "deck.yaml", NULL, 0, SCRATCH, &d, &e),
                   IDR_ERR_INPUT);
  assert_non_null(strstr(e.msg, "deck.yaml:2:27: layers[0].material must name a material data "
                                "file (got 'Nope': " SCRATCH "/Nope.yaml: cannot be read"));
}

static void test_directory_resolution(void **state) {
  (void)state;
  assert_string_equal(idr_materials_dir("some/dir"), "some/dir");
  assert_int_equal(unsetenv(IDR_MATERIALS_ENV), 0);
  assert_string_equal(idr_materials_dir(NULL), IDR_MATERIALS_DIR);
  assert_string_equal(idr_materials_dir(""), IDR_MATERIALS_DIR);
  assert_int_equal(setenv(IDR_MATERIALS_ENV, SCRATCH, 1), 0);
  assert_string_equal(idr_materials_dir(NULL), SCRATCH);
  idr_material m;
  idr_error e;
  idr_error_clear(&e);
  /* FAPbI3 is not in the scratch directory: the environment was used. */
  assert_int_equal(idr_material_load("FAPbI3", NULL, &m, NULL, &e), IDR_ERR_IO);
  idr_error_clear(&e);
  assert_int_equal(idr_material_load("Partial", NULL, &m, NULL, &e), IDR_OK);
  assert_int_equal(unsetenv(IDR_MATERIALS_ENV), 0);
  idr_error_clear(&e);
  assert_int_equal(idr_material_load("FAPbI3", NULL, &m, NULL, &e), IDR_OK);
}

static void test_param_table(void **state) {
  (void)state;
  assert_string_equal(idr_material_param_key(IDR_MATP_EPS_R), "eps_r");
  assert_string_equal(idr_material_param_key(IDR_MATP_G_UNIFORM), "G_uniform_cm3_s");
  assert_null(idr_material_param_key(IDR_MATP_COUNT));
  assert_true(idr_material_param_required(IDR_MATP_NC));
  assert_false(idr_material_param_required(IDR_MATP_TAU_N));
  idr_material m;
  memset(&m, 0, sizeof m);
  *idr_material_param_ptr(&m, IDR_MATP_MU_P) = 2.385;
  assert_true(m.mu_p_cm2_Vs == 2.385);
  assert_string_equal(idr_material_param_check(IDR_MATP_EPS_R, 0), "must be > 0");
  assert_string_equal(idr_material_param_check(IDR_MATP_ALPHA, -1), "must be >= 0");
  assert_null(idr_material_param_check(IDR_MATP_ALPHA, 0));
  assert_string_equal(idr_material_param_check(IDR_MATP_EG, NAN), "must be a finite number");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shipped_materials),    cmocka_unit_test(test_provenance_enforced),
      cmocka_unit_test(test_loader_errors),        cmocka_unit_test(test_partial_file_and_merge),
      cmocka_unit_test(test_directory_resolution), cmocka_unit_test(test_param_table),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}

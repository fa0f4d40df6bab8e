/*
 * Unit tests of the fit module (fit/, docs/fit.md): the parameter mapping
 * (logistic into the bounds, log10 scale: round trips, dz/du against
 * central differences, the bounds never reached), the spec reader (values,
 * defaults, the curves and their studies' sample lists, the resolved spec)
 * and the C-V and C-f data paths end to end: noise-free data simulated at
 * a known doping are fitted back from a start a factor 3 off (the model is
 * its own truth, so the estimate must agree to the solver's tolerance; on a
 * 40-node mesh, data and fit alike: ~60 curve simulations per fit, kept
 * cheap for AddressSanitizer).
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

#include "fit_internal.h"

#define DECK IDR_SOURCE_DIR "/validation/fit/device.yaml"
#define TID_CSV IDR_SOURCE_DIR "/validation/fit/tid_small.csv"
#define SMALL_MESH "mesh.nodes=40" /* the end-to-end fits: data and fit alike */

/* ---- mapping ------------------------------------------------------------------------ */

static fit_param param(double min, double max, int log_scale) {
  fit_param q;
  memset(&q, 0, sizeof q);
  q.min = min;
  q.max = max;
  q.log_scale = log_scale;
  q.z_lo = idr_fit_z_of(&q, min);
  q.z_hi = idr_fit_z_of(&q, max);
  return q;
}

static void test_mapping_round_trip(void **state) {
  (void)state;
  const fit_param lin = param(0.05, 0.6, 0), lg = param(1e14, 1e19, 1);
  assert_true(lg.z_lo == 14.0 && lg.z_hi == 19.0);
  const double vals[] = {0.0501, 0.131, 0.2385, 0.5999};
  for (size_t i = 0; i < 4; i++) {
    const double u = idr_fit_u_of(&lin, vals[i]);
    assert_true(fabs(idr_fit_z_of_u(&lin, u) - vals[i]) <= 1e-14);
  }
  const double dens[] = {1.0001e14, 2.385e16, 9.99e18};
  for (size_t i = 0; i < 3; i++) {
    const double z = idr_fit_z_of(&lg, dens[i]);
    const double back = idr_fit_v_of(&lg, idr_fit_z_of_u(&lg, idr_fit_u_of(&lg, z)));
    assert_true(fabs(back / dens[i] - 1.0) <= 1e-12);
  }
  /* far out in u the map stays inside the bounds (no overflow, no bound) */
  assert_true(idr_fit_z_of_u(&lin, 800.0) <= 0.6 && idr_fit_z_of_u(&lin, -800.0) >= 0.05);
  assert_true(idr_fit_z_of_u(&lin, 30.0) < 0.6 && idr_fit_z_of_u(&lin, -30.0) > 0.05);
  /* a start on a bound is moved inside */
  assert_true(isfinite(idr_fit_u_of(&lin, 0.6)) && isfinite(idr_fit_u_of(&lin, 0.05)));
  assert_true(idr_fit_z_inside(&lin, 0.6, 1e-6) < 0.6);
}

static void test_mapping_derivative(void **state) {
  (void)state;
  const fit_param q = param(-0.3, 2.385, 0);
  const double us[] = {-4.0, -0.7, 0.0, 1.3, 5.0};
  for (size_t i = 0; i < 5; i++) {
    const double h = 1e-5, u = us[i];
    const double fd = (idr_fit_z_of_u(&q, u + h) - idr_fit_z_of_u(&q, u - h)) / (2 * h);
    assert_true(fabs(idr_fit_dz_du(&q, u) - fd) <= 1e-8 * fmax(1.0, fabs(fd)));
  }
}

/* ---- the spec ----------------------------------------------------------------------- */

/* A temporary directory holding spec.yaml with text; its path into buf. */
static void write_file(char *dir, const char *name, const char *text, char *buf, size_t size) {
  snprintf(buf, size, "%s/%s", dir, name);
  FILE *f = fopen(buf, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void remove_dir(const char *dir, const char *const *names) {
  char p[1024];
  for (int i = 0; names[i]; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    unlink(p);
  }
  rmdir(dir);
}

static void test_spec_reader(void **state) {
  (void)state;
  char dir[] = "/tmp/idr_test_fit_XXXXXX", spec[1024], text[2048];
  assert_non_null(mkdtemp(dir));
  snprintf(text, sizeof text,
           "deck: %s\nset: {mesh.nodes: 80}\n"
           "data:\n  - {type: tid, file: %s, sigma_rel: 2.385e-4, fit_C_inf: true,\n"
           "     protocol: {fill_V_V: 1.2}}\n"
           "area_cm2: 0.1\n"
           "parameters:\n"
           "  - {path: ions.0.Ea_eV, min: 0.05, max: 0.6}\n"
           "  - {path: \"ions[0].density_cm3\", min: 1e14, max: 1e17, scale: log, start: 3e15}\n"
           "starts: 4\n",
           DECK, TID_CSV);
  write_file(dir, "spec.yaml", text, spec, sizeof spec);
  idr_error err;
  idr_error_clear(&err);
  idr_fit *f = NULL;
  if (idr_fit_load(spec, &f, &err)) fail_msg("%s", err.msg);
  const fit_problem *p = &f->p;
  assert_int_equal(idr_fit_n_params(f), 2);
  assert_string_equal(idr_fit_param_path(f, 1), "ions[0].density_cm3");
  assert_true(p->par[0].start == 0.131 && p->par[0].profile == 1 && p->par[1].profile == 0);
  assert_true(p->par[1].log_scale && p->par[1].z_lo == 14.0 && p->par[1].start == 3e15);
  assert_int_equal(p->starts, 4);
  assert_int_equal(p->refine, 2);
  assert_int_equal(idr_fit_n_curves(f), 2); /* 300 and 240 K */
  assert_int_equal(idr_fit_n_points(f), 10);
  /* hottest first, each curve's study samples the data's own times */
  assert_true(p->curve[0].T_K == 300.0 && p->curve[1].T_K == 240.0);
  for (size_t c = 0; c < 2; c++) {
    const idr_study *s = p->curve[c].base;
    size_t n = 0;
    double v = 0;
    assert_int_equal(idr_study_get_count(s, "protocol.times_s", &n, NULL), IDR_OK);
    assert_int_equal(n, 5);
    assert_int_equal(idr_study_get_double(s, "protocol.times_s[2]", &v, NULL), IDR_OK);
    assert_true(v == 1e-3);
    assert_int_equal(idr_study_get_double(s, "protocol.temperatures_K[0]", &v, NULL), IDR_OK);
    assert_true(v == p->curve[c].T_K);
    assert_int_equal(idr_study_get_double(s, "protocol.fill_V_V", &v, NULL), IDR_OK);
    assert_true(v == 1.2);
    assert_int_equal(idr_study_get_double(s, "mesh.nodes", &v, NULL), IDR_OK);
    assert_true(v == 80);
  }
  /* sigma_rel: each point's sigma is its C times sigma_rel */
  assert_true(fabs(p->sigma[3] - 2.385e-4 * p->y[3]) <= 1e-25);
  assert_true(p->y[0] == 1.149188670e-08 && p->x[4] == 0.1);
  assert_non_null(strstr(idr_fit_resolved(f), "scale: log, start: 3e+15"));
  assert_non_null(strstr(idr_fit_resolved(f), "fit_C_inf: true, curves: 2"));
  idr_fit_free(&f);
  assert_null(f);
  remove_dir(dir, (const char *const[]){"spec.yaml", NULL});
}

/* ---- C-V and C-f end to end --------------------------------------------------------- */

/* Simulate the deck's protocol proto at N_A = 1e17 and write the C of a
 * 0.1 cm^2 device against x (dataset xname) as a CSV with column xcol. */
static void simulate_csv(const char *proto, const char *xname, const char *xcol, const char *path) {
  idr_error err;
  idr_error_clear(&err);
  idr_study *s = NULL;
  idr_result *r = NULL;
  idr_dataset x, C;
  const char *sets[] = {SMALL_MESH};
  if (idr_study_load(DECK, sets, 1, &s, &err) || idr_study_set_yaml(s, "protocol", proto, &err) ||
      idr_study_run(s, 1, NULL, NULL, &r, &err) || idr_result_dataset(r, xname, &x, &err))
    fail_msg("%s", err.msg);
  char cname[32];
  snprintf(cname, sizeof cname, "%.2s/C", xname);
  assert_int_equal(idr_result_dataset(r, cname, &C, &err), IDR_OK);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "%s,capacitance_F\n", xcol);
  for (size_t i = 0; i < x.dims[0]; i++)
    fprintf(f, "%.17g,%.17g\n", ((const double *)x.data)[i],
            ((const double *)C.data)[i] * 0.1 * 1e-4);
  fclose(f);
  idr_result_free(&r);
  idr_study_free(&s);
}

static void fit_doping(const char *data_entry, const char *csv_name, const char *proto,
                       const char *xname, const char *xcol) {
  char dir[] = "/tmp/idr_test_fit_XXXXXX", spec[1024], csv[1024], text[2048];
  assert_non_null(mkdtemp(dir));
  snprintf(csv, sizeof csv, "%s/%s", dir, csv_name);
  simulate_csv(proto, xname, xcol, csv);
  snprintf(text, sizeof text,
           "deck: %s\nset: {mesh.nodes: 40}\ndata:\n  - %s\narea_cm2: 0.1\n"
           "parameters:\n"
           "  - {path: layers.1.N_A_cm3, min: 1e15, max: 1e19, scale: log, start: 3e17}\n"
           "starts: 1\n",
           DECK, data_entry);
  write_file(dir, "spec.yaml", text, spec, sizeof spec);
  idr_error err;
  idr_error_clear(&err);
  idr_fit *f = NULL;
  idr_fit_run_options o;
  idr_fit_run_options_default(&o);
  o.threads = 1;
  if (idr_fit_load(spec, &f, &err) || idr_fit_run(f, &o, &err)) fail_msg("%s", err.msg);
  idr_fit_param_result q;
  assert_int_equal(idr_fit_param(f, 0, &q, &err), IDR_OK);
  printf("  %s: N_A = %.8g (truth 1e17), chi2 %.3g, %zu simulations\n", csv_name, q.value,
         idr_fit_chi2_reduced(f), idr_fit_simulations(f));
  assert_true(fabs(q.value / 1e17 - 1.0) <= 1e-4);
  assert_true(q.identifiable);
  idr_fit_free(&f);
  remove_dir(dir, (const char *const[]){"spec.yaml", csv_name, NULL});
}

static void test_fit_cv(void **state) {
  (void)state;
  fit_doping("{type: cv, file: cv.csv, T_K: 300, f_Hz: 1e4, sigma_rel: 1e-3}", "cv.csv",
             "{type: cv, biases_V: [-0.6, -0.4, -0.2, 0], f_Hz: 1e4}", "cv/V", "voltage_V");
}

static void test_fit_cf(void **state) {
  (void)state;
  fit_doping("{type: cf, file: cf.csv, T_K: 300, V_V: -0.3, sigma_F: 1e-12}", "cf.csv",
             "{type: cf, V_V: -0.3, frequencies_Hz: [1e3, 1e4, 1e5]}", "cf/f", "frequency_Hz");
}

int main(void) {
  setenv("IONDRIFT_MATERIALS", IDR_MATERIALS_DIR, 0);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mapping_round_trip),
      cmocka_unit_test(test_mapping_derivative),
      cmocka_unit_test(test_spec_reader),
      cmocka_unit_test(test_fit_cv),
      cmocka_unit_test(test_fit_cf),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Outputs of the light-dependent migration laws (docs/light.md,
 * docs/outputs.md): a TID run records each species' laws beside its true
 * inputs (tid/true/<ion>), the phases' light (tid/@light_*_suns), and a
 * waveform's profiles hold the counter-defects of light-created pairs
 * (counter_<ion>, 0 in the dark equilibrium, > 0 after light). The physics
 * is validated in V01, V50-V52.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "idr_config.h"
#include "idr_io.h"
#include "idr_materials.h"
#include "idr_protocols.h"

static const char *STACK =
    "temperature_K: 300\n"
    "layers:\n"
    "  - {name: HTL, material: PTAA, thickness_nm: 20, N_A_cm3: 1e18}\n"
    "  - {name: pvk, material: FAPbI3, thickness_nm: 500, N_A_cm3: 1e17}\n"
    "  - {name: ETL, material: C60, thickness_nm: 30, N_D_cm3: 1e18}\n"
    "mesh: {nodes: 120}\n"
    "ions:\n"
    "  - {name: halide, charge: -1, layers: [pvk], density_cm3: 1e16, D0_cm2_s: 1.1e-6,"
    " Ea_eV: 0.131}\n"
    "  - name: FA\n"
    "    charge: 1\n"
    "    layers: [pvk]\n"
    "    density_cm3: 5e15\n"
    "    D0_cm2_s: 1e-6\n"
    "    Ea_eV: 0.35\n"
    "    barrier_lowering: {dEa_eV: 0.25, n_theta_cm3: 1e14, provenance: illustrative}\n"
    "    blocked_by: {species: halide, density_cm3: 2e15, c_block_cm3: 1e16, provenance: "
    "illustrative}\n"
    "    photo_creation: {k_gen_1_s: 1e-2, n_theta_cm3: 1e13, tau_rec_s: 1, provenance: "
    "illustrative}\n"
    "generation: {model: beer_lambert, photon_flux_cm2_s: 1e17}\n";

static idr_rset *run(const char *protocol) {
  char text[4096];
  snprintf(text, sizeof text, "%s%s", STACK, protocol);
  idr_deck d;
  idr_error err;
  idr_error_clear(&err);
  if (idr_deck_load_string(text, "light.yaml", NULL, 0, IDR_MATERIALS_DIR, &d, &err))
    fail_msg("%s", err.msg);
  idr_rset *rs = NULL;
  idr_run_options ro = {1, NULL, NULL};
  if (idr_run_deck(&d, &ro, &rs, &err)) fail_msg("%s", err.msg);
  idr_deck_free(&d);
  return rs;
}

/* The number attribute obj@name is want within tol. */
static void attr_is(const idr_rset *rs, const char *obj, const char *name, double want,
                    double tol) {
  int is_s = 0;
  double v = NAN;
  const char *s = NULL;
  if (idr_rset_attr_find(rs, obj, name, &is_s, &v, &s) != IDR_OK) fail_msg("%s@%s", obj, name);
  if (!(fabs(v - want) <= tol)) fail_msg("%s@%s = %.17g, want %.17g", obj, name, v, want);
}

static void test_tid_truth(void **state) {
  (void)state;
  idr_rset *rs = run("protocol: {type: tid, temperatures_K: [300], t_last_s: 0.01, samples: 5,"
                     " light_rest_suns: 1, light_fill_suns: 0.5}\n");
  attr_is(rs, "tid", "light_suns", 0.0, 0.0);
  attr_is(rs, "tid", "light_rest_suns", 1.0, 0.0);
  attr_is(rs, "tid", "light_fill_suns", 0.5, 0.0);
  attr_is(rs, "tid", "light_relax_suns", 0.0, 0.0);
  attr_is(rs, "tid/true/FA", "lowering_dEa_eV", 0.25, 0.0);
  attr_is(rs, "tid/true/FA", "Ea_saturated_eV", 0.35 - 0.25, 1e-15);
  attr_is(rs, "tid/true/FA", "c_block_cm3", 1e16, 0.0);
  attr_is(rs, "tid/true/FA", "block_density_cm3", 2e15, 0.0);
  attr_is(rs, "tid/true/FA", "creation_tau_rec_s", 1.0, 0.0);
  int is_s = 0;
  const char *s = NULL;
  assert_int_equal(idr_rset_attr_find(rs, "tid/true/FA", "blocked_by", &is_s, NULL, &s), IDR_OK);
  assert_string_equal(s, "halide");
  /* a species without the laws has none of their attributes */
  assert_int_not_equal(
      idr_rset_attr_find(rs, "tid/true/halide", "lowering_dEa_eV", &is_s, NULL, NULL), IDR_OK);
  idr_rset_free(&rs);
}

static void test_counter_profiles(void **state) {
  (void)state;
  idr_rset *rs = run("protocol:\n  type: waveform\n  profile_times_s: [1, 2]\n  segments:\n"
                     "    - {duration_s: 1, V_V: 0, light_suns: 1}\n"
                     "    - {duration_s: 1, V_V: 0}\n");
  idr_rset_view v;
  assert_int_equal(idr_rset_find(rs, "equilibrium/counter_FA", &v), IDR_OK);
  const double *m0 = v.data;
  double max0 = 0.0;
  for (size_t i = 0; i < v.dims[0] * v.dims[1]; i++)
    max0 = fmax(max0, fabs(m0[i]));
  assert_true(max0 == 0.0); /* none in the dark equilibrium */
  assert_int_equal(idr_rset_find(rs, "transient/profiles/counter_FA", &v), IDR_OK);
  assert_int_equal(v.rank, 2);
  const double *m = v.data;
  double lit = 0.0, dark = 0.0;
  for (size_t i = 0; i < v.dims[1]; i++) {
    lit = fmax(lit, m[i]);
    dark = fmax(dark, m[v.dims[1] + i]);
  }
  assert_true(lit > 1e18);             /* after 1 s of light [m^-3] */
  assert_true(dark > 0 && dark < lit); /* recombining in the dark */
  /* only the species with pairs has them */
  assert_int_not_equal(idr_rset_find(rs, "transient/profiles/counter_halide", &v), IDR_OK);
  idr_rset_free(&rs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tid_truth),
      cmocka_unit_test(test_counter_profiles),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

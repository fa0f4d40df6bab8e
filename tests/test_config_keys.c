/*
 * Unit tests of config/: the keys of the TAS physics and of light-dependent
 * migration, and the resolved-YAML round trip (a deck and its resolved text
 * reloaded give the same struct).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "idr_config.h"
#include "idr_materials.h"
#include "idr_protocols.h"

#include "config_fixture.h"

/* The physics of thermal admittance spectroscopy: incomplete ionisation,
 * an interface level, a level in part of a layer, a level bound to an ion. */
static const char *TAS =
    "layers:\n"
    "  - {name: abs, thickness_nm: 400, N_A_cm3: 1e16, E_A_eV: 0.05, eps_r: 24.1, chi_eV: 3.9,\n"
    "     Eg_eV: 1.6, Nc_cm3: 2.2e18, Nv_cm3: 1.8e19, mu_n_cm2_Vs: 2.385, mu_p_cm2_Vs: 1.5}\n"
    "  - {name: etl, thickness_nm: 40, N_D_cm3: 1e18, E_D_eV: 0.15, g_D: 2.5, eps_r: 4.2,\n"
    "     chi_eV: 4.1, Eg_eV: 2.3, Nc_cm3: 1e20, Nv_cm3: 1e20, mu_n_cm2_Vs: 0.01,\n"
    "     mu_p_cm2_Vs: 1e-4}\n"
    "ions:\n"
    "  - {name: hal, charge: -1, layers: [abs], density_cm3: 5e15, D0_cm2_s: 1e-6, Ea_eV: 0.2}\n"
    "traps:\n"
    "  - {name: if, layer: abs, interface: etl, type: acceptor, E_from_Ev_eV: 0.6,\n"
    "     sheet_density_cm2: 2e10, c_n_cm3_s: 1e-9, c_p_cm3_s: 1e-9}\n"
    "  - {name: part, layer: abs, type: donor, E_from_Ec_eV: 0.5, density_cm3: 3e14,\n"
    "     from_nm: 100, to_nm: 250, c_n_cm3_s: 1e-9, c_p_cm3_s: 1e-9}\n"
    "  - {name: bound, layer: abs, type: acceptor, E_from_Ev_eV: 0.42, follows_ion: hal,\n"
    "     c_n_cm3_s: 1e-9, c_p_cm3_s: 1e-8}\n"
    "  - {name: half, layer: abs, type: acceptor, E_from_Ev_eV: 0.3, density_cm3: 1e15,\n"
    "     follows_ion: hal, c_n_cm3_s: 1e-9, c_p_cm3_s: 1e-8, sigma_E_eV: 0.05}\n"
    "  - {name: tail, layer: abs, type: acceptor, E_from_Ev_eV: 0.3, density_cm3: 1e15,\n"
    "     from_nm: 300, to_nm: 400, c_n_cm3_s: 1e-9, c_p_cm3_s: 1e-8}\n";

/* Source positions, the path, the resolved text and whether output.csv was
 * written (the resolved text writes every key) are the only fields that may
 * differ between a deck and its resolved YAML reloaded. */
static void normalize(idr_deck *d) {
  idr_srcloc z = {0, 0};
  memset(d->path, 0, sizeof d->path);
  d->output.csv_given = 0;
  d->resolved_yaml = NULL;
  for (int i = 0; i < IDR_MAX_LAYERS; i++)
    d->layers[i].loc = d->layers[i].loc_thickness = z;
  for (int i = 0; i < IDR_MAX_IONS; i++)
    d->ions[i].loc = z;
  for (int i = 0; i < IDR_MAX_TRAPS; i++)
    d->traps[i].loc = z;
  idr_waveform_spec *W = idr_waveform_spec_edit(d);
  for (int i = 0; W && i < IDR_MAX_SEGMENTS; i++)
    W->segments[i].loc = z;
  d->protocol.loc = z;
}

static void round_trip(const char *text, const char *path) {
  idr_deck a, b;
  idr_error e;
  idr_error_clear(&e);
  idr_status st = text ? load_str(text, NULL, 0, &a, &e)
                       : idr_deck_load(path, NULL, 0, IDR_MATERIALS_DIR, &a, &e);
  if (st != IDR_OK) fail_msg("%s", e.msg);
  /* No material directory is needed to reload a resolved deck. */
  idr_error_clear(&e);
  st = idr_deck_load_string(a.resolved_yaml, "resolved.yaml", NULL, 0, "no/such/dir", &b, &e);
  if (st != IDR_OK) fail_msg("%s\n%s", e.msg, a.resolved_yaml);
  assert_string_equal(a.resolved_yaml, b.resolved_yaml);
  char *keep_a = a.resolved_yaml, *keep_b = b.resolved_yaml;
  normalize(&a);
  normalize(&b);
  assert_memory_equal(&a, &b, sizeof a);
  free(keep_a);
  free(keep_b);
}

static void test_tas_keys(void **state) {
  (void)state;
  idr_deck d;
  idr_error e;
  assert_int_equal(load_str(TAS, NULL, 0, &d, &e), IDR_OK);
  assert_double_equal(d.layers[0].E_A_eV, 0.05, 0);
  assert_double_equal(d.layers[0].E_D_eV, 0, 0);
  assert_double_equal(d.layers[0].g_A, IDR_G_ACCEPTOR, 0);
  assert_double_equal(d.layers[1].E_D_eV, 0.15, 0);
  assert_double_equal(d.layers[1].g_D, 2.5, 0);
  assert_int_equal(d.traps[0].at_interface, 1);
  assert_int_equal(d.traps[0].interface_layer, 1);
  assert_double_equal(d.traps[0].sheet_density_cm2, 2e10, 0);
  assert_double_equal(d.traps[0].density_cm3, 0, 0);
  assert_int_equal(d.traps[1].at_interface, 0);
  assert_double_equal(d.traps[1].from_nm, 100, 0);
  assert_double_equal(d.traps[1].to_nm, 250, 0);
  assert_int_equal(d.traps[2].bound, 1);
  assert_int_equal(d.traps[2].ion, 0);
  assert_double_equal(d.traps[2].density_cm3, 5e15, 0); /* the species' density */
  assert_double_equal(d.traps[3].density_cm3, 1e15, 0); /* a given mean density */
  assert_double_equal(d.traps[4].to_nm, 0, 0);          /* to the right edge */
  idr_deck_free(&d);
}

static void test_ion_light_keys(void **state) {
  (void)state;
  char buf[4096];
  mini_with(buf, sizeof buf, "",
            LIGHT_IONS "barrier_lowering: {dEa_eV: 0.08, n_theta_cm3: 3e15, provenance: "
                       "illustrative},\n     blocked_by: {species: h, c_block_cm3: 2e16, "
                       "provenance: \"study, proposed\"},\n     photo_creation: {k_gen_1_s: 0.5, "
                       "carrier: electrons, n_theta_cm3: 1e14, tau_rec_s: 2, N_rec_cm3: 1e16, "
                       "provenance: illustrative}}\n");
  idr_deck d;
  idr_error e;
  if (load_str(buf, NULL, 0, &d, &e) != IDR_OK) fail_msg("%s", e.msg);
  const idr_ion_species *I = &d.ions[1];
  assert_double_equal(I->lowering_dEa_eV, 0.08, 0);
  assert_double_equal(I->lowering_n_theta_cm3, 3e15, 0);
  assert_string_equal(I->lowering_provenance, "illustrative");
  assert_int_equal(I->blocked_by, 0);
  assert_double_equal(I->block_c_cm3, 2e16, 0);
  assert_string_equal(I->block_provenance, "study, proposed");
  assert_double_equal(I->creation_k_gen_1_s, 0.5, 0);
  assert_int_equal(I->creation_electrons, 1);
  assert_double_equal(I->creation_tau_rec_s, 2, 0);
  assert_double_equal(I->creation_N_rec_cm3, 1e16, 0);
  /* the species without the keys has none of the laws */
  assert_double_equal(d.ions[0].lowering_dEa_eV, 0, 0);
  assert_double_equal(d.ions[0].block_c_cm3, 0, 0);
  assert_double_equal(d.ions[0].creation_k_gen_1_s, 0, 0);
  assert_double_equal(I->block_density_cm3, 0, 0);
  idr_deck_free(&d);
  round_trip(buf, NULL);
  /* blocking by a static density alone, then beside a species */
  static const char *const BLK[2] = {
      LIGHT_IONS "blocked_by: {density_cm3: 3e17, c_block_cm3: 1e16, provenance: x}}\n",
      LIGHT_IONS "blocked_by: {species: h, density_cm3: 3e17, c_block_cm3: 1e16, "
                 "provenance: x}}\n"};
  for (int k = 0; k < 2; k++) {
    mini_with(buf, sizeof buf, "", BLK[k]);
    if (load_str(buf, NULL, 0, &d, &e) != IDR_OK) fail_msg("%s", e.msg);
    assert_int_equal(d.ions[1].blocked_by, k ? 0 : -1);
    assert_double_equal(d.ions[1].block_density_cm3, 3e17, 0);
    assert_double_equal(d.ions[1].block_c_cm3, 1e16, 0);
    idr_deck_free(&d);
    round_trip(buf, NULL);
  }
}

static void test_round_trip(void **state) {
  (void)state;
  round_trip(TAS, NULL);
  round_trip(NULL, EXAMPLE);
  round_trip(FULL, NULL);
  round_trip(MINI, NULL);
  /* A composition layer: numbers resolved inline, the composition kept as a
   * `composition_ref` label (no data file needed to reload). */
  round_trip("layers:\n"
             "  - {name: pvk, material: FAPbI3, composition: {family: FAPbI3-Br, x: 0.0625},\n"
             "     thickness_nm: 500, N_A_cm3: 1e17}\n"
             "ions:\n"
             "  - {name: halide, charge: -1, layers: [pvk]}\n"
             "  - {name: FA, charge: +1, layers: [pvk]}\n"
             "traps:\n"
             "  - {name: II, layer: pvk, type: acceptor, from_composition: band_II,\n"
             "     c_n_cm3_s: 1e-9, c_p_cm3_s: 1e-9}\n",
             NULL);
  /* A value that needs all 17 digits survives. */
  char buf[2048];
  mini_with(buf, sizeof buf, "", "temperature_K: 299.99999999999994\n");
  round_trip(buf, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tas_keys),
      cmocka_unit_test(test_ion_light_keys),
      cmocka_unit_test(test_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

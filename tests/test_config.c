/*
 * Unit tests of config/: the example deck, defaults, every conversion, the
 * strict checks (one case per rule, exact messages with file:line:col),
 * --set overrides and re-entrancy (the physics keys and the resolved-YAML
 * round trip: test_config_keys.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "idr_config.h"
#include "idr_materials.h"
#include "idr_protocols.h"

#include "config_fixture.h"

static void test_example_deck(void **state) {
  (void)state;
  idr_deck d;
  idr_error e;
  idr_error_clear(&e);
  assert_int_equal(idr_deck_load(EXAMPLE, NULL, 0, IDR_MATERIALS_DIR, &d, &e), IDR_OK);
  assert_int_equal(d.n_layers, 3);
  assert_string_equal(d.layers[0].name, "HTL");
  assert_string_equal(d.layers[0].material_ref, "PTAA");
  assert_string_equal(d.layers[1].mat.name, "FAPbI3");
  assert_double_equal(d.layers[0].thickness_nm, 20, 0);
  assert_double_equal(d.layers[0].N_A_cm3, 1e18, 0);
  assert_double_equal(d.layers[1].thickness_nm, 500, 0);
  assert_double_equal(d.layers[1].N_A_cm3, 1e17, 0);
  assert_double_equal(d.layers[1].mat.eps_r, 46.9, 0);
  assert_double_equal(d.layers[1].mat.Eg_eV, 1.53, 0);
  assert_double_equal(d.layers[2].N_D_cm3, 1e18, 0);
  assert_double_equal(d.layers[2].mat.chi_eV, 4.1, 0);
  assert_int_equal(d.layers[1].loc_thickness.line, 15);
  assert_int_equal(d.layers[1].loc_thickness.col, 19);
  assert_int_equal(d.n_ions, 1);
  assert_int_equal(d.ions[0].z, -1);
  assert_int_equal(d.ions[0].layer_mask, 1u << 1);
  assert_double_equal(d.ions[0].density_cm3, 1e16, 0);
  assert_double_equal(d.ions[0].D0_cm2_s, 1.1e-6, 0);
  assert_double_equal(d.ions[0].Ea_eV, 0.131, 0);
  assert_int_equal(d.n_traps, 0);
  assert_double_equal(d.temperature_K, 300, 0);
  assert_int_equal(d.mesh.nodes, 400);
  assert_string_equal(idr_protocol_name(&d.protocol), "waveform");
  assert_int_equal(idr_waveform_spec_of(&d)->n_segments, 2);
  assert_double_equal(idr_waveform_spec_of(&d)->segments[0].duration_s, 5, 0);
  assert_double_equal(idr_waveform_spec_of(&d)->segments[0].V_V, 1.0, 0);
  assert_int_equal(idr_waveform_spec_of(&d)->segments[0].samples, 60);
  assert_int_equal(idr_waveform_spec_of(&d)->segments[0].log_spacing, 1);
  assert_double_equal(idr_waveform_spec_of(&d)->segments[1].duration_s, 10, 0);
  assert_double_equal(idr_waveform_spec_of(&d)->segments[1].V_V, 0, 0);
  assert_int_equal(idr_waveform_spec_of(&d)->n_profile_times, 3);
  assert_double_equal(idr_waveform_spec_of(&d)->profile_times_s[2], 15, 0);
  assert_true(isnan(d.contact_left.work_function_eV));
  assert_true(isnan(d.contact_right.work_function_eV));
  assert_string_equal(d.output.h5_path, "fapbi3_pin.h5");
  assert_string_equal(d.output.csv_path, "fapbi3_pin_J.csv");
  assert_non_null(d.resolved_yaml);
  idr_deck_free(&d);
  assert_null(d.resolved_yaml);
}

static void test_defaults(void **state) {
  (void)state;
  idr_deck d;
  idr_error e;
  idr_error_clear(&e);
  /* config alone (no material resolver) handles an inline deck. */
  assert_int_equal(idr_deck_parse_string(MINI, "runs/mini.yaml", NULL, 0, NULL, NULL, &d, &e),
                   IDR_OK);
  assert_string_equal(d.path, "runs/mini.yaml");
  assert_string_equal(d.title, "");
  assert_double_equal(d.temperature_K, 300, 0);
  assert_int_equal(d.n_layers, 1);
  assert_string_equal(d.layers[0].material_ref, "");
  assert_string_equal(d.layers[0].mat.name, "abs");
  assert_double_equal(d.layers[0].N_A_cm3, 0, 0);
  assert_double_equal(d.layers[0].N_D_cm3, 0, 0);
  assert_int_equal(d.layers[0].nodes, 0);
  assert_double_equal(d.layers[0].mat.mu_n_cm2_Vs, 2.385, 0);
  assert_double_equal(d.layers[0].mat.k_rad_cm3_s, 0, 0);
  assert_double_equal(d.layers[0].mat.alpha_cm, 0, 0);
  assert_int_equal(d.layers[0].loc.line, 2);
  assert_int_equal(d.layers[0].loc.col, 5);
  assert_int_equal(d.layers[0].loc_thickness.line, 3);
  assert_int_equal(d.layers[0].loc_thickness.col, 19);
  assert_int_equal(d.n_ions, 0);
  assert_int_equal(d.n_traps, 0);
  assert_true(isnan(d.contact_left.work_function_eV));
  assert_int_equal(d.generation.model, IDR_GEN_NONE);
  assert_int_equal(d.generation.from_right, 0);
  assert_int_equal(d.mesh.nodes, 400);
  assert_double_equal(d.mesh.h_min_nm, 0.05, 0);
  assert_double_equal(d.solver.rtol, 1e-6, 0);
  assert_double_equal(d.solver.atol_density_cm3, 1e3, 0);
  assert_double_equal(d.solver.atol_potential_V, 1e-9, 0);
  assert_int_equal(d.solver.max_steps, 500000);
  assert_int_equal(d.solver.carriers, IDR_CARRIERS_QUASI_STEADY);
  assert_string_equal(idr_protocol_name(&d.protocol), "equilibrate");
  assert_null(idr_waveform_spec_of(&d));
  assert_string_equal(d.output.h5_path, "mini.h5");
  assert_string_equal(d.output.csv_path, "mini_J.csv");
  idr_deck_free(&d);

  /* Segment defaults: 50 samples, log spacing, dark. */
  char buf[2048];
  mini_with(buf, sizeof buf, "",
            "protocol:\n  type: waveform\n  segments:\n    - {duration_s: 1, V_V: 0.4}\n");
  assert_int_equal(load_str(buf, NULL, 0, &d, &e), IDR_OK);
  assert_int_equal(idr_waveform_spec_of(&d)->segments[0].samples, 50);
  assert_int_equal(idr_waveform_spec_of(&d)->segments[0].log_spacing, 1);
  assert_double_equal(idr_waveform_spec_of(&d)->segments[0].light_suns, 0, 0);
  assert_int_equal(idr_waveform_spec_of(&d)->n_profile_times, 0);
  idr_deck_free(&d);
}

static void test_conversions(void **state) {
  (void)state;
  idr_deck d;
  idr_error e;
  assert_int_equal(load_str(FULL, NULL, 0, &d, &e), IDR_OK);
  assert_string_equal(d.title, "two-layer \"test\" stack");
  assert_double_equal(d.temperature_K, 250.5, 0);
  assert_int_equal(d.layers[0].nodes, 120);
  assert_double_equal(d.layers[0].N_A_cm3, 3.3e16, 0);
  assert_double_equal(d.layers[0].mat.k_rad_cm3_s, 4.7e-11, 0);
  assert_double_equal(d.layers[0].mat.C_n_auger_cm6_s, 1.1e-28, 0);
  assert_double_equal(d.layers[0].mat.C_p_auger_cm6_s, 0, 0);
  assert_double_equal(d.layers[0].mat.tau_n_s, 2.5e-7, 0);
  assert_double_equal(d.layers[0].mat.G_uniform_cm3_s, 2.9e21, 0);
  assert_double_equal(d.interfaces[0].s_n_cm_s, 12.5, 0);
  assert_double_equal(d.interfaces[0].s_p_cm_s, 1e3, 0);
  assert_int_equal(d.n_ions, 2);
  assert_int_equal(d.ions[0].z, 1);
  assert_int_equal(d.ions[0].layer_mask, 3u);
  assert_double_equal(d.ions[0].c_max_cm3, 1e21, 0);
  assert_int_equal(d.ions[1].z, -1);
  assert_double_equal(d.ions[1].Ea_eV, 0, 0);
  assert_int_equal(d.n_traps, 3);
  /* sigma * v_th, default v_th 1e7 cm/s */
  assert_double_equal(d.traps[0].c_n_cm3_s, 2e-15 * 1e7, 1e-30);
  assert_double_equal(d.traps[0].c_p_cm3_s, 3e-16 * 1e7, 1e-30);
  assert_int_equal(d.traps[0].type, IDR_TRAP_ACCEPTOR);
  assert_int_equal(d.traps[0].ref, IDR_EREF_EC);
  assert_int_equal(d.traps[0].levels, 1);
  assert_int_equal(d.traps[1].type, IDR_TRAP_DONOR);
  assert_int_equal(d.traps[1].ref, IDR_EREF_EV);
  assert_double_equal(d.traps[1].E_eV, 0.45, 0);
  assert_double_equal(d.traps[1].c_n_cm3_s, 1e-16 * 2e7, 1e-30);
  assert_int_equal(d.traps[1].levels, 5); /* default for a Gaussian band */
  assert_int_equal(d.traps[2].layer, 1);
  assert_double_equal(d.traps[2].c_p_cm3_s, 2e-9, 0);
  assert_int_equal(d.traps[2].levels, 7);
  assert_double_equal(d.contact_left.work_function_eV, 5.1, 0);
  assert_true(isnan(d.contact_right.work_function_eV));
  assert_int_equal(d.generation.model, IDR_GEN_BEER_LAMBERT);
  assert_int_equal(d.generation.from_right, 1);
  assert_double_equal(d.generation.photon_flux_cm2_s, 2.5e17, 0);
  assert_int_equal(d.mesh.nodes, 250);
  assert_double_equal(d.mesh.h_min_nm, 0.15, 0);
  assert_double_equal(d.solver.rtol, 1e-5, 0);
  assert_int_equal(d.solver.max_steps, 1234);
  assert_int_equal(d.solver.carriers, IDR_CARRIERS_INTEGRATE);
  assert_int_equal(idr_waveform_spec_of(&d)->segments[0].log_spacing, 0);
  assert_int_equal(idr_waveform_spec_of(&d)->segments[0].samples, 7);
  assert_double_equal(idr_waveform_spec_of(&d)->segments[0].light_suns, 0.5, 0);
  assert_double_equal(idr_waveform_spec_of(&d)->segments[0].V_V, -0.3, 0);
  assert_double_equal(idr_waveform_spec_of(&d)->profile_times_s[2], 2.501, 0);
  assert_string_equal(d.output.h5_path, "res.h5");
  assert_string_equal(d.output.csv_path, "");
  idr_deck_free(&d);

  /* Protocols whose keys are not defined yet parse their type. */
  char buf[2048];
  mini_with(buf, sizeof buf, "", "protocol: {type: tid}\n");
  assert_int_equal(load_str(buf, NULL, 0, &d, &e), IDR_OK);
  assert_string_equal(idr_protocol_name(&d.protocol), "tid");
  assert_int_equal(idr_tid_spec_of(&d)->density_atol, IDR_TID_ATOL_CHARGE);
  assert_true(idr_tid_spec_of(&d)->fill_rtol == IDR_TID_FILL_RTOL_DEFAULT);
  idr_deck_free(&d);
  mini_with(buf, sizeof buf, "", "protocol: {type: tid, density_atol: solver}\n");
  assert_int_equal(load_str(buf, NULL, 0, &d, &e), IDR_OK);
  assert_int_equal(idr_tid_spec_of(&d)->density_atol, IDR_TID_ATOL_SOLVER);
  idr_deck_free(&d);
  mini_with(buf, sizeof buf, "", "protocol: {type: tid, fill_rtol: 1e-6}\n");
  assert_int_equal(load_str(buf, NULL, 0, &d, &e), IDR_OK);
  assert_true(idr_tid_spec_of(&d)->fill_rtol == 1e-6);
  idr_deck_free(&d);
}

typedef struct bad_case {
  const char *before, *after; /* edit of MINI ("" before: append) */
  const char *set;            /* optional --set */
  const char *expect;         /* substring of the message */
} bad_case;

static const bad_case BAD[] = {
    {"", LIGHT_IONS "barrier_lowering: {dEa_eV: 0.3, n_theta_cm3: 1e15, provenance: x}}\n", NULL,
     "ions[1].barrier_lowering.dEa_eV must be <= the species' Ea_eV = 0.2"},
    {"", LIGHT_IONS "barrier_lowering: {dEa_eV: 0.1, n_theta_cm3: 1e15}}\n", NULL,
     "ions[1].barrier_lowering.provenance must be given (got nothing)"},
    {"", LIGHT_IONS "blocked_by: {species: fa, c_block_cm3: 1e16, provenance: x}}\n", NULL,
     "ions[1].blocked_by.species must be the name of another ion species (got 'fa')"},
    {"", LIGHT_IONS "blocked_by: {species: h, c_block_cm3: 0, provenance: x}}\n", NULL,
     "ions[1].blocked_by.c_block_cm3 must be > 0 (got 0)"},
    {"", LIGHT_IONS "blocked_by: {c_block_cm3: 1e16, provenance: x}}\n", NULL,
     "deck.yaml:13:98: ions[1].blocked_by.species must be given, or a static density "
     "(density_cm3 or from_composition: interstitial_excess), or both (got nothing)"},
    {"", LIGHT_IONS "blocked_by: {density_cm3: -1, c_block_cm3: 1e16, provenance: x}}\n", NULL,
     "ions[1].blocked_by.density_cm3 must be >= 0 (got -1)"},
    {"", LIGHT_IONS "blocked_by: {density_cm3: 1e17, c_block: 1e16, provenance: x}}\n", NULL,
     "ions[1].blocked_by.c_block must be a known key"},
    {"",
     LIGHT_IONS "photo_creation: {k_gen_1_s: 1, n_theta_cm3: 1e15, tau_rec_s: 1, "
                "provenance: x}}\n",
     NULL, "ions[1].photo_creation.N_rec_cm3 must be given (got nothing)"},
    {"",
     LIGHT_IONS "photo_creation: {k_gen_1_s: 1, n_theta_cm3: 1e15, tau_rec_s: 1, N_rec_cm3: 1, "
                "carrier: ions, provenance: x}}\n",
     NULL, "ions[1].photo_creation.carrier must be one of holes | electrons (got 'ions')"},
    {"", "temperatur_K: 300\n", NULL,
     "deck.yaml:11:1: temperatur_K must be a known key, did you mean 'temperature_K'? "
     "(got 'temperatur_K')"},
    {"", "title: [a]\n", NULL, "deck.yaml:11:8: title must be a non-empty string (got a list)"},
    {"", "temperature_K: 1001\n", NULL,
     "deck.yaml:11:16: temperature_K must be in (0, 1000] (got 1001)"},
    {"", "temperature_K: '300'\n", NULL,
     "deck.yaml:11:16: temperature_K must be a number (got '300')"},
    {"", "temperature_K: inf\n", NULL, "temperature_K must be a finite number (got inf)"},
    {"", "temperature_K: 1e999\n", NULL, "temperature_K must be a finite number (got 1e999)"},
    {"", "temperature_K:\n", NULL, "temperature_K must be a number (got an empty value)"},
    {"    thickness_nm: 400\n", "    thickness_nm: -400\n", NULL,
     "deck.yaml:3:19: layers[0].thickness_nm must be > 0 (got -400)"},
    {"    eps_r: 24.1\n", "", NULL,
     "deck.yaml:2:5: layers[0].eps_r must be given in the layer or its material file (got "
     "nothing)"},
    {"    eps_r: 24.1\n", "    eps_r: 0\n", NULL, "layers[0].eps_r must be > 0 (got 0)"},
    {"    Eg_eV: 1.6\n", "    Eg_eV: -1\n", NULL, "layers[0].Eg_eV must be in (0, 10] (got -1)"},
    {"    Nc_cm3: 2.2e18\n", "    Nc_cm3: 0\n", NULL, "layers[0].Nc_cm3 must be > 0 (got 0)"},
    {"    mu_p_cm2_Vs: 1.5\n", "    mu_p_cm2_Vs: -1.5\n", NULL,
     "layers[0].mu_p_cm2_Vs must be > 0 (got -1.5)"},
    {"    thickness_nm: 400\n", "    thickness_nm: 400\n    N_D_cm3: -5\n", NULL,
     "layers[0].N_D_cm3 must be >= 0 (got -5)"},
    {"    thickness_nm: 400\n", "    thickness_nm: 400\n    nodes: 2\n", NULL,
     "layers[0].nodes must be 0 (automatic) or >= 3 (got 2)"},
    {"    thickness_nm: 400\n", "    thickness_nm: 400\n    material_ref: X\n    material: Y\n",
     NULL, "layers[0].material_ref must be absent when material is given (got 'X')"},
    {"",
     "  - {name: abs, thickness_nm: 5, eps_r: 1, chi_eV: 1, Eg_eV: 1, Nc_cm3: 1, Nv_cm3: 1,"
     " mu_n_cm2_Vs: 1, mu_p_cm2_Vs: 1}\n",
     NULL,
     "deck.yaml:11:12: layers[1].name must be unique (got 'abs', also the name of layers[0])"},
    {"", "mesh: {nodes: 2.5}\n", NULL, "deck.yaml:11:15: mesh.nodes must be an integer (got 2.5)"},
    {"", "mesh: {nodes: 5}\n", NULL, "mesh.nodes must be in [10, 10000000] (got 5)"},
    {"", "mesh: {h_min_nm: 500}\n", NULL,
     "mesh.h_min_nm must be < the thinnest layer's thickness 400 nm (got 500)"},
    {"", "solver: {rtol: 0}\n", NULL, "solver.rtol must be in (0, 0.1) (got 0)"},
    {"", "solver: {max_steps: 0}\n", NULL, "solver.max_steps must be >= 1 (got 0)"},
    {"", "solver: {carrier_relaxation: skip}\n", NULL,
     "solver.carrier_relaxation must be one of quasi_steady | integrate (got 'skip')"},
    {"", "interfaces: [{s_n_cm_s: 0}]\n", NULL,
     "interfaces must be a list of 0 to 0 interfaces (one per pair of layers) (got 1)"},
    {"", "contacts: {left: {work_function_eV: 0}}\n", NULL,
     "contacts.left.work_function_eV must be in (0, 10] (got 0)"},
    {"", "contacts: {middle: {}}\n", NULL,
     "contacts.middle must be one of the keys left, right (got 'middle')"},
    {"", "generation: {model: beer_lambert, photon_flux_cm2_s: 1e17}\n", NULL,
     "generation.model must be none unless some layer has alpha_cm > 0 (got 'beer_lambert')"},
    {"    mu_p_cm2_Vs: 1.5\n", "    mu_p_cm2_Vs: 1.5\n    alpha_cm: 1e5\n",
     "generation={model: beer_lambert}",
     "<command line>: --set generation.photon_flux_cm2_s: must be given (got nothing)"},
    {"", "generation: {model: sun}\n", NULL,
     "generation.model must be one of none | uniform | beer_lambert (got 'sun')"},
    {"", "ions:\n  - {name: h, charge: 1, layers: [], density_cm3: 1, D0_cm2_s: 1, Ea_eV: 0}\n",
     NULL, "ions[0].layers must be a non-empty list of layer names like [perovskite] (got [])"},
    {"", "ions:\n  - {name: h, charge: 1, layers: [abs], density_cm3: 1, D0_cm2_s: 0, Ea_eV: 0}\n",
     NULL, "ions[0].D0_cm2_s must be > 0 (got 0)"},
    {"", "ions:\n  - {name: h, charge: 1, layers: [abs], density_cm3: 1, D0_cm2_s: 1, Ea_eV: -1}\n",
     NULL, "ions[0].Ea_eV must be >= 0 (got -1)"},
    {"",
     "ions:\n  - {name: h, charge: 1, layers: [abs], density_cm3: 5, D0_cm2_s: 1, Ea_eV: 0,"
     " c_max_cm3: 5}\n",
     NULL, "ions[0].c_max_cm3 must be 0 (no limit) or > density_cm3 = 5 (got 5)"},
    {"", "ions:\n  - {name: h, charge: 1, layers: [abs], density_cm3: 1, D0_cm2_s: 1}\n", NULL,
     "deck.yaml:12:5: ions[0].Ea_eV must be given (got nothing)"},
    {"",
     "traps:\n  - {name: t, layer: abs, type: acceptor, E_from_Ec_eV: 0.3, density_cm3: 1,"
     " c_n_cm3_s: 1, sigma_p_cm2: 1}\n",
     NULL,
     "traps[0].sigma_p_cm2 must be absent when capture coefficients c_n_cm3_s/c_p_cm3_s are "
     "given (got 1)"},
    {"", "traps:\n  - {name: t, layer: abs, type: acceptor, E_from_Ec_eV: 0.3, density_cm3: 1}\n",
     NULL,
     "traps[0].c_n_cm3_s must be given with c_p_cm3_s, or sigma_n_cm2 and sigma_p_cm2 instead "
     "(got nothing)"},
    {"",
     "traps:\n  - {name: t, layer: abs, type: acceptor, density_cm3: 1, c_n_cm3_s: 1,"
     " c_p_cm3_s: 1}\n",
     NULL, "traps[0].E_from_Ec_eV must be given, or E_from_Ev_eV instead (got nothing)"},
    {"",
     "traps:\n  - {name: t, layer: abs, type: acceptor, E_from_Ev_eV: 0, density_cm3: 1,"
     " c_n_cm3_s: 1, c_p_cm3_s: 1}\n",
     NULL, "traps[0].E_from_Ev_eV must be in (0, 1.6), inside the band gap of layer 'abs' (got 0)"},
    {"",
     "traps:\n  - {name: t, layer: abs, type: acceptor, E_from_Ec_eV: 0.3, density_cm3: 1,"
     " c_n_cm3_s: 1, c_p_cm3_s: 1, levels: 3}\n",
     NULL, "traps[0].levels must be 1 when sigma_E_eV is 0 (got 3)"},
    {"",
     "traps:\n  - {name: t, layer: abs, type: neutral, E_from_Ec_eV: 0.3, density_cm3: 1,"
     " c_n_cm3_s: 1, c_p_cm3_s: 1}\n",
     NULL, "traps[0].type must be one of acceptor | donor (got 'neutral')"},
    {"",
     "traps:\n  - {name: t, layer: htl, type: donor, E_from_Ec_eV: 0.3, density_cm3: 1,"
     " c_n_cm3_s: 1, c_p_cm3_s: 1}\n",
     NULL, "traps[0].layer must be a layer name (got 'htl')"},
    {"    thickness_nm: 400\n", "    thickness_nm: 400\n    E_D_eV: 1.6\n", NULL,
     "layers[0].E_D_eV must be in [0, 1.6) (got 1.6)"},
    {"    thickness_nm: 400\n", "    thickness_nm: 400\n    g_A: 0\n", NULL,
     "layers[0].g_A must be > 0 (got 0)"},
    {"",
     "traps:\n  - {name: t, layer: abs, interface: abs, type: donor, E_from_Ec_eV: 0.3,"
     " sheet_density_cm2: 1, c_n_cm3_s: 1, c_p_cm3_s: 1}\n",
     NULL, "traps[0].interface must be the name of a layer next to layer 'abs' (got 'abs')"},
    {"",
     "traps:\n  - {name: t, layer: abs, type: donor, E_from_Ec_eV: 0.3, density_cm3: 1,"
     " sheet_density_cm2: 1e10, c_n_cm3_s: 1, c_p_cm3_s: 1}\n",
     NULL,
     "traps[0].sheet_density_cm2 must be absent unless the level sits at an interface (give "
     "interface: LAYER) (got 1e10)"},
    {"",
     "traps:\n  - {name: t, layer: abs, type: donor, E_from_Ec_eV: 0.3, density_cm3: 1,"
     " from_nm: 50, to_nm: 10, c_n_cm3_s: 1, c_p_cm3_s: 1}\n",
     NULL, "traps[0].to_nm must leave from_nm < to_nm inside layer 'abs' (0 .. 400 nm) (got 10)"},
    {"",
     "traps:\n  - {name: t, layer: abs, type: donor, E_from_Ec_eV: 0.3, density_cm3: 1,"
     " to_nm: 401, c_n_cm3_s: 1, c_p_cm3_s: 1}\n",
     NULL, "traps[0].to_nm must be in [0, 400] (got 401)"},
    {"",
     "traps:\n  - {name: t, layer: abs, type: donor, E_from_Ec_eV: 0.3,"
     " follows_ion: hal, c_n_cm3_s: 1, c_p_cm3_s: 1}\n",
     NULL, "traps[0].follows_ion must be the name of an ion species (got 'hal')"},
    {"",
     "ions:\n  - {name: h, charge: 1, layers: [abs], density_cm3: 1, D0_cm2_s: 1, Ea_eV: 0}\n"
     "traps:\n  - {name: t, layer: abs, type: donor, E_from_Ec_eV: 0.3,"
     " follows_ion: h, from_nm: 5, c_n_cm3_s: 1, c_p_cm3_s: 1}\n",
     NULL,
     "traps[0].from_nm must be absent for a level bound to an ion (it is where the ions are) "
     "(got 5)"},
    {"", "protocol: {type: jv}\n", NULL,
     "protocol.type must be one of equilibrate | waveform | tid | cf | cv | tas (got 'jv')"},
    {"", "protocol: {type: tid, segments: []}\n", NULL,
     "protocol.segments must be one of the keys type, temperatures_K, fill_V_V, fill_duration_s, "
     "rest_V_V, light_suns, f_Hz, t_first_s, t_last_s, samples, threads, power, model, "
     "density_atol, fill_rtol, light_rest_suns, light_fill_suns, light_relax_suns, times_s "
     "(got 'segments')"},
    {"", "protocol: {type: tid, times_s: [1e-6, 1e-3], samples: 5}\n", NULL,
     "protocol.times_s replaces t_first_s, t_last_s and samples: give the list or the grid, not "
     "both (got samples)"},
    {"", "protocol: {type: tid, times_s: [1e-6, 1e-3, 1e-4]}\n", NULL,
     "protocol.times_s[2] must be larger than protocol.times_s[1] = 1e-3 (got 1e-4)"},
    {"", "protocol: {type: tid, times_s: [1e-3]}\n", NULL,
     "protocol.times_s must be a list of 2 to 512 times [s] like [1e-6, 1e-3, 1] (got 1 values)"},
    {"", "protocol: {type: tid, times_s: [0, 1]}\n", NULL,
     "protocol.times_s[0] must be > 0 (got 0)"},
    {"", "protocol: {type: cf, frequencies_Hz: [1e3, 1e4], f_max_Hz: 1e5}\n", NULL,
     "protocol.frequencies_Hz replaces f_min_Hz, f_max_Hz and points_per_decade: give the list or "
     "the grid, not both (got f_max_Hz)"},
    {"", "protocol: {type: cv, biases_V: [0, -0.2, -0.2]}\n", NULL,
     "protocol.biases_V[2] must differ from protocol.biases_V[1] (got -0.2 twice)"},
    {"", "protocol: {type: cv, biases_V: [0, -0.2, 0.1]}\n", NULL,
     "protocol.biases_V[2] must be smaller than protocol.biases_V[1] = -0.2 (got 0.1)"},
    {"", "protocol: {type: tid, fill_rtol: 0}\n", NULL, "protocol.fill_rtol must be > 0 (got 0)"},
    {"", "protocol: {type: tid, density_atol: loose}\n", NULL,
     "protocol.density_atol must be one of charge | solver (got 'loose')"},
    {"", "protocol: {type: waveform}\n", NULL, "protocol.segments must be given (got nothing)"},
    {"", "protocol: {type: waveform, segments: [{duration_s: 1}]}\n", NULL,
     "protocol.segments[0].V_V must be given (got nothing)"},
    {"", "protocol: {type: waveform, segments: [{duration_s: 1, V_V: 0, samples: 0}]}\n", NULL,
     "protocol.segments[0].samples must be in [1, 1000000] (got 0)"},
    {"", "protocol: {type: waveform, segments: [{duration_s: 1, V_V: 0, spacing: cubic}]}\n", NULL,
     "protocol.segments[0].spacing must be one of log | linear (got 'cubic')"},
    {"",
     "protocol: {type: waveform, segments: [{duration_s: 1, V_V: 0}], "
     "profile_times_s: [0.5, 0.5]}\n",
     NULL, "protocol.profile_times_s[1] must be > the previous time 0.5 s (increasing order)"},
    {"",
     "protocol: {type: waveform, segments: [{duration_s: 1, V_V: 0}], "
     "profile_times_s: [-1]}\n",
     NULL, "protocol.profile_times_s[0] must be >= 0 (got -1)"},
    {"", "output: {h5: \"\"}\n", NULL, "output.h5 must be a non-empty string (got '')"},
    {"", "a: &x 1\nb: *x\n", NULL, "deck.yaml:12:4: YAML aliases (*name) must not be used"},
    {"", "---\nb: 2\n", NULL, "a file must hold a single YAML document (got a second)"},
    {"", "? [a]\n: 1\n", NULL, "deck.yaml:11:3: mapping keys must be plain names"},
    {"", "", "x", "<command line>: --set x: must be of the form path.to.key=value"},
    {"", "", "layers[a]=1",
     "<command line>: --set layers[a]: the path must be like layers[1].thickness_nm or "
     "mesh.nodes (got 'layers[a]')"},
    {"", "", "layers[0].thickness_nm.x=1",
     "<command line>: --set layers[0].thickness_nm.x: layers[0].thickness_nm must be a mapping"},
    {"", "", "layers.0.name.3=1", "--set layers[0].name[3]: layers[0].name must be a list"},
    {"", "", "ions[0].name=x", "<command line>: --set ions[0].name: no such ion (deck has 0)"},
    {"", "", "layers.1.thickness_nm=4", "--set layers[1].thickness_nm: no such layer (deck has 1)"},
    {"", "", "temperature_K=",
     "<command line>: --set temperature_K: must be a number (got an "
     "empty value)"},
    {"", "", "layers.0.thickness_nm=-4",
     "<command line>: --set layers[0].thickness_nm: must be > 0 (got -4)"},
    {"", "", "layers[0].mu_n=3",
     "<command line>: --set layers[0].mu_n: must be a known key, did you mean 'mu_n_cm2_Vs'"},
};

static void test_bad_input(void **state) {
  (void)state;
  char buf[4096];
  for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
    const bad_case *b = &BAD[i];
    idr_deck d;
    idr_error e;
    mini_with(buf, sizeof buf, b->before, b->after);
    const char *sets[1] = {b->set};
    idr_status st = load_str(buf, sets, b->set ? 1 : 0, &d, &e);
    if (st != IDR_ERR_INPUT || !strstr(e.msg, b->expect))
      fail_msg("case %zu: status %d\n  got:    %s\n  wanted: %s", i, (int)st, e.msg, b->expect);
    assert_null(d.resolved_yaml);
    idr_deck_free(&d);
  }
}

static void test_document_errors(void **state) {
  (void)state;
  idr_deck d;
  idr_error e;
  assert_int_equal(load_str("", NULL, 0, &d, &e), IDR_ERR_INPUT);
  assert_string_equal(
      e.msg, "deck.yaml:1:1: the deck must be a mapping of key: value (got an empty file)");
  assert_int_equal(load_str("hello\n", NULL, 0, &d, &e), IDR_ERR_INPUT);
  assert_string_equal(e.msg,
                      "deck.yaml:1:1: the document must be a mapping of key: value (got 'hello')");
  assert_int_equal(load_str("temperature_K: 300\n", NULL, 0, &d, &e), IDR_ERR_INPUT);
  assert_string_equal(e.msg, "deck.yaml:1:1: layers must be given (got nothing)");
  assert_int_equal(load_str("layers: []\n", NULL, 0, &d, &e), IDR_ERR_INPUT);
  assert_string_equal(e.msg, "deck.yaml:1:9: layers must be a list of 1 to 8 layers (got 0)");
  assert_int_equal(load_str("a: [1, 2\n", NULL, 0, &d, &e), IDR_ERR_INPUT);
  assert_non_null(strstr(e.msg, "deck.yaml:2:1: YAML syntax error: did not find expected ',' or "
                                "']' (while parsing a flow sequence at 1:4)"));
  idr_error_clear(&e);
  assert_int_equal(idr_deck_load("no/such/deck.yaml", NULL, 0, NULL, &d, &e), IDR_ERR_IO);
  assert_non_null(strstr(e.msg, "no/such/deck.yaml: cannot be read"));
  /* config alone cannot resolve a material name. */
  idr_error_clear(&e);
  assert_int_equal(idr_deck_parse_string("layers: [{name: a, material: PTAA, thickness_nm: 1}]\n",
                                         "deck.yaml", NULL, 0, NULL, NULL, &d, &e),
                   IDR_ERR_INPUT);
  assert_non_null(strstr(e.msg, "deck.yaml:1:30: layers[0].material must be resolved by the "
                                "materials module"));
}

static void test_set_overrides(void **state) {
  (void)state;
  idr_deck d;
  idr_error e;
  char buf[4096];
  const char *sets[] = {"layers[0].thickness_nm=250", "layers.0.N_A_cm3 = 4e16",
                        "contacts.right.work_function_eV=4.3", "temperature_K=310",
                        "mesh.nodes=600"};
  assert_int_equal(load_str(MINI, sets, 5, &d, &e), IDR_OK);
  assert_double_equal(d.layers[0].thickness_nm, 250, 0);
  assert_int_equal(d.layers[0].loc_thickness.line, 0); /* from the command line */
  assert_double_equal(d.layers[0].N_A_cm3, 4e16, 0);
  assert_double_equal(d.contact_right.work_function_eV, 4.3, 0);
  assert_double_equal(d.temperature_K, 310, 0);
  assert_int_equal(d.mesh.nodes, 600);
  idr_deck_free(&d);

  /* Flow sequences and flow mappings as values; later --set wins. */
  mini_with(buf, sizeof buf, "",
            "protocol:\n  type: waveform\n  segments:\n    - {duration_s: 5, V_V: 1}\n"
            "    - {duration_s: 10, V_V: 0}\n  profile_times_s: [0, 15]\n");
  const char *sets2[] = {"protocol.profile_times_s=[0, 2.5, 5]",
                         "protocol.segments[1]={duration_s: 3, V_V: -0.2}",
                         "protocol.segments.0.V_V=1.2", "protocol.segments.0.V_V=0.8"};
  assert_int_equal(load_str(buf, sets2, 4, &d, &e), IDR_OK);
  assert_int_equal(idr_waveform_spec_of(&d)->n_profile_times, 3);
  assert_double_equal(idr_waveform_spec_of(&d)->profile_times_s[1], 2.5, 0);
  assert_double_equal(idr_waveform_spec_of(&d)->segments[1].duration_s, 3, 0);
  assert_double_equal(idr_waveform_spec_of(&d)->segments[1].V_V, -0.2, 0);
  assert_double_equal(idr_waveform_spec_of(&d)->segments[0].V_V, 0.8, 0);
  idr_deck_free(&d);

  /* A --set against the example deck, with materials. */
  const char *sets3[] = {"layers[1].thickness_nm=400", "layers[1].eps_r=30", "ions[0].Ea_eV=0.074"};
  idr_error_clear(&e);
  assert_int_equal(idr_deck_load(EXAMPLE, sets3, 3, IDR_MATERIALS_DIR, &d, &e), IDR_OK);
  assert_double_equal(d.layers[1].thickness_nm, 400, 0);
  assert_double_equal(d.layers[1].mat.eps_r, 30, 0);
  assert_double_equal(d.layers[1].mat.Eg_eV, 1.53, 0); /* the rest still from the file */
  assert_double_equal(d.ions[0].Ea_eV, 0.074, 0);
  idr_deck_free(&d);
  const char *bad[] = {"layers[9].thickness_nm=400"};
  idr_error_clear(&e);
  assert_int_equal(idr_deck_load(EXAMPLE, bad, 1, IDR_MATERIALS_DIR, &d, &e), IDR_ERR_INPUT);
  assert_string_equal(e.msg,
                      "<command line>: --set layers[9].thickness_nm: no such layer (deck has 3)");
}

static void test_error_at(void **state) {
  (void)state;
  idr_deck d;
  idr_error e;
  assert_int_equal(load_str(MINI, NULL, 0, &d, &e), IDR_OK);
  idr_error_clear(&e);
  assert_int_equal(idr_deck_error_at(&d, d.layers[0].loc_thickness, &e,
                                     "layers[0].thickness_nm must be > %g (got %g)", 2.385, 1.0),
                   IDR_ERR_INPUT);
  assert_string_equal(e.msg, "deck.yaml:3:19: layers[0].thickness_nm must be > 2.385 (got 1)");
  idr_error_clear(&e);
  idr_srcloc none = {0, 0};
  idr_deck_error_at(&d, none, &e, "mesh too coarse");
  assert_string_equal(e.msg, "deck.yaml: mesh too coarse");
  idr_deck_free(&d);
}

/* Re-entrancy: decks loaded concurrently give identical results. */
#define N_THREADS 4
#define LOADS_PER_THREAD 25
static int load_many(void *arg) {
  const char *want = arg;
  for (int i = 0; i < LOADS_PER_THREAD; i++) {
    idr_deck d;
    idr_error e;
    idr_error_clear(&e);
    if (idr_deck_load(EXAMPLE, NULL, 0, IDR_MATERIALS_DIR, &d, &e) != IDR_OK) return 1;
    int same = strcmp(d.resolved_yaml, want) == 0;
    idr_deck_free(&d);
    if (!same) return 1;
  }
  return 0;
}

static void test_threads(void **state) {
  (void)state;
  idr_deck d;
  idr_error e;
  idr_error_clear(&e);
  assert_int_equal(idr_deck_load(EXAMPLE, NULL, 0, IDR_MATERIALS_DIR, &d, &e), IDR_OK);
  thrd_t t[N_THREADS];
  for (int i = 0; i < N_THREADS; i++)
    assert_int_equal(thrd_create(&t[i], load_many, d.resolved_yaml), thrd_success);
  for (int i = 0; i < N_THREADS; i++) {
    int rc = -1;
    thrd_join(t[i], &rc);
    assert_int_equal(rc, 0);
  }
  idr_deck_free(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_example_deck),    cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_conversions),     cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_document_errors), cmocka_unit_test(test_set_overrides),
      cmocka_unit_test(test_error_at),        cmocka_unit_test(test_threads),

  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

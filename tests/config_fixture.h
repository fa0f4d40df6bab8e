/*
 * Shared by the unit tests of config/ (test_config.c: the rules and
 * messages; test_config_keys.c: the physics keys and the resolved-YAML round
 * trip): the smallest valid deck, a full two-layer deck, and their helpers.
 */
#ifndef IDR_TESTS_CONFIG_FIXTURE_H
#define IDR_TESTS_CONFIG_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "idr_config.h"

/* Doubles compared exactly (tol 0) or within an absolute tolerance. */
#define assert_double_equal(got, want, tol) check_double((got), (want), (tol), #got, __LINE__)
static inline void check_double(double got, double want, double tol, const char *what, int line) {
  if (!(fabs(got - want) <= tol))
    fail_msg("line %d: %s = %.17g, want %.17g (tol %g)", line, what, got, want, tol);
}

#define EXAMPLE IDR_SOURCE_DIR "/examples/fapbi3_pin.yaml"

/* One inline absorber, no material file: the smallest valid deck. */
static const char *const MINI = "layers:\n"
                                "  - name: abs\n"
                                "    thickness_nm: 400\n"
                                "    eps_r: 24.1\n"
                                "    chi_eV: 3.9\n"
                                "    Eg_eV: 1.6\n"
                                "    Nc_cm3: 2.2e18\n"
                                "    Nv_cm3: 1.8e19\n"
                                "    mu_n_cm2_Vs: 2.385\n"
                                "    mu_p_cm2_Vs: 1.5\n";

/* Two inline layers exercising every section and both trap forms. */
static const char *const FULL =
    "title: \"two-layer \\\"test\\\" stack\"\n"
    "temperature_K: 250.5\n"
    "layers:\n"
    "  - name: absorber\n"
    "    thickness_nm: 312.5\n"
    "    N_A_cm3: 3.3e16\n"
    "    nodes: 120\n"
    "    eps_r: 24.1\n"
    "    chi_eV: 3.9\n"
    "    Eg_eV: 1.6\n"
    "    Nc_cm3: 2.2e18\n"
    "    Nv_cm3: 1.8e19\n"
    "    mu_n_cm2_Vs: 2.385\n"
    "    mu_p_cm2_Vs: 1.5\n"
    "    k_rad_cm3_s: 4.7e-11\n"
    "    C_n_auger_cm6_s: 1.1e-28\n"
    "    tau_n_s: 2.5e-7\n"
    "    alpha_cm: 7.5e4\n"
    "    G_uniform_cm3_s: 2.9e21\n"
    "  - name: etl\n"
    "    thickness_nm: 45\n"
    "    N_D_cm3: 2e18\n"
    "    eps_r: 4.2\n"
    "    chi_eV: 4.1\n"
    "    Eg_eV: 2.3\n"
    "    Nc_cm3: 1e20\n"
    "    Nv_cm3: 1e20\n"
    "    mu_n_cm2_Vs: 0.01\n"
    "    mu_p_cm2_Vs: 1e-4\n"
    "interfaces:\n"
    "  - {s_n_cm_s: 12.5, s_p_cm_s: 1e3}\n"
    "ions:\n"
    "  - {name: vac, charge: +1, layers: [absorber, etl], density_cm3: 2e17, D0_cm2_s: 3e-5,\n"
    "     Ea_eV: 0.58, c_max_cm3: 1e21}\n"
    "  - {name: hal, charge: -1, layers: [absorber], density_cm3: 5e15, D0_cm2_s: 1e-6,\n"
    "     Ea_eV: 0}\n"
    "traps:\n"
    "  - {name: t1, layer: absorber, type: acceptor, E_from_Ec_eV: 0.35, density_cm3: 1e15,\n"
    "     sigma_n_cm2: 2e-15, sigma_p_cm2: 3e-16}\n"
    "  - {name: t2, layer: absorber, type: donor, E_from_Ev_eV: 0.45, density_cm3: 2e14,\n"
    "     sigma_n_cm2: 1e-16, sigma_p_cm2: 1e-16, v_th_cm_s: 2e7, sigma_E_eV: 0.05}\n"
    "  - {name: t3, layer: etl, type: acceptor, E_from_Ec_eV: 1.1, density_cm3: 0,\n"
    "     c_n_cm3_s: 1e-9, c_p_cm3_s: 2e-9, sigma_E_eV: 0.1, levels: 7}\n"
    "contacts:\n"
    "  left: {work_function_eV: 5.1}\n"
    "  right: {}\n"
    "generation: {model: beer_lambert, side: right, photon_flux_cm2_s: 2.5e17}\n"
    "mesh: {nodes: 250, h_min_nm: 0.15}\n"
    "solver: {rtol: 1e-5, atol_density_cm3: 10, atol_potential_V: 1e-8, max_steps: 1234,\n"
    "         carrier_relaxation: integrate}\n"
    "protocol:\n"
    "  type: waveform\n"
    "  segments:\n"
    "    - {duration_s: 2.5, V_V: -0.3, light_suns: 0.5, samples: 7, spacing: linear}\n"
    "    - {duration_s: 1e-3, V_V: 1.1}\n"
    "  profile_times_s: [0, 1.25, 2.501]\n"
    "output: {h5: res.h5, csv: \"\"}\n";

#define LIGHT_IONS                                                                                 \
  "ions:\n  - {name: h, charge: -1, layers: [abs], density_cm3: 1e16, D0_cm2_s: 1e-6, "            \
  "Ea_eV: 0.13}\n  - {name: fa, charge: 1, layers: [abs], density_cm3: 0, D0_cm2_s: 1e-6, "        \
  "Ea_eV: 0.2, "

static inline idr_status load_str(const char *text, const char *const *sets, int n_sets,
                                  idr_deck *d, idr_error *e) {
  idr_error_clear(e);
  return idr_deck_load_string(text, "deck.yaml", sets, n_sets, IDR_MATERIALS_DIR, d, e);
}

/* The text `before` in MINI replaced by `after` (or appended when before is ""). */
static inline void mini_with(char *buf, size_t size, const char *before, const char *after) {
  const char *at = *before ? strstr(MINI, before) : NULL;
  if (!at) {
    snprintf(buf, size, "%s%s", MINI, after);
    return;
  }
  snprintf(buf, size, "%.*s%s%s", (int)(at - MINI), MINI, after, at + strlen(before));
}

#endif

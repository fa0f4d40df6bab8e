/*
 * V42: capacitance steps that are not traps, read as traps by the TAS
 * analysis (docs/tas.md): a transport layer whose dopants freeze out, and
 * mobile ions. Neither device has a trap level; both give a clean
 * inflection, a straight Arrhenius line and a Walter "band".
 *
 * 1. Freezing-out ETL (freezeout.yaml: donors E_D = 0.25 eV, 10 %
 *    compensated): the step is the ETL's resistance in series with the
 *    junction, w0 ~ sigma_ETL ~ n(T), and in the compensated layer
 *    n = [-(N_A + nD1) + sqrt((N_A + nD1)^2 + 4 nD1 (N_D - N_A))]/2,
 *    nD1 = Nc(T) e^{-E_D/kT} / g. The Arrhenius energy of the step equals
 *    the regression of ln(n(T)/T^2) on the same temperatures within 3 meV,
 *    and lies within 20 meV of the dopant's E_D: the dopant's activation
 *    energy, not a trap's.
 * 2. Mobile ions in an intrinsic absorber (ions.yaml: 1e17 cm^-3 anions,
 *    Ea = 0.35 eV): the low-frequency step is the ionic relaxation,
 *    w0 ~ 1/(R_ion C), R_ion = d kT/(q^2 N D), so w0 ~ D(T)/T; its
 *    Arrhenius energy equals the regression of ln(D(T)/T^3) within 5 meV,
 *    i.e. Ea - 3kT (~70 meV below Ea).
 * The Walter "bands" they produce are printed (the numbers of docs/tas.md).
 */
#include "harness.h"
#include "vdevice.h"

#include <math.h>
#include <stdio.h>

/* Arrhenius energy [eV] of y(T) = ln(g(T)/T^2): -k times the slope of the
 * least-squares line against 1/T. */
static double regression_E(const double *T, const double *lng, size_t n) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < n; i++) {
    double x = 1.0 / T[i], y = lng[i] - 2.0 * log(T[i]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double m = (double)n;
  double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
  return -slope * IDR_KB_EV;
}

static void print_band(const char *label, const idr_tas_extraction *x) {
  if (x->n_bands < 1) return;
  const idr_tas_band *b = &x->bands[0];
  printf("    %-24s Walter reads a band at %.3f eV, sigma %.3f eV, N %.3g cm^-3 (level E %.3f eV, "
         "nu0(300 K) %.3g s^-1)\n",
         label, b->E_eV, b->sigma_eV, b->N_cm3, x->levels[0].E_eV,
         x->levels[0].xi_s_K2 * 300.0 * 300.0);
}

static void freezeout(idr_vcase *vc, const char *label, const char *const *sets, int n_sets,
                      int check) {
  idr_deck d;
  idr_tas_result r;
  idr_tas_extraction x;
  idr_error err;
  idr_error_clear(&err);
  int ok = idr_v_tas_deck("freezeout", sets, n_sets, &d, &r, &x, &err) == 0;
  if (!ok) printf("  %s\n", err.msg);
  char what[160];
  snprintf(what, sizeof what, "%s: one step found", label);
  if (!idr_vcheck_true(vc, what, ok && x.n_levels == 1)) {
    if (ok) {
      idr_tas_extraction_free(&x);
      idr_tas_result_free(&r);
      idr_deck_free(&d);
    }
    return;
  }
  const idr_tas_level *L = &x.levels[0];
  const idr_layer *e = &d.layers[1];
  double lnn[IDR_TAS_MAX_T];
  for (size_t i = 0; i < L->n_T; i++) {
    double T = L->T_K[i], Nc = e->mat.Nc_cm3 * pow(T / 300.0, 1.5);
    double nD1 = Nc * exp(-e->E_D_eV / (IDR_KB_EV * T)) / e->g_D, NA = e->N_A_cm3;
    double b = NA + nD1, n = 0.5 * (-b + sqrt(b * b + 4.0 * nD1 * (e->N_D_cm3 - NA)));
    lnn[i] = log(n);
  }
  double Ecf = regression_E(L->T_K, lnn, L->n_T);
  if (check) {
    idr_vcheck_abs(vc, "freeze-out: step energy = regression of ln(n_ETL(T)/T^2) [eV]", L->E_eV,
                   Ecf, 0.003);
    idr_vcheck_abs(vc, "freeze-out: step energy = the dopant's E_D [eV]", L->E_eV, e->E_D_eV,
                   0.020);
  }
  printf("    %s: E_D %.3f eV, step energy %.4f eV, n_ETL(T) law %.4f eV\n", label, e->E_D_eV,
         L->E_eV, Ecf);
  print_band(label, &x);
  idr_tas_extraction_free(&x);
  idr_tas_result_free(&r);
  idr_deck_free(&d);
}

static void ions(idr_vcase *vc) {
  idr_deck d;
  idr_tas_result r;
  idr_tas_extraction x;
  idr_error err;
  idr_error_clear(&err);
  int ok = idr_v_tas_deck("ions", NULL, 0, &d, &r, &x, &err) == 0;
  if (!ok) printf("  %s\n", err.msg);
  if (!idr_vcheck_true(vc, "ions: one step found", ok && x.n_levels == 1)) {
    if (ok) {
      idr_tas_extraction_free(&x);
      idr_tas_result_free(&r);
      idr_deck_free(&d);
    }
    return;
  }
  const idr_tas_level *L = &x.levels[0];
  const double Ea = d.ions[0].Ea_eV;
  double lng[IDR_TAS_MAX_T];
  for (size_t i = 0; i < L->n_T; i++)
    lng[i] = -Ea / (IDR_KB_EV * L->T_K[i]) - log(L->T_K[i]); /* ln(D/T) */
  double Ecf = regression_E(L->T_K, lng, L->n_T);
  idr_vcheck_abs(vc, "ions: step energy = regression of ln(D(T)/T^3) [eV]", L->E_eV, Ecf, 0.005);
  printf("    ions: Ea %.3f eV, step energy %.4f eV, ionic RC law %.4f eV\n", Ea, L->E_eV, Ecf);
  print_band("mobile ions", &x);
  idr_tas_extraction_free(&x);
  idr_tas_result_free(&r);
  idr_deck_free(&d);
}

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V42 TAS masquerade",
                  "a freezing-out transport layer and mobile ions read as trap levels");
  freezeout(&vc, "compensated ETL", NULL, 0, 1);
  static const char *const unc[] = {"layers[1].N_A_cm3=0", "layers[1].E_D_eV=0.35"};
  freezeout(&vc, "uncompensated ETL (E_D 0.35 eV)", unc, 2, 0);
  ions(&vc);
  return idr_vcase_end(&vc);
}

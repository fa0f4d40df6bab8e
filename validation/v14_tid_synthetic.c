/*
 * V14: the TID extraction chain on analytic transients.
 *
 * Law: transients generated inside the test from the textbook model
 *   C(t, T) = C_inf - dC exp(-t/tau(T)),  tau = kT eps/(q^2 D N_A),
 *   D = D0 exp(-Ea/kT),  dC/C_inf = -N_ion/(2 N_A)  (a falling C: the anion
 *   of p-i-n TID, read so with the polarity pin),
 * with 1 % Gaussian noise on C relative to |dC| (fixed seed), 11 temperatures
 * 300..200 K and 71 log-spaced times 1e-6..10 s, go through the same
 * idr_tid_extract as simulated and measured data (per-temperature fits,
 * window selection, Arrhenius regression, global fit, N_ion, D0).
 * Tolerances (issue): Ea within 3 meV, N_ion within 5 %; D0 within 10 %.
 */
#include "harness.h"
#include "idr_analysis.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>

#define NT 11
#define NS 71
#define N_A_CM3 1e17
#define EPS_R 46.9

int main(void) {
  gsl_set_error_handler_off();
  idr_vcase vc;
  idr_vcase_begin(&vc, "V14 tid synthetic",
                  "extraction recovers Ea, N_ion, D0 from analytic C(t,T)");
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!idr_vcheck_true(&vc, "random number generator allocated", rng != NULL))
    return idr_vcase_end(&vc);
  gsl_rng_set(rng, 2385);
  const double Eas[] = {0.06, 0.13, 0.25, 0.40};
  static double t[NS], C[NT][NS];
  for (int k = 0; k < NS; k++)
    t[k] = pow(10.0, -6.0 + 7.0 * k / (NS - 1));
  for (int a = 0; a < 4; a++) {
    const double Ea = Eas[a], N_ion = 3.7e15, Cinf = 1.385e-3; /* F/m^2 */
    /* D0 so that tau(250 K) = 3 ms */
    double eps = EPS_R * IDR_EPS0, NA = N_A_CM3 * IDR_CM3_TO_M3;
    double D250 = IDR_KB_EV * 250.0 * eps / (IDR_Q * 3e-3 * NA);
    double D0 = D250 * exp(Ea / (IDR_KB_EV * 250.0));
    idr_transient_data cd[NT];
    for (int j = 0; j < NT; j++) {
      double T = 300.0 - 10.0 * j, kT = IDR_KB_EV * T;
      double tau = kT * eps / (IDR_Q * D0 * exp(-Ea / kT) * NA);
      double dC = -Cinf * N_ion / (2.0 * N_A_CM3); /* C_inf - C(0) */
      for (int k = 0; k < NS; k++)
        C[j][k] = Cinf - dC * exp(-t[k] / tau) + 0.01 * fabs(dC) * gsl_ran_gaussian(rng, 1.0);
      cd[j].T_K = T;
      cd[j].n = NS;
      cd[j].t_s = t;
      cd[j].C = C[j];
      cd[j].sigma = NULL;
    }
    idr_tid_extract_options o;
    idr_tid_extract_options_default(&o);
    o.N_A_cm3 = N_A_CM3;
    o.eps_r = EPS_R;
    o.polarity = IDR_POLARITY_PIN;
    idr_tid_extraction x;
    idr_error err;
    idr_error_clear(&err);
    char what[128];
    if (idr_tid_extract(cd, NT, &o, &x, &err) != IDR_OK) {
      printf("  %s\n", err.msg);
      snprintf(what, sizeof what, "Ea %.2f eV: extraction", Ea);
      idr_vcheck_true(&vc, what, 0);
      continue;
    }
    snprintf(what, sizeof what, "Ea %.2f eV: extracted Ea [eV] (%zu temperatures used)", Ea,
             x.n_used);
    idr_vcheck_abs(&vc, what, x.species[0].Ea_eV, Ea, 0.003);
    snprintf(what, sizeof what, "Ea %.2f eV: extracted N_ion [cm^-3]", Ea);
    idr_vcheck_rel(&vc, what, x.species[0].N_ion_cm3, N_ion, 0.05);
    snprintf(what, sizeof what, "Ea %.2f eV: extracted D0 [cm^2/s]", Ea);
    idr_vcheck_rel(&vc, what, x.species[0].D0_cm2_s, D0 / IDR_CM2_TO_M2, 0.10);
    snprintf(what, sizeof what, "Ea %.2f eV: decaying edge read as an anion", Ea);
    idr_vcheck_true(&vc, what, x.species[0].sign == IDR_ION_ANION);
    idr_tid_extraction_free(&x);
  }
  gsl_rng_free(rng);
  return idr_vcase_end(&vc);
}

/*
 * V44: the two-component TID analysis on analytic transients (issue 14).
 *
 * Law: transients generated inside the test from the two-component model
 *   C(t, T) = C_inf - dC_a exp(-t/tau_a(T)) - dC_c exp(-t/tau_c(T)),
 *   tau_k(T) = kT eps/(q^2 D_k(T) N_A),  D_k = D0_k exp(-Ea_k/kT),
 *   dC_k / C_inf = -/+ N_k/(2 N_A)  (opposite signs: in a p-i-n device the
 *   anion lowers C, the cation raises it),
 * with Gaussian noise of 1 % of the larger |dC| (fixed seed), 11
 * temperatures 300..200 K, 120 log-spaced times 1e-6..10 s, go through the
 * same idr_tid_extract as simulated and measured data, model auto.
 * Checks (issue 14, deliverable 7, first item):
 *   - both Ea within 10 meV (and N_ion within 10 %) when the two time
 *     constants differ by at least 5x at every temperature (ratios 5, 10 and
 *     100 at 300 K, growing to 95-1900 at 200 K);
 *   - a one-component transient is not split in two (5 seeds);
 *   - a second component of insignificant amplitude (0.2 of the noise) is
 *     reported absent, under auto and under the forced two-component model;
 *   - the names come from the sign and the polarity: the rising edge is the
 *     cation in pin and the anion in nip, no name without a polarity or for
 *     an intrinsic absorber.
 */
#include "harness.h"
#include "idr_analysis.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>

#define NT 11
#define NS 120
#define N_A_CM3 1e17
#define EPS_R 46.9
#define C_INF 1.385e-3 /* F/m^2 */

/* One species of the synthetic device. */
typedef struct spec {
  double Ea_eV;  /* barrier [eV] */
  double tau300; /* time constant at 300 K [s] (sets D0) */
  double N_cm3;  /* density [cm^-3] (sets |dC|) */
  int z;         /* -1 anion (C falls in pin), +1 cation (C rises) */
} spec;

typedef struct scan {
  double t[NS], C[NT][NS];
  idr_transient_data cd[NT];
} scan;

static double tau_of(const spec *s, double T) {
  /* tau ~ T / D(T): tau(T) = tau300 (T/300) exp(Ea/k (1/T - 1/300)) */
  return s->tau300 * (T / 300.0) * exp(s->Ea_eV / IDR_KB_EV * (1.0 / T - 1.0 / 300.0));
}

/* dC = C_inf - C(0) of species s in a p-i-n device (sign flipped in n-i-p). */
static double dC_of(const spec *s, int nip) {
  return (nip ? -1.0 : 1.0) * s->z * C_INF * s->N_cm3 / (2.0 * N_A_CM3);
}

static void make_scan(scan *sc, gsl_rng *rng, const spec *sp, size_t ns, int nip) {
  double big = 0.0;
  for (size_t k = 0; k < ns; k++)
    big = fmax(big, fabs(dC_of(&sp[k], nip)));
  for (int i = 0; i < NS; i++)
    sc->t[i] = pow(10.0, -6.0 + 7.0 * i / (NS - 1));
  for (int j = 0; j < NT; j++) {
    const double T = 300.0 - 10.0 * j;
    for (int i = 0; i < NS; i++) {
      double v = C_INF;
      for (size_t k = 0; k < ns; k++)
        v -= dC_of(&sp[k], nip) * exp(-sc->t[i] / tau_of(&sp[k], T));
      sc->C[j][i] = v + 0.01 * big * gsl_ran_gaussian(rng, 1.0);
    }
    sc->cd[j] = (idr_transient_data){T, NS, sc->t, sc->C[j], NULL};
  }
}

static int extract(const scan *sc, idr_transient_model model, idr_tid_polarity pol, double N_A,
                   idr_tid_extraction *x) {
  idr_tid_extract_options o;
  idr_tid_extract_options_default(&o);
  o.N_A_cm3 = N_A;
  o.eps_r = EPS_R;
  o.polarity = pol;
  o.model = model;
  idr_error err;
  idr_error_clear(&err);
  if (idr_tid_extract(sc->cd, NT, &o, x, &err) == IDR_OK) return 1;
  printf("  extraction failed: %s\n", err.msg);
  return 0;
}

/* The species of x whose dC has sign z_sign. */
static const idr_tid_species *by_sign(const idr_tid_extraction *x, int z_sign) {
  for (int c = 0; c < x->n_species; c++)
    if (x->species[c].dC_sign == z_sign) return &x->species[c];
  return NULL;
}

/* Both Ea and N_ion for a pair with tau ratio r at 300 K. */
static void check_pair(idr_vcase *vc, gsl_rng *rng, scan *sc, double r) {
  const spec sp[2] = {{0.25, 1e-4 * r, 3.7e15, -1}, {0.10, 1e-4, 1.9e15, +1}};
  make_scan(sc, rng, sp, 2, 0);
  idr_tid_extraction x;
  char what[160];
  snprintf(what, sizeof what, "ratio %g: extraction with two species", r);
  if (!idr_vcheck_true(vc, what, extract(sc, IDR_TRANSIENT_AUTO, IDR_POLARITY_PIN, N_A_CM3, &x)))
    return;
  snprintf(what, sizeof what, "ratio %g: two species reported", r);
  idr_vcheck_true(vc, what, x.n_species == 2);
  for (int k = 0; k < 2 && x.n_species == 2; k++) {
    const idr_tid_species *s = by_sign(&x, sp[k].z);
    snprintf(what, sizeof what, "ratio %g: %s found", r, sp[k].z < 0 ? "anion" : "cation");
    if (!idr_vcheck_true(vc, what, s != NULL)) continue;
    printf("  ratio %5g %-6s Ea %.4f +/- %.4f eV (true %.3f), N_ion %.4g (true %.4g), %zu/%zu T\n",
           r, sp[k].z < 0 ? "anion" : "cation", s->Ea_eV, s->Ea_err_eV, sp[k].Ea_eV, s->N_ion_cm3,
           sp[k].N_cm3, s->n_window, s->n_present);
    snprintf(what, sizeof what, "ratio %g: %s Ea [eV]", r, sp[k].z < 0 ? "anion" : "cation");
    idr_vcheck_abs(vc, what, s->Ea_eV, sp[k].Ea_eV, 0.010);
    snprintf(what, sizeof what, "ratio %g: %s N_ion [cm^-3]", r, sp[k].z < 0 ? "anion" : "cation");
    idr_vcheck_rel(vc, what, s->N_ion_cm3, sp[k].N_cm3, 0.10);
    snprintf(what, sizeof what, "ratio %g: %s named so (pin)", r, sp[k].z < 0 ? "anion" : "cation");
    idr_vcheck_true(vc, what, s->sign == (sp[k].z < 0 ? IDR_ION_ANION : IDR_ION_CATION));
  }
  idr_tid_extraction_free(&x);
}

/* The names: pin vs nip swap them, none without a polarity or N_A. */
static void check_names(idr_vcase *vc, gsl_rng *rng, scan *sc) {
  const spec sp[2] = {{0.25, 1e-3, 3.7e15, -1}, {0.10, 1e-4, 1.9e15, +1}};
  make_scan(sc, rng, sp, 2, 1); /* the same ions in an n-i-p device: signs flip */
  idr_tid_extraction x;
  if (extract(sc, IDR_TRANSIENT_AUTO, IDR_POLARITY_NIP, N_A_CM3, &x)) {
    const idr_tid_species *rise = by_sign(&x, +1), *fall = by_sign(&x, -1);
    idr_vcheck_true(vc, "nip: two species", x.n_species == 2 && rise && fall);
    if (rise && fall) {
      idr_vcheck_true(vc, "nip: the rising edge (the anion) named anion",
                      rise->sign == IDR_ION_ANION && fabs(rise->Ea_eV - 0.25) < 0.01);
      idr_vcheck_true(vc, "nip: the falling edge (the cation) named cation",
                      fall->sign == IDR_ION_CATION && fabs(fall->Ea_eV - 0.10) < 0.01);
    }
    idr_tid_extraction_free(&x);
  }
  if (extract(sc, IDR_TRANSIENT_AUTO, IDR_POLARITY_UNKNOWN, N_A_CM3, &x)) {
    idr_vcheck_true(vc, "no polarity: both unassigned",
                    x.n_species == 2 && x.species[0].sign == IDR_ION_UNKNOWN &&
                        x.species[1].sign == IDR_ION_UNKNOWN);
    idr_tid_extraction_free(&x);
  }
  if (extract(sc, IDR_TRANSIENT_AUTO, IDR_POLARITY_PIN, NAN, &x)) {
    idr_vcheck_true(vc, "intrinsic absorber: both unassigned",
                    x.n_species == 2 && x.species[0].sign == IDR_ION_UNKNOWN &&
                        x.species[1].sign == IDR_ION_UNKNOWN);
    idr_tid_extraction_free(&x);
  }
}

/* One component: never split; a second below the noise: absent. */
static void check_one(idr_vcase *vc, gsl_rng *rng, scan *sc) {
  const spec one[1] = {{0.20, 3e-4, 3.7e15, -1}};
  int split = 0, worst_ok = 1;
  for (int seed = 0; seed < 5; seed++) {
    make_scan(sc, rng, one, 1, 0);
    idr_tid_extraction x;
    if (!extract(sc, IDR_TRANSIENT_AUTO, IDR_POLARITY_PIN, N_A_CM3, &x)) {
      worst_ok = 0;
      continue;
    }
    split += x.n_species != 1;
    worst_ok &= fabs(x.species[0].Ea_eV - 0.20) < 0.003;
    idr_tid_extraction_free(&x);
  }
  idr_vcheck_true(vc, "one component, 5 seeds: never split in two", split == 0);
  idr_vcheck_true(vc, "one component, 5 seeds: Ea within 3 meV", worst_ok);
  /* a cation of 0.2 x the noise (noise = 1 % of the anion's |dC|) */
  const spec faint[2] = {{0.20, 3e-4, 3.7e15, -1}, {0.10, 2e-5, 3.7e15 * 0.002, +1}};
  make_scan(sc, rng, faint, 2, 0);
  const idr_transient_model models[2] = {IDR_TRANSIENT_AUTO, IDR_TRANSIENT_TWO_EXP};
  for (int k = 0; k < 2; k++) {
    idr_tid_extraction x;
    char what[128];
    snprintf(what, sizeof what, "faint cation (%s model): reported absent, anion Ea within 3 meV",
             k ? "two" : "auto");
    if (!idr_vcheck_true(vc, what, extract(sc, models[k], IDR_POLARITY_PIN, N_A_CM3, &x))) continue;
    idr_vcheck_true(vc, what,
                    x.n_species == 1 && x.species[0].sign == IDR_ION_ANION &&
                        fabs(x.species[0].Ea_eV - 0.20) < 0.003);
    idr_tid_extraction_free(&x);
  }
}

int main(void) {
  gsl_set_error_handler_off();
  idr_vcase vc;
  idr_vcase_begin(&vc, "V44 tid two components",
                  "two opposite-sign species: Ea within 10 meV, one never split, faint absent, "
                  "names from sign and polarity");
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!idr_vcheck_true(&vc, "random number generator allocated", rng != NULL))
    return idr_vcase_end(&vc);
  gsl_rng_set(rng, 4405);
  static scan sc;
  const double ratios[] = {5.0, 10.0, 100.0};
  for (size_t k = 0; k < sizeof ratios / sizeof ratios[0]; k++)
    check_pair(&vc, rng, &sc, ratios[k]);
  check_names(&vc, rng, &sc);
  check_one(&vc, rng, &sc);
  gsl_rng_free(rng);
  return idr_vcase_end(&vc);
}

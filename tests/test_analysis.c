/*
 * Unit tests of the analysis module: transient fits (single, stretched,
 * two-component), the global Arrhenius fit, the Arrhenius regression, the
 * derived ion quantities and Mott-Schottky, all on synthetic data generated
 * here with a fixed-seed Gaussian noise (gsl_rng mt19937), and every error path.
 *
 * Noise convention: "1 % noise" is Gaussian with sigma = 0.01 |dC| (1 % of
 * the transient amplitude, the part of C that carries the information).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "idr_analysis.h"
#include "analysis_internal.h" /* Jacobian checks of the private models */

#define SEED 20260417UL
#define NPT 120           /* points per transient */
#define T_START 1e-6      /* first sampling time [s] */
#define T_END 10.0        /* last sampling time [s] */
#define NOISE_REL 0.01    /* noise sigma / |dC| */
#define NSIG 4.0          /* accepted deviation in reported standard errors */
#define N_TEMPS 11        /* 300, 290, ..., 200 K */
#define NA_CM3 2.385e17   /* background doping [cm^-3] */
#define NION_CM3 1.173e16 /* mobile-ion density [cm^-3] */
#define EPS_R 24.1        /* relative permittivity [-] */

static void log_times(double *t, size_t n, double t0, double t1) {
  for (size_t i = 0; i < n; i++)
    t[i] = t0 * pow(t1 / t0, (double)i / (double)(n - 1));
}

/* C(t) of up to two components plus Gaussian noise of the given sigma. */
static void make_transient(gsl_rng *r, const double *t, double *C, size_t n, double C_inf,
                           const double *dC, const double *tau, size_t nc, double beta,
                           double sigma) {
  for (size_t i = 0; i < n; i++) {
    double v = C_inf;
    for (size_t c = 0; c < nc; c++)
      v -= dC[c] * exp(-pow(t[i] / tau[c], beta)); /* dC = C_inf - C(0) */
    C[i] = v + (r ? gsl_ran_gaussian(r, sigma) : 0.0);
  }
}

/* Assert a call failed with the expected status and left a message; reset. */
#define EXPECT_FAIL(call, code, e)                                                                 \
  do {                                                                                             \
    idr_error_clear(&(e));                                                                         \
    assert_int_equal((call), (code));                                                              \
    assert_int_equal((e).status, (code));                                                          \
    assert_true(strlen((e).msg) > 0);                                                              \
    idr_error_clear(&(e));                                                                         \
  } while (0)

#define ASSERT_NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static int setup(void **state) {
  (void)state;
  gsl_set_error_handler_off();
  return 0;
}

/* ---- single exponential --------------------------------------------- */
static void test_single_exp(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(r);
  gsl_rng_set(r, SEED);
  double t[NPT], C[NPT];
  const double C_inf = 23.85e-9, dC[1] = {-1.237e-9}, tau[1] = {2.385e-3};
  double sig = NOISE_REL * fabs(dC[0]);
  log_times(t, NPT, T_START, T_END);
  make_transient(r, t, C, NPT, C_inf, dC, tau, 1, 1.0, sig);
  idr_transient_data d = {.T_K = 287.3, .n = NPT, .t_s = t, .C = C, .sigma = NULL};
  idr_transient_fit f;
  idr_error e;
  idr_error_clear(&e);
  assert_int_equal(idr_transient_fit_run(&d, IDR_TRANSIENT_EXP, NULL, &f, &e), IDR_OK);
  assert_true(f.converged);
  assert_int_equal(f.dof, NPT - 3);
  /* Residual variance estimates the noise variance (chi2 with NPT-3 dof). */
  double s2 = f.chi2 / (double)f.dof;
  assert_true(s2 > 0.7 * sig * sig && s2 < 1.3 * sig * sig);
  /* tau within NSIG reported errors, and the error itself a sensible size. */
  assert_true(fabs(f.tau_s[0] - tau[0]) <= NSIG * f.tau_err_s[0]);
  assert_true(f.tau_err_s[0] / tau[0] < NOISE_REL);
  assert_true(fabs(f.dC[0] - dC[0]) <= NSIG * f.dC_err[0]);
  assert_true(fabs(f.C_inf - C_inf) <= NSIG * f.C_inf_err);
  assert_int_equal(idr_ion_from_dC(f.dC[0], IDR_POLARITY_PIN), IDR_ION_ANION);
  assert_int_equal(idr_ion_from_dC(f.dC[0], IDR_POLARITY_NIP), IDR_ION_CATION);
  assert_int_equal(idr_ion_from_dC(f.dC[0], IDR_POLARITY_UNKNOWN), IDR_ION_UNKNOWN);
  ASSERT_NEAR(idr_transient_eval(&f, tau[0]), C_inf - dC[0] * exp(-1.0), 4.0 * sig);

  /* Same data with sigma given: chi2 is dimensionless, chi2/dof ~ 1. */
  double s[NPT];
  for (size_t i = 0; i < NPT; i++)
    s[i] = sig;
  d.sigma = s;
  idr_transient_fit g;
  assert_int_equal(idr_transient_fit_run(&d, IDR_TRANSIENT_EXP, NULL, &g, &e), IDR_OK);
  assert_true(g.chi2 / (double)g.dof > 0.7 && g.chi2 / (double)g.dof < 1.3);
  ASSERT_NEAR(g.tau_s[0], f.tau_s[0], 1e-6 * tau[0]);
  gsl_rng_free(r);
}

/* ---- stretched exponential ------------------------------------------ */
static void test_stretched(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(r);
  gsl_rng_set(r, SEED + 1);
  double t[NPT], C[NPT];
  const double C_inf = 17.42e-9, dC[1] = {0.853e-9}, tau[1] = {4.21e-4}, beta = 0.6385;
  double sig = NOISE_REL * fabs(dC[0]);
  log_times(t, NPT, T_START, T_END);
  make_transient(r, t, C, NPT, C_inf, dC, tau, 1, beta, sig);
  idr_transient_data d = {.T_K = 263.0, .n = NPT, .t_s = t, .C = C, .sigma = NULL};
  idr_transient_fit f;
  idr_error e;
  idr_error_clear(&e);
  assert_int_equal(idr_transient_fit_run(&d, IDR_TRANSIENT_STRETCHED, NULL, &f, &e), IDR_OK);
  assert_true(f.converged);
  assert_true(fabs(f.tau_s[0] - tau[0]) <= NSIG * f.tau_err_s[0]);
  assert_true(fabs(f.tau_s[0] - tau[0]) <= 0.03 * tau[0]);
  assert_true(fabs(f.beta - beta) <= NSIG * f.beta_err);
  assert_true(fabs(f.beta - beta) <= 0.02);
  assert_true(fabs(f.dC[0] - dC[0]) <= NSIG * f.dC_err[0]);
  assert_int_equal(idr_ion_from_dC(f.dC[0], IDR_POLARITY_PIN), IDR_ION_CATION);

  /* Faster than exponential (beta 1.3): refitted with beta fixed at 1. */
  make_transient(r, t, C, NPT, C_inf, dC, tau, 1, 1.3, sig);
  assert_int_equal(idr_transient_fit_run(&d, IDR_TRANSIENT_STRETCHED, NULL, &f, &e), IDR_OK);
  assert_true(f.beta == 1.0 && f.beta_err == 0.0);
  assert_int_equal(f.dof, NPT - 3);
  gsl_rng_free(r);
}

/* ---- two components of opposite sign -------------------------------- */
static void test_two_exp(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(r);
  gsl_rng_set(r, SEED + 2);
  double t[NPT], C[NPT];
  /* Fast rising edge (dC > 0: cation in p-i-n) and slow decaying edge (anion). */
  const double C_inf = 31.7e-9, dC[2] = {0.913e-9, -1.642e-9}, tau[2] = {3.7e-5, 2.9e-2};
  double sig = NOISE_REL * fabs(dC[0]);
  log_times(t, NPT, T_START, T_END);
  make_transient(r, t, C, NPT, C_inf, dC, tau, 2, 1.0, sig);
  idr_transient_data d = {.T_K = 251.5, .n = NPT, .t_s = t, .C = C, .sigma = NULL};
  idr_transient_fit f;
  idr_error e;
  idr_error_clear(&e);
  assert_int_equal(idr_transient_fit_run(&d, IDR_TRANSIENT_TWO_EXP, NULL, &f, &e), IDR_OK);
  assert_true(f.converged);
  assert_true(f.tau_s[0] < f.tau_s[1]);
  for (size_t c = 0; c < 2; c++) {
    assert_true(fabs(f.tau_s[c] - tau[c]) <= NSIG * f.tau_err_s[c]);
    assert_true(fabs(f.tau_s[c] - tau[c]) <= 0.03 * tau[c]);
    assert_true(fabs(f.dC[c] - dC[c]) <= NSIG * f.dC_err[c]);
  }
  assert_int_equal(idr_ion_from_dC(f.dC[0], IDR_POLARITY_PIN), IDR_ION_CATION);
  assert_int_equal(idr_ion_from_dC(f.dC[1], IDR_POLARITY_PIN), IDR_ION_ANION);
  gsl_rng_free(r);
}

/* ---- global Arrhenius fit ------------------------------------------- */

/* tau(T) = T^n / (A exp(-Ea/kT)) with A chosen so that tau(T_mid) = tau_mid. */
static double arr_tau(double T, double Ea, double T_mid, double tau_mid) {
  double lnA = log(T_mid / tau_mid) + Ea / (IDR_KB_EV * T_mid);
  return T / exp(lnA - Ea / (IDR_KB_EV * T));
}

typedef struct temp_set {
  double T[N_TEMPS];
  double t[NPT];
  double C[N_TEMPS][NPT];
  double C_inf[N_TEMPS];
  idr_transient_data d[N_TEMPS];
} temp_set;

static void test_global_one(void **state) {
  (void)state;
  const double Eas[] = {0.06, 0.13, 0.25, 0.40};
  const double T_mid = 250.0, tau_mid = 3.16e-3;  /* tau at 250 K [s] */
  const double ratio = NION_CM3 / (2.0 * NA_CM3); /* dC/C */
  static temp_set s;                              /* large: keep it off the stack */
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(r);
  gsl_rng_set(r, SEED + 3);
  log_times(s.t, NPT, T_START, T_END);
  for (size_t k = 0; k < sizeof Eas / sizeof Eas[0]; k++) {
    double Ea = Eas[k];
    for (size_t j = 0; j < N_TEMPS; j++) {
      double T = 300.0 - 10.0 * (double)j;
      double tau[1] = {arr_tau(T, Ea, T_mid, tau_mid)};
      s.T[j] = T;
      s.C_inf[j] = 21.37e-9 * (1.0 + 2.0e-3 * (T - 250.0)); /* depletion C drifts with T */
      double dC[1] = {-ratio * s.C_inf[j]};                 /* a falling C */
      make_transient(r, s.t, s.C[j], NPT, s.C_inf[j], dC, tau, 1, 1.0, NOISE_REL * fabs(dC[0]));
      s.d[j] = (idr_transient_data){.T_K = T, .n = NPT, .t_s = s.t, .C = s.C[j], .sigma = NULL};
    }
    idr_global_fit g;
    idr_transient_fit per[N_TEMPS];
    idr_error e;
    idr_error_clear(&e);
    assert_int_equal(idr_global_fit_run(s.d, N_TEMPS, IDR_TRANSIENT_EXP, 1, NULL, &g, per, &e),
                     IDR_OK);
    assert_true(g.converged);
    assert_int_equal(g.dof, N_TEMPS * NPT - (2 + 2 * N_TEMPS));
    /* Ea within 3 meV, and within NSIG reported errors. */
    assert_true(fabs(g.comp[0].Ea_eV - Ea) <= 3e-3);
    assert_true(fabs(g.comp[0].Ea_eV - Ea) <= NSIG * g.comp[0].Ea_err_eV);
    assert_true(per[0].dC[0] < 0.0 && per[N_TEMPS - 1].dC[0] < 0.0);
    /* N_ion at every temperature within 5 %. */
    for (size_t j = 0; j < N_TEMPS; j++) {
      double N, Nerr;
      assert_int_equal(idr_ion_density(per[j].dC[0], per[j].dC_err[0], per[j].C_inf,
                                       per[j].C_inf_err, NA_CM3, 0.0, &N, &Nerr, &e),
                       IDR_OK);
      assert_true(fabs(N - NION_CM3) <= 0.05 * NION_CM3);
      double tt = arr_tau(s.T[j], Ea, T_mid, tau_mid);
      assert_true(fabs(per[j].tau_s[0] - tt) <= 0.02 * tt);
    }
    /* D300 from the law against the D of the true tau(300 K). */
    idr_ion_diffusion dif;
    double Dt, Dterr;
    assert_int_equal(idr_ion_diffusion_from_arrhenius(&g.comp[0], NA_CM3, 0.0, EPS_R, &dif, &e),
                     IDR_OK);
    assert_int_equal(idr_diffusivity_from_tau(300.0, arr_tau(300.0, Ea, T_mid, tau_mid), 0.0,
                                              NA_CM3, 0.0, EPS_R, &Dt, &Dterr, &e),
                     IDR_OK);
    assert_true(fabs(dif.D300_cm2_s - Dt) <= 0.02 * Dt);
    assert_true(fabs(dif.D300_cm2_s - Dt) <= NSIG * dif.D300_err_cm2_s);
  }
  gsl_rng_free(r);
}

static void test_global_two(void **state) {
  (void)state;
  /* Fast cation (Ea 0.13 eV, rising) and slow anion (Ea 0.31 eV, decaying). */
  const double Ea[2] = {0.13, 0.31}, tau_mid[2] = {1.0e-4, 3.0e-2}, T_mid = 250.0;
  const double ratio[2] = {0.0117, -0.0245}; /* dC / C_inf */
  static temp_set s;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(r);
  gsl_rng_set(r, SEED + 4);
  log_times(s.t, NPT, T_START, T_END);
  for (size_t j = 0; j < N_TEMPS; j++) {
    double T = 300.0 - 10.0 * (double)j;
    double tau[2], dC[2];
    s.C_inf[j] = 19.83e-9 * (1.0 + 1.5e-3 * (T - 250.0));
    for (size_t c = 0; c < 2; c++) {
      tau[c] = arr_tau(T, Ea[c], T_mid, tau_mid[c]);
      dC[c] = ratio[c] * s.C_inf[j];
    }
    make_transient(r, s.t, s.C[j], NPT, s.C_inf[j], dC, tau, 2, 1.0, NOISE_REL * fabs(dC[0]));
    s.d[j] = (idr_transient_data){.T_K = T, .n = NPT, .t_s = s.t, .C = s.C[j], .sigma = NULL};
  }
  idr_global_fit g;
  idr_transient_fit per[N_TEMPS];
  idr_error e;
  idr_error_clear(&e);
  assert_int_equal(idr_global_fit_run(s.d, N_TEMPS, IDR_TRANSIENT_TWO_EXP, 1, NULL, &g, per, &e),
                   IDR_OK);
  assert_true(g.converged);
  for (size_t c = 0; c < 2; c++) {
    assert_true(fabs(g.comp[c].Ea_eV - Ea[c]) <= 3e-3);
    assert_true(fabs(g.comp[c].Ea_eV - Ea[c]) <= NSIG * g.comp[c].Ea_err_eV);
  }
  for (size_t j = 0; j < N_TEMPS; j++) {
    assert_true(fabs(per[j].dC[0] / s.C_inf[j] - ratio[0]) <= 0.1 * fabs(ratio[0]));
    assert_true(fabs(per[j].dC[1] / s.C_inf[j] - ratio[1]) <= 0.1 * fabs(ratio[1]));
  }
  gsl_rng_free(r);
}

/* ---- Arrhenius regression ------------------------------------------- */
static void test_arrhenius_exact(void **state) {
  (void)state;
  const double Ea = 0.2385, lnA = 21.37; /* [eV], [ln(K^n/s)] */
  double T[N_TEMPS], tau[N_TEMPS], terr[N_TEMPS];
  idr_error e;
  idr_error_clear(&e);
  for (int n = 0; n <= 2; n++) {
    for (size_t j = 0; j < N_TEMPS; j++) {
      T[j] = 300.0 - 10.0 * (double)j;
      tau[j] = pow(T[j], n) / exp(lnA - Ea / (IDR_KB_EV * T[j]));
      terr[j] = (0.013 + 0.002 * (double)j) * tau[j];
    }
    idr_arrhenius a;
    assert_int_equal(idr_arrhenius_fit(T, tau, NULL, N_TEMPS, n, &a, &e), IDR_OK);
    ASSERT_NEAR(a.Ea_eV, Ea, 1e-9);
    ASSERT_NEAR(a.lnA, lnA, 1e-9 * lnA);
    ASSERT_NEAR(a.r2, 1.0, 1e-9);
    assert_int_equal(a.dof, N_TEMPS - 2);
    assert_true(a.Ea_err_eV < 1e-9);
    assert_int_equal(idr_arrhenius_fit(T, tau, terr, N_TEMPS, n, &a, &e), IDR_OK);
    ASSERT_NEAR(a.Ea_eV, Ea, 1e-9);
    ASSERT_NEAR(a.lnA, lnA, 1e-9 * lnA);
    double tt, tterr;
    assert_int_equal(idr_arrhenius_tau(&a, 233.3, &tt, &tterr, &e), IDR_OK);
    ASSERT_NEAR(tt, pow(233.3, n) / exp(lnA - Ea / (IDR_KB_EV * 233.3)), 1e-9 * tt);
  }
}

/* ---- derived quantities --------------------------------------------- */
static void test_derived(void **state) {
  (void)state;
  idr_error e;
  idr_error_clear(&e);
  /* N_ion = 2 N_A |dC| / C with relative errors in quadrature. */
  double N, Nerr;
  assert_int_equal(
      idr_ion_density(-0.3e-9, 0.006e-9, 24.0e-9, 0.0, NA_CM3, 0.08 * NA_CM3, &N, &Nerr, &e),
      IDR_OK);
  ASSERT_NEAR(N, 2.0 * NA_CM3 * 0.3 / 24.0, 1e-12 * N);
  ASSERT_NEAR(Nerr, N * sqrt(0.02 * 0.02 + 0.08 * 0.08), 1e-12 * N);

  /* Round trip: D0, Ea -> noise-free tau(T) -> regression -> D0, D300. */
  const double D0 = 3.85e-6, Ea = 0.173; /* [cm^2/s], [eV] */
  double T[N_TEMPS], tau[N_TEMPS];
  for (size_t j = 0; j < N_TEMPS; j++) {
    T[j] = 300.0 - 10.0 * (double)j;
    double D_m2 = D0 * IDR_CM2_TO_M2 * exp(-Ea / (IDR_KB_EV * T[j]));
    tau[j] = IDR_KB * T[j] * IDR_EPS0 * EPS_R / (IDR_Q * IDR_Q * NA_CM3 * 1e6 * D_m2);
    double D, Derr;
    assert_int_equal(idr_diffusivity_from_tau(T[j], tau[j], 0.0, NA_CM3, 0.0, EPS_R, &D, &Derr, &e),
                     IDR_OK);
    ASSERT_NEAR(D, D_m2 / IDR_CM2_TO_M2, 1e-12 * D);
  }
  idr_arrhenius a;
  assert_int_equal(idr_arrhenius_fit(T, tau, NULL, N_TEMPS, 1, &a, &e), IDR_OK);
  idr_ion_diffusion dif;
  assert_int_equal(idr_ion_diffusion_from_arrhenius(&a, NA_CM3, 0.0, EPS_R, &dif, &e), IDR_OK);
  ASSERT_NEAR(dif.D0_cm2_s, D0, 1e-8 * D0);
  double D300 = D0 * exp(-Ea / (IDR_KB_EV * 300.0));
  ASSERT_NEAR(dif.D300_cm2_s, D300, 1e-8 * D300);
  ASSERT_NEAR(dif.Ea_eV, Ea, 1e-9);
}

/* ---- Mott-Schottky -------------------------------------------------- */
static void test_mott_schottky(void **state) {
  (void)state;
  const double N = 2.385e17, Vbi = 1.037, area = 0.0385, T = 300.0; /* cm^-3, V, cm^2, K */
  const double eps = IDR_EPS0 * EPS_R, A = area * 1e-4;
  double V[41], C[41], Vm[41];
  for (size_t i = 0; i < 41; i++) {
    V[i] = -1.0 + 0.045 * (double)i; /* -1 ... 0.8 V */
    double inv = 2.0 * (Vbi - V[i] - IDR_KB_EV * T) / (IDR_Q * eps * A * A * N * 1e6);
    C[i] = 1.0 / sqrt(inv);
    Vm[i] = -V[i];
  }
  idr_mott_schottky_options o;
  idr_mott_schottky_options_default(&o);
  o.V_lo = -0.5;
  o.V_hi = 0.5;
  o.area_cm2 = area;
  o.eps_r = EPS_R;
  o.T_K = T;
  idr_mott_schottky m;
  idr_error e;
  idr_error_clear(&e);
  assert_int_equal(idr_mott_schottky_fit(V, C, 41, &o, &m, &e), IDR_OK);
  assert_true(fabs(m.N_cm3 - N) <= 1e-3 * N);
  assert_true(fabs(m.V_bi - Vbi) <= 1e-3);
  assert_int_equal(m.polarity, 1);
  assert_int_equal(m.kT_included, 1);
  assert_int_equal(m.n_used, 22);
  assert_true(m.slope < 0.0);
  /* Without the kT/q term V_bi is the intercept voltage. */
  o.include_kT = 0;
  assert_int_equal(idr_mott_schottky_fit(V, C, 41, &o, &m, &e), IDR_OK);
  assert_true(fabs(m.V_bi - (Vbi - IDR_KB_EV * T)) <= 1e-3);
  /* Reversed polarity (V -> -V): same N and V_bi, polarity -1. */
  o.include_kT = 1;
  assert_int_equal(idr_mott_schottky_fit(Vm, C, 41, &o, &m, &e), IDR_OK);
  assert_true(fabs(m.N_cm3 - N) <= 1e-3 * N);
  assert_true(fabs(m.V_bi - Vbi) <= 1e-3);
  assert_int_equal(m.polarity, -1);
  assert_null(idr_mott_schottky_implausible(&m));
  /* The same C-V in nF read as F: N x 1e18, which is flagged; pF read as nF the other way. */
  double Cn[41];
  for (size_t i = 0; i < 41; i++)
    Cn[i] = C[i] * 1e9;
  assert_int_equal(idr_mott_schottky_fit(V, Cn, 41, &o, &m, &e), IDR_OK);
  assert_true(fabs(m.N_cm3 / (N * 1e18) - 1.0) <= 1e-3);
  assert_non_null(strstr(idr_mott_schottky_implausible(&m), "above 1e21"));
  for (size_t i = 0; i < 41; i++)
    Cn[i] = C[i] * 1e-3;
  assert_int_equal(idr_mott_schottky_fit(V, Cn, 41, &o, &m, &e), IDR_OK);
  assert_non_null(strstr(idr_mott_schottky_implausible(&m), "below 1e12"));
}

/* ---- analytic Jacobians against central differences ----------------- */
static void test_jacobians(void **state) {
  (void)state;
  double t[NPT], C[NPT];
  log_times(t, NPT, T_START, T_END);
  const double dC[2] = {-0.7e-9, 1.3e-9}, tau[2] = {2.1e-5, 3.3e-3};
  make_transient(NULL, t, C, NPT, 15.1e-9, dC, tau, 2, 1.0, 0.0);
  idr_transient_data d = {.T_K = 241.0, .n = NPT, .t_s = t, .C = C, .sigma = NULL};
  /* Internal layouts: [C_inf, dC1, ln tau1, beta | dC2, ln tau2], C / max|C|. */
  const double x_exp[3] = {0.93, 0.061, log(2.385e-4)};
  const double x_str[4] = {0.93, -0.047, log(5.1e-3), 0.613};
  const double x_two[5] = {0.95, -0.044, log(1.7e-5), 0.083, log(4.4e-3)};
  assert_true(idr_an_transient_jac_error(&d, IDR_TRANSIENT_EXP, x_exp) < 1e-6);
  assert_true(idr_an_transient_jac_error(&d, IDR_TRANSIENT_STRETCHED, x_str) < 1e-6);
  assert_true(idr_an_transient_jac_error(&d, IDR_TRANSIENT_TWO_EXP, x_two) < 1e-6);
  double s[NPT];
  for (size_t i = 0; i < NPT; i++)
    s[i] = 2.3e-11 * (1.0 + 0.01 * (double)i);
  d.sigma = s;
  assert_true(idr_an_transient_jac_error(&d, IDR_TRANSIENT_TWO_EXP, x_two) < 1e-6);
  /* Global: [u1, Ea1, u2, Ea2] then per T [C_inf, dC1, dC2]. */
  idr_transient_data ds[3] = {d, d, d};
  ds[0].T_K = 291.0, ds[1].T_K = 262.5, ds[2].T_K = 233.0;
  ds[1].sigma = NULL;
  const double xg[13] = {log(3.1e-5), 0.137, log(2.2e-3), 0.281, 0.96,  -0.05, 0.07,
                         0.95,        -0.04, 0.08,        0.94,  -0.03, 0.09};
  for (int n = 0; n <= 2; n++) {
    assert_true(idr_an_global_jac_error(ds, 3, 2, n, NULL, xg) < 1e-6);
    assert_true(idr_an_global_jac_error(ds, 3, 1, n, NULL, xg) < 1e-6);
  }
}

/* ---- error paths ---------------------------------------------------- */
static void test_errors(void **state) {
  (void)state;
  idr_error e;
  idr_error_clear(&e);
  double t[NPT], C[NPT], bad[NPT], s[NPT];
  log_times(t, NPT, T_START, T_END);
  const double dC[1] = {1.1e-9}, tau[1] = {1.3e-3};
  make_transient(NULL, t, C, NPT, 12.3e-9, dC, tau, 1, 1.0, 0.0);
  idr_transient_data d = {.T_K = 270.0, .n = NPT, .t_s = t, .C = C, .sigma = NULL};
  idr_transient_fit f;

  /* Transient fits. */
  d.n = 4;
  EXPECT_FAIL(idr_transient_fit_run(&d, IDR_TRANSIENT_EXP, NULL, &f, &e), IDR_ERR_INPUT, e);
  d.n = 6;
  EXPECT_FAIL(idr_transient_fit_run(&d, IDR_TRANSIENT_TWO_EXP, NULL, &f, &e), IDR_ERR_INPUT, e);
  d.n = NPT;
  memcpy(bad, t, sizeof bad);
  bad[0] = 0.0;
  d.t_s = bad;
  EXPECT_FAIL(idr_transient_fit_run(&d, IDR_TRANSIENT_EXP, NULL, &f, &e), IDR_ERR_INPUT, e);
  bad[0] = -2.385e-6;
  EXPECT_FAIL(idr_transient_fit_run(&d, IDR_TRANSIENT_STRETCHED, NULL, &f, &e), IDR_ERR_INPUT, e);
  bad[0] = t[0];
  bad[7] = bad[6]; /* not strictly increasing */
  EXPECT_FAIL(idr_transient_fit_run(&d, IDR_TRANSIENT_EXP, NULL, &f, &e), IDR_ERR_INPUT, e);
  bad[7] = NAN;
  EXPECT_FAIL(idr_transient_fit_run(&d, IDR_TRANSIENT_EXP, NULL, &f, &e), IDR_ERR_INPUT, e);
  d.t_s = t;
  memcpy(bad, C, sizeof bad);
  bad[33] = NAN;
  d.C = bad;
  EXPECT_FAIL(idr_transient_fit_run(&d, IDR_TRANSIENT_EXP, NULL, &f, &e), IDR_ERR_INPUT, e);
  d.C = C;
  for (size_t i = 0; i < NPT; i++)
    s[i] = 1e-11;
  s[5] = 0.0;
  d.sigma = s;
  EXPECT_FAIL(idr_transient_fit_run(&d, IDR_TRANSIENT_EXP, NULL, &f, &e), IDR_ERR_INPUT, e);
  d.sigma = NULL;
  EXPECT_FAIL(idr_transient_fit_run(&d, (idr_transient_model)7, NULL, &f, &e), IDR_ERR_INPUT, e);
  EXPECT_FAIL(idr_transient_fit_run(NULL, IDR_TRANSIENT_EXP, NULL, &f, &e), IDR_ERR_INPUT, e);
  /* Monotonic noise-free data: auto keeps one component. */
  assert_int_equal(idr_transient_fit_run(&d, IDR_TRANSIENT_AUTO, NULL, &f, &e), IDR_OK);
  assert_int_equal(f.n_comp, 1);
  assert_int_equal(f.model, IDR_TRANSIENT_EXP);
  idr_fit_options opt;
  idr_fit_options_default(&opt);
  opt.late_fraction = 0.0;
  EXPECT_FAIL(idr_transient_fit_run(&d, IDR_TRANSIENT_EXP, &opt, &f, &e), IDR_ERR_INPUT, e);

  /* Global fit. */
  idr_transient_data ds[3] = {d, d, d};
  ds[0].T_K = 300.0, ds[1].T_K = 280.0, ds[2].T_K = 260.0;
  idr_global_fit g;
  EXPECT_FAIL(idr_global_fit_run(ds, 1, IDR_TRANSIENT_EXP, 1, NULL, &g, NULL, &e), IDR_ERR_INPUT,
              e);
  EXPECT_FAIL(idr_global_fit_run(ds, 3, IDR_TRANSIENT_STRETCHED, 1, NULL, &g, NULL, &e),
              IDR_ERR_UNSUPPORTED, e);
  EXPECT_FAIL(idr_global_fit_run(ds, 3, IDR_TRANSIENT_EXP, 3, NULL, &g, NULL, &e), IDR_ERR_INPUT,
              e);
  ds[1].T_K = -280.0;
  EXPECT_FAIL(idr_global_fit_run(ds, 3, IDR_TRANSIENT_EXP, 1, NULL, &g, NULL, &e), IDR_ERR_INPUT,
              e);
  ds[0].T_K = ds[1].T_K = ds[2].T_K = 275.0;
  EXPECT_FAIL(idr_global_fit_run(ds, 3, IDR_TRANSIENT_EXP, 1, NULL, &g, NULL, &e), IDR_ERR_INPUT,
              e);
  ds[0].T_K = 300.0, ds[1].T_K = 280.0, ds[2].T_K = 260.0;
  ds[2].C = bad; /* NaN inside one data set */
  EXPECT_FAIL(idr_global_fit_run(ds, 3, IDR_TRANSIENT_EXP, 1, NULL, &g, NULL, &e), IDR_ERR_INPUT,
              e);

  /* Arrhenius regression. */
  double T[3] = {300.0, 250.0, 200.0}, ta[3] = {1e-4, 1e-3, 2.385e-2}, tb[3];
  idr_arrhenius a;
  EXPECT_FAIL(idr_arrhenius_fit(T, ta, NULL, 1, 1, &a, &e), IDR_ERR_INPUT, e);
  EXPECT_FAIL(idr_arrhenius_fit(T, ta, NULL, 3, 4, &a, &e), IDR_ERR_INPUT, e);
  memcpy(tb, ta, sizeof tb);
  tb[1] = 0.0;
  EXPECT_FAIL(idr_arrhenius_fit(T, tb, NULL, 3, 1, &a, &e), IDR_ERR_INPUT, e);
  tb[1] = NAN;
  EXPECT_FAIL(idr_arrhenius_fit(T, tb, NULL, 3, 1, &a, &e), IDR_ERR_INPUT, e);
  double Te[3] = {250.0, 250.0, 250.0};
  EXPECT_FAIL(idr_arrhenius_fit(Te, ta, NULL, 3, 1, &a, &e), IDR_ERR_INPUT, e);
  double te[3] = {1e-6, -1e-5, 1e-4};
  EXPECT_FAIL(idr_arrhenius_fit(T, ta, te, 3, 1, &a, &e), IDR_ERR_INPUT, e);
  /* Two points: a line, but no error estimate. */
  assert_int_equal(idr_arrhenius_fit(T, ta, NULL, 2, 1, &a, &e), IDR_OK);
  assert_true(isnan(a.Ea_err_eV));
  double tt, tterr;
  EXPECT_FAIL(idr_arrhenius_tau(&a, 0.0, &tt, &tterr, &e), IDR_ERR_INPUT, e);

  /* Derived quantities. */
  double N, Nerr, D, Derr;
  EXPECT_FAIL(idr_ion_density(1e-10, 1e-12, 2e-8, 0.0, 0.0, 0.0, &N, &Nerr, &e), IDR_ERR_INPUT, e);
  EXPECT_FAIL(idr_ion_density(0.0, 1e-12, 2e-8, 0.0, NA_CM3, 0.0, &N, &Nerr, &e), IDR_ERR_INPUT, e);
  EXPECT_FAIL(idr_ion_density(NAN, 1e-12, 2e-8, 0.0, NA_CM3, 0.0, &N, &Nerr, &e), IDR_ERR_INPUT, e);
  EXPECT_FAIL(idr_diffusivity_from_tau(300.0, NAN, 0.0, NA_CM3, 0.0, EPS_R, &D, &Derr, &e),
              IDR_ERR_INPUT, e);
  EXPECT_FAIL(idr_diffusivity_from_tau(300.0, 1e-3, 0.0, NA_CM3, 0.0, -EPS_R, &D, &Derr, &e),
              IDR_ERR_INPUT, e);
  idr_ion_diffusion dif;
  EXPECT_FAIL(idr_ion_diffusion_from_arrhenius(&a, -NA_CM3, 0.0, EPS_R, &dif, &e), IDR_ERR_INPUT,
              e);

  /* Mott-Schottky. */
  double V[5] = {-0.4, -0.2, 0.0, 0.2, 0.4}, Cv[5] = {1e-8, 1.1e-8, 1.2e-8, 1.35e-8, 1.5e-8};
  idr_mott_schottky_options o;
  idr_mott_schottky_options_default(&o);
  o.area_cm2 = 0.0385;
  o.eps_r = EPS_R;
  idr_mott_schottky m;
  o.V_lo = 0.3, o.V_hi = 0.6; /* one point in range */
  EXPECT_FAIL(idr_mott_schottky_fit(V, Cv, 5, &o, &m, &e), IDR_ERR_INPUT, e);
  o.V_lo = 0.5;
  o.V_hi = 0.1;
  EXPECT_FAIL(idr_mott_schottky_fit(V, Cv, 5, &o, &m, &e), IDR_ERR_INPUT, e);
  o.V_lo = -1.0, o.V_hi = 1.0;
  Cv[2] = NAN;
  EXPECT_FAIL(idr_mott_schottky_fit(V, Cv, 5, &o, &m, &e), IDR_ERR_INPUT, e);
  Cv[2] = -1.2e-8;
  EXPECT_FAIL(idr_mott_schottky_fit(V, Cv, 5, &o, &m, &e), IDR_ERR_INPUT, e);
  Cv[2] = 1.2e-8;
  o.area_cm2 = 0.0;
  EXPECT_FAIL(idr_mott_schottky_fit(V, Cv, 5, &o, &m, &e), IDR_ERR_INPUT, e);
  o.area_cm2 = 0.0385;
  assert_int_equal(idr_mott_schottky_fit(V, Cv, 5, &o, &m, &e), IDR_OK);
  assert_true(m.N_cm3 > 0.0);
}

/* ---- inversion ---------------------------------------------------------- */

/* A biased "extraction": g(p) = p - b + k (p - p_ref)^2 (increasing for the
 * p used), counting its calls; fails on request beyond p_fail. */
typedef struct inv_model {
  double b, k, p_ref, p_fail;
  int calls;
} inv_model;

static idr_status inv_model_fn(double p, void *user, double *g, idr_error *err) {
  inv_model *m = user;
  m->calls++;
  if (p > m->p_fail) return idr_error_set(err, IDR_ERR_SOLVER, "model fails at p = %g", p);
  *g = p - m->b + m->k * (p - m->p_ref) * (p - m->p_ref);
  return IDR_OK;
}

static void test_invert(void **state) {
  (void)state;
  idr_error e;
  idr_error_clear(&e);
  idr_invert_options o;
  idr_invert_default_options(&o);
  idr_invert_result r;
  /* exact root of p - b + k (p - p_ref)^2 = target (the larger one) */
  inv_model m = {0.0329, 2.385, 0.1, INFINITY, 0};
  const double target = 0.131;
  double A = m.k, B = 1.0 - 2.0 * m.k * m.p_ref, C = m.k * m.p_ref * m.p_ref - m.b - target;
  double exact = (-B + sqrt(B * B - 4.0 * A * C)) / (2.0 * A);
  assert_int_equal(idr_invert_increasing(inv_model_fn, &m, target, target, &o, &r, &e), IDR_OK);
  ASSERT_NEAR(r.p, exact, 1e-4);
  ASSERT_NEAR(r.g, target, 1e-4);
  assert_int_equal(r.evals, m.calls); /* every value computed once */
  assert_true(r.evals <= 6);

  /* a wrong slope guess (10x too steep) still brackets, by secant steps */
  m.calls = 0;
  o.slope = 10.0;
  assert_int_equal(idr_invert_increasing(inv_model_fn, &m, target, target, &o, &r, &e), IDR_OK);
  ASSERT_NEAR(r.p, exact, 1e-4);
  assert_int_equal(r.evals, m.calls);

  /* tight tolerances: the root to 1e-10 */
  m.calls = 0;
  o.slope = 1.0;
  o.p_tol = 1e-10;
  o.g_tol = 1e-12;
  o.max_evals = 40;
  assert_int_equal(idr_invert_increasing(inv_model_fn, &m, target, target, &o, &r, &e), IDR_OK);
  ASSERT_NEAR(r.p, exact, 1e-10);

  /* a first guess already on target: one evaluation */
  m.calls = 0;
  idr_invert_default_options(&o);
  assert_int_equal(idr_invert_increasing(inv_model_fn, &m, target, exact, &o, &r, &e), IDR_OK);
  assert_int_equal(r.evals, 1);

  /* target outside the allowed range of p */
  o.p_max = 0.15;
  EXPECT_FAIL(idr_invert_increasing(inv_model_fn, &m, target, target, &o, &r, &e), IDR_ERR_RANGE,
              e);
  /* the model's own failure comes through with its status */
  idr_invert_default_options(&o);
  m.p_fail = 0.14;
  EXPECT_FAIL(idr_invert_increasing(inv_model_fn, &m, target, target, &o, &r, &e), IDR_ERR_SOLVER,
              e);
  m.p_fail = INFINITY;
  /* the budget */
  o.max_evals = 2;
  o.p_tol = 1e-12;
  o.g_tol = 1e-14;
  EXPECT_FAIL(idr_invert_increasing(inv_model_fn, &m, target, target, &o, &r, &e), IDR_ERR_SOLVER,
              e);
  /* bad options and arguments */
  idr_invert_default_options(&o);
  o.slope = 0.0;
  EXPECT_FAIL(idr_invert_increasing(inv_model_fn, &m, target, target, &o, &r, &e), IDR_ERR_INPUT,
              e);
  idr_invert_default_options(&o);
  EXPECT_FAIL(idr_invert_increasing(NULL, &m, target, target, &o, &r, &e), IDR_ERR_INPUT, e);
  EXPECT_FAIL(idr_invert_increasing(inv_model_fn, &m, NAN, target, &o, &r, &e), IDR_ERR_INPUT, e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_single_exp), cmocka_unit_test(test_stretched),
      cmocka_unit_test(test_two_exp),    cmocka_unit_test(test_global_one),
      cmocka_unit_test(test_global_two), cmocka_unit_test(test_arrhenius_exact),
      cmocka_unit_test(test_derived),    cmocka_unit_test(test_mott_schottky),
      cmocka_unit_test(test_jacobians),  cmocka_unit_test(test_errors),
      cmocka_unit_test(test_invert),
  };
  return cmocka_run_group_tests_name("analysis", tests, setup, NULL);
}

/*
 * iondrift analysis: the fits an experimenter applies to transient ion drift
 * (TID) and C-V data. The same code runs on simulated and on measured data.
 *
 *   Transients (one temperature), t > 0:
 *     single      C(t) = C_inf - dC exp(-t/tau)
 *     stretched   C(t) = C_inf - dC exp(-(t/tau)^beta),          0 < beta <= 1
 *     two         C(t) = C_inf - dC1 exp(-t/tau1) - dC2 exp(-t/tau2), tau1 < tau2
 *     auto        single or two, chosen by the data: an F-test on the drop of
 *                 chi2, both amplitudes above their noise, opposite signs
 *   Arrhenius (ionic dielectric relaxation, Futscher et al., Mater. Horiz. 2019):
 *     1/tau = q^2 D N_A / (kT eps),  D = D0 exp(-Ea/kT)
 *     => ln(T^n / tau) = ln A - Ea/(kT)  with n = 1 (n = 0 and 2 are options)
 *   Derived: N_ion = 2 N_A |dC| / C_inf (N_ion << N_A),
 *            D(T) = kT eps0 eps_r / (q^2 N_A tau)
 *   Intrinsic absorber (no N_A) between doped transport layers: the ionic
 *     resistance of the absorber charges the contact capacitance C_s,
 *     tau = R_ion C_s, R_ion = d kT / (q^2 N_ion D), 1/C_s = 1/C_inf - d/eps,
 *     so N_ion D = kT d C_s / (q^2 tau) (docs/analysis.md, section 4b)
 *   Inversion: p such that g(p) = target for a costly increasing g (a true
 *     model input read back from an extracted number; Brent, GSL).
 *   Mott-Schottky (one-sided abrupt junction):
 *     1/C^2 = 2 (V_bi - V - kT/q) / (q eps A^2 N)
 *
 * See docs/analysis.md for the derivations, the assumptions and where they fail.
 *
 * Sign convention (one for the whole program): dC = C_inf - C(t=0), the
 * change of the capacitance over the transient, as the TID literature's
 * Delta C. A falling capacitance ("decaying edge") has dC < 0: the dark anion
 * signal of p-i-n cells (Xiang et al. 2026, validation V16). Which ion a sign
 * means depends on the device (idr_tid_polarity), never on a fixed rule.
 *
 * GSL: the functions check every GSL return code, but GSL's default error
 * handler aborts the program before a code is returned. The calling program
 * must call gsl_set_error_handler_off() once at start-up.
 *
 * Units: SI inside; fields named with a unit suffix are in that unit
 * (Ea_eV, N_cm3, D_cm2_s). Capacitances are in whatever unit the caller's data
 * use (F, F/cm^2, nF ...); only Mott-Schottky needs F and an area.
 * Thread safety: no static mutable state; every call is re-entrant.
 */
#ifndef IDR_ANALYSIS_H
#define IDR_ANALYSIS_H

#include <stddef.h>

#include "idr_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- transient data and fit options ----------------------------------- */

/* One capacitance transient C(t) at one temperature. Times must be > 0 and
 * strictly increasing; all values finite. */
typedef struct idr_transient_data {
  double T_K;          /* temperature [K] (used by the global fit) */
  size_t n;            /* number of points [-] */
  const double *t_s;   /* times since the end of the fill pulse [s], n values */
  const double *C;     /* capacitance [caller's unit, e.g. F], n values */
  const double *sigma; /* standard deviation of each C [unit of C]; NULL: unweighted */
} idr_transient_data;

typedef enum {
  IDR_TRANSIENT_EXP = 0,       /* single exponential */
  IDR_TRANSIENT_STRETCHED = 1, /* stretched exponential (Kohlrausch) */
  IDR_TRANSIENT_TWO_EXP = 2,   /* two exponentials (opposite signs expected) */
  IDR_TRANSIENT_AUTO = 3       /* single or two, chosen by the data (idr_transient_fit_run) */
} idr_transient_model;

/* The ion a component is attributed to (idr_tid_extract, from the polarity). */
typedef enum {
  IDR_ION_ANION = -1,  /* a negatively charged mobile species */
  IDR_ION_UNKNOWN = 0, /* not assigned: polarity unknown or intrinsic absorber */
  IDR_ION_CATION = 1   /* a positively charged mobile species */
} idr_ion_sign;

/* Which ion a sign of dC means: the side of the absorber its depletion
 * region sits at (DESIGN, TID). In a p-type absorber depleted at its junction
 * with the n-type ETL (p-i-n TID, Futscher 2019, Xiang 2026) anions leaving
 * the depletion region lower C (dC < 0) and cations raise it; in an n-type
 * absorber depleted at the HTL the roles swap. An intrinsic absorber gives
 * the same sign for both (docs/analysis.md): no assignment. */
typedef enum {
  IDR_POLARITY_UNKNOWN = 0, /* report the sign of dC only */
  IDR_POLARITY_PIN = 1,     /* dC < 0: anion, dC > 0: cation */
  IDR_POLARITY_NIP = 2      /* dC < 0: cation, dC > 0: anion */
} idr_tid_polarity;

/* The ion of a component with change dC under polarity p. */
idr_ion_sign idr_ion_from_dC(double dC, idr_tid_polarity p);

/* Options for all nonlinear fits (GSL trust region, Levenberg-Marquardt). */
typedef struct idr_fit_options {
  size_t max_iter;        /* maximum trust-region iterations [-] */
  double xtol;            /* step tolerance (relative, on the parameters) [-] */
  double gtol;            /* gradient tolerance [-] */
  double ftol;            /* residual-change tolerance [-] */
  double late_fraction;   /* fraction of the last points averaged for the C_inf guess [-] */
  double beta_guess;      /* starting stretch exponent for the stretched model [-] */
  double scan_per_decade; /* two components: time constants per decade of the start scan [-] */
  double select_alpha;    /* auto: largest F-test probability that noise alone explains the
                             drop of chi2 from one to two components [-] */
  double select_sigmas;   /* auto: each of the two amplitudes must exceed this many standard
                             errors [-] */
} idr_fit_options;

/* Fill opt with the defaults (500 iterations, xtol 1e-10, gtol 1e-12,
 * ftol 0, late_fraction 0.1, beta_guess 0.8, scan_per_decade 5,
 * select_alpha 1e-3, select_sigmas 3). */
void idr_fit_options_default(idr_fit_options *opt);

/* Result of a transient fit. Components are sorted so tau_s[0] < tau_s[1].
 * Standard errors (_err) come from the covariance (J^T J)^-1 scaled by the
 * residual variance chi2/dof, whether or not sigma was given. */
typedef struct idr_transient_fit {
  idr_transient_model model; /* the model fitted */
  size_t n_comp;             /* number of exponential components (1 or 2) [-] */
  double C_inf;              /* capacitance at t -> infinity [unit of C] */
  double C_inf_err;          /* standard error of C_inf [unit of C] */
  double dC[2];              /* changes C_inf - C(0) per component [unit of C] */
  double dC_err[2];          /* standard errors of dC [unit of C] */
  double tau_s[2];           /* time constants [s] */
  double tau_err_s[2];       /* standard errors of tau [s] (linearised from ln tau) */
  double beta;               /* stretch exponent [-] (1 for the exponential models) */
  double beta_err;           /* standard error of beta [-] (0 when not fitted) */
  double chi2;     /* sum of squared residuals: [unit of C]^2 unweighted, [-] with sigma */
  size_t dof;      /* degrees of freedom n - p [-] */
  size_t n_iter;   /* trust-region iterations used [-] */
  int converged;   /* 1 if the GSL driver met a tolerance, 0 otherwise */
  double select_p; /* auto: F-test probability of the two-component fit's drop of chi2
                      under one component (NAN when no two-component fit ran) [-] */
} idr_transient_fit;

/* Fit one transient with automatic initial guesses. opt may be NULL (defaults).
 * For IDR_TRANSIENT_STRETCHED a fitted beta > 1 is not allowed: the fit is then
 * repeated with beta fixed at 1 (beta_err = 0), i.e. a single exponential.
 * IDR_TRANSIENT_TWO_EXP starts from a scan of time-constant pairs (a
 * log-spaced grid, the amplitudes of each pair by linear least squares) kept
 * to pairs of opposite sign; it fails when no such pair exists.
 * IDR_TRANSIENT_AUTO fits one and two components and keeps two only when the
 * two-component fit converged, its amplitudes have opposite signs, each
 * exceeds select_sigmas standard errors and the F-test probability of its
 * drop of chi2 is below select_alpha; res->model says which was kept.
 * Returns IDR_ERR_INPUT for bad data (too few points, t <= 0, unsorted, NaN),
 * IDR_ERR_SOLVER if GSL fails; a fit that stops at max_iter returns IDR_OK
 * with converged = 0. */
idr_status idr_transient_fit_run(const idr_transient_data *data, idr_transient_model model,
                                 const idr_fit_options *opt, idr_transient_fit *res,
                                 idr_error *err);

/* Value of the fitted model at time t [s] [unit of C]. */
double idr_transient_eval(const idr_transient_fit *res, double t_s);

/* ---- Arrhenius regression --------------------------------------------- */

/* ln(T^n / tau) = lnA - Ea/(kT); A in [K^n / s]. */
typedef struct idr_arrhenius {
  int T_power;       /* n: power of T in ln(T^n/tau) (0, 1 or 2) [-] */
  double Ea_eV;      /* activation energy [eV] */
  double Ea_err_eV;  /* standard error of Ea [eV] */
  double lnA;        /* ln of the prefactor A [ln(K^n/s)] */
  double lnA_err;    /* standard error of lnA [-] */
  double cov_lnA_Ea; /* covariance of lnA and Ea [eV] */
  double r2;         /* weighted coefficient of determination [-] (NaN for global fits) */
  double chi2;       /* weighted sum of squared residuals of ln(T^n/tau) [-] */
  size_t dof;        /* degrees of freedom (points - 2) [-] */
} idr_arrhenius;

/* Weighted linear regression of y = ln(T^n/tau) against x = 1/T, weights
 * 1/sigma_y^2 with sigma_y = tau_err/tau (tau_err_s NULL: unweighted).
 * Needs n >= 2 points; with n == 2 (dof 0) the errors are NaN. */
idr_status idr_arrhenius_fit(const double *T_K, const double *tau_s, const double *tau_err_s,
                             size_t n, int T_power, idr_arrhenius *res, idr_error *err);

/* tau(T) [s] from an Arrhenius result, and its standard error [s]. */
idr_status idr_arrhenius_tau(const idr_arrhenius *arr, double T_K, double *tau_s, double *tau_err_s,
                             idr_error *err);

/* ---- global fit over temperatures -------------------------------------- */

/* Result of the global fit: one Arrhenius law per component, shared by all
 * temperatures; per-temperature C_inf and amplitudes are free. */
typedef struct idr_global_fit {
  idr_transient_model model; /* IDR_TRANSIENT_EXP or IDR_TRANSIENT_TWO_EXP */
  size_t n_comp;             /* 1 or 2 [-] */
  idr_arrhenius comp[2];     /* Arrhenius law of each component (r2 = NaN) */
  double T_ref_K;            /* reference temperature of the internal parametrisation [K] */
  double chi2;               /* total sum of squared residuals (see idr_transient_fit) */
  size_t dof;                /* total points - parameters [-] */
  size_t n_iter;             /* trust-region iterations [-] */
  int converged;             /* 1 if a tolerance was met */
} idr_global_fit;

/* Global fit of m transients (each with its own T_K) with
 *   tau_c(T) = T^n / (A_c exp(-Ea_c/kT)).
 * Model: IDR_TRANSIENT_EXP or IDR_TRANSIENT_TWO_EXP (components sorted by tau
 * at T_ref, component 0 the faster). Initial guesses come from per-temperature
 * fits followed by idr_arrhenius_fit. per_T (m entries, caller-owned, may be
 * NULL) receives C_inf, dC and the tau given by the Arrhenius law at each T,
 * with standard errors. Needs m >= 2 distinct temperatures. */
idr_status idr_global_fit_run(const idr_transient_data *data, size_t m, idr_transient_model model,
                              int T_power, const idr_fit_options *opt, idr_global_fit *res,
                              idr_transient_fit *per_T, idr_error *err);

/* ---- derived ion quantities -------------------------------------------- */

/* N_ion = 2 N_A |dC| / C (C = C_inf, the steady-state capacitance; valid for
 * N_ion << N_A). Errors added in quadrature (relative), covariances ignored.
 * N_A_err_cm3 may be 0. */
idr_status idr_ion_density(double dC, double dC_err, double C, double C_err, double N_A_cm3,
                           double N_A_err_cm3, double *N_ion_cm3, double *N_ion_err_cm3,
                           idr_error *err);

/* D(T) = kT eps0 eps_r / (q^2 N_A tau) [cm^2/s] from one time constant. */
idr_status idr_diffusivity_from_tau(double T_K, double tau_s, double tau_err_s, double N_A_cm3,
                                    double N_A_err_cm3, double eps_r, double *D_cm2_s,
                                    double *D_err_cm2_s, idr_error *err);

/* D from an Arrhenius law: D(T) = k eps0 eps_r A T^(1-n) exp(-Ea/kT) / (q^2 N_A). */
typedef struct idr_ion_diffusion {
  double Ea_eV;          /* activation energy [eV] (copied) */
  double Ea_err_eV;      /* its standard error [eV] */
  double D0_cm2_s;       /* prefactor k eps A T_ref^(1-n) / (q^2 N_A) [cm^2/s] */
  double D0_err_cm2_s;   /* standard error of D0 [cm^2/s] */
  double D300_cm2_s;     /* D at 300 K [cm^2/s] */
  double D300_err_cm2_s; /* standard error of D300 [cm^2/s] */
} idr_ion_diffusion;

/* D0 and D300 from an Arrhenius result. For n = 1, D0 is temperature independent;
 * for n = 0 or 2 the prefactor carries T^(1-n) and D0 is quoted at T = 300 K,
 * so that D(T) = D0 exp(-Ea/kT) holds at 300 K (documented in docs/analysis.md). */
idr_status idr_ion_diffusion_from_arrhenius(const idr_arrhenius *arr, double N_A_cm3,
                                            double N_A_err_cm3, double eps_r,
                                            idr_ion_diffusion *out, idr_error *err);

/* ---- TID extraction (per-temperature fits -> Arrhenius -> N_ion, D) ---- */

typedef struct idr_tid_extract_options {
  int power;                 /* n in ln(T^n/tau): 0, 1 (default) or 2 [-] */
  idr_transient_model model; /* per-temperature and global model (default single; auto: one
                                or two components, chosen by the data) */
  double N_A_cm3;            /* absorber doping, e.g. from Mott-Schottky [cm^-3]; NAN or 0:
                                an intrinsic absorber (default NAN) */
  double N_A_err_cm3;        /* its standard error [cm^-3] (default 0) */
  double eps_r;              /* absorber relative permittivity [-] (required) */
  double window_margin;      /* tau used when in [t_first m, t_last / m] (default 3) [-] */
  double amplitude_sigmas;   /* a component is present at a temperature when |dC| exceeds
                                this many standard errors (default 3) [-] ... */
  double amplitude_floor;    /* ... and |dC| / C_inf exceeds this (default 1e-9: the round-off
                                of C, printed with 10 digits in CSV tables) [-] */
  idr_tid_polarity polarity; /* which ion a sign of dC means (default unknown) */
  /* intrinsic absorber only (N_A not given): */
  double thickness_nm; /* absorber thickness d [nm]; NAN: no N_ion D (default NAN) */
  double C_to_F_m2;    /* factor from the unit of C to F/m^2 (1/area); NAN: no N_ion D */
  double N_ion_cm3;    /* an independent N_ion (e.g. low-frequency C) for D [cm^-3];
                          NAN: D not reported (default NAN) */
} idr_tid_extract_options;

void idr_tid_extract_options_default(idr_tid_extract_options *o);

typedef struct idr_tid_species {
  idr_ion_sign sign;                 /* from the polarity and dC_sign; UNKNOWN if not assigned */
  int dC_sign;                       /* sign of dC = C_inf - C(0) over the used temperatures */
  double dC_rel;                     /* mean dC / C_inf over the used temperatures [-] */
  double Ea_eV, Ea_err_eV;           /* activation energy: global fit (regression if it failed) */
  double Ea_regression_eV;           /* Arrhenius regression of the per-temperature taus [eV] */
  double Ea_regression_err_eV;       /* its standard error [eV] */
  double N_ion_cm3;                  /* 2 N_A |dC|/C_inf averaged over the used temperatures */
  double N_ion_err_cm3;              /* standard error (scatter and fit errors) [cm^-3] */
  double D0_cm2_s, D0_err_cm2_s;     /* diffusion prefactor [cm^2/s] */
  double D300_cm2_s, D300_err_cm2_s; /* diffusivity at 300 K [cm^2/s] */
  /* intrinsic absorber: N_ion D at 300 K and the ionic conductivity
   * sigma = q^2 N_ion D / kT at 300 K (NAN without thickness and C scale) */
  double ND300_cm1_s, ND300_err_cm1_s;     /* [cm^-1 s^-1] */
  double sigma300_S_cm, sigma300_err_S_cm; /* [S/cm] */
  size_t n_present; /* temperatures where its amplitude is above its noise [-] */
  size_t n_window;  /* of those, where its tau is inside the window (the regression's) [-] */
} idr_tid_species;

/* Two species' Ea within this many combined standard errors: same_barrier. */
#define IDR_TID_SAME_SIGMAS 2.0

typedef struct idr_tid_extraction {
  int power;                 /* n used [-] */
  idr_transient_model model; /* model of the reported fits (auto: single or two, as found) */
  idr_transient_model model_requested; /* the options' model (may be auto) */
  size_t m;                            /* temperatures given [-] */
  idr_transient_fit *per_T;            /* [m] per-temperature fits */
  int *used;                           /* [m] 1 if the temperature entered the Arrhenius analysis */
  unsigned char *present;     /* [2m] present[2 j + c]: species c above its noise at T_j (its
                                 amplitude fitted there; else absent, not fitted) */
  size_t n_used;              /* temperatures used [-] */
  idr_arrhenius arrhenius[2]; /* regression of the per-temperature taus, per component */
  idr_global_fit global;      /* the tied global fit (valid when global_ok) */
  int global_ok;              /* 1 if the global fit ran and converged */
  int n_components;           /* exponentials fitted: 1 or 2; per_T slot c, arrhenius[c] and
                                 global.comp[c] are component c (NAN: absent) */
  int n_species;              /* species reported: n_components, or 1 when merged */
  idr_tid_species species[2]; /* sorted by tau at the mean 1/T: species 0 the faster; when
                                 merged, species[0] is the one species (its larger exponential,
                                 component 0) and species[1] the numbers of its second
                                 exponential (component 1), for inspection only */
  int same_barrier;           /* 2 components whose Ea agree within IDR_TID_SAME_SIGMAS combined
                                 standard errors: possibly one species' non-exponential
                                 transient (a dark cation does that: validation V45) */
  int merged;                 /* 1: same_barrier (any model): the two components are reported
                                 as one species (docs/analysis.md, section 3) */
  int by_sign;                /* 2 species matched across temperatures by the sign of dC (1)
                                 or by the order of tau (0: same-sign fits, forced model) */
  int intrinsic;              /* 1: no N_A given; N_ion and D as in idr_tid_species */
  idr_tid_polarity polarity;  /* the polarity used */
  double C_s;                 /* intrinsic: contact capacitance [F/m^2] (mean), else NAN */
  char ND_note[256];          /* intrinsic, N_ion D not computed: why (else "") */
} idr_tid_extraction;

/* The whole TID extraction on m transients (t after the pulse, any C unit,
 * T_K set). Fails (IDR_ERR_RANGE, saying why) when fewer than two
 * temperatures have their time constants inside the measured window and
 * every component above its noise (a component whose amplitude is not above
 * its noise is absent, not fitted), or when a species' numbers are not
 * finite. Without N_A (an intrinsic absorber) Ea and tau are extracted as
 * always, N_ion D and sigma from the thickness and C_to_F_m2 when given, D
 * from N_ion when given; N_ion is NAN. Every other number of a successful
 * extraction is finite; only the errors of a two-temperature regression may
 * be NaN (no degrees of freedom). */
idr_status idr_tid_extract(const idr_transient_data *curves, size_t m,
                           const idr_tid_extract_options *opt, idr_tid_extraction *out,
                           idr_error *err);
void idr_tid_extraction_free(idr_tid_extraction *x);

/* ---- Mott-Schottky ---------------------------------------------------- */

typedef struct idr_mott_schottky_options {
  double V_lo;     /* lower end of the voltage range used [V] */
  double V_hi;     /* upper end of the voltage range used [V] */
  double area_cm2; /* device area [cm^2] */
  double eps_r;    /* relative permittivity of the depleted layer [-] */
  int include_kT;  /* 1: V_bi includes the kT/q term (default), 0: V_bi = intercept */
  double T_K;      /* temperature for kT/q [K] (default 300) */
} idr_mott_schottky_options;

/* Defaults: the full range (-inf, +inf), area 1 cm^2, eps_r 1 (set both!),
 * include_kT 1, T_K 300. */
void idr_mott_schottky_options_default(idr_mott_schottky_options *opt);

typedef struct idr_mott_schottky {
  double N_cm3;     /* doping density, always > 0 [cm^-3] */
  double N_err_cm3; /* standard error of N [cm^-3] */
  double V_bi;      /* built-in voltage [V] */
  double V_bi_err;  /* standard error of V_bi [V] */
  double slope;     /* d(1/C^2)/dV [F^-2 V^-1] */
  double intercept; /* 1/C^2 at V = 0 [F^-2] */
  int polarity;     /* +1: slope < 0 (convention below); -1: slope > 0, data reversed */
  int kT_included;  /* 1 if kT/q was added to V_bi [-] */
  size_t n_used;    /* points inside [V_lo, V_hi] [-] */
  double r2;        /* coefficient of determination of the regression [-] */
} idr_mott_schottky;

/* Linear regression of 1/C^2 on V over [V_lo, V_hi], C in F.
 * Convention: forward bias (V > 0) narrows the depletion region, so
 * 1/C^2 = 2 (V_bi - V - kT/q)/(q eps A^2 N) has a negative slope. If the
 * slope is positive (reverse polarity) the mirrored law
 * 1/C^2 = 2 (V_bi + V - kT/q)/(q eps A^2 N) is used and polarity = -1.
 * Needs >= 2 points in range (with exactly 2, the errors are NaN). */
idr_status idr_mott_schottky_fit(const double *V, const double *C_F, size_t n,
                                 const idr_mott_schottky_options *opt, idr_mott_schottky *res,
                                 idr_error *err);

/* NULL, or why r->N_cm3 cannot be a measured doping (outside 1e12..1e21
 * cm^-3: most often a capacitance in the wrong unit or a wrong area). */
const char *idr_mott_schottky_implausible(const idr_mott_schottky *r);

/* ---- thermal admittance spectroscopy (TAS) ----------------------------- */
/* C(f) at several temperatures -> the inflection frequencies w0 of each
 * capacitance step (peaks of -w dC/dw = -dC/dln w), followed across
 * temperatures as levels; the Arrhenius law of each level
 *   w0 = 2 xi0 T^2 exp(-E/kT)   (ln(w0/T^2) vs 1/T: E and xi0);
 * Walter's trap density of states (Walter et al., J. Appl. Phys. 80 (1996)
 * 4411) with the xi0 of the level each point belongs to
 *   N_t(E_w) = -(V_bi/(q W)) (dC/dw) (w/kT),   E_w = kT ln(2 xi0 T^2/w),
 * a Gaussian band fitted to each level's tDOS (centre, width, density with
 * standard errors), and each level's density from its capacitance step in
 * a one-sided junction with the crossing-point correction (docs/tas.md):
 *   C_lf/C_hf = (N_A + N_t) W / (N_A W + N_t (W - lambda)),
 *   lambda = sqrt(2 eps (E - kT ln(N_band(T)/N_A)) / (q^2 N_A)).
 * The same code runs on simulated and measured curves. */

#define IDR_TAS_MAX_T 64     /* temperatures at most */
#define IDR_TAS_MAX_LEVELS 8 /* levels followed at most */

/* One C(f) curve at one temperature: f > 0 strictly increasing, >= 5 points. */
typedef struct idr_tas_curve {
  double T_K;         /* temperature [K] */
  size_t n;           /* frequencies [-] */
  const double *f_Hz; /* [n] frequencies [Hz] */
  const double *C;    /* [n] capacitance [caller's unit; C_to_F_m2 converts] */
} idr_tas_curve;

typedef struct idr_tas_options {
  double C_to_F_m2;       /* factor from the unit of C to F/m^2 (1/area; 1 for F/m^2) */
  double eps_r;           /* relative permittivity of the depleted layer [-] (required) */
  double V_bi_V;          /* built-in voltage for Walter's tDOS [V]; NAN: no tDOS, no bands */
  double W_nm;            /* depletion width [nm]; NAN: eps/C(f_max) at each temperature */
  double N_A_cm3;         /* majority doping (Mott-Schottky) for the level densities; NAN: none */
  double band_dos_cm3;    /* effective DOS of the majority band at 300 K (~T^1.5) [cm^-3];
                             NAN: no level densities */
  double peak_min_rel;    /* peaks of -dC/dln w below this fraction of the largest: noise (0.01) */
  double edge_margin;     /* peaks this close to a window end [in ln w] are not used (0.5) */
  double peak_prominence; /* a peak must stand this fraction of its height above the lowest
                             point between it and a higher one (0.3) */
  double track_tol;       /* a peak continues a level when |ln w0 - predicted| <= this (1.5) */
  double xi_nominal;      /* xi0 [s^-1 K^-2] assumed for a level seen at one temperature (1e6) */
  size_t min_points;      /* temperatures a level needs (3) */
  size_t smooth;          /* half width of a moving average of C before the derivative (0) */
} idr_tas_options;

void idr_tas_options_default(idr_tas_options *o);

/* One level: its inflections and Arrhenius law. */
typedef struct idr_tas_level {
  double E_eV, E_err_eV;        /* activation energy and its standard error [eV] */
  double ln_xi, ln_xi_err;      /* ln xi0 [ln(s^-1 K^-2)] and its standard error */
  double xi_s_K2;               /* xi0 [s^-1 K^-2] (the attempt-to-escape prefactor) */
  double r2;                    /* coefficient of determination of the regression [-] */
  size_t n_T;                   /* temperatures where its inflection was found [-] */
  double T_K[IDR_TAS_MAX_T];    /* those temperatures [K] */
  double w0[IDR_TAS_MAX_T];     /* its inflection angular frequency there [rad/s] */
  double dC_rel[IDR_TAS_MAX_T]; /* its step (C_lf - C_hf)/C_hf there [-] */
  double N_cm3, N_err_cm3;      /* density from the step (crossing-point corrected);
                                   NAN without N_A_cm3 and band_dos_cm3 */
  double lambda_nm;             /* mean crossing-point distance lambda used [nm] (NAN) */
} idr_tas_level;

/* A Gaussian band fitted to the tDOS of one level:
 *   N_t(E) = N / (sigma sqrt(2 pi)) exp(-(E - E0)^2 / (2 sigma^2)). */
typedef struct idr_tas_band {
  int level;                     /* the level whose tDOS points it fits */
  double E_eV, E_err_eV;         /* centre E0 [eV] */
  double sigma_eV, sigma_err_eV; /* width [eV] */
  double N_cm3, N_err_cm3;       /* density (area of the band) [cm^-3] */
  double ln_xi, ln_xi_err;       /* ln xi0 of the energy scale [ln(s^-1 K^-2)] (fitted: the
                                    temperatures' curves overlap; err NAN: the level's held) */
  double xi_s_K2;                /* xi0 [s^-1 K^-2] */
  double chi2;                   /* residual sum of squares [(cm^-3 eV^-1)^2] */
  size_t n_points;               /* tDOS points fitted [-] */
  int converged;                 /* 1 if the fit met a tolerance */
} idr_tas_band;

typedef struct idr_tas_extraction {
  size_t m;          /* temperatures, in the order given [-] */
  double *T_K;       /* [m] */
  double *W_nm;      /* [m] depletion width used at each temperature [nm] */
  size_t *off;       /* [m + 1] temperature j owns points off[j] .. off[j+1]-1 */
  size_t n;          /* points [-] */
  double *f_Hz;      /* [n] frequency [Hz] */
  double *C_F_m2;    /* [n] capacitance [F/m^2] */
  double *mwdC;      /* [n] -w dC/dw = -dC/dln w [F/m^2] */
  int *level_of;     /* [n] the level a point belongs to (-1: none) */
  double *E_w_eV;    /* [n] Walter's energy with its level's xi0 [eV] (NAN: no level) */
  double *Nt_cm3_eV; /* [n] Walter's tDOS [cm^-3 eV^-1] (NAN: no V_bi or no level) */
  double V_bi_V;     /* built-in voltage used [V] (NAN: none) */
  size_t n_levels;   /* [-] */
  idr_tas_level levels[IDR_TAS_MAX_LEVELS]; /* sorted by energy */
  size_t n_bands;                           /* [-] */
  idr_tas_band bands[IDR_TAS_MAX_LEVELS];
} idr_tas_extraction;

/* The whole TAS analysis of m curves (any order of temperature). Fails for
 * bad input (fewer than 2 curves, a curve with < 5 points, unsorted or
 * non-positive f, non-finite values, missing eps_r or C_to_F_m2). Finding no
 * level is not an error (n_levels = 0). Free x with idr_tas_extraction_free. */
idr_status idr_tas_extract(const idr_tas_curve *curves, size_t m, const idr_tas_options *o,
                           idr_tas_extraction *x, idr_error *err);
void idr_tas_extraction_free(idr_tas_extraction *x);

/* ---- inversion of a costly increasing map ------------------------------ */

/* g(p) for the inversion: 0 on success, else a status with err set. */
typedef idr_status (*idr_scalar_fn)(double p, void *user, double *g, idr_error *err);

typedef struct idr_invert_options {
  double slope;  /* expected dg/dp for the first bracketing step [unit g / unit p] (1) */
  double p_tol;  /* stop when the bracket is narrower than this [unit p] (1e-4) */
  double g_tol;  /* or when |g - target| <= this [unit g] (1e-4) */
  double p_min;  /* p is searched in [p_min, p_max] (-inf) */
  double p_max;  /* (+inf) */
  int max_evals; /* budget of evaluations of g [-] (12) */
} idr_invert_options;
void idr_invert_default_options(idr_invert_options *o);

typedef struct idr_invert_result {
  double p;  /* the solution [unit p] */
  double g;  /* g(p) [unit g] */
  int evals; /* evaluations of g used [-] */
} idr_invert_result;

/* Solve g(p) = target for an increasing g, starting at p0: bracketing steps
 * (residual / slope, then secant), then Brent (GSL). Each g is evaluated once
 * (cached). Errors: the callback's status, IDR_ERR_RANGE if the target is not
 * reached inside [p_min, p_max], IDR_ERR_SOLVER when the budget runs out. */
idr_status idr_invert_increasing(idr_scalar_fn fn, void *user, double target, double p0,
                                 const idr_invert_options *opt, idr_invert_result *res,
                                 idr_error *err);

#ifdef __cplusplus
}
#endif
#endif /* IDR_ANALYSIS_H */

/*
 * iondrift fit, private: the checked fit spec, its data sets and curves,
 * the model evaluation on per-thread study copies, the least-squares
 * driver and the uncertainties, shared by the files of fit/. Not installed.
 *
 * Scales. A parameter's value p (deck units) is fitted in its own scale
 * z = p (linear) or z = log10 p (log); inside the bounds [z_lo, z_hi] the
 * least-squares solver sees an unbounded u with
 *   z = z_lo + (z_hi - z_lo) / (1 + exp(-u))            (mapping.c)
 * Residuals are r_i = (C_model_i + c_j - C_data_i) / sigma_i in the data's
 * units (F, the model's F/m^2 times the area), c_j the curve's free offset
 * when the data set says fit_C_inf (else 0), eliminated analytically (its
 * weighted least-squares value for the current model: variable projection).
 */
#ifndef IDR_FIT_INTERNAL_H
#define IDR_FIT_INTERNAL_H

#include "iondrift.h"

#include "idr_config.h"

#include <stdio.h>

#define FIT_PATH_LEN 1024
#define FIT_KEY_LEN 256
#define FIT_MAX_PARAMS 16
#define FIT_MAX_DATA 16
#define FIT_MAX_CURVES 1024 /* curves (studies) of one fit */
#define FIT_MAX_STARTS 4096
/* Points of one curve (IDR_MAX_SAMPLES of a protocol's sample list) */
#define FIT_MAX_SAMPLES 512
/* A residual of a point whose simulation failed (a rejected trial step) */
#define FIT_FAILED_RESIDUAL 1e6
/* Profile likelihood: the chi-square rises that bound the 68 % and 95 %
 * intervals of one parameter (chi-square quantiles of 1 degree of freedom) */
#define FIT_DCHI2_68 1.0
#define FIT_DCHI2_95 3.841458820694124
/* A correlation above FIT_CORR_WARN in magnitude is warned about (the data
 * determine mainly a combination: D0 and Ea over a narrow range of 1/T
 * reach 0.99 already for 300..200 K); above FIT_CORR_MAX the two are not
 * identifiable apart */
#define FIT_CORR_WARN 0.99
#define FIT_CORR_MAX 0.999
/* Without a profile: a 95 % linearized interval wider than this fraction of
 * the range (fitting scale) is not identifiable */
#define FIT_WIDE_FRACTION 0.5
/* The main fit stops when the Gauss-Newton model predicts a further chi2
 * decrease below this (in units of the covariance scale: chi2/dof when a
 * sigma is relative): the estimate is then within ~0.03 standard errors of
 * the minimum (a decrease of d means sqrt(d) standard errors) */
#define FIT_LM_DCHI2_TOL 1e-3
/* A later start is abandoned when after FIT_ABANDON_ITERS iterations its cost
 * is still FIT_ABANDON_FACTOR times the best final cost so far */
#define FIT_ABANDON_ITERS 4
#define FIT_ABANDON_FACTOR 2.0
/* Singular values of the weighted Jacobian below this fraction of the
 * largest: a direction the data do not determine (infinite error) */
#define FIT_SVD_RCOND 1e-10

typedef enum { FIT_TID = 0, FIT_CF = 1, FIT_CV = 2 } fit_kind;

/* A fitted parameter. */
typedef struct fit_param {
  char path[FIT_KEY_LEN]; /* deck path (as the setter takes it) */
  char units[32];         /* from the key's name ("eV", "cm^-3") */
  int log_scale;          /* 1: fitted in log10 */
  double min, max;        /* bounds [deck units] */
  double z_lo, z_hi;      /* the bounds in the fitting scale */
  double start;           /* the start [deck units] (`start:` or the deck's value) */
  double deck_value;      /* the base deck's value */
  int profile;            /* 1: profile likelihood requested */
  int line, col;
} fit_param;

/* A data set: one file, one protocol. */
typedef struct fit_dataset {
  fit_kind kind;
  char file[FIT_PATH_LEN];   /* as written */
  char path[FIT_PATH_LEN];   /* relative to the spec's directory */
  double sigma_rel, sigma_F; /* one of them > 0 (the other 0) */
  int fit_C_inf;             /* 1: a free offset per curve */
  double T_K, V_V, f_Hz;     /* cf: T_K, V_V; cv: T_K, f_Hz; NAN when not given */
  char protocol_extra[4096]; /* flow YAML of extra protocol keys ("" none) */
  double t_min_s, t_max_s;   /* window of the reader (x_min, x_max) */
  double temp_tol_K;         /* grouping of temperatures */
  char columns[FIT_KEY_LEN]; /* reader's --columns ("" none) */
  size_t first_curve, n_curves;
  int line, col;
} fit_dataset;

/* A curve: the unit of simulation (one study: one temperature of a tid
 * data set, or a whole cf/cv data set). */
typedef struct fit_curve {
  size_t set;      /* its data set */
  double T_K;      /* temperature [K] */
  size_t off, n;   /* its points are off .. off + n - 1 of the residual vector */
  idr_study *base; /* the study that simulates it (protocol at the data's points) */
} fit_curve;

/* The problem: the spec resolved, the data, the base studies. */
typedef struct fit_problem {
  char spec_path[FIT_PATH_LEN];
  char deck_path[FIT_PATH_LEN];
  idr_study *deck; /* the base deck with `set` applied */
  double area_cm2;
  fit_param par[FIT_MAX_PARAMS];
  size_t n_par;
  fit_dataset set[FIT_MAX_DATA];
  size_t n_sets;
  fit_curve *curve;
  size_t n_curves;
  size_t n;              /* points (residuals) */
  double *x, *y, *sigma; /* [n] abscissa (s, Hz, V), data C [F], sigma [F] */
  size_t *line;          /* [n] the data file's line of each point */
  int starts, refine, max_iter;
  double fd_step; /* finite-difference step, a fraction of each range in its scale */
  int any_relative;
  char *resolved; /* the resolved spec (YAML text) */
} fit_problem;

/* ---- spec.c / data.c ------------------------------------------------------------ */
idr_status idr_fit_problem_load(const char *spec_path, fit_problem *p, idr_error *err);
void idr_fit_problem_free(fit_problem *p);
/* The list n under key (NULL: absent; the error then points at parent): a
 * sequence of 1 to max entries, else "KEY must be a list of 1 to MAX <like>
 * (got ...)" (spec.c). */
idr_status idr_fit_read_list(const idr_ydoc *doc, const idr_ynode *n, const idr_ynode *parent,
                             const char *key, size_t max, const char *like, idr_error *err);
/* data.c: read the data sets' files, build the curves and their studies. */
idr_status idr_fit_data_load(fit_problem *p, const idr_ydoc *doc, const idr_ynode *data,
                             idr_error *err);
const char *idr_fit_kind_name(fit_kind k);

/* ---- mapping.c: scales and bounds ------------------------------------------------ */
double idr_fit_z_of(const fit_param *q, double v);   /* value -> fitting scale */
double idr_fit_v_of(const fit_param *q, double z);   /* fitting scale -> value */
double idr_fit_u_of(const fit_param *q, double z);   /* fitting scale -> unbounded */
double idr_fit_z_of_u(const fit_param *q, double u); /* unbounded -> fitting scale */
double idr_fit_dz_du(const fit_param *q, double u);  /* dz/du at u */
/* z moved inside the open bounds by at least frac of the range */
double idr_fit_z_inside(const fit_param *q, double z, double frac);

/* ---- model.c: evaluations on per-thread study copies ---------------------------- */
typedef struct fit_eval {
  const fit_problem *p;
  int threads;
  idr_study **copy;   /* [threads][n_curves] studies, reused */
  double *model;      /* [threads][n]: scratch model values [F] */
  double *rbuf;       /* [threads][n]: scratch residuals */
  size_t simulations; /* runs so far */
  size_t failures;    /* runs that failed */
  char last_failure[IDR_ERRMSG_LEN];
} fit_eval;

idr_status idr_fit_eval_init(fit_eval *e, const fit_problem *p, int threads, idr_error *err);
void idr_fit_eval_free(fit_eval *e);
/* Residuals r[n] at z (fitting scales of all parameters); the curves in
 * parallel. A curve whose run fails gets FIT_FAILED_RESIDUAL (returns the
 * number of failed curves). model (may be NULL): the model values [F]
 * with the offsets, offsets[n_curves] (may be NULL) the fitted offsets. */
int idr_fit_residuals(fit_eval *e, const double *z, double *r, double *model, double *offsets);
/* The cost sum r^2 at each of m points Z[m][n_par] (a design), all in
 * parallel; cost[m]. */
void idr_fit_costs(fit_eval *e, const double *Z, size_t m, double *cost);
/* Forward-difference Jacobian J[n][k] = dr/dz_k of the free parameters
 * (free[k] 1) at z with residuals r, the columns and curves in parallel;
 * h[k] the steps used. */
void idr_fit_jacobian(fit_eval *e, const double *z, const double *r, const int *free, double *J,
                      double *h);

/* ---- lm.c: GSL's trust-region Levenberg-Marquardt with geodesic acceleration --- */
typedef struct fit_lm_report {
  const char *stage; /* "start 2/3", "profile ions[0].Ea_eV" */
  int iter;
  double cost; /* sum r^2 */
  double step; /* |dz| of the last step (fitting scales) */
} fit_lm_report;
typedef void (*fit_lm_report_fn)(void *user, const fit_lm_report *r);

/* When to stop: max_iter iterations, or an accepted step after which the
 * Gauss-Newton model predicts a further decrease of the cost <=
 * max(cost_abs, cost_rel * cost), or GSL's tests (step, gradient). */
typedef struct fit_lm_stop {
  int max_iter;
  double cost_abs, cost_rel;
  int accel; /* 1: geodesic acceleration (one more evaluation per iteration) */
  /* give up after abandon_after iterations while the cost is still above
   * abandon_above (a start in a worse basin than a run before it; 0: never) */
  int abandon_after;
  double abandon_above;
} fit_lm_stop;

/* Minimize sum r^2 over the free parameters (free[k] 1) from z (all n_par
 * values; fixed ones kept); z receives the minimum, *cost its cost, J
 * (n x n_par, may be NULL) the Jacobian dr/dz there (free columns),
 * *iters the iterations. */
idr_status idr_fit_lm(fit_eval *e, const int *free, double *z, double *cost, double *J,
                      const fit_lm_stop *stop, const char *stage, fit_lm_report_fn fn, void *user,
                      int *iters, idr_error *err);

/* ---- uncert.c -------------------------------------------------------------------- */
#define FIT_PROFILE_MAX 16         /* points of one profile */
#define FIT_PROFILE_MAX_ITER 15    /* LM iterations of one profile point */
#define FIT_POOR_P 1e-3            /* absolute sigma: warn below this chi2 tail probability */
#define FIT_PROFILE_DCHI2_TOL 0.01 /* a profile point's inner fit stops at this dchi2 gain */
/* a profile point this far below the optimum (dchi2 units): the fit had not converged */
#define FIT_PROFILE_LOWER 0.05

/* The optimum the uncertainties refer to. */
typedef struct fit_uq {
  double z[FIT_MAX_PARAMS];                    /* best fit (fitting scales) */
  double chi2;                                 /* its sum r^2 */
  double s2;                                   /* covariance scale (reduced chi2 or 1) */
  double cov[FIT_MAX_PARAMS * FIT_MAX_PARAMS]; /* fitting scales */
} fit_uq;

typedef struct fit_profile {
  size_t k;                                          /* the parameter */
  int n;                                             /* points */
  double z[FIT_PROFILE_MAX], dchi2[FIT_PROFILE_MAX]; /* increasing z */
  double ci68[2], ci95[2];                           /* intervals (fitting scale) */
  int closed68[2], closed95[2];                      /* 0: that side ends at a bound */
  int lower_found; /* a point with a lower chi2 than the optimum's */
} fit_profile;

idr_status idr_fit_profile(fit_eval *e, const fit_uq *u, size_t k, fit_profile *pr,
                           fit_lm_report_fn fn, void *user, idr_error *err);
/* Covariance in the fitting scales from the Jacobian (n x n_par, all free)
 * by SVD: cov = s2 V S^-2 V^T; an undetermined direction gives infinite
 * variances of the parameters it involves. */
idr_status idr_fit_covariance(const double *J, size_t n, size_t p, double s2, double *cov,
                              idr_error *err);

/* ---- the fit (run.c, result.c) ------------------------------------------------- */
struct idr_fit {
  fit_problem p;
  int done;
  fit_uq uq;                      /* the optimum, its covariance */
  double z_start[FIT_MAX_PARAMS]; /* where the best LM run started */
  int best_start, lm_iters;       /* design index of that start, its iterations */
  size_t n_offsets, dof;          /* free offsets; points - parameters - offsets */
  double chi2_red;
  double *J;                       /* [n x n_par] dr/dz at the optimum */
  double *model, *resid, *offsets; /* [n] best-fit C [F], [n] weighted residuals, [n_curves] */
  fit_profile prof[FIT_MAX_PARAMS];
  int has_prof[FIT_MAX_PARAMS];
  int identifiable[FIT_MAX_PARAMS];
  double *design_z, *design_cost; /* [starts x n_par], [starts] (cost NAN: not evaluated) */
  size_t simulations;
  double wall_s;
  char *warnings;       /* one per line, "" none */
  idr_result *res;      /* the result file's contents */
  idr_result *textbook; /* the textbook extraction of the tid data, or NULL */
  char textbook_error[IDR_ERRMSG_LEN];
};

/* result.c */
void idr_fit_warn(idr_fit *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* identifiability flags and warnings from the covariance and the profiles */
void idr_fit_judge(idr_fit *f);
/* the textbook extraction of the first tid data set at the best fit's absorber */
void idr_fit_textbook(idr_fit *f, fit_eval *e);
/* build f->res */
idr_status idr_fit_build_result(idr_fit *f, idr_error *err);

#endif /* IDR_FIT_INTERNAL_H */

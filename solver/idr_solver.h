/*
 * iondrift solver: thermal equilibrium (Poisson-Boltzmann with ion-number
 * constraints), time integration of the full system with SUNDIALS IDA
 * (variable-order BDF, Newton with the analytic Jacobian and a block-tridiagonal
 * direct solver behind the SUNLinearSolver interface),
 * steady states by pseudo-transient continuation, and (later) the
 * small-signal admittance (complex block-tridiagonal LU with a bordering for
 * the ion-number constraints; complex KLU as fallback and reference).
 *
 * Only this module includes SUNDIALS and KLU. Every object is a workspace
 * owned by its caller: no global state; one idr_sim per thread.
 */
#ifndef IDR_SOLVER_H
#define IDR_SOLVER_H

#include "idr_core.h"
#include "idr_physics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- equilibrium ------------------------------------------------------- */
typedef struct idr_eq_stats {
  int iterations;     /* Newton iterations */
  double last_update; /* max |update| of the last iteration (psi in V_T, mu) */
} idr_eq_stats;

/* Thermal equilibrium in the dark at 0 V: the Fermi level is flat (0), the
 * carriers and traps follow from the potential, each ionic species is
 * Boltzmann-distributed c = c0 exp(mu_k - z psi) with mu_k fixed by its
 * number. Solves the nonlinear Poisson equation and the ion-number
 * constraints by damped Newton (bordered tridiagonal solves). Fills the full
 * state y[n_unknowns] (a steady state of the transient system: y' = 0). */
idr_status idr_equilibrium(const idr_device *dev, double *y, idr_eq_stats *stats, idr_error *err);

/* ---- time integration -------------------------------------------------- */
typedef struct idr_sim_opts {
  double rtol;                     /* relative tolerance (deck solver.rtol) */
  long max_steps;                  /* per call to idr_sim_advance */
  double h_max;                    /* maximum step [s], 0 = none */
  idr_linear_solver linear;        /* Newton systems: block (0, default) or KLU */
  idr_carrier_relaxation carriers; /* after a change: quasi-steady start where allowed (0,
                                      default) or the relaxation integrated (ida_driver.c) */
} idr_sim_opts;

/* The options a deck's `solver` section sets (h_max 0). */
idr_sim_opts idr_sim_opts_from_deck(const idr_deck *deck);

typedef struct idr_sim_stats {
  long steps;             /* accepted IDA steps */
  long res_evals;         /* residual evaluations */
  long jac_evals;         /* Jacobian evaluations */
  long lin_setups;        /* linear-solver set-ups (KLU factorizations) */
  long nonlin_iters;      /* Newton iterations */
  long nonlin_conv_fails; /* Newton convergence failures (step retried) */
  long err_test_fails;    /* error-test failures (step retried) */
  double last_h;          /* last step size [s] */
  long qss_starts;        /* starts from the carriers' quasi-steady state */
  long qss_iters;         /* their Newton iterations (each a factorization) */
} idr_sim_stats;

typedef struct idr_sim idr_sim;

idr_status idr_sim_create(const idr_device *dev, const idr_sim_opts *opts, idr_sim **out,
                          idr_error *err);
void idr_sim_free(idr_sim **sim);

/* Start at time t0 from state y0 (n_unknowns) under bias b: the algebraic
 * unknowns (potential, contact values) and the time derivatives are made
 * consistent (the state after an instantaneous change of voltage or light). */
idr_status idr_sim_start(idr_sim *sim, double t0, const double *y0, const idr_bias *b,
                         idr_error *err);
/* Change the bias at the current time (a step), keeping the differential state. */
idr_status idr_sim_set_bias(idr_sim *sim, const idr_bias *b, idr_error *err);
/* The relative tolerance from the next start or bias change on. */
idr_status idr_sim_set_rtol(idr_sim *sim, double rtol, idr_error *err);
/* Integration will not pass tstop (a bias change ahead); outputs before it
 * are interpolated. Reset by idr_sim_start / idr_sim_set_bias. */
idr_status idr_sim_set_stop_time(idr_sim *sim, double tstop, idr_error *err);
/* Integrate to tout (> current time); the state at tout is returned exactly
 * there (interpolated when tout is before the stop time). */
idr_status idr_sim_advance(idr_sim *sim, double tout, idr_error *err);
/* Integrate under the current bias until the state stops changing
 * (|t y'| below tolerance in the solver's error norm) or t_max is reached. */
idr_status idr_sim_relax(idr_sim *sim, double t_max, idr_error *err);

double idr_sim_time(const idr_sim *sim);
const double *idr_sim_y(const idr_sim *sim);
const double *idr_sim_yp(const idr_sim *sim);
const idr_device *idr_sim_device(const idr_sim *sim);
idr_bias idr_sim_bias(const idr_sim *sim);
/* Counters since idr_sim_create, summed over every start and bias change
 * (IDA resets its own at each re-initialization); last_h of the last step. */
void idr_sim_get_stats(const idr_sim *sim, idr_sim_stats *st);
/* Diagnostics: index of the differential unknown with the largest weighted
 * local error estimate in the last step (-1 on failure). */
int idr_sim_worst_component(const idr_sim *sim, double *weighted_error);

/* ---- small-signal admittance ------------------------------------------ */
/* One frequency point: Y = G + i w C per unit area. */
typedef struct idr_admittance_point {
  double omega; /* angular frequency [rad/s] */
  double G;     /* conductance [S/m^2] */
  double C;     /* capacitance [F/m^2] */
} idr_admittance_point;

typedef struct idr_admittance idr_admittance;

/* Workspace for one device: the symbolic analysis is done here, once. */
idr_status idr_admittance_create(const idr_device *dev, idr_admittance **out, idr_error *err);
void idr_admittance_free(idr_admittance **a);
/* Linearise about state y (scaled unknowns) under bias b. */
idr_status idr_admittance_set_state(idr_admittance *a, const double *y, const idr_bias *b,
                                    idr_error *err);
/* Admittance at angular frequency omega > 0 about the current state. */
idr_status idr_admittance_eval(idr_admittance *a, double omega, idr_admittance_point *out,
                               idr_error *err);
/* Complex response du of the last evaluation per volt (interleaved re, im;
 * 2 n_unknowns values), e.g. for response profiles. */
const double *idr_admittance_response(const idr_admittance *a);

/* Mean wall time [s] of one numeric KLU factorization (refactor) of the
 * Jacobian at state y, averaged over `repeat` factorizations (bench). */
idr_status idr_klu_factor_time(const idr_device *dev, const double *y, const idr_bias *b, double cj,
                               int repeat, double *seconds, idr_error *err);

/* Mean wall times [s] of one factorization and one solve of the transient
 * linear solver (block-tridiagonal, blocktri.c) on the Jacobian at state y
 * (bench). */
idr_status idr_blocktri_time(const idr_device *dev, const double *y, const idr_bias *b, double cj,
                             int repeat, double *factor_s, double *solve_s, idr_error *err);

#ifdef __cplusplus
}
#endif
#endif /* IDR_SOLVER_H */

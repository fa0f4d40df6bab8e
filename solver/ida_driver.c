/*
 * IDA driver: the semi-discrete system F(t, y, y') = 0 of physics/ integrated
 * by SUNDIALS IDA (variable-order BDF) with Newton iterations on the analytic
 * Jacobian dF/dy + cj dF/dy', assembled in the device's fixed CSC pattern and
 * factored by the block-tridiagonal solver of blocktri.c (block LU by nodes
 * behind the SUNLinearSolver interface, no indirect indexing: ~6 us per solve
 * and ~60 us per factorization for 1567 unknowns, against SUNLinSol_KLU's
 * ~24 us and ~97 us), or by SUNLinSol_KLU itself (solver.linear: klu).
 *
 * Poisson rows and the contact values are algebraic (IDASetId); densities are
 * constrained non-negative (IDASetConstraints); per-component absolute
 * tolerances come from the device's scaling. A residual that meets a
 * non-finite value or a strongly negative density returns > 0 so IDA retries
 * with a smaller step. IDA's own messages are captured, not printed.
 *
 * Ion conservation: every ion row is a flux difference plus storage, so the
 * volume-weighted sum of ion rows of F and of every Newton correction
 * vanishes identically; BDF with exact linear solves preserves the number of
 * each species to round-off, step after step.
 */
#define _POSIX_C_SOURCE 200809L
#include "idr_solver.h"
#include "blocktri.h"
#include "fast_nvector.h"
#include "quasi_steady.h"

#include <ida/ida.h>
#include <ida/ida_ls.h>
#include <klu.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>
#include <time.h>

/* Steady state reached when the WRMS norm of (t - t0) y' drops below this. */
#define IDR_RELAX_TOL 0.1
/* Newton iterations stop when the estimated error of the correction, in the
 * error-test norm, is below this (IDA's default: 0.33). IDA's local error
 * estimate contains the unconverged part of the correction; at 0.33 it shows
 * up as a period-2 oscillation of stiff carrier components (e.g. the ~1e7
 * cm^-3 electrons at the absorber/ETL interface of the example, amplitude
 * ~atol) that holds BDF at order 2 and a constant step for hundreds of steps
 * after a bias change. At 0.01 the example transient takes 1995 instead of
 * 2942 steps (1.8 instead of 1.25 Newton iterations each) and C(t) of the
 * TID scan is closer to an rtol 1e-8 reference. */
#define IDR_NEWTON_CONV_COEF 0.01
/* The quasi-steady start is taken when the first output after a change is
 * at least this many of the carriers' slowest relaxation times after it
 * (docs/accuracy.md: the example's +1 V step at 300 K, J within 3e-4 of the
 * integrated relaxation at its first sample, 21 times; at 200 K, 17 times,
 * 14 % off: refused). */
#define IDR_QSS_RELAX_TIMES 20.0
/* ... and not tried when the first output is sooner than this [s]: 20 times
 * 0.1 us (the decks measured relax in 0.2-0.9 us); the TID scan's first C
 * sample, 1 us after the pulse, always integrates the relaxation. */
#define IDR_QSS_FIRST_OUTPUT_MIN_S 2e-6

struct idr_sim {
  const idr_device *dev;
  idr_sim_opts opts;
  idr_bias bias;
  SUNContext ctx;
  void *ida;
  N_Vector y, yp, id, cons, atol, ewt;
  N_Vector res, dx; /* work: residual and correction of an interpolated output */
  SUNMatrix A;
  SUNLinearSolver LS;
  int atol_has_zero; /* some absolute tolerance is 0: the weights are checked */
  double t;
  double t_start; /* time of the last start or bias change: IDA's time is t - t_start */
  double tstop;   /* integration never passes this time (INFINITY: none) */
  int started;
  double *rate_jx;      /* [nnz] work: the Jacobian for the potential's rate */
  double *rate_work;    /* [2 N] work: its tridiagonal solve */
  idr_sim_stats before; /* counters of the integrations before the last IDAReInit */
  char ida_msg[512];    /* last message from IDA's error handler */
  idr_qss *qss;         /* the carriers' quasi-steady start (NULL: off) */
  double *qss_work;     /* [2 n] work of the quasi-steady start */
  int qss_pending;      /* started or bias changed, not yet integrated from */
  long qss_starts, qss_iters;
};

static int res_fn(realtype t, N_Vector yy, N_Vector yp, N_Vector rr, void *user) {
  (void)t;
  idr_sim *s = user;
  return idr_residual(s->dev, &s->bias, N_VGetArrayPointer(yy), N_VGetArrayPointer(yp),
                      N_VGetArrayPointer(rr));
}

/* Error weights w = 1 / (rtol |y| + atol), IDA's IDAEwtSetSV in one pass
 * instead of three vector operations (|y|, the linear sum, the inverse):
 * the same operations in the same order. As there, a non-positive
 * denominator fails only when some atol is 0. */
static int ewt_fn(N_Vector yy, N_Vector ewt, void *user) {
  const idr_sim *s = user;
  const double *y = N_VGetArrayPointer(yy), *a = N_VGetArrayPointer(s->atol);
  double *w = N_VGetArrayPointer(ewt);
  const double rtol = s->opts.rtol;
  const sunindextype n = N_VGetLength(yy);
  if (s->atol_has_zero)
    for (sunindextype i = 0; i < n; i++)
      if (!(rtol * fabs(y[i]) + 1.0 * a[i] > 0.0)) return -1;
  for (sunindextype i = 0; i < n; i++)
    w[i] = 1.0 / (rtol * fabs(y[i]) + 1.0 * a[i]);
  return 0;
}

static int jac_fn(realtype t, realtype cj, N_Vector yy, N_Vector yp, N_Vector rr, SUNMatrix J,
                  void *user, N_Vector t1, N_Vector t2, N_Vector t3) {
  (void)t;
  (void)yp;
  (void)rr;
  (void)t1;
  (void)t2;
  (void)t3;
  idr_sim *s = user;
  /* the pattern was written once (sparse_zero_values keeps it); the values
   * are zeroed by idr_jacobian */
  int rc = idr_jacobian(s->dev, &s->bias, N_VGetArrayPointer(yy), cj, SUNSparseMatrix_Data(J));
  return rc ? 1 : 0;
}

/* SUNMatZero for the Jacobian: IDA zeroes the matrix before every Jacobian
 * evaluation; the serial version also zeroes the fixed CSC pattern, which
 * then had to be rewritten each time. Nothing is left to do here: jac_fn
 * (idr_jacobian) zeroes every value before it adds its terms. */
static int sparse_zero_values(SUNMatrix A) {
  (void)A;
  return 0;
}

idr_sim_opts idr_sim_opts_from_deck(const idr_deck *deck) {
  idr_sim_opts o = {deck->solver.rtol, deck->solver.max_steps, 0.0, deck->solver.linear,
                    deck->solver.carriers};
  return o;
}

static void err_fn(int code, const char *module, const char *function, char *msg, void *user) {
  idr_sim *s = user;
  snprintf(s->ida_msg, sizeof s->ida_msg, "%s/%s (%d): %s", module, function, code, msg);
}

void idr_sim_free(idr_sim **sp) {
  if (!sp || !*sp) return;
  idr_sim *s = *sp;
  if (s->ida) IDAFree(&s->ida);
  if (s->LS) SUNLinSolFree(s->LS);
  if (s->A) SUNMatDestroy(s->A);
  if (s->y) N_VDestroy(s->y);
  if (s->yp) N_VDestroy(s->yp);
  if (s->id) N_VDestroy(s->id);
  if (s->cons) N_VDestroy(s->cons);
  if (s->atol) N_VDestroy(s->atol);
  if (s->ewt) N_VDestroy(s->ewt);
  if (s->res) N_VDestroy(s->res);
  if (s->dx) N_VDestroy(s->dx);
  if (s->ctx) SUNContext_Free(&s->ctx);
  free(s->rate_jx);
  free(s->rate_work);
  idr_qss_free(&s->qss);
  free(s->qss_work);
  free(s);
  *sp = NULL;
}

#define CHECK_IDA(call, what)                                                                      \
  do {                                                                                             \
    int flag_ = (call);                                                                            \
    if (flag_ < 0) {                                                                               \
      st = idr_error_set(err, IDR_ERR_SOLVER, "IDA set-up failed in %s (flag %d) %s", what, flag_, \
                         s->ida_msg);                                                              \
      goto out_free;                                                                               \
    }                                                                                              \
  } while (0)

idr_status idr_sim_create(const idr_device *dev, const idr_sim_opts *opts, idr_sim **out,
                          idr_error *err) {
  *out = NULL;
  idr_status st = IDR_OK;
  idr_sim *s = calloc(1, sizeof *s);
  if (!s) return idr_error_set(err, IDR_ERR_NOMEM, "solver: out of memory");
  s->dev = dev;
  s->opts = *opts;
  if (!(s->opts.rtol > 0)) s->opts.rtol = 1e-6;
  if (s->opts.max_steps <= 0) s->opts.max_steps = 500000;
  const sunindextype n = dev->n_unknowns;
  if (SUNContext_Create(NULL, &s->ctx)) {
    st = idr_error_set(err, IDR_ERR_SOLVER, "solver: SUNContext_Create failed");
    goto out_free;
  }
  s->y = N_VNew_Serial(n, s->ctx);
  s->yp = N_VNew_Serial(n, s->ctx);
  s->id = N_VNew_Serial(n, s->ctx);
  s->cons = N_VNew_Serial(n, s->ctx);
  s->atol = N_VNew_Serial(n, s->ctx);
  s->ewt = N_VNew_Serial(n, s->ctx);
  s->res = N_VNew_Serial(n, s->ctx);
  s->dx = N_VNew_Serial(n, s->ctx);
  s->rate_jx = malloc((size_t)dev->nnz * sizeof *s->rate_jx);
  s->rate_work = malloc(2 * (size_t)dev->N * sizeof *s->rate_work);
  if (!s->y || !s->yp || !s->id || !s->cons || !s->atol || !s->ewt || !s->res || !s->dx ||
      !s->rate_jx || !s->rate_work) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "solver: out of memory (vectors)");
    goto out_free;
  }
  idr_nvector_use_fast_ops(s->y);
  idr_nvector_use_fast_ops(s->yp);
  idr_nvector_use_fast_ops(s->id);
  idr_nvector_use_fast_ops(s->cons);
  idr_nvector_use_fast_ops(s->atol);
  idr_nvector_use_fast_ops(s->ewt);
  memcpy(N_VGetArrayPointer(s->id), dev->is_diff, (size_t)n * sizeof(double));
  memcpy(N_VGetArrayPointer(s->cons), dev->positive, (size_t)n * sizeof(double));
  memcpy(N_VGetArrayPointer(s->atol), dev->atol, (size_t)n * sizeof(double));
  N_VConst(0.0, s->y);
  N_VConst(0.0, s->yp);
  s->A = SUNSparseMatrix(n, n, (sunindextype)dev->nnz, CSC_MAT, s->ctx);
  if (!s->A) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "solver: out of memory (sparse matrix)");
    goto out_free;
  }
  {
    sunindextype *cp = SUNSparseMatrix_IndexPointers(s->A), *ri = SUNSparseMatrix_IndexValues(s->A);
    for (sunindextype c = 0; c <= n; c++)
      cp[c] = (sunindextype)dev->colptr[c];
    for (long q = 0; q < dev->nnz; q++)
      ri[q] = (sunindextype)dev->rowind[q];
  }
  s->A->ops->zero = sparse_zero_values;
  s->LS = s->opts.linear == IDR_LINEAR_KLU ? SUNLinSol_KLU(s->y, s->A, s->ctx)
                                           : idr_blocktri_create(dev, s->ctx);
  if (!s->LS) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "solver: out of memory (linear solver)");
    goto out_free;
  }
  s->ida = IDACreate(s->ctx);
  if (!s->ida) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "solver: IDACreate failed");
    goto out_free;
  }
  CHECK_IDA(IDASetErrHandlerFn(s->ida, err_fn, s), "IDASetErrHandlerFn");
  CHECK_IDA(IDAInit(s->ida, res_fn, 0.0, s->y, s->yp), "IDAInit");
  /* the checks of the tolerances; then the same weights in one pass */
  CHECK_IDA(IDASVtolerances(s->ida, s->opts.rtol, s->atol), "IDASVtolerances");
  CHECK_IDA(IDASetUserData(s->ida, s), "IDASetUserData");
  s->atol_has_zero = N_VMin(s->atol) == 0.0;
  CHECK_IDA(IDAWFtolerances(s->ida, ewt_fn), "IDAWFtolerances");
  CHECK_IDA(IDASetId(s->ida, s->id), "IDASetId");
  CHECK_IDA(IDASetConstraints(s->ida, s->cons), "IDASetConstraints");
  CHECK_IDA(IDASetLinearSolver(s->ida, s->LS, s->A), "IDASetLinearSolver");
  CHECK_IDA(IDASetJacFn(s->ida, jac_fn), "IDASetJacFn");
  CHECK_IDA(IDASetMaxNumSteps(s->ida, s->opts.max_steps), "IDASetMaxNumSteps");
  CHECK_IDA(IDASetSuppressAlg(s->ida, SUNTRUE), "IDASetSuppressAlg");
  CHECK_IDA(IDASetNonlinConvCoef(s->ida, IDR_NEWTON_CONV_COEF), "IDASetNonlinConvCoef");
  if (s->opts.h_max > 0) CHECK_IDA(IDASetMaxStep(s->ida, s->opts.h_max), "IDASetMaxStep");
  /* the quasi-steady start: not with trap levels, which capture carriers
   * during the relaxation (docs/accuracy.md) */
  if (s->opts.carriers == IDR_CARRIERS_QUASI_STEADY && dev->n_levels == 0) {
    s->qss = idr_qss_alloc(dev);
    s->qss_work = malloc(2 * (size_t)n * sizeof *s->qss_work);
    if (!s->qss || !s->qss_work) {
      st = idr_error_set(err, IDR_ERR_NOMEM, "solver: out of memory (quasi-steady start)");
      goto out_free;
    }
  }
  *out = s;
  return IDR_OK;
out_free:
  idr_sim_free(&s);
  return st;
}

static void ida_counters(const idr_sim *s, idr_sim_stats *st) {
  memset(st, 0, sizeof *st);
  long v;
  if (IDAGetNumSteps(s->ida, &v) == IDA_SUCCESS) st->steps = v;
  if (IDAGetNumResEvals(s->ida, &v) == IDA_SUCCESS) st->res_evals = v;
  if (IDAGetNumJacEvals(s->ida, &v) == IDA_SUCCESS) st->jac_evals = v;
  if (IDAGetNumLinSolvSetups(s->ida, &v) == IDA_SUCCESS) st->lin_setups = v;
  if (IDAGetNumNonlinSolvIters(s->ida, &v) == IDA_SUCCESS) st->nonlin_iters = v;
  if (IDAGetNumNonlinSolvConvFails(s->ida, &v) == IDA_SUCCESS) st->nonlin_conv_fails = v;
  if (IDAGetNumErrTestFails(s->ida, &v) == IDA_SUCCESS) st->err_test_fails = v;
  realtype h;
  if (IDAGetLastStep(s->ida, &h) == IDA_SUCCESS) st->last_h = h;
}

/* IDAReInit resets IDA's counters: add those so far to s->before. */
static void keep_counters(idr_sim *s) {
  idr_sim_stats c;
  ida_counters(s, &c);
  s->before.steps += c.steps;
  s->before.res_evals += c.res_evals;
  s->before.jac_evals += c.jac_evals;
  s->before.lin_setups += c.lin_setups;
  s->before.nonlin_iters += c.nonlin_iters;
  s->before.nonlin_conv_fails += c.nonlin_conv_fails;
  s->before.err_test_fails += c.err_test_fails;
}

/* The state a restart begins from, on the constraints: IDA keeps each
 * density >= 0 by correcting a step whose density would go negative to zero,
 * but the corrected value is the sum of the prediction and the correction and
 * keeps their round-off of either sign (-8e-40 in scaled units at 9 nodes at
 * the end of a -0.89 V fill pulse), and states interpolated between steps
 * carry the interpolation's error (-3e-18 there). IDACalcIC then rejects the
 * state outright ("y0 fails to satisfy constraints"). Such a density is zero
 * within the integrator's resolution (its absolute tolerance): it is set to
 * zero. A density below -atol is a failed integration, reported. */
static idr_status project_densities(idr_sim *s, double t0, idr_error *err) {
  const idr_device *d = s->dev;
  double *y = N_VGetArrayPointer(s->y);
  const double *atol = N_VGetArrayPointer(s->atol);
  for (int u = 0; u < d->n_unknowns; u++) {
    if (d->positive[u] == 0.0 || y[u] >= 0.0) continue;
    if (y[u] >= -atol[u]) {
      y[u] = 0.0;
      continue;
    }
    int i = d->node_of[u];
    return idr_error_set(err, IDR_ERR_SOLVER,
                         "negative density at node %d (x = %.6g nm, unknown %d: %.3g of its "
                         "absolute tolerance) at t = %.6g s, before the change of bias to V = "
                         "%.6g V",
                         i, d->x[i] * 1e9, u - d->off[i], y[u] / atol[u], t0, s->bias.V);
  }
  return IDR_OK;
}

/* The first guess of the densities' rates for IDACalcIC: y' = -F(y, 0) / M
 * on every differential unknown (the mass matrix M is diagonal), 0 where
 * the residual cannot be evaluated. After a change of the light alone the
 * state's algebraic part is already consistent and this is the answer
 * (y' = G on the carriers): with the large absolute tolerances of the TID
 * scan, IDACalcIC started from y' = 0 took the generation step for converged
 * (0 iterations, y' = 0) and the first step then failed its error test. */
static void explicit_rates(idr_sim *s) {
  const idr_device *d = s->dev;
  double *yp = N_VGetArrayPointer(s->yp), *F = N_VGetArrayPointer(s->res);
  double *mass = N_VGetArrayPointer(s->dx);
  if (idr_residual(d, &s->bias, N_VGetArrayPointer(s->y), yp, F) != 0) return;
  idr_mass_diagonal(d, mass);
  for (int u = 0; u < d->n_unknowns; u++)
    if (d->is_diff[u] > 0.0 && mass[u] > 0.0) yp[u] = -F[u] / mass[u];
}

/* Make algebraic unknowns and derivatives consistent at the current time:
 * IDACalcIC gives the potential and the densities' rates; the potential's
 * rate follows from the time derivative of Poisson's rows
 * (idr_potential_rate), so that the state just after a bias change carries
 * its displacement current (every edge the same total current) and IDA's
 * first predictor moves the potential with the densities. */
static idr_status consistent_start(idr_sim *s, double t0, idr_error *err) {
  idr_status st = IDR_OK;
  if (s->started) keep_counters(s);
  st = project_densities(s, t0, err);
  if (st) return st;
  double *yp = N_VGetArrayPointer(s->yp);
  memset(yp, 0, (size_t)s->dev->n_unknowns * sizeof *yp);
  explicit_rates(s);
  /* IDA integrates in the time since this start, so that femtosecond steps
   * after a bias change are resolved whatever t0 is (at t0 = 5 s a double
   * resolves only ~1e-15 s, and beyond t0 ~ 1000 s IDACalcIC rejects
   * t0 + 1 ps as too close to t0). */
  CHECK_IDA(IDAReInit(s->ida, 0.0, s->y, s->yp), "IDAReInit");
  /* IDACalcIC needs a first output time to scale its tests; 1 ps is far below
   * every physical time scale here. */
  int flag = IDACalcIC(s->ida, IDA_YA_YDP_INIT, 1e-12);
  if (flag < 0)
    return idr_error_set(err, IDR_ERR_SOLVER,
                         "could not make the state consistent at t = %.6g s after a change of "
                         "bias to V = %.6g V, light = %.6g suns (IDACalcIC flag %d: %s)",
                         t0, s->bias.V, s->bias.light, flag, s->ida_msg);
  CHECK_IDA(IDAGetConsistentIC(s->ida, s->y, s->yp), "IDAGetConsistentIC");
  if (idr_potential_rate(s->dev, &s->bias, N_VGetArrayPointer(s->y), yp, s->rate_jx, s->rate_work))
    return idr_error_set(err, IDR_ERR_SOLVER,
                         "the potential's rate after the change of bias to V = %.6g V at t = "
                         "%.6g s is not finite",
                         s->bias.V, t0);
  keep_counters(s);
  CHECK_IDA(IDAReInit(s->ida, 0.0, s->y, s->yp), "IDAReInit");
  s->t = t0;
  s->t_start = t0;
  s->started = 1;
  s->tstop = INFINITY;
  s->qss_pending = 1;
  return IDR_OK;
out_free:
  return st;
}

idr_status idr_sim_start(idr_sim *s, double t0, const double *y0, const idr_bias *b,
                         idr_error *err) {
  memcpy(N_VGetArrayPointer(s->y), y0, (size_t)s->dev->n_unknowns * sizeof *y0);
  s->bias = *b;
  return consistent_start(s, t0, err);
}

idr_status idr_sim_set_bias(idr_sim *s, const idr_bias *b, idr_error *err) {
  if (!s->started) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_sim_set_bias before start");
  if (b->V == s->bias.V && b->light == s->bias.light) return IDR_OK;
  s->bias = *b;
  return consistent_start(s, s->t, err);
}

idr_status idr_sim_set_rtol(idr_sim *s, double rtol, idr_error *err) {
  if (!(rtol > 0)) return idr_error_set(err, IDR_ERR_INPUT, "solver: rtol must be > 0");
  /* the error weights are ewt_fn's (IDAWFtolerances), which reads rtol here
   * at every step. Calling IDA's tolerance setters again instead would clear
   * the weight function's data until IDA's next initial setup, and a step
   * without a restart in between (the same bias) crashed. */
  s->opts.rtol = rtol;
  return IDR_OK;
}

idr_status idr_sim_set_stop_time(idr_sim *s, double tstop, idr_error *err) {
  if (!s->started) return idr_error_set(err, IDR_ERR_INTERNAL, "stop time set before start");
  s->tstop = tstop;
  return IDR_OK;
}

/* An output between two steps is IDA's interpolating polynomial: within the
 * tolerance, but off the quasi-static balance of the fast modes (the
 * dielectric relaxation of the carriers, ~ps), and the terminal current is
 * a small difference of their fluxes. One simplified Newton iteration of the
 * corrector at the output time, on the last factorization,
 *   (dF/dy + cj dF/dy') dx = -F(y, y'),  y += dx,  y' += cj dx,
 * puts the fast modes back on their balance and leaves the slow ones where
 * they were (their dx ~ F / (cj M) is within the tolerance). Returns 0, or
 * non-zero when the residual or the solve fails (the output is then the
 * interpolated one). */
static int polish_output(idr_sim *s) {
  realtype cj = 0.0;
  if (IDAGetCurrentCj(s->ida, &cj) != IDA_SUCCESS || !(cj > 0.0)) return 1;
  if (res_fn(0.0, s->y, s->yp, s->res, s) != 0) return 1;
  N_VScale(-1.0, s->res, s->res);
  if (SUNLinSolSolve(s->LS, s->A, s->dx, s->res, 0.0) != SUNLS_SUCCESS) return 1;
  N_VLinearSum(1.0, s->y, 1.0, s->dx, s->y);
  N_VLinearSum(1.0, s->yp, cj, s->dx, s->yp);
  return 0;
}

/* The carriers' quasi-steady start (docs/accuracy.md): at the first
 * advance after a start or a change of bias, when the first output time
 * tout is at least IDR_QSS_RELAX_TIMES of the carriers' slowest relaxation
 * time after the change, the potential and the carriers are replaced by
 * their quasi-steady state with the ions held (quasi_steady.c) and the
 * integration restarts from it at the same time: the relaxation (ps..us)
 * that no output sees is not integrated. The state at the change itself
 * (the sample there) is the instantaneous one, as before. Otherwise, or when
 * the Newton iteration fails, the state is left as it was and the
 * relaxation is integrated. */
static idr_status quasi_steady_start(idr_sim *s, double tout, idr_error *err) {
  double *y = N_VGetArrayPointer(s->y), *w = N_VGetArrayPointer(s->ewt);
  double *y0 = N_VGetArrayPointer(s->dx); /* the state before, kept for a refusal */
  if (tout - s->t_start < IDR_QSS_FIRST_OUTPUT_MIN_S || ewt_fn(s->y, s->ewt, s) != 0) return IDR_OK;
  memcpy(y0, y, (size_t)s->dev->n_unknowns * sizeof *y0);
  int iters = 0;
  double tau = INFINITY;
  int rc = idr_qss_solve(s->qss, &s->bias, w, IDR_NEWTON_CONV_COEF, y, s->qss_work, &iters, &tau);
  s->qss_iters += iters;
  if (rc) return IDR_OK;
  if (!(IDR_QSS_RELAX_TIMES * tau <= tout - s->t_start)) {
    memcpy(y, y0, (size_t)s->dev->n_unknowns * sizeof *y);
    return IDR_OK;
  }
  s->qss_starts++;
  const double tstop = s->tstop;
  idr_status st = consistent_start(s, s->t, err);
  s->tstop = tstop;
  return st;
}

idr_status idr_sim_advance(idr_sim *s, double tout, idr_error *err) {
  if (!s->started) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_sim_advance before start");
  if (tout <= s->t) return IDR_OK;
  if (s->qss_pending && s->qss) {
    idr_status st = quasi_steady_start(s, tout, err);
    if (st) return st;
  }
  s->qss_pending = 0;
  /* Outputs before the stop time are interpolated (IDA_NORMAL), so sampling
   * does not shorten steps, then polished (polish_output); the stop time
   * itself is hit exactly. */
  double stop = tout < s->tstop ? s->tstop : tout;
  int sflag = IDASetStopTime(s->ida, stop - s->t_start);
  if (sflag < 0)
    return idr_error_set(
        err, IDR_ERR_SOLVER,
        "cannot set the stop time %.9g s at t = %.9g s (IDASetStopTime flag %d: %s)", stop, s->t,
        sflag, s->ida_msg);
  realtype tret = s->t - s->t_start, tl = tout - s->t_start;
  int flag = IDASolve(s->ida, tl, &tret, s->y, s->yp, IDA_NORMAL);
  /* the state is returned at tout exactly; keep tout itself as the time */
  s->t = tret == tl ? tout : s->t_start + tret;
  realtype tcur = tret;
  if (flag >= 0 && IDAGetCurrentTime(s->ida, &tcur) == IDA_SUCCESS && tcur != tret)
    (void)polish_output(s);
  if (flag < 0) {
    realtype h = 0;
    if (IDAGetLastStep(s->ida, &h) != IDA_SUCCESS) h = NAN; /* reported as unknown */
    return idr_error_set(err, IDR_ERR_SOLVER,
                         "time integration failed at t = %.9g s (last step %.3g s, V = %.6g V): "
                         "%s",
                         s->t, (double)h, s->bias.V, s->ida_msg);
  }
  /* finite or failed: what the protocols report comes from this state */
  if (idr_state_check(s->dev, N_VGetArrayPointer(s->y), err) != IDR_OK)
    return idr_error_context(err, "at t = %.9g s, V = %.6g V", s->t, s->bias.V);
  return IDR_OK;
}

idr_status idr_sim_relax(idr_sim *s, double t_max, idr_error *err) {
  double t0 = s->t;
  for (double dt = 1e-9; t0 + dt <= t0 + t_max * (1 + 1e-12); dt *= 10.0) {
    idr_status st = idr_sim_advance(s, t0 + dt, err);
    if (st) return st;
    int wflag = IDAGetErrWeights(s->ida, s->ewt);
    if (wflag != IDA_SUCCESS)
      return idr_error_set(err, IDR_ERR_SOLVER, "relaxation: IDAGetErrWeights failed (flag %d)",
                           wflag);
    double *yp = N_VGetArrayPointer(s->yp), *w = N_VGetArrayPointer(s->ewt);
    double sum = 0.0;
    for (int u = 0; u < s->dev->n_unknowns; u++) {
      double v = dt * yp[u] * w[u];
      sum += v * v;
    }
    if (sqrt(sum / s->dev->n_unknowns) < IDR_RELAX_TOL) return IDR_OK;
  }
  return idr_error_set(err, IDR_ERR_SOLVER, "no steady state reached within %.3g s", t_max);
}

double idr_sim_time(const idr_sim *s) {
  return s->t;
}
const double *idr_sim_y(const idr_sim *s) {
  return N_VGetArrayPointer(s->y);
}
const double *idr_sim_yp(const idr_sim *s) {
  return N_VGetArrayPointer(s->yp);
}
const idr_device *idr_sim_device(const idr_sim *s) {
  return s->dev;
}
idr_bias idr_sim_bias(const idr_sim *s) {
  return s->bias;
}

void idr_sim_get_stats(const idr_sim *s, idr_sim_stats *st) {
  ida_counters(s, st);
  st->steps += s->before.steps;
  st->res_evals += s->before.res_evals;
  st->jac_evals += s->before.jac_evals;
  st->lin_setups += s->before.lin_setups;
  st->nonlin_iters += s->before.nonlin_iters;
  st->nonlin_conv_fails += s->before.nonlin_conv_fails;
  st->err_test_fails += s->before.err_test_fails;
  st->qss_starts = s->qss_starts;
  st->qss_iters = s->qss_iters;
}

idr_status idr_klu_factor_time(const idr_device *dev, const double *y, const idr_bias *b, double cj,
                               int repeat, double *seconds, idr_error *err) {
  idr_status st = IDR_OK;
  long n = dev->n_unknowns;
  double *Jx = malloc((size_t)dev->nnz * sizeof *Jx);
  long *cp = malloc(((size_t)n + 1) * sizeof *cp), *ri = malloc((size_t)dev->nnz * sizeof *ri);
  klu_l_common c;
  klu_l_symbolic *sym = NULL;
  klu_l_numeric *num = NULL;
  if (!Jx || !cp || !ri) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "klu timing: out of memory");
    goto out_free;
  }
  memcpy(cp, dev->colptr, ((size_t)n + 1) * sizeof *cp);
  memcpy(ri, dev->rowind, (size_t)dev->nnz * sizeof *ri);
  if (idr_jacobian(dev, b, y, cj, Jx)) {
    st = idr_error_set(err, IDR_ERR_SOLVER, "klu timing: the Jacobian is not finite");
    goto out_free;
  }
  sym = klu_l_defaults(&c) ? klu_l_analyze(n, cp, ri, &c) : NULL;
  num = sym ? klu_l_factor(cp, ri, Jx, sym, &c) : NULL;
  if (!num) {
    st = idr_error_set(err, IDR_ERR_LINALG, "klu timing: factorization failed (status %d)",
                       (int)c.status);
    goto out_free;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int r = 0; r < repeat; r++)
    if (!klu_l_refactor(cp, ri, Jx, sym, num, &c)) {
      st = idr_error_set(err, IDR_ERR_LINALG, "klu timing: refactorization failed (status %d)",
                         (int)c.status);
      goto out_free;
    }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  *seconds = ((double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec)) /
             (repeat > 0 ? repeat : 1);
out_free:
  if (num) klu_l_free_numeric(&num, &c);
  if (sym) klu_l_free_symbolic(&sym, &c);
  free(Jx);
  free(cp);
  free(ri);
  return st;
}

static double mono_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

idr_status idr_blocktri_time(const idr_device *dev, const double *y, const idr_bias *b, double cj,
                             int repeat, double *factor_s, double *solve_s, idr_error *err) {
  idr_status st = IDR_OK;
  const int n = dev->n_unknowns, reps = repeat > 0 ? repeat : 1;
  double *Jx = malloc((size_t)dev->nnz * sizeof *Jx), *x = malloc((size_t)n * sizeof *x);
  idr_blocktri *bt = idr_blocktri_alloc(dev);
  if (!Jx || !x || !bt) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "block solver timing: out of memory");
    goto out_free;
  }
  if (idr_jacobian(dev, b, y, cj, Jx)) {
    st = idr_error_set(err, IDR_ERR_SOLVER, "block solver timing: the Jacobian is not finite");
    goto out_free;
  }
  double t0 = mono_now();
  for (int r = 0; r < reps; r++)
    if (idr_blocktri_factor(bt, Jx)) {
      st = idr_error_set(err, IDR_ERR_LINALG, "block solver timing: singular Jacobian");
      goto out_free;
    }
  double t1 = mono_now();
  for (int r = 0; r < reps; r++) {
    for (int u = 0; u < n; u++)
      x[u] = 1.0;
    idr_blocktri_solve(bt, x);
  }
  double t2 = mono_now();
  *factor_s = (t1 - t0) / reps;
  *solve_s = (t2 - t1) / reps;
out_free:
  idr_blocktri_free(&bt);
  free(Jx);
  free(x);
  return st;
}

/* Diagnostics: the unknown with the largest weighted local error estimate of
 * the last step (which part of the state limits the step size). */
int idr_sim_worst_component(const idr_sim *s, double *weighted_error) {
  N_Vector ele = N_VClone(s->y);
  if (!ele) return -1;
  if (IDAGetEstLocalErrors(s->ida, ele) != IDA_SUCCESS ||
      IDAGetErrWeights(s->ida, s->ewt) != IDA_SUCCESS) {
    N_VDestroy(ele);
    return -1;
  }
  const double *e = N_VGetArrayPointer(ele), *w = N_VGetArrayPointer(s->ewt);
  int worst = -1;
  double m = -1.0;
  for (int u = 0; u < s->dev->n_unknowns; u++) {
    if (s->dev->is_diff[u] == 0.0) continue;
    double v = fabs(e[u] * w[u]);
    if (!(v <= m)) { /* a NaN estimate is the worst */
      m = v;
      worst = u;
    }
  }
  N_VDestroy(ele);
  if (weighted_error) *weighted_error = m;
  return worst;
}

/*
 * iondrift analysis: global fit of capacitance transients at several
 * temperatures with the time constants tied to an Arrhenius law
 *
 *   C_j(t) = C_inf,j - sum_c dC_jc exp(-t / tau_c(T_j)),  dC = C_inf - C(0),
 *   tau_c(T) = T^n / (A_c exp(-Ea_c / kT))   <=>  ln(T^n/tau) = ln A - Ea/(kT).
 *
 * n = 1 follows from ionic dielectric relaxation, 1/tau = q^2 D N_A/(kT eps)
 * with D = D0 exp(-Ea/kT) (Futscher et al., Mater. Horiz. 2019).
 * Internally ln tau_c(T) = u_c + n ln(T/T_ref) + (Ea_c/k)(1/T - 1/T_ref), with
 * 1/T_ref the mean of 1/T_j: u_c and Ea_c are then nearly uncorrelated, which
 * keeps the trust-region problem well conditioned. Parameters:
 *   [u_1, Ea_1 (, u_2, Ea_2)] then per temperature [C_inf,j, a_j1 (, a_j2)] (a = -dC),
 * with capacitances scaled by S = max|C|.
 */
#include "analysis_internal.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

typedef struct global_problem {
  const idr_transient_data *d; /* m data sets */
  size_t m;                    /* number of temperatures */
  size_t n_comp;               /* 1 or 2 */
  int T_power;                 /* n in T^n */
  double T_ref;                /* [K] */
  double S;                    /* scale of C [unit of C] */
  const size_t *base;          /* [m] index of C_inf,j */
  const long *amp;             /* [2m] index of a_jc, or -1: component c absent at T_j */
} global_problem;

#define G_U(c) (2 * (c))
#define G_EA(c) (2 * (c) + 1)

/* Parameter indices: [u_c, Ea_c] then per temperature C_inf and the
 * amplitudes of the components present there (present NULL: all). Returns
 * the number of parameters. */
static size_t g_layout(size_t m, size_t n_comp, const unsigned char *present, size_t *base,
                       long *amp) {
  size_t k = 2 * n_comp;
  for (size_t j = 0; j < m; j++) {
    base[j] = k++;
    for (size_t c = 0; c < 2; c++)
      amp[2 * j + c] = c < n_comp && (!present || present[2 * j + c]) ? (long)k++ : -1;
  }
  return k;
}

/* a_j = (1/T - 1/T_ref)/k [1/eV] and the fixed part n ln(T/T_ref). */
static double g_a(const global_problem *pr, double T) {
  return (1.0 / T - 1.0 / pr->T_ref) / IDR_KB_EV;
}
static double g_u(const global_problem *pr, const gsl_vector *x, size_t c, double T) {
  return gsl_vector_get(x, G_U(c)) + pr->T_power * log(T / pr->T_ref) +
         gsl_vector_get(x, G_EA(c)) * g_a(pr, T);
}

static int global_f(const gsl_vector *x, void *params, gsl_vector *f) {
  const global_problem *pr = params;
  size_t row = 0;
  for (size_t j = 0; j < pr->m; j++) {
    const idr_transient_data *d = &pr->d[j];
    const size_t b = pr->base[j];
    const long *ai = pr->amp + 2 * j;
    double u[2] = {0.0, 0.0};
    for (size_t c = 0; c < pr->n_comp; c++)
      u[c] = g_u(pr, x, c, d->T_K);
    for (size_t i = 0; i < d->n; i++, row++) {
      double mdl = gsl_vector_get(x, b);
      for (size_t c = 0; c < pr->n_comp; c++) {
        if (ai[c] < 0) continue;
        double e, deu, deb;
        idr_an_kohlrausch(d->t_s[i], u[c], 1.0, &e, &deu, &deb);
        mdl += gsl_vector_get(x, (size_t)ai[c]) * e;
      }
      double sig = d->sigma ? d->sigma[i] / pr->S : 1.0;
      gsl_vector_set(f, row, (mdl - d->C[i] / pr->S) / sig);
    }
  }
  return GSL_SUCCESS;
}

static int global_df(const gsl_vector *x, void *params, gsl_matrix *J) {
  const global_problem *pr = params;
  gsl_matrix_set_zero(J);
  size_t row = 0;
  for (size_t j = 0; j < pr->m; j++) {
    const idr_transient_data *d = &pr->d[j];
    const size_t b = pr->base[j];
    const long *ai = pr->amp + 2 * j;
    double a = g_a(pr, d->T_K);
    double u[2] = {0.0, 0.0};
    for (size_t c = 0; c < pr->n_comp; c++)
      u[c] = g_u(pr, x, c, d->T_K);
    for (size_t i = 0; i < d->n; i++, row++) {
      double w = d->sigma ? pr->S / d->sigma[i] : 1.0;
      gsl_matrix_set(J, row, b, w);
      for (size_t c = 0; c < pr->n_comp; c++) {
        if (ai[c] < 0) continue;
        double e, deu, deb, amp = gsl_vector_get(x, (size_t)ai[c]);
        idr_an_kohlrausch(d->t_s[i], u[c], 1.0, &e, &deu, &deb);
        gsl_matrix_set(J, row, (size_t)ai[c], w * e);
        gsl_matrix_set(J, row, G_U(c), w * amp * deu);
        gsl_matrix_set(J, row, G_EA(c), w * amp * deu * a);
      }
    }
  }
  return GSL_SUCCESS;
}

/* Starting point: a fit at every temperature, then one Arrhenius regression
 * per component (components ordered by tau at each temperature). */
static idr_status global_guess(const global_problem *pr, idr_transient_model model,
                               const idr_fit_options *opt, gsl_vector *x, idr_error *err) {
  idr_status st = IDR_OK;
  size_t m = pr->m;
  double *buf = malloc(3 * m * sizeof *buf);
  if (!buf) return idr_error_set(err, IDR_ERR_NOMEM, "global fit: out of memory");
  double *T = buf, *tau = buf + m, *tau2 = buf + 2 * m;
  for (size_t j = 0; j < m; j++) {
    idr_transient_fit r;
    idr_error e1;
    idr_error_clear(&e1);
    st = idr_transient_fit_run(&pr->d[j], model, opt, &r, &e1);
    if (st != IDR_OK) {
      st = idr_error_set(err, st, "data set %zu (T = %g K): %s", j, pr->d[j].T_K, e1.msg);
      idr_error_context(err, "computing the starting point of the global fit");
      goto out_free_buf;
    }
    size_t b = pr->base[j];
    T[j] = pr->d[j].T_K;
    tau[j] = r.tau_s[0];
    tau2[j] = r.tau_s[pr->n_comp - 1];
    gsl_vector_set(x, b, r.C_inf / pr->S);
    for (size_t c = 0; c < pr->n_comp; c++)
      gsl_vector_set(x, (size_t)pr->amp[2 * j + c], -r.dC[c] / pr->S); /* a = -dC */
  }
  for (size_t c = 0; c < pr->n_comp; c++) {
    idr_arrhenius ar;
    /* Unweighted: a single poor per-temperature fit must not dominate. */
    st = idr_arrhenius_fit(T, c == 0 ? tau : tau2, NULL, m, pr->T_power, &ar, err);
    if (st != IDR_OK) {
      idr_error_context(err, "computing the starting point of the global fit");
      goto out_free_buf;
    }
    double u_ref = pr->T_power * log(pr->T_ref) - ar.lnA + ar.Ea_eV / (IDR_KB_EV * pr->T_ref);
    gsl_vector_set(x, G_U(c), u_ref);
    gsl_vector_set(x, G_EA(c), ar.Ea_eV);
  }
out_free_buf:
  free(buf);
  return st;
}

/* Checks shared by both entry points; sets T_ref and S. */
static idr_status global_setup(const idr_transient_data *data, size_t m, int T_power,
                               global_problem *pr, size_t *n_points, const char *who,
                               idr_error *err) {
  if (!data) return idr_error_set(err, IDR_ERR_INPUT, "%s: NULL data", who);
  if (T_power < 0 || T_power > 2)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: T_power must be 0, 1 or 2 (got %d)", who,
                         T_power);
  if (m < 2)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: too few temperatures: need >= 2, got %zu", who,
                         m);
  size_t n = 0;
  double inv_T = 0.0, Tmin = HUGE_VAL, Tmax = -HUGE_VAL;
  pr->S = 0.0;
  for (size_t j = 0; j < m; j++) {
    double T = data[j].T_K;
    if (!isfinite(T) || T <= 0.0)
      return idr_error_set(err, IDR_ERR_INPUT, "%s: temperature %zu must be > 0 K (got %g)", who, j,
                           T);
    /* The per-temperature fit checks the points themselves. */
    if (!data[j].t_s || !data[j].C)
      return idr_error_set(err, IDR_ERR_INPUT, "%s: NULL arrays at temperature %zu", who, j);
    n += data[j].n;
    inv_T += 1.0 / T;
    Tmin = T < Tmin ? T : Tmin;
    Tmax = T > Tmax ? T : Tmax;
    for (size_t i = 0; i < data[j].n; i++)
      if (fabs(data[j].C[i]) > pr->S) pr->S = fabs(data[j].C[i]);
  }
  if (!(Tmax > Tmin))
    return idr_error_set(err, IDR_ERR_INPUT, "%s: all temperatures are equal (%g K)", who, Tmin);
  if (!isfinite(pr->S) || pr->S == 0.0)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: capacitances are zero or not finite", who);
  pr->d = data;
  pr->m = m;
  pr->T_power = T_power;
  pr->T_ref = (double)m / inv_T;
  *n_points = n;
  return IDR_OK;
}

/* Fill the results from the solution x and its covariance (components in
 * the order of the parameters; an absent amplitude reads dC = 0, error 0). */
static void global_results(const global_problem *pr, const gsl_vector *x, const gsl_matrix *cov,
                           const idr_an_nls_out *o, size_t n, size_t p, idr_global_fit *res,
                           idr_transient_fit *per_T) {
  double s2 = o->chi2 / (double)(n - p);
  double kTr = IDR_KB_EV * pr->T_ref;
#define COV(a, b) (s2 * gsl_matrix_get(cov, (a), (b)))
  for (size_t c = 0; c < pr->n_comp; c++) {
    double u = gsl_vector_get(x, G_U(c)), Ea = gsl_vector_get(x, G_EA(c));
    double vu = COV(G_U(c), G_U(c)), vE = COV(G_EA(c), G_EA(c)), cuE = COV(G_U(c), G_EA(c));
    idr_arrhenius *ar = &res->comp[c];
    ar->T_power = pr->T_power;
    ar->Ea_eV = Ea;
    ar->Ea_err_eV = sqrt(vE);
    ar->lnA = pr->T_power * log(pr->T_ref) - u + Ea / kTr;
    ar->lnA_err = idr_an_sqrt_var(vu + vE / (kTr * kTr) - 2.0 * cuE / kTr);
    ar->cov_lnA_Ea = -cuE + vE / kTr;
    ar->r2 = NAN;
    ar->chi2 = NAN;
    ar->dof = n - p;
  }
  res->chi2 = o->chi2;
  for (size_t j = 0; j < pr->m; j++)
    if (!pr->d[j].sigma) {
      res->chi2 = o->chi2 * pr->S * pr->S;
      break;
    }
  res->dof = n - p;
  res->n_iter = o->n_iter;
  res->converged = o->converged;
  for (size_t j = 0; per_T && j < pr->m; j++) {
    idr_transient_fit *r = &per_T[j];
    size_t b = pr->base[j];
    double T = pr->d[j].T_K, a = g_a(pr, T);
    memset(r, 0, sizeof *r);
    r->model = pr->n_comp == 2 ? IDR_TRANSIENT_TWO_EXP : IDR_TRANSIENT_EXP;
    r->n_comp = pr->n_comp;
    r->C_inf = pr->S * gsl_vector_get(x, b);
    r->C_inf_err = pr->S * sqrt(COV(b, b));
    for (size_t c = 0; c < pr->n_comp; c++) {
      double vu =
          COV(G_U(c), G_U(c)) + a * a * COV(G_EA(c), G_EA(c)) + 2.0 * a * COV(G_U(c), G_EA(c));
      r->tau_s[c] = exp(g_u(pr, x, c, T));
      r->tau_err_s[c] = r->tau_s[c] * idr_an_sqrt_var(vu);
      const long k = pr->amp[2 * j + c];
      r->dC[c] = k < 0 ? 0.0 : -pr->S * gsl_vector_get(x, (size_t)k);
      r->dC_err[c] = k < 0 ? 0.0 : pr->S * sqrt(COV((size_t)k, (size_t)k));
    }
    r->beta = 1.0;
    r->chi2 = NAN;
    r->dof = res->dof;
    r->n_iter = o->n_iter;
    r->converged = o->converged;
    r->select_p = NAN;
  }
#undef COV
}

/* The trust-region run from the start in x, then the results. */
static idr_status global_solve(const global_problem *pr, gsl_vector *x, size_t n, size_t p,
                               const idr_fit_options *opt, idr_global_fit *res,
                               idr_transient_fit *per_T, const char *who, idr_error *err) {
  if (n <= p)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: %zu points for %zu parameters", who, n, p);
  gsl_matrix *cov = gsl_matrix_alloc(p, p);
  if (!cov) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", who);
  gsl_multifit_nlinear_fdf fdf = {
      .f = global_f, .df = global_df, .fvv = NULL, .n = n, .p = p, .params = (void *)pr};
  idr_an_nls_out o;
  idr_status st = idr_an_nls_run(&fdf, x, opt, cov, &o, who, err);
  if (st == IDR_OK) global_results(pr, x, cov, &o, n, p, res, per_T);
  gsl_matrix_free(cov);
  return st;
}

/* Swap components 0 and 1 of the results. */
static void swap_components(idr_global_fit *res, idr_transient_fit *per_T, size_t m) {
  idr_arrhenius a = res->comp[0];
  res->comp[0] = res->comp[1];
  res->comp[1] = a;
  for (size_t j = 0; per_T && j < m; j++) {
    idr_transient_fit *r = &per_T[j];
    double v;
#define SWAP(f)                                                                                    \
  v = r->f[0];                                                                                     \
  r->f[0] = r->f[1];                                                                               \
  r->f[1] = v
    SWAP(tau_s);
    SWAP(tau_err_s);
    SWAP(dC);
    SWAP(dC_err);
#undef SWAP
  }
}

/* Where the global fit starts: per-temperature fits of model (law NULL),
 * or the given laws and per-temperature C_inf and dC. */
typedef struct global_start {
  idr_transient_model model;
  const idr_arrhenius *law;       /* [n_comp] or NULL */
  const idr_transient_fit *per_T; /* [m] with law */
  int sort;                       /* 1: components sorted by tau at T_ref */
} global_start;

static void start_from_laws(const global_problem *pr, const global_start *gs, gsl_vector *x) {
  for (size_t c = 0; c < pr->n_comp; c++) {
    const idr_arrhenius *l = &gs->law[c];
    double u_ref = pr->T_power * log(pr->T_ref) - l->lnA + l->Ea_eV / (IDR_KB_EV * pr->T_ref);
    gsl_vector_set(x, G_U(c), u_ref);
    gsl_vector_set(x, G_EA(c), l->Ea_eV);
  }
  for (size_t j = 0; j < pr->m; j++) {
    gsl_vector_set(x, pr->base[j], gs->per_T[j].C_inf / pr->S);
    for (size_t c = 0; c < pr->n_comp; c++)
      if (pr->amp[2 * j + c] >= 0)
        gsl_vector_set(x, (size_t)pr->amp[2 * j + c], -gs->per_T[j].dC[c] / pr->S);
  }
}

/* Both entry points: checks, layout, start, solve (and sort). */
static idr_status global_run(const idr_transient_data *data, size_t m, size_t n_comp, int T_power,
                             const idr_fit_options *opt, const unsigned char *present,
                             const global_start *gs, idr_global_fit *res, idr_transient_fit *per_T,
                             idr_error *err) {
  const char *who = "global Arrhenius fit";
  idr_fit_options def;
  if (!opt) {
    idr_fit_options_default(&def);
    opt = &def;
  }
  if (!res) return idr_error_set(err, IDR_ERR_INPUT, "%s: NULL result", who);
  memset(res, 0, sizeof *res);
  global_problem pr = {.n_comp = n_comp};
  size_t n = 0;
  idr_status st = global_setup(data, m, T_power, &pr, &n, who, err);
  if (st != IDR_OK) return st;
  res->model = n_comp == 2 ? IDR_TRANSIENT_TWO_EXP : IDR_TRANSIENT_EXP;
  res->n_comp = n_comp;
  res->T_ref_K = pr.T_ref;

  size_t *base = malloc(m * sizeof *base);
  long *amp = malloc(2 * m * sizeof *amp);
  gsl_vector *x = NULL;
  size_t p = 0;
  if (base && amp) {
    p = g_layout(m, n_comp, present, base, amp);
    x = gsl_vector_alloc(p);
  }
  if (!x) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", who);
    goto out_free;
  }
  pr.base = base;
  pr.amp = amp;
  if (gs->law)
    start_from_laws(&pr, gs, x);
  else
    st = global_guess(&pr, gs->model, opt, x, err);
  if (st == IDR_OK) st = global_solve(&pr, x, n, p, opt, res, per_T, who, err);
  /* components sorted by tau at T_ref: component 0 the faster */
  if (st == IDR_OK && gs->sort && n_comp == 2 &&
      gsl_vector_get(x, G_U(1)) < gsl_vector_get(x, G_U(0)))
    swap_components(res, per_T, m);

out_free:
  gsl_vector_free(x);
  free(amp);
  free(base);
  return st;
}

idr_status idr_global_fit_run(const idr_transient_data *data, size_t m, idr_transient_model model,
                              int T_power, const idr_fit_options *opt, idr_global_fit *res,
                              idr_transient_fit *per_T, idr_error *err) {
  if (model != IDR_TRANSIENT_EXP && model != IDR_TRANSIENT_TWO_EXP) {
    if (res) memset(res, 0, sizeof *res);
    return idr_error_set(err, IDR_ERR_UNSUPPORTED,
                         "global Arrhenius fit: only the single and two-component exponential "
                         "models are supported (got model %d)",
                         (int)model);
  }
  const global_start gs = {.model = model, .law = NULL, .per_T = NULL, .sort = 1};
  return global_run(data, m, model == IDR_TRANSIENT_TWO_EXP ? 2 : 1, T_power, opt, NULL, &gs, res,
                    per_T, err);
}

idr_status idr_an_global_fit_masked(const idr_transient_data *data, size_t m, size_t n_comp,
                                    int T_power, const idr_fit_options *opt,
                                    const idr_arrhenius *law, const idr_transient_fit *start,
                                    const unsigned char *present, idr_global_fit *res,
                                    idr_transient_fit *per_T, idr_error *err) {
  const global_start gs = {.model = IDR_TRANSIENT_EXP, .law = law, .per_T = start, .sort = 0};
  return global_run(data, m, n_comp, T_power, opt, present, &gs, res, per_T, err);
}

double idr_an_global_jac_error(const idr_transient_data *d, size_t m, size_t n_comp, int T_power,
                               const unsigned char *present, const double *x) {
  global_problem pr = {.n_comp = n_comp};
  size_t n = 0;
  idr_error e;
  idr_error_clear(&e);
  size_t *base = malloc(m * sizeof *base);
  long *amp = malloc(2 * m * sizeof *amp);
  double worst = NAN;
  if (base && amp && global_setup(d, m, T_power, &pr, &n, "jacobian check", &e) == IDR_OK) {
    size_t p = g_layout(m, n_comp, present, base, amp);
    pr.base = base;
    pr.amp = amp;
    gsl_vector_const_view xv = gsl_vector_const_view_array(x, p);
    gsl_multifit_nlinear_fdf fdf = {
        .f = global_f, .df = global_df, .fvv = NULL, .n = n, .p = p, .params = &pr};
    worst = idr_an_jac_error(&fdf, &xv.vector);
  }
  free(amp);
  free(base);
  return worst;
}

/*
 * iondrift analysis: thermal admittance spectroscopy (idr_analysis.h).
 *
 *   1. -dC/dln w on each curve (three-point derivative on the log grid);
 *   2. its maxima: the inflection frequencies w0 of the capacitance steps
 *      (parabolic vertex in ln w; maxima near a window end are not used);
 *   3. the maxima followed from the coldest temperature up as levels: a
 *      maximum continues a level when it lies within track_tol (in ln w) of
 *      the level's Arrhenius prediction (xi_nominal while the level has one
 *      point);
 *   4. per level, ln(w0/T^2) = ln(2 xi0) - E/kT by linear regression;
 *   5. every point of a curve is attributed to the level whose step it
 *      belongs to (between two levels: at the minimum of -dC/dln w), for
 *      Walter's tDOS and the step heights (tas_dos.c).
 * References: Walter et al., J. Appl. Phys. 80 (1996) 4411; Losee,
 * J. Appl. Phys. 46 (1975) 2204; docs/tas.md.
 */
#include "analysis_internal.h"
#include "tas_internal.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>

/* A point belongs to a level only within this distance of its inflection
 * [in ln w]: the Debye step's -dC/dln w = dC / (2 cosh^2(ln w/w0)) has
 * fallen to 2e-4 of its peak there. */
#define IDR_TAS_LEVEL_WINDOW 5.0
/* Tracks followed at most while levels are found. */
#define IDR_TAS_MAX_TRACKS 32
/* Fewest points of a curve. */
#define IDR_TAS_MIN_CURVE 5

void idr_tas_options_default(idr_tas_options *o) {
  memset(o, 0, sizeof *o);
  o->C_to_F_m2 = NAN;
  o->eps_r = NAN;
  o->V_bi_V = NAN;
  o->W_nm = NAN;
  o->N_A_cm3 = NAN;
  o->band_dos_cm3 = NAN;
  o->peak_min_rel = 0.01;
  o->edge_margin = 0.5;
  o->peak_prominence = 0.3;
  o->track_tol = 1.5;
  o->xi_nominal = 1e6;
  o->min_points = 3;
  o->smooth = 0;
}

void idr_tas_extraction_free(idr_tas_extraction *x) {
  if (!x) return;
  free(x->T_K);
  free(x->W_nm);
  free(x->off);
  free(x->f_Hz);
  free(x->C_F_m2);
  free(x->mwdC);
  free(x->level_of);
  free(x->E_w_eV);
  free(x->Nt_cm3_eV);
  memset(x, 0, sizeof *x);
}

static idr_status check_input(const idr_tas_curve *c, size_t m, const idr_tas_options *o,
                              idr_error *err) {
  const char *who = "TAS analysis";
  if (!c || !o) return idr_error_set(err, IDR_ERR_INPUT, "%s: NULL argument", who);
  if (m < 2 || m > IDR_TAS_MAX_T)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: need 2 to %d temperatures (got %zu)", who,
                         IDR_TAS_MAX_T, m);
  if (!(o->eps_r > 0) || !(o->C_to_F_m2 > 0))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s: eps_r and the capacitance scale (1/area) must be > 0 (got %g, %g)",
                         who, o->eps_r, o->C_to_F_m2);
  for (size_t j = 0; j < m; j++) {
    if (!(c[j].T_K > 0) || !isfinite(c[j].T_K))
      return idr_error_set(err, IDR_ERR_INPUT, "%s: temperature %zu must be > 0 K (got %g)", who, j,
                           c[j].T_K);
    if (c[j].n < IDR_TAS_MIN_CURVE || !c[j].f_Hz || !c[j].C)
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s: the curve at %g K needs at least %d frequencies (got %zu)", who,
                           c[j].T_K, IDR_TAS_MIN_CURVE, c[j].n);
    for (size_t i = 0; i < c[j].n; i++) {
      if (!isfinite(c[j].f_Hz[i]) || !(c[j].f_Hz[i] > 0) || !isfinite(c[j].C[i]))
        return idr_error_set(err, IDR_ERR_INPUT,
                             "%s: point %zu at %g K needs a finite f > 0 and a finite C (got f "
                             "= %g Hz, C = %g)",
                             who, i, c[j].T_K, c[j].f_Hz[i], c[j].C[i]);
      if (i > 0 && !(c[j].f_Hz[i] > c[j].f_Hz[i - 1]))
        return idr_error_set(err, IDR_ERR_INPUT,
                             "%s: frequencies at %g K must increase strictly (%g Hz after %g Hz)",
                             who, c[j].T_K, c[j].f_Hz[i], c[j].f_Hz[i - 1]);
    }
    for (size_t k = 0; k < j; k++)
      if (c[k].T_K == c[j].T_K)
        return idr_error_set(err, IDR_ERR_INPUT, "%s: temperature %g K is given twice", who,
                             c[j].T_K);
  }
  return IDR_OK;
}

/* -dC/du on one curve (u = ln w): the derivative of the parabola through
 * each point and its neighbours; one-sided at the ends. */
static void derivative(const double *u, const double *C, size_t n, double *y) {
  for (size_t i = 0; i < n; i++) {
    if (i == 0 || i == n - 1) {
      size_t a = i == 0 ? 0 : n - 2;
      y[i] = -(C[a + 1] - C[a]) / (u[a + 1] - u[a]);
      continue;
    }
    double hm = u[i] - u[i - 1], hp = u[i + 1] - u[i];
    y[i] = -(hm * hm * (C[i + 1] - C[i]) + hp * hp * (C[i] - C[i - 1])) / (hm * hp * (hm + hp));
  }
}

/* Copy curve j into x (C in F/m^2, optionally smoothed) with its derivative. */
static void fill_curve(const idr_tas_curve *c, const idr_tas_options *o, idr_tas_extraction *x,
                       size_t j, double *u) {
  const size_t a = x->off[j], n = c->n, h = o->smooth;
  for (size_t i = 0; i < n; i++) {
    x->f_Hz[a + i] = c->f_Hz[i];
    u[a + i] = log(2.0 * IDR_PI * c->f_Hz[i]);
    double s = 0.0;
    size_t lo = i >= h ? i - h : 0, hi = i + h < n ? i + h : n - 1;
    for (size_t k = lo; k <= hi; k++)
      s += c->C[k];
    x->C_F_m2[a + i] = o->C_to_F_m2 * s / (double)(hi - lo + 1);
  }
  derivative(u + a, x->C_F_m2 + a, n, x->mwdC + a);
}

/* The smaller of the drops of y from point i to the lowest point on each
 * side before y exceeds y[i] again (its topographic prominence). */
static double prominence(const double *y, size_t a, size_t b, size_t i) {
  double lo_l = y[i], lo_r = y[i];
  for (size_t k = i; k-- > a && y[k] <= y[i];)
    lo_l = fmin(lo_l, y[k]);
  for (size_t k = i + 1; k < b && y[k] <= y[i]; k++)
    lo_r = fmin(lo_r, y[k]);
  return y[i] - fmax(lo_l, lo_r);
}

/* Maxima of y on curve j (points a..b-1) into pk (u0, height); count. A
 * maximum counts when it stands out by prom x its height (the shoulders of
 * a band sampled by discrete levels do not). */
static size_t find_peaks(const double *u, const double *y, size_t a, size_t b, double floor_y,
                         double margin, double prom, tas_peak *pk, size_t cap) {
  size_t k = 0;
  for (size_t i = a + 1; i + 1 < b && k < cap; i++) {
    if (!(y[i] > y[i - 1] && y[i] >= y[i + 1] && y[i] > floor_y)) continue;
    if (prominence(y, a, b, i) < prom * y[i]) continue;
    /* vertex of the parabola through the three points */
    double u1 = u[i - 1], u2 = u[i], u3 = u[i + 1];
    double d1 = (y[i] - y[i - 1]) / (u2 - u1), d2 = (y[i + 1] - y[i]) / (u3 - u2);
    double c2 = (d2 - d1) / (u3 - u1);
    double v = c2 < 0.0 ? 0.5 * (u1 + u2) - d1 / (2.0 * c2) : u2;
    if (!(v >= u1 && v <= u3)) v = u2;
    if (v - u[a] < margin || u[b - 1] - v < margin) continue;
    pk[k].u0 = v;
    pk[k].y0 = y[i];
    pk[k].i = i;
    k++;
  }
  return k;
}

/* ln(w0/T^2) = b0 + b1 / T through a track's points (n >= 2). */
static int track_line(const tas_track *t, double *b0, double *b1) {
  double xs[IDR_TAS_MAX_T], ys[IDR_TAS_MAX_T], c00, c01, c11, ss;
  for (size_t i = 0; i < t->n; i++) {
    xs[i] = 1.0 / t->T[i];
    ys[i] = t->u0[i] - 2.0 * log(t->T[i]);
  }
  return gsl_fit_linear(xs, 1, ys, 1, t->n, b0, b1, &c00, &c01, &c11, &ss) == GSL_SUCCESS ? 0 : -1;
}

/* The track's predicted ln w0 at T. */
static double track_predict(const tas_track *t, double T, double xi_nominal) {
  double b0, b1;
  if (t->n >= 2 && track_line(t, &b0, &b1) == 0) return b0 + b1 / T + 2.0 * log(T);
  /* one point: its energy with the nominal prefactor */
  double T1 = t->T[0], kT1 = IDR_KB_EV * T1;
  double E = kT1 * (log(2.0 * xi_nominal * T1 * T1) - t->u0[0]);
  return log(2.0 * xi_nominal * T * T) - E / (IDR_KB_EV * T);
}

/* Follow the maxima of the curves from the coldest up into tracks. */
static size_t follow(const idr_tas_extraction *x, const double *u, const idr_tas_options *o,
                     tas_track *tr) {
  size_t order[IDR_TAS_MAX_T], nt = 0;
  for (size_t j = 0; j < x->m; j++)
    order[j] = j;
  for (size_t a = 1; a < x->m; a++) /* insertion sort by temperature */
    for (size_t b = a; b > 0 && x->T_K[order[b]] < x->T_K[order[b - 1]]; b--) {
      size_t t = order[b];
      order[b] = order[b - 1];
      order[b - 1] = t;
    }
  double ymax = 0.0;
  for (size_t i = 0; i < x->n; i++)
    ymax = fmax(ymax, x->mwdC[i]);
  for (size_t a = 0; a < x->m; a++) {
    size_t j = order[a];
    tas_peak pk[IDR_TAS_MAX_TRACKS];
    size_t np = find_peaks(u, x->mwdC, x->off[j], x->off[j + 1], o->peak_min_rel * ymax,
                           o->edge_margin, o->peak_prominence, pk, IDR_TAS_MAX_TRACKS);
    int used[IDR_TAS_MAX_TRACKS] = {0}, taken[IDR_TAS_MAX_TRACKS] = {0};
    /* greedy: the closest (track, peak) pair first */
    for (;;) {
      double best = o->track_tol;
      size_t bt = 0, bp = 0;
      int found = 0;
      for (size_t t = 0; t < nt; t++) {
        if (taken[t]) continue;
        double pred = track_predict(&tr[t], x->T_K[j], o->xi_nominal);
        for (size_t p = 0; p < np; p++)
          if (!used[p] && fabs(pk[p].u0 - pred) <= best) {
            best = fabs(pk[p].u0 - pred);
            bt = t;
            bp = p;
            found = 1;
          }
      }
      if (!found) break;
      taken[bt] = used[bp] = 1;
      tas_track_add(&tr[bt], x->T_K[j], j, &pk[bp]);
    }
    for (size_t p = 0; p < np && nt < IDR_TAS_MAX_TRACKS; p++)
      if (!used[p]) {
        memset(&tr[nt], 0, sizeof tr[nt]);
        tas_track_add(&tr[nt++], x->T_K[j], j, &pk[p]);
      }
  }
  return nt;
}

void tas_track_add(tas_track *t, double T, size_t curve, const tas_peak *p) {
  if (t->n >= IDR_TAS_MAX_T) return;
  t->T[t->n] = T;
  t->u0[t->n] = p->u0;
  t->curve[t->n] = curve;
  t->n++;
}

/* The level of a track: Arrhenius regression of its points. */
static idr_status level_of_track(const tas_track *t, idr_tas_level *L, idr_error *err) {
  double xs[IDR_TAS_MAX_T], ys[IDR_TAS_MAX_T], b0, b1, c00, c01, c11, ss;
  memset(L, 0, sizeof *L);
  for (size_t i = 0; i < t->n; i++) {
    xs[i] = 1.0 / t->T[i];
    ys[i] = t->u0[i] - 2.0 * log(t->T[i]);
    L->T_K[i] = t->T[i];
    L->w0[i] = exp(t->u0[i]);
    L->dC_rel[i] = NAN;
  }
  L->n_T = t->n;
  int rc = gsl_fit_linear(xs, 1, ys, 1, t->n, &b0, &b1, &c00, &c01, &c11, &ss);
  if (rc != GSL_SUCCESS)
    return idr_error_set(err, IDR_ERR_LINALG, "TAS Arrhenius: gsl_fit_linear failed: %s",
                         gsl_strerror(rc));
  double s2 = t->n > 2 ? ss / (double)(t->n - 2) : NAN, ym = 0.0, tss = 0.0;
  for (size_t i = 0; i < t->n; i++)
    ym += ys[i] / (double)t->n;
  for (size_t i = 0; i < t->n; i++)
    tss += (ys[i] - ym) * (ys[i] - ym);
  L->E_eV = -b1 * IDR_KB_EV;
  L->E_err_eV = sqrt(s2 * c11) * IDR_KB_EV;
  L->ln_xi = b0 - log(2.0);
  L->ln_xi_err = sqrt(s2 * c00);
  L->xi_s_K2 = exp(L->ln_xi);
  L->r2 = tss > 0.0 ? 1.0 - ss / tss : 1.0;
  L->N_cm3 = L->N_err_cm3 = L->lambda_nm = NAN;
  return IDR_OK;
}

/* ln w0 of level L at curve j: observed there, else its Arrhenius law. */
double tas_level_u0(const idr_tas_level *L, double T) {
  for (size_t i = 0; i < L->n_T; i++)
    if (L->T_K[i] == T) return log(L->w0[i]);
  return log(2.0 * L->xi_s_K2 * T * T) - L->E_eV / (IDR_KB_EV * T);
}

/* Attribute the points of curve j to the levels (level_of). */
static void attribute(idr_tas_extraction *x, const double *u, size_t j) {
  const size_t a = x->off[j], b = x->off[j + 1];
  size_t K = x->n_levels, ord[IDR_TAS_MAX_LEVELS];
  double u0[IDR_TAS_MAX_LEVELS] = {0}, lo[IDR_TAS_MAX_LEVELS] = {0}, hi[IDR_TAS_MAX_LEVELS] = {0};
  for (size_t k = 0; k < K; k++) {
    ord[k] = k;
    u0[k] = tas_level_u0(&x->levels[k], x->T_K[j]);
  }
  for (size_t p = 1; p < K; p++)
    for (size_t q = p; q > 0 && u0[ord[q]] < u0[ord[q - 1]]; q--) {
      size_t t = ord[q];
      ord[q] = ord[q - 1];
      ord[q - 1] = t;
    }
  /* boundaries between neighbours: the minimum of -dC/dln w between them */
  for (size_t p = 0; p < K; p++) {
    size_t k = ord[p];
    lo[k] = u0[k] - IDR_TAS_LEVEL_WINDOW;
    hi[k] = u0[k] + IDR_TAS_LEVEL_WINDOW;
  }
  for (size_t p = 0; p + 1 < K; p++) {
    size_t k = ord[p], l = ord[p + 1];
    double cut = 0.5 * (u0[k] + u0[l]), ymin = INFINITY;
    for (size_t i = a; i < b; i++)
      if (u[i] > u0[k] && u[i] < u0[l] && x->mwdC[i] < ymin) {
        ymin = x->mwdC[i];
        cut = u[i];
      }
    hi[k] = fmin(hi[k], cut);
    lo[l] = fmax(lo[l], cut);
  }
  for (size_t i = a; i < b; i++) {
    x->level_of[i] = -1;
    for (size_t k = 0; k < K; k++)
      if (u[i] >= lo[k] && u[i] < hi[k]) x->level_of[i] = (int)k;
  }
}

static idr_status alloc_points(idr_tas_extraction *x, const idr_tas_curve *c, size_t m,
                               idr_error *err) {
  memset(x, 0, sizeof *x);
  x->m = m;
  x->off = calloc(m + 1, sizeof *x->off);
  x->T_K = calloc(m, sizeof *x->T_K);
  x->W_nm = calloc(m, sizeof *x->W_nm);
  if (!x->off || !x->T_K || !x->W_nm) goto out_nomem;
  for (size_t j = 0; j < m; j++) {
    x->off[j + 1] = x->off[j] + c[j].n;
    x->T_K[j] = c[j].T_K;
  }
  size_t n = x->n = x->off[m];
  x->f_Hz = malloc(n * sizeof *x->f_Hz);
  x->C_F_m2 = malloc(n * sizeof *x->C_F_m2);
  x->mwdC = malloc(n * sizeof *x->mwdC);
  x->level_of = malloc(n * sizeof *x->level_of);
  x->E_w_eV = malloc(n * sizeof *x->E_w_eV);
  x->Nt_cm3_eV = malloc(n * sizeof *x->Nt_cm3_eV);
  if (x->f_Hz && x->C_F_m2 && x->mwdC && x->level_of && x->E_w_eV && x->Nt_cm3_eV) return IDR_OK;
out_nomem:
  idr_tas_extraction_free(x);
  return idr_error_set(err, IDR_ERR_NOMEM, "TAS analysis: out of memory");
}

/* Sort the levels by energy (insertion sort of small structs). */
static void sort_levels(idr_tas_extraction *x) {
  for (size_t a = 1; a < x->n_levels; a++)
    for (size_t b = a; b > 0 && x->levels[b].E_eV < x->levels[b - 1].E_eV; b--) {
      idr_tas_level t = x->levels[b];
      x->levels[b] = x->levels[b - 1];
      x->levels[b - 1] = t;
    }
}

idr_status idr_tas_extract(const idr_tas_curve *curves, size_t m, const idr_tas_options *o,
                           idr_tas_extraction *x, idr_error *err) {
  if (x) memset(x, 0, sizeof *x);
  if (!x) return idr_error_set(err, IDR_ERR_INPUT, "TAS analysis: NULL result");
  idr_status st = check_input(curves, m, o, err);
  if (st) return st;
  st = alloc_points(x, curves, m, err);
  if (st) return st;
  double *u = malloc(x->n * sizeof *u);
  tas_track *tr = calloc(IDR_TAS_MAX_TRACKS, sizeof *tr);
  if (!u || !tr) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "TAS analysis: out of memory");
    goto out_free;
  }
  const double eps = o->eps_r * IDR_EPS0;
  x->V_bi_V = o->V_bi_V;
  for (size_t j = 0; j < m; j++) {
    fill_curve(&curves[j], o, x, j, u);
    double Chf = x->C_F_m2[x->off[j + 1] - 1];
    x->W_nm[j] = isfinite(o->W_nm) ? o->W_nm : eps / Chf / IDR_NM_TO_M;
  }
  size_t nt = follow(x, u, o, tr);
  for (size_t t = 0; t < nt && x->n_levels < IDR_TAS_MAX_LEVELS; t++) {
    if (tr[t].n < o->min_points || tr[t].n < 2) continue;
    st = level_of_track(&tr[t], &x->levels[x->n_levels], err);
    if (st) goto out_free;
    x->n_levels++;
  }
  sort_levels(x);
  for (size_t j = 0; j < m; j++)
    attribute(x, u, j);
  st = tas_dos(x, u, o, err);
out_free:
  free(u);
  free(tr);
  if (st) idr_tas_extraction_free(x);
  return st;
}

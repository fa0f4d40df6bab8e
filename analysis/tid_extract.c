/*
 * TID extraction: the chain an experimenter applies to C(t, T), on simulated
 * and measured data alike.
 *   1. per-temperature fits (single, stretched, two opposite-sign
 *      exponentials, or auto: one or two as the data demand); a component
 *      is present at a temperature when the fit converged and its amplitude
 *      is above its noise (|dC| > 3 standard errors and > 1e-9 C_inf;
 *      otherwise it is absent there, not fitted), and its tau counts when
 *      it also lies inside the measured window [t_first * m, t_last / m]
 *      (m = 3 by default); a temperature is used when a component counts;
 *   1b. two components: matched across temperatures by the sign of dC (the
 *      model has opposite signs; a temperature where auto keeps one
 *      component gives it to the species of its sign), by tau order only
 *      for a forced two-component model whose fits share a sign; two
 *      species need two counted temperatures each, else the one that
 *      lacks them is absent and the temperatures are refitted with one
 *      component;
 *   2. Arrhenius regression of each species' counted taus, ln(T^n/tau) vs 1/T;
 *   3. a global fit over the used temperatures with tau_c(T) tied to one
 *      Arrhenius law per species, the amplitude of a species absent at a
 *      temperature fixed at 0 (single and two-component models) - the
 *      reported Ea; the species sorted by tau at the mean 1/T;
 *   4. N_ion = 2 N_A |dC| / C_inf per temperature (from the global fit's
 *      amplitudes), averaged; D0 and D(300 K) from the Arrhenius prefactor;
 *      for an intrinsic absorber (no N_A) N_ion D and the ionic conductivity
 *      from tau = R_ion C_s instead (docs/analysis.md, section 4b);
 *   5. the ion of each component from the sign of dC and the polarity;
 *   6. a species is reported only with finite numbers (else IDR_ERR_RANGE
 *      saying which; N_ion, D are NaN by design for an intrinsic absorber);
 *   7. two components whose Ea agree within IDR_TID_SAME_SIGMAS combined
 *      standard errors are one species (a non-exponential transient of one
 *      barrier), auto or forced two alike, reported with the numbers of its
 *      larger exponential; both exponentials stay in the fits and laws.
 * See docs/analysis.md.
 */
#include "analysis_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void idr_tid_extract_options_default(idr_tid_extract_options *o) {
  memset(o, 0, sizeof *o);
  o->power = 1;
  o->model = IDR_TRANSIENT_EXP;
  o->N_A_cm3 = NAN;
  o->N_A_err_cm3 = 0.0;
  o->eps_r = NAN;
  o->window_margin = 3.0;
  o->amplitude_sigmas = 3.0;
  o->amplitude_floor = 1e-9;
  o->polarity = IDR_POLARITY_UNKNOWN;
  o->thickness_nm = NAN;
  o->C_to_F_m2 = NAN;
  o->N_ion_cm3 = NAN;
}

idr_ion_sign idr_ion_from_dC(double dC, idr_tid_polarity p) {
  if (!(dC != 0.0) || p == IDR_POLARITY_UNKNOWN) return IDR_ION_UNKNOWN;
  int negative = dC < 0.0;
  if (p == IDR_POLARITY_NIP) negative = !negative;
  return negative ? IDR_ION_ANION : IDR_ION_CATION;
}

void idr_tid_extraction_free(idr_tid_extraction *x) {
  free(x->per_T);
  free(x->used);
  free(x->present);
  memset(x, 0, sizeof *x);
}

static int tau_in_window(const idr_transient_data *d, double tau, double m) {
  double t0 = d->t_s[0], t1 = d->t_s[d->n - 1];
  return isfinite(tau) && tau >= t0 * m && tau <= t1 / m;
}

/* Is component c above its noise: |dC| > sigmas * its standard error and
 * > floor * |C_inf|? (A NaN anywhere answers no.) Updates *rel_max, the
 * largest |dC| / |C_inf| seen. */
static int above_noise(const idr_transient_fit *f, size_t c, const idr_tid_extract_options *o,
                       double *rel_max) {
  const double a = fabs(f->dC[c]), rel = a / fabs(f->C_inf);
  if (rel > *rel_max) *rel_max = rel;
  return a > o->amplitude_sigmas * f->dC_err[c] && rel > o->amplitude_floor;
}

/* Finite or failed: a species is reported only with finite numbers (the
 * standard errors of a regression over exactly 2 temperatures are NaN: no
 * degrees of freedom; N_ion and D of an intrinsic absorber are NaN by
 * design: both documented). */
static idr_status check_species(const idr_tid_species *sp, size_t c, int intrinsic,
                                idr_error *err) {
  const double always[] = {sp->Ea_eV, sp->Ea_regression_eV, sp->dC_rel};
  const double doped[] = {sp->N_ion_cm3, sp->N_ion_err_cm3, sp->D0_cm2_s, sp->D300_cm2_s};
  int ok = 1;
  for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
    ok &= isfinite(always[i]) != 0;
  for (size_t i = 0; !intrinsic && i < sizeof doped / sizeof doped[0]; i++)
    ok &= isfinite(doped[i]) != 0;
  if (ok) return IDR_OK;
  return idr_error_set(err, IDR_ERR_RANGE,
                       "TID extraction: component %zu is not finite (Ea = %g eV, dC/C = %g, N_ion "
                       "= %g cm^-3, D0 = %g cm^2/s, D(300 K) = %g cm^2/s)",
                       c + 1, sp->Ea_eV, sp->dC_rel, sp->N_ion_cm3, sp->D0_cm2_s, sp->D300_cm2_s);
}

/* Work arrays of one extraction. */
typedef struct work {
  const idr_transient_data *curves;
  const idr_tid_extract_options *o;
  idr_fit_options fo;
  int *fit_ok;             /* [m] the per-temperature fit ran */
  unsigned char *counts;   /* [2m] present and tau in the window */
  idr_transient_data *sel; /* [m] the used curves */
  idr_transient_fit *gper; /* [m] the global fit per used temperature */
  unsigned char *sel_pres; /* [2m] present, over the used temperatures */
  double *T, *tau, *tau_e; /* [m] regression input */
  size_t n_noise;          /* temperatures with no component above the noise */
  double rel_max;          /* largest |dC|/C_inf seen */
} work;

/* Put the components of per-temperature fit f into the species slots: by
 * sign (slot 0 dC < 0, slot 1 dC > 0) or as fitted (tau order); an empty
 * slot is NAN. */
static void to_slots(idr_transient_fit *f, int by_sign) {
  idr_transient_fit g = *f;
  int slot[2] = {0, 1};
  if (by_sign && g.n_comp == 2 && g.dC[0] > 0.0) slot[0] = 1, slot[1] = 0;
  if (by_sign && g.n_comp == 1 && g.dC[0] > 0.0) slot[0] = 1;
  for (size_t c = 0; c < 2; c++)
    f->tau_s[c] = f->tau_err_s[c] = f->dC[c] = f->dC_err[c] = NAN;
  for (size_t c = 0; c < g.n_comp; c++) {
    f->tau_s[slot[c]] = g.tau_s[c];
    f->tau_err_s[slot[c]] = g.tau_err_s[c];
    f->dC[slot[c]] = g.dC[c];
    f->dC_err[slot[c]] = g.dC_err[c];
  }
  f->n_comp = 2;
}

/* Presence, window and use of every species at every temperature; the
 * count of counted temperatures per species in k[2]. */
static void classify(idr_tid_extraction *x, work *w, size_t nc, size_t k[2]) {
  k[0] = k[1] = 0;
  w->n_noise = 0;
  x->n_used = 0;
  for (size_t j = 0; j < x->m; j++) {
    const idr_transient_fit *f = &x->per_T[j];
    int any_present = 0;
    x->used[j] = 0;
    for (size_t c = 0; c < 2; c++) {
      unsigned char *p = &x->present[2 * j + c], *q = &w->counts[2 * j + c];
      *p = w->fit_ok[j] && f->converged && c < nc && above_noise(f, c, w->o, &w->rel_max);
      *q = *p && tau_in_window(&w->curves[j], f->tau_s[c], w->o->window_margin);
      any_present |= *p;
      x->used[j] |= *q;
      k[c] += *q;
    }
    if (w->fit_ok[j] && !any_present) w->n_noise++;
    x->n_used += (size_t)x->used[j];
  }
}

/* Steps 1 and 1b: the per-temperature fits, the number of species and their
 * slots. */
static void fit_temperatures(idr_tid_extraction *x, work *w) {
  const idr_tid_extract_options *o = w->o;
  for (size_t j = 0; j < x->m; j++) {
    idr_error e1;
    idr_error_clear(&e1);
    w->fit_ok[j] =
        idr_transient_fit_run(&w->curves[j], o->model, &w->fo, &x->per_T[j], &e1) == IDR_OK;
  }
  size_t nc = o->model == IDR_TRANSIENT_TWO_EXP ? 2 : 1, k[2];
  if (o->model == IDR_TRANSIENT_AUTO) {
    for (size_t j = 0; j < x->m; j++)
      if (w->fit_ok[j] && x->per_T[j].n_comp == 2) nc = 2;
  }
  x->by_sign = 1;
  for (size_t j = 0; nc == 2 && j < x->m; j++)
    if (w->fit_ok[j] && x->per_T[j].n_comp == 2 && !(x->per_T[j].dC[0] * x->per_T[j].dC[1] < 0))
      x->by_sign = 0;
  for (size_t j = 0; nc == 2 && j < x->m; j++)
    if (w->fit_ok[j]) to_slots(&x->per_T[j], x->by_sign);
  classify(x, w, nc, k);
  if (nc == 2 && (k[0] < 2 || k[1] < 2)) {
    /* one species only: the temperatures refitted with one component */
    nc = 1;
    for (size_t j = 0; j < x->m; j++) {
      idr_error e1;
      idr_error_clear(&e1);
      w->fit_ok[j] = idr_transient_fit_run(&w->curves[j], IDR_TRANSIENT_EXP, &w->fo, &x->per_T[j],
                                           &e1) == IDR_OK;
    }
    classify(x, w, nc, k);
  }
  x->n_species = x->n_components = (int)nc;
  if (o->model == IDR_TRANSIENT_AUTO)
    x->model = nc == 2 ? IDR_TRANSIENT_TWO_EXP : IDR_TRANSIENT_EXP;
  x->species[0].n_window = k[0];
  x->species[1].n_window = k[1];
}

/* Step 2: the Arrhenius regression of species c's counted taus. */
static idr_status regression(idr_tid_extraction *x, work *w, size_t c, idr_error *err) {
  size_t k = 0;
  for (size_t j = 0; j < x->m; j++) {
    if (!w->counts[2 * j + c]) continue;
    const idr_transient_fit *f = &x->per_T[j];
    w->T[k] = w->curves[j].T_K;
    w->tau[k] = f->tau_s[c];
    w->tau_e[k] = f->tau_err_s[c] > 0 ? f->tau_err_s[c] : 1e-3 * w->tau[k];
    k++;
  }
  if (k < 2)
    return idr_error_set(err, IDR_ERR_RANGE,
                         "TID extraction: component %zu has its time constant inside the "
                         "window and its amplitude above the noise at %zu temperature(s); "
                         "need 2",
                         c + 1, k);
  return idr_arrhenius_fit(w->T, w->tau, w->tau_e, k, x->power, &x->arrhenius[c], err);
}

/* Step 3: the global fit over the used temperatures (not for stretched). */
static void global_fit(idr_tid_extraction *x, work *w) {
  size_t nu = 0;
  for (size_t j = 0; j < x->m; j++) {
    if (!x->used[j]) continue;
    w->sel[nu] = w->curves[j];
    w->gper[nu] = x->per_T[j]; /* the start */
    for (size_t c = 0; c < 2; c++)
      w->sel_pres[2 * nu + c] = x->present[2 * j + c];
    nu++;
  }
  if (w->o->model == IDR_TRANSIENT_STRETCHED) return;
  idr_error e1;
  idr_error_clear(&e1);
  if (idr_an_global_fit_masked(w->sel, nu, (size_t)x->n_species, x->power, &w->fo, x->arrhenius,
                               w->gper, w->sel_pres, &x->global, w->gper, &e1) == IDR_OK &&
      x->global.converged)
    x->global_ok = 1;
}

/* Swap components 0 and 1 everywhere (the fits, the laws, the species). */
static void swap_species(idr_tid_extraction *x, work *w, size_t nu) {
  idr_arrhenius a = x->arrhenius[0];
  x->arrhenius[0] = x->arrhenius[1];
  x->arrhenius[1] = a;
  a = x->global.comp[0];
  x->global.comp[0] = x->global.comp[1];
  x->global.comp[1] = a;
  idr_tid_species s = x->species[0];
  x->species[0] = x->species[1];
  x->species[1] = s;
  for (size_t j = 0; j < x->m + nu; j++) {
    idr_transient_fit *f = j < x->m ? &x->per_T[j] : &w->gper[j - x->m];
    unsigned char *p = j < x->m ? &x->present[2 * j] : &w->sel_pres[2 * (j - x->m)];
    unsigned char t = p[0];
    p[0] = p[1];
    p[1] = t;
    double v;
#define SWAP(fld) (v = f->fld[0], f->fld[0] = f->fld[1], f->fld[1] = v)
    SWAP(tau_s);
    SWAP(tau_err_s);
    SWAP(dC);
    SWAP(dC_err);
#undef SWAP
  }
}

/* ln tau of a law at 1/T = mean of the used 1/T. */
static double ln_tau_mid(const idr_arrhenius *a, double T) {
  return a->T_power * log(T) - a->lnA + a->Ea_eV / (IDR_KB_EV * T);
}

static idr_status species_numbers(idr_tid_extraction *x, work *w, const idr_arrhenius *primary,
                                  idr_error *err) {
  const idr_tid_extract_options *o = w->o;
  const idr_transient_fit *g = x->global_ok ? w->gper : NULL;
  for (size_t c = 0; c < (size_t)x->n_species; c++) {
    idr_tid_species *sp = &x->species[c];
    sp->Ea_eV = primary[c].Ea_eV;
    sp->Ea_err_eV = primary[c].Ea_err_eV;
    sp->Ea_regression_eV = x->arrhenius[c].Ea_eV;
    sp->Ea_regression_err_eV = x->arrhenius[c].Ea_err_eV;
    idr_an_species_amplitudes(x, g, c, sp);
    /* an intrinsic absorber gives one sign for anions and cations alike */
    sp->sign = x->intrinsic ? IDR_ION_UNKNOWN : idr_ion_from_dC(sp->dC_sign, o->polarity);
    idr_status st = x->intrinsic ? idr_an_species_intrinsic(x, g, &primary[c], o, sp, err)
                                 : idr_an_species_doped(x, g, c, &primary[c], o, sp, err);
    if (!st) st = check_species(sp, c, x->intrinsic, err);
    if (st) return st;
  }
  if (x->n_species == 2) {
    const idr_tid_species *a = &x->species[0], *b = &x->species[1];
    x->same_barrier =
        fabs(a->Ea_eV - b->Ea_eV) <= IDR_TID_SAME_SIGMAS * hypot(a->Ea_err_eV, b->Ea_err_eV);
  }
  return IDR_OK;
}

/* Step 7: two components of one barrier are one species, its larger
 * exponential (by mean |dC|/C_inf) made component 0. */
static void merge_same_barrier(idr_tid_extraction *x, work *w) {
  if (x->n_components != 2 || !x->same_barrier) return;
  if (fabs(x->species[1].dC_rel) > fabs(x->species[0].dC_rel)) swap_species(x, w, x->n_used);
  x->n_species = 1;
  x->merged = 1;
}

static idr_status enough_temperatures(const idr_tid_extraction *x, const work *w, idr_error *err) {
  const idr_tid_extract_options *o = w->o;
  if (x->n_used >= 2) return IDR_OK;
  if (w->n_noise + 1 >= x->m)
    return idr_error_set(err, IDR_ERR_RANGE,
                         "TID extraction: no ionic signal above the noise: at %zu of %zu "
                         "temperatures a fitted amplitude |dC| is not above %g standard errors "
                         "or %g of C (largest |dC|/C %.3g)",
                         w->n_noise, x->m, o->amplitude_sigmas, o->amplitude_floor, w->rel_max);
  return idr_error_set(err, IDR_ERR_RANGE,
                       "TID extraction: fewer than 2 temperatures have a time constant inside "
                       "the measured window and a signal above the noise (%zu of %zu; %zu below "
                       "the noise); widen the window or the temperatures",
                       x->n_used, x->m, w->n_noise);
}

idr_status idr_tid_extract(const idr_transient_data *curves, size_t m,
                           const idr_tid_extract_options *o, idr_tid_extraction *x,
                           idr_error *err) {
  memset(x, 0, sizeof *x);
  if (m < 2) return idr_error_set(err, IDR_ERR_INPUT, "TID extraction: need >= 2 temperatures");
  if (!(o->eps_r > 0) || o->N_A_cm3 < 0)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "TID extraction: eps_r (> 0) is required and N_A must be >= 0 (0 or NAN: "
                         "an intrinsic absorber)");
  if ((int)o->model < 0 || o->model > IDR_TRANSIENT_AUTO)
    return idr_error_set(err, IDR_ERR_INPUT, "TID extraction: unknown model %d", (int)o->model);
  idr_status st = IDR_OK;
  work w = {.curves = curves, .o = o};
  idr_fit_options_default(&w.fo);
  x->power = o->power;
  x->model = x->model_requested = o->model;
  x->m = m;
  x->per_T = calloc(m, sizeof *x->per_T);
  x->used = calloc(m, sizeof *x->used);
  x->present = calloc(2 * m, sizeof *x->present);
  w.fit_ok = calloc(m, sizeof *w.fit_ok);
  w.counts = calloc(2 * m, sizeof *w.counts);
  w.sel = calloc(m, sizeof *w.sel);
  w.gper = calloc(m, sizeof *w.gper);
  w.sel_pres = calloc(2 * m, sizeof *w.sel_pres);
  w.T = calloc(3 * m, sizeof *w.T);
  if (!x->per_T || !x->used || !x->present || !w.fit_ok || !w.counts || !w.sel || !w.gper ||
      !w.sel_pres || !w.T) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "TID extraction: out of memory");
    goto out_free;
  }
  w.tau = w.T + m;
  w.tau_e = w.T + 2 * m;
  fit_temperatures(x, &w); /* 1, 1b */
  st = enough_temperatures(x, &w, err);
  for (size_t c = 0; !st && c < (size_t)x->n_species; c++)
    st = regression(x, &w, c, err); /* 2 */
  if (st) goto out_free;
  global_fit(x, &w); /* 3 */
  const idr_arrhenius *primary = x->global_ok ? x->global.comp : x->arrhenius;
  if (x->n_species == 2) {
    double inv = 0.0;
    for (size_t j = 0; j < m; j++)
      if (x->used[j]) inv += 1.0 / curves[j].T_K;
    const double T_mid = (double)x->n_used / inv;
    if (ln_tau_mid(&primary[1], T_mid) < ln_tau_mid(&primary[0], T_mid))
      swap_species(x, &w, x->n_used);
  }
  /* 4. per species: Ea, N_ion, D0, D300 (intrinsic: N_ion D, sigma); 5. the ion */
  x->intrinsic = !(o->N_A_cm3 > 0);
  x->polarity = o->polarity;
  x->C_s = NAN;
  st = species_numbers(x, &w, primary, err);
  if (!st) merge_same_barrier(x, &w); /* 7 */
out_free:
  free(w.fit_ok);
  free(w.counts);
  free(w.sel);
  free(w.gper);
  free(w.sel_pres);
  free(w.T);
  if (st) idr_tid_extraction_free(x);
  return st;
}

/*
 * TID extraction: the chain an experimenter applies to C(t, T), on simulated
 * and measured data alike.
 *   1. per-temperature fits (single, stretched or two opposite-sign
 *      exponentials); a temperature is used when every fitted tau lies
 *      inside the measured window [t_first * m, t_last / m] (m = 3 by
 *      default), the fit converged and every amplitude is above its noise
 *      (|dC| > 3 standard errors and > 1e-9 C_inf; otherwise the component
 *      is absent there, not fitted);
 *   2. Arrhenius regression of those taus, ln(T^n/tau) vs 1/T;
 *   3. a global fit over the used temperatures with tau(T) tied to the
 *      Arrhenius law (single and two-component models) - the reported Ea;
 *   4. N_ion = 2 N_A |dC| / C_inf per temperature (from the global fit's
 *      amplitudes), averaged; D0 and D(300 K) from the Arrhenius prefactor;
 *      for an intrinsic absorber (no N_A) N_ion D and the ionic conductivity
 *      from tau = R_ion C_s instead (docs/analysis.md, section 4b);
 *   5. the ion of each component from the sign of dC and the polarity;
 *   6. a species is reported only with finite numbers (else IDR_ERR_RANGE
 *      saying which; N_ion, D are NaN by design for an intrinsic absorber).
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
  memset(x, 0, sizeof *x);
}

static int tau_in_window(const idr_transient_data *d, const idr_transient_fit *f, double m) {
  double t0 = d->t_s[0], t1 = d->t_s[d->n - 1];
  for (size_t c = 0; c < f->n_comp; c++) {
    double tau = f->tau_s[c];
    if (!(isfinite(tau) && tau >= t0 * m && tau <= t1 / m)) return 0;
  }
  return f->converged;
}

/* Is every component above its noise: |dC| > sigmas * its standard error
 * and > floor * |C_inf|? (A NaN anywhere answers no.) Updates *rel_max, the
 * largest |dC| / |C_inf| seen. */
static int above_noise(const idr_transient_fit *f, const idr_tid_extract_options *o,
                       double *rel_max) {
  int ok = 1;
  for (size_t c = 0; c < f->n_comp; c++) {
    const double a = fabs(f->dC[c]), rel = a / fabs(f->C_inf);
    if (rel > *rel_max) *rel_max = rel;
    if (!(a > o->amplitude_sigmas * f->dC_err[c] && rel > o->amplitude_floor)) ok = 0;
  }
  return ok;
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

idr_status idr_tid_extract(const idr_transient_data *curves, size_t m,
                           const idr_tid_extract_options *o, idr_tid_extraction *x,
                           idr_error *err) {
  memset(x, 0, sizeof *x);
  if (m < 2) return idr_error_set(err, IDR_ERR_INPUT, "TID extraction: need >= 2 temperatures");
  if (!(o->eps_r > 0) || o->N_A_cm3 < 0)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "TID extraction: eps_r (> 0) is required and N_A must be >= 0 (0 or NAN: "
                         "an intrinsic absorber)");
  idr_status st = IDR_OK;
  idr_fit_options fo;
  idr_fit_options_default(&fo);
  x->power = o->power;
  x->model = o->model;
  x->m = m;
  x->per_T = calloc(m, sizeof *x->per_T);
  x->used = calloc(m, sizeof *x->used);
  idr_transient_data *sel = calloc(m, sizeof *sel);
  idr_transient_fit *gper = calloc(m, sizeof *gper);
  double *T = calloc(m, sizeof *T), *tau = calloc(m, sizeof *tau),
         *tau_e = calloc(m, sizeof *tau_e);
  if (!x->per_T || !x->used || !sel || !gper || !T || !tau || !tau_e) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "TID extraction: out of memory");
    goto out_free;
  }
  /* 1. per-temperature fits: used when in the window and above the noise */
  size_t nu = 0, n_noise = 0;
  double rel_max = 0.0;
  for (size_t j = 0; j < m; j++) {
    idr_error e1;
    idr_error_clear(&e1);
    if (idr_transient_fit_run(&curves[j], o->model, &fo, &x->per_T[j], &e1) != IDR_OK) continue;
    if (!above_noise(&x->per_T[j], o, &rel_max)) {
      n_noise++;
    } else if (tau_in_window(&curves[j], &x->per_T[j], o->window_margin)) {
      x->used[j] = 1;
      sel[nu++] = curves[j];
    }
  }
  x->n_used = nu;
  if (nu < 2 && n_noise + 1 >= m) {
    st = idr_error_set(err, IDR_ERR_RANGE,
                       "TID extraction: no ionic signal above the noise: at %zu of %zu "
                       "temperatures a fitted amplitude |dC| is not above %g standard errors or "
                       "%g of C (largest |dC|/C %.3g)",
                       n_noise, m, o->amplitude_sigmas, o->amplitude_floor, rel_max);
    goto out_free;
  }
  if (nu < 2) {
    st = idr_error_set(err, IDR_ERR_RANGE,
                       "TID extraction: fewer than 2 temperatures have a time constant inside "
                       "the measured window and a signal above the noise (%zu of %zu; %zu below "
                       "the noise); widen the window or the temperatures",
                       nu, m, n_noise);
    goto out_free;
  }
  size_t nc = x->per_T[0].n_comp;
  for (size_t j = 0; j < m; j++)
    if (x->used[j]) nc = x->per_T[j].n_comp;
  x->n_species = (int)nc;
  /* 2. Arrhenius regression of the per-temperature taus, per component */
  for (size_t c = 0; c < nc; c++) {
    size_t k = 0;
    for (size_t j = 0; j < m; j++) {
      if (!x->used[j]) continue;
      T[k] = curves[j].T_K;
      tau[k] = x->per_T[j].tau_s[c];
      tau_e[k] = x->per_T[j].tau_err_s[c] > 0 ? x->per_T[j].tau_err_s[c] : 1e-3 * tau[k];
      k++;
    }
    st = idr_arrhenius_fit(T, tau, tau_e, k, o->power, &x->arrhenius[c], err);
    if (st) goto out_free;
  }
  /* 3. global fit with tau(T) tied (single or two components) */
  const idr_arrhenius *primary = x->arrhenius;
  if (o->model != IDR_TRANSIENT_STRETCHED) {
    idr_error e1;
    idr_error_clear(&e1);
    if (idr_global_fit_run(sel, nu, o->model, o->power, &fo, &x->global, gper, &e1) == IDR_OK &&
        x->global.converged) {
      x->global_ok = 1;
      primary = x->global.comp;
    }
  }
  /* 4. per species: Ea, N_ion, D0, D300 (intrinsic: N_ion D, sigma); 5. the ion */
  x->intrinsic = !(o->N_A_cm3 > 0);
  x->polarity = o->polarity;
  x->C_s = NAN;
  for (size_t c = 0; c < nc; c++) {
    idr_tid_species *sp = &x->species[c];
    sp->Ea_eV = primary[c].Ea_eV;
    sp->Ea_err_eV = primary[c].Ea_err_eV;
    sp->Ea_regression_eV = x->arrhenius[c].Ea_eV;
    sp->Ea_regression_err_eV = x->arrhenius[c].Ea_err_eV;
    const idr_transient_fit *g = x->global_ok ? gper : NULL;
    idr_an_species_amplitudes(x, g, c, sp);
    /* an intrinsic absorber gives one sign for anions and cations alike */
    sp->sign = x->intrinsic ? IDR_ION_UNKNOWN : idr_ion_from_dC(sp->dC_sign, o->polarity);
    st = x->intrinsic ? idr_an_species_intrinsic(x, g, &primary[c], o, sp, err)
                      : idr_an_species_doped(x, g, c, &primary[c], o, sp, err);
    if (st) goto out_free;
    st = check_species(sp, c, x->intrinsic, err);
    if (st) goto out_free;
  }
out_free:
  free(sel);
  free(gper);
  free(T);
  free(tau);
  free(tau_e);
  if (st) idr_tid_extraction_free(x);
  return st;
}

/*
 * iondrift analysis: the per-species numbers of the TID extraction
 * (tid_extract.c, steps 4-5) from the fitted amplitudes and the Arrhenius law.
 *
 * Doped absorber (N_A given; ionic dielectric relaxation, Futscher et al.,
 * Mater. Horiz. 6 (2019) 1497):
 *   N_ion = 2 N_A |dC| / C_inf,  D(T) = kT eps / (q^2 N_A tau(T)).
 * Intrinsic absorber between doped transport layers (no N_A): the ions of
 * the absorber are its only mobile charge, its ionic resistance per area
 * R_ion = d kT / (q^2 N_ion D) charges the capacitance of the two contacts in
 * series, C_s (the transport layers' depletion and the ionic Debye layers),
 * and the capacitance at the probe frequency is C_inf = (d/eps + 1/C_s)^-1:
 *   tau = R_ion C_s   =>   N_ion D = kT d C_s / (q^2 tau),
 *   sigma_ion = q^2 N_ion D / kT = d C_s / tau,
 * the equivalent circuit of a mixed ionic-electronic conductor (Moia et al.,
 * Energy Environ. Sci. 12 (2019) 1296); with metallic contacts C_s is the
 * Debye-layer pair eps/(2 lambda_D) and tau the RC time lambda_D d/(2 D) of
 * Bazant, Thornton and Ajdari, Phys. Rev. E 70 (2004) 021506 (validation V05).
 * The transient sets the product N_ion D only: D needs an independent N_ion
 * (e.g. the low-frequency capacitance). docs/analysis.md, section 4b, holds
 * the derivation and the simulated check (validation V23).
 */
#include "analysis_internal.h"

#include <stdlib.h>

/* The fit of temperature j that steps 4-5 read: the global fit's when it
 * ran (gper holds the used temperatures in order), else the local one. */
static const idr_transient_fit *fit_of(const idr_tid_extraction *x, const idr_transient_fit *gper,
                                       size_t j, size_t k) {
  return gper ? &gper[k] : &x->per_T[j];
}

void idr_an_species_amplitudes(const idr_tid_extraction *x, const idr_transient_fit *gper, size_t c,
                               idr_tid_species *sp) {
  double sum = 0.0;
  int votes = 0;
  size_t k = 0, n = 0;
  for (size_t j = 0; j < x->m; j++) {
    if (!x->used[j]) continue;
    const idr_transient_fit *f = fit_of(x, gper, j, k++);
    if (!x->present[2 * j + c]) continue;
    sum += f->dC[c] / f->C_inf;
    votes += f->dC[c] < 0.0 ? -1 : 1;
    n++;
  }
  sp->n_present = n;
  sp->dC_rel = n ? sum / (double)n : NAN;
  sp->dC_sign = votes < 0 ? -1 : 1;
}

idr_status idr_an_species_doped(const idr_tid_extraction *x, const idr_transient_fit *gper,
                                size_t c, const idr_arrhenius *law,
                                const idr_tid_extract_options *o, idr_tid_species *sp,
                                idr_error *err) {
  double sum = 0, sum2 = 0, ferr2 = 0;
  size_t k = 0, kk = 0;
  for (size_t j = 0; j < x->m; j++) {
    if (!x->used[j]) continue;
    const idr_transient_fit *f = fit_of(x, gper, j, kk++);
    if (!x->present[2 * j + c]) continue;
    double Ni, Ni_e;
    idr_status st = idr_ion_density(f->dC[c], f->dC_err[c], f->C_inf, f->C_inf_err, o->N_A_cm3,
                                    o->N_A_err_cm3, &Ni, &Ni_e, err);
    if (st) return st;
    sum += Ni;
    sum2 += Ni * Ni;
    ferr2 += Ni_e * Ni_e;
    k++;
  }
  double mean = sum / (double)k;
  double var =
      k > 1 ? fmax(sum2 / (double)k - mean * mean, 0.0) * (double)k / (double)(k - 1) : 0.0;
  sp->N_ion_cm3 = mean;
  sp->N_ion_err_cm3 = sqrt(var / (double)k + ferr2 / ((double)k * (double)k));
  idr_ion_diffusion dif;
  idr_status st =
      idr_ion_diffusion_from_arrhenius(law, o->N_A_cm3, o->N_A_err_cm3, o->eps_r, &dif, err);
  if (st) return st;
  sp->D0_cm2_s = dif.D0_cm2_s;
  sp->D0_err_cm2_s = dif.D0_err_cm2_s;
  sp->D300_cm2_s = dif.D300_cm2_s;
  sp->D300_err_cm2_s = dif.D300_err_cm2_s;
  sp->ND300_cm1_s = sp->ND300_err_cm1_s = NAN;
  sp->sigma300_S_cm = sp->sigma300_err_S_cm = NAN;
  return IDR_OK;
}

/* Mean contact capacitance C_s [F/m^2] over the used temperatures, from
 * 1/C_s = 1/C_inf - d/eps; NAN when C_inf is at or above the geometric
 * capacitance (no series contact capacitance to charge). */
static double contact_capacitance(const idr_tid_extraction *x, const idr_transient_fit *gper,
                                  double d_m, double eps, double to_F_m2, double *spread) {
  double sum = 0.0, sum2 = 0.0;
  size_t k = 0, n = 0;
  for (size_t j = 0; j < x->m; j++) {
    if (!x->used[j]) continue;
    const double C = fit_of(x, gper, j, k++)->C_inf * to_F_m2;
    const double inv = 1.0 / C - d_m / eps;
    if (!(inv > 0.0)) return NAN;
    sum += 1.0 / inv;
    sum2 += 1.0 / (inv * inv);
    n++;
  }
  double mean = sum / (double)n;
  *spread = n > 1 ? sqrt(fmax(sum2 / (double)n - mean * mean, 0.0)) : 0.0;
  return mean;
}

idr_status idr_an_species_intrinsic(idr_tid_extraction *x, const idr_transient_fit *gper,
                                    const idr_arrhenius *law, const idr_tid_extract_options *o,
                                    idr_tid_species *sp, idr_error *err) {
  const double T0 = 300.0, eps = IDR_EPS0 * o->eps_r;
  sp->N_ion_cm3 = sp->N_ion_err_cm3 = NAN;
  sp->D0_cm2_s = sp->D0_err_cm2_s = sp->D300_cm2_s = sp->D300_err_cm2_s = NAN;
  sp->ND300_cm1_s = sp->ND300_err_cm1_s = NAN;
  sp->sigma300_S_cm = sp->sigma300_err_S_cm = NAN;
  const double d_m = o->thickness_nm * IDR_NM_TO_M;
  if (!(d_m > 0.0) || !(o->C_to_F_m2 > 0.0)) return IDR_OK;
  double spread = 0.0;
  const double Cs = contact_capacitance(x, gper, d_m, eps, o->C_to_F_m2, &spread);
  x->C_s = Cs;
  if (!isfinite(Cs)) return IDR_OK;
  double tau, tau_err;
  idr_status st = idr_arrhenius_tau(law, T0, &tau, &tau_err, err);
  if (st) return st;
  const double rel = sqrt(pow(tau_err / tau, 2) + pow(spread / Cs, 2));
  const double sigma = d_m * Cs / tau;                     /* [S/m] */
  const double ND = IDR_KB * T0 * sigma / (IDR_Q * IDR_Q); /* [m^-1 s^-1] */
  sp->sigma300_S_cm = sigma * IDR_CM_TO_M;
  sp->sigma300_err_S_cm = rel * sp->sigma300_S_cm;
  sp->ND300_cm1_s = ND * IDR_CM_TO_M;
  sp->ND300_err_cm1_s = rel * sp->ND300_cm1_s;
  if (o->N_ion_cm3 > 0.0) {
    sp->D300_cm2_s = sp->ND300_cm1_s / o->N_ion_cm3;
    sp->D300_err_cm2_s = rel * sp->D300_cm2_s;
    sp->D0_cm2_s = sp->D300_cm2_s * exp(sp->Ea_eV / (IDR_KB_EV * T0));
    sp->D0_err_cm2_s = sp->D0_cm2_s * sqrt(rel * rel + pow(sp->Ea_err_eV / (IDR_KB_EV * T0), 2));
  }
  return IDR_OK;
}

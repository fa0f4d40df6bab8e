/*
 * The TID extraction as a result group (docs/outputs.md, "extraction"), one
 * layout for the `tid` group of a run, for the samples of the reproduction
 * and for `iondrift extract -o`, so that one plot tool reads all three:
 * per-temperature fits (T, tau, tau_err, dC, dC_err, C_inf, beta, used), the
 * Arrhenius regression and the global law per component, and the species
 * with their labels. Written into a result set (io/resultset.c).
 */
#include "idr_protocols.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define OBJ_LEN 320

const char *idr_tid_model_name(idr_transient_model m) {
  return m == IDR_TRANSIENT_STRETCHED ? "stretched"
         : m == IDR_TRANSIENT_TWO_EXP ? "two"
         : m == IDR_TRANSIENT_AUTO    ? "auto"
                                      : "single";
}

const char *idr_tid_sign_name(idr_ion_sign s) {
  return s == IDR_ION_ANION ? "anion" : s == IDR_ION_CATION ? "cation" : "unassigned";
}

const char *idr_tid_polarity_name(idr_tid_polarity p) {
  return p == IDR_POLARITY_PIN ? "pin" : p == IDR_POLARITY_NIP ? "nip" : "unknown";
}

/* What was asked of the number of components: "auto", "2" or "1". */
static const char *components_name(idr_transient_model m) {
  return m == IDR_TRANSIENT_AUTO ? "auto" : m == IDR_TRANSIENT_TWO_EXP ? "2" : "1";
}

static idr_status attrs(idr_rset *rs, const char *g, const char *const *names, const double *v,
                        size_t n, idr_error *err) {
  idr_status st = idr_rset_group(rs, g, err);
  for (size_t i = 0; !st && i < n; i++)
    st = idr_rset_attr_double(rs, g, names[i], v[i], err);
  return st;
}

static idr_status write_law(idr_rset *rs, const char *g, const idr_arrhenius *a, idr_error *err) {
  static const char *const names[] = {"Ea_eV", "Ea_err_eV", "lnA", "lnA_err", "cov_lnA_Ea",
                                      "r2",    "chi2",      "dof", "power"};
  const double v[] = {a->Ea_eV, a->Ea_err_eV, a->lnA,         a->lnA_err,        a->cov_lnA_Ea,
                      a->r2,    a->chi2,      (double)a->dof, (double)a->T_power};
  return attrs(rs, g, names, v, sizeof v / sizeof v[0], err);
}

static idr_status write_species(idr_rset *rs, const char *g, const idr_tid_species *sp,
                                idr_error *err) {
  static const char *const names[] = {
      "Ea_eV",       "Ea_err_eV",       "Ea_regression_eV", "Ea_regression_err_eV",
      "N_ion_cm3",   "N_ion_err_cm3",   "D0_cm2_s",         "D0_err_cm2_s",
      "D300_cm2_s",  "D300_err_cm2_s",  "dC_sign",          "dC_rel",
      "ND300_cm1_s", "ND300_err_cm1_s", "sigma300_S_cm",    "sigma300_err_S_cm",
      "n_present",   "n_window"};
  const double v[] = {sp->Ea_eV,
                      sp->Ea_err_eV,
                      sp->Ea_regression_eV,
                      sp->Ea_regression_err_eV,
                      sp->N_ion_cm3,
                      sp->N_ion_err_cm3,
                      sp->D0_cm2_s,
                      sp->D0_err_cm2_s,
                      sp->D300_cm2_s,
                      sp->D300_err_cm2_s,
                      (double)sp->dC_sign,
                      sp->dC_rel,
                      sp->ND300_cm1_s,
                      sp->ND300_err_cm1_s,
                      sp->sigma300_S_cm,
                      sp->sigma300_err_S_cm,
                      (double)sp->n_present,
                      (double)sp->n_window};
  idr_status st = attrs(rs, g, names, v, sizeof v / sizeof v[0], err);
  if (!st) st = idr_rset_attr_string(rs, g, "sign", idr_tid_sign_name(sp->sign), err);
  return st;
}

/* The per-temperature table: (m) and (m, 2) datasets, NaN where a
 * component does not exist. */
static idr_status write_per_T(idr_rset *rs, const char *g, const idr_tid_extraction *x,
                              const double *T, const char *C_units, idr_error *err) {
  const size_t m = x->m;
  double *buf = malloc((10 * m + 1) * sizeof *buf);
  if (!buf) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  double *tau = buf, *tau_e = buf + 2 * m, *dC = buf + 4 * m, *dC_e = buf + 6 * m;
  double *Cinf = buf + 8 * m, *beta = buf + 9 * m;
  double *pres = malloc(2 * m * sizeof *pres);
  if (!pres) {
    free(buf);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  for (size_t j = 0; j < m; j++) {
    const idr_transient_fit *f = &x->per_T[j];
    Cinf[j] = f->C_inf;
    beta[j] = f->beta;
    for (size_t c = 0; c < 2; c++) {
      const int have = c < f->n_comp;
      tau[2 * j + c] = have ? f->tau_s[c] : NAN;
      tau_e[2 * j + c] = have ? f->tau_err_s[c] : NAN;
      dC[2 * j + c] = have ? f->dC[c] : NAN;
      dC_e[2 * j + c] = have ? f->dC_err[c] : NAN;
      pres[2 * j + c] = x->present ? (double)x->present[2 * j + c] : 0.0;
    }
  }
  char p[OBJ_LEN];
#define AT(rel) (snprintf(p, sizeof p, "%s/%s", g, rel), p)
  idr_status st = idr_rset_put_double(rs, AT("T"), T, m, "K", err);
  if (!st) st = idr_rset_put_int(rs, AT("used"), x->used, m, "-", err);
  if (!st) st = idr_rset_put_double_2d(rs, AT("tau"), tau, m, 2, "s", err);
  if (!st) st = idr_rset_put_double_2d(rs, AT("tau_err"), tau_e, m, 2, "s", err);
  if (!st) st = idr_rset_put_double_2d(rs, AT("dC"), dC, m, 2, C_units, err);
  if (!st) st = idr_rset_put_double_2d(rs, AT("dC_err"), dC_e, m, 2, C_units, err);
  if (!st) st = idr_rset_put_double(rs, AT("C_inf"), Cinf, m, C_units, err);
  if (!st) st = idr_rset_put_double(rs, AT("beta"), beta, m, "-", err);
  if (!st) st = idr_rset_put_double_2d(rs, AT("present"), pres, m, 2, "-", err);
#undef AT
  free(pres);
  free(buf);
  return st;
}

idr_status idr_tid_write_extraction(idr_rset *rs, const char *g, const idr_tid_extraction *x,
                                    const idr_tid_extraction_info *in, idr_error *err) {
  char p[OBJ_LEN];
  static const char *const names[] = {"power",      "N_A_cm3",      "N_A_err_cm3",  "eps_r",
                                      "global_fit", "intrinsic",    "C_s_F_m2",     "n_species",
                                      "by_sign",    "same_barrier", "n_components", "merged"};
  const double v[] = {(double)x->power,
                      in->N_A_cm3,
                      in->N_A_err_cm3,
                      in->eps_r,
                      (double)x->global_ok,
                      (double)x->intrinsic,
                      x->C_s,
                      (double)x->n_species,
                      (double)x->by_sign,
                      (double)x->same_barrier,
                      (double)x->n_components,
                      (double)x->merged};
  idr_status st = attrs(rs, g, names, v, sizeof v / sizeof v[0], err);
  if (!st) st = idr_rset_attr_string(rs, g, "model", idr_tid_model_name(x->model), err);
  if (!st) st = idr_rset_attr_string(rs, g, "components", components_name(x->model_requested), err);
  if (!st) st = idr_rset_attr_string(rs, g, "polarity", idr_tid_polarity_name(x->polarity), err);
  if (!st) st = idr_rset_attr_string(rs, g, "dC_convention", "C_inf - C(t=0)", err);
  if (!st && x->ND_note[0]) st = idr_rset_attr_string(rs, g, "ND_note", x->ND_note, err);
  if (!st) st = write_per_T(rs, g, x, in->T, in->C_units, err);
  for (int c = 0; !st && c < x->n_components; c++) {
    snprintf(p, sizeof p, "%s/arrhenius_%d", g, c);
    st = write_law(rs, p, &x->arrhenius[c], err);
    if (!st && x->global_ok) {
      snprintf(p, sizeof p, "%s/global_%d", g, c);
      st = write_law(rs, p, &x->global.comp[c], err);
    }
    /* merged: species_0 the one species, exponential_1 its second exponential */
    snprintf(p, sizeof p, "%s/%s_%d", g, c < x->n_species ? "species" : "exponential", c);
    if (!st) st = write_species(rs, p, &x->species[c], err);
  }
  return st;
}

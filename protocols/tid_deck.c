/*
 * The TID protocol at the level of a deck: the scan on the deck's own mesh
 * and solver settings, and the experimenters' extraction (analysis/) with
 * the absorber's net doping and permittivity, the deck's Arrhenius power and
 * transient model, and the polarity read from the stack (a p-type absorber:
 * pin, n-type: nip; an intrinsic one: the ionic-conductivity picture with
 * its thickness). One path for `iondrift reproduce`, the validation cases
 * and the bench, which need every temperature: a temperature that fails
 * fails idr_run_tid_deck (idr_run_tid, which `iondrift run` calls, keeps the
 * others).
 */
#include "idr_protocols.h"

#include <math.h>
#include <stdlib.h>

int idr_tid_absorber_layer(const idr_deck *d) {
  if (d->n_ions > 0)
    for (int l = 0; l < d->n_layers; l++)
      if ((d->ions[0].layer_mask >> l) & 1u) return l;
  int thick = 0;
  for (int l = 1; l < d->n_layers; l++)
    if (d->layers[l].thickness_nm > d->layers[thick].thickness_nm) thick = l;
  return thick;
}

idr_tid_polarity idr_tid_polarity_of(const idr_deck *d) {
  const idr_layer *ly = &d->layers[idr_tid_absorber_layer(d)];
  if (ly->N_A_cm3 > ly->N_D_cm3) return IDR_POLARITY_PIN;
  if (ly->N_D_cm3 > ly->N_A_cm3) return IDR_POLARITY_NIP;
  return IDR_POLARITY_UNKNOWN;
}

idr_status idr_tid_extract_deck(const idr_deck *d, const idr_tid_result *tr, idr_tid_extraction *x,
                                idr_error *err) {
  int l = idr_tid_absorber_layer(d);
  const idr_layer *ly = &d->layers[l];
  idr_tid_extract_options o;
  idr_tid_extract_options_default(&o);
  const idr_tid_spec *P = idr_tid_spec_of(d);
  if (P) {
    o.power = P->power;
    o.model = (idr_transient_model)P->fit_model;
  }
  o.N_A_cm3 = fabs(ly->N_A_cm3 - ly->N_D_cm3);
  o.eps_r = ly->mat.eps_r;
  o.polarity = idr_tid_polarity_of(d);
  o.thickness_nm = ly->thickness_nm;
  o.C_to_F_m2 = 1.0; /* the scan's C is per area */
  idr_transient_data *cd = calloc((size_t)tr->n_T, sizeof *cd);
  if (!cd) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (int j = 0; j < tr->n_T; j++) {
    cd[j].T_K = tr->curves[j].T_K;
    cd[j].n = (size_t)tr->curves[j].n;
    cd[j].t_s = tr->curves[j].t;
    cd[j].C = tr->curves[j].C;
    cd[j].sigma = NULL;
  }
  idr_status st = idr_tid_extract(cd, (size_t)tr->n_T, &o, x, err);
  if (st)
    idr_error_context(err, "extracting ion parameters (absorber '%s', N_A = %g cm^-3, eps_r = %g)",
                      ly->name, o.N_A_cm3, o.eps_r);
  free(cd);
  return st;
}

idr_status idr_cv_mott_schottky_deck(const idr_deck *d, const idr_cv_result *cv,
                                     idr_mott_schottky *ms, idr_error *err) {
  idr_mott_schottky_options o;
  idr_mott_schottky_options_default(&o);
  o.eps_r = d->layers[idr_tid_absorber_layer(d)].mat.eps_r;
  o.area_cm2 = 1.0 / IDR_CM2_TO_M2; /* C is per m^2: the C of 1 m^2 */
  o.T_K = d->temperature_K;
  int reverse = 0;
  for (int i = 0; i < cv->n; i++)
    reverse += cv->V[i] <= IDR_CV_MS_V_ZERO;
  if (reverse >= IDR_CV_MS_MIN_POINTS) o.V_hi = IDR_CV_MS_V_ZERO;
  return idr_mott_schottky_fit(cv->V, cv->C, (size_t)cv->n, &o, ms, err);
}

idr_status idr_run_tid_deck(const idr_deck *d, idr_tid_result *res, idr_error *err) {
  idr_mesh *m = NULL;
  idr_sim_opts so = idr_sim_opts_from_deck(d);
  idr_status st = idr_mesh_build(d, &m, err);
  if (!st) st = idr_run_tid(d, m, &so, 0, NULL, NULL, res, err);
  idr_mesh_free(&m);
  if (!st && res->n_failed > 0) {
    const idr_tid_failure *f = &res->failed[0];
    st = idr_error_set(err, f->status, "%s", f->msg);
    idr_error_context(err, "the TID scan at T = %g K (%d of %d temperatures failed)", f->T_K,
                      res->n_failed, res->n_failed + res->n_T);
    idr_tid_result_free(res);
  }
  return st;
}

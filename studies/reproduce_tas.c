/*
 * iondrift studies: the TAS panel of the reproduction of Xiang et al., J.
 * Mater. Chem. A 2026 (Fig. 3c, d): per sample, the TAS deck
 * (examples/xiang2026_tas.yaml: the TID device with the trap bands II and
 * III, band II bound to the halide species) with the sample's composition ->
 * the C-f-T map -> the analysis an experimenter applies (Walter's tDOS,
 * Gaussian bands) -> the apparent densities of bands II and III beside the
 * deck's. The bands are told apart by their energy: the fitted band nearest
 * to each true level's depth (from Ec for an electron trap, else from Ev)
 * within REPRO_TAS_MATCH_EV.
 */
#include "reproduce_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A fitted band is the true level's when its centre lies this close [eV]. */
#define REPRO_TAS_MATCH_EV 0.1

/* The true level of trap `name` (tas/true/NAME): the depth the analysis
 * reads, from the band it exchanges carriers with (Ec for an electron trap,
 * c_p = 0, else Ev) [eV], and its density [cm^-3]. */
static int truth(const idr_result *r, const char *name, double *E, double *N) {
  char g[64];
  double cp = NAN, Ev = NAN, Ec = NAN;
  snprintf(g, sizeof g, "tas/true/%s", name);
  *N = NAN;
  int ok = idr_result_attr_double(r, g, "E_from_Ev_eV", &Ev, NULL) == IDR_OK &&
           idr_result_attr_double(r, g, "E_from_Ec_eV", &Ec, NULL) == IDR_OK &&
           idr_result_attr_double(r, g, "c_p_cm3_s", &cp, NULL) == IDR_OK &&
           idr_result_attr_double(r, g, "density_cm3", N, NULL) == IDR_OK;
  *E = cp == 0.0 ? Ec : Ev;
  return ok;
}

/* The fitted band nearest to E_true [eV] within the match window. */
static void nearest_band(const idr_result *r, double E_true, double *E, double *N, double *N_err) {
  double n_bands = 0.0, best = REPRO_TAS_MATCH_EV;
  *E = *N = *N_err = NAN;
  if (idr_result_attr_double(r, "tas/extraction", "n_bands", &n_bands, NULL) != IDR_OK) return;
  for (int k = 0; k < (int)n_bands; k++) {
    char g[64];
    double Eb = NAN;
    snprintf(g, sizeof g, "tas/extraction/band_%d", k);
    if (idr_result_attr_double(r, g, "E_eV", &Eb, NULL) != IDR_OK || !(fabs(Eb - E_true) < best))
      continue;
    best = fabs(Eb - E_true);
    *E = Eb;
    idr_result_attr_double(r, g, "N_cm3", N, NULL);
    idr_result_attr_double(r, g, "N_err_cm3", N_err, NULL);
  }
}

idr_status idr_repro_tas_run(const idr_study *s, int threads, idr_result **out,
                             idr_repro_tas_row *row, idr_error *err) {
  const char *const names[2] = {"II", "III"};
  idr_status st = idr_study_run(s, threads, NULL, NULL, out, err);
  if (st) return idr_error_context(err, "the TAS scan");
  for (int b = 0; b < 2; b++) {
    double E_true, N_true;
    if (!truth(*out, names[b], &E_true, &N_true)) {
      idr_result_free(out);
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s: the TAS deck must have traps named II and III (tas/true/%s)",
                           idr_study_name(s), names[b]);
    }
    row->N_true[b] = N_true;
    row->E_true[b] = E_true;
    nearest_band(*out, E_true, &row->E[b], &row->N[b], &row->N_err[b]);
  }
  return IDR_OK;
}

idr_status idr_repro_tas_check_base(const idr_study *s, int absorber, idr_error *err) {
  char p[64], fam[128];
  snprintf(p, sizeof p, "layers[%d].composition_ref.family", absorber);
  if (strcmp(idr_study_protocol(s), "tas") != 0 ||
      idr_study_get_string(s, p, fam, sizeof fam, NULL) != IDR_OK)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s: the TAS deck must have protocol.type tas and a composition "
                         "absorber at layers[%d] (as the TID deck)",
                         idr_study_name(s), absorber);
  return IDR_OK;
}

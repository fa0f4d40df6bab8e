/*
 * iondrift app: the TID protocol end to end — the temperature scan
 * (protocols/), the extraction an experimenter would apply (analysis/), the
 * HDF5 group `tid` with the transients, the extraction and the true input
 * parameters side by side, the long-format CSV, and the summary table.
 */
#include "app.h"
#include "app_extraction.h"

#include "idr_analysis.h"
#include "idr_io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define M2_PER_CM2 1e-4
#define OBJ_LEN 256

/* path under the group g */
static const char *sub(char *buf, const char *g, const char *rel) {
  snprintf(buf, OBJ_LEN, "%s/%s", g, rel);
  return buf;
}

idr_status idr_app_write_tid(idr_h5 *h, const char *g, const idr_deck *d, const idr_tid_result *tr,
                             const idr_tid_extraction *x, const char *x_error, idr_error *err) {
  char p1[OBJ_LEN];
  const int nT = tr->n_T, ns = tr->curves[0].n, ni = d->n_ions;
  size_t nn = (size_t)nT * (size_t)ns;
  double *T = calloc((size_t)nT, sizeof *T), *Ceq = calloc((size_t)nT, sizeof *Ceq);
  double *wall = calloc((size_t)nT, sizeof *wall), *C = calloc(nn, sizeof *C);
  double *G = calloc(nn, sizeof *G);
  double *drift = calloc((size_t)nT * (size_t)(ni > 0 ? ni : 1), sizeof *drift);
  int *steps = calloc((size_t)nT, sizeof *steps);
  idr_status st = IDR_OK;
  if (!T || !Ceq || !wall || !C || !G || !drift || !steps) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    goto out_free;
  }
  for (int j = 0; j < nT; j++) {
    const idr_tid_curve *cv = &tr->curves[j];
    T[j] = cv->T_K;
    Ceq[j] = cv->C_eq;
    wall[j] = cv->wall_s;
    steps[j] = (int)cv->stats.steps;
    memcpy(C + (size_t)j * ns, cv->C, (size_t)ns * sizeof *C);
    memcpy(G + (size_t)j * ns, cv->G, (size_t)ns * sizeof *G);
    for (int k = 0; k < ni; k++)
      drift[(size_t)j * ni + k] = cv->ion_drift_max[k];
  }
  const idr_protocol_spec *P = &d->protocol;
  st = idr_h5_write_double_1d(h, sub(p1, g, "T"), T, (size_t)nT, "K", err);
  if (!st) st = idr_h5_write_double_1d(h, sub(p1, g, "t"), tr->curves[0].t, (size_t)ns, "s", err);
  if (!st) st = idr_h5_write_double_2d(h, sub(p1, g, "C"), C, (size_t)nT, (size_t)ns, "F/m^2", err);
  if (!st) st = idr_h5_write_double_2d(h, sub(p1, g, "G"), G, (size_t)nT, (size_t)ns, "S/m^2", err);
  if (!st) st = idr_h5_write_double_1d(h, sub(p1, g, "C_eq"), Ceq, (size_t)nT, "F/m^2", err);
  if (!st) st = idr_h5_write_double_1d(h, sub(p1, g, "wall_time"), wall, (size_t)nT, "s", err);
  if (!st) st = idr_h5_write_int_1d(h, sub(p1, g, "steps"), steps, (size_t)nT, "-", err);
  if (!st && ni > 0)
    st = idr_h5_write_double_2d(h, sub(p1, g, "ion_drift_max"), drift, (size_t)nT, (size_t)ni, "-",
                                err);
  struct {
    const char *name;
    double v;
  } at[] = {{"f_Hz", P->f_Hz},
            {"fill_V_V", P->fill_V_V},
            {"fill_duration_s", P->fill_duration_s},
            {"rest_V_V", P->rest_V_V},
            {"light_suns", P->light_suns},
            {"threads", (double)tr->threads},
            {"scan_wall_time_s", tr->wall_s}};
  for (size_t i = 0; !st && i < sizeof at / sizeof at[0]; i++)
    st = idr_h5_set_attr_double(h, g, at[i].name, at[i].v, err);
  /* the true input parameters, beside the extraction */
  for (int k = 0; !st && k < ni; k++) {
    char gt[OBJ_LEN];
    const idr_ion_species *s = &d->ions[k];
    snprintf(gt, sizeof gt, "%s/true/%s", g, s->name);
    st = idr_h5_create_group(h, gt, err);
    if (!st) st = idr_h5_set_attr_string(h, gt, "sign", s->z < 0 ? "anion" : "cation", err);
    if (!st) st = idr_h5_set_attr_double(h, gt, "Ea_eV", s->Ea_eV, err);
    if (!st) st = idr_h5_set_attr_double(h, gt, "N_ion_cm3", s->density_cm3, err);
    if (!st) st = idr_h5_set_attr_double(h, gt, "D0_cm2_s", s->D0_cm2_s, err);
    if (!st)
      st = idr_h5_set_attr_double(h, gt, "D300_cm2_s",
                                  s->D0_cm2_s * exp(-s->Ea_eV / (IDR_KB_EV * 300.0)), err);
  }
  if (!st && x_error && x_error[0])
    st = idr_h5_set_attr_string(h, g, "extraction_error", x_error, err);
  /* the absorber the extraction reads (also for `iondrift extract` of this file) */
  const idr_layer *ly = &d->layers[idr_tid_absorber_layer(d)];
  const double N_A = fabs(ly->N_A_cm3 - ly->N_D_cm3);
  struct {
    const char *name;
    double v;
  } ab[] = {{"absorber_N_A_cm3", N_A},
            {"absorber_eps_r", ly->mat.eps_r},
            {"absorber_thickness_nm", ly->thickness_nm}};
  for (size_t i = 0; !st && i < sizeof ab / sizeof ab[0]; i++)
    st = idr_h5_set_attr_double(h, g, ab[i].name, ab[i].v, err);
  if (!st)
    st = idr_h5_set_attr_string(h, g, "polarity", idr_app_polarity_name(idr_tid_polarity_of(d)),
                                err);
  if (!st && x) {
    idr_app_extraction_info in = {T, "F/m^2", N_A > 0 ? N_A : NAN, 0.0, ly->mat.eps_r};
    st = idr_app_write_extraction(h, sub(p1, g, "extraction"), x, &in, err);
  }
out_free:
  free(T);
  free(Ceq);
  free(wall);
  free(C);
  free(G);
  free(drift);
  free(steps);
  return st;
}

idr_status idr_app_write_tid_csv(const idr_tid_result *tr, const char *path, idr_error *err) {
  const int nT = tr->n_T, ns = tr->curves[0].n;
  size_t nn = (size_t)nT * (size_t)ns;
  double *T = malloc(nn * sizeof *T), *t = malloc(nn * sizeof *t), *C = malloc(nn * sizeof *C);
  double *Cm = malloc(nn * sizeof *Cm);
  if (!T || !t || !C || !Cm) {
    free(T);
    free(t);
    free(C);
    free(Cm);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  for (int j = 0; j < nT; j++)
    for (int k = 0; k < ns; k++) {
      size_t q = (size_t)j * ns + k;
      T[q] = tr->curves[j].T_K;
      t[q] = tr->curves[j].t[k];
      Cm[q] = tr->curves[j].C[k];
      C[q] = Cm[q] * M2_PER_CM2;
    }
  static const char *const names[] = {"temperature_K", "time_s", "capacitance_F", "C_F_m2"};
  const double *const cols[] = {T, t, C, Cm};
  idr_status st = idr_csv_write(path, NULL, names, cols, 4, nn, err);
  free(T);
  free(t);
  free(C);
  free(Cm);
  return st;
}

void idr_app_print_tid(const idr_deck *d, const idr_tid_result *tr, const idr_tid_extraction *x,
                       const char *x_error) {
  long steps = 0;
  for (int j = 0; j < tr->n_T; j++)
    steps += tr->curves[j].stats.steps;
  printf("  TID scan      %d temperatures %g .. %g K, %d samples each at %g Hz, %.3f s wall "
         "(%d threads, %ld IDA steps)\n",
         tr->n_T, tr->curves[0].T_K, tr->curves[tr->n_T - 1].T_K, tr->curves[0].n, d->protocol.f_Hz,
         tr->wall_s, tr->threads, steps);
  for (int j = 0; j < tr->n_T; j++) {
    const idr_tid_curve *cv = &tr->curves[j];
    /* dC = C(last) - C(first): the extraction's sign convention, C_inf - C(0) */
    printf(
        "    T = %5.1f K  C_eq = %9.4f nF/cm^2  C(%g s) = %9.4f  C(%g s) = %9.4f  dC/C = %+.3e\n",
        cv->T_K, cv->C_eq * 1e5, cv->t[0], cv->C[0] * 1e5, cv->t[cv->n - 1], cv->C[cv->n - 1] * 1e5,
        (cv->C[cv->n - 1] - cv->C[0]) / cv->C[cv->n - 1]);
  }
  if (!x) {
    printf("  extraction    failed: %s\n", x_error ? x_error : "?");
    return;
  }
  printf("  extraction    %s model, ln(T^%d/tau) vs 1/T, %zu of %zu temperatures in the window%s, "
         "polarity %s%s\n",
         idr_app_model_name(x->model), x->power, x->n_used, x->m,
         x->global_ok ? ", global fit" : ", regression only", idr_app_polarity_name(x->polarity),
         x->intrinsic ? " (intrinsic absorber)" : "");
  for (int c = 0; c < x->n_species; c++) {
    const idr_tid_species *sp = &x->species[c];
    if (!x->intrinsic)
      printf("    %-7s Ea = %.4f +- %.4f eV   N_ion = %.4g +- %.2g cm^-3   D0 = %.4g cm^2/s   "
             "D300 = %.4g cm^2/s   (dC %s 0)\n",
             idr_app_sign_name(sp->sign), sp->Ea_eV, sp->Ea_err_eV, sp->N_ion_cm3,
             sp->N_ion_err_cm3, sp->D0_cm2_s, sp->D300_cm2_s, sp->dC_sign < 0 ? "<" : ">");
    else
      printf("    %-7s Ea = %.4f +- %.4f eV   intrinsic absorber: N_ion D(300 K) = %.4g +- %.2g "
             "cm^-1 s^-1, sigma_ion(300 K) = %.4g S/cm   (dC %s 0)\n",
             idr_app_sign_name(sp->sign), sp->Ea_eV, sp->Ea_err_eV, sp->ND300_cm1_s,
             sp->ND300_err_cm1_s, sp->sigma300_S_cm, sp->dC_sign < 0 ? "<" : ">");
  }
  for (int k = 0; k < d->n_ions; k++) {
    const idr_ion_species *s = &d->ions[k];
    printf("    true    %-7s Ea = %.4f eV   N_ion = %.4g cm^-3   D0 = %.4g cm^2/s   (%s)\n",
           s->z < 0 ? "anion" : "cation", s->Ea_eV, s->density_cm3, s->D0_cm2_s, s->name);
    if (x->intrinsic)
      printf("            N_ion D(300 K) = %.4g cm^-1 s^-1\n",
             s->density_cm3 * s->D0_cm2_s * exp(-s->Ea_eV / (IDR_KB_EV * 300.0)));
  }
}

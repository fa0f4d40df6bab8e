/*
 * Programmatic devices for the validation cases: see vdevice.h.
 */
#include "vdevice.h"

#ifndef IDR_SOURCE_DIR
#define IDR_SOURCE_DIR "."
#endif
#ifdef IDR_MATERIALS_DIR
#define IDR_VDEV_MATERIALS_DIR IDR_MATERIALS_DIR
#else
#define IDR_VDEV_MATERIALS_DIR NULL
#endif
#define IDR_VDEV_SOURCE_DIR IDR_SOURCE_DIR

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void idr_vdeck_init(idr_deck *d, double T_K) {
  idr_deck_defaults(d); /* every deck default, as a deck file would get them */
  snprintf(d->path, sizeof d->path, "<validation>");
  d->temperature_K = T_K;
}

int idr_vdeck_layer(idr_deck *d, const char *name, double thickness_nm, double eps_r, double chi_eV,
                    double Eg_eV, double Nc_cm3, double Nv_cm3, double mu_n, double mu_p,
                    double N_D_cm3, double N_A_cm3) {
  int l = d->n_layers++;
  idr_layer *ly = &d->layers[l];
  memset(ly, 0, sizeof *ly);
  snprintf(ly->name, sizeof ly->name, "%s", name);
  snprintf(ly->mat.name, sizeof ly->mat.name, "%s", name);
  ly->thickness_nm = thickness_nm;
  ly->mat.eps_r = eps_r;
  ly->mat.chi_eV = chi_eV;
  ly->mat.Eg_eV = Eg_eV;
  ly->mat.Nc_cm3 = Nc_cm3;
  ly->mat.Nv_cm3 = Nv_cm3;
  ly->mat.mu_n_cm2_Vs = mu_n;
  ly->mat.mu_p_cm2_Vs = mu_p;
  ly->N_D_cm3 = N_D_cm3;
  ly->N_A_cm3 = N_A_cm3;
  return l;
}

int idr_vdeck_ion(idr_deck *d, const char *name, int z, int layer, double density_cm3,
                  double D0_cm2_s, double Ea_eV) {
  int k = d->n_ions++;
  idr_ion_species *s = &d->ions[k];
  memset(s, 0, sizeof *s);
  snprintf(s->name, sizeof s->name, "%s", name);
  s->z = z;
  s->layer_mask = 1u << layer;
  s->density_cm3 = density_cm3;
  s->D0_cm2_s = D0_cm2_s;
  s->Ea_eV = Ea_eV;
  return k;
}

int idr_vdeck_trap(idr_deck *d, const char *name, int layer, int acceptor, double E_from_Ec_eV,
                   double density_cm3, double c_n_cm3_s, double c_p_cm3_s) {
  int j = d->n_traps++;
  idr_trap_spec *t = &d->traps[j];
  memset(t, 0, sizeof *t);
  snprintf(t->name, sizeof t->name, "%s", name);
  t->layer = layer;
  t->type = acceptor ? IDR_TRAP_ACCEPTOR : IDR_TRAP_DONOR;
  t->ref = IDR_EREF_EC;
  t->E_eV = E_from_Ec_eV;
  t->density_cm3 = density_cm3;
  t->c_n_cm3_s = c_n_cm3_s;
  t->c_p_cm3_s = c_p_cm3_s;
  t->levels = 1;
  return j;
}

void idr_vdeck_pin(idr_deck *d, double T_K, double pvk_NA_cm3, double ion_cm3) {
  idr_vdeck_init(d, T_K);
  /* a stack like examples/fapbi3_pin.yaml (same thicknesses, doping and ion;
   * band parameters close to materials/data, no recombination) */
  idr_vdeck_layer(d, "HTL", 20, 3.5, 2.3, 3.0, 1e20, 1e20, 1e-4, 1e-4, 0, 1e18);
  int p = idr_vdeck_layer(d, "perovskite", 500, 46.9, 3.95, 1.53, 2.2e18, 1.8e19, 10, 10, 0,
                          pvk_NA_cm3);
  idr_vdeck_layer(d, "ETL", 30, 4.2, 4.0, 2.0, 1e20, 1e20, 1e-2, 1e-2, 1e18, 0);
  if (ion_cm3 > 0) idr_vdeck_ion(d, "halide", -1, p, ion_cm3, 1.1e-6, 0.131);
}

idr_status idr_vdevice(const idr_deck *d, double T_K, idr_mesh **m, idr_device **dev,
                       idr_error *err) {
  idr_status st = idr_mesh_build(d, m, err);
  if (st) return st;
  return idr_device_build(d, *m, T_K, dev, err);
}

void idr_vdeck_tid(idr_deck *d, int threads) {
  /* the protocol's defaults are the study's: 300..200 K by 10 K, +1 V for
   * 5 s, back to 0 V, dark, C at 10 kHz on 71 log times 1e-6..10 s, ln(T/tau),
   * single exponentials */
  idr_protocol_select(d, "tid", NULL);
  idr_tid_spec_edit(d)->threads = threads;
}

int idr_vmesh_graded_append(double x0, double L, double h_left, double h_right, double h_max,
                            double ratio, double *x, int *k, int cap) {
  int n_cap = (int)(L / fmin(h_left, h_right)) + 8;
  double *step = malloc((size_t)n_cap * sizeof *step);
  if (!step) return -1;
  /* steps from the left fill step[0..], from the right step[n_cap-1..] */
  int nl = 0, nr = n_cap - 1;
  double hl = h_left, hr = h_right, sum = 0.0;
  while (sum < L && nl <= nr) {
    if (hl <= hr) {
      step[nl++] = hl;
      sum += hl;
      hl = fmin(hl * ratio, h_max);
    } else {
      step[nr--] = hr;
      sum += hr;
      hr = fmin(hr * ratio, h_max);
    }
  }
  int m = nl + (n_cap - 1 - nr);
  if (*k + m >= cap) {
    free(step);
    return -1;
  }
  double pos = x0;
  for (int i = 0; i < nl; i++) {
    pos += step[i] * L / sum;
    x[++*k] = pos;
  }
  for (int i = nr + 1; i < n_cap; i++) {
    pos += step[i] * L / sum;
    x[++*k] = pos;
  }
  x[*k] = x0 + L;
  free(step);
  return 0;
}

double *idr_vmesh_wall_graded(double L, double h_min, double h_max, double ratio, int *n_out) {
  /* idr_vmesh_graded_append writes at most (int)(L / h_min) + 8 points after x[0] */
  int cap = (int)(L / h_min) + 9, k = 0;
  double *x = malloc((size_t)cap * sizeof *x);
  if (!x) return NULL;
  x[0] = 0.0;
  if (idr_vmesh_graded_append(0.0, L, h_min, h_min, h_max, ratio, x, &k, cap)) {
    free(x);
    return NULL;
  }
  *n_out = k + 1;
  return x;
}

idr_status idr_vdev_build(const idr_deck *deck, const double *x, int n, const int *lf, int n_layers,
                          idr_vdev *v, idr_error *err) {
  v->m = NULL;
  v->d = NULL;
  v->y = NULL;
  idr_status st = idr_mesh_from_points(x, n, lf, n_layers, &v->m, err);
  if (st) return st;
  st = idr_device_build(deck, v->m, deck->temperature_K, &v->d, err);
  if (st) return st;
  v->y = calloc((size_t)v->d->n_unknowns, sizeof *v->y);
  if (!v->y) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  idr_eq_stats es;
  return idr_equilibrium(v->d, v->y, &es, err);
}

int idr_vdev_build_check(idr_vcase *vc, const idr_deck *deck, const double *x, int n, const int *lf,
                         int n_layers, idr_vdev *v) {
  idr_error err;
  idr_error_clear(&err);
  v->m = NULL;
  v->d = NULL;
  v->y = NULL;
  int ok = x && idr_vdev_build(deck, x, n, lf, n_layers, v, &err) == IDR_OK;
  if (!ok) printf("  build/equilibrium: %s\n", err.msg);
  return idr_vcheck_true(vc, "device builds and equilibrium converges", ok);
}

void idr_vdev_free(idr_vdev *v) {
  free(v->y);
  v->y = NULL;
  idr_device_free(&v->d);
  idr_mesh_free(&v->m);
}

int idr_v_tid_scan(idr_deck *deck, idr_tid_extraction *x, idr_tid_result *tr, idr_error *err) {
  if (idr_run_tid_deck(deck, tr, err)) return 1;
  if (idr_tid_extract_deck(deck, tr, x, err)) {
    idr_tid_result_free(tr);
    return 1;
  }
  return 0;
}

void idr_v_tid_compare(idr_vcase *vc, const char *label, idr_deck *a, const char *la, idr_deck *b,
                       const char *lb, const idr_v_tid_tols *tol) {
  idr_error err;
  idr_error_clear(&err);
  idr_tid_result ta, tb;
  idr_tid_extraction xa, xb;
  char what[200];
  if (idr_v_tid_scan(a, &xa, &ta, &err)) {
    printf("  %s: %s\n", label, err.msg);
    snprintf(what, sizeof what, "%s: scan with %s", label, la);
    idr_vcheck_true(vc, what, 0);
    return;
  }
  if (idr_v_tid_scan(b, &xb, &tb, &err)) {
    printf("  %s: %s\n", label, err.msg);
    snprintf(what, sizeof what, "%s: scan with %s", label, lb);
    idr_vcheck_true(vc, what, 0);
    idr_tid_result_free(&ta);
    idr_tid_extraction_free(&xa);
    return;
  }
  double worst = 0.0, wall_a = 0.0, wall_b = 0.0;
  long steps_a = 0, steps_b = 0;
  for (int j = 0; j < ta.n_T; j++) {
    for (int k = 0; k < ta.curves[j].n; k++)
      worst = idr_max_abs(worst, ta.curves[j].C[k] / tb.curves[j].C[k] - 1.0);
    worst = idr_max_abs(worst, ta.curves[j].C_eq / tb.curves[j].C_eq - 1.0);
    steps_a += ta.curves[j].stats.steps;
    steps_b += tb.curves[j].stats.steps;
    wall_a += ta.curves[j].wall_s;
    wall_b += tb.curves[j].wall_s;
  }
  const idr_tid_species *sa = &xa.species[0], *sb = &xb.species[0];
  printf("  %s: IDA steps %ld (%s) vs %ld (%s), %.2f s vs %.2f s\n", label, steps_a, la, steps_b,
         lb, wall_a, wall_b);
  printf("  %s: Ea %.7f vs %.7f eV (regression %.7f vs %.7f), N_ion %.7e vs %.7e cm^-3\n", label,
         sa->Ea_eV, sb->Ea_eV, sa->Ea_regression_eV, sb->Ea_regression_eV, sa->N_ion_cm3,
         sb->N_ion_cm3);
  snprintf(what, sizeof what, "%s: max |C(%s)/C(%s) - 1| over C_eq and C(t)", label, la, lb);
  idr_vcheck_le(vc, what, worst, tol->C_rel);
  snprintf(what, sizeof what, "%s: Ea (global fit) [eV]", label);
  idr_vcheck_abs(vc, what, sa->Ea_eV, sb->Ea_eV, tol->Ea_eV);
  snprintf(what, sizeof what, "%s: Ea (Arrhenius regression) [eV]", label);
  idr_vcheck_abs(vc, what, sa->Ea_regression_eV, sb->Ea_regression_eV, tol->Ea_eV);
  snprintf(what, sizeof what, "%s: N_ion [cm^-3]", label);
  idr_vcheck_rel(vc, what, sa->N_ion_cm3, sb->N_ion_cm3, tol->N_rel);
  idr_tid_result_free(&ta);
  idr_tid_result_free(&tb);
  idr_tid_extraction_free(&xa);
  idr_tid_extraction_free(&xb);
}

int idr_v_example_tid(idr_deck *d, idr_error *err) {
  static const char *const sets[] = {"protocol={type: tid}"};
  return idr_deck_load(IDR_VDEV_SOURCE_DIR "/examples/fapbi3_pin.yaml", sets, 1,
                       IDR_VDEV_MATERIALS_DIR, d, err) != IDR_OK;
}

void idr_v_cation_stack(idr_deck *d) {
  idr_vdeck_pin(d, 300, 1e17, 1e15);
  d->layers[0].N_A_cm3 = 1e20;
  d->layers[2].N_D_cm3 = 1e20;
  d->ions[0].z = +1;
  idr_vdeck_tid(d, 1);
}

void idr_v_standard_tid_devices(idr_vcase *vc,
                                void (*compare)(idr_vcase *, const char *, idr_deck *),
                                idr_deck *cation) {
  idr_error err;
  idr_error_clear(&err);
  idr_deck ex;
  if (idr_v_example_tid(&ex, &err)) {
    printf("  %s\n", err.msg);
    idr_vcheck_true(vc, "example deck loads", 0);
  } else {
    compare(vc, "example deck (anion)", &ex);
    idr_deck_free(&ex);
  }
  idr_v_cation_stack(cation);
  compare(vc, "V15-like cation stack", cation);
}

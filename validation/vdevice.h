/*
 * Programmatic devices for the validation cases: decks built in C with every
 * number stated at the call site, so each case shows the physics it tests.
 */
#ifndef IDR_VDEVICE_H
#define IDR_VDEVICE_H

#include "harness.h"
#include "idr_analysis.h"
#include "idr_config.h"
#include "idr_physics.h"
#include "idr_protocols.h"
#include "idr_solver.h"

/* An empty deck with every deck default (idr_deck_defaults) at T_K: no
 * layers, dark. */
void idr_vdeck_init(idr_deck *d, double T_K);

/* Append a layer; returns its index. Recombination coefficients are zero. */
int idr_vdeck_layer(idr_deck *d, const char *name, double thickness_nm, double eps_r, double chi_eV,
                    double Eg_eV, double Nc_cm3, double Nv_cm3, double mu_n, double mu_p,
                    double N_D_cm3, double N_A_cm3);

/* Append an ionic species living in one layer; returns its index. */
int idr_vdeck_ion(idr_deck *d, const char *name, int z, int layer, double density_cm3,
                  double D0_cm2_s, double Ea_eV);

/* Append a trap level; returns its index. */
int idr_vdeck_trap(idr_deck *d, const char *name, int layer, int acceptor, double E_from_Ec_eV,
                   double density_cm3, double c_n_cm3_s, double c_p_cm3_s);

/* The example-like p-i-n stack: HTL 20 nm (N_A 1e18) / perovskite 500 nm
 * (N_A = pvk_NA) / ETL 30 nm (N_D 1e18), with one mobile anion of density
 * ion_cm3 (D0 1.1e-6 cm^2/s, Ea 0.131 eV) in the perovskite. Thicknesses,
 * doping and ion as in examples/fapbi3_pin.yaml; band parameters close to
 * materials/data; no recombination. */
void idr_vdeck_pin(idr_deck *d, double T_K, double pvk_NA_cm3, double ion_cm3);

/* Mesh + device in one call (uses the deck's mesh settings). */
idr_status idr_vdevice(const idr_deck *d, double T_K, idr_mesh **m, idr_device **dev,
                       idr_error *err);

/* The TID protocol with the reference settings (300..200 K in 10 K steps,
 * +1 V for 5 s, back to 0 V, C at 10 kHz on 71 log times 1e-6..10 s),
 * single-exponential model, ln(T/tau). */
void idr_vdeck_tid(idr_deck *d, int threads);

/* The TID scan of the deck (idr_run_tid_deck) and its extraction
 * (idr_tid_extract_deck); 0 on success (tr and x then owned by the caller; on
 * failure nothing is left allocated). */
int idr_v_tid_scan(idr_deck *deck, idr_tid_extraction *x, idr_tid_result *tr, idr_error *err);

/* The example deck (examples/fapbi3_pin.yaml) with the default TID
 * protocol; 0 on success (free with idr_deck_free). */
int idr_v_example_tid(idr_deck *d, idr_error *err);
/* The V15-like cation stack: the p-i-n stack of idr_vdeck_pin with N_A =
 * 1e17, a cation of 1e15 cm^-3, contacts doped 1e20 cm^-3, the reference
 * TID protocol on one thread. */
void idr_v_cation_stack(idr_deck *d);

/* Run compare(vc, label, deck) on the example TID deck and on the V15-like
 * cation stack; the cation stack is left in *cation for further variants
 * (a plain struct: nothing to free). */
void idr_v_standard_tid_devices(idr_vcase *vc,
                                void (*compare)(idr_vcase *, const char *, idr_deck *),
                                idr_deck *cation);

/* Tolerances of a comparison of two TID treatments of one device. */
typedef struct idr_v_tid_tols {
  double C_rel; /* every C_eq and C(t): |C_a/C_b - 1| <= C_rel */
  double Ea_eV; /* extracted Ea, global fit and regression [eV] */
  double N_rel; /* extracted N_ion, relative */
} idr_v_tid_tols;
/* Scan and extract decks a and b (the same device, two settings labelled la,
 * lb) and check C, Ea and N_ion against tol; prints steps and wall times. */
void idr_v_tid_compare(idr_vcase *vc, const char *label, idr_deck *a, const char *la, idr_deck *b,
                       const char *lb, const idr_v_tid_tols *tol);

/* ---- thermal admittance spectroscopy ------------------------------------ */

/* A TAS run of validation/tas/NAME.yaml (sets: --set overrides, n_sets of
 * them): the deck loaded into *d (free with idr_deck_free), the scan into
 * *r (idr_tas_result_free) and the analysis of the run into *x
 * (idr_tas_extraction_free), V_bi the device's built-in voltage at the
 * deck's temperature. 0 on success; on failure nothing is left allocated. */
int idr_v_tas_deck(const char *name, const char *const *sets, int n_sets, idr_deck *d,
                   idr_tas_result *r, idr_tas_extraction *x, idr_error *err);

/* ---- explicit meshes --------------------------------------------------- */

/* Steps on [x0, x0 + L] of h_left at x0 and h_right at x0 + L, growing by
 * `ratio` per interval up to h_max, scaled to sum to L: appends the interior
 * points and x0 + L to x after x[*k] (the layer's left edge), advancing *k.
 * Returns 0, or -1 when out of memory or the points would not fit below cap. */
int idr_vmesh_graded_append(double x0, double L, double h_left, double h_right, double h_max,
                            double ratio, double *x, int *k, int cap);

/* Points on [0, L] refined to h_min at both ends, growing by `ratio` per
 * interval up to h_max; *n_out points; caller frees; NULL when out of memory. */
double *idr_vmesh_wall_graded(double L, double h_min, double h_max, double ratio, int *n_out);

/* ---- a device in equilibrium on an explicit mesh ----------------------- */

typedef struct idr_vdev {
  idr_mesh *m;
  idr_device *d;
  double *y; /* equilibrium state [d->n_unknowns] */
} idr_vdev;

/* Mesh from the points x[0..n-1] with layer faces lf[0..n_layers], device at
 * deck->temperature_K, equilibrium state in v->y. On failure v holds what was
 * built (idr_vdev_free releases it) and err says why. */
idr_status idr_vdev_build(const idr_deck *deck, const double *x, int n, const int *lf, int n_layers,
                          idr_vdev *v, idr_error *err);

/* idr_vdev_build as the check "device builds and equilibrium converges" of
 * vc (the error printed when it fails); x == NULL counts as a failure (the
 * caller could not make the points). Returns the check's outcome. */
int idr_vdev_build_check(idr_vcase *vc, const idr_deck *deck, const double *x, int n, const int *lf,
                         int n_layers, idr_vdev *v);

void idr_vdev_free(idr_vdev *v);

#endif

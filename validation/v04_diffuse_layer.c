/*
 * V04: equilibrium diffuse ionic layers against Poisson-Boltzmann closed forms.
 *
 * (a) One mobile species (charge z) on its uniform compensating background
 *     N0 in a thick carrier-free layer; the contacts' work functions impose a
 *     potential drop. With u = (phi - phi_b)/V_T measured from the neutral
 *     bulk and lambda^2 = eps V_T/(q N0), Poisson-Boltzmann
 *     lambda^2 u'' = z (1 - e^{-z u}) has the first integral
 *       (du/dx)^2 = (2/lambda^2) F(u),  F(u) = e^{-z u} - 1 + z u,
 *     and c = N0 e^{-z u}. Ion-number conservation makes the total space
 *     charge zero, so (Gauss) the wall fields are equal: F(u_L) = F(u_R) fixes
 *     the bulk potential phi_b. The profile near each wall is the solution of
 *     du/dxi = -sgn(u_s) sqrt(2 F(u))/lambda (xi = distance from the wall),
 *     integrated here with gsl_odeiv2 (rk8pd) from the wall value u_s.
 * (b) Gouy-Chapman for a symmetric pair (anion and cation on the same
 *     background N0): phi - phi_b = 4 V_T atanh(tanh(u_s/4) e^{-xi/lambda}),
 *     lambda^2 = eps V_T/(2 q c_b), c_-/+ = c_b e^{+/-u}. The bulk density c_b
 *     is below N0: each species' excess over both walls is
 *     4 lambda c_b (cosh(u_s/2) - 1) (integral of the GC profile), so ion
 *     conservation gives N0 = c_b (1 + 4 lambda(c_b) (cosh(u_s/2) - 1)/d).
 * Source: Poisson-Boltzmann first integral (e.g. Bard & Faulkner, ch. 13;
 * Bazant, Thornton, Ajdari, PRE 70, 021506 (2004), for the GC solution).
 * Window: nodes whose predicted |u| > 0.01 (1 % of V_T) on the wall side of
 * the layer midpoint; d/lambda ~ 75-110, so the two layers do not overlap
 * (corrections e^{-d/lambda}). Mesh: explicit points, h = lambda/40 at the
 * walls growing by 5 % per interval to lambda/4. Deviation expected: the
 * discretisation error O(h^2), of order 1e-4 relative.
 * Tolerances: max |u_sim - u_pred| / |u_s| <= 1 % and max |c_sim/c_pred - 1|
 * <= 1 % over the window; bulk potential within 0.01 V_T; bulk density (b)
 * within 1 %.
 */
#include "harness.h"
#include "vdevice.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define V04_WINDOW_U 0.01 /* comparison window: predicted |u| above this [V_T] */
#define V04_TOL_PROFILE 0.01
#define V04_TOL_BULK_U 0.01
#define V04_MID_WF_EV 5.0 /* mid-gap of the carrier-free layer [eV] */

typedef struct pb_ode {
  int z;
  double sgn;    /* sign of u at the wall */
  double lambda; /* [m] */
} pb_ode;

static double pb_F(int z, double u) {
  return expm1(-z * u) + z * u;
}

static int pb_rhs(double xi, const double u[], double dudxi[], void *params) {
  (void)xi;
  const pb_ode *p = params;
  double F = pb_F(p->z, u[0]);
  dudxi[0] = -p->sgn * sqrt(2.0 * fmax(F, 0.0)) / p->lambda;
  return GSL_SUCCESS;
}

/* Predicted u at distances xi[0..m-1] (ascending, xi[0] = 0) from a wall at u_s. */
static int pb_profile(int z, double lambda, double u_s, const double *xi, int m, double *u) {
  pb_ode p = {z, u_s >= 0 ? 1.0 : -1.0, lambda};
  gsl_odeiv2_system sys = {pb_rhs, NULL, 1, &p};
  gsl_odeiv2_driver *drv =
      gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3 * lambda, 1e-13, 1e-13);
  if (!drv) return -1;
  double x = 0.0, y[1] = {u_s};
  u[0] = u_s;
  int rc = 0;
  for (int i = 1; i < m && rc == 0; i++) {
    if (gsl_odeiv2_driver_apply(drv, &x, xi[i], y) != GSL_SUCCESS) rc = -1;
    u[i] = y[0];
  }
  gsl_odeiv2_driver_free(drv);
  return rc;
}

/* Bulk potential from the equal-wall-field condition F(u_L) = F(u_R), by bisection. */
static double pb_bulk(int z, double phi0, double phiL, double Vt) {
  double lo = fmin(phi0, phiL), hi = fmax(phi0, phiL);
  for (int it = 0; it < 200; it++) {
    double mid = 0.5 * (lo + hi);
    double g = pb_F(z, (phi0 - mid) / Vt) - pb_F(z, (phiL - mid) / Vt);
    /* g decreases as mid moves from phiL towards phi0 */
    if ((g > 0) == (phi0 > phiL))
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* Carrier-free layer of thickness L_nm with the given ions, work functions
 * WF_L, WF_R, on a mesh graded to lambda_m/40 at the walls; solves equilibrium. */
static int v04_build(idr_vcase *vc, const idr_deck *deck, double lambda_m, idr_vdev *v) {
  double L = deck->layers[0].thickness_nm * IDR_NM_TO_M;
  int n = 0;
  double *x = idr_vmesh_wall_graded(L, lambda_m / 40.0, lambda_m / 4.0, 1.05, &n);
  int lf[2] = {0, n - 1};
  int ok = idr_vdev_build_check(vc, deck, x, n, lf, 1, v);
  free(x);
  return ok;
}

static void v04_deck(idr_deck *deck, double L_nm, double eps_r, double drop_V) {
  idr_vdeck_init(deck, 300.0);
  /* carrier-free: Eg 6 eV, n_i ~ 1e-32 cm^-3 */
  idr_vdeck_layer(deck, "insulator", L_nm, eps_r, 2.0, 6.0, 1e18, 1e18, 1.0, 1.0, 0, 0);
  /* phi(0) - phi(L) = WF_R - WF_L = drop */
  deck->contact_left.work_function_eV = V04_MID_WF_EV - 0.5 * drop_V;
  deck->contact_right.work_function_eV = V04_MID_WF_EV + 0.5 * drop_V;
}

/* Compare one wall's diffuse layer: nodes from `wall` towards the midpoint. */
typedef struct wall_err {
  double u_err;  /* max |u_sim - u_pred| / |u_s| */
  double c_err;  /* max |c_sim/c_pred - 1| over species */
  int n_compare; /* nodes in the window */
} wall_err;

/* u_pred at each node of one wall; species k has charge z_k and bulk density cb. */
static int compare_wall(const idr_device *d, const double *y, int right, double phi_b,
                        const double *u_pred_in, const double *cb, wall_err *we) {
  int N = d->N, half = N / 2;
  double Vt = d->Vt;
  int wall = right ? N - 1 : 0;
  double u_s = (idr_phi(d, y, wall) - phi_b) / Vt;
  we->u_err = 0.0;
  we->c_err = 0.0;
  we->n_compare = 0;
  for (int j = 0; j <= half; j++) {
    int i = right ? N - 1 - j : j;
    double up = u_pred_in[j];
    if (fabs(up) <= V04_WINDOW_U) continue;
    we->n_compare++;
    double us = (idr_phi(d, y, i) - phi_b) / Vt;
    we->u_err = idr_max_abs(we->u_err, (us - up) / fabs(u_s));
    for (int k = 0; k < d->n_ions; k++) {
      double cp = cb[k] * exp(-d->ions[k].z * up);
      we->c_err = idr_max_abs(we->c_err, idr_ion_c(d, y, k, i) / cp - 1.0);
    }
  }
  return 0;
}

/* Distances from the wall of the nodes up to the midpoint. */
static void wall_distances(const idr_device *d, int right, double *xi) {
  int N = d->N;
  for (int j = 0; j <= N / 2; j++)
    xi[j] = right ? d->x[N - 1] - d->x[N - 1 - j] : d->x[j];
}

static void report_walls(idr_vcase *vc, const char *label, const wall_err we[2]) {
  char what[200];
  for (int s = 0; s < 2; s++) {
    snprintf(what, sizeof what, "%s, %s wall: max |u_sim - u_pred|/|u_s| over %d nodes", label,
             s ? "right" : "left", we[s].n_compare);
    idr_vcheck_le(vc, what, we[s].u_err, V04_TOL_PROFILE);
    snprintf(what, sizeof what, "%s, %s wall: max |c_sim/c_pred - 1|", label, s ? "right" : "left");
    idr_vcheck_le(vc, what, we[s].c_err, V04_TOL_PROFILE);
  }
}

/* (a) one species of charge z on its background. */
static void case_single(idr_vcase *vc, int z, double drop_V) {
  const double N0_cm3 = 1e18, eps_r = 30.0, L_nm = 500.0;
  char label[120];
  snprintf(label, sizeof label, "(a) z = %+d, drop %.3g V", z, drop_V);
  idr_deck deck;
  v04_deck(&deck, L_nm, eps_r, drop_V);
  idr_vdeck_ion(&deck, z < 0 ? "anion" : "cation", z, 0, N0_cm3, 1e-6, 0.0);
  double Vt = IDR_KB * 300.0 / IDR_Q, N0 = N0_cm3 * IDR_CM3_TO_M3;
  double lambda = sqrt(eps_r * IDR_EPS0 * Vt / (IDR_Q * N0));
  idr_vdev v;
  if (!v04_build(vc, &deck, lambda, &v)) return;
  const idr_device *d = v.d;
  int N = d->N;
  double phi0 = idr_phi(d, v.y, 0), phiL = idr_phi(d, v.y, N - 1);
  char what[200];
  snprintf(what, sizeof what, "%s: phi(0) - phi(L) = WF_R - WF_L [V]", label);
  idr_vcheck_abs(vc, what, phi0 - phiL, drop_V, 1e-9);
  double phi_b = pb_bulk(z, phi0, phiL, Vt);
  double phi_mid = idr_phi(d, v.y, N / 2);
  snprintf(what, sizeof what, "%s: bulk potential (midpoint) - phi(L) [V_T], F(u_L) = F(u_R)",
           label);
  idr_vcheck_abs(vc, what, (phi_mid - phiL) / Vt, (phi_b - phiL) / Vt, V04_TOL_BULK_U);
  printf("    lambda_D = %.4g nm, d/lambda_D = %.1f, %d nodes, u_s = %.4f (left), %.4f (right)\n",
         lambda * 1e9, L_nm * 1e-9 / lambda, N, (phi0 - phi_b) / Vt, (phiL - phi_b) / Vt);
  double *xi = malloc((size_t)(N / 2 + 1) * sizeof *xi);
  double *up = malloc((size_t)(N / 2 + 1) * sizeof *up);
  wall_err we[2];
  double cb[1] = {N0};
  int ok = xi && up;
  for (int s = 0; s < 2 && ok; s++) {
    wall_distances(d, s, xi);
    double u_s = ((s ? phiL : phi0) - phi_b) / Vt;
    ok = pb_profile(z, lambda, u_s, xi, N / 2 + 1, up) == 0;
    if (ok) compare_wall(d, v.y, s, phi_b, up, cb, &we[s]);
  }
  if (idr_vcheck_true(vc, "closed-form profile integrates", ok)) report_walls(vc, label, we);
  free(xi);
  free(up);
  idr_vdev_free(&v);
}

/* Bulk density of a symmetric pair from ion conservation (fixed point). */
static double gc_bulk_density(double N0, double d, double eps, double Vt, double u_s) {
  double cb = N0;
  for (int it = 0; it < 200; it++) {
    double lam = sqrt(eps * Vt / (2.0 * IDR_Q * cb));
    cb = N0 / (1.0 + 4.0 * lam * (cosh(0.5 * u_s) - 1.0) / d);
  }
  return cb;
}

/* (b) Gouy-Chapman, symmetric pair. */
static void case_pair(idr_vcase *vc, double drop_V) {
  const double N0_cm3 = 1e18, eps_r = 30.0, L_nm = 500.0;
  char label[120];
  snprintf(label, sizeof label, "(b) Gouy-Chapman pair, drop %.3g V", drop_V);
  idr_deck deck;
  v04_deck(&deck, L_nm, eps_r, drop_V);
  idr_vdeck_ion(&deck, "anion", -1, 0, N0_cm3, 1e-6, 0.0);
  idr_vdeck_ion(&deck, "cation", +1, 0, N0_cm3, 1e-6, 0.0);
  double Vt = IDR_KB * 300.0 / IDR_Q, N0 = N0_cm3 * IDR_CM3_TO_M3, eps = eps_r * IDR_EPS0;
  double L = L_nm * IDR_NM_TO_M;
  double lambda0 = sqrt(eps * Vt / (2.0 * IDR_Q * N0));
  idr_vdev v;
  if (!v04_build(vc, &deck, lambda0, &v)) return;
  const idr_device *d = v.d;
  int N = d->N;
  double phi0 = idr_phi(d, v.y, 0), phiL = idr_phi(d, v.y, N - 1);
  double phi_b = 0.5 * (phi0 + phiL); /* symmetric pair: the bulk sits midway */
  double u_s = (phi0 - phi_b) / Vt;
  double cb = gc_bulk_density(N0, L, eps, Vt, u_s);
  double lambda = sqrt(eps * Vt / (2.0 * IDR_Q * cb));
  char what[200];
  snprintf(what, sizeof what, "%s: bulk potential (midpoint) - phi(L) [V_T]", label);
  idr_vcheck_abs(vc, what, (idr_phi(d, v.y, N / 2) - phiL) / Vt, (phi_b - phiL) / Vt,
                 V04_TOL_BULK_U);
  double cmid = 0.5 * (idr_ion_c(d, v.y, 0, N / 2) + idr_ion_c(d, v.y, 1, N / 2));
  snprintf(what, sizeof what, "%s: bulk density c_b/N0 (ion conservation)", label);
  idr_vcheck_rel(vc, what, cmid / N0, cb / N0, V04_TOL_PROFILE);
  printf("    lambda_D(c_b) = %.4g nm, d/lambda_D = %.1f, %d nodes, u_s = %.4f\n", lambda * 1e9,
         L / lambda, N, u_s);
  double *up = malloc((size_t)(N / 2 + 1) * sizeof *up);
  wall_err we[2];
  double cbs[2] = {cb, cb};
  if (idr_vcheck_true(vc, "allocation", up != NULL)) {
    for (int s = 0; s < 2; s++) {
      double us = s ? -u_s : u_s;
      for (int j = 0; j <= N / 2; j++) {
        double xi = s ? d->x[N - 1] - d->x[N - 1 - j] : d->x[j];
        up[j] = 4.0 * atanh(tanh(0.25 * us) * exp(-xi / lambda));
      }
      compare_wall(d, v.y, s, phi_b, up, cbs, &we[s]);
    }
    report_walls(vc, label, we);
  }
  free(up);
  idr_vdev_free(&v);
}

int main(void) {
  gsl_set_error_handler_off();
  idr_vcase vc;
  idr_vcase_begin(&vc, "V04 diffuse layer",
                  "equilibrium ionic diffuse layers = Poisson-Boltzmann first integral; "
                  "Gouy-Chapman for a symmetric pair");
  case_single(&vc, -1, 0.3);
  case_single(&vc, +1, 0.3);
  case_single(&vc, -1, 0.1);
  case_pair(&vc, 0.2);
  return idr_vcase_end(&vc);
}

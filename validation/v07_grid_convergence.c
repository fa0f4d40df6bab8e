/*
 * V07: grid convergence of the equilibrium solution.
 *
 * Law: the vertex-centred finite-volume discretisation (three-point
 * Poisson stencil, nodal (lumped) charge, Scharfetter-Gummel ion fluxes which
 * are exact for the Boltzmann equilibrium) is second-order accurate on a
 * uniform mesh for a smooth solution: f_h = f + C h^2 + O(h^3), so the
 * observed order p = log2(|f_h - f_h/2| / |f_h/2 - f_h/4|) tends to 2.
 * Problem: the V04(a) diffuse layers: a carrier-free layer (Eg 6 eV) of
 * d = 200 nm, eps_r 30, one anion on its background N0 = 1e18 cm^-3
 * (lambda_D = 6.55 nm), contact work functions 0.2 V apart, 300 K.
 * Meshes: uniform, 400, 800 and 1600 intervals (h/lambda_D = 0.076, 0.038,
 * 0.019). The asymptotic range starts below h ~ lambda_D/10 (the
 * accumulation layer is thinner than lambda_D): measured p = 1.75 for
 * 100/200/400 intervals, 1.92 for 200/400/800, 1.98 here, 1.995 for
 * 800/1600/3200.
 * Scalars: phi(10 nm) - phi(L) (a node of every mesh, inside the left diffuse
 * layer), and the ionic space charge per area in the left half,
 * integral_0^{d/2} (c - N0) dx, with the nodal (lumped) quadrature of the
 * scheme (d/2 is a node of every mesh).
 * Tolerance: observed order >= 1.8 for each scalar; differences above 1e-9
 * relative so the order is not measured on round-off.
 */
#include "harness.h"
#include "vdevice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define V07_MIN_ORDER 1.8
#define V07_MIN_DIFF 1e-9 /* relative: differences must be above round-off */

static const double V07_L_NM = 200.0, V07_X_PROBE_NM = 10.0;

/* Scalars on a uniform mesh of m intervals; returns 1 on success. */
static int v07_solve(int m, double *phi_probe, double *charge, idr_error *err) {
  idr_deck deck;
  idr_vdeck_init(&deck, 300.0);
  idr_vdeck_layer(&deck, "insulator", V07_L_NM, 30.0, 2.0, 6.0, 1e18, 1e18, 1.0, 1.0, 0, 0);
  deck.contact_left.work_function_eV = 4.9;
  deck.contact_right.work_function_eV = 5.1;
  idr_vdeck_ion(&deck, "anion", -1, 0, 1e18, 1e-6, 0.0);
  int ok = 0;
  idr_mesh *mesh = NULL;
  idr_device *d = NULL;
  double *y = NULL;
  double *x = malloc((size_t)(m + 1) * sizeof *x);
  if (!x) goto out_free;
  for (int i = 0; i <= m; i++)
    x[i] = V07_L_NM * IDR_NM_TO_M * i / m;
  int lf[2] = {0, m};
  if (idr_mesh_from_points(x, m + 1, lf, 1, &mesh, err)) goto out_free;
  if (idr_device_build(&deck, mesh, 300.0, &d, err)) goto out_free;
  y = calloc((size_t)d->n_unknowns, sizeof *y);
  if (!y) goto out_free;
  idr_eq_stats es;
  if (idr_equilibrium(d, y, &es, err)) goto out_free;
  int ip = (int)lround(V07_X_PROBE_NM / V07_L_NM * m), mid = m / 2;
  *phi_probe = idr_phi(d, y, ip) - idr_phi(d, y, m);
  double N0 = d->ions[0].c0, q = 0.0;
  for (int i = 0; i <= mid; i++)
    for (int s = 0; s < 2; s++) {
      if (i == mid && s == IDR_SIDE_R) continue;
      const idr_halfcell *hc = &d->hc[2 * i + s];
      if (hc->layer >= 0) q += hc->vol * (idr_ion_c(d, y, 0, i) - N0);
    }
  *charge = q;
  ok = 1;
out_free:
  free(y);
  free(x);
  idr_device_free(&d);
  idr_mesh_free(&mesh);
  return ok;
}

static void order_check(idr_vcase *vc, const char *name, const char *unit, const double f[3]) {
  double d1 = fabs(f[0] - f[1]), d2 = fabs(f[1] - f[2]);
  double p = log2(d1 / d2);
  printf("    %s [%s]: h %.10g, h/2 %.10g, h/4 %.10g; Richardson (p = 2) %.10g\n", name, unit, f[0],
         f[1], f[2], f[2] + (f[2] - f[1]) / 3.0);
  char what[200];
  snprintf(what, sizeof what, "%s: |f_h/2 - f_h/4| / |f_h/4| above round-off", name);
  idr_vcheck_ge(vc, what, d2 / fabs(f[2]), V07_MIN_DIFF);
  snprintf(what, sizeof what, "%s: observed order log2(|f_h - f_h/2| / |f_h/2 - f_h/4|)", name);
  idr_vcheck_ge(vc, what, p, V07_MIN_ORDER);
}

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V07 grid convergence",
                  "second-order convergence on uniform meshes h, h/2, h/4 (V04(a) diffuse layers)");
  const int ms[3] = {400, 800, 1600};
  double phi[3], chg[3];
  for (int k = 0; k < 3; k++) {
    idr_error err;
    idr_error_clear(&err);
    char what[120];
    snprintf(what, sizeof what, "%d intervals: equilibrium converges", ms[k]);
    int ok = v07_solve(ms[k], &phi[k], &chg[k], &err);
    if (!ok) printf("  %s\n", err.msg);
    if (!idr_vcheck_true(&vc, what, ok)) return idr_vcase_end(&vc);
    chg[k] *= 1e-4; /* [cm^-2] */
  }
  order_check(&vc, "phi(10 nm) - phi(L)", "V", phi);
  order_check(&vc, "ionic space charge in the left half, integral (c - N0) dx", "cm^-2", chg);
  return idr_vcase_end(&vc);
}

/*
 * V13: the capacitance step of a single majority-carrier trap level.
 *
 * Law (admittance spectroscopy: Losee, J. Appl. Phys. 46, 2204 (1975);
 * Walter, Herberholz, Mueller, Schock, J. Appl. Phys. 80, 4411 (1996)): in
 * the depletion region of an n-type layer a level at Ec - E_t follows the
 * small signal where it crosses the Fermi level (n = n1), by exchanging
 * electrons with the conduction band. There its occupation relaxes at
 *   r = e_n + c_n n = 2 e_n,   e_n = c_n Nc exp(-(Ec - E_t)/kT) = c_n n1
 * (hole capture and emission negligible: c_p p, e_p << e_n), so C(f) steps
 * down from the low-frequency (trap-following) to the high-frequency value
 * around the angular frequency
 *   w0 = 2 e_n,
 * where G/w has its maximum and C(ln w) its inflection (-dC/dln w maximum).
 * Set-up: the V10 p/n junction (N_A 1e17 | N_D 1e16 cm^-3, silicon-like,
 * 300 K) with one acceptor level in the n layer: Nt 1e15 cm^-3, Ec - E_t =
 * 0.44 eV, c_n = 1e-8 cm^3/s, c_p = 1e-10 cm^3/s, so e_n ~ 1e4 s^-1 and f0 =
 * w0/2pi ~ 3 kHz. C-f by idr_run_cf about the 0 V equilibrium from f0/100
 * to 100 f0 at 40 points per decade; each peak is located by a parabola
 * through the largest sample and its neighbours in ln f.
 * Tolerances: both peak frequencies within 10 % of w0/2pi; the step visible
 * (C(f0/100) - C(100 f0) >= 1 % of C(100 f0)).
 */
#include "harness.h"
#include "idr_protocols.h"
#include "vdevice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define V13_TOL_F 0.10    /* relative, peak frequency vs w0/2pi */
#define V13_MIN_STEP 0.01 /* step height relative to the high-frequency C */
#define V13_PPD 40        /* C-f points per decade */
#define V13_DECADES 2.0   /* sweep f0 * 10^-D .. f0 * 10^D */
#define V13_NODES 1200    /* mesh nodes */

static const double V13_NT_CM3 = 1e15, V13_ET_EV = 0.44, V13_CN = 1e-8, V13_CP = 1e-10;
static const double V13_NC_CM3 = 2.8e19;

/* Peak of v[] (largest interior sample) refined by a parabola in ln f. */
static double peak_freq(const double *f, const double *v, int n) {
  int k = 1;
  for (int i = 1; i < n - 1; i++)
    if (v[i] > v[k]) k = i;
  double x0 = log(f[k - 1]), x1 = log(f[k]), x2 = log(f[k + 1]);
  double y0 = v[k - 1], y1 = v[k], y2 = v[k + 1];
  double h = 0.5 * (x2 - x0);
  double den = y0 - 2.0 * y1 + y2;
  double dx = den != 0.0 ? 0.5 * h * (y0 - y2) / den : 0.0;
  return exp(x1 + dx);
}

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V13 single trap level",
                  "C(f) step of a majority-carrier trap at w0 = 2 e_n (peak of G/w, inflection "
                  "of C)");
  const double T = 300.0;
  idr_error err;
  idr_error_clear(&err);
  idr_deck deck;
  idr_vdeck_init(&deck, T);
  idr_vdeck_layer(&deck, "p", 600.0, 11.7, 4.05, 1.12, V13_NC_CM3, 1.04e19, 1400, 450, 0, 1e17);
  int ln = idr_vdeck_layer(&deck, "n", 2000.0, 11.7, 4.05, 1.12, V13_NC_CM3, 1.04e19, 1400, 450,
                           1e16, 0);
  idr_vdeck_trap(&deck, "E1", ln, 1, V13_ET_EV, V13_NT_CM3, V13_CN, V13_CP);
  deck.mesh.nodes = V13_NODES;
  double e_n = V13_CN * V13_NC_CM3 * exp(-V13_ET_EV / (IDR_KB_EV * T)); /* [1/s] */
  double f0 = 2.0 * e_n / (2.0 * IDR_PI);
  idr_mesh *m = NULL;
  idr_device *dev = NULL;
  double *y = NULL, *Gw = NULL, *mdC = NULL;
  idr_cf_result cf = {0};
  int ok = idr_vdevice(&deck, T, &m, &dev, &err) == IDR_OK;
  if (ok) {
    y = calloc((size_t)dev->n_unknowns, sizeof *y);
    idr_eq_stats es;
    ok = y && idr_equilibrium(dev, y, &es, &err) == IDR_OK;
  }
  idr_sim_opts so = {.rtol = 1e-8, .max_steps = 500000, .h_max = 0};
  ok = ok && idr_run_cf(dev, &so, y, 0.0, f0 * pow(10.0, -V13_DECADES),
                        f0 * pow(10.0, V13_DECADES) * 1.0001, V13_PPD, &cf, &err) == IDR_OK;
  if (!ok) printf("  %s\n", err.msg);
  if (!idr_vcheck_true(&vc, "device, equilibrium and C-f sweep", ok)) goto out_free;
  /* the level as the device sees it: e_n = c_n n1 */
  int i_mid = dev->layer_first[ln] + (dev->N - 1 - dev->layer_first[ln]) / 2;
  double e_n_dev =
      V13_CN / IDR_CM3_TO_M3 * dev->n1[(size_t)i_mid * dev->n_levels]; /* m^3/s * m^-3 */
  printf("    %d nodes; e_n = c_n Nc exp(-(Ec-Et)/kT) = %.6g 1/s (device: c_n n1 = %.6g 1/s), "
         "w0/2pi = %.6g Hz\n",
         dev->N, e_n, e_n_dev, f0);
  Gw = malloc((size_t)cf.n * sizeof *Gw);
  mdC = calloc((size_t)cf.n, sizeof *mdC);
  if (!idr_vcheck_true(&vc, "memory and at least 3 frequencies", Gw && mdC && cf.n >= 3))
    goto out_free;
  for (int k = 0; k < cf.n; k++)
    Gw[k] = cf.G[k] / (2.0 * IDR_PI * cf.f_Hz[k]);
  /* -dC/dln f at the sample points (central differences, ends copied) */
  for (int k = 1; k < cf.n - 1; k++)
    mdC[k] = -(cf.C[k + 1] - cf.C[k - 1]) / log(cf.f_Hz[k + 1] / cf.f_Hz[k - 1]);
  mdC[0] = mdC[1];
  mdC[cf.n - 1] = mdC[cf.n - 2];
  for (int k = 0; k < cf.n; k += V13_PPD / 4)
    printf("    f = %10.5g Hz  C = %.7g nF/cm^2  G/w = %.5g nF/cm^2\n", cf.f_Hz[k], cf.C[k] * 1e5,
           Gw[k] * 1e5);
  double step = cf.C[0] - cf.C[cf.n - 1];
  idr_vcheck_ge(&vc, "step height (C(f0/100) - C(100 f0))/C(100 f0)", step / cf.C[cf.n - 1],
                V13_MIN_STEP);
  idr_vcheck_rel(&vc, "peak of G/w vs w0/2pi = e_n/pi [Hz]", peak_freq(cf.f_Hz, Gw, cf.n), f0,
                 V13_TOL_F);
  idr_vcheck_rel(&vc, "peak of -dC/dln f vs w0/2pi = e_n/pi [Hz]", peak_freq(cf.f_Hz, mdC, cf.n),
                 f0, V13_TOL_F);
out_free:
  free(Gw);
  free(mdC);
  idr_cf_result_free(&cf);
  free(y);
  idr_device_free(&dev);
  idr_mesh_free(&m);
  return idr_vcase_end(&vc);
}

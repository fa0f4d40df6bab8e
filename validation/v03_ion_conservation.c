/*
 * V03: conservation of the number of mobile ions.
 *
 * Law: the ion flux vanishes at the edges of the layers a species lives in
 * (blocking interfaces), so d/dt integral c_k dx = 0 for every species k:
 * N_k(t) = N_k(0) through any bias program. In the finite-volume SG scheme
 * the interior fluxes cancel pairwise, so the sum of a species' rows is
 * sum_i vol_i dc_i/dt: a linear invariant. The BDF predictor keeps it, and
 * a Newton update whose Jacobian has the same exact column sums over those
 * rows (cj vol_i) removes the summed residual in one iteration (up to IDA's
 * cj-ratio damping), so N_k drifts only by round-off (~1e-16). A leaking
 * edge flux or a control volume that differs between the residual and the
 * count gives a drift of order the fraction of ions moved (here > 1 %).
 * Device: the example-like p-i-n stack (perovskite N_A 1e17 cm^-3) with two
 * species of opposite sign in the perovskite: an anion (1e17 cm^-3, D0 1.1e-6
 * cm^2/s, Ea 0.131 eV) and a cation (3e16 cm^-3, D0 5e-7 cm^2/s, Ea 0.25 eV).
 * Protocol: 0 -> +1 V for 5 s -> 0 V for 10 s at 300 K, 40 log-spaced samples
 * per segment (idr_run_waveform).
 * Tolerances: max over samples |N_k(t)/N_k(0) - 1| <= 1e-10 per species. Not
 * vacuous: at t = 5 s each species' profile must differ from its equilibrium
 * by more than 1 % of its mean density somewhere.
 */
#include "harness.h"
#include "idr_protocols.h"
#include "vdevice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double V03_DRIFT_TOL = 1e-10; /* max |N(t)/N(0) - 1| */
static const double V03_MOVED_MIN = 1e-2;  /* min max|c(5 s) - c(0)| / c0: ions did move */

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V03 ion conservation",
                  "number of each mobile species constant through a bias program");
  const double T = 300.0;
  idr_error err;
  idr_error_clear(&err);
  idr_deck deck;
  idr_vdeck_pin(&deck, T, 1e17, 0.0);
  int pvk = 1;
  idr_vdeck_ion(&deck, "anion", -1, pvk, 1e17, 1.1e-6, 0.131);
  idr_vdeck_ion(&deck, "cation", +1, pvk, 3e16, 5e-7, 0.25);

  idr_waveform_spec proto;
  memset(&proto, 0, sizeof proto);
  proto.n_segments = 2;
  proto.segments[0] = (idr_segment){.duration_s = 5.0, .V_V = 1.0, .samples = 40, .log_spacing = 1};
  proto.segments[1] =
      (idr_segment){.duration_s = 10.0, .V_V = 0.0, .samples = 40, .log_spacing = 1};
  proto.n_profile_times = 2;
  proto.profile_times_s[0] = 0.0;
  proto.profile_times_s[1] = 5.0;

  idr_mesh *m = NULL;
  idr_device *d = NULL;
  double *y0 = NULL;
  idr_waveform_result res;
  memset(&res, 0, sizeof res);
  if (idr_vdevice(&deck, T, &m, &d, &err)) {
    printf("  device: %s\n", err.msg);
    idr_vcheck_true(&vc, "device builds", 0);
    goto out;
  }
  y0 = calloc((size_t)d->n_unknowns, sizeof *y0);
  if (!y0) {
    idr_vcheck_true(&vc, "allocation", 0);
    goto out;
  }
  idr_eq_stats es;
  if (!idr_vcheck_true(&vc, "equilibrium converges", idr_equilibrium(d, y0, &es, &err) == IDR_OK)) {
    printf("  equilibrium: %s\n", err.msg);
    goto out;
  }
  idr_sim_opts opts = idr_sim_opts_from_deck(&deck);
  if (!idr_vcheck_true(&vc, "waveform 0 -> +1 V (5 s) -> 0 V (10 s) completes",
                       idr_run_waveform(d, &proto, &opts, y0, NULL, NULL, &res, &err) == IDR_OK)) {
    printf("  waveform: %s\n", err.msg);
    goto out;
  }
  printf("  %d nodes, %d unknowns; IDA: %ld steps, %ld Newton failures, %ld error-test failures\n",
         d->N, d->n_unknowns, res.stats.steps, res.stats.nonlin_conv_fails,
         res.stats.err_test_fails);
  const idr_profiles *pr = &res.profiles;
  for (int k = 0; k < d->n_ions; k++) {
    char what[160];
    double c0 = d->ions[k].c0, moved = 0.0;
    for (int i = 0; i < pr->N; i++) {
      const double *ck = pr->ions + (size_t)k * pr->n_times * pr->N;
      moved = idr_max_abs(moved, (ck[(size_t)pr->N + i] - ck[i]) / c0);
    }
    printf("  %s (z = %+d, D = %.3e cm^2/s): N(0) = %.6e cm^-2\n", d->ion_names[k], d->ions[k].z,
           d->ions[k].D / IDR_CM2_TO_M2, res.ion_number0[k] * 1e-4);
    snprintf(what, sizeof what, "%s: max over samples |N(t)/N(0) - 1|", d->ion_names[k]);
    idr_vcheck_le(&vc, what, res.ion_drift_max[k], V03_DRIFT_TOL);
    snprintf(what, sizeof what, "%s: ions moved, max |c(5 s) - c_eq| / c0", d->ion_names[k]);
    idr_vcheck_ge(&vc, what, moved, V03_MOVED_MIN);
  }
out:
  idr_waveform_result_free(&res);
  free(y0);
  idr_device_free(&d);
  idr_mesh_free(&m);
  return idr_vcase_end(&vc);
}

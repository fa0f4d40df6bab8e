/*
 * V02: dark thermal equilibrium at 0 V.
 *
 * Law: in thermal equilibrium every particle current vanishes and the Fermi
 * level is flat (detailed balance): J = 0, E_Fn = E_Fp = E_F everywhere, the
 * state is a steady state of the full time-dependent system, and the
 * built-in potential equals the difference of the contacts' Fermi levels.
 * For flat-band (neutral) ohmic contacts on a p-type HTL (left) and an
 * n-type ETL (right), with Boltzmann statistics and E_F = 0:
 *   p_L = N_A/2 + sqrt(N_A^2/4 + ni_L^2),  n_R = N_D/2 + sqrt(N_D^2/4 + ni_R^2)
 *   phi(0) = -chi_L - Eg_L - V_T ln(p_L / Nv_L(T))
 *   phi(L) = -chi_R + V_T ln(n_R / Nc_R(T))
 *   V_bi = phi(L) - phi(0) = chi_L + Eg_L - chi_R + V_T ln(p_L n_R / (Nv_L Nc_R))
 * with Nc, Nv ~ (T/300 K)^1.5 and ni^2 = Nc Nv exp(-Eg/V_T) (Sze, Physics of
 * Semiconductor Devices, ch. 2). Computed here from the deck values only.
 * Device: the example-like p-i-n stack (PTAA-like / FAPbI3-like / C60-like),
 * perovskite N_A 1e17 cm^-3, a mobile anion 1e17 cm^-3 and one acceptor trap
 * level 0.4 eV below Ec (1e15 cm^-3, c_n = c_p = 1e-8 cm^3/s), at 200 K,
 * 300 K and 40 K (where the HTL's n_i^2 underflows double precision).
 * Tolerances:
 *   (a) |J| <= 1e-10 max |single drift or diffusion term| (the terms cancel
 *       to round-off; a wrong SG or band-offset treatment leaves O(1));
 *   (b) max |E_Fn|, |E_Fp| <= 1e-9 V;
 *   (c) after 1 s of IDA at 0 V from the equilibrium:
 *       max_u |y_u(1 s) - y_u(0)| / (|y_u(0)| + atol_u) <= 1e-6 (IDA's rtol)
 *       and |J(1 s)| <= 1e-10 max flux term;
 *   (d) |V_bi - closed form| <= 1e-9 V.
 */
#include "harness.h"
#include "vdevice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const double V02_J_REL_TOL = 1e-10;   /* |J| / max flux term */
static const double V02_EF_TOL_V = 1e-9;     /* quasi-Fermi level flatness [V] */
static const double V02_STEADY_TOL = 1e-6;   /* = IDA rtol of the deck */
static const double V02_VBI_TOL_V = 1e-9;    /* built-in potential [V] */
static const double V02_STEADY_TIME_S = 1.0; /* integration time of check (c) [s] */
/* ln of the smallest normal double (m^-3): an equilibrium density below it
 * underflows to 0 (check (b) skips such nodes and counts them) */
static const double V02_LN_UNDERFLOW = -708.0;

/* Majority density of a neutral Boltzmann layer with net doping dop
 * (majority-carrier sign) and intrinsic density squared ni2 [any unit^2]. */
static double majority(double dop, double ni2) {
  return 0.5 * dop + sqrt(0.25 * dop * dop + ni2);
}

/* The built-in potential [V] from the deck: left layer p-type, right n-type. */
static double vbi_closed_form(const idr_deck *d, double T) {
  const idr_layer *L = &d->layers[0], *R = &d->layers[d->n_layers - 1];
  double Vt = IDR_KB * T / IDR_Q, s = pow(T / 300.0, 1.5);
  double NvL = L->mat.Nv_cm3 * s, NcL = L->mat.Nc_cm3 * s;
  double NvR = R->mat.Nv_cm3 * s, NcR = R->mat.Nc_cm3 * s;
  double pL = majority(L->N_A_cm3 - L->N_D_cm3, NcL * NvL * exp(-L->mat.Eg_eV / Vt));
  double nR = majority(R->N_D_cm3 - R->N_A_cm3, NcR * NvR * exp(-R->mat.Eg_eV / Vt));
  return L->mat.chi_eV + L->mat.Eg_eV - R->mat.chi_eV + Vt * log(pL * nR / (NvL * NcR));
}

static void run_T(idr_vcase *vc, double T) {
  char what[200];
  idr_error err;
  idr_error_clear(&err);
  idr_deck deck;
  idr_vdeck_pin(&deck, T, 1e17, 1e17);
  idr_vdeck_trap(&deck, "acceptor 0.4 eV", 1, 1, 0.4, 1e15, 1e-8, 1e-8);
  idr_mesh *m = NULL;
  idr_device *d = NULL;
  idr_sim *sim = NULL;
  double *y = NULL;
  if (idr_vdevice(&deck, T, &m, &d, &err)) {
    printf("  device: %s\n", err.msg);
    idr_vcheck_true(vc, "device builds", 0);
    goto out;
  }
  int n = d->n_unknowns, N = d->N;
  y = calloc((size_t)n, sizeof *y);
  if (!y) {
    idr_vcheck_true(vc, "allocation", 0);
    goto out;
  }
  idr_eq_stats es;
  snprintf(what, sizeof what, "T = %g K: equilibrium converges", T);
  if (!idr_vcheck_true(vc, what, idr_equilibrium(d, y, &es, &err) == IDR_OK)) {
    printf("  equilibrium: %s\n", err.msg);
    goto out;
  }
  printf("  T = %g K: %d nodes, %d unknowns, %d Newton iterations\n", T, N, n, es.iterations);

  /* (a) zero current */
  idr_current c;
  idr_terminal_current(d, y, NULL, &c);
  double fmax_term = idr_max_flux_term(d, y);
  printf("  T = %g K: J = %.3e A/m^2 (Jn %.3e, Jp %.3e, Jion %.3e), max flux term %.3e A/m^2\n", T,
         c.J, c.Jn, c.Jp, c.Jion, fmax_term);
  snprintf(what, sizeof what, "T = %g K: (a) |J| / max flux term", T);
  idr_vcheck_le(vc, what, fabs(c.J) / fmax_term, V02_J_REL_TOL);
  snprintf(what, sizeof what, "T = %g K: (a) |Jion| / max flux term", T);
  idr_vcheck_le(vc, what, fabs(c.Jion) / fmax_term, V02_J_REL_TOL);

  /* (b) flat quasi-Fermi levels, wherever the density is representable: at
   * low T a wide-gap layer's minority density (PTAA's electrons, ~1e-330
   * m^-3 at 40 K) underflows to 0 and has no quasi-Fermi level. A NaN
   * anywhere else fails the check (idr_max_abs keeps it). */
  double efn = 0.0, efp = 0.0;
  int n_zero = 0, p_zero = 0;
  for (int i = 0; i < N; i++) {
    if (idr_n(d, y, i) == 0.0 && d->lnn0[i] + y[d->iphi[i]] < V02_LN_UNDERFLOW)
      n_zero++;
    else
      efn = idr_max_abs(efn, idr_Efn(d, y, i));
    if (idr_p(d, y, i) == 0.0 && d->lnp0[i] - y[d->iphi[i]] < V02_LN_UNDERFLOW)
      p_zero++;
    else
      efp = idr_max_abs(efp, idr_Efp(d, y, i));
  }
  printf("  T = %g K: %d electron and %d hole densities below the smallest double\n", T, n_zero,
         p_zero);
  snprintf(what, sizeof what, "T = %g K: (b) max |E_Fn| [V]", T);
  idr_vcheck_le(vc, what, efn, V02_EF_TOL_V);
  snprintf(what, sizeof what, "T = %g K: (b) max |E_Fp| [V]", T);
  idr_vcheck_le(vc, what, efp, V02_EF_TOL_V);

  /* (c) a steady state of the time-dependent system */
  idr_sim_opts opts = idr_sim_opts_from_deck(&deck);
  idr_bias b0 = {0.0, 0.0};
  int ok = idr_sim_create(d, &opts, &sim, &err) == IDR_OK &&
           idr_sim_start(sim, 0.0, y, &b0, &err) == IDR_OK &&
           idr_sim_advance(sim, V02_STEADY_TIME_S, &err) == IDR_OK;
  snprintf(what, sizeof what, "T = %g K: (c) IDA integrates 1 s at 0 V from the equilibrium", T);
  if (!idr_vcheck_true(vc, what, ok)) {
    printf("  sim: %s\n", err.msg);
  } else {
    const double *y1 = idr_sim_y(sim);
    double worst = 0.0;
    int wu = -1;
    for (int u = 0; u < n; u++) {
      double e = fabs(y1[u] - y[u]) / (fabs(y[u]) + d->atol[u]);
      if (!(e <= worst)) { /* a NaN becomes the worst and fails the check */
        worst = e;
        wu = u;
      }
    }
    idr_sim_stats st;
    idr_sim_get_stats(sim, &st);
    idr_current c1;
    idr_terminal_current(d, y1, idr_sim_yp(sim), &c1);
    printf("  T = %g K: after 1 s: %ld steps, worst unknown %d (node %d), J = %.3e A/m^2 "
           "(Jdisp %.3e)\n",
           T, st.steps, wu, wu >= 0 ? d->node_of[wu] : -1, c1.J, c1.Jdisp);
    snprintf(what, sizeof what, "T = %g K: (c) max |y(1 s) - y(0)| / (|y(0)| + atol)", T);
    idr_vcheck_le(vc, what, worst, V02_STEADY_TOL);
    snprintf(what, sizeof what, "T = %g K: (c) |J(1 s)| / max flux term", T);
    idr_vcheck_le(vc, what, fabs(c1.J) / idr_max_flux_term(d, y1), V02_J_REL_TOL);
  }

  /* (d) built-in potential */
  double vbi = idr_phi(d, y, N - 1) - idr_phi(d, y, 0);
  snprintf(what, sizeof what,
           "T = %g K: (d) phi(L) - phi(0) [V] vs contact Fermi-level closed form", T);
  idr_vcheck_abs(vc, what, vbi, vbi_closed_form(&deck, T), V02_VBI_TOL_V);
out:
  idr_sim_free(&sim);
  free(y);
  idr_device_free(&d);
  idr_mesh_free(&m);
}

int main(void) {
  idr_vcase vc;
  idr_vcase_begin(&vc, "V02 dark equilibrium",
                  "J = 0, flat quasi-Fermi levels, a steady state, V_bi = contact Fermi-level "
                  "difference");
  run_T(&vc, 200.0);
  run_T(&vc, 300.0);
  /* 40 K: PTAA's n_i^2 = Nc Nv exp(-Eg/kT) underflows (below ~46 K), the
   * contact and the initial guess are computed in logarithms */
  run_T(&vc, 40.0);
  return idr_vcase_end(&vc);
}

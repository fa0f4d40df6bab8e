/*
 * Device: the deck's layers on a mesh at one temperature -> nodal parameters
 * in SI, the interleaved variable layout, solver metadata (algebraic or
 * differential, sign constraints, absolute tolerances) and the fixed CSC
 * sparsity pattern. Temperature laws: Nc, Nv ~ T^1.5, ion D = D0 exp(-Ea/kT),
 * carrier mobilities independent of T.
 */
#include "idr_physics.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Length scale of residual rows [m]. */
#define IDR_L0 1e-9
/* Absolute tolerance on trap occupations (dimensionless). */
#define IDR_ATOL_TRAP 1e-10

static double dens_T(double N300_cm3, double T) {
  return N300_cm3 * IDR_CM3_TO_M3 * pow(T / 300.0, 1.5);
}

static void fill_halfcell(idr_halfcell *hc, const idr_layer *ly, int layer, double vol, double T,
                          double Vt) {
  const idr_material *m = &ly->mat;
  hc->layer = layer;
  hc->vol = vol;
  hc->eps = m->eps_r * IDR_EPS0;
  hc->Nc = dens_T(m->Nc_cm3, T);
  hc->Nv = dens_T(m->Nv_cm3, T);
  hc->chi = m->chi_eV;
  hc->Eg = m->Eg_eV;
  hc->dop = (ly->N_D_cm3 - ly->N_A_cm3) * IDR_CM3_TO_M3;
  hc->ND_inc = hc->nD1 = hc->NA_inc = hc->pA1 = 0.0;
  if (ly->E_D_eV > 0.0) { /* donors of incomplete ionisation */
    hc->ND_inc = ly->N_D_cm3 * IDR_CM3_TO_M3;
    hc->nD1 = hc->Nc * exp(-ly->E_D_eV / Vt) / (ly->g_D > 0.0 ? ly->g_D : IDR_G_DONOR);
    hc->dop = -ly->N_A_cm3 * IDR_CM3_TO_M3;
  }
  if (ly->E_A_eV > 0.0) {
    hc->NA_inc = ly->N_A_cm3 * IDR_CM3_TO_M3;
    hc->pA1 = hc->Nv * exp(-ly->E_A_eV / Vt) / (ly->g_A > 0.0 ? ly->g_A : IDR_G_ACCEPTOR);
    hc->dop = (ly->E_D_eV > 0.0 ? 0.0 : ly->N_D_cm3) * IDR_CM3_TO_M3;
  }
  hc->ni2 = hc->Nc * hc->Nv * exp(-m->Eg_eV / Vt);
  hc->ni = sqrt(hc->ni2);
  hc->k_rad = m->k_rad_cm3_s * 1e-6;
  hc->C_n = m->C_n_auger_cm6_s * 1e-12;
  hc->C_p = m->C_p_auger_cm6_s * 1e-12;
  hc->tau_n = m->tau_n_s;
  hc->tau_p = m->tau_p_s;
  hc->gam_n = 1.0;
  hc->gam_p = 1.0;
  hc->G1 = 0.0;
}

/* ln of the equilibrium electron / hole density scale of a half cell, so that
 * n = exp(ln_n + psi) and p = exp(ln_p - psi). */
static double ln_n_scale(const idr_halfcell *hc, double chi_ref, double Vt) {
  return log(hc->Nc) + (hc->chi - chi_ref) / Vt;
}
static double ln_p_scale(const idr_halfcell *hc, double chi_ref, double Vt) {
  return log(hc->Nv) - (hc->chi + hc->Eg - chi_ref) / Vt;
}

/* Reference half cell of node i for a carrier: the existing side with the
 * larger equilibrium density. */
static int ref_side(const idr_device *d, int i, int electrons) {
  const idr_halfcell *L = &d->hc[2 * i], *R = &d->hc[2 * i + 1];
  if (L->layer < 0) return IDR_SIDE_R;
  if (R->layer < 0) return IDR_SIDE_L;
  double a = electrons ? ln_n_scale(L, d->chi_ref, d->Vt) : ln_p_scale(L, d->chi_ref, d->Vt);
  double b = electrons ? ln_n_scale(R, d->chi_ref, d->Vt) : ln_p_scale(R, d->chi_ref, d->Vt);
  return a >= b ? IDR_SIDE_L : IDR_SIDE_R;
}

/* Charge of the dopants in a half cell with densities n, p [m^-3]:
 * dop + N_D+(n) - N_A-(p) (incomplete ionisation, idr_halfcell). */
double idr_dopant_charge(const idr_halfcell *hc, double n, double p, double *d_dn, double *d_dp) {
  double rho = hc->dop, dn = 0.0, dp = 0.0;
  if (hc->ND_inc > 0.0) {
    double a = 1.0 / (1.0 + n / hc->nD1);
    rho += hc->ND_inc * a;
    dn = -hc->ND_inc * a * a / hc->nD1;
  }
  if (hc->NA_inc > 0.0) {
    double a = 1.0 / (1.0 + p / hc->pA1);
    rho -= hc->NA_inc * a;
    dp = hc->NA_inc * a * a / hc->pA1;
  }
  if (d_dn) *d_dn = dn;
  if (d_dp) *d_dp = dp;
  return rho;
}

/* Bisection steps of the neutral density (in ln n: 1e-15 relative at the end). */
#define IDR_NEUTRAL_BISECT 200

double idr_neutral_ln_n(const idr_halfcell *hc, double Vt) {
  const double ln_ni2 = log(hc->Nc) + log(hc->Nv) - hc->Eg / Vt;
  double big = fmax(fmax(fabs(hc->dop), hc->ND_inc + hc->NA_inc), 1.0);
  double lo = ln_ni2 - log(big) - 10.0, hi = log(big) + 10.0;
  if (lo > hi) { /* ni above every dopant: the intrinsic density brackets it */
    lo = 0.5 * ln_ni2 - 10.0;
    hi = 0.5 * ln_ni2 + 10.0;
  }
  for (int it = 0; it < IDR_NEUTRAL_BISECT && hi - lo > 1e-15 * fmax(1.0, fabs(hi)); it++) {
    double m = 0.5 * (lo + hi), n = exp(m), p = exp(ln_ni2 - m);
    /* n - p - (dopant charge) increases with n */
    if (n - p - idr_dopant_charge(hc, n, p, NULL, NULL) > 0.0)
      hi = m;
    else
      lo = m;
  }
  return 0.5 * (lo + hi);
}

void idr_device_free(idr_device **dp) {
  if (!dp || !*dp) return;
  idr_device *d = *dp;
  free(d->x);
  free(d->h);
  free(d->edge_layer);
  free(d->layer_first);
  free(d->eps_e);
  free(d->Dn_e);
  free(d->Dp_e);
  free(d->hc);
  free(d->s_n);
  free(d->s_p);
  free(d->ni2_if);
  free(d->ion_vol);
  free(d->levels);
  free(d->level_names);
  free(d->trap_vol);
  free(d->n1);
  free(d->p1);
  free(d->tg_n);
  free(d->tg_p);
  free(d->lnn0);
  free(d->lnp0);
  free(d->off);
  free(d->iphi);
  free(d->in);
  free(d->ip);
  free(d->iion);
  free(d->itrap);
  free(d->icount);
  free(d->node_of);
  free(d->is_diff);
  free(d->positive);
  free(d->atol);
  free(d->colptr);
  free(d->rowind);
  free(d->csc_base);
  free(d->ncore);
  free(d);
  *dp = NULL;
}

#define ALLOC(ptr, count)                                                                          \
  do {                                                                                             \
    (ptr) = calloc((size_t)(count) > 0 ? (size_t)(count) : 1, sizeof *(ptr));                      \
    if (!(ptr)) {                                                                                  \
      st = idr_error_set(err, IDR_ERR_NOMEM, "device: out of memory");                             \
      goto out_free;                                                                               \
    }                                                                                              \
  } while (0)

/* Trap unknowns of node i (the last ones of the node). */
/* The occupation-like unknowns of node i, after its core: trap levels and
 * counter-defects. */
static int trap_count(const idr_device *d, int i) {
  int c = 0;
  for (int j = 0; j < d->n_levels; j++)
    c += d->itrap[(size_t)i * d->n_levels + j] >= 0;
  for (int k = 0; k < d->n_ions; k++)
    c += d->icount[(size_t)i * d->n_ions + k] >= 0;
  return c;
}

idr_status idr_device_build(const idr_deck *deck, const idr_mesh *mesh, double T_K,
                            idr_device **out, idr_error *err) {
  *out = NULL;
  idr_status st = IDR_OK;
  if (!(T_K > 0.0)) return idr_error_set(err, IDR_ERR_INPUT, "device: temperature must be > 0 K");
  if (mesh->n_layers != deck->n_layers)
    return idr_error_set(err, IDR_ERR_INPUT, "device: mesh has %d layers, deck %d", mesh->n_layers,
                         deck->n_layers);
  idr_device *d = calloc(1, sizeof *d);
  if (!d) return idr_error_set(err, IDR_ERR_NOMEM, "device: out of memory");
  const int N = mesh->n;
  d->N = N;
  d->T = T_K;
  d->Vt = idr_thermal_voltage(T_K);
  d->L0 = IDR_L0;
  d->n_layers = deck->n_layers;
  ALLOC(d->x, N);
  ALLOC(d->h, N - 1);
  ALLOC(d->edge_layer, N - 1);
  ALLOC(d->layer_first, deck->n_layers + 1);
  memcpy(d->x, mesh->x, (size_t)N * sizeof *d->x);
  memcpy(d->layer_first, mesh->layer_first, ((size_t)deck->n_layers + 1) * sizeof(int));
  for (int e = 0; e < N - 1; e++) {
    d->h[e] = d->x[e + 1] - d->x[e];
    int l = 0;
    while (l + 1 < deck->n_layers && e >= d->layer_first[l + 1])
      l++;
    d->edge_layer[e] = l;
  }

  /* potential reference: mid-gap of the thickest layer */
  {
    int thick = 0;
    for (int l = 1; l < deck->n_layers; l++)
      if (deck->layers[l].thickness_nm > deck->layers[thick].thickness_nm) thick = l;
    d->chi_ref = deck->layers[thick].mat.chi_eV + 0.5 * deck->layers[thick].mat.Eg_eV;
  }
  /* density scale */
  {
    double N0 = 1e22;
    for (int l = 0; l < deck->n_layers; l++) {
      N0 = fmax(N0, deck->layers[l].N_A_cm3 * IDR_CM3_TO_M3);
      N0 = fmax(N0, deck->layers[l].N_D_cm3 * IDR_CM3_TO_M3);
    }
    for (int k = 0; k < deck->n_ions; k++)
      N0 = fmax(N0, deck->ions[k].density_cm3 * IDR_CM3_TO_M3);
    d->N0 = N0;
  }

  /* edges and half cells */
  ALLOC(d->eps_e, N - 1);
  ALLOC(d->Dn_e, N - 1);
  ALLOC(d->Dp_e, N - 1);
  ALLOC(d->hc, 2 * N);
  for (int e = 0; e < N - 1; e++) {
    const idr_material *m = &deck->layers[d->edge_layer[e]].mat;
    d->eps_e[e] = m->eps_r * IDR_EPS0;
    d->Dn_e[e] = m->mu_n_cm2_Vs * IDR_CM2_TO_M2 * d->Vt;
    d->Dp_e[e] = m->mu_p_cm2_Vs * IDR_CM2_TO_M2 * d->Vt;
  }
  for (int i = 0; i < N; i++) {
    d->hc[2 * i].layer = -1;
    d->hc[2 * i + 1].layer = -1;
    if (i > 0) {
      int l = d->edge_layer[i - 1];
      fill_halfcell(&d->hc[2 * i], &deck->layers[l], l, 0.5 * d->h[i - 1], T_K, d->Vt);
    }
    if (i < N - 1) {
      int l = d->edge_layer[i];
      fill_halfcell(&d->hc[2 * i + 1], &deck->layers[l], l, 0.5 * d->h[i], T_K, d->Vt);
    }
  }
  /* gamma factors (continuous quasi-Fermi levels across interfaces) */
  for (int i = 0; i < N; i++) {
    int rn = ref_side(d, i, 1), rp = ref_side(d, i, 0);
    double lnn = ln_n_scale(&d->hc[2 * i + rn], d->chi_ref, d->Vt);
    double lnp = ln_p_scale(&d->hc[2 * i + rp], d->chi_ref, d->Vt);
    for (int s = 0; s < 2; s++) {
      idr_halfcell *hc = &d->hc[2 * i + s];
      if (hc->layer < 0) continue;
      hc->gam_n = exp(ln_n_scale(hc, d->chi_ref, d->Vt) - lnn);
      hc->gam_p = exp(ln_p_scale(hc, d->chi_ref, d->Vt) - lnp);
    }
  }
  ALLOC(d->lnn0, N);
  ALLOC(d->lnp0, N);
  for (int i = 0; i < N; i++) {
    d->lnn0[i] = ln_n_scale(&d->hc[2 * i + ref_side(d, i, 1)], d->chi_ref, d->Vt);
    d->lnp0[i] = ln_p_scale(&d->hc[2 * i + ref_side(d, i, 0)], d->chi_ref, d->Vt);
  }
  /* interfaces */
  ALLOC(d->s_n, N);
  ALLOC(d->s_p, N);
  ALLOC(d->ni2_if, N);
  for (int i = 0; i < N; i++) {
    int rn = ref_side(d, i, 1), rp = ref_side(d, i, 0);
    d->ni2_if[i] = exp(ln_n_scale(&d->hc[2 * i + rn], d->chi_ref, d->Vt) +
                       ln_p_scale(&d->hc[2 * i + rp], d->chi_ref, d->Vt));
  }
  for (int l = 0; l + 1 < deck->n_layers; l++) {
    int i = d->layer_first[l + 1];
    d->s_n[i] = deck->interfaces[l].s_n_cm_s * IDR_CM_TO_M;
    d->s_p[i] = deck->interfaces[l].s_p_cm_s * IDR_CM_TO_M;
  }
  /* generation at 1 sun, integrated over each half cell */
  if (deck->generation.model == IDR_GEN_UNIFORM) {
    for (int i = 0; i < 2 * N; i++)
      if (d->hc[i].layer >= 0)
        d->hc[i].G1 =
            deck->layers[d->hc[i].layer].mat.G_uniform_cm3_s * IDR_CM3_TO_M3 * d->hc[i].vol;
  } else if (deck->generation.model == IDR_GEN_BEER_LAMBERT) {
    double flux = deck->generation.photon_flux_cm2_s * 1e4; /* [m^-2 s^-1] */
    int from_right = deck->generation.from_right;
    /* optical depth at node i from the illuminated side */
    double tau = 0.0;
    for (int k = 0; k < N - 1; k++) {
      int e = from_right ? N - 2 - k : k;
      double a = deck->layers[d->edge_layer[e]].mat.alpha_cm * 100.0; /* [1/m] */
      double half = 0.5 * d->h[e];
      /* the half cell nearer the light first, then the farther one */
      int i_near = from_right ? e + 1 : e, i_far = from_right ? e : e + 1;
      idr_halfcell *near = &d->hc[2 * i_near + (from_right ? IDR_SIDE_L : IDR_SIDE_R)];
      idr_halfcell *far = &d->hc[2 * i_far + (from_right ? IDR_SIDE_R : IDR_SIDE_L)];
      near->G1 = flux * (exp(-tau) - exp(-(tau + a * half)));
      far->G1 = flux * (exp(-(tau + a * half)) - exp(-(tau + 2.0 * a * half)));
      tau += a * d->h[e];
    }
  }

  /* ions */
  d->n_ions = deck->n_ions;
  ALLOC(d->ion_vol, (size_t)N * (size_t)(deck->n_ions > 0 ? deck->n_ions : 1));
  for (int k = 0; k < deck->n_ions; k++) {
    const idr_ion_species *is = &deck->ions[k];
    idr_ion *io = &d->ions[k];
    io->z = is->z;
    io->layer_mask = is->layer_mask;
    io->c0 = is->density_cm3 * IDR_CM3_TO_M3;
    io->D = is->D0_cm2_s * IDR_CM2_TO_M2 * exp(-is->Ea_eV / (IDR_KB_EV * T_K));
    io->c_max = is->c_max_cm3 * IDR_CM3_TO_M3;
    io->lower_a = is->lowering_dEa_eV / (IDR_KB_EV * T_K);
    io->nth2 = pow(is->lowering_n_theta_cm3 * IDR_CM3_TO_M3, 2);
    io->block_by = is->blocked_by;
    io->inv_cblock = is->block_c_cm3 > 0 ? 1.0 / (is->block_c_cm3 * IDR_CM3_TO_M3) : 0.0;
    io->block_static = is->block_c_cm3 > 0 ? is->block_density_cm3 / is->block_c_cm3 : 0.0;
    io->kgen = is->creation_k_gen_1_s;
    io->pairs = io->kgen > 0;
    d->any_pairs |= io->pairs;
    d->any_light_D |= io->lower_a != 0.0 || io->inv_cblock > 0.0;
    io->gen_by_electrons = is->creation_electrons;
    io->gen_nth2 = pow(is->creation_n_theta_cm3 * IDR_CM3_TO_M3, 2);
    io->krec = io->kgen > 0
                   ? 1.0 / (is->creation_tau_rec_s * is->creation_N_rec_cm3 * IDR_CM3_TO_M3)
                   : 0.0;
    snprintf(d->ion_names[k], IDR_NAME_LEN, "%s", is->name);
    for (int i = 0; i < N; i++) {
      double v = 0.0;
      for (int s = 0; s < 2; s++) {
        const idr_halfcell *hc = &d->hc[2 * i + s];
        if (hc->layer >= 0 && (is->layer_mask >> hc->layer) & 1u) v += hc->vol;
      }
      d->ion_vol[(size_t)i * deck->n_ions + k] = v;
    }
  }
  /* traps (device_traps.c) */
  st = idr_device_build_traps(deck, d, err);
  if (st) goto out_free;

  /* contacts */
  for (int c = 0; c < 2; c++) {
    int i = c == 0 ? 0 : N - 1;
    const idr_halfcell *hc = &d->hc[2 * i + (c == 0 ? IDR_SIDE_R : IDR_SIDE_L)];
    const idr_contact_spec *cs = c == 0 ? &deck->contact_left : &deck->contact_right;
    double lnn = ln_n_scale(hc, d->chi_ref, d->Vt);
    double psi;
    if (isnan(cs->work_function_eV) && (hc->ND_inc > 0.0 || hc->NA_inc > 0.0)) {
      psi = idr_neutral_ln_n(hc, d->Vt) - lnn;
    } else if (isnan(cs->work_function_eV)) {
      double dop = hc->dop, n, p;
      double r = sqrt(0.25 * dop * dop + hc->ni2);
      if (dop >= 0) {
        n = 0.5 * dop + r;
        p = hc->ni2 / n;
      } else {
        p = -0.5 * dop + r;
        n = hc->ni2 / p;
      }
      if (n > DBL_MIN && p > DBL_MIN) {
        psi = log(n) - lnn;
      } else {
        /* the minority density ni2 / majority underflows at low temperature
         * (PTAA's ni2 below ~46 K): the same neutral contact in logarithms */
        const double ln_ni2 = log(hc->Nc) + log(hc->Nv) - hc->Eg / d->Vt;
        const double ln_n = dop == 0.0 ? 0.5 * ln_ni2 : dop > 0 ? log(n) : ln_ni2 - log(p);
        psi = ln_n - lnn;
      }
    } else {
      psi = (d->chi_ref - cs->work_function_eV) / d->Vt;
    }
    d->psi_bc[c] = psi;
    d->n_bc[c] = exp(lnn + psi);
    d->p_bc[c] = exp(ln_p_scale(hc, d->chi_ref, d->Vt) - psi);
  }

  /* variable layout */
  int ni = d->n_ions, nt = d->n_levels;
  ALLOC(d->off, N + 1);
  ALLOC(d->iphi, N);
  ALLOC(d->in, N);
  ALLOC(d->ip, N);
  ALLOC(d->iion, (size_t)N * (ni > 0 ? ni : 1));
  ALLOC(d->itrap, (size_t)N * (nt > 0 ? nt : 1));
  ALLOC(d->icount, (size_t)N * (ni > 0 ? ni : 1));
  {
    int u = 0;
    for (int i = 0; i < N; i++) {
      d->off[i] = u;
      d->iphi[i] = u++;
      d->in[i] = u++;
      d->ip[i] = u++;
      for (int k = 0; k < ni; k++)
        d->iion[(size_t)i * ni + k] = d->ion_vol[(size_t)i * ni + k] > 0 ? u++ : -1;
      for (int j = 0; j < nt; j++)
        d->itrap[(size_t)i * nt + j] = d->trap_vol[(size_t)i * nt + j] > 0 ? u++ : -1;
      for (int k = 0; k < ni; k++)
        d->icount[(size_t)i * ni + k] =
            d->ions[k].pairs && d->ion_vol[(size_t)i * ni + k] > 0 ? u++ : -1;
    }
    d->off[N] = u;
    d->n_unknowns = u;
  }
  int nu = d->n_unknowns;
  ALLOC(d->node_of, nu);
  ALLOC(d->is_diff, nu);
  ALLOC(d->positive, nu);
  ALLOC(d->atol, nu);
  {
    double atol_d = deck->solver.atol_density_cm3 > 0 ? deck->solver.atol_density_cm3 : 1e3;
    double atol_p = deck->solver.atol_potential_V > 0 ? deck->solver.atol_potential_V : 1e-9;
    for (int i = 0; i < N; i++) {
      int contact = (i == 0 || i == N - 1);
      for (int u = d->off[i]; u < d->off[i + 1]; u++) {
        d->node_of[u] = i;
        d->is_diff[u] = 1.0;
        d->positive[u] = 1.0;
        d->atol[u] = atol_d * IDR_CM3_TO_M3 / d->N0;
      }
      d->is_diff[d->iphi[i]] = 0.0;
      d->positive[d->iphi[i]] = 0.0;
      d->atol[d->iphi[i]] = atol_p / d->Vt;
      if (contact) {
        d->is_diff[d->in[i]] = 0.0;
        d->is_diff[d->ip[i]] = 0.0;
      }
      for (int j = 0; j < nt; j++) {
        int u = d->itrap[(size_t)i * nt + j];
        if (u >= 0) {
          d->positive[u] = 0.0;
          d->atol[u] = IDR_ATOL_TRAP;
        }
      }
    }
  }
  /* CSC pattern (idr_physics.h): the core unknowns of node j (potential,
   * carriers, ions) couple to the unknowns of j-1, j and the core of j+1 (a
   * contiguous range of rows; the traps of j-1 are structural zeros there);
   * a trap occupation only to the core of its node and to itself */
  ALLOC(d->ncore, N);
  for (int i = 0; i < N; i++)
    d->ncore[i] = d->off[i + 1] - d->off[i] - trap_count(d, i);
  ALLOC(d->colptr, nu + 1);
  ALLOC(d->csc_base, nu);
  {
    long nnz = 0;
    for (int c = 0; c < nu; c++) {
      const int j = d->node_of[c];
      d->colptr[c] = nnz;
      if (c - d->off[j] >= d->ncore[j]) { /* a trap: core(j), then its own row */
        d->csc_base[c] = nnz - d->off[j];
        nnz += d->ncore[j] + 1;
      } else {
        const int r0 = d->off[j > 0 ? j - 1 : 0];
        const int r1 = j < N - 1 ? d->off[j + 1] + d->ncore[j + 1] : d->off[N];
        d->csc_base[c] = nnz - r0;
        nnz += r1 - r0;
      }
    }
    d->colptr[nu] = nnz;
    d->nnz = nnz;
    ALLOC(d->rowind, nnz);
    for (int c = 0; c < nu; c++) {
      const int j = d->node_of[c];
      long q = d->colptr[c];
      if (c - d->off[j] >= d->ncore[j]) {
        for (int r = d->off[j]; r < d->off[j] + d->ncore[j]; r++)
          d->rowind[q++] = r;
        d->rowind[q++] = c;
      } else {
        for (long r = d->colptr[c] - d->csc_base[c]; q < d->colptr[c + 1]; r++)
          d->rowind[q++] = r;
      }
    }
  }
  *out = d;
  return IDR_OK;
out_free:
  idr_device_free(&d);
  return st;
}

void idr_device_set_density_atol(idr_device *d, double atol_cm3) {
  for (int i = 0; i < d->N; i++) {
    d->atol[d->in[i]] = atol_cm3 * IDR_CM3_TO_M3 / d->N0;
    d->atol[d->ip[i]] = atol_cm3 * IDR_CM3_TO_M3 / d->N0;
    for (int k = 0; k < d->n_ions; k++) {
      int u = d->iion[(size_t)i * d->n_ions + k], m = d->icount[(size_t)i * d->n_ions + k];
      if (u >= 0) d->atol[u] = atol_cm3 * IDR_CM3_TO_M3 / d->N0;
      if (m >= 0) d->atol[m] = atol_cm3 * IDR_CM3_TO_M3 / d->N0;
    }
  }
}

long idr_device_csc_pos(const idr_device *dev, int row, int col) {
  if (row < 0 || col < 0 || row >= dev->n_unknowns || col >= dev->n_unknowns) return -1;
  const int j = dev->node_of[col];
  if (col - dev->off[j] >= dev->ncore[j]) { /* a trap column */
    if (row == col) return dev->colptr[col] + dev->ncore[j];
    if (row < dev->off[j] || row >= dev->off[j] + dev->ncore[j]) return -1;
    return dev->csc_base[col] + row;
  }
  long q = dev->csc_base[col] + row;
  if (q < dev->colptr[col] || q >= dev->colptr[col + 1]) return -1;
  return q;
}

/*
 * Device: the deck's traps -> discrete levels and their nodal parameters.
 * A Gaussian band of width sigma is split into `levels` levels over
 * +-IDR_GAUSS_SPAN sigma with Gaussian weights. Each level sits
 *   - uniformly in its layer (control volume of the node inside the layer),
 *   - in part of it, [from, to] from the layer's left edge (the overlap of
 *     the node's control volume with that interval, so the number of sites
 *     is exact on any mesh),
 *   - at an interface, as a sheet density N_s on the interface node: it
 *     captures from both half cells, rn = c_n [sum_s n_s (1-f) - sum_s n1_s f]
 *     with n1_s = Nc_s exp(-(Ec_s - Et)/kT) (Et fixed in absolute energy,
 *     Ec_s = -chi_s), so detailed balance holds on both sides,
 *   - or bound to an ion species: sites s Nt with s = c/c0 (idr_trap_level).
 * SRH densities n1 = Nc exp(-(Ec - Et)/kT), p1 = Nv exp(-(Et - Ev)/kT).
 */
#include "idr_physics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Gaussian trap bands are sampled over +-this many standard deviations. */
#define IDR_GAUSS_SPAN 2.5
/* Levels of one Gaussian band at most. */
#define IDR_GAUSS_MAX_LEVELS 256

#define ALLOC(ptr, count)                                                                          \
  do {                                                                                             \
    (ptr) = calloc((size_t)(count) > 0 ? (size_t)(count) : 1, sizeof *(ptr));                      \
    if (!(ptr)) return idr_error_set(err, IDR_ERR_NOMEM, "device: out of memory");                 \
  } while (0)

/* Levels of the dopants of incomplete ionisation of layer l (0, 1 or 2). */
static int dopant_levels(const idr_layer *ly) {
  return (ly->E_D_eV > 0.0 && ly->N_D_cm3 > 0.0) + (ly->E_A_eV > 0.0 && ly->N_A_cm3 > 0.0);
}

/* The dopant levels of every layer from level j on; returns the next j. A
 * donor is a donor-like level E_D below Ec capturing electrons, an acceptor
 * an acceptor-like level E_A above Ev capturing holes (majority capture
 * c_dopant, no minority capture). */
static int add_dopants(const idr_deck *deck, idr_device *d, int j) {
  for (int l = 0; l < deck->n_layers; l++) {
    const idr_layer *ly = &deck->layers[l];
    const double c = (ly->c_dopant_cm3_s > 0.0 ? ly->c_dopant_cm3_s : IDR_C_DOPANT) * 1e-6;
    for (int a = 0; a < 2; a++) {
      const double E = a ? ly->E_A_eV : ly->E_D_eV, N = a ? ly->N_A_cm3 : ly->N_D_cm3;
      if (!(E > 0.0 && N > 0.0)) continue;
      const double g =
          a ? (ly->g_A > 0.0 ? ly->g_A : IDR_G_ACCEPTOR) : (ly->g_D > 0.0 ? ly->g_D : IDR_G_DONOR);
      idr_trap_level *lv = &d->levels[j];
      lv->layer = l;
      lv->acceptor = a;
      lv->ion = -1;
      lv->inv_c0 = 0.0;
      lv->Nt = N * IDR_CM3_TO_M3;
      lv->c_n = a ? 0.0 : c;
      lv->c_p = a ? c : 0.0;
      lv->Et_from_Ec = a ? ly->mat.Eg_eV - E : E;
      lv->spec = -1;
      lv->g = a ? 1.0 / g : g;
      snprintf(d->level_names[j], IDR_NAME_LEN, "%s_%.40s", a ? "N_A" : "N_D", ly->name);
      j++;
    }
  }
  return j;
}

/* Expand the deck's trap specs (and the dopants of incomplete ionisation)
 * into discrete levels. */
static idr_status build_levels(const idr_deck *deck, idr_device *d, idr_error *err) {
  int total = 0;
  for (int l = 0; l < deck->n_layers; l++)
    total += dopant_levels(&deck->layers[l]);
  for (int t = 0; t < deck->n_traps; t++) {
    const idr_trap_spec *ts = &deck->traps[t];
    int m = (ts->sigma_E_eV > 0 && ts->levels > 1) ? ts->levels : 1;
    total += m > IDR_GAUSS_MAX_LEVELS ? IDR_GAUSS_MAX_LEVELS : m;
  }
  d->n_levels = total;
  ALLOC(d->levels, total);
  ALLOC(d->level_names, total);
  int j = 0;
  for (int t = 0; t < deck->n_traps; t++) {
    const idr_trap_spec *ts = &deck->traps[t];
    const idr_layer *ly = &deck->layers[ts->layer];
    double Eg = ly->mat.Eg_eV;
    double E_c = ts->ref == IDR_EREF_EC ? ts->E_eV : Eg - ts->E_eV; /* Ec - Et */
    int m = (ts->sigma_E_eV > 0 && ts->levels > 1) ? ts->levels : 1;
    double wsum = 0.0;
    double w[IDR_GAUSS_MAX_LEVELS];
    double Ek[IDR_GAUSS_MAX_LEVELS];
    if (m > IDR_GAUSS_MAX_LEVELS) m = IDR_GAUSS_MAX_LEVELS;
    for (int k = 0; k < m; k++) {
      double u = m == 1 ? 0.0 : (2.0 * k / (m - 1) - 1.0) * IDR_GAUSS_SPAN;
      Ek[k] = E_c + u * ts->sigma_E_eV;
      w[k] = exp(-0.5 * u * u);
      wsum += w[k];
    }
    /* the mean density of the level: volume density, or (interface) the
     * sheet density, divided by the interface node's volume below */
    double N = ts->at_interface ? ts->sheet_density_cm2 * 1e4 : ts->density_cm3 * IDR_CM3_TO_M3;
    for (int k = 0; k < m; k++, j++) {
      if (!(Ek[k] > 0.0 && Ek[k] < Eg)) {
        return idr_error_set(err, IDR_ERR_INPUT,
                             "%s:%d:%d: traps[%d] level %d lies outside the gap of layer '%s' "
                             "(Ec - Et = %.4g eV, Eg = %.4g eV); narrow sigma_E_eV",
                             deck->path, ts->loc.line, ts->loc.col, t, k, ly->name, Ek[k], Eg);
      }
      idr_trap_level *lv = &d->levels[j];
      lv->layer = ts->layer;
      lv->acceptor = ts->type == IDR_TRAP_ACCEPTOR;
      lv->Nt = N * w[k] / wsum;
      lv->c_n = ts->c_n_cm3_s * 1e-6;
      lv->c_p = ts->c_p_cm3_s * 1e-6;
      lv->Et_from_Ec = Ek[k];
      lv->spec = t;
      lv->g = 1.0;
      lv->ion = ts->bound ? ts->ion : -1;
      lv->inv_c0 = 0.0;
      if (ts->bound && d->ions[ts->ion].c0 > 0.0) lv->inv_c0 = 1.0 / d->ions[ts->ion].c0;
      if (m == 1)
        snprintf(d->level_names[j], IDR_NAME_LEN, "%s", ts->name);
      else
        snprintf(d->level_names[j], IDR_NAME_LEN, "%.40s_%d", ts->name, k);
    }
  }
  add_dopants(deck, d, j);
  return IDR_OK;
}

/* Length of [a, b] inside [lo, hi] [m]. */
static double overlap(double a, double b, double lo, double hi) {
  double l = fmax(a, lo), r = fmin(b, hi);
  return r > l ? r - l : 0.0;
}

/* Control volume of node i inside [lo, hi] of layer `layer` [m]. */
static double part_volume(const idr_device *d, int i, int layer, double lo, double hi) {
  double v = 0.0;
  if (i > 0 && d->hc[2 * i].layer == layer)
    v += overlap(d->x[i] - d->hc[2 * i].vol, d->x[i], lo, hi);
  if (i < d->N - 1 && d->hc[2 * i + 1].layer == layer)
    v += overlap(d->x[i], d->x[i] + d->hc[2 * i + 1].vol, lo, hi);
  return v;
}

/* A bulk level (whole layer or part of it) at every node. */
static void place_bulk(const idr_deck *deck, idr_device *d, int j) {
  const idr_trap_level *lv = &d->levels[j];
  const idr_trap_spec *ts = lv->spec >= 0 ? &deck->traps[lv->spec] : NULL;
  const int whole = !ts || (ts->from_nm == 0.0 && ts->to_nm == 0.0);
  const double x0 = d->x[d->layer_first[lv->layer]];
  const double lo = x0 + (ts ? ts->from_nm * IDR_NM_TO_M : 0.0);
  const double hi =
      ts && ts->to_nm > 0.0 ? x0 + ts->to_nm * IDR_NM_TO_M : d->x[d->layer_first[lv->layer + 1]];
  for (int i = 0; i < d->N; i++) {
    double v = 0.0;
    const idr_halfcell *in_layer = NULL;
    for (int s = 0; s < 2; s++) {
      const idr_halfcell *hc = &d->hc[2 * i + s];
      if (hc->layer == lv->layer) {
        v += hc->vol;
        in_layer = hc;
      }
    }
    if (!whole && in_layer) v = part_volume(d, i, lv->layer, lo, hi);
    size_t q = (size_t)i * d->n_levels + j;
    d->trap_vol[q] = v;
    if (in_layer && v > 0.0) {
      d->n1[q] = in_layer->Nc * exp(-lv->Et_from_Ec / d->Vt) / lv->g;
      d->p1[q] = in_layer->Nv * exp(-(in_layer->Eg - lv->Et_from_Ec) / d->Vt) * lv->g;
      d->tg_n[q] = in_layer->gam_n;
      d->tg_p[q] = in_layer->gam_p;
    }
  }
}

/* An interface level on the node between its layer and the neighbour. */
static void place_interface(const idr_deck *deck, idr_device *d, int j) {
  idr_trap_level *lv = &d->levels[j];
  const idr_trap_spec *ts = &deck->traps[lv->spec];
  const int l = lv->layer, o = ts->interface_layer;
  const int i = d->layer_first[l > o ? l : o];
  const size_t q = (size_t)i * d->n_levels + j;
  const double chi_ref = deck->layers[l].mat.chi_eV;
  double v = 0.0, n1 = 0.0, p1 = 0.0, gn = 0.0, gp = 0.0;
  for (int s = 0; s < 2; s++) {
    const idr_halfcell *hc = &d->hc[2 * i + s];
    if (hc->layer < 0) continue;
    const double ec_et = lv->Et_from_Ec + chi_ref - hc->chi; /* Ec_s - Et [eV] */
    n1 += hc->Nc * exp(-ec_et / d->Vt);
    p1 += hc->Nv * exp(-(hc->Eg - ec_et) / d->Vt);
    gn += hc->gam_n;
    gp += hc->gam_p;
    v += hc->vol;
  }
  lv->Nt /= v; /* the sheet spread over the node's control volume */
  d->trap_vol[q] = v;
  d->n1[q] = n1;
  d->p1[q] = p1;
  d->tg_n[q] = gn;
  d->tg_p[q] = gp;
}

idr_status idr_device_build_traps(const idr_deck *deck, idr_device *d, idr_error *err) {
  idr_status st = build_levels(deck, d, err);
  if (st) return st;
  const size_t nl = (size_t)(d->n_levels > 0 ? d->n_levels : 1), N = (size_t)d->N;
  ALLOC(d->trap_vol, N * nl);
  ALLOC(d->n1, N * nl);
  ALLOC(d->p1, N * nl);
  ALLOC(d->tg_n, N * nl);
  ALLOC(d->tg_p, N * nl);
  for (int k = 0; k < d->n_ions; k++)
    d->ions[k].z_current = d->ions[k].z;
  for (int j = 0; j < d->n_levels; j++) {
    idr_trap_level *lv = &d->levels[j];
    if (lv->spec >= 0 && deck->traps[lv->spec].at_interface)
      place_interface(deck, d, j);
    else
      place_bulk(deck, d, j);
    /* an empty donor site bound to an ion carries +q with it */
    if (lv->ion >= 0 && !lv->acceptor) d->ions[lv->ion].z_current += lv->Nt * lv->inv_c0;
  }
  return IDR_OK;
}

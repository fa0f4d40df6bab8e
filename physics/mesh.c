/*
 * Mesh: node positions for a layer stack. Each layer is meshed on its own,
 * refined towards its graded edges (where the Debye and Gouy-Chapman layers
 * of ions and carriers sit) by a spacing that grows linearly with the
 * distance from the edge, plus a uniform share over the whole layer (see
 * the graded law below). A neutral ohmic contact is not graded (nothing
 * happens there); the edge spacing of a layer grows with its permittivity.
 * Layer boundaries are nodes.
 */
#include "idr_physics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Minimum intervals of a layer meshed automatically: resolves at least a
 * coarse profile. A layer's explicit `nodes` is used as given (>= 3). */
#define IDR_MESH_MIN_INTERVALS 12
/* Share of a layer's intervals spread uniformly over it (graded law). */
#define IDR_MESH_UNIFORM_SHARE 0.3
/* Growth of the spacing per unit distance away from a layer edge until it
 * meets the layer's own law (neighbouring intervals: at most e^0.5 = 1.65
 * apart). */
#define IDR_MESH_EDGE_GROWTH 0.5

/* Graded law. In a layer of thickness d the node density (nodes per nm) at
 * x from its left edge is
 *   rho(x) = 1/s(x; hL) + 1/s(d - x; hR) + b,   s(u; h) = min(h0 + G u, h + g u),
 * a spacing growing linearly with the distance u from each graded edge (a
 * side that is not graded has no term) plus a uniform part b that keeps the
 * middle of thick layers resolved (a depletion edge moves there). The
 * layer's own law h + g u starts from its edge spacing h; next to the edge
 * the spacing starts from h0 = mesh.h_min_nm and grows by G =
 * IDR_MESH_EDGE_GROWTH per unit length until it meets it, so neighbouring
 * intervals never differ by more than a factor e^G, also across an
 * interface (and the control volume of an interface node stays h0 wide).
 * The uniform part holds the share IDR_MESH_UNIFORM_SHARE of the layer's m
 * intervals: b = share m / d, and m (1 - share) is the integral of the
 * graded terms (side_count; ln(1 + g d/h) / g per side when h = h0).
 * The growth g is common to the automatic layers (spends mesh.nodes), so a
 * thin layer gets nodes in proportion to the log of its thickness.
 * The edge spacing h is h0 times sqrt(eps_r / (the smallest eps_r of the
 * stack)): the Debye length sqrt(eps kT / (q^2 c)) at the same density c
 * scales so (PTAA | FAPbI3 | C60: 0.05 / 0.20 / 0.06 nm); the scaling of
 * the Gouy-Chapman length at the same displacement, eps_r / eps_min, was
 * too coarse for the accumulated ions of examples/xiang2026.yaml (V19). A
 * neutral ohmic contact is not graded. docs/accuracy.md has the
 * measurements behind each choice.
 *
 * The spacings of a layer's edges. */
typedef struct {
  double hL, hR; /* the layer's edge spacings [nm]; 0: that side is not graded */
  double h0;     /* the spacing at the edge itself, mesh.h_min_nm [nm] */
} edge_spacing;

/* Intervals of one graded side within u [nm] of its edge, at growth g:
 * the integral of 1/s over [0, u] for the spacing s(v) = min(h0 + G v,
 * h + g v), G = IDR_MESH_EDGE_GROWTH (0 when the side is not graded). */
static double side_count(double g, double u, double h, double h0) {
  const double G = IDR_MESH_EDGE_GROWTH;
  if (!(h > 0.0)) return 0.0;
  if (h <= h0 || g >= G) return log1p(g * u / h) / g;
  double us = (h - h0) / (G - g); /* where the two laws meet */
  if (u <= us) return log1p(G * u / h0) / G;
  return log1p(G * us / h0) / G + log1p(g * (u - us) / (h + g * us)) / g;
}

/* Intervals of a layer of thickness d [nm] at growth g (> 0). */
static double grad_intervals(double g, double d, edge_spacing h, double share) {
  return (side_count(g, d, h.hL, h.h0) + side_count(g, d, h.hR, h.h0)) / (1.0 - share);
}

/* The limit g -> 0 of grad_intervals: above it a uniform mesh is finer
 * than the graded one could be. */
static double grad_limit(double d, edge_spacing h, double share) {
  return grad_intervals(1e-12, d, h, share);
}

/* Growth g of a layer with m intervals; 0 when a uniform mesh is finer than
 * the graded part could be. */
static double grad_growth(double d, edge_spacing h, double m, double share) {
  if (m >= grad_limit(d, h, share)) return 0.0;
  double lo = 0.0, hi = 1.0;
  while (grad_intervals(hi, d, h, share) > m && hi < 1e9)
    hi *= 2.0;
  for (int it = 0; it < 200; it++) {
    double mid = 0.5 * (lo + hi);
    if (grad_intervals(mid, d, h, share) > m)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* A contact needs no grading when nothing happens there: flat band (no
 * work function) at a doped layer that holds no mobile ions. */
static int contact_neutral(const idr_deck *deck, int l, const idr_contact_spec *c) {
  const idr_layer *ly = &deck->layers[l];
  if (!isnan(c->work_function_eV)) return 0;
  if (!(ly->N_A_cm3 > 0.0 || ly->N_D_cm3 > 0.0)) return 0;
  for (int k = 0; k < deck->n_ions; k++)
    if ((deck->ions[k].layer_mask >> l) & 1u) return 0;
  return 1;
}

/* The edge spacings of layer l (see the graded law). A layer with neither
 * side graded (one layer between two neutral contacts) is graded at both. */
static edge_spacing layer_edges(const idr_deck *deck, int l, double h_min) {
  double eps_min = deck->layers[0].mat.eps_r;
  for (int i = 1; i < deck->n_layers; i++)
    eps_min = fmin(eps_min, deck->layers[i].mat.eps_r);
  double h = h_min;
  if (eps_min > 0.0 && deck->layers[l].mat.eps_r > eps_min)
    h = h_min * sqrt(deck->layers[l].mat.eps_r / eps_min);
  edge_spacing e = {h, h, h_min};
  if (l == 0 && contact_neutral(deck, l, &deck->contact_left)) e.hL = 0.0;
  if (l == deck->n_layers - 1 && contact_neutral(deck, l, &deck->contact_right)) e.hR = 0.0;
  if (e.hL == 0.0 && e.hR == 0.0) e.hL = e.hR = h;
  return e;
}

/* Intervals of every automatic layer (no explicit `nodes`) at growth g. */
static double auto_intervals(const idr_deck *deck, double g, double h_min, double share) {
  double sum = 0.0;
  for (int l = 0; l < deck->n_layers; l++)
    if (deck->layers[l].nodes <= 0)
      sum += grad_intervals(g, deck->layers[l].thickness_nm, layer_edges(deck, l, h_min), share);
  return sum;
}

/* Node count N(x) below x [nm] of a graded layer (increasing in x). */
static double grad_count(double x, double d, double g, double b, edge_spacing h) {
  return b * x + side_count(g, x, h.hL, h.h0) + side_count(g, d, h.hR, h.h0) -
         side_count(g, d - x, h.hR, h.h0);
}

/* Position x [nm] of the s-th node of a graded layer: the root of N(x) = s. */
static double grad_position(double s, double d, double g, double b, edge_spacing h) {
  double lo = 0.0, hi = d;
  for (int it = 0; it < 100; it++) {
    double mid = 0.5 * (lo + hi);
    if (grad_count(mid, d, g, b, h) < s)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

static idr_status mesh_alloc(int n, int n_layers, idr_mesh **out, idr_error *err) {
  idr_mesh *m = calloc(1, sizeof *m);
  if (!m) return idr_error_set(err, IDR_ERR_NOMEM, "mesh: out of memory");
  m->n = n;
  m->n_layers = n_layers;
  m->x = calloc((size_t)n, sizeof *m->x);
  m->layer_first = calloc((size_t)n_layers + 1, sizeof *m->layer_first);
  if (!m->x || !m->layer_first) {
    idr_mesh_free(&m);
    return idr_error_set(err, IDR_ERR_NOMEM, "mesh: out of memory");
  }
  *out = m;
  return IDR_OK;
}

/* The growth g that spends the automatic layers' budget of intervals; 0
 * when a uniform mesh of the budget is finer than grading allows. */
static double auto_growth(const idr_deck *deck, double auto_len, int budget, double h_min,
                          double share) {
  if (!(auto_len > 0)) return 0.0;
  double limit = 0.0;
  for (int l = 0; l < deck->n_layers; l++)
    if (deck->layers[l].nodes <= 0)
      limit += grad_limit(deck->layers[l].thickness_nm, layer_edges(deck, l, h_min), share);
  if (limit <= budget) return 0.0;
  double lo = 0.0, hi = 1.0;
  while (auto_intervals(deck, hi, h_min, share) > budget && hi < 1e9)
    hi *= 2.0;
  for (int it = 0; it < 200; it++) {
    double mid = 0.5 * (lo + hi);
    if (auto_intervals(deck, mid, h_min, share) > budget)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* The m intervals of a layer of thickness d [nm] with edge spacings h,
 * starting at x0 [nm], into x[] (the layer's left edge and its interior
 * nodes, not its right edge). */
static void layer_nodes(double x0, double d, int m, edge_spacing h, double share, double *x) {
  double g = grad_growth(d, h, m, share), b = share * m / d;
  for (int j = 0; j < m; j++) {
    double xr = g == 0.0 ? d * j / m : grad_position(j, d, g, b, h);
    x[j] = (x0 + xr) * IDR_NM_TO_M;
  }
}

idr_status idr_mesh_build(const idr_deck *deck, idr_mesh **out, idr_error *err) {
  *out = NULL;
  int nl = deck->n_layers;
  if (nl < 1) return idr_error_set(err, IDR_ERR_INPUT, "mesh: the deck has no layers");
  int target = deck->mesh.nodes > 0 ? deck->mesh.nodes : 400;
  int intervals[IDR_MAX_LAYERS];
  int total = 0;
  int auto_budget = target - 1;
  double auto_len = 0.0;
  for (int l = 0; l < nl; l++) {
    if (deck->layers[l].nodes > 0)
      auto_budget -= deck->layers[l].nodes - 1;
    else
      auto_len += deck->layers[l].thickness_nm;
  }
  const double h_min = (deck->mesh.h_min_nm > 0 ? deck->mesh.h_min_nm : 0.05);
  const double share = IDR_MESH_UNIFORM_SHARE;
  const double g_all = auto_growth(deck, auto_len, auto_budget, h_min, share);
  for (int l = 0; l < nl; l++) {
    const idr_layer *ly = &deck->layers[l];
    int m;
    if (ly->nodes > 0) {
      m = ly->nodes - 1;
    } else if (g_all == 0.0) {
      m = (int)lround(auto_budget * ly->thickness_nm / (auto_len > 0 ? auto_len : 1.0));
      if (m < IDR_MESH_MIN_INTERVALS) m = IDR_MESH_MIN_INTERVALS;
    } else {
      m = (int)lround(grad_intervals(g_all, ly->thickness_nm, layer_edges(deck, l, h_min), share));
      if (m < IDR_MESH_MIN_INTERVALS) m = IDR_MESH_MIN_INTERVALS;
    }
    intervals[l] = m;
    total += m;
  }
  idr_mesh *mesh = NULL;
  idr_status st = mesh_alloc(total + 1, nl, &mesh, err);
  if (st) return st;
  int k = 0;
  double x0 = 0.0;
  for (int l = 0; l < nl; l++) {
    mesh->layer_first[l] = k;
    layer_nodes(x0, deck->layers[l].thickness_nm, intervals[l], layer_edges(deck, l, h_min), share,
                mesh->x + k);
    k += intervals[l];
    x0 += deck->layers[l].thickness_nm;
  }
  mesh->x[k] = x0 * IDR_NM_TO_M;
  mesh->layer_first[nl] = k;
  *out = mesh;
  return IDR_OK;
}

idr_status idr_mesh_from_points(const double *x, int n, const int *layer_first, int n_layers,
                                idr_mesh **out, idr_error *err) {
  *out = NULL;
  if (n < 3) return idr_error_set(err, IDR_ERR_INPUT, "mesh: need at least 3 nodes (got %d)", n);
  if (n_layers < 1 || layer_first[0] != 0 || layer_first[n_layers] != n - 1)
    return idr_error_set(err, IDR_ERR_INPUT, "mesh: layer_first must run from 0 to n-1");
  for (int i = 1; i < n; i++)
    if (!(x[i] > x[i - 1]))
      return idr_error_set(err, IDR_ERR_INPUT, "mesh: x must be strictly increasing (node %d)", i);
  for (int l = 0; l < n_layers; l++)
    if (layer_first[l + 1] <= layer_first[l])
      return idr_error_set(err, IDR_ERR_INPUT, "mesh: layer %d has no interval", l);
  idr_mesh *m = NULL;
  idr_status st = mesh_alloc(n, n_layers, &m, err);
  if (st) return st;
  memcpy(m->x, x, (size_t)n * sizeof *x);
  memcpy(m->layer_first, layer_first, ((size_t)n_layers + 1) * sizeof *layer_first);
  *out = m;
  return IDR_OK;
}

void idr_mesh_free(idr_mesh **m) {
  if (!m || !*m) return;
  free((*m)->x);
  free((*m)->layer_first);
  free(*m);
  *m = NULL;
}

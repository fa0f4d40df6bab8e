/*
 * Mesh: node positions for a layer stack. Each layer is meshed on its own,
 * refined symmetrically towards both of its edges (where the Debye layers of
 * ions and carriers sit) by a spacing that grows linearly with the distance
 * from the nearer edge, plus a uniform share over the whole layer (see
 * grad_intervals). Layer boundaries are nodes.
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

/* Graded law. In each layer the node density (nodes per nm) at distance u
 * from the nearer layer edge is
 *   rho(u) = 1/(h_min + g u) + b,
 * a spacing growing linearly from h_min (the Debye layers of carriers and
 * ions at every interface and contact) plus a uniform part b that keeps the
 * middle of thick layers resolved (a depletion edge moves there). The
 * uniform part holds the share IDR_MESH_UNIFORM_SHARE of the layer's
 * intervals: with m intervals, b = share m / d and
 *   m = 2 ln(1 + g d/(2 h_min)) / (g (1 - share)).
 * The growth g is common to the automatic layers (spends mesh.nodes), so a
 * thin layer gets nodes in proportion to the log of its thickness. The
 * defaults (h_min 0.05 nm, share 0.3, 400 nodes) put J(t) of the example
 * deck within 0.4 % of a converged mesh (docs/accuracy.md, V26).
 *
 * Intervals of a layer of thickness d [nm] at growth g (> 0). */
static double grad_intervals(double g, double d, double h_min, double share) {
  return 2.0 * log1p(0.5 * g * d / h_min) / (g * (1.0 - share));
}

/* Growth g of a layer with m intervals; 0 when a uniform mesh is finer than
 * the graded part could be (m (1 - share) >= d / h_min). */
static double grad_growth(double d, double h_min, double m, double share) {
  if (m * (1.0 - share) >= d / h_min) return 0.0;
  double lo = 0.0, hi = 1.0;
  while (grad_intervals(hi, d, h_min, share) > m && hi < 1e9)
    hi *= 2.0;
  for (int it = 0; it < 200; it++) {
    double mid = 0.5 * (lo + hi);
    if (grad_intervals(mid, d, h_min, share) > m)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* Intervals of every automatic layer (no explicit `nodes`) at growth g. */
static double auto_intervals(const idr_deck *deck, double g, double h_min, double share) {
  double sum = 0.0;
  for (int l = 0; l < deck->n_layers; l++)
    if (deck->layers[l].nodes <= 0)
      sum += grad_intervals(g, deck->layers[l].thickness_nm, h_min, share);
  return sum;
}

/* Distance u [nm] from the edge of the s-th node (s <= m/2) of a graded layer:
 * the root of N(u) = ln(1 + g u/h_min)/g + b u = s (N increasing). */
static double grad_position(double s, double g, double b, double h_min, double half) {
  double lo = 0.0, hi = half;
  for (int it = 0; it < 100; it++) {
    double mid = 0.5 * (lo + hi);
    if (log1p(g * mid / h_min) / g + b * mid < s)
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
 * when a uniform mesh of the budget is finer than h_min allows grading. */
static double auto_growth(const idr_deck *deck, double auto_len, int budget, double h_min,
                          double share) {
  if (!(auto_len > 0) || auto_len / (h_min * (1.0 - share)) <= budget) return 0.0;
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

/* The m intervals of a layer of thickness d [nm] starting at x0 [nm] into x[]
 * (the layer's left edge and its interior nodes, not its right edge). */
static void layer_nodes(double x0, double d, int m, double h_min, double share, double *x) {
  double g = grad_growth(d, h_min, m, share), b = share * m / d;
  for (int j = 0; j < m; j++) {
    double xr;
    if (g == 0.0) {
      xr = d * j / m;
    } else {
      int left = 2 * j <= m;
      double u = grad_position(left ? j : m - j, g, b, h_min, 0.5 * d);
      xr = left ? u : d - u;
    }
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
      m = (int)lround(grad_intervals(g_all, ly->thickness_nm, h_min, share));
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
    layer_nodes(x0, deck->layers[l].thickness_nm, intervals[l], h_min, share, mesh->x + k);
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

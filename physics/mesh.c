/*
 * Mesh: node positions for a layer stack. Each layer is meshed on its own
 * with a tanh law x(s) = d/2 (1 + tanh(a (2s-1)) / tanh(a)), s in [0,1],
 * which refines symmetrically towards both layer edges (where Debye layers
 * of ions and carriers sit); a is chosen so that the first spacing equals
 * h_min (uniform when the layer is coarse enough already).
 */
#include "idr_physics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Minimum intervals of a layer meshed automatically: resolves at least a
 * coarse profile. A layer's explicit `nodes` is used as given (>= 3). */
#define IDR_MESH_MIN_INTERVALS 12

static double tanh_first_spacing(double a, int m) {
  /* s = 1/m; returns x(s)/d */
  if (a < 1e-8) return 1.0 / m;
  return 0.5 * (1.0 + tanh(a * (2.0 / m - 1.0)) / tanh(a));
}

/* Stretch parameter giving first spacing h_rel (relative to d) with m intervals. */
static double tanh_stretch(double h_rel, int m) {
  if (h_rel >= 1.0 / m) return 0.0;
  double lo = 1e-8, hi = 50.0;
  for (int it = 0; it < 200; it++) {
    double mid = 0.5 * (lo + hi);
    if (tanh_first_spacing(mid, m) > h_rel)
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

idr_status idr_mesh_build(const idr_deck *deck, idr_mesh **out, idr_error *err) {
  *out = NULL;
  int nl = deck->n_layers;
  if (nl < 1) return idr_error_set(err, IDR_ERR_INPUT, "mesh: the deck has no layers");
  double L = 0.0;
  for (int l = 0; l < nl; l++)
    L += deck->layers[l].thickness_nm;
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
  for (int l = 0; l < nl; l++) {
    const idr_layer *ly = &deck->layers[l];
    int m;
    if (ly->nodes > 0) {
      m = ly->nodes - 1;
    } else {
      m = (int)lround(auto_budget * ly->thickness_nm / (auto_len > 0 ? auto_len : 1.0));
      if (m < IDR_MESH_MIN_INTERVALS) m = IDR_MESH_MIN_INTERVALS;
    }
    intervals[l] = m;
    total += m;
  }
  idr_mesh *mesh = NULL;
  idr_status st = mesh_alloc(total + 1, nl, &mesh, err);
  if (st) return st;
  double h_min = (deck->mesh.h_min_nm > 0 ? deck->mesh.h_min_nm : 0.2);
  int k = 0;
  double x0 = 0.0;
  for (int l = 0; l < nl; l++) {
    double d = deck->layers[l].thickness_nm;
    int m = intervals[l];
    double a = tanh_stretch(h_min / d, m);
    mesh->layer_first[l] = k;
    for (int j = 0; j < m; j++) {
      double s = (double)j / m;
      double xr = (a < 1e-8) ? s : 0.5 * (1.0 + tanh(a * (2.0 * s - 1.0)) / tanh(a));
      mesh->x[k++] = (x0 + d * xr) * IDR_NM_TO_M;
    }
    x0 += d;
  }
  mesh->x[k] = x0 * IDR_NM_TO_M;
  mesh->layer_first[nl] = k;
  (void)L;
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

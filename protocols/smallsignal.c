/*
 * Steady states for the small-signal protocols (cf.c, cv.c): a bias step,
 * then pseudo-transient relaxation with IDA (the ion number of every species
 * is conserved exactly along the way).
 */
#include "idr_protocols.h"

#include <stdlib.h>
#include <string.h>

idr_status idr_steady_state(const idr_device *dev, const idr_sim_opts *opts, const double *y0,
                            const idr_bias *b, double *y, idr_error *err) {
  idr_sim *sim = NULL;
  idr_status st = idr_sim_create(dev, opts, &sim, err);
  if (st) return st;
  st = idr_sim_start(sim, 0.0, y0, b, err);
  if (!st) st = idr_sim_relax(sim, IDR_RELAX_T_MAX, err);
  if (!st) memcpy(y, idr_sim_y(sim), (size_t)dev->n_unknowns * sizeof *y);
  if (st) idr_error_context(err, "the steady state at V = %g V, light = %g suns", b->V, b->light);
  idr_sim_free(&sim);
  return st;
}

/* The CSV has no comment lines: its first line is the header, so any CSV
 * reader takes it as is (the provenance is in the HDF5 file beside it). */
idr_status idr_smallsignal_csv(idr_rset *rs, const char *xname, const double *x, const double *C,
                               const double *G, const double *J, size_t n, idr_error *err) {
  double *C1 = malloc((n ? n : 1) * sizeof *C1), *G1 = malloc((n ? n : 1) * sizeof *G1);
  if (!C1 || !G1) {
    free(C1);
    free(G1);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    C1[i] = C[i] * IDR_CM2_TO_M2;
    G1[i] = G[i] * IDR_CM2_TO_M2;
  }
  const char *const names[] = {xname,    "capacitance_F", "conductance_S",
                               "C_F_m2", "G_S_m2",        "J_A_m2"};
  const double *const cols[] = {x, C1, G1, C, G, J};
  idr_status st = idr_rset_set_csv(rs, names, cols, J ? 6 : 5, n, err);
  free(C1);
  free(G1);
  return st;
}

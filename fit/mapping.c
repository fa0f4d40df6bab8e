/*
 * iondrift fit: the parameter scales and bounds. A value p is fitted in its
 * own scale z (p, or log10 p for `scale: log`); the solver's unbounded
 * variable u maps into the open bounds by the logistic function
 *   z = z_lo + (z_hi - z_lo) / (1 + exp(-u)),   u = ln((z - z_lo) / (z_hi - z))
 * so that every trial point lies inside the bounds (a bound itself is never
 * simulated), with dz/du = (z - z_lo)(z_hi - z) / (z_hi - z_lo).
 */
#include "fit_internal.h"

#include <math.h>

double idr_fit_z_of(const fit_param *q, double v) {
  return q->log_scale ? log10(v) : v;
}

double idr_fit_v_of(const fit_param *q, double z) {
  return q->log_scale ? pow(10.0, z) : z;
}

double idr_fit_z_inside(const fit_param *q, double z, double frac) {
  const double d = frac * (q->z_hi - q->z_lo);
  if (z < q->z_lo + d) return q->z_lo + d;
  if (z > q->z_hi - d) return q->z_hi - d;
  return z;
}

double idr_fit_u_of(const fit_param *q, double z) {
  z = idr_fit_z_inside(q, z, 1e-12);
  return log((z - q->z_lo) / (q->z_hi - z));
}

double idr_fit_z_of_u(const fit_param *q, double u) {
  const double w = q->z_hi - q->z_lo;
  /* the two forms avoid exp overflow on either side */
  return u >= 0 ? q->z_lo + w / (1.0 + exp(-u)) : q->z_hi - w / (1.0 + exp(u));
}

double idr_fit_dz_du(const fit_param *q, double u) {
  const double z = idr_fit_z_of_u(q, u);
  return (z - q->z_lo) * (q->z_hi - z) / (q->z_hi - q->z_lo);
}

/*
 * The carriers' quasi-steady state with the ions and trap occupations held
 * (private to solver/): see quasi_steady.c.
 */
#ifndef IDR_QUASI_STEADY_H
#define IDR_QUASI_STEADY_H

#include "blocktri.h"
#include "idr_physics.h"

typedef struct idr_qss idr_qss;

/* Workspace for device d (which must outlive it); NULL when out of memory. */
idr_qss *idr_qss_alloc(const idr_device *d);
void idr_qss_free(idr_qss **q);

/* Solve the stationary rows of the potential and the carriers at bias b
 * from y (in place), holding every other unknown. w: the integrator's error
 * weights (1 / (rtol |y| + atol)); converged when the update's WRMS norm in
 * those weights is below tol. work: 2 n_unknowns doubles. Returns 0 (y
 * replaced; *tau: the carriers' slowest relaxation time about it [s],
 * INFINITY if unknown) or 1 (not converged, y untouched); *iters: Newton
 * iterations made. */
int idr_qss_solve(idr_qss *q, const idr_bias *b, const double *w, double tol, double *y,
                  double *work, int *iters, double *tau);

#endif

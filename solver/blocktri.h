/*
 * Block-tridiagonal direct linear solver behind the SUNLinearSolver
 * interface (private to solver/): see blocktri.c.
 */
#ifndef IDR_BLOCKTRI_H
#define IDR_BLOCKTRI_H

#include "idr_physics.h"

#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>

/* A direct SUNLinearSolver for the device's Jacobian (a SUNSparseMatrix in
 * the device's fixed CSC pattern): block LU by nodes. NULL when out of
 * memory. The device must outlive the solver. */
SUNLinearSolver idr_blocktri_create(const idr_device *dev, SUNContext ctx);

/* The same factorization and solve without SUNDIALS objects (tests, bench):
 * factor the CSC values Jx (device pattern), then solve in place. */
typedef struct idr_blocktri idr_blocktri;
idr_blocktri *idr_blocktri_alloc(const idr_device *dev);
void idr_blocktri_free(idr_blocktri **bt);
/* 0 on success, 1 if a diagonal block is singular or not finite. */
int idr_blocktri_factor(idr_blocktri *bt, const double *Jx);
/* x <- A^{-1} x with the last factorization. */
void idr_blocktri_solve(const idr_blocktri *bt, double *x);
/* x <- A^{-1} b (x may be b). */
void idr_blocktri_solve_to(const idr_blocktri *bt, const double *b, double *x);

#endif

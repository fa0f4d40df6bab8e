/*
 * Private hooks of the small-signal admittance (solver/admittance.c) for the
 * tests: choose the linear solver and ask which one the last evaluation used.
 */
#ifndef IDR_ADMITTANCE_PRIV_H
#define IDR_ADMITTANCE_PRIV_H

#include "idr_solver.h"

/* Which linear solver an evaluation used. */
enum { IDR_ADM_PATH_NONE = 0, IDR_ADM_PATH_BLOCK = 1, IDR_ADM_PATH_KLU = 2 };

/* on != 0: every later evaluation solves with complex KLU (the reference). */
void idr_admittance_force_klu(idr_admittance *a, int on);
/* Steps of iterative refinement of the KLU path (default 0). */
void idr_admittance_set_klu_refine(idr_admittance *a, int steps);
/* IDR_ADM_PATH_* of the last successful evaluation. */
int idr_admittance_last_path(const idr_admittance *a);

#endif

/*
 * Faster serial N_Vector kernels (private to solver/): see fast_nvector.c.
 */
#ifndef IDR_FAST_NVECTOR_H
#define IDR_FAST_NVECTOR_H

#include <sundials/sundials_nvector.h>

/* Replace the hot operations of a serial N_Vector (and of its future clones). */
void idr_nvector_use_fast_ops(N_Vector v);

#endif

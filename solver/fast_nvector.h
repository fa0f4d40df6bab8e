/*
 * Faster serial N_Vector kernels (private to solver/): see fast_nvector.c.
 */
#ifndef IDR_FAST_NVECTOR_H
#define IDR_FAST_NVECTOR_H

#include <sundials/sundials_nvector.h>

/* Hot loops compiled twice, for AVX2 and for the baseline ISA, the CPU's
 * choice taken at load time (GNU ifunc; x86-64 Linux only, else baseline).
 * The loops keep their order of operations, so both give the same bits. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__)
#define IDR_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define IDR_SIMD_CLONES
#endif

/* Replace the hot operations of a serial N_Vector (and of its future clones). */
void idr_nvector_use_fast_ops(N_Vector v);

#endif

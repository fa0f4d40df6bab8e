/*
 * bench: the clocks and the median shared by the bench programs
 * (idr_bench, api_bench, light_bench, fit_bench): wall time (CLOCK_MONOTONIC), the
 * process's CPU time over every thread (CLOCK_PROCESS_CPUTIME_ID) and the
 * median of repeated timings.
 */
#ifndef IDR_BENCH_CLOCK_H
#define IDR_BENCH_CLOCK_H

/* Wall-clock time [s] from an arbitrary origin (monotonic). */
double idr_bench_wall_s(void);
/* CPU time of the whole process, every thread [s]. */
double idr_bench_cpu_s(void);
/* The median of v[0..n-1] (sorts v in place; n >= 1). */
double idr_bench_median(double *v, int n);

#endif /* IDR_BENCH_CLOCK_H */

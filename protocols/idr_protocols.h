/*
 * iondrift protocols: what an experiment does to the device, as data.
 *   equilibrate  dark, 0 V, steady state including ions (solver/equilibrium)
 *   waveform     piecewise-constant voltage and light segments, recording the
 *                terminal current (electron, hole, ionic, displacement parts)
 *                and profiles at requested times
 * Each protocol is built on the solver API only; it allocates its results,
 * reports progress through a callback and never prints.
 */
#ifndef IDR_PROTOCOLS_H
#define IDR_PROTOCOLS_H

#include "idr_config.h"
#include "idr_core.h"
#include "idr_physics.h"
#include "idr_solver.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Profiles at a set of times: each array is [n_times][N] (row-major), ions
 * [n_ions][n_times][N], traps [n_levels][n_times][N]. SI units. */
typedef struct idr_profiles {
  int n_times, N, n_ions, n_levels;
  double *t;         /* [s] */
  double *phi;       /* electrostatic potential [V] */
  double *E;         /* electric field at nodes (mean of adjacent edges) [V/m] */
  double *n, *p;     /* carrier densities [m^-3] */
  double *Efn, *Efp; /* quasi-Fermi levels relative to equilibrium [eV] */
  double *ions;      /* ion densities [m^-3] */
  double *traps;     /* trap occupations [-] (NAN where a level is absent) */
} idr_profiles;

idr_status idr_profiles_alloc(idr_profiles *pr, int n_times, const idr_device *dev, idr_error *err);
void idr_profiles_store(idr_profiles *pr, int slot, double t, const idr_device *dev,
                        const double *y);
void idr_profiles_free(idr_profiles *pr);

typedef struct idr_waveform_result {
  int n_samples;
  double *t, *V, *light;              /* [s], [V], [suns] */
  double *J, *Jn, *Jp, *Jion, *Jdisp; /* terminal current density parts [A/m^2] */
  idr_profiles profiles;              /* at the deck's profile_times_s */
  double ion_number0[IDR_MAX_IONS];   /* ions per area at t = 0 [m^-2] */
  double ion_drift_max[IDR_MAX_IONS]; /* max |N(t)/N(0) - 1| over the samples */
  idr_sim_stats stats;                /* IDA statistics of the whole run */
} idr_waveform_result;

void idr_waveform_result_free(idr_waveform_result *r);

/* Progress: fraction of protocol time done (0..1), segment index. */
typedef void (*idr_progress_fn)(void *user, double fraction, int segment, double t);

/* Run the waveform protocol from state y0 (usually the equilibrium) at t = 0.
 * A failure names the segment, its voltage and light, the time and the last
 * step size. */
idr_status idr_run_waveform(const idr_device *dev, const idr_protocol_spec *proto,
                            const idr_sim_opts *opts, const double *y0, idr_progress_fn progress,
                            void *progress_user, idr_waveform_result *res, idr_error *err);

/* Sample times of one segment (absolute), as the waveform protocol uses them:
 * the segment start, then `samples` times, log-spaced over [1e-6, 1] x
 * duration from the start (or linear). Returns the count written (<= cap). */
int idr_segment_times(const idr_segment *seg, double t_start, double *times, int cap);

#ifdef __cplusplus
}
#endif
#endif /* IDR_PROTOCOLS_H */

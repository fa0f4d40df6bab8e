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
#include "idr_analysis.h"
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
  double cap_f_Hz;                    /* frequency of C, G below [Hz]; 0 = not sampled */
  double *C, *G;                    /* small-signal C [F/m^2], G [S/m^2] at each sample, or NULL */
  idr_profiles profiles;            /* at the deck's profile_times_s */
  double ion_number0[IDR_MAX_IONS]; /* ions per area at t = 0 [m^-2] */
  double ion_drift_max[IDR_MAX_IONS]; /* max |N(t)/N(0) - 1| over the samples */
  idr_sim_stats stats;                /* IDA statistics of the whole run */
} idr_waveform_result;

void idr_waveform_result_free(idr_waveform_result *r);

/* Progress: fraction of protocol time done (0..1), segment index. */
typedef void (*idr_progress_fn)(void *user, double fraction, int segment, double t);

/* Run the waveform protocol from state y0 (usually the equilibrium) at t = 0.
 * A failure names the segment, its voltage and light, the time and the last
 * step size. */
/* When proto->capacitance_f_Hz > 0, C and G at that frequency are computed at
 * every sample about the transient state (the hook the TID protocol uses). */
idr_status idr_run_waveform(const idr_device *dev, const idr_protocol_spec *proto,
                            const idr_sim_opts *opts, const double *y0, idr_progress_fn progress,
                            void *progress_user, idr_waveform_result *res, idr_error *err);

/* ---- small-signal protocols ------------------------------------------ */
typedef struct idr_cf_result {
  int n;
  double V;     /* DC bias [V] */
  double *f_Hz; /* frequencies [Hz] */
  double *C;    /* capacitance [F/m^2] */
  double *G;    /* conductance [S/m^2] */
} idr_cf_result;

typedef struct idr_cv_result {
  int n;
  double f_Hz;     /* measurement frequency [Hz] */
  int ions_frozen; /* 1: ions kept at their 0 V distribution */
  double *V;       /* DC bias [V] */
  double *C;       /* capacitance [F/m^2] */
  double *G;       /* conductance [S/m^2] */
  double *J;       /* DC current density [A/m^2] */
} idr_cv_result;

void idr_cf_result_free(idr_cf_result *r);
void idr_cv_result_free(idr_cv_result *r);

/* Steady state under bias b from state y0 (e.g. the equilibrium): a step to
 * b then pseudo-transient relaxation with IDA until nothing changes (ions
 * included). Writes the state into y. */
idr_status idr_steady_state(const idr_device *dev, const idr_sim_opts *opts, const double *y0,
                            const idr_bias *b, double *y, idr_error *err);

/* C-f: log frequency sweep [f_min, f_max] with points_per_decade, about the
 * steady state at DC bias V reached from y_eq. */
idr_status idr_run_cf(const idr_device *dev, const idr_sim_opts *opts, const double *y_eq, double V,
                      double f_min_Hz, double f_max_Hz, int points_per_decade, idr_cf_result *res,
                      idr_error *err);

/* C-V: bias sweep V_start..V_stop (step V_step) at f_Hz. ions_frozen = 0: the
 * ions re-equilibrate at each bias (steady state); 1: they keep their 0 V
 * distribution (carriers and traps reach their steady state with the ions
 * held), and still respond to the small signal by their own physics.
 * dev is modified during the frozen DC solves and restored before return. */
idr_status idr_run_cv(idr_device *dev, const idr_sim_opts *opts, const double *y_eq, double V_start,
                      double V_stop, double V_step, double f_Hz, int ions_frozen,
                      idr_progress_fn progress, void *progress_user, idr_cv_result *res,
                      idr_error *err);

/* ---- transient ion drift (TID) ---------------------------------------- */
typedef struct idr_tid_curve {
  double T_K;                         /* temperature [K] */
  double C_eq;                        /* C at the rest bias before the pulse [F/m^2] */
  int n;                              /* samples */
  double *t;                          /* time after the end of the pulse [s] */
  double *C;                          /* capacitance [F/m^2] */
  double *G;                          /* conductance [S/m^2] */
  double ion_drift_max[IDR_MAX_IONS]; /* max |N(t)/N(0) - 1| of each species */
  idr_sim_stats stats;                /* integrator statistics (pulse + relaxation) */
  double wall_s;                      /* wall time of this temperature [s] */
} idr_tid_curve;

typedef struct idr_tid_result {
  int n_T;               /* temperatures, in the deck's order */
  idr_tid_curve *curves; /* [n_T] */
  int threads;           /* OpenMP threads used */
  double wall_s;         /* wall time of the scan [s] */
} idr_tid_result;

void idr_tid_result_free(idr_tid_result *r);

/* The deck's TID sample times after the pulse (log-spaced t_first..t_last). */
int idr_tid_times(const idr_protocol_spec *P, double *t, int cap);

/* Run the deck's TID protocol on the mesh (the device is rebuilt at each
 * temperature). progress is called from one thread at a time, after each
 * temperature (fraction done, index, T). A failure names the temperature. */
idr_status idr_run_tid(const idr_deck *deck, const idr_mesh *mesh, const idr_sim_opts *opts,
                       idr_progress_fn progress, void *progress_user, idr_tid_result *res,
                       idr_error *err);

/* The absorber of a TID deck: the first layer of the first ion species, else
 * the thickest layer. */
int idr_tid_absorber_layer(const idr_deck *deck);
/* The Mott-Schottky fit an experimenter makes of a C-V sweep of the deck:
 * the absorber's permittivity, C per area, the deck's temperature for kT/q,
 * the points at V <= 0 (reverse bias; a swept bias within IDR_CV_MS_V_ZERO
 * of 0 V, its round-off, counts as 0 V) when there are at least
 * IDR_CV_MS_MIN_POINTS of them, else all. */
#define IDR_CV_MS_MIN_POINTS 3
#define IDR_CV_MS_V_ZERO 1e-9 /* [V] */
idr_status idr_cv_mott_schottky_deck(const idr_deck *deck, const idr_cv_result *cv,
                                     idr_mott_schottky *ms, idr_error *err);

/* Which ion a sign of the TID signal means in the deck's stack: pin for a
 * p-type absorber (depleted at its junction with the ETL), nip for an n-type
 * one, unknown for an intrinsic absorber (both signs alike). */
idr_tid_polarity idr_tid_polarity_of(const idr_deck *deck);
/* The deck's TID protocol on its own mesh and solver settings (no progress). */
idr_status idr_run_tid_deck(const idr_deck *deck, idr_tid_result *res, idr_error *err);
/* The experimenters' extraction of a TID result: the absorber's net doping
 * |N_A - N_D| and permittivity, the deck's protocol.power and fit model. On
 * failure x holds nothing; on success free it with idr_tid_extraction_free. */
idr_status idr_tid_extract_deck(const idr_deck *deck, const idr_tid_result *tr,
                                idr_tid_extraction *x, idr_error *err);

/* Sample times of one segment (absolute), as the waveform protocol uses them:
 * the segment start, then `samples` times, log-spaced over [1e-6, 1] x
 * duration from the start (or linear). Returns the count written (<= cap). */
int idr_segment_times(const idr_segment *seg, double t_start, double *times, int cap);

#ifdef __cplusplus
}
#endif
#endif /* IDR_PROTOCOLS_H */

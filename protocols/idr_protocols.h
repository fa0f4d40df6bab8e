/*
 * iondrift protocols: what an experiment does to the device, as data, and a
 * table of them. Each protocol is one file and one entry of the table
 * (table.c): {name, deck keys and their checks, spec struct, run, write}.
 *   equilibrate  dark, 0 V, steady state including ions (solver/equilibrium)
 *   waveform     piecewise-constant voltage and light segments, recording the
 *                terminal current (electron, hole, ionic, displacement parts)
 *                and profiles at requested times
 *   cf, cv       small-signal C-f and C-V about steady states
 *   tid          transient ion drift across temperature (the shared
 *                temperature-scan helper, tscan.c)
 *   tas          thermal admittance spectroscopy: C-f at each temperature
 *                (the same temperature scan) and its analysis
 * run.c drives one deck end to end into a result set (the layout of
 * docs/outputs.md). Protocols are built on the solver API only; they
 * allocate their results, report progress through a callback and never
 * print.
 */
#ifndef IDR_PROTOCOLS_H
#define IDR_PROTOCOLS_H

#include "idr_config.h"
#include "idr_core.h"
#include "idr_physics.h"
#include "idr_analysis.h"
#include "idr_io.h"
#include "idr_solver.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IDR_MAX_SEGMENTS 64
#define IDR_MAX_TIMES 256
#define IDR_MAX_TEMPS 64
/* Entries of a list of sample points (tid times_s, cf frequencies_Hz, cv
 * biases_V: the points of measured data a fit simulates) */
#define IDR_MAX_SAMPLES 512

/* ---- spec structs: one per protocol, read from `protocol:` ---------------- */

/* One piece of a waveform: constant voltage and light for a duration. */
typedef struct idr_segment {
  double duration_s; /* [s], > 0 */
  double V_V;        /* applied voltage on the left contact [V] */
  double light_suns; /* illumination [suns] */
  int samples;       /* output times in this segment (default 50) */
  int log_spacing;   /* 1: log-spaced from the segment start (default), 0: linear */
  idr_srcloc loc;
} idr_segment;

typedef struct idr_waveform_spec {
  int n_segments;
  idr_segment segments[IDR_MAX_SEGMENTS];
  int n_profile_times;
  double profile_times_s[IDR_MAX_TIMES]; /* absolute times for profile snapshots [s] */
  double capacitance_f_Hz; /* C, G sampled at every sample time at this frequency [Hz]; 0 = none */
} idr_waveform_spec;

/* cf: log frequency sweep at a DC bias (steady state including ions) */
typedef struct idr_cf_spec {
  double V_V;                             /* DC bias [V] (default 0) */
  double f_min_Hz;                        /* lowest frequency [Hz] (default 1e-2) */
  double f_max_Hz;                        /* highest frequency [Hz] (default 1e7) */
  int points_per_decade;                  /* (default 10) */
  int n_frequencies;                      /* > 0: these frequencies instead of the grid above */
  double frequencies_Hz[IDR_MAX_SAMPLES]; /* increasing [Hz] */
} idr_cf_spec;

/* cv: DC bias sweep, capacitance at f_Hz */
typedef struct idr_cv_spec {
  double V_start_V; /* first bias [V] (default -0.5) */
  double V_stop_V;  /* last bias [V] (default 0.5) */
  double V_step_V;  /* bias step [V], > 0 (default 0.05) */
  double f_Hz;      /* measurement frequency [Hz] (default 1e4) */
  int ions_frozen;  /* 1: ions stay at their 0 V distribution; 0: re-equilibrated at each bias */
  int n_biases;     /* > 0: these biases, in this order, instead of the grid above */
  double biases_V[IDR_MAX_SAMPLES]; /* increasing or decreasing [V] */
} idr_cv_spec;

/* tid: protocol.density_atol */
typedef enum { IDR_TID_ATOL_CHARGE = 0, IDR_TID_ATOL_SOLVER = 1 } idr_tid_atol;
/* protocol.fill_rtol of the tid protocol: the fill pulse has no C sample,
 * only its end state enters the scan (V22) */
#define IDR_TID_FILL_RTOL_DEFAULT 1e-5

/* tid: transient ion drift scan (per temperature: equilibrium at 0 V, fill
 * pulse, back to rest_V_V, C(t) at f_Hz on log-spaced times) */
typedef struct idr_tid_spec {
  int n_temperatures;
  double temperatures_K[IDR_MAX_TEMPS]; /* (default 300, 290, ..., 200) */
  double fill_V_V;                      /* fill-pulse voltage [V] (default 1) */
  double fill_duration_s;               /* fill-pulse duration [s] (default 5) */
  double rest_V_V;                      /* bias after the pulse [V] (default 0) */
  double light_suns;                    /* illumination of every phase [suns] (default 0) */
  /* illumination per phase [suns], each defaulting to light_suns: the
   * steady state before the pulse (rest), the fill pulse, the relaxation
   * during which C(t) is recorded */
  double light_rest_suns, light_fill_suns, light_relax_suns;
  double f_Hz;      /* measurement frequency [Hz] (default 1e4) */
  double t_first_s; /* first sample after the pulse [s] (default 1e-6) */
  double t_last_s;  /* last sample after the pulse [s] (default 10) */
  int samples;      /* log-spaced samples in [t_first_s, t_last_s] (default 71) */
  int n_times;      /* > 0: the samples are times_s (t_first_s, t_last_s, samples set from it) */
  double times_s[IDR_MAX_SAMPLES]; /* increasing sample times after the pulse [s] */
  int threads;                     /* OpenMP threads, 0 = the runtime's default */
  /* extraction: Arrhenius power n in ln(T^n/tau) (default 1), model */
  int power;     /* 0, 1 or 2 */
  int fit_model; /* 0 single, 1 stretched, 2 two (opposite signs) (default 0) */
  /* absolute tolerance of the densities during the scan (default charge):
   * IDR_TID_ATOL_CHARGE rtol x the smallest charge density of the stack,
   * IDR_TID_ATOL_SOLVER solver.atol_density_cm3 as in every other protocol */
  int density_atol;
  /* relative tolerance of the time integration during the fill pulse
   * (default IDR_TID_FILL_RTOL_DEFAULT; solver.rtol: the full treatment) */
  double fill_rtol;
} idr_tid_spec;

/* tas: thermal admittance spectroscopy (per temperature: the steady state
 * at V_V with the ions equilibrated, C and G on log-spaced frequencies) */
typedef struct idr_tas_spec {
  int n_temperatures;
  double temperatures_K[IDR_MAX_TEMPS]; /* (default 340, 320, ..., 140) */
  double V_V;                           /* DC bias [V] (default 0) */
  double f_min_Hz;                      /* lowest frequency [Hz] (default 0.1) */
  double f_max_Hz;                      /* highest frequency [Hz] (default 1e6) */
  int points;                           /* log-spaced frequencies, both ends (default 61) */
  int threads;                          /* OpenMP threads, 0 = the runtime's default */
  /* the analysis (analysis/tas.c): Walter's V_bi [V] and depletion width
   * [nm]; 0: V_bi the device's built-in voltage, W = eps/C(f_max) per T */
  double vbi_V;
  double W_nm;
} idr_tas_spec;

/* The deck's spec of a protocol: NULL unless the deck runs that protocol. */
const idr_waveform_spec *idr_waveform_spec_of(const idr_deck *d);
const idr_cf_spec *idr_cf_spec_of(const idr_deck *d);
const idr_cv_spec *idr_cv_spec_of(const idr_deck *d);
const idr_tid_spec *idr_tid_spec_of(const idr_deck *d);
const idr_tas_spec *idr_tas_spec_of(const idr_deck *d);
/* The same, writable (programs that build decks in code: tests, bench). */
idr_waveform_spec *idr_waveform_spec_edit(idr_deck *d);
idr_tid_spec *idr_tid_spec_edit(idr_deck *d);
idr_tas_spec *idr_tas_spec_edit(idr_deck *d);

/* Switch a deck to protocol `name` with that protocol's defaults (the
 * resolved text is not updated). IDR_ERR_INPUT for an unknown name. */
idr_status idr_protocol_select(idr_deck *d, const char *name, idr_error *err);

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
  double *counters;  /* counter-defect densities of light-created pairs [m^-3] (0 where none) */
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
idr_status idr_run_waveform(const idr_device *dev, const idr_waveform_spec *proto,
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

/* Longest pseudo-time of a relaxation to a steady state [s]. */
#define IDR_RELAX_T_MAX 1e14

/* The C-f / C-V table: xname (frequency_Hz, voltage_V), capacitance_F and
 * conductance_S for an area of 1 cm^2 (what measured-data tools read),
 * C_F_m2, G_S_m2 and, when J is not NULL, J_A_m2 (smallsignal.c). */
idr_status idr_smallsignal_csv(idr_rset *rs, const char *xname, const double *x, const double *C,
                               const double *G, const double *J, size_t n, idr_error *err);

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
/* The same at n given frequencies f_Hz[0..n-1]. */
idr_status idr_run_cf_at(const idr_device *dev, const idr_sim_opts *opts, const double *y_eq,
                         double V, const double *f_Hz, int n, idr_cf_result *res, idr_error *err);

/* C-V: bias sweep V_start..V_stop (step V_step) at f_Hz. ions_frozen = 0: the
 * ions re-equilibrate at each bias (steady state); 1: they keep their 0 V
 * distribution (carriers and traps reach their steady state with the ions
 * held), and still respond to the small signal by their own physics.
 * dev is modified during the frozen DC solves and restored before return. */
idr_status idr_run_cv(idr_device *dev, const idr_sim_opts *opts, const double *y_eq, double V_start,
                      double V_stop, double V_step, double f_Hz, int ions_frozen,
                      idr_progress_fn progress, void *progress_user, idr_cv_result *res,
                      idr_error *err);
/* The same at n given biases V[0..n-1], in that order. */
idr_status idr_run_cv_at(idr_device *dev, const idr_sim_opts *opts, const double *y_eq,
                         const double *V, int n, double f_Hz, int ions_frozen,
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

/* A temperature of the scan whose run failed. */
typedef struct idr_tid_failure {
  double T_K;               /* temperature [K] */
  idr_status status;        /* what failed */
  char msg[IDR_ERRMSG_LEN]; /* the solver's message */
} idr_tid_failure;

typedef struct idr_tid_result {
  int n_T;                 /* temperatures that ran to the end, in the deck's order */
  idr_tid_curve *curves;   /* [n_T] */
  int n_failed;            /* temperatures that failed (not in curves) */
  idr_tid_failure *failed; /* [n_failed], in the deck's order */
  int threads;             /* OpenMP threads used */
  double wall_s;           /* wall time of the scan [s] */
} idr_tid_result;

void idr_tid_result_free(idr_tid_result *r);

/* The deck's TID sample times after the pulse (log-spaced t_first..t_last). */
int idr_tid_times(const idr_tid_spec *P, double *t, int cap);

/* Run the deck's TID protocol on the mesh (the device is rebuilt at each
 * temperature) with `threads` OpenMP threads (0: protocol.threads, then the
 * runtime's default). progress is called from one thread at a time, after
 * each temperature (fraction done, index, T). Temperatures are independent:
 * one that fails is moved to res->failed with its message and the others are
 * kept (IDR_OK with n_failed > 0); only when every temperature fails is the
 * scan an error, naming the first. */
idr_status idr_run_tid(const idr_deck *deck, const idr_mesh *mesh, const idr_sim_opts *opts,
                       int threads, idr_progress_fn progress, void *progress_user,
                       idr_tid_result *res, idr_error *err);

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
/* The deck's TID protocol on its own mesh and solver settings (no progress);
 * every temperature must run (one that fails is the error). */
idr_status idr_run_tid_deck(const idr_deck *deck, idr_tid_result *res, idr_error *err);
/* The experimenters' extraction of a TID result: the absorber's net doping
 * |N_A - N_D| and permittivity, the deck's protocol.power and fit model. On
 * failure x holds nothing; on success free it with idr_tid_extraction_free. */
idr_status idr_tid_extract_deck(const idr_deck *deck, const idr_tid_result *tr,
                                idr_tid_extraction *x, idr_error *err);

/* The extraction as a result group (tid_extraction.c; docs/outputs.md):
 * group g with the per-temperature fits, the Arrhenius laws and the
 * species, for a run's tid/extraction and for `iondrift extract -o`. */
typedef struct idr_tid_extraction_info {
  const double *T;     /* [x->m] temperatures of the curves [K] */
  const char *C_units; /* unit of C: "F" (measured) or "F/m^2" (simulated) */
  double N_A_cm3;      /* absorber doping used [cm^-3]; NAN: intrinsic */
  double N_A_err_cm3;  /* its standard error [cm^-3] */
  double eps_r;        /* absorber permittivity [-] */
} idr_tid_extraction_info;
idr_status idr_tid_write_extraction(idr_rset *rs, const char *g, const idr_tid_extraction *x,
                                    const idr_tid_extraction_info *in, idr_error *err);
const char *idr_tid_model_name(idr_transient_model m); /* "single", "stretched", "two" */
const char *idr_tid_sign_name(idr_ion_sign s);         /* "anion", "cation", "unassigned" */
const char *idr_tid_polarity_name(idr_tid_polarity p); /* "pin", "nip", "unknown" */

/* ---- thermal admittance spectroscopy (tas.c) ----------------------------- */
typedef struct idr_tas_result {
  int n_T, n_f;  /* temperatures (deck order), frequencies */
  double *T_K;   /* [n_T] [K] */
  double *f_Hz;  /* [n_f] [Hz] */
  double *C, *G; /* [n_T * n_f] row-major: C [F/m^2], G [S/m^2] */
  double *wall;  /* [n_T] wall time of each temperature [s] */
  double V_V;    /* DC bias [V] */
  int threads;   /* OpenMP threads used */
  double wall_s; /* wall time of the scan [s] */
} idr_tas_result;

void idr_tas_result_free(idr_tas_result *r);

/* The deck's TAS scan on the mesh (the device rebuilt at each temperature,
 * in parallel through the temperature scan of tscan.c); threads 0:
 * protocol.threads, then the runtime's default. A failure names the
 * temperature. */
idr_status idr_run_tas(const idr_deck *deck, const idr_mesh *mesh, const idr_sim_opts *opts,
                       int threads, idr_progress_fn progress, void *progress_user,
                       idr_tas_result *res, idr_error *err);

/* The deck's analysis of a TAS result (analysis/tas.c): the absorber's
 * permittivity, doping and majority band DOS, V_bi = protocol.vbi_V or
 * vbi_device_V when 0, W = protocol.W_nm or eps/C(f_max). */
idr_status idr_tas_extract_deck(const idr_deck *deck, const idr_tas_result *r, double vbi_device_V,
                                idr_tas_extraction *x, idr_error *err);

/* The TAS analysis as a result group g (docs/outputs.md): the points
 * (-w dC/dw, Walter's tDOS), the levels and the bands; for a run's
 * tas/extraction and `iondrift tas-extract -o`. */
idr_status idr_tas_write_extraction(idr_rset *rs, const char *g, const idr_tas_extraction *x,
                                    idr_error *err);

/* Sample times of one segment (absolute), as the waveform protocol uses them:
 * the segment start, then `samples` times, log-spaced over [1e-6, 1] x
 * duration from the start (or linear). Returns the count written (<= cap). */
int idr_segment_times(const idr_segment *seg, double t_start, double *times, int cap);

/* ---- the temperature scan (tscan.c) ------------------------------------- */
/* One temperature of a scan: fill slot j (temperature T_K). Called from
 * several threads at once, each with its own j; everything it allocates it
 * frees or stores in slot j. */
typedef idr_status (*idr_tscan_fn)(void *user, int j, double T_K, idr_error *err);

/* Run one(user, j, T[j]) for every temperature, OpenMP-parallel over the
 * temperatures (dynamic schedule, `threads` threads, 0: the runtime's
 * default, never more than n_T), so that results do not depend on the
 * thread count. progress (may be NULL) is called from one thread at a time
 * after each temperature. Without `each` (NULL) the first failing
 * temperature in the list order is reported, its message followed by
 * "(while the <what> at T = ... K)"; with it, each[j] receives the outcome of
 * temperature j (status IDR_OK or its error) and the scan fails only when
 * every temperature did (the first one's error). *threads_used and *wall_s
 * (may be NULL) receive the team size and the wall time [s]. The TID scan
 * and thermal admittance spectroscopy share it. */
idr_status idr_temperature_scan(const double *T_K, int n_T, int threads, const char *what,
                                idr_tscan_fn one, void *user, idr_progress_fn progress,
                                void *progress_user, int *threads_used, double *wall_s,
                                idr_error *each, idr_error *err);

/* A list key of sample points (samples.c): `key` replaces the three
 * grid_keys; at least min entries, at most IDR_MAX_SAMPLES, each > 0 when
 * positive, strictly increasing (or, with either_way, strictly decreasing
 * as its first two entries say). IDR_OK also when absent (*count kept). */
typedef struct idr_sample_list {
  const char *key;          /* "times_s" */
  const char *grid_keys[4]; /* the keys it replaces, NULL-terminated */
  int min, positive, either_way;
  const char *what, *example; /* "times", "[1e-6, 1e-3, 1]" for messages */
} idr_sample_list;
idr_status idr_read_sample_list(idr_deck_reader *r, const idr_ynode *n, const idr_sample_list *l,
                                double *out, int *count);
/* "  key: [v, v, ...]\n" with the shortest round-trip numbers. */
void idr_yout_sample_list(idr_yaml_out *o, const char *key, const double *v, int n);

/* The list key `protocol.KEY` of temperatures (tscan.c): 1 to max
 * distinct temperatures in (0, IDR_TEMPERATURE_MAX_K] K, like [300, 250,
 * 200]; absent: *n untouched. */
idr_status idr_read_temperatures(idr_deck_reader *r, const idr_ynode *n, const char *key,
                                 double *T_K, int *count, int max);

/* ---- the protocol table (table.c) --------------------------------------- */

/* Progress of a whole run: fraction done (0..1) and what is being done
 * ("segment 2/3  t = 1.5 s", "TID (T = 250 K done)"). */
typedef void (*idr_run_progress_fn)(void *user, double fraction, const char *stage);

/* What a protocol runs on: the deck, its mesh, the device at the deck's
 * temperature and its thermal equilibrium (computed by run.c first). */
typedef struct idr_run_ctx {
  const idr_deck *deck;
  const void *spec; /* the deck's spec struct of this protocol */
  const idr_mesh *mesh;
  idr_device *dev;              /* at deck->temperature_K (cv changes it, then restores it) */
  const double *y_eq;           /* its thermal equilibrium [n_unknowns] */
  idr_sim_opts opts;            /* from the deck's solver section */
  int threads;                  /* OpenMP threads, 0: the protocol's or the runtime's default */
  idr_run_progress_fn progress; /* may be NULL */
  void *progress_user;
} idr_run_ctx;

/* One protocol: its deck keys (first member: the table of config/), its
 * run and its writer into the result set. */
typedef struct idr_protocol {
  idr_protocol_keys keys;
  const char *group;      /* its group in the result file ("transient", "tid"); NULL: none */
  const char *csv_suffix; /* the CSV beside the HDF5 file ("_J.csv"); NULL: none */
  /* run on c, *out: the protocol's own result (NULL allowed) */
  idr_status (*run)(const idr_run_ctx *c, void **out, idr_error *err);
  void (*free_out)(void *out);
  /* write out (of run) into rs: the group, its attributes and the CSV table */
  idr_status (*write)(const idr_run_ctx *c, const void *out, idr_rset *rs, idr_error *err);
} idr_protocol;

extern const idr_protocol idr_protocol_equilibrate, idr_protocol_waveform, idr_protocol_cf,
    idr_protocol_cv, idr_protocol_tid, idr_protocol_tas;

/* The table, NULL-terminated, and its deck-keys view for idr_deck_resolver. */
const idr_protocol *const *idr_protocol_table(void);
const idr_protocol_keys *const *idr_protocol_keys_table(void);
/* By name / the deck's (NULL: unknown). */
const idr_protocol *idr_protocol_find(const char *name);
const idr_protocol *idr_protocol_of(const idr_deck *d);

/* ---- one deck end to end (run.c) ----------------------------------------- */

/* Options of idr_run_deck. */
typedef struct idr_run_options {
  int threads; /* OpenMP threads, 0: the deck's protocol.threads or the runtime's */
  idr_run_progress_fn progress; /* NULL: none */
  void *progress_user;
} idr_run_options;

/* mesh -> device at temperature_K -> thermal equilibrium -> the deck's
 * protocol -> the result set *out (docs/outputs.md: root attributes, mesh,
 * equilibrium, the protocol's group, the CSV table). Errors as the command
 * line prints them (the protocol step, time, temperature). */
idr_status idr_run_deck(const idr_deck *deck, const idr_run_options *o, idr_rset **out,
                        idr_error *err);

/* One set of profiles under group: 1-D datasets when one_d (a single
 * state), else (n_times, N) arrays plus `t` (run.c; used by waveform). */
idr_status idr_write_profiles(idr_rset *rs, const char *group, const idr_profiles *pr,
                              const idr_device *dev, int one_d, idr_error *err);

/* The CSV path that goes with a result of deck written to h5_override (NULL:
 * to the deck's output.h5): the deck's output.csv when the deck (or a --set)
 * gives one ("" = none); else <h5_override stem><protocol csv_suffix>; else
 * the deck's default output.csv for a waveform (<deck stem>_J.csv) and
 * <output.h5 stem><csv_suffix> for the others; "" for a protocol without a
 * CSV. IDR_ERR_INPUT when the path does not fit. */
idr_status idr_run_csv_path(const idr_deck *deck, const char *h5_override, char *buf, size_t size,
                            idr_error *err);

#ifdef __cplusplus
}
#endif
#endif /* IDR_PROTOCOLS_H */

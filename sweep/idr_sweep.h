/*
 * iondrift sweep: parameter sweeps over deck paths (docs/sweep.md).
 *
 * A sweep spec (YAML) names a base deck, an optional protocol override and
 * fixed changes, the axes (deck paths with values, linspace or logspace,
 * combined as a full grid or zipped; or ranges sampled by one of GSL's
 * quasi-random generators) and the named outputs of every point. Each point
 * is the base study with the axis values of its row set through the typed
 * setter of the API (never by editing YAML text), run, and reduced to its
 * outputs (and, when asked, its curves).
 *
 * Execution: points in parallel with OpenMP on one machine; under mpirun
 * (a build with MPI) over ranks with dynamic scheduling, rank 0 owning the
 * journal and the output. Nothing is lost: every finished point is appended
 * to a journal (flushed and fsynced) before it counts as done, so a sweep
 * killed at any moment resumes with the same command and ends with the same
 * table (DIR/results.csv, DIR/results.h5).
 *
 * Nothing here prints; progress and notes reach the caller by callbacks.
 */
#ifndef IDR_SWEEP_H
#define IDR_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "idr_core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct idr_sweep idr_sweep;

/* Read and check a sweep spec: the YAML keys, the base deck (relative to the
 * spec file's directory), the protocol override and `set` changes, the
 * design and the outputs. Errors read "sweep.yaml:LINE:COL: KEY ..." with
 * status IDR_ERR_INPUT (or the deck's own message). The points' decks are
 * checked by idr_sweep_check_points. */
idr_status idr_sweep_load(const char *spec_path, idr_sweep **out, idr_error *err);
void idr_sweep_free(idr_sweep **sw);

/* Every point's deck (the typed setter's checks) and every output's
 * availability for it (e.g. tau_300K_s needs a tid protocol with 300 K):
 * the first failure names the point, its axis values and the rule. */
idr_status idr_sweep_check_points(const idr_sweep *sw, idr_error *err);

size_t idr_sweep_n_points(const idr_sweep *sw);
size_t idr_sweep_n_axes(const idr_sweep *sw);
const char *idr_sweep_axis_path(const idr_sweep *sw, size_t k);
size_t idr_sweep_n_outputs(const idr_sweep *sw);
const char *idr_sweep_output_name(const idr_sweep *sw, size_t j);
const char *idr_sweep_output_units(const idr_sweep *sw, size_t j);
const char *idr_sweep_design_name(const idr_sweep *sw); /* "grid", "zip", "sobol", ... */
const char *idr_sweep_protocol(const idr_sweep *sw);    /* of the base study */
/* The axis value of point i as CSV text (a number with the shortest
 * round-trip text, or a string), into buf. */
void idr_sweep_axis_text(const idr_sweep *sw, size_t i, size_t k, char *buf, size_t size);
/* The resolved spec (YAML text): what makes a point, compared on resume. */
const char *idr_sweep_resolved(const idr_sweep *sw);
/* 64-bit FNV-1a of the resolved spec. */
uint64_t idr_sweep_fingerprint(const idr_sweep *sw);

/* ---- one point ------------------------------------------------------------- */

/* The outcome of one point. */
typedef struct idr_sweep_record {
  size_t index;
  int ok;                       /* 1: the run succeeded; 0: it failed (message says why) */
  double *values;               /* n_outputs values (NaN where none) */
  char message[IDR_ERRMSG_LEN]; /* the failure, or notes on missing outputs; "" */
  double run_s;                 /* wall time of the run alone [s] */
  unsigned char *curves;        /* the packed curves (curves: true), or NULL */
  size_t curves_size;
} idr_sweep_record;

idr_status idr_sweep_record_init(const idr_sweep *sw, idr_sweep_record *rec, idr_error *err);
void idr_sweep_record_free(idr_sweep_record *rec);

/* Run point i into rec (a failure of the point is rec->ok = 0, not an
 * error; an error is out of memory). */
idr_status idr_sweep_eval(const idr_sweep *sw, size_t i, idr_sweep_record *rec, idr_error *err);

/* ---- a whole sweep into a directory ------------------------------------------ */

typedef struct idr_sweep_progress {
  size_t total;     /* points of the sweep (of the slice) */
  size_t resumed;   /* finished before this start (from the journal) */
  size_t done;      /* finished in this start (ok or failed) */
  size_t failed;    /* failed, in this start and before */
  double elapsed_s; /* since this start */
  double rate;      /* points per second in this start (0: not known yet) */
  double eta_s;     /* time left [s] (NaN: not known yet) */
} idr_sweep_progress;

typedef struct idr_sweep_run_opts {
  const char *dir;      /* output directory (created if missing; its parent must exist) */
  int threads;          /* OpenMP threads per process (0: the runtime's default) */
  int restart;          /* 1: discard what DIR holds of an earlier sweep first */
  int retry_failed;     /* 1: run the points recorded as failed again */
  int slice_k, slice_n; /* slice_n > 0: run only points i with i % slice_n == slice_k */
  int merge_only;       /* 1: run nothing, write the tables from the journals */
  /* called after each finished point (from one thread at a time) and once
   * at the end; may be NULL */
  void (*on_progress)(void *user, const idr_sweep_progress *p, int final);
  void *user;
} idr_sweep_run_opts;

typedef struct idr_sweep_summary {
  size_t total, resumed, done, failed; /* as in idr_sweep_progress, at the end */
  size_t missing;                      /* points no journal holds (a slice, --merge) */
  int ranks, threads;                  /* MPI ranks (1: none), threads per rank */
  double wall_s;                       /* of this start */
  double run_s;                        /* sum of the points' run times (all ranks) */
  double overhead_s;                   /* sum of the time per point outside the run:
                                          the study, the outputs, packing, journal */
  double peak_rss_mb;                  /* peak resident memory of the largest rank [MB] */
  int tables;                          /* 1: results.csv and results.h5 written */
  char csv_path[1024], h5_path[1024], journal_path[1024];
} idr_sweep_summary;

/* Run the sweep into o->dir: resume from its journals, refuse a DIR of a
 * different spec (IDR_ERR_INPUT, unless o->restart), run the pending
 * points, write DIR/results.csv and DIR/results.h5 once every point is in a
 * journal. Under MPI (idr_sweep_mpi_init found a launcher) every rank calls
 * it; rank 0 owns the files. */
idr_status idr_sweep_run(const idr_sweep *sw, const idr_sweep_run_opts *o, idr_sweep_summary *sum,
                         idr_error *err);

/* ---- MPI (a build with OpenMPI; the serial build has stubs) -------------------- */

/* 1 when this build can use MPI. */
int idr_sweep_have_mpi(void);
/* Start MPI when the process was started by an MPI launcher (mpirun, srun:
 * OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK in the environment); else
 * (or without MPI) a single process: *rank 0, *size 1. A build without MPI
 * started by a launcher with more than one process is an error
 * (IDR_ERR_UNSUPPORTED). */
idr_status idr_sweep_mpi_init(int *argc, char ***argv, int *rank, int *size, idr_error *err);
/* The status every rank agrees on: the first failing rank's status and
 * message (its rank named when it is not 0), else IDR_OK. A collective call
 * under MPI; returns st unchanged without. */
idr_status idr_sweep_mpi_agree(idr_status st, idr_error *err);
void idr_sweep_mpi_finalize(void);
/* Stop every rank (a fatal error of one). */
void idr_sweep_mpi_abort(int code);

#ifdef __cplusplus
}
#endif
#endif /* IDR_SWEEP_H */

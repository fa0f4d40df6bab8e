/*
 * iondrift sweep, private: the checked spec, its design, its outputs, the
 * journal and the tables, shared by the files of sweep/. Not installed.
 */
#ifndef IDR_SWEEP_INTERNAL_H
#define IDR_SWEEP_INTERNAL_H

#include "iondrift.h"

#include "idr_config.h"

#include <stdio.h>

#define SW_PATH_LEN 1024
#define SW_KEY_LEN 256
#define SW_MAX_POINTS 10000000 /* points of one sweep (the journal keeps a flag per point) */
#define SW_MAX_AXES 64

/* ---- the design ----------------------------------------------------------------- */

typedef enum { SW_GRID = 0, SW_ZIP = 1, SW_QRNG = 2 } sw_design;

typedef struct sw_axis {
  char path[SW_KEY_LEN]; /* deck path */
  int is_text;           /* values are strings (set with the string setter) */
  int integer;           /* values rounded to integers */
  size_t n;              /* grid / zip: number of values */
  double *num;           /* n numbers (NULL when is_text) */
  char **text;           /* n strings (is_text) */
  double min, max;       /* quasi-random design: the range */
  int log_scale;         /* quasi-random design: log-uniform in [min, max] */
  size_t group;          /* grid: the dimension (a zip group shares one) */
  int line, col;         /* where the axis is in the spec */
} sw_axis;

/* ---- outputs ---------------------------------------------------------------------- */

typedef enum {
  SW_OUT_EXTRACTED = 0, /* an attribute of tid/extraction/species_k */
  SW_OUT_TRUE,          /* an input of ions[k] */
  SW_OUT_TAU,           /* tid/extraction/tau at T, component k */
  SW_OUT_CG,            /* C or G at (f, V) from cf or cv */
  SW_OUT_J,             /* transient/J at t */
  SW_OUT_STEPS,         /* IDA steps of the run */
  SW_OUT_WALL,          /* wall time of the run */
  SW_OUT_INPUT          /* any number of the resolved deck */
} sw_out_kind;

typedef struct sw_output {
  char name[SW_KEY_LEN]; /* as written in the spec: the column name */
  char units[32];
  sw_out_kind kind;
  const char *attr; /* extracted: the attribute; true: the ions[k] key */
  int species;      /* k */
  double T_K, f_Hz, V_V, t_s;
  int is_G;              /* SW_OUT_CG: conductance */
  char path[SW_KEY_LEN]; /* SW_OUT_INPUT: the deck path */
  int line, col;
} sw_output;

/* Parse an output name (units and kind into o); NULL when fine, else what
 * is wrong (a static string). */
const char *idr_sw_output_parse(const char *name, sw_output *o);
/* The list of output names for messages. */
const char *idr_sw_output_help(void);
/* Whether study s can give output o: IDR_OK, else IDR_ERR_INPUT and why. */
idr_status idr_sw_output_check(const sw_output *o, const idr_study *s, idr_error *err);
/* The value of output o of a run (r NULL: the run failed; wall_s its wall
 * time); a value that cannot be had is NaN with a note appended to notes. */
double idr_sw_output_value(const sw_output *o, const idr_study *s, const idr_result *r,
                           double wall_s, char *notes, size_t size);
/* After a successful run: a note for every NaN value the notes do not yet
 * explain, and for every tau outside the protocol's sampled window
 * t_first_s .. t_last_s (a point with notes is 'flagged' in the table). */
void idr_sw_output_flags(const sw_output *outs, size_t n, const double *values, const idr_study *s,
                         char *notes, size_t size);
/* "ions.0.Ea_eV" -> "ions[0].Ea_eV" in place (the form tables name). */
void idr_sw_canonical_path(char *p, size_t size);
/* Units of a deck key from its name ("Ea_eV" -> "eV"). */
const char *idr_sw_key_units(const char *path);

/* ---- the sweep -------------------------------------------------------------------- */

struct idr_sweep {
  char spec_path[SW_PATH_LEN];
  char deck_written[SW_PATH_LEN]; /* `deck:` as written */
  char deck_path[SW_PATH_LEN];    /* relative to the spec's directory */
  char title[256];
  idr_study *base; /* the deck with the protocol override and `set` applied */
  sw_design design;
  char design_name[32]; /* grid, zip, sobol, niederreiter, halton, reversehalton */
  sw_axis *axes;
  size_t n_axes;
  size_t n_groups;    /* grid: dimensions; zip: 1 */
  size_t *group_size; /* values per dimension */
  double *qvals;      /* quasi-random: n_points x n_axes values */
  size_t n_points;
  sw_output *outs;
  size_t n_outs;
  int curves;
  int protocol_axes; /* an axis changes protocol.*: outputs checked per point */
  char *resolved;    /* the resolved spec */
  uint64_t fp;       /* its FNV-1a */
};

/* util.c: a growing text buffer (oom: an allocation failed; text stays valid). */
typedef struct sw_buf {
  char *s;
  size_t len, cap;
  int oom;
} sw_buf;
void idr_sw_buf_printf(sw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void idr_sw_buf_free(sw_buf *b);
/* A number with the shortest text that reads back to it ("nan", "inf"). */
const char *idr_sw_num(double v, char buf[32]);

/* 64-bit FNV-1a of n bytes, continuing from h (start: SW_FNV_START). */
#define SW_FNV_START 0xcbf29ce484222325ULL
uint64_t idr_sw_fnv1a(uint64_t h, const void *p, size_t n);

/* spec.c: the axes and the design of the spec (after the base study). */
idr_status idr_sw_read_design(idr_sweep *sw, const idr_ydoc *doc, const idr_ynode *root,
                              idr_error *err);
/* A YAML node as flow-style YAML text (malloc'd). */
char *idr_sw_node_yaml(const idr_ynode *n);
/* Read a spec file (a flow-mapping syntax error gets the hint about deck
 * paths with an index inside {...}). */
idr_status idr_sw_read_spec(const char *path, idr_ydoc **doc, idr_error *err);
/* A file named in a spec: relative to the spec's directory (absolute paths
 * as given) into buf; 0 when too long. */
int idr_sw_path_of(const char *spec, const char *file, char *buf, size_t size);
/* The base study of a spec (also the fit's): `deck:` (as written into
 * written, resolved into deck_path) loaded, then the `protocol:` override
 * and the `set:` changes applied through the setter; errors located at
 * their nodes. */
idr_status idr_sw_read_base(const char *spec_path, const idr_ydoc *doc, const idr_ynode *root,
                            char *written, size_t wsize, char *deck_path, size_t psize,
                            idr_study **base, idr_error *err);

/* design.c */
/* The value index of axis k at point i (grid, zip). */
size_t idr_sw_value_index(const idr_sweep *sw, size_t i, size_t k);
/* The number of axis k at point i (not for text axes). */
double idr_sw_axis_number(const idr_sweep *sw, size_t i, size_t k);
/* The study of point i: a copy of the base with its axis values. */
idr_status idr_sw_point_study(const idr_sweep *sw, size_t i, idr_study **out, idr_error *err);
/* "ions[0].Ea_eV = 0.2, layers[1].thickness_nm = 300" into buf. */
void idr_sw_point_label(const idr_sweep *sw, size_t i, char *buf, size_t size);
/* Build sw->resolved and sw->fp. */
idr_status idr_sw_resolve(idr_sweep *sw, idr_error *err);

/* point.c: curves of a result, packed (name, units, type, dims, data). */
idr_status idr_sw_curves_pack(const idr_result *r, const char *group, unsigned char **out,
                              size_t *size, idr_error *err);
/* Every dataset of a pack put under prefix ("curves/point_000042/") in r. */
idr_status idr_sw_curves_unpack(const unsigned char *p, size_t size, idr_result *r,
                                const char *prefix, idr_error *err);

/* ---- the journal (journal.c) ---------------------------------------------------------- */

/* What the journals of a directory hold: the last record of each point. */
typedef struct sw_done {
  size_t n_points, n_outs;
  unsigned char *have; /* 1: a record of point i */
  unsigned char *ok;   /* its status */
  double *values;      /* n_points x n_outs */
  char **message;      /* malloc'd, NULL: none */
} sw_done;

idr_status idr_sw_done_alloc(sw_done *d, size_t n_points, size_t n_outs, idr_error *err);
void idr_sw_done_free(sw_done *d);
/* Read every journal*.txt of dir into d (records of another spec refused). */
idr_status idr_sw_journals_read(const idr_sweep *sw, const char *dir, sw_done *d, idr_error *err);
/* Note a record in d. */
idr_status idr_sw_done_put(sw_done *d, const idr_sweep_record *rec, idr_error *err);
/* Point i ran, but its notes say a value is missing or suspect (a nan
 * output, a tau outside the sampled window): status 'flagged'. */
int idr_sw_done_flagged(const sw_done *d, size_t i);

/* The journal a run appends to: opened, locked (one writer per file), cut
 * after its last complete record. */
typedef struct sw_journal {
  FILE *f;
  int fd;
  char path[SW_PATH_LEN];
} sw_journal;
idr_status idr_sw_journal_open(const idr_sweep *sw, const char *path, sw_journal *j,
                               idr_error *err);
/* Append a record: written, flushed and fsynced before it returns. */
idr_status idr_sw_journal_append(const idr_sweep *sw, sw_journal *j, const idr_sweep_record *rec,
                                 idr_error *err);
void idr_sw_journal_close(sw_journal *j);

/* The curves file of point i in dir ("DIR/curves/point_000042.bin"). */
void idr_sw_curves_path(const char *dir, size_t i, char *buf, size_t size);
/* Write (atomically) / read a point's packed curves. */
idr_status idr_sw_curves_save(const char *dir, const idr_sweep_record *rec, idr_error *err);
idr_status idr_sw_curves_load(const char *dir, size_t i, unsigned char **p, size_t *size,
                              idr_error *err);

/* Write a file atomically: a temporary in the same directory, fsynced, renamed. */
idr_status idr_sw_write_atomic(const char *path, const void *data, size_t size, idr_error *err);

/* ---- the tables (table.c) ------------------------------------------------------------- */

idr_status idr_sw_write_tables(const idr_sweep *sw, const char *dir, const sw_done *d,
                               idr_sweep_summary *sum, idr_error *err);

/* ---- execution (run.c, mpi.c) ----------------------------------------------------------- */

/* The state of a run shared by its threads (and rank 0's server). */
typedef struct sw_exec {
  const idr_sweep *sw;
  const idr_sweep_run_opts *o;
  size_t *pending; /* point indices to run, in order */
  size_t n_pending;
  size_t next; /* the next entry of pending to hand out */
  sw_done *done;
  sw_journal *journal;
  const char *dir;
  idr_sweep_progress prog;
  double t0;
  double run_s, overhead_s;
  int fatal; /* a record could not be kept: stop handing out points */
  idr_error fatal_err;
  void *lock; /* omp_lock_t */
} sw_exec;

/* The next point to run (SIZE_MAX: none); thread-safe. */
size_t idr_sw_exec_next(sw_exec *x);
/* Keep a finished point: curves file, journal, progress; thread-safe. */
void idr_sw_exec_keep(sw_exec *x, const idr_sweep_record *rec, double overhead_s);
/* One thread's loop: next point, evaluate, keep, until none is left. */
void idr_sw_exec_thread(sw_exec *x);
/* Stop handing out points: a fatal error (the first one is kept). */
void idr_sw_exec_fail(sw_exec *x, const idr_error *e);
/* Run points on this process's threads until none is left. */
void idr_sw_exec_local(sw_exec *x, int threads);
double idr_sw_now(void);

/* Under MPI with more than one rank: run the pending points over the ranks
 * (every rank calls it; x is rank 0's, the workers' x holds only sw and o). */
int idr_sw_mpi_active(void);
int idr_sw_mpi_rank(void);
int idr_sw_mpi_size(void);
idr_status idr_sw_mpi_exec(sw_exec *x, int threads, idr_error *err);
/* The maximum of v over the ranks, on rank 0 (collective; v without MPI). */
double idr_sw_mpi_max(double v);
/* Rank 0's status and fingerprint check before the run (collective). */
idr_status idr_sw_mpi_start(const idr_sweep *sw, idr_status st, idr_error *err);

#endif /* IDR_SWEEP_INTERNAL_H */

/*
 * iondrift app: the `iondrift` command line (internal header of app/).
 *
 *   main.c    argument parsing, help texts, exit codes
 *   run.c     `iondrift run`: deck -> mesh -> device -> equilibrium -> protocol
 *   result.c  the HDF5 result file (docs/outputs.md) and the J(t) CSV
 *   cli_util.c  option parsing and usage errors shared by the subcommands
 *
 * Only app/ prints to stdout or calls exit(); everything below reports through
 * idr_status + idr_error.
 */
#ifndef IDR_APP_H
#define IDR_APP_H

#include <stdio.h>

#include "idr_config.h"
#include "idr_core.h"
#include "idr_physics.h"
#include "idr_protocols.h"

#ifndef IDR_VERSION
#define IDR_VERSION "unknown"
#endif

/* Exit codes of the command line. */
enum {
  IDR_EXIT_OK = 0,      /* success */
  IDR_EXIT_RUNTIME = 1, /* solver failure, I/O error, out of memory */
  IDR_EXIT_INPUT = 2    /* bad deck, bad --set, bad option, unsupported protocol */
};

/* Options of `iondrift run`. */
typedef struct idr_run_opts {
  const char *deck_path; /* DECK.yaml */
  const char *out_h5;    /* -o, NULL: the deck's output.h5 */
  const char **sets;     /* --set KEY=VALUE, in order */
  int n_sets;
  int quiet; /* -q: no progress line, no summary */
} idr_run_opts;

/* Run the command; returns an exit code (IDR_EXIT_*), having printed the
 * summary (stdout) or the error (stderr). */
int idr_app_run(const idr_run_opts *opts);

/* Everything a result file holds. transient == NULL: an equilibrium-only run. */
typedef struct idr_result_data {
  const idr_deck *deck;
  const idr_mesh *mesh;
  const idr_device *dev;
  const double *y_eq;                     /* equilibrium state [n_unknowns] */
  const idr_waveform_result *transient;   /* NULL when there is no transient */
  const idr_cf_result *cf;                /* NULL unless protocol cf */
  const idr_cv_result *cv;                /* NULL unless protocol cv */
  const idr_tid_result *tid;              /* NULL unless protocol tid */
  const struct idr_tid_extraction *tid_x; /* the extraction, NULL if it failed */
  const char *tid_x_error;                /* why it failed, or "" */
} idr_result_data;

/* Write the HDF5 result to h5_path and, when csv_path is non-empty, the
 * protocol's curve as CSV (J(t) [and C(t)], C-f or C-V) to csv_path. Both are published only when
 * everything succeeded: on failure neither file exists under its final name
 * and no temporary is left behind. */
idr_status idr_app_write_result(const idr_result_data *rd, const char *h5_path,
                                const char *csv_path, idr_error *err);

/* ---- TID (tid_app.c) ---- */
struct idr_tid_extraction;
struct idr_h5;
/* The TID group (transients, extraction, true inputs) under group path g. */
idr_status idr_app_write_tid(struct idr_h5 *h, const char *g, const idr_deck *d,
                             const idr_tid_result *tr, const struct idr_tid_extraction *x,
                             const char *x_error, idr_error *err);
idr_status idr_app_write_tid_csv(const idr_tid_result *tr, const char *path, idr_error *err);
void idr_app_print_tid(const idr_deck *d, const idr_tid_result *tr,
                       const struct idr_tid_extraction *x, const char *x_error);

/* ---- command-line helpers (cli_util.c) ---- */
/* A command-line mistake: prints "iondrift: error: CMD: <message>" and
 * "Try 'iondrift help CMD'." to stderr (no "CMD: " and a bare
 * "iondrift help" when cmd is NULL); returns IDR_EXIT_INPUT. */
int idr_app_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A whole-string finite number; returns 1 and sets *out, else 0. */
int idr_app_parse_number(const char *s, double *out);
/* "VLO:VHI"; an empty side is unbounded (-HUGE_VAL, HUGE_VAL). Returns 1 on
 * success, 0 for a malformed range. */
int idr_app_parse_range(const char *s, double *lo, double *hi);
/* Value of "--opt X" or "--opt=X" at argv[*i]; advances *i past a separate
 * value; NULL when it is missing. */
const char *idr_app_opt_value(int argc, char **argv, int *i, const char *opt);
/* Does a name option opt, as "--opt" or "--opt=..."? */
int idr_app_is_opt(const char *a, const char *opt);
/* Print "key":v (null when v is not finite), followed by ',' unless last. */
void idr_app_json_number(const char *key, double v, int last);

/* ---- reproduce (reproduce.c) ---- */
void idr_app_reproduce_usage(FILE *f);
int idr_app_reproduce(int argc, char **argv);

#endif /* IDR_APP_H */

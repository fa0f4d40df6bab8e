/*
 * iondrift app: the `iondrift` command line (internal header of app/).
 *
 *   main.c      argument parsing, help texts, exit codes
 *   run.c       `iondrift run` on the public API (iondrift.h) and its summary
 *   tid_app.c   the summary of a TID result
 *   reproduce.c `iondrift reproduce` (the driver is studies/)
 *   analyze.c, extract.c  the analysis commands on measured or simulated data
 *               (the library's idr_mott_schottky_file, idr_extract_tid_file)
 *   data_opts.c the measured-data options of those commands
 *   cli_util.c  option parsing and usage errors shared by the subcommands
 *
 * Only app/ prints to stdout or calls exit(); everything below reports through
 * idr_status + idr_error. app/ parses arguments and prints, nothing more.
 */
#ifndef IDR_APP_H
#define IDR_APP_H

#include <stdio.h>

#include "iondrift.h"

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

/* Status -> exit code: input problems are 2, everything else 1. */
int idr_app_exit_code(idr_status st);

/* A double dataset of a result (NULL and *n = 0 when absent), an int
 * dataset (likewise), a number attribute (NAN when absent) and a string
 * attribute ("" when absent). */
const double *idr_app_data(const idr_result *r, const char *name, size_t *n);
const int *idr_app_ints(const idr_result *r, const char *name, size_t *n);
double idr_app_attr(const idr_result *r, const char *obj, const char *name);
const char *idr_app_attr_string(const idr_result *r, const char *obj, const char *name);

/* ---- TID (tid_app.c) ---- */
/* The summary lines of the group `tid` of a run's result. */
void idr_app_print_tid(const idr_study *s, const idr_result *r);
/* The summary of a TAS run (tas_app.c). */
void idr_app_print_tas(const idr_result *r);

/* ---- command-line helpers (cli_util.c) ---- */
/* A command-line mistake: prints "iondrift: error: CMD: <message>" and
 * "Try 'iondrift help CMD'." to stderr (no "CMD: " and a bare
 * "iondrift help" when cmd is NULL); returns IDR_EXIT_INPUT. */
int idr_app_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A whole-string finite number; returns 1 and sets *out, else 0. */
int idr_app_parse_number(const char *s, double *out);
/* The value of --threads: a whole-string integer in [0, 1024] (0: the
 * runtime's default); returns 1 and sets *out, else 0 (then say
 * IDR_APP_THREADS_RULE). */
int idr_app_parse_threads(const char *s, int *out);
#define IDR_APP_THREADS_RULE "--threads must be an integer in [0, 1024] (0: the default)"
/* "VLO:VHI"; an empty side is unbounded (-HUGE_VAL, HUGE_VAL). Returns 1 on
 * success, 0 for a malformed range. */
int idr_app_parse_range(const char *s, double *lo, double *hi);
/* Value of "--opt X" or "--opt=X" at argv[*i]; advances *i past a separate
 * value; NULL when it is missing. */
const char *idr_app_opt_value(int argc, char **argv, int *i, const char *opt);
/* Does a name option opt, as "--opt" or "--opt=..."? */
int idr_app_is_opt(const char *a, const char *opt);
/* The options of the commands driven by one spec file (fit, sweep): the spec
 * (the one argument not starting with '-'), -h/--help, -o/--output (also
 * -o=X, --output=X), --threads N (0..1024, 0: the default), -q/--quiet. */
typedef struct idr_app_spec_args {
  const char *cmd;       /* the command, for messages ("fit") */
  const char *spec_name; /* the spec in messages ("FIT.yaml") */
  const char *usage;     /* printed on stdout by --help */
  const char *out_is;    /* what -o names, for messages ("a file", "a directory") */
  int silent;            /* 1: print nothing (an MPI rank other than 0) */
  const char *spec, *out;
  int threads, quiet;
} idr_app_spec_args;
enum { IDR_APP_OPT_HELP = -1, IDR_APP_OPT_OTHER = 0, IDR_APP_OPT_TAKEN = 1 };
/* One of those options at argv[*i] into a (advancing *i past a separate
 * value): IDR_APP_OPT_TAKEN; IDR_APP_OPT_OTHER when it is none of them (the
 * command's own); IDR_APP_OPT_HELP after printing the usage; IDR_EXIT_INPUT
 * after printing a usage error. */
int idr_app_spec_option(int argc, char **argv, int *i, idr_app_spec_args *a);
/* After the last option: IDR_EXIT_INPUT (printed) when the spec is missing, else 0. */
int idr_app_spec_finish(const idr_app_spec_args *a);
/* Print "key":v (null when v is not finite), followed by ',' unless last. */
void idr_app_json_number(const char *key, double v, int last);

/* ---- sweep (sweep.c) ---- */
void idr_app_sweep_usage(FILE *f);
int idr_app_sweep(int argc, char **argv);

/* ---- fit (fit_app.c) ---- */
void idr_app_fit_usage(FILE *f);
int idr_app_fit(int argc, char **argv);

/* ---- reproduce (reproduce.c) ---- */
void idr_app_reproduce_usage(FILE *f);
int idr_app_reproduce(int argc, char **argv);

#endif /* IDR_APP_H */

/*
 * iondrift api, private: what study.c, result.c and the studies module share
 * beyond the public header. Not installed.
 */
#ifndef IDR_API_INTERNAL_H
#define IDR_API_INTERNAL_H

#include "iondrift.h"

#include "idr_analysis.h"
#include "idr_config.h"
#include "idr_io.h"

/* Once per process: GSL's abort-on-error default handler replaced by
 * gsl_set_error_handler_off() (an application's own handler is kept). */
void idr_api_init(void);

/* A result around the set rs (owned from here on) of a run of deck (its
 * output rules are kept for idr_result_write). */
idr_status idr_api_result_wrap(idr_rset *rs, const idr_deck *deck, idr_result **out,
                               idr_error *err);

/* The checked deck of a study (valid until the study changes). */
const idr_deck *idr_api_study_deck(const idr_study *s);

/* Run fn(arg, report, report_user, err); with a progress callback, on a
 * helper thread while this thread delivers fn's reports to progress
 * (progress.c): the callback runs only on the caller's thread. */
typedef idr_status (*idr_api_run_fn)(void *arg, idr_progress_cb report, void *report_user,
                                     idr_error *err);
idr_status idr_api_run_reporting(idr_api_run_fn fn, void *arg, idr_progress_cb progress, void *user,
                                 idr_error *err);

/* ---- measured data (data.c, extract.c, extract_load.c, mott_schottky.c) ---- */

/* The warnings of one call: passed to the caller's on_warning as they
 * arise and kept, one per line, for the result's root attribute. */
typedef struct idr_api_warnings {
  idr_warning_fn fn;
  void *user;
  char *text; /* lines joined by '\n' (NULL: none yet) */
  size_t len;
} idr_api_warnings;
void idr_api_warn(idr_api_warnings *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The reader's warnings of d (at most IDR_MDATA_MAX_WARN, then a count). */
void idr_api_warn_mdata(idr_api_warnings *w, const idr_mdata *d);
void idr_api_warnings_free(idr_api_warnings *w);

/* The reader's options from the API's (messages name the command line's
 * flags); IDR_ERR_INPUT for a unit that is none of its quantity's. */
idr_status idr_api_mdata_options(const idr_data_options *o, idr_mdata_options *m, idr_error *err);
/* The root attributes of an analysis result: iondrift_version, command,
 * input, input_kind, input_read (how a table was read; "" otherwise). */
idr_status idr_api_root_attrs(idr_rset *rs, const char *command, const char *input,
                              const char *kind, const idr_mdata *md, idr_error *err);

/* The Mott-Schottky fit of n points (V [V], C [F]) with the API's options:
 * *ms, and the implausible density warned about (named after input). */
idr_status idr_api_ms_fit(const double *V, const double *C, size_t n, const idr_ms_options *o,
                          const char *input, idr_api_warnings *w, idr_mott_schottky *ms,
                          idr_error *err);
/* The group g: the fit's attributes, the options and the points. */
idr_status idr_api_ms_write(idr_rset *rs, const char *g, const idr_mott_schottky *ms,
                            const idr_ms_options *o, const double *V, const double *C, size_t n,
                            idr_error *err);

#endif /* IDR_API_INTERNAL_H */

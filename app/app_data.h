/*
 * iondrift app: the measured-data options shared by the commands that read
 * lab exports (extract, mott-schottky; later fit and tas-extract), parsed
 * into idr_mdata_options (io/), and the printing of what the reader noticed.
 */
#ifndef IDR_APP_DATA_H
#define IDR_APP_DATA_H

#include "idr_io.h"

/* Which options a command accepts besides --columns and the unit options. */
enum {
  IDR_APP_DATA_GROUP = 1, /* --temp-tol-K */
  IDR_APP_DATA_TIME = 2   /* --t-min-s, --t-max-s */
};

/* Defaults (idr_mdata_options_default) with the option names filled in, so
 * that the reader's messages name the flag to give. */
void idr_app_data_defaults(idr_mdata_options *o);

/* Parse the data option at argv[*i] (advancing *i past its value) into o.
 * Returns 1 when consumed, 0 when argv[*i] is no data option, and
 * IDR_EXIT_INPUT (2) after printing a usage error for command cmd. */
int idr_app_data_option(const char *cmd, int accept, int argc, char **argv, int *i,
                        idr_mdata_options *o);

/* The help text of those options (for the usage of cmd). */
const char *idr_app_data_usage(int accept);

/* Print the reader's warnings to stderr ("iondrift: warning: ..."). */
void idr_app_data_warnings(const idr_mdata *d);

#endif /* IDR_APP_DATA_H */

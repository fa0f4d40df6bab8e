/*
 * iondrift app: the measured-data options shared by the commands that read
 * lab exports (extract, mott-schottky; later fit and tas-extract), parsed
 * into idr_data_options (iondrift.h), and the printing of the warnings the
 * library reports while reading and analysing them.
 */
#ifndef IDR_APP_DATA_H
#define IDR_APP_DATA_H

#include "iondrift.h"

/* Which options a command accepts besides --columns and the unit options. */
enum {
  IDR_APP_DATA_GROUP = 1, /* --temp-tol-K */
  IDR_APP_DATA_TIME = 2   /* --t-min-s, --t-max-s */
};

/* Parse the data option at argv[*i] (advancing *i past its value) into o
 * (defaults: idr_data_options_default). Returns 1 when consumed, 0 when
 * argv[*i] is no data option, and IDR_EXIT_INPUT (2) after printing a
 * usage error for command cmd. */
int idr_app_data_option(const char *cmd, int accept, int argc, char **argv, int *i,
                        idr_data_options *o);

/* The help text of those options (for the usage of cmd). */
const char *idr_app_data_usage(int accept);

/* An idr_warning_fn: "iondrift: warning: MSG" on stderr. */
void idr_app_warning(void *user, const char *msg);

#endif /* IDR_APP_DATA_H */

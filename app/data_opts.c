/*
 * iondrift app: the measured-data options (--columns, --temp-unit,
 * --time-unit, --cap-unit, --cond-unit, --freq-unit, --volt-unit,
 * --temp-tol-K, --t-min-s, --t-max-s, --skip-lines) shared by the commands
 * that read lab exports, parsed into idr_data_options (iondrift.h); the
 * reading itself is the library's (docs/data.md).
 */
#include "app.h"
#include "app_data.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *option;
  const char *quantity; /* its canonical column name */
  size_t off;           /* the field of idr_data_options */
} UNIT_OPTIONS[] = {
    {"--temp-unit", "temperature_K", offsetof(idr_data_options, temp_unit)},
    {"--time-unit", "time_s", offsetof(idr_data_options, time_unit)},
    {"--freq-unit", "frequency_Hz", offsetof(idr_data_options, freq_unit)},
    {"--volt-unit", "voltage_V", offsetof(idr_data_options, volt_unit)},
    {"--cap-unit", "capacitance_F", offsetof(idr_data_options, cap_unit)},
    {"--cond-unit", "conductance_S", offsetof(idr_data_options, cond_unit)},
};

static int number(const char *cmd, const char *opt, const char *v, double *out) {
  if (!idr_app_parse_number(v, out))
    return idr_app_usage_error(cmd, "%s needs a number (got '%s')", opt, v ? v : "");
  return 0;
}

int idr_app_data_option(const char *cmd, int accept, int argc, char **argv, int *i,
                        idr_data_options *o) {
  const char *a = argv[*i];
  for (size_t k = 0; k < sizeof UNIT_OPTIONS / sizeof UNIT_OPTIONS[0]; k++) {
    if (!idr_app_is_opt(a, UNIT_OPTIONS[k].option)) continue;
    const char *v = idr_app_opt_value(argc, argv, i, UNIT_OPTIONS[k].option);
    idr_error err;
    idr_error_clear(&err);
    if (!v || idr_data_unit_check(UNIT_OPTIONS[k].quantity, v, &err))
      return idr_app_usage_error(cmd, "%s: %s", UNIT_OPTIONS[k].option,
                                 v ? err.msg : "needs a unit");
    *(const char **)((char *)o + UNIT_OPTIONS[k].off) = v;
    return 1;
  }
  if (idr_app_is_opt(a, "--columns")) {
    const char *v = idr_app_opt_value(argc, argv, i, "--columns");
    if (!v || !strchr(v, '='))
      return idr_app_usage_error(cmd, "--columns needs quantity=Header[,...] (got '%s')",
                                 v ? v : "");
    o->columns = v;
    return 1;
  }
  if (idr_app_is_opt(a, "--skip-lines")) {
    const char *v = idr_app_opt_value(argc, argv, i, "--skip-lines");
    double n;
    if (!idr_app_parse_number(v, &n) || n < 0 || n != floor(n) || n > 1e6)
      return idr_app_usage_error(cmd, "--skip-lines needs a count >= 0 (got '%s')", v ? v : "");
    o->skip_lines = (size_t)n;
    return 1;
  }
  if ((accept & IDR_APP_DATA_GROUP) && idr_app_is_opt(a, "--temp-tol-K")) {
    const char *v = idr_app_opt_value(argc, argv, i, "--temp-tol-K");
    if (number(cmd, "--temp-tol-K", v, &o->temp_tol_K)) return IDR_EXIT_INPUT;
    if (!(o->temp_tol_K >= 0.0))
      return idr_app_usage_error(cmd, "--temp-tol-K needs a tolerance >= 0 K (got '%s')", v);
    return 1;
  }
  if ((accept & IDR_APP_DATA_TIME) &&
      (idr_app_is_opt(a, "--t-min-s") || idr_app_is_opt(a, "--t-max-s"))) {
    const int lo = idr_app_is_opt(a, "--t-min-s");
    const char *opt = lo ? "--t-min-s" : "--t-max-s";
    const char *v = idr_app_opt_value(argc, argv, i, opt);
    double t;
    if (number(cmd, opt, v, &t)) return IDR_EXIT_INPUT;
    if (!(t > 0.0)) return idr_app_usage_error(cmd, "%s needs a time > 0 s (got '%s')", opt, v);
    *(lo ? &o->x_min : &o->x_max) = t;
    if (!(o->x_min < o->x_max))
      return idr_app_usage_error(cmd, "--t-min-s must be below --t-max-s (%g, %g)", o->x_min,
                                 o->x_max);
    return 1;
  }
  return 0;
}

const char *idr_app_data_usage(int accept) {
  if (accept & IDR_APP_DATA_TIME)
    return "  --columns Q=HEADER[,Q=HEADER...]\n"
           "                     which column holds quantity Q (temperature_K, time_s,\n"
           "                     capacitance_F), by its header text or #N (N-th field);\n"
           "                     unmapped columns are found by name (docs/data.md)\n"
           "  --temp-unit U      unit of the temperature column: K (default), C, mK\n"
           "  --time-unit U      unit of the time column: s (default), ms, us, ns, min, h\n"
           "  --cap-unit U       unit of the capacitance column: F (default), mF, uF, nF,\n"
           "                     pF, fF (a unit in the header, 'Cp (nF)', is read without\n"
           "                     this option)\n"
           "  --temp-tol-K X     readings closer than X form one temperature, reported as\n"
           "                     their mean (default 0.5)\n"
           "  --t-min-s T, --t-max-s T\n"
           "                     fit only the points with T_MIN <= t <= T_MAX [s]; rows with\n"
           "                     t <= 0 (the pulse) are always skipped and counted\n"
           "  --skip-lines N     ignore the first N lines (an instrument preamble)\n";
  return "  --columns Q=HEADER[,Q=HEADER...]\n"
         "                   which column holds quantity Q (voltage_V, capacitance_F), by\n"
         "                   its header text or #N (N-th field); docs/data.md\n"
         "  --volt-unit U    unit of the voltage column: V (default), mV\n"
         "  --cap-unit U     unit of the capacitance column: F (default), mF, uF, nF, pF,\n"
         "                   fF (a unit in the header, 'Cp (nF)', is read without it)\n"
         "  --skip-lines N   ignore the first N lines (an instrument preamble)\n";
}

void idr_app_warning(void *user, const char *msg) {
  (void)user;
  fprintf(stderr, "iondrift: warning: %s\n", msg);
}

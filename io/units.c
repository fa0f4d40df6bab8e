/*
 * iondrift io: the quantities of measured data and their units.
 *
 * A value in a unit converts to SI as si = scale * v + offset (offset only
 * for degrees Celsius: T[K] = T[C] + 273.15). The unit spellings are those
 * instruments and spreadsheets write: the micro sign (U+00B5, also in
 * Latin-1) and the Greek mu (U+03BC) are read as 'u', a degree sign
 * (U+00B0, also in Latin-1) before C is dropped. docs/data.md lists them.
 */
#include "mdata_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct unit_def {
  const char *name; /* spelling after normalisation */
  double scale;     /* SI per unit */
  double offset;    /* SI offset */
} unit_def;

typedef struct quantity_def {
  const char *canonical; /* column name carrying the SI unit */
  const char *units;     /* for messages */
  const unit_def *table; /* terminated by a NULL name */
} quantity_def;

static const unit_def TEMPERATURE[] = {{"K", 1.0, 0.0},          {"C", 1.0, 273.15},
                                       {"degC", 1.0, 273.15},    {"deg C", 1.0, 273.15},
                                       {"Celsius", 1.0, 273.15}, {"celsius", 1.0, 273.15},
                                       {"mK", 1e-3, 0.0},        {"kelvin", 1.0, 0.0},
                                       {"Kelvin", 1.0, 0.0},     {NULL, 0.0, 0.0}};
static const unit_def TIME[] = {{"s", 1.0, 0.0},     {"sec", 1.0, 0.0},  {"ms", 1e-3, 0.0},
                                {"msec", 1e-3, 0.0}, {"us", 1e-6, 0.0},  {"usec", 1e-6, 0.0},
                                {"ns", 1e-9, 0.0},   {"min", 60.0, 0.0}, {"h", 3600.0, 0.0},
                                {NULL, 0.0, 0.0}};
static const unit_def FREQUENCY[] = {{"Hz", 1.0, 0.0},  {"hz", 1.0, 0.0},  {"mHz", 1e-3, 0.0},
                                     {"kHz", 1e3, 0.0}, {"KHz", 1e3, 0.0}, {"khz", 1e3, 0.0},
                                     {"MHz", 1e6, 0.0}, {NULL, 0.0, 0.0}};
static const unit_def VOLTAGE[] = {{"V", 1.0, 0.0}, {"mV", 1e-3, 0.0}, {NULL, 0.0, 0.0}};
static const unit_def CAPACITANCE[] = {{"F", 1.0, 0.0},   {"mF", 1e-3, 0.0},  {"uF", 1e-6, 0.0},
                                       {"nF", 1e-9, 0.0}, {"pF", 1e-12, 0.0}, {"fF", 1e-15, 0.0},
                                       {NULL, 0.0, 0.0}};
static const unit_def CONDUCTANCE[] = {{"S", 1.0, 0.0},   {"mS", 1e-3, 0.0},  {"uS", 1e-6, 0.0},
                                       {"nS", 1e-9, 0.0}, {"pS", 1e-12, 0.0}, {NULL, 0.0, 0.0}};

static const quantity_def QUANTITIES[IDR_Q_COUNT] = {
    {"temperature_K", "K, C (also degC, Celsius), mK", TEMPERATURE},
    {"time_s", "s, ms, us, ns, min, h", TIME},
    {"frequency_Hz", "Hz, mHz, kHz, MHz", FREQUENCY},
    {"voltage_V", "V, mV", VOLTAGE},
    {"capacitance_F", "F, mF, uF, nF, pF, fF", CAPACITANCE},
    {"conductance_S", "S, mS, uS, nS, pS", CONDUCTANCE},
};

const char *idr_quantity_name(idr_quantity q) {
  return (unsigned)q < IDR_Q_COUNT ? QUANTITIES[q].canonical : NULL;
}

const char *idr_quantity_units(idr_quantity q) {
  return (unsigned)q < IDR_Q_COUNT ? QUANTITIES[q].units : "";
}

int idr_quantity_from_name(const char *name) {
  for (int q = 0; name && q < IDR_Q_COUNT; q++)
    if (strcmp(name, QUANTITIES[q].canonical) == 0) return q;
  return -1;
}

/* Copy unit into out with the micro and degree signs normalised and blanks
 * trimmed; returns 0 when it does not fit. */
int idr_md_unit_normalise(const char *unit, char *out, size_t size) {
  while (*unit == ' ')
    unit++;
  size_t k = 0;
  for (const unsigned char *c = (const unsigned char *)unit; *c; c++) {
    const char *put = NULL;
    char one[2] = {(char)*c, '\0'};
    if (c[0] == 0xC2 && (c[1] == 0xB5 || c[1] == 0xB0)) { /* micro sign, degree sign (UTF-8) */
      put = c[1] == 0xB5 ? "u" : "";
      c++;
    } else if (c[0] == 0xCE && c[1] == 0xBC) { /* Greek mu */
      put = "u";
      c++;
    } else if (c[0] == 0xB5) { /* micro sign, Latin-1 */
      put = "u";
    } else if (c[0] == 0xB0) { /* degree sign, Latin-1 */
      put = "";
    } else {
      put = one;
    }
    size_t n = strlen(put);
    if (k + n >= size) return 0;
    memcpy(out + k, put, n);
    k += n;
  }
  while (k > 0 && out[k - 1] == ' ')
    k--;
  out[k] = '\0';
  return 1;
}

idr_status idr_unit_to_si(idr_quantity q, const char *unit, double *scale, double *offset,
                          idr_error *err) {
  if ((unsigned)q >= IDR_Q_COUNT)
    return idr_error_set(err, IDR_ERR_INTERNAL, "unit of an unknown quantity %d", (int)q);
  char u[64];
  if (unit && idr_md_unit_normalise(unit, u, sizeof u))
    for (const unit_def *d = QUANTITIES[q].table; d->name; d++)
      if (strcmp(u, d->name) == 0) {
        *scale = d->scale;
        *offset = d->offset;
        return IDR_OK;
      }
  return idr_error_set(err, IDR_ERR_INPUT, "'%.60s' is not a unit of %s (known: %s)",
                       unit ? unit : "", QUANTITIES[q].canonical, QUANTITIES[q].units);
}

/*
 * iondrift api: what the analyses of measured data share - the reader's
 * options (io/ idr_mdata_read, docs/data.md) from the API's, the warnings
 * of one call (to the caller's callback and into the result), and the root
 * attributes of an analysis result.
 */
#include "iondrift.h"

#include "api_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WARN_LEN 1024

void idr_data_options_default(idr_data_options *o) {
  memset(o, 0, sizeof *o);
  idr_mdata_options m;
  idr_mdata_options_default(&m);
  o->temp_tol_K = m.group_tol;
  o->x_min = m.x_min;
  o->x_max = m.x_max;
  o->skip_lines = m.skip_lines;
}

idr_status idr_data_unit_check(const char *quantity, const char *unit, idr_error *err) {
  idr_api_init();
  const int q = quantity ? idr_quantity_from_name(quantity) : -1;
  if (q < 0)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "'%s' is not a quantity of measured data (temperature_K, time_s, "
                         "frequency_Hz, voltage_V, capacitance_F, conductance_S)",
                         quantity ? quantity : "(null)");
  double s, off;
  if (!unit) return idr_error_set(err, IDR_ERR_INPUT, "%s: no unit given", quantity);
  return idr_unit_to_si((idr_quantity)q, unit, &s, &off, err);
}

/* The unit fields of the API, with the command-line option each stands for. */
static const struct {
  size_t off;
  idr_quantity q;
  const char *option;
} UNITS[] = {
    {offsetof(idr_data_options, temp_unit), IDR_Q_TEMPERATURE, "--temp-unit"},
    {offsetof(idr_data_options, time_unit), IDR_Q_TIME, "--time-unit"},
    {offsetof(idr_data_options, freq_unit), IDR_Q_FREQUENCY, "--freq-unit"},
    {offsetof(idr_data_options, volt_unit), IDR_Q_VOLTAGE, "--volt-unit"},
    {offsetof(idr_data_options, cap_unit), IDR_Q_CAPACITANCE, "--cap-unit"},
    {offsetof(idr_data_options, cond_unit), IDR_Q_CONDUCTANCE, "--cond-unit"},
};

idr_status idr_api_mdata_options(const idr_data_options *o, idr_mdata_options *m, idr_error *err) {
  idr_mdata_options_default(m);
  if (!o) return IDR_OK;
  m->columns = o->columns;
  for (size_t k = 0; k < sizeof UNITS / sizeof UNITS[0]; k++) {
    const char *u = *(const char *const *)((const char *)o + UNITS[k].off);
    m->unit_option[UNITS[k].q] = UNITS[k].option;
    if (!u) continue;
    double s, off;
    idr_error e;
    idr_error_clear(&e);
    if (idr_unit_to_si(UNITS[k].q, u, &s, &off, &e))
      return idr_error_set(err, e.status, "%s: %s", UNITS[k].option, e.msg);
    m->unit[UNITS[k].q] = u;
  }
  m->group_tol = o->temp_tol_K;
  m->x_min = o->x_min;
  m->x_max = o->x_max;
  m->skip_lines = o->skip_lines;
  return IDR_OK;
}

/* ---- warnings ---------------------------------------------------------------- */

void idr_api_warn(idr_api_warnings *w, const char *fmt, ...) {
  char msg[WARN_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (w->fn) w->fn(w->user, msg);
  const size_t n = strlen(msg), extra = n + (w->len ? 1 : 0);
  char *t = realloc(w->text, w->len + extra + 1);
  if (!t) return; /* kept for the callback only */
  if (w->len) t[w->len++] = '\n';
  memcpy(t + w->len, msg, n + 1);
  w->len += n;
  w->text = t;
}

void idr_api_warn_mdata(idr_api_warnings *w, const idr_mdata *d) {
  const size_t shown = d->n_warnings < IDR_MDATA_MAX_WARN ? d->n_warnings : IDR_MDATA_MAX_WARN;
  for (size_t k = 0; k < shown; k++)
    idr_api_warn(w, "%s", d->warning[k]);
  if (d->n_warnings > shown)
    idr_api_warn(w, "%zu more warning(s) not shown", d->n_warnings - shown);
}

void idr_api_warnings_free(idr_api_warnings *w) {
  free(w->text);
  w->text = NULL;
  w->len = 0;
}

/* ---- results ------------------------------------------------------------------- */

idr_status idr_api_root_attrs(idr_rset *rs, const char *command, const char *input,
                              const char *kind, const idr_mdata *md, idr_error *err) {
  char how[1024] = "";
  if (md && md->n) idr_mdata_describe(md, how, sizeof how);
  idr_status st = idr_rset_attr_string(rs, "/", "iondrift_version", idr_version(), err);
  if (!st) st = idr_rset_attr_string(rs, "/", "command", command, err);
  if (!st) st = idr_rset_attr_string(rs, "/", "input", input, err);
  if (!st) st = idr_rset_attr_string(rs, "/", "input_kind", kind, err);
  if (!st) st = idr_rset_attr_string(rs, "/", "input_read", how, err);
  return st;
}

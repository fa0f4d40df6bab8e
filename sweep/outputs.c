/*
 * iondrift sweep: the named outputs of a point (docs/sweep.md). Each name is
 * a column of the table; [k] picks a species (default 0):
 *
 *   Ea_extracted_eV[k], Ea_err_eV[k], N_extracted_cm3[k], N_err_cm3[k],
 *   D0_extracted_cm2_s[k], D300_extracted_cm2_s[k], dC_rel[k],
 *   charge_extracted[k]     component k of the TID extraction
 *                           (tid/extraction/species_k; charge -1 anion, +1
 *                           cation, 0 unassigned)
 *   Ea_true_eV[k], N_true_cm3[k], D0_true_cm2_s[k], charge_true[k]
 *                           the inputs of ions[k] of the point's deck
 *   tau_<T>K_s[k]           the TID time constant of component k at T
 *   C_<f>Hz_<V>V_F_m2, G_<f>Hz_<V>V_S_m2
 *                           C or G at f and bias V: of a cf protocol at V_V
 *                           = V (log-linear in f between samples) or of a cv
 *                           protocol at f_Hz = f (linear in V)
 *   J_<t>s_A_m2             the total current of a waveform at time t
 *                           (linear between samples)
 *   steps                   IDA steps of the run (tid: all temperatures)
 *   wall_s                  wall time of the point's run [s]
 *   input:<deck path>       any number of the point's resolved deck
 *
 * Values come from the result by its HDF5 names (docs/outputs.md), read
 * through the public API.
 */
#include "sweep_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct named {
  const char *name; /* the name without [k] */
  sw_out_kind kind;
  const char *attr; /* attribute (extracted) or ions[k] key (true) */
  const char *units;
} named;

static const named NAMED[] = {
    {"Ea_extracted_eV", SW_OUT_EXTRACTED, "Ea_eV", "eV"},
    {"Ea_err_eV", SW_OUT_EXTRACTED, "Ea_err_eV", "eV"},
    {"N_extracted_cm3", SW_OUT_EXTRACTED, "N_ion_cm3", "cm^-3"},
    {"N_err_cm3", SW_OUT_EXTRACTED, "N_ion_err_cm3", "cm^-3"},
    {"D0_extracted_cm2_s", SW_OUT_EXTRACTED, "D0_cm2_s", "cm^2/s"},
    {"D300_extracted_cm2_s", SW_OUT_EXTRACTED, "D300_cm2_s", "cm^2/s"},
    {"dC_rel", SW_OUT_EXTRACTED, "dC_rel", "-"},
    {"charge_extracted", SW_OUT_EXTRACTED, "sign", "-"},
    {"Ea_true_eV", SW_OUT_TRUE, "Ea_eV", "eV"},
    {"N_true_cm3", SW_OUT_TRUE, "density_cm3", "cm^-3"},
    {"D0_true_cm2_s", SW_OUT_TRUE, "D0_cm2_s", "cm^2/s"},
    {"charge_true", SW_OUT_TRUE, "charge", "-"},
    {"steps", SW_OUT_STEPS, NULL, "-"},
    {"wall_s", SW_OUT_WALL, NULL, "s"},
};
#define N_NAMED (sizeof NAMED / sizeof NAMED[0])

const char *idr_sw_output_help(void) {
  return "Ea_extracted_eV, Ea_err_eV, N_extracted_cm3, N_err_cm3, D0_extracted_cm2_s, "
         "D300_extracted_cm2_s, dC_rel, charge_extracted, Ea_true_eV, N_true_cm3, D0_true_cm2_s, "
         "charge_true (each with an optional species [k]), tau_<T>K_s[k], C_<f>Hz_<V>V_F_m2, "
         "G_<f>Hz_<V>V_S_m2, J_<t>s_A_m2, steps, wall_s, input:<deck path> (docs/sweep.md)";
}

/* "[k]" at s (or nothing): 1 and *k, 0 for nothing, -1 malformed. */
static int species_suffix(const char *s, int *k) {
  *k = 0;
  if (!*s) return 0;
  char *end = NULL;
  if (s[0] != '[') return -1;
  long v = strtol(s + 1, &end, 10);
  if (end == s + 1 || v < 0 || v >= IDR_MAX_IONS || end[0] != ']' || end[1] != '\0') return -1;
  *k = (int)v;
  return 1;
}

/* A number at *s followed by the text `unit`; advances *s. */
static int number_then(const char **s, const char *unit, double *v) {
  char *end = NULL;
  *v = strtod(*s, &end);
  if (end == *s || !isfinite(*v)) return 0;
  size_t n = strlen(unit);
  if (strncmp(end, unit, n) != 0) return 0;
  *s = end + n;
  return 1;
}

static const char *parse_parametric(const char *name, sw_output *o) {
  const char *s = name;
  if (strncmp(s, "tau_", 4) == 0) {
    s += 4;
    if (!number_then(&s, "K_s", &o->T_K) || !(o->T_K > 0)) return "tau needs tau_<T>K_s, T > 0";
    o->kind = SW_OUT_TAU;
    snprintf(o->units, sizeof o->units, "s");
    return species_suffix(s, &o->species) < 0 ? "a species is written [k], k in 0..3" : NULL;
  }
  if (strncmp(s, "C_", 2) == 0 || strncmp(s, "G_", 2) == 0) {
    o->is_G = s[0] == 'G';
    s += 2;
    if (!number_then(&s, "Hz_", &o->f_Hz) || !(o->f_Hz > 0) || !number_then(&s, "V_", &o->V_V) ||
        strcmp(s, o->is_G ? "S_m2" : "F_m2") != 0)
      return "C and G need C_<f>Hz_<V>V_F_m2 or G_<f>Hz_<V>V_S_m2, f > 0";
    o->kind = SW_OUT_CG;
    snprintf(o->units, sizeof o->units, o->is_G ? "S/m^2" : "F/m^2");
    return NULL;
  }
  if (strncmp(s, "J_", 2) == 0) {
    s += 2;
    if (!number_then(&s, "s_A_m2", &o->t_s) || *s || !(o->t_s >= 0))
      return "J needs J_<t>s_A_m2, t >= 0";
    o->kind = SW_OUT_J;
    snprintf(o->units, sizeof o->units, "A/m^2");
    return NULL;
  }
  return "unknown output";
}

const char *idr_sw_output_parse(const char *name, sw_output *o) {
  if (strchr(name, ',') || strchr(name, '"') || strchr(name, ' '))
    return "an output name has no comma, quote or blank";
  if (strncmp(name, "input:", 6) == 0) {
    if (!name[6]) return "input: needs a deck path (input:layers[1].N_A_cm3)";
    o->kind = SW_OUT_INPUT;
    idr_strlcpy(o->path, name + 6, sizeof o->path);
    snprintf(o->units, sizeof o->units, "%s", idr_sw_key_units(o->path));
    return NULL;
  }
  for (size_t i = 0; i < N_NAMED; i++) {
    size_t n = strlen(NAMED[i].name);
    if (strncmp(name, NAMED[i].name, n) != 0) continue;
    int has = species_suffix(name + n, &o->species);
    if (has < 0) continue;
    if (has && (NAMED[i].kind == SW_OUT_STEPS || NAMED[i].kind == SW_OUT_WALL))
      return "steps and wall_s take no species";
    o->kind = NAMED[i].kind;
    o->attr = NAMED[i].attr;
    snprintf(o->units, sizeof o->units, "%s", NAMED[i].units);
    return NULL;
  }
  return parse_parametric(name, o);
}

/* ---- units of deck keys ---------------------------------------------------------------- */

const char *idr_sw_key_units(const char *path) {
  static const struct {
    const char *suffix, *units;
  } U[] = {
      {"_eV", "eV"},        {"_cm3", "cm^-3"},    {"_cm2_s", "cm^2/s"}, {"_cm2_Vs", "cm^2/(V s)"},
      {"_cm3_s", "cm^3/s"}, {"_cm6_s", "cm^6/s"}, {"_cm_s", "cm/s"},    {"_cm2_s1", "cm^-2 s^-1"},
      {"_nm", "nm"},        {"_K", "K"},          {"_s", "s"},          {"_V", "V"},
      {"_Hz", "Hz"},        {"_suns", "suns"},    {"_cm", "1/cm"}};
  const char *key = strrchr(path, '.');
  key = key ? key + 1 : path;
  size_t n = strlen(key);
  for (size_t i = 0; i < sizeof U / sizeof U[0]; i++) {
    size_t m = strlen(U[i].suffix);
    if (n > m && strcmp(key + n - m, U[i].suffix) == 0) return U[i].units;
  }
  return "-"; /* charge, x, eps_r, nodes, rtol, samples: numbers without a unit */
}

/* ---- availability ------------------------------------------------------------------------ */

static int protocol_is(const idr_study *s, const char *name) {
  return strcmp(idr_study_protocol(s), name) == 0;
}

static int has_temperature(const idr_study *s, double T) {
  size_t n = 0;
  if (idr_study_get_count(s, "protocol.temperatures_K", &n, NULL)) return 0;
  for (size_t j = 0; j < n; j++) {
    char p[64];
    double v;
    snprintf(p, sizeof p, "protocol.temperatures_K[%zu]", j);
    if (idr_study_get_double(s, p, &v, NULL) == IDR_OK && v == T) return 1;
  }
  return 0;
}

static double get_or_nan(const idr_study *s, const char *path) {
  double v = NAN;
  idr_study_get_double(s, path, &v, NULL);
  return v;
}

/* The total duration of a waveform [s]. */
static double waveform_duration(const idr_study *s) {
  size_t n = 0;
  double t = 0;
  idr_study_get_count(s, "protocol.segments", &n, NULL);
  for (size_t i = 0; i < n; i++) {
    char p[64];
    snprintf(p, sizeof p, "protocol.segments[%zu].duration_s", i);
    t += get_or_nan(s, p);
  }
  return t;
}

static idr_status check_cg(const sw_output *o, const idr_study *s, idr_error *err) {
  if (protocol_is(s, "cf")) {
    double V = get_or_nan(s, "protocol.V_V"), f0 = get_or_nan(s, "protocol.f_min_Hz"),
           f1 = get_or_nan(s, "protocol.f_max_Hz");
    if (V != o->V_V)
      return idr_error_set(err, IDR_ERR_INPUT, "the cf protocol is at V_V = %g V, not %g V", V,
                           o->V_V);
    if (!(o->f_Hz >= f0 && o->f_Hz <= f1))
      return idr_error_set(err, IDR_ERR_INPUT, "%g Hz is outside the cf sweep %g .. %g Hz", o->f_Hz,
                           f0, f1);
    return IDR_OK;
  }
  if (protocol_is(s, "cv")) {
    double f = get_or_nan(s, "protocol.f_Hz"), a = get_or_nan(s, "protocol.V_start_V"),
           b = get_or_nan(s, "protocol.V_stop_V");
    if (f != o->f_Hz)
      return idr_error_set(err, IDR_ERR_INPUT, "the cv protocol measures at f_Hz = %g Hz, not %g",
                           f, o->f_Hz);
    if (!(o->V_V >= fmin(a, b) && o->V_V <= fmax(a, b)))
      return idr_error_set(err, IDR_ERR_INPUT, "%g V is outside the cv sweep %g .. %g V", o->V_V, a,
                           b);
    return IDR_OK;
  }
  return idr_error_set(err, IDR_ERR_INPUT, "C and G at (f, V) need protocol cf or cv (got %s)",
                       idr_study_protocol(s));
}

idr_status idr_sw_output_check(const sw_output *o, const idr_study *s, idr_error *err) {
  size_t n_ions = 0;
  idr_study_get_count(s, "ions", &n_ions, NULL);
  switch (o->kind) {
  case SW_OUT_EXTRACTED:
    if (!protocol_is(s, "tid"))
      return idr_error_set(err, IDR_ERR_INPUT, "extracted values need protocol tid (got %s)",
                           idr_study_protocol(s));
    return IDR_OK;
  case SW_OUT_TRUE:
    if ((size_t)o->species >= n_ions)
      return idr_error_set(err, IDR_ERR_INPUT, "the deck has %zu ion species (ions[%d] asked)",
                           n_ions, o->species);
    return IDR_OK;
  case SW_OUT_TAU:
    if (!protocol_is(s, "tid") || !has_temperature(s, o->T_K))
      return idr_error_set(err, IDR_ERR_INPUT,
                           "tau at %g K needs protocol tid with %g in temperatures_K", o->T_K,
                           o->T_K);
    return IDR_OK;
  case SW_OUT_CG: return check_cg(o, s, err);
  case SW_OUT_J:
    if (!protocol_is(s, "waveform") || !(o->t_s <= waveform_duration(s)))
      return idr_error_set(err, IDR_ERR_INPUT,
                           "J at %g s needs protocol waveform lasting at least %g s", o->t_s,
                           o->t_s);
    return IDR_OK;
  case SW_OUT_STEPS:
    if (!protocol_is(s, "tid") && !protocol_is(s, "waveform"))
      return idr_error_set(err, IDR_ERR_INPUT, "steps needs protocol tid or waveform (got %s)",
                           idr_study_protocol(s));
    return IDR_OK;
  case SW_OUT_WALL: return IDR_OK;
  case SW_OUT_INPUT: {
    double v;
    return idr_study_get_double(s, o->path, &v, err);
  }
  }
  return IDR_OK;
}

/* ---- values ------------------------------------------------------------------------------ */

/* "what: why" appended to notes (once). */
static void note(char *notes, size_t size, const char *what, const char *why) {
  size_t len = strlen(notes);
  if (len + 1 >= size) return;
  char line[512];
  snprintf(line, sizeof line, "%s: %s", what, why);
  if (strstr(notes, line)) return; /* the same note once */
  snprintf(notes + len, size - len, "%s%s", len ? "; " : "", line);
}

static double extracted(const sw_output *o, const idr_result *r, char *notes, size_t size) {
  const char *why = NULL;
  if (idr_result_attr_string(r, "tid", "extraction_error", &why, NULL) == IDR_OK) {
    note(notes, size, "the extraction failed", why);
    return NAN;
  }
  char g[64];
  snprintf(g, sizeof g, "tid/extraction/species_%d", o->species);
  if (strcmp(o->attr, "sign") == 0) {
    const char *sign = NULL;
    if (idr_result_attr_string(r, g, "sign", &sign, NULL) != IDR_OK) {
      note(notes, size, o->name, "no such extracted species");
      return NAN;
    }
    return strcmp(sign, "anion") == 0 ? -1.0 : strcmp(sign, "cation") == 0 ? 1.0 : 0.0;
  }
  double v = NAN;
  if (idr_result_attr_double(r, g, o->attr, &v, NULL) != IDR_OK)
    note(notes, size, o->name, "no such extracted species");
  return v;
}

static double tau_at(const sw_output *o, const idr_result *r, char *notes, size_t size) {
  idr_dataset T, tau;
  if (idr_result_dataset(r, "tid/extraction/T", &T, NULL) ||
      idr_result_dataset(r, "tid/extraction/tau", &tau, NULL) || o->species >= (int)tau.dims[1]) {
    note(notes, size, o->name, "no extraction");
    return NAN;
  }
  const double *t = T.data, *v = tau.data;
  for (size_t j = 0; j < T.dims[0]; j++)
    if (t[j] == o->T_K) return v[j * tau.dims[1] + (size_t)o->species];
  note(notes, size, o->name, "the temperature is not in the extraction");
  return NAN;
}

/* y at x by linear interpolation in (xs, ys) (xs monotonic either way; an
 * exact sample wins, the first of equal ones); NaN outside. */
static double interp(const double *xs, const double *ys, size_t n, double x, int log_x) {
  for (size_t i = 0; i < n; i++)
    if (xs[i] == x) return ys[i];
  for (size_t i = 0; i + 1 < n; i++) {
    double a = xs[i], b = xs[i + 1];
    if ((x > a && x < b) || (x < a && x > b)) {
      double w = log_x ? (log(x) - log(a)) / (log(b) - log(a)) : (x - a) / (b - a);
      return ys[i] + w * (ys[i + 1] - ys[i]);
    }
  }
  return NAN;
}

static double curve_at(const idr_result *r, const char *xname, const char *yname, double x,
                       int log_x) {
  idr_dataset X, Y;
  if (idr_result_dataset(r, xname, &X, NULL) || idr_result_dataset(r, yname, &Y, NULL) ||
      X.dims[0] != Y.dims[0] || X.type != IDR_RESULT_DOUBLE || Y.type != IDR_RESULT_DOUBLE)
    return NAN;
  return interp(X.data, Y.data, X.dims[0], x, log_x);
}

static double steps_of(const idr_result *r) {
  idr_dataset d;
  double v = NAN;
  if (idr_result_dataset(r, "tid/steps", &d, NULL) == IDR_OK && d.type == IDR_RESULT_INT) {
    const int *s = d.data;
    v = 0;
    for (size_t j = 0; j < d.dims[0]; j++)
      v += s[j];
    return v;
  }
  idr_result_attr_double(r, "transient", "steps", &v, NULL);
  return v;
}

/* A NaN the notes already explain: its own note, or the failed extraction. */
static int explained(const sw_output *o, const char *notes) {
  return strstr(notes, o->name) != NULL ||
         ((o->kind == SW_OUT_EXTRACTED || o->kind == SW_OUT_TAU) &&
          strstr(notes, "the extraction failed") != NULL);
}

void idr_sw_output_flags(const sw_output *outs, size_t n, const double *values, const idr_study *s,
                         char *notes, size_t size) {
  const double t_first = get_or_nan(s, "protocol.t_first_s");
  const double t_last = get_or_nan(s, "protocol.t_last_s");
  for (size_t j = 0; j < n; j++) {
    const sw_output *o = &outs[j];
    if (isnan(values[j])) {
      if (!explained(o, notes)) note(notes, size, o->name, "no value (nan)");
    } else if (o->kind == SW_OUT_TAU && (values[j] < t_first || values[j] > t_last)) {
      char why[160];
      snprintf(why, sizeof why, "tau = %.4g s outside the sampled window %.4g .. %.4g s", values[j],
               t_first, t_last);
      note(notes, size, o->name, why);
    }
  }
}

double idr_sw_output_value(const sw_output *o, const idr_study *s, const idr_result *r,
                           double wall_s, char *notes, size_t size) {
  char p[SW_KEY_LEN + 32];
  double v = NAN;
  switch (o->kind) {
  case SW_OUT_TRUE:
    snprintf(p, sizeof p, "ions[%d].%s", o->species, o->attr);
    return get_or_nan(s, p);
  case SW_OUT_INPUT: return get_or_nan(s, o->path);
  case SW_OUT_WALL: return wall_s;
  default: break;
  }
  if (!r) return NAN;
  switch (o->kind) {
  case SW_OUT_EXTRACTED: return extracted(o, r, notes, size);
  case SW_OUT_TAU: return tau_at(o, r, notes, size);
  case SW_OUT_CG: {
    const char *y = o->is_G ? "G" : "C";
    idr_dataset f;
    if (idr_result_dataset(r, "cf/f", &f, NULL) == IDR_OK) {
      snprintf(p, sizeof p, "cf/%s", y);
      v = curve_at(r, "cf/f", p, o->f_Hz, 1);
    } else {
      snprintf(p, sizeof p, "cv/%s", y);
      v = curve_at(r, "cv/V", p, o->V_V, 0);
    }
    break;
  }
  case SW_OUT_J: v = curve_at(r, "transient/t", "transient/J", o->t_s, 0); break;
  case SW_OUT_STEPS: v = steps_of(r); break;
  default: break;
  }
  if (isnan(v)) note(notes, size, o->name, "not in the result");
  return v;
}

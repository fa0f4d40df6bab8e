/*
 * iondrift io: the measured-data reader (idr_mdata_read). A lab export - any
 * separator, column order, header spelling and unit - becomes curves in SI
 * units grouped by temperature; see idr_io.h and docs/data.md for the rules.
 * The text layer (lines, fields, separator, numbers) is mdata_text.c, the
 * units units.c. Every message names the file, the line and the cause.
 */
#define _POSIX_C_SOURCE 200809L

#include "mdata_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Lines after the header that the separator detection looks at. */
#define MD_SNIFF_LINES 8

void idr_mdata_options_default(idr_mdata_options *o) {
  memset(o, 0, sizeof *o);
  o->group_tol = 0.5;
  o->x_min = -HUGE_VAL;
  o->x_max = HUGE_VAL;
}

void idr_mdata_free(idr_mdata *d) {
  if (!d) return;
  free(d->group);
  free(d->group_spread);
  free(d->off);
  free(d->x);
  for (size_t k = 0; k < IDR_MDATA_MAX_Y; k++)
    free(d->y[k]);
  free(d->line);
  memset(d, 0, sizeof *d);
}

/* ---- header names -------------------------------------------------------- */

/* Names a quantity goes by in lab exports (case-insensitive; the single
 * letters only in that case, so that t and T stay apart). */
static const char *const WORDS[IDR_Q_COUNT][8] = {
    {"temperature", "temp", "sample temperature", NULL},
    {"time", "elapsed time", "time after pulse", "delay", NULL},
    {"frequency", "freq", NULL},
    {"voltage", "bias", "DC bias", "Vdc", "bias voltage", NULL},
    {"capacitance", "cap", "Cp", "Cs", NULL},
    {"conductance", "Gp", NULL},
};
static const char LETTER[IDR_Q_COUNT] = {'T', 't', 'f', 'V', 'C', 'G'};

static int name_is(const char *name, idr_quantity q) {
  if (name[0] == LETTER[q] && name[1] == '\0') return 1;
  for (size_t k = 0; WORDS[q][k]; k++)
    if (strcasecmp(name, WORDS[q][k]) == 0) return 1;
  return 0;
}

/* Does header text h denote q? Sets *unit_from_header when it names a unit. */
static int header_matches(const char *h, idr_quantity q, char *unit_out) {
  if (strcmp(h, idr_quantity_name(q)) == 0) {
    unit_out[0] = '\0';
    return 2; /* the canonical name: its own SI unit */
  }
  idr_md_header p;
  idr_md_header_split(h, &p);
  double s, o;
  if (p.has_unit && name_is(p.name, q) && idr_unit_to_si(q, p.unit, &s, &o, NULL) == IDR_OK) {
    idr_strlcpy(unit_out, p.unit, IDR_MDATA_TEXT_LEN);
    return 1;
  }
  if (!p.has_unit && name_is(p.name, q)) {
    unit_out[0] = '\0';
    return 1;
  }
  return 0;
}

/* ---- the reader's state --------------------------------------------------- */

typedef struct md_row {
  double g, x, y[IDR_MDATA_MAX_Y];
  size_t line;
} md_row;

typedef struct md_reader {
  const char *path;
  const idr_mdata_spec *spec;
  const idr_mdata_options *opt;
  idr_mdata *d;
  idr_md_text text;
  idr_md_fields f;
  int mapped[IDR_Q_COUNT]; /* 1: the column came from --columns */
  char **hdr;              /* header fields (copies) */
  size_t n_hdr;            /* their count */
  double scale[IDR_Q_COUNT], offset[IDR_Q_COUNT];
  md_row *rows;
  size_t n_rows, rows_cap;
} md_reader;

static void warn(idr_mdata *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(idr_mdata *d, const char *fmt, ...) {
  if (d->n_warnings < IDR_MDATA_MAX_WARN) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->warning[d->n_warnings], sizeof d->warning[0], fmt, ap);
    va_end(ap);
  }
  d->n_warnings++;
}

/* "a, b, c" of the header fields, for messages. */
static void header_list(const md_reader *r, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t j = 0; j < r->n_hdr && used + 1 < size; j++) {
    int w = snprintf(buf + used, size - used, "%s'%s'", j ? ", " : "", r->hdr[j]);
    if (w < 0) break;
    used += (size_t)w;
  }
}

static int needed(const idr_mdata_spec *s, int q, int *optional) {
  *optional = 0;
  if (q == s->group || q == (int)s->x) return 1;
  for (size_t k = 0; k < s->ny; k++)
    if ((int)s->y[k] == q) {
      *optional = s->y_optional[k];
      return 1;
    }
  return 0;
}

/* ---- columns: the --columns mapping, then the header ----------------------- */

/* Apply "quantity=Header,..." to d->field (and the header text). */
static idr_status map_columns(md_reader *r, idr_error *err) {
  const char *s = r->opt->columns;
  if (!s || !s[0]) return IDR_OK;
  char item[2 * IDR_MDATA_TEXT_LEN];
  while (*s) {
    size_t n = strcspn(s, ",");
    if (n >= sizeof item) n = sizeof item - 1;
    memcpy(item, s, n);
    item[n] = '\0';
    s += n + (s[n] == ',');
    char *eq = strchr(item, '=');
    if (!eq)
      return idr_error_set(err, IDR_ERR_INPUT,
                           "--columns: '%s' is not quantity=Header (e.g. time_s=\"Time (ms)\")",
                           item);
    *eq = '\0';
    char *key = item, *val = eq + 1;
    while (*key == ' ')
      key++;
    for (char *e = key + strlen(key); e > key && e[-1] == ' ';)
      *--e = '\0';
    idr_md_fields one = {0};
    if (idr_md_split(val, '\0', &one)) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    val = one.v[0];
    free(one.v);
    int q = idr_quantity_from_name(key), opt;
    if (q < 0)
      return idr_error_set(err, IDR_ERR_INPUT,
                           "--columns: unknown quantity '%s' (known: temperature_K, time_s, "
                           "frequency_Hz, voltage_V, capacitance_F, conductance_S)",
                           key);
    if (!needed(r->spec, q, &opt))
      return idr_error_set(err, IDR_ERR_INPUT, "--columns: %s is not read from this file", key);
    long idx = -1;
    if (val[0] == '#') {
      char *end;
      idx = strtol(val + 1, &end, 10) - 1;
      if (*end || idx < 0 || (size_t)idx >= r->n_hdr)
        return idr_error_set(err, IDR_ERR_INPUT,
                             "--columns %s=%s: the header on line %zu has fields #1..#%zu", key,
                             val, r->d->header_line, r->n_hdr);
    } else {
      for (size_t j = 0; j < r->n_hdr && idx < 0; j++)
        if (strcmp(r->hdr[j], val) == 0) idx = (long)j;
      if (idx < 0) {
        char found[600];
        header_list(r, found, sizeof found);
        return idr_error_set(err, IDR_ERR_INPUT,
                             "%s:%zu: --columns %s='%s': no such column in the header (found: %s)",
                             r->path, r->d->header_line, key, val, found);
      }
    }
    r->d->field[q] = (int)idx;
    r->mapped[q] = 1;
  }
  return IDR_OK;
}

/* Find every needed quantity that --columns did not map. */
static idr_status find_columns(md_reader *r, idr_error *err) {
  idr_mdata *d = r->d;
  for (int q = 0; q < IDR_Q_COUNT; q++) {
    int optional;
    if (!needed(r->spec, q, &optional) || d->field[q] >= 0) continue;
    int best = 0, count = 0, at = -1, at2 = -1;
    char unit[IDR_MDATA_TEXT_LEN];
    for (size_t j = 0; j < r->n_hdr; j++) {
      int m = header_matches(r->hdr[j], (idr_quantity)q, unit);
      if (m > best) {
        best = m;
        count = 1;
        at = (int)j;
      } else if (m && m == best) {
        count++;
        at2 = (int)j;
      }
    }
    if (count > 1)
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s:%zu: columns '%s' and '%s' both look like %s; choose one with "
                           "--columns %s=\"...\"",
                           r->path, d->header_line, r->hdr[at], r->hdr[at2],
                           idr_quantity_name((idr_quantity)q), idr_quantity_name((idr_quantity)q));
    if (at < 0 && optional) continue;
    for (size_t j = 0; at < 0 && j < r->n_hdr; j++) {
      idr_md_header p;
      idr_md_header_split(r->hdr[j], &p);
      if (p.explicit_unit && name_is(p.name, (idr_quantity)q))
        return idr_error_set(err, IDR_ERR_INPUT,
                             "%s:%zu: column '%s': '%s' is not a unit of %s (known: %s); give its "
                             "unit option or map the column with --columns",
                             r->path, d->header_line, r->hdr[j], p.unit,
                             idr_quantity_name((idr_quantity)q),
                             idr_quantity_units((idr_quantity)q));
    }
    if (at < 0) {
      char found[600];
      header_list(r, found, sizeof found);
      const char *hint = r->n_hdr < 2 ? "; is the separator one of ',', ';', tab?" : "";
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s:%zu: header lacks a %s column (found %zu field(s), separator %s: "
                           "%s)%s; name it %s, 'Name (unit)', or map it with --columns %s=\"...\"",
                           r->path, d->header_line, idr_quantity_name((idr_quantity)q), r->n_hdr,
                           idr_md_sep_name(d->sep), found, hint, idr_quantity_name((idr_quantity)q),
                           idr_quantity_name((idr_quantity)q));
    }
    d->field[q] = at;
  }
  return IDR_OK;
}

/* The unit of each column read: the option, else the header's, else SI. */
static idr_status column_unit(md_reader *r, int q, int mapped, idr_error *err) {
  idr_mdata *d = r->d;
  const idr_quantity Q = (idr_quantity)q;
  const char *h = r->hdr[d->field[q]], *name = idr_quantity_name(Q);
  const char *si = strrchr(name, '_') + 1;
  const char *opt_unit = r->opt->unit[q];
  const char *flag = r->opt->unit_option[q] ? r->opt->unit_option[q] : "its unit option";
  idr_strlcpy(d->header[q], h, IDR_MDATA_TEXT_LEN);
  idr_md_header p;
  idr_md_header_split(h, &p);
  double s, o;
  const int canonical = strcmp(h, name) == 0;
  const int unit_ok = !canonical && p.has_unit && idr_unit_to_si(Q, p.unit, &s, &o, NULL) == 0;
  const char *u = si;
  if (opt_unit) {
    u = opt_unit;
    const char *says = unit_ok ? p.unit : canonical ? si : NULL;
    if (says && strcmp(opt_unit, says) != 0)
      warn(d, "%s:%zu: column '%s' says %s, %s says %s: read as %s", r->path, d->header_line, h,
           says, flag, opt_unit, opt_unit);
  } else if (unit_ok) {
    u = p.unit;
  } else if (!canonical && p.has_unit && p.explicit_unit) {
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s:%zu: column '%s': '%s' is not a unit of %s (known: %s); give %s",
                         r->path, d->header_line, h, p.unit, name, idr_quantity_units(Q), flag);
  } else if (!canonical && !mapped) {
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s:%zu: column '%s' states no unit; give %s (%s) or name it '%s (%s)'",
                         r->path, d->header_line, h, flag, idr_quantity_units(Q), p.name, si);
  }
  if (idr_unit_to_si(Q, u, &r->scale[q], &r->offset[q], err))
    return idr_error_context(err, "%s", flag);
  if (!idr_md_unit_normalise(u, d->unit[q], IDR_MDATA_TEXT_LEN)) d->unit[q][0] = '\0';
  return IDR_OK;
}

/* ---- header and rows ----------------------------------------------------- */

/* Find the header after skip_lines and comments, detect the separator and
 * split the header. Returns the index of the header line. */
static idr_status read_header(md_reader *r, size_t *at, idr_error *err) {
  idr_mdata *d = r->d;
  idr_md_text *t = &r->text;
  for (size_t i = 0; i < t->n_lines; i++)
    idr_md_strip_comment(t->lines[i]);
  size_t h = r->opt->skip_lines;
  while (h < t->n_lines && idr_md_blank(t->lines[h]))
    h++;
  if (h >= t->n_lines)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s: expected a header line, found an empty file (or only comments)",
                         r->path);
  char *sniff[MD_SNIFF_LINES + 1];
  size_t ns = 0;
  for (size_t i = h; i < t->n_lines && ns <= MD_SNIFF_LINES; i++)
    if (!idr_md_blank(t->lines[i])) sniff[ns++] = t->lines[i];
  d->sep = idr_md_detect_sep(sniff, ns);
  d->header_line = h + 1;
  if (!d->sep)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s:%zu: header '%.80s' has no field separator (expected ',', ';' or tab "
                         "between the column names)",
                         r->path, h + 1, t->lines[h]);
  if (idr_md_split(t->lines[h], d->sep, &r->f))
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  r->hdr = calloc(r->f.n, sizeof *r->hdr);
  if (!r->hdr) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  r->n_hdr = r->f.n;
  for (size_t j = 0; j < r->f.n; j++) {
    r->hdr[j] = strdup(r->f.v[j]);
    if (!r->hdr[j]) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  *at = h;
  return IDR_OK;
}

static idr_status push_row(md_reader *r, const md_row *row, idr_error *err) {
  if (r->n_rows == r->rows_cap) {
    size_t cap = r->rows_cap ? 2 * r->rows_cap : 256;
    md_row *grown = realloc(r->rows, cap * sizeof *grown);
    if (!grown) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", r->path);
    r->rows = grown;
    r->rows_cap = cap;
  }
  r->rows[r->n_rows++] = *row;
  return IDR_OK;
}

/* One quantity's value of the row in r->f, in SI. */
static idr_status row_value(md_reader *r, size_t line, int q, double *v, idr_error *err) {
  const char *s = r->f.v[r->d->field[q]];
  if (!idr_md_parse_number(s, r->d->sep, v, &r->d->decimal_comma)) {
    const char *why = !s[0] ? "an empty field" : NULL;
    char shown[80];
    snprintf(shown, sizeof shown, "'%.60s'", s);
    return idr_error_set(
        err, IDR_ERR_INPUT, "%s:%zu: column '%s' (field %d): expected a finite number, found %s",
        r->path, line, r->hdr[r->d->field[q]], r->d->field[q] + 1, why ? why : shown);
  }
  *v = r->scale[q] * *v + r->offset[q];
  return IDR_OK;
}

static idr_status read_rows(md_reader *r, size_t h, idr_error *err) {
  idr_mdata *d = r->d;
  const idr_mdata_spec *sp = r->spec;
  for (size_t i = h + 1; i < r->text.n_lines; i++) {
    if (idr_md_blank(r->text.lines[i])) continue;
    const size_t line = i + 1;
    if (idr_md_split(r->text.lines[i], d->sep, &r->f))
      return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    if (r->f.n == r->n_hdr + 1 && !r->f.v[r->f.n - 1][0]) r->f.n--; /* "1;2;3;" */
    if (r->f.n != r->n_hdr) {
      const char *hint = d->sep == ',' && r->f.n > r->n_hdr
                             ? ": a decimal comma in a ','-separated file? Use ';' or tab "
                               "between fields, or '.' as the decimal mark"
                             : "";
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s:%zu: expected %zu fields separated by %s (as in the header on line "
                           "%zu), found %zu%s",
                           r->path, line, r->n_hdr, idr_md_sep_name(d->sep), d->header_line, r->f.n,
                           hint);
    }
    d->n_rows++;
    md_row row = {.g = NAN, .line = line};
    idr_status st = row_value(r, line, (int)sp->x, &row.x, err);
    if (!st && sp->group >= 0) st = row_value(r, line, sp->group, &row.g, err);
    for (size_t k = 0; !st && k < sp->ny; k++)
      row.y[k] = NAN;
    for (size_t k = 0; !st && k < sp->ny; k++)
      if (d->field[sp->y[k]] >= 0) st = row_value(r, line, (int)sp->y[k], &row.y[k], err);
    if (st) return st;
    if (sp->group == IDR_Q_TEMPERATURE && !(row.g > 0.0))
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s:%zu: temperature %g K is not above absolute zero (column '%s' read "
                           "in %s; in degrees Celsius? give --temp-unit C)",
                           r->path, line, row.g, d->header[IDR_Q_TEMPERATURE],
                           d->unit[IDR_Q_TEMPERATURE]);
    if (sp->x_positive && !(row.x > 0.0)) {
      d->n_nonpositive++;
      continue;
    }
    if (row.x < r->opt->x_min || row.x > r->opt->x_max) {
      d->n_outside++;
      continue;
    }
    st = push_row(r, &row, err);
    if (st) return st;
  }
  if (d->n_rows == 0)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s:%zu: expected data rows after the header, found none", r->path,
                         d->header_line);
  if (r->n_rows == 0)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s: no row left: %zu row(s) with %s <= 0 and %zu outside the window "
                         "[%g, %g] of %zu",
                         r->path, d->n_nonpositive, idr_quantity_name(sp->x), d->n_outside,
                         r->opt->x_min, r->opt->x_max, d->n_rows);
  return IDR_OK;
}

/* ---- groups ------------------------------------------------------------- */

static int by_group(const void *pa, const void *pb) {
  const md_row *a = pa, *b = pb;
  if (a->g != b->g) return a->g < b->g ? -1 : 1;
  return (a->line > b->line) - (a->line < b->line);
}

static int by_x(const void *pa, const void *pb) {
  const md_row *a = pa, *b = pb;
  if (a->x != b->x) return a->x < b->x ? -1 : 1;
  return (a->line > b->line) - (a->line < b->line);
}

/* Sorted values closer than tol chain into one group. */
static size_t count_groups(const md_row *rows, size_t n, double tol, int grouped) {
  size_t m = 1;
  for (size_t i = 1; grouped && i < n; i++)
    if (rows[i].g - rows[i - 1].g > tol) m++;
  return m;
}

typedef struct md_group {
  size_t start, count, first_line;
  double mean, spread;
} md_group;

/* Hottest (largest value) first, as TID scans are listed. */
static int by_value_desc(const void *pa, const void *pb) {
  const md_group *a = pa, *b = pb;
  if (a->mean != b->mean) return a->mean > b->mean ? -1 : 1;
  return (a->first_line > b->first_line) - (a->first_line < b->first_line);
}

static idr_status fill_output(md_reader *r, md_group *g, size_t m, idr_error *err) {
  idr_mdata *d = r->d;
  const size_t n = r->n_rows;
  d->m = m;
  d->n = n;
  d->group = malloc(m * sizeof *d->group);
  d->group_spread = malloc(m * sizeof *d->group_spread);
  d->off = malloc((m + 1) * sizeof *d->off);
  d->x = malloc(n * sizeof *d->x);
  d->line = malloc(n * sizeof *d->line);
  int ok = d->group && d->group_spread && d->off && d->x && d->line;
  for (size_t k = 0; ok && k < r->spec->ny; k++)
    if (d->field[r->spec->y[k]] >= 0) ok = (d->y[k] = malloc(n * sizeof *d->y[k])) != NULL;
  if (!ok) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", r->path);
  size_t p = 0;
  for (size_t j = 0; j < m; j++) {
    d->group[j] = g[j].mean;
    d->group_spread[j] = g[j].spread;
    d->off[j] = p;
    const md_row *rows = r->rows + g[j].start;
    for (size_t i = 0; i < g[j].count; i++, p++) {
      d->x[p] = rows[i].x;
      d->line[p] = rows[i].line;
      for (size_t k = 0; k < r->spec->ny; k++)
        if (d->y[k]) d->y[k][p] = rows[i].y[k];
      if (r->spec->x_unique && i > 0 && rows[i].x == rows[i - 1].x) {
        char where[96] = "";
        if (r->spec->group >= 0)
          snprintf(where, sizeof where, " in the curve at %s = %.6g",
                   idr_quantity_name((idr_quantity)r->spec->group), g[j].mean);
        return idr_error_set(err, IDR_ERR_INPUT, "%s:%zu: %s = %g repeats line %zu%s", r->path,
                             rows[i].line, idr_quantity_name(r->spec->x), rows[i].x,
                             rows[i - 1].line, where);
      }
    }
  }
  d->off[m] = p;
  return IDR_OK;
}

static idr_status make_groups(md_reader *r, idr_error *err) {
  const int grouped = r->spec->group >= 0;
  const double tol = r->opt->group_tol;
  if (grouped) qsort(r->rows, r->n_rows, sizeof *r->rows, by_group);
  size_t m = count_groups(r->rows, r->n_rows, tol, grouped);
  md_group *g = calloc(m, sizeof *g);
  if (!g) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", r->path);
  size_t j = 0;
  for (size_t i = 0; i < r->n_rows; i++) {
    if (i > 0 && grouped && r->rows[i].g - r->rows[i - 1].g > tol) j++;
    if (g[j].count == 0) {
      g[j].start = i;
      g[j].first_line = r->rows[i].line;
    }
    g[j].count++;
    g[j].mean += r->rows[i].g;
    if (r->rows[i].line < g[j].first_line) g[j].first_line = r->rows[i].line;
  }
  for (j = 0; j < m; j++) {
    md_row *rows = r->rows + g[j].start;
    g[j].mean = grouped ? g[j].mean / (double)g[j].count : NAN;
    g[j].spread = 0.0;
    for (size_t i = 0; grouped && i < g[j].count; i++)
      g[j].spread = fmax(g[j].spread, fabs(rows[i].g - g[j].mean));
    qsort(rows, g[j].count, sizeof *rows, by_x);
  }
  if (grouped) qsort(g, m, sizeof *g, by_value_desc);
  idr_status st = fill_output(r, g, m, err);
  free(g);
  return st;
}

/* ---- plausibility -------------------------------------------------------- */

/* Magnitudes outside these ranges [SI] are no device measurement. */
static const double PLAUSIBLE_LO[IDR_Q_COUNT] = {1.0, 1e-10, 1e-6, 0.0, 1e-15, 0.0};
static const double PLAUSIBLE_HI[IDR_Q_COUNT] = {1000.0, 1e6, 1e10, 100.0, 1e-3, 100.0};

static void check_magnitudes(md_reader *r) {
  idr_mdata *d = r->d;
  const idr_mdata_spec *sp = r->spec;
  for (int q = 0; q < IDR_Q_COUNT; q++) {
    if (d->field[q] < 0) continue;
    double lo = HUGE_VAL, hi = 0.0;
    for (size_t i = 0; i < r->n_rows; i++) {
      const md_row *w = &r->rows[i];
      double v = q == sp->group ? w->g : q == (int)sp->x ? w->x : NAN;
      for (size_t k = 0; k < sp->ny; k++)
        if ((int)sp->y[k] == q) v = w->y[k];
      v = fabs(v);
      if (isfinite(v) && v > 0.0) lo = fmin(lo, v);
      if (isfinite(v)) hi = fmax(hi, v);
    }
    const char *name = idr_quantity_name((idr_quantity)q);
    if (hi > PLAUSIBLE_HI[q])
      warn(d,
           "%s: %s up to %g %s (column '%s' read in %s) is not a plausible measurement; if the "
           "column is in another unit, give it with its unit option",
           r->path, name, hi, strrchr(name, '_') + 1, d->header[q], d->unit[q]);
    else if (lo < PLAUSIBLE_LO[q] && PLAUSIBLE_LO[q] > 0.0)
      warn(d,
           "%s: %s down to %g %s (column '%s' read in %s) is not a plausible measurement; if the "
           "column is in another unit, give it with its unit option",
           r->path, name, lo, strrchr(name, '_') + 1, d->header[q], d->unit[q]);
  }
}

static void check_groups(md_reader *r) {
  idr_mdata *d = r->d;
  for (size_t j = 0; r->spec->group >= 0 && j < d->m; j++)
    if (d->group_spread[j] > r->opt->group_tol)
      warn(d,
           "%s: the group at %s = %.6g spreads +-%.3g (more than the tolerance %g): values "
           "closer than the tolerance chain into one group",
           r->path, idr_quantity_name((idr_quantity)r->spec->group), d->group[j],
           d->group_spread[j], r->opt->group_tol);
}

/* ---- the entry point ------------------------------------------------------ */

static idr_status check_spec(const idr_mdata_spec *s, const idr_mdata_options *o, idr_error *err) {
  int bad = s->ny < 1 || s->ny > IDR_MDATA_MAX_Y || (unsigned)s->x >= IDR_Q_COUNT ||
            s->group >= IDR_Q_COUNT || s->group < -1;
  for (size_t k = 0; !bad && k < s->ny; k++)
    bad = (unsigned)s->y[k] >= IDR_Q_COUNT;
  if (bad) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_mdata_read: bad spec");
  if (!(o->group_tol >= 0.0) || !(o->x_min <= o->x_max))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "the grouping tolerance must be >= 0 and the window min <= max");
  return IDR_OK;
}

idr_status idr_mdata_read(const char *path, const idr_mdata_spec *spec,
                          const idr_mdata_options *opt, idr_mdata *out, idr_error *err) {
  idr_mdata_options defaults;
  if (!opt) {
    idr_mdata_options_default(&defaults);
    opt = &defaults;
  }
  memset(out, 0, sizeof *out);
  for (int q = 0; q < IDR_Q_COUNT; q++)
    out->field[q] = -1;
  idr_status st = check_spec(spec, opt, err);
  if (st) return st;
  md_reader r = {.path = path, .spec = spec, .opt = opt, .d = out};
  out->x_name = idr_quantity_name(spec->x);
  size_t h = 0;
  st = idr_md_text_load(path, &r.text, err);
  if (!st) {
    out->bom = r.text.bom;
    st = read_header(&r, &h, err);
  }
  if (!st) st = map_columns(&r, err);
  if (!st) st = find_columns(&r, err);
  for (int q = 0; !st && q < IDR_Q_COUNT; q++)
    if (out->field[q] >= 0) st = column_unit(&r, q, r.mapped[q], err);
  if (!st) st = read_rows(&r, h, err);
  if (!st) st = make_groups(&r, err);
  if (!st) {
    check_magnitudes(&r);
    check_groups(&r);
  }
  idr_md_text_free(&r.text);
  free(r.f.v);
  for (size_t j = 0; j < r.n_hdr; j++)
    free(r.hdr[j]);
  free(r.hdr);
  free(r.rows);
  if (st) {
    idr_mdata_free(out);
    for (int q = 0; q < IDR_Q_COUNT; q++)
      out->field[q] = -1;
  }
  return st;
}

void idr_mdata_describe(const idr_mdata *d, char *buf, size_t size) {
  size_t used = 0;
  int w = snprintf(buf, size, "separator %s%s%s", idr_md_sep_name(d->sep),
                   d->decimal_comma ? ", decimal comma" : "", d->bom ? ", UTF-8 BOM" : "");
  for (int q = 0; w >= 0 && q < IDR_Q_COUNT; q++) {
    used += (size_t)w;
    if (used >= size) return;
    w = d->field[q] < 0 ? 0
                        : snprintf(buf + used, size - used, "; %s <- '%s' [%s]",
                                   idr_quantity_name((idr_quantity)q), d->header[q], d->unit[q]);
  }
  if (w >= 0) used += (size_t)w;
  if (used < size && (d->n_nonpositive || d->n_outside))
    snprintf(buf + used, size - used, "; skipped %zu row(s) at %s <= 0, %zu outside the window",
             d->n_nonpositive, d->x_name, d->n_outside);
}

/*
 * iondrift io: CSV tables. The writer prints simulated curves with a header
 * of unit-carrying column names and publishes the file atomically (temporary
 * name, then rename). The reader loads measured data (C(t,T), C-f, C-V) by
 * column name and reports every malformed row as "file:LINE: expected ...,
 * found ...". Plain C + POSIX, no HDF5.
 */
#define _POSIX_C_SOURCE 200809L

#include "idr_io.h"
#include "io_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- writer ------------------------------------------------------------ */

static idr_status check_names(const char *path, const char *const *names, size_t ncols,
                              idr_error *err) {
  for (size_t k = 0; k < ncols; k++) {
    const char *s = names[k];
    if (!s || !s[0])
      return idr_error_set(err, IDR_ERR_INTERNAL, "%s: column %zu has an empty name", path, k + 1);
    if (strpbrk(s, ",#\"\r\n"))
      return idr_error_set(err, IDR_ERR_INTERNAL,
                           "%s: column name '%s' contains one of , # \" or a line break", path, s);
  }
  return IDR_OK;
}

/* Write the comment block, header and rows; returns false on a stdio error. */
static bool csv_print(FILE *f, const char *comment, const char *const *names,
                      const double *const *cols, size_t ncols, size_t nrows) {
  if (comment) {
    const char *line = comment;
    while (*line) {
      size_t n = strcspn(line, "\n");
      fprintf(f, "# %.*s\n", (int)n, line);
      line += n;
      if (*line == '\n') line++;
    }
  }
  for (size_t k = 0; k < ncols; k++)
    fprintf(f, "%s%s", k ? "," : "", names[k]);
  fputc('\n', f);
  for (size_t i = 0; i < nrows; i++) {
    for (size_t k = 0; k < ncols; k++)
      fprintf(f, "%s%.10g", k ? "," : "", cols[k][i]);
    fputc('\n', f);
  }
  return !ferror(f);
}

idr_status idr_csv_stage(const char *path, const char *comment, const char *const *names,
                         const double *const *cols, size_t ncols, size_t nrows, char **tmp_path,
                         idr_error *err) {
  *tmp_path = NULL;
  if (!path || !path[0]) return idr_error_set(err, IDR_ERR_INPUT, "idr_csv_write: empty path");
  if (ncols == 0 || !names || !cols)
    return idr_error_set(err, IDR_ERR_INTERNAL, "%s: no columns to write", path);
  idr_status st = check_names(path, names, ncols, err);
  if (st != IDR_OK) return st;
  for (size_t k = 0; k < ncols; k++)
    if (nrows > 0 && !cols[k])
      return idr_error_set(err, IDR_ERR_INTERNAL, "%s: column '%s' has no data", path, names[k]);

  /* Create the temporary exclusively; the salt (a stack address) keeps
   * names of concurrent writers in one process apart. */
  char *tmp = NULL;
  int fd = -1;
  for (unsigned attempt = 0; attempt < IDR_IO_TEMP_ATTEMPTS && fd < 0; attempt++) {
    free(tmp);
    tmp = idr_io_temp_name(path, &fd, attempt);
    if (!tmp) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0 && errno != EEXIST) {
      st = idr_error_set(err, IDR_ERR_IO, "%s: cannot create temporary '%s': %s", path, tmp,
                         strerror(errno));
      free(tmp);
      return st;
    }
  }
  if (fd < 0) {
    free(tmp);
    return idr_error_set(err, IDR_ERR_IO, "%s: cannot create: %d temporary names are all taken",
                         path, IDR_IO_TEMP_ATTEMPTS);
  }
  FILE *f = fdopen(fd, "w");
  if (!f) {
    st = idr_error_set(err, IDR_ERR_IO, "%s: cannot open temporary '%s': %s", path, tmp,
                       strerror(errno));
    close(fd);
    goto out_remove_tmp;
  }
  bool ok = csv_print(f, comment, names, cols, ncols, nrows);
  int saved = errno;
  if (ok && fflush(f) != 0) {
    ok = false;
    saved = errno;
  }
  if (ok && fsync(fileno(f)) != 0) {
    ok = false;
    saved = errno;
  }
  if (fclose(f) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  if (!ok) {
    st = idr_error_set(err, IDR_ERR_IO, "%s: cannot write temporary '%s': %s", path, tmp,
                       strerror(saved));
    goto out_remove_tmp;
  }
  *tmp_path = tmp;
  return IDR_OK;
out_remove_tmp:
  remove(tmp);
  free(tmp);
  return st;
}

idr_status idr_csv_write(const char *path, const char *comment, const char *const *names,
                         const double *const *cols, size_t ncols, size_t nrows, idr_error *err) {
  char *tmp = NULL;
  idr_status st = idr_csv_stage(path, comment, names, cols, ncols, nrows, &tmp, err);
  if (st) return st;
  st = idr_io_publish(tmp, path, err);
  if (st) remove(tmp);
  free(tmp);
  return st;
}

/* ---- reader ------------------------------------------------------------ */

void idr_csv_table_free(idr_csv_table *t) {
  if (!t) return;
  if (t->cols)
    for (size_t k = 0; k < t->ncols; k++)
      free(t->cols[k]);
  free(t->cols);
  memset(t, 0, sizeof *t);
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\r')
    s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
    s[--n] = '\0';
  return s;
}

/* Split `line` in place at commas into trimmed fields; grows *fields as
 * needed. Returns the number of fields, or 0 when out of memory. */
static size_t split_fields(char *line, char ***fields, size_t *cap) {
  size_t n = 1;
  for (const char *c = line; *c; c++)
    if (*c == ',') n++;
  if (n > *cap) {
    char **grown = realloc(*fields, n * sizeof *grown);
    if (!grown) return 0;
    *fields = grown;
    *cap = n;
  }
  size_t i = 0;
  char *start = line;
  for (char *c = line;; c++) {
    if (*c == ',' || *c == '\0') {
      bool end = *c == '\0';
      *c = '\0';
      (*fields)[i++] = trim(start);
      if (end) break;
      start = c + 1;
    }
  }
  return n;
}

/* Reader state, kept in one place so that one cleanup path frees it. */
typedef struct csv_reader {
  const char *path;
  FILE *f;
  char *line;         /* getline buffer */
  size_t line_cap;    /* its capacity */
  char **fields;      /* field pointers into line */
  size_t fields_cap;  /* capacity of fields */
  size_t *index;      /* index[k]: header position of required column k */
  char **header;      /* copies of the header names */
  size_t nheader;     /* number of header fields */
  size_t header_line; /* line number of the header */
  size_t rows_cap;    /* capacity of each output column */
} csv_reader;

static void reader_free(csv_reader *r) {
  if (r->f) fclose(r->f);
  free(r->line);
  free(r->fields);
  free(r->index);
  if (r->header)
    for (size_t j = 0; j < r->nheader; j++)
      free(r->header[j]);
  free(r->header);
}

/* Parse the header line (already split into r->fields[0..n)). */
static idr_status parse_header(csv_reader *r, size_t lineno, size_t n, const char *const *names,
                               size_t ncols, idr_error *err) {
  r->header_line = lineno;
  r->header = calloc(n, sizeof *r->header);
  if (!r->header) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", r->path);
  r->nheader = n;
  for (size_t j = 0; j < n; j++) {
    if (!r->fields[j][0])
      return idr_error_set(err, IDR_ERR_INPUT, "%s:%zu: header field %zu is empty", r->path, lineno,
                           j + 1);
    for (size_t i = 0; i < j; i++)
      if (strcmp(r->header[i], r->fields[j]) == 0)
        return idr_error_set(err, IDR_ERR_INPUT,
                             "%s:%zu: header names column '%s' twice (fields %zu and %zu)", r->path,
                             lineno, r->fields[j], i + 1, j + 1);
    r->header[j] = idr_io_strdup(r->fields[j]);
    if (!r->header[j]) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", r->path);
  }
  for (size_t k = 0; k < ncols; k++) {
    size_t j = 0;
    while (j < n && strcmp(r->header[j], names[k]) != 0)
      j++;
    if (j == n) {
      /* List what the header does contain, to make a misspelling obvious. */
      char found[512] = "";
      size_t used = 0;
      for (size_t i = 0; i < n && used < sizeof found; i++) {
        int w = snprintf(found + used, sizeof found - used, "%s%s", i ? ", " : "", r->header[i]);
        if (w < 0) break;
        used += (size_t)w;
      }
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s:%zu: header lacks required column '%s' (found: %s)", r->path, lineno,
                           names[k], found);
    }
    r->index[k] = j;
  }
  return IDR_OK;
}

/* Append the required fields of one data row to the output columns. */
static idr_status parse_row(csv_reader *r, size_t lineno, size_t n, const char *const *names,
                            idr_csv_table *t, idr_error *err) {
  if (n != r->nheader)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s:%zu: expected %zu fields (as in the header on line %zu), found %zu",
                         r->path, lineno, r->nheader, r->header_line, n);
  if (t->nrows == r->rows_cap) {
    size_t cap = r->rows_cap ? 2 * r->rows_cap : 64;
    for (size_t k = 0; k < t->ncols; k++) {
      double *grown = realloc(t->cols[k], cap * sizeof *grown);
      if (!grown) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", r->path);
      t->cols[k] = grown;
    }
    r->rows_cap = cap;
  }
  for (size_t k = 0; k < t->ncols; k++) {
    size_t j = r->index[k];
    const char *s = r->fields[j];
    if (!s[0])
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s:%zu: column '%s' (field %zu): expected a number, found an empty "
                           "field",
                           r->path, lineno, names[k], j + 1);
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0')
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s:%zu: column '%s' (field %zu): expected a number, found '%.60s'",
                           r->path, lineno, names[k], j + 1, s);
    if (!isfinite(v))
      return idr_error_set(err, IDR_ERR_INPUT,
                           "%s:%zu: column '%s' (field %zu): expected a finite number, found "
                           "'%.60s'",
                           r->path, lineno, names[k], j + 1, s);
    t->cols[k][t->nrows] = v;
  }
  t->nrows++;
  return IDR_OK;
}

idr_status idr_csv_read(const char *path, const char *const *names, size_t ncols,
                        idr_csv_table *out, idr_error *err) {
  if (!out) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_csv_read: NULL output");
  memset(out, 0, sizeof *out);
  if (!path || !path[0]) return idr_error_set(err, IDR_ERR_INPUT, "idr_csv_read: empty path");
  if (ncols == 0 || !names)
    return idr_error_set(err, IDR_ERR_INTERNAL, "%s: no columns requested", path);
  for (size_t k = 0; k < ncols; k++)
    if (!names[k] || !names[k][0])
      return idr_error_set(err, IDR_ERR_INTERNAL, "%s: requested column %zu has no name", path,
                           k + 1);

  idr_status st = IDR_OK;
  csv_reader r = {.path = path};
  out->ncols = ncols;
  out->cols = calloc(ncols, sizeof *out->cols);
  r.index = calloc(ncols, sizeof *r.index);
  if (!out->cols || !r.index) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", path);
    goto out;
  }
  r.f = fopen(path, "r");
  if (!r.f) {
    st = idr_error_set(err, IDR_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    goto out;
  }

  size_t lineno = 0;
  bool have_header = false;
  for (;;) {
    errno = 0;
    ssize_t len = getline(&r.line, &r.line_cap, r.f);
    if (len < 0) {
      if (ferror(r.f))
        st = idr_error_set(err, IDR_ERR_IO, "%s:%zu: read error: %s", path, lineno + 1,
                           strerror(errno));
      break;
    }
    lineno++;
    if ((size_t)len != strlen(r.line)) {
      st = idr_error_set(err, IDR_ERR_INPUT, "%s:%zu: expected text, found a NUL byte", path,
                         lineno);
      break;
    }
    char *hash = strchr(r.line, '#');
    if (hash) *hash = '\0';
    char *content = trim(r.line);
    if (!content[0]) continue;
    size_t n = split_fields(content, &r.fields, &r.fields_cap);
    if (n == 0) {
      st = idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", path);
      break;
    }
    if (!have_header) {
      st = parse_header(&r, lineno, n, names, ncols, err);
      have_header = true;
    } else {
      st = parse_row(&r, lineno, n, names, out, err);
    }
    if (st != IDR_OK) break;
  }
  if (st == IDR_OK && !have_header)
    st = idr_error_set(err, IDR_ERR_INPUT,
                       "%s: expected a header line, found an empty file (or only comments)", path);
  else if (st == IDR_OK && out->nrows == 0)
    st =
        idr_error_set(err, IDR_ERR_INPUT, "%s:%zu: expected data rows after the header, found none",
                      path, r.header_line);
out:
  reader_free(&r);
  if (st != IDR_OK) idr_csv_table_free(out);
  return st;
}

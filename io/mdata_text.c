/*
 * iondrift io: the text layer of the measured-data reader (mdata.c) - the
 * file as lines (UTF-8 byte-order mark dropped, CRLF / CR line ends, a UTF-16
 * file refused), '#' comments, quote-aware fields, the separator detected
 * from the header and the first data lines, numbers with a decimal point or
 * (with ';' or tab) a decimal comma, and header texts split into a name and
 * a unit ("Time (ms)", "Cp [nF]", "Time / s", "time_ms").
 */
#define _POSIX_C_SOURCE 200809L

#include "mdata_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void idr_md_text_free(idr_md_text *t) {
  free(t->buf);
  free(t->lines);
  memset(t, 0, sizeof *t);
}

/* Split buf (NUL-terminated, len bytes) into lines at `eol`, in place. */
static idr_status split_lines(idr_md_text *t, char eol, const char *path, idr_error *err) {
  size_t n = 1;
  for (size_t i = 0; i < t->len; i++)
    if (t->buf[i] == eol) n++;
  t->lines = malloc(n * sizeof *t->lines);
  if (!t->lines) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", path);
  char *s = t->buf;
  t->n_lines = 0;
  for (;;) {
    char *e = strchr(s, eol);
    if (e) *e = '\0';
    size_t k = strlen(s);
    if (k > 0 && s[k - 1] == '\r') s[k - 1] = '\0';
    t->lines[t->n_lines++] = s;
    if (!e) break;
    s = e + 1;
  }
  return IDR_OK;
}

idr_status idr_md_text_load(const char *path, idr_md_text *t, idr_error *err) {
  memset(t, 0, sizeof *t);
  FILE *f = fopen(path, "rb");
  if (!f) return idr_error_set(err, IDR_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  size_t cap = 1 << 16;
  t->buf = malloc(cap + 1);
  idr_status st = t->buf ? IDR_OK : idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", path);
  while (!st) {
    size_t got = fread(t->buf + t->len, 1, cap - t->len, f);
    t->len += got;
    if (t->len < cap) break;
    char *grown = realloc(t->buf, 2 * cap + 1);
    if (!grown)
      st = idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", path);
    else {
      t->buf = grown;
      cap *= 2;
    }
  }
  if (!st && ferror(f)) st = idr_error_set(err, IDR_ERR_IO, "%s: read error", path);
  fclose(f);
  if (st) goto out_fail;
  t->buf[t->len] = '\0';
  const unsigned char *u = (const unsigned char *)t->buf;
  if (t->len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
    st = idr_error_set(err, IDR_ERR_INPUT,
                       "%s: the file is UTF-16 text (e.g. Excel's 'Unicode Text'); save it as "
                       "'CSV UTF-8' or plain text",
                       path);
    goto out_fail;
  }
  if (t->len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
    t->bom = 1;
    memmove(t->buf, t->buf + 3, t->len - 2);
    t->len -= 3;
  }
  char *nul = memchr(t->buf, '\0', t->len);
  if (nul) {
    size_t line = 1;
    for (const char *c = t->buf; c < nul; c++)
      line += *c == '\n';
    st = idr_error_set(err, IDR_ERR_INPUT,
                       "%s:%zu: expected text, found a NUL byte (a binary or UTF-16 file?)", path,
                       line);
    goto out_fail;
  }
  /* CR alone ends lines only in files that have no LF at all (classic Mac) */
  st = split_lines(t, strchr(t->buf, '\n') || !strchr(t->buf, '\r') ? '\n' : '\r', path, err);
  if (!st) return IDR_OK;
out_fail:
  idr_md_text_free(t);
  return st;
}

void idr_md_strip_comment(char *s) {
  int quoted = 0;
  for (char *c = s; *c; c++) {
    if (*c == '"') quoted = !quoted;
    if (*c == '#' && !quoted) {
      *c = '\0';
      return;
    }
  }
}

int idr_md_blank(const char *s) {
  return s[strspn(s, " \t")] == '\0';
}

size_t idr_md_count_fields(const char *s, char sep) {
  size_t n = 1;
  int quoted = 0;
  for (const char *c = s; *c; c++) {
    if (*c == '"')
      quoted = !quoted;
    else if (*c == sep && !quoted)
      n++;
  }
  return n;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    s[--n] = '\0';
  return s;
}

/* Remove the quotes of a trimmed field in place: "a ""b""" -> a "b". */
static char *unquote(char *s) {
  size_t n = strlen(s);
  if (n < 2 || s[0] != '"' || s[n - 1] != '"') return s;
  s[n - 1] = '\0';
  char *r = s + 1, *w = s + 1;
  while (*r) {
    if (r[0] == '"' && r[1] == '"') r++;
    *w++ = *r++;
  }
  *w = '\0';
  return trim(s + 1);
}

idr_status idr_md_split(char *s, char sep, idr_md_fields *f) {
  size_t n = idr_md_count_fields(s, sep);
  if (n > f->cap) {
    char **grown = realloc(f->v, n * sizeof *grown);
    if (!grown) return IDR_ERR_NOMEM;
    f->v = grown;
    f->cap = n;
  }
  f->n = 0;
  int quoted = 0;
  char *start = s;
  for (char *c = s;; c++) {
    if (*c == '"') quoted = !quoted;
    if (*c == '\0' || (*c == sep && !quoted)) {
      int end = *c == '\0';
      *c = '\0';
      f->v[f->n++] = unquote(trim(start));
      if (end) break;
      start = c + 1;
    }
  }
  return IDR_OK;
}

char idr_md_detect_sep(char *const *lines, size_t n) {
  static const char CANDIDATES[] = {'\t', ';', ','};
  for (size_t k = 0; k < sizeof CANDIDATES; k++) {
    size_t want = idr_md_count_fields(lines[0], CANDIDATES[k]);
    int same = want >= 2;
    for (size_t i = 1; same && i < n; i++)
      same = idr_md_count_fields(lines[i], CANDIDATES[k]) == want;
    if (same) return CANDIDATES[k];
  }
  /* no candidate splits every line alike: the one that splits the header */
  for (size_t k = 0; k < sizeof CANDIDATES; k++)
    if (idr_md_count_fields(lines[0], CANDIDATES[k]) >= 2) return CANDIDATES[k];
  return '\0';
}

const char *idr_md_sep_name(char sep) {
  return sep == '\t' ? "tab" : sep == ';' ? "';'" : sep == ',' ? "','" : "none";
}

int idr_md_parse_number(const char *s, char sep, double *v, int *decimal_comma) {
  char buf[128];
  size_t n = strlen(s);
  if (n == 0 || n >= sizeof buf) return 0;
  memcpy(buf, s, n + 1);
  char *comma = strchr(buf, ',');
  int dc = 0;
  if (comma && sep != ',' && !strchr(buf, '.') && !strchr(comma + 1, ',')) {
    *comma = '.';
    dc = 1;
  }
  char *end = NULL;
  errno = 0;
  double x = strtod(buf, &end);
  if (end == buf || *end != '\0' || !isfinite(x)) return 0;
  *v = x;
  if (dc) *decimal_comma = 1;
  return 1;
}

/* Copy s[0..n) trimmed into out (size IDR_MDATA_TEXT_LEN). */
static void copy_trimmed(const char *s, size_t n, char *out) {
  while (n > 0 && (*s == ' ' || *s == '\t')) {
    s++;
    n--;
  }
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  if (n >= IDR_MDATA_TEXT_LEN) n = IDR_MDATA_TEXT_LEN - 1;
  memcpy(out, s, n);
  out[n] = '\0';
}

void idr_md_header_split(const char *field, idr_md_header *h) {
  size_t n = strlen(field);
  h->has_unit = h->explicit_unit = 0;
  h->unit[0] = '\0';
  const char *open = NULL;
  if (n > 2 && field[n - 1] == ')') open = strrchr(field, '(');
  if (!open && n > 2 && field[n - 1] == ']') open = strrchr(field, '[');
  if (open && open > field) {
    copy_trimmed(field, (size_t)(open - field), h->name);
    copy_trimmed(open + 1, (size_t)(field + n - 1 - open - 1), h->unit);
    h->has_unit = h->explicit_unit = 1;
    return;
  }
  const char *slash = strchr(field, '/');
  if (slash && slash > field && slash[1]) {
    copy_trimmed(field, (size_t)(slash - field), h->name);
    copy_trimmed(slash + 1, strlen(slash + 1), h->unit);
    h->has_unit = h->explicit_unit = 1;
    return;
  }
  const char *us = strrchr(field, '_');
  if (us && us > field && us[1]) {
    copy_trimmed(field, (size_t)(us - field), h->name);
    copy_trimmed(us + 1, strlen(us + 1), h->unit);
    h->has_unit = 1;
    return;
  }
  copy_trimmed(field, n, h->name);
}

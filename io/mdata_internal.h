/*
 * iondrift io, private: the text layer of the measured-data reader
 * (mdata_text.c) shared with the reader itself (mdata.c). Not installed.
 */
#ifndef IDR_MDATA_INTERNAL_H
#define IDR_MDATA_INTERNAL_H

#include <stddef.h>

#include "idr_io.h"

/* A file as NUL-terminated lines (in place in buf). */
typedef struct idr_md_text {
  char *buf;      /* the contents, '\n' (or '\r') replaced by NUL */
  size_t len;     /* bytes */
  char **lines;   /* [n_lines] line i + 1 of the file */
  size_t n_lines; /* lines */
  int bom;        /* 1 if a UTF-8 byte-order mark was dropped */
} idr_md_text;

/* Fields of one line (pointers into it). */
typedef struct idr_md_fields {
  char **v;
  size_t n, cap;
} idr_md_fields;

/* A header text split into a name and a unit. */
typedef struct idr_md_header {
  char name[IDR_MDATA_TEXT_LEN];
  char unit[IDR_MDATA_TEXT_LEN];
  int has_unit;      /* a unit part was found */
  int explicit_unit; /* it was in (), [] or after '/', not after '_' */
} idr_md_header;

/* Read the whole file; refuses UTF-16 and NUL bytes, drops a UTF-8 BOM. */
idr_status idr_md_text_load(const char *path, idr_md_text *t, idr_error *err);
void idr_md_text_free(idr_md_text *t);
/* Cut s at the first '#' outside double quotes. */
void idr_md_strip_comment(char *s);
/* Only blanks? */
int idr_md_blank(const char *s);
/* Fields of s for separator sep (quote-aware). */
size_t idr_md_count_fields(const char *s, char sep);
/* Split s in place into trimmed, unquoted fields; IDR_ERR_NOMEM on failure. */
idr_status idr_md_split(char *s, char sep, idr_md_fields *f);
/* The separator of a header (lines[0]) and the data lines after it; '\0'
 * when no candidate splits the header into >= 2 fields. */
char idr_md_detect_sep(char *const *lines, size_t n);
/* "tab", "';'", "','" */
const char *idr_md_sep_name(char sep);
/* A whole-field finite number; with sep ';' or tab one ',' may be the
 * decimal mark (then *decimal_comma = 1). Returns 1 on success. */
int idr_md_parse_number(const char *s, char sep, double *v, int *decimal_comma);
/* "Time (ms)" -> {Time, ms}; "Cp [nF]", "Time / s", "time_ms" likewise. */
void idr_md_header_split(const char *field, idr_md_header *h);

/* unit with the micro sign / Greek mu as 'u' and the degree sign dropped,
 * trimmed (units.c); 0 when it does not fit into size bytes. */
int idr_md_unit_normalise(const char *unit, char *out, size_t size);

#endif /* IDR_MDATA_INTERNAL_H */

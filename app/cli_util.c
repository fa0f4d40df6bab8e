/*
 * iondrift app: command-line helpers shared by the subcommands (main.c,
 * analyze.c, extract.c): the usage-error message, option values in the forms
 * "--opt X" and "--opt=X", whole-string numbers, "VLO:VHI" ranges and JSON
 * numbers. Only app/ prints; these write to stdout (JSON) or stderr (errors).
 */
#include "app.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int idr_app_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("iondrift: error: ", stderr);
  if (cmd) fprintf(stderr, "%s: ", cmd);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'iondrift help%s%s'.\n", cmd ? " " : "", cmd ? cmd : "");
  return IDR_EXIT_INPUT;
}

int idr_app_parse_number(const char *s, double *out) {
  char *end = NULL;
  if (!s || !*s) return 0;
  double v = strtod(s, &end);
  if (end == s || *end != '\0' || !isfinite(v)) return 0;
  *out = v;
  return 1;
}

int idr_app_parse_range(const char *s, double *lo, double *hi) {
  const char *colon = s ? strchr(s, ':') : NULL;
  if (!colon || strchr(colon + 1, ':')) return 0;
  char left[64];
  size_t n = (size_t)(colon - s);
  if (n >= sizeof left) return 0;
  memcpy(left, s, n);
  left[n] = '\0';
  *lo = -HUGE_VAL;
  *hi = HUGE_VAL;
  if (n > 0 && !idr_app_parse_number(left, lo)) return 0;
  if (colon[1] != '\0' && !idr_app_parse_number(colon + 1, hi)) return 0;
  return 1;
}

const char *idr_app_opt_value(int argc, char **argv, int *i, const char *opt) {
  size_t n = strlen(opt);
  if (strncmp(argv[*i], opt, n) == 0 && argv[*i][n] == '=') return argv[*i] + n + 1;
  if (*i + 1 >= argc) return NULL;
  return argv[++*i];
}

int idr_app_is_opt(const char *a, const char *opt) {
  size_t n = strlen(opt);
  return strncmp(a, opt, n) == 0 && (a[n] == '\0' || a[n] == '=');
}

void idr_app_json_number(const char *key, double v, int last) {
  if (isfinite(v))
    printf("\"%s\":%.10g%s", key, v, last ? "" : ",");
  else
    printf("\"%s\":null%s", key, last ? "" : ",");
}

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

static int usage_verror(const char *cmd, const char *fmt, va_list ap) {
  fputs("iondrift: error: ", stderr);
  if (cmd) fprintf(stderr, "%s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\nTry 'iondrift help%s%s'.\n", cmd ? " " : "", cmd ? cmd : "");
  return IDR_EXIT_INPUT;
}

int idr_app_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  usage_verror(cmd, fmt, ap);
  va_end(ap);
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

int idr_app_parse_threads(const char *s, int *out) {
  char *end = NULL;
  long t = s ? strtol(s, &end, 10) : -1;
  if (!s || !*s || *end || t < 0 || t > 1024) return 0;
  *out = (int)t;
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

/* A usage error of a spec command, printed unless a->silent. */
static int spec_error(const idr_app_spec_args *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int spec_error(const idr_app_spec_args *a, const char *fmt, ...) {
  if (a->silent) return IDR_EXIT_INPUT;
  va_list ap;
  va_start(ap, fmt);
  usage_verror(a->cmd, fmt, ap);
  va_end(ap);
  return IDR_EXIT_INPUT;
}

int idr_app_spec_option(int argc, char **argv, int *i, idr_app_spec_args *a) {
  const char *s = argv[*i];
  if (s[0] != '-' || !s[1]) {
    if (a->spec) return spec_error(a, "unexpected argument '%s' (one spec per %s)", s, a->cmd);
    a->spec = s;
  } else if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
    if (!a->silent) fputs(a->usage, stdout);
    return IDR_APP_OPT_HELP;
  } else if (idr_app_is_opt(s, "-o") || idr_app_is_opt(s, "--output")) {
    a->out = idr_app_opt_value(argc, argv, i, s[1] == 'o' ? "-o" : "--output");
    if (!a->out || !a->out[0]) return spec_error(a, "option '%s' needs %s", s, a->out_is);
  } else if (idr_app_is_opt(s, "--threads")) {
    const char *v = idr_app_opt_value(argc, argv, i, "--threads");
    if (!idr_app_parse_threads(v, &a->threads))
      return spec_error(a, IDR_APP_THREADS_RULE " (got '%s')", v ? v : "");
  } else if (strcmp(s, "-q") == 0 || strcmp(s, "--quiet") == 0) {
    a->quiet = 1;
  } else {
    return IDR_APP_OPT_OTHER;
  }
  return IDR_APP_OPT_TAKEN;
}

int idr_app_spec_finish(const idr_app_spec_args *a) {
  if (!a->spec) return spec_error(a, "missing the %s spec (%s)", a->cmd, a->spec_name);
  return 0;
}

void idr_app_json_number(const char *key, double v, int last) {
  if (isfinite(v))
    printf("\"%s\":%.10g%s", key, v, last ? "" : ",");
  else
    printf("\"%s\":null%s", key, last ? "" : ",");
}

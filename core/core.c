/*
 * iondrift core: status strings, error context, logger. See idr_core.h.
 */
#include "idr_core.h"

#include <string.h>

const char *idr_status_str(idr_status s) {
  switch (s) {
  case IDR_OK: return "ok";
  case IDR_ERR_INPUT: return "invalid input";
  case IDR_ERR_NOMEM: return "out of memory";
  case IDR_ERR_IO: return "input/output error";
  case IDR_ERR_SOLVER: return "solver failure";
  case IDR_ERR_LINALG: return "linear algebra failure";
  case IDR_ERR_RANGE: return "value out of range";
  case IDR_ERR_INTERNAL: return "internal error";
  case IDR_ERR_UNSUPPORTED: return "unsupported";
  }
  return "unknown status";
}

void idr_error_clear(idr_error *err) {
  if (!err) return;
  err->status = IDR_OK;
  err->msg[0] = '\0';
}

idr_status idr_error_set(idr_error *err, idr_status status, const char *fmt, ...) {
  if (!err) return status;
  if (err->status != IDR_OK) return err->status; /* first failure wins */
  err->status = status;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return status;
}

idr_status idr_error_context(idr_error *err, const char *fmt, ...) {
  if (!err) return IDR_ERR_INTERNAL;
  size_t len = strlen(err->msg);
  if (len + 16 >= sizeof err->msg) return err->status;
  char ctx[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx, sizeof ctx, fmt, ap);
  va_end(ap);
  snprintf(err->msg + len, sizeof err->msg - len, " (while %s)", ctx);
  return err->status;
}

void idr_log(const idr_logger *lg, idr_log_level level, const char *fmt, ...) {
  if (!lg || !lg->fn || level > lg->level) return;
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  lg->fn(lg->user, level, buf);
}

void idr_log_to_file(void *user, idr_log_level level, const char *msg) {
  (void)level;
  FILE *f = user ? (FILE *)user : stderr;
  fprintf(f, "%s\n", msg);
  fflush(f);
}

int idr_strlcpy(char *dst, const char *src, size_t size) {
  if (size == 0) return 0;
  size_t n = strlen(src);
  if (n >= size) {
    memcpy(dst, src, size - 1);
    dst[size - 1] = '\0';
    return 0;
  }
  memcpy(dst, src, n + 1);
  return 1;
}

#ifndef IDR_VERSION
#define IDR_VERSION "unknown"
#endif

const char *idr_version(void) {
  return IDR_VERSION;
}

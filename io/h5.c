/*
 * iondrift io: HDF5 result files, what the writer (h5_write.c) and the
 * reader (h5_read.c) share: HDF5's automatic error printing switched off,
 * errors with HDF5's innermost description, the checks of a handle and of
 * an attribute name, whether a path exists, an object opened for its
 * attributes. The file lifecycle is h5_file.c. See idr_io.h for the contract
 * and docs/outputs.md for the layout the engine writes.
 *
 * Every function that calls HDF5 first switches HDF5's automatic error
 * printing off (idr_h5_quiet) and, on a failure, reads the innermost
 * description from the HDF5 error stack before any other HDF5 call clears it
 * (idr_h5_fail).
 */
#define _POSIX_C_SOURCE 200809L

#include "h5_internal.h"
#include "idr_io.h"
#include "io_internal.h"

#include <hdf5.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void idr_h5_quiet(void) {
  /* a failure leaves HDF5 printing its own messages to stderr: nothing is
   * lost, the error is still reported through idr_error */
  (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* ---- errors ------------------------------------------------------------ */

typedef struct h5_detail {
  char text[400]; /* innermost HDF5 error description */
  bool have;
} h5_detail;

static herr_t h5_walk_cb(unsigned n, const H5E_error2_t *e, void *data) {
  (void)n;
  h5_detail *d = data;
  if (!d->have && e && e->desc && e->desc[0]) {
    snprintf(d->text, sizeof d->text, "%s", e->desc);
    d->have = true;
  }
  return 0;
}

idr_status idr_h5_fail(idr_error *err, idr_status status, const char *file, const char *fmt, ...) {
  h5_detail d = {.have = false};
  /* without the walk the message lacks HDF5's detail (d.have stays false) */
  (void)H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, h5_walk_cb, &d);
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (d.have) return idr_error_set(err, status, "%s: %s: HDF5: %s", file, what, d.text);
  return idr_error_set(err, status, "%s: %s", file, what);
}

idr_status idr_h5_check(const idr_h5 *h, const char *path, bool need_writer, const char *fn,
                        idr_error *err) {
  if (!h) return idr_error_set(err, IDR_ERR_INTERNAL, "%s: no open file", fn);
  if (!path || !path[0])
    return idr_error_set(err, IDR_ERR_INTERNAL, "%s: %s: empty object path", h->path, fn);
  if (need_writer && !h->writable)
    return idr_error_set(err, IDR_ERR_INTERNAL, "%s: %s: file is open read-only", h->path, fn);
  return IDR_OK;
}

/* Does every component of `path` exist as a link? (H5Lexists on "a/b" fails
 * rather than returning false when "a" is missing.) */
bool idr_h5_path_exists(const idr_h5 *h, const char *path) {
  char *p = idr_io_strdup(path);
  if (!p) return false;
  bool ok = true;
  for (char *s = p; *s && ok; s++) {
    if (*s != '/' || s == p) continue;
    *s = '\0';
    if (H5Lexists(h->fid, p, H5P_DEFAULT) <= 0) ok = false;
    *s = '/';
  }
  if (ok) {
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
      p[--n] = '\0';
    if (strcmp(p, "/") != 0 && H5Lexists(h->fid, p, H5P_DEFAULT) <= 0) ok = false;
  }
  free(p);
  return ok;
}

/* Open an existing object for attribute access. */
idr_status idr_h5_open_object(idr_h5 *h, const char *obj_path, hid_t *o, idr_error *err) {
  *o = H5I_INVALID_HID;
  if (!idr_h5_path_exists(h, obj_path))
    return idr_error_set(err, IDR_ERR_INPUT, "%s: no object '%s'", h->path, obj_path);
  *o = H5Oopen(h->fid, obj_path, H5P_DEFAULT);
  if (*o < 0) return idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot open '%s'", obj_path);
  return IDR_OK;
}

idr_status idr_h5_check_attr_name(const idr_h5 *h, const char *name, idr_error *err) {
  if (!name || !name[0])
    return idr_error_set(err, IDR_ERR_INTERNAL, "%s: empty attribute name", h->path);
  return IDR_OK;
}

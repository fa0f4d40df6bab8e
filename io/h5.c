/*
 * iondrift io: HDF5 result files: writing datasets and attributes, reading
 * them back, group listing (the file lifecycle is in h5_file.c). See
 * idr_io.h for the contract and docs/outputs.md for the layout the engine
 * writes.
 *
 * Every function that calls HDF5 first switches HDF5's automatic error
 * printing off (idr_h5_quiet) and, on a failure, reads the innermost
 * description from the HDF5 error stack before any other HDF5 call clears it
 * (idr_h5_fail). Return codes: every call is checked; on the writing side a
 * failed close is an error too (h5_close: a close may write). Closing what a
 * reader opened cannot lose data, and the value read is already in hand:
 * those closes are (void) on purpose.
 */
#define _POSIX_C_SOURCE 200809L

#include "idr_io.h"
#include "h5_internal.h"
#include "io_internal.h"

#include <hdf5.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Units attribute of string datasets. */
#define IDR_H5_TEXT_UNITS "text"

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

static idr_status check_handle(const idr_h5 *h, const char *path, bool need_writer, const char *fn,
                               idr_error *err) {
  if (!h) return idr_error_set(err, IDR_ERR_INTERNAL, "%s: no open file", fn);
  if (!path || !path[0])
    return idr_error_set(err, IDR_ERR_INTERNAL, "%s: %s: empty object path", h->path, fn);
  if (need_writer && !h->writable)
    return idr_error_set(err, IDR_ERR_INTERNAL, "%s: %s: file is open read-only", h->path, fn);
  return IDR_OK;
}

/* ---- helpers ----------------------------------------------------------- */

/* Close an HDF5 identifier with its close function; a failure becomes the
 * error of the operation when it has none yet (a close may write). Returns
 * the status to go on with. A negative id is not open: nothing to do. */
static idr_status h5_close(herr_t (*close_fn)(hid_t), hid_t id, idr_status st, const idr_h5 *h,
                           const char *what, idr_error *err) {
  if (id < 0) return st;
  if (close_fn(id) < 0 && st == IDR_OK)
    return idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot close %s", what);
  return st;
}

static hid_t vlstr_type(void) {
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t < 0) return t;
  if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
    (void)H5Tclose(t); /* already failing: the caller reports it */
    return H5I_INVALID_HID;
  }
  return t;
}

/* Does every component of `path` exist as a link? (H5Lexists on "a/b" fails
 * rather than returning false when "a" is missing.) */
static bool path_exists(const idr_h5 *h, const char *path) {
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

/* Create every missing group along `path` (all of it); existing components
 * must be groups. */
static idr_status ensure_groups(idr_h5 *h, const char *path, idr_error *err) {
  char *p = idr_io_strdup(path);
  if (!p) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", h->path);
  idr_status st = IDR_OK;
  size_t len = strlen(p);
  for (size_t i = 1; i <= len && st == IDR_OK; i++) {
    if (p[i] != '/' && p[i] != '\0') continue;
    if (p[i - 1] == '/') continue; /* empty component or leading '/' */
    char saved = p[i];
    p[i] = '\0';
    htri_t ex = H5Lexists(h->fid, p, H5P_DEFAULT);
    if (ex < 0) {
      st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot look up '%s'", p);
    } else if (ex == 0) {
      hid_t g = H5Gcreate2(h->fid, p, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      if (g < 0)
        st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot create group '%s'", p);
      else
        st = h5_close(H5Gclose, g, st, h, p, err);
    } else {
      hid_t o = H5Oopen(h->fid, p, H5P_DEFAULT);
      if (o < 0) {
        st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot open '%s'", p);
      } else {
        if (H5Iget_type(o) != H5I_GROUP)
          st = idr_error_set(err, IDR_ERR_INPUT, "%s: '%s' exists and is not a group", h->path, p);
        st = h5_close(H5Oclose, o, st, h, p, err);
      }
    }
    p[i] = saved;
  }
  free(p);
  return st;
}

/* Create the parent groups of a dataset path. */
static idr_status ensure_parent(idr_h5 *h, const char *path, idr_error *err) {
  const char *slash = strrchr(path, '/');
  if (!slash || slash == path) return IDR_OK;
  size_t n = (size_t)(slash - path);
  char *parent = malloc(n + 1);
  if (!parent) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", h->path);
  memcpy(parent, path, n);
  parent[n] = '\0';
  idr_status st = ensure_groups(h, parent, err);
  free(parent);
  return st;
}

/* Write a scalar attribute on an open object, replacing an older one. */
static idr_status attr_write(idr_h5 *h, hid_t obj, const char *obj_path, const char *name,
                             hid_t type, const void *buf, idr_error *err) {
  idr_status st = IDR_OK;
  hid_t space = H5I_INVALID_HID, a = H5I_INVALID_HID;
  htri_t ex = H5Aexists(obj, name);
  if (ex < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot look up attribute '%s' of '%s'", name,
                     obj_path);
    goto out;
  }
  if (ex > 0 && H5Adelete(obj, name) < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot replace attribute '%s' of '%s'", name,
                     obj_path);
    goto out;
  }
  space = H5Screate(H5S_SCALAR);
  if (space < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot create a dataspace");
    goto out;
  }
  a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot create attribute '%s' of '%s'", name,
                     obj_path);
    goto out;
  }
  if (H5Awrite(a, type, buf) < 0)
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot write attribute '%s' of '%s'", name,
                     obj_path);
out:
  st = h5_close(H5Aclose, a, st, h, name, err);
  st = h5_close(H5Sclose, space, st, h, "a dataspace", err);
  return st;
}

static idr_status attr_write_string(idr_h5 *h, hid_t obj, const char *obj_path, const char *name,
                                    const char *value, idr_error *err) {
  hid_t t = vlstr_type();
  if (t < 0) return idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot create a string type");
  idr_status st = attr_write(h, obj, obj_path, name, t, &value, err);
  return h5_close(H5Tclose, t, st, h, "a string type", err);
}

/* ---- writing ----------------------------------------------------------- */

idr_status idr_h5_create_group(idr_h5 *h, const char *path, idr_error *err) {
  idr_status st = check_handle(h, path, true, "create_group", err);
  if (st != IDR_OK) return st;
  idr_h5_quiet();
  return ensure_groups(h, path, err);
}

/* Create a dataset of the given rank and shape, write `data` and its units. */
static idr_status write_numeric(idr_h5 *h, const char *path, hid_t file_type, hid_t mem_type,
                                const void *data, int rank, const hsize_t *dims, const char *units,
                                const char *fn, idr_error *err) {
  idr_status st = check_handle(h, path, true, fn, err);
  if (st != IDR_OK) return st;
  if (!units || !units[0])
    return idr_error_set(err, IDR_ERR_INTERNAL,
                         "%s: dataset '%s' needs a units string (\"-\" if dimensionless)", h->path,
                         path);
  hsize_t size = 1;
  for (int i = 0; i < rank; i++)
    size *= dims[i];
  if (size > 0 && !data)
    return idr_error_set(err, IDR_ERR_INTERNAL, "%s: dataset '%s': NULL data", h->path, path);
  idr_h5_quiet();

  st = ensure_parent(h, path, err);
  if (st != IDR_OK) return st;
  hid_t space = H5Screate_simple(rank, dims, NULL);
  if (space < 0)
    return idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot create dataspace of '%s'", path);
  hid_t d = H5Dcreate2(h->fid, path, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (d < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot create dataset '%s'", path);
    goto out_close_space;
  }
  if (size > 0 && H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot write dataset '%s'", path);
    goto out_close_dataset;
  }
  st = attr_write_string(h, d, path, "units", units, err);
out_close_dataset:
  st = h5_close(H5Dclose, d, st, h, path, err);
out_close_space:
  return h5_close(H5Sclose, space, st, h, "a dataspace", err);
}

idr_status idr_h5_write_double_1d(idr_h5 *h, const char *path, const double *data, size_t n,
                                  const char *units, idr_error *err) {
  hsize_t dims[1] = {n};
  return write_numeric(h, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, data, 1, dims, units,
                       "write_double_1d", err);
}

idr_status idr_h5_write_double_2d(idr_h5 *h, const char *path, const double *data, size_t rows,
                                  size_t cols, const char *units, idr_error *err) {
  hsize_t dims[2] = {rows, cols};
  return write_numeric(h, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, data, 2, dims, units,
                       "write_double_2d", err);
}

idr_status idr_h5_write_int_1d(idr_h5 *h, const char *path, const int *data, size_t n,
                               const char *units, idr_error *err) {
  hsize_t dims[1] = {n};
  return write_numeric(h, path, H5T_STD_I32LE, H5T_NATIVE_INT, data, 1, dims, units, "write_int_1d",
                       err);
}

idr_status idr_h5_write_string(idr_h5 *h, const char *path, const char *text, idr_error *err) {
  idr_status st = check_handle(h, path, true, "write_string", err);
  if (st != IDR_OK) return st;
  if (!text) return idr_error_set(err, IDR_ERR_INTERNAL, "%s: '%s': NULL text", h->path, path);
  idr_h5_quiet();
  st = ensure_parent(h, path, err);
  if (st != IDR_OK) return st;

  hid_t t = H5I_INVALID_HID, space = H5I_INVALID_HID, d = H5I_INVALID_HID;
  t = vlstr_type();
  space = H5Screate(H5S_SCALAR);
  if (t < 0 || space < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot create a string type for '%s'", path);
    goto out;
  }
  d = H5Dcreate2(h->fid, path, t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (d < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot create dataset '%s'", path);
    goto out;
  }
  if (H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot write dataset '%s'", path);
    goto out;
  }
  st = attr_write_string(h, d, path, "units", IDR_H5_TEXT_UNITS, err);
out:
  st = h5_close(H5Dclose, d, st, h, path, err);
  st = h5_close(H5Sclose, space, st, h, "a dataspace", err);
  return h5_close(H5Tclose, t, st, h, "a string type", err);
}

/* Open an existing object for attribute access. */
static idr_status open_object(idr_h5 *h, const char *obj_path, hid_t *o, idr_error *err) {
  *o = H5I_INVALID_HID;
  if (!path_exists(h, obj_path))
    return idr_error_set(err, IDR_ERR_INPUT, "%s: no object '%s'", h->path, obj_path);
  *o = H5Oopen(h->fid, obj_path, H5P_DEFAULT);
  if (*o < 0) return idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot open '%s'", obj_path);
  return IDR_OK;
}

static idr_status check_attr_name(const idr_h5 *h, const char *name, idr_error *err) {
  if (!name || !name[0])
    return idr_error_set(err, IDR_ERR_INTERNAL, "%s: empty attribute name", h->path);
  return IDR_OK;
}

idr_status idr_h5_set_attr_string(idr_h5 *h, const char *obj_path, const char *name,
                                  const char *value, idr_error *err) {
  idr_status st = check_handle(h, obj_path, true, "set_attr_string", err);
  if (st == IDR_OK) st = check_attr_name(h, name, err);
  if (st != IDR_OK) return st;
  if (!value)
    return idr_error_set(err, IDR_ERR_INTERNAL, "%s: attribute '%s': NULL value", h->path, name);
  idr_h5_quiet();
  hid_t o;
  st = open_object(h, obj_path, &o, err);
  if (st != IDR_OK) return st;
  st = attr_write_string(h, o, obj_path, name, value, err);
  return h5_close(H5Oclose, o, st, h, obj_path, err);
}

idr_status idr_h5_set_attr_double(idr_h5 *h, const char *obj_path, const char *name, double value,
                                  idr_error *err) {
  idr_status st = check_handle(h, obj_path, true, "set_attr_double", err);
  if (st == IDR_OK) st = check_attr_name(h, name, err);
  if (st != IDR_OK) return st;
  idr_h5_quiet();
  hid_t o;
  st = open_object(h, obj_path, &o, err);
  if (st != IDR_OK) return st;
  /* The memory type is native; the file type is little-endian IEEE. */
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t a = H5I_INVALID_HID;
  if (space < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot create a dataspace");
    goto out;
  }
  htri_t ex = H5Aexists(o, name);
  if (ex < 0 || (ex > 0 && H5Adelete(o, name) < 0)) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot replace attribute '%s' of '%s'", name,
                     obj_path);
    goto out;
  }
  a = H5Acreate2(o, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot create attribute '%s' of '%s'", name,
                     obj_path);
    goto out;
  }
  if (H5Awrite(a, H5T_NATIVE_DOUBLE, &value) < 0)
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot write attribute '%s' of '%s'", name,
                     obj_path);
out:
  st = h5_close(H5Aclose, a, st, h, name, err);
  st = h5_close(H5Sclose, space, st, h, "a dataspace", err);
  return h5_close(H5Oclose, o, st, h, obj_path, err);
}

/* ---- reader ------------------------------------------------------------ */

void idr_h5_free(void *p) {
  free(p);
}

void idr_h5_dataset_free(idr_h5_dataset *d) {
  if (!d) return;
  free(d->data);
  free(d->units);
  memset(d, 0, sizeof *d);
}

/* Read a string from an open attribute (is_attr) or dataset holding exactly
 * one string, variable- or fixed-length. */
static idr_status read_string_obj(idr_h5 *h, hid_t obj, bool is_attr, const char *what, char **out,
                                  idr_error *err) {
  idr_status st = IDR_OK;
  hid_t ftype = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
  hid_t space = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
  hid_t mtype = H5I_INVALID_HID;
  if (ftype < 0 || space < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot inspect %s", what);
    goto out;
  }
  if (H5Tget_class(ftype) != H5T_STRING) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: %s is not a string", h->path, what);
    goto out;
  }
  if (H5Sget_simple_extent_npoints(space) != 1) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: %s holds more than one string", h->path, what);
    goto out;
  }
  mtype = H5Tcopy(H5T_C_S1);
  if (mtype < 0 || H5Tset_cset(mtype, H5Tget_cset(ftype)) < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot create a string type for %s", what);
    goto out;
  }
  if (H5Tis_variable_str(ftype) > 0) {
    char *vl = NULL;
    if (H5Tset_size(mtype, H5T_VARIABLE) < 0 ||
        (is_attr ? H5Aread(obj, mtype, &vl)
                 : H5Dread(obj, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, &vl)) < 0) {
      st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot read %s", what);
      goto out;
    }
    *out = idr_io_strdup(vl ? vl : "");
    if (vl) (void)H5free_memory(vl);
  } else {
    size_t n = H5Tget_size(ftype);
    char *buf = calloc(n + 1, 1);
    if (!buf) {
      st = idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory reading %s", h->path, what);
      goto out;
    }
    if (H5Tset_size(mtype, n) < 0 || H5Tset_strpad(mtype, H5T_STR_NULLPAD) < 0 ||
        (is_attr ? H5Aread(obj, mtype, buf)
                 : H5Dread(obj, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf)) < 0) {
      st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot read %s", what);
      free(buf);
      goto out;
    }
    *out = buf;
  }
  if (!*out) st = idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory reading %s", h->path, what);
out:
  if (mtype >= 0) (void)H5Tclose(mtype);
  if (space >= 0) (void)H5Sclose(space);
  if (ftype >= 0) (void)H5Tclose(ftype);
  return st;
}

static idr_status open_dataset(idr_h5 *h, const char *path, hid_t *d, idr_error *err) {
  *d = H5I_INVALID_HID;
  if (!path_exists(h, path))
    return idr_error_set(err, IDR_ERR_INPUT, "%s: no dataset '%s'", h->path, path);
  hid_t o = H5Oopen(h->fid, path, H5P_DEFAULT);
  if (o < 0) return idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot open '%s'", path);
  if (H5Iget_type(o) != H5I_DATASET) {
    (void)H5Oclose(o);
    return idr_error_set(err, IDR_ERR_INPUT, "%s: '%s' is not a dataset", h->path, path);
  }
  *d = o;
  return IDR_OK;
}

/* The "units" attribute of an open dataset, "" when it has none. */
static idr_status read_units(idr_h5 *h, hid_t d, const char *path, char **units, idr_error *err) {
  htri_t ex = H5Aexists(d, "units");
  if (ex < 0) return idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot look up units of '%s'", path);
  if (ex == 0) {
    *units = idr_io_strdup("");
    return *units ? IDR_OK : idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", h->path);
  }
  hid_t a = H5Aopen(d, "units", H5P_DEFAULT);
  if (a < 0) return idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot open units of '%s'", path);
  char what[300];
  snprintf(what, sizeof what, "attribute 'units' of '%s'", path);
  idr_status st = read_string_obj(h, a, true, what, units, err);
  (void)H5Aclose(a);
  return st;
}

static bool is_numeric_class(H5T_class_t c) {
  return c == H5T_FLOAT || c == H5T_INTEGER;
}

idr_status idr_h5_read_double(idr_h5 *h, const char *path, const char *expected_units,
                              idr_h5_dataset *out, idr_error *err) {
  if (!out) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_h5_read_double: NULL output");
  memset(out, 0, sizeof *out);
  idr_status st = check_handle(h, path, false, "read_double", err);
  if (st != IDR_OK) return st;
  idr_h5_quiet();
  hid_t d;
  st = open_dataset(h, path, &d, err);
  if (st != IDR_OK) return st;
  hid_t space = H5Dget_space(d), type = H5Dget_type(d);
  if (space < 0 || type < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot inspect dataset '%s'", path);
    goto out;
  }
  if (!is_numeric_class(H5Tget_class(type))) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: dataset '%s' is not numeric", h->path, path);
    goto out;
  }
  int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0 || rank > 2) {
    st = idr_error_set(err, IDR_ERR_UNSUPPORTED, "%s: dataset '%s' has rank %d (at most 2 read)",
                       h->path, path, rank);
    goto out;
  }
  hsize_t dims[2] = {1, 1};
  if (rank > 0 && H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot inspect dataset '%s'", path);
    goto out;
  }
  /* the file sets the dimensions: their product in bytes must not wrap */
  if (rank == 2 ? dims[1] != 0 && dims[0] > SIZE_MAX / sizeof *out->data / dims[1]
                : dims[0] > SIZE_MAX / sizeof *out->data) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: dataset '%s' is too large to read", h->path, path);
    goto out;
  }
  out->rank = rank;
  out->dims[0] = (size_t)dims[0];
  out->dims[1] = rank == 2 ? (size_t)dims[1] : 1;
  out->size = out->dims[0] * out->dims[1];
  if (out->size > 0) {
    out->data = malloc(out->size * sizeof *out->data);
    if (!out->data) {
      st = idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory reading '%s'", h->path, path);
      goto out;
    }
    if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out->data) < 0) {
      st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot read dataset '%s'", path);
      goto out;
    }
  }
  st = read_units(h, d, path, &out->units, err);
  if (st == IDR_OK && expected_units && strcmp(out->units, expected_units) != 0)
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: dataset '%s' has units '%s', expected '%s'",
                       h->path, path, out->units, expected_units);
out:
  if (type >= 0) (void)H5Tclose(type);
  if (space >= 0) (void)H5Sclose(space);
  (void)H5Oclose(d);
  if (st != IDR_OK) idr_h5_dataset_free(out);
  return st;
}

idr_status idr_h5_read_int_1d(idr_h5 *h, const char *path, int **data, size_t *n, idr_error *err) {
  if (!data || !n) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_h5_read_int_1d: NULL output");
  *data = NULL;
  *n = 0;
  idr_status st = check_handle(h, path, false, "read_int_1d", err);
  if (st != IDR_OK) return st;
  idr_h5_quiet();
  hid_t d;
  st = open_dataset(h, path, &d, err);
  if (st != IDR_OK) return st;
  hid_t space = H5Dget_space(d), type = H5Dget_type(d);
  hsize_t dim = 0;
  if (space < 0 || type < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot inspect dataset '%s'", path);
    goto out;
  }
  if (H5Tget_class(type) != H5T_INTEGER || H5Sget_simple_extent_ndims(space) != 1) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: dataset '%s' is not a 1-D integer dataset", h->path,
                       path);
    goto out;
  }
  if (H5Sget_simple_extent_dims(space, &dim, NULL) < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot inspect dataset '%s'", path);
    goto out;
  }
  if (dim > SIZE_MAX / sizeof **data) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: dataset '%s' is too large to read", h->path, path);
    goto out;
  }
  if (dim > 0) {
    *data = malloc((size_t)dim * sizeof **data);
    if (!*data) {
      st = idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory reading '%s'", h->path, path);
      goto out;
    }
    if (H5Dread(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, *data) < 0) {
      st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot read dataset '%s'", path);
      free(*data);
      *data = NULL;
      goto out;
    }
  }
  *n = (size_t)dim;
out:
  if (type >= 0) (void)H5Tclose(type);
  if (space >= 0) (void)H5Sclose(space);
  (void)H5Oclose(d);
  return st;
}

idr_status idr_h5_read_string(idr_h5 *h, const char *path, char **text, idr_error *err) {
  if (!text) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_h5_read_string: NULL output");
  *text = NULL;
  idr_status st = check_handle(h, path, false, "read_string", err);
  if (st != IDR_OK) return st;
  idr_h5_quiet();
  hid_t d;
  st = open_dataset(h, path, &d, err);
  if (st != IDR_OK) return st;
  char what[300];
  snprintf(what, sizeof what, "dataset '%s'", path);
  st = read_string_obj(h, d, false, what, text, err);
  (void)H5Oclose(d);
  return st;
}

/* Open attribute `name` of object `obj_path`. */
static idr_status open_attr(idr_h5 *h, const char *obj_path, const char *name, hid_t *a,
                            idr_error *err) {
  *a = H5I_INVALID_HID;
  hid_t o;
  idr_status st = open_object(h, obj_path, &o, err);
  if (st != IDR_OK) return st;
  htri_t ex = H5Aexists(o, name);
  if (ex < 0)
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot look up attribute '%s' of '%s'", name,
                     obj_path);
  else if (ex == 0)
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: '%s' has no attribute '%s'", h->path, obj_path,
                       name);
  else if ((*a = H5Aopen(o, name, H5P_DEFAULT)) < 0)
    st =
        idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot open attribute '%s' of '%s'", name, obj_path);
  (void)H5Oclose(o);
  return st;
}

idr_status idr_h5_read_attr_string(idr_h5 *h, const char *obj_path, const char *name, char **value,
                                   idr_error *err) {
  if (!value) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_h5_read_attr_string: NULL output");
  *value = NULL;
  idr_status st = check_handle(h, obj_path, false, "read_attr_string", err);
  if (st == IDR_OK) st = check_attr_name(h, name, err);
  if (st != IDR_OK) return st;
  idr_h5_quiet();
  hid_t a;
  st = open_attr(h, obj_path, name, &a, err);
  if (st != IDR_OK) return st;
  char what[300];
  snprintf(what, sizeof what, "attribute '%s' of '%s'", name, obj_path);
  st = read_string_obj(h, a, true, what, value, err);
  (void)H5Aclose(a);
  return st;
}

idr_status idr_h5_read_attr_double(idr_h5 *h, const char *obj_path, const char *name, double *value,
                                   idr_error *err) {
  if (!value) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_h5_read_attr_double: NULL output");
  idr_status st = check_handle(h, obj_path, false, "read_attr_double", err);
  if (st == IDR_OK) st = check_attr_name(h, name, err);
  if (st != IDR_OK) return st;
  idr_h5_quiet();
  hid_t a;
  st = open_attr(h, obj_path, name, &a, err);
  if (st != IDR_OK) return st;
  hid_t type = H5Aget_type(a), space = H5Aget_space(a);
  if (type < 0 || space < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot inspect attribute '%s' of '%s'", name,
                     obj_path);
  } else if (!is_numeric_class(H5Tget_class(type)) || H5Sget_simple_extent_npoints(space) != 1) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: attribute '%s' of '%s' is not a single number",
                       h->path, name, obj_path);
  } else if (H5Aread(a, H5T_NATIVE_DOUBLE, value) < 0) {
    st =
        idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot read attribute '%s' of '%s'", name, obj_path);
  }
  if (space >= 0) (void)H5Sclose(space);
  if (type >= 0) (void)H5Tclose(type);
  (void)H5Aclose(a);
  return st;
}

idr_h5_kind idr_h5_kind_of(idr_h5 *h, const char *path) {
  if (!h || !path || !path[0]) return IDR_H5_NONE;
  idr_h5_quiet();
  if (!path_exists(h, path)) return IDR_H5_NONE;
  hid_t o = H5Oopen(h->fid, path, H5P_DEFAULT);
  if (o < 0) return IDR_H5_OTHER; /* e.g. a dangling soft link */
  H5I_type_t t = H5Iget_type(o);
  (void)H5Oclose(o);
  if (t == H5I_GROUP) return IDR_H5_GROUP;
  if (t == H5I_DATASET) return IDR_H5_DATASET;
  return IDR_H5_OTHER;
}

bool idr_h5_exists(idr_h5 *h, const char *path) {
  return idr_h5_kind_of(h, path) != IDR_H5_NONE;
}

void idr_h5_names_free(char **names, size_t count) {
  if (!names) return;
  for (size_t i = 0; i < count; i++)
    free(names[i]);
  free(names);
}

idr_status idr_h5_list(idr_h5 *h, const char *group_path, char ***names, size_t *count,
                       idr_error *err) {
  if (!names || !count) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_h5_list: NULL output");
  *names = NULL;
  *count = 0;
  idr_status st = check_handle(h, group_path, false, "list", err);
  if (st != IDR_OK) return st;
  idr_h5_quiet();
  if (idr_h5_kind_of(h, group_path) != IDR_H5_GROUP)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: no group '%s'", h->path, group_path);
  hid_t g = H5Gopen2(h->fid, group_path, H5P_DEFAULT);
  if (g < 0) return idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot open group '%s'", group_path);
  H5G_info_t info;
  char **list = NULL;
  size_t n = 0;
  if (H5Gget_info(g, &info) < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot inspect group '%s'", group_path);
    goto out;
  }
  n = (size_t)info.nlinks;
  list = calloc(n > 0 ? n : 1, sizeof *list);
  if (!list) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", h->path);
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    ssize_t len =
        H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, (hsize_t)i, NULL, 0, H5P_DEFAULT);
    if (len < 0) {
      st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot list group '%s'", group_path);
      goto out;
    }
    list[i] = malloc((size_t)len + 1);
    if (!list[i]) {
      st = idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", h->path);
      goto out;
    }
    if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, (hsize_t)i, list[i], (size_t)len + 1,
                           H5P_DEFAULT) < 0) {
      st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot list group '%s'", group_path);
      goto out;
    }
  }
out:
  (void)H5Gclose(g);
  if (st != IDR_OK) {
    idr_h5_names_free(list, n);
    return st;
  }
  *names = list;
  *count = n;
  return IDR_OK;
}

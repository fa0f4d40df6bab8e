/*
 * iondrift io: writing an HDF5 result file - groups (created with their
 * parents), numeric and string datasets with their units, string and number
 * attributes (idr_io.h). The file itself is created and published by
 * h5_file.c; h5.c holds what it shares with the reader (h5_read.c).
 *
 * Return codes: every HDF5 call is checked, and a failed close is an error
 * too (h5_close: a close may write).
 */
#define _POSIX_C_SOURCE 200809L

#include "h5_internal.h"
#include "idr_io.h"
#include "io_internal.h"

#include <hdf5.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units attribute of string datasets. */
#define IDR_H5_TEXT_UNITS "text"

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
  idr_status st = idr_h5_check(h, path, true, "create_group", err);
  if (st != IDR_OK) return st;
  idr_h5_quiet();
  return ensure_groups(h, path, err);
}

/* Create a dataset of the given rank and shape, write `data` and its units. */
static idr_status write_numeric(idr_h5 *h, const char *path, hid_t file_type, hid_t mem_type,
                                const void *data, int rank, const hsize_t *dims, const char *units,
                                const char *fn, idr_error *err) {
  idr_status st = idr_h5_check(h, path, true, fn, err);
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
  idr_status st = idr_h5_check(h, path, true, "write_string", err);
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
idr_status idr_h5_set_attr_string(idr_h5 *h, const char *obj_path, const char *name,
                                  const char *value, idr_error *err) {
  idr_status st = idr_h5_check(h, obj_path, true, "set_attr_string", err);
  if (st == IDR_OK) st = idr_h5_check_attr_name(h, name, err);
  if (st != IDR_OK) return st;
  if (!value)
    return idr_error_set(err, IDR_ERR_INTERNAL, "%s: attribute '%s': NULL value", h->path, name);
  idr_h5_quiet();
  hid_t o;
  st = idr_h5_open_object(h, obj_path, &o, err);
  if (st != IDR_OK) return st;
  st = attr_write_string(h, o, obj_path, name, value, err);
  return h5_close(H5Oclose, o, st, h, obj_path, err);
}

idr_status idr_h5_set_attr_double(idr_h5 *h, const char *obj_path, const char *name, double value,
                                  idr_error *err) {
  idr_status st = idr_h5_check(h, obj_path, true, "set_attr_double", err);
  if (st == IDR_OK) st = idr_h5_check_attr_name(h, name, err);
  if (st != IDR_OK) return st;
  idr_h5_quiet();
  hid_t o;
  st = idr_h5_open_object(h, obj_path, &o, err);
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

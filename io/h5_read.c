/*
 * iondrift io: reading an HDF5 result file back - numeric datasets as
 * doubles (with their units checked), integer and string datasets, string
 * and number attributes, what a path names, a group's members (idr_io.h).
 * Closing what a reader opened cannot lose data and the value read is
 * already in hand: those closes are (void) on purpose.
 */
#define _POSIX_C_SOURCE 200809L

#include "h5_internal.h"
#include "idr_io.h"
#include "io_internal.h"

#include <hdf5.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  if (!idr_h5_path_exists(h, path))
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
  idr_status st = idr_h5_check(h, path, false, "read_double", err);
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
  idr_status st = idr_h5_check(h, path, false, "read_int_1d", err);
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
  idr_status st = idr_h5_check(h, path, false, "read_string", err);
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

/* Open attribute `name` of object `obj_path` for reader fn (its name in
 * messages), after the checks of the handle and the name. */
static idr_status open_attr(idr_h5 *h, const char *obj_path, const char *name, const char *fn,
                            hid_t *a, idr_error *err) {
  *a = H5I_INVALID_HID;
  idr_status st = idr_h5_check(h, obj_path, false, fn, err);
  if (st == IDR_OK) st = idr_h5_check_attr_name(h, name, err);
  if (st != IDR_OK) return st;
  idr_h5_quiet();
  hid_t o;
  st = idr_h5_open_object(h, obj_path, &o, err);
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
  hid_t a;
  idr_status st = open_attr(h, obj_path, name, "read_attr_string", &a, err);
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
  hid_t a;
  idr_status st = open_attr(h, obj_path, name, "read_attr_double", &a, err);
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
  if (!idr_h5_path_exists(h, path)) return IDR_H5_NONE;
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
  idr_status st = idr_h5_check(h, group_path, false, "list", err);
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

/*
 * iondrift io, private: the HDF5 file handle shared by h5_file.c (create,
 * stage, commit, abort, open, close), h5_write.c (groups, datasets,
 * attributes), h5_read.c (reading back) and the helpers of h5.c. Not
 * installed, not part of the public API.
 */
#ifndef IDR_H5_INTERNAL_H
#define IDR_H5_INTERNAL_H

#include <hdf5.h>
#include <stdbool.h>
#include <stddef.h>

#include "idr_core.h"
#include "idr_io.h"

/* A writer's file lives in memory (HDF5's core driver, no backing store):
 * HDF5 never writes to the disk, so a full disk or any other write error is
 * met by h5_file.c's own write(2) loop, where it is reported and cleaned up
 * (HDF5 1.10 crashed at exit after a failed H5Fclose of a file it could not
 * flush). The image callbacks hand the finished image over at H5Fclose. */
typedef struct idr_h5_image {
  void *buf;   /* the image HDF5 released at close (ours to free) */
  size_t size; /* its allocated size [bytes] */
} idr_h5_image;

struct idr_h5 {
  hid_t fid;        /* open HDF5 file */
  bool writable;    /* created by idr_h5_create (else opened read-only) */
  char *path;       /* final path (writer) or the opened path (reader) */
  char *tmp;        /* temporary path being written; NULL for a reader */
  int tmp_fd;       /* the temporary, created exclusively (writer), else -1 */
  idr_h5_image img; /* the writer's memory image */
};

/* Switch HDF5's automatic error printing off (process-wide, left off). */
void idr_h5_quiet(void);

/* Set err to "<file>: <what>[: HDF5: <innermost error>]". Must be called
 * right after the failing HDF5 call, before any other HDF5 call. */
idr_status idr_h5_fail(idr_error *err, idr_status status, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A handle h and an object path for function fn (its name in messages);
 * need_writer: h must be a writer. IDR_ERR_INTERNAL otherwise. */
idr_status idr_h5_check(const idr_h5 *h, const char *path, bool need_writer, const char *fn,
                        idr_error *err);
/* A non-empty attribute name. */
idr_status idr_h5_check_attr_name(const idr_h5 *h, const char *name, idr_error *err);
/* Does every component of path exist as a link? */
bool idr_h5_path_exists(const idr_h5 *h, const char *path);
/* Open an existing object (group or dataset) for its attributes: *o, to be
 * closed with H5Oclose; IDR_ERR_INPUT when there is none. */
idr_status idr_h5_open_object(idr_h5 *h, const char *obj_path, hid_t *o, idr_error *err);

#endif /* IDR_H5_INTERNAL_H */

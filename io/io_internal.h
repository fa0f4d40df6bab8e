/*
 * iondrift io, private: temporary names and atomic publication shared by the
 * HDF5 and CSV writers. Not installed, not part of the public API.
 */
#ifndef IDR_IO_INTERNAL_H
#define IDR_IO_INTERNAL_H

#include <stddef.h>

#include "idr_core.h"

/* Number of distinct temporary names tried before giving up when earlier
 * ones already exist (stale files of a crashed process with the same pid). */
#define IDR_IO_TEMP_ATTEMPTS 16

/* Build "<path>.tmp.<pid>.<salt address in hex>[.<attempt>]" into a newly
 * malloc'd string; NULL when out of memory. */
char *idr_io_temp_name(const char *path, const void *salt, unsigned attempt);

/* fsync `tmp`, rename it onto `final` and fsync the directory, so the final
 * name refers to complete contents. On failure `tmp` is left in place (the
 * caller removes it) and IDR_ERR_IO names both paths. */
idr_status idr_io_publish(const char *tmp, const char *final, idr_error *err);

/* Around the writing of a whole HDF5 file from a result set: the caller's
 * HDF5 automatic error printing is saved and restored afterwards (the io
 * functions switch it off), and, unless HDF5 is a thread-safe build
 * (H5_HAVE_THREADSAFE, Debian's), one process-wide lock is held so that
 * several threads may publish results at once. */
typedef struct idr_io_h5_state {
  void (*fn)(void); /* the caller's H5E_auto2_t */
  void *data;
} idr_io_h5_state;
void idr_io_h5_begin(idr_io_h5_state *saved);
void idr_io_h5_end(const idr_io_h5_state *saved);

/* malloc'd copy of s (NULL when out of memory). */
char *idr_io_strdup(const char *s);

#endif /* IDR_IO_INTERNAL_H */

/*
 * iondrift io: around the writing of a whole HDF5 file from a result set
 * (io_internal.h): the caller's HDF5 automatic error printing is saved and
 * restored, and without a thread-safe HDF5 build one process-wide lock
 * serializes the writers.
 */
#include "io_internal.h"

#include <hdf5.h>

#ifndef H5_HAVE_THREADSAFE
#include <pthread.h>
/* the one lock of a non-thread-safe HDF5 build (io_internal.h) */
static pthread_mutex_t h5_serial = PTHREAD_MUTEX_INITIALIZER;
#endif

void idr_io_h5_begin(idr_io_h5_state *saved) {
#ifndef H5_HAVE_THREADSAFE
  pthread_mutex_lock(&h5_serial);
#endif
  H5E_auto2_t fn = NULL;
  void *data = NULL;
  if (H5Eget_auto2(H5E_DEFAULT, &fn, &data) < 0) { /* nothing to restore */
    fn = NULL;
    data = NULL;
  }
  saved->fn = (void (*)(void))fn;
  saved->data = data;
}

void idr_io_h5_end(const idr_io_h5_state *saved) {
  /* restoring the caller's printing cannot fail for a valid stack; if it
   * does, HDF5's errors stay unprinted, which is the io default anyway */
  (void)H5Eset_auto2(H5E_DEFAULT, (H5E_auto2_t)saved->fn, saved->data);
#ifndef H5_HAVE_THREADSAFE
  pthread_mutex_unlock(&h5_serial);
#endif
}

/*
 * iondrift io: the life of an HDF5 file handle. A writer builds its file in
 * memory (HDF5's core driver without backing store) next to an exclusively
 * created, still empty temporary "<path>.tmp.<pid>.<hex>"; idr_h5_stage
 * closes the memory file, writes its image into the temporary with write(2),
 * fsyncs and closes it; idr_h5_commit then renames it onto the final path
 * (publish.c). Every disk write is ours: a full disk or a file-size limit is
 * an ordinary error with errno's text, the temporary is removed, and HDF5's
 * own state never meets a failed write (HDF5 1.10 crashed at exit, in
 * H5F__close_cb, after an H5Fclose that could not flush).
 *
 * The image: the core driver allocates and grows its buffer through the file
 * image callbacks below and releases it to image_free at H5Fclose, once the
 * superblock is final (H5Fget_file_image of a file open for writing returns
 * a version-2 superblock whose checksum does not match its cleared status
 * flags in HDF5 1.10.8, so the image is taken at close instead). Its length
 * is the file's size as H5Fget_file_image reports it before the close.
 */
#define _POSIX_C_SOURCE 200809L

#include "h5_internal.h"
#include "idr_io.h"
#include "io_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Growth step of the in-memory file [bytes]. */
#define IDR_H5_CORE_INCREMENT (1u << 20)

/* ---- the core driver's memory, through the file image callbacks -------- */

static void *img_malloc(size_t size, H5FD_file_image_op_t op, void *udata) {
  (void)op;
  idr_h5_image *im = udata;
  void *p = malloc(size);
  if (p) im->size = size;
  return p;
}

static void *img_memcpy(void *dest, const void *src, size_t size, H5FD_file_image_op_t op,
                        void *udata) {
  (void)op;
  (void)udata;
  return memcpy(dest, src, size);
}

static void *img_realloc(void *ptr, size_t size, H5FD_file_image_op_t op, void *udata) {
  (void)op;
  idr_h5_image *im = udata;
  void *p = realloc(ptr, size);
  if (p) im->size = size;
  return p;
}

/* At the file's close the image is kept for idr_h5_stage; otherwise freed. */
static herr_t img_free(void *ptr, H5FD_file_image_op_t op, void *udata) {
  idr_h5_image *im = udata;
  if (op == H5FD_FILE_IMAGE_OP_FILE_CLOSE && ptr) {
    free(im->buf);
    im->buf = ptr;
  } else {
    free(ptr);
  }
  return 0;
}

/* udata is the handle's own image record: shared, never copied or freed */
static void *img_udata_copy(void *udata) {
  return udata;
}
static herr_t img_udata_free(void *udata) {
  (void)udata;
  return 0;
}

/* ---- handles ------------------------------------------------------------ */

static void h5_free_handle(idr_h5 *h) {
  if (!h) return;
  if (h->tmp_fd >= 0) close(h->tmp_fd);
  free(h->img.buf);
  free(h->path);
  free(h->tmp);
  free(h);
}

static idr_h5 *h5_new_handle(const char *path, bool writable) {
  idr_h5 *h = calloc(1, sizeof *h);
  if (!h) return NULL;
  h->fid = H5I_INVALID_HID;
  h->tmp_fd = -1;
  h->writable = writable;
  h->path = idr_io_strdup(path);
  if (!h->path) {
    free(h);
    return NULL;
  }
  return h;
}

/* Create the temporary next to h->path exclusively (a free name among
 * IDR_IO_TEMP_ATTEMPTS; older ones may be left by a crashed process). */
static idr_status reserve_temp(idr_h5 *h, idr_error *err) {
  for (unsigned attempt = 0; attempt < IDR_IO_TEMP_ATTEMPTS; attempt++) {
    h->tmp = idr_io_temp_name(h->path, h, attempt);
    if (!h->tmp) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", h->path);
    h->tmp_fd = open(h->tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (h->tmp_fd >= 0) return IDR_OK;
    const int e = errno;
    if (e != EEXIST) {
      idr_status st = idr_error_set(err, IDR_ERR_IO, "%s: cannot create temporary '%s': %s",
                                    h->path, h->tmp, strerror(e));
      free(h->tmp);
      h->tmp = NULL;
      return st;
    }
    free(h->tmp);
    h->tmp = NULL;
  }
  return idr_error_set(err, IDR_ERR_IO, "%s: cannot create: %d temporary names are all taken",
                       h->path, IDR_IO_TEMP_ATTEMPTS);
}

idr_status idr_h5_create(const char *path, idr_h5 **out, idr_error *err) {
  if (!out) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_h5_create: NULL handle pointer");
  *out = NULL;
  if (!path || !path[0]) return idr_error_set(err, IDR_ERR_INPUT, "idr_h5_create: empty path");
  idr_h5_quiet();

  idr_h5 *h = h5_new_handle(path, true);
  if (!h) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", path);
  idr_status st = reserve_temp(h, err);
  if (st) goto out_free_handle;

  /* Root group: dense attribute storage (large deck attributes); file
   * format 1.8 (needed for dense storage, readable by HDF5 >= 1.8); the
   * file itself in memory (see the banner). */
  hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5FD_file_image_callbacks_t cb = {img_malloc,     img_memcpy,     img_realloc, img_free,
                                    img_udata_copy, img_udata_free, &h->img};
  if (fcpl < 0 || fapl < 0 || H5Pset_attr_phase_change(fcpl, 0, 0) < 0 ||
      H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) < 0 ||
      H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0 ||
      H5Pset_fapl_core(fapl, IDR_H5_CORE_INCREMENT, 0) < 0 ||
      H5Pset_file_image_callbacks(fapl, &cb) < 0) {
    st = idr_h5_fail(err, IDR_ERR_IO, path, "cannot set up HDF5 file properties");
  } else {
    h->fid = H5Fcreate(h->tmp, H5F_ACC_TRUNC, fcpl, fapl);
    if (h->fid < 0) st = idr_h5_fail(err, IDR_ERR_IO, path, "cannot create the HDF5 file");
  }
  if (fcpl >= 0 && H5Pclose(fcpl) < 0 && st == IDR_OK)
    st = idr_h5_fail(err, IDR_ERR_IO, path, "cannot release the file properties");
  if (fapl >= 0 && H5Pclose(fapl) < 0 && st == IDR_OK)
    st = idr_h5_fail(err, IDR_ERR_IO, path, "cannot release the file properties");
  if (st == IDR_OK) {
    *out = h;
    return IDR_OK;
  }
  if (h->fid >= 0) (void)H5Fclose(h->fid); /* in memory, dropped: nothing to lose */
  remove(h->tmp);
out_free_handle:
  h5_free_handle(h);
  return st;
}

/* write(2) all of buf, resuming after partial writes and EINTR: 0 or errno. */
static int write_all(int fd, const unsigned char *buf, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (w == 0) return EIO;
    buf += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Close the memory file and write its image into the temporary (synced,
 * closed). On failure the temporary is removed. The handle stays (freed by
 * the caller). */
static idr_status stage_image(idr_h5 *h, idr_error *err) {
  idr_h5_quiet();
  if (!h->writable || h->tmp_fd < 0) {
    idr_status st = idr_error_set(err, IDR_ERR_INTERNAL, "%s: file is open read-only", h->path);
    if (h->fid >= 0) (void)H5Fclose(h->fid); /* read-only: nothing to lose */
    h->fid = H5I_INVALID_HID;
    return st;
  }
  /* in memory: these fail only for HDF5-internal reasons (or no memory) */
  idr_status st = IDR_OK;
  ssize_t size = -1;
  if (H5Fflush(h->fid, H5F_SCOPE_GLOBAL) < 0)
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot flush the file in memory");
  else if ((size = H5Fget_file_image(h->fid, NULL, 0)) <= 0)
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot measure the file in memory");
  if (H5Fclose(h->fid) < 0 && st == IDR_OK)
    st = idr_h5_fail(err, IDR_ERR_IO, h->path, "cannot close the file in memory");
  h->fid = H5I_INVALID_HID;
  if (st == IDR_OK && (!h->img.buf || (size_t)size > h->img.size))
    st = idr_error_set(err, IDR_ERR_INTERNAL, "%s: the file image (%zd bytes) was not handed over",
                       h->path, size);
  /* to the disk: the only place where the result file meets it */
  int e = st == IDR_OK ? write_all(h->tmp_fd, h->img.buf, (size_t)size) : 0;
  if (st == IDR_OK && e == 0 && fsync(h->tmp_fd) != 0) e = errno;
  if (close(h->tmp_fd) != 0 && st == IDR_OK && e == 0) e = errno;
  h->tmp_fd = -1;
  if (st == IDR_OK && e != 0)
    st = idr_error_set(err, IDR_ERR_IO, "%s: cannot write temporary '%s': %s", h->path, h->tmp,
                       strerror(e));
  free(h->img.buf);
  h->img.buf = NULL;
  if (st) remove(h->tmp);
  return st;
}

idr_status idr_h5_stage(idr_h5 **hp, char **tmp_path, idr_error *err) {
  if (tmp_path) *tmp_path = NULL;
  if (!hp || !*hp) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_h5_stage: no open file");
  idr_h5 *h = *hp;
  *hp = NULL;
  idr_status st = stage_image(h, err);
  if (st == IDR_OK) {
    if (tmp_path) {
      *tmp_path = h->tmp;
      h->tmp = NULL;
    } else {
      remove(h->tmp); /* nobody to publish it */
    }
  }
  h5_free_handle(h);
  return st;
}

idr_status idr_h5_commit(idr_h5 **hp, idr_error *err) {
  if (!hp || !*hp) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_h5_commit: no open file");
  idr_h5 *h = *hp;
  *hp = NULL;
  idr_status st = stage_image(h, err);
  if (st == IDR_OK) {
    st = idr_io_publish(h->tmp, h->path, err);
    if (st) remove(h->tmp);
  }
  h5_free_handle(h);
  return st;
}

void idr_h5_abort(idr_h5 **hp) {
  if (!hp || !*hp) return;
  idr_h5 *h = *hp;
  *hp = NULL;
  idr_h5_quiet();
  /* a writer's file is in memory and being dropped, a reader's read-only:
   * a failed close loses nothing */
  if (h->fid >= 0) (void)H5Fclose(h->fid);
  if (h->writable && h->tmp) remove(h->tmp);
  h5_free_handle(h);
}

const char *idr_h5_path(const idr_h5 *h) {
  return h ? h->path : NULL;
}
const char *idr_h5_temp_path(const idr_h5 *h) {
  return h ? h->tmp : NULL;
}

/* ---- reader -------------------------------------------------------------- */

idr_status idr_h5_open(const char *path, idr_h5 **out, idr_error *err) {
  if (!out) return idr_error_set(err, IDR_ERR_INTERNAL, "idr_h5_open: NULL handle pointer");
  *out = NULL;
  if (!path || !path[0]) return idr_error_set(err, IDR_ERR_INPUT, "idr_h5_open: empty path");
  idr_h5_quiet();
  idr_h5 *h = h5_new_handle(path, false);
  if (!h) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", path);
  h->fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (h->fid < 0) {
    idr_status st = idr_h5_fail(err, IDR_ERR_IO, path, "cannot open HDF5 file");
    h5_free_handle(h);
    return st;
  }
  *out = h;
  return IDR_OK;
}

void idr_h5_close(idr_h5 **hp) {
  idr_h5_abort(hp);
}

/*
 * iondrift io: temporary names and atomic publication (write to a temporary
 * in the target directory, fsync, rename(2), fsync the directory). rename is
 * atomic within one file system (POSIX.1-2008), which is why the temporary
 * lives next to the final name.
 */
#define _POSIX_C_SOURCE 200809L

#include "io_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *idr_io_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

char *idr_io_temp_name(const char *path, const void *salt, unsigned attempt) {
  char suffix[96];
  if (attempt == 0)
    snprintf(suffix, sizeof suffix, ".tmp.%ld.%" PRIxPTR, (long)getpid(), (uintptr_t)salt);
  else
    snprintf(suffix, sizeof suffix, ".tmp.%ld.%" PRIxPTR ".%u", (long)getpid(), (uintptr_t)salt,
             attempt);
  size_t n = strlen(path), m = strlen(suffix);
  char *name = malloc(n + m + 1);
  if (!name) return NULL;
  memcpy(name, path, n);
  memcpy(name + n, suffix, m + 1);
  return name;
}

/* fsync a file or directory by name. Returns 0 or an errno value. */
static int sync_path(const char *path, int flags) {
  int fd = open(path, flags);
  if (fd < 0) return errno;
  int rc = 0;
  if (fsync(fd) != 0) rc = errno;
  close(fd);
  return rc;
}

idr_status idr_io_publish(const char *tmp, const char *final, idr_error *err) {
  int e = sync_path(tmp, O_RDONLY);
  if (e != 0)
    return idr_error_set(err, IDR_ERR_IO, "%s: cannot sync temporary file '%s': %s", final, tmp,
                         strerror(e));
  if (rename(tmp, final) != 0)
    return idr_error_set(err, IDR_ERR_IO, "%s: cannot rename temporary file '%s' onto it: %s",
                         final, tmp, strerror(errno));

  /* Make the rename itself durable. Some file systems refuse fsync on a
   * directory (EINVAL); the data are complete either way, so only real I/O
   * errors count. */
  char *dir = idr_io_strdup(final);
  if (!dir) return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", final);
  char *slash = strrchr(dir, '/');
  if (!slash)
    strcpy(dir, ".");
  else if (slash == dir)
    dir[1] = '\0';
  else
    *slash = '\0';
  e = sync_path(dir, O_RDONLY | O_DIRECTORY);
  free(dir);
  if (e == EIO)
    return idr_error_set(err, IDR_ERR_IO, "%s: cannot sync its directory: %s", final, strerror(e));
  return IDR_OK;
}

/*
 * iondrift io: temporary names and atomic publication (write to a temporary
 * in the target directory, fsync, rename(2), fsync the directory). rename is
 * atomic within one file system (POSIX.1-2008), which is why the temporary
 * lives next to the final name. Several files of one result are published
 * all or none (idr_io_publish_all).
 */
#define _POSIX_C_SOURCE 200809L

#include "idr_io.h"
#include "io_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* ---- several files as one result ---------------------------------------- */

/* An older file under a final name, kept as a hard link while the new files
 * go in (link(2) keeps the final name in place throughout). */
typedef struct kept_file {
  char *backup; /* the link's name, NULL when there was no older file */
  int existed;  /* an older file was there (kept or not) */
} kept_file;

/* Append "; <what> <file><tail>" to the message of err (err may be NULL). */
static void append_note(idr_error *err, const char *what, const char *file, const char *tail) {
  if (!err) return;
  size_t used = strlen(err->msg);
  if (used < sizeof err->msg)
    snprintf(err->msg + used, sizeof err->msg - used, "; %s%s%s", what, file, tail);
}

static void remove_all(const char *const *tmp, size_t from, size_t n) {
  for (size_t i = from; i < n; i++)
    remove(tmp[i]);
}

idr_status idr_io_publish_all(const char *const *tmp, const char *const *final, size_t n,
                              idr_error *err) {
  if (n == 0) return IDR_OK;
  kept_file *kept = calloc(n, sizeof *kept);
  if (!kept) {
    remove_all(tmp, 0, n);
    return idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", final[0]);
  }
  idr_status st = IDR_OK;
  /* 1. every final name must take a file: a directory there fails now,
   *    before anything is replaced */
  for (size_t i = 0; i < n && st == IDR_OK; i++) {
    struct stat sb;
    if (lstat(final[i], &sb) != 0) continue;
    kept[i].existed = 1;
    if (S_ISDIR(sb.st_mode))
      st = idr_error_set(err, IDR_ERR_IO,
                         "%s: cannot put the result there: it is a directory (nothing was "
                         "replaced)",
                         final[i]);
  }
  /* 2. keep the older files */
  for (size_t i = 0; i < n && st == IDR_OK; i++) {
    if (!kept[i].existed) continue;
    for (unsigned attempt = 0; attempt < IDR_IO_TEMP_ATTEMPTS && !kept[i].backup; attempt++) {
      char *b = idr_io_temp_name(final[i], &kept[i], attempt);
      if (!b) {
        st = idr_error_set(err, IDR_ERR_NOMEM, "%s: out of memory", final[i]);
        break;
      }
      if (link(final[i], b) == 0) {
        kept[i].backup = b;
      } else {
        free(b);
        if (errno != EEXIST) break; /* no hard links here: no way back for this one */
      }
    }
  }
  /* 3. all renames, or back to the older files */
  size_t done = 0;
  for (; done < n && st == IDR_OK; done++)
    st = idr_io_publish(tmp[done], final[done], err);
  if (st != IDR_OK) {
    if (done > 0) done--; /* the one that failed was not renamed */
    int lost = 0;
    for (size_t i = 0; i < done; i++) {
      if (kept[i].backup) {
        if (rename(kept[i].backup, final[i]) == 0) {
          free(kept[i].backup); /* consumed: the older file is back */
          kept[i].backup = NULL;
        } else {
          lost = 1;
          append_note(err, "the older file is kept as ", kept[i].backup, "");
          free(kept[i].backup); /* left on disk for the user */
          kept[i].backup = NULL;
        }
      } else if (!kept[i].existed) {
        remove(final[i]);
      } else {
        lost = 1;
        append_note(err, "the older ", final[i], " was replaced (no hard link kept it)");
      }
    }
    remove_all(tmp, done, n);
    if (done > 0 && !lost) append_note(err, "the older result files were put back", "", "");
  }
  for (size_t i = 0; i < n; i++) {
    if (kept[i].backup) remove(kept[i].backup);
    free(kept[i].backup);
  }
  free(kept);
  return st;
}

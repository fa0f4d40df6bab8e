/*
 * iondrift app: output paths are checked when the options are read, before
 * any computation, so that a TID scan of minutes never ends in "cannot
 * create temporary ...": a missing directory and a path that is a directory
 * are refused naming the directory.
 */
#define _POSIX_C_SOURCE 200809L

#include "app.h"
#include "app_out.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The directory part of path ("." for a bare name) into buf. */
static void dir_of(const char *path, char *buf, size_t size) {
  const char *slash = strrchr(path, '/');
  if (!slash) {
    idr_strlcpy(buf, ".", size);
    return;
  }
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  if (n >= size) n = size - 1;
  memcpy(buf, path, n);
  buf[n] = '\0';
}

static int check_parent(const char *cmd, const char *what, const char *path) {
  char dir[4096];
  dir_of(path, dir, sizeof dir);
  struct stat sb;
  if (stat(dir, &sb) != 0)
    return idr_app_usage_error(cmd, "%s %s: directory '%s' does not exist (%s)", what, path, dir,
                               strerror(errno));
  if (!S_ISDIR(sb.st_mode))
    return idr_app_usage_error(cmd, "%s %s: '%s' is not a directory", what, path, dir);
  return 0;
}

int idr_app_check_output(const char *cmd, const char *path) {
  if (!path) return 0;
  struct stat sb;
  if (path[0] == '\0' || path[strlen(path) - 1] == '/' ||
      (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)))
    return idr_app_usage_error(cmd, "output %s: is a directory, expected a file name in it", path);
  return check_parent(cmd, "output", path);
}

int idr_app_check_output_dir(const char *cmd, const char *dir) {
  if (!dir) return 0;
  struct stat sb;
  if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode))
    return idr_app_usage_error(cmd, "output directory %s: exists and is not a directory", dir);
  char trimmed[4096];
  idr_strlcpy(trimmed, dir, sizeof trimmed);
  size_t n = strlen(trimmed);
  while (n > 1 && trimmed[n - 1] == '/')
    trimmed[--n] = '\0';
  return check_parent(cmd, "output directory", trimmed);
}

/*
 * iondrift sweep: small helpers shared by the sweep's files: a growing text
 * buffer, the shortest round-trip text of a number, FNV-1a hashing, a wall
 * clock and the atomic publication of a file (a temporary in the same
 * directory, fsync, rename(2), fsync of the directory).
 */
#define _POSIX_C_SOURCE 200809L

#include "sweep_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void idr_sw_buf_printf(sw_buf *b, const char *fmt, ...) {
  if (b->oom) return;
  for (int pass = 0; pass < 2; pass++) {
    size_t room = b->cap - b->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->oom = 1;
      return;
    }
    if (b->s && (size_t)n < room) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + (size_t)n + 1)
      cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
      b->oom = 1;
      return;
    }
    b->s = s;
    b->cap = cap;
    if (b->len == 0) b->s[0] = '\0';
  }
}

void idr_sw_buf_free(sw_buf *b) {
  free(b->s);
  memset(b, 0, sizeof *b);
}

const char *idr_sw_num(double v, char buf[32]) {
  if (isnan(v)) return "nan";
  if (isinf(v)) return v > 0 ? "inf" : "-inf";
  return idr_yout_fmt(v, buf);
}

uint64_t idr_sw_fnv1a(uint64_t h, const void *p, size_t n) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++) {
    h ^= c[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

double idr_sw_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The directory part of path ("." when none) into buf. */
static void dir_of(const char *path, char *buf, size_t size) {
  const char *slash = strrchr(path, '/');
  if (!slash) {
    idr_strlcpy(buf, ".", size);
  } else if (slash == path) {
    idr_strlcpy(buf, "/", size);
  } else {
    size_t n = (size_t)(slash - path);
    if (n >= size) n = size - 1;
    memcpy(buf, path, n);
    buf[n] = '\0';
  }
}

idr_status idr_sw_write_atomic(const char *path, const void *data, size_t size, idr_error *err) {
  /* the host too: job-array tasks on several nodes may share a process id */
  char host[64] = "";
  gethostname(host, sizeof host - 1);
  char tmp[SW_PATH_LEN + 128];
  snprintf(tmp, sizeof tmp, "%s.tmp.%.63s.%ld", path, host, (long)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    return idr_error_set(err, IDR_ERR_IO, "%s: cannot create '%s': %s", path, tmp, strerror(errno));
  const unsigned char *p = data;
  size_t left = size;
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int e = errno;
      close(fd);
      unlink(tmp);
      return idr_error_set(err, IDR_ERR_IO, "%s: cannot write: %s", path, strerror(e));
    }
    p += w;
    left -= (size_t)w;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    int e = errno;
    unlink(tmp);
    return idr_error_set(err, IDR_ERR_IO, "%s: cannot sync: %s", path, strerror(e));
  }
  if (rename(tmp, path) != 0) {
    int e = errno;
    unlink(tmp);
    return idr_error_set(err, IDR_ERR_IO, "%s: cannot rename '%s' onto it: %s", path, tmp,
                         strerror(e));
  }
  char dir[SW_PATH_LEN];
  dir_of(path, dir, sizeof dir);
  int dfd = open(dir, O_RDONLY);
  if (dfd >= 0) {
    fsync(dfd); /* the rename itself durable; a file system without it is fine */
    close(dfd);
  }
  return IDR_OK;
}

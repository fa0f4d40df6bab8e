/*
 * iondrift sweep: the journal of finished points. One text file per writer
 * (DIR/journal.txt; a job-array slice writes DIR/journal.slice-K-of-N.txt),
 * append-only, one line per point, each written, flushed and fsynced before
 * the point counts as done:
 *
 *   # iondrift sweep journal v1 fingerprint=<16 hex> points=<N> outputs=<M>
 *   <index> TAB ok|failed TAB <value 1> ... TAB <value M> TAB <message> TAB <16 hex>
 *
 * values with the shortest text that reads back to the same double, the
 * message with \\, \t, \n escaped, the last field the FNV-1a of the line
 * before it. A crash can only cut the last line short: a line without its
 * newline or checksum at the end of a file is dropped (and cut off before
 * the writer appends again); a damaged line elsewhere is an error. A file
 * is locked (fcntl) by its writer, so two sweeps never append to one file.
 */
#define _POSIX_C_SOURCE 200809L

#include "sweep_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define JOURNAL_HEADER "# iondrift sweep journal v1"

idr_status idr_sw_done_alloc(sw_done *d, size_t n_points, size_t n_outs, idr_error *err) {
  memset(d, 0, sizeof *d);
  d->n_points = n_points;
  d->n_outs = n_outs;
  d->have = calloc(n_points, 1);
  d->ok = calloc(n_points, 1);
  d->values = calloc(n_points * (n_outs ? n_outs : 1), sizeof *d->values);
  d->message = calloc(n_points, sizeof *d->message);
  if (!d->have || !d->ok || !d->values || !d->message) {
    idr_sw_done_free(d);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  return IDR_OK;
}

void idr_sw_done_free(sw_done *d) {
  if (d->message)
    for (size_t i = 0; i < d->n_points; i++)
      free(d->message[i]);
  free(d->message);
  free(d->have);
  free(d->ok);
  free(d->values);
  memset(d, 0, sizeof *d);
}

idr_status idr_sw_done_put(sw_done *d, const idr_sweep_record *rec, idr_error *err) {
  size_t i = rec->index;
  d->have[i] = 1;
  d->ok[i] = (unsigned char)rec->ok;
  memcpy(d->values + i * d->n_outs, rec->values, d->n_outs * sizeof *d->values);
  free(d->message[i]);
  d->message[i] = NULL;
  if (rec->message[0]) {
    size_t n = strlen(rec->message) + 1;
    if (!(d->message[i] = malloc(n))) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    memcpy(d->message[i], rec->message, n);
  }
  return IDR_OK;
}

int idr_sw_done_flagged(const sw_done *d, size_t i) {
  return d->have[i] && d->ok[i] && d->message[i] && d->message[i][0];
}

/* ---- the line format ------------------------------------------------------------------ */

static void header(const idr_sweep *sw, sw_buf *b) {
  idr_sw_buf_printf(b, JOURNAL_HEADER " fingerprint=%016" PRIx64 " points=%zu outputs=%zu\n",
                    sw->fp, sw->n_points, sw->n_outs);
}

static void format_record(const idr_sweep *sw, const idr_sweep_record *rec, sw_buf *b) {
  char t[32];
  size_t start = b->len;
  idr_sw_buf_printf(b, "%zu\t%s", rec->index, rec->ok ? "ok" : "failed");
  for (size_t j = 0; j < sw->n_outs; j++)
    idr_sw_buf_printf(b, "\t%s", idr_sw_num(rec->values[j], t));
  idr_sw_buf_printf(b, "\t");
  for (const char *c = rec->message; *c; c++) {
    if (*c == '\\' || *c == '\t' || *c == '\n' || *c == '\r')
      idr_sw_buf_printf(b, "\\%c", *c == '\t' ? 't' : *c == '\n' ? 'n' : *c == '\r' ? 'r' : '\\');
    else
      idr_sw_buf_printf(b, "%c", *c);
  }
  idr_sw_buf_printf(b, "\t");
  if (b->oom) return;
  uint64_t h = idr_sw_fnv1a(SW_FNV_START, b->s + start, b->len - start);
  idr_sw_buf_printf(b, "%016" PRIx64 "\n", h);
}

/* Split line (len bytes, no newline) into rec; 0 if damaged. */
static int parse_record(const idr_sweep *sw, char *line, size_t len, idr_sweep_record *rec) {
  if (len < 17 || line[len - 17] != '\t') return 0;
  uint64_t h = idr_sw_fnv1a(SW_FNV_START, line, len - 16);
  char hex[17];
  memcpy(hex, line + len - 16, 16);
  hex[16] = '\0';
  char *end = NULL;
  if (strtoull(hex, &end, 16) != h || *end) return 0;
  line[len - 17] = '\0';
  char *field = line, *tab;
  size_t k = 0, n_fields = sw->n_outs + 3;
  for (; k < n_fields; k++) {
    tab = strchr(field, '\t');
    if (tab) *tab = '\0';
    if (k == 0) {
      unsigned long long v = strtoull(field, &end, 10);
      if (end == field || *end || v >= sw->n_points) return 0;
      rec->index = (size_t)v;
    } else if (k == 1) {
      if (strcmp(field, "ok") != 0 && strcmp(field, "failed") != 0) return 0;
      rec->ok = field[0] == 'o';
    } else if (k < n_fields - 1) {
      rec->values[k - 2] = strtod(field, &end);
      if (end == field || *end) return 0;
    } else {
      size_t m = 0;
      for (char *c = field; *c && m + 1 < sizeof rec->message; c++) {
        if (*c == '\\' && c[1]) {
          c++;
          rec->message[m++] = *c == 't' ? '\t' : *c == 'n' ? '\n' : *c == 'r' ? '\r' : *c;
        } else {
          rec->message[m++] = *c;
        }
      }
      rec->message[m] = '\0';
    }
    if (!tab) break;
    field = tab + 1;
  }
  return k == n_fields - 1 && !tab;
}

/* ---- reading ----------------------------------------------------------------------------- */

/* The whole file (binary; a NUL is added after the last byte). */
static idr_status read_all(const char *path, char **text, size_t *len, idr_error *err) {
  *text = NULL;
  *len = 0;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return idr_error_set(err, IDR_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
  struct stat sb;
  char *buf = NULL;
  size_t n = 0;
  idr_status st = IDR_OK;
  if (fstat(fd, &sb) != 0) {
    st = idr_error_set(err, IDR_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
  } else if (!(buf = malloc((size_t)sb.st_size + 1))) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  } else {
    while (n < (size_t)sb.st_size) {
      ssize_t r = read(fd, buf + n, (size_t)sb.st_size - n);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      n += (size_t)r;
    }
    buf[n] = '\0';
  }
  close(fd);
  if (st) {
    free(buf);
    return st;
  }
  *text = buf;
  *len = n;
  return IDR_OK;
}

/* Parse one journal's text; *good: the bytes up to the last complete record. */
static idr_status parse_journal(const idr_sweep *sw, const char *path, char *text, size_t len,
                                sw_done *d, size_t *good, idr_error *err) {
  *good = 0;
  if (len == 0) return IDR_OK;
  sw_buf h = {0};
  header(sw, &h);
  int same = !h.oom && len >= h.len && memcmp(text, h.s, h.len) == 0;
  int torn_header = !h.oom && len < h.len && memcmp(text, h.s, len) == 0;
  idr_sw_buf_free(&h);
  if (torn_header) return IDR_OK;
  if (!same)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s: the journal of a different sweep (its first line does not match "
                         "this spec's fingerprint, points and outputs)",
                         path);
  char *p = strchr(text, '\n') + 1;
  *good = (size_t)(p - text);
  idr_sweep_record rec;
  idr_status st = idr_sweep_record_init(sw, &rec, err);
  int lineno = 1;
  while (!st && p < text + len) {
    lineno++;
    char *nl = memchr(p, '\n', (size_t)(text + len - p));
    int ok = nl && parse_record(sw, p, (size_t)(nl - p), &rec);
    if (!ok && (!nl || nl + 1 == text + len)) break; /* the last line, cut short */
    if (!ok) {
      st = idr_error_set(err, IDR_ERR_IO, "%s:%d: damaged record", path, lineno);
      break;
    }
    st = idr_sw_done_put(d, &rec, err);
    p = nl + 1;
    *good = (size_t)(p - text);
  }
  idr_sweep_record_free(&rec);
  return st;
}

static int journal_name(const char *name) {
  size_t n = strlen(name);
  return strncmp(name, "journal", 7) == 0 && n >= 11 && strcmp(name + n - 4, ".txt") == 0;
}

static int cmp_names(const void *a, const void *b) {
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  int jx = strcmp(x, "journal.txt") == 0, jy = strcmp(y, "journal.txt") == 0;
  if (jx != jy) return jx - jy; /* journal.txt last: its records are the newest */
  return strcmp(x, y);
}

idr_status idr_sw_journals_read(const idr_sweep *sw, const char *dir, sw_done *d, idr_error *err) {
  DIR *dp = opendir(dir);
  if (!dp) return IDR_OK; /* no directory yet: nothing done */
  char *names[1024];
  size_t n = 0;
  struct dirent *e;
  idr_status st = IDR_OK;
  while ((e = readdir(dp)) != NULL && n < 1024)
    if (journal_name(e->d_name)) {
      size_t len = strlen(e->d_name) + 1;
      if (!(names[n] = malloc(len))) {
        st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
        break;
      }
      memcpy(names[n++], e->d_name, len);
    }
  closedir(dp);
  qsort(names, n, sizeof *names, cmp_names);
  for (size_t i = 0; i < n && !st; i++) {
    char path[SW_PATH_LEN], *text = NULL;
    size_t len = 0, good;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    st = read_all(path, &text, &len, err);
    if (!st) st = parse_journal(sw, path, text, len, d, &good, err);
    free(text);
  }
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  return st;
}

/* ---- appending ----------------------------------------------------------------------------- */

static idr_status write_all(int fd, const char *path, const char *s, size_t n, idr_error *err) {
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0)
      return idr_error_set(err, IDR_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    s += w;
    n -= (size_t)w;
  }
  if (fdatasync(fd) != 0) /* the data and the file's size: what a reader needs */
    return idr_error_set(err, IDR_ERR_IO, "%s: cannot sync: %s", path, strerror(errno));
  return IDR_OK;
}

idr_status idr_sw_journal_open(const idr_sweep *sw, const char *path, sw_journal *j,
                               idr_error *err) {
  memset(j, 0, sizeof *j);
  j->fd = -1;
  idr_strlcpy(j->path, path, sizeof j->path);
  int fd = open(path, O_RDWR | O_CREAT, 0644);
  if (fd < 0) return idr_error_set(err, IDR_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  struct flock lk = {0};
  lk.l_type = F_WRLCK;
  lk.l_whence = SEEK_SET;
  if (fcntl(fd, F_SETLK, &lk) != 0 && (errno == EACCES || errno == EAGAIN)) {
    close(fd);
    return idr_error_set(err, IDR_ERR_IO,
                         "%s: in use by another sweep (locked); wait for it to end or give "
                         "another -o",
                         path);
  } /* a file system without locks (ENOLCK, ENOSYS): one writer by discipline */
  char *text = NULL;
  size_t len = 0, good = 0;
  sw_done scratch;
  idr_status st = idr_sw_done_alloc(&scratch, sw->n_points, sw->n_outs, err);
  if (!st) st = read_all(path, &text, &len, err);
  if (!st) st = parse_journal(sw, path, text, len, &scratch, &good, err);
  free(text);
  idr_sw_done_free(&scratch);
  if (!st && good < len && ftruncate(fd, (off_t)good) != 0)
    st = idr_error_set(err, IDR_ERR_IO, "%s: cannot cut its torn last line: %s", path,
                       strerror(errno));
  if (!st && lseek(fd, 0, SEEK_END) < 0)
    st = idr_error_set(err, IDR_ERR_IO, "%s: cannot seek: %s", path, strerror(errno));
  if (!st && good == 0) {
    sw_buf h = {0};
    header(sw, &h);
    st = h.oom ? idr_error_set(err, IDR_ERR_NOMEM, "out of memory")
               : write_all(fd, path, h.s, h.len, err);
    idr_sw_buf_free(&h);
  }
  if (st) {
    close(fd);
    return st;
  }
  j->fd = fd;
  return IDR_OK;
}

idr_status idr_sw_journal_append(const idr_sweep *sw, sw_journal *j, const idr_sweep_record *rec,
                                 idr_error *err) {
  sw_buf b = {0};
  format_record(sw, rec, &b);
  idr_status st = b.oom ? idr_error_set(err, IDR_ERR_NOMEM, "out of memory")
                        : write_all(j->fd, j->path, b.s, b.len, err);
  idr_sw_buf_free(&b);
  return st;
}

void idr_sw_journal_close(sw_journal *j) {
  if (j->fd >= 0) close(j->fd);
  j->fd = -1;
}

/* ---- curves files ------------------------------------------------------------------------------
 */

void idr_sw_curves_path(const char *dir, size_t i, char *buf, size_t size) {
  snprintf(buf, size, "%s/curves/point_%06zu.bin", dir, i);
}

idr_status idr_sw_curves_save(const char *dir, const idr_sweep_record *rec, idr_error *err) {
  char path[SW_PATH_LEN];
  snprintf(path, sizeof path, "%s/curves", dir);
  if (mkdir(path, 0755) != 0 && errno != EEXIST)
    return idr_error_set(err, IDR_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
  idr_sw_curves_path(dir, rec->index, path, sizeof path);
  return idr_sw_write_atomic(path, rec->curves, rec->curves_size, err);
}

idr_status idr_sw_curves_load(const char *dir, size_t i, unsigned char **p, size_t *size,
                              idr_error *err) {
  char path[SW_PATH_LEN], *text = NULL;
  idr_sw_curves_path(dir, i, path, sizeof path);
  idr_status st = read_all(path, &text, size, err);
  *p = (unsigned char *)text;
  return st;
}

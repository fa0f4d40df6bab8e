/*
 * iondrift config: a small YAML document tree built with libyaml's event
 * parser. Every node keeps its 1-based line and column (libyaml marks are
 * 0-based) so that any value can be reported as FILE:LINE:COL. Also: the
 * --set override ("layers[1].thickness_nm=400") applied on the tree, located
 * error messages, strict mapping checks with a nearest-key suggestion
 * (Levenshtein distance <= 2), and checked scalar readers.
 */
#define _POSIX_C_SOURCE 200809L
#include "idr_config.h"
#include "yaml_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define YT_MAX_DEPTH 64       /* deepest nesting accepted (a deck needs 4) */
#define YT_MAX_SUGGEST_DIST 2 /* farthest key still offered as "did you mean" */
#define YT_GOT_LEN 96

/* ---- nodes --------------------------------------------------------------- */

char *idr_yt_dup_n(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

void idr_yt_node_free(idr_ynode *n) {
  if (!n) return;
  for (size_t i = 0; i < n->n; i++)
    idr_yt_node_free(n->items[i]);
  free(n->items);
  free(n->str);
  free(n->key);
  free(n);
}

idr_ynode *idr_yt_node_new(idr_ykind kind, int line, int col) {
  idr_ynode *n = calloc(1, sizeof *n);
  if (!n) return NULL;
  n->kind = kind;
  n->line = line;
  n->col = col;
  return n;
}

int idr_yt_node_push(idr_ynode *parent, idr_ynode *child) {
  if (parent->n == parent->cap) {
    size_t cap = parent->cap ? 2 * parent->cap : 8;
    idr_ynode **items = realloc(parent->items, cap * sizeof *items);
    if (!items) return 0;
    parent->items = items;
    parent->cap = cap;
  }
  parent->items[parent->n++] = child;
  return 1;
}

void idr_yt_node_mark_set(idr_ynode *n, int origin) {
  n->from_set = origin;
  for (size_t i = 0; i < n->n; i++)
    idr_yt_node_mark_set(n->items[i], origin);
}

idr_ykind idr_ynode_kind(const idr_ynode *n) {
  return n->kind;
}
int idr_ynode_line(const idr_ynode *n) {
  return n->line;
}
int idr_ynode_col(const idr_ynode *n) {
  return n->col;
}
int idr_ynode_from_set(const idr_ynode *n) {
  return n->from_set;
}
size_t idr_ynode_len(const idr_ynode *n) {
  return n->kind == IDR_Y_SCALAR ? 0 : n->n;
}
const idr_ynode *idr_ynode_at(const idr_ynode *n, size_t i) {
  return (n->kind != IDR_Y_SCALAR && i < n->n) ? n->items[i] : NULL;
}
const char *idr_ynode_key(const idr_ynode *n) {
  return n->key;
}
const char *idr_ynode_scalar(const idr_ynode *n) {
  return n->kind == IDR_Y_SCALAR ? n->str : NULL;
}

const idr_ynode *idr_ynode_get(const idr_ynode *map, const char *key) {
  if (!map || map->kind != IDR_Y_MAP) return NULL;
  for (size_t i = 0; i < map->n; i++)
    if (strcmp(map->items[i]->key, key) == 0) return map->items[i];
  return NULL;
}

const char *idr_ydoc_name(const idr_ydoc *doc) {
  return doc->name;
}
const idr_ynode *idr_ydoc_root(const idr_ydoc *doc) {
  return doc->root;
}

void idr_ydoc_free(idr_ydoc **doc) {
  if (!doc || !*doc) return;
  idr_yt_node_free((*doc)->root);
  free(*doc);
  *doc = NULL;
}

/* ---- parsing -------------------------------------------------------------- */

static idr_status syntax_error(ytparse *p) {
  const yaml_parser_t *y = &p->parser;
  const char *problem = y->problem ? y->problem : "unknown problem";
  if (y->error == YAML_MEMORY_ERROR) return idr_error_set(p->err, IDR_ERR_NOMEM, "out of memory");
  if (p->set_path)
    return idr_error_set(p->err, IDR_ERR_INPUT, "%s %s: must be a valid YAML value (got '%s': %s)",
                         p->set_origin, p->set_path, p->set_text, problem);
  char ctx[256] = "";
  if (y->context)
    snprintf(ctx, sizeof ctx, " (%s at %d:%d)", y->context, (int)y->context_mark.line + 1,
             (int)y->context_mark.column + 1);
  return idr_error_set(p->err, IDR_ERR_INPUT, "%s:%d:%d: YAML syntax error: %s%s", p->name,
                       (int)y->problem_mark.line + 1, (int)y->problem_mark.column + 1, problem,
                       ctx);
}

static idr_status next_event(ytparse *p, yaml_event_t *ev) {
  if (!yaml_parser_parse(&p->parser, ev)) return syntax_error(p);
  return IDR_OK;
}

static idr_status struct_error(ytparse *p, const yaml_mark_t *m, const char *what) {
  if (p->set_path)
    return idr_error_set(p->err, IDR_ERR_INPUT, "%s %s: %s (got '%s')", p->set_origin, p->set_path,
                         what, p->set_text);
  return idr_error_set(p->err, IDR_ERR_INPUT, "%s:%d:%d: %s", p->name, (int)m->line + 1,
                       (int)m->column + 1, what);
}

/* Parse the node whose first event is *ev (consumed and deleted here). */
static idr_status parse_node(ytparse *p, yaml_event_t *ev, idr_ynode **out, int depth) {
  idr_status st = IDR_OK;
  int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
  idr_ynode *n = NULL;
  *out = NULL;
  if (depth > YT_MAX_DEPTH) {
    st = struct_error(p, &ev->start_mark, "YAML nesting must be at most 64 levels deep");
    goto out_event;
  }
  switch (ev->type) {
  case YAML_SCALAR_EVENT:
    n = idr_yt_node_new(IDR_Y_SCALAR, line, col);
    if (!n ||
        !(n->str = idr_yt_dup_n((const char *)ev->data.scalar.value, ev->data.scalar.length))) {
      st = idr_error_set(p->err, IDR_ERR_NOMEM, "out of memory");
      goto out_event;
    }
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    break;
  case YAML_ALIAS_EVENT:
    st = struct_error(p, &ev->start_mark, "YAML aliases (*name) must not be used");
    goto out_event;
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: {
    int is_map = ev->type == YAML_MAPPING_START_EVENT;
    n = idr_yt_node_new(is_map ? IDR_Y_MAP : IDR_Y_SEQ, line, col);
    if (!n) {
      st = idr_error_set(p->err, IDR_ERR_NOMEM, "out of memory");
      goto out_event;
    }
    yaml_event_delete(ev);
    for (;;) {
      yaml_event_t e;
      if ((st = next_event(p, &e)) != IDR_OK) goto out_node;
      if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT) {
        yaml_event_delete(&e);
        break;
      }
      char *key = NULL;
      int kl = 0, kc = 0;
      if (is_map) {
        if (e.type != YAML_SCALAR_EVENT) {
          st = struct_error(p, &e.start_mark, "mapping keys must be plain names");
          yaml_event_delete(&e);
          goto out_node;
        }
        kl = (int)e.start_mark.line + 1;
        kc = (int)e.start_mark.column + 1;
        key = idr_yt_dup_n((const char *)e.data.scalar.value, e.data.scalar.length);
        yaml_event_delete(&e);
        if (!key) {
          st = idr_error_set(p->err, IDR_ERR_NOMEM, "out of memory");
          goto out_node;
        }
        if ((st = next_event(p, &e)) != IDR_OK) {
          free(key);
          goto out_node;
        }
      }
      idr_ynode *child = NULL;
      st = parse_node(p, &e, &child, depth + 1);
      if (st != IDR_OK) {
        free(key);
        goto out_node;
      }
      child->key = key;
      child->key_line = kl;
      child->key_col = kc;
      if (!idr_yt_node_push(n, child)) {
        idr_yt_node_free(child);
        st = idr_error_set(p->err, IDR_ERR_NOMEM, "out of memory");
        goto out_node;
      }
    }
    *out = n;
    return IDR_OK;
  }
  default: st = struct_error(p, &ev->start_mark, "unexpected YAML event"); goto out_event;
  }
  *out = n;
  yaml_event_delete(ev);
  return IDR_OK;
out_event:
  yaml_event_delete(ev);
out_node:
  idr_yt_node_free(n);
  return st;
}

/* One document (or none) from the parser: *root NULL for an empty stream. */
static idr_status parse_stream(ytparse *p, idr_ynode **root) {
  yaml_event_t ev;
  idr_status st;
  *root = NULL;
  if ((st = next_event(p, &ev)) != IDR_OK) return st; /* STREAM-START */
  yaml_event_delete(&ev);
  if ((st = next_event(p, &ev)) != IDR_OK) return st;
  if (ev.type == YAML_STREAM_END_EVENT) {
    yaml_event_delete(&ev);
    return IDR_OK;
  }
  yaml_event_delete(&ev); /* DOCUMENT-START */
  if ((st = next_event(p, &ev)) != IDR_OK) return st;
  if ((st = parse_node(p, &ev, root, 0)) != IDR_OK) return st;
  if ((st = next_event(p, &ev)) != IDR_OK) goto out_root; /* DOCUMENT-END */
  yaml_event_delete(&ev);
  if ((st = next_event(p, &ev)) != IDR_OK) goto out_root;
  if (ev.type != YAML_STREAM_END_EVENT) {
    st = struct_error(p, &ev.start_mark, "a file must hold a single YAML document (got a second)");
    yaml_event_delete(&ev);
    goto out_root;
  }
  yaml_event_delete(&ev);
  return IDR_OK;
out_root:
  idr_yt_node_free(*root);
  *root = NULL;
  return st;
}

idr_status idr_yt_parse_text(const char *text, size_t len, ytparse *p, idr_ynode **root) {
  if (!yaml_parser_initialize(&p->parser))
    return idr_error_set(p->err, IDR_ERR_NOMEM, "out of memory");
  yaml_parser_set_input_string(&p->parser, (const unsigned char *)text, len);
  idr_status st = parse_stream(p, root);
  yaml_parser_delete(&p->parser);
  return st;
}

idr_status idr_ydoc_parse(const char *text, size_t len, const char *name, idr_ydoc **out,
                          idr_error *err) {
  *out = NULL;
  idr_ydoc *doc = calloc(1, sizeof *doc);
  if (!doc) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  idr_strlcpy(doc->name, name ? name : "<string>", sizeof doc->name);
  ytparse p = {.name = doc->name, .err = err};
  idr_status st = idr_yt_parse_text(text, len, &p, &doc->root);
  if (st != IDR_OK) {
    free(doc);
    return st;
  }
  *out = doc;
  return IDR_OK;
}

idr_status idr_ydoc_read_file(const char *path, idr_ydoc **out, idr_error *err) {
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) {
    char why[128];
    if (strerror_r(errno, why, sizeof why) != 0) idr_strlcpy(why, "cannot open", sizeof why);
    return idr_error_set(err, IDR_ERR_IO, "%s: cannot be read (%s)", path, why);
  }
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  idr_status st = IDR_OK;
  if (!buf) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    goto out_file;
  }
  for (;;) {
    if (len == cap) {
      char *nb = realloc(buf, 2 * cap);
      if (!nb) {
        st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
        goto out_buf;
      }
      buf = nb;
      cap *= 2;
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    st = idr_error_set(err, IDR_ERR_IO, "%s: read error", path);
    goto out_buf;
  }
  st = idr_ydoc_parse(buf, len, path, out, err);
out_buf:
  free(buf);
out_file:
  fclose(f);
  return st;
}

/* ---- messages -------------------------------------------------------------- */

static idr_status yerr_v(const idr_ydoc *doc, int line, int col, int from_set, const char *path,
                         idr_error *err, const char *fmt, va_list ap) {
  char what[768];
  vsnprintf(what, sizeof what, fmt, ap);
  if (from_set == YT_FROM_API)
    return idr_error_set(err, IDR_ERR_INPUT, "%s: set %s: %s", doc->name, path, what);
  if (from_set)
    return idr_error_set(err, IDR_ERR_INPUT, "<command line>: --set %s: %s", path, what);
  return idr_error_set(err, IDR_ERR_INPUT, "%s:%d:%d: %s%s%s", doc->name, line, col, path,
                       *path ? " " : "", what);
}

idr_status idr_yerror(const idr_ydoc *doc, const idr_ynode *n, int at_key, const char *path,
                      idr_error *err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  idr_status st = yerr_v(doc, at_key ? n->key_line : n->line, at_key ? n->key_col : n->col,
                         n->from_set, path, err, fmt, ap);
  va_end(ap);
  return st;
}

static size_t lev(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return 99;
  size_t row[64];
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = diag + cost;
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

static void join_key(char *buf, size_t size, const char *path, const char *key) {
  if (*path)
    snprintf(buf, size, "%s.%s", path, key);
  else
    snprintf(buf, size, "%s", key);
}

static void describe(const idr_ynode *n, int quote, char *buf, size_t size) {
  if (n->kind == IDR_Y_SEQ) {
    snprintf(buf, size, "a list");
  } else if (n->kind == IDR_Y_MAP) {
    snprintf(buf, size, "a mapping");
  } else if (n->plain && n->str[0] == '\0') {
    snprintf(buf, size, "an empty value");
  } else {
    char s[YT_GOT_LEN];
    idr_strlcpy(s, n->str, sizeof s);
    if (strlen(n->str) >= sizeof s) memcpy(s + sizeof s - 4, "...", 4);
    snprintf(buf, size, quote ? "'%s'" : "%s", s);
  }
}

idr_status idr_ycheck_map(const idr_ydoc *doc, const idr_ynode *n, const char *path,
                          const char *const *keys, idr_error *err) {
  char got[YT_GOT_LEN + 8];
  if (n->kind != IDR_Y_MAP) {
    describe(n, 1, got, sizeof got);
    return idr_yerror(doc, n, 0, *path ? path : "the document", err,
                      "must be a mapping of key: value (got %s)", got);
  }
  for (size_t i = 0; i < n->n; i++) {
    const idr_ynode *c = n->items[i];
    char kpath[320];
    join_key(kpath, sizeof kpath, path, c->key);
    for (size_t j = 0; j < i; j++)
      if (strcmp(n->items[j]->key, c->key) == 0)
        return idr_yerror(doc, c, 1, kpath, err,
                          "must be given only once (got a second value; first at line %d)",
                          n->items[j]->key_line);
    const char *best = NULL;
    size_t best_d = YT_MAX_SUGGEST_DIST + 1;
    int known = 0;
    for (const char *const *k = keys; *k; k++) {
      if (strcmp(*k, c->key) == 0) {
        known = 1;
        break;
      }
      size_t d = lev(*k, c->key);
      if (d < best_d) {
        best_d = d;
        best = *k;
      }
    }
    if (known) continue;
    /* A key without its unit ("thickness" for "thickness_nm") is the most
     * common slip: offer the unit-carrying key. */
    if (!best) {
      size_t kl = strlen(c->key);
      for (const char *const *k = keys; *k && !best; k++)
        if (strncmp(*k, c->key, kl) == 0 && (*k)[kl] == '_') best = *k;
    }
    if (best)
      return idr_yerror(doc, c, 1, kpath, err, "must be a known key, did you mean '%s'? (got '%s')",
                        best, c->key);
    char list[600] = "";
    size_t len = 0;
    for (const char *const *k = keys; *k && len + 64 < sizeof list; k++)
      len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", *k);
    return idr_yerror(doc, c, 1, kpath, err, "must be one of the keys %s (got '%s')", list, c->key);
  }
  return IDR_OK;
}

idr_status idr_yread_number(const idr_ydoc *doc, const idr_ynode *n, const char *path, double *out,
                            idr_error *err) {
  char got[YT_GOT_LEN + 8];
  if (n->kind == IDR_Y_SCALAR && n->plain && n->str[0]) {
    char *end = NULL;
    errno = 0;
    double v = strtod(n->str, &end);
    if (end && *end == '\0' && end != n->str) {
      if (!isfinite(v) || errno == ERANGE) {
        describe(n, 0, got, sizeof got);
        return idr_yerror(doc, n, 0, path, err, "must be a finite number (got %s)", got);
      }
      *out = v;
      return IDR_OK;
    }
  }
  describe(n, 1, got, sizeof got);
  return idr_yerror(doc, n, 0, path, err, "must be a number (got %s)", got);
}

idr_status idr_yread_string(const idr_ydoc *doc, const idr_ynode *n, const char *path, char *buf,
                            size_t size, idr_error *err) {
  char got[YT_GOT_LEN + 8];
  if (n->kind != IDR_Y_SCALAR || n->str[0] == '\0') {
    describe(n, 1, got, sizeof got);
    return idr_yerror(doc, n, 0, path, err, "must be a non-empty string (got %s)", got);
  }
  memset(buf, 0, size); /* no stale bytes after the string: decks compare bytewise */
  if (!idr_strlcpy(buf, n->str, size)) {
    describe(n, 1, got, sizeof got);
    return idr_yerror(doc, n, 0, path, err, "must be at most %zu characters long (got %s)",
                      size - 1, got);
  }
  return IDR_OK;
}

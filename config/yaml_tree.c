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

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define YT_MAX_DEPTH 64       /* deepest nesting accepted (a deck needs 4) */
#define YT_MAX_SUGGEST_DIST 2 /* farthest key still offered as "did you mean" */
#define YT_MAX_SET_SEGMENTS 16
#define YT_GOT_LEN 96
#define YT_FROM_CLI 1 /* node of a --set override */
#define YT_FROM_API 2 /* node of a typed change through the API */

struct idr_ynode {
  idr_ykind kind;
  int line, col; /* 1-based position of the value */
  int from_set;  /* created by a --set override (YT_FROM_CLI) or the API (YT_FROM_API) */
  int plain;     /* scalar written without quotes */
  char *str;     /* scalar text */
  char *key;     /* key in the parent mapping, NULL otherwise */
  int key_line, key_col;
  idr_ynode **items;
  size_t n, cap;
};

struct idr_ydoc {
  char name[512];
  idr_ynode *root;
};

/* ---- nodes --------------------------------------------------------------- */

static char *dup_n(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static void node_free(idr_ynode *n) {
  if (!n) return;
  for (size_t i = 0; i < n->n; i++)
    node_free(n->items[i]);
  free(n->items);
  free(n->str);
  free(n->key);
  free(n);
}

static idr_ynode *node_new(idr_ykind kind, int line, int col) {
  idr_ynode *n = calloc(1, sizeof *n);
  if (!n) return NULL;
  n->kind = kind;
  n->line = line;
  n->col = col;
  return n;
}

static int node_push(idr_ynode *parent, idr_ynode *child) {
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

static void node_mark_set(idr_ynode *n, int origin) {
  n->from_set = origin;
  for (size_t i = 0; i < n->n; i++)
    node_mark_set(n->items[i], origin);
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
  node_free((*doc)->root);
  free(*doc);
  *doc = NULL;
}

/* ---- parsing -------------------------------------------------------------- */

typedef struct ytparse {
  yaml_parser_t parser;
  const char *name;     /* file name for messages */
  const char *set_path; /* non-NULL while parsing a --set value */
  const char *set_text;
  const char *set_origin; /* "<command line>: --set" or "NAME: set" */
  idr_error *err;
} ytparse;

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
    n = node_new(IDR_Y_SCALAR, line, col);
    if (!n || !(n->str = dup_n((const char *)ev->data.scalar.value, ev->data.scalar.length))) {
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
    n = node_new(is_map ? IDR_Y_MAP : IDR_Y_SEQ, line, col);
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
        key = dup_n((const char *)e.data.scalar.value, e.data.scalar.length);
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
      if (!node_push(n, child)) {
        node_free(child);
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
  node_free(n);
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
  node_free(*root);
  *root = NULL;
  return st;
}

static idr_status parse_text(const char *text, size_t len, ytparse *p, idr_ynode **root) {
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
  idr_status st = parse_text(text, len, &p, &doc->root);
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

/* ---- --set overrides ------------------------------------------------------- */

typedef struct setseg {
  int is_index;
  size_t index;
  char key[IDR_NAME_LEN];
} setseg;

/* "layers[1].thickness_nm" or "layers.1.thickness_nm" -> segments and the
 * canonical spelling (used in messages). Returns the segment count, 0 on a
 * syntax error. */
static int parse_set_path(const char *s, size_t len, setseg *seg, char *canon, size_t csize) {
  int n = 0;
  size_t i = 0, cl = 0;
  canon[0] = '\0';
  while (i < len) {
    if (n == YT_MAX_SET_SEGMENTS) return 0;
    setseg *g = &seg[n];
    if (s[i] == '[') {
      if (n == 0) return 0;
      size_t j = ++i;
      while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
      if (i == j || i >= len || s[i] != ']' || i - j > 6) return 0;
      g->is_index = 1;
      g->index = (size_t)strtoul(s + j, NULL, 10);
      i++;
    } else {
      if (n > 0) {
        if (s[i] != '.') return 0;
        i++;
      }
      size_t j = i;
      while (i < len && (s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
                         (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
        i++;
      if (i == j || i - j >= IDR_NAME_LEN) return 0;
      int digits = 1;
      for (size_t k = j; k < i; k++)
        digits &= s[k] >= '0' && s[k] <= '9';
      if (digits && n > 0 && i - j <= 6) {
        g->is_index = 1;
        g->index = (size_t)strtoul(s + j, NULL, 10);
      } else if (digits) {
        return 0;
      } else {
        g->is_index = 0;
        memcpy(g->key, s + j, i - j);
        g->key[i - j] = '\0';
      }
    }
    if (g->is_index)
      cl += (size_t)snprintf(canon + cl, cl < csize ? csize - cl : 0, "[%zu]", g->index);
    else
      cl += (size_t)snprintf(canon + cl, cl < csize ? csize - cl : 0, "%s%s", n ? "." : "", g->key);
    if (cl >= csize) return 0;
    n++;
  }
  return n;
}

static const char *element_word(const char *key) {
  if (!key) return "entry";
  if (strcmp(key, "layers") == 0) return "layer";
  if (strcmp(key, "ions") == 0) return "ion";
  if (strcmp(key, "traps") == 0) return "trap";
  if (strcmp(key, "segments") == 0) return "segment";
  if (strcmp(key, "interfaces") == 0) return "interface";
  return "entry";
}

static char *trim_dup(const char *s, size_t len) {
  while (len && (*s == ' ' || *s == '\t'))
    s++, len--;
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
    len--;
  return dup_n(s, len);
}

/* Put val (owned, consumed) at the path seg[0..nseg) of doc; canon is the
 * path as written in messages, origin their prefix. */
static idr_status place(idr_ydoc *doc, const setseg *seg, int nseg, const char *canon,
                        const char *origin, int from, idr_ynode *val, idr_error *err) {
  idr_status st = IDR_OK;
  node_mark_set(val, from);
  val->line = val->col = 0;
  if (!doc->root && !(doc->root = node_new(IDR_Y_MAP, 1, 1))) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    goto out_free;
  }
  idr_ynode *cur = doc->root;
  char sofar[256] = "";
  size_t sl = 0;
  for (int i = 0; i < nseg; i++) {
    const setseg *g = &seg[i];
    int last = i == nseg - 1;
    if (g->is_index) {
      if (cur->kind != IDR_Y_SEQ) {
        st = idr_error_set(err, IDR_ERR_INPUT, "%s %s: %s must be a list", origin, canon, sofar);
        goto out_free;
      }
      if (g->index >= cur->n) {
        st = idr_error_set(err, IDR_ERR_INPUT, "%s %s: no such %s (deck has %zu)", origin, canon,
                           element_word(cur->key), cur->n);
        goto out_free;
      }
      sl += (size_t)snprintf(sofar + sl, sizeof sofar - sl, "[%zu]", g->index);
      if (last) {
        idr_ynode *old = cur->items[g->index];
        val->key = old->key, old->key = NULL;
        node_free(old);
        cur->items[g->index] = val;
        val = NULL;
      } else {
        cur = cur->items[g->index];
      }
      continue;
    }
    if (cur->kind != IDR_Y_MAP) {
      st = idr_error_set(err, IDR_ERR_INPUT, "%s %s: %s must be a mapping", origin, canon,
                         *sofar ? sofar : "the deck");
      goto out_free;
    }
    sl += (size_t)snprintf(sofar + sl, sizeof sofar - sl, "%s%s", sl ? "." : "", g->key);
    idr_ynode *child = NULL;
    size_t at = 0;
    for (; at < cur->n; at++)
      if (strcmp(cur->items[at]->key, g->key) == 0) {
        child = cur->items[at];
        break;
      }
    if (last) {
      if (!(val->key = dup_n(g->key, strlen(g->key)))) {
        st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
        goto out_free;
      }
      if (child) {
        val->key_line = child->key_line, val->key_col = child->key_col;
        node_free(child);
        cur->items[at] = val;
      } else {
        if (!node_push(cur, val)) {
          st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
          goto out_free;
        }
      }
      val = NULL;
      break;
    }
    if (!child) {
      if (seg[i + 1].is_index) {
        st = idr_error_set(err, IDR_ERR_INPUT, "%s %s: no such %s (deck has 0)", origin, canon,
                           element_word(g->key));
        goto out_free;
      }
      child = node_new(IDR_Y_MAP, 0, 0);
      if (!child || !(child->key = dup_n(g->key, strlen(g->key))) || !node_push(cur, child)) {
        node_free(child);
        st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
        goto out_free;
      }
      child->from_set = from;
    }
    cur = child;
  }
out_free:
  node_free(val);
  return st;
}

/* The value text as a node: YAML (a number, a word, a list or a mapping). */
static idr_status parse_value(const char *text, const char *canon, const char *origin,
                              idr_ynode **val, idr_error *err) {
  ytparse p = {.name = "<command line>",
               .set_path = canon,
               .set_text = text,
               .set_origin = origin,
               .err = err};
  idr_status st = parse_text(text, strlen(text), &p, val);
  if (st) return st;
  if (!*val && !(*val = node_new(IDR_Y_SCALAR, 0, 0)))
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  if (!(*val)->str && (*val)->kind == IDR_Y_SCALAR) {
    if (!((*val)->str = dup_n("", 0))) {
      node_free(*val);
      *val = NULL;
      return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    }
    (*val)->plain = 1;
  }
  return IDR_OK;
}

idr_status idr_ydoc_apply_set(idr_ydoc *doc, const char *set, idr_error *err) {
  static const char ORIGIN[] = "<command line>: --set";
  const char *eq = strchr(set, '=');
  setseg seg[YT_MAX_SET_SEGMENTS];
  char canon[256];
  char *path_txt = NULL, *val_txt = NULL;
  idr_ynode *val = NULL;
  idr_status st = IDR_OK;
  if (!eq)
    return idr_error_set(err, IDR_ERR_INPUT, "%s %s: must be of the form path.to.key=value", ORIGIN,
                         set);
  path_txt = trim_dup(set, (size_t)(eq - set));
  val_txt = trim_dup(eq + 1, strlen(eq + 1));
  if (!path_txt || !val_txt) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    goto out_free;
  }
  int nseg = parse_set_path(path_txt, strlen(path_txt), seg, canon, sizeof canon);
  if (nseg == 0) {
    st = idr_error_set(err, IDR_ERR_INPUT,
                       "%s %s: the path must be like layers[1].thickness_nm or mesh.nodes (got "
                       "'%s')",
                       ORIGIN, path_txt, path_txt);
    goto out_free;
  }
  if ((st = parse_value(val_txt, canon, ORIGIN, &val, err)) != IDR_OK) goto out_free;
  st = place(doc, seg, nseg, canon, ORIGIN, YT_FROM_CLI, val, err);
out_free:
  free(path_txt);
  free(val_txt);
  return st;
}

/* ---- typed changes (the API) ---------------------------------------------------- */

/* The path of a typed change, checked; origin "NAME: set". */
static idr_status api_path(const idr_ydoc *doc, const char *path, setseg *seg, int *nseg,
                           char *canon, size_t csize, char *origin, size_t osize, idr_error *err) {
  snprintf(origin, osize, "%s: set", doc->name);
  *nseg = parse_set_path(path, strlen(path), seg, canon, csize);
  if (*nseg == 0)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s %s: the path must be like layers[1].thickness_nm or mesh.nodes",
                         origin, path);
  return IDR_OK;
}

static idr_ynode *scalar_node(const char *text, int plain) {
  idr_ynode *n = node_new(IDR_Y_SCALAR, 0, 0);
  if (n && !(n->str = dup_n(text, strlen(text)))) {
    node_free(n);
    return NULL;
  }
  if (n) n->plain = plain;
  return n;
}

idr_status idr_ydoc_set_scalar(idr_ydoc *doc, const char *path, const char *text, int quoted,
                               idr_error *err) {
  setseg seg[YT_MAX_SET_SEGMENTS];
  char canon[256], origin[600];
  int nseg;
  idr_status st = api_path(doc, path, seg, &nseg, canon, sizeof canon, origin, sizeof origin, err);
  if (st) return st;
  idr_ynode *val = scalar_node(text, !quoted);
  if (!val) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  return place(doc, seg, nseg, canon, origin, YT_FROM_API, val, err);
}

idr_status idr_ydoc_set_scalars(idr_ydoc *doc, const char *path, const char *const *texts, size_t n,
                                idr_error *err) {
  setseg seg[YT_MAX_SET_SEGMENTS];
  char canon[256], origin[600];
  int nseg;
  idr_status st = api_path(doc, path, seg, &nseg, canon, sizeof canon, origin, sizeof origin, err);
  if (st) return st;
  idr_ynode *val = node_new(IDR_Y_SEQ, 0, 0);
  if (!val) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    idr_ynode *e = scalar_node(texts[i], 1);
    if (!e || !node_push(val, e)) {
      node_free(e);
      node_free(val);
      return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    }
  }
  return place(doc, seg, nseg, canon, origin, YT_FROM_API, val, err);
}

idr_status idr_ydoc_set_yaml(idr_ydoc *doc, const char *path, const char *yaml, idr_error *err) {
  setseg seg[YT_MAX_SET_SEGMENTS];
  char canon[256], origin[600];
  int nseg;
  idr_ynode *val = NULL;
  idr_status st = api_path(doc, path, seg, &nseg, canon, sizeof canon, origin, sizeof origin, err);
  if (!st) st = parse_value(yaml, canon, origin, &val, err);
  if (!st) st = place(doc, seg, nseg, canon, origin, YT_FROM_API, val, err);
  return st;
}

static idr_ynode *node_clone(const idr_ynode *n) {
  idr_ynode *c = node_new(n->kind, n->line, n->col);
  if (!c) return NULL;
  c->from_set = n->from_set;
  c->plain = n->plain;
  c->key_line = n->key_line;
  c->key_col = n->key_col;
  if ((n->str && !(c->str = dup_n(n->str, strlen(n->str)))) ||
      (n->key && !(c->key = dup_n(n->key, strlen(n->key))))) {
    node_free(c);
    return NULL;
  }
  for (size_t i = 0; i < n->n; i++) {
    idr_ynode *k = node_clone(n->items[i]);
    if (!k || !node_push(c, k)) {
      node_free(k);
      node_free(c);
      return NULL;
    }
  }
  return c;
}

idr_status idr_ydoc_copy(const idr_ydoc *doc, idr_ydoc **out, idr_error *err) {
  *out = calloc(1, sizeof **out);
  if (!*out) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  memcpy((*out)->name, doc->name, sizeof doc->name);
  if (doc->root && !((*out)->root = node_clone(doc->root))) {
    idr_ydoc_free(out);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  return IDR_OK;
}

const idr_ynode *idr_ydoc_lookup(const idr_ydoc *doc, const char *path) {
  setseg seg[YT_MAX_SET_SEGMENTS];
  char canon[256];
  int nseg = parse_set_path(path, strlen(path), seg, canon, sizeof canon);
  const idr_ynode *cur = nseg > 0 ? doc->root : NULL;
  for (int i = 0; cur && i < nseg; i++)
    cur = seg[i].is_index ? (cur->kind == IDR_Y_SEQ ? idr_ynode_at(cur, seg[i].index) : NULL)
                          : idr_ynode_get(cur, seg[i].key);
  return cur;
}

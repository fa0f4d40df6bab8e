/*
 * iondrift config: changes to a parsed deck. The --set override
 * ("layers[1].thickness_nm=400", its value YAML) applied on the tree, and the
 * API's typed changes (a number written exactly, a string, a list), both
 * marked with where they came from so that messages name it; copies of a
 * tree and the lookup of a value by its path.
 */
#define _POSIX_C_SOURCE 200809L
#include "idr_config.h"
#include "yaml_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YT_MAX_SET_SEGMENTS 16

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
  return idr_yt_dup_n(s, len);
}

/* Put val (owned, consumed) at the path seg[0..nseg) of doc; canon is the
 * path as written in messages, origin their prefix. */
static idr_status place(idr_ydoc *doc, const setseg *seg, int nseg, const char *canon,
                        const char *origin, int from, idr_ynode *val, idr_error *err) {
  idr_status st = IDR_OK;
  idr_yt_node_mark_set(val, from);
  val->line = val->col = 0;
  if (!doc->root && !(doc->root = idr_yt_node_new(IDR_Y_MAP, 1, 1))) {
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
        idr_yt_node_free(old);
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
      if (!(val->key = idr_yt_dup_n(g->key, strlen(g->key)))) {
        st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
        goto out_free;
      }
      if (child) {
        val->key_line = child->key_line, val->key_col = child->key_col;
        idr_yt_node_free(child);
        cur->items[at] = val;
      } else {
        if (!idr_yt_node_push(cur, val)) {
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
      child = idr_yt_node_new(IDR_Y_MAP, 0, 0);
      if (!child || !(child->key = idr_yt_dup_n(g->key, strlen(g->key))) ||
          !idr_yt_node_push(cur, child)) {
        idr_yt_node_free(child);
        st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
        goto out_free;
      }
      child->from_set = from;
    }
    cur = child;
  }
out_free:
  idr_yt_node_free(val);
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
  idr_status st = idr_yt_parse_text(text, strlen(text), &p, val);
  if (st) return st;
  if (!*val && !(*val = idr_yt_node_new(IDR_Y_SCALAR, 0, 0)))
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  if (!(*val)->str && (*val)->kind == IDR_Y_SCALAR) {
    if (!((*val)->str = idr_yt_dup_n("", 0))) {
      idr_yt_node_free(*val);
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
  idr_ynode *n = idr_yt_node_new(IDR_Y_SCALAR, 0, 0);
  if (n && !(n->str = idr_yt_dup_n(text, strlen(text)))) {
    idr_yt_node_free(n);
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
  idr_ynode *val = idr_yt_node_new(IDR_Y_SEQ, 0, 0);
  if (!val) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    idr_ynode *e = scalar_node(texts[i], 1);
    if (!e || !idr_yt_node_push(val, e)) {
      idr_yt_node_free(e);
      idr_yt_node_free(val);
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
  idr_ynode *c = idr_yt_node_new(n->kind, n->line, n->col);
  if (!c) return NULL;
  c->from_set = n->from_set;
  c->plain = n->plain;
  c->key_line = n->key_line;
  c->key_col = n->key_col;
  if ((n->str && !(c->str = idr_yt_dup_n(n->str, strlen(n->str)))) ||
      (n->key && !(c->key = idr_yt_dup_n(n->key, strlen(n->key))))) {
    idr_yt_node_free(c);
    return NULL;
  }
  for (size_t i = 0; i < n->n; i++) {
    idr_ynode *k = node_clone(n->items[i]);
    if (!k || !idr_yt_node_push(c, k)) {
      idr_yt_node_free(k);
      idr_yt_node_free(c);
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

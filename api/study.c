/*
 * iondrift api: studies. A study keeps its deck twice: the YAML document
 * tree as loaded (with the load's --set overrides) and the checked deck
 * converted from it. A typed change edits a copy of the tree and converts it
 * again with the deck reader (config/deck.c): the same checks, the same
 * messages, no re-parsing of YAML text and no reading of material files
 * after the first conversion (the study caches what it resolved). The run
 * is protocols/run.c.
 */
#include "iondrift.h"

#include "api_internal.h"
#include "idr_materials.h"
#include "idr_protocols.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- material and composition cache (one per study) --------------------- */

typedef struct mat_entry {
  char name[IDR_NAME_LEN];
  idr_material m;
  unsigned given;
} mat_entry;

typedef struct comp_entry {
  char family[IDR_NAME_LEN];
  idr_composition_table *t;
} comp_entry;

typedef struct resolver_cache {
  idr_material_dir md; /* NULL dir: $IONDRIFT_MATERIALS or the installed data */
  mat_entry *mats;
  size_t n_mats, cap_mats;
  comp_entry *comps;
  size_t n_comps, cap_comps;
} resolver_cache;

static void cache_clear(resolver_cache *c) {
  for (size_t i = 0; i < c->n_comps; i++)
    idr_composition_table_free(&c->comps[i].t);
  free(c->mats);
  free(c->comps);
  memset(c, 0, sizeof *c);
}

static idr_status cache_material(void *user, const char *name, idr_material *mat, unsigned *given,
                                 idr_error *err) {
  resolver_cache *c = user;
  for (size_t i = 0; i < c->n_mats; i++)
    if (strcmp(c->mats[i].name, name) == 0) {
      *mat = c->mats[i].m;
      *given = c->mats[i].given;
      return IDR_OK;
    }
  idr_status st = idr_material_resolve(&c->md, name, mat, given, err);
  if (st) return st;
  if (c->n_mats == c->cap_mats) {
    size_t cap = c->cap_mats ? 2 * c->cap_mats : 8;
    mat_entry *m = realloc(c->mats, cap * sizeof *m);
    if (!m) return IDR_OK; /* not cached: still resolved */
    c->mats = m;
    c->cap_mats = cap;
  }
  mat_entry *e = &c->mats[c->n_mats++];
  idr_strlcpy(e->name, name, sizeof e->name);
  e->m = *mat;
  e->given = *given;
  return IDR_OK;
}

static idr_status cache_composition(void *user, const char *family, double x, idr_composition *out,
                                    idr_error *err) {
  resolver_cache *c = user;
  for (size_t i = 0; i < c->n_comps; i++)
    if (strcmp(c->comps[i].family, family) == 0)
      return idr_composition_table_eval(c->comps[i].t, x, out, err);
  /* the first use: the resolver's own checks and messages, then the table */
  idr_status st = idr_composition_resolve(&c->md, family, x, out, err);
  if (st != IDR_OK && st != IDR_ERR_RANGE) return st;
  idr_composition_table *t = NULL;
  idr_error sub;
  if (idr_composition_table_load(family, c->md.dir, &t, &sub) != IDR_OK) return st;
  if (c->n_comps == c->cap_comps) {
    size_t cap = c->cap_comps ? 2 * c->cap_comps : 4;
    comp_entry *m = realloc(c->comps, cap * sizeof *m);
    if (!m) {
      idr_composition_table_free(&t);
      return st;
    }
    c->comps = m;
    c->cap_comps = cap;
  }
  comp_entry *e = &c->comps[c->n_comps++];
  idr_strlcpy(e->family, family, sizeof e->family);
  e->t = t;
  return st;
}

/* ---- the study ---------------------------------------------------------------- */

struct idr_study {
  idr_ydoc *doc; /* the deck's tree, as loaded and changed */
  idr_deck deck; /* converted from doc */
  resolver_cache rc;
};

static idr_deck_resolver resolver_of(idr_study *s) {
  idr_deck_resolver r = {cache_material, cache_composition, &s->rc, idr_protocol_keys_table()};
  return r;
}

void idr_study_free(idr_study **s) {
  if (!s || !*s) return;
  idr_ydoc_free(&(*s)->doc);
  idr_deck_free(&(*s)->deck);
  cache_clear(&(*s)->rc);
  free(*s);
  *s = NULL;
}

/* Convert doc (owned from here on) into a new study. */
static idr_status study_from_doc(idr_ydoc *doc, const char *const *sets, int n_sets,
                                 idr_study **out, idr_error *err) {
  idr_study *s = calloc(1, sizeof *s);
  if (!s) {
    idr_ydoc_free(&doc);
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  }
  s->doc = doc;
  idr_deck_resolver r = resolver_of(s);
  idr_status st = idr_deck_from_ydoc(s->doc, sets, n_sets, &r, &s->deck, err);
  if (st) {
    idr_study_free(&s);
    return st;
  }
  *out = s;
  return IDR_OK;
}

idr_status idr_study_load(const char *path, const char *const *sets, int n_sets, idr_study **out,
                          idr_error *err) {
  idr_api_init();
  *out = NULL;
  idr_ydoc *doc = NULL;
  idr_status st = idr_ydoc_read_file(path, &doc, err);
  if (st) return st;
  return study_from_doc(doc, sets, n_sets, out, err);
}

idr_status idr_study_load_string(const char *yaml, const char *name, const char *const *sets,
                                 int n_sets, idr_study **out, idr_error *err) {
  idr_api_init();
  *out = NULL;
  idr_ydoc *doc = NULL;
  idr_status st = idr_ydoc_parse(yaml, strlen(yaml), name ? name : "<string>", &doc, err);
  if (st) return st;
  return study_from_doc(doc, sets, n_sets, out, err);
}

idr_status idr_study_copy(const idr_study *s, idr_study **out, idr_error *err) {
  *out = NULL;
  idr_study *c = calloc(1, sizeof *c);
  if (!c) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  idr_status st = idr_ydoc_copy(s->doc, &c->doc, err);
  if (st) {
    free(c);
    return st;
  }
  c->deck = s->deck;
  c->deck.resolved_yaml = NULL;
  if (s->deck.resolved_yaml) {
    size_t n = strlen(s->deck.resolved_yaml) + 1;
    if (!(c->deck.resolved_yaml = malloc(n))) {
      idr_study_free(&c);
      return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    }
    memcpy(c->deck.resolved_yaml, s->deck.resolved_yaml, n);
  }
  c->rc.md = s->rc.md;
  *out = c;
  return IDR_OK;
}

/* ---- typed changes ------------------------------------------------------------- */

typedef idr_status (*edit_fn)(idr_ydoc *doc, const void *arg, idr_error *err);

/* Apply edit to a copy of the tree, convert it, keep both on success. */
static idr_status change(idr_study *s, edit_fn edit, const void *arg, idr_error *err) {
  idr_ydoc *doc = NULL;
  idr_deck d;
  idr_status st = idr_ydoc_copy(s->doc, &doc, err);
  if (st) return st;
  st = edit(doc, arg, err);
  if (!st) {
    idr_deck_resolver r = resolver_of(s);
    st = idr_deck_from_ydoc(doc, NULL, 0, &r, &d, err);
  }
  if (st) {
    idr_ydoc_free(&doc);
    return st;
  }
  idr_ydoc_free(&s->doc);
  idr_deck_free(&s->deck);
  s->doc = doc;
  s->deck = d;
  return IDR_OK;
}

typedef struct scalar_arg {
  const char *path, *text;
  int quoted;
} scalar_arg;

static idr_status edit_scalar(idr_ydoc *doc, const void *arg, idr_error *err) {
  const scalar_arg *a = arg;
  return idr_ydoc_set_scalar(doc, a->path, a->text, a->quoted, err);
}

typedef struct list_arg {
  const char *path;
  const char *const *texts;
  size_t n;
} list_arg;

static idr_status edit_list(idr_ydoc *doc, const void *arg, idr_error *err) {
  const list_arg *a = arg;
  return idr_ydoc_set_scalars(doc, a->path, a->texts, a->n, err);
}

static idr_status edit_yaml(idr_ydoc *doc, const void *arg, idr_error *err) {
  const scalar_arg *a = arg;
  return idr_ydoc_set_yaml(doc, a->path, a->text, err);
}

/* A double as a YAML scalar: the shortest text that reads back exactly;
 * non-finite values as the reader's own words for them (and refused). */
static const char *number_text(double v, char buf[32]) {
  if (isnan(v)) return ".nan";
  if (isinf(v)) return v > 0 ? ".inf" : "-.inf";
  return idr_yout_fmt(v, buf);
}

idr_status idr_study_set_double(idr_study *s, const char *path, double v, idr_error *err) {
  char t[32];
  scalar_arg a = {path, number_text(v, t), 0};
  return change(s, edit_scalar, &a, err);
}

idr_status idr_study_set_int(idr_study *s, const char *path, long v, idr_error *err) {
  char t[32];
  snprintf(t, sizeof t, "%ld", v);
  scalar_arg a = {path, t, 0};
  return change(s, edit_scalar, &a, err);
}

idr_status idr_study_set_string(idr_study *s, const char *path, const char *v, idr_error *err) {
  scalar_arg a = {path, v, 1};
  return change(s, edit_scalar, &a, err);
}

idr_status idr_study_set_doubles(idr_study *s, const char *path, const double *v, size_t n,
                                 idr_error *err) {
  char(*t)[32] = calloc(n ? n : 1, sizeof *t);
  const char **texts = calloc(n ? n : 1, sizeof *texts);
  idr_status st;
  if (!t || !texts) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  } else {
    for (size_t i = 0; i < n; i++)
      texts[i] = number_text(v[i], t[i]);
    list_arg a = {path, texts, n};
    st = change(s, edit_list, &a, err);
  }
  free(t);
  free(texts);
  return st;
}

typedef struct values_arg {
  const idr_value *v;
  size_t n;
} values_arg;

static idr_status edit_values(idr_ydoc *doc, const void *arg, idr_error *err) {
  const values_arg *a = arg;
  idr_status st = IDR_OK;
  for (size_t i = 0; !st && i < a->n; i++) {
    char t[32];
    const idr_value *v = &a->v[i];
    st = idr_ydoc_set_scalar(doc, v->path, v->text ? v->text : number_text(v->number, t),
                             v->text != NULL, err);
  }
  return st;
}

idr_status idr_study_set_values(idr_study *s, const idr_value *v, size_t n, idr_error *err) {
  values_arg a = {v, n};
  return change(s, edit_values, &a, err);
}

idr_status idr_study_set_yaml(idr_study *s, const char *path, const char *yaml, idr_error *err) {
  scalar_arg a = {path, yaml, 0};
  return change(s, edit_yaml, &a, err);
}

/* ---- reading the deck ------------------------------------------------------------ */

/* The node at path in the resolved deck, else in the deck as written; the
 * resolved tree is parsed into *tmp (the caller frees it), *doc is the tree
 * the node belongs to. */
static const idr_ynode *lookup(const idr_study *s, const char *path, idr_ydoc **tmp,
                               const idr_ydoc **doc, idr_error *err) {
  *tmp = NULL;
  const idr_ynode *n = NULL;
  if (s->deck.resolved_yaml &&
      idr_ydoc_parse(s->deck.resolved_yaml, strlen(s->deck.resolved_yaml), s->deck.path, tmp,
                     err) == IDR_OK &&
      (n = idr_ydoc_lookup(*tmp, path)) != NULL)
    *doc = *tmp;
  else if ((n = idr_ydoc_lookup(s->doc, path)) != NULL)
    *doc = s->doc;
  else
    idr_error_set(err, IDR_ERR_INPUT, "%s: no value at '%s'", s->deck.path, path);
  return n;
}

idr_status idr_study_get_double(const idr_study *s, const char *path, double *v, idr_error *err) {
  idr_ydoc *tmp = NULL;
  const idr_ydoc *doc = NULL;
  const idr_ynode *n = lookup(s, path, &tmp, &doc, err);
  idr_status st = n ? idr_yread_number(doc, n, path, v, err) : IDR_ERR_INPUT;
  idr_ydoc_free(&tmp);
  return st;
}

idr_status idr_study_get_string(const idr_study *s, const char *path, char *buf, size_t size,
                                idr_error *err) {
  idr_ydoc *tmp = NULL;
  const idr_ydoc *doc = NULL;
  const idr_ynode *n = lookup(s, path, &tmp, &doc, err);
  idr_status st = IDR_ERR_INPUT;
  if (n && !idr_ynode_scalar(n))
    idr_error_set(err, IDR_ERR_INPUT, "%s: %s is not a single value", s->deck.path, path);
  else if (n && !idr_strlcpy(buf, idr_ynode_scalar(n), size))
    st = idr_error_set(err, IDR_ERR_RANGE, "%s: %s does not fit %zu bytes", s->deck.path, path,
                       size);
  else if (n)
    st = IDR_OK;
  idr_ydoc_free(&tmp);
  return st;
}

idr_status idr_study_get_count(const idr_study *s, const char *path, size_t *count,
                               idr_error *err) {
  idr_ydoc *tmp = NULL;
  const idr_ydoc *doc = NULL;
  const idr_ynode *n = lookup(s, path, &tmp, &doc, err);
  idr_status st = IDR_ERR_INPUT;
  if (n && idr_ynode_kind(n) != IDR_Y_SEQ) {
    idr_error_set(err, IDR_ERR_INPUT, "%s: %s is not a list", s->deck.path, path);
  } else if (n) {
    *count = idr_ynode_len(n);
    st = IDR_OK;
  }
  idr_ydoc_free(&tmp);
  return st;
}

const char *idr_study_name(const idr_study *s) {
  return s->deck.path;
}
const char *idr_study_title(const idr_study *s) {
  return s->deck.title;
}
const char *idr_study_protocol(const idr_study *s) {
  return idr_protocol_name(&s->deck.protocol);
}
const char *idr_study_deck_yaml(const idr_study *s) {
  return s->deck.resolved_yaml ? s->deck.resolved_yaml : "";
}

const idr_deck *idr_api_study_deck(const idr_study *s) {
  return &s->deck;
}

idr_status idr_study_output_paths(const idr_study *s, const char *h5_override, char *h5, char *csv,
                                  size_t size, idr_error *err) {
  const char *src = h5_override ? h5_override : s->deck.output.h5_path;
  if (!idr_strlcpy(h5, src, size))
    return idr_error_set(err, IDR_ERR_INPUT, "%s: path too long", src);
  return idr_run_csv_path(&s->deck, h5_override, csv, size, err);
}

/* ---- run ---------------------------------------------------------------------------- */

typedef struct run_arg {
  const idr_study *s;
  int threads;
  idr_rset *rs;
} run_arg;

static idr_status run_study(void *arg, idr_progress_cb report, void *report_user, idr_error *err) {
  run_arg *a = arg;
  idr_run_options o = {a->threads, report, report_user};
  return idr_run_deck(&a->s->deck, &o, &a->rs, err);
}

idr_status idr_study_run(const idr_study *s, int threads, idr_progress_cb progress, void *user,
                         idr_result **out, idr_error *err) {
  *out = NULL;
  run_arg a = {s, threads, NULL};
  idr_status st = idr_api_run_reporting(run_study, &a, progress, user, err);
  if (st) return st;
  return idr_api_result_wrap(a.rs, &s->deck, out, err);
}

/*
 * iondrift sweep: the sweep spec (YAML, docs/sweep.md) read and checked like
 * a deck: unknown keys with a suggestion, every value with its rule and its
 * file:line:col. The base study is the deck named by `deck:` (relative to
 * the spec's directory) with the `protocol:` override and the `set:`
 * changes applied through the API's setter, in that order.
 *
 *   title: "..."                       optional
 *   deck: ../examples/fapbi3_pin.yaml  required
 *   protocol: {type: tid, ...}         optional: replaces the deck's protocol
 *   set: {mesh.nodes: 200}             optional: fixed changes by deck path
 *   design: grid | zip | {type: sobol|niederreiter|halton|reversehalton, points: N}
 *   axes: [...]                        required (design.c reads them)
 *   outputs: [Ea_extracted_eV, ...]    required (outputs.c knows the names)
 *   curves: false                      optional
 */
#include "sweep_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const TOP_KEYS[] = {"title", "deck",    "protocol", "set", "design",
                                       "axes",  "outputs", "curves",   NULL};

/* ---- YAML text of a node (flow style) ------------------------------------------- */

static int plain_safe(const char *s) {
  if (!*s) return 0;
  for (const char *c = s; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
          strchr("_.+-", *c)))
      return 0;
  return 1;
}

static void node_yaml(sw_buf *b, const idr_ynode *n) {
  switch (idr_ynode_kind(n)) {
  case IDR_Y_SCALAR: {
    const char *s = idr_ynode_scalar(n);
    if (plain_safe(s)) {
      idr_sw_buf_printf(b, "%s", s);
      break;
    }
    idr_sw_buf_printf(b, "\"");
    for (const char *c = s; *c; c++) {
      if (*c == '"' || *c == '\\')
        idr_sw_buf_printf(b, "\\%c", *c);
      else if (*c == '\n')
        idr_sw_buf_printf(b, "\\n");
      else
        idr_sw_buf_printf(b, "%c", *c);
    }
    idr_sw_buf_printf(b, "\"");
    break;
  }
  case IDR_Y_SEQ:
    idr_sw_buf_printf(b, "[");
    for (size_t i = 0; i < idr_ynode_len(n); i++) {
      if (i) idr_sw_buf_printf(b, ", ");
      node_yaml(b, idr_ynode_at(n, i));
    }
    idr_sw_buf_printf(b, "]");
    break;
  case IDR_Y_MAP:
    idr_sw_buf_printf(b, "{");
    for (size_t i = 0; i < idr_ynode_len(n); i++) {
      const idr_ynode *c = idr_ynode_at(n, i);
      idr_sw_buf_printf(b, "%s%s: ", i ? ", " : "", idr_ynode_key(c));
      node_yaml(b, c);
    }
    idr_sw_buf_printf(b, "}");
    break;
  }
}

char *idr_sw_node_yaml(const idr_ynode *n) {
  sw_buf b = {0};
  node_yaml(&b, n);
  if (b.oom) {
    idr_sw_buf_free(&b);
    return NULL;
  }
  return b.s;
}

/* ---- the base study --------------------------------------------------------------- */

int idr_sw_path_of(const char *spec, const char *deck, char *buf, size_t size) {
  const char *slash = strrchr(spec, '/');
  int n = deck[0] == '/' || !slash
              ? snprintf(buf, size, "%s", deck)
              : snprintf(buf, size, "%.*s/%s", (int)(slash - spec), spec, deck);
  return n >= 0 && (size_t)n < size;
}

/* Apply one change (YAML text of node v) to the base; errors located at v. */
static idr_status apply_yaml(idr_study *base, const idr_ydoc *doc, const idr_ynode *v,
                             const char *path, const char *what, idr_error *err) {
  char *text = idr_sw_node_yaml(v);
  if (!text) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  idr_error sub;
  idr_error_clear(&sub);
  idr_status st = idr_study_set_yaml(base, path, text, &sub);
  free(text);
  if (st == IDR_ERR_NOMEM) return idr_error_set(err, st, "%s", sub.msg);
  if (st) return idr_yerror(doc, v, 0, what, err, "cannot be applied to the deck: %s", sub.msg);
  return IDR_OK;
}

idr_status idr_sw_read_base(const char *spec_path, const idr_ydoc *doc, const idr_ynode *root,
                            char *written, size_t wsize, char *deck_path, size_t psize,
                            idr_study **base, idr_error *err) {
  const idr_ynode *n = idr_ynode_get(root, "deck");
  if (!n) return idr_yerror(doc, root, 0, "", err, "deck: is required (the base deck's file)");
  idr_status st = idr_yread_string(doc, n, "deck", written, wsize, err);
  if (st) return st;
  if (!idr_sw_path_of(spec_path, written, deck_path, psize))
    return idr_yerror(doc, n, 0, "deck", err, "makes a path too long");
  idr_error sub;
  idr_error_clear(&sub);
  st = idr_study_load(deck_path, NULL, 0, base, &sub);
  if (st == IDR_ERR_IO)
    return idr_yerror(doc, n, 0, "deck", err, "must name a readable deck file: %s", sub.msg);
  if (st) return idr_error_set(err, st, "%s (the deck of %s)", sub.msg, spec_path);
  if ((n = idr_ynode_get(root, "protocol"))) {
    if (idr_ynode_kind(n) != IDR_Y_MAP)
      return idr_yerror(doc, n, 0, "protocol", err, "must be a mapping like {type: tid} (got %s)",
                        idr_read_got(n));
    if ((st = apply_yaml(*base, doc, n, "protocol", "protocol", err))) return st;
  }
  if ((n = idr_ynode_get(root, "set"))) {
    if (idr_ynode_kind(n) != IDR_Y_MAP)
      return idr_yerror(doc, n, 0, "set", err,
                        "must be a mapping of deck path: value like {mesh.nodes: 200} (got %s)",
                        idr_read_got(n));
    for (size_t i = 0; i < idr_ynode_len(n); i++) {
      const idr_ynode *c = idr_ynode_at(n, i);
      char what[SW_KEY_LEN + 8];
      snprintf(what, sizeof what, "set.%s", idr_ynode_key(c));
      if ((st = apply_yaml(*base, doc, c, idr_ynode_key(c), what, err))) return st;
    }
  }
  return IDR_OK;
}

/* ---- outputs and the rest ------------------------------------------------------------- */

static idr_status read_outputs(idr_sweep *sw, const idr_ydoc *doc, const idr_ynode *root,
                               idr_error *err) {
  const idr_ynode *n = idr_ynode_get(root, "outputs");
  if (!n || idr_ynode_kind(n) != IDR_Y_SEQ || idr_ynode_len(n) < 1)
    return idr_yerror(doc, n ? n : root, 0, "outputs", err,
                      "must be a list of 1 or more output names like [Ea_extracted_eV, "
                      "N_extracted_cm3] (got %s)",
                      n ? idr_read_got(n) : "nothing");
  sw->n_outs = idr_ynode_len(n);
  if (!(sw->outs = calloc(sw->n_outs, sizeof *sw->outs)))
    return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t j = 0; j < sw->n_outs; j++) {
    const idr_ynode *e = idr_ynode_at(n, j);
    sw_output *o = &sw->outs[j];
    char p[64];
    snprintf(p, sizeof p, "outputs[%zu]", j);
    idr_status st = idr_yread_string(doc, e, p, o->name, sizeof o->name, err);
    if (st) return st;
    const char *why = idr_sw_output_parse(o->name, o);
    if (why)
      return idr_yerror(doc, e, 0, p, err, "%s (got '%s'). The outputs are: %s", why, o->name,
                        idr_sw_output_help());
    o->line = idr_ynode_line(e);
    o->col = idr_ynode_col(e);
    for (size_t i = 0; i < j; i++)
      if (strcmp(sw->outs[i].name, o->name) == 0)
        return idr_yerror(doc, e, 0, p, err, "must differ from the other outputs (got '%s' twice)",
                          o->name);
    idr_error sub;
    idr_error_clear(&sub);
    if (idr_sw_output_check(o, sw->base, &sub))
      return idr_yerror(doc, e, 0, p, err, "'%s' is not available: %s", o->name, sub.msg);
  }
  return IDR_OK;
}

static idr_status read_misc(idr_sweep *sw, const idr_ydoc *doc, const idr_ynode *root,
                            idr_error *err) {
  const idr_ynode *n = idr_ynode_get(root, "curves");
  if (n) {
    const char *s = idr_ynode_scalar(n);
    if (s && strcmp(s, "true") == 0)
      sw->curves = 1;
    else if (!s || strcmp(s, "false") != 0)
      return idr_yerror(doc, n, 0, "curves", err, "must be true or false (got %s)",
                        idr_read_got(n));
  }
  if ((n = idr_ynode_get(root, "title")))
    return idr_yread_string(doc, n, "title", sw->title, sizeof sw->title, err);
  return IDR_OK;
}

/* ---- the sweep -------------------------------------------------------------------------- */

void idr_sweep_free(idr_sweep **sw) {
  if (!sw || !*sw) return;
  idr_sweep *s = *sw;
  idr_study_free(&s->base);
  for (size_t k = 0; k < s->n_axes; k++) {
    free(s->axes[k].num);
    if (s->axes[k].text)
      for (size_t i = 0; i < s->axes[k].n; i++)
        free(s->axes[k].text[i]);
    free(s->axes[k].text);
  }
  free(s->axes);
  free(s->group_size);
  free(s->qvals);
  free(s->outs);
  free(s->resolved);
  free(s);
  *sw = NULL;
}

idr_status idr_sw_read_spec(const char *path, idr_ydoc **doc, idr_error *err) {
  idr_status st = idr_ydoc_read_file(path, doc, err);
  if (st == IDR_ERR_INPUT && strstr(err->msg, "flow mapping"))
    idr_error_context(err, "a deck path with an index inside {...} needs quotes, "
                           "{path: \"ions[0].Ea_eV\"}, or dots, {path: ions.0.Ea_eV}");
  return st;
}

idr_status idr_sweep_load(const char *spec_path, idr_sweep **out, idr_error *err) {
  *out = NULL;
  idr_sweep *sw = calloc(1, sizeof *sw);
  if (!sw) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  idr_ydoc *doc = NULL;
  idr_status st = IDR_OK;
  if (!idr_strlcpy(sw->spec_path, spec_path, sizeof sw->spec_path)) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: path too long", spec_path);
    goto out_fail;
  }
  if ((st = idr_sw_read_spec(spec_path, &doc, err))) goto out_fail;
  const idr_ynode *root = idr_ydoc_root(doc);
  if (!root) {
    st = idr_error_set(err, IDR_ERR_INPUT, "%s: empty sweep spec (deck, axes and outputs needed)",
                       spec_path);
    goto out_fail;
  }
  if ((st = idr_ycheck_map(doc, root, "", TOP_KEYS, err))) goto out_fail;
  if ((st = read_misc(sw, doc, root, err))) goto out_fail;
  if ((st = idr_sw_read_base(sw->spec_path, doc, root, sw->deck_written, sizeof sw->deck_written,
                             sw->deck_path, sizeof sw->deck_path, &sw->base, err)))
    goto out_fail;
  if ((st = idr_sw_read_design(sw, doc, root, err))) goto out_fail;
  if ((st = read_outputs(sw, doc, root, err))) goto out_fail;
  if ((st = idr_sw_resolve(sw, err))) goto out_fail;
  idr_ydoc_free(&doc);
  *out = sw;
  return IDR_OK;
out_fail:
  idr_ydoc_free(&doc);
  idr_sweep_free(&sw);
  return st;
}

/* ---- accessors ---------------------------------------------------------------------------- */

size_t idr_sweep_n_points(const idr_sweep *sw) {
  return sw->n_points;
}
size_t idr_sweep_n_axes(const idr_sweep *sw) {
  return sw->n_axes;
}
const char *idr_sweep_axis_path(const idr_sweep *sw, size_t k) {
  return k < sw->n_axes ? sw->axes[k].path : NULL;
}
size_t idr_sweep_n_outputs(const idr_sweep *sw) {
  return sw->n_outs;
}
const char *idr_sweep_output_name(const idr_sweep *sw, size_t j) {
  return j < sw->n_outs ? sw->outs[j].name : NULL;
}
const char *idr_sweep_output_units(const idr_sweep *sw, size_t j) {
  return j < sw->n_outs ? sw->outs[j].units : NULL;
}
const char *idr_sweep_design_name(const idr_sweep *sw) {
  return sw->design_name;
}
const char *idr_sweep_protocol(const idr_sweep *sw) {
  return idr_study_protocol(sw->base);
}
const char *idr_sweep_resolved(const idr_sweep *sw) {
  return sw->resolved;
}
uint64_t idr_sweep_fingerprint(const idr_sweep *sw) {
  return sw->fp;
}

/*
 * iondrift materials: shared pieces of the data-file loaders (see mat_file.h).
 */
#include "mat_file.h"

#include <stdio.h>
#include <string.h>

int idr_mat_valid_name(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n >= IDR_NAME_LEN || s[0] == '.') return 0;
  for (; *s; s++) {
    char c = *s;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '.' || c == '+' || c == '-'))
      return 0;
  }
  return 1;
}

idr_status idr_mat_read_head(const idr_ydoc *doc, const char *path, const char *empty_msg,
                             const char *const *keys, const char *name_key, const char *want,
                             char *got, size_t got_size, size_t desc_size, const idr_ynode **root,
                             idr_error *err) {
  char desc[IDR_MAT_DESC_MAX];
  idr_status st;
  const idr_ynode *r = idr_ydoc_root(doc);
  *root = r;
  if (!r)
    return idr_error_set(err, IDR_ERR_INPUT, "%s:1:1: %s (got an empty file)", path, empty_msg);
  if ((st = idr_ycheck_map(doc, r, "", keys, err)) != IDR_OK) return st;
  const idr_ynode *n = idr_ynode_get(r, name_key);
  if (!n) return idr_yerror(doc, r, 0, name_key, err, "must be given (got nothing)");
  if ((st = idr_yread_string(doc, n, name_key, got, got_size, err)) != IDR_OK) return st;
  if (want && strcmp(got, want) != 0)
    return idr_yerror(doc, n, 0, name_key, err, "must be '%s', the file's name (got '%s')", want,
                      got);
  const idr_ynode *dn = idr_ynode_get(r, "description");
  if (desc_size > sizeof desc) desc_size = sizeof desc;
  if (dn && (st = idr_yread_string(doc, dn, "description", desc, desc_size, err)) != IDR_OK)
    return st;
  return IDR_OK;
}

idr_status idr_mat_read_entry(const idr_ydoc *doc, const idr_ynode *e, const char *path,
                              idr_mat_rule_fn *rule, int k, const char *source_example, double *out,
                              idr_error *err) {
  static const char *const ENTRY_KEYS[] = {"value", "source", NULL};
  char p[192], source[512];
  if (idr_ycheck_map(doc, e, path, ENTRY_KEYS, err) != IDR_OK) return IDR_ERR_INPUT;
  const idr_ynode *v = idr_ynode_get(e, "value"), *s = idr_ynode_get(e, "source");
  snprintf(p, sizeof p, "%s.value", path);
  if (!v) return idr_yerror(doc, e, 0, p, err, "must be given (got nothing)");
  double x;
  if (idr_yread_number(doc, v, p, &x, err) != IDR_OK) return IDR_ERR_INPUT;
  const char *r = rule(k, x);
  if (r) return idr_yerror(doc, v, 0, p, err, "%s (got %s)", r, idr_ynode_scalar(v));
  snprintf(p, sizeof p, "%s.source", path);
  if (!s)
    return idr_yerror(doc, e, 0, p, err,
                      "must be given: every number needs its provenance, e.g. \"%s: ...\" or "
                      "\"illustrative: ...\" (got nothing)",
                      source_example);
  if (idr_yread_string(doc, s, p, source, sizeof source, err) != IDR_OK) return IDR_ERR_INPUT;
  *out = x;
  return IDR_OK;
}

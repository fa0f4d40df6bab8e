/*
 * iondrift materials: loader of material data files (see idr_materials.h).
 * Every number must carry a provenance (`source`), every key its unit, and
 * every value is range-checked with the same rules as inline deck values.
 */
#include "idr_materials.h"

#include <stdlib.h>
#include <string.h>

#ifndef IDR_MATERIALS_DIR
#define IDR_MATERIALS_DIR "materials/data"
#endif

#define MAT_PATH_LEN 1024

const char *idr_materials_dir(const char *dir) {
  if (dir && dir[0]) return dir;
  const char *env = getenv(IDR_MATERIALS_ENV);
  if (env && env[0]) return env;
  return IDR_MATERIALS_DIR;
}

static int valid_name(const char *s) {
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

static void stem_of(const char *path, char *buf, size_t size) {
  const char *base = strrchr(path, '/');
  idr_strlcpy(buf, base ? base + 1 : path, size);
  char *dot = strrchr(buf, '.');
  if (dot && dot != buf) *dot = '\0';
}

static idr_status load_params(const idr_ydoc *doc, const idr_ynode *params, idr_material *mat,
                              unsigned *given, idr_error *err) {
  static const char *const ENTRY_KEYS[] = {"value", "source", NULL};
  const char *keys[IDR_MATP_COUNT + 1];
  for (int i = 0; i < IDR_MATP_COUNT; i++)
    keys[i] = idr_material_param_key(i);
  keys[IDR_MATP_COUNT] = NULL;
  if (idr_ycheck_map(doc, params, "parameters", keys, err) != IDR_OK) return IDR_ERR_INPUT;
  for (int i = 0; i < IDR_MATP_COUNT; i++) {
    char path[160], p[192], source[512];
    const idr_ynode *e = idr_ynode_get(params, keys[i]);
    if (!e) continue;
    snprintf(path, sizeof path, "parameters.%s", keys[i]);
    if (idr_ycheck_map(doc, e, path, ENTRY_KEYS, err) != IDR_OK) return IDR_ERR_INPUT;
    const idr_ynode *v = idr_ynode_get(e, "value"), *s = idr_ynode_get(e, "source");
    snprintf(p, sizeof p, "%s.value", path);
    if (!v) return idr_yerror(doc, e, 0, p, err, "must be given (got nothing)");
    double x;
    if (idr_yread_number(doc, v, p, &x, err) != IDR_OK) return IDR_ERR_INPUT;
    const char *rule = idr_material_param_check(i, x);
    if (rule) return idr_yerror(doc, v, 0, p, err, "%s (got %s)", rule, idr_ynode_scalar(v));
    snprintf(p, sizeof p, "%s.source", path);
    if (!s)
      return idr_yerror(doc, e, 0, p, err,
                        "must be given: every number needs its provenance, e.g. \"literature: "
                        "...\" or \"illustrative: ...\" (got nothing)");
    if (idr_yread_string(doc, s, p, source, sizeof source, err) != IDR_OK) return IDR_ERR_INPUT;
    *idr_material_param_ptr(mat, i) = x;
    *given |= 1u << i;
  }
  return IDR_OK;
}

idr_status idr_material_load_file(const char *path, const char *name, idr_material *mat,
                                  unsigned *given, idr_error *err) {
  static const char *const KEYS[] = {"name", "description", "parameters", NULL};
  idr_ydoc *doc = NULL;
  unsigned dummy = 0;
  char want[IDR_NAME_LEN], got[IDR_NAME_LEN], desc[512];
  if (!given) given = &dummy;
  *given = 0;
  memset(mat, 0, sizeof *mat);
  if (name)
    idr_strlcpy(want, name, sizeof want);
  else
    stem_of(path, want, sizeof want);
  idr_status st = idr_ydoc_read_file(path, &doc, err);
  if (st != IDR_OK) return st;
  const idr_ynode *root = idr_ydoc_root(doc);
  if (!root) {
    st = idr_error_set(err, IDR_ERR_INPUT,
                       "%s:1:1: a material file must be a mapping with name "
                       "and parameters (got an empty file)",
                       path);
    goto out_doc;
  }
  if ((st = idr_ycheck_map(doc, root, "", KEYS, err)) != IDR_OK) goto out_doc;
  const idr_ynode *n = idr_ynode_get(root, "name");
  if (!n) {
    st = idr_yerror(doc, root, 0, "name", err, "must be given (got nothing)");
    goto out_doc;
  }
  if ((st = idr_yread_string(doc, n, "name", got, sizeof got, err)) != IDR_OK) goto out_doc;
  if (strcmp(got, want) != 0) {
    st = idr_yerror(doc, n, 0, "name", err, "must be '%s', the file's name (got '%s')", want, got);
    goto out_doc;
  }
  const idr_ynode *dn = idr_ynode_get(root, "description");
  if (dn && (st = idr_yread_string(doc, dn, "description", desc, sizeof desc, err)) != IDR_OK)
    goto out_doc;
  const idr_ynode *params = idr_ynode_get(root, "parameters");
  if (!params) {
    st = idr_yerror(doc, root, 0, "parameters", err, "must be given (got nothing)");
    goto out_doc;
  }
  if ((st = load_params(doc, params, mat, given, err)) != IDR_OK) goto out_doc;
  idr_strlcpy(mat->name, got, sizeof mat->name);
out_doc:
  idr_ydoc_free(&doc);
  if (st != IDR_OK) *given = 0;
  return st;
}

idr_status idr_material_load(const char *name, const char *dir, idr_material *mat, unsigned *given,
                             idr_error *err) {
  char path[MAT_PATH_LEN];
  if (!valid_name(name))
    return idr_error_set(err, IDR_ERR_INPUT,
                         "material name must be letters, digits, _ . + - (got '%s')", name);
  int n = snprintf(path, sizeof path, "%s/%s.yaml", idr_materials_dir(dir), name);
  if (n < 0 || (size_t)n >= sizeof path)
    return idr_error_set(err, IDR_ERR_INPUT, "material path too long for '%s'", name);
  return idr_material_load_file(path, name, mat, given, err);
}

idr_status idr_material_resolve(void *user, const char *name, idr_material *mat, unsigned *given,
                                idr_error *err) {
  const idr_material_dir *md = user;
  if (!valid_name(name))
    return idr_error_set(err, IDR_ERR_IO, "a material name is letters, digits, _ . + -");
  return idr_material_load(name, md ? md->dir : NULL, mat, given, err);
}

/*
 * iondrift materials: loader of material data files (see idr_materials.h).
 * Every number must carry a provenance (`source`), every key its unit, and
 * every value is range-checked with the same rules as inline deck values.
 */
#include "idr_materials.h"
#include "mat_file.h"

#include <stdlib.h>
#include <string.h>

#define MAT_PATH_LEN 1024

const char *idr_materials_dir(const char *dir) {
  if (dir && dir[0]) return dir;
  return idr_data_dir("materials"); /* $IONDRIFT_MATERIALS, installed, source tree */
}

static void stem_of(const char *path, char *buf, size_t size) {
  const char *base = strrchr(path, '/');
  idr_strlcpy(buf, base ? base + 1 : path, size);
  char *dot = strrchr(buf, '.');
  if (dot && dot != buf) *dot = '\0';
}

static idr_status load_params(const idr_ydoc *doc, const idr_ynode *params, idr_material *mat,
                              unsigned *given, idr_error *err) {
  const char *keys[IDR_MATP_COUNT + 1];
  for (int i = 0; i < IDR_MATP_COUNT; i++)
    keys[i] = idr_material_param_key(i);
  keys[IDR_MATP_COUNT] = NULL;
  if (idr_ycheck_map(doc, params, "parameters", keys, err) != IDR_OK) return IDR_ERR_INPUT;
  for (int i = 0; i < IDR_MATP_COUNT; i++) {
    char path[160];
    const idr_ynode *e = idr_ynode_get(params, keys[i]);
    if (!e) continue;
    snprintf(path, sizeof path, "parameters.%s", keys[i]);
    double x;
    if (idr_mat_read_entry(doc, e, path, idr_material_param_check, i, "literature", &x, err) !=
        IDR_OK)
      return IDR_ERR_INPUT;
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
  char want[IDR_NAME_LEN], got[IDR_NAME_LEN];
  if (!given) given = &dummy;
  *given = 0;
  memset(mat, 0, sizeof *mat);
  if (name)
    idr_strlcpy(want, name, sizeof want);
  else
    stem_of(path, want, sizeof want);
  idr_status st = idr_ydoc_read_file(path, &doc, err);
  if (st != IDR_OK) return st;
  const idr_ynode *root = NULL;
  st = idr_mat_read_head(doc, path, "a material file must be a mapping with name and parameters",
                         KEYS, "name", want, got, sizeof got, 512, &root, err);
  if (st != IDR_OK) goto out_doc;
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
  if (!idr_mat_valid_name(name))
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
  if (!idr_mat_valid_name(name))
    return idr_error_set(err, IDR_ERR_IO, "a material name is letters, digits, _ . + -");
  return idr_material_load(name, md ? md->dir : NULL, mat, given, err);
}

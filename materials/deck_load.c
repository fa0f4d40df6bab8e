/*
 * iondrift materials: the file-resolving deck loaders declared in
 * idr_config.h. They live here, not in config/, so that config/ does not
 * depend on materials/ (dependencies point one way: materials -> config).
 * They resolve `material:` names and `composition:` families.
 */
#include "idr_materials.h"

idr_status idr_deck_load(const char *path, const char *const *sets, int n_sets,
                         const char *materials_dir, idr_deck *out, idr_error *err) {
  idr_material_dir md = {materials_dir};
  idr_deck_resolver res = {idr_material_resolve, idr_composition_resolve, &md};
  return idr_deck_parse_file_with(path, sets, n_sets, &res, out, err);
}

idr_status idr_deck_load_string(const char *text, const char *name, const char *const *sets,
                                int n_sets, const char *materials_dir, idr_deck *out,
                                idr_error *err) {
  idr_material_dir md = {materials_dir};
  idr_deck_resolver res = {idr_material_resolve, idr_composition_resolve, &md};
  return idr_deck_parse_string_with(text, name, sets, n_sets, &res, out, err);
}

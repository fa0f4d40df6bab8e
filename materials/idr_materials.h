/*
 * iondrift materials: material data files and their loader.
 *
 * A material is a YAML file DIR/NAME.yaml (format: docs/deck.md, "Material
 * files"): every parameter carries its unit in its key and a provenance
 * string, e.g.
 *     name: FAPbI3
 *     description: alpha-FAPbI3 perovskite absorber
 *     parameters:
 *       eps_r: {value: 46.9, source: "literature: ..."}
 * A parameter without a `source` is rejected. Keys are those of idr_material
 * (idr_material_param_key()); a file may leave optional ones out (they are 0,
 * "off") and may leave required ones to the deck (the deck then sets them
 * inline, or the deck load fails naming the layer).
 *
 * Directory: an explicit `dir`, else $IONDRIFT_MATERIALS, else the built-in
 * data directory fixed at build time (IDR_MATERIALS_DIR).
 *
 * Dependencies: materials/ depends on core/ and config/ (it reuses config's
 * YAML tree and parameter table); config/ never depends on materials/. This
 * module therefore also implements the file-resolving deck loaders
 * idr_deck_load() and idr_deck_load_string() declared in idr_config.h, which
 * hand idr_material_resolve() to idr_deck_parse_*().
 *
 * Reserved for later (not implemented): composition families, i.e. a table
 * in a composition variable (FAPb(I1-xBrx)3 in x) interpolated monotonically
 * into an idr_material; it will get its own load function here.
 */
#ifndef IDR_MATERIALS_H
#define IDR_MATERIALS_H

#include "idr_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IDR_MATERIALS_ENV "IONDRIFT_MATERIALS"

/* The directory searched for `dir` (NULL: environment, then built-in). */
const char *idr_materials_dir(const char *dir);

/* Load DIR/NAME.yaml. NAME is letters, digits and _ . + - (no path). Sets
 * bit (1u << i) of *given (may be NULL) for each parameter i in the file.
 * IDR_ERR_IO: no such material; IDR_ERR_INPUT: bad file, message
 * "FILE:LINE:COL: parameters.eps_r.value must be > 0 (got -1)". */
idr_status idr_material_load(const char *name, const char *dir, idr_material *mat, unsigned *given,
                             idr_error *err);

/* Load a material file by path; its `name:` must equal `name` (NULL: the
 * file's stem). */
idr_status idr_material_load_file(const char *path, const char *name, idr_material *mat,
                                  unsigned *given, idr_error *err);

/* Resolver for idr_deck_parse_*: `user` points to an idr_material_dir. */
typedef struct idr_material_dir {
  const char *dir; /* NULL: idr_materials_dir(NULL) */
} idr_material_dir;
idr_status idr_material_resolve(void *user, const char *name, idr_material *mat, unsigned *given,
                                idr_error *err);

#ifdef __cplusplus
}
#endif
#endif /* IDR_MATERIALS_H */

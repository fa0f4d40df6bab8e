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
 * Directory: an explicit `dir`, else $IONDRIFT_MATERIALS, else the data
 * installed beside the library or program (<prefix>/share/iondrift/materials),
 * else the source tree of the build (idr_data_dir("materials")).
 *
 * Dependencies: materials/ depends on core/ and config/ (it reuses config's
 * YAML tree and parameter table); config/ never depends on materials/. The
 * file-resolving deck loaders idr_deck_load() and idr_deck_load_string()
 * declared in idr_config.h (protocols/table.c) hand idr_material_resolve()
 * and idr_composition_resolve() to idr_deck_parse_*().
 *
 * Composition families: DIR/composition/FAMILY.yaml is a table in a
 * composition variable x (FAPb(I1-xBrx)3 in the Br fraction: family
 * FAPbI3-Br, x in [0, 0.25]; the FAPbI3 + 5 % FAI sample: FAPbI3-FAI, one
 * row) with the columns of idr_composition (idr_config.h), each number
 * {value, source}. It is interpolated per column, linearly or with
 * Steffen's monotone cubic (no overshoot), and never extrapolated.
 * Data, provenance and rules: docs/materials.md.
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

/* ---- composition families ------------------------------------------------ */

/* The interpolated columns of idr_composition, in file order. */
#define IDR_COMP_NCOLS 16
const char *idr_composition_column_key(int i); /* "Eg_eV", ..., NULL out of range */
double idr_composition_column_get(const idr_composition *c, int i);

/* One family evaluated at x: load DIR/composition/FAMILY.yaml (dir NULL:
 * idr_materials_dir(NULL)), interpolate, free. A one-row family accepts only
 * its own x, or NAN for "not given". Errors: IDR_ERR_IO unknown family
 * (message lists the known ones), IDR_ERR_RANGE x outside the table
 * ("composition FAPbI3-Br: x must be in [0, 0.25] (got 0.3) ..."; out->x_min
 * and out->x_max are set), IDR_ERR_INPUT a bad file (located message). */
idr_status idr_composition_eval(const char *family, double x, const char *dir, idr_composition *out,
                                idr_error *err);

/* A loaded family, for many evaluations (sweeps): read-only after loading,
 * so one table may be evaluated from several threads at once. */
typedef struct idr_composition_table idr_composition_table;
idr_status idr_composition_table_load(const char *family, const char *dir,
                                      idr_composition_table **out, idr_error *err);
/* By path; `family` (NULL: not checked) must equal the file's `family:`. */
idr_status idr_composition_table_load_file(const char *path, const char *family,
                                           idr_composition_table **out, idr_error *err);
idr_status idr_composition_table_eval(const idr_composition_table *t, double x,
                                      idr_composition *out, idr_error *err);
void idr_composition_table_free(idr_composition_table **t);
const char *idr_composition_table_family(const idr_composition_table *t);
size_t idr_composition_table_rows(const idr_composition_table *t);
double idr_composition_table_x(const idr_composition_table *t, size_t row); /* row's x [-] */

/* The families in DIR/composition, sorted, as "A | B" in buf. */
idr_status idr_composition_families(const char *dir, char *buf, size_t size, idr_error *err);

/* Resolver for idr_deck_parse_*_with: `user` points to an idr_material_dir. */
idr_status idr_composition_resolve(void *user, const char *family, double x, idr_composition *out,
                                   idr_error *err);

#ifdef __cplusplus
}
#endif
#endif /* IDR_MATERIALS_H */

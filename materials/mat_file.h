/*
 * iondrift materials: the parts of a data file that material files
 * (materials.c) and composition families (composition.c) share: names that
 * are file names, the file's head (a named mapping with an optional
 * description) and `{value, source}` entries. Internal to materials/.
 */
#ifndef IDR_MAT_FILE_H
#define IDR_MAT_FILE_H

#include "idr_config.h"

#include <stddef.h>

/* A name usable as a file name: letters, digits, _ . + -, not starting with
 * '.', shorter than IDR_NAME_LEN. Returns 1 when valid. */
int idr_mat_valid_name(const char *s);

/* Longest description a data file may hold (characters + 1). */
#define IDR_MAT_DESC_MAX 1024

/* The head of data file `path` read into doc: a mapping (empty_msg is the
 * error for an empty file, e.g. "a material file must be a mapping with name
 * and parameters") with only the keys `keys`; the string under name_key
 * (copied to got), equal to want when want != NULL; an optional string
 * "description" of at most desc_size - 1 characters (desc_size <=
 * IDR_MAT_DESC_MAX). *root is the mapping. */
idr_status idr_mat_read_head(const idr_ydoc *doc, const char *path, const char *empty_msg,
                             const char *const *keys, const char *name_key, const char *want,
                             char *got, size_t got_size, size_t desc_size, const idr_ynode **root,
                             idr_error *err);

/* Range rule of entry k: NULL when x is allowed, else the rule ("must be > 0"). */
typedef const char *idr_mat_rule_fn(int k, double x);

/* One `{value, source}` entry e found at path: the value a number allowed by
 * rule(k, value), the source a non-empty string (source_example names the
 * kind of provenance in the error for a missing one, e.g. "literature"). */
idr_status idr_mat_read_entry(const idr_ydoc *doc, const idr_ynode *e, const char *path,
                              idr_mat_rule_fn *rule, int k, const char *source_example, double *out,
                              idr_error *err);

#endif /* IDR_MAT_FILE_H */

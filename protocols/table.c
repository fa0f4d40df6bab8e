/*
 * iondrift protocols: the table. One entry per protocol file; a new protocol
 * (thermal admittance spectroscopy, J-V) is one new file and one line in
 * TABLE below. Also the file-resolving deck loaders declared in
 * idr_config.h: they hand materials/' resolvers and this table to config/
 * (dependencies point one way: protocols -> materials -> config).
 */
#include "idr_protocols.h"

#include "idr_materials.h"

#include <string.h>

static const idr_protocol *const TABLE[] = {&idr_protocol_equilibrate, &idr_protocol_waveform,
                                            &idr_protocol_tid,         &idr_protocol_cf,
                                            &idr_protocol_cv,          NULL};

/* The same entries seen by config/ (the keys are each entry's first member). */
static const idr_protocol_keys *const KEYS[] = {
    &idr_protocol_equilibrate.keys, &idr_protocol_waveform.keys, &idr_protocol_tid.keys,
    &idr_protocol_cf.keys,          &idr_protocol_cv.keys,       NULL};

const idr_protocol *const *idr_protocol_table(void) {
  return TABLE;
}

const idr_protocol_keys *const *idr_protocol_keys_table(void) {
  return KEYS;
}

const idr_protocol *idr_protocol_find(const char *name) {
  for (int i = 0; TABLE[i]; i++)
    if (strcmp(TABLE[i]->keys.name, name) == 0) return TABLE[i];
  return NULL;
}

const idr_protocol *idr_protocol_of(const idr_deck *d) {
  return idr_protocol_find(idr_protocol_name(&d->protocol));
}

/* The spec of the deck when it runs protocol p, else NULL. */
static const void *spec_of(const idr_deck *d, const idr_protocol *p) {
  return d->protocol.keys == &p->keys ? (const void *)d->protocol.spec.bytes : NULL;
}

const idr_waveform_spec *idr_waveform_spec_of(const idr_deck *d) {
  return spec_of(d, &idr_protocol_waveform);
}
const idr_cf_spec *idr_cf_spec_of(const idr_deck *d) {
  return spec_of(d, &idr_protocol_cf);
}
const idr_cv_spec *idr_cv_spec_of(const idr_deck *d) {
  return spec_of(d, &idr_protocol_cv);
}
const idr_tid_spec *idr_tid_spec_of(const idr_deck *d) {
  return spec_of(d, &idr_protocol_tid);
}
idr_waveform_spec *idr_waveform_spec_edit(idr_deck *d) {
  return d->protocol.keys == &idr_protocol_waveform.keys ? (void *)d->protocol.spec.bytes : NULL;
}
idr_tid_spec *idr_tid_spec_edit(idr_deck *d) {
  return d->protocol.keys == &idr_protocol_tid.keys ? (void *)d->protocol.spec.bytes : NULL;
}

idr_status idr_protocol_select(idr_deck *d, const char *name, idr_error *err) {
  const idr_protocol *p = idr_protocol_find(name);
  if (!p) return idr_error_set(err, IDR_ERR_INPUT, "no protocol named '%s'", name);
  d->protocol.keys = &p->keys;
  memset(&d->protocol.spec, 0, sizeof d->protocol.spec);
  if (p->keys.defaults) p->keys.defaults(d->protocol.spec.bytes);
  return IDR_OK;
}

/* ---- deck loaders ------------------------------------------------------------ */

idr_status idr_deck_load(const char *path, const char *const *sets, int n_sets,
                         const char *materials_dir, idr_deck *out, idr_error *err) {
  idr_material_dir md = {materials_dir};
  idr_deck_resolver res = {idr_material_resolve, idr_composition_resolve, &md, KEYS};
  return idr_deck_parse_file_with(path, sets, n_sets, &res, out, err);
}

idr_status idr_deck_load_string(const char *text, const char *name, const char *const *sets,
                                int n_sets, const char *materials_dir, idr_deck *out,
                                idr_error *err) {
  idr_material_dir md = {materials_dir};
  idr_deck_resolver res = {idr_material_resolve, idr_composition_resolve, &md, KEYS};
  return idr_deck_parse_string_with(text, name, sets, n_sets, &res, out, err);
}

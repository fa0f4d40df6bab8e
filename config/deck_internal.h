/*
 * iondrift config, private: the reading context shared by deck.c (the deck
 * sections) and deck_traps.c (the `traps` section). Not installed.
 */
#ifndef IDR_DECK_INTERNAL_H
#define IDR_DECK_INTERNAL_H

#include "idr_config.h"

struct idr_deck_reader {
  const idr_ydoc *doc;
  idr_error *err;
  idr_material_resolve_fn resolve;
  void *resolve_user;
  idr_composition_resolve_fn resolve_comp;
  int has_comp[IDR_MAX_LAYERS]; /* 1: comp[i] holds layers[i]'s evaluated composition */
  idr_composition comp[IDR_MAX_LAYERS];
  const idr_protocol_keys *const *protocols; /* NULL-terminated, or NULL */
};

/* Index of the layer named `name`, -1 if none. */
int idr_deck_find_layer(const idr_deck *d, const char *name);

/* The `traps` list of the document root into d (layers and ions read). */
idr_status idr_deck_conv_traps(idr_deck_reader *r, const idr_ynode *root, idr_deck *d);

#endif /* IDR_DECK_INTERNAL_H */

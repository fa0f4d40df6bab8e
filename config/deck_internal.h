/*
 * iondrift config, private: the deck reader's context and reading helpers
 * shared by deck.c (the sections), deck_traps.c (the `traps` section) and
 * deck_read.c (the helpers and their public idr_read_* wrappers). Not
 * installed.
 */
#ifndef IDR_DECK_INTERNAL_H
#define IDR_DECK_INTERNAL_H

#include "idr_config.h"

#define GOT_LEN 128  /* a value as written, in messages */
#define PATH_LEN 256 /* a key's path (layers[1].thickness_nm) */

typedef idr_range range;
#define IDR_DK_ANY IDR_RANGE_ANY
#define IDR_DK_GT0 IDR_RANGE_GT0
#define IDR_DK_GE0 IDR_RANGE_GE0

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
typedef struct idr_deck_reader cv;

int idr_dk_in_range(const range *r, double v);
/* The range of material parameter i (idr_material_param_key(i)). */
range idr_dk_matp_range(int i);
void idr_dk_range_text(const range *r, char *buf, size_t size);
/* "path.key" and "path[i]" into buf (PATH_LEN bytes; a longer path is cut and marked). */
void idr_dk_jkey(char *buf, const char *path, const char *key);
void idr_dk_jidx(char *buf, const char *path, size_t i);
/* The scalar text of n into buf (GOT_LEN bytes), "?" when not a scalar. */
void idr_dk_got_raw(const idr_ynode *n, char *buf);
idr_srcloc idr_dk_loc_of(const idr_ynode *n);
/* map[key]: 1 present (*out set), 0 absent (*out untouched), -1 error
 * (also absent but required). */
int idr_dk_num(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
               range r, double *out);
int idr_dk_inum(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
                long lo, long hi, long *out);
int idr_dk_str(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
               char *buf, size_t size);
/* One word of a list: its index, -1 absent, -2 error. */
int idr_dk_choice(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
                  const char *const *words);
int idr_dk_seq(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
               size_t lo, size_t hi, const char *what, const idr_ynode **out);

/* Index of the layer named `name`, -1 if none. */
int idr_deck_find_layer(const idr_deck *d, const char *name);

/* The composition an ion species living in the layers of `mask` takes its
 * missing values from: that of the one composition layer it lives in
 * (NULL: none, or several). */
const idr_composition *idr_deck_ion_composition(const cv *c, const idr_deck *d, unsigned mask);

/* The light-dependent migration keys of ions[i] (its map n, path
 * "ions[i]"; every species read): barrier_lowering, blocked_by
 * (deck_ion_light.c). */
idr_status idr_deck_conv_ion_light(cv *c, const idr_ynode *n, const char *path, idr_deck *d, int i);

/* The `traps` list of the document root into d (layers and ions read). */
idr_status idr_deck_conv_traps(cv *c, const idr_ynode *root, idr_deck *d);

#endif /* IDR_DECK_INTERNAL_H */

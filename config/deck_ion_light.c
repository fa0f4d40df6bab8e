/*
 * The light-dependent migration keys of an ion species (docs/deck.md
 * `ions[k].barrier_lowering`, `ions[k].blocked_by`, `ions[k].photo_creation`;
 * the laws in
 * docs/light.md and docs/equations.md). Each mapping carries its numbers and
 * a provenance string (the source, or "illustrative").
 */
#include "deck_internal.h"

#include <stdio.h>
#include <string.h>

/* The mapping key of ions[i] at n, its path into p; NULL when absent. */
static const idr_ynode *sub_map(cv *c, const idr_ynode *n, const char *path, const char *key,
                                const char *const *keys, char *p, idr_status *st) {
  const idr_ynode *m = idr_ynode_get(n, key);
  *st = IDR_OK;
  if (!m) return NULL;
  idr_dk_jkey(p, path, key);
  if (idr_ycheck_map(c->doc, m, p, keys, c->err) != IDR_OK) *st = IDR_ERR_INPUT;
  return m;
}

static idr_status conv_lowering(cv *c, const idr_ynode *n, const char *path, idr_ion_species *I) {
  static const char *const KEYS[] = {"dEa_eV", "n_theta_cm3", "provenance", NULL};
  char p[PATH_LEN];
  idr_status st;
  const idr_ynode *m = sub_map(c, n, path, "barrier_lowering", KEYS, p, &st);
  if (!m || st) return st;
  if (idr_dk_num(c, m, p, "dEa_eV", 1, IDR_DK_GT0, &I->lowering_dEa_eV) < 0 ||
      idr_dk_num(c, m, p, "n_theta_cm3", 1, IDR_DK_GT0, &I->lowering_n_theta_cm3) < 0 ||
      idr_dk_str(c, m, p, "provenance", 1, I->lowering_provenance, sizeof I->lowering_provenance) <
          0)
    return IDR_ERR_INPUT;
  if (I->lowering_dEa_eV > I->Ea_eV) {
    char q[PATH_LEN], got[GOT_LEN];
    idr_dk_jkey(q, p, "dEa_eV");
    idr_dk_got_raw(idr_ynode_get(m, "dEa_eV"), got);
    return idr_yerror(c->doc, idr_ynode_get(m, "dEa_eV"), 0, q, c->err,
                      "must be <= the species' Ea_eV = %g (the lowered barrier stays >= 0) "
                      "(got %s)",
                      I->Ea_eV, got);
  }
  return IDR_OK;
}

/* The static blocking density: `from_composition: interstitial_excess` (the
 * composition's N_Ii_excess_cm3 of the layer the species lives in) and/or
 * `density_cm3` (which overrides it). 1 given, 0 neither, -1 error. */
static int blocking_static(cv *c, const idr_ynode *m, const char *p, const idr_deck *d,
                           idr_ion_species *I) {
  static const char *const WHAT[] = {"interstitial_excess", NULL};
  const int w = idr_dk_choice(c, m, p, "from_composition", 0, WHAT);
  if (w == -2) return -1;
  if (w == 0) {
    const idr_composition *C = idr_deck_ion_composition(c, d, I->layer_mask);
    if (!C) {
      char q[PATH_LEN];
      idr_dk_jkey(q, p, "from_composition");
      idr_yerror(c->doc, idr_ynode_get(m, "from_composition"), 0, q, c->err,
                 "must be used by a species living in exactly one layer with a composition, "
                 "and species '%s' does not (got 'interstitial_excess')",
                 I->name);
      return -1;
    }
    I->block_density_cm3 = C->N_Ii_excess_cm3;
  }
  const int g = idr_dk_num(c, m, p, "density_cm3", 0, IDR_DK_GE0, &I->block_density_cm3);
  if (g < 0) return -1;
  return w == 0 || g == 1;
}

static idr_status conv_blocking(cv *c, const idr_ynode *n, const char *path, idr_deck *d, int i) {
  static const char *const KEYS[] = {"species",     "density_cm3", "from_composition",
                                     "c_block_cm3", "provenance",  NULL};
  idr_ion_species *I = &d->ions[i];
  char p[PATH_LEN], q[PATH_LEN], name[IDR_NAME_LEN];
  idr_status st;
  const idr_ynode *m = sub_map(c, n, path, "blocked_by", KEYS, p, &st);
  if (!m || st) return st;
  const int has_species = idr_dk_str(c, m, p, "species", 0, name, sizeof name);
  const int has_static = has_species < 0 ? -1 : blocking_static(c, m, p, d, I);
  if (has_species < 0 || has_static < 0 ||
      idr_dk_num(c, m, p, "c_block_cm3", 1, IDR_DK_GT0, &I->block_c_cm3) < 0 ||
      idr_dk_str(c, m, p, "provenance", 1, I->block_provenance, sizeof I->block_provenance) < 0)
    return IDR_ERR_INPUT;
  I->blocked_by = -1;
  if (!has_species && !has_static) {
    idr_dk_jkey(q, p, "species");
    return idr_yerror(c->doc, m, 0, q, c->err,
                      "must be given, or a static density (density_cm3 or from_composition: "
                      "interstitial_excess), or both (got nothing)");
  }
  if (!has_species) return IDR_OK;
  for (int k = 0; k < d->n_ions; k++)
    if (k != i && strcmp(d->ions[k].name, name) == 0) I->blocked_by = k;
  if (I->blocked_by < 0) {
    idr_dk_jkey(q, p, "species");
    return idr_yerror(c->doc, idr_ynode_get(m, "species"), 0, q, c->err,
                      "must be the name of another ion species (got '%s')", name);
  }
  return IDR_OK;
}

static idr_status conv_creation(cv *c, const idr_ynode *n, const char *path, idr_ion_species *I) {
  static const char *const KEYS[] = {"k_gen_1_s", "carrier",    "n_theta_cm3", "tau_rec_s",
                                     "N_rec_cm3", "provenance", NULL};
  static const char *const CARRIERS[] = {"holes", "electrons", NULL};
  char p[PATH_LEN];
  idr_status st;
  const idr_ynode *m = sub_map(c, n, path, "photo_creation", KEYS, p, &st);
  if (!m || st) return st;
  I->creation_N_rec_cm3 = I->density_cm3;
  if (idr_dk_num(c, m, p, "k_gen_1_s", 1, IDR_DK_GT0, &I->creation_k_gen_1_s) < 0 ||
      idr_dk_num(c, m, p, "n_theta_cm3", 1, IDR_DK_GT0, &I->creation_n_theta_cm3) < 0 ||
      idr_dk_num(c, m, p, "tau_rec_s", 1, IDR_DK_GT0, &I->creation_tau_rec_s) < 0 ||
      idr_dk_num(c, m, p, "N_rec_cm3", I->density_cm3 == 0, IDR_DK_GT0, &I->creation_N_rec_cm3) <
          0 ||
      idr_dk_str(c, m, p, "provenance", 1, I->creation_provenance, sizeof I->creation_provenance) <
          0)
    return IDR_ERR_INPUT;
  int k = idr_dk_choice(c, m, p, "carrier", 0, CARRIERS);
  if (k == -2) return IDR_ERR_INPUT;
  I->creation_electrons = k == 1;
  return IDR_OK;
}

idr_status idr_deck_conv_ion_light(cv *c, const idr_ynode *n, const char *path, idr_deck *d,
                                   int i) {
  if (conv_lowering(c, n, path, &d->ions[i]) != IDR_OK ||
      conv_creation(c, n, path, &d->ions[i]) != IDR_OK)
    return IDR_ERR_INPUT;
  return conv_blocking(c, n, path, d, i);
}

/*
 * iondrift config: YAML tree -> idr_deck, with strict checking. Every key is
 * known, given at most once and of the right type; every value is inside its
 * physical range. Messages read "FILE:LINE:COL: PATH must be WHAT (got VALUE)"
 * (see docs/deck.md for every key, unit, default and range).
 *
 * Material names (`material: NAME`) are resolved through a callback so that
 * config/ never depends on materials/ (materials/ provides idr_deck_load).
 */
#include "idr_config.h"
#include "deck_internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TEMPERATURE_MAX_K IDR_TEMPERATURE_MAX_K
#define RTOL_MAX 0.1 /* rtol must be below this */
#define MESH_NODES_MIN 10
#define MESH_NODES_MAX 10000000
#define WORK_FUNCTION_MAX_EV 10.0

/* ---- sections -------------------------------------------------------------- */

static const char *const LAYER_KEYS[] = {"name",
                                         "material",
                                         "material_ref",
                                         "thickness_nm",
                                         "N_A_cm3",
                                         "N_D_cm3",
                                         "E_D_eV",
                                         "E_A_eV",
                                         "g_D",
                                         "g_A",
                                         "c_dopant_cm3_s",
                                         "nodes",
                                         "eps_r",
                                         "chi_eV",
                                         "Eg_eV",
                                         "Nc_cm3",
                                         "Nv_cm3",
                                         "mu_n_cm2_Vs",
                                         "mu_p_cm2_Vs",
                                         "k_rad_cm3_s",
                                         "C_n_auger_cm6_s",
                                         "C_p_auger_cm6_s",
                                         "tau_n_s",
                                         "tau_p_s",
                                         "alpha_cm",
                                         "G_uniform_cm3_s",
                                         "composition",
                                         "composition_ref",
                                         NULL};

static idr_status resolve_material(cv *c, const idr_ynode *mnode, const char *path, idr_layer *L,
                                   unsigned *given) {
  char p[PATH_LEN], got[GOT_LEN];
  idr_dk_jkey(p, path, "material");
  if (!c->resolve)
    return idr_yerror(c->doc, mnode, 0, p, c->err,
                      "must be resolved by the materials module: load decks with idr_deck_load "
                      "(got '%s')",
                      L->material_ref);
  idr_error sub;
  idr_error_clear(&sub);
  idr_material m;
  memset(&m, 0, sizeof m);
  *given = 0;
  idr_status st = c->resolve(c->resolve_user, L->material_ref, &m, given, &sub);
  if (st == IDR_ERR_IO) {
    snprintf(got, sizeof got, "'%s'", L->material_ref);
    return idr_yerror(c->doc, mnode, 0, p, c->err, "must name a material data file (got %s: %s)",
                      got, sub.msg);
  }
  if (st != IDR_OK) {
    idr_error_set(c->err, st, "%s", sub.msg);
    if (idr_ynode_from_set(mnode))
      return idr_error_context(c->err, "loading material '%s' for --set %s", L->material_ref, p);
    return idr_error_context(c->err, "loading material '%s' for %s at %s:%d:%d", L->material_ref, p,
                             idr_ydoc_name(c->doc), idr_ynode_line(mnode), idr_ynode_col(mnode));
  }
  L->mat = m;
  return IDR_OK;
}

/* `composition: {family: F, x: X}`: evaluate it (c->comp[i]) and set the
 * layer's Eg_eV, chi_eV and eps_r from it (inline keys override later).
 * `composition_ref` (written by the resolved deck) is only a label. */
static idr_status conv_composition(cv *c, const idr_ynode *n, const char *path, size_t i,
                                   idr_layer *L, unsigned *given) {
  static const char *const KEYS[] = {"family", "x", NULL};
  char cpath[PATH_LEN], p[PATH_LEN], got[GOT_LEN];
  const idr_ynode *cn = idr_ynode_get(n, "composition");
  const idr_ynode *rn = idr_ynode_get(n, "composition_ref");
  if (cn && rn) {
    idr_dk_jkey(p, path, "composition_ref");
    return idr_yerror(c->doc, rn, 1, p, c->err, "must be absent when composition is given");
  }
  if (!cn && !rn) return IDR_OK;
  idr_dk_jkey(cpath, path, cn ? "composition" : "composition_ref");
  const idr_ynode *m = cn ? cn : rn;
  if (idr_ynode_kind(m) != IDR_Y_MAP) {
    idr_dk_got_raw(m, got);
    return idr_yerror(c->doc, m, 0, cpath, c->err,
                      "must be a mapping like {family: FAPbI3-Br, x: 0.075} (got %s)",
                      idr_ynode_kind(m) == IDR_Y_SEQ ? "a list" : got);
  }
  if (idr_ycheck_map(c->doc, m, cpath, KEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
  if (idr_dk_str(c, m, cpath, "family", 1, L->composition_family, sizeof L->composition_family) < 0)
    return IDR_ERR_INPUT;
  double x = NAN;
  if (idr_dk_num(c, m, cpath, "x", rn != NULL, IDR_DK_ANY, &x) < 0) return IDR_ERR_INPUT;
  L->composition_x = x;
  if (rn) return IDR_OK; /* a label: the values are inline in the resolved deck */
  const idr_ynode *fn = idr_ynode_get(m, "family"), *xn = idr_ynode_get(m, "x");
  if (!c->resolve_comp)
    return idr_yerror(c->doc, m, 0, cpath, c->err,
                      "must be resolved by the materials module: load decks with idr_deck_load "
                      "(got family '%s')",
                      L->composition_family);
  idr_error sub;
  idr_error_clear(&sub);
  idr_composition *C = &c->comp[i];
  memset(C, 0, sizeof *C);
  idr_status st = c->resolve_comp(c->resolve_user, L->composition_family, x, C, &sub);
  if (st == IDR_ERR_IO) {
    idr_dk_jkey(p, cpath, "family");
    return idr_yerror(c->doc, fn, 0, p, c->err, "must be one of %s (got '%s')", sub.msg,
                      L->composition_family);
  }
  if (st == IDR_ERR_RANGE) {
    idr_dk_jkey(p, cpath, "x");
    if (!xn)
      return idr_yerror(c->doc, m, 0, p, c->err, "must be given, in [%g, %g] (got nothing)",
                        C->x_min, C->x_max);
    idr_dk_got_raw(xn, got);
    return idr_yerror(c->doc, xn, 0, p, c->err, "must be in [%g, %g] (got %s)", C->x_min, C->x_max,
                      got);
  }
  if (st != IDR_OK) {
    idr_error_set(c->err, st, "%s", sub.msg);
    if (idr_ynode_from_set(m))
      return idr_error_context(c->err, "loading composition '%s' for --set %s",
                               L->composition_family, cpath);
    return idr_error_context(c->err, "loading composition '%s' for %s at %s:%d:%d",
                             L->composition_family, cpath, idr_ydoc_name(c->doc), idr_ynode_line(m),
                             idr_ynode_col(m));
  }
  L->composition_x = C->x;
  L->mat.Eg_eV = C->Eg_eV;
  L->mat.chi_eV = C->chi_eV;
  L->mat.eps_r = C->eps_r;
  *given |= 1u << IDR_MATP_EG | 1u << IDR_MATP_CHI | 1u << IDR_MATP_EPS_R;
  c->has_comp[i] = 1;
  return IDR_OK;
}

static idr_status conv_layer(cv *c, const idr_ynode *n, size_t i, idr_layer *L) {
  char path[PATH_LEN], p[PATH_LEN], got[GOT_LEN];
  idr_dk_jidx(path, "layers", i);
  if (idr_ycheck_map(c->doc, n, path, LAYER_KEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
  L->loc = idr_dk_loc_of(n);
  if (idr_dk_str(c, n, path, "name", 1, L->name, sizeof L->name) < 0) return IDR_ERR_INPUT;
  const idr_ynode *mnode = idr_ynode_get(n, "material");
  const idr_ynode *rnode = idr_ynode_get(n, "material_ref");
  if (mnode && rnode) {
    idr_dk_jkey(p, path, "material_ref");
    return idr_yerror(c->doc, rnode, 1, p, c->err,
                      "must be absent when material is given (got '%s')",
                      idr_ynode_scalar(rnode) ? idr_ynode_scalar(rnode) : "?");
  }
  unsigned given = 0;
  if (mnode) {
    if (idr_dk_str(c, n, path, "material", 0, L->material_ref, sizeof L->material_ref) < 0)
      return IDR_ERR_INPUT;
    if (resolve_material(c, mnode, path, L, &given) != IDR_OK) return IDR_ERR_INPUT;
  } else if (idr_dk_str(c, n, path, "material_ref", 0, L->material_ref, sizeof L->material_ref) <
             0) {
    return IDR_ERR_INPUT;
  }
  idr_strlcpy(L->mat.name, L->material_ref[0] ? L->material_ref : L->name, sizeof L->mat.name);
  if (conv_composition(c, n, path, i, L, &given) != IDR_OK) return IDR_ERR_INPUT;
  for (int k = 0; k < IDR_MATP_COUNT; k++) {
    const char *key = idr_material_param_key(k);
    int r =
        idr_dk_num(c, n, path, key, 0, idr_dk_matp_range(k), idr_material_param_ptr(&L->mat, k));
    if (r < 0) return IDR_ERR_INPUT;
    if (r > 0) given |= 1u << k;
    if (!(given & (1u << k))) {
      if (idr_material_param_required(k)) {
        idr_dk_jkey(p, path, key);
        return idr_yerror(c->doc, n, 0, p, c->err,
                          "must be given in the layer or its material file (got nothing)");
      }
      *idr_material_param_ptr(&L->mat, k) = idr_material_param_default(k);
    }
  }
  if (idr_dk_num(c, n, path, "thickness_nm", 1, IDR_DK_GT0, &L->thickness_nm) < 0)
    return IDR_ERR_INPUT;
  L->loc_thickness = idr_dk_loc_of(idr_ynode_get(n, "thickness_nm"));
  if (idr_dk_num(c, n, path, "N_A_cm3", 0, IDR_DK_GE0, &L->N_A_cm3) < 0) return IDR_ERR_INPUT;
  if (idr_dk_num(c, n, path, "N_D_cm3", 0, IDR_DK_GE0, &L->N_D_cm3) < 0) return IDR_ERR_INPUT;
  /* incomplete ionisation: level depths inside the gap, degeneracy factors */
  const range R_GAP = {1, 0, 1, 1, 0.0, L->mat.Eg_eV};
  L->g_D = IDR_G_DONOR;
  L->g_A = IDR_G_ACCEPTOR;
  L->c_dopant_cm3_s = IDR_C_DOPANT;
  if (idr_dk_num(c, n, path, "E_D_eV", 0, R_GAP, &L->E_D_eV) < 0 ||
      idr_dk_num(c, n, path, "E_A_eV", 0, R_GAP, &L->E_A_eV) < 0 ||
      idr_dk_num(c, n, path, "g_D", 0, IDR_DK_GT0, &L->g_D) < 0 ||
      idr_dk_num(c, n, path, "g_A", 0, IDR_DK_GT0, &L->g_A) < 0 ||
      idr_dk_num(c, n, path, "c_dopant_cm3_s", 0, IDR_DK_GT0, &L->c_dopant_cm3_s) < 0)
    return IDR_ERR_INPUT;
  long nodes = 0;
  if (idr_dk_inum(c, n, path, "nodes", 0, 0, MESH_NODES_MAX, &nodes) < 0) return IDR_ERR_INPUT;
  if (nodes != 0 && nodes < 3) {
    idr_dk_jkey(p, path, "nodes");
    idr_dk_got_raw(idr_ynode_get(n, "nodes"), got);
    return idr_yerror(c->doc, idr_ynode_get(n, "nodes"), 0, p, c->err,
                      "must be 0 (automatic) or >= 3 (got %s)", got);
  }
  L->nodes = (int)nodes;
  return IDR_OK;
}

int idr_deck_find_layer(const idr_deck *d, const char *name) {
  for (int i = 0; i < d->n_layers; i++)
    if (strcmp(d->layers[i].name, name) == 0) return i;
  return -1;
}

static idr_status conv_layers(cv *c, const idr_ynode *root, idr_deck *d) {
  const idr_ynode *ls;
  char path[PATH_LEN], p[PATH_LEN];
  if (idr_dk_seq(c, root, "", "layers", 1, 1, IDR_MAX_LAYERS, "layers", &ls) < 0)
    return IDR_ERR_INPUT;
  for (size_t i = 0; i < idr_ynode_len(ls); i++) {
    idr_layer *L = &d->layers[i];
    if (conv_layer(c, idr_ynode_at(ls, i), i, L) != IDR_OK) return IDR_ERR_INPUT;
    int j = idr_deck_find_layer(d, L->name);
    if (j >= 0) {
      idr_dk_jidx(path, "layers", i);
      idr_dk_jkey(p, path, "name");
      return idr_yerror(c->doc, idr_ynode_get(idr_ynode_at(ls, i), "name"), 0, p, c->err,
                        "must be unique (got '%s', also the name of layers[%d])", L->name, j);
    }
    d->n_layers = (int)i + 1;
  }
  return IDR_OK;
}

static idr_status conv_interfaces(cv *c, const idr_ynode *root, idr_deck *d) {
  static const char *const KEYS[] = {"s_n_cm_s", "s_p_cm_s", NULL};
  const idr_ynode *s;
  size_t want = (size_t)d->n_layers - 1;
  int r = idr_dk_seq(c, root, "", "interfaces", 0, want, want,
                     "interfaces (one per pair of layers)", &s);
  if (r < 0) return IDR_ERR_INPUT;
  for (size_t i = 0; r > 0 && i < want; i++) {
    char path[PATH_LEN];
    const idr_ynode *n = idr_ynode_at(s, i);
    idr_dk_jidx(path, "interfaces", i);
    if (idr_ycheck_map(c->doc, n, path, KEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
    if (idr_dk_num(c, n, path, "s_n_cm_s", 0, IDR_DK_GE0, &d->interfaces[i].s_n_cm_s) < 0 ||
        idr_dk_num(c, n, path, "s_p_cm_s", 0, IDR_DK_GE0, &d->interfaces[i].s_p_cm_s) < 0)
      return IDR_ERR_INPUT;
  }
  return IDR_OK;
}

const idr_composition *idr_deck_ion_composition(const cv *c, const idr_deck *d, unsigned mask) {
  const idr_composition *found = NULL;
  for (int l = 0; l < d->n_layers; l++)
    if ((mask & (1u << l)) && c->has_comp[l]) {
      if (found) return NULL;
      found = &c->comp[l];
    }
  return found;
}

static idr_status conv_ions(cv *c, const idr_ynode *root, idr_deck *d) {
  static const char *const KEYS[] = {
      "name",      "charge",           "layers",     "density_cm3",    "D0_cm2_s", "Ea_eV",
      "c_max_cm3", "barrier_lowering", "blocked_by", "photo_creation", NULL};
  const idr_ynode *s;
  if (idr_dk_seq(c, root, "", "ions", 0, 0, IDR_MAX_IONS, "ion species", &s) < 0)
    return IDR_ERR_INPUT;
  for (size_t i = 0; s && i < idr_ynode_len(s); i++) {
    char path[PATH_LEN], p[PATH_LEN], got[GOT_LEN];
    const idr_ynode *n = idr_ynode_at(s, i);
    idr_ion_species *I = &d->ions[i];
    idr_dk_jidx(path, "ions", i);
    if (idr_ycheck_map(c->doc, n, path, KEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
    I->loc = idr_dk_loc_of(n);
    if (idr_dk_str(c, n, path, "name", 1, I->name, sizeof I->name) < 0) return IDR_ERR_INPUT;
    for (size_t j = 0; j < i; j++)
      if (strcmp(d->ions[j].name, I->name) == 0) {
        idr_dk_jkey(p, path, "name");
        return idr_yerror(c->doc, idr_ynode_get(n, "name"), 0, p, c->err,
                          "must be unique (got '%s', also the name of ions[%zu])", I->name, j);
      }
    double z = 0;
    if (idr_dk_num(c, n, path, "charge", 1, IDR_DK_ANY, &z) < 0) return IDR_ERR_INPUT;
    if (z != 1.0 && z != -1.0) {
      idr_dk_jkey(p, path, "charge");
      idr_dk_got_raw(idr_ynode_get(n, "charge"), got);
      return idr_yerror(c->doc, idr_ynode_get(n, "charge"), 0, p, c->err,
                        "must be +1 or -1 (got %s)", got);
    }
    I->z = (int)z;
    idr_dk_jkey(p, path, "layers");
    const idr_ynode *ln = idr_ynode_get(n, "layers");
    if (!ln) return idr_yerror(c->doc, n, 0, p, c->err, "must be given (got nothing)");
    if (idr_ynode_kind(ln) != IDR_Y_SEQ || idr_ynode_len(ln) == 0) {
      const char *sv = idr_ynode_scalar(ln);
      if (sv)
        snprintf(got, sizeof got, "'%s'", sv);
      else
        snprintf(got, sizeof got, "%s", idr_ynode_kind(ln) == IDR_Y_SEQ ? "[]" : "a mapping");
      return idr_yerror(c->doc, ln, 0, p, c->err,
                        "must be a non-empty list of layer names like [perovskite] (got %s)", got);
    }
    I->layer_mask = 0;
    for (size_t k = 0; k < idr_ynode_len(ln); k++) {
      char q[PATH_LEN], lname[IDR_NAME_LEN];
      const idr_ynode *e = idr_ynode_at(ln, k);
      idr_dk_jidx(q, p, k);
      if (idr_yread_string(c->doc, e, q, lname, sizeof lname, c->err) != IDR_OK)
        return IDR_ERR_INPUT;
      int li = idr_deck_find_layer(d, lname);
      if (li < 0)
        return idr_yerror(c->doc, e, 0, q, c->err, "must be a layer name (got '%s')", lname);
      I->layer_mask |= 1u << li;
    }
    /* Values the species omits come from its layer's composition: charge -1
     * the halide columns, +1 the FA columns (Ea under light). */
    const idr_composition *C = idr_deck_ion_composition(c, d, I->layer_mask);
    int req = C == NULL;
    if (C) {
      I->density_cm3 = I->z < 0 ? C->N_halide_cm3 : C->N_FA_cm3;
      I->D0_cm2_s = I->z < 0 ? C->D0_halide_cm2_s : C->D0_FA_cm2_s;
      I->Ea_eV = I->z < 0 ? C->Ea_halide_eV : C->Ea_FA_light_eV;
    }
    if (idr_dk_num(c, n, path, "density_cm3", req, IDR_DK_GE0, &I->density_cm3) < 0 ||
        idr_dk_num(c, n, path, "D0_cm2_s", req, IDR_DK_GT0, &I->D0_cm2_s) < 0 ||
        idr_dk_num(c, n, path, "Ea_eV", req, IDR_DK_GE0, &I->Ea_eV) < 0 ||
        idr_dk_num(c, n, path, "c_max_cm3", 0, IDR_DK_GE0, &I->c_max_cm3) < 0)
      return IDR_ERR_INPUT;
    if (I->c_max_cm3 > 0 && I->c_max_cm3 <= I->density_cm3) {
      idr_dk_jkey(p, path, "c_max_cm3");
      idr_dk_got_raw(idr_ynode_get(n, "c_max_cm3"), got);
      return idr_yerror(c->doc, idr_ynode_get(n, "c_max_cm3"), 0, p, c->err,
                        "must be 0 (no limit) or > density_cm3 = %g (got %s)", I->density_cm3, got);
    }
    d->n_ions = (int)i + 1;
  }
  for (size_t i = 0; s && i < idr_ynode_len(s); i++) {
    char path[PATH_LEN];
    idr_dk_jidx(path, "ions", i);
    if (idr_deck_conv_ion_light(c, idr_ynode_at(s, i), path, d, (int)i) != IDR_OK)
      return IDR_ERR_INPUT;
  }
  return IDR_OK;
}

static idr_status conv_contacts(cv *c, const idr_ynode *root, idr_deck *d) {
  static const char *const KEYS[] = {"left", "right", NULL};
  static const char *const CKEYS[] = {"work_function_eV", NULL};
  static const range RW = {1, 1, 1, 0, 0, WORK_FUNCTION_MAX_EV};
  const idr_ynode *n = idr_ynode_get(root, "contacts");
  if (!n) return IDR_OK;
  if (idr_ycheck_map(c->doc, n, "contacts", KEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
  for (int side = 0; side < 2; side++) {
    const char *key = side ? "right" : "left";
    char path[PATH_LEN];
    idr_dk_jkey(path, "contacts", key);
    const idr_ynode *cn = idr_ynode_get(n, key);
    if (!cn) continue;
    if (idr_ycheck_map(c->doc, cn, path, CKEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
    idr_contact_spec *C = side ? &d->contact_right : &d->contact_left;
    if (idr_dk_num(c, cn, path, "work_function_eV", 0, RW, &C->work_function_eV) < 0)
      return IDR_ERR_INPUT;
  }
  return IDR_OK;
}

static idr_status conv_generation(cv *c, const idr_ynode *root, idr_deck *d) {
  static const char *const KEYS[] = {"model", "side", "photon_flux_cm2_s", NULL};
  static const char *const MODELS[] = {"none", "uniform", "beer_lambert", NULL};
  static const char *const SIDES[] = {"left", "right", NULL};
  const idr_ynode *n = idr_ynode_get(root, "generation");
  if (!n) return IDR_OK;
  if (idr_ycheck_map(c->doc, n, "generation", KEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
  int m = idr_dk_choice(c, n, "generation", "model", 0, MODELS);
  if (m == -2) return IDR_ERR_INPUT;
  if (m >= 0) d->generation.model = (idr_gen_model)m;
  int s = idr_dk_choice(c, n, "generation", "side", 0, SIDES);
  if (s == -2) return IDR_ERR_INPUT;
  if (s >= 0) d->generation.from_right = s;
  int need_flux = d->generation.model == IDR_GEN_BEER_LAMBERT;
  if (idr_dk_num(c, n, "generation", "photon_flux_cm2_s", need_flux,
                 need_flux ? IDR_DK_GT0 : IDR_DK_GE0, &d->generation.photon_flux_cm2_s) < 0)
    return IDR_ERR_INPUT;
  /* The chosen model needs its material data in at least one layer. */
  int k = d->generation.model == IDR_GEN_BEER_LAMBERT ? IDR_MATP_ALPHA
          : d->generation.model == IDR_GEN_UNIFORM    ? IDR_MATP_G_UNIFORM
                                                      : -1;
  if (k >= 0) {
    int any = 0;
    for (int i = 0; i < d->n_layers; i++)
      any |= idr_material_param_get(&d->layers[i].mat, k) > 0;
    if (!any)
      return idr_yerror(c->doc, idr_ynode_get(n, "model"), 0, "generation.model", c->err,
                        "must be none unless some layer has %s > 0 (got '%s')",
                        idr_material_param_key(k), MODELS[d->generation.model]);
  }
  return IDR_OK;
}

static idr_status conv_mesh_solver(cv *c, const idr_ynode *root, idr_deck *d) {
  static const char *const MKEYS[] = {"nodes", "h_min_nm", NULL};
  static const char *const SKEYS[] = {"rtol",      "atol_density_cm3", "atol_potential_V",
                                      "max_steps", "linear",           "carrier_relaxation",
                                      NULL};
  static const char *const LINEAR[] = {"block", "klu", NULL};
  static const char *const CARRIERS[] = {"quasi_steady", "integrate", NULL};
  static const range RRTOL = {1, 1, 1, 1, 0, RTOL_MAX};
  const idr_ynode *m = idr_ynode_get(root, "mesh");
  if (m) {
    long nodes = d->mesh.nodes;
    if (idr_ycheck_map(c->doc, m, "mesh", MKEYS, c->err) != IDR_OK ||
        idr_dk_inum(c, m, "mesh", "nodes", 0, MESH_NODES_MIN, MESH_NODES_MAX, &nodes) < 0 ||
        idr_dk_num(c, m, "mesh", "h_min_nm", 0, IDR_DK_GT0, &d->mesh.h_min_nm) < 0)
      return IDR_ERR_INPUT;
    d->mesh.nodes = (int)nodes;
  }
  double thinnest = INFINITY;
  for (int i = 0; i < d->n_layers; i++)
    if (d->layers[i].thickness_nm < thinnest) thinnest = d->layers[i].thickness_nm;
  if (d->mesh.h_min_nm >= thinnest) {
    const idr_ynode *h = m ? idr_ynode_get(m, "h_min_nm") : NULL;
    return idr_yerror(c->doc, h ? h : root, 0, "mesh.h_min_nm", c->err,
                      "must be < the thinnest layer's thickness %g nm (got %g)", thinnest,
                      d->mesh.h_min_nm);
  }
  const idr_ynode *s = idr_ynode_get(root, "solver");
  if (s) {
    long steps = d->solver.max_steps;
    if (idr_ycheck_map(c->doc, s, "solver", SKEYS, c->err) != IDR_OK ||
        idr_dk_num(c, s, "solver", "rtol", 0, RRTOL, &d->solver.rtol) < 0 ||
        idr_dk_num(c, s, "solver", "atol_density_cm3", 0, IDR_DK_GT0, &d->solver.atol_density_cm3) <
            0 ||
        idr_dk_num(c, s, "solver", "atol_potential_V", 0, IDR_DK_GT0, &d->solver.atol_potential_V) <
            0 ||
        idr_dk_inum(c, s, "solver", "max_steps", 0, 1, LONG_MAX, &steps) < 0)
      return IDR_ERR_INPUT;
    d->solver.max_steps = steps;
    int lin = idr_dk_choice(c, s, "solver", "linear", 0, LINEAR);
    if (lin < -1) return IDR_ERR_INPUT;
    if (lin >= 0) d->solver.linear = (idr_linear_solver)lin;
    int car = idr_dk_choice(c, s, "solver", "carrier_relaxation", 0, CARRIERS);
    if (car < -1) return IDR_ERR_INPUT;
    if (car >= 0) d->solver.carriers = (idr_carrier_relaxation)car;
  }
  return IDR_OK;
}

/* protocol: {type: NAME, ...}: the table entry NAME reads its own keys. */
static idr_status conv_protocol(cv *c, const idr_ynode *root, idr_deck *d) {
  idr_protocol_spec *P = &d->protocol;
  const idr_ynode *n = idr_ynode_get(root, "protocol");
  if (!n) return IDR_OK;
  P->loc = idr_dk_loc_of(n);
  const char *words[IDR_MAX_PROTOCOLS + 1];
  int nw = 0;
  for (int i = 0; c->protocols && c->protocols[i] && nw < IDR_MAX_PROTOCOLS; i++)
    words[nw++] = c->protocols[i]->name;
  words[nw] = NULL;
  if (idr_ynode_kind(n) != IDR_Y_MAP) {
    static const char *const TYPE_ONLY[] = {"type", NULL};
    return idr_ycheck_map(c->doc, n, "protocol", TYPE_ONLY, c->err);
  }
  if (nw == 0)
    return idr_yerror(c->doc, n, 0, "protocol", c->err,
                      "must be resolved by the protocols module: load decks with idr_deck_load");
  int t = idr_dk_choice(c, n, "protocol", "type", 1, words);
  if (t < 0) return IDR_ERR_INPUT;
  const idr_protocol_keys *K = c->protocols[t];
  P->keys = K;
  memset(&P->spec, 0, sizeof P->spec);
  if (K->defaults) K->defaults(P->spec.bytes);
  if (idr_ycheck_map(c->doc, n, "protocol", K->keys, c->err) != IDR_OK) return IDR_ERR_INPUT;
  return K->read ? K->read(c, n, d, P->spec.bytes) : IDR_OK;
}

/* <stem> of a path: base name without its last extension. */
static void path_stem(const char *path, char *buf, size_t size) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  idr_strlcpy(buf, base, size);
  char *dot = strrchr(buf, '.');
  if (dot && dot != buf) *dot = '\0';
  if (!buf[0]) idr_strlcpy(buf, "iondrift", size);
}

static idr_status conv_output(cv *c, const idr_ynode *root, idr_deck *d) {
  static const char *const KEYS[] = {"h5", "csv", NULL};
  char stem[400];
  path_stem(d->path, stem, sizeof stem);
  snprintf(d->output.h5_path, sizeof d->output.h5_path, "%s.h5", stem);
  snprintf(d->output.csv_path, sizeof d->output.csv_path, "%s_J.csv", stem);
  const idr_ynode *n = idr_ynode_get(root, "output");
  if (!n) return IDR_OK;
  if (idr_ycheck_map(c->doc, n, "output", KEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
  if (idr_dk_str(c, n, "output", "h5", 0, d->output.h5_path, sizeof d->output.h5_path) < 0)
    return IDR_ERR_INPUT;
  const idr_ynode *csv = idr_ynode_get(n, "csv");
  d->output.csv_given = csv != NULL;
  if (csv && idr_ynode_scalar(csv) && idr_ynode_scalar(csv)[0] == '\0' &&
      idr_ynode_kind(csv) == IDR_Y_SCALAR) {
    memset(d->output.csv_path, 0, sizeof d->output.csv_path); /* "" = no CSV */
    return IDR_OK;
  }
  if (idr_dk_str(c, n, "output", "csv", 0, d->output.csv_path, sizeof d->output.csv_path) < 0)
    return IDR_ERR_INPUT;
  return IDR_OK;
}

static idr_status convert(cv *c, const idr_ynode *root, idr_deck *d) {
  static const char *const KEYS[] = {
      "title",      "temperature_K", "layers", "interfaces", "ions",   "traps", "contacts",
      "generation", "mesh",          "solver", "protocol",   "output", NULL};
  static const range RT = {1, 1, 1, 0, 0, TEMPERATURE_MAX_K};
  if (idr_ycheck_map(c->doc, root, "", KEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
  const idr_ynode *t = idr_ynode_get(root, "title");
  if (t && idr_ynode_scalar(t) && idr_ynode_scalar(t)[0] == '\0') {
    d->title[0] = '\0';
  } else if (idr_dk_str(c, root, "", "title", 0, d->title, sizeof d->title) < 0) {
    return IDR_ERR_INPUT;
  }
  if (idr_dk_num(c, root, "", "temperature_K", 0, RT, &d->temperature_K) < 0) return IDR_ERR_INPUT;
  if (conv_layers(c, root, d) != IDR_OK || conv_interfaces(c, root, d) != IDR_OK ||
      conv_ions(c, root, d) != IDR_OK || idr_deck_conv_traps(c, root, d) != IDR_OK ||
      conv_contacts(c, root, d) != IDR_OK || conv_generation(c, root, d) != IDR_OK ||
      conv_mesh_solver(c, root, d) != IDR_OK || conv_protocol(c, root, d) != IDR_OK ||
      conv_output(c, root, d) != IDR_OK)
    return IDR_ERR_INPUT;
  return IDR_OK;
}

/* ---- public entry points ------------------------------------------------------- */

void idr_deck_defaults(idr_deck *d) {
  memset(d, 0, sizeof *d);
  d->temperature_K = 300.0;
  d->contact_left.work_function_eV = NAN;
  d->contact_right.work_function_eV = NAN;
  d->generation.model = IDR_GEN_NONE;
  d->generation.from_right = 0;
  d->mesh.nodes = 400;
  d->mesh.h_min_nm = 0.05;
  d->solver.rtol = 1e-6;
  d->solver.atol_density_cm3 = 1e3;
  d->solver.atol_potential_V = 1e-9;
  d->solver.max_steps = 500000;
  d->solver.linear = IDR_LINEAR_BLOCK;
  d->solver.carriers = IDR_CARRIERS_QUASI_STEADY;
  d->protocol.keys = NULL; /* equilibrate */
}

void idr_deck_free(idr_deck *d) {
  if (!d) return;
  free(d->resolved_yaml);
  d->resolved_yaml = NULL;
}

/* Defined in emit.c. */
idr_status idr_deck_emit_yaml(const idr_deck *d, char **out, idr_error *err);

static idr_status parse_doc(idr_ydoc *doc, const char *name, const char *const *sets, int n_sets,
                            const idr_deck_resolver *res, idr_deck *out, idr_error *err) {
  idr_status st;
  idr_deck_defaults(out);
  idr_strlcpy(out->path, name, sizeof out->path);
  for (int i = 0; i < n_sets; i++)
    if ((st = idr_ydoc_apply_set(doc, sets[i], err)) != IDR_OK) return st;
  const idr_ynode *root = idr_ydoc_root(doc);
  if (!root)
    return idr_error_set(err, IDR_ERR_INPUT,
                         "%s:1:1: the deck must be a mapping of key: value (got an empty file)",
                         name);
  cv *c = calloc(1, sizeof *c); /* holds a composition per layer: kept off the stack */
  if (!c) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  c->doc = doc;
  c->err = err;
  c->resolve = res ? res->material : NULL;
  c->resolve_comp = res ? res->composition : NULL;
  c->resolve_user = res ? res->user : NULL;
  c->protocols = res ? res->protocols : NULL;
  /* the default protocol is the table's equilibrate entry when there is one */
  for (int i = 0; c->protocols && c->protocols[i]; i++)
    if (strcmp(c->protocols[i]->name, "equilibrate") == 0) {
      out->protocol.keys = c->protocols[i];
      if (c->protocols[i]->defaults) c->protocols[i]->defaults(out->protocol.spec.bytes);
    }
  st = convert(c, root, out);
  free(c);
  if (st != IDR_OK) return st;
  return idr_deck_emit_yaml(out, &out->resolved_yaml, err);
}

idr_status idr_deck_parse_string(const char *text, const char *name, const char *const *sets,
                                 int n_sets, idr_material_resolve_fn resolve, void *resolve_user,
                                 idr_deck *out, idr_error *err) {
  idr_deck_resolver res = {resolve, NULL, resolve_user, NULL};
  return idr_deck_parse_string_with(text, name, sets, n_sets, &res, out, err);
}

idr_status idr_deck_parse_string_with(const char *text, const char *name, const char *const *sets,
                                      int n_sets, const idr_deck_resolver *res, idr_deck *out,
                                      idr_error *err) {
  idr_ydoc *doc = NULL;
  if (!name) name = "<string>";
  idr_deck_defaults(out);
  idr_status st = idr_ydoc_parse(text, strlen(text), name, &doc, err);
  if (st != IDR_OK) return st;
  st = parse_doc(doc, name, sets, n_sets, res, out, err);
  idr_ydoc_free(&doc);
  if (st != IDR_OK) idr_deck_free(out);
  return st;
}

idr_status idr_deck_parse_file(const char *path, const char *const *sets, int n_sets,
                               idr_material_resolve_fn resolve, void *resolve_user, idr_deck *out,
                               idr_error *err) {
  idr_deck_resolver res = {resolve, NULL, resolve_user, NULL};
  return idr_deck_parse_file_with(path, sets, n_sets, &res, out, err);
}

idr_status idr_deck_parse_file_with(const char *path, const char *const *sets, int n_sets,
                                    const idr_deck_resolver *res, idr_deck *out, idr_error *err) {
  idr_ydoc *doc = NULL;
  idr_deck_defaults(out);
  idr_status st = idr_ydoc_read_file(path, &doc, err);
  if (st != IDR_OK) return st;
  st = parse_doc(doc, path, sets, n_sets, res, out, err);
  idr_ydoc_free(&doc);
  if (st != IDR_OK) idr_deck_free(out);
  return st;
}

idr_status idr_deck_from_ydoc(idr_ydoc *doc, const char *const *sets, int n_sets,
                              const idr_deck_resolver *res, idr_deck *out, idr_error *err) {
  idr_status st = parse_doc(doc, idr_ydoc_name(doc), sets, n_sets, res, out, err);
  if (st != IDR_OK) idr_deck_free(out);
  return st;
}

idr_status idr_deck_error_at(const idr_deck *d, idr_srcloc loc, idr_error *err, const char *fmt,
                             ...) {
  char what[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (loc.line > 0)
    return idr_error_set(err, IDR_ERR_INPUT, "%s:%d:%d: %s", d->path, loc.line, loc.col, what);
  return idr_error_set(err, IDR_ERR_INPUT, "%s: %s", d->path, what);
}

/*
 * iondrift config: the `traps` section of a deck (docs/deck.md, `traps[j]`).
 * A trap is a level (or a Gaussian band of levels) of SRH states with
 * dynamic occupation, placed in one of four ways:
 *   - uniform in its layer (the default),
 *   - in part of the layer: from_nm .. to_nm from the layer's left edge,
 *   - at the interface with a neighbouring layer: a sheet density
 *     sheet_density_cm2, capturing from both sides,
 *   - bound to a mobile ion species (follows_ion): its density profile is
 *     that species' density, moving with it; density_cm3 is its mean.
 * The energy is always measured from a band edge of `layer`.
 */
#include "deck_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define V_TH_DEFAULT_CM_S 1e7 /* thermal velocity for sigma -> c [cm/s] */
#define TRAP_LEVELS_DEFAULT 5 /* levels of a Gaussian trap band when not given */
#define TRAP_LEVELS_MAX 99

/* A located error at node n (its key when at_key) of path.key. */
#define KEY_ERROR(n, at_key, key, ...)                                                             \
  (idr_read_path_key(p, sizeof p, path, key),                                                      \
   idr_yerror(idr_read_doc(c), n, at_key, p, idr_read_err(c), __VA_ARGS__))

#define str idr_dk_str

/* The level's energy: from_composition (band_II / band_III), or exactly one
 * of E_from_Ec_eV / E_from_Ev_eV, inside the gap of the trap's layer. Sets
 * *band to the composition band used (-1: none). */
static idr_status conv_energy(cv *c, const idr_ynode *n, const char *path, const idr_deck *d,
                              idr_trap_spec *T, int *band) {
  static const char *const BANDS[] = {"band_II", "band_III", NULL};
  char p[PATH_LEN];
  const char *lname = d->layers[T->layer].name;
  /* `from_composition: band_II | band_III`: density and level (above Ev)
   * from the layer's composition; explicit keys still override them. */
  *band = idr_read_choice(c, n, path, "from_composition", 0, BANDS);
  if (*band == -2) return IDR_ERR_INPUT;
  if (*band >= 0) {
    if (!c->has_comp[T->layer])
      return KEY_ERROR(idr_ynode_get(n, "from_composition"), 0, "from_composition",
                       "must be used in a layer with a composition, and layer '%s' has none "
                       "(got '%s')",
                       lname, BANDS[*band]);
    const idr_composition *C = &c->comp[T->layer];
    T->density_cm3 = *band == 0 ? C->N_band_II_cm3 : C->N_band_III_cm3;
    T->E_eV = *band == 0 ? C->E_band_II_from_Ev_eV : C->E_band_III_from_Ev_eV;
    T->ref = IDR_EREF_EV;
  }
  const idr_ynode *ec = idr_ynode_get(n, "E_from_Ec_eV");
  const idr_ynode *ev = idr_ynode_get(n, "E_from_Ev_eV");
  if (ec && ev)
    return KEY_ERROR(ev, 1, "E_from_Ev_eV",
                     "must be absent when E_from_Ec_eV is given: give exactly one of them (got "
                     "%s)",
                     idr_read_got(ev));
  if (!ec && !ev && *band < 0)
    return KEY_ERROR(n, 0, "E_from_Ec_eV", "must be given, or E_from_Ev_eV instead (got nothing)");
  double Eg = d->layers[T->layer].mat.Eg_eV;
  if (ec || ev) {
    const char *ekey = ec ? "E_from_Ec_eV" : "E_from_Ev_eV";
    T->ref = ec ? IDR_EREF_EC : IDR_EREF_EV;
    if (idr_read_num(c, n, path, ekey, 1, IDR_RANGE_ANY, &T->E_eV) < 0) return IDR_ERR_INPUT;
    if (!(T->E_eV > 0 && T->E_eV < Eg))
      return KEY_ERROR(ec ? ec : ev, 0, ekey,
                       "must be in (0, %g), inside the band gap of layer '%s' (got %s)", Eg, lname,
                       idr_read_got(ec ? ec : ev));
  } else if (!(T->E_eV > 0 && T->E_eV < Eg)) {
    return KEY_ERROR(idr_ynode_get(n, "from_composition"), 0, "from_composition",
                     "must give a level inside the band gap (0, %g) of layer '%s' (got '%s' at "
                     "%g eV above Ev)",
                     Eg, lname, BANDS[*band], T->E_eV);
  }
  return IDR_OK;
}

/* Each of keys (NULL-terminated) must be absent from n for `what`; 1 (and
 * the error set at the first present one) if one is there. */
static int absent(cv *c, const idr_ynode *n, const char *path, const char *const *keys,
                  const char *what) {
  char p[PATH_LEN];
  for (int k = 0; keys[k]; k++) {
    const idr_ynode *x = idr_ynode_get(n, keys[k]);
    if (x) {
      KEY_ERROR(x, 1, keys[k], "must be absent for %s (got %s)", what, idr_read_got(x));
      return 1;
    }
  }
  return 0;
}

/* Where the level sits and how dense it is: interface (sheet density),
 * part of the layer (from_nm, to_nm), bound to an ion (follows_ion), or
 * uniform in the layer (density_cm3). */
static idr_status conv_place(cv *c, const idr_ynode *n, const char *path, const idr_deck *d,
                             idr_trap_spec *T, int band) {
  char p[PATH_LEN], name[IDR_NAME_LEN];
  const char *lname = d->layers[T->layer].name;
  const double thick = d->layers[T->layer].thickness_nm;
  T->at_interface = 0;
  T->bound = 0;
  T->sheet_density_cm2 = 0.0;
  T->from_nm = 0.0;
  T->to_nm = 0.0;
  int r = str(c, n, path, "interface", 0, name, sizeof name);
  if (r < 0) return IDR_ERR_INPUT;
  if (r > 0) {
    const idr_ynode *in = idr_ynode_get(n, "interface");
    int o = idr_deck_find_layer(d, name);
    if (o < 0 || (o != T->layer - 1 && o != T->layer + 1))
      return KEY_ERROR(in, 0, "interface",
                       "must be the name of a layer next to layer '%s' (got '%s')", lname, name);
    static const char *const NOT_WITH[] = {"density_cm3", "from_nm",          "to_nm",
                                           "follows_ion", "from_composition", NULL};
    if (absent(c, n, path, NOT_WITH, "an interface level (a sheet: give sheet_density_cm2)"))
      return IDR_ERR_INPUT;
    T->at_interface = 1;
    T->interface_layer = o;
    T->density_cm3 = 0.0;
    return idr_read_num(c, n, path, "sheet_density_cm2", 1, IDR_RANGE_GE0, &T->sheet_density_cm2) <
                   0
               ? IDR_ERR_INPUT
               : IDR_OK;
  }
  const idr_ynode *sd = idr_ynode_get(n, "sheet_density_cm2");
  if (sd)
    return KEY_ERROR(sd, 1, "sheet_density_cm2",
                     "must be absent unless the level sits at an interface (give interface: "
                     "LAYER) (got %s)",
                     idr_read_got(sd));
  const idr_range within = {1, 0, 1, 0, 0.0, thick};
  if (idr_read_num(c, n, path, "from_nm", 0, within, &T->from_nm) < 0) return IDR_ERR_INPUT;
  r = idr_read_num(c, n, path, "to_nm", 0, within, &T->to_nm);
  if (r < 0) return IDR_ERR_INPUT;
  if (!(T->from_nm < (r > 0 ? T->to_nm : thick))) {
    const idr_ynode *t = r > 0 ? idr_ynode_get(n, "to_nm") : idr_ynode_get(n, "from_nm");
    return KEY_ERROR(t, 0, r > 0 ? "to_nm" : "from_nm",
                     "must leave from_nm < to_nm inside layer '%s' (0 .. %g nm) (got %s)", lname,
                     thick, idr_read_got(t));
  }
  if (r > 0 && T->to_nm == thick) T->to_nm = 0.0; /* 0: to the right edge */
  int has_density = idr_ynode_get(n, "density_cm3") != NULL;
  r = str(c, n, path, "follows_ion", 0, name, sizeof name);
  if (r < 0) return IDR_ERR_INPUT;
  if (r > 0) {
    const idr_ynode *fn = idr_ynode_get(n, "follows_ion");
    int k = -1;
    for (int i = 0; i < d->n_ions; i++)
      if (strcmp(d->ions[i].name, name) == 0) k = i;
    if (k < 0)
      return KEY_ERROR(fn, 0, "follows_ion", "must be the name of an ion species (got '%s')", name);
    if (!(d->ions[k].layer_mask >> T->layer & 1u))
      return KEY_ERROR(fn, 0, "follows_ion",
                       "must name a species living in layer '%s' (got '%s', which does not)", lname,
                       name);
    static const char *const NOT_WITH[] = {"from_nm", "to_nm", NULL};
    if (absent(c, n, path, NOT_WITH, "a level bound to an ion (it is where the ions are)"))
      return IDR_ERR_INPUT;
    /* an empty donor site carries +q with its ion: the ion's current then
     * holds that charge, which needs the sites everywhere the ion goes */
    if (T->type == IDR_TRAP_DONOR && d->ions[k].layer_mask != 1u << T->layer)
      return KEY_ERROR(fn, 0, "follows_ion",
                       "must name a species living in layer '%s' only for a donor-like level "
                       "(got '%s', which lives in other layers too)",
                       lname, name);
    T->bound = 1;
    T->ion = k;
    /* the level is the species: its mean density unless given */
    if (!has_density) T->density_cm3 = d->ions[k].density_cm3;
  }
  return idr_read_num(c, n, path, "density_cm3", band < 0 && !T->bound, IDR_RANGE_GE0,
                      &T->density_cm3) < 0
             ? IDR_ERR_INPUT
             : IDR_OK;
}

/* Capture coefficients, or cross sections times a thermal velocity. */
static idr_status conv_capture(cv *c, const idr_ynode *n, const char *path, idr_trap_spec *T) {
  char p[PATH_LEN];
  const idr_ynode *cn = idr_ynode_get(n, "c_n_cm3_s"), *cp = idr_ynode_get(n, "c_p_cm3_s");
  const idr_ynode *sn = idr_ynode_get(n, "sigma_n_cm2"), *sp = idr_ynode_get(n, "sigma_p_cm2");
  const idr_ynode *vt = idr_ynode_get(n, "v_th_cm_s");
  if ((cn || cp) && (sn || sp || vt)) {
    const idr_ynode *bad = sn ? sn : sp ? sp : vt;
    return KEY_ERROR(bad, 1, idr_ynode_key(bad),
                     "must be absent when capture coefficients c_n_cm3_s/c_p_cm3_s are given "
                     "(got %s)",
                     idr_read_got(bad));
  }
  if (sn || sp) {
    double s_n = 0, s_p = 0, v_th = V_TH_DEFAULT_CM_S;
    if (idr_read_num(c, n, path, "sigma_n_cm2", 1, IDR_RANGE_GE0, &s_n) < 0 ||
        idr_read_num(c, n, path, "sigma_p_cm2", 1, IDR_RANGE_GE0, &s_p) < 0 ||
        idr_read_num(c, n, path, "v_th_cm_s", 0, IDR_RANGE_GT0, &v_th) < 0)
      return IDR_ERR_INPUT;
    T->c_n_cm3_s = s_n * v_th;
    T->c_p_cm3_s = s_p * v_th;
    return IDR_OK;
  }
  if (cn || cp) {
    if (idr_read_num(c, n, path, "c_n_cm3_s", 1, IDR_RANGE_GE0, &T->c_n_cm3_s) < 0 ||
        idr_read_num(c, n, path, "c_p_cm3_s", 1, IDR_RANGE_GE0, &T->c_p_cm3_s) < 0)
      return IDR_ERR_INPUT;
    return IDR_OK;
  }
  if (vt)
    return KEY_ERROR(n, 0, "sigma_n_cm2",
                     "must be given with sigma_p_cm2 when v_th_cm_s is (got nothing)");
  return KEY_ERROR(n, 0, "c_n_cm3_s",
                   "must be given with c_p_cm3_s, or sigma_n_cm2 and sigma_p_cm2 instead "
                   "(got nothing)");
}

static idr_status conv_trap(cv *c, const idr_ynode *n, const char *path, const idr_deck *d,
                            idr_trap_spec *T) {
  static const char *const KEYS[] = {"name",         "layer",
                                     "type",         "E_from_Ec_eV",
                                     "E_from_Ev_eV", "density_cm3",
                                     "c_n_cm3_s",    "c_p_cm3_s",
                                     "sigma_n_cm2",  "sigma_p_cm2",
                                     "v_th_cm_s",    "sigma_E_eV",
                                     "levels",       "from_composition",
                                     "interface",    "sheet_density_cm2",
                                     "from_nm",      "to_nm",
                                     "follows_ion",  NULL};
  static const char *const TYPES[] = {"acceptor", "donor", NULL};
  char p[PATH_LEN], lname[IDR_NAME_LEN];
  if (idr_read_check_map(c, n, path, KEYS) != IDR_OK) return IDR_ERR_INPUT;
  T->loc = idr_read_loc(n);
  if (str(c, n, path, "name", 1, T->name, sizeof T->name) < 0) return IDR_ERR_INPUT;
  if (str(c, n, path, "layer", 1, lname, sizeof lname) < 0) return IDR_ERR_INPUT;
  T->layer = idr_deck_find_layer(d, lname);
  if (T->layer < 0)
    return KEY_ERROR(idr_ynode_get(n, "layer"), 0, "layer", "must be a layer name (got '%s')",
                     lname);
  int t = idr_read_choice(c, n, path, "type", 1, TYPES);
  if (t < 0) return IDR_ERR_INPUT;
  T->type = t == 0 ? IDR_TRAP_ACCEPTOR : IDR_TRAP_DONOR;
  int band = -1;
  if (conv_energy(c, n, path, d, T, &band) != IDR_OK ||
      conv_place(c, n, path, d, T, band) != IDR_OK || conv_capture(c, n, path, T) != IDR_OK)
    return IDR_ERR_INPUT;
  if (idr_read_num(c, n, path, "sigma_E_eV", 0, IDR_RANGE_GE0, &T->sigma_E_eV) < 0)
    return IDR_ERR_INPUT;
  long levels = T->sigma_E_eV > 0 ? TRAP_LEVELS_DEFAULT : 1;
  int r = idr_read_int(c, n, path, "levels", 0, 1, TRAP_LEVELS_MAX, &levels);
  if (r < 0) return IDR_ERR_INPUT;
  if (r > 0) {
    const idr_ynode *ln = idr_ynode_get(n, "levels");
    if (T->sigma_E_eV == 0 && levels != 1)
      return KEY_ERROR(ln, 0, "levels", "must be 1 when sigma_E_eV is 0 (got %s)",
                       idr_read_got(ln));
    if (T->sigma_E_eV > 0 && (levels < 3 || levels % 2 == 0))
      return KEY_ERROR(ln, 0, "levels", "must be odd and >= 3 when sigma_E_eV > 0 (got %s)",
                       idr_read_got(ln));
  }
  T->levels = (int)levels;
  return IDR_OK;
}

idr_status idr_deck_conv_traps(cv *c, const idr_ynode *root, idr_deck *d) {
  const idr_ynode *s;
  if (idr_read_seq(c, root, "", "traps", 0, 0, IDR_MAX_TRAPS, "traps", &s) < 0)
    return IDR_ERR_INPUT;
  for (size_t i = 0; s && i < idr_ynode_len(s); i++) {
    char path[PATH_LEN], p[PATH_LEN];
    const idr_ynode *n = idr_ynode_at(s, i);
    idr_read_path_index(path, sizeof path, "traps", i);
    if (conv_trap(c, n, path, d, &d->traps[i]) != IDR_OK) return IDR_ERR_INPUT;
    for (size_t j = 0; j < i; j++)
      if (strcmp(d->traps[j].name, d->traps[i].name) == 0)
        return KEY_ERROR(idr_ynode_get(n, "name"), 0, "name",
                         "must be unique (got '%s', also the name of traps[%zu])", d->traps[i].name,
                         j);
    d->n_traps = (int)i + 1;
  }
  return IDR_OK;
}

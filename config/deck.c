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

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GOT_LEN 128
#define PATH_LEN 256
#define TEMPERATURE_MAX_K IDR_TEMPERATURE_MAX_K
#define RTOL_MAX 0.1          /* rtol must be below this */
#define V_TH_DEFAULT_CM_S 1e7 /* thermal velocity for sigma -> c [cm/s] */
#define TRAP_LEVELS_DEFAULT 5 /* levels of a Gaussian trap band when not given */
#define TRAP_LEVELS_MAX 99
#define MESH_NODES_MIN 10
#define MESH_NODES_MAX 10000000
#define WORK_FUNCTION_MAX_EV 10.0

/* ---- value ranges ---------------------------------------------------------- */

typedef idr_range range;

static const range R_ANY = {0, 0, 0, 0, 0, 0};
static const range R_GT0 = {1, 1, 0, 0, 0, 0};
static const range R_GE0 = {1, 0, 0, 0, 0, 0};

static int in_range(const range *r, double v) {
  if (r->has_lo && (r->lo_open ? !(v > r->lo) : !(v >= r->lo))) return 0;
  if (r->has_hi && (r->hi_open ? !(v < r->hi) : !(v <= r->hi))) return 0;
  return 1;
}

static void range_text(const range *r, char *buf, size_t size) {
  if (r->has_lo && r->has_hi)
    snprintf(buf, size, "in %c%g, %g%c", r->lo_open ? '(' : '[', r->lo, r->hi,
             r->hi_open ? ')' : ']');
  else if (r->has_lo)
    snprintf(buf, size, "%s %g", r->lo_open ? ">" : ">=", r->lo);
  else if (r->has_hi)
    snprintf(buf, size, "%s %g", r->hi_open ? "<" : "<=", r->hi);
  else
    snprintf(buf, size, "a number");
}

/* ---- material parameter table ------------------------------------------------ */

typedef struct matp_info {
  const char *key;
  size_t offset;
  int required;
  range r;
} matp_info;

static const matp_info MATP[IDR_MATP_COUNT] = {
    {"eps_r", offsetof(idr_material, eps_r), 1, {1, 1, 0, 0, 0, 0}},
    {"chi_eV", offsetof(idr_material, chi_eV), 1, {1, 0, 1, 0, 0, 10}},
    {"Eg_eV", offsetof(idr_material, Eg_eV), 1, {1, 1, 1, 0, 0, 10}},
    {"Nc_cm3", offsetof(idr_material, Nc_cm3), 1, {1, 1, 0, 0, 0, 0}},
    {"Nv_cm3", offsetof(idr_material, Nv_cm3), 1, {1, 1, 0, 0, 0, 0}},
    {"mu_n_cm2_Vs", offsetof(idr_material, mu_n_cm2_Vs), 1, {1, 1, 0, 0, 0, 0}},
    {"mu_p_cm2_Vs", offsetof(idr_material, mu_p_cm2_Vs), 1, {1, 1, 0, 0, 0, 0}},
    {"k_rad_cm3_s", offsetof(idr_material, k_rad_cm3_s), 0, {1, 0, 0, 0, 0, 0}},
    {"C_n_auger_cm6_s", offsetof(idr_material, C_n_auger_cm6_s), 0, {1, 0, 0, 0, 0, 0}},
    {"C_p_auger_cm6_s", offsetof(idr_material, C_p_auger_cm6_s), 0, {1, 0, 0, 0, 0, 0}},
    {"tau_n_s", offsetof(idr_material, tau_n_s), 0, {1, 0, 0, 0, 0, 0}},
    {"tau_p_s", offsetof(idr_material, tau_p_s), 0, {1, 0, 0, 0, 0, 0}},
    {"alpha_cm", offsetof(idr_material, alpha_cm), 0, {1, 0, 0, 0, 0, 0}},
    {"G_uniform_cm3_s", offsetof(idr_material, G_uniform_cm3_s), 0, {1, 0, 0, 0, 0, 0}},
};

const char *idr_material_param_key(int i) {
  return (i >= 0 && i < IDR_MATP_COUNT) ? MATP[i].key : NULL;
}
int idr_material_param_required(int i) {
  return (i >= 0 && i < IDR_MATP_COUNT) && MATP[i].required;
}
double idr_material_param_default(int i) {
  (void)i; /* every optional material parameter defaults to 0 = "off" */
  return 0.0;
}
double *idr_material_param_ptr(idr_material *m, int i) {
  return (double *)(void *)((char *)m + MATP[i].offset);
}
double idr_material_param_get(const idr_material *m, int i) {
  return *(const double *)(const void *)((const char *)m + MATP[i].offset);
}

/* Thread-safe: the rule strings are built from constants, one per parameter. */
const char *idr_material_param_check(int i, double v) {
  static const char *const RULE[IDR_MATP_COUNT] = {
      "must be > 0",  "must be in [0, 10]", "must be in (0, 10]", "must be > 0",  "must be > 0",
      "must be > 0",  "must be > 0",        "must be >= 0",       "must be >= 0", "must be >= 0",
      "must be >= 0", "must be >= 0",       "must be >= 0",       "must be >= 0"};
  if (i < 0 || i >= IDR_MATP_COUNT) return "must be a known parameter";
  if (!isfinite(v)) return "must be a finite number";
  return in_range(&MATP[i].r, v) ? NULL : RULE[i];
}

/* ---- conversion context ------------------------------------------------------ */

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

/* Paths are short (layers[1].thickness_nm); one too long for PATH_LEN is cut
 * and marked, never overflowed. */
static void path_fit(char *buf, int n) {
  if (n < 0 || n >= PATH_LEN) memcpy(buf + PATH_LEN - 4, "...", 4);
}

static void jkey(char *buf, const char *path, const char *key) {
  path_fit(buf, snprintf(buf, PATH_LEN, "%s%s%s", path, *path ? "." : "", key));
}

static void jidx(char *buf, const char *path, size_t i) {
  path_fit(buf, snprintf(buf, PATH_LEN, "%s[%zu]", path, i));
}

static void got_raw(const idr_ynode *n, char *buf) {
  const char *s = idr_ynode_scalar(n);
  snprintf(buf, GOT_LEN, "%s", s ? s : "?");
}

/* Look up map[key] and fill its path p. Returns 1 present (*n set), 0
 * absent, -1 absent but required (the error is reported at the mapping). */
static int lookup(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
                  char *p, const idr_ynode **n) {
  jkey(p, path, key);
  *n = idr_ynode_get(map, key);
  if (*n) return 1;
  if (required) {
    idr_yerror(c->doc, map, 0, p, c->err, "must be given (got nothing)");
    return -1;
  }
  return 0;
}

/* Number under map[key], checked against r. Absent: *out untouched, unless
 * required (error at the mapping). Returns 1 when present, 0 when absent, -1
 * on error. */
static int num(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
               range r, double *out) {
  char p[PATH_LEN], got[GOT_LEN], rule[96];
  const idr_ynode *n;
  int f = lookup(c, map, path, key, required, p, &n);
  if (f <= 0) return f;
  double v;
  if (idr_yread_number(c->doc, n, p, &v, c->err) != IDR_OK) return -1;
  if (!in_range(&r, v)) {
    range_text(&r, rule, sizeof rule);
    got_raw(n, got);
    idr_yerror(c->doc, n, 0, p, c->err, "must be %s (got %s)", rule, got);
    return -1;
  }
  *out = v;
  return 1;
}

/* Integer in [lo, hi]; same return convention as num(). */
static int inum(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
                long lo, long hi, long *out) {
  char p[PATH_LEN], got[GOT_LEN];
  const idr_ynode *n;
  int f = lookup(c, map, path, key, required, p, &n);
  if (f <= 0) return f;
  double v;
  if (idr_yread_number(c->doc, n, p, &v, c->err) != IDR_OK) return -1;
  got_raw(n, got);
  if (v != floor(v) || fabs(v) > 9e15) {
    idr_yerror(c->doc, n, 0, p, c->err, "must be an integer (got %s)", got);
    return -1;
  }
  if (v < (double)lo || v > (double)hi) {
    if (hi == LONG_MAX)
      idr_yerror(c->doc, n, 0, p, c->err, "must be >= %ld (got %s)", lo, got);
    else
      idr_yerror(c->doc, n, 0, p, c->err, "must be in [%ld, %ld] (got %s)", lo, hi, got);
    return -1;
  }
  *out = (long)v;
  return 1;
}

static int str(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
               char *buf, size_t size) {
  char p[PATH_LEN];
  const idr_ynode *n;
  int f = lookup(c, map, path, key, required, p, &n);
  if (f <= 0) return f;
  return idr_yread_string(c->doc, n, p, buf, size, c->err) == IDR_OK ? 1 : -1;
}

/* One word out of a list: returns its index, -1 absent, -2 on error. */
static int choice(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
                  const char *const *words) {
  char p[PATH_LEN], got[GOT_LEN], list[256] = "";
  const idr_ynode *n;
  int f = lookup(c, map, path, key, required, p, &n);
  if (f <= 0) return f - 1;
  const char *s = idr_ynode_scalar(n);
  size_t len = 0;
  for (int i = 0; words[i]; i++) {
    if (s && strcmp(s, words[i]) == 0) return i;
    len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? " | " : "", words[i]);
  }
  if (s)
    snprintf(got, sizeof got, "'%s'", s);
  else
    snprintf(got, sizeof got, "%s", idr_ynode_kind(n) == IDR_Y_SEQ ? "a list" : "a mapping");
  idr_yerror(c->doc, n, 0, p, c->err, "must be one of %s (got %s)", list, got);
  return -2;
}

static idr_srcloc loc_of(const idr_ynode *n) {
  idr_srcloc l = {0, 0};
  if (n && !idr_ynode_from_set(n)) {
    l.line = idr_ynode_line(n);
    l.col = idr_ynode_col(n);
  }
  return l;
}

/* Sequence under map[key] with lo..hi items; NULL and 0 when absent. */
static int seq(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
               size_t lo, size_t hi, const char *what, const idr_ynode **out) {
  char p[PATH_LEN], got[GOT_LEN];
  int f = lookup(c, map, path, key, required, p, out);
  if (f <= 0) return f;
  const idr_ynode *n = *out;
  if (idr_ynode_kind(n) != IDR_Y_SEQ) {
    const char *s = idr_ynode_scalar(n);
    if (s)
      snprintf(got, sizeof got, "'%s'", s);
    else
      snprintf(got, sizeof got, "a mapping");
    idr_yerror(c->doc, n, 0, p, c->err, "must be a list of %s (got %s)", what, got);
    return -1;
  }
  size_t len = idr_ynode_len(n);
  if (len < lo || len > hi) {
    idr_yerror(c->doc, n, 0, p, c->err, "must be a list of %zu to %zu %s (got %zu)", lo, hi, what,
               len);
    return -1;
  }
  return 1;
}

/* ---- the reading helpers, public for the protocol table ---------------- */

const idr_ydoc *idr_read_doc(const idr_deck_reader *r) {
  return r->doc;
}
idr_error *idr_read_err(idr_deck_reader *r) {
  return r->err;
}
int idr_read_num(idr_deck_reader *r, const idr_ynode *map, const char *path, const char *key,
                 int required, idr_range rg, double *out) {
  return num(r, map, path, key, required, rg, out);
}
int idr_read_int(idr_deck_reader *r, const idr_ynode *map, const char *path, const char *key,
                 int required, long lo, long hi, long *out) {
  return inum(r, map, path, key, required, lo, hi, out);
}
int idr_read_choice(idr_deck_reader *r, const idr_ynode *map, const char *path, const char *key,
                    int required, const char *const *words) {
  return choice(r, map, path, key, required, words);
}
int idr_read_seq(idr_deck_reader *r, const idr_ynode *map, const char *path, const char *key,
                 int required, size_t lo, size_t hi, const char *what, const idr_ynode **out) {
  *out = NULL;
  return seq(r, map, path, key, required, lo, hi, what, out);
}
idr_status idr_read_check_map(idr_deck_reader *r, const idr_ynode *n, const char *path,
                              const char *const *keys) {
  return idr_ycheck_map(r->doc, n, path, keys, r->err);
}
idr_srcloc idr_read_loc(const idr_ynode *n) {
  return loc_of(n);
}
void idr_read_path_index(char *buf, size_t size, const char *path, size_t i) {
  char p[PATH_LEN];
  jidx(p, path, i);
  idr_strlcpy(buf, p, size);
}
void idr_read_path_key(char *buf, size_t size, const char *path, const char *key) {
  char p[PATH_LEN];
  jkey(p, path, key);
  idr_strlcpy(buf, p, size);
}
const char *idr_read_got(const idr_ynode *n) {
  const char *s = n ? idr_ynode_scalar(n) : NULL;
  return s ? s : "?";
}

/* Light in the protocol needs a light source: with generation.model none a
 * light_suns > 0 would silently run dark. The error points at the light. */
idr_status idr_read_check_light(idr_deck_reader *r, const idr_deck *d, const idr_ynode *at,
                                const char *path, double light_suns) {
  if (d->generation.model != IDR_GEN_NONE || !(light_suns > 0)) return IDR_OK;
  char got[GOT_LEN];
  got_raw(at, got);
  return idr_yerror(r->doc, at, 0, path, r->err,
                    "must be 0 while generation.model is none: the deck has no light source "
                    "(set generation: {model: beer_lambert, photon_flux_cm2_s: ...} or "
                    "{model: uniform}) (got %s)",
                    got);
}

const char *idr_protocol_name(const idr_protocol_spec *p) {
  return p->keys ? p->keys->name : "equilibrate";
}

/* ---- sections -------------------------------------------------------------- */

static const char *const LAYER_KEYS[] = {"name",
                                         "material",
                                         "material_ref",
                                         "thickness_nm",
                                         "N_A_cm3",
                                         "N_D_cm3",
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
  jkey(p, path, "material");
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
    jkey(p, path, "composition_ref");
    return idr_yerror(c->doc, rn, 1, p, c->err, "must be absent when composition is given");
  }
  if (!cn && !rn) return IDR_OK;
  jkey(cpath, path, cn ? "composition" : "composition_ref");
  const idr_ynode *m = cn ? cn : rn;
  if (idr_ynode_kind(m) != IDR_Y_MAP) {
    got_raw(m, got);
    return idr_yerror(c->doc, m, 0, cpath, c->err,
                      "must be a mapping like {family: FAPbI3-Br, x: 0.075} (got %s)",
                      idr_ynode_kind(m) == IDR_Y_SEQ ? "a list" : got);
  }
  if (idr_ycheck_map(c->doc, m, cpath, KEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
  if (str(c, m, cpath, "family", 1, L->composition_family, sizeof L->composition_family) < 0)
    return IDR_ERR_INPUT;
  double x = NAN;
  if (num(c, m, cpath, "x", rn != NULL, R_ANY, &x) < 0) return IDR_ERR_INPUT;
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
    jkey(p, cpath, "family");
    return idr_yerror(c->doc, fn, 0, p, c->err, "must be one of %s (got '%s')", sub.msg,
                      L->composition_family);
  }
  if (st == IDR_ERR_RANGE) {
    jkey(p, cpath, "x");
    if (!xn)
      return idr_yerror(c->doc, m, 0, p, c->err, "must be given, in [%g, %g] (got nothing)",
                        C->x_min, C->x_max);
    got_raw(xn, got);
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
  jidx(path, "layers", i);
  if (idr_ycheck_map(c->doc, n, path, LAYER_KEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
  L->loc = loc_of(n);
  if (str(c, n, path, "name", 1, L->name, sizeof L->name) < 0) return IDR_ERR_INPUT;
  const idr_ynode *mnode = idr_ynode_get(n, "material");
  const idr_ynode *rnode = idr_ynode_get(n, "material_ref");
  if (mnode && rnode) {
    jkey(p, path, "material_ref");
    return idr_yerror(c->doc, rnode, 1, p, c->err,
                      "must be absent when material is given (got '%s')",
                      idr_ynode_scalar(rnode) ? idr_ynode_scalar(rnode) : "?");
  }
  unsigned given = 0;
  if (mnode) {
    if (str(c, n, path, "material", 0, L->material_ref, sizeof L->material_ref) < 0)
      return IDR_ERR_INPUT;
    if (resolve_material(c, mnode, path, L, &given) != IDR_OK) return IDR_ERR_INPUT;
  } else if (str(c, n, path, "material_ref", 0, L->material_ref, sizeof L->material_ref) < 0) {
    return IDR_ERR_INPUT;
  }
  idr_strlcpy(L->mat.name, L->material_ref[0] ? L->material_ref : L->name, sizeof L->mat.name);
  if (conv_composition(c, n, path, i, L, &given) != IDR_OK) return IDR_ERR_INPUT;
  for (int k = 0; k < IDR_MATP_COUNT; k++) {
    const char *key = MATP[k].key;
    int r = num(c, n, path, key, 0, MATP[k].r, idr_material_param_ptr(&L->mat, k));
    if (r < 0) return IDR_ERR_INPUT;
    if (r > 0) given |= 1u << k;
    if (!(given & (1u << k))) {
      if (MATP[k].required) {
        jkey(p, path, key);
        return idr_yerror(c->doc, n, 0, p, c->err,
                          "must be given in the layer or its material file (got nothing)");
      }
      *idr_material_param_ptr(&L->mat, k) = idr_material_param_default(k);
    }
  }
  if (num(c, n, path, "thickness_nm", 1, R_GT0, &L->thickness_nm) < 0) return IDR_ERR_INPUT;
  L->loc_thickness = loc_of(idr_ynode_get(n, "thickness_nm"));
  if (num(c, n, path, "N_A_cm3", 0, R_GE0, &L->N_A_cm3) < 0) return IDR_ERR_INPUT;
  if (num(c, n, path, "N_D_cm3", 0, R_GE0, &L->N_D_cm3) < 0) return IDR_ERR_INPUT;
  long nodes = 0;
  if (inum(c, n, path, "nodes", 0, 0, MESH_NODES_MAX, &nodes) < 0) return IDR_ERR_INPUT;
  if (nodes != 0 && nodes < 3) {
    jkey(p, path, "nodes");
    got_raw(idr_ynode_get(n, "nodes"), got);
    return idr_yerror(c->doc, idr_ynode_get(n, "nodes"), 0, p, c->err,
                      "must be 0 (automatic) or >= 3 (got %s)", got);
  }
  L->nodes = (int)nodes;
  return IDR_OK;
}

static int find_layer(const idr_deck *d, const char *name) {
  for (int i = 0; i < d->n_layers; i++)
    if (strcmp(d->layers[i].name, name) == 0) return i;
  return -1;
}

static idr_status conv_layers(cv *c, const idr_ynode *root, idr_deck *d) {
  const idr_ynode *ls;
  char path[PATH_LEN], p[PATH_LEN];
  if (seq(c, root, "", "layers", 1, 1, IDR_MAX_LAYERS, "layers", &ls) < 0) return IDR_ERR_INPUT;
  for (size_t i = 0; i < idr_ynode_len(ls); i++) {
    idr_layer *L = &d->layers[i];
    if (conv_layer(c, idr_ynode_at(ls, i), i, L) != IDR_OK) return IDR_ERR_INPUT;
    int j = find_layer(d, L->name);
    if (j >= 0) {
      jidx(path, "layers", i);
      jkey(p, path, "name");
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
  int r = seq(c, root, "", "interfaces", 0, want, want, "interfaces (one per pair of layers)", &s);
  if (r < 0) return IDR_ERR_INPUT;
  for (size_t i = 0; r > 0 && i < want; i++) {
    char path[PATH_LEN];
    const idr_ynode *n = idr_ynode_at(s, i);
    jidx(path, "interfaces", i);
    if (idr_ycheck_map(c->doc, n, path, KEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
    if (num(c, n, path, "s_n_cm_s", 0, R_GE0, &d->interfaces[i].s_n_cm_s) < 0 ||
        num(c, n, path, "s_p_cm_s", 0, R_GE0, &d->interfaces[i].s_p_cm_s) < 0)
      return IDR_ERR_INPUT;
  }
  return IDR_OK;
}

/* The composition an ion species takes its missing values from: that of
 * the one composition layer it lives in (NULL: none, or several). */
static const idr_composition *ion_composition(const cv *c, const idr_deck *d, unsigned mask) {
  const idr_composition *found = NULL;
  for (int l = 0; l < d->n_layers; l++)
    if ((mask & (1u << l)) && c->has_comp[l]) {
      if (found) return NULL;
      found = &c->comp[l];
    }
  return found;
}

static idr_status conv_ions(cv *c, const idr_ynode *root, idr_deck *d) {
  static const char *const KEYS[] = {"name",     "charge", "layers",    "density_cm3",
                                     "D0_cm2_s", "Ea_eV",  "c_max_cm3", NULL};
  const idr_ynode *s;
  if (seq(c, root, "", "ions", 0, 0, IDR_MAX_IONS, "ion species", &s) < 0) return IDR_ERR_INPUT;
  for (size_t i = 0; s && i < idr_ynode_len(s); i++) {
    char path[PATH_LEN], p[PATH_LEN], got[GOT_LEN];
    const idr_ynode *n = idr_ynode_at(s, i);
    idr_ion_species *I = &d->ions[i];
    jidx(path, "ions", i);
    if (idr_ycheck_map(c->doc, n, path, KEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
    I->loc = loc_of(n);
    if (str(c, n, path, "name", 1, I->name, sizeof I->name) < 0) return IDR_ERR_INPUT;
    for (size_t j = 0; j < i; j++)
      if (strcmp(d->ions[j].name, I->name) == 0) {
        jkey(p, path, "name");
        return idr_yerror(c->doc, idr_ynode_get(n, "name"), 0, p, c->err,
                          "must be unique (got '%s', also the name of ions[%zu])", I->name, j);
      }
    double z = 0;
    if (num(c, n, path, "charge", 1, R_ANY, &z) < 0) return IDR_ERR_INPUT;
    if (z != 1.0 && z != -1.0) {
      jkey(p, path, "charge");
      got_raw(idr_ynode_get(n, "charge"), got);
      return idr_yerror(c->doc, idr_ynode_get(n, "charge"), 0, p, c->err,
                        "must be +1 or -1 (got %s)", got);
    }
    I->z = (int)z;
    jkey(p, path, "layers");
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
      jidx(q, p, k);
      if (idr_yread_string(c->doc, e, q, lname, sizeof lname, c->err) != IDR_OK)
        return IDR_ERR_INPUT;
      int li = find_layer(d, lname);
      if (li < 0)
        return idr_yerror(c->doc, e, 0, q, c->err, "must be a layer name (got '%s')", lname);
      I->layer_mask |= 1u << li;
    }
    /* Values the species omits come from its layer's composition: charge -1
     * the halide columns, +1 the FA columns (Ea under light). */
    const idr_composition *C = ion_composition(c, d, I->layer_mask);
    int req = C == NULL;
    if (C) {
      I->density_cm3 = I->z < 0 ? C->N_halide_cm3 : C->N_FA_cm3;
      I->D0_cm2_s = I->z < 0 ? C->D0_halide_cm2_s : C->D0_FA_cm2_s;
      I->Ea_eV = I->z < 0 ? C->Ea_halide_eV : C->Ea_FA_light_eV;
    }
    if (num(c, n, path, "density_cm3", req, R_GE0, &I->density_cm3) < 0 ||
        num(c, n, path, "D0_cm2_s", req, R_GT0, &I->D0_cm2_s) < 0 ||
        num(c, n, path, "Ea_eV", req, R_GE0, &I->Ea_eV) < 0 ||
        num(c, n, path, "c_max_cm3", 0, R_GE0, &I->c_max_cm3) < 0)
      return IDR_ERR_INPUT;
    if (I->c_max_cm3 > 0 && I->c_max_cm3 <= I->density_cm3) {
      jkey(p, path, "c_max_cm3");
      got_raw(idr_ynode_get(n, "c_max_cm3"), got);
      return idr_yerror(c->doc, idr_ynode_get(n, "c_max_cm3"), 0, p, c->err,
                        "must be 0 (no limit) or > density_cm3 = %g (got %s)", I->density_cm3, got);
    }
    d->n_ions = (int)i + 1;
  }
  return IDR_OK;
}

static idr_status conv_trap(cv *c, const idr_ynode *n, const char *path, const idr_deck *d,
                            idr_trap_spec *T) {
  static const char *const KEYS[] = {
      "name",        "layer",      "type",      "E_from_Ec_eV",     "E_from_Ev_eV",
      "density_cm3", "c_n_cm3_s",  "c_p_cm3_s", "sigma_n_cm2",      "sigma_p_cm2",
      "v_th_cm_s",   "sigma_E_eV", "levels",    "from_composition", NULL};
  static const char *const BANDS[] = {"band_II", "band_III", NULL};
  static const char *const TYPES[] = {"acceptor", "donor", NULL};
  char p[PATH_LEN], got[GOT_LEN], lname[IDR_NAME_LEN];
  if (idr_ycheck_map(c->doc, n, path, KEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
  T->loc = loc_of(n);
  if (str(c, n, path, "name", 1, T->name, sizeof T->name) < 0) return IDR_ERR_INPUT;
  if (str(c, n, path, "layer", 1, lname, sizeof lname) < 0) return IDR_ERR_INPUT;
  T->layer = find_layer(d, lname);
  if (T->layer < 0) {
    jkey(p, path, "layer");
    return idr_yerror(c->doc, idr_ynode_get(n, "layer"), 0, p, c->err,
                      "must be a layer name (got '%s')", lname);
  }
  int t = choice(c, n, path, "type", 1, TYPES);
  if (t < 0) return IDR_ERR_INPUT;
  T->type = t == 0 ? IDR_TRAP_ACCEPTOR : IDR_TRAP_DONOR;

  /* `from_composition: band_II | band_III`: density and level (above Ev)
   * from the layer's composition; explicit keys still override them. */
  int band = choice(c, n, path, "from_composition", 0, BANDS);
  if (band == -2) return IDR_ERR_INPUT;
  if (band >= 0) {
    if (!c->has_comp[T->layer]) {
      jkey(p, path, "from_composition");
      return idr_yerror(c->doc, idr_ynode_get(n, "from_composition"), 0, p, c->err,
                        "must be used in a layer with a composition, and layer '%s' has none "
                        "(got '%s')",
                        lname, BANDS[band]);
    }
    const idr_composition *C = &c->comp[T->layer];
    T->density_cm3 = band == 0 ? C->N_band_II_cm3 : C->N_band_III_cm3;
    T->E_eV = band == 0 ? C->E_band_II_from_Ev_eV : C->E_band_III_from_Ev_eV;
    T->ref = IDR_EREF_EV;
  }
  const idr_ynode *ec = idr_ynode_get(n, "E_from_Ec_eV");
  const idr_ynode *ev = idr_ynode_get(n, "E_from_Ev_eV");
  if (ec && ev) {
    jkey(p, path, "E_from_Ev_eV");
    got_raw(ev, got);
    return idr_yerror(c->doc, ev, 1, p, c->err,
                      "must be absent when E_from_Ec_eV is given: give exactly one of them (got "
                      "%s)",
                      got);
  }
  if (!ec && !ev && band < 0) {
    jkey(p, path, "E_from_Ec_eV");
    return idr_yerror(c->doc, n, 0, p, c->err,
                      "must be given, or E_from_Ev_eV instead (got nothing)");
  }
  double Eg = d->layers[T->layer].mat.Eg_eV;
  if (ec || ev) {
    const char *ekey = ec ? "E_from_Ec_eV" : "E_from_Ev_eV";
    T->ref = ec ? IDR_EREF_EC : IDR_EREF_EV;
    if (num(c, n, path, ekey, 1, R_ANY, &T->E_eV) < 0) return IDR_ERR_INPUT;
    if (!(T->E_eV > 0 && T->E_eV < Eg)) {
      jkey(p, path, ekey);
      got_raw(ec ? ec : ev, got);
      return idr_yerror(c->doc, ec ? ec : ev, 0, p, c->err,
                        "must be in (0, %g), inside the band gap of layer '%s' (got %s)", Eg, lname,
                        got);
    }
  } else if (!(T->E_eV > 0 && T->E_eV < Eg)) {
    jkey(p, path, "from_composition");
    return idr_yerror(c->doc, idr_ynode_get(n, "from_composition"), 0, p, c->err,
                      "must give a level inside the band gap (0, %g) of layer '%s' (got '%s' at "
                      "%g eV above Ev)",
                      Eg, lname, BANDS[band], T->E_eV);
  }
  if (num(c, n, path, "density_cm3", band < 0, R_GE0, &T->density_cm3) < 0) return IDR_ERR_INPUT;

  const idr_ynode *cn = idr_ynode_get(n, "c_n_cm3_s"), *cp = idr_ynode_get(n, "c_p_cm3_s");
  const idr_ynode *sn = idr_ynode_get(n, "sigma_n_cm2"), *sp = idr_ynode_get(n, "sigma_p_cm2");
  const idr_ynode *vt = idr_ynode_get(n, "v_th_cm_s");
  if ((cn || cp) && (sn || sp || vt)) {
    const idr_ynode *bad = sn ? sn : sp ? sp : vt;
    jkey(p, path, idr_ynode_key(bad));
    got_raw(bad, got);
    return idr_yerror(c->doc, bad, 1, p, c->err,
                      "must be absent when capture coefficients c_n_cm3_s/c_p_cm3_s are given "
                      "(got %s)",
                      got);
  }
  if (sn || sp) {
    double s_n = 0, s_p = 0, v_th = V_TH_DEFAULT_CM_S;
    if (num(c, n, path, "sigma_n_cm2", 1, R_GE0, &s_n) < 0 ||
        num(c, n, path, "sigma_p_cm2", 1, R_GE0, &s_p) < 0 ||
        num(c, n, path, "v_th_cm_s", 0, R_GT0, &v_th) < 0)
      return IDR_ERR_INPUT;
    T->c_n_cm3_s = s_n * v_th;
    T->c_p_cm3_s = s_p * v_th;
  } else if (cn || cp) {
    if (num(c, n, path, "c_n_cm3_s", 1, R_GE0, &T->c_n_cm3_s) < 0 ||
        num(c, n, path, "c_p_cm3_s", 1, R_GE0, &T->c_p_cm3_s) < 0)
      return IDR_ERR_INPUT;
  } else {
    jkey(p, path, vt ? "sigma_n_cm2" : "c_n_cm3_s");
    if (vt)
      return idr_yerror(c->doc, n, 0, p, c->err,
                        "must be given with sigma_p_cm2 when v_th_cm_s is (got nothing)");
    return idr_yerror(c->doc, n, 0, p, c->err,
                      "must be given with c_p_cm3_s, or sigma_n_cm2 and sigma_p_cm2 instead "
                      "(got nothing)");
  }
  if (num(c, n, path, "sigma_E_eV", 0, R_GE0, &T->sigma_E_eV) < 0) return IDR_ERR_INPUT;
  long levels = T->sigma_E_eV > 0 ? TRAP_LEVELS_DEFAULT : 1;
  int r = inum(c, n, path, "levels", 0, 1, TRAP_LEVELS_MAX, &levels);
  if (r < 0) return IDR_ERR_INPUT;
  if (r > 0) {
    const idr_ynode *ln = idr_ynode_get(n, "levels");
    jkey(p, path, "levels");
    got_raw(ln, got);
    if (T->sigma_E_eV == 0 && levels != 1)
      return idr_yerror(c->doc, ln, 0, p, c->err, "must be 1 when sigma_E_eV is 0 (got %s)", got);
    if (T->sigma_E_eV > 0 && (levels < 3 || levels % 2 == 0))
      return idr_yerror(c->doc, ln, 0, p, c->err,
                        "must be odd and >= 3 when sigma_E_eV > 0 (got %s)", got);
  }
  T->levels = (int)levels;
  return IDR_OK;
}

static idr_status conv_traps(cv *c, const idr_ynode *root, idr_deck *d) {
  const idr_ynode *s;
  if (seq(c, root, "", "traps", 0, 0, IDR_MAX_TRAPS, "traps", &s) < 0) return IDR_ERR_INPUT;
  for (size_t i = 0; s && i < idr_ynode_len(s); i++) {
    char path[PATH_LEN], p[PATH_LEN];
    const idr_ynode *n = idr_ynode_at(s, i);
    jidx(path, "traps", i);
    if (conv_trap(c, n, path, d, &d->traps[i]) != IDR_OK) return IDR_ERR_INPUT;
    for (size_t j = 0; j < i; j++)
      if (strcmp(d->traps[j].name, d->traps[i].name) == 0) {
        jkey(p, path, "name");
        return idr_yerror(c->doc, idr_ynode_get(n, "name"), 0, p, c->err,
                          "must be unique (got '%s', also the name of traps[%zu])",
                          d->traps[i].name, j);
      }
    d->n_traps = (int)i + 1;
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
    jkey(path, "contacts", key);
    const idr_ynode *cn = idr_ynode_get(n, key);
    if (!cn) continue;
    if (idr_ycheck_map(c->doc, cn, path, CKEYS, c->err) != IDR_OK) return IDR_ERR_INPUT;
    idr_contact_spec *C = side ? &d->contact_right : &d->contact_left;
    if (num(c, cn, path, "work_function_eV", 0, RW, &C->work_function_eV) < 0) return IDR_ERR_INPUT;
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
  int m = choice(c, n, "generation", "model", 0, MODELS);
  if (m == -2) return IDR_ERR_INPUT;
  if (m >= 0) d->generation.model = (idr_gen_model)m;
  int s = choice(c, n, "generation", "side", 0, SIDES);
  if (s == -2) return IDR_ERR_INPUT;
  if (s >= 0) d->generation.from_right = s;
  int need_flux = d->generation.model == IDR_GEN_BEER_LAMBERT;
  if (num(c, n, "generation", "photon_flux_cm2_s", need_flux, need_flux ? R_GT0 : R_GE0,
          &d->generation.photon_flux_cm2_s) < 0)
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
                        "must be none unless some layer has %s > 0 (got '%s')", MATP[k].key,
                        MODELS[d->generation.model]);
  }
  return IDR_OK;
}

static idr_status conv_mesh_solver(cv *c, const idr_ynode *root, idr_deck *d) {
  static const char *const MKEYS[] = {"nodes", "h_min_nm", NULL};
  static const char *const SKEYS[] = {"rtol",      "atol_density_cm3", "atol_potential_V",
                                      "max_steps", "linear",           NULL};
  static const char *const LINEAR[] = {"block", "klu", NULL};
  static const range RRTOL = {1, 1, 1, 1, 0, RTOL_MAX};
  const idr_ynode *m = idr_ynode_get(root, "mesh");
  if (m) {
    long nodes = d->mesh.nodes;
    if (idr_ycheck_map(c->doc, m, "mesh", MKEYS, c->err) != IDR_OK ||
        inum(c, m, "mesh", "nodes", 0, MESH_NODES_MIN, MESH_NODES_MAX, &nodes) < 0 ||
        num(c, m, "mesh", "h_min_nm", 0, R_GT0, &d->mesh.h_min_nm) < 0)
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
        num(c, s, "solver", "rtol", 0, RRTOL, &d->solver.rtol) < 0 ||
        num(c, s, "solver", "atol_density_cm3", 0, R_GT0, &d->solver.atol_density_cm3) < 0 ||
        num(c, s, "solver", "atol_potential_V", 0, R_GT0, &d->solver.atol_potential_V) < 0 ||
        inum(c, s, "solver", "max_steps", 0, 1, LONG_MAX, &steps) < 0)
      return IDR_ERR_INPUT;
    d->solver.max_steps = steps;
    int lin = choice(c, s, "solver", "linear", 0, LINEAR);
    if (lin < -1) return IDR_ERR_INPUT;
    if (lin >= 0) d->solver.linear = (idr_linear_solver)lin;
  }
  return IDR_OK;
}

/* protocol: {type: NAME, ...}: the table entry NAME reads its own keys. */
static idr_status conv_protocol(cv *c, const idr_ynode *root, idr_deck *d) {
  idr_protocol_spec *P = &d->protocol;
  const idr_ynode *n = idr_ynode_get(root, "protocol");
  if (!n) return IDR_OK;
  P->loc = loc_of(n);
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
  int t = choice(c, n, "protocol", "type", 1, words);
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
  if (str(c, n, "output", "h5", 0, d->output.h5_path, sizeof d->output.h5_path) < 0)
    return IDR_ERR_INPUT;
  const idr_ynode *csv = idr_ynode_get(n, "csv");
  d->output.csv_given = csv != NULL;
  if (csv && idr_ynode_scalar(csv) && idr_ynode_scalar(csv)[0] == '\0' &&
      idr_ynode_kind(csv) == IDR_Y_SCALAR) {
    memset(d->output.csv_path, 0, sizeof d->output.csv_path); /* "" = no CSV */
    return IDR_OK;
  }
  if (str(c, n, "output", "csv", 0, d->output.csv_path, sizeof d->output.csv_path) < 0)
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
  } else if (str(c, root, "", "title", 0, d->title, sizeof d->title) < 0) {
    return IDR_ERR_INPUT;
  }
  if (num(c, root, "", "temperature_K", 0, RT, &d->temperature_K) < 0) return IDR_ERR_INPUT;
  if (conv_layers(c, root, d) != IDR_OK || conv_interfaces(c, root, d) != IDR_OK ||
      conv_ions(c, root, d) != IDR_OK || conv_traps(c, root, d) != IDR_OK ||
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
  d->mesh.h_min_nm = 0.2;
  d->solver.rtol = 1e-6;
  d->solver.atol_density_cm3 = 1e3;
  d->solver.atol_potential_V = 1e-9;
  d->solver.max_steps = 500000;
  d->solver.linear = IDR_LINEAR_BLOCK;
  d->protocol.keys = NULL; /* equilibrate */
}

void idr_deck_free(idr_deck *d) {
  if (!d) return;
  free(d->resolved_yaml);
  d->resolved_yaml = NULL;
}

/* Defined in emit.c. */
idr_status idr_deck_emit_yaml(const idr_deck *d, char **out, idr_error *err);

idr_status idr_deck_set_output(idr_deck *d, const char *h5_path, const char *csv_path,
                               idr_error *err) {
  if (!idr_strlcpy(d->output.h5_path, h5_path, sizeof d->output.h5_path) ||
      !idr_strlcpy(d->output.csv_path, csv_path ? csv_path : "", sizeof d->output.csv_path))
    return idr_error_set(err, IDR_ERR_INPUT, "%s: output path too long (at most %zu bytes)",
                         h5_path, sizeof d->output.h5_path - 1);
  char *yaml = NULL;
  idr_status st = idr_deck_emit_yaml(d, &yaml, err);
  if (st) return st;
  free(d->resolved_yaml);
  d->resolved_yaml = yaml;
  return IDR_OK;
}

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

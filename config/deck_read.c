/*
 * iondrift config: the value rules and reading helpers of the deck reader:
 * ranges, the material parameter table (keys, requirements, ranges), and the
 * helpers. Every value is
 * looked up by key, checked against its range and reported with its
 * position: "FILE:LINE:COL: PATH must be WHAT (got VALUE)". deck.c reads the
 * deck's sections with them; the protocol table (protocols/) reads its own
 * keys through the public idr_read_* wrappers, with the same messages.
 */
#include "idr_config.h"
#include "deck_internal.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- value ranges ---------------------------------------------------------- */

int idr_dk_in_range(const range *r, double v) {
  if (r->has_lo && (r->lo_open ? !(v > r->lo) : !(v >= r->lo))) return 0;
  if (r->has_hi && (r->hi_open ? !(v < r->hi) : !(v <= r->hi))) return 0;
  return 1;
}

void idr_dk_range_text(const range *r, char *buf, size_t size) {
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
  return idr_dk_in_range(&MATP[i].r, v) ? NULL : RULE[i];
}

range idr_dk_matp_range(int i) {
  return MATP[i].r;
}

/* ---- conversion context ------------------------------------------------------ */

/* Paths are short (layers[1].thickness_nm); one too long for PATH_LEN is cut
 * and marked, never overflowed. */
static void idr_dk_path_fit(char *buf, int n) {
  if (n < 0 || n >= PATH_LEN) memcpy(buf + PATH_LEN - 4, "...", 4);
}

void idr_dk_jkey(char *buf, const char *path, const char *key) {
  idr_dk_path_fit(buf, snprintf(buf, PATH_LEN, "%s%s%s", path, *path ? "." : "", key));
}

void idr_dk_jidx(char *buf, const char *path, size_t i) {
  idr_dk_path_fit(buf, snprintf(buf, PATH_LEN, "%s[%zu]", path, i));
}

void idr_dk_got_raw(const idr_ynode *n, char *buf) {
  const char *s = idr_ynode_scalar(n);
  snprintf(buf, GOT_LEN, "%s", s ? s : "?");
}

/* Look up map[key] and fill its path p. Returns 1 present (*n set), 0
 * absent, -1 absent but required (the error is reported at the mapping). */
static int idr_dk_lookup(cv *c, const idr_ynode *map, const char *path, const char *key,
                         int required, char *p, const idr_ynode **n) {
  idr_dk_jkey(p, path, key);
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
int idr_dk_num(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
               range r, double *out) {
  char p[PATH_LEN], got[GOT_LEN], rule[96];
  const idr_ynode *n;
  int f = idr_dk_lookup(c, map, path, key, required, p, &n);
  if (f <= 0) return f;
  double v;
  if (idr_yread_number(c->doc, n, p, &v, c->err) != IDR_OK) return -1;
  if (!idr_dk_in_range(&r, v)) {
    idr_dk_range_text(&r, rule, sizeof rule);
    idr_dk_got_raw(n, got);
    idr_yerror(c->doc, n, 0, p, c->err, "must be %s (got %s)", rule, got);
    return -1;
  }
  *out = v;
  return 1;
}

/* Integer in [lo, hi]; same return convention as idr_dk_num(). */
int idr_dk_inum(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
                long lo, long hi, long *out) {
  char p[PATH_LEN], got[GOT_LEN];
  const idr_ynode *n;
  int f = idr_dk_lookup(c, map, path, key, required, p, &n);
  if (f <= 0) return f;
  double v;
  if (idr_yread_number(c->doc, n, p, &v, c->err) != IDR_OK) return -1;
  idr_dk_got_raw(n, got);
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

int idr_dk_str(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
               char *buf, size_t size) {
  char p[PATH_LEN];
  const idr_ynode *n;
  int f = idr_dk_lookup(c, map, path, key, required, p, &n);
  if (f <= 0) return f;
  return idr_yread_string(c->doc, n, p, buf, size, c->err) == IDR_OK ? 1 : -1;
}

/* One word out of a list: returns its index, -1 absent, -2 on error. */
int idr_dk_choice(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
                  const char *const *words) {
  char p[PATH_LEN], got[GOT_LEN], list[256] = "";
  const idr_ynode *n;
  int f = idr_dk_lookup(c, map, path, key, required, p, &n);
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

idr_srcloc idr_dk_loc_of(const idr_ynode *n) {
  idr_srcloc l = {0, 0};
  if (n && !idr_ynode_from_set(n)) {
    l.line = idr_ynode_line(n);
    l.col = idr_ynode_col(n);
  }
  return l;
}

/* Sequence under map[key] with lo..hi items; NULL and 0 when absent. */
int idr_dk_seq(cv *c, const idr_ynode *map, const char *path, const char *key, int required,
               size_t lo, size_t hi, const char *what, const idr_ynode **out) {
  char p[PATH_LEN], got[GOT_LEN];
  int f = idr_dk_lookup(c, map, path, key, required, p, out);
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
  return idr_dk_num(r, map, path, key, required, rg, out);
}
int idr_read_int(idr_deck_reader *r, const idr_ynode *map, const char *path, const char *key,
                 int required, long lo, long hi, long *out) {
  return idr_dk_inum(r, map, path, key, required, lo, hi, out);
}
int idr_read_choice(idr_deck_reader *r, const idr_ynode *map, const char *path, const char *key,
                    int required, const char *const *words) {
  return idr_dk_choice(r, map, path, key, required, words);
}
int idr_read_seq(idr_deck_reader *r, const idr_ynode *map, const char *path, const char *key,
                 int required, size_t lo, size_t hi, const char *what, const idr_ynode **out) {
  *out = NULL;
  return idr_dk_seq(r, map, path, key, required, lo, hi, what, out);
}
idr_status idr_read_check_map(idr_deck_reader *r, const idr_ynode *n, const char *path,
                              const char *const *keys) {
  return idr_ycheck_map(r->doc, n, path, keys, r->err);
}
idr_srcloc idr_read_loc(const idr_ynode *n) {
  return idr_dk_loc_of(n);
}
void idr_read_path_index(char *buf, size_t size, const char *path, size_t i) {
  char p[PATH_LEN];
  idr_dk_jidx(p, path, i);
  idr_strlcpy(buf, p, size);
}
void idr_read_path_key(char *buf, size_t size, const char *path, const char *key) {
  char p[PATH_LEN];
  idr_dk_jkey(p, path, key);
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
  idr_dk_got_raw(at, got);
  return idr_yerror(r->doc, at, 0, path, r->err,
                    "must be 0 while generation.model is none: the deck has no light source "
                    "(set generation: {model: beer_lambert, photon_flux_cm2_s: ...} or "
                    "{model: uniform}) (got %s)",
                    got);
}

const char *idr_protocol_name(const idr_protocol_spec *p) {
  return p->keys ? p->keys->name : "equilibrate";
}

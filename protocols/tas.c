/*
 * Thermal admittance spectroscopy (TAS): at each temperature T,
 *   1. the device at T and its thermal equilibrium (dark, 0 V, ions
 *      included); at a DC bias V_V != 0 the steady state there, ions
 *      equilibrated (pseudo-transient relaxation);
 *   2. C and G on `points` log-spaced frequencies f_min..f_max by the
 *      small-signal routine (solver/admittance.c) about that state: every
 *      unknown (carriers, traps, dopant charge, ions) responds by its own
 *      physics at each frequency.
 * Temperatures are independent and run in parallel through the temperature
 * scan shared with TID (tscan.c); results do not depend on the thread count.
 * Then the analysis an experimenter applies (analysis/tas.c): inflections,
 * Arrhenius law of each level, Walter's tDOS and Gaussian bands.
 *
 * The table entry: the keys of `protocol: {type: tas}`, the group `tas`
 * (C, G, the analysis, the true trap levels beside it) and the long-format
 * CSV (temperature_K, frequency_Hz, capacitance_F, conductance_S for 1 cm^2)
 * that `iondrift tas-extract` reads.
 */
#include "idr_protocols.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TAS_OBJ_LEN 320

static double wall_now(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void idr_tas_result_free(idr_tas_result *r) {
  free(r->T_K);
  free(r->f_Hz);
  free(r->C);
  free(r->G);
  free(r->wall);
  memset(r, 0, sizeof *r);
}

/* One temperature into row j of r; everything allocated here is freed here. */
static idr_status tas_one(const idr_deck *deck, const idr_mesh *mesh, const idr_sim_opts *opts,
                          idr_tas_result *r, int j, idr_error *err) {
  const double T = r->T_K[j], t0 = wall_now();
  idr_device *dev = NULL;
  idr_admittance *adm = NULL;
  double *y = NULL, *y0 = NULL;
  idr_status st = idr_device_build(deck, mesh, T, &dev, err);
  if (st) goto out_free;
  y = malloc((size_t)dev->n_unknowns * sizeof *y);
  y0 = malloc((size_t)dev->n_unknowns * sizeof *y0);
  if (!y || !y0) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "TAS: out of memory");
    goto out_free;
  }
  idr_eq_stats es;
  const idr_bias b = {r->V_V, 0.0};
  st = idr_equilibrium(dev, y0, &es, err);
  if (!st && b.V != 0.0) st = idr_steady_state(dev, opts, y0, &b, y, err);
  if (!st && b.V == 0.0) memcpy(y, y0, (size_t)dev->n_unknowns * sizeof *y);
  if (!st) st = idr_admittance_create(dev, &adm, err);
  if (!st) st = idr_admittance_set_state(adm, y, &b, err);
  for (int k = 0; !st && k < r->n_f; k++) {
    idr_admittance_point p;
    st = idr_admittance_eval(adm, 2.0 * IDR_PI * r->f_Hz[k], &p, err);
    r->C[(size_t)j * r->n_f + k] = p.C;
    r->G[(size_t)j * r->n_f + k] = p.G;
  }
out_free:
  r->wall[j] = wall_now() - t0;
  idr_admittance_free(&adm);
  free(y);
  free(y0);
  idr_device_free(&dev);
  return st;
}

typedef struct tas_scan {
  const idr_deck *deck;
  const idr_mesh *mesh;
  const idr_sim_opts *opts;
  idr_tas_result *res;
} tas_scan;

static idr_status tas_scan_one(void *user, int j, double T_K, idr_error *err) {
  const tas_scan *s = user;
  (void)T_K;
  return tas_one(s->deck, s->mesh, s->opts, s->res, j, err);
}

idr_status idr_run_tas(const idr_deck *deck, const idr_mesh *mesh, const idr_sim_opts *opts,
                       int threads, idr_progress_fn progress, void *progress_user,
                       idr_tas_result *res, idr_error *err) {
  memset(res, 0, sizeof *res);
  const idr_tas_spec *P = idr_tas_spec_of(deck);
  if (!P) return idr_error_set(err, IDR_ERR_INPUT, "TAS: the deck's protocol is not tas");
  const int nT = P->n_temperatures, nf = P->points;
  if (nT < 1 || nf < 2) return idr_error_set(err, IDR_ERR_INPUT, "TAS: no temperatures or points");
  res->n_T = nT;
  res->n_f = nf;
  res->V_V = P->V_V;
  res->T_K = malloc((size_t)nT * sizeof *res->T_K);
  res->f_Hz = malloc((size_t)nf * sizeof *res->f_Hz);
  res->C = calloc((size_t)nT * nf, sizeof *res->C);
  res->G = calloc((size_t)nT * nf, sizeof *res->G);
  res->wall = calloc((size_t)nT, sizeof *res->wall);
  if (!res->T_K || !res->f_Hz || !res->C || !res->G || !res->wall) {
    idr_tas_result_free(res);
    return idr_error_set(err, IDR_ERR_NOMEM, "TAS: out of memory");
  }
  memcpy(res->T_K, P->temperatures_K, (size_t)nT * sizeof *res->T_K);
  const double l0 = log10(P->f_min_Hz), l1 = log10(P->f_max_Hz);
  for (int k = 0; k < nf; k++)
    res->f_Hz[k] = pow(10.0, l0 + (l1 - l0) * k / (nf - 1));
  res->f_Hz[0] = P->f_min_Hz;
  res->f_Hz[nf - 1] = P->f_max_Hz;
  tas_scan s = {deck, mesh, opts, res};
  idr_status st = idr_temperature_scan(res->T_K, nT, threads > 0 ? threads : P->threads, "TAS scan",
                                       tas_scan_one, &s, progress, progress_user, &res->threads,
                                       &res->wall_s, NULL, err);
  if (st) idr_tas_result_free(res);
  return st;
}

/* ---- the analysis of a run ---------------------------------------------------- */

idr_status idr_tas_extract_deck(const idr_deck *deck, const idr_tas_result *r, double vbi_device_V,
                                idr_tas_extraction *x, idr_error *err) {
  const idr_tas_spec *P = idr_tas_spec_of(deck);
  const idr_layer *ly = &deck->layers[idr_tid_absorber_layer(deck)];
  idr_tas_curve *c = calloc((size_t)r->n_T, sizeof *c);
  if (!c) return idr_error_set(err, IDR_ERR_NOMEM, "TAS: out of memory");
  for (int j = 0; j < r->n_T; j++)
    c[j] = (idr_tas_curve){r->T_K[j], (size_t)r->n_f, r->f_Hz, r->C + (size_t)j * r->n_f};
  idr_tas_options o;
  idr_tas_options_default(&o);
  o.C_to_F_m2 = 1.0;
  o.eps_r = ly->mat.eps_r;
  o.V_bi_V = P && P->vbi_V > 0 ? P->vbi_V : vbi_device_V;
  o.W_nm = P && P->W_nm > 0 ? P->W_nm : NAN;
  const double net = ly->N_A_cm3 - ly->N_D_cm3;
  o.N_A_cm3 = net != 0.0 ? fabs(net) : NAN;
  o.band_dos_cm3 = net > 0 ? ly->mat.Nv_cm3 : net < 0 ? ly->mat.Nc_cm3 : NAN;
  idr_status st = idr_tas_extract(c, (size_t)r->n_T, &o, x, err);
  free(c);
  return st;
}

/* ---- the analysis as a result group --------------------------------------------- */

static idr_status attrs(idr_rset *rs, const char *g, const char *const *names, const double *v,
                        size_t n, idr_error *err) {
  idr_status st = idr_rset_group(rs, g, err);
  for (size_t i = 0; !st && i < n; i++)
    st = idr_rset_attr_double(rs, g, names[i], v[i], err);
  return st;
}

static idr_status write_level(idr_rset *rs, const char *g, const idr_tas_level *L, idr_error *err) {
  static const char *const names[] = {"E_eV", "E_err_eV", "xi_s_K2",   "ln_xi",     "ln_xi_err",
                                      "r2",   "N_cm3",    "N_err_cm3", "lambda_nm", "n_T"};
  const double v[] = {L->E_eV, L->E_err_eV, L->xi_s_K2,   L->ln_xi,     L->ln_xi_err,
                      L->r2,   L->N_cm3,    L->N_err_cm3, L->lambda_nm, (double)L->n_T};
  char p[TAS_OBJ_LEN + 32];
  idr_status st = attrs(rs, g, names, v, sizeof v / sizeof v[0], err);
  snprintf(p, sizeof p, "%s/T", g);
  if (!st) st = idr_rset_put_double(rs, p, L->T_K, L->n_T, "K", err);
  snprintf(p, sizeof p, "%s/w0", g);
  if (!st) st = idr_rset_put_double(rs, p, L->w0, L->n_T, "rad/s", err);
  snprintf(p, sizeof p, "%s/dC_rel", g);
  if (!st) st = idr_rset_put_double(rs, p, L->dC_rel, L->n_T, "-", err);
  return st;
}

static idr_status write_band(idr_rset *rs, const char *g, const idr_tas_band *b, idr_error *err) {
  static const char *const names[] = {"level",        "E_eV",  "E_err_eV",  "sigma_eV",
                                      "sigma_err_eV", "N_cm3", "N_err_cm3", "xi_s_K2",
                                      "ln_xi_err",    "chi2",  "n_points",  "converged"};
  const double v[] = {(double)b->level, b->E_eV,  b->E_err_eV,         b->sigma_eV,
                      b->sigma_err_eV,  b->N_cm3, b->N_err_cm3,        b->xi_s_K2,
                      b->ln_xi_err,     b->chi2,  (double)b->n_points, (double)b->converged};
  return attrs(rs, g, names, v, sizeof v / sizeof v[0], err);
}

idr_status idr_tas_write_extraction(idr_rset *rs, const char *g, const idr_tas_extraction *x,
                                    idr_error *err) {
  char p[TAS_OBJ_LEN];
  const double n_lv = (double)x->n_levels, n_bd = (double)x->n_bands;
  static const char *const names[] = {"V_bi_V", "n_levels", "n_bands"};
  const double v[] = {x->V_bi_V, n_lv, n_bd};
  idr_status st = attrs(rs, g, names, v, 3, err);
  int *off = malloc((x->m + 1) * sizeof *off);
  if (!off) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (size_t j = 0; j <= x->m; j++)
    off[j] = (int)x->off[j];
  const struct {
    const char *name, *units;
    const double *v;
    size_t n;
  } ds[] = {{"T", "K", x->T_K, x->m},
            {"W_nm", "nm", x->W_nm, x->m},
            {"f", "Hz", x->f_Hz, x->n},
            {"C", "F/m^2", x->C_F_m2, x->n},
            {"mwdC", "F/m^2", x->mwdC, x->n},
            {"E_w", "eV", x->E_w_eV, x->n},
            {"Nt", "cm^-3 eV^-1", x->Nt_cm3_eV, x->n}};
  for (size_t k = 0; !st && k < sizeof ds / sizeof ds[0]; k++) {
    snprintf(p, sizeof p, "%s/%s", g, ds[k].name);
    st = idr_rset_put_double(rs, p, ds[k].v, ds[k].n, ds[k].units, err);
  }
  snprintf(p, sizeof p, "%s/level_of", g);
  if (!st) st = idr_rset_put_int(rs, p, x->level_of, x->n, "-", err);
  snprintf(p, sizeof p, "%s/curve_off", g);
  if (!st) st = idr_rset_put_int(rs, p, off, x->m + 1, "-", err);
  free(off);
  for (size_t k = 0; !st && k < x->n_levels; k++) {
    snprintf(p, sizeof p, "%s/level_%zu", g, k);
    st = write_level(rs, p, &x->levels[k], err);
  }
  for (size_t k = 0; !st && k < x->n_bands; k++) {
    snprintf(p, sizeof p, "%s/band_%zu", g, k);
    st = write_band(rs, p, &x->bands[k], err);
  }
  return st;
}

/* ---- deck keys ------------------------------------------------------------------- */

static const char *const KEYS[] = {"type",   "temperatures_K", "V_V",   "f_min_Hz", "f_max_Hz",
                                   "points", "threads",        "vbi_V", "W_nm",     NULL};

static void tas_defaults(void *spec) {
  idr_tas_spec *P = spec;
  P->n_temperatures = 11;
  for (int i = 0; i < 11; i++)
    P->temperatures_K[i] = 340.0 - 20.0 * i;
  P->V_V = 0.0;
  P->f_min_Hz = 0.1;
  P->f_max_Hz = 1e6;
  P->points = 61;
  P->threads = 0;
  P->vbi_V = 0.0;
  P->W_nm = 0.0;
}

static idr_status tas_read(idr_deck_reader *r, const idr_ynode *n, const idr_deck *d, void *spec) {
  (void)d;
  idr_tas_spec *P = spec;
  long points = P->points, threads = P->threads;
  if (idr_read_num(r, n, "protocol", "V_V", 0, IDR_RANGE_ANY, &P->V_V) < 0 ||
      idr_read_num(r, n, "protocol", "f_min_Hz", 0, IDR_RANGE_GT0, &P->f_min_Hz) < 0 ||
      idr_read_num(r, n, "protocol", "f_max_Hz", 0, IDR_RANGE_GT0, &P->f_max_Hz) < 0 ||
      idr_read_int(r, n, "protocol", "points", 0, 5, 100000, &points) < 0 ||
      idr_read_int(r, n, "protocol", "threads", 0, 0, 1024, &threads) < 0 ||
      idr_read_num(r, n, "protocol", "vbi_V", 0, IDR_RANGE_GE0, &P->vbi_V) < 0 ||
      idr_read_num(r, n, "protocol", "W_nm", 0, IDR_RANGE_GE0, &P->W_nm) < 0)
    return IDR_ERR_INPUT;
  P->points = (int)points;
  P->threads = (int)threads;
  if (!(P->f_max_Hz > P->f_min_Hz)) {
    const idr_ynode *f = idr_ynode_get(n, "f_max_Hz");
    return idr_yerror(idr_read_doc(r), f ? f : n, 0, "protocol.f_max_Hz", idr_read_err(r),
                      "must be > protocol.f_min_Hz = %g (got %g)", P->f_min_Hz, P->f_max_Hz);
  }
  return idr_read_temperatures(r, n, "temperatures_K", P->temperatures_K, &P->n_temperatures,
                               IDR_MAX_TEMPS);
}

static void tas_emit(const void *spec, idr_yaml_out *o) {
  const idr_tas_spec *P = spec;
  char t1[32];
  idr_yout_printf(o, "  temperatures_K: [");
  for (int i = 0; i < P->n_temperatures; i++)
    idr_yout_printf(o, "%s%s", i ? ", " : "", idr_yout_fmt(P->temperatures_K[i], t1));
  idr_yout_printf(o, "]\n");
  idr_yout_num(o, "  ", "V_V", P->V_V);
  idr_yout_num(o, "  ", "f_min_Hz", P->f_min_Hz);
  idr_yout_num(o, "  ", "f_max_Hz", P->f_max_Hz);
  idr_yout_printf(o, "  points: %d\n  threads: %d\n", P->points, P->threads);
  idr_yout_num(o, "  ", "vbi_V", P->vbi_V);
  idr_yout_num(o, "  ", "W_nm", P->W_nm);
}

/* ---- run: the scan, then the analysis ------------------------------------------- */

typedef struct tas_out {
  idr_tas_result r;
  idr_tas_extraction x;
  int have_x;
  double vbi_device_V;          /* the device's built-in voltage at the deck's T [V] */
  char x_error[IDR_ERRMSG_LEN]; /* why the analysis failed, or "" */
} tas_out;

static void tas_progress_cb(void *user, double fraction, int index, double T) {
  const idr_run_ctx *c = user;
  char stage[64];
  (void)index;
  snprintf(stage, sizeof stage, "TAS (T = %g K done)", T);
  c->progress(c->progress_user, fraction, stage);
}

static void tas_free(void *out) {
  tas_out *o = out;
  if (!o) return;
  idr_tas_result_free(&o->r);
  if (o->have_x) idr_tas_extraction_free(&o->x);
  free(o);
}

static idr_status tas_run(const idr_run_ctx *c, void **out, idr_error *err) {
  tas_out *o = calloc(1, sizeof *o);
  if (!o) return idr_error_set(err, IDR_ERR_NOMEM, "TAS: out of memory");
  idr_status st = idr_run_tas(c->deck, c->mesh, &c->opts, c->threads,
                              c->progress ? tas_progress_cb : NULL, (void *)c, &o->r, err);
  if (st) {
    free(o);
    return st;
  }
  const idr_device *d = c->dev;
  o->vbi_device_V = fabs(idr_phi(d, c->y_eq, 0) - idr_phi(d, c->y_eq, d->N - 1));
  idr_error xerr;
  idr_error_clear(&xerr);
  if (idr_tas_extract_deck(c->deck, &o->r, o->vbi_device_V, &o->x, &xerr) == IDR_OK)
    o->have_x = 1;
  else
    idr_strlcpy(o->x_error, xerr.msg, sizeof o->x_error);
  *out = o;
  return IDR_OK;
}

/* ---- write: the group `tas`, the true levels and the CSV ------------------------- */

/* tas/true/<trap>: the deck's trap levels beside the analysis. */
static idr_status write_truth(idr_rset *rs, const idr_deck *d, idr_error *err) {
  idr_status st = IDR_OK;
  for (int k = 0; !st && k < d->n_traps; k++) {
    const idr_trap_spec *t = &d->traps[k];
    const double Eg = d->layers[t->layer].mat.Eg_eV;
    const double Ev = t->ref == IDR_EREF_EV ? t->E_eV : Eg - t->E_eV;
    char g[IDR_NAME_LEN + 16];
    snprintf(g, sizeof g, "tas/true/%s", t->name);
    const char *place = t->at_interface                    ? "interface"
                        : t->bound                         ? "ion"
                        : (t->from_nm > 0 || t->to_nm > 0) ? "part"
                                                           : "layer";
    static const char *const names[] = {"E_from_Ev_eV",      "E_from_Ec_eV", "density_cm3",
                                        "sheet_density_cm2", "sigma_E_eV",   "c_n_cm3_s",
                                        "c_p_cm3_s"};
    const double v[] = {
        Ev,           Eg - Ev,     t->density_cm3, t->sheet_density_cm2, t->sigma_E_eV,
        t->c_n_cm3_s, t->c_p_cm3_s};
    st = attrs(rs, g, names, v, sizeof v / sizeof v[0], err);
    if (!st)
      st = idr_rset_attr_string(rs, g, "type", t->type == IDR_TRAP_DONOR ? "donor" : "acceptor",
                                err);
    if (!st) st = idr_rset_attr_string(rs, g, "placement", place, err);
    if (!st) st = idr_rset_attr_string(rs, g, "layer", d->layers[t->layer].name, err);
    if (!st && t->bound) st = idr_rset_attr_string(rs, g, "follows_ion", d->ions[t->ion].name, err);
  }
  return st;
}

/* temperature_K, frequency_Hz, capacitance_F and conductance_S for 1 cm^2,
 * C_F_m2, G_S_m2: what `iondrift tas-extract --area-cm2 1` reads. */
static idr_status write_csv(idr_rset *rs, const idr_tas_result *r, idr_error *err) {
  const size_t nn = (size_t)r->n_T * (size_t)r->n_f;
  double *buf = malloc(4 * nn * sizeof *buf);
  if (!buf) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  double *T = buf, *f = buf + nn, *C = buf + 2 * nn, *G = buf + 3 * nn;
  for (int j = 0; j < r->n_T; j++)
    for (int k = 0; k < r->n_f; k++) {
      size_t q = (size_t)j * r->n_f + k;
      T[q] = r->T_K[j];
      f[q] = r->f_Hz[k];
      C[q] = r->C[q] * IDR_CM2_TO_M2;
      G[q] = r->G[q] * IDR_CM2_TO_M2;
    }
  static const char *const names[] = {"temperature_K", "frequency_Hz", "capacitance_F",
                                      "conductance_S", "C_F_m2",       "G_S_m2"};
  const double *const cols[] = {T, f, C, G, r->C, r->G};
  idr_status st = idr_rset_set_csv(rs, names, cols, 6, nn, err);
  free(buf);
  return st;
}

static idr_status tas_write(const idr_run_ctx *c, const void *out, idr_rset *rs, idr_error *err) {
  const tas_out *o = out;
  const idr_tas_result *r = &o->r;
  const size_t nT = (size_t)r->n_T, nf = (size_t)r->n_f;
  idr_status st = idr_rset_put_double(rs, "tas/T", r->T_K, nT, "K", err);
  if (!st) st = idr_rset_put_double(rs, "tas/f", r->f_Hz, nf, "Hz", err);
  if (!st) st = idr_rset_put_double_2d(rs, "tas/C", r->C, nT, nf, "F/m^2", err);
  if (!st) st = idr_rset_put_double_2d(rs, "tas/G", r->G, nT, nf, "S/m^2", err);
  if (!st) st = idr_rset_put_double(rs, "tas/wall_time", r->wall, nT, "s", err);
  const idr_layer *ly = &c->deck->layers[idr_tid_absorber_layer(c->deck)];
  static const char *const names[] = {"V_V",          "threads",        "scan_wall_time_s",
                                      "vbi_device_V", "absorber_eps_r", "absorber_N_A_cm3"};
  const double v[] = {r->V_V,          (double)r->threads, r->wall_s,
                      o->vbi_device_V, ly->mat.eps_r,      fabs(ly->N_A_cm3 - ly->N_D_cm3)};
  if (!st) st = attrs(rs, "tas", names, v, sizeof v / sizeof v[0], err);
  if (!st) st = write_truth(rs, c->deck, err);
  if (!st && o->x_error[0])
    st = idr_rset_attr_string(rs, "tas", "extraction_error", o->x_error, err);
  if (!st && o->have_x) st = idr_tas_write_extraction(rs, "tas/extraction", &o->x, err);
  if (!st) st = write_csv(rs, r, err);
  return st;
}

const idr_protocol idr_protocol_tas = {
    .keys = {.name = "tas",
             .keys = KEYS,
             .spec_size = sizeof(idr_tas_spec),
             .defaults = tas_defaults,
             .read = tas_read,
             .emit = tas_emit},
    .group = "tas",
    .csv_suffix = "_tas.csv",
    .run = tas_run,
    .free_out = tas_free,
    .write = tas_write,
};

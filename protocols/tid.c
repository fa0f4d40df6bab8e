/*
 * Transient ion drift (TID) scan. At each temperature T:
 *   1. the device at T, its thermal equilibrium (dark, 0 V) and, when the
 *      rest bias or the light differ from it, the steady state there;
 *   2. the capacitance before the pulse, C_eq, at f;
 *   3. the fill pulse (fill_V_V for fill_duration_s), then back to rest_V_V;
 *   4. C(t) at f on log-spaced times t_first..t_last after the pulse, by the
 *      small-signal routine about the transient state.
 * None of the physics behind the signal is coded here: the sign and size of
 * dC and its time constant come out of the drift-diffusion model.
 *
 * Temperatures are independent and run in parallel (the temperature scan
 * of tscan.c), one workspace (device, integrator, admittance) per
 * temperature; results do not depend on the number of threads.
 *
 * The table entry: the keys of `protocol: {type: tid}`, the scan followed by
 * the experimenters' extraction (tid_deck.c), the group `tid` (transients,
 * extraction and the true inputs side by side) and the long-format CSV.
 */
#include "idr_protocols.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
/* rtol of the integrator when the options leave it 0 (as idr_sim_create). */
#define IDR_TID_RTOL_DEFAULT 1e-6

static double wall_now(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void idr_tid_result_free(idr_tid_result *r) {
  if (r->curves) {
    for (int j = 0; j < r->n_T; j++) {
      free(r->curves[j].t);
      free(r->curves[j].C);
      free(r->curves[j].G);
    }
  }
  free(r->curves);
  free(r->failed);
  memset(r, 0, sizeof *r);
}

int idr_tid_times(const idr_tid_spec *P, double *t, int cap) {
  int m = P->samples;
  if (m > cap) m = cap;
  if (P->n_times > 0) {
    for (int k = 0; k < m; k++)
      t[k] = P->times_s[k];
    return m;
  }
  double l0 = log10(P->t_first_s), l1 = log10(P->t_last_s);
  for (int k = 0; k < m; k++)
    t[k] = m == 1 ? P->t_first_s : pow(10.0, l0 + (l1 - l0) * k / (m - 1));
  if (m > 1) t[m - 1] = P->t_last_s;
  return m;
}

/* protocol.density_atol = charge: the absolute tolerance of every density
 * is rtol times the smallest charge density that shapes the capacitance
 * (the smallest nonzero |N_D - N_A| of a layer, mobile-ion density or trap
 * density: a trap's charge is at most its density), never tighter than
 * solver.atol_density_cm3. C at f is set by the space charge of
 * dopants and ions; a carrier or ion density below rtol times the smallest of
 * them changes it by less than rtol, while tracking such densities to 1e3
 * cm^-3 (the default solver tolerance) costs BDF steps on their noise. V21
 * compares C(t) and the extraction with the solver tolerance. [cm^-3] */
static double tid_density_atol_cm3(const idr_deck *deck, double rtol) {
  double q = INFINITY;
  for (int l = 0; l < deck->n_layers; l++) {
    double dop = fabs(deck->layers[l].N_D_cm3 - deck->layers[l].N_A_cm3);
    if (dop > 0.0) q = fmin(q, dop);
  }
  for (int k = 0; k < deck->n_ions; k++)
    if (deck->ions[k].density_cm3 > 0.0) q = fmin(q, deck->ions[k].density_cm3);
  for (int j = 0; j < deck->n_traps; j++)
    if (deck->traps[j].density_cm3 > 0.0) q = fmin(q, deck->traps[j].density_cm3);
  double a = deck->solver.atol_density_cm3 > 0 ? deck->solver.atol_density_cm3 : 0.0;
  return isfinite(q) ? fmax(a, rtol * q) : a;
}

/* One temperature; everything allocated here is freed here. */
static idr_status tid_one(const idr_deck *deck, const idr_mesh *mesh, const idr_sim_opts *opts,
                          double T, idr_tid_curve *cv, idr_error *err) {
  const idr_tid_spec *P = idr_tid_spec_of(deck);
  idr_status st = IDR_OK;
  idr_device *dev = NULL;
  idr_sim *sim = NULL;
  idr_admittance *adm = NULL;
  double *y = NULL;
  const double omega = 2.0 * IDR_PI * P->f_Hz;
  double t0 = wall_now();
  cv->T_K = T;
  st = idr_device_build(deck, mesh, T, &dev, err);
  if (st) goto out_free;
  if (P->density_atol == IDR_TID_ATOL_CHARGE) {
    double a = tid_density_atol_cm3(deck, opts->rtol > 0 ? opts->rtol : IDR_TID_RTOL_DEFAULT);
    if (a > 0.0) idr_device_set_density_atol(dev, a);
  }
  y = malloc((size_t)dev->n_unknowns * sizeof *y);
  if (!y) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "TID: out of memory");
    goto out_free;
  }
  idr_eq_stats es;
  st = idr_equilibrium(dev, y, &es, err);
  if (!st) st = idr_admittance_create(dev, &adm, err);
  if (!st) st = idr_sim_create(dev, opts, &sim, err);
  if (st) goto out_free;
  /* before the pulse (rest), the pulse, after it (relax): each with its light */
  idr_bias rest = {P->rest_V_V, P->light_rest_suns}, fill = {P->fill_V_V, P->light_fill_suns},
           relax = {P->rest_V_V, P->light_relax_suns};
  double t = 0.0;
  if (rest.V != 0.0 || rest.light != 0.0) {
    /* the steady state at the rest bias / under the rest light before the
     * pulse (illuminated: not the dark equilibrium) */
    st = idr_sim_start(sim, 0.0, y, &rest, err);
    if (!st) st = idr_sim_relax(sim, IDR_RELAX_T_MAX, err);
    if (st) {
      idr_error_context(err, "the steady state before the fill pulse");
      goto out_free;
    }
    memcpy(y, idr_sim_y(sim), (size_t)dev->n_unknowns * sizeof *y);
  }
  /* the pulse starts at t = 0 whatever pseudo-time the relaxation took, so
   * that picosecond steps after the bias change stay resolvable */
  idr_admittance_point ap;
  st = idr_admittance_set_state(adm, y, &rest, err);
  if (!st) st = idr_admittance_eval(adm, omega, &ap, err);
  if (st) goto out_free;
  cv->C_eq = ap.C;
  /* fill pulse, at protocol.fill_rtol: it has no C sample, only its end
   * state enters the scan (V22) */
  const double rtol_scan = opts->rtol > 0 ? opts->rtol : IDR_TID_RTOL_DEFAULT;
  const double rtol_fill = P->fill_rtol > 0 ? P->fill_rtol : rtol_scan;
  if (rtol_fill != rtol_scan) st = idr_sim_set_rtol(sim, rtol_fill, err);
  if (!st) st = idr_sim_start(sim, t, y, &fill, err);
  if (!st) st = idr_sim_set_stop_time(sim, t + P->fill_duration_s, err);
  if (!st) st = idr_sim_advance(sim, t + P->fill_duration_s, err);
  if (st) {
    idr_error_context(err, "the fill pulse (%g V, %g suns for %g s)", fill.V, fill.light,
                      P->fill_duration_s);
    goto out_free;
  }
  for (int k = 0; k < dev->n_ions; k++) {
    double n0 = idr_ion_count(dev, y, k), n1 = idr_ion_count(dev, idr_sim_y(sim), k);
    cv->ion_drift_max[k] = idr_ion_number_drift(n0, n1);
  }
  /* back to rest: C(t) */
  double t_end = t + P->fill_duration_s;
  if (rtol_fill != rtol_scan) st = idr_sim_set_rtol(sim, rtol_scan, err);
  if (!st) st = idr_sim_set_bias(sim, &relax, err);
  if (!st) st = idr_sim_set_stop_time(sim, t_end + P->t_last_s, err);
  if (st) goto out_free;
  for (int j = 0; j < cv->n; j++) {
    st = idr_sim_advance(sim, t_end + cv->t[j], err);
    if (st) {
      idr_error_context(err, "the relaxation at %g V, %g suns after the pulse", relax.V,
                        relax.light);
      goto out_free;
    }
    const double *yj = idr_sim_y(sim);
    st = idr_admittance_set_state(adm, yj, &relax, err);
    if (!st) st = idr_admittance_eval(adm, omega, &ap, err);
    if (st) goto out_free;
    cv->C[j] = ap.C;
    cv->G[j] = ap.G;
    for (int k = 0; k < dev->n_ions; k++) {
      double d = idr_ion_number_drift(idr_ion_count(dev, y, k), idr_ion_count(dev, yj, k));
      if (d > cv->ion_drift_max[k]) cv->ion_drift_max[k] = d;
    }
  }
  idr_sim_get_stats(sim, &cv->stats);
out_free:
  cv->wall_s = wall_now() - t0;
  free(y);
  idr_sim_free(&sim);
  idr_admittance_free(&adm);
  idr_device_free(&dev);
  return st;
}

/* Move the temperatures that failed (each[j].status) out of res->curves into
 * res->failed, the deck's order kept on both sides (the scan has already
 * made every one failing an error). */
static idr_status keep_successes(idr_tid_result *res, const idr_error *each, const idr_tid_spec *P,
                                 idr_error *err) {
  const int nT = res->n_T;
  int nf = 0;
  for (int j = 0; j < nT; j++)
    nf += each[j].status != IDR_OK;
  if (nf == 0) return IDR_OK;
  res->failed = calloc((size_t)nf, sizeof *res->failed);
  if (!res->failed) return idr_error_set(err, IDR_ERR_NOMEM, "TID: out of memory");
  int k = 0, f = 0;
  for (int j = 0; j < nT; j++) {
    if (each[j].status == IDR_OK) {
      res->curves[k++] = res->curves[j];
      continue;
    }
    idr_tid_failure *x = &res->failed[f++];
    x->T_K = P->temperatures_K[j];
    x->status = each[j].status;
    snprintf(x->msg, sizeof x->msg, "%s", each[j].msg);
    free(res->curves[j].t);
    free(res->curves[j].C);
    free(res->curves[j].G);
  }
  res->n_T = k;
  res->n_failed = nf;
  return IDR_OK;
}

/* The scan's callback: one temperature into its curve. */
typedef struct tid_scan {
  const idr_deck *deck;
  const idr_mesh *mesh;
  const idr_sim_opts *opts;
  idr_tid_result *res;
} tid_scan;

static idr_status tid_scan_one(void *user, int j, double T_K, idr_error *err) {
  const tid_scan *ts = user;
  return tid_one(ts->deck, ts->mesh, ts->opts, T_K, &ts->res->curves[j], err);
}

idr_status idr_run_tid(const idr_deck *deck, const idr_mesh *mesh, const idr_sim_opts *opts,
                       int threads, idr_progress_fn progress, void *progress_user,
                       idr_tid_result *res, idr_error *err) {
  memset(res, 0, sizeof *res);
  const idr_tid_spec *P = idr_tid_spec_of(deck);
  if (!P) return idr_error_set(err, IDR_ERR_INPUT, "TID: the deck's protocol is not tid");
  const int nT = P->n_temperatures;
  if (nT < 1) return idr_error_set(err, IDR_ERR_INPUT, "TID: no temperatures");
  if (P->samples < 2) return idr_error_set(err, IDR_ERR_INPUT, "TID: need >= 2 samples");
  res->n_T = nT;
  res->curves = calloc((size_t)nT, sizeof *res->curves);
  if (!res->curves) return idr_error_set(err, IDR_ERR_NOMEM, "TID: out of memory");
  for (int j = 0; j < nT; j++) {
    idr_tid_curve *cv = &res->curves[j];
    cv->n = P->samples;
    cv->t = calloc((size_t)cv->n, sizeof(double));
    cv->C = calloc((size_t)cv->n, sizeof(double));
    cv->G = calloc((size_t)cv->n, sizeof(double));
    if (!cv->t || !cv->C || !cv->G) {
      idr_tid_result_free(res);
      return idr_error_set(err, IDR_ERR_NOMEM, "TID: out of memory");
    }
    idr_tid_times(P, cv->t, cv->n);
  }
  tid_scan ts = {deck, mesh, opts, res};
  idr_error *each = calloc((size_t)nT, sizeof *each);
  if (!each) {
    idr_tid_result_free(res);
    return idr_error_set(err, IDR_ERR_NOMEM, "TID: out of memory");
  }
  idr_status st = idr_temperature_scan(P->temperatures_K, nT, threads > 0 ? threads : P->threads,
                                       "TID scan", tid_scan_one, &ts, progress, progress_user,
                                       &res->threads, &res->wall_s, each, err);
  if (!st) st = keep_successes(res, each, P, err);
  free(each);
  if (st) idr_tid_result_free(res);
  return st;
}

/* ---- deck keys ---------------------------------------------------------------- */

static const char *const KEYS[] = {"type",
                                   "temperatures_K",
                                   "fill_V_V",
                                   "fill_duration_s",
                                   "rest_V_V",
                                   "light_suns",
                                   "f_Hz",
                                   "t_first_s",
                                   "t_last_s",
                                   "samples",
                                   "threads",
                                   "power",
                                   "model",
                                   "density_atol",
                                   "fill_rtol",
                                   "light_rest_suns",
                                   "light_fill_suns",
                                   "light_relax_suns",
                                   "times_s",
                                   NULL};
static const char *const MODELS[] = {"single", "stretched", "two", "auto", NULL};
static const char *const ATOLS[] = {"charge", "solver", NULL};

static void tid_defaults(void *spec) {
  idr_tid_spec *P = spec;
  P->n_temperatures = 11;
  for (int i = 0; i < 11; i++)
    P->temperatures_K[i] = 300.0 - 10.0 * i;
  P->fill_V_V = 1.0;
  P->fill_duration_s = 5.0;
  P->rest_V_V = 0.0;
  P->light_suns = 0.0;
  P->light_rest_suns = P->light_fill_suns = P->light_relax_suns = 0.0;
  P->f_Hz = 1e4;
  P->t_first_s = 1e-6;
  P->t_last_s = 10.0;
  P->samples = 71;
  P->threads = 0;
  P->power = 1;
  P->fit_model = 0;
  P->density_atol = IDR_TID_ATOL_CHARGE;
  P->fill_rtol = IDR_TID_FILL_RTOL_DEFAULT;
  P->n_times = 0;
}

static const idr_sample_list TIMES = {
    "times_s", {"t_first_s", "t_last_s", "samples", NULL}, 2, 1, 0, "times [s]", "[1e-6, 1e-3, 1]"};
/* light_suns, then each phase's light (default: light_suns); any light
 * without a light source is an error naming its key. */
static idr_status tid_read_light(idr_deck_reader *r, const idr_ynode *n, const idr_deck *d,
                                 idr_tid_spec *P) {
  static const char *const PHASE[] = {"light_suns", "light_rest_suns", "light_fill_suns",
                                      "light_relax_suns"};
  double *const v[] = {&P->light_suns, &P->light_rest_suns, &P->light_fill_suns,
                       &P->light_relax_suns};
  if (idr_read_num(r, n, "protocol", PHASE[0], 0, IDR_RANGE_GE0, v[0]) < 0) return IDR_ERR_INPUT;
  for (int k = 1; k < 4; k++) {
    *v[k] = P->light_suns;
    if (idr_read_num(r, n, "protocol", PHASE[k], 0, IDR_RANGE_GE0, v[k]) < 0) return IDR_ERR_INPUT;
  }
  for (int k = 0; k < 4; k++) {
    const idr_ynode *at = idr_ynode_get(n, PHASE[k]);
    char path[48];
    snprintf(path, sizeof path, "protocol.%s", PHASE[k]);
    /* a phase that inherits light_suns is refused through light_suns */
    if ((at || k == 0) && idr_read_check_light(r, d, at ? at : n, path, *v[k]) != IDR_OK)
      return IDR_ERR_INPUT;
  }
  return IDR_OK;
}

static idr_status tid_read(idr_deck_reader *r, const idr_ynode *n, const idr_deck *d, void *spec) {
  idr_tid_spec *P = spec;
  long samples = P->samples, threads = P->threads, power = P->power;
  if (idr_read_num(r, n, "protocol", "fill_V_V", 0, IDR_RANGE_ANY, &P->fill_V_V) < 0 ||
      idr_read_num(r, n, "protocol", "fill_duration_s", 0, IDR_RANGE_GT0, &P->fill_duration_s) <
          0 ||
      idr_read_num(r, n, "protocol", "fill_rtol", 0, IDR_RANGE_GT0, &P->fill_rtol) < 0 ||
      idr_read_num(r, n, "protocol", "rest_V_V", 0, IDR_RANGE_ANY, &P->rest_V_V) < 0 ||
      idr_read_num(r, n, "protocol", "f_Hz", 0, IDR_RANGE_GT0, &P->f_Hz) < 0 ||
      idr_read_num(r, n, "protocol", "t_first_s", 0, IDR_RANGE_GT0, &P->t_first_s) < 0 ||
      idr_read_num(r, n, "protocol", "t_last_s", 0, IDR_RANGE_GT0, &P->t_last_s) < 0 ||
      idr_read_int(r, n, "protocol", "samples", 0, 2, 100000, &samples) < 0 ||
      idr_read_int(r, n, "protocol", "threads", 0, 0, 1024, &threads) < 0 ||
      idr_read_int(r, n, "protocol", "power", 0, 0, 2, &power) < 0)
    return IDR_ERR_INPUT;
  P->samples = (int)samples;
  P->threads = (int)threads;
  P->power = (int)power;
  int m = idr_read_choice(r, n, "protocol", "model", 0, MODELS);
  if (m == -2) return IDR_ERR_INPUT;
  if (m >= 0) P->fit_model = m;
  int a = idr_read_choice(r, n, "protocol", "density_atol", 0, ATOLS);
  if (a == -2) return IDR_ERR_INPUT;
  if (a >= 0) P->density_atol = a;
  if (!(P->t_last_s > P->t_first_s)) {
    const idr_ynode *f = idr_ynode_get(n, "t_last_s");
    return idr_yerror(idr_read_doc(r), f ? f : n, 0, "protocol.t_last_s", idr_read_err(r),
                      "must be > protocol.t_first_s = %g (got %g)", P->t_first_s, P->t_last_s);
  }
  if (idr_read_temperatures(r, n, "temperatures_K", P->temperatures_K, &P->n_temperatures,
                            IDR_MAX_TEMPS) != IDR_OK ||
      idr_read_sample_list(r, n, &TIMES, P->times_s, &P->n_times) != IDR_OK)
    return IDR_ERR_INPUT;
  if (P->n_times > 0) {
    P->t_first_s = P->times_s[0];
    P->t_last_s = P->times_s[P->n_times - 1];
    P->samples = P->n_times;
  }
  return tid_read_light(r, n, d, P);
}

static void tid_emit(const void *spec, idr_yaml_out *o) {
  const idr_tid_spec *P = spec;
  char t1[32];
  idr_yout_printf(o, "  temperatures_K: [");
  for (int i = 0; i < P->n_temperatures; i++)
    idr_yout_printf(o, "%s%s", i ? ", " : "", idr_yout_fmt(P->temperatures_K[i], t1));
  idr_yout_printf(o, "]\n");
  idr_yout_num(o, "  ", "fill_V_V", P->fill_V_V);
  idr_yout_num(o, "  ", "fill_duration_s", P->fill_duration_s);
  idr_yout_num(o, "  ", "rest_V_V", P->rest_V_V);
  idr_yout_num(o, "  ", "light_suns", P->light_suns);
  idr_yout_num(o, "  ", "light_rest_suns", P->light_rest_suns);
  idr_yout_num(o, "  ", "light_fill_suns", P->light_fill_suns);
  idr_yout_num(o, "  ", "light_relax_suns", P->light_relax_suns);
  idr_yout_num(o, "  ", "f_Hz", P->f_Hz);
  if (P->n_times > 0) {
    idr_yout_sample_list(o, "times_s", P->times_s, P->n_times);
  } else {
    idr_yout_num(o, "  ", "t_first_s", P->t_first_s);
    idr_yout_num(o, "  ", "t_last_s", P->t_last_s);
  }
  idr_yout_num(o, "  ", "fill_rtol", P->fill_rtol);
  if (P->n_times == 0) idr_yout_printf(o, "  samples: %d\n", P->samples);
  idr_yout_printf(o, "  threads: %d\n  power: %d\n  model: %s\n  density_atol: %s\n", P->threads,
                  P->power, MODELS[P->fit_model], ATOLS[P->density_atol]);
}

/* ---- run: the scan, then the extraction ------------------------------------------ */

typedef struct tid_out {
  idr_tid_result tr;
  idr_tid_extraction tx;
  int have_tx;
  char x_error[IDR_ERRMSG_LEN]; /* why the extraction failed, or "" */
} tid_out;

static void tid_progress_cb(void *user, double fraction, int index, double T) {
  const idr_run_ctx *c = user;
  char stage[64];
  (void)index;
  snprintf(stage, sizeof stage, "TID (T = %g K done)", T);
  c->progress(c->progress_user, fraction, stage);
}

static void tid_free(void *out) {
  tid_out *o = out;
  if (!o) return;
  idr_tid_result_free(&o->tr);
  if (o->have_tx) idr_tid_extraction_free(&o->tx);
  free(o);
}

static idr_status tid_run(const idr_run_ctx *c, void **out, idr_error *err) {
  tid_out *o = calloc(1, sizeof *o);
  if (!o) return idr_error_set(err, IDR_ERR_NOMEM, "TID: out of memory");
  idr_status st = idr_run_tid(c->deck, c->mesh, &c->opts, c->threads,
                              c->progress ? tid_progress_cb : NULL, (void *)c, &o->tr, err);
  if (st) {
    free(o);
    return st;
  }
  idr_error xerr;
  idr_error_clear(&xerr);
  if (idr_tid_extract_deck(c->deck, &o->tr, &o->tx, &xerr) == IDR_OK)
    o->have_tx = 1;
  else
    idr_strlcpy(o->x_error, xerr.msg, sizeof o->x_error);
  *out = o;
  return IDR_OK;
}

/* ---- write: the group `tid` and the CSV ------------------------------------------- */

/* tid/extraction: the fits per temperature and the species (tid_extraction.c),
 * with the absorber's doping (NAN: intrinsic) and permittivity. */
static idr_status write_extraction(idr_rset *rs, const idr_deck *d, const idr_tid_result *tr,
                                   const idr_tid_extraction *x, idr_error *err) {
  const idr_layer *ly = &d->layers[idr_tid_absorber_layer(d)];
  const double N_A = fabs(ly->N_A_cm3 - ly->N_D_cm3);
  double *T = malloc((size_t)(tr->n_T > 0 ? tr->n_T : 1) * sizeof *T);
  if (!T) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (int j = 0; j < tr->n_T; j++)
    T[j] = tr->curves[j].T_K;
  idr_tid_extraction_info in = {T, "F/m^2", N_A > 0 ? N_A : NAN, 0.0, ly->mat.eps_r};
  idr_status st = idr_tid_write_extraction(rs, "tid/extraction", x, &in, err);
  free(T);
  return st;
}

/* The absorber the extraction reads (also for `iondrift extract` of the file). */
static idr_status write_absorber(idr_rset *rs, const idr_deck *d, idr_error *err) {
  const idr_layer *ly = &d->layers[idr_tid_absorber_layer(d)];
  idr_status st =
      idr_rset_attr_double(rs, "tid", "absorber_N_A_cm3", fabs(ly->N_A_cm3 - ly->N_D_cm3), err);
  if (!st) st = idr_rset_attr_double(rs, "tid", "absorber_eps_r", ly->mat.eps_r, err);
  if (!st) st = idr_rset_attr_double(rs, "tid", "absorber_thickness_nm", ly->thickness_nm, err);
  if (!st)
    st = idr_rset_attr_string(rs, "tid", "polarity", idr_tid_polarity_name(idr_tid_polarity_of(d)),
                              err);
  return st;
}

/* tid/true/<species>: the inputs beside the extraction. */
/* The light laws of species s (docs/light.md), only those it has. */
static idr_status write_truth_light(idr_rset *rs, const char *gt, const idr_deck *d,
                                    const idr_ion_species *s, idr_error *err) {
  idr_status st = IDR_OK;
  if (s->lowering_dEa_eV > 0) {
    st = idr_rset_attr_double(rs, gt, "lowering_dEa_eV", s->lowering_dEa_eV, err);
    if (!st)
      st = idr_rset_attr_double(rs, gt, "lowering_n_theta_cm3", s->lowering_n_theta_cm3, err);
    if (!st)
      st = idr_rset_attr_double(rs, gt, "Ea_saturated_eV", s->Ea_eV - s->lowering_dEa_eV, err);
  }
  if (!st && s->block_c_cm3 > 0) {
    if (s->blocked_by >= 0)
      st = idr_rset_attr_string(rs, gt, "blocked_by", d->ions[s->blocked_by].name, err);
    if (!st) st = idr_rset_attr_double(rs, gt, "block_density_cm3", s->block_density_cm3, err);
    if (!st) st = idr_rset_attr_double(rs, gt, "c_block_cm3", s->block_c_cm3, err);
  }
  if (!st && s->creation_k_gen_1_s > 0) {
    st = idr_rset_attr_double(rs, gt, "creation_k_gen_1_s", s->creation_k_gen_1_s, err);
    if (!st) st = idr_rset_attr_double(rs, gt, "creation_tau_rec_s", s->creation_tau_rec_s, err);
  }
  return st;
}

static idr_status write_truth(idr_rset *rs, const idr_deck *d, idr_error *err) {
  idr_status st = IDR_OK;
  for (int k = 0; !st && k < d->n_ions; k++) {
    char gt[IDR_NAME_LEN + 16];
    const idr_ion_species *s = &d->ions[k];
    snprintf(gt, sizeof gt, "tid/true/%s", s->name);
    st = idr_rset_attr_string(rs, gt, "sign", s->z < 0 ? "anion" : "cation", err);
    if (!st) st = idr_rset_attr_double(rs, gt, "Ea_eV", s->Ea_eV, err);
    if (!st) st = idr_rset_attr_double(rs, gt, "N_ion_cm3", s->density_cm3, err);
    if (!st) st = idr_rset_attr_double(rs, gt, "D0_cm2_s", s->D0_cm2_s, err);
    if (!st)
      st = idr_rset_attr_double(rs, gt, "D300_cm2_s",
                                s->D0_cm2_s * exp(-s->Ea_eV / (IDR_KB_EV * 300.0)), err);
    if (!st) st = write_truth_light(rs, gt, d, s, err);
  }
  return st;
}

/* The long-format table (temperature_K, time_s, capacitance_F for 1 cm^2,
 * C_F_m2): it feeds `iondrift extract ... --area-cm2 1`. */
static idr_status write_csv(idr_rset *rs, const idr_tid_result *tr, idr_error *err) {
  const int nT = tr->n_T, ns = tr->curves[0].n;
  size_t nn = (size_t)nT * (size_t)ns;
  double *T = malloc(nn * sizeof *T), *t = malloc(nn * sizeof *t), *C = malloc(nn * sizeof *C);
  double *Cm = malloc(nn * sizeof *Cm);
  idr_status st = IDR_OK;
  if (!T || !t || !C || !Cm) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    goto out_free;
  }
  for (int j = 0; j < nT; j++)
    for (int k = 0; k < ns; k++) {
      size_t q = (size_t)j * ns + k;
      T[q] = tr->curves[j].T_K;
      t[q] = tr->curves[j].t[k];
      Cm[q] = tr->curves[j].C[k];
      C[q] = Cm[q] * IDR_CM2_TO_M2;
    }
  static const char *const names[] = {"temperature_K", "time_s", "capacitance_F", "C_F_m2"};
  const double *const cols[] = {T, t, C, Cm};
  st = idr_rset_set_csv(rs, names, cols, 4, nn, err);
out_free:
  free(T);
  free(t);
  free(C);
  free(Cm);
  return st;
}

/* tid/T, t, C, G, C_eq, wall_time, steps, ion_drift_max. */
static idr_status write_curves(idr_rset *rs, const idr_deck *d, const idr_tid_result *tr,
                               idr_error *err) {
  const int nT = tr->n_T, ns = tr->curves[0].n, ni = d->n_ions;
  size_t nn = (size_t)nT * (size_t)ns;
  double *T = calloc((size_t)nT, sizeof *T), *Ceq = calloc((size_t)nT, sizeof *Ceq);
  double *wall = calloc((size_t)nT, sizeof *wall), *C = calloc(nn, sizeof *C);
  double *G = calloc(nn, sizeof *G);
  double *drift = calloc((size_t)nT * (size_t)(ni > 0 ? ni : 1), sizeof *drift);
  int *steps = calloc((size_t)nT, sizeof *steps);
  idr_status st = IDR_OK;
  if (!T || !Ceq || !wall || !C || !G || !drift || !steps) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
    goto out_free;
  }
  for (int j = 0; j < nT; j++) {
    const idr_tid_curve *cv = &tr->curves[j];
    T[j] = cv->T_K;
    Ceq[j] = cv->C_eq;
    wall[j] = cv->wall_s;
    steps[j] = (int)cv->stats.steps;
    memcpy(C + (size_t)j * ns, cv->C, (size_t)ns * sizeof *C);
    memcpy(G + (size_t)j * ns, cv->G, (size_t)ns * sizeof *G);
    for (int k = 0; k < ni; k++)
      drift[(size_t)j * ni + k] = cv->ion_drift_max[k];
  }
  st = idr_rset_put_double(rs, "tid/T", T, (size_t)nT, "K", err);
  if (!st) st = idr_rset_put_double(rs, "tid/t", tr->curves[0].t, (size_t)ns, "s", err);
  if (!st) st = idr_rset_put_double_2d(rs, "tid/C", C, (size_t)nT, (size_t)ns, "F/m^2", err);
  if (!st) st = idr_rset_put_double_2d(rs, "tid/G", G, (size_t)nT, (size_t)ns, "S/m^2", err);
  if (!st) st = idr_rset_put_double(rs, "tid/C_eq", Ceq, (size_t)nT, "F/m^2", err);
  if (!st) st = idr_rset_put_double(rs, "tid/wall_time", wall, (size_t)nT, "s", err);
  if (!st) st = idr_rset_put_int(rs, "tid/steps", steps, (size_t)nT, "-", err);
  if (!st && ni > 0)
    st = idr_rset_put_double_2d(rs, "tid/ion_drift_max", drift, (size_t)nT, (size_t)ni, "-", err);
out_free:
  free(T);
  free(Ceq);
  free(wall);
  free(C);
  free(G);
  free(drift);
  free(steps);
  return st;
}

/* The temperatures that failed: tid/failed_T [K] and, per temperature, the
 * attribute tid/@failed_<k> with its message (k in the order of failed_T). */
static idr_status write_failures(idr_rset *rs, const idr_tid_result *tr, idr_error *err) {
  double *T = calloc((size_t)tr->n_failed, sizeof *T);
  if (!T) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  for (int k = 0; k < tr->n_failed; k++)
    T[k] = tr->failed[k].T_K;
  idr_status st = idr_rset_put_double(rs, "tid/failed_T", T, (size_t)tr->n_failed, "K", err);
  for (int k = 0; !st && k < tr->n_failed; k++) {
    char name[32];
    snprintf(name, sizeof name, "failed_%d", k);
    st = idr_rset_attr_string(rs, "tid", name, tr->failed[k].msg, err);
  }
  free(T);
  return st;
}

static idr_status tid_write(const idr_run_ctx *c, const void *out, idr_rset *rs, idr_error *err) {
  const tid_out *o = out;
  const idr_deck *d = c->deck;
  const idr_tid_spec *P = c->spec;
  idr_status st = write_curves(rs, d, &o->tr, err);
  const struct {
    const char *name;
    double v;
  } at[] = {{"f_Hz", P->f_Hz},
            {"fill_V_V", P->fill_V_V},
            {"fill_duration_s", P->fill_duration_s},
            {"rest_V_V", P->rest_V_V},
            {"light_suns", P->light_suns},
            {"light_rest_suns", P->light_rest_suns},
            {"light_fill_suns", P->light_fill_suns},
            {"light_relax_suns", P->light_relax_suns},
            {"threads", (double)o->tr.threads},
            {"scan_wall_time_s", o->tr.wall_s}};
  for (size_t i = 0; !st && i < sizeof at / sizeof at[0]; i++)
    st = idr_rset_attr_double(rs, "tid", at[i].name, at[i].v, err);
  if (!st && o->tr.n_failed > 0) st = write_failures(rs, &o->tr, err);
  if (!st) st = write_truth(rs, d, err);
  if (!st && o->x_error[0])
    st = idr_rset_attr_string(rs, "tid", "extraction_error", o->x_error, err);
  if (!st) st = write_absorber(rs, d, err);
  if (!st && o->have_tx) st = write_extraction(rs, d, &o->tr, &o->tx, err);
  if (!st) st = write_csv(rs, &o->tr, err);
  return st;
}

const idr_protocol idr_protocol_tid = {
    .keys = {.name = "tid",
             .keys = KEYS,
             .spec_size = sizeof(idr_tid_spec),
             .defaults = tid_defaults,
             .read = tid_read,
             .emit = tid_emit},
    .group = "tid",
    .csv_suffix = "_tid.csv",
    .run = tid_run,
    .free_out = tid_free,
    .write = tid_write,
};

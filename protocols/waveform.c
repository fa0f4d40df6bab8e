/*
 * Waveform protocol: piecewise-constant voltage and light segments,
 * integrated by the IDA driver from a given state at t = 0. At each segment
 * start the bias changes instantaneously (potential re-solved, carriers,
 * ions and traps continuous); the terminal current and its parts are
 * sampled on log- or linearly spaced times; profiles are stored at the
 * requested absolute times (at a segment boundary: the state just before the
 * change). The table entry: the keys of `protocol: {type: waveform}`, the
 * run from the equilibrium, the `transient` group and the J(t) CSV.
 */
#include "idr_protocols.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* First log-spaced sample of a segment, as a fraction of its duration. */
#define IDR_LOG_FIRST_FRACTION 1e-6
/* Largest protocol.segments[i].samples. */
#define IDR_SEGMENT_SAMPLES_MAX 1000000

idr_status idr_profiles_alloc(idr_profiles *pr, int n_times, const idr_device *d, idr_error *err) {
  memset(pr, 0, sizeof *pr);
  pr->n_times = n_times;
  pr->N = d->N;
  pr->n_ions = d->n_ions;
  pr->n_levels = d->n_levels;
  size_t nn = (size_t)(n_times > 0 ? n_times : 1) * (size_t)d->N;
  pr->t = calloc((size_t)(n_times > 0 ? n_times : 1), sizeof *pr->t);
  pr->phi = calloc(nn, sizeof(double));
  pr->E = calloc(nn, sizeof(double));
  pr->n = calloc(nn, sizeof(double));
  pr->p = calloc(nn, sizeof(double));
  pr->Efn = calloc(nn, sizeof(double));
  pr->Efp = calloc(nn, sizeof(double));
  pr->ions = calloc(nn * (size_t)(d->n_ions > 0 ? d->n_ions : 1), sizeof(double));
  pr->counters = calloc(nn * (size_t)(d->n_ions > 0 ? d->n_ions : 1), sizeof(double));
  pr->traps = calloc(nn * (size_t)(d->n_levels > 0 ? d->n_levels : 1), sizeof(double));
  if (!pr->t || !pr->phi || !pr->E || !pr->n || !pr->p || !pr->Efn || !pr->Efp || !pr->ions ||
      !pr->counters || !pr->traps) {
    idr_profiles_free(pr);
    return idr_error_set(err, IDR_ERR_NOMEM, "profiles: out of memory");
  }
  return IDR_OK;
}

void idr_profiles_store(idr_profiles *pr, int slot, double t, const idr_device *d,
                        const double *y) {
  const int N = d->N;
  size_t o = (size_t)slot * N;
  pr->t[slot] = t;
  for (int i = 0; i < N; i++) {
    pr->phi[o + i] = idr_phi(d, y, i);
    double el = i > 0 ? idr_field(d, y, i - 1) : idr_field(d, y, 0);
    double er = i < N - 1 ? idr_field(d, y, i) : idr_field(d, y, N - 2);
    pr->E[o + i] = 0.5 * (el + er);
    /* densities >= 0: the protocols fail on a state below minus the
     * absolute tolerance (idr_state_check); above it a negative value is
     * the integrator's round-off. Efn, Efp: NaN where the density is 0. */
    const double n = idr_n(d, y, i), p = idr_p(d, y, i);
    pr->n[o + i] = n < 0.0 ? 0.0 : n;
    pr->p[o + i] = p < 0.0 ? 0.0 : p;
    pr->Efn[o + i] = idr_Efn(d, y, i);
    pr->Efp[o + i] = idr_Efp(d, y, i);
    for (int k = 0; k < d->n_ions; k++) {
      const double c = idr_ion_c(d, y, k, i);
      pr->ions[((size_t)k * pr->n_times + slot) * N + i] = c < 0.0 ? 0.0 : c;
      const double m = idr_counter_m(d, y, k, i);
      pr->counters[((size_t)k * pr->n_times + slot) * N + i] = m < 0.0 ? 0.0 : m;
    }
    for (int j = 0; j < d->n_levels; j++)
      pr->traps[((size_t)j * pr->n_times + slot) * N + i] = idr_trap_f(d, y, j, i);
  }
}

void idr_profiles_free(idr_profiles *pr) {
  free(pr->t);
  free(pr->phi);
  free(pr->E);
  free(pr->n);
  free(pr->p);
  free(pr->Efn);
  free(pr->Efp);
  free(pr->ions);
  free(pr->counters);
  free(pr->traps);
  memset(pr, 0, sizeof *pr);
}

void idr_waveform_result_free(idr_waveform_result *r) {
  free(r->t);
  free(r->V);
  free(r->light);
  free(r->J);
  free(r->Jn);
  free(r->Jp);
  free(r->Jion);
  free(r->Jdisp);
  free(r->C);
  free(r->G);
  idr_profiles_free(&r->profiles);
  memset(r, 0, sizeof *r);
}

int idr_segment_times(const idr_segment *seg, double t_start, double *times, int cap) {
  int m = seg->samples > 0 ? seg->samples : 1, k = 0;
  if (k < cap) times[k++] = t_start;
  for (int j = 0; j < m && k < cap; j++) {
    double frac;
    if (seg->log_spacing) {
      double l0 = log10(IDR_LOG_FIRST_FRACTION);
      frac = m == 1 ? 1.0 : pow(10.0, l0 + (0.0 - l0) * j / (m - 1));
    } else {
      frac = (double)(j + 1) / m;
    }
    times[k++] = j == m - 1 ? t_start + seg->duration_s : t_start + frac * seg->duration_s;
  }
  return k;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

idr_status idr_run_waveform(const idr_device *d, const idr_waveform_spec *proto,
                            const idr_sim_opts *opts, const double *y0, idr_progress_fn progress,
                            void *progress_user, idr_waveform_result *res, idr_error *err) {
  memset(res, 0, sizeof *res);
  idr_status st = IDR_OK;
  idr_sim *sim = NULL;
  idr_admittance *adm = NULL;
  double *seg_t = NULL, *prof_t = NULL;
  int total = 0, cap_seg = 0;
  double T_total = 0.0;
  for (int s = 0; s < proto->n_segments; s++) {
    int m = (proto->segments[s].samples > 0 ? proto->segments[s].samples : 1) + 1;
    total += m;
    cap_seg = m > cap_seg ? m : cap_seg;
    T_total += proto->segments[s].duration_s;
  }
  if (proto->n_segments < 1)
    return idr_error_set(err, IDR_ERR_INPUT, "waveform: the protocol has no segments");
  res->t = calloc((size_t)total, sizeof(double));
  res->V = calloc((size_t)total, sizeof(double));
  res->light = calloc((size_t)total, sizeof(double));
  res->J = calloc((size_t)total, sizeof(double));
  res->Jn = calloc((size_t)total, sizeof(double));
  res->Jp = calloc((size_t)total, sizeof(double));
  res->Jion = calloc((size_t)total, sizeof(double));
  res->Jdisp = calloc((size_t)total, sizeof(double));
  seg_t = calloc((size_t)cap_seg, sizeof(double));
  int np = proto->n_profile_times;
  prof_t = calloc((size_t)(np > 0 ? np : 1), sizeof(double));
  if (!res->t || !res->V || !res->light || !res->J || !res->Jn || !res->Jp || !res->Jion ||
      !res->Jdisp || !seg_t || !prof_t) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "waveform: out of memory");
    goto out_free;
  }
  if (proto->capacitance_f_Hz > 0) {
    res->cap_f_Hz = proto->capacitance_f_Hz;
    res->C = calloc((size_t)total, sizeof(double));
    res->G = calloc((size_t)total, sizeof(double));
    if (!res->C || !res->G) {
      st = idr_error_set(err, IDR_ERR_NOMEM, "waveform: out of memory");
      goto out_free;
    }
    st = idr_admittance_create(d, &adm, err);
    if (st) goto out_free;
  }
  memcpy(prof_t, proto->profile_times_s, (size_t)np * sizeof(double));
  qsort(prof_t, (size_t)np, sizeof(double), cmp_double);
  st = idr_profiles_alloc(&res->profiles, np, d, err);
  if (st) goto out_free;
  for (int k = 0; k < d->n_ions; k++)
    res->ion_number0[k] = idr_ion_count(d, y0, k);

  st = idr_sim_create(d, opts, &sim, err);
  if (st) goto out_free;
  int ip = 0; /* next profile */
  /* profiles requested at t <= 0: the initial state */
  while (ip < np && prof_t[ip] <= 0.0)
    idr_profiles_store(&res->profiles, ip++, 0.0, d, y0);

  double t_start = 0.0;
  int ns = 0;
  for (int s = 0; s < proto->n_segments; s++) {
    const idr_segment *seg = &proto->segments[s];
    idr_bias b = {seg->V_V, seg->light_suns};
    if (s == 0)
      st = idr_sim_start(sim, 0.0, y0, &b, err);
    else
      st = idr_sim_set_bias(sim, &b, err);
    if (!st) st = idr_sim_set_stop_time(sim, t_start + seg->duration_s, err);
    if (st) goto seg_fail;
    int m = idr_segment_times(seg, t_start, seg_t, cap_seg);
    for (int j = 0; j < m; j++) {
      double tj = seg_t[j];
      /* profiles that fall before this sample */
      while (ip < np && prof_t[ip] <= tj && prof_t[ip] > idr_sim_time(sim)) {
        st = idr_sim_advance(sim, prof_t[ip], err);
        if (st) goto seg_fail;
        idr_profiles_store(&res->profiles, ip, prof_t[ip], d, idr_sim_y(sim));
        ip++;
      }
      st = idr_sim_advance(sim, tj, err);
      if (st) goto seg_fail;
      const double *y = idr_sim_y(sim);
      idr_current c;
      idr_terminal_current(d, y, idr_sim_yp(sim), &c);
      res->t[ns] = tj;
      res->V[ns] = seg->V_V;
      res->light[ns] = seg->light_suns;
      res->J[ns] = c.J;
      res->Jn[ns] = c.Jn;
      res->Jp[ns] = c.Jp;
      res->Jion[ns] = c.Jion;
      res->Jdisp[ns] = c.Jdisp;
      if (adm) {
        idr_admittance_point ap;
        st = idr_admittance_set_state(adm, y, &b, err);
        if (!st) st = idr_admittance_eval(adm, 2.0 * IDR_PI * res->cap_f_Hz, &ap, err);
        if (st) goto seg_fail;
        res->C[ns] = ap.C;
        res->G[ns] = ap.G;
      }
      ns++;
      for (int k = 0; k < d->n_ions; k++) {
        double drift = idr_ion_number_drift(res->ion_number0[k], idr_ion_count(d, y, k));
        if (drift > res->ion_drift_max[k]) res->ion_drift_max[k] = drift;
      }
      if (progress) progress(progress_user, T_total > 0 ? tj / T_total : 1.0, s, tj);
    }
    t_start += seg->duration_s;
    /* profiles exactly at the segment end: state before the next change */
    while (ip < np && prof_t[ip] <= t_start * (1.0 + 1e-12)) {
      if (prof_t[ip] > idr_sim_time(sim)) {
        st = idr_sim_advance(sim, prof_t[ip], err);
        if (st) goto seg_fail;
      }
      idr_profiles_store(&res->profiles, ip, prof_t[ip], d, idr_sim_y(sim));
      ip++;
    }
    continue;
  seg_fail:
    idr_error_context(err, "segment %d of %d (V = %g V, light = %g suns, t = %g .. %g s)", s + 1,
                      proto->n_segments, seg->V_V, seg->light_suns, t_start,
                      t_start + seg->duration_s);
    goto out_free;
  }
  /* profiles requested after the end: clamp to the final state */
  while (ip < np)
    idr_profiles_store(&res->profiles, ip++, idr_sim_time(sim), d, idr_sim_y(sim));
  res->n_samples = ns;
  idr_sim_get_stats(sim, &res->stats);
out_free:
  idr_sim_free(&sim);
  idr_admittance_free(&adm);
  free(seg_t);
  free(prof_t);
  if (st) idr_waveform_result_free(res);
  return st;
}

/* ---- deck keys ------------------------------------------------------------ */

static const char *const KEYS[] = {"type", "segments", "profile_times_s", "capacitance_f_Hz", NULL};

static idr_status read_segment(idr_deck_reader *r, const idr_ynode *n, size_t i, idr_segment *S) {
  static const char *const SKEYS[] = {"duration_s", "V_V",     "light_suns",
                                      "samples",    "spacing", NULL};
  static const char *const SPACING[] = {"log", "linear", NULL};
  char path[256];
  idr_read_path_index(path, sizeof path, "protocol.segments", i);
  if (idr_read_check_map(r, n, path, SKEYS) != IDR_OK) return IDR_ERR_INPUT;
  S->loc = idr_read_loc(n);
  S->light_suns = 0;
  S->samples = 50;
  S->log_spacing = 1;
  long samples = S->samples;
  if (idr_read_num(r, n, path, "duration_s", 1, IDR_RANGE_GT0, &S->duration_s) < 0 ||
      idr_read_num(r, n, path, "V_V", 1, IDR_RANGE_ANY, &S->V_V) < 0 ||
      idr_read_num(r, n, path, "light_suns", 0, IDR_RANGE_GE0, &S->light_suns) < 0 ||
      idr_read_int(r, n, path, "samples", 0, 1, IDR_SEGMENT_SAMPLES_MAX, &samples) < 0)
    return IDR_ERR_INPUT;
  S->samples = (int)samples;
  int sp = idr_read_choice(r, n, path, "spacing", 0, SPACING);
  if (sp == -2) return IDR_ERR_INPUT;
  if (sp >= 0) S->log_spacing = sp == 0;
  return IDR_OK;
}

/* protocol.profile_times_s: increasing, within [0, total]. */
static idr_status read_profile_times(idr_deck_reader *r, const idr_ynode *pt, double total,
                                     idr_waveform_spec *P) {
  const idr_ydoc *doc = idr_read_doc(r);
  idr_error *err = idr_read_err(r);
  if (idr_ynode_kind(pt) != IDR_Y_SEQ || idr_ynode_len(pt) > IDR_MAX_TIMES) {
    char got[128];
    if (idr_ynode_kind(pt) == IDR_Y_SEQ)
      snprintf(got, sizeof got, "%zu times", idr_ynode_len(pt));
    else
      snprintf(got, sizeof got, "%s", idr_ynode_scalar(pt) ? idr_ynode_scalar(pt) : "a mapping");
    return idr_yerror(doc, pt, 0, "protocol.profile_times_s", err,
                      "must be a list of at most %d times like [0, 5] (got %s)", IDR_MAX_TIMES,
                      got);
  }
  for (size_t i = 0; i < idr_ynode_len(pt); i++) {
    char p[256];
    const idr_ynode *e = idr_ynode_at(pt, i);
    double v;
    idr_read_path_index(p, sizeof p, "protocol.profile_times_s", i);
    if (idr_yread_number(doc, e, p, &v, err) != IDR_OK) return IDR_ERR_INPUT;
    const char *got = idr_read_got(e);
    if (v < 0) return idr_yerror(doc, e, 0, p, err, "must be >= 0 (got %s)", got);
    if (v > total * (1 + 1e-12))
      return idr_yerror(doc, e, 0, p, err, "must be <= the protocol's total duration %g s (got %s)",
                        total, got);
    if (i > 0 && !(v > P->profile_times_s[i - 1]))
      return idr_yerror(doc, e, 0, p, err,
                        "must be > the previous time %g s (increasing order) (got %s)",
                        P->profile_times_s[i - 1], got);
    P->profile_times_s[i] = v;
    P->n_profile_times = (int)i + 1;
  }
  return IDR_OK;
}

static idr_status read_spec(idr_deck_reader *r, const idr_ynode *n, const idr_deck *d, void *spec) {
  idr_waveform_spec *P = spec;
  if (idr_read_num(r, n, "protocol", "capacitance_f_Hz", 0, IDR_RANGE_GE0, &P->capacitance_f_Hz) <
      0)
    return IDR_ERR_INPUT;
  const idr_ynode *s;
  if (idr_read_seq(r, n, "protocol", "segments", 1, 1, IDR_MAX_SEGMENTS, "segments", &s) < 0)
    return IDR_ERR_INPUT;
  double total = 0;
  for (size_t i = 0; i < idr_ynode_len(s); i++) {
    if (read_segment(r, idr_ynode_at(s, i), i, &P->segments[i]) != IDR_OK) return IDR_ERR_INPUT;
    total += P->segments[i].duration_s;
    P->n_segments = (int)i + 1;
  }
  for (size_t i = 0; i < idr_ynode_len(s); i++) {
    char sp[256], path[256];
    const idr_ynode *sn = idr_ynode_at(s, i), *at = idr_ynode_get(sn, "light_suns");
    idr_read_path_index(sp, sizeof sp, "protocol.segments", i);
    idr_read_path_key(path, sizeof path, sp, "light_suns");
    if (idr_read_check_light(r, d, at ? at : sn, path, P->segments[i].light_suns) != IDR_OK)
      return IDR_ERR_INPUT;
  }
  const idr_ynode *pt = idr_ynode_get(n, "profile_times_s");
  return pt ? read_profile_times(r, pt, total, P) : IDR_OK;
}

static void emit_spec(const void *spec, idr_yaml_out *o) {
  const idr_waveform_spec *P = spec;
  char t1[32], t2[32], t3[32];
  idr_yout_printf(o, "  segments:\n");
  for (int i = 0; i < P->n_segments; i++) {
    const idr_segment *S = &P->segments[i];
    idr_yout_printf(o,
                    "    - {duration_s: %s, V_V: %s, light_suns: %s, samples: %d, spacing: %s}\n",
                    idr_yout_fmt(S->duration_s, t1), idr_yout_fmt(S->V_V, t2),
                    idr_yout_fmt(S->light_suns, t3), S->samples, S->log_spacing ? "log" : "linear");
  }
  idr_yout_printf(o, "  profile_times_s: [");
  for (int i = 0; i < P->n_profile_times; i++)
    idr_yout_printf(o, "%s%s", i ? ", " : "", idr_yout_fmt(P->profile_times_s[i], t1));
  idr_yout_printf(o, "]\n");
  idr_yout_num(o, "  ", "capacitance_f_Hz", P->capacitance_f_Hz);
}

/* ---- run and write ---------------------------------------------------------- */

typedef struct wf_progress {
  const idr_run_ctx *c;
  int n_segments;
} wf_progress;

static void wf_progress_cb(void *user, double fraction, int segment, double t) {
  const wf_progress *w = user;
  char stage[96];
  snprintf(stage, sizeof stage, "segment %d/%d  t = %.4g s", segment + 1, w->n_segments, t);
  w->c->progress(w->c->progress_user, fraction, stage);
}

static idr_status waveform_run(const idr_run_ctx *c, void **out, idr_error *err) {
  const idr_waveform_spec *P = c->spec;
  idr_waveform_result *r = calloc(1, sizeof *r);
  if (!r) return idr_error_set(err, IDR_ERR_NOMEM, "waveform: out of memory");
  wf_progress w = {c, P->n_segments};
  idr_status st = idr_run_waveform(c->dev, P, &c->opts, c->y_eq,
                                   c->progress ? wf_progress_cb : NULL, &w, r, err);
  if (st) {
    idr_error_context(err, "running the waveform protocol of %s", c->deck->path);
    free(r);
    return st;
  }
  *out = r;
  return IDR_OK;
}

static void waveform_free(void *out) {
  if (!out) return;
  idr_waveform_result_free(out);
  free(out);
}

/* The J(t) [and C(t)] table: no comment lines, the header first. */
static idr_status write_csv(const idr_waveform_result *r, idr_rset *rs, idr_error *err) {
  static const char *const names[] = {"time_s",  "V_V",       "light_suns", "J_A_m2", "Jn_A_m2",
                                      "Jp_A_m2", "Jion_A_m2", "Jdisp_A_m2", "C_F_m2", "G_S_m2"};
  const double *const cols[] = {r->t,  r->V,    r->light, r->J, r->Jn,
                                r->Jp, r->Jion, r->Jdisp, r->C, r->G};
  return idr_rset_set_csv(rs, names, cols, r->C ? 10 : 8, (size_t)r->n_samples, err);
}

static idr_status waveform_write(const idr_run_ctx *c, const void *out, idr_rset *rs,
                                 idr_error *err) {
  const idr_waveform_result *r = out;
  const size_t n = (size_t)r->n_samples;
  const struct {
    const char *name, *units;
    const double *data;
  } series[] = {{"t", "s", r->t},
                {"V", "V", r->V},
                {"light", "suns", r->light},
                {"J", "A/m^2", r->J},
                {"Jn", "A/m^2", r->Jn},
                {"Jp", "A/m^2", r->Jp},
                {"Jion", "A/m^2", r->Jion},
                {"Jdisp", "A/m^2", r->Jdisp}};
  char path[128];
  idr_status st = IDR_OK;
  for (size_t f = 0; !st && f < sizeof series / sizeof series[0]; f++) {
    snprintf(path, sizeof path, "transient/%s", series[f].name);
    st = idr_rset_put_double(rs, path, series[f].data, n, series[f].units, err);
  }
  if (!st && r->C) {
    st = idr_rset_put_double(rs, "transient/C", r->C, n, "F/m^2", err);
    if (!st) st = idr_rset_put_double(rs, "transient/G", r->G, n, "S/m^2", err);
    if (!st) st = idr_rset_attr_double(rs, "transient", "capacitance_f_Hz", r->cap_f_Hz, err);
  }
  for (int k = 0; !st && k < c->dev->n_ions; k++) {
    snprintf(path, sizeof path, "ion_drift_max_%s", c->dev->ion_names[k]);
    st = idr_rset_attr_double(rs, "transient", path, r->ion_drift_max[k], err);
  }
  const struct {
    const char *name;
    long value;
  } stats[] = {{"steps", r->stats.steps},
               {"res_evals", r->stats.res_evals},
               {"jac_evals", r->stats.jac_evals},
               {"lin_setups", r->stats.lin_setups},
               {"nonlin_conv_fails", r->stats.nonlin_conv_fails},
               {"err_test_fails", r->stats.err_test_fails}};
  for (size_t s = 0; !st && s < sizeof stats / sizeof stats[0]; s++)
    st = idr_rset_attr_double(rs, "transient", stats[s].name, (double)stats[s].value, err);
  if (!st && r->profiles.n_times > 0)
    st = idr_write_profiles(rs, "transient/profiles", &r->profiles, c->dev, 0, err);
  if (!st) st = write_csv(r, rs, err);
  return st;
}

static void defaults(void *spec) {
  idr_waveform_spec *P = spec;
  P->n_segments = 0;
  P->n_profile_times = 0;
  P->capacitance_f_Hz = 0;
}

const idr_protocol idr_protocol_waveform = {
    .keys = {.name = "waveform",
             .keys = KEYS,
             .spec_size = sizeof(idr_waveform_spec),
             .defaults = defaults,
             .read = read_spec,
             .emit = emit_spec},
    .group = "transient",
    .csv_suffix = "_J.csv",
    .run = waveform_run,
    .free_out = waveform_free,
    .write = waveform_write,
};

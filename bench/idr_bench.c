/*
 * idr_bench: timing and memory figures of the engine on the example deck
 * (examples/fapbi3_pin.yaml, or the deck given as argv[1]) at 300 K and
 * 200 K:
 *   equilibrium  the dark 0 V Poisson-Boltzmann solve with ion-number
 *                constraints (median wall time of BENCH_EQ_REPEATS solves)
 *   transient    the deck's own waveform protocol (+1 V for 5 s, then 0 V
 *                for 10 s) from the equilibrium (median of
 *                BENCH_TR_REPEATS runs), with IDA statistics, the mean
 *                times of one factorization and one solve of the transient's
 *                block-tridiagonal solver and of one KLU refactorization of
 *                the Jacobian
 *   admittance   one small-signal evaluation at BENCH_ADM_F_HZ about the
 *                equilibrium (idr_admittance_eval: complex refactorization,
 *                solve, terminal current; median of BENCH_ADM_REPEATS) over
 *                one real KLU refactorization of the same Jacobian
 * One machine-readable line per case:
 *   bench case=... T_K=... nodes=... unknowns=... wall_ms=... target_wall_ms=... ...
 * Targets (speed is reported, not tested; the exit status is 0 whatever the
 * figures, non-zero only if the deck cannot be loaded or a solve fails):
 * equilibrium < 20 ms, transient < 100 ms, peak RSS < 50 MB with ~400 nodes,
 * one admittance evaluation <= 3 real KLU refactorizations.
 */
#define _POSIX_C_SOURCE 200809L /* getrusage */
#include "bench_clock.h"
#include "idr_config.h"
#include "idr_core.h"
#include "idr_physics.h"
#include "idr_protocols.h"
#include "idr_solver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

enum {
  BENCH_EQ_REPEATS = 21,  /* equilibrium solves per temperature (median) */
  BENCH_TR_REPEATS = 5,   /* transient runs per temperature (median) */
  BENCH_KLU_REPEATS = 50, /* KLU refactorizations averaged */
  BENCH_ADM_REPEATS = 201 /* admittance evaluations (median) */
};
static const double BENCH_TARGET_EQ_MS = 20.0;  /* equilibrium target [ms] */
static const double BENCH_TARGET_TR_MS = 100.0; /* transient target [ms] */
static const double BENCH_TARGET_RSS_MB = 50.0; /* peak resident memory target [MB] */
static const double BENCH_ADM_F_HZ = 1e4;       /* admittance frequency [Hz] */
static const double BENCH_TARGET_ADM_RATIO = 3; /* admittance eval / real KLU refactor */

/* Peak resident set size of the process so far [MB] (Linux: ru_maxrss in kB). */
static double peak_rss_mb(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return -1.0;
  return (double)ru.ru_maxrss / 1024.0;
}

/* One admittance evaluation at BENCH_ADM_F_HZ about state y (the first
 * evaluation after set_state pivots afresh and is not timed), against the
 * mean real refactorization time klu_s [s] of the same Jacobian. */
static idr_status bench_admittance(const idr_device *d, const double *y, double klu_s,
                                   idr_error *err) {
  double t_adm[BENCH_ADM_REPEATS];
  idr_admittance *adm = NULL;
  idr_bias b0 = {0.0, 0.0};
  idr_admittance_point p = {0, 0, 0};
  const double w = 2.0 * IDR_PI * BENCH_ADM_F_HZ;
  double t0 = idr_bench_wall_s();
  idr_status st = idr_admittance_create(d, &adm, err);
  if (!st) st = idr_admittance_set_state(adm, y, &b0, err);
  if (!st) st = idr_admittance_eval(adm, w, &p, err);
  double t_first = idr_bench_wall_s() - t0;
  for (int r = 0; r < BENCH_ADM_REPEATS && !st; r++) {
    t0 = idr_bench_wall_s();
    st = idr_admittance_eval(adm, w, &p, err);
    t_adm[r] = idr_bench_wall_s() - t0;
  }
  if (!st) {
    double med = idr_bench_median(t_adm, BENCH_ADM_REPEATS);
    printf("bench case=admittance T_K=%g nodes=%d unknowns=%d f_Hz=%g eval_us=%.1f "
           "klu_factor_us=%.1f ratio=%.2f target_ratio=%g repeats=%d first_us=%.1f "
           "C_F_m2=%.6g peak_rss_MB=%.1f\n",
           d->T, d->N, d->n_unknowns, BENCH_ADM_F_HZ, 1e6 * med, 1e6 * klu_s, med / klu_s,
           BENCH_TARGET_ADM_RATIO, BENCH_ADM_REPEATS, 1e6 * t_first, p.C, peak_rss_mb());
  }
  idr_admittance_free(&adm);
  return st;
}

static idr_status bench_temperature(const idr_deck *deck, const idr_mesh *mesh, double T,
                                    idr_error *err) {
  idr_device *d = NULL;
  double *y = NULL;
  idr_waveform_result res;
  memset(&res, 0, sizeof res);
  double t_eq[BENCH_EQ_REPEATS], t_tr[BENCH_TR_REPEATS];
  idr_status st = idr_device_build(deck, mesh, T, &d, err);
  if (st) return st;
  y = malloc((size_t)d->n_unknowns * sizeof *y);
  if (!y) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "bench: out of memory");
    goto out_free_device;
  }

  idr_eq_stats es = {0, 0.0};
  for (int r = 0; r < BENCH_EQ_REPEATS; r++) {
    double t0 = idr_bench_wall_s();
    st = idr_equilibrium(d, y, &es, err);
    t_eq[r] = idr_bench_wall_s() - t0;
    if (st) goto out_free_y;
  }
  printf("bench case=equilibrium T_K=%g nodes=%d unknowns=%d wall_ms=%.3f target_wall_ms=%g "
         "repeats=%d newton_iters=%d peak_rss_MB=%.1f target_peak_rss_MB=%g\n",
         T, d->N, d->n_unknowns, 1e3 * idr_bench_median(t_eq, BENCH_EQ_REPEATS), BENCH_TARGET_EQ_MS,
         BENCH_EQ_REPEATS, es.iterations, peak_rss_mb(), BENCH_TARGET_RSS_MB);

  idr_sim_opts opts = idr_sim_opts_from_deck(deck);
  for (int r = 0; r < BENCH_TR_REPEATS; r++) {
    idr_waveform_result_free(&res);
    double t0 = idr_bench_wall_s();
    st = idr_run_waveform(d, idr_waveform_spec_of(deck), &opts, y, NULL, NULL, &res, err);
    t_tr[r] = idr_bench_wall_s() - t0;
    if (st) goto out_free_y;
  }
  /* one KLU refactorization at the equilibrium, with cj of the last step */
  idr_bias b0 = {0.0, 0.0};
  double cj = res.stats.last_h > 0 ? 1.0 / res.stats.last_h : 1.0, klu_s = 0.0;
  st = idr_klu_factor_time(d, y, &b0, cj, BENCH_KLU_REPEATS, &klu_s, err);
  if (st) goto out_free_y;
  double bt_factor_s = 0.0, bt_solve_s = 0.0;
  st = idr_blocktri_time(d, y, &b0, cj, BENCH_KLU_REPEATS, &bt_factor_s, &bt_solve_s, err);
  if (st) goto out_free_y;
  const idr_sim_stats *s = &res.stats;
  printf("bench case=transient T_K=%g nodes=%d unknowns=%d wall_ms=%.3f target_wall_ms=%g "
         "repeats=%d steps=%ld res=%ld jac=%ld setups=%ld newton_iters=%ld nonlin_fails=%ld "
         "errtest_fails=%ld qss_starts=%ld qss_iters=%ld bt_factor_us=%.1f bt_solve_us=%.1f "
         "klu_factor_us=%.1f peak_rss_MB=%.1f target_peak_rss_MB=%g\n",
         T, d->N, d->n_unknowns, 1e3 * idr_bench_median(t_tr, BENCH_TR_REPEATS), BENCH_TARGET_TR_MS,
         BENCH_TR_REPEATS, s->steps, s->res_evals, s->jac_evals, s->lin_setups, s->nonlin_iters,
         s->nonlin_conv_fails, s->err_test_fails, s->qss_starts, s->qss_iters, 1e6 * bt_factor_s,
         1e6 * bt_solve_s, 1e6 * klu_s, peak_rss_mb(), BENCH_TARGET_RSS_MB);
  st = bench_admittance(d, y, klu_s, err);
out_free_y:
  idr_waveform_result_free(&res);
  free(y);
out_free_device:
  idr_device_free(&d);
  return st;
}

/* The TID scan of the example deck (11 temperatures, 71 C samples each) on
 * 1 thread and on all threads (target: < 1 s on one core). */
static const double BENCH_TARGET_TID_MS = 1000.0;
static idr_status bench_tid(const char *path, idr_error *err) {
  static const int thread_counts[] = {1, 0};
  for (size_t k = 0; k < sizeof thread_counts / sizeof thread_counts[0]; k++) {
    char set_p[96];
    snprintf(set_p, sizeof set_p, "protocol={type: tid, threads: %d}", thread_counts[k]);
    const char *sets[1] = {set_p};
    idr_deck deck;
    idr_status st = idr_deck_load(path, sets, 1, NULL, &deck, err);
    if (st) return st;
    idr_mesh *mesh = NULL;
    st = idr_mesh_build(&deck, &mesh, err);
    idr_tid_result tr;
    idr_sim_opts so = idr_sim_opts_from_deck(&deck);
    if (!st) st = idr_run_tid(&deck, mesh, &so, 0, NULL, NULL, &tr, err);
    if (!st) {
      long steps = 0;
      for (int j = 0; j < tr.n_T; j++)
        steps += tr.curves[j].stats.steps;
      printf("bench case=tid_scan temperatures=%d failed=%d samples=%d threads=%d wall_ms=%.1f "
             "target_wall_ms_1_core=%g steps=%ld peak_rss_MB=%.1f\n",
             tr.n_T, tr.n_failed, tr.curves[0].n, tr.threads, 1e3 * tr.wall_s, BENCH_TARGET_TID_MS,
             steps, peak_rss_mb());
      idr_tid_result_free(&tr);
    }
    idr_mesh_free(&mesh);
    idr_deck_free(&deck);
    if (st) return st;
  }
  return IDR_OK;
}

/* One C-f-T map of the example deck (protocol tas: 11 temperatures
 * 340..140 K, 61 frequencies 0.1 Hz..1 MHz about each equilibrium) on 1
 * thread and on all threads (target: < 1 s on one core). */
static const double BENCH_TARGET_TAS_MS = 1000.0;
static idr_status bench_tas(const char *path, idr_error *err) {
  static const int thread_counts[] = {1, 0};
  for (size_t k = 0; k < sizeof thread_counts / sizeof thread_counts[0]; k++) {
    char set_p[96];
    snprintf(set_p, sizeof set_p, "protocol={type: tas, threads: %d}", thread_counts[k]);
    const char *sets[1] = {set_p};
    idr_deck deck;
    idr_status st = idr_deck_load(path, sets, 1, NULL, &deck, err);
    if (st) return st;
    idr_mesh *mesh = NULL;
    st = idr_mesh_build(&deck, &mesh, err);
    idr_tas_result tr;
    idr_sim_opts so = idr_sim_opts_from_deck(&deck);
    if (!st) st = idr_run_tas(&deck, mesh, &so, 0, NULL, NULL, &tr, err);
    if (!st) {
      printf("bench case=tas_map temperatures=%d frequencies=%d threads=%d wall_ms=%.1f "
             "target_wall_ms_1_core=%g eval_us=%.1f peak_rss_MB=%.1f\n",
             tr.n_T, tr.n_f, tr.threads, 1e3 * tr.wall_s, BENCH_TARGET_TAS_MS,
             1e6 * tr.wall_s * tr.threads / (tr.n_T * tr.n_f), peak_rss_mb());
      idr_tas_result_free(&tr);
    }
    idr_mesh_free(&mesh);
    idr_deck_free(&deck);
    if (st) return st;
  }
  return IDR_OK;
}

/* The deck's waveform with a Gaussian acceptor band of 1, 5, 25, 99 levels
 * in the absorber (1e16 cm^-3 at 0.55 eV below Ec, sigma 0.05 eV, c 1e-8
 * cm^3/s): the cost must grow at most linearly with the levels (traps
 * eliminated per node in the block solve). One run each (the 99-level run
 * took minutes before). */
static idr_status bench_trap_levels(const char *path, const char *absorber, idr_error *err) {
  static const int levels[] = {1, 5, 25, 99};
  for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++) {
    char set_t[320];
    snprintf(set_t, sizeof set_t,
             "traps=[{name: band, layer: %s, type: acceptor, E_from_Ec_eV: 0.55, sigma_E_eV: %g, "
             "levels: %d, density_cm3: 1e16, c_n_cm3_s: 1e-8, c_p_cm3_s: 1e-8}]",
             absorber, levels[k] > 1 ? 0.05 : 0.0, levels[k]);
    const char *sets[1] = {set_t};
    idr_deck deck;
    idr_status st = idr_deck_load(path, sets, 1, NULL, &deck, err);
    if (st) return st;
    idr_mesh *mesh = NULL;
    idr_device *d = NULL;
    double *y = NULL;
    idr_waveform_result res;
    memset(&res, 0, sizeof res);
    st = idr_mesh_build(&deck, &mesh, err);
    if (!st) st = idr_device_build(&deck, mesh, deck.temperature_K, &d, err);
    if (!st && !(y = malloc((size_t)d->n_unknowns * sizeof *y)))
      st = idr_error_set(err, IDR_ERR_NOMEM, "bench: out of memory");
    idr_eq_stats es;
    if (!st) st = idr_equilibrium(d, y, &es, err);
    idr_sim_opts opts = idr_sim_opts_from_deck(&deck);
    double t0 = idr_bench_wall_s();
    if (!st) st = idr_run_waveform(d, idr_waveform_spec_of(&deck), &opts, y, NULL, NULL, &res, err);
    double wall = idr_bench_wall_s() - t0;
    if (!st)
      printf("bench case=trap_levels levels=%d nodes=%d unknowns=%d nnz=%ld wall_ms=%.1f steps=%ld "
             "jac=%ld peak_rss_MB=%.1f\n",
             levels[k], d->N, d->n_unknowns, d->nnz, 1e3 * wall, res.stats.steps,
             res.stats.jac_evals, peak_rss_mb());
    idr_waveform_result_free(&res);
    free(y);
    idr_device_free(&d);
    idr_mesh_free(&mesh);
    idr_deck_free(&deck);
    if (st) return st;
  }
  return IDR_OK;
}

int main(int argc, char **argv) {
#ifdef IDR_SOURCE_DIR
  const char *path = argc > 1 ? argv[1] : IDR_SOURCE_DIR "/examples/fapbi3_pin.yaml";
#else
  if (argc < 2) {
    fprintf(stderr, "usage: %s DECK.yaml\n", argv[0]);
    return 2;
  }
  const char *path = argv[1];
#endif
  idr_error err;
  idr_error_clear(&err);
  idr_deck deck;
  idr_mesh *mesh = NULL;
  int rc = 0;
  if (idr_deck_load(path, NULL, 0, NULL, &deck, &err) != IDR_OK) {
    fprintf(stderr, "idr_bench: %s\n", err.msg);
    return 2;
  }
  if (!idr_waveform_spec_of(&deck)) {
    fprintf(stderr, "idr_bench: %s: the deck's protocol must be a waveform\n", path);
    rc = 2;
    goto out_free_deck;
  }
  if (idr_mesh_build(&deck, &mesh, &err) != IDR_OK) {
    fprintf(stderr, "idr_bench: %s\n", err.msg);
    rc = 2;
    goto out_free_deck;
  }
  printf("# idr_bench: deck %s (%s)\n", path, deck.title);
  const double temps[] = {300.0, 200.0};
  for (size_t i = 0; i < sizeof temps / sizeof temps[0]; i++) {
    if (bench_temperature(&deck, mesh, temps[i], &err) != IDR_OK) {
      fprintf(stderr, "idr_bench: T = %g K: %s\n", temps[i], err.msg);
      rc = 2;
    }
  }
  if (bench_trap_levels(path, deck.layers[idr_tid_absorber_layer(&deck)].name, &err) != IDR_OK) {
    fprintf(stderr, "idr_bench: trap levels: %s\n", err.msg);
    rc = 2;
  }
  if (bench_tid(path, &err) != IDR_OK) {
    fprintf(stderr, "idr_bench: TID scan: %s\n", err.msg);
    rc = 2;
  }
  if (bench_tas(path, &err) != IDR_OK) {
    fprintf(stderr, "idr_bench: TAS map: %s\n", err.msg);
    rc = 2;
  }
  idr_mesh_free(&mesh);
out_free_deck:
  idr_deck_free(&deck);
  return rc;
}

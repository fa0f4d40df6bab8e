/*
 * api_bench: what the public API costs around a run (api/iondrift.h), on
 * the reproduction's deck (examples/xiang2026.yaml, or argv[1]): loading a
 * study, one typed change (the deck reader run again on the tree; material
 * and composition data cached per study), a change of a composition family
 * and its x together, a deep copy, a read back by path; a short run (the
 * thermal equilibrium of the deck) without and with a progress callback
 * (the run then goes to a helper thread that reports to this one). Medians
 * of BENCH_API_REPEATS. One machine-readable line per case:
 *   bench case=api_... wall_us=... repeats=...
 * For scale: one TID scan of that deck is ~1 s (idr_bench, case tid_scan).
 */
#include "bench_clock.h"
#include "iondrift.h"

#include <stdio.h>

enum { BENCH_API_REPEATS = 201 };

static void on_progress(void *user, double fraction, const char *stage) {
  (void)stage;
  *(double *)user = fraction;
}

static void report(const char *name, double *t) {
  printf("bench case=api_%s wall_us=%.1f repeats=%d\n", name,
         1e6 * idr_bench_median(t, BENCH_API_REPEATS), BENCH_API_REPEATS);
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : IDR_SOURCE_DIR "/examples/xiang2026.yaml";
  static double t[BENCH_API_REPEATS];
  idr_error err;
  idr_error_clear(&err);
  idr_study *s = NULL, *c = NULL;
  int rc = 1;
  for (int r = 0; r < BENCH_API_REPEATS; r++) {
    double t0 = idr_bench_wall_s();
    idr_study_free(&s);
    if (idr_study_load(path, NULL, 0, &s, &err)) goto out;
    t[r] = idr_bench_wall_s() - t0;
  }
  report("load", t);
  for (int r = 0; r < BENCH_API_REPEATS; r++) {
    double t0 = idr_bench_wall_s();
    if (idr_study_set_double(s, "ions[0].Ea_eV", 0.1 + 1e-4 * r, &err)) goto out;
    t[r] = idr_bench_wall_s() - t0;
  }
  report("set_double", t);
  for (int r = 0; r < BENCH_API_REPEATS; r++) {
    const idr_value v[2] = {{"layers[1].composition.family", "FAPbI3-Br", 0},
                            {"layers[1].composition.x", NULL, 0.25 * (r % 11) / 10.0}};
    double t0 = idr_bench_wall_s();
    if (idr_study_set_values(s, v, 2, &err)) goto out;
    t[r] = idr_bench_wall_s() - t0;
  }
  report("set_composition", t);
  for (int r = 0; r < BENCH_API_REPEATS; r++) {
    double t0 = idr_bench_wall_s();
    idr_study_free(&c);
    if (idr_study_copy(s, &c, &err)) goto out;
    t[r] = idr_bench_wall_s() - t0;
  }
  report("copy", t);
  for (int r = 0; r < BENCH_API_REPEATS; r++) {
    double v, t0 = idr_bench_wall_s();
    if (idr_study_get_double(s, "ions[0].Ea_eV", &v, &err)) goto out;
    t[r] = idr_bench_wall_s() - t0;
  }
  report("get_double", t);
  if (idr_study_set_yaml(s, "protocol", "{type: equilibrate}", &err)) goto out;
  for (int with = 0; with < 2; with++) {
    static double cpu[BENCH_API_REPEATS];
    for (int r = 0; r < BENCH_API_REPEATS; r++) {
      double last = 0.0, t0 = idr_bench_wall_s(), c0 = idr_bench_cpu_s();
      idr_result *res = NULL;
      if (idr_study_run(s, 1, with ? on_progress : NULL, &last, &res, &err)) goto out;
      t[r] = idr_bench_wall_s() - t0;
      cpu[r] = idr_bench_cpu_s() - c0;
      idr_result_free(&res);
    }
    printf("bench case=api_run_equilibrate%s wall_us=%.1f cpu_us=%.1f repeats=%d\n",
           with ? "_progress" : "", 1e6 * idr_bench_median(t, BENCH_API_REPEATS),
           1e6 * idr_bench_median(cpu, BENCH_API_REPEATS), BENCH_API_REPEATS);
  }
  rc = 0;
out:
  if (rc) fprintf(stderr, "api_bench: %s\n", err.msg);
  idr_study_free(&c);
  idr_study_free(&s);
  return rc;
}

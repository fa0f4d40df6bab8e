/*
 * iondrift app: `iondrift run DECK.yaml`, on the public API only
 * (iondrift.h): load the study with the --set overrides, work out the output
 * files (before anything runs), run it (progress on a terminal), write the
 * result file and its CSV, print the summary in practical units from the
 * result's datasets and attributes. Nothing is written before the
 * simulation has succeeded.
 */
#define _POSIX_C_SOURCE 200809L

#include "app.h"
#include "app_out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATH_MAX_LEN 1024
#define A_M2_TO_MA_CM2 0.1 /* 1 A/m^2 = 0.1 mA/cm^2 */
#define F_M2_TO_NF_CM2 1e5 /* 1 F/m^2 = 1e5 nF/cm^2 */

int idr_app_exit_code(idr_status st) {
  switch (st) {
  case IDR_OK: return IDR_EXIT_OK;
  case IDR_ERR_INPUT:
  case IDR_ERR_RANGE:
  case IDR_ERR_UNSUPPORTED: return IDR_EXIT_INPUT;
  default: return IDR_EXIT_RUNTIME;
  }
}

static int fail(const idr_error *err, int code) {
  fprintf(stderr, "iondrift: error: %s\n", err->msg[0] ? err->msg : idr_status_str(err->status));
  return code;
}

/* ---- progress line (stderr, only on a terminal) ------------------------ */

static void progress_cb(void *user, double fraction, const char *stage) {
  int *shown = user;
  if (strncmp(stage, "TID", 3) == 0)
    fprintf(stderr, "\r\033[Kiondrift: TID %5.1f %%  %s", 100.0 * fraction, stage + 4);
  else
    fprintf(stderr, "\r\033[Kiondrift: %5.1f %%  %s", 100.0 * fraction, stage);
  fflush(stderr);
  *shown = 1;
}

/* ---- reading the result --------------------------------------------------- */

const double *idr_app_data(const idr_result *r, const char *name, size_t *n) {
  idr_dataset d;
  if (idr_result_dataset(r, name, &d, NULL) != IDR_OK || !d.is_dataset ||
      d.type != IDR_RESULT_DOUBLE) {
    *n = 0;
    return NULL;
  }
  *n = d.dims[0] * d.dims[1];
  return d.data;
}

const int *idr_app_ints(const idr_result *r, const char *name, size_t *n) {
  idr_dataset d;
  if (idr_result_dataset(r, name, &d, NULL) != IDR_OK || !d.is_dataset ||
      d.type != IDR_RESULT_INT) {
    *n = 0;
    return NULL;
  }
  *n = d.dims[0] * d.dims[1];
  return d.data;
}

const char *idr_app_attr_string(const idr_result *r, const char *obj, const char *name) {
  const char *s = NULL;
  return idr_result_attr_string(r, obj, name, &s, NULL) == IDR_OK && s ? s : "";
}

double idr_app_attr(const idr_result *r, const char *obj, const char *name) {
  double v = NAN;
  idr_result_attr_double(r, obj, name, &v, NULL);
  return v;
}

/* ---- summary ----------------------------------------------------------- */

static void print_transient(const idr_result *r, int n_segments) {
  size_t n;
  const double *t = idr_app_data(r, "transient/t", &n);
  printf("  transient     %d segments, %g s simulated in %.3f s wall, %.0f IDA steps "
         "(%.0f residuals, %.0f Jacobians, %.0f conv. fails, %.0f error-test fails)\n",
         n_segments, n ? t[n - 1] : 0.0, idr_app_attr(r, "transient", "wall_time_s"),
         idr_app_attr(r, "transient", "steps"), idr_app_attr(r, "transient", "res_evals"),
         idr_app_attr(r, "transient", "jac_evals"),
         idr_app_attr(r, "transient", "nonlin_conv_fails"),
         idr_app_attr(r, "transient", "err_test_fails"));
  idr_dataset g;
  if (idr_result_dataset(r, "transient", &g, NULL) == IDR_OK)
    for (size_t i = 0; i < g.n_attrs; i++) {
      const char *name, *s;
      double v;
      if (idr_result_attr(r, "transient", i, &name, &v, &s, NULL) == IDR_OK && !s &&
          strncmp(name, "ion_drift_max_", 14) == 0)
        printf("  ion number    %-12s max |N(t)/N(0) - 1| = %.2e\n", name + 14, v);
    }
  if (n > 0) {
    size_t m;
    const double *J = idr_app_data(r, "transient/J", &m), *V = idr_app_data(r, "transient/V", &m);
    const double *L = idr_app_data(r, "transient/light", &m);
    printf("  final J       %.6g mA/cm^2 at t = %g s, V = %g V, light = %g suns\n",
           J[n - 1] * A_M2_TO_MA_CM2, t[n - 1], V[n - 1], L[n - 1]);
    const double *C = idr_app_data(r, "transient/C", &m);
    if (C && m == n)
      printf("  capacitance   %.6g nF/cm^2 at %g Hz at the end (t = %g s)\n",
             C[n - 1] * F_M2_TO_NF_CM2, idr_app_attr(r, "transient", "capacitance_f_Hz"), t[n - 1]);
  }
}

static void print_smallsignal(const idr_result *r, const char *protocol) {
  size_t n = 0, m;
  if (strcmp(protocol, "cf") == 0) {
    const double *f = idr_app_data(r, "cf/f", &n), *C = idr_app_data(r, "cf/C", &m);
    if (n == 0) return;
    printf("  C-f           %zu frequencies %g .. %g Hz at %g V in %.3f s wall: C = %.6g .. %.6g "
           "nF/cm^2\n",
           n, f[0], f[n - 1], idr_app_attr(r, "cf", "V_V"), idr_app_attr(r, "cf", "wall_time_s"),
           C[0] * F_M2_TO_NF_CM2, C[n - 1] * F_M2_TO_NF_CM2);
  } else {
    const double *V = idr_app_data(r, "cv/V", &n), *C = idr_app_data(r, "cv/C", &m);
    const char *ions = "?";
    idr_result_attr_string(r, "cv", "ions", &ions, NULL);
    if (n == 0) return;
    printf("  C-V           %zu biases %g .. %g V at %g Hz (ions %s) in %.3f s wall: C = %.6g .. "
           "%.6g nF/cm^2\n",
           n, V[0], V[n - 1], idr_app_attr(r, "cv", "f_Hz"), ions,
           idr_app_attr(r, "cv", "wall_time_s"), C[0] * F_M2_TO_NF_CM2, C[n - 1] * F_M2_TO_NF_CM2);
  }
}

static void print_summary(const idr_study *s, const idr_result *r, const char *h5,
                          const char *csv) {
  const char *protocol = idr_study_protocol(s);
  size_t nx = 0, nl = 0, nphi = 0;
  idr_app_data(r, "mesh/x", &nx);
  idr_dataset lf;
  if (idr_result_dataset(r, "mesh/layer_first", &lf, NULL) == IDR_OK) nl = lf.dims[0] - 1;
  const double *phi = idr_app_data(r, "equilibrium/phi", &nphi);
  double T = idr_app_attr(r, "/", "temperature_K");
  printf("iondrift %s: %s\n", idr_version(),
         idr_study_title(s)[0] ? idr_study_title(s) : idr_study_name(s));
  printf("  deck          %s (%zu layers, %zu nodes, %g K, protocol %s)\n", idr_study_name(s), nl,
         nx, T, protocol);
  printf("  equilibrium   %.1f ms wall, %.0f Newton iterations, built-in potential %.4f V\n",
         1e3 * idr_app_attr(r, "equilibrium", "wall_time_s"),
         idr_app_attr(r, "equilibrium", "newton_iterations"), nphi ? phi[nphi - 1] - phi[0] : NAN);
  if (strcmp(protocol, "waveform") == 0) {
    size_t n_segments = 0;
    idr_study_get_count(s, "protocol.segments", &n_segments, NULL);
    print_transient(r, (int)n_segments);
  } else if (strcmp(protocol, "cf") == 0 || strcmp(protocol, "cv") == 0) {
    print_smallsignal(r, protocol);
  } else if (strcmp(protocol, "tid") == 0) {
    idr_app_print_tid(s, r);
  }
  printf("  wrote         %s\n", h5);
  if (csv && csv[0]) printf("                %s\n", csv);
}

int idr_app_run(const idr_run_opts *o) {
  idr_error err;
  idr_error_clear(&err);
  idr_study *s = NULL;
  idr_result *r = NULL;
  int code = IDR_EXIT_OK;

  /* Deck problems of any kind, including an unreadable deck file, are bad
   * input (exit 2); only running out of memory is a runtime failure. */
  idr_status st = idr_study_load(o->deck_path, o->sets, o->n_sets, &s, &err);
  if (st) return fail(&err, st == IDR_ERR_NOMEM ? IDR_EXIT_RUNTIME : IDR_EXIT_INPUT);

  char h5[PATH_MAX_LEN], csv[PATH_MAX_LEN];
  st = idr_study_output_paths(s, o->out_h5, h5, csv, sizeof h5, &err);
  if (st) {
    code = fail(&err, IDR_EXIT_INPUT);
    goto out_free;
  }
  /* unusable output paths are refused before any work, naming the directory */
  code = idr_app_check_output("run", h5);
  if (!code && csv[0]) code = idr_app_check_output("run", csv);
  if (code) goto out_free;
  /* the deck stored in the result names the files this run writes (a rerun
   * of it writes those and no other), set like any deck value */
  const idr_value out[2] = {{"output.h5", h5, 0}, {"output.csv", csv, 0}};
  st = idr_study_set_values(s, out, 2, &err);
  if (st) {
    code = fail(&err, idr_app_exit_code(st));
    goto out_free;
  }

  int shown = 0;
  const int show = !o->quiet && isatty(STDERR_FILENO);
  st = idr_study_run(s, 0, show ? progress_cb : NULL, &shown, &r, &err);
  if (shown) fputs("\r\033[K", stderr);
  fflush(stderr);
  if (st) {
    code = fail(&err, idr_app_exit_code(st));
    goto out_free;
  }
  st = idr_result_write(r, h5, csv, &err);
  if (st) {
    /* the files could not be written: a runtime failure, whatever the code */
    code = fail(&err, IDR_EXIT_RUNTIME);
    goto out_free;
  }
  if (!o->quiet) print_summary(s, r, h5, csv);
out_free:
  idr_result_free(&r);
  idr_study_free(&s);
  return code;
}

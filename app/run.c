/*
 * iondrift app: `iondrift run DECK.yaml`.
 *
 * deck (idr_deck_load, --set overrides) -> mesh (idr_mesh_build) -> device at
 * temperature_K (idr_device_build) -> thermal equilibrium (idr_equilibrium)
 * -> the protocol (equilibrate: nothing more; waveform: idr_run_waveform from
 * the equilibrium) -> result files (result.c) -> summary on stdout in
 * practical units. Nothing is written before the simulation has succeeded.
 */
#define _POSIX_C_SOURCE 200809L

#include "app.h"
#include "app_out.h"
#include "idr_analysis.h"
#include "idr_materials.h"
#include "idr_solver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PATH_MAX_LEN 1024
#define A_M2_TO_MA_CM2 0.1 /* 1 A/m^2 = 0.1 mA/cm^2 */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Status -> exit code: input problems are 2, everything else 1. */
static int exit_code_of(idr_status st) {
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

static const char *protocol_name(idr_protocol_type t) {
  switch (t) {
  case IDR_PROTO_EQUILIBRATE: return "equilibrate";
  case IDR_PROTO_WAVEFORM: return "waveform";
  case IDR_PROTO_TID: return "tid";
  case IDR_PROTO_CF: return "cf";
  case IDR_PROTO_CV: return "cv";
  }
  return "?";
}

/* Did the deck (or a --set) give output.csv explicitly? The deck has loaded
 * successfully, so reading it again cannot fail for a deck reason; on any
 * failure the answer is "no". */
static int deck_sets_csv(const char *deck_path, const char *const *sets, int n_sets) {
  idr_ydoc *doc = NULL;
  idr_error err;
  idr_error_clear(&err);
  int given = 0;
  if (idr_ydoc_read_file(deck_path, &doc, &err) == IDR_OK) {
    int ok = 1;
    for (int i = 0; ok && i < n_sets; i++)
      ok = idr_ydoc_apply_set(doc, sets[i], &err) == IDR_OK;
    const idr_ynode *root = ok ? idr_ydoc_root(doc) : NULL;
    const idr_ynode *out =
        root && idr_ynode_kind(root) == IDR_Y_MAP ? idr_ynode_get(root, "output") : NULL;
    given = out && idr_ynode_kind(out) == IDR_Y_MAP && idr_ynode_get(out, "csv") != NULL;
  }
  idr_ydoc_free(&doc);
  return given;
}

/* "dir/name.h5" -> "dir/name_J.csv". */
static int csv_beside(const char *h5, const char *suffix, char *out, size_t size) {
  const char *base = strrchr(h5, '/');
  base = base ? base + 1 : h5;
  const char *dot = strrchr(base, '.');
  size_t stem = dot && dot != base ? (size_t)(dot - h5) : strlen(h5);
  int w = snprintf(out, size, "%.*s%s", (int)stem, h5, suffix);
  return w >= 0 && (size_t)w < size;
}

/* The default CSV name of a protocol: <stem>_J.csv, _cf.csv or _cv.csv. */
static const char *csv_suffix(idr_protocol_type pt) {
  return pt == IDR_PROTO_CF    ? "_cf.csv"
         : pt == IDR_PROTO_CV  ? "_cv.csv"
         : pt == IDR_PROTO_TID ? "_tid.csv"
                               : "_J.csv";
}

/* ---- progress line (stderr, only on a terminal) ------------------------ */
typedef struct progress_state {
  int n_segments;
  int shown; /* a line is on screen */
} progress_state;

static void tid_progress_cb(void *user, double fraction, int index, double T) {
  progress_state *ps = user;
  (void)index;
  fprintf(stderr, "\r\033[Kiondrift: TID %5.1f %%  (T = %g K done)", 100.0 * fraction, T);
  fflush(stderr);
  ps->shown = 1;
}

static void progress_cb(void *user, double fraction, int segment, double t) {
  progress_state *ps = user;
  fprintf(stderr, "\r\033[Kiondrift: %5.1f %%  segment %d/%d  t = %.4g s", 100.0 * fraction,
          segment + 1, ps->n_segments, t);
  fflush(stderr);
  ps->shown = 1;
}

static void progress_clear(progress_state *ps) {
  if (ps->shown) fputs("\r\033[K", stderr);
  fflush(stderr);
  ps->shown = 0;
}

/* ---- summary ----------------------------------------------------------- */
static void print_summary(const idr_deck *d, const idr_device *dev, const double *y_eq,
                          const idr_eq_stats *eqs, double eq_wall, const idr_waveform_result *wr,
                          const idr_cf_result *cf, const idr_cv_result *cv,
                          const idr_tid_result *tid, const idr_tid_extraction *tx,
                          const char *tx_error, double tr_wall, const char *h5, const char *csv) {
  printf("iondrift %s: %s\n", IDR_VERSION, d->title[0] ? d->title : d->path);
  printf("  deck          %s (%d layers, %d nodes, %g K, protocol %s)\n", d->path, d->n_layers,
         dev->N, d->temperature_K, protocol_name(d->protocol.type));
  printf("  equilibrium   %.1f ms wall, %d Newton iterations, built-in potential %.4f V\n",
         1e3 * eq_wall, eqs->iterations, idr_phi(dev, y_eq, dev->N - 1) - idr_phi(dev, y_eq, 0));
  if (wr) {
    double t_end = wr->n_samples > 0 ? wr->t[wr->n_samples - 1] : 0.0;
    printf("  transient     %d segments, %g s simulated in %.3f s wall, %ld IDA steps "
           "(%ld residuals, %ld Jacobians, %ld conv. fails, %ld error-test fails)\n",
           d->protocol.n_segments, t_end, tr_wall, wr->stats.steps, wr->stats.res_evals,
           wr->stats.jac_evals, wr->stats.nonlin_conv_fails, wr->stats.err_test_fails);
    for (int k = 0; k < dev->n_ions; k++)
      printf("  ion number    %-12s max |N(t)/N(0) - 1| = %.2e\n", dev->ion_names[k],
             wr->ion_drift_max[k]);
    if (wr->n_samples > 0) {
      int last = wr->n_samples - 1;
      printf("  final J       %.6g mA/cm^2 at t = %g s, V = %g V, light = %g suns\n",
             wr->J[last] * A_M2_TO_MA_CM2, wr->t[last], wr->V[last], wr->light[last]);
    }
  }
  if (wr && wr->C && wr->n_samples > 0)
    printf("  capacitance   %.6g nF/cm^2 at %g Hz at the end (t = %g s)\n",
           wr->C[wr->n_samples - 1] * 1e5, wr->cap_f_Hz, wr->t[wr->n_samples - 1]);
  if (cf)
    printf("  C-f           %d frequencies %g .. %g Hz at %g V in %.3f s wall: C = %.6g .. %.6g "
           "nF/cm^2\n",
           cf->n, cf->f_Hz[0], cf->f_Hz[cf->n - 1], cf->V, tr_wall, cf->C[0] * 1e5,
           cf->C[cf->n - 1] * 1e5);
  if (cv)
    printf("  C-V           %d biases %g .. %g V at %g Hz (ions %s) in %.3f s wall: C = %.6g .. "
           "%.6g nF/cm^2\n",
           cv->n, cv->V[0], cv->V[cv->n - 1], cv->f_Hz, cv->ions_frozen ? "frozen" : "mobile",
           tr_wall, cv->C[0] * 1e5, cv->C[cv->n - 1] * 1e5);
  if (tid) idr_app_print_tid(d, tid, tx, tx_error);
  printf("  wrote         %s\n", h5);
  if ((wr || cf || cv || tid) && csv && csv[0]) printf("                %s\n", csv);
}

int idr_app_run(const idr_run_opts *o) {
  idr_error err;
  idr_error_clear(&err);
  idr_deck deck;
  idr_mesh *mesh = NULL;
  idr_device *dev = NULL;
  double *y = NULL;
  idr_waveform_result wr;
  idr_cf_result cf;
  idr_cv_result cv;
  int have_wr = 0, have_cf = 0, have_cv = 0, code = IDR_EXIT_OK;
  memset(&cf, 0, sizeof cf);
  memset(&cv, 0, sizeof cv);
  idr_tid_result tid;
  idr_tid_extraction tx;
  char tx_error[IDR_ERRMSG_LEN] = "";
  int have_tid = 0, have_tx = 0;
  memset(&tid, 0, sizeof tid);
  memset(&tx, 0, sizeof tx);
  progress_state ps = {0, 0};
  memset(&wr, 0, sizeof wr);

  /* Deck problems of any kind, including an unreadable deck file, are bad
   * input (exit 2); only running out of memory is a runtime failure. */
  idr_status st = idr_deck_load(o->deck_path, o->sets, o->n_sets, NULL, &deck, &err);
  if (st) return fail(&err, st == IDR_ERR_NOMEM ? IDR_EXIT_RUNTIME : IDR_EXIT_INPUT);

  const idr_protocol_type pt = deck.protocol.type;

  /* output paths */
  char h5_path[PATH_MAX_LEN], csv_path[PATH_MAX_LEN];
  idr_strlcpy(h5_path, o->out_h5 ? o->out_h5 : deck.output.h5_path, sizeof h5_path);
  idr_strlcpy(csv_path, deck.output.csv_path, sizeof csv_path);
  const int csv_given = deck_sets_csv(o->deck_path, o->sets, o->n_sets);
  if (!csv_given && pt != IDR_PROTO_WAVEFORM &&
      !csv_beside(deck.output.h5_path, csv_suffix(pt), csv_path, sizeof csv_path)) {
    idr_error_set(&err, IDR_ERR_INPUT, "%s: path too long", deck.output.h5_path);
    code = fail(&err, IDR_EXIT_INPUT);
    goto out_free_deck;
  }
  if (o->out_h5 && !csv_given &&
      !csv_beside(o->out_h5, csv_suffix(pt), csv_path, sizeof csv_path)) {
    idr_error_set(&err, IDR_ERR_INPUT, "-o %s: path too long", o->out_h5);
    code = fail(&err, IDR_EXIT_INPUT);
    goto out_free_deck;
  }
  if (pt == IDR_PROTO_EQUILIBRATE) csv_path[0] = '\0'; /* no J(t) to write */
  /* unusable output paths are refused before any work, naming the directory */
  code = idr_app_check_output("run", h5_path);
  if (!code && csv_path[0]) code = idr_app_check_output("run", csv_path);
  if (code) goto out_free_deck;
  /* the deck stored in the result names the files this run writes */
  st = idr_deck_set_output(&deck, h5_path, csv_path, &err);
  if (st) {
    code = fail(&err, exit_code_of(st));
    goto out_free_deck;
  }

  st = idr_mesh_build(&deck, &mesh, &err);
  if (!st) st = idr_device_build(&deck, mesh, deck.temperature_K, &dev, &err);
  if (st) {
    code = fail(&err, exit_code_of(st));
    goto out_free;
  }
  y = calloc((size_t)dev->n_unknowns, sizeof *y);
  if (!y) {
    idr_error_set(&err, IDR_ERR_NOMEM, "out of memory (%d unknowns)", dev->n_unknowns);
    code = fail(&err, IDR_EXIT_RUNTIME);
    goto out_free;
  }

  idr_eq_stats eqs = {0, 0.0};
  double t0 = now_s();
  st = idr_equilibrium(dev, y, &eqs, &err);
  double eq_wall = now_s() - t0;
  if (st) {
    idr_error_context(&err, "solving the thermal equilibrium at %g K", deck.temperature_K);
    code = fail(&err, exit_code_of(st));
    goto out_free;
  }

  double tr_wall = 0.0;
  if (pt == IDR_PROTO_WAVEFORM) {
    idr_sim_opts so = idr_sim_opts_from_deck(&deck);
    ps.n_segments = deck.protocol.n_segments;
    const int show = !o->quiet && isatty(STDERR_FILENO);
    t0 = now_s();
    st = idr_run_waveform(dev, &deck.protocol, &so, y, show ? progress_cb : NULL, &ps, &wr, &err);
    tr_wall = now_s() - t0;
    progress_clear(&ps);
    if (st) {
      idr_error_context(&err, "running the waveform protocol of %s", deck.path);
      code = fail(&err, exit_code_of(st));
      goto out_free;
    }
    have_wr = 1;
  } else if (pt == IDR_PROTO_CF || pt == IDR_PROTO_CV) {
    idr_sim_opts so = idr_sim_opts_from_deck(&deck);
    const idr_protocol_spec *P = &deck.protocol;
    t0 = now_s();
    if (pt == IDR_PROTO_CF)
      st = idr_run_cf(dev, &so, y, P->cf_V_V, P->f_min_Hz, P->f_max_Hz, P->points_per_decade, &cf,
                      &err);
    else
      st = idr_run_cv(dev, &so, y, P->V_start_V, P->V_stop_V, P->V_step_V, P->f_Hz, P->ions_frozen,
                      NULL, NULL, &cv, &err);
    tr_wall = now_s() - t0;
    if (st) {
      idr_error_context(&err, "running the %s protocol of %s", protocol_name(pt), deck.path);
      code = fail(&err, exit_code_of(st));
      goto out_free;
    }
    if (pt == IDR_PROTO_CF)
      have_cf = 1;
    else
      have_cv = 1;
  } else if (pt == IDR_PROTO_TID) {
    idr_sim_opts so = idr_sim_opts_from_deck(&deck);
    const int show = !o->quiet && isatty(STDERR_FILENO);
    st = idr_run_tid(&deck, mesh, &so, show ? tid_progress_cb : NULL, &ps, &tid, &err);
    progress_clear(&ps);
    if (st) {
      code = fail(&err, exit_code_of(st));
      goto out_free;
    }
    have_tid = 1;
    idr_error xerr;
    idr_error_clear(&xerr);
    if (idr_tid_extract_deck(&deck, &tid, &tx, &xerr) == IDR_OK)
      have_tx = 1;
    else
      idr_strlcpy(tx_error, xerr.msg, sizeof tx_error);
    tr_wall = tid.wall_s;
  }

  idr_result_data rd = {&deck,
                        mesh,
                        dev,
                        y,
                        have_wr ? &wr : NULL,
                        have_cf ? &cf : NULL,
                        have_cv ? &cv : NULL,
                        have_tid ? &tid : NULL,
                        have_tx ? &tx : NULL,
                        tx_error};
  st = idr_app_write_result(&rd, h5_path, csv_path, &err);
  if (st) {
    /* the files could not be written: a runtime failure, whatever the code */
    code = fail(&err, IDR_EXIT_RUNTIME);
    goto out_free;
  }
  if (!o->quiet)
    print_summary(&deck, dev, y, &eqs, eq_wall, have_wr ? &wr : NULL, have_cf ? &cf : NULL,
                  have_cv ? &cv : NULL, have_tid ? &tid : NULL, have_tx ? &tx : NULL, tx_error,
                  tr_wall, h5_path, csv_path);

out_free:
  if (have_wr) idr_waveform_result_free(&wr);
  if (have_cf) idr_cf_result_free(&cf);
  if (have_cv) idr_cv_result_free(&cv);
  if (have_tid) idr_tid_result_free(&tid);
  if (have_tx) idr_tid_extraction_free(&tx);
  free(y);
  idr_device_free(&dev);
  idr_mesh_free(&mesh);
out_free_deck:
  idr_deck_free(&deck);
  return code;
}

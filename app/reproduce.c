/*
 * iondrift app: `iondrift reproduce xiang2026` — the dark TID study of
 * Xiang et al., J. Mater. Chem. A 2026, 14, 16493, by the route the
 * experiment takes: for every FAPb(I1-xBrx)3 composition of the study and the
 * FAPbI3 + 5 % FAI sample, the device of examples/xiang2026.yaml with that
 * composition -> the TID scan 300..200 K -> the same extraction -> Ea and
 * N_ion beside the inputs and the study's stated values.
 *
 * Outputs in DIR: reproduce.h5 (every sample's transients and extraction),
 * reproduce.csv (one row per sample and species) and reproduce.png (drawn by
 * tools/plot_reproduce.py when /usr/bin/python3 with matplotlib and h5py is
 * there).
 */
#define _POSIX_C_SOURCE 200809L
#include "app.h"

#include "idr_analysis.h"
#include "idr_io.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef IDR_EXAMPLES_DIR
#define IDR_EXAMPLES_DIR "examples"
#endif
#ifndef IDR_TOOLS_DIR
#define IDR_TOOLS_DIR "tools"
#endif

#define N_SAMPLES 8
#define PATH_LEN 1024

typedef struct sample {
  const char *name;   /* HDF5 group and CSV label */
  const char *family; /* composition family */
  double x;           /* Br fraction */
  double Ea_stated;   /* the study's stated dark halide Ea [eV], NAN if not stated */
} sample;

static const sample SAMPLES[N_SAMPLES] = {
    {"x0", "FAPbI3-Br", 0.0, 0.131},   {"x0.025", "FAPbI3-Br", 0.025, 0.074},
    {"x0.05", "FAPbI3-Br", 0.05, NAN}, {"x0.10", "FAPbI3-Br", 0.10, NAN},
    {"x0.15", "FAPbI3-Br", 0.15, NAN}, {"x0.20", "FAPbI3-Br", 0.20, NAN},
    {"x0.25", "FAPbI3-Br", 0.25, NAN}, {"FAI", "FAPbI3-FAI", 0.0, 0.063}};

static const char USAGE_REPRO[] =
    "Usage: iondrift reproduce xiang2026 [-o DIR] [--threads N] [--deck DECK.yaml] [-q]\n"
    "\n"
    "Reproduce the dark TID study of Xiang et al., J. Mater. Chem. A 2026, 14, 16493:\n"
    "for x = 0, 0.025, 0.05, 0.10, 0.15, 0.20, 0.25 (FAPb(I1-xBrx)3) and the\n"
    "FAPbI3 + 5 % FAI sample, run the TID scan (300..200 K, +1 V for 5 s, C at\n"
    "10 kHz) of examples/xiang2026.yaml with that composition, extract Ea and\n"
    "N_ion with the experimenters' analysis, and write them beside the inputs.\n"
    "\n"
    "Options:\n"
    "  -o DIR          output directory (default: reproduce_xiang2026), created if needed\n"
    "  --threads N     OpenMP threads for the temperatures of each sample (default: all)\n"
    "  --deck FILE     the base deck (default: the installed examples/xiang2026.yaml)\n"
    "  -q              no progress, no table\n"
    "\n"
    "Outputs: DIR/reproduce.h5, DIR/reproduce.csv\n"
    "  (sample,x,illuminated,species,Ea_true_eV,Ea_extracted_eV,Ea_err_eV,N_true_cm3,\n"
    "   N_extracted_cm3), DIR/reproduce.png (needs /usr/bin/python3 with matplotlib\n"
    "  and h5py). Exit status: 0 success, 1 runtime failure, 2 bad input.\n";

void idr_app_reproduce_usage(FILE *f) {
  fputs(USAGE_REPRO, f);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct result_row {
  int ok;
  double Ea_true, N_true, Ea_x, Ea_err, N_x, N_x_err, D0_true;
  const char *sign;
  char error[IDR_ERRMSG_LEN];
} result_row;

static int run_plot(const char *dir, int quiet) {
  char script[PATH_LEN], h5[PATH_LEN], png[PATH_LEN];
  const char *tools = getenv("IONDRIFT_TOOLS");
  snprintf(script, sizeof script, "%s/plot_reproduce.py", tools ? tools : IDR_TOOLS_DIR);
  snprintf(h5, sizeof h5, "%s/reproduce.h5", dir);
  snprintf(png, sizeof png, "%s/reproduce.png", dir);
  if (access("/usr/bin/python3", X_OK) != 0 || access(script, R_OK) != 0) {
    if (!quiet)
      fprintf(stderr, "iondrift: note: no plot (needs /usr/bin/python3 and %s)\n", script);
    return 0;
  }
  pid_t pid = fork();
  if (pid < 0) return 0;
  if (pid == 0) {
    execl("/usr/bin/python3", "python3", script, h5, "-o", png, (char *)NULL);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 1;
  if (!quiet)
    fprintf(stderr, "iondrift: note: the plot script failed (matplotlib/h5py missing?); "
                    "the HDF5 and CSV results are complete\n");
  return 0;
}

int idr_app_reproduce(int argc, char **argv) {
  const char *dir = "reproduce_xiang2026", *deck_path = NULL;
  int threads = 0, quiet = 0;
  if (argc < 3 || strcmp(argv[2], "xiang2026") != 0) {
    fprintf(stderr,
            "iondrift: error: reproduce: the study to reproduce must be 'xiang2026'%s%s%s\n"
            "Try 'iondrift help reproduce'.\n",
            argc >= 3 ? " (got '" : "", argc >= 3 ? argv[2] : "", argc >= 3 ? "')" : "");
    return IDR_EXIT_INPUT;
  }
  for (int i = 3; i < argc; i++) {
    const char *a = argv[i];
    if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < argc) {
      dir = argv[++i];
    } else if (strcmp(a, "--threads") == 0 && i + 1 < argc) {
      char *end;
      long v = strtol(argv[++i], &end, 10);
      if (*end || v < 1 || v > 1024) {
        fprintf(stderr,
                "iondrift: error: reproduce: --threads must be an integer in [1, 1024] "
                "(got '%s')\nTry 'iondrift help reproduce'.\n",
                argv[i]);
        return IDR_EXIT_INPUT;
      }
      threads = (int)v;
    } else if (strcmp(a, "--deck") == 0 && i + 1 < argc) {
      deck_path = argv[++i];
    } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
      quiet = 1;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(USAGE_REPRO, stdout);
      return IDR_EXIT_OK;
    } else {
      fprintf(stderr,
              "iondrift: error: reproduce: unknown or incomplete option '%s'\n"
              "Try 'iondrift help reproduce'.\n",
              a);
      return IDR_EXIT_INPUT;
    }
  }
  char deck_buf[PATH_LEN];
  if (!deck_path) {
    const char *ex = getenv("IONDRIFT_EXAMPLES");
    snprintf(deck_buf, sizeof deck_buf, "%s/xiang2026.yaml", ex ? ex : IDR_EXAMPLES_DIR);
    deck_path = deck_buf;
  }
  /* load every sample's deck first: bad input stops before anything runs */
  idr_deck decks[N_SAMPLES];
  idr_error err;
  idr_error_clear(&err);
  int loaded = 0, code = IDR_EXIT_OK;
  for (int s = 0; s < N_SAMPLES; s++) {
    char set_comp[160], set_thr[64];
    if (SAMPLES[s].x == 0.0 && strcmp(SAMPLES[s].family, "FAPbI3-FAI") == 0)
      snprintf(set_comp, sizeof set_comp, "layers[1].composition={family: %s}", SAMPLES[s].family);
    else
      snprintf(set_comp, sizeof set_comp, "layers[1].composition={family: %s, x: %.17g}",
               SAMPLES[s].family, SAMPLES[s].x);
    snprintf(set_thr, sizeof set_thr, "protocol.threads=%d", threads);
    const char *sets[2] = {set_comp, set_thr};
    idr_status st = idr_deck_load(deck_path, sets, 2, NULL, &decks[s], &err);
    if (st) {
      fprintf(stderr, "iondrift: error: %s\n", err.msg);
      code = st == IDR_ERR_NOMEM ? IDR_EXIT_RUNTIME : IDR_EXIT_INPUT;
      goto out_free;
    }
    loaded++;
    if (decks[s].protocol.type != IDR_PROTO_TID || decks[s].n_ions < 1) {
      fprintf(stderr,
              "iondrift: error: %s: the base deck must have protocol.type tid and a mobile "
              "ion species\n",
              deck_path);
      code = IDR_EXIT_INPUT;
      goto out_free;
    }
  }
  /* the decks are good: now the output directory */
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "iondrift: error: reproduce: cannot create %s: %s\n", dir, strerror(errno));
    code = IDR_EXIT_RUNTIME;
    goto out_free;
  }
  result_row rows[N_SAMPLES];
  idr_tid_result tr[N_SAMPLES];
  idr_tid_extraction tx[N_SAMPLES];
  memset(rows, 0, sizeof rows);
  memset(tr, 0, sizeof tr);
  memset(tx, 0, sizeof tx);
  int have_tr[N_SAMPLES] = {0}, have_tx[N_SAMPLES] = {0};
  double t0 = now_s();
  for (int s = 0; s < N_SAMPLES; s++) {
    idr_deck *d = &decks[s];
    idr_mesh *mesh = NULL;
    idr_sim_opts so = {d->solver.rtol, d->solver.max_steps, 0.0};
    double ts = now_s();
    idr_status st = idr_mesh_build(d, &mesh, &err);
    if (!st) st = idr_run_tid(d, mesh, &so, NULL, NULL, &tr[s], &err);
    idr_mesh_free(&mesh);
    if (st) {
      fprintf(stderr, "iondrift: error: sample %s: %s\n", SAMPLES[s].name, err.msg);
      code = IDR_EXIT_RUNTIME;
      goto out_results;
    }
    have_tr[s] = 1;
    result_row *r = &rows[s];
    r->Ea_true = d->ions[0].Ea_eV;
    r->N_true = d->ions[0].density_cm3;
    r->D0_true = d->ions[0].D0_cm2_s;
    idr_error xe;
    idr_error_clear(&xe);
    if (idr_app_tid_extract(d, &tr[s], &tx[s], &xe) == IDR_OK) {
      have_tx[s] = 1;
      r->ok = 1;
      r->Ea_x = tx[s].species[0].Ea_eV;
      r->Ea_err = tx[s].species[0].Ea_err_eV;
      r->N_x = tx[s].species[0].N_ion_cm3;
      r->N_x_err = tx[s].species[0].N_ion_err_cm3;
      r->sign = tx[s].species[0].sign == IDR_ION_ANION ? "anion" : "cation";
    } else {
      r->Ea_x = r->Ea_err = r->N_x = r->N_x_err = NAN;
      r->sign = "none";
      idr_strlcpy(r->error, xe.msg, sizeof r->error);
    }
    if (!quiet)
      fprintf(stderr, "iondrift: reproduce: %-7s (%d/%d) %.2f s: Ea true %.4f extracted %.4f eV\n",
              SAMPLES[s].name, s + 1, N_SAMPLES, now_s() - ts, r->Ea_true, r->Ea_x);
  }
  double wall = now_s() - t0;
  /* CSV */
  {
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/reproduce.csv", dir);
    FILE *f = NULL;
    char tmp[PATH_LEN + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    f = fopen(tmp, "w");
    if (!f) {
      fprintf(stderr, "iondrift: error: cannot write %s: %s\n", tmp, strerror(errno));
      code = IDR_EXIT_RUNTIME;
      goto out_results;
    }
    fprintf(f, "sample,x,illuminated,species,Ea_true_eV,Ea_extracted_eV,Ea_err_eV,N_true_cm3,"
               "N_extracted_cm3\n");
    for (int s = 0; s < N_SAMPLES; s++)
      fprintf(f, "%s,%.6g,0,%s,%.10g,%.10g,%.10g,%.10g,%.10g\n", SAMPLES[s].name, SAMPLES[s].x,
              rows[s].sign, rows[s].Ea_true, rows[s].Ea_x, rows[s].Ea_err, rows[s].N_true,
              rows[s].N_x);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
      remove(tmp);
      fprintf(stderr, "iondrift: error: cannot write %s\n", path);
      code = IDR_EXIT_RUNTIME;
      goto out_results;
    }
  }
  /* HDF5 */
  {
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/reproduce.h5", dir);
    idr_h5 *h = NULL;
    idr_status st = idr_h5_create(path, &h, &err);
    if (!st) st = idr_h5_set_attr_string(h, "/", "iondrift_version", IDR_VERSION, &err);
    if (!st)
      st = idr_h5_set_attr_string(
          h, "/", "study", "Xiang et al., J. Mater. Chem. A 2026, 14, 16493 (dark TID)", &err);
    if (!st) st = idr_h5_set_attr_string(h, "/", "deck_yaml", decks[0].resolved_yaml, &err);
    if (!st) st = idr_h5_set_attr_double(h, "/", "wall_time_s", wall, &err);
    double xs[N_SAMPLES], Et[N_SAMPLES], Ex[N_SAMPLES], Ee[N_SAMPLES], Nt[N_SAMPLES], Nx[N_SAMPLES],
        Ne[N_SAMPLES], Es[N_SAMPLES];
    int fai[N_SAMPLES];
    for (int s = 0; s < N_SAMPLES; s++) {
      xs[s] = SAMPLES[s].x;
      Et[s] = rows[s].Ea_true;
      Ex[s] = rows[s].Ea_x;
      Ee[s] = rows[s].Ea_err;
      Nt[s] = rows[s].N_true * IDR_CM3_TO_M3;
      Nx[s] = rows[s].N_x * IDR_CM3_TO_M3;
      Ne[s] = rows[s].N_x_err * IDR_CM3_TO_M3;
      Es[s] = SAMPLES[s].Ea_stated;
      fai[s] = strcmp(SAMPLES[s].family, "FAPbI3-FAI") == 0;
    }
    const size_t n = N_SAMPLES;
    if (!st) st = idr_h5_write_double_1d(h, "summary/x", xs, n, "-", &err);
    if (!st) st = idr_h5_write_int_1d(h, "summary/fai_sample", fai, n, "-", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/Ea_true", Et, n, "eV", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/Ea_extracted", Ex, n, "eV", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/Ea_err", Ee, n, "eV", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/Ea_stated", Es, n, "eV", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/N_true", Nt, n, "m^-3", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/N_extracted", Nx, n, "m^-3", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/N_err", Ne, n, "m^-3", &err);
    for (int s = 0; !st && s < N_SAMPLES; s++) {
      char g[256];
      snprintf(g, sizeof g, "samples/%s", SAMPLES[s].name);
      st = idr_h5_create_group(h, g, &err);
      if (!st) st = idr_h5_set_attr_string(h, g, "family", SAMPLES[s].family, &err);
      if (!st) st = idr_h5_set_attr_double(h, g, "x", SAMPLES[s].x, &err);
      snprintf(g, sizeof g, "samples/%s/tid", SAMPLES[s].name);
      if (!st)
        st = idr_app_write_tid(h, g, &decks[s], &tr[s], have_tx[s] ? &tx[s] : NULL, rows[s].error,
                               &err);
    }
    if (!st) st = idr_h5_commit(&h, &err);
    if (st) {
      idr_h5_abort(&h);
      fprintf(stderr, "iondrift: error: %s\n", err.msg);
      code = IDR_EXIT_RUNTIME;
      goto out_results;
    }
  }
  int plotted = run_plot(dir, quiet);
  if (!quiet) {
    printf("iondrift %s: reproduce xiang2026 (dark TID, %d samples, %.2f s wall)\n", IDR_VERSION,
           N_SAMPLES, wall);
    printf("  %-7s %6s  %-7s %9s %15s %9s %11s %11s\n", "sample", "x", "species", "Ea_true",
           "Ea_extracted", "Ea_study", "N_true", "N_extr.");
    for (int s = 0; s < N_SAMPLES; s++)
      printf("  %-7s %6.3f  %-7s %9.4f %8.4f+-%.4f %9.3f %11.3g %11.3g\n", SAMPLES[s].name,
             SAMPLES[s].x, rows[s].sign, rows[s].Ea_true, rows[s].Ea_x, rows[s].Ea_err,
             SAMPLES[s].Ea_stated, rows[s].N_true, rows[s].N_x);
    printf("  wrote         %s/reproduce.h5\n                %s/reproduce.csv\n", dir, dir);
    if (plotted) printf("                %s/reproduce.png\n", dir);
  }
out_results:
  for (int s = 0; s < N_SAMPLES; s++) {
    if (have_tr[s]) idr_tid_result_free(&tr[s]);
    if (have_tx[s]) idr_tid_extraction_free(&tx[s]);
  }
out_free:
  for (int s = 0; s < loaded; s++)
    idr_deck_free(&decks[s]);
  return code;
}

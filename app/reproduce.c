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
#include "app_out.h"

#include "idr_analysis.h"
#include "idr_io.h"
#include "idr_materials.h"

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
/* --invert: stop when the bracket or |Ea_extracted - target| is below this [eV] */
#define IDR_REPRO_INVERT_TOL_EV 2e-4
/* --invert: the true Ea is searched in [0, this] [eV] */
#define IDR_REPRO_INVERT_EA_MAX_EV 0.6

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
    "Usage: iondrift reproduce xiang2026 [-o DIR] [--threads N] [--deck DECK.yaml]\n"
    "                                    [--samples S1,S2,...] [--invert] [-q]\n"
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
    "  --samples LIST  only these samples (comma-separated names: x0 x0.025 x0.05 x0.10\n"
    "                  x0.15 x0.20 x0.25 FAI; default: all)\n"
    "  --invert        instead of the composition table's true halide Ea, find per sample\n"
    "                  the true Ea whose simulated TID extraction returns the table's\n"
    "                  TID value (Ea_halide_TID_eV: the study's stated number where it\n"
    "                  states one), by Brent's method on full TID scans (3-4 per sample);\n"
    "                  the outputs then hold the inverted true Ea\n"
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
  double Ea_tid; /* the composition's TID value (inversion target) [eV] */
  int inv_evals; /* TID scans of the inversion (0: not inverted) */
  const char *sign;
  char error[IDR_ERRMSG_LEN];
} result_row;

/* Sample s's deck: the base deck with its composition, the thread count
 * and, when Ea_eV is finite, the halide's true Ea set to it. */
static idr_status load_sample(const char *deck_path, int s, int threads, double Ea_eV, idr_deck *d,
                              idr_error *err) {
  char set_comp[160], set_thr[64], set_ea[64];
  if (strcmp(SAMPLES[s].family, "FAPbI3-FAI") == 0)
    snprintf(set_comp, sizeof set_comp, "layers[1].composition={family: %s}", SAMPLES[s].family);
  else
    snprintf(set_comp, sizeof set_comp, "layers[1].composition={family: %s, x: %.17g}",
             SAMPLES[s].family, SAMPLES[s].x);
  snprintf(set_thr, sizeof set_thr, "protocol.threads=%d", threads);
  snprintf(set_ea, sizeof set_ea, "ions[0].Ea_eV=%.17g", Ea_eV);
  const char *sets[3] = {set_comp, set_thr, set_ea};
  return idr_deck_load(deck_path, sets, isfinite(Ea_eV) ? 3 : 2, NULL, d, err);
}

/* The TID scan of deck d and its extraction into r (r->ok = 0 and r->error
 * when the extraction fails; a failed scan is an error). */
static idr_status run_sample(const idr_deck *d, idr_tid_result *tr, idr_tid_extraction *tx,
                             int *have_tx, result_row *r, idr_error *err) {
  idr_status st = idr_run_tid_deck(d, tr, err);
  if (st) return st;
  r->Ea_true = d->ions[0].Ea_eV;
  r->N_true = d->ions[0].density_cm3;
  r->D0_true = d->ions[0].D0_cm2_s;
  idr_error xe;
  idr_error_clear(&xe);
  *have_tx = 0;
  if (idr_tid_extract_deck(d, tr, tx, &xe) == IDR_OK) {
    *have_tx = 1;
    r->ok = 1;
    r->Ea_x = tx->species[0].Ea_eV;
    r->Ea_err = tx->species[0].Ea_err_eV;
    r->N_x = tx->species[0].N_ion_cm3;
    r->N_x_err = tx->species[0].N_ion_err_cm3;
    r->sign = tx->species[0].sign == IDR_ION_ANION ? "anion" : "cation";
  } else {
    r->ok = 0;
    r->Ea_x = r->Ea_err = r->N_x = r->N_x_err = NAN;
    r->sign = "none";
    idr_strlcpy(r->error, xe.msg, sizeof r->error);
  }
  return IDR_OK;
}

/* The inversion's g: the extracted anion Ea of sample s with true Ea p.
 * The last evaluation (deck, scan, extraction) is kept, so that the final
 * one, normally the solution, need not be run again. */
typedef struct invert_ctx {
  const char *deck_path;
  int sample, threads, quiet;
  int have;              /* 1: the members below hold the last evaluation */
  double p;              /* its true Ea [eV] */
  idr_deck d;            /* its deck */
  idr_tid_result tr;     /* its scan */
  idr_tid_extraction tx; /* its extraction (have_tx) */
  int have_tx;
  result_row r;
} invert_ctx;

static void invert_ctx_clear(invert_ctx *c) {
  if (!c->have) return;
  idr_tid_result_free(&c->tr);
  if (c->have_tx) idr_tid_extraction_free(&c->tx);
  idr_deck_free(&c->d);
  c->have = c->have_tx = 0;
}

static idr_status extracted_Ea(double p, void *user, double *g, idr_error *err) {
  invert_ctx *c = user;
  invert_ctx_clear(c);
  idr_status st = load_sample(c->deck_path, c->sample, c->threads, p, &c->d, err);
  if (st) return st;
  memset(&c->tr, 0, sizeof c->tr);
  memset(&c->r, 0, sizeof c->r);
  double t0 = now_s();
  st = run_sample(&c->d, &c->tr, &c->tx, &c->have_tx, &c->r, err);
  if (st) {
    if (c->have_tx) idr_tid_extraction_free(&c->tx);
    idr_deck_free(&c->d);
    c->have_tx = 0;
    return st;
  }
  c->have = 1;
  c->p = p;
  if (!c->r.ok)
    return idr_error_set(err, IDR_ERR_SOLVER, "extraction failed at true Ea %.6g eV: %s", p,
                         c->r.error);
  if (strcmp(c->r.sign, "anion") != 0)
    return idr_error_set(err, IDR_ERR_SOLVER,
                         "at true Ea %.6g eV the signal is read as a %s, not an anion", p,
                         c->r.sign);
  *g = c->r.Ea_x;
  if (!c->quiet)
    fprintf(stderr, "iondrift: reproduce: %-7s invert: true %.5f -> extracted %.5f eV (%.2f s)\n",
            SAMPLES[c->sample].name, p, *g, now_s() - t0);
  return IDR_OK;
}

/* "; N inversion scans" for the progress line. */
static const char *inv_note(int evals, char *buf, size_t size) {
  snprintf(buf, size, "; %d inversion scans", evals);
  return buf;
}

/* Parse --samples: comma-separated names into sel[] (1 = run). */
static int parse_samples(const char *list, int *sel) {
  for (int s = 0; s < N_SAMPLES; s++)
    sel[s] = 0;
  const char *p = list;
  while (*p) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    int found = -1;
    for (int s = 0; len > 0 && s < N_SAMPLES; s++)
      if (strlen(SAMPLES[s].name) == len && strncmp(SAMPLES[s].name, p, len) == 0) found = s;
    if (found < 0)
      return idr_app_usage_error("reproduce",
                                 "--samples: unknown sample '%.*s' (known: x0 x0.025 x0.05 x0.10 "
                                 "x0.15 x0.20 x0.25 FAI)",
                                 (int)len, p);
    sel[found] = 1;
    if (!e) break;
    p = e + 1;
    if (!*p) /* a trailing comma */
      return idr_app_usage_error("reproduce", "--samples: empty sample name after ','");
  }
  int any = 0;
  for (int s = 0; s < N_SAMPLES; s++)
    any |= sel[s];
  if (!any)
    return idr_app_usage_error("reproduce", "--samples: the list is empty (known: x0 x0.025 "
                                            "x0.05 x0.10 x0.15 x0.20 x0.25 FAI)");
  return 0;
}

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
  int threads = 0, quiet = 0, invert = 0;
  int sel[N_SAMPLES];
  for (int s = 0; s < N_SAMPLES; s++)
    sel[s] = 1;
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
    } else if (strcmp(a, "--samples") == 0 && i + 1 < argc) {
      if (parse_samples(argv[++i], sel)) return IDR_EXIT_INPUT;
    } else if (strcmp(a, "--invert") == 0) {
      invert = 1;
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
  /* the selected samples, in table order */
  int idx[N_SAMPLES], n_run = 0;
  for (int s = 0; s < N_SAMPLES; s++)
    if (sel[s]) idx[n_run++] = s;
  /* load every sample's deck first: bad input stops before anything runs */
  idr_deck decks[N_SAMPLES];
  result_row rows[N_SAMPLES];
  memset(rows, 0, sizeof rows);
  idr_error err;
  idr_error_clear(&err);
  int loaded = 0, code = IDR_EXIT_OK;
  for (int k = 0; k < n_run; k++) {
    int s = idx[k];
    idr_status st = load_sample(deck_path, s, threads, NAN, &decks[k], &err);
    if (st) {
      fprintf(stderr, "iondrift: error: %s\n", err.msg);
      code = st == IDR_ERR_NOMEM ? IDR_EXIT_RUNTIME : IDR_EXIT_INPUT;
      goto out_free;
    }
    loaded++;
    const idr_deck *d = &decks[k];
    int L = idr_tid_absorber_layer(d);
    if (d->protocol.type != IDR_PROTO_TID || d->n_ions < 1 || d->ions[0].z >= 0 || L < 0 ||
        !d->layers[L].composition_family[0]) {
      fprintf(stderr,
              "iondrift: error: %s: the base deck must have protocol.type tid, a mobile anion "
              "species first and a composition absorber\n",
              deck_path);
      code = IDR_EXIT_INPUT;
      goto out_free;
    }
    idr_composition comp;
    double cx = strcmp(SAMPLES[s].family, "FAPbI3-FAI") == 0 ? NAN : SAMPLES[s].x;
    st = idr_composition_eval(SAMPLES[s].family, cx, NULL, &comp, &err);
    if (st) {
      fprintf(stderr, "iondrift: error: %s\n", err.msg);
      code = IDR_EXIT_INPUT;
      goto out_free;
    }
    rows[k].Ea_tid = comp.Ea_halide_TID_eV;
  }
  /* the decks are good: now the output directory (its parent must exist) */
  code = idr_app_check_output_dir("reproduce", dir);
  if (code) goto out_free;
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "iondrift: error: reproduce: cannot create %s: %s\n", dir, strerror(errno));
    code = IDR_EXIT_RUNTIME;
    goto out_free;
  }
  idr_tid_result tr[N_SAMPLES];
  idr_tid_extraction tx[N_SAMPLES];
  memset(tr, 0, sizeof tr);
  memset(tx, 0, sizeof tx);
  int have_tr[N_SAMPLES] = {0}, have_tx[N_SAMPLES] = {0};
  double t0 = now_s();
  for (int k = 0; k < n_run; k++) {
    int s = idx[k];
    double ts = now_s();
    char note[64];
    idr_status st = IDR_OK;
    if (invert) {
      /* the true Ea whose extraction gives the TID value; start from the
       * TID value itself (independent of the table's true Ea), expect
       * dEa_extracted/dEa_true ~ 1 */
      invert_ctx ic;
      memset(&ic, 0, sizeof ic);
      ic.deck_path = deck_path;
      ic.sample = s;
      ic.threads = threads;
      ic.quiet = quiet;
      idr_invert_options io;
      idr_invert_default_options(&io);
      io.p_tol = IDR_REPRO_INVERT_TOL_EV;
      io.g_tol = IDR_REPRO_INVERT_TOL_EV;
      io.p_min = 0.0;
      io.p_max = IDR_REPRO_INVERT_EA_MAX_EV;
      idr_invert_result ir;
      st = idr_invert_increasing(extracted_Ea, &ic, rows[k].Ea_tid, rows[k].Ea_tid, &io, &ir, &err);
      rows[k].inv_evals = ir.evals;
      if (!st && ic.have && ic.p == ir.p) {
        /* the solution was the last evaluation: adopt it */
        idr_deck_free(&decks[k]);
        decks[k] = ic.d;
        tr[k] = ic.tr;
        tx[k] = ic.tx;
        have_tx[k] = ic.have_tx;
        double Ea_tid = rows[k].Ea_tid;
        int evals = rows[k].inv_evals;
        rows[k] = ic.r;
        rows[k].Ea_tid = Ea_tid;
        rows[k].inv_evals = evals;
        ic.have = ic.have_tx = 0;
        have_tr[k] = 1;
      } else if (!st) {
        idr_deck dn;
        st = load_sample(deck_path, s, threads, ir.p, &dn, &err);
        if (!st) {
          idr_deck_free(&decks[k]);
          decks[k] = dn;
        }
      }
      invert_ctx_clear(&ic);
    }
    if (!st && !have_tr[k]) st = run_sample(&decks[k], &tr[k], &tx[k], &have_tx[k], &rows[k], &err);
    if (st) {
      fprintf(stderr, "iondrift: error: sample %s: %s\n", SAMPLES[s].name, err.msg);
      code = IDR_EXIT_RUNTIME;
      goto out_results;
    }
    have_tr[k] = 1;
    if (!quiet)
      fprintf(stderr,
              "iondrift: reproduce: %-7s (%d/%d) %.2f s: Ea true %.4f extracted %.4f eV "
              "(TID value %.4f%s)\n",
              SAMPLES[s].name, k + 1, n_run, now_s() - ts, rows[k].Ea_true, rows[k].Ea_x,
              rows[k].Ea_tid, invert ? inv_note(rows[k].inv_evals, note, sizeof note) : "");
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
    for (int k = 0; k < n_run; k++)
      fprintf(f, "%s,%.6g,0,%s,%.10g,%.10g,%.10g,%.10g,%.10g\n", SAMPLES[idx[k]].name,
              SAMPLES[idx[k]].x, rows[k].sign, rows[k].Ea_true, rows[k].Ea_x, rows[k].Ea_err,
              rows[k].N_true, rows[k].N_x);
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
    if (!st) st = idr_h5_set_attr_double(h, "/", "inverted", invert ? 1.0 : 0.0, &err);
    double xs[N_SAMPLES], Et[N_SAMPLES], Ex[N_SAMPLES], Ee[N_SAMPLES], Nt[N_SAMPLES], Nx[N_SAMPLES],
        Ne[N_SAMPLES], Es[N_SAMPLES], Ed[N_SAMPLES];
    int fai[N_SAMPLES];
    for (int k = 0; k < n_run; k++) {
      int s = idx[k];
      xs[k] = SAMPLES[s].x;
      Et[k] = rows[k].Ea_true;
      Ex[k] = rows[k].Ea_x;
      Ee[k] = rows[k].Ea_err;
      Nt[k] = rows[k].N_true * IDR_CM3_TO_M3;
      Nx[k] = rows[k].N_x * IDR_CM3_TO_M3;
      Ne[k] = rows[k].N_x_err * IDR_CM3_TO_M3;
      Es[k] = SAMPLES[s].Ea_stated;
      Ed[k] = rows[k].Ea_tid;
      fai[k] = strcmp(SAMPLES[s].family, "FAPbI3-FAI") == 0;
    }
    const size_t n = (size_t)n_run;
    if (!st) st = idr_h5_write_double_1d(h, "summary/x", xs, n, "-", &err);
    if (!st) st = idr_h5_write_int_1d(h, "summary/fai_sample", fai, n, "-", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/Ea_true", Et, n, "eV", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/Ea_extracted", Ex, n, "eV", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/Ea_err", Ee, n, "eV", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/Ea_stated", Es, n, "eV", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/Ea_tid_target", Ed, n, "eV", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/N_true", Nt, n, "m^-3", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/N_extracted", Nx, n, "m^-3", &err);
    if (!st) st = idr_h5_write_double_1d(h, "summary/N_err", Ne, n, "m^-3", &err);
    for (int k = 0; !st && k < n_run; k++) {
      int s = idx[k];
      char g[256];
      snprintf(g, sizeof g, "samples/%s", SAMPLES[s].name);
      st = idr_h5_create_group(h, g, &err);
      if (!st) st = idr_h5_set_attr_string(h, g, "family", SAMPLES[s].family, &err);
      if (!st) st = idr_h5_set_attr_double(h, g, "x", SAMPLES[s].x, &err);
      snprintf(g, sizeof g, "samples/%s/tid", SAMPLES[s].name);
      if (!st)
        st = idr_app_write_tid(h, g, &decks[k], &tr[k], have_tx[k] ? &tx[k] : NULL, rows[k].error,
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
    printf("iondrift %s: reproduce xiang2026 (dark TID, %d samples, %.2f s wall%s)\n", IDR_VERSION,
           n_run, wall, invert ? ", true Ea inverted" : "");
    printf("  %-7s %6s  %-7s %9s %15s %9s %9s %11s %11s\n", "sample", "x", "species", "Ea_true",
           "Ea_extracted", "Ea_TID", "Ea_study", "N_true", "N_extr.");
    for (int k = 0; k < n_run; k++) {
      int s = idx[k];
      printf("  %-7s %6.3f  %-7s %9.4f %8.4f+-%.4f %9.4f %9.3f %11.3g %11.3g\n", SAMPLES[s].name,
             SAMPLES[s].x, rows[k].sign, rows[k].Ea_true, rows[k].Ea_x, rows[k].Ea_err,
             rows[k].Ea_tid, SAMPLES[s].Ea_stated, rows[k].N_true, rows[k].N_x);
    }
    if (invert) {
      double worst = 0.0;
      for (int k = 0; k < n_run; k++)
        worst = idr_max_abs(worst, rows[k].Ea_x - rows[k].Ea_tid);
      printf("  (Ea_true: inverted; max |Ea_extracted - Ea_TID| = %.2f meV, stopping rule %.1f "
             "meV)\n",
             1e3 * worst, 1e3 * IDR_REPRO_INVERT_TOL_EV);
    }
    printf("  wrote         %s/reproduce.h5\n                %s/reproduce.csv\n", dir, dir);
    if (plotted) printf("                %s/reproduce.png\n", dir);
  }
out_results:
  for (int k = 0; k < n_run; k++) {
    if (have_tr[k]) idr_tid_result_free(&tr[k]);
    if (have_tx[k]) idr_tid_extraction_free(&tx[k]);
  }
out_free:
  for (int k = 0; k < loaded; k++)
    idr_deck_free(&decks[k]);
  return code;
}

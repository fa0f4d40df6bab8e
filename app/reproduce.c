/*
 * iondrift app: `iondrift reproduce xiang2026`, the command line of the
 * reproduction of the dark TID study of Xiang et al., J. Mater. Chem. A
 * 2026, 14, 16493. The driver is studies/reproduce.c (idr_reproduce_xiang2026
 * of the API); here: the options, the output directory, the progress lines,
 * the table and the plot (tools/plot_reproduce.py, when /usr/bin/python3
 * with matplotlib and h5py is there).
 *
 * Outputs in DIR: reproduce.h5 (every sample's transients and extraction),
 * reproduce.csv (one row per sample and species) and reproduce.png.
 */
#define _POSIX_C_SOURCE 200809L
#include "app.h"
#include "app_out.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PATH_LEN 1024
#ifndef IDR_PYTHON
#define IDR_PYTHON "/usr/bin/python3"
#endif
/* --invert: the stopping rule of studies/reproduce.c [eV], for the table's note */
#define REPRO_INVERT_TOL_EV 2e-4

static const char USAGE_REPRO[] =
    "Usage: iondrift reproduce xiang2026 [-o DIR] [--threads N] [--deck DECK.yaml]\n"
    "                                    [--samples S1,S2,...] [--invert]\n"
    "                                    [--tas-deck DECK.yaml | --no-tas]\n"
    "                                    [--light [--light-deck DECK.yaml]] [-q]\n"
    "\n"
    "Reproduce the dark TID study of Xiang et al., J. Mater. Chem. A 2026, 14, 16493:\n"
    "for x = 0, 0.025, 0.05, 0.10, 0.15, 0.20, 0.25 (FAPb(I1-xBrx)3) and the\n"
    "FAPbI3 + 5 % FAI sample, run the TID scan (300..200 K, +1 V for 5 s, C at\n"
    "10 kHz) of examples/xiang2026.yaml with that composition, extract Ea and\n"
    "N_ion with the experimenters' analysis, and write them beside the inputs.\n"
    "Beside it (Fig. 3c, d), per sample, thermal admittance spectroscopy of the same\n"
    "cell with the trap bands II (bound to the halide) and III\n"
    "(examples/xiang2026_tas.yaml): the apparent band densities of Walter's tDOS.\n"
    "\n"
    "Options:\n"
    "  -o DIR          output directory (default: reproduce_xiang2026), created if needed\n"
    "                  (also -o=DIR, --output DIR, --output=DIR)\n"
    "  --threads N     OpenMP threads for the temperatures of each sample (0 or absent:\n"
    "                  all the runtime offers)\n"
    "  --deck FILE     the base deck (default: the installed examples/xiang2026.yaml)\n"
    "  --tas-deck FILE the TAS deck (default: the installed examples/xiang2026_tas.yaml)\n"
    "  --no-tas        no TAS panel\n"
    "  --light         add the illuminated panel (Fig. 4a): per selected x sample the\n"
    "                  TID scan under 1 sun of examples/xiang2026_light.yaml (halide\n"
    "                  and FA+), the two components (rising edge: cation, decaying\n"
    "                  edge: anion) each a row with illuminated = 1; and the photo-aged\n"
    "                  25 %% Br sample x0.25-aged (dark scan, lowered halide barrier)\n"
    "  --light-deck FILE  the light deck (default: the installed\n"
    "                  examples/xiang2026_light.yaml)\n"
    "  --samples LIST  only these samples (comma-separated names: x0 x0.025 x0.05 x0.10\n"
    "                  x0.15 x0.20 x0.25 FAI; x0.1 is x0.10; default: all)\n"
    "  --invert        instead of the composition table's true halide Ea, find per sample\n"
    "                  the true Ea whose simulated TID extraction returns the table's\n"
    "                  TID value (Ea_halide_TID_eV: the study's stated number where it\n"
    "                  states one), by Brent's method on full TID scans (3-4 per sample);\n"
    "                  the outputs then hold the inverted true Ea\n"
    "  -q              no progress, no table\n"
    "\n"
    "Outputs: DIR/reproduce.h5, DIR/reproduce.csv\n"
    "  (sample,x,illuminated,species,Ea_true_eV,Ea_extracted_eV,Ea_err_eV,N_true_cm3,\n"
    "   N_extracted_cm3,Ea_TID_eV,Ea_study_eV,N_II_true_cm3,N_II_TAS_cm3,N_III_true_cm3,\n"
    "   N_III_TAS_cm3), DIR/reproduce.png (needs /usr/bin/python3\n"
    "  with matplotlib and h5py). Exit status: 0 success, 1 runtime failure, 2 bad input.\n";

void idr_app_reproduce_usage(FILE *f) {
  fputs(USAGE_REPRO, f);
}

static const char KNOWN[] = "x0 x0.025 x0.05 x0.10 x0.15 x0.20 x0.25 FAI";

/* Parse --samples: comma-separated names into the bit set *sel. */
static int parse_samples(const char *list, unsigned *sel) {
  *sel = 0;
  const char *p = list;
  while (*p) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    char name[64] = "";
    if (len < sizeof name) {
      memcpy(name, p, len);
      name[len] = '\0';
    }
    int found = len > 0 && len < sizeof name ? idr_xiang2026_find(name) : -1;
    if (found < 0)
      return idr_app_usage_error("reproduce", "--samples: unknown sample '%.*s' (known: %s)",
                                 (int)len, p, KNOWN);
    *sel |= 1u << found;
    if (!e) break;
    p = e + 1;
    if (!*p) /* a trailing comma */
      return idr_app_usage_error("reproduce", "--samples: empty sample name after ','");
  }
  if (!*sel)
    return idr_app_usage_error("reproduce", "--samples: the list is empty (known: %s)", KNOWN);
  return 0;
}

static int run_plot(const char *dir, int quiet) {
  char script[PATH_LEN], h5[PATH_LEN], png[PATH_LEN];
  snprintf(script, sizeof script, "%s/plot_reproduce.py", idr_data_dir("tools"));
  snprintf(h5, sizeof h5, "%s/reproduce.h5", dir);
  snprintf(png, sizeof png, "%s/reproduce.png", dir);
  const char *python = getenv("IONDRIFT_PYTHON");
  if (!python || !python[0]) python = IDR_PYTHON;
  if (access(python, X_OK) != 0 || access(script, R_OK) != 0) {
    if (!quiet) fprintf(stderr, "iondrift: note: no plot (needs %s and %s)\n", python, script);
    return 0;
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return 0;
  if (pid == 0) {
    execl(python, python, script, h5, "-o", png, (char *)NULL);
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

static void on_progress(void *user, const char *line) {
  (void)user;
  fprintf(stderr, "iondrift: reproduce: %s\n", line);
}

/* The output directory and whether its refusal was already printed. */
typedef struct out_dir {
  const char *dir;
  int reported;
} out_dir;

/* The output directory, once every deck is known to be good (its parent
 * must exist: refused with a usage error naming it). */
static idr_status make_dir(void *user, idr_error *err) {
  out_dir *o = user;
  if (idr_app_check_output_dir("reproduce", o->dir)) {
    o->reported = 1;
    return idr_error_set(err, IDR_ERR_INPUT, "reproduce: output directory %s", o->dir);
  }
  if (mkdir(o->dir, 0777) != 0 && errno != EEXIST)
    return idr_error_set(err, IDR_ERR_IO, "reproduce: cannot create %s: %s", o->dir,
                         strerror(errno));
  return IDR_OK;
}

/* The columns both tables print, from the group "summary" (dark) or
 * "summary_light" (illuminated and photo-aged), one row per sample and
 * species. */
typedef struct repro_cols {
  const char *group;
  size_t n;
  const double *x, *Et, *Ex, *Ee, *Nt, *Nx;
} repro_cols;

/* Returns 0 when the run has no such group (or lacks one of its columns). */
static int read_cols(const idr_result *r, const char *group, repro_cols *c) {
  static const char *const names[] = {"x",      "Ea_true", "Ea_extracted",
                                      "Ea_err", "N_true",  "N_extracted"};
  const double **col[] = {&c->x, &c->Et, &c->Ex, &c->Ee, &c->Nt, &c->Nx};
  c->group = group;
  for (size_t j = 0; j < sizeof names / sizeof *names; j++) {
    char path[64];
    size_t m = 0;
    snprintf(path, sizeof path, "%s/%s", group, names[j]);
    *col[j] = idr_app_data(r, path, &m);
    if (!*col[j] || (j > 0 && m != c->n)) return 0;
    if (j == 0) c->n = m;
  }
  return 1;
}

/* Row k up to the extracted Ea: sample (in a field of width w), x, species,
 * true Ea, extracted Ea +- its standard error. */
static void print_row_head(const idr_result *r, const repro_cols *c, size_t k, int w) {
  char name[32] = "?", sp[16] = "?";
  idr_result_attr_item(r, c->group, "samples", k, name, sizeof name, NULL);
  idr_result_attr_item(r, c->group, "species", k, sp, sizeof sp, NULL);
  printf("  %-*s %6.3f  %-7s %9.4f %8.4f+-%.4f", w, name, c->x[k], sp, c->Et[k], c->Ex[k],
         c->Ee[k]);
}

/* The illuminated panel's rows, when the run had it. */
static void print_light(const idr_result *r) {
  repro_cols c;
  if (!read_cols(r, "summary_light", &c)) return;
  printf("  illuminated (1 sun, two components) and photo-aged (dark):\n");
  printf("  %-10s %6s  %-7s %9s %15s %11s %11s\n", "sample", "x", "species", "Ea_true",
         "Ea_extracted", "N_true", "N_extr.");
  for (size_t k = 0; k < c.n; k++) {
    print_row_head(r, &c, k, 10);
    printf(" %11.3g %11.3g\n", c.Nt[k], c.Nx[k]);
  }
}

/* The dark table: one row per sample and species beside the study's Ea. */
static void print_dark(const idr_result *r, int invert) {
  repro_cols c;
  size_t m = 0;
  const double *Ed = idr_app_data(r, "summary/Ea_tid_target", &m);
  const double *Es = idr_app_data(r, "summary/Ea_stated", &m);
  if (!read_cols(r, "summary", &c) || !Ed || !Es || m != c.n) {
    printf("iondrift %s: reproduce xiang2026: the result has no summary table\n", idr_version());
    return;
  }
  size_t n = c.n;
  printf("iondrift %s: reproduce xiang2026 (dark TID, %zu samples, %.2f s wall%s)\n", idr_version(),
         n, idr_app_attr(r, "/", "wall_time_s"), invert ? ", true Ea inverted" : "");
  printf("  %-7s %6s  %-7s %9s %15s %9s %9s %11s %11s\n", "sample", "x", "species", "Ea_true",
         "Ea_extracted", "Ea_TID", "Ea_study", "N_true", "N_extr.");
  double worst = 0.0;
  int unstated = 0;
  for (size_t k = 0; k < n; k++) {
    char stated[16] = "-";
    if (isfinite(Es[k]))
      snprintf(stated, sizeof stated, "%.3f", Es[k]);
    else
      unstated = 1;
    print_row_head(r, &c, k, 7);
    printf(" %9.4f %9s %11.3g %11.3g\n", Ed[k], stated, c.Nt[k], c.Nx[k]);
    worst = idr_max_abs(worst, c.Ex[k] - Ed[k]);
  }
  if (unstated)
    printf("  (Ea_study '-': the study states no Ea for that sample; Ea_TID there is the\n"
           "   composition model's interpolation of its trend; NaN in reproduce.csv)\n");
  if (invert)
    printf("  (Ea_true: inverted; max |Ea_extracted - Ea_TID| = %.2f meV, stopping rule %.1f "
           "meV)\n",
           1e3 * worst, 1e3 * REPRO_INVERT_TOL_EV);
}

/* The TAS panel's band densities, when the run had it. */
static void print_tas(const idr_result *r) {
  size_t n = 0, m;
  const double *T2 = idr_app_data(r, "summary/N_band_II_true", &n);
  const double *X2 = idr_app_data(r, "summary/N_band_II_TAS", &m);
  const double *T3 = idr_app_data(r, "summary/N_band_III_true", &m);
  const double *X3 = idr_app_data(r, "summary/N_band_III_TAS", &m);
  if (T2 && X2 && T3 && X3) {
    printf("  TAS (Walter's tDOS): %-7s %12s %12s %12s %12s\n", "sample", "N_II_true", "N_II_TAS",
           "N_III_true", "N_III_TAS");
    for (size_t k = 0; k < n; k++) {
      char name[32] = "?";
      idr_result_attr_item(r, "summary", "samples", k, name, sizeof name, NULL);
      printf("                       %-7s %12.3g %12.3g %12.3g %12.3g\n", name, T2[k], X2[k], T3[k],
             X3[k]);
    }
  }
}

static void print_table(const idr_result *r, const char *dir, int invert, int plotted) {
  print_dark(r, invert);
  print_tas(r);
  print_light(r);
  printf("  wrote         %s/reproduce.h5\n                %s/reproduce.csv\n", dir, dir);
  if (plotted) printf("                %s/reproduce.png\n", dir);
}

/* One option of reproduce at argv[*i]; returns 0 to go on, else an exit code
 * (IDR_EXIT_OK + 100 for --help). */
static int parse_option(int argc, char **argv, int *i, const char **dir, idr_reproduce_options *o,
                        int *quiet) {
  const char *a = argv[*i];
  if (idr_app_is_opt(a, "-o") || idr_app_is_opt(a, "--output")) {
    const char *v = idr_app_opt_value(argc, argv, i, a[1] == 'o' ? "-o" : "--output");
    if (!v || !v[0]) return idr_app_usage_error("reproduce", "option '%s' needs a directory", a);
    *dir = v;
  } else if (idr_app_is_opt(a, "--threads")) {
    const char *v = idr_app_opt_value(argc, argv, i, "--threads");
    if (!idr_app_parse_threads(v, &o->threads))
      return idr_app_usage_error("reproduce", IDR_APP_THREADS_RULE " (got '%s')", v ? v : "");
  } else if (idr_app_is_opt(a, "--deck")) {
    const char *v = idr_app_opt_value(argc, argv, i, "--deck");
    if (!v || !v[0]) return idr_app_usage_error("reproduce", "option '%s' needs a file", a);
    o->deck = v;
  } else if (idr_app_is_opt(a, "--samples")) {
    const char *v = idr_app_opt_value(argc, argv, i, "--samples");
    if (!v) return idr_app_usage_error("reproduce", "option '%s' needs a list", a);
    if (parse_samples(v, &o->samples)) return IDR_EXIT_INPUT;
  } else if (idr_app_is_opt(a, "--tas-deck")) {
    const char *v = idr_app_opt_value(argc, argv, i, "--tas-deck");
    if (!v || !v[0]) return idr_app_usage_error("reproduce", "option '%s' needs a file", a);
    o->tas_deck = v;
  } else if (idr_app_is_opt(a, "--light-deck")) {
    const char *v = idr_app_opt_value(argc, argv, i, "--light-deck");
    if (!v || !v[0]) return idr_app_usage_error("reproduce", "option '%s' needs a file", a);
    o->light_deck = v;
  } else if (strcmp(a, "--light") == 0) {
    o->light = 1;
  } else if (strcmp(a, "--no-tas") == 0) {
    o->no_tas = 1;
  } else if (strcmp(a, "--invert") == 0) {
    o->invert = 1;
  } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
    *quiet = 1;
  } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
    fputs(USAGE_REPRO, stdout);
    return IDR_EXIT_OK + 100;
  } else {
    return idr_app_usage_error("reproduce", "unknown or incomplete option '%s'", a);
  }
  return 0;
}

/* The options that only make sense together, and the deck files readable,
 * checked before any work (exit 2). */
static int check_options(const idr_reproduce_options *o) {
  if (o->light_deck && !o->light)
    return idr_app_usage_error("reproduce", "option '--light-deck' needs '--light'");
  if (o->tas_deck && o->no_tas)
    return idr_app_usage_error("reproduce", "options '--tas-deck' and '--no-tas' contradict");
  const char *opt[3] = {"--deck", "--tas-deck", "--light-deck"};
  const char *file[3] = {o->deck, o->tas_deck, o->light_deck};
  for (int k = 0; k < 3; k++) {
    if (!file[k]) continue;
    FILE *f = fopen(file[k], "rb");
    if (!f)
      return idr_app_usage_error("reproduce", "%s %s: cannot be read (%s)", opt[k], file[k],
                                 strerror(errno));
    fclose(f);
  }
  return 0;
}

int idr_app_reproduce(int argc, char **argv) {
  const char *dir = "reproduce_xiang2026";
  int quiet = 0;
  idr_reproduce_options o = {0}; /* every pointer NULL, every flag 0 */
  if (argc >= 3 && (strcmp(argv[2], "-h") == 0 || strcmp(argv[2], "--help") == 0)) {
    fputs(USAGE_REPRO, stdout);
    return IDR_EXIT_OK;
  }
  if (argc < 3 || strcmp(argv[2], "xiang2026") != 0) {
    fprintf(stderr,
            "iondrift: error: reproduce: the study to reproduce must be 'xiang2026'%s%s%s\n"
            "Try 'iondrift help reproduce'.\n",
            argc >= 3 ? " (got '" : "", argc >= 3 ? argv[2] : "", argc >= 3 ? "')" : "");
    return IDR_EXIT_INPUT;
  }
  for (int i = 3; i < argc; i++) {
    int code = parse_option(argc, argv, &i, &dir, &o, &quiet);
    if (code == IDR_EXIT_OK + 100) return IDR_EXIT_OK;
    if (code) return code;
  }
  int bad = check_options(&o);
  if (bad) return bad;
  out_dir od = {dir, 0};
  o.on_progress = quiet ? NULL : on_progress;
  o.ready = make_dir;
  o.user = &od;
  idr_error err;
  idr_error_clear(&err);
  idr_result *r = NULL;
  idr_status st = idr_reproduce_xiang2026(&o, &r, &err);
  if (!st) st = idr_reproduce_write(r, dir, &err);
  if (st) {
    if (!od.reported) fprintf(stderr, "iondrift: error: %s\n", err.msg);
    idr_result_free(&r);
    return idr_app_exit_code(st);
  }
  int plotted = run_plot(dir, quiet);
  if (!quiet) print_table(r, dir, o.invert, plotted);
  idr_result_free(&r);
  return IDR_EXIT_OK;
}

/*
 * iondrift app: the command line.
 *
 *   iondrift run DECK.yaml [-o OUT.h5] [--set KEY=VALUE]... [-q]
 *   iondrift mott-schottky CV.csv --area-cm2 A --eps-r E [options]  (analyze.c)
 *   iondrift extract DATA.csv|RESULT.h5 --area-cm2 A --eps-r E
 *                    (--doping-cm3 N | --cv CV.csv) [options]       (extract.c)
 *   iondrift tas-extract DATA.csv --area-cm2 A --eps-r E
 *                    (--vbi V | --cv CV.csv) [options]               (tas_extract.c)
 *   iondrift reproduce xiang2026 [-o DIR] [--threads N] [--invert]     (reproduce.c)
 *   iondrift plot RESULT.h5 [-o FIGURE.png|.pdf|.svg]                 (plot.c)
 *   iondrift sweep SWEEP.yaml -o DIR [--threads N] [...]              (sweep.c)
 *   iondrift help [COMMAND]
 *   iondrift --version
 *
 * Exit codes: 0 success, 1 runtime failure (solver, I/O), 2 bad input (deck,
 * --set, options, unsupported protocol). Errors go to stderr as
 * "iondrift: error: <message as produced by the library>". docs/cli.md is the
 * reference.
 */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* analyze.c (declared here: app.h has another owner; to be moved there). */
const char *idr_app_mott_schottky_usage(void);
int idr_app_mott_schottky(int argc, char **argv);
/* extract.c (likewise). */
void idr_app_extract_print_usage(FILE *f);
int idr_app_extract(int argc, char **argv);
/* tas_extract.c (likewise). */
void idr_app_tas_extract_usage(FILE *f);
int idr_app_tas_extract(int argc, char **argv);
/* plot.c (likewise). */
void idr_app_plot_usage(FILE *f);
int idr_app_plot(int argc, char **argv);

static const char USAGE[] =
    "Usage: iondrift COMMAND [ARGS...]\n"
    "\n"
    "Commands:\n"
    "  run DECK.yaml [options]  simulate the deck's protocol and write the "
    "results\n"
    "  mott-schottky CV.csv --area-cm2 A --eps-r E [options]\n"
    "                           fit 1/C^2 vs V of a C-V table: doping N and\n"
    "                           built-in voltage V_bi\n"
    "  extract DATA.csv|RESULT.h5 --area-cm2 A --eps-r E (--doping-cm3 N | --cv CV.csv)\n"
    "                           ion parameters (Ea, N_ion, D) from C(t) transients\n"
    "                           at several temperatures (TID)\n"
    "  tas-extract DATA.csv --area-cm2 A --eps-r E (--vbi V | --cv CV.csv)\n"
    "                           trap levels (E, nu0), Walter's tDOS and Gaussian\n"
    "                           bands from C(f) at several temperatures (TAS)\n"
    "  reproduce xiang2026 [-o DIR] [--threads N] [--deck FILE] [--samples LIST]\n"
    "                      [--invert] [-q]\n"
    "                           reproduce the dark TID study of Xiang et al. 2026\n"
    "                           (FAPb(I1-xBrx)3): Ea and N_ion against x\n"
    "  plot RESULT.h5 [-o FIGURE.png|.pdf|.svg]\n"
    "                           draw the figure of a result (any protocol, extract,\n"
    "                           reproduce, sweep)\n"
    "  sweep SWEEP.yaml -o DIR [--threads N] [--restart] [--slice K/N | --merge]\n"
    "                           run a parameter sweep (grid, zip or quasi-random over\n"
    "                           deck paths; OpenMP, MPI under mpirun; resumable)\n"
    "  fit FIT.yaml [-o OUT.h5] [--threads N] [--json]\n"
    "                           fit the device model to measured TID, C-f and C-V data:\n"
    "                           parameters, errors, intervals, identifiability\n"
    "  help [COMMAND]           show this help, or the help of COMMAND\n"
    "\n"
    "Options:\n"
    "  --version                print the version and exit\n"
    "  -h, --help               show this help\n"
    "\n"
    "Run 'iondrift help COMMAND' (run, mott-schottky, extract, tas-extract,\n"
    "reproduce, plot, sweep, fit) for the options of a command.\n";

static const char USAGE_RUN[] =
    "Usage: iondrift run DECK.yaml [-o OUT.h5] [--set KEY=VALUE]... [-q]\n"
    "\n"
    "Load DECK.yaml, build the mesh and the device at the deck's temperature_K,\n"
    "solve the thermal equilibrium (dark, 0 V, ions included), then run the deck's\n"
    "protocol:\n"
    "  equilibrate  write the equilibrium only\n"
    "  waveform     piecewise voltage/light segments from the equilibrium; records\n"
    "               J(t) (electron, hole, ionic, displacement parts) and profiles;\n"
    "               with protocol.capacitance_f_Hz > 0 also the small-signal C(t),\n"
    "               G(t) at that frequency at every sample time\n"
    "  cf           C-f: steady state at the DC bias V_V (ions included), then C and\n"
    "               G over a log sweep f_min_Hz .. f_max_Hz, points_per_decade\n"
    "  cv           C-V: biases V_start_V .. V_stop_V by V_step_V, C and G at f_Hz\n"
    "               and the DC current; ions: mobile (re-equilibrated at each bias)\n"
    "               or frozen (kept at their 0 V distribution)\n"
    "  tid          transient ion drift: at each of temperatures_K (default 300..200\n"
    "               K), equilibrium at 0 V, fill pulse fill_V_V for fill_duration_s,\n"
    "               back to rest_V_V, C(t) at f_Hz on log times t_first_s..t_last_s;\n"
    "               then the experimenters' extraction (Ea, N_ion, D0, D(300 K))\n"
    "               beside the true inputs; temperatures run in parallel (threads)\n"
    "  tas          thermal admittance spectroscopy: at each of temperatures_K\n"
    "               (default 340..140 K), the steady state at V_V (ions\n"
    "               equilibrated), C and G on points log-spaced frequencies\n"
    "               f_min_Hz..f_max_Hz (default 0.1 Hz..1 MHz, 61); then the\n"
    "               analysis (levels E, nu0; Walter's tDOS; Gaussian bands) beside\n"
    "               the true trap levels; temperatures run in parallel (threads)\n"
    "  e.g. --set 'protocol={type: cf, V_V: 0, f_min_Hz: 1, f_max_Hz: 1e6}'\n"
    "       --set 'protocol={type: cv, V_start_V: -0.5, V_stop_V: 0.5, f_Hz: 1e4,\n"
    "                        ions: frozen}'\n"
    "       --set 'protocol={type: tid, temperatures_K: [300, 250, 200]}'\n"
    "\n"
    "Options:\n"
    "  -o, --output OUT.h5  the HDF5 result file (default: the deck's output.h5,\n"
    "                       <deck stem>.h5 in the current directory). With -o, the\n"
    "                       CSV goes beside it as <OUT stem>_J.csv (_cf.csv,\n"
    "                       _cv.csv, _tid.csv) unless the deck sets output.csv.\n"
    "  --set KEY=VALUE      change a deck value before it is checked (repeatable,\n"
    "                       the last wins), e.g. --set mesh.nodes=120\n"
    "                       --set layers[1].thickness_nm=400\n"
    "                       --set 'protocol.segments[0]={duration_s: 1, V_V: 1}'\n"
    "  -q, --quiet          no progress line and no summary\n"
    "  -h, --help           show this help\n"
    "\n"
    "Outputs (written only when the whole run succeeded; published atomically):\n"
    "  OUT.h5        root attributes iondrift_version, deck_yaml (the resolved deck),\n"
    "                temperature_K, title; groups mesh, equilibrium, and transient\n"
    "                (waveform; C, G when sampled), cf, cv, tid or tas (see\n"
    "                docs/outputs.md)\n"
    "  <stem>_J.csv  time_s,V_V,light_suns,J_A_m2,Jn_A_m2,Jp_A_m2,Jion_A_m2,Jdisp_A_m2\n"
    "                [,C_F_m2,G_S_m2 when protocol.capacitance_f_Hz > 0]\n"
    "  <stem>_cf.csv frequency_Hz,capacitance_F,conductance_S,C_F_m2,G_S_m2\n"
    "  <stem>_cv.csv voltage_V,capacitance_F,conductance_S,C_F_m2,G_S_m2,J_A_m2\n"
    "                (capacitance_F, conductance_S: for an area of 1 cm^2; the\n"
    "                _cv.csv feeds 'iondrift mott-schottky ... --area-cm2 1')\n"
    "  <stem>_tid.csv temperature_K,time_s,capacitance_F,C_F_m2 (long format: it\n"
    "                feeds 'iondrift extract ... --area-cm2 1')\n"
    "  <stem>_tas.csv temperature_K,frequency_Hz,capacitance_F,conductance_S,C_F_m2,\n"
    "                G_S_m2 (long format: it feeds 'iondrift tas-extract ...\n"
    "                --area-cm2 1')\n"
    "\n"
    "Units: deck keys carry their unit in their name (thickness_nm, density_cm3,\n"
    "Ea_eV, duration_s); result files are SI (m, s, V, A/m^2, m^-3) with a 'units'\n"
    "attribute on every dataset; the summary uses practical units (mA/cm^2, V, s).\n"
    "\n"
    "Progress: a single updating line on stderr, only when stderr is a terminal\n"
    "and -q is not given.\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  runtime failure (solver failure, I/O error, out of memory)\n"
    "  2  bad input: deck errors, bad --set, bad options, unsupported protocol;\n"
    "     no output file is created\n";

static int cmd_help(int argc, char **argv) {
  if (argc <= 2) {
    fputs(USAGE, stdout);
    return IDR_EXIT_OK;
  }
  if (strcmp(argv[2], "run") == 0) {
    fputs(USAGE_RUN, stdout);
    return IDR_EXIT_OK;
  }
  if (strcmp(argv[2], "mott-schottky") == 0) {
    fputs(idr_app_mott_schottky_usage(), stdout);
    return IDR_EXIT_OK;
  }
  if (strcmp(argv[2], "extract") == 0) {
    idr_app_extract_print_usage(stdout);
    return IDR_EXIT_OK;
  }
  if (strcmp(argv[2], "tas-extract") == 0) {
    idr_app_tas_extract_usage(stdout);
    return IDR_EXIT_OK;
  }
  if (strcmp(argv[2], "reproduce") == 0) {
    idr_app_reproduce_usage(stdout);
    return IDR_EXIT_OK;
  }
  if (strcmp(argv[2], "plot") == 0) {
    idr_app_plot_usage(stdout);
    return IDR_EXIT_OK;
  }
  if (strcmp(argv[2], "sweep") == 0) {
    idr_app_sweep_usage(stdout);
    return IDR_EXIT_OK;
  }
  if (strcmp(argv[2], "fit") == 0) {
    idr_app_fit_usage(stdout);
    return IDR_EXIT_OK;
  }
  return idr_app_usage_error(NULL, "no help for unknown command '%s'", argv[2]);
}

static int cmd_run(int argc, char **argv) {
  idr_run_opts o = {NULL, NULL, NULL, 0, 0};
  const char **sets = calloc((size_t)argc, sizeof *sets);
  if (!sets) {
    fputs("iondrift: error: out of memory\n", stderr);
    return IDR_EXIT_RUNTIME;
  }
  int code = IDR_EXIT_OK, only_args = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (only_args || a[0] != '-' || a[1] == '\0') {
      if (o.deck_path) {
        code = idr_app_usage_error("run", "unexpected argument '%s' (one deck per run)", a);
        goto out_free_sets;
      }
      o.deck_path = a;
    } else if (strcmp(a, "--") == 0) {
      only_args = 1;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(USAGE_RUN, stdout);
      goto out_free_sets;
    } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
      o.quiet = 1;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
               strncmp(a, "--output=", 9) == 0) {
      const char *v = idr_app_opt_value(argc, argv, &i, a[1] == 'o' ? "-o" : "--output");
      if (!v || !v[0]) {
        code = idr_app_usage_error("run", "option '%s' needs a file name", a);
        goto out_free_sets;
      }
      o.out_h5 = v;
    } else if (strcmp(a, "--set") == 0 || strncmp(a, "--set=", 6) == 0) {
      const char *v = idr_app_opt_value(argc, argv, &i, "--set");
      if (!v || !strchr(v, '=')) {
        code = idr_app_usage_error("run", "option '%s' needs KEY=VALUE", a);
        goto out_free_sets;
      }
      sets[o.n_sets++] = v;
    } else {
      code = idr_app_usage_error("run", "unknown option '%s'", a);
      goto out_free_sets;
    }
  }
  if (!o.deck_path) {
    code = idr_app_usage_error("run", "missing the deck file");
    goto out_free_sets;
  }
  o.sets = sets;
  code = idr_app_run(&o);
out_free_sets:
  free(sets);
  return code;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(USAGE, stderr);
    return IDR_EXIT_INPUT;
  }
  const char *cmd = argv[1];
  int code;
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    printf("iondrift %s\n", IDR_VERSION);
    code = IDR_EXIT_OK;
  } else if (strcmp(cmd, "help") == 0) {
    code = cmd_help(argc, argv);
  } else if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
    fputs(USAGE, stdout);
    code = IDR_EXIT_OK;
  } else if (strcmp(cmd, "run") == 0) {
    code = cmd_run(argc, argv);
  } else if (strcmp(cmd, "mott-schottky") == 0) {
    code = idr_app_mott_schottky(argc, argv);
  } else if (strcmp(cmd, "extract") == 0) {
    code = idr_app_extract(argc, argv);
  } else if (strcmp(cmd, "tas-extract") == 0) {
    code = idr_app_tas_extract(argc, argv);
  } else if (strcmp(cmd, "reproduce") == 0) {
    code = idr_app_reproduce(argc, argv);
  } else if (strcmp(cmd, "plot") == 0) {
    code = idr_app_plot(argc, argv);
  } else if (strcmp(cmd, "sweep") == 0) {
    code = idr_app_sweep(argc, argv);
  } else if (strcmp(cmd, "fit") == 0) {
    code = idr_app_fit(argc, argv);
  } else if (cmd[0] == '-') {
    code = idr_app_usage_error(NULL, "unknown option '%s'", cmd);
  } else {
    code = idr_app_usage_error(NULL, "unknown command '%s'", cmd);
  }
  if (fflush(stdout) != 0 && code == IDR_EXIT_OK) {
    fputs("iondrift: error: cannot write to standard output\n", stderr);
    code = IDR_EXIT_RUNTIME;
  }
  return code;
}

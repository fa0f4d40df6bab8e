/*
 * iondrift app: `iondrift plot RESULT.h5 [-o FIGURE.png|.pdf|.svg]`, the
 * figure of any result file, drawn by tools/iondrift_plot.py with the Python
 * interpreter found when iondrift was configured (IDR_PYTHON, Debian's
 * /usr/bin/python3 with python3-matplotlib and python3-h5py; IONDRIFT_PYTHON
 * overrides it, IONDRIFT_TOOLS the directory of the script). The options
 * are checked here, before Python starts.
 */
#define _POSIX_C_SOURCE 200809L

#include "app.h"
#include "app_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef IDR_PYTHON
#define IDR_PYTHON "/usr/bin/python3"
#endif
#define PLOT_PATH_LEN 4096

static const char USAGE_PLOT[] =
    "Usage: iondrift plot RESULT.h5 [-o FIGURE.png|.pdf|.svg]\n"
    "\n"
    "Draw the figure of a result file: for a TID scan C(t) at every temperature\n"
    "with the fitted curves and the Arrhenius plot with error bars, the fitted\n"
    "law and Ea +- its error; C-f: C and G/w against f; C-V: C and 1/C^2 with the\n"
    "Mott-Schottky fit, N and V_bi; a waveform: |J(t)| on log-log axes against\n"
    "the time since each bias step, V(t) and the profiles; an equilibrium: the\n"
    "profiles; 'iondrift extract -o' files: the measured transients, the fits and\n"
    "the Arrhenius plot; 'iondrift reproduce': the reproduction; a sweep's\n"
    "results.h5: its outputs against its axes, or the bias map of the TID analysis\n"
    "(docs/plots.md).\n"
    "\n"
    "Options:\n"
    "  -o, --output FIGURE  the figure file; its type from the extension (.png,\n"
    "                       .pdf, .svg); default: RESULT.png beside the result\n"
    "  -h, --help           show this help\n"
    "\n"
    "Needs Python 3 with matplotlib, h5py and numpy (Debian: python3-matplotlib,\n"
    "python3-h5py), the interpreter found when iondrift was built (" IDR_PYTHON ");\n"
    "IONDRIFT_PYTHON overrides it.\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  Python, matplotlib or h5py missing, the figure cannot be written\n"
    "  2  bad options, a file that is not an iondrift result\n";

void idr_app_plot_usage(FILE *f);
int idr_app_plot(int argc, char **argv);

void idr_app_plot_usage(FILE *f) {
  fputs(USAGE_PLOT, f);
}

/* FIGURE must end in .png, .pdf or .svg. */
static int figure_type_ok(const char *path) {
  const char *dot = strrchr(path, '.');
  return dot && !strchr(dot, '/') &&
         (strcmp(dot, ".png") == 0 || strcmp(dot, ".pdf") == 0 || strcmp(dot, ".svg") == 0);
}

int idr_app_plot(int argc, char **argv) {
  const char *in = NULL, *out = NULL;
  char def_out[PLOT_PATH_LEN];
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(USAGE_PLOT, stdout);
      return IDR_EXIT_OK;
    } else if (strcmp(a, "-o") == 0 || idr_app_is_opt(a, "--output")) {
      out = idr_app_opt_value(argc, argv, &i, a[1] == 'o' ? "-o" : "--output");
      if (!out || !out[0]) return idr_app_usage_error("plot", "option '%s' needs a file name", a);
    } else if (a[0] == '-' && a[1] != '\0') {
      return idr_app_usage_error("plot", "unknown option '%s'", a);
    } else if (in) {
      return idr_app_usage_error("plot", "unexpected argument '%s' (one result file)", a);
    } else {
      in = a;
    }
  }
  if (!in) return idr_app_usage_error("plot", "missing the result file (RESULT.h5)");
  if (access(in, R_OK) != 0)
    return idr_app_usage_error("plot", "%s: cannot read: %s", in, strerror(errno));
  if (!out) {
    const char *base = strrchr(in, '/'), *dot = strrchr(base ? base : in, '.');
    size_t stem = dot && dot != (base ? base + 1 : in) ? (size_t)(dot - in) : strlen(in);
    if (snprintf(def_out, sizeof def_out, "%.*s.png", (int)stem, in) >= (int)sizeof def_out)
      return idr_app_usage_error("plot", "%s: path too long", in);
    out = def_out;
  }
  if (!figure_type_ok(out))
    return idr_app_usage_error("plot", "%s: the figure must end in .png, .pdf or .svg", out);
  int rc = idr_app_check_output("plot", out);
  if (rc) return rc;
  const char *python = getenv("IONDRIFT_PYTHON");
  char script[PLOT_PATH_LEN]; /* $IONDRIFT_TOOLS, installed, or the source tree */
  snprintf(script, sizeof script, "%s/iondrift_plot.py", idr_data_dir("tools"));
  if (!python || !python[0]) python = IDR_PYTHON;
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "iondrift: error: plot: cannot start %s: %s\n", python, strerror(errno));
    return IDR_EXIT_RUNTIME;
  }
  if (pid == 0) {
    execl(python, python, script, in, "-o", out, (char *)NULL);
    fprintf(stderr,
            "iondrift: error: plot: cannot run %s: %s (install python3-matplotlib and "
            "python3-h5py, or set IONDRIFT_PYTHON)\n",
            python, strerror(errno));
    _exit(IDR_EXIT_RUNTIME);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) return IDR_EXIT_RUNTIME;
  int code = WEXITSTATUS(status);
  if (code == 0) {
    printf("wrote %s\n", out);
    return IDR_EXIT_OK;
  }
  return code == IDR_EXIT_INPUT ? IDR_EXIT_INPUT : IDR_EXIT_RUNTIME;
}

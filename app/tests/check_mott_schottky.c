/*
 * App test: `iondrift mott-schottky` on synthetic C-V tables written from the
 * exact law of a one-sided abrupt junction,
 *
 *   1/C^2 = 2 (V_bi - V - kT/q) / (q eps0 eps_r A^2 N),
 *
 * so the linear regression must recover N and V_bi to rounding (N within
 * 1e-6 relative, V_bi within 1e-6 V). Runs the real binary through popen and
 * reads its --json object with strstr/sscanf.
 *
 * Usage: check_mott_schottky IONDRIFT OUTDIR   (OUTDIR is created if needed)
 * Prints one line per check and exits non-zero if any fails.
 */
#define _POSIX_C_SOURCE 200809L

#include "app_check.h"
#include "idr_core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PATH_LEN 1024
#define OUT_LEN 4096
#define N_TOL_REL 1e-6 /* N recovered to this relative error [-] */
#define VBI_TOL_V 1e-6 /* V_bi recovered to this absolute error [V] */

/* The device of a synthetic table (non-trivial values on purpose). */
typedef struct ms_case {
  double N_cm3;    /* doping [cm^-3] */
  double V_bi;     /* built-in voltage [V] */
  double eps_r;    /* relative permittivity [-] */
  double area_cm2; /* area [cm^2] */
  double T_K;      /* temperature [K] */
  int mirrored;    /* 1: the reverse-polarity law, +V instead of -V */
} ms_case;

/* C [F] of the exact law at V. */
static double exact_C(const ms_case *c, double V) {
  double eps = IDR_EPS0 * c->eps_r, A = c->area_cm2 * IDR_CM2_TO_M2;
  double N = c->N_cm3 * IDR_CM3_TO_M3;
  double u = c->V_bi + (c->mirrored ? V : -V) - idr_thermal_voltage(c->T_K);
  return sqrt(IDR_Q * eps * A * A * N / (2.0 * u));
}

/* Write V = -0.6 .. 0.4 V (step 0.05) with columns in a non-standard order,
 * an extra text column and a comment; 1 on success. */
static int write_table(const char *path, const ms_case *c) {
  FILE *f = fopen(path, "w");
  if (!f) return 0;
  fprintf(f, "# synthetic C-V table, exact Mott-Schottky law\n");
  fprintf(f, "sample,capacitance_F,voltage_V,G_S\n");
  for (int i = 0; i <= 20; i++) {
    double V = -0.6 + 0.05 * i;
    fprintf(f, "dev-7,%.17g,%.17g,1e-9\n", exact_C(c, V), V);
  }
  return fclose(f) == 0;
}

/* Fit a synthetic table through the binary with --json and compare. */
static void check_case(const char *iondrift, const char *dir, const char *name, const ms_case *c,
                       const char *extra, int expect_kT) {
  char csv[PATH_LEN], cmd[2 * PATH_LEN + 256], out[OUT_LEN], what[256];
  snprintf(csv, sizeof csv, "%s/%s.csv", dir, name);
  snprintf(what, sizeof what, "%s: table written", name);
  app_check(write_table(csv, c), what);
  snprintf(cmd, sizeof cmd, "'%s' mott-schottky '%s' --area-cm2 %.17g --eps-r %.17g %s --json",
           iondrift, csv, c->area_cm2, c->eps_r, extra);
  int rc = app_run(cmd, out, sizeof out);
  printf("     %s\n     -> %s", cmd, out);
  snprintf(what, sizeof what, "%s: exit status 0 and one JSON object", name);
  app_check(rc == 0 && out[0] == '{' && strchr(out, '}') != NULL, what);
  double N = app_json_get(out, "N_cm3"), Vbi = app_json_get(out, "V_bi_V");
  double want_Vbi = expect_kT ? c->V_bi : c->V_bi - idr_thermal_voltage(c->T_K);
  snprintf(what, sizeof what, "%s: N = %.6g cm^-3 within %g relative", name, c->N_cm3, N_TOL_REL);
  app_check(fabs(N / c->N_cm3 - 1.0) < N_TOL_REL, what);
  snprintf(what, sizeof what, "%s: V_bi = %.6g V within %g V", name, want_Vbi, VBI_TOL_V);
  app_check(fabs(Vbi - want_Vbi) < VBI_TOL_V, what);
  snprintf(what, sizeof what, "%s: r2 = 1, polarity %+d, kT_included %s", name,
           c->mirrored ? -1 : 1, expect_kT ? "true" : "false");
  app_check(fabs(app_json_get(out, "r2") - 1.0) < 1e-9 &&
                app_json_get(out, "polarity") == (c->mirrored ? -1.0 : 1.0) &&
                strstr(out, expect_kT ? "\"kT_included\":true" : "\"kT_included\":false"),
            what);
  snprintf(what, sizeof what, "%s: standard errors present and >= 0", name);
  app_check(app_json_get(out, "N_err_cm3") >= 0.0 && app_json_get(out, "V_bi_err_V") >= 0.0, what);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s IONDRIFT OUTDIR\n", argv[0]);
    return 2;
  }
  const char *bin = argv[1], *dir = argv[2];
  mkdir(dir, 0777); /* an existing directory is fine; a failure shows in the first check */
  ms_case c = {2.385e16, 0.8734, 24.1, 0.0314, 300.0, 0};
  check_case(bin, dir, "exact", &c, "", 1);

  /* a subrange and another temperature for kT/q */
  ms_case c2 = {7.31e17, 1.127, 31.7, 0.16, 243.5, 0};
  check_case(bin, dir, "range_T", &c2, "--range -0.46:0.21 --T-K 243.5", 1);
  char out[OUT_LEN], cmd[2 * PATH_LEN + 256];
  snprintf(cmd, sizeof cmd,
           "'%s' mott-schottky '%s/range_T.csv' --area-cm2 0.16 --eps-r 31.7 "
           "--range=-0.46:0.21 --T-K=243.5 --json",
           bin, dir);
  app_check(app_run(cmd, out, sizeof out) == 0 && app_json_get(out, "points") == 14.0,
            "range_T: --range=-0.46:0.21 uses 14 of 21 points");

  /* --no-kT: V_bi is the intercept, kT/q lower */
  check_case(bin, dir, "no_kT", &c, "--no-kT", 0);

  /* reverse polarity: the mirrored law */
  ms_case c3 = {4.42e15, 0.6517, 18.3, 0.05, 300.0, 1};
  check_case(bin, dir, "mirrored", &c3, "", 1);

  /* the table (no --json) names the quantities in practical units */
  snprintf(cmd, sizeof cmd, "'%s' mott-schottky '%s/exact.csv' --area-cm2 0.0314 --eps-r 24.1", bin,
           dir);
  int rc = app_run(cmd, out, sizeof out);
  printf("%s", out);
  app_check(rc == 0 && strstr(out, "cm^-3") && strstr(out, "V_bi") && strstr(out, "R^2") &&
                strstr(out, "polarity"),
            "table output: N [cm^-3], V_bi, R^2, polarity");

  /* fewer than 2 points in range: exit 2 with the fit's message */
  snprintf(cmd, sizeof cmd,
           "'%s' mott-schottky '%s/exact.csv' --area-cm2 0.0314 --eps-r 24.1 --range 2:3 2>&1", bin,
           dir);
  rc = app_run(cmd, out, sizeof out);
  printf("%s", out);
  app_check(rc == 2 && strstr(out, "need at least 2"),
            "no point in range: exit 2, 'need at least 2'");

  /* bad option values: exit 2 with a hint */
  const char *bad[] = {"--eps-r 24.1",                                   /* no area */
                       "--area-cm2 0.0314",                              /* no eps_r */
                       "--area-cm2 -1 --eps-r 24.1",                     /* area <= 0 */
                       "--area-cm2 0.0314 --eps-r 0",                    /* eps_r <= 0 */
                       "--area-cm2 0.0314 --eps-r 24.1 --range 0.3:0.1", /* VLO > VHI */
                       "--area-cm2 0.0314 --eps-r 24.1 --range 0.1",     /* no colon */
                       "--area-cm2 x --eps-r 24.1",                      /* not a number */
                       "--area-cm2 0.0314 --eps-r 24.1 --T-K -5"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(cmd, sizeof cmd, "'%s' mott-schottky '%s/exact.csv' %s 2>&1", bin, dir, bad[i]);
    rc = app_run(cmd, out, sizeof out);
    char what[256];
    snprintf(what, sizeof what, "'%s': exit 2 with a hint", bad[i]);
    app_check(rc == 2 && strstr(out, "Try 'iondrift help mott-schottky'"), what);
  }
  printf("%d failed check(s)\n", app_check_failures());
  return app_check_failures() ? 1 : 0;
}

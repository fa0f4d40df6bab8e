/*
 * App test: `iondrift extract` on synthetic long-format TID tables written
 * here from the exact law of ionic dielectric relaxation,
 *
 *   C(t, T) = C_inf - dC exp(-t/tau(T)),   tau(T) = T^n / (A exp(-Ea/kT)),
 *   dC/C_inf = -+N_ion / (2 N_A)   (dC = C_inf - C(0) < 0: C falls, the anion of
 *   p-i-n TID; > 0: C rises, the cation),
 *   D(T) = kT eps0 eps_r / (q^2 N_A tau)  =>  D0 = k eps0 eps_r A / (q^2 N_A) (n = 1),
 *
 * at 11 temperatures 300..200 K and 71 log-spaced times 1 us..10 s, rows
 * shuffled. The extraction must recover Ea within 1 meV and N_ion and
 * D(300 K) within 1 %; N_A also from a synthetic Mott-Schottky table; the
 * species named only with --polarity; without N_A (intrinsic absorber) Ea
 * and N_ion D = kT d C_s / (q^2 tau); every error path exits 2 with the line
 * or the reason, before any work for a bad -o.
 * Runs the real binary through popen and reads its --json with strstr/sscanf.
 *
 * Usage: extract_check IONDRIFT OUTDIR            the synthetic cases
 *        extract_check IONDRIFT OUTDIR RUN.h5     the result of
 *          `iondrift run app/tests/tid.yaml`: extract must reproduce the
 *          run's own extraction (tid/extraction/species_0), same code path
 * Prints one line per check and exits non-zero if any fails.
 */
#define _POSIX_C_SOURCE 200809L

#include "app_check.h"
#include "idr_core.h"
#include "idr_io.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PATH_LEN 1024
#define CMD_LEN (3 * PATH_LEN + 512)
#define OUT_LEN 8192
#define EA_TOL_EV 1e-3   /* Ea recovered to this absolute error [eV] */
#define N_TOL_REL 1e-2   /* N_ion and D(300 K) to this relative error [-] */
#define NA_TOL_REL 1e-6  /* N_A of an exact Mott-Schottky table [-] */
#define RUN_TOL_REL 1e-9 /* extract vs the run's own extraction (same code) [-] */
#define N_T 11           /* temperatures 300, 290, ..., 200 K */
#define N_t 71           /* times per temperature, 10 per decade */

/* A synthetic TID scan. */
typedef struct tid_case {
  double Ea_eV;    /* activation energy [eV] */
  double tau300_s; /* tau at 300 K [s] (sets A) */
  int power;       /* n in tau = T^n / (A exp(-Ea/kT)) [-] */
  double C_inf_F;  /* steady-state capacitance [F] */
  double N_A_cm3;  /* doping [cm^-3] */
  double N_ion_cm3;
  int sign; /* +1 C falls (dC < 0, anion in p-i-n), -1 C rises (cation) */
} tid_case;

static double tau_of(const tid_case *c, double T) {
  double A = pow(300.0, c->power) / (c->tau300_s * exp(-c->Ea_eV / (IDR_KB_EV * 300.0)));
  return pow(T, c->power) / (A * exp(-c->Ea_eV / (IDR_KB_EV * T)));
}

/* D(300 K) [cm^2/s] of the case (any n: D from tau at 300 K). */
static double D300_of(const tid_case *c, double eps_r) {
  double D = IDR_KB * 300.0 * IDR_EPS0 * eps_r /
             (IDR_Q * IDR_Q * c->N_A_cm3 * IDR_CM3_TO_M3 * c->tau300_s);
  return D / IDR_CM2_TO_M2;
}

/* Deterministic shuffle (64-bit LCG, Fisher-Yates). */
static void shuffle(size_t *idx, size_t n) {
  uint64_t s = 0x2385u;
  for (size_t i = n - 1; i > 0; i--) {
    s = s * 6364136223846793005u + 1442695040888963407u;
    size_t j = (size_t)((s >> 33) % (i + 1));
    size_t k = idx[i];
    idx[i] = idx[j];
    idx[j] = k;
  }
}

/* Write the long table; rows shuffled, columns in a non-standard order, an
 * extra column and comments. n_temps < N_T keeps only the first ones. */
static int write_tid(const char *path, const tid_case *c, int n_temps) {
  size_t n = (size_t)n_temps * N_t, *idx = malloc(n * sizeof *idx);
  FILE *f = fopen(path, "w");
  if (!f || !idx) {
    if (f) fclose(f);
    free(idx);
    return 0;
  }
  for (size_t i = 0; i < n; i++)
    idx[i] = i;
  shuffle(idx, n);
  double dC = -c->sign * c->C_inf_F * c->N_ion_cm3 / (2.0 * c->N_A_cm3); /* C_inf - C(0) */
  fprintf(f, "# synthetic TID scan, exact single-exponential law\n");
  fprintf(f, "time_s,sample,temperature_K,capacitance_F\n");
  for (size_t i = 0; i < n; i++) {
    size_t j = idx[i] / N_t, k = idx[i] % N_t;
    double T = 300.0 - 10.0 * (double)j, t = 1e-6 * pow(10.0, (double)k / 10.0);
    fprintf(f, "%.17g,dev-7,%.17g,%.17g  # row %zu\n", t, T,
            c->C_inf_F - dC * exp(-t / tau_of(c, T)), i);
  }
  free(idx);
  return fclose(f) == 0;
}

/* Exact Mott-Schottky C-V table for N, eps_r, area, V_bi = 0.9512 V, 300 K;
 * the capacitance in F times scale (1: F; 1e9: nF under the header of F). */
static int write_cv_scaled(const char *path, double N_cm3, double eps_r, double area_cm2,
                           double scale) {
  FILE *f = fopen(path, "w");
  if (!f) return 0;
  fprintf(f, "voltage_V,capacitance_F\n");
  double A = area_cm2 * IDR_CM2_TO_M2, eps = IDR_EPS0 * eps_r, N = N_cm3 * IDR_CM3_TO_M3;
  for (int i = 0; i <= 16; i++) {
    double V = -0.8 + 0.05 * i, u = 0.9512 - V - idr_thermal_voltage(300.0);
    fprintf(f, "%.17g,%.17g\n", V, scale * sqrt(IDR_Q * eps * A * A * N / (2.0 * u)));
  }
  return fclose(f) == 0;
}

static int write_cv(const char *path, double N_cm3, double eps_r, double area_cm2) {
  return write_cv_scaled(path, N_cm3, eps_r, area_cm2, 1.0);
}

static int rel_ok(double got, double want, double tol) {
  return fabs(got / want - 1.0) < tol;
}

/* extract --json on a table of case c; checks sign, Ea, N_ion, D300. */
static void check_recovery(const char *bin, const char *name, const char *csv, const tid_case *c,
                           const char *opts, double eps_r) {
  char cmd[CMD_LEN], out[OUT_LEN], what[512];
  snprintf(cmd, sizeof cmd, "'%s' extract '%s' --eps-r %.17g --polarity pin %s --json", bin, csv,
           eps_r, opts);
  int rc = app_run(cmd, out, sizeof out);
  printf("     %s\n     -> %s", cmd, out);
  snprintf(what, sizeof what, "%s: exit 0, one JSON object, one %s", name,
           c->sign > 0 ? "anion" : "cation");
  app_check(rc == 0 && out[0] == '{' &&
                strstr(out, c->sign > 0 ? "\"sign\":\"anion\"" : "\"sign\":\"cation\"") &&
                app_json_get(out, "dC_sign") == -c->sign && !strstr(out, "},{"),
            what);
  double Ea = app_json_get(out, "Ea_eV");
  snprintf(what, sizeof what, "%s: Ea = %.4f eV (true %.4f) within %g eV", name, Ea, c->Ea_eV,
           EA_TOL_EV);
  app_check(fabs(Ea - c->Ea_eV) < EA_TOL_EV, what);
  double Ni = app_json_get(out, "N_ion_cm3");
  snprintf(what, sizeof what, "%s: N_ion = %.4g cm^-3 (true %.4g) within %g", name, Ni,
           c->N_ion_cm3, N_TOL_REL);
  app_check(rel_ok(Ni, c->N_ion_cm3, N_TOL_REL), what);
  double D300 = app_json_get(out, "D300_cm2_s"), want = D300_of(c, eps_r);
  snprintf(what, sizeof what, "%s: D(300 K) = %.4g cm^2/s (true %.4g) within %g", name, D300, want,
           N_TOL_REL);
  app_check(rel_ok(D300, want, N_TOL_REL), what);
  snprintf(what, sizeof what, "%s: all %d temperatures used, power %d, errors >= 0", name, N_T,
           c->power);
  app_check(app_json_get(out, "temperatures_used") == N_T &&
                app_json_get(out, "power") == c->power && app_json_get(out, "Ea_err_eV") >= 0.0 &&
                app_json_get(out, "N_ion_err_cm3") >= 0.0,
            what);
}

/* A command that must fail with status rc and print `needle` on stderr. */
static void check_error(const char *bin, const char *args, int want_rc, const char *needle,
                        const char *what) {
  char cmd[CMD_LEN], out[OUT_LEN], w[512];
  snprintf(cmd, sizeof cmd, "'%s' extract %s 2>&1 >/dev/null", bin, args);
  int rc = app_run(cmd, out, sizeof out);
  printf("     %s\n     -> %s", cmd, out);
  snprintf(w, sizeof w, "%s: exit %d, '%s'", what, want_rc, needle);
  app_check(rc == want_rc && strstr(out, needle) != NULL, w);
}

/* Write a small text file. */
static int write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) return 0;
  fputs(text, f);
  return fclose(f) == 0;
}

static void synthetic(const char *bin, const char *dir) {
  char anion[PATH_LEN], cation[PATH_LEN], cv[PATH_LEN], p[PATH_LEN], args[CMD_LEN];
  char cmd[CMD_LEN], out[OUT_LEN];
  const double eps_r = 46.9;
  tid_case a = {0.2385, 1.2e-3, 1, 3.2e-9, 1e17, 5e15, +1};
  snprintf(anion, sizeof anion, "%s/anion.csv", dir);
  app_check(write_tid(anion, &a, N_T), "anion: table written (11 x 71 rows, shuffled)");
  check_recovery(bin, "anion", anion, &a, "--doping-cm3 1e17", eps_r);

  /* N_A from an exact Mott-Schottky table of the same area and eps_r */
  snprintf(cv, sizeof cv, "%s/cv.csv", dir);
  app_check(write_cv(cv, 1e17, eps_r, 0.0314), "cv: Mott-Schottky table written");
  snprintf(args, sizeof args, "--cv '%s' --area-cm2 0.0314", cv);
  check_recovery(bin, "anion --cv", anion, &a, args, eps_r);
  snprintf(cmd, sizeof cmd,
           "'%s' extract '%s' --area-cm2 0.0314 --eps-r 46.9 --cv '%s' --cv-range=-0.5:0.2 --json",
           bin, anion, cv);
  int rc = app_run(cmd, out, sizeof out);
  app_check(rc == 0 && rel_ok(app_json_get(out, "N_A_cm3"), 1e17, NA_TOL_REL) &&
                app_json_get(out, "N_A_err_cm3") >= 0.0 &&
                strstr(out, "\"N_A_source\":\"mott-schottky\""),
            "anion --cv --cv-range: N_A = 1e17 cm^-3 within 1e-6, its error reported");

  /* a rising edge (cation), and n = 2 in both the data and the extraction */
  tid_case c = {0.3615, 2e-4, 2, 7.9e-10, 1e17, 3.7e15, -1};
  snprintf(cation, sizeof cation, "%s/cation.csv", dir);
  app_check(write_tid(cation, &c, N_T), "cation: table written");
  check_recovery(bin, "cation --power 2", cation, &c, "--doping-cm3 1e17 --power 2", eps_r);

  /* no --polarity: the sign is reported, no species is named */
  char cmd2[CMD_LEN];
  snprintf(cmd2, sizeof cmd2, "'%s' extract '%s' --eps-r 46.9 --doping-cm3 1e17 --json", bin,
           anion);
  rc = app_run(cmd2, out, sizeof out);
  app_check(rc == 0 && strstr(out, "\"sign\":\"unassigned\",\"dC_sign\":-1") &&
                strstr(out, "\"polarity\":\"unknown\""),
            "no --polarity: 'unassigned', dC_sign -1 (C falls)");
  snprintf(cmd2, sizeof cmd2,
           "'%s' extract '%s' --eps-r 46.9 --doping-cm3 1e17 --polarity nip "
           "--json",
           bin, anion);
  rc = app_run(cmd2, out, sizeof out);
  app_check(rc == 0 && strstr(out, "\"sign\":\"cation\",\"dC_sign\":-1"),
            "--polarity nip: a falling C is a cation");

  /* an intrinsic absorber: no N_A; N_ion D = kT d C_s / (q^2 tau(300 K)) with
   * 1/C_s = 1/C_inf - d/eps (C_inf per area from --area-cm2) */
  const double d_nm = 300.0, area = 0.0314;
  double Cinf = a.C_inf_F / (area * IDR_CM2_TO_M2), eps = IDR_EPS0 * eps_r;
  double Cs = 1.0 / (1.0 / Cinf - d_nm * IDR_NM_TO_M / eps);
  double ND = IDR_KB * 300.0 * d_nm * IDR_NM_TO_M * Cs / (IDR_Q * IDR_Q * a.tau300_s) * 1e-2;
  snprintf(cmd2, sizeof cmd2,
           "'%s' extract '%s' --eps-r 46.9 --thickness-nm 300 --area-cm2 0.0314 "
           "--n-ion-cm3 1e16 --json",
           bin, anion);
  rc = app_run(cmd2, out, sizeof out);
  printf("     %s\n     -> %s", cmd2, out);
  char what[256];
  snprintf(what, sizeof what,
           "intrinsic: Ea within 1 meV, N_ion null, N_ion D = %.4g cm^-1 s^-1 within 1e-6, "
           "D(300 K) = N_ion D / 1e16, unassigned",
           ND);
  app_check(rc == 0 && strstr(out, "\"intrinsic\":true") && strstr(out, "\"N_ion_cm3\":null") &&
                strstr(out, "\"sign\":\"unassigned\"") &&
                fabs(app_json_get(out, "Ea_eV") - a.Ea_eV) < EA_TOL_EV &&
                rel_ok(app_json_get(out, "ND300_cm1_s"), ND, 1e-6) &&
                rel_ok(app_json_get(out, "D300_cm2_s"), ND / 1e16, 1e-6),
            what);
  snprintf(cmd2, sizeof cmd2, "'%s' extract '%s' --eps-r 46.9", bin, anion);
  rc = app_run(cmd2, out, sizeof out);
  app_check(rc == 0 && strstr(out, "N_A           none: intrinsic absorber") &&
                strstr(out, "N_ion D: not computed: needs the absorber thickness (thickness_nm) "
                            "and the device area"),
            "intrinsic without thickness and area: Ea only, the table says both are missing");
  snprintf(cmd2, sizeof cmd2, "'%s' extract '%s' --eps-r 46.9 --area-cm2 0.0314", bin, anion);
  rc = app_run(cmd2, out, sizeof out);
  app_check(rc == 0 && strstr(out, "N_ion D: not computed: needs the absorber thickness") &&
                !strstr(out, "device area"),
            "intrinsic with the area only: the table names the thickness alone");
  /* thickness and area given, but an absorber so thick that its geometric
   * capacitance eps/d lies below C_inf: the cause is that, not a missing option */
  const double d_thick_nm = 2.0 * eps / Cinf / IDR_NM_TO_M;
  snprintf(cmd2, sizeof cmd2,
           "'%s' extract '%s' --eps-r 46.9 --thickness-nm %.6g --area-cm2 0.0314 --json", bin,
           anion, d_thick_nm);
  rc = app_run(cmd2, out, sizeof out);
  app_check(rc == 0 && strstr(out, "not below the geometric capacitance") &&
                !strstr(out, "needs the") && strstr(out, "\"ND300_cm1_s\":null"),
            "intrinsic, C_inf above eps/d: the note names the geometric capacitance");

  /* the table and the -o file */
  char h5[PATH_LEN];
  snprintf(h5, sizeof h5, "%s/anion_x.h5", dir);
  remove(h5);
  snprintf(cmd, sizeof cmd,
           "'%s' extract '%s' --eps-r 46.9 --doping-cm3=1e17 --polarity=pin -o '%s'", bin, anion,
           h5);
  rc = app_run(cmd, out, sizeof out);
  printf("%s", out);
  app_check(rc == 0 && strstr(out, "anion") && strstr(out, "Ea") && strstr(out, "cm^-3") &&
                strstr(out, "D(300 K)") && strstr(out, "11 of 11") && strstr(out, "wrote") &&
                strstr(out, "separator ','"),
            "table: Ea, N_ion [cm^-3], D(300 K), 11 of 11 temperatures, separator, wrote");
  idr_h5 *h = NULL;
  idr_error err;
  idr_error_clear(&err);
  idr_h5_dataset T = {0}, tau = {0}, t = {0};
  double NA = NAN, Ea = NAN;
  char *sign = NULL, *model = NULL;
  int ok = idr_h5_open(h5, &h, &err) == IDR_OK &&
           idr_h5_read_double(h, "extraction/T", "K", &T, &err) == IDR_OK &&
           idr_h5_read_double(h, "extraction/tau", "s", &tau, &err) == IDR_OK &&
           idr_h5_read_double(h, "data/t", "s", &t, &err) == IDR_OK &&
           idr_h5_read_attr_double(h, "extraction", "N_A_cm3", &NA, &err) == IDR_OK &&
           idr_h5_read_attr_string(h, "extraction", "model", &model, &err) == IDR_OK &&
           idr_h5_read_attr_double(h, "extraction/species_0", "Ea_eV", &Ea, &err) == IDR_OK &&
           idr_h5_read_attr_string(h, "extraction/species_0", "sign", &sign, &err) == IDR_OK &&
           idr_h5_exists(h, "extraction/used") && idr_h5_exists(h, "extraction/C_inf") &&
           idr_h5_exists(h, "extraction/tau_err") && idr_h5_exists(h, "extraction/arrhenius_0") &&
           idr_h5_exists(h, "extraction/global_0") && idr_h5_exists(h, "data/offset");
  if (!ok) printf("     %s\n", err.msg);
  app_check(ok && T.size == N_T && tau.dims[0] == N_T && tau.dims[1] == 2 && NA == 1e17 &&
                t.size == N_T * N_t && strcmp(model, "single") == 0 && strcmp(sign, "anion") == 0 &&
                fabs(Ea - a.Ea_eV) < EA_TOL_EV,
            "-o: data/t, extraction/T, tau (11 x 2, s), tau_err, used, C_inf, arrhenius_0, "
            "global_0, species_0 (Ea, sign), N_A_cm3, model");
  idr_h5_free(sign);
  idr_h5_free(model);
  idr_h5_dataset_free(&T);
  idr_h5_dataset_free(&tau);
  idr_h5_dataset_free(&t);
  idr_h5_close(&h);

  /* a C-V table in nF under the header capacitance_F: N ~ 1e35 cm^-3, warned about */
  snprintf(p, sizeof p, "%s/cv_nF.csv", dir);
  app_check(write_cv_scaled(p, 1e17, eps_r, 0.0314, 1e9), "cv_nF: table written");
  snprintf(cmd, sizeof cmd,
           "'%s' extract '%s' --eps-r 46.9 --area-cm2 0.0314 --cv '%s' --json 2>&1 >/dev/null", bin,
           anion, p);
  rc = app_run(cmd, out, sizeof out);
  printf("     %s\n     -> %s", cmd, out);
  app_check(rc == 0 && strstr(out, "warning: ") && strstr(out, "is above 1e21 cm^-3"),
            "--cv in nF read as F: the density is warned about (exit 0)");

  /* errors */
  snprintf(args, sizeof args, "'%s' --doping-cm3 1e17", anion);
  check_error(bin, args, 2, "missing --eps-r", "a CSV without --eps-r");
  snprintf(args, sizeof args, "'%s' --area-cm2 0.0314 --eps-r 46.9 --doping-cm3 1e17 --cv '%s'",
           anion, cv);
  check_error(bin, args, 2, "not both", "both --doping-cm3 and --cv");
  check_error(bin, args, 2, "Try 'iondrift help extract'", "both --doping-cm3 and --cv: hint");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --cv '%s'", anion, cv);
  check_error(bin, args, 2, "--cv needs --area-cm2", "--cv without --area-cm2");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --doping-cm3 1e17 --power 3", anion);
  check_error(bin, args, 2, "--power needs 0, 1 or 2", "--power 3");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --doping-cm3 1e17 --model foo", anion);
  check_error(bin, args, 2, "--model needs single", "--model foo");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --doping-cm3 1e17 --polarity pn", anion);
  check_error(bin, args, 2, "--polarity needs pin or nip", "--polarity pn");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --doping-cm3 1e17 --cv-range 0:1", anion);
  check_error(bin, args, 2, "--cv-range needs --cv", "--cv-range without --cv");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --cap-unit nanofarad", anion);
  check_error(bin, args, 2, "'nanofarad' is not a unit of capacitance_F", "--cap-unit nanofarad");

  snprintf(p, sizeof p, "%s/malformed.csv", dir);
  write_text(p, "# a comment\ntemperature_K,time_s,capacitance_F\n300,1e-6,1e-9\n\n"
                "300,2e-6,1e-9\n# another\n300,abc,1e-9\n");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --doping-cm3 1e17", p);
  check_error(bin, args, 2, "malformed.csv:7: column 'time_s'", "malformed row (line 7)");

  snprintf(p, sizeof p, "%s/duplicate.csv", dir);
  write_text(p, "temperature_K,time_s,capacitance_F\n300,1e-6,1e-9\n# c\n280,1e-6,1e-9\n"
                "\n300,1e-6,1.1e-9\n");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --doping-cm3 1e17", p);
  check_error(bin, args, 2, "duplicate.csv:6: time_s = 1e-06 repeats line 2",
              "a repeated (T, t) names both lines");

  /* the semicolon file the issue quotes: found, not "header lacks" */
  snprintf(p, sizeof p, "%s/semicolon.csv", dir);
  write_text(p, "temperature_K;time_s\n300;1e-6\n");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9", p);
  check_error(bin, args, 2,
              "header lacks a capacitance_F column (found 2 field(s), separator ';': "
              "'temperature_K', 'time_s')",
              "a missing column: the separator and the fields found");

  snprintf(p, sizeof p, "%s/one_T.csv", dir);
  app_check(write_tid(p, &a, 1), "one_T: table written");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --doping-cm3 1e17", p);
  check_error(bin, args, 2, ">= 2 temperatures, found 1 (T = 300 K", "one temperature only");

  snprintf(p, sizeof p, "%s/few.csv", dir);
  write_text(p, "temperature_K,time_s,capacitance_F\n300,1e-6,1e-9\n300,1e-5,1e-9\n"
                "280,1e-6,1e-9\n280,1e-5,1e-9\n");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --doping-cm3 1e17", p);
  check_error(bin, args, 2, "T = 300 K has 2 point(s) (from line 2)", "2 points per temperature");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --doping-cm3 1e17 --t-min-s 5", anion);
  check_error(bin, args, 2, "point(s) (from line", "--t-min-s leaving too few points");

  /* every tau far beyond the window (10 s / 3): the library's message */
  tid_case slow = a;
  slow.tau300_s = 300.0;
  snprintf(p, sizeof p, "%s/slow.csv", dir);
  app_check(write_tid(p, &slow, N_T), "slow: table written (tau >= 300 s)");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --doping-cm3 1e17", p);
  check_error(bin, args, 2, "fewer than 2 temperatures have a time constant inside",
              "no tau in the window");

  /* -o refused before any work: a missing directory, a directory */
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --doping-cm3 1e17 -o '%s/no/x.h5'", anion, dir);
  char needle[PATH_LEN + 64];
  snprintf(needle, sizeof needle, "directory '%s/no' does not exist", dir);
  check_error(bin, args, 2, needle, "-o in a missing directory");
  snprintf(p, sizeof p, "%s/no", dir);
  struct stat sb;
  app_check(stat(p, &sb) != 0, "-o in a missing directory: nothing created");
  snprintf(args, sizeof args, "'%s' --eps-r 46.9 --doping-cm3 1e17 -o '%s'", anion, dir);
  check_error(bin, args, 2, "is a directory", "-o naming a directory");
}

/* The result of `iondrift run app/tests/tid.yaml` (2 temperatures, tau ~ 0.2
 * to 0.3 ms, inside the 1 us .. 0.1 s window): extract, with no option,
 * reproduces the run's own extraction (absorber and polarity from the
 * stored stack) and shows the true parameters. */
static void of_run(const char *bin, const char *run_h5) {
  idr_h5 *h = NULL;
  idr_error err;
  idr_error_clear(&err);
  double Ea_run = NAN, Ni_run = NAN;
  int ok =
      idr_h5_open(run_h5, &h, &err) == IDR_OK &&
      idr_h5_read_attr_double(h, "tid/extraction/species_0", "Ea_eV", &Ea_run, &err) == IDR_OK &&
      idr_h5_read_attr_double(h, "tid/extraction/species_0", "N_ion_cm3", &Ni_run, &err) == IDR_OK;
  if (!ok) printf("     %s\n", err.msg);
  idr_h5_close(&h);
  app_check(ok, "run: tid/extraction/species_0 read");
  char cmd[CMD_LEN], out[OUT_LEN];
  snprintf(cmd, sizeof cmd, "'%s' extract '%s' --json 2>&1", bin, run_h5);
  int rc = app_run(cmd, out, sizeof out);
  printf("     %s\n     -> %s", cmd, out);
  app_check(rc == 0 && app_json_get(out, "temperatures_used") == 2.0,
            "extract of the run: exit 0, both temperatures in the window");
  app_check(rel_ok(app_json_get(out, "Ea_eV"), Ea_run, RUN_TOL_REL) &&
                rel_ok(app_json_get(out, "N_ion_cm3"), Ni_run, RUN_TOL_REL) &&
                rel_ok(app_json_get(out, "N_A_cm3"), 1e17, 1e-12),
            "extract of the run: Ea, N_ion equal the run's extraction; N_A from its stack");
  app_check(strstr(out, "\"species\":[{\"sign\":\"anion\",\"dC_sign\":-1") &&
                strstr(out, "\"polarity\":\"pin\""),
            "extract of the run: the polarity from the stack names the anion (C falls)");
  app_check(strstr(out, "\"true\":[{\"name\":\"halide\",\"sign\":\"anion\"") != NULL,
            "extract of the run: the true parameters beside");
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: %s IONDRIFT OUTDIR [RUN.h5]\n", argv[0]);
    return 2;
  }
  mkdir(argv[2], 0777); /* an existing directory is fine */
  if (argc == 4)
    of_run(argv[1], argv[3]);
  else
    synthetic(argv[1], argv[2]);
  printf("%d failed check(s)\n", app_check_failures());
  return app_check_failures() ? 1 : 0;
}

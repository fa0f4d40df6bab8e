/*
 * App test: check a result file written by `iondrift run` through the io/
 * reader, against the layout of docs/outputs.md and the CSV convention.
 *
 * Usage: check_result OUT.h5 [OUT_J.csv]
 *        check_result --cf OUT.h5 OUT_cf.csv
 *        check_result --cv OUT.h5 OUT_cv.csv
 *        check_result --deck OUT.h5 DECK.yaml   write the stored deck to DECK.yaml
 * With a CSV: a waveform run (transient/ present, CSV rows = transient/t).
 * Without: an equilibrium-only run (no transient/ group).
 * --cf, --cv: a C-f or C-V run (group cf/ or cv/, no transient/, the CSV with
 * one row per frequency or bias and capacitance_F for 1 cm^2).
 * Prints one line per check and exits non-zero if any fails.
 */
#include "app_check.h"
#include "idr_io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_LEN 256

static const char CSV_HEADER[] =
    "time_s,V_V,light_suns,J_A_m2,Jn_A_m2,Jp_A_m2,Jion_A_m2,Jdisp_A_m2";

/* Read a dataset with the given units; 0 on failure (message printed). */
static int read_ds(idr_h5 *h, const char *path, const char *units, idr_h5_dataset *ds) {
  idr_error err;
  idr_error_clear(&err);
  memset(ds, 0, sizeof *ds);
  if (idr_h5_read_double(h, path, units, ds, &err) != IDR_OK) {
    printf("     %s\n", err.msg);
    return 0;
  }
  return 1;
}

static int all_finite(const idr_h5_dataset *ds) {
  for (size_t i = 0; i < ds->size; i++)
    if (!isfinite(ds->data[i])) return 0;
  return 1;
}

#define M2_PER_CM2 1e-4 /* capacitance_F of the CSV is for 1 cm^2 */

/* The header line of a CSV equals `header` exactly (then a line break). */
static int csv_header_is(const char *csv, const char *header) {
  char line[LINE_LEN] = "";
  FILE *f = fopen(csv, "r");
  int ok = f && fgets(line, sizeof line, f) && strncmp(line, header, strlen(header)) == 0 &&
           (line[strlen(header)] == '\n' || line[strlen(header)] == '\r');
  if (f) fclose(f);
  return ok;
}

static void check_root(idr_h5 *h) {
  idr_error err;
  idr_error_clear(&err);
  char *s = NULL;
  int ok = idr_h5_read_attr_string(h, "/", "iondrift_version", &s, &err) == IDR_OK &&
           strcmp(s, IDR_VERSION) == 0;
  app_check(ok, "root @iondrift_version is the CMake project version");
  idr_h5_free(s);
  s = NULL;
  ok = idr_h5_read_attr_string(h, "/", "deck_yaml", &s, &err) == IDR_OK &&
       strstr(s, "layers") != NULL;
  app_check(ok, "root @deck_yaml holds the resolved deck");
  idr_h5_free(s);
  s = NULL;
  ok = idr_h5_read_attr_string(h, "/", "title", &s, &err) == IDR_OK;
  app_check(ok, "root @title exists");
  idr_h5_free(s);
  double T = 0.0;
  ok = idr_h5_read_attr_double(h, "/", "temperature_K", &T, &err) == IDR_OK && T > 0.0;
  app_check(ok, "root @temperature_K > 0");
}

static size_t check_mesh_and_equilibrium(idr_h5 *h) {
  idr_h5_dataset x, lf, phi, n, ion;
  size_t N = 0;
  int ok = read_ds(h, "mesh/x", "m", &x) && x.rank == 1 && x.size > 2;
  app_check(ok, "mesh/x [m]");
  if (ok) N = x.size;
  ok = read_ds(h, "mesh/layer_first", "-", &lf) && lf.size >= 2 && lf.data[0] == 0.0 &&
       lf.data[lf.size - 1] == (double)N - 1.0;
  app_check(ok, "mesh/layer_first [-]: 0 ... n_nodes-1");
  idr_error err;
  idr_error_clear(&err);
  char *names = NULL;
  ok = idr_h5_read_attr_string(h, "mesh", "layer_names", &names, &err) == IDR_OK && names[0];
  app_check(ok, "mesh @layer_names");
  idr_h5_free(names);
  ok = read_ds(h, "equilibrium/phi", "V", &phi) && phi.size == N && all_finite(&phi);
  app_check(ok, "equilibrium/phi [V], one value per node");
  ok = read_ds(h, "equilibrium/n", "m^-3", &n) && n.size == N && all_finite(&n);
  app_check(ok, "equilibrium/n [m^-3]");
  char **members = NULL;
  size_t count = 0, n_ion = 0;
  if (idr_h5_list(h, "equilibrium", &members, &count, &err) == IDR_OK) {
    for (size_t i = 0; i < count; i++) {
      if (strncmp(members[i], "ion_", 4) != 0) continue;
      char path[LINE_LEN];
      snprintf(path, sizeof path, "equilibrium/%s", members[i]);
      if (read_ds(h, path, "m^-3", &ion) && ion.size == N) n_ion++;
      idr_h5_dataset_free(&ion);
    }
    idr_h5_names_free(members, count);
  }
  app_check(n_ion > 0, "equilibrium/ion_<name> [m^-3]");
  idr_h5_dataset_free(&x);
  idr_h5_dataset_free(&lf);
  idr_h5_dataset_free(&phi);
  idr_h5_dataset_free(&n);
  return N;
}

static void check_transient(idr_h5 *h, size_t N, const char *csv) {
  idr_h5_dataset t, J, Jion, pt, pphi;
  int ok = read_ds(h, "transient/t", "s", &t) && t.size > 1;
  app_check(ok, "transient/t [s]");
  ok = read_ds(h, "transient/J", "A/m^2", &J) && J.size == t.size && all_finite(&J);
  app_check(ok, "transient/J [A/m^2], one value per time");
  ok = read_ds(h, "transient/Jion", "A/m^2", &Jion) && Jion.size == t.size;
  app_check(ok, "transient/Jion [A/m^2]");
  ok = read_ds(h, "transient/profiles/t", "s", &pt) && pt.size > 0;
  app_check(ok, "transient/profiles/t [s]");
  ok = read_ds(h, "transient/profiles/phi", "V", &pphi) && pphi.rank == 2 &&
       pphi.dims[0] == pt.size && pphi.dims[1] == N;
  app_check(ok, "transient/profiles/phi [V] is (n_snapshots, n_nodes)");
  idr_error err;
  idr_error_clear(&err);
  double steps = 0.0;
  ok = idr_h5_read_attr_double(h, "transient", "steps", &steps, &err) == IDR_OK && steps > 0.0;
  app_check(ok, "transient @steps > 0");

  /* the CSV: header on the first line, one row per transient sample */
  app_check(csv_header_is(csv, CSV_HEADER), "CSV first line is the header");
  const char *names[] = {"time_s",  "V_V",     "light_suns", "J_A_m2",
                         "Jn_A_m2", "Jp_A_m2", "Jion_A_m2",  "Jdisp_A_m2"};
  idr_csv_table tab;
  memset(&tab, 0, sizeof tab);
  ok = idr_csv_read(csv, names, 8, &tab, &err) == IDR_OK && tab.nrows == t.size;
  if (!ok && err.msg[0]) printf("     %s\n", err.msg);
  app_check(ok, "CSV reads back with one row per transient/t");
  if (ok) {
    double dmax = 0.0;
    for (size_t i = 0; i < tab.nrows; i++) {
      double d = fabs(tab.cols[3][i] - J.data[i]) / (fabs(J.data[i]) + 1e-30);
      dmax = d > dmax ? d : dmax;
    }
    app_check(dmax < 1e-8, "CSV J_A_m2 equals transient/J (10 significant digits)");
  }
  idr_csv_table_free(&tab);
  idr_h5_dataset_free(&t);
  idr_h5_dataset_free(&J);
  idr_h5_dataset_free(&Jion);
  idr_h5_dataset_free(&pt);
  idr_h5_dataset_free(&pphi);
}

/* A C-f (is_cv 0) or C-V (is_cv 1) group and its CSV. */
static void check_curve(idr_h5 *h, int is_cv, const char *csv) {
  const char *g = is_cv ? "cv" : "cf";
  char path[LINE_LEN], what[2 * LINE_LEN];
  idr_h5_dataset x, C, G, J;
  memset(&J, 0, sizeof J);
  snprintf(path, sizeof path, "%s/%s", g, is_cv ? "V" : "f");
  int ok = read_ds(h, path, is_cv ? "V" : "Hz", &x) && x.rank == 1 && x.size >= 2;
  snprintf(what, sizeof what, "%s [%s], at least 2 points", path, is_cv ? "V" : "Hz");
  app_check(ok, what);
  snprintf(path, sizeof path, "%s/C", g);
  ok = read_ds(h, path, "F/m^2", &C) && C.size == x.size && all_finite(&C);
  if (ok)
    for (size_t i = 0; i < C.size; i++)
      ok = ok && C.data[i] > 0.0;
  snprintf(what, sizeof what, "%s [F/m^2], one positive value per point", path);
  app_check(ok, what);
  snprintf(path, sizeof path, "%s/G", g);
  ok = read_ds(h, path, "S/m^2", &G) && G.size == x.size && all_finite(&G);
  snprintf(what, sizeof what, "%s [S/m^2]", path);
  app_check(ok, what);
  idr_error err;
  idr_error_clear(&err);
  double a = NAN;
  char *ions = NULL;
  if (is_cv) {
    ok = read_ds(h, "cv/J", "A/m^2", &J) && J.size == x.size && all_finite(&J);
    app_check(ok, "cv/J [A/m^2]");
    ok = idr_h5_read_attr_double(h, "cv", "f_Hz", &a, &err) == IDR_OK && a > 0.0;
    app_check(ok, "cv @f_Hz > 0");
    ok = idr_h5_read_attr_string(h, "cv", "ions", &ions, &err) == IDR_OK &&
         (strcmp(ions, "frozen") == 0 || strcmp(ions, "mobile") == 0);
    app_check(ok, "cv @ions is frozen or mobile");
    idr_h5_free(ions);
  } else {
    ok = idr_h5_read_attr_double(h, "cf", "V_V", &a, &err) == IDR_OK && isfinite(a);
    app_check(ok, "cf @V_V");
  }
  app_check(!idr_h5_exists(h, "transient") && !idr_h5_exists(h, is_cv ? "cf" : "cv"),
            "no transient/ and no other curve group");

  const char *header = is_cv ? "voltage_V,capacitance_F,conductance_S,C_F_m2,G_S_m2,J_A_m2"
                             : "frequency_Hz,capacitance_F,conductance_S,C_F_m2,G_S_m2";
  app_check(csv_header_is(csv, header), "CSV first line is the header");
  const char *names[] = {is_cv ? "voltage_V" : "frequency_Hz", "capacitance_F", "conductance_S",
                         "C_F_m2", "G_S_m2"};
  idr_csv_table tab;
  memset(&tab, 0, sizeof tab);
  ok = idr_csv_read(csv, names, 5, &tab, &err) == IDR_OK && tab.nrows == x.size;
  if (!ok && err.msg[0]) printf("     %s\n", err.msg);
  app_check(ok, "CSV reads back with one row per point");
  if (ok) {
    double dmax = 0.0;
    for (size_t i = 0; i < tab.nrows; i++) {
      double scale = fabs(C.data[i]) + 1e-300;
      double d = fabs(tab.cols[0][i] - x.data[i]) / (fabs(x.data[i]) + 1.0) +
                 fabs(tab.cols[3][i] - C.data[i]) / scale +
                 fabs(tab.cols[1][i] - C.data[i] * M2_PER_CM2) / (scale * M2_PER_CM2) +
                 fabs(tab.cols[4][i] - G.data[i]) / (fabs(G.data[i]) + 1e-300);
      dmax = d > dmax ? d : dmax;
    }
    app_check(dmax < 1e-8, "CSV equals the group; capacitance_F = C_F_m2 x 1 cm^2");
  }
  idr_csv_table_free(&tab);
  idr_h5_dataset_free(&x);
  idr_h5_dataset_free(&C);
  idr_h5_dataset_free(&G);
  idr_h5_dataset_free(&J);
}

/* The resolved deck of a result (root attribute deck_yaml) into a file. */
static int dump_deck(const char *h5, const char *yaml) {
  idr_error err;
  idr_error_clear(&err);
  idr_h5 *h = NULL;
  char *text = NULL;
  int ok = idr_h5_open(h5, &h, &err) == IDR_OK &&
           idr_h5_read_attr_string(h, "/", "deck_yaml", &text, &err) == IDR_OK;
  FILE *f = ok ? fopen(yaml, "w") : NULL;
  ok = f && fputs(text, f) >= 0;
  if (f && fclose(f) != 0) ok = 0;
  if (!ok) printf("FAIL %s -> %s: %s\n", h5, yaml, err.msg);
  idr_h5_free(text);
  idr_h5_close(&h);
  return ok ? 0 : 1;
}

int main(int argc, char **argv) {
  int curve = -1; /* -1: none, 0: cf, 1: cv */
  if (argc == 4 && strcmp(argv[1], "--deck") == 0) return dump_deck(argv[2], argv[3]);
  if (argc == 4 && (strcmp(argv[1], "--cf") == 0 || strcmp(argv[1], "--cv") == 0)) {
    curve = strcmp(argv[1], "--cv") == 0;
    argv++;
    argc--;
  } else if (argc < 2 || argc > 3 || argv[1][0] == '-') {
    fprintf(stderr, "usage: %s [--cf|--cv] OUT.h5 [OUT.csv]\n", argv[0]);
    return 2;
  }
  idr_error err;
  idr_error_clear(&err);
  idr_h5 *h = NULL;
  if (idr_h5_open(argv[1], &h, &err) != IDR_OK) {
    printf("FAIL %s\n", err.msg);
    return 1;
  }
  check_root(h);
  size_t N = check_mesh_and_equilibrium(h);
  if (curve >= 0)
    check_curve(h, curve, argv[2]);
  else if (argc == 3)
    check_transient(h, N, argv[2]);
  else
    app_check(!idr_h5_exists(h, "transient"), "equilibrium-only run has no transient/ group");
  idr_h5_close(&h);
  printf("%s: %d failed check(s)\n", argv[1], app_check_failures());
  return app_check_failures() ? 1 : 0;
}

/*
 * Unit tests of the io module: HDF5 writer/reader round trips (values, shapes,
 * units, attributes, a 100 kB deck string), atomic publication (commit leaves
 * no temporary, abort leaves nothing, a missing directory is IDR_ERR_IO naming
 * the path), and the CSV writer/reader including every reader error with its
 * line number; staging an HDF5 file and a CSV and publishing them together,
 * all or none (a blocked name keeps the older result, a failed rename puts it
 * back), and a full disk (a file-size limit: write(2) fails with EFBIG as
 * with ENOSPC) reported with nothing left behind. Every test works in its
 * own fresh temporary directory.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idr_io.h"

/* ---- fixture: a fresh temporary directory per test ---------------------- */

typedef struct fixture {
  char dir[512];
} fixture;

static int dir_setup(void **state) {
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx) return -1;
  const char *base = getenv("TMPDIR");
  snprintf(fx->dir, sizeof fx->dir, "%s/idr_test_io.XXXXXX", base && base[0] ? base : "/tmp");
  if (!mkdtemp(fx->dir)) {
    free(fx);
    return -1;
  }
  *state = fx;
  return 0;
}

static int dir_teardown(void **state) {
  fixture *fx = *state;
  DIR *d = opendir(fx->dir);
  if (d) {
    struct dirent *e;
    char p[1024];
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      snprintf(p, sizeof p, "%s/%s", fx->dir, e->d_name);
      remove(p);
    }
    closedir(d);
  }
  rmdir(fx->dir);
  free(fx);
  return 0;
}

static void path_in(const fixture *fx, const char *name, char *buf, size_t size) {
  snprintf(buf, size, "%s/%s", fx->dir, name);
}

/* Number of directory entries whose name contains `part` (NULL: all);
 * *only gets the name when there is exactly one. */
static int dir_count_matching(const fixture *fx, const char *part, char *only, size_t size) {
  DIR *d = opendir(fx->dir);
  assert_non_null(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (part && !strstr(e->d_name, part)) continue;
    if (only) snprintf(only, size, "%s", e->d_name);
    n++;
  }
  closedir(d);
  return n;
}

static int dir_count(const fixture *fx, char *only, size_t size) {
  return dir_count_matching(fx, NULL, only, size);
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

/* ---- HDF5 ------------------------------------------------------------- */

static void test_h5_roundtrip(void **state) {
  fixture *fx = *state;
  char path[600];
  path_in(fx, "result.h5", path, sizeof path);
  idr_error err;
  idr_error_clear(&err);

  enum { NT = 3, NX = 4 };
  double t[NT] = {1.25e-6, 3.7e-3, 2.385};
  double phi[NT * NX];
  for (int i = 0; i < NT * NX; i++)
    phi[i] = 0.1 * i - 1.0 / 3.0;
  int ids[5] = {-2, 0, 7, 65536, 2147483647};
  double empty_dummy = 0.0;

  idr_h5 *h = NULL;
  assert_int_equal(idr_h5_create(path, &h, &err), IDR_OK);
  assert_non_null(h);
  assert_string_equal(idr_h5_path(h), path);
  assert_non_null(strstr(idr_h5_temp_path(h), ".tmp."));
  assert_int_equal(idr_h5_create_group(h, "transient/profiles", &err), IDR_OK);
  assert_int_equal(idr_h5_create_group(h, "transient", &err), IDR_OK); /* idempotent */
  assert_int_equal(idr_h5_write_double_1d(h, "transient/profiles/t", t, NT, "s", &err), IDR_OK);
  assert_int_equal(idr_h5_write_double_2d(h, "transient/profiles/phi", phi, NT, NX, "V", &err),
                   IDR_OK);
  /* Parents are created on demand, with or without a leading '/'. */
  assert_int_equal(idr_h5_write_double_1d(h, "/equilibrium/phi", phi, NX, "V", &err), IDR_OK);
  assert_int_equal(idr_h5_write_int_1d(h, "mesh/layer_index", ids, 5, "-", &err), IDR_OK);
  assert_int_equal(idr_h5_write_double_1d(h, "mesh/empty", &empty_dummy, 0, "m", &err), IDR_OK);
  assert_int_equal(idr_h5_set_attr_string(h, "/", "iondrift_version", "0.1.0", &err), IDR_OK);
  assert_int_equal(idr_h5_set_attr_double(h, "/", "temperature_K", 287.15, &err), IDR_OK);
  assert_int_equal(idr_h5_set_attr_double(h, "/", "temperature_K", 301.5, &err), IDR_OK);
  assert_int_equal(idr_h5_set_attr_string(h, "transient", "protocol", "tid", &err), IDR_OK);
  assert_int_equal(idr_h5_set_attr_double(h, "transient/profiles/t", "scale", -4.5e-19, &err),
                   IDR_OK);
  assert_int_equal(idr_h5_write_string(h, "notes", "héllo, ions", &err), IDR_OK);
  assert_int_equal(idr_h5_commit(&h, &err), IDR_OK);
  assert_null(h);
  assert_int_equal(err.status, IDR_OK);

  assert_int_equal(idr_h5_open(path, &h, &err), IDR_OK);
  idr_h5_dataset d;
  assert_int_equal(idr_h5_read_double(h, "transient/profiles/t", "s", &d, &err), IDR_OK);
  assert_int_equal(d.rank, 1);
  assert_int_equal(d.dims[0], NT);
  assert_int_equal(d.size, NT);
  assert_string_equal(d.units, "s");
  for (int i = 0; i < NT; i++)
    assert_true(d.data[i] == t[i]);
  idr_h5_dataset_free(&d);
  assert_null(d.data);

  assert_int_equal(idr_h5_read_double(h, "/transient/profiles/phi", NULL, &d, &err), IDR_OK);
  assert_int_equal(d.rank, 2);
  assert_int_equal(d.dims[0], NT);
  assert_int_equal(d.dims[1], NX);
  assert_string_equal(d.units, "V");
  assert_memory_equal(d.data, phi, sizeof phi);
  idr_h5_dataset_free(&d);

  assert_int_equal(idr_h5_read_double(h, "mesh/empty", "m", &d, &err), IDR_OK);
  assert_int_equal(d.size, 0);
  assert_null(d.data);
  idr_h5_dataset_free(&d);

  /* Integer datasets read back as ints and, converted, as doubles. */
  int *ib = NULL;
  size_t ni = 0;
  assert_int_equal(idr_h5_read_int_1d(h, "mesh/layer_index", &ib, &ni, &err), IDR_OK);
  assert_int_equal(ni, 5);
  assert_memory_equal(ib, ids, sizeof ids);
  idr_h5_free(ib);
  assert_int_equal(idr_h5_read_double(h, "mesh/layer_index", "-", &d, &err), IDR_OK);
  assert_true(d.data[4] == 2147483647.0);
  idr_h5_dataset_free(&d);

  char *s = NULL;
  assert_int_equal(idr_h5_read_attr_string(h, "/", "iondrift_version", &s, &err), IDR_OK);
  assert_string_equal(s, "0.1.0");
  idr_h5_free(s);
  assert_int_equal(idr_h5_read_attr_string(h, "transient", "protocol", &s, &err), IDR_OK);
  assert_string_equal(s, "tid");
  idr_h5_free(s);
  assert_int_equal(idr_h5_read_string(h, "notes", &s, &err), IDR_OK);
  assert_string_equal(s, "héllo, ions");
  idr_h5_free(s);
  double v = 0;
  assert_int_equal(idr_h5_read_attr_double(h, "/", "temperature_K", &v, &err), IDR_OK);
  assert_true(v == 301.5); /* replaced, not duplicated */
  assert_int_equal(idr_h5_read_attr_double(h, "transient/profiles/t", "scale", &v, &err), IDR_OK);
  assert_true(v == -4.5e-19);

  char **names = NULL;
  size_t count = 0;
  assert_int_equal(idr_h5_list(h, "/", &names, &count, &err), IDR_OK);
  assert_int_equal(count, 4);
  assert_string_equal(names[0], "equilibrium");
  assert_string_equal(names[1], "mesh");
  assert_string_equal(names[2], "notes");
  assert_string_equal(names[3], "transient");
  idr_h5_names_free(names, count);
  assert_int_equal(idr_h5_list(h, "transient/profiles", &names, &count, &err), IDR_OK);
  assert_int_equal(count, 2);
  assert_string_equal(names[0], "phi");
  assert_string_equal(names[1], "t");
  idr_h5_names_free(names, count);

  assert_int_equal(idr_h5_kind_of(h, "/"), IDR_H5_GROUP);
  assert_int_equal(idr_h5_kind_of(h, "transient/profiles"), IDR_H5_GROUP);
  assert_int_equal(idr_h5_kind_of(h, "transient/profiles/phi"), IDR_H5_DATASET);
  assert_int_equal(idr_h5_kind_of(h, "transient/nothing/phi"), IDR_H5_NONE);
  assert_false(idr_h5_exists(h, "equilibrium/n"));
  assert_true(idr_h5_exists(h, "equilibrium/phi"));
  assert_int_equal(err.status, IDR_OK);

  /* Reader errors: wrong units, missing dataset/attribute, not a group. */
  assert_int_equal(idr_h5_read_double(h, "transient/profiles/t", "ms", &d, &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "'s', expected 'ms'"));
  assert_non_null(strstr(err.msg, path));
  assert_null(d.data);
  idr_error_clear(&err);
  assert_int_equal(idr_h5_read_double(h, "transient/J", NULL, &d, &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "transient/J"));
  idr_error_clear(&err);
  assert_int_equal(idr_h5_read_attr_double(h, "/", "missing", &v, &err), IDR_ERR_INPUT);
  idr_error_clear(&err);
  assert_int_equal(idr_h5_read_attr_double(h, "/", "iondrift_version", &v, &err), IDR_ERR_INPUT);
  idr_error_clear(&err);
  assert_int_equal(idr_h5_list(h, "notes", &names, &count, &err), IDR_ERR_INPUT);
  idr_error_clear(&err);
  /* A read-only handle refuses writes. */
  assert_int_not_equal(idr_h5_write_double_1d(h, "x", t, NT, "s", &err), IDR_OK);
  idr_error_clear(&err);
  idr_h5_close(&h);
  assert_null(h);
  assert_int_equal(dir_count(fx, NULL, 0), 1);
}

static void test_h5_write_errors(void **state) {
  fixture *fx = *state;
  char path[600];
  path_in(fx, "bad.h5", path, sizeof path);
  idr_error err;
  idr_error_clear(&err);
  double x[2] = {1.5, 2.5};
  idr_h5 *h = NULL;
  assert_int_equal(idr_h5_create(path, &h, &err), IDR_OK);

  assert_int_not_equal(idr_h5_write_double_1d(h, "a", x, 2, NULL, &err), IDR_OK);
  assert_non_null(strstr(err.msg, "units"));
  idr_error_clear(&err);
  assert_int_not_equal(idr_h5_write_double_1d(h, "a", x, 2, "", &err), IDR_OK);
  idr_error_clear(&err);

  assert_int_equal(idr_h5_write_double_1d(h, "a", x, 2, "m", &err), IDR_OK);
  assert_int_equal(idr_h5_write_double_1d(h, "a", x, 2, "m", &err), IDR_ERR_IO); /* exists */
  assert_non_null(strstr(err.msg, "'a'"));
  assert_non_null(strstr(err.msg, path));
  idr_error_clear(&err);
  assert_int_equal(idr_h5_write_double_1d(h, "a/b", x, 2, "m", &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "not a group"));
  idr_error_clear(&err);
  assert_int_equal(idr_h5_set_attr_double(h, "nowhere", "T_K", 300.0, &err), IDR_ERR_INPUT);
  idr_error_clear(&err);
  idr_h5_abort(&h);
  assert_null(h);
  idr_h5_abort(&h); /* harmless twice */
}

static void test_h5_large_string(void **state) {
  fixture *fx = *state;
  char path[600];
  path_in(fx, "deck.h5", path, sizeof path);
  idr_error err;
  idr_error_clear(&err);

  /* 100 kB of YAML-looking text: well above HDF5's 64 kB header message. */
  const size_t len = 100 * 1024;
  char *deck = malloc(len + 1);
  assert_non_null(deck);
  for (size_t i = 0; i < len; i++)
    deck[i] = (i % 61 == 60) ? '\n' : (char)('a' + (i * 7) % 26);
  deck[len] = '\0';

  idr_h5 *h = NULL;
  assert_int_equal(idr_h5_create(path, &h, &err), IDR_OK);
  assert_int_equal(idr_h5_set_attr_string(h, "/", "deck_yaml", deck, &err), IDR_OK);
  assert_int_equal(idr_h5_write_string(h, "input/deck_yaml", deck, &err), IDR_OK);
  assert_int_equal(idr_h5_commit(&h, &err), IDR_OK);

  assert_int_equal(idr_h5_open(path, &h, &err), IDR_OK);
  char *back = NULL;
  assert_int_equal(idr_h5_read_attr_string(h, "/", "deck_yaml", &back, &err), IDR_OK);
  assert_int_equal(strlen(back), len);
  assert_string_equal(back, deck);
  idr_h5_free(back);
  assert_int_equal(idr_h5_read_string(h, "input/deck_yaml", &back, &err), IDR_OK);
  assert_string_equal(back, deck);
  idr_h5_free(back);
  /* A string dataset is not numeric. */
  idr_h5_dataset d;
  assert_int_equal(idr_h5_read_double(h, "input/deck_yaml", NULL, &d, &err), IDR_ERR_INPUT);
  idr_error_clear(&err);
  idr_h5_close(&h);
  free(deck);
}

static void test_h5_abort_leaves_nothing(void **state) {
  fixture *fx = *state;
  char path[600];
  path_in(fx, "aborted.h5", path, sizeof path);
  idr_error err;
  idr_error_clear(&err);
  double x[3] = {2.385, -1.0, 7e21};
  idr_h5 *h = NULL;
  assert_int_equal(idr_h5_create(path, &h, &err), IDR_OK);
  assert_int_equal(idr_h5_write_double_1d(h, "transient/J", x, 3, "A/m^2", &err), IDR_OK);
  assert_int_equal(dir_count(fx, NULL, 0), 1); /* only the temporary exists */
  assert_int_equal(access(path, F_OK), -1);    /* never under the final name */
  idr_h5_abort(&h);
  assert_null(h);
  assert_int_equal(dir_count(fx, NULL, 0), 0);
}

static void test_h5_commit_leaves_no_temporary(void **state) {
  fixture *fx = *state;
  char path[600];
  path_in(fx, "done.h5", path, sizeof path);
  idr_error err;
  idr_error_clear(&err);
  double x[3] = {2.385, -1.0, 7e21};
  idr_h5 *h = NULL;
  /* Commit twice onto the same name: the second replaces the first. */
  for (int pass = 0; pass < 2; pass++) {
    assert_int_equal(idr_h5_create(path, &h, &err), IDR_OK);
    assert_int_equal(idr_h5_write_double_1d(h, "transient/J", x, 3, "A/m^2", &err), IDR_OK);
    assert_int_equal(idr_h5_set_attr_double(h, "/", "pass", (double)pass, &err), IDR_OK);
    assert_int_equal(idr_h5_commit(&h, &err), IDR_OK);
    char only[256];
    assert_int_equal(dir_count(fx, only, sizeof only), 1);
    assert_string_equal(only, "done.h5");
  }
  double pass = -1;
  assert_int_equal(idr_h5_open(path, &h, &err), IDR_OK);
  assert_int_equal(idr_h5_read_attr_double(h, "/", "pass", &pass, &err), IDR_OK);
  assert_true(pass == 1.0);
  idr_h5_close(&h);
}

/* A commit that cannot rename (the final name is a non-empty directory)
 * fails with IDR_ERR_IO and removes its temporary. */
static void test_h5_commit_failure_cleans_up(void **state) {
  fixture *fx = *state;
  char path[600], inner[700];
  path_in(fx, "taken.h5", path, sizeof path);
  assert_int_equal(mkdir(path, 0777), 0);
  snprintf(inner, sizeof inner, "%s/keep", path);
  write_text(inner, "x");
  idr_error err;
  idr_error_clear(&err);
  double x[2] = {2.385, 4.5};
  idr_h5 *h = NULL;
  assert_int_equal(idr_h5_create(path, &h, &err), IDR_OK);
  assert_int_equal(idr_h5_write_double_1d(h, "mesh/x", x, 2, "m", &err), IDR_OK);
  assert_int_equal(dir_count(fx, NULL, 0), 2);
  assert_int_equal(idr_h5_commit(&h, &err), IDR_ERR_IO);
  assert_null(h);
  assert_non_null(strstr(err.msg, path));
  assert_int_equal(dir_count(fx, NULL, 0), 1); /* only the directory is left */
  remove(inner);
}

static void test_h5_missing_directory(void **state) {
  fixture *fx = *state;
  char path[600];
  path_in(fx, "no/such/dir/out.h5", path, sizeof path);
  idr_error err;
  idr_error_clear(&err);
  idr_h5 *h = (idr_h5 *)&err; /* must be reset to NULL */
  assert_int_equal(idr_h5_create(path, &h, &err), IDR_ERR_IO);
  assert_null(h);
  assert_int_equal(err.status, IDR_ERR_IO);
  assert_non_null(strstr(err.msg, path));

  idr_error_clear(&err);
  assert_int_equal(idr_h5_open(path, &h, &err), IDR_ERR_IO);
  assert_null(h);
  assert_non_null(strstr(err.msg, path));

  /* A file that is not HDF5 is an I/O error too, not a crash. */
  char csv[600];
  path_in(fx, "plain.csv", csv, sizeof csv);
  write_text(csv, "a,b\n1,2\n");
  idr_error_clear(&err);
  assert_int_equal(idr_h5_open(csv, &h, &err), IDR_ERR_IO);
  assert_non_null(strstr(err.msg, csv));
  idr_error_clear(&err);
  assert_int_equal(idr_h5_commit(&h, &err), IDR_ERR_INTERNAL); /* nothing to commit */
}

/* ---- CSV -------------------------------------------------------------- */

static void test_csv_roundtrip(void **state) {
  fixture *fx = *state;
  char path[600];
  path_in(fx, "jv.csv", path, sizeof path);
  idr_error err;
  idr_error_clear(&err);
  enum { NR = 5 };
  double t[NR] = {0.0, 1e-6, 2.385e-3, 0.1, 10.0};
  double V[NR] = {0.0, 1.0, 1.0, -0.25, 0.0};
  double J[NR] = {-3.141592653589793e2, 1.2345678901234e-9, 0.0, 5.5e30, -7.25};
  const char *names[3] = {"time_s", "V_V", "J_A_m2"};
  const double *cols[3] = {t, V, J};
  assert_int_equal(idr_csv_write(path, "iondrift 0.1.0\ndeck: test", names, cols, 3, NR, &err),
                   IDR_OK);
  char only[256];
  assert_int_equal(dir_count(fx, only, sizeof only), 1);
  assert_string_equal(only, "jv.csv");

  /* Columns come back in the order asked for, to %.10g precision. */
  const char *want[2] = {"J_A_m2", "time_s"};
  idr_csv_table tab;
  assert_int_equal(idr_csv_read(path, want, 2, &tab, &err), IDR_OK);
  assert_int_equal(tab.ncols, 2);
  assert_int_equal(tab.nrows, NR);
  for (int i = 0; i < NR; i++) {
    assert_true(fabs(tab.cols[0][i] - J[i]) <= 1e-9 * fabs(J[i]));
    assert_true(fabs(tab.cols[1][i] - t[i]) <= 1e-9 * fabs(t[i]));
  }
  idr_csv_table_free(&tab);
  assert_null(tab.cols);

  /* The header line follows the comment block. */
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char line[256];
  assert_non_null(fgets(line, sizeof line, f));
  assert_string_equal(line, "# iondrift 0.1.0\n");
  assert_non_null(fgets(line, sizeof line, f));
  assert_non_null(fgets(line, sizeof line, f));
  assert_string_equal(line, "time_s,V_V,J_A_m2\n");
  fclose(f);

  /* Bad names and a missing directory are refused. */
  const char *bad[3] = {"time_s", "V,V", "J_A_m2"};
  assert_int_not_equal(idr_csv_write(path, NULL, bad, cols, 3, NR, &err), IDR_OK);
  idr_error_clear(&err);
  char nodir[600];
  path_in(fx, "missing/x.csv", nodir, sizeof nodir);
  assert_int_equal(idr_csv_write(nodir, NULL, names, cols, 3, NR, &err), IDR_ERR_IO);
  assert_non_null(strstr(err.msg, nodir));
  assert_int_equal(dir_count(fx, NULL, 0), 1);
}

static void test_csv_read_flexible(void **state) {
  fixture *fx = *state;
  char path[600];
  path_in(fx, "ct.csv", path, sizeof path);
  /* Comments, blank lines, CRLF, blanks around fields, extra columns (even
   * non-numeric ones), columns in another order. */
  write_text(path, "# measured C(t), sample A\r\n"
                   "\r\n"
                   " sample , time_s, capacitance_F ,temperature_K\r\n"
                   "A1, 1e-6, 2.385e-8, 300   # first point\r\n"
                   "   # a comment-only line\n"
                   "A1,1e-5,2.38e-08,300\n"
                   "A1,+1.0E-4,2.37E-8,299.5");
  const char *want[3] = {"temperature_K", "time_s", "capacitance_F"};
  idr_error err;
  idr_error_clear(&err);
  idr_csv_table tab;
  assert_int_equal(idr_csv_read(path, want, 3, &tab, &err), IDR_OK);
  assert_int_equal(tab.nrows, 3);
  assert_true(tab.cols[0][2] == 299.5);
  assert_true(tab.cols[1][0] == 1e-6);
  assert_true(tab.cols[1][2] == 1e-4);
  assert_true(tab.cols[2][1] == 2.38e-8);
  idr_csv_table_free(&tab);
}

typedef struct csv_case {
  const char *name;    /* what is wrong */
  const char *text;    /* file contents */
  idr_status status;   /* expected status */
  const char *where;   /* expected ":LINE:" (or other) substring */
  const char *message; /* expected part of the message */
} csv_case;

static void test_csv_read_errors(void **state) {
  fixture *fx = *state;
  static const csv_case cases[] = {
      {"too many fields", "# C-V\nvoltage_V,capacitance_F\n0.1,2e-8\n\n0.2,2e-8,5\n", IDR_ERR_INPUT,
       ":5: ", "expected 2 fields (as in the header on line 2), found 3"},
      {"too few fields", "voltage_V,capacitance_F\n0.1,2e-8\n# x\n0.2\n", IDR_ERR_INPUT,
       ":4: ", "expected 2 fields"},
      {"not a number", "voltage_V,capacitance_F\n0.1,2e-8\n0.2,abc\n", IDR_ERR_INPUT,
       ":3: ", "column 'capacitance_F' (field 2): expected a number, found 'abc'"},
      {"trailing garbage", "voltage_V,capacitance_F\n0.1V,2e-8\n", IDR_ERR_INPUT,
       ":2: ", "column 'voltage_V' (field 1): expected a number, found '0.1V'"},
      {"nan", "capacitance_F,voltage_V\n\n\nnan,0.3\n", IDR_ERR_INPUT,
       ":4: ", "expected a finite number, found 'nan'"},
      {"inf", "voltage_V,capacitance_F\n0.1,-inf\n", IDR_ERR_INPUT,
       ":2: ", "expected a finite number, found '-inf'"},
      {"overflow", "voltage_V,capacitance_F\n0.1,1e999\n", IDR_ERR_INPUT,
       ":2: ", "expected a finite number, found '1e999'"},
      {"empty field", "voltage_V,capacitance_F\n0.1,2e-8\n,2e-8\n", IDR_ERR_INPUT,
       ":3: ", "found an empty field"},
      {"missing column", "# header\nvoltage_V,capacitance_nF\n0.1,20\n", IDR_ERR_INPUT,
       ":2: ", "lacks required column 'capacitance_F' (found: voltage_V, capacitance_nF)"},
      {"duplicate column", "voltage_V,capacitance_F,voltage_V\n0.1,2e-8,0.1\n", IDR_ERR_INPUT,
       ":1: ", "names column 'voltage_V' twice"},
      {"empty header name", "voltage_V,,capacitance_F\n0.1,2,2e-8\n", IDR_ERR_INPUT,
       ":1: ", "header field 2 is empty"},
      {"no header", "# nothing here\n\n", IDR_ERR_INPUT, "", "expected a header line"},
      {"no rows", "\nvoltage_V,capacitance_F\n# none\n", IDR_ERR_INPUT,
       ":2: ", "expected data rows after the header, found none"},
  };
  const char *want[2] = {"voltage_V", "capacitance_F"};
  char path[600], expect[700];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const csv_case *c = &cases[i];
    path_in(fx, "bad.csv", path, sizeof path);
    write_text(path, c->text);
    idr_error err;
    idr_error_clear(&err);
    idr_csv_table tab;
    idr_status st = idr_csv_read(path, want, 2, &tab, &err);
    snprintf(expect, sizeof expect, "%s%s", path, c->where);
    if (st != c->status || !strstr(err.msg, expect) || !strstr(err.msg, c->message))
      fail_msg("case '%s': status %d, message '%s'", c->name, (int)st, err.msg);
    assert_null(tab.cols);
    assert_int_equal(tab.nrows, 0);
  }

  char missing[600];
  path_in(fx, "absent.csv", missing, sizeof missing);
  idr_error err;
  idr_error_clear(&err);
  idr_csv_table tab;
  assert_int_equal(idr_csv_read(missing, want, 2, &tab, &err), IDR_ERR_IO);
  assert_non_null(strstr(err.msg, missing));
}

/* ---- publishing several files, write failures -------------------------- */

/* A result file with one attribute "pass" = value. */
static void stage_h5(const char *path, double value, char **tmp) {
  idr_error err;
  idr_error_clear(&err);
  idr_h5 *h = NULL;
  double x[3] = {2.385, -1.0, 7e21};
  assert_int_equal(idr_h5_create(path, &h, &err), IDR_OK);
  assert_int_equal(idr_h5_write_double_1d(h, "transient/J", x, 3, "A/m^2", &err), IDR_OK);
  assert_int_equal(idr_h5_set_attr_double(h, "/", "pass", value, &err), IDR_OK);
  assert_int_equal(idr_h5_stage(&h, tmp, &err), IDR_OK);
  assert_null(h);
  assert_non_null(*tmp);
}

static double read_pass(const char *path) {
  idr_error err;
  idr_error_clear(&err);
  idr_h5 *h = NULL;
  double v = -1.0;
  assert_int_equal(idr_h5_open(path, &h, &err), IDR_OK);
  assert_int_equal(idr_h5_read_attr_double(h, "/", "pass", &v, &err), IDR_OK);
  idr_h5_close(&h);
  return v;
}

/* An older result under `path` (attribute "pass" = 1). */
static void publish_previous(const char *path) {
  char *th = NULL;
  idr_error err;
  idr_error_clear(&err);
  stage_h5(path, 1.0, &th);
  const char *tmp[1] = {th}, *fin[1] = {path};
  assert_int_equal(idr_io_publish_all(tmp, fin, 1, &err), IDR_OK);
  idr_h5_free(th);
}

static void stage_csv(const char *path, double value, char **tmp) {
  idr_error err;
  idr_error_clear(&err);
  const char *names[] = {"time_s", "J_A_m2"};
  double t[2] = {0.0, 1.5}, j[2] = {value, 2.0 * value};
  const double *cols[] = {t, j};
  assert_int_equal(idr_csv_stage(path, NULL, names, cols, 2, 2, tmp, &err), IDR_OK);
  assert_non_null(*tmp);
}

/* Both staged files appear under their final names, nothing else remains;
 * a second pair replaces the first. */
static void test_publish_pair(void **state) {
  fixture *fx = *state;
  char h5[600], csv[600];
  path_in(fx, "r.h5", h5, sizeof h5);
  path_in(fx, "r_J.csv", csv, sizeof csv);
  for (int pass = 0; pass < 2; pass++) {
    char *th = NULL, *tc = NULL;
    stage_h5(h5, (double)pass, &th);
    stage_csv(csv, (double)pass, &tc);
    assert_int_equal(dir_count_matching(fx, ".tmp.", NULL, 0), 2);
    const char *tmp[2] = {th, tc}, *fin[2] = {h5, csv};
    idr_error err;
    idr_error_clear(&err);
    assert_int_equal(idr_io_publish_all(tmp, fin, 2, &err), IDR_OK);
    assert_int_equal(dir_count(fx, NULL, 0), 2);
    assert_true(read_pass(h5) == (double)pass);
    idr_h5_free(th);
    free(tc);
  }
}

/* The CSV's final name is a non-empty directory: nothing is replaced, the
 * older HDF5 file is unchanged, no temporary is left. (Before, the new HDF5
 * file was committed first and then deleted: the user lost both.) */
static void test_publish_blocked_keeps_previous(void **state) {
  fixture *fx = *state;
  char h5[600], csv[600], inner[700];
  path_in(fx, "r.h5", h5, sizeof h5);
  path_in(fx, "r_J.csv", csv, sizeof csv);
  char *th = NULL, *tc = NULL;
  idr_error err;
  idr_error_clear(&err);
  publish_previous(h5);
  assert_int_equal(mkdir(csv, 0777), 0);
  snprintf(inner, sizeof inner, "%s/keep", csv);
  FILE *f = fopen(inner, "w");
  assert_non_null(f);
  fclose(f);

  stage_h5(h5, 2.0, &th);
  stage_csv(csv, 2.0, &tc);
  const char *tmp[2] = {th, tc}, *fin[2] = {h5, csv};
  assert_int_equal(idr_io_publish_all(tmp, fin, 2, &err), IDR_ERR_IO);
  printf("  %s\n", err.msg);
  assert_non_null(strstr(err.msg, "r_J.csv"));
  assert_non_null(strstr(err.msg, "directory"));
  assert_true(read_pass(h5) == 1.0);
  assert_int_equal(dir_count_matching(fx, ".tmp.", NULL, 0), 0);
  assert_int_equal(dir_count(fx, NULL, 0), 2);
  idr_h5_free(th);
  free(tc);
  remove(inner);
  rmdir(csv);
}

/* A rename that fails after the first file is in place (here: the second
 * temporary vanished) puts the older first file back and removes the rest. */
static void test_publish_rollback(void **state) {
  fixture *fx = *state;
  char h5[600], csv[600];
  path_in(fx, "r.h5", h5, sizeof h5);
  path_in(fx, "r_J.csv", csv, sizeof csv);
  char *th = NULL, *tc = NULL;
  idr_error err;
  idr_error_clear(&err);
  publish_previous(h5);

  stage_h5(h5, 2.0, &th);
  stage_csv(csv, 2.0, &tc);
  assert_int_equal(remove(tc), 0);
  const char *tmp[2] = {th, tc}, *fin[2] = {h5, csv};
  assert_int_equal(idr_io_publish_all(tmp, fin, 2, &err), IDR_ERR_IO);
  printf("  %s\n", err.msg);
  assert_non_null(strstr(err.msg, "put back"));
  assert_true(read_pass(h5) == 1.0);
  assert_int_equal(dir_count(fx, NULL, 0), 1);
  idr_h5_free(th);
  free(tc);
}

/* A full disk, injected as a file-size limit on this process: the commit
 * and the CSV fail with IDR_ERR_IO and the system's reason, and leave
 * nothing. (HDF5 wrote to the disk itself before, and the process crashed
 * at exit after its failed flush.) */
#define WRITE_LIMIT_BYTES 4096
static void test_write_failure(void **state) {
  fixture *fx = *state;
  char h5[600], csv[600];
  path_in(fx, "big.h5", h5, sizeof h5);
  path_in(fx, "big.csv", csv, sizeof csv);
  enum { N = 20000 };
  double *x = malloc(N * sizeof *x);
  assert_non_null(x);
  for (int i = 0; i < N; i++)
    x[i] = 2.385 * i;
  idr_error err;
  idr_error_clear(&err);
  idr_h5 *h = NULL;
  assert_int_equal(idr_h5_create(h5, &h, &err), IDR_OK);
  assert_int_equal(idr_h5_write_double_1d(h, "x", x, N, "m", &err), IDR_OK);

  struct rlimit old, lim;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  lim = old;
  lim.rlim_cur = WRITE_LIMIT_BYTES;
  void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
  assert_true(was != SIG_ERR);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
  idr_status st = idr_h5_commit(&h, &err);
  const char *names[] = {"x_m"};
  const double *cols[] = {x};
  idr_error cerr;
  idr_error_clear(&cerr);
  idr_status cst = idr_csv_write(csv, NULL, names, cols, 1, N, &cerr);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, was);

  printf("  %s\n  %s\n", err.msg, cerr.msg);
  assert_int_equal(st, IDR_ERR_IO);
  assert_null(h);
  assert_non_null(strstr(err.msg, "cannot write temporary"));
  assert_non_null(strstr(err.msg, "File too large"));
  assert_int_equal(cst, IDR_ERR_IO);
  assert_non_null(strstr(cerr.msg, "File too large"));
  assert_int_equal(dir_count(fx, NULL, 0), 0);
  free(x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_h5_roundtrip, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_h5_write_errors, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_h5_large_string, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_h5_abort_leaves_nothing, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_h5_commit_leaves_no_temporary, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_h5_commit_failure_cleans_up, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_h5_missing_directory, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_csv_roundtrip, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_csv_read_flexible, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_csv_read_errors, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_publish_pair, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_publish_blocked_keeps_previous, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_publish_rollback, dir_setup, dir_teardown),
      cmocka_unit_test_setup_teardown(test_write_failure, dir_setup, dir_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

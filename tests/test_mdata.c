/*
 * Unit tests of the measured-data reader (io: idr_mdata_read, units): a lab
 * spreadsheet export (UTF-8 BOM, CRLF, semicolons, quoted "Name (unit)"
 * headers, decimal commas, ms, nF, drifting temperatures), the column
 * mapping and unit options, degrees Celsius, skipped rows and the time
 * window, C-V and C-f-T tables, the plausibility warnings, and every error
 * with the cause it must name (the separator, the columns found, the unit).
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idr_io.h"

typedef struct fixture {
  char dir[512];
  char path[600];
} fixture;

static int setup(void **state) {
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx) return -1;
  const char *base = getenv("TMPDIR");
  snprintf(fx->dir, sizeof fx->dir, "%s/idr_test_mdata.XXXXXX", base && base[0] ? base : "/tmp");
  if (!mkdtemp(fx->dir)) {
    free(fx);
    return -1;
  }
  snprintf(fx->path, sizeof fx->path, "%s/data.csv", fx->dir);
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  remove(fx->path);
  rmdir(fx->dir);
  free(fx);
  return 0;
}

static void write_bytes(const char *path, const char *text, size_t n) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, n, f), n);
  fclose(f);
}

static void write_text(const char *path, const char *text) {
  write_bytes(path, text, strlen(text));
}

static idr_mdata_spec tid_spec(void) {
  idr_mdata_spec s = {.group = IDR_Q_TEMPERATURE,
                      .x = IDR_Q_TIME,
                      .ny = 1,
                      .y = {IDR_Q_CAPACITANCE},
                      .x_positive = 1,
                      .x_unique = 1};
  return s;
}

static int close_to(double a, double b, double rel) {
  return fabs(a - b) <= rel * fabs(b);
}

/* ---- a lab export -------------------------------------------------------- */

static void test_lab_export(void **state) {
  fixture *fx = *state;
  /* BOM, CRLF, semicolons, quoted headers, decimal commas, a pulse row at
   * t = 0 and one at t < 0, two temperatures read with scatter, an extra
   * text column, comments. */
  static const char TEXT[] = "\xEF\xBB\xBF# LCR export, sample B7\r\n"
                             "\"Sample\";\"Temperature (K)\";\"Time (ms)\";\"Cp (nF)\";\"D\"\r\n"
                             "B7;300,02;-1;47,1;0,01\r\n"
                             "B7;300,02;0;47,0;0,01\r\n"
                             "B7;299,98;0,001;45,38;0,01\r\n"
                             "B7;300,10;0,01;45,52;0,01   # noisy\r\n"
                             "B7;299,90;0,1;45,8;0,01\r\n"
                             "B7;280,01;0,001;44,0;0,01\r\n"
                             "\r\n"
                             "B7;279,99;0,01;44,2;0,01\r\n";
  write_text(fx->path, TEXT);
  idr_mdata_spec s = tid_spec();
  idr_mdata d;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_mdata_read(fx->path, &s, NULL, &d, &err), IDR_OK);
  assert_int_equal(d.sep, ';');
  assert_true(d.decimal_comma && d.bom);
  assert_int_equal(d.header_line, 2);
  assert_int_equal(d.n_rows, 7);
  assert_int_equal(d.n_nonpositive, 2);
  assert_int_equal(d.m, 2);
  assert_int_equal(d.n, 5);
  /* the group's mean of the kept rows; the order of the file */
  assert_true(close_to(d.group[0], (299.98 + 300.10 + 299.90) / 3.0, 1e-14));
  assert_true(close_to(d.group_spread[0], 0.10 - (300.10 + 299.98 + 299.90 - 900.0) / 3.0, 1e-9));
  assert_true(close_to(d.group[1], 280.0, 1e-14));
  assert_int_equal(d.off[1], 3);
  /* ms -> s, nF -> F, sorted by time, lines kept */
  assert_true(close_to(d.x[0], 1e-6, 1e-12) && close_to(d.x[2], 1e-4, 1e-12));
  assert_true(close_to(d.y[0][0], 45.38e-9, 1e-12));
  assert_int_equal(d.line[0], 5);
  assert_int_equal(d.line[4], 10);
  assert_string_equal(d.header[IDR_Q_TIME], "Time (ms)");
  assert_string_equal(d.unit[IDR_Q_CAPACITANCE], "nF");
  assert_int_equal(d.field[IDR_Q_TEMPERATURE], 1);
  assert_int_equal(d.n_warnings, 0);
  char line[1024];
  idr_mdata_describe(&d, line, sizeof line);
  assert_non_null(strstr(line, "separator ';', decimal comma, UTF-8 BOM"));
  assert_non_null(strstr(line, "time_s <- 'Time (ms)' [ms]"));
  assert_non_null(strstr(line, "skipped 2 row(s) at time_s <= 0"));
  idr_mdata_free(&d);
  assert_null(d.x);
}

/* Canonical names in any order, commas, tabs, CR-only line ends. */
static void test_separators_and_order(void **state) {
  fixture *fx = *state;
  static const char *const TEXTS[] = {
      "capacitance_F,time_s,temperature_K\n2.385e-8,1e-6,300\n2.38e-8,1e-5,300\n"
      "2.2e-8,1e-6,250\n",
      "temperature_K\ttime_s\tcapacitance_F\n300\t1e-6\t2.385e-8\n300\t1e-5\t2.38e-8\n"
      "250\t1e-6\t2.2e-8\n",
      "temperature_K;time_s;capacitance_F\r300;1e-6;2.385e-8\r300;1e-5;2.38e-8\r250;1e-6;2.2e-8\r",
      /* a separator after the last field of each row, as some programs write */
      "temperature_K;time_s;capacitance_F\n300;1e-6;2.385e-8;\n300;1e-5;2.38e-8;\n"
      "250;1e-6;2.2e-8;\n",
  };
  for (size_t k = 0; k < 4; k++) {
    write_text(fx->path, TEXTS[k]);
    idr_mdata_spec s = tid_spec();
    idr_mdata d;
    idr_error err;
    idr_error_clear(&err);
    if (idr_mdata_read(fx->path, &s, NULL, &d, &err)) fail_msg("text %zu: %s", k, err.msg);
    assert_int_equal(d.m, 2);
    assert_true(d.group[0] == 300.0 && d.group[1] == 250.0);
    assert_true(d.y[0][0] == 2.385e-8 && d.x[1] == 1e-5);
    assert_int_equal(d.sep, k == 0 ? ',' : k == 1 ? '\t' : ';');
    assert_int_equal(d.n, 3);
    assert_false(d.decimal_comma);
    idr_mdata_free(&d);
  }
}

/* --columns, the unit options, degrees Celsius (UTF-8 and Latin-1 signs). */
static void test_mapping_and_units(void **state) {
  fixture *fx = *state;
  write_text(fx->path, "Kanal 1,Messzeit,Kapazitaet (pF),Temp. (\xC2\xB0"
                       "C)\n"
                       "x,2,47000,26.85\nx,20,46000,26.85\nx,2,45000,-23.15\n");
  idr_mdata_spec s = tid_spec();
  idr_mdata_options o;
  idr_mdata_options_default(&o);
  o.columns = "time_s=Messzeit, capacitance_F=#3,temperature_K=\"Temp. (\xC2\xB0"
              "C)\"";
  o.unit[IDR_Q_TIME] = "us";
  o.unit_option[IDR_Q_TIME] = "--time-unit";
  idr_mdata d;
  idr_error err;
  idr_error_clear(&err);
  if (idr_mdata_read(fx->path, &s, &o, &d, &err)) fail_msg("%s", err.msg);
  assert_true(close_to(d.group[0], 300.0, 1e-14) && close_to(d.group[1], 250.0, 1e-14));
  assert_true(close_to(d.x[1], 20e-6, 1e-14));
  assert_true(close_to(d.y[0][0], 47e-9, 1e-14));
  assert_string_equal(d.unit[IDR_Q_TEMPERATURE], "C");
  idr_mdata_free(&d);

  /* Latin-1 degree and micro signs in headers, found without --columns;
   * an option that contradicts the header wins with a warning. */
  write_text(fx->path, "T (\xB0"
                       "C);t (\xB5s);C (nF)\n26,85;2;47\n26,85;20;46\n");
  idr_mdata_options_default(&o);
  o.unit[IDR_Q_CAPACITANCE] = "pF";
  o.unit_option[IDR_Q_CAPACITANCE] = "--cap-unit";
  s.group = -1;
  if (idr_mdata_read(fx->path, &s, &o, &d, &err)) fail_msg("%s", err.msg);
  assert_true(isnan(d.group[0]));
  assert_true(close_to(d.x[0], 2e-6, 1e-14));
  assert_true(close_to(d.y[0][0], 47e-12, 1e-14));
  assert_int_equal(d.n_warnings, 1);
  assert_non_null(strstr(d.warning[0], "column 'C (nF)' says nF, --cap-unit says pF: read as pF"));
  idr_mdata_free(&d);
}

/* The time window and t <= 0; a C-V table (no groups, negative x, repeats);
 * a C-f-T table with and without the optional conductance. */
/* A unit option over a canonical name (time_s in ms) is obeyed, with a warning. */
static void test_option_over_canonical(void **state) {
  fixture *fx = *state;
  write_text(fx->path, "temperature_K,time_s,capacitance_F\n300,1,1e-8\n300,10,1e-8\n");
  idr_mdata_spec s = tid_spec();
  idr_mdata_options o;
  idr_mdata_options_default(&o);
  o.unit[IDR_Q_TIME] = "ms";
  o.unit_option[IDR_Q_TIME] = "--time-unit";
  idr_mdata d;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_mdata_read(fx->path, &s, &o, &d, &err), IDR_OK);
  assert_true(close_to(d.x[1], 1e-2, 1e-14));
  assert_int_equal(d.n_warnings, 1);
  assert_non_null(strstr(d.warning[0], "column 'time_s' says s, --time-unit says ms: read as ms"));
  idr_mdata_free(&d);
}

static void test_window_cv_cft(void **state) {
  fixture *fx = *state;
  write_text(fx->path, "temperature_K,time_s,capacitance_F\n300,0,1e-8\n300,1e-6,1e-8\n"
                       "300,1e-3,1e-8\n300,1,1e-8\n300,10,1e-8\n");
  idr_mdata_spec s = tid_spec();
  idr_mdata_options o;
  idr_mdata_options_default(&o);
  o.x_min = 1e-5;
  o.x_max = 1.0;
  idr_mdata d;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_mdata_read(fx->path, &s, &o, &d, &err), IDR_OK);
  assert_int_equal(d.n, 2);
  assert_int_equal(d.n_nonpositive, 1);
  assert_int_equal(d.n_outside, 2);
  idr_mdata_free(&d);

  write_text(fx->path, "Bias (mV),Cp (nF)\n-500,30\n0,40\n500,60\n0,41\n");
  idr_mdata_spec cv = {.group = -1, .x = IDR_Q_VOLTAGE, .ny = 1, .y = {IDR_Q_CAPACITANCE}};
  assert_int_equal(idr_mdata_read(fx->path, &cv, NULL, &d, &err), IDR_OK);
  assert_int_equal(d.m, 1);
  assert_int_equal(d.n, 4);
  assert_true(d.x[0] == -0.5 && d.x[1] == 0.0 && d.x[2] == 0.0);
  assert_true(close_to(d.y[0][1], 40e-9, 1e-14) && close_to(d.y[0][2], 41e-9, 1e-14));
  idr_mdata_free(&d);

  idr_mdata_spec cft = {.group = IDR_Q_TEMPERATURE,
                        .x = IDR_Q_FREQUENCY,
                        .ny = 2,
                        .y = {IDR_Q_CAPACITANCE, IDR_Q_CONDUCTANCE},
                        .y_optional = {0, 1},
                        .x_positive = 1,
                        .x_unique = 1};
  write_text(fx->path, "temperature_K,frequency_Hz,capacitance_F,conductance_S\n"
                       "200,1e3,2e-8,1e-7\n200,1e2,2.1e-8,3e-8\n220,1e2,2.2e-8,4e-8\n");
  assert_int_equal(idr_mdata_read(fx->path, &cft, NULL, &d, &err), IDR_OK);
  assert_int_equal(d.m, 2);
  assert_true(d.group[0] == 220.0 && d.x[0] == 100.0 && d.y[1][0] == 4e-8 && d.y[1][1] == 3e-8);
  idr_mdata_free(&d);
  write_text(fx->path, "Temperature (K),f (kHz),C (pF)\n200,1,20000\n200,0.1,21000\n");
  assert_int_equal(idr_mdata_read(fx->path, &cft, NULL, &d, &err), IDR_OK);
  assert_null(d.y[1]);
  assert_true(d.x[1] == 1000.0 && close_to(d.y[0][0], 2.1e-8, 1e-14));
  assert_int_equal(d.field[IDR_Q_CONDUCTANCE], -1);
  idr_mdata_free(&d);
}

/* Implausible magnitudes are warned about, not refused. */
static void test_warnings(void **state) {
  fixture *fx = *state;
  write_text(fx->path, "temperature_K;time_s;capacitance_F\n300;1e-6;45,3\n300;1e-5;45,1\n"
                       "280;1e-6;44\n280;1e-5;44,2\n");
  idr_mdata_spec s = tid_spec();
  idr_mdata d;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_mdata_read(fx->path, &s, NULL, &d, &err), IDR_OK);
  assert_int_equal(d.n_warnings, 1);
  assert_non_null(strstr(d.warning[0], "capacitance_F up to 45.3 F"));
  assert_non_null(strstr(d.warning[0], "not a plausible measurement"));
  idr_mdata_free(&d);
  /* a slow drift chains readings into one group wider than the tolerance */
  write_text(fx->path, "temperature_K,time_s,capacitance_F\n300,1e-6,1e-8\n300.45,1e-5,1e-8\n"
                       "300.9,1e-4,1e-8\n301.35,1e-3,1e-8\n");
  assert_int_equal(idr_mdata_read(fx->path, &s, NULL, &d, &err), IDR_OK);
  assert_int_equal(d.m, 1);
  assert_int_equal(d.n_warnings, 1);
  assert_non_null(strstr(d.warning[0], "spreads +-0.675"));
  idr_mdata_free(&d);
}

typedef struct bad_case {
  const char *name, *text, *columns, *message;
  idr_status status;
} bad_case;

static void test_errors(void **state) {
  fixture *fx = *state;
  static const bad_case CASES[] = {
      {"no separator", "temperature_K time_s capacitance_F\n300 1e-6 1e-8\n", NULL,
       ":1: header 'temperature_K time_s capacitance_F' has no field separator", IDR_ERR_INPUT},
      {"missing column", "Temperature (K);Time (ms);Capacitance\n300;1;1\n", NULL,
       ":1: column 'Capacitance' states no unit; give its unit option", IDR_ERR_INPUT},
      {"lacks column", "temperature_K;time;Cp (nF)\n300;1;1\n", NULL,
       ":1: column 'time' states no unit", IDR_ERR_INPUT},
      {"lacks column, found list", "Temp (K);Zeit (s);Cp (nF)\n300;1;1\n", NULL,
       ":1: header lacks a time_s column (found 3 field(s), separator ';': 'Temp (K)', "
       "'Zeit (s)', 'Cp (nF)'); name it time_s",
       IDR_ERR_INPUT},
      {"unknown unit", "temperature_K,Time (fortnights),capacitance_F\n300,1,1e-8\n", NULL,
       ":1: column 'Time (fortnights)': 'fortnights' is not a unit of time_s", IDR_ERR_INPUT},
      {"unknown unit when mapped", "temperature_K,Time (fortnights),capacitance_F\n300,1,1e-8\n",
       "time_s=Time (fortnights)",
       ":1: column 'Time (fortnights)': 'fortnights' is not a unit of time_s (known: s, ms",
       IDR_ERR_INPUT},
      {"ambiguous", "T (K),t (s),Cp (nF),Cs (nF)\n300,1,1,1\n", NULL,
       ":1: columns 'Cp (nF)' and 'Cs (nF)' both look like capacitance_F; choose one with "
       "--columns capacitance_F=",
       IDR_ERR_INPUT},
      {"decimal comma with commas", "temperature_K,time_s,capacitance_F\n300,0,001,45,3\n", NULL,
       ":2: expected 3 fields separated by ',' (as in the header on line 1), found 5: a decimal "
       "comma in a ','-separated file?",
       IDR_ERR_INPUT},
      {"not a number", "temperature_K;time_s;capacitance_F\n300;1e-6;4.5e-8\n300;x;1e-8\n", NULL,
       ":3: column 'time_s' (field 2): expected a finite number, found 'x'", IDR_ERR_INPUT},
      {"empty field", "temperature_K;time_s;capacitance_F\n300;;1e-8\n", NULL,
       ":2: column 'time_s' (field 2): expected a finite number, found an empty field",
       IDR_ERR_INPUT},
      {"celsius read as K", "temperature_K,time_s,capacitance_F\n-20,1e-6,1e-8\n", NULL,
       ":2: temperature -20 K is not above absolute zero", IDR_ERR_INPUT},
      {"repeated time", "temperature_K,time_s,capacitance_F\n300,1e-6,1e-8\n300.1,1e-6,2e-8\n",
       NULL, ":3: time_s = 1e-06 repeats line 2 in the curve at temperature_K = 300.05",
       IDR_ERR_INPUT},
      {"no rows left", "temperature_K,time_s,capacitance_F\n300,0,1e-8\n", NULL,
       ": no row left: 1 row(s) with time_s <= 0", IDR_ERR_INPUT},
      {"no rows", "temperature_K,time_s,capacitance_F\n# nothing\n", NULL,
       ":1: expected data rows after the header, found none", IDR_ERR_INPUT},
      {"empty", "# only a comment\n\n", NULL, ": expected a header line, found an empty file",
       IDR_ERR_INPUT},
      {"unknown quantity", "a,b,c\n1,2,3\n", "temp=a",
       "--columns: unknown quantity 'temp' (known: temperature_K", IDR_ERR_INPUT},
      {"not read", "a,b,c\n1,2,3\n", "voltage_V=a", "--columns: voltage_V is not read",
       IDR_ERR_INPUT},
      {"no such mapped column", "a,b,c\n1,2,3\n", "time_s=Time (ms)",
       ":1: --columns time_s='Time (ms)': no such column in the header (found: 'a', 'b', 'c')",
       IDR_ERR_INPUT},
      {"bad field number", "a,b,c\n1,2,3\n", "time_s=#4", "fields #1..#3", IDR_ERR_INPUT},
      {"not an item", "a,b,c\n1,2,3\n", "time_s", "'time_s' is not quantity=Header", IDR_ERR_INPUT},
  };
  idr_mdata_spec s = tid_spec();
  for (size_t k = 0; k < sizeof CASES / sizeof CASES[0]; k++) {
    const bad_case *c = &CASES[k];
    write_text(fx->path, c->text);
    idr_mdata_options o;
    idr_mdata_options_default(&o);
    o.columns = c->columns;
    idr_mdata d;
    idr_error err;
    idr_error_clear(&err);
    idr_status st = idr_mdata_read(fx->path, &s, &o, &d, &err);
    if (st != c->status || !strstr(err.msg, c->message))
      fail_msg("case '%s': status %d, message '%s'", c->name, (int)st, err.msg);
    if (!c->columns && !strstr(err.msg, fx->path)) fail_msg("case '%s': no path", c->name);
    assert_null(d.x);
    assert_int_equal(d.n, 0);
  }
}

/* UTF-16, NUL bytes, a missing file, a bad unit option. */
static void test_file_errors(void **state) {
  fixture *fx = *state;
  idr_mdata_spec s = tid_spec();
  idr_mdata d;
  idr_error err;
  idr_error_clear(&err);
  write_bytes(fx->path, "\xFF\xFEt\0e\0", 6);
  assert_int_equal(idr_mdata_read(fx->path, &s, NULL, &d, &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "UTF-16"));
  idr_error_clear(&err);
  write_bytes(fx->path, "a,b\n1,\0002\n", 9);
  assert_int_equal(idr_mdata_read(fx->path, &s, NULL, &d, &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, ":2: expected text, found a NUL byte"));
  char missing[700];
  snprintf(missing, sizeof missing, "%s/absent.csv", fx->dir);
  idr_error_clear(&err);
  assert_int_equal(idr_mdata_read(missing, &s, NULL, &d, &err), IDR_ERR_IO);
  assert_non_null(strstr(err.msg, missing));
  write_text(fx->path, "temperature_K,time_s,capacitance_F\n300,1,1\n");
  idr_mdata_options o;
  idr_mdata_options_default(&o);
  o.unit[IDR_Q_CAPACITANCE] = "nanofarad";
  o.unit_option[IDR_Q_CAPACITANCE] = "--cap-unit";
  idr_error_clear(&err);
  assert_int_equal(idr_mdata_read(fx->path, &s, &o, &d, &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "'nanofarad' is not a unit of capacitance_F (known: F, mF"));
  assert_non_null(strstr(err.msg, "--cap-unit"));
}

static void test_units(void **state) {
  (void)state;
  static const struct {
    idr_quantity q;
    const char *unit;
    double v, si;
  } CASES[] = {
      {IDR_Q_TEMPERATURE, "C", 26.85, 300.0},
      {IDR_Q_TEMPERATURE,
       "\xC2\xB0"
       "C",
       -73.15, 200.0},
      {IDR_Q_TEMPERATURE, "mK", 4200.0, 4.2},
      {IDR_Q_TIME, "ms", 2.5, 2.5e-3},
      {IDR_Q_TIME, "\xCE\xBCs", 3.0, 3e-6},
      {IDR_Q_TIME, "min", 2.0, 120.0},
      {IDR_Q_FREQUENCY, "kHz", 10.0, 1e4},
      {IDR_Q_VOLTAGE, "mV", -250.0, -0.25},
      {IDR_Q_CAPACITANCE, "pF", 47.0, 47e-12},
      {IDR_Q_CAPACITANCE,
       "\xB5"
       "F",
       1.5, 1.5e-6},
      {IDR_Q_CONDUCTANCE, "uS", 2.0, 2e-6},
  };
  for (size_t k = 0; k < sizeof CASES / sizeof CASES[0]; k++) {
    double a, b;
    idr_error err;
    idr_error_clear(&err);
    assert_int_equal(idr_unit_to_si(CASES[k].q, CASES[k].unit, &a, &b, &err), IDR_OK);
    if (!close_to(a * CASES[k].v + b, CASES[k].si, 1e-12))
      fail_msg("%s: %g -> %g", CASES[k].unit, CASES[k].v, a * CASES[k].v + b);
  }
  double a, b;
  assert_int_equal(idr_unit_to_si(IDR_Q_TIME, "K", &a, &b, NULL), IDR_ERR_INPUT);
  assert_int_equal(idr_quantity_from_name("frequency_Hz"), IDR_Q_FREQUENCY);
  assert_int_equal(idr_quantity_from_name("frequency"), -1);
  assert_string_equal(idr_quantity_name(IDR_Q_CONDUCTANCE), "conductance_S");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_lab_export, setup, teardown),
      cmocka_unit_test_setup_teardown(test_separators_and_order, setup, teardown),
      cmocka_unit_test_setup_teardown(test_mapping_and_units, setup, teardown),
      cmocka_unit_test_setup_teardown(test_option_over_canonical, setup, teardown),
      cmocka_unit_test_setup_teardown(test_window_cv_cft, setup, teardown),
      cmocka_unit_test_setup_teardown(test_warnings, setup, teardown),
      cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_file_errors, setup, teardown),
      cmocka_unit_test(test_units),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

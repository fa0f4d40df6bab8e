/*
 * Examples double as regression tests: compare the output of an example's
 * command with the expected output stored beside it (examples/expected/).
 *
 * Usage: expect_check EXPECTED ACTUAL [DOC...]
 *
 * The two texts must have the same lines; within a line the text between
 * numbers must be equal, and the numbers must agree within a relative
 * tolerance of EXPECT_RTOL (2e-3: the physics of another compiler or CPU
 * moves the last printed digits, a stale figure moves more). Numbers that
 * describe the machine rather than the physics are not compared: those
 * followed by one of VOLATILE (wall times, thread counts, IDA step and
 * evaluation counts); absolute differences below EXPECT_ATOL (round-off
 * such as an ion-number drift of 4e-16) are equal. The expected text must
 * appear verbatim in each DOC, so the documentation shows what the program
 * prints.
 * Prints the first difference and exits 1 when the texts differ.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT_RTOL 2e-3
#define EXPECT_ATOL 1e-12

static const char *const VOLATILE[] = {" s wall",      " ms wall",         " threads",
                                       " IDA steps",   " residuals",       " Jacobians",
                                       " conv. fails", " error-test fails"};

static int volatile_number(const char *after) {
  for (size_t k = 0; k < sizeof VOLATILE / sizeof VOLATILE[0]; k++)
    if (strncmp(after, VOLATILE[k], strlen(VOLATILE[k])) == 0) return 1;
  return 0;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "expect_check: cannot open %s\n", path);
    return NULL;
  }
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) break;
    n += fread(buf + n, 1, cap - n - 1, f);
    if (n < cap - 1) break;
    char *grown = realloc(buf, 2 * cap);
    if (!grown) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = grown;
    cap *= 2;
  }
  fclose(f);
  if (buf) buf[n] = '\0';
  return buf;
}

/* A number starts here (not inside a word like "x0.025" or "V21")? */
static int number_at(const char *s, const char *line_start) {
  const char *p = s;
  if (*p == '+' || *p == '-') p++;
  if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1]))) return 0;
  return s == line_start || !(isalnum((unsigned char)s[-1]) || s[-1] == '_' || s[-1] == '.');
}

/* Compare one line; returns 0 when equal within the tolerance. */
static int compare_line(const char *e, const char *a, char *why, size_t size) {
  const char *e0 = e, *a0 = a;
  while (*e || *a) {
    const char *ee = e;
    if (number_at(ee, e0) && number_at(a, a0)) {
      char *end_e, *end_a;
      double x = strtod(ee, &end_e), y = strtod(a, &end_a);
      int skip = volatile_number(end_e) && volatile_number(end_a);
      if (!skip && !(fabs(x - y) <= EXPECT_RTOL * fabs(x) + EXPECT_ATOL)) {
        snprintf(why, size, "%.*s expected, %.*s found", (int)(end_e - ee), ee, (int)(end_a - a),
                 a);
        return 1;
      }
      e = end_e;
      a = end_a;
      continue;
    }
    if (*ee != *a) {
      snprintf(why, size, "text differs at '%.30s' (expected '%.30s')", a, ee);
      return 1;
    }
    e = ee + 1;
    a++;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s EXPECTED ACTUAL [DOC...]\n", argv[0]);
    return 2;
  }
  char *exp = slurp(argv[1]), *act = slurp(argv[2]);
  if (!exp || !act) return 2;
  int bad = 0, line = 1;
  char *se = NULL, *sa = NULL;
  char *le = strtok_r(exp, "\n", &se), *la = strtok_r(act, "\n", &sa);
  for (; le || la; line++) {
    char why[256];
    if (!le || !la) {
      printf("line %d: %s\n", line, le ? "missing in the output" : "extra in the output");
      bad = 1;
      break;
    }
    if (compare_line(le, la, why, sizeof why)) {
      printf("line %d: %s\n  expected: %s\n  found:    %s\n", line, why, le, la);
      bad = 1;
    }
    le = strtok_r(NULL, "\n", &se);
    la = strtok_r(NULL, "\n", &sa);
  }
  free(exp);
  free(act);
  for (int k = 3; k < argc; k++) {
    char *ex = slurp(argv[1]), *doc = slurp(argv[k]);
    if (!ex || !doc) return 2;
    if (!strstr(doc, ex)) {
      printf("%s does not show the expected output of %s verbatim\n", argv[k], argv[1]);
      bad = 1;
    }
    free(ex);
    free(doc);
  }
  printf("%s: %s\n", argv[1], bad ? "DIFFERS" : "matches");
  return bad;
}

/*
 * App tests: shared check helpers (see app_check.h). A check program is
 * single-threaded, so the failure count is one counter of the program.
 */
#define _POSIX_C_SOURCE 200809L

#include "app_check.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static int n_fail = 0;

void app_check(int ok, const char *what) {
  printf("%s %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok) n_fail++;
}

int app_check_failures(void) {
  return n_fail;
}

int app_run(const char *cmd, char *out, size_t size) {
  out[0] = '\0';
  FILE *p = popen(cmd, "r");
  if (!p) return -1;
  size_t n = fread(out, 1, size - 1, p);
  out[n] = '\0';
  int st = pclose(p);
  return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

double app_json_get(const char *json, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *s = strstr(json, pat);
  double v = NAN;
  if (!s || sscanf(s + strlen(pat), "%lf", &v) != 1) return NAN;
  return v;
}

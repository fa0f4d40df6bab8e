/*
 * Validation harness: see harness.h.
 */
#include "harness.h"

#include <math.h>
#include <stdio.h>

void idr_vcase_begin(idr_vcase *vc, const char *name, const char *law) {
  vc->name = name;
  vc->passed = 0;
  vc->failed = 0;
  printf("== %s: %s\n", name, law);
}

static int record(idr_vcase *vc, int ok) {
  if (ok)
    vc->passed++;
  else
    vc->failed++;
  return ok;
}

int idr_vcheck_rel(idr_vcase *vc, const char *what, double got, double want, double rel_tol) {
  double rel = fabs(got - want) / fmax(fabs(want), 1e-300);
  int ok = isfinite(got) && rel <= rel_tol;
  printf("  [%s] %s: got %.8g, expected %.8g, rel. error %.3g (tolerance %.3g)\n",
         ok ? "PASS" : "FAIL", what, got, want, rel, rel_tol);
  return record(vc, ok);
}

int idr_vcheck_abs(idr_vcase *vc, const char *what, double got, double want, double abs_tol) {
  double d = fabs(got - want);
  int ok = isfinite(got) && d <= abs_tol;
  printf("  [%s] %s: got %.8g, expected %.8g, abs. error %.3g (tolerance %.3g)\n",
         ok ? "PASS" : "FAIL", what, got, want, d, abs_tol);
  return record(vc, ok);
}

int idr_vcheck_le(idr_vcase *vc, const char *what, double got, double limit) {
  int ok = isfinite(got) && got <= limit;
  printf("  [%s] %s: %.6g <= %.6g\n", ok ? "PASS" : "FAIL", what, got, limit);
  return record(vc, ok);
}

int idr_vcheck_ge(idr_vcase *vc, const char *what, double got, double limit) {
  int ok = isfinite(got) && got >= limit;
  printf("  [%s] %s: %.6g >= %.6g\n", ok ? "PASS" : "FAIL", what, got, limit);
  return record(vc, ok);
}

int idr_vcheck_true(idr_vcase *vc, const char *what, int ok) {
  printf("  [%s] %s\n", ok ? "PASS" : "FAIL", what);
  return record(vc, ok);
}

int idr_vcase_end(idr_vcase *vc) {
  printf("%s: %d passed, %d failed\n", vc->name, vc->passed, vc->failed);
  return vc->failed == 0 ? 0 : 1;
}

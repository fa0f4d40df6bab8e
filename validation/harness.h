/*
 * Validation harness shared by every case in validation/: named checks that
 * print the measured value beside the law's value and the stated tolerance,
 * and a closing "N passed, N failed" line. A case's exit status is non-zero
 * when any check failed.
 */
#ifndef IDR_VHARNESS_H
#define IDR_VHARNESS_H

typedef struct idr_vcase {
  const char *name;
  int passed;
  int failed;
} idr_vcase;

void idr_vcase_begin(idr_vcase *vc, const char *name, const char *law);
/* |got - want| <= rel_tol * |want|. */
int idr_vcheck_rel(idr_vcase *vc, const char *what, double got, double want, double rel_tol);
/* |got - want| <= abs_tol. */
int idr_vcheck_abs(idr_vcase *vc, const char *what, double got, double want, double abs_tol);
/* got <= limit. */
int idr_vcheck_le(idr_vcase *vc, const char *what, double got, double limit);
/* got >= limit. */
int idr_vcheck_ge(idr_vcase *vc, const char *what, double got, double limit);
/* A boolean condition with a description. */
int idr_vcheck_true(idr_vcase *vc, const char *what, int ok);
/* Prints the closing line; returns the process exit status (0 = all passed). */
int idr_vcase_end(idr_vcase *vc);

#endif

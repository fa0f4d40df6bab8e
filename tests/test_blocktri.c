/*
 * Unit tests of the block-tridiagonal linear solver of solver/ (blocktri.c)
 * against KLU on transient Jacobians dF/dy + cj dF/dy' of the example deck
 * (4 unknowns per absorber node) and of the same stack with a second ionic
 * species and a Gaussian trap band (10 unknowns per absorber node: the 5
 * trap levels eliminated per node, a core of 5), at the equilibrium and at a
 * perturbed state, for cj from
 * picosecond steps down to 1/s. Checks, for each system: the componentwise
 * backward error max_r |A x - b|_r / (|A| |x| + |b|)_r and the difference
 * from KLU's solution relative to its largest entry. A singular Jacobian is
 * reported, not divided by.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "blocktri.h"
#include "idr_config.h"
#include "idr_physics.h"
#include "idr_solver.h"

#include <klu.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Componentwise backward error allowed. Measured on these cases: <= 1e-13
 * on the tanh mesh of 0.2 nm at the interfaces, up to 3.6e-12 (cj = 1/s,
 * perturbed state at 0.62 V) on the graded default mesh whose spacing starts
 * at 0.05 nm (KLU, which pivots across nodes: <= 2e-15 there); the
 * reproduction deck at 200 K reached ~4e-10 (docs/deck.md solver.linear).
 * Newton's iteration absorbs either. */
static const double BT_TEST_BACKWARD_TOL = 1e-11;
/* Difference from KLU's solution allowed, relative to its largest entry: with cj = 1/s
 * the ion-number mode is nearly singular (cond ~ 1e8), so both solutions
 * carry up to ~5e-9 of their size (measured 4.6e-9); at cj = 2.4e12/s they
 * agree to ~1e-12. */
static const double BT_TEST_DIFF_TOL = 5e-8;

static double urand(unsigned long long *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*s >> 11) / 9007199254740992.0;
}

static void load_example(idr_deck *deck, int extended) {
  idr_error err;
  idr_error_clear(&err);
  int st = idr_deck_load(IDR_SOURCE_DIR "/examples/fapbi3_pin.yaml", NULL, 0, IDR_MATERIALS_DIR,
                         deck, &err);
  if (st) fprintf(stderr, "%s\n", err.msg);
  assert_int_equal(st, IDR_OK);
  if (!extended) return;
  /* a cation beside the anion and a Gaussian donor band of 5 levels */
  deck->ions[1] = deck->ions[0];
  snprintf(deck->ions[1].name, sizeof deck->ions[1].name, "cation");
  deck->ions[1].z = +1;
  deck->ions[1].density_cm3 = 2.385e15;
  deck->n_ions = 2;
  idr_trap_spec *t = &deck->traps[0];
  memset(t, 0, sizeof *t);
  snprintf(t->name, sizeof t->name, "band");
  t->layer = 1;
  t->type = IDR_TRAP_DONOR;
  t->ref = IDR_EREF_EC;
  t->E_eV = 0.71;
  t->density_cm3 = 3e15;
  t->c_n_cm3_s = 2e-9;
  t->c_p_cm3_s = 1e-8;
  t->sigma_E_eV = 0.05;
  t->levels = 5;
  deck->n_traps = 1;
}

/* Solve A x = b with the block solver and with KLU; check both measures. */
static void compare_with_klu(const idr_device *d, const double *Jx, const char *label) {
  const long n = d->n_unknowns;
  double *x = malloc((size_t)n * sizeof *x), *xk = malloc((size_t)n * sizeof *xk);
  double *b = malloc((size_t)n * sizeof *b), *Ax = calloc((size_t)n, sizeof *Ax);
  double *Aa = calloc((size_t)n, sizeof *Aa);
  long *cp = malloc(((size_t)n + 1) * sizeof *cp), *ri = malloc((size_t)d->nnz * sizeof *ri);
  assert_non_null(x);
  assert_non_null(xk);
  assert_non_null(b);
  assert_non_null(Ax);
  assert_non_null(Aa);
  assert_non_null(cp);
  assert_non_null(ri);
  memcpy(cp, d->colptr, ((size_t)n + 1) * sizeof *cp);
  memcpy(ri, d->rowind, (size_t)d->nnz * sizeof *ri);
  unsigned long long seed = 2385;
  for (long i = 0; i < n; i++)
    b[i] = 2.0 * urand(&seed) - 1.0;
  memcpy(x, b, (size_t)n * sizeof *x);
  memcpy(xk, b, (size_t)n * sizeof *xk);

  idr_blocktri *bt = idr_blocktri_alloc(d);
  assert_non_null(bt);
  assert_int_equal(idr_blocktri_factor(bt, Jx), 0);
  idr_blocktri_solve(bt, x);
  idr_blocktri_free(&bt);
  assert_null(bt);

  klu_l_common c;
  assert_true(klu_l_defaults(&c));
  klu_l_symbolic *sym = klu_l_analyze(n, cp, ri, &c);
  assert_non_null(sym);
  klu_l_numeric *num = klu_l_factor(cp, ri, (double *)Jx, sym, &c);
  assert_non_null(num);
  assert_true(klu_l_solve(sym, num, n, 1, xk, &c));

  for (long col = 0; col < n; col++)
    for (long q = d->colptr[col]; q < d->colptr[col + 1]; q++) {
      Ax[d->rowind[q]] += Jx[q] * x[col];
      Aa[d->rowind[q]] += fabs(Jx[q] * x[col]);
    }
  double berr = 0.0, dmax = 0.0, xmax = 0.0;
  for (long i = 0; i < n; i++) {
    berr = idr_max_abs(berr, (Ax[i] - b[i]) / (Aa[i] + fabs(b[i])));
    dmax = idr_max_abs(dmax, x[i] - xk[i]);
    xmax = idr_max_abs(xmax, xk[i]);
  }
  double kb = 0.0;
  {
    double *Ak = calloc((size_t)n, sizeof *Ak), *Ka = calloc((size_t)n, sizeof *Ka);
    for (long col = 0; col < n; col++)
      for (long q = d->colptr[col]; q < d->colptr[col + 1]; q++) {
        Ak[d->rowind[q]] += Jx[q] * xk[col];
        Ka[d->rowind[q]] += fabs(Jx[q] * xk[col]);
      }
    for (long i = 0; i < n; i++)
      kb = fmax(kb, fabs(Ak[i] - b[i]) / (Ka[i] + fabs(b[i])));
    free(Ak);
    free(Ka);
  }
  printf("  %-44s backward error %.2e (KLU %.2e), |x - x_klu| / max|x_klu| %.2e\n", label, berr, kb,
         dmax / xmax);
  assert_true(berr <= BT_TEST_BACKWARD_TOL);
  assert_true(dmax <= BT_TEST_DIFF_TOL * xmax);

  klu_l_free_numeric(&num, &c);
  klu_l_free_symbolic(&sym, &c);
  free(x);
  free(xk);
  free(b);
  free(Ax);
  free(Aa);
  free(cp);
  free(ri);
}

static void check_deck(int extended) {
  idr_deck deck;
  load_example(&deck, extended);
  idr_error err;
  idr_error_clear(&err);
  idr_mesh *m = NULL;
  idr_device *d = NULL;
  assert_int_equal(idr_mesh_build(&deck, &m, &err), IDR_OK);
  assert_int_equal(idr_device_build(&deck, m, 287.3, &d, &err), IDR_OK);
  const int n = d->n_unknowns;
  double *y = malloc((size_t)n * sizeof *y), *Jx = malloc((size_t)d->nnz * sizeof *Jx);
  assert_non_null(y);
  assert_non_null(Jx);
  idr_eq_stats es;
  assert_int_equal(idr_equilibrium(d, y, &es, &err), IDR_OK);
  const double cjs[3] = {2.385e12, 2.385e4, 1.0}; /* 1/h [1/s]: ps, 40 us and 1 s steps */
  for (int pert = 0; pert < 2; pert++) {
    if (pert) {
      /* away from equilibrium: densities x exp(+-0.7), potentials +-0.8 V_T */
      unsigned long long seed = 4711;
      for (int u = 0; u < n; u++) {
        double r = 2.0 * urand(&seed) - 1.0;
        if (d->positive[u] > 0)
          y[u] *= exp(0.7 * r);
        else if (d->iphi[d->node_of[u]] == u)
          y[u] += 0.8 * r;
        else
          y[u] = 0.05 + 0.9 * urand(&seed);
      }
    }
    idr_bias b = {pert ? 0.62 : 0.0, 0.0};
    for (int k = 0; k < 3; k++) {
      char label[96];
      snprintf(label, sizeof label, "%s, %s, cj = %.3g/s", extended ? "2 ions + traps" : "example",
               pert ? "perturbed, 0.62 V" : "equilibrium", cjs[k]);
      assert_int_equal(idr_jacobian(d, &b, y, cjs[k], Jx), 0);
      compare_with_klu(d, Jx, label);
    }
  }
  free(y);
  free(Jx);
  idr_device_free(&d);
  idr_mesh_free(&m);
  idr_deck_free(&deck);
}

static void test_example_deck(void **state) {
  (void)state;
  check_deck(0);
}

static void test_generic_blocks(void **state) {
  (void)state;
  check_deck(1);
}

/* A zero Jacobian is singular in its first block: reported, no NaN. */
static void test_singular(void **state) {
  (void)state;
  idr_deck deck;
  load_example(&deck, 0);
  idr_error err;
  idr_error_clear(&err);
  idr_mesh *m = NULL;
  idr_device *d = NULL;
  assert_int_equal(idr_mesh_build(&deck, &m, &err), IDR_OK);
  assert_int_equal(idr_device_build(&deck, m, 300.0, &d, &err), IDR_OK);
  double *Jx = calloc((size_t)d->nnz, sizeof *Jx);
  assert_non_null(Jx);
  idr_blocktri *bt = idr_blocktri_alloc(d);
  assert_non_null(bt);
  assert_int_equal(idr_blocktri_factor(bt, Jx), 1);
  Jx[0] = NAN;
  assert_int_equal(idr_blocktri_factor(bt, Jx), 1);
  /* a valid Jacobian (equilibrium, cj = 1e6 1/s) factors; one NaN in a
   * sub-diagonal block (rows of node 5, columns of node 4: it never reaches
   * a pivot) or in a diagonal block is refused */
  double *y = malloc((size_t)d->n_unknowns * sizeof *y);
  assert_non_null(y);
  idr_eq_stats es;
  assert_int_equal(idr_equilibrium(d, y, &es, &err), IDR_OK);
  idr_bias b0 = {0.0, 0.0};
  assert_int_equal(idr_jacobian(d, &b0, y, 1e6, Jx), 0);
  assert_int_equal(idr_blocktri_factor(bt, Jx), 0);
  long qL = idr_device_csc_pos(d, d->off[5], d->off[4]);
  long qD = idr_device_csc_pos(d, d->off[7] + 1, d->off[7]);
  assert_true(qL >= 0 && qD >= 0);
  double keep = Jx[qL];
  Jx[qL] = NAN;
  assert_int_equal(idr_blocktri_factor(bt, Jx), 1);
  Jx[qL] = keep;
  keep = Jx[qD];
  Jx[qD] = INFINITY;
  assert_int_equal(idr_blocktri_factor(bt, Jx), 1);
  Jx[qD] = keep;
  assert_int_equal(idr_blocktri_factor(bt, Jx), 0);
  free(y);
  idr_blocktri_free(&bt);
  idr_blocktri_free(&bt); /* NULL-safe */
  free(Jx);
  idr_device_free(&d);
  idr_mesh_free(&m);
  idr_deck_free(&deck);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_example_deck),
      cmocka_unit_test(test_generic_blocks),
      cmocka_unit_test(test_singular),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

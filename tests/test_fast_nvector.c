/*
 * Unit test of solver/fast_nvector.c: each of the 12 serial N_Vector
 * operations it replaces against SUNDIALS' own serial implementation, on
 * vectors of 1 .. 1567 entries (every remainder of the unrolled loops) with
 * values over 40 orders of magnitude, both signs and exact zeros.
 * Element-wise operations (const, abs, inv, scale, constraint mask, max
 * norm) must agree bit for bit; sums agree to the rounding of a different
 * order of addition: |fast - serial| <= n eps sum|terms| (the norms add in
 * 2 or 4 partial sums; SUNDIALS' linear sum computes a (x + y) when a = b).
 * A NaN entry must reach the norms of both (a NaN is a failure, never a
 * pass); the max norm skips it in both (SUNDIALS: `if (|x| > max)`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "fast_nvector.h"

#include <float.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_context.h>

#define EPS DBL_EPSILON

typedef struct pair {
  N_Vector ref, fast; /* the same values; ref has SUNDIALS' ops, fast ours */
} pair;

typedef struct bench {
  SUNContext ctx;
  sunindextype n;
  pair x, y, w, c, id, z, m;
  uint64_t rng;
} bench;

static double unit(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return (double)(z >> 11) * 0x1.0p-53;
}

/* A value over 40 decades, either sign, sometimes exactly 0. */
static double wide(uint64_t *s) {
  double u = unit(s);
  if (u < 0.05) return 0.0;
  double mag = pow(10.0, -20.0 + 40.0 * unit(s));
  return unit(s) < 0.5 ? -mag : mag;
}

static void pair_new(bench *b, pair *p) {
  p->ref = N_VNew_Serial(b->n, b->ctx);
  p->fast = N_VNew_Serial(b->n, b->ctx);
  assert_non_null(p->ref);
  assert_non_null(p->fast);
  idr_nvector_use_fast_ops(p->fast);
}

static void pair_free(pair *p) {
  N_VDestroy(p->ref);
  N_VDestroy(p->fast);
}

/* Fill both vectors of p with the same values from gen. */
static void pair_fill(bench *b, pair *p, double (*gen)(uint64_t *)) {
  double *r = N_VGetArrayPointer(p->ref), *f = N_VGetArrayPointer(p->fast);
  for (sunindextype i = 0; i < b->n; i++)
    r[i] = f[i] = gen(&b->rng);
}

static double positive(uint64_t *s) {
  return pow(10.0, -10.0 + 20.0 * unit(s));
}
static double mask01(uint64_t *s) {
  return unit(s) < 0.3 ? 0.0 : 1.0;
}
static double constraint(uint64_t *s) {
  static const double c[] = {-2.0, -1.0, 0.0, 1.0, 2.0};
  return c[(int)(5.0 * unit(s))];
}
static double nonzero(uint64_t *s) {
  double v = wide(s);
  return v != 0.0 ? v : 2.385;
}

static void bench_setup(bench *b, sunindextype n) {
  memset(b, 0, sizeof *b);
  assert_int_equal(SUNContext_Create(NULL, &b->ctx), 0);
  b->n = n;
  b->rng = 2385u + (uint64_t)n;
  pair *all[] = {&b->x, &b->y, &b->w, &b->c, &b->id, &b->z, &b->m};
  for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
    pair_new(b, all[k]);
  pair_fill(b, &b->x, wide);
  pair_fill(b, &b->y, wide);
  pair_fill(b, &b->w, positive);
  pair_fill(b, &b->c, constraint);
  pair_fill(b, &b->id, mask01);
}

static void bench_teardown(bench *b) {
  pair *all[] = {&b->x, &b->y, &b->w, &b->c, &b->id, &b->z, &b->m};
  for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
    pair_free(all[k]);
  SUNContext_Free(&b->ctx);
}

/* z of the pair equal bit for bit (NaNs in the same places). */
static void assert_same_bits(const bench *b, const pair *p, const char *op) {
  const double *r = N_VGetArrayPointer(p->ref), *f = N_VGetArrayPointer(p->fast);
  for (sunindextype i = 0; i < b->n; i++)
    if (memcmp(&r[i], &f[i], sizeof r[i]) != 0) {
      printf("  %s, n = %ld: entry %ld: serial %.17g, fast %.17g\n", op, (long)b->n, (long)i, r[i],
             f[i]);
      fail();
    }
}

/* |a - b| <= tol, a NaN on either side failing unless both are NaN. */
static void assert_close(double ref, double fast, double tol, const char *op, long n) {
  if (isnan(ref) && isnan(fast)) return;
  if (!(fabs(fast - ref) <= tol)) {
    printf("  %s, n = %ld: serial %.17g, fast %.17g, tolerance %.3g\n", op, n, ref, fast, tol);
    fail();
  }
}

static void check_elementwise(bench *b) {
  N_VConst(-2.385, b->z.ref);
  N_VConst(-2.385, b->z.fast);
  assert_same_bits(b, &b->z, "N_VConst");
  N_VAbs(b->x.ref, b->z.ref);
  N_VAbs(b->x.fast, b->z.fast);
  assert_same_bits(b, &b->z, "N_VAbs");
  N_VScale(-7.25e-3, b->x.ref, b->z.ref);
  N_VScale(-7.25e-3, b->x.fast, b->z.fast);
  assert_same_bits(b, &b->z, "N_VScale");
  pair nz;
  pair_new(b, &nz);
  pair_fill(b, &nz, nonzero);
  N_VInv(nz.ref, b->z.ref);
  N_VInv(nz.fast, b->z.fast);
  assert_same_bits(b, &b->z, "N_VInv");
  pair_free(&nz);
  booleantype okr = N_VConstrMask(b->c.ref, b->x.ref, b->m.ref);
  booleantype okf = N_VConstrMask(b->c.fast, b->x.fast, b->m.fast);
  assert_int_equal(okr, okf);
  assert_same_bits(b, &b->m, "N_VConstrMask");
  assert_true(N_VMaxNorm(b->x.ref) == N_VMaxNorm(b->x.fast));
}

static void check_linear(bench *b) {
  /* SUNDIALS special-cases a, b in {1, -1} and a = b; ours is one formula */
  const double ab[][2] = {{1.0, 1.0},  {1.0, -1.0}, {-1.0, 1.0}, {2.385, 2.385},
                          {0.5, -3e7}, {-1.0, 0.0}, {0.0, 4.5}};
  for (size_t k = 0; k < sizeof ab / sizeof ab[0]; k++) {
    N_VLinearSum(ab[k][0], b->x.ref, ab[k][1], b->y.ref, b->z.ref);
    N_VLinearSum(ab[k][0], b->x.fast, ab[k][1], b->y.fast, b->z.fast);
    const double *x = N_VGetArrayPointer(b->x.ref), *y = N_VGetArrayPointer(b->y.ref);
    const double *r = N_VGetArrayPointer(b->z.ref), *f = N_VGetArrayPointer(b->z.fast);
    for (sunindextype i = 0; i < b->n; i++)
      assert_close(r[i], f[i], 2.0 * EPS * (fabs(ab[k][0] * x[i]) + fabs(ab[k][1] * y[i])),
                   "N_VLinearSum", (long)b->n);
  }
  /* linear combinations of 1, 2 and 4 vectors, out of place and in place */
  for (int nv = 1; nv <= 4; nv *= 2) {
    for (int in_place = 0; in_place < 2; in_place++) {
      realtype cv[4] = {1.5, -2.0, 3e-5, 7.0};
      N_Vector Xr[4] = {b->x.ref, b->y.ref, b->w.ref, b->c.ref};
      N_Vector Xf[4] = {b->x.fast, b->y.fast, b->w.fast, b->c.fast};
      pair zc;
      pair_new(b, &zc);
      pair_fill(b, &zc, wide);
      if (in_place) {
        Xr[0] = zc.ref;
        Xf[0] = zc.fast;
      }
      double *z0 = malloc((size_t)b->n * sizeof *z0);
      assert_non_null(z0);
      memcpy(z0, N_VGetArrayPointer(Xr[0]), (size_t)b->n * sizeof *z0);
      N_Vector outr = in_place ? zc.ref : b->z.ref, outf = in_place ? zc.fast : b->z.fast;
      assert_int_equal(N_VLinearCombination(nv, cv, Xr, outr), 0);
      assert_int_equal(N_VLinearCombination(nv, cv, Xf, outf), 0);
      const double *r = N_VGetArrayPointer(outr), *f = N_VGetArrayPointer(outf);
      for (sunindextype i = 0; i < b->n; i++) {
        double mag = fabs(cv[0] * z0[i]);
        for (int k = 1; k < nv; k++)
          mag += fabs(cv[k] * N_VGetArrayPointer(Xr[k])[i]);
        assert_close(r[i], f[i], 2.0 * nv * EPS * mag, "N_VLinearCombination", (long)b->n);
      }
      free(z0);
      pair_free(&zc);
    }
  }
}

static void check_norms(bench *b) {
  const double *x = N_VGetArrayPointer(b->x.ref), *w = N_VGetArrayPointer(b->w.ref);
  const double *id = N_VGetArrayPointer(b->id.ref);
  double s = 0.0, sm = 0.0;
  for (sunindextype i = 0; i < b->n; i++) {
    s += (x[i] * w[i]) * (x[i] * w[i]);
    if (id[i] > 0) sm += (x[i] * w[i]) * (x[i] * w[i]);
  }
  const double tol = (double)(b->n + 4) * EPS;
  const long n = (long)b->n;
  assert_close(N_VWrmsNorm(b->x.ref, b->w.ref), N_VWrmsNorm(b->x.fast, b->w.fast),
               tol * sqrt(s / (double)b->n), "N_VWrmsNorm", n);
  assert_close(N_VWrmsNormMask(b->x.ref, b->w.ref, b->id.ref),
               N_VWrmsNormMask(b->x.fast, b->w.fast, b->id.fast), tol * sqrt(sm / (double)b->n),
               "N_VWrmsNormMask", n);
  assert_close(N_VWSqrSumLocal(b->x.ref, b->w.ref), N_VWSqrSumLocal(b->x.fast, b->w.fast), tol * s,
               "N_VWSqrSumLocal", n);
  assert_close(N_VWSqrSumMaskLocal(b->x.ref, b->w.ref, b->id.ref),
               N_VWSqrSumMaskLocal(b->x.fast, b->w.fast, b->id.fast), tol * sm,
               "N_VWSqrSumMaskLocal", n);
  /* a NaN entry reaches both norms (and both max norms skip it) */
  const sunindextype k = b->n / 2;
  N_VGetArrayPointer(b->x.ref)[k] = NAN;
  N_VGetArrayPointer(b->x.fast)[k] = NAN;
  N_VGetArrayPointer(b->id.ref)[k] = 1.0;
  N_VGetArrayPointer(b->id.fast)[k] = 1.0;
  assert_true(isnan(N_VWrmsNorm(b->x.ref, b->w.ref)));
  assert_true(isnan(N_VWrmsNorm(b->x.fast, b->w.fast)));
  assert_true(isnan(N_VWrmsNormMask(b->x.fast, b->w.fast, b->id.fast)));
  assert_true(isnan(N_VWSqrSumLocal(b->x.fast, b->w.fast)));
  assert_true(isnan(N_VWSqrSumMaskLocal(b->x.fast, b->w.fast, b->id.fast)));
  const double mr = N_VMaxNorm(b->x.ref), mf = N_VMaxNorm(b->x.fast);
  assert_true(mr == mf);
}

static void test_against_serial(void **state) {
  (void)state;
  const sunindextype sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 63, 1001, 1567};
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    bench b;
    bench_setup(&b, sizes[s]);
    check_elementwise(&b);
    check_linear(&b);
    check_norms(&b);
    bench_teardown(&b);
  }
  printf("  12 operations x 12 lengths (1 .. 1567) agree with the serial N_Vector\n");
}

/* The table really points at the fast kernels (else the test compares
 * SUNDIALS with itself), and clones inherit them. */
static void test_ops_installed(void **state) {
  (void)state;
  SUNContext ctx;
  assert_int_equal(SUNContext_Create(NULL, &ctx), 0);
  N_Vector r = N_VNew_Serial(8, ctx), f = N_VNew_Serial(8, ctx);
  assert_non_null(r);
  assert_non_null(f);
  idr_nvector_use_fast_ops(f);
  N_Vector g = N_VClone(f);
  assert_non_null(g);
#define SAME_OP(op) (g->ops->op == r->ops->op || g->ops->op == NULL)
  assert_false(SAME_OP(nvinv) || SAME_OP(nvconstrmask) || SAME_OP(nvlinearcombination) ||
               SAME_OP(nvconst) || SAME_OP(nvabs) || SAME_OP(nvwrmsnorm) ||
               SAME_OP(nvwrmsnormmask) || SAME_OP(nvwsqrsumlocal) || SAME_OP(nvwsqrsummasklocal) ||
               SAME_OP(nvlinearsum) || SAME_OP(nvscale) || SAME_OP(nvmaxnorm));
#undef SAME_OP
  N_VDestroy(g);
  N_VDestroy(f);
  N_VDestroy(r);
  SUNContext_Free(&ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ops_installed),
      cmocka_unit_test(test_against_serial),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

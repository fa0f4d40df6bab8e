/*
 * Unit tests of physics/: the Bernoulli function and the Scharfetter-Gummel
 * kernel, the mesh, the device's scaling and variable layout, and the fixed
 * CSC pattern.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "idr_physics.h"
#include "kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A three-layer deck built in C (values as in the example stack). */
static void make_deck(idr_deck *d) {
  memset(d, 0, sizeof *d);
  snprintf(d->path, sizeof d->path, "<test>");
  d->temperature_K = 287.3;
  d->contact_left.work_function_eV = NAN;
  d->contact_right.work_function_eV = NAN;
  d->mesh.nodes = 120;
  d->mesh.h_min_nm = 0.3;
  d->solver.rtol = 1e-6;
  d->solver.atol_density_cm3 = 1e3;
  d->solver.atol_potential_V = 1e-9;
  const double thick[3] = {20, 500, 30}, chi[3] = {2.3, 3.95, 4.0}, Eg[3] = {3.0, 1.53, 2.0};
  for (int l = 0; l < 3; l++) {
    idr_layer *ly = &d->layers[l];
    snprintf(ly->name, sizeof ly->name, "L%d", l);
    ly->thickness_nm = thick[l];
    ly->mat.eps_r = l == 1 ? 46.9 : 3.5;
    ly->mat.chi_eV = chi[l];
    ly->mat.Eg_eV = Eg[l];
    ly->mat.Nc_cm3 = 2.2e18;
    ly->mat.Nv_cm3 = 1.8e19;
    ly->mat.mu_n_cm2_Vs = 2.385;
    ly->mat.mu_p_cm2_Vs = 1.5;
  }
  d->layers[0].N_A_cm3 = 1e18;
  d->layers[1].N_A_cm3 = 1e17;
  d->layers[2].N_D_cm3 = 1e18;
  d->n_layers = 3;
  d->n_ions = 1;
  snprintf(d->ions[0].name, sizeof d->ions[0].name, "anion");
  d->ions[0].z = -1;
  d->ions[0].layer_mask = 1u << 1;
  d->ions[0].density_cm3 = 1e16;
  d->ions[0].D0_cm2_s = 1.1e-6;
  d->ions[0].Ea_eV = 0.131;
}

static void test_bernoulli(void **state) {
  (void)state;
  /* the series and the closed form agree at the switch point */
  double x = 1e-3, B1, dB1, B2, dB2;
  idr_bernoulli(x * (1 - 1e-12), &B1, &dB1);
  idr_bernoulli(x * (1 + 1e-12), &B2, &dB2);
  assert_true(fabs(B1 - B2) < 1e-13);
  assert_true(fabs(dB1 - dB2) < 1e-9);
  /* B(0) = 1, B'(0) = -1/2; B(-x) = B(x) + x; large arguments */
  idr_bernoulli(0.0, &B1, &dB1);
  assert_true(fabs(B1 - 1.0) < 1e-15 && fabs(dB1 + 0.5) < 1e-15);
  for (double v = -30.0; v <= 30.0; v += 2.385) {
    idr_bernoulli(v, &B1, &dB1);
    idr_bernoulli(-v, &B2, &dB2);
    assert_true(fabs(B2 - (B1 + v)) <= 1e-12 * fmax(1.0, fabs(B2)));
    /* derivative against a central difference */
    double h = 1e-6, Bp, Bm, d;
    idr_bernoulli(v + h, &Bp, &d);
    idr_bernoulli(v - h, &Bm, &d);
    assert_true(fabs((Bp - Bm) / (2 * h) - dB1) < 1e-7 * fmax(1.0, fabs(dB1)));
  }
  idr_bernoulli(800.0, &B1, &dB1);
  assert_true(B1 >= 0 && B1 < 1e-300);
  idr_bernoulli(-800.0, &B1, &dB1);
  assert_true(fabs(B1 - 800.0) < 1e-12 && dB1 == -1.0);
}

static void test_sg_boltzmann(void **state) {
  (void)state;
  /* a Boltzmann pair a = b exp(-d) carries no flux, for either sign of d */
  for (double d = -12.5; d <= 12.5; d += 0.8385) {
    double b = 2.385e22, a = b * exp(-d);
    idr_sg s = idr_sg_flux(3.1e-4, a, b, d);
    assert_true(fabs(s.F) <= 1e-12 * 3.1e-4 * fmax(a, b) * (1 + fabs(d)));
    idr_bern2 B = idr_bernoulli2(d);
    idr_sg s2 = idr_sg_flux_b(3.1e-4, a, b, &B, 1);
    assert_true(fabs(s2.F - s.F) <= 1e-12 * 3.1e-4 * fmax(a, b) * (1 + fabs(d)));
  }
  /* pure diffusion: F = k (b - a) */
  idr_sg s = idr_sg_flux(2.0, 3.0, 7.0, 0.0);
  assert_true(fabs(s.F - 8.0) < 1e-14);
}

static void test_mesh(void **state) {
  (void)state;
  idr_deck d;
  make_deck(&d);
  idr_mesh *m = NULL;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_mesh_build(&d, &m, &err), IDR_OK);
  assert_true(m->n >= 100);
  assert_int_equal(m->layer_first[0], 0);
  assert_int_equal(m->layer_first[3], m->n - 1);
  double L = 0;
  for (int l = 0; l < 3; l++) {
    L += d.layers[l].thickness_nm * 1e-9;
    assert_true(fabs(m->x[m->layer_first[l + 1]] - L) < 1e-15); /* boundaries are nodes */
  }
  double hmin = INFINITY;
  for (int i = 1; i < m->n; i++) {
    assert_true(m->x[i] > m->x[i - 1]);
    hmin = fmin(hmin, m->x[i] - m->x[i - 1]);
  }
  /* refined to about h_min at the layer edges */
  assert_true(hmin < 1.5 * d.mesh.h_min_nm * 1e-9);
  idr_mesh_free(&m);
  assert_null(m);
  /* explicit points: errors */
  double x[3] = {0, 1e-9, 0.5e-9};
  int lf[2] = {0, 2};
  assert_int_equal(idr_mesh_from_points(x, 3, lf, 1, &m, &err), IDR_ERR_INPUT);
  assert_non_null(strstr(err.msg, "increasing"));
}

/* Length [nm] of the first interval of the mesh starting at least u [nm]
 * from x0 [nm] (towards increasing x). */
static double interval_after(const idr_mesh *m, double x0, double u) {
  for (int i = 0; i + 1 < m->n; i++)
    if (m->x[i] * 1e9 >= x0 + u) return (m->x[i + 1] - m->x[i]) * 1e9;
  return NAN;
}

/* The graded law (physics/mesh.c): a neutral ohmic contact is not graded, a
 * contact with a work function is; every interface starts from h_min on
 * both sides; neighbouring intervals differ by at most e^0.5 (the edge
 * growth G = 0.5 per unit length), also across interfaces; the absorber's own edge spacing is
 * h_min sqrt(eps_r / eps_min) (46.9 against 3.5: 3.66 h_min). */
static void test_mesh_graded(void **state) {
  (void)state;
  idr_deck d;
  make_deck(&d);
  d.mesh.nodes = 400;
  d.mesh.h_min_nm = 0.05;
  idr_mesh *m = NULL;
  idr_error err;
  idr_error_clear(&err);
  for (int wf = 0; wf < 2; wf++) {
    d.contact_left.work_function_eV = wf ? 5.1 : NAN;
    assert_int_equal(idr_mesh_build(&d, &m, &err), IDR_OK);
    double h_left = (m->x[1] - m->x[0]) * 1e9, h_right = (m->x[m->n - 1] - m->x[m->n - 2]) * 1e9;
    if (wf)
      assert_true(h_left > 0.5 * 0.05 && h_left < 1.5 * 0.05); /* graded */
    else
      assert_true(h_left > 10 * 0.05); /* neutral: not graded */
    assert_true(h_right > 10 * 0.05);
    for (int l = 1; l < 3; l++) {
      const int k = m->layer_first[l];
      const double below = (m->x[k] - m->x[k - 1]) * 1e9, above = (m->x[k + 1] - m->x[k]) * 1e9;
      assert_true(below > 0.5 * 0.05 && below < 1.5 * 0.05);
      assert_true(above > 0.5 * 0.05 && above < 1.5 * 0.05);
    }
    for (int i = 1; i + 1 < m->n; i++) {
      const double r = (m->x[i + 1] - m->x[i]) / (m->x[i] - m->x[i - 1]);
      assert_true(r < exp(0.5) * (1 + 1e-6) && r > exp(-0.5) / (1 + 1e-6));
    }
    idr_mesh_free(&m);
  }
  /* the absorber's own law from 1 nm off its edge: spacing >= its edge
   * spacing h_min sqrt(46.9 / 3.5); with the transport layers' eps_r it
   * would grow from h_min instead */
  const double h_abs = 0.05 * sqrt(46.9 / 3.5);
  assert_int_equal(idr_mesh_build(&d, &m, &err), IDR_OK);
  assert_true(interval_after(m, 20.0, 1.0) > 0.95 * h_abs);
  idr_mesh_free(&m);
  d.layers[1].mat.eps_r = 3.5;
  assert_int_equal(idr_mesh_build(&d, &m, &err), IDR_OK);
  assert_true(interval_after(m, 20.0, 1.0) < 0.8 * h_abs);
  idr_mesh_free(&m);
}

static void test_device_scaling_layout(void **state) {
  (void)state;
  idr_deck d;
  make_deck(&d);
  idr_mesh *m = NULL;
  idr_device *dev = NULL;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_mesh_build(&d, &m, &err), IDR_OK);
  assert_int_equal(idr_device_build(&d, m, d.temperature_K, &dev, &err), IDR_OK);
  /* scaling: N0 = the largest doping or ion density, V_T = kT/q */
  assert_true(fabs(dev->N0 - 1e24) < 1e9);
  assert_true(fabs(dev->Vt - IDR_KB_EV * 287.3) < 1e-15);
  /* Nc scales as T^1.5 */
  assert_true(fabs(dev->hc[3].Nc / (2.2e24 * pow(287.3 / 300.0, 1.5)) - 1.0) < 1e-12);
  /* ion D = D0 exp(-Ea/kT) in m^2/s */
  assert_true(fabs(dev->ions[0].D / (1.1e-10 * exp(-0.131 / (IDR_KB_EV * 287.3))) - 1) < 1e-12);
  /* layout: phi, n, p at every node; ions only in the absorber */
  int n_ion = 0;
  for (int i = 0; i < dev->N; i++) {
    assert_true(dev->iphi[i] >= 0 && dev->in[i] >= 0 && dev->ip[i] >= 0);
    if (dev->iion[i] >= 0) n_ion++;
    assert_int_equal(dev->is_diff[dev->iphi[i]], 0.0);
  }
  assert_int_equal(n_ion, m->layer_first[2] - m->layer_first[1] + 1);
  /* potential scaling round trip: phi = psi V_T - chi_ref */
  double *y = calloc((size_t)dev->n_unknowns, sizeof *y);
  y[dev->iphi[5]] = 2.385;
  assert_true(fabs(idr_phi(dev, y, 5) - (2.385 * dev->Vt - dev->chi_ref)) < 1e-14);
  /* every tolerance is positive; densities are non-negative constraints */
  for (int u = 0; u < dev->n_unknowns; u++)
    assert_true(dev->atol[u] > 0);
  assert_int_equal(dev->positive[dev->in[7]], 1.0);
  /* CSC pattern: sorted, csc_pos consistent with rowind */
  for (int c = 0; c < dev->n_unknowns; c++)
    for (long q = dev->colptr[c]; q < dev->colptr[c + 1]; q++) {
      if (q > dev->colptr[c]) assert_true(dev->rowind[q] > dev->rowind[q - 1]);
      assert_int_equal(idr_device_csc_pos(dev, (int)dev->rowind[q], c), q);
    }
  assert_int_equal(idr_device_csc_pos(dev, dev->iphi[dev->N - 1], dev->iphi[0]), -1);
  free(y);
  idr_device_free(&dev);
  idr_mesh_free(&m);
}

/* With trap levels: a level's column holds only its node's core (potential,
 * carriers, ions) and itself, its row only the core columns of its node and
 * of the next, so the pattern grows linearly with the number of levels. */
static void test_trap_pattern(void **state) {
  (void)state;
  idr_deck d;
  make_deck(&d);
  d.n_traps = 1;
  idr_trap_spec *t = &d.traps[0];
  memset(t, 0, sizeof *t);
  snprintf(t->name, sizeof t->name, "band");
  t->layer = 1;
  t->type = IDR_TRAP_ACCEPTOR;
  t->ref = IDR_EREF_EC;
  t->E_eV = 0.6;
  t->density_cm3 = 1e16;
  t->c_n_cm3_s = 1e-8;
  t->c_p_cm3_s = 1e-8;
  t->sigma_E_eV = 0.05;
  idr_mesh *m = NULL;
  idr_device *dev = NULL;
  idr_error err;
  idr_error_clear(&err);
  assert_int_equal(idr_mesh_build(&d, &m, &err), IDR_OK);
  long nnz_of[2];
  int *ncore = calloc((size_t)m->n, sizeof *ncore);
  assert_non_null(ncore);
  const int levels[2] = {5, 25};
  for (int k = 0; k < 2; k++) {
    t->levels = levels[k];
    assert_int_equal(idr_device_build(&d, m, d.temperature_K, &dev, &err), IDR_OK);
    const int i = m->layer_first[1] + 3; /* inside the absorber */
    const int u0 = dev->itrap[(size_t)i * dev->n_levels], u1 = u0 + 1;
    assert_int_equal(dev->ncore[i], 4); /* phi, n, p, anion */
    assert_int_equal(u0, dev->off[i] + dev->ncore[i]);
    assert_int_equal(dev->colptr[u0 + 1] - dev->colptr[u0], dev->ncore[i] + 1);
    assert_true(idr_device_csc_pos(dev, u0, u0) >= 0);
    assert_true(idr_device_csc_pos(dev, dev->in[i], u0) >= 0);
    assert_true(idr_device_csc_pos(dev, u0, dev->ip[i]) >= 0);
    assert_int_equal(idr_device_csc_pos(dev, u1, u0), -1);             /* level to level */
    assert_int_equal(idr_device_csc_pos(dev, dev->in[i + 1], u0), -1); /* to the next node */
    for (int c = 0; c < dev->n_unknowns; c++)
      for (long q = dev->colptr[c]; q < dev->colptr[c + 1]; q++)
        assert_int_equal(idr_device_csc_pos(dev, (int)dev->rowind[q], c), q);
    nnz_of[k] = dev->nnz;
    memcpy(ncore, dev->ncore, (size_t)m->n * sizeof *ncore);
    idr_device_free(&dev);
  }
  /* 20 more levels at each absorber node j: per level its column (ncore_j
   * + 1) and its row in the core columns of j (ncore_j) and of j+1
   * (ncore_{j+1}, structural zeros) */
  long grow = 0;
  for (int j = m->layer_first[1]; j <= m->layer_first[2]; j++)
    grow += 20L * (2 * ncore[j] + 1 + (j + 1 < m->n ? ncore[j + 1] : 0));
  assert_int_equal(nnz_of[1] - nnz_of[0], grow);
  free(ncore);
  idr_mesh_free(&m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bernoulli),
      cmocka_unit_test(test_sg_boltzmann),
      cmocka_unit_test(test_mesh),
      cmocka_unit_test(test_mesh_graded),
      cmocka_unit_test(test_device_scaling_layout),
      cmocka_unit_test(test_trap_pattern),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * iondrift physics: mesh, device (layers -> nodal parameters at one
 * temperature), the scaling of unknowns, and the residual/Jacobian of the
 * semi-discrete drift-diffusion system with mobile ions and dynamic traps.
 *
 * Model (docs/equations.md has the full derivation):
 *   Poisson   -d/dx(eps dphi/dx) = q (p - n + N_D - N_A + sum_k z_k (c_k - c_k0) + trap charge)
 *   electrons dn/dt =  (1/q) dJn/dx + G - R,   Jn/q = Dn/h [n_{i+1} B(d) - n_i B(-d)]
 *   holes     dp/dt = -(1/q) dJp/dx + G - R,   Jp/q = Dp/h [p_i B(d) - p_{i+1} B(-d)]
 *   ions      dc/dt = -dF/dx,                 F    = D/h  [c_i B(z d) - c_{i+1} B(-z d)]
 *   traps     df/dt = c_n n (1-f) - e_n f - c_p p f + e_p (1-f)
 * with d = (phi_{i+1}-phi_i)/V_T, B(x) = x/(e^x - 1) (Scharfetter-Gummel).
 *
 * Discretisation: vertex-centred finite volumes. Node i owns a left half cell
 * (in the layer of edge i-1) and a right half cell (edge i). At a
 * heterointerface the two halves belong to different materials; the carrier
 * unknown at such a node is the density on the side where it is larger, and
 * the other side's density is gamma * unknown (continuous quasi-Fermi level,
 * band offsets exact). Variables are interleaved node by node, so the
 * Jacobian couples node i only to i-1, i, i+1: its CSC pattern is fixed at
 * set-up and every column's rows are one contiguous index range.
 *
 * Scaling (the one place it is defined): solver unknowns are
 *   psi = (phi + chi_ref)/V_T,  n/N0, p/N0, c_k/N0,  f (trap occupation, 0..1).
 * Residual rows are scaled: Poisson by 1/(q N0 L0), carrier and ion rows by
 * 1/(N0 L0), trap rows are occupation rates [1/s]; L0 = 1 nm.
 *
 * Kernels allocate nothing and do no I/O; all state lives in idr_device
 * (read-only during a solve) and caller-provided arrays.
 */
#ifndef IDR_PHYSICS_H
#define IDR_PHYSICS_H

#include "idr_config.h"
#include "idr_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- mesh ------------------------------------------------------------- */
typedef struct idr_mesh {
  int n;            /* number of nodes */
  double *x;        /* node positions [m], x[0] = 0, x[n-1] = L */
  int n_layers;     /* layers in the stack */
  int *layer_first; /* node index of each layer's left edge; [n_layers] = n-1 */
} idr_mesh;

/* Build a mesh for the deck's stack: each layer (at least a minimum of
 * intervals, or its explicit `nodes`) graded from mesh.h_min_nm at its
 * edges (not at a neutral ohmic contact) towards a spacing that grows with
 * the layer's permittivity, plus a uniform share (mesh.c). Layer boundaries
 * are nodes. */
idr_status idr_mesh_build(const idr_deck *deck, idr_mesh **out, idr_error *err);
/* A mesh from explicit positions (validation, convergence studies): x [m],
 * strictly increasing; layer_first[n_layers] must be n-1. */
idr_status idr_mesh_from_points(const double *x, int n, const int *layer_first, int n_layers,
                                idr_mesh **out, idr_error *err);
void idr_mesh_free(idr_mesh **m);

/* ---- device ----------------------------------------------------------- */
enum { IDR_SIDE_L = 0, IDR_SIDE_R = 1 };

/* Per half-cell material data (SI) at the device temperature. */
typedef struct idr_halfcell {
  int layer;     /* layer index, -1 if the half cell does not exist */
  double vol;    /* half-cell width [m] (per unit area: volume) */
  double eps;    /* permittivity [F/m] */
  double Nc, Nv; /* effective densities of states at T [m^-3] */
  double chi;    /* electron affinity [eV] */
  double Eg;     /* band gap [eV] */
  double dop;    /* N_D - N_A of the fully ionised dopants [m^-3] */
  /* dopants of incomplete ionisation (0: none), dynamic levels of the
   * layer; in equilibrium N_D+ = ND_inc / (1 + n/nD1), N_A- = NA_inc /
   * (1 + p/pA1), n, p the half cell's densities (contacts, initial guess) */
  double ND_inc, nD1;  /* [m^-3]; nD1 = Nc exp(-E_D/kT) / g_D */
  double NA_inc, pA1;  /* [m^-3]; pA1 = Nv exp(-E_A/kT) / g_A */
  double ni2;          /* intrinsic density squared [m^-6] */
  double ni;           /* sqrt(ni2) [m^-3] */
  double gam_n;        /* electron density here = gam_n * nodal unknown */
  double gam_p;        /* hole density here = gam_p * nodal unknown */
  double k_rad;        /* [m^3/s] */
  double C_n, C_p;     /* Auger [m^6/s] */
  double tau_n, tau_p; /* background SRH lifetimes [s], 0 = off */
  double G1;           /* generation at 1 sun integrated over the half cell [m^-2 s^-1] */
} idr_halfcell;

/* A trap level. Its unknown u at a node is the occupied fraction of the
 * level's mean density Nt: the occupied density is Nt u, the empty one
 * Nt (s - u), where s is the local site density relative to Nt: 1, or for
 * a level bound to an ion species (ion >= 0) s = c_ion / c0_ion, so that
 * the sites move with the ions while the trapped electrons are exchanged
 * with the carriers of the node only (charge is conserved exactly). For an
 * ordinary level u is the occupation f. */
typedef struct idr_trap_level {
  int layer;         /* layer index */
  int acceptor;      /* 1: charge -q Nt u; 0 (donor): +q Nt (s - u) */
  int ion;           /* -1, or the ion species the level is bound to */
  double inv_c0;     /* bound level: 1 / c0 of its species [m^3] (0 if c0 = 0), else 0 */
  double Nt;         /* density of this level [m^-3] (an interface level: sheet / control
                        volume of its node) */
  double c_n, c_p;   /* capture coefficients [m^3/s] */
  double Et_from_Ec; /* Ec - Et [eV] */
  int spec;          /* index of the deck trap it came from; -1: a dopant of incomplete
                        ionisation of its layer (docs/equations.md) */
  double g;          /* degeneracy: n1 = Nc e^{-(Ec-Et)/kT} / g, p1 = Nv e^{-(Et-Ev)/kT} g
                        (1; g_D for a donor dopant, 1/g_A for an acceptor dopant) */
} idr_trap_level;

typedef struct idr_ion {
  int z;               /* charge number */
  double z_current;    /* charge per ion its flux carries [q]: z, plus the empty donor
                          levels bound to it (Nt/c0 each) */
  unsigned layer_mask; /* layers it lives in */
  double c0;           /* background (mean) density [m^-3] */
  double D;            /* diffusion coefficient at T [m^2/s] */
  double c_max;        /* steric limit [m^-3], 0 = none */
  /* light-dependent migration on each edge (physics/ion_edge.h):
   * D_e = D exp(lower_a thetabar) / (1 + block_static + cbar_o inv_cblock) */
  double lower_a;      /* dEa / kT [-], 0 = no barrier lowering */
  double nth2;         /* n_theta^2 [m^-6] */
  int block_by;        /* the blocking species (when inv_cblock > 0), -1: none */
  double inv_cblock;   /* 1 / c_block [m^3], 0 = no blocking */
  double block_static; /* static blocking density / c_block [-] */
  /* light-created pairs (the ion and an immobile counter-defect of charge
   * -z, density m; docs/equations.md): G = kgen c_carrier np/(np + gen_nth2),
   * R = krec c m [m^-3 s^-1] */
  int pairs;            /* 1: the species has counter-defect unknowns (kgen > 0 at build) */
  double kgen;          /* [1/s], 0 = off */
  int gen_by_electrons; /* c_carrier = n (1) or p (0) */
  double gen_nth2;      /* [m^-6] */
  double krec;          /* 1 / (tau_rec N_rec) [m^3/s] */
} idr_ion;

typedef struct idr_device {
  /* geometry */
  int N;           /* nodes */
  double *x;       /* [m] (owned copy) */
  double *h;       /* edge lengths [m], N-1 */
  int *edge_layer; /* layer of each edge, N-1 */
  int n_layers;
  int *layer_first; /* as in idr_mesh */
  /* temperature */
  double T;       /* [K] */
  double Vt;      /* kT/q [V] */
  double chi_ref; /* potential reference [eV]: psi = (phi + chi_ref)/Vt */
  double N0;      /* density scale [m^-3] */
  double L0;      /* length scale for residual rows [m] */
  /* per edge (material of the edge) */
  double *eps_e;       /* [F/m] */
  double *Dn_e, *Dp_e; /* carrier diffusivities [m^2/s] */
  /* per node, two half cells: hc[2*i + side] */
  idr_halfcell *hc;
  /* heterointerfaces: per node, recombination velocities (0 unless an interface node) */
  double *s_n, *s_p; /* [m/s] */
  double *ni2_if;    /* n p at equilibrium for the nodal unknowns [m^-6] */
  /* ions */
  int n_ions;
  idr_ion ions[IDR_MAX_IONS];
  char ion_names[IDR_MAX_IONS][IDR_NAME_LEN];
  double *ion_vol; /* [N * n_ions]: control volume of species k at node i [m], 0 = absent */
  int any_light_D; /* some species' D depends on the state (barrier lowering, blocking) */
  int any_pairs;   /* some species has light-created pairs */
  /* traps */
  int n_levels;
  idr_trap_level *levels;
  char (*level_names)[IDR_NAME_LEN];
  double *trap_vol;    /* [N * n_levels] control volume of level j at node i [m], 0 = absent */
  double *n1, *p1;     /* [N * n_levels] SRH densities of the level in its layer [m^-3] */
  double *tg_n, *tg_p; /* [N * n_levels] gamma factors of the trap's half cell */
  double *lnn0, *lnp0; /* [N] nodal unknowns at equilibrium: n = exp(lnn0 + psi), p = exp(lnp0 -
                          psi) [m^-3] */
  /* contacts (equilibrium values; applied voltage shifts the left potential) */
  double psi_bc[2];        /* scaled potential at x=0 and x=L in equilibrium */
  double n_bc[2], p_bc[2]; /* nodal carrier unknowns at the contacts [m^-3] */
  /* variable layout: unknown indices, -1 = absent */
  int n_unknowns;
  int *off;            /* first unknown of node i, [N+1] */
  int *iphi, *in, *ip; /* [N] */
  int *iion;           /* [N * n_ions] */
  int *itrap;          /* [N * n_levels] */
  int *icount;         /* [N * n_ions] counter-defect density m/N0 of a species with light-created
                          pairs (after the node's traps: occupation-like unknowns), -1 = none */
  int *node_of;        /* node of each unknown, [n_unknowns] */
  /* solver metadata per unknown */
  double *is_diff;  /* 1 differential, 0 algebraic (IDASetId) */
  double *positive; /* 1 constrained >= 0 (IDASetConstraints), 0 free */
  double *atol;     /* absolute tolerance in scaled units */
  /* fixed CSC pattern of dF/dy + cj dF/dy'. The unknowns of node i are its
   * core (potential, carriers, ions: ncore[i], first) and its trap
   * occupations (last). A core column of node j holds the contiguous rows
   * from the first of node j-1 to the last core row of j+1 (every row of j-1
   * and j, the core of j+1; the traps of j-1 are structural zeros); a trap
   * column the core rows of its node and its own row (a level couples to
   * nothing else), so the pattern grows linearly with the levels. */
  long nnz;
  long *colptr;   /* [n_unknowns + 1] */
  long *rowind;   /* [nnz], increasing in each column */
  int *ncore;     /* [N] core unknowns of each node */
  long *csc_base; /* [n_unknowns] entry (r, c) of the pattern is at csc_base[c] + r, except a
                     trap column's own row: colptr[c] + ncore[node] */
} idr_device;

/* The dopants' charge in half cell hc at densities n, p [m^-3]: the fully
 * ionised part dop plus N_D+(n) - N_A-(p) of incomplete ionisation, and its
 * derivatives (d_dn, d_dp may be NULL). */
double idr_dopant_charge(const idr_halfcell *hc, double n, double p, double *d_dn, double *d_dp);
/* ln n [n in m^-3] of the neutral half cell in equilibrium (n - p equal to
 * the dopants' charge, n p = ni2), incomplete ionisation included. */
double idr_neutral_ln_n(const idr_halfcell *hc, double Vt);
/* The traps of the deck as levels with their nodal parameters (levels,
 * level_names, trap_vol, n1, p1, tg_n, tg_p, ions' z_current); called by
 * idr_device_build after the half cells and ions (device_traps.c). */
idr_status idr_device_build_traps(const idr_deck *deck, idr_device *dev, idr_error *err);

/* Build the device at temperature T [K] from a validated deck on a mesh.
 * All checks that need more than one key (trap level inside the gap at this
 * mesh, ...) report the deck location. */
idr_status idr_device_build(const idr_deck *deck, const idr_mesh *mesh, double T_K,
                            idr_device **out, idr_error *err);
void idr_device_free(idr_device **dev);

/* Set the absolute tolerance of every density unknown (carriers, ions,
 * counter-defects) to atol_cm3 [cm^-3] (in the scaled units of the
 * solver); occupations and potentials keep theirs. */
void idr_device_set_density_atol(idr_device *dev, double atol_cm3);

/* Position in the CSC value array of entry (row, col); -1 if outside the pattern. */
long idr_device_csc_pos(const idr_device *dev, int row, int col);

/* ---- operating point -------------------------------------------------- */
typedef struct idr_bias {
  double V;     /* applied voltage on the left contact [V] */
  double light; /* illumination [suns] */
} idr_bias;

/* ---- residual and Jacobian -------------------------------------------- */
/* F(y, yp) for the scaled unknowns. Returns 0, or > 0 (recoverable: a
 * non-finite value or a density far below zero) so IDA can retry. */
int idr_residual(const idr_device *dev, const idr_bias *b, const double *y, const double *yp,
                 double *F);

/* The residual and, per row, the sum of the absolute values of the terms
 * that make it up (the scale of the row's round-off; for tests). */
int idr_residual_terms(const idr_device *dev, const idr_bias *b, const double *y, const double *yp,
                       double *F, double *Fabs);

/* CSC values of dF/dy + cj dF/dy' in the device's fixed pattern (nnz). */
int idr_jacobian(const idr_device *dev, const idr_bias *b, const double *y, double cj, double *Jx);

/* Diagonal of dF/dy' (the mass matrix is diagonal): mass[i] for unknown i. */
void idr_mass_diagonal(const idr_device *dev, double *mass);

/* dF/dV at fixed y, yp: the only dependence on the applied voltage is the left
 * contact's potential row. Fills dFdV[n_unknowns]. */
void idr_dF_dV(const idr_device *dev, double *dFdV);

/* ---- derived quantities ----------------------------------------------- */
/* Terminal current density [A/m^2] and its parts (physics/current.c). */
typedef struct idr_current {
  double J, Jn, Jp, Jion, Jdisp; /* [A/m^2], positive from x=0 to x=L */
} idr_current;
/* J: the edges' total currents (conduction + displacement) weighted by
 * h_e / s_e^2, s_e the sum of the magnitudes of the drift, diffusion and
 * displacement terms of edge e (idr_current_weights): every edge carries the
 * same current in an exact solution, and this reads it where it is not a
 * difference of large terms (round-off and the state's error in the doped
 * bulk and next to degenerate contacts stay out of it). Jn, Jp, Jion, Jdisp:
 * length-weighted means of the parts over the device (their sum is J up to
 * the bulk's terms). yp may be NULL (no displacement part: a steady state). */
void idr_terminal_current(const idr_device *dev, const double *y, const double *yp,
                          idr_current *out);
/* Every part and J = Jn + Jp + Jion + Jdisp as length-weighted means over the
 * edges (the Ramo-Shockley form for a uniform permittivity; tests). */
void idr_terminal_current_mean(const idr_device *dev, const double *y, const double *yp,
                               idr_current *out);
/* Per edge e (N-1 values): the conduction current Jn + Jp + Jion and the
 * displacement current -eps d/dt(dphi/dx) [A/m^2] (0 when yp is NULL). */
void idr_edge_currents(const idr_device *dev, const double *y, const double *yp, double *Jcond,
                       double *Jdisp);
/* The weights of idr_terminal_current's J, one per edge (N-1), summing to 1. */
void idr_current_weights(const idr_device *dev, const double *y, const double *yp, double *w);

/* Linearisation of the terminal current J of idr_terminal_current (weights
 * from the conduction terms at y, held fixed):
 * dJ = g_cond . dy + g_disp . dy'. Both arrays have n_unknowns entries;
 * units A/m^2 per unit of the scaled unknown (per unit of its rate). */
void idr_current_gradient(const idr_device *dev, const double *y, double *g_cond, double *g_disp);

/* The potential's rates psi' that keep the Poisson rows satisfied, given the
 * rates of every other unknown in yp (dF_Poisson/dy . y' = 0, psi' = 0 at the
 * contacts: constant bias): written into yp's potential entries. The state
 * after a bias change then carries its displacement current. Work arrays:
 * Jx [nnz], work [2 N]. Returns 0, 1 if the Jacobian is not finite. */
int idr_potential_rate(const idr_device *dev, const idr_bias *b, const double *y, double *yp,
                       double *Jx, double *work);

/* Largest single drift or diffusion flux term on any edge, as a current
 * density [A/m^2] (for the equilibrium check). */
double idr_max_flux_term(const idr_device *dev, const double *y);

/* Profiles in SI at node i (densities in the material of the node's
 * reference side). */
double idr_phi(const idr_device *dev, const double *y, int i);           /* [V] */
double idr_n(const idr_device *dev, const double *y, int i);             /* [m^-3] */
double idr_p(const idr_device *dev, const double *y, int i);             /* [m^-3] */
double idr_ion_c(const idr_device *dev, const double *y, int k, int i);  /* [m^-3], 0 absent */
double idr_trap_f(const idr_device *dev, const double *y, int j, int i); /* [-], NAN absent */
/* Quasi-Fermi levels [eV] relative to the equilibrium Fermi level (NAN if n<=0). */
double idr_Efn(const idr_device *dev, const double *y, int i);
double idr_Efp(const idr_device *dev, const double *y, int i);
/* Electric field on edge e [V/m]. */
double idr_field(const idr_device *dev, const double *y, int e);
/* Number of ions of species k per unit area [m^-2]. */
double idr_ion_count(const idr_device *dev, const double *y, int k);
/* Number of counter-defects of species k per unit area [m^-2] (0 unless the
 * species has light-created pairs). */
double idr_counter_count(const idr_device *dev, const double *y, int k);
/* Counter-defect density of species k at node i [m^-3] (0 where none). */
double idr_counter_m(const idr_device *dev, const double *y, int k, int i);
/* A state the protocols may report: IDR_OK when every unknown is finite and
 * every density (n, p, ions) is >= -its absolute tolerance (a smaller
 * negative value is round-off of the integrator; profiles write it as 0);
 * else IDR_ERR_SOLVER naming the unknown, its node, position and value. */
idr_status idr_state_check(const idr_device *dev, const double *y, idr_error *err);
/* Relative change |N1/N0 - 1| of an ion number [-]; 0 when both are 0 (a
 * species of zero density keeps none), +inf when only N0 is 0. */
double idr_ion_number_drift(double N0, double N1);

/* ---- equilibrium charge (for the Poisson-Boltzmann solve) ------------- */
/* Net charge density integral over node i's control volume, divided by q
 * [m^-2], at equilibrium (Fermi level 0), for scaled potential psi and ionic
 * chemical shifts mu[k] (c_k = c0_k exp(mu_k - z_k psi), steric-corrected),
 * and its derivative w.r.t. psi and each mu_k. Also fills the full state y at
 * node i when y != NULL. */
void idr_eq_node_charge(const idr_device *dev, int i, double psi, const double *mu, double *rho,
                        double *drho_dpsi, double *drho_dmu, double *y);

#ifdef __cplusplus
}
#endif
#endif /* IDR_PHYSICS_H */

/*
 * iondrift config: the YAML deck -> typed structs.
 *
 * Every value read from a deck remembers where it came from (file:line:col),
 * so that a physically invalid value found later (even by physics/) can be
 * reported as `deck.yaml:42:7: layers[1].thickness_nm must be > 0 (got -400)`.
 * Units are part of every key name; the structs below store the deck's own
 * (practical) units, named the same way. Conversion to SI happens in physics/.
 *
 * Deck reference: docs/deck.md (every key, its unit, its default).
 */
#ifndef IDR_CONFIG_H
#define IDR_CONFIG_H

#include "idr_core.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IDR_NAME_LEN 64
#define IDR_PROV_LEN 256 /* a provenance string */
#define IDR_MAX_LAYERS 8
#define IDR_MAX_IONS 4
#define IDR_MAX_TRAPS 8
#define IDR_TEMPERATURE_MAX_K 1000.0 /* upper bound of every temperature [K] */
#define IDR_G_DONOR 2.0              /* degeneracy factor of a donor level (spin) [-] */
#define IDR_G_ACCEPTOR 4.0           /* of an acceptor level (spin, two valence bands) [-] */
#define IDR_C_DOPANT 1e-8            /* majority capture coefficient of dopant levels [cm^3/s] */

/* Where a value came from in a deck (line and column are 1-based; 0 = a
 * default or a --set override). */
typedef struct idr_srcloc {
  int line;
  int col;
} idr_srcloc;

/* Material parameters (practical units as in the key names). */
typedef struct idr_material {
  char name[IDR_NAME_LEN];
  double eps_r;           /* relative permittivity [-] */
  double chi_eV;          /* electron affinity [eV] */
  double Eg_eV;           /* band gap [eV] */
  double Nc_cm3;          /* conduction-band effective DOS at 300 K [cm^-3] */
  double Nv_cm3;          /* valence-band effective DOS at 300 K [cm^-3] */
  double mu_n_cm2_Vs;     /* electron mobility [cm^2/(V s)] */
  double mu_p_cm2_Vs;     /* hole mobility [cm^2/(V s)] */
  double k_rad_cm3_s;     /* radiative recombination coefficient [cm^3/s] */
  double C_n_auger_cm6_s; /* Auger coefficient, electrons [cm^6/s] (0 = off) */
  double C_p_auger_cm6_s; /* Auger coefficient, holes [cm^6/s] (0 = off) */
  double tau_n_s;         /* background mid-gap SRH lifetime, electrons [s] (0 = off) */
  double tau_p_s;         /* background mid-gap SRH lifetime, holes [s] (0 = off) */
  double alpha_cm;        /* absorption coefficient for Beer-Lambert [1/cm] */
  double G_uniform_cm3_s; /* generation rate at 1 sun, uniform model [cm^-3 s^-1] */
} idr_material;

typedef struct idr_layer {
  char name[IDR_NAME_LEN];
  idr_material mat;                /* resolved: material file merged with inline keys */
  char material_ref[IDR_NAME_LEN]; /* `material:` name, "" if fully inline */
  double thickness_nm;             /* [nm] */
  double N_D_cm3;                  /* donor density [cm^-3] (all ionised unless E_D_eV > 0) */
  double N_A_cm3;                  /* acceptor density [cm^-3] (all ionised unless E_A_eV > 0) */
  /* incomplete ionisation (0: every dopant ionised, the default): donor
   * level E_D_eV below Ec, acceptor level E_A_eV above Ev, degeneracy
   * factors g_D, g_A; in equilibrium N_D+ = N_D / (1 + g_D n / (Nc e^{-E_D/kT})).
   * Such dopants are dynamic trap levels (capture and emission): their
   * occupation follows a signal with their own emission rate. */
  double E_D_eV; /* donor ionisation energy [eV], 0 = fully ionised */
  double E_A_eV; /* acceptor ionisation energy [eV], 0 = fully ionised */
  double g_D;    /* donor degeneracy factor [-]; 0 (a struct built in code): IDR_G_DONOR */
  double g_A;    /* acceptor degeneracy factor [-]; 0: IDR_G_ACCEPTOR */
  /* capture coefficient of those dopant levels for the majority carrier
   * [cm^3/s] (they are dynamic levels); 0: IDR_C_DOPANT */
  double c_dopant_cm3_s;
  int nodes;      /* mesh nodes in this layer, 0 = automatic */
  idr_srcloc loc; /* location of this layer's mapping */
  idr_srcloc loc_thickness;
  /* `composition: {family, x}` (or the label `composition_ref`): the family
   * name, "" when the layer has none, and the composition variable [-]. */
  char composition_family[IDR_NAME_LEN];
  double composition_x;
} idr_layer;

typedef struct idr_ion_species {
  char name[IDR_NAME_LEN];
  int z;               /* charge number, +1 or -1 */
  unsigned layer_mask; /* bit i set: lives in layers[i] */
  double density_cm3;  /* mean density = static compensating background [cm^-3] */
  double D0_cm2_s;     /* diffusion prefactor [cm^2/s] */
  double Ea_eV;        /* activation energy [eV]: D = D0 exp(-Ea/kT) */
  double c_max_cm3;    /* steric maximum density [cm^-3], 0 = none */
  /* light-dependent migration (docs/light.md; zero: off). Barrier lowering:
   * Ea_eff = Ea - dEa_eV theta, theta = n p / (n p + n_theta^2). */
  double lowering_dEa_eV;      /* [eV] */
  double lowering_n_theta_cm3; /* [cm^-3] */
  char lowering_provenance[IDR_PROV_LEN];
  /* Site blocking: D_eff = D / (1 + c_other / c_block), c_other the local
   * density of ions[blocked_by] (when >= 0) plus a static density
   * block_density_cm3; off while block_c_cm3 is 0. */
  int blocked_by;           /* index of the blocking species, -1: static density only */
  double block_density_cm3; /* static blocking density [cm^-3] */
  double block_c_cm3;       /* c_block [cm^-3] */
  char block_provenance[IDR_PROV_LEN];
  /* Light-created ions (photo_creation; off while creation_k_gen_1_s is 0):
   * pairs of this ion and an immobile counter-defect of the opposite charge
   * are created at G = k_gen c_carrier theta_c, theta_c = n p / (n p +
   * n_theta^2), and recombine at R = c m / (tau_rec N_rec). */
  double creation_k_gen_1_s;   /* k_gen [1/s] */
  int creation_electrons;      /* 1: c_carrier = n; 0: p (holes) */
  double creation_n_theta_cm3; /* [cm^-3] */
  double creation_tau_rec_s;   /* [s] */
  double creation_N_rec_cm3;   /* [cm^-3] */
  char creation_provenance[IDR_PROV_LEN];
  idr_srcloc loc;
} idr_ion_species;

typedef enum { IDR_TRAP_ACCEPTOR = 0, IDR_TRAP_DONOR = 1 } idr_trap_type;
typedef enum { IDR_EREF_EC = 0, IDR_EREF_EV = 1 } idr_energy_ref;

typedef struct idr_trap_spec {
  char name[IDR_NAME_LEN];
  int layer;          /* index into layers[] */
  idr_trap_type type; /* acceptor: charge -q f N_t; donor: +q (1-f) N_t */
  idr_energy_ref ref; /* energy measured from Ec (down) or Ev (up) */
  double E_eV;        /* depth from the reference band edge [eV], > 0 */
  double density_cm3; /* total density N_t [cm^-3] */
  double c_n_cm3_s;   /* electron capture coefficient [cm^3/s] */
  double c_p_cm3_s;   /* hole capture coefficient [cm^3/s] */
  double sigma_E_eV;  /* Gaussian width [eV], 0 = single level */
  int levels;         /* levels the Gaussian is split into (1 if sigma_E_eV = 0) */
  /* where the level sits (docs/deck.md `traps[j]`); all zero: uniform in
   * the whole layer */
  int at_interface;         /* 1: a sheet at the interface with layers[interface_layer] */
  int interface_layer;      /* the layer next to `layer` (when at_interface) */
  double sheet_density_cm2; /* sheet density of an interface level [cm^-2] */
  double from_nm;           /* the level starts this far from the layer's left edge [nm] */
  double to_nm;             /* ... and ends here [nm]; 0: at the layer's right edge */
  int bound;                /* 1: bound to ions[ion]: its density profile is that species'
                               density (density_cm3 its mean over the species' layers) */
  int ion;                  /* the species (when bound) */
  idr_srcloc loc;
} idr_trap_spec;

/* Heterointerface between layers[i] and layers[i+1]. */
typedef struct idr_interface_spec {
  double s_n_cm_s; /* interface recombination velocity, electrons [cm/s] */
  double s_p_cm_s; /* interface recombination velocity, holes [cm/s] */
} idr_interface_spec;

typedef struct idr_contact_spec {
  /* Ohmic contact. Work function [eV] (positive, below vacuum); NAN means
   * "flat band": the Fermi level that makes the adjacent layer neutral. */
  double work_function_eV;
} idr_contact_spec;

typedef enum { IDR_GEN_NONE = 0, IDR_GEN_UNIFORM = 1, IDR_GEN_BEER_LAMBERT = 2 } idr_gen_model;

typedef struct idr_generation_spec {
  idr_gen_model model;
  int from_right;           /* Beer-Lambert: light enters at x = L (1) or x = 0 (0) */
  double photon_flux_cm2_s; /* absorbed photon flux at 1 sun [cm^-2 s^-1] */
} idr_generation_spec;

typedef struct idr_mesh_spec {
  int nodes;       /* total node target (default 400) */
  double h_min_nm; /* spacing at interfaces and contacts [nm] (default 0.2) */
} idr_mesh_spec;

/* Linear solver of the time integration's Newton systems. */
typedef enum {
  IDR_LINEAR_BLOCK = 0, /* block-tridiagonal LU by nodes (solver/blocktri.c), default */
  IDR_LINEAR_KLU = 1    /* SuiteSparse KLU through SUNLinSol_KLU (reference) */
} idr_linear_solver;

/* After a change of bias or light (solver.carrier_relaxation): start the
 * integration from the carriers' quasi-steady state where no output falls
 * inside their relaxation (solver/quasi_steady.c), or integrate it. */
typedef enum {
  IDR_CARRIERS_QUASI_STEADY = 0, /* default */
  IDR_CARRIERS_INTEGRATE = 1
} idr_carrier_relaxation;

typedef struct idr_solver_spec {
  double rtol;                     /* IDA relative tolerance (default 1e-6) */
  double atol_density_cm3;         /* absolute tolerance on densities [cm^-3] (default 1e3) */
  double atol_potential_V;         /* absolute tolerance on potential [V] (default 1e-9) */
  long max_steps;                  /* IDA steps per segment (default 500000) */
  idr_linear_solver linear;        /* (default block) */
  idr_carrier_relaxation carriers; /* (default quasi_steady) */
} idr_solver_spec;

/* ---- the protocol section ------------------------------------------------
 * config/ does not know the protocols: their table lives in protocols/ (one
 * file per protocol, docs/deck.md). A deck is read with the table it is
 * given (idr_deck_resolver.protocols); `protocol.type` picks the entry, and
 * the entry reads its own keys into its own spec struct with the reading
 * helpers below (the same checks and messages as every other deck key) and
 * writes them back into the resolved deck. The spec is stored by value in
 * the deck (a deck stays a plain value: copying it copies the protocol). */
#define IDR_PROTOCOL_SPEC_BYTES 8192 /* room for the largest spec struct */
#define IDR_MAX_PROTOCOLS 32         /* entries of a protocol table */

typedef struct idr_ydoc idr_ydoc;
typedef struct idr_ynode idr_ynode;
typedef struct idr_deck idr_deck;
/* The reading context of one deck (the document, the error, the resolvers). */
typedef struct idr_deck_reader idr_deck_reader;
/* The writer of the resolved deck text. */
typedef struct idr_yaml_out idr_yaml_out;

/* The deck-facing half of a protocol: its name and keys, with their checks. */
typedef struct idr_protocol_keys {
  const char *name;        /* protocol.type */
  const char *const *keys; /* the keys it accepts ("type" included), NULL-terminated */
  size_t spec_size;        /* sizeof its spec struct (<= IDR_PROTOCOL_SPEC_BYTES) */
  void (*defaults)(void *spec);
  /* read the mapping n (`protocol:`, keys already checked) into spec, which
   * holds the defaults; d holds everything read before the protocol */
  idr_status (*read)(idr_deck_reader *r, const idr_ynode *n, const idr_deck *d, void *spec);
  /* the protocol's keys (after `type:`) of the resolved deck, indented 2 */
  void (*emit)(const void *spec, idr_yaml_out *o);
} idr_protocol_keys;

typedef struct idr_protocol_spec {
  const idr_protocol_keys *keys; /* the table entry; NULL: equilibrate without a table */
  idr_srcloc loc;
  union {
    max_align_t align;
    unsigned char bytes[IDR_PROTOCOL_SPEC_BYTES];
  } spec; /* the entry's spec struct */
} idr_protocol_spec;

/* "equilibrate" when the deck has no protocol entry. */
const char *idr_protocol_name(const idr_protocol_spec *p);

typedef struct idr_output_spec {
  char h5_path[512];  /* default: <deck stem>.h5 */
  char csv_path[512]; /* J(t) CSV, default: <deck stem>_J.csv, "" = none */
  int csv_given;      /* 1: output.csv was written in the deck (or a --set) */
} idr_output_spec;

struct idr_deck {
  char path[512]; /* the deck file as given */
  char title[256];
  double temperature_K; /* [K] */
  int n_layers;
  idr_layer layers[IDR_MAX_LAYERS];
  idr_interface_spec interfaces[IDR_MAX_LAYERS]; /* interfaces[i]: layers i|i+1 */
  int n_ions;
  idr_ion_species ions[IDR_MAX_IONS];
  int n_traps;
  idr_trap_spec traps[IDR_MAX_TRAPS];
  idr_contact_spec contact_left, contact_right;
  idr_generation_spec generation;
  idr_mesh_spec mesh;
  idr_solver_spec solver;
  idr_protocol_spec protocol;
  idr_output_spec output;
  char *resolved_yaml; /* the fully resolved deck (malloc'd), for the HDF5 root */
};

/* ---- material parameters as a table (shared with materials/) ----------- */
/* Index of each idr_material parameter; its deck/material-file key is
 * idr_material_param_key(i). Bit (1u << i) of a `given` mask says "set". */
typedef enum {
  IDR_MATP_EPS_R = 0,
  IDR_MATP_CHI,
  IDR_MATP_EG,
  IDR_MATP_NC,
  IDR_MATP_NV,
  IDR_MATP_MU_N,
  IDR_MATP_MU_P,
  IDR_MATP_K_RAD,
  IDR_MATP_C_N_AUGER,
  IDR_MATP_C_P_AUGER,
  IDR_MATP_TAU_N,
  IDR_MATP_TAU_P,
  IDR_MATP_ALPHA,
  IDR_MATP_G_UNIFORM,
  IDR_MATP_COUNT
} idr_material_param;

const char *idr_material_param_key(int i); /* "eps_r", "chi_eV", ... */
int idr_material_param_required(int i);    /* 1: no default, must be given */
double idr_material_param_default(int i);  /* value when optional and absent */
double *idr_material_param_ptr(idr_material *m, int i);
double idr_material_param_get(const idr_material *m, int i);
/* Range check: NULL when v is allowed, else the rule ("must be > 0"). */
const char *idr_material_param_check(int i, double v);

/* Material-name resolution. config/ does not know where material files live
 * (that is materials/, which depends on config/, never the reverse): it calls
 * this function for every `material: NAME` of a layer. It fills `mat` and
 * sets bit (1u << i) of *given for every parameter the material defines.
 * Return IDR_ERR_IO when no such material exists (config/ then reports the
 * deck position), IDR_ERR_INPUT with a located message for a bad file. */
typedef idr_status (*idr_material_resolve_fn)(void *user, const char *name, idr_material *mat,
                                              unsigned *given, idr_error *err);

/* ---- composition families (shared with materials/) ----------------------
 * A layer's `composition: {family: FAPbI3-Br, x: 0.075}` is evaluated by
 * materials/ (idr_composition_eval, docs/materials.md) into this struct: the
 * layer's Eg_eV, chi_eV and eps_r, the defaults of the ion species living in
 * the layer (charge -1: halide columns, +1: FA columns) and the trap bands
 * II and III (`from_composition: band_II`). */
typedef struct idr_composition {
  char family[IDR_NAME_LEN];
  double x;                     /* composition variable (Br fraction) [-] */
  double x_min, x_max;          /* the table's range of x [-] */
  double Eg_eV;                 /* band gap [eV] */
  double chi_eV;                /* electron affinity [eV] */
  double eps_r;                 /* relative permittivity [-] */
  double a_A;                   /* pseudo-cubic lattice constant [angstrom] */
  double N_halide_cm3;          /* mobile halide-interstitial density [cm^-3] */
  double Ea_halide_eV;          /* halide migration activation energy, dark [eV] */
  double Ea_halide_TID_eV;      /* dark halide Ea the TID analysis reports [eV] */
  double D0_halide_cm2_s;       /* halide diffusion prefactor [cm^2/s] */
  double N_FA_cm3;              /* mobile FA+ (FA-defect) density under light [cm^-3] */
  double Ea_FA_light_eV;        /* FA+ migration activation energy under light [eV] */
  double D0_FA_cm2_s;           /* FA+ diffusion prefactor [cm^2/s] */
  double N_band_II_cm3;         /* trap band II density (halide interstitials) [cm^-3] */
  double E_band_II_from_Ev_eV;  /* trap band II level above Ev [eV] */
  double N_band_III_cm3;        /* trap band III density (FA-related) [cm^-3] */
  double E_band_III_from_Ev_eV; /* trap band III level above Ev [eV] */
  double N_Ii_excess_cm3;       /* halide interstitials above the series' trend (the x = 0.025
                                   lattice expansion), static: they block the FA+ [cm^-3] */
} idr_composition;

/* Composition resolution (same one-way dependency as materials): fill `out`
 * for `family` at `x` (NAN: x not given, allowed for a one-row family).
 * Returns IDR_ERR_IO for an unknown family, with err->msg listing the known
 * ones as "A | B"; IDR_ERR_RANGE for x outside the table (out->x_min and
 * out->x_max set); IDR_ERR_INPUT with a located message for a bad file. */
typedef idr_status (*idr_composition_resolve_fn)(void *user, const char *family, double x,
                                                 idr_composition *out, idr_error *err);

/* Everything config/ cannot resolve itself; `user` is passed to both. */
typedef struct idr_deck_resolver {
  idr_material_resolve_fn material;       /* NULL: a `material:` is an error */
  idr_composition_resolve_fn composition; /* NULL: a `composition:` is an error */
  void *user;
  /* the protocol table, NULL-terminated (protocols/: idr_protocol_keys_table());
   * NULL: only a deck without a `protocol:` section (equilibrate) reads */
  const idr_protocol_keys *const *protocols;
} idr_deck_resolver;

/* Fill a deck with every default (no layers). */
void idr_deck_defaults(idr_deck *d);

/* idr_deck_load and idr_deck_load_string resolve material names from files
 * and read the protocol through the protocol table, so they are implemented
 * in protocols/table.c (part of iondrift_all). config/ alone provides
 * idr_deck_parse_*: the same, with the resolvers passed in (no material
 * resolver: a layer naming a `material:` is an error; no protocol table: a
 * `protocol:` section is). */

/* Parse and validate a deck file. `sets` are "path.to.key=value" overrides
 * (n_sets of them) applied before validation. Materials named in layers are
 * resolved from the material directory (NULL: $IONDRIFT_MATERIALS or the
 * built-in data directory). On error returns IDR_ERR_INPUT with a message of
 * the form "file:line:col: what must be (got value)" (IDR_ERR_IO when the
 * deck file cannot be read, IDR_ERR_NOMEM). On failure `out` holds no
 * allocation (resolved_yaml NULL); on success free it with idr_deck_free.
 * Re-entrant: no global state, decks may be loaded from several threads.
 * Numbers are read with strtod and written with printf: the process must use
 * the "C" numeric locale (the default unless setlocale() changes it). */
idr_status idr_deck_load(const char *path, const char *const *sets, int n_sets,
                         const char *materials_dir, idr_deck *out, idr_error *err);

/* Same, from a string (name used in messages). */
idr_status idr_deck_load_string(const char *text, const char *name, const char *const *sets,
                                int n_sets, const char *materials_dir, idr_deck *out,
                                idr_error *err);

void idr_deck_free(idr_deck *d);

/* The config/-only entry points (see above). `name` is used in messages and
 * for the default output names (<stem>.h5, <stem>_J.csv). */
idr_status idr_deck_parse_string(const char *text, const char *name, const char *const *sets,
                                 int n_sets, idr_material_resolve_fn resolve, void *resolve_user,
                                 idr_deck *out, idr_error *err);
idr_status idr_deck_parse_file(const char *path, const char *const *sets, int n_sets,
                               idr_material_resolve_fn resolve, void *resolve_user, idr_deck *out,
                               idr_error *err);

/* The same with both resolvers (materials/ uses these). */
idr_status idr_deck_parse_string_with(const char *text, const char *name, const char *const *sets,
                                      int n_sets, const idr_deck_resolver *res, idr_deck *out,
                                      idr_error *err);
idr_status idr_deck_parse_file_with(const char *path, const char *const *sets, int n_sets,
                                    const idr_deck_resolver *res, idr_deck *out, idr_error *err);

/* The same from a parsed document (the caller keeps it; sets are applied to
 * the document first, so it changes). The study handle of the API keeps
 * its document and converts it again after every typed change. */
idr_status idr_deck_from_ydoc(idr_ydoc *doc, const char *const *sets, int n_sets,
                              const idr_deck_resolver *res, idr_deck *out, idr_error *err);

/* Report a problem found after loading (e.g. by physics/) at a deck position:
 * "deck.yaml:42:7: <message>", or "deck.yaml: <message>" when loc is a
 * default (line 0) or came from a --set. Returns IDR_ERR_INPUT. */
idr_status idr_deck_error_at(const idr_deck *d, idr_srcloc loc, idr_error *err, const char *fmt,
                             ...) __attribute__((format(printf, 4, 5)));

/* ---- YAML document tree with positions (used by config/ and materials/) --
 * A small tree built with libyaml: scalars, sequences, mappings; every node
 * keeps its 1-based line and column. Aliases are rejected. Nodes created by a
 * --set override are marked, and their errors read
 * "<command line>: --set PATH: must be ... (got ...)". */
typedef enum { IDR_Y_SCALAR = 0, IDR_Y_SEQ = 1, IDR_Y_MAP = 2 } idr_ykind;

/* Parse YAML text; `name` is the file name used in messages. */
idr_status idr_ydoc_parse(const char *text, size_t len, const char *name, idr_ydoc **out,
                          idr_error *err);
/* Read and parse a file (messages use `path` as given). */
idr_status idr_ydoc_read_file(const char *path, idr_ydoc **out, idr_error *err);
void idr_ydoc_free(idr_ydoc **doc);
const char *idr_ydoc_name(const idr_ydoc *doc);
const idr_ynode *idr_ydoc_root(const idr_ydoc *doc); /* NULL: empty document */
/* Apply one "path.to.key=value" override (layers[1].x or layers.1.x). */
idr_status idr_ydoc_apply_set(idr_ydoc *doc, const char *set, idr_error *err);
/* Typed changes (the API's setter): a scalar (quoted: a string, else a
 * number or word read as written), a list of plain scalars, or a YAML value;
 * errors about these values read "NAME: set PATH: must be ... (got ...)". */
idr_status idr_ydoc_set_scalar(idr_ydoc *doc, const char *path, const char *text, int quoted,
                               idr_error *err);
idr_status idr_ydoc_set_scalars(idr_ydoc *doc, const char *path, const char *const *texts, size_t n,
                                idr_error *err);
idr_status idr_ydoc_set_yaml(idr_ydoc *doc, const char *path, const char *yaml, idr_error *err);
idr_status idr_ydoc_copy(const idr_ydoc *doc, idr_ydoc **out, idr_error *err);
/* The node at "a.b[1].c" (NULL: none). */
const idr_ynode *idr_ydoc_lookup(const idr_ydoc *doc, const char *path);

idr_ykind idr_ynode_kind(const idr_ynode *n);
int idr_ynode_line(const idr_ynode *n);
int idr_ynode_col(const idr_ynode *n);
int idr_ynode_from_set(const idr_ynode *n);
size_t idr_ynode_len(const idr_ynode *n); /* items of a sequence or mapping */
const idr_ynode *idr_ynode_at(const idr_ynode *n, size_t i);
const char *idr_ynode_key(const idr_ynode *n); /* key in the parent mapping, or NULL */
const idr_ynode *idr_ynode_get(const idr_ynode *map, const char *key); /* NULL: absent */
const char *idr_ynode_scalar(const idr_ynode *n);                      /* NULL unless a scalar */

/* Located error at node n (at its key when at_key): the message is
 * "FILE:LINE:COL: PATH " + fmt. Returns IDR_ERR_INPUT. */
idr_status idr_yerror(const idr_ydoc *doc, const idr_ynode *n, int at_key, const char *path,
                      idr_error *err, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* n must be a mapping whose keys are all in `keys` (NULL-terminated), none
 * twice; an unknown key gets the nearest valid key as a suggestion. */
idr_status idr_ycheck_map(const idr_ydoc *doc, const idr_ynode *n, const char *path,
                          const char *const *keys, idr_error *err);
/* A finite number written as a plain scalar. */
idr_status idr_yread_number(const idr_ydoc *doc, const idr_ynode *n, const char *path, double *out,
                            idr_error *err);
/* A string scalar, 1..size-1 characters. */
idr_status idr_yread_string(const idr_ydoc *doc, const idr_ynode *n, const char *path, char *buf,
                            size_t size, idr_error *err);

/* ---- reading helpers for protocol sections ---------------------------------
 * The same checks and messages as every deck key: "FILE:LINE:COL: PATH must
 * be WHAT (got VALUE)". Return conventions as documented per function. */
typedef struct idr_range {
  int has_lo, lo_open, has_hi, hi_open;
  double lo, hi;
} idr_range;
#define IDR_RANGE_ANY ((idr_range){0, 0, 0, 0, 0, 0})
#define IDR_RANGE_GT0 ((idr_range){1, 1, 0, 0, 0, 0})
#define IDR_RANGE_GE0 ((idr_range){1, 0, 0, 0, 0, 0})

const idr_ydoc *idr_read_doc(const idr_deck_reader *r);
idr_error *idr_read_err(idr_deck_reader *r);
/* Number under map[key] in range rg. 1 present (*out set), 0 absent (*out
 * untouched), -1 error (also when absent but required). */
int idr_read_num(idr_deck_reader *r, const idr_ynode *map, const char *path, const char *key,
                 int required, idr_range rg, double *out);
/* Integer in [lo, hi]; same convention. */
int idr_read_int(idr_deck_reader *r, const idr_ynode *map, const char *path, const char *key,
                 int required, long lo, long hi, long *out);
/* One word of a NULL-terminated list: its index, -1 absent, -2 error. */
int idr_read_choice(idr_deck_reader *r, const idr_ynode *map, const char *path, const char *key,
                    int required, const char *const *words);
/* A list of lo..hi items (what: "segments" in messages); same as num. */
int idr_read_seq(idr_deck_reader *r, const idr_ynode *map, const char *path, const char *key,
                 int required, size_t lo, size_t hi, const char *what, const idr_ynode **out);
idr_status idr_read_check_map(idr_deck_reader *r, const idr_ynode *n, const char *path,
                              const char *const *keys);
idr_srcloc idr_read_loc(const idr_ynode *n);
/* A protocol's light (light_suns > 0 at node `at`, key path) needs a light
 * source: refused while generation.model is none. */
idr_status idr_read_check_light(idr_deck_reader *r, const idr_deck *d, const idr_ynode *at,
                                const char *path, double light_suns);
/* "path[i]" and "path.key" into buf (256 bytes is always enough). */
void idr_read_path_index(char *buf, size_t size, const char *path, size_t i);
void idr_read_path_key(char *buf, size_t size, const char *path, const char *key);
/* The scalar text of n for "(got ...)" ("?" when not a scalar). */
const char *idr_read_got(const idr_ynode *n);

/* ---- writing helpers for the resolved deck -------------------------------- */
void idr_yout_printf(idr_yaml_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "INDENTkey: NUMBER\n" with the shortest text that reads back exactly. */
void idr_yout_num(idr_yaml_out *o, const char *indent, const char *key, double v);
/* The shortest of %.15g, %.16g, %.17g that reads back to exactly v. */
const char *idr_yout_fmt(double v, char buf[32]);

#ifdef __cplusplus
}
#endif
#endif /* IDR_CONFIG_H */

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

#ifdef __cplusplus
extern "C" {
#endif

#define IDR_NAME_LEN 64
#define IDR_MAX_LAYERS 8
#define IDR_MAX_IONS 4
#define IDR_MAX_TRAPS 8
#define IDR_MAX_SEGMENTS 64
#define IDR_MAX_TIMES 256
#define IDR_MAX_TEMPS 64

/* Where a value came from in a deck (line and column are 1-based; 0 = default). */
typedef struct idr_srcloc {
  int line;
  int col;
} idr_srcloc;

/* Material parameters (practical units as in the key names). */
typedef struct idr_material {
  char name[IDR_NAME_LEN];
  double eps_r;            /* relative permittivity [-] */
  double chi_eV;           /* electron affinity [eV] */
  double Eg_eV;            /* band gap [eV] */
  double Nc_cm3;           /* conduction-band effective DOS at 300 K [cm^-3] */
  double Nv_cm3;           /* valence-band effective DOS at 300 K [cm^-3] */
  double mu_n_cm2_Vs;      /* electron mobility [cm^2/(V s)] */
  double mu_p_cm2_Vs;      /* hole mobility [cm^2/(V s)] */
  double k_rad_cm3_s;      /* radiative recombination coefficient [cm^3/s] */
  double C_n_auger_cm6_s;  /* Auger coefficient, electrons [cm^6/s] (0 = off) */
  double C_p_auger_cm6_s;  /* Auger coefficient, holes [cm^6/s] (0 = off) */
  double tau_n_s;          /* background mid-gap SRH lifetime, electrons [s] (0 = off) */
  double tau_p_s;          /* background mid-gap SRH lifetime, holes [s] (0 = off) */
  double alpha_cm;         /* absorption coefficient for Beer-Lambert [1/cm] */
  double G_uniform_cm3_s;  /* generation rate at 1 sun, uniform model [cm^-3 s^-1] */
} idr_material;

typedef struct idr_layer {
  char name[IDR_NAME_LEN];
  idr_material mat;        /* resolved: material file merged with inline keys */
  char material_ref[IDR_NAME_LEN]; /* `material:` name, "" if fully inline */
  double thickness_nm;     /* [nm] */
  double N_D_cm3;          /* ionised donor density [cm^-3] */
  double N_A_cm3;          /* ionised acceptor density [cm^-3] */
  int nodes;               /* mesh nodes in this layer, 0 = automatic */
  idr_srcloc loc;          /* location of this layer's mapping */
  idr_srcloc loc_thickness;
} idr_layer;

typedef struct idr_ion_species {
  char name[IDR_NAME_LEN];
  int z;                   /* charge number, +1 or -1 */
  unsigned layer_mask;     /* bit i set: lives in layers[i] */
  double density_cm3;      /* mean density = static compensating background [cm^-3] */
  double D0_cm2_s;         /* diffusion prefactor [cm^2/s] */
  double Ea_eV;            /* activation energy [eV]: D = D0 exp(-Ea/kT) */
  double c_max_cm3;        /* steric maximum density [cm^-3], 0 = none */
  idr_srcloc loc;
} idr_ion_species;

typedef enum { IDR_TRAP_ACCEPTOR = 0, IDR_TRAP_DONOR = 1 } idr_trap_type;
typedef enum { IDR_EREF_EC = 0, IDR_EREF_EV = 1 } idr_energy_ref;

typedef struct idr_trap_spec {
  char name[IDR_NAME_LEN];
  int layer;               /* index into layers[] */
  idr_trap_type type;      /* acceptor: charge -q f N_t; donor: +q (1-f) N_t */
  idr_energy_ref ref;      /* energy measured from Ec (down) or Ev (up) */
  double E_eV;             /* depth from the reference band edge [eV], > 0 */
  double density_cm3;      /* total density N_t [cm^-3] */
  double c_n_cm3_s;        /* electron capture coefficient [cm^3/s] */
  double c_p_cm3_s;        /* hole capture coefficient [cm^3/s] */
  double sigma_E_eV;       /* Gaussian width [eV], 0 = single level */
  int levels;              /* levels the Gaussian is split into (1 if sigma_E_eV = 0) */
  idr_srcloc loc;
} idr_trap_spec;

/* Heterointerface between layers[i] and layers[i+1]. */
typedef struct idr_interface_spec {
  double s_n_cm_s;         /* interface recombination velocity, electrons [cm/s] */
  double s_p_cm_s;         /* interface recombination velocity, holes [cm/s] */
} idr_interface_spec;

typedef struct idr_contact_spec {
  /* Ohmic contact. Work function [eV] (positive, below vacuum); NAN means
   * "flat band": the Fermi level that makes the adjacent layer neutral. */
  double work_function_eV;
} idr_contact_spec;

typedef enum { IDR_GEN_NONE = 0, IDR_GEN_UNIFORM = 1, IDR_GEN_BEER_LAMBERT = 2 } idr_gen_model;

typedef struct idr_generation_spec {
  idr_gen_model model;
  int from_right;          /* Beer-Lambert: light enters at x = L (1) or x = 0 (0) */
  double photon_flux_cm2_s;/* absorbed photon flux at 1 sun [cm^-2 s^-1] */
} idr_generation_spec;

typedef struct idr_mesh_spec {
  int nodes;               /* total node target (default 400) */
  double h_min_nm;         /* spacing at interfaces and contacts [nm] (default 0.2) */
} idr_mesh_spec;

typedef struct idr_solver_spec {
  double rtol;             /* IDA relative tolerance (default 1e-6) */
  double atol_density_cm3; /* absolute tolerance on densities [cm^-3] (default 1e3) */
  double atol_potential_V; /* absolute tolerance on potential [V] (default 1e-9) */
  long max_steps;          /* IDA steps per segment (default 500000) */
} idr_solver_spec;

/* One piece of a waveform: constant voltage and light for a duration. */
typedef struct idr_segment {
  double duration_s;       /* [s], > 0 */
  double V_V;              /* applied voltage on the left contact [V] */
  double light_suns;       /* illumination [suns] */
  int samples;             /* output times in this segment (default 50) */
  int log_spacing;         /* 1: log-spaced from the segment start (default), 0: linear */
  idr_srcloc loc;
} idr_segment;

typedef enum {
  IDR_PROTO_EQUILIBRATE = 0,
  IDR_PROTO_WAVEFORM = 1,
  IDR_PROTO_TID = 2,
  IDR_PROTO_CF = 3,
  IDR_PROTO_CV = 4
} idr_protocol_type;

typedef struct idr_protocol_spec {
  idr_protocol_type type;
  /* waveform */
  int n_segments;
  idr_segment segments[IDR_MAX_SEGMENTS];
  int n_profile_times;
  double profile_times_s[IDR_MAX_TIMES]; /* absolute times for profile snapshots [s] */
  /* equilibrate: nothing else. TID, CF, CV: reserved for their issues. */
  idr_srcloc loc;
} idr_protocol_spec;

typedef struct idr_output_spec {
  char h5_path[512];       /* default: <deck stem>.h5 */
  char csv_path[512];      /* J(t) CSV, default: <deck stem>_J.csv, "" = none */
} idr_output_spec;

typedef struct idr_deck {
  char path[512];          /* the deck file as given */
  char title[256];
  double temperature_K;    /* [K] */
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
  char *resolved_yaml;     /* the fully resolved deck (malloc'd), for the HDF5 root */
} idr_deck;

/* Fill a deck with every default (no layers). */
void idr_deck_defaults(idr_deck *d);

/* Parse and validate a deck file. `sets` are "path.to.key=value" overrides
 * (n_sets of them) applied before validation. Materials named in layers are
 * resolved from the material directory (NULL: $IONDRIFT_MATERIALS or the
 * built-in data directory). On error returns IDR_ERR_INPUT with a message of
 * the form "file:line:col: what must be (got value)". */
idr_status idr_deck_load(const char *path, const char *const *sets, int n_sets,
                         const char *materials_dir, idr_deck *out, idr_error *err);

/* Same, from a string (name used in messages). */
idr_status idr_deck_load_string(const char *text, const char *name, const char *const *sets,
                                int n_sets, const char *materials_dir, idr_deck *out,
                                idr_error *err);

void idr_deck_free(idr_deck *d);

#ifdef __cplusplus
}
#endif
#endif /* IDR_CONFIG_H */

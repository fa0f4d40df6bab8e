/*
 * iondrift: the public C API (docs/api.md).
 *
 * A study is a deck (YAML: a device, a protocol, solver settings) held as an
 * opaque handle: load it from a file or a string, copy it, change any value
 * by its deck path with a typed setter (the deck reader's own checks and
 * messages), run its protocol, and read the results by the names and units
 * they carry in the result file (docs/outputs.md), or write that file.
 *
 *   idr_error err;
 *   idr_error_clear(&err);
 *   idr_study *s = NULL;
 *   idr_result *r = NULL;
 *   if (idr_study_load("deck.yaml", NULL, 0, &s, &err) ||
 *       idr_study_set_double(s, "ions[0].Ea_eV", 0.3, &err) ||
 *       idr_study_run(s, 2, NULL, NULL, &r, &err))
 *     fprintf(stderr, "%s\n", err.msg);
 *   idr_dataset C;
 *   if (r && idr_result_dataset(r, "tid/C", &C, &err) == IDR_OK) ... C.data, C.units
 *   idr_result_free(&r);
 *   idr_study_free(&s);
 *
 * Contract:
 * - Every function that can fail returns an idr_status (IDR_OK = 0) and, when
 *   err is not NULL, the message the command line prints for the same
 *   failure. The first failure recorded in an idr_error wins: clear it
 *   (idr_error_clear) before use and after handling a failure.
 *   IDR_ERR_INPUT, IDR_ERR_RANGE and IDR_ERR_UNSUPPORTED are bad input; the
 *   rest are runtime failures.
 * - Nothing prints to stdout or stderr; nothing calls exit().
 * - Re-entrant: handles are independent, a handle belongs to one thread at a
 *   time, and different threads may load, run and write different studies
 *   at once (OpenMP threads inside a run are the `threads` argument).
 * - Process-wide state: GSL aborts on an error by default; the first call of
 *   this API replaces that default handler by gsl_set_error_handler_off()
 *   (the library checks every GSL status). A handler the application
 *   installed itself is left in place. HDF5's automatic error printing is
 *   saved and restored around every file the library writes.
 * - Numbers are read and written in the "C" locale (the default of a
 *   process that never calls setlocale()).
 * - Material data: $IONDRIFT_MATERIALS, else the data installed beside the
 *   library (<prefix>/share/iondrift/materials), else the source tree.
 */
#ifndef IONDRIFT_H
#define IONDRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "idr_core.h" /* idr_status, idr_error, idr_status_str, idr_version */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct idr_study idr_study;
typedef struct idr_result idr_result;

/* ---- studies ----------------------------------------------------------------- */

/* Load a deck file. sets are "path.to.key=YAML" overrides applied before the
 * deck is checked, as `iondrift run --set` does (n_sets of them, may be
 * NULL/0). On failure *out is NULL. */
idr_status idr_study_load(const char *path, const char *const *sets, int n_sets, idr_study **out,
                          idr_error *err);
/* The same from YAML text; name (NULL: "<string>") appears in messages and
 * gives the default output names (<name stem>.h5). */
idr_status idr_study_load_string(const char *yaml, const char *name, const char *const *sets,
                                 int n_sets, idr_study **out, idr_error *err);
/* An independent deep copy. */
idr_status idr_study_copy(const idr_study *s, idr_study **out, idr_error *err);
/* Free and set *s to NULL (NULL and *s == NULL are fine). */
void idr_study_free(idr_study **s);

/* Typed setters by deck path ("ions[0].Ea_eV", "layers[1].composition.x",
 * "protocol.temperatures_K", "mesh.nodes", "layers.1.thickness_nm"). The
 * whole deck is checked again with the deck reader's rules, so a value is
 * refused exactly when the same value in the deck file would be, with the
 * same rule in the message ("DECK: set ions[0].Ea_eV: must be >= 0 (got
 * -0.1)"); a refused change leaves the study as it was. Doubles are written
 * with the shortest text that reads back to the same bits. */
idr_status idr_study_set_double(idr_study *s, const char *path, double v, idr_error *err);
idr_status idr_study_set_int(idr_study *s, const char *path, long v, idr_error *err);
idr_status idr_study_set_string(idr_study *s, const char *path, const char *v, idr_error *err);
idr_status idr_study_set_doubles(idr_study *s, const char *path, const double *v, size_t n,
                                 idr_error *err);
/* Several values at once, checked once (for changes whose intermediate
 * states would be refused, e.g. a composition family and its x). */
typedef struct idr_value {
  const char *path; /* deck path */
  const char *text; /* a string value, or NULL: the number below */
  double number;
} idr_value;
idr_status idr_study_set_values(idr_study *s, const idr_value *v, size_t n, idr_error *err);
/* Any YAML value, e.g. a whole mapping: ("protocol", "{type: cf, V_V: 0}"). */
idr_status idr_study_set_yaml(idr_study *s, const char *path, const char *yaml, idr_error *err);

/* Values of the resolved deck (every default and material value explicit,
 * docs/deck.md), else of the deck as written (e.g. layers[1].composition.x). */
idr_status idr_study_get_double(const idr_study *s, const char *path, double *v, idr_error *err);
/* A scalar as text into buf (size bytes). */
idr_status idr_study_get_string(const idr_study *s, const char *path, char *buf, size_t size,
                                idr_error *err);
/* Number of entries of a list ("layers", "ions", "protocol.temperatures_K"). */
idr_status idr_study_get_count(const idr_study *s, const char *path, size_t *n, idr_error *err);
/* The deck's file name (or the name given to idr_study_load_string), its
 * title, its protocol ("tid") and the resolved deck as YAML text (valid
 * until the study changes). */
const char *idr_study_name(const idr_study *s);
const char *idr_study_title(const idr_study *s);
const char *idr_study_protocol(const idr_study *s);
const char *idr_study_deck_yaml(const idr_study *s);

/* The files a result of this study is written to: h5 is h5_override or the
 * deck's output.h5; csv the CSV that goes with it ("" when none; rules in
 * docs/outputs.md). Each buffer holds size bytes. */
idr_status idr_study_output_paths(const idr_study *s, const char *h5_override, char *h5, char *csv,
                                  size_t size, idr_error *err);

/* Progress of a run: fraction done (0..1), what is being done. Called only
 * on the thread that called idr_study_run, never twice at once, with
 * fractions that never decrease: with a callback the run itself goes to a
 * helper thread (with the caller's OpenMP thread count) whose reports,
 * from whichever OpenMP thread produced them, this thread delivers; a
 * report that arrives while the previous one is being delivered replaces
 * any still waiting, and the last is always delivered. Without a callback
 * (NULL) the run uses the calling thread itself. */
typedef void (*idr_progress_cb)(void *user, double fraction, const char *stage);

/* Run the study's protocol (thermal equilibrium first) with `threads`
 * OpenMP threads (0: the deck's protocol.threads, else the runtime's
 * default). *out receives the result (free with idr_result_free). */
idr_status idr_study_run(const idr_study *s, int threads, idr_progress_cb progress, void *user,
                         idr_result **out, idr_error *err);

/* ---- results -------------------------------------------------------------------
 * A result holds the contents of a result file: groups and datasets under
 * HDF5 paths ("tid/C", "transient/J", "equilibrium/phi"), every dataset with
 * its units, and attributes on groups and datasets ("/" is the root). */
typedef enum { IDR_RESULT_DOUBLE = 0, IDR_RESULT_INT = 1 } idr_result_type;

typedef struct idr_dataset {
  const char *name;     /* its path ("tid/C"); "" for the root group */
  int is_dataset;       /* 0: a group */
  idr_result_type type; /* double or int (int: counts, indices) */
  int rank;             /* 1 or 2 */
  size_t dims[2];       /* rows, cols (rank 1: cols = 1) */
  const void *data;     /* row-major; valid until the result is freed or changed */
  const char *units;    /* SI units ("F/m^2", "-" for a number, "" for a group) */
  size_t n_attrs;       /* attributes on it */
} idr_dataset;

/* Entries (groups and datasets) in writing order. */
size_t idr_result_count(const idr_result *r);
idr_status idr_result_entry(const idr_result *r, size_t i, idr_dataset *out, idr_error *err);
/* The entry at a path (a group or a dataset); IDR_ERR_INPUT when absent. */
idr_status idr_result_dataset(const idr_result *r, const char *name, idr_dataset *out,
                              idr_error *err);
/* Attribute i of the entry obj: its name and either a number (*s = NULL)
 * or a string. */
idr_status idr_result_attr(const idr_result *r, const char *obj, size_t i, const char **name,
                           double *v, const char **s, idr_error *err);
idr_status idr_result_attr_double(const idr_result *r, const char *obj, const char *name, double *v,
                                  idr_error *err);
idr_status idr_result_attr_string(const idr_result *r, const char *obj, const char *name,
                                  const char **v, idr_error *err);
/* Item k of a comma-separated string attribute (a list of names, one per
 * row of a table: summary@samples of a reproduction) into buf. */
idr_status idr_result_attr_item(const idr_result *r, const char *obj, const char *name, size_t k,
                                char *buf, size_t size, idr_error *err);

/* Write the result file h5_path (NULL: the deck's output.h5) and, when the
 * protocol has one, the CSV beside it (csv_path NULL: the default pairing of
 * idr_study_output_paths; "": none). Both files or neither; temporary names
 * renamed on success. */
idr_status idr_result_write(const idr_result *r, const char *h5_path, const char *csv_path,
                            idr_error *err);
idr_status idr_result_copy(const idr_result *r, idr_result **out, idr_error *err);
void idr_result_free(idr_result **r);

/* Building a result (drivers that write their own files: the studies, a
 * fit, a sweep). Datasets are copied; an attribute of the same name is
 * replaced; missing parent groups are created. */
idr_status idr_result_create(idr_result **out, idr_error *err);
idr_status idr_result_put_double(idr_result *r, const char *name, const double *data, int rank,
                                 const size_t *dims, const char *units, idr_error *err);
idr_status idr_result_put_int(idr_result *r, const char *name, const int *data, size_t n,
                              const char *units, idr_error *err);
idr_status idr_result_set_attr_double(idr_result *r, const char *obj, const char *name, double v,
                                      idr_error *err);
idr_status idr_result_set_attr_string(idr_result *r, const char *obj, const char *name,
                                      const char *v, idr_error *err);
/* Every entry at or below src_group of src, copied to dst under dst_group. */
idr_status idr_result_copy_group(idr_result *dst, const char *dst_group, const idr_result *src,
                                 const char *src_group, idr_error *err);

/* ---- drivers of many runs (studies/) --------------------------------------------- */

/* The extracted value of a run (an inversion's g): IDR_OK and *g, or a
 * failure that stops the inversion (no extraction, the wrong species). */
typedef idr_status (*idr_extract_fn)(void *user, const idr_result *r, double *g, idr_error *err);

/* Find the input p of a study whose run gives an extracted value g(p) equal
 * to a target, g increasing in p: bracketing steps, then Brent's method
 * (analysis/invert.c), each g one full run; p is changed with the typed
 * setter, never by editing the deck text. */
typedef struct idr_invert_problem {
  const char *param;   /* the input: a deck path ("ions[0].Ea_eV") */
  double target;       /* the extracted value wanted [unit g] */
  double p0;           /* the first input tried [unit p] */
  double p_min, p_max; /* p is searched in [p_min, p_max] */
  double p_tol, g_tol; /* stop when the bracket < p_tol or |g - target| <= g_tol */
  double slope;        /* expected dg/dp for the first step (1 when 0) */
  int max_runs;        /* budget of runs (12 when 0) */
  int threads;         /* OpenMP threads of each run (0: the default) */
  /* g of a result: extract(extract_user, r, &g); NULL: the number attribute
   * value_attr of the entry value_obj */
  idr_extract_fn extract;
  void *extract_user;
  const char *value_obj, *value_attr;
  /* after each run (may be NULL): its input, extracted value and wall time [s] */
  void (*on_run)(void *user, double p, double g, double wall_s);
  void *on_run_user;
} idr_invert_problem;

/* Solve the problem on s. On success s holds the solution p (*p, *g: the
 * solution and its extracted value, *runs: runs used; each may be NULL) and
 * *out (may be NULL) the solution's result (the last run when it was the
 * solution, else one more run). On failure s is unchanged. */
idr_status idr_study_invert(idr_study *s, const idr_invert_problem *prob, double *p, double *g,
                            int *runs, idr_result **out, idr_error *err);

/* The reproduction of the dark TID study of Xiang et al., J. Mater. Chem. A
 * 2026, 14, 16493: for every FAPb(I1-xBrx)3 sample (x = 0 .. 0.25) and the
 * FAPbI3 + 5 % FAI sample, the deck of examples/xiang2026.yaml with that
 * composition -> the TID scan -> the experimenters' extraction -> Ea and
 * N_ion beside the inputs and the study's stated values. */
#define IDR_XIANG2026_SAMPLES 8
/* Sample s's name ("x0", "x0.025", ..., "FAI"), NULL out of range. */
const char *idr_xiang2026_sample(int s);
/* The sample a name means ("x0.1" is x0.10), -1 for none. */
int idr_xiang2026_find(const char *name);

typedef struct idr_reproduce_options {
  const char *deck; /* the base deck (NULL: examples/xiang2026.yaml of the data directory) */
  unsigned samples; /* bit s: run sample s (0: all) */
  int threads;      /* OpenMP threads of each scan (0: the default) */
  int invert;       /* 1: per sample, the true halide Ea whose extraction returns the
                       composition's TID value (idr_study_invert) */
  /* progress lines ("x0.025  (2/8) 0.41 s: Ea true ..."), may be NULL */
  void (*on_progress)(void *user, const char *line);
  /* called once every sample's deck is checked, before the first run (to
   * create the output directory); a failure stops the reproduction. NULL: none */
  idr_status (*ready)(void *user, idr_error *err);
  void *user; /* of on_progress and ready */
  /* the TAS panel: per sample, the TAS deck (NULL: examples/xiang2026_tas.yaml)
   * with the sample's composition, the apparent trap bands II and III */
  const char *tas_deck;
  int no_tas; /* 1: no TAS panel */
  /* the illuminated panel (Fig. 4a): per selected FAPbI3-Br sample the light
   * deck (NULL: examples/xiang2026_light.yaml) with its composition, and the
   * photo-aged 25 % Br sample "x0.25-aged" (the dark deck, family
   * FAPbI3-Br-aged) */
  int light;              /* 1: run it */
  const char *light_deck; /* NULL: examples/xiang2026_light.yaml */
} idr_reproduce_options;

/* Run the reproduction; *out: root attributes (study, deck_yaml, wall_time_s,
 * inverted), summary/ (one row per sample: x, fai_sample, Ea_true,
 * Ea_extracted, Ea_err, Ea_stated, Ea_tid_target [eV], N_true, N_extracted,
 * N_err [cm^-3]; attributes `samples` and `species`: the names of the rows,
 * comma-separated; with the TAS panel N_band_II_true, N_band_II_TAS,
 * N_band_II_TAS_err and the same for band III [cm^-3]) and samples/NAME/tid
 * (each sample's TID group; samples/NAME/tas its TAS group). With light:
 * samples/NAME/tid_light (the illuminated scan), samples/x0.25-aged/tid and
 * summary_light/ (one row per detected component of each illuminated scan,
 * then the aged sample's row: x, illuminated (int), Ea_true, Ea_extracted,
 * Ea_err [eV], N_true, N_extracted, N_err [cm^-3]; attributes `samples` and
 * `species` (anion | cation | none)). Bad input (the decks, a sample) is
 * found before anything runs. */
idr_status idr_reproduce_xiang2026(const idr_reproduce_options *o, idr_result **out,
                                   idr_error *err);
/* Write a reproduction's DIR/reproduce.h5 and DIR/reproduce.csv (one row per
 * sample: docs/outputs.md); DIR must exist. */
idr_status idr_reproduce_write(const idr_result *r, const char *dir, idr_error *err);

/* ---- measured data: the TID extraction and the Mott-Schottky fit ---------------
 * What `iondrift extract` and `iondrift mott-schottky` do (docs/cli.md), on
 * a file (a lab export read by the rules of docs/data.md, or for the
 * extraction the result file of a `tid` run) or on arrays. The result holds
 * what `iondrift extract -o` writes (docs/outputs.md); write it with
 * idr_result_write(r, path, "", err). Messages name the command line's
 * options (--eps-r, --temp-tol-K, ...): each is the field of the same name
 * below. Warnings (an implausible magnitude, a unit option that contradicts
 * a header) go to on_warning as they arise, on the calling thread, and are
 * kept in the result's root attribute `warnings` (one per line). */

/* How a lab export is read (docs/data.md; the command line's data options). */
typedef struct idr_data_options {
  const char *columns; /* --columns "quantity=Header,..." (#N: the N-th field); NULL: by name */
  /* the unit of a column (--temp-unit ...); NULL: the header's, else the SI unit */
  const char *temp_unit, *time_unit, *freq_unit, *volt_unit, *cap_unit, *cond_unit;
  double temp_tol_K;   /* --temp-tol-K: readings closer than this are one temperature [K] (0.5) */
  double x_min, x_max; /* rows whose abscissa (the time of a TID table, --t-min-s, --t-max-s)
                          lies outside [x_min, x_max] are skipped [SI] (-inf, inf) */
  size_t skip_lines;   /* --skip-lines: lines ignored at the top (0) */
} idr_data_options;
void idr_data_options_default(idr_data_options *o);
/* IDR_OK when unit is a unit of quantity, a canonical column name
 * ("capacitance_F", "time_s"); else IDR_ERR_INPUT naming the units known. */
idr_status idr_data_unit_check(const char *quantity, const char *unit, idr_error *err);

typedef void (*idr_warning_fn)(void *user, const char *msg);

/* The TID extraction (docs/analysis.md): per-temperature fits, Arrhenius
 * ln(T^n/tau) = ln A - Ea/(kT), the tied global fit, then per species Ea,
 * N_ion = 2 N_A |dC|/C_inf, D0, D(300 K); without N_A (an intrinsic
 * absorber) Ea, tau and N_ion D from tau = R_ion C_s. */
typedef struct idr_extract_options {
  double eps_r;              /* --eps-r: absorber permittivity [-]; NAN: a result file's */
  double doping_cm3;         /* --doping-cm3: N_A [cm^-3]; NAN: cv_file's, else a result file's,
                                else none (an intrinsic absorber) */
  const char *cv_file;       /* --cv: N_A from the Mott-Schottky fit of this C-V table (300 K,
                                kT/q included; needs area_cm2); NULL: none */
  double cv_V_lo, cv_V_hi;   /* --cv-range of that fit [V] (-inf, inf: every point) */
  double area_cm2;           /* --area-cm2: device area [cm^2] (a table's C in F per area); NAN */
  double thickness_nm;       /* --thickness-nm (intrinsic absorber) [nm]; NAN: a result file's */
  double n_ion_cm3;          /* --n-ion-cm3: an independent N_ion (intrinsic: D) [cm^-3]; NAN */
  const char *polarity;      /* --polarity "pin" | "nip"; NULL: a result file's, else unassigned */
  const char *model;         /* --model "single" | "stretched" | "two"; NULL: by components */
  const char *components;    /* --components "1" | "2" | "auto": species sought (1: model
                                single or stretched; 2: two; auto: two only when two opposite-
                                sign components stand above the noise); NULL: by model, and
                                auto when model is NULL too */
  int power;                 /* --power n in ln(T^n/tau): 0, 1 (default), 2 */
  idr_data_options data;     /* how a table is read; x_min, x_max: the time window [s] */
  idr_warning_fn on_warning; /* may be NULL */
  void *user;                /* of on_warning */
} idr_extract_options;
void idr_extract_options_default(idr_extract_options *o);
/* The options' own rules (a value > 0, power, model, polarity, not both
 * doping_cm3 and cv_file, cv_file with area_cm2), checked before anything
 * is read; the message names the option ("give either --doping-cm3 or --cv
 * for N_A, not both"). The extraction checks them too ("extract: ..."). */
idr_status idr_extract_options_check(const idr_extract_options *o, idr_error *err);

/* A file: a lab export (temperature, time, capacitance columns; C of the
 * device, in F) or a result file of a `tid` run (tid/T, tid/t, tid/C per
 * area; its absorber, polarity and true ion parameters are used). *out: the
 * root attributes (command, input, input_kind, input_read, N_A_source,
 * area_cm2, thickness_nm, warnings), data/ (the curves used),
 * mott_schottky/ (with cv_file) and extraction/ (the layout of a run's
 * tid/extraction, with true/<ion> for a result file). Bad input (options,
 * the file, too few temperatures or points, a failed extraction) is
 * IDR_ERR_INPUT or IDR_ERR_RANGE, I/O errors reading IDR_ERR_IO. */
idr_status idr_extract_tid_file(const char *path, const idr_extract_options *o, idr_result **out,
                                idr_error *err);

/* Curves in memory: curve j is t_s, C [offset[j], offset[j + 1]), times
 * increasing within a curve. */
typedef struct idr_tid_curves {
  size_t m;                 /* temperatures (>= 2) */
  const double *T_K;        /* [m] temperatures [K] */
  const double *T_spread_K; /* [m] spread of each temperature's readings [K], or NULL */
  const size_t *offset;     /* [m + 1]; NULL: every curve has n points */
  size_t n;                 /* points per curve when offset is NULL */
  const double *t_s;        /* times since the end of the fill pulse [s] */
  const double *C;          /* capacitance: of the device [F], or per area [F/m^2] */
  const char *C_units;      /* "F" (NULL) or "F/m^2" */
} idr_tid_curves;
/* The same extraction (input "<arrays>", input_kind "arrays"); points at
 * t <= 0 or outside the window data.x_min..x_max are left out. */
idr_status idr_extract_tid_arrays(const idr_tid_curves *d, const idr_extract_options *o,
                                  idr_result **out, idr_error *err);

/* The Mott-Schottky law of a one-sided abrupt junction,
 * 1/C^2 = 2 (V_bi - V - kT/q) / (q eps0 eps_r A^2 N), fitted by linear
 * regression of 1/C^2 on V (docs/analysis.md). */
typedef struct idr_ms_options {
  double area_cm2;   /* --area-cm2: device area [cm^2], > 0 (required) */
  double eps_r;      /* --eps-r: permittivity of the depleted layer [-], > 0 (required) */
  double V_lo, V_hi; /* --range: the points fitted [V] (-inf, inf) */
  double T_K;        /* --T-K: temperature of kT/q [K] (300) */
  int include_kT;    /* 1 (default): V_bi includes kT/q; 0: --no-kT, the intercept */
  idr_data_options data;
  idr_warning_fn on_warning; /* may be NULL */
  void *user;
} idr_ms_options;
void idr_ms_options_default(idr_ms_options *o);
/* The options' rules ("missing --area-cm2 (the device area in cm^2)"); the
 * fit checks them too ("mott-schottky: ..."). */
idr_status idr_ms_options_check(const idr_ms_options *o, idr_error *err);
/* A C-V table (voltage and capacitance columns; C of the device in F).
 * *out: root attributes (command, input, input_kind, input_read, warnings)
 * and mott_schottky/ (@N_cm3 @N_err_cm3 @V_bi_V @V_bi_err_V @slope_F-2_V-1
 * @points @r2 @polarity @kT_included @V_lo_V @V_hi_V @area_cm2 @eps_r @T_K;
 * V [V], C [F]: the table as read). An error that cannot be estimated
 * (exactly 2 points) is NaN. */
idr_status idr_mott_schottky_file(const char *path, const idr_ms_options *o, idr_result **out,
                                  idr_error *err);
/* The same on n points (V [V], C_F [F]). */
idr_status idr_mott_schottky_arrays(const double *V, const double *C_F, size_t n,
                                    const idr_ms_options *o, idr_result **out, idr_error *err);

/* The thermal admittance spectroscopy analysis of a C-f-T table
 * (`iondrift tas-extract`, docs/tas.md; the code a `tas` run applies to its
 * own map): inflections of -w dC/dw followed over temperature as levels,
 * Arrhenius ln(w0/T^2) = ln(2 xi0) - E/kT per level, Walter's tDOS
 * N_t(E_w) = -(V_bi/(q W)) (dC/dw)(w/kT) at E_w = kT ln(2 xi0 T^2/w),
 * Gaussian bands fitted to it, and each level's density from its step. */
#define IDR_TAS_SMOOTH_MAX 100
typedef struct idr_tas_extract_options {
  double area_cm2;         /* --area-cm2: device area [cm^2], > 0 (required) */
  double eps_r;            /* --eps-r: absorber permittivity [-], > 0 (required) */
  double vbi_V;            /* --vbi: built-in voltage [V]; NAN: from cv_file (one of the two) */
  const char *cv_file;     /* --cv: V_bi, N and W from the Mott-Schottky fit of this C-V table */
  double cv_V_lo, cv_V_hi; /* --cv-range of that fit [V] (-inf, inf: every point) */
  double w_nm;             /* --w-nm: depletion width [nm]; NAN: from the fit at bias_V, else
                              eps A / C at the highest frequency of the coldest curve */
  double bias_V;           /* --bias-V: the DC bias of the table [V] (0) */
  double doping_cm3;       /* --doping-cm3: N_A [cm^-3]; NAN: the fit's, else none */
  double band_dos_cm3;     /* --band-dos-cm3: N_c of the emitting band (the step law) [cm^-3];
                              NAN: the analysis default */
  int smooth;              /* --smooth: running-mean passes over -w dC/dw, 0..IDR_TAS_SMOOTH_MAX */
  idr_data_options data;   /* how a table is read (temperature, frequency, capacitance and
                              optional conductance columns); x_min, x_max: frequency window [Hz] */
  idr_warning_fn on_warning; /* may be NULL */
  void *user;                /* of on_warning */
} idr_tas_extract_options;
void idr_tas_extract_options_default(idr_tas_extract_options *o);
/* The options' rules (area and eps_r given, > 0; exactly one of vbi_V and
 * cv_file; smooth in range); the analysis checks them too ("tas-extract: ..."). */
idr_status idr_tas_extract_options_check(const idr_tas_extract_options *o, idr_error *err);
/* A file: a lab export (docs/data.md: temperature_K, frequency_Hz,
 * capacitance_F[, conductance_S]; C of the device in F) or the tas/ CSV of
 * a run. *out: root attributes (command, input, input_kind, input_read,
 * V_bi_source, W_source, W_nm, N_A_cm3, band_dos_cm3, area_cm2, eps_r,
 * warnings), data/ (T, offset, f, C, G: the curves used), mott_schottky/
 * (with cv_file) and extraction/ (the layout of a run's tas/extraction,
 * docs/outputs.md). */
idr_status idr_extract_tas_file(const char *path, const idr_tas_extract_options *o,
                                idr_result **out, idr_error *err);

/* ---- fitting the device model to measured data (fit/, docs/fit.md) --------------
 * A fit spec (YAML) names a base deck, the measured data sets (tid C(t,T),
 * cf C(f), cv C(V) lab exports read by the rules of docs/data.md, each with
 * its sigma), the device area and the parameters to fit (deck paths with
 * bounds and a scale). Each data set is simulated by its own protocol at
 * the data's own temperatures, times, frequencies and biases (one study
 * per curve, every value through the typed setter); the weighted residuals
 * of all data sets are minimized by GSL's trust-region Levenberg-Marquardt
 * with geodesic acceleration, from the best points of a Sobol design;
 * standard errors and correlations come from the covariance at the
 * optimum, intervals from profile likelihoods. */

typedef struct idr_fit idr_fit;

/* Read and check a fit spec, its deck (relative to the spec's directory)
 * and its data files, and build every curve's study: bad input is
 * IDR_ERR_INPUT with "fit.yaml:LINE:COL: KEY ..." (or the data file's or
 * the setter's own message behind it), before any simulation. */
idr_status idr_fit_load(const char *spec_path, idr_fit **out, idr_error *err);
void idr_fit_free(idr_fit **f);

size_t idr_fit_n_params(const idr_fit *f);
const char *idr_fit_param_path(const idr_fit *f, size_t k);
size_t idr_fit_n_points(const idr_fit *f); /* data points (residuals) */
size_t idr_fit_n_curves(const idr_fit *f); /* simulated curves (studies per evaluation) */
size_t idr_fit_n_datasets(const idr_fit *f);
const char *idr_fit_resolved(const idr_fit *f); /* the resolved spec (YAML) */

/* Progress of a fit (on the calling thread, between parallel sections). */
typedef struct idr_fit_progress {
  const char *stage;  /* "design", "start 1/2", "covariance", "profile ions[0].Ea_eV", "done" */
  int iter;           /* iteration of the stage (0: its start) */
  double cost;        /* chi-square sum r^2 of the stage's current point */
  double step;        /* size of the last step in the fitting scales */
  size_t simulations; /* curve simulations so far */
  double elapsed_s;   /* since the fit started */
} idr_fit_progress;
typedef void (*idr_fit_progress_fn)(void *user, const idr_fit_progress *p);

typedef struct idr_fit_run_options {
  int threads;                  /* OpenMP threads (0: the runtime's default) */
  int no_profiles;              /* 1: skip the profile likelihoods */
  idr_fit_progress_fn progress; /* may be NULL */
  void *user;
} idr_fit_run_options;
void idr_fit_run_options_default(idr_fit_run_options *o);

/* Run the fit (design, LM from the best starts, covariance, profiles, the
 * textbook extraction of the tid data). A simulation that fails at a trial
 * point is a rejected step; the fit fails (IDR_ERR_SOLVER) only when no
 * point of the design could be simulated. */
idr_status idr_fit_run(idr_fit *f, const idr_fit_run_options *o, idr_error *err);

/* One parameter's outcome (after idr_fit_run), in deck units. */
typedef struct idr_fit_param_result {
  const char *path;        /* deck path */
  const char *units;       /* "eV", "cm^-3", "cm^2/s", ... */
  int log_scale;           /* fitted in log10 */
  double start;            /* where the best start began [deck units] */
  double value;            /* best fit */
  double stderr_;          /* standard error [deck units] (linearized; INFINITY: undetermined) */
  double stderr_z;         /* the same in the fitting scale (log10 units for log) */
  double ci68[2], ci95[2]; /* profile-likelihood intervals (NAN: not profiled; a bound
                              when the profile stays below the level up to it) */
  int profiled;            /* 1: intervals from a profile */
  int identifiable;        /* 0: flat profile, undetermined, or |corr| > 0.99 with another */
} idr_fit_param_result;
idr_status idr_fit_param(const idr_fit *f, size_t k, idr_fit_param_result *out, idr_error *err);
double idr_fit_chi2_reduced(const idr_fit *f); /* chi^2 / (points - parameters - offsets) */
size_t idr_fit_simulations(const idr_fit *f);  /* curve simulations used */
/* Warnings of the fit (non-identifiable parameters named), one per line;
 * "" when none. */
const char *idr_fit_warnings(const idr_fit *f);
/* Everything the result file holds (docs/outputs.md, "fit"): data, best-fit
 * curves, residuals, covariance, correlation, profiles, the textbook
 * extraction and the resolved spec; valid until the fit is freed. */
const idr_result *idr_fit_result(const idr_fit *f);
/* Write that file (temporary name renamed on success). */
idr_status idr_fit_write(const idr_fit *f, const char *h5_path, idr_error *err);

/* ---- parameter sweeps (sweep/, docs/sweep.md) -------------------------------------
 * A sweep spec (YAML) names a base deck, an optional protocol override and
 * fixed changes, the axes (deck paths with values, linspace or logspace as
 * a grid, zip groups or a zip; or ranges sampled by one of GSL's
 * quasi-random generators) and the named outputs of every point. Each point
 * is the base study with its axis values set through the typed setter,
 * run on one thread, and reduced to its outputs (and, when asked, its
 * curves). A sweep runs its points on OpenMP threads and, in a build with
 * MPI started by a launcher, over ranks (rank 0 owns the journal and the
 * output); every finished point is appended to a journal (flushed and
 * fsynced) before it counts, so a killed sweep resumes to the same table. */

typedef struct idr_sweep idr_sweep;

/* Read and check a sweep spec: the YAML keys, the base deck (relative to the
 * spec file's directory), the protocol override and `set` changes, the
 * design and the outputs. Errors read "sweep.yaml:LINE:COL: KEY ..." with
 * status IDR_ERR_INPUT (or the deck's own message). The points' decks are
 * checked by idr_sweep_check_points. */
idr_status idr_sweep_load(const char *spec_path, idr_sweep **out, idr_error *err);
void idr_sweep_free(idr_sweep **sw);

/* Every point's deck (the typed setter's checks) and every output's
 * availability for it (e.g. tau_300K_s needs a tid protocol with 300 K):
 * the first failure names the point, its axis values and the rule. */
idr_status idr_sweep_check_points(const idr_sweep *sw, idr_error *err);

size_t idr_sweep_n_points(const idr_sweep *sw);
size_t idr_sweep_n_axes(const idr_sweep *sw);
const char *idr_sweep_axis_path(const idr_sweep *sw, size_t k);
size_t idr_sweep_n_outputs(const idr_sweep *sw);
const char *idr_sweep_output_name(const idr_sweep *sw, size_t j);
const char *idr_sweep_output_units(const idr_sweep *sw, size_t j);
const char *idr_sweep_design_name(const idr_sweep *sw); /* "grid", "zip", "sobol", ... */
const char *idr_sweep_protocol(const idr_sweep *sw);    /* of the base study */
/* The axis value of point i as CSV text (a number with the shortest
 * round-trip text, or a string), into buf. */
void idr_sweep_axis_text(const idr_sweep *sw, size_t i, size_t k, char *buf, size_t size);
/* The resolved spec (YAML text): what makes a point, compared on resume. */
const char *idr_sweep_resolved(const idr_sweep *sw);
/* 64-bit FNV-1a of the resolved spec. */
uint64_t idr_sweep_fingerprint(const idr_sweep *sw);

/* ---- one point ------------------------------------------------------------- */

/* The outcome of one point. */
typedef struct idr_sweep_record {
  size_t index;
  int ok;                       /* 1: the run succeeded; 0: it failed (message says why) */
  double *values;               /* n_outputs values (NaN where none) */
  char message[IDR_ERRMSG_LEN]; /* the failure, or notes on missing outputs; "" */
  double run_s;                 /* wall time of the run alone [s] */
  unsigned char *curves;        /* the packed curves (curves: true), or NULL */
  size_t curves_size;
} idr_sweep_record;

idr_status idr_sweep_record_init(const idr_sweep *sw, idr_sweep_record *rec, idr_error *err);
void idr_sweep_record_free(idr_sweep_record *rec);

/* Run point i into rec (a failure of the point is rec->ok = 0, not an
 * error; an error is out of memory). */
idr_status idr_sweep_eval(const idr_sweep *sw, size_t i, idr_sweep_record *rec, idr_error *err);

/* ---- a whole sweep into a directory ------------------------------------------ */

typedef struct idr_sweep_progress {
  size_t total;     /* points of the sweep (of the slice) */
  size_t resumed;   /* finished before this start (from the journal) */
  size_t done;      /* finished in this start (ok or failed) */
  size_t failed;    /* failed, in this start and before */
  size_t flagged;   /* ran, status 'flagged' (idr_sweep_summary), in this start and before */
  double elapsed_s; /* since this start */
  double rate;      /* points per second in this start (0: not known yet) */
  double eta_s;     /* time left [s] (NaN: not known yet) */
} idr_sweep_progress;

typedef struct idr_sweep_run_opts {
  const char *dir;      /* output directory (created if missing; its parent must exist) */
  int threads;          /* OpenMP threads per process (0: the runtime's default) */
  int restart;          /* 1: discard what DIR holds of an earlier sweep first */
  int retry_failed;     /* 1: run the points recorded as failed again */
  int slice_k, slice_n; /* slice_n > 0: run only points i with i % slice_n == slice_k */
  int merge_only;       /* 1: run nothing, write the tables from the journals */
  /* called after each finished point (from one thread at a time) and once
   * at the end; may be NULL */
  void (*on_progress)(void *user, const idr_sweep_progress *p, int final);
  void *user;
} idr_sweep_run_opts;

typedef struct idr_sweep_summary {
  size_t total, resumed, done, failed; /* as in idr_sweep_progress, at the end */
  size_t flagged;                      /* ran, but an output nan or a tau outside the
                                          window: status 'flagged' (this start and before) */
  size_t missing;                      /* points no journal holds (a slice, --merge) */
  int ranks, threads;                  /* MPI ranks (1: none), threads per rank */
  double wall_s;                       /* of this start */
  double run_s;                        /* sum of the points' run times (all ranks) */
  double overhead_s;                   /* sum of the time per point outside the run:
                                          the study, the outputs, packing, journal */
  double peak_rss_mb;                  /* peak resident memory of the largest rank [MB] */
  int tables;                          /* 1: results.csv and results.h5 written */
  char csv_path[1024], h5_path[1024], journal_path[1024];
} idr_sweep_summary;

/* Check, without creating or changing anything, that dir can take this
 * sweep: a directory, or one whose parent exists, and not one that holds a
 * sweep of a different spec (unless restart). idr_sweep_run checks the same
 * again; a caller calls this first to refuse a bad DIR before any work or
 * output (IDR_ERR_INPUT with the message idr_sweep_run would give). */
idr_status idr_sweep_check_dir(const idr_sweep *sw, const char *dir, int restart, idr_error *err);

/* Run the sweep into o->dir: resume from its journals, refuse a DIR of a
 * different spec (IDR_ERR_INPUT, unless o->restart), run the pending
 * points, write DIR/results.csv and DIR/results.h5 once every point is in a
 * journal. Under MPI (idr_sweep_mpi_init found a launcher) every rank calls
 * it; rank 0 owns the files. */
idr_status idr_sweep_run(const idr_sweep *sw, const idr_sweep_run_opts *o, idr_sweep_summary *sum,
                         idr_error *err);

/* ---- MPI (a build with OpenMPI; the serial build has stubs) -------------------- */

/* 1 when this build can use MPI. */
int idr_sweep_have_mpi(void);
/* Start MPI when the process was started by an MPI launcher (mpirun, srun:
 * OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK in the environment); else
 * (or without MPI) a single process: *rank 0, *size 1. A build without MPI
 * started by a launcher with more than one process is an error
 * (IDR_ERR_UNSUPPORTED). */
idr_status idr_sweep_mpi_init(int *argc, char ***argv, int *rank, int *size, idr_error *err);
/* The status every rank agrees on: the first failing rank's status and
 * message (its rank named when it is not 0), else IDR_OK. A collective call
 * under MPI; returns st unchanged without. */
idr_status idr_sweep_mpi_agree(idr_status st, idr_error *err);
void idr_sweep_mpi_finalize(void);
/* Stop every rank (a fatal error of one). */
void idr_sweep_mpi_abort(int code);

#ifdef __cplusplus
}
#endif
#endif /* IONDRIFT_H */

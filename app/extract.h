/*
 * iondrift app: `iondrift extract`, shared between the command (extract.c:
 * options, printing) and its files (extract_io.c: the transients from a lab
 * export or a result file, the C-V table of --cv, the -o result).
 */
#ifndef IDR_APP_EXTRACT_H
#define IDR_APP_EXTRACT_H

#include "idr_analysis.h"
#include "idr_io.h"

#define IDR_EXTRACT_NAME_LEN 256

/* True ion parameters of a simulated scan (tid/true/<name> of a result). */
typedef struct idr_extract_truth {
  char name[IDR_EXTRACT_NAME_LEN];
  char sign[16];
  double Ea_eV, N_ion_cm3, D0_cm2_s, D300_cm2_s;
} idr_extract_truth;

/* C(t) at m temperatures, curve j in [off[j], off[j+1]) of t and C. */
typedef struct idr_extract_data {
  size_t m;                 /* temperatures [-] */
  double *T;                /* [m] temperatures [K] (group means for measured data) */
  double *T_spread;         /* [m] max |reading - mean| [K] (0 for simulated data) */
  size_t *off;              /* [m + 1] offsets into t and C */
  double *t;                /* times [s], increasing within a curve */
  double *C;                /* capacitances [F (CSV) or F/m^2 (HDF5)] */
  const char *C_units;      /* "F" or "F/m^2" */
  const char *kind;         /* "csv" or "h5" */
  idr_extract_truth *truth; /* [n_true] true parameters (HDF5 of a run), or NULL */
  size_t n_true;
  /* the absorber stored with a simulated scan (NAN / UNKNOWN when absent) */
  double N_A_cm3, eps_r, thickness_nm;
  idr_tid_polarity polarity;
  int have_polarity;
} idr_extract_data;

typedef struct idr_extract_opts {
  const char *path;    /* DATA.csv or RESULT.h5 */
  const char *cv;      /* --cv CV.csv, or NULL */
  const char *out_h5;  /* -o, or NULL */
  double area_cm2;     /* --area-cm2 [cm^2], NAN when not given */
  double eps_r;        /* --eps-r [-], NAN when not given */
  double doping_cm3;   /* --doping-cm3 [cm^-3], NAN when not given */
  double thickness_nm; /* --thickness-nm [nm], NAN when not given */
  double n_ion_cm3;    /* --n-ion-cm3 [cm^-3], NAN when not given */
  double V_lo, V_hi;   /* --cv-range [V] */
  int have_range;      /* --cv-range given */
  int power;           /* --power */
  idr_transient_model model;
  idr_tid_polarity polarity; /* --polarity */
  int have_polarity;
  int json;
  idr_mdata_options data; /* --columns, --*-unit, --temp-tol-K, --t-min-s, --t-max-s */
} idr_extract_opts;

typedef struct idr_extract_run {
  idr_extract_data data;
  idr_mdata md;                /* the CSV as read (CSV input) */
  idr_mdata cv_md;             /* the C-V table as read (--cv) */
  idr_mott_schottky ms;        /* valid with --cv */
  double N_A_cm3, N_A_err_cm3; /* used; NAN: intrinsic */
  double eps_r, thickness_nm;
  idr_tid_polarity polarity;
  idr_tid_extraction x;
} idr_extract_run;

/* Points the per-temperature fit of model needs. */
size_t idr_extract_min_points(idr_transient_model model);
/* Read o->path (CSV or HDF5) into r->data. */
idr_status idr_extract_load(const idr_extract_opts *o, idr_extract_run *r, idr_error *err);
/* N_A from the Mott-Schottky fit of o->cv into r. */
idr_status idr_extract_cv(const idr_extract_opts *o, idr_extract_run *r, idr_error *err);
/* Write the -o file. */
idr_status idr_extract_write(const idr_extract_opts *o, const idr_extract_run *r, idr_error *err);
void idr_extract_run_free(idr_extract_run *r);

#endif /* IDR_APP_EXTRACT_H */

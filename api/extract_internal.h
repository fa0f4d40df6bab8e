/*
 * iondrift api, private: what the TID extraction of measured or simulated
 * data (extract.c: options, the chain, the result) shares with its loaders
 * (extract_load.c: a lab export, a result file of a `tid` run, arrays).
 */
#ifndef IDR_API_EXTRACT_INTERNAL_H
#define IDR_API_EXTRACT_INTERNAL_H

#include "api_internal.h"
#include "idr_protocols.h" /* the extraction's result layout, model and polarity names */

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
  double *C;                /* capacitances [F or F/m^2] */
  const char *C_units;      /* "F" or "F/m^2" */
  const char *kind;         /* "csv", "h5" or "arrays" */
  idr_extract_truth *truth; /* [n_true] true parameters (HDF5 of a run), or NULL */
  size_t n_true;
  /* the absorber stored with a simulated scan (NAN / UNKNOWN when absent) */
  double N_A_cm3, eps_r, thickness_nm;
  idr_tid_polarity polarity;
  int have_polarity;
  idr_mdata md; /* the table as read (a lab export) */
} idr_extract_data;

/* Points the per-temperature fit of model needs. */
size_t idr_extract_min_points(idr_transient_model model);

/* Read path (a lab export, or HDF5 by its name or signature) into d, with
 * the reader's options mo and the time window of o. */
idr_status idr_extract_load_file(const char *path, const idr_mdata_options *mo,
                                 idr_transient_model model, idr_extract_data *d, idr_error *err);
/* Copy arrays into d, keeping the points at t > 0 inside [x_min, x_max]. */
idr_status idr_extract_load_arrays(const idr_tid_curves *c, double x_min, double x_max,
                                   idr_transient_model model, idr_extract_data *d, idr_error *err);
void idr_extract_data_free(idr_extract_data *d);

#endif /* IDR_API_EXTRACT_INTERNAL_H */

/*
 * iondrift app: the TID extraction written as an HDF5 group, one layout for
 * `run` (tid/extraction), `reproduce` (per sample) and `extract -o`
 * (extraction_h5.c), and the names printed for models, ions and polarities.
 */
#ifndef IDR_APP_EXTRACTION_H
#define IDR_APP_EXTRACTION_H

#include "idr_analysis.h"
#include "idr_io.h"

/* What the extraction was given, written beside it. */
typedef struct idr_app_extraction_info {
  const double *T;     /* [x->m] temperatures of the curves [K] */
  const char *C_units; /* unit of C: "F" (measured) or "F/m^2" (simulated) */
  double N_A_cm3;      /* absorber doping used [cm^-3]; NAN: intrinsic */
  double N_A_err_cm3;  /* its standard error [cm^-3] */
  double eps_r;        /* absorber permittivity [-] */
} idr_app_extraction_info;

/* The group g (created) with the extraction x: docs/outputs.md. */
idr_status idr_app_write_extraction(idr_h5 *h, const char *g, const idr_tid_extraction *x,
                                    const idr_app_extraction_info *in, idr_error *err);

const char *idr_app_model_name(idr_transient_model m); /* "single", "stretched", "two" */
const char *idr_app_sign_name(idr_ion_sign s);         /* "anion", "cation", "unassigned" */
const char *idr_app_polarity_name(idr_tid_polarity p); /* "pin", "nip", "unknown" */

#endif /* IDR_APP_EXTRACTION_H */

/*
 * iondrift app: the TID extraction written as an HDF5 group by `extract -o`
 * (extraction_h5.c) in the layout of a run's tid/extraction, and the names
 * printed for models, ions and polarities (both from protocols/).
 */
#ifndef IDR_APP_EXTRACTION_H
#define IDR_APP_EXTRACTION_H

#include "idr_analysis.h"
#include "idr_io.h"
#include "idr_protocols.h"

/* What the extraction was given, written beside it (protocols/). */
typedef idr_tid_extraction_info idr_app_extraction_info;

/* The group g (created) with the extraction x: docs/outputs.md. The layout
 * is the library's (protocols/tid_extraction.c), written into h. */
idr_status idr_app_write_extraction(idr_h5 *h, const char *g, const idr_tid_extraction *x,
                                    const idr_app_extraction_info *in, idr_error *err);

#define idr_app_model_name idr_tid_model_name       /* "single", "stretched", "two" */
#define idr_app_sign_name idr_tid_sign_name         /* "anion", "cation", "unassigned" */
#define idr_app_polarity_name idr_tid_polarity_name /* "pin", "nip", "unknown" */

#endif /* IDR_APP_EXTRACTION_H */

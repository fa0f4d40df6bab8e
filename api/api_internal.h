/*
 * iondrift api, private: what study.c, result.c and the studies module share
 * beyond the public header. Not installed.
 */
#ifndef IDR_API_INTERNAL_H
#define IDR_API_INTERNAL_H

#include "iondrift.h"

#include "idr_config.h"
#include "idr_io.h"

/* Once per process: GSL's abort-on-error default handler replaced by
 * gsl_set_error_handler_off() (an application's own handler is kept). */
void idr_api_init(void);

/* A result around the set rs (owned from here on) of a run of deck (its
 * output rules are kept for idr_result_write). */
idr_status idr_api_result_wrap(idr_rset *rs, const idr_deck *deck, idr_result **out,
                               idr_error *err);

/* The checked deck of a study (valid until the study changes). */
const idr_deck *idr_api_study_deck(const idr_study *s);

#endif /* IDR_API_INTERNAL_H */

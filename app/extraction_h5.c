/*
 * iondrift app: the TID extraction of `iondrift extract -o` as an HDF5
 * group, in the one layout of the library (protocols/tid_extraction.c, the
 * `tid/extraction` group of a run and of every reproduced sample), so that
 * one plot tool reads all three.
 */
#include "app.h"
#include "app_extraction.h"

idr_status idr_app_write_extraction(idr_h5 *h, const char *g, const idr_tid_extraction *x,
                                    const idr_app_extraction_info *in, idr_error *err) {
  idr_rset *rs = NULL;
  idr_status st = idr_rset_create(&rs, err);
  if (!st) st = idr_tid_write_extraction(rs, g, x, in, err);
  if (!st) st = idr_rset_write_to(rs, h, err);
  idr_rset_free(&rs);
  return st;
}

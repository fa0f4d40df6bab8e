/*
 * iondrift io: HDF5 result files (writer and reader) and CSV tables.
 *
 * This is the only module that includes HDF5; the HDF5 types stay behind the
 * opaque handle idr_h5. The result-file layout the engine writes through this
 * API is specified in docs/outputs.md.
 *
 * Atomic publication. A writer never creates the final file directly: it
 * builds the file in memory beside an exclusively created temporary
 * "<path>.tmp.<pid>.<handle address in hex>" in the same directory, and
 * idr_h5_commit() writes the image there, fsyncs and rename()s it onto
 * <path> (replacing an older file of that name). idr_h5_abort() drops the
 * file and removes the temporary. A crash therefore leaves at most a stale
 * "*.tmp.*" file, never a truncated file under the final name. The CSV
 * writer does the same. A failed write (a full disk, a file-size limit) is
 * an IDR_ERR_IO "cannot write temporary '...': <strerror>", with the
 * temporary removed.
 *
 * Several files as one result: stage each (idr_h5_stage, idr_csv_stage:
 * complete and synced under its temporary name), then idr_io_publish_all()
 * renames them all, or none: an older file under a final name is replaced
 * only when every new file is in place.
 *
 * Units. Every dataset carries a string attribute "units" (SI, e.g. "s",
 * "A/m^2", "m^-3"; "-" for a dimensionless number, "text" for string
 * datasets). The numeric write functions take the units string as a required
 * argument and refuse NULL or "".
 *
 * Strings. String datasets and string attributes are variable-length UTF-8
 * strings: the text itself lives in the file's global heap, so a string of any
 * length (a whole YAML deck, hundreds of kB) is fine as an attribute too; the
 * 64 kB object-header limit of HDF5 does not apply to it. In addition, files
 * are created with the 1.8 file format (libver bounds V18..V18, readable by
 * HDF5 >= 1.8 and h5py) and the root group stores its attributes densely
 * (H5Pset_attr_phase_change(0, 0)), so even large fixed-length attributes
 * written by other tools into the root fit. The readers accept both
 * variable- and fixed-length strings.
 *
 * Threads. No function keeps static mutable state, and several threads may
 * each write their own file. HDF5 itself, however, is only safe to call from
 * several threads when built with --enable-threadsafe (Debian's serial build
 * is, portable builds generally are not): callers must serialize every call
 * into this HDF5 API (e.g. one `#pragma omp critical(idr_h5)` around the
 * writing of a file). The CSV functions use only libc and need no lock.
 *
 * HDF5 error printing. Each function that calls HDF5 first switches HDF5's
 * automatic error-stack printing off with H5Eset_auto2(H5E_DEFAULT, NULL,
 * NULL). That setting is process-wide (per thread in a thread-safe build) and
 * is left off; errors are reported through idr_error instead, with the file
 * name and the innermost HDF5 error description.
 *
 * Object paths are HDF5 paths relative to the root ("transient/profiles/phi";
 * a leading '/' is allowed, "/" is the root group). Functions that create a
 * dataset create the missing parent groups.
 */
#ifndef IDR_IO_H
#define IDR_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "idr_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ==== HDF5 ============================================================== */

/* An open result file: a writer (from idr_h5_create) or a read-only file
 * (from idr_h5_open). Opaque. */
typedef struct idr_h5 idr_h5;

/* ---- writer lifecycle -------------------------------------------------- */

/* Create a new result file that will become `path` on commit. The temporary
 * file is created exclusively next to `path`. A missing directory or any
 * other failure returns IDR_ERR_IO with `path` in the message, and *h = NULL. */
idr_status idr_h5_create(const char *path, idr_h5 **h, idr_error *err);

/* Flush, close and atomically rename the temporary onto the final path. The
 * handle is freed and *h set to NULL whether or not this succeeds; on failure
 * the temporary is removed and nothing is published. */
idr_status idr_h5_commit(idr_h5 **h, idr_error *err);

/* Close the file and remove the temporary; *h = NULL. Safe on NULL / *h NULL. */
void idr_h5_abort(idr_h5 **h);

/* Write the complete file under its temporary name (synced) without
 * publishing it; *tmp_path (malloc'd, free with idr_h5_free) names it, for
 * idr_io_publish_all. The handle is freed and *h set to NULL either way; on
 * failure the temporary is removed and *tmp_path is NULL. */
idr_status idr_h5_stage(idr_h5 **h, char **tmp_path, idr_error *err);

/* The final path, and the temporary path (NULL for a read-only file). */
const char *idr_h5_path(const idr_h5 *h);
const char *idr_h5_temp_path(const idr_h5 *h);

/* ---- writing ----------------------------------------------------------- */

/* Create a group and any missing parents; an existing group is not an error. */
idr_status idr_h5_create_group(idr_h5 *h, const char *path, idr_error *err);

/* 1-D double dataset of n values with its units (required, non-empty). */
idr_status idr_h5_write_double_1d(idr_h5 *h, const char *path, const double *data, size_t n,
                                  const char *units, idr_error *err);

/* 2-D double dataset, rows x cols, row-major (data[i*cols + j]): a profile
 * history is n_times x n_nodes. */
idr_status idr_h5_write_double_2d(idr_h5 *h, const char *path, const double *data, size_t rows,
                                  size_t cols, const char *units, idr_error *err);

/* 1-D int dataset (stored as 32-bit signed integers) with its units ("-"
 * for counts and indices). */
idr_status idr_h5_write_int_1d(idr_h5 *h, const char *path, const int *data, size_t n,
                               const char *units, idr_error *err);

/* Scalar variable-length UTF-8 string dataset (units attribute "text"). */
idr_status idr_h5_write_string(idr_h5 *h, const char *path, const char *text, idr_error *err);

/* Attributes on any existing object (group, dataset, "/" for the root); an
 * attribute of the same name is replaced. String attributes are
 * variable-length UTF-8 of any length. */
idr_status idr_h5_set_attr_string(idr_h5 *h, const char *obj_path, const char *name,
                                  const char *value, idr_error *err);
idr_status idr_h5_set_attr_double(idr_h5 *h, const char *obj_path, const char *name, double value,
                                  idr_error *err);

/* ---- reader ------------------------------------------------------------ */

/* Open an existing file read-only. */
idr_status idr_h5_open(const char *path, idr_h5 **h, idr_error *err);

/* Close a read-only file. On a writer this is idr_h5_abort (an uncommitted
 * file is never published). Safe on NULL / *h NULL. */
void idr_h5_close(idr_h5 **h);

/* A numeric dataset read back as doubles (integer datasets are converted). */
typedef struct idr_h5_dataset {
  int rank;       /* 0 (scalar), 1 or 2 */
  size_t dims[2]; /* rows, cols; rank 1: dims[1] = 1; rank 0: both 1 */
  size_t size;    /* number of values = dims[0] * dims[1] */
  double *data;   /* row-major values, size of them (NULL when size == 0) */
  char *units;    /* the "units" attribute; "" if the dataset has none */
} idr_h5_dataset;

/* Read a numeric dataset of rank <= 2. If expected_units is not NULL, the
 * dataset's units must equal it exactly (IDR_ERR_INPUT otherwise, naming both).
 * Free with idr_h5_dataset_free. */
idr_status idr_h5_read_double(idr_h5 *h, const char *path, const char *expected_units,
                              idr_h5_dataset *out, idr_error *err);
void idr_h5_dataset_free(idr_h5_dataset *d);

/* Read a 1-D integer dataset; *data is malloc'd (free with idr_h5_free). */
idr_status idr_h5_read_int_1d(idr_h5 *h, const char *path, int **data, size_t *n, idr_error *err);

/* Read a scalar string dataset; *text is malloc'd (free with idr_h5_free). */
idr_status idr_h5_read_string(idr_h5 *h, const char *path, char **text, idr_error *err);

/* Read attributes. A string attribute may be variable- or fixed-length;
 * *value is malloc'd (free with idr_h5_free). A double attribute must hold
 * exactly one numeric value. */
idr_status idr_h5_read_attr_string(idr_h5 *h, const char *obj_path, const char *name, char **value,
                                   idr_error *err);
idr_status idr_h5_read_attr_double(idr_h5 *h, const char *obj_path, const char *name, double *value,
                                   idr_error *err);

/* What an object path names. Never fails: a missing path is IDR_H5_NONE. */
typedef enum {
  IDR_H5_NONE = 0,    /* no such object (or a parent is missing) */
  IDR_H5_GROUP = 1,   /* a group */
  IDR_H5_DATASET = 2, /* a dataset */
  IDR_H5_OTHER = 3    /* a named datatype or a dangling link */
} idr_h5_kind;
idr_h5_kind idr_h5_kind_of(idr_h5 *h, const char *path);
bool idr_h5_exists(idr_h5 *h, const char *path);

/* The names of a group's members in ascending name order; *names is an array
 * of *count malloc'd strings. Free with idr_h5_names_free. */
idr_status idr_h5_list(idr_h5 *h, const char *group_path, char ***names, size_t *count,
                       idr_error *err);
void idr_h5_names_free(char **names, size_t count);

/* Free memory returned by the readers above (free(3); NULL is fine). */
void idr_h5_free(void *p);

/* ==== CSV =============================================================== */

/* Write a table of ncols columns, each of nrows doubles, with a header line of
 * the column names (unit-carrying: "time_s,V_V,J_A_m2"). Values are printed
 * with "%.10g" (non-finite values as nan/inf/-inf). `comment` may be NULL;
 * otherwise each of its lines is written first, prefixed with "# ". Names must
 * be non-empty and must not contain ',', '#', '"', or line breaks. The file is
 * written under a temporary name and renamed onto `path` on success. */
idr_status idr_csv_write(const char *path, const char *comment, const char *const *names,
                         const double *const *cols, size_t ncols, size_t nrows, idr_error *err);

/* As idr_csv_write, but the table stays under a temporary name next to
 * `path` (complete and synced); *tmp_path (malloc'd, free with free(3))
 * names it, for idr_io_publish_all. On failure nothing is left. */
idr_status idr_csv_stage(const char *path, const char *comment, const char *const *names,
                         const double *const *cols, size_t ncols, size_t nrows, char **tmp_path,
                         idr_error *err);

/* ==== publishing several files as one result ============================ */

/* Rename each staged temporary tmp[i] onto final[i] (same directory),
 * all or none: every final name is checked first (a directory there fails
 * before anything is replaced); an older file under a final name is kept as
 * a hard link until all renames succeeded, and put back if one fails (a new
 * file whose name had no older one is removed again). On success and on
 * failure every temporary is gone. IDR_ERR_IO names the file that failed. */
idr_status idr_io_publish_all(const char *const *tmp, const char *const *final, size_t n,
                              idr_error *err);

/* Columns read from a measured-data CSV file, in the order asked for. */
typedef struct idr_csv_table {
  size_t ncols;  /* number of columns asked for */
  size_t nrows;  /* number of data rows (> 0) */
  double **cols; /* cols[k][i]: column names[k], row i */
} idr_csv_table;

/* Read a numeric CSV file with a header line.
 * - '#' starts a comment (whole line or the rest of a line); blank lines and
 *   comment-only lines are skipped. The first remaining line is the header.
 * - Fields are separated by ',' and trimmed of blanks and '\r'; no quoting.
 * - The header must contain each of the ncols names exactly once, in any
 *   order. Extra columns are allowed and ignored (not even parsed), so a
 *   file may carry e.g. a loss tangent or a sample label beside the data;
 *   a misspelled required name is still caught because it is then missing.
 *   A duplicated header name is an error.
 * - Every data row must have as many fields as the header, and every
 *   required field must be a finite number (strtod syntax, whole field).
 * - At least one data row is required.
 * Errors: IDR_ERR_IO when the file cannot be read; IDR_ERR_INPUT for content,
 * with a message "file:LINE: what was expected, what was found".
 * Free the result with idr_csv_table_free. */
idr_status idr_csv_read(const char *path, const char *const *names, size_t ncols,
                        idr_csv_table *out, idr_error *err);
void idr_csv_table_free(idr_csv_table *t);

#ifdef __cplusplus
}
#endif
#endif /* IDR_IO_H */

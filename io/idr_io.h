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

/* ==== result sets ======================================================== */

/* A result file held in memory (resultset.c): datasets of doubles (rank 1
 * or 2) or ints (rank 1), each with its units, and number or string
 * attributes, under HDF5 object paths ("tid/C"; "" or "/" is the root), in
 * the order written; plus the CSV table published beside the file. Every
 * protocol writes its results into one; the API reads them by name. No
 * HDF5 type appears here; a set is owned by one thread at a time. */
typedef struct idr_rset idr_rset;
typedef enum { IDR_RSET_DOUBLE = 0, IDR_RSET_INT = 1 } idr_rset_type;
#define IDR_RSET_PATH_LEN 512

idr_status idr_rset_create(idr_rset **out, idr_error *err);
void idr_rset_free(idr_rset **rs);
idr_status idr_rset_copy(const idr_rset *src, idr_rset **out, idr_error *err);

/* Writing: every dataset once; missing parent groups are created; an
 * attribute of the same name is replaced; data are copied. */
idr_status idr_rset_group(idr_rset *rs, const char *path, idr_error *err);
idr_status idr_rset_put_double(idr_rset *rs, const char *path, const double *data, size_t n,
                               const char *units, idr_error *err);
idr_status idr_rset_put_double_2d(idr_rset *rs, const char *path, const double *data, size_t rows,
                                  size_t cols, const char *units, idr_error *err);
idr_status idr_rset_put_int(idr_rset *rs, const char *path, const int *data, size_t n,
                            const char *units, idr_error *err);
idr_status idr_rset_attr_double(idr_rset *rs, const char *obj, const char *name, double v,
                                idr_error *err);
idr_status idr_rset_attr_string(idr_rset *rs, const char *obj, const char *name, const char *s,
                                idr_error *err);
/* Every object at or below src_path of src, copied to dst under dst_path. */
idr_status idr_rset_copy_group(idr_rset *dst, const char *dst_path, const idr_rset *src,
                               const char *src_path, idr_error *err);
/* The CSV table (columns copied; names as for idr_csv_write). */
idr_status idr_rset_set_csv(idr_rset *rs, const char *const *names, const double *const *cols,
                            size_t ncols, size_t nrows, idr_error *err);
int idr_rset_has_csv(const idr_rset *rs);

/* Reading: a view into the set (valid until it changes or is freed). */
typedef struct idr_rset_view {
  const char *path;   /* "" for the root */
  int is_dataset;     /* 0: a group */
  idr_rset_type type; /* datasets */
  int rank;           /* 1 or 2 */
  size_t dims[2];     /* rows, cols (rank 1: cols = 1) */
  const void *data;   /* row-major, double or int */
  const char *units;  /* "" for a group */
  size_t n_attrs;
} idr_rset_view;
size_t idr_rset_count(const idr_rset *rs);
/* Object i (in writing order) / the object at path; IDR_ERR_RANGE: none. */
idr_status idr_rset_at(const idr_rset *rs, size_t i, idr_rset_view *v);
idr_status idr_rset_find(const idr_rset *rs, const char *path, idr_rset_view *v);
/* Attribute i of obj / the attribute name of obj; IDR_ERR_RANGE: none.
 * Outputs may be NULL; s is NULL for a number. */
idr_status idr_rset_attr_at(const idr_rset *rs, const char *obj, size_t i, const char **name,
                            int *is_string, double *v, const char **s);
idr_status idr_rset_attr_find(const idr_rset *rs, const char *obj, const char *name, int *is_string,
                              double *v, const char **s);

/* Write every object of the set into an open writer (a file that holds
 * more: `iondrift extract -o`). */
idr_status idr_rset_write_to(const idr_rset *rs, idr_h5 *h, idr_error *err);

/* Publish the set as the HDF5 file h5_path and, when it has a table and
 * csv_path is non-empty, the CSV csv_path: both or neither (see
 * resultset.c for the order). Several threads may publish at once (with a
 * non-thread-safe HDF5 build they are serialized inside); the caller's HDF5
 * automatic error printing is left as it was. */
idr_status idr_rset_write(const idr_rset *rs, const char *h5_path, const char *csv_path,
                          idr_error *err);

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

/* ==== Measured data (mdata.c, units.c) ================================== */

/* Measured curves from a lab export: C(t) at several temperatures (TID),
 * C-f-T tables, C-V tables. docs/data.md is the reference for the rules
 * below and for the messages.
 *
 * File: text, UTF-8 with or without a byte-order mark (a UTF-16 file is
 * refused with a message saying so), LF or CRLF line ends. '#' starts a
 * comment (outside double quotes). The first line that is not blank or a
 * comment is the header (after opt->skip_lines lines). The field separator
 * is detected from the header and the next data lines: tab, ';' or ','
 * (the first that splits every one of those lines into the same number >= 2
 * of fields). Fields may be double-quoted ("Temperature (K)"). With ';' or
 * tab as separator a decimal comma is accepted ("300,02").
 *
 * Columns: each quantity the reader needs is found by
 *   1. opt->columns, "quantity=Header text" items separated by ',' (the
 *      header text exactly, or "#N" for the N-th field, 1-based), else
 *   2. its canonical name (temperature_K, time_s, frequency_Hz, voltage_V,
 *      capacitance_F, conductance_S), else
 *   3. a header "Name (unit)", "Name [unit]", "Name / unit" or "name_unit"
 *      whose Name is one of the quantity's names (docs/data.md) and whose
 *      unit is one of its units; exactly one such header may match.
 * The unit of a column: opt->unit[q] when given (a header unit that says
 * otherwise gives a warning), else the unit in its header, else the SI unit
 * of the canonical name. Values are converted to SI (K, s, Hz, V, F, S).
 *
 * Rows are grouped into curves by spec->group (e.g. temperature): sorted
 * values closer than opt->group_tol join one group, whose mean is reported;
 * curves come in descending order of that mean (hottest first) and are
 * sorted by the abscissa spec->x. Rows with x <= 0 (when spec->x_positive) and rows
 * outside [opt->x_min, opt->x_max] are skipped and counted, never an error.
 * Magnitudes no instrument produces (a capacitance of 20 F: nF read as F)
 * give warnings, which the caller prints. */

/* The quantities measured data can hold; the canonical column names carry
 * the SI unit the reader converts to. */
typedef enum idr_quantity {
  IDR_Q_TEMPERATURE = 0, /* temperature_K [K] */
  IDR_Q_TIME = 1,        /* time_s [s] (since the end of the fill pulse in TID) */
  IDR_Q_FREQUENCY = 2,   /* frequency_Hz [Hz] */
  IDR_Q_VOLTAGE = 3,     /* voltage_V [V] (DC bias) */
  IDR_Q_CAPACITANCE = 4, /* capacitance_F [F] (the device's, not per area) */
  IDR_Q_CONDUCTANCE = 5, /* conductance_S [S] */
  IDR_Q_COUNT = 6
} idr_quantity;

#define IDR_MDATA_MAX_Y 3     /* ordinates per row at most */
#define IDR_MDATA_TEXT_LEN 96 /* stored header text, unit and warning lengths */
#define IDR_MDATA_MAX_WARN 16 /* warnings kept (later ones are counted only) */

/* The canonical name ("temperature_K"), or NULL for a bad value. */
const char *idr_quantity_name(idr_quantity q);
/* The quantity of a canonical name; -1 when unknown. */
int idr_quantity_from_name(const char *name);
/* Convert a value in `unit` to SI: si = scale * v + offset. Units are those
 * of docs/data.md (e.g. K, C, degC for temperature; s, ms, us, ns, min, h;
 * Hz, kHz, MHz; V, mV; F, mF, uF, nF, pF, fF; S, mS, uS, nS; the micro sign
 * and the Greek mu stand for u). IDR_ERR_INPUT for an unknown unit, naming
 * the units known for q. */
idr_status idr_unit_to_si(idr_quantity q, const char *unit, double *scale, double *offset,
                          idr_error *err);
/* The units known for q, as "K, C" (for messages). */
const char *idr_quantity_units(idr_quantity q);

/* What a command reads. */
typedef struct idr_mdata_spec {
  int group;                       /* quantity grouping rows into curves, or -1: one curve */
  idr_quantity x;                  /* the curve's abscissa (time, frequency, voltage) */
  size_t ny;                       /* ordinates, 1..IDR_MDATA_MAX_Y */
  idr_quantity y[IDR_MDATA_MAX_Y]; /* the ordinates (e.g. capacitance, conductance) */
  int y_optional[IDR_MDATA_MAX_Y]; /* 1: the column may be absent (y[k] then NULL) */
  int x_positive;                  /* 1: rows with x <= 0 are skipped and counted */
  int x_unique;                    /* 1: a repeated x within a curve is an error */
} idr_mdata_spec;

/* How to read it (the command line's --columns, --*-unit, --temp-tol-K,
 * --t-min-s, --t-max-s). */
typedef struct idr_mdata_options {
  const char *columns;                  /* "quantity=Header,..." or NULL */
  const char *unit[IDR_Q_COUNT];        /* a column's unit, or NULL: from its header, else SI */
  const char *unit_option[IDR_Q_COUNT]; /* the option that set unit[q], for messages */
  double group_tol;                     /* grouping tolerance [SI of spec->group] (0.5) */
  double x_min, x_max; /* rows outside [x_min, x_max] are skipped [SI] (-inf, inf) */
  size_t skip_lines;   /* lines ignored at the top of the file (0) */
} idr_mdata_options;

void idr_mdata_options_default(idr_mdata_options *opt);

/* Curves read from one file, in SI units. */
typedef struct idr_mdata {
  size_t m;                   /* curves (groups) */
  double *group;              /* [m] mean of the group's values (NAN: no grouping) */
  double *group_spread;       /* [m] max |value - mean| in the group */
  size_t *off;                /* [m + 1] curve j is points off[j] .. off[j+1]-1 */
  size_t n;                   /* points kept */
  double *x;                  /* [n] abscissa, increasing within a curve */
  double *y[IDR_MDATA_MAX_Y]; /* [n] ordinates in spec order; NULL for an absent optional one */
  size_t *line;               /* [n] the file line of each point */
  /* how the file was read */
  char sep;               /* the separator found: ',', ';' or '\t' */
  int decimal_comma;      /* 1 if a decimal comma was read */
  int bom;                /* 1 if the file began with a UTF-8 byte-order mark */
  size_t header_line;     /* the header's line number */
  size_t n_rows;          /* data rows in the file */
  size_t n_nonpositive;   /* rows skipped for x <= 0 */
  size_t n_outside;       /* rows skipped outside [x_min, x_max] */
  const char *x_name;     /* canonical name of the abscissa (for messages) */
  int field[IDR_Q_COUNT]; /* field index (0-based) of each quantity, -1 if not read */
  char header[IDR_Q_COUNT][IDR_MDATA_TEXT_LEN]; /* header text of each quantity read */
  char unit[IDR_Q_COUNT][IDR_MDATA_TEXT_LEN];   /* unit its values were in */
  size_t n_warnings;                            /* warnings (only IDR_MDATA_MAX_WARN are kept) */
  char warning[IDR_MDATA_MAX_WARN][2 * IDR_MDATA_TEXT_LEN + 160]; /* "file: ..." */
} idr_mdata;

/* Read `path` as spec asks (opt NULL: defaults). Errors: IDR_ERR_IO when the
 * file cannot be read; IDR_ERR_INPUT for its content or opt, with
 * "file:LINE: ..." naming the cause (the separator, a missing column and
 * the columns found, a unit, a number). *out is empty on failure.
 * Free with idr_mdata_free. */
idr_status idr_mdata_read(const char *path, const idr_mdata_spec *spec,
                          const idr_mdata_options *opt, idr_mdata *out, idr_error *err);
void idr_mdata_free(idr_mdata *d);

/* One line describing how the file was read: separator, decimal comma, each
 * column with its header and unit, rows skipped. */
void idr_mdata_describe(const idr_mdata *d, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif /* IDR_IO_H */

/*
 * iondrift core: status codes with an error context, physical constants and
 * unit conversions, and a re-entrant logger. Every other module depends on
 * this one; it depends on nothing but libc.
 *
 * Error handling contract: a function that can fail returns an idr_status and,
 * when given a non-NULL idr_error, writes a human-readable message into it.
 * Nothing below app/ prints to stdout, calls exit(), or keeps mutable static
 * state.
 */
#ifndef IDR_CORE_H
#define IDR_CORE_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes (one list, one idr_status_str) ----------------------- */
typedef enum {
  IDR_OK = 0,
  IDR_ERR_INPUT = 1,      /* bad deck, bad command-line value, bad data file */
  IDR_ERR_NOMEM = 2,      /* allocation failed */
  IDR_ERR_IO = 3,         /* file could not be read or written */
  IDR_ERR_SOLVER = 4,     /* integrator or Newton failure */
  IDR_ERR_LINALG = 5,     /* singular or failed factorization */
  IDR_ERR_RANGE = 6,      /* a value outside its valid range */
  IDR_ERR_INTERNAL = 7,   /* a bug: an invariant did not hold */
  IDR_ERR_UNSUPPORTED = 8 /* a feature asked for is not available */
} idr_status;

const char *idr_status_str(idr_status s);

/* Error context: the first failure wins; later messages are appended as
 * context ("while ...") so the user sees the cause and where it happened. */
#define IDR_ERRMSG_LEN 1024
typedef struct idr_error {
  idr_status status;
  char msg[IDR_ERRMSG_LEN];
} idr_error;

void idr_error_clear(idr_error *err);
/* Set status and message (printf format). Returns status for `return`. */
idr_status idr_error_set(idr_error *err, idr_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Append context to an existing message: "msg (while <context>)". */
idr_status idr_error_context(idr_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- physical constants (SI, CODATA 2018 exact or recommended) --------- */
#define IDR_Q 1.602176634e-19         /* elementary charge [C] */
#define IDR_KB 1.380649e-23           /* Boltzmann constant [J/K] */
#define IDR_KB_EV 8.617333262e-5      /* Boltzmann constant [eV/K] */
#define IDR_EPS0 8.8541878128e-12     /* vacuum permittivity [F/m] */
#define IDR_NA_AVOGADRO 6.02214076e23 /* Avogadro [1/mol] */
#define IDR_PI 3.14159265358979323846

/* Thermal voltage kT/q [V] at temperature T [K]. */
static inline double idr_thermal_voltage(double T_K) {
  return IDR_KB_EV * T_K;
}

/* ---- NaN-proof comparisons -------------------------------------------- */
/* max(m, |v|) that keeps a NaN of either argument (fmax drops it, and
 * `if (e > worst)` never sees it): a guard or a test comparison built on it
 * fails on a NaN instead of passing. */
static inline double idr_max_abs(double m, double v) {
  const double a = fabs(v);
  return (isnan(a) || a > m) ? a : m;
}

/* ---- units: practical <-> SI ------------------------------------------ */
#define IDR_CM3_TO_M3 1e6 /* density: x cm^-3 = x*1e6 m^-3 */
#define IDR_NM_TO_M 1e-9
#define IDR_CM_TO_M 1e-2
#define IDR_CM2_TO_M2 1e-4 /* diffusivity / mobility area factor */

/* ---- logging (re-entrant: the sink is passed in, no globals) ----------- */
typedef enum { IDR_LOG_QUIET = 0, IDR_LOG_INFO = 1, IDR_LOG_DEBUG = 2 } idr_log_level;

typedef void (*idr_log_fn)(void *user, idr_log_level level, const char *msg);

typedef struct idr_logger {
  idr_log_level level; /* messages above this level are dropped */
  idr_log_fn fn;       /* NULL: drop everything */
  void *user;          /* passed to fn */
} idr_logger;

void idr_log(const idr_logger *lg, idr_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A ready-made sink that writes lines to the FILE* given as user. */
void idr_log_to_file(void *user, idr_log_level level, const char *msg);

/* The program version ("0.1.0"), the same for the library and the command. */
const char *idr_version(void);

/* The directory of the project's data of one kind: "materials" (material
 * and composition files), "examples" (decks), "tools" (plot scripts):
 * $IONDRIFT_MATERIALS / $IONDRIFT_EXAMPLES / $IONDRIFT_TOOLS when set, else
 * <prefix>/share/iondrift/KIND beside the installed library or program,
 * else the source tree of the build. NULL for an unknown kind. */
const char *idr_data_dir(const char *kind);

/* Safe string copy: always NUL-terminates, returns 0 if truncated. */
int idr_strlcpy(char *dst, const char *src, size_t size);

#ifdef __cplusplus
}
#endif
#endif /* IDR_CORE_H */

/*
 * iondrift sweep without MPI (a build that did not find it): one process,
 * the same code path as a single rank. A launcher that started several
 * processes of this build is refused (each would run the whole sweep).
 */
#include "sweep_internal.h"

#include <stdlib.h>

int idr_sweep_have_mpi(void) {
  return 0;
}

int idr_sw_mpi_active(void) {
  return 0;
}

int idr_sw_mpi_rank(void) {
  return 0;
}

int idr_sw_mpi_size(void) {
  return 1;
}

/* More than one process started by a launcher (mpirun, srun). */
static int launched_many(void) {
  const char *names[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", NULL};
  for (const char **n = names; *n; n++) {
    const char *v = getenv(*n);
    if (v && atoi(v) > 1) return 1;
  }
  return 0;
}

idr_status idr_sweep_mpi_init(int *argc, char ***argv, int *rank, int *size, idr_error *err) {
  (void)argc;
  (void)argv;
  *rank = 0;
  *size = 1;
  if (launched_many())
    return idr_error_set(err, IDR_ERR_UNSUPPORTED,
                         "this iondrift was built without MPI, so several processes would each "
                         "run the whole sweep: run it without mpirun/srun (it threads with "
                         "--threads), or rebuild with Open MPI (Debian: libopenmpi-dev)");
  return IDR_OK;
}

idr_status idr_sweep_mpi_agree(idr_status st, idr_error *err) {
  (void)err;
  return st;
}

void idr_sweep_mpi_finalize(void) {}

void idr_sweep_mpi_abort(int code) {
  exit(code);
}

double idr_sw_mpi_max(double v) {
  return v;
}

idr_status idr_sw_mpi_start(const idr_sweep *sw, idr_status st, idr_error *err) {
  (void)sw;
  (void)err;
  return st;
}

idr_status idr_sw_mpi_exec(sw_exec *x, int threads, idr_error *err) {
  (void)x;
  (void)threads;
  return idr_error_set(err, IDR_ERR_INTERNAL, "sweep: MPI execution in a build without MPI");
}

/*
 * iondrift sweep over MPI ranks (a build with OpenMPI; mpi_stub.c without).
 *
 * Rank 0 owns the journal and the output. Its main thread serves the
 * workers (MPI_Iprobe, then a short sleep when nothing came: no core spent
 * on busy waiting), its other threads run points like a single machine.
 * A worker thread asks rank 0 for the next point and, with the same
 * message, hands in the one it finished (dynamic scheduling: a point goes
 * to whichever thread is free, so points whose costs differ by orders of
 * magnitude balance); rank 0 keeps it (journal.c) and answers with the next
 * index, or -1 when none is left. A worker whose threads are all done says
 * so; rank 0 returns when every worker has. Worker threads call MPI one at
 * a time (MPI_THREAD_SERIALIZED; a library that gives less runs one thread
 * per worker). If a rank dies the launcher ends the job; the next start
 * resumes from the journal.
 *
 * Wire format of a finished point (host byte order): u64 index, i32 ok,
 * f64 run_s, f64 overhead_s, u32 message length, message, n_outputs f64,
 * u64 curves size, curves.
 */
#define _POSIX_C_SOURCE 200809L

#include "sweep_internal.h"

#include <mpi.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TAG_WORK = 1, TAG_ASSIGN = 2, TAG_DONE = 3 };
#define SERVE_SLEEP_MIN_S 1e-4 /* rank 0's poll interval after a message [s] */
#define SERVE_SLEEP_MAX_S 2e-3 /* ... growing to this while idle [s] */

int idr_sweep_have_mpi(void) {
  return 1;
}

int idr_sw_mpi_active(void) {
  int init = 0, fin = 0;
  MPI_Initialized(&init);
  if (init) MPI_Finalized(&fin);
  return init && !fin;
}

int idr_sw_mpi_rank(void) {
  int r = 0;
  if (idr_sw_mpi_active()) MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int idr_sw_mpi_size(void) {
  int n = 1;
  if (idr_sw_mpi_active()) MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

/* Started by an MPI launcher (mpirun / mpiexec of Open MPI, srun with PMIx or PMI-2). */
static int launched(void) {
  return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

idr_status idr_sweep_mpi_init(int *argc, char ***argv, int *rank, int *size, idr_error *err) {
  *rank = 0;
  *size = 1;
  if (!launched()) return IDR_OK;
  int provided = 0;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
    return idr_error_set(err, IDR_ERR_IO, "MPI_Init_thread failed");
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
  return IDR_OK;
}

void idr_sweep_mpi_finalize(void) {
  if (idr_sw_mpi_active()) MPI_Finalize();
}

void idr_sweep_mpi_abort(int code) {
  if (idr_sw_mpi_active()) MPI_Abort(MPI_COMM_WORLD, code);
}

idr_status idr_sweep_mpi_agree(idr_status st, idr_error *err) {
  if (!idr_sw_mpi_active()) return st;
  int rank = idr_sw_mpi_rank(), size = idr_sw_mpi_size();
  int mine = st ? rank : size, first = size;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (first == size) return IDR_OK;
  int code = (int)st;
  char msg[IDR_ERRMSG_LEN] = "";
  if (rank == first && err) idr_strlcpy(msg, err->msg, sizeof msg);
  MPI_Bcast(&code, 1, MPI_INT, first, MPI_COMM_WORLD);
  MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, first, MPI_COMM_WORLD);
  if (first == 0) return idr_error_set(err, (idr_status)code, "%s", msg);
  return idr_error_set(err, (idr_status)code, "rank %d: %s", first, msg);
}

idr_status idr_sw_mpi_start(const idr_sweep *sw, idr_status st, idr_error *err) {
  if (!idr_sw_mpi_active()) return st;
  if ((st = idr_sweep_mpi_agree(st, err))) return st;
  uint64_t fp = sw->fp;
  MPI_Bcast(&fp, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  if (fp != sw->fp)
    st = idr_error_set(err, IDR_ERR_INPUT,
                       "%s: this rank reads a different spec or deck than rank 0 (a file changed "
                       "between the reads, or the ranks see different files)",
                       sw->spec_path);
  return idr_sweep_mpi_agree(st, err);
}

double idr_sw_mpi_max(double v) {
  if (!idr_sw_mpi_active()) return v;
  double m = v;
  MPI_Reduce(&v, &m, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  return m;
}

/* ---- the wire format -------------------------------------------------------------------- */

static int pack_record(const idr_sweep *sw, const idr_sweep_record *rec, double overhead_s,
                       sw_buf *b) {
  uint64_t index = rec->index, cs = rec->curves_size;
  int32_t ok = rec->ok;
  uint32_t ml = (uint32_t)strlen(rec->message);
  size_t n = 8 + 4 + 16 + 4 + ml + 8 * sw->n_outs + 8 + rec->curves_size;
  if (b->cap < n) {
    char *p = realloc(b->s, n);
    if (!p) return 0;
    b->s = p;
    b->cap = n;
  }
  char *p = b->s;
  memcpy(p, &index, 8);
  memcpy(p + 8, &ok, 4);
  memcpy(p + 12, &rec->run_s, 8);
  memcpy(p + 20, &overhead_s, 8);
  memcpy(p + 28, &ml, 4);
  memcpy(p + 32, rec->message, ml);
  p += 32 + ml;
  memcpy(p, rec->values, 8 * sw->n_outs);
  p += 8 * sw->n_outs;
  memcpy(p, &cs, 8);
  if (cs) memcpy(p + 8, rec->curves, rec->curves_size);
  b->len = n;
  return 1;
}

/* Unpack into rec (its curves are a view into p); 0 if malformed. */
static int unpack_record(const idr_sweep *sw, unsigned char *p, size_t n, idr_sweep_record *rec,
                         double *overhead_s) {
  uint64_t index, cs;
  int32_t ok;
  uint32_t ml;
  if (n < 32) return 0;
  memcpy(&index, p, 8);
  memcpy(&ok, p + 8, 4);
  memcpy(&rec->run_s, p + 12, 8);
  memcpy(overhead_s, p + 20, 8);
  memcpy(&ml, p + 28, 4);
  if (index >= sw->n_points || ml >= sizeof rec->message || n < 32 + ml + 8 * sw->n_outs + 8)
    return 0;
  rec->index = (size_t)index;
  rec->ok = ok;
  memcpy(rec->message, p + 32, ml);
  rec->message[ml] = '\0';
  unsigned char *q = p + 32 + ml;
  memcpy(rec->values, q, 8 * sw->n_outs);
  q += 8 * sw->n_outs;
  memcpy(&cs, q, 8);
  if ((size_t)(q + 8 - p) + cs != n) return 0;
  rec->curves = cs ? q + 8 : NULL;
  rec->curves_size = (size_t)cs;
  return 1;
}

/* ---- rank 0 ---------------------------------------------------------------------------------- */

static void serve(sw_exec *x, int workers) {
  int done_ranks = 0;
  double sleep_s = SERVE_SLEEP_MIN_S;
  unsigned char *buf = NULL;
  size_t cap = 0;
  idr_sweep_record rec;
  idr_error e;
  idr_error_clear(&e);
  if (idr_sweep_record_init(x->sw, &rec, &e)) idr_sw_exec_fail(x, &e);
  while (done_ranks < workers) {
    int flag = 0, n = 0;
    MPI_Status ms;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &ms);
    if (!flag) {
      struct timespec ts = {0, (long)(sleep_s * 1e9)};
      nanosleep(&ts, NULL);
      sleep_s = sleep_s * 2 > SERVE_SLEEP_MAX_S ? SERVE_SLEEP_MAX_S : sleep_s * 2;
      continue;
    }
    sleep_s = SERVE_SLEEP_MIN_S;
    MPI_Get_count(&ms, MPI_BYTE, &n);
    if ((size_t)n > cap) {
      unsigned char *p = realloc(buf, (size_t)n);
      if (!p) idr_sweep_mpi_abort(1); /* cannot even receive: stop the job */
      buf = p;
      cap = (size_t)n;
    }
    MPI_Recv(buf, n, MPI_BYTE, ms.MPI_SOURCE, ms.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (ms.MPI_TAG == TAG_DONE) {
      done_ranks++;
      continue;
    }
    double overhead_s = 0;
    if (n > 0) {
      if (rec.values && unpack_record(x->sw, buf, (size_t)n, &rec, &overhead_s)) {
        idr_sw_exec_keep(x, &rec, overhead_s);
      } else {
        idr_error_set(&e, IDR_ERR_INTERNAL, "rank %d sent a malformed record", ms.MPI_SOURCE);
        idr_sw_exec_fail(x, &e);
      }
      rec.curves = NULL; /* it was a view into buf */
      rec.curves_size = 0;
    }
    size_t i = idr_sw_exec_next(x);
    int64_t next = i == SIZE_MAX ? -1 : (int64_t)i;
    MPI_Send(&next, 1, MPI_INT64_T, ms.MPI_SOURCE, TAG_ASSIGN, MPI_COMM_WORLD);
  }
  idr_sweep_record_free(&rec);
  free(buf);
}

/* ---- workers ------------------------------------------------------------------------------------
 */

static void work(sw_exec *x) {
  idr_sweep_record rec;
  idr_error e;
  idr_error_clear(&e);
  sw_buf out = {0};
  if (idr_sweep_record_init(x->sw, &rec, &e)) idr_sweep_mpi_abort(1);
  double wait_s = 0;
  for (;;) {
    int64_t next = -1;
    double t0 = idr_sw_now();
#pragma omp critical(idr_sweep_mpi)
    {
      MPI_Send(out.s, (int)out.len, MPI_BYTE, 0, TAG_WORK, MPI_COMM_WORLD);
      MPI_Recv(&next, 1, MPI_INT64_T, 0, TAG_ASSIGN, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    wait_s = idr_sw_now() - t0; /* asking for this point: part of its overhead */
    out.len = 0;
    if (next < 0) break;
    t0 = idr_sw_now();
    if (idr_sweep_eval(x->sw, (size_t)next, &rec, &e) ||
        !pack_record(x->sw, &rec, wait_s + idr_sw_now() - t0 - rec.run_s, &out))
      idr_sweep_mpi_abort(1); /* out of memory on a worker */
  }
  idr_sweep_record_free(&rec);
  idr_sw_buf_free(&out);
}

idr_status idr_sw_mpi_exec(sw_exec *x, int threads, idr_error *err) {
  int rank = idr_sw_mpi_rank(), size = idr_sw_mpi_size(), provided = MPI_THREAD_SINGLE;
  MPI_Query_thread(&provided);
  if (rank == 0) {
#pragma omp parallel num_threads(threads + 1)
    {
      if (omp_get_thread_num() == 0)
        serve(x, size - 1);
      else
        idr_sw_exec_thread(x);
    }
    return IDR_OK;
  }
  if (provided >= MPI_THREAD_SERIALIZED && threads > 1) {
#pragma omp parallel num_threads(threads)
    work(x);
  } else {
    work(x);
  }
  MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_DONE, MPI_COMM_WORLD);
  (void)err;
  return IDR_OK;
}

/*
 * iondrift api: progress reports delivered on the caller's thread. A run
 * with a progress callback runs on a helper thread (with the caller's
 * OpenMP thread count); its reports, which come from whichever thread does
 * the work (the OpenMP threads of a temperature scan), are posted to a
 * mailbox that the calling thread empties into the user's callback. So the
 * callback is called only on the thread that called idr_study_run, never
 * twice at once, with fractions that never decrease; a report posted while
 * the previous one is still being delivered replaces any that is waiting
 * (the latest wins), and the last one posted is always delivered. A
 * binding whose callbacks must run on the caller's thread (Python's)
 * relies on this.
 */
#include "api_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define STAGE_LEN 256
#define HELPER_STACK_BYTES ((size_t)8 << 20) /* as a main thread's default */

typedef struct mailbox {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int pending, done;
  double fraction;
  char stage[STAGE_LEN];
  /* the run */
  idr_api_run_fn fn;
  void *arg;
  int omp_threads; /* the caller's omp_get_max_threads() */
  idr_status st;
  idr_error err;
} mailbox;

static void post(void *user, double fraction, const char *stage) {
  mailbox *mb = user;
  pthread_mutex_lock(&mb->mu);
  if (!(fraction < mb->fraction)) mb->fraction = fraction;
  idr_strlcpy(mb->stage, stage ? stage : "", sizeof mb->stage);
  mb->pending = 1;
  pthread_cond_signal(&mb->cv);
  pthread_mutex_unlock(&mb->mu);
}

static void *helper(void *user) {
  mailbox *mb = user;
#ifdef _OPENMP
  omp_set_num_threads(mb->omp_threads);
#endif
  idr_status st = mb->fn(mb->arg, post, mb, &mb->err);
  pthread_mutex_lock(&mb->mu);
  mb->st = st;
  mb->done = 1;
  pthread_cond_signal(&mb->cv);
  pthread_mutex_unlock(&mb->mu);
  return NULL;
}

idr_status idr_api_run_reporting(idr_api_run_fn fn, void *arg, idr_progress_cb progress, void *user,
                                 idr_error *err) {
  if (!progress) return fn(arg, NULL, NULL, err);
  mailbox *mb = calloc(1, sizeof *mb);
  if (!mb) return idr_error_set(err, IDR_ERR_NOMEM, "out of memory");
  mb->fn = fn;
  mb->arg = arg;
#ifdef _OPENMP
  mb->omp_threads = omp_get_max_threads();
#endif
  idr_error_clear(&mb->err);
  pthread_attr_t attr;
  pthread_t th;
  int ok = pthread_mutex_init(&mb->mu, NULL) == 0;
  if (ok && pthread_cond_init(&mb->cv, NULL) != 0) {
    pthread_mutex_destroy(&mb->mu);
    ok = 0;
  }
  if (!ok) {
    free(mb);
    return idr_error_set(err, IDR_ERR_NOMEM, "cannot set up the progress reports");
  }
  int started = pthread_attr_init(&attr) == 0;
  if (started) {
    pthread_attr_setstacksize(&attr, HELPER_STACK_BYTES);
    started = pthread_create(&th, &attr, helper, mb) == 0;
    pthread_attr_destroy(&attr);
  }
  idr_status st;
  if (!started) {
    /* no thread to spare: run here, without reports */
    st = fn(arg, NULL, NULL, err);
  } else {
    pthread_mutex_lock(&mb->mu);
    for (;;) {
      while (!mb->pending && !mb->done)
        pthread_cond_wait(&mb->cv, &mb->mu);
      if (mb->pending) {
        double f = mb->fraction;
        char stage[STAGE_LEN];
        memcpy(stage, mb->stage, sizeof stage);
        mb->pending = 0;
        pthread_mutex_unlock(&mb->mu);
        progress(user, f, stage);
        pthread_mutex_lock(&mb->mu);
      } else {
        break; /* done, nothing left to deliver */
      }
    }
    pthread_mutex_unlock(&mb->mu);
    pthread_join(th, NULL);
    st = mb->st;
    if (st) idr_error_set(err, st, "%s", mb->err.msg);
  }
  pthread_cond_destroy(&mb->cv);
  pthread_mutex_destroy(&mb->mu);
  free(mb);
  return st;
}

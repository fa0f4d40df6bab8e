/*
 * fsize_run: run a command under a file-size limit, a write failure that
 * needs no privilege and no special file system (test helper).
 *
 *   fsize_run BYTES COMMAND [ARGS...]
 *
 * Sets RLIMIT_FSIZE to BYTES and ignores SIGXFSZ (inherited across exec), so
 * that a write(2) past BYTES fails with EFBIG ("File too large") exactly as
 * one on a full disk fails with ENOSPC, then execs COMMAND. Exit status:
 * COMMAND's, or 125 when the limit cannot be set or COMMAND not started.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fputs("usage: fsize_run BYTES COMMAND [ARGS...]\n", stderr);
    return 125;
  }
  char *end = NULL;
  unsigned long long bytes = strtoull(argv[1], &end, 10);
  if (!end || *end || bytes == 0) {
    fprintf(stderr, "fsize_run: BYTES must be a positive integer (got '%s')\n", argv[1]);
    return 125;
  }
  struct rlimit rl = {(rlim_t)bytes, (rlim_t)bytes};
  if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR || setrlimit(RLIMIT_FSIZE, &rl) != 0) {
    fprintf(stderr, "fsize_run: cannot set the file-size limit: %s\n", strerror(errno));
    return 125;
  }
  execv(argv[2], argv + 2);
  fprintf(stderr, "fsize_run: cannot run '%s': %s\n", argv[2], strerror(errno));
  return 125;
}

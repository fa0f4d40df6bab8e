/*
 * Bad-input check: run the real `iondrift run` on a malformed deck and require
 * that it is rejected the way a user sees it.
 *
 * The deck's first line is `# expect: <substring of the expected message>`
 * (including FILE:LINE:COL); optional `# set: path=value` lines are passed as
 * --set overrides. The check runs
 *     IONDRIFT run DECK -o OUTDIR/result.h5 [--set path=value]... -q
 * in the current directory (so messages start with the deck's name) and
 * passes when
 *   - the exit status is 2 (bad input),
 *   - stderr contains "iondrift: error: " followed (on the same line) by the
 *     expected text,
 *   - OUTDIR is empty afterwards: no result, no CSV, no temporary file.
 * OUTDIR is created (or emptied) first.
 * Usage: check_bad_deck IONDRIFT DECK OUTDIR
 */
#define _POSIX_C_SOURCE 200809L

#include "idr_core.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_SETS 8
#define LINE_LEN 1024
#define STDERR_CAP 65536
#define FIXED_ARGS 7 /* IONDRIFT run DECK -o OUT -q NULL */

static void chomp(char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
    s[--n] = '\0';
}

/* Remove every entry of dir (files only: the runs create no directories);
 * create dir if it does not exist. Returns 0 on success. */
static int empty_dir(const char *dir) {
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) return -1;
  DIR *d = opendir(dir);
  if (!d) return -1;
  struct dirent *e;
  char path[LINE_LEN * 2];
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    remove(path);
  }
  closedir(d);
  return 0;
}

/* Names left in dir, one per line, into buf; returns their count (-1: error). */
static int list_dir(const char *dir, char *buf, size_t size) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  int count = 0;
  struct dirent *e;
  buf[0] = '\0';
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    size_t used = strlen(buf);
    snprintf(buf + used, size - used, "    %s\n", e->d_name);
    count++;
  }
  closedir(d);
  return count;
}

/* Run argv, capturing stderr into buf (NUL-terminated) and discarding stdout.
 * Returns the exit status, or -1 if the program could not be run or died
 * from a signal. */
static int run_capture(char *const *argv, char *buf, size_t size) {
  int fd[2];
  if (pipe(fd) != 0) return -1;
  pid_t pid = fork();
  if (pid < 0) {
    close(fd[0]);
    close(fd[1]);
    return -1;
  }
  if (pid == 0) {
    close(fd[0]);
    dup2(fd[1], STDERR_FILENO);
    close(fd[1]);
    if (!freopen("/dev/null", "w", stdout)) _exit(127);
    execv(argv[0], argv);
    fprintf(stderr, "cannot execute %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  close(fd[1]);
  size_t used = 0;
  for (;;) {
    char chunk[4096];
    ssize_t r = read(fd[0], chunk, sizeof chunk);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    size_t take = (size_t)r < size - 1 - used ? (size_t)r : size - 1 - used;
    memcpy(buf + used, chunk, take);
    used += take;
  }
  buf[used] = '\0';
  close(fd[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s IONDRIFT DECK OUTDIR\n", argv[0]);
    return 2;
  }
  const char *exe = argv[1], *deck = argv[2], *outdir = argv[3];
  char expect[LINE_LEN] = "", sets_buf[MAX_SETS][LINE_LEN], line[LINE_LEN];
  int n_sets = 0;
  FILE *f = fopen(deck, "r");
  if (!f) {
    fprintf(stderr, "FAIL %s: cannot open\n", deck);
    return 1;
  }
  while (fgets(line, sizeof line, f) && line[0] == '#') {
    chomp(line);
    if (strncmp(line, "# expect: ", 10) == 0) {
      idr_strlcpy(expect, line + 10, sizeof expect);
    } else if (strncmp(line, "# set: ", 7) == 0 && n_sets < MAX_SETS) {
      idr_strlcpy(sets_buf[n_sets], line + 7, sizeof sets_buf[n_sets]);
      n_sets++;
    }
  }
  fclose(f);
  if (!expect[0]) {
    fprintf(stderr, "FAIL %s: no '# expect: ' first line\n", deck);
    return 1;
  }
  if (empty_dir(outdir) != 0) {
    fprintf(stderr, "FAIL %s: cannot prepare %s: %s\n", deck, outdir, strerror(errno));
    return 1;
  }

  char out_h5[LINE_LEN * 2];
  snprintf(out_h5, sizeof out_h5, "%s/result.h5", outdir);
  char *args[FIXED_ARGS + 2 * MAX_SETS];
  int na = 0;
  args[na++] = (char *)exe;
  args[na++] = "run";
  args[na++] = (char *)deck;
  args[na++] = "-o";
  args[na++] = out_h5;
  for (int i = 0; i < n_sets; i++) {
    args[na++] = "--set";
    args[na++] = sets_buf[i];
  }
  args[na++] = "-q";
  args[na] = NULL;

  static char err_text[STDERR_CAP];
  int rc = run_capture(args, err_text, sizeof err_text);
  char want[LINE_LEN + 32];
  snprintf(want, sizeof want, "iondrift: error: %s", expect);
  /* the expected text must sit on the error line itself */
  const char *hit = strstr(err_text, "iondrift: error: ");
  int msg_ok = 0;
  while (hit && !msg_ok) {
    const char *eol = strchr(hit, '\n');
    const char *m = strstr(hit, expect);
    msg_ok = m && (!eol || m < eol);
    hit = strstr(hit + 1, "iondrift: error: ");
  }
  char left[LINE_LEN * 4];
  int n_left = list_dir(outdir, left, sizeof left);
  int ok = rc == 2 && msg_ok && n_left == 0;
  printf("%s %s\n  exit status: %d (expected 2)\n  stderr:      %s  expected:    %s\n"
         "  files left in %s: %d\n%s",
         ok ? "PASS" : "FAIL", deck, rc, err_text[0] ? err_text : "(empty)\n", want, outdir, n_left,
         n_left > 0 ? left : "");
  return ok ? 0 : 1;
}

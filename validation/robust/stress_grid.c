/*
 * stress_grid: the engine at its default settings on a random grid of
 * fill-pulse transients, end to end through `iondrift run` (issue 9).
 *
 *   stress_grid IONDRIFT DECK OUTDIR [--points N] [--seed S] [--jobs J]
 *               [--min-converged F] [--table FILE]
 *
 * Each point runs the deck's waveform (a pulse, then the relaxation) with
 *   temperature_K            uniform in [150, 350] K
 *   ions[0].Ea_eV            uniform in [0.05, 0.6] eV
 *   ions[0].density_cm3      log-uniform in [1e14, 1e19] cm^-3
 *   layers[1].N_A_cm3        log-uniform in [1e14, 1e18] cm^-3 (the absorber)
 *   protocol.segments[0].V_V uniform in [-1.5, 1.5] V (the pulse)
 * drawn by splitmix64 from the seed (the same points on every machine), as
 * a child process (a crash is a signal, not the end of the grid), J at a
 * time. A point is
 *   converged  exit 0, and every number of its HDF5 result is finite except
 *              where docs/outputs.md gives a NaN its meaning (a quasi-Fermi
 *              level where its density is 0);
 *   error      exit 1 or 2 with "iondrift: error: <message>" on stderr and
 *              no file left in its directory (no result, no temporary);
 *   nan        exit 0 with a non-finite number without documented meaning;
 *   crash      anything else (a signal, another exit status, an error
 *              without a message, files left behind by a failure).
 * Prints the counts, the wall-time and CPU-time distributions (CPU time: the
 * machine's other load aside) and each failed point with
 * the command that reproduces it; optionally a CSV table of every point.
 * Exit status 0 when there is no crash, no NaN and at least the fraction F
 * (default 0.999) converged; 1 otherwise; 2 for bad arguments.
 */
#define _DEFAULT_SOURCE /* wait4 */
#define _POSIX_C_SOURCE 200809L

#include "idr_io.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define N_PARAMS 5
#define MAX_JOBS 64
#define MSG_LEN 512
#define SET_LEN 96

typedef enum { ST_CONVERGED, ST_ERROR, ST_NAN, ST_CRASH } point_status;
static const char *const STATUS_NAME[] = {"converged", "error", "nan", "crash"};

typedef struct point {
  double T_K, Ea_eV, N_ion_cm3, N_A_cm3, V_pulse;
  char sets[N_PARAMS][SET_LEN];
  point_status status;
  double wall_s;     /* wall time of the child [s] */
  double cpu_s;      /* its CPU time, user + system [s] (the load of other work aside) */
  char msg[MSG_LEN]; /* the error message, or what was wrong */
} point;

typedef struct grid {
  const char *iondrift, *deck, *outdir;
  int points, jobs;
  uint64_t seed;
  double min_converged;
  const char *table;
} grid;

/* ---- parameters --------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* uniform in [0, 1) with 53 random bits */
static double unit(uint64_t *s) {
  return (double)(splitmix64(s) >> 11) * 0x1.0p-53;
}

static void draw(point *p, uint64_t *s) {
  p->T_K = 150.0 + 200.0 * unit(s);
  p->Ea_eV = 0.05 + 0.55 * unit(s);
  p->N_ion_cm3 = pow(10.0, 14.0 + 5.0 * unit(s));
  p->N_A_cm3 = pow(10.0, 14.0 + 4.0 * unit(s));
  p->V_pulse = -1.5 + 3.0 * unit(s);
  snprintf(p->sets[0], SET_LEN, "temperature_K=%.6g", p->T_K);
  snprintf(p->sets[1], SET_LEN, "ions[0].Ea_eV=%.6g", p->Ea_eV);
  snprintf(p->sets[2], SET_LEN, "ions[0].density_cm3=%.6g", p->N_ion_cm3);
  snprintf(p->sets[3], SET_LEN, "layers[1].N_A_cm3=%.6g", p->N_A_cm3);
  snprintf(p->sets[4], SET_LEN, "protocol.segments[0].V_V=%.6g", p->V_pulse);
}

/* ---- checking a result file ---------------------------------------------- */

/* Is value k of dataset `name` a documented NaN? Efn / Efp are NaN where
 * their density (n / p beside them, same shape) is 0. */
static int documented_nan(idr_h5 *h, const char *group, const char *name, size_t k) {
  const char *dens = strcmp(name, "Efn") == 0 ? "n" : strcmp(name, "Efp") == 0 ? "p" : NULL;
  if (!dens) return 0;
  char path[256];
  snprintf(path, sizeof path, "%s/%s", group, dens);
  idr_h5_dataset d;
  idr_error err;
  idr_error_clear(&err);
  if (idr_h5_read_double(h, path, NULL, &d, &err) != IDR_OK) return 0;
  int ok = k < d.size && d.data[k] == 0.0;
  idr_h5_dataset_free(&d);
  return ok;
}

/* Walk a group; the first problem goes to msg. Returns 0 when all is finite
 * (or documented), 1 on a bad number, -1 when the file cannot be read. */
static int check_group(idr_h5 *h, const char *group, char *msg) {
  char **names = NULL;
  size_t count = 0;
  idr_error err;
  idr_error_clear(&err);
  if (idr_h5_list(h, group, &names, &count, &err) != IDR_OK) {
    snprintf(msg, MSG_LEN, "cannot list %.100s: %.380s", group, err.msg);
    return -1;
  }
  int rc = 0;
  for (size_t i = 0; i < count && rc == 0; i++) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", strcmp(group, "/") == 0 ? "" : group, names[i]);
    idr_h5_kind kind = idr_h5_kind_of(h, path);
    if (kind == IDR_H5_GROUP) {
      rc = check_group(h, path, msg);
      continue;
    }
    if (kind != IDR_H5_DATASET) continue;
    idr_h5_dataset d;
    if (idr_h5_read_double(h, path, NULL, &d, &err) != IDR_OK) continue; /* a string */
    for (size_t k = 0; k < d.size && rc == 0; k++)
      if (!isfinite(d.data[k]) && !documented_nan(h, group, names[i], k)) {
        snprintf(msg, MSG_LEN, "%s[%zu] = %g", path, k, d.data[k]);
        rc = 1;
      }
    idr_h5_dataset_free(&d);
  }
  idr_h5_names_free(names, count);
  return rc;
}

/* ---- running one point -------------------------------------------------- */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void point_dir(const grid *g, int i, char *buf, size_t size) {
  snprintf(buf, size, "%s/p%04d", g->outdir, i);
}

static pid_t start_point(const grid *g, int i, const point *p) {
  char dir[1024], out[1100], err_path[1100];
  point_dir(g, i, dir, sizeof dir);
  mkdir(dir, 0777);
  snprintf(out, sizeof out, "%s/r.h5", dir);
  snprintf(err_path, sizeof err_path, "%s/../p%04d.stderr", dir, i);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err_path, O_WRONLY | O_CREAT | O_TRUNC,
                                   0666);
  char *argv[8 + 2 * N_PARAMS];
  int a = 0;
  argv[a++] = (char *)g->iondrift;
  argv[a++] = (char *)"run";
  argv[a++] = (char *)g->deck;
  argv[a++] = (char *)"-q";
  argv[a++] = (char *)"-o";
  argv[a++] = out;
  for (int k = 0; k < N_PARAMS; k++) {
    argv[a++] = (char *)"--set";
    argv[a++] = (char *)p->sets[k];
  }
  argv[a] = NULL;
  pid_t pid = -1;
  if (posix_spawn(&pid, g->iondrift, &fa, NULL, argv, environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

/* Remove a point's directory and files (one level). */
static void clean_point(const grid *g, int i) {
  char dir[1024], f[1200];
  point_dir(g, i, dir, sizeof dir);
  const char *names[] = {"r.h5", "r_J.csv"};
  for (size_t k = 0; k < 2; k++) {
    snprintf(f, sizeof f, "%s/%s", dir, names[k]);
    remove(f);
  }
  rmdir(dir);
  snprintf(f, sizeof f, "%s/p%04d.stderr", g->outdir, i);
  remove(f);
}

/* Number of entries left in a point's directory (a failed run must leave
 * none: no result, no CSV, no temporary). */
static int entries_left(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
  closedir(d);
  return n;
}

static void classify(const grid *g, int i, point *p, int wstatus) {
  char dir[1024], path[1200];
  point_dir(g, i, dir, sizeof dir);
  snprintf(path, sizeof path, "%s/p%04d.stderr", g->outdir, i);
  /* stderr: the error line may follow warnings */
  char text[4096] = "", first[MSG_LEN] = "";
  const char *pre = "iondrift: error: ";
  FILE *f = fopen(path, "r");
  if (f) {
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
  }
  const char *line = strstr(text, pre);
  if (line && line != text && line[-1] != '\n') line = NULL;
  snprintf(first, sizeof first, "%.*s", (int)strcspn(line ? line : text, "\n"), line ? line : text);
  if (WIFSIGNALED(wstatus)) {
    p->status = ST_CRASH;
    snprintf(p->msg, MSG_LEN, "killed by signal %d (%s)", WTERMSIG(wstatus),
             strsignal(WTERMSIG(wstatus)));
    return;
  }
  const int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  if (code == 1 || code == 2) {
    const int clear = line && strlen(first) > strlen(pre) + 10;
    const int left = entries_left(dir);
    p->status = clear && left == 0 ? ST_ERROR : ST_CRASH;
    snprintf(p->msg, MSG_LEN, "exit %d: %.440s%s", code,
             clear ? first + strlen(pre) : "(no message)", left ? " [files left behind]" : "");
    return;
  }
  if (code != 0) {
    p->status = ST_CRASH;
    snprintf(p->msg, MSG_LEN, "exit status %d: %.400s", code, first);
    return;
  }
  snprintf(path, sizeof path, "%s/r.h5", dir);
  idr_h5 *h = NULL;
  idr_error err;
  idr_error_clear(&err);
  if (idr_h5_open(path, &h, &err) != IDR_OK) {
    p->status = ST_CRASH;
    snprintf(p->msg, MSG_LEN, "exit 0 without a readable result: %.400s", err.msg);
    return;
  }
  int rc = check_group(h, "/", p->msg);
  idr_h5_close(&h);
  p->status = rc == 0 ? ST_CONVERGED : rc > 0 ? ST_NAN : ST_CRASH;
}

/* ---- the grid --------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void print_command(const grid *g, const point *p) {
  printf("      iondrift run %s", g->deck);
  for (int k = 0; k < N_PARAMS; k++)
    printf(" --set '%s'", p->sets[k]);
  printf("\n");
}

static int write_table(const grid *g, const point *pts) {
  FILE *f = fopen(g->table, "w");
  if (!f) return -1;
  fprintf(f, "index,temperature_K,Ea_eV,N_ion_cm3,N_A_cm3,V_pulse_V,status,wall_s,cpu_s,message\n");
  for (int i = 0; i < g->points; i++) {
    const point *p = &pts[i];
    char m[MSG_LEN];
    snprintf(m, sizeof m, "%s", p->msg);
    for (char *c = m; *c; c++)
      if (*c == ',' || *c == '"' || *c == '\n') *c = ';';
    fprintf(f, "%d,%.6g,%.6g,%.6g,%.6g,%.6g,%s,%.4f,%.4f,%s\n", i, p->T_K, p->Ea_eV, p->N_ion_cm3,
            p->N_A_cm3, p->V_pulse, STATUS_NAME[p->status], p->wall_s, p->cpu_s, m);
  }
  return fclose(f) == 0 ? 0 : -1;
}

/* min, median, 90 %, 99 %, max and sum of n values (sorted in place). */
static void print_distribution(const char *what, double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  double sum = 0.0;
  for (int i = 0; i < n; i++)
    sum += v[i];
#define PCT(q) v[(int)fmin((double)(n - 1), floor((q) * (n - 1) + 0.5))]
  printf("  %s per point [s]: min %.3f, median %.3f, 90 %% %.3f, 99 %% %.3f, max %.3f; sum %.1f\n",
         what, v[0], PCT(0.5), PCT(0.9), PCT(0.99), v[n - 1], sum);
#undef PCT
}

static int report(const grid *g, point *pts, double total_wall) {
  int count[4] = {0, 0, 0, 0};
  const int n = g->points;
  double *w = malloc(2 * (size_t)n * sizeof *w);
  if (!w) return 1;
  for (int i = 0; i < n; i++) {
    count[pts[i].status]++;
    w[i] = pts[i].wall_s;
    w[n + i] = pts[i].cpu_s;
  }
  printf("stress grid: %d points (seed %llu), %s\n", n, (unsigned long long)g->seed, g->deck);
  for (int s = 0; s < 4; s++)
    printf("  %-10s %5d  (%.2f %%)\n", STATUS_NAME[s], count[s], 100.0 * count[s] / n);
  print_distribution("wall time", w, n);
  print_distribution("CPU time ", w + n, n);
  printf("  elapsed %.1f s on %d job(s)\n", total_wall, g->jobs);
  free(w);
  for (int i = 0; i < n; i++) {
    if (pts[i].status == ST_CONVERGED) continue;
    printf("  point %d: %s: %s\n", i, STATUS_NAME[pts[i].status], pts[i].msg);
    print_command(g, &pts[i]);
  }
  if (g->table && write_table(g, pts) != 0)
    fprintf(stderr, "stress_grid: cannot write %s\n", g->table);
  const double conv = (double)count[ST_CONVERGED] / n;
  const int pass = count[ST_CRASH] == 0 && count[ST_NAN] == 0 && conv >= g->min_converged;
  printf("stress grid: %s (0 crash, 0 NaN and >= %.1f %% converged required)\n",
         pass ? "PASS" : "FAIL", 100.0 * g->min_converged);
  return pass ? 0 : 1;
}

static int run_grid(const grid *g) {
  point *pts = calloc((size_t)g->points, sizeof *pts);
  if (!pts) return 1;
  uint64_t s = g->seed;
  for (int i = 0; i < g->points; i++)
    draw(&pts[i], &s);
  mkdir(g->outdir, 0777);
  pid_t pid[MAX_JOBS];
  int idx[MAX_JOBS];
  double t0[MAX_JOBS];
  for (int j = 0; j < g->jobs; j++)
    pid[j] = -1;
  int next = 0, running = 0;
  const double start = now_s();
  while (next < g->points || running > 0) {
    for (int j = 0; j < g->jobs && next < g->points; j++) {
      if (pid[j] > 0) continue;
      idx[j] = next;
      t0[j] = now_s();
      pid[j] = start_point(g, next, &pts[next]);
      if (pid[j] < 0) {
        pts[next].status = ST_CRASH;
        snprintf(pts[next].msg, MSG_LEN, "cannot start %s", g->iondrift);
      } else {
        running++;
      }
      next++;
    }
    if (running == 0) continue;
    int ws = 0;
    struct rusage ru;
    pid_t done = wait4(-1, &ws, 0, &ru);
    if (done < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int j = 0; j < g->jobs; j++)
      if (pid[j] == done) {
        point *p = &pts[idx[j]];
        p->wall_s = now_s() - t0[j];
        p->cpu_s = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
                   (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
        classify(g, idx[j], p, ws);
        if (p->status == ST_CONVERGED || p->status == ST_ERROR) clean_point(g, idx[j]);
        pid[j] = -1;
        running--;
        if (idx[j] % 50 == 49) {
          fprintf(stderr, "stress_grid: %d of %d points done\n", idx[j] + 1, g->points);
        }
      }
  }
  const int rc = report(g, pts, now_s() - start);
  free(pts);
  return rc;
}

static int usage(const char *why) {
  fprintf(stderr,
          "stress_grid: %s\nusage: stress_grid IONDRIFT DECK OUTDIR [--points N] [--seed S] "
          "[--jobs J] [--min-converged F] [--table FILE]\n",
          why);
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 4) return usage("missing arguments");
  grid g = {argv[1], argv[2], argv[3], 60, 1, 9, 0.999, NULL};
  for (int i = 4; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) return usage("an option needs a value");
    if (strcmp(a, "--points") == 0)
      g.points = atoi(v);
    else if (strcmp(a, "--seed") == 0)
      g.seed = strtoull(v, NULL, 10);
    else if (strcmp(a, "--jobs") == 0)
      g.jobs = atoi(v);
    else if (strcmp(a, "--min-converged") == 0)
      g.min_converged = atof(v);
    else if (strcmp(a, "--table") == 0)
      g.table = v;
    else
      return usage("unknown option");
    i++;
  }
  if (g.points < 1 || g.jobs < 1 || g.jobs > MAX_JOBS || !(g.min_converged >= 0.0))
    return usage("bad --points, --jobs or --min-converged");
  return run_grid(&g);
}

/*
 * iondrift core: where the project's data files are. An installed library or
 * program finds its data beside itself (<prefix>/share/iondrift/KIND, the
 * relative way from its own directory fixed at configure time), so the
 * installation can be moved and needs no source tree; a build tree uses
 * the source tree it was built from. The answer is computed once per kind
 * (pthread_once) from facts that do not change while the process runs.
 */
#define _GNU_SOURCE /* dladdr */

#include "idr_core.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef IDR_SOURCE_DIR
#define IDR_SOURCE_DIR "."
#endif
#ifndef IDR_LIB_TO_DATA /* libdir -> <datadir>/iondrift */
#define IDR_LIB_TO_DATA "../share/iondrift"
#endif
#ifndef IDR_BIN_TO_DATA /* bindir -> <datadir>/iondrift */
#define IDR_BIN_TO_DATA "../share/iondrift"
#endif
#ifndef IDR_INSTALL_DATA_DIR /* <datadir>/iondrift, absolute */
#define IDR_INSTALL_DATA_DIR ""
#endif

#define DIR_LEN 4096

typedef struct kind_info {
  const char *kind, *env, *source; /* name, environment variable, source-tree subdirectory */
} kind_info;

static const kind_info KINDS[] = {{"materials", "IONDRIFT_MATERIALS", "materials/data"},
                                  {"examples", "IONDRIFT_EXAMPLES", "examples"},
                                  {"tools", "IONDRIFT_TOOLS", "tools"}};
#define N_KINDS (sizeof KINDS / sizeof KINDS[0])

static char found[N_KINDS][DIR_LEN]; /* written once under pthread_once */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int is_dir(const char *p) {
  struct stat sb;
  return p[0] && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The directory part of path into buf ("" when none). */
static void dir_of(const char *path, char *buf, size_t size) {
  buf[0] = '\0';
  const char *slash = strrchr(path, '/');
  if (!slash || (size_t)(slash - path) >= size) return;
  memcpy(buf, path, (size_t)(slash - path));
  buf[slash - path] = '\0';
}

/* <base>/<rel>/<kind> into out when it is a directory. */
static int try_dir(const char *base, const char *rel, const char *kind, char *out) {
  if (!base[0]) return 0;
  char p[DIR_LEN + 64];
  int w = snprintf(p, sizeof p, "%s/%s/%s", base, rel, kind);
  if (w < 0 || (size_t)w >= sizeof p || !is_dir(p)) return 0;
  char *real = realpath(p, NULL);
  int ok = real && idr_strlcpy(out, real, DIR_LEN);
  free(real);
  return ok;
}

static void find_all(void) {
  char lib_dir[DIR_LEN] = "", exe_dir[DIR_LEN] = "";
  Dl_info info;
  if (dladdr((void *)&idr_data_dir, &info) && info.dli_fname) {
    char *real = realpath(info.dli_fname, NULL);
    if (real) dir_of(real, lib_dir, sizeof lib_dir);
    free(real);
  }
  char exe[DIR_LEN];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    dir_of(exe, exe_dir, sizeof exe_dir);
  }
  for (size_t k = 0; k < N_KINDS; k++) {
    const kind_info *K = &KINDS[k];
    char src[DIR_LEN];
    snprintf(src, sizeof src, "%s/%s", IDR_SOURCE_DIR, K->source);
    if (try_dir(lib_dir, IDR_LIB_TO_DATA, K->kind, found[k])) continue;
    if (try_dir(exe_dir, IDR_BIN_TO_DATA, K->kind, found[k])) continue;
    if (is_dir(src) && idr_strlcpy(found[k], src, DIR_LEN)) continue;
    if (try_dir(IDR_INSTALL_DATA_DIR, ".", K->kind, found[k])) continue;
    idr_strlcpy(found[k], src, DIR_LEN); /* named in the messages of what is missing */
  }
}

const char *idr_data_dir(const char *kind) {
  for (size_t k = 0; k < N_KINDS; k++) {
    if (strcmp(KINDS[k].kind, kind) != 0) continue;
    const char *env = getenv(KINDS[k].env);
    if (env && env[0]) return env;
    pthread_once(&once, find_all);
    return found[k];
  }
  return NULL;
}

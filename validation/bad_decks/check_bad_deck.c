/*
 * Bad-input check: load a malformed deck and require the exact message.
 *
 * The deck's first line is `# expect: <substring of the expected message>`
 * (including FILE:LINE:COL); optional `# set: path=value` lines are passed as
 * --set overrides. The check passes when idr_deck_load fails with
 * IDR_ERR_INPUT and its message contains the expected text.
 * Usage: check_bad_deck DECK [MATERIALS_DIR]
 */
#include "idr_materials.h"

#include <stdio.h>
#include <string.h>

#define MAX_SETS 8
#define LINE_LEN 1024

static void chomp(char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
    s[--n] = '\0';
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s DECK [MATERIALS_DIR]\n", argv[0]);
    return 2;
  }
  const char *deck = argv[1], *matdir = argc > 2 ? argv[2] : NULL;
  char expect[LINE_LEN] = "", sets_buf[MAX_SETS][LINE_LEN], line[LINE_LEN];
  const char *sets[MAX_SETS];
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
      sets[n_sets] = sets_buf[n_sets];
      n_sets++;
    }
  }
  fclose(f);
  if (!expect[0]) {
    fprintf(stderr, "FAIL %s: no '# expect: ' first line\n", deck);
    return 1;
  }
  idr_deck d;
  idr_error err;
  idr_error_clear(&err);
  idr_status st = idr_deck_load(deck, sets, n_sets, matdir, &d, &err);
  int ok = st == IDR_ERR_INPUT && strstr(err.msg, expect) != NULL && d.resolved_yaml == NULL;
  printf("%s %s\n  status:   %s\n  message:  %s\n  expected: %s\n", ok ? "PASS" : "FAIL", deck,
         idr_status_str(st), st == IDR_OK ? "(none: the deck was accepted)" : err.msg, expect);
  idr_deck_free(&d);
  return ok ? 0 : 1;
}

/*
 * App tests: the helpers the check programs share (check_result,
 * check_mott_schottky, extract_check): one line per named check with a
 * count of the failures, the real binary run through popen, and numbers read
 * from its --json output with strstr/sscanf.
 */
#ifndef APP_CHECK_H
#define APP_CHECK_H

#include <stddef.h>

/* Print "ok   WHAT" or "FAIL WHAT"; a failure is counted. */
void app_check(int ok, const char *what);

/* Failed checks so far (the program's exit status is non-zero when > 0). */
int app_check_failures(void);

/* Run a shell command; its stdout (and stderr with 2>&1 in cmd) into out
 * (truncated to size - 1 bytes). Returns the exit status, or -1 when it
 * could not run or did not exit normally. */
int app_run(const char *cmd, char *out, size_t size);

/* The number after "key": in a JSON object; NAN when missing or null. */
double app_json_get(const char *json, const char *key);

#endif /* APP_CHECK_H */

/*
 * iondrift app: output paths checked before any work starts (out_check.c).
 */
#ifndef IDR_APP_OUT_H
#define IDR_APP_OUT_H

/* An output file path given to command cmd (NULL: nothing to check): its
 * directory must exist and the path must not be a directory. Returns 0, or
 * IDR_EXIT_INPUT after printing a usage error that names the directory. */
int idr_app_check_output(const char *cmd, const char *path);

/* The same for an output directory that the command creates: its parent
 * must exist, and it must not be an existing non-directory. */
int idr_app_check_output_dir(const char *cmd, const char *dir);

#endif /* IDR_APP_OUT_H */

/*
 * iondrift config, private: the YAML document tree shared by yaml_tree.c
 * (parsing, messages, checked readers) and yaml_edit.c (--set overrides and
 * the API's typed changes). Not installed.
 */
#ifndef IDR_YAML_INTERNAL_H
#define IDR_YAML_INTERNAL_H

#include "idr_config.h"

#include <yaml.h>

#define YT_FROM_CLI 1 /* node of a --set override */
#define YT_FROM_API 2 /* node of a typed change through the API */

struct idr_ynode {
  idr_ykind kind;
  int line, col; /* 1-based position of the value */
  int from_set;  /* created by a --set override (YT_FROM_CLI) or the API (YT_FROM_API) */
  int plain;     /* scalar written without quotes */
  char *str;     /* scalar text */
  char *key;     /* key in the parent mapping, NULL otherwise */
  int key_line, key_col;
  idr_ynode **items;
  size_t n, cap;
};

struct idr_ydoc {
  char name[512];
  idr_ynode *root;
};

typedef struct ytparse {
  yaml_parser_t parser;
  const char *name;     /* file name for messages */
  const char *set_path; /* non-NULL while parsing a --set value */
  const char *set_text;
  const char *set_origin; /* "<command line>: --set" or "NAME: set" */
  idr_error *err;
} ytparse;

char *idr_yt_dup_n(const char *s, size_t n);
void idr_yt_node_free(idr_ynode *n);
idr_ynode *idr_yt_node_new(idr_ykind kind, int line, int col);
int idr_yt_node_push(idr_ynode *parent, idr_ynode *child);
/* Mark n and its children as created by origin (YT_FROM_CLI, YT_FROM_API). */
void idr_yt_node_mark_set(idr_ynode *n, int origin);
/* Parse text into *root (NULL for an empty document). */
idr_status idr_yt_parse_text(const char *text, size_t len, ytparse *p, idr_ynode **root);

#endif /* IDR_YAML_INTERNAL_H */

/*
 * Protocol `equilibrate`: the thermal equilibrium only (dark, 0 V, ions
 * included). run.c solves and writes it before every protocol, so this entry
 * has no keys beyond `type`, nothing to run and nothing more to write.
 */
#include "idr_protocols.h"

static const char *const KEYS[] = {"type", NULL};

const idr_protocol idr_protocol_equilibrate = {
    .keys = {.name = "equilibrate", .keys = KEYS, .spec_size = 0},
    .group = NULL,
    .csv_suffix = NULL,
    .run = NULL,
    .free_out = NULL,
    .write = NULL,
};

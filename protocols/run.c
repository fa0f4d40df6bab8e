/*
 * One deck end to end: mesh (idr_mesh_build) -> device at temperature_K
 * (idr_device_build) -> thermal equilibrium (idr_equilibrium) -> the deck's
 * protocol (its table entry) -> the result set in the layout of
 * docs/outputs.md: root attributes (iondrift_version, deck_yaml,
 * temperature_K, title), mesh, equilibrium, the protocol's group, the CSV
 * table. The command line, the API and the studies all run decks here.
 */
#include "idr_protocols.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

idr_status idr_write_profiles(idr_rset *rs, const char *group, const idr_profiles *pr,
                              const idr_device *dev, int one_d, idr_error *err) {
  const size_t nt = (size_t)pr->n_times, N = (size_t)pr->N, block = nt * N;
  char path[IDR_RSET_PATH_LEN];
  const struct {
    const char *name, *units;
    const double *data;
  } fields[] = {{"phi", "V", pr->phi}, {"E", "V/m", pr->E},    {"n", "m^-3", pr->n},
                {"p", "m^-3", pr->p},  {"Efn", "eV", pr->Efn}, {"Efp", "eV", pr->Efp}};
  idr_status st = IDR_OK;
  if (!one_d) {
    snprintf(path, sizeof path, "%s/t", group);
    st = idr_rset_put_double(rs, path, pr->t, nt, "s", err);
  }
  for (size_t f = 0; !st && f < sizeof fields / sizeof fields[0]; f++) {
    snprintf(path, sizeof path, "%s/%s", group, fields[f].name);
    st = one_d ? idr_rset_put_double(rs, path, fields[f].data, N, fields[f].units, err)
               : idr_rset_put_double_2d(rs, path, fields[f].data, nt, N, fields[f].units, err);
  }
  for (int k = 0; !st && k < pr->n_ions; k++) {
    snprintf(path, sizeof path, "%s/ion_%s", group, dev->ion_names[k]);
    const double *data = pr->ions + (size_t)k * block;
    st = one_d ? idr_rset_put_double(rs, path, data, N, "m^-3", err)
               : idr_rset_put_double_2d(rs, path, data, nt, N, "m^-3", err);
  }
  for (int k = 0; !st && k < pr->n_ions; k++) {
    if (!dev->ions[k].pairs) continue; /* no light-created pairs */
    snprintf(path, sizeof path, "%s/counter_%s", group, dev->ion_names[k]);
    const double *data = pr->counters + (size_t)k * block;
    st = one_d ? idr_rset_put_double(rs, path, data, N, "m^-3", err)
               : idr_rset_put_double_2d(rs, path, data, nt, N, "m^-3", err);
  }
  for (int j = 0; !st && j < pr->n_levels; j++) {
    snprintf(path, sizeof path, "%s/trap_%s", group, dev->level_names[j]);
    const double *data = pr->traps + (size_t)j * block;
    st = one_d ? idr_rset_put_double(rs, path, data, N, "-", err)
               : idr_rset_put_double_2d(rs, path, data, nt, N, "-", err);
  }
  return st;
}

static idr_status write_root_and_mesh(idr_rset *rs, const idr_deck *d, const idr_mesh *m,
                                      idr_error *err) {
  idr_status st = idr_rset_attr_string(rs, "/", "iondrift_version", idr_version(), err);
  if (!st)
    st = idr_rset_attr_string(rs, "/", "deck_yaml", d->resolved_yaml ? d->resolved_yaml : "", err);
  if (!st) st = idr_rset_attr_double(rs, "/", "temperature_K", d->temperature_K, err);
  if (!st) st = idr_rset_attr_string(rs, "/", "title", d->title, err);
  if (!st) st = idr_rset_put_double(rs, "mesh/x", m->x, (size_t)m->n, "m", err);
  if (!st)
    st =
        idr_rset_put_int(rs, "mesh/layer_first", m->layer_first, (size_t)m->n_layers + 1, "-", err);
  if (st) return st;
  /* layer names, comma-separated, in stack order (x = 0 first) */
  char names[IDR_MAX_LAYERS * (IDR_NAME_LEN + 1) + 1] = "";
  for (int i = 0; i < d->n_layers; i++) {
    if (i) strcat(names, ",");
    strcat(names, d->layers[i].name);
  }
  return idr_rset_attr_string(rs, "mesh", "layer_names", names, err);
}

static idr_status write_equilibrium(idr_rset *rs, const idr_device *dev, const double *y,
                                    const idr_eq_stats *es, double wall, idr_error *err) {
  idr_profiles eq;
  idr_status st = idr_profiles_alloc(&eq, 1, dev, err);
  if (st) return st;
  idr_profiles_store(&eq, 0, 0.0, dev, y);
  st = idr_write_profiles(rs, "equilibrium", &eq, dev, 1, err);
  idr_profiles_free(&eq);
  if (!st)
    st = idr_rset_attr_double(rs, "equilibrium", "newton_iterations", (double)es->iterations, err);
  if (!st) st = idr_rset_attr_double(rs, "equilibrium", "wall_time_s", wall, err);
  return st;
}

idr_status idr_run_deck(const idr_deck *deck, const idr_run_options *o, idr_rset **out,
                        idr_error *err) {
  *out = NULL;
  const idr_protocol *p = idr_protocol_of(deck);
  if (!p)
    return idr_error_set(err, IDR_ERR_UNSUPPORTED, "%s: protocol '%s' is not in the table",
                         deck->path, idr_protocol_name(&deck->protocol));
  idr_mesh *mesh = NULL;
  idr_device *dev = NULL;
  double *y = NULL;
  void *pout = NULL;
  idr_rset *rs = NULL;
  idr_status st = idr_mesh_build(deck, &mesh, err);
  if (!st) st = idr_device_build(deck, mesh, deck->temperature_K, &dev, err);
  if (st) goto out_free;
  y = calloc((size_t)dev->n_unknowns, sizeof *y);
  if (!y) {
    st = idr_error_set(err, IDR_ERR_NOMEM, "out of memory (%d unknowns)", dev->n_unknowns);
    goto out_free;
  }
  idr_eq_stats es = {0, 0.0};
  double t0 = now_s();
  st = idr_equilibrium(dev, y, &es, err);
  double eq_wall = now_s() - t0;
  if (st) {
    idr_error_context(err, "solving the thermal equilibrium at %g K", deck->temperature_K);
    goto out_free;
  }
  idr_run_ctx c = {deck,
                   deck->protocol.spec.bytes,
                   mesh,
                   dev,
                   y,
                   idr_sim_opts_from_deck(deck),
                   o ? o->threads : 0,
                   o ? o->progress : NULL,
                   o ? o->progress_user : NULL};
  t0 = now_s();
  if (p->run) st = p->run(&c, &pout, err);
  double run_wall = now_s() - t0;
  if (st) goto out_free;
  st = idr_rset_create(&rs, err);
  if (!st) st = write_root_and_mesh(rs, deck, mesh, err);
  if (!st) st = write_equilibrium(rs, dev, y, &es, eq_wall, err);
  if (!st && p->write) st = p->write(&c, pout, rs, err);
  if (!st && p->group) st = idr_rset_attr_double(rs, p->group, "wall_time_s", run_wall, err);
  if (!st) {
    *out = rs;
    rs = NULL;
  }
out_free:
  idr_rset_free(&rs);
  if (pout && p->free_out) p->free_out(pout);
  free(y);
  idr_device_free(&dev);
  idr_mesh_free(&mesh);
  return st;
}

/* "dir/name.h5" -> "dir/name<suffix>". */
static int beside(const char *h5, const char *suffix, char *out, size_t size) {
  const char *base = strrchr(h5, '/');
  base = base ? base + 1 : h5;
  const char *dot = strrchr(base, '.');
  size_t stem = dot && dot != base ? (size_t)(dot - h5) : strlen(h5);
  int w = snprintf(out, size, "%.*s%s", (int)stem, h5, suffix);
  return w >= 0 && (size_t)w < size;
}

idr_status idr_run_csv_path(const idr_deck *deck, const char *h5_override, char *buf, size_t size,
                            idr_error *err) {
  const idr_protocol *p = idr_protocol_of(deck);
  buf[0] = '\0';
  if (!p || !p->csv_suffix) return IDR_OK;
  if (deck->output.csv_given || (!h5_override && p == &idr_protocol_waveform)) {
    if (!idr_strlcpy(buf, deck->output.csv_path, size))
      return idr_error_set(err, IDR_ERR_INPUT, "%s: path too long", deck->output.csv_path);
    return IDR_OK;
  }
  const char *h5 = h5_override ? h5_override : deck->output.h5_path;
  if (!beside(h5, p->csv_suffix, buf, size)) {
    buf[0] = '\0';
    return idr_error_set(err, IDR_ERR_INPUT, "%s%s: path too long", h5_override ? "-o " : "", h5);
  }
  return IDR_OK;
}

/*
 * iondrift app: `iondrift fit FIT.yaml [-o OUT.h5] [--threads N] [--json]`,
 * the command line of the device-model fit of fit/ (docs/fit.md): the
 * options, the progress on stderr, the table of fitted values with their
 * errors and intervals in practical units beside the textbook extraction
 * of the same TID data, or the same as JSON.
 */
#include "app.h"
#include "app_out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE_FIT[] =
    "Usage: iondrift fit FIT.yaml [-o OUT.h5] [--threads N] [--json] [--no-profiles] [-q]\n"
    "\n"
    "Fit the device model of a deck to measured data (docs/fit.md): TID C(t,T), C-f and\n"
    "C-V files, each simulated by its own protocol at the data's own points; GSL's\n"
    "Levenberg-Marquardt from the best points of a Sobol design; standard errors,\n"
    "correlations and profile-likelihood intervals; non-identifiable parameters named;\n"
    "the textbook extraction of the same TID data beside the fit.\n"
    "\n"
    "Options:\n"
    "  -o, --output OUT.h5  the result file (default: <spec stem>_fit.h5 here): data,\n"
    "                       best-fit curves, residuals, covariance, profiles, spec\n"
    "  --threads N          OpenMP threads (default: all the runtime offers)\n"
    "  --json               print the results as JSON on stdout instead of the table\n"
    "  --no-profiles        skip the profile likelihoods (linearized intervals only)\n"
    "  -q, --quiet          no progress on stderr\n"
    "\n"
    "Exit status: 0 fitted; 1 runtime failure (no start could be simulated, I/O);\n"
    "2 bad input (the spec, its deck or data files, options; nothing is written).\n";

void idr_app_fit_usage(FILE *f) {
  fputs(USAGE_FIT, f);
}

typedef struct fit_args {
  idr_app_spec_args c; /* the spec, -o, --threads, -q, --help */
  int json, no_profiles;
} fit_args;

static int parse(int argc, char **argv, fit_args *a) {
  a->c = (idr_app_spec_args){
      .cmd = "fit", .spec_name = "FIT.yaml", .usage = USAGE_FIT, .out_is = "a file"};
  for (int i = 2; i < argc; i++) {
    const char *s = argv[i];
    int r = idr_app_spec_option(argc, argv, &i, &a->c);
    if (r != IDR_APP_OPT_OTHER) {
      if (r != IDR_APP_OPT_TAKEN) return r;
    } else if (strcmp(s, "--json") == 0) {
      a->json = 1;
    } else if (strcmp(s, "--no-profiles") == 0) {
      a->no_profiles = 1;
    } else {
      return idr_app_usage_error("fit", "unknown option '%s'", s);
    }
  }
  return idr_app_spec_finish(&a->c);
}

static void on_progress(void *user, const idr_fit_progress *p) {
  (void)user;
  if (p->iter == 0 && !isfinite(p->cost))
    fprintf(stderr, "fit: %-28s (%zu simulations, %.1f s)\n", p->stage, p->simulations,
            p->elapsed_s);
  else
    fprintf(stderr, "fit: %-28s iter %2d  chi2 %-12.6g step %-10.3g (%zu simulations, %.1f s)\n",
            p->stage, p->iter, p->cost, p->step, p->simulations, p->elapsed_s);
}

/* ---- the table -------------------------------------------------------------------- */

static void print_param(const idr_fit_param_result *q) {
  printf("  %-26s %-12.6g %-10.3g [%.5g, %.5g]  [%.5g, %.5g]  %-7s %s%s\n", q->path, q->value,
         q->stderr_, q->ci68[0], q->ci68[1], q->ci95[0], q->ci95[1], q->units,
         q->profiled ? "profile" : "linear", q->identifiable ? "" : "  NOT IDENTIFIABLE");
}

static void print_textbook(const idr_result *r) {
  idr_dataset d;
  if (idr_result_dataset(r, "textbook/extraction", &d, NULL) != IDR_OK) {
    const char *why = idr_app_attr_string(r, "/", "textbook_error");
    if (why[0]) printf("textbook extraction of the TID data: failed: %s\n", why);
    return;
  }
  printf("textbook extraction of the same TID data (Arrhenius of the per-temperature tau):\n");
  for (int c = 0; c < 4; c++) {
    char g[64];
    snprintf(g, sizeof g, "textbook/extraction/species_%d", c);
    if (idr_result_dataset(r, g, &d, NULL) != IDR_OK) break;
    printf("  %-8s Ea = %.4g +- %.2g eV   N_ion = %.4g cm^-3   D0 = %.4g cm^2/s\n",
           idr_app_attr_string(r, g, "sign"), idr_app_attr(r, g, "Ea_eV"),
           idr_app_attr(r, g, "Ea_err_eV"), idr_app_attr(r, g, "N_ion_cm3"),
           idr_app_attr(r, g, "D0_cm2_s"));
  }
}

static void print_table(const idr_fit *f, const char *spec) {
  const idr_result *r = idr_fit_result(f);
  printf("iondrift fit: %s\n", spec);
  printf("  %zu points in %zu curves of %zu data sets, %zu parameters; %zu simulations, %.1f s\n",
         idr_fit_n_points(f), idr_fit_n_curves(f), idr_fit_n_datasets(f), idr_fit_n_params(f),
         idr_fit_simulations(f), idr_app_attr(r, "/", "wall_time_s"));
  printf("  chi2 = %.6g, reduced chi2 = %.4g (%g degrees of freedom); covariance scale %.4g\n",
         idr_app_attr(r, "/", "chi2"), idr_fit_chi2_reduced(f), idr_app_attr(r, "/", "dof"),
         idr_app_attr(r, "/", "covariance_scale"));
  printf("  %-26s %-12s %-10s %-18s %-18s %-7s %s\n", "parameter", "value", "stderr",
         "68 % interval", "95 % interval", "unit", "intervals");
  for (size_t k = 0; k < idr_fit_n_params(f); k++) {
    idr_fit_param_result q;
    if (idr_fit_param(f, k, &q, NULL) == IDR_OK) print_param(&q);
  }
  size_t n = 0;
  const double *c = idr_app_data(r, "parameters/correlation", &n);
  const size_t np = idr_fit_n_params(f);
  if (c && np > 1) {
    printf("correlation:\n");
    for (size_t k = 0; k < np; k++) {
      printf("  %-26s", idr_fit_param_path(f, k));
      for (size_t l = 0; l < np; l++)
        printf(" %7.4f", c[k * np + l]);
      printf("\n");
    }
  }
  print_textbook(r);
  const char *w = idr_fit_warnings(f);
  if (w[0]) printf("warnings:\n  %s\n", w);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      printf("\\%c", *s);
    else if (*s == '\n')
      printf("\\n");
    else if ((unsigned char)*s >= 0x20)
      putchar(*s);
  }
  putchar('"');
}

static void json_pair(const double *v) {
  printf("[");
  for (int i = 0; i < 2; i++)
    isfinite(v[i]) ? printf("%.10g%s", v[i], i ? "" : ",") : printf("null%s", i ? "" : ",");
  printf("]");
}

static void print_json(const idr_fit *f) {
  const idr_result *r = idr_fit_result(f);
  printf("{\"parameters\":[");
  for (size_t k = 0; k < idr_fit_n_params(f); k++) {
    idr_fit_param_result q;
    if (idr_fit_param(f, k, &q, NULL) != IDR_OK) continue;
    printf("%s{\"path\":", k ? "," : "");
    json_string(q.path);
    printf(",\"units\":");
    json_string(q.units);
    printf(",");
    idr_app_json_number("value", q.value, 0);
    idr_app_json_number("stderr", q.stderr_, 0);
    idr_app_json_number("start", q.start, 0);
    printf("\"ci68\":");
    json_pair(q.ci68);
    printf(",\"ci95\":");
    json_pair(q.ci95);
    printf(",\"intervals\":\"%s\",\"identifiable\":%s}", q.profiled ? "profile" : "linear",
           q.identifiable ? "true" : "false");
  }
  printf("],");
  idr_app_json_number("chi2", idr_app_attr(r, "/", "chi2"), 0);
  idr_app_json_number("chi2_reduced", idr_fit_chi2_reduced(f), 0);
  idr_app_json_number("points", (double)idr_fit_n_points(f), 0);
  printf("\"textbook\":");
  idr_dataset d;
  if (idr_result_dataset(r, "textbook/extraction/species_0", &d, NULL) == IDR_OK) {
    const char *g = "textbook/extraction/species_0";
    printf("{\"sign\":");
    json_string(idr_app_attr_string(r, g, "sign"));
    printf(",");
    idr_app_json_number("Ea_eV", idr_app_attr(r, g, "Ea_eV"), 0);
    idr_app_json_number("Ea_err_eV", idr_app_attr(r, g, "Ea_err_eV"), 0);
    idr_app_json_number("N_ion_cm3", idr_app_attr(r, g, "N_ion_cm3"), 0);
    idr_app_json_number("D0_cm2_s", idr_app_attr(r, g, "D0_cm2_s"), 1);
    printf("},");
  } else {
    printf("null,");
  }
  idr_app_json_number("simulations", (double)idr_fit_simulations(f), 0);
  printf("\"warnings\":");
  json_string(idr_fit_warnings(f));
  printf("}\n");
}

int idr_app_fit(int argc, char **argv) {
  fit_args a = {0};
  int rc = parse(argc, argv, &a);
  if (rc) return rc < 0 ? IDR_EXIT_OK : rc;
  char out[4096];
  if (a.c.out) {
    idr_strlcpy(out, a.c.out, sizeof out);
  } else {
    const char *base = strrchr(a.c.spec, '/');
    base = base ? base + 1 : a.c.spec;
    const char *dot = strrchr(base, '.');
    snprintf(out, sizeof out, "%.*s_fit.h5", (int)(dot ? (size_t)(dot - base) : strlen(base)),
             base);
  }
  if ((rc = idr_app_check_output("fit", out))) return rc;
  idr_error err;
  idr_error_clear(&err);
  idr_fit *f = NULL;
  idr_fit_run_options o;
  idr_fit_run_options_default(&o);
  o.threads = a.c.threads;
  o.no_profiles = a.no_profiles;
  o.progress = a.c.quiet ? NULL : on_progress;
  idr_status st = idr_fit_load(a.c.spec, &f, &err);
  if (st) { /* the spec, its deck or a data file: bad input, nothing run */
    fprintf(stderr, "iondrift: error: %s\n", err.msg);
    idr_fit_free(&f);
    return st == IDR_ERR_NOMEM ? IDR_EXIT_RUNTIME : IDR_EXIT_INPUT;
  }
  st = idr_fit_run(f, &o, &err);
  if (!st) st = idr_fit_write(f, out, &err);
  if (st) {
    fprintf(stderr, "iondrift: error: %s\n", err.msg);
    idr_fit_free(&f);
    return idr_app_exit_code(st);
  }
  if (a.json) {
    print_json(f);
  } else {
    print_table(f, a.c.spec);
    printf("wrote %s\n", out);
  }
  idr_fit_free(&f);
  return IDR_EXIT_OK;
}

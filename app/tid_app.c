/*
 * iondrift app: the summary of a TID run, printed from the result's group
 * `tid` (the scan, the extraction and the true inputs; docs/outputs.md).
 */
#include "app.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define F_M2_TO_NF_CM2 1e5 /* 1 F/m^2 = 1e5 nF/cm^2 */

static const char *attr_text(const idr_result *r, const char *obj, const char *name) {
  const char *s = "?";
  idr_result_attr_string(r, obj, name, &s, NULL);
  return s;
}

/* Returns 0 when the extraction failed (its message printed). */
static int print_extraction(const idr_result *r) {
  idr_dataset used;
  if (idr_result_dataset(r, "tid/extraction/used", &used, NULL) != IDR_OK) {
    printf("  extraction    failed: %s\n", attr_text(r, "tid", "extraction_error"));
    return 0;
  }
  size_t n_used = 0;
  for (size_t j = 0; j < used.dims[0]; j++)
    n_used += ((const int *)used.data)[j] != 0;
  const int intrinsic = idr_app_attr(r, "tid/extraction", "intrinsic") != 0;
  printf("  extraction    %s model, ln(T^%.0f/tau) vs 1/T, %zu of %zu temperatures in the "
         "window%s, polarity %s%s\n",
         attr_text(r, "tid/extraction", "model"), idr_app_attr(r, "tid/extraction", "power"),
         n_used, used.dims[0],
         idr_app_attr(r, "tid/extraction", "global_fit") != 0 ? ", global fit"
                                                              : ", regression only",
         attr_text(r, "tid/extraction", "polarity"), intrinsic ? " (intrinsic absorber)" : "");
  for (int c = 0;; c++) {
    char g[64];
    snprintf(g, sizeof g, "tid/extraction/species_%d", c);
    idr_dataset sp;
    if (idr_result_dataset(r, g, &sp, NULL) != IDR_OK) break;
    if (!intrinsic)
      printf("    %-7s Ea = %.4f +- %.4f eV   N_ion = %.4g +- %.2g cm^-3   D0 = %.4g cm^2/s   "
             "D300 = %.4g cm^2/s   (dC %s 0)\n",
             attr_text(r, g, "sign"), idr_app_attr(r, g, "Ea_eV"), idr_app_attr(r, g, "Ea_err_eV"),
             idr_app_attr(r, g, "N_ion_cm3"), idr_app_attr(r, g, "N_ion_err_cm3"),
             idr_app_attr(r, g, "D0_cm2_s"), idr_app_attr(r, g, "D300_cm2_s"),
             idr_app_attr(r, g, "dC_sign") < 0 ? "<" : ">");
    else if (!isfinite(idr_app_attr(r, g, "ND300_cm1_s")))
      printf("    %-7s Ea = %.4f +- %.4f eV   intrinsic absorber: N_ion D not computed: %s   "
             "(dC %s 0)\n",
             attr_text(r, g, "sign"), idr_app_attr(r, g, "Ea_eV"), idr_app_attr(r, g, "Ea_err_eV"),
             attr_text(r, "tid/extraction", "ND_note"),
             idr_app_attr(r, g, "dC_sign") < 0 ? "<" : ">");
    else
      printf("    %-7s Ea = %.4f +- %.4f eV   intrinsic absorber: N_ion D(300 K) = %.4g +- %.2g "
             "cm^-1 s^-1, sigma_ion(300 K) = %.4g S/cm   (dC %s 0)\n",
             attr_text(r, g, "sign"), idr_app_attr(r, g, "Ea_eV"), idr_app_attr(r, g, "Ea_err_eV"),
             idr_app_attr(r, g, "ND300_cm1_s"), idr_app_attr(r, g, "ND300_err_cm1_s"),
             idr_app_attr(r, g, "sigma300_S_cm"), idr_app_attr(r, g, "dC_sign") < 0 ? "<" : ">");
  }
  return 1;
}

static void print_truth(const idr_result *r, int intrinsic) {
  static const char PREFIX[] = "tid/true/";
  for (size_t i = 0; i < idr_result_count(r); i++) {
    idr_dataset e;
    if (idr_result_entry(r, i, &e, NULL) != IDR_OK || e.is_dataset ||
        strncmp(e.name, PREFIX, sizeof PREFIX - 1) != 0 || strchr(e.name + sizeof PREFIX - 1, '/'))
      continue;
    printf("    true    %-7s Ea = %.4f eV   N_ion = %.4g cm^-3   D0 = %.4g cm^2/s   (%s)\n",
           attr_text(r, e.name, "sign"), idr_app_attr(r, e.name, "Ea_eV"),
           idr_app_attr(r, e.name, "N_ion_cm3"), idr_app_attr(r, e.name, "D0_cm2_s"),
           e.name + sizeof PREFIX - 1);
    if (intrinsic)
      printf("            N_ion D(300 K) = %.4g cm^-1 s^-1\n",
             idr_app_attr(r, e.name, "N_ion_cm3") * idr_app_attr(r, e.name, "D300_cm2_s"));
    const double sat = idr_app_attr(r, e.name, "Ea_saturated_eV");
    if (isfinite(sat)) /* barrier lowering by the photocarriers (docs/light.md) */
      printf("            under light Ea - dEa theta, down to %.4f eV at theta = 1\n", sat);
  }
}

void idr_app_print_tid(const idr_study *s, const idr_result *r) {
  (void)s;
  size_t nT = 0, ns = 0, nC = 0, nE = 0;
  const double *T = idr_app_data(r, "tid/T", &nT), *t = idr_app_data(r, "tid/t", &ns);
  const double *C = idr_app_data(r, "tid/C", &nC), *Ceq = idr_app_data(r, "tid/C_eq", &nE);
  if (nT == 0 || ns == 0 || nC != nT * ns || nE != nT) return;
  double steps = 0;
  idr_dataset st;
  if (idr_result_dataset(r, "tid/steps", &st, NULL) == IDR_OK)
    for (size_t j = 0; j < st.dims[0]; j++)
      steps += ((const int *)st.data)[j];
  printf("  TID scan      %zu temperatures %g .. %g K, %zu samples each at %g Hz, %.3f s wall "
         "(%.0f threads, %.0f IDA steps)\n",
         nT, T[0], T[nT - 1], ns, idr_app_attr(r, "tid", "f_Hz"),
         idr_app_attr(r, "tid", "scan_wall_time_s"), idr_app_attr(r, "tid", "threads"), steps);
  size_t nf = 0;
  const double *TF = idr_app_data(r, "tid/failed_T", &nf);
  for (size_t k = 0; TF && k < nf; k++) {
    char name[32];
    snprintf(name, sizeof name, "failed_%zu", k);
    const char *msg = attr_text(r, "tid", name);
    printf("    T = %5.1f K  failed (not in the results): %s\n", TF[k], msg);
    fprintf(stderr,
            "iondrift: warning: the TID scan at T = %g K failed and is left out (%zu of %zu "
            "temperatures kept): %s\n",
            TF[k], nT, nT + nf, msg);
  }
  for (size_t j = 0; j < nT; j++) {
    const double *c = C + j * ns;
    /* dC = C(last) - C(first): the extraction's sign convention, C_inf - C(0) */
    printf(
        "    T = %5.1f K  C_eq = %9.4f nF/cm^2  C(%g s) = %9.4f  C(%g s) = %9.4f  dC/C = %+.3e\n",
        T[j], Ceq[j] * F_M2_TO_NF_CM2, t[0], c[0] * F_M2_TO_NF_CM2, t[ns - 1],
        c[ns - 1] * F_M2_TO_NF_CM2, (c[ns - 1] - c[0]) / c[ns - 1]);
  }
  if (print_extraction(r)) print_truth(r, idr_app_attr(r, "tid/extraction", "intrinsic") != 0);
}

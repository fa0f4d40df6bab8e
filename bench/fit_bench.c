/*
 * Bench of the device-model fit (docs/fit.md, bench/README.md): a
 * 3-parameter fit (Ea, N_ion, D0) to an 11-temperature TID set. The data:
 * examples/fit/device.yaml at 11 temperatures 300..200 K on 200 nodes (the
 * mesh F3 asks for at 1 % noise), its 13 times, 0.1 cm^2, 1 % noise (seed
 * 2385); the fit from a start 50 meV and a factor 3 off, 1 start, the Ea
 * profile. Prints the wall time on 1 and 2 threads, the CPU time and the
 * simulations used (target: < 60 s on 2 cores).
 *
 *   fit_bench [WORKDIR]      (make bench-fit)
 */
#include "bench_clock.h"
#include "fit_synth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define DECK IDR_SOURCE_DIR "/examples/fit/device.yaml"

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  const char *sets[] = {"mesh.nodes=200",
                        "protocol.temperatures_K=[300, 290, 280, 270, 260, 250, 240, 230, 220, "
                        "210, 200]"};
  synth d;
  if (!synth_simulate(&d, DECK, sets, 2, 0.1, 0.01)) return 1;
  synth_noise(&d, 2385UL);
  char csv[1024], spec[1024], text[4096];
  snprintf(csv, sizeof csv, "%s/fit_bench.csv", dir);
  snprintf(spec, sizeof spec, "%s/fit_bench.yaml", dir);
  if (!synth_write_csv(&d, 0, d.nT, csv)) return 1;
  snprintf(text, sizeof text,
           "deck: %s\nset: {mesh.nodes: 200}\n"
           "data:\n  - {type: tid, file: fit_bench.csv, sigma_F: %.17g}\n"
           "area_cm2: 0.1\n"
           "parameters:\n"
           "  - {path: ions.0.Ea_eV, min: 0.05, max: 0.6, start: 0.181}\n"
           "  - {path: ions.0.density_cm3, min: 1e14, max: 1e17, scale: log, start: 3e16}\n"
           "  - {path: ions.0.D0_cm2_s, min: 1e-9, max: 1e-3, scale: log, start: 3.7e-7}\n"
           "starts: 1\n",
           DECK, d.sigma_F);
  printf("fit bench: 3 parameters, %zu temperatures x %zu times, 200 nodes, 1 %% noise\n", d.nT,
         d.nt);
  int rc = 0;
  for (int threads = 1; threads <= 2; threads++) {
    const double w0 = idr_bench_wall_s(), c0 = idr_bench_cpu_s();
    idr_fit *f = synth_fit(spec, text, threads, 0);
    const double wall = idr_bench_wall_s() - w0, cpu = idr_bench_cpu_s() - c0;
    if (!f) {
      rc = 1;
      continue;
    }
    idr_fit_param_result q;
    idr_fit_param(f, 0, &q, NULL);
    printf("  %d thread%s: wall %6.1f s, CPU %6.1f s, %zu simulations (%.1f ms CPU each); "
           "Ea %.4f +- %.4f eV (truth 0.131), chi2/dof %.3f\n",
           threads, threads > 1 ? "s" : " ", wall, cpu, idr_fit_simulations(f),
           1e3 * cpu / (double)idr_fit_simulations(f), q.value, q.stderr_, idr_fit_chi2_reduced(f));
    idr_fit_free(&f);
  }
  synth_free(&d);
  return rc;
}

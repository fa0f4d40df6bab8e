#!/usr/bin/python3
"""Write examples/fit/tid.csv: synthetic TID data for the fit example.

Provenance of every number in the file: C(t) of `iondrift run
examples/fit/device.yaml` (6 temperatures 300..200 K, 13 log times 1 us..1 s
after a +1 V / 5 s pulse, C at 10 kHz) at the deck's ion parameters (the
truth: Ea = 0.131 eV, N_ion = 1e16 cm^-3, D0 = 1.1e-6 cm^2/s; illustrative),
scaled to a device of 0.1 cm^2 (illustrative area), plus Gaussian noise of
1 % of the largest transient amplitude |C(1 s) - C(1 us)| (numpy's default
generator, seed 2385). The noise level is printed; fit.yaml's sigma_F must
equal it.

    /usr/bin/python3 examples/fit/make_data.py IONDRIFT [OUT.csv]

(`make fit-example` runs it with build/app/iondrift, then the fit.)
"""

import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

AREA_M2 = 0.1e-4  # 0.1 cm^2, illustrative
NOISE_FRACTION = 0.01  # of the largest transient amplitude
SEED = 2385


def main(argv):
    iondrift = argv[0]
    here = os.path.dirname(os.path.abspath(__file__))
    out = argv[1] if len(argv) > 1 else os.path.join(here, "tid.csv")
    with tempfile.TemporaryDirectory() as tmp:
        h5 = os.path.join(tmp, "truth.h5")
        subprocess.run([iondrift, "run", os.path.join(here, "device.yaml"), "-o", h5, "-q"],
                       check=True)
        with h5py.File(h5, "r") as f:
            T = f["tid/T"][()]
            t = f["tid/t"][()]
            C = f["tid/C"][()] * AREA_M2
            version = f.attrs["iondrift_version"]
            version = version.decode() if isinstance(version, bytes) else str(version)
    sigma = NOISE_FRACTION * np.max(np.abs(C[:, -1] - C[:, 0]))
    rng = np.random.default_rng(SEED)
    noisy = C + sigma * rng.standard_normal(C.shape)
    with open(out, "w") as f:
        f.write("# SYNTHETIC, ILLUSTRATIVE DATA (not a measurement): iondrift %s, "
                "examples/fit/device.yaml\n" % version)
        f.write("# at Ea = 0.131 eV, N_ion = 1e16 cm^-3, D0 = 1.1e-6 cm^2/s; 0.1 cm^2; "
                "Gaussian noise sigma = %.4g F (seed %d)\n" % (sigma, SEED))
        f.write("# examples/fit/make_data.py states the provenance of every number.\n")
        f.write("temperature_K,time_s,capacitance_F\n")
        for i, TT in enumerate(T):
            for j, tt in enumerate(t):
                f.write("%g,%g,%.10e\n" % (TT, tt, noisy[i, j]))
    print("wrote %s: %d temperatures x %d times, sigma_F = %.4g F" % (out, len(T), len(t), sigma))


if __name__ == "__main__":
    main(sys.argv[1:])

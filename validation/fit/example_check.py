#!/usr/bin/env python3
"""The fit example stays consistent with the model (docs/fit.md, examples/fit).

examples/fit/tid.csv is stored data simulated by make_data.py at the truth of
examples/fit/device.yaml. When the model moves (mesh, physics) and the stored
data are not regenerated, the fit still converges but its chi2 grows far
above the number of degrees of freedom (21x after one mesh change). This check
runs the documented fit (without profiles) and asserts:
  - reduced chi2 within [0.6, 1.4] (75 degrees of freedom: 1 +- 2.5 sd);
  - every parameter within 2.5 standard errors of the truth;
and, with sigma_F five times smaller than the noise (chi2/dof ~25), that the
fit warns it is poor (absolute sigma: the errors are not rescaled).
Usage: example_check.py IONDRIFT SPEC OUT.h5
"""
import json
import os
import re
import subprocess
import sys

TRUTH = {"ions[0].Ea_eV": 0.131, "ions[0].density_cm3": 1e16, "ions[0].D0_cm2_s": 1.1e-6}


def fit(exe, spec, h5):
    out = subprocess.run([exe, "fit", spec, "--json", "-q", "--no-profiles", "-o", h5],
                         capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stdout, out.stderr)
        print("FAIL: iondrift fit exit %d" % out.returncode)
        return None
    return json.loads(out.stdout)


def poor_fit_warned(exe, spec, h5):
    """The same fit with sigma_F / 5: the warning must say the fit is poor."""
    here = os.path.dirname(os.path.abspath(spec))
    text = open(spec).read()
    m = re.search(r"sigma_F: ([0-9.eE+-]+)", text)
    text = text.replace(m.group(0), "sigma_F: %.6g" % (float(m.group(1)) / 5))
    text = re.sub(r"(deck|file): ([A-Za-z0-9_.]+)",
                  lambda g: "%s: %s" % (g.group(1), os.path.join(here, g.group(2))), text)
    tight = h5 + ".tight.yaml"
    with open(tight, "w") as fh:
        fh.write(text)
    r = fit(exe, tight, h5 + ".tight.h5")
    if r is None:
        return 1
    w = r.get("warnings", "")
    ok = "the fit is poor" in w and r["chi2_reduced"] > 10
    print("sigma_F / 5: reduced chi2 %.3g, warning %s %s"
          % (r["chi2_reduced"], "present" if "the fit is poor" in w else "MISSING",
             "ok" if ok else "FAIL"))
    return 0 if ok else 1


def main():
    exe, spec, h5 = sys.argv[1], sys.argv[2], sys.argv[3]
    r = fit(exe, spec, h5)
    if r is None:
        return 1
    bad = 0
    chi2 = r["chi2_reduced"]
    ok = 0.6 <= chi2 <= 1.4
    print("reduced chi2 %.4f (allowed [0.6, 1.4]) %s" % (chi2, "ok" if ok else "FAIL"))
    bad += not ok
    seen = 0
    for p in r["parameters"]:
        t = TRUTH.get(p["path"])
        if t is None:
            continue
        seen += 1
        z = (p["value"] - t) / p["stderr"]
        ok = abs(z) <= 2.5
        print("%s = %.6g +- %.3g (truth %.6g, %.2f SE) %s"
              % (p["path"], p["value"], p["stderr"], t, z, "ok" if ok else "FAIL"))
        bad += not ok
    if seen != len(TRUTH):
        print("FAIL: %d of %d parameters found in the JSON" % (seen, len(TRUTH)))
        bad += 1
    if "the fit is poor" in r.get("warnings", ""):
        print("FAIL: the example fit warns it is poor")
        bad += 1
    bad += poor_fit_warned(exe, spec, h5)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

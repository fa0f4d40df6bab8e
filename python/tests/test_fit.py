"""Tests of iondrift.fit (the device-model fit through the library) against
the command line: the same numbers (the same library calls), the checks of
a bad spec, the progress callback.

Environment as for test_iondrift.py (set by ctest).
"""
import json
import os
import subprocess

import numpy as np
import pytest

import iondrift
from test_iondrift import EXE, SRC

DEVICE = os.path.join(SRC, "validation", "fit", "device.yaml")
BAD = os.path.join(SRC, "validation", "fit", "bad_specs", "bound_inverted.yaml")


def cv_spec(tmp_path):
    """Noise-free C-V data of the validation device at N_A = 1e17 cm^-3 (0.1
    cm^2) and a spec fitting N_A back from 3e17."""
    r = iondrift.run(DEVICE, set={"protocol": {"type": "cv", "biases_V": [-0.6, -0.3, 0.0]}})
    V, C = r["cv/V"], r["cv/C"] * 0.1e-4
    (tmp_path / "cv.csv").write_text(
        "voltage_V,capacitance_F\n" + "".join("%r,%r\n" % (a, b) for a, b in zip(V, C)))
    spec = tmp_path / "fit.yaml"
    spec.write_text("deck: %s\ndata:\n  - {type: cv, file: cv.csv, sigma_rel: 1e-3}\n"
                    "area_cm2: 0.1\nparameters:\n"
                    "  - {path: layers.1.N_A_cm3, min: 1e15, max: 1e19, scale: log, start: 3e17}\n"
                    "starts: 1\n" % DEVICE)
    return spec


def test_fit_equals_command_line(tmp_path):
    spec = cv_spec(tmp_path)
    stages = []
    f = iondrift.fit(spec, threads=1, progress=lambda p: stages.append(p["stage"]))
    out = subprocess.run([EXE, "fit", str(spec), "-o", str(tmp_path / "cli.h5"), "--json", "-q",
                          "--threads", "1"], check=True, capture_output=True, text=True).stdout
    cli = json.loads(out)
    (p,), (q,) = f.parameters, cli["parameters"]
    assert p["path"] == q["path"] == "layers[1].N_A_cm3"
    assert p["value"] == pytest.approx(q["value"], rel=1e-9)  # the JSON's 10 digits
    assert abs(p["value"] / 1e17 - 1) <= 1e-4                   # noise-free data fitted back
    assert p["identifiable"] is True and q["identifiable"] is True
    assert f.simulations == cli["simulations"]
    assert "start 1/1" in stages and stages[-1] == "done"
    C, model = f.result["data/set_0/C"], f.result["data/set_0/model"]
    assert np.max(np.abs(model / C - 1)) <= 1e-5
    f.write(tmp_path / "py.h5")
    assert (tmp_path / "py.h5").stat().st_size > 0


def test_fit_bad_spec():
    with pytest.raises(iondrift.InputError) as e:
        iondrift.fit(BAD)
    assert "bound_inverted.yaml:7:41: parameters[0].max must be > min" in str(e.value)


def test_fit_missing_spec(tmp_path):
    """A spec that cannot be read is bad input, as the command line's exit 2."""
    missing = tmp_path / "no_such_fit.yaml"
    with pytest.raises(iondrift.InputError) as e:
        iondrift.fit(missing)
    assert "no_such_fit.yaml: cannot be read" in str(e.value)

"""The generic sweep figure (tools/idrplot/sweep.py) on a synthetic
results.h5: a 3-value logspace axis is drawn on a log x axis, the solver's
cost (wall_s, steps) is not a panel, nan values and failed points are
counted on the figure, flagged points in the title."""

import os
import sys

import numpy as np
import pytest

h5py = pytest.importorskip("h5py")
matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from idrplot import sweep  # noqa: E402


def write_table(path):
    n_ion = np.array([1e15, 1e16, 1e17] * 2)  # logspace: [1e15, 1e17, 3]
    thick = np.repeat([400.0, 600.0], 3)
    ea = np.array([0.13, 0.131, np.nan, 0.129, 0.13, 0.132])  # one nan (flagged)
    ok = np.array([1, 1, 1, 1, 0, 1])  # one failed
    flagged = np.array([0, 0, 1, 0, 0, 0])
    with h5py.File(path, "w") as f:
        f.attrs["design"] = "grid"
        t = f.create_group("table")
        t.attrs["axes"] = "layers[1].thickness_nm,ions[0].density_cm3"
        t.attrs["outputs"] = "Ea_extracted_eV,steps,wall_s"
        for name, v, u in (("layers[1].thickness_nm", thick, "nm"),
                           ("ions[0].density_cm3", n_ion, "cm^-3"),
                           ("Ea_extracted_eV", ea, "eV"),
                           ("steps", np.full(6, 1000.0), "-"), ("wall_s", np.full(6, 1.2), "s"),
                           ("ok", ok, "-"), ("flagged", flagged, "-")):
            t.create_dataset(name, data=v).attrs["units"] = u


def test_log_axis_counts_and_no_wall_time(tmp_path):
    path = tmp_path / "results.h5"
    write_table(path)
    with h5py.File(path, "r") as f:
        fig = sweep.figure(f, str(path), "synthetic sweep")
    panels = [a for a in fig.axes if a.axison]
    assert len(panels) == 1, [a.get_ylabel() for a in panels]  # Ea only: not steps, not wall_s
    ax = panels[0]
    assert ax.get_ylabel() == "Ea_extracted_eV [eV]"
    assert ax.get_xscale() == "log", "a logspace axis (1e15, 1e16, 1e17) on a linear axis"
    texts = [t.get_text() for t in ax.texts]
    assert any("1 of 6 point(s) nan" in s for s in texts), texts
    title = fig._suptitle.get_text()
    assert "1 failed point(s) not drawn" in title and "1 flagged" in title, title
    assert "not drawn: steps, wall_s" in title, title


def test_linear_axis_stays_linear():
    assert not sweep.log_spaced([300.0, 500.0, 700.0])
    assert sweep.log_spaced([1e15, 1e16, 1e17]) and sweep.log_spaced(np.logspace(15, 16, 5))

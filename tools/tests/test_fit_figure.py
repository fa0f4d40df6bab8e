"""The fit figure (tools/idrplot/fitplot.py) on synthetic fit results: no
panel is left empty; the free panels show the textbook Arrhenius plot with
the fitted Ea as a line of slope -Ea/k crossing the textbook law at the mean
1000/T of the used temperatures, the correlation matrix and the table of the
parameters with the warnings. Run by ctest (label plot): python3 -m pytest
tools/tests."""

import os
import sys

import numpy as np
import pytest

h5py = pytest.importorskip("h5py")
matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from idrplot import fitplot  # noqa: E402

K_B_EV = 8.617333262e-5
T = np.array([300.0, 260.0, 220.0])
t = np.geomspace(1e-5, 1.0, 6)
EA_TB, LNA, EA_FIT, EA_SE = 0.165, 20.0, 0.1356, 0.0024
TAU = T / np.exp(LNA - EA_TB / (K_B_EV * T))
CORR = np.array([[1.0, -0.07, 0.991], [-0.07, 1.0, -0.1], [0.991, -0.1, 1.0]])
PATHS = ["ions[0].Ea_eV", "ions[0].density_cm3", "ions[0].D0_cm2_s"]
WARN = "ions[0].Ea_eV and ions[0].D0_cm2_s are strongly correlated: correlation 0.991"


def write_fit(path, n_par=3, profiles=(0,), textbook=True):
    C = np.concatenate([1e-8 * (1.0 + 0.01 * np.exp(-t / tau)) for tau in TAU])
    with h5py.File(path, "w") as f:
        f.attrs.update({"chi2_reduced": 1.08, "simulations": 309.0,
                        "warnings": WARN if n_par == 3 else ""})
        s = f.create_group("data/set_0")
        s.attrs.update({"type": "tid", "file": "tid.csv"})
        for name, v, u in (("T", T, "K"), ("x", np.tile(t, 3), "s"), ("C", C, "F"),
                           ("model", C * (1 + 1e-5), "F"), ("sigma", np.full(C.size, 1e-12), "F"),
                           ("residual", np.full(C.size, 0.1), "-")):
            s.create_dataset(name, data=v).attrs["units"] = u
        s.create_dataset("curve_start", data=np.array([0, 6, 12, 18]))
        p = f.create_group("parameters")
        p.attrs.update({"paths": ",".join(PATHS[:n_par]), "units": "eV,cm^-3,cm^2/s"})
        val = np.array([EA_FIT, 1e16, 1.3e-6])[:n_par]
        se = np.array([EA_SE, 4.8e13, 1.4e-7])[:n_par]
        for name, v in (("value", val), ("stderr", se), ("ci68", np.c_[val - se, val + se]),
                        ("ci95", np.c_[val - 2 * se, val + 2 * se]),
                        ("profiled", np.ones(n_par, int)), ("identifiable", np.ones(n_par, int)),
                        ("log_scale", np.array([0, 1, 1])[:n_par]),
                        ("correlation", CORR[:n_par, :n_par])):
            p.create_dataset(name, data=v)
        for k in profiles:
            g = f.create_group("profiles/p%d" % k)
            g.attrs.update({"path": PATHS[k], "index": k})
            g.create_dataset("value", data=val[k] + se[k] * np.array([-2.0, -1.0, 1.0, 2.0]))
            g.create_dataset("dchi2", data=np.array([4.0, 1.0, 1.0, 4.0])).attrs["units"] = "-"
        if textbook:
            write_textbook(f.create_group("textbook"))


def write_textbook(tb):
    d = tb.create_group("data")
    for name, v, u in (("T", T, "K"), ("t", np.tile(t, 3), "s"), ("C", np.ones(18), "F")):
        d.create_dataset(name, data=v).attrs["units"] = u
    d.create_dataset("offset", data=np.array([0, 6, 12, 18]))
    x = tb.create_group("extraction")
    x.attrs.update({"power": 1.0, "model": "single", "polarity": "pin", "N_A_cm3": 1e17,
                    "intrinsic": 0.0})
    for name, v, u in (("T", T, "K"), ("used", np.ones(3), "-"), ("tau", TAU[:, None], "s"),
                       ("tau_err", 0.05 * TAU[:, None], "s"), ("dC", np.full((3, 1), 1e-10), "F"),
                       ("C_inf", np.full(3, 1.01e-8), "F"), ("beta", np.ones(3), "-")):
        x.create_dataset(name, data=v).attrs["units"] = u
    x.create_group("global_0").attrs.update({"Ea_eV": EA_TB, "Ea_err_eV": 0.016, "lnA": LNA})
    x.create_group("species_0").attrs.update({"sign": "cation", "Ea_eV": EA_TB, "dC_sign": 1.0})


def draw(tmp_path, **kw):
    path = tmp_path / "fit.h5"
    write_fit(path, **kw)
    with h5py.File(path, "r") as f:
        fig = fitplot.figure(f, str(path), "synthetic fit")
    return fig, [a for a in fig.axes if a.get_title()]


def titled(axes, start):
    found = [a for a in axes if a.get_title().startswith(start)]
    assert len(found) == 1, [a.get_title() for a in axes]
    return found[0]


def test_arrhenius_beside_the_fitted_ea(tmp_path):
    fig, axes = draw(tmp_path)
    assert len(axes) == 4  # data, Arrhenius, residuals, the Ea profile: nothing empty
    ax = titled(axes, "textbook Arrhenius")
    x = np.linspace(1000.0 / T.max(), 1000.0 / T.min(), 50)
    lines = {ln.get_label().split(" ")[0]: ln for ln in ax.get_lines()}
    tb, fit = lines["cation:"], lines["fit"]
    # slopes in ln(T/tau) per (1000/T): -Ea / (1000 k)
    tx, ty = tb.get_data()
    fx, fy = fit.get_data()
    assert np.polyfit(tx, ty, 1)[0] == pytest.approx(-EA_TB / (1000 * K_B_EV), rel=1e-9)
    assert np.polyfit(fx, fy, 1)[0] == pytest.approx(-EA_FIT / (1000 * K_B_EV), rel=1e-9)
    # the two laws cross at the mean 1000/T of the used temperatures
    xm = np.mean(1000.0 / T)
    assert np.interp(xm, fx, fy) == pytest.approx(LNA - EA_TB * xm / (1000 * K_B_EV), abs=1e-9)
    assert np.allclose(fx, x)
    assert "%.4f" % EA_FIT in fit.get_label() and "%.4f" % EA_SE in fit.get_label()


def test_correlation_and_table_fill_the_free_panels(tmp_path):
    fig, axes = draw(tmp_path, profiles=(0, 1, 2))  # 4 columns: 3 free panels on top
    assert len(axes) == 8
    c = titled(axes, "correlation")
    assert np.array_equal(c.get_images()[0].get_array(), CORR)
    txt = [tx.get_text() for tx in c.texts]
    assert "0.991" in txt and "-0.070" in txt
    table = titled(axes, "fitted parameters").texts[0].get_text()
    for p in PATHS:
        assert p in table
    assert "warnings:" in table and "correlation 0.991" in table


def test_one_parameter_without_textbook_shows_the_table(tmp_path):
    fig, axes = draw(tmp_path, n_par=1, textbook=False)
    assert len(axes) == 4
    table = titled(axes, "fitted parameters").texts[0].get_text()
    assert "ions[0].Ea_eV = 0.1356" in table and "no warnings" in table
    assert not [a for a in axes if a.get_title().startswith(("textbook", "correlation"))]

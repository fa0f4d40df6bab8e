"""The TID figure's scales (tools/idrplot/tid.py): a scan whose unused
temperatures carry wild fits (the cation of the example deck at 300 K:
tau ~1e6 s, C_inf ~1 F/m^2 extrapolated from a window ending at 10 s)
must not set the axes. Panel (b) shows (C(t) - C_end)/C_end of the data,
panel (c) the Arrhenius points near the window with their error bars.
Run by ctest (label plot): python3 -m pytest tools/tests."""

import os
import sys

import numpy as np
import pytest

h5py = pytest.importorskip("h5py")
matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from idrplot import tid  # noqa: E402

K_B_EV = 8.617333262e-5
T = np.array([300.0, 280.0, 260.0, 240.0])
t = np.geomspace(1e-6, 10.0, 61)
EA, LNA = 0.13, 19.0
TAU = T / np.exp(LNA - EA / (K_B_EV * T))  # 2.6e-4 .. 1.3e-3 s
C_INF = 1.1e-3 + 1e-6 * np.arange(4)  # F/m^2
DC = -3e-6  # F/m^2, C falls by ~0.3 %


# the two hot temperatures: a slow rise that the window (to 10 s) cuts off,
# fitted by a runaway single exponential (as in the example scan)
WILD_TAU = np.array([9.8e5, 2.6e6])
WILD_DC = np.array([0.77, 1.28])


def curves():
    C = np.array([C_INF[j] - DC * np.exp(-t / TAU[j]) for j in range(len(T))])
    for j in range(2):
        C[j] = C_INF[j] + WILD_DC[j] - WILD_DC[j] * np.exp(-t / WILD_TAU[j])
    return C


def write_scan(path):
    C = curves()
    with h5py.File(path, "w") as f:
        g = f.create_group("tid")
        for name, v, u in (("T", T, "K"), ("t", t, "s"), ("C", C, "F/m^2")):
            g.create_dataset(name, data=v).attrs["units"] = u
        x = g.create_group("extraction")
        used = np.array([0, 0, 1, 1])
        # the two hot temperatures: fits that ran off (as in the example scan)
        tau = np.array([[WILD_TAU[0], np.nan], [WILD_TAU[1], np.nan], [TAU[2], np.nan],
                        [TAU[3], np.nan]])
        tau_err = np.array([[3.3e10, np.nan], [3.6e11, np.nan], [2e-5, np.nan], [3e-5, np.nan]])
        dC = np.array([[WILD_DC[0], np.nan], [WILD_DC[1], np.nan], [DC, np.nan], [DC, np.nan]])
        c_inf = np.array([WILD_DC[0] + C_INF[0], WILD_DC[1] + C_INF[1], C_INF[2], C_INF[3]])
        for name, v, u in (("T", T, "K"), ("used", used, "-"), ("tau", tau, "s"),
                           ("tau_err", tau_err, "s"), ("dC", dC, "F/m^2"),
                           ("C_inf", c_inf, "F/m^2"), ("beta", np.ones(4), "-")):
            x.create_dataset(name, data=v).attrs["units"] = u
        x.attrs.update({"power": 1.0, "model": "single", "polarity": "pin", "N_A_cm3": 1e17,
                        "intrinsic": 0.0})
        law = x.create_group("global_0")
        law.attrs.update({"Ea_eV": EA, "Ea_err_eV": 0.002, "lnA": LNA})
        sp = x.create_group("species_0")
        sp.attrs.update({"sign": "anion", "Ea_eV": EA, "Ea_err_eV": 0.002, "N_ion_cm3": 5e14,
                         "N_ion_err_cm3": 1e13, "D300_cm2_s": 3e-8, "dC_sign": -1.0})


def test_wild_unused_fits_do_not_set_the_scales(tmp_path):
    path = tmp_path / "scan.h5"
    write_scan(path)
    with h5py.File(path, "r") as f:
        fig = tid.figure(f, str(path), "tid", "synthetic scan")
    axes = [a for a in fig.axes if a.get_title().startswith(("(a)", "(b)", "(c)"))]
    a, b, c = sorted(axes, key=lambda ax: ax.get_title())
    C = curves()
    # (a) C in nF/cm^2 (1 F/m^2 = 1e5 nF/cm^2): the data's range, not C_inf's
    lo, hi = a.get_ylim()
    span = 1e5 * (C.max() - C.min())
    assert 1e5 * C.min() - 0.2 * span < lo and hi < 1e5 * C.max() + 0.2 * span, (lo, hi)
    # (b) (C - C_end)/C_end of the data in units of 10^-3 (|dC/C| ~ 3e-3 and
    # the cut-off rise ~ -7e-3): the axis spans the data, not 1e5
    rel = np.array([(c - c[-3:].mean()) / c[-3:].mean() for c in C]) * 1e3
    lo, hi = b.get_ylim()
    assert "10$^{-3}$" in b.get_ylabel(), b.get_ylabel()
    span = rel.max() - rel.min()
    assert rel.min() - 0.2 * span < lo <= rel.min() and rel.max() <= hi < rel.max() + 0.2 * span, \
        (lo, hi, rel.min(), rel.max())
    # (c) ln(T/tau) of the used points: 12.5 .. 13.5; the runaway fits (tau
    # 1e6 s, errors 1e11 s) are outside 10x the window: not drawn, counted
    lo, hi = c.get_ylim()
    y = np.log(T[2:] / TAU[2:])
    assert y.min() - 1.0 < lo < y.min() and y.max() < hi < y.max() + 1.0, (lo, hi, y)
    labels = [tx.get_text() for tx in c.get_legend().get_texts()]
    assert any("2 fit(s)" in s and "not drawn" in s for s in labels), labels
    for ax in (a, b, c):
        assert "[" in ax.get_xlabel() and "[" in ax.get_ylabel(), (ax.get_xlabel(), ax.get_ylabel())


def write_merged(path):
    """One species whose transient has two exponentials of one barrier
    (extraction @merged): species_0 the rise, exponential_1 its fall."""
    tau = np.stack([TAU, TAU / 10.0], axis=1)
    dC = np.tile([3e-6, -6e-7], (len(T), 1))
    C = np.array([C_INF[j] - dC[j, 0] * np.exp(-t / tau[j, 0]) - dC[j, 1] * np.exp(-t / tau[j, 1])
                  for j in range(len(T))])
    with h5py.File(path, "w") as f:
        g = f.create_group("tid")
        for name, v, u in (("T", T, "K"), ("t", t, "s"), ("C", C, "F/m^2")):
            g.create_dataset(name, data=v).attrs["units"] = u
        x = g.create_group("extraction")
        for name, v, u in (("T", T, "K"), ("used", np.ones(4), "-"), ("tau", tau, "s"),
                           ("tau_err", 0.01 * tau, "s"), ("dC", dC, "F/m^2"),
                           ("C_inf", C_INF, "F/m^2"), ("beta", np.ones(4), "-")):
            x.create_dataset(name, data=v).attrs["units"] = u
        x.attrs.update({"power": 1.0, "model": "two", "polarity": "pin", "N_A_cm3": 1e17,
                        "intrinsic": 0.0, "n_species": 1.0, "n_components": 2.0, "merged": 1.0})
        for c, lna in ((0, LNA), (1, LNA + np.log(10.0))):
            x.create_group("global_%d" % c).attrs.update({"Ea_eV": EA, "Ea_err_eV": 0.002,
                                                          "lnA": lna})
        for name, sign, dcs in (("species_0", "cation", 1.0), ("exponential_1", "anion", -1.0)):
            x.create_group(name).attrs.update({"sign": sign, "Ea_eV": EA, "Ea_err_eV": 0.002,
                                               "N_ion_cm3": 5e14, "N_ion_err_cm3": 1e13,
                                               "D300_cm2_s": 3e-8, "dC_sign": dcs})


def test_merged_species_one_name_two_laws(tmp_path):
    """A merged extraction: both laws drawn, the second as the species' second
    exponential (never as an anion); the title holds one species."""
    path = tmp_path / "merged.h5"
    write_merged(path)
    with h5py.File(path, "r") as f:
        fig = tid.figure(f, str(path), "tid", "synthetic scan")
    c = [a for a in fig.axes if a.get_title().startswith("(c)")][0]
    labels = [tx.get_text() for tx in c.get_legend().get_texts()]
    assert any(s.startswith("cation: E$_a$") for s in labels), labels
    assert any(s.startswith("its 2nd exponential (C falls)") for s in labels), labels
    assert not any("anion" in s for s in labels), labels
    title = fig._suptitle.get_text()
    assert "anion" not in title and "cation:" not in title and "N$_{ion}$ = 5e+14" in title, title

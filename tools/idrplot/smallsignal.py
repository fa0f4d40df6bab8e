"""Small-signal figures: C-f (C and G/w against f) and C-V (C and 1/C^2
against V with the Mott-Schottky fit the run stored, its N and V_bi)."""

import numpy as np

from .common import FM2_TO_NFCM2, attr, data, group


def figure_cf(f, path, title):
    import matplotlib.pyplot as plt

    cf = group(f, "cf")
    fr = data(cf, "f", "Hz")
    C = data(cf, "C", "F/m^2")
    G = data(cf, "G", "S/m^2")
    Gw = G / (2.0 * np.pi * fr)
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.6), gridspec_kw={"wspace": 0.28})
    a.semilogx(fr, C * FM2_TO_NFCM2, "o-", ms=3.5, color="C0")
    a.set_xlabel("frequency f [Hz]")
    a.set_ylabel("capacitance C [nF/cm$^2$]")
    a.set_title("(a) capacitance")
    pos = Gw > 0
    if pos.sum() >= max(2, 0.8 * len(Gw)):
        b.loglog(fr[pos], Gw[pos] * FM2_TO_NFCM2, "s-", ms=3.5, color="C3")
    else:
        b.semilogx(fr, Gw * FM2_TO_NFCM2, "s-", ms=3.5, color="C3")
    b.set_xlabel("frequency f [Hz]")
    b.set_ylabel("G/$\\omega$ [nF/cm$^2$]")
    b.set_title("(b) loss G/$\\omega$ ($\\omega$ = 2$\\pi$f)")
    fig.subplots_adjust(top=0.84)
    fig.suptitle("%s\nDC bias %g V" % (title, attr(cf, "V_V", 0.0)), fontsize=10)
    return fig


def _ms_line(ms, V):
    """1/C^2 [m^4/F^2] of the stored fit (per area) over V."""
    return attr(ms, "intercept") + attr(ms, "slope") * V


def figure_cv(f, path, title):
    import matplotlib.pyplot as plt

    cv = group(f, "cv")
    V = data(cv, "V", "V")
    C = data(cv, "C", "F/m^2")
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.6), gridspec_kw={"wspace": 0.3})
    a.plot(V, C * FM2_TO_NFCM2, "o-", ms=3.5, color="C0")
    a.set_xlabel("DC bias V [V]")
    a.set_ylabel("capacitance C [nF/cm$^2$]")
    a.set_title("(a) C-V at %g Hz, ions %s" % (attr(cv, "f_Hz", np.nan), attr(cv, "ions", "?")))
    inv = 1.0 / (C * FM2_TO_NFCM2 * 1e-3) ** 2  # [cm^4/uF^2]
    b.plot(V, inv, "o", ms=4, color="C0", label="data")
    ms = group(f, "cv/mott_schottky")
    if ms is not None and attr(ms, "slope") is not None:
        lo, hi = attr(ms, "V_lo_V"), attr(ms, "V_hi_V")
        sel = (V >= lo - 1e-9) & (V <= hi + 1e-9)
        VV = np.linspace(V.min(), V.max(), 100)
        b.plot(VV, _ms_line(ms, VV) / (FM2_TO_NFCM2 * 1e-3) ** 2, "k--", lw=1,
               label="Mott-Schottky fit of the %d points at V $\\leq$ %.2f V" % (sel.sum(), hi))
        b.plot(V[sel], inv[sel], "o", ms=4, color="C1", label="points fitted")
        b.text(0.03, 0.05, "N = %.4g $\\pm$ %.2g cm$^{-3}$ ($\\epsilon_r$ = %g)\nV$_{bi}$ = %.4g "
               "$\\pm$ %.2g V (kT/q included)\nR$^2$ = %.6f" % (
                   attr(ms, "N_cm3"), attr(ms, "N_err_cm3"), attr(ms, "eps_r"), attr(ms, "V_bi_V"),
                   attr(ms, "V_bi_err_V"), attr(ms, "r2")), transform=b.transAxes, va="bottom",
               fontsize="small", bbox={"fc": "white", "ec": "0.7", "alpha": 0.9})
    b.set_xlabel("DC bias V [V]")
    b.set_ylabel("1/C$^2$ [cm$^4$/$\\mu$F$^2$]")
    b.set_title("(b) Mott-Schottky")
    b.legend(loc="upper right", fontsize="x-small")
    fig.suptitle(title, fontsize=10)
    return fig
